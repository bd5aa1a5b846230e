#!/usr/bin/env python
"""Execute the course notebooks in place and print how long each one took.

    python scripts/run_notebooks.py                       # notebooks/*.ipynb, fast size
    python scripts/run_notebooks.py --size cpu notebooks/07-*.ipynb
    python scripts/run_notebooks.py --size cpu notebooks/ko/07-*.ipynb   # the Korean edition
    FASHION_MNIST_ROOT=/path/to/FashionMNIST/raw python scripts/run_notebooks.py --size cpu

    python scripts/run_notebooks.py --refresh             # only rewrite the badge and Colab cells

The size (``fast`` | ``cpu`` | ``book``) goes to the kernel as ``COURSE_SIZE``; the data
location, if any, is read by the kernel from ``FASHION_MNIST_ROOT`` as usual. The
kernel runs without ``MPLBACKEND`` so that figures render inline. Before running, two
cells of each notebook are rewritten from ``scripts/links.py``: the first cell (the
"Open in Colab" badge) and the first code cell (the Colab setup cell, inserted before
the first code cell if missing); a notebook of the Korean edition (``notebooks/ko/``)
gets the badge in Korean. Both carry the cell tag ``voila-hide``
(``VOILA_HIDE_TAG``): the Voila app leaves those cells out (``voila.json``, and
``binder/postBuild`` for the Jupyter server's Voila route), so it shows no badge and no
install note. After running, widget state is removed from the notebook metadata
(``metadata.widgets``) and no timing metadata is written, so a re-run only changes
outputs. ``--check`` executes without writing anything (exit status 1 if a cell fails);
``--refresh`` rewrites and tags the two cells and executes nothing (a new Colab cell has
no outputs and no execution count).
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

sys.path.insert(0, str(Path(__file__).resolve().parent))  # links.py, beside this file
from links import TRANSLATIONS, colab_badge_markdown, colab_setup_source  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SIZES = ("fast", "cpu", "book")
COLAB_CELL_ID = "colab-setup"  # how the Colab cell is found again after its source changes
VOILA_HIDE_TAG = "voila-hide"  # the cells the Voila app leaves out (voila.json names the same tag)


def tag_for_voila(cell: nbformat.NotebookNode) -> bool:
    """Give ``cell`` the tag ``VOILA_HIDE_TAG`` (its other tags kept); True if it did not have it."""
    tags = cell.metadata.setdefault("tags", [])
    if VOILA_HIDE_TAG in tags:
        return False
    tags.append(VOILA_HIDE_TAG)
    return True


def badge_cell(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """The badge cell: the first cell, markdown, with the 'Open In Colab' badge (ValueError if not)."""
    first = nb.cells[0] if nb.cells else None
    if first is None or first.cell_type != "markdown" or "Open In Colab" not in first.source:
        raise ValueError(f"{name}: the first cell must be the markdown 'Open In Colab' badge cell")
    return first


def colab_cell_index(nb: nbformat.NotebookNode, name: str) -> tuple[int, bool]:
    """(index of the first code cell, whether it is the Colab cell: its id is ``COLAB_CELL_ID``
    or its source is the Colab cell's). ValueError for a notebook without code cells, or with
    the Colab cell's id on a cell that is not the first code cell."""
    code = [index for index, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    if not code:
        raise ValueError(f"{name}: has no code cell; the Colab cell goes before the setup cell")
    first = nb.cells[code[0]]
    if first.get("id") == COLAB_CELL_ID or first.source == colab_setup_source(name):
        return code[0], True
    if any(cell.get("id") == COLAB_CELL_ID for cell in nb.cells):
        raise ValueError(f"{name}: the cell with id {COLAB_CELL_ID!r} must be the first code cell")
    return code[0], False


def notebook_name(path: Path) -> str:
    """The name ``links.colab_url`` takes: the file name, with ``ko/`` before it for the Korean edition."""
    return f"{path.parent.name}/{path.name}" if path.parent.name in TRANSLATIONS else path.name


def refresh_badge(nb: nbformat.NotebookNode, name: str) -> bool:
    """Rewrite the badge cell (the first cell, markdown, starting with the badge) and tag it
    ``VOILA_HIDE_TAG``; True if it changed."""
    first = badge_cell(nb, name)
    badge = colab_badge_markdown(name)
    changed = first.source != badge
    first.source = badge
    tagged = tag_for_voila(first)
    return changed or tagged


def strip_widget_state(nb: nbformat.NotebookNode) -> None:
    """Remove saved widget state (it is large, changes every run and is not needed to show the views)."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)


def refresh_colab_cell(nb: nbformat.NotebookNode, name: str) -> bool:
    """Make the first code cell the Colab setup cell (insert it, or rewrite it), tagged
    ``VOILA_HIDE_TAG``; True if it changed.

    The cell is recognised by its id, ``COLAB_CELL_ID``, or its source; a new one goes right
    before the first code cell (the setup cell), with no outputs and no execution count.
    """
    index, found = colab_cell_index(nb, name)
    source = colab_setup_source(name)
    if found:
        cell = nb.cells[index]
        changed = cell.source != source
        cell.source = source
        tagged = tag_for_voila(cell)
        return changed or tagged
    nb.cells.insert(index, nbformat.v4.new_code_cell(source, id=COLAB_CELL_ID, metadata={"tags": [VOILA_HIDE_TAG]}))
    return True


def refresh_cells(nb: nbformat.NotebookNode, name: str) -> bool:
    """Rewrite the badge and Colab cells from ``links`` (``scripts/links.py``), both tagged
    ``VOILA_HIDE_TAG``; True if either changed."""
    badge = refresh_badge(nb, name)
    colab = refresh_colab_cell(nb, name)
    return badge or colab


def refresh_notebook(path: Path) -> bool:
    """``refresh_cells`` on the file, written back (as nbformat writes it) only if it changed."""
    nb = nbformat.read(path, as_version=4)
    changed = refresh_cells(nb, notebook_name(path))
    if changed:
        nbformat.validate(nb)
        nbformat.write(nb, path)
    return changed


def execute_notebook(path: Path, timeout: int, extra_source: str | None = None) -> tuple[nbformat.NotebookNode, float]:
    """Read ``path``, refresh its badge and Colab cells, execute it in its own folder.

    Returns the executed notebook (not written) and the wall time in seconds.
    ``extra_source``, if given, runs in the same kernel after the last cell, in a code
    cell appended to the returned notebook (its outputs are the last cell's).
    """
    nb = nbformat.read(path, as_version=4)
    refresh_cells(nb, notebook_name(path))
    if extra_source is not None:
        nb.cells.append(nbformat.v4.new_code_cell(extra_source))
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
    return nb, time.perf_counter() - start


def run_notebook(path: Path, timeout: int, write: bool) -> float:
    """Execute ``path`` in its own folder (written back if ``write``); return the wall time in seconds."""
    nb, elapsed = execute_notebook(path, timeout)
    strip_widget_state(nb)
    if write:
        nbformat.write(nb, path)
    return elapsed


def set_kernel_environment(size: str) -> None:
    """What every kernel started from here inherits: ``COURSE_SIZE`` and no ``MPLBACKEND`` (figures inline)."""
    os.environ["COURSE_SIZE"] = size
    os.environ.pop("MPLBACKEND", None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: notebooks/*.ipynb)")
    parser.add_argument("--size", choices=SIZES, default="fast", help="COURSE_SIZE for the kernel (default: fast)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell (default: 1800)")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--check", action="store_true", help="execute but do not write the notebooks back")
    what.add_argument("--refresh", action="store_true",
                      help="only rewrite (and tag) the badge and Colab cells from scripts/links.py; execute nothing")
    args = parser.parse_args(argv)

    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not paths:
        parser.error("no notebooks found")
    if args.refresh:
        for path in paths:
            print(f"{'rewrote ' if refresh_notebook(path.resolve()) else 'up to date'}  {path.name}")
        return 0
    set_kernel_environment(args.size)
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
