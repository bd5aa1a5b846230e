"""GoogLeNet (D2L 8.4): the ``Inception`` block and ``GoogleNet``, with the course's ``width``.

Differs from the book: the layers of ``Inception`` are named for their branch
(``branch3x3_reduce``, ``branch3x3``, ...) where the book numbers them (``b2_1``, ``b2_2``, ...),
and the block refuses an unbatched C x H x W image (a convolution takes one, and the book's
block then concatenates along the height).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, NamedTuple

import torch
import torch.fx
import torch.nn.functional as F
from torch import nn

from course_utils import validate
from course_utils.models._layers import check_block_input, check_width, is_positive_pair, scaled
from course_utils.models.classifier import Classifier

__all__ = ["Inception", "GoogleNet"]

torch.fx.wrap("check_block_input")  # one call in a symbolic trace (see _layers.check_block_input)


def _check_channel_pair(value: Any, name: str) -> tuple[int, int]:
    """(1x1 reduction channels, output channels), two positive integers."""
    if not is_positive_pair(value):
        raise ValueError(
            f"{name} must be a pair of positive integers (1x1 reduction channels, output "
            f"channels), got {value!r}: e.g. {name}=(96, 128)"
        )
    return int(value[0]), int(value[1])


class Inception(nn.Module):
    """The Inception block (Szegedy et al., 2015, "Going deeper with convolutions"), D2L 8.4.1.

    Four parallel branches whose outputs are concatenated along the channels, so the block
    keeps height and width and has ``c1 + c2[1] + c3[1] + c4`` output channels.

    Args:
        c1: output channels of the 1x1 convolution branch.
        c2: (channels of the 1x1 reduction, output channels of the 3x3 convolution).
        c3: (channels of the 1x1 reduction, output channels of the 5x5 convolution).
        c4: output channels of the 1x1 projection after 3x3 max pooling.
    """

    def __init__(self, c1: int, c2: tuple[int, int], c3: tuple[int, int], c4: int) -> None:
        super().__init__()
        c1 = validate.positive_int(c1, "c1", example=64)
        ch3x3_reduce, ch3x3 = _check_channel_pair(c2, "c2")
        ch5x5_reduce, ch5x5 = _check_channel_pair(c3, "c3")
        c4 = validate.positive_int(c4, "c4", example=32)
        self.out_channels = c1 + ch3x3 + ch5x5 + c4
        # Branch 1: 1x1 convolution
        self.branch1x1 = nn.LazyConv2d(c1, kernel_size=1)
        # Branch 2: 1x1 reduction, then 3x3 convolution
        self.branch3x3_reduce = nn.LazyConv2d(ch3x3_reduce, kernel_size=1)
        self.branch3x3 = nn.LazyConv2d(ch3x3, kernel_size=3, padding=1)
        # Branch 3: 1x1 reduction, then 5x5 convolution
        self.branch5x5_reduce = nn.LazyConv2d(ch5x5_reduce, kernel_size=1)
        self.branch5x5 = nn.LazyConv2d(ch5x5, kernel_size=5, padding=2)
        # Branch 4: 3x3 max pooling, then 1x1 projection
        self.branch_pool = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.branch_pool_proj = nn.LazyConv2d(c4, kernel_size=1)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        check_block_input(X, type(self).__name__)
        branch1x1 = F.relu(self.branch1x1(X))  # N x c1 x H x W
        branch3x3 = F.relu(self.branch3x3(F.relu(self.branch3x3_reduce(X))))  # N x c2[1] x H x W
        branch5x5 = F.relu(self.branch5x5(F.relu(self.branch5x5_reduce(X))))  # N x c3[1] x H x W
        branch_pool = F.relu(self.branch_pool_proj(self.branch_pool(X)))  # N x c4 x H x W
        return torch.cat((branch1x1, branch3x3, branch5x5, branch_pool), dim=1)  # N x out_channels x H x W


class _InceptionCfg(NamedTuple):
    c1: int  # 1x1 branch
    c2: tuple[int, int]  # (1x1 reduction, 3x3) branch
    c3: tuple[int, int]  # (1x1 reduction, 5x5) branch
    c4: int  # pooling branch's 1x1 projection


# The Inception blocks of each stage of GoogLeNet (the paper's Table 1, D2L 8.4.2).
_GOOGLENET_INCEPTIONS: dict[str, tuple[_InceptionCfg, ...]] = {
    "b3": (
        _InceptionCfg(64, (96, 128), (16, 32), 32),  # 3a: 256 channels
        _InceptionCfg(128, (128, 192), (32, 96), 64),  # 3b: 480 channels
    ),
    "b4": (
        _InceptionCfg(192, (96, 208), (16, 48), 64),  # 4a: 512 channels
        _InceptionCfg(160, (112, 224), (24, 64), 64),  # 4b: 512 channels
        _InceptionCfg(128, (128, 256), (24, 64), 64),  # 4c: 512 channels
        _InceptionCfg(112, (144, 288), (32, 64), 64),  # 4d: 528 channels
        _InceptionCfg(256, (160, 320), (32, 128), 128),  # 4e: 832 channels
    ),
    "b5": (
        _InceptionCfg(256, (160, 320), (32, 128), 128),  # 5a: 832 channels
        _InceptionCfg(384, (192, 384), (48, 128), 128),  # 5b: 1024 channels
    ),
}


def _inceptions(stage: str, width: float) -> list[Inception]:
    def s(c: int) -> int:
        return scaled(c, width)

    return [
        Inception(s(cfg.c1), (s(cfg.c2[0]), s(cfg.c2[1])), (s(cfg.c3[0]), s(cfg.c3[1])), s(cfg.c4))
        for cfg in _GOOGLENET_INCEPTIONS[stage]
    ]


class GoogleNet(Classifier):
    """GoogLeNet (Szegedy et al., 2015, "Going deeper with convolutions"), D2L 8.4.2, without
    the auxiliary classifiers; the stages are named ``b1`` ... ``b5`` as in the book.

    Shapes below are for the book's 96 x 96 input and ``width=1``; every stage rounds
    odd sizes up, so any image of at least 1 x 1 pixel passes (``min_input_size`` 1).

    Args:
        lr: learning rate of SGD.
        num_classes: number of classes.
        width: course extension, multiplies every channel count of every stage; 1.0 is
            the book's network.
    """

    def __init__(self, lr: float = 0.1, num_classes: int = 10, *, width: float = 1.0) -> None:
        super().__init__(lr, num_classes)
        self.width = check_width(width)
        w = self.width
        b1 = nn.Sequential(
            nn.LazyConv2d(scaled(64, w), kernel_size=7, stride=2, padding=3), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
        )  # fmt: skip
        b2 = nn.Sequential(
            nn.LazyConv2d(scaled(64, w), kernel_size=1), nn.ReLU(),
            nn.LazyConv2d(scaled(192, w), kernel_size=3, padding=1), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
        )  # fmt: skip
        b3 = nn.Sequential(*_inceptions("b3", w), nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
        b4 = nn.Sequential(*_inceptions("b4", w), nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
        b5 = nn.Sequential(*_inceptions("b5", w), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten())
        self.net = nn.Sequential(
            OrderedDict(
                b1=b1,  # N x 64 x 24 x 24
                b2=b2,  # N x 192 x 12 x 12
                b3=b3,  # N x 480 x 6 x 6
                b4=b4,  # N x 832 x 3 x 3
                b5=b5,  # N x 1024
                last=nn.LazyLinear(self.num_classes),  # N x num_classes
            )
        )
