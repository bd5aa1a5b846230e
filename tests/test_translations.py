"""The Korean edition (notebooks/ko/) is kept in step with the English notebooks (scripts/translations.py)."""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import links  # noqa: E402
import translations  # noqa: E402

KOREAN = sorted((ROOT / "notebooks" / "ko").glob("*.ipynb"))
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def test_there_is_a_korean_edition_and_every_notebook_of_it_has_its_english_one():
    assert len(KOREAN) >= 6
    assert [p.name for p in KOREAN if not (ROOT / "notebooks" / p.name).exists()] == []


@pytest.mark.parametrize("path", KOREAN, ids=[p.name for p in KOREAN])
def test_korean_notebook_is_in_step_with_the_english_one(path):
    assert translations.problems(read(ROOT / "notebooks" / path.name), read(path), path.name) == []


@pytest.mark.parametrize("path", KOREAN, ids=[p.name for p in KOREAN])
def test_korean_notebook_is_korean_with_its_badge_and_asks_the_package_for_korean(path):
    nb = read(path)
    assert nb.cells[0].source == links.colab_badge_markdown(f"ko/{path.name}")
    colab, setup = [cell for cell in nb.cells if cell.cell_type == "code"][:2]
    assert colab.source == links.colab_setup_source(f"ko/{path.name}")  # with the extra "ko": a font for Colab
    assert '"course-utils[ko] @ git+' in colab.source
    assert 'set_language("ko")' in setup.source
    prose = [cell.source for cell in nb.cells[1:] if cell.cell_type == "markdown"]
    assert all(HANGUL.search(text) for text in prose), "every markdown cell after the badge is in Korean"


def _pair() -> tuple[nbformat.NotebookNode, nbformat.NotebookNode, str]:
    path = KOREAN[0]
    return read(ROOT / "notebooks" / path.name), read(path), path.name


def _first(nb: nbformat.NotebookNode, kind: str, after: int = 1) -> int:
    return next(i for i, cell in enumerate(nb.cells) if i >= after and cell.cell_type == kind
                and cell.get("id") != "colab-setup")


def test_a_changed_english_cell_names_both_cells_until_its_translation_is_updated():
    english, korean, name = _pair()
    index = _first(english, "markdown")
    english.cells[index].source += "\n\nA new sentence."
    found = translations.problems(english, korean, name)
    cell_id = english.cells[index].get("id")
    assert len(found) == 1
    assert f"ko/{name} cell {index} ({cell_id}) translates English cell {index} ({cell_id})" in found[0]
    assert translations.source_hash(english.cells[index].source) in found[0]
    korean.cells[index].metadata["translation"]["sha256"] = translations.source_hash(english.cells[index].source)
    assert translations.problems(english, korean, name) == []


def test_code_must_stay_the_english_code_but_comments_may_be_translated():
    english, korean, name = _pair()
    index = next(i for i, cell in enumerate(english.cells) if cell.cell_type == "code" and i > 2)
    changed = copy.deepcopy(korean)
    changed.cells[index].source += "  # 한국어 주석"
    assert translations.problems(english, changed, name) == []
    changed.cells[index].source += "\nx = 1"
    assert translations.problems(english, changed, name) == [
        f"ko/{name} cell {index} ({english.cells[index].get('id')}): its code differs from English cell {index} "
        f"({english.cells[index].get('id')}) (only comments may be translated)"]


def test_the_setup_cell_must_set_the_language_and_cells_must_match():
    english, korean, name = _pair()
    setup = _first(korean, "code")
    korean.cells[setup].source = korean.cells[setup].source.replace('set_language("ko")', "")
    assert any("lacks ['set_language(\"ko\")']" in line for line in translations.problems(english, korean, name))
    english2, korean2, _ = _pair()
    del korean2.cells[3]
    assert "its cells are not the English notebook's cells" in translations.problems(english2, korean2, name)[0]


def test_an_untranslated_cell_is_found():
    english, korean, name = _pair()
    index = _first(english, "markdown")
    korean.cells[index].source = english.cells[index].source
    assert translations.problems(english, korean, name) == [
        f"ko/{name} cell {index} ({english.cells[index].get('id')}): untranslated "
        f"(still the English text of cell {english.cells[index].get('id')})"]


def test_code_tokens_ignore_comments_and_blank_lines_only():
    same = translations.code_tokens
    assert same("x = f(1)  # one\n\n\ny = 2\n") == same("# 하나\nx = f(1)\ny = 2")
    assert same("x = f(1)") != same("x = f(2)")
    assert same('s = "# not a comment"') != same('s = "# 주석 아님"')
    assert same("%matplotlib inline\nx = 1") != same("x = 1")


def test_links_of_the_korean_edition():
    assert links.colab_url("ko/07-2-convolutions-for-images.ipynb").endswith(
        "/blob/main/notebooks/ko/07-2-convolutions-for-images.ipynb")
    assert "README.ko.md" in links.colab_badge_markdown("ko/07-2-convolutions-for-images.ipynb")
    assert "README says" in links.colab_badge_markdown("07-2-convolutions-for-images.ipynb")
    for wrong in ("fr/07-2.ipynb", "ko/ko/07-2.ipynb", "ko/07-2.txt"):
        with pytest.raises(ValueError, match="'ko/' and one"):
            links.colab_url(wrong)


def test_nbval_markers_are_not_translated_away():
    english = nbformat.read(ROOT / "notebooks" / "07-6-lenet.ipynb", as_version=4)
    korean = nbformat.read(ROOT / "notebooks" / "ko" / "07-6-lenet.ipynb", as_version=4)
    index = next(i for i, cell in enumerate(english.cells) if "# NBVAL_IGNORE_OUTPUT" in cell.source)
    korean.cells[index].source = korean.cells[index].source.replace("# NBVAL_IGNORE_OUTPUT", "# 출력 비교 안 함")
    assert translations.problems(english, korean, "07-6-lenet.ipynb") == [
        f"ko/07-6-lenet.ipynb cell {index} ({english.cells[index].get('id')}): its nbval markers [] are not those "
        f"of English cell {index} ({english.cells[index].get('id')}), ['NBVAL_IGNORE_OUTPUT']"]
