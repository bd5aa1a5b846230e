"""Concept figures of chapters 7 and 8: each draws one idea with small, computed numbers.

Every ``*_figure`` function returns a ``matplotlib.figure.Figure`` built without pyplot
(nothing leaks into pyplot's list of figures) and draws the same picture every time.
Each number in a picture comes from the operation it explains (``course_utils.ops``,
``torch.nn.functional``), never from a typed-in table; the data a figure shows is also
available on its own (:func:`pixel_use_counts`, :func:`detector_scene`,
:func:`function_classes`) for tests and for a notebook's text.

Grids follow ``course_utils.plotting``: cell ``(row, col)`` covers
``[col, col + 1] x [row, row + 1]`` with rows going down. The numbers of a grid, and the
written sums, carry a matplotlib ``gid`` (``"output"``, ``"sum"``, ...) so they can be
read back from ``Axes.texts``. The words of a figure are in the language in use
(``course_utils.language``); its numbers and formulas are the same in every language.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse, Rectangle

from course_utils import validate
from course_utils.data import TEXT_LABELS
from course_utils.data_sources import load_sample
from course_utils.fonts import SYMBOL_FAMILY
from course_utils.language import say
from course_utils.ops import _check_rank, _check_same_kind, _check_tensor, corr2d, pool2d
from course_utils.plotting import FAINT, HIGHLIGHT, _draw_cells, _grid_axes, _rgba
from course_utils.shapes import conv_formula_text, window_taps

__all__ = [
    "cross_correlation_figure",
    "receptive_field_figure",
    "DetectorScene",
    "detector_scene",
    "normalised_correlation",
    "detector_figure",
    "pixel_use_counts",
    "pixel_use_figure",
    "padding_figure",
    "stride_figure",
    "multi_input_figure",
    "conv1x1_figure",
    "pooling_figure",
    "FunctionClass",
    "FunctionClasses",
    "function_classes",
    "function_classes_figure",
]

WHITE = "#ffffff"
WINDOW_FILL = "#ffd9b3"  # a light HIGHLIGHT: the cells a window covers
KERNEL_FILL = "#dbe9f6"
PAD_FILL = "#e0e0e0"
WINDOW_PAD_FILL = "#e3c3a5"  # a window cell that lies in the padding
CHANNEL_FILLS = ("#dbe9f6", "#d9f0d3", "#eadcf2")
TITLE_SIZE = 11
TEXT_SIZE = 10
MAX_PIXEL_USE_SIZE = 16
MAX_PIXEL_USE_PANELS = 5


# ----------------------------------------------------------------------------- the example tensors


def _example_input() -> torch.Tensor:
    """The 3 x 3 input of sections 7.2-7.5: 0, 1, ..., 8."""
    return torch.arange(9.0).reshape(3, 3)


def _example_kernel() -> torch.Tensor:
    """The 2 x 2 kernel of sections 7.2-7.4: 0, 1, 2, 3."""
    return torch.arange(4.0).reshape(2, 2)


# ----------------------------------------------------------------------------- drawing rows of grids


@dataclass(frozen=True)
class _Grid:
    """One grid to draw: its numbers, title, cell colours, outlined windows and text gid."""

    values: np.ndarray
    title: str = ""
    colors: np.ndarray | None = None
    windows: tuple[tuple[int, int, int, int], ...] = ()  # (row, col, height, width), outlined
    gid: str = ""


@dataclass(frozen=True)
class _Op:
    """A symbol between two grids (``∗``, ``=``, an arrow), with an optional label above it."""

    symbol: str
    label: str = ""
    width: float = 0.9


def _colors(shape: tuple[int, ...], base: str = WHITE, marked: np.ndarray | None = None,
            grey: np.ndarray | None = None) -> np.ndarray:
    """RGBA cells: ``base``, padding cells (``grey``) light grey, ``marked`` cells light orange."""
    colors = np.tile(_rgba(base), (*shape, 1))
    if grey is not None:
        colors[grey] = _rgba(PAD_FILL)
    if marked is not None:
        colors[marked] = _rgba(WINDOW_FILL)
    if marked is not None and grey is not None:
        colors[marked & grey] = _rgba(WINDOW_PAD_FILL)
    return colors


def _box_mask(shape: tuple[int, ...], row: int, col: int, height: int, width: int) -> np.ndarray:
    mask = np.zeros(shape, dtype=bool)
    mask[row:row + height, col:col + width] = True
    return mask


def _outline(ax: Axes, x: float, y: float, width: float, height: float, linewidth: float = 2.5) -> None:
    ax.add_patch(Rectangle((x, y), width, height, fill=False, edgecolor=HIGHLIGHT, linewidth=linewidth, zorder=3))


def _draw_grid(ax: Axes, grid: _Grid, x: float, y: float) -> None:
    rows, cols = grid.values.shape
    first_text = len(ax.texts)
    _draw_cells(ax, rows, cols, grid.colors, grid.values, fontsize=TEXT_SIZE, origin=(x, y))
    for text in ax.texts[first_text:]:
        text.set_gid(grid.gid or None)
    for row, col, height, width in grid.windows:
        _outline(ax, x + col, y + row, width, height)
    if grid.title:
        ax.text(x + cols / 2, y - 0.2, grid.title, ha="center", va="bottom", fontsize=TEXT_SIZE)


def _draw_row(ax: Axes, items: Sequence[_Grid | _Op], top: float = 0.0, left: float = 0.0) -> tuple[float, float]:
    """Grids and symbols left to right, centred on one line; returns the row's (width, height)."""
    height = max(item.values.shape[0] for item in items if isinstance(item, _Grid))
    x = left
    for item in items:
        if isinstance(item, _Op):
            middle = top + height / 2
            ax.text(x + item.width / 2, middle, item.symbol, ha="center", va="center", fontsize=16,
                    fontfamily=SYMBOL_FAMILY)
            if item.label:
                ax.text(x + item.width / 2, middle - 0.45, item.label, ha="center", va="bottom", fontsize=TEXT_SIZE)
            x += item.width
        else:
            rows, cols = item.values.shape
            _draw_grid(ax, item, x, top + (height - rows) / 2)
            x += cols
    return x - left, height


def _finish(ax: Axes, width: float, height: float, *, above: float = 0.9, below: float = 0.9, title: str = "") -> None:
    """No ticks, equal aspect, the drawing plus margins for titles ``above`` and text ``below``."""
    _grid_axes(ax, round(height), round(width), "")
    ax.set_xlim(-0.1, width + 0.1)
    ax.set_ylim(height + below, -above)
    if title:
        ax.set_title(title, fontsize=TITLE_SIZE)


def _caption(ax: Axes, x: float, y: float, text: str, gid: str = "sum") -> None:
    ax.text(x, y, text, ha="center", va="top", fontsize=TEXT_SIZE, gid=gid)


def _number(value: float) -> str:
    text = f"{value:g}"
    return f"({text})" if value < 0 else text


def _products_text(values: np.ndarray, weights: np.ndarray) -> str:
    """``"0·0 + 1·1 + 3·2 + 4·3"``: the window times the kernel, term by term."""
    return " + ".join(f"{_number(a)}·{_number(b)}" for a, b in zip(values.ravel(), weights.ravel()))


def _np(x: torch.Tensor) -> np.ndarray:
    return x.detach().cpu().double().numpy()


# ----------------------------------------------------------------------------- sliding windows


def _window_panel(ax: Axes, X: torch.Tensor, K: torch.Tensor, Y: torch.Tensor, cell: tuple[int, int], *,
                  padding: int = 0, stride: tuple[int, int] = (1, 1)) -> None:
    """``X`` (padded by ``padding``) ∗ ``K`` = ``Y``, with the window of ``Y[cell]`` and its sum."""
    padded = _np(F.pad(X, (padding,) * 4))
    kernel, output = _np(K), _np(Y)
    (k_h, k_w), (row, col) = kernel.shape, cell
    top, left = row * stride[0], col * stride[1]
    window = _box_mask(padded.shape, top, left, k_h, k_w)
    grey = ~_box_mask(padded.shape, padding, padding, *X.shape)
    x_title = say("input X padded by {padding}", padding=padding) if padding else say("input X")
    items = [
        _Grid(padded, x_title, _colors(padded.shape, marked=window, grey=grey), ((top, left, k_h, k_w),), "input"),
        _Op("∗"),
        _Grid(kernel, say("kernel K"), _colors(kernel.shape, KERNEL_FILL), gid="kernel"),
        _Op("="),
        _Grid(output, say("output Y"), _colors(output.shape, marked=_box_mask(output.shape, row, col, 1, 1)),
              ((row, col, 1, 1),), "output"),
    ]
    width, height = _draw_row(ax, items)
    products = _products_text(padded[window], kernel)
    _caption(ax, width / 2, height + 0.35, f"{products} = {output[row, col]:g}")
    _finish(ax, width, height, below=1.2, title=f"Y[{row}, {col}]")


def _window_panels(X: torch.Tensor, K: torch.Tensor, Y: torch.Tensor, suptitle: str, *, padding: int = 0,
                   stride: tuple[int, int] = (1, 1), figsize: tuple[float, float] = (9.0, 5.6)) -> Figure:
    """One :func:`_window_panel` per output cell, two to a row."""
    cells = [(r, c) for r in range(Y.shape[0]) for c in range(Y.shape[1])]
    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(-(-len(cells) // 2), 2, squeeze=False).flat
    for ax, cell in zip(axes, cells):
        _window_panel(ax, X, K, Y, cell, padding=padding, stride=stride)
    fig.suptitle(suptitle, fontsize=TITLE_SIZE)
    return fig


def cross_correlation_figure() -> Figure:
    """The 3 x 3 input 0..8 cross-correlated with the 2 x 2 kernel 0..3, one panel per output:
    the window read, the kernel, the output cell and its sum (19, 25, 37 and 43)."""
    X, K = _example_input(), _example_kernel()
    Y = corr2d(X, K)
    return _window_panels(X, K, Y, say("Cross-correlation: each output is a window of X times K, summed"))


def padding_figure(cell: tuple[int, int] = (0, 1)) -> Figure:
    """The 3 x 3 input padded by one ring of zeros (5 x 5), the 2 x 2 kernel and the 4 x 4
    output; the window of output ``cell`` highlighted with its sum."""
    X, K = _example_input(), _example_kernel()
    Y = F.conv2d(X[None, None], K[None, None], padding=1)[0, 0]
    row, col = _cell(cell, Y.shape, "cell")
    formula = conv_formula_text(X.shape[0], K.shape[0], padding=1, name="out_h")
    fig = Figure(figsize=(8.0, 4.0), layout="constrained")
    _window_panel(fig.add_subplot(), X, K, Y, (row, col), padding=1)
    fig.suptitle(say("Padding by 1 (grey cells are zeros): {formula}", formula=formula), fontsize=TITLE_SIZE)
    return fig


def stride_figure() -> Figure:
    """The padded input of :func:`padding_figure` with stride 3 down and 2 across: a 2 x 2
    output, one panel per output cell with its window and sum; the shape formula in the title."""
    X, K = _example_input(), _example_kernel()
    stride = (3, 2)
    Y = F.conv2d(X[None, None], K[None, None], padding=1, stride=stride)[0, 0]
    heights = conv_formula_text(X.shape[0], K.shape[0], padding=1, stride=stride[0], name="out_h")
    widths = conv_formula_text(X.shape[1], K.shape[1], padding=1, stride=stride[1], name="out_w")
    title = say("Stride 3 down, 2 across, padding 1\n{heights}     {widths}", heights=heights, widths=widths)
    return _window_panels(X, K, Y, title, padding=1, stride=stride, figsize=(9.0, 6.4))


def _cell(value: Any, shape: Sequence[int], name: str) -> tuple[int, int]:
    """A ``(row, col)`` pair inside a grid of ``shape``."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) != 2:
        raise TypeError(f"{name} must be a pair (row, col), got {value!r}: write e.g. {name}=(0, 1)")
    row = validate.nonnegative_int(value[0], f"{name}[0]")
    col = validate.nonnegative_int(value[1], f"{name}[1]")
    if row >= shape[0] or col >= shape[1]:
        raise ValueError(f"{name}={value!r} is outside the {shape[0]} x {shape[1]} grid: rows go from 0 to "
                         f"{shape[0] - 1}, columns from 0 to {shape[1] - 1}")
    return row, col


# ----------------------------------------------------------------------------- receptive fields


def _field_below(mask: np.ndarray, kernel_size: int) -> np.ndarray:
    """The cells of the layer below that the ``mask`` cells read through a ``kernel_size`` convolution."""
    below = np.zeros((mask.shape[0] + kernel_size - 1, mask.shape[1] + kernel_size - 1), dtype=bool)
    for row, col in zip(*np.nonzero(mask)):
        rows, cols = window_taps(int(row), kernel_size), window_taps(int(col), kernel_size)
        below[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1] = True
    return below


def _field_panel(ax: Axes, layers: Sequence[np.ndarray], level: int, cell: tuple[int, int], kernel_size: int) -> None:
    """The stacked layers, with the field of ``layers[level][cell]`` highlighted in every layer below."""
    masks: list[np.ndarray | None] = [None] * len(layers)
    masks[level] = _box_mask(layers[level].shape, *cell, 1, 1)
    for index in range(level, 0, -1):
        masks[index - 1] = _field_below(masks[index], kernel_size)
    names = [(say("input X"), say("input")), (say("middle layer"), say("middle layer")), (say("output"), say("output"))]
    items: list[_Grid | _Op] = []
    for index, values in enumerate(layers):
        if index:
            items.append(_Op("→", "∗ K", width=1.3))
        windows = (cell + (1, 1),) if index == level else ()
        items.append(_Grid(values, f"{names[index][0]} {values.shape[0]}×{values.shape[1]}",
                           _colors(values.shape, marked=masks[index]), windows, f"layer{index}"))
    width, height = _draw_row(ax, items)
    reads = [say("{count} of {total} cells of the {layer}", count=int(masks[i].sum()), total=masks[i].size,
                 layer=names[i][1]) for i in range(level)]
    name = f"{names[level][1]}[{cell[0]}, {cell[1]}]"
    _caption(ax, width / 2, height + 0.35, say("{name} reads {cells}", name=name,
                                               cells=say(" and ").join(reversed(reads))))
    _finish(ax, width, height, below=1.0)


def receptive_field_figure() -> Figure:
    """Two stacked 2 x 2 cross-correlations, 3 x 3 → 2 x 2 → 1 x 1: the output's field covers all
    4 middle cells and all 9 inputs; one middle cell's field is a 2 x 2 patch of the input."""
    X, K = _example_input(), _example_kernel()
    middle = corr2d(X, K)
    layers = [_np(X), _np(middle), _np(corr2d(middle, K))]
    fig = Figure(figsize=(7.5, 5.2), layout="constrained")
    top, bottom = fig.subplots(2, 1)
    _field_panel(top, layers, 2, (0, 0), K.shape[0])
    _field_panel(bottom, layers, 1, (1, 1), K.shape[0])
    kernel = ", ".join(f"[{_number(a)}, {_number(b)}]" for a, b in K.tolist())
    fig.suptitle(say("Receptive fields (orange) of two stacked cross-correlations with K = [{kernel}]",
                     kernel=kernel), fontsize=TITLE_SIZE)
    return fig


# ----------------------------------------------------------------------------- a template detector


@dataclass(frozen=True)
class DetectorScene:
    """A scene tiled from sample images, one of its items as the template, and where it is found.

    ``response[i, j]`` is the normalised cross-correlation of the template with the scene's
    window whose top-left pixel is ``(i, j)``: 1 for an exact copy, 0 for no relation.
    """

    scene: torch.Tensor  # (rows·28, cols·28), values in [0, 1]
    template: torch.Tensor  # (28, 28)
    template_at: tuple[int, int]  # the template's top-left pixel in the scene
    response: torch.Tensor  # (rows·28 − 27, cols·28 − 27)
    peak: tuple[int, int]  # where response is largest
    peak_value: float
    label: str  # the template's class


def normalised_correlation(scene: torch.Tensor, template: torch.Tensor, eps: float = 1e-9) -> torch.Tensor:
    """For every window of ``scene``: the correlation of (window − its mean) with (template − its mean),
    divided by both norms; computed with ``F.conv2d``. Flat windows (no variation) give 0.

    ``scene`` and ``template`` are 2-D floating-point tensors, the template no larger than the scene.
    """
    for tensor, name in ((scene, "scene"), (template, "template")):
        _check_tensor(tensor, name)
        _check_rank(tensor, name, (2,), "(height, width)", "give one grey image, e.g. images[0].float() / 255")
    _check_same_kind(scene, template)
    if template.shape[0] > scene.shape[0] or template.shape[1] > scene.shape[1]:
        raise ValueError(f"the template has shape {tuple(template.shape)}, larger than the scene "
                         f"{tuple(scene.shape)}: use a smaller template or a larger scene")
    eps = validate.positive_number(eps, "eps", example=1e-9)
    centred = template - template.mean()
    ones = torch.ones_like(template)[None, None]
    x = scene[None, None]
    products = F.conv2d(x, centred[None, None])[0, 0]
    sums = F.conv2d(x, ones)[0, 0]
    squares = F.conv2d(x * x, ones)[0, 0]
    spread = (squares - sums**2 / template.numel()).clamp_min(0).sqrt()
    norms = spread * centred.norm()
    return torch.where(norms > eps, products / norms.clamp_min(eps), torch.zeros_like(norms))


def detector_scene(rows: int = 4, cols: int = 6, item: tuple[int, int] = (1, 1)) -> DetectorScene:
    """The first ``rows`` x ``cols`` test images of the shipped Fashion-MNIST sample tiled into a
    scene; the image at tile ``item`` (row, col) is the template. The correlation peaks at it."""
    rows = validate.positive_int(rows, "rows", example=4)
    cols = validate.positive_int(cols, "cols", example=6)
    images, labels = load_sample(train=False)
    if rows * cols > len(images):
        raise ValueError(f"rows x cols = {rows * cols} tiles, but the sample has {len(images)} test images: "
                         f"use fewer, e.g. rows=4, cols=6")
    tile_row, tile_col = _cell(item, (rows, cols), "item")
    side = images.shape[-1]
    tiles = images[: rows * cols].double() / 255
    scene = tiles.reshape(rows, cols, side, side).permute(0, 2, 1, 3).reshape(rows * side, cols * side)
    index = tile_row * cols + tile_col
    template = tiles[index].clone()
    response = normalised_correlation(scene, template)
    flat = int(response.argmax())
    peak = (flat // response.shape[1], flat % response.shape[1])
    return DetectorScene(scene, template, (tile_row * side, tile_col * side), response, peak,
                         float(response[peak]), TEXT_LABELS[int(labels[index])])


def _image_axes(ax: Axes, image: torch.Tensor, title: str, cmap: str = "gray", **kwargs: Any) -> Any:
    shown = ax.imshow(_np(image), cmap=cmap, interpolation="nearest", **kwargs)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=TEXT_SIZE)
    return shown


def detector_figure(rows: int = 4, cols: int = 6, item: tuple[int, int] = (1, 1)) -> Figure:
    """A "where is it" detector (see :func:`detector_scene`): the scene with a box on the found
    item, the template used as the kernel, and the correlation map with its peak marked."""
    found = detector_scene(rows, cols, item)
    side = found.template.shape[-1]
    fig = Figure(figsize=(9.0, 3.1), layout="constrained")
    grid = fig.add_gridspec(1, 3, width_ratios=(cols, 0.45 * cols, cols))
    scene_ax, template_ax, map_ax = (fig.add_subplot(grid[0, i]) for i in range(3))
    _image_axes(scene_ax, found.scene, say("scene: {rows}×{cols} sample images", rows=rows, cols=cols))
    scene_ax.add_patch(Rectangle((found.peak[1] - 0.5, found.peak[0] - 0.5), side, side, fill=False,
                                 edgecolor=HIGHLIGHT, linewidth=2.5))
    _image_axes(template_ax, found.template, say("template (kernel):\n{label}, {side}×{side}", label=found.label,
                                                 side=side))
    peak = say("normalised correlation\npeak {value:.2f} at row {row}, column {col}", value=found.peak_value,
               row=found.peak[0], col=found.peak[1])
    shown = _image_axes(map_ax, found.response, peak, cmap="magma", vmin=0, vmax=1)
    map_ax.plot(found.peak[1], found.peak[0], marker="o", markersize=18, markeredgewidth=2.5,
                markerfacecolor="none", color="#00d5ff")
    bar = fig.colorbar(shown, ax=map_ax, shrink=0.8, pad=0.02)
    bar.ax.tick_params(labelsize=9)
    bar.set_label(say("below 0 drawn as 0"), fontsize=9)
    fig.suptitle(say("Cross-correlating a scene with one of its items: the map peaks where the item is"),
                 fontsize=TITLE_SIZE)
    return fig


# ----------------------------------------------------------------------------- how often pixels are read


def pixel_use_counts(size: int, kernel_size: int) -> torch.Tensor:
    """How many output windows of a ``kernel_size`` convolution (no padding, stride 1) read each
    pixel of a ``size`` x ``size`` input: the transposed convolution of an all-ones output."""
    size = validate.positive_int(size, "size", example=8)
    kernel_size = validate.positive_int(kernel_size, "kernel_size", example=3)
    if kernel_size > size:
        raise ValueError(f"kernel_size={kernel_size} is larger than size={size}: no window fits; "
                         f"use kernel_size <= {size}")
    out = size - kernel_size + 1
    counts = F.conv_transpose2d(torch.ones(1, 1, out, out), torch.ones(1, 1, kernel_size, kernel_size))
    return counts[0, 0].round().long()


def _kernel_sizes(value: Any, size: int) -> tuple[int, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"kernel_sizes must be a sequence of whole numbers, got {value!r}: "
                        f"write e.g. kernel_sizes=(1, 2, 3)")
    if not 1 <= len(value) <= MAX_PIXEL_USE_PANELS:
        raise ValueError(f"kernel_sizes must hold 1 to {MAX_PIXEL_USE_PANELS} sizes, got {value!r}: "
                         f"write e.g. kernel_sizes=(1, 2, 3)")
    if not all(validate.is_int(k) and k >= 1 for k in value):
        raise ValueError(f"kernel_sizes must hold whole numbers >= 1, got {value!r}: write e.g. kernel_sizes=(1, 2, 3)")
    sizes = tuple(int(k) for k in value)
    too_big = [k for k in sizes if k > size]
    if too_big:
        raise ValueError(f"kernel_sizes={value!r} has {too_big} larger than size={size}: no window fits; "
                         f"use sizes <= {size}")
    return sizes


def pixel_use_figure(kernel_sizes: Sequence[int] = (1, 2, 3), size: int = 8) -> Figure:
    """One heatmap per kernel size: how many output windows read each pixel of a ``size`` x
    ``size`` input (border pixels are read less than inner ones), the counts written in the cells."""
    size = validate.positive_int(size, "size", example=8)
    if size > MAX_PIXEL_USE_SIZE:
        raise ValueError(f"size={size} is too large to write the counts in the cells: use size <= "
                         f"{MAX_PIXEL_USE_SIZE}, e.g. size=8")
    sizes = _kernel_sizes(kernel_sizes, size)
    from matplotlib import colormaps

    cmap = colormaps["Blues"]
    fig = Figure(figsize=(min(9.0, 3.0 * len(sizes) + 0.4), 3.5), layout="constrained")
    for ax, k in zip(fig.subplots(1, len(sizes), squeeze=False).flat, sizes):
        counts = pixel_use_counts(size, k).numpy()
        out = size - k + 1
        reads = say("every pixel read {most}×", most=counts.max()) if counts.min() == counts.max() else \
            say("read {least}× (corners) to {most}×", least=counts.min(), most=counts.max())
        _grid_axes(ax, size, size, say("k = {k}: {out}×{out} outputs\n{reads}", k=k, out=out, reads=reads))
        colors = cmap(0.08 + 0.55 * counts / max(sizes) ** 2)
        first_text = len(ax.texts)
        _draw_cells(ax, size, size, colors, counts, fontsize=9)
        for text in ax.texts[first_text:]:
            text.set_gid("count")
    fig.suptitle(say("How many windows read each pixel of the {size}×{size} input", size=size), fontsize=TITLE_SIZE)
    return fig


# ----------------------------------------------------------------------------- channels


def _multi_input_example() -> tuple[torch.Tensor, torch.Tensor]:
    """X: 2 x 3 x 3 (0..8 and 1..9); K: 2 x 2 x 2 (0..3 and 1..4), as in section 7.4."""
    X = torch.stack([_example_input(), _example_input() + 1])
    K = torch.stack([_example_kernel(), _example_kernel() + 1])
    return X, K


def multi_input_figure() -> Figure:
    """Two input channels, a two-channel kernel: each channel's cross-correlation and their sum
    (56 72 / 104 120), with the window of the first output highlighted in both channels."""
    X, K = _multi_input_example()
    partials = torch.stack([corr2d(X[c], K[c]) for c in range(X.shape[0])])
    Y = F.conv2d(X[None], K[None])[0, 0]
    k_h, k_w = K.shape[1:]
    fig = Figure(figsize=(8.6, 5.0), layout="constrained")
    ax = fig.add_subplot()
    top, row_width, texts = 0.0, 0.0, []
    for c in range(X.shape[0]):
        x, k, p = _np(X[c]), _np(K[c]), _np(partials[c])
        fill = CHANNEL_FILLS[c % len(CHANNEL_FILLS)]
        items = [
            _Grid(x, f"X[{c}]", _colors(x.shape, fill, marked=_box_mask(x.shape, 0, 0, k_h, k_w)),
                  ((0, 0, k_h, k_w),), f"input{c}"),
            _Op("∗"),
            _Grid(k, f"K[{c}]", _colors(k.shape, fill), gid=f"kernel{c}"),
            _Op("="),
            _Grid(p, say("channel {c} alone", c=c), _colors(p.shape, fill, marked=_box_mask(p.shape, 0, 0, 1, 1)),
                  ((0, 0, 1, 1),), f"partial{c}"),
        ]
        row_width, height = _draw_row(ax, items, top=top)
        texts.append(_products_text(x[:k_h, :k_w], k))
        top += height + 1.4
    output = _np(Y)
    rows_height = top - 1.4
    y_top = (rows_height - output.shape[0]) / 2
    ax.text(row_width + 0.8, rows_height / 2, "→", ha="center", va="center", fontsize=16, fontfamily=SYMBOL_FAMILY)
    ax.text(row_width + 0.8, rows_height / 2 - 0.6, say("sum over\nchannels"), ha="center", va="bottom",
            fontsize=TEXT_SIZE)
    _draw_grid(ax, _Grid(output, say("output Y"), _colors(output.shape, marked=_box_mask(output.shape, 0, 0, 1, 1)),
                         ((0, 0, 1, 1),), "output"), row_width + 1.6, y_top)
    width = row_width + 1.6 + output.shape[1]
    parts = " + ".join(f"{p:g}" for p in _np(partials[:, 0, 0]))
    equation = " + ".join(f"({t})" for t in texts) + f" = {parts} = {output[0, 0]:g}"
    _caption(ax, width / 2, rows_height + 0.35, equation)
    _finish(ax, width, rows_height, below=1.0)
    fig.suptitle(say("Several input channels: one kernel channel per input channel, the results added"),
                 fontsize=TITLE_SIZE)
    return fig


def _conv1x1_example() -> tuple[torch.Tensor, torch.Tensor]:
    """X: 3 x 3 x 3 (0..26); K: 2 output channels x 3 input channels x 1 x 1."""
    X = torch.arange(27.0).reshape(3, 3, 3)
    K = torch.tensor([[1.0, -1.0, 1.0], [0.0, 1.0, 2.0]]).reshape(2, 3, 1, 1)
    return X, K


def conv1x1_figure(pixel: tuple[int, int] = (1, 2)) -> Figure:
    """A 1 x 1 convolution from 3 input channels to 2 output channels: every output pixel is a
    weighted sum of the input channels at the same pixel (``pixel`` highlighted throughout)."""
    X, K = _conv1x1_example()
    row, col = _cell(pixel, X.shape[1:], "pixel")
    Y = F.conv2d(X[None], K)[0]
    weights = _np(K[:, :, 0, 0])
    at = _box_mask(X.shape[1:], row, col, 1, 1)
    window = ((row, col, 1, 1),)
    gap = _Op("", width=0.4)
    items: list[_Grid | _Op] = []
    for c in range(X.shape[0]):
        fill = CHANNEL_FILLS[c % len(CHANNEL_FILLS)]
        items += [_Grid(_np(X[c]), f"X[{c}]", _colors(at.shape, fill, marked=at), window, f"input{c}"), gap]
    items[-1] = _Op("→", width=1.1)
    items += [_Grid(weights, say("W: a row per output"), _colors(weights.shape, KERNEL_FILL), gid="weights"),
              _Op("→", width=1.1)]
    for o in range(Y.shape[0]):
        items += [_Grid(_np(Y[o]), f"Y[{o}]", _colors(at.shape, marked=at), window, f"output{o}"), gap]
    fig = Figure(figsize=(9.0, 2.9), layout="constrained")
    ax = fig.add_subplot()
    width, height = _draw_row(ax, items[:-1])
    values = _np(X[:, row, col])
    for o in range(Y.shape[0]):
        text = f"Y[{o}][{row}, {col}] = {_products_text(values, weights[o])} = {float(Y[o, row, col]):g}"
        _caption(ax, width / 2, height + 0.35 + 0.75 * o, text)
    _finish(ax, width, height, below=1.9)
    fig.suptitle(say("A 1×1 convolution mixes the channels at each pixel: one weighted sum per output channel"),
                 fontsize=TITLE_SIZE)
    return fig


# ----------------------------------------------------------------------------- pooling


def pooling_figure(mode: str = "max") -> Figure:
    """2 x 2 ``mode`` pooling ("max" or "avg") of the 3 x 3 input 0..8: one panel per output,
    the window and its maximum or mean."""
    mode = validate.choice(mode, "mode", ("max", "avg"))
    X = _example_input()
    Y = pool2d(X, (2, 2), mode)
    x, y = _np(X), _np(Y)
    word = "max" if mode == "max" else "mean"  # the caption's function, like max(0, 1, 3, 4) = 4
    fig = Figure(figsize=(9.0, 2.4), layout="constrained")
    for ax, (row, col) in zip(fig.subplots(1, 4).flat, [(r, c) for r in range(2) for c in range(2)]):
        window = _box_mask(x.shape, row, col, 2, 2)
        items = [
            _Grid(x, say("input X"), _colors(x.shape, marked=window), ((row, col, 2, 2),), "input"),
            _Op("→", say("2×2\nmax" if mode == "max" else "2×2\nmean"), width=1.7),
            _Grid(y, say("output"), _colors(y.shape, marked=_box_mask(y.shape, row, col, 1, 1)), ((row, col, 1, 1),),
                  "output"),
        ]
        width, height = _draw_row(ax, items)
        listed = ", ".join(f"{v:g}" for v in x[window])
        _caption(ax, width / 2, height + 0.35, f"{word}({listed}) = {y[row, col]:g}")
        _finish(ax, width, height, below=1.0)
    fig.suptitle(say("Maximum pooling with a 2×2 window, stride 1" if mode == "max" else
                     "Average pooling with a 2×2 window, stride 1"), fontsize=TITLE_SIZE)
    return fig


# ----------------------------------------------------------------------------- function classes


@dataclass(frozen=True)
class FunctionClass:
    """A class of functions drawn as an ellipse; ``best`` is its point closest to the target."""

    name: str
    center: tuple[float, float]
    width: float
    height: float
    angle: float = 0.0  # degrees, anticlockwise
    best: tuple[float, float] = field(default=(0.0, 0.0))
    distance: float = 0.0  # from best to the target

    def contains(self, points: np.ndarray) -> np.ndarray:
        """Which of ``points`` (n x 2) lie inside or on the ellipse."""
        return _ellipse_coordinates(self, points) <= 1 + 1e-9

    def boundary(self, n: int = 720) -> np.ndarray:
        """``n`` points on the ellipse's edge (n x 2)."""
        t = np.linspace(0, 2 * np.pi, n, endpoint=False)
        local = np.stack([self.width / 2 * np.cos(t), self.height / 2 * np.sin(t)], axis=1)
        return local @ _rotation(self.angle).T + np.asarray(self.center)


@dataclass(frozen=True)
class FunctionClasses:
    """The classes of one panel of :func:`function_classes_figure` and the target f*."""

    classes: tuple[FunctionClass, ...]
    target: tuple[float, float]
    nested: bool


def _rotation(angle: float) -> np.ndarray:
    a = math.radians(angle)
    return np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])


def _ellipse_coordinates(shape: FunctionClass, points: np.ndarray) -> np.ndarray:
    local = (np.asarray(points, dtype=float) - np.asarray(shape.center)) @ _rotation(shape.angle)
    return (local[:, 0] / (shape.width / 2)) ** 2 + (local[:, 1] / (shape.height / 2)) ** 2


def _with_best(shape: FunctionClass, target: tuple[float, float]) -> FunctionClass:
    """``shape`` with its point closest to ``target`` (the target itself when inside), found on a fine boundary."""
    goal = np.asarray([target])
    if shape.contains(goal)[0]:
        best = goal[0]
    else:
        edge = shape.boundary(3600)
        best = edge[np.argmin(np.linalg.norm(edge - goal, axis=1))]
    distance = float(np.linalg.norm(best - goal[0]))
    return FunctionClass(shape.name, shape.center, shape.width, shape.height, shape.angle,
                         (float(best[0]), float(best[1])), distance)


# (centre x, centre y, width, height, angle): larger classes, placed so that the drawing makes the point
_NON_NESTED = ((0.0, 0.0, 1.6, 1.1, 0), (1.2, 0.8, 2.0, 1.2, 20), (2.6, 0.1, 2.2, 1.4, -15),
               (1.3, -1.3, 2.8, 1.3, 10), (-1.0, -1.0, 2.4, 1.9, -30), (-1.4, 1.2, 3.4, 1.8, 25))
_NESTED = ((0.0, 0.0, 1.8, 1.2, 0), (0.5, 0.1, 3.2, 2.0, 0), (1.1, 0.2, 4.8, 2.9, 0), (1.8, 0.3, 6.6, 3.8, 0))
_NON_NESTED_TARGET = (4.7, 0.9)
_NESTED_TARGET = (5.8, 1.1)


def function_classes(nested: bool) -> FunctionClasses:
    """The ellipses F1, F2, ... of one panel of :func:`function_classes_figure`, each with its best
    point and that point's distance to f*: nested classes get closer with every step, the others need not."""
    nested = validate.flag(nested, "nested")
    table, target = (_NESTED, _NESTED_TARGET) if nested else (_NON_NESTED, _NON_NESTED_TARGET)
    classes = tuple(_with_best(FunctionClass(f"F{i + 1}", (x, y), w, h, a), target)
                    for i, (x, y, w, h, a) in enumerate(table))
    return FunctionClasses(classes, target, nested)


def _function_class_panel(ax: Axes, layout: FunctionClasses) -> None:
    from matplotlib import colormaps

    palette = colormaps["tab10"]
    for index, shape in enumerate(layout.classes):
        color = palette(index % 10)
        ax.add_patch(Ellipse(shape.center, shape.width, shape.height, angle=shape.angle, facecolor=color,
                             edgecolor=color, alpha=0.12 if layout.nested else 0.18, linewidth=0))
        ax.add_patch(Ellipse(shape.center, shape.width, shape.height, angle=shape.angle, fill=False,
                             edgecolor=color, linewidth=1.8))
        label_at = shape.boundary(8)[2] if layout.nested else np.asarray(shape.center)
        label_y = label_at[1] - 0.3 if layout.nested else label_at[1]
        ax.text(label_at[0], label_y, f"$\\mathcal{{F}}_{index + 1}$", ha="center", va="center",
                fontsize=12, color=color)
        ax.plot(*shape.best, marker="o", markersize=6, color=color, zorder=4)
        ax.plot([shape.best[0], layout.target[0]], [shape.best[1], layout.target[1]], linestyle=":",
                color=FAINT, linewidth=1)
    ax.plot(*layout.target, marker="*", markersize=16, color="#b00020", zorder=5)
    ax.text(layout.target[0], layout.target[1] + 0.3, "$f^*$", ha="center", va="bottom", fontsize=13,
            color="#b00020")
    distances = ", ".join(f"{shape.distance:.1f}" for shape in layout.classes)
    kind = say("nested: each class contains the last" if layout.nested else "non-nested: larger, but not containing")
    ax.set_title(say("{kind}\ndistance of the best point to $f^*$: {distances}", kind=kind, distances=distances),
                 fontsize=TEXT_SIZE)
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.margins(0.06)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def function_classes_figure() -> Figure:
    """Non-nested function classes (a larger class can end up farther from the target f*) beside
    nested ones F1 ⊆ F2 ⊆ ... (each larger class can only get closer); dots: each class's best point."""
    fig = Figure(figsize=(9.0, 4.2), layout="constrained")
    left, right = fig.subplots(1, 2)
    _function_class_panel(left, function_classes(nested=False))
    _function_class_panel(right, function_classes(nested=True))
    fig.suptitle(say("Function classes: only nested classes guarantee that more capacity brings us closer to $f^*$"),
                 fontsize=TITLE_SIZE)
    return fig
