"""The models of sections 7.6 and 8.1-8.6 side by side (section 8.7): their cost, and their measured runs.

:func:`compare_models` puts every model at the current size (``course_utils.sizes``) in one
table: parameters, multiply-accumulates and receptive field *computed* now (``model_summary``
at the size's image size), and the accuracy, time per epoch and images/s *measured* by the
training benchmarks and committed with the package in its ``results/`` folder
(:func:`results_dir`; package data, so an installed package, e.g. on Colab, has them too):

- ``training-<size>.json`` (``benchmarks/train_sizes.py``): a list of rows with ``model``,
  ``key``, ``size``, ``device``, ``epochs``, ``resize``, ``val_acc``, ``wall_s``,
  ``images_per_s``, ``date``, ``changes``, and for runs over several seeds ``seeds`` and
  ``val_acc_std`` (``val_acc`` is then their mean, shown as "mean ± std");
- ``gpu_benchmark.json`` (``benchmarks/gpu_benchmark.py``): one report with ``device`` and
  ``date`` and the rows of its runs at the book's settings (``book_settings``: full runs,
  ``one_epoch``: one epoch each). A ``--quick`` report is a smoke run, not a measurement,
  and is ignored.

Nothing is estimated: a model without a measurement at the size in use (and at the same
image size and settings) shows "—" (``formatting.MISSING``).

>>> (results_dir() / "training-cpu.json").is_file()  # the runs of benchmarks/train_sizes.py --size cpu
True
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from torch import nn

from course_utils import validate
from course_utils.formatting import MISSING, human_count, markdown_table, text_table
from course_utils.language import say
from course_utils.models import get_model
from course_utils.sizes import MODEL_SETTINGS, SIZES, SizeName, resolve_size, training_setup
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
]

# The models of 7.6 and chapter 8, in the book's order (keys of sizes.MODEL_SETTINGS).
COMPARED_MODELS: tuple[str, ...] = ("lenet", "alexnet", "vgg", "nin", "googlenet", "bnlenet", "resnet18")

_PACKAGE = Path(__file__).resolve().parent
_RESULTS = _PACKAGE / "results"  # declared as package data in pyproject.toml


# ----------------------------------------------------------------------------- committed results


@dataclass(frozen=True)
class Measurement:
    """One measured training run, read from a results file."""

    model: str  # class name, e.g. "ResNet18"
    key: str  # key of sizes.MODEL_SETTINGS, e.g. "resnet18"
    size: str  # "fast" | "cpu" | "book"
    device: str  # device.machine_description(), e.g. "NVIDIA H100 80GB HBM3" or "AMD EPYC, 2 cores"
    epochs: int
    resize: int  # side of the square images
    val_acc: float  # validation accuracy after the last epoch
    wall_s: float  # wall time of the whole run, validation included
    images_per_s: float  # training images per second (validation excluded)
    date: str  # ISO date of the run
    source: str  # file it came from, e.g. "training-cpu.json" or "gpu_benchmark.json (one_epoch)"
    changes: str | None = None  # what the size changed from the book, as training_setup said (None: not recorded)
    val_acc_std: float | None = None  # standard deviation of val_acc over the seeds (None: one run)
    seeds: int = 1  # how many runs (seeds) val_acc is the mean of

    @property
    def seconds_per_epoch(self) -> float:
        """Wall time per epoch, validation included."""
        return self.wall_s / self.epochs


def results_dir() -> Path:
    """The folder of the committed result files: the package's own ``results/``.

    It is package data, so it is there however the package was installed (editable from the
    repository, or from a wheel as on Colab), and it does not depend on the working directory;
    the benchmarks write their results into it by default.
    """
    return _RESULTS


def _folder(folder: str | Path | None) -> Path:
    if folder is None:
        return results_dir()
    if not isinstance(folder, (str, Path)):
        raise TypeError(f"folder must be a path (str or pathlib.Path) or None (the package's results), "
                        f"got {folder!r} of type {type(folder).__name__}: e.g. folder='course_utils/results'")
    return Path(folder)


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
        val_acc_std=None if values.get("val_acc_std") is None else float(values["val_acc_std"]),
        seeds=len(values.get("seeds") or [0]),
    )


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON ({error}): re-run the benchmark that wrote it") from error


def load_measurements(folder: str | Path | None = None) -> list[Measurement]:
    """Every measured run in ``folder`` (default: :func:`results_dir`), from the files
    ``training-*.json`` and ``gpu_benchmark.json``; an empty list if there are none."""
    where = _folder(folder)
    if not where.is_dir():
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
    changes: str  # what the size changed from the book ("" at book size), in English: it finds the measurement
    measurement: Measurement | None
    differences: str = ""  # the same, in the language in use when the comparison was made (its notes show it)

    @property
    def val_acc(self) -> float | None:
        return None if self.measurement is None else self.measurement.val_acc

    @property
    def images_per_s(self) -> float | None:
        return None if self.measurement is None else self.measurement.images_per_s

    @property
    def seconds_per_epoch(self) -> float | None:
        return None if self.measurement is None else self.measurement.seconds_per_epoch


def _measured(value: float | None, spec: str) -> str:
    return MISSING if value is None else format(value, spec)


_RIGHT = {2, 3, 5, 6, 7, 8}  # the number columns: Params, MACs/image, Val. acc., Epochs, s/epoch, Images/s


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
        """The columns' names, in the language in use."""
        english = self.COST_HEADER + (self.MEASURED_HEADER if self.measured else ())
        return tuple(say(name) for name in english)  # each has its translation (tests/test_language.py)

    def _cells(self) -> list[list[str]]:
        body = []
        for row in self.rows:
            m = row.measurement
            cells = [row.model, f"{row.input_size}x{row.input_size}", f"{row.params:,}", human_count(row.macs),
                     "x".join(map(str, row.receptive_field))]
            if self.measured:
                accuracy = _measured(row.val_acc, ".3f")
                if m is not None and m.val_acc_std is not None and m.seeds > 1:
                    accuracy += f" ± {m.val_acc_std:.3f}"  # mean ± std over the seeds
                cells += [accuracy, MISSING if m is None else str(m.epochs),
                          _measured(row.seconds_per_epoch, ",.0f"), _measured(row.images_per_s, ",.0f"),
                          MISSING if m is None else m.device]
            body.append(cells)
        return body

    def _notes(self) -> list[str]:
        where = self.results_folder or say("no results folder found")
        lines = [say("Size {size} ({why}). Params, MACs and receptive fields: computed now for the models this size "
                     "trains.", size=self.size, why=say(self.why))]
        if self.measured:
            lines[0] += say(" Accuracy and speed: measured runs from {where}; {missing} = not measured.", where=where,
                            missing=MISSING)
        lines += [f"{row.model}: {row.differences or row.changes}" for row in self.rows if row.changes]
        sources = sorted({f"{r.measurement.source}, {r.measurement.date[:10]}" for r in self.rows if r.measurement})
        if sources and self.measured:
            lines.append(say("Measured in: {sources}", sources="; ".join(sources)))
        return lines

    def to_markdown(self) -> str:
        table = markdown_table(self.header, self._cells(), right=_RIGHT)
        return table + "\n\n" + "\n".join(f"* {note}" for note in self._notes()) + "\n"

    def __str__(self) -> str:
        table = text_table(self.header, self._cells(), right=_RIGHT)
        rule = table.split("\n", 2)[1]  # the rule under the header closes the table too
        return "\n".join([table, rule, *self._notes()])

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
    return get_model(key, **model_kwargs)


def _checked_keys(keys: object) -> tuple[str, ...]:
    if isinstance(keys, str) or not isinstance(keys, Sequence):
        raise TypeError(f"keys must be a sequence of model keys, got {keys!r}: e.g. keys=('lenet', 'resnet18')")
    if not keys:
        raise ValueError(f"keys is empty: give at least one model key, e.g. keys=('lenet',), "
                         f"or leave the default {COMPARED_MODELS!r}")
    unknown = [k for k in keys if k not in MODEL_SETTINGS]
    if unknown:
        raise ValueError(f"unknown model keys {unknown!r}: choose from {', '.join(MODEL_SETTINGS)}")
    return tuple(keys)


def _shown(where: Path) -> str:
    """The folder as the notes name it: relative to the package's parent when inside it
    (``course_utils/results``, in the repository as in site-packages)."""
    return where.relative_to(_PACKAGE.parent).as_posix() if where.is_relative_to(_PACKAGE.parent) else str(where)


def compare_models(
    size: SizeName | None = None,
    *,
    keys: Sequence[str] = COMPARED_MODELS,
    folder: str | Path | None = None,
    measured: bool = True,
) -> Comparison:
    """Every model of ``keys`` at ``size`` (default: the size in use), as trained at that size:
    its parameters, MACs per image and receptive field (``model_summary`` on one image of the
    size's resolution), and its measured run from the result files in ``folder`` (default: the
    package's, :func:`results_dir`; see the module doc). ``measured=False`` leaves the measured
    columns out (the costs alone depend on nothing but the code).

    >>> c = compare_models("book", keys=("lenet",), folder="/nonexistent")
    >>> row = c.rows[0]
    >>> row.params, row.macs, row.receptive_field, row.val_acc
    (61706, 416520, (16, 16), None)
    """
    keys = _checked_keys(keys)
    measured = validate.flag(measured, "measured")
    if size is None:
        size, why = resolve_size()
    else:
        size = validate.choice(size, "size", SIZES)
        why = "chosen in the call"
    where = _folder(folder)
    measurements = load_measurements(where) if measured else []
    rows = []
    for key in keys:
        run = training_setup(key, size, verbose=False)
        side = run.resize[0]
        summary = model_summary(_build(key, run.model_kwargs), (1, 1, side, side))
        rows.append(ComparisonRow(
            model=run.model_name, key=key, input_size=side, params=summary.total_params, macs=summary.total_macs,
            receptive_field=summary.receptive_field, changes=run.changes,
            measurement=find_measurement(measurements, key, size, side, run.changes), differences=run.differences,
        ))  # fmt: skip
    return Comparison(size=size, why=why, rows=tuple(rows), results_folder=_shown(where), measured=measured)
