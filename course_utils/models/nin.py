"""Network in Network (D2L 8.3): ``nin_block`` and ``NiN``, with the course's ``width``."""

from __future__ import annotations

from torch import nn

from course_utils import validate
from course_utils.models._layers import check_width, scaled
from course_utils.models.classifier import Classifier

__all__ = ["nin_block", "NiN"]


def nin_block(out_channels: int, kernel_size: int, strides: int, padding: int) -> nn.Sequential:
    """A NiN block (D2L 8.3.1): one convolution, then two 1x1 convolutions (a per-pixel
    MLP across channels), each followed by ReLU."""
    out_channels = validate.positive_int(out_channels, "out_channels", example=96)
    kernel_size = validate.positive_int(kernel_size, "kernel_size", example=3)
    strides = validate.positive_int(strides, "strides", example=1)
    padding = validate.nonnegative_int(padding, "padding", example=1)
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
        self.width = check_width(width)
        c1, c2, c3 = (scaled(c, self.width) for c in (96, 256, 384))
        self.net = nn.Sequential(
            nin_block(c1, kernel_size=11, strides=4, padding=0),  # N x 96 x 54 x 54
            nn.MaxPool2d(3, stride=2),  # N x 96 x 26 x 26
            nin_block(c2, kernel_size=5, strides=1, padding=2),  # N x 256 x 26 x 26
            nn.MaxPool2d(3, stride=2),  # N x 256 x 12 x 12
            nin_block(c3, kernel_size=3, strides=1, padding=1),  # N x 384 x 12 x 12
            nn.MaxPool2d(3, stride=2),  # N x 384 x 5 x 5
            nn.Dropout(0.5),
            nin_block(self.num_classes, kernel_size=3, strides=1, padding=1),  # N x num_classes x 5 x 5
            nn.AdaptiveAvgPool2d((1, 1)),  # N x num_classes x 1 x 1
            nn.Flatten(),  # N x num_classes
        )
