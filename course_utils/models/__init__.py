"""The model zoo of the course: LeNet, AlexNet, VGG, NiN, GoogLeNet, batch norm, ResNet, ResNeXt.

One file per section of *Dive into Deep Learning* (2nd ed., PyTorch), like torchvision's
file per model family: ``classifier`` (the base class, the book's ``d2l.Classifier``),
``lenet`` (7.6), ``alexnet`` (8.1), ``vgg`` (8.2), ``nin`` (8.3), ``googlenet`` (8.4),
``batch_norm`` (8.5) and ``resnet`` (8.6). Every name is importable from here, so a notebook
cell reads like the book::

    model = ResNet18(lr=0.01)
    model.apply_init([X], init_cnn)       # X: one batch of images, N x 1 x 96 x 96

As in the book, layers are lazy (``nn.LazyConv2d``, ``nn.LazyLinear``): they learn their
input channels and features from the first batch, so ``Residual(6, use_1x1conv=True,
strides=2)`` works on a 3-channel input. Two consequences, both as in the book: a model
must see one batch before its parameters exist (``Classifier.apply_init`` does that), and a
model with a ``Linear`` after ``Flatten`` (LeNet, AlexNet, VGG, the batch-norm LeNets) then
only accepts images of a size that gives that layer the same number of inputs; its
``forward`` says so clearly, as it does for a batch of another dtype, device or channel
count, and for an image smaller than ``model.min_input_size``.

Course extensions (keyword-only, their defaults reproduce the book exactly): ``width`` makes
AlexNet, NiN, GoogleNet and ResNet18 narrower (it multiplies every channel count and
AlexNet's 4096 hidden units); ``num_hiddens`` sets VGG's two hidden layers (4096 in the
book); ``eps`` and ``momentum`` of the scratch ``BatchNorm``. VGG and ResNet also narrow
through their ``arch`` (``VGG_ARCHS``, ``RESNET_ARCHS``). Where a file differs from the book
on purpose, its docstring says how.

``MODELS`` maps the course's short names (those of its size table) to the classes, and
``get_model(name, **kwargs)`` builds one by name:

>>> get_model("ResNet-18", width=0.25).arch
((2, 16), (2, 32), (2, 64), (2, 128))
>>> sorted(MODELS) == sorted(["lenet", "alexnet", "vgg", "nin", "googlenet", "bnlenet_scratch", "bnlenet", "resnet18"])
True
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from course_utils.models.alexnet import AlexNet
from course_utils.models.batch_norm import BatchNorm, BNLeNet, BNLeNetScratch, batch_norm
from course_utils.models.classifier import Classifier
from course_utils.models.googlenet import GoogleNet, Inception
from course_utils.models.lenet import LeNet, init_cnn
from course_utils.models.nin import NiN, nin_block
from course_utils.models.resnet import RESNET_ARCHS, Residual, ResNet, ResNet18, ResNeXtBlock
from course_utils.models.vgg import VGG, VGG_ARCHS, vgg_block

__all__ = [
    "Classifier",
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
    "MODELS",
    "get_model",
]

# The models the course trains, by the keys of its size table (``course_utils.sizes``).
MODELS: Mapping[str, type[Classifier]] = MappingProxyType({
    "lenet": LeNet,
    "alexnet": AlexNet,
    "vgg": VGG,
    "nin": NiN,
    "googlenet": GoogleNet,
    "bnlenet_scratch": BNLeNetScratch,
    "bnlenet": BNLeNet,
    "resnet18": ResNet18,
})


def _normalised(name: str) -> str:
    """``"ResNet-18" -> "resnet18"``, ``"bnlenet_scratch" -> "bnlenetscratch"``: case and punctuation ignored."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _lookup(name: Any) -> type[Classifier]:
    if not isinstance(name, str):
        raise TypeError(f"name must be a string such as 'lenet', got {name!r} ({type(name).__name__})")
    wanted = _normalised(name)
    for key, cls in MODELS.items():
        if wanted in (_normalised(key), _normalised(cls.__name__)):
            return cls
    keys = ", ".join(repr(key) for key in MODELS)
    raise ValueError(f"unknown model {name!r}: choose one of {keys} (or its class name, e.g. 'ResNet18')")


def get_model(name: str, **kwargs: Any) -> Classifier:
    """Build the model ``name`` (a key of ``MODELS`` or a class name) with ``kwargs``.

    Case and punctuation are ignored: ``"ResNet-18"``, ``"resnet18"`` and ``"ResNet18"`` are one
    model, ``"BNLeNetScratch"`` and ``"bnlenet_scratch"`` another. ``VGG`` needs its ``arch``
    (one of ``VGG_ARCHS``), the others build the book's network without arguments.

    Raises:
        ValueError: ``name`` is not a model of the course (the message lists them).
        TypeError: a keyword the model does not take, or VGG without ``arch`` (the message
            lists what the model accepts).

    >>> get_model("lenet", lr=0.05).lr
    0.05
    >>> get_model("VGG", arch=VGG_ARCHS["tiny"]).min_input_size
    32
    """
    cls = _lookup(name)
    parameters = inspect.signature(cls).parameters
    accepted = ", ".join(parameters)
    unknown = [key for key in kwargs if key not in parameters]
    if unknown:
        raise TypeError(
            f"{cls.__name__} takes no argument {unknown[0]!r}: it accepts {accepted}"
        )
    if cls is VGG and "arch" not in kwargs:
        archs = ", ".join(f"VGG_ARCHS[{key!r}]" for key in VGG_ARCHS)
        raise TypeError(f"VGG needs arch=..., one of {archs}: e.g. get_model('vgg', arch=VGG_ARCHS['small'])")
    missing = [key for key, p in parameters.items() if p.default is inspect.Parameter.empty and key not in kwargs]
    if missing:
        raise TypeError(f"{cls.__name__} needs {missing[0]}=...: it accepts {accepted}")
    return cls(**kwargs)
