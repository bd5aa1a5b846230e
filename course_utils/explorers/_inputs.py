"""What the explorers take: grey images (checked once, here), the default image, a model's input."""

from __future__ import annotations

import torch
from torch import nn

from course_utils.data_sources import load_sample

__all__ = ["default_image", "grey_images", "model_input"]


def default_image() -> torch.Tensor:
    """Fashion-MNIST test image 0 (the course's sample; also image 0 of the full test set): (28, 28), in [0, 1]."""
    images, _ = load_sample(train=False)
    return images[0].float() / 255


def grey_images(value: object, name: str, *, batch: bool = False, max_side: int | None = None) -> torch.Tensor:
    """``value`` checked as grey floating-point pixels, returned as float32 on the CPU.

    One image, ``(H, W)`` or ``(1, H, W)``, becomes ``(H, W)``; with ``batch``, ``(N, H, W)`` or
    ``(N, 1, H, W)`` becomes ``(N, 1, H, W)``. A colour image, whole-number pixels, NaN or
    infinite pixels, and (with ``max_side``) an image larger than the explorer draws are
    refused with the remedy.
    """
    if not isinstance(value, torch.Tensor):
        try:
            value = torch.as_tensor(value)
        except (TypeError, ValueError, RuntimeError):
            raise TypeError(f"{name} must be a tensor of pixel values, got {type(value).__name__}: "
                            f"e.g. {name} = images[0].float() / 255") from None
    images = value.detach().cpu()
    if not images.is_floating_point():
        raise TypeError(f"{name} has dtype {images.dtype}, but the explorers need floating-point pixels: convert it, "
                        f"e.g. {name}.float() / 255 for pixels 0 to 255")
    layout = "(N, 1, H, W) or (N, H, W)" if batch else "(1, H, W) or (H, W)"
    channel_axis = 1 if batch else 0
    if images.dim() == channel_axis + 3 and images.shape[channel_axis] != 1:
        raise ValueError(f"{name} has {images.shape[channel_axis]} channels (shape {tuple(images.shape)}), but the "
                         f"explorers draw grey images of one channel: keep one channel or average them, e.g. "
                         f"{name}.mean(dim={channel_axis}, keepdim=True)")
    if images.dim() not in (channel_axis + 2, channel_axis + 3) or min(images.shape, default=0) == 0:
        raise ValueError(f"{name} must have shape {layout}, got {tuple(images.shape)}")
    if not bool(torch.isfinite(images).all()):
        raise ValueError(f"{name} has pixels that are NaN or infinite: give finite pixel values, e.g. in [0, 1] "
                         f"(torch.nan_to_num({name}) replaces them)")
    height, width = images.shape[-2:]
    if max_side is not None and max(height, width) > max_side:
        raise ValueError(f"{name} is {height}×{width}, but the explorer draws every pixel and takes at most "
                         f"{max_side}×{max_side}: crop or shrink it, e.g. "
                         f"F.interpolate({name}.reshape(1, 1, {height}, {width}), size=(28, 28))[0, 0]")
    if images.dim() == channel_axis + 3:
        images = images.squeeze(channel_axis)
    return (images[:, None] if batch else images).float()


def model_input(model: nn.Module, X: torch.Tensor) -> torch.Tensor:
    """``X`` on the device and in the floating-point dtype of the model's parameters (a model trained on
    a GPU, or in float64, takes the explorers' float32 CPU images)."""
    first = next(model.parameters(), None)
    if first is None:
        return X
    return X.to(device=first.device, dtype=first.dtype if first.is_floating_point() else X.dtype)
