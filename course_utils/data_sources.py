"""Where Fashion-MNIST's bytes come from: the places looked at, the checksums, the cache.

:func:`load_fashion_mnist` gives a full split as tensors; :func:`load_sample` the small,
genuine sample shipped with the course (``course_utils/sample/``, checksums in its
``manifest.json``, read by :func:`sample_files`). Batching is :mod:`course_utils.data`'s job.

Where the full data comes from, in order:

1. the ``root`` argument, else the environment variable ``FASHION_MNIST_ROOT``: a folder with
   the four IDX files (``.gz`` or decompressed), directly or in ``FashionMNIST/raw/``;
2. the cache, ``$XDG_CACHE_HOME/course_utils`` or ``~/.cache/course_utils`` (:func:`cache_dir`);
3. the Debian package ``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist/``);
4. a download with torchvision (when online), into the cache.

Every file is checked against the length and sha256 of its *decompressed* content (gzip
headers differ between copies, e.g. Debian's); a ``.gz`` is decompressed chunk by chunk
into a buffer of the expected length, so one that would decompress to more is refused as
soon as it passes that length, without using more memory. A file that is truncated, too
long or changed is reported by name and never used. The first three places hold data the
user chose, so a bad file there raises :class:`DataIntegrityError`; a bad file in the cache
is deleted and rebuilt.

The cache is written with :func:`course_utils.files.write_atomic` (a temporary file, then a
rename), so processes that fill it at the same time each read genuine data, and the
temporary files of a process killed mid-write are removed by the next load.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import shutil
import socket
import struct
import sys
import tempfile
import time
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from course_utils import validate
from course_utils.files import STALE_AFTER_S, remove_stale_temporaries, write_atomic

__all__ = [
    "IdxFile",
    "OFFICIAL_FILES",
    "SPLIT_FILES",
    "DataNotFoundError",
    "DataIntegrityError",
    "cache_dir",
    "load_fashion_mnist",
    "sample_files",
    "load_sample",
]

ENV_ROOT = "FASHION_MNIST_ROOT"
# Module-level so that tests (and unusual machines) can point them elsewhere.
SAMPLE_DIR: Path = Path(__file__).resolve().parent / "sample"
DEBIAN_DIR: Path = Path("/usr/share/datasets/fashion-mnist")
CACHE_DIR: Path | None = None  # None: $XDG_CACHE_HOME/course_utils or ~/.cache/course_utils
DOWNLOAD_TIMEOUT_S = 30.0  # per network operation, so that a silent firewall cannot hang a lesson

# IDX magic numbers: 0x0803 = unsigned bytes, 3 dimensions; 0x0801 = unsigned bytes, 1 dimension.
_IMAGES_MAGIC, _LABELS_MAGIC = 2051, 2049
_CHUNK = 1 << 20  # bytes decompressed per step

_SAMPLE_REMEDY = ("reinstall the course (git checkout course_utils/sample, or pip install the package again), "
                  "or make the sample from the full data: python scripts/make_sample.py --source FOLDER")


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
_ALL_NAMES: tuple[str, ...] = tuple(name for pair in SPLIT_FILES.values() for name in pair)

_HOW_TO_GET_IT = (
    "Ways to get it:\n"
    f"  - point {ENV_ROOT} at a folder with the four IDX files (.gz or not), e.g.\n"
    f"    export {ENV_ROOT}=/path/to/FashionMNIST/raw   (or FashionMNIST(root=...))\n"
    "  - on Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist\n"
    "  - go online once: the next run downloads it (30 MB) into the cache\n"
    "  - or use the sample shipped with the course: FashionMNIST(..., source='sample')"
)


# ----------------------------------------------------------------------------- reading and checking


def cache_dir() -> Path:
    """The user's cache folder for the course: ``$XDG_CACHE_HOME/course_utils`` or ``~/.cache/course_utils``."""
    if CACHE_DIR is not None:
        return Path(CACHE_DIR)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "course_utils"


def _root_folder(root: Any, *, from_environment: bool = False) -> Path:
    """``root`` (or ``$FASHION_MNIST_ROOT``) as a folder path: a TypeError for a value that is no
    path, a ValueError for an empty one or a file (a missing folder is looked at, and reported)."""
    where = f"${ENV_ROOT}" if from_environment else "root"

    def remedy(folder: object) -> str:
        return f"export {ENV_ROOT}={folder}" if from_environment else f"root={str(folder)!r}"

    if not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"root must be a folder path (str or pathlib.Path), got {root!r} "
                        f"({type(root).__name__}): write e.g. {remedy('~/data/FashionMNIST/raw')}")
    if os.fspath(root) == "":
        raise ValueError(f"{where} is empty: give the folder with the four IDX files, "
                         f"e.g. {remedy('~/data/FashionMNIST/raw')}, or leave it out to use the cache")
    folder = Path(root).expanduser()
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"{where} must be a folder with the four IDX files, got {os.fspath(root)!r}, "
                         f"which is a file: write e.g. {remedy(folder.parent)}")
    return folder


def _find(folder: Path, name: str) -> Path | None:
    """``folder/name``, ``folder/name.gz``, or the same in ``folder/FashionMNIST/raw/``."""
    for sub in (folder, folder / "FashionMNIST" / "raw"):
        for candidate in (sub / name, sub / f"{name}.gz"):
            if candidate.is_file():
                return candidate
    return None


def _wrong_length(path: Path, expected: IdxFile, length: int) -> DataIntegrityError:
    what = "truncated" if length < expected.num_bytes else "too long"
    return DataIntegrityError(
        f"{path} is {what}: {length:,} bytes (decompressed), expected {expected.num_bytes:,} "
        f"for {expected.name}: delete it and copy or download it again"
    )


def _decompress(path: Path, expected: IdxFile) -> bytearray:
    """The content of the ``.gz`` ``path``, decompressed into a buffer of exactly ``expected.num_bytes``.

    It is decompressed 1 MiB at a time, never past the end of the buffer, so a file that
    decompresses to more (a damaged or hostile one, even to gigabytes) is refused after
    ``num_bytes + 1`` bytes, never held in memory whole.
    """
    content = bytearray(expected.num_bytes)
    view = memoryview(content)
    filled = 0
    try:
        with gzip.open(path, "rb") as file:
            while filled < len(content):
                count = file.readinto(view[filled : filled + _CHUNK])
                if not count:
                    break
                filled += count
            longer = filled == len(content) and file.read(1) != b""  # reading to the end checks the CRC too
    except (EOFError, OSError, zlib.error) as error:
        raise DataIntegrityError(
            f"{path} is truncated or not a gzip file ({error}); expected {expected.name} "
            f"with {expected.num_bytes:,} bytes after decompressing: delete it and copy it again"
        ) from None
    if longer:
        raise DataIntegrityError(
            f"{path} decompresses to more than {expected.num_bytes:,} bytes, the length of {expected.name}: "
            "it is not that file; delete it and copy or download it again"
        )
    if filled != len(content):
        raise _wrong_length(path, expected, filled)
    return content


def _read_verified(path: Path, expected: IdxFile) -> bytearray:
    """The decompressed content of ``path``, checked against ``expected`` (DataIntegrityError if not)."""
    if path.suffix == ".gz":
        content = _decompress(path, expected)
    else:
        size = path.stat().st_size
        if size != expected.num_bytes:  # refused before reading it
            raise _wrong_length(path, expected, size)
        content = bytearray(size)
        with path.open("rb") as file:
            read = file.readinto(content)
        if read != size:  # the file shrank while it was read
            raise _wrong_length(path, expected, read)
    digest = hashlib.sha256(content).hexdigest()
    if digest != expected.sha256:
        raise DataIntegrityError(
            f"{path} is not the genuine {expected.name}: sha256 of its content is {digest}, "
            f"expected {expected.sha256}: delete it and copy or download it again"
        )
    return content


def _parse_idx(content: bytearray, name: str) -> torch.Tensor:
    """IDX bytes -> uint8 images (N x rows x cols, sharing ``content``'s memory) or int64 labels (N)."""
    if len(content) < 8:
        raise DataIntegrityError(f"{name} is not an IDX file: {len(content)} bytes, shorter than its header")
    magic, count = struct.unpack(">II", content[:8])
    if magic == _IMAGES_MAGIC and len(content) >= 16:
        rows, cols = struct.unpack(">II", content[8:16])
        if len(content) != 16 + count * rows * cols:
            raise DataIntegrityError(f"{name}: its header says {count} images of {rows} x {cols}, "
                                     f"which is not its length of {len(content):,} bytes")
        return torch.frombuffer(content, dtype=torch.uint8, offset=16).view(count, rows, cols)
    if magic == _LABELS_MAGIC:
        if len(content) != 8 + count:
            raise DataIntegrityError(f"{name}: its header says {count} labels, "
                                     f"which is not its length of {len(content):,} bytes")
        return torch.frombuffer(content, dtype=torch.uint8, offset=8).to(torch.int64)
    raise DataIntegrityError(f"{name} is not an IDX file of unsigned bytes (magic number {magic})")


def _load_from(folder: Path, names: Sequence[str], files: Mapping[str, IdxFile]) -> dict[str, bytearray] | list[str]:
    """Verified contents of ``names`` in ``folder``, or the list of names missing there."""
    paths = {name: _find(folder, name) for name in names}
    missing = [name for name, path in paths.items() if path is None]
    if missing:
        return missing
    return {name: _read_verified(path, files[name]) for name, path in paths.items() if path is not None}


# ----------------------------------------------------------------------------- the cache


def _load_from_cache(folder: Path, names: Sequence[str],
                     files: Mapping[str, IdxFile]) -> dict[str, bytearray] | list[str]:
    """Like ``_load_from``, but a bad cache file is deleted (and so rebuilt), not an error.

    The temporary files that a killed writer left beside a cache file are removed here too
    (when older than ``files.STALE_AFTER_S``), even if another process wrote that file since.
    """
    contents: dict[str, bytearray] = {}
    for name in names:
        path = folder / name
        remove_stale_temporaries(path)
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


def _write_cache(folder: Path, contents: Mapping[str, bytearray]) -> None:
    """Keep verified, decompressed files in the cache (fast to load next time); failures only warn."""
    try:
        for name, content in contents.items():
            if not (folder / name).is_file():
                write_atomic(folder / name, content)
    except OSError as error:
        print(f"course_utils: could not write the cache in {folder} ({error}); continuing without it.",
              file=sys.stderr)


def _remove_stale_downloads(root: Path) -> None:
    """Delete the ``.download-*`` folders that a download killed midway left in the cache."""
    now = time.time()
    with contextlib.suppress(OSError):
        for leftover in root.glob(".download-*"):
            with contextlib.suppress(OSError):
                if leftover.is_dir() and now - leftover.stat().st_mtime > STALE_AFTER_S:
                    shutil.rmtree(leftover, ignore_errors=True)


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


def _try_download(names: Sequence[str], files: Mapping[str, IdxFile]) -> dict[str, bytearray] | str:
    """Verified contents downloaded into a temporary folder of the cache, or why it failed."""
    root = cache_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        _remove_stale_downloads(root)
        print(f"course_utils: downloading Fashion-MNIST (30 MB) with torchvision into {root} ...", file=sys.stderr)
        with tempfile.TemporaryDirectory(dir=root, prefix=".download-") as tmp:
            _download(Path(tmp))
            loaded = _load_from(Path(tmp), _ALL_NAMES, files)
            if isinstance(loaded, list):
                return f"the download finished without {', '.join(loaded)}"
    except DataIntegrityError as error:
        return f"the downloaded data failed its check: {error}"
    except Exception as error:  # any network or disk problem: report it in one line, no traceback
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        return f"{type(error).__name__}: {' '.join(lines[:3]) or 'no message'}"
    _write_cache(root / "FashionMNIST" / "raw", loaded)
    return {name: loaded[name] for name in names}


# ----------------------------------------------------------------------------- the loaders


def _split(contents: Mapping[str, bytearray], names: tuple[str, str]) -> tuple[torch.Tensor, torch.Tensor]:
    images, labels = (_parse_idx(contents[name], name) for name in names)
    if len(images) != len(labels):
        raise DataIntegrityError(f"{names[0]} has {len(images)} images but {names[1]} has {len(labels)} labels")
    return images, labels


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
    names = SPLIT_FILES[validate.flag(train, "train")]
    download = validate.flag(download, "download")
    if root is not None:
        chosen: Path | None = _root_folder(root)
        where = "root argument"
    elif os.environ.get(ENV_ROOT):
        chosen, where = _root_folder(os.environ[ENV_ROOT], from_environment=True), f"${ENV_ROOT}"
    else:
        chosen, where = None, ""
    looked: list[str] = []

    if chosen is not None:
        result = _load_from(chosen, names, files)
        if isinstance(result, dict):
            return _split(result, names)
        looked.append(f"{chosen} ({where}): no {', '.join(result)} (.gz or not, directly or in FashionMNIST/raw/)")

    cache = cache_dir() / "FashionMNIST" / "raw"
    result = _load_from_cache(cache, names, files)
    if isinstance(result, dict):
        return _split(result, names)
    looked.append(f"{cache} (cache): no {', '.join(result)}")

    result = _load_from(DEBIAN_DIR, names, files)
    if isinstance(result, dict):
        _write_cache(cache, result)
        return _split(result, names)
    looked.append(f"{DEBIAN_DIR} (Debian package dataset-fashion-mnist): not installed")

    if download:
        outcome = _try_download(names, files)
        if isinstance(outcome, dict):
            return _split(outcome, names)
        looked.append(f"download with torchvision: failed ({outcome})")
    else:
        looked.append("download: not tried (download=False)")

    places = "\n".join(f"  - {line}" for line in looked)
    split = "training" if train else "test"
    raise DataNotFoundError(f"Fashion-MNIST ({split} split) was not found. Looked in:\n{places}\n{_HOW_TO_GET_IT}")


def _manifest_entry(entry: object) -> tuple[str, int] | None:
    """``(sha256, bytes)`` of one ``files`` entry of the manifest, or None if it is malformed."""
    if not isinstance(entry, dict):
        return None
    sha, size = entry.get("sha256"), entry.get("bytes")
    if not (isinstance(sha, str) and len(sha) == 64 and all(c in "0123456789abcdef" for c in sha)):
        return None
    if not (validate.is_int(size) and size > 0):
        return None
    return sha, int(size)


def sample_files(folder: str | os.PathLike[str] | None = None) -> dict[str, IdxFile]:
    """The checksums of the shipped sample (or of the sample in ``folder``), from its ``manifest.json``.

    A manifest that is missing raises :class:`DataNotFoundError`; one that is not valid JSON
    or lacks an entry (sha256 and length) for one of the four files, :class:`DataIntegrityError`;
    both name the file and how to get a good one back.
    """
    manifest_path = Path(folder if folder is not None else SAMPLE_DIR) / "manifest.json"
    try:
        text = manifest_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataNotFoundError(f"the course's sample is incomplete: {manifest_path} is missing; "
                                f"{_SAMPLE_REMEDY}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise DataIntegrityError(f"the sample's manifest {manifest_path} cannot be read ({error}); "
                                 f"{_SAMPLE_REMEDY}") from None
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataIntegrityError(f"the sample's manifest {manifest_path} is damaged: not valid JSON ({error}); "
                                 f"{_SAMPLE_REMEDY}") from None
    listed = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(listed, dict):
        raise DataIntegrityError(f"the sample's manifest {manifest_path} is damaged: it has no \"files\" table; "
                                 f"{_SAMPLE_REMEDY}")
    rows = []
    for name in _ALL_NAMES:
        entry = _manifest_entry(listed.get(name))
        if entry is None:
            raise DataIntegrityError(
                f"the sample's manifest {manifest_path} is damaged: no valid entry for {name} "
                f"(a sha256 of 64 hex digits and a length in bytes), got {listed.get(name)!r}; {_SAMPLE_REMEDY}"
            )
        rows.append((name, *entry))
    return _table(rows)


def load_sample(train: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """The sample shipped with the course: ``(uint8 images N x 28 x 28, int64 labels N)``.

    The first 200 training (2,000) or the first 50 test images (500) of each class of the
    genuine Fashion-MNIST, in their original order; works offline, checked like the full data.

    >>> images, labels = load_sample(train=False)
    >>> tuple(images.shape), labels[:4].tolist()
    ((500, 28, 28), [9, 2, 1, 1])
    """
    names = SPLIT_FILES[validate.flag(train, "train")]
    files = sample_files()
    result = _load_from(SAMPLE_DIR, names, files)
    if isinstance(result, list):
        raise DataNotFoundError(
            f"the course's sample is incomplete: {SAMPLE_DIR} has no {', '.join(result)}; {_SAMPLE_REMEDY}"
        )
    return _split(result, names)
