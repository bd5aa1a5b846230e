"""VGG (D2L 8.2): ``vgg_block``, the network, and ``VGG_ARCHS``, the one table of VGG architectures.

Differs from the course's study notes (on purpose): the notes' ``vgg_block`` writes
``nn.Conv2d(out_channels, kernel_size=3, padding=1)`` (``nn.Conv2d`` takes ``in_channels``
first, so that line raises) and their VGG writes ``nn.Linear(4096)``; the book uses
``nn.LazyConv2d``/``nn.LazyLinear``, as here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from torch import nn

from course_utils import validate
from course_utils.models._layers import Arch, check_arch
from course_utils.models.classifier import Classifier

__all__ = ["VGG_ARCHS", "vgg_block", "VGG"]

# (num_convs, out_channels) of each block. Every block halves the image, so an arch of five
# blocks needs images of at least 32 x 32.
VGG_ARCHS: Mapping[str, Arch] = MappingProxyType({
    # VGG-11, configuration A of Simonyan & Zisserman (2015); the book's layer_summary (8.2.2).
    "vgg11": ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512)),
    # The book's training arch (8.2.3): VGG-11 with a quarter of the channels.
    "small": ((1, 16), (1, 32), (2, 64), (2, 128), (2, 128)),
    # VGG-11 at an eighth of its channels: the course's cpu size (32 x 32 images).
    "eighth": ((1, 8), (1, 16), (2, 32), (2, 64), (2, 64)),
    # Four to sixteen channels: the course's fast size (CI and tests, seconds per epoch).
    "tiny": ((1, 4), (1, 8), (2, 16), (2, 16), (2, 16)),
})


def vgg_block(num_convs: int, out_channels: int) -> nn.Sequential:
    """A VGG block (D2L 8.2.1): ``num_convs`` 3x3 convolutions with padding 1 and ReLU,
    then 2x2 max pooling with stride 2 (halves height and width)."""
    num_convs = validate.positive_int(num_convs, "num_convs", example=2)
    out_channels = validate.positive_int(out_channels, "out_channels", example=64)
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
            so the input must have at least ``2 ** len(arch)`` pixels a side
            (``min_input_size``, set per model).
        lr: learning rate of SGD.
        num_classes: number of classes.
        num_hiddens: course extension, units of each of the two hidden layers (4096 in the book).
    """

    def __init__(
        self, arch: Sequence[tuple[int, int]], lr: float = 0.1, num_classes: int = 10, *, num_hiddens: int = 4096
    ) -> None:
        super().__init__(lr, num_classes)
        self.arch = check_arch(arch, VGG_ARCHS, "VGG_ARCHS")
        num_hiddens = validate.positive_int(num_hiddens, "num_hiddens", example=4096)
        self.min_input_size = 2 ** len(self.arch)
        conv_blks = [vgg_block(num_convs, out_channels) for num_convs, out_channels in self.arch]
        self.net = nn.Sequential(
            *conv_blks,  # N x 64 x 112 x 112, ..., N x 512 x 7 x 7
            nn.Flatten(),  # N x 25088
            nn.LazyLinear(num_hiddens), nn.ReLU(), nn.Dropout(0.5),  # N x 4096
            nn.LazyLinear(num_hiddens), nn.ReLU(), nn.Dropout(0.5),  # N x 4096
            nn.LazyLinear(self.num_classes),  # N x num_classes
        )  # fmt: skip
