"""The course's Trainer (the book's ``d2l.Trainer``, D2L 3.2.4): a short loop plus callbacks.

    run = training_setup("resnet18")
    data = FashionMNIST(batch_size=run.batch_size, resize=run.resize, **run.data_kwargs)
    model = ResNet18(lr=run.lr, **run.model_kwargs)
    trainer = Trainer(max_epochs=run.max_epochs, num_gpus=1, setup=run)
    history = trainer.fit(model, data)

``fit`` works with any :class:`~course_utils.models.Classifier` (its ``loss``,
``accuracy`` and ``configure_optimizers``) and any data object with
``train_dataloader()`` and ``val_dataloader()``. Everything around the loop (progress bar,
live plot, checkpoints, NaN guard, early stop) is a callback (:mod:`course_utils.callbacks`).

``fit`` checks at its start what would otherwise fail later: an empty training or
validation loader, a batch-norm model whose last training batch would hold one image, a
checkpoint folder that cannot be written, a checkpoint that is damaged or belongs to another
model, optimizer or a longer run. Each is refused in one line before any training step.

Device: ``num_gpus >= 1`` trains on one GPU, CUDA first, then Apple's MPS; with none it falls
back to the CPU and says so in one line (:func:`course_utils.device.select_device`). On CUDA
the forward pass runs in bfloat16 autocast and the images and model use the channels-last
layout (both faster on tensor cores); on the CPU and MPS training is plain float32
(``channels_last=True`` opts in to the layout).

Speed: the loss is kept on the device and read back to the host only when a callback shows
or checks it (:mod:`course_utils.callbacks`), and ``compile="auto"`` compiles the training
step with ``torch.compile`` when the run is long enough to repay it
(:mod:`course_utils.compiling`).

Checkpoints (``checkpoint_dir``): ``last.pt`` is written at each epoch end
(:mod:`course_utils.checkpoint`). A fit that finds a ``last.pt`` there continues it with
``resume=True``; without it, the fit is refused rather than overwrite that run (use another
folder, or delete the file, to start over). A resumed run reaches the same weights, bit for
bit, as one that was never interrupted (Ctrl-C, ``kill -9``) on the same device.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

import torch
from torch import nn

from course_utils import validate
from course_utils.callbacks import (
    Callback,
    CancelFitException,
    Checkpoint,
    LivePlot,
    NaNGuard,
    ProgressBar,
    Report,
)
from course_utils.checkpoint import check_folder, read_checkpoint, restore_state
from course_utils.compiling import CompileSetting, StepCompiler
from course_utils.compiling import check_setting as check_compile
from course_utils.models import Classifier
from course_utils.data import BatchLoader
from course_utils.schedules import CosineSchedule, LRSchedule, check_schedule
from course_utils.device import describe_device, select_device
from course_utils.formatting import plural
from course_utils.language import say
from course_utils.sizes import TrainingSetup

__all__ = ["EpochMetrics", "History", "Trainer", "DataModule"]


class DataModule(Protocol):
    """What ``fit`` needs from the data (the book's ``d2l.DataModule``)."""

    def train_dataloader(self) -> Iterable[tuple[torch.Tensor, torch.Tensor]]: ...

    def val_dataloader(self) -> Iterable[tuple[torch.Tensor, torch.Tensor]]: ...


@dataclass(frozen=True)
class EpochMetrics:
    """What one epoch gave."""

    epoch: int  # 1 for the first epoch
    train_loss: float  # mean training loss over the epoch's batches (weighted by batch size)
    val_loss: float  # mean validation loss at the end of the epoch
    val_acc: float  # validation accuracy at the end of the epoch
    images_per_s: float  # training images per second (training only, validation excluded)
    seconds: float  # wall time of the epoch, validation included


@dataclass
class History:
    """Per-epoch metrics of a ``fit``; prints as a table. ``status``: how the run ended."""

    epochs: list[EpochMetrics] = field(default_factory=list)
    status: Literal["running", "completed", "stopped", "interrupted"] = "running"
    message: str = ""  # why it stopped or was interrupted

    def __len__(self) -> int:
        return len(self.epochs)

    def __iter__(self) -> Iterator[EpochMetrics]:
        return iter(self.epochs)

    def __getitem__(self, index: int) -> EpochMetrics:
        return self.epochs[index]

    def as_dicts(self) -> list[dict[str, float]]:
        return [asdict(m) for m in self.epochs]

    @classmethod
    def from_dicts(cls, rows: Sequence[dict[str, Any]]) -> History:
        return cls([EpochMetrics(**row) for row in rows])

    def table(self) -> str:
        lines = [f"{'epoch':>5}  {'train_loss':>10}  {'val_loss':>8}  {'val_acc':>7}  {'images/s':>9}  {'seconds':>7}"]
        lines += [f"{m.epoch:>5}  {m.train_loss:>10.4f}  {m.val_loss:>8.4f}  {m.val_acc:>7.4f}  "
                  f"{m.images_per_s:>9,.0f}  {m.seconds:>7.1f}" for m in self.epochs]
        if self.status != "completed":
            lines.append(f"({self.status}{': ' + self.message if self.message else ''})")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # IPython shows the table
        printer.text(self.table())


def _length(loader: Any) -> int | None:
    """``len(loader)``, or None for a loader that does not know its length."""
    try:
        return len(loader)
    except TypeError:
        return None


def _batch_norm_layers(model: nn.Module) -> list[str]:
    """Names of the batch-norm layers of ``model`` (PyTorch's, lazy ones included, and the course's scratch one)."""
    return [name for name, module in model.named_modules()
            if isinstance(module, nn.modules.batchnorm._BatchNorm)
            or (type(module).__name__ == "BatchNorm" and type(module).__module__.startswith("course_utils.models"))]


def _epoch_images(loader: Any) -> tuple[int, int, int] | None:
    """(dataset images, passes per epoch, batch size) of a loader whose last batch may be short, else None."""
    if isinstance(loader, BatchLoader):
        return None if loader.drop_last else (len(loader.split), loader.repeat, loader.batch_size)
    if (isinstance(loader, torch.utils.data.DataLoader) and loader.batch_size and not loader.drop_last
            and not isinstance(loader.dataset, torch.utils.data.IterableDataset)):
        return len(loader.dataset), 1, loader.batch_size  # type: ignore[arg-type]
    return None


class Trainer:
    """Trains a Classifier on a data module; ``fit`` returns the :class:`History`.

    Args:
        max_epochs: number of passes over the training data (with a checkpoint: the total,
            the checkpoint's epochs included).
        num_gpus: 0 trains on the CPU; 1 (or more) on one GPU if there is one (see module doc).
        gradient_clip_val: clip the gradient norm to this value (0: no clipping).
        callbacks: extra callbacks (e.g. ``EarlyStopping(patience=2)``), added to the defaults.
        checkpoint_dir: save ``checkpoint_dir/last.pt`` at each epoch end (None: no checkpoints).
            ``fit`` creates the folder and checks that it can write there before training.
        resume: continue from ``checkpoint_dir/last.pt`` if it exists (its epochs, weights,
            optimizer state with its learning rate, and random state). With ``resume=False``
            an existing ``last.pt`` is never overwritten: ``fit`` refuses to start.
        seed: seeds PyTorch's random generators (``torch.manual_seed``) at the start of
            ``fit``, before lazy layers get their shapes; so what ``fit`` draws (the initial
            weights of layers that are still lazy, the dropout masks) depends only on the seed.
            Weights the model already has (``apply_init`` draws them before ``fit``) are not
            redrawn: seed those where they are drawn. Given the model's initial state, two fits
            with the same seed and data give the same history and weights, bit for bit on the
            CPU (on a GPU, some kernels are not deterministic unless
            ``torch.use_deterministic_algorithms(True)``). The order of the training images
            has its own seed, the data's (``FashionMNIST(seed=...)``). None: the generators
            are left as they are.
        device: train on this device, whatever ``num_gpus`` says (it must exist here).
        channels_last: keep images and convolution weights in ``torch.channels_last`` memory
            format. None (the default): on CUDA, and on a CPU where ``setup``'s settings say
            so (``RunSettings.channels_last``). On a CPU it made one training step of most
            course models 1.2-1.6x faster on a 2-core CPU but the batch-norm LeNets slower
            (``benchmarks/bench_channels_last.py``).
        compile: ``"auto"`` (the default), ``True`` or ``False``: compute the training batches'
            forward pass and loss with ``torch.compile`` (:mod:`course_utils.compiling`). "auto"
            times the first steps and compiles only when the rest of the run is long enough to
            repay the compiling (minutes on a CPU), falling back to eager if compiling fails;
            the progress output says when it compiles and how long that took.
        lr_schedule: ``"constant"`` (the book's: the model's ``lr`` throughout) or ``"cosine"``
            (a one-epoch warm-up to the model's ``lr``, then a cosine decay towards 0:
            :mod:`course_utils.schedules`). None (the default): ``setup``'s settings say which
            (``RunSettings.lr_schedule``), else constant.
        verbose: show the progress bar and the live plot (the first and last lines always print).
        setup: the :func:`~course_utils.sizes.training_setup` the run was built from; the
            first line then shows its size and why it was chosen (without it, no size is shown).
    """

    def __init__(
        self,
        max_epochs: int,
        num_gpus: int = 0,
        gradient_clip_val: float = 0,
        *,
        callbacks: Sequence[Callback] = (),
        checkpoint_dir: str | os.PathLike[str] | None = None,
        resume: bool = False,
        seed: int | None = 0,
        device: str | torch.device | None = None,
        channels_last: bool | None = None,
        compile: CompileSetting = "auto",  # noqa: A002 - the name torch uses
        lr_schedule: LRSchedule | None = None,
        verbose: bool = True,
        setup: TrainingSetup | None = None,
    ) -> None:
        self.max_epochs = validate.nonnegative_int(max_epochs, "max_epochs", example=10)
        self.gradient_clip_val = validate.number(gradient_clip_val, "gradient_clip_val", minimum=0, example=1.0)
        if isinstance(callbacks, (str, bytes, Callback)) or not isinstance(callbacks, Sequence):
            raise TypeError(f"callbacks must be a list of Callback objects, got {callbacks!r}: "
                            f"write e.g. callbacks=[EarlyStopping(patience=2)]")
        wrong = [cb for cb in callbacks if not isinstance(cb, Callback)]
        if wrong:
            raise TypeError(f"callbacks must be Callback objects (course_utils.callbacks), got {wrong[0]!r}: "
                            f"write e.g. callbacks=[EarlyStopping(patience=2)]")
        if checkpoint_dir is not None and (not isinstance(checkpoint_dir, (str, os.PathLike))
                                           or not os.fspath(checkpoint_dir)):
            raise TypeError(f"checkpoint_dir must be a folder path (str or Path) or None, got {checkpoint_dir!r}: "
                            f"write e.g. checkpoint_dir='checkpoints/lenet'")
        self.resume = validate.flag(resume, "resume")
        if self.resume and checkpoint_dir is None:
            raise ValueError("resume=True needs checkpoint_dir=... (the folder the checkpoints were saved in)")
        self.seed = None if seed is None else validate.nonnegative_int(seed, "seed", example=0)
        if channels_last is not None and not isinstance(channels_last, bool):
            raise TypeError(f"channels_last must be True, False or None (None: on CUDA only), got {channels_last!r}")
        verbose = validate.flag(verbose, "verbose")
        if setup is not None and not isinstance(setup, TrainingSetup):
            raise TypeError(f"setup must be what training_setup(...) returned, or None, got {setup!r}: "
                            f"write run = training_setup('lenet'), then Trainer(..., setup=run)")
        self.setup = setup
        self.checkpoint_dir = Path(checkpoint_dir) if checkpoint_dir is not None else None
        self.device, notice = select_device(num_gpus, device)
        if notice:
            print(notice)
        self.fast_cuda = self.device.type == "cuda"  # bf16 autocast
        if channels_last is None:  # on CUDA, or where the run's settings ask for it
            channels_last = self.fast_cuda or (setup is not None and setup.settings.channels_last)
        self.channels_last = channels_last
        self.compiler = StepCompiler(check_compile(compile), self._autocast)
        self.compiler.check_device(self.device)
        if lr_schedule is None:  # the run's settings say, else the book's constant rate
            lr_schedule = setup.settings.lr_schedule if setup is not None else "constant"
        self.lr_schedule = check_schedule(lr_schedule)
        defaults: list[Callback] = [NaNGuard(), Report()]
        if self.lr_schedule == "cosine":
            defaults.append(CosineSchedule())
        if verbose:
            defaults += [ProgressBar(), LivePlot()]
        if self.checkpoint_dir is not None:
            defaults.append(Checkpoint(self.checkpoint_dir))
        self.callbacks = sorted([*defaults, *callbacks], key=lambda cb: cb.order)
        self.history = History()
        self.epoch = self.batch_idx = self.start_epoch = 0
        self.last_checkpoint: tuple[Path, int] | None = None  # (file, epochs it holds): the last good state saved

    @property
    def device_name(self) -> str:
        return describe_device(self.device, channels_last=self.channels_last)

    @property
    def running_loss(self) -> float:
        """Mean training loss of the current epoch so far.

        Reading it waits for the device to finish the batches queued so far (on a GPU, a
        synchronisation): the callbacks read it only when they show it."""
        return float(self.loss_sum) / max(self.seen, 1)

    @property
    def batch_loss(self) -> float:
        """The loss of the current batch, read back to the host (on a GPU, a synchronisation)."""
        return float(self.loss.detach())

    @property
    def lr(self) -> float | None:
        """The learning rate the optimizer uses now (its first parameter group); None before ``fit``."""
        optim = getattr(self, "optim", None)
        return None if optim is None else optim.param_groups[0].get("lr")

    # ------------------------------------------------------------------ the loop

    def fit(self, model: Classifier, data: DataModule, *, ckpt_path: str | os.PathLike[str] | None = None) -> History:
        """Train ``model`` on ``data`` for ``max_epochs`` (continuing a checkpoint if asked).

        ``ckpt_path``: continue from this checkpoint file (whatever ``resume`` says).
        """
        self._prepare(model, data, ckpt_path)
        try:
            self._callback("before_fit")
            for self.epoch in range(self.start_epoch, self.max_epochs):
                self._callback("before_epoch")
                self._train_epoch()
                self._validate()
                self._callback("after_epoch")
            self.history.status = "completed"
        except CancelFitException as stop:
            self.history.status, self.history.message = "stopped", str(stop)
        except KeyboardInterrupt:
            self.history.status = "interrupted"
            self.history.message = say("in epoch {epoch}, batch {batch}; the model keeps its current weights and fit "
                                       "returned the history of the {done} finished epoch(s)",
                                       epoch=self.epoch + 1, batch=self.batch_idx + 1, done=len(self.history))
        finally:
            self._callback("after_fit")
        return self.history

    def _train_epoch(self) -> None:
        self.model.train()
        if isinstance(self.train_loader, BatchLoader):
            self.train_loader.set_epoch(self.epoch)  # the order depends on (seed, epoch) only: resumable
        self.epoch_start, self.seen = time.perf_counter(), 0
        self.loss_sum = torch.zeros((), device=self.device)  # stays on the device: no read-back per batch
        for self.batch_idx, (X, y) in enumerate(self.train_loader):
            X, y = self._to_device(X, y)
            self.loss = self.compiler.loss(X, y)
            self._callback("after_loss")
            self.optim.zero_grad(set_to_none=True)
            self.compiler.backward(self.loss)
            if self.gradient_clip_val > 0:
                nn.utils.clip_grad_norm_(self.model.parameters(), self.gradient_clip_val)
            self.optim.step()
            self.compiler.step_done()
            self._callback("after_step")
            self.loss_sum, self.seen = self.loss_sum + self.loss.detach().float() * len(y), self.seen + len(y)
            self._callback("after_batch")
        if self.seen == 0:  # a loader without len() that gave nothing
            raise ValueError(self._empty("training", "train_dataloader"))
        self.train_seconds = time.perf_counter() - self.epoch_start

    @torch.no_grad()
    def _validate(self) -> None:
        self.model.eval()
        loss_sum = correct = torch.zeros((), device=self.device)
        count = 0
        for X, y in self.val_loader:
            X, y = self._to_device(X, y)
            with self._autocast():
                Y_hat = self.model(X)
            loss_sum = loss_sum + self.model.loss(Y_hat.float(), y) * len(y)
            correct = correct + self.model.accuracy(Y_hat.float(), y) * len(y)
            count += len(y)
        if count == 0:  # a loader without len() that gave nothing
            raise ValueError(self._empty("validation", "val_dataloader"))
        self.history.epochs.append(EpochMetrics(
            epoch=self.epoch + 1,
            train_loss=self.running_loss,
            val_loss=loss_sum.item() / count,
            val_acc=correct.item() / count,
            images_per_s=self.seen / max(self.train_seconds, 1e-9),
            seconds=time.perf_counter() - self.epoch_start,
        ))

    # ------------------------------------------------------------------ set-up and its checks

    def _prepare(self, model: Classifier, data: DataModule, ckpt_path: str | os.PathLike[str] | None) -> None:
        if not isinstance(model, Classifier):
            raise TypeError(f"model must be a course_utils Classifier (with loss, accuracy, "
                            f"configure_optimizers), got {type(model).__name__}")
        missing = [name for name in ("train_dataloader", "val_dataloader") if not callable(getattr(data, name, None))]
        if missing:
            raise TypeError(f"data must have train_dataloader() and val_dataloader() (e.g. FashionMNIST), "
                            f"got a {type(data).__name__} without {' and '.join(missing)}()")
        self.model, self.data = model, data
        self.history, self.start_epoch, self.epoch, self.batch_idx = History(), 0, 0, 0
        self.loss_sum, self.seen, self.epoch_start, self.train_seconds = torch.zeros(()), 0, time.perf_counter(), 0.0
        self.last_checkpoint = None
        if self.seed is not None:
            torch.manual_seed(self.seed)
        self.train_loader = self._on_device(data.train_dataloader())
        self.val_loader = self._on_device(data.val_dataloader())
        self._check_loaders(model)
        self.num_train_batches = _length(self.train_loader) or 0
        model.to(self.device)
        if any(nn.parameter.is_lazy(t) for t in [*model.parameters(), *model.buffers()]):
            self._materialize(model)
        if self.channels_last:
            model.to(memory_format=torch.channels_last)
        self.optim = model.configure_optimizers()
        self.compiler.prepare(self)
        path = self._checkpoint_to_continue(ckpt_path)
        if path is not None:
            self._restore(path)

    def _empty(self, which: str, method: str) -> str:
        why = "there is nothing to train on" if which == "training" else "val_loss and val_acc would mean nothing"
        return (f"the {which} loader ({type(self.data).__name__}.{method}()) gives no batch: {why}; "
                f"give it at least one batch (check the number of images, batch_size and drop_last)")

    def _check_loaders(self, model: Classifier) -> None:
        """Refuse, before any step, loaders that would fail or mislead later."""
        for which, method, loader in (("training", "train_dataloader", self.train_loader),
                                      ("validation", "val_dataloader", self.val_loader)):
            if _length(loader) == 0:
                raise ValueError(self._empty(which, method))
        sizes, layers = _epoch_images(self.train_loader), _batch_norm_layers(model)
        if sizes is None or not layers:
            return
        images, passes, batch_size = sizes
        total = images * passes
        if total % batch_size != 1:
            return
        counted = f"{images:,} images x {passes} passes = {total:,}" if passes > 1 else f"{images:,} images"
        other = next((b for b in range(batch_size + 1, 2 * batch_size + 3) if total % b != 1), batch_size - 1)
        fewer = f", or num_train={images - 1}" if images > 1 and (images - 1) * passes % batch_size != 1 else ""
        named = ", ".join(layers[:3]) + (", ..." if len(layers) > 3 else "")
        raise ValueError(
            f"the last training batch of every epoch would hold 1 image ({counted} = "
            f"{total // batch_size:,} x {batch_size} + 1), and {type(model).__name__} has batch-norm layers "
            f"({named}), whose batch statistics need more than one image in training mode "
            f"(nn.BatchNorm1d refuses a batch of one): use another batch_size (e.g. batch_size={other}){fewer}"
        )

    def _materialize(self, model: Classifier) -> None:
        """Give lazy layers their shapes with one forward pass on a first batch (no init, no side effects).

        Their initial weights are drawn from the Trainer's ``seed`` (None: the global generator)."""
        first = next(iter(self.train_loader), None)
        if first is None:
            raise ValueError(self._empty("training", "train_dataloader"))
        model.apply_init([self._to_device(first[0], None)[0]], seed=self.seed)

    def _checkpoint_to_continue(self, ckpt_path: str | os.PathLike[str] | None) -> Path | None:
        """The checkpoint this fit continues (or None), after checking the checkpoint folder."""
        last = None
        if self.checkpoint_dir is not None:
            state_bytes = sum(t.numel() * t.element_size() for t in self.model.state_dict().values())
            check_folder(self.checkpoint_dir, needed_bytes=state_bytes)
            last = self.checkpoint_dir / "last.pt"
        path = Path(ckpt_path) if ckpt_path is not None else None
        if path is None and self.resume and last is not None:
            if last.is_file():
                path = last
            else:
                print(f"resume: no checkpoint in {self.checkpoint_dir} yet, starting from epoch 1")
        if last is not None and last.is_file() and (path is None or path.resolve() != last.resolve()):
            raise ValueError(
                f"{last} already holds a checkpoint of an earlier run, which this fit would overwrite: "
                f"pass resume=True to continue that run, or use another checkpoint_dir (or delete {last}) "
                f"to start over"
            )
        return path

    def _restore(self, path: Path) -> None:
        state = read_checkpoint(path, self.model, self.optim)  # checks everything, changes nothing
        saved = int(state["epoch"])
        if saved > self.max_epochs:
            raise ValueError(
                f"{path} holds {plural(saved, 'finished epoch')}, more than max_epochs={self.max_epochs}: "
                f"pass max_epochs={saved} or more to continue that run (max_epochs counts all epochs), "
                f"or use another checkpoint_dir to start over"
            )
        built_lr = getattr(self.model, "lr", None)
        restore_state(state, self.model, self.optim, self.device)
        self.history = History.from_dicts(state["history"])
        self.start_epoch = saved
        self.last_checkpoint = (path, saved)
        lr = self.lr
        if self.lr_schedule == "cosine":  # the peak rate the schedule scales, not the last step's
            lr = self.optim.param_groups[0].get("initial_lr", lr)
        kept = "" if lr is None else f" lr {lr:g}"
        if built_lr is not None and lr is not None and built_lr != lr:
            kept += f" (the checkpoint's, kept; the model was built with lr={built_lr:g})"
        left = (f"training epochs {saved + 1} to {self.max_epochs}" if saved < self.max_epochs
                else f"nothing left to train (max_epochs={self.max_epochs})")
        print(f"resume: restored {path}: {plural(saved, 'finished epoch')}, {state['optimizer_class']}"
              f"{kept}; {left}")

    # ------------------------------------------------------------------ helpers

    def _on_device(self, loader: Any) -> Any:
        return loader.to(self.device) if isinstance(loader, BatchLoader) else loader

    def _to_device(self, X: torch.Tensor, y: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor | None]:
        X = X.to(self.device, non_blocking=True)
        if self.channels_last and X.dim() == 4:
            X = X.contiguous(memory_format=torch.channels_last)
        return X, (y.to(self.device, non_blocking=True) if y is not None else None)

    def _autocast(self) -> contextlib.AbstractContextManager[Any]:
        if self.fast_cuda:
            return torch.autocast("cuda", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def _callback(self, event: str) -> None:
        for callback in self.callbacks:
            getattr(callback, event)(self)
