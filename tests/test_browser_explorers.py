"""The explorers' front end (course_utils/explorers/static) in JupyterLab, in headless Chromium.

A temporary notebook shows the toy explorer (tests/explorer_toys.py: the book's 3 x 3
input 0..8 and kernel [[0, 1], [2, 3]], padding 1). The tests point at cells and check
that exactly the cells each one reads light up and that the computation written out has
the right numbers (from ``F.conv2d`` and ``F.max_pool2d``, not from the scene); press
Home/End/arrows on a slider whose limits another control just moved; type ``1e3`` and
``1,000`` into a number box; drive a control of every kind; play the sweep; measure the
text contrast in JupyterLab Light and Dark; check that nothing leaves a 1024 x 768 window;
restart the kernel and see the explorer say so; and open a notebook saved with outputs
(executed by nbclient) without running it: it shows the PNG of the scene.

Screenshots go to ``artifacts/browser/<test>/`` (light and dark, 1024 x 768 and 1920 x 1080).
The servers, the browser and the skip rule come from tests/test_browser.py.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
import torch
import torch.nn.functional as F

from test_browser import ARTIFACTS, NOTEBOOK, STEP_TIMEOUT_MS, Server, run_all, start_lab
from test_browser import browser  # noqa: F401  (the fixture: Chromium, or a skip saying how to install it)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
EXPLORER = ".cu-explorer"
X = torch.arange(9.0).reshape(1, 1, 3, 3)  # the toy's "ramp" picture (D2L 7.2.1)
K = torch.tensor([[0.0, 1.0], [2.0, 3.0]]).reshape(1, 1, 2, 2)
SETUP = (f"import sys\nsys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'tests')!r}]\n"
         "from explorer_toys import ToyExplorer")


def notebook(*cells: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    return nb


@pytest.fixture(scope="module")
def home() -> Iterator[Path]:
    """Jupyter folders, and notebooks/ with the toy notebooks (one saved with outputs by nbclient)."""
    import nbclient

    folder = Path(tempfile.mkdtemp(prefix="course-explorers-"))
    notebooks = folder / "notebooks"
    notebooks.mkdir()
    toy = notebook(SETUP, "toy = ToyExplorer(padding=1)\ntoy")
    nbformat.write(toy, notebooks / "toy.ipynb")
    nbformat.write(toy, notebooks / "restart.ipynb")
    committed = notebook(SETUP, "ToyExplorer(padding=1)")
    nbclient.NotebookClient(committed, kernel_name="python3", timeout=120).execute()
    nbformat.write(committed, notebooks / "committed.ipynb")
    labconfig = folder / "config" / "labconfig"
    labconfig.mkdir(parents=True)
    (labconfig / "page_config.json").write_text(
        '{"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": true}}', encoding="utf-8")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def lab(home: Path) -> Iterator[Server]:
    """JupyterLab with ``window.jupyterapp`` (its commands change the theme and restart the kernel)."""
    server = start_lab(home, "jupyterlab-explorers", "--LabApp.expose_app_in_browser=True")
    yield server
    server.stop()


@pytest.fixture()
def page(browser, request) -> Iterator[object]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    page.shots = ARTIFACTS / request.node.name  # type: ignore[attr-defined]
    shutil.rmtree(page.shots, ignore_errors=True)
    page.shots.mkdir(parents=True)
    yield page
    context.close()


# ----------------------------------------------------------------------------- helpers
def open_toy(page, lab: Server, name: str = "toy.ipynb"):
    run_all(page, lab, name)
    explorer = page.locator(f"{NOTEBOOK} {EXPLORER}").first
    explorer.locator("rect.cu-cell").first.wait_for()
    return explorer


def shot(page, explorer, step: str) -> None:
    explorer.scroll_into_view_if_needed()
    explorer.screenshot(path=str(page.shots / f"{step}.png"))
    page.screenshot(path=str(page.shots / f"{step}-page.png"))


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


def info(explorer) -> str:
    return explorer.locator(".cu-info").inner_text()


def text(explorer) -> str:
    return explorer.locator(".cu-text").inner_text()


def wait_text(explorer, part: str) -> None:
    from playwright.sync_api import expect

    expect(explorer.locator(".cu-text")).to_contain_text(part)


def kernel(page, code: str) -> str:
    """Run ``code`` in the notebook's kernel (no cell, no output area); return what it printed."""
    return page.evaluate("""async (code) => {
        const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
        const future = kernel.requestExecute({ code, store_history: false });
        let out = "";
        future.onIOPub = (msg) => {
            if (msg.header.msg_type === "stream") out += msg.content.text;
            if (msg.header.msg_type === "error") out += `${msg.content.ename}: ${msg.content.evalue}`;
        };
        await future.done;
        return out;
    }""", code)


def padded_input(p: int) -> torch.Tensor:
    return F.pad(X, (p, p, p, p))


def window(i: int, j: int, p: int, s: int, size: int) -> set[int]:
    """The padded-input cells output (i, j) reads: rows i·s .. i·s + 1, columns j·s .. j·s + 1."""
    return {(i * s + a) * size + j * s + b for a in range(2) for b in range(2)}


def fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.4g}"


def slider(explorer, name: str):
    return explorer.locator(f'[data-control="{name}"] input[type="range"]')


def press(explorer, name: str, key: str) -> None:
    knob = slider(explorer, name)
    knob.focus()
    knob.press(key)


# ----------------------------------------------------------------------------- pointing
def test_pointing_at_a_cell_lights_exactly_what_it_reads(page, lab):
    explorer = open_toy(page, lab)
    p, s, size = 1, 1, 5
    Y = F.conv2d(X, K, padding=p, stride=s)[0, 0]
    XP = padded_input(p)[0, 0].flatten()

    i, j = 1, 2
    cell(explorer, "output", i * 4 + j).hover()
    reads = window(i, j, p, s, size)
    assert lit(explorer, "is-read") == {"input": reads}
    assert lit(explorer, "is-tap") == {"kernel": {0, 1, 2, 3}}
    terms = " + ".join(f"{fmt(XP[c])}·{fmt(w)}" for c, w in zip(sorted(reads), K.flatten().tolist()))
    assert info(explorer) == f"output 4×4, cell ({i}, {j}) = {terms} = {fmt(Y[i, j])}\n" \
                             f"output 4×4, cell ({i}, {j}) = {fmt(Y[i, j])} is read by max pooled 3×3, cells " \
                             f"({i - 1}, {j - 1}), ({i - 1}, {j}), ({i}, {j - 1}), ({i}, {j})"
    shot(page, explorer, "1-output-cell")

    # A pooled cell: the chain back through the output to the input, and its field on the image.
    pooled = F.max_pool2d(Y[None, None], 2, stride=1)[0, 0]
    cell(explorer, "pooled", 4).hover()
    outputs = {r * 4 + c for r in (1, 2) for c in (1, 2)}
    assert lit(explorer, "is-read") == {"output": outputs, "image": set(range(9)),
                                        "input": set().union(*(window(o // 4, o % 4, p, s, size) for o in outputs))}
    inputs = ", ".join(fmt(Y[o // 4, o % 4]) for o in sorted(outputs))
    assert f"max pooled 3×3, cell (1, 1) = max({inputs}) = {fmt(pooled[1, 1])}" in info(explorer)
    assert "sees field on the image, rows 0…2, columns 0…2: a 3×3 field" in info(explorer)
    assert explorer.locator('figure[data-grid="image"] .cu-field-outer').count() == 1
    cell(explorer, "pooled", 0).hover()  # rows -1..1: one row and one column in the padding
    assert "rows -1…1, columns -1…1: a 3×3 field (dashed: the part beyond the grid)" in info(explorer)
    shot(page, explorer, "2-pooled-cell")

    # A source cell: every output cell whose window holds it.
    source = 2 * size + 2  # padded (2, 2) = image (1, 1) = 4
    cell(explorer, "input", source).hover()
    readers = {o for o in range(16) if source in window(o // 4, o % 4, p, s, size)}
    assert lit(explorer, "is-reader") == {"output": readers}
    assert info(explorer).startswith("input (padding 1), cell (1, 1) = 4 is read by output 4×4, cells ")

    # Pointing needs no kernel: the highlight is there in the same task as the event.
    assert explorer.evaluate("""(root) => {
        root.querySelector('rect.cu-cell[data-grid="output"][data-cell="0"]')
            .dispatchEvent(new PointerEvent("pointerover", { bubbles: true }));
        return [...root.querySelectorAll('rect.is-read')].map(e => e.dataset.grid + e.dataset.cell).sort().join();
    }""") == ",".join(sorted(f"input{c}" for c in window(0, 0, p, s, size)))

    # A click pins the cell (the selection trait follows); the arrow keys move it.
    cell(explorer, "output", 5).click()
    page.mouse.move(2, 2)
    assert lit(explorer, "is-selected") == {"output": {5}}
    assert lit(explorer, "is-read") == {"input": window(1, 1, p, s, size)}
    deadline = time.monotonic() + 10
    while (selection := kernel(page, "print(toy.selection)").strip()) != "['output', 5]":
        assert time.monotonic() < deadline, f"the kernel's selection is {selection}, not ['output', 5]"
        time.sleep(0.2)
    explorer.locator('svg.cu-grid-svg[data-grid="output"]').press("ArrowRight")
    explorer.locator('svg.cu-grid-svg[data-grid="output"]').press("ArrowDown")
    assert lit(explorer, "is-selected") == {"output": {10}}
    assert info(explorer).startswith("output 4×4, cell (2, 2) = ")
    shot(page, explorer, "3-pinned")
    kernel(page, "toy.selection = ['kernel', 3]")  # Python picks a cell too
    explorer.locator('rect.cu-cell.is-selected[data-grid="kernel"][data-cell="3"]').wait_for()
    assert info(explorer) == "kernel, cell (1, 1) = 3"


def test_play_walks_through_the_sweep(page, lab):
    explorer = open_toy(page, lab)
    player = explorer.locator(".cu-player")
    player.locator('[data-action="forward"]').click()
    assert lit(explorer, "is-selected") == {"output": {0}}
    player.locator('[data-action="forward"]').click()
    player.locator('[data-action="forward"]').click()
    player.locator('[data-action="back"]').click()
    assert lit(explorer, "is-selected") == {"output": {1}}
    assert "output 4×4: cell (0, 1), 2 of 16" in player.inner_text()
    player.locator('[data-action="play"]').click()
    seen = []
    deadline = time.monotonic() + 15
    while len(seen) < 4:
        assert time.monotonic() < deadline, f"play walked only {seen}"
        now = lit(explorer, "is-selected").get("output", set())
        if now and (not seen or now != seen[-1]):
            seen.append(now)
        time.sleep(0.05)
    player.locator('[data-action="play"]').click()  # pause
    assert seen[:4] == [{2}, {3}, {4}, {5}] or seen[:4] == [{1}, {2}, {3}, {4}], seen
    stopped = lit(explorer, "is-selected")
    time.sleep(1.0)
    assert lit(explorer, "is-selected") == stopped
    shot(page, explorer, "1-played")


# ----------------------------------------------------------------------------- controls
def test_slider_keys_use_the_limits_of_now(page, lab):
    explorer = open_toy(page, lab)  # padding 1: stride 1..4
    press(explorer, "stride", "End")
    wait_text(explorer, "padding 1, stride 4")
    press(explorer, "stride", "Home")
    wait_text(explorer, "padding 1, stride 1")
    press(explorer, "stride", "ArrowRight")
    wait_text(explorer, "padding 1, stride 2")
    press(explorer, "padding", "ArrowRight")  # padding 2: stride up to 6
    wait_text(explorer, "padding 2, stride 2")
    assert slider(explorer, "stride").get_attribute("max") == "6"
    press(explorer, "stride", "End")
    wait_text(explorer, "padding 2, stride 6")
    h = F.conv2d(X, K, padding=2, stride=6).shape[-1]
    assert f"output {h}×{h}" in text(explorer)
    shot(page, explorer, "1-stride-6")
    press(explorer, "padding", "Home")  # padding 0: stride at most 2, and 6 is brought down to it
    wait_text(explorer, "padding 0, stride 2")
    assert slider(explorer, "stride").get_attribute("max") == "2"
    assert slider(explorer, "stride").input_value() == "2"
    press(explorer, "stride", "End")
    press(explorer, "stride", "PageUp")
    press(explorer, "stride", "ArrowRight")
    assert slider(explorer, "stride").input_value() == "2"
    assert kernel(page, "print(toy.values['stride'], toy.values['padding'])").split() == ["2", "0"]
    box = explorer.locator('[data-control="stride"] input[type="number"]')
    assert box.get_attribute("max") == "2" and box.input_value() == "2"
    assert explorer.locator('[data-control="dilation"] input[type="range"]').is_disabled()
    assert "fixed at 1 in this explorer" in explorer.locator('[data-control="dilation"] .cu-note').inner_text()
    assert "smaller than the 2×2 pooling window" in explorer.locator(".cu-error").inner_text()
    shot(page, explorer, "2-padding-0")


def test_a_dragged_slider_does_not_flood_the_kernel(page, lab):
    explorer = open_toy(page, lab)
    kernel(page, "seen = []\ntoy.on_msg(lambda widget, content, buffers: seen.append(content.get('values')))")
    explorer.evaluate("""(root) => {
        const range = root.querySelector('[data-control="stride"] input[type="range"]');
        for (let k = 0; k < 40; k++) {
            range.value = String(1 + (k % 4));
            range.dispatchEvent(new Event("input", { bubbles: true }));
        }
        range.value = "3";
        range.dispatchEvent(new Event("input", { bubbles: true }));
    }""")
    wait_text(explorer, "padding 1, stride 3")
    time.sleep(1)
    sent = json.loads(kernel(page, "import json; print(json.dumps([v for v in seen if v]))"))
    assert 1 <= len(sent) <= 4, sent  # 41 changes: the first, then the latest while each was in flight
    assert sent[-1] == {"stride": 3}
    assert kernel(page, "print(toy.values['stride'])").strip() == "3"


def test_a_number_box_takes_1e3_and_refuses_junk(page, lab):
    explorer = open_toy(page, lab)
    box = explorer.locator('[data-control="scale"] input')
    box.fill("1e3")
    box.press("Enter")
    XP = padded_input(1)[0, 0] * 1000
    written = explorer.locator('figure[data-grid="input"] text.cu-value').nth(12)  # padded (2, 2): image (1, 1)
    deadline = time.monotonic() + 10
    while written.text_content() != fmt(XP[2, 2]):
        assert time.monotonic() < deadline, "the input was not scaled by 1e3"
        time.sleep(0.1)
    assert box.input_value() == "1000"
    cell(explorer, "output", 5).hover()
    Y = F.conv2d(X * 1000, K, padding=1)[0, 0]
    assert info(explorer).startswith(f"output 4×4, cell (1, 1) = 0·0 + 1000·1 + 3000·2 + 4000·3 = {fmt(Y[1, 1])}")
    box.fill("2,000")
    box.press("Enter")
    deadline = time.monotonic() + 10
    while kernel(page, "print(toy.values['scale'])").strip() != "2000":
        assert time.monotonic() < deadline, "1,000-style numbers are not taken"
        time.sleep(0.2)
    box.fill("lots")
    box.press("Enter")
    message = explorer.locator('[data-control="scale"] .cu-message')
    assert "“lots” is not a number: write e.g. 1000, 1,000 or 1e3" in message.inner_text()
    assert box.get_attribute("aria-invalid") == "true"
    box.fill("1e9")
    box.press("Enter")
    assert "input scale must be between 0.001 and 1000000 here, got 1000000000" in message.inner_text()
    shot(page, explorer, "1-refused")
    assert kernel(page, "print(toy.values['scale'])").strip() == "2000"


def test_every_kind_of_control(page, lab):
    from PIL import Image

    explorer = open_toy(page, lab)
    explorer.locator('[data-control="pool"] button', has_text="mean").click()
    explorer.locator('figure[data-grid="pooled"] .cu-grid-title', has_text="mean pooled 3×3").wait_for()
    assert explorer.locator('[data-control="pool"] button[aria-pressed="true"]').inner_text() == "mean"
    cell(explorer, "pooled", 0).hover()
    Y = F.conv2d(X, K, padding=1)[0, 0]
    assert f"(0 + 3 + 9 + 19) / 4 = {fmt(F.avg_pool2d(Y[None, None], 2, stride=1)[0, 0, 0, 0])}" in info(explorer)

    explorer.locator('[data-control="picture"] select').select_option(label="checker")
    deadline = time.monotonic() + 10
    while kernel(page, "print(toy.values['picture'])").strip() != "checker":
        assert time.monotonic() < deadline, "the menu's choice was not sent"
        time.sleep(0.2)
    explorer.locator('[data-control="show_values"] input[type="checkbox"]').uncheck()
    explorer.locator('figure[data-grid="output"] text.cu-value').first.wait_for(state="detached")

    kernel_box = explorer.locator('[data-control="kernel"] input[data-index="3"]')
    kernel_box.fill("-1")
    kernel_box.press("Enter")
    deadline = time.monotonic() + 10
    while kernel(page, "print(toy.values['kernel'])").strip() != "[0.0, 1.0, 2.0, -1.0]":
        assert time.monotonic() < deadline, "the matrix was not sent"
        time.sleep(0.2)

    explorer.locator('[data-control="picture"] select').select_option(label="drawn")
    wait_text(explorer, "6×6 input")
    canvas = explorer.locator('[data-control="drawing"] canvas')
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.5)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.5, steps=8)
    page.mouse.up()
    deadline = time.monotonic() + 10
    while not kernel(page, "print(sum(toy.values['drawing']) > 2 and max(toy.values['drawing']) <= 1)").startswith("True"):
        assert time.monotonic() < deadline, "the painted stroke did not reach the kernel"
        time.sleep(0.2)
    shot(page, explorer, "1-painted")
    explorer.locator('[data-control="drawing"] [data-action="clear"]').click()
    deadline = time.monotonic() + 10
    while kernel(page, "print(sum(toy.values['drawing']))").strip() != "0.0":
        assert time.monotonic() < deadline, "clear did not clear the drawing"
        time.sleep(0.2)

    picture = page.shots / "square.png"  # a white rectangle on a black picture twice as wide as it is high
    image = Image.new("RGB", (120, 60), "black")
    image.paste((255, 255, 255), (30, 10, 90, 50))
    image.save(picture)
    explorer.locator('[data-control="drawing"] input[type="file"]').set_input_files(str(picture))
    deadline = time.monotonic() + 10
    while True:
        drawing = json.loads(kernel(page, "import json; print(json.dumps(toy.values['drawing']))"))
        if sum(drawing) > 0:
            break
        assert time.monotonic() < deadline, "the loaded picture did not reach the kernel"
        time.sleep(0.2)
    rows = [drawing[r * 6:(r + 1) * 6] for r in range(6)]
    # Fitted whole and centred: 120 x 60 becomes 6 x 3 in rows 1.5 .. 4.5; the white part is columns
    # 1.5 .. 4.5 of rows 2 .. 4.
    assert max(rows[0]) < 0.1 and max(rows[5]) < 0.1, rows
    assert min(rows[2][2:4] + rows[3][2:4]) > 0.6, rows
    assert max(rows[2][0], rows[3][0], rows[2][5], rows[3][5]) < 0.1, rows
    shot(page, explorer, "2-loaded-picture")


# ----------------------------------------------------------------------------- how it looks
CONTRAST = """(root) => {
    const parse = (colour) => {
        let m = colour.match(/^rgba?\\(([^)]+)\\)/);
        if (m) {
            const v = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
            return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1];
        }
        m = colour.match(/^color\\(srgb ([^)]+)\\)/);
        if (m) {
            const v = m[1].split(/[ \\/]+/).filter(Boolean).map(Number);
            return [v[0] * 255, v[1] * 255, v[2] * 255, v.length > 3 ? v[3] : 1];
        }
        return null;
    };
    const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
    const background = (el) => {
        const layers = [];
        for (let node = el; node; node = node.parentElement) {
            const c = parse(getComputedStyle(node).backgroundColor);
            if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
        }
        return layers.reverse().reduce((acc, c) => over(c, acc), [255, 255, 255, 1]);
    };
    const lum = (c) => {
        const f = (x) => { x /= 255; return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
    };
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const results = [];
    const html = root.querySelectorAll(
        ".cu-text, .cu-text code, .cu-error, .cu-info-line, .cu-hint, .cu-label, .cu-note, .cu-grid-title, " +
        ".cu-grid-note, .cu-table th, .cu-table td, .cu-position, .cu-choice, .cu-button, .cu-box, .cu-status");
    for (const el of html) {
        const shown = el.matches("input, select") ? el.value : el.textContent;
        if (!el.offsetParent || !shown.trim()) continue;
        if (el.closest(".is-disabled") || el.disabled) continue;  // WCAG exempts inactive controls
        const bg = background(el);
        const fg = over(parse(getComputedStyle(el).color), bg);
        results.push([el.className + ":" + el.textContent.slice(0, 30), ratio(fg, bg)]);
    }
    for (const text of root.querySelectorAll("text.cu-value, .cu-axis text")) {
        let bg;
        if (text.classList.contains("cu-value")) {
            const svg = text.ownerSVGElement;
            const x = Number(text.getAttribute("x")), y = Number(text.getAttribute("y"));
            const under = [...svg.querySelectorAll("rect.cu-cell")].find(r => {
                const rx = Number(r.getAttribute("x")), ry = Number(r.getAttribute("y")), s = Number(r.getAttribute("width"));
                return x > rx && x < rx + s && y > ry && y < ry + s;
            });
            const fill = getComputedStyle(under).fill;
            bg = fill.startsWith("url") ? parse(getComputedStyle(root.querySelector(".cu-pad-fill")).fill) : parse(fill);
            bg = over(bg, background(svg));
        } else {
            bg = background(text.ownerSVGElement);
        }
        const fg = over(parse(getComputedStyle(text).fill), bg);
        results.push(["svg:" + text.textContent, ratio(fg, bg)]);
    }
    return results;
}"""


def low_contrast(explorer) -> list:
    measured = explorer.evaluate(CONTRAST)
    assert len(measured) > 40, measured  # the texts were found
    return [(what, round(r, 2)) for what, r in measured if r < 4.5]


def set_theme(page, theme: str, light: bool) -> None:
    page.evaluate("(theme) => window.jupyterapp.commands.execute('apputils:change-theme', { theme })", theme)
    page.wait_for_function("(light) => document.body.dataset.jpThemeLight === String(light)", arg=light,
                           timeout=STEP_TIMEOUT_MS)
    time.sleep(0.5)


def test_text_reads_well_in_light_and_dark(page, lab):
    explorer = open_toy(page, lab)
    press(explorer, "stride", "End")  # an error line too
    wait_text(explorer, "stride 4")
    explorer.locator(".cu-error").wait_for()
    cell(explorer, "output", 0).hover()
    try:
        for theme, light, name in (("JupyterLab Light", True, "light"), ("JupyterLab Dark", False, "dark")):
            set_theme(page, theme, light)
            assert low_contrast(explorer) == [], name
            for width, height in ((1024, 768), (1920, 1080)):
                page.set_viewport_size({"width": width, "height": height})
                time.sleep(0.3)
                shot(page, explorer, f"{name}-{width}x{height}")
            page.set_viewport_size({"width": 1400, "height": 1000})
    finally:
        set_theme(page, "JupyterLab Light", True)


def test_nothing_leaves_a_1024_by_768_window(page, lab):
    page.set_viewport_size({"width": 1024, "height": 768})
    explorer = open_toy(page, lab)
    press(explorer, "padding", "End")  # the widest input
    wait_text(explorer, "padding 2")
    output = explorer.locator("xpath=ancestor::*[contains(@class, 'jp-OutputArea-output')][1]")
    right = min(output.bounding_box()["x"] + output.bounding_box()["width"], 1024)
    boxes = explorer.locator(".cu-control, .cu-group, .cu-grid, .cu-player, .cu-table, .cu-text").evaluate_all(
        "els => els.map(e => { const b = e.getBoundingClientRect(); return [e.className, b.left, b.right]; })")
    assert boxes
    outside = [(name, left, r) for name, left, r in boxes if left < 0 or r > right + 1]
    assert outside == [], f"outside the output area (right edge {right}): {outside}"
    assert explorer.evaluate("(root) => root.scrollWidth <= root.clientWidth + 1")
    shot(page, explorer, "1-1024x768")


# ----------------------------------------------------------------------------- the kernel
def test_after_a_kernel_restart_the_explorer_says_so(page, lab):
    explorer = open_toy(page, lab, "restart.ipynb")
    status = explorer.locator(".cu-status")
    press(explorer, "padding", "ArrowRight")
    wait_text(explorer, "padding 2")
    time.sleep(2)
    assert status.is_hidden()  # a kernel that answers: no message
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:restart-kernel'); }")  # asks first
    page.locator(".jp-Dialog-button.jp-mod-accept").click()
    page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\|\s*Idle")).first.wait_for(timeout=60_000)
    press(explorer, "padding", "ArrowLeft")
    status.wait_for(state="visible", timeout=10_000)
    assert "run this cell again (Shift+Enter)" in status.inner_text()
    assert "is-stale" in (explorer.get_attribute("class") or "")
    assert "padding 2" in text(explorer)  # the old picture stays, and says it is no longer live
    shot(page, explorer, "1-restarted")


def test_a_saved_notebook_shows_the_picture_before_it_runs(page, lab, home):
    page.goto(lab.url.format("lab/tree/committed.ipynb") + "&reset")
    output = page.locator(f"{NOTEBOOK} .jp-CodeCell").nth(1).locator(".jp-OutputArea-output").first
    output.wait_for(timeout=120_000)
    picture = output.locator("img")
    picture.wait_for()
    assert (picture.get_attribute("src") or "").startswith("data:image/png;base64,")
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
    shown = picture.bounding_box()
    saved = nbformat.read(home / "notebooks" / "committed.ipynb", as_version=4).cells[1].outputs[0]
    assert round(shown["width"]) == saved["metadata"]["image/png"]["width"]  # drawn at 2x, shown at its CSS size
    assert page.locator(f"{NOTEBOOK} {EXPLORER}").count() == 0  # nothing ran
    page.screenshot(path=str(page.shots / "1-saved-notebook.png"))
