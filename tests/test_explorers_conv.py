"""The convolution and pooling explorers, driven from Python; PyTorch is the oracle.

For every state of a broad grid of settings: the scene's output shape is the one PyTorch
produces; the cells each output cell reads, and the weight each read is paired with, are
measured from PyTorch's own op (one-hot probes through it, with a kernel of distinct
weights, so an output's response names the input cell and the tap); and the value
recomputed from the scene (sum of weight times input, max, sum / divisor) equals the
scene's output value and PyTorch's. Impossible settings show the reason with the numbers
and raise nothing; bad arguments raise a clear error at the call.
"""

from __future__ import annotations

import functools
import itertools
import math
import random
import re
import warnings

import pytest
import torch
import torch.nn.functional as F

from course_utils.data_sources import load_sample
from course_utils.explorers.convolution import ConvolutionExplorer, example_input, example_weight
from course_utils.explorers.pooling import PoolingExplorer

ORACLE = torch.float64  # exact for the integer sums, and fast for tiny tensors

CONV_CONTROLS = [
    "transposed", "height", "width", "kernel_h", "kernel_w", "padding_mode", "pad_top", "pad_bottom", "pad_left",
    "pad_right", "stride_h", "stride_w", "dilation_h", "dilation_w", "in_channels", "out_channels", "groups",
    "output_padding_h", "output_padding_w", "row", "col",
]
POOL_CONTROLS = ["mode", "pool_h", "pool_w", "stride_h", "stride_w", "pad_h", "pad_w", "ceil_mode",
                 "count_include_pad", "row", "col"]
# (in_channels, out_channels, groups): one channel, several, depthwise, depthwise with a multiplier,
# ResNeXt-style grouped, and a full 8 -> 8
CHANNELS = [(1, 1, 1), (1, 3, 1), (3, 2, 1), (4, 4, 4), (2, 4, 2), (4, 6, 2), (6, 3, 3), (8, 8, 1)]


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


# ----------------------------------------------------------------------------- PyTorch's side
@functools.lru_cache(maxsize=None)
def same_split(kernel: int, dilation: int) -> tuple[int, int]:
    """Padding (before, after) that F.conv2d(padding="same") adds, measured: the split whose explicit
    padding gives the same output on a random input."""
    X = torch.randn(1, 1, 1, 9, dtype=ORACLE)
    K = torch.randn(1, 1, 1, kernel, dtype=ORACLE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # even kernels: PyTorch warns that it copies the input
        expected = F.conv2d(X, K, padding="same", dilation=dilation)
    total = dilation * (kernel - 1)
    (split,) = [(b, total - b) for b in range(total + 1)
                if torch.equal(F.conv2d(F.pad(X, (b, total - b)), K, dilation=dilation), expected)]
    return split


def paddings(v: dict) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) a convolution with these control values pads, as PyTorch does it."""
    if v["padding_mode"] == "valid":
        return (0, 0, 0, 0)
    if v["padding_mode"] == "same":
        return (*same_split(v["kernel_h"], v["dilation_h"]), *same_split(v["kernel_w"], v["dilation_w"]))
    return (v["pad_top"], v["pad_bottom"], v["pad_left"], v["pad_right"])


def torch_op(v: dict, X: torch.Tensor, W: torch.Tensor) -> torch.Tensor:
    """PyTorch's op for these control values, called with PyTorch's own padding arguments."""
    stride, dilation = (v["stride_h"], v["stride_w"]), (v["dilation_h"], v["dilation_w"])
    if v["transposed"]:
        return F.conv_transpose2d(X, W, stride=stride, padding=(v["pad_top"], v["pad_left"]),
                                  output_padding=(v["output_padding_h"], v["output_padding_w"]),
                                  groups=v["groups"], dilation=dilation)
    if v["padding_mode"] != "explicit":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return F.conv2d(X, W, padding=v["padding_mode"], stride=stride, dilation=dilation, groups=v["groups"])
    top, bottom, left, right = paddings(v)
    if (top, left) == (bottom, right):
        return F.conv2d(X, W, padding=(top, left), stride=stride, dilation=dilation, groups=v["groups"])
    return F.conv2d(F.pad(X, (left, right, top, bottom)), W, stride=stride, dilation=dilation, groups=v["groups"])


def probe_weight(v: dict) -> torch.Tensor:
    """Weights whose taps into output channel 0 are 1, 2, 3, ... in the order of the kernel grid
    (input channel of the group, kernel row, kernel column); the other weights random."""
    c_in, c_out, g, kh, kw = v["in_channels"], v["out_channels"], v["groups"], v["kernel_h"], v["kernel_w"]
    per = c_in // g
    distinct = torch.arange(1, per * kh * kw + 1, dtype=ORACLE).reshape(per, kh, kw)
    if v["transposed"]:
        W = torch.rand(c_in, c_out // g, kh, kw, dtype=ORACLE) + 1
        W[:per, 0] = distinct
    else:
        W = torch.rand(c_out, per, kh, kw, dtype=ORACLE) + 1
        W[0] = distinct
    return W


def measured_reads(v: dict, grid_h: int, grid_w: int) -> list[list[tuple[int, int]]]:
    """Per output cell of channel 0: the (input grid cell, kernel grid cell) pairs PyTorch's op multiplies.

    One probe image per cell of the input grid (the group's channels stacked, each padded for a
    convolution): a 1 there and 0 elsewhere. A convolution runs PyTorch's op on the padded probe
    without further padding (which this checks equals PyTorch's own padding); with the distinct
    weights of ``probe_weight`` the response of output (y, x) to probe n is 1 + the kernel cell."""
    c_in, per = v["in_channels"], v["in_channels"] // v["groups"]
    W = probe_weight(v)
    top, bottom, left, right = (0, 0, 0, 0) if v["transposed"] else paddings(v)
    assert grid_h == per * (v["height"] + top + bottom) and grid_w == v["width"] + left + right
    block = grid_h // per
    probes = torch.zeros(grid_h * grid_w, c_in, block, grid_w, dtype=ORACLE)
    for n in range(grid_h * grid_w):
        probes[n, n // (block * grid_w), (n // grid_w) % block, n % grid_w] = 1
    if v["transposed"]:
        Y = torch_op(v, probes, W)[:, 0]
    else:
        X = torch.randn(1, c_in, v["height"], v["width"], dtype=ORACLE)
        explicit = dict(v, padding_mode="explicit", pad_top=0, pad_bottom=0, pad_left=0, pad_right=0)
        padded = F.pad(X, (left, right, top, bottom))
        torch.testing.assert_close(torch_op(explicit, padded, W), torch_op(v, X, W))
        Y = torch_op(explicit, probes, W)[:, 0]
    Y = Y.flatten(1)  # (probe, output cell)
    return [[(int(n), int(Y[n, m]) - 1) for n in torch.nonzero(Y[:, m]).flatten()] for m in range(Y.shape[1])]


def measured_channel_reads(v: dict) -> list[list[int]]:
    """Per output channel, the input channels PyTorch's op reads: a 1x1 kernel of ones on a 1x1
    image, one probe image per input channel."""
    c_in, c_out, g = v["in_channels"], v["out_channels"], v["groups"]
    probes = torch.eye(c_in, dtype=ORACLE).reshape(c_in, c_in, 1, 1)
    if v["transposed"]:
        Y = F.conv_transpose2d(probes, torch.ones(c_in, c_out // g, 1, 1, dtype=ORACLE), groups=g)
    else:
        Y = F.conv2d(probes, torch.ones(c_out, c_in // g, 1, 1, dtype=ORACLE), groups=g)
    return [[c for c in range(c_in) if Y[c, o, 0, 0] != 0] for o in range(c_out)]


def expected_kinds(v: dict, grid_h: int, grid_w: int, reads: set[int]) -> list[str]:
    """The kind of every input grid cell, from the measured reads: padding, read, cut off past the last
    window (convolution only), or unread."""
    per = v["in_channels"] // v["groups"]
    top, _, left, _ = (0, 0, 0, 0) if v["transposed"] else paddings(v)
    block = grid_h // per
    reach_r = max(((n // grid_w) % block for n in reads), default=-1)
    reach_c = max((n % grid_w for n in reads), default=-1)
    kinds = []
    for n in range(grid_h * grid_w):
        r, q = (n // grid_w) % block, n % grid_w
        if not (top <= r < top + v["height"] and left <= q < left + v["width"]):
            kinds.append("pad")
        elif n in reads:
            kinds.append("")
        elif not v["transposed"] and (r > reach_r or q > reach_c):
            kinds.append("dropped")
        else:
            kinds.append("unread")
    return kinds


# ----------------------------------------------------------------------------- the grid of settings
def conv_states(count: int, seed: int) -> list[dict]:
    """Hand-picked settings, then ``count`` drawn at random over every control's range."""
    book = dict(ConvolutionExplorer().values)
    picked = [
        book,  # D2L 7.3: 8x8, 3x3, padding 1, stride 2
        dict(book, kernel_w=5, pad_top=0, pad_bottom=0, pad_left=1, pad_right=1, stride_h=3,
             stride_w=4),  # D2L 7.3.2's second example
        dict(book, padding_mode="same", stride_h=1, stride_w=1, kernel_h=4, kernel_w=2, dilation_w=3),
        dict(book, padding_mode="valid", height=7, width=5, kernel_h=2, stride_h=3, dilation_h=2),
        dict(book, pad_top=0, pad_bottom=4, pad_left=3, pad_right=0, height=5, width=6, stride_h=4, stride_w=3),
        dict(book, in_channels=4, out_channels=4, groups=4, stride_h=1, stride_w=1),  # depthwise
        dict(book, in_channels=8, out_channels=8, groups=2),  # grouped, as in ResNeXt
        dict(book, in_channels=2, out_channels=3, kernel_h=2, kernel_w=2, height=3, width=3, pad_top=0,
             pad_bottom=0, pad_left=0, pad_right=0, stride_h=1, stride_w=1),  # D2L 7.4
        dict(book, transposed=True, height=2, width=2, kernel_h=2, kernel_w=2, pad_top=0, pad_bottom=0,
             pad_left=0, pad_right=0, stride_h=1, stride_w=1),  # D2L 14.10.1
        dict(book, transposed=True, output_padding_h=1, output_padding_w=1, pad_bottom=1, pad_right=1),
        dict(book, transposed=True, dilation_h=3, stride_h=1, output_padding_h=2, pad_top=2, pad_bottom=2),
        dict(book, transposed=True, in_channels=6, out_channels=3, groups=3, kernel_w=1, stride_w=4,
             output_padding_w=3, pad_left=0, pad_right=0),
    ]
    rng = random.Random(seed)
    drawn = []
    while len(drawn) < count:
        v = dict(book, transposed=rng.random() < 0.4, row=0, col=0)
        for name, (low, high) in [("height", (1, 12)), ("width", (1, 12)), ("kernel_h", (1, 7)), ("kernel_w", (1, 7)),
                                  ("pad_top", (0, 4)), ("pad_bottom", (0, 4)), ("pad_left", (0, 4)),
                                  ("pad_right", (0, 4)), ("stride_h", (1, 4)), ("stride_w", (1, 4)),
                                  ("dilation_h", (1, 3)), ("dilation_w", (1, 3)), ("output_padding_h", (0, 3)),
                                  ("output_padding_w", (0, 3))]:
            v[name] = rng.randint(low, high)
        v["in_channels"], v["out_channels"], v["groups"] = rng.choice(CHANNELS)
        if v["transposed"]:
            v["pad_bottom"], v["pad_right"] = v["pad_top"], v["pad_left"]  # the controls' symmetric padding
            for axis in ("h", "w"):  # keep output_padding legal in most draws; impossible ones are tested apart
                limit = max(v[f"stride_{axis}"], v[f"dilation_{axis}"])
                v[f"output_padding_{axis}"] %= limit
        else:
            v["padding_mode"] = rng.choice(["explicit", "explicit", "same", "valid"])
            v["output_padding_h"] = v["output_padding_w"] = 0
            if v["padding_mode"] == "same":
                v["stride_h"] = v["stride_w"] = 1
        drawn.append(v)
    return picked + drawn


def torch_refuses(v: dict) -> bool:
    """PyTorch raises, or gives an empty output (a grouped transposed convolution whose output size is
    below 1 returns an empty tensor where groups=1 raises)."""
    X, W = torch.zeros(1, v["in_channels"], v["height"], v["width"]), probe_weight(v).float()
    try:
        return torch_op(v, X, W).numel() == 0
    except RuntimeError:
        return True


def check_conv_state(explorer: ConvolutionExplorer, v: dict) -> bool:
    """Everything the scene says about one setting, against PyTorch; False when PyTorch refuses it."""
    explorer.set(**v)
    state = explorer.state
    if torch_refuses(v):
        assert state.error and [g.id for g in state.grids] == ["input"] and not state.links, (v, state.error)
        return False
    assert state.error == "", (v, state.error)
    X, W = explorer.tensors()
    X, W = X.to(ORACLE), W.to(ORACLE)
    c_in, c_out, g = v["in_channels"], v["out_channels"], v["groups"]
    assert tuple(X.shape) == (1, c_in, v["height"], v["width"])
    expected_w = (c_in, c_out // g) if v["transposed"] else (c_out, c_in // g)
    assert tuple(W.shape) == (*expected_w, v["kernel_h"], v["kernel_w"])
    Y = torch_op(v, X, W)
    inputs, kernel, output = state.grid("input"), state.grid("kernel"), state.grid("output")

    # shapes
    assert (output.rows, output.cols) == tuple(Y.shape[2:]), v
    assert f"→ output {output.rows}×{output.cols}" in state.text

    # the grids hold the explorer's tensors: group 0's input channels (padded) and output channel 0's weights
    per = c_in // g
    top, bottom, left, right = (0, 0, 0, 0) if v["transposed"] else paddings(v)
    shown = F.pad(X, (left, right, top, bottom))[0, :per]
    assert inputs.values == shown.flatten().tolist()
    assert (inputs.row0, inputs.col0) == (-top, -left)
    slices = W[:per, 0] if v["transposed"] else W[0]
    assert kernel.values == slices.flatten().tolist()
    assert output.values == Y[0, 0].flatten().tolist()

    # reads and taps, measured
    link = state.link("output", "input")
    assert link.op == "sum" and link.weights == "kernel"
    measured = measured_reads(v, inputs.rows, inputs.cols)
    assert len(link.reads) == len(measured) == output.rows * output.cols
    for m, pairs in enumerate(measured):
        scene_pairs = list(zip(link.reads[m], link.taps[m]))
        assert len(set(link.reads[m])) == len(link.reads[m])  # each input cell once
        assert sorted(scene_pairs) == sorted(pairs), (v, m)
        recomputed = math.fsum(kernel.values[t] * inputs.values[r] for r, t in scene_pairs)
        assert recomputed == output.values[m] == float(Y[0, 0].flatten()[m]), (v, m)

    # kinds of the input cells
    read = {cell for pairs in measured for cell, _ in pairs}
    assert inputs.kinds == expected_kinds(v, inputs.rows, inputs.cols, read), v

    # channels: which input channels every output channel reads
    channels = state.link("out_channels", "in_channels")
    assert channels.reads == measured_channel_reads(v)
    weights = c_out * (c_in // g) * v["kernel_h"] * v["kernel_w"]
    assert weights == W.numel()
    assert f"= {weights} " in state.text
    assert ("depthwise" in state.text) == (g == c_in > 1)
    return True


def test_conv_explorer_over_a_grid_of_settings_against_pytorch():
    explorer = ConvolutionExplorer()
    states = conv_states(300, seed=0)
    possible = [check_conv_state(explorer, v) for v in states]
    assert sum(possible) >= 200, sum(possible)  # most of the drawn settings are possible
    kinds = [v["padding_mode"] if not v["transposed"] else "transposed" for v, ok in zip(states, possible) if ok]
    assert {"explicit", "same", "valid", "transposed"} <= set(kinds)


@pytest.mark.slow
def test_conv_explorer_over_a_larger_grid_of_settings_against_pytorch():
    explorer = ConvolutionExplorer()
    possible = [check_conv_state(explorer, v) for v in conv_states(2000, seed=1)[12:]]
    assert sum(possible) >= 1400


def test_the_picked_cell_text_is_the_scene_s_sum():
    explorer = ConvolutionExplorer()
    assert explorer.values == {name: explorer.values[name] for name in CONV_CONTROLS}
    for row, col in [(0, 0), (1, 2), (3, 3)]:
        explorer.set(row=row, col=col)
        state = explorer.state
        link, inputs, kernel = state.link("output"), state.grid("input"), state.grid("kernel")
        m = row * 4 + col
        written = " + ".join(f"{inputs.values[r]:g}·{kernel.values[t]:g}" for r, t in zip(link.reads[m], link.taps[m]))
        assert f"Output cell ({row}, {col})" in state.text
        assert f"{written} = {state.grid('output').values[m]:g}" in state.text
        assert state.selected == ["output", m] and state.sweep == "output"
    explorer.set(in_channels=3, out_channels=3, groups=1, row=0, col=0)
    assert "the sum runs over the channels too" in explorer.state.text
    assert "input channels 0–2" in explorer.state.text


def test_book_examples():
    explorer = ConvolutionExplorer()  # D2L 7.3: 8x8 input, 3x3 kernel, padding 1, stride 2 -> 4x4
    assert (explorer.state.grid("output").rows, explorer.state.grid("output").cols) == (4, 4)
    assert "out_h = ⌊(8 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = 4" in explorer.state.text
    # D2L 7.4.1: two input channels, 2x2 kernels [[0, 1], [2, 3]] and [[1, 2], [3, 4]] give [[56, 72], [104, 120]]
    explorer.set(height=3, width=3, kernel_h=2, kernel_w=2, pad_top=0, pad_bottom=0, pad_left=0, pad_right=0,
                 stride_h=1, stride_w=1, in_channels=2)
    assert explorer.state.grid("kernel").values == [0, 1, 2, 3, 1, 2, 3, 4]
    assert explorer.state.grid("output").values == [56, 72, 104, 120]
    # D2L 14.10.1: a transposed 2x2 kernel [[0, 1], [2, 3]] on [[0, 1], [2, 3]]
    explorer.set(in_channels=1, transposed=True, height=2, width=2)
    assert explorer.state.grid("output").values == [0, 0, 1, 0, 4, 6, 4, 12, 9]
    assert "out_h = (2 − 1)·1 − 2·0 + 1·(2 − 1) + 0 + 1 = 3" in explorer.state.text


def test_padding_controls_say_what_they_do():
    explorer = ConvolutionExplorer(padding_mode="same", stride_h=1, stride_w=1, kernel_h=4)
    controls = {c["name"]: c for c in explorer.controls}
    assert [c["name"] for c in explorer.controls] == CONV_CONTROLS
    assert all(controls[name]["disabled"] for name in ("pad_top", "pad_bottom", "pad_left", "pad_right"))
    assert controls["pad_top"]["note"] == "'same' pads 1 here" and controls["pad_bottom"]["note"] == "'same' pads 2 here"
    assert controls["output_padding_h"]["disabled"]
    explorer.set(padding_mode="explicit", transposed=True, pad_top=2, pad_left=0)
    controls = {c["name"]: c for c in explorer.controls}
    assert not controls["pad_top"]["disabled"] and controls["pad_bottom"]["disabled"]
    assert "symmetric" in controls["pad_bottom"]["note"] and "(2)" in controls["pad_bottom"]["note"]
    assert controls["output_padding_h"]["note"] == "must be < max(stride, dilation) = 1"
    explorer.set(in_channels=4, out_channels=6)
    groups = {c["name"]: c for c in explorer.controls}["groups"]
    assert [option[1] for option in groups["options"]] == [1, 2]
    explorer.set(in_channels=4, out_channels=4)
    groups = {c["name"]: c for c in explorer.controls}["groups"]
    assert groups["options"] == [["1", 1], ["2", 2], ["4 (depthwise)", 4]]


@pytest.mark.parametrize(
    ("values", "numbers"),
    [
        (dict(height=3, kernel_h=5, pad_top=0, pad_bottom=0), ["kernel 5", "input 3"]),
        (dict(height=2, kernel_h=6, stride_h=1), ["kernel 6", "padded input 4", "1 before and 1 after"]),
        (dict(width=5, kernel_w=3, dilation_w=3, pad_left=0, pad_right=0), ["dilation 3 spans 7", "input 5"]),
        (dict(padding_mode="same", stride_h=2, stride_w=1), ["stride is 2×1"]),
        (dict(transposed=True, stride_h=2, output_padding_h=2), ["output_padding 2x0", "max(stride, dilation) = 2x2"]),
        (dict(transposed=True, padding_mode="same"), ["padding='same'"]),
        (dict(transposed=True, height=1, kernel_h=1, pad_top=1, stride_h=1), ["output would be -1x", "padding 1x1"]),
        (dict(in_channels=4, out_channels=6, groups=4), ["groups = 4", "in_channels = 4", "out_channels = 6",
                                                         "6 / 4", "1 or 2"]),
    ],
)
def test_impossible_settings_say_why_with_the_numbers(values, numbers):
    explorer = ConvolutionExplorer()
    explorer.set(**values)
    v = dict(explorer.values)
    state = explorer.state
    assert torch_refuses(v) or (v["transposed"] and v["padding_mode"] != "explicit") or \
        v["in_channels"] % v["groups"] or v["out_channels"] % v["groups"], v
    for number in numbers:
        assert number in state.error, (number, state.error)
    assert [g.id for g in state.grids] == ["input"] and state.links == [] and state.sweep is None
    assert "Not possible" in state.text and state.summary.startswith("not possible")
    controls = {c["name"]: c for c in explorer.controls}
    assert list(controls) == CONV_CONTROLS
    assert controls["row"]["disabled"] and explorer.values["row"] == 0


def test_every_control_stays_reachable_from_an_impossible_setting():
    explorer = ConvolutionExplorer(height=3, kernel_h=7, pad_top=0, pad_bottom=0)
    assert explorer.state.error
    start = dict(explorer.values)
    for control in list(explorer.controls):
        options = ([option[1] for option in control["options"]] if control["kind"] == "choice" else
                   [True, False] if control["kind"] == "toggle" else range(int(control["min"]), int(control["max"]) + 1))
        for value in options:
            explorer.set(**{control["name"]: value})  # never raises
            assert explorer.state.summary
        explorer.set(**start)
    explorer.set(kernel_h=3)
    assert explorer.state.error == "" and explorer.state.grid("output").rows == 1  # ⌊(3 − 3) / 2⌋ + 1


def test_the_picked_cell_follows_the_output():
    explorer = ConvolutionExplorer(row=3, col=2)
    explorer.set(height=4)  # the output shrinks to 2 rows
    assert (explorer.values["row"], explorer.values["col"]) == (1, 2)
    with pytest.raises(ValueError, match=r"row must be between 0 and 1 here, got 2 \(the output has 2 rows\)"):
        explorer.set(row=2)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(height=0), ValueError, r"height must be >= 1, got 0: write e.g. height=8"),
        (dict(height=13), ValueError, r"height must be at most 12 in this explorer, got 13"),
        (dict(kernel_w=2.5), TypeError, r"kernel_w must be a whole number, got 2.5"),
        (dict(transposed="yes"), TypeError, r"transposed must be True or False, got 'yes'"),
        (dict(padding_mode="full"), ValueError, r"padding_mode must be one of 'explicit', 'same', 'valid'"),
        (dict(groups=9), ValueError, r"groups must be at most 8"),
        (dict(row=7), ValueError, r"row must be between 0 and 3 here, got 7"),
        (dict(pad_top=-1), ValueError, r"pad_top must be >= 0"),
    ],
)
def test_bad_constructor_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        ConvolutionExplorer(**kwargs)


def test_bad_values_set_from_python():
    explorer = ConvolutionExplorer()
    with pytest.raises(TypeError, match=r"height must be a whole number, got '8'"):
        explorer.set(height="8")
    with pytest.raises(ValueError, match=r"unknown control\(s\) \['padding'\]"):
        explorer.set(padding=2)
    with pytest.raises(ValueError, match=r"stride_h must be between 1 and 4"):
        explorer.set(stride_h=5)
    assert explorer.values["height"] == 8  # nothing changed


def test_example_tensors_are_the_documented_formulas():
    X = example_input(3, 4, 5)
    c, i, j = torch.meshgrid(torch.arange(3), torch.arange(4), torch.arange(5), indexing="ij")
    assert torch.equal(X[0], ((i * 5 + j + c) % 10).float())
    K = example_weight(2, 3, 4, 5)
    o, c, a, b = torch.meshgrid(torch.arange(2), torch.arange(3), torch.arange(4), torch.arange(5), indexing="ij")
    assert torch.equal(K, ((a * 5 + b + c + o) % 10).float())


def test_conv_scene_is_json_and_has_a_picture_free_summary():
    import json

    explorer = ConvolutionExplorer(in_channels=2, out_channels=4, groups=2, transposed=True)
    json.dumps(explorer.state.to_dict())
    assert explorer.summary().startswith("ConvolutionExplorer: transposed convolution 8×8 → ")
    assert re.search(r"<(script|img)", explorer.state.text) is None


# ----------------------------------------------------------------------------- pooling
def torch_pool(v: dict, X: torch.Tensor) -> torch.Tensor:
    window, stride, padding = (v["pool_h"], v["pool_w"]), (v["stride_h"], v["stride_w"]), (v["pad_h"], v["pad_w"])
    if v["mode"] == "max":
        return F.max_pool2d(X, window, stride=stride, padding=padding, ceil_mode=v["ceil_mode"])
    return F.avg_pool2d(X, window, stride=stride, padding=padding, ceil_mode=v["ceil_mode"],
                        count_include_pad=v["count_include_pad"])


def pool_states(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    picked = [dict(pool_h=2, pool_w=2, stride_h=2, stride_w=2, pad_h=0, pad_w=0),  # D2L 7.5
              dict(pool_h=3, pool_w=3, stride_h=2, stride_w=2, pad_h=1, pad_w=1),  # nn.MaxPool2d(3, 2, 1)
              dict(pool_h=3, pool_w=2, stride_h=3, stride_w=1, pad_h=1, pad_w=0),
              dict(pool_h=2, pool_w=5, stride_h=4, stride_w=3, pad_h=1, pad_w=2)]
    states = []
    for geometry in picked:
        for mode, ceil_mode, count_include_pad in itertools.product(["max", "avg"], [False, True], [False, True]):
            states.append(dict(geometry, mode=mode, ceil_mode=ceil_mode, count_include_pad=count_include_pad))
    while len(states) < len(picked) * 8 + count:
        v = {name: rng.randint(low, high) for name, (low, high) in [
            ("pool_h", (1, 8)), ("pool_w", (1, 8)), ("stride_h", (1, 8)), ("stride_w", (1, 8))]}
        v["pad_h"], v["pad_w"] = rng.randint(0, v["pool_h"] // 2), rng.randint(0, v["pool_w"] // 2)
        v.update(mode=rng.choice(["max", "avg"]), ceil_mode=rng.random() < 0.5, count_include_pad=rng.random() < 0.5)
        states.append(v)
    return states


def check_pool_state(explorer: PoolingExplorer, v: dict) -> None:
    explorer.set(**v, row=0, col=0)
    state = explorer.state
    X = explorer.image[None, None].double()
    assert state.error == "", (v, state.error)
    Y = torch_pool(v, X)[0, 0]
    inputs, output = state.grid("input"), state.grid("output")
    assert (output.rows, output.cols) == tuple(Y.shape)
    assert inputs.shade == output.shade == "grey"
    assert f"→ {output.rows}×{output.cols}" in state.text
    height, width = X.shape[-2:]
    pad_h, pad_w = v["pad_h"], v["pad_w"]
    assert (inputs.rows, inputs.cols, inputs.row0, inputs.col0) == (height + 2 * pad_h, width + 2 * pad_w, -pad_h, -pad_w)
    assert inputs.values == F.pad(X, (pad_w, pad_w, pad_h, pad_h)).flatten().tolist()
    link = state.link("output", "input")
    assert link.op == ("max" if v["mode"] == "max" else "mean")

    # reads, measured on the image: for max pooling a probe that is larger than every pixel shows which
    # outputs read it; for average pooling the gradient of each output with respect to the input
    image_cell = {(r * width + q): (r + pad_h) * inputs.cols + (q + pad_w) for r in range(height) for q in range(width)}
    if v["mode"] == "max":
        probes = X.repeat(height * width, 1, 1, 1).reshape(height * width, 1, height, width).clone()
        probes.view(height * width, -1)[torch.arange(height * width), torch.arange(height * width)] = 1e6
        hit = (torch_pool(v, probes)[:, 0].flatten(1) == 1e6)  # (probe, output cell)
    else:
        X.requires_grad_(True)
        flat = torch_pool(v, X)[0, 0].flatten()
        hit = torch.stack([torch.autograd.grad(flat[m], X, retain_graph=True)[0].flatten() != 0
                           for m in range(flat.numel())], dim=1)
    for m in range(output.rows * output.cols):
        image_reads = sorted(image_cell[n] for n in torch.nonzero(hit[:, m]).flatten().tolist())
        scene_reads = link.reads[m]
        assert sorted(r for r in scene_reads if inputs.kinds[r] != "pad") == image_reads, (v, m)
        values = [inputs.values[r] for r in scene_reads]
        if v["mode"] == "max":
            assert all(inputs.kinds[r] != "pad" for r in scene_reads)
            assert max(values) == output.values[m] == float(Y.flatten()[m]), (v, m)
        else:
            assert link.divisors[m] == len(scene_reads)
            assert len(set(scene_reads)) == len(scene_reads)
            if not v["count_include_pad"]:
                assert all(inputs.kinds[r] != "pad" for r in scene_reads)
            recomputed = math.fsum(values) / link.divisors[m]
            assert math.isclose(recomputed, output.values[m], rel_tol=1e-12, abs_tol=1e-12), (v, m)
            assert math.isclose(recomputed, float(Y.flatten()[m]), rel_tol=1e-12, abs_tol=1e-12), (v, m)
    # kinds
    read = {image_cell[n] for n in torch.nonzero(hit.any(dim=1)).flatten().tolist()}
    reach_r = max(cell // inputs.cols for cell in read)
    reach_c = max(cell % inputs.cols for cell in read)
    for cell, kind in enumerate(inputs.kinds):
        r, q = cell // inputs.cols - pad_h, cell % inputs.cols - pad_w
        if not (0 <= r < height and 0 <= q < width):
            assert kind == "pad"
        elif cell in read:
            assert kind == ""
        else:
            assert kind == ("dropped" if r + pad_h > reach_r or q + pad_w > reach_c else "unread"), (v, cell)


def test_pool_explorer_over_a_grid_of_settings_against_pytorch():
    explorer = PoolingExplorer()
    for v in pool_states(100, seed=0):
        check_pool_state(explorer, v)


@pytest.mark.slow
def test_pool_explorer_over_a_larger_grid_of_settings_against_pytorch():
    explorer = PoolingExplorer(torch.rand(13, 17))
    for v in pool_states(600, seed=1):
        check_pool_state(explorer, v)


def test_pool_explorer_default_image_and_text():
    images, _ = load_sample(train=False)
    explorer = PoolingExplorer()
    assert torch.equal(explorer.image, images[0].float() / 255)
    assert [c["name"] for c in explorer.controls] == POOL_CONTROLS
    state = explorer.state
    assert "out_h = ⌊(28 + 2·0 − 2) / 2⌋ + 1 = 14" in state.text
    assert state.sweep == "output" and state.selected == ["output", 0]
    explorer.set(row=5, col=6)
    state = explorer.state
    value = state.grid("output").values[5 * 14 + 6]
    assert f"rows 10–11, columns 12–13 = {value:.3f}" in state.text
    explorer.set(mode="avg", pool_h=3, pool_w=3, stride_h=2, stride_w=2, pad_h=1, pad_w=1, row=0, col=0)
    assert "5 of them are padding zeros, counted (count_include_pad=True)" in explorer.state.text
    assert "/ 9 = " in explorer.state.text
    explorer.set(count_include_pad=False)
    assert "/ 4 = " in explorer.state.text and "not counted" in explorer.state.text
    controls = {c["name"]: c for c in explorer.controls}
    assert not controls["count_include_pad"]["disabled"]
    explorer.set(mode="max")
    controls = {c["name"]: c for c in explorer.controls}
    assert controls["count_include_pad"]["disabled"] and "average pooling only" in controls["count_include_pad"]["note"]
    assert controls["pad_h"]["note"].endswith("3 // 2 = 1")


def test_pool_ceil_mode_text_and_dropped_window():
    explorer = PoolingExplorer(torch.rand(5, 5), pool_h=3, pool_w=3, stride_h=3, stride_w=3, pad_h=1, pad_w=1,
                               ceil_mode=True)
    assert F.max_pool2d(torch.rand(1, 1, 5, 5), 3, 3, 1, ceil_mode=True).shape[-2:] == (2, 2)
    assert explorer.state.grid("output").rows == 2
    assert "⌈(5 + 2·1 − 3) / 3⌉ + 1 − 1 (the last window would start in the padding) = 2" in explorer.state.text


@pytest.mark.parametrize(
    ("values", "numbers"),
    [
        (dict(pad_h=2), ["padding 2x0", "window 2x2", "kernel_size // 2 = 1x1"]),
        (dict(pool_h=8, stride_h=1, pad_h=0), ["kernel 8x2", "input 5x5"]),
    ],
)
def test_pool_impossible_settings(values, numbers):
    explorer = PoolingExplorer(torch.rand(5, 5))
    explorer.set(**values)
    v = explorer.values
    with pytest.raises(RuntimeError):
        torch_pool(v, torch.rand(1, 1, 5, 5))
    state = explorer.state
    for number in numbers:
        assert number in state.error
    assert [g.id for g in state.grids] == ["input"] and not state.links and "Not possible" in state.text
    controls = {c["name"]: c for c in explorer.controls}
    assert controls["row"]["disabled"]
    for control in explorer.controls:  # everything stays reachable
        if control["kind"] == "int":
            explorer.set(**{control["name"]: int(control["max"])})
            explorer.set(**v)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(image="cat.png"), TypeError, r"image must be a tensor of pixel values, got str"),
        (dict(image=torch.zeros(4, 4, dtype=torch.uint8)), TypeError, r"dtype torch.uint8.*image.float\(\) / 255"),
        (dict(image=torch.zeros(3, 8, 8)), ValueError, r"3 channels .*image.mean\(dim=0, keepdim=True\)"),
        (dict(image=torch.zeros(1, 1, 8, 8)), ValueError, r"shape \(1, H, W\) or \(H, W\), got \(1, 1, 8, 8\)"),
        (dict(image=torch.zeros(100, 8)), ValueError, r"image is 100×8.*at most 64×64"),
        (dict(image=torch.full((4, 4), float("nan"))), ValueError, r"NaN or infinite"),
        (dict(pool_h=0), ValueError, r"pool_h must be >= 1, got 0"),
        (dict(pool_h=9), ValueError, r"pool_h must be at most 8"),
        (dict(mode="mean"), ValueError, r"mode must be one of 'max', 'avg', got 'mean'"),
        (dict(ceil_mode=1), TypeError, r"ceil_mode must be True or False, got 1"),
        (dict(row=20), ValueError, r"row must be between 0 and 13 here, got 20"),
    ],
)
def test_pool_bad_constructor_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        PoolingExplorer(**kwargs)


def test_pool_explorer_takes_a_one_channel_image():
    image = torch.rand(1, 6, 9)
    explorer = PoolingExplorer(image, mode="avg")
    assert torch.equal(explorer.image, image[0])
    assert (explorer.state.grid("output").rows, explorer.state.grid("output").cols) == (3, 4)
    assert explorer.state.grid("output").show_values  # a small image shows its numbers


def test_doctests_of_the_explorers():
    import doctest

    import course_utils.explorers.convolution as convolution
    import course_utils.explorers.pooling as pooling

    for module in (convolution, pooling):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__


def test_the_front_end_sets_values_and_hears_refusals():
    explorer = ConvolutionExplorer()
    sent = []
    explorer.send = sent.append  # what would go to the browser
    explorer._on_front_end_message(explorer, {"type": "set", "values": {"height": 5, "row": 1}, "request": 3}, [])
    assert explorer.answered == 3 and explorer.values["height"] == 5 and explorer.scene["grids"][2]["rows"] == 3
    assert [c["value"] for c in explorer.controls if c["name"] == "height"] == [5]
    explorer._on_front_end_message(explorer, {"type": "set", "values": {"height": 40}, "request": 4}, [])
    assert explorer.answered == 4 and explorer.values["height"] == 5
    assert sent and sent[-1]["type"] == "refused" and "height must be between 1 and 12" in sent[-1]["message"]
    pooling = PoolingExplorer(torch.rand(6, 6))
    pooling._on_front_end_message(pooling, {"type": "set", "values": {"mode": "avg"}, "request": 1}, [])
    assert pooling.answered == 1 and pooling.scene["links"][0]["op"] == "mean"
