"""Self-checks of sizes: output shapes, parameter counts, multiply-adds and receptive fields.

>>> check_output_shape((4, 4), input_shape=(8, 8), kernel_size=3, padding=1, stride=2)
✅ Correct: (4, 4).
   Why: out_h = ⌊(8 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = 4
        out_w = ⌊(8 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = 4
>>> check_param_count(..., in_channels=1, out_channels=6, kernel_size=5)
✏️ Replace the ... with your answer, then run the cell again.

The "Why" lines of the shape checks are ``shapes.conv_formula_text`` and
``shapes.pool_formula_text``: the formula with the numbers substituted, as the explorers show it.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from course_utils import validate
from course_utils.checks._verdict import answer_check, as_int, as_pair, report
from course_utils.fields import layer_specs, overall_receptive_field, receptive_fields
from course_utils.language import say
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
]

@answer_check
def check_output_shape(
    answer: object,
    input_shape: IntOrPair,
    kernel_size: IntOrPair,
    padding: IntOrPair = 0,
    stride: IntOrPair = 1,
    dilation: IntOrPair = 1,
) -> None:
    """Check the (height, width) of a convolution's output (an int means a square)."""
    n, k = to_2tuple(input_shape, "input_shape"), to_2tuple(kernel_size, "kernel_size")
    p, s, d = to_2tuple(padding, "padding"), to_2tuple(stride, "stride"), to_2tuple(dilation, "dilation")
    expected = conv_output_shape(n, k, padding=p, stride=s, dilation=d)
    why = "\n".join(
        conv_formula_text(n[i], k[i], p[i], s[i], d[i], name=name) for i, name in enumerate(("out_h", "out_w"))
    )
    hint = say("for each side, out = ⌊(n + p_total − d·(k − 1) − 1) / s⌋ + 1, with n = {n}, k = {k}, padding {p} on "
               "each side (p_total = 2·p), stride s = {s}, dilation d = {d}. Answer (height, width).",
               n=_side(n), k=_side(k), p=_side(p), s=_side(s), d=_side(d))
    report(as_pair(answer) == expected, answer, expected, hint=hint, why=why)


def _side(pair: tuple[int, int]) -> str:
    """``3`` for a square pair ``(3, 3)``, else ``3 (height) / 5 (width)``."""
    if pair[0] == pair[1]:
        return str(pair[0])
    return say("{height} (height) / {width} (width)", height=pair[0], width=pair[1])


@answer_check
def check_pool_output_shape(
    answer: object, input_shape: IntOrPair, kernel_size: IntOrPair, padding: IntOrPair = 0,
    stride: IntOrPair | None = None,
) -> None:
    """Check the (height, width) of a pooling layer's output; ``stride`` defaults to the window."""
    n, k, p = to_2tuple(input_shape, "input_shape"), to_2tuple(kernel_size, "kernel_size"), to_2tuple(padding, "padding")
    s = k if stride is None else to_2tuple(stride, "stride")
    expected = pool_output_shape(n, k, padding=p, stride=s)
    why = "\n".join(pool_formula_text(n[i], k[i], p[i], s[i], name=name) for i, name in enumerate(("out_h", "out_w")))
    hint = say("a pooling window slides like a convolution's: out = ⌊(n + 2·p − k) / s⌋ + 1 per side, with "
               "n = {n}, window k = {k}, padding p = {p}, stride s = {s}{default}.", n=_side(n), k=_side(k), p=_side(p),
               s=_side(s), default=say(" (a pooling layer's stride defaults to its window)") if stride is None else "")
    report(as_pair(answer) == expected, answer, expected, hint=hint, why=why)


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


@answer_check
def check_param_count(
    answer: object,
    model: nn.Module | None = None,
    *,
    in_channels: int | None = None,
    out_channels: int | None = None,
    kernel_size: IntOrPair | None = None,
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
        hint = say("add up every layer's weights and biases: a convolution has c_out·c_in·k_h·k_w weights and c_out "
                   "biases, a dense layer in·out weights and out biases; activations and pooling have none.")
        report(as_int(answer) == expected, answer, expected, hint=hint,
               why="\n".join(lines + [say("total = {total:,}", total=expected)]))
        return
    if in_channels is None or out_channels is None or kernel_size is None:
        raise ValueError(
            "give either a model or in_channels, out_channels and kernel_size of one convolution: "
            "write e.g. check_param_count(answer, in_channels=1, out_channels=6, kernel_size=5)"
        )
    check_conv_param_count(answer, in_channels, out_channels, kernel_size, bias=bias)


@answer_check
def check_conv_param_count(
    answer: object, in_channels: int, out_channels: int, kernel_size: IntOrPair, bias: bool = True
) -> None:
    """Check the parameters of a convolution: ``c_o·c_i·k_h·k_w`` weights plus ``c_o`` biases."""
    in_channels = validate.positive_int(in_channels, "in_channels", example=1)
    out_channels = validate.positive_int(out_channels, "out_channels", example=6)
    bias = validate.flag(bias, "bias")
    k_h, k_w = _pair(kernel_size, "kernel_size", 1)
    weights = out_channels * in_channels * k_h * k_w
    expected = weights + (out_channels if bias else 0)
    why = say("weights {c_o}·{c_i}·{k_h}·{k_w} = {weights:,}", c_o=out_channels, c_i=in_channels, k_h=k_h, k_w=k_w,
              weights=weights)
    why += say(" + biases {biases} = {total:,}", biases=out_channels, total=expected) if bias else say(" (no bias)")
    hint = say("every output channel has one k_h × k_w kernel per input channel, plus one bias." if bias else
               "every output channel has one k_h × k_w kernel per input channel (and here no bias).")
    report(as_int(answer) == expected, answer, expected, hint=hint, why=why)


@answer_check
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
    why = say("weights {inputs:,}·{outputs:,} = {weights:,}", inputs=in_features, outputs=out_features, weights=weights)
    why += say(" + biases {biases:,} = {total:,}", biases=out_features, total=expected) if bias else say(" (no bias)")
    hint = say("each output unit has one weight per input and one bias. Python computes large products exactly: "
               "1e6 is a float, 10**6 an int." if bias else
               "each output unit has one weight per input (no bias here). Python computes large products exactly: "
               "1e6 is a float, 10**6 an int.")
    report(as_int(answer) == expected, answer, expected, hint=hint, why=why)


@answer_check
def check_conv_cost(
    answer: object,
    input_shape: tuple[int, int, int],
    out_channels: int,
    kernel_size: IntOrPair,
    padding: IntOrPair = 0,
    stride: IntOrPair = 1,
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
    why = say("each of the c_o·out_h·out_w = {c_o}·{out_h}·{out_w} outputs needs c_i·k_h·k_w = {c_i}·{k_h}·{k_w} "
              "multiply-adds: {total:,}", c_o=out_channels, out_h=out_h, out_w=out_w, c_i=c_i, k_h=k_h, k_w=k_w,
              total=expected)
    hint = say("first find the output's height and width (padding and stride count), then multiply the number of "
               "outputs, c_o·out_h·out_w, by the multiply-adds of one output, c_i·k_h·k_w.")
    report(as_int(answer) == expected, answer, expected, hint=hint, why=why)


def _describe(spec: LayerSpec | None, kind: str) -> str:
    """``conv 5×5, pad 2`` for a layer's geometry (its kind alone when it is not known)."""
    if spec is None:
        return kind
    (kh, kw), s, p, d = spec.kernel_size, spec.stride, spec.padding, spec.dilation
    parts = [f"{spec.kind} {kh}×{kw}"]
    parts += [say("stride {stride}", stride=_side(s))] if s != (1, 1) else []  # type: ignore[arg-type]
    parts += [say("pad {padding}", padding=_side(p))] if p != (0, 0) else []  # type: ignore[arg-type]
    parts += [say("dilation {dilation}", dilation=_side(d))] if d != (1, 1) else []  # type: ignore[arg-type]
    return ", ".join(parts)


@answer_check
def check_receptive_field(answer: object, layers: Sequence[LayerSpec] | nn.Module) -> None:
    """Check the receptive field (height, width) of one output pixel of ``layers``.

    For a list of LayerSpec it is the field of the last layer; for a module, the field of its
    output (``fields.overall_receptive_field``): where paths meet (a residual ``add``, an
    Inception ``cat``) the largest over the paths, which need not be the last layer that runs.

    >>> check_receptive_field((5, 5), [LayerSpec("conv", 3), LayerSpec("conv", 3)])
    ✅ Correct: (5, 5).
       Why: layer 1 (conv 3×3): field 3×3, jump 1×1
            layer 2 (conv 3×3): field 5×5, jump 1×1
    """
    fields = receptive_fields(layers)
    if not fields:
        raise ValueError("layers contain no convolution or pooling layer, so there is no receptive field to check")
    if isinstance(layers, nn.Module):
        specs = {spec.name: spec for spec in layer_specs(layers)}
        where = [f"{f.name} ({_describe(specs.get(f.name), f.kind)})" for f in fields]
    else:
        where = [say("layer {number} ({layer})", number=i, layer=_describe(spec, spec.kind))
                 for i, spec in enumerate(layers, start=1)]
    lines = [say("{where}: field {field_h}×{field_w}, jump {jump_h}×{jump_w}", where=w, field_h=f.size[0],
                 field_w=f.size[1], jump_h=f.jump[0], jump_w=f.jump[1]) for w, f in zip(where, fields)]
    output = overall_receptive_field(layers)
    if (output.size, output.jump) != (fields[-1].size, fields[-1].jump):  # branches: the last layer is not the output
        lines.append(say("at the output (where paths meet, the largest of their fields): field {field_h}×{field_w}, "
                         "jump {jump_h}×{jump_w}", field_h=output.size[0], field_w=output.size[1],
                         jump_h=output.jump[0], jump_w=output.jump[1]))
    hint = say("go layer by layer: each layer widens the field by (k − 1)·jump, and multiplies the jump (the "
               "distance in input pixels between neighbouring outputs) by its stride; start with field 1, jump 1.")
    report(as_pair(answer) == output.size, answer, output.size, hint=hint, why="\n".join(lines))
