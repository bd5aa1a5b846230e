"""Measured numbers: the committed training runs, and the cost of one training step measured now.

Two jobs, both for the chapter-8 notebooks:

* :func:`compare_models` puts every model of sections 7.6 and 8.1-8.6 side by side at the
  current size (``course_utils.sizes``): parameters, multiply-accumulates and receptive field
  computed now (``model_summary`` at the size's image size), and the accuracy, time per epoch
  and images/s *measured* by the training benchmarks and committed in ``docs/results/``:

  - ``training-<size>.json`` (``benchmarks/train_sizes.py``): a list of rows with ``model``,
    ``key``, ``size``, ``device``, ``epochs``, ``resize``, ``val_acc``, ``wall_s``,
    ``images_per_s``, ``date``, ``changes``;
  - ``gpu_benchmark.json`` (``benchmarks/gpu_benchmark.py``): one report with ``device`` and
    ``date`` and the rows of its runs at the book's settings (``book_settings``: full runs,
    ``one_epoch``: one epoch each). A ``--quick`` report is a smoke run, not a measurement,
    and is ignored.

  Nothing is estimated: a model without a measurement at the size in use (and at the same
  image size and settings) shows "—".

* :func:`measure_step` times one forward + backward pass of a batch and measures the memory
  a training step needs: the activations autograd saves for the backward pass are *measured*
  (every tensor it saves, counted once, found with ``torch.autograd.graph.saved_tensors_hooks``);
  the weights and their gradients are *computed* from the parameters (a gradient has its
  weight's shape). On a GPU it also reads the allocator's peak. With ``timed=False`` it runs
  one forward pass only (no backward, no gradients allocated): the same memory numbers, no time.
  :func:`training_costs` does this for several models side by side, building each one in turn
  when given a function that builds it, so that only one model is in memory at a time.

The result files are looked for in the repository's ``docs/results/`` (next to this package)
and then in the package's own ``results/`` folder; :func:`results_dir` says which.
"""

from __future__ import annotations

import gc
import json
import platform
import statistics
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from course_utils import models
from course_utils.sizes import MODEL_SETTINGS, SizeName, resolve_size, training_setup
from course_utils.summary import model_summary

__all__ = [
    "cpu_model",
    "COMPARED_MODELS",
    "Measurement",
    "results_dir",
    "load_measurements",
    "find_measurement",
    "ComparisonRow",
    "Comparison",
    "compare_models",
    "StepCost",
    "measure_step",
    "CostRow",
    "CostTable",
    "ModelOrBuilder",
    "training_costs",
]


def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux, else what ``platform`` knows), for the
    machine line of a measurement."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()

# The models of 7.6 and chapter 8, in the book's order (keys of sizes.MODEL_SETTINGS).
COMPARED_MODELS: tuple[str, ...] = ("lenet", "alexnet", "vgg", "nin", "googlenet", "bnlenet", "resnet18")

_PACKAGE = Path(__file__).resolve().parent
_CANDIDATE_DIRS = (_PACKAGE.parent / "docs" / "results", _PACKAGE / "results")
MISSING = "—"


# ----------------------------------------------------------------------------- committed results


@dataclass(frozen=True)
class Measurement:
    """One measured training run, read from a results file."""

    model: str  # class name, e.g. "ResNet18"
    key: str  # key of sizes.MODEL_SETTINGS, e.g. "resnet18"
    size: str  # "fast" | "cpu" | "book"
    device: str  # e.g. "NVIDIA H100 80GB HBM3" or "x86_64 CPU, 2 cores"
    epochs: int
    resize: int  # side of the square images
    val_acc: float  # validation accuracy after the last epoch
    wall_s: float  # wall time of the whole run, validation included
    images_per_s: float  # training images per second (validation excluded)
    date: str  # ISO date of the run
    source: str  # file it came from, e.g. "training-cpu.json" or "gpu_benchmark.json (one_epoch)"
    changes: str | None = None  # what the size changed from the book, as training_setup said (None: not recorded)

    @property
    def seconds_per_epoch(self) -> float:
        """Wall time per epoch, validation included."""
        return self.wall_s / self.epochs


def results_dir() -> Path | None:
    """The folder with the committed result files: ``docs/results`` of the repository, else the
    package's ``results/``; None if neither exists (e.g. the package installed without them)."""
    for folder in _CANDIDATE_DIRS:
        if folder.is_dir():
            return folder
    return None


def _key_of(model: str) -> str | None:
    wanted = "".join(ch for ch in model.lower() if ch.isalnum())
    for key, entry in MODEL_SETTINGS.items():
        if wanted in (key.replace("_", ""), entry.name.lower()):
            return key
    return None


_REQUIRED = ("model", "epochs", "resize", "val_acc", "wall_s", "images_per_s")


def _measurement(row: Mapping[str, Any], where: str, **defaults: Any) -> Measurement:
    values = {**defaults, **row}
    missing = [name for name in (*_REQUIRED, "size", "device", "date") if values.get(name) is None]
    if missing:
        raise ValueError(
            f"{where}: a row lacks {', '.join(missing)}: {dict(row)!r}; re-run the benchmark that wrote it"
        )
    key = values.get("key") or _key_of(str(values["model"]))
    if key is None:
        raise ValueError(f"{where}: unknown model {values['model']!r}; expected one of "
                         f"{', '.join(e.name for e in MODEL_SETTINGS.values())}")
    epochs = int(values["epochs"])
    if epochs < 1:
        raise ValueError(f"{where}: epochs must be >= 1, got {values['epochs']!r} in {dict(row)!r}")
    return Measurement(
        model=str(values["model"]), key=str(key), size=str(values["size"]), device=str(values["device"]),
        epochs=epochs, resize=int(values["resize"]), val_acc=float(values["val_acc"]),
        wall_s=float(values["wall_s"]), images_per_s=float(values["images_per_s"]), date=str(values["date"]),
        source=str(values.get("source", where)), changes=values.get("changes"),
    )


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON ({error}): re-run the benchmark that wrote it") from error


def load_measurements(folder: str | Path | None = None) -> list[Measurement]:
    """Every measured run in ``folder`` (default: :func:`results_dir`), from the files
    ``training-*.json`` and ``gpu_benchmark.json``; an empty list if there are none."""
    where = Path(folder) if folder is not None else results_dir()
    if where is None or not where.is_dir():
        return []
    found: list[Measurement] = []
    for path in sorted(where.glob("training-*.json")):
        rows = _read_json(path)
        if not isinstance(rows, list):
            raise ValueError(f"{path} must hold a list of runs, got {type(rows).__name__}")
        found += [_measurement(row, path.name, source=path.name) for row in rows]
    gpu = where / "gpu_benchmark.json"
    if gpu.is_file():
        report = _read_json(gpu)
        if not isinstance(report, dict):
            raise ValueError(f"{gpu} must hold one report (a JSON object), got {type(report).__name__}")
        if not report.get("quick", False):  # a --quick report is a smoke run, not a measurement
            for section in ("book_settings", "one_epoch"):
                for row in report.get(section, []):
                    found.append(_measurement(
                        row, f"{gpu.name} ({section})", size=report.get("settings", "book"),
                        device=report.get("device"), date=report.get("date"), source=f"{gpu.name} ({section})",
                    ))
    return found


def find_measurement(
    measurements: Iterable[Measurement], key: str, size: str, resize: int, changes: str | None = None
) -> Measurement | None:
    """The measurement of model ``key`` at ``size`` with images of ``resize`` pixels (and, where
    the file recorded them, the same ``changes`` from the book); the run with the most epochs,
    then the latest. None if there is none."""
    matches = [
        m for m in measurements
        if m.key == key and m.size == size and m.resize == resize
        and (changes is None or m.changes is None or m.changes == changes)
    ]  # fmt: skip
    return max(matches, key=lambda m: (m.epochs, m.date), default=None)


# ----------------------------------------------------------------------------- the comparison


@dataclass(frozen=True)
class ComparisonRow:
    """One model in :class:`Comparison`: its cost now, and its measured run (None: missing)."""

    model: str  # class name
    key: str
    input_size: int  # side of the square image it sees at this size
    params: int
    macs: int  # multiply-accumulates for one image
    receptive_field: tuple[int, int]
    changes: str  # what the size changed from the book ("" at book size)
    measurement: Measurement | None

    @property
    def val_acc(self) -> float | None:
        return None if self.measurement is None else self.measurement.val_acc

    @property
    def images_per_s(self) -> float | None:
        return None if self.measurement is None else self.measurement.images_per_s

    @property
    def seconds_per_epoch(self) -> float | None:
        return None if self.measurement is None else self.measurement.seconds_per_epoch


def _fmt(value: float | int | None, spec: str) -> str:
    return MISSING if value is None else format(value, spec)


def _short_macs(count: int) -> str:
    for unit, scale in (("G", 1e9), ("M", 1e6), ("K", 1e3)):
        if count >= scale:
            return f"{count / scale:.2f} {unit}"
    return str(count)


@dataclass(frozen=True)
class Comparison:
    """The models side by side at one size; prints as a table, shows as Markdown in Jupyter."""

    size: str
    why: str  # how the size was chosen
    rows: tuple[ComparisonRow, ...]
    results_folder: str | None  # where the measurements were read from
    measured: bool = True  # show the measured columns (False: the costs only)

    COST_HEADER = ("Model", "Image", "Params", "MACs/image", "Receptive field")
    MEASURED_HEADER = ("Val. acc.", "Epochs", "s/epoch", "Images/s", "Device")

    @property
    def header(self) -> tuple[str, ...]:
        return self.COST_HEADER + (self.MEASURED_HEADER if self.measured else ())

    def _cells(self) -> list[list[str]]:
        body = []
        for row in self.rows:
            m = row.measurement
            cells = [row.model, f"{row.input_size}x{row.input_size}", f"{row.params:,}", _short_macs(row.macs),
                     "x".join(map(str, row.receptive_field))]
            if self.measured:
                cells += [_fmt(row.val_acc, ".3f"), MISSING if m is None else str(m.epochs),
                          _fmt(row.seconds_per_epoch, ",.0f"), _fmt(row.images_per_s, ",.0f"),
                          MISSING if m is None else m.device]
            body.append(cells)
        return body

    def _notes(self) -> list[str]:
        where = self.results_folder or "no results folder found"
        lines = [f"Size {self.size} ({self.why}). Params, MACs and receptive fields: computed now for the "
                 f"models this size trains."]
        if self.measured:
            lines[0] += f" Accuracy and speed: measured runs from {where}; {MISSING} = not measured."
        lines += [f"{row.model}: {row.changes}" for row in self.rows if row.changes]
        sources = sorted({f"{r.measurement.source}, {r.measurement.date[:10]}" for r in self.rows if r.measurement})
        if sources and self.measured:
            lines.append("Measured in: " + "; ".join(sources))
        return lines

    def to_markdown(self) -> str:
        right = {2, 3, 5, 6, 7, 8}
        header = self.header
        lines = ["| " + " | ".join(header) + " |",
                 "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"]
        lines += ["| " + " | ".join(cells) + " |" for cells in self._cells()]
        return "\n".join(lines) + "\n\n" + "\n".join(f"* {note}" for note in self._notes()) + "\n"

    def __str__(self) -> str:
        body, header = self._cells(), self.header
        widths = [max(len(r[i]) for r in [list(header), *body]) for i in range(len(header))]
        right = {2, 3, 5, 6, 7, 8}

        def fmt(cells: Sequence[str]) -> str:
            return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                             for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

        rule = "-" * len(fmt(header))
        return "\n".join([fmt(header), rule, *map(fmt, body), rule, *self._notes()])

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # IPython's plain text: the table
        printer.text(str(self))

    def to_dicts(self) -> list[dict[str, object]]:
        """One dictionary per model (``None`` where not measured), e.g. for pandas or a plot."""
        return [
            {"model": r.model, "key": r.key, "input_size": r.input_size, "params": r.params, "macs": r.macs,
             "receptive_field": r.receptive_field, "val_acc": r.val_acc, "seconds_per_epoch": r.seconds_per_epoch,
             "images_per_s": r.images_per_s, "epochs": None if r.measurement is None else r.measurement.epochs,
             "device": None if r.measurement is None else r.measurement.device}
            for r in self.rows
        ]  # fmt: skip


def _build(key: str, model_kwargs: Mapping[str, Any]) -> nn.Module:
    cls = getattr(models, MODEL_SETTINGS[key].name)
    return cls(**model_kwargs)


def compare_models(
    size: SizeName | None = None,
    *,
    keys: Sequence[str] = COMPARED_MODELS,
    folder: str | Path | None = None,
    measured: bool = True,
) -> Comparison:
    """Every model of ``keys`` at ``size`` (default: the size in use), as trained at that size:
    its parameters, MACs per image and receptive field (``model_summary`` on one image of the
    size's resolution), and its measured run from the result files (see the module doc).
    ``measured=False`` leaves the measured columns out (the costs alone depend on nothing
    but the code).

    >>> c = compare_models("book", keys=("lenet",), folder="/nonexistent")
    >>> row = c.rows[0]
    >>> row.params, row.macs, row.receptive_field, row.val_acc
    (61706, 416520, (16, 16), None)
    """
    unknown = [k for k in keys if k not in MODEL_SETTINGS]
    if unknown:
        raise ValueError(f"unknown model keys {unknown!r}: choose from {', '.join(MODEL_SETTINGS)}")
    if size is None:
        size, why = resolve_size()
    else:
        why = "chosen in the call"
    where = Path(folder) if folder is not None else results_dir()
    measurements = load_measurements(where) if where is not None and measured else []
    rows = []
    for key in keys:
        run = training_setup(key, size, verbose=False)
        side = run.resize[0]
        summary = model_summary(_build(key, run.model_kwargs), (1, 1, side, side))
        rows.append(ComparisonRow(
            model=run.model_name, key=key, input_size=side, params=summary.total_params, macs=summary.total_macs,
            receptive_field=summary.receptive_field, changes=run.changes,
            measurement=find_measurement(measurements, key, size, side, run.changes),
        ))  # fmt: skip
    shown = None if where is None else (where.relative_to(_PACKAGE.parent).as_posix()
                                        if where.is_relative_to(_PACKAGE.parent) else str(where))
    return Comparison(size=size, why=why, rows=tuple(rows), results_folder=shown, measured=measured)


# ----------------------------------------------------------------------------- one training step


NOT_TIMED = "not timed"


@dataclass(frozen=True)
class StepCost:
    """Time and memory of one training step (forward + backward) of one batch.

    ``activation_bytes`` is measured; ``param_bytes`` and ``grad_bytes`` are computed from the
    parameters; ``seconds`` and ``peak_bytes`` are measured only by a timed step (see
    :func:`measure_step`), else None.
    """

    model_name: str
    input_shape: tuple[int, ...]
    device: str
    seconds: float | None  # median wall time of forward + loss + backward over the repeats; None: not timed
    param_bytes: int  # the weights (computed: numel x element size of every parameter)
    grad_bytes: int  # their gradients (computed: as large as the weights that require gradients)
    activation_bytes: int  # measured: tensors autograd saved for the backward pass, each storage once, weights excluded
    peak_bytes: int | None  # the CUDA allocator's peak during the timed steps (None on the CPU or when not timed)

    @property
    def timed(self) -> bool:
        """Whether a training step was run and timed (False: ``measure_step(..., timed=False)``)."""
        return self.seconds is not None

    @property
    def training_bytes(self) -> int:
        """Weights + gradients + saved activations: what plain SGD must hold at the start of backward."""
        return self.param_bytes + self.grad_bytes + self.activation_bytes

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "training_bytes": self.training_bytes}

    def __str__(self) -> str:
        shape = "x".join(map(str, self.input_shape))
        peak = "" if self.peak_bytes is None else f", allocator peak {_mib(self.peak_bytes)}"
        time_text = (f"forward+backward {self.seconds * 1e3:,.0f} ms" if self.seconds is not None
                     else f"forward+backward {NOT_TIMED} (timed=False)")
        return (f"{self.model_name}, batch {shape} on {self.device}: {time_text}; "
                f"weights {_mib(self.param_bytes)} + gradients {_mib(self.grad_bytes)} + saved activations "
                f"{_mib(self.activation_bytes)} = {_mib(self.training_bytes)}{peak}")


def _mib(n: int) -> str:
    return f"{n / 2**20:,.1f} MiB"


def _check_repeats(repeats: object) -> None:
    if not isinstance(repeats, int) or isinstance(repeats, bool) or repeats < 1:
        raise ValueError(f"repeats must be a positive integer, got {repeats!r}")


def _check_timed(timed: object) -> None:
    if not isinstance(timed, bool):
        raise TypeError(f"timed must be True or False, got {timed!r}")


def _batch_shape(X_shape: object) -> tuple[int, ...]:
    shape = tuple(X_shape) if isinstance(X_shape, Sequence) and not isinstance(X_shape, (str, bytes)) else ()
    if len(shape) != 4 or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 1 for d in shape):
        raise ValueError(f"X_shape must be N x C x H x W of positive integers, got {X_shape!r}: e.g. (16, 1, 224, 224)")
    return shape


def measure_step(
    model: nn.Module,
    X_shape: Sequence[int],
    *,
    repeats: int = 3,
    device: str | torch.device | None = None,
    timed: bool = True,
) -> StepCost:
    """Time and memory of one training step of ``model`` on a random batch of ``X_shape``.

    The model runs in training mode (dropout and batch norm as in training); the loss is
    ``model.loss`` against random labels when the model has one, else the sum of the outputs.
    Lazy layers get their parameters first (one batch in evaluation mode).

    Measured: ``activation_bytes``, every tensor autograd saves for the backward pass during the
    forward pass (the first repeat), and, when ``timed``, ``seconds`` (the median over ``repeats``
    of forward + loss + backward) and, on a GPU, the allocator's peak. Computed from the
    parameters: ``param_bytes`` and ``grad_bytes`` (a gradient has its weight's shape).

    ``timed=False`` runs only that one forward pass with gradients enabled: no loss, no backward,
    so no gradient is allocated and memory stays at the weights plus one batch's activations.
    The memory numbers are the same as a timed call's; ``seconds`` and ``peak_bytes`` are None
    and ``repeats`` is not used. The model's gradients are left as they were.

    After a timed call, the model's mode is restored and its gradients are cleared (set to
    None); after an untimed one, its mode is restored. Batch-norm running statistics do change,
    as in any training step.
    """
    _check_timed(timed)
    _check_repeats(repeats)
    shape = _batch_shape(X_shape)
    first = next(model.parameters(), None)
    dev = torch.device(device) if device is not None else (first.device if first is not None else torch.device("cpu"))
    model.to(dev)
    X = torch.randn(shape, device=dev)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(X)  # creates the parameters of lazy layers
    params = list(model.parameters())
    param_storages = {p.untyped_storage().data_ptr() for p in params}
    saved: dict[tuple[int, int], int] = {}

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in param_storages:
            saved[(storage.data_ptr(), storage.nbytes())] = storage.nbytes()
        # Detached (same storage, no grad_fn): a saved output returned as itself would hold its own
        # node, a reference cycle that keeps the graph and the weights alive when no backward frees it.
        return tensor.detach()

    loss_fn = getattr(model, "loss", None)
    times: list[float] = []
    peak: int | None = None
    model.train()
    try:
        with torch.enable_grad():
            if not timed:  # the forward pass alone: its output, graph and saved tensors are dropped at once
                with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
                    model(X)
            for i in range(repeats if timed else 0):
                model.zero_grad(set_to_none=True)
                if dev.type == "cuda":
                    torch.cuda.synchronize(dev)
                    torch.cuda.reset_peak_memory_stats(dev)
                start = time.perf_counter()
                if i == 0:
                    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
                        output = model(X)
                else:
                    output = model(X)
                if callable(loss_fn) and output.dim() == 2:
                    labels = torch.randint(0, output.shape[1], (shape[0],), device=dev)
                    loss = loss_fn(output, labels)
                else:
                    loss = output.sum()
                loss.backward()
                if dev.type == "cuda":
                    torch.cuda.synchronize(dev)
                    peak = max(peak or 0, torch.cuda.max_memory_allocated(dev))
                times.append(time.perf_counter() - start)
    finally:
        if timed:
            model.zero_grad(set_to_none=True)
        model.train(was_training)
    param_bytes = sum(p.numel() * p.element_size() for p in params)
    return StepCost(
        model_name=type(model).__name__, input_shape=shape, device=str(dev),
        seconds=statistics.median(times) if timed else None,
        param_bytes=param_bytes, grad_bytes=sum(p.numel() * p.element_size() for p in params if p.requires_grad),
        activation_bytes=sum(saved.values()), peak_bytes=peak,
    )


# ----------------------------------------------------------------------------- costs side by side


@dataclass(frozen=True)
class CostRow:
    """What one model costs for one batch: parameters and MACs by layer type (computed), and the
    memory (and, if timed, the time) of one training step (:class:`StepCost`)."""

    name: str
    conv_params: int
    linear_params: int
    other_params: int  # batch norm
    conv_macs: int  # for the batch
    linear_macs: int
    step: StepCost

    @property
    def params(self) -> int:
        return self.conv_params + self.linear_params + self.other_params

    @property
    def macs(self) -> int:
        return self.conv_macs + self.linear_macs


@dataclass(frozen=True)
class CostTable:
    """Models side by side, one column each (see :func:`training_costs`)."""

    rows: tuple[CostRow, ...]

    def to_text(self, include_time: bool = True) -> str:
        """The table; ``include_time=False`` leaves out the measurements that depend on the machine
        (the wall time, and on a GPU the allocator's peak), so what is left depends only on the
        models and the batch.

        A row measured with ``timed=False`` has no time: with ``include_time=True`` its cell in the
        "forward + backward" line reads "not timed", and a note under the table says how to time it
        (``training_costs(..., timed=True)``).
        """
        lines: list[tuple[str, list[str]]] = [
            ("batch (N x C x H x W)", ["x".join(map(str, r.step.input_shape)) for r in self.rows]),
            ("parameters", [f"{r.params:,}" for r in self.rows]),
            ("  in convolutions", [f"{r.conv_params:,}" for r in self.rows]),
            ("  in linear layers", [f"{r.linear_params:,}" for r in self.rows]),
            ("MACs for the batch", [_short_macs(r.macs) for r in self.rows]),
            ("  in convolutions", [_short_macs(r.conv_macs) for r in self.rows]),
            ("  in linear layers", [_short_macs(r.linear_macs) for r in self.rows]),
            ("weights + gradients", [_mib(r.step.param_bytes + r.step.grad_bytes) for r in self.rows]),
            ("saved activations", [_mib(r.step.activation_bytes) for r in self.rows]),
            ("memory of a training step", [_mib(r.step.training_bytes) for r in self.rows]),
        ]
        untimed = [r.name for r in self.rows if r.step.seconds is None]
        if include_time:
            times = [NOT_TIMED if r.step.seconds is None else f"{r.step.seconds * 1e3:,.0f} ms" for r in self.rows]
            lines.append(("forward + backward", times))
            if any(r.step.peak_bytes is not None for r in self.rows):
                peaks = [MISSING if r.step.peak_bytes is None else _mib(r.step.peak_bytes) for r in self.rows]
                lines.append(("allocator peak (CUDA)", peaks))
        label_width = max(len(label) for label, _ in lines)
        widths = [max(len(r.name), *(len(values[i]) for _, values in lines)) for i, r in enumerate(self.rows)]
        out = [" " * label_width + "  " + "  ".join(r.name.rjust(w) for r, w in zip(self.rows, widths))]
        out += [label.ljust(label_width) + "  " + "  ".join(v.rjust(w) for v, w in zip(values, widths))
                for label, values in lines]
        if include_time and untimed:
            out.append(f"{NOT_TIMED}: {', '.join(untimed)} (measured with timed=False: one forward pass, no "
                       f"backward); training_costs(..., timed=True) times the step")
        return "\n".join(out)

    def __str__(self) -> str:
        return self.to_text()


ModelOrBuilder = nn.Module | Callable[[], nn.Module]  # a model, or a function (e.g. a class) that builds one


def _short_repr(value: object, limit: int = 100) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_ENTRY_EXAMPLE = ("e.g. {'AlexNet': (AlexNet, (1, 1, 224, 224))} or "
                  "{'VGG-11': (lambda: VGG(VGG_ARCHS['vgg11']), (1, 1, 224, 224))}")


def _checked_entry(name: str, entry: object) -> tuple[ModelOrBuilder, tuple[int, ...]]:
    if not isinstance(entry, (tuple, list)) or len(entry) != 2:
        raise TypeError(f"entries[{name!r}] must be a pair (model or function that builds one, X_shape), "
                        f"got {_short_repr(entry)}: {_ENTRY_EXAMPLE}")
    model_or_builder, X_shape = entry
    if not isinstance(model_or_builder, nn.Module) and not callable(model_or_builder):
        raise TypeError(f"entries[{name!r}]: expected a model (nn.Module) or a function that builds one, got "
                        f"{_short_repr(model_or_builder)} of type {type(model_or_builder).__name__}: {_ENTRY_EXAMPLE}")
    return model_or_builder, _batch_shape(X_shape)


def _model_of(name: str, model_or_builder: ModelOrBuilder) -> nn.Module:
    if isinstance(model_or_builder, nn.Module):
        return model_or_builder
    model = model_or_builder()
    if not isinstance(model, nn.Module):
        what = getattr(model_or_builder, "__qualname__", None) or _short_repr(model_or_builder)
        raise TypeError(f"entries[{name!r}]: the builder {what} returned {_short_repr(model)} of type "
                        f"{type(model).__name__}, not a model (nn.Module): make it return the model, {_ENTRY_EXAMPLE}")
    return model


def _cost_row(name: str, model: nn.Module, X_shape: tuple[int, ...], repeats: int, timed: bool) -> CostRow:
    summary = model_summary(model, X_shape)
    conv = [r for r in summary.rows if r.layer_type.startswith("Conv")]
    linear = [r for r in summary.rows if r.layer_type == "Linear"]
    conv_params, linear_params = sum(r.num_params for r in conv), sum(r.num_params for r in linear)
    return CostRow(
        name=name, conv_params=conv_params, linear_params=linear_params,
        other_params=summary.total_params - conv_params - linear_params,
        conv_macs=sum(r.macs for r in conv), linear_macs=sum(r.macs for r in linear),
        step=measure_step(model, X_shape, repeats=repeats, timed=timed),
    )  # fmt: skip


def training_costs(
    entries: Mapping[str, tuple[ModelOrBuilder, Sequence[int]]], *, repeats: int = 3, timed: bool = True
) -> CostTable:
    """Parameters and MACs by layer type (computed by ``model_summary``) and the cost of one
    training step (:func:`measure_step`) of each model, named by the keys of ``entries``.

    Each entry is ``(model, X_shape)``, where ``model`` is an ``nn.Module`` or a function without
    arguments that builds one (a class such as ``AlexNet``, or ``lambda: VGG(VGG_ARCHS["vgg11"])``).
    A model given by a function is built only when its turn comes and dropped once measured;
    ``gc.collect()`` runs before each such model is built and after the last one, so that only one
    such model is in memory at a time: use functions for large models. A module given directly
    stays the caller's (and in memory for as long as the caller keeps it).

    ``timed=False`` measures the memory only (one forward pass per model, no backward, no
    gradients allocated; ``repeats`` is not used): every number of ``to_text(include_time=False)``
    is the same as with ``timed=True``, and the time reads "not timed".

    All entries are checked before anything is built: a pair that is not ``(model or function,
    X_shape)`` raises TypeError, a bad shape ValueError; a function that returns something other
    than a module raises TypeError when it is called.
    """
    _check_timed(timed)
    _check_repeats(repeats)
    if not entries:
        raise ValueError(f"entries is empty: give at least one model, {_ENTRY_EXAMPLE}")
    checked = [(name, *_checked_entry(name, entry)) for name, entry in entries.items()]
    rows = []
    built = False
    for name, model_or_builder, X_shape in checked:
        if not isinstance(model_or_builder, nn.Module):
            # Free what was dropped before (the previous model, or one an earlier cell no longer uses) before
            # building: a model that went through model_summary is in a reference cycle (its fx tracer), so
            # only the cycle collector frees it.
            gc.collect()
            built = True
        model = _model_of(name, model_or_builder)
        rows.append(_cost_row(name, model, X_shape, repeats, timed))
        del model  # a model built here is dropped now; one given directly stays the caller's
    if built:
        gc.collect()  # the last model built here, too
    return CostTable(tuple(rows))
