"""The explorer base class, its PNG and the front end's helpers, with the toy explorer; no browser.

The toy (tests/explorer_toys.py) computes its numbers with plain loops over the reads
and taps of its scene, which are what the front end writes out when a cell is pointed
at; PyTorch is the oracle for those numbers (``F.conv2d``, ``F.max_pool2d``,
``F.avg_pool2d``) and, through autograd, for the field rectangles. The front end's
number parsing and cell sizes are run with Node.js where it is installed.
"""

from __future__ import annotations

import io
import itertools
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from course_utils.explorers import render_png
from course_utils.explorers.render_png import MAX_HEIGHT, MAX_WIDTH, PIXEL_RATIO, highlights, plain_text, scene_to_png
from course_utils.explorers.scene import Grid, Link, Scene
from explorer_toys import DRAW_SIZE, KERNEL, POOL, ToyExplorer, picture

ROOT = Path(__file__).resolve().parents[1]
EXPLORER_JS = ROOT / "course_utils" / "explorers" / "static" / "explorer.js"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ORACLE = torch.float64


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


def as_tensor(values: list[float], rows: int, cols: int) -> torch.Tensor:
    return torch.tensor(values, dtype=ORACLE).reshape(1, 1, rows, cols)


def image_of(toy: ToyExplorer) -> torch.Tensor:
    rows = picture(toy.values["picture"], toy.values["drawing"])
    return torch.tensor(rows, dtype=ORACLE)[None, None] * toy.values["scale"]


def settings() -> list[dict]:
    rng = np.random.default_rng(0)
    drawing = [round(float(x), 3) for x in rng.random(DRAW_SIZE ** 2)]
    kernels = ([0.0, 1.0, 2.0, 3.0], [1.0, -1.0, -0.5, 2.0])
    cases = []
    for picture_name, padding, kernel, pool in itertools.product(("ramp", "steps", "drawn"), (0, 1, 2), kernels,
                                                                 ("max", "mean")):
        n = DRAW_SIZE if picture_name == "drawn" else 3
        for stride in range(1, n + 2 * padding - KERNEL + 2):
            cases.append(dict(picture=picture_name, padding=padding, stride=stride, kernel=list(kernel), pool=pool,
                              drawing=drawing, scale=1.5 if pool == "mean" else 1))
    return cases


# ----------------------------------------------------------------------------- the toy's numbers (PyTorch)
def test_the_toy_computes_what_pytorch_computes_for_every_setting():
    toy = ToyExplorer()
    for values in settings():
        toy.set(**values)
        X, p, s = image_of(toy), values["padding"], values["stride"]
        K = as_tensor(values["kernel"], KERNEL, KERNEL)
        Y = F.conv2d(X, K, padding=p, stride=s)
        output = toy.state.grid("output")
        assert (output.rows, output.cols) == tuple(Y.shape[-2:]), values
        torch.testing.assert_close(as_tensor(output.values, output.rows, output.cols), Y)
        if min(Y.shape[-2:]) < POOL:
            assert "smaller than the 2×2 pooling window" in toy.state.error, values
            assert [g.id for g in toy.state.grids] == ["input", "kernel", "output"]
            continue
        assert toy.state.error == ""
        pool = F.max_pool2d if values["pool"] == "max" else F.avg_pool2d
        pooled = toy.state.grid("pooled")
        torch.testing.assert_close(as_tensor(pooled.values, pooled.rows, pooled.cols), pool(Y, POOL, stride=1))


def test_reads_and_taps_say_what_each_output_cell_computes():
    """Σ input[reads] · kernel[taps] is the cell's value, max/mean of output[reads] the pooled value:
    the sums the front end writes out come from the same scene as the grids."""
    toy = ToyExplorer()
    for values in settings()[::3]:
        toy.set(**values)
        scene = toy.state
        padded, kernel, output = (scene.grid(g) for g in ("input", "kernel", "output"))
        link = scene.link("output", "input")
        assert (link.op, link.weights) == ("sum", "kernel")
        for cell, (reads, taps) in enumerate(zip(link.reads, link.taps)):
            total = sum(padded.values[r] * kernel.values[t] for r, t in zip(reads, taps))
            assert total == pytest.approx(output.values[cell])
        if scene.error:
            continue
        pooled, link = scene.grid("pooled"), scene.link("pooled", "output")
        assert link.op == values["pool"]
        for cell, reads in enumerate(link.reads):
            inputs = [output.values[r] for r in reads]
            expected = max(inputs) if link.op == "max" else sum(inputs) / link.divisors[cell]
            assert expected == pytest.approx(pooled.values[cell])


def test_field_rectangles_are_the_pixels_each_pooled_cell_depends_on():
    """Autograd as the oracle: the image pixels with a nonzero gradient of a pooled cell (average pooling,
    positive weights, so nothing cancels) are exactly the part of its rectangle inside the image."""
    toy = ToyExplorer(kernel=[1.0, 2.0, 3.0, 4.0], pool="mean")
    for padding in (0, 1, 2):
        for stride in (1, 2):
            toy.set(padding=padding, stride=stride)
            if toy.state.error:
                continue
            image = toy.state.grid("image")
            rects = toy.state.link("pooled", "image").rects
            X = torch.ones(1, 1, image.rows, image.cols, dtype=ORACLE, requires_grad=True)
            K = as_tensor(toy.values["kernel"], KERNEL, KERNEL)
            pooled = F.avg_pool2d(F.conv2d(X, K, padding=padding, stride=stride), POOL, stride=1)
            assert pooled.shape[-1] * pooled.shape[-2] == len(rects)
            for cell, (top, left, bottom, right) in enumerate(rects):
                (grad,) = torch.autograd.grad(pooled.flatten()[cell], X, retain_graph=True)
                rows, cols = torch.nonzero(grad[0, 0], as_tuple=True)
                assert (rows.min().item(), cols.min().item()) == (max(top, 0), max(left, 0))
                assert (rows.max().item(), cols.max().item()) == (min(bottom, image.rows - 1),
                                                                  min(right, image.cols - 1))
                assert bottom - top == right - left == (POOL - 1) * stride + KERNEL - 1  # the field, padding included


def test_padding_unread_and_dropped_cells_are_marked():
    toy = ToyExplorer(padding=2, stride=3)  # 7 x 7 padded input; windows at rows 0-1 and 3-4
    kinds = np.array(toy.state.grid("input").kinds).reshape(7, 7)
    assert (kinds[:2] == "pad").all() and (kinds[-2:] == "pad").all() and (kinds[:, :2] == "pad").all()
    assert list(kinds[2, 2:5]) == ["unread"] * 3  # image row 0 lies between the two windows
    assert list(kinds[3, 2:5]) == ["unread", "", ""]
    toy.set(padding=0, stride=2)  # 3 x 3 input, one window at rows/columns 0-1: row and column 2 are cut off
    kinds = np.array(toy.state.grid("input").kinds).reshape(3, 3)
    assert list(kinds[2]) == ["dropped"] * 3 and list(kinds[:, 2]) == ["dropped"] * 3
    assert (kinds[:2, :2] == "").all()


# ----------------------------------------------------------------------------- set, values, state
def test_set_values_and_state_follow_each_other():
    toy = ToyExplorer()
    assert toy.values == {c["name"]: c["value"] for c in toy.controls}
    assert toy.values["padding"] == 0 and toy.state.grid("output").rows == 2
    toy.set(padding=2, stride=3)
    assert (toy.values["padding"], toy.values["stride"]) == (2, 3)
    h, w = F.conv2d(torch.zeros(1, 1, 3, 3), torch.zeros(1, 1, 2, 2), padding=2, stride=3).shape[-2:]
    assert (toy.state.grid("output").rows, toy.state.grid("output").cols) == (h, w)
    assert toy.scene == toy.state.to_dict()
    stride = next(c for c in toy.controls if c["name"] == "stride")
    assert (stride["min"], stride["max"], stride["value"]) == (1, 6, 3)  # the limit follows the padding
    assert "ToyExplorer: input 3×3, padding 2, stride 3" in toy.summary() and repr(toy) == f"<{toy.summary()}>"


def test_values_are_plain_python_data():
    toy = ToyExplorer(padding=np.int64(1), scale=np.float64(2.5), show_values=np.bool_(False),
                      kernel=np.array([[1, 2], [3, 4]]), stride=2.0)
    assert toy.values["padding"] == 1 and type(toy.values["padding"]) is int
    assert type(toy.values["stride"]) is int and type(toy.values["scale"]) is float
    assert toy.values["show_values"] is False
    assert toy.values["kernel"] == [1.0, 2.0, 3.0, 4.0]
    json.dumps(toy.values)
    json.dumps(toy.scene)


def test_a_subclass_cannot_take_the_widget_protocol_names():
    class Clash(ToyExplorer):
        def __init__(self) -> None:
            self._model_name = "LeNet"  # e.g. the name of the model an explorer shows
            super().__init__()

    with pytest.raises(TypeError, match="Clash sets _model_name = 'LeNet': that name belongs to the widget protocol"):
        Clash()


def test_two_explorers_with_the_same_values_show_the_same():
    first, second = ToyExplorer(padding=1, pool="mean"), ToyExplorer(padding=1, pool="mean")
    assert first.state.to_dict() == second.state.to_dict()
    assert scene_to_png(first.state) == scene_to_png(second.state)
    second.set(padding=2)
    second.set(padding=1)
    assert second.state.to_dict() == first.state.to_dict()


BAD_VALUES = [
    (dict(paddin=1), ValueError, ["unknown control(s) ['paddin']", "'padding'"]),
    (dict(stride=9), ValueError, ["stride must be between 1 and 2 here, got 9", "at most 2"]),
    (dict(padding=3), ValueError, ["padding must be between 0 and 2 here, got 3"]),
    (dict(stride="2"), TypeError, ["stride must be a whole number, got '2'"]),
    (dict(stride=True), TypeError, ["stride must be a whole number, got True"]),
    (dict(stride=1.5), TypeError, ["stride must be a whole number, got 1.5"]),
    (dict(scale="1e3"), TypeError, ["scale must be a finite number, got '1e3'"]),
    (dict(scale=float("nan")), TypeError, ["scale must be a finite number, got nan"]),
    (dict(scale=1e7), ValueError, ["scale must be between 0.001 and 1e+06 here, got 1e+07"]),
    (dict(pool="min"), ValueError, ["pool must be one of ['max', 'mean'], got 'min'"]),
    (dict(picture=1), ValueError, ["picture must be one of ['ramp', 'ones'"]),
    (dict(show_values=1), TypeError, ["show_values must be True or False, got 1"]),
    (dict(kernel=[1, 2, 3]), ValueError, ["kernel must have 4 numbers (2 x 2, row-major), got 3"]),
    (dict(kernel="abcd"), TypeError, ["kernel must be a list of 4 numbers"]),
    (dict(kernel=[1, 2, 3, float("inf")]), ValueError, ["kernel must have finite numbers only"]),
    (dict(drawing=[1.5] * 36), ValueError, ["drawing must have numbers between 0 and 1, got 1.5"]),
    (dict(drawing=[0.0] * 35), ValueError, ["drawing must have 36 numbers (6 x 6, row-major), got 35"]),
]


@pytest.mark.parametrize(("values", "error", "parts"), BAD_VALUES, ids=[str(v) for v, _, _ in BAD_VALUES])
def test_bad_values_are_refused_clearly_and_change_nothing(values, error, parts):
    toy = ToyExplorer()
    before_values, before_state, before_scene = dict(toy.values), toy.state, dict(toy.scene)
    with pytest.raises(error) as raised:
        toy.set(**values)
    for part in parts:
        assert part in str(raised.value)
    assert toy.values == before_values and toy.state is before_state and toy.scene == before_scene
    with pytest.raises(error):
        ToyExplorer(**values)


def test_limits_come_from_the_values_after_the_call():
    toy = ToyExplorer(padding=2, stride=6)  # padding 2 allows stride 6, padding 0 only up to 2
    with pytest.raises(ValueError, match="stride must be between 1 and 2 here, got 6"):
        toy.set(padding=0, stride=6)
    assert (toy.values["padding"], toy.values["stride"]) == (2, 6)
    toy.set(padding=0)  # a value the call does not name is kept inside its new limits, as a slider keeps it
    assert (toy.values["padding"], toy.values["stride"]) == (0, 2)
    assert toy.state.grid("output").rows == F.conv2d(torch.zeros(1, 1, 3, 3), torch.zeros(1, 1, 2, 2), stride=2).shape[-1]
    toy.set(picture="drawn", stride=5)  # a 6 x 6 picture allows stride 5 ...
    toy.set(picture="ramp")  # ... the 3 x 3 one at most 2
    assert toy.values["stride"] == 2


# ----------------------------------------------------------------------------- the front end's messages
class Recorder:
    def __init__(self, toy: ToyExplorer, monkeypatch) -> None:
        self.sent: list[dict] = []
        self.states: list[set[str]] = []
        monkeypatch.setattr(toy, "send", lambda content, buffers=None: self.sent.append(content))
        original = toy.send_state
        monkeypatch.setattr(toy, "send_state", lambda key=None: (self.states.append(set(key or [])), original(key)))


def message(toy: ToyExplorer, content: object) -> None:
    toy._on_front_end_message(toy, content, [])


def test_a_set_message_is_answered_in_one_update(monkeypatch):
    toy = ToyExplorer()
    record = Recorder(toy, monkeypatch)
    message(toy, {"type": "set", "values": {"padding": 2, "stride": 2}, "request": 3})
    assert toy.answered == 3 and (toy.values["padding"], toy.values["stride"]) == (2, 2)
    assert toy.state.grid("output").rows == 3 and record.sent == []
    changed = [keys for keys in record.states if "scene" in keys]
    assert changed and {"scene", "controls", "values", "answered"} <= changed[-1]  # one message, answer included


def test_front_end_values_go_through_set(monkeypatch):
    """An explorer that converts values in set() gets the front end's values the same way."""

    class Rounding(ToyExplorer):
        def set(self, **values):
            if "scale" in values:
                values["scale"] = round(values["scale"])
            super().set(**values)

    toy = Rounding()
    message(toy, {"type": "set", "values": {"scale": 2.4}, "request": 2})
    assert toy.values["scale"] == 2 and toy.answered == 2


def test_a_value_out_of_range_is_refused_politely(monkeypatch):
    toy = ToyExplorer()
    record = Recorder(toy, monkeypatch)
    before = toy.state
    message(toy, {"type": "set", "values": {"stride": 99}, "request": 4})
    assert record.sent == [{"type": "refused", "request": 4,
                            "message": "stride must be between 1 and 2 here, got 99 (at most 2: the padded input is 3 "
                                       "wide)"}]
    assert toy.answered == 4 and toy.state is before
    message(toy, {"type": "set", "values": ["stride", 2], "request": 5})
    assert record.sent[-1]["type"] == "refused" and "must be a mapping" in record.sent[-1]["message"]
    assert toy.answered == 5
    message(toy, {"type": "set", "values": {"nope": 1}, "request": 6})
    assert "unknown control(s) ['nope']" in record.sent[-1]["message"] and toy.answered == 6


def test_a_fault_in_the_explorer_is_answered_and_raised(monkeypatch):
    toy = ToyExplorer()
    record = Recorder(toy, monkeypatch)

    def broken(values):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(toy, "_compute", broken)
    with pytest.raises(ZeroDivisionError):
        message(toy, {"type": "set", "values": {"padding": 1}, "request": 9})
    assert toy.answered == 9  # the front end hears an answer, not silence
    assert record.sent == [{"type": "refused", "request": 9,
                            "message": "the explorer failed on these values (ZeroDivisionError: division by zero)"}]


def test_pings_are_answered_and_other_messages_ignored(monkeypatch):
    toy = ToyExplorer()
    record = Recorder(toy, monkeypatch)
    message(toy, {"type": "ping", "request": 7})
    assert toy.answered == 7
    before = (dict(toy.values), toy.state)
    for content in ("hello", None, 3, {"type": "jump"}, {"values": {"padding": 1}}, {"type": "ping", "request": "8"},
                    {"type": "ping", "request": True}):
        message(toy, content)
    assert toy.answered == 7 and (dict(toy.values), toy.state) == before and record.sent == []


# ----------------------------------------------------------------------------- the display bundle and the PNG
def png_image(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_the_bundle_has_the_live_view_the_picture_and_a_line_of_text():
    toy = ToyExplorer(padding=1)
    data, metadata = toy._repr_mimebundle_()
    assert data[WIDGET_VIEW]["model_id"] == toy.model_id
    assert data["text/plain"] == toy.summary()
    image = png_image(data["image/png"])
    assert metadata["image/png"] == {"width": image.width // PIXEL_RATIO, "height": image.height // PIXEL_RATIO}
    assert image.width <= MAX_WIDTH * PIXEL_RATIO


def test_the_png_is_deterministic_and_shows_the_state():
    toy = ToyExplorer(padding=1)
    png = scene_to_png(toy.state)
    assert scene_to_png(toy.state) == png
    assert b"Software" not in png and b"tEXt" not in png and b"tIME" not in png
    toy.set(padding=2)
    assert scene_to_png(toy.state) != png


def orange_pixels(png: bytes) -> int:
    pixels = np.asarray(png_image(png)).astype(int)
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return int(((abs(r - 0xE8) < 24) & (abs(g - 0x59) < 24) & (abs(b - 0x0C) < 24)).sum())


def test_the_png_outlines_what_the_selected_cell_reads():
    toy = ToyExplorer(padding=1)
    scene = toy.state
    assert orange_pixels(scene_to_png(scene)) == 0
    scene.selected = ["output", 5]
    assert orange_pixels(scene_to_png(scene)) > 0


def test_highlights_follow_the_links_back_to_the_input():
    toy = ToyExplorer(padding=1, stride=1)
    scene = toy.state
    lit = highlights(scene, "pooled", 4)
    to_output = scene.link("pooled", "output").reads[4]
    assert lit.reads["output"] == set(to_output)
    conv = scene.link("output", "input")
    assert lit.reads["input"] == {cell for o in to_output for cell in conv.reads[o]}
    assert lit.taps["kernel"] == {0, 1, 2, 3}
    assert lit.rects["image"] == [scene.link("pooled", "image").rects[4]]
    assert lit.reads["image"] == {r * 3 + c for r in range(3) for c in range(3)}  # rows/columns 0..2 of 3 x 3


def test_plain_text_of_the_html():
    assert plain_text("<b>Convolution</b> of 3&times;3<br>out = 4 &lt; 5") == "Convolution of 3×3\nout = 4 < 5"
    assert plain_text("<ul><li>one</li><li>two</li></ul>") == "• one\n• two"


def big_scene(count: int, size: int, show_values: bool = False) -> Scene:
    grids = [Grid(f"g{i}", f"image {i}", size, size, values=[float((r * c) % 7) / 6 for r in range(size)
                                                             for c in range(size)], shade="grey",
                  show_values=show_values) for i in range(count)]
    return Scene(text="<b>many</b>", summary="many", grids=grids)


@pytest.mark.parametrize(("count", "size", "show_values"), [(1, 28, False), (2, 28, True), (1, 300, False),
                                                              (40, 28, False)])
def test_the_png_stays_within_its_size_limits(count, size, show_values):
    image = png_image(scene_to_png(big_scene(count, size, show_values)))
    assert image.width <= MAX_WIDTH * PIXEL_RATIO
    assert image.height <= (MAX_HEIGHT + 200) * PIXEL_RATIO
    if (count, size) == (1, 28):
        assert image.width <= 400 * PIXEL_RATIO and image.height <= 400 * PIXEL_RATIO  # a small picture stays small


def test_the_png_of_impossible_and_odd_scenes():
    toy = ToyExplorer(stride=2)  # output 1 x 1: no pooling, an error line
    assert toy.state.error
    png_image(scene_to_png(toy.state))
    png_image(scene_to_png(Scene(text="", summary="nothing to draw")))
    odd = Scene(text="<i>x</i>", summary="odd", error="a long reason " * 30,
                grids=[Grid("a", "a", 2, 3, values=[0, 0, 0, 0, 0, 0], shade="signed", show_values=True, flagged=True,
                            labels=["x", "y", "z", "u", "v", "w"], note="a note " * 40),
                       Grid("b", "b", 1, 1), Grid("e", "no cells", 0, 3)],
                links=[Link("a", "b", op="field", rects=[[-9, -9, 9, 9]])], table=[["h"], ["1", "2"]],
                selected=["b", 0])
    png_image(scene_to_png(odd))


# ----------------------------------------------------------------------------- the front end's helpers (Node.js)
def run_node(code: str) -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js not found: the front end's helpers are checked in the browser tests instead")
    script = f"import * as m from {json.dumps(EXPLORER_JS.as_uri())};\n{code}"
    done = subprocess.run([node, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_number_boxes_read_what_students_type():
    typed = ["1e3", "1,000", "1000", " 2.5 ", "-1e-3", ".5", "1,000,000.5", "−4", "abc", "1,00", "1.2.3", "", "1e",
             "0x10", "Infinity"]
    got = json.loads(run_node(f"console.log(JSON.stringify({json.dumps(typed)}.map(m.parseNumber)))"))
    assert got == [1000, 1000, 1000, 2.5, -0.001, 0.5, 1000000.5, -4, None, None, None, None, None, None, None]


def test_the_front_end_sizes_cells_as_the_png_does():
    grids = [Grid("g", "g", rows, cols, show_values=show) for rows, cols in [(1, 1), (3, 5), (28, 28), (10, 40),
                                                                             (300, 2), (150, 150)]
             for show in (False, True)]
    shapes = [{"rows": g.rows, "cols": g.cols, "show_values": g.show_values} for g in grids]
    got = json.loads(run_node(f"console.log(JSON.stringify({json.dumps(shapes)}.map(m.cellSize)))"))
    assert got == pytest.approx([render_png.cell_size(g) for g in grids])


def test_a_window_is_outlined_as_one_block_by_both_renderers():
    cases = [([0, 1, 4, 5], 4, 16), ([5], 4, 16), ([0, 2, 8, 10], 4, 16), ([0, 1, 2, 3, 4], 4, 16), ([], 4, 16),
             ([3, 4], 4, 16), ([14, 15, 18, 19], 4, 16)]
    got = json.loads(run_node(f"console.log(JSON.stringify({json.dumps(cases)}.map(([c, w, n]) => m.blockOf(c, w, n))))"))
    expected = [render_png.block_of(set(cells), cols, count) for cells, cols, count in cases]
    assert [tuple(b) if b else None for b in got] == expected
    assert expected[:3] == [(0, 0, 1, 1), (1, 1, 1, 1), None] and expected[5] is None and expected[6] is None


def test_numbers_are_written_as_the_text_writes_them():
    numbers = [19, -3, 0.1 + 0.2, 1 / 3, 1e21, 2.5, 1000000]
    got = json.loads(run_node(f"console.log(JSON.stringify({json.dumps(numbers)}.map(m.formatNumber)))"))
    assert got == ["19", "-3", "0.3", "0.3333", "1e+21", "2.5", "1000000"]
