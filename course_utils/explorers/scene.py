"""What an explorer shows, as data: grids of cells, the links between them, a table, the text.

An explorer's Python side computes a :class:`Scene` from its control values (the maths
comes from ``course_utils.shapes`` and ``course_utils.ops``); the front end
(``static/explorer.js``) draws the scene as SVG and answers pointing at once, with no
kernel round trip; ``render_png`` draws the same scene with matplotlib, the picture a
committed notebook shows before it is run. Number and picture come from one scene, so
they cannot disagree.

Cells are numbered row-major: cell ``(r, c)`` of a grid with ``cols`` columns is ``r * cols + c``.

Pointing, in the front end:

* at a cell of a link's ``target`` grid: the ``source`` cells in ``reads[cell]`` light up
  (and, through further links, whatever those cells read), the ``weights`` grid's cells in
  ``taps[cell]`` light up beside them, and the computation is written out (``op``);
* at a cell of a link's ``source`` grid: every ``target`` cell whose ``reads`` contain it
  lights up;
* ``rects`` (``op="field"``): the target cell's rectangle on the source, in source
  coordinates, which may reach beyond the grid (drawn dashed there).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["Grid", "Link", "Control", "Scene", "CELL_KINDS"]

# What a cell is, besides its value: drawn differently by both renderers.
#   ""        an ordinary cell
#   "pad"     padding (zeros added around the input; never part of the image)
#   "unread"  a pixel that no window reads (e.g. stride larger than the kernel)
#   "dropped" a row/column of the input cut off because no whole window fits it
CELL_KINDS = ("", "pad", "unread", "dropped")

Shade = Literal["grey", "signed", "none"]
Op = Literal["sum", "max", "mean", "field"]


@dataclass
class Grid:
    """One grid of cells (an image, a padded input, a kernel, an output, a row of channels)."""

    id: str
    title: str
    rows: int
    cols: int
    values: list[float] | None = None  # row-major, rows * cols numbers; None: cells without numbers
    kinds: list[str] | None = None  # row-major, one of CELL_KINDS per cell; None: all ""
    row0: int = 0  # the coordinate the text gives row 0 (a padded input starts at -padding_top)
    col0: int = 0
    show_values: bool = False  # write each value in its cell (small grids)
    shade: Shade = "none"  # "grey": values are pixels (0 black .. 1 white, or min..max); "signed": blue-white-red
    labels: list[str] | None = None  # row-major text per cell instead of the value (e.g. channel names)
    note: str = ""  # one line under the grid
    flagged: bool = False  # drawn with a warning outline (e.g. a field larger than the input)
    panel: str = ""  # grids with the same panel name are drawn together, in order

    def __post_init__(self) -> None:
        """A grid the renderers cannot draw is an error here, where it is built, not a blank picture."""
        count = self.rows * self.cols
        for name in ("values", "kinds", "labels"):
            items = getattr(self, name)
            if items is None:
                continue
            if len(items) != count:
                raise ValueError(f"grid {self.id!r}: {name} has {len(items)} items, but {self.rows} x {self.cols} "
                                 f"cells need {count} (flat, row-major: e.g. tensor.flatten().tolist())")
        if self.values is not None and not all(isinstance(v, (int, float)) for v in self.values):
            bad = next(v for v in self.values if not isinstance(v, (int, float)))
            raise TypeError(f"grid {self.id!r}: values must be numbers (flat, row-major), got {type(bad).__name__}: "
                            "e.g. tensor.flatten().tolist()")


@dataclass
class Link:
    """Which cells of ``source`` each cell of ``target`` reads, and how it combines them."""

    source: str  # id of the grid that is read
    target: str  # id of the grid whose cells read it
    reads: list[list[int]] | None = None  # per target cell: the source cells it reads, one per tap
    op: Op = "sum"  # sum of weight x input, max, mean (divided by divisors[cell]), or a field rectangle
    weights: str | None = None  # id of the grid holding the weights (op "sum")
    taps: list[list[int]] | None = None  # per target cell, per read: the weight cell that multiplies it
    divisors: list[int] | None = None  # op "mean": per target cell, the number the sum is divided by
    rects: list[list[int]] | None = None  # op "field": per target cell [top, left, bottom, right], inclusive


@dataclass
class Control:
    """One control. ``kind``: "int" (slider + box), "number" (a box that takes 1e3), "choice"
    (buttons or a menu of ``options``), "toggle" (on/off), "matrix" (editable numbers, ``rows`` x
    ``cols``, value row-major), "draw" (a ``rows`` x ``cols`` canvas the student paints or fills from
    an uploaded picture, value row-major in [0, 1])."""

    name: str
    label: str
    kind: Literal["int", "number", "choice", "toggle", "matrix", "draw"]
    value: Any
    min: float | None = None
    max: float | None = None
    step: float | None = None
    options: list[list[Any]] | None = None  # [[label, value], ...] for "choice"
    rows: int | None = None  # "matrix" and "draw"
    cols: int | None = None
    disabled: bool = False
    note: str = ""  # why it is disabled or limited, with the numbers
    group: str = ""  # controls of one group stay together when the row wraps


@dataclass
class Scene:
    """Everything one state of an explorer shows."""

    text: str  # HTML (values escaped by the explorer): the headline, formula with numbers, explanation
    summary: str  # one line of plain text (the text/plain of the display)
    grids: list[Grid] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    error: str = ""  # plain text: why this setting is impossible, with the numbers ("" when it is possible)
    table: list[list[str]] | None = None  # rows of plain-text cells, the first row the header
    sweep: str | None = None  # id of the grid whose cells the play/step control walks through
    selected: list[Any] | None = None  # [grid id, cell] picked when the scene is first drawn

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (what the front end receives)."""
        return asdict(self)

    def grid(self, grid_id: str) -> Grid:
        """The grid called ``grid_id``."""
        for grid in self.grids:
            if grid.id == grid_id:
                return grid
        raise KeyError(f"no grid {grid_id!r} in this scene: it has {[g.id for g in self.grids]}")

    def link(self, target: str, source: str | None = None) -> Link:
        """The link whose target is ``target`` (and source ``source``, when given)."""
        for link in self.links:
            if link.target == target and (source is None or link.source == source):
                return link
        raise KeyError(f"no link to {target!r} in this scene")
