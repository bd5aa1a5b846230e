"""Self-checks for the exercises: call one with your answer, read ✅ or ❌.

Each check computes the expected value itself (from the shape arithmetic in
``course_utils.shapes`` or from PyTorch), so a notebook never prints a solution
before the student has tried. An answer left as ``...`` (or ``None``) only gets
a reminder; a wrong answer gets the expected value and the reason.

>>> check_output_shape((4, 4), input_shape=(8, 8), kernel_size=3, padding=1, stride=2)
✅ Correct: (4, 4).
   Why: out_h = ⌊(8 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = 4
        out_w = ⌊(8 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = 4
>>> check_param_count(..., in_channels=1, out_channels=6, kernel_size=5)
✏️ Replace the ... with your answer, then run the cell again.

The "Why" lines of the shape checks are ``shapes.conv_formula_text`` and
``shapes.pool_formula_text``: the formula with the numbers substituted, as the
widgets show it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import torch
import torch.nn.functional as F
from torch import nn

from course_utils import validate
from course_utils.fields import overall_receptive_field, receptive_fields
from course_utils.shapes import (
    IntOrPair,
    LayerSpec,
    _pair,
    conv_formula_text,
    conv_output_shape,
    pool_formula_text,
    pool_output_shape,
    to_2tuple,
)

__all__ = [
    "check_output_shape",
    "check_pool_output_shape",
    "check_param_count",
    "check_conv_param_count",
    "check_fc_param_count",
    "check_conv_cost",
    "check_receptive_field",
    "check_corr2d",
    "check_pool2d",
    "check_close",
    "check_module_output_shape",
    "check_model_param_count",
    "check_model_macs",
    "check_min_input_size",
]

_PLACEHOLDER = "✏️ Replace the ... with your answer, then run the cell again."


# --------------------------------------------------------------------------- reporting
_Check = TypeVar("_Check", bound=Callable[..., None])


def _answer_check(check: _Check) -> _Check:
    """Every check starts here: an answer left as ``...`` (or ``None``) gets the reminder and
    nothing else (no expected value, no reason), so no solution shows before a try."""

    @functools.wraps(check)
    def run(answer: object, *args: Any, **kwargs: Any) -> None:
        if answer is ... or answer is None:
            print(_PLACEHOLDER)
            return
        check(answer, *args, **kwargs)

    return run  # type: ignore[return-value]


def _report(ok: bool, answer: object, expected: object, why: str) -> None:
    why_lines = why.splitlines() or [""]
    why_text = "\n".join(["   Why: " + why_lines[0]] + ["        " + line for line in why_lines[1:]])
    if ok:
        print(f"✅ Correct: {expected}.")
    else:
        print(f"❌ Not quite: you answered {answer!r}, expected {expected}.")
    print(why_text)


def _as_pair(answer: object) -> tuple[int, ...] | None:
    """An answer given as an int, a tuple, a list or a torch.Size, as a tuple of ints (None if not)."""
    if validate.is_int(answer):
        return (int(answer), int(answer))  # type: ignore[call-overload]
    if isinstance(answer, (tuple, list, torch.Size)) and all(validate.is_int(v) for v in answer):
        return tuple(int(v) for v in answer)
    return None


def _as_int(answer: object) -> int | None:
    if validate.is_int(answer):
        return int(answer)  # type: ignore[call-overload]
    if isinstance(answer, float) and answer.is_integer():
        return int(answer)
    return None


# --------------------------------------------------------------------------- checks
@_answer_check
def check_output_shape(
    answer: object,
    input_shape: int | tuple[int, int],
    kernel_size: int | tuple[int, int],
    padding: int | tuple[int, int] = 0,
    stride: int | tuple[int, int] = 1,
    dilation: int | tuple[int, int] = 1,
) -> None:
    """Check the (height, width) of a convolution's output (an int means a square)."""
    n, k = to_2tuple(input_shape, "input_shape"), to_2tuple(kernel_size, "kernel_size")
    p, s, d = to_2tuple(padding, "padding"), to_2tuple(stride, "stride"), to_2tuple(dilation, "dilation")
    expected = conv_output_shape(n, k, padding=p, stride=s, dilation=d)
    why = "\n".join(
        conv_formula_text(n[i], k[i], p[i], s[i], d[i], name=name) for i, name in enumerate(("out_h", "out_w"))
    )
    _report(_as_pair(answer) == expected, answer, expected, why)


@_answer_check
def check_pool_output_shape(
    answer: object, input_shape: IntOrPair, kernel_size: IntOrPair, padding: IntOrPair = 0,
    stride: IntOrPair | None = None,
) -> None:
    """Check the (height, width) of a pooling layer's output; ``stride`` defaults to the window."""
    n, k, p = to_2tuple(input_shape, "input_shape"), to_2tuple(kernel_size, "kernel_size"), to_2tuple(padding, "padding")
    s = k if stride is None else to_2tuple(stride, "stride")
    expected = pool_output_shape(n, k, padding=p, stride=s)
    why = "\n".join(pool_formula_text(n[i], k[i], p[i], s[i], name=name) for i, name in enumerate(("out_h", "out_w")))
    _report(_as_pair(answer) == expected, answer, expected, why)


def _count_lines(module: nn.Module) -> list[str]:
    lines = []
    for name, param in module.named_parameters():
        if isinstance(param, nn.parameter.UninitializedParameter):
            raise ValueError(
                f"parameter {name!r} is not initialised yet (a lazy layer): run one batch through the model "
                "first, e.g. model(torch.zeros(1, 1, 28, 28))"
            )
        dims = "·".join(str(d) for d in param.shape)
        lines.append(f"{name}: {dims} = {param.numel():,}")
    return lines


@_answer_check
def check_param_count(
    answer: object,
    model: nn.Module | None = None,
    *,
    in_channels: int | None = None,
    out_channels: int | None = None,
    kernel_size: int | tuple[int, int] | None = None,
    bias: bool = True,
) -> None:
    """Check a number of parameters: of a whole ``model``, or of one convolution given by its sizes.

    >>> check_param_count(156, in_channels=1, out_channels=6, kernel_size=5)
    ✅ Correct: 156.
       Why: weights 6·1·5·5 = 150 + biases 6 = 156
    """
    if model is not None:
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
        lines = _count_lines(model)
        expected = sum(p.numel() for p in model.parameters())
        why = "\n".join(lines + [f"total = {expected:,}"])
        _report(_as_int(answer) == expected, answer, expected, why)
        return
    if in_channels is None or out_channels is None or kernel_size is None:
        raise ValueError(
            "give either a model or in_channels, out_channels and kernel_size of one convolution: "
            "write e.g. check_param_count(answer, in_channels=1, out_channels=6, kernel_size=5)"
        )
    check_conv_param_count(answer, in_channels, out_channels, kernel_size, bias=bias)


@_answer_check
def check_conv_param_count(
    answer: object, in_channels: int, out_channels: int, kernel_size: int | tuple[int, int], bias: bool = True
) -> None:
    """Check the parameters of a convolution: ``c_o·c_i·k_h·k_w`` weights plus ``c_o`` biases."""
    in_channels = validate.positive_int(in_channels, "in_channels", example=1)
    out_channels = validate.positive_int(out_channels, "out_channels", example=6)
    bias = validate.flag(bias, "bias")
    k_h, k_w = _pair(kernel_size, "kernel_size", 1)
    weights = out_channels * in_channels * k_h * k_w
    expected = weights + (out_channels if bias else 0)
    why = f"weights {out_channels}·{in_channels}·{k_h}·{k_w} = {weights:,}"
    why += f" + biases {out_channels} = {expected:,}" if bias else " (no bias)"
    _report(_as_int(answer) == expected, answer, expected, why)


@_answer_check
def check_fc_param_count(answer: object, in_features: int, out_features: int, bias: bool = True) -> None:
    """Check the parameters of a fully connected layer: ``in·out`` weights plus ``out`` biases.

    >>> check_fc_param_count(10**12, in_features=10**6, out_features=10**6, bias=False)
    ✅ Correct: 1000000000000.
       Why: weights 1,000,000·1,000,000 = 1,000,000,000,000 (no bias)
    """
    in_features = validate.positive_int(in_features, "in_features", example=400)
    out_features = validate.positive_int(out_features, "out_features", example=120)
    bias = validate.flag(bias, "bias")
    weights = in_features * out_features
    expected = weights + (out_features if bias else 0)
    why = f"weights {in_features:,}·{out_features:,} = {weights:,}"
    why += f" + biases {out_features:,} = {expected:,}" if bias else " (no bias)"
    _report(_as_int(answer) == expected, answer, expected, why)


@_answer_check
def check_conv_cost(
    answer: object,
    input_shape: tuple[int, int, int],
    out_channels: int,
    kernel_size: int | tuple[int, int],
    padding: int | tuple[int, int] = 0,
    stride: int | tuple[int, int] = 1,
) -> None:
    """Check the multiply-adds of one convolution's forward pass: ``c_o·c_i·k_h·k_w·out_h·out_w``.

    ``input_shape`` is ``(c_i, h, w)`` (one example, bias additions not counted).
    """
    if not (isinstance(input_shape, (tuple, list, torch.Size)) and len(input_shape) == 3):
        raise ValueError(f"input_shape must be (c_i, h, w), got {input_shape!r}: write e.g. input_shape=(3, 32, 32)")
    c_i, h, w = (validate.positive_int(v, f"input_shape[{i}]", example=3) for i, v in enumerate(input_shape))
    out_channels = validate.positive_int(out_channels, "out_channels", example=16)
    k_h, k_w = _pair(kernel_size, "kernel_size", 1)
    out_h, out_w = conv_output_shape((h, w), (k_h, k_w), padding=padding, stride=stride)
    expected = out_channels * c_i * k_h * k_w * out_h * out_w
    why = (
        f"each of the c_o·out_h·out_w = {out_channels}·{out_h}·{out_w} outputs needs c_i·k_h·k_w = "
        f"{c_i}·{k_h}·{k_w} multiply-adds: {expected:,}"
    )
    _report(_as_int(answer) == expected, answer, expected, why)


def _field_line(where: str, size: tuple[int, int], jump: tuple[int, int]) -> str:
    return f"{where}: field {size[0]}×{size[1]}, jump {jump[0]}×{jump[1]}"


@_answer_check
def check_receptive_field(answer: object, layers: Sequence[LayerSpec] | nn.Module) -> None:
    """Check the receptive field (height, width) of one output pixel of ``layers``.

    For a list of LayerSpec it is the field of the last layer; for a module, the field of its
    output (``fields.overall_receptive_field``): where paths meet (a residual ``add``, an
    Inception ``cat``) the largest over the paths, which need not be the last layer that runs.

    >>> check_receptive_field((5, 5), [LayerSpec("conv", 3), LayerSpec("conv", 3)])
    ✅ Correct: (5, 5).
       Why: after 0 (conv): field 3×3, jump 1×1
            after 1 (conv): field 5×5, jump 1×1
    """
    fields = receptive_fields(layers)
    if not fields:
        raise ValueError("layers contain no convolution or pooling layer, so there is no receptive field to check")
    output = overall_receptive_field(layers)
    expected = output.size
    lines = [_field_line(f"after {f.name or f.kind} ({f.kind})", f.size, f.jump) for f in fields]
    if (output.size, output.jump) != (fields[-1].size, fields[-1].jump):  # branches: the last layer is not the output
        lines.append(_field_line("at the output (where paths meet, the largest of their fields)", output.size,
                                 output.jump))
    _report(_as_pair(answer) == expected, answer, expected, "\n".join(lines))


def _tensor(value: object, name: str, ranks: tuple[int, ...] | None, layout: str) -> torch.Tensor:
    """``value`` must be a tensor (with one of ``ranks`` dimensions, unless None)."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}: wrap it with torch.tensor({name})")
    if ranks is not None and value.dim() not in ranks:
        raise ValueError(f"{name} must have shape {layout}, got shape {tuple(value.shape)}")
    return value


def _tensor_report(answer: object, expected: torch.Tensor, why: str) -> None:
    if not isinstance(answer, torch.Tensor):
        print(f"❌ Not quite: expected a tensor of shape {tuple(expected.shape)}, got {type(answer).__name__}.")
        print(f"   Why: {why}")
        return
    ok = answer.shape == expected.shape and torch.allclose(answer.float(), expected.float(), atol=1e-5)
    if ok:
        print(f"✅ Correct: a {tuple(expected.shape)} tensor that matches.")
    elif answer.shape != expected.shape:
        print(f"❌ Not quite: your tensor has shape {tuple(answer.shape)}, expected {tuple(expected.shape)}.")
    else:
        print("❌ Not quite: right shape, different values. Expected:")
        print(expected)
    print(f"   Why: {why}")


@_answer_check
def check_corr2d(answer: object, X: torch.Tensor, K: torch.Tensor) -> None:
    """Check the 2-D cross-correlation of ``X`` with ``K`` (computed with ``F.conv2d``)."""
    X, K = _tensor(X, "X", (2,), "(height, width)"), _tensor(K, "K", (2,), "(height, width)")
    conv_output_shape(tuple(X.shape), tuple(K.shape))  # raises if K does not fit in X
    expected = F.conv2d(X.float()[None, None], K.float()[None, None])[0, 0]
    _tensor_report(answer, expected, f"F.conv2d of the {tuple(X.shape)} input with the {tuple(K.shape)} kernel")


@_answer_check
def check_pool2d(
    answer: object,
    X: torch.Tensor,
    pool_size: int | tuple[int, int],
    mode: str = "max",
    padding: int | tuple[int, int] = 0,
    stride: int | tuple[int, int] | None = None,
) -> None:
    """Check a 2-D pooling of ``X`` (computed with ``F.max_pool2d`` / ``F.avg_pool2d``)."""
    validate.choice(mode, "mode", ("max", "avg"))
    X = _tensor(X, "X", (2, 3, 4), "(h, w), (c, h, w) or (n, c, h, w)")
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    stride = pool_size if stride is None else stride
    pool_output_shape(tuple(X.shape[-2:]), pool_size, padding=padding, stride=stride)  # raises on bad sizes
    X4 = X.float().reshape((1,) * (4 - X.dim()) + tuple(X.shape))
    pooled = pool(X4, pool_size, stride=stride, padding=padding)
    expected = pooled.reshape(tuple(X.shape[:-2]) + tuple(pooled.shape[-2:]))
    _tensor_report(answer, expected, f"F.{mode}_pool2d with window {pool_size}, stride {stride}, padding {padding}")


@_answer_check
def check_close(answer: object, expected: torch.Tensor, why: str = "") -> None:
    """Check a tensor answer against a tensor the notebook computed some other way."""
    expected = _tensor(expected, "expected", None, "")
    _tensor_report(answer, expected, why or "the two computations must agree")


# --------------------------------------------------------------------------- whole models (chapter 8)
@_answer_check
def check_module_output_shape(answer: object, module: nn.Module, X_shape: Sequence[int]) -> None:
    """Check the output shape of ``module`` (a block or a model) for an input of ``X_shape``.

    The expected shape comes from running a zero batch through ``module`` in evaluation mode.

    >>> check_module_output_shape((1, 6, 14, 14), nn.Conv2d(1, 6, 3, padding=1, stride=2), (1, 1, 28, 28))
    ✅ Correct: (1, 6, 14, 14).
       Why: Conv2d(1, 6, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1)) maps 1 x 1 x 28 x 28 to 1 x 6 x 14 x 14
    """
    from course_utils.summary import model_summary

    summary = model_summary(module, X_shape)
    expected = summary.output_shape
    shape_in, shape_out = (" x ".join(map(str, s)) for s in (summary.input_shape, expected))
    name = repr(module) if not any(module.children()) else type(module).__name__
    _report(_as_pair(answer) == expected, answer, expected, f"{name} maps {shape_in} to {shape_out}")


def _summary_lines(rows: Sequence[object], value: str, total: int, shown: int = 5) -> list[str]:
    """The ``shown`` largest rows by ``value`` ("num_params" or "macs"), and the total."""
    nonzero = [row for row in rows if getattr(row, value) > 0]
    largest = sorted(nonzero, key=lambda row: getattr(row, value), reverse=True)[:shown]
    lines = [f"{row.name} ({row.layer_type}): {getattr(row, value):,}" for row in largest]  # type: ignore[attr-defined]
    rest = total - sum(getattr(row, value) for row in largest)
    if len(nonzero) > len(largest):
        lines.append(f"the other {len(nonzero) - len(largest)} layers: {rest:,}")
    lines.append(f"total = {total:,}")
    return lines


def _check_summary_total(answer: object, model: nn.Module, X_shape: Sequence[int], field: str, total: str) -> None:
    """Compare ``answer`` with a total of ``model_summary`` (``total_params`` or ``total_macs``),
    explaining it by the per-layer ``field`` of the rows."""
    from course_utils.summary import model_summary

    summary = model_summary(model, X_shape)
    expected = getattr(summary, total)
    _report(_as_int(answer) == expected, answer, expected, "\n".join(_summary_lines(summary.rows, field, expected)))


@_answer_check
def check_model_param_count(answer: object, model: nn.Module, X_shape: Sequence[int]) -> None:
    """Check the number of parameters of ``model`` (lazy layers get their shapes from a batch of
    ``X_shape`` first; the count can depend on the image size when a ``Linear`` follows ``Flatten``).

    >>> check_model_param_count(156, nn.Sequential(nn.LazyConv2d(6, kernel_size=5)), (1, 1, 28, 28))
    ✅ Correct: 156.
       Why: 0 (Conv2d): 156
            total = 156
    """
    _check_summary_total(answer, model, X_shape, "num_params", "total_params")


@_answer_check
def check_model_macs(answer: object, model: nn.Module, X_shape: Sequence[int]) -> None:
    """Check the multiply-accumulates of one forward pass of ``model`` on a batch of ``X_shape``
    (convolutions and linear layers, biases not counted: ``course_utils.summary``'s rule).

    >>> check_model_macs(117_600, nn.Sequential(nn.LazyConv2d(6, kernel_size=5, padding=2)), (1, 1, 28, 28))
    ✅ Correct: 117600.
       Why: 0 (Conv2d): 117,600
            total = 117,600
    """
    _check_summary_total(answer, model, X_shape, "macs", "total_macs")


def _forward_error(build: Callable[[], nn.Module], size: int, in_channels: int) -> str | None:
    """None if a fresh model from ``build`` maps a ``size`` x ``size`` image, else the error message.

    The layers run through ``model.net`` when the model has one, so the course models' own
    size check (``min_input_size``) is bypassed: the answer comes from PyTorch's layers.
    """
    model = build()
    net = getattr(model, "net", model)
    model.eval()
    try:
        with torch.no_grad():
            net(torch.zeros(1, in_channels, size, size))
    except (RuntimeError, ValueError) as error:
        return str(error).splitlines()[0]
    return None


@_answer_check
def check_min_input_size(
    answer: object, build: Callable[[], nn.Module], in_channels: int = 1, max_size: int = 512
) -> None:
    """Check the smallest square image (side in pixels) that ``build()``'s layers accept.

    ``build`` makes a fresh model (a class such as ``AlexNet`` works); every side from 1 up is
    tried on a new model, because a lazy ``Linear`` keeps the size of its first batch.

    >>> check_min_input_size(5, lambda: nn.Sequential(nn.Conv2d(1, 1, 5)))
    ✅ Correct: 5.
       Why: an image of 5 x 5 pixels gives an output; one of 4 x 4 fails: Calculated padded input size per channel: (4 x 4). Kernel size: (5 x 5). Kernel size can't be greater than actual input size
    """
    if isinstance(build, nn.Module) or not callable(build):
        raise TypeError(f"build must make a model (e.g. the class GoogleNet, or lambda: AlexNet()), got {build!r}")
    in_channels = validate.positive_int(in_channels, "in_channels", example=1)
    max_size = validate.positive_int(max_size, "max_size", example=512)
    for size in range(1, max_size + 1):
        if _forward_error(build, size, in_channels) is None:
            break
    else:
        raise ValueError(f"no image of up to {max_size} x {max_size} pixels passes through the model: raise max_size")
    why = f"an image of {size} x {size} pixels gives an output"
    if size > 1:
        why += f"; one of {size - 1} x {size - 1} fails: {_forward_error(build, size - 1, in_channels)}"
    else:
        why += " (every layer pads or rounds up, so even one pixel passes)"
    _report(_as_int(answer) == size, answer, size, why)
