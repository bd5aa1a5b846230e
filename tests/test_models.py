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
import math
from collections.abc import Callable, Iterator

import pytest
import torch
import torch.fx
import torch.nn.functional as F
import torchinfo
from torch import nn

from course_utils.classifier import Classifier
from course_utils.models import (
    RESNET_ARCHS,
    VGG,
    VGG_ARCHS,
    AlexNet,
    BatchNorm,
    BNLeNet,
    BNLeNetScratch,
    GoogleNet,
    Inception,
    LeNet,
    NiN,
    Residual,
    ResNet,
    ResNet18,
    ResNeXtBlock,
    batch_norm,
    init_cnn,
    nin_block,
    vgg_block,
)
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


@pytest.fixture(autouse=True, scope="module")
def one_thread() -> Iterator[None]:
    """Run this module's small tensors on one thread (restored afterwards): on a busy
    2-core machine, two threads spin-wait against other processes and cost 2-3x the time."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def images(size: int, n: int = 2, seed: int = 0) -> torch.Tensor:
    return torch.randn(n, 1, size, size, generator=torch.Generator().manual_seed(seed))


def built(case: Case, size: int, seed: int = 0) -> tuple[Classifier, torch.Tensor]:
    """A model of ``case`` with its lazy layers created (and Xavier-initialised) at ``size``."""
    torch.manual_seed(seed)
    model = case.build()
    X = images(size, seed=seed)
    model.apply_init([X], init_cnn)
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
    from course_utils.data import load_sample

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
    torch.manual_seed(1)
    model.apply_init([X], init_cnn)
    torch.manual_seed(1)  # model.apply visits the layers in the order of model.modules()
    for layer, bias in zip(layers, biases):
        torch.testing.assert_close(layer.weight, nn.init.xavier_uniform_(torch.empty_like(layer.weight)))
        torch.testing.assert_close(layer.bias, bias)  # biases keep PyTorch's initialisation, as in the book


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
        (lambda: VGG("small"), "got 'small'"),
        (lambda: ResNet([]), r"got \[\]"),
        (lambda: AlexNet(width=0), "got 0"),
        (lambda: NiN(width=-1.0), r"got -1\.0"),
        (lambda: GoogleNet(width="half"), "got 'half'"),
        (lambda: Inception(64, 96, (16, 32), 32), "c2 must be a pair.*got 96"),
        (lambda: vgg_block(0, 8), "num_convs .* got 0"),
        (lambda: LeNet(lr=0), "got 0"),
    ],
)
def test_bad_arguments_name_the_value(build: Callable[[], nn.Module], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()
