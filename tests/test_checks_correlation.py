"""The self-checks of 7.1-7.2 (course_utils.checks.correlation) against independent computations."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_utils import checks
from course_utils.checks import (
    check_audio_layer,
    check_blur_kernel,
    check_convolution_value,
    check_corr2d_matmul,
    check_derivative_kernel_size,
    check_directional_kernel,
    check_pixelwise_mlp,
    check_second_difference,
    check_window_count,
    reset_attempts,
    show_solution,
)
from course_utils.checks._verdict import PLACEHOLDER
from course_utils.ops import corr2d



def _out(capsys) -> str:
    return capsys.readouterr().out


def _right(capsys, call) -> str:
    call()
    out = _out(capsys)
    assert out.startswith("✅"), out
    return out


def _hint_then_solution(capsys, call, expected_text: str) -> None:
    """A first wrong try gets a hint without ``expected_text``; a second one shows it."""
    call()
    first = _out(capsys)
    assert first.startswith("❌ Not quite") and "💡 Hint:" in first and expected_text not in first, first
    call()
    second = _out(capsys)
    assert second.startswith("❌ Not quite") and expected_text in second and "Why:" in second, second


def test_doctest():
    result = doctest.testmod(checks.correlation)
    assert result.failed == 0 and result.attempted > 0


# ----------------------------------------------------------------------------- functions as answers
def pixel_mlp(X, W, b):
    c, h, w = X.shape
    return (W @ X.reshape(c, h * w) + b[:, None]).reshape(W.shape[0], h, w)


def pixel_mlp_loops(X, W, b):
    out = torch.empty(W.shape[0], *X.shape[1:])
    for i in range(X.shape[1]):
        for j in range(X.shape[2]):
            out[:, i, j] = W @ X[:, i, j] + b
    return out


def audio_layer(x, v, u):
    return torch.stack([u + (v * x[i:i + len(v)]).sum() for i in range(len(x) - len(v) + 1)])


def corr2d_matmul(X, K):
    k_h, k_w = K.shape
    windows = X.unfold(0, k_h, 1).unfold(1, k_w, 1)
    out_h, out_w = windows.shape[:2]
    return (windows.reshape(-1, k_h * k_w) @ K.reshape(-1)).reshape(out_h, out_w)


def corr2d_einsum(X, K):
    windows = X.unfold(0, K.shape[0], 1).unfold(1, K.shape[1], 1)
    return torch.einsum("ijab,ab->ij", windows, K)


@pytest.mark.parametrize("fn", [pixel_mlp, pixel_mlp_loops])
def test_pixelwise_mlp_right_forms_pass(fn, capsys):
    out = _right(capsys, lambda: check_pixelwise_mlp(fn))
    assert "agrees with PyTorch on 3 inputs" in out


def test_pixelwise_mlp_is_a_1x1_convolution():
    """The oracle of the check: a per-pixel dense layer equals nn.Conv2d with a 1 x 1 kernel."""
    torch.manual_seed(3)
    conv = torch.nn.Conv2d(4, 2, kernel_size=1)
    X = torch.randn(4, 5, 6)
    expected = conv(X[None])[0].detach()
    torch.testing.assert_close(pixel_mlp_loops(X, conv.weight[:, :, 0, 0].detach(), conv.bias.detach()), expected)


def test_pixelwise_mlp_wrong_answers(capsys):
    no_bias = lambda X, W, b: pixel_mlp(X, W, b * 0)  # noqa: E731
    _hint_then_solution(capsys, lambda: check_pixelwise_mlp(no_bias), "One way:")
    reset_attempts()
    conv = lambda X, W, b: F.conv2d(X[None], W[:, :, None, None], b)[0]  # noqa: E731
    check_pixelwise_mlp(conv)
    assert "calls a PyTorch convolution" in _out(capsys)
    check_pixelwise_mlp(lambda X, W, b: X.sum())
    assert "returned shape ()" in _out(capsys)


def test_audio_layer_right_and_wrong(capsys):
    _right(capsys, lambda: check_audio_layer(audio_layer))
    padded = lambda x, v, u: F.pad(audio_layer(x, v, u), (1, 1))  # noqa: E731
    check_audio_layer(padded)
    assert "expected shape (8,)" in _out(capsys)
    flipped = lambda x, v, u: audio_layer(x, v.flip(0), u)  # noqa: E731  (a convolution, not a correlation)
    check_audio_layer(flipped)
    assert "values differ" in _out(capsys)
    check_audio_layer(lambda x, v, u: F.conv1d(x[None, None], v[None, None])[0, 0] + u)
    assert "calls a PyTorch convolution" in _out(capsys)


def test_corr2d_matmul_right_forms_pass_and_shortcuts_do_not(capsys):
    for fn in (corr2d_matmul, corr2d_einsum):
        _right(capsys, lambda: check_corr2d_matmul(fn))
    check_corr2d_matmul(corr2d)  # right values, but loops and no matrix product
    assert "no matrix product was used" in _out(capsys)
    check_corr2d_matmul(lambda X, K: F.conv2d(X[None, None], K[None, None])[0, 0])
    assert "calls a PyTorch convolution" in _out(capsys)
    check_corr2d_matmul(lambda X, K: corr2d_matmul(X, K.flip(0, 1)))
    assert "values differ" in _out(capsys)


def test_a_function_that_raises_is_a_wrong_answer_not_a_crash(capsys):
    def broken(X, K):
        return X @ K  # shapes do not fit

    check_corr2d_matmul(broken)
    assert "your function raised RuntimeError" in _out(capsys)


@pytest.mark.parametrize("check", [check_pixelwise_mlp, check_audio_layer, check_corr2d_matmul])
def test_function_placeholders_get_the_reminder(check, capsys):
    def ellipsis_body(*args):
        ...

    def not_implemented(*args):
        raise NotImplementedError

    for placeholder in (..., None, ellipsis_body, not_implemented):
        check(placeholder)
        assert _out(capsys) == PLACEHOLDER + "\n"


def test_function_checks_refuse_a_non_function():
    with pytest.raises(TypeError, match="must be a function"):
        check_corr2d_matmul(torch.zeros(2, 2))
    with pytest.raises(TypeError, match="must be a function"):
        check_pixelwise_mlp(3)


# ----------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(("f", "g"), [([1, 2, 3], [4, 5, 6]), ([0.5, -1, 2, 3], [1, 1]), ([2], [3, -1, 4])])
def test_convolution_value_agrees_with_numpy_and_is_symmetric(f, g, capsys):
    full = np.convolve(f, g)
    for i, value in enumerate(full):
        for answer in (value, float(value), torch.tensor(value), np.float64(value)):
            _right(capsys, lambda: check_convolution_value(answer, f, g, i))
            _right(capsys, lambda: check_convolution_value(answer, g, f, i))  # f * g = g * f


def test_convolution_value_wrong_gets_hint_then_solution(capsys):
    correlation = float(np.correlate([1, 2, 3], [4, 5, 6], mode="full")[2])  # 32: no flip, a cross-correlation
    assert correlation != 28
    _hint_then_solution(capsys, lambda: check_convolution_value(correlation, [1, 2, 3], [4, 5, 6], 2), "= 28")


def test_convolution_value_bad_arguments():
    with pytest.raises(ValueError, match="i must be at most 4"):
        check_convolution_value(1, [1, 2, 3], [4, 5, 6], 5)
    with pytest.raises(TypeError, match="f must be a list of numbers"):
        check_convolution_value(1, "123", [4, 5, 6], 1)
    with pytest.raises(TypeError, match="i must be a whole number"):
        check_convolution_value(1, [1, 2], [4, 5], 1.0)


def _windows_reading(n: tuple[int, int], k: tuple[int, int], pixel: tuple[int, int]) -> int:
    """Count by brute force: every window position, does it contain the pixel?"""
    return sum(i <= pixel[0] < i + k[0] and j <= pixel[1] < j + k[1]
               for i in range(n[0] - k[0] + 1) for j in range(n[1] - k[1] + 1))


@pytest.mark.parametrize(("n", "k"), [((8, 8), (3, 3)), ((5, 7), (2, 3)), ((4, 4), (4, 4)), ((6, 6), (1, 1))])
def test_window_count_agrees_with_brute_force(n, k, capsys):
    for pixel in [(0, 0), (n[0] // 2, n[1] // 2), (n[0] - 1, 1), (1, n[1] - 1)]:
        expected = _windows_reading(n, k, pixel)
        _right(capsys, lambda: check_window_count(expected, n, k, pixel))
        _right(capsys, lambda: check_window_count(torch.tensor(float(expected)), n, k, pixel))


def test_window_count_wrong_and_bad_arguments(capsys):
    _hint_then_solution(capsys, lambda: check_window_count(9, 8, 3, (0, 0)), "= 1 window reads pixel (0, 0)")
    with pytest.raises(ValueError, match="outside the 8 x 8 image"):
        check_window_count(1, 8, 3, (8, 0))
    with pytest.raises(TypeError, match="pixel must be"):
        check_window_count(1, 8, 3, 4)
    with pytest.raises(ValueError):
        check_window_count(1, 2, 3, (0, 0))  # the kernel does not fit


@pytest.mark.parametrize("order", range(1, 6))
def test_derivative_kernel_size_agrees_with_numpy_differences(order, capsys):
    """np.diff applied ``order`` times to an impulse gives the smallest difference kernel: order + 1 taps."""
    impulse = np.zeros(2 * order + 1)
    impulse[order] = 1
    taps = np.flatnonzero(np.diff(impulse, n=order)).size
    _right(capsys, lambda: check_derivative_kernel_size(taps, order=order))
    _right(capsys, lambda: check_derivative_kernel_size(float(taps), order=order))


def test_derivative_kernel_size_as_a_function(capsys):
    _right(capsys, lambda: check_derivative_kernel_size(lambda d: d + 1))
    _hint_then_solution(capsys, lambda: check_derivative_kernel_size(lambda d: 2 * d + 1), "order 3: 4")
    _hint_then_solution(capsys, lambda: check_derivative_kernel_size(2, order=2), "order 2: 3")
    with pytest.raises(ValueError, match="order must be >= 1"):
        check_derivative_kernel_size(1, order=0)


# ----------------------------------------------------------------------------- kernels by hand
@pytest.mark.parametrize("v", [(1, 0), (0, 1), (1, 1), (2, -1), (0.5, 3)])
def test_directional_kernel_passes_the_directional_difference_and_rotations_fail(v, capsys):
    v1, v2 = v
    K = torch.tensor([[-(v1 + v2), v1], [v2, 0.0]])
    _right(capsys, lambda: check_directional_kernel(K, v))
    _right(capsys, lambda: check_directional_kernel(-3 * K, v))  # either sign, any scale
    # an independent test of what the check claims: a ramp along (v2, -v1) gives 0, along v it does not
    rows, cols = torch.meshgrid(torch.arange(6.0), torch.arange(6.0), indexing="ij")
    along_edge = F.conv2d((v2 * cols - v1 * rows)[None, None], K[None, None])
    across = F.conv2d((v1 * cols + v2 * rows)[None, None], K[None, None])
    assert torch.allclose(along_edge, torch.zeros(1)) and across.abs().min() > 0
    rotated = torch.tensor([[-(v2 - v1), v2], [-v1, 0.0]])  # sees changes along (v2, -v1) instead
    reset_attempts()
    check_directional_kernel(rotated, v)
    assert "not proportional" in _out(capsys)


def test_directional_kernel_wrong_forms(capsys):
    _hint_then_solution(capsys, lambda: check_directional_kernel(torch.tensor([[1.0, 1.0]]), (1, 0)),
                        "v1·(right − here)")
    check_directional_kernel([[1, -1]], (1, 0))
    assert "expected a 1-D or 2-D tensor" in _out(capsys)
    with pytest.raises(ValueError, match="non-zero direction"):
        check_directional_kernel(torch.ones(1, 2), (0, 0))
    with pytest.raises(TypeError, match="v must be a direction"):
        check_directional_kernel(torch.ones(1, 2), 1)


def test_second_difference_agrees_with_numpy_and_rejects_first_differences(capsys):
    second = torch.tensor(np.diff([0.0, 0, 1, 0, 0], n=2))  # NumPy's second difference of an impulse
    samples = np.random.default_rng(0).normal(size=12)
    assert np.allclose(np.correlate(samples, second.numpy(), mode="valid"), np.diff(samples, n=2))
    assert np.allclose(np.correlate(np.arange(10.0) ** 2, second.numpy(), mode="valid"), 2)  # f'' of t² is 2
    for answer in (second, second[None], torch.tensor([[0.0, 1, -2, 1]])):
        _right(capsys, lambda: check_second_difference(answer))
    _hint_then_solution(capsys, lambda: check_second_difference(torch.tensor([1.0, -1.0])), "[1.0, -2.0, 1.0]")
    reset_attempts()
    check_second_difference(torch.tensor([-1.0, 2, -1]))  # the negative second derivative
    assert "gives 0, 0, -2 instead of 0, 0, 2" in _out(capsys)
    check_second_difference(torch.ones(3, 3))
    assert "expected a 1-D or 2-D tensor" in _out(capsys)


def test_blur_kernel_right_and_wrong(capsys):
    for K in (torch.full((3, 3), 1 / 9), torch.tensor([0.25, 0.5, 0.25]), torch.tensor([[1.0, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16):
        out = _right(capsys, lambda: check_blur_kernel(K))
        assert "drops to" in out
    _hint_then_solution(capsys, lambda: check_blur_kernel(torch.ones(3, 3)), "box of ninths")
    reset_attempts()
    check_blur_kernel(torch.tensor([[0.0, 1.0, 0.0]]))
    assert "single non-zero weight" in _out(capsys)
    check_blur_kernel(torch.tensor([[-1.0, 3.0, -1.0]]))
    assert "negative weight" in _out(capsys)


def test_blur_kernel_reports_the_noise_it_removes(capsys):
    K = torch.full((3, 3), 1 / 9)
    noise = torch.randn(32, 32, generator=torch.Generator().manual_seed(0)).double()
    expected = F.avg_pool2d(noise[None, None], 3, stride=1)[0, 0].std()  # a box blur is a stride-1 mean pooling
    out = _right(capsys, lambda: check_blur_kernel(K))
    assert f"drops to {expected:.2f}" in out


def test_show_solution_after_a_first_wrong_try(capsys):
    check_window_count(4, 8, 3, (0, 0))
    _out(capsys)
    show_solution()
    assert _out(capsys).startswith("Solution: 1.")
