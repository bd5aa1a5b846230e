"""The pooling explorer: maximum and average pooling of a real image (D2L 7.5).

Window, stride, padding, ``ceil_mode`` and ``count_include_pad`` follow ``nn.MaxPool2d`` and
``nn.AvgPool2d``; the pooled values come from ``F.max_pool2d`` / ``F.avg_pool2d``, the output
size and its formula from ``course_utils.shapes``. Each output cell links to the pixels its
window reads: for max pooling the pixels of the image (PyTorch pads with −∞, so padding never
wins), for average pooling also the padding zeros when ``count_include_pad`` counts them, so
the divisor of every cell is the number of cells it reads.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F

from course_utils import validate
from course_utils.explorers._inputs import default_image, grey_images
from course_utils.explorers._widget import Explorer
from course_utils.explorers.scene import Control, Grid, Link, Scene
from course_utils.language import say
from course_utils.shapes import pool_formula_text, pool_output_shape, window_taps

__all__ = ["PoolingExplorer", "POOL_MODES", "MAX_IMAGE_SIDE"]

POOL_MODES = ("max", "avg")
MAX_IMAGE_SIDE = 64  # the explorer draws every pixel of the image as a cell

_DEFAULTS: dict[str, Any] = {
    "pool_h": 2, "pool_w": 2, "stride_h": 2, "stride_w": 2, "pad_h": 0, "pad_w": 0,
    "mode": "max", "ceil_mode": False, "count_include_pad": True, "row": 0, "col": 0,
}
_LIMITS: dict[str, tuple[int, int]] = {
    "pool_h": (1, 8), "pool_w": (1, 8), "stride_h": (1, 8), "stride_w": (1, 8), "pad_h": (0, 4), "pad_w": (0, 4),
    "row": (0, 2 * MAX_IMAGE_SIDE), "col": (0, 2 * MAX_IMAGE_SIDE),
}
_FLAGS = ("ceil_mode", "count_include_pad")
_SHOW_VALUES_UP_TO = 144  # cells; larger grids are drawn as pictures without numbers


@dataclass(frozen=True)
class _Axis:
    """One axis (rows or columns) of the pooling."""

    size: int
    window: int
    stride: int
    padding: int
    out: int  # 0 when the setting is impossible

    def window_cells(self, index: int) -> list[int]:
        """Input coordinates that window ``index`` covers inside the padded input (−padding to size + padding − 1)."""
        coordinates = window_taps(index, self.window, padding=self.padding, stride=self.stride)
        return [c for c in coordinates if c < self.size + self.padding]


@dataclass(frozen=True)
class _Setting:
    rows: _Axis
    cols: _Axis
    mode: str
    ceil_mode: bool
    count_include_pad: bool
    error: str


def _usable(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` over the defaults, each value out of its kind or range replaced by its default."""
    usable = dict(_DEFAULTS)
    for name, value in values.items():
        if name in _LIMITS:
            ok = validate.is_int(value) and _LIMITS[name][0] <= value <= _LIMITS[name][1]
        elif name in _FLAGS:
            ok = isinstance(value, bool)
        else:
            ok = name == "mode" and value in POOL_MODES
        if ok:
            usable[name] = int(value) if validate.is_int(value) else value
    return usable


def _setting(values: Mapping[str, Any], shape: tuple[int, int]) -> _Setting:
    v = _usable(values)
    window, stride, padding = (v["pool_h"], v["pool_w"]), (v["stride_h"], v["stride_w"]), (v["pad_h"], v["pad_w"])
    error, out = "", (0, 0)
    try:
        out = pool_output_shape(shape, window, padding=padding, stride=stride, ceil_mode=v["ceil_mode"])
    except ValueError as problem:
        error = str(problem)
    rows = _Axis(shape[0], window[0], stride[0], padding[0], out[0])
    cols = _Axis(shape[1], window[1], stride[1], padding[1], out[1])
    return _Setting(rows, cols, v["mode"], v["ceil_mode"], v["count_include_pad"], error)


def _value(x: float) -> str:
    return f"{x:.3f}"


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


class PoolingExplorer(Explorer):
    """Maximum or average pooling of a grey image, as ``nn.MaxPool2d`` / ``nn.AvgPool2d`` do it (D2L 7.5).

    ``image``: a float tensor (H, W) or (1, H, W), at most 64×64; by default Fashion-MNIST
    test image 0 (the course's sample) divided by 255. Pick an output cell (``row``, ``col``)
    to see its window and how its value comes about.

    >>> explorer = PoolingExplorer()
    >>> explorer.state.grid("output").rows, explorer.state.error
    (14, '')
    >>> explorer.set(pad_h=2)
    >>> explorer.state.error.split(":")[0]
    'padding 2x0 is more than half the pooling window 2x2'
    """

    def __init__(
        self,
        image: torch.Tensor | None = None,
        pool_h: int = 2,
        pool_w: int = 2,
        stride_h: int = 2,
        stride_w: int = 2,
        pad_h: int = 0,
        pad_w: int = 0,
        mode: str = "max",
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        row: int = 0,
        col: int = 0,
    ) -> None:
        self._image = (default_image() if image is None else grey_images(image, "image", max_side=MAX_IMAGE_SIDE)).double()
        values = {"pool_h": pool_h, "pool_w": pool_w, "stride_h": stride_h, "stride_w": stride_w, "pad_h": pad_h,
                  "pad_w": pad_w, "mode": mode, "ceil_mode": ceil_mode, "count_include_pad": count_include_pad,
                  "row": row, "col": col}
        for name, (low, high) in _LIMITS.items():
            value = validate.integer(values[name], name, minimum=low, example=_DEFAULTS[name])
            if name not in ("row", "col") and value > high:
                raise ValueError(f"{name} must be at most {high} in this explorer, got {value}: "
                                 f"write e.g. {name}={_DEFAULTS[name]}")
        for name in _FLAGS:
            validate.flag(values[name], name)
        validate.choice(mode, "mode", POOL_MODES)
        super().__init__(**values)

    @property
    def image(self) -> torch.Tensor:
        """The image being pooled, (H, W), float32."""
        return self._image.float()

    # -- controls ------------------------------------------------------------------
    def _controls(self, values: Mapping[str, Any]) -> list[Control]:
        v = _usable(values)
        setting = _setting(v, tuple(self._image.shape))
        rows, cols = setting.rows, setting.cols

        def number(name: str, label: str, group: str, note: str = "", disabled: bool = False,
                   high: int | None = None) -> Control:
            low, top = _LIMITS[name]
            return Control(name, label, "int", v[name], min=low, max=top if high is None else high, step=1,
                           note=note, disabled=disabled, group=group)

        window, stride, padding, rounding = say("window"), say("stride"), say("padding"), say("rounding")
        controls = [
            Control("mode", say("pooling"), "choice", v["mode"], options=[[m, m] for m in POOL_MODES],
                    group=say("mode")),
            number("pool_h", say("window height"), window), number("pool_w", say("window width"), window),
            number("stride_h", say("stride (rows)"), stride), number("stride_w", say("stride (columns)"), stride),
            number("pad_h", say("padding (rows)"), padding,
                   note=say("PyTorch allows at most half the window: {window} // 2 = {half}", window=rows.window,
                            half=rows.window // 2)),
            number("pad_w", say("padding (columns)"), padding,
                   note=say("PyTorch allows at most half the window: {window} // 2 = {half}", window=cols.window,
                            half=cols.window // 2)),
            Control("ceil_mode", "ceil_mode", "toggle", v["ceil_mode"], group=rounding,
                    note=say("round the output size up; a last window must start inside the input or the top/left "
                             "padding")),
            Control("count_include_pad", "count_include_pad", "toggle", v["count_include_pad"], group=rounding,
                    disabled=v["mode"] == "max",
                    note=say("average pooling only: max pooling never counts padding (it pads with −∞)")
                    if v["mode"] == "max" else say("divide by the whole window, padding zeros included")),
        ]
        for name, label, out in (("row", say("output row"), rows.out), ("col", say("output column"), cols.out)):
            if setting.error:
                controls.append(number(name, label, say("cell"), say("no output"), True, high=0))
            else:
                note = (say("the output has {count} rows", count=out) if name == "row" else
                        say("the output has {count} columns", count=out))
                controls.append(number(name, label, say("cell"), note, high=out - 1))
        return controls

    def _normalise(self, values: dict[str, Any]) -> dict[str, Any]:
        setting = _setting(values, tuple(self._image.shape))
        values = dict(values)
        values["row"] = 0 if setting.error else min(values.get("row", 0), setting.rows.out - 1)
        values["col"] = 0 if setting.error else min(values.get("col", 0), setting.cols.out - 1)
        return values

    # -- the scene -----------------------------------------------------------------
    def _compute(self, values: Mapping[str, Any]) -> Scene:
        setting = _setting(values, tuple(self._image.shape))
        rows, cols = setting.rows, setting.cols
        padded = F.pad(self._image, (cols.padding, cols.padding, rows.padding, rows.padding))
        grid_h, grid_w = padded.shape

        def inside(r: int, q: int) -> bool:
            return 0 <= r < rows.size and 0 <= q < cols.size

        if setting.error:
            kinds = ["" if inside(r - rows.padding, q - cols.padding) else "pad"
                     for r in range(grid_h) for q in range(grid_w)]
            grid = self._input_grid(setting, padded, kinds)
            formulas = self._formulas(setting, with_result=False)
            text = (say('<p class="explorer-error"><b>Not possible:</b> {error}</p>', error=html.escape(setting.error))
                    + f"<p>{formulas}</p>")
            return Scene(text=text, summary=say("not possible: {error}", error=setting.error), grids=[grid],
                         error=setting.error)

        X = self._image[None, None]
        window, stride = (rows.window, cols.window), (rows.stride, cols.stride)
        padding = (rows.padding, cols.padding)
        if setting.mode == "max":
            Y = F.max_pool2d(X, window, stride=stride, padding=padding, ceil_mode=setting.ceil_mode)
        else:
            Y = F.avg_pool2d(X, window, stride=stride, padding=padding, ceil_mode=setting.ceil_mode,
                             count_include_pad=setting.count_include_pad)
        assert tuple(Y.shape[2:]) == (rows.out, cols.out), (tuple(Y.shape), rows.out, cols.out)
        output = Y[0, 0]

        # the cells each window reads, in grid cells of the padded input
        counts_padding = setting.mode == "avg" and setting.count_include_pad
        reads = []
        for y in range(rows.out):
            for x in range(cols.out):
                reads.append([(r + rows.padding) * grid_w + (q + cols.padding)
                              for r in rows.window_cells(y) for q in cols.window_cells(x)
                              if counts_padding or inside(r, q)])
        read = {cell for cell_reads in reads for cell in cell_reads}
        reach_r = max(cell // grid_w for cell in read)
        reach_c = max(cell % grid_w for cell in read)
        kinds = []
        for r in range(grid_h):
            for q in range(grid_w):
                if not inside(r - rows.padding, q - cols.padding):
                    kinds.append("pad")
                elif r * grid_w + q in read:
                    kinds.append("")
                elif r > reach_r or q > reach_c:
                    kinds.append("dropped")
                else:
                    kinds.append("unread")

        input_grid = self._input_grid(setting, padded, kinds)
        title = say("max pooled {rows}×{cols}" if setting.mode == "max" else "avg pooled {rows}×{cols}",
                    rows=rows.out, cols=cols.out)
        output_grid = Grid("output", title, rows.out, cols.out,
                           values=output.flatten().tolist(), shade="grey",
                           show_values=rows.out * cols.out <= _SHOW_VALUES_UP_TO, panel="pooling")
        link = Link("input", "output", reads=reads, op="max" if setting.mode == "max" else "mean",
                    divisors=[len(cell_reads) for cell_reads in reads] if setting.mode == "avg" else None)
        row, col = values["row"], values["col"]
        cell = row * cols.out + col
        text = self._text(setting, row, col, reads[cell], input_grid, float(output[row, col]))
        summary = say("max pooling {sizes} ({settings})" if setting.mode == "max" else
                      "avg pooling {sizes} ({settings})", sizes=self._sizes(setting), settings=self._settings(setting))
        return Scene(text=text, summary=summary, grids=[input_grid, output_grid], links=[link], sweep="output",
                     selected=["output", cell])

    # -- pieces of the scene ---------------------------------------------------------
    @staticmethod
    def _sizes(setting: _Setting) -> str:
        """``28×28 → 14×14``."""
        rows, cols = setting.rows, setting.cols
        return f"{rows.size}×{cols.size} → {rows.out}×{cols.out}"

    @staticmethod
    def _settings(setting: _Setting) -> str:
        """``window 2×2, stride 2×2, padding 0×0`` (and ``, ceil_mode``)."""
        rows, cols = setting.rows, setting.cols
        return say("window {window}, stride {stride}, padding {padding}", window=f"{rows.window}×{cols.window}",
                   stride=f"{rows.stride}×{cols.stride}", padding=f"{rows.padding}×{cols.padding}") + (
            ", ceil_mode" if setting.ceil_mode else "")

    @staticmethod
    def _input_grid(setting: _Setting, padded: torch.Tensor, kinds: list[str]) -> Grid:
        rows, cols = setting.rows, setting.cols
        grid_h, grid_w = padded.shape
        note = ""
        if rows.padding or cols.padding:
            if setting.mode == "max":
                note = say("padding: never read by max pooling (PyTorch pads with −∞)")
            elif setting.count_include_pad:
                note = say("padding: zeros, counted in the average")
            else:
                note = say("padding: zeros, not counted in the average")
        return Grid("input", say("input {rows}×{cols}", rows=rows.size, cols=cols.size), grid_h, grid_w,
                    values=padded.flatten().tolist(),
                    kinds=kinds, row0=-rows.padding, col0=-cols.padding, shade="grey",
                    show_values=grid_h * grid_w <= _SHOW_VALUES_UP_TO, note=note, panel="pooling")

    @staticmethod
    def _formulas(setting: _Setting, with_result: bool = True) -> str:
        rows, cols = setting.rows, setting.cols
        lines = []
        for axis, name in ((rows, "out_h"), (cols, "out_w")):
            if axis.padding > axis.window // 2:
                continue  # the error says why; the formula has no result
            lines.append(pool_formula_text(axis.size, axis.window, padding=axis.padding, stride=axis.stride,
                                           name=name, ceil_mode=setting.ceil_mode))
        return "<br>".join(html.escape(line) for line in lines)

    def _text(self, setting: _Setting, row: int, col: int, reads: list[int], input_grid: Grid, value: float) -> str:
        rows, cols = setting.rows, setting.cols
        headline = say("<p><b>max pooling: {sizes}</b> ({settings})</p>" if setting.mode == "max" else
                       "<p><b>avg pooling: {sizes}</b> ({settings})</p>",
                       sizes=self._sizes(setting), settings=self._settings(setting))
        parts = [headline, f"<p>{self._formulas(setting)}</p>"]
        window_r, window_c = rows.window_cells(row), cols.window_cells(col)
        where = say("rows {rows}, columns {cols}", rows=_span(window_r[0], window_r[-1]),
                    cols=_span(window_c[0], window_c[-1]))
        values = [input_grid.values[cell] for cell in reads]  # type: ignore[index]
        padding_cells = sum(1 for cell in reads if input_grid.kinds[cell] == "pad")  # type: ignore[index]
        if setting.mode == "max":
            parts.append(say("<p>Output cell ({row}, {col}) = the largest of the {count} pixels in input {where} = "
                             "{value}.</p>", row=row, col=col, count=len(reads), where=where, value=_value(value)))
        else:
            total = math.fsum(values)
            counted = ""
            if setting.count_include_pad and padding_cells:
                counted = say("; {count} of them are padding zeros, counted (count_include_pad=True)",
                              count=padding_cells)
            outside = sum(1 for r in window_r for q in window_c if not (0 <= r < rows.size and 0 <= q < cols.size))
            if not setting.count_include_pad and outside:
                counted = say("; the {count} padding cells are not counted (count_include_pad=False)", count=outside)
            hanging = rows.window * cols.window - len(window_r) * len(window_c)
            if hanging:
                counted += say("; {count} cells of the window lie beyond the padding and are left out (ceil_mode)",
                               count=hanging)
            parts.append(say("<p>Output cell ({row}, {col}) = the mean of input {where} = {total} / {count} = {value} "
                             "(divided by the {count} cells it reads{counted}).</p>", row=row, col=col, where=where,
                             total=_value(total), count=len(reads), value=_value(value), counted=counted))
        return "".join(parts)
