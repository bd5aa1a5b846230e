"""The cost of one training step, measured now: its time and the memory it needs (section 8.2).

:func:`measure_step` times one forward + backward pass of a batch and measures the memory a
training step needs: the activations autograd saves for the backward pass are *measured*
(every tensor it saves, counted once, found with ``torch.autograd.graph.saved_tensors_hooks``);
the weights and their gradients are *computed* from the parameters (a gradient has its
weight's shape). On a GPU it also reads the allocator's peak. With ``timed=False`` it runs one
forward pass only (no backward, no gradients allocated): the same memory numbers, no time.

:func:`training_costs` does this for several models side by side, building each one in turn
when given a function that builds it, so that only one model is in memory at a time.

>>> from torch import nn
>>> cost = measure_step(nn.Sequential(nn.Conv2d(1, 2, kernel_size=3), nn.ReLU()), (2, 1, 5, 5), timed=False)
>>> cost.param_bytes, cost.activation_bytes  # 20 weights; the conv's input and the ReLU's output, 4 bytes each
(80, 344)
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass

import torch
from torch import nn

from course_utils import validate
from course_utils.device import select_device
from course_utils.formatting import MISSING, human_count, mib
from course_utils.summary import model_summary

__all__ = [
    "training_step",
    "NOT_TIMED",
    "StepCost",
    "measure_step",
    "CostRow",
    "CostTable",
    "ModelOrBuilder",
    "training_costs",
]

NOT_TIMED = "not timed"


def training_step(
    model: nn.Module, optimizer: torch.optim.Optimizer, X: torch.Tensor, y: torch.Tensor,
    *, autocast_dtype: torch.dtype | None = None,
    forward_loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
) -> torch.Tensor:
    """One step of minibatch SGD as the Trainer takes it: forward, ``model.loss``, backward, update.

    Returns the loss (detached; reading it with ``.item()`` waits for the step on a GPU). With
    ``autocast_dtype`` (e.g. ``torch.bfloat16`` on CUDA, as the Trainer does) the forward pass and
    the loss run under ``torch.autocast``. ``forward_loss(X, y)``, if given, computes the loss
    instead (e.g. a ``torch.compile`` of it). The benchmarks time this one function.
    """
    optimizer.zero_grad(set_to_none=True)
    with torch.autocast(X.device.type, dtype=autocast_dtype or torch.bfloat16, enabled=autocast_dtype is not None):
        loss = model.loss(model(X), y) if forward_loss is None else forward_loss(X, y)
    loss.backward()
    optimizer.step()
    return loss.detach()


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
        peak = "" if self.peak_bytes is None else f", allocator peak {mib(self.peak_bytes)}"
        time_text = (f"forward+backward {self.seconds * 1e3:,.0f} ms" if self.seconds is not None
                     else f"forward+backward {NOT_TIMED} (timed=False)")
        return (f"{self.model_name}, batch {shape} on {self.device}: {time_text}; "
                f"weights {mib(self.param_bytes)} + gradients {mib(self.grad_bytes)} + saved activations "
                f"{mib(self.activation_bytes)} = {mib(self.training_bytes)}{peak}")


def _short_repr(value: object, limit: int = 100) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _checked_model(model: object) -> nn.Module:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {_short_repr(model)} of type {type(model).__name__}: "
                        f"e.g. measure_step(LeNet(), (16, 1, 28, 28))")
    return model


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
    Lazy layers get their parameters first (one batch in evaluation mode). The batch goes to
    ``device`` (default: where the model's parameters are), which must exist on this machine.

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
    model = _checked_model(model)
    timed = validate.flag(timed, "timed")
    repeats = validate.positive_int(repeats, "repeats", example=3)
    shape = validate.shape(X_shape, "X_shape", dims=4, example=(16, 1, 224, 224))
    first = next(model.parameters(), None)
    if device is not None:
        dev = select_device(0, device)[0]  # refuses a device this machine does not have
    else:
        dev = first.device if first is not None else torch.device("cpu")
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
            ("MACs for the batch", [human_count(r.macs) for r in self.rows]),
            ("  in convolutions", [human_count(r.conv_macs) for r in self.rows]),
            ("  in linear layers", [human_count(r.linear_macs) for r in self.rows]),
            ("weights + gradients", [mib(r.step.param_bytes + r.step.grad_bytes) for r in self.rows]),
            ("saved activations", [mib(r.step.activation_bytes) for r in self.rows]),
            ("memory of a training step", [mib(r.step.training_bytes) for r in self.rows]),
        ]
        untimed = [r.name for r in self.rows if r.step.seconds is None]
        if include_time:
            times = [NOT_TIMED if r.step.seconds is None else f"{r.step.seconds * 1e3:,.0f} ms" for r in self.rows]
            lines.append(("forward + backward", times))
            if any(r.step.peak_bytes is not None for r in self.rows):
                peaks = [MISSING if r.step.peak_bytes is None else mib(r.step.peak_bytes) for r in self.rows]
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
    return model_or_builder, validate.shape(X_shape, "X_shape", dims=4, example=(16, 1, 224, 224))


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
    X_shape)`` raises TypeError, a bad shape ValueError (TypeError if it is no sequence); a function that returns something other
    than a module raises TypeError when it is called.
    """
    timed = validate.flag(timed, "timed")
    repeats = validate.positive_int(repeats, "repeats", example=3)
    if not isinstance(entries, Mapping):
        raise TypeError(f"entries must be a dict of name -> (model, X_shape), got {_short_repr(entries)}: "
                        f"{_ENTRY_EXAMPLE}")
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
