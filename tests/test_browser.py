"""The explorers in a real browser: the course's notebooks in JupyterLab and Voilà, in headless Chromium.

Each test starts JupyterLab on 127.0.0.1 (its own temporary config, data and runtime
folders, a temporary copy of the notebooks so nothing in the repository is saved over),
opens a notebook, waits for the kernel, runs "Run All Cells" from the Run menu, then works
the explorer as a student would: moves sliders with the keyboard (arrows, Home, End,
PageUp), clicks a choice and points at cells. What it expects comes from PyTorch, not from
the explorer's scene: output sizes are the shapes of ``F.conv2d``/``F.avg_pool2d`` outputs;
the cells an output cell reads are where the gradient of that output with respect to the
(padded) input is not zero; the numbers written out are ``F.conv2d``, ``F.avg_pool2d`` and
``F.max_pool2d`` of the values on the page (or of the image the notebook loads); LeNet's
receptive fields come from ``course_utils.fields.receptive_fields`` and, again, from a
gradient through LeNet's layers. ``notebooks/explorers.ipynb`` is opened as a Voilà app
(``voila notebooks/explorers.ipynb`` from the repository root, as the README says, and the
Jupyter server's ``/voila/render/`` route, as on Binder): no code, no badge, every explorer
drawn, one of them pointed at and driven.

A screenshot of every step goes to ``artifacts/browser/<test>/`` (ignored by git). The
README's pictures are taken by the same tests into ``artifacts/browser/readme/``; with
``COURSE_README_IMAGES=1`` they are also written to ``docs/images/``.

Needs Chromium and PyPI's ``playwright`` (which drives the Chromium already on the
machine; ``playwright install`` is never needed). Without Chromium the tests are skipped
with one line saying how to install it; with ``COURSE_REQUIRE_BROWSER=1`` (``.ci/run`` sets
it) a missing browser is a failure instead. ``pytest -m "not browser"`` leaves them out.
"""

from __future__ import annotations

import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
import torch
import torch.nn.functional as F

from course_utils.data_sources import load_sample
from course_utils.fields import receptive_fields
from course_utils.models import LeNet
from course_utils.shapes import conv_formula_text, pool_formula_text

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts" / "browser"
README_IMAGES = ROOT / "docs" / "images"
NOTEBOOKS = ("07-2-convolutions-for-images.ipynb", "07-3-padding-and-strides.ipynb", "07-5-pooling.ipynb",
             "07-6-lenet.ipynb", "explorers.ipynb", "ko/07-5-pooling.ipynb")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# As root in a container Chromium needs --no-sandbox; the rest keep a closed network quiet.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update", "--disable-quic",
]
RUN_TIMEOUT_S = 900   # "Run All Cells" of one notebook (7.6 trains LeNet: ~30 s in the fast size on an idle machine)
STEP_TIMEOUT_MS = 30_000  # one control move until the explorer shows the new numbers
VOILA_TIMEOUT_MS = 300_000  # Voilà runs the whole explorers notebook (ten explorers) before the page is whole
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"  # the notebook in the tab on show
EXPLORER = ".cu-explorer"
BADGE_NOTE = "On Colab, the first code cell installs the course package"


# ----------------------------------------------------------------------------- what to expect (PyTorch)
Pads = tuple[int, int, int, int]  # top, bottom, left, right


def flat_cells(mask: torch.Tensor) -> set[int]:
    """Row-major indices of the non-zero entries of a 2-D tensor (the explorers number cells so)."""
    return set(torch.nonzero(mask.flatten()).flatten().tolist())


def conv_shape(height: int, width: int, kernel: tuple[int, int], pads: Pads, stride: tuple[int, int]) -> tuple[int, int]:
    top, bottom, left, right = pads
    X = F.pad(torch.zeros(1, 1, height, width), (left, right, top, bottom))
    return tuple(F.conv2d(X, torch.zeros(1, 1, *kernel), stride=stride).shape[-2:])


def conv_reads(padded: tuple[int, int], kernel: tuple[int, int], stride: tuple[int, int],
               cell: tuple[int, int]) -> tuple[set[int], set[int]]:
    """The padded-input cells and the kernel cells that output ``cell`` of ``F.conv2d`` uses: where
    the gradient of that output with respect to the padded input (and to the kernel) is not zero."""
    X = torch.ones(1, 1, *padded, requires_grad=True)
    K = torch.ones(1, 1, *kernel, requires_grad=True)
    F.conv2d(X, K, stride=stride)[0, 0][cell].backward()
    return flat_cells(X.grad[0, 0]), flat_cells(K.grad[0, 0])


def pool_window(image: torch.Tensor, window: tuple[int, int], stride: tuple[int, int], cell: tuple[int, int]) -> set[int]:
    """The pixels output ``cell`` of ``F.avg_pool2d`` averages (the gradient with respect to the image)."""
    X = image.clone()[None, None].requires_grad_(True)
    F.avg_pool2d(X, window, stride=stride)[0, 0][cell].backward()
    return flat_cells(X.grad[0, 0])


def lenet_reads(last: int, cell: tuple[int, int]) -> set[int]:
    """The pixels of a 28 x 28 image that cell ``cell`` of LeNet's layer ``net.<last>`` depends on."""
    model = LeNet()
    model(torch.zeros(1, 1, 28, 28))  # LeNet's layers are lazy: the first forward sets their shapes
    X = torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(0)).requires_grad_(True)
    model.net[:last + 1](X)[0, 0][cell].backward()
    return flat_cells(X.grad[0, 0])


def close(shown: float, exact: float) -> bool:
    """``shown`` is ``exact`` as the page writes numbers (four significant digits)."""
    return math.isclose(shown, exact, rel_tol=1e-3, abs_tol=1e-6)


def number(text: str) -> float:
    """A number as the page writes it: 19, -3, (-3), 0.3333, 1.5e+21."""
    return float(text.strip().strip("()").replace("−", "-"))


# ----------------------------------------------------------------------------- the browser and the servers
REQUIRE_BROWSER = "COURSE_REQUIRE_BROWSER"


def missing_browser(message: str) -> NoReturn:
    """Skip (on a machine without a browser) or, with COURSE_REQUIRE_BROWSER=1, fail, in one line."""
    if os.environ.get(REQUIRE_BROWSER, "").strip() not in ("", "0"):
        pytest.fail(f"{message} ({REQUIRE_BROWSER} is set, so a missing browser is a failure)", pytrace=False)
    pytest.skip(message)


def find_chromium() -> str:
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        if not os.access(explicit, os.X_OK):
            pytest.fail(f"CHROMIUM_PATH={explicit!r} is not an executable file: point it at a Chromium or Chrome "
                        "binary, or unset it", pytrace=False)
        return explicit
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    missing_browser("Chromium not found (looked for CHROMIUM_PATH and " + ", ".join(CHROMIUM_NAMES) + " on PATH): "
                    "install it with `sudo apt-get install chromium` (Debian/Ubuntu) or set CHROMIUM_PATH to a "
                    "Chrome/Chromium binary")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A Jupyter-family server started by us, stopped by its process id."""

    def __init__(self, name: str, command: list[str], url: str, ready: str, home: Path, cwd: Path | None = None) -> None:
        self.name, self.url, self.log_path = name, url, home / f"{name}.log"
        env = dict(os.environ)
        env.update({
            "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "IPYTHONDIR": str(home / "ipython"),
            "MPLCONFIGDIR": str(home / "matplotlib"), "COURSE_SIZE": "fast", "PYTHONUNBUFFERED": "1",
        })
        env.pop("MPLBACKEND", None)  # figures inline, as a student sees them
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, cwd=cwd or home, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        self._wait_ready(ready)

    def _wait_ready(self, ready: str, timeout_s: float = 120) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited with status {self.process.returncode}:\n{self.log()}", pytrace=False)
            try:
                if ready.startswith("tcp:"):  # only listening (a page request would run a notebook)
                    socket.create_connection(("127.0.0.1", int(ready[4:])), timeout=5).close()
                    return
                with urllib.request.urlopen(ready, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        self.stop()
        pytest.fail(f"{self.name} did not answer {ready} within {timeout_s:.0f} s:\n{self.log()}", pytrace=False)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]

    def stop(self) -> None:
        """SIGTERM to the server's pid (it shuts its kernels down), SIGKILL if it has not gone in 30 s."""
        if self.process.poll() is not None:
            return
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def home() -> Iterator[Path]:
    """A temporary folder holding every Jupyter folder and, in notebooks/, copies of the notebooks."""
    folder = Path(tempfile.mkdtemp(prefix="course-browser-"))
    (folder / "notebooks").mkdir()
    (folder / "notebooks" / "ko").mkdir()
    for name in NOTEBOOKS:
        shutil.copy2(ROOT / "notebooks" / name, folder / "notebooks" / name)
    # No "news" pop-up over the notebook (it would also try to reach the network).
    labconfig = folder / "config" / "labconfig"
    labconfig.mkdir(parents=True)
    (labconfig / "page_config.json").write_text(
        '{"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": true}}', encoding="utf-8")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def start_lab(home: Path, name: str, *options: str) -> Server:
    """JupyterLab serving ``home/notebooks``; ``server.url.format(path)`` opens ``path`` (token included)."""
    port, token = free_port(), secrets.token_hex(16)
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={home / 'notebooks'}", *options]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    base = f"http://127.0.0.1:{port}"
    return Server(name, command, f"{base}/{{}}?token={token}", f"{base}/api/status?token={token}", home)


@pytest.fixture(scope="module")
def lab(home: Path) -> Iterator[Server]:
    """JupyterLab as the README's Quick start runs it (default settings)."""
    server = start_lab(home, "jupyterlab")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = find_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_browser("playwright is not installed: `python -m pip install -r requirements-dev.txt` "
                        "(it drives the Chromium already on the machine; no `playwright install` needed)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, request) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    page.shots = ARTIFACTS / request.node.name  # type: ignore[attr-defined]
    shutil.rmtree(page.shots, ignore_errors=True)
    page.shots.mkdir(parents=True)
    yield page
    context.close()


# ----------------------------------------------------------------------------- driving JupyterLab
def shot(page, locator, step: str) -> None:
    """Screenshot of one element (the explorer) and of the whole page, for the artifacts."""
    locator.scroll_into_view_if_needed()
    locator.screenshot(path=str(page.shots / f"{step}.png"))
    page.screenshot(path=str(page.shots / f"{step}-page.png"))


def readme_image(page, name: str, explorer=None, point=None) -> None:
    """One of the README's pictures: the explorer alone (from its headline down, in a window tall
    enough to hold it) or, without one, the window as it is; the pointer on ``point`` (a cell).
    Saved in artifacts/browser/readme/, and in docs/images/ when COURSE_README_IMAGES=1."""
    folder = ARTIFACTS / "readme"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if explorer is None:
        if point is not None:
            point.hover()
        page.screenshot(path=str(path))
    else:
        before = page.viewport_size
        page.set_viewport_size({"width": before["width"], "height": 1600})
        try:
            explorer.evaluate("(el) => el.scrollIntoView({ block: 'start' })")
            time.sleep(0.3)
            if point is not None:
                point.hover()  # after the scroll, so the pointer stays on this cell
            explorer.screenshot(path=str(path))
        finally:
            page.set_viewport_size(before)
    if os.environ.get("COURSE_README_IMAGES", "").strip() not in ("", "0"):
        README_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, README_IMAGES / name)


def run_all(page, lab: Server, notebook: str) -> None:
    """Open ``notebook``, wait for an idle kernel, Run > Run All Cells, wait until every cell ran."""
    page.goto(lab.url.format(f"lab/tree/{notebook}") + "&reset")
    page.wait_for_selector(f"{NOTEBOOK} .jp-Cell", timeout=120_000)
    page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\|\s*Idle")).first.wait_for(timeout=120_000)
    page.screenshot(path=str(page.shots / "00-opened.png"))
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    deadline = time.monotonic() + RUN_TIMEOUT_S
    prompts = page.locator(f"{NOTEBOOK} .jp-CodeCell .jp-InputPrompt")
    while time.monotonic() < deadline:
        texts = [t.strip() for t in prompts.all_text_contents()]  # off-screen cells too
        busy = any("*" in t for t in texts)
        if texts and not busy and page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\|\s*Idle")).count():
            not_run = [i for i, t in enumerate(texts) if not re.fullmatch(r"\[\d+\]:", t)]
            if not not_run:
                return
            # A cell failed and "Run All" stopped there: show what the notebook printed to stderr.
            errors = page.locator(f'{NOTEBOOK} [data-mime-type="application/vnd.jupyter.stderr"]').all_inner_texts()
            page.screenshot(path=str(page.shots / "99-failed.png"))
            pytest.fail(f"{notebook}: code cells {not_run} did not run; stderr outputs:\n" + "\n".join(errors)[-3000:],
                        pytrace=False)
        time.sleep(1)
    page.screenshot(path=str(page.shots / "99-timeout.png"))
    pytest.fail(f"{notebook}: Run All Cells did not finish in {RUN_TIMEOUT_S} s", pytrace=False)


def explorer_in(page, code: str):
    """The explorer shown by the code cell whose source contains ``code``, once it is drawn."""
    found = page.locator(f"{NOTEBOOK} .jp-CodeCell").filter(has_text=code)
    assert found.count() == 1, f"expected one code cell containing {code!r}, found {found.count()}"
    found.scroll_into_view_if_needed()  # off-screen cells are not laid out (CSS content-visibility)
    explorer = found.locator(EXPLORER)
    explorer.locator(".cu-text").wait_for()
    return explorer


def set_theme(page, theme: str, light: bool) -> None:
    """Settings > Theme > ``theme``, as a student picks it."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Settings$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Theme$")).hover()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(rf"^{re.escape(theme)}$")).click()
    page.wait_for_function("(light) => document.body.dataset.jpThemeLight === String(light)", arg=light,
                           timeout=STEP_TIMEOUT_MS)
    time.sleep(0.5)  # the theme's style sheet applied


# ----------------------------------------------------------------------------- reading the explorer
def cell(explorer, grid: str, index: int):
    return explorer.locator(f'rect.cu-cell[data-grid="{grid}"][data-cell="{index}"]')


def lit(explorer, name: str) -> dict[str, set[int]]:
    """grid id -> the cells carrying class ``name`` (is-read, is-tap, is-reader, is-selected)."""
    found = explorer.locator(f"rect.cu-cell.{name}").evaluate_all(
        "els => els.map(e => [e.dataset.grid, Number(e.dataset.cell)])")
    result: dict[str, set[int]] = {}
    for grid, index in found:
        result.setdefault(grid, set()).add(index)
    return result


def grid_size(explorer, grid: str) -> tuple[int, int]:
    """Rows and columns of a grid as drawn (from its cells' data-row and data-col)."""
    rows, cols = explorer.locator(f'rect.cu-cell[data-grid="{grid}"]').evaluate_all(
        "els => [Math.max(...els.map(e => Number(e.dataset.row))), Math.max(...els.map(e => Number(e.dataset.col)))]")
    return rows + 1, cols + 1


def grid_values(explorer, grid: str) -> torch.Tensor:
    """The numbers written in a grid's cells, as a rows x cols tensor."""
    rows, cols = grid_size(explorer, grid)
    texts = explorer.locator(f'figure[data-grid="{grid}"] text.cu-value').all_text_contents()
    assert len(texts) == rows * cols, f"grid {grid!r}: {len(texts)} numbers written in {rows}×{cols} cells"
    return torch.tensor([number(t) for t in texts]).reshape(rows, cols)


def pad_cells(explorer, grid: str) -> set[int]:
    return set(explorer.locator(f'rect.cu-cell.kind-pad[data-grid="{grid}"]').evaluate_all(
        "els => els.map(e => Number(e.dataset.cell))"))


def info_line(explorer, start: str) -> str:
    """The line of the info box that starts with ``start`` (what pointing at a cell wrote out)."""
    lines = explorer.locator(".cu-info-line").all_inner_texts()
    found = [line for line in lines if line.startswith(start)]
    assert len(found) == 1, f"expected one info line starting {start!r}, got {lines}"
    return found[0]


def slider(explorer, name: str):
    return explorer.locator(f'[data-control="{name}"] input[type="range"]')


def press(explorer, name: str, key: str, times: int = 1) -> int:
    """Focus the slider of control ``name``, press ``key``; return the slider's new value."""
    knob = slider(explorer, name)
    knob.focus()
    for _ in range(times):
        knob.press(key)
    return int(knob.input_value())


def expect_text(explorer, *parts: str) -> str:
    """Wait until the explorer's text contains every one of ``parts`` and the kernel has answered
    every change; return the text."""
    from playwright.sync_api import expect

    text = explorer.locator(".cu-text")
    for part in parts:
        expect(text).to_contain_text(part)
    explorer.page.wait_for_function(
        "(root) => Number(root.dataset.answered || 0) >= Number(root.dataset.request || 0)",
        arg=explorer.element_handle(), timeout=STEP_TIMEOUT_MS)
    return text.inner_text()


def choose(explorer, name: str, label: str) -> None:
    """Click the button ``label`` of the choice control ``name``."""
    explorer.locator(f'[data-control="{name}"] button.cu-choice', has_text=re.compile(rf"^{re.escape(label)}$")).click()


# ----------------------------------------------------------------------------- 7.3: padding and stride
class Conv:
    """The settings of the 7.3 explorer the test has moved to (what PyTorch is given)."""

    def __init__(self) -> None:
        self.size, self.kernel, self.pads, self.stride = (8, 8), [3, 3], [1, 1, 1, 1], [2, 2]

    def shape(self) -> tuple[int, int]:
        return conv_shape(*self.size, tuple(self.kernel), tuple(self.pads), tuple(self.stride))

    def formulas(self) -> list[str]:
        """The formula lines, from course_utils.shapes; each must end in PyTorch's size."""
        top, bottom, left, right = self.pads
        lines = []
        for axis, name, before, after in ((0, "out_h", top, bottom), (1, "out_w", left, right)):
            padding = before if before == after else (before, after)
            line = conv_formula_text(self.size[axis], self.kernel[axis], padding=padding, stride=self.stride[axis],
                                     name=name)
            assert line.endswith(f"= {self.shape()[axis]}"), (line, self.shape())
            lines.append(line)
        return lines

    def check_text(self, explorer) -> None:
        h, w = self.shape()
        expect_text(explorer, f"input {self.size[0]}×{self.size[1]} → output {h}×{w}", *self.formulas())
        assert grid_size(explorer, "output") == (h, w)
        for name, value in (("kernel_h", self.kernel[0]), ("kernel_w", self.kernel[1]), ("pad_top", self.pads[0]),
                            ("pad_bottom", self.pads[1]), ("pad_left", self.pads[2]), ("pad_right", self.pads[3]),
                            ("stride_h", self.stride[0]), ("stride_w", self.stride[1])):
            assert slider(explorer, name).input_value() == str(value), name

    def check_hover(self, explorer, i: int, j: int) -> None:
        """Point at output (i, j): the cells lit are those F.conv2d reads, and the sum written is its value."""
        top, bottom, left, right = self.pads
        padded = (self.size[0] + top + bottom, self.size[1] + left + right)
        h, w = self.shape()
        assert grid_size(explorer, "input") == padded
        interior = {(r + top) * padded[1] + c + left for r in range(self.size[0]) for c in range(self.size[1])}
        assert pad_cells(explorer, "input") == set(range(padded[0] * padded[1])) - interior

        cell(explorer, "output", i * w + j).hover()
        reads, taps = conv_reads(padded, tuple(self.kernel), tuple(self.stride), (i, j))
        assert lit(explorer, "is-read") == {"input": reads}
        assert lit(explorer, "is-tap") == {"kernel": taps}

        XP, K = grid_values(explorer, "input"), grid_values(explorer, "kernel")
        assert not XP.flatten()[sorted(pad_cells(explorer, "input"))].any(), "padding cells should hold zeros"
        X = XP[top:top + self.size[0], left:left + self.size[1]]
        Y = F.conv2d(F.pad(X[None, None], (left, right, top, bottom)), K[None, None], stride=tuple(self.stride))[0, 0]
        line = info_line(explorer, f"output {h}×{w}, cell ({i}, {j}) = ")
        terms, result = line.split(" = ")[1:]
        pairs = [tuple(number(x) for x in term.split("·")) for term in terms.split(" + ")]
        assert pairs == [(XP.flatten()[c].item(), K.flatten()[t].item()) for c, t in zip(sorted(reads), sorted(taps))]
        assert close(number(result), Y[i, j].item()), (line, Y[i, j])
        assert close(grid_values(explorer, "output")[i, j].item(), Y[i, j].item())


def check_convolution(page, explorer) -> None:
    """The 7.3 explorer from its defaults (8×8, kernel 3×3, padding 1, stride 2), moved by keyboard."""
    conv = Conv()
    conv.check_text(explorer)
    conv.check_hover(explorer, 1, 2)
    shot(page, explorer, "1-defaults")
    conv.stride[0] = press(explorer, "stride_h", "ArrowLeft")  # 2 -> 1
    assert conv.stride[0] == 1
    conv.check_text(explorer)
    top_max = int(slider(explorer, "pad_top").get_attribute("max"))
    conv.pads[0] = press(explorer, "pad_top", "End")
    assert conv.pads[0] == top_max > 1
    conv.check_text(explorer)
    conv.stride[1] = press(explorer, "stride_w", "Home")  # 2 -> 1
    assert conv.stride[1] == 1
    conv.check_text(explorer)
    conv.pads[2] = press(explorer, "pad_left", "Home")  # 1 -> 0: padding top 4, bottom 1, left 0, right 1
    assert conv.pads[2] == 0
    conv.check_text(explorer)
    conv.kernel[1] = press(explorer, "kernel_w", "PageUp")
    assert conv.kernel[1] > 3
    conv.check_text(explorer)
    shot(page, explorer, "2-moved")
    h, w = conv.shape()
    conv.check_hover(explorer, 0, 0)  # the top-left window: padding above it
    conv.check_hover(explorer, h - 1, w - 1)
    shot(page, explorer, "3-last-cell")


def test_convolution_explorer_in_jupyterlab(page, lab):
    run_all(page, lab, "07-3-padding-and-strides.ipynb")
    explorer = explorer_in(page, "ConvolutionExplorer(height=8")
    target = cell(explorer, "output", 1 * 4 + 2)  # output (1, 2) at the defaults
    try:
        for theme, light, sizes in (("JupyterLab Light", True, ((1920, 1080), (1024, 768))),
                                    ("JupyterLab Dark", False, ((1920, 1080),))):
            set_theme(page, theme, light)
            for width, height in sizes:
                page.set_viewport_size({"width": width, "height": height})
                # The explorer from its headline down; in a small window, the grids down to the sum written out.
                if width > 1024:
                    explorer.evaluate("(el) => el.scrollIntoView({ block: 'start' })")
                else:
                    explorer.locator(".cu-info").evaluate("(el) => el.scrollIntoView({ block: 'end' })")
                time.sleep(0.3)
                target.hover()
                assert lit(explorer, "is-read").keys() == {"input"}
                name = "light" if light else "dark"
                readme_image(page, f"explorer-convolution-{name}-{width}x{height}.png")
    finally:
        set_theme(page, "JupyterLab Light", True)
        page.set_viewport_size({"width": 1400, "height": 1000})
    check_convolution(page, explorer)


# ----------------------------------------------------------------------------- 7.5: pooling
def sample_image() -> torch.Tensor:
    """Fashion-MNIST test image 0 in [0, 1], as the notebooks build it."""
    images, _ = load_sample(train=False)
    return images[0].float() / 255




def check_pooling(page, explorer, image: torch.Tensor) -> None:
    """The 7.5 explorer (window 2, stride 2, max) turned to avg with strides 3 and 8, pointed at; then max."""
    n, window = image.shape[-1], (2, 2)
    expect_text(explorer, f"max pooling: {n}×{n} → 14×14")
    choose(explorer, "mode", "avg")
    stride = (press(explorer, "stride_h", "ArrowRight"), press(explorer, "stride_w", "End"))
    assert stride[0] == 3 and stride[1] == int(slider(explorer, "stride_w").get_attribute("max")) > 3
    h, w = F.avg_pool2d(torch.zeros(1, 1, n, n), window, stride=stride).shape[-2:]
    formulas = [pool_formula_text(n, window[a], stride=stride[a], name=name) for a, name in ((0, "out_h"), (1, "out_w"))]
    assert formulas[0].endswith(f"= {h}") and formulas[1].endswith(f"= {w}")
    expect_text(explorer, f"avg pooling: {n}×{n} → {h}×{w}", f"stride {stride[0]}×{stride[1]}", *formulas)
    assert grid_size(explorer, "output") == (h, w)
    shot(page, explorer, "1-avg")

    i, j = h - 2, w - 2
    window_cells = pool_window(image, window, stride, (i, j))
    cell(explorer, "output", i * w + j).hover()
    assert lit(explorer, "is-read") == {"input": window_cells}
    line = info_line(explorer, f"avg pooled {h}×{w}, cell ({i}, {j}) = ")
    listed, divisor, result = re.fullmatch(r".* = \((.+)\) / (\d+) = (\S+)", line).groups()
    pixels = image.flatten()[sorted(window_cells)].tolist()
    assert all(close(number(x), p) for x, p in zip(listed.split(" + "), pixels, strict=True)), (line, pixels)
    assert int(divisor) == len(window_cells)
    mean = F.avg_pool2d(image[None, None], window, stride=stride)[0, 0, i, j].item()
    assert close(number(result), mean), (line, mean)
    shot(page, explorer, "2-avg-pointed")

    choose(explorer, "mode", "max")
    expect_text(explorer, f"max pooling: {n}×{n} → {h}×{w}")
    page.mouse.move(1, 1)
    cell(explorer, "output", i * w + j).hover()
    assert lit(explorer, "is-read") == {"input": window_cells}
    line = info_line(explorer, f"max pooled {h}×{w}, cell ({i}, {j}) = max(")
    largest = F.max_pool2d(image[None, None], window, stride=stride)[0, 0, i, j].item()
    assert close(number(line.rsplit(" = ", 1)[1]), largest), (line, largest)
    shot(page, explorer, "3-max-pointed")


def test_pooling_explorer_in_jupyterlab(page, lab):
    run_all(page, lab, "07-5-pooling.ipynb")
    explorer = explorer_in(page, "PoolingExplorer(image")
    expect_text(explorer, "max pooling: 28×28 → 14×14")
    readme_image(page, "explorer-pooling.png", explorer, cell(explorer, "output", 6 * 14 + 7))
    check_pooling(page, explorer, sample_image())


# ----------------------------------------------------------------------------- the Korean edition
# Draws ``text`` and a character no font has (U+10FFFD, drawn as the "missing glyph" box) on a
# canvas in ``font``; the two drawings are the same when ``text`` has no glyphs in any font.
SAME_AS_MISSING_GLYPH = """([text, font]) => {
    const draw = (t) => { const c = document.createElement('canvas'); c.width = 64; c.height = 40;
        const g = c.getContext('2d'); g.font = font; g.fillText(t, 4, 30);
        return Array.from(g.getImageData(0, 0, 64, 40).data).join(','); };
    return draw(text) === draw(String.fromCodePoint(0x10FFFD));
}"""


def test_korean_notebook_in_jupyterlab_shows_hangul_and_answers_in_korean(page, lab):
    from playwright.sync_api import expect

    run_all(page, lab, "ko/07-5-pooling.ipynb")
    heading = page.locator(f"{NOTEBOOK} .jp-MarkdownOutput h1").first
    expect(heading).to_contain_text("7.5 풀링")
    font = heading.evaluate("(e) => getComputedStyle(e).fontWeight + ' 24px ' + getComputedStyle(e).fontFamily")
    assert page.evaluate(SAME_AS_MISSING_GLYPH, [chr(0x10FFFD), font]) is True  # the check can fail
    if page.evaluate(SAME_AS_MISSING_GLYPH, ["풀", font]):
        page.screenshot(path=str(page.shots / "99-no-hangul-font.png"))
        message = f"this machine has no font with Hangul for {font!r}: install one, e.g. apt-get install fonts-nanum"
        if os.environ.get("COURSE_REQUIRE_BROWSER", "").strip() not in ("", "0"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    verdict = page.locator(f"{NOTEBOOK} .jp-OutputArea-output", has_text="자리에 답을 쓰고").first
    verdict.scroll_into_view_if_needed()
    shot(page, verdict, "01-verdict-in-korean")

    # the explorer: its labels and its own phrases are Korean, drawn in a font with Hangul
    explorer = explorer_in(page, "PoolingExplorer(image")
    text = explorer.inner_text()
    assert "최대" in text and "보폭" in text, text
    label = explorer.locator(".cu-label").first
    label_font = label.evaluate("(e) => getComputedStyle(e).fontWeight + ' 24px ' + getComputedStyle(e).fontFamily")
    assert page.evaluate(SAME_AS_MISSING_GLYPH, ["보", label_font]) is False, label_font
    shot(page, explorer, "03-explorer-in-korean")

    # the figure: the picture on the page is the one drawn with the Hangul font, not with empty boxes
    figure = page.locator(f"{NOTEBOOK} .jp-CodeCell").filter(has_text='pooling_figure(mode="max")')
    figure.scroll_into_view_if_needed()
    shown = png_pixels(shown_png(figure.locator(".jp-OutputArea-output img").first))
    hangul, boxes = korean_figure_pixels()
    assert hangul.shape == shown.shape and (hangul == shown).all(), "the page shows another picture"
    assert hangul.shape != boxes.shape or (hangul != boxes).any(), "the check can fail: boxes draw differently"
    shot(page, figure, "04-figure-in-korean")
    outputs = " ".join(page.locator(f"{NOTEBOOK} .jp-OutputArea-output").all_inner_texts())
    assert "missing from font" not in outputs and "findfont" not in outputs
    heading.scroll_into_view_if_needed()
    page.screenshot(path=str(page.shots / "02-after-run-all.png"))


def png_pixels(png: bytes):
    """The pixels of a PNG image, as an array (height, width, channels)."""
    import io

    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)))


def shown_png(image) -> bytes:
    """The PNG an ``img`` element shows (a notebook shows a figure as ``data:image/png;base64,...``)."""
    import base64

    src = image.get_attribute("src")
    assert src.startswith("data:image/png;base64,"), src[:40]
    return base64.b64decode(src.split(",", 1)[1])


def korean_figure_pixels():
    """7.5's max-pooling figure as the Korean kernel draws it (IPython's inline PNG at 100 dpi), and the
    same figure drawn in DejaVu Sans alone, whose missing Hangul glyphs come out as boxes."""
    import matplotlib
    from IPython.core.pylabtools import print_figure

    from course_utils.illustrations import pooling_figure
    from course_utils.language import speaking

    def draw():
        return png_pixels(print_figure(pooling_figure(mode="max"), "png", bbox_inches="tight"))

    with speaking("ko"), matplotlib.rc_context({"figure.dpi": 100}):
        hangul = draw()
        with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}), warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Glyph ... missing from font(s) DejaVu Sans": the boxes
            boxes = draw()
    return hangul, boxes


# ----------------------------------------------------------------------------- 7.6: LeNet's receptive fields
def test_lenet_receptive_fields_in_jupyterlab(page, lab):
    run_all(page, lab, "07-6-lenet.ipynb")
    explorer = explorer_in(page, "LayerFieldExplorer(LeNet()")
    last = receptive_fields(LeNet())[-1]
    assert last.name == "net.5" and last.size == (16, 16)
    choose(explorer, "layer", "net.5 (pool 2×2, stride 2)")
    expect_text(explorer, "net.5", "16×16 receptive field")
    rows, cols = grid_size(explorer, "layer")
    assert (rows, cols) == (5, 5)  # 28 -> 28 -> 14 -> 10 -> 5
    size = float(cell(explorer, "image", 0).get_attribute("width"))
    for i, j in ((2, 3), (0, 0)):
        (top, bottom), (left, right) = last.input_region(i, j)
        cell(explorer, "layer", i * cols + j).hover()
        inside = {r * 28 + c for r in range(max(top, 0), min(bottom, 27) + 1) for c in range(max(left, 0), min(right, 27) + 1)}
        assert lit(explorer, "is-read") == {"image": inside}
        assert inside == lenet_reads(5, (i, j))  # what LeNet's layers really read
        beyond = top < 0 or left < 0 or bottom > 27 or right > 27
        line = info_line(explorer, f"net.5 (pool 2×2, stride 2): output {rows}×{cols}, cell ({i}, {j}) sees image ")
        assert line.endswith(f"rows {top}…{bottom}, columns {left}…{right}: a 16×16 field"
                             + (" (dashed: the part beyond the grid)" if beyond else "")), line
        outline = explorer.locator('figure[data-grid="image"] rect.cu-field-outer')
        assert outline.count() == 1
        x0, y0 = (float(cell(explorer, "image", 0).get_attribute(a)) for a in ("x", "y"))
        box = [float(outline.get_attribute(a)) for a in ("x", "y", "width", "height")]
        assert box == pytest.approx([x0 + left * size, y0 + top * size, 16 * size, 16 * size])
        shot(page, explorer, f"field-{i}-{j}")
    readme_image(page, "explorer-receptive-field.png", explorer, cell(explorer, "layer", 2 * cols + 3))


# ----------------------------------------------------------------------------- 7.2: the kernel editor
def test_kernel_editor_in_jupyterlab(page, lab):
    run_all(page, lab, "07-2-convolutions-for-images.ipynb")
    explorer = explorer_in(page, "KernelEditor(image")
    image, K = sample_image(), grid_values(explorer, "kernel")
    Y = F.conv2d(image[None, None], K[None, None])[0, 0]
    assert grid_size(explorer, "output") == tuple(Y.shape)
    i, j = divmod(int(Y.abs().argmax()), Y.shape[1])  # the strongest edge
    cell(explorer, "output", i * Y.shape[1] + j).hover()
    X = image.clone()[None, None].requires_grad_(True)
    F.conv2d(X, torch.ones_like(K)[None, None])[0, 0, i, j].backward()
    assert lit(explorer, "is-read") == {"image": flat_cells(X.grad[0, 0])}
    line = info_line(explorer, f"output Y ({Y.shape[0]} × {Y.shape[1]}), cell ({i}, {j}) = ")
    assert close(number(line.rsplit(" = ", 1)[1]), Y[i, j].item()), (line, Y[i, j])
    readme_image(page, "explorer-kernel-editor.png", explorer, cell(explorer, "output", i * Y.shape[1] + j))


# ----------------------------------------------------------------------------- the Voilà app
def explorer_count() -> int:
    """How many explorers notebooks/explorers.ipynb shows (its code cells with a widget output)."""
    nb = json.loads((ROOT / "notebooks" / "explorers.ipynb").read_text(encoding="utf-8"))
    view = "application/vnd.jupyter.widget-view+json"
    return sum(any(view in o.get("data", {}) for o in c.get("outputs", [])) for c in nb["cells"])


def check_explorers_app(page, badge_hidden: bool) -> None:
    """notebooks/explorers.ipynb rendered by Voilà: no code, every explorer drawn, the pooling one driven."""
    from playwright.sync_api import expect

    explorers = page.locator(EXPLORER)
    expected = explorer_count()
    assert expected == 10
    expect(explorers).to_have_count(expected, timeout=VOILA_TIMEOUT_MS)
    for k in range(expected):
        expect(explorers.nth(k).locator(".cu-text")).not_to_be_empty(timeout=60_000)
    assert explorers.locator("rect.cu-cell").count() > 0
    body = page.inner_text("body")
    for code in ("LayerFieldExplorer(", "from course_utils", "load_sample("):
        assert code not in body, f"Voilà should show no code, but the page has {code!r}"
    assert "Loading widget" not in body and "Error displaying widget" not in body
    if badge_hidden:
        assert BADGE_NOTE not in page.content()
        assert page.locator('img[alt="Open In Colab"], a[href*="colab.research.google.com"]').count() == 0
    page.screenshot(path=str(page.shots / "00-app.png"))
    pooling = page.locator(f'{EXPLORER}[data-explorer="PoolingExplorer"]')
    assert pooling.count() == 1
    check_pooling(page, pooling, sample_image())


def test_explorers_as_a_voila_app(page, home):
    """``voila notebooks/explorers.ipynb`` from the repository root (so voila.json applies), as the README says."""
    port = free_port()
    command = [sys.executable, "-m", "voila", "notebooks/explorers.ipynb", "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1", "--show_tracebacks=True"]
    base = f"http://127.0.0.1:{port}"
    server = Server("voila", command, base, f"tcp:{port}", home, cwd=ROOT)
    try:
        page.set_viewport_size({"width": 1400, "height": 900})
        page.goto(base + "/", timeout=VOILA_TIMEOUT_MS)
        page.locator(EXPLORER).first.wait_for(timeout=VOILA_TIMEOUT_MS)
        page.locator(f"{EXPLORER} .cu-text").first.wait_for()
        time.sleep(1)  # the first explorers drawn
        readme_image(page, "voila-app.png")
        check_explorers_app(page, badge_hidden=True)
    finally:
        server.stop()


def test_explorers_app_through_the_jupyter_server_as_on_binder(page, home):
    """The Binder link's route, /voila/render/explorers.ipynb on the Jupyter server, with the one
    setting binder/postBuild adds (voila 0.5's server extension fails on markdown images with
    jupyter_server's default asynchronous contents manager, voila-dashboards/voila#1473)."""
    server = start_lab(home, "jupyterlab-binder",
                       "--ServerApp.contents_manager_class=jupyter_server.services.contents.largefilemanager.LargeFileManager")
    try:
        page.goto(server.url.format("voila/render/explorers.ipynb"), timeout=VOILA_TIMEOUT_MS)
        check_explorers_app(page, badge_hidden=False)  # postBuild's tag setting: tests/test_committed_notebooks.py
    finally:
        server.stop()
