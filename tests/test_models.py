"""Tests of the model zoo (``course_utils.models``) and the summaries (``course_utils.summary``).

PyTorch is the oracle where it has the same thing (``nn.BatchNorm2d``/``1d`` for the scratch
batch norm, torchvision's VGG-11), parameter counts are checked against per-layer formulas
written out here, published numbers and torchinfo, and shapes against what the book prints.
Book-size inputs run once per model at batch 2; everything else uses small images.
Big networks that only need counting (VGG-11, ImageNet-size ResNet-18) are built on the
``meta`` device: shapes and parameters without memory or arithmetic.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
from collections.abc import Callable

import numpy as np
import pytest
import torch
import torch.fx
import torch.nn.functional as F
import torchinfo
from torch import nn

from course_utils.models import (
    MODELS,
    RESNET_ARCHS,
    VGG,
    VGG_ARCHS,
    AlexNet,
    BatchNorm,
    BNLeNet,
    BNLeNetScratch,
    Classifier,
    GoogleNet,
    Inception,
    LeNet,
    NiN,
    Residual,
    ResNet,
    ResNet18,
    ResNeXtBlock,
    batch_norm,
    get_model,
    init_cnn,
    nin_block,
    vgg_block,
)
from course_utils.fields import receptive_fields
from course_utils.summary import LayerRow, ModelSummary, layer_summary, model_summary


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[], Classifier]
    book_size: int  # the image size the book trains at
    small_size: int  # a size the course's CPU setting may use
    min_size: int  # the smallest image the model accepts
    lr: float  # the book's learning rate for this model

    @property
    def sizes(self) -> list[int]:
        """Book size and minimum size, plus the small size where the minimum is degenerate (1)."""
        extra = {self.small_size} if self.min_size == 1 else set()
        return sorted({self.book_size, self.min_size} | extra, reverse=True)


CASES = [
    Case("LeNet", LeNet, 28, 28, 12, 0.1),
    Case("AlexNet", AlexNet, 224, 67, 65, 0.01),
    Case("VGG-small", lambda: VGG(VGG_ARCHS["small"]), 224, 64, 32, 0.01),
    Case("NiN", NiN, 224, 67, 67, 0.05),
    Case("GoogleNet", GoogleNet, 96, 32, 1, 0.01),
    Case("BNLeNetScratch", BNLeNetScratch, 28, 28, 16, 0.1),
    Case("BNLeNet", BNLeNet, 28, 28, 16, 0.1),
    Case("ResNet18", ResNet18, 96, 32, 1, 0.01),
]
# Narrower variants (course extensions) at sizes of the CPU setting. They run the same
# classes and code paths as the book's networks at a fraction of the cost, so the tests
# that need no particular width (state_dict, fx tracing, summaries) use them.
NARROW_CASES = [
    Case("AlexNet-w0.25", lambda: AlexNet(width=0.25), 67, 67, 65, 0.01),
    Case("VGG-tiny", lambda: VGG(((1, 8), (1, 16), (2, 32)), num_hiddens=128), 32, 32, 8, 0.01),
    Case("NiN-w0.25", lambda: NiN(width=0.25), 67, 67, 67, 0.05),
    Case("GoogleNet-w0.25", lambda: GoogleNet(width=0.25), 32, 32, 1, 0.01),
    Case("ResNet18-w0.25", lambda: ResNet18(width=0.25), 32, 32, 1, 0.01),
]
ALL_CASES = CASES + NARROW_CASES
CHEAP_CASES = CASES[:1] + CASES[5:7] + NARROW_CASES  # every class, small widths
SIZED = [pytest.param(case, size, id=f"{case.name}-{size}") for case in CASES for size in case.sizes] + [
    pytest.param(case, case.small_size, id=f"{case.name}-{case.small_size}") for case in NARROW_CASES
]


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


def images(size: int, n: int = 2, seed: int = 0) -> torch.Tensor:
    return torch.randn(n, 1, size, size, generator=torch.Generator().manual_seed(seed))


def built(case: Case, size: int, seed: int = 0) -> tuple[Classifier, torch.Tensor]:
    """A model of ``case`` with its lazy layers created (and Xavier-initialised) at ``size``."""
    torch.manual_seed(seed)
    model = case.build()
    X = images(size, seed=seed)
    model.apply_init([X], init_cnn, seed=seed)
    return model, X


def num_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


# ----------------------------------------------------------------------------- every model


@pytest.mark.parametrize(("case", "size"), SIZED)
def test_forward_backward(case: Case, size: int) -> None:
    model, X = built(case, size)
    model.train()
    Y = torch.tensor([0, 1])
    Y_hat = model(X)
    assert Y_hat.shape == (2, 10)
    loss = model.loss(Y_hat, Y)
    assert torch.isfinite(loss)
    loss.backward()
    for name, param in model.named_parameters():
        assert param.grad is not None, f"{case.name}: no gradient for {name}"
        assert torch.isfinite(param.grad).all(), f"{case.name}: non-finite gradient for {name}"


@pytest.mark.parametrize("case", [c for c in ALL_CASES if c.min_size > 1], ids=lambda c: c.name)
def test_too_small_input_is_a_clear_error(case: Case) -> None:
    model = case.build()
    too_small = images(case.min_size - 1)
    with pytest.raises(ValueError, match=rf"at least {case.min_size}x{case.min_size} pixels, got {case.min_size - 1}x"):
        model(too_small)
    # The limit is tight: without the check the layers themselves fail at that size ...
    with pytest.raises(RuntimeError):
        case.build().net(too_small)
    # ... and pass at the minimum (test_forward_backward runs the whole step there).
    assert case.build()(images(case.min_size)).shape == (2, 10)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_input_must_be_an_image_batch(case: Case) -> None:
    with pytest.raises(ValueError, match=r"N x C x H x W, got a tensor of shape \(2, 32, 32\)"):
        case.build()(torch.zeros(2, 32, 32))


@pytest.mark.parametrize("case", CHEAP_CASES, ids=lambda c: c.name)
def test_state_dict_round_trip(case: Case) -> None:
    model, X = built(case, case.small_size, seed=0)
    model.train()
    model(images(case.small_size, n=4, seed=1))  # moves the batch-norm statistics, if any
    fresh, _ = built(case, case.small_size, seed=1)  # other weights, same shapes
    fresh.load_state_dict(model.state_dict())
    model.eval()
    fresh.eval()
    torch.testing.assert_close(fresh(X), model(X), rtol=0, atol=0)


@pytest.mark.parametrize("case", CHEAP_CASES, ids=lambda c: c.name)
def test_fx_trace_and_summary(case: Case) -> None:
    """``shapes.receptive_fields`` traces models with torch.fx; the summary adds up."""
    model, X = built(case, case.small_size)
    model.eval()
    traced = torch.fx.symbolic_trace(model)
    torch.testing.assert_close(traced(X), model(X))
    summary = model_summary(model, (1, 1, case.small_size, case.small_size))
    assert summary.output_shape == (1, 10)
    assert summary.total_params == num_params(model) == sum(row.num_params for row in summary.rows)
    assert summary.total_macs == sum(row.macs for row in summary.rows) > 0
    assert min(summary.receptive_field) >= 1
    assert any(row.receptive_field is not None for row in summary.rows)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_one_sgd_step_lowers_the_loss_on_real_images(case: Case) -> None:
    from course_utils.data_sources import load_sample

    images_uint8, labels = load_sample(train=True)
    X = images_uint8[:16].unsqueeze(1).float() / 255
    if case.small_size != 28:
        X = F.interpolate(X, size=(case.small_size, case.small_size), mode="bilinear", antialias=True)
    Y = labels[:16]
    torch.manual_seed(0)
    model = case.build()
    model.lr = case.lr
    model.apply_init([X], init_cnn)
    model.train()
    optimizer = model.configure_optimizers()
    torch.manual_seed(1)  # the same dropout masks before and after the step
    loss_before = model.loss(model(X), Y)
    optimizer.zero_grad()
    loss_before.backward()
    optimizer.step()
    torch.manual_seed(1)
    with torch.no_grad():
        loss_after = model.loss(model(X), Y)
    assert loss_after < loss_before


# ----------------------------------------------------------------------------- shapes the book prints


def book_lines(layers: list[tuple[str, tuple[int, ...]]]) -> list[str]:
    return [f"{name} output shape:\t {torch.Size(shape)}" for name, shape in layers]


def printed(capsys: pytest.CaptureFixture[str], model: Classifier, X_shape: tuple[int, ...]) -> list[str]:
    model.layer_summary(X_shape)
    return capsys.readouterr().out.splitlines()


def test_layer_summary_lenet_as_printed_in_the_notes(capsys: pytest.CaptureFixture[str]) -> None:
    expected = book_lines([
        ("Conv2d", (1, 6, 28, 28)), ("Sigmoid", (1, 6, 28, 28)), ("AvgPool2d", (1, 6, 14, 14)),
        ("Conv2d", (1, 16, 10, 10)), ("Sigmoid", (1, 16, 10, 10)), ("AvgPool2d", (1, 16, 5, 5)),
        ("Flatten", (1, 400)), ("Linear", (1, 120)), ("Sigmoid", (1, 120)),
        ("Linear", (1, 84)), ("Sigmoid", (1, 84)), ("Linear", (1, 10)),
    ])  # fmt: skip
    assert printed(capsys, LeNet(), (1, 1, 28, 28)) == expected


def test_layer_summary_vgg11_as_printed_in_the_notes(capsys: pytest.CaptureFixture[str]) -> None:
    expected = book_lines([
        ("Sequential", (1, 64, 112, 112)), ("Sequential", (1, 128, 56, 56)),
        ("Sequential", (1, 256, 28, 28)), ("Sequential", (1, 512, 14, 14)),
        ("Sequential", (1, 512, 7, 7)), ("Flatten", (1, 25088)),
        ("Linear", (1, 4096)), ("ReLU", (1, 4096)), ("Dropout", (1, 4096)),
        ("Linear", (1, 4096)), ("ReLU", (1, 4096)), ("Dropout", (1, 4096)),
        ("Linear", (1, 10)),
    ])  # fmt: skip
    with torch.device("meta"):  # VGG-11 has 129M parameters; shapes need none of them
        assert printed(capsys, VGG(arch=VGG_ARCHS["vgg11"]), (1, 1, 224, 224)) == expected


def test_layer_summary_resnet18_as_printed_in_the_notes(capsys: pytest.CaptureFixture[str]) -> None:
    expected = book_lines([
        ("Sequential", (1, 64, 24, 24)), ("Sequential", (1, 64, 24, 24)),
        ("Sequential", (1, 128, 12, 12)), ("Sequential", (1, 256, 6, 6)),
        ("Sequential", (1, 512, 3, 3)), ("Sequential", (1, 10)),
    ])  # fmt: skip
    assert printed(capsys, ResNet18(), (1, 1, 96, 96)) == expected


def test_layer_summary_alexnet_book_shapes(capsys: pytest.CaptureFixture[str]) -> None:
    expected = book_lines([
        ("Conv2d", (1, 96, 54, 54)), ("ReLU", (1, 96, 54, 54)), ("MaxPool2d", (1, 96, 26, 26)),
        ("Conv2d", (1, 256, 26, 26)), ("ReLU", (1, 256, 26, 26)), ("MaxPool2d", (1, 256, 12, 12)),
        ("Conv2d", (1, 384, 12, 12)), ("ReLU", (1, 384, 12, 12)),
        ("Conv2d", (1, 384, 12, 12)), ("ReLU", (1, 384, 12, 12)),
        ("Conv2d", (1, 256, 12, 12)), ("ReLU", (1, 256, 12, 12)), ("MaxPool2d", (1, 256, 5, 5)),
        ("Flatten", (1, 6400)),
        ("Linear", (1, 4096)), ("ReLU", (1, 4096)), ("Dropout", (1, 4096)),
        ("Linear", (1, 4096)), ("ReLU", (1, 4096)), ("Dropout", (1, 4096)),
        ("Linear", (1, 10)),
    ])  # fmt: skip
    with torch.device("meta"):
        assert printed(capsys, AlexNet(), (1, 1, 224, 224)) == expected


def test_layer_summary_nin_book_shapes(capsys: pytest.CaptureFixture[str]) -> None:
    expected = book_lines([
        ("Sequential", (1, 96, 54, 54)), ("MaxPool2d", (1, 96, 26, 26)),
        ("Sequential", (1, 256, 26, 26)), ("MaxPool2d", (1, 256, 12, 12)),
        ("Sequential", (1, 384, 12, 12)), ("MaxPool2d", (1, 384, 5, 5)),
        ("Dropout", (1, 384, 5, 5)), ("Sequential", (1, 10, 5, 5)),
        ("AdaptiveAvgPool2d", (1, 10, 1, 1)), ("Flatten", (1, 10)),
    ])  # fmt: skip
    with torch.device("meta"):
        assert printed(capsys, NiN(), (1, 1, 224, 224)) == expected


def test_layer_summary_googlenet_book_shapes(capsys: pytest.CaptureFixture[str]) -> None:
    expected = book_lines([
        ("Sequential", (1, 64, 24, 24)), ("Sequential", (1, 192, 12, 12)),
        ("Sequential", (1, 480, 6, 6)), ("Sequential", (1, 832, 3, 3)),
        ("Sequential", (1, 1024)), ("Linear", (1, 10)),
    ])  # fmt: skip
    with torch.device("meta"):
        assert printed(capsys, GoogleNet(), (1, 1, 96, 96)) == expected


def test_layer_summary_works_with_batch_norm_at_batch_one(capsys: pytest.CaptureFixture[str]) -> None:
    model = BNLeNet()
    layer_summary(model, (1, 1, 28, 28))  # the book's training-mode pass fails here (1 value per feature)
    assert capsys.readouterr().out.splitlines()[-1] == "Linear output shape:\t torch.Size([1, 10])"
    assert model.training


def test_layer_summary_needs_a_sequential_net() -> None:
    with pytest.raises(TypeError, match="model_summary"):
        layer_summary(Residual(3), (1, 3, 6, 6))


# ----------------------------------------------------------------------------- parameter counts
# Per-layer formulas written out independently of the models' code.


def conv(c_in: int, c_out: int, k: int, groups: int = 1) -> int:
    return c_in // groups * c_out * k * k + c_out  # weights + biases


def linear(n_in: int, n_out: int) -> int:
    return n_in * n_out + n_out


def bn(c: int) -> int:
    return 2 * c  # gamma and beta (running statistics are buffers)


def materialised(build: Callable[[], nn.Module], X_shape: tuple[int, ...]) -> nn.Module:
    """``build()`` on the meta device with its lazy layers created for ``X_shape``."""
    with torch.device("meta"):
        model = build()
        model.eval()(torch.zeros(X_shape))
    return model


def expected_googlenet(c_in: int = 1, classes: int = 10) -> int:
    def inception(c_in: int, c1: int, c2: tuple[int, int], c3: tuple[int, int], c4: int) -> tuple[int, int]:
        count = conv(c_in, c1, 1) + conv(c_in, c2[0], 1) + conv(c2[0], c2[1], 3)
        count += conv(c_in, c3[0], 1) + conv(c3[0], c3[1], 5) + conv(c_in, c4, 1)
        return count, c1 + c2[1] + c3[1] + c4

    total = conv(c_in, 64, 7) + conv(64, 64, 1) + conv(64, 192, 3)
    channels = 192
    for args in [  # D2L 8.4.2 / Szegedy et al. Table 1: 3a, 3b, 4a-4e, 5a, 5b
        (64, (96, 128), (16, 32), 32), (128, (128, 192), (32, 96), 64),
        (192, (96, 208), (16, 48), 64), (160, (112, 224), (24, 64), 64), (128, (128, 256), (24, 64), 64),
        (112, (144, 288), (32, 64), 64), (256, (160, 320), (32, 128), 128),
        (256, (160, 320), (32, 128), 128), (384, (192, 384), (48, 128), 128),
    ]:  # fmt: skip
        count, channels = inception(channels, *args)
        total += count
    return total + linear(channels, classes)


def expected_resnet(arch: tuple[tuple[int, int], ...], c_in: int = 1, classes: int = 10) -> int:
    def residual(c_in: int, c: int, projection: bool) -> int:
        return conv(c_in, c, 3) + bn(c) + conv(c, c, 3) + bn(c) + (conv(c_in, c, 1) if projection else 0)

    channels = arch[0][1]
    total = conv(c_in, channels, 7) + bn(channels)
    for stage, (num_residuals, c) in enumerate(arch):
        for i in range(num_residuals):
            total += residual(channels, c, projection=(i == 0 and stage > 0))
            channels = c
    return total + linear(channels, classes)


EXPECTED_PARAMS = {
    "LeNet": conv(1, 6, 5) + conv(6, 16, 5) + linear(16 * 5 * 5, 120) + linear(120, 84) + linear(84, 10),
    "AlexNet": (
        conv(1, 96, 11) + conv(96, 256, 5) + conv(256, 384, 3) + conv(384, 384, 3) + conv(384, 256, 3)
        + linear(256 * 5 * 5, 4096) + linear(4096, 4096) + linear(4096, 10)
    ),
    "VGG-small": (
        conv(1, 16, 3) + conv(16, 32, 3) + conv(32, 64, 3) + conv(64, 64, 3) + conv(64, 128, 3)
        + 3 * conv(128, 128, 3) + linear(128 * 7 * 7, 4096) + linear(4096, 4096) + linear(4096, 10)
    ),
    "NiN": sum(
        conv(c_in, c, k) + 2 * conv(c, c, 1) for c_in, c, k in [(1, 96, 11), (96, 256, 5), (256, 384, 3), (384, 10, 3)]
    ),
    "GoogleNet": expected_googlenet(),
    "BNLeNetScratch": (
        conv(1, 6, 5) + bn(6) + conv(6, 16, 5) + bn(16) + linear(16 * 4 * 4, 120) + bn(120)
        + linear(120, 84) + bn(84) + linear(84, 10)
    ),
    "ResNet18": expected_resnet(RESNET_ARCHS["resnet18"]),
}  # fmt: skip
EXPECTED_PARAMS["BNLeNet"] = EXPECTED_PARAMS["BNLeNetScratch"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_parameter_count_at_book_size(case: Case) -> None:
    model = materialised(case.build, (1, 1, case.book_size, case.book_size))
    assert num_params(model) == EXPECTED_PARAMS[case.name]


def test_known_parameter_counts() -> None:
    # Worked out by hand once, as a guard on the formulas above.
    assert EXPECTED_PARAMS["LeNet"] == 61_706
    assert EXPECTED_PARAMS["BNLeNet"] == 44_878
    assert EXPECTED_PARAMS["ResNet18"] == 11_178_378


@pytest.mark.parametrize("case", CHEAP_CASES, ids=lambda c: c.name)
def test_parameter_count_matches_torchinfo(case: Case) -> None:
    model, _ = built(case, case.small_size)
    stats = torchinfo.summary(model, input_size=(2, 1, case.small_size, case.small_size), verbose=0)
    assert stats.total_params == num_params(model)


def test_vgg11_matches_torchvision_and_its_published_count() -> None:
    torchvision = pytest.importorskip("torchvision")
    from torchvision.models.vgg import cfgs, make_layers

    ours = materialised(lambda: VGG(VGG_ARCHS["vgg11"], num_classes=1000), (1, 3, 224, 224))
    features = make_layers(cfgs["A"])  # torchvision's VGG-11 convolutions, 3 input channels
    n_convs = sum(num_params(block) for block in ours.net[: len(VGG_ARCHS["vgg11"])])
    assert n_convs == num_params(features) == 9_220_480
    # torchvision's documentation: vgg11 has 132,863,336 parameters (3 x 224 x 224 input, 1000 classes)
    assert num_params(ours) == 132_863_336
    with torch.device("meta"):
        assert num_params(torchvision.models.vgg11()) == 132_863_336


def test_resnet18_differs_from_torchvision_by_known_terms() -> None:
    # torchvision's resnet18 (published: 11,689,512 parameters) has convolutions without
    # bias and batch norm after each 1x1 projection; the book's has biases and no such BN.
    ours = materialised(lambda: ResNet18(num_classes=1000), (1, 3, 224, 224))
    conv_biases = sum(m.bias.numel() for m in ours.modules() if isinstance(m, nn.Conv2d))
    projection_bn = bn(128) + bn(256) + bn(512)
    assert num_params(ours) == 11_689_512 + conv_biases - projection_bn
    assert num_params(ours) == expected_resnet(RESNET_ARCHS["resnet18"], c_in=3, classes=1000)


# ----------------------------------------------------------------------------- summary


def test_model_summary_lenet_rows_and_receptive_fields() -> None:
    summary = model_summary(LeNet(), (1, 1, 28, 28))
    assert isinstance(summary, ModelSummary)
    assert all(isinstance(row, LayerRow) for row in summary.rows)
    assert [row.name for row in summary.rows][:3] == ["net.0", "net.1", "net.2"]
    convs_and_pools = [row for row in summary.rows if row.receptive_field is not None]
    # r_out = r_in + (k - 1) * jump_in: conv 5 -> 5, pool 2 (jump 1) -> 6, conv 5 (jump 2) -> 14, pool 2 -> 16
    assert [row.receptive_field for row in convs_and_pools] == [(5, 5), (6, 6), (14, 14), (16, 16)]
    assert summary.receptive_field == (16, 16)
    # MACs: output elements x (in_channels x k x k) for convs, x in_features for linear layers
    macs = 6 * 28 * 28 * 25 + 16 * 10 * 10 * 6 * 25 + 120 * 400 + 84 * 120 + 10 * 84
    assert summary.total_macs == macs
    assert summary.total_params == EXPECTED_PARAMS["LeNet"]
    assert summary.rows[0] == LayerRow("net.0", "Conv2d", (1, 6, 28, 28), 156, 6 * 28 * 28 * 25, (5, 5))
    dicts = summary.to_dicts()
    assert dicts[0] == {
        "name": "net.0", "layer_type": "Conv2d", "output_shape": (1, 6, 28, 28),
        "num_params": 156, "macs": 117_600, "receptive_field": (5, 5),
    }  # fmt: skip
    text = str(summary)
    assert "LeNet" in text and "61,706 parameters" in text and "receptive field 16x16" in text
    markdown = summary.to_markdown()
    assert markdown.startswith("| Layer | Type | Output shape | Params | MACs | Receptive field |")
    assert "| net.0 | Conv2d | 1 x 6 x 28 x 28 | 156 | 117,600 | 5x5 |" in markdown


def test_model_summary_grouped_by_stage() -> None:
    model = ResNet18(width=0.25)
    full = model_summary(model, (1, 1, 32, 32))
    stages = model_summary(model, (1, 1, 32, 32), depth=2)
    assert [row.name for row in stages.rows] == ["net.b1", "net.b2", "net.b3", "net.b4", "net.b5", "net.last"]
    assert [row.output_shape for row in stages.rows[1:5]] == [
        (1, 16, 8, 8), (1, 32, 4, 4), (1, 64, 2, 2), (1, 128, 1, 1),
    ]  # fmt: skip
    assert sum(row.macs for row in stages.rows) == full.total_macs
    assert sum(row.num_params for row in stages.rows) == full.total_params
    assert stages.rows[0].receptive_field == (11, 11)  # 7x7 stride-2 conv, then 3x3 stride-2 pool: 7 + 2 * 2
    assert stages.rows[-1].receptive_field is None
    assert model.training  # mode restored


def test_model_summary_macs_agree_with_torchinfo() -> None:
    # torchinfo also counts biases (and batch norm's scale and shift) as MACs.
    model, _ = built(NARROW_CASES[-1], 32)  # ResNet18(width=0.25)
    ours = {row.name: row for row in model_summary(model, (1, 1, 32, 32)).rows}
    stats = torchinfo.summary(model, input_size=(1, 1, 32, 32), verbose=0)
    names = {id(m): name for name, m in model.named_modules()}
    checked = 0
    for info in stats.summary_list:
        module = info.module
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            row = ours[names[id(module)]]
            positions = math.prod(row.output_shape) // row.output_shape[1]  # N x H x W, or N for Linear
            assert info.macs == row.macs + module.bias.numel() * positions
            checked += 1
    assert checked == sum(isinstance(m, (nn.Conv2d, nn.Linear)) for m in model.modules())


def test_summary_doctests() -> None:
    import doctest

    import course_utils.summary

    assert doctest.testmod(course_utils.summary).failed == 0


def test_model_summary_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match=r"got \(28, 28\.0\)"):
        model_summary(LeNet(), (28, 28.0))
    with pytest.raises(ValueError, match="got 0"):
        model_summary(LeNet(), (1, 1, 28, 28), depth=0)


# ----------------------------------------------------------------------------- initialisation


def test_init_cnn_refuses_lazy_layers_without_parameters() -> None:
    with pytest.raises(ValueError, match=r"LazyConv2d.*apply_init\(\[X\], init_cnn\)"):
        init_cnn(nn.LazyConv2d(6, kernel_size=5))
    with pytest.raises(ValueError, match="parameters do not exist yet"):
        LeNet().apply(init_cnn)


@pytest.mark.parametrize("case", CHEAP_CASES, ids=lambda c: c.name)
def test_apply_init_reaches_every_conv_and_linear(case: Case) -> None:
    torch.manual_seed(0)
    model = case.build()
    X = images(case.small_size)
    model.apply_init([X])  # parameters created, PyTorch's default initialisation
    layers = [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    assert layers and not any(isinstance(m, nn.modules.lazy.LazyModuleMixin) for m in model.modules())
    biases = [m.bias.clone() for m in layers]
    model.apply_init([X], init_cnn, seed=1)  # the draws come from a generator seeded with 1
    torch.manual_seed(1)  # model.apply visits the layers in the order of model.modules()
    for layer, bias in zip(layers, biases):
        torch.testing.assert_close(layer.weight, nn.init.xavier_uniform_(torch.empty_like(layer.weight)))
        torch.testing.assert_close(layer.bias, bias)  # biases keep PyTorch's initialisation, as in the book
    torch.manual_seed(2)
    model.apply_init([X], init_cnn, seed=None)  # seed=None: the global generator, as in the book
    torch.manual_seed(2)
    for layer, bias in zip(layers, biases):
        torch.testing.assert_close(layer.weight, nn.init.xavier_uniform_(torch.empty_like(layer.weight)))
        torch.testing.assert_close(layer.bias, bias)


def test_apply_init_leaves_batch_norm_statistics_and_mode_alone() -> None:
    model = BNLeNetScratch()
    X = images(28, n=8) * 3 + 2
    model.apply_init([X], init_cnn)
    assert model.training
    bn = model.net[1]
    torch.testing.assert_close(bn.moving_mean, torch.zeros(1, 6, 1, 1))
    torch.testing.assert_close(bn.moving_var, torch.ones(1, 6, 1, 1))


def test_apply_init_wants_a_list_of_inputs() -> None:
    with pytest.raises(TypeError, match=r"model.apply_init\(\[X\], init_cnn\)"):
        LeNet().apply_init(images(28), init_cnn)


# ----------------------------------------------------------------------------- batch norm


def randomised(num_features: int, shape: tuple[int, ...], momentum: float) -> tuple[BatchNorm, nn.Module]:
    ours = BatchNorm(num_features, num_dims=len(shape), momentum=momentum)
    theirs = (nn.BatchNorm2d if len(shape) == 4 else nn.BatchNorm1d)(num_features, momentum=momentum)
    with torch.no_grad():
        ours.gamma.copy_(torch.rand(ours.gamma.shape) + 0.5)
        ours.beta.copy_(torch.randn(ours.beta.shape))
        theirs.weight.copy_(ours.gamma.reshape(-1))
        theirs.bias.copy_(ours.beta.reshape(-1))
    return ours, theirs


@pytest.mark.parametrize("shape", [(8, 3, 5, 5), (16, 7)], ids=["2d-vs-BatchNorm2d", "1d-vs-BatchNorm1d"])
@pytest.mark.parametrize("momentum", [0.1, 0.3])
def test_scratch_batch_norm_matches_pytorch(shape: tuple[int, ...], momentum: float) -> None:
    torch.manual_seed(0)
    C = shape[1]
    ours, theirs = randomised(C, shape, momentum)
    stat_shape = ours.moving_mean.shape
    for step in range(3):  # training mode: batch statistics, running statistics updated
        X = torch.randn(shape) * (step + 1) + step
        torch.testing.assert_close(ours(X), theirs(X))
        torch.testing.assert_close(ours.moving_mean, theirs.running_mean.reshape(stat_shape))
        torch.testing.assert_close(ours.moving_var, theirs.running_var.reshape(stat_shape))
    ours.eval()
    theirs.eval()
    X = torch.randn(shape)
    torch.testing.assert_close(ours(X), theirs(X))  # evaluation mode: running statistics


def test_scratch_batch_norm_mode_comes_from_train_and_eval_not_from_grad() -> None:
    torch.manual_seed(0)
    layer = BatchNorm(3, num_dims=4)
    X = torch.randn(8, 3, 4, 4) * 5 + 3
    with torch.no_grad():  # training mode under no_grad: still batch statistics (the book: running ones)
        Y = layer(X)
    torch.testing.assert_close(Y.mean(dim=(0, 2, 3)), torch.zeros(3), atol=1e-5, rtol=0)
    assert not torch.equal(layer.moving_mean, torch.zeros(1, 3, 1, 1))
    layer.eval()
    before = layer.moving_mean.clone()
    Y = layer(X)  # evaluation mode with gradients on: running statistics, no update
    torch.testing.assert_close(Y, (X - layer.moving_mean) / torch.sqrt(layer.moving_var + 1e-5))
    torch.testing.assert_close(layer.moving_mean, before)


def test_scratch_batch_norm_statistics_are_buffers() -> None:
    layer = BatchNorm(4, num_dims=2)
    assert set(layer.state_dict()) == {"gamma", "beta", "moving_mean", "moving_var"}
    assert {name for name, _ in layer.named_parameters()} == {"gamma", "beta"}
    layer.train()(torch.randn(5, 4))
    state = {k: v.clone() for k, v in layer.state_dict().items()}
    fresh = BatchNorm(4, num_dims=2)
    fresh.load_state_dict(state)
    torch.testing.assert_close(fresh.moving_var, layer.moving_var)
    assert layer.double().moving_var.dtype == torch.float64  # moved with the module


def test_batch_norm_function_returns_running_statistics() -> None:
    X = torch.tensor([[1.0], [3.0]])  # one feature, batch mean 2, biased var 1, unbiased var 2
    gamma, beta = torch.ones(1, 1), torch.zeros(1, 1)
    mean, var = torch.zeros(1, 1), torch.ones(1, 1)
    Y, new_mean, new_var = batch_norm(X, gamma, beta, mean, var, eps=0.0, momentum=0.5)
    torch.testing.assert_close(Y, torch.tensor([[-1.0], [1.0]]))
    torch.testing.assert_close(new_mean, torch.tensor([[1.0]]))  # 0.5 * 0 + 0.5 * 2
    torch.testing.assert_close(new_var, torch.tensor([[1.5]]))  # 0.5 * 1 + 0.5 * 2 (unbiased)
    Y, same_mean, same_var = batch_norm(X, gamma, beta, mean, var, eps=0.0, momentum=0.5, training=False)
    torch.testing.assert_close(Y, X)
    assert same_mean is mean and same_var is var


def test_batch_norm_errors() -> None:
    with pytest.raises(ValueError, match="got 3"):
        BatchNorm(4, num_dims=3)
    with pytest.raises(ValueError, match=r"C = 4, got a tensor of shape \(2, 5\)"):
        BatchNorm(4, num_dims=2)(torch.zeros(2, 5))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        BatchNorm(4, num_dims=2)(torch.zeros(1, 4))


@pytest.mark.parametrize("build", [BNLeNetScratch, BNLeNet])
def test_bn_lenet_train_and_eval_behaviour(build: Callable[[], Classifier]) -> None:
    torch.manual_seed(0)
    model = build()
    X = images(28, n=6) * 2 + 1
    model.apply_init([X], init_cnn)
    model.train()
    for _ in range(3):
        model(X)
    one = X[:1]
    # Training: each example is normalised with the statistics of its batch.
    other_batch = torch.cat([one, -X[1:]])
    assert not torch.allclose(model(X)[:1], model(other_batch)[:1])
    model.eval()
    # Evaluation: running statistics, so an example's output does not depend on the batch.
    torch.testing.assert_close(model(X)[:1], model(one))
    torch.testing.assert_close(model(X)[:1], model(other_batch)[:1])


# ----------------------------------------------------------------------------- blocks


def test_residual_cells_of_the_book() -> None:
    X = torch.randn(4, 3, 6, 6)
    assert Residual(3)(X).shape == (4, 3, 6, 6)
    assert Residual(6, use_1x1conv=True, strides=2)(X).shape == (4, 6, 3, 3)
    with pytest.raises(ValueError, match=r"needs 6 channels, got 3.*use_1x1conv=True"):
        Residual(6)(X)
    with pytest.raises(ValueError, match="strides=2.*use_1x1conv=True"):
        Residual(6, strides=2)


def test_resnext_groups_is_the_number_of_groups() -> None:
    torch.manual_seed(0)
    blk = ResNeXtBlock(32, 16, 1)  # the notes' cell
    X = torch.randn(4, 32, 96, 96)
    assert blk(X).shape == (4, 32, 96, 96)
    assert blk.conv2.groups == 16 and blk.group_width == 2 and blk.bot_channels == 32
    assert blk.conv2.weight.shape == (32, 2, 3, 3)  # out channels x channels per group x kernel
    blk = ResNeXtBlock(64, groups=8, bot_mul=0.5, use_1x1conv=True, strides=2)
    assert blk(torch.randn(2, 32, 16, 16)).shape == (2, 64, 8, 8)
    assert blk.conv2.groups == 8 and blk.conv2.weight.shape == (32, 4, 3, 3)


def test_resnext_errors() -> None:
    with pytest.raises(ValueError, match=r"groups=3 must divide .* = 32: choose groups from \[1, 2, 4, 8, 16, 32\]"):
        ResNeXtBlock(32, 3, 1)
    with pytest.raises(ValueError, match="strides=2"):
        ResNeXtBlock(32, 4, 1, strides=2)
    with pytest.raises(ValueError, match="needs 32 channels, got 16"):
        ResNeXtBlock(32, 4, 1)(torch.randn(2, 16, 8, 8))


def test_blocks() -> None:
    assert vgg_block(2, 8)(torch.randn(1, 3, 8, 8)).shape == (1, 8, 4, 4)
    assert len(vgg_block(2, 8)) == 5  # conv, relu, conv, relu, pool
    assert nin_block(8, kernel_size=5, strides=1, padding=2)(torch.randn(1, 3, 8, 8)).shape == (1, 8, 8, 8)
    blk = Inception(4, (2, 8), (2, 6), 3)
    assert blk(torch.randn(1, 5, 7, 7)).shape == (1, 4 + 8 + 6 + 3, 7, 7) and blk.out_channels == 21


# ----------------------------------------------------------------------------- course extensions


def test_width_makes_networks_narrower() -> None:
    alexnet = AlexNet(width=0.25)
    alexnet(images(67))
    convs = [m.out_channels for m in alexnet.modules() if isinstance(m, nn.Conv2d)]
    hidden = [m.out_features for m in alexnet.modules() if isinstance(m, nn.Linear)]
    assert convs == [24, 64, 96, 96, 64] and hidden == [1024, 1024, 10]
    nin = NiN(width=0.5)
    assert [blk[0].out_channels for blk in nin.net if isinstance(blk, nn.Sequential)] == [48, 128, 192, 10]
    googlenet = GoogleNet(width=0.25)
    assert googlenet(images(32)).shape == (2, 10)
    assert googlenet.net.last.in_features == 256  # 1024 / 4
    assert ResNet18(width=0.25).arch == ((2, 16), (2, 32), (2, 64), (2, 128))
    narrow = ResNet(((1, 8), (1, 16)))  # the stem follows arch[0][1]
    assert narrow(images(16)).shape == (2, 10)
    assert VGG(VGG_ARCHS["small"], num_hiddens=64).net[-4].out_features == 64


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: VGG(((1, 16), (1,))), r"got \(1,\) in"),
        (lambda: VGG("small"), r"got 'small'.*arch=VGG_ARCHS\['vgg11'\]"),
        (lambda: ResNet([]), r"got \[\].*RESNET_ARCHS\['resnet18'\]"),
        (lambda: AlexNet(width=0), "got 0"),
        (lambda: NiN(width=-1.0), r"got -1\.0"),
        (lambda: Inception(64, 96, (16, 32), 32), "c2 must be a pair.*got 96"),
        (lambda: vgg_block(0, 8), "num_convs .* got 0"),
        (lambda: LeNet(lr=0), "got 0"),
    ],
)
def test_bad_arguments_name_the_value(build: Callable[[], nn.Module], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()


def test_a_width_of_the_wrong_kind_is_a_type_error() -> None:
    # course_utils.validate's rule: a value of the wrong kind is a TypeError (was a ValueError here)
    with pytest.raises(TypeError, match=r"width must be a number, got 'half' \(str\): write e\.g\. width=0\.25"):
        GoogleNet(width="half")


# ----------------------------------------------------------------------------- reproducible initialisation


def test_apply_init_with_a_seed_gives_the_same_weights_whatever_ran_before() -> None:
    X = images(28)
    first = LeNet()
    first.apply_init([X], init_cnn, seed=0)
    torch.rand(1000)  # draws in between (another cell, a shuffled loader) move the global generator
    second = LeNet()
    second.apply_init([X], init_cnn, seed=0)
    assert first.state_dict().keys() == second.state_dict().keys()
    for key, value in first.state_dict().items():
        torch.testing.assert_close(second.state_dict()[key], value, rtol=0, atol=0)
    # The default is seed=0: the book's cell model.apply_init([X], init_cnn) is reproducible.
    default = LeNet()
    default.apply_init([X], init_cnn)
    torch.testing.assert_close(default.net[0].weight, first.net[0].weight, rtol=0, atol=0)
    other = LeNet()
    other.apply_init([X], init_cnn, seed=1)
    assert not torch.equal(other.net[0].weight, first.net[0].weight)


def test_apply_init_with_seed_none_draws_from_the_global_generator() -> None:
    X = images(28)
    first, second = LeNet(), LeNet()
    first.apply_init([X], init_cnn, seed=None)
    second.apply_init([X], init_cnn, seed=None)  # the generator moved on: other weights
    assert not torch.equal(first.net[0].weight, second.net[0].weight)
    torch.manual_seed(5)
    first.apply_init([X], init_cnn, seed=None)
    torch.manual_seed(5)
    second.apply_init([X], init_cnn, seed=None)
    torch.testing.assert_close(first.net[0].weight, second.net[0].weight, rtol=0, atol=0)


def test_apply_init_with_a_seed_leaves_the_global_generator_alone() -> None:
    torch.manual_seed(3)
    state = torch.get_rng_state()
    LeNet().apply_init([images(28)], init_cnn, seed=0)
    assert torch.equal(torch.get_rng_state(), state)
    torch.manual_seed(3)
    LeNet().apply_init([images(28)], init_cnn, seed=None)  # the book's way: draws from it
    assert not torch.equal(torch.get_rng_state(), state)


@pytest.mark.parametrize(
    ("seed", "error", "message"),
    [
        (-1, ValueError, r"seed must be >= 0, got -1"),
        (1.5, TypeError, r"seed must be a whole number, got 1\.5 \(float\)"),
        (True, TypeError, r"seed must be a whole number, got True \(bool\)"),
        ("0", TypeError, r"seed must be a whole number, got '0' \(str\)"),
    ],
)
def test_apply_init_checks_the_seed(seed: object, error: type[Exception], message: str) -> None:
    model = LeNet()
    with pytest.raises(error, match=message):
        model.apply_init([images(28)], init_cnn, seed=seed)  # type: ignore[arg-type]
    assert any(nn.parameter.is_lazy(p) for p in model.parameters())  # refused before anything ran


def test_apply_init_accepts_a_numpy_seed() -> None:
    a, b = LeNet(), LeNet()
    a.apply_init([images(28)], init_cnn, seed=np.int64(7))
    b.apply_init([images(28)], init_cnn, seed=7)
    torch.testing.assert_close(a.net[0].weight, b.net[0].weight, rtol=0, atol=0)


# ----------------------------------------------------------------------------- MODELS and get_model


def build_args(key: str) -> dict[str, object]:
    return {"arch": VGG_ARCHS["tiny"]} if key == "vgg" else {}


def test_models_has_the_keys_of_the_size_table() -> None:
    from course_utils.sizes import MODEL_SETTINGS

    assert list(MODELS) == ["lenet", "alexnet", "vgg", "nin", "googlenet", "bnlenet_scratch", "bnlenet", "resnet18"]
    assert set(MODELS) == set(MODEL_SETTINGS)
    assert {key: cls.__name__ for key, cls in MODELS.items()} == {k: s.name for k, s in MODEL_SETTINGS.items()}
    with pytest.raises(TypeError):
        MODELS["lenet"] = AlexNet  # type: ignore[index]  # read-only


@pytest.mark.parametrize("key", list(MODELS))
def test_get_model_builds_what_the_constructor_builds(key: str) -> None:
    cls = MODELS[key]
    model = get_model(key, lr=0.05, **build_args(key))
    assert type(model) is cls and model.lr == 0.05
    assert repr(model) == repr(cls(lr=0.05, **build_args(key)))  # same layers, same arguments
    assert repr(get_model(cls.__name__, **build_args(key))) == repr(cls(**build_args(key)))


@pytest.mark.parametrize(
    ("name", "cls"),
    [("ResNet-18", ResNet18), ("RESNET_18", ResNet18), ("resnet18", ResNet18), ("BNLeNetScratch", BNLeNetScratch),
     ("bnlenet-scratch", BNLeNetScratch), ("BN LeNet", BNLeNet), ("Google-Net", GoogleNet), ("LeNet", LeNet),
     ("ALEXNET", AlexNet), ("NiN", NiN)],
)
def test_get_model_ignores_case_and_punctuation(name: str, cls: type[Classifier]) -> None:
    assert type(get_model(name)) is cls


def test_get_model_unknown_name_lists_the_models() -> None:
    keys = "'lenet', 'alexnet', 'vgg', 'nin', 'googlenet', 'bnlenet_scratch', 'bnlenet', 'resnet18'"
    with pytest.raises(ValueError, match=rf"unknown model 'resnet50': choose one of {keys}"):
        get_model("resnet50")
    with pytest.raises(TypeError, match=r"name must be a string such as 'lenet', got <class"):
        get_model(LeNet)  # type: ignore[arg-type]


def test_get_model_vgg_needs_an_arch() -> None:
    archs = r"VGG_ARCHS\['vgg11'\], VGG_ARCHS\['small'\], VGG_ARCHS\['eighth'\], VGG_ARCHS\['tiny'\]"
    with pytest.raises(TypeError, match=rf"VGG needs arch=\.\.\., one of {archs}"):
        get_model("vgg")
    assert get_model("vgg", arch=VGG_ARCHS["small"]).arch == VGG_ARCHS["small"]


@pytest.mark.parametrize("key", list(MODELS))
def test_get_model_names_a_bad_keyword_and_the_accepted_ones(key: str) -> None:
    cls = MODELS[key]
    accepted = ", ".join(inspect.signature(cls).parameters)
    with pytest.raises(TypeError, match=rf"^{cls.__name__} takes no argument 'widht': it accepts {accepted}$"):
        get_model(key, widht=0.5, **build_args(key))


def test_get_model_lenet_has_no_width() -> None:
    with pytest.raises(TypeError, match=r"LeNet takes no argument 'width': it accepts lr, num_classes"):
        get_model("lenet", width=0.5)
    with pytest.raises(TypeError, match=r"VGG takes no argument 'width': it accepts arch, lr, num_classes, num_hiddens"):
        get_model("vgg", arch=VGG_ARCHS["tiny"], width=0.5)


def test_get_model_doctests() -> None:
    import doctest

    import course_utils.models

    assert doctest.testmod(course_utils.models).failed == 0


# ----------------------------------------------------------------------------- one table of VGG architectures


def test_vgg_archs_of_the_course_sizes() -> None:
    from course_utils.sizes import MODEL_SETTINGS

    assert VGG_ARCHS["eighth"] == ((1, 8), (1, 16), (2, 32), (2, 64), (2, 64))
    assert VGG_ARCHS["tiny"] == ((1, 4), (1, 8), (2, 16), (2, 16), (2, 16))
    # "eighth" is VGG-11 at 1/8 of its channels, "small" (the book's) at 1/4
    assert VGG_ARCHS["eighth"] == tuple((n, c // 8) for n, c in VGG_ARCHS["vgg11"])
    assert VGG_ARCHS["small"] == tuple((n, c // 4) for n, c in VGG_ARCHS["vgg11"])
    vgg = MODEL_SETTINGS["vgg"]
    assert vgg.book.model_kwargs["arch"] == VGG_ARCHS["small"]
    assert vgg.cpu.model_kwargs["arch"] == VGG_ARCHS["eighth"]
    assert vgg.fast.model_kwargs["arch"] == VGG_ARCHS["tiny"]
    assert VGG(VGG_ARCHS["tiny"], num_hiddens=64)(images(32)).shape == (2, 10)


# ----------------------------------------------------------------------------- the input check, once


def test_forward_is_written_once() -> None:
    assert Classifier.min_input_size == 1
    for cls in [*MODELS.values(), ResNet]:
        assert "forward" not in vars(cls), f"{cls.__name__} defines its own forward"
    assert GoogleNet.min_input_size == ResNet18.min_input_size == 1  # inherited
    assert VGG(VGG_ARCHS["tiny"]).min_input_size == 32 and VGG(((1, 4), (1, 8))).min_input_size == 4


BAD_DTYPES = [
    pytest.param(torch.uint8, TypeError, r"dtype torch\.uint8 \(shape \(2, 1, {s}, {s}\)\): convert it with "
                 r"X\.float\(\) / 255", id="uint8"),
    pytest.param(torch.int64, TypeError, r"dtype torch\.int64 \(shape \(2, 1, {s}, {s}\)\): convert it with "
                 r"X\.float\(\)$", id="int64"),
    pytest.param(torch.float64, TypeError, r"'s parameters are torch\.float32, got images of dtype torch\.float64: "
                 r"convert them with X\.to\(torch\.float32\)", id="float64"),
]


@pytest.mark.parametrize(("dtype", "error", "message"), BAD_DTYPES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_forward_refuses_a_wrong_dtype_clearly(case: Case, dtype: torch.dtype, error: type, message: str) -> None:
    X = (images(case.small_size).abs() * 100).to(dtype)
    with pytest.raises(error, match=message.format(s=case.small_size)) as info:
        case.build()(X)
    assert str(info.value).startswith(f"{type(case.build()).__name__}")
    with pytest.raises((RuntimeError, TypeError)):  # without the check: an error from inside a layer
        case.build().net(X)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_forward_refuses_a_numpy_array_clearly(case: Case) -> None:
    s = case.small_size
    X = images(s).numpy()
    message = (rf"expects a torch\.Tensor, got a NumPy array of shape \(2, 1, {s}, {s}\) and dtype float32: "
               rf"convert it with torch\.as_tensor\(X, dtype=torch\.float32\)$")
    with pytest.raises(TypeError, match=message):
        case.build()(X)
    with pytest.raises(TypeError, match=r"dtype uint8: convert it with torch\.as_tensor\(X, dtype=torch\.float32\) / 255"):
        case.build()(X.astype(np.uint8))
    with pytest.raises(Exception):  # noqa: B017 - without the check: whatever the first layer makes of it
        case.build().net(X)


def test_forward_refuses_other_objects_clearly() -> None:
    with pytest.raises(TypeError, match=r"LeNet expects a torch\.Tensor batch of images N x C x H x W, got list"):
        LeNet()([[0.0] * 28] * 28)


FLATTEN_LINEAR_CASES = [c for c in CASES if c.name in {"LeNet", "AlexNet", "VGG-small", "BNLeNetScratch", "BNLeNet"}]


@pytest.mark.parametrize("case", FLATTEN_LINEAR_CASES, ids=lambda c: c.name)
def test_a_second_image_size_is_a_clear_error(case: Case) -> None:
    s, other = case.small_size, case.small_size + 32
    model, X = built(case, s)
    model.eval()
    linear = next(m for m in model.modules() if isinstance(m, nn.Linear))
    with pytest.raises(RuntimeError):  # without the check: a matrix product of the wrong shapes
        model.net(images(other))
    message = (rf"^this {type(model).__name__} was built for {s}x{s} images \(its first Linear layer has "
               rf"{linear.in_features} inputs, a {other}x{other} image gives \d+\), got {other}x{other}: "
               rf"resize the images to {s}x{s}, or build a new model for {other}x{other} images$")
    with pytest.raises(ValueError, match=message):
        model(images(other))
    assert model(X).shape == (2, 10)  # the first size still passes


def test_second_size_message_of_lenet() -> None:
    model, _ = built(CASES[0], 28)
    message = ("this LeNet was built for 28x28 images (its first Linear layer has 400 inputs, a 32x32 image "
               "gives 576), got 32x32: resize the images to 28x28, or build a new model for 32x32 images")
    with pytest.raises(ValueError) as info:
        model(images(32))
    assert str(info.value) == message
    # A size that gives the same 400 inputs works in PyTorch, so it passes here too.
    assert model(images(29)).shape == (2, 10)
    assert model.net(images(29)).shape == (2, 10)


def test_second_size_after_loading_a_state_dict() -> None:
    # The loaded model never saw an image: the message names the smallest size that fits.
    trained, _ = built(CASES[0], 28)
    loaded = LeNet()
    loaded.load_state_dict(trained.state_dict())
    with pytest.raises(ValueError, match=r"built for 28x28 images \(its first Linear layer has 400 inputs, a 32x32"):
        loaded(images(32))
    vgg, _ = built(NARROW_CASES[1], 32)  # VGG(((1, 8), (1, 16), (2, 32))): 32 -> 4 x 4
    fresh = VGG(((1, 8), (1, 16), (2, 32)), num_hiddens=128)
    fresh.load_state_dict(vgg.state_dict())
    with pytest.raises(ValueError, match=r"built for 32x32 images \(its first Linear layer has 512 inputs, a 16x16"):
        fresh(images(16))


@pytest.mark.parametrize("case", CHEAP_CASES, ids=lambda c: c.name)
def test_another_channel_count_after_the_first_batch_is_a_clear_error(case: Case) -> None:
    model, _ = built(case, case.small_size)
    rgb = torch.randn(2, 3, case.small_size, case.small_size)
    with pytest.raises(RuntimeError):  # without the check: the first convolution fails
        model.net(rgb)
    message = (rf"{type(model).__name__} was built for 1-channel images \(its first convolution has "
               rf"in_channels=1\), got 3 channels \(shape \(2, 3, {case.small_size}, {case.small_size}\)\)")
    with pytest.raises(ValueError, match=message):
        model(rgb)
    assert case.build()(rgb).shape == (2, 10)  # before the first batch any channel count is fine


def test_half_precision_on_the_cpu() -> None:
    # float16/bfloat16 images for float32 parameters: a clear error, unless autocast runs (as the
    # Trainer does on CUDA, with float32 images: autocast casts inside the layers).
    model, X = built(CASES[0], 28)
    model.eval()
    for dtype in (torch.bfloat16, torch.float16):
        with pytest.raises(TypeError, match=rf"LeNet's parameters are torch\.float32, got images of dtype {dtype}: "
                                            rf"convert them with X\.to\(torch\.float32\) \(or run under torch\.autocast"):
            model(X.to(dtype))
    with torch.autocast("cpu", dtype=torch.bfloat16):
        Y = model(X)
        assert model(X.bfloat16()).dtype == torch.bfloat16
    assert Y.dtype == torch.bfloat16 and Y.shape == (2, 10)
    torch.testing.assert_close(Y.float(), model(X), atol=0.05, rtol=0.05)
    half = model.to(torch.bfloat16)  # a model converted to bfloat16 takes bfloat16 images
    assert half(X.bfloat16()).dtype == torch.bfloat16


def test_images_on_another_device_than_the_model() -> None:
    with torch.device("meta"):
        model = LeNet()
    with pytest.raises(ValueError, match=r"LeNet's parameters are on meta, got images on cpu: move them with "
                                         r"X\.to\('meta'\), or the model with model\.to\('cpu'\)"):
        model(images(28))


@pytest.mark.parametrize("case", CHEAP_CASES, ids=lambda c: c.name)
def test_receptive_fields_trace_through_the_input_check(case: Case) -> None:
    fields = receptive_fields(case.build())  # before the first batch: lazy layers
    assert fields and fields[0].name.startswith("net.")
    model, _ = built(case, case.small_size)  # after it: the check has the layers' sizes, the trace is the same
    assert [(f.name, f.size) for f in receptive_fields(model)] == [(f.name, f.size) for f in fields]


def test_receptive_fields_of_lenet_through_the_input_check() -> None:
    assert [f.size for f in receptive_fields(LeNet())] == [(5, 5), (6, 6), (14, 14), (16, 16)]


# ----------------------------------------------------------------------------- argument checks


@pytest.mark.parametrize(
    ("lr", "error", "message"),
    [
        (float("inf"), ValueError, r"lr must be a finite number, got inf: write e\.g\. lr=0\.1"),
        (float("nan"), ValueError, r"lr must be a finite number, got nan"),
        (-1, ValueError, r"lr must be > 0, got -1: write e\.g\. lr=0\.1"),
        (0.0, ValueError, r"lr must be > 0, got 0\.0"),
        (True, TypeError, r"lr must be a number, got True \(bool\)"),
        ("0.1", TypeError, r"lr must be a number, got '0\.1' \(str\)"),
    ],
)
@pytest.mark.parametrize("key", list(MODELS))
def test_learning_rate_is_a_finite_positive_number(key: str, lr: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        get_model(key, lr=lr, **build_args(key))


def test_numpy_learning_rate_and_classes_are_accepted() -> None:
    model = LeNet(lr=np.float32(0.5), num_classes=np.int64(5))
    assert type(model.lr) is float and model.lr == 0.5
    assert type(model.num_classes) is int and model(images(28)).shape == (2, 5)


@pytest.mark.parametrize(
    ("num_classes", "error", "message"),
    [
        (1, ValueError, r"num_classes must be >= 2, got 1"),
        (10.0, TypeError, r"num_classes must be a whole number, got 10\.0 \(float\)"),
        (True, TypeError, r"num_classes must be a whole number, got True \(bool\)"),
    ],
)
def test_num_classes_is_an_integer_of_at_least_two(num_classes: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        LeNet(num_classes=num_classes)  # type: ignore[arg-type]


def test_inception_refuses_an_unbatched_image(monkeypatch: pytest.MonkeyPatch) -> None:
    import course_utils.models.googlenet as googlenet

    blk = Inception(4, (2, 4), (2, 4), 4)
    image = torch.randn(3, 8, 8)  # C x H x W, no batch dimension
    with pytest.raises(ValueError, match=r"^Inception expects a batch N x C x H x W, got a tensor of shape "
                                         r"\(3, 8, 8\): for one image, add the batch dimension with X\.unsqueeze\(0\)$"):
        blk(image)
    assert blk(image.unsqueeze(0)).shape == (1, 16, 8, 8)
    # Without the check the convolutions take the unbatched image and torch.cat(dim=1) stacks heights.
    monkeypatch.setattr(googlenet, "check_block_input", lambda *args: None)
    assert blk(image).shape == (4, 32, 8)


@pytest.mark.parametrize(
    "block",
    [lambda: Residual(3), lambda: Residual(6, use_1x1conv=True, strides=2), lambda: ResNeXtBlock(3, 1, 1),
     lambda: ResNeXtBlock(8, 2, 1, use_1x1conv=True)],
    ids=["Residual", "Residual-1x1", "ResNeXtBlock", "ResNeXtBlock-1x1"],
)
def test_residual_blocks_refuse_an_unbatched_image(block: Callable[[], nn.Module]) -> None:
    blk = block()
    name = type(blk).__name__
    with pytest.raises(ValueError, match=rf"^{name} expects a batch N x C x H x W, got a tensor of shape \(3, 6, 6\)"):
        blk(torch.randn(3, 6, 6))
    with pytest.raises(ValueError):  # without the check: batch norm's own complaint (3D input), from inside
        blk.bn1(blk.conv1(torch.randn(3, 6, 6)))


def test_batch_norm_refuses_an_unbatched_image() -> None:
    with pytest.raises(ValueError, match=r"expects N x C x H x W with C = 3, got a tensor of shape \(3, 6, 6\)"):
        BatchNorm(3, num_dims=4)(torch.randn(3, 6, 6))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"eps": -1.0}, r"eps must be > 0, got -1\.0: write e\.g\. eps=1e-05"),
        ({"eps": float("nan")}, r"eps must be a finite number, got nan"),
        ({"eps": 0}, r"eps must be > 0, got 0"),
        ({"momentum": 1.5}, r"momentum must be >= 0 and <= 1, got 1\.5: write e\.g\. momentum=0\.1"),
        ({"momentum": float("nan")}, r"momentum must be a finite number, got nan"),
        ({"momentum": -0.1}, r"momentum must be >= 0 and <= 1, got -0\.1"),
    ],
)
def test_batch_norm_layer_checks_eps_and_momentum(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BatchNorm(4, num_dims=4, **kwargs)


def test_negative_eps_would_make_every_output_nan() -> None:
    X = torch.zeros(2, 4, 3, 3)  # a constant batch: variance 0
    assert torch.isnan((X - X.mean()) / torch.sqrt(X.var(unbiased=False) - 1.0)).all()  # the formula with eps=-1
    with pytest.raises(ValueError, match="eps must be positive"):  # PyTorch refuses it too
        F.batch_norm(X, None, None, training=True, eps=-1.0)
    gamma, beta = torch.ones(1, 4, 1, 1), torch.zeros(1, 4, 1, 1)
    mean, var = torch.zeros(1, 4, 1, 1), torch.ones(1, 4, 1, 1)
    for eps, message in [(-1.0, r"eps must be >= 0, got -1\.0"), (float("nan"), "eps must be a finite number")]:
        with pytest.raises(ValueError, match=message):
            batch_norm(X, gamma, beta, mean, var, eps=eps, momentum=0.1)
    with pytest.raises(ValueError, match=r"momentum must be >= 0 and <= 1, got 2"):
        batch_norm(X, gamma, beta, mean, var, eps=1e-5, momentum=2)
    assert BatchNorm(4, num_dims=4, eps=np.float64(1e-3), momentum=np.float32(0.5)).eps == 1e-3


def test_blocks_accept_numpy_integers() -> None:
    i = np.int64
    assert repr(vgg_block(i(2), i(8))) == repr(vgg_block(2, 8))
    assert repr(nin_block(i(8), i(5), i(1), i(2))) == repr(nin_block(8, 5, 1, 2))
    assert repr(Inception(i(4), (i(2), i(8)), (i(2), i(6)), i(3))) == repr(Inception(4, (2, 8), (2, 6), 3))
    assert repr(Residual(i(6), True, i(2))) == repr(Residual(6, True, 2))
    assert repr(ResNeXtBlock(i(32), i(4), np.float64(0.5))) == repr(ResNeXtBlock(32, 4, 0.5))
    assert repr(BatchNorm(i(4), i(2))) == repr(BatchNorm(4, 2))
    arch = tuple((i(n), i(c)) for n, c in VGG_ARCHS["tiny"])
    vgg = VGG(arch, num_hiddens=i(64), num_classes=i(10))
    assert vgg.arch == VGG_ARCHS["tiny"] and all(type(v) is int for pair in vgg.arch for v in pair)
    assert repr(vgg) == repr(VGG(VGG_ARCHS["tiny"], num_hiddens=64))
    assert repr(ResNet(tuple((i(n), i(c)) for n, c in ((1, 8), (1, 16))))) == repr(ResNet(((1, 8), (1, 16))))
    assert repr(AlexNet(width=np.float64(0.25))) == repr(AlexNet(width=0.25))
    assert Residual(i(3))(torch.randn(2, 3, 4, 4)).shape == (2, 3, 4, 4)


@pytest.mark.parametrize(
    "build",
    [lambda: vgg_block(True, 8), lambda: vgg_block(2, 8.0), lambda: Residual(True), lambda: Inception(True, (2, 8), (2, 6), 3),
     lambda: ResNeXtBlock(32, True, 1), lambda: BatchNorm(True, 4), lambda: nin_block(8, 5, True, 2),
     lambda: VGG(VGG_ARCHS["tiny"], num_hiddens=True), lambda: Residual(3, use_1x1conv=1)],
    ids=["vgg_block-bool", "vgg_block-float", "Residual", "Inception", "ResNeXtBlock", "BatchNorm", "nin_block",
         "VGG-num_hiddens", "Residual-use_1x1conv"],
)
def test_a_bool_or_float_is_no_count(build: Callable[[], nn.Module]) -> None:
    with pytest.raises(TypeError, match=r"must be (a whole number|True or False), got (True|8\.0|1) \((bool|float|int)\)"):
        build()


# ----------------------------------------------------------------------------- summary output and arguments


LENET_SUMMARY = (
    "Layer   Type       Output shape      Params     MACs  Receptive field\n"
    "---------------------------------------------------------------------\n"
    "net.0   Conv2d     1 x 6 x 28 x 28      156  117,600  5x5            \n"
    "net.1   Sigmoid    1 x 6 x 28 x 28        0        0                 \n"
    "net.2   AvgPool2d  1 x 6 x 14 x 14        0        0  6x6            \n"
    "net.3   Conv2d     1 x 16 x 10 x 10   2,416  240,000  14x14          \n"
    "net.4   Sigmoid    1 x 16 x 10 x 10       0        0                 \n"
    "net.5   AvgPool2d  1 x 16 x 5 x 5         0        0  16x16          \n"
    "net.6   Flatten    1 x 400                0        0                 \n"
    "net.7   Linear     1 x 120           48,120   48,000                 \n"
    "net.8   Sigmoid    1 x 120                0        0                 \n"
    "net.9   Linear     1 x 84            10,164   10,080                 \n"
    "net.10  Sigmoid    1 x 84                 0        0                 \n"
    "net.11  Linear     1 x 10               850      840                 \n"
    "---------------------------------------------------------------------\n"
    "LeNet, input 1 x 1 x 28 x 28 -> output 1 x 10: 61,706 parameters (61,706 trainable), "
    "416,520 MACs (416.52 K), receptive field 16x16"
)  # as printed in notebooks/07-6-lenet.ipynb, padding included


def test_model_summary_prints_as_before() -> None:
    summary = model_summary(LeNet(), (1, 1, 28, 28))
    assert str(summary) == LENET_SUMMARY
    markdown = summary.to_markdown().splitlines()
    assert markdown[:3] == [
        "| Layer | Type | Output shape | Params | MACs | Receptive field |",
        "|---|---|---|---:|---:|---|",
        "| net.0 | Conv2d | 1 x 6 x 28 x 28 | 156 | 117,600 | 5x5 |",
    ]
    assert markdown[-2:] == ["", LENET_SUMMARY.splitlines()[-1]] and summary.to_markdown().endswith("16x16\n")


def test_model_summary_accepts_numpy_integers() -> None:
    summary = model_summary(ResNet18(width=0.25), tuple(np.int64(d) for d in (1, 1, 32, 32)), depth=np.int64(2))
    assert summary.input_shape == (1, 1, 32, 32) and all(type(d) is int for d in summary.input_shape)
    assert [row.name for row in summary.rows][0] == "net.b1"
    with pytest.raises(TypeError, match=r"depth must be a whole number, got True \(bool\)"):
        model_summary(LeNet(), (1, 1, 28, 28), depth=True)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"got \(1, True, 28, 28\)"):
        model_summary(LeNet(), (1, True, 28, 28))
