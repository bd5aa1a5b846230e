"""The learning rate over a run: constant (the book's), or a warm-up and a cosine decay.

The book trains every chapter-8 model with one constant learning rate. In a short run that
costs accuracy: the last epochs still take large, noisy steps, so the final validation accuracy
jumps from epoch to epoch (by 2-4 points for the batch-norm models on a 2-core CPU run), and a
high rate at the start can kill NiN's last ReLU before it learns. ``"cosine"`` keeps the
optimizer (plain SGD) and changes only its rate, step by step:

* **warm-up**: over the first epoch's batches the rate rises linearly to the model's ``lr``;
* **decay**: over the remaining steps it falls towards 0 along half a cosine,
  ``lr * (1 + cos(pi * progress)) / 2``, so the last steps are small and settle the weights.

The rate of a step is a function of (epoch, batch, batches per epoch, ``max_epochs``) only,
set on the optimizer just before its step. A resumed run therefore follows the same schedule
with nothing extra in the checkpoint: the model's ``lr`` that the schedule scales is kept in
the optimizer's parameter groups (``initial_lr``, as PyTorch's own schedulers keep it).

    trainer = Trainer(max_epochs=12, lr_schedule="cosine")
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

from course_utils.callbacks import Callback

if TYPE_CHECKING:  # pragma: no cover
    from course_utils.trainer import Trainer

__all__ = ["LRSchedule", "LR_SCHEDULES", "CosineSchedule", "check_schedule", "cosine_factor"]

LRSchedule = Literal["constant", "cosine"]
LR_SCHEDULES: tuple[LRSchedule, ...] = ("constant", "cosine")


def check_schedule(value: object) -> LRSchedule:
    """``value`` if it names a schedule, else a ValueError that lists them."""
    if not isinstance(value, str) or value not in LR_SCHEDULES:
        raise ValueError(f"lr_schedule must be one of {', '.join(map(repr, LR_SCHEDULES))}, got {value!r}: "
                         f"'constant' keeps the model's lr (the book's), 'cosine' warms up over the first "
                         f"epoch and then decays it towards 0")
    return value  # type: ignore[return-value]


def cosine_factor(step: int, total: int, warmup: int) -> float:
    """The fraction of the model's lr used at ``step`` (0-based) of ``total``, after ``warmup`` steps of warm-up.

    >>> [round(cosine_factor(s, 10, 2), 3) for s in range(10)]
    [0.5, 1.0, 0.97, 0.883, 0.75, 0.587, 0.413, 0.25, 0.117, 0.03]
    """
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup + 1) / (total - warmup + 1)  # above 0 at the first decay step, below 1 at the last
    return 0.5 * (1.0 + math.cos(math.pi * progress))


class CosineSchedule(Callback):
    """Sets the optimizer's rate before every training step (see the module doc)."""

    order = -20  # before anything that reads or checks the step

    def before_fit(self, trainer: Trainer) -> None:
        if not trainer.num_train_batches:
            raise ValueError(f"lr_schedule='cosine' needs the number of training batches per epoch, but "
                             f"{type(trainer.data).__name__}.train_dataloader() has no len(): use a loader "
                             f"with a length (e.g. FashionMNIST's), or lr_schedule='constant'")
        for group in trainer.optim.param_groups:
            group.setdefault("initial_lr", group["lr"])  # a resumed optimizer keeps the one it started with

    def after_loss(self, trainer: Trainer) -> None:
        per_epoch = trainer.num_train_batches
        total = trainer.max_epochs * per_epoch
        warmup = min(per_epoch, total // 2)
        factor = cosine_factor(trainer.epoch * per_epoch + trainer.batch_idx, total, warmup)
        for group in trainer.optim.param_groups:
            group["lr"] = group["initial_lr"] * factor
