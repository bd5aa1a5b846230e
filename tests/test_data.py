"""The data layer: the shipped sample, where the data comes from, integrity, the cache, batches.

Everything runs offline on the sample shipped in course_utils/sample/; the lookup tests use
copies of it in temporary folders (with the sample's own checksums), and every place the
loader looks at (cache, Debian folder, download) is redirected, so the real machine's
folders and the network are never touched.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from course_utils import data as data_module
from course_utils.data import (
    OFFICIAL_FILES,
    SPLIT_FILES,
    BatchLoader,
    DataIntegrityError,
    DataNotFoundError,
    FashionMNIST,
    ImageSplit,
    load_fashion_mnist,
    load_sample,
    resize_images,
    sample_files,
)

SAMPLE = data_module.SAMPLE_DIR
REAL_DOWNLOAD = data_module._download
ALL_NAMES = [name for pair in SPLIT_FILES.values() for name in pair]


def put_sample(folder: Path, *, raw_layout: bool = False, decompressed: bool = False) -> Path:
    """Copy the shipped sample's IDX files into ``folder`` (or ``folder/FashionMNIST/raw``)."""
    target = folder / "FashionMNIST" / "raw" if raw_layout else folder
    target.mkdir(parents=True, exist_ok=True)
    for name in ALL_NAMES:
        if decompressed:
            (target / name).write_bytes(gzip.decompress((SAMPLE / f"{name}.gz").read_bytes()))
        else:
            shutil.copy(SAMPLE / f"{name}.gz", target / f"{name}.gz")
    return target


@pytest.fixture
def places(tmp_path, monkeypatch):
    """Cache and Debian folders in tmp_path, no FASHION_MNIST_ROOT, and no download (it fails)."""
    cache, debian = tmp_path / "cache", tmp_path / "debian"
    monkeypatch.setattr(data_module, "CACHE_DIR", cache)
    monkeypatch.setattr(data_module, "DEBIAN_DIR", debian)
    monkeypatch.delenv("FASHION_MNIST_ROOT", raising=False)

    def no_network(dest: Path) -> None:
        raise urllib.error.URLError("no network in tests")

    monkeypatch.setattr(data_module, "_download", no_network)
    return {"cache": cache, "cached": cache / "FashionMNIST" / "raw", "debian": debian, "tmp": tmp_path}


@pytest.fixture
def reads(monkeypatch):
    """Records the path of every file the loader reads."""
    seen: list[Path] = []
    original = data_module._read_verified

    def spy(path, expected):
        seen.append(Path(path))
        return original(path, expected)

    monkeypatch.setattr(data_module, "_read_verified", spy)
    return seen


SAMPLE_FILES = sample_files()


def load(train: bool = True, root=None, **kwargs):
    return load_fashion_mnist(train, root, files=SAMPLE_FILES, **kwargs)


# ----------------------------------------------------------------------------- the shipped sample


def test_sample_is_class_balanced_in_original_order():
    images, labels = load_sample(train=True)
    assert images.shape == (2000, 28, 28) and images.dtype == torch.uint8
    assert labels.shape == (2000,) and labels.dtype == torch.int64
    assert torch.bincount(labels).tolist() == [200] * 10
    assert labels[:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]  # the full set's first labels
    images, labels = load_sample(train=False)
    assert images.shape == (500, 28, 28)
    assert torch.bincount(labels).tolist() == [50] * 10
    assert labels[:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]  # test image 0 is an ankle boot (9)


def test_sample_files_licence_and_manifest():
    manifest = json.loads((SAMPLE / "manifest.json").read_text(encoding="utf-8"))
    total = 0
    for name in ALL_NAMES:
        packed = (SAMPLE / f"{name}.gz").read_bytes()
        total += len(packed)
        assert hashlib.sha256(packed).hexdigest() == manifest["gz_sha256"][f"{name}.gz"]
        content = gzip.decompress(packed)
        assert hashlib.sha256(content).hexdigest() == manifest["files"][name]["sha256"]
    assert total < 2_000_000
    licence = (SAMPLE / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Copyright © 2017 Zalando SE" in licence
    for split, per_class in (("train", 200), ("test", 50)):
        index = manifest["original_index"][split]
        assert len(index) == 10 * per_class and index == sorted(index)


FULL_ROOT = os.environ.get("FASHION_MNIST_ROOT")


@pytest.mark.skipif(not FULL_ROOT, reason="needs the full data: set FASHION_MNIST_ROOT")
@pytest.mark.parametrize("train", [True, False])
def test_sample_is_the_genuine_data(train):
    full_images, full_labels = load_fashion_mnist(train, FULL_ROOT, download=False)
    images, labels = load_sample(train)
    index = torch.tensor(json.loads((SAMPLE / "manifest.json").read_text())["original_index"]["train" if train else "test"])
    assert torch.equal(images, full_images[index]) and torch.equal(labels, full_labels[index])


@pytest.mark.skipif(not FULL_ROOT, reason="needs the full data: set FASHION_MNIST_ROOT")
def test_make_sample_reproduces_the_shipped_files(tmp_path):
    import importlib.util

    script = Path(__file__).resolve().parents[1] / "scripts" / "make_sample.py"
    spec = importlib.util.spec_from_file_location("make_sample", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--source", FULL_ROOT, "--out", str(tmp_path)]) == 0
    for name in [*(f"{n}.gz" for n in ALL_NAMES), "manifest.json", "LICENSE"]:
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_official_checksums_are_those_of_source_md():
    assert OFFICIAL_FILES["train-images-idx3-ubyte"].sha256.startswith("c59f468a")
    assert OFFICIAL_FILES["t10k-labels-idx1-ubyte"].num_bytes == 10_008


# ----------------------------------------------------------------------------- where the data comes from


@pytest.mark.parametrize("raw_layout", [False, True])
@pytest.mark.parametrize("decompressed", [False, True])
def test_root_argument_in_either_layout(places, raw_layout, decompressed):
    root = places["tmp"] / "mine"
    put_sample(root, raw_layout=raw_layout, decompressed=decompressed)
    images, labels = load(True, root)
    expected_images, expected_labels = load_sample(True)
    assert torch.equal(images, expected_images) and torch.equal(labels, expected_labels)


def test_environment_variable(places, monkeypatch, reads):
    root = put_sample(places["tmp"] / "env")
    monkeypatch.setenv("FASHION_MNIST_ROOT", str(root))
    images, _ = load(False)
    assert len(images) == 500 and reads[0].parent == root


def test_root_comes_before_cache_and_debian(places, reads):
    put_sample(places["cached"], decompressed=True)
    put_sample(places["debian"])
    root = put_sample(places["tmp"] / "mine")
    load(True, root)
    assert {p.parent for p in reads} == {root}


def test_debian_folder_fills_the_cache_which_comes_first_next_time(places, reads):
    put_sample(places["debian"])  # the Debian package ships .gz files
    images, _ = load(True)
    assert {p.parent for p in reads} == {places["debian"]}
    cached = sorted(p.name for p in places["cached"].iterdir())
    assert cached == sorted(SPLIT_FILES[True])  # decompressed, nothing half-written beside them
    reads.clear()
    again, _ = load(True)
    assert {p.parent for p in reads} == {places["cached"]} and torch.equal(images, again)


def test_debian_gz_with_other_headers_is_accepted(places):
    """Debian's .gz files carry other gzip headers than the official ones: only the content counts."""
    places["debian"].mkdir(parents=True)
    for name in ALL_NAMES:
        content = gzip.decompress((SAMPLE / f"{name}.gz").read_bytes())
        (places["debian"] / f"{name}.gz").write_bytes(gzip.compress(content, compresslevel=1, mtime=12345))
    images, _ = load(True)
    assert torch.equal(images, load_sample(True)[0])


def test_no_data_and_no_network_gives_one_clear_error(places, monkeypatch):
    """The real download path (torchvision) with a network that fails: a clean error, no urllib traceback."""
    monkeypatch.setattr(data_module, "_download", REAL_DOWNLOAD)  # torchvision's download, for real

    def offline(*args, **kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(DataNotFoundError) as caught:
        load_fashion_mnist(True)
    error = caught.value
    message = str(error)
    assert isinstance(error, FileNotFoundError)
    assert error.__cause__ is None and error.__context__ is None  # no chained traceback
    for expected in (str(places["cached"]), str(places["debian"]), "download", "Temporary failure",
                     "FASHION_MNIST_ROOT", "apt-get install dataset-fashion-mnist", "source='sample'"):
        assert expected in message, expected
    assert not any(p.name.startswith(".download") for p in places["cache"].iterdir())  # temp folder removed


def test_missing_root_is_listed_and_download_can_be_off(places):
    with pytest.raises(DataNotFoundError, match="root argument") as caught:
        load(True, places["tmp"] / "nothing-here", download=False)
    assert "download: not tried" in str(caught.value)


# ----------------------------------------------------------------------------- integrity


def test_truncated_gz_is_reported_by_name(places):
    root = put_sample(places["tmp"] / "mine")
    path = root / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(DataIntegrityError, match=r"train-images-idx3-ubyte\.gz is truncated"):
        load(True, root)


def test_truncated_decompressed_file_is_reported_with_expected_size(places):
    root = put_sample(places["tmp"] / "mine", decompressed=True)
    path = root / "t10k-labels-idx1-ubyte"
    path.write_bytes(path.read_bytes()[:100])
    expected = SAMPLE_FILES["t10k-labels-idx1-ubyte"].num_bytes
    with pytest.raises(DataIntegrityError, match=rf"t10k-labels-idx1-ubyte is truncated: 100 bytes .* expected {expected}"):
        load(False, root)


def test_changed_content_is_reported_with_expected_sha256(places):
    root = put_sample(places["tmp"] / "mine", decompressed=True)
    path = root / "train-labels-idx1-ubyte"
    content = bytearray(path.read_bytes())
    content[100] = (content[100] + 1) % 10  # one label changed: same size, wrong data
    path.write_bytes(bytes(content))
    with pytest.raises(DataIntegrityError) as caught:
        load(True, root)
    assert "train-labels-idx1-ubyte" in str(caught.value)
    assert SAMPLE_FILES["train-labels-idx1-ubyte"].sha256 in str(caught.value)


def test_sample_checksums_do_not_pass_as_the_full_data(places):
    """The official checksums refuse the sample (it is not the full data)."""
    root = put_sample(places["tmp"] / "mine", decompressed=True)
    with pytest.raises(DataIntegrityError, match="expected 47,040,016"):
        load_fashion_mnist(True, root)


# ----------------------------------------------------------------------------- the cache


@pytest.mark.parametrize("failure", [KeyboardInterrupt, OSError])
def test_interrupted_cache_write_leaves_no_half_file(places, monkeypatch, failure):
    put_sample(places["debian"])
    real_fsync = os.fsync

    def interrupted(fd):  # the data is written, the rename never happens
        real_fsync(fd)
        raise failure("interrupted")

    monkeypatch.setattr(os, "fsync", interrupted)
    if failure is KeyboardInterrupt:
        with pytest.raises(KeyboardInterrupt):
            load(True)
    else:
        images, _ = load(True)  # a cache that cannot be written only warns
        assert len(images) == 2000
    assert list(places["cached"].iterdir()) == []  # neither a half file nor a temporary file


def test_corrupted_cache_is_rebuilt(places, capsys):
    put_sample(places["debian"])
    images, _ = load(True)
    cached = places["cached"] / "train-images-idx3-ubyte"
    cached.write_bytes(cached.read_bytes()[:-10])  # truncated, e.g. by a full disk
    again, _ = load(True)
    assert torch.equal(images, again)
    assert "damaged" in capsys.readouterr().err
    content = cached.read_bytes()
    assert hashlib.sha256(content).hexdigest() == SAMPLE_FILES["train-images-idx3-ubyte"].sha256


def test_cache_dir_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setattr(data_module, "CACHE_DIR", None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert data_module.cache_dir() == tmp_path / "course_utils"


# ----------------------------------------------------------------------------- batches


def test_batches_like_the_books_totensor_pipeline():
    data = FashionMNIST(batch_size=128, source="sample")
    loader = data.train_dataloader()
    batches = list(loader)
    assert len(loader) == len(batches) == 16  # ceil(2000 / 128), the last one partial
    X, y = batches[0]
    assert X.shape == (128, 1, 28, 28) and X.dtype == torch.float32 and y.dtype == torch.int64
    assert 0.0 <= X.min() and X.max() <= 1.0
    assert batches[-1][0].shape[0] == 2000 - 15 * 128
    seen = torch.cat([y for _, y in batches])
    assert torch.equal(torch.bincount(seen), torch.bincount(data.train.labels))  # each image once


def test_shuffle_depends_on_seed_and_epoch_only():
    data = FashionMNIST(batch_size=500, source="sample", seed=3)
    loader = data.train_dataloader()
    first = next(iter(loader))[1]
    second = next(iter(loader))[1]  # the next pass is the next epoch: another order
    assert not torch.equal(first, second)
    loader.set_epoch(0)
    assert torch.equal(next(iter(loader))[1], first)
    other = FashionMNIST(batch_size=500, source="sample", seed=3).train_dataloader()
    assert torch.equal(next(iter(other))[1], first)
    val = [y for _, y in data.val_dataloader()]
    assert torch.equal(torch.cat(val), data.val.labels)  # validation in the original order


def test_repeat_passes_and_num_train():
    data = FashionMNIST(batch_size=100, source="sample", repeat=3, num_train=400)
    loader = data.train_dataloader()
    assert len(loader) == 12
    labels = torch.cat([y for _, y in loader])
    assert torch.equal(torch.bincount(labels), 3 * torch.bincount(data.train.labels))
    assert data.num_train == 400 and len(data.val_dataloader()) == 5


@pytest.mark.parametrize("size", [(96, 96), (224, 224), (40, 60), (14, 14), (20, 33)])
def test_resize_equals_f_interpolate(size):
    images = load_sample(False)[0][:16]
    ours = resize_images(images, size)
    reference = F.interpolate(images[:, None].float() / 255, size=size, mode="bilinear", antialias=True)
    torch.testing.assert_close(ours, reference, atol=2e-6, rtol=0)


@pytest.mark.parametrize("size", [96, 224])
def test_resize_within_one_level_of_the_books_pil_resize(size):
    """The book: transforms.Resize (PIL, bilinear) then ToTensor, rounding to 1/255 in between."""
    from torchvision import transforms
    from torchvision.transforms.functional import to_pil_image

    images = load_sample(False)[0][:8]
    book = transforms.Compose([transforms.Resize((size, size)), transforms.ToTensor()])
    expected = torch.stack([book(to_pil_image(image)) for image in images])
    ours = resize_images(images, size)
    assert (ours - expected).abs().max() <= 1 / 255 + 1e-6


def test_dataset_items_and_text_labels():
    data = FashionMNIST(batch_size=8, resize=(32, 32), source="sample")
    X, y = data.val[0]
    assert X.shape == (1, 32, 32) and y == 9
    assert data.val[-1][0].shape == (1, 32, 32)
    assert data.text_labels([0, 9, torch.tensor(5)]) == ["t-shirt", "ankle boot", "sandal"]
    assert "500 val" in data.describe() and "32x32" in data.describe()


def test_visualize_draws_a_grid():
    data = FashionMNIST(batch_size=16, source="sample")
    figure = data.visualize(next(iter(data.val_dataloader())), nrows=2, ncols=4)
    titles = [ax.get_title() for ax in figure.axes]
    assert titles[:2] == ["ankle boot", "pullover"] and len(figure.axes) == 8


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"batch_size": 0}, "batch_size must be a positive integer, got 0"),
        ({"resize": (0, 28)}, "resize must be positive"),
        ({"source": "mine"}, "source must be 'full' or 'sample', got 'mine'"),
        ({"num_train": 5000}, "num_train must be between 1 and 2,000, got 5000"),
        ({"repeat": 0}, "repeat must be a positive integer"),
    ],
)
def test_bad_arguments_name_the_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FashionMNIST(**{"source": "sample", **kwargs})


def test_loader_on_its_own_device_is_itself():
    split = ImageSplit(*load_sample(False), resize=(28, 28))
    loader = BatchLoader(split, 50, shuffle=True)
    loader.set_epoch(4)
    assert loader.to("cpu") is loader
    assert loader.epoch == 4 and len(loader) == 10
