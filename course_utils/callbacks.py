"""Callbacks of the course's Trainer: each does one job around the training loop.

A callback overrides some of the events below; the Trainer calls them in ``order``
(low first) with itself as the argument, so a callback reads what it needs
(``trainer.epoch``, ``trainer.batch_loss``, ``trainer.history`` ...)::

    before_fit -> [before_epoch -> (after_loss -> after_step -> after_batch) per batch -> after_epoch] -> after_fit

(``after_loss``: the loss is computed, no step taken yet; ``after_step``: the optimizer has
just changed the weights.) With ``Trainer(compile=...)``, ``before_compile`` and
``after_compile`` come around the first compiled training step.

The loss stays on the device: ``trainer.loss`` is the batch's loss tensor, and reading a
number from it (``trainer.batch_loss``, ``trainer.running_loss``) waits for the device. On
a GPU, which runs the batches queued by Python while Python goes on, such a read after every
batch would leave the GPU idle between batches; the callbacks here read only when they show
something (the progress bar, the plot) or check it (the NaN guard, once a second).

Control flow is by exception (as in fastai's miniai): a callback raises
:class:`CancelFitException` to end training cleanly; ``fit`` returns the history so far.

================  ==========================================================
``NaNGuard``      stops at a NaN/inf loss or NaN/inf weights, naming epoch and batch
``ProgressBar``   tqdm bar (notebook-aware) with running loss and images/s
``LivePlot``      train/val loss and val accuracy, one figure updated in place
``Report``        first line (size, device, data, model), last line (results)
``Checkpoint``    saves the state at each epoch end, atomically (never a non-finite one)
``EarlyStopping`` stops when the validation loss stops improving
================  ==========================================================
"""

from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

from course_utils import validate
from course_utils.checkpoint import save_checkpoint, state_is_finite
from course_utils.formatting import duration
from course_utils.language import say

if TYPE_CHECKING:
    from course_utils.trainer import Trainer

__all__ = [
    "CancelFitException",
    "Callback",
    "NaNGuard",
    "ProgressBar",
    "LivePlot",
    "Report",
    "Checkpoint",
    "EarlyStopping",
    "in_notebook",
]


class CancelFitException(Exception):
    """Raised by a callback to end ``fit`` cleanly; its message says why."""


class Callback:
    """Base class: override the events you need; ``order`` sorts callbacks (low runs first)."""

    order: int = 0

    def before_fit(self, trainer: Trainer) -> None: ...

    def before_epoch(self, trainer: Trainer) -> None: ...

    def after_loss(self, trainer: Trainer) -> None: ...

    def after_step(self, trainer: Trainer) -> None: ...

    def after_batch(self, trainer: Trainer) -> None: ...

    def after_epoch(self, trainer: Trainer) -> None: ...

    def after_fit(self, trainer: Trainer) -> None: ...

    def before_compile(self, trainer: Trainer) -> None: ...

    def after_compile(self, trainer: Trainer) -> None: ...


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where figures and widgets can be displayed)."""
    ipython_module = sys.modules.get("IPython")
    if ipython_module is None:
        return False
    shell = ipython_module.get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _lr_advice(lr: float | None) -> str:
    """What to try next; never suggests a learning rate that is not a finite positive number."""
    if lr is None:
        return say("Try a lower learning rate, or gradient_clip_val=1.")
    if not (math.isfinite(lr) and lr > 0):
        return say("The optimizer's learning rate is {lr}: build the model with a finite positive one, e.g. lr=0.1.",
                   lr=lr)
    return say("Try a lower learning rate, e.g. lr={lower:g} instead of {lr:g}, or gradient_clip_val=1.",
               lower=lr / 10, lr=lr)


def _norms_finite(trainer: Trainer) -> torch.Tensor:
    """On the device, without waiting for it: True when every parameter's norm is finite (one fused norm)."""
    params = [p.detach() for p in trainer.model.parameters() if p.numel()]
    if not params:
        return torch.ones((), dtype=torch.bool, device=trainer.device)
    return torch.stack(torch._foreach_norm(params)).isfinite().all()


def _weights_finite(trainer: Trainer, exact: bool = False) -> bool:
    """True when every parameter is finite (``exact``: looked at one by one; a norm can overflow on huge weights)."""
    if not exact:
        return bool(_norms_finite(trainer))
    return all(bool(torch.isfinite(p).all()) for p in trainer.model.parameters())


def _kept(trainer: Trainer) -> str:
    """Where the last good state is, for a stop message."""
    if trainer.last_checkpoint is not None:
        path, epoch = trainer.last_checkpoint
        return say("{path} still holds the weights after epoch {epoch}, the last good ones "
                   "(resuming from it keeps its learning rate: to change it, start over)", path=path, epoch=epoch)
    if trainer.checkpoint_dir is not None:
        return say("no epoch had finished, so {folder} holds no checkpoint: build the model again",
                   folder=trainer.checkpoint_dir)
    return say("no checkpoint was kept (checkpoint_dir=None): build the model again")


class NaNGuard(Callback):
    """Stops training at the first NaN or infinite loss, or at the first optimizer step that
    leaves a weight NaN or infinite, and names the epoch and batch where it happened.

    The checks run on the device after every step, without waiting for it: the guard keeps
    the first bad batch there and reads it back every ``every_s`` seconds and after the last
    batch of every epoch (on a GPU, each read-back waits for all the work queued so far, so a
    read after every batch would keep the GPU idle between batches). Training therefore stops
    a few batches after the bad one, and the message says which batch that was. An epoch
    whose training went bad is neither validated nor saved.
    """

    order = -10

    def __init__(self, every_s: float = 1.0) -> None:
        self.every_s = validate.number(every_s, "every_s", minimum=0, example=1.0)

    def before_fit(self, trainer: Trainer) -> None:
        # first[0]: the first batch whose loss was not finite, first[1]: the first step that made weights
        # not finite, each coded as epoch * 2**20 + batch (-1: none yet); value: that loss.
        self.first = torch.full((2,), -1, dtype=torch.int64, device=trainer.device)
        self.value = torch.zeros((), device=trainer.device)
        self.read_at = time.perf_counter()

    def after_step(self, trainer: Trainer) -> None:
        loss = trainer.loss.detach().float()
        bad = torch.stack([~torch.isfinite(loss), ~_norms_finite(trainer)])
        new = bad & (self.first < 0)
        self.value = torch.where(new[0], loss, self.value)
        self.first = torch.where(new, trainer.epoch * _CODE + trainer.batch_idx, self.first)
        last = trainer.batch_idx + 1 == trainer.num_train_batches
        if last or time.perf_counter() - self.read_at >= self.every_s:
            self._read(trainer)

    def after_epoch(self, trainer: Trainer) -> None:  # a loader without len(): read at the epoch's end too
        self._read(trainer)

    def _read(self, trainer: Trainer) -> None:
        self.read_at = time.perf_counter()
        loss_at, weights_at = self.first.tolist()
        if loss_at < 0 and weights_at < 0:
            return
        if weights_at >= 0 and (loss_at < 0 or weights_at < loss_at) and _weights_finite(trainer, exact=True):
            weights_at = -1  # the norm overflowed on huge but finite weights: not a fault
            self.first[1] = -1
            if loss_at < 0:
                return
        now = say("epoch {epoch}, batch {batch}", epoch=trainer.epoch + 1, batch=trainer.batch_idx + 1)
        state = say("the model's weights are now not finite" if not _weights_finite(trainer, exact=True)
                    else "the model's weights are still finite")
        if loss_at >= 0 and (weights_at < 0 or loss_at <= weights_at):
            what = say("the loss became {loss} in {where}", loss=self.value.item(), where=_where(loss_at))
        else:
            what = say("the optimizer step of {where} made weights NaN or infinite (its batch's loss was finite)",
                       where=_where(weights_at))
        raise CancelFitException(
            say("{what}: training stopped (checked at {now}), and {state}; {kept}. {advice}", what=what, now=now,
                state=state, kept=_kept(trainer), advice=_lr_advice(trainer.lr))
        )


_CODE = 2**20  # batches per epoch in NaNGuard's code of (epoch, batch)


def _epoch_of(trainer: Trainer) -> str:
    """The progress bar's description: ``epoch 3/10``."""
    return say("epoch {epoch}/{epochs}", epoch=trainer.epoch + 1, epochs=trainer.max_epochs)


def _epochs(count: int) -> str:
    """``1 epoch``, ``10 epochs`` (the Report's count)."""
    return say("{count} epoch" if count == 1 else "{count} epochs", count=count)


def _ended(status: str) -> str:
    """How a run ended, in the language in use (``Trainer.history.status`` stays English: it is data)."""
    names = {"completed": say("completed"), "stopped": say("stopped"), "interrupted": say("interrupted")}
    return names.get(status, status)


def _where(code: int) -> str:
    return say("epoch {epoch}, batch {batch}", epoch=code // _CODE + 1, batch=code % _CODE + 1)


class ProgressBar(Callback):
    """A tqdm progress bar over all batches (``tqdm.auto``: a widget in Jupyter), with running loss and images/s.

    In Jupyter the bar is shown with ``display(..., display_id=True)``, and when training ends
    (completed, stopped, interrupted or failed) that display is updated with the bar's last
    line as its text: a saved notebook, opened without running it (where widgets are not
    restored), shows ``100%|██████████| 4690/4690 [00:41<00:00, ...]`` rather than the bar's
    first state, and a live kernel keeps showing the widget. Elsewhere it is tqdm's text bar.
    """

    def __init__(self, every_s: float = 0.5) -> None:
        self.every_s = validate.number(every_s, "every_s", minimum=0, example=0.5)
        self.bar: Any = None
        self.handle: Any = None  # the notebook display of the bar (None outside Jupyter)

    def before_fit(self, trainer: Trainer) -> None:
        from tqdm.auto import tqdm

        total = max(trainer.max_epochs - trainer.start_epoch, 0) * trainer.num_train_batches
        notebook_tqdm = getattr(sys.modules.get("tqdm.notebook"), "tqdm_notebook", None)
        self.handle = None
        if notebook_tqdm is None or not issubclass(tqdm, notebook_tqdm):
            self.bar = tqdm(total=total, unit="batch", dynamic_ncols=True, leave=True)
            return
        from IPython.display import display

        self.bar = tqdm(total=total, unit="batch", dynamic_ncols=True, leave=True, display=False)
        self.handle = display(self._bundle(), raw=True, display_id=True)

    def before_epoch(self, trainer: Trainer) -> None:
        self.bar.set_description(_epoch_of(trainer))
        self.shown_at = -math.inf

    def before_compile(self, trainer: Trainer) -> None:
        self.bar.set_description(say("{epoch}: compiling", epoch=_epoch_of(trainer)))
        self.bar.refresh()

    def after_compile(self, trainer: Trainer) -> None:
        self.bar.set_description(_epoch_of(trainer))

    def after_batch(self, trainer: Trainer) -> None:
        """Moves the bar; every ``every_s`` seconds (and at an epoch's last batch) also reads the running
        loss back from the device for the postfix, the one read-back the bar causes."""
        if time.perf_counter() - self.shown_at >= self.every_s or trainer.batch_idx + 1 == trainer.num_train_batches:
            self._postfix(trainer)
        self.bar.update(1)

    def _postfix(self, trainer: Trainer) -> None:
        loss = trainer.running_loss  # waits for the queued batches, so the speed below is true
        self.shown_at = now = time.perf_counter()
        images_s = trainer.seen / max(now - trainer.epoch_start, 1e-9)
        self.bar.set_postfix(loss=f"{loss:.3f}", img_s=f"{images_s:,.0f}", refresh=False)

    def after_fit(self, trainer: Trainer) -> None:
        if self.bar is None:
            return
        if trainer.seen and trainer.history.status != "completed":  # ended inside an epoch: show where
            self._postfix(trainer)
        self.bar.close()
        if self.handle is not None:
            self.handle.update(self._bundle(), raw=True)

    def _bundle(self) -> dict[str, Any]:
        """The notebook display of the bar: the widget's view, and its current line as text/plain."""
        bar = self.bar
        view = {"version_major": 2, "version_minor": 0, "model_id": bar.container.model_id}
        return {"application/vnd.jupyter.widget-view+json": view, "text/plain": bar.format_meter(**bar.format_dict)}


class LivePlot(Callback):
    """Training loss (``points_per_epoch`` points per epoch), validation loss and accuracy (each epoch).

    In Jupyter: one figure, shown with ``display(..., display_id=True)`` and replaced in
    place with ``.update()`` (no flicker, no pile of figures). Elsewhere: one text line per epoch.
    ``notebook=None`` detects which.
    """

    def __init__(self, points_per_epoch: int = 4, notebook: bool | None = None) -> None:
        self.points_per_epoch = validate.positive_int(points_per_epoch, "points_per_epoch", example=4)
        self.notebook = None if notebook is None else validate.flag(notebook, "notebook")
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

            tqdm.write(say("epoch {epoch}/{epochs}: train_loss {train_loss:.4f}, val_loss {val_loss:.4f}, "
                           "val_acc {val_acc:.4f} ({speed:,.0f} img/s, {time})", epoch=last.epoch,
                           epochs=trainer.max_epochs, train_loss=last.train_loss, val_loss=last.val_loss,
                           val_acc=last.val_acc, speed=last.images_per_s, time=duration(last.seconds)))

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
        ax.set_xlabel(say("epoch"))
        ax.grid(alpha=0.3)
        ax.legend(loc="upper right", fontsize=8)
        return Image(data=figure_to_png(fig, dpi=90), format="png")


class Report(Callback):
    """The first line of a run (size, device, data, model) and its last (results, speed, time).

    The size is the one the run was set up with (``Trainer(..., setup=run)``), with the reason
    it was chosen; without a setup the line shows no size (the Trainer does not know it).
    The learning rate is the optimizer's (a resumed run keeps its checkpoint's); with
    ``lr_schedule="cosine"`` the peak rate the schedule scales (:mod:`course_utils.schedules`).
    """

    order = 20

    def before_fit(self, trainer: Trainer) -> None:
        setup = trainer.setup
        size = say("size {size} ({why}) | ", size=setup.size, why=say(setup.why)) if setup is not None else ""
        describe = getattr(trainer.data, "describe", None)
        data = describe() if callable(describe) else type(trainer.data).__name__
        lr = say("lr {lr:g}, ", lr=trainer.lr) if trainer.lr is not None else ""
        if trainer.lr_schedule == "cosine":
            lr = say("lr {lr:g} (warm-up, then cosine decay to 0), ", lr=trainer.optim.param_groups[0]["initial_lr"])
        resumed = say(", resuming after epoch {epoch}", epoch=trainer.start_epoch) if trainer.start_epoch else ""
        print(say("[{size}device {device}] {data} | {model}, {lr}{epochs}{resumed}", size=size,
                  device=trainer.device_name, data=data, model=type(trainer.model).__name__, lr=lr,
                  epochs=_epochs(trainer.max_epochs), resumed=resumed))
        self.start = time.perf_counter()

    def before_compile(self, trainer: Trainer) -> None:
        why = trainer.compiler.reason
        print(say("{why}compiling the training step with torch.compile (once; it takes tens of seconds)...",
                  why=why + ": " if why != "compile=True" else ""), flush=True)

    def after_compile(self, trainer: Trainer) -> None:
        compiler = trainer.compiler
        if compiler.state == "compiled":
            print(say("compiled in {time}; the training goes on compiled", time=duration(compiler.seconds)), flush=True)
        else:
            print(compiler.reason, flush=True)

    def after_fit(self, trainer: Trainer) -> None:
        history = trainer.history
        if history.status == "running":  # an error is on its way up: say nothing
            return
        if history.message:
            print(say("{status}: {message}", status=_ended(history.status), message=history.message))
        if len(history):
            last = history[-1]
            seconds = trainer.compiler.seconds
            compiled = say(", {time} of it compiling", time=duration(seconds)) if seconds else ""
            speed = sum(m.images_per_s for m in history) / len(history)
            print(say("done: train_loss {train_loss:.4f}, val_loss {val_loss:.4f}, val_acc {val_acc:.4f} | "
                      "{speed:,.0f} img/s | {time} ({epochs}{compiled})", train_loss=last.train_loss,
                      val_loss=last.val_loss, val_acc=last.val_acc, speed=speed,
                      time=duration(time.perf_counter() - self.start), epochs=_epochs(len(history)),
                      compiled=compiled))


class Checkpoint(Callback):
    """Saves ``directory/last.pt`` at the end of every epoch (:func:`~course_utils.checkpoint.save_checkpoint`).

    A model whose weights or buffers are not all finite is never saved: the last good
    checkpoint stays, and training stops.
    """

    order = 10

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.path = Path(directory) / "last.pt"

    def after_epoch(self, trainer: Trainer) -> None:
        if not state_is_finite(trainer.model):
            raise CancelFitException(
                say("after epoch {epoch} the model's weights or buffers are not finite, so they were not saved; "
                    "{kept}. {advice}", epoch=trainer.epoch + 1, kept=_kept(trainer), advice=_lr_advice(trainer.lr))
            )
        save_checkpoint(self.path, trainer.model, trainer.optim, trainer.history.as_dicts(), trainer.device)
        trainer.last_checkpoint = (self.path, len(trainer.history))


class EarlyStopping(Callback):
    """Stops when ``val_loss`` has not improved by ``min_delta`` for ``patience`` epochs."""

    order = 15  # after Checkpoint: the last epoch is saved before stopping

    def __init__(self, patience: int = 3, min_delta: float = 0.0) -> None:
        self.patience = validate.positive_int(patience, "patience", example=3)
        self.min_delta = validate.number(min_delta, "min_delta", minimum=0, example=0.001)

    def after_epoch(self, trainer: Trainer) -> None:
        best, best_epoch = math.inf, 0
        for metrics in trainer.history:  # an improvement must beat the best so far by min_delta
            if metrics.val_loss < best - self.min_delta:
                best, best_epoch = metrics.val_loss, metrics.epoch
        if trainer.history[-1].epoch - best_epoch >= self.patience:
            raise CancelFitException(
                say("early stop: val_loss has not improved for {patience} epoch(s) (best {best:.4f} in epoch {epoch})",
                    patience=self.patience, best=best, epoch=best_epoch)
            )
