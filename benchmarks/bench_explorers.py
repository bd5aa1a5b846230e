"""How fast the explorers answer in the browser: pointing at a cell, and moving a control.

    python benchmarks/bench_explorers.py                        # the toy explorer of the tests
    python benchmarks/bench_explorers.py --quick                # a few samples: a smoke run
    python benchmarks/bench_explorers.py "ConvolutionExplorer()" "PoolingExplorer(stride=2)" \\
        --setup "from course_utils.explorers.convolution import ConvolutionExplorer" ...

Each argument is an expression that builds an explorer; ``--setup`` is the code that
imports what they need (one option per line of code). The script starts JupyterLab on
127.0.0.1 in temporary folders, opens a notebook that shows every explorer in headless
Chromium, runs it, and measures in the page with ``performance.now()``:

* hover: from a ``pointerover`` on a cell to its highlight being in the page, styles
  and layout computed (what the next frame paints; no kernel takes part);
* control: from moving the first slider (an ``input`` event) to the redrawn scene in a
  frame: the message to the kernel, the new scene computed in Python, sent back and drawn.

Prints the machine, one line per explorer, and last
``explorers: hover N ms, control N ms (median)`` over all of them. Needs Chromium and
``playwright``, like tests/test_browser.py, whose servers and browser settings it uses.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import pytest  # noqa: E402  (the browser helpers report a missing browser through pytest's outcomes)
from test_browser import CHROMIUM_ARGS, NOTEBOOK, find_chromium, run_all, start_lab  # noqa: E402

from course_utils.device import machine_description  # noqa: E402

__all__ = ["main", "measure", "Timing"]

TOY = "ToyExplorer(padding=1)"
TOY_SETUP = f"import sys\nsys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'tests')!r}]\nfrom explorer_toys import ToyExplorer"

HOVER = """async ([index, repeat]) => {
    const root = document.querySelectorAll(".cu-explorer")[index];
    const cells = [...root.querySelectorAll("rect.cu-cell")];
    const times = [];
    for (let k = 0; k < repeat && cells.length; k++) {  // an explorer without a grid (a table) has nothing to hover
        const cell = cells[(k * 7) % cells.length];
        const start = performance.now();
        cell.dispatchEvent(new PointerEvent("pointerover", { bubbles: true }));
        root.querySelector(".cu-info").getBoundingClientRect();  // styles and layout, as a frame needs them
        getComputedStyle(cell).fill;
        times.push(performance.now() - start);
        await new Promise(requestAnimationFrame);
    }
    return times;
}"""

CONTROL = """async ([index, repeat, timeout]) => {
    const root = document.querySelectorAll(".cu-explorer")[index];
    const range = [...root.querySelectorAll('.cu-control[data-kind="int"] input[type="range"]')].find(r => !r.disabled
        && Number(r.max) > Number(r.min));
    if (!range) return null;
    const times = [];
    for (let k = 0; k < repeat; k++) {
        const low = Number(range.min), high = Number(range.max), now = Number(range.value);
        const next = now < high ? now + 1 : low;
        const before = root.dataset.sceneVersion;
        const redrawn = new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error("no new scene within " + timeout + " ms")), timeout);
            const observer = new MutationObserver(() => {
                if (root.dataset.sceneVersion !== before) {
                    observer.disconnect();
                    clearTimeout(timer);
                    requestAnimationFrame(() => resolve(performance.now()));
                }
            });
            observer.observe(root, { attributes: true, attributeFilter: ["data-scene-version"] });
        });
        const start = performance.now();
        range.value = String(next);
        range.dispatchEvent(new Event("input", { bubbles: true }));
        times.push((await redrawn) - start);
        await new Promise(r => setTimeout(r, 20));
    }
    return times;
}"""


@dataclass
class Timing:
    """Milliseconds of each sample, for one explorer."""

    expression: str
    hover: list[float]
    control: list[float]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def write_notebook(folder: Path, setup: str, expressions: list[str]) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(setup)]
    nb.cells += [nbformat.v4.new_code_cell(f"explorer_{k} = {expression}\nexplorer_{k}")
                 for k, expression in enumerate(expressions)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, folder / "notebooks" / "bench.ipynb")
    return "bench.ipynb"


def measure(expressions: list[str], setup: str, repeat: int) -> list[Timing]:
    """Open the explorers in JupyterLab and time ``repeat`` hovers and control changes of each."""
    from playwright.sync_api import sync_playwright

    home = Path(tempfile.mkdtemp(prefix="course-bench-explorers-"))
    (home / "notebooks").mkdir()
    labconfig = home / "config" / "labconfig"
    labconfig.mkdir(parents=True)
    (labconfig / "page_config.json").write_text(
        '{"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": true}}', encoding="utf-8")
    name = write_notebook(home, setup, expressions)
    server = start_lab(home, "jupyterlab-bench")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.shots = home  # type: ignore[attr-defined]  (run_all's screenshots)
            run_all(page, server, name)
            explorers = page.locator(f"{NOTEBOOK} .cu-explorer")
            explorers.nth(len(expressions) - 1).locator("rect.cu-cell").first.wait_for(timeout=60_000)
            timings = []
            for index, expression in enumerate(expressions):
                explorers.nth(index).scroll_into_view_if_needed()
                hover = page.evaluate(HOVER, [index, repeat])
                control = page.evaluate(CONTROL, [index, repeat, 30_000]) or []
                timings.append(Timing(expression, hover, control))
            browser.close()
        return timings
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("explorers", nargs="*", default=[TOY], help=f"expressions that build explorers (default {TOY})")
    parser.add_argument("--setup", action="append", help="a line of code run first (imports); repeatable")
    parser.add_argument("--repeat", type=int, default=30, help="samples of each measure per explorer")
    parser.add_argument("--quick", action="store_true", help="5 samples: a smoke run with rough numbers")
    args = parser.parse_args(argv)
    setup = "\n".join(args.setup) if args.setup else TOY_SETUP
    repeat = 5 if args.quick else args.repeat
    print(f"machine: {machine_description()}; Chromium headless, JupyterLab on 127.0.0.1")
    try:
        timings = measure(args.explorers, setup, repeat)
    except (pytest.skip.Exception, pytest.fail.Exception) as outcome:  # no browser, or a server that failed
        sys.exit(f"bench_explorers: {outcome}")
    for timing in timings:
        control = f"{median(timing.control):.1f} ms" if timing.control else "no slider"
        hover = f"{median(timing.hover):.2f} ms" if timing.hover else "no cells"
        print(f"{timing.expression}: hover {hover}, control {control} (median of {len(timing.control)})")
    hover = median([t for timing in timings for t in timing.hover])
    control = median([t for timing in timings for t in timing.control])
    print(f"explorers: hover {hover:.2f} ms, control {control:.1f} ms (median)")


if __name__ == "__main__":
    main()
