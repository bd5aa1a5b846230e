"""The network self-checks (course_utils.checks.networks): right answers in any form pass, a first
wrong answer gets a hint and a second the solution, placeholders get only the reminder, the
expected values agree with sums computed here from PyTorch's own modules, bad arguments are refused."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course_utils import checks
from course_utils.checks import (
    check_feature_maps,
    check_lenet_input,
    check_lenet_variant,
    check_macs_by_layer_type,
    check_output_memory,
    check_weight_memory,
)
from course_utils.models import AlexNet, LeNet

PLACEHOLDER = "✏️ Replace the ... with your answer"
IMAGENET = (1, 3, 224, 224)



def _out(capsys) -> str:
    return capsys.readouterr().out


def _hint_then_solution(call, capsys, solution: str) -> None:
    """A first wrong try shows a hint and not ``solution``; the second shows ``solution``."""
    call()
    first = _out(capsys)
    assert first.startswith("❌ Not quite") and "💡 Hint:" in first and "Why:" not in first, first
    assert solution not in first, first
    call()
    second = _out(capsys)
    assert second.startswith("❌ Not quite") and solution in second and "Why:" in second, second


@pytest.fixture(scope="module")
def imagenet_alexnet() -> nn.Module:
    model = AlexNet(num_classes=1000)
    model(torch.zeros(IMAGENET))
    return model


def _by_type(model: nn.Module, kind: type) -> list[nn.Module]:
    return [m for m in model.modules() if isinstance(m, kind)]


def _conv_macs(model: nn.Module, X: torch.Tensor) -> int:
    """Multiply-adds of every Conv2d, counted here from hooks on PyTorch's modules."""
    total = []

    def hook(module: nn.Conv2d, inputs: tuple[torch.Tensor], output: torch.Tensor) -> None:
        k_h, k_w = module.kernel_size
        total.append(output.numel() * module.in_channels * k_h * k_w)

    handles = [m.register_forward_hook(hook) for m in _by_type(model, nn.Conv2d)]
    with torch.no_grad():
        model(X)
    for handle in handles:
        handle.remove()
    return sum(total)


def test_doctest_of_the_module():
    result = doctest.testmod(checks.networks)
    assert result.failed == 0 and result.attempted > 0


# --------------------------------------------------------------------------- memory and work
@pytest.mark.parametrize("layer_type, kind", [("Conv2d", nn.Conv2d), ("Linear", nn.Linear)])
def test_weight_memory_agrees_with_the_parameters_of_pytorchs_layers(imagenet_alexnet, layer_type, kind, capsys):
    n_bytes = 4 * sum(p.numel() for m in _by_type(imagenet_alexnet, kind) for p in m.parameters())
    for answer in (n_bytes / 1e6, n_bytes / 2**20, np.float32(round(n_bytes / 1e6, 2)),
                   torch.tensor(n_bytes / 1e6)):
        check_weight_memory(answer, imagenet_alexnet, IMAGENET, layer_type)
        assert _out(capsys).startswith("✅ Correct"), answer


def test_weight_memory_of_alexnets_dense_layers_dominates(imagenet_alexnet, capsys):
    check_weight_memory(188.4, imagenet_alexnet, IMAGENET, "Linear")  # 47,096,808 parameters
    assert _out(capsys).startswith("✅ Correct: 188.39 MB")
    check_weight_memory(8 * 188.387, imagenet_alexnet, IMAGENET, "Linear", bytes_per_value=32)
    assert _out(capsys).startswith("✅ Correct")


def test_weight_memory_of_the_one_channel_network_is_a_wrong_answer_for_three_channels(capsys):
    model = AlexNet()
    model(torch.zeros(1, 1, 224, 224))
    one_channel = 4 * sum(p.numel() for m in _by_type(model, nn.Conv2d) for p in m.parameters()) / 1e6
    _hint_then_solution(lambda: check_weight_memory(one_channel, AlexNet(num_classes=1000), IMAGENET, "Conv2d"),
                        capsys, "14.99 MB")


@pytest.mark.parametrize("batch", [1, 2])
def test_conv_macs_agree_with_hooks_on_conv2d(batch, capsys):
    model = AlexNet(num_classes=1000)
    X_shape = (batch, 3, 224, 224)
    expected = _conv_macs(model, torch.zeros(X_shape))
    for answer in (expected, float(expected), torch.tensor(expected), np.int64(expected)):
        check_macs_by_layer_type(answer, model, X_shape, "Conv2d")
        assert _out(capsys).startswith(f"✅ Correct: {expected}."), answer


def test_dense_macs_are_in_times_out(imagenet_alexnet, capsys):
    expected = sum(m.in_features * m.out_features for m in _by_type(imagenet_alexnet, nn.Linear))
    check_macs_by_layer_type(expected, imagenet_alexnet, IMAGENET, "Linear")
    assert _out(capsys).startswith("✅ Correct")
    _hint_then_solution(lambda: check_macs_by_layer_type(expected + 4096, imagenet_alexnet, IMAGENET, "Linear"),
                        capsys, str(expected))


def test_output_memory_grows_with_the_batch_and_agrees_with_the_feature_maps(capsys):
    model = AlexNet()
    outputs = []
    handles = [m.register_forward_hook(lambda m, i, o: outputs.append(o.numel())) for m in _by_type(model, nn.Conv2d)]
    with torch.no_grad():
        model(torch.zeros(4, 1, 224, 224))
    for handle in handles:
        handle.remove()
    per_batch_of_4 = 4 * sum(outputs)  # bytes
    check_output_memory(per_batch_of_4 / 1e6, model, (4, 1, 224, 224))
    assert _out(capsys).startswith("✅ Correct")
    check_output_memory(32 * per_batch_of_4 / 1e6, model, (128, 1, 224, 224))
    assert _out(capsys).startswith("✅ Correct")
    _hint_then_solution(lambda: check_output_memory(per_batch_of_4 / 1e6, model, (128, 1, 224, 224)),
                        capsys, f"{32 * per_batch_of_4 / 1e6:,.2f} MB")


# --------------------------------------------------------------------------- LeNet's variants
def _lenet(pool: type = nn.AvgPool2d, act: type = nn.Sigmoid, p: float = 0.0) -> nn.Sequential:
    def drop() -> list[nn.Module]:
        return [nn.Dropout(p)] if p else []

    return nn.Sequential(
        nn.LazyConv2d(6, kernel_size=5, padding=2), act(), pool(kernel_size=2, stride=2),
        nn.LazyConv2d(16, kernel_size=5), act(), pool(kernel_size=2, stride=2), nn.Flatten(),
        nn.LazyLinear(120), act(), *drop(), nn.LazyLinear(84), act(), *drop(), nn.LazyLinear(10))


def test_lenet_itself_is_the_avg_sigmoid_variant(capsys):
    check_lenet_variant(LeNet)  # a class builds the model when called
    assert _out(capsys).startswith("✅ Correct")
    check_lenet_variant(LeNet(), pool="max")
    assert "layer 2 is AvgPool2d(2x2, stride 2x2, padding 0x0), expected MaxPool2d" in _out(capsys)


def test_max_pool_lenet_passes_as_function_or_module(capsys):
    check_lenet_variant(lambda: _lenet(nn.MaxPool2d), pool="max")
    assert _out(capsys).startswith("✅ Correct")
    check_lenet_variant(nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.Sigmoid(), nn.MaxPool2d((2, 2)),
                                      nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.MaxPool2d(2), nn.Flatten(),
                                      nn.Linear(400, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(),
                                      nn.Linear(84, 10)), pool="max")
    assert _out(capsys).startswith("✅ Correct")


def test_relu_dropout_lenet_accepts_dropout_before_relu_and_a_shared_dropout(capsys):
    check_lenet_variant(lambda: _lenet(nn.AvgPool2d, nn.ReLU, 0.5), activation="relu", dropout=0.5)
    assert _out(capsys).startswith("✅ Correct")
    shared = nn.Dropout(0.5)
    model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.AvgPool2d(2, 2), nn.Conv2d(6, 16, 5),
                          nn.ReLU(), nn.AvgPool2d(2, 2), nn.Flatten(), nn.Linear(400, 120), shared, nn.ReLU(),
                          nn.Linear(120, 84), nn.ReLU(), shared, nn.Linear(84, 10))
    check_lenet_variant(model, activation="relu", dropout=0.5)
    assert _out(capsys).startswith("✅ Correct")


def test_a_wrong_variant_gets_the_first_difference_then_the_layers(capsys):
    forgot_one = lambda: _lenet(nn.MaxPool2d, nn.ReLU, 0.0)  # noqa: E731
    _hint_then_solution(lambda: check_lenet_variant(forgot_one, activation="relu", dropout=0.5), capsys,
                        "Dropout(p=0.5)")
    check_lenet_variant(lambda: _lenet(nn.AvgPool2d, nn.ReLU, 0.5), activation="relu", dropout=0.3)
    assert "layer 9 is Dropout(p=0.5), expected Dropout(p=0.3)" in _out(capsys)


def test_right_layers_that_cannot_run_are_reported(capsys):
    model = _lenet(nn.MaxPool2d)
    model[7] = nn.Linear(100, 120)  # the right width, the wrong number of inputs
    check_lenet_variant(model, pool="max")
    assert "a 2 x 1 x 28 x 28 batch fails" in _out(capsys)


@pytest.mark.parametrize("stub", ["none", "ellipsis", "not_implemented", "placeholder"])
def test_a_function_left_unwritten_is_the_placeholder(stub, capsys):
    def build() -> nn.Module:
        if stub == "not_implemented":
            raise NotImplementedError
        return ... if stub == "ellipsis" else None  # type: ignore[return-value]

    check_lenet_variant(... if stub == "placeholder" else build, pool="max")
    assert _out(capsys).strip().startswith(PLACEHOLDER)


# --------------------------------------------------------------------------- tensors
def test_feature_maps_agree_with_the_networks_slice_and_catch_the_wrong_layer(capsys):
    torch.manual_seed(0)
    model = LeNet()
    model(torch.zeros(1, 1, 28, 28))
    X = torch.rand(3, 1, 28, 28)
    with torch.no_grad():
        conv2 = torch.sigmoid(F.conv2d(F.avg_pool2d(torch.sigmoid(model.net[0](X)), 2), model.net[3].weight,
                                       model.net[3].bias))
    check_feature_maps(conv2, model, X, "net.4")
    assert _out(capsys).startswith("✅ Correct: a (3, 16, 10, 10) tensor")
    with torch.no_grad():
        before_sigmoid = model.net[:4](X)
    _hint_then_solution(lambda: check_feature_maps(before_sigmoid, model, X, "net.4"), capsys, "tensor(")
    assert model.training  # the check restores the model's mode


def test_lenet_input_agrees_with_pad_and_names_what_is_wrong(capsys):
    check_lenet_input(lambda images: F.pad(images.float().unsqueeze(1) / 255.0, (2, 2, 2, 2)))
    assert _out(capsys).startswith("✅ Correct")
    check_lenet_input(lambda images: F.pad(images[:, None].double() / 255, (4, 4, 4, 4)), size=36)
    assert _out(capsys).startswith("✅ Correct")
    cases = {
        "not scaled": lambda images: F.pad(images[:, None].float(), (2, 2, 2, 2)),
        "shape (1, 32, 32)": lambda images: F.pad(images.float() / 255, (2, 2, 2, 2)),
        "values differ": lambda images: F.pad(images[:, None].float() / 255, (0, 4, 0, 4)),
        "torch.uint8 values": lambda images: F.pad(images[:, None], (2, 2, 2, 2)),
        "returned list": lambda images: [images],
    }
    for words, wrong in cases.items():
        checks.reset_attempts()
        check_lenet_input(wrong)
        out = _out(capsys)
        assert out.startswith("❌ Not quite") and words in out, (words, out)
    checks.reset_attempts()
    _hint_then_solution(lambda: check_lenet_input(cases["not scaled"]), capsys, "F.pad(images[:, None].float() / 255")


def test_placeholders_get_only_the_reminder(capsys):
    calls = [
        lambda: check_weight_memory(..., AlexNet(), (1, 1, 224, 224), "Linear"),
        lambda: check_macs_by_layer_type(None, AlexNet(), (1, 1, 224, 224), "Conv2d"),
        lambda: check_output_memory(..., AlexNet(), (128, 1, 224, 224)),
        lambda: check_feature_maps(..., LeNet(), torch.zeros(1, 1, 28, 28), "net.0"),
        lambda: check_lenet_input(lambda images: ...),
        lambda: check_lenet_input(...),
    ]
    for call in calls:
        call()
        assert _out(capsys).strip() == PLACEHOLDER + ", then run the cell again."


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: check_weight_memory(1, AlexNet(), (1, 1, 224, 224), "ReLU"), ValueError, "layer_type must be one of"),
        (lambda: check_weight_memory(1, "AlexNet", (1, 1, 224, 224), "Linear"), TypeError, "model must be an nn.Module"),
        (lambda: check_weight_memory(1, AlexNet(), (1, 224, 224), "Linear"), ValueError, "X_shape"),
        (lambda: check_weight_memory(1, AlexNet(), (1, 1, 224, 224), "Linear", bytes_per_value=0), ValueError,
         "bytes_per_value must be >= 1"),
        (lambda: check_output_memory(1, AlexNet(), (128, 1, 224)), ValueError, "X_shape"),
        (lambda: check_lenet_variant(LeNet, pool="min"), ValueError, "pool must be one of 'avg', 'max'"),
        (lambda: check_lenet_variant(LeNet, activation="tanh"), ValueError, "activation must be one of"),
        (lambda: check_lenet_variant(LeNet, dropout=1.5), ValueError, "dropout must be"),
        (lambda: check_lenet_variant(42, pool="max"), TypeError, "a model or a function that builds one"),
        (lambda: check_lenet_variant(lambda: "LeNet", pool="max"), TypeError, "must return an nn.Module"),
        (lambda: check_feature_maps(1, LeNet(), torch.zeros(1, 1, 28, 28), "net.99"), ValueError,
         "no layer named 'net.99'"),
        (lambda: check_feature_maps(1, LeNet(), torch.zeros(1, 28, 28), "net.0"), ValueError, "N x C x H x W"),
        (lambda: check_lenet_input(lambda x: x, size=31), ValueError, "28 plus an even number"),
        (lambda: check_lenet_input(32), TypeError, "must be a function"),
    ],
)
def test_bad_arguments_are_refused_clearly(call, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_megabytes_tolerance_is_three_significant_digits(imagenet_alexnet, capsys):
    n_bytes = 4 * sum(p.numel() for m in _by_type(imagenet_alexnet, nn.Conv2d) for p in m.parameters())
    assert math.isclose(n_bytes / 1e6, 14.9888)
    check_weight_memory(15.0, imagenet_alexnet, IMAGENET, "Conv2d")
    assert _out(capsys).startswith("✅ Correct")
    check_weight_memory(15.1, imagenet_alexnet, IMAGENET, "Conv2d")
    assert _out(capsys).startswith("❌ Not quite")
