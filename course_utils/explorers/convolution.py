"""The convolution explorer: padding, stride, dilation, channels, groups and the transposed convolution (D2L 7.3, 7.4).

Every 2-D setting of ``nn.Conv2d`` and ``nn.ConvTranspose2d`` at once, on small integers a
student can add up by hand: the input is ``X[c, i, j] = (i·W + j + c) mod 10`` (the book's
``arange``, channel ``c`` shifted by ``c`` as in 7.4) and the weights are
``K[o, c, a, b] = (a·k_w + b + c + o) mod 10``. The output comes from ``F.conv2d`` (after
``F.pad``, so padding may differ on the four sides) or ``F.conv_transpose2d``; which input
cells each output cell reads, and with which weight, comes from ``course_utils.shapes``.

The grids follow one channel path: output channel 0, which reads the input channels of the
first group; when that group has several channels they are stacked top to bottom in the
``input`` grid (and their kernel slices in the ``kernel`` grid), so the written-out sum runs
over the channels too and equals the output value. The ``in_channels`` and ``out_channels``
grids show which input channels every output channel reads (groups, depthwise).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from math import gcd
from typing import Any

import torch
import torch.nn.functional as F

from course_utils import validate
from course_utils.explorers._widget import Explorer
from course_utils.explorers.scene import Control, Grid, Link, Scene
from course_utils.language import say
from course_utils.shapes import (
    conv_formula_text,
    conv_output_size,
    conv_transpose_formula_text,
    conv_transpose_output_shape,
    same_padding,
    transposed_window_taps,
    window_taps,
)

__all__ = ["ConvolutionExplorer", "example_input", "example_weight", "PADDING_MODES"]

PADDING_MODES = ("explicit", "same", "valid")

# The book's 7.3 example: an 8x8 input, a 3x3 kernel, padding 1 and stride 2 (output 4x4).
_DEFAULTS: dict[str, Any] = {
    "transposed": False,
    "height": 8, "width": 8,
    "kernel_h": 3, "kernel_w": 3,
    "padding_mode": "explicit",
    "pad_top": 1, "pad_bottom": 1, "pad_left": 1, "pad_right": 1,
    "stride_h": 2, "stride_w": 2,
    "dilation_h": 1, "dilation_w": 1,
    "in_channels": 1, "out_channels": 1, "groups": 1,
    "output_padding_h": 0, "output_padding_w": 0,
    "row": 0, "col": 0,
}

# Whole-number controls: (smallest, largest). row and col also stay inside the output.
_LIMITS: dict[str, tuple[int, int]] = {
    "height": (1, 12), "width": (1, 12),
    "kernel_h": (1, 7), "kernel_w": (1, 7),
    "pad_top": (0, 4), "pad_bottom": (0, 4), "pad_left": (0, 4), "pad_right": (0, 4),
    "stride_h": (1, 4), "stride_w": (1, 4),
    "dilation_h": (1, 3), "dilation_w": (1, 3),
    "in_channels": (1, 8), "out_channels": (1, 8), "groups": (1, 8),
    "output_padding_h": (0, 3), "output_padding_w": (0, 3),
    "row": (0, 99), "col": (0, 99),
}

_SHOW_VALUES_UP_TO = 625  # cells; larger grids are drawn without their numbers
_WRITTEN_TERMS = 12  # the text writes a sum out in full up to this many products


# ---------------------------------------------------------------------------
# The tensors
# ---------------------------------------------------------------------------


def example_input(channels: int, height: int, width: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """The explorer's input, shape (1, channels, height, width): ``X[c, i, j] = (i·width + j + c) mod 10``.

    >>> example_input(2, 2, 3)[0].tolist()
    [[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]
    """
    c = torch.arange(channels).reshape(channels, 1, 1)
    i = torch.arange(height).reshape(1, height, 1)
    j = torch.arange(width).reshape(1, 1, width)
    return ((i * width + j + c) % 10).to(dtype).unsqueeze(0)


def example_weight(first: int, second: int, kernel_h: int, kernel_w: int,
                   dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """The explorer's weights, shape (first, second, kernel_h, kernel_w).

    ``K[o, c, a, b] = (a·kernel_w + b + c + o) mod 10``.

    ``nn.Conv2d`` holds (out_channels, in_channels / groups, k_h, k_w), ``nn.ConvTranspose2d``
    (in_channels, out_channels / groups, k_h, k_w); the formula treats both alike.

    >>> example_weight(2, 1, 2, 2)[:, 0].tolist()
    [[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]]
    """
    o = torch.arange(first).reshape(first, 1, 1, 1)
    c = torch.arange(second).reshape(1, second, 1, 1)
    a = torch.arange(kernel_h).reshape(1, 1, kernel_h, 1)
    b = torch.arange(kernel_w).reshape(1, 1, 1, kernel_w)
    return ((a * kernel_w + b + c + o) % 10).to(dtype)


# ---------------------------------------------------------------------------
# The geometry of one setting
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Axis:
    """One axis (rows or columns): the sizes and the padding actually used."""

    size: int  # input pixels
    kernel: int
    before: int  # padding before (top/left); for a transposed convolution, PyTorch's symmetric padding
    after: int
    stride: int
    dilation: int
    output_padding: int  # transposed only
    transposed: bool
    out: int  # output pixels; 0 when the setting is impossible

    @property
    def grid_size(self) -> int:
        """Cells of the input grid along this axis (the padded input of a convolution)."""
        return self.size if self.transposed else self.size + self.before + self.after

    @property
    def offset(self) -> int:
        """Grid cell of input pixel 0."""
        return 0 if self.transposed else self.before

    def taps(self, index: int) -> list[tuple[int, int]]:
        """``(grid cell, kernel tap)`` pairs that output ``index`` reads along this axis."""
        if self.transposed:
            return list(transposed_window_taps(index, self.size, self.kernel, padding=self.before,
                                               stride=self.stride, dilation=self.dilation))
        coordinates = window_taps(index, self.kernel, padding=self.before, stride=self.stride, dilation=self.dilation)
        return [(coordinate + self.before, tap) for tap, coordinate in enumerate(coordinates)]

    def formula(self, name: str) -> str:
        """The output size with the numbers in it (``name`` is out_h or out_w)."""
        if self.transposed:
            return conv_transpose_formula_text(self.size, self.kernel, padding=self.before, stride=self.stride,
                                               dilation=self.dilation, output_padding=self.output_padding, name=name)
        padding: int | tuple[int, int] = self.before if self.before == self.after else (self.before, self.after)
        return conv_formula_text(self.size, self.kernel, padding=padding, stride=self.stride,
                                 dilation=self.dilation, name=name)


@dataclass(frozen=True)
class _Setting:
    """Everything the controls say, checked: the two axes, the channels and why it is impossible."""

    transposed: bool
    mode: str
    rows: _Axis
    cols: _Axis
    in_channels: int
    out_channels: int
    groups: int
    errors: tuple[str, ...]

    @property
    def possible(self) -> bool:
        return not self.errors

    @property
    def per_group(self) -> int:
        """Input channels each output channel reads."""
        return self.in_channels // self.groups


def _usable(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` over the defaults, each value that is out of its kind or range replaced by its default
    (the limits of the controls are computed before the values are checked)."""
    usable = dict(_DEFAULTS)
    for name, value in values.items():
        if name not in _DEFAULTS:
            continue
        if name == "transposed":
            ok = isinstance(value, bool)
        elif name == "padding_mode":
            ok = value in PADDING_MODES
        else:
            low, high = _LIMITS[name]
            ok = validate.is_int(value) and low <= value <= high
        if ok:
            usable[name] = int(value) if validate.is_int(value) else value
    return usable


def _divisors(in_channels: int, out_channels: int) -> list[int]:
    common = gcd(in_channels, out_channels)
    return [g for g in range(1, common + 1) if common % g == 0]


def _setting(values: Mapping[str, Any]) -> _Setting:
    v = _usable(values)
    transposed, mode = v["transposed"], v["padding_mode"]
    kernel, stride, dilation = (v["kernel_h"], v["kernel_w"]), (v["stride_h"], v["stride_w"]), \
        (v["dilation_h"], v["dilation_w"])
    errors: list[str] = []
    if transposed:
        pads = ((v["pad_top"], v["pad_top"]), (v["pad_left"], v["pad_left"]))
        if mode != "explicit":
            errors.append(say("a transposed convolution takes its padding as numbers: nn.ConvTranspose2d has no "
                              "padding='{mode}'; choose padding_mode 'explicit'", mode=mode))
    elif mode == "same":
        pads = (same_padding(kernel[0], dilation[0]), same_padding(kernel[1], dilation[1]))
        if stride != (1, 1):
            errors.append(say("padding='same' needs stride 1, but the stride is {stride} (PyTorch refuses 'same' for "
                              "a strided convolution): set both strides to 1 or choose explicit padding",
                              stride=f"{stride[0]}×{stride[1]}"))
    elif mode == "valid":
        pads = ((0, 0), (0, 0))
    else:
        pads = ((v["pad_top"], v["pad_bottom"]), (v["pad_left"], v["pad_right"]))
    c_in, c_out, groups = v["in_channels"], v["out_channels"], v["groups"]
    if c_in % groups or c_out % groups:
        choices = [str(g) for g in _divisors(c_in, c_out)]
        listed = choices[0] if len(choices) == 1 else say("{most} or {last}", most=", ".join(choices[:-1]),
                                                          last=choices[-1])
        broken = [f"{c} / {groups}" for c in dict.fromkeys((c_in, c_out)) if c % groups]
        whole = (say("{first} is not whole", first=broken[0]) if len(broken) == 1 else
                 say("{first} and {second} are not whole", first=broken[0], second=broken[1]))
        errors.append(say("groups = {groups} must divide both in_channels = {c_in} and out_channels = {c_out} "
                          "({whole}): choose groups {listed}", groups=groups, c_in=c_in, c_out=c_out, whole=whole,
                          listed=listed))
    output_padding = (v["output_padding_h"], v["output_padding_w"]) if transposed else (0, 0)
    sizes = (v["height"], v["width"])
    outs = [0, 0]
    if transposed:
        try:
            outs = list(conv_transpose_output_shape(sizes, kernel, padding=(pads[0][0], pads[1][0]), stride=stride,
                                                    dilation=dilation, output_padding=output_padding))
        except ValueError as error:
            errors.append(str(error))
    else:
        for axis in (0, 1):
            try:
                outs[axis] = conv_output_size(sizes[axis], kernel[axis], padding=pads[axis], stride=stride[axis],
                                              dilation=dilation[axis])
            except ValueError as error:
                errors.append(say("height: {error}", error=error) if axis == 0 else say("width: {error}", error=error))
    if errors:
        outs = [0, 0]
    axes = [_Axis(sizes[a], kernel[a], pads[a][0], pads[a][1], stride[a], dilation[a], output_padding[a], transposed,
                  outs[a]) for a in (0, 1)]
    return _Setting(transposed, mode, axes[0], axes[1], c_in, c_out, groups, tuple(errors))


# ---------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------


def _num(x: float) -> str:
    """A value as the grids write it: whole numbers without a decimal point."""
    return str(int(x)) if float(x).is_integer() else f"{x:.4g}"


def _span(numbers: list[int]) -> str:
    """``[0, 1, 2] -> '0–2'``, ``[5] -> '5'``."""
    return str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}–{numbers[-1]}"


def _listed(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _rows(numbers: list[int]) -> str:
    """``row 3``, ``rows 0, 1, 2``."""
    return say("row {rows}" if len(numbers) == 1 else "rows {rows}", rows=_listed(numbers))


def _columns(numbers: list[int]) -> str:
    return say("column {cols}" if len(numbers) == 1 else "columns {cols}", cols=_listed(numbers))


def _written_sum(weights: list[float], inputs: list[float], total: float) -> str:
    """``0·0 + 1·1 + 3·2 + 4·3 = 19``: input·weight, in the book's order and the front end's (or the count
    of products when there are many)."""
    if not weights:
        return say("nothing (= {total})", total=_num(total))
    if len(weights) > _WRITTEN_TERMS:
        return say("the sum of {count} products input·weight = {total}", count=len(weights), total=_num(total))
    return " + ".join(f"{_num(x)}·{_num(w)}" for w, x in zip(weights, inputs)) + f" = {_num(total)}"


def _padding_hint(rows: list[int], height: int, cols: list[int], width: int) -> str:
    """`` (row −1 and column 8 lie in the padding)`` for the coordinates outside the input, or ""."""
    outside = ([say("row {row}", row=r) for r in rows if not 0 <= r < height]
               + [say("column {col}", col=q) for q in cols if not 0 <= q < width])
    if not outside:
        return ""
    if len(outside) == 1:
        return say(" ({where} lies in the padding)", where=outside[0])
    listed = say("{most} and {last}", most=", ".join(outside[:-1]), last=outside[-1])
    return say(" ({where} lie in the padding)", where=listed)


def _error_html(errors: tuple[str, ...]) -> str:
    return "".join(say('<p class="explorer-error"><b>Not possible:</b> {error}</p>', error=html.escape(e))
                   for e in errors)


def _padding_words(setting: _Setting) -> str:
    rows, cols = setting.rows, setting.cols
    if setting.transposed:
        return say("padding {rows}×{cols} (trimmed from both ends of the output)", rows=rows.before, cols=cols.before)
    if setting.mode == "valid":
        return say("padding 'valid' (none)")
    sides = say("top {top}, bottom {bottom}, left {left}, right {right}", top=rows.before, bottom=rows.after,
                left=cols.before, right=cols.after)
    return say("padding 'same' ({sides})", sides=sides) if setting.mode == "same" else say("padding {sides}",
                                                                                            sides=sides)


# ---------------------------------------------------------------------------
# The explorer
# ---------------------------------------------------------------------------


class ConvolutionExplorer(Explorer):
    """Output size, windows and values of a 2-D convolution or transposed convolution (D2L 7.3, 7.4).

    The defaults are the book's 7.3 example (an 8x8 input, a 3x3 kernel, padding 1, stride 2).
    Pick an output cell (``row``, ``col``) to see which input cells it reads and how its value
    is summed; impossible settings show the reason with the numbers and the input alone.

    >>> explorer = ConvolutionExplorer()
    >>> explorer.state.grid("output").rows, explorer.state.error
    (4, '')
    >>> explorer.set(kernel_h=7, pad_top=0, pad_bottom=0, stride_h=1, height=5)
    >>> explorer.state.error
    'height: kernel 7 is larger than the input 5: add padding or use a smaller kernel'
    """

    def __init__(
        self,
        transposed: bool = False,
        height: int = 8,
        width: int = 8,
        kernel_h: int = 3,
        kernel_w: int = 3,
        padding_mode: str = "explicit",
        pad_top: int = 1,
        pad_bottom: int = 1,
        pad_left: int = 1,
        pad_right: int = 1,
        stride_h: int = 2,
        stride_w: int = 2,
        dilation_h: int = 1,
        dilation_w: int = 1,
        in_channels: int = 1,
        out_channels: int = 1,
        groups: int = 1,
        output_padding_h: int = 0,
        output_padding_w: int = 0,
        row: int = 0,
        col: int = 0,
    ) -> None:
        values = {
            "transposed": transposed, "height": height, "width": width, "kernel_h": kernel_h, "kernel_w": kernel_w,
            "padding_mode": padding_mode, "pad_top": pad_top, "pad_bottom": pad_bottom, "pad_left": pad_left,
            "pad_right": pad_right, "stride_h": stride_h, "stride_w": stride_w, "dilation_h": dilation_h,
            "dilation_w": dilation_w, "in_channels": in_channels, "out_channels": out_channels, "groups": groups,
            "output_padding_h": output_padding_h, "output_padding_w": output_padding_w, "row": row, "col": col,
        }
        validate.flag(transposed, "transposed")
        validate.choice(padding_mode, "padding_mode", PADDING_MODES)
        for name, (low, high) in _LIMITS.items():
            value = validate.integer(values[name], name, minimum=low, example=_DEFAULTS[name])
            if name not in ("row", "col") and value > high:
                raise ValueError(f"{name} must be at most {high} in this explorer, got {value}: "
                                 f"write e.g. {name}={_DEFAULTS[name]}")
        super().__init__(**values)

    # -- the input and weights -----------------------------------------------
    def tensors(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The input (1, in_channels, height, width) and the weights the explorer computes with (float32):
        (out_channels, in_channels / groups, k_h, k_w), or for a transposed convolution
        (in_channels, out_channels / groups, k_h, k_w), as ``nn.Conv2d`` / ``nn.ConvTranspose2d`` hold them."""
        return self._tensors(_setting(self.values), torch.float32)

    @staticmethod
    def _tensors(setting: _Setting, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
        X = example_input(setting.in_channels, setting.rows.size, setting.cols.size, dtype)
        first, second = (setting.in_channels, setting.out_channels) if setting.transposed else \
            (setting.out_channels, setting.in_channels)
        groups = setting.groups if second % setting.groups == 0 else 1
        return X, example_weight(first, second // groups, setting.rows.kernel, setting.cols.kernel, dtype)

    # -- controls ----------------------------------------------------------------
    def _controls(self, values: Mapping[str, Any]) -> list[Control]:
        v = _usable(values)
        setting = _setting(v)
        transposed, mode = setting.transposed, setting.mode

        def number(name: str, label: str, group: str, disabled: bool = False, note: str = "",
                   low: int | None = None, high: int | None = None) -> Control:
            lo, hi = _LIMITS[name]
            return Control(name, label, "int", v[name], min=lo if low is None else low,
                           max=hi if high is None else high, step=1, disabled=disabled, note=note, group=group)

        controls = [Control("transposed", say("transposed convolution"), "toggle", transposed, group=say("kind"),
                            note=say("nn.ConvTranspose2d: each input cell spreads the kernel over the output")
                            if transposed else "")]
        controls += [number("height", say("input height"), say("input")),
                     number("width", say("input width"), say("input")),
                     number("kernel_h", say("kernel height"), say("kernel")),
                     number("kernel_w", say("kernel width"), say("kernel"))]
        mode_note = {"explicit": "", "valid": say("no padding"),
                     "same": say("the output keeps the input's size; stride 1 only")}[mode]
        if transposed:
            mode_note = say("a transposed convolution takes explicit padding only")
        controls.append(Control("padding_mode", say("padding"), "choice", mode,
                                options=[[m, m] for m in PADDING_MODES], note=mode_note, group=say("padding")))
        rows, cols = setting.rows, setting.cols
        sides = (("pad_top", say("pad top"), rows, "before"), ("pad_bottom", say("pad bottom"), rows, "after"),
                 ("pad_left", say("pad left"), cols, "before"), ("pad_right", say("pad right"), cols, "after"))
        for name, label, axis, side in sides:
            used = getattr(axis, side)
            disabled, note = False, ""
            if transposed:
                if side == "after":
                    disabled = True
                    note = (say("transposed: PyTorch's padding is symmetric, the same as top ({used})", used=used)
                            if axis is rows else
                            say("transposed: PyTorch's padding is symmetric, the same as left ({used})", used=used))
                else:
                    note = (say("trims {used} from the top and bottom of the output", used=used) if axis is rows
                            else say("trims {used} from the left and right of the output", used=used))
            elif mode != "explicit":
                disabled, note = True, say("'{mode}' pads {used} here", mode=mode, used=used)
            controls.append(number(name, label, say("padding"), disabled, note))
        for name, label, group in (("stride_h", say("stride (rows)"), say("stride")),
                                   ("stride_w", say("stride (columns)"), say("stride")),
                                   ("dilation_h", say("dilation (rows)"), say("dilation")),
                                   ("dilation_w", say("dilation (columns)"), say("dilation"))):
            note = say("'same' needs 1") if name.startswith("stride") and mode == "same" and not transposed \
                and v[name] != 1 else ""
            controls.append(number(name, label, group, note=note))
        controls += [number("in_channels", say("input channels"), say("channels")),
                     number("out_channels", say("output channels"), say("channels"))]
        c_in, c_out = setting.in_channels, setting.out_channels
        options = [[say("{groups} (depthwise)", groups=g) if g == c_in > 1 else str(g), g]
                   for g in _divisors(c_in, c_out)]
        if v["groups"] not in _divisors(c_in, c_out):
            options.append([say("{groups} (does not divide {c_in} and {c_out})", groups=v["groups"], c_in=c_in,
                                c_out=c_out), v["groups"]])
        controls.append(Control("groups", say("groups"), "choice", v["groups"], options=options,
                                group=say("channels"), note=say("divides both {c_in} and {c_out}", c_in=c_in,
                                                                c_out=c_out)))
        for name, label, axis in (("output_padding_h", say("output padding (rows)"), rows),
                                  ("output_padding_w", say("output padding (columns)"), cols)):
            if transposed:
                note = say("must be < max(stride, dilation) = {limit}", limit=max(axis.stride, axis.dilation))
                controls.append(number(name, label, say("output padding"), note=note))
            else:
                controls.append(number(name, label, say("output padding"), True, say("transposed convolution only")))
        for name, label, out in (("row", say("output row"), rows.out), ("col", say("output column"), cols.out)):
            if setting.possible:
                note = (say("the output has {count} rows", count=out) if name == "row" else
                        say("the output has {count} columns", count=out))
                controls.append(number(name, label, say("cell"), low=0, high=out - 1, note=note))
            else:
                controls.append(number(name, label, say("cell"), True, say("no output"), low=0, high=0))
        return controls

    def _normalise(self, values: dict[str, Any]) -> dict[str, Any]:
        setting = _setting(values)
        values = dict(values)
        values["row"] = min(values.get("row", 0), setting.rows.out - 1) if setting.possible else 0
        values["col"] = min(values.get("col", 0), setting.cols.out - 1) if setting.possible else 0
        return values

    # -- the scene -------------------------------------------------------------------
    def _compute(self, values: Mapping[str, Any]) -> Scene:
        setting = _setting(values)
        # float64: exact for these integer sums and fast for tiny tensors
        X, K = self._tensors(setting, torch.float64)
        if not setting.possible:
            return self._impossible(setting, X)
        rows, cols = setting.rows, setting.cols
        if setting.transposed:
            Y = F.conv_transpose2d(X, K, stride=(rows.stride, cols.stride), padding=(rows.before, cols.before),
                                   output_padding=(rows.output_padding, cols.output_padding), groups=setting.groups,
                                   dilation=(rows.dilation, cols.dilation))
            shown = X[0, :setting.per_group]
            kernels = K[:setting.per_group, 0]  # (in of group 0, k_h, k_w): weights into output channel 0
        else:
            shown = F.pad(X, (cols.before, cols.after, rows.before, rows.after))[0, :setting.per_group]
            Y = F.conv2d(F.pad(X, (cols.before, cols.after, rows.before, rows.after)), K,
                         stride=(rows.stride, cols.stride), dilation=(rows.dilation, cols.dilation),
                         groups=setting.groups)
            kernels = K[0]  # (in / groups, k_h, k_w): the weights of output channel 0
        assert tuple(Y.shape[2:]) == (rows.out, cols.out), (tuple(Y.shape), rows.out, cols.out)
        output = Y[0, 0]

        reads, taps = [], []
        for y in range(rows.out):
            row_taps = rows.taps(y)
            for x in range(cols.out):
                col_taps = cols.taps(x)
                cell_reads, cell_taps = [], []
                for c in range(setting.per_group):
                    for r, a in row_taps:
                        for q, b in col_taps:
                            cell_reads.append((c * rows.grid_size + r) * cols.grid_size + q)
                            cell_taps.append((c * rows.kernel + a) * cols.kernel + b)
                reads.append(cell_reads)
                taps.append(cell_taps)

        input_grid = self._input_grid(setting, shown, reads)
        kernel_grid = Grid("kernel", say("kernel"), setting.per_group * rows.kernel, cols.kernel,
                           values=kernels.flatten().tolist(), show_values=True, panel="convolution",
                           note=self._kernel_note(setting))
        output_grid = Grid("output", say("output {rows}×{cols}", rows=rows.out, cols=cols.out), rows.out, cols.out,
                           values=output.flatten().tolist(), show_values=rows.out * cols.out <= _SHOW_VALUES_UP_TO,
                           panel="convolution",
                           note=say("output channel 0") if setting.out_channels > 1 else "")
        grids = [input_grid, kernel_grid, output_grid, *self._channel_grids(setting)]
        links = [Link("input", "output", reads=reads, op="sum", weights="kernel", taps=taps),
                 self._channel_link(setting)]
        cell = values["row"] * cols.out + values["col"]
        text = self._text(setting, values["row"], values["col"], input_grid, kernel_grid, output_grid,
                          reads[cell], taps[cell])
        fields = dict(size=f"{rows.size}×{cols.size}", out=f"{rows.out}×{cols.out}",
                      kernel=f"{rows.kernel}×{cols.kernel}", padding=_padding_words(setting),
                      stride=f"{rows.stride}×{cols.stride}", dilation=f"{rows.dilation}×{cols.dilation}",
                      c_in=setting.in_channels, c_out=setting.out_channels, groups=setting.groups)
        summary = (say("transposed convolution {size} → {out} (kernel {kernel}, {padding}, stride {stride}, dilation "
                       "{dilation}, channels {c_in} → {c_out}, groups {groups})", **fields) if setting.transposed else
                   say("convolution {size} → {out} (kernel {kernel}, {padding}, stride {stride}, dilation {dilation}, "
                       "channels {c_in} → {c_out}, groups {groups})", **fields))
        return Scene(text=text, summary=summary, grids=grids, links=links, sweep="output",
                     selected=["output", cell])

    # -- pieces of the scene -------------------------------------------------------
    @staticmethod
    def _input_grid(setting: _Setting, shown: torch.Tensor, reads: list[list[int]]) -> Grid:
        """The input channels of group 0 (padded for a convolution), stacked top to bottom, with their kinds."""
        rows, cols = setting.rows, setting.cols
        read = {cell for cell_reads in reads for cell in cell_reads}
        # rows/columns of the grid that a window reaches at all (beyond them: cut off, "dropped")
        reach_r = max((cell // cols.grid_size) % rows.grid_size for cell in read) if read else -1
        reach_c = max(cell % cols.grid_size for cell in read) if read else -1
        kinds = []
        for c in range(setting.per_group):
            for r in range(rows.grid_size):
                for q in range(cols.grid_size):
                    inside = rows.offset <= r < rows.offset + rows.size and cols.offset <= q < cols.offset + cols.size
                    cell = (c * rows.grid_size + r) * cols.grid_size + q
                    if not inside:
                        kinds.append("pad")
                    elif cell in read:
                        kinds.append("")
                    elif not setting.transposed and (r > reach_r or q > reach_c):
                        kinds.append("dropped")
                    else:
                        kinds.append("unread")
        count = setting.per_group
        if count > 1:
            note = say("input channels 0–{last} (the group of output channel 0), stacked top to bottom", last=count - 1)
        else:
            note = say("input channel 0") if setting.in_channels > 1 else ""
        if not setting.transposed and (rows.before or rows.after or cols.before or cols.after):
            note = (note + "; " if note else "") + say("the padding is zeros around the input")
        title = (say("input {rows}×{cols}", rows=rows.size, cols=cols.size) if setting.transposed else
                 say("padded input {rows}×{cols}", rows=rows.grid_size, cols=cols.grid_size))
        return Grid("input", title, count * rows.grid_size, cols.grid_size, values=shown.flatten().tolist(),
                    kinds=kinds, row0=-rows.offset, col0=-cols.offset,
                    show_values=count * rows.grid_size * cols.grid_size <= _SHOW_VALUES_UP_TO * 4,
                    note=note, panel="convolution")

    @staticmethod
    def _kernel_note(setting: _Setting) -> str:
        count = setting.per_group
        if count == 1:
            return say("weights into output channel 0") if setting.out_channels > 1 or setting.in_channels > 1 else ""
        return say("one {kernel} slice per input channel 0–{last}, stacked",
                   kernel=f"{setting.rows.kernel}×{setting.cols.kernel}", last=count - 1)

    @staticmethod
    def _channel_grids(setting: _Setting) -> list[Grid]:
        return [
            Grid("in_channels", say("input channels"), 1, setting.in_channels,
                 labels=[say("in {channel}", channel=c) for c in range(setting.in_channels)], panel="channels"),
            Grid("out_channels", say("output channels"), 1, setting.out_channels,
                 labels=[say("out {channel}", channel=o) for o in range(setting.out_channels)], panel="channels",
                 note=say("groups = {groups}: each reads {per} of {c_in}", groups=setting.groups, per=setting.per_group,
                          c_in=setting.in_channels)),
        ]

    @staticmethod
    def _channel_link(setting: _Setting) -> Link:
        per_out = setting.out_channels // setting.groups
        reads = [[g * setting.per_group + c for c in range(setting.per_group)]
                 for g in (o // per_out for o in range(setting.out_channels))]
        return Link("in_channels", "out_channels", reads=reads, op="sum")

    def _impossible(self, setting: _Setting, X: torch.Tensor) -> Scene:
        """The input alone (channel 0, with the padding it would get), and the reasons."""
        rows, cols = setting.rows, setting.cols
        if setting.transposed:
            shown, offset_r, offset_c = X[0, 0], 0, 0
        else:
            shown = F.pad(X, (cols.before, cols.after, rows.before, rows.after))[0, 0]
            offset_r, offset_c = rows.before, cols.before
        height, width = shown.shape
        kinds = ["" if offset_r <= r < offset_r + rows.size and offset_c <= q < offset_c + cols.size else "pad"
                 for r in range(height) for q in range(width)]
        grid = Grid("input", say("input {rows}×{cols}", rows=rows.size, cols=cols.size), height, width,
                    values=shown.flatten().tolist(), kinds=kinds, row0=-offset_r, col0=-offset_c, show_values=True,
                    note=say("input channel 0") if setting.in_channels > 1 else "")
        formulas = "<br>".join(html.escape(axis.formula(name)) for axis, name in ((rows, "out_h"), (cols, "out_w")))
        text = _error_html(setting.errors) + f"<p>{formulas}</p>"
        error = "; ".join(setting.errors)
        return Scene(text=text, summary=say("not possible: {error}", error=error), grids=[grid], links=[], error=error)

    @staticmethod
    def _text(setting: _Setting, row: int, col: int, input_grid: Grid, kernel_grid: Grid, output_grid: Grid,
              reads: list[int], taps: list[int]) -> str:
        rows, cols = setting.rows, setting.cols
        fields = dict(size=f"{rows.size}×{cols.size}", out=f"{rows.out}×{cols.out}",
                      kernel=f"{rows.kernel}×{cols.kernel}", padding=html.escape(_padding_words(setting)),
                      stride=f"{rows.stride}×{cols.stride}", dilation=f"{rows.dilation}×{cols.dilation}",
                      output_padding=f"{rows.output_padding}×{cols.output_padding}")
        parts = [
            say("<p><b>Transposed convolution: input {size} → output {out}</b> (kernel {kernel}, {padding}, stride "
                "{stride}, dilation {dilation}, output padding {output_padding})</p>", **fields) if setting.transposed
            else say("<p><b>Convolution: input {size} → output {out}</b> (kernel {kernel}, {padding}, stride {stride}, "
                     "dilation {dilation})</p>", **fields),
            "<p>" + "<br>".join(html.escape(axis.formula(name)) for axis, name in ((rows, "out_h"), (cols, "out_w")))
            + "</p>",
        ]
        if setting.mode == "same" and not setting.transposed:
            parts.append(say(
                "<p>padding='same' adds d·(k − 1) = {rows} rows (top {top}, bottom {bottom}) and {cols} columns (left "
                "{left}, right {right}), so the output keeps the input's size; an odd number puts the extra one at the "
                "bottom or right.</p>", rows=rows.before + rows.after, top=rows.before, bottom=rows.after,
                cols=cols.before + cols.after, left=cols.before, right=cols.after))
        if setting.transposed:
            parts.append(say(
                "<p>Each input cell adds input × kernel to the output, the kernel placed at stride {stride}; padding "
                "then trims {rows} and {cols} from both ends. Output cell (y, x) sums the input cells i with "
                "i·s + a·d = y + p along each axis (a: the kernel row or column).</p>", stride=fields["stride"],
                rows=say("{count} row" if rows.before == 1 else "{count} rows", count=rows.before),
                cols=say("{count} column" if cols.before == 1 else "{count} columns", count=cols.before)))

        # the picked cell: which input cells, and the sum
        row_taps, col_taps = rows.taps(row), cols.taps(col)
        in_rows = [r - rows.offset for r, _ in row_taps]
        in_cols = [q - cols.offset for q, _ in col_taps]
        weights = [kernel_grid.values[t] for t in taps]  # type: ignore[index]
        inputs = [input_grid.values[r] for r in reads]  # type: ignore[index]
        value = output_grid.values[row * cols.out + col]  # type: ignore[index]
        channels = ""
        if setting.per_group > 1:
            channels = say(" in each of input channels 0–{last} (the sum runs over the channels too)",
                           last=setting.per_group - 1)
        if not reads:
            parts.append(say("<p>Output cell ({row}, {col}) receives nothing from the input (output padding adds it), "
                             "so it is 0.</p>", row=row, col=col) if setting.transposed else
                         say("<p>Output cell ({row}, {col}) reads nothing.</p>", row=row, col=col))
        else:
            padding_hint = _padding_hint(in_rows, rows.size, in_cols, cols.size)
            if setting.transposed:  # the kernel runs the other way: the first input row meets the last kernel row
                kernel_rows, kernel_cols = [a for _, a in row_taps], [b for _, b in col_taps]
                padding_hint = say(" (kernel {rows}, {cols})", rows=_rows(kernel_rows), cols=_columns(kernel_cols))
            parts.append(say("<p>Output cell ({row}, {col}) reads input {rows} and {cols}{hint}{channels}: {sum}.</p>",
                             row=row, col=col, rows=_rows(in_rows), cols=_columns(in_cols), hint=padding_hint,
                             channels=channels, sum=html.escape(_written_sum(weights, inputs, value))))

        # channels and weights
        c_in, c_out, g, per = setting.in_channels, setting.out_channels, setting.groups, setting.per_group
        count = c_out * per * rows.kernel * cols.kernel
        shape = (f"({c_in}, {c_out // g}, {rows.kernel}, {cols.kernel})" if setting.transposed
                 else f"({c_out}, {per}, {rows.kernel}, {cols.kernel})")
        if c_in == 1:
            how = (say("one input channel, read by all {c_out} output channels", c_out=c_out) if c_out > 1
                   else say("one input channel"))
        elif g == 1:
            how = say("every output channel reads all {c_in} input channels", c_in=c_in)
        elif g == c_in:
            how = say("depthwise: {groups} groups, each output channel reads one input channel", groups=g) + (
                say(" ({count} output channels per input channel)", count=c_out // g) if c_out > g else "")
        else:
            how = say("grouped, as in ResNeXt: {groups} groups, each output channel reads {per} of the {c_in} input "
                      "channels", groups=g, per=per, c_in=c_in)
        parts.append(say("<p>Weights: out·(in/groups)·k_h·k_w = {c_out}·({c_in}/{groups})·{k_h}·{k_w} = {count} "
                         "(weight shape {shape}); {how}.", c_out=c_out, c_in=c_in, groups=g, k_h=rows.kernel,
                         k_w=cols.kernel, count=count, shape=shape, how=how))
        if c_in > 1 or c_out > 1:
            span = _span(list(range(per)))
            parts.append(say(" The grids follow output channel 0 and the input channels {span} it reads.", span=span)
                         if per > 1 else
                         say(" The grids follow output channel 0 and the input channel {span} it reads.", span=span))
        parts.append("</p>")
        return "".join(parts)
