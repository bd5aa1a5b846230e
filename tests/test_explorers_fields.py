"""The receptive-field explorers (course_utils.explorers.receptive) against PyTorch.

ReceptiveFieldExplorer: every setting and every output cell against F.conv2d (values, the
cells each cell reads, the field measured as a Jacobian). LayerFieldExplorer: for every
layer of LeNet, AlexNet, VGG, NiN, GoogLeNet, ResNet-18, a ResNeXt model and a branched model
of our own, the field rectangle of sampled cells against the input pixels whose gradient is
not zero, measured on a copy of the model in which no gradient can cancel.
"""

from __future__ import annotations

import copy
import itertools
import json
import random
import time
from collections.abc import Iterator, Mapping

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course_utils.data_sources import load_sample
from course_utils.explorers.receptive import LayerFieldExplorer, ReceptiveFieldExplorer
from course_utils.fields import receptive_fields
from course_utils.models import VGG_ARCHS, BNLeNet, ResNeXtBlock, get_model

ORACLE = torch.float64


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def image() -> torch.Tensor:
    images, _ = load_sample(train=False)
    return images[0].float() / 255


def _bounding_box(mask: torch.Tensor) -> list[int] | None:
    """[top, left, bottom, right] (inclusive) of the True cells of a 2-D mask; None when there are none."""
    rows, cols = mask.nonzero(as_tuple=True)
    if len(rows) == 0:
        return None
    return [int(rows.min()), int(cols.min()), int(rows.max()), int(cols.max())]


def _clipped(rect: list[int], height: int, width: int) -> list[int] | None:
    top, left, bottom, right = max(rect[0], 0), max(rect[1], 0), min(rect[2], height - 1), min(rect[3], width - 1)
    return None if top > bottom or left > right else [top, left, bottom, right]


# ============================================================================ ReceptiveFieldExplorer
def _control(explorer, name: str) -> Mapping:
    return next(c for c in explorer.controls if c["name"] == name)


def _settings(explorer) -> Iterator[tuple[int, int, int, int]]:
    ranges = [range(int(_control(explorer, name)["min"]), int(_control(explorer, name)["max"]) + 1)
              for name in ("input_size", "kernel1", "stride1", "kernel2")]
    return itertools.product(*ranges)


def _span(first: int, last: int) -> str:
    return f"{first}" if first == last else f"{first}–{last}"


def _jacobian_support(f, X: torch.Tensor) -> torch.Tensor:
    """(outputs x inputs) mask of the outputs of ``f`` that depend on each input (ones kernels: nothing cancels)."""
    J = torch.autograd.functional.jacobian(lambda x: f(x).flatten(), X)
    return J.reshape(J.shape[0], -1) != 0


def _check_sum_link(scene, link, source: str, target: str, weights: str) -> None:
    """Each target value is Σ weight[tap]·source[read], as the front end writes it out."""
    src, out, K = scene.grid(source).values, scene.grid(target).values, scene.grid(weights).values
    assert (link.source, link.target, link.weights, link.op) == (source, target, weights, "sum")
    assert len(link.reads) == len(link.taps) == len(out)
    for cell, (reads, taps) in enumerate(zip(link.reads, link.taps, strict=True)):
        assert sum(K[t] * src[r] for r, t in zip(reads, taps, strict=True)) == out[cell], (target, cell)


def test_two_layer_explorer_defaults_are_the_books_figure():
    explorer = ReceptiveFieldExplorer()
    scene = explorer.state
    X = torch.arange(9.0).reshape(1, 1, 3, 3)
    K = torch.tensor([[0.0, 1.0], [2.0, 3.0]]).reshape(1, 1, 2, 2)  # D2L Fig. 7.2.1
    hidden = F.conv2d(X, K)
    assert scene.grid("hidden").values == hidden.flatten().tolist() == [19, 25, 37, 43]
    assert scene.grid("output").values == [F.conv2d(hidden, torch.ones(1, 1, 2, 2)).item()] == [124]
    assert explorer.summary() == "ReceptiveFieldExplorer: output 1×1, receptive field 3×3"
    assert "2 + 2 − 1 = 3" in scene.text and "whole 3×3 input" in scene.text
    assert scene.link("output").reads == [[0, 1, 2, 3]]
    assert scene.sweep == "output" and scene.selected == ["output", 0] and scene.error == ""
    assert explorer.values == {"input_size": 3, "kernel1": 2, "stride1": 1, "kernel2": 2, "row": 0, "col": 0}
    json.dumps(scene.to_dict())  # what the front end receives


@pytest.mark.slow
def test_two_layer_explorer_every_setting_and_cell_against_conv2d():
    explorer = ReceptiveFieldExplorer()
    rng = random.Random(0)
    checked = impossible = 0
    for n, k1, s1, k2 in _settings(explorer):
        explorer.set(input_size=n, kernel1=k1, stride1=s1, kernel2=k2, row=0, col=0)
        scene = explorer.state
        X = torch.arange(n * n, dtype=ORACLE).reshape(1, 1, n, n)
        try:
            hidden = F.conv2d(X, torch.ones(1, 1, k1, k1, dtype=ORACLE), stride=s1)
            F.conv2d(hidden, torch.ones(1, 1, k2, k2, dtype=ORACLE))
        except RuntimeError:
            impossible += 1
            layer = 1 if k1 > n else 2
            assert scene.error.startswith(f"layer {layer}: kernel ") and f"{k1 if layer == 1 else k2}×" in scene.error
            assert "output" not in [g.id for g in scene.grids] and scene.grid("input").rows == n
            assert scene.sweep is None and _control(explorer, "row")["disabled"]
            continue
        assert scene.error == ""
        K1 = torch.tensor(scene.grid("kernel1").values, dtype=ORACLE).reshape(1, 1, k1, k1)
        K2 = torch.tensor(scene.grid("kernel2").values, dtype=ORACLE).reshape(1, 1, k2, k2)
        hidden = F.conv2d(X, K1, stride=s1)
        output = F.conv2d(hidden, K2)
        assert scene.grid("input").values == X.flatten().tolist()
        assert scene.grid("hidden").values == hidden.flatten().tolist()
        assert scene.grid("output").values == output.flatten().tolist()
        _check_sum_link(scene, scene.link("hidden", "input"), "input", "hidden", "kernel1")
        _check_sum_link(scene, scene.link("output", "hidden"), "hidden", "output", "kernel2")
        # what each cell reads is what its value depends on (ones kernels, so no weight is zero)
        ones1, ones2 = torch.ones(1, 1, k1, k1, dtype=ORACLE), torch.ones(1, 1, k2, k2, dtype=ORACLE)
        layer1 = _jacobian_support(lambda x: F.conv2d(x, ones1, stride=s1), X)
        layer2 = _jacobian_support(lambda h: F.conv2d(h, ones2), F.conv2d(X, ones1, stride=s1))
        stack = _jacobian_support(lambda x: F.conv2d(F.conv2d(x, ones1, stride=s1), ones2), X)
        reads1, reads2 = scene.link("hidden", "input").reads, scene.link("output", "hidden").reads
        assert [sorted(r) for r in reads1] == [row.nonzero().flatten().tolist() for row in layer1]
        assert [sorted(r) for r in reads2] == [row.nonzero().flatten().tolist() for row in layer2]
        chained = [sorted({x for h in r for x in reads1[h]}) for r in reads2]
        assert chained == [row.nonzero().flatten().tolist() for row in stack]
        # the input cells no window reads are marked, and only those
        kinds = scene.grid("input").kinds
        assert [kind != "" for kind in kinds] == (~layer1.any(dim=0)).tolist()
        # the text of a cell: its field on the input and the field size with the arithmetic
        o = output.shape[-1]
        i, j = rng.randrange(o), rng.randrange(o)
        explorer.set(row=i, col=j)
        top, left, bottom, right = _bounding_box(stack[i * o + j].reshape(n, n))
        side = k1 + (k2 - 1) * s1
        assert bottom - top + 1 == right - left + 1 == side
        text = explorer.state.text
        where = f"input rows {_span(top, bottom)}, columns {_span(left, right)}"
        assert f"{where}: a receptive field of {side}×{side}" in text
        formula = f"{k1} + {k2} − 1 = {side}" if s1 == 1 else f"{k1} + ({k2} − 1)·{s1} = {side}"
        assert formula in text and f"= {int(output[0, 0, i, j])} reads" in text
        assert explorer.state.selected == ["output", i * o + j]
        assert explorer.summary() == f"ReceptiveFieldExplorer: output {o}×{o}, receptive field {side}×{side}"
        assert ("larger than the" in text) == (side > k1)
        checked += 1
    assert checked > 300 and impossible > 50


def test_two_layer_explorer_keeps_the_cell_inside_the_output():
    explorer = ReceptiveFieldExplorer(input_size=7, kernel1=2, kernel2=2, row=4, col=3)
    assert explorer.values["row"] == 4 and _control(explorer, "row")["max"] == 4
    explorer.set(input_size=4)  # output 2x2: the picked cell comes back to (1, 1)
    assert (explorer.values["row"], explorer.values["col"]) == (1, 1)
    assert explorer.state.selected == ["output", 3]
    explorer.set(kernel2=4)  # hidden 3x3 cannot take a 4x4 kernel
    scene = explorer.state
    assert scene.error == ("layer 2: kernel 4×4 is larger than the 3×3 hidden map (hidden side = "
                           "⌊(4 + 2·0 − 1·(2 − 1) − 1) / 1⌋ + 1 = 3): use a larger input, smaller kernels")
    assert [g.id for g in scene.grids] == ["input", "kernel1", "hidden"] and scene.summary == scene.error
    assert _control(explorer, "row")["note"] == "no output: layer 2 does not fit"
    explorer.set(kernel1=5)
    assert explorer.state.error.startswith("layer 1: kernel 5×5 is larger than the 4×4 input")
    assert [g.id for g in explorer.state.grids] == ["input"]
    explorer.set(kernel1=1, kernel2=1, stride1=1)
    assert "A 1×1 second layer adds nothing" in explorer.state.text


def test_two_layer_explorer_takes_the_old_kernel_sizes_pair():
    explorer = ReceptiveFieldExplorer(input_size=6, kernel_sizes=(3, 2))
    assert (explorer.values["kernel1"], explorer.values["kernel2"]) == (3, 2)
    assert explorer.state.summary == "output 3×3, receptive field 4×4"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"input_size": True}, TypeError, r"input_size must be a whole number, got True"),
        ({"kernel1": 2.5}, TypeError, r"kernel1 must be a whole number, got 2.5"),
        ({"stride1": 0}, ValueError, r"stride1 must be >= 1, got 0"),
        ({"input_size": 11}, ValueError, r"input_size must be between 2 and 10 here, got 11"),
        ({"kernel2": 6}, ValueError, r"kernel2 must be between 1 and 5 here, got 6"),
        ({"row": -1}, ValueError, r"row must be >= 0, got -1"),
        ({"row": 1}, ValueError, r"row must be between 0 and 0 here, got 1 \(the output is a single cell\)"),
        ({"kernel_sizes": "22"}, TypeError, r"kernel_sizes must be a pair \(kernel1, kernel2\), got '22'"),
        ({"kernel_sizes": (3, 2), "kernel1": 3}, ValueError, r"give the kernels once"),
        ({"kernel_sizes": (2, 0)}, ValueError, r"kernel2 must be >= 1, got 0"),
    ],
)
def test_two_layer_explorer_refuses_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        ReceptiveFieldExplorer(**kwargs)


def test_two_layer_explorer_refuses_bad_settings_from_python():
    explorer = ReceptiveFieldExplorer()
    with pytest.raises(ValueError, match=r"unknown control\(s\) \['kernel'\]"):
        explorer.set(kernel=3)
    with pytest.raises(TypeError, match=r"stride1 must be a whole number, got '2'"):
        explorer.set(stride1="2")
    assert explorer.values["stride1"] == 1  # nothing changed


# ============================================================================ LayerFieldExplorer
def _measuring_copy(model: nn.Module) -> nn.Module:
    """A copy of ``model`` in which no gradient cancels or vanishes: float64, evaluation mode, every
    weight positive (each conv/linear an average over its inputs, no bias), batch norm the identity,
    and max pooling replaced by average pooling over the same windows (a max passes the gradient to
    one pixel only). With a positive image every activation is positive, so ReLU passes every gradient."""
    measured = copy.deepcopy(model).to(ORACLE).eval()
    for parent in list(measured.modules()):
        for name, child in parent.named_children():
            if isinstance(child, nn.MaxPool2d):
                assert child.dilation in (1, (1, 1)) and not child.return_indices
                setattr(parent, name, nn.AvgPool2d(child.kernel_size, child.stride, child.padding,
                                                   ceil_mode=child.ceil_mode))
    with torch.no_grad():
        for module in measured.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                module.weight.fill_(1.0 / module.weight[0].numel())
                if module.bias is not None:
                    module.bias.zero_()
            elif isinstance(module, nn.modules.batchnorm._BatchNorm):
                module.reset_running_stats()
                module.weight.fill_(1.0)
                module.bias.zero_()
    return measured


def _sample_cells(h: int, w: int, rng: random.Random) -> list[tuple[int, int]]:
    corners = [(0, 0), (0, w - 1), (h - 1, 0), (h - 1, w - 1), (h // 2, w // 2)]
    return sorted(set(corners + [(rng.randrange(h), rng.randrange(w))]))


def _check_fields_against_gradients(
    explorer: LayerFieldExplorer, model: nn.Module, inputs_of: Mapping[str, str] | None = None
) -> int:
    """For sampled cells of every layer, the rect clipped to the image is the bounding box of the input
    pixels on which the cell (in any channel) depends: those whose gradient is not zero. ``inputs_of``
    names, for a layer written as a call, the module whose input is that layer's output. Returns the
    number of cells checked."""
    inputs_of = dict(inputs_of or {})
    measured = _measuring_copy(model)
    modules = dict(measured.named_modules())
    outputs: dict[str, torch.Tensor] = {}
    handles = []
    for name in explorer.layer_names:
        if name in inputs_of:
            handles.append(modules[inputs_of[name]].register_forward_pre_hook(
                lambda m, args, name=name: outputs.setdefault(name, args[0])))
        else:
            handles.append(modules[name].register_forward_hook(
                lambda m, args, out, name=name: outputs.setdefault(name, out)))
    H, W = explorer.image.shape
    X = (explorer.image.to(ORACLE) + 0.1)[None, None].requires_grad_(True)  # positive pixels
    try:
        measured(X)
    finally:
        for handle in handles:
            handle.remove()
    rng = random.Random(1)
    checked = 0
    for name in explorer.layer_names:
        explorer.set(layer=name, row=0, col=0)
        out, scene = outputs[name], explorer.state
        h, w = out.shape[-2:]
        grid = scene.grid("layer")
        assert (grid.rows, grid.cols) == (h, w), name
        link = scene.link("layer", "image")
        assert link.op == "field" and len(link.rects) == h * w
        for i, j in _sample_cells(h, w, rng):
            # the cell in every channel: a pooling or grouped channel sees only some of the paths
            (grad,) = torch.autograd.grad(out[0, :, i, j].sum(), X, retain_graph=True)
            rect = link.rects[i * w + j]
            assert _bounding_box(grad[0, 0] != 0) == _clipped(rect, H, W), (name, i, j, rect)
            checked += 1
        field_side = link.rects[0][2] - link.rects[0][0] + 1
        assert grid.flagged == (field_side > H or link.rects[0][3] - link.rects[0][1] + 1 > W), name
    return checked


class TwoPaths(nn.Module):
    """A model of our own: a stem, two paths written in ``forward`` (a 5x5 convolution; 3x3 max pooling
    then a 1x1 convolution) concatenated, an optional residual shortcut, an average pooling written as a
    call, a strided convolution and a linear head."""

    def __init__(self, shortcut: bool = True) -> None:
        super().__init__()
        self.stem = nn.Conv2d(1, 4, kernel_size=3, padding=1)
        self.wide = nn.Conv2d(4, 4, kernel_size=5, padding=2)
        self.pool = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.proj = nn.Conv2d(4, 4, kernel_size=1)
        self.shortcut = nn.Conv2d(4, 8, kernel_size=1) if shortcut else None
        self.down = nn.Conv2d(8, 8, kernel_size=3, stride=2, padding=1)
        self.head = nn.Linear(8, 10)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        X = F.relu(self.stem(X))  # N x 4 x H x W
        Y = torch.cat([F.relu(self.wide(X)), self.proj(self.pool(X))], dim=1)  # N x 8 x H x W
        if self.shortcut is not None:
            Y = Y + self.shortcut(X)
        Y = F.avg_pool2d(F.relu(Y), kernel_size=2)  # N x 8 x H/2 x W/2
        Y = self.down(Y)  # N x 8 x H/4 x W/4
        return self.head(Y.mean(dim=(2, 3)))


def _resnext() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.ReLU(),
        ResNeXtBlock(16, groups=4, bot_mul=0.5, use_1x1conv=True, strides=2),
        ResNeXtBlock(16, groups=4, bot_mul=0.5),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10),
    )  # fmt: skip


def test_layer_fields_of_lenet_against_gradients(image):
    model = get_model("lenet")
    explorer = LayerFieldExplorer(model, image)
    assert explorer.layer_names == ["net.0", "net.2", "net.3", "net.5"]
    assert [o[0] for o in _control(explorer, "layer")["options"]] == [
        "net.0 (conv 5×5)", "net.2 (pool 2×2, stride 2)", "net.3 (conv 5×5)", "net.5 (pool 2×2, stride 2)"]
    assert _check_fields_against_gradients(explorer, model) >= 4 * 5
    explorer.set(layer="net.5")
    assert explorer.summary() == "LayerFieldExplorer: layer net.5: output 5×5, receptive field 16×16"  # D2L 7.6


def test_layer_explorer_carries_the_whole_grid_of_the_first_layer(image):
    explorer = LayerFieldExplorer(get_model("lenet"), image)
    scene = explorer.state
    layer, picture = scene.grid("layer"), scene.grid("image")
    assert (layer.rows, layer.cols) == (28, 28) and len(scene.link("layer").rects) == 28 * 28
    assert (picture.rows, picture.cols, picture.shade) == (28, 28, "grey")
    torch.testing.assert_close(torch.tensor(picture.values).reshape(28, 28), image, atol=1e-4, rtol=0)
    assert scene.link("layer").rects[0] == [-2, -2, 2, 2] and scene.link("layer").rects[-1] == [25, 25, 29, 29]
    assert scene.sweep == "layer" and scene.selected == ["layer", 0]
    json.dumps(scene.to_dict())


def test_layer_explorer_text_states_the_numbers_of_the_picked_cell(image):
    explorer = LayerFieldExplorer(get_model("lenet"), image, layer="net.3", row=9, col=0)
    scene = explorer.state
    rect = scene.link("layer").rects[9 * 10 + 0]
    field = next(f for f in receptive_fields(get_model("lenet")) if f.name == "net.3")
    assert rect[2] - rect[0] + 1 == field.size[0] == 14
    text = scene.text
    assert "<b>net.3 (conv 5×5)</b> in LeNet: output 10×10 (16 channels)" in text
    assert f"moves {field.jump[0]} input pixels" in text and "<b>14×14 receptive field</b>" in text
    top, left, bottom, right = _clipped(rect, 28, 28)
    assert f"covers rows {top}–{bottom}, columns {left}–{right} of the image" in text
    assert f"(its full extent: rows {rect[0]}–{rect[2]}, columns −{-rect[1]} to {rect[3]};" in text
    assert scene.selected == ["layer", 90]


def test_layer_explorer_keeps_the_cell_inside_the_layer(image):
    explorer = LayerFieldExplorer(get_model("lenet"), image, row=27, col=20)
    explorer.set(layer="net.5")
    assert (explorer.values["row"], explorer.values["col"]) == (4, 4)
    assert _control(explorer, "row")["max"] == 4
    with pytest.raises(ValueError, match=r"row must be between 0 and 4 here, got 7"):
        explorer.set(row=7)


@pytest.mark.slow
def test_layer_fields_of_googlenet_every_inception_branch_against_gradients(image):
    model = get_model("googlenet", width=0.25)
    explorer = LayerFieldExplorer(model, image, resize=64)
    names = explorer.layer_names
    assert len(names) == 70 and explorer.image.shape == (64, 64)
    labels = dict((value, label) for label, value in _control(explorer, "layer")["options"])
    assert labels["net.b3.0.branch3x3"] == "net.b3.0.branch3x3 (conv 3×3)"
    assert labels["net.b3.0.branch_pool"] == "net.b3.0.branch_pool (pool 3×3)"
    assert labels["net.b1.0"] == "net.b1.0 (conv 7×7, stride 2)"
    assert _check_fields_against_gradients(explorer, model) > 300


def test_layer_fields_of_resnet18_with_its_shortcuts_against_gradients(image):
    model = get_model("resnet18", width=0.25)
    explorer = LayerFieldExplorer(model, image, resize=64)
    assert "net.b3.0.conv3" in explorer.layer_names  # the 1x1 shortcut
    assert _check_fields_against_gradients(explorer, model) > 80
    explorer.set(layer="net.b5.1.conv2")
    assert explorer.state.grid("layer").flagged and "435×435" in explorer.state.text


def test_layer_fields_of_a_resnext_model_against_gradients(image):
    model = _resnext()
    explorer = LayerFieldExplorer(model, image)
    assert explorer.layer_names == ["0", "2.conv1", "2.conv2", "2.conv3", "2.conv4",
                                    "3.conv1", "3.conv2", "3.conv3"]
    assert _check_fields_against_gradients(explorer, model) > 30


def test_layer_fields_of_a_branched_model_of_our_own_against_gradients(image):
    model = TwoPaths()
    explorer = LayerFieldExplorer(model, image)
    assert explorer.layer_names == ["stem", "wide", "pool", "proj", "shortcut", "avg_pool2d", "down"]
    labels = [label for label, _ in _control(explorer, "layer")["options"]]
    assert labels[5] == "avg_pool2d (pool 2×2, stride 2)" and labels[6] == "down (conv 3×3, stride 2)"
    assert _check_fields_against_gradients(explorer, model, inputs_of={"avg_pool2d": "down"}) > 30
    # the branch taken in forward decides the layers
    assert "shortcut" not in LayerFieldExplorer(TwoPaths(shortcut=False), image).layer_names


def test_alexnet_is_resized_and_its_large_fields_are_flagged(image):
    model = get_model("alexnet", width=0.125)
    explorer = LayerFieldExplorer(model, image)
    resized = F.interpolate(image[None, None], size=(65, 65), mode="bilinear", antialias=True, align_corners=False)
    torch.testing.assert_close(explorer.image, resized[0, 0])
    scene = explorer.state
    assert scene.grid("image").rows == 65 and scene.grid("image").note == "resized from 28×28"
    assert "AlexNet needs images of at least 65×65 pixels: the 28×28 image is resized to 65×65." in scene.text
    flagged = []
    for name in explorer.layer_names:
        explorer.set(layer=name)
        if explorer.state.grid("layer").flagged:
            flagged.append(name)
            assert "larger than the 65×65 image" in explorer.state.text
            assert explorer.state.grid("layer").note.endswith("is larger than the 65×65 image")
    assert flagged == ["net.5", "net.6", "net.8", "net.10", "net.12"]  # fields 67, 99, 131, 163, 195
    assert _check_fields_against_gradients(explorer, model) > 25


@pytest.mark.parametrize(("name", "kwargs", "count"), [("vgg", {"arch": VGG_ARCHS["tiny"]}, 13),
                                                       ("nin", {"width": 0.125}, 15)])
def test_vgg_and_nin_fields_against_gradients(image, name, kwargs, count):
    model = get_model(name, **kwargs)
    explorer = LayerFieldExplorer(model, image)
    assert len(explorer.layer_names) == count and min(explorer.image.shape) == model.min_input_size
    assert _check_fields_against_gradients(explorer, model) > count


def test_layer_explorer_runs_a_batch_norm_model_without_changing_it(image):
    model = BNLeNet()
    explorer = LayerFieldExplorer(model, image[None])
    assert model.training and explorer.layer_names == ["net.0", "net.3", "net.4", "net.7"]
    assert all(int(m.num_batches_tracked) == 0 for m in model.modules()
               if isinstance(m, nn.modules.batchnorm._BatchNorm))


class Untraceable(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        if X.sum() > 0:  # a Python branch on a value: torch.fx cannot trace it
            X = -X
        return self.conv(X)


@pytest.mark.parametrize(
    ("model", "picture", "kwargs", "error", "match"),
    [
        ("LeNet", None, {}, TypeError,
         r"model must be an nn.Module \(e.g. LeNet\(\) or a model of your own\), got str"),
        (None, lambda im: im.expand(3, 28, 28), {}, ValueError,
         r"image has 3 channels \(shape \(3, 28, 28\)\), but the explorers draw grey images of one channel"),
        (None, lambda im: (im * 255).to(torch.uint8), {}, TypeError,
         r"image has dtype torch.uint8, but the explorers need floating-point pixels: .*\.float\(\) / 255"),
        (None, lambda im: im[None, None], {}, ValueError,
         r"image must have shape \(1, H, W\) or \(H, W\), got \(1, 1, 28, 28\)"),
        (None, lambda im: "image.png", {}, TypeError, r"image must be a tensor of pixel values, got str"),
        (None, None, {"layer": 2}, TypeError, r"layer must be the name of a layer, e.g. layer='net.5', got 2"),
        (None, None, {"layer": "net.1"}, ValueError, r"layer must be one of \['net.0', 'net.2', 'net.3', 'net.5'\]"),
        (None, None, {"row": 28}, ValueError, r"row must be between 0 and 27 here, got 28"),
        (None, None, {"col": -1}, ValueError, r"col must be >= 0, got -1"),
        (None, None, {"resize": 0}, ValueError, r"resize must be >= 1, got 0"),
        (Untraceable(), None, {}, ValueError,
         r"LayerFieldExplorer cannot follow the layers of Untraceable: receptive_fields could not trace"),
        (nn.Sequential(nn.Conv2d(1, 1, 3), nn.ConvTranspose2d(1, 1, 2)), None, {}, ValueError,
         r"cannot follow the layers of Sequential: receptive_fields does not support ConvTranspose2d \('1'\): "
         r"its output is not a sliding window over its input\. It follows"),
        (nn.Sequential(nn.Flatten(), nn.Linear(784, 10)), None, {}, ValueError,
         r"Sequential has no convolution or pooling layer whose output is a map of the image"),
        (nn.Sequential(nn.Conv2d(3, 4, 3)), None, {}, ValueError,
         r"Sequential cannot run on an input of shape \(1, 1, 28, 28\) .*LayerFieldExplorer runs the model once"),
    ],
)
def test_layer_explorer_refuses_bad_arguments_clearly(image, model, picture, kwargs, error, match):
    model = get_model("lenet") if model is None else model
    with pytest.raises(error, match=match):
        LayerFieldExplorer(model, image if picture is None else picture(image), **kwargs)


def test_layer_explorer_says_when_the_model_was_built_for_another_size(image):
    model = get_model("lenet")
    LayerFieldExplorer(model, image)  # builds the lazy layers for 28x28 images
    built_for = r"this LeNet was built for 28x28 images .*\(resize=SIDE resizes the image first\)"
    with pytest.raises(ValueError, match=built_for):
        LayerFieldExplorer(model, image, resize=32)
    explorer = LayerFieldExplorer(model, image, resize=28)
    assert "resized" not in explorer.state.text


def test_a_module_called_twice_gives_two_layers(image):
    class Twice(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(1, 1, 3)

        def forward(self, X: torch.Tensor) -> torch.Tensor:
            return self.conv(self.conv(X))

    explorer = LayerFieldExplorer(Twice(), image)
    assert explorer.layer_names == ["conv", "conv (call 2)"]
    explorer.set(layer="conv (call 2)")
    assert explorer.state.summary == "layer conv (call 2): output 24×24, receptive field 5×5"


def test_both_explorers_are_quick(image):
    start = time.perf_counter()
    explorer = ReceptiveFieldExplorer()
    for n, k1, s1, k2 in itertools.islice(_settings(explorer), 0, None, 7):
        explorer.set(input_size=n, kernel1=k1, stride1=s1, kernel2=k2)
    fields = LayerFieldExplorer(get_model("googlenet", width=0.25), image, resize=96)
    for name in fields.layer_names:
        fields.set(layer=name)
    assert time.perf_counter() - start < 20


def test_cell_text_is_html_escaped(image):
    class Odd(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.add_module("conv", nn.Conv2d(1, 1, 3))

        def forward(self, X: torch.Tensor) -> torch.Tensor:
            return self.conv(X)

    Odd.__name__ = "Odd<b>"
    text = LayerFieldExplorer(Odd(), image).state.text
    assert "in Odd&lt;b&gt;:" in text and "Odd<b>" not in text


def test_doctests_of_the_receptive_module():
    import doctest

    import course_utils.explorers.receptive as receptive

    result = doctest.testmod(receptive)
    assert result.failed == 0 and result.attempted > 0
