"""How the course writes numbers and tables: one formatter for every printout.

>>> human_count(416_520), human_count(999), mib(3 * 2**20), human_bytes(4e12)
('416.52 K', '999', '3.0 MiB', '4.0 TB')
>>> duration(4.26), duration(75.3), plural(1, "epoch"), plural(3, "epoch")
('4.3 s', '1 min 15 s', '1 epoch', '3 epochs')
>>> print(text_table(["model", "params"], [["LeNet", "61,706"], ["AlexNet", "46,787,978"]], right={1}))
model        params
-------------------
LeNet        61,706
AlexNet  46,787,978
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence

from course_utils.language import say

__all__ = ["MISSING", "human_count", "human_bytes", "mib", "duration", "plural", "display_width", "text_table", "markdown_table"]

MISSING = "—"  # a value that was not measured


def human_count(count: float) -> str:
    """A large count with a unit: ``1_234_567 -> '1.23 M'`` (K, M, G; below 1,000 as it is)."""
    for unit, scale in (("G", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(count) >= scale:
            return f"{count / scale:.2f} {unit}"
    return f"{count:g}" if isinstance(count, float) else str(count)


def human_bytes(n: float) -> str:
    """Bytes in decimal units: ``4e12 -> '4.0 TB'`` (B, kB, MB, GB, TB, PB)."""
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(n) < 1000:
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n:,.1f} PB"


def mib(n: float) -> str:
    """Bytes in MiB, as memory is reported: ``3 * 2**20 -> '3.0 MiB'``."""
    return f"{n / 2**20:,.1f} MiB"


def duration(seconds: float) -> str:
    """``75.3 -> '1 min 15 s'``, ``4.26 -> '4.3 s'``."""
    if seconds < 60:
        return say("{seconds:.1f} s", seconds=seconds)
    minutes, rest = divmod(round(seconds), 60)
    return say("{minutes} min {rest} s", minutes=minutes, rest=rest)


def plural(count: int, noun: str) -> str:
    """``plural(1, 'epoch') -> '1 epoch'``, ``plural(2, 'epoch') -> '2 epochs'``."""
    return f"{count} {noun}{'s' * (count != 1)}"


def display_width(text: str) -> int:
    """Columns ``text`` takes in a monospaced font: Hangul and other wide characters take two.

    >>> display_width("val_acc"), display_width("검증 정확도")
    (7, 11)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - display_width(text))
    return fill + text if right else text + fill


def text_table(
    header: Sequence[str], body: Sequence[Sequence[str]], *, right: Collection[int] = (), rule: bool = True
) -> str:
    """Columns padded to their widest cell (by :func:`display_width`, so Korean lines up), ``right`` ones
    right-aligned, a rule as wide as the header under it."""
    widths = [max(display_width(row[i]) for row in [header, *body]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(_pad(c, w, i in right) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    top = line(header)
    lines = [top, "-" * display_width(top)] if rule else [top]
    return "\n".join(lines + [line(row) for row in body])


def markdown_table(header: Sequence[str], body: Sequence[Sequence[str]], *, right: Collection[int] = ()) -> str:
    """A Markdown table; ``right`` columns right-aligned."""
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in body])
