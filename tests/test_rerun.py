"""Every cell gives the same output when it is run twice in a row (as a student does with
Shift+Enter, or Run All after a run), and the cells after it still work.

Each notebook runs in a kernel at the fast size; every code cell whose output nbval compares
(not marked ``NBVAL_IGNORE_OUTPUT`` / ``NBVAL_SKIP``: the trainings and timings) runs twice, and
its printed text (streams, ``text/plain``, errors) must be the same both times. The cells after
it then run on what the second run left, so a cell that changes its own inputs in place (a
reshape of ``X``, a concatenation that grows ``X``) fails here or makes a later cell fail.
Then those cells run once more from the top, as Run All does a second time (the trainings are
not run again), and must print what they printed the first time: a cell that depends on a
later cell having not run yet fails here.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "notebooks" / "ko").glob("*.ipynb"))  # with the Korean edition
NOTEBOOK_IDS = [path.relative_to(ROOT / "notebooks").as_posix() for path in NOTEBOOKS]
IGNORED = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP", "NBVAL_RAISES_EXCEPTION")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def printed(outputs: list[nbformat.NotebookNode]) -> list[str]:
    """What a cell printed, as text (widget views and pictures left out: their ids differ per run)."""
    texts: list[str] = []
    for out in outputs:
        if out.output_type == "stream":  # one text per run of a stream (how it is split in chunks varies)
            if texts and texts[-1].startswith(f"{out.name}: "):
                texts[-1] += out.text
            else:
                texts.append(f"{out.name}: {out.text}")
        elif out.output_type == "error":
            texts.append(f"error: {out.ename}: {out.evalue}")
        elif WIDGET_VIEW not in out.get("data", {}) and "text/plain" in out.get("data", {}):
            texts.append(f"{out.output_type}: {out.data['text/plain']}")
    return texts


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_every_cell_gives_the_same_output_when_run_twice(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    assert os.environ.get("COURSE_SIZE") == "fast"  # conftest.py: the kernel inherits it
    problems: list[str] = []
    first_run: dict[int, list[str]] = {}
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            client.execute_cell(cell, index)
            first = printed(cell.outputs)
            if any(line.startswith("error: ") for line in first):
                problems.append(f"cell {index} fails on its first run: {first[-1]}\n{cell.source}")
                break
            if any(marker in cell.source for marker in IGNORED):
                continue
            first_run[index] = first
            client.execute_cell(cell, index)
            _compare(problems, index, cell, first, "when run again at once")
        for index, first in (first_run.items() if not problems else ()):
            client.execute_cell(nb.cells[index], index)
            _compare(problems, index, nb.cells[index], first, "in a second Run All")
    assert not problems, "\n\n".join(problems)


def _compare(problems: list[str], index: int, cell: nbformat.NotebookNode, first: list[str], when: str) -> None:
    again = printed(cell.outputs)
    if again != first:
        problems.append(f"cell {index} prints something else {when}:\n{cell.source}\n"
                        f"first: {first}\nagain: {again}")
