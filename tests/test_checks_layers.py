"""The layer self-checks (7.3–7.5): right answers in any form pass, a wrong one gets a hint first and
the solution second, the expected values agree with PyTorch or NumPy, function answers that take a
forbidden shortcut are named, placeholders get only the reminder, and bad arguments are refused."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course_utils import checks
from course_utils.checks import (
    check_block_diagonal_speedup,
    check_conv_as_matmul,
    check_conv_cost_ratio,
    check_conv_memory,
    check_max_from_relu,
    check_min_pool,
    check_mirror_pad,
    check_pool_cost,
    check_stride_saving,
    show_solution,
)

PLACEHOLDER = "✏️ Replace the ... with your answer"



def _out(capsys) -> str:
    return capsys.readouterr().out


def _passes(call, capsys) -> None:
    call()
    out = _out(capsys)
    assert out.startswith("✅ Correct"), out


def _hint_then_solution(call, capsys, expected: str) -> tuple[str, str]:
    """A first wrong try gives a hint without ``expected``; a second one gives ``expected``."""
    call()
    first = _out(capsys)
    assert first.startswith("❌ Not quite") and "💡 Hint:" in first and "Why:" not in first, first
    assert expected not in first, first
    call()
    second = _out(capsys)
    assert second.startswith("❌ Not quite") and f"expected {expected}" in second and "Why:" in second, second
    return first, second


def test_doctest_of_the_module():
    result = doctest.testmod(checks.layers)
    assert result.failed == 0 and result.attempted > 0


# ----------------------------------------------------------------------------- number answers
def _conv_outputs(n: int, k: int, p: int, s: int) -> int:
    """The number of output pixels of one real nn.Conv2d (the oracle of the cost checks)."""
    return nn.Conv2d(1, 1, k, padding=p, stride=s)(torch.zeros(1, 1, n, n)).numel()


def test_stride_saving_agrees_with_conv2d_in_any_form(capsys):
    expected = _conv_outputs(224, 3, 1, 1) / _conv_outputs(224, 3, 1, 2)
    assert expected == 4
    for answer in (4, 4.0, torch.tensor(4), np.float64(4.0)):
        _passes(lambda: check_stride_saving(answer, input_size=224, kernel_size=3, padding=1, stride=2), capsys)
    odd = _conv_outputs(7, 3, 0, 1) / _conv_outputs(7, 3, 0, 2)  # 25 / 9
    _passes(lambda: check_stride_saving(round(odd, 3), input_size=7, kernel_size=3, stride=2), capsys)
    _hint_then_solution(lambda: check_stride_saving(2, input_size=224, kernel_size=3, padding=1, stride=2), capsys, "4")


def test_conv_memory_counts_the_tensors_of_a_real_layer(capsys):
    layer = nn.Conv2d(3, 16, 3, padding=1)
    X = torch.zeros(1, 3, 32, 32)
    tensors = (X, layer.weight, layer.bias, layer(X))
    expected = sum(t.numel() * 4 for t in tensors)
    assert expected == 4 * (3 * 32 * 32 + 16 * 3 * 9 + 16 + 16 * 32 * 32)
    for answer in (expected, float(expected), torch.tensor(expected)):
        _passes(lambda: check_conv_memory(answer, input_shape=(3, 32, 32), out_channels=16, kernel_size=3, padding=1),
                capsys)
    first, second = _hint_then_solution(
        lambda: check_conv_memory(expected // 4, input_shape=(3, 32, 32), out_channels=16, kernel_size=3, padding=1),
        capsys, str(expected))
    assert "4 bytes" in first and "16,384" in second  # the output's values, in the worked answer


@pytest.mark.parametrize("double, padding, expected_outputs", [("channels", 1, None), ("padding", 1, (34, 32)),
                                                               ("padding", 0, (30, 30))])
def test_conv_cost_ratio_agrees_with_conv2d(double, padding, expected_outputs, capsys):
    c, n, k = 8, 32, 3

    def macs(c_in: int, c_out: int, p: int) -> int:
        return c_out * c_in * k * k * nn.Conv2d(c_in, c_out, k, padding=p)(torch.zeros(1, c_in, n, n)).shape[-1] ** 2

    before = macs(c, c, padding)
    after = macs(2 * c, 2 * c, padding) if double == "channels" else macs(c, c, 2 * padding)
    ratio = after / before
    if expected_outputs:
        assert ratio == pytest.approx((expected_outputs[0] / expected_outputs[1]) ** 2)
    else:
        assert ratio == 4
    call = lambda answer: check_conv_cost_ratio(answer, input_shape=(c, n, n), out_channels=c, kernel_size=k,  # noqa: E731
                                                padding=padding, double=double)
    _passes(lambda: call(round(ratio, 4)), capsys)
    _passes(lambda: call(torch.tensor(ratio)), capsys)
    call(ratio + 1)
    assert "💡 Hint" in _out(capsys)


def test_block_diagonal_speedup_counts_multiplications(capsys):
    c, b = 256, 8
    dense = torch.randn(c, c)
    blocks = torch.block_diag(*[torch.randn(c // b, c // b) for _ in range(b)])
    expected = dense.count_nonzero().item() / blocks.count_nonzero().item()  # one multiplication per stored weight
    assert expected == b
    _passes(lambda: check_block_diagonal_speedup(8.0, channels=c, blocks=b), capsys)
    _hint_then_solution(lambda: check_block_diagonal_speedup(64, channels=c, blocks=b), capsys, "8")
    with pytest.raises(ValueError, match="does not divide"):
        check_block_diagonal_speedup(1, channels=10, blocks=3)


@pytest.mark.parametrize("c, n, k, p, s", [(1, 28, 3, 1, 2), (3, 8, 2, 0, None), (2, 7, 3, 0, 1)])
def test_pool_cost_agrees_with_max_pool2d(c, n, k, p, s, capsys):
    pooled = F.max_pool2d(torch.zeros(1, c, n, n), k, stride=s if s else k, padding=p)
    expected = pooled.numel() * k * k
    _passes(lambda: check_pool_cost(expected, input_shape=(c, n, n), pool_size=k, padding=p, stride=s), capsys)
    _passes(lambda: check_pool_cost(torch.tensor(expected), input_shape=(c, n, n), pool_size=k, padding=p, stride=s),
            capsys)
    shape_only = pooled.shape[-1]  # answering the output size is not the cost
    _hint_then_solution(lambda: check_pool_cost(shape_only, input_shape=(c, n, n), pool_size=k, padding=p, stride=s),
                        capsys, str(expected))


# ----------------------------------------------------------------------------- function answers
def mirror_pad(X: torch.Tensor, p: int) -> torch.Tensor:
    rows = torch.cat([X[1:p + 1].flip(0), X, X[-p - 1:-1].flip(0)], 0)
    return torch.cat([rows[:, 1:p + 1].flip(1), rows, rows[:, -p - 1:-1].flip(1)], 1)


def symmetric_pad(X: torch.Tensor, p: int) -> torch.Tensor:
    rows = torch.cat([X[:p].flip(0), X, X[-p:].flip(0)], 0)
    return torch.cat([rows[:, :p].flip(1), rows, rows[:, -p:].flip(1)], 1)


def test_our_mirror_pad_is_numpys_reflect():
    X = torch.arange(20.0).reshape(4, 5)
    for p in (1, 2, 3):
        assert np.array_equal(mirror_pad(X, p).numpy(), np.pad(X.numpy(), p, mode="reflect"))


def test_mirror_pad_check(capsys):
    _passes(lambda: check_mirror_pad(mirror_pad), capsys)
    check_mirror_pad(symmetric_pad)
    assert "repeats the edge pixel" in _out(capsys)
    check_mirror_pad(lambda X, p: F.pad(X[None, None], (p,) * 4, mode="reflect")[0, 0])
    out = _out(capsys)
    assert out.startswith("❌") and "calls pad" in out, out


def conv_matmul(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    c_o, c_i, k_h, k_w = K.shape
    windows = X.unfold(1, k_h, 1).unfold(2, k_w, 1)
    out_h, out_w = windows.shape[1:3]
    columns = windows.permute(0, 3, 4, 1, 2).reshape(c_i * k_h * k_w, out_h * out_w)
    return (K.reshape(c_o, -1) @ columns).reshape(c_o, out_h, out_w)


def conv_loops(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """Right values, but window by window, without a matrix product."""
    k_h, k_w = K.shape[-2:]
    out = torch.zeros(K.shape[0], X.shape[1] - k_h + 1, X.shape[2] - k_w + 1)
    for i in range(out.shape[1]):
        for j in range(out.shape[2]):
            out[:, i, j] = (X[None, :, i:i + k_h, j:j + k_w] * K).sum(dim=(1, 2, 3))
    return out


def test_conv_as_matmul_check(capsys):
    _passes(lambda: check_conv_as_matmul(conv_matmul), capsys)
    check_conv_as_matmul(lambda X, K: F.conv2d(X[None], K)[0])
    assert "calls conv2d" in _out(capsys)
    check_conv_as_matmul(conv_loops)
    assert "never calls one of" in _out(capsys)
    check_conv_as_matmul(lambda X, K: conv_matmul(X, K)[:, :-1])
    assert "has shape" in _out(capsys)


def test_max_from_relu_check(capsys):
    _passes(lambda: check_max_from_relu(lambda a, b: b + F.relu(a - b)), capsys)
    _passes(lambda: check_max_from_relu(lambda a, b: (a + b + torch.relu(a - b) + torch.relu(b - a)) / 2), capsys)
    for shortcut, name in ((torch.maximum, "maximum"), (lambda a, b: torch.where(a > b, a, b), "where"),
                           (lambda a, b: torch.stack([a, b]).max(0).values, "max"),
                           (lambda a, b: F.relu(a - b) * 0 + (a + b + (a - b).abs()) / 2, "abs")):
        checks.reset_attempts()
        check_max_from_relu(shortcut)
        out = _out(capsys)
        assert out.startswith("❌") and f"calls {name}" in out.replace("gt, ", "").replace(", gt", ""), out
    checks.reset_attempts()
    check_max_from_relu(lambda a, b: F.relu(a - b))  # ReLUs only, but wrong when b is larger
    assert "different values" in _out(capsys)


def test_min_pool_check(capsys):
    _passes(lambda: check_min_pool(lambda X, k: -F.max_pool2d(-X, k)), capsys)
    _passes(lambda: check_min_pool(lambda X, k: -nn.MaxPool2d(k)(-X)), capsys)
    check_min_pool(lambda X, k: -F.max_pool2d(-X, k, stride=1))
    assert "has shape" in _out(capsys)
    checks.reset_attempts()
    check_min_pool(lambda X, k: F.max_pool2d(X, k) * 0 + X.unfold(2, k, k).unfold(3, k, k).amin(dim=(-1, -2)))
    assert "calls amin" in _out(capsys)


@pytest.mark.parametrize("check", [check_mirror_pad, check_conv_as_matmul, check_max_from_relu, check_min_pool])
def test_function_placeholders_get_the_reminder(check, capsys):
    def todo(*args):
        return ...

    def not_yet(*args):
        raise NotImplementedError

    for answer in (..., todo, not_yet):
        check(answer)
        out = _out(capsys)
        assert out.startswith(PLACEHOLDER) and "Why" not in out and "Hint" not in out, out
    show_solution()
    assert "No self-check has been answered yet" in _out(capsys)


def test_a_function_that_forgets_return_is_told_so(capsys):
    def forgot(a, b):
        b + F.relu(a - b)

    check_max_from_relu(forgot)
    assert "returned None" in _out(capsys)


@pytest.mark.parametrize("check", [check_stride_saving, check_conv_memory, check_conv_cost_ratio, check_pool_cost,
                                   check_block_diagonal_speedup])
def test_number_placeholders_get_the_reminder(check, capsys):
    check(...)  # the parameters are not even looked at
    assert _out(capsys).startswith(PLACEHOLDER)


# ----------------------------------------------------------------------------- bad arguments
def test_bad_arguments_are_refused_with_a_remedy():
    with pytest.raises(TypeError, match="define it with"):
        check_max_from_relu(3)
    with pytest.raises(ValueError, match=r"input_shape must be \(c_i, h, w\)"):
        check_conv_memory(1, input_shape=(32, 32), out_channels=16, kernel_size=3)
    with pytest.raises(ValueError, match="larger than the input"):
        check_conv_memory(1, input_shape=(3, 2, 2), out_channels=16, kernel_size=3)
    with pytest.raises(ValueError, match="double"):
        check_conv_cost_ratio(1, input_shape=(3, 8, 8), out_channels=4, kernel_size=3, double="stride")
    with pytest.raises(ValueError, match="more than half the pooling window"):
        check_pool_cost(1, input_shape=(1, 8, 8), pool_size=2, padding=2)
    with pytest.raises(TypeError, match="channels"):
        check_block_diagonal_speedup(1, channels=2.5, blocks=1)
    with pytest.raises(ValueError, match="stride"):
        check_stride_saving(1, input_size=8, kernel_size=3, stride=0)
