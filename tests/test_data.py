"""The data layer: the shipped sample, where the data comes from, integrity, the cache, batches
(course_utils.data_sources and course_utils.data), and the checks of every argument.

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
import re
import shutil
import subprocess
import sys
import textwrap
import time
import tracemalloc
import zlib
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_utils import data as data_module
from course_utils import data_sources as sources
from course_utils.data import TEXT_LABELS, BatchLoader, FashionMNIST, ImageSplit, resize_images, text_labels
from course_utils.data_sources import (
    OFFICIAL_FILES,
    SPLIT_FILES,
    DataIntegrityError,
    DataNotFoundError,
    IdxFile,
    load_fashion_mnist,
    load_sample,
    sample_files,
)

SAMPLE = sources.SAMPLE_DIR
REAL_DOWNLOAD = sources._download
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
    monkeypatch.setattr(sources, "CACHE_DIR", cache)
    monkeypatch.setattr(sources, "DEBIAN_DIR", debian)
    monkeypatch.delenv("FASHION_MNIST_ROOT", raising=False)

    def no_network(dest: Path) -> None:
        raise urllib.error.URLError("no network in tests")

    monkeypatch.setattr(sources, "_download", no_network)
    return {"cache": cache, "cached": cache / "FashionMNIST" / "raw", "debian": debian, "tmp": tmp_path}


@pytest.fixture
def reads(monkeypatch):
    """Records the path of every file the loader reads."""
    seen: list[Path] = []
    original = sources._read_verified

    def spy(path, expected):
        seen.append(Path(path))
        return original(path, expected)

    monkeypatch.setattr(sources, "_read_verified", spy)
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
    monkeypatch.setattr(sources, "_download", REAL_DOWNLOAD)  # torchvision's download, for real

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


def _gzip_stream(chunks, count: int) -> bytes:
    """gzip of ``chunks`` repeated ``count`` times, compressed piece by piece (never held whole)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: a gzip header and trailer
    return b"".join(packer.compress(chunk) for _ in range(count) for chunk in chunks) + packer.flush()


def test_gz_that_decompresses_to_more_is_refused_by_name(places):
    """The expected length + 1 MiB of zeros (a few KB as .gz): refused once past the expected length."""
    root = put_sample(places["tmp"] / "mine")
    name = "t10k-labels-idx1-ubyte"
    path = root / f"{name}.gz"
    genuine = gzip.decompress(path.read_bytes())
    assert len(genuine) == SAMPLE_FILES[name].num_bytes == 508
    path.write_bytes(gzip.compress(genuine + bytes(1 << 20)))
    assert path.stat().st_size < 10_000
    with pytest.raises(DataIntegrityError, match=rf"{re.escape(str(path))} decompresses to more than 508 bytes"):
        load(False, root)


def test_gz_that_decompresses_to_more_is_never_decompressed_whole(tmp_path):
    """64 MiB of zeros in a 64 KB .gz (a 2.5 GiB one gave MemoryError): memory stays near the expected length."""
    path = tmp_path / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(_gzip_stream([bytes(1 << 20)], 64))
    assert path.stat().st_size < 200_000
    expected = IdxFile("t10k-labels-idx1-ubyte", "0" * 64, 508)
    tracemalloc.start()
    try:
        with pytest.raises(DataIntegrityError, match="decompresses to more than 508 bytes"):
            sources._read_verified(path, expected)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 << 20, f"{peak:,} bytes allocated to refuse it"  # gzip.decompress: 64 MiB


def test_gz_of_exactly_the_expected_length_in_two_members_is_read(places):
    """A .gz may hold several gzip members (e.g. made by cat a.gz b.gz): their content counts, not the layout."""
    root = put_sample(places["tmp"] / "mine")
    name = "train-labels-idx1-ubyte"
    genuine = gzip.decompress((root / f"{name}.gz").read_bytes())
    (root / f"{name}.gz").write_bytes(gzip.compress(genuine[:1000]) + gzip.compress(genuine[1000:]))
    _, labels = load(True, root)
    assert torch.equal(labels, load_sample(True)[1])


def _garbage(content: bytes) -> bytes:
    return bytes(range(256)) * (len(content) // 256)


def _bit_flipped(packed: bytes) -> bytes:
    damaged = bytearray(packed)
    damaged[len(damaged) // 2] ^= 0x10
    return bytes(damaged)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("garbage .gz", r"t10k-images-idx3-ubyte\.gz is truncated or not a gzip file"),
        ("garbage", r"t10k-images-idx3-ubyte is truncated: 391,936 bytes"),
        ("bit flipped in the .gz", r"t10k-images-idx3-ubyte\.gz is truncated or not a gzip file"),
        ("bit flipped", r"t10k-images-idx3-ubyte is not the genuine t10k-images-idx3-ubyte"),
        ("swapped with the training images", r"t10k-images-idx3-ubyte\.gz decompresses to more than 392,016 bytes"),
        ("swapped with the labels", r"t10k-images-idx3-ubyte\.gz is truncated: 508 bytes"),
    ],
)
def test_every_damaged_file_is_refused_by_name(places, damage, message):
    root = put_sample(places["tmp"] / "mine")
    name = "t10k-images-idx3-ubyte"
    packed = (root / f"{name}.gz").read_bytes()
    content = gzip.decompress(packed)
    if damage == "garbage .gz":
        (root / f"{name}.gz").write_bytes(_garbage(packed))
    elif damage == "garbage":
        (root / f"{name}.gz").unlink()
        (root / name).write_bytes(_garbage(content))
    elif damage == "bit flipped in the .gz":
        (root / f"{name}.gz").write_bytes(_bit_flipped(packed))
    elif damage == "bit flipped":
        (root / f"{name}.gz").unlink()
        (root / name).write_bytes(_bit_flipped(content))
    elif damage == "swapped with the training images":
        shutil.copy(root / "train-images-idx3-ubyte.gz", root / f"{name}.gz")
    else:
        shutil.copy(root / "t10k-labels-idx1-ubyte.gz", root / f"{name}.gz")
    with pytest.raises(DataIntegrityError, match=message):
        load(False, root)


@pytest.mark.parametrize(
    ("manifest", "what"),
    [
        ('{"files": {"train-images-idx3-ubyte": ', "not valid JSON"),
        ("", "not valid JSON"),
        ("[1, 2]", 'it has no "files" table'),
        ('{"description": "no files"}', 'it has no "files" table'),
        ('{"files": {}}', "no valid entry for train-images-idx3-ubyte"),
        (None, "no valid entry for train-labels-idx1-ubyte"),  # one entry lost its sha256
    ],
)
def test_damaged_manifest_is_named_with_the_remedy(tmp_path, monkeypatch, manifest, what):
    sample = tmp_path / "sample"
    shutil.copytree(SAMPLE, sample)
    path = sample / "manifest.json"
    if manifest is None:
        content = json.loads(path.read_text(encoding="utf-8"))
        del content["files"]["train-labels-idx1-ubyte"]["sha256"]
        manifest = json.dumps(content)
    path.write_text(manifest, encoding="utf-8")
    monkeypatch.setattr(sources, "SAMPLE_DIR", sample)
    for call in (lambda: load_sample(True), lambda: FashionMNIST(source="sample")):
        with pytest.raises(DataIntegrityError) as caught:
            call()
        message = str(caught.value)
        assert f"the sample's manifest {path} is damaged: {what}" in message, message
        assert "scripts/make_sample.py" in message and "reinstall the course" in message
        error = caught.value
        assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)  # no chain


def test_missing_manifest_is_named_with_the_remedy(tmp_path, monkeypatch):
    sample = tmp_path / "sample"
    shutil.copytree(SAMPLE, sample)
    (sample / "manifest.json").unlink()
    monkeypatch.setattr(sources, "SAMPLE_DIR", sample)
    with pytest.raises(DataNotFoundError, match=rf"{re.escape(str(sample / 'manifest.json'))} is missing; reinstall"):
        load_sample(False)


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


def _leftovers(folder: Path, name: str) -> tuple[Path, Path]:
    """A temporary file of a writer killed 20 minutes ago and one of a writer busy for a minute."""
    folder.mkdir(parents=True, exist_ok=True)
    stale, fresh = folder / f".{name}.k9dead.tmp", folder / f".{name}.busy.tmp"
    for path, age in ((stale, 1200), (fresh, 60)):
        path.write_bytes(bytes(1000))
        os.utime(path, (time.time() - age, time.time() - age))
    return stale, fresh


def test_killed_cache_write_leaves_no_temporary_once_the_cache_is_written_again(places):
    """kill -9 during a cache write left .train-images-idx3-ubyte.*.tmp (47 MB) behind for good."""
    put_sample(places["debian"])
    load(True)
    stale, fresh = _leftovers(places["cached"], "train-images-idx3-ubyte")
    (places["cached"] / "train-images-idx3-ubyte").unlink()  # so the next load writes it again
    load(True)
    assert not stale.exists() and fresh.exists()  # a concurrent writer's file is left alone
    assert (places["cached"] / "train-images-idx3-ubyte").is_file()


def test_stale_temporaries_go_when_the_cache_is_read_too(places):
    """A killed writer's file goes even when another process wrote the cache file since."""
    put_sample(places["debian"])
    load(True)
    stale, fresh = _leftovers(places["cached"], "train-labels-idx1-ubyte")
    load(True)  # read from the cache, nothing written
    assert not stale.exists() and fresh.exists()


def test_stale_download_folders_are_removed(places):
    """A download killed midway left its .download-* folder (up to 30 MB) in the cache."""
    stale, fresh = places["cache"] / ".download-k9dead", places["cache"] / ".download-busy"
    for folder, age in ((stale, 1200), (fresh, 60)):
        (folder / "FashionMNIST" / "raw").mkdir(parents=True)
        (folder / "FashionMNIST" / "raw" / "train-images-idx3-ubyte.gz").write_bytes(bytes(100))
        os.utime(folder, (time.time() - age, time.time() - age))
    with pytest.raises(DataNotFoundError):
        load(True)  # tries the (failing) download
    assert not stale.exists() and fresh.exists()


CONCURRENT_LOAD = textwrap.dedent(
    """
    import hashlib, sys, time
    from pathlib import Path
    from course_utils import data_sources as sources

    cache, debian, ready, me = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
    sources.CACHE_DIR, sources.DEBIAN_DIR = cache, debian
    (ready / me).touch()
    deadline = time.time() + 60
    while len(list(ready.iterdir())) < 3 and time.time() < deadline:  # all three begin together
        time.sleep(0.005)
    images, labels = sources.load_fashion_mnist(True, files=sources.sample_files(), download=False)
    print(hashlib.sha256(images.numpy().tobytes() + labels.numpy().tobytes()).hexdigest())
    """
)


@pytest.mark.slow  # three interpreters importing torch on two cores: ~9 s
def test_three_processes_filling_an_empty_cache_all_get_genuine_data(places):
    put_sample(places["debian"])
    images, labels = load_sample(True)
    genuine = hashlib.sha256(images.numpy().tobytes() + labels.numpy().tobytes()).hexdigest()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    env.pop("FASHION_MNIST_ROOT", None)
    ready = places["tmp"] / "ready"
    ready.mkdir()
    command = [sys.executable, "-c", CONCURRENT_LOAD, str(places["cache"]), str(places["debian"]), str(ready)]
    processes = [subprocess.Popen([*command, str(k)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                 for k in range(3)]
    outputs = [process.communicate(timeout=120) for process in processes]
    for process, (out, err) in zip(processes, outputs):
        assert process.returncode == 0, err
        assert out.strip() == genuine
    assert sorted(p.name for p in places["cached"].iterdir()) == sorted(SPLIT_FILES[True])  # no temporary left
    for name in SPLIT_FILES[True]:
        content = (places["cached"] / name).read_bytes()
        assert hashlib.sha256(content).hexdigest() == SAMPLE_FILES[name].sha256


def test_cache_dir_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setattr(sources, "CACHE_DIR", None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert sources.cache_dir() == tmp_path / "course_utils"


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


# The checks of every argument (validate's messages): the exact bad call, the exception, the
# message; none of them reads a data file first. (batch_size, source and repeat had messages
# of their own before; they now say what validate says for every argument of the course.)
@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"batch_size": 0}, ValueError, "batch_size must be >= 1, got 0: write e.g. batch_size=128"),
        ({"batch_size": 1.5}, TypeError, r"batch_size must be a whole number, got 1\.5 \(float\)"),
        ({"batch_size": True}, TypeError, r"batch_size must be a whole number, got True \(bool\)"),
        ({"resize": 0}, ValueError, r"resize must be positive, got 0: write e.g. resize=\(28, 28\)"),
        ({"resize": (0, 28)}, ValueError, "resize must be positive"),
        ({"resize": (28,)}, ValueError, r"resize must be an int or a pair \(height, width\), got \(28,\) with 1 values"),
        ({"resize": 28.0}, TypeError, "resize must be an int or a pair of ints"),
        ({"source": "mine"}, ValueError, "source must be one of 'full', 'sample', got 'mine'"),
        ({"source": "Sample"}, ValueError, "source must be one of 'full', 'sample', got 'Sample'"),
        ({"num_train": True}, TypeError, r"num_train must be a whole number, got True \(bool\)"),
        ({"num_train": 100.0}, TypeError, r"num_train must be a whole number, got 100\.0 \(float\)"),
        ({"repeat": 0}, ValueError, "repeat must be >= 1, got 0: write e.g. repeat=1"),
        ({"repeat": True}, TypeError, r"repeat must be a whole number, got True \(bool\)"),
        ({"seed": -1}, ValueError, "seed must be >= 0, got -1: write e.g. seed=0"),
        ({"seed": 0.5}, TypeError, r"seed must be a whole number, got 0\.5 \(float\)"),
        ({"seed": "1"}, TypeError, r"seed must be a whole number, got '1' \(str\)"),
        ({"seed": 2**40}, ValueError, r"seed must be below 2\*\*32, got 1099511627776"),
        ({"download": "no"}, TypeError, r"download must be True or False, got 'no' \(str\)"),
        ({"root": "/data"}, ValueError, "root is read only with source='full', got root='/data' with source='sample'"),
    ],
)
def test_bad_arguments_name_the_value(kwargs, error, message, reads):
    with pytest.raises(error, match=message):
        FashionMNIST(**{"source": "sample", **kwargs})
    assert reads == []  # refused before any file is read


@pytest.mark.parametrize(("num_train", "shown"), [(5000, "5000"), (0, "0")])
def test_num_train_beyond_the_split(num_train, shown):
    with pytest.raises(ValueError, match=f"num_train must be between 1 and 2,000, got {shown}: write e.g. num_train=1000"):
        FashionMNIST(source="sample", num_train=num_train)


def test_numpy_integers_are_accepted_everywhere():
    data = FashionMNIST(batch_size=np.int64(100), resize=np.int32(32), source="sample", num_train=np.int64(300),
                        repeat=np.int16(2), seed=np.uint8(3))
    assert (data.batch_size, data.resize, data.num_train, data.repeat, data.seed) == (100, (32, 32), 300, 2, 3)
    assert type(data.batch_size) is int and type(data.seed) is int
    loader = data.train_dataloader()
    assert len(loader) == 6
    same = FashionMNIST(batch_size=100, resize=32, source="sample", num_train=300, repeat=2, seed=3).train_dataloader()
    assert torch.equal(next(iter(loader))[1], next(iter(same))[1])
    split = ImageSplit(*load_sample(False), resize=(np.int64(28), 28))
    assert len(BatchLoader(split, np.int64(50), shuffle=False, seed=np.int64(1), repeat=np.int64(2))) == 20


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: load_fashion_mnist(None), TypeError, r"train must be True or False, got None \(NoneType\)"),
        (lambda: load_fashion_mnist(1), TypeError, r"train must be True or False, got 1 \(int\)"),
        (lambda: load_fashion_mnist(True, download="yes"), TypeError, "download must be True or False, got 'yes'"),
        (lambda: load_sample(None), TypeError, "train must be True or False, got None"),
        (lambda: load_sample("test"), TypeError, "train must be True or False, got 'test'"),
    ],
)
def test_loaders_want_a_true_or_false_split(places, reads, call, error, message):
    """``train=None`` gave the test split (``SPLIT_FILES[bool(None)]``) without a word."""
    with pytest.raises(error, match=message):
        call()
    assert reads == []


def test_root_that_is_a_file_is_refused_at_the_constructor(places, reads):
    root = put_sample(places["tmp"] / "mine")
    a_file = root / "train-images-idx3-ubyte.gz"
    with pytest.raises(ValueError, match=rf"root must be a folder with the four IDX files, got '{a_file}', "
                                         rf"which is a file: write e.g. root='{root}'"):
        FashionMNIST(root=a_file)
    with pytest.raises(TypeError, match=r"root must be a folder path \(str or pathlib.Path\), got 5 \(int\)"):
        FashionMNIST(root=5)
    with pytest.raises(ValueError, match="root is empty"):
        FashionMNIST(root="")
    assert reads == []


def test_environment_variable_that_is_a_file_is_named(places, monkeypatch, reads):
    a_file = put_sample(places["tmp"] / "env") / "t10k-labels-idx1-ubyte.gz"
    monkeypatch.setenv("FASHION_MNIST_ROOT", str(a_file))
    with pytest.raises(ValueError, match=r"\$FASHION_MNIST_ROOT must be a folder .* which is a file: "
                                         rf"write e.g. export FASHION_MNIST_ROOT={a_file.parent}"):
        load(False)
    assert reads == []


def test_dataloader_flag_and_visualize_grid_are_checked():
    data = FashionMNIST(batch_size=16, source="sample")
    batch = next(iter(data.val_dataloader()))
    with pytest.raises(TypeError, match="train must be True or False, got 'train'"):
        data.get_dataloader("train")
    with pytest.raises(TypeError, match="train must be True or False, got None"):
        data.get_dataloader(None)
    with pytest.raises(ValueError, match="nrows must be >= 1, got 0"):
        data.visualize(batch, nrows=0)
    with pytest.raises(ValueError, match="ncols must be >= 1, got 0"):
        data.visualize(batch, ncols=0)
    with pytest.raises(TypeError, match=r"ncols must be a whole number, got True \(bool\)"):
        data.visualize(batch, ncols=True)
    with pytest.raises(TypeError, match=r"nrows must be a whole number, got 1\.5 \(float\)"):
        data.visualize(batch, nrows=1.5)
    with pytest.raises(ValueError, match="labels has 2 names for 8 images"):
        data.visualize(batch, nrows=2, ncols=4, labels=["a", "b"])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda s: BatchLoader(s, 0, shuffle=True), ValueError, "batch_size must be >= 1, got 0"),
        (lambda s: BatchLoader(s, 1.5, shuffle=True), TypeError, "batch_size must be a whole number, got 1.5"),
        (lambda s: BatchLoader(s, True, shuffle=True), TypeError, "batch_size must be a whole number, got True"),
        (lambda s: BatchLoader(s, 8, shuffle="yes"), TypeError, "shuffle must be True or False, got 'yes'"),
        (lambda s: BatchLoader(s, 8, shuffle=True, seed=-1), ValueError, "seed must be >= 0, got -1"),
        (lambda s: BatchLoader(s, 8, shuffle=True, repeat=0), ValueError, "repeat must be >= 1, got 0"),
        (lambda s: BatchLoader(s, 8, shuffle=True, drop_last=None), TypeError, "drop_last must be True or False"),
        (lambda s: BatchLoader(s.images, 8, shuffle=True), TypeError, "split must be an ImageSplit, got Tensor"),
        (lambda s: BatchLoader(s, 8, shuffle=True).set_epoch(-1), ValueError, "epoch must be >= 0, got -1"),
        (lambda s: BatchLoader(s, 8, shuffle=True).set_epoch(2.0), TypeError, "epoch must be a whole number, got 2.0"),
    ],
)
def test_batch_loader_arguments(call, error, message):
    split = ImageSplit(*load_sample(False), resize=(28, 28))
    with pytest.raises(error, match=re.escape(message)):
        call(split)


def test_image_split_refuses_mismatched_or_wrong_tensors():
    images, labels = load_sample(False)
    with pytest.raises(ValueError, match="500 images but 499 labels"):
        ImageSplit(images, labels[:-1], resize=28)
    with pytest.raises(ValueError, match=re.escape("images must be uint8 N x h x w, got torch.float32 (500, 28, 28)")):
        ImageSplit(images.float(), labels, resize=28)
    with pytest.raises(ValueError, match=re.escape("images must be uint8 N x h x w, got torch.uint8 (500, 784)")):
        ImageSplit(images.flatten(1), labels, resize=28)
    with pytest.raises(ValueError, match="labels must be a 1-D tensor of integer class numbers, got torch.float32"):
        ImageSplit(images, labels.float(), resize=28)
    with pytest.raises(ValueError, match="labels must be a 1-D tensor of integer class numbers, got list"):
        ImageSplit(images, labels.tolist(), resize=28)
    with pytest.raises(ValueError, match="resize must be positive, got -3"):
        ImageSplit(images, labels, resize=-3)


def test_resize_images_refuses_float_images_and_empty_sizes():
    images = load_sample(False)[0][:2]
    with pytest.raises(ValueError, match="images must be a uint8 tensor .*, got torch.float32"):
        resize_images(images.float() / 255, 32)  # would be divided by 255 twice
    with pytest.raises(ValueError, match="size must be positive, got 0"):
        resize_images(images, 0)
    with pytest.raises(ValueError, match=re.escape("size must be positive, got (32, 0)")):
        resize_images(images, (32, 0))


# ----------------------------------------------------------------------------- class names


def test_text_labels_of_lists_tensors_and_numpy_arrays():
    assert text_labels([0, 9]) == ["t-shirt", "ankle boot"]
    assert text_labels(torch.tensor([5, 1], dtype=torch.uint8)) == ["sandal", "trouser"]
    assert text_labels(torch.tensor([[2], [3]]).flatten()) == ["pullover", "dress"]
    assert text_labels(np.array([8, 7])) == ["bag", "sneaker"]
    assert text_labels([np.int64(6), torch.tensor(4)]) == ["shirt", "coat"]
    assert text_labels(range(10)) == list(TEXT_LABELS)
    assert text_labels([]) == []


@pytest.mark.parametrize(
    ("labels", "shown"),
    [
        ([-1], "-1"),  # was 'ankle boot' (negative indexing)
        ([10], "10"),  # was a bare IndexError
        ([3, 1.5], "1.5"),
        ([2.0], "2.0"),
        ([True], "True"),
        (torch.tensor([1.0]), "tensor(1.)"),
        (np.array([0.5]), repr(np.array([0.5])[0])),
        (torch.tensor([11]), "tensor(11)"),
    ],
)
def test_text_labels_refuses_what_is_no_class(labels, shown):
    data = FashionMNIST(batch_size=8, source="sample")
    position = len(labels) - 1
    expected = (f"label {shown} (position {position}) is not a Fashion-MNIST class: "
                "labels are whole numbers from 0 to 9")
    for function in (text_labels, data.text_labels):
        with pytest.raises(ValueError, match=re.escape(expected)):
            function(labels)


@pytest.mark.parametrize("labels", [3, torch.tensor(3), "09"])
def test_text_labels_wants_a_sequence(labels):
    with pytest.raises(TypeError, match=r"labels must be a sequence of class numbers, .*write e.g. text_labels\(\[0, 9\]\)"):
        text_labels(labels)


def test_doctests_of_both_modules():
    import doctest

    for module in (data_module, sources):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_loader_on_its_own_device_is_itself():
    split = ImageSplit(*load_sample(False), resize=(28, 28))
    loader = BatchLoader(split, 50, shuffle=True)
    loader.set_epoch(4)
    assert loader.to("cpu") is loader
    assert loader.epoch == 4 and len(loader) == 10
