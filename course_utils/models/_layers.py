"""Helpers several model families share: channel scaling, ``width``/``arch`` checks, block input checks.

Private to ``course_utils.models``. The argument checks are built on ``course_utils.validate``
(NumPy integers accepted, ``bool`` refused), so every model reads its arguments alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch
import torch.fx

from course_utils import validate

__all__ = ["Arch", "scaled", "check_width", "is_positive_pair", "check_arch", "check_block_input"]

# (num_convs, out_channels) for each VGG block / (num_residuals, num_channels) for each ResNet stage.
Arch = tuple[tuple[int, int], ...]


def scaled(channels: int, width: float) -> int:
    """``channels * width`` rounded, at least 1: ``scaled(96, 0.25) == 24``."""
    return max(1, round(channels * width))


def check_width(width: Any) -> float:
    """The course's ``width`` multiplier: a finite number > 0 (1.0 is the book's network)."""
    return validate.positive_number(width, "width", example=0.25)


def is_positive_pair(value: Any) -> bool:
    """True for a pair (tuple, list) of two integers >= 1, such as ``(2, 64)``."""
    return (
        isinstance(value, Sequence)
        and not isinstance(value, (str, bytes))
        and len(value) == 2
        and all(validate.is_int(v) and v >= 1 for v in value)
    )


def check_arch(arch: Any, table: Mapping[str, Arch], table_name: str) -> Arch:
    """``arch`` as a tuple of (count, channels) pairs of positive integers.

    ``table`` holds the named architectures (``VGG_ARCHS``, ``RESNET_ARCHS``), which the
    message offers, e.g. ``arch=VGG_ARCHS['small']``.
    """
    name, first = "arch", next(iter(table))
    names = ", ".join(map(repr, table))
    remedy = f"e.g. {name}={table_name}[{first!r}] (names: {names}) or {name}={table[first]}"
    if isinstance(arch, (str, bytes)) or not isinstance(arch, Sequence) or len(arch) == 0:
        raise ValueError(f"{name} must be a non-empty sequence of (count, channels) pairs, got {arch!r}: {remedy}")
    pairs = []
    for stage in arch:
        if not is_positive_pair(stage):
            raise ValueError(
                f"every entry of {name} must be a pair of positive integers (count, channels), "
                f"got {stage!r} in {arch!r}: {remedy}"
            )
        pairs.append((int(stage[0]), int(stage[1])))
    return tuple(pairs)


@torch.fx.wrap
def check_block_input(X: torch.Tensor, block_name: str, skip_channels: int | None = None) -> None:
    """Raise ``ValueError`` unless ``X`` is N x C x H x W (and has ``skip_channels`` channels if given).

    For the blocks (``Inception``, ``Residual``, ``ResNeXtBlock``): a convolution also takes an
    unbatched C x H x W image, and then the block concatenates or normalises along the wrong
    dimension. ``skip_channels``: an identity skip path adds the input to the output, so the
    input needs the output's channels.

    ``torch.fx.wrap`` keeps this one call in a symbolic trace (``shapes.receptive_fields``); a
    module that uses it under another name wraps that name again (``torch.fx.wrap`` patches the
    calling module's globals).
    """
    if X.dim() != 4:
        raise ValueError(
            f"{block_name} expects a batch N x C x H x W, got a tensor of shape {tuple(X.shape)}: "
            f"for one image, add the batch dimension with X.unsqueeze(0)"
        )
    if skip_channels is not None and X.shape[1] != skip_channels:
        raise ValueError(
            f"{block_name}({skip_channels}) adds its input to its output, so the input needs "
            f"{skip_channels} channels, got {X.shape[1]} (input shape {tuple(X.shape)}): "
            f"pass use_1x1conv=True to project the input to {skip_channels} channels"
        )
