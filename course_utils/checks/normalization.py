"""Self-checks of 8.5 and 8.6: what normalization layers compute, and what a residual block adds.

The expected values come from PyTorch itself: ``torch.native_batch_norm``,
``torch.native_layer_norm`` and ``torch.native_group_norm`` return the statistics they use,
``nn.BatchNorm1d`` keeps the running mean, and the course's ``Residual`` block is run to get
its output. Function answers (a normalization or a block written by the student) are called
on several inputs and compared with those references; the normalization layers of PyTorch
are not allowed inside them (a ``TorchFunctionMode`` records what the function calls).

>>> check_running_mean(0.5, batch_means=[5.0], momentum=0.1)
✅ Correct: 0.5.
   Why: start 0
        after batch 1 (mean 5): 0.9·0 + 0.1·5 = 0.5
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.overrides import TorchFunctionMode

from course_utils import validate
from course_utils.checks._verdict import PLACEHOLDER, answer_check, as_int, as_number, report, tensor_report
from course_utils.language import say

__all__ = [
    "check_batch_norm",
    "check_running_mean",
    "check_norm_statistics",
    "check_redundant_bias",
    "check_normalizer",
    "check_residual_zero_branch",
    "check_preact_block",
]

EPS = 1e-5
# PyTorch's normalization functions, which a from-scratch answer must not call.
_NORM_FUNCTIONS = frozenset({"batch_norm", "layer_norm", "group_norm", "instance_norm", "native_batch_norm",
                             "native_layer_norm", "native_group_norm", "rms_norm"})
_KINDS = ("batch", "layer", "instance", "group")


def _tensor(value: object, name: str, ranks: tuple[int, ...], layout: str) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}: wrap it with torch.tensor(...)")
    if value.dim() not in ranks:
        raise ValueError(f"{name} must have shape {layout}, got shape {tuple(value.shape)}")
    return value.detach().float()


def _fmt(value: float) -> str:
    """A number as short as it can be written: ``5``, ``0.5``, ``1.355``."""
    return f"{value:.4f}".rstrip("0").rstrip(".") if not float(value).is_integer() else str(int(value))


# --------------------------------------------------------------------------- batch statistics
def _batch_stats(X: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """PyTorch's per-feature (N x C) or per-channel (N x C x H x W) batch mean and 1/sqrt(var + eps)."""
    _, mean, invstd = torch.native_batch_norm(X, None, None, None, None, True, 0.0, EPS)
    return mean, invstd


def _per_feature(X: torch.Tensor, stat: torch.Tensor) -> torch.Tensor:
    """A per-channel statistic shaped to broadcast against ``X``."""
    return stat.reshape((1, -1) + (1,) * (X.dim() - 2))


@answer_check
def check_batch_norm(answer: object, X: torch.Tensor) -> None:
    """Check the output of batch normalization in training mode with γ = 1 and β = 0 (ε = 1e-5):
    every feature (N x C) or channel (N x C x H x W) of ``X`` standardised over the batch."""
    X = _tensor(X, "X", (2, 4), "N x C (after a linear layer) or N x C x H x W (after a convolution)")
    if X.numel() // X.shape[1] < 2:
        raise ValueError(f"X of shape {tuple(X.shape)} has one value per feature: a batch needs at least two values "
                         "per feature to have a variance")
    expected = F.batch_norm(X, None, None, training=True, eps=EPS)
    mean, invstd = _batch_stats(X)
    var = invstd.pow(-2) - EPS
    over = say("the batch") if X.dim() == 2 else say("the batch and all positions")
    lines = [say("feature {feature}: mean {mean}, variance {variance} (over {over}); output (x − {mean}) / "
                 "√({variance} + ε)", feature=c, mean=_fmt(mean[c].item()), variance=_fmt(var[c].item()), over=over)
             for c in range(min(X.shape[1], 4))]
    hint = say("work feature by feature (column by column): subtract the column's mean, then divide by the square root "
               "of its variance (the mean of the squared deviations, dividing by N, not N − 1) plus ε.")
    tensor_report(answer, expected, hint=hint, why="\n".join(lines), atol=1e-4)


@answer_check
def check_running_mean(answer: object, batch_means: Sequence[float], momentum: float = 0.1,
                       start: float = 0.0) -> None:
    """Check the running mean of a batch-norm layer after batches with the given means.

    The expected value is what ``nn.BatchNorm1d(1, momentum=momentum)`` holds after those batches."""
    if isinstance(batch_means, (str, bytes)) or not isinstance(batch_means, Sequence) or not batch_means:
        raise TypeError(f"batch_means must be a list of numbers, got {batch_means!r}: e.g. batch_means=[5.0, 5.0]")
    means = [validate.number(m, f"batch_means[{i}]", example=5.0) for i, m in enumerate(batch_means)]
    momentum = validate.fraction(momentum, "momentum", example=0.1)
    start = validate.number(start, "start", example=0.0)
    layer = nn.BatchNorm1d(1, momentum=momentum)
    layer.running_mean.fill_(start)
    lines, running = [say("start {start}", start=_fmt(start))], start
    for i, m in enumerate(means, start=1):
        layer(torch.tensor([[m - 1.0], [m + 1.0]]))  # a batch whose mean is m
        new = (1 - momentum) * running + momentum * m
        lines.append(say("after batch {batch} (mean {mean}): {keep}·{old} + {momentum}·{mean} = {new}", batch=i,
                         mean=_fmt(m), keep=_fmt(1 - momentum), old=_fmt(running), momentum=_fmt(momentum),
                         new=_fmt(new)))
        running = new
    expected = layer.running_mean.item()
    value = as_number(answer)
    hint = say("each batch moves the running mean a fraction momentum = {momentum} of the way towards the batch's "
               "mean: new = (1 − momentum)·old + momentum·batch_mean. Apply it once per batch.",
               momentum=_fmt(momentum))
    report(value is not None and math.isclose(value, expected, rel_tol=1e-3, abs_tol=1e-4), answer,
           _fmt(expected), hint=hint, why="\n".join(lines))


def _native_means(kind: str, X: torch.Tensor, groups: int | None) -> torch.Tensor:
    """The means that PyTorch's normalization of ``kind`` computes for ``X``."""
    n, c = X.shape[0], X.shape[1]
    if kind == "batch":
        return _batch_stats(X)[0]
    if kind == "layer":
        return torch.native_layer_norm(X, list(X.shape[1:]), None, None, EPS)[1]
    hw = X[0, 0].numel()
    return torch.native_group_norm(X, None, None, n, c, hw, c if kind == "instance" else groups, EPS)[1]


def _statistics(kind: str) -> tuple[str, str, str]:
    """What ``kind`` normalization is called, which means it keeps, and the axes each is taken over."""
    return {
        "batch": (say("batch normalization"), say("one mean per channel"), say("the batch and all positions")),
        "layer": (say("layer normalization"), say("one mean per example"), say("all its channels and positions")),
        "instance": (say("instance normalization"), say("one mean per example and channel"), say("the positions")),
        "group": (say("group normalization"), say("one mean per example and group of channels"),
                  say("the group's channels and positions")),
    }[kind]


@answer_check
def check_norm_statistics(answer: object, kind: str, X_shape: Sequence[int], groups: int | None = None) -> None:
    """Check how many means (and as many variances) a normalization computes for one batch of
    ``X_shape`` (N x C x H x W): ``kind`` is "batch", "layer", "instance" or "group" (with ``groups``)."""
    validate.choice(kind, "kind", _KINDS)
    shape = validate.shape(X_shape, "X_shape", dims=4, example=(32, 64, 14, 14))
    if kind == "group":
        if groups is None:
            raise ValueError("kind='group' needs the number of groups: pass e.g. groups=8")
        groups = validate.positive_int(groups, "groups", example=8)
        if shape[1] % groups:
            raise ValueError(f"groups={groups} must divide the {shape[1]} channels of X_shape {shape}")
    elif groups is not None:
        raise ValueError(f"groups is only for kind='group', got groups={groups!r} with kind={kind!r}")
    expected = _native_means(kind, torch.zeros(shape), groups).numel()
    n, c, h, w = shape
    kept = {"batch": f"C = {c:,}", "layer": f"N = {n:,}", "instance": f"N·C = {n}·{c} = {expected:,}",
            "group": f"N·groups = {n}·{groups} = {expected:,}"}[kind]
    per = (n * c * h * w) // expected
    norm, means, axes = _statistics(kind)
    why = say("{means}, taken over {axes}: {kept} means (and as many variances), each over {values:,} / {count:,} = "
              "{per:,} values", means=means, axes=axes, kept=kept, values=n * c * h * w, count=expected, per=per)
    hint = say("ask which axes are averaged over and which are kept: {norm} keeps {means}; multiply the sizes of the "
               "kept axes.", norm=norm, means=means)
    report(as_int(answer) == expected, answer, expected, hint=hint, why=why)


# --------------------------------------------------------------------------- the bias before batch norm
def _is_norm(module: nn.Module) -> bool:
    from course_utils.models.batch_norm import BatchNorm

    return isinstance(module, (nn.modules.batchnorm._BatchNorm, BatchNorm))


def _redundant_biases(model: nn.Module) -> list[tuple[str, int]]:
    """(name, size) of every bias of a convolution or linear layer that a batch norm follows directly."""
    found = []
    for prefix, parent in model.named_modules():
        if not isinstance(parent, nn.Sequential):
            continue
        children = list(parent.named_children())
        for (name, layer), (_, following) in zip(children, children[1:]):
            if isinstance(layer, (nn.Conv2d, nn.Linear)) and layer.bias is not None and _is_norm(following):
                found.append((f"{prefix}.{name}" if prefix else name, layer.bias.numel()))
    return found


@answer_check
def check_redundant_bias(answer: object, model: nn.Module, X_shape: Sequence[int]) -> None:
    """Check how many bias parameters of ``model`` have no effect because a batch norm follows
    their layer directly (the batch mean removes any constant added per feature or channel)."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}: e.g. BNLeNet()")
    shape = validate.shape(X_shape, "X_shape", example=(1, 1, 28, 28))
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(shape))  # gives the lazy layers their shapes
    model.train(was_training)
    found = _redundant_biases(model)
    expected = sum(size for _, size in found)
    lines = ([say("{name}.bias: {count:,} (a batch norm follows)", name=name, count=size) for name, size in found]
             + [say("total = {total:,}", total=expected)])
    hint = say("look for every convolution or linear layer that is followed directly by a batch norm: the batch norm "
               "subtracts the mean of each channel (feature), so a constant bias per channel cancels. Count those "
               "biases.")
    report(as_int(answer) == expected, answer, expected, hint=hint, why="\n".join(lines))


# --------------------------------------------------------------------------- function answers
class _Recorder(TorchFunctionMode):
    """Records the names of the torch functions called while it is active."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def __torch_function__(self, func: Callable[..., Any], types: Any, args: tuple[Any, ...] = (),
                           kwargs: dict[str, Any] | None = None) -> Any:
        self.names.add(getattr(func, "__name__", str(func)))
        return func(*args, **(kwargs or {}))


class _Placeholder(Exception):
    """The student's function is still the template."""


def _call(fn: Callable[..., Any], *args: Any) -> tuple[Any, set[str]]:
    """``fn(*args)`` and the torch functions it called; a template body raises ``_Placeholder``."""
    recorder = _Recorder()
    try:
        with recorder:
            result = fn(*args)
    except NotImplementedError as error:
        raise _Placeholder from error
    if result is None or result is ...:
        raise _Placeholder
    return result, recorder.names


def _inputs(shapes: Sequence[tuple[int, ...]]) -> list[torch.Tensor]:
    """Seeded test inputs, far from mean 0 and variance 1."""
    generator = torch.Generator().manual_seed(0)
    return [torch.randn(shape, generator=generator) * 3.0 + 2.0 for shape in shapes]


def _norm_reference(kind: str, X: torch.Tensor) -> torch.Tensor:
    if kind == "layer":
        return F.layer_norm(X, X.shape[1:], eps=EPS)
    mean, invstd = (_per_feature(X, s) for s in _batch_stats(X))
    return X - mean if kind == "center" else X * invstd


_NORMALIZER_TASKS: dict[str, Callable[[], str]] = {  # what each kind must compute, in the language in use
    "center": lambda: say("subtract from every feature (N x C) or channel (N x C x H x W) its mean over the batch (and "
                          "all positions), without dividing"),
    "scale": lambda: say("divide every feature (N x C) or channel (N x C x H x W) by the square root of its batch "
                         "variance + ε, without subtracting the mean"),
    "layer": lambda: say("standardise every example over all its values (channels and positions): (x − mean) / "
                         "√(var + ε)"),
}


def _compare_outputs(fn: Callable[..., Any], cases: Sequence[tuple[tuple[Any, ...], torch.Tensor]], task: str,
                     hint: str, why: str, answer: object, forbidden: frozenset[str] = _NORM_FUNCTIONS) -> None:
    """Run ``fn`` on each case's arguments and report the first mismatch with the expected tensor
    (or the first call of a ``forbidden`` torch function)."""
    try:
        for args, expected in cases:
            try:
                result, called = _call(fn, *args)
            except _Placeholder:
                raise
            except Exception as error:  # the student's code failed: say how, as a wrong answer
                report(False, answer, task, hint=hint, why=why,
                       wrong=say("your function raised {error_type}: {error} on an input of shape {shape}",
                                 error_type=type(error).__name__,
                                 error=str(error).splitlines()[0] if str(error) else "", shape=tuple(args[0].shape)))
                return
            shortcut = sorted(called & forbidden)
            if shortcut:
                report(False, answer, task, hint=hint, why=why,
                       wrong=say("your function calls PyTorch's {functions}, which the exercise asks you to write "
                                 "yourself", functions=", ".join(shortcut)))
                return
            shape = tuple(args[0].shape)
            if not isinstance(result, torch.Tensor) or result.shape != expected.shape:
                got = tuple(result.shape) if isinstance(result, torch.Tensor) else type(result).__name__
                report(False, answer, task, hint=hint, why=why,
                       wrong=say("for an input of shape {shape} your function returned {got}, not a tensor of shape "
                                 "{expected}", shape=shape, got=got, expected=tuple(expected.shape)))
                return
            error = (result.detach().float() - expected).abs().max().item()
            if error > 1e-4:
                report(False, answer, task, hint=hint, why=why,
                       wrong=say("for an input of shape {shape} your output is off by up to {error:.3g}", shape=shape,
                                 error=error))
                return
    except _Placeholder:
        print(say(PLACEHOLDER))
        return
    shapes = ", ".join(str(tuple(args[0].shape)) for args, _ in cases)
    report(True, answer, task, hint=hint,
           why=say("{why}\nagrees with PyTorch on inputs of shape {shapes}", why=why, shapes=shapes))


def _function(fn: object, example: str) -> Callable[..., Any]:
    if not callable(fn) or isinstance(fn, nn.Module):
        raise TypeError(f"the answer must be the function you defined (its name, without calling it), got "
                        f"{type(fn).__name__}: e.g. {example}")
    return fn  # type: ignore[return-value]


@answer_check
def check_normalizer(answer: object, kind: str) -> None:
    """Check a normalization written by the student: ``answer(X)`` for ``kind`` "center" (only
    remove the batch mean), "scale" (only divide by the batch standard deviation) or "layer"
    (layer normalization without scale and shift), on 2-D and 4-D inputs."""
    validate.choice(kind, "kind", tuple(_NORMALIZER_TASKS))
    fn = _function(answer, f"check_normalizer(my_{kind}, kind={kind!r})")
    cases = [((X,), _norm_reference(kind, X)) for X in _inputs([(8, 3), (4, 3, 5, 5), (2, 6, 3, 4)])]
    task = _NORMALIZER_TASKS[kind]()
    if kind == "layer":
        hint = say("compute the mean and the variance of each example over every axis but the first (keepdim=True "
                   "keeps them broadcastable), divide by N·... values, not one less, and add ε = 1e-5 inside the "
                   "square root.")
        why = say("F.layer_norm(X, X.shape[1:], eps=1e-5): one mean and variance per example")
    else:
        hint = say("the statistics are taken over axis 0 for an N x C input and over axes (0, 2, 3) for N x C x H x W; "
                   "keepdim=True keeps them broadcastable. The variance divides by the number of values "
                   "(unbiased=False) and ε = 1e-5 goes inside the square root." if kind == "scale" else
                   "the statistics are taken over axis 0 for an N x C input and over axes (0, 2, 3) for N x C x H x W; "
                   "keepdim=True keeps them broadcastable. The variance divides by the number of values "
                   "(unbiased=False).")
        why = say("X − mean, the mean per feature over the batch (per channel over batch and positions)"
                  if kind == "center" else
                  "X / √(var + 1e-5), the biased variance per feature (per channel over batch and positions)")
    _compare_outputs(fn, cases, task, hint, why, answer)


def _preact_layers(channels: int) -> tuple[nn.Module, ...]:
    """Seeded bn1, conv1, bn2, conv2 of a pre-activation block with ``channels`` channels (the
    notebook's random numbers are left as they were)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        layers = (nn.BatchNorm2d(channels), nn.Conv2d(channels, channels, 3, padding=1),
                  nn.BatchNorm2d(channels), nn.Conv2d(channels, channels, 3, padding=1))
        with torch.no_grad():
            for bn in layers[::2]:
                bn.weight.uniform_(0.5, 1.5)
                bn.bias.uniform_(-0.5, 0.5)
    return layers


def _preact_reference(X: torch.Tensor, bn1: nn.Module, conv1: nn.Module, bn2: nn.Module,
                      conv2: nn.Module) -> torch.Tensor:
    return X + conv2(F.relu(bn2(conv1(F.relu(bn1(X))))))


@answer_check
def check_preact_block(answer: object) -> None:
    """Check a pre-activation residual block written by the student:
    ``answer(X, bn1, conv1, bn2, conv2)`` must return ``X + conv2(relu(bn2(conv1(relu(bn1(X))))))``
    (batch norm, ReLU, convolution, twice; the input added at the end, no ReLU after it)."""
    fn = _function(answer, "check_preact_block(preact_block)")
    cases = []
    for X in _inputs([(4, 3, 6, 6), (2, 5, 4, 4)]):
        layers = _preact_layers(X.shape[1])
        with torch.no_grad():
            cases.append(((X, *layers), _preact_reference(X, *layers)))
    hint = say("in the pre-activation order each step is batch norm → ReLU → convolution (the convolution comes "
               "last), twice; then add X and return the sum as it is: there is no ReLU after the addition.")
    why = say("X + conv2(relu(bn2(conv1(relu(bn1(X)))))): the skip path carries X untouched to the output")
    with torch.no_grad():
        _compare_outputs(fn, cases, "X + conv2(relu(bn2(conv1(relu(bn1(X))))))", hint, why, answer,
                         forbidden=frozenset())  # the given layers are meant to be used


@answer_check
def check_residual_zero_branch(answer: object, X: torch.Tensor) -> None:
    """Check the output of ``Residual(C)`` on ``X`` (N x C x H x W) when the scale γ and shift β of
    its last batch norm are zero, so the convolution branch g(x) adds nothing: relu(x + 0)."""
    from course_utils.models.resnet import Residual

    X = _tensor(X, "X", (4,), "N x C x H x W")
    with torch.random.fork_rng(devices=[]), torch.no_grad():  # the notebook's random numbers stay as they were
        torch.manual_seed(0)
        block = Residual(X.shape[1])
        block(X)  # gives the lazy layers their shapes
        block.bn2.weight.zero_()
        block.bn2.bias.zero_()
        expected = block(X)
    negative = int((X < 0).sum())
    hint = say("with γ = β = 0 the last batch norm outputs zeros, so the branch adds nothing: the block computes "
               "relu(X + 0). Think about what the final ReLU does to each entry of X.")
    why = say("g(X) = 0, so the block returns relu(X): the {negative} negative entries of X become 0, the others pass "
              "unchanged (the identity for inputs that are already ≥ 0, such as the output of an earlier block)",
              negative=negative)
    tensor_report(answer, expected, hint=hint, why=why, atol=1e-5)
