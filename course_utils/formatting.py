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

from collections.abc import Collection, Sequence

__all__ = ["MISSING", "human_count", "human_bytes", "mib", "duration", "plural", "text_table", "markdown_table"]

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
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def plural(count: int, noun: str) -> str:
    """``plural(1, 'epoch') -> '1 epoch'``, ``plural(2, 'epoch') -> '2 epochs'``."""
    return f"{count} {noun}{'s' * (count != 1)}"


def text_table(
    header: Sequence[str], body: Sequence[Sequence[str]], *, right: Collection[int] = (), rule: bool = True
) -> str:
    """Columns padded to their widest cell, ``right`` ones right-aligned, a rule as wide as the header under it."""
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = (c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))
        return "  ".join(padded).rstrip()

    top = line(header)
    lines = [top, "-" * len(top)] if rule else [top]
    return "\n".join(lines + [line(row) for row in body])


def markdown_table(header: Sequence[str], body: Sequence[Sequence[str]], *, right: Collection[int] = ()) -> str:
    """A Markdown table; ``right`` columns right-aligned."""
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in body])
