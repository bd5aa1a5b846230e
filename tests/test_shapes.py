"""Shape arithmetic and receptive fields, with PyTorch and gradients as the oracle."""

from __future__ import annotations

import dataclasses
import itertools
import warnings
from collections.abc import Callable

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import example, given, settings
from hypothesis import strategies as st
from torch import nn

from course_utils.fields import overall_receptive_field, receptive_fields
from course_utils.shapes import (
    LayerSpec,
    ReceptiveField,
    conv_formula_text,
    conv_output_shape,
    conv_output_size,
    conv_transpose_formula_text,
    conv_transpose_output_shape,
    dilated_kernel_size,
    pool_formula_text,
    pool_output_shape,
    same_padding,
    to_2tuple,
    transposed_window_taps,
    window_taps,
)

FAST = settings(max_examples=60, deadline=None)


# ---------------------------------------------------------------------------
# to_2tuple and output shapes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, (3, 3)), ((5, 3), (5, 3)), ([2, 1], (2, 1)), (np.int64(4), (4, 4)), (torch.Size([2, 3]), (2, 3))],
)
def test_to_2tuple(value, expected):
    result = to_2tuple(value, "kernel_size")
    assert result == expected
    assert all(type(v) is int for v in result)


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        (True, TypeError, r"stride must be an int or a pair .*got True \(bool\)"),
        (2.0, TypeError, r"got 2\.0 \(float\).*stride=3"),
        ("same", TypeError, r"got 'same' \(str\)"),
        ((1, 2, 3), ValueError, r"got \(1, 2, 3\) with 3 values: give two values"),
        ((1, True), TypeError, r"got \(1, True\)"),
    ],
)
def test_to_2tuple_errors(value, error, match):
    with pytest.raises(error, match=match):
        to_2tuple(value, "stride")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (dict(size=28, kernel_size=5, padding=2), (28, 28)),  # LeNet's first layer
        (dict(size=8, kernel_size=3, padding=1), (8, 8)),  # D2L 7.3.1
        (dict(size=8, kernel_size=(5, 3), padding=(2, 1)), (8, 8)),
        (dict(size=8, kernel_size=3, padding=1, stride=2), (4, 4)),  # D2L 7.3.2
        (dict(size=8, kernel_size=(3, 5), padding=(0, 1), stride=(3, 4)), (2, 2)),
        (dict(size=(224, 224), kernel_size=11, padding=1, stride=4), (54, 54)),  # AlexNet
        (dict(size=7, kernel_size=3, dilation=2), (3, 3)),
        (dict(size=(6, 8), kernel_size=(1, 2)), (6, 7)),  # D2L 7.2.3
    ],
)
def test_conv_output_shape_examples(args, expected):
    assert conv_output_shape(**args) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (dict(size=4, kernel_size=3), (1, 1)),  # D2L 7.5.2: nn.MaxPool2d(3)
        (dict(size=4, kernel_size=3, padding=1, stride=2), (2, 2)),
        (dict(size=4, kernel_size=(2, 3), padding=(0, 1), stride=(2, 3)), (2, 2)),
        (dict(size=28, kernel_size=2, stride=2), (14, 14)),
        (dict(size=5, kernel_size=2, ceil_mode=True), (3, 3)),
        (dict(size=2, kernel_size=3, stride=2, ceil_mode=True), (1, 1)),  # window hangs over the edge
    ],
)
def test_pool_output_shape_examples(args, expected):
    assert pool_output_shape(**args) == expected


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: conv_output_shape(3, kernel_size=5), ValueError,
         r"kernel 5x5 is larger than the input 3x3: add padding or use a smaller kernel"),
        (lambda: conv_output_shape(3, kernel_size=7, padding=1), ValueError,
         r"kernel 7x7 is larger than the padded input 5x5 \(input 3x3, padding 1x1\): add padding"),
        (lambda: conv_output_shape(5, kernel_size=3, dilation=3), ValueError,
         r"kernel 3x3 with dilation 3x3 spans 7x7 and is larger than the input 5x5: .*smaller dilation"),
        (lambda: conv_output_shape((3, 8), kernel_size=(5, 1)), ValueError, r"kernel 5x1 is larger than the input 3x8"),
        (
            lambda: conv_output_shape(8, kernel_size=3, stride=0), ValueError,
            r"stride must be >= 1, got 0: use stride=1"),
        (
            lambda: conv_output_shape(8, kernel_size=3, stride=(1, -2)), ValueError,
            r"stride must be >= 1, got \(1, -2\)"),
        (lambda: conv_output_shape(8, kernel_size=0), ValueError, r"kernel_size must be >= 1, got 0"),
        (
            lambda: conv_output_shape(8, kernel_size=3, dilation=0), ValueError,
            r"dilation must be >= 1, got 0: use dilation=1"),
        (
            lambda: conv_output_shape(8, kernel_size=3, padding=-1), ValueError,
            r"padding must be >= 0, got -1: use padding=0"),
        (lambda: conv_output_shape(0, kernel_size=1), ValueError, r"size must be >= 1, got 0"),
        (lambda: conv_output_shape(True, kernel_size=1), TypeError, r"size must be an int .*got True \(bool\)"),
        (lambda: conv_output_shape(8, kernel_size=3, padding="same"), TypeError, r"padding must be an int .*'same'"),
        (lambda: pool_output_shape(4, kernel_size=3, padding=2), ValueError,
         r"padding 2x2 is more than half the pooling window 3x3: PyTorch allows at most kernel_size // 2 = 1x1"),
        (lambda: pool_output_shape(2, kernel_size=3), ValueError, r"kernel 3x3 is larger than the input 2x2"),
        (lambda: pool_output_shape(4, kernel_size=2, stride=0), ValueError, r"stride must be >= 1, got 0"),
        (
            lambda: pool_output_shape(4, kernel_size=2, ceil_mode=1), TypeError,
            r"ceil_mode must be True or False, got 1"),
    ],
)
def test_shape_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# Property tests: our formula against the shape PyTorch actually produces, and
# PyTorch raising <=> our function raising ValueError.
pairs = st.tuples


@FAST
@given(
    size=pairs(st.integers(1, 12), st.integers(1, 12)),
    kernel=pairs(st.integers(1, 6), st.integers(1, 6)),
    padding=pairs(st.integers(0, 3), st.integers(0, 3)),
    stride=pairs(st.integers(1, 4), st.integers(1, 4)),
    dilation=pairs(st.integers(1, 3), st.integers(1, 3)),
)
def test_conv_output_shape_matches_conv2d(size, kernel, padding, stride, dilation):
    X, K = torch.zeros(1, 1, *size), torch.zeros(1, 1, *kernel)
    try:
        expected = F.conv2d(X, K, padding=padding, stride=stride, dilation=dilation).shape[2:]
    except RuntimeError:
        with pytest.raises(ValueError):
            conv_output_shape(size, kernel, padding, stride, dilation)
    else:
        assert conv_output_shape(size, kernel, padding, stride, dilation) == tuple(expected)


@FAST
@given(
    size=pairs(st.integers(1, 12), st.integers(1, 12)),
    kernel=pairs(st.integers(1, 5), st.integers(1, 5)),
    padding=pairs(st.integers(0, 3), st.integers(0, 3)),
    stride=st.none() | pairs(st.integers(1, 4), st.integers(1, 4)),
    dilation=pairs(st.integers(1, 3), st.integers(1, 3)),
    ceil_mode=st.booleans(),
    avg=st.booleans(),
)
def test_pool_output_shape_matches_pooling(size, kernel, padding, stride, dilation, ceil_mode, avg):
    if avg:  # nn.AvgPool2d has no dilation
        dilation = (1, 1)
        pool = nn.AvgPool2d(kernel, stride=stride, padding=padding, ceil_mode=ceil_mode)
    else:
        pool = nn.MaxPool2d(kernel, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode)
    try:
        expected = pool(torch.zeros(1, 1, *size)).shape[2:]
    except RuntimeError:
        with pytest.raises(ValueError):
            pool_output_shape(size, kernel, padding, stride, dilation, ceil_mode)
    else:
        assert pool_output_shape(size, kernel, padding, stride, dilation, ceil_mode) == tuple(expected)


# ---------------------------------------------------------------------------
# Receptive fields: recurrences
# ---------------------------------------------------------------------------


def test_receptive_fields_of_specs_by_hand():
    layers = [
        LayerSpec("conv", 3, padding=1, name="conv1"),  # r 3, j 1, start 0
        LayerSpec("pool", 2, stride=2, name="pool1"),  # r 4, j 2, start 0.5
        LayerSpec("conv", 3, dilation=2, name="conv2"),  # k_eff 5: r 4 + 4*2 = 12, start 0.5 + 2*2
    ]
    rfs = receptive_fields(layers)
    assert [rf.name for rf in rfs] == ["conv1", "pool1", "conv2"]
    assert [rf.kind for rf in rfs] == ["conv", "pool", "conv"]
    assert [rf.size for rf in rfs] == [(3, 3), (4, 4), (12, 12)]
    assert [rf.jump for rf in rfs] == [(1, 1), (2, 2), (2, 2)]
    assert [rf.start for rf in rfs] == [(0.0, 0.0), (0.5, 0.5), (4.5, 4.5)]
    assert rfs[-1].input_region(1, 2) == ((1, 12), (3, 14))
    assert overall_receptive_field(layers) == ReceptiveField("output", "output", (12, 12), (2, 2), (4.5, 4.5))


def test_layer_spec_normalises_and_validates():
    spec = LayerSpec("conv", 3, stride=(2, 1))
    assert spec.kernel_size == (3, 3) and spec.stride == (2, 1) and spec.padding == (0, 0)
    with pytest.raises(ValueError, match=r"kind must be 'conv' or 'pool', got 'linear'"):
        LayerSpec("linear", 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"stride must be >= 1, got 0"):
        LayerSpec("pool", 2, stride=0)
    with pytest.raises(TypeError, match=r"layers\[1\] must be a LayerSpec, got 3"):
        receptive_fields([LayerSpec("conv", 3), 3])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"list of LayerSpec or an nn.Module, got 'conv' \(str\)"):
        receptive_fields("conv")  # type: ignore[arg-type]


def test_overall_field_without_layers_is_one_pixel():
    assert overall_receptive_field([]).size == (1, 1)
    assert overall_receptive_field(nn.Sequential(nn.Flatten(), nn.LazyLinear(3))).size == (1, 1)


# ---------------------------------------------------------------------------
# Receptive fields: measured on real modules
# ---------------------------------------------------------------------------


def positive_weights(model: nn.Module) -> nn.Module:
    """Weights > 0 and zero bias, so that no gradient vanishes by cancellation; eval mode
    so that batch norm does not mix pixels through the batch statistics."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Conv2d):
                m.weight.fill_(1.0 / m.weight[0].numel())
                if m.bias is not None:
                    m.bias.zero_()
    return model.double().eval()


Pixel = tuple[int, int]
PickPixels = Callable[[str, Pixel], list[Pixel]]


def outputs_of(model: nn.Module, names: list[str], X: torch.Tensor) -> dict[str, torch.Tensor]:
    """Run the model once; return the output of each submodule in ``names`` ("" = the model)."""
    captured: dict[str, torch.Tensor] = {}
    handles = [
        model.get_submodule(name).register_forward_hook(lambda m, i, out, name=name: captured.update({name: out}))
        for name in names
        if name
    ]
    try:
        captured[""] = model(X)
    finally:
        for handle in handles:
            handle.remove()
    return captured


def gradient_support(model: nn.Module, size: Pixel, names: list[str], pick: PickPixels, per_layer: int = 3):
    """For each layer in ``names`` and each output pixel (i, j) that ``pick`` chooses from
    the layer's output size, the input pixels with a nonzero gradient of that output pixel
    (all channels). One forward and one backward pass: image b of the batch serves one
    (layer, pixel) pair, and batch elements do not mix (batch norm in eval mode)."""
    X = (torch.rand(len(names) * per_layer, 1, *size, dtype=torch.float64) + 0.5).requires_grad_()
    outputs = outputs_of(model, names, X)
    chosen, total = {}, X.new_zeros(())
    for n, name in enumerate(names):
        Y = outputs[name]
        if Y.dim() != 4:  # flatten/linear output: not a map
            continue
        chosen[name] = pick(name, (Y.shape[2], Y.shape[3]))
        for k, (i, j) in enumerate(chosen[name]):
            total = total + Y[n * per_layer + k, :, i, j].sum()
    total.backward()
    return {
        name: [((i, j), X.grad[names.index(name) * per_layer + k, 0] != 0) for k, (i, j) in enumerate(pixels)]
        for name, pixels in chosen.items()
    }


def spike_support(model: nn.Module, size: Pixel, names: list[str], pick: PickPixels):
    """Like :func:`gradient_support`, but the input pixels whose value changes the output
    pixel: exact also through max pooling, where gradients reach only the maxima.

    One batch: image k is all zeros except pixel k, set to 1. With positive weights
    every value stays >= 0, so output pixel (i, j) is > 0 exactly where it depends on k.
    """
    X = torch.eye(size[0] * size[1], dtype=torch.float64).reshape(-1, 1, *size)
    with torch.no_grad():
        outputs = outputs_of(model, names, X)
    result = {}
    for name in names:
        Y = outputs[name]
        if Y.dim() == 4:
            Y = Y.sum(dim=1)
            result[name] = [((i, j), (Y[:, i, j] > 0).reshape(size)) for i, j in pick(name, (Y.shape[1], Y.shape[2]))]
    return result


def one_pixel(model: nn.Module, name: str, size: Pixel, pixel: Pixel, measure=gradient_support) -> torch.Tensor:
    return measure(model, size, [name], lambda name, out: [pixel])[name][0][1]


def bounding_box(support: torch.Tensor) -> tuple[tuple[int, int], tuple[int, int]]:
    rows = support.any(dim=1).nonzero().flatten()
    cols = support.any(dim=0).nonzero().flatten()
    return (int(rows.min()), int(rows.max())), (int(cols.min()), int(cols.max()))


def interior_pixel(rf: ReceptiveField, size: tuple[int, int], out: tuple[int, int]) -> tuple[int, int]:
    """An output pixel whose field lies inside the image (no clipping by the border)."""
    for i in range(out[0]):
        for j in range(out[1]):
            if rf.input_region(i, j) == rf.input_region(i, j, input_size=size):
                return (i, j)
    raise AssertionError(f"no unclipped output pixel for {rf} on a {size} input")


def within(box, region) -> bool:
    (top, bottom), (left, right) = box
    (r_top, r_bottom), (r_left, r_right) = region
    return r_top <= top <= bottom <= r_bottom and r_left <= left <= right <= r_right


def check_support(support: torch.Tensor, region, interior: bool, dense: bool) -> None:
    """``dense``: the field has no holes, so the measured set is the whole rectangle.
    Otherwise (a dilation or stride skips pixels) the measured set lies inside the
    rectangle and, away from the border, reaches its four edges."""
    (top, bottom), (left, right) = region
    if dense:
        expected = torch.zeros_like(support)
        expected[top:bottom + 1, left:right + 1] = True
        assert torch.equal(support, expected), (region, support.nonzero())
    else:
        assert within(bounding_box(support), region), (region, support.nonzero())
        if interior:
            assert bounding_box(support) == region


def check_fields(model: nn.Module, size: Pixel, measure=gradient_support, dense: bool = True) -> None:
    """Compare every layer's predicted field with the measured one, at an interior pixel
    (field not clipped by the border) and at both corners."""
    rfs = receptive_fields(model)  # before the first forward: Lazy layers not materialised yet
    with torch.no_grad():
        model(torch.zeros(1, 1, *size))
    positive_weights(model)
    assert receptive_fields(model) == rfs  # materialising changes nothing
    by_name = {rf.name: rf for rf in rfs}
    by_name[""] = overall_receptive_field(model)

    def pick(name: str, out: Pixel) -> list[Pixel]:
        return [interior_pixel(by_name[name], size, out), (0, 0), (out[0] - 1, out[1] - 1)]

    measured = measure(model, size, list(by_name), pick)
    assert set(measured) >= {rf.name for rf in rfs}
    for name, pairs in measured.items():
        rf = by_name[name]
        for (i, j), support in pairs:
            interior = (i, j) == pairs[0][0]
            check_support(support, rf.input_region(i, j, input_size=size), interior, dense)


def test_lenet_like_stack():
    net = nn.Sequential(
        nn.LazyConv2d(2, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.LazyConv2d(2, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(), nn.LazyLinear(10),
    )
    rfs = receptive_fields(net)
    assert [rf.name for rf in rfs] == ["0", "2", "3", "5"]
    assert [rf.size for rf in rfs] == [(5, 5), (6, 6), (14, 14), (16, 16)]
    assert overall_receptive_field(net).size == (16, 16)
    net[1], net[4] = nn.Identity(), nn.Identity()  # sigmoid(x) > 0 is fine, but keep it exact
    check_fields(net, (28, 28))


@pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel")
def test_stride_padding_dilation_even_kernels():
    net = nn.Sequential(
        nn.Conv2d(1, 2, kernel_size=(3, 2), stride=(2, 1), padding=(1, 0)),
        nn.ReLU(),
        nn.Conv2d(2, 2, kernel_size=4, padding="same"),  # even kernel: PyTorch pads 1 before, 2 after
        nn.AvgPool2d(kernel_size=(2, 3), stride=(1, 2), padding=(1, 1)),
        nn.Conv2d(2, 2, kernel_size=(3, 3), padding=(2, 1), dilation=(1, 2)),
    )
    check_fields(net, (25, 27), dense=False)  # dilation 2 after a stride leaves holes
    assert receptive_fields(net)[1].start == (1.0, 1.0)  # centre moved by (1.5 - 1) * jump


def test_dilation_after_stride_has_holes_but_the_box_is_right():
    net = nn.Sequential(nn.Conv2d(1, 1, 3, stride=2, padding=1), nn.Conv2d(1, 1, 3, dilation=2))
    positive_weights(net)
    rf = receptive_fields(net)[-1]
    assert rf.size == (11, 11) and rf.jump == (2, 2)
    support = one_pixel(net, "1", (16, 16), (1, 1))
    assert bounding_box(support) == rf.input_region(1, 1)
    assert not support.all()  # rows 5 and 9 are skipped: "size" is the extent of the field


def test_vgg16_features_max_pool_by_spikes():
    cfg = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
    layers: list[nn.Module] = []
    for v in cfg:  # torchvision's vgg16 features, with one channel: the geometry is what counts
        layers += [nn.MaxPool2d(kernel_size=2, stride=2)] if v == "M" else [nn.LazyConv2d(1, 3, padding=1), nn.ReLU()]
    features = nn.Sequential(*layers)
    rfs = receptive_fields(features)
    assert rfs[-1].size == (212, 212) and rfs[-1].jump == (32, 32)  # published value for VGG-16 pool5
    small = nn.Sequential(*layers[:10])  # conv conv pool conv conv pool: measured exactly
    check_fields(small, (20, 20), measure=spike_support)


def test_max_pool_with_padding_by_spikes_and_gradients():
    net = nn.Sequential(nn.LazyConv2d(1, 3), nn.MaxPool2d(3, stride=2, padding=1), nn.LazyConv2d(1, 2))
    check_fields(net, (13, 11), measure=spike_support)
    # gradients through max pooling reach only the maxima: a subset of the field
    positive_weights(net)
    rf = receptive_fields(net)[-1]
    (top, bottom), (left, right) = rf.input_region(2, 2, input_size=(13, 11))
    support = one_pixel(net, "2", (13, 11), (2, 2))
    assert support.any() and not support[:top].any() and not support[bottom + 1:].any()
    assert not support[:, :left].any() and not support[:, right + 1:].any()


class Inception(nn.Module):
    """The book's Inception block (D2L 8.4.1): four branches concatenated on channels."""

    def __init__(self, c1: int, c2: tuple[int, int], c3: tuple[int, int], c4: int) -> None:
        super().__init__()
        self.b1_1 = nn.LazyConv2d(c1, kernel_size=1)
        self.b2_1 = nn.LazyConv2d(c2[0], kernel_size=1)
        self.b2_2 = nn.LazyConv2d(c2[1], kernel_size=3, padding=1)
        self.b3_1 = nn.LazyConv2d(c3[0], kernel_size=1)
        self.b3_2 = nn.LazyConv2d(c3[1], kernel_size=5, padding=2)
        self.b4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.b4_2 = nn.LazyConv2d(c4, kernel_size=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b1 = F.relu(self.b1_1(x))
        b2 = F.relu(self.b2_2(F.relu(self.b2_1(x))))
        b3 = F.relu(self.b3_2(F.relu(self.b3_1(x))))
        b4 = F.relu(self.b4_2(self.b4_1(x)))
        return torch.cat((b1, b2, b3, b4), dim=1)


class BatchNorm(nn.Module):
    """A hand-written batch norm whose forward has data-dependent Python (D2L 8.5.3): fx
    cannot trace it, so the tracer must keep it a leaf."""

    def __init__(self, num_features: int) -> None:
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(1, num_features, 1, 1))
        self.beta = nn.Parameter(torch.zeros(1, num_features, 1, 1))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        if X.dim() != 4:  # data-dependent control flow
            raise ValueError("expected 4-D input")
        return self.gamma * X + self.beta


class Residual(nn.Module):
    """The book's residual block (D2L 8.6.2): two 3x3 convs plus a 1x1 shortcut."""

    def __init__(self, num_channels: int, use_1x1conv: bool = False, strides: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1)
        self.conv3 = nn.LazyConv2d(num_channels, kernel_size=1, stride=strides) if use_1x1conv else None
        self.bn1 = nn.LazyBatchNorm2d()
        self.bn2 = BatchNorm(num_channels)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        identity = X if self.conv3 is None else self.conv3(X)
        Y += identity
        return F.relu(Y)


def test_inception_block_takes_the_largest_branch():
    net = nn.Sequential(nn.LazyConv2d(1, 3, stride=2), Inception(1, (1, 1), (1, 1), 1))
    rfs = receptive_fields(net)
    names = ["0", "1.b1_1", "1.b2_1", "1.b2_2", "1.b3_1", "1.b3_2", "1.b4_1", "1.b4_2"]
    assert [rf.name for rf in rfs] == names
    assert overall_receptive_field(net).size == (3 + 4 * 2, 3 + 4 * 2)  # the 5x5 branch
    check_fields(net, (15, 15), measure=spike_support)


def test_residual_blocks():
    net = nn.Sequential(Residual(2, use_1x1conv=True, strides=2), Residual(2))
    rfs = receptive_fields(net)
    assert [rf.name for rf in rfs] == ["0.conv1", "0.conv2", "0.conv3", "1.conv1", "1.conv2"]
    assert [rf.size for rf in rfs] == [(3, 3), (7, 7), (1, 1), (11, 11), (15, 15)]
    assert overall_receptive_field(net).size == (15, 15)
    check_fields(net, (17, 17))


class Functional(nn.Module):
    """Pooling and convolution written with torch.nn.functional."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(1, 1, 3, 2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.avg_pool2d(x, 2, stride=1, padding=1)
        x = F.conv2d(x, self.weight, padding=(1, 0), dilation=(1, 2))
        return F.max_pool2d(x, kernel_size=3, stride=2)


def test_functional_calls():
    rfs = receptive_fields(Functional())
    assert [(rf.name, rf.kind) for rf in rfs] == [("avg_pool2d", "pool"), ("conv2d", "conv"), ("max_pool2d", "pool")]
    assert [rf.size for rf in rfs] == [(2, 2), (4, 4), (6, 6)]
    model = Functional().double()
    rf = overall_receptive_field(model)
    measured = spike_support(model, (11, 12), [""], lambda name, out: [(0, 0), (1, 2), (3, 3)])
    for (i, j), support in measured[""]:
        assert bounding_box(support) == rf.input_region(i, j, input_size=(11, 12))


class ExplicitPadding(nn.Module):
    """Asymmetric padding with nn.ZeroPad2d and F.pad before convolutions."""

    def __init__(self) -> None:
        super().__init__()
        self.pad = nn.ZeroPad2d((1, 2, 3, 0))  # (left, right, top, bottom)
        self.conv1 = nn.Conv2d(1, 1, 3)
        self.conv2 = nn.Conv2d(1, 1, 2, stride=2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv1(self.pad(x))
        return self.conv2(F.pad(x, (0, 1, 1, 1)))


def test_explicit_padding_shifts_the_field():
    rfs = receptive_fields(ExplicitPadding())
    assert [(rf.name, rf.start) for rf in rfs] == [("conv1", (-2.0, 0.0)), ("conv2", (-2.5, 0.5))]
    check_fields(ExplicitPadding(), (9, 10))


def test_torchvision_resnet18():
    torchvision = pytest.importorskip("torchvision")
    model = torchvision.models.resnet18(weights=None)
    rfs = receptive_fields(model)
    assert rfs[0].name == "conv1" and rfs[1].name == "maxpool"
    assert rfs[-1].name == "layer4.1.conv2" and rfs[-1].size == (435, 435) and rfs[-1].jump == (32, 32)
    assert overall_receptive_field(model).size == (435, 435)  # the published value


def test_single_layer_and_model_wrappers():
    assert receptive_fields(nn.MaxPool2d(3, 2)) == [ReceptiveField("", "pool", (3, 3), (2, 2), (1.0, 1.0))]

    class Classifier(nn.Module):  # like course_utils.models.Classifier: self.net
        def __init__(self) -> None:
            super().__init__()
            self.net = nn.Sequential(nn.LazyConv2d(4, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten())

        def forward(self, X: torch.Tensor) -> torch.Tensor:
            return self.net(X.reshape(-1, 1, 8, 8))  # reshape first: the field restarts there

    assert [rf.name for rf in receptive_fields(Classifier())] == ["net.0"]
    assert overall_receptive_field(Classifier()).size == (3, 3)


def test_unsupported_and_untraceable_modules():
    with pytest.raises(ValueError, match=r"does not support ConvTranspose2d \('1'\).*list of LayerSpec"):
        receptive_fields(nn.Sequential(nn.Conv2d(1, 1, 3), nn.ConvTranspose2d(1, 1, 3)))

    class Upsampling(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return F.max_pool2d(F.interpolate(x, scale_factor=2), 2)

    with pytest.raises(ValueError, match=r"does not support interpolate \('interpolate'\)"):
        receptive_fields(Upsampling())

    class DataDependent(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(1, 1, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.conv(x) if x.sum() > 0 else x

    with pytest.raises(ValueError, match=r"could not trace DataDependent with torch.fx .*list of LayerSpec"):
        receptive_fields(DataDependent())


# Random stacks: predicted box == measured box for the first and the last output pixel.
layer_specs = st.builds(
    lambda kind, k, s, d, p: LayerSpec(kind, k, stride=s, padding=min(p, k // 2), dilation=d if kind == "conv" else 1),
    kind=st.sampled_from(["conv", "pool"]),
    k=st.integers(1, 4),
    s=st.integers(1, 2),
    d=st.integers(1, 2),
    p=st.integers(0, 2),
)


def module_of(spec: LayerSpec) -> nn.Module:
    if spec.kind == "conv":
        return nn.Conv2d(1, 1, spec.kernel_size, spec.stride, spec.padding, spec.dilation)
    return nn.AvgPool2d(spec.kernel_size, spec.stride, spec.padding)


def has_holes(specs: list[LayerSpec]) -> bool:
    """A field has holes when the taps of a layer are further apart (dilation x jump)
    than the field of one tap (e.g. a 1x1 conv with stride 2, then a 2x2 conv)."""
    size, jump = 1, 1
    for spec in specs:
        if spec.dilation[0] * jump > size:  # type: ignore[index]
            return True
        size += (spec.dilation[0] * (spec.kernel_size[0] - 1)) * jump  # type: ignore[index]
        jump *= spec.stride[0]  # type: ignore[index]
    return False


@settings(max_examples=30, deadline=None)
@given(specs=st.lists(layer_specs, min_size=1, max_size=4), size=st.integers(6, 16))
@example(  # the last conv's taps at output (0, 0) all fall in its padding: no input pixel reaches it
    specs=[LayerSpec("conv", 1, stride=2), LayerSpec("conv", 2, dilation=2), LayerSpec("conv", 2, padding=1, dilation=2)],
    size=6,
)
def test_random_stacks_against_gradients(specs, size):
    out = size
    for spec in specs:
        try:
            out = conv_output_shape(out, spec.kernel_size, spec.padding, spec.stride, spec.dilation)[0]
        except ValueError:
            return  # the stack does not fit this input: nothing to measure
    net = positive_weights(nn.Sequential(*map(module_of, specs)))
    rf = receptive_fields(net)[-1]
    assert receptive_fields(specs)[-1] == dataclasses.replace(rf, name=str(len(specs) - 1))
    name = str(len(specs) - 1)
    pixels = sorted({(0, 0), (out // 2, out // 2), (out - 1, out - 1)})
    for (i, _), support in gradient_support(net, (size, size), [name], lambda name, shape: pixels)[name]:
        region = rf.input_region(i, i, input_size=size)
        if rf.input_region(i, i) == region:  # not clipped: the measured set is the field
            check_support(support, region, interior=True, dense=not has_holes(specs))
        elif support.any():  # at the border a padded tap may hide pixels of the clipped rectangle
            assert within(bounding_box(support), region)
        else:  # every tap in the padding (a dilated kernel on a 1x1 map): only zeros reach this output
            assert net(torch.ones(1, 1, size, size, dtype=torch.float64))[0, 0, i, i] == 0


# ---------------------------------------------------------------------------
# One axis: the dilated kernel and the taps of a window (PyTorch as the oracle)
# ---------------------------------------------------------------------------


def test_doctests_of_shapes_and_fields():
    import doctest

    import course_utils.fields as fields_module
    import course_utils.shapes as shapes_module

    for module in (shapes_module, fields_module):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__


def test_shapes_is_pure_arithmetic_and_the_tracer_lives_in_fields():
    import ast
    from pathlib import Path

    import course_utils.fields as fields_module
    import course_utils.shapes as shapes_module

    tree = ast.parse(Path(shapes_module.__file__).read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in imported if name.split(".")[0] == "torch"], imported
    assert not hasattr(shapes_module, "receptive_fields") and not hasattr(shapes_module, "_is_int")
    assert fields_module.receptive_fields is receptive_fields
    assert {"window_taps", "dilated_kernel_size", "conv_formula_text", "pool_formula_text"} <= set(shapes_module.__all__)


@pytest.mark.parametrize(("k", "d"), [(1, 1), (3, 1), (3, 2), (2, 3), (5, 2)])
def test_dilated_kernel_size_is_the_smallest_input_conv2d_accepts(k, d):
    span = dilated_kernel_size(k, d)
    assert span == d * (k - 1) + 1
    K = torch.ones(1, 1, k, k)
    assert F.conv2d(torch.ones(1, 1, span, span), K, dilation=d).shape[-1] == 1
    if span > 1:
        with pytest.raises(RuntimeError):
            F.conv2d(torch.ones(1, 1, span - 1, span - 1), K, dilation=d)


def test_window_taps_are_the_pixels_conv2d_reads():
    """For every output index, the taps inside the image are the input pixels with a nonzero gradient."""
    checked = 0
    for n, k, p, s, d in itertools.product(range(1, 8), range(1, 4), range(3), range(1, 4), range(1, 3)):
        X = torch.ones(1, 1, 1, n, dtype=torch.float64, requires_grad=True)
        try:
            Y = F.conv2d(X, torch.ones(1, 1, 1, k, dtype=torch.float64), padding=(0, p), stride=(1, s), dilation=(1, d))
        except RuntimeError:
            continue
        for i in range(Y.shape[-1]):
            (grad,) = torch.autograd.grad(Y[0, 0, 0, i], X, retain_graph=True)
            taps = window_taps(i, k, padding=p, stride=s, dilation=d)
            assert len(taps) == k
            assert [t for t in taps if 0 <= t < n] == grad[0, 0, 0].nonzero().flatten().tolist(), (n, k, p, s, d, i)
            checked += 1
    assert checked > 1000


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: window_taps(True, 3), TypeError,
         r"index must be a whole number, got True \(bool\)"),
        (lambda: window_taps(0, 0), ValueError, r"kernel_size must be >= 1, got 0"),
        (lambda: window_taps(-1, 3), ValueError, r"index must be >= 0, got -1"),
        (lambda: dilated_kernel_size(3, 0), ValueError,
         r"dilation must be >= 1, got 0"),
        (lambda: dilated_kernel_size(3.0), TypeError,
         r"kernel_size must be a whole number, got 3\.0"),
        (lambda: conv_formula_text(8, 3, stride=0), ValueError,
         r"stride must be >= 1, got 0"),
        (lambda: pool_formula_text(8, True), TypeError,
         r"kernel_size must be a whole number, got True"),
        (lambda: to_2tuple(np.bool_(True), "stride"), TypeError, r"stride must be an int or a pair of ints"),
    ],
)
def test_one_axis_helpers_refuse_bad_values(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_one_axis_helpers_accept_numpy_integers():
    assert window_taps(np.int64(1), np.int32(3), padding=np.int64(1), stride=np.int8(2)) == (1, 2, 3)
    assert conv_formula_text(np.int64(8), np.int64(3), padding=np.int64(1), stride=np.int64(2)).endswith("= 4")


# ---------------------------------------------------------------------------
# fields: branched modules, output shapes, evaluation mode
# ---------------------------------------------------------------------------


def test_overall_field_of_a_branched_module_is_where_the_paths_meet():
    """The 1x1 shortcut runs last, but the output sees the 7x7 field of the two 3x3 convs (measured)."""
    net = Residual(2, use_1x1conv=True, strides=2)
    assert receptive_fields(net)[-1].size == (1, 1)  # conv3, the shortcut, in execution order
    assert overall_receptive_field(net).size == (7, 7)
    net(torch.zeros(1, 1, 15, 15))
    positive_weights(net)
    support = one_pixel(net, "", (15, 15), (3, 3))
    assert bounding_box(support) == overall_receptive_field(net).input_region(3, 3) == ((3, 9), (3, 9))


class MaxPoolCall(nn.Module):
    """A pooling written as a call (no module to hook) between two convolutions; one conv used twice."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 1, 3, padding=1)
        self.bn = nn.BatchNorm2d(1)
        self.head = nn.Linear(1, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(self.bn(self.conv(x)), kernel_size=2)
        x = self.conv(x)
        return self.head(x.mean(dim=(2, 3)))


def test_field_output_shapes_follow_receptive_fields_and_leave_the_mode_alone():
    from course_utils.fields import field_output_shapes

    model = MaxPoolCall()
    rfs = receptive_fields(model)
    assert [rf.name for rf in rfs] == ["conv", "max_pool2d", "conv"]
    shapes = field_output_shapes(model, torch.zeros(1, 1, 10, 12))  # a batch of one through batch norm
    assert shapes == [(1, 1, 10, 12), (1, 1, 5, 6), (1, 1, 5, 6)]
    assert model.training and int(model.bn.num_batches_tracked) == 0  # evaluation mode, restored after
    # PyTorch's own shapes, by running the layers by hand
    with torch.no_grad():
        first = model.conv(torch.zeros(1, 1, 10, 12))
        pooled = F.max_pool2d(first, 2)
        assert shapes == [tuple(first.shape), tuple(pooled.shape), tuple(model.conv(pooled).shape)]
    assert field_output_shapes(nn.MaxPool2d(2), torch.zeros(2, 3, 9, 9)) == [(2, 3, 4, 4)]
    with pytest.raises(ValueError, match=r"MaxPoolCall cannot run on an input of shape \(1, 1, 1, 1\)"):
        field_output_shapes(model, torch.zeros(1, 1, 1, 1))
    with pytest.raises(TypeError, match=r"X must be a torch.Tensor"):
        field_output_shapes(model, [[0.0]])


def test_evaluating_restores_the_mode_even_after_an_error():
    from course_utils.fields import evaluating

    model = nn.Sequential(nn.BatchNorm1d(3))
    with pytest.raises(ZeroDivisionError), evaluating(model):
        assert not model.training and not torch.is_grad_enabled()
        raise ZeroDivisionError
    assert model.training and torch.is_grad_enabled()
    model.eval()
    with evaluating(model):
        pass
    assert not model.training
    with pytest.raises(TypeError, match="model must be an nn.Module, got str"), evaluating("LeNet"):
        pass


# ---------------------------------------------------------------------------
# Padding that differs before and after, "same" padding, transposed convolutions
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("k", "d"), list(itertools.product(range(1, 7), range(1, 4))))
def test_same_padding_is_what_conv2d_same_pads(k, d):
    before, after = same_padding(k, d)
    assert before + after == d * (k - 1) and after - before in (0, 1)
    X = torch.arange(1.0, 1 + 9 * 11, dtype=torch.float64).reshape(1, 1, 9, 11)
    K = torch.arange(1.0, 1 + k * k, dtype=torch.float64).reshape(1, 1, k, k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # even kernels: PyTorch warns that it copies the input
        expected = F.conv2d(X, K, padding="same", dilation=d)
    padded = F.pad(X, (before, after, before, after))
    torch.testing.assert_close(F.conv2d(padded, K, dilation=d), expected, rtol=0, atol=0)
    assert conv_output_size(9, k, padding=(before, after), dilation=d) == 9


def test_conv_output_size_with_padding_before_and_after_matches_pad_then_conv2d():
    checked = 0
    for n, k, before, after, s, d in itertools.product(range(1, 7), range(1, 5), range(3), range(3), range(1, 4),
                                                       range(1, 3)):
        X = torch.zeros(1, 1, 1, n)
        try:
            expected = F.conv2d(F.pad(X, (before, after)), torch.zeros(1, 1, 1, k), stride=s, dilation=d).shape[-1]
        except RuntimeError:
            with pytest.raises(ValueError, match=r"is larger than the (padded )?input"):
                conv_output_size(n, k, padding=(before, after), stride=s, dilation=d)
            assert conv_formula_text(n, k, padding=(before, after), stride=s, dilation=d).endswith("no window fits")
        else:
            assert conv_output_size(n, k, padding=(before, after), stride=s, dilation=d) == expected
            text = conv_formula_text(n, k, padding=(before, after), stride=s, dilation=d)
            assert text.startswith(f"out_h = ⌊({n} + {before} + {after} − {d}·({k} − 1) − 1) / {s}⌋ + 1")
            assert text.endswith(f"= {expected}")
            if before == after:
                assert conv_output_size(n, k, padding=before, stride=s, dilation=d) == expected
                assert (expected, expected) == conv_output_shape(n, k, padding=before, stride=s, dilation=d)
            checked += 1
    assert checked > 500


@FAST
@given(
    size=pairs(st.integers(1, 8), st.integers(1, 8)),
    kernel=pairs(st.integers(1, 5), st.integers(1, 5)),
    padding=pairs(st.integers(0, 4), st.integers(0, 4)),
    stride=pairs(st.integers(1, 4), st.integers(1, 4)),
    dilation=pairs(st.integers(1, 3), st.integers(1, 3)),
    output_padding=pairs(st.integers(0, 3), st.integers(0, 3)),
)
@example(size=(1, 1), kernel=(1, 1), padding=(1, 1), stride=(1, 1), dilation=(1, 1), output_padding=(0, 0))
@example(size=(4, 4), kernel=(3, 3), padding=(0, 0), stride=(2, 2), dilation=(1, 1), output_padding=(2, 1))
@example(size=(1, 1), kernel=(4, 4), padding=(0, 2), stride=(1, 1), dilation=(1, 1), output_padding=(0, 0))
def test_conv_transpose_output_shape_matches_conv_transpose2d(size, kernel, padding, stride, dilation, output_padding):
    X, K = torch.zeros(1, 1, *size), torch.zeros(1, 1, *kernel)
    args = dict(padding=padding, stride=stride, dilation=dilation, output_padding=output_padding)
    texts = [conv_transpose_formula_text(size[a], kernel[a], **{key: value[a] for key, value in args.items()})
             for a in (0, 1)]
    try:
        expected = F.conv_transpose2d(X, K, **args).shape[2:]
    except RuntimeError:
        expected = None
    if expected is None or min(expected) < 1:  # refused, or (in some PyTorch versions) an empty output
        with pytest.raises(ValueError, match=r"output_padding .* must be smaller|use a smaller padding"):
            conv_transpose_output_shape(size, kernel, **args)
        assert any(text.endswith("no output") or "must be < max(stride, dilation)" in text for text in texts)
    else:
        assert conv_transpose_output_shape(size, kernel, **args) == tuple(expected)
        assert [text.rsplit(" = ", 1)[1] for text in texts] == [str(expected[0]), str(expected[1])]


def test_transposed_window_taps_are_what_conv_transpose2d_sums():
    """The Jacobian of the output with respect to the input, with a kernel of distinct weights, names
    both the inputs an output pixel sums and the tap that multiplies each."""
    checked = 0
    for n, k, p, s, d in itertools.product(range(1, 6), range(1, 5), range(3), range(1, 4), range(1, 4)):
        K = torch.arange(1.0, k + 1, dtype=torch.float64).reshape(1, 1, 1, k)  # tap a has weight a + 1
        probes = torch.eye(n, dtype=torch.float64).reshape(n, 1, 1, n)  # one input pixel per image
        try:
            Y = F.conv_transpose2d(probes, K, padding=(0, p), stride=(1, s), dilation=(1, d))[:, 0, 0]  # (n, out)
        except RuntimeError:
            continue
        for index in range(Y.shape[1]):
            measured = tuple((i, int(Y[i, index]) - 1) for i in range(n) if Y[i, index] != 0)
            assert transposed_window_taps(index, n, k, padding=p, stride=s, dilation=d) == measured, (n, k, p, s, d)
            checked += 1
    assert checked > 2000


@pytest.mark.parametrize("ceil_mode", [False, True])
def test_pool_formula_text_with_ceil_mode_agrees_with_max_pool2d(ceil_mode):
    dropped = 0
    for n, k, p, s in itertools.product(range(1, 9), range(1, 5), range(3), range(1, 4)):
        if p > k // 2:
            continue
        text = pool_formula_text(n, k, p, s, ceil_mode=ceil_mode)
        assert text.startswith("out_h = " + ("⌈" if ceil_mode else "⌊"))
        try:
            out = F.max_pool2d(torch.ones(1, 1, n, n), k, stride=s, padding=p, ceil_mode=ceil_mode).shape[-1]
        except RuntimeError:
            assert text.endswith("no window fits"), text
        else:
            assert text.endswith(f"= {out}"), text
            dropped += "would start in the padding" in text
    assert (dropped > 0) == ceil_mode


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: conv_output_size(8, 3, padding=(1, -1)), ValueError, r"padding must be >= 0 on both sides, got \(1, -1\)"),
        (lambda: conv_output_size(8, 3, padding=(1, 2, 3)), TypeError, r"padding must be an int or a pair \(before, after\)"),
        (lambda: conv_output_size(8, 3, padding="same"), TypeError, r"got 'same' \(str\): write e.g. padding=1"),
        (lambda: conv_output_size(3, 3, padding=0, dilation=2), ValueError,
         r"kernel 3 with dilation 2 spans 5 and is larger than the input 3: .*smaller dilation"),
        (lambda: same_padding(0), ValueError, r"kernel_size must be >= 1, got 0"),
        (lambda: transposed_window_taps(0, 0, 3), ValueError, r"size must be >= 1, got 0"),
        (lambda: conv_transpose_output_shape(4, 3, output_padding=-1), ValueError, r"output_padding must be >= 0"),
        (lambda: conv_transpose_output_shape(4, 3, stride=(2, 1), output_padding=(1, 1)), ValueError,
         r"output_padding 1x1 must be smaller than the stride 2x1 or the dilation 1x1 .* = 2x1\): "
         r"use output_padding <= 1x0"),
        (lambda: conv_transpose_output_shape(2, 1, padding=1), ValueError,
         r"the output would be 0x0: input 2x2 with kernel 1x1 reaches 2x2 output pixels and padding 1x1 trims 2x2"),
        (lambda: pool_formula_text(5, 2, ceil_mode=1), TypeError, r"ceil_mode must be True or False, got 1"),
    ],
)
def test_new_helpers_refuse_bad_values(call, error, match):
    with pytest.raises(error, match=match):
        call()
