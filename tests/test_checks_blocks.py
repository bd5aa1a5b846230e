"""The block-design self-checks (course_utils.checks.blocks) accept right answers in any form,
give a hint before the solution, agree with an independent PyTorch computation, refuse bad
arguments with a clear message, and only remind on a placeholder."""

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
    check_weight_memory,
    check_bottleneck_saving,
    check_branch_share,
    check_layer_count,
    check_max_blocks,
    check_nin_block_params,
    check_stack_saving,

)
from course_utils.models import VGG, GoogleNet, Inception, NiN, nin_block

PLACEHOLDER = "✏️ Replace the ... with your answer"



def _out(capsys) -> str:
    return capsys.readouterr().out


def _passes(call, answer, capsys) -> bool:
    call(answer)
    return _out(capsys).startswith("✅")


def _hint_then_solution(call, wrong, expected_text: str, capsys) -> None:
    """A first wrong try shows a hint and not the value; a second shows the value and the Why."""
    call(wrong)
    first = _out(capsys)
    assert first.startswith("❌ Not quite") and "💡 Hint:" in first, first
    assert "Why:" not in first and expected_text not in first, first
    call(wrong)
    second = _out(capsys)
    assert second.startswith("❌ Not quite") and f"expected {expected_text}" in second and "Why:" in second, second


def test_doctests():
    result = doctest.testmod(checks.blocks)
    assert result.failed == 0 and result.attempted > 0


# ------------------------------------------------------------------ independent oracles (PyTorch only)
def _halvings_by_pooling(side: int) -> int:
    """How many times F.max_pool2d(2) can run on a side x side image."""
    X, count = torch.zeros(1, 1, side, side), 0
    while True:
        try:
            X = F.max_pool2d(X, 2)
        except RuntimeError:
            return count
        count += 1


@pytest.mark.parametrize("side", [1, 2, 3, 7, 28, 32, 56, 84, 96, 224, 255, 256])
def test_max_blocks_agrees_with_pooling_and_log2(side, capsys):
    expected = _halvings_by_pooling(side)
    assert expected == math.floor(math.log2(side))
    assert _passes(lambda a: check_max_blocks(a, image_size=side), expected, capsys)
    checks.reset_attempts()
    assert not _passes(lambda a: check_max_blocks(a, image_size=side), expected + 1, capsys)


def test_max_blocks_forms_hint_and_solution(capsys):
    call = lambda a: check_max_blocks(a, image_size=224)  # noqa: E731
    for form in (7, 7.0, torch.tensor(7), np.int64(7)):
        assert _passes(call, form, capsys), form
    _hint_then_solution(call, 8, "7", capsys)


def test_layer_count_agrees_with_counting_modules(capsys):
    arch = ((1, 64), (2, 128), (3, 256), (3, 512))
    model = VGG(arch)
    model(torch.zeros(1, 1, 32, 32))  # initialise: the count must not depend on it
    expected = sum(isinstance(m, (nn.Conv2d, nn.Linear)) for m in model.modules())
    assert expected == sum(n for n, _ in arch) + 3 == 12
    call = lambda a: check_layer_count(a, VGG(arch))  # noqa: E731
    for form in (12, 12.0, torch.tensor(12)):
        assert _passes(call, form, capsys)
    _hint_then_solution(call, 7, "12", capsys)


def test_layer_count_of_vgg11_is_eleven(capsys):
    from course_utils.models import VGG_ARCHS

    assert _passes(lambda a: check_layer_count(a, VGG(VGG_ARCHS["vgg11"])), 11, capsys)


def test_stack_saving_agrees_with_conv_weights(capsys):
    for c, n, k in ((64, 2, 3), (256, 3, 3), (8, 2, 5), (3, 1, 3)):
        field = n * (k - 1) + 1
        one = nn.Conv2d(c, c, field, bias=False).weight.numel()
        stack = sum(nn.Conv2d(c, c, k, bias=False).weight.numel() for _ in range(n))
        expected = one - stack
        call = lambda a, c=c, n=n, k=k: check_stack_saving(a, channels=c, num_layers=n, kernel_size=k)  # noqa: E731
        assert _passes(call, expected, capsys), (c, n, k)
        assert _passes(call, float(expected), capsys)
    assert expected == 0  # one layer saves nothing


def test_stack_saving_hint_then_solution(capsys):
    # 3 x 3x3 at 256 channels: 49·256² − 27·256² = 22·65,536 = 1,441,792
    _hint_then_solution(lambda a: check_stack_saving(a, channels=256, num_layers=3), 22, "1441792", capsys)


@pytest.mark.parametrize("num_mlp, mlp_k", [(2, 1), (3, 1), (1, 1), (0, 1), (2, 3)])
def test_nin_block_params_agree_with_a_built_block(num_mlp, mlp_k, capsys):
    layers = [nn.Conv2d(256, 384, 3, padding=1), nn.ReLU()]
    for _ in range(num_mlp):
        layers += [nn.Conv2d(384, 384, mlp_k, padding=mlp_k // 2), nn.ReLU()]
    expected = sum(p.numel() for p in nn.Sequential(*layers).parameters())
    call = lambda a: check_nin_block_params(a, 256, 384, 3, num_mlp_layers=num_mlp, mlp_kernel_size=mlp_k)  # noqa: E731
    assert _passes(call, expected, capsys)
    assert _passes(call, torch.tensor(expected), capsys)


def test_nin_block_params_match_the_course_block(capsys):
    block = nin_block(384, kernel_size=3, strides=1, padding=1)
    block(torch.zeros(1, 256, 12, 12))
    expected = sum(p.numel() for p in block.parameters())
    assert _passes(lambda a: check_nin_block_params(a, 256, 384, 3), expected, capsys)
    _hint_then_solution(lambda a: check_nin_block_params(a, 256, 384, 3, num_mlp_layers=3), expected, "1328640", capsys)


def test_branch_share_agrees_with_the_blocks_output(capsys):
    block = Inception(192, (96, 208), (16, 48), 64)
    with torch.no_grad():
        Y = block(torch.zeros(1, 480, 6, 6))
    conv3x3 = block.branch3x3(torch.zeros(1, 96, 6, 6))  # the 3x3 branch alone
    expected = conv3x3.shape[1] / Y.shape[1]
    assert expected == 208 / 512
    call = lambda a: check_branch_share(a, Inception(192, (96, 208), (16, 48), 64), "3x3")  # noqa: E731
    for form in (0.40625, 13 / 32, np.float32(0.40625), torch.tensor(0.40625), 0.4062):
        assert _passes(call, form, capsys), form
    _hint_then_solution(call, 40.625, "0.40625", capsys)


def test_branch_share_of_each_branch_adds_up_to_one(capsys):
    block = Inception(64, (96, 128), (16, 32), 32)
    shares = {"1x1": 64 / 256, "3x3": 128 / 256, "5x5": 32 / 256, "pool": 32 / 256}
    assert sum(shares.values()) == 1
    for branch, share in shares.items():
        assert _passes(lambda a, b=branch: check_branch_share(a, block, b), share, capsys), branch


def test_bottleneck_saving_agrees_with_counted_multiplies(capsys):
    def macs(c_in: int, c_out: int, k: int, n: int) -> int:
        Y = F.conv2d(torch.zeros(1, c_in, n, n), torch.zeros(c_out, c_in, k, k), padding=k // 2)
        return Y.numel() * c_in * k * k  # every output: c_in·k·k multiply-adds

    for c_in, r, c_out, k, n in ((192, 96, 128, 3, 12), (192, 16, 32, 5, 12), (480, 16, 48, 5, 6), (8, 8, 4, 3, 5)):
        expected = macs(c_in, c_out, k, n) - macs(c_in, r, 1, n) - macs(r, c_out, k, n)
        call = lambda a, args=(c_in, r, c_out, k, n): check_bottleneck_saving(a, *args)  # noqa: E731
        assert _passes(call, expected, capsys), (c_in, r, c_out, k, n)
    assert expected < 0  # no reduction (8 -> 8) only adds work
    _hint_then_solution(lambda a: check_bottleneck_saving(a, 192, 96, 128, 3, 12), 1, "13271040", capsys)


def test_weight_memory_agrees_with_the_parameters(capsys):
    model = NiN()
    model(torch.zeros(1, 1, 224, 224))
    mib = sum(p.numel() * p.element_size() for p in model.parameters()) / 2**20
    call = lambda a: check_weight_memory(a, NiN(), (1, 1, 224, 224))  # noqa: E731
    for form in (mib, round(mib, 1), torch.tensor(mib)):
        assert _passes(call, form, capsys), form
    call2 = lambda a: check_weight_memory(a, NiN(), (1, 1, 224, 224), with_gradients=True)  # noqa: E731
    assert _passes(call2, 2 * mib, capsys)
    assert _passes(call, mib * 2**20 / 10**6, capsys)  # the same bytes in MB (10**6) pass too
    checks.reset_attempts()
    # the weights alone are not the memory of weights and gradients
    _hint_then_solution(call2, mib, f"{2 * mib * 2**20 / 10**6:.2f} MB (or {2 * mib:.2f} MiB)", capsys)


def test_weight_memory_of_googlenet_does_not_depend_on_the_image(capsys):
    model = GoogleNet()
    model(torch.zeros(1, 1, 96, 96))
    mib = sum(p.numel() * 4 for p in model.parameters()) / 2**20
    assert _passes(lambda x: check_weight_memory(x, GoogleNet(), (1, 1, 224, 224)), mib, capsys)


# ------------------------------------------------------------------ placeholders and bad arguments
@pytest.mark.parametrize("call", [
    lambda a: check_max_blocks(a, image_size=224),
    lambda a: check_layer_count(a, VGG(((1, 8),))),
    lambda a: check_stack_saving(a, channels=64, num_layers=2),
    lambda a: check_nin_block_params(a, 256, 384, 3),
    lambda a: check_branch_share(a, Inception(64, (96, 128), (16, 32), 32), "1x1"),
    lambda a: check_bottleneck_saving(a, 192, 16, 32, 5, 12),
    lambda a: check_weight_memory(a, NiN(), (1, 1, 224, 224)),
])
def test_placeholder_gets_only_the_reminder(call, capsys):
    for placeholder in (..., None):
        call(placeholder)
        out = _out(capsys)
        assert out.startswith(PLACEHOLDER) and "Hint" not in out and "Correct" not in out


@pytest.mark.parametrize("call, error, words", [
    (lambda: check_max_blocks(7, image_size=0), ValueError, "image_size"),
    (lambda: check_max_blocks(7, image_size=224.0), TypeError, "image_size"),
    (lambda: check_max_blocks(7, image_size=10**5), ValueError, "at most"),
    (lambda: check_layer_count(3, "VGG"), TypeError, "nn.Module"),
    (lambda: check_layer_count(0, nn.Sequential(nn.ReLU())), ValueError, "no convolution"),
    (lambda: check_stack_saving(1, channels=0, num_layers=2), ValueError, "channels"),
    (lambda: check_stack_saving(1, channels=8, num_layers=2.5), TypeError, "num_layers"),
    (lambda: check_nin_block_params(1, 256, 384, 3, num_mlp_layers=-1), ValueError, "num_mlp_layers"),
    (lambda: check_branch_share(0.5, nn.Conv2d(1, 1, 1), "1x1"), TypeError, "Inception"),
    (lambda: check_branch_share(0.5, Inception(64, (96, 128), (16, 32), 32), "7x7"), ValueError, "branch"),
    (lambda: check_bottleneck_saving(1, 192, 16, 32, 4, 12), ValueError, "odd"),
    (lambda: check_bottleneck_saving(1, 192, 16, 32, 5, 0), ValueError, "size"),
    (lambda: check_weight_memory(1.0, "NiN", (1, 1, 224, 224)), TypeError, "nn.Module"),
    (lambda: check_weight_memory(1.0, NiN(), (1, 1, 224, 224), with_gradients="yes"), TypeError, "with_gradients"),
    (lambda: check_weight_memory(1.0, NiN(), (224, 224, 0)), ValueError, "X_shape"),
])
def test_bad_arguments_are_refused_clearly(call, error, words):
    with pytest.raises(error, match=words):
        call()
