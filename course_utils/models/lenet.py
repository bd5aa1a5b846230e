"""LeNet (D2L 7.6) and ``init_cnn``, the book's weight initialisation for every CNN of the course.

Differs from the book: ``init_cnn`` raises ``ValueError`` on a lazy layer whose parameters do
not exist yet; the book's version silently skips it (its ``type(m) == nn.Conv2d`` is false
for ``LazyConv2d``), so the book's ``self.net.apply(init_cnn)`` in ``__init__`` does nothing.
Here models do not initialise in ``__init__``: call ``model.apply_init([X], init_cnn)``.
"""

from __future__ import annotations

from torch import nn
from torch.nn.modules.lazy import LazyModuleMixin

from course_utils.models.classifier import Classifier

__all__ = ["init_cnn", "LeNet"]


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


class LeNet(Classifier):
    """LeNet-5 (LeCun et al., 1998, "Gradient-based learning applied to document
    recognition"), as in D2L 7.6: two sigmoid convolution + average-pooling layers, three
    fully connected layers.

    Shapes below are for the book's 28 x 28 input. The ``Linear`` after ``Flatten`` is lazy,
    so the model then only accepts images that give it the same 400 inputs (28 x 28 or 29 x 29).
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
            nn.LazyLinear(self.num_classes),  # N x num_classes
        )  # fmt: skip
