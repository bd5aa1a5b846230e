"""The notebooks' figures (matplotlib); the explorers draw in the browser (``course_utils.explorers``).

Every function builds and returns a ``matplotlib.figure.Figure`` made without
pyplot: nothing is registered in pyplot's global list, so a figure drawn a hundred
times leaks nothing, and a notebook shows a returned figure
once (``%matplotlib inline`` renders it; its text is ``<Figure size ... with N Axes>``).
``figure_to_png`` turns a figure into PNG bytes.

The words a figure writes itself (axis labels, panel titles, messages) are in the language in
use (``course_utils.language``); titles and names given by the caller are drawn as given.

Grids are drawn cell by cell: cell ``(row, col)`` covers ``[col, col + 1] x [row, row + 1]``
with rows going down, like a tensor printed on screen.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_utils.language import say

__all__ = [
    "figure_to_png",
    "plot_images",
    "plot_feature_maps",
    "plot_kernels",
    "plot_activation_comparison",
    "plot_training_curves",
    "plot_scale_shift",
    "plot_model_comparison",
]


HIGHLIGHT = "#ff7f0e"  # orange: the window / field / cell the student picked
FAINT = "#9e9e9e"


def figure_to_png(fig: Figure, dpi: int = 80) -> bytes:
    """PNG bytes of ``fig``."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _to_numpy(x: torch.Tensor | np.ndarray) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().float().numpy()
    return np.asarray(x, dtype=float)


def _grid_axes(ax: Axes, n_rows: int, n_cols: int, title: str = "") -> None:
    ax.set_xlim(-0.05, n_cols + 0.05)
    ax.set_ylim(n_rows + 0.05, -0.05)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        ax.set_title(title, fontsize=10)


def _draw_cells(
    ax: Axes,
    n_rows: int,
    n_cols: int,
    colors: np.ndarray | None = None,
    values: np.ndarray | None = None,
    fmt: str = "{:g}",
    fontsize: float = 9,
    origin: tuple[float, float] = (0.0, 0.0),
) -> None:
    """A grid of square cells, coloured by ``colors`` (RGBA array) and labelled with ``values``;
    its top-left corner at ``origin`` ``(x, y)`` (several grids can share one Axes)."""
    if colors is None:
        colors = np.ones((n_rows, n_cols, 4))
    x0, y0 = origin
    ax.imshow(colors, extent=(x0, x0 + n_cols, y0 + n_rows, y0), interpolation="nearest")
    ax.hlines(y0 + np.arange(n_rows + 1), x0, x0 + n_cols, colors="black", linewidth=0.6)
    ax.vlines(x0 + np.arange(n_cols + 1), y0, y0 + n_rows, colors="black", linewidth=0.6)
    if values is not None:
        for r in range(n_rows):
            for c in range(n_cols):
                ax.text(x0 + c + 0.5, y0 + r + 0.5, fmt.format(values[r, c]), ha="center", va="center",
                        fontsize=fontsize)


def _rgba(hex_color: str) -> np.ndarray:
    from matplotlib.colors import to_rgba

    return np.array(to_rgba(hex_color))


def _message_axes(ax: Axes, message: str) -> None:
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True, color="#b00020", fontsize=10, transform=ax.transAxes)


def _image_grid(n: int, ncols: int, scale: float, extra_height: float) -> tuple[Figure, list[Axes]]:
    """A figure with ``n`` image panels, ``ncols`` to a row, without ticks; spare panels hidden."""
    if n < 1:
        raise ValueError("nothing to draw: give at least one image (or one channel)")
    ncols = min(n, ncols)
    nrows = -(-n // ncols)
    fig = Figure(figsize=(scale * ncols, scale * nrows + extra_height), layout="constrained")
    axes = list(fig.subplots(nrows, ncols, squeeze=False).flat)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes[n:]:
        ax.axis("off")
    return fig, axes[:n]


def plot_images(
    images: Sequence[torch.Tensor | np.ndarray],
    titles: Sequence[str] | None = None,
    ncols: int | None = None,
    cmap: str | None = None,
    scale: float = 2.0,
) -> Figure:
    """Images side by side. ``cmap=None``: grey for non-negative images, a symmetric red/blue for signed ones
    (an edge map: red positive, blue negative, white zero)."""
    n = len(images)
    if n == 0:
        raise ValueError("images is empty: give at least one image")
    fig, axes = _image_grid(n, ncols or n, scale, extra_height=0.3)
    for index, ax in enumerate(axes):
        image = _to_numpy(images[index])
        if cmap is None and image.min() < 0:
            bound = max(abs(image.min()), abs(image.max()), 1e-12)
            ax.imshow(image, cmap="RdBu_r", vmin=-bound, vmax=bound, interpolation="nearest")
        else:
            ax.imshow(image, cmap=cmap or "gray", interpolation="nearest")
        if titles is not None:
            ax.set_title(titles[index], fontsize=9)
    return fig


def plot_feature_maps(maps: torch.Tensor | np.ndarray, title: str = "", ncols: int = 8, scale: float = 1.2) -> Figure:
    """Every channel of a ``(C, H, W)`` feature map, each on its own colour scale."""
    maps = _to_numpy(maps)
    if maps.ndim != 3:
        raise ValueError(f"maps must have shape (channels, height, width), got {maps.shape}")
    fig, axes = _image_grid(maps.shape[0], ncols, scale, extra_height=0.4)
    for index, ax in enumerate(axes):
        ax.imshow(maps[index], cmap="viridis", interpolation="nearest")
        ax.set_title(say("ch {index}", index=index), fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def plot_kernels(weight: torch.Tensor | np.ndarray, title: str = "", scale: float = 1.3) -> Figure:
    """Convolution kernels ``(C_out, C_in, k_h, k_w)``: one row per input channel, one column per output
    channel, on one symmetric colour scale (red positive, blue negative)."""
    weight = _to_numpy(weight)
    if weight.ndim != 4:
        raise ValueError(f"weight must have shape (out_channels, in_channels, k_h, k_w), got {weight.shape}")
    c_out, c_in = weight.shape[:2]
    bound = max(float(np.abs(weight).max()), 1e-12)
    fig = Figure(figsize=(scale * c_out, scale * c_in + 0.5), layout="constrained")
    axes = fig.subplots(c_in, c_out, squeeze=False)
    for i in range(c_in):
        for o in range(c_out):
            ax = axes[i, o]
            ax.imshow(weight[o, i], cmap="RdBu_r", vmin=-bound, vmax=bound, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if i == 0:
                ax.set_title(say("out {channel}", channel=o), fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def plot_activation_comparison(
    images: Sequence[torch.Tensor],
    titles: Sequence[str],
    first_layer: Sequence[torch.Tensor],
    probabilities: Sequence[torch.Tensor],
    class_names: Sequence[str],
    n_maps: int = 6,
) -> Figure:
    """One row per input: the image, its first-layer feature maps, and the predicted class probabilities."""
    rows = len(images)
    fig = Figure(figsize=(1.3 * (n_maps + 1) + 3.2, 1.6 * rows + 0.3), layout="constrained")
    grid = fig.add_gridspec(rows, n_maps + 3)
    for r in range(rows):
        ax = fig.add_subplot(grid[r, 0])
        ax.imshow(_to_numpy(images[r]), cmap="gray", interpolation="nearest")
        ax.set_title(titles[r], fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
        maps = _to_numpy(first_layer[r])
        for m in range(min(n_maps, maps.shape[0])):
            ax = fig.add_subplot(grid[r, m + 1])
            ax.imshow(maps[m], cmap="viridis", vmin=0, vmax=1, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(say("conv1 ch {index}", index=m), fontsize=8)
        ax = fig.add_subplot(grid[r, n_maps + 1 :])
        probs = _to_numpy(probabilities[r])
        ax.barh(np.arange(len(class_names)), probs, color=FAINT)
        ax.barh(int(probs.argmax()), probs.max(), color=HIGHLIGHT)
        ax.set_yticks(np.arange(len(class_names)), class_names, fontsize=6)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.tick_params(axis="x", labelsize=6)
        if r == 0:
            ax.set_title(say("predicted probabilities"), fontsize=8)
    return fig


def plot_training_curves(histories: Mapping[str, Iterable[Any]], title: str = "") -> Figure:
    """Training loss and validation accuracy per epoch of several runs, one line per run.

    ``histories`` maps a label to a run's epochs: a ``trainer.History`` or any iterable of
    objects with ``epoch``, ``train_loss`` and ``val_acc``.
    """
    if not histories:
        raise ValueError("histories is empty: give at least one run, e.g. {'LeNet': history}")
    fig = Figure(figsize=(8.0, 3.2), layout="constrained")
    ax_loss, ax_acc = fig.subplots(1, 2)
    for label, history in histories.items():
        epochs = list(history)
        x = [m.epoch for m in epochs]
        ax_loss.plot(x, [m.train_loss for m in epochs], "o-", label=label)
        ax_acc.plot(x, [m.val_acc for m in epochs], "o-", label=label)
    ax_loss.set_title(say("training loss"), fontsize=10)
    ax_acc.set_title(say("validation accuracy"), fontsize=10)
    for ax in (ax_loss, ax_acc):
        ax.set_xlabel(say("epoch"))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def plot_scale_shift(gamma: torch.Tensor | np.ndarray, beta: torch.Tensor | np.ndarray, title: str = "") -> Figure:
    """The learned scale ``gamma`` and shift ``beta`` of a batch-norm layer, one bar per channel,
    with the values they start from (1 and 0) as dashed lines."""
    gamma, beta = _to_numpy(gamma).ravel(), _to_numpy(beta).ravel()
    if gamma.shape != beta.shape:
        raise ValueError(f"gamma and beta must have one value per channel each, got {gamma.shape} and {beta.shape}")
    channels = np.arange(len(gamma))
    fig = Figure(figsize=(max(5.0, 0.35 * len(gamma) + 2.0), 3.0), layout="constrained")
    ax_g, ax_b = fig.subplots(1, 2)
    panels = ((ax_g, gamma, 1.0, say("scale γ (gamma)")), (ax_b, beta, 0.0, say("shift β (beta)")))
    for ax, values, start, name in panels:
        ax.bar(channels, values, color=FAINT)
        ax.axhline(start, color=HIGHLIGHT, linestyle="--", linewidth=1.5,
                   label=say("initial value {start:g}", start=start))
        ax.set_xlabel(say("channel"))
        ax.set_title(name, fontsize=10)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def plot_model_comparison(rows: Sequence[Mapping[str, Any]], title: str = "") -> Figure:
    """Models side by side: parameters, multiply-accumulates per image (both log scale), and
    validation accuracy against MACs for the models that have a measured accuracy.

    ``rows``: one mapping per model with ``model``, ``params``, ``macs`` and ``val_acc``
    (``None`` when not measured), e.g. ``course_utils.results.Comparison.to_dicts()``.
    """
    if not rows:
        raise ValueError("rows is empty: give at least one model")
    names = [str(row["model"]) for row in rows]
    y = np.arange(len(rows))
    fig = Figure(figsize=(11.0, 0.35 * len(rows) + 2.2), layout="constrained")
    ax_p, ax_m, ax_a = fig.subplots(1, 3)
    for ax, key, label in ((ax_p, "params", say("parameters")), (ax_m, "macs", say("multiply-accumulates per image"))):
        ax.barh(y, [float(row[key]) for row in rows], color=FAINT)
        ax.set_xscale("log")
        ax.set_yticks(y, names, fontsize=8)
        ax.invert_yaxis()
        ax.set_title(label, fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    measured = [row for row in rows if row.get("val_acc") is not None]
    if measured:
        ax_a.scatter([float(r["macs"]) for r in measured], [float(r["val_acc"]) for r in measured], color=HIGHLIGHT)
        for r in measured:
            ax_a.annotate(str(r["model"]), (float(r["macs"]), float(r["val_acc"])), fontsize=8,
                          xytext=(4, 3), textcoords="offset points")
        ax_a.set_xscale("log")
        ax_a.set_xlabel(say("MACs per image"))
        ax_a.set_ylabel(say("validation accuracy"))
        ax_a.grid(alpha=0.3)
        missing = [str(r["model"]) for r in rows if r.get("val_acc") is None]
        unmeasured = say(" (not measured: {models})", models=", ".join(missing)) if missing else ""
        ax_a.set_title(say("measured accuracy") + unmeasured, fontsize=9, wrap=True)
    else:
        _message_axes(ax_a, say("no measured accuracy for this size"))
    if title:
        fig.suptitle(title, fontsize=10)
    return fig
