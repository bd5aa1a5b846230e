"""The explorers in a real browser: JupyterLab and Voilà in headless Chromium.

For each of the 7.3, 7.5 and 7.6 explorers: start JupyterLab on 127.0.0.1 (its own
temporary config, data and runtime folders, a temporary copy of the notebooks so
nothing in the repository is saved over), open the notebook, wait for the kernel,
"Run All Cells" from the Run menu, then move sliders with the keyboard (focus the
slider's handle, press the arrow keys, as a student would) and check that the text
the student reads changes to the right output size and formula. The expected numbers
come from PyTorch itself (the shapes of ``F.conv2d``/``F.max_pool2d`` outputs, and
receptive fields worked out from LeNet's modules), not from ``course_utils.shapes``.
A screenshot of every step goes to ``artifacts/browser/`` (ignored by git). One more
test opens ``notebooks/explorers.ipynb`` as a Voilà app and moves one slider of each
explorer.

Needs Chromium and PyPI's ``playwright`` (which drives the Chromium already on the
machine; ``playwright install`` is never needed). Without Chromium the tests are skipped
with one line saying how to install it; with ``COURSE_REQUIRE_BROWSER=1`` (``.ci/run`` sets
it) a missing browser is a failure instead. ``pytest -m "not browser"`` leaves them out.
"""

from __future__ import annotations

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
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course_utils.models import LeNet
from course_utils.shapes import conv_formula_text, pool_formula_text

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts" / "browser"
NOTEBOOKS = ("07-3-padding-and-strides.ipynb", "07-5-pooling.ipynb", "07-6-lenet.ipynb", "explorers.ipynb")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# As root in a container Chromium needs --no-sandbox; the rest keep a closed network quiet.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update", "--disable-quic",
]
RUN_TIMEOUT_S = 600   # "Run All Cells" of one notebook (7.6 trains LeNet: ~30 s in the fast size)
STEP_TIMEOUT_MS = 30_000
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"  # the notebook in the tab on show  # one slider move until the text shows the new numbers


# ----------------------------------------------------------------------------- what to expect (PyTorch)
def conv_shape(n: int, k: int, p: int, s: int, d: int = 1) -> tuple[int, int]:
    out = F.conv2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k), padding=p, stride=s, dilation=d)
    return tuple(out.shape[-2:])


def pool_shape(n: int, k: int, p: int, s: int) -> tuple[int, int]:
    return tuple(F.max_pool2d(torch.zeros(1, 1, n, n), k, stride=s, padding=p).shape[-2:])


def lenet_fields() -> list[tuple[int, int, int, int]]:
    """(field size, jump, offset of cell 0, output size) after each conv/pool layer of LeNet.

    Walks the modules of ``course_utils.models.LeNet`` and measures each output size by
    running a 28 x 28 image; field r_l = r_{l-1} + (k - 1) j_{l-1}, jump j_l = j_{l-1} s,
    first input row of cell 0 o_l = o_{l-1} - p j_{l-1}.
    """
    model = LeNet()
    X = torch.zeros(1, 1, 28, 28)
    size, jump, offset, fields = 1, 1, 0, []
    for layer in model.net:
        X = layer(X)
        if isinstance(layer, (nn.Conv2d, nn.AvgPool2d, nn.MaxPool2d)):
            k, s, p = (v if isinstance(v, int) else v[0] for v in (layer.kernel_size, layer.stride, layer.padding))
            size, offset, jump = size + (k - 1) * jump, offset - p * jump, jump * s
            fields.append((size, jump, offset, X.shape[-1]))
    return fields


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

    def __init__(self, name: str, command: list[str], url: str, ready: str, home: Path) -> None:
        self.name, self.url, self.log_path = name, url, home / f"{name}.log"
        env = dict(os.environ)
        env.update({
            "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "IPYTHONDIR": str(home / "ipython"),
            "MPLCONFIGDIR": str(home / "matplotlib"), "COURSE_SIZE": "fast", "PYTHONUNBUFFERED": "1",
        })
        env.pop("MPLBACKEND", None)  # figures inline, as a student sees them
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT,
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


def explorer_cell(page, code: str):
    """The code cell whose source contains ``code``, once its widget view has rendered."""
    cell = page.locator(f"{NOTEBOOK} .jp-CodeCell").filter(has_text=code)
    assert cell.count() == 1, f"expected one code cell containing {code!r}, found {cell.count()}"
    cell.scroll_into_view_if_needed()  # off-screen cells are not laid out (CSS content-visibility)
    cell.locator(".widget-html-content").first.wait_for()
    return cell


def handle(scope, label: str):
    """The keyboard-focusable handle of the slider labelled ``label`` inside ``scope``."""
    slider = scope.locator(".widget-slider").filter(
        has=scope.page.locator(".widget-label", has_text=re.compile(rf"^{re.escape(label)}$")))
    assert slider.count() == 1, f"expected one slider labelled {label!r}, found {slider.count()}"
    return slider.locator(".noUi-handle")


def press(scope, label: str, key: str, times: int = 1) -> None:
    knob = handle(scope, label)
    knob.focus()
    for _ in range(times):
        knob.press(key)


def expect_text(scope, *parts: str) -> str:
    """Wait until the explorer's text contains every one of ``parts``; return the text."""
    from playwright.sync_api import expect

    text = scope.locator(".widget-html-content").first
    for part in parts:
        expect(text).to_contain_text(part)
    return text.inner_text()


def image_source(scope) -> str:
    return scope.locator(".widget-image").first.get_attribute("src") or ""


def redrawn_image(scope, before: str, what: str, timeout_s: float = 15.0) -> str:
    """The picture's new source once the kernel has sent it (it follows the text); fails if it never comes."""
    deadline = time.monotonic() + timeout_s
    while (source := image_source(scope)) == before:
        assert time.monotonic() < deadline, f"the picture was not redrawn after {what} changed"
        time.sleep(0.1)
    return source


def formula_lines(n: int, k: int, p: int, s: int, d: int = 1) -> list[str]:
    return [conv_formula_text(n, k, p, s, d, name=name) for name in ("out_h", "out_w")]


# ----------------------------------------------------------------------------- the tests
def check_padding_stride(page, scope, step: str) -> None:
    """The 7.3 explorer from its defaults (8, 3, padding 1, stride 2): padding up, stride down, kernel up."""
    n, k, p, s = 8, 3, 1, 2
    h, w = conv_shape(n, k, p, s)
    expect_text(scope, f"output {h}×{w}", *formula_lines(n, k, p, s))
    shot(page, scope, f"{step}1-defaults")
    before = image_source(scope)

    press(scope, "padding", "ArrowRight")           # padding 1 -> 2
    p = 2
    h, w = conv_shape(n, k, p, s)
    expect_text(scope, f"output {h}×{w}", f"padding {p}, stride {s}", *formula_lines(n, k, p, s))
    assert (h, w) == (5, 5)
    assert handle(scope, "padding").get_attribute("aria-valuenow") in ("2", "2.0")
    shot(page, scope, f"{step}2-padding-2")
    after_padding = redrawn_image(scope, before, "the padding")

    press(scope, "stride", "ArrowLeft")             # stride 2 -> 1
    s = 1
    h, w = conv_shape(n, k, p, s)
    expect_text(scope, f"output {h}×{w}", f"padding {p}, stride {s}", *formula_lines(n, k, p, s))
    assert (h, w) == (10, 10)
    shot(page, scope, f"{step}3-stride-1")
    redrawn_image(scope, after_padding, "the stride")

    press(scope, "kernel size", "ArrowRight", times=2)   # kernel 3 -> 5
    k = 5
    h, w = conv_shape(n, k, p, s)
    expect_text(scope, f"output {h}×{w}", f"kernel {k}×{k}", *formula_lines(n, k, p, s))
    shot(page, scope, f"{step}4-kernel-5")


def test_padding_stride_explorer_in_jupyterlab(page, lab):
    run_all(page, lab, "07-3-padding-and-strides.ipynb")
    scope = explorer_cell(page, "PaddingStrideExplorer(input_size=8")
    check_padding_stride(page, scope, "")


def check_pooling(page, scope, step: str) -> None:
    """The 7.5 explorer on a 28 x 28 image from window 2, stride 2, max: stride up, avg, padding up."""
    n, k, s, p = 28, 2, 2, 0
    h, w = pool_shape(n, k, p, s)
    expect_text(scope, f"max pooling: {n}×{n} → {h}×{w}")
    shot(page, scope, f"{step}1-defaults")
    before = image_source(scope)

    press(scope, "stride", "ArrowRight")            # stride 2 -> 3
    s = 3
    h, w = pool_shape(n, k, p, s)
    expect_text(scope, f"max pooling: {n}×{n} → {h}×{w}", f"stride {s}",
                pool_formula_text(n, k, p, s, name="out_h"))
    assert (h, w) == (9, 9)
    shot(page, scope, f"{step}2-stride-3")
    redrawn_image(scope, before, "the stride")

    scope.locator(".widget-toggle-button", has_text=re.compile(r"^avg$")).click()
    expect_text(scope, f"avg pooling: {n}×{n} → {h}×{w}")
    shot(page, scope, f"{step}3-avg")

    press(scope, "padding", "ArrowRight")           # padding 0 -> 1
    p = 1
    h, w = pool_shape(n, k, p, s)
    expect_text(scope, f"avg pooling: {n}×{n} → {h}×{w}", f"padding {p}", pool_formula_text(n, k, p, s, name="out_w"))
    assert (h, w) == (10, 10)
    shot(page, scope, f"{step}4-padding-1")


def test_pooling_explorer_in_jupyterlab(page, lab):
    run_all(page, lab, "07-5-pooling.ipynb")
    scope = explorer_cell(page, "PoolingExplorer(image")
    check_pooling(page, scope, "")


def check_receptive_field(page, scope, step: str) -> None:
    """LeNet's layers one after another (field 5, 6, 14, 16), then output column 1 of the last layer."""
    fields = lenet_fields()
    assert [f[0] for f in fields] == [5, 6, 14, 16]
    for layer, (size, jump, offset, out) in enumerate(fields):
        if layer:
            press(scope, "layer", "ArrowRight")
        rows = f"rows {offset}…{offset + size - 1}"
        expect_text(scope, f"output {out}×{out}", f"one step = {jump} input pixels",
                    f"Cell (0, 0) has a {size}×{size} receptive field: {rows}")
        shot(page, scope, f"{step}{layer + 1}-layer-{layer}")
    press(scope, "output column", "ArrowRight")
    size, jump, offset, _ = fields[-1]
    expect_text(scope, f"Cell (0, 1) has a {size}×{size} receptive field: rows {offset}…{offset + size - 1}, "
                       f"columns {offset + jump}…{offset + jump + size - 1}")
    shot(page, scope, f"{step}{len(fields) + 1}-column-1")


def test_receptive_field_explorer_in_jupyterlab(page, lab):
    run_all(page, lab, "07-6-lenet.ipynb")
    scope = explorer_cell(page, "LayerFieldExplorer(model")
    check_receptive_field(page, scope, "")


def check_explorers_app(page) -> None:
    """notebooks/explorers.ipynb rendered by Voilà: no code, the three explorers, each one driven."""
    outputs = page.locator(".jp-OutputArea-output")
    page.wait_for_selector(".widget-slider", timeout=120_000)
    assert "PaddingStrideExplorer(" not in page.inner_text("body"), "Voilà should show no code"

    def explorer(label: str):
        found = outputs.filter(has=page.locator(".widget-label", has_text=re.compile(rf"^{label}$")))
        found.first.locator(".widget-html-content").wait_for(timeout=120_000)
        assert found.count() == 1, f"expected one explorer with a {label!r} slider, found {found.count()}"
        return found

    page.screenshot(path=str(page.shots / "00-opened.png"))
    top = page.locator("h1").first.bounding_box()  # the app from its title down (the README's picture)
    page.screenshot(path=str(page.shots / "00-app-top.png"), full_page=True,
                    clip={"x": 0, "y": max(top["y"] - 12, 0), "width": 1400, "height": 820})
    check_padding_stride(page, explorer("dilation"), "a")
    check_pooling(page, explorer("window"), "b")
    check_receptive_field(page, explorer("layer"), "c")
    page.screenshot(path=str(page.shots / "99-app.png"), full_page=True)


def test_explorers_as_a_voila_app(page, home):
    """``voila notebooks/explorers.ipynb``, as the README says."""
    port = free_port()
    command = [sys.executable, "-m", "voila", "notebooks/explorers.ipynb", "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1", "--show_tracebacks=True"]
    base = f"http://127.0.0.1:{port}"
    server = Server("voila", command, base, f"tcp:{port}", home)
    try:
        page.goto(base + "/")
        check_explorers_app(page)
    finally:
        server.stop()


def test_explorers_app_through_the_jupyter_server_as_on_binder(page, home):
    """The Binder link's route, /voila/render/explorers.ipynb on the Jupyter server, with the one
    setting binder/postBuild adds (voila 0.5's server extension fails on markdown images with
    jupyter_server's default asynchronous contents manager, voila-dashboards/voila#1473)."""
    server = start_lab(home, "jupyterlab-binder",
                       "--ServerApp.contents_manager_class=jupyter_server.services.contents.largefilemanager.LargeFileManager")
    try:
        page.goto(server.url.format("voila/render/explorers.ipynb"))
        check_explorers_app(page)
    finally:
        server.stop()
