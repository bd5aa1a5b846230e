"""One switch for how big a training run is, so a notebook cell reads the same everywhere.

Three sizes:

* ``book``: the book's settings (image size, epochs, widths), for a GPU;
* ``cpu``:  the full data, with smaller images, narrower models, other learning rates and
  epochs, and a learning-rate schedule, chosen per model so that each chapter-8 model trains
  in at most about 5 minutes on a 2-core laptop;
* ``fast``: the 2,000-image sample shipped with the course and tiny settings: seconds per
  cell, for CI and tests.

The size is chosen once, from the environment (:func:`resolve_size`): ``COURSE_SIZE`` if set,
else ``fast`` when ``CI`` is set, ``book`` with a GPU, ``cpu`` without. A notebook asks for
its model's settings and passes them on explicitly, so the cell shows what the size changed::

    run = training_setup("resnet18")   # prints e.g. [size cpu: no GPU found] ResNet18: 28x28 images (book 96x96), ...
    data = FashionMNIST(batch_size=run.batch_size, resize=run.resize, **run.data_kwargs)
    model = ResNet18(lr=run.lr, **run.model_kwargs)
    model.apply_init([next(iter(data.get_dataloader(True)))[0]], init_cnn)
    trainer = Trainer(max_epochs=run.max_epochs, num_gpus=1, setup=run)
    trainer.fit(model, data)

The size is resolved once, in ``training_setup``, and travels with the run: the Trainer's
first line shows the size of the ``setup=run`` it was given, never a size resolved again.

At ``book`` size every value equals the book's (``run.data_kwargs`` and ``run.model_kwargs``
are then empty, except VGG's ``arch``, which the book's cell passes too).
All settings live in one table, :data:`MODEL_SETTINGS`. The ``cpu`` values were chosen from
``benchmarks/bench_models.py`` (time per training step) and checked by full training runs on
a 2-core CPU (``benchmarks/train_sizes.py``; results in ``course_utils/results/training-cpu.json``).
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import torch

from course_utils import validate
from course_utils.language import say, speaking
from course_utils.models import MODELS, VGG_ARCHS, Classifier
from course_utils.schedules import LRSchedule

__all__ = [
    "SizeName",
    "SIZES",
    "RunSettings",
    "ModelSettings",
    "MODEL_SETTINGS",
    "TrainingSetup",
    "resolve_size",
    "training_setup",
]

SizeName = Literal["fast", "cpu", "book"]
SIZES: tuple[SizeName, ...] = ("fast", "cpu", "book")
ENV_SIZE = "COURSE_SIZE"


@dataclass(frozen=True)
class RunSettings:
    """The settings of one training run (one model at one size)."""

    batch_size: int
    resize: int  # side of the square images the model sees (28: unchanged)
    lr: float
    max_epochs: int
    model_kwargs: Mapping[str, Any] = field(default_factory=dict)  # e.g. {"width": 0.25}
    source: Literal["full", "sample"] = "full"  # the full data or the shipped 2,000 + 500 sample
    num_train: int | None = None  # first num_train training images (None: all)
    repeat: int = 1  # passes over the training images per epoch
    channels_last: bool = False  # train in torch.channels_last on the CPU too (on CUDA it always is)
    lr_schedule: LRSchedule = "constant"  # "cosine": warm-up, then decay to 0 (course_utils.schedules)


@dataclass(frozen=True)
class ModelSettings:
    """A model's settings at each size; ``key`` is its key in ``course_utils.models.MODELS``."""

    key: str
    book: RunSettings
    cpu: RunSettings
    fast: RunSettings

    @property
    def model_class(self) -> type[Classifier]:
        """The class the notebook builds (``MODELS[key]``)."""
        return MODELS[self.key]

    @property
    def name(self) -> str:
        """The class's name, e.g. ``"ResNet18"``."""
        return self.model_class.__name__

    def at(self, size: SizeName) -> RunSettings:
        return {"book": self.book, "cpu": self.cpu, "fast": self.fast}[size]


# The book's cells (D2L 7.6 and 8.1-8.6); `cpu` and `fast` change only what they must.
# The sigmoid LeNet needs about 1,000 SGD steps at lr 0.1 before it learns anything (its
# accuracy stays at 0.10, chance), and needs init_cnn (with PyTorch's default initialisation
# it is still at 0.10 after 4,000 steps). The fast size therefore passes 5 times over the
# sample per epoch at batch 32, at lr 0.3: 10 epochs = 3,130 steps, which reach about 0.75
# (seeds 0 and 1: 0.756 and 0.754) in about 8 s on a 2-core CPU. At lr 0.1 it needed 6,250
# steps (14 s) for the same; at lr 0.5, or batch 64, it reached 0.62-0.73.
# At the cpu size, the networks without batch norm train with the book's plain SGD but a
# higher lr than the book's where a short run needs it: at lr 0.01, AlexNet reached 0.64 and
# GoogLeNet stayed at chance (0.10) within the time budget. NiN's last block ends in a ReLU
# on the class scores, which can all die (loss stuck at ln 10 = 2.303): at width 0.25 it
# never left 0.10, at width 0.5 and lr 0.05 it starts learning in its second epoch.
# With a constant lr the final accuracy of a short run jumps from epoch to epoch (the BN
# LeNets by 2-4 points between epochs 5 and 10); the cosine schedule (course_utils.schedules)
# ends each run with small steps. Measured on a 2-core CPU, one seed each, before choosing
# (then checked with 3 seeds by benchmarks/train_sizes.py): BNLeNet 15 epochs 0.887 in 42 s;
# ResNet-18 at 28x28, width 0.5, lr 0.05, 12 epochs 0.912 in 253 s (seed 1, which reached
# 0.892 after 14 epochs at a constant lr); without the schedule AlexNet (18 epochs) reached
# 0.894 and VGG (20 epochs) 0.891, each in about 4 minutes. channels_last is on where it was
# faster (benchmarks/bench_channels_last.py), off for the BN LeNets.
_SETTINGS = (
    ModelSettings(
        "lenet",
        book=RunSettings(128, 28, 0.1, 10),
        cpu=RunSettings(128, 28, 0.1, 10),
        fast=RunSettings(32, 28, 0.3, 10, source="sample", repeat=5),
    ),
    ModelSettings(
        "alexnet",
        book=RunSettings(128, 224, 0.01, 10),
        cpu=RunSettings(128, 70, 0.05, 18, {"width": 0.25}, channels_last=True, lr_schedule="cosine"),
        fast=RunSettings(64, 65, 0.01, 1, {"width": 0.125}, source="sample"),
    ),
    ModelSettings(
        "vgg",
        book=RunSettings(128, 224, 0.01, 10, {"arch": VGG_ARCHS["small"]}),
        cpu=RunSettings(128, 32, 0.05, 20, {"arch": VGG_ARCHS["eighth"], "num_hiddens": 512},
                        channels_last=True, lr_schedule="cosine"),
        fast=RunSettings(64, 32, 0.01, 1, {"arch": VGG_ARCHS["tiny"], "num_hiddens": 64},
                         source="sample"),
    ),
    ModelSettings(
        "nin",
        book=RunSettings(128, 224, 0.05, 10),
        cpu=RunSettings(128, 70, 0.05, 6, {"width": 0.5}),
        fast=RunSettings(64, 67, 0.05, 1, {"width": 0.125}, source="sample"),
    ),
    ModelSettings(
        "googlenet",
        book=RunSettings(128, 96, 0.01, 10),
        cpu=RunSettings(128, 48, 0.1, 9, {"width": 0.25}, channels_last=True, lr_schedule="cosine"),
        fast=RunSettings(64, 32, 0.01, 1, {"width": 0.125}, source="sample"),
    ),
    ModelSettings(
        "bnlenet_scratch",
        book=RunSettings(128, 28, 0.1, 10),
        cpu=RunSettings(128, 28, 0.1, 25, lr_schedule="cosine"),
        fast=RunSettings(64, 28, 0.1, 2, source="sample"),
    ),
    ModelSettings(
        "bnlenet",
        book=RunSettings(128, 28, 0.1, 10),
        cpu=RunSettings(128, 28, 0.1, 25, lr_schedule="cosine"),
        fast=RunSettings(64, 28, 0.1, 2, source="sample"),
    ),
    ModelSettings(
        "resnet18",
        book=RunSettings(128, 96, 0.01, 10),
        cpu=RunSettings(128, 28, 0.05, 12, {"width": 0.5}, channels_last=True, lr_schedule="cosine"),
        fast=RunSettings(64, 32, 0.01, 1, {"width": 0.125}, source="sample"),
    ),
)
MODEL_SETTINGS: Mapping[str, ModelSettings] = MappingProxyType({entry.key: entry for entry in _SETTINGS})


def resolve_size() -> tuple[SizeName, str]:
    """The size in use and why: ``COURSE_SIZE``, else ``fast`` if ``CI`` is set, else by GPU."""
    value = os.environ.get(ENV_SIZE, "").strip().lower()
    if value:
        if value not in SIZES:
            raise ValueError(f"{ENV_SIZE} must be one of {', '.join(SIZES)}, got {value!r}: "
                             f"e.g. export {ENV_SIZE}=cpu, or unset it to choose automatically")
        return value, f"{ENV_SIZE}={value}"  # type: ignore[return-value]
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        return "fast", "CI is set"
    if torch.cuda.is_available():
        return "book", "CUDA GPU found"
    if torch.backends.mps.is_available():
        return "book", "Apple GPU found"
    return "cpu", "no GPU found"


def _model_default(model_class: type[Classifier], argument: str) -> Any:
    """The default of ``argument`` in the constructor of ``model_class`` (the book's value)."""
    parameter = inspect.signature(model_class).parameters.get(argument)
    if parameter is None or parameter.default is inspect.Parameter.empty:
        return "its default"
    return parameter.default


def _differences(entry: ModelSettings, run: RunSettings, book: RunSettings) -> list[str]:
    name = entry.name
    changes: list[str] = []
    if run.source == "sample":
        changes.append(say("the 2,000-image sample (book: 60,000 images), validated on 500 (book: 10,000)"))
    if run.num_train is not None:
        changes.append(say("the first {num:,} of 60,000 training images", num=run.num_train))
    if run.repeat != 1:
        changes.append(say("{repeat} passes over them per epoch", repeat=run.repeat))
    if run.batch_size != book.batch_size:
        changes.append(say("batch {batch} (book {book})", batch=run.batch_size, book=book.batch_size))
    if run.resize != book.resize:
        changes.append(say("{side}x{side} images (book {book}x{book})", side=run.resize, book=book.resize))
    if run.lr != book.lr:
        changes.append(say("lr {lr:g} (book {book:g})", lr=run.lr, book=book.lr))
    if run.lr_schedule != book.lr_schedule:
        changes.append(say("a warm-up and cosine decay of the lr (book: constant)") if run.lr_schedule == "cosine"
                       else say("a constant lr (book: cosine)"))
    if run.max_epochs != book.max_epochs:
        changes.append(say("{epochs} epoch (book {book})" if run.max_epochs == 1 else "{epochs} epochs (book {book})",
                           epochs=run.max_epochs, book=book.max_epochs))
    for key in sorted(set(run.model_kwargs) | set(book.model_kwargs)):
        if run.model_kwargs.get(key) != book.model_kwargs.get(key):
            was = book.model_kwargs[key] if key in book.model_kwargs else _model_default(entry.model_class, key)
            changes.append(say("{model}({key}={value!r}) (book {was})", model=name, key=key,
                               value=run.model_kwargs.get(key), was=was))
    return changes


@dataclass(frozen=True)
class TrainingSetup:
    """The settings a notebook cell passes to FashionMNIST, the model and the Trainer.

    It holds the model's :class:`RunSettings` at the chosen size (``settings``) and says which
    size that is and why; ``batch_size``, ``resize``, ``lr``, ``max_epochs``, ``model_kwargs``
    and ``data_kwargs`` read from ``settings``. Pass it on as ``Trainer(..., setup=run)`` so
    the run reports the size it was set up with.
    """

    model: str  # key of MODEL_SETTINGS, e.g. "resnet18"
    model_name: str  # the class the cell builds, e.g. "ResNet18"
    size: SizeName
    why: str  # how the size was chosen, e.g. "no GPU found"
    settings: RunSettings
    changes: str  # what differs from the book, in English ("" at book size); str() says it in the language in use

    @property
    def batch_size(self) -> int:
        return self.settings.batch_size

    @property
    def resize(self) -> tuple[int, int]:
        """(height, width) of the images the model sees."""
        return (self.settings.resize, self.settings.resize)

    @property
    def lr(self) -> float:
        return self.settings.lr

    @property
    def max_epochs(self) -> int:
        return self.settings.max_epochs

    @property
    def model_kwargs(self) -> Mapping[str, Any]:
        """The model's keyword arguments at this size (read-only), e.g. ``{"width": 0.25}``."""
        return MappingProxyType(dict(self.settings.model_kwargs))

    @property
    def data_kwargs(self) -> Mapping[str, Any]:
        """FashionMNIST's ``source`` / ``num_train`` / ``repeat``, only where they are not the book's."""
        run = self.settings
        return MappingProxyType({name: value for name, value, default in (
            ("source", run.source, "full"), ("num_train", run.num_train, None), ("repeat", run.repeat, 1),
        ) if value != default})

    @property
    def differences(self) -> str:
        """What differs from the book in the language in use ("" at book size): ``changes``, as a student reads it."""
        entry = MODEL_SETTINGS[self.model]
        return ", ".join(_differences(entry, self.settings, entry.book))

    def __str__(self) -> str:
        what = self.differences or say("the book's settings")
        return say("[size {size}: {why}] {model}: {what}", size=self.size, why=say(self.why), model=self.model_name,
                   what=what)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


def _normalise(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def training_setup(model: str, size: SizeName | None = None, *, verbose: bool = True) -> TrainingSetup:
    """The settings for training ``model`` ("lenet", "alexnet", "vgg", "nin", "googlenet",
    "bnlenet_scratch", "bnlenet", "resnet18") at the current size (or ``size``).

    Prints one line saying the size and what it changed from the book (``verbose=False``: quiet).

    >>> run = training_setup("lenet", "book", verbose=False)
    >>> run.batch_size, run.resize, run.lr, run.max_epochs, dict(run.data_kwargs), run.changes
    (128, (28, 28), 0.1, 10, {}, '')
    """
    if not isinstance(model, str):
        raise TypeError(f"model must be a model's name, got {model!r} ({type(model).__name__}): "
                        f"write e.g. training_setup('lenet')")
    verbose = validate.flag(verbose, "verbose")
    keys = {_normalise(name): name for name in MODEL_SETTINGS}  # "ResNet-18", "BNLeNetScratch" work too
    if _normalise(model) not in keys:
        raise ValueError(f"no training settings for model {model!r}: choose one of {', '.join(MODEL_SETTINGS)}")
    key = keys[_normalise(model)]
    if size is None:
        size, why = resolve_size()
    elif isinstance(size, str) and size in SIZES:
        why = "chosen in the call"
    else:
        raise ValueError(f"size must be one of {', '.join(SIZES)} (or None: automatic), got {size!r}")
    entry = MODEL_SETTINGS[key]
    run, book = entry.at(size), entry.book
    with speaking("en"):  # recorded as data (results files, 8.7 matches runs by it); shown in any language
        changes = ", ".join(_differences(entry, run, book))
    setup = TrainingSetup(model=key, model_name=entry.name, size=size, why=why, settings=run, changes=changes)
    if verbose:
        print(setup)
    return setup

