"""The base class every model of the course subclasses (the book's ``d2l.Classifier``).

The book's version sets hyperparameters by inspecting the caller's frame
(``save_hyperparameters``) and adds methods to classes from other cells
(``@add_to_class``). Here a model passes ``lr`` to ``__init__`` like any other
argument, and everything a model needs is written in this one class.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["Classifier"]


class Classifier(nn.Module):
    """A classification model: ``self.net`` maps images to class scores.

    Subclasses build ``self.net`` in ``__init__``. The Trainer calls ``loss``,
    ``accuracy`` and ``configure_optimizers``; a notebook calls ``layer_summary``.

    Args:
        lr: learning rate of the SGD optimizer that ``configure_optimizers`` returns.
        num_classes: number of output classes (10 for Fashion-MNIST).
    """

    net: nn.Module

    def __init__(self, lr: float = 0.1, num_classes: int = 10) -> None:
        super().__init__()
        if not isinstance(lr, (int, float)) or isinstance(lr, bool) or not lr > 0:
            raise ValueError(f"lr must be a positive number, got {lr!r}: try lr=0.1")
        if not isinstance(num_classes, int) or isinstance(num_classes, bool) or num_classes < 2:
            raise ValueError(f"num_classes must be an integer >= 2, got {num_classes!r}")
        self.lr = float(lr)
        self.num_classes = num_classes

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.net(X)

    def loss(self, Y_hat: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
        """Mean cross-entropy of the scores ``Y_hat`` (N x classes) against labels ``Y``."""
        return F.cross_entropy(Y_hat, Y)

    def accuracy(self, Y_hat: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
        """Fraction of the batch whose highest score is the true label."""
        return (Y_hat.argmax(dim=1) == Y).float().mean()

    def configure_optimizers(self) -> torch.optim.Optimizer:
        """Minibatch SGD with ``self.lr``, as in the book."""
        return torch.optim.SGD(self.parameters(), lr=self.lr)

    def apply_init(self, inputs: Sequence[torch.Tensor], init: Callable[[nn.Module], None] | None = None) -> None:
        """Create the lazy layers' parameters from one batch, then apply ``init`` to every submodule.

        The book's cell ``model.apply_init([X], init_cnn)``: ``inputs`` are the arguments of one
        forward call (a list holding one batch of images). The forward pass runs in evaluation
        mode under ``torch.no_grad()``, so it updates no batch-norm statistics (the book's runs
        in training mode); the model's mode is restored afterwards.
        """
        if isinstance(inputs, torch.Tensor) or not isinstance(inputs, Sequence):
            raise TypeError(
                f"inputs must be a list of the forward pass's arguments, got {type(inputs).__name__}: "
                f"write model.apply_init([X], init_cnn) with X one batch of images"
            )
        was_training = self.training
        self.eval()
        try:
            with torch.no_grad():
                self(*inputs)
        finally:
            self.train(was_training)
        if init is not None:
            self.apply(init)

    def layer_summary(self, X_shape: tuple[int, ...]) -> None:
        """Print each top-level layer's output shape for an input of ``X_shape``."""
        from course_utils.summary import layer_summary

        layer_summary(self, X_shape)
