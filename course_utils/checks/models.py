"""Self-checks of whole models and blocks (chapter 8): output shapes, parameters, multiply-adds,
the smallest image a model accepts. The expected values come from running the module itself."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn

from course_utils import validate
from course_utils.checks._verdict import answer_check, as_int, as_pair, report
from course_utils.language import say

__all__ = ["check_module_output_shape", "check_model_param_count", "check_model_macs", "check_min_input_size"]


@answer_check
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
    hint = say("follow the shape through the layers: a convolution or pooling changes height and width by the "
               "output-size formula and sets the channels; a concatenation adds the channels of its branches; "
               "the batch size stays first.")
    report(as_pair(answer) == expected, answer, expected, hint=hint,
           why=say("{module} maps {shape_in} to {shape_out}", module=name, shape_in=shape_in, shape_out=shape_out))


def _summary_lines(rows: Sequence[object], value: str, total: int, shown: int = 5) -> list[str]:
    """The ``shown`` largest rows by ``value`` ("num_params" or "macs"), and the total."""
    nonzero = [row for row in rows if getattr(row, value) > 0]
    largest = sorted(nonzero, key=lambda row: getattr(row, value), reverse=True)[:shown]
    lines = [f"{row.name} ({row.layer_type}): {getattr(row, value):,}" for row in largest]  # type: ignore[attr-defined]
    rest = total - sum(getattr(row, value) for row in largest)
    if len(nonzero) > len(largest):
        lines.append(say("the other {count} layers: {rest:,}", count=len(nonzero) - len(largest), rest=rest))
    lines.append(say("total = {total:,}", total=total))
    return lines


def _check_summary_total(answer: object, model: nn.Module, X_shape: Sequence[int], field: str, total: str,
                         hint: str) -> None:
    """Compare ``answer`` with a total of ``model_summary`` (``total_params`` or ``total_macs``),
    explaining it by the per-layer ``field`` of the rows."""
    from course_utils.summary import model_summary

    summary = model_summary(model, X_shape)
    expected = getattr(summary, total)
    report(as_int(answer) == expected, answer, expected, hint=hint,
           why="\n".join(_summary_lines(summary.rows, field, expected)))


@answer_check
def check_model_param_count(answer: object, model: nn.Module, X_shape: Sequence[int]) -> None:
    """Check the number of parameters of ``model`` (lazy layers get their shapes from a batch of
    ``X_shape`` first; the count can depend on the image size when a ``Linear`` follows ``Flatten``).

    >>> check_model_param_count(156, nn.Sequential(nn.LazyConv2d(6, kernel_size=5)), (1, 1, 28, 28))
    ✅ Correct: 156.
       Why: 0 (Conv2d): 156
            total = 156
    """
    _check_summary_total(answer, model, X_shape, "num_params", "total_params", hint=say(
        "add every layer's weights and biases; the first dense layer's inputs are the flattened channels·height·width "
        "of the last feature map, so find that shape first."))


@answer_check
def check_model_macs(answer: object, model: nn.Module, X_shape: Sequence[int]) -> None:
    """Check the multiply-accumulates of one forward pass of ``model`` on a batch of ``X_shape``
    (convolutions and linear layers, biases not counted: ``course_utils.summary``'s rule).

    >>> check_model_macs(117_600, nn.Sequential(nn.LazyConv2d(6, kernel_size=5, padding=2)), (1, 1, 28, 28))
    ✅ Correct: 117600.
       Why: 0 (Conv2d): 117,600
            total = 117,600
    """
    _check_summary_total(answer, model, X_shape, "macs", "total_macs", hint=say(
        "per convolution c_out·out_h·out_w outputs times c_in·k_h·k_w multiply-adds each; per dense layer in·out; "
        "times the batch size; pooling, activations and biases are not counted."))


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


@answer_check
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
    why = say("an image of {size} x {size} pixels gives an output", size=size)
    if size > 1:
        why += say("; one of {smaller} x {smaller} fails: {error}", smaller=size - 1,
                   error=_forward_error(build, size - 1, in_channels))
    else:
        why += say(" (every layer pads or rounds up, so even one pixel passes)")
    hint = say("go through the layers from the end: each convolution needs at least its kernel's size (after "
               "padding) and each stride divides the size, so find the smallest side that leaves every layer at "
               "least one pixel.")
    report(as_int(answer) == size, answer, size, hint=hint, why=why)
