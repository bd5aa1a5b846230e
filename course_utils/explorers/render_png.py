"""A :class:`~.scene.Scene` drawn with matplotlib as a PNG: the picture a notebook shows before it is run.

The live front end (``static/explorer.js``) draws the same scene as SVG; this module draws
it once, in the light colours, for the display bundle: the text as plain lines, the
error, the grids (shading, padding, unread and dropped cells, values), the selected
cell with what it reads, and the table. The layout follows the front end's: the grids of
one panel side by side, panels wrapping at :data:`MAX_WIDTH` CSS pixels, one cell size
per grid from :func:`cell_size`.

The PNG is drawn at :data:`PIXEL_RATIO` times its CSS size (crisp on a high-density
screen; the widget's display metadata gives the CSS size), in 256 colours (a scene is flat
fills and text; a third of the bytes of true colour in a committed notebook), and is
deterministic: the same scene gives the same bytes (no time or software stamp). Its own words
are in the language in use (``course_utils.language``); text with Hangul is drawn with a
Korean font where the machine has one (matplotlib's default font has no Hangul).

Coordinates in this module are CSS pixels, ``x`` to the right and ``y`` down.
"""

from __future__ import annotations

import html
import io
import logging
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.textpath import TextPath
from PIL import Image

from course_utils.explorers.scene import Grid, Link, Scene
from course_utils.fonts import find_hangul_font
from course_utils.language import say

__all__ = ["scene_to_png", "cell_size", "highlights", "block_of", "plain_text", "PIXEL_RATIO", "MAX_WIDTH"]

PIXEL_RATIO = 2  # PNG pixels per CSS pixel
MAX_WIDTH = 900  # CSS pixels: the widest picture (a notebook's output column)
MAX_HEIGHT = 2400  # CSS pixels: grids past this are left out (and the picture says so)
PAD = 8  # margin around the picture
GAP = 18  # between grids and between panels
TEXT_PX, TITLE_PX, NOTE_PX, VALUE_PX, AXIS_PX = 12.5, 12, 11, 11, 9.5
MIN_VALUE_CELL = 16  # smaller cells do not show their values
MIN_AXIS_CELL = 16  # smaller cells do not get row/column numbers

# The front end's light theme (explorer.css), so the picture and the live view look alike.
INK = "#000000"
MUTED = "#424242"
PAPER = "#ffffff"
LINE = "#9e9e9e"
PAD_FILL, PAD_HATCH = "#e3e7f1", "#8d97b0"
UNREAD_VEIL, UNREAD_HATCH = (0.45, 0.45, 0.45, 0.45), "#6b6b6b"  # a grey veil over the pixel
DROPPED_VEIL, DROPPED_HATCH = (0.45, 0.45, 0.45, 0.3), "#8a8a8a"
HIGHLIGHT = "#e8590c"  # what the selected cell reads (orange)
SELECTED = "#1565c0"  # the selected cell (blue)
FLAGGED = "#c62828"
ERROR_INK, ERROR_FILL = "#8e0000", "#fdecea"
SIGNED_LOW, SIGNED_MID, SIGNED_HIGH = (0x21, 0x66, 0xAC), (0xF7, 0xF7, 0xF7), (0xB2, 0x18, 0x2B)


# ----------------------------------------------------------------------------- what is drawn (shared with the front end)
def cell_size(grid: Grid) -> float:
    """CSS pixels per cell: 30 for grids that write values (at least 18 for wide ones), else
    about 280 pixels for the longest side (between 2 and 24 per cell). explorer.js uses the same rule."""
    longest = max(grid.rows, grid.cols, 1)
    if grid.show_values:
        return max(18.0, min(30.0, 480.0 / longest))
    return max(2.0, min(24.0, 280.0 / longest)) if longest <= 200 else 400.0 / longest


def shade_colours(grid: Grid) -> list[tuple[int, int, int]]:
    """The fill of each cell: "grey" pixels (0 black .. 1 white, or min .. max when the values leave
    [0, 1]), "signed" blue-white-red around 0, or paper white."""
    count = grid.rows * grid.cols
    values = list(grid.values) if grid.values is not None else []
    if grid.shade == "none" or len(values) != count:
        return [(255, 255, 255)] * count
    if grid.shade == "grey":
        low, high = min(values), max(values)
        if low >= 0 and high <= 1:
            low, high = 0.0, 1.0
        span = high - low or 1.0
        return [(round(255 * (v - low) / span),) * 3 for v in values]  # type: ignore[misc]
    biggest = max(abs(v) for v in values) or 1.0
    colours = []
    for v in values:
        t = v / biggest
        end = SIGNED_HIGH if t > 0 else SIGNED_LOW
        colours.append(tuple(round(m + (e - m) * abs(t)) for m, e in zip(SIGNED_MID, end)))  # type: ignore[misc]
    return colours


def ink_on(rgb: tuple[int, int, int]) -> str:
    """Black or white, whichever reads better on ``rgb`` (WCAG relative luminance)."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])
    return INK if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else PAPER


def format_value(value: float) -> str:
    """A cell's number in at most 4 characters where possible: 19, -3, 0.25, 1e+03."""
    if value == int(value) and abs(value) < 10_000:
        return str(int(value))
    text = f"{value:.3g}"
    return text if len(text) <= 5 else f"{value:.0e}"


@dataclass
class Highlight:
    """What pointing at one cell lights up: per grid id, the cells read, tapped and the field rectangles."""

    reads: dict[str, set[int]] = field(default_factory=dict)
    areas: dict[str, set[int]] = field(default_factory=dict)  # the part of reads inside field rectangles
    taps: dict[str, set[int]] = field(default_factory=dict)
    rects: dict[str, list[list[int]]] = field(default_factory=dict)


def _field_cells(grid: Grid, rect: Sequence[int]) -> set[int]:
    """Cells of ``grid`` inside ``rect`` ([top, left, bottom, right] in the grid's coordinates, row0/col0)."""
    top, left, bottom, right = (rect[0] - grid.row0, rect[1] - grid.col0, rect[2] - grid.row0, rect[3] - grid.col0)
    return {r * grid.cols + c for r in range(max(top, 0), min(bottom, grid.rows - 1) + 1)
            for c in range(max(left, 0), min(right, grid.cols - 1) + 1)}


def block_of(cells: set[int], cols: int, count: int) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right) when ``cells`` fill exactly that rectangle of a grid ``cols`` wide, else None."""
    if not cells or min(cells) < 0 or max(cells) >= count:
        return None
    rows = [c // cols for c in cells]
    columns = [c % cols for c in cells]
    top, bottom, left, right = min(rows), max(rows), min(columns), max(columns)
    return (top, left, bottom, right) if len(cells) == (bottom - top + 1) * (right - left + 1) else None


def highlights(scene: Scene, grid_id: str, cell: int) -> Highlight:
    """The cells ``grid_id``'s ``cell`` reads, through every link and the links after them (as the front end lights them)."""
    grids = {grid.id: grid for grid in scene.grids}
    found = Highlight()
    todo = [(grid_id, {cell})]
    seen: set[tuple[str, int]] = {(grid_id, cell)}
    while todo:
        target, cells = todo.pop()
        for link in scene.links:
            if link.target != target or link.source not in grids:
                continue
            source = grids[link.source]
            reached: set[int] = set()
            for c in sorted(cells):
                if link.op == "field":
                    if link.rects and c < len(link.rects):
                        found.rects.setdefault(link.source, []).append(list(link.rects[c]))
                        inside = _field_cells(source, link.rects[c])
                        found.areas.setdefault(link.source, set()).update(inside)
                        reached |= inside
                    continue
                if link.reads and c < len(link.reads):
                    reached |= set(link.reads[c])
                if link.weights and link.taps and c < len(link.taps):
                    found.taps.setdefault(link.weights, set()).update(link.taps[c])
            found.reads.setdefault(link.source, set()).update(reached)
            new = {c for c in reached if (link.source, c) not in seen}
            seen |= {(link.source, c) for c in new}
            if new:
                todo.append((link.source, new))
    return found


def plain_text(markup: str) -> str:
    """The scene's HTML text as plain lines (line breaks at <br> and block ends, entities decoded)."""
    text = re.sub(r"(?i)<br\s*/?>|</(p|div|li|h[1-6]|tr|ul|ol|table)>", "\n", markup)
    text = re.sub(r"(?i)<li[^>]*>", "• ", text)
    text = re.sub(r"<[^>]+>", "", text)
    lines = [" ".join(html.unescape(line).split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


# ----------------------------------------------------------------------------- fonts and text measurement
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


@lru_cache(maxsize=1)
def _hangul_font() -> str | None:
    """A font with Hangul that matplotlib can use (:func:`course_utils.fonts.find_hangul_font`), or None."""
    return find_hangul_font()


def font_family(text: str) -> list[str] | None:
    """The font family to draw ``text`` in: matplotlib's default (None) unless it has Hangul, then the
    default font with a Korean font to fall back on for the glyphs it lacks."""
    if not _HANGUL.search(text) or _hangul_font() is None:
        return None
    return ["DejaVu Sans", _hangul_font()]  # type: ignore[list-item]


@contextmanager
def _quiet_fonts() -> Iterator[None]:
    """matplotlib's font search without its warnings (e.g. that a Korean font's bold is weight 600, not 700):
    they would land in the notebook's output."""
    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _text(ax, x: float, y: float, text: str, **style) -> None:
    """``ax.text`` in the font that ``text`` needs (:func:`font_family`)."""
    family = font_family(text)
    if family is not None:
        style["fontfamily"] = family
    ax.text(x, y, text, **style)


@lru_cache(maxsize=4096)
def _width(text: str, px: float) -> float:
    """Width of ``text`` at ``px`` CSS pixels in the font it is drawn in."""
    if not text.strip():
        return px * 0.3 * len(text)
    family = font_family(text)
    if family is None:
        return TextPath((0, 0), text, size=px).get_extents().x1
    with _quiet_fonts():
        return TextPath((0, 0), text, prop=FontProperties(family=family, size=px)).get_extents().x1


def _wrap(text: str, px: float, width: float) -> list[str]:
    """Greedy word wrap of each line of ``text`` to ``width`` CSS pixels."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and _width(candidate, px) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


# ----------------------------------------------------------------------------- layout
@dataclass
class _Box:
    """One grid placed on the picture: ``x, y`` is its cells' top-left corner."""

    grid: Grid
    cell: float
    margin_left: float  # row numbers, and field rectangles that reach past the grid
    margin_top: float  # title, column numbers, field overhang
    margin_right: float
    margin_bottom: float  # overhang and the note
    note_lines: list[str]
    note_width: float = 0.0
    x: float = 0.0
    y: float = 0.0

    @property
    def width(self) -> float:
        return max(self.margin_left + self.grid.cols * self.cell + self.margin_right, self.note_width)

    @property
    def height(self) -> float:
        return self.margin_top + self.grid.rows * self.cell + self.margin_bottom


def _overhang(grid: Grid, links: Iterable[Link]) -> tuple[int, int, int, int]:
    """How many cells field rectangles reach past ``grid`` (top, left, bottom, right), at most 4."""
    top = left = bottom = right = 0
    for link in links:
        if link.op != "field" or link.source != grid.id:
            continue
        for rect in link.rects or []:
            top = max(top, grid.row0 - rect[0])
            left = max(left, grid.col0 - rect[1])
            bottom = max(bottom, rect[2] - (grid.row0 + grid.rows - 1))
            right = max(right, rect[3] - (grid.col0 + grid.cols - 1))
    return tuple(min(max(v, 0), 4) for v in (top, left, bottom, right))  # type: ignore[return-value]


def _box(grid: Grid, links: Sequence[Link]) -> _Box:
    cell = cell_size(grid)
    top, left, bottom, right = (v * cell for v in _overhang(grid, links))
    axis = AXIS_PX + 6 if cell >= MIN_AXIS_CELL else 0.0
    grid_width = grid.cols * cell
    note_lines = _wrap(grid.note, NOTE_PX, max(grid_width + max(left, axis) + right, 200)) if grid.note else []
    title_width = _width(grid.title, TITLE_PX)
    return _Box(grid, cell, margin_left=max(left, axis), margin_top=TITLE_PX + 8 + max(top, axis),
                margin_right=right, margin_bottom=bottom + len(note_lines) * (NOTE_PX + 4) + (4 if note_lines else 0),
                note_lines=note_lines,
                note_width=max([_width(line, NOTE_PX) for line in note_lines] + [title_width]))


def _panels(scene: Scene) -> list[list[Grid]]:
    """The grids grouped by panel, in order (a grid without a panel is a panel of its own)."""
    panels: list[list[Grid]] = []
    named: dict[str, list[Grid]] = {}
    for grid in scene.grids:
        if grid.panel and grid.panel in named:
            named[grid.panel].append(grid)
        else:
            panels.append([grid])
            if grid.panel:
                named[grid.panel] = panels[-1]
    return panels


def _place(scene: Scene, top: float) -> tuple[list[_Box], float, float, int]:
    """Boxes for the grids, panels flowing left to right and wrapping; (boxes, bottom, right, left out)."""
    boxes: list[_Box] = []
    x, y, row_height, right = PAD, top, 0.0, 0.0
    left_out = 0
    for panel in _panels(scene):
        panel_boxes = [_box(grid, scene.links) for grid in panel]
        for box in panel_boxes:  # a grid wider than the picture is drawn with smaller cells
            limit = MAX_WIDTH - 2 * PAD
            if box.width > limit:
                box.cell *= (limit - box.margin_left - box.margin_right) / (box.grid.cols * box.cell)
        width = sum(b.width for b in panel_boxes) + GAP * (len(panel_boxes) - 1)
        if x > PAD and x + width > MAX_WIDTH - PAD:  # the panel goes on a new row
            x, y, row_height = PAD, y + row_height + GAP, 0.0
        for box in panel_boxes:
            if x > PAD and x + box.width > MAX_WIDTH - PAD:  # a wide panel wraps inside
                x, y, row_height = PAD, y + row_height + GAP, 0.0
            if y + box.height > MAX_HEIGHT:
                left_out += 1
                continue
            box.x, box.y = x + box.margin_left, y + box.margin_top
            boxes.append(box)
            x += box.width + GAP
            row_height = max(row_height, box.height)
            right = max(right, x - GAP)
        x += GAP
    return boxes, y + row_height, right, left_out


# ----------------------------------------------------------------------------- drawing
def _pt(px: float) -> float:
    """Points (font sizes, line widths) for ``px`` CSS pixels (the figure is 100 CSS pixels per inch)."""
    return px * 72 / 100


def _draw_grid(ax, box: _Box, lit: Highlight, selected: tuple[str, int] | None) -> None:
    grid, s, x0, y0 = box.grid, box.cell, box.x, box.y
    rows, cols = grid.rows, grid.cols
    count = rows * cols
    kinds = list(grid.kinds) if grid.kinds is not None and len(grid.kinds) == count else [""] * count
    colours = shade_colours(grid)
    _text(ax, x0 - box.margin_left, y0 - box.margin_top, grid.title, fontsize=_pt(TITLE_PX), fontweight="bold",
          color=INK, va="top", ha="left")
    if count == 0:
        return
    if box.note_lines:
        _text(ax, x0 - box.margin_left, y0 + rows * s + box.margin_bottom - len(box.note_lines) * (NOTE_PX + 4),
              "\n".join(box.note_lines), fontsize=_pt(NOTE_PX), color=MUTED, va="top", ha="left", linespacing=1.3)
    image = [[(*(c / 255 for c in colours[r * cols + q]), 1.0) for q in range(cols)] for r in range(rows)]
    ax.imshow(image, extent=(x0, x0 + cols * s, y0 + rows * s, y0), interpolation="none", aspect="auto", zorder=1)

    def cells_of(kind: str) -> list[Rectangle]:
        return [Rectangle((x0 + (i % cols) * s, y0 + (i // cols) * s), s, s) for i in range(count) if kinds[i] == kind]

    ax.add_collection(PatchCollection(cells_of("pad"), facecolors=PAD_FILL, hatchcolors=PAD_HATCH, hatch="////",
                                      linewidths=0, zorder=2))
    ax.add_collection(PatchCollection(cells_of("unread"), facecolors=UNREAD_VEIL, hatchcolors=UNREAD_HATCH, hatch="..",
                                      linewidths=0, zorder=2))
    ax.add_collection(PatchCollection(cells_of("dropped"), facecolors=DROPPED_VEIL, hatchcolors=DROPPED_HATCH,
                                      hatch="x", linewidths=0, zorder=2))
    if s >= 5:
        lines = [[(x0, y0 + r * s), (x0 + cols * s, y0 + r * s)] for r in range(rows + 1)]
        lines += [[(x0 + c * s, y0), (x0 + c * s, y0 + rows * s)] for c in range(cols + 1)]
        fine = s < 12 and grid.shade != "none"  # faint over a picture of small cells, as in the front end
        ax.add_collection(LineCollection(lines, colors=LINE, linewidths=0.6, alpha=0.35 if fine else 1.0, zorder=3))
    ax.add_patch(Rectangle((x0, y0), cols * s, rows * s, fill=False, edgecolor=FLAGGED if grid.flagged else LINE,
                           linewidth=_pt(3 if grid.flagged else 1), zorder=3))
    if s >= MIN_AXIS_CELL:
        for c in range(cols):
            ax.text(x0 + (c + 0.5) * s, y0 - 3, str(c + grid.col0), fontsize=_pt(AXIS_PX), color=MUTED,
                    ha="center", va="bottom")
        for r in range(rows):
            ax.text(x0 - 4, y0 + (r + 0.5) * s, str(r + grid.row0), fontsize=_pt(AXIS_PX), color=MUTED,
                    ha="right", va="center")
    if grid.show_values and s >= MIN_VALUE_CELL and (grid.values is not None or grid.labels is not None):
        texts = grid.labels if grid.labels is not None else [format_value(v) for v in grid.values or []]
        for i, text in enumerate(texts[:count]):
            ink = MUTED if kinds[i] == "pad" else ink_on(colours[i])
            _text(ax, x0 + (i % cols + 0.5) * s, y0 + (i // cols + 0.5) * s, text,
                  fontsize=_pt(min(VALUE_PX, s * 0.42)), color=ink, ha="center", va="center", zorder=4)
    area = lit.areas.get(grid.id, set())
    inset = min(1.5, s / 6)
    ax.add_collection(PatchCollection(
        [Rectangle((x0 + (i % cols) * s, y0 + (i // cols) * s), s, s) for i in sorted(area) if i < count],
        facecolors=(0.91, 0.35, 0.05, 0.22), linewidths=0, zorder=5))
    for marked in (lit.reads.get(grid.id, set()) - area, lit.taps.get(grid.id, set())):
        block = block_of(marked, cols, count)
        if block:  # a window: one rectangle
            top, left, bottom, right = block
            squares = [Rectangle((x0 + left * s + inset, y0 + top * s + inset), (right - left + 1) * s - 2 * inset,
                                 (bottom - top + 1) * s - 2 * inset)]
        else:
            squares = [Rectangle((x0 + (i % cols) * s + inset, y0 + (i // cols) * s + inset), s - 2 * inset,
                                 s - 2 * inset) for i in sorted(marked) if i < count]
        ax.add_collection(PatchCollection(squares, facecolors=(0.91, 0.35, 0.05, 0.22), edgecolors=HIGHLIGHT,
                                          linewidths=_pt(2), zorder=5))
    for top, left, bottom, right in lit.rects.get(grid.id, []):
        r0, c0 = top - grid.row0, left - grid.col0
        h, w = bottom - top + 1, right - left + 1
        ax.add_patch(Rectangle((x0 + c0 * s, y0 + r0 * s), w * s, h * s, fill=False, edgecolor=HIGHLIGHT,
                               linewidth=_pt(2), linestyle=(0, (4, 3)), zorder=6))
        inside = (max(r0, 0), max(c0, 0), min(r0 + h, rows), min(c0 + w, cols))
        if inside[2] > inside[0] and inside[3] > inside[1]:
            ax.add_patch(Rectangle((x0 + inside[1] * s, y0 + inside[0] * s), (inside[3] - inside[1]) * s,
                                   (inside[2] - inside[0]) * s, fill=False, edgecolor=HIGHLIGHT, linewidth=_pt(2.5),
                                   zorder=6))
    if selected and selected[0] == grid.id and 0 <= selected[1] < count:
        i = selected[1]
        corner = (x0 + (i % cols) * s, y0 + (i // cols) * s)
        ax.add_patch(Rectangle(corner, s, s, fill=False, edgecolor=PAPER, linewidth=_pt(5), zorder=7))  # a light ring
        ax.add_patch(Rectangle(corner, s, s, fill=False, edgecolor=SELECTED, linewidth=_pt(2.5), zorder=7))


def _table_height(rows: list[list[str]]) -> float:
    return len(rows) * (TEXT_PX + 8) + 4


def _draw_table(ax, rows: list[list[str]], x: float, y: float) -> float:
    """The table, columns as wide as their widest cell; returns its right edge."""
    columns = max(len(row) for row in rows)
    widths = [max(_width(row[c], TEXT_PX) if c < len(row) else 0 for row in rows) + 16 for c in range(columns)]
    for r, row in enumerate(rows):
        left = x
        for c, text in enumerate(row):
            _text(ax, left + 6, y + r * (TEXT_PX + 8) + (TEXT_PX + 8) / 2, text, fontsize=_pt(TEXT_PX), color=INK,
                  va="center", ha="left", fontweight="bold" if r == 0 else "normal")
            left += widths[c]
    right = x + sum(widths)
    row_h = TEXT_PX + 8
    ax.add_collection(LineCollection([[(x, y + r * row_h), (right, y + r * row_h)] for r in range(len(rows) + 1)],
                                     colors=LINE, linewidths=0.6))
    return right


def scene_to_png(scene: Scene) -> bytes:
    """The PNG bytes of ``scene`` (the same scene gives the same bytes)."""
    text_width = MAX_WIDTH - 2 * PAD
    headline = plain_text(scene.text) or scene.summary
    text_lines = _wrap(headline, TEXT_PX, text_width)[:12]
    error_lines = _wrap("⚠ " + scene.error, TEXT_PX, text_width - 12) if scene.error else []
    line_h = TEXT_PX * 1.45
    y = PAD
    text_top = y
    y += len(text_lines) * line_h + 6
    error_top = y
    if error_lines:
        y += len(error_lines) * line_h + 12
    boxes, bottom, right, left_out = _place(scene, y + 4)
    y = bottom + (GAP if boxes else 0)
    more_top = y
    if left_out:
        y += line_h
    table = [[str(cell) for cell in row] for row in (scene.table or []) if row]
    table_top = y
    if table:
        y += _table_height(table)
    height = math.ceil(y + PAD)
    widest_text = max([_width(line, TEXT_PX) for line in text_lines + error_lines] + [0])
    width = min(MAX_WIDTH, math.ceil(max(right, PAD + widest_text + 12 * bool(error_lines), 320) + PAD))

    figure = Figure(figsize=(width / 100, height / 100), dpi=100 * PIXEL_RATIO, facecolor=PAPER)
    canvas = FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    if text_lines:
        _text(ax, PAD, text_top, "\n".join(text_lines), fontsize=_pt(TEXT_PX), color=INK, va="top", ha="left",
              linespacing=1.45)
    if error_lines:
        ax.add_patch(Rectangle((PAD, error_top), width - 2 * PAD, len(error_lines) * line_h + 8, facecolor=ERROR_FILL,
                               edgecolor=FLAGGED, linewidth=0))
        ax.add_patch(Rectangle((PAD, error_top), 4, len(error_lines) * line_h + 8, facecolor=FLAGGED, linewidth=0))
        _text(ax, PAD + 12, error_top + 4, "\n".join(error_lines), fontsize=_pt(TEXT_PX), color=ERROR_INK, va="top",
              ha="left", linespacing=1.45)
    selected = None
    lit = Highlight()
    if scene.selected and len(scene.selected) == 2 and isinstance(scene.selected[1], int):
        selected = (str(scene.selected[0]), scene.selected[1])
        lit = highlights(scene, *selected)
    for box in boxes:
        _draw_grid(ax, box, lit, selected)
    if left_out:
        _text(ax, PAD, more_top, say("… and {count} more grid(s): run the notebook to see them", count=left_out),
              fontsize=_pt(TEXT_PX), color=MUTED, va="top", ha="left")
    if table:
        _draw_table(ax, table, PAD, table_top)
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    with _quiet_fonts():
        canvas.draw()
    picture = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")
    # 256 colours hold a scene (flat fills, text); a third of the size of true colour in the notebook.
    picture = picture.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)  # no text chunks: the same scene, the same bytes
    return buffer.getvalue()
