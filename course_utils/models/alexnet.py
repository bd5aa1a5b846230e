"""AlexNet (D2L 8.1), with the course's ``width`` to make it narrower."""

from __future__ import annotations

from torch import nn

from course_utils.models._layers import check_width, scaled
from course_utils.models.classifier import Classifier

__all__ = ["AlexNet"]


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
        self.width = check_width(width)
        c1, c2, c3, c4, c5, hidden = (scaled(c, self.width) for c in (96, 256, 384, 384, 256, 4096))
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
            nn.LazyLinear(self.num_classes),  # N x num_classes
        )  # fmt: skip
