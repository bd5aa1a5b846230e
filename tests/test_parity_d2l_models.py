"""Our models against the book's own package, ``d2l==1.0.3`` (installed for tests only).

Of this chapter's classes d2l 1.0.3 contains only ``LeNet``, ``Residual``, ``ResNeXtBlock``
and ``init_cnn`` (the others are defined in the book's cells and not saved to the package);
AlexNet, VGG, NiN, GoogLeNet, ResNet and the scratch batch norm (d2l has no ``BatchNorm``
or ``batch_norm``) are checked against independent numbers in ``test_models.py``.

Where the course differs from the book on purpose, the test asserts the documented difference.
"""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import pytest
import torch
from torch import nn

from course_utils.models import LeNet, Residual, ResNeXtBlock, init_cnn

pytestmark = pytest.mark.d2l
d2l = pytest.importorskip("d2l.torch")


def num_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def summary_lines(model: nn.Module, X_shape: tuple[int, ...]) -> list[str]:
    out = io.StringIO()
    with redirect_stdout(out):
        model.layer_summary(X_shape)
    return out.getvalue().splitlines()


def test_d2l_has_only_these_classes_of_the_chapter() -> None:
    # If a later d2l adds one of the others, add a parity test for it here.
    names = set(dir(d2l))
    assert {"LeNet", "Residual", "ResNeXtBlock", "init_cnn"} <= names
    assert not names & {"AlexNet", "VGG", "vgg_block", "NiN", "nin_block", "Inception", "GoogleNet",
                        "BatchNorm", "batch_norm", "BNLeNetScratch", "BNLeNet", "ResNet", "ResNet18"}  # fmt: skip


def test_lenet_layer_summary_and_parameters_equal_the_books() -> None:
    ours, book = LeNet(), d2l.LeNet()
    assert summary_lines(ours, (1, 1, 28, 28)) == summary_lines(book, (1, 1, 28, 28))
    assert num_params(ours) == num_params(book) == 61_706
    # Same layers, same names: the book's weights load into ours and compute the same function.
    ours.load_state_dict(book.state_dict())
    X = torch.randn(4, 1, 28, 28)
    torch.testing.assert_close(ours(X), book(X))


@pytest.mark.parametrize(
    ("args", "X_shape"),
    [((3,), (4, 3, 6, 6)), ((6, True, 2), (4, 3, 6, 6)), ((8, True, 1), (2, 4, 5, 5))],
    ids=["Residual(3)", "Residual(6,True,2)", "Residual(8,True,1)"],
)
def test_residual_equals_the_books(args: tuple, X_shape: tuple[int, ...]) -> None:
    torch.manual_seed(0)
    ours, book = Residual(*args), d2l.Residual(*args)
    X = torch.randn(X_shape)
    assert ours(X).shape == book(X).shape
    assert num_params(ours) == num_params(book)
    ours.load_state_dict(book.state_dict())
    ours.eval()
    book.eval()
    torch.testing.assert_close(ours(X), book(X))


def test_resnext_groups_differs_from_the_book_as_documented() -> None:
    torch.manual_seed(0)
    X = torch.randn(2, 32, 8, 8)
    ours, book = ResNeXtBlock(32, 16, 1), d2l.ResNeXtBlock(32, 16, 1)
    assert ours(X).shape == book(X).shape == (2, 32, 8, 8)
    # The book passes groups=bot_channels // groups: its "16" is the width of a group.
    assert book.conv2.groups == 32 // 16 == 2
    assert ours.conv2.groups == 16 and ours.group_width == 2
    assert book.conv2.weight.shape == (32, 16, 3, 3) and ours.conv2.weight.shape == (32, 2, 3, 3)
    assert num_params(book) - num_params(ours) == 32 * (16 - 2) * 3 * 3
    # The book's ResNeXtBlock(32, 16, 1) is our ResNeXtBlock(32, 2, 1): same parameters, same function.
    same = ResNeXtBlock(32, 2, 1)
    same(X)
    assert same.conv2.groups == book.conv2.groups and num_params(same) == num_params(book)
    same.load_state_dict(book.state_dict())
    same.eval()
    book.eval()
    torch.testing.assert_close(same(X), book(X))


def test_init_cnn_differs_from_the_book_on_lazy_layers() -> None:
    lazy = nn.LazyConv2d(6, kernel_size=5)
    d2l.init_cnn(lazy)  # the book's: silently nothing (type(m) == nn.Conv2d is false)
    assert isinstance(lazy.weight, nn.parameter.UninitializedParameter)
    with pytest.raises(ValueError, match="apply_init"):
        init_cnn(lazy)
    # Once the parameters exist, both draw the same Xavier-uniform weights.
    ours, book = LeNet(), d2l.LeNet()
    X = torch.randn(2, 1, 28, 28)
    torch.manual_seed(0)
    ours.apply_init([X], init_cnn)
    torch.manual_seed(0)
    book.apply_init([X], d2l.init_cnn)
    for (name, p_ours), (_, p_book) in zip(ours.named_parameters(), book.named_parameters()):
        if name.endswith("weight"):
            torch.testing.assert_close(p_ours, p_book)
