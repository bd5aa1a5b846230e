"""The model zoo of the course: LeNet, AlexNet, VGG, NiN, GoogLeNet, batch norm, ResNet, ResNeXt.

Each model has the name and the constructor arguments of *Dive into Deep Learning*
(2nd ed., PyTorch), sections 7.6 and 8.1-8.6, so a notebook cell reads like the book::

    model = ResNet18(lr=0.01)
    model.apply_init([X], init_cnn)       # X: one batch of images, N x 1 x 96 x 96

As in the book, layers are lazy (``nn.LazyConv2d``, ``nn.LazyLinear``): they learn their
input channels and features from the first batch, so ``Residual(6, use_1x1conv=True,
strides=2)`` works on a 3-channel input. Two consequences, both as in the book: a model
must see one batch before its parameters exist (``Classifier.apply_init`` does that), and a
model with a ``Linear`` after ``Flatten`` (LeNet, AlexNet, VGG) then only accepts that image
size.

Course extensions (keyword-only, their defaults reproduce the book exactly): ``width`` makes
AlexNet, NiN, GoogleNet and ResNet18 narrower (it multiplies every channel count and
AlexNet's 4096 hidden units); ``num_hiddens`` sets VGG's two hidden layers (4096 in the
book); ``eps`` and ``momentum`` of the scratch ``BatchNorm``. VGG and ResNet also narrow
through their ``arch``. Every model checks its input and names the smallest image it
accepts (``model.min_input_size``) instead of failing deep inside a pooling layer.

Where this module differs from the book or from the course's study notes (on purpose):

* ``init_cnn`` raises ``ValueError`` on a lazy layer whose parameters do not exist yet; the
  book's version silently skips it (its ``type(m) == nn.Conv2d`` is false for
  ``LazyConv2d``), so the book's ``self.net.apply(init_cnn)`` in ``__init__`` does nothing.
  Here models do not initialise in ``__init__``: call ``model.apply_init([X], init_cnn)``.
* ``BatchNorm``/``batch_norm`` choose training or inference from ``self.training`` (the book
  uses ``torch.is_grad_enabled()``, so ``model.eval()`` had no effect and evaluating under
  ``torch.no_grad()`` in training mode used the running statistics); the running mean and
  variance are registered buffers (saved in ``state_dict``, moved by ``.to(device)``); the
  running variance is updated with the *unbiased* batch variance, like ``nn.BatchNorm2d``
  (the book uses the biased one), so the two agree in both modes.
* ``ResNeXtBlock(num_channels, groups, bot_mul)``: ``groups`` is the number of groups (the
  paper's cardinality and the book's text); the book's code passes
  ``groups=bot_channels // groups`` to the convolution, which makes its ``groups`` the width
  of one group. The book's ``ResNeXtBlock(32, 16, 1)`` is ``ResNeXtBlock(32, 2, 1)`` here.
  The study notes call the class ``ResNextBlock`` in one cell (there is no such alias here)
  and their block's ``forward`` lacks the final ``return F.relu(Y + X)``.
* The notes' ``vgg_block`` writes ``nn.Conv2d(out_channels, kernel_size=3, padding=1)``
  (``nn.Conv2d`` takes ``in_channels`` first, so that line raises) and their VGG writes
  ``nn.Linear(4096)``; the book uses ``nn.LazyConv2d``/``nn.LazyLinear``, as here.
* The notes' ``Residual`` builds ``nn.Conv2d(num_channels, num_channels, ...)``, which
  cannot change the channel count (so ``use_1x1conv=True`` cannot work on a new width);
  the book's and this one use lazy convolutions. ``strides != 1`` without
  ``use_1x1conv=True`` is refused at construction (the skip path could not be added).
* ``ResNet``'s first block (``b1``) has ``arch[0][1]`` channels instead of a fixed 64. For
  every ``arch`` in the book (all start with 64 channels) that is the same network; for a
  narrower ``arch`` the book's code fails at the first residual addition.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, NamedTuple

import torch
import torch.fx
import torch.nn.functional as F
from torch import nn
from torch.nn.modules.lazy import LazyModuleMixin

from course_utils.classifier import Classifier

__all__ = [
    "init_cnn",
    "LeNet",
    "AlexNet",
    "VGG_ARCHS",
    "vgg_block",
    "VGG",
    "nin_block",
    "NiN",
    "Inception",
    "GoogleNet",
    "batch_norm",
    "BatchNorm",
    "BNLeNetScratch",
    "BNLeNet",
    "Residual",
    "RESNET_ARCHS",
    "ResNet",
    "ResNet18",
    "ResNeXtBlock",
]

# (num_convs, out_channels) for each VGG block / (num_residuals, num_channels) for each ResNet stage.
Arch = tuple[tuple[int, int], ...]

VGG_ARCHS: dict[str, Arch] = {
    # VGG-11, configuration A of Simonyan & Zisserman (2015); the book's layer_summary (8.2.2).
    "vgg11": ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512)),
    # The book's training arch (8.2.3): VGG-11 with a quarter of the channels.
    "small": ((1, 16), (1, 32), (2, 64), (2, 128), (2, 128)),
}

RESNET_ARCHS: dict[str, Arch] = {
    # ResNet-18 (He et al., 2016), the book's ResNet18 (8.6.3).
    "resnet18": ((2, 64), (2, 128), (2, 256), (2, 512)),
}


# ----------------------------------------------------------------------------- helpers


def _check_positive_int(value: Any, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return value


def _check_width(width: object) -> float:
    if not isinstance(width, (int, float)) or isinstance(width, bool) or not width > 0:
        raise ValueError(
            f"width must be a positive number (1.0 is the book's network, 0.25 a quarter of "
            f"its channels), got {width!r}"
        )
    return float(width)


def _scaled(channels: int, width: float) -> int:
    """``channels * width`` rounded, at least 1: ``_scaled(96, 0.25) == 24``."""
    return max(1, round(channels * width))


def _check_arch(arch: object, name: str, example: Arch) -> Arch:
    """``arch`` as a tuple of (count, channels) pairs of positive integers."""
    remedy = f"e.g. {name}={example}"
    if isinstance(arch, (str, bytes)) or not isinstance(arch, Sequence) or len(arch) == 0:
        raise ValueError(f"{name} must be a non-empty sequence of (count, channels) pairs, got {arch!r}: {remedy}")
    pairs = []
    for stage in arch:
        if (
            not isinstance(stage, Sequence)
            or len(stage) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in stage)
        ):
            raise ValueError(
                f"every entry of {name} must be a pair of positive integers (count, channels), "
                f"got {stage!r} in {arch!r}: {remedy}"
            )
        pairs.append((stage[0], stage[1]))
    return tuple(pairs)


# The checks below look at tensor shapes. ``torch.fx.wrap`` makes a symbolic trace (used by
# ``course_utils.shapes.receptive_fields``) record them as single calls instead of tracing
# into an ``if`` on a shape, which a trace cannot do. Outside tracing they are plain functions.


@torch.fx.wrap
def _check_image_batch(X: torch.Tensor, min_size: int, model_name: str) -> None:
    """Raise ``ValueError`` unless ``X`` is N x C x H x W with H, W >= ``min_size``."""
    if X.dim() != 4:
        raise ValueError(
            f"{model_name} expects a batch of images N x C x H x W, got a tensor of shape "
            f"{tuple(X.shape)}: add the missing dimensions, e.g. X.reshape(-1, 1, 28, 28)"
        )
    height, width = X.shape[-2:]
    if height < min_size or width < min_size:
        raise ValueError(
            f"{model_name} needs images of at least {min_size}x{min_size} pixels, got "
            f"{height}x{width}: resize the images to {min_size}x{min_size} or more "
            f"(its convolutions and poolings would shrink a smaller image to nothing)"
        )


@torch.fx.wrap
def _check_skip_channels(X: torch.Tensor, num_channels: int, block_name: str) -> None:
    """Raise ``ValueError`` if an identity skip path cannot be added to the block's output."""
    if X.shape[1] != num_channels:
        raise ValueError(
            f"{block_name}({num_channels}) adds its input to its output, so the input needs "
            f"{num_channels} channels, got {X.shape[1]} (input shape {tuple(X.shape)}): "
            f"pass use_1x1conv=True to project the input to {num_channels} channels"
        )


def init_cnn(module: nn.Module) -> None:
    """Xavier-uniform initialisation of the weights of ``nn.Conv2d`` and ``nn.Linear`` (book 7.6).

    Use it as ``model.apply_init([X], init_cnn)``: the forward pass on ``X`` creates the lazy
    layers' parameters, then ``init_cnn`` is applied to every submodule. Biases keep PyTorch's
    default initialisation, as in the book.

    Raises:
        ValueError: ``module`` is a lazy layer whose parameters do not exist yet. The book's
            ``init_cnn`` silently skips such layers, so nothing gets initialised.
    """
    if isinstance(module, LazyModuleMixin) and module.has_uninitialized_params():
        raise ValueError(
            f"init_cnn got the lazy layer {module!r}, whose parameters do not exist yet "
            f"(a lazy layer learns its input size from the first batch): run one batch "
            f"through the model first, e.g. model.apply_init([X], init_cnn)"
        )
    if isinstance(module, (nn.Conv2d, nn.Linear)):
        nn.init.xavier_uniform_(module.weight)


# ----------------------------------------------------------------------------- LeNet (7.6)


class LeNet(Classifier):
    """LeNet-5 (LeCun et al., 1998, "Gradient-based learning applied to document
    recognition"), as in D2L 7.6: two sigmoid convolution + average-pooling layers, three
    fully connected layers.

    Shapes below are for the book's 28 x 28 input. The ``Linear`` after ``Flatten`` is lazy,
    so the model then only accepts the image size of its first batch.
    """

    # 12 -> conv 12 -> pool 6 -> conv 2 -> pool 1; at 11 the second conv gets 5 -> 1 pixel.
    min_input_size: int = 12

    def __init__(self, lr: float = 0.1, num_classes: int = 10) -> None:
        super().__init__(lr, num_classes)
        self.net = nn.Sequential(
            nn.LazyConv2d(6, kernel_size=5, padding=2), nn.Sigmoid(),  # N x 6 x 28 x 28
            nn.AvgPool2d(kernel_size=2, stride=2),  # N x 6 x 14 x 14
            nn.LazyConv2d(16, kernel_size=5), nn.Sigmoid(),  # N x 16 x 10 x 10
            nn.AvgPool2d(kernel_size=2, stride=2),  # N x 16 x 5 x 5
            nn.Flatten(),  # N x 400
            nn.LazyLinear(120), nn.Sigmoid(),  # N x 120
            nn.LazyLinear(84), nn.Sigmoid(),  # N x 84
            nn.LazyLinear(num_classes),  # N x num_classes
        )  # fmt: skip

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        _check_image_batch(X, self.min_input_size, type(self).__name__)
        return self.net(X)


# ----------------------------------------------------------------------------- AlexNet (8.1)


class AlexNet(Classifier):
    """AlexNet (Krizhevsky, Sutskever & Hinton, 2012, "ImageNet classification with deep
    convolutional neural networks"), the single-GPU version of D2L 8.1.

    Shapes below are for the book's 224 x 224 input and ``width=1``.

    Args:
        lr: learning rate of SGD.
        num_classes: number of classes.
        width: course extension, multiplies every channel count (96, 256, 384, 384, 256) and
            the 4096 hidden units; 1.0 is the book's network.
    """

    # 65 -> conv 15 -> pool 7 -> pool 3 -> pool 1; at 64 the first conv gives 14 -> 6 -> 2 -> 0.
    min_input_size: int = 65

    def __init__(self, lr: float = 0.1, num_classes: int = 10, *, width: float = 1.0) -> None:
        super().__init__(lr, num_classes)
        self.width = _check_width(width)
        c1, c2, c3, c4, c5, hidden = (_scaled(c, self.width) for c in (96, 256, 384, 384, 256, 4096))
        self.net = nn.Sequential(
            nn.LazyConv2d(c1, kernel_size=11, stride=4, padding=1), nn.ReLU(),  # N x 96 x 54 x 54
            nn.MaxPool2d(kernel_size=3, stride=2),  # N x 96 x 26 x 26
            nn.LazyConv2d(c2, kernel_size=5, padding=2), nn.ReLU(),  # N x 256 x 26 x 26
            nn.MaxPool2d(kernel_size=3, stride=2),  # N x 256 x 12 x 12
            nn.LazyConv2d(c3, kernel_size=3, padding=1), nn.ReLU(),  # N x 384 x 12 x 12
            nn.LazyConv2d(c4, kernel_size=3, padding=1), nn.ReLU(),  # N x 384 x 12 x 12
            nn.LazyConv2d(c5, kernel_size=3, padding=1), nn.ReLU(),  # N x 256 x 12 x 12
            nn.MaxPool2d(kernel_size=3, stride=2),  # N x 256 x 5 x 5
            nn.Flatten(),  # N x 6400
            nn.LazyLinear(hidden), nn.ReLU(), nn.Dropout(p=0.5),  # N x 4096
            nn.LazyLinear(hidden), nn.ReLU(), nn.Dropout(p=0.5),  # N x 4096
            nn.LazyLinear(num_classes),  # N x num_classes
        )  # fmt: skip

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        _check_image_batch(X, self.min_input_size, type(self).__name__)
        return self.net(X)


# ----------------------------------------------------------------------------- VGG (8.2)


def vgg_block(num_convs: int, out_channels: int) -> nn.Sequential:
    """A VGG block (D2L 8.2.1): ``num_convs`` 3x3 convolutions with padding 1 and ReLU,
    then 2x2 max pooling with stride 2 (halves height and width)."""
    _check_positive_int(num_convs, "num_convs")
    _check_positive_int(out_channels, "out_channels")
    layers: list[nn.Module] = []
    for _ in range(num_convs):
        layers.append(nn.LazyConv2d(out_channels, kernel_size=3, padding=1))
        layers.append(nn.ReLU())
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


class VGG(Classifier):
    """VGG (Simonyan & Zisserman, 2015, "Very deep convolutional networks for large-scale
    image recognition"), as in D2L 8.2.2: one ``vgg_block`` per ``(num_convs, out_channels)``
    of ``arch``, then the fully connected layers of AlexNet.

    ``VGG_ARCHS["vgg11"]`` is VGG-11, ``VGG_ARCHS["small"]`` the book's training arch.
    Shapes below are for a 224 x 224 input and VGG-11.

    Args:
        arch: ``(num_convs, out_channels)`` for each block; each block halves the image,
            so the input must have at least ``2 ** len(arch)`` pixels a side.
        lr: learning rate of SGD.
        num_classes: number of classes.
        num_hiddens: course extension, units of each of the two hidden layers (4096 in the book).
    """

    def __init__(
        self, arch: Sequence[tuple[int, int]], lr: float = 0.1, num_classes: int = 10, *, num_hiddens: int = 4096
    ) -> None:
        super().__init__(lr, num_classes)
        self.arch = _check_arch(arch, "arch", VGG_ARCHS["small"])
        _check_positive_int(num_hiddens, "num_hiddens")
        self.min_input_size = 2 ** len(self.arch)
        conv_blks = [vgg_block(num_convs, out_channels) for num_convs, out_channels in self.arch]
        self.net = nn.Sequential(
            *conv_blks,  # N x 64 x 112 x 112, ..., N x 512 x 7 x 7
            nn.Flatten(),  # N x 25088
            nn.LazyLinear(num_hiddens), nn.ReLU(), nn.Dropout(0.5),  # N x 4096
            nn.LazyLinear(num_hiddens), nn.ReLU(), nn.Dropout(0.5),  # N x 4096
            nn.LazyLinear(num_classes),  # N x num_classes
        )  # fmt: skip

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        _check_image_batch(X, self.min_input_size, type(self).__name__)
        return self.net(X)


# ----------------------------------------------------------------------------- NiN (8.3)


def nin_block(out_channels: int, kernel_size: int, strides: int, padding: int) -> nn.Sequential:
    """A NiN block (D2L 8.3.1): one convolution, then two 1x1 convolutions (a per-pixel
    MLP across channels), each followed by ReLU."""
    _check_positive_int(out_channels, "out_channels")
    return nn.Sequential(
        nn.LazyConv2d(out_channels, kernel_size, strides, padding), nn.ReLU(),
        nn.LazyConv2d(out_channels, kernel_size=1), nn.ReLU(),
        nn.LazyConv2d(out_channels, kernel_size=1), nn.ReLU(),
    )  # fmt: skip


class NiN(Classifier):
    """Network in Network (Lin, Chen & Yan, 2013, "Network in network"), as in D2L 8.3.2:
    NiN blocks and max pooling, no fully connected layer; the last block has one channel
    per class and global average pooling turns them into the class scores.

    Shapes below are for the book's 224 x 224 input and ``width=1``.

    Args:
        lr: learning rate of SGD.
        num_classes: number of classes.
        width: course extension, multiplies the channels 96, 256, 384 of the first three
            blocks (not the last, which has ``num_classes``); 1.0 is the book's network.
    """

    # 67 -> block 15 -> pool 7 -> pool 3 -> pool 1; at 66 the first block gives 14 -> 6 -> 2 -> 0.
    min_input_size: int = 67

    def __init__(self, lr: float = 0.1, num_classes: int = 10, *, width: float = 1.0) -> None:
        super().__init__(lr, num_classes)
        self.width = _check_width(width)
        c1, c2, c3 = (_scaled(c, self.width) for c in (96, 256, 384))
        self.net = nn.Sequential(
            nin_block(c1, kernel_size=11, strides=4, padding=0),  # N x 96 x 54 x 54
            nn.MaxPool2d(3, stride=2),  # N x 96 x 26 x 26
            nin_block(c2, kernel_size=5, strides=1, padding=2),  # N x 256 x 26 x 26
            nn.MaxPool2d(3, stride=2),  # N x 256 x 12 x 12
            nin_block(c3, kernel_size=3, strides=1, padding=1),  # N x 384 x 12 x 12
            nn.MaxPool2d(3, stride=2),  # N x 384 x 5 x 5
            nn.Dropout(0.5),
            nin_block(num_classes, kernel_size=3, strides=1, padding=1),  # N x num_classes x 5 x 5
            nn.AdaptiveAvgPool2d((1, 1)),  # N x num_classes x 1 x 1
            nn.Flatten(),  # N x num_classes
        )

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        _check_image_batch(X, self.min_input_size, type(self).__name__)
        return self.net(X)


# ----------------------------------------------------------------------------- GoogLeNet (8.4)


def _check_channel_pair(value: object, name: str) -> tuple[int, int]:
    if (
        not isinstance(value, Sequence)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value)
    ):
        raise ValueError(
            f"{name} must be a pair of positive integers (1x1 reduction channels, output "
            f"channels), got {value!r}: e.g. {name}=(96, 128)"
        )
    return value[0], value[1]


class Inception(nn.Module):
    """The Inception block (Szegedy et al., 2015, "Going deeper with convolutions"), D2L 8.4.1.

    Four parallel branches whose outputs are concatenated along the channels, so the block
    keeps height and width and has ``c1 + c2[1] + c3[1] + c4`` output channels.

    Args:
        c1: output channels of the 1x1 convolution branch.
        c2: (channels of the 1x1 reduction, output channels of the 3x3 convolution).
        c3: (channels of the 1x1 reduction, output channels of the 5x5 convolution).
        c4: output channels of the 1x1 projection after 3x3 max pooling.

    The layers are named for their branch (``branch3x3_reduce``, ``branch3x3``, ...) where
    the book numbers them (``b2_1``, ``b2_2``, ...).
    """

    def __init__(self, c1: int, c2: tuple[int, int], c3: tuple[int, int], c4: int) -> None:
        super().__init__()
        _check_positive_int(c1, "c1")
        ch3x3_reduce, ch3x3 = _check_channel_pair(c2, "c2")
        ch5x5_reduce, ch5x5 = _check_channel_pair(c3, "c3")
        _check_positive_int(c4, "c4")
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
        return _scaled(c, width)

    return [
        Inception(s(cfg.c1), (s(cfg.c2[0]), s(cfg.c2[1])), (s(cfg.c3[0]), s(cfg.c3[1])), s(cfg.c4))
        for cfg in _GOOGLENET_INCEPTIONS[stage]
    ]


class GoogleNet(Classifier):
    """GoogLeNet (Szegedy et al., 2015, "Going deeper with convolutions"), D2L 8.4.2, without
    the auxiliary classifiers; the stages are named ``b1`` ... ``b5`` as in the book.

    Shapes below are for the book's 96 x 96 input and ``width=1``; every stage rounds
    odd sizes up, so any image of at least 1 x 1 pixel passes.

    Args:
        lr: learning rate of SGD.
        num_classes: number of classes.
        width: course extension, multiplies every channel count of every stage; 1.0 is
            the book's network.
    """

    min_input_size: int = 1

    def __init__(self, lr: float = 0.1, num_classes: int = 10, *, width: float = 1.0) -> None:
        super().__init__(lr, num_classes)
        self.width = _check_width(width)
        w = self.width
        b1 = nn.Sequential(
            nn.LazyConv2d(_scaled(64, w), kernel_size=7, stride=2, padding=3), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
        )  # fmt: skip
        b2 = nn.Sequential(
            nn.LazyConv2d(_scaled(64, w), kernel_size=1), nn.ReLU(),
            nn.LazyConv2d(_scaled(192, w), kernel_size=3, padding=1), nn.ReLU(),
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
                last=nn.LazyLinear(num_classes),  # N x num_classes
            )
        )

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        _check_image_batch(X, self.min_input_size, type(self).__name__)
        return self.net(X)


# ----------------------------------------------------------------------------- batch norm (8.5)


@torch.fx.wrap
def batch_norm(
    X: torch.Tensor,
    gamma: torch.Tensor,
    beta: torch.Tensor,
    moving_mean: torch.Tensor,
    moving_var: torch.Tensor,
    eps: float,
    momentum: float,
    *,
    training: bool = True,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Batch normalization from scratch (Ioffe & Szegedy, 2015), D2L 8.5.3.

    Returns ``(Y, moving_mean, moving_var)`` like the book: new running statistics, or the
    given ones unchanged when ``training`` is false. ``X`` is N x C (after a linear layer,
    statistics over the batch) or N x C x H x W (after a convolution, statistics per channel
    over the batch and all pixels); the other tensors are 1 x C or 1 x C x 1 x 1.

    Training: normalise with the batch mean and biased variance, and update the running
    statistics with PyTorch's momentum convention,
    ``running = (1 - momentum) * running + momentum * batch_stat``, using the *unbiased* batch
    variance for the running variance, like ``nn.BatchNorm2d``. (The book uses the biased
    variance there; with it the running variance, and so inference, differ from PyTorch's.)
    Inference: normalise with the running statistics.

    Differs from the book: the mode is the argument ``training`` (a module passes
    ``self.training``), not ``torch.is_grad_enabled()``.
    """
    if X.dim() not in (2, 4):
        raise ValueError(
            f"batch_norm expects N x C or N x C x H x W, got a tensor of shape {tuple(X.shape)}"
        )
    if not training:
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
        return gamma * X_hat + beta, moving_mean, moving_var
    dims = (0,) if X.dim() == 2 else (0, 2, 3)
    n = X.numel() // X.shape[1]  # values per channel
    if n < 2:
        raise ValueError(
            f"batch_norm in training mode needs more than 1 value per channel, got input of shape "
            f"{tuple(X.shape)}: use a batch of at least 2, or call model.eval()"
        )
    mean = X.mean(dim=dims, keepdim=True)
    var = ((X - mean) ** 2).mean(dim=dims, keepdim=True)  # biased: used to normalise
    X_hat = (X - mean) / torch.sqrt(var + eps)
    with torch.no_grad():  # the running statistics are not part of the computation graph
        moving_mean = (1.0 - momentum) * moving_mean + momentum * mean
        moving_var = (1.0 - momentum) * moving_var + momentum * var * (n / (n - 1))
    return gamma * X_hat + beta, moving_mean, moving_var


@torch.fx.wrap
def _check_batch_norm_input(X: torch.Tensor, num_features: int, num_dims: int) -> None:
    if X.dim() != num_dims or X.shape[1] != num_features:
        expected = "N x C" if num_dims == 2 else "N x C x H x W"
        raise ValueError(
            f"BatchNorm({num_features}, num_dims={num_dims}) expects {expected} with C = "
            f"{num_features}, got a tensor of shape {tuple(X.shape)}"
        )


class BatchNorm(nn.Module):
    """Batch normalization layer from scratch (D2L 8.5.3), equal to ``nn.BatchNorm1d``
    (``num_dims=2``) or ``nn.BatchNorm2d`` (``num_dims=4``) in both modes.

    ``model.train()`` / ``model.eval()`` choose batch or running statistics (the book looks
    at ``torch.is_grad_enabled()`` instead). ``moving_mean`` and ``moving_var`` are
    registered buffers: saved in ``state_dict`` and moved by ``.to(device)`` (the book keeps
    plain tensor attributes and moves them by hand in ``forward``). Momentum follows
    PyTorch: ``running = (1 - momentum) * running + momentum * batch_stat``.

    Args:
        num_features: channels (``num_dims=4``) or features (``num_dims=2``).
        num_dims: 4 after a convolution, 2 after a linear layer.
        eps: course extension, added to the variance (1e-5 as in the book and PyTorch).
        momentum: course extension, weight of the batch statistic in the update (0.1).
    """

    moving_mean: torch.Tensor
    moving_var: torch.Tensor

    def __init__(self, num_features: int, num_dims: int, *, eps: float = 1e-5, momentum: float = 0.1) -> None:
        super().__init__()
        _check_positive_int(num_features, "num_features")
        if num_dims not in (2, 4):
            raise ValueError(
                f"num_dims must be 2 (after a linear layer) or 4 (after a convolution), got {num_dims!r}"
            )
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"momentum must be in [0, 1] (PyTorch's convention, e.g. 0.1), got {momentum!r}")
        self.num_features = num_features
        self.num_dims = num_dims
        self.eps = eps
        self.momentum = momentum
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        # The scale and shift parameters, trained by gradient descent
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        # The running statistics, updated in training mode and used in evaluation mode
        self.register_buffer("moving_mean", torch.zeros(shape))
        self.register_buffer("moving_var", torch.ones(shape))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        _check_batch_norm_input(X, self.num_features, self.num_dims)
        Y, moving_mean, moving_var = batch_norm(
            X, self.gamma, self.beta, self.moving_mean, self.moving_var,
            self.eps, self.momentum, training=self.training,
        )  # fmt: skip
        if self.training:
            # In place, so that the buffers stay the ones registered (and in state_dict).
            self.moving_mean.copy_(moving_mean)
            self.moving_var.copy_(moving_var)
        return Y

    def extra_repr(self) -> str:
        return f"{self.num_features}, num_dims={self.num_dims}, eps={self.eps}, momentum={self.momentum}"


class BNLeNetScratch(Classifier):
    """LeNet with the from-scratch ``BatchNorm`` after every convolution and hidden linear
    layer (D2L 8.5.4). Unlike ``LeNet`` the first convolution has no padding, as in the
    book. Shapes below are for a 28 x 28 input."""

    # 16 -> conv 12 -> pool 6 -> conv 2 -> pool 1; at 15 the second conv gets 5 -> 1 pixel.
    min_input_size: int = 16

    def __init__(self, lr: float = 0.1, num_classes: int = 10) -> None:
        super().__init__(lr, num_classes)
        self.net = nn.Sequential(
            nn.LazyConv2d(6, kernel_size=5), BatchNorm(6, num_dims=4), nn.Sigmoid(),  # N x 6 x 24 x 24
            nn.AvgPool2d(kernel_size=2, stride=2),  # N x 6 x 12 x 12
            nn.LazyConv2d(16, kernel_size=5), BatchNorm(16, num_dims=4), nn.Sigmoid(),  # N x 16 x 8 x 8
            nn.AvgPool2d(kernel_size=2, stride=2),  # N x 16 x 4 x 4
            nn.Flatten(),  # N x 256
            nn.LazyLinear(120), BatchNorm(120, num_dims=2), nn.Sigmoid(),  # N x 120
            nn.LazyLinear(84), BatchNorm(84, num_dims=2), nn.Sigmoid(),  # N x 84
            nn.LazyLinear(num_classes),  # N x num_classes
        )  # fmt: skip

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        _check_image_batch(X, self.min_input_size, type(self).__name__)
        return self.net(X)


class BNLeNet(Classifier):
    """``BNLeNetScratch`` with PyTorch's ``nn.LazyBatchNorm2d``/``nn.LazyBatchNorm1d``
    (D2L 8.5.5, the concise implementation). Shapes below are for a 28 x 28 input."""

    min_input_size: int = 16

    def __init__(self, lr: float = 0.1, num_classes: int = 10) -> None:
        super().__init__(lr, num_classes)
        self.net = nn.Sequential(
            nn.LazyConv2d(6, kernel_size=5), nn.LazyBatchNorm2d(), nn.Sigmoid(),  # N x 6 x 24 x 24
            nn.AvgPool2d(kernel_size=2, stride=2),  # N x 6 x 12 x 12
            nn.LazyConv2d(16, kernel_size=5), nn.LazyBatchNorm2d(), nn.Sigmoid(),  # N x 16 x 8 x 8
            nn.AvgPool2d(kernel_size=2, stride=2),  # N x 16 x 4 x 4
            nn.Flatten(),  # N x 256
            nn.LazyLinear(120), nn.LazyBatchNorm1d(), nn.Sigmoid(),  # N x 120
            nn.LazyLinear(84), nn.LazyBatchNorm1d(), nn.Sigmoid(),  # N x 84
            nn.LazyLinear(num_classes),  # N x num_classes
        )  # fmt: skip

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        _check_image_batch(X, self.min_input_size, type(self).__name__)
        return self.net(X)


# ----------------------------------------------------------------------------- ResNet (8.6)


def _check_strides(strides: Any, use_1x1conv: bool, block_name: str) -> int:
    strides = _check_positive_int(strides, "strides")
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
        _check_positive_int(num_channels, "num_channels")
        self.num_channels = num_channels
        self.strides = _check_strides(strides, use_1x1conv, type(self).__name__)
        self.conv1 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1, stride=strides)
        self.conv2 = nn.LazyConv2d(num_channels, kernel_size=3, padding=1)
        self.conv3 = nn.LazyConv2d(num_channels, kernel_size=1, stride=strides) if use_1x1conv else None
        self.bn1 = nn.LazyBatchNorm2d()
        self.bn2 = nn.LazyBatchNorm2d()

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        identity = X  # N x C x H x W
        Y = F.relu(self.bn1(self.conv1(X)))  # N x num_channels x H' x W', H' = ceil(H / strides)
        Y = self.bn2(self.conv2(Y))  # N x num_channels x H' x W'
        if self.conv3 is not None:
            identity = self.conv3(X)  # N x num_channels x H' x W'
        else:
            _check_skip_channels(X, self.num_channels, type(self).__name__)
        Y += identity
        return F.relu(Y)


class ResNet(Classifier):
    """ResNet (He et al., 2016), D2L 8.6.3: a GoogLeNet-like stem ``b1``, one stage of
    ``Residual`` blocks per ``(num_residuals, num_channels)`` of ``arch`` (every stage but the
    first halves the image), global average pooling and a linear layer.

    Shapes below are for a 96 x 96 input and ResNet-18; any image of at least 1 x 1 pixel
    passes (every stride rounds up).

    The stem has ``arch[0][1]`` channels (the book: always 64, which equals ``arch[0][1]`` for
    every arch in the book; with another first width the book's first residual addition fails).

    Args:
        arch: ``(num_residuals, num_channels)`` for each stage, e.g. ``RESNET_ARCHS["resnet18"]``;
            a narrower arch such as ``((2, 16), (2, 32), (2, 64), (2, 128))`` is a narrower ResNet.
        lr: learning rate of SGD.
        num_classes: number of classes.
    """

    min_input_size: int = 1

    def __init__(self, arch: Sequence[tuple[int, int]], lr: float = 0.1, num_classes: int = 10) -> None:
        super().__init__(lr, num_classes)
        self.arch = _check_arch(arch, "arch", RESNET_ARCHS["resnet18"])
        self.net = nn.Sequential(OrderedDict(b1=self.b1(self.arch[0][1])))  # N x 64 x 24 x 24
        for i, (num_residuals, num_channels) in enumerate(self.arch):
            # b2: N x 64 x 24 x 24, b3: N x 128 x 12 x 12, b4: N x 256 x 6 x 6, b5: N x 512 x 3 x 3
            self.net.add_module(f"b{i + 2}", self.block(num_residuals, num_channels, first_block=(i == 0)))
        self.net.add_module(
            "last",
            nn.Sequential(nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.LazyLinear(num_classes)),  # N x num_classes
        )

    @staticmethod
    def b1(num_channels: int = 64) -> nn.Sequential:
        """The stem: 7x7 convolution with stride 2, batch norm, ReLU, 3x3 max pooling with stride 2."""
        return nn.Sequential(
            nn.LazyConv2d(num_channels, kernel_size=7, stride=2, padding=3),
            nn.LazyBatchNorm2d(), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
        )  # fmt: skip

    @staticmethod
    def block(num_residuals: int, num_channels: int, first_block: bool = False) -> nn.Sequential:
        """One stage: ``num_residuals`` blocks; unless ``first_block``, the first one halves
        the image and changes the channels through its 1x1 convolution."""
        blk: list[nn.Module] = []
        for i in range(num_residuals):
            if i == 0 and not first_block:
                blk.append(Residual(num_channels, use_1x1conv=True, strides=2))
            else:
                blk.append(Residual(num_channels))
        return nn.Sequential(*blk)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        _check_image_batch(X, self.min_input_size, type(self).__name__)
        return self.net(X)


class ResNet18(ResNet):
    """ResNet-18 (D2L 8.6.3): ``ResNet(RESNET_ARCHS["resnet18"])``, 4 stages of 2 blocks.

    Args:
        lr: learning rate of SGD.
        num_classes: number of classes.
        width: course extension, multiplies the channels 64, 128, 256, 512 of the stages (and
            of the stem); 1.0 is the book's network, 0.25 gives 16, 32, 64, 128.
    """

    def __init__(self, lr: float = 0.1, num_classes: int = 10, *, width: float = 1.0) -> None:
        width = _check_width(width)
        super().__init__(tuple((n, _scaled(c, width)) for n, c in RESNET_ARCHS["resnet18"]), lr, num_classes)
        self.width = width


# ----------------------------------------------------------------------------- ResNeXt (8.6.5)


class ResNeXtBlock(nn.Module):
    """The ResNeXt block (Xie et al., 2017, "Aggregated residual transformations for deep
    neural networks"), D2L 8.6.5: 1x1 convolution down to ``bot_channels``, a grouped 3x3
    convolution with ``groups`` groups of ``group_width`` channels, 1x1 convolution back to
    ``num_channels``, each with batch norm, plus the skip path of ``Residual``.

    ``groups`` is the number of groups (the paper's cardinality, the book's text). The book's
    code passes ``groups=bot_channels // groups`` to the convolution, so there ``groups`` is
    the width of one group: the book's ``ResNeXtBlock(32, 16, 1)`` has 2 groups of 16
    channels and is ``ResNeXtBlock(32, 2, 1)`` here. (The study notes also call it
    ``ResNextBlock`` once, and their ``forward`` misses ``return F.relu(Y + X)``.)

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
        _check_positive_int(num_channels, "num_channels")
        _check_positive_int(groups, "groups")
        if not isinstance(bot_mul, (int, float)) or isinstance(bot_mul, bool) or not bot_mul > 0:
            raise ValueError(f"bot_mul must be a positive number, e.g. 0.5 or 1, got {bot_mul!r}")
        bot_channels = int(round(num_channels * bot_mul))
        if bot_channels < 1 or bot_channels % groups != 0:
            divisors = [d for d in range(1, bot_channels + 1) if bot_channels % d == 0]
            raise ValueError(
                f"groups={groups} must divide bot_channels = round(num_channels * bot_mul) = "
                f"round({num_channels} * {bot_mul}) = {bot_channels}: choose groups from {divisors}"
            )
        self.num_channels = num_channels
        self.groups = groups
        self.bot_channels = bot_channels
        self.group_width = bot_channels // groups  # channels of each group
        self.strides = _check_strides(strides, use_1x1conv, type(self).__name__)
        self.conv1 = nn.LazyConv2d(bot_channels, kernel_size=1, stride=1)
        self.conv2 = nn.LazyConv2d(bot_channels, kernel_size=3, stride=strides, padding=1, groups=groups)
        self.conv3 = nn.LazyConv2d(num_channels, kernel_size=1, stride=1)
        self.bn1 = nn.LazyBatchNorm2d()
        self.bn2 = nn.LazyBatchNorm2d()
        self.bn3 = nn.LazyBatchNorm2d()
        self.conv4 = nn.LazyConv2d(num_channels, kernel_size=1, stride=strides) if use_1x1conv else None
        self.bn4 = nn.LazyBatchNorm2d() if use_1x1conv else None

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        identity = X  # N x C x H x W
        Y = F.relu(self.bn1(self.conv1(X)))  # N x bot_channels x H x W
        Y = F.relu(self.bn2(self.conv2(Y)))  # N x bot_channels x H' x W', H' = ceil(H / strides)
        Y = self.bn3(self.conv3(Y))  # N x num_channels x H' x W'
        if self.conv4 is not None and self.bn4 is not None:
            identity = self.bn4(self.conv4(X))  # N x num_channels x H' x W'
        else:
            _check_skip_channels(X, self.num_channels, type(self).__name__)
        Y += identity
        return F.relu(Y)
