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
from course_utils.language import say

__all__ = ["ParameterCalculator", "ParameterCounts", "parameter_counts", "comparison"]

BYTES_PER_PARAMETER = 4  # float32

# The counts the calculator takes, with their largest values (kernel_size is an "int" control).
_COUNTS = {"image_side": 100_000, "channels": 4096, "hidden_units": 10**10, "out_channels": 4096}
MAX_KERNEL_SIZE = 15


def _count_labels() -> dict[str, str]:
    """The labels of the count controls, in the language in use."""
    return {"image_side": say("image side (pixels)"), "channels": say("input channels"),
            "hidden_units": say("hidden units"), "out_channels": say("output channels")}


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
        return say("as many parameters as the fully connected layer")
    fewer = conv_params < fc_params
    ratio = _significant(fc_params / conv_params if fewer else conv_params / fc_params)
    if ratio == "1":  # within half a percent: "1 times more" would say nothing
        difference = abs(fc_params - conv_params)
        return say("about as many parameters as the fully connected layer ({difference:,} fewer)" if fewer else
                   "about as many parameters as the fully connected layer ({difference:,} more)", difference=difference)
    return say("{ratio} times fewer parameters than the fully connected layer" if fewer else
               "{ratio} times more parameters than the fully connected layer", ratio=ratio)


def _inputs(count: int) -> str:
    """``1 input``, ``4,096 inputs``."""
    return say("{count:,} input" if count == 1 else "{count:,} inputs", count=count)


def _units(count: int) -> str:
    return say("{count:,} unit" if count == 1 else "{count:,} units", count=count)


def _hidden_units(count: int) -> str:
    return say("{count:,} hidden unit" if count == 1 else "{count:,} hidden units", count=count)


def _input_channels(count: int) -> str:
    return say("{count:,} input channel" if count == 1 else "{count:,} input channels", count=count)


def _output_channels(count: int) -> str:
    return say("{count:,} output channel" if count == 1 else "{count:,} output channels", count=count)


def _whole(value: Any, name: str) -> Any:
    """A count as an ``int``: 1000.0 or 1e3 becomes 1000; 12.5 is refused. Other values are left to the
    control's own check (it names the value)."""
    if isinstance(value, float) or (validate.is_number(value) and not validate.is_int(value)):
        number = float(value)
        if math.isfinite(number) and not number.is_integer():
            raise ValueError(say("{name} is a count, so it must be a whole number, got {value!r}: "
                                 "write e.g. {name}={example}", name=name, value=value,
                                 example=math.floor(number) or 1))
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
        labels = _count_labels()
        controls = [
            Control(name, labels[name], "number", values.get(name, defaults[name]), min=1, max=high, step=1,
                    group=say("fully connected") if name in ("image_side", "hidden_units") else say("channels"))
            for name, high in _COUNTS.items()
        ]
        controls.insert(3, Control("kernel_size", say("kernel size"), "int", values.get("kernel_size", 3), min=1,
                                   max=MAX_KERNEL_SIZE, step=1, group=say("channels")))
        return controls

    def _compute(self, values: Mapping[str, Any]) -> Scene:
        side, c_in, hidden = values["image_side"], values["channels"], values["hidden_units"]
        k, c_out = values["kernel_size"], values["out_channels"]
        n = parameter_counts(side, c_in, hidden, k, c_out)
        phrase = comparison(n.fc_params, n.conv_params)
        fc_label = say("fully connected: {side:,}·{side:,}·{channels:,} = {inputs} → {units}", side=side,
                       channels=c_in, inputs=_inputs(n.inputs), units=_units(hidden))
        conv_label = say("convolution: {k}×{k} kernel, {inputs} → {outputs}", k=k, inputs=_input_channels(c_in),
                         outputs=_output_channels(c_out))
        table = [
            [say("layer"), say("weights"), say("biases"), say("parameters"), say("float32 memory")],
            [fc_label, f"{n.fc_weights:,}", f"{n.fc_biases:,}", f"{n.fc_params:,}", human_bytes(n.fc_bytes)],
            [conv_label, f"{n.conv_weights:,}", f"{n.conv_biases:,}", f"{n.conv_params:,}",
             human_bytes(n.conv_bytes)],
        ]
        text = (
            say("<b>The convolution has {phrase}.</b><br>", phrase=html.escape(phrase))
            + say("Fully connected: each of the {hidden} has its own weight for each of the {inputs}: "
                  "{count:,} · {units:,} = {weights:,} weights, and one bias per unit.<br>",
                  hidden=html.escape(_hidden_units(hidden)), inputs=html.escape(_inputs(n.inputs)), count=n.inputs,
                  units=hidden, weights=n.fc_weights)
            + say("Convolution: {c_out:,} · {c_in:,} · {k} · {k} = {weights:,} weights (one {k}×{k} kernel for each "
                  "pair of input and output channel), and one bias per output channel. The image side does not "
                  "appear in this count.<br>", c_out=c_out, c_in=c_in, k=k, weights=n.conv_weights)
            + say("Two ideas make it so small. <i>Locality</i>: an output looks only at a small patch of the image "
                  "around its position ({k}×{k} pixels here), not at every pixel. <i>Translation invariance</i>: "
                  "the same kernel is used at every position, so a pattern is detected in the same way wherever it "
                  "appears, and its weights are learned once instead of once per position.", k=k)
        )
        summary = say("fully connected {fc:,} parameters ({fc_bytes}), convolution {conv:,} ({conv_bytes}): {phrase}",
                      fc=n.fc_params, fc_bytes=human_bytes(n.fc_bytes), conv=n.conv_params,
                      conv_bytes=human_bytes(n.conv_bytes), phrase=phrase)
        return Scene(text=text, summary=summary, table=table)
