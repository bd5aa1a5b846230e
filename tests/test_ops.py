"""course_utils.ops against PyTorch as the oracle (F.conv2d, F.max_pool2d, F.avg_pool2d)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from torch import nn
from torch.testing import assert_close

from course_utils.ops import (
    Conv2D,
    comp_conv2d,
    corr2d,
    corr2d_multi_in,
    corr2d_multi_in_out,
    corr2d_multi_in_out_1x1,
    corr2d_vectorized,
    pool2d,
    pool2d_vectorized,
)
from course_utils.shapes import conv_output_shape, pool_output_shape

FAST = settings(max_examples=40, deadline=None)


def conv2d_2d(X: torch.Tensor, K: torch.Tensor, **kwargs) -> torch.Tensor:
    """F.conv2d for one image and one kernel, (H, W) and (k_h, k_w)."""
    return F.conv2d(X[None, None], K[None, None], **kwargs)[0, 0]


# ---------------------------------------------------------------------------
# The book's loops
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x_shape", "k_shape"), [((3, 3), (2, 2)), ((6, 8), (1, 2)), ((7, 5), (3, 4)), ((4, 4), (4, 4))]
)
def test_corr2d_matches_conv2d(x_shape, k_shape):
    X, K = torch.randn(x_shape), torch.randn(k_shape)
    assert_close(corr2d(X, K), conv2d_2d(X, K))


def test_corr2d_keeps_dtype_and_accepts_views():
    X, K = torch.randn(5, 6, dtype=torch.float64), torch.randn(2, 3, dtype=torch.float64)
    assert corr2d(X, K).dtype == torch.float64
    assert_close(corr2d(X.t(), K.t()), conv2d_2d(X.t(), K.t()))  # non-contiguous views


def test_conv2d_layer():
    torch.manual_seed(0)
    layer = Conv2D((1, 2))
    assert layer.weight.shape == (1, 2) and torch.equal(layer.bias.detach(), torch.zeros(1))
    assert ((layer.weight >= 0) & (layer.weight < 1)).all()  # torch.rand
    assert Conv2D(3).weight.shape == (3, 3)
    X = torch.randn(6, 8)
    with torch.no_grad():
        layer.bias.fill_(0.5)
    Y = layer(X)
    assert_close(Y, corr2d(X, layer.weight.detach()) + 0.5)
    Y.sum().backward()  # the loops are differentiable
    assert layer.weight.grad is not None and layer.bias.grad is not None
    assert_close(layer.bias.grad, torch.tensor([float(Y.numel())]))


def test_comp_conv2d():
    torch.manual_seed(0)
    conv = nn.Conv2d(1, 1, kernel_size=3, padding=1)
    X = torch.rand(8, 8)
    assert_close(comp_conv2d(conv, X), conv(X[None, None])[0, 0])


def test_multi_in_and_out_match_conv2d():
    X, K = torch.randn(3, 6, 5), torch.randn(4, 3, 2, 3)
    Y = corr2d_multi_in_out(X, K)
    assert Y.shape == (4, 5, 3)
    assert_close(Y, F.conv2d(X[None], K)[0])
    assert_close(corr2d_multi_in(X, K[0]), F.conv2d(X[None], K[:1])[0, 0])


def test_1x1_matches_multi_in_out_and_conv2d():
    X, K = torch.randn(3, 4, 5), torch.randn(2, 3, 1, 1)
    assert_close(corr2d_multi_in_out_1x1(X, K), corr2d_multi_in_out(X, K))
    assert_close(corr2d_multi_in_out_1x1(X, K), F.conv2d(X[None], K)[0])


# ---------------------------------------------------------------------------
# corr2d_vectorized
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x_shape", "k_shape", "reference"),
    [
        ((7, 6), (3, 2), lambda X, K, kw: F.conv2d(X[None, None], K[None, None], **kw)[0, 0]),
        ((2, 7, 6), (2, 3, 2), lambda X, K, kw: F.conv2d(X[None], K[None], **kw)[0, 0]),
        ((2, 7, 6), (3, 2, 3, 2), lambda X, K, kw: F.conv2d(X[None], K, **kw)[0]),
        ((4, 2, 7, 6), (3, 2, 3, 2), lambda X, K, kw: F.conv2d(X, K, **kw)),
    ],
    ids=["HW", "CHW-CKK", "CHW-OCKK", "NCHW"],
)
@pytest.mark.parametrize(
    "kwargs",
    [{}, dict(padding=1), dict(stride=2), dict(padding=(2, 1), stride=(1, 3), dilation=(2, 1)), dict(dilation=2)],
)
def test_corr2d_vectorized_layouts(x_shape, k_shape, reference, kwargs):
    X, K = torch.randn(x_shape), torch.randn(k_shape)
    assert_close(corr2d_vectorized(X, K, **kwargs), reference(X, K, kwargs))


def test_corr2d_vectorized_gradients_match_conv2d():
    X = torch.randn(2, 3, 6, 7, dtype=torch.float64, requires_grad=True)
    K = torch.randn(4, 3, 3, 2, dtype=torch.float64, requires_grad=True)
    kwargs = dict(padding=1, stride=(2, 1), dilation=(1, 2))
    ours = torch.autograd.grad(corr2d_vectorized(X, K, **kwargs).square().sum(), (X, K))
    theirs = torch.autograd.grad(F.conv2d(X, K, **kwargs).square().sum(), (X, K))
    assert_close(ours, theirs)


@st.composite
def conv_problems(draw):
    """Random (X, K, padding, stride, dilation) for which the kernel fits the padded input."""
    n, c_in, c_out = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    k = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    p = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    d = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    assume(all(d[a] * (k[a] - 1) + 1 <= (h, w)[a] + 2 * p[a] for a in (0, 1)))
    seed = draw(st.integers(0, 2**16))
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(n, c_in, h, w, generator=gen, dtype=torch.float64)
    K = torch.randn(c_out, c_in, *k, generator=gen, dtype=torch.float64)
    return X, K, p, s, d


@FAST
@given(conv_problems())
def test_corr2d_vectorized_matches_conv2d(problem):
    X, K, p, s, d = problem
    Y = corr2d_vectorized(X, K, padding=p, stride=s, dilation=d)
    assert_close(Y, F.conv2d(X, K, padding=p, stride=s, dilation=d))
    assert tuple(Y.shape[2:]) == conv_output_shape(tuple(X.shape[2:]), tuple(K.shape[2:]), p, s, d)


@FAST
@given(h=st.integers(1, 8), w=st.integers(1, 8), kh=st.integers(1, 4), kw=st.integers(1, 4), seed=st.integers(0, 999))
def test_corr2d_loops_match_vectorized(h, w, kh, kw, seed):
    assume(kh <= h and kw <= w)
    gen = torch.Generator().manual_seed(seed)
    X, K = torch.randn(h, w, generator=gen), torch.randn(kh, kw, generator=gen)
    assert_close(corr2d(X, K), corr2d_vectorized(X, K))


# ---------------------------------------------------------------------------
# Pooling
# ---------------------------------------------------------------------------


def torch_pool(X: torch.Tensor, mode: str, k, padding, stride) -> torch.Tensor:
    """F.max_pool2d / F.avg_pool2d on (H, W), (C, H, W) or (N, C, H, W)."""
    X4 = X.reshape((1,) * (4 - X.dim()) + tuple(X.shape))
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    Y = pool(X4, k, stride=stride, padding=padding)  # avg: count_include_pad=True by default
    return Y.reshape(X.shape[:-2] + Y.shape[-2:])


@pytest.mark.parametrize("pool", [pool2d, pool2d_vectorized])
@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("shape", [(5, 6), (3, 5, 6), (2, 3, 5, 6)])
@pytest.mark.parametrize(("k", "padding", "stride"), [(2, 0, 1), (3, 1, 2), ((2, 3), (0, 1), (2, 3)), (3, 1, 1)])
def test_pool_matches_torch(pool, mode, shape, k, padding, stride):
    X = torch.randn(shape)
    assert_close(pool(X, k, mode, padding=padding, stride=stride), torch_pool(X, mode, k, padding, stride))


def test_pool_default_stride_is_one_unlike_max_pool2d():
    X = torch.arange(16.0).reshape(4, 4)
    assert pool2d(X, (2, 2)).shape == (3, 3)  # the book's function: stride 1
    assert nn.MaxPool2d(2)(X[None, None]).shape[2:] == (2, 2)  # PyTorch: stride = window


def test_max_pool_padding_never_wins():
    X = -torch.ones(3, 3)  # all negative: zero padding would win, -inf padding does not
    assert torch.equal(pool2d(X, 3, padding=1), -torch.ones(3, 3))
    assert torch.equal(pool2d(X, 3, "avg", padding=1)[0, 0], torch.tensor(-4 / 9))  # zeros count in the mean


@st.composite
def pool_problems(draw):
    h, w = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    k = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    p = (draw(st.integers(0, k[0] // 2)), draw(st.integers(0, k[1] // 2)))
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    assume(all(k[a] <= (h, w)[a] + 2 * p[a] for a in (0, 1)))
    gen = torch.Generator().manual_seed(draw(st.integers(0, 2**16)))
    X = torch.randn(draw(st.integers(1, 3)), h, w, generator=gen, dtype=torch.float64)
    return X, k, p, s, draw(st.sampled_from(["max", "avg"]))


@FAST
@given(pool_problems())
def test_pool2d_matches_torch_random(problem):
    X, k, p, s, mode = problem
    expected = torch_pool(X, mode, k, p, s)
    assert_close(pool2d(X, k, mode, padding=p, stride=s), expected)
    assert_close(pool2d_vectorized(X, k, mode, padding=p, stride=s), expected)
    assert tuple(expected.shape[-2:]) == pool_output_shape(tuple(X.shape[-2:]), k, p, s)


def test_pool2d_is_differentiable():
    X = torch.randn(4, 4, requires_grad=True)
    pool2d(X, 2, "avg").sum().backward()
    windows_per_pixel = torch.tensor([[1.0, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])
    assert_close(X.grad, windows_per_pixel / 4)


# ---------------------------------------------------------------------------
# Bad input: a clear error that names the value received and a remedy
# ---------------------------------------------------------------------------

X3, K2 = torch.rand(3, 3), torch.rand(2, 2)
NOTES_X = torch.tensor([[[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]],
                         [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]])  # 7.4: one pair of brackets too many
NOTES_K = torch.tensor([[[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]]])

BAD_INPUTS = {
    "kernel larger than input": (
        lambda: corr2d(X3, torch.rand(5, 5)), ValueError,
        r"kernel 5x5 is larger than the input 3x3: add padding or use a smaller kernel"),
    "kernel larger than padded input": (
        lambda: corr2d_vectorized(X3, torch.rand(6, 6), padding=1), ValueError,
        r"kernel 6x6 is larger than the padded input 5x5 \(input 3x3, padding 1x1\): "
        r"add padding or use a smaller kernel"),
    "dilated kernel too large": (
        lambda: corr2d_vectorized(X3, K2, dilation=3), ValueError,
        r"kernel 2x2 with dilation 3x3 spans 4x4 and is larger than the input 3x3"),
    "pool window larger than input": (
        lambda: pool2d(X3, (4, 4)), ValueError, r"kernel 4x4 is larger than the input 3x3: add padding"),
    "stride 0": (lambda: corr2d_vectorized(X3, K2, stride=0), ValueError, r"stride must be >= 1, got 0: use stride=1"),
    "negative pool stride": (lambda: pool2d(X3, 2, stride=(1, -1)), ValueError, r"stride must be >= 1, got \(1, -1\)"),
    "pool size 0": (lambda: pool2d(X3, (0, 2)), ValueError, r"pool_size must be >= 1, got \(0, 2\)"),
    "conv kernel size 0": (lambda: Conv2D((0, 2)), ValueError, r"kernel_size must be >= 1, got \(0, 2\)"),
    "empty kernel tensor": (
        lambda: corr2d(X3, torch.rand(0, 2)), ValueError, r"kernel_size must be >= 1, got \(0, 2\)"),
    "dilation 0": (
        lambda: corr2d_vectorized(X3, K2, dilation=0), ValueError,
        r"dilation must be >= 1, got 0: use dilation=1"),
    "negative padding": (
        lambda: corr2d_vectorized(X3, K2, padding=-1), ValueError,
        r"padding must be >= 0, got -1: use padding=0"),
    "pool padding over half": (
        lambda: pool2d(X3, 2, padding=2), ValueError, r"padding 2x2 is more than half the pooling window 2x2"),
    "bool size": (
        lambda: pool2d(X3, True), TypeError,
        r"pool_size must be an int or a pair of ints .*got True \(bool\)"),
    "bool stride": (lambda: corr2d_vectorized(X3, K2, stride=True), TypeError, r"stride must be an int .*got True"),
    "corr2d 3-D X": (
        lambda: corr2d(torch.rand(1, 3, 3), K2), ValueError,
        r"X must have shape \(height, width\), got shape \(1, 3, 3\) \(3-D\): for channels use corr2d_multi_in; "
        r"drop the batch dimension with X\[0\] or X.squeeze\(0\)"),
    "corr2d 1-D K": (
        lambda: corr2d(X3, torch.rand(2)), ValueError,
        r"K must have shape \(height, width\), got shape \(2,\)"),
    "notes 7.4: 4-D X to corr2d_multi_in": (
        lambda: corr2d_multi_in(NOTES_X, NOTES_K[0]), ValueError,
        r"X must have shape \(channels, height, width\), got shape \(1, 2, 3, 3\) \(4-D\): "
        r"drop the batch dimension with X\[0\] or X.squeeze\(0\)"),
    "notes 7.4: 4-D K to corr2d_multi_in": (
        lambda: corr2d_multi_in(NOTES_X[0], NOTES_K), ValueError,
        r"K must have shape \(channels, height, width\), got shape \(1, 2, 2, 2\) \(4-D\): "
        r"drop the extra dimension with K\[0\]"),
    "notes 7.4: 4-D X to corr2d_multi_in_out": (
        lambda: corr2d_multi_in_out(NOTES_X, torch.rand(3, 2, 2, 2)), ValueError, r"got shape \(1, 2, 3, 3\) .*X\[0\]"),
    "3-D K to corr2d_multi_in_out": (
        lambda: corr2d_multi_in_out(NOTES_X[0], NOTES_K[0]), ValueError,
        r"K must have shape \(C_out, C_in, k_h, k_w\), got shape \(2, 2, 2\) \(3-D\): "
        r"for one output channel use corr2d_multi_in"),
    "5-D X to corr2d_vectorized": (
        lambda: corr2d_vectorized(torch.rand(1, 1, 1, 3, 3), K2), ValueError,
        r"got X of shape \(1, 1, 1, 3, 3\) and K of shape \(2, 2\); "
        r"the valid shapes are: X \(H, W\) with K \(k_h, k_w\)"),
    "pool 5-D X": (lambda: pool2d(torch.rand(1, 1, 1, 3, 3), 2), ValueError, r"got shape \(1, 1, 1, 3, 3\) \(5-D\)"),
    "comp_conv2d 3-D X": (
        lambda: comp_conv2d(nn.Conv2d(1, 1, 3), torch.rand(1, 8, 8)), ValueError,
        r"X must have shape \(height, width\), got shape \(1, 8, 8\).*adds the batch and channel dimensions itself"),
    "comp_conv2d not a layer": (lambda: comp_conv2d(3, torch.rand(8, 8)), TypeError, r"conv2d must be a layer .*got 3"),
    "channel mismatch multi_in": (
        lambda: corr2d_multi_in(torch.rand(2, 3, 3), torch.rand(3, 2, 2)), ValueError,
        r"X has 2 input channels but K has 3 \(K.shape = \(3, 2, 2\)\): "
        r"K must have shape \(C_in, k_h, k_w\) with C_in = 2"),
    "channel mismatch multi_in_out": (
        lambda: corr2d_multi_in_out(torch.rand(2, 3, 3), torch.rand(4, 3, 2, 2)), ValueError,
        r"X has 2 input channels but K has 3 .*\(C_out, C_in, k_h, k_w\) with C_in = 2"),
    "channel mismatch vectorized": (
        lambda: corr2d_vectorized(torch.rand(1, 2, 3, 3), torch.rand(4, 3, 2, 2)), ValueError,
        r"X has 2 input channels but K has 3"),
    "channel mismatch 1x1": (
        lambda: corr2d_multi_in_out_1x1(torch.rand(2, 3, 3), torch.rand(4, 3, 1, 1)), ValueError,
        r"X has 2 input channels but K has 3"),
    "1x1 with a 3x3 kernel": (
        lambda: corr2d_multi_in_out_1x1(torch.rand(2, 3, 3), torch.rand(4, 2, 3, 3)), ValueError,
        r"K must be a 1x1 kernel, got 3x3: use corr2d_multi_in_out"),
    "unknown mode": (
        lambda: pool2d(X3, 2, mode="mean"), ValueError,
        r"mode must be one of \('max', 'avg'\), got 'mean'"),
    "unknown mode vectorized": (
        lambda: pool2d_vectorized(X3, 2, mode="MAX"), ValueError, r"mode must be one of \('max', 'avg'\), got 'MAX'"),
    "list X": (
        lambda: corr2d([[0.0, 1.0], [2.0, 3.0]], K2), TypeError,
        r"X must be a torch.Tensor, got a list: wrap it with torch.tensor\(X, dtype=torch.float32\)"),
    "numpy K": (
        lambda: corr2d(X3, np.ones((2, 2))), TypeError,
        r"K must be a torch.Tensor, got a ndarray: convert it with torch.from_numpy\(K\).float\(\)"),
    "list X to pool2d": (lambda: pool2d([[1.0, 2.0]], 1), TypeError, r"X must be a torch.Tensor, got a list"),
    "int64 X to pool2d": (
        lambda: pool2d(torch.arange(16).reshape(4, 4), 2, "avg"), TypeError,
        r"X has dtype torch.int64, but a floating-point tensor is needed: create it with dtype=torch.float32 "
        r"\(e.g. torch.arange\(16, dtype=torch.float32\)\) or use X.float\(\)"),
    "int64 K to corr2d": (
        lambda: corr2d(X3, torch.ones(2, 2, dtype=torch.int64)), TypeError,
        r"K has dtype torch.int64"),
    "int X to comp_conv2d": (lambda: comp_conv2d(nn.Conv2d(1, 1, 3), torch.ones(8, 8, dtype=torch.int32)), TypeError,
                             r"X has dtype torch.int32.*X.float\(\)"),
    "dtype mismatch": (
        lambda: corr2d_vectorized(X3, K2.double()), TypeError,
        r"X has dtype torch.float32 but K has dtype torch.float64: convert one, e.g. K = K.to\(X.dtype\)"),
}


@pytest.mark.parametrize(("call", "error", "match"), BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match) as info:
        call()
    # raised at the public entry point, by our checks, not from deep inside torch
    assert info.traceback[-1].path.name in ("ops.py", "shapes.py")


def test_sizes_accept_numpy_integers_and_refuse_bools():
    """One meaning of "an integer" (course_utils.validate): NumPy ints work, bool and NumPy bool do not."""
    X = torch.arange(36.0).reshape(6, 6)
    expected = pool2d(X, 3, padding=1, stride=2)
    for pool in (pool2d, pool2d_vectorized):
        assert_close(pool(X, np.int64(3), padding=np.int32(1), stride=(np.int64(2), 2)), expected)
    assert Conv2D(np.int64(3)).weight.shape == (3, 3)
    assert_close(corr2d_vectorized(X, torch.ones(2, 2), dilation=np.int16(2)), conv2d_2d(X, torch.ones(2, 2), dilation=2))
    for bad in (True, np.bool_(True)):
        with pytest.raises(TypeError, match=r"pool_size must be an int or a pair of ints"):
            pool2d(X, bad)
        with pytest.raises(TypeError, match=r"stride must be an int or a pair of ints"):
            corr2d_vectorized(X, torch.ones(2, 2), stride=(1, bad))


def test_the_channel_functions_share_one_argument_check():
    """corr2d_multi_in, corr2d_multi_in_out and the 1x1 version check X and K in one place, with their own layouts."""
    X = torch.rand(2, 3, 3)
    with pytest.raises(TypeError, match=r"K must be a torch.Tensor, got a list"):
        corr2d_multi_in(X, [[0.0]])
    with pytest.raises(TypeError, match=r"X has dtype torch.int64"):
        corr2d_multi_in_out(torch.ones(2, 3, 3, dtype=torch.int64), torch.rand(1, 2, 2, 2))
    with pytest.raises(ValueError, match=r"K must have shape \(C_out, C_in, 1, 1\), got shape \(2, 1, 1\) \(3-D\)$"):
        corr2d_multi_in_out_1x1(X, torch.rand(2, 1, 1))
    with pytest.raises(ValueError, match=r"X has 2 input channels but K has 3 .*K must have shape \(C_in, k_h, k_w\)"):
        corr2d_multi_in(X, torch.rand(3, 2, 2))


def test_flags_take_numpy_bools_of_numpy_1_and_2_and_refuse_numbers():
    from course_utils import validate

    assert validate.flag(np.bool_(True), "draw") is True and validate.flag(np.array([False])[0], "draw") is False
    for bad in (1, np.int64(1), "yes", None):
        with pytest.raises(TypeError, match=r"draw must be True or False"):
            validate.flag(bad, "draw")
