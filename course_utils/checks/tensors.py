"""Self-checks of tensors: a cross-correlation, a pooling, or any tensor computed another way."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from course_utils import validate
from course_utils.checks._verdict import answer_check, tensor_report
from course_utils.language import say
from course_utils.shapes import IntOrPair, conv_output_shape, pool_output_shape

__all__ = ["check_corr2d", "check_pool2d", "check_close"]


def _tensor(value: object, name: str, ranks: tuple[int, ...] | None, layout: str) -> torch.Tensor:
    """``value`` must be a tensor (with one of ``ranks`` dimensions, unless None)."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}: wrap it with torch.tensor({name})")
    if ranks is not None and value.dim() not in ranks:
        raise ValueError(f"{name} must have shape {layout}, got shape {tuple(value.shape)}")
    return value


@answer_check
def check_corr2d(answer: object, X: torch.Tensor, K: torch.Tensor) -> None:
    """Check the 2-D cross-correlation of ``X`` with ``K`` (computed with ``F.conv2d``)."""
    X, K = _tensor(X, "X", (2,), "(height, width)"), _tensor(K, "K", (2,), "(height, width)")
    conv_output_shape(tuple(X.shape), tuple(K.shape))  # raises if K does not fit in X
    expected = F.conv2d(X.float()[None, None], K.float()[None, None])[0, 0]
    hint = say("the output has (n_h − k_h + 1) × (n_w − k_w + 1) entries; entry (i, j) is the sum of K times the "
               "{window} window of X whose top-left corner is (i, j) (no flipping of K).", window=tuple(K.shape))
    tensor_report(answer, expected, hint=hint,
                  why=say("F.conv2d of the {input} input with the {kernel} kernel", input=tuple(X.shape),
                          kernel=tuple(K.shape)))


@answer_check
def check_pool2d(
    answer: object,
    X: torch.Tensor,
    pool_size: IntOrPair,
    mode: str = "max",
    padding: IntOrPair = 0,
    stride: IntOrPair | None = None,
) -> None:
    """Check a 2-D pooling of ``X`` (computed with ``F.max_pool2d`` / ``F.avg_pool2d``)."""
    validate.choice(mode, "mode", ("max", "avg"))
    X = _tensor(X, "X", (2, 3, 4), "(h, w), (c, h, w) or (n, c, h, w)")
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    stride = pool_size if stride is None else stride
    pool_output_shape(tuple(X.shape[-2:]), pool_size, padding=padding, stride=stride)  # raises on bad sizes
    X4 = X.float().reshape((1,) * (4 - X.dim()) + tuple(X.shape))
    pooled = pool(X4, pool_size, stride=stride, padding=padding)
    expected = pooled.reshape(tuple(X.shape[:-2]) + tuple(pooled.shape[-2:]))
    hint = say("slide a {window} window with stride {stride} over each channel separately and take the largest value "
               "of each window; the channels are not mixed." if mode == "max" else
               "slide a {window} window with stride {stride} over each channel separately and take the mean of each "
               "window; the channels are not mixed.", window=pool_size, stride=stride)
    tensor_report(answer, expected, hint=hint,
                  why=say("F.{mode}_pool2d with window {window}, stride {stride}, padding {padding}", mode=mode,
                          window=pool_size, stride=stride, padding=padding))


@answer_check
def check_close(answer: object, expected: torch.Tensor, why: str = "", hint: str = "") -> None:
    """Check a tensor answer against a tensor the notebook computed some other way."""
    expected = _tensor(expected, "expected", None, "")
    tensor_report(answer, expected, hint=hint or say("compare your computation with the text above, step by step."),
                  why=why or say("the two computations must agree"))
