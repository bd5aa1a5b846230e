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
  a training step needs: the parameters, their gradients, and the activations autograd saves
  for the backward pass (every tensor it saves, counted once, found with
  ``torch.autograd.graph.saved_tensors_hooks``). On a GPU it also reads the allocator's peak.

The result files are looked for in the repository's ``docs/results/`` (next to this package)
and then in the package's own ``results/`` folder; :func:`results_dir` says which.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from course_utils import models
from course_utils.sizes import MODEL_SETTINGS, SizeName, resolve_size, training_setup
from course_utils.summary import model_summary

__all__ = [
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
    "training_costs",
]

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


@dataclass(frozen=True)
class StepCost:
    """Time and memory of one training step (forward + backward) of one batch."""

    model_name: str
    input_shape: tuple[int, ...]
    device: str
    seconds: float  # median wall time of forward + loss + backward over the repeats
    param_bytes: int  # the weights
    grad_bytes: int  # their gradients (as large as the weights)
    activation_bytes: int  # tensors autograd saved for the backward pass, each storage once, weights excluded
    peak_bytes: int | None  # the CUDA allocator's peak during the step (None on the CPU)

    @property
    def training_bytes(self) -> int:
        """Weights + gradients + saved activations: what plain SGD must hold at the start of backward."""
        return self.param_bytes + self.grad_bytes + self.activation_bytes

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "training_bytes": self.training_bytes}

    def __str__(self) -> str:
        shape = "x".join(map(str, self.input_shape))
        peak = "" if self.peak_bytes is None else f", allocator peak {_mib(self.peak_bytes)}"
        return (f"{self.model_name}, batch {shape} on {self.device}: forward+backward {self.seconds * 1e3:,.0f} ms; "
                f"weights {_mib(self.param_bytes)} + gradients {_mib(self.grad_bytes)} + saved activations "
                f"{_mib(self.activation_bytes)} = {_mib(self.training_bytes)}{peak}")


def _mib(n: int) -> str:
    return f"{n / 2**20:,.1f} MiB"


def measure_step(
    model: nn.Module, X_shape: Sequence[int], *, repeats: int = 3, device: str | torch.device | None = None
) -> StepCost:
    """Time and memory of one training step of ``model`` on a random batch of ``X_shape``.

    The model runs in training mode (dropout and batch norm as in training); the loss is
    ``model.loss`` against random labels when the model has one, else the sum of the outputs.
    Lazy layers get their parameters first (one batch in evaluation mode). The first repeat
    also counts the activations autograd saves; ``seconds`` is the median over ``repeats``.
    The model's mode and its gradients are restored (gradients are cleared) afterwards; batch-norm
    running statistics do change, as in any training step.
    """
    if not isinstance(repeats, int) or isinstance(repeats, bool) or repeats < 1:
        raise ValueError(f"repeats must be a positive integer, got {repeats!r}")
    shape = tuple(X_shape)
    if len(shape) != 4 or not all(isinstance(d, int) and d >= 1 for d in shape):
        raise ValueError(f"X_shape must be N x C x H x W of positive integers, got {X_shape!r}: e.g. (16, 1, 224, 224)")
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
        return tensor

    loss_fn = getattr(model, "loss", None)
    times = []
    peak: int | None = None
    model.train()
    try:
        for i in range(repeats):
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
        model.zero_grad(set_to_none=True)
        model.train(was_training)
    param_bytes = sum(p.numel() * p.element_size() for p in params)
    return StepCost(
        model_name=type(model).__name__, input_shape=shape, device=str(dev), seconds=statistics.median(times),
        param_bytes=param_bytes, grad_bytes=sum(p.numel() * p.element_size() for p in params if p.requires_grad),
        activation_bytes=sum(saved.values()), peak_bytes=peak,
    )


# ----------------------------------------------------------------------------- costs side by side


@dataclass(frozen=True)
class CostRow:
    """What one model costs for one batch: parameters and MACs by layer type, and one training step."""

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
        """The table; ``include_time=False`` leaves out the one measurement that depends on the
        machine (the wall time), so what is left depends only on the models and the batch."""
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
        if include_time:
            lines.append(("forward + backward", [f"{r.step.seconds * 1e3:,.0f} ms" for r in self.rows]))
            if any(r.step.peak_bytes is not None for r in self.rows):
                peaks = [MISSING if r.step.peak_bytes is None else _mib(r.step.peak_bytes) for r in self.rows]
                lines.append(("allocator peak (CUDA)", peaks))
        label_width = max(len(label) for label, _ in lines)
        widths = [max(len(r.name), *(len(values[i]) for _, values in lines)) for i, r in enumerate(self.rows)]
        out = [" " * label_width + "  " + "  ".join(r.name.rjust(w) for r, w in zip(self.rows, widths))]
        out += [label.ljust(label_width) + "  " + "  ".join(v.rjust(w) for v, w in zip(values, widths))
                for label, values in lines]
        return "\n".join(out)

    def __str__(self) -> str:
        return self.to_text()


def training_costs(entries: Mapping[str, tuple[nn.Module, Sequence[int]]], *, repeats: int = 3) -> CostTable:
    """Parameters, MACs (``model_summary``) and one training step (:func:`measure_step`) of each
    model, named by the keys of ``entries`` (``{"AlexNet": (AlexNet(), (16, 1, 224, 224))}``)."""
    if not entries:
        raise ValueError("entries is empty: give at least one model, e.g. {'AlexNet': (AlexNet(), (1, 1, 224, 224))}")
    rows = []
    for name, (model, X_shape) in entries.items():
        summary = model_summary(model, X_shape)
        conv = [r for r in summary.rows if r.layer_type.startswith("Conv")]
        linear = [r for r in summary.rows if r.layer_type == "Linear"]
        conv_params, linear_params = sum(r.num_params for r in conv), sum(r.num_params for r in linear)
        rows.append(CostRow(
            name=name, conv_params=conv_params, linear_params=linear_params,
            other_params=summary.total_params - conv_params - linear_params,
            conv_macs=sum(r.macs for r in conv), linear_macs=sum(r.macs for r in linear),
            step=measure_step(model, X_shape, repeats=repeats),
        ))  # fmt: skip
    return CostTable(tuple(rows))
