#!/usr/bin/env python
"""Tag each notebook's housekeeping cells ``voila-hide``, so that the Voila app leaves them out.

    python scripts/tag_housekeeping.py                    # notebooks/*.ipynb
    python scripts/tag_housekeeping.py notebooks/explorers.ipynb
    python scripts/tag_housekeeping.py --check            # change nothing; exit status 1 if a tag is missing

The housekeeping cells are the "Open in Colab" badge cell (the first cell, with the note on
the Colab cell) and the Colab setup cell (the first code cell), found as
``scripts/run_notebooks.py`` finds them; it tags them the same way whenever it rewrites them.
Only their tags change: no source, output or other cell is touched, and a notebook that
already has both tags is not written. A notebook without those two cells is refused with the
command that adds them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run_notebooks.py, beside this file
from run_notebooks import ROOT, VOILA_HIDE_TAG, badge_cell, colab_cell_index, tag_for_voila  # noqa: E402


def housekeeping_cells(nb: nbformat.NotebookNode, name: str) -> list[nbformat.NotebookNode]:
    """The badge cell and the Colab cell of ``nb``; ValueError (with the remedy) if either is missing."""
    remedy = f"run python scripts/run_notebooks.py --refresh notebooks/{name} first"
    try:
        badge = badge_cell(nb, name)
        index, found = colab_cell_index(nb, name)
    except ValueError as error:
        raise ValueError(f"{error}; {remedy}") from None
    if not found:
        raise ValueError(f"{name}: its first code cell is not the Colab setup cell; {remedy}")
    return [badge, nb.cells[index]]


def tag_notebook(path: Path, write: bool = True) -> bool:
    """Tag the housekeeping cells of the notebook at ``path`` (written back only if a tag was added
    and ``write``); True if a tag was missing."""
    nb = nbformat.read(path, as_version=4)
    added = [tag_for_voila(cell) for cell in housekeeping_cells(nb, path.name)]
    if any(added) and write:
        nbformat.validate(nb)
        nbformat.write(nb, path)
    return any(added)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to tag (default: notebooks/*.ipynb)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit status 1 if a tag is missing")
    args = parser.parse_args(argv)

    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not paths:
        parser.error("no notebooks found")
    missing = []
    for path in paths:
        try:
            added = tag_notebook(path.resolve(), write=not args.check)
        except ValueError as error:
            print(error, file=sys.stderr)
            return 2
        if added:
            missing.append(path.name)
        state = ("lacks the tag" if args.check else "tagged    ") if added else "up to date"
        print(f"{state}  {path.name}")
    if args.check and missing:
        print(f"{len(missing)} notebook(s) lack the {VOILA_HIDE_TAG!r} tag: python scripts/tag_housekeeping.py",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
