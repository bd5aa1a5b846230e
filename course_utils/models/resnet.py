"""ResNet and ResNeXt (D2L 8.6): ``Residual``, ``RESNET_ARCHS``, ``ResNet``, ``ResNet18``, ``ResNeXtBlock``.

Differs from the book or from the course's study notes (on purpose):

* The notes' ``Residual`` builds ``nn.Conv2d(num_channels, num_channels, ...)``, which
  cannot change the channel count (so ``use_1x1conv=True`` cannot work on a new width);
  the book's and this one use lazy convolutions. ``strides != 1`` without
  ``use_1x1conv=True`` is refused at construction (the skip path could not be added), and
  so is an input whose channels the identity skip path cannot add.
* ``ResNet``'s first block (``b1``) has ``arch[0][1]`` channels instead of a fixed 64. For
  every ``arch`` in the book (all start with 64 channels) that is the same network; for a
  narrower ``arch`` the book's code fails at the first residual addition.
* ``ResNeXtBlock(num_channels, groups, bot_mul)``: ``groups`` is the number of groups (the
  paper's cardinality and the book's text); the book's code passes
  ``groups=bot_channels // groups`` to the convolution, which makes its ``groups`` the width
  of one group. The book's ``ResNeXtBlock(32, 16, 1)`` is ``ResNeXtBlock(32, 2, 1)`` here.
  The study notes call the class ``ResNextBlock`` in one cell (there is no such alias here)
  and their block's ``forward`` lacks the final ``return F.relu(Y + X)``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import torch
import torch.fx
import torch.nn.functional as F
from torch import nn

from course_utils import validate
from course_utils.models._layers import Arch, check_arch, check_block_input, check_width, scaled
from course_utils.models.classifier import Classifier

__all__ = ["Residual", "RESNET_ARCHS", "ResNet", "ResNet18", "ResNeXtBlock"]

torch.fx.wrap("check_block_input")  # one call in a symbolic trace (see _layers.check_block_input)

# (num_residuals, num_channels) of each stage.
RESNET_ARCHS: Mapping[str, Arch] = MappingProxyType({
    # ResNet-18 (He et al., 2016), the book's ResNet18 (8.6.3).
    "resnet18": ((2, 64), (2, 128), (2, 256), (2, 512)),
})


def _check_strides(strides: Any, use_1x1conv: Any, block_name: str) -> int:
    strides = validate.positive_int(strides, "strides", example=2)
    if strides != 1 and not use_1x1conv:
        raise ValueError(
            f"{block_name} with strides={strides} shrinks the image on the main path, so the "
            f"input cannot be added to the output unchanged: pass use_1x1conv=True"
        )
    return strides


class Residual(nn.Module):
    """The residual block of ResNet (He et al., 2016, "Deep residual learning for image
    recognition"), D2L 8.6.2: two 3x3 convolutions with batch norm, plus a skip path that
    adds the input (through a 1x1 convolution if ``use_1x1conv``) before the last ReLU.

    Args:
        num_channels: output channels.
        use_1x1conv: project the input with a 1x1 convolution (needed when the input has
            another number of channels or ``strides != 1``).
        strides: stride of the first 3x3 convolution and of the 1x1 projection.
    """

    def __init__(self, num_channels: int, use_1x1conv: bool = False, strides: int = 1) -> None:
        super().__init__()
        num_channels = validate.positive_int(num_channels, "num_channels", example=64)
        use_1x1conv = validate.flag(use_1x1conv, "use_1x1conv")
        self.num_channels = num_channels
        self.strides = _check_strides(strides, use_1x1conv, type(self).__name__)
        self.conv1 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1, stride=self.strides)
        self.conv2 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1)
        self.conv3 = nn.LazyConv2d(num_channels, kernel_size=1, stride=self.strides) if use_1x1conv else None
        self.bn1 = nn.LazyBatchNorm2d()
        self.bn2 = nn.LazyBatchNorm2d()

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        check_block_input(X, type(self).__name__, None if self.conv3 is not None else self.num_channels)
        identity = X  # N x C x H x W
        Y = F.relu(self.bn1(self.conv1(X)))  # N x num_channels x H' x W', H' = ceil(H / strides)
        Y = self.bn2(self.conv2(Y))  # N x num_channels x H' x W'
        if self.conv3 is not None:
            identity = self.conv3(X)  # N x num_channels x H' x W'
        Y += identity
        return F.relu(Y)


class ResNet(Classifier):
    """ResNet (He et al., 2016), D2L 8.6.3: a GoogLeNet-like stem ``b1``, one stage of
    ``Residual`` blocks per ``(num_residuals, num_channels)`` of ``arch`` (every stage but the
    first halves the image), global average pooling and a linear layer.

    Shapes below are for a 96 x 96 input and ResNet-18; any image of at least 1 x 1 pixel
    passes (every stride rounds up; ``min_input_size`` 1).

    The stem has ``arch[0][1]`` channels (the book: always 64, which equals ``arch[0][1]`` for
    every arch in the book; with another first width the book's first residual addition fails).

    Args:
        arch: ``(num_residuals, num_channels)`` for each stage, e.g. ``RESNET_ARCHS["resnet18"]``;
            a narrower arch such as ``((2, 16), (2, 32), (2, 64), (2, 128))`` is a narrower ResNet.
        lr: learning rate of SGD.
        num_classes: number of classes.
    """

    def __init__(self, arch: Sequence[tuple[int, int]], lr: float = 0.1, num_classes: int = 10) -> None:
        super().__init__(lr, num_classes)
        self.arch = check_arch(arch, RESNET_ARCHS, "RESNET_ARCHS")
        self.net = nn.Sequential(OrderedDict(b1=self.b1(self.arch[0][1])))  # N x 64 x 24 x 24
        for i, (num_residuals, num_channels) in enumerate(self.arch):
            # b2: N x 64 x 24 x 24, b3: N x 128 x 12 x 12, b4: N x 256 x 6 x 6, b5: N x 512 x 3 x 3
            self.net.add_module(f"b{i + 2}", self.block(num_residuals, num_channels, first_block=(i == 0)))
        self.net.add_module(
            "last",
            nn.Sequential(nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.LazyLinear(self.num_classes)),  # N x classes
        )

    @staticmethod
    def b1(num_channels: int = 64) -> nn.Sequential:
        """The stem: 7x7 convolution with stride 2, batch norm, ReLU, 3x3 max pooling with stride 2."""
        num_channels = validate.positive_int(num_channels, "num_channels", example=64)
        return nn.Sequential(
            nn.LazyConv2d(num_channels, kernel_size=7, stride=2, padding=3),
            nn.LazyBatchNorm2d(), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
        )  # fmt: skip

    @staticmethod
    def block(num_residuals: int, num_channels: int, first_block: bool = False) -> nn.Sequential:
        """One stage: ``num_residuals`` blocks; unless ``first_block``, the first one halves
        the image and changes the channels through its 1x1 convolution."""
        num_residuals = validate.positive_int(num_residuals, "num_residuals", example=2)
        blk: list[nn.Module] = []
        for i in range(num_residuals):
            if i == 0 and not first_block:
                blk.append(Residual(num_channels, use_1x1conv=True, strides=2))
            else:
                blk.append(Residual(num_channels))
        return nn.Sequential(*blk)


class ResNet18(ResNet):
    """ResNet-18 (D2L 8.6.3): ``ResNet(RESNET_ARCHS["resnet18"])``, 4 stages of 2 blocks.

    Args:
        lr: learning rate of SGD.
        num_classes: number of classes.
        width: course extension, multiplies the channels 64, 128, 256, 512 of the stages (and
            of the stem); 1.0 is the book's network, 0.25 gives 16, 32, 64, 128.
    """

    def __init__(self, lr: float = 0.1, num_classes: int = 10, *, width: float = 1.0) -> None:
        width = check_width(width)
        super().__init__(tuple((n, scaled(c, width)) for n, c in RESNET_ARCHS["resnet18"]), lr, num_classes)
        self.width = width


class ResNeXtBlock(nn.Module):
    """The ResNeXt block (Xie et al., 2017, "Aggregated residual transformations for deep
    neural networks"), D2L 8.6.5: 1x1 convolution down to ``bot_channels``, a grouped 3x3
    convolution with ``groups`` groups of ``group_width`` channels, 1x1 convolution back to
    ``num_channels``, each with batch norm, plus the skip path of ``Residual``.

    ``groups`` is the number of groups (the paper's cardinality, the book's text); see the
    module docstring for the book's code, where it is the width of one group.

    Args:
        num_channels: output channels.
        groups: number of groups of the 3x3 convolution; must divide ``bot_channels``.
        bot_mul: ``bot_channels = round(num_channels * bot_mul)``, the bottleneck width.
        use_1x1conv: project the input with a 1x1 convolution and batch norm.
        strides: stride of the 3x3 convolution and of the projection.
    """

    def __init__(
        self, num_channels: int, groups: int, bot_mul: float, use_1x1conv: bool = False, strides: int = 1
    ) -> None:
        super().__init__()
        num_channels = validate.positive_int(num_channels, "num_channels", example=64)
        groups = validate.positive_int(groups, "groups", example=16)
        bot_mul = validate.positive_number(bot_mul, "bot_mul", example=0.5)
        use_1x1conv = validate.flag(use_1x1conv, "use_1x1conv")
        bot_channels = int(round(num_channels * bot_mul))
        if bot_channels < 1 or bot_channels % groups != 0:
            divisors = [d for d in range(1, bot_channels + 1) if bot_channels % d == 0]
            raise ValueError(
                f"groups={groups} must divide bot_channels = round(num_channels * bot_mul) = "
                f"round({num_channels} * {bot_mul:g}) = {bot_channels}: choose groups from {divisors}"
            )
        self.num_channels = num_channels
        self.groups = groups
        self.bot_channels = bot_channels
        self.group_width = bot_channels // groups  # channels of each group
        self.strides = _check_strides(strides, use_1x1conv, type(self).__name__)
        self.conv1 = nn.LazyConv2d(bot_channels, kernel_size=1, stride=1)
        self.conv2 = nn.LazyConv2d(bot_channels, kernel_size=3, stride=self.strides, padding=1, groups=groups)
        self.conv3 = nn.LazyConv2d(num_channels, kernel_size=1, stride=1)
        self.bn1 = nn.LazyBatchNorm2d()
        self.bn2 = nn.LazyBatchNorm2d()
        self.bn3 = nn.LazyBatchNorm2d()
        self.conv4 = nn.LazyConv2d(num_channels, kernel_size=1, stride=self.strides) if use_1x1conv else None
        self.bn4 = nn.LazyBatchNorm2d() if use_1x1conv else None

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        check_block_input(X, type(self).__name__, None if self.conv4 is not None else self.num_channels)
        identity = X  # N x C x H x W
        Y = F.relu(self.bn1(self.conv1(X)))  # N x bot_channels x H x W
        Y = F.relu(self.bn2(self.conv2(Y)))  # N x bot_channels x H' x W', H' = ceil(H / strides)
        Y = self.bn3(self.conv3(Y))  # N x num_channels x H' x W'
        if self.conv4 is not None and self.bn4 is not None:
            identity = self.bn4(self.conv4(X))  # N x num_channels x H' x W'
        Y += identity
        return F.relu(Y)
