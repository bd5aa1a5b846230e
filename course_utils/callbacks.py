"""Callbacks of the course's Trainer: each does one job around the training loop.

A callback overrides some of the events below; the Trainer calls them in ``order``
(low first) with itself as the argument, so a callback reads what it needs
(``trainer.epoch``, ``trainer.batch_loss``, ``trainer.history`` ...)::

    before_fit -> [before_epoch -> (after_loss -> after_batch) per batch -> after_epoch] -> after_fit

Control flow is by exception (as in fastai's miniai): a callback raises
:class:`CancelFitException` to end training cleanly; ``fit`` returns the history so far.

================  ==========================================================
``NaNGuard``      stops at a NaN/inf loss, naming epoch and batch
``ProgressBar``   tqdm bar (notebook-aware) with running loss and images/s
``LivePlot``      train/val loss and val accuracy, one figure updated in place
``Report``        first line (size, device, data, model), last line (results)
``Checkpoint``    saves the state at each epoch end, atomically
``EarlyStopping`` stops when the validation loss stops improving
================  ==========================================================
"""

from __future__ import annotations

import hashlib
import math
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

if TYPE_CHECKING:
    from course_utils.trainer import Trainer

__all__ = [
    "CancelFitException",
    "CheckpointMismatchError",
    "Callback",
    "NaNGuard",
    "ProgressBar",
    "LivePlot",
    "Report",
    "Checkpoint",
    "EarlyStopping",
    "in_notebook",
    "model_fingerprint",
    "save_checkpoint",
    "read_checkpoint",
]


class CancelFitException(Exception):
    """Raised by a callback to end ``fit`` cleanly; its message says why."""


class CheckpointMismatchError(ValueError):
    """The checkpoint was written for another model than the one being trained."""


class Callback:
    """Base class: override the events you need; ``order`` sorts callbacks (low runs first)."""

    order: int = 0

    def before_fit(self, trainer: Trainer) -> None: ...

    def before_epoch(self, trainer: Trainer) -> None: ...

    def after_loss(self, trainer: Trainer) -> None: ...

    def after_batch(self, trainer: Trainer) -> None: ...

    def after_epoch(self, trainer: Trainer) -> None: ...

    def after_fit(self, trainer: Trainer) -> None: ...


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where figures and widgets can be displayed)."""
    ipython_module = sys.modules.get("IPython")
    if ipython_module is None:
        return False
    shell = ipython_module.get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


def _duration(seconds: float) -> str:
    """``75.3 -> '1 min 15 s'``, ``4.26 -> '4.3 s'``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


class NaNGuard(Callback):
    """Stops training at the first NaN or infinite loss, before it spoils the weights."""

    order = -10

    def after_loss(self, trainer: Trainer) -> None:
        if not math.isfinite(trainer.batch_loss):
            raise CancelFitException(
                f"the loss became {trainer.batch_loss} in epoch {trainer.epoch + 1}, batch {trainer.batch_idx + 1}: "
                f"training stopped (the model keeps the weights of the step before). "
                f"Try a lower learning rate, e.g. lr={trainer.model.lr / 10:g} instead of {trainer.model.lr:g}."
            )


class ProgressBar(Callback):
    """A tqdm progress bar over all batches (``tqdm.auto``: a widget in Jupyter), with running loss and images/s."""

    def __init__(self) -> None:
        self.bar: Any = None

    def before_fit(self, trainer: Trainer) -> None:
        from tqdm.auto import tqdm

        total = max(trainer.max_epochs - trainer.start_epoch, 0) * trainer.num_train_batches
        self.bar = tqdm(total=total, unit="batch", dynamic_ncols=True, leave=True)

    def before_epoch(self, trainer: Trainer) -> None:
        self.bar.set_description(f"epoch {trainer.epoch + 1}/{trainer.max_epochs}")

    def after_batch(self, trainer: Trainer) -> None:
        seconds = max(time.perf_counter() - trainer.epoch_start, 1e-9)
        self.bar.set_postfix(loss=f"{trainer.running_loss:.3f}", img_s=f"{trainer.seen / seconds:,.0f}", refresh=False)
        self.bar.update(1)

    def after_fit(self, trainer: Trainer) -> None:
        if self.bar is not None:
            self.bar.close()


class LivePlot(Callback):
    """Training loss (``points_per_epoch`` points per epoch), validation loss and accuracy (each epoch).

    In Jupyter: one figure, shown with ``display(..., display_id=True)`` and replaced in
    place with ``.update()`` (no flicker, no pile of figures). Elsewhere: one text line per epoch.
    ``notebook=None`` detects which.
    """

    def __init__(self, points_per_epoch: int = 4, notebook: bool | None = None) -> None:
        self.points_per_epoch = points_per_epoch
        self.notebook = notebook
        self.train_points: list[tuple[float, float]] = []
        self.handle: Any = None

    def before_fit(self, trainer: Trainer) -> None:
        if self.notebook is None:
            self.notebook = in_notebook()
        self.train_points = [(m.epoch, m.train_loss) for m in trainer.history]
        n = trainer.num_train_batches
        self.marks = {round(n * k / self.points_per_epoch) for k in range(1, self.points_per_epoch)} - {0, n}
        if self.notebook:
            from IPython.display import display

            self.handle = display(self._image(trainer), display_id=True)

    def after_batch(self, trainer: Trainer) -> None:
        if trainer.batch_idx + 1 in self.marks:
            self.train_points.append((trainer.epoch + (trainer.batch_idx + 1) / trainer.num_train_batches,
                                      trainer.running_loss))
            if self.notebook:
                self.handle.update(self._image(trainer))

    def after_epoch(self, trainer: Trainer) -> None:
        last = trainer.history[-1]
        self.train_points.append((last.epoch, last.train_loss))
        if self.notebook:
            self.handle.update(self._image(trainer))
        else:
            from tqdm.auto import tqdm

            tqdm.write(f"epoch {last.epoch}/{trainer.max_epochs}: train_loss {last.train_loss:.4f}, "
                       f"val_loss {last.val_loss:.4f}, val_acc {last.val_acc:.4f} "
                       f"({last.images_per_s:,.0f} img/s, {_duration(last.seconds)})")

    def _image(self, trainer: Trainer) -> Any:
        from IPython.display import Image
        from matplotlib.figure import Figure

        from course_utils.plotting import figure_to_png

        fig = Figure(figsize=(4.5, 3.0), layout="constrained")
        ax = fig.add_subplot()
        if self.train_points:
            ax.plot(*zip(*self.train_points), "-", label="train_loss")
        epochs = [m.epoch for m in trainer.history]
        ax.plot(epochs, [m.val_loss for m in trainer.history], "--o", markersize=3, label="val_loss")
        ax.plot(epochs, [m.val_acc for m in trainer.history], "-.o", markersize=3, label="val_acc")
        ax.set_xlim(0, max(trainer.max_epochs, 1))
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper right", fontsize=8)
        return Image(data=figure_to_png(fig, dpi=90), format="png")


class Report(Callback):
    """The first line of a run (size, device, data, model) and its last (results, speed, time)."""

    order = 20

    def before_fit(self, trainer: Trainer) -> None:
        from course_utils.sizes import resolve_size

        size, why = resolve_size()
        describe = getattr(trainer.data, "describe", None)
        data = describe() if callable(describe) else type(trainer.data).__name__
        resumed = f", resuming after epoch {trainer.start_epoch}" if trainer.start_epoch else ""
        print(f"[size {size} ({why}) | device {trainer.device_name}] {data} | {type(trainer.model).__name__}, "
              f"lr {trainer.model.lr:g}, {_plural(trainer.max_epochs, 'epoch')}{resumed}")
        self.start = time.perf_counter()

    def after_fit(self, trainer: Trainer) -> None:
        history = trainer.history
        if history.status == "running":  # an error is on its way up: say nothing
            return
        if history.message:
            print(f"{history.status}: {history.message}")
        if len(history):
            last = history[-1]
            speed = sum(m.images_per_s for m in history) / len(history)
            print(f"done: train_loss {last.train_loss:.4f}, val_loss {last.val_loss:.4f}, "
                  f"val_acc {last.val_acc:.4f} | {speed:,.0f} img/s | {_duration(time.perf_counter() - self.start)} "
                  f"({_plural(len(history), 'epoch')})")


# ----------------------------------------------------------------------------- checkpoints


def model_fingerprint(model: nn.Module) -> str:
    """A short hash of the model's class and of the names, shapes and dtypes of its state."""
    parts = [f"{type(model).__module__}.{type(model).__qualname__}"]
    parts += [f"{name}:{tuple(t.shape)}:{t.dtype}" for name, t in model.state_dict().items()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _shapes(model: nn.Module) -> dict[str, list[int]]:
    return {name: list(t.shape) for name, t in model.state_dict().items()}


def save_checkpoint(path: str | os.PathLike[str], trainer: Trainer) -> None:
    """Write model, optimizer, epoch, history and RNG state to ``path`` (temporary file, then rename)."""
    path = Path(path)
    device = trainer.device
    state = {
        "format": 1,
        "model_class": type(trainer.model).__qualname__,
        "model_module": type(trainer.model).__module__,
        "fingerprint": model_fingerprint(trainer.model),
        "shapes": _shapes(trainer.model),
        "epoch": len(trainer.history),
        "model": trainer.model.state_dict(),
        "optimizer": trainer.optim.state_dict(),
        "history": trainer.history.as_dicts(),
        "rng_cpu": torch.get_rng_state(),
        "rng_cuda": torch.cuda.get_rng_state(device) if device.type == "cuda" else None,
        "rng_mps": torch.mps.get_rng_state() if device.type == "mps" else None,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            torch.save(state, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_checkpoint(path: str | os.PathLike[str], model: nn.Module) -> dict[str, Any]:
    """Load a checkpoint (``weights_only=True``) and check that it was written for ``model``."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}: check the path, or train without ckpt_path")
    state = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(state, dict) or state.get("format") != 1:
        raise ValueError(f"{path} is not a checkpoint of the course's Trainer")
    here = type(model).__qualname__
    if state["fingerprint"] != model_fingerprint(model):
        there = state["model_class"]
        if there != here:
            raise CheckpointMismatchError(
                f"{path} was written for a {there} ({state['model_module']}.{there}), not for this {here} "
                f"({type(model).__module__}.{here}): train the {there} again, or use another checkpoint_dir"
            )
        ours = _shapes(model)
        diffs = [f"{name}: {state['shapes'].get(name)} there, {ours.get(name)} here"
                 for name in sorted(set(ours) | set(state["shapes"])) if ours.get(name) != state["shapes"].get(name)]
        raise CheckpointMismatchError(
            f"{path} was written for a {there} with other layers than this {here} "
            f"({'; '.join(diffs[:3]) or 'different dtypes'}): build the model with the same arguments, "
            f"or use another checkpoint_dir"
        )
    return state


class Checkpoint(Callback):
    """Saves ``directory/last.pt`` at the end of every epoch (see :func:`save_checkpoint`)."""

    order = 10

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.path = Path(directory) / "last.pt"

    def after_epoch(self, trainer: Trainer) -> None:
        save_checkpoint(self.path, trainer)


class EarlyStopping(Callback):
    """Stops when ``val_loss`` has not improved by ``min_delta`` for ``patience`` epochs."""

    order = 15  # after Checkpoint: the last epoch is saved before stopping

    def __init__(self, patience: int = 3, min_delta: float = 0.0) -> None:
        if patience < 1:
            raise ValueError(f"patience must be at least 1 epoch, got {patience!r}")
        self.patience, self.min_delta = patience, min_delta

    def after_epoch(self, trainer: Trainer) -> None:
        best, best_epoch = math.inf, 0
        for metrics in trainer.history:  # an improvement must beat the best so far by min_delta
            if metrics.val_loss < best - self.min_delta:
                best, best_epoch = metrics.val_loss, metrics.epoch
        if trainer.history[-1].epoch - best_epoch >= self.patience:
            raise CancelFitException(
                f"early stop: val_loss has not improved for {self.patience} epoch(s) "
                f"(best {best:.4f} in epoch {best_epoch})"
            )
