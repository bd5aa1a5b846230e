"""The notebooks as a student first sees them: opened without running (saved outputs only),
and as the Voila app (housekeeping cells left out).

Saved outputs: widget state is not saved (``scripts/run_notebooks.py`` strips it) and is not
restored when a notebook is opened, so what an opened notebook shows of a widget is the rest of
its display bundle. A training cell's progress bar must show its final state (the text
:class:`~course_utils.callbacks.ProgressBar` leaves at the end), never its first one, and every
widget output must also carry a picture or words of its own.

Voila: each notebook's badge cell and Colab cell carry the tag ``voila-hide``
(``run_notebooks.VOILA_HIDE_TAG``); ``voila.json`` (read by ``voila`` from the folder it starts
in) and ``binder/postBuild`` (for the Jupyter server's Voila route, as on Binder) make Voila's
exporter leave those cells out. Checked on the exporter itself, then in Chromium (the browser
tests reuse ``tests/test_browser.py``'s servers and fixtures).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from test_browser import Server, browser, free_port, page, start_lab  # noqa: F401 (browser, page: fixtures)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))  # run_notebooks.py, tag_housekeeping.py: build tooling
import run_notebooks  # noqa: E402
import tag_housekeeping  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "notebooks" / "ko").glob("*.ipynb"))  # with the Korean edition
NOTEBOOK_IDS = [path.relative_to(ROOT / "notebooks").as_posix() for path in NOTEBOOKS]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
TAG = run_notebooks.VOILA_HIDE_TAG
BADGE_NOTE = "On Colab, the first code cell installs the course package"
# tqdm's line: "[desc: ]NN%|bar| n/total [elapsed<remaining, rate...]"
TQDM_LINE = re.compile(r"(?:(?P<desc>.*?): )?\s*(?P<percent>\d+)%\|[^|]*\| (?P<n>\d+)/(?P<total>\d+) "
                       r"\[(?P<elapsed>[^<\]]*)<(?P<remaining>[^,\]]*)(?P<rest>.*)\]")


def widget_outputs(cell: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [o for o in cell.get("outputs", []) if WIDGET_VIEW in o.get("data", {})]


def ended_early(cell: nbformat.NotebookNode) -> bool:
    """True if the cell's run was stopped, interrupted or failed (the Report's line, or an error)."""
    printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    stopped = re.search(r"^(stopped|interrupted): ", printed, flags=re.M)
    return bool(stopped) or any(o.output_type == "error" for o in cell.outputs)


# ----------------------------------------------------------------------------- saved outputs
@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_no_saved_progress_bar_is_at_its_first_state(path):
    """Every saved bar shows where training ended: the whole count for a run that completed, more
    than nothing for one that stopped early; and its cell is NBVAL_IGNORE_OUTPUT (the final line
    holds timings, which change every run)."""
    nb = nbformat.read(path, as_version=4)
    wrong = []
    for index, cell in enumerate(nb.cells):
        for output in widget_outputs(cell):
            bar = TQDM_LINE.fullmatch(output["data"].get("text/plain", "").strip())
            if bar is None:
                continue
            n, total = int(bar["n"]), int(bar["total"])
            final = n == total if not ended_early(cell) else 0 < n <= total
            if not final or "?" in bar["elapsed"] + bar["remaining"]:
                wrong.append(f"cell {index}: {bar.group(0)!r}")
            elif "# NBVAL_IGNORE_OUTPUT" not in cell.source:
                wrong.append(f"cell {index}: a progress bar in a cell without # NBVAL_IGNORE_OUTPUT")
    assert not wrong, (f"{path.name}: progress bars not saved at their final state (execute the notebook again "
                       f"with scripts/run_notebooks.py, in the size it was run in):\n" + "\n".join(wrong))


def words_of_its_own(text: str) -> bool:
    """True if a widget's text/plain says something: not empty, not a bare object or widget repr
    (``<X object at 0x...>``, ``HBox(children=...)``), not the front end's placeholder."""
    text = text.strip()
    if not text or text.startswith(("Loading widget", "Error displaying widget")):
        return False
    if re.fullmatch(r"<[\w.]+ (object )?at 0x[0-9a-fA-F]+>", text):
        return False
    return not re.fullmatch(r"[A-Z]\w*\((\w+=.*)?\)", text, flags=re.S)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_every_widget_output_has_a_picture_or_words(path):
    """A widget output opened without its kernel shows its PNG or its text/plain: one of them
    must be there and say something (progress bars are judged by the test above)."""
    nb = nbformat.read(path, as_version=4)
    bare = [f"cell {index}: {output['data'].get('text/plain', '')!r}"
            for index, cell in enumerate(nb.cells) for output in widget_outputs(cell)
            if "image/png" not in output["data"] and not words_of_its_own(output["data"].get("text/plain", ""))]
    assert not bare, f"{path.name}: widget outputs with neither a picture nor words:\n" + "\n".join(bare)


def test_the_checks_of_saved_outputs_can_fail():
    """The two checks above on outputs made up to fail them (and to pass them)."""
    first = "  0%|          | 0/4690 [00:00<?, ?batch/s]"
    last = "epoch 10/10: 100%|██████████| 4690/4690 [00:41<00:00, 112.41batch/s, img_s=15,540, loss=0.694]"
    half = "epoch 5/10:  50%|█████     | 2345/4690 [00:20<00:20, 110.02batch/s, img_s=15,100, loss=0.901]"
    for text, ok_completed, ok_stopped in ((first, False, False), (last, True, True), (half, False, True)):
        bar = TQDM_LINE.fullmatch(text.strip())
        assert bar is not None, text
        n, total = int(bar["n"]), int(bar["total"])
        unknown = "?" in bar["elapsed"] + bar["remaining"]
        assert (n == total and not unknown) is ok_completed, text
        assert (0 < n <= total and not unknown) is ok_stopped, text
    stopped = nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("stream", text="stopped: early stop\n")])
    assert ended_early(stopped) and not ended_early(nbformat.v4.new_code_cell())
    for text in ("", "HBox(children=(HTML(value=''), IntProgress(value=0)))", "IntSlider(value=0)",
                 "<course_utils.explorers.Foo object at 0x7f3a2c>", "Loading widget..."):
        assert not words_of_its_own(text), text
    for text in ("PaddingStrideExplorer: output 4×4; out_h = ⌊(8 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = 4", last):
        assert words_of_its_own(text), text


# ----------------------------------------------------------------------------- the housekeeping cells and their tag
def small_notebook(with_colab_cell: bool) -> nbformat.NotebookNode:
    cells = [nbformat.v4.new_markdown_cell("[![Open In Colab](old)](old)", metadata={"tags": ["keep"]}),
             nbformat.v4.new_markdown_cell("# 7.9 A Title"),
             nbformat.v4.new_code_cell("from course_utils import shapes")]
    if with_colab_cell:
        cells.insert(2, nbformat.v4.new_code_cell(run_notebooks.colab_setup_source()))
    return nbformat.v4.new_notebook(cells=cells)


def tags(nb: nbformat.NotebookNode) -> list[list[str]]:
    return [cell.metadata.get("tags", []) for cell in nb.cells]


@pytest.mark.parametrize("with_colab_cell", [False, True], ids=["inserted", "rewritten"])
def test_refresh_tags_the_badge_and_colab_cells_only(with_colab_cell):
    nb = small_notebook(with_colab_cell)
    assert run_notebooks.refresh_cells(nb, "07-9-a-title.ipynb") is True
    assert [cell.source.splitlines()[0][:10] for cell in nb.cells[:3]] == ["[![Open In", "# 7.9 A Ti", "# On Colab"]
    assert tags(nb) == [["keep", TAG], [], [TAG], []]
    assert run_notebooks.refresh_cells(nb, "07-9-a-title.ipynb") is False  # nothing left to change
    assert tags(nb) == [["keep", TAG], [], [TAG], []]


def test_tag_housekeeping_adds_only_the_tags(tmp_path):
    """On a committed notebook with its tags taken off: --check fails, then the script adds the two
    tags and changes nothing else; a notebook without its Colab cell is refused with the remedy."""
    committed = nbformat.read(ROOT / "notebooks" / "explorers.ipynb", as_version=4)
    for cell in committed.cells:
        cell.metadata["tags"] = [t for t in cell.metadata.get("tags", []) if t != TAG]
        if not cell.metadata["tags"]:
            del cell.metadata["tags"]
    path = tmp_path / "explorers.ipynb"
    nbformat.write(committed, path)
    script = [sys.executable, str(ROOT / "scripts" / "tag_housekeeping.py")]
    check = subprocess.run([*script, "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 1 and "lack the 'voila-hide' tag" in check.stderr, check
    assert nbformat.read(path, as_version=4) == committed  # --check writes nothing
    done = subprocess.run([*script, str(path)], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["tagged", "explorers.ipynb"]
    tagged = nbformat.read(path, as_version=4)
    colab = next(i for i, cell in enumerate(tagged.cells) if cell.cell_type == "code")
    for index, (before, after) in enumerate(zip(committed.cells, tagged.cells, strict=True)):
        expected = json.loads(json.dumps(before))
        if index in (0, colab):
            expected["metadata"]["tags"] = [*expected["metadata"].get("tags", []), TAG]
        assert json.loads(json.dumps(after)) == expected, f"cell {index}"
    again = subprocess.run([*script, "--check", str(path)], capture_output=True, text=True)
    assert again.returncode == 0 and again.stdout.split() == ["up", "to", "date", "explorers.ipynb"]
    nbformat.write(small_notebook(with_colab_cell=False), path)
    refused = subprocess.run([*script, str(path)], capture_output=True, text=True)
    assert refused.returncode == 2 and "run_notebooks.py --refresh" in refused.stderr, refused


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_committed_notebook_tags_its_housekeeping_cells_and_no_other(path):
    nb = nbformat.read(path, as_version=4)
    housekeeping = tag_housekeeping.housekeeping_cells(nb, path.name)
    tagged = [cell for cell in nb.cells if TAG in cell.metadata.get("tags", [])]
    assert [id(c) for c in tagged] == [id(c) for c in housekeeping], (
        f"{path.name}: the badge cell and the Colab cell, and only they, carry {TAG!r}: "
        f"python scripts/tag_housekeeping.py notebooks/{path.name}")


# ----------------------------------------------------------------------------- Voila's exporter
def served_cells(config) -> list[str]:
    """The first lines of the cells Voila's exporter keeps of a tagged explorers notebook, under ``config``."""
    from nbconvert.exporters import Exporter
    from voila.exporter import VoilaExporter

    nb = tagged_explorers()
    exporter = VoilaExporter(config=config, template_name="lab")
    kept, _ = Exporter.from_notebook_node(exporter, nb)  # the preprocessing step of Voila's page
    return [cell.source.splitlines()[0] for cell in kept.cells]


def tagged_explorers() -> nbformat.NotebookNode:
    nb = nbformat.read(ROOT / "notebooks" / "explorers.ipynb", as_version=4)
    for cell in tag_housekeeping.housekeeping_cells(nb, "explorers.ipynb"):
        run_notebooks.tag_for_voila(cell)
    return nb


def untagged_first_lines() -> list[str]:
    nb = tagged_explorers()
    return [cell.source.splitlines()[0] for cell in nb.cells if TAG not in cell.metadata.get("tags", [])]


def test_voila_json_names_the_tag_run_notebooks_writes():
    config = json.loads((ROOT / "voila.json").read_text(encoding="utf-8"))
    assert config == {"VoilaExporter": {"TagRemovePreprocessor": {"remove_cell_tags": [TAG]}}}


def test_voila_app_leaves_out_the_tagged_cells(monkeypatch):
    """``voila notebooks/explorers.ipynb`` started at the repository root reads voila.json there:
    its exporter keeps every cell but the badge and the Colab cell (and all of them without it)."""
    from traitlets.config import Config
    from voila.app import Voila

    monkeypatch.chdir(ROOT)
    app = Voila()
    app.load_config_file("voila", path=app.config_file_paths)  # as Voila.initialize does
    kept = served_cells(app.config)
    assert kept == untagged_first_lines()
    assert len(kept) == len(tagged_explorers().cells) - 2 and not any("Open In Colab" in line for line in kept)
    assert served_cells(Config()) == [c.source.splitlines()[0] for c in tagged_explorers().cells]


def postbuild_server_steps() -> str:
    """binder/postBuild after its data line: the steps that configure the Jupyter server."""
    text = (ROOT / "binder" / "postBuild").read_text(encoding="utf-8")
    (data_line,) = [line for line in text.splitlines() if line.startswith("python -c ")]
    return "set -euo pipefail\n" + text.split(data_line + "\n", 1)[1]


def run_postbuild_server_steps(config_dir: Path) -> None:
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config_dir),
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    subprocess.run(["bash", "-c", postbuild_server_steps()], cwd=ROOT, env=env, check=True, timeout=120)


def test_postbuild_gives_the_jupyter_server_the_same_setting(tmp_path, monkeypatch):
    """After postBuild's server steps, the Jupyter server's configuration (the one its Voila route
    hands to the exporter) leaves out the tagged cells too; running the steps twice changes nothing."""
    from jupyter_server.serverapp import ServerApp

    run_postbuild_server_steps(tmp_path)
    run_postbuild_server_steps(tmp_path)
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path))
    monkeypatch.delenv("JUPYTER_CONFIG_PATH", raising=False)
    server = ServerApp()
    server.load_config_file()
    assert served_cells(server.config) == untagged_first_lines()
    assert server.config.ServerApp.contents_manager_class.endswith("LargeFileManager")  # the other setting kept


# ----------------------------------------------------------------------------- Voila in a browser
@pytest.fixture(scope="module")
def voila_home() -> Iterator[Path]:
    """A temporary folder as the repository root looks to Voila: voila.json, notebooks/ with the
    explorers notebook tagged (and, untagged, a control with the badge), and Jupyter's folders
    configured by postBuild's server steps."""
    folder = Path(tempfile.mkdtemp(prefix="course-voila-"))
    (folder / "notebooks").mkdir()
    shutil.copy2(ROOT / "voila.json", folder / "voila.json")
    nbformat.write(tagged_explorers(), folder / "notebooks" / "explorers.ipynb")
    control = nbformat.read(ROOT / "notebooks" / "explorers.ipynb", as_version=4)
    control.cells = [nbformat.v4.new_markdown_cell(control.cells[0].source), control.cells[1]]
    nbformat.write(control, folder / "notebooks" / "untagged.ipynb")
    run_postbuild_server_steps(folder / "config")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def explorer_cells(nb_path: Path) -> int:
    """How many code cells of the notebook show a widget (from its saved outputs)."""
    nb = nbformat.read(nb_path, as_version=4)
    return sum(1 for cell in nb.cells if widget_outputs(cell))


def app_title(nb_path: Path) -> str:
    """The notebook's title: the text of its first level-1 heading."""
    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise AssertionError(f"{nb_path.name} has no level-1 heading")


def check_housekeeping_hidden(page, home: Path) -> None:
    """The title and every explorer are shown; the badge and the install note are not in the page at all."""
    from playwright.sync_api import expect

    widgets = page.locator(".jp-OutputArea-output .cu-explorer")  # each explorer's view, once its front end ran
    expected = explorer_cells(home / "notebooks" / "explorers.ipynb")
    assert expected >= 3
    expect(widgets).to_have_count(expected, timeout=180_000)
    expect(page.get_by_role("heading", name=app_title(home / "notebooks" / "explorers.ipynb"), level=1)).to_be_visible()
    expect(widgets.last).to_be_visible()
    page.screenshot(path=str(page.shots / "app.png"), full_page=True)
    html, body = page.content(), page.inner_text("body")
    assert BADGE_NOTE not in html
    assert page.locator('img[alt="Open In Colab"], a[href*="colab.research.google.com"]').count() == 0
    assert "google.colab" not in html  # the Colab cell's code, which Voila would hide anyway
    assert "Loading widget" not in body and "Error displaying widget" not in body


@pytest.mark.browser
@pytest.mark.slow
def test_voila_app_shows_the_explorers_without_the_housekeeping(page, voila_home):
    """``voila notebooks/explorers.ipynb`` from the repository root, as the README says."""
    port = free_port()
    command = [sys.executable, "-m", "voila", "notebooks/explorers.ipynb", "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1", "--show_tracebacks=True"]
    server = Server("voila-hide", command, f"http://127.0.0.1:{port}", f"tcp:{port}", voila_home)
    try:
        page.goto(server.url + "/")
        check_housekeeping_hidden(page, voila_home)
    finally:
        server.stop()


@pytest.mark.browser
@pytest.mark.slow
def test_voila_route_of_the_jupyter_server_hides_the_housekeeping_as_on_binder(page, voila_home):
    """/voila/render/... on a Jupyter server configured by postBuild alone (no command-line
    settings); the untagged control shows its badge and note, so the checks can see them."""
    server = start_lab(voila_home, "jupyterlab-voila-hide")
    try:
        page.goto(server.url.format("voila/render/explorers.ipynb"))
        check_housekeeping_hidden(page, voila_home)
        page.goto(server.url.format("voila/render/untagged.ipynb"))
        from playwright.sync_api import expect

        expect(page.get_by_text(BADGE_NOTE)).to_be_visible(timeout=120_000)
        expect(page.locator('a[href*="colab.research.google.com"]')).to_have_count(1)
        page.screenshot(path=str(page.shots / "control.png"), full_page=True)
    finally:
        server.stop()
