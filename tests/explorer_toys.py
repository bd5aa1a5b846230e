"""A small explorer for the tests of the explorer base class and its front end.

:class:`ToyExplorer` is a convolution in the book's example (D2L 7.2.1: the input
0..8 as 3 x 3, the kernel [[0, 1], [2, 3]]) with padding and stride, followed by a
2 x 2 pooling window (max or mean, stride 1) and the field of each pooled cell on the
image. Its scene has every part the front end draws: a padded input (pad, unread and
dropped cells), a kernel whose taps are highlighted, an output with values, a chain of
two links (input -> output -> pooled, ops "sum" then "max"/"mean"), a link of op "field"
whose rectangles reach into the padding, a table, a sweep, and an error when the output
is too small to pool. It has a control of every kind, one of them disabled with a note.

The numbers come from plain loops over the reads and taps (what the front end writes
out when a cell is pointed at); the tests compare them with ``F.conv2d`` and ``F.max_pool2d``.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from course_utils.explorers._widget import Explorer
from course_utils.explorers.scene import Control, Grid, Link, Scene
from course_utils.shapes import conv_formula_text, conv_output_shape, window_taps

__all__ = ["ToyExplorer", "PICTURES", "DRAW_SIZE", "KERNEL", "POOL"]

KERNEL = 2  # the kernel is KERNEL x KERNEL
POOL = 2  # the pooling window is POOL x POOL, stride 1
DRAW_SIZE = 6  # the canvas of the "drawn" picture is DRAW_SIZE x DRAW_SIZE
PICTURES = ("ramp", "ones", "checker", "diagonal", "steps", "drawn")


def picture(name: str, drawing: list[float]) -> list[list[float]]:
    """The input picture ``name`` as rows (3 x 3, or the drawing's DRAW_SIZE x DRAW_SIZE)."""
    if name == "drawn":
        return [drawing[r * DRAW_SIZE:(r + 1) * DRAW_SIZE] for r in range(DRAW_SIZE)]
    n = 3
    make = {
        "ramp": lambda r, c: r * n + c,  # the book's 0..8
        "ones": lambda r, c: 1,
        "checker": lambda r, c: (r + c) % 2,
        "diagonal": lambda r, c: int(r == c),
        "steps": lambda r, c: c - 1,
    }[name]
    return [[float(make(r, c)) for c in range(n)] for r in range(n)]


class ToyExplorer(Explorer):
    """Convolution (padding, stride, editable 2 x 2 kernel), then 2 x 2 pooling, on a tiny picture."""

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)

    def _controls(self, values: Mapping[str, Any]) -> list[Control]:
        padding = values.get("padding", 0)
        n = DRAW_SIZE if values.get("picture", "ramp") == "drawn" else 3
        padded = n + 2 * padding
        return [
            Control("padding", "padding", "int", 0, min=0, max=2, group="window"),
            Control("stride", "stride", "int", 1, min=1, max=padded - KERNEL + 1, group="window",
                    note=f"at most {padded - KERNEL + 1}: the padded input is {padded} wide"),
            Control("dilation", "dilation", "int", 1, min=1, max=1, disabled=True, group="window",
                    note="fixed at 1 in this explorer"),
            Control("scale", "input scale", "number", 1, min=0.001, max=1e6, group="input"),
            Control("picture", "picture", "choice", "ramp", options=[[name, name] for name in PICTURES],
                    group="input"),
            Control("pool", "pooling", "choice", "max", options=[["max", "max"], ["mean", "mean"]]),
            Control("show_values", "numbers in cells", "toggle", True),
            Control("kernel", "kernel", "matrix", [0.0, 1.0, 2.0, 3.0], rows=KERNEL, cols=KERNEL),
            Control("drawing", "drawing", "draw", [0.0] * DRAW_SIZE ** 2, rows=DRAW_SIZE, cols=DRAW_SIZE),
        ]

    def _compute(self, values: Mapping[str, Any]) -> Scene:
        p, s, show = values["padding"], values["stride"], values["show_values"]
        image = [[x * values["scale"] for x in row] for row in picture(values["picture"], values["drawing"])]
        n = len(image)
        size = n + 2 * p
        h, w = conv_output_shape(n, KERNEL, padding=p, stride=s)
        kernel = values["kernel"]

        padded = [0.0] * size * size
        for r in range(n):
            for c in range(n):
                padded[(r + p) * size + c + p] = image[r][c]
        reads, taps, output = [], [], []
        for i in range(h):
            for j in range(w):
                rows = [r + p for r in window_taps(i, KERNEL, padding=p, stride=s)]
                cols = [c + p for c in window_taps(j, KERNEL, padding=p, stride=s)]
                cells = [r * size + c for r in rows for c in cols]
                reads.append(cells)
                taps.append(list(range(KERNEL * KERNEL)))
                output.append(sum(padded[cell] * kernel[tap] for cell, tap in zip(cells, taps[-1])))
        kinds = _input_kinds(size, p, reads)

        grids = [
            Grid("input", f"input (padding {p})", size, size, values=padded, kinds=kinds, row0=-p, col0=-p,
                 show_values=show, shade="grey" if values["picture"] == "drawn" else "none", panel="conv"),
            Grid("kernel", "kernel", KERNEL, KERNEL, values=list(kernel), show_values=True, shade="signed",
                 panel="conv"),
            Grid("output", f"output {h}×{w}", h, w, values=output, show_values=show, panel="conv"),
        ]
        links = [Link("input", "output", reads=reads, op="sum", weights="kernel", taps=taps)]
        error = ""
        if min(h, w) >= POOL:
            grids, links = self._pooled(values["pool"], output, h, w, p, s, image, grids, links)
        else:
            error = (f"the output {h}×{w} is smaller than the {POOL}×{POOL} pooling window: "
                     "lower the stride or add padding")
        formula = conv_formula_text(n, KERNEL, padding=p, stride=s, name="out")
        text = (f"<b>Convolution</b> of a {n}×{n} input with padding {p}, stride {s}: "
                f"output <b>{h}×{w}</b><br><code>{html.escape(formula)}</code>")
        table = [["grid", "rows × cols"]] + [[g.title, f"{g.rows}×{g.cols}"] for g in grids]
        summary = f"input {n}×{n}, padding {p}, stride {s} → output {h}×{w}"
        return Scene(text=text, summary=summary, grids=grids, links=links, error=error, table=table,
                     sweep="output")

    def _pooled(self, pool: str, output: list[float], h: int, w: int, p: int, s: int, image: list[list[float]],
                grids: list[Grid], links: list[Link]) -> tuple[list[Grid], list[Link]]:
        """The pooled output (a second link, op max or mean) and the field of each pooled cell on the image."""
        ph, pw = h - POOL + 1, w - POOL + 1
        reads = [[(i + a) * w + j + b for a in range(POOL) for b in range(POOL)] for i in range(ph) for j in range(pw)]
        if pool == "max":
            pooled = [max(output[cell] for cell in cells) for cells in reads]
        else:
            pooled = [sum(output[cell] for cell in cells) / len(cells) for cells in reads]
        n = len(image)
        # Pooled cell (i, j) reads output rows i .. i + POOL - 1, which read image rows
        # (i)s - p .. (i + POOL - 1)s - p + KERNEL - 1 (negative or >= n: the padding).
        rects = [[i * s - p, j * s - p, (i + POOL - 1) * s - p + KERNEL - 1, (j + POOL - 1) * s - p + KERNEL - 1]
                 for i in range(ph) for j in range(pw)]
        grids = grids + [
            Grid("pooled", f"{pool} pooled {ph}×{pw}", ph, pw, values=pooled, show_values=True, panel="pool"),
            Grid("image", "field on the image", n, n, values=[x for row in image for x in row], shade="grey",
                 panel="pool", note="dashed: the part of the field in the padding"),
        ]
        links = links + [
            Link("output", "pooled", reads=reads, op=pool, divisors=[len(cells) for cells in reads]
                 if pool == "mean" else None),
            Link("image", "pooled", op="field", rects=rects),
        ]
        return grids, links


def _input_kinds(size: int, p: int, reads: list[list[int]]) -> list[str]:
    """Padding, pixels no window reads ("unread"), and rows/columns past the last window ("dropped")."""
    read = {cell for cells in reads for cell in cells}
    last_row = max(cell // size for cell in read)
    last_col = max(cell % size for cell in read)
    kinds = []
    for cell in range(size * size):
        r, c = divmod(cell, size)
        if not (p <= r < size - p and p <= c < size - p):
            kinds.append("pad")
        elif cell in read:
            kinds.append("")
        elif r > last_row or c > last_col:
            kinds.append("dropped")
        else:
            kinds.append("unread")
    return kinds
