"""Writing files so that nothing is ever half-written: the data cache and the checkpoints.

:func:`write_atomic` writes to a temporary file beside the target, flushes it to disk and
renames it over the target, so a reader sees the old file or the new one, never a mix. A
process killed mid-write (``kill -9``, a power cut) leaves only its temporary file behind;
the next write to the same target removes such leftovers (files named ``.<target>.*.tmp``
older than :data:`STALE_AFTER_S`, so that a concurrent writer's file is left alone).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["STALE_AFTER_S", "write_atomic", "remove_stale_temporaries"]

STALE_AFTER_S = 600.0  # a temporary file this old belongs to a writer that died


def _prefix(path: Path) -> str:
    return f".{path.name}."


def remove_stale_temporaries(path: str | os.PathLike[str], *, older_than_s: float = STALE_AFTER_S) -> list[Path]:
    """Delete the temporary files that writes of ``path`` left behind more than ``older_than_s`` ago."""
    path = Path(path)
    removed = []
    now = time.time()
    with contextlib.suppress(OSError):
        for leftover in path.parent.glob(f"{_prefix(path)}*.tmp"):
            with contextlib.suppress(OSError):
                if now - leftover.stat().st_mtime > older_than_s:
                    leftover.unlink()
                    removed.append(leftover)
    return removed


def write_atomic(path: str | os.PathLike[str], content: bytes | Callable[[BinaryIO], None]) -> None:
    """Write ``content`` (bytes, or a function that writes to a binary file) to ``path`` atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_prefix(path), suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            if isinstance(content, (bytes, bytearray, memoryview)):
                file.write(content)
            else:
                content(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
