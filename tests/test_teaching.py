"""The notebooks teach at least as much as the book's sections: enough explanation, the course's
own figures for every figure of the book, and exercises that check the answer.

* **Explanation:** the words of each notebook's markdown (code, math, HTML tags and links left
  out) are at least 0.8 of the words of the book's section (its body and exercises).
* **Figures:** each of the book's 23 figures has a counterpart drawn by the course's own code,
  in the same section, saved with its picture.
* **Exercises:** at least 55 exercises have a self-check (a ``check_...`` call after the
  "Exercises" heading, counted once per numbered exercise); every self-check cell is saved with
  ``...`` as its answer (the reminder as its output), so no notebook shows a verdict; open
  questions have collapsed model answers ("Show an answer").
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = {path.name[:4]: path for path in sorted((ROOT / "notebooks").glob("0*.ipynb"))}

# Words of the book's sections (body and exercises), the yardstick of the explanation.
BOOK_WORDS = {"07-1": 2617, "07-2": 2030, "07-3": 1467, "07-4": 1591, "07-5": 1365, "07-6": 1296,
              "08-1": 3268, "08-2": 1243, "08-3": 888, "08-4": 1491, "08-5": 3278, "08-6": 2585}
MIN_RATIO = 0.8

# The book's figures, by section, and the course's function that draws each one (and how many
# calls the notebook needs: one call may stand for two figures, as the detector shows the scene
# and what is looked for).
FIGURES = {
    "07-1": {"detector_figure": 1},                                   # 7.1.1, 7.1.2
    "07-2": {"cross_correlation_figure": 1, "receptive_field_figure": 1},  # 7.2.1, 7.2.2
    "07-3": {"pixel_use_figure": 1, "padding_figure": 1, "stride_figure": 1},  # 7.3.1-7.3.3
    "07-4": {"multi_input_figure": 1, "conv1x1_figure": 1},           # 7.4.1, 7.4.2
    "07-5": {"pooling_figure": 1},                                    # 7.5.1
    "07-6": {"architecture_figure": 1},                               # 7.6.1, 7.6.2
    "08-1": {"plot_kernels": 1, "compare_architectures_figure": 1},   # 8.1.1, 8.1.2
    "08-2": {"compare_architectures_figure": 1},                      # 8.2.1
    "08-3": {"compare_architectures_figure": 1},                      # 8.3.1
    "08-4": {"block_figure": 1, "architecture_figure": 1},            # 8.4.1, 8.4.2
    "08-6": {"function_classes_figure": 1, "block_figure": 3, "architecture_figure": 1},  # 8.6.1-8.6.5
}
MIN_SELF_CHECKED = 55
CHECK_CALL = re.compile(r"\bcheck_\w+\(")
EXERCISE_ITEM = re.compile(r"^(\d+)\.\s", flags=re.M)


def _read(key: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS[key], as_version=4)


def prose_words(markdown: str) -> int:
    """Words of explanation in a markdown cell: code, math, HTML tags and link targets left out."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$]*\$", " ", text)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\]\([^)]*\)", "] ", text)
    return len(re.findall(r"[A-Za-z0-9][\w'’\-.]*", text))


def notebook_words(nb: nbformat.NotebookNode) -> int:
    return sum(prose_words(cell.source) for cell in nb.cells
               if cell.cell_type == "markdown" and "Open In Colab" not in cell.source)


def exercise_cells(nb: nbformat.NotebookNode) -> list[tuple[int | None, nbformat.NotebookNode]]:
    """The cells after the "Exercises" heading, each with the number of the exercise it belongs to
    (the last numbered item of the markdown above it)."""
    cells, current, started = [], None, False
    for cell in nb.cells:
        if cell.cell_type == "markdown" and re.search(r"^#+\s*Exercises", cell.source, flags=re.M):
            started = True
            cell_text = cell.source.split("Exercises", 1)[1]
        else:
            cell_text = cell.source
        if not started:
            continue
        if cell.cell_type == "markdown":
            items = EXERCISE_ITEM.findall(cell_text)
            current = int(items[-1]) if items else current
        cells.append((current, cell))
    return cells


def self_checked_exercises(nb: nbformat.NotebookNode) -> set[int]:
    return {number for number, cell in exercise_cells(nb)
            if number is not None and cell.cell_type == "code" and CHECK_CALL.search(cell.source)}


def test_the_yardstick_covers_every_section():
    assert set(BOOK_WORDS) == {key for key in NOTEBOOKS if key != "08-7"}


@pytest.mark.parametrize("key", sorted(BOOK_WORDS))
def test_each_notebook_explains_at_least_as_much_as_the_book(key):
    words = notebook_words(_read(key))
    assert words >= MIN_RATIO * BOOK_WORDS[key], (
        f"{key}: {words} words of explanation, {words / BOOK_WORDS[key]:.2f} of the book's {BOOK_WORDS[key]}")


@pytest.mark.parametrize("key", sorted(FIGURES))
def test_every_figure_of_the_book_is_drawn_by_the_course(key):
    nb = _read(key)
    for function, needed in FIGURES[key].items():
        calls = [cell for cell in nb.cells if cell.cell_type == "code"
                 and re.search(rf"\b{function}\(", cell.source) and not cell.source.lstrip().startswith("def ")]
        assert len(calls) >= needed, f"{key}: {function} is called {len(calls)} times, needs {needed}"
        for cell in calls:
            assert any("image/png" in out.get("data", {}) for out in cell.outputs), (
                f"{key}: the cell calling {function} is saved without its picture")


def test_no_notebook_points_at_a_figure_it_does_not_show():
    for key, path in NOTEBOOKS.items():
        text = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)
        assert not re.search(r"book's Fig(ure|\.)", text), f"{key} refers to a figure of the book"


def test_enough_exercises_check_the_answer():
    counts = {key: len(self_checked_exercises(_read(key))) for key in BOOK_WORDS}
    assert sum(counts.values()) >= MIN_SELF_CHECKED, counts


@pytest.mark.parametrize("key", sorted(BOOK_WORDS))
def test_self_checks_are_saved_unanswered(key):
    """A saved notebook shows no verdict: every check cell's answer is ``...`` and its output the reminder."""
    for _, cell in exercise_cells(_read(key)):
        if cell.cell_type != "code" or not CHECK_CALL.search(cell.source):
            continue
        assert re.search(r"=\s*\.\.\.", cell.source), f"{key}: a check cell has an answer filled in:\n{cell.source}"
        printed = "".join(out.get("text", "") for out in cell.outputs)
        assert "✅" not in printed and "❌" not in printed, f"{key}: a check cell is saved with a verdict"


@pytest.mark.parametrize("key", sorted(BOOK_WORDS))
def test_model_answers_are_collapsed(key):
    """An open question's model answer sits in a closed <details> block with "Show an answer"."""
    for _, cell in exercise_cells(_read(key)):
        if cell.cell_type != "markdown":
            continue
        opened = cell.source.count("<details>")
        assert opened == cell.source.count("</details>"), f"{key}: an unclosed <details> block"
        assert opened == cell.source.count("<summary>Show an answer</summary>"), (
            f"{key}: every <details> block is a model answer opened by 'Show an answer'")
        assert "<details open" not in cell.source


@pytest.mark.parametrize("key", sorted(NOTEBOOKS))
def test_a_notebook_with_self_checks_offers_show_solution(key):
    """A first wrong answer says "run show_solution()": the name must exist in the notebook,
    and the exercises say how the checks answer."""
    nb = _read(key)
    code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    if not CHECK_CALL.search(code):
        return
    assert re.search(r"from course_utils\.checks import[^\n]*(\([^)]*)?\bshow_solution\b", code), key
    exercises = next(cell.source for cell in nb.cells
                     if cell.cell_type == "markdown" and re.search(r"^#+\s*Exercises", cell.source, flags=re.M))
    assert "show_solution()" in exercises and "hint" in exercises, key
