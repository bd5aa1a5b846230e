"""The base class every model of the course subclasses (the book's ``d2l.Classifier``, D2L 4.3).

The book's version sets hyperparameters by inspecting the caller's frame
(``save_hyperparameters``) and adds methods to classes from other cells
(``@add_to_class``). Here a model passes ``lr`` to ``__init__`` like any other
argument, and everything a model needs is written in this one class.

``Classifier.forward`` checks its input once for every model, before any layer runs: a
tensor (not a NumPy array), floating point, N x C x H x W, at least ``min_input_size``
pixels a side, and, once the lazy layers exist, the dtype, device and channels of the
model's parameters and, for a model with a ``Linear`` after ``Flatten`` (LeNet, AlexNet,
VGG, the batch-norm LeNets), an image size that gives that layer its number of inputs.
Under ``torch.autocast`` (the Trainer's bfloat16 on CUDA) any floating dtype passes, since
autocast casts inside the layers; without it, float16/bfloat16 images for a float32 model
are refused with the remedy (``X.float()``, autocast, or ``model.to(torch.bfloat16)``).
A wrong input is a ``TypeError``/``ValueError`` that says what was received and what to
do, instead of a PyTorch error from deep inside a layer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

import numpy as np
import torch
import torch.fx
import torch.nn.functional as F
from torch import nn
from torch.nn.modules.lazy import LazyModuleMixin

from course_utils import validate
from course_utils.shapes import conv_output_shape, pool_output_shape

__all__ = ["Classifier"]

# One step of the spatial arithmetic from the input to the Flatten before a Linear layer:
# ("conv", kernel, stride, padding, dilation), ("pool", kernel, stride, padding, dilation,
# ceil_mode) or ("adaptive", output size); every other layer keeps height and width.
Step = tuple[object, ...]


class _InputLayers(NamedTuple):
    """The layers of ``net`` that decide which inputs fit (found once per ``net``)."""

    net: nn.Module
    first_conv: nn.Conv2d | None  # the layer that sees the images, if it is a convolution
    linear: nn.Linear | None  # the Linear right after Flatten, if the spatial size reaches it
    steps: tuple[Step, ...] | None  # input -> Flatten; None where the arithmetic is unknown
    flat_channels: int | None  # channels at the Flatten


class _Expected(NamedTuple):
    """What ``Classifier.forward`` checks an input batch against (constants for torch.fx)."""

    model_name: str
    min_size: int
    dtype: torch.dtype | None  # of the parameters
    device: torch.device | None
    channels: int | None  # in_channels of the first convolution, once it exists
    features: int | None  # in_features of the Linear after Flatten, once it exists
    flat_channels: int | None
    steps: tuple[Step, ...] | None
    built_size: tuple[int, int] | None  # the image size that created the Linear layer, if seen


def _pair(value: object) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else tuple(value)  # type: ignore[return-value]


def _units(module: nn.Module) -> Iterator[nn.Module]:
    """The modules ``module`` runs one after the other: nested ``nn.Sequential`` flattened."""
    if isinstance(module, nn.Sequential):
        for child in module:
            yield from _units(child)
    else:
        yield module


def _find_input_layers(net: nn.Module) -> _InputLayers:
    units = list(_units(net))
    first_conv = units[0] if units and isinstance(units[0], nn.Conv2d) else None
    steps: list[Step] = []
    channels: int | None = None
    for index, unit in enumerate(units):
        if isinstance(unit, nn.Conv2d):
            if unit.padding == "same":
                steps.append(("same",))
            else:
                padding = (0, 0) if unit.padding == "valid" else _pair(unit.padding)
                steps.append(("conv", _pair(unit.kernel_size), _pair(unit.stride), padding, _pair(unit.dilation)))
            channels = unit.out_channels
        elif isinstance(unit, (nn.MaxPool2d, nn.AvgPool2d)):
            stride = unit.stride if unit.stride is not None else unit.kernel_size
            dilation = getattr(unit, "dilation", 1)
            steps.append(("pool", _pair(unit.kernel_size), _pair(stride), _pair(unit.padding), _pair(dilation),
                          bool(unit.ceil_mode)))
        elif isinstance(unit, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
            out = unit.output_size
            steps.append(("adaptive", (out, out) if out is None or isinstance(out, int) else tuple(out)))
        elif isinstance(unit, nn.Flatten):
            following = units[index + 1] if index + 1 < len(units) else None
            if (unit.start_dim, unit.end_dim) == (1, -1) and isinstance(following, nn.Linear) and channels:
                return _InputLayers(net, first_conv, following, tuple(steps), channels)
            break
        elif any(True for _ in unit.children()):
            break  # a block such as Inception or Residual: its shapes are its own business
        # any other layer (activation, batch norm, dropout) keeps the shape
    return _InputLayers(net, first_conv, None, None, None)


@functools.lru_cache(maxsize=256)
def _flat_features(steps: tuple[Step, ...], channels: int, height: int, width: int) -> int | None:
    """Inputs of the Linear after Flatten for an image of ``height`` x ``width``; None if it cannot pass."""
    size = (height, width)
    try:
        for step in steps:
            if step[0] == "conv":
                _, kernel, stride, padding, dilation = step
                size = conv_output_shape(size, kernel, padding, stride, dilation)  # type: ignore[arg-type]
            elif step[0] == "pool":
                _, kernel, stride, padding, dilation, ceil_mode = step
                size = pool_output_shape(size, kernel, padding, stride, dilation, ceil_mode)  # type: ignore[arg-type]
            elif step[0] == "adaptive":  # a None side keeps the input's
                out_h, out_w = step[1]  # type: ignore[misc]
                size = (out_h or size[0], out_w or size[1])
    except ValueError:  # a kernel larger than the image: the size check reports it
        return None
    return channels * size[0] * size[1]


def _is_lazy(module: nn.Module | None) -> bool:
    return isinstance(module, LazyModuleMixin) and module.has_uninitialized_params()


def _hw(size: Sequence[int]) -> str:
    return f"{size[0]}x{size[1]}"


def _autocast_enabled(device_type: str) -> bool:
    try:
        return torch.is_autocast_enabled(device_type)
    except RuntimeError:  # a device type autocast does not know (meta)
        return False


# ``torch.fx.wrap``: a symbolic trace (``course_utils.shapes.receptive_fields``) records the
# check as one call instead of tracing into its ``if``s on shapes, which a trace cannot do.


@torch.fx.wrap
def _check_images(X: object, expected: _Expected) -> None:
    """Raise ``TypeError``/``ValueError`` unless ``X`` is a batch the model can take."""
    name = expected.model_name
    if not isinstance(X, torch.Tensor):
        if isinstance(X, np.ndarray):
            scale = " / 255" if X.dtype == np.uint8 else ""
            raise TypeError(
                f"{name} expects a torch.Tensor, got a NumPy array of shape {X.shape} and dtype {X.dtype}: "
                f"convert it with torch.as_tensor(X, dtype=torch.float32){scale}"
            )
        raise TypeError(
            f"{name} expects a torch.Tensor batch of images N x C x H x W, got {type(X).__name__}: "
            f"convert it with torch.as_tensor(X, dtype=torch.float32)"
        )
    if not X.is_floating_point():
        remedy = "X.float() / 255 (pixel values 0-255 become 0-1)" if X.dtype == torch.uint8 else "X.float()"
        raise TypeError(
            f"{name} expects floating-point images, got a tensor of dtype {X.dtype} (shape "
            f"{tuple(X.shape)}): convert it with {remedy}"
        )
    if X.dim() != 4:
        raise ValueError(
            f"{name} expects a batch of images N x C x H x W, got a tensor of shape "
            f"{tuple(X.shape)}: add the missing dimensions, e.g. X.reshape(-1, 1, 28, 28)"
        )
    channels, height, width = X.shape[1:]
    min_size = expected.min_size
    if height < min_size or width < min_size:
        raise ValueError(
            f"{name} needs images of at least {min_size}x{min_size} pixels, got "
            f"{height}x{width}: resize the images to {min_size}x{min_size} or more "
            f"(its convolutions and poolings would shrink a smaller image to nothing)"
        )
    if expected.channels is not None and channels != expected.channels:
        raise ValueError(
            f"{name} was built for {expected.channels}-channel images (its first convolution has "
            f"in_channels={expected.channels}), got {channels} channels (shape {tuple(X.shape)}): "
            f"give it {expected.channels}-channel images, or build a new model for {channels} channels"
        )
    if expected.device is not None and X.device != expected.device:
        raise ValueError(
            f"{name}'s parameters are on {expected.device}, got images on {X.device}: move them with "
            f"X.to('{expected.device}'), or the model with model.to('{X.device}')"
        )
    if expected.dtype is not None and X.dtype != expected.dtype and not _autocast_enabled(X.device.type):
        raise TypeError(
            f"{name}'s parameters are {expected.dtype}, got images of dtype {X.dtype}: convert them with "
            f"X.to({expected.dtype}) (or run under torch.autocast, or convert the model with model.to({X.dtype}))"
        )
    if expected.features is None or expected.steps is None or expected.flat_channels is None:
        return
    got = _flat_features(expected.steps, expected.flat_channels, int(height), int(width))
    if got is None or got == expected.features:  # None: too small, which min_size already refuses
        return
    built = expected.built_size or next(
        ((s, s) for s in range(min_size, 2049)
         if _flat_features(expected.steps, expected.flat_channels, s, s) == expected.features),
        None,
    )
    gives = f"a {height}x{width} image gives {got}"
    if built is None:
        raise ValueError(
            f"{name}'s first Linear layer has {expected.features} inputs, {gives}: use images of the "
            f"size the model was built for, or build a new model"
        )
    raise ValueError(
        f"this {name} was built for {_hw(built)} images (its first Linear layer has "
        f"{expected.features} inputs, {gives}), got {height}x{width}: resize the images to "
        f"{_hw(built)}, or build a new model for {height}x{width} images"
    )


class Classifier(nn.Module):
    """A classification model: ``self.net`` maps images to class scores.

    Subclasses build ``self.net`` in ``__init__`` and set ``min_input_size``, the smallest
    image side their layers accept (a class attribute, or per instance as in VGG).
    ``forward`` checks the batch (see the module docstring) and runs ``self.net``. The
    Trainer calls ``loss``, ``accuracy`` and ``configure_optimizers``; a notebook calls
    ``apply_init`` and ``layer_summary``.

    Args:
        lr: learning rate of the SGD optimizer that ``configure_optimizers`` returns
            (a finite number > 0).
        num_classes: number of output classes (10 for Fashion-MNIST), at least 2.
    """

    net: nn.Module
    min_input_size: int = 1  # any image passes (layers that pad or round up)

    def __init__(self, lr: float = 0.1, num_classes: int = 10) -> None:
        super().__init__()
        self.lr = validate.positive_number(lr, "lr", example=0.1)
        self.num_classes = validate.integer(num_classes, "num_classes", minimum=2, example=10)

    def _input_layers(self) -> _InputLayers:
        layers: _InputLayers | None = self.__dict__.get("_input_layers_cache")
        if layers is None or layers.net is not self.net:
            layers = _find_input_layers(self.net)
            self._input_layers_cache = layers
        return layers

    def _expected_input(self) -> _Expected:
        layers = self._input_layers()
        conv, linear = layers.first_conv, layers.linear
        weight = conv.weight if conv is not None else next(self.parameters(), None)
        return _Expected(
            model_name=type(self).__name__,
            min_size=int(self.min_input_size),
            dtype=None if weight is None else weight.dtype,
            device=None if weight is None else weight.device,
            # from the weights' shapes: a lazy layer that got its weights from load_state_dict
            # still says in_channels=0 / in_features=0 until its first forward pass
            channels=None if conv is None or _is_lazy(conv) else conv.weight.shape[1] * conv.groups,
            features=None if linear is None or _is_lazy(linear) else linear.weight.shape[1],
            flat_channels=layers.flat_channels,
            steps=layers.steps,
            built_size=self.__dict__.get("_built_size"),
        )

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        if torch.compiler.is_compiling():  # torch.compile traces a materialised model: its graph is the layers
            return self.net(X)
        expected = self._expected_input()
        _check_images(X, expected)
        Y = self.net(X)
        layers = self._input_layers()
        if (expected.features is None and layers.linear is not None and layers.steps is not None
                and layers.flat_channels is not None and isinstance(X, torch.Tensor)):
            # This batch created the Linear layer after Flatten: remember the image size, and
            # stop checking sizes if the arithmetic does not reproduce the layer's inputs.
            size = (int(X.shape[-2]), int(X.shape[-1]))
            if _flat_features(layers.steps, layers.flat_channels, *size) == layers.linear.weight.shape[1]:
                self._built_size = size
            else:
                self._input_layers_cache = layers._replace(steps=None)
        return Y

    def loss(self, Y_hat: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
        """Mean cross-entropy of the scores ``Y_hat`` (N x classes) against labels ``Y``."""
        return F.cross_entropy(Y_hat, Y)

    def accuracy(self, Y_hat: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
        """Fraction of the batch whose highest score is the true label."""
        return (Y_hat.argmax(dim=1) == Y).float().mean()

    def configure_optimizers(self) -> torch.optim.Optimizer:
        """Minibatch SGD with ``self.lr``, as in the book."""
        return torch.optim.SGD(self.parameters(), lr=self.lr)

    def apply_init(
        self,
        inputs: Sequence[torch.Tensor],
        init: Callable[[nn.Module], None] | None = None,
        *,
        seed: int | None = 0,
    ) -> None:
        """Create the lazy layers' parameters from one batch, then apply ``init`` to every submodule.

        The book's cell ``model.apply_init([X], init_cnn)``: ``inputs`` are the arguments of one
        forward call (a list holding one batch of images). The forward pass runs in evaluation
        mode under ``torch.no_grad()``, so it updates no batch-norm statistics (the book's runs
        in training mode); the model's mode is restored afterwards.

        ``seed``: the random draws (the lazy layers' initial parameters and ``init``'s) come
        from a generator seeded with ``seed``, forked from PyTorch's global one and restored
        afterwards, so running the cell again gives the same initial weights, whatever ran
        before it, and later draws (dropout, ``Trainer(seed=...)``) are unaffected. ``None``
        draws from the global generator, as the book does.
        """
        if isinstance(inputs, torch.Tensor) or not isinstance(inputs, Sequence):
            got = (f"a tensor of shape {tuple(inputs.shape)}" if isinstance(inputs, torch.Tensor)
                   else f"{inputs!r} ({type(inputs).__name__})")
            raise TypeError(
                f"inputs must be a list of the forward pass's arguments, got {got}: "
                f"write model.apply_init([X], init_cnn) with X one batch of images"
            )
        if seed is not None:
            seed = validate.nonnegative_int(seed, "seed", example=0)
        if seed is None:
            self._materialize_and_init(inputs, init)
            return
        tensors = [*inputs, *self.parameters(), *self.buffers()]
        cuda = sorted({t.device.index or 0 for t in tensors if isinstance(t, torch.Tensor) and t.is_cuda})
        with torch.random.fork_rng(devices=cuda):
            torch.default_generator.manual_seed(seed)  # not torch.manual_seed: it seeds every GPU
            for index in cuda:
                with torch.cuda.device(index):
                    torch.cuda.manual_seed(seed)
            self._materialize_and_init(inputs, init)

    def _materialize_and_init(self, inputs: Sequence[torch.Tensor], init: Callable[[nn.Module], None] | None) -> None:
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
