"""Batch normalization (D2L 8.5): ``batch_norm`` and ``BatchNorm`` from scratch, and the two BN-LeNets.

Differs from the book (on purpose): ``BatchNorm``/``batch_norm`` choose training or inference
from ``self.training`` (the book uses ``torch.is_grad_enabled()``, so ``model.eval()`` had no
effect and evaluating under ``torch.no_grad()`` in training mode used the running statistics);
the running mean and variance are registered buffers (saved in ``state_dict``, moved by
``.to(device)``); the running variance is updated with the *unbiased* batch variance, like
``nn.BatchNorm2d`` (the book uses the biased one), so the two agree in both modes; ``eps``
and ``momentum`` are checked when the layer is built (a negative or NaN ``eps`` would make
every output NaN).
"""

from __future__ import annotations

from typing import Any

import torch
import torch.fx
from torch import nn

from course_utils import validate
from course_utils.models.classifier import Classifier

__all__ = ["batch_norm", "BatchNorm", "BNLeNetScratch", "BNLeNet"]


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

    ``eps`` must be a finite number >= 0 (0 is allowed here, for worked examples; the layer
    ``BatchNorm`` wants > 0) and ``momentum`` a fraction in [0, 1].

    Differs from the book: the mode is the argument ``training`` (a module passes
    ``self.training``), not ``torch.is_grad_enabled()``.
    """
    eps = validate.number(eps, "eps", minimum=0, example=1e-5)
    momentum = validate.fraction(momentum, "momentum", example=0.1)
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
        eps: course extension, added to the variance (1e-5 as in the book and PyTorch);
            a finite number > 0.
        momentum: course extension, weight of the batch statistic in the update (0.1); in [0, 1].
    """

    moving_mean: torch.Tensor
    moving_var: torch.Tensor

    def __init__(self, num_features: int, num_dims: int, *, eps: float = 1e-5, momentum: float = 0.1) -> None:
        super().__init__()
        num_features = validate.positive_int(num_features, "num_features", example=6)
        num_dims = validate.integer(num_dims, "num_dims", example=4)
        if num_dims not in (2, 4):
            raise ValueError(
                f"num_dims must be 2 (after a linear layer) or 4 (after a convolution), got {num_dims!r}"
            )
        self.num_features = num_features
        self.num_dims = num_dims
        self.eps = validate.positive_number(eps, "eps", example=1e-5)
        self.momentum = validate.fraction(momentum, "momentum", example=0.1)
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


def _bn_lenet(num_classes: int, norm: Any) -> nn.Sequential:
    """LeNet with ``norm(features, num_dims)`` after every convolution and hidden linear layer."""
    return nn.Sequential(
        nn.LazyConv2d(6, kernel_size=5), norm(6, 4), nn.Sigmoid(),  # N x 6 x 24 x 24
        nn.AvgPool2d(kernel_size=2, stride=2),  # N x 6 x 12 x 12
        nn.LazyConv2d(16, kernel_size=5), norm(16, 4), nn.Sigmoid(),  # N x 16 x 8 x 8
        nn.AvgPool2d(kernel_size=2, stride=2),  # N x 16 x 4 x 4
        nn.Flatten(),  # N x 256
        nn.LazyLinear(120), norm(120, 2), nn.Sigmoid(),  # N x 120
        nn.LazyLinear(84), norm(84, 2), nn.Sigmoid(),  # N x 84
        nn.LazyLinear(num_classes),  # N x num_classes
    )  # fmt: skip


class BNLeNetScratch(Classifier):
    """LeNet with the from-scratch ``BatchNorm`` after every convolution and hidden linear
    layer (D2L 8.5.4). Unlike ``LeNet`` the first convolution has no padding, as in the
    book. Shapes below are for a 28 x 28 input."""

    # 16 -> conv 12 -> pool 6 -> conv 2 -> pool 1; at 15 the second conv gets 5 -> 1 pixel.
    min_input_size: int = 16

    def __init__(self, lr: float = 0.1, num_classes: int = 10) -> None:
        super().__init__(lr, num_classes)
        self.net = _bn_lenet(self.num_classes, lambda features, num_dims: BatchNorm(features, num_dims=num_dims))


class BNLeNet(Classifier):
    """``BNLeNetScratch`` with PyTorch's ``nn.LazyBatchNorm2d``/``nn.LazyBatchNorm1d``
    (D2L 8.5.5, the concise implementation). Shapes below are for a 28 x 28 input."""

    min_input_size: int = 16

    def __init__(self, lr: float = 0.1, num_classes: int = 10) -> None:
        super().__init__(lr, num_classes)
        self.net = _bn_lenet(
            self.num_classes, lambda features, num_dims: nn.LazyBatchNorm2d() if num_dims == 4 else nn.LazyBatchNorm1d()
        )
