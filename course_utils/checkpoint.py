"""The Trainer's checkpoint file: the one place that writes it, reads it and checks it.

A checkpoint (``checkpoint_dir/last.pt``) holds everything a run needs to continue as if it
had never stopped: the model's and the optimizer's state, the finished epochs' history and
the random generators' state. It is a ``torch.save`` zip of tensors and plain values only,
read back with ``weights_only=True`` (a file holding any other Python object is refused,
never unpickled), and it carries a SHA-256 of its contents, so a damaged file (one flipped
bit, a partial copy) is refused instead of loaded::

    save_checkpoint(path, model, optimizer, history.as_dicts(), device)
    state = read_checkpoint(path, model, optimizer)   # checks the file, the model, the optimizer
    restore_state(state, model, optimizer, device)    # then loads it

Every refusal is one line naming the file and what to do: :class:`CheckpointError` for a file
that is damaged or not a checkpoint (or a folder where none can be written),
:class:`CheckpointMismatchError` for a checkpoint of another model or optimizer.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import pickle
import shutil
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from course_utils.files import write_atomic
from course_utils.formatting import human_bytes

__all__ = [
    "FORMAT",
    "CheckpointError",
    "CheckpointMismatchError",
    "model_fingerprint",
    "save_checkpoint",
    "read_checkpoint",
    "restore_state",
    "check_folder",
    "state_is_finite",
]

FORMAT = 2  # 1: before the checksum and the optimizer's class were stored

_KEYS = ("format", "model_class", "model_module", "fingerprint", "shapes", "epoch", "model", "optimizer",
         "optimizer_class", "optimizer_groups", "history", "rng_cpu", "rng_cuda", "rng_mps", "sha256")
_START_OVER = "delete it, or use another checkpoint_dir, and train again"


class CheckpointError(ValueError):
    """A checkpoint that cannot be used: a damaged file, not a checkpoint, or a folder where none can be saved."""


class CheckpointMismatchError(CheckpointError):
    """The checkpoint was written for another model (or optimizer) than the one being trained."""


# ----------------------------------------------------------------------------- identity and checksum


def model_fingerprint(model: nn.Module) -> str:
    """A short hash of the model's class and of the names, shapes and dtypes of its state."""
    parts = [f"{type(model).__module__}.{type(model).__qualname__}"]
    parts += [f"{name}:{tuple(t.shape)}:{t.dtype}" for name, t in model.state_dict().items()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _shapes(model: nn.Module) -> dict[str, list[int]]:
    return {name: list(t.shape) for name, t in model.state_dict().items()}


def _feed(digest: Any, value: Any) -> None:
    """Add ``value`` (tensors, dicts, lists, plain values) to ``digest`` in a canonical order."""
    if isinstance(value, torch.Tensor):
        tensor = value.detach().cpu().contiguous().reshape(-1)
        digest.update(f"T{tensor.dtype}{tuple(value.shape)}:".encode())
        digest.update(tensor.view(torch.uint8).numpy())  # the bytes in logical order, whatever the layout
    elif isinstance(value, Mapping):
        digest.update(f"D{len(value)}:".encode())
        for key in sorted(value, key=lambda k: (type(k).__name__, str(k))):
            digest.update(f"{type(key).__name__}{key!r}=".encode())
            _feed(digest, value[key])
    elif isinstance(value, (list, tuple)):
        digest.update(f"L{len(value)}:".encode())
        for item in value:
            _feed(digest, item)
    else:
        digest.update(f"V{type(value).__name__}{value!r};".encode())


def _checksum(state: Mapping[str, Any]) -> str:
    """SHA-256 of every entry of ``state`` except the checksum itself (tensors by their bytes)."""
    digest = hashlib.sha256()
    _feed(digest, {key: value for key, value in state.items() if key != "sha256"})
    return digest.hexdigest()


def state_is_finite(model: nn.Module) -> bool:
    """True when every floating-point tensor of the model's state (weights and buffers) is finite."""
    tensors = [t for t in model.state_dict().values() if t.is_floating_point() and t.numel()]
    return all(bool(torch.isfinite(t).all()) for t in tensors)


# ----------------------------------------------------------------------------- writing


def _to_cpu(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach().cpu()
    if isinstance(value, Mapping):
        return {key: _to_cpu(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_to_cpu(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_to_cpu(item) for item in value)
    return value


def save_checkpoint(
    path: str | os.PathLike[str],
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    history: Sequence[Mapping[str, Any]],
    device: torch.device,
) -> None:
    """Write the state of a run after ``len(history)`` finished epochs to ``path``, atomically.

    The file is first serialised in memory, then written with :func:`~course_utils.files.write_atomic`
    (temporary file, fsync, rename), so a failed or killed write leaves the previous file as it was.
    A write that fails (disk full, folder gone) raises :class:`CheckpointError` naming the file and the cause.
    """
    path = Path(path)
    state: dict[str, Any] = {
        "format": FORMAT,
        "model_class": type(model).__qualname__,
        "model_module": type(model).__module__,
        "fingerprint": model_fingerprint(model),
        "shapes": _shapes(model),
        "epoch": len(history),
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "optimizer_class": type(optimizer).__qualname__,
        "optimizer_groups": [len(group["params"]) for group in optimizer.param_groups],
        "history": [dict(row) for row in history],
        "rng_cpu": torch.get_rng_state(),
        "rng_cuda": torch.cuda.get_rng_state(device) if device.type == "cuda" else None,
        "rng_mps": torch.mps.get_rng_state() if device.type == "mps" else None,
    }
    state = _to_cpu(state)
    state["sha256"] = _checksum(state)
    buffer = io.BytesIO()
    torch.save(state, buffer)
    try:
        write_atomic(path, buffer.getbuffer())
    except OSError as exc:
        cause = exc.strerror or str(exc) or type(exc).__name__
        raise CheckpointError(
            f"could not write the checkpoint {path}: {cause} (errno {exc.errno}); the file that was there "
            f"(if any) is unchanged: free some space or fix the folder, or use another checkpoint_dir"
        ) from exc


def check_folder(directory: str | os.PathLike[str], *, needed_bytes: int = 0) -> Path:
    """Make sure checkpoints can be written in ``directory``: create it, write and remove a probe file.

    ``needed_bytes``: the least a checkpoint will take (the model's state); a disk with less free
    space is refused now rather than after the first epoch.
    """
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise CheckpointError(f"checkpoint_dir={str(folder)!r} is a file, not a folder: "
                              f"pass the path of a folder (it is created if missing)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-test.", suffix=".tmp")
        try:
            os.write(fd, b"checkpoint folder write test")
        finally:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(probe)
    except OSError as exc:
        cause = exc.strerror or type(exc).__name__
        raise CheckpointError(f"checkpoints cannot be written in checkpoint_dir={str(folder)!r}: {cause}: "
                              f"choose a folder you can write to") from exc
    free = shutil.disk_usage(folder).free
    if free < needed_bytes:
        raise CheckpointError(
            f"checkpoint_dir={str(folder)!r} is on a disk with {human_bytes(free)} free, and a checkpoint "
            f"of this model takes at least {human_bytes(needed_bytes)}: free some space or choose another folder"
        ) from OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return folder


# ----------------------------------------------------------------------------- reading


def _load(path: Path) -> Any:
    """``torch.load(weights_only=True)`` with every failure turned into one CheckpointError."""
    if path.stat().st_size == 0:
        raise CheckpointError(f"{path} is empty (a write that never finished?): {_START_OVER}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Detected pickle protocol 4": the refusal below says it all
            return torch.load(path, map_location="cpu", weights_only=True)
    except PermissionError as exc:
        raise CheckpointError(f"{path} cannot be read (permission denied): make it readable, "
                              f"or use another checkpoint_dir") from exc
    except pickle.UnpicklingError as exc:
        raise CheckpointError(
            f"{path} is not a checkpoint of the course's Trainer: it is damaged, or it holds Python objects "
            f"other than tensors and plain values, which are never loaded (they could run code): {_START_OVER}"
        ) from exc
    except (EOFError, RuntimeError, ValueError, OSError, KeyError, AttributeError, TypeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        first = first.split(". ")[0][:120]  # torch's first sentence (e.g. "failed finding central directory")
        raise CheckpointError(f"{path} is damaged or truncated ({type(exc).__name__}: {first}): {_START_OVER}") from exc


def _check_contents(path: Path, state: Any) -> dict[str, Any]:
    if not isinstance(state, dict):
        raise CheckpointError(f"{path} holds a {type(state).__name__}, not a checkpoint of the course's Trainer: "
                              f"{_START_OVER}")
    if state.get("format") == 1:
        raise CheckpointError(f"{path} was written by an earlier version of the course (format 1, without a "
                              f"checksum), which cannot be checked: {_START_OVER}")
    missing = [key for key in _KEYS if key not in state]
    if state.get("format") != FORMAT or missing:
        what = f"its keys {', '.join(missing)} are missing" if missing else f"format {state.get('format')!r}"
        raise CheckpointError(f"{path} is not a checkpoint of the course's Trainer ({what}): {_START_OVER}")
    if not isinstance(state["sha256"], str) or _checksum(state) != state["sha256"]:
        raise CheckpointError(f"{path} is damaged: its contents do not match the SHA-256 stored in it "
                              f"(a changed bit or an incomplete copy): {_START_OVER}")
    return state


def _check_model(path: Path, state: dict[str, Any], model: nn.Module) -> None:
    here = type(model).__qualname__
    if state["fingerprint"] == model_fingerprint(model):
        return
    there = state["model_class"]
    if there != here:
        raise CheckpointMismatchError(
            f"{path} was written for a {there} ({state['model_module']}.{there}), not for this {here} "
            f"({type(model).__module__}.{here}): train the {there} again, or use another checkpoint_dir"
        )
    ours, theirs = _shapes(model), state["shapes"]
    diffs = [f"{name}: {theirs.get(name)} there, {ours.get(name)} here"
             for name in sorted(set(ours) | set(theirs)) if ours.get(name) != theirs.get(name)]
    raise CheckpointMismatchError(
        f"{path} was written for a {there} with other layers than this {here} "
        f"({'; '.join(diffs[:3]) or 'different dtypes'}): build the model with the same arguments, "
        f"or use another checkpoint_dir"
    )


def _check_optimizer(path: Path, state: dict[str, Any], optimizer: torch.optim.Optimizer) -> None:
    there, here = state["optimizer_class"], type(optimizer).__qualname__
    if there != here:
        raise CheckpointMismatchError(
            f"{path} was saved with a {there} optimizer, but this model's configure_optimizers gives {here}: "
            f"resume with the same optimizer, or use another checkpoint_dir to start over"
        )
    groups = [len(group["params"]) for group in optimizer.param_groups]
    if list(state["optimizer_groups"]) != groups:
        raise CheckpointMismatchError(
            f"{path} was saved with a {there} over parameter groups of {state['optimizer_groups']} tensors, "
            f"this one has {groups}: configure the optimizer as before, or use another checkpoint_dir"
        )


def read_checkpoint(
    path: str | os.PathLike[str], model: nn.Module, optimizer: torch.optim.Optimizer | None = None
) -> dict[str, Any]:
    """Load a checkpoint (``weights_only=True``) and check it: intact, and written for ``model``
    (and ``optimizer``, when given). Changes nothing; :func:`restore_state` loads it."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}: check the path, or train without ckpt_path")
    state = _check_contents(path, _load(path))
    _check_model(path, state, model)
    if optimizer is not None:
        _check_optimizer(path, state, optimizer)
    return state


def restore_state(
    state: Mapping[str, Any], model: nn.Module, optimizer: torch.optim.Optimizer, device: torch.device
) -> None:
    """Load a checked checkpoint (:func:`read_checkpoint`) into ``model``, ``optimizer`` and the random generators.

    The optimizer keeps the checkpoint's hyperparameters (its learning rate included), as a
    resumed run must; the model's own ``lr`` is not used.
    """
    try:
        optimizer.load_state_dict(state["optimizer"])  # first: a refusal here leaves the model untouched
    except (ValueError, KeyError, RuntimeError) as exc:
        raise CheckpointMismatchError(
            f"the checkpoint's {state['optimizer_class']} state does not fit this optimizer ({exc}): "
            f"configure the optimizer as before, or use another checkpoint_dir"
        ) from exc
    model.load_state_dict(state["model"])
    torch.set_rng_state(state["rng_cpu"])
    if device.type == "cuda" and state["rng_cuda"] is not None:
        torch.cuda.set_rng_state(state["rng_cuda"], device)
    if device.type == "mps" and state["rng_mps"] is not None:
        torch.mps.set_rng_state(state["rng_mps"])

