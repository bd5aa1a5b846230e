"""Fashion-MNIST for the course (the book's ``d2l.FashionMNIST``, D2L 4.2), fast and offline.

The book reads each image as a PIL image, resizes it, turns it into a tensor and lets four
worker processes stack them into batches. Here each split is one ``uint8`` tensor
(60,000 x 28 x 28 = 47 MB for training); a batch is cut from it by indexing with a shuffled
order (a ``torch.Generator`` seeded per epoch), then converted to float and resized as a
whole, on the training device::

    X = images[batch_indices].float() / 255            # N x 28 x 28
    X = R_rows.T @ X @ R_cols                           # N x H x W  (bilinear resize)

``R_rows`` (28 x H) and ``R_cols`` (28 x W) are the matrices of
``F.interpolate(mode="bilinear", antialias=True)`` along one axis (made by resizing an
identity matrix), so the result equals ``F.interpolate``'s to float precision. On a CPU the
enlarging of rows is done by blending each output row from its two neighbours straight into
the output (``torch.lerp``), about 3x faster than ``F.interpolate``.

The book's ``transforms.Resize`` on a PIL image is bilinear too, antialiased when shrinking
(PIL's ``Image.resize``), but it rounds each resized image back to ``uint8`` before
``ToTensor`` divides by 255: the values here differ from the book's by at most 1/255.

Where the data comes from, in order (:func:`load_fashion_mnist`):

1. the ``root`` argument, else the environment variable ``FASHION_MNIST_ROOT``: a folder with
   the four IDX files (``.gz`` or decompressed), directly or in ``FashionMNIST/raw/``;
2. the cache, ``$XDG_CACHE_HOME/course_utils`` or ``~/.cache/course_utils`` (:func:`cache_dir`);
3. the Debian package ``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist/``);
4. a download with torchvision (when online), into the cache.

Every file is checked against the sha256 of its *decompressed* content (gzip headers differ
between copies, e.g. Debian's); a file that is truncated or changed is reported by name and
never used. The first three places hold data the user chose, so a bad file there raises
:class:`DataIntegrityError`; a bad file in the cache is deleted and rebuilt.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import io
import json
import os
import socket
import struct
import sys
import tempfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import torch
import torch.nn.functional as F

from course_utils.shapes import to_2tuple

if TYPE_CHECKING:  # matplotlib is imported only when a picture is drawn
    from matplotlib.figure import Figure

__all__ = [
    "TEXT_LABELS",
    "IdxFile",
    "OFFICIAL_FILES",
    "DataNotFoundError",
    "DataIntegrityError",
    "cache_dir",
    "load_fashion_mnist",
    "load_sample",
    "sample_files",
    "resize_images",
    "ImageSplit",
    "BatchLoader",
    "FashionMNIST",
]

TEXT_LABELS: tuple[str, ...] = (
    "t-shirt", "trouser", "pullover", "dress", "coat",
    "sandal", "shirt", "sneaker", "bag", "ankle boot",
)
IMAGE_SIZE = 28

ENV_ROOT = "FASHION_MNIST_ROOT"
# Module-level so that tests (and unusual machines) can point them elsewhere.
SAMPLE_DIR: Path = Path(__file__).resolve().parent / "sample"
DEBIAN_DIR: Path = Path("/usr/share/datasets/fashion-mnist")
CACHE_DIR: Path | None = None  # None: $XDG_CACHE_HOME/course_utils or ~/.cache/course_utils
DOWNLOAD_TIMEOUT_S = 30.0  # per network operation, so that a silent firewall cannot hang a lesson

# IDX magic numbers: 0x0803 = unsigned bytes, 3 dimensions; 0x0801 = unsigned bytes, 1 dimension.
_IMAGES_MAGIC, _LABELS_MAGIC = 2051, 2049


class DataNotFoundError(FileNotFoundError):
    """Fashion-MNIST is in none of the places looked at, and could not be downloaded."""


class DataIntegrityError(ValueError):
    """A data file is truncated or its content is not the genuine Fashion-MNIST."""


@dataclass(frozen=True)
class IdxFile:
    """One IDX file and what its decompressed content must be."""

    name: str  # e.g. "train-images-idx3-ubyte" (without .gz)
    sha256: str  # of the decompressed content
    num_bytes: int  # decompressed length: 16 + N*28*28 (images) or 8 + N (labels)


def _table(rows: Sequence[tuple[str, str, int]]) -> dict[str, IdxFile]:
    return {name: IdxFile(name, sha, size) for name, sha, size in rows}


# sha256 of the official files decompressed with gzip -dc (the same for every copy, whatever its gzip header).
OFFICIAL_FILES: Mapping[str, IdxFile] = _table([
    ("train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", 47_040_016),
    ("train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", 60_008),
    ("t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", 7_840_016),
    ("t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", 10_008),
])

SPLIT_FILES: Mapping[bool, tuple[str, str]] = {
    True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}

_HOW_TO_GET_IT = (
    "Ways to get it:\n"
    f"  - point {ENV_ROOT} at a folder with the four IDX files (.gz or not), e.g.\n"
    f"    export {ENV_ROOT}=/path/to/FashionMNIST/raw   (or FashionMNIST(root=...))\n"
    "  - on Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist\n"
    "  - go online once: the next run downloads it (30 MB) into the cache\n"
    "  - or use the sample shipped with the course: FashionMNIST(..., source='sample')"
)


# ----------------------------------------------------------------------------- files


def cache_dir() -> Path:
    """The user's cache folder for the course: ``$XDG_CACHE_HOME/course_utils`` or ``~/.cache/course_utils``."""
    if CACHE_DIR is not None:
        return Path(CACHE_DIR)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "course_utils"


def _find(folder: Path, name: str) -> Path | None:
    """``folder/name``, ``folder/name.gz``, or the same in ``folder/FashionMNIST/raw/``."""
    for sub in (folder, folder / "FashionMNIST" / "raw"):
        for candidate in (sub / name, sub / f"{name}.gz"):
            if candidate.is_file():
                return candidate
    return None


def _read_verified(path: Path, expected: IdxFile) -> bytes:
    """The decompressed content of ``path``, checked against ``expected`` (DataIntegrityError if not)."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            content = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as error:
            raise DataIntegrityError(
                f"{path} is truncated or not a gzip file ({error}); expected {expected.name} "
                f"with {expected.num_bytes:,} bytes after decompressing: delete it and copy it again"
            ) from None
    else:
        content = raw
    if len(content) != expected.num_bytes:
        what = "truncated" if len(content) < expected.num_bytes else "too long"
        raise DataIntegrityError(
            f"{path} is {what}: {len(content):,} bytes (decompressed), expected {expected.num_bytes:,} "
            f"for {expected.name}: delete it and copy or download it again"
        )
    digest = hashlib.sha256(content).hexdigest()
    if digest != expected.sha256:
        raise DataIntegrityError(
            f"{path} is not the genuine {expected.name}: sha256 of its content is {digest}, "
            f"expected {expected.sha256}: delete it and copy or download it again"
        )
    return content


def _parse_idx(content: bytes, name: str) -> torch.Tensor:
    """IDX bytes -> uint8 images (N x rows x cols) or int64 labels (N)."""
    magic, count = struct.unpack(">II", content[:8])
    if magic == _IMAGES_MAGIC:
        rows, cols = struct.unpack(">II", content[8:16])
        data = torch.frombuffer(bytearray(content[16:]), dtype=torch.uint8)
        return data.view(count, rows, cols)
    if magic == _LABELS_MAGIC:
        return torch.frombuffer(bytearray(content[8:]), dtype=torch.uint8).to(torch.int64)
    raise DataIntegrityError(f"{name} is not an IDX file of unsigned bytes (magic number {magic})")


def _write_atomic(path: Path, content: bytes) -> None:
    """Write ``content`` to a temporary file beside ``path``, then rename it: never a half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _load_from(folder: Path, names: Sequence[str], files: Mapping[str, IdxFile]) -> dict[str, bytes] | list[str]:
    """Verified contents of ``names`` in ``folder``, or the list of names missing there."""
    paths = {name: _find(folder, name) for name in names}
    missing = [name for name, path in paths.items() if path is None]
    if missing:
        return missing
    return {name: _read_verified(path, files[name]) for name, path in paths.items() if path is not None}


def _load_from_cache(folder: Path, names: Sequence[str], files: Mapping[str, IdxFile]) -> dict[str, bytes] | list[str]:
    """Like ``_load_from``, but a bad cache file is deleted (and so rebuilt), not an error."""
    contents: dict[str, bytes] = {}
    for name in names:
        path = folder / name
        if not path.is_file():
            continue
        try:
            contents[name] = _read_verified(path, files[name])
        except DataIntegrityError as error:
            print(f"course_utils: the cached {name} is damaged ({error}); rebuilding it.", file=sys.stderr)
            with contextlib.suppress(OSError):
                path.unlink()
    missing = [name for name in names if name not in contents]
    return missing or contents


def _write_cache(folder: Path, contents: Mapping[str, bytes]) -> None:
    """Keep verified, decompressed files in the cache (fast to load next time); failures only warn."""
    try:
        for name, content in contents.items():
            if not (folder / name).is_file():
                _write_atomic(folder / name, content)
    except OSError as error:
        print(f"course_utils: could not write the cache in {folder} ({error}); continuing without it.",
              file=sys.stderr)


def _download(dest: Path) -> None:
    """Download Fashion-MNIST with torchvision into ``dest/FashionMNIST/raw`` (its messages are hidden)."""
    import torchvision  # imported here: only a download needs it

    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_S)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            torchvision.datasets.FashionMNIST(root=str(dest), train=True, download=True)
    finally:
        socket.setdefaulttimeout(previous)


def _try_download(names: Sequence[str], files: Mapping[str, IdxFile]) -> dict[str, bytes] | str:
    """Verified contents downloaded into a temporary folder of the cache, or why it failed."""
    root = cache_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        print(f"course_utils: downloading Fashion-MNIST (30 MB) with torchvision into {root} ...", file=sys.stderr)
        with tempfile.TemporaryDirectory(dir=root, prefix=".download-") as tmp:
            _download(Path(tmp))
            everything = [name for pair in SPLIT_FILES.values() for name in pair]
            loaded = _load_from(Path(tmp), everything, files)
            if isinstance(loaded, list):
                return f"the download finished without {', '.join(loaded)}"
    except DataIntegrityError as error:
        return f"the downloaded data failed its check: {error}"
    except Exception as error:  # any network or disk problem: report it in one line, no traceback
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        return f"{type(error).__name__}: {' '.join(lines[:3]) or 'no message'}"
    _write_cache(root / "FashionMNIST" / "raw", loaded)
    return {name: loaded[name] for name in names}


def load_fashion_mnist(
    train: bool,
    root: str | os.PathLike[str] | None = None,
    *,
    download: bool = True,
    files: Mapping[str, IdxFile] = OFFICIAL_FILES,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The full training (``train=True``, 60,000) or test split (10,000) of Fashion-MNIST.

    Returns ``(images, labels)``: ``uint8`` N x 28 x 28 and ``int64`` N. Looks in ``root``
    (or ``$FASHION_MNIST_ROOT``), the cache, the Debian package's folder, then downloads
    (``download=True``); raises :class:`DataNotFoundError` listing every place when all fail,
    and :class:`DataIntegrityError` naming a file that is truncated or not genuine.
    ``files`` holds the expected checksums (tests use small files of their own).
    """
    names = SPLIT_FILES[bool(train)]
    looked: list[str] = []

    def found(contents: Mapping[str, bytes]) -> tuple[torch.Tensor, torch.Tensor]:
        images, labels = (_parse_idx(contents[name], name) for name in names)
        if len(images) != len(labels):
            raise DataIntegrityError(f"{names[0]} has {len(images)} images but {names[1]} has {len(labels)} labels")
        return images, labels

    chosen = root if root is not None else os.environ.get(ENV_ROOT) or None
    if chosen is not None:
        where = "root argument" if root is not None else f"${ENV_ROOT}"
        folder = Path(chosen).expanduser()
        result = _load_from(folder, names, files)
        if isinstance(result, dict):
            return found(result)
        looked.append(f"{folder} ({where}): no {', '.join(result)} (.gz or not, directly or in FashionMNIST/raw/)")

    cache = cache_dir() / "FashionMNIST" / "raw"
    result = _load_from_cache(cache, names, files)
    if isinstance(result, dict):
        return found(result)
    looked.append(f"{cache} (cache): no {', '.join(result)}")

    result = _load_from(DEBIAN_DIR, names, files)
    if isinstance(result, dict):
        _write_cache(cache, result)
        return found(result)
    looked.append(f"{DEBIAN_DIR} (Debian package dataset-fashion-mnist): not installed")

    if download:
        outcome = _try_download(names, files)
        if isinstance(outcome, dict):
            return found(outcome)
        looked.append(f"download with torchvision: failed ({outcome})")
    else:
        looked.append("download: not tried (download=False)")

    places = "\n".join(f"  - {line}" for line in looked)
    split = "training" if train else "test"
    raise DataNotFoundError(f"Fashion-MNIST ({split} split) was not found. Looked in:\n{places}\n{_HOW_TO_GET_IT}")


def sample_files(folder: str | os.PathLike[str] | None = None) -> dict[str, IdxFile]:
    """The checksums of the shipped sample, from its ``manifest.json``."""
    manifest_path = Path(folder if folder is not None else SAMPLE_DIR) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return _table([(name, entry["sha256"], entry["bytes"]) for name, entry in manifest["files"].items()])


def load_sample(train: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """The sample shipped with the course: ``(uint8 images N x 28 x 28, int64 labels N)``.

    The first 200 training (2,000) or the first 50 test images (500) of each class of the
    genuine Fashion-MNIST, in their original order; works offline, checked like the full data.
    """
    names = SPLIT_FILES[bool(train)]
    files = sample_files()
    result = _load_from(SAMPLE_DIR, names, files)
    if isinstance(result, list):
        raise DataNotFoundError(
            f"the course's sample is incomplete: {SAMPLE_DIR} has no {', '.join(result)}; "
            "reinstall the course or run scripts/make_sample.py"
        )
    images, labels = (_parse_idx(result[name], name) for name in names)
    return images, labels


# ----------------------------------------------------------------------------- batches


@functools.lru_cache(maxsize=32)
def _resize_matrix(n_in: int, n_out: int, device: torch.device) -> torch.Tensor:
    """The n_in x n_out matrix of F.interpolate's bilinear (antialiased) resize along one axis."""
    # n_in images of 1 x n_in pixels, image k lit at pixel k (resized along the width: with
    # a width of 1, F.interpolate's antialiased path gives wrong values in torch 2.x).
    eye = torch.eye(n_in).view(n_in, 1, 1, n_in)
    rows = F.interpolate(eye, size=(1, n_out), mode="bilinear", antialias=True, align_corners=False)
    return rows.view(n_in, n_out).to(device)


@functools.lru_cache(maxsize=32)
def _row_blends(n_in: int, n_out: int) -> tuple[tuple[int, int, int, int, torch.Tensor], ...]:
    """Enlarging along one axis, output ``j`` is ``lerp(x[p], x[q], w_j)`` with ``q = p + 1``:
    runs ``(start, stop, p, q, w)`` of outputs sharing ``(p, q)``, read off ``_resize_matrix``."""
    matrix = _resize_matrix(n_in, n_out, torch.device("cpu"))
    runs: list[tuple[int, int, int, int, list[float]]] = []
    for j in range(n_out):
        taps = matrix[:, j].nonzero().flatten().tolist()
        assert len(taps) in (1, 2) and taps[-1] - taps[0] <= 1, "enlarging blends at most two neighbours"
        p, q = taps[0], taps[-1]
        weight = float(matrix[q, j]) if q != p else 0.0
        if runs and runs[-1][2:4] == (p, q):
            runs[-1][4].append(weight)
        else:
            runs.append((j, j, p, q, [weight]))
    return tuple((start, start + len(w), p, q, torch.tensor(w).view(-1, 1)) for start, _, p, q, w in runs)


def resize_images(images: torch.Tensor, size: int | tuple[int, int]) -> torch.Tensor:
    """``uint8`` images N x h x w -> ``float32`` N x 1 x H x W in [0, 1], resized bilinearly.

    Equal to ``F.interpolate(images[:, None].float() / 255, size, mode="bilinear",
    antialias=True)`` (antialiasing only matters when shrinking), computed separably:
    columns by a matrix product, rows by a matrix product (on a GPU, or when shrinking) or,
    when enlarging on a CPU, by blending each output row from its two neighbours, written
    once into the output (about 3x faster than ``F.interpolate`` on a 2-core CPU).

    >>> resize_images(torch.full((2, 28, 28), 255, dtype=torch.uint8), 96).shape
    torch.Size([2, 1, 96, 96])
    """
    if images.dim() != 3:
        raise ValueError(f"images must be N x height x width, got shape {tuple(images.shape)}")
    height, width = to_2tuple(size, "size")
    if height < 1 or width < 1:
        raise ValueError(f"size must be positive, got {size!r}")
    n, h, w = images.shape
    X = images.to(torch.float32)
    if w == width:
        X = X.div_(255)
    else:
        X = X @ (_resize_matrix(w, width, images.device) / 255)  # N x h x W, in [0, 1]
    if h == height:
        return X.unsqueeze(1)
    if height < h or images.device.type != "cpu":
        return (_resize_matrix(h, height, images.device).T @ X).unsqueeze(1)  # (H x h) @ (N x h x W)
    out = torch.empty(n, height, width)
    for start, stop, p, q, weights in _row_blends(h, height):
        torch.lerp(X[:, p : p + 1], X[:, q : q + 1], weights, out=out[:, start:stop])
    return out.unsqueeze(1)


class ImageSplit(torch.utils.data.Dataset):
    """One split held as tensors; ``split[i]`` is ``(X 1 x H x W float, label int)`` like the book's dataset."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, resize: tuple[int, int]) -> None:
        if images.dtype != torch.uint8 or images.dim() != 3:
            raise ValueError(f"images must be uint8 N x h x w, got {images.dtype} {tuple(images.shape)}")
        if len(images) != len(labels):
            raise ValueError(f"{len(images)} images but {len(labels)} labels")
        self.images = images
        self.labels = labels.to(torch.int64)
        self.resize = resize

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        return resize_images(self.images[index].unsqueeze(0), self.resize)[0], int(self.labels[index])


class BatchLoader:
    """Batches ``(X float32 N x 1 x H x W in [0, 1], y int64 N)`` cut from one split by indexing.

    Iterating gives one epoch: ``repeat`` passes over the split (1: each image once). With
    ``shuffle=True`` the order of epoch ``e`` comes from a
    ``torch.Generator`` seeded with ``(seed, e)``, so a run is repeatable and can be resumed:
    ``set_epoch(e)`` chooses the epoch of the next pass (each pass otherwise counts up by one).
    ``to(device)`` gives a loader that keeps the images on ``device`` and resizes there.
    """

    def __init__(
        self,
        split: ImageSplit,
        batch_size: int,
        *,
        shuffle: bool,
        seed: int = 0,
        drop_last: bool = False,
        repeat: int = 1,
        device: str | torch.device = "cpu",
    ) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}: try batch_size=128")
        if not isinstance(repeat, int) or isinstance(repeat, bool) or repeat < 1:
            raise ValueError(f"repeat must be a positive integer (passes per epoch), got {repeat!r}")
        self.device = torch.device(device)
        self.split = split
        self._images = split.images.to(self.device)
        self._labels = split.labels.to(self.device)
        self.batch_size, self.shuffle, self.seed, self.drop_last = batch_size, shuffle, seed, drop_last
        self.repeat = repeat
        self.epoch = 0

    def __len__(self) -> int:
        n = len(self._labels) * self.repeat
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def set_epoch(self, epoch: int) -> None:
        """The next pass gives the batches of ``epoch`` (their order depends only on seed and epoch)."""
        self.epoch = epoch

    def to(self, device: str | torch.device) -> BatchLoader:
        """The same loader with its data on ``device`` (itself if already there)."""
        if torch.device(device) == self.device:
            return self
        moved = BatchLoader(self.split, self.batch_size, shuffle=self.shuffle, seed=self.seed,
                            drop_last=self.drop_last, repeat=self.repeat, device=device)
        moved.epoch = self.epoch
        return moved

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        n = len(self._labels)
        if self.shuffle:
            generator = torch.Generator().manual_seed(self.seed * 1_000_003 + self.epoch)
            order = torch.cat([torch.randperm(n, generator=generator) for _ in range(self.repeat)])
        else:
            order = torch.arange(n).repeat(self.repeat)
        order = order.to(self.device)
        self.epoch += 1
        for batch in range(len(self)):
            index = order[batch * self.batch_size : (batch + 1) * self.batch_size]
            yield resize_images(self._images[index], self.split.resize), self._labels[index]


# ----------------------------------------------------------------------------- the data module


class FashionMNIST:
    """The Fashion-MNIST data module of the book (``d2l.FashionMNIST``), same methods.

    Args:
        batch_size: images per batch.
        resize: size of the images the model sees (int or (height, width)); 28 = unchanged.
        root: folder with the IDX files; default ``$FASHION_MNIST_ROOT``, then the cache,
            the Debian package, a download (see :func:`load_fashion_mnist`).
        source: ``"full"`` (60,000 + 10,000 images) or ``"sample"`` (the 2,000 + 500 shipped
            with the course, :func:`load_sample`; no files or network needed).
        num_train: use only the first ``num_train`` training images (None: all).
        repeat: passes over the training images per epoch (the course's ``fast`` size uses
            several passes over the small sample; 1 in the book).
        seed: seed of the shuffling (epoch ``e`` of seed ``s`` is always the same order).
        download: whether a download may be tried when no copy is found.

    >>> data = FashionMNIST(batch_size=4, source="sample")
    >>> X, y = next(iter(data.val_dataloader()))
    >>> X.shape, X.dtype, y.tolist(), data.text_labels(y[:2])
    (torch.Size([4, 1, 28, 28]), torch.float32, [9, 2, 1, 1], ['ankle boot', 'pullover'])
    """

    def __init__(
        self,
        batch_size: int = 64,
        resize: int | tuple[int, int] = (28, 28),
        *,
        root: str | os.PathLike[str] | None = None,
        source: Literal["full", "sample"] = "full",
        num_train: int | None = None,
        repeat: int = 1,
        seed: int = 0,
        download: bool = True,
    ) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}: try batch_size=128")
        self.resize = to_2tuple(resize, "resize")
        if min(self.resize) < 1:
            raise ValueError(f"resize must be positive, got {resize!r}: try resize=(28, 28)")
        if source == "full":
            train, val = (load_fashion_mnist(split, root, download=download) for split in (True, False))
        elif source == "sample":
            train, val = load_sample(True), load_sample(False)
        else:
            raise ValueError(f"source must be 'full' or 'sample', got {source!r}")
        if num_train is not None:
            if not isinstance(num_train, int) or not 1 <= num_train <= len(train[1]):
                raise ValueError(f"num_train must be between 1 and {len(train[1]):,}, got {num_train!r}")
            train = (train[0][:num_train], train[1][:num_train])
        if not isinstance(repeat, int) or isinstance(repeat, bool) or repeat < 1:
            raise ValueError(f"repeat must be a positive integer (passes per epoch), got {repeat!r}")
        self.batch_size, self.source, self.seed, self.repeat = batch_size, source, seed, repeat
        self.train = ImageSplit(*train, resize=self.resize)
        self.val = ImageSplit(*val, resize=self.resize)
        self.num_train, self.num_val = len(self.train), len(self.val)

    def get_dataloader(self, train: bool) -> BatchLoader:
        """Shuffled training batches (``train=True``) or validation batches in order."""
        split = self.train if train else self.val
        return BatchLoader(split, self.batch_size, shuffle=train, seed=self.seed, repeat=self.repeat if train else 1)

    def train_dataloader(self) -> BatchLoader:
        return self.get_dataloader(train=True)

    def val_dataloader(self) -> BatchLoader:
        return self.get_dataloader(train=False)

    def text_labels(self, indices: Sequence[int] | torch.Tensor) -> list[str]:
        """Class names of label numbers: ``[0, 9] -> ['t-shirt', 'ankle boot']``."""
        return [TEXT_LABELS[int(i)] for i in indices]

    def visualize(
        self,
        batch: tuple[torch.Tensor, torch.Tensor],
        nrows: int = 1,
        ncols: int = 8,
        labels: Sequence[str] | None = None,
    ) -> Figure:
        """A grid of the first ``nrows * ncols`` images of ``batch`` with their class names."""
        from course_utils.plotting import plot_images

        X, y = batch
        count = min(nrows * ncols, len(X))
        titles = list(labels) if labels else self.text_labels(y[:count])
        images = [image.squeeze(0) for image in X[:count]]
        return plot_images(images, titles=titles[:count], ncols=ncols, cmap="gray", scale=1.5)

    def describe(self) -> str:
        """One line: which data, how many images, what size, what batch."""
        what = "Fashion-MNIST sample" if self.source == "sample" else "Fashion-MNIST"
        passes = f" x {self.repeat} passes" if self.repeat > 1 else ""
        return (f"{what}: {self.num_train:,} train{passes} / {self.num_val:,} val images, "
                f"{self.resize[0]}x{self.resize[1]}, batch {self.batch_size}")

    def __repr__(self) -> str:
        return (f"FashionMNIST(batch_size={self.batch_size}, resize={self.resize}, source={self.source!r}, "
                f"num_train={self.num_train}, num_val={self.num_val}, repeat={self.repeat})")
