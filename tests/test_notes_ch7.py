"""Every printed output of the study notes' sections 7.2-7.5, reproduced exactly.

Where the notes' code differs from what they print (7.4: an extra pair of brackets;
7.5.3: a 2-channel tensor printed as 8 rows of one channel), the test states the real
behaviour: the printed numbers are the book's, the shapes are corrected.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from course_utils.ops import (
    comp_conv2d,
    corr2d,
    corr2d_multi_in,
    corr2d_multi_in_out,
    corr2d_multi_in_out_1x1,
    corr2d_vectorized,
    pool2d,
    pool2d_vectorized,
)

# ---------------------------------------------------------------------------
# 7.2 Convolutions for Images
# ---------------------------------------------------------------------------


def test_7_2_1_cross_correlation():
    X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
    K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    expected = torch.tensor([[19.0, 25.0], [37.0, 43.0]])
    assert torch.equal(corr2d(X, K), expected)
    assert torch.equal(corr2d_vectorized(X, K), expected)


def edge_image() -> torch.Tensor:
    X = torch.ones((6, 8))
    X[:, 2:6] = 0
    return X


def test_7_2_3_edge_detection():
    X = edge_image()
    assert torch.equal(X, torch.tensor([[1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0]] * 6))
    K = torch.tensor([[1.0, -1.0]])
    Y = corr2d(X, K)
    assert torch.equal(Y, torch.tensor([[0.0, 1.0, 0.0, 0.0, 0.0, -1.0, 0.0]] * 6))
    assert torch.equal(corr2d_vectorized(X, K), Y)
    # The book: the kernel only detects vertical edges, so the transposed image gives zeros.
    assert torch.equal(corr2d(X.t(), K), torch.zeros(8, 5))


def test_7_2_4_learning_a_kernel():
    """The notes print losses 10.382 ... 0.009 and the kernel [[0.9804, -0.9862]]: those
    depend on the random initial kernel, so the test checks what the book claims -- the
    loss falls and the learned kernel is close to K = [[1, -1]]."""
    torch.manual_seed(1)
    X, K = edge_image(), torch.tensor([[1.0, -1.0]])
    Y = corr2d(X, K).reshape((1, 1, 6, 7))
    conv2d = nn.LazyConv2d(1, kernel_size=(1, 2), bias=False)
    X = X.reshape((1, 1, 6, 8))
    lr = 3e-2
    losses = []
    for i in range(10):
        Y_hat = conv2d(X)
        loss = (Y_hat - Y) ** 2
        conv2d.zero_grad()
        loss.sum().backward()
        conv2d.weight.data[:] -= lr * conv2d.weight.grad
        if (i + 1) % 2 == 0:
            losses.append(float(loss.sum().detach()))
    assert losses == sorted(losses, reverse=True) and losses[-1] < 0.1
    torch.testing.assert_close(conv2d.weight.data.reshape((1, 2)), K, atol=0.1, rtol=0)


# ---------------------------------------------------------------------------
# 7.3 Padding and Stride: every comp_conv2d shape
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "shape"),
    [
        (dict(kernel_size=3, padding=1), (8, 8)),
        (dict(kernel_size=(5, 3), padding=(2, 1)), (8, 8)),
        (dict(kernel_size=3, padding=1, stride=2), (4, 4)),
        (dict(kernel_size=(3, 5), padding=(0, 1), stride=(3, 4)), (2, 2)),
    ],
)
def test_7_3_comp_conv2d_shapes(kwargs, shape):
    torch.manual_seed(0)
    conv2d = nn.LazyConv2d(1, **kwargs)
    X = torch.rand(size=(8, 8))
    assert comp_conv2d(conv2d, X).shape == torch.Size(shape)
    # the same numbers from our vectorised cross-correlation
    K = conv2d.weight.detach()[0, 0]
    expected = comp_conv2d(conv2d, X).detach() - conv2d.bias.detach()
    pad, stride = kwargs.get("padding", 0), kwargs.get("stride", 1)
    torch.testing.assert_close(corr2d_vectorized(X, K, padding=pad, stride=stride), expected)


# ---------------------------------------------------------------------------
# 7.4 Multiple Input and Multiple Output Channels
# ---------------------------------------------------------------------------

# The book's tensors: X is (channels, height, width) = (2, 3, 3), K is (2, 2, 2).
X_74 = torch.tensor([[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]],
                     [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]])
K_74 = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])


def test_7_4_1_multi_in():
    assert torch.equal(corr2d_multi_in(X_74, K_74), torch.tensor([[56.0, 72.0], [104.0, 120.0]]))


def test_7_4_1_notes_extra_brackets_get_a_clear_error():
    """The notes write X and K with one more pair of brackets: shape (1, 2, 3, 3)."""
    X_notes, K_notes = X_74.unsqueeze(0), K_74.unsqueeze(0)
    assert X_notes.shape == (1, 2, 3, 3)
    with pytest.raises(ValueError, match=r"got shape \(1, 2, 3, 3\) \(4-D\): drop the batch dimension with X\[0\]"):
        corr2d_multi_in(X_notes, K_notes)
    assert torch.equal(corr2d_multi_in(X_notes[0], K_notes.squeeze(0)), torch.tensor([[56.0, 72.0], [104.0, 120.0]]))


def test_7_4_2_multi_out():
    K = torch.stack((K_74, K_74 + 1, K_74 + 2), 0)
    assert K.shape == torch.Size([3, 2, 2, 2])
    Y = corr2d_multi_in_out(X_74, K)
    expected = torch.tensor([[[56.0, 72.0], [104.0, 120.0]],
                             [[76.0, 100.0], [148.0, 172.0]],
                             [[96.0, 128.0], [192.0, 224.0]]])
    assert Y.shape == (3, 2, 2)  # 3-D: the notes print it 4-D, with one pair of brackets too many
    assert torch.equal(Y, expected)
    assert torch.equal(corr2d_vectorized(X_74, K), expected)


def test_7_4_3_1x1_convolution():
    torch.manual_seed(0)
    X = torch.normal(0, 1, (3, 3, 3))
    K = torch.normal(0, 1, (2, 3, 1, 1))
    Y1 = corr2d_multi_in_out_1x1(X, K)
    Y2 = corr2d_multi_in_out(X, K)
    assert float(torch.abs(Y1 - Y2).sum()) < 1e-6


# ---------------------------------------------------------------------------
# 7.5 Pooling
# ---------------------------------------------------------------------------


def test_7_5_1_max_and_avg_pooling():
    X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
    for pool in (pool2d, pool2d_vectorized):
        assert torch.equal(pool(X, (2, 2)), torch.tensor([[4.0, 5.0], [7.0, 8.0]]))
        assert torch.equal(pool(X, (2, 2), "avg"), torch.tensor([[2.0, 3.0], [5.0, 6.0]]))


X_75 = torch.arange(16, dtype=torch.float32).reshape((1, 1, 4, 4))
POOLED = torch.tensor([[[[5.0, 7.0], [13.0, 15.0]]]])


def test_7_5_2_padding_and_stride():
    assert torch.equal(X_75, torch.tensor([[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0],
                                             [8.0, 9.0, 10.0, 11.0], [12.0, 13.0, 14.0, 15.0]]]]))
    assert torch.equal(nn.MaxPool2d(3)(X_75), torch.tensor([[[[10.0]]]]))
    assert torch.equal(nn.MaxPool2d(3, padding=1, stride=2)(X_75), POOLED)
    assert torch.equal(nn.MaxPool2d((2, 3), stride=(2, 3), padding=(0, 1))(X_75), POOLED)


@pytest.mark.parametrize("pool", [pool2d, pool2d_vectorized])
def test_7_5_2_our_pool2d_with_padding_and_stride(pool):
    # our stride defaults to 1 (the book's function): give the window as stride for nn.MaxPool2d(3)
    assert torch.equal(pool(X_75, 3, stride=3), torch.tensor([[[[10.0]]]]))
    assert torch.equal(pool(X_75, 3, padding=1, stride=2), POOLED)
    assert torch.equal(pool(X_75, (2, 3), padding=(0, 1), stride=(2, 3)), POOLED)
    assert torch.equal(pool(X_75[0, 0], 3, padding=1, stride=2), POOLED[0, 0])


def test_7_5_3_multiple_channels():
    X = torch.cat((X_75, X_75 + 1), 1)
    # The notes print 8 rows of one channel; the real tensor has 2 channels of 4x4.
    assert X.shape == (1, 2, 4, 4)
    assert torch.equal(X[0, 1], X_75[0, 0] + 1)
    expected = torch.tensor([[[[5.0, 7.0], [13.0, 15.0]], [[6.0, 8.0], [14.0, 16.0]]]])
    Y = nn.MaxPool2d(3, padding=1, stride=2)(X)
    assert Y.shape == (1, 2, 2, 2)  # not (1, 1, 4, 2) as printed in the notes
    assert torch.equal(Y, expected)
    assert torch.equal(pool2d(X, 3, padding=1, stride=2), expected)
    assert torch.equal(pool2d_vectorized(X, 3, padding=1, stride=2), expected)
