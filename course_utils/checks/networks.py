"""Self-checks of whole networks as the chapter-7/8 exercises change them: memory and work per
kind of layer, a LeNet whose pooling, activations or dropout were swapped, a network's feature
maps, and LeNet's 32 x 32 input. Every expected value comes from PyTorch running the module
(``course_utils.summary.model_summary``, forward hooks) or from PyTorch's own operations.

>>> from course_utils.models import LeNet
>>> check_macs_by_layer_type(400_920, LeNet(), (1, 1, 28, 28), layer_type="Conv2d")
❌ Not quite: you answered 400920.
💡 Hint: model_summary counts c_out·out_h·out_w·c_in·k_h·k_w for each Conv2d (in·out for a Linear), for the whole batch of (1, 1, 28, 28); add the layers of that kind only.
   Try again, or run show_solution() to see the worked answer.
>>> reset_attempts()
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.modules.utils import _pair

from course_utils import validate
from course_utils.checks._verdict import (
    PLACEHOLDER, answer_check, as_int, as_number, report, reset_attempts, tensor_report)
from course_utils.language import say

__all__ = [
    "check_weight_memory",
    "check_macs_by_layer_type",
    "check_output_memory",
    "check_lenet_variant",
    "check_feature_maps",
    "check_lenet_input",
]

_MB = 10**6  # a megabyte as the exercises count it; the mebibyte 2**20 is accepted too
_MIB = 2**20
_LAYER_TYPES = ("Conv2d", "Linear")


def _layer_rows(model: nn.Module, X_shape: Sequence[int], layer_type: str | None) -> list[Any]:
    """The rows of ``model_summary(model, X_shape)`` for the layers of class ``layer_type``
    (None: every layer)."""
    from course_utils.summary import model_summary

    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module (e.g. AlexNet()), got {type(model).__name__}")
    if layer_type is not None:
        validate.choice(layer_type, "layer_type", _LAYER_TYPES)
    shape = validate.shape(X_shape, "X_shape", dims=4, example=(1, 3, 224, 224))
    rows = model_summary(model, shape).rows  # the layers themselves (leaves), not their containers
    return [row for row in rows if layer_type is None or row.layer_type == layer_type]


def _bytes_per_value(value: object) -> int:
    return validate.positive_int(value, "bytes_per_value", example=4)


def _megabytes_report(answer: object, n_bytes: int, *, hint: str, lines: list[str]) -> None:
    """Pass an answer in MB (10**6 bytes) or MiB (2**20 bytes), to three significant digits."""
    value = as_number(answer)
    mb, mib = n_bytes / _MB, n_bytes / _MIB
    ok = value is not None and any(math.isclose(value, target, rel_tol=2e-3) for target in (mb, mib))
    lines = lines + [say("{bytes:,} bytes = {mb:,.2f} MB (10^6 bytes) = {mib:,.2f} MiB (2^20 bytes)", bytes=n_bytes,
                         mb=mb, mib=mib)]
    report(ok, answer, say("{mb:,.2f} MB (or {mib:,.2f} MiB)", mb=mb, mib=mib), hint=hint, why="\n".join(lines))


@answer_check
def check_weight_memory(answer: object, model: nn.Module, X_shape: Sequence[int], layer_type: str | None = None,
                        bytes_per_value: int = 4, *, with_gradients: bool = False) -> None:
    """Check the memory, in MB, of the parameters (weights and biases) of ``model``: of every
    ``layer_type`` layer ("Conv2d" or "Linear"), or of the whole model when ``layer_type`` is None;
    ``bytes_per_value`` bytes per number, twice that ``with_gradients`` (training keeps one
    gradient per weight).

    ``X_shape`` gives the lazy layers their sizes (one forward pass). An answer in MiB passes too.
    """
    size = _bytes_per_value(bytes_per_value)
    with_gradients = validate.flag(with_gradients, "with_gradients")
    rows = [row for row in _layer_rows(model, X_shape, layer_type) if row.num_params]
    params = sum(row.num_params for row in rows)
    copies = 2 if with_gradients else 1
    which = say("{kind} layers", kind=layer_type) if layer_type else say("all layers")
    shown = rows if len(rows) <= 8 else sorted(rows, key=lambda row: row.num_params, reverse=True)[:5]
    lines = [say("{name} ({kind}): {count:,} parameters", name=row.name, kind=row.layer_type, count=row.num_params)
             for row in shown]
    if len(shown) < len(rows):
        lines.append(say("the other {count} layers: {rest:,}", count=len(rows) - len(shown),
                         rest=params - sum(r.num_params for r in shown)))
    lines.append(say("{which} together: {count:,} parameters · {size} bytes", which=which, count=params, size=size)
                 + (say(" · 2 (a gradient for each weight)") if with_gradients else ""))
    kind = say("every {kind} layer", kind=layer_type) if layer_type else say("every layer")
    hint = say("add the weights and biases of {layers} (a convolution: c_out·c_in·k_h·k_w + c_out; a dense layer: "
               "in·out + out), times {size} bytes{gradients}, divided by 10^6; mind the input channels of {shape} "
               "and the number of classes. Give three significant digits.", layers=kind, size=size,
               gradients=say(", times 2 for the gradients") if with_gradients else "", shape=tuple(X_shape))
    _megabytes_report(answer, params * size * copies, hint=hint, lines=lines)


@answer_check
def check_macs_by_layer_type(answer: object, model: nn.Module, X_shape: Sequence[int], layer_type: str) -> None:
    """Check the multiply-accumulates of all ``layer_type`` layers ("Conv2d" or "Linear") of
    ``model`` for one forward pass of a batch of ``X_shape`` (``model_summary``'s count)."""
    rows = [row for row in _layer_rows(model, X_shape, layer_type) if row.macs]
    expected = sum(row.macs for row in rows)
    lines = [say("{name} ({kind}, output {shape}): {macs:,}", name=row.name, kind=row.layer_type,
                 shape=" x ".join(map(str, row.output_shape)), macs=row.macs) for row in rows]
    lines.append(say("{kind} layers together: {total:,}", kind=layer_type, total=expected))
    hint = say("model_summary counts c_out·out_h·out_w·c_in·k_h·k_w for each Conv2d (in·out for a Linear), for the "
               "whole batch of {shape}; add the layers of that kind only.", shape=tuple(X_shape))
    report(as_int(answer) == expected, answer, expected, hint=hint, why="\n".join(lines))


@answer_check
def check_output_memory(answer: object, model: nn.Module, X_shape: Sequence[int], layer_type: str = "Conv2d",
                        bytes_per_value: int = 4) -> None:
    """Check the memory, in MB, of the outputs (feature maps) of every ``layer_type`` layer of
    ``model`` for a batch of ``X_shape``: what a forward pass keeps for the backward pass.

    The shapes come from one image (outputs grow in proportion to the batch size), so a large
    batch costs no more to check than a small one.
    """
    size = _bytes_per_value(bytes_per_value)
    shape = validate.shape(X_shape, "X_shape", dims=4, example=(128, 1, 224, 224))
    batch = shape[0]
    rows = _layer_rows(model, (1,) + shape[1:], layer_type)
    per_image = sum(math.prod(row.output_shape) for row in rows)
    lines = [say("{name} ({kind}): {dims} = {count:,} numbers per image", name=row.name, kind=row.layer_type,
                 dims=" · ".join(map(str, row.output_shape[1:])), count=math.prod(row.output_shape)) for row in rows]
    lines.append(say("{count:,} numbers per image · {batch} images · {size} bytes", count=per_image, batch=batch,
                     size=size))
    hint = say("for each {kind} layer, multiply out its output's channels·height·width (find the shapes first); add "
               "them, then multiply by the batch size {batch} and by {size} bytes, and divide by 10^6.",
               kind=layer_type, batch=batch, size=size)
    _megabytes_report(answer, per_image * batch * size, hint=hint, lines=lines)


# --------------------------------------------------------------------------- LeNet's variants
def _reference_lenet(pool: str, activation: str, dropout: float) -> nn.Sequential:
    """LeNet (7.6) with ``pool`` pooling, ``activation`` everywhere, and dropout after the
    activations of the two hidden dense layers when ``dropout`` > 0 (AlexNet's place for it)."""
    Pool = nn.MaxPool2d if pool == "max" else nn.AvgPool2d
    Act = nn.ReLU if activation == "relu" else nn.Sigmoid

    def drop() -> list[nn.Module]:  # a new Dropout each time: one module twice would be listed once
        return [nn.Dropout(dropout)] if dropout > 0 else []

    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), Act(), Pool(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), Act(), Pool(kernel_size=2, stride=2), nn.Flatten(),
        nn.Linear(400, 120), Act(), *drop(), nn.Linear(120, 84), Act(), *drop(), nn.Linear(84, 10))


def _signature(layer: nn.Module) -> str:
    """A layer's kind and the settings that matter here, e.g. ``MaxPool2d(2, stride 2)``."""
    name = type(layer).__name__.replace("Lazy", "")
    if isinstance(layer, (nn.Conv2d, nn.LazyConv2d)):
        return f"{name}({layer.out_channels}, kernel {layer.kernel_size}, stride {layer.stride}, padding {layer.padding})"
    if isinstance(layer, (nn.MaxPool2d, nn.AvgPool2d)):
        k, st, pad = (_pair(v) for v in (layer.kernel_size, layer.stride, layer.padding))
        return f"{name}({k[0]}x{k[1]}, stride {st[0]}x{st[1]}, padding {pad[0]}x{pad[1]})"
    if isinstance(layer, (nn.Linear, nn.LazyLinear)):
        return f"{name}({layer.out_features})"
    if isinstance(layer, nn.Dropout):
        return f"Dropout(p={layer.p:g})"
    return name


def _leaves(model: nn.Module) -> list[nn.Module]:
    """The layers of ``model`` that have no sublayers, in the order they were registered."""
    modules = model.named_modules(remove_duplicate=False)  # a layer used twice counts twice
    return [module for _, module in modules if not any(module.children())]


def _built(answer: object) -> nn.Module | None:
    """``answer`` as a module: a module itself, or what calling it returns (None: a placeholder)."""
    if isinstance(answer, nn.Module):
        return answer
    if not callable(answer):
        raise TypeError(f"the answer must be a model or a function that builds one, got {type(answer).__name__}: "
                        "write e.g. def my_lenet(): return nn.Sequential(...)")
    try:
        built = answer()
    except NotImplementedError:
        return None
    if built is None or built is ...:
        return None
    if not isinstance(built, nn.Module):
        raise TypeError(f"{getattr(answer, '__name__', 'the function')}() must return an nn.Module, got "
                        f"{type(built).__name__}: end it with return nn.Sequential(...)")
    return built


def _relu_first(layers: list[str]) -> list[str]:
    """Dropout then ReLU computes the same as ReLU then dropout: write such pairs as the latter."""
    layers = list(layers)
    for i in range(len(layers) - 1):
        if layers[i].startswith("Dropout") and layers[i + 1] == "ReLU":
            layers[i], layers[i + 1] = layers[i + 1], layers[i]
    return layers


def _first_difference(got: list[str], want: list[str]) -> str | None:
    for position, (g, w) in enumerate(zip(got, want)):
        if g != w:
            return say("layer {position} is {got}, expected {expected}", position=position, got=g, expected=w)
    if len(got) != len(want):
        return say("your network has {got} layers, LeNet's variant has {expected}", got=len(got), expected=len(want))
    return None


@answer_check
def check_lenet_variant(answer: object, pool: str = "avg", activation: str = "sigmoid", dropout: float = 0.0) -> None:
    """Check a LeNet (7.6) with ``pool`` ("avg" or "max") pooling, ``activation`` ("sigmoid" or
    "relu") in place of every sigmoid, and ``nn.Dropout(dropout)`` after each hidden dense
    layer's activation when ``dropout`` > 0.

    ``answer`` is the model or a function that builds it (one returning ``None`` or ``...``,
    or raising ``NotImplementedError``, is still the placeholder). Its layers are compared
    with LeNet's, one by one, and a batch of two 28 x 28 images must give 2 x 10 scores.
    """
    validate.choice(pool, "pool", ("avg", "max"))
    validate.choice(activation, "activation", ("sigmoid", "relu"))
    dropout = validate.fraction(dropout, "dropout", example=0.5)
    built = _built(answer)
    if built is None:
        print(say(PLACEHOLDER))
        return
    reference = _reference_lenet(pool, activation, dropout)
    want, got = [_signature(m) for m in _leaves(reference)], _relu_first([_signature(m) for m in _leaves(built)])
    wrong = _first_difference(got, want)
    if wrong is None:
        built.eval()
        try:
            with torch.no_grad():
                shape = tuple(built(torch.zeros(2, 1, 28, 28)).shape)
        except (RuntimeError, ValueError) as error:
            wrong = say("the layers are right but a 2 x 1 x 28 x 28 batch fails: {error}",
                        error=str(error).splitlines()[0])
        else:
            wrong = None if shape == (2, 10) else say("a 2 x 1 x 28 x 28 batch gives shape {shape}, not (2, 10)",
                                                      shape=shape)
    changes = ([say("max pooling" if pool == "max" else "avg pooling"),
                say("relu activations" if activation == "relu" else "sigmoid activations")]
               + ([say("dropout {p:g}", p=dropout)] if dropout else []))
    hint = say("start from LeNet's nn.Sequential in 7.6 and change only what the exercise asks: {changes}{dropout}; "
               "keep every kernel size, padding, stride and width.", changes=", ".join(changes),
               dropout=say(" (one Dropout after the activation of each of the two hidden dense layers)")
               if dropout else "")
    why = say("LeNet's layers with {changes}:\n{layers}", changes=", ".join(changes), layers="\n".join(want))
    report(wrong is None, answer, say("a LeNet with these layers"), hint=hint, why=why,
           wrong=wrong or say("you answered {answer}", answer=repr(answer)))


# --------------------------------------------------------------------------- tensors
def _module_named(model: nn.Module, layer: str) -> nn.Module:
    modules = dict(model.named_modules())
    if layer not in modules or layer == "":
        names = ", ".join(name for name in modules if name)
        raise ValueError(f"the model has no layer named {layer!r}: pick one of {names}")
    return modules[layer]


@answer_check
def check_feature_maps(answer: object, model: nn.Module, X: torch.Tensor, layer: str) -> None:
    """Check the output of ``model``'s layer named ``layer`` (e.g. "net.4", as ``model_summary``
    names it) for the batch ``X``: the feature maps after that layer.

    The expected tensor is caught with a forward hook while ``model`` runs ``X`` in evaluation
    mode without gradients.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    if not isinstance(X, torch.Tensor) or X.dim() != 4:
        got = tuple(X.shape) if isinstance(X, torch.Tensor) else type(X).__name__
        raise ValueError(f"X must be a batch of images N x C x H x W, got {got}: add the batch axis with X[None]")
    caught: list[torch.Tensor] = []
    handle = _module_named(model, layer).register_forward_hook(lambda m, i, out: caught.append(out.detach()))
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(X)
    finally:
        handle.remove()
        model.train(was_training)
    expected = caught[0]
    hint = say("run the batch through the layers up to and including {layer} (for a model with .net, slice it: "
               "model.net[:k + 1](X) for layer net.k) under torch.no_grad(); the batch axis stays first.", layer=layer)
    tensor_report(answer, expected, hint=hint,
                  why=say("the output of {layer} ({kind}) for the {batch} batch has shape {shape}", layer=layer,
                          kind=type(_module_named(model, layer)).__name__, batch=" x ".join(map(str, X.shape)),
                          shape=tuple(expected.shape)))


@answer_check
def check_lenet_input(answer: Callable[[torch.Tensor], torch.Tensor], size: int = 32) -> None:
    """Check a function that turns a batch of 28 x 28 ``uint8`` digits (N x 28 x 28, values
    0..255) into what the original LeNet read: N x 1 x ``size`` x ``size`` floats in [0, 1],
    the digit in the middle and a black (zero) border around it.

    The function is run on a few random batches and compared with ``F.pad`` of the scaled images.
    """
    size = validate.positive_int(size, "size", example=32)
    if size < 28 or (size - 28) % 2:
        raise ValueError(f"size must be 28 plus an even number of border pixels (e.g. 32), got {size}")
    if not callable(answer):
        raise TypeError(f"the answer must be a function of a batch of images, got {type(answer).__name__}: "
                        "write e.g. def to_lenet_input(images): return ...")
    border = (size - 28) // 2
    generator = torch.Generator().manual_seed(0)
    hint = say("scale to [0, 1] (divide a float copy by 255), add the channel axis (N x 1 x 28 x 28), then pad "
               "{border} pixels of zeros on every side (F.pad with (left, right, top, bottom)).", border=border)
    why = say("F.pad(images[:, None].float() / 255, ({border}, {border}, {border}, {border})) gives N x 1 x {size} x "
              "{size}: the 28 x 28 digit from row and column {border} to {last}, zeros around it", border=border,
              size=size, last=border + 27)
    expected_text = say("N x 1 x {size} x {size} floats in [0, 1] with a {border}-pixel zero border", size=size,
                        border=border)
    for batch in (1, 3):
        images = torch.randint(0, 256, (batch, 28, 28), dtype=torch.uint8, generator=generator)
        try:
            got = answer(images.clone())
        except NotImplementedError:
            got = None
        if got is None or got is ...:
            print(say(PLACEHOLDER))
            return
        wrong = _input_difference(got, F.pad(images[:, None].float() / 255, (border,) * 4))
        if wrong is not None:
            report(False, answer, expected_text, hint=hint, why=why,
                   wrong=say("for a batch of {batch}, {wrong}", batch=batch, wrong=wrong))
            return
    report(True, answer, expected_text, hint=hint, why=why)


def _input_difference(got: object, expected: torch.Tensor) -> str | None:
    """What is wrong with ``got`` as LeNet's padded input ``expected`` (None: nothing)."""
    if not isinstance(got, torch.Tensor):
        return say("your function returned {kind}, not a tensor", kind=type(got).__name__)
    if got.shape != expected.shape:
        return say("your function returned shape {shape}, not {expected}", shape=tuple(got.shape),
                   expected=tuple(expected.shape))
    if not got.is_floating_point():
        return say("your function returned {dtype} values, not floats in [0, 1]", dtype=got.dtype)
    if got.max() > 1:
        return say("the largest value is {largest:g}: the pixels are not scaled to [0, 1]", largest=float(got.max()))
    if not torch.allclose(got, expected.to(got.dtype), atol=1e-6):
        return say("the shape is right but the values differ (is the digit in the middle, with zeros around it?)")
    return None
