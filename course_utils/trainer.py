"""The course's Trainer (the book's ``d2l.Trainer``, D2L 3.2.4): a short loop plus callbacks.

    data = FashionMNIST(batch_size=128, resize=(96, 96))
    model = ResNet18(lr=0.01)
    trainer = Trainer(max_epochs=10, num_gpus=1)
    history = trainer.fit(model, data)

``fit`` works with any :class:`~course_utils.classifier.Classifier` (its ``loss``,
``accuracy`` and ``configure_optimizers``) and any data object with
``train_dataloader()`` and ``val_dataloader()``. Everything around the loop (progress bar,
live plot, checkpoints, NaN guard, early stop) is a callback (:mod:`course_utils.callbacks`).

Device: ``num_gpus >= 1`` trains on one GPU, CUDA first, then Apple's MPS; with none it falls
back to the CPU and says so in one line. On CUDA the forward pass runs in bfloat16 autocast
and the images and model use the channels-last layout (both faster on tensor cores);
on the CPU and MPS training is plain float32 (``channels_last=True`` opts in to the layout).
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

from course_utils.callbacks import (
    Callback,
    CancelFitException,
    Checkpoint,
    LivePlot,
    NaNGuard,
    ProgressBar,
    Report,
    read_checkpoint,
)
from course_utils.models import Classifier
from course_utils.data import BatchLoader

__all__ = ["EpochMetrics", "History", "Trainer", "DataModule", "select_device"]


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


def select_device(num_gpus: int, device: str | torch.device | None = None) -> tuple[torch.device, str | None]:
    """The device to train on and, when it is not what ``num_gpus`` asked for, a one-line notice."""
    if device is not None:
        return torch.device(device), None
    if num_gpus <= 0:
        return torch.device("cpu"), None
    if torch.cuda.is_available():
        count = torch.cuda.device_count()
        if num_gpus > count:
            return torch.device("cuda:0"), f"num_gpus={num_gpus} but {count} GPU(s) found: training on cuda:0"
        if num_gpus > 1:
            return torch.device("cuda:0"), f"num_gpus={num_gpus}: this Trainer uses one GPU, cuda:0"
        return torch.device("cuda:0"), None
    if torch.backends.mps.is_available():
        note = None if num_gpus == 1 else f"num_gpus={num_gpus}: training on the one Apple GPU (mps)"
        return torch.device("mps"), note
    return torch.device("cpu"), f"num_gpus={num_gpus} but no GPU was found: training on the CPU"


class Trainer:
    """Trains a Classifier on a data module; ``fit`` returns the :class:`History`.

    Args:
        max_epochs: number of passes over the training data.
        num_gpus: 0 trains on the CPU; 1 (or more) on one GPU if there is one (see module doc).
        gradient_clip_val: clip the gradient norm to this value (0: no clipping).
        callbacks: extra callbacks (e.g. ``EarlyStopping(patience=2)``), added to the defaults.
        checkpoint_dir: save ``checkpoint_dir/last.pt`` at each epoch end (None: no checkpoints).
        resume: continue from ``checkpoint_dir/last.pt`` if it exists.
        seed: seeds PyTorch's random generator at the start of ``fit`` (lazy layers' initial
            weights, dropout); None leaves it alone. Shuffling has its own seed (the data's).
        device: train on this device, whatever ``num_gpus`` says.
        channels_last: keep images and convolution weights in ``torch.channels_last`` memory
            format. None (the default): on CUDA only. On a CPU it is opt-in: it made one
            training step of most course models 1.2-1.6x faster on a 2-core CPU but the
            batch-norm LeNets slower (``benchmarks/bench_channels_last.py``).
        verbose: show the progress bar and the live plot (the first and last lines always print).
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
        verbose: bool = True,
    ) -> None:
        if not isinstance(max_epochs, int) or isinstance(max_epochs, bool) or max_epochs < 0:
            raise ValueError(f"max_epochs must be a whole number >= 0, got {max_epochs!r}: try max_epochs=10")
        if gradient_clip_val < 0:
            raise ValueError(f"gradient_clip_val must be >= 0 (0: no clipping), got {gradient_clip_val!r}")
        if resume and checkpoint_dir is None:
            raise ValueError("resume=True needs checkpoint_dir=... (the folder the checkpoints were saved in)")
        self.max_epochs, self.gradient_clip_val, self.seed = max_epochs, gradient_clip_val, seed
        self.checkpoint_dir = Path(checkpoint_dir) if checkpoint_dir is not None else None
        self.resume = resume
        self.device, notice = select_device(num_gpus, device)
        if notice:
            print(notice)
        self.fast_cuda = self.device.type == "cuda"  # bf16 autocast
        if channels_last is not None and not isinstance(channels_last, bool):
            raise TypeError(f"channels_last must be True, False or None (None: on CUDA only), got {channels_last!r}")
        self.channels_last = self.fast_cuda if channels_last is None else channels_last
        defaults: list[Callback] = [NaNGuard(), Report()]
        if verbose:
            defaults += [ProgressBar(), LivePlot()]
        if self.checkpoint_dir is not None:
            defaults.append(Checkpoint(self.checkpoint_dir))
        self.callbacks = sorted([*defaults, *callbacks], key=lambda cb: cb.order)
        self.history = History()
        self.epoch = self.batch_idx = self.start_epoch = 0

    @property
    def device_name(self) -> str:
        layout = ", channels_last" if self.channels_last else ""
        if self.device.type == "cuda":
            return f"{self.device} ({torch.cuda.get_device_name(self.device)}, bf16 autocast{layout})"
        if self.device.type == "cpu":
            threads = torch.get_num_threads()
            return f"cpu ({threads} thread{'s' * (threads != 1)}{layout})"
        return f"{self.device}{layout}"

    @property
    def running_loss(self) -> float:
        """Mean training loss of the current epoch so far."""
        return self.loss_sum / max(self.seen, 1)

    # ------------------------------------------------------------------ the loop

    def fit(self, model: Classifier, data: DataModule, *, ckpt_path: str | os.PathLike[str] | None = None) -> History:
        """Train ``model`` on ``data`` for ``max_epochs`` (continuing a checkpoint if asked)."""
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
            self.history.message = (f"in epoch {self.epoch + 1}, batch {self.batch_idx + 1}; the model keeps its "
                                    f"current weights and fit returned the history of the {len(self.history)} finished epoch(s)")
        finally:
            self._callback("after_fit")
        return self.history

    def _train_epoch(self) -> None:
        self.model.train()
        if isinstance(self.train_loader, BatchLoader):
            self.train_loader.set_epoch(self.epoch)  # the order depends on (seed, epoch) only: resumable
        self.epoch_start, self.loss_sum, self.seen = time.perf_counter(), 0.0, 0
        for self.batch_idx, (X, y) in enumerate(self.train_loader):
            X, y = self._to_device(X, y)
            with self._autocast():
                self.loss = self.model.loss(self.model(X), y)
            self.batch_loss = self.loss.item()
            self._callback("after_loss")
            self.optim.zero_grad(set_to_none=True)
            self.loss.backward()
            if self.gradient_clip_val > 0:
                nn.utils.clip_grad_norm_(self.model.parameters(), self.gradient_clip_val)
            self.optim.step()
            self.loss_sum, self.seen = self.loss_sum + self.batch_loss * len(y), self.seen + len(y)
            self._callback("after_batch")
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
        count = max(count, 1)
        self.history.epochs.append(EpochMetrics(
            epoch=self.epoch + 1,
            train_loss=self.running_loss,
            val_loss=loss_sum.item() / count,
            val_acc=correct.item() / count,
            images_per_s=self.seen / max(self.train_seconds, 1e-9),
            seconds=time.perf_counter() - self.epoch_start,
        ))

    # ------------------------------------------------------------------ set-up and helpers

    def _prepare(self, model: Classifier, data: DataModule, ckpt_path: str | os.PathLike[str] | None) -> None:
        if not isinstance(model, Classifier):
            raise TypeError(f"model must be a course_utils Classifier (with loss, accuracy, "
                            f"configure_optimizers), got {type(model).__name__}")
        self.model, self.data = model, data
        self.history, self.start_epoch, self.epoch, self.batch_idx = History(), 0, 0, 0
        self.loss_sum, self.seen, self.epoch_start, self.train_seconds = 0.0, 0, time.perf_counter(), 0.0
        if self.seed is not None:
            torch.manual_seed(self.seed)
        self.train_loader = self._on_device(data.train_dataloader())
        self.val_loader = self._on_device(data.val_dataloader())
        self.num_train_batches = len(self.train_loader) if hasattr(self.train_loader, "__len__") else 0
        model.to(self.device)
        if any(nn.parameter.is_lazy(t) for t in [*model.parameters(), *model.buffers()]):
            self._materialize(model)
        if self.channels_last:
            model.to(memory_format=torch.channels_last)
        self.optim = model.configure_optimizers()
        path = ckpt_path
        if path is None and self.resume and self.checkpoint_dir is not None:
            candidate = self.checkpoint_dir / "last.pt"
            if candidate.is_file():
                path = candidate
            else:
                print(f"resume: no checkpoint in {self.checkpoint_dir} yet, starting from epoch 1")
        if path is not None:
            self._restore(read_checkpoint(path, model))

    def _materialize(self, model: Classifier) -> None:
        """Give lazy layers their shapes with one forward pass on a first batch (no init, no side effects)."""
        X, _ = next(iter(self.train_loader))
        model.apply_init([self._to_device(X, None)[0]])

    def _restore(self, state: dict[str, Any]) -> None:
        self.model.load_state_dict(state["model"])
        self.optim.load_state_dict(state["optimizer"])
        self.history = History.from_dicts(state["history"])
        self.start_epoch = state["epoch"]
        torch.set_rng_state(state["rng_cpu"])
        if self.device.type == "cuda" and state["rng_cuda"] is not None:
            torch.cuda.set_rng_state(state["rng_cuda"], self.device)
        if self.device.type == "mps" and state["rng_mps"] is not None:
            torch.mps.set_rng_state(state["rng_mps"])

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
