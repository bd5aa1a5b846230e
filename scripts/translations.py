#!/usr/bin/env python
"""Keep the Korean notebooks (``notebooks/ko/``) in step with the English ones.

    python scripts/translations.py start 07-2-convolutions-for-images.ipynb   # a new ko notebook
    python scripts/translations.py apply 07-2-convolutions-for-images.ipynb cells.json
    python scripts/translations.py check                                     # what is out of step

A Korean notebook has the English notebook's cells, in the same order and with the same ids:

* a code cell is the English code; only its comments may be translated (nbval's markers,
  such as ``# NBVAL_IGNORE_OUTPUT``, stay as they are), and the setup cell
  (the first code cell after the Colab cell) adds ``LANGUAGE_LINES``, which make the package
  speak Korean (``course_utils.set_language``);
* a markdown cell is translated and records, in its metadata, which English cell it
  translates and which version of it: ``{"translation": {"of": <cell id>, "sha256": <the
  first 16 hex digits of the SHA-256 of that cell's source>}}``. When the English cell
  changes, its hash no longer matches and ``check`` (and ``tests/test_translations.py``)
  names both cells;
* the first cell, the "Open in Colab" badge, and the Colab cell are written by
  ``scripts/run_notebooks.py`` from ``scripts/links.py``, in Korean.

``start`` copies an English notebook into ``notebooks/ko/`` (no outputs, the language lines
added, each markdown cell still English and marked as translating its English cell: it is
``untranslated`` until ``apply`` gives it Korean text). ``apply`` takes a JSON object
``{cell id: new source}``: a markdown cell gets the text and the hash of the English cell as
it is now; a code cell gets the source only if its code (without comments) is unchanged.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import sys
import tokenize
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run_notebooks.py, beside this file
from run_notebooks import COLAB_CELL_ID  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LANGUAGE = "ko"
LANGUAGE_LINES = ("from course_utils import set_language", 'set_language("ko")')

__all__ = ["LANGUAGE_LINES", "code_tokens", "problems", "source_hash", "start", "apply_translation", "main"]


def source_hash(source: str) -> str:
    """The version of a cell's source: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def code_tokens(source: str, *, language_lines: bool = False) -> list[tuple[int, str]]:
    """The tokens of ``source`` without comments and blank lines: two cells with the same
    tokens are the same code. ``language_lines``: leave out ``LANGUAGE_LINES`` first."""
    lines = source.splitlines()
    if language_lines:
        lines = [line for line in lines if line.split("#")[0].strip() not in LANGUAGE_LINES]
    # IPython magics and shell lines are kept as text: tokenize does not know them
    text = "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))
    magics = [(0, line.split("#")[0].strip()) for line in lines if line.lstrip().startswith(("%", "!"))]
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text + "\n").readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return magics + [(0, line.split("#")[0].rstrip()) for line in text.splitlines() if line.split("#")[0].strip()]
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.ENDMARKER}
    return magics + [(token.type, token.string) for token in tokens if token.type not in skip]


def _markers(source: str) -> list[str]:
    """The nbval markers of a code cell (``# NBVAL_IGNORE_OUTPUT`` ...): comments that are not prose."""
    return re.findall(r"#\s*(NBVAL_[A-Z_]+)", source)


def _setup_index(nb: nbformat.NotebookNode) -> int | None:
    """Index of the setup cell: the first code cell that is not the Colab cell."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.get("id") != COLAB_CELL_ID:
            return index
    return None


def problems(english: nbformat.NotebookNode, korean: nbformat.NotebookNode, name: str) -> list[str]:
    """Every way ``korean`` (``notebooks/ko/<name>``) is out of step with ``english``, one line each."""
    found: list[str] = []
    en_ids = [cell.get("id") for cell in english.cells]
    ko_ids = [cell.get("id") for cell in korean.cells]
    if en_ids != ko_ids:
        missing = [i for i in en_ids if i not in ko_ids]
        extra = [i for i in ko_ids if i not in en_ids]
        return [f"ko/{name}: its cells are not the English notebook's cells in order "
                f"(missing {missing}, extra {extra}): run scripts/translations.py start again and re-apply"]
    setup = _setup_index(english)
    for index, (en, ko) in enumerate(zip(english.cells, korean.cells)):
        where = f"ko/{name} cell {index} ({ko.get('id')})"
        if en.cell_type != ko.cell_type:
            found.append(f"{where} is {ko.cell_type}, English cell {index} ({en.get('id')}) is {en.cell_type}")
            continue
        if index == 0 or ko.get("id") == COLAB_CELL_ID:
            continue  # the badge and Colab cells: written by run_notebooks.py, per edition (links.py)
        if en.cell_type == "code":
            if index == setup:
                missing = [line for line in LANGUAGE_LINES
                           if line not in (row.split("#")[0].strip() for row in ko.source.splitlines())]
                if missing:
                    found.append(f"{where}: the setup cell lacks {missing}")
            if code_tokens(en.source) != code_tokens(ko.source, language_lines=index == setup):
                found.append(f"{where}: its code differs from English cell {index} ({en.get('id')}) "
                             f"(only comments may be translated)")
            if _markers(en.source) != _markers(ko.source):
                found.append(f"{where}: its nbval markers {_markers(ko.source)} are not those of English cell "
                             f"{index} ({en.get('id')}), {_markers(en.source)}")
            continue
        record = ko.metadata.get("translation", {})
        if record.get("of") != en.get("id"):
            found.append(f"{where}: records no translation of English cell {index} ({en.get('id')})")
        elif record.get("sha256") != source_hash(en.source):
            found.append(f"{where} translates English cell {index} ({en.get('id')}) version {record.get('sha256')}, "
                         f"but that cell is now version {source_hash(en.source)}: update the translation, then "
                         f"scripts/translations.py apply")
        elif ko.source == en.source and en.source.strip():
            found.append(f"{where}: untranslated (still the English text of cell {en.get('id')})")
    return found


def start(name: str) -> Path:
    """Copy ``notebooks/<name>`` to ``notebooks/ko/<name>``, ready to translate (refuses to overwrite)."""
    english = nbformat.read(NOTEBOOKS / name, as_version=4)
    target = NOTEBOOKS / LANGUAGE / name
    if target.exists():
        raise SystemExit(f"{target.relative_to(ROOT)} exists already: edit it, or delete it to start again")
    korean = nbformat.from_dict(json.loads(json.dumps(english)))
    korean.metadata.pop("widgets", None)
    setup = _setup_index(korean)
    for index, cell in enumerate(korean.cells):
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            if index == setup:
                cell.source = cell.source.rstrip("\n") + "\n\n" + "\n".join(LANGUAGE_LINES)
        elif index > 0:
            cell.metadata["translation"] = {"of": cell.get("id"), "sha256": source_hash(cell.source)}
    target.parent.mkdir(exist_ok=True)
    nbformat.write(korean, target)
    return target


def apply_translation(name: str, sources: dict[str, str]) -> list[str]:
    """Give the cells of ``notebooks/ko/<name>`` the sources in ``sources`` (by cell id); the
    cells it could not take, with why."""
    english = nbformat.read(NOTEBOOKS / name, as_version=4)
    path = NOTEBOOKS / LANGUAGE / name
    korean = nbformat.read(path, as_version=4)
    by_id = {cell.get("id"): (index, cell) for index, cell in enumerate(korean.cells)}
    setup = _setup_index(korean)
    refused = []
    for cell_id, source in sources.items():
        if cell_id not in by_id:
            refused.append(f"{cell_id}: no such cell in ko/{name}")
            continue
        index, cell = by_id[cell_id]
        en = english.cells[index]
        if cell.cell_type == "code":
            if code_tokens(en.source) != code_tokens(source, language_lines=index == setup):
                refused.append(f"{cell_id}: the code differs from the English cell (only comments may change)")
                continue
            if _markers(en.source) != _markers(source):
                refused.append(f"{cell_id}: keep the nbval markers {_markers(en.source)} as they are")
                continue
        else:
            cell.metadata["translation"] = {"of": en.get("id"), "sha256": source_hash(en.source)}
        cell.source = source
    nbformat.write(korean, path)
    return refused


def check() -> list[str]:
    """Problems of every Korean notebook, and the English notebooks that have none yet."""
    found = []
    for path in sorted((NOTEBOOKS / LANGUAGE).glob("*.ipynb")):
        english = NOTEBOOKS / path.name
        if not english.exists():
            found.append(f"ko/{path.name}: no English notebook {path.name}")
            continue
        found += problems(nbformat.read(english, as_version=4), nbformat.read(path, as_version=4), path.name)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("start", help="copy an English notebook to notebooks/ko/").add_argument("notebook")
    applying = sub.add_parser("apply", help="set cell sources from a JSON file {cell id: source}")
    applying.add_argument("notebook")
    applying.add_argument("sources", type=Path)
    sub.add_parser("check", help="list what is out of step")
    args = parser.parse_args(argv)
    if args.command == "start":
        print(f"wrote {start(Path(args.notebook).name).relative_to(ROOT)}")
        return 0
    if args.command == "apply":
        refused = apply_translation(Path(args.notebook).name, json.loads(args.sources.read_text(encoding="utf-8")))
        for line in refused:
            print(f"refused {line}", file=sys.stderr)
        return 1 if refused else 0
    found = check()
    print("\n".join(found) if found else "every Korean notebook is in step with its English one")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
