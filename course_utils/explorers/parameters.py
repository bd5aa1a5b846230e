"""Parameters of a fully connected layer against a convolution on the same image (D2L 7.1).

The book's example: a one-megapixel image (1000 x 1000, one channel) mapped to 10^6 hidden
units needs 10^12 weights; a 3 x 3 convolution needs 9, whatever the image size.

>>> counts = parameter_counts(image_side=1000, channels=1, hidden_units=10**6, kernel_size=3, out_channels=1)
>>> counts.fc_params, counts.conv_params
(1000001000000, 10)
>>> comparison(counts.fc_params, counts.conv_params)
'100,000,000,000 times fewer parameters than the fully connected layer'
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from course_utils import validate
from course_utils.explorers._widget import Explorer
from course_utils.explorers.scene import Control, Scene
from course_utils.formatting import human_bytes

__all__ = ["ParameterCalculator", "ParameterCounts", "parameter_counts", "comparison"]

BYTES_PER_PARAMETER = 4  # float32

# The counts the calculator takes, with their largest values (kernel_size is an "int" control).
_COUNTS = {
    "image_side": ("image side (pixels)", 100_000),
    "channels": ("input channels", 4096),
    "hidden_units": ("hidden units", 10**10),
    "out_channels": ("output channels", 4096),
}
MAX_KERNEL_SIZE = 15


@dataclass(frozen=True)
class ParameterCounts:
    """Weights and biases of ``nn.Linear(image_side² · channels, hidden_units)`` and of
    ``nn.Conv2d(channels, out_channels, kernel_size)``."""

    inputs: int  # image_side · image_side · channels: the fully connected layer's inputs
    fc_weights: int  # inputs · hidden_units
    fc_biases: int  # one per hidden unit
    conv_weights: int  # out_channels · channels · kernel_size · kernel_size
    conv_biases: int  # one per output channel

    @property
    def fc_params(self) -> int:
        return self.fc_weights + self.fc_biases

    @property
    def conv_params(self) -> int:
        return self.conv_weights + self.conv_biases

    @property
    def fc_bytes(self) -> int:
        return BYTES_PER_PARAMETER * self.fc_params

    @property
    def conv_bytes(self) -> int:
        return BYTES_PER_PARAMETER * self.conv_params


def parameter_counts(
    image_side: int, channels: int, hidden_units: int, kernel_size: int, out_channels: int
) -> ParameterCounts:
    """The counts of :class:`ParameterCounts` (every argument a whole number >= 1)."""
    side = validate.positive_int(image_side, "image_side", example=1000)
    c_in = validate.positive_int(channels, "channels", example=1)
    hidden = validate.positive_int(hidden_units, "hidden_units", example=10**6)
    k = validate.positive_int(kernel_size, "kernel_size", example=3)
    c_out = validate.positive_int(out_channels, "out_channels", example=1)
    inputs = side * side * c_in
    return ParameterCounts(inputs=inputs, fc_weights=inputs * hidden, fc_biases=hidden,
                           conv_weights=c_out * c_in * k * k, conv_biases=c_out)


def _significant(x: float, digits: int = 3) -> str:
    """``x`` to ``digits`` significant digits, written out in full: 36857.4 -> '36,900', 2.5 -> '2.5'."""
    if x < 10 ** (digits - 1):
        return f"{x:.{digits}g}"
    return f"{round(x, digits - 1 - math.floor(math.log10(x))):,.0f}"


def comparison(fc_params: int, conv_params: int) -> str:
    """How the convolution's parameter count compares with the fully connected layer's, as a phrase.

    >>> comparison(4097, 150_999_040)
    '36,900 times more parameters than the fully connected layer'
    >>> comparison(10, 10)
    'as many parameters as the fully connected layer'
    >>> comparison(2001, 2000)
    'about as many parameters as the fully connected layer (1 fewer)'
    """
    if conv_params == fc_params:
        return "as many parameters as the fully connected layer"
    fewer = conv_params < fc_params
    ratio = _significant(fc_params / conv_params if fewer else conv_params / fc_params)
    if ratio == "1":  # within half a percent: "1 times more" would say nothing
        difference = abs(fc_params - conv_params)
        return f"about as many parameters as the fully connected layer ({difference:,} {'fewer' if fewer else 'more'})"
    return f"{ratio} times {'fewer' if fewer else 'more'} parameters than the fully connected layer"


def _counted(count: int, noun: str) -> str:
    """``_counted(1, 'unit') -> '1 unit'``, ``_counted(4096, 'input') -> '4,096 inputs'``."""
    return f"{count:,} {noun}{'s' * (count != 1)}"


def _whole(value: Any, name: str) -> Any:
    """A count as an ``int``: 1000.0 or 1e3 becomes 1000; 12.5 is refused. Other values are left to the
    control's own check (it names the value)."""
    if isinstance(value, float) or (validate.is_number(value) and not validate.is_int(value)):
        number = float(value)
        if math.isfinite(number) and not number.is_integer():
            raise ValueError(f"{name} is a count, so it must be a whole number, got {value!r}: "
                             f"write e.g. {name}={math.floor(number) or 1}")
        return int(number) if math.isfinite(number) else value
    return int(value) if validate.is_int(value) else value


class ParameterCalculator(Explorer):
    """Parameters of a fully connected layer against a convolution on the same image (D2L 7.1).

    The defaults are the book's example (a 1000 x 1000 one-channel image, 10^6 hidden units,
    a 3 x 3 kernel). Controls: ``image_side``, ``channels``, ``hidden_units``, ``out_channels``
    (number boxes: the front end takes ``1e3`` and ``1,000``; from Python a float that is a
    whole number, such as ``1000.0``, is a count too) and ``kernel_size`` (1 to 15). The scene
    is a table (weights, biases, parameters and float32 memory of both layers) and the text;
    ``counts`` holds the numbers of the current state.
    """

    def __init__(
        self,
        image_side: int = 1000,
        channels: int = 1,
        hidden_units: int = 10**6,
        kernel_size: int = 3,
        out_channels: int = 1,
    ) -> None:
        super().__init__(**self._whole_counts(dict(image_side=image_side, channels=channels,
                                                   hidden_units=hidden_units, kernel_size=kernel_size,
                                                   out_channels=out_channels)))

    def set(self, **values: Any) -> None:
        """Set controls; a count may be a float that is a whole number (``1e3``)."""
        super().set(**self._whole_counts(values))

    @staticmethod
    def _whole_counts(values: Mapping[str, Any]) -> dict[str, Any]:
        return {name: _whole(value, name) if name in _COUNTS else value
                for name, value in values.items()}

    @property
    def counts(self) -> ParameterCounts:
        """The numbers shown now."""
        return parameter_counts(**self.values)

    def _controls(self, values: Mapping[str, Any]) -> list[Control]:
        defaults = {"image_side": 1000, "channels": 1, "hidden_units": 10**6, "out_channels": 1}
        controls = [
            Control(name, label, "number", values.get(name, defaults[name]), min=1, max=high, step=1,
                    group="fully connected" if name in ("image_side", "hidden_units") else "channels")
            for name, (label, high) in _COUNTS.items()
        ]
        controls.insert(3, Control("kernel_size", "kernel size", "int", values.get("kernel_size", 3), min=1,
                                   max=MAX_KERNEL_SIZE, step=1, group="channels"))
        return controls

    def _compute(self, values: Mapping[str, Any]) -> Scene:
        side, c_in, hidden = values["image_side"], values["channels"], values["hidden_units"]
        k, c_out = values["kernel_size"], values["out_channels"]
        n = parameter_counts(side, c_in, hidden, k, c_out)
        phrase = comparison(n.fc_params, n.conv_params)
        fc_label = f"fully connected: {side:,}·{side:,}·{c_in:,} = {_counted(n.inputs, 'input')} → " \
                   f"{_counted(hidden, 'unit')}"
        conv_label = f"convolution: {k}×{k} kernel, {_counted(c_in, 'input channel')} → " \
                     f"{_counted(c_out, 'output channel')}"
        table = [
            ["layer", "weights", "biases", "parameters", "float32 memory"],
            [fc_label, f"{n.fc_weights:,}", f"{n.fc_biases:,}", f"{n.fc_params:,}", human_bytes(n.fc_bytes)],
            [conv_label, f"{n.conv_weights:,}", f"{n.conv_biases:,}", f"{n.conv_params:,}",
             human_bytes(n.conv_bytes)],
        ]
        text = (
            f"<b>The convolution has {html.escape(phrase)}.</b><br>"
            f"Fully connected: each of the {html.escape(_counted(hidden, 'hidden unit'))} has its own weight for "
            f"each of the {html.escape(_counted(n.inputs, 'input'))}: {n.inputs:,} · {hidden:,} = "
            f"{n.fc_weights:,} weights, and one bias per unit.<br>"
            f"Convolution: {c_out:,} · {c_in:,} · {k} · {k} = {n.conv_weights:,} weights (one {k}×{k} kernel "
            f"for each pair of input and output channel), and one bias per output channel. The image side "
            "does not appear in this count.<br>"
            "Two ideas make it so small. <i>Locality</i>: an output looks only at a small patch of the image "
            f"around its position ({k}×{k} pixels here), not at every pixel. <i>Translation invariance</i>: "
            "the same kernel is used at every position, so a pattern is detected in the same way wherever it "
            "appears, and its weights are learned once instead of once per position."
        )
        summary = (f"fully connected {n.fc_params:,} parameters ({human_bytes(n.fc_bytes)}), convolution "
                   f"{n.conv_params:,} ({human_bytes(n.conv_bytes)}): {phrase}")
        return Scene(text=text, summary=summary, table=table)
