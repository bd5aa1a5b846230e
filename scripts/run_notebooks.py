#!/usr/bin/env python
"""Execute the course notebooks in place and print how long each one took.

    python scripts/run_notebooks.py                       # notebooks/*.ipynb, fast size
    python scripts/run_notebooks.py --size cpu notebooks/07-*.ipynb
    FASHION_MNIST_ROOT=/path/to/FashionMNIST/raw python scripts/run_notebooks.py --size cpu

The size (``fast`` | ``cpu`` | ``book``) goes to the kernel as ``COURSE_SIZE``; the data
location, if any, is read by the kernel from ``FASHION_MNIST_ROOT`` as usual. The
kernel runs without ``MPLBACKEND`` so that figures render inline. Before running, the
first cell of each notebook (the "Open in Colab" badge) is rewritten from
``course_utils.links``; after running, widget state is removed from the notebook
metadata (``metadata.widgets``) and no timing metadata is written, so a re-run only
changes outputs. ``--check`` executes without writing anything (exit status 1 if a
cell fails).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from course_utils.links import colab_badge_markdown

ROOT = Path(__file__).resolve().parents[1]
SIZES = ("fast", "cpu", "book")


def refresh_badge(nb: nbformat.NotebookNode, name: str) -> bool:
    """Rewrite the badge cell (the first cell, markdown, starting with the badge); True if it changed."""
    first = nb.cells[0] if nb.cells else None
    if first is None or first.cell_type != "markdown" or "Open In Colab" not in first.source:
        raise ValueError(f"{name}: the first cell must be the markdown 'Open In Colab' badge cell")
    badge = colab_badge_markdown(name)
    changed = first.source != badge
    first.source = badge
    return changed


def strip_widget_state(nb: nbformat.NotebookNode) -> None:
    """Remove saved widget state (it is large, changes every run and is not needed to show the views)."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)


def run_notebook(path: Path, timeout: int, write: bool) -> float:
    """Execute ``path`` in its own folder; return the wall time in seconds."""
    nb = nbformat.read(path, as_version=4)
    refresh_badge(nb, path.name)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    strip_widget_state(nb)
    if write:
        nbformat.write(nb, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: notebooks/*.ipynb)")
    parser.add_argument("--size", choices=SIZES, default="fast", help="COURSE_SIZE for the kernel (default: fast)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell (default: 1800)")
    parser.add_argument("--check", action="store_true", help="execute but do not write the notebooks back")
    args = parser.parse_args(argv)

    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not paths:
        parser.error("no notebooks found")
    os.environ["COURSE_SIZE"] = args.size  # the kernel inherits this environment
    os.environ.pop("MPLBACKEND", None)  # figures inline, whatever the caller's backend
    data = os.environ.get("FASHION_MNIST_ROOT", "(not set: the packaged sample / default location)")
    print(f"size {args.size}, FASHION_MNIST_ROOT {data}")

    failed = []
    total = 0.0
    for path in paths:
        try:
            elapsed = run_notebook(path.resolve(), args.timeout, write=not args.check)
        except CellExecutionError as error:
            failed.append(path.name)
            print(f"FAILED {path.name}\n{error}", file=sys.stderr)
            continue
        total += elapsed
        print(f"{elapsed:7.1f} s  {path.name}", flush=True)
    print(f"{total:7.1f} s  total ({len(paths) - len(failed)} notebooks)")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
