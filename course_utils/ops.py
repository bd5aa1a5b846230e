"""Cross-correlation and pooling, as the book writes them and vectorised (D2L 7.2-7.5).

The book's functions keep the book's names and stay readable loops, so a student can
follow them line by line: :func:`corr2d` (7.2.1), :class:`Conv2D` (7.2.2),
:func:`comp_conv2d` (7.3.1), :func:`corr2d_multi_in`, :func:`corr2d_multi_in_out`,
:func:`corr2d_multi_in_out_1x1` (7.4) and :func:`pool2d` (7.5.1, here with padding and
stride). Beside them, :func:`corr2d_vectorized` and :func:`pool2d_vectorized` compute
the same numbers from strided views of the input (no loop in Python, no ``F.conv2d``),
hundreds of times faster; the tests check all of them against ``F.conv2d``,
``F.max_pool2d`` and ``F.avg_pool2d``.

Every function checks its arguments first and raises ``TypeError``/``ValueError``
naming what it received and how to fix it, instead of a traceback from inside torch.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from course_utils.shapes import IntOrPair, _pair, conv_output_shape, dilated_kernel_size, pool_output_shape

__all__ = [
    "corr2d",
    "Conv2D",
    "comp_conv2d",
    "corr2d_multi_in",
    "corr2d_multi_in_out",
    "corr2d_multi_in_out_1x1",
    "pool2d",
    "corr2d_vectorized",
    "pool2d_vectorized",
]

POOL_MODES = ("max", "avg")


# ---------------------------------------------------------------------------
# Argument checks (one place; the shape checks live in course_utils.shapes)
# ---------------------------------------------------------------------------


def _check_tensor(value: object, name: str) -> torch.Tensor:
    """``value`` must be a floating-point tensor (the ops compute means and products)."""
    if not isinstance(value, torch.Tensor):
        kind = type(value).__name__
        if type(value).__module__ == "numpy":
            remedy = f"convert it with torch.from_numpy({name}).float()"
        else:
            remedy = f"wrap it with torch.tensor({name}, dtype=torch.float32)"
        raise TypeError(f"{name} must be a torch.Tensor, got a {kind}: {remedy}")
    if not value.is_floating_point():
        raise TypeError(
            f"{name} has dtype {value.dtype}, but a floating-point tensor is needed: create it "
            f"with dtype=torch.float32 (e.g. torch.arange(16, dtype=torch.float32)) or use {name}.float()"
        )
    return value


def _check_rank(X: torch.Tensor, name: str, ranks: tuple[int, ...], layout: str, hint: str = "") -> None:
    if X.dim() not in ranks:
        raise ValueError(
            f"{name} must have shape {layout}, got shape {tuple(X.shape)} ({X.dim()}-D)"
            + (f": {hint}" if hint else "")
        )


def _check_same_kind(X: torch.Tensor, K: torch.Tensor) -> None:
    """X and K must share a dtype and a device (PyTorch would raise deep inside)."""
    if X.dtype != K.dtype:
        raise TypeError(f"X has dtype {X.dtype} but K has dtype {K.dtype}: convert one, e.g. K = K.to(X.dtype)")
    if X.device != K.device:
        raise ValueError(f"X is on {X.device} but K is on {K.device}: move one, e.g. K = K.to(X.device)")


def _check_channels(X_channels: int, K_channels: int, K_shape: tuple[int, ...], layout: str) -> None:
    if X_channels != K_channels:
        raise ValueError(
            f"X has {X_channels} input channels but K has {K_channels} (K.shape = {K_shape}): "
            f"K must have shape {layout} with C_in = {X_channels}"
        )


_BATCH_HINT = "drop the batch dimension with X[0] or X.squeeze(0)"


def _check_channel_args(X: object, K: object, k_rank: int, k_shape: str, k_channels: str, k_hint: str = "") -> None:
    """The 7.4 functions: X a float tensor (C_in, h, w); K a float tensor with ``k_rank`` dimensions,
    ``(C_in, k_h, k_w)`` (3) or ``(C_out, C_in, k_h, k_w)`` (4), whose C_in matches X's."""
    _check_tensor(X, "X")
    _check_tensor(K, "K")
    _check_rank(X, "X", (3,), "(channels, height, width)", _BATCH_HINT)  # type: ignore[arg-type]
    _check_rank(K, "K", (k_rank,), k_shape, k_hint)  # type: ignore[arg-type]
    _check_channels(X.shape[0], K.shape[k_rank - 3], tuple(K.shape), k_channels)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------
# 7.2 The book's loops
# ---------------------------------------------------------------------------


def corr2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """Two-dimensional cross-correlation of ``X`` (h x w) with ``K`` (k_h x k_w) (D2L 7.2.1).

    ``Y[i, j] = sum_a sum_b X[i + a, j + b] * K[a, b]``; ``Y`` has shape
    ``(h - k_h + 1, w - k_w + 1)``. The book's two loops; see :func:`corr2d_vectorized`
    for the fast version with padding, stride, dilation and channels.

    >>> X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
    >>> K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    >>> corr2d(X, K)
    tensor([[19., 25.],
            [37., 43.]])
    """
    _check_tensor(X, "X")
    _check_tensor(K, "K")
    _check_rank(X, "X", (2,), "(height, width)", "for channels use corr2d_multi_in; " + _BATCH_HINT)
    _check_rank(K, "K", (2,), "(height, width)", "for channels use corr2d_multi_in")
    _check_same_kind(X, K)
    conv_output_shape(tuple(X.shape), tuple(K.shape))  # raises if K does not fit in X
    h, w = K.shape
    Y = X.new_zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y


class Conv2D(nn.Module):
    """The book's convolutional layer: ``corr2d(X, weight) + bias`` (D2L 7.2.2).

    ``weight`` starts uniform in [0, 1) (``torch.rand``), ``bias`` at zero.
    """

    def __init__(self, kernel_size: IntOrPair) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.rand(_pair(kernel_size, "kernel_size", 1)))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return corr2d(X, self.weight) + self.bias


def comp_conv2d(conv2d: Callable[[torch.Tensor], torch.Tensor], X: torch.Tensor) -> torch.Tensor:
    """Apply a conv layer to one single-channel image ``X`` (h x w); return h' x w' (D2L 7.3.1).

    Adds the batch and channel dimensions (``(1, 1) + X.shape``) and strips them after.

    >>> conv2d = nn.Conv2d(1, 1, kernel_size=3, padding=1)
    >>> comp_conv2d(conv2d, torch.rand(8, 8)).shape
    torch.Size([8, 8])
    """
    if not callable(conv2d):
        raise TypeError(f"conv2d must be a layer such as nn.LazyConv2d(1, kernel_size=3), got {conv2d!r}")
    _check_tensor(X, "X")
    _check_rank(X, "X", (2,), "(height, width)", "comp_conv2d adds the batch and channel dimensions itself")
    X = X.reshape((1, 1) + X.shape)  # (1, 1) = batch size and number of channels
    Y = conv2d(X)
    return Y.reshape(Y.shape[2:])  # strip the example and channel dimensions


# ---------------------------------------------------------------------------
# 7.4 Multiple input and output channels
# ---------------------------------------------------------------------------


def corr2d_multi_in(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """Cross-correlation summed over input channels: X (C, h, w), K (C, k_h, k_w) (D2L 7.4.1).

    ``Y = sum_c corr2d(X[c], K[c])``, shape ``(h - k_h + 1, w - k_w + 1)``.
    (The study notes build X and K with an extra pair of brackets, shape
    (1, 2, 3, 3): that 4-D X is refused here with the remedy ``X[0]``.)

    >>> X = torch.tensor([[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]],
    ...                   [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]])
    >>> K = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])
    >>> corr2d_multi_in(X, K)
    tensor([[ 56.,  72.],
            [104., 120.]])
    """
    _check_channel_args(
        X, K, 3, "(channels, height, width)", "(C_in, k_h, k_w)",
        "drop the extra dimension with K[0] or K.squeeze(0); for several output channels use corr2d_multi_in_out",
    )
    # Iterate through the 0th dimension (channel) of K first, then add them up
    return sum(corr2d(x, k) for x, k in zip(X, K))  # type: ignore[return-value]


def corr2d_multi_in_out(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """One :func:`corr2d_multi_in` per output channel: K (C_out, C_in, k_h, k_w) (D2L 7.4.2).

    Returns shape ``(C_out, h', w')`` -- 3-D, not 4-D as printed in the study notes.
    """
    _check_channel_args(
        X, K, 4, "(C_out, C_in, k_h, k_w)", "(C_out, C_in, k_h, k_w)",
        "for one output channel use corr2d_multi_in, or add the dimension with K.unsqueeze(0)",
    )
    # Iterate through the 0th dimension of K, and each time, perform
    # cross-correlation operations with input X. All of the results are stacked together
    return torch.stack([corr2d_multi_in(X, k) for k in K], 0)


def corr2d_multi_in_out_1x1(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """A 1x1 convolution as one matrix product: (C_out, C_in) @ (C_in, h*w) (D2L 7.4.3).

    Same result as ``corr2d_multi_in_out(X, K)`` for K of shape (C_out, C_in, 1, 1).
    """
    _check_channel_args(X, K, 4, "(C_out, C_in, 1, 1)", "(C_out, C_in, 1, 1)")
    if K.shape[2:] != (1, 1):
        raise ValueError(f"K must be a 1x1 kernel, got {K.shape[2]}x{K.shape[3]}: use corr2d_multi_in_out")
    _check_same_kind(X, K)
    c_i, h, w = X.shape
    c_o = K.shape[0]
    X = X.reshape((c_i, h * w))
    K = K.reshape((c_o, c_i))
    # Matrix multiplication in the fully connected layer
    Y = torch.matmul(K, X)
    return Y.reshape((c_o, h, w))


# ---------------------------------------------------------------------------
# 7.5 Pooling
# ---------------------------------------------------------------------------


def _check_pool_args(
    X: object, pool_size: IntOrPair, mode: str, padding: IntOrPair, stride: IntOrPair
) -> tuple[torch.Tensor, tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Shared by both pool functions: returns X, pool size, padding, stride, output size."""
    X = _check_tensor(X, "X")
    _check_rank(X, "X", (2, 3, 4), "(height, width), (channels, height, width) or (N, C, H, W)")
    if mode not in POOL_MODES:
        raise ValueError(f"mode must be one of {POOL_MODES}, got {mode!r}")
    k = _pair(pool_size, "pool_size", 1)
    pad = _pair(padding, "padding", 0)
    s = _pair(stride, "stride", 1)
    out = pool_output_shape(tuple(X.shape[-2:]), k, padding=pad, stride=s)  # raises on bad sizes
    return X, k, pad, s, out


def pool2d(
    X: torch.Tensor, pool_size: IntOrPair, mode: str = "max", padding: IntOrPair = 0, stride: IntOrPair = 1
) -> torch.Tensor:
    """Maximum or average pooling with the book's two loops, plus padding and stride (D2L 7.5).

    ``Y[..., i, j] = max`` (or ``mean``) of the window
    ``X_pad[..., i*s_h : i*s_h + p_h, j*s_w : j*s_w + p_w]``.

    * ``stride`` defaults to 1, like the book's function -- unlike ``nn.MaxPool2d``,
      whose stride defaults to the window size.
    * ``mode='max'`` pads with ``-inf`` (padding never wins); ``mode='avg'`` pads with
      zeros that count in the mean, like ``F.avg_pool2d``'s default
      ``count_include_pad=True``. As in PyTorch, padding is at most ``pool_size // 2``.
    * ``X`` may be (h, w), (C, h, w) or (N, C, h, w): each channel is pooled alone.

    >>> X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
    >>> pool2d(X, (2, 2))
    tensor([[4., 5.],
            [7., 8.]])
    >>> pool2d(X, (2, 2), 'avg')
    tensor([[2., 3.],
            [5., 6.]])
    """
    X, (p_h, p_w), (pad_h, pad_w), (s_h, s_w), (out_h, out_w) = _check_pool_args(X, pool_size, mode, padding, stride)
    X = F.pad(X, (pad_w, pad_w, pad_h, pad_h), value=float("-inf") if mode == "max" else 0.0)
    Y = X.new_zeros(X.shape[:-2] + (out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = X[..., i * s_h: i * s_h + p_h, j * s_w: j * s_w + p_w]
            if mode == "max":
                Y[..., i, j] = window.amax(dim=(-2, -1))
            elif mode == "avg":
                Y[..., i, j] = window.mean(dim=(-2, -1))
    return Y


# ---------------------------------------------------------------------------
# Vectorised versions: all windows at once as a strided view
# ---------------------------------------------------------------------------


def _windows(
    X: torch.Tensor,
    kernel_size: tuple[int, int],
    padding: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
    pad_value: float = 0.0,
) -> torch.Tensor:
    """View (..., H, W) as (..., k_h, k_w, out_h, out_w): ``[..., a, b, i, j]`` is the pixel
    under kernel tap (a, b) when the window sits at output position (i, j).

    ``Tensor.unfold`` slides along one dimension without copying; a dilated window spans
    ``shapes.dilated_kernel_size(k, d)`` pixels, of which every ``d``-th is kept. The kernel dimensions come
    first so that flattening them (the im2col matrix) copies whole rows at a time.
    """
    (k_h, k_w), (d_h, d_w) = kernel_size, dilation
    if padding != (0, 0):
        X = F.pad(X, (padding[1], padding[1], padding[0], padding[0]), value=pad_value)
    X = X.unfold(-2, dilated_kernel_size(k_h, d_h), stride[0])  # (..., out_h, W_pad, span_h)
    X = X.unfold(-2, dilated_kernel_size(k_w, d_w), stride[1])  # (..., out_h, out_w, span_h, span_w)
    X = X[..., ::d_h, ::d_w]  # (..., out_h, out_w, k_h, k_w)
    return X.movedim((-2, -1), (-4, -3))  # (..., k_h, k_w, out_h, out_w)


_CORR_LAYOUTS = (
    "X (H, W) with K (k_h, k_w); X (C, H, W) with K (C, k_h, k_w) or (C_out, C, k_h, k_w); "
    "X (N, C, H, W) with K (C_out, C, k_h, k_w)"
)


def corr2d_vectorized(
    X: torch.Tensor,
    K: torch.Tensor,
    *,
    padding: IntOrPair = 0,
    stride: IntOrPair = 1,
    dilation: IntOrPair = 1,
) -> torch.Tensor:
    """Cross-correlation without Python loops; the same numbers as :func:`corr2d` and ``F.conv2d``.

    ``Y[n, o, i, j] = sum_c sum_a sum_b X_pad[n, c, i*s_h + a*d_h, j*s_w + b*d_w] * K[o, c, a, b]``

    computed as one matrix product: K reshaped to (C_out, C*k_h*k_w) times the "im2col"
    matrix (C*k_h*k_w, H'*W') whose columns are the windows, taken from a strided view.
    Shapes (output size from :func:`~course_utils.shapes.conv_output_shape`):

    * X (H, W) with K (k_h, k_w) -> Y (H', W'), like corr2d;
    * X (C, H, W) with K (C, k_h, k_w) -> Y (H', W'), like corr2d_multi_in;
    * X (C, H, W) with K (C_out, C, k_h, k_w) -> Y (C_out, H', W'), like corr2d_multi_in_out;
    * X (N, C, H, W) with K (C_out, C, k_h, k_w) -> Y (N, C_out, H', W'), like F.conv2d.

    >>> X = torch.arange(9.0).reshape(3, 3)
    >>> corr2d_vectorized(X, torch.tensor([[0.0, 1.0], [2.0, 3.0]]))
    tensor([[19., 25.],
            [37., 43.]])
    >>> corr2d_vectorized(X, torch.ones(3, 3), padding=1, stride=2)
    tensor([[ 8., 12.],
            [20., 24.]])
    """
    _check_tensor(X, "X")
    _check_tensor(K, "K")
    layouts = {(2, 2), (3, 3), (3, 4), (4, 4)}
    if (X.dim(), K.dim()) not in layouts:
        raise ValueError(
            f"got X of shape {tuple(X.shape)} and K of shape {tuple(K.shape)}; the valid shapes are: {_CORR_LAYOUTS}"
        )
    _check_same_kind(X, K)
    X4 = X.reshape((1,) * (4 - X.dim()) + tuple(X.shape))  # (N, C, H, W)
    K4 = K.reshape((1,) * (4 - K.dim()) + tuple(K.shape))  # (C_out, C, k_h, k_w)
    layout = "(C_out, C_in, k_h, k_w)" if K.dim() == 4 else "(C_in, k_h, k_w)"
    _check_channels(X4.shape[1], K4.shape[1], tuple(K.shape), layout)
    k = (K4.shape[2], K4.shape[3])
    p, s, d = _pair(padding, "padding", 0), _pair(stride, "stride", 1), _pair(dilation, "dilation", 1)
    conv_output_shape(tuple(X4.shape[2:]), k, padding=p, stride=s, dilation=d)  # raises if K does not fit
    windows = _windows(X4, k, p, s, d)  # (N, C, k_h, k_w, out_h, out_w), a view
    N, C, k_h, k_w, out_h, out_w = windows.shape
    cols = windows.reshape(N, C * k_h * k_w, out_h * out_w)  # the im2col matrix (one copy)
    Y = K4.reshape(K4.shape[0], C * k_h * k_w) @ cols  # (N, C_out, out_h * out_w)
    Y = Y.reshape(N, K4.shape[0], out_h, out_w)
    if X.dim() == 4:
        return Y
    return Y[0] if K.dim() == 4 else Y[0, 0]


def pool2d_vectorized(
    X: torch.Tensor, pool_size: IntOrPair, mode: str = "max", padding: IntOrPair = 0, stride: IntOrPair = 1
) -> torch.Tensor:
    """:func:`pool2d` without Python loops: max/mean over a strided view of all windows.

    Same arguments, defaults (stride 1) and results as :func:`pool2d`.

    >>> X = torch.arange(16.0).reshape(4, 4)
    >>> pool2d_vectorized(X, 3, padding=1, stride=2)
    tensor([[ 5.,  7.],
            [13., 15.]])
    """
    X, k, pad, s, _ = _check_pool_args(X, pool_size, mode, padding, stride)
    windows = _windows(X, k, pad, s, (1, 1), float("-inf") if mode == "max" else 0.0)
    taps = windows.flatten(-4, -3)  # (..., k_h * k_w, out_h, out_w): one copy, row by row
    return taps.amax(dim=-3) if mode == "max" else taps.mean(dim=-3)
