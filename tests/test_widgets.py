"""The explorers, driven from Python with no browser; PyTorch is the oracle.

The padding/stride, pooling and receptive-field explorers are swept over every
combination their sliders allow (the full ranges, no reduction: 5,040, 288 and
112 combinations, plus every output cell where the cell matters). Drawing is off
for the sweeps (``draw=False``); separate tests draw every explorer, including the
impossible combinations.
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course_utils.widgets import (
    FeatureMapExplorer,
    LayerFieldExplorer,
    PaddingStrideExplorer,
    ParameterCalculator,
    PoolingExplorer,
    ReceptiveFieldExplorer,
)

ROOT = Path(__file__).resolve().parents[1]
PNG = b"\x89PNG"
# float64: oneDNN's float32 convolution builds a new kernel for every new shape (milliseconds each);
# the float64 path is fast for these tiny tensors and exact for the integer sums used here.
ORACLE = torch.float64


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny tensors between Python calls: with two threads, OpenMP's spinning worker fights the main
    thread on a busy 2-core machine and each convolution takes milliseconds instead of microseconds."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _slider_range(explorer, name):
    slider = explorer.sliders[name]
    return range(slider.min, slider.max + 1)


def _torch_shape(fn):
    """Output (h, w) of ``fn()``, or None when PyTorch refuses the combination."""
    try:
        return tuple(fn().shape[-2:])
    except RuntimeError:
        return None


def _bounding_box(grad: torch.Tensor) -> tuple[tuple[int, int], tuple[int, int]]:
    rows = torch.nonzero(grad.abs().sum(dim=1) > 0).flatten()
    cols = torch.nonzero(grad.abs().sum(dim=0) > 0).flatten()
    return (int(rows.min()), int(rows.max())), (int(cols.min()), int(cols.max()))


# ----------------------------------------------------------------------------- 7.3
def test_padding_stride_sweeps_every_slider_combination_against_conv2d():
    explorer = PaddingStrideExplorer(draw=False)
    names = ["input_size", "kernel_size", "padding", "stride", "dilation"]
    ranges = [_slider_range(explorer, name) for name in names]
    assert [len(r) for r in ranges] == [12, 7, 5, 4, 3]
    impossible = 0
    for n, k, p, s, d in itertools.product(*ranges):
        explorer.set(input_size=n, kernel_size=k, padding=p, stride=s, dilation=d, row=0, col=0)
        X = torch.ones(1, 1, n, n, dtype=ORACLE, requires_grad=True)
        K = torch.ones(1, 1, k, k, dtype=ORACLE)
        expected = _torch_shape(lambda: F.conv2d(X, K, padding=p, stride=s, dilation=d))
        if expected is None:
            impossible += 1
            assert explorer.output_shape is None and explorer.message, (n, k, p, s, d)
            assert "Not possible" in explorer.text.value and explorer.message in explorer.text.value
            assert explorer.sliders["row"].disabled
            continue
        assert not explorer.message, (n, k, p, s, d, explorer.message)
        assert explorer.output_shape == expected, (n, k, p, s, d)
        h, w = expected
        assert f"output {h}×{w}" in explorer.text.value
        assert explorer.formula_text.splitlines()[0].endswith(f"= {h}")
        assert explorer.formula_text.splitlines()[0].startswith(f"out_h = ⌊({n} + 2·{p} − {d}·({k} − 1) − 1) / {s}⌋")
        # The highlighted window of the last output cell is exactly what that output reads.
        explorer.set(row=h - 1, col=w - 1)
        assert (explorer.sliders["row"].max, explorer.sliders["col"].max) == (h - 1, w - 1)
        Y = F.conv2d(X, K, padding=p, stride=s, dilation=d)
        (grad,) = torch.autograd.grad(Y[0, 0, h - 1, w - 1], X)
        inside_rows = [r for r in explorer.window_rows if 0 <= r < n]
        inside_cols = [c for c in explorer.window_cols if 0 <= c < n]
        read = torch.nonzero(grad[0, 0]).tolist()
        assert sorted(read) == sorted([r, c] for r in inside_rows for c in inside_cols), (n, k, p, s, d)
    assert 0 < impossible < 5040


def test_padding_stride_default_text_matches_the_book_example():
    explorer = PaddingStrideExplorer(draw=False)
    assert explorer.output_shape == (4, 4)
    assert "out_h = ⌊(8 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = 4" in explorer.text.value
    explorer.sliders["padding"].value = 2  # a single slider change recomputes too
    assert explorer.output_shape == (5, 5)


def test_cell_sliders_are_clamped_when_the_output_shrinks():
    explorer = PaddingStrideExplorer(input_size=12, kernel_size=1, padding=0, stride=1, draw=False)
    explorer.set(row=11, col=11)
    explorer.sliders["stride"].value = 4
    assert explorer.output_shape == (3, 3)
    assert explorer.values()["row"] == 2 and explorer.cell == (2, 2)


# ----------------------------------------------------------------------------- 7.5
@pytest.fixture(scope="module")
def image() -> torch.Tensor:
    from course_utils.data_sources import load_sample

    images, _ = load_sample(train=False)
    return images[0].float() / 255


def test_pooling_sweeps_every_slider_combination_against_pytorch(image):
    explorer = PoolingExplorer(image, draw=False)
    ranges = [_slider_range(explorer, name) for name in ("pool_size", "stride", "padding")]
    modes = list(explorer.sliders["mode"].options)
    assert modes == ["max", "avg"]
    X = image[None, None]
    impossible = 0
    for (k, s, p), mode in itertools.product(itertools.product(*ranges), modes):
        explorer.set(pool_size=k, stride=s, padding=p, mode=mode)
        pool = F.max_pool2d if mode == "max" else F.avg_pool2d
        try:
            expected = pool(X, k, stride=s, padding=p)[0, 0]
        except RuntimeError:
            impossible += 1
            assert explorer.pooled is None and explorer.output_shape is None and explorer.message, (k, s, p, mode)
            assert "Not possible" in explorer.text.value
            continue
        assert not explorer.message
        assert explorer.output_shape == tuple(expected.shape)
        torch.testing.assert_close(explorer.pooled, expected)
        h, w = expected.shape
        assert f"{mode} pooling: 28×28 → {h}×{w}" in explorer.text.value
    assert 0 < impossible < len(modes) * 6 * 6 * 4


def test_pooling_explorer_defaults_to_fashion_mnist_test_image_0(image):
    explorer = PoolingExplorer(draw=False)
    torch.testing.assert_close(explorer.X, image)
    assert explorer.output_shape == (14, 14)


# ----------------------------------------------------------------------------- 7.2
def test_receptive_field_sweeps_every_combination_and_cell_against_autograd():
    explorer = ReceptiveFieldExplorer(draw=False)
    ranges = [_slider_range(explorer, name) for name in ("input_size", "kernel1", "kernel2")]
    checked = impossible = 0
    for n, k1, k2 in itertools.product(*ranges):
        explorer.set(input_size=n, kernel1=k1, kernel2=k2, row=0, col=0)
        X = torch.ones(1, 1, n, n, dtype=ORACLE, requires_grad=True)
        K1, K2 = torch.ones(1, 1, k1, k1, dtype=ORACLE), torch.ones(1, 1, k2, k2, dtype=ORACLE)
        expected = _torch_shape(lambda: F.conv2d(F.conv2d(X, K1), K2))
        if expected is None:
            impossible += 1
            assert explorer.output_shape is None and explorer.message and "Not possible" in explorer.text.value
            continue
        assert explorer.output_shape == expected
        hidden = F.conv2d(X, K1)
        Y = F.conv2d(hidden, K2)
        for i, j in itertools.product(range(expected[0]), range(expected[1])):
            explorer.set(row=i, col=j)
            grad_x, grad_hidden = torch.autograd.grad(Y[0, 0, i, j], (X, hidden), retain_graph=True)
            assert explorer.input_region == _bounding_box(grad_x[0, 0]), (n, k1, k2, i, j)
            assert explorer.hidden_region == _bounding_box(grad_hidden[0, 0]), (n, k1, k2, i, j)
            assert f"{explorer.field.size[0]}×{explorer.field.size[1]}" in explorer.text.value
            checked += 1
    assert checked > 500 and impossible > 0


# ----------------------------------------------------------------------------- 7.6
def _lenet_like() -> nn.Sequential:
    """LeNet's layers (D2L 7.6), with positive weights so that no gradient cancels."""
    net = nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(), nn.Linear(400, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10),
    )
    with torch.no_grad():
        for parameter in net.parameters():
            parameter.abs_()
    return net


def test_layer_field_explorer_sweeps_every_layer_and_cell_against_autograd(image):
    net = _lenet_like()
    explorer = LayerFieldExplorer(net, image, draw=False)
    assert [f.name for f in explorer.fields] == ["0", "2", "3", "5"]
    modules = dict(net.named_modules())
    X = image[None, None].clone().requires_grad_(True)
    for layer in _slider_range(explorer, "layer"):
        explorer.set(layer=layer, row=0, col=0)
        captured = []
        handle = modules[explorer.field.name].register_forward_hook(lambda m, i, out: captured.append(out))
        net(X)
        handle.remove()
        out = captured[0]
        assert explorer.output_shape == tuple(out.shape[-2:])
        for i, j in itertools.product(range(out.shape[2]), range(out.shape[3])):
            explorer.set(row=i, col=j)
            (grad,) = torch.autograd.grad(out[0, 0, i, j], X, retain_graph=True)
            assert explorer.clipped_region == _bounding_box(grad[0, 0]), (explorer.field.name, i, j)
    assert "16×16" in explorer.text.value  # the last layer's field (D2L: LeNet's output sees 16x16 pixels)


def test_feature_map_explorer_shows_every_layer_of_lenet(image):
    net = _lenet_like()
    images = torch.stack([image, image.flip(1)])
    explorer = FeatureMapExplorer(net, images, labels=[9, 9], class_names=[str(i) for i in range(10)], draw=False)
    options = [value for _, value in explorer.sliders["layer"].options]
    assert options == ["0", "1", "2", "3", "4", "5"]
    expected = {"0": (6, 28, 28), "1": (6, 28, 28), "2": (6, 14, 14), "3": (16, 10, 10), "4": (16, 10, 10),
                "5": (16, 5, 5)}
    for name, shape in expected.items():
        explorer.set(layer=name, image=1)
        assert explorer.output_shape == shape
        torch.testing.assert_close(explorer.maps, net[: int(name) + 1](explorer.images[1:2])[0])
        assert f"{shape[0]} feature maps of {shape[1]}×{shape[2]}" in explorer.text.value


def test_explorers_on_the_course_lenet(image):
    from course_utils.models import LeNet, init_cnn

    model = LeNet()
    model.apply_init([image[None, None]], init_cnn)
    fields = LayerFieldExplorer(model, image, draw=False)
    assert [f.name for f in fields.fields] == ["net.0", "net.2", "net.3", "net.5"]
    fields.set(layer=3, row=4, col=4)
    assert fields.output_shape == (5, 5) and fields.clipped_region == ((14, 27), (14, 27))
    maps = FeatureMapExplorer(model, image[None, None], draw=False)
    assert [value for _, value in maps.sliders["layer"].options] == [f"net.{i}" for i in range(6)]
    maps.set(layer="net.5")
    assert maps.output_shape == (16, 5, 5)


# ----------------------------------------------------------------------------- 7.1
def test_parameter_calculator_reproduces_the_books_megapixel_example():
    calculator = ParameterCalculator()
    assert calculator.inputs == 10**6
    assert calculator.fc_weights == 10**12
    assert calculator.fc_params == 10**12 + 10**6
    assert calculator.conv_params == 3 * 3 + 1
    assert "1,000,000,000,000" in calculator.text.value
    calculator.set(channels=3, kernel_size=5, out_channels=64)
    assert calculator.conv_params == 64 * 3 * 5 * 5 + 64
    assert calculator.fc_weights == 3 * 10**12


# ----------------------------------------------------------------------------- all
def _all_explorers(image):
    net = _lenet_like()
    return [
        ParameterCalculator(draw=True),
        ReceptiveFieldExplorer(input_size=6, kernel_sizes=(3, 2)),
        PaddingStrideExplorer(input_size=7, kernel_size=3, padding=2, stride=2, dilation=2),
        PoolingExplorer(image),
        FeatureMapExplorer(net, image[None]),
        LayerFieldExplorer(net, image),
    ]


def test_every_explorer_draws_and_shows_a_widget(image):
    for explorer in _all_explorers(image):
        if explorer.draw and not isinstance(explorer, ParameterCalculator):
            assert bytes(explorer.image.value).startswith(PNG), type(explorer).__name__
        bundle = explorer._repr_mimebundle_()
        assert bundle["text/plain"] == explorer.summary()
        assert "application/vnd.jupyter.widget-view+json" in bundle
        assert explorer.widget.children[1] is explorer.text


class _Ipywidgets7Box:
    """What an ipywidgets 7 VBox offers for display: a model id and no ``_repr_mimebundle_``."""

    def __init__(self, box) -> None:
        self.model_id = box.model_id


def test_explorer_display_bundle_with_ipywidgets_7(monkeypatch):
    """Colab keeps its ipywidgets 7.7, whose widgets display only through _ipython_display_:
    the explorer then builds the same view bundle that ipywidgets 8 returns."""
    explorer = PaddingStrideExplorer(draw=False)
    expected = explorer.widget._repr_mimebundle_()
    monkeypatch.setattr(explorer, "widget", _Ipywidgets7Box(explorer.widget))
    bundle = explorer._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == expected["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert view["version_major"] == 2 and bundle["text/plain"] == explorer.summary()


def test_impossible_combinations_draw_a_message_not_a_traceback(image):
    explorer = PaddingStrideExplorer(input_size=3, kernel_size=7, padding=0)
    assert explorer.message and bytes(explorer.image.value).startswith(PNG)
    explorer = PoolingExplorer(image, pool_size=2, padding=3)
    assert "half the pooling window" in explorer.message and bytes(explorer.image.value).startswith(PNG)
    explorer = ReceptiveFieldExplorer(input_size=2, kernel_sizes=(2, 2))
    assert explorer.message.startswith("layer 2") and bytes(explorer.image.value).startswith(PNG)
    assert explorer.summary().startswith("ReceptiveFieldExplorer: layer 2")


def test_set_refuses_unknown_controls():
    with pytest.raises(ValueError, match="unknown control"):
        PaddingStrideExplorer(draw=False).set(kernel=3)


def test_only_the_widgets_module_imports_ipywidgets():
    importers = []
    for path in sorted((ROOT / "course_utils").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name.split(".")[0] == "ipywidgets" for name in names):
                importers.append(path.name)
    assert sorted(set(importers)) == ["widgets.py"]


# ----------------------------------------------------------------------------- faults fixed
def test_parameter_calculator_says_more_when_the_convolution_has_more_parameters():
    calculator = ParameterCalculator(image_side=1, channels=4096, hidden_units=1, out_channels=4096)
    assert calculator.fc_params == 4096 + 1 and calculator.conv_params == 4096 * 4096 * 9 + 4096
    assert round(calculator.conv_params / calculator.fc_params) == 36_856
    text = calculator.text.value
    assert "<b>36,900</b> times more parameters" in text and "fewer" not in text and "e-0" not in text
    assert "4,096 inputs → 1 unit</td>" in text and "1 units" not in text
    calculator.set(channels=1, hidden_units=5, kernel_size=1, out_channels=5)  # 1·1·1·5 + 5 = 5·1·1·1 + 5 = 10
    assert calculator.fc_params == calculator.conv_params == 10
    assert "<b>as many</b> parameters as the fully connected layer" in calculator.text.value
    assert "= 1 input → 5 units" in calculator.text.value
    calculator.set(hidden_units=10**6, image_side=1000, kernel_size=3, out_channels=1)
    assert "<b>100,000,000,000</b> times fewer parameters" in calculator.text.value
    assert "<td>4.0 TB</td>" in calculator.text.value and "<td>40 B</td>" in calculator.text.value


def test_an_explorer_that_draws_nothing_has_no_empty_image_in_its_view(image):
    for calculator in (ParameterCalculator(), ParameterCalculator(draw=True)):
        assert not calculator.draw and calculator.image not in calculator.widget.children
    assert PaddingStrideExplorer(draw=False).image not in PaddingStrideExplorer(draw=False).widget.children
    drawn = PaddingStrideExplorer()
    assert drawn.widget.children[-1] is drawn.image and bytes(drawn.image.value).startswith(PNG)
    with pytest.raises(TypeError, match="draw must be True or False, got 1"):
        PoolingExplorer(image, draw=1)


def test_the_padding_stride_figure_highlights_the_taps_of_the_picked_cell():
    from matplotlib.colors import to_rgba

    from course_utils import plotting

    highlight = np.array(to_rgba(plotting.HIGHLIGHT))
    for n, k, p, s, d, cell in [(8, 3, 1, 2, 1, (3, 2)), (7, 3, 2, 2, 2, (1, 2)), (5, 2, 0, 1, 3, (1, 0))]:
        explorer = PaddingStrideExplorer(n, k, p, s, d, draw=False)
        explorer.set(row=cell[0], col=cell[1])
        figure = plotting.plot_padding_stride(n, k, p, s, d, explorer.output_shape[0], cell=cell)
        colors = np.asarray(figure.axes[0].images[0].get_array())  # (padded, padded, 4)
        rows, cols = np.isclose(colors, highlight).all(axis=-1).nonzero()
        lit = sorted(zip(rows.tolist(), cols.tolist()))
        assert lit == sorted((r + p, c + p) for r in explorer.window_rows for c in explorer.window_cols), (n, k, p, s, d)


def test_feature_maps_offer_only_layers_with_a_map_output(image):
    """GoogleNet's net.b5 and ResNet18's net.last end in Flatten/Linear: they are not offered."""
    from course_utils.models import GoogleNet, ResNet18

    for model, names in [(GoogleNet(), ["net.b1", "net.b2", "net.b3", "net.b4"]),
                         (ResNet18(width=0.25), ["net.b1", "net.b2", "net.b3", "net.b4", "net.b5"])]:
        explorer = FeatureMapExplorer(model, image[None, None], draw=False)
        assert [value for _, value in explorer.sliders["layer"].options] == names, type(model).__name__
        for name in names:  # every offered layer shows its maps
            explorer.set(layer=name)
            assert len(explorer.output_shape) == 3 and explorer.maps.shape == explorer.output_shape
    with pytest.raises(ValueError, match=r"Sequential has no layer whose output is a C x H x W feature map "
                                         r"\(its layers: 0, 1\)"):
        FeatureMapExplorer(nn.Sequential(nn.Flatten(), nn.Linear(784, 10)), image[None, None])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda net, im: FeatureMapExplorer(net, im), ValueError,
         r"images must have shape \(N, 1, H, W\) or \(N, H, W\), got \(28, 28\)"),
        (lambda net, im: FeatureMapExplorer(net, (im * 255).to(torch.uint8)[None]), TypeError,
         r"images has dtype torch.uint8, but the explorers need floating-point pixels: .*\.float\(\) / 255"),
        (lambda net, im: FeatureMapExplorer(net, im.expand(2, 3, 28, 28)), ValueError,
         r"images has 3 channels \(shape \(2, 3, 28, 28\)\), but the explorers draw grey images"),
        (lambda net, im: FeatureMapExplorer(net, im.expand(2, 28, 28), labels=[9]), ValueError,
         r"labels has 1 values but there are 2 images: give one label per image"),
        (lambda net, im: FeatureMapExplorer(net, im[None], labels=[0.5]), TypeError,
         r"labels must be whole class numbers"),
        (lambda net, im: FeatureMapExplorer(net, im.expand(2, 28, 28), labels=[9, 3], class_names=["a"] * 5),
         ValueError, r"label 9 has no name: class_names has 5 names \(labels 0 to 4\)"),
        (lambda net, im: FeatureMapExplorer(net, im[None], class_names=["a"]), ValueError, r"give labels too"),
        (lambda net, im: FeatureMapExplorer(net, torch.zeros(1, 2, 2)), ValueError,
         r"Sequential cannot run on images of shape \(1, 1, 2, 2\)"),
        (lambda net, im: FeatureMapExplorer("LeNet", im[None]), TypeError, r"model must be an nn.Module"),
        (lambda net, im: LayerFieldExplorer(net, im.expand(3, 28, 28)), ValueError,
         r"image has 3 channels \(shape \(3, 28, 28\)\), but the explorers draw grey images of one channel"),
        (lambda net, im: LayerFieldExplorer(net, im.to(torch.int64)), TypeError, r"image has dtype torch.int64"),
        (lambda net, im: LayerFieldExplorer(net, im[None, None]), ValueError,
         r"image must have shape \(1, H, W\) or \(H, W\), got \(1, 1, 28, 28\)"),
        (lambda net, im: PoolingExplorer(im.expand(3, 28, 28)), ValueError, r"image has 3 channels"),
    ],
)
def test_explorers_refuse_bad_images_and_labels_clearly(image, call, error, match):
    with pytest.raises(error, match=match):
        call(_lenet_like(), image)


def test_one_channel_images_are_accepted_with_or_without_the_channel(image):
    net = _lenet_like()
    flat, channel = LayerFieldExplorer(net, image, draw=False), LayerFieldExplorer(net, image[None], draw=False)
    assert torch.equal(flat.X, channel.X) and flat.layer_shapes == channel.layer_shapes
    assert torch.equal(FeatureMapExplorer(net, image[None], draw=False).images,
                       FeatureMapExplorer(net, image[None, None], draw=False).images)
    assert PoolingExplorer(image[None], draw=False).output_shape == (14, 14)


def test_layer_field_explorer_on_batch_norm_in_training_mode(image):
    """A batch of one through BatchNorm1d fails in training mode: the explorer runs in eval mode and
    leaves the model as it was (still training, running statistics untouched)."""
    from course_utils.models import BNLeNet

    model = BNLeNet()
    assert model.training
    explorer = LayerFieldExplorer(model, image, draw=False)
    assert model.training
    assert all(int(m.num_batches_tracked) == 0 for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm))
    assert [f.name for f in explorer.fields] == ["net.0", "net.3", "net.4", "net.7"]
    assert explorer.layer_shapes == [(24, 24), (12, 12), (8, 8), (4, 4)]
    maps = FeatureMapExplorer(model, image[None, None], draw=False)
    assert model.training and maps.output_shape == (6, 24, 24)


class _PoolCall(nn.Module):
    """LeNet's first layers with the pooling written as a call: its field is named after the fx node."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 2, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(2, 2, kernel_size=3)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.conv2(torch.nn.functional.max_pool2d(self.conv1(X), kernel_size=2, stride=2))


def test_layer_field_explorer_with_a_pooling_call_against_autograd(image):
    model = _PoolCall().double()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.abs_()
    explorer = LayerFieldExplorer(model, image, draw=True)
    assert [f.name for f in explorer.fields] == ["conv1", "max_pool2d", "conv2"]
    assert explorer.layer_shapes == [(28, 28), (14, 14), (12, 12)]
    X = image.double()[None, None].clone().requires_grad_(True)
    pooled = F.max_pool2d(model.conv1(X), kernel_size=2, stride=2)
    for i, j in [(0, 0), (5, 9), (13, 13)]:
        explorer.set(layer=1, row=i, col=j)
        assert explorer.output_shape == (14, 14) and bytes(explorer.image.value).startswith(PNG)
        # every input pixel of the field changes the pooled value unless it is not the maximum: compare the
        # field with the union of the windows, the gradient of the sum over the 2x2 pre-pool pixels
        (grad,) = torch.autograd.grad(model.conv1(X)[0, 0, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2].sum(), X)
        assert explorer.clipped_region == _bounding_box(grad[0, 0]), (i, j)
        assert explorer.summary() == "LayerFieldExplorer: layer max_pool2d: output 14×14, receptive field 6×6"
    assert pooled.shape[-2:] == (14, 14)
