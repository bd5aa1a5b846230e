"""Parity with the book's own package: course_utils.ops.corr2d == d2l.corr2d."""

from __future__ import annotations

import pytest
import torch
from torch.testing import assert_close

from course_utils.ops import corr2d, corr2d_vectorized

pytestmark = pytest.mark.d2l
d2l = pytest.importorskip("d2l.torch")


@pytest.mark.parametrize(
    ("x_shape", "k_shape"),
    [((3, 3), (2, 2)), ((6, 8), (1, 2)), ((8, 6), (1, 2)), ((7, 9), (3, 3)), ((5, 5), (5, 5)), ((4, 10), (2, 5))],
)
def test_corr2d_matches_d2l(x_shape, k_shape):
    gen = torch.Generator().manual_seed(sum(x_shape) * 31 + sum(k_shape))
    X, K = torch.randn(x_shape, generator=gen), torch.randn(k_shape, generator=gen)
    expected = d2l.corr2d(X, K)
    assert_close(corr2d(X, K), expected)
    assert_close(corr2d_vectorized(X, K), expected)
