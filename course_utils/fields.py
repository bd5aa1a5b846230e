"""Receptive fields of a model, traced with ``torch.fx`` (D2L 7.2.6, 7.6, 8.4, 8.6).

:func:`receptive_fields` and :func:`overall_receptive_field` take a list of
:class:`~course_utils.shapes.LayerSpec` (a plain stack: the recurrences of
:mod:`course_utils.shapes`) or an ``nn.Module``. A module is traced with ``torch.fx``
into a graph of its conv/pool layers and what lies between them; the field of every
tensor is carried along the graph, merged where paths meet (residual ``add``,
Inception's ``torch.cat``) and restarted after flatten/linear/adaptive pooling.
Nothing runs a tensor through the model, except :func:`field_output_shapes`, which
gives the output shape of each of those layers for one input.
"""

from __future__ import annotations

import contextlib
import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import fx, nn

from course_utils.shapes import (
    LayerKind,
    LayerSpec,
    ReceptiveField,
    _Field,
    _walk_specs,
    dilated_kernel_size,
    to_2tuple,
)
from course_utils.validate import is_int

__all__ = ["receptive_fields", "overall_receptive_field", "layer_specs", "field_output_shapes", "evaluating"]


def _same_padding(kernel: tuple[int, int], dilation: tuple[int, int]) -> tuple[int, int]:
    """``padding="same"``: PyTorch puts the smaller half of the padding before the image."""
    top, left = ((dilated_kernel_size(kernel[a], dilation[a]) - 1) // 2 for a in (0, 1))
    return (top, left)


# Modules that are one layer for the receptive field (never traced into).
_CONV_MODULES = (nn.Conv2d,)  # includes nn.LazyConv2d
_POOL_MODULES = (nn.MaxPool2d, nn.AvgPool2d, nn.LPPool2d)
# Modules after which the output is no longer a map of the input image.
_END_MODULES = (nn.Linear, nn.LazyLinear, nn.Flatten, nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)
# Modules whose geometry is not a sliding window: refused rather than guessed.
_UNSUPPORTED_MODULES = (
    nn.ConvTranspose2d,
    nn.Upsample,
    nn.FractionalMaxPool2d,
    nn.Conv1d,
    nn.Conv3d,
    nn.MaxPool1d,
    nn.MaxPool3d,
    nn.AvgPool1d,
    nn.AvgPool3d,
    nn.PixelShuffle,
    nn.PixelUnshuffle,
)
_SPATIAL_MODULES = _CONV_MODULES + _POOL_MODULES + _UNSUPPORTED_MODULES
_END_FUNCTIONS = {
    torch.flatten,
    F.adaptive_avg_pool2d,
    F.adaptive_max_pool2d,
    F.linear,
    torch.mean,
    torch.sum,
    torch.amax,
}
_END_METHODS = {"flatten", "view", "reshape", "mean", "sum", "amax", "max", "squeeze"}
_UNSUPPORTED_FUNCTIONS = {F.interpolate, F.conv_transpose2d, F.pixel_shuffle, F.pixel_unshuffle, F.unfold, F.fold}
_PAD_MODULES = (nn.ZeroPad2d, nn.ConstantPad2d, nn.ReflectionPad2d, nn.ReplicationPad2d, nn.CircularPad2d)


def _explicit_padding(node: fx.Node, modules: dict[str, nn.Module]) -> tuple[int, int] | None:
    """(top, left) of an ``F.pad`` call or a padding module; None for other nodes."""
    if node.op == "call_module" and isinstance(modules[str(node.target)], _PAD_MODULES):
        pad = modules[str(node.target)].padding  # (left, right, top, bottom)
    elif node.op == "call_function" and node.target is F.pad:
        pad = node.args[1] if len(node.args) > 1 else node.kwargs["pad"]
    else:
        return None
    if not isinstance(pad, (tuple, list)) or not all(is_int(v) for v in pad):
        raise ValueError(f"cannot read the padding of {node.name!r}: pass a list of LayerSpec instead")
    return (int(pad[2]) if len(pad) >= 4 else 0, int(pad[0]))


def _spec_from_module(module: nn.Module, name: str) -> LayerSpec:
    """Geometry of a conv or pool module (works before a Lazy layer is materialised)."""
    if isinstance(module, nn.Conv2d):
        kernel = to_2tuple(module.kernel_size, "kernel_size")
        dilation = to_2tuple(module.dilation, "dilation")
        if module.padding == "valid":
            padding: tuple[int, int] = (0, 0)
        elif module.padding == "same":  # PyTorch puts the smaller half before the image
            padding = _same_padding(kernel, dilation)
        else:
            padding = to_2tuple(module.padding, "padding")  # type: ignore[arg-type]
        return LayerSpec("conv", kernel, module.stride, padding, dilation, name)  # type: ignore[arg-type]
    if isinstance(module, (nn.MaxPool2d, nn.AvgPool2d)):
        stride = module.stride if module.stride is not None else module.kernel_size
        dilation = getattr(module, "dilation", 1)
        return LayerSpec("pool", module.kernel_size, stride, module.padding, dilation, name)  # type: ignore[arg-type]
    if isinstance(module, nn.LPPool2d):
        stride = module.stride if module.stride is not None else module.kernel_size
        return LayerSpec("pool", module.kernel_size, stride, 0, 1, name)  # type: ignore[arg-type]
    raise ValueError(
        f"receptive_fields does not support {type(module).__name__} ({name!r}): its output "
        "is not a sliding window over its input; pass a list of LayerSpec instead"
    )


def _max_pool_args(
    input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1, *_: Any, **__: Any
) -> tuple[Any, Any, Any, Any]:
    return kernel_size, stride, padding, dilation


def _avg_pool_args(
    input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0, *_: Any, **__: Any
) -> tuple[Any, Any, Any, Any]:
    return kernel_size, stride, padding, 1


def _conv_args(
    input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0, dilation: Any = 1, *_: Any, **__: Any
) -> tuple[Any, Any, Any, Any]:
    return weight, stride, padding, dilation


def _spec_from_function(node: fx.Node, root: nn.Module) -> LayerSpec | None:
    """Geometry of ``F.conv2d`` / ``F.max_pool2d`` / ``F.avg_pool2d`` calls; None for others."""
    parsers: dict[Callable[..., Any], tuple[LayerKind, Callable[..., tuple[Any, Any, Any, Any]]]] = {
        F.max_pool2d: ("pool", _max_pool_args),
        torch.max_pool2d: ("pool", _max_pool_args),
        F.avg_pool2d: ("pool", _avg_pool_args),
        F.conv2d: ("conv", _conv_args),
    }
    if node.target not in parsers:
        return None
    kind, parse = parsers[node.target]  # type: ignore[index]
    kernel, stride, padding, dilation = parse(*node.args, **node.kwargs)
    if kind == "conv":
        if not (isinstance(kernel, fx.Node) and kernel.op == "get_attr"):
            raise ValueError(
                f"cannot read the kernel size of {node.name!r}: F.conv2d's weight must be a "
                "parameter of the model; pass a list of LayerSpec instead"
            )
        weight = operator.attrgetter(str(kernel.target))(root)
        kernel = tuple(weight.shape[-2:])
        if padding in ("same", "valid"):
            padding = (0, 0) if padding == "valid" else _same_padding(kernel, to_2tuple(dilation, "dilation"))
    if kind == "pool" and (stride is None or stride == []):
        stride = kernel
    if any(isinstance(v, fx.Node) for v in (kernel, stride, padding, dilation)):
        raise ValueError(f"the sizes of {node.name!r} depend on the input: pass a list of LayerSpec instead")
    return LayerSpec(kind, kernel, stride, padding, dilation, node.name)


def _has_spatial_layer(module: nn.Module) -> bool:
    return any(isinstance(m, _SPATIAL_MODULES) for m in module.modules())


def _ends_spatial(module: nn.Module) -> bool:
    return any(isinstance(m, _END_MODULES) for m in module.modules())


class _ReceptiveFieldTracer(fx.Tracer):
    """Traces into every module that contains a conv/pool layer and no further.

    Conv/pool layers are leaves (their attributes give the geometry, also for Lazy
    layers before materialisation), and so is any module without a conv/pool layer
    inside, such as a hand-written BatchNorm whose forward has data-dependent Python.
    """

    def is_leaf_module(self, m: nn.Module, module_qualified_name: str) -> bool:
        return isinstance(m, _SPATIAL_MODULES) or not _has_spatial_layer(m)


def _trace(model: nn.Module) -> tuple[fx.Graph, dict[str, nn.Module]]:
    try:
        graph = _ReceptiveFieldTracer().trace(model)
    except Exception as error:  # fx raises many kinds (TraceError, TypeError, ...)
        raise ValueError(
            f"receptive_fields could not trace {type(model).__name__} with torch.fx "
            f"({type(error).__name__}: {error}); pass a list of LayerSpec instead"
        ) from error
    return graph, dict(model.named_modules())


def _larger(a: _Field | None, b: _Field | None) -> _Field | None:
    """The larger of two fields (by area); None counts as no field."""
    if a is None or b is None:
        return a if b is None else b
    return a if a.size[0] * a.size[1] >= b.size[0] * b.size[1] else b


@dataclass
class _Walk:
    """What following a model's graph gives: one field per conv/pool layer, the layer's
    geometry, the node it belongs to (None for a single layer, which is not traced), the
    graph, and the field of the model's output (None when no conv/pool layer reached it)."""

    fields: list[ReceptiveField]
    specs: list[LayerSpec]
    nodes: list[fx.Node | None]
    graph: fx.Graph | None
    output: _Field | None


def _walk_module(model: nn.Module) -> _Walk:
    """Follow the fx graph of ``model``, carrying the field of every tensor.

    The overall field is that of the output, or, where paths end in flatten/linear/
    adaptive pooling, the largest field that reached such an end.
    """
    if isinstance(model, _SPATIAL_MODULES):  # a single layer: nothing to trace
        spec = _spec_from_module(model, "")
        only = _Field().after(spec)
        return _Walk([only.named("", spec.kind)], [spec], [None], None, only)
    graph, modules = _trace(model)
    fields: dict[fx.Node, _Field | None] = {}
    walk = _Walk([], [], [], graph, None)
    seen_input = False

    def merged(node: fx.Node) -> _Field | None:
        inputs = [fields[n] for n in node.all_input_nodes if fields.get(n) is not None]
        result: _Field | None = None
        for f in inputs:
            result = f if result is None else result.union(f, node.name)  # type: ignore[arg-type]
        return result

    for node in graph.nodes:
        spec: LayerSpec | None = None
        ends = False
        if node.op == "placeholder":
            fields[node] = None if seen_input else _Field()  # the first input is the image
            seen_input = True
            continue
        if node.op == "call_function" and node.target in _UNSUPPORTED_FUNCTIONS:
            raise ValueError(
                f"receptive_fields does not support {node.target.__name__} ({node.name!r}): its output "
                "is not a sliding window over its input; pass a list of LayerSpec instead"
            )
        pad = _explicit_padding(node, modules)
        if pad is not None:
            current = merged(node)
            fields[node] = None if current is None else current.padded(*pad)
            continue
        if node.op == "call_module":
            module = modules[str(node.target)]
            if isinstance(module, _SPATIAL_MODULES):
                spec = _spec_from_module(module, str(node.target))
            ends = _ends_spatial(module)
        elif node.op == "call_function":
            spec = _spec_from_function(node, model)
            ends = node.target in _END_FUNCTIONS
        elif node.op == "call_method":
            ends = node.target in _END_METHODS
        elif node.op == "output":
            walk.output = _larger(merged(node), walk.output)
            break
        current = merged(node)
        if spec is not None:
            # After flatten/linear the field restarts at the tensor fed to this layer.
            fields[node] = (current or _Field()).after(spec)
            walk.fields.append(fields[node].named(spec.name, spec.kind))  # type: ignore[union-attr]
            walk.specs.append(spec)
            walk.nodes.append(node)
        elif ends:
            walk.output = _larger(current, walk.output)
            fields[node] = None
        else:  # element-wise op, add, cat, relu, batch norm, getitem, ...: merge the inputs
            fields[node] = current
    return walk


def receptive_fields(layers: Sequence[LayerSpec] | nn.Module) -> list[ReceptiveField]:
    """Receptive field of the output of every conv/pool layer, in execution order (D2L 7.2.6).

    ``layers`` is a list of :class:`~course_utils.shapes.LayerSpec` (a plain stack) or an
    ``nn.Module``. A module is traced with ``torch.fx``: where paths meet (residual ``add``,
    Inception's ``torch.cat``, element-wise ops) the field is the largest over the
    paths; flatten, view/reshape, linear, adaptive pooling and reductions (mean, sum,
    amax) end the spatial part, and a conv/pool after them starts afresh from its own
    input. Explicit padding (``F.pad``, ``nn.ZeroPad2d``) shifts ``start``. Only the
    geometry counts (also for Lazy layers before their first forward): ``groups`` and
    ``padding_mode`` do not change the field. Layers that are not sliding windows
    (transposed convs, upsampling) raise ``ValueError``.

    A layer is named after its module (``"net.0"``), or, for a call such as
    ``F.max_pool2d``, after its node in the fx graph (``"max_pool2d"``).

    >>> from torch import nn
    >>> net = nn.Sequential(nn.LazyConv2d(6, kernel_size=5, padding=2), nn.Sigmoid(),
    ...                     nn.AvgPool2d(kernel_size=2, stride=2))
    >>> [(rf.name, rf.size, rf.jump, rf.start) for rf in receptive_fields(net)]
    [('0', (5, 5), (1, 1), (0.0, 0.0)), ('2', (6, 6), (2, 2), (0.5, 0.5))]
    """
    if isinstance(layers, nn.Module):
        return _walk_module(layers).fields
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise TypeError(
            f"layers must be a list of LayerSpec or an nn.Module, got {layers!r} ({type(layers).__name__}): "
            "e.g. receptive_fields([LayerSpec('conv', 3), LayerSpec('pool', 2, stride=2)]) or receptive_fields(model)"
        )
    return _walk_specs(layers)


def overall_receptive_field(layers: Sequence[LayerSpec] | nn.Module) -> ReceptiveField:
    """Receptive field of the whole stack or model: of its output, or of the last map
    before flatten/linear/adaptive pooling (largest over the paths), named ``"output"``.

    For a list of LayerSpec it is the field of the last layer; for a model with branches
    (a residual block, an Inception block) it is the field where the paths meet, which
    need not be the field of the last layer that runs.

    >>> overall_receptive_field([LayerSpec("conv", 3), LayerSpec("conv", 3)]).size
    (5, 5)
    >>> class Shortcut(nn.Module):  # a 3x3 conv plus a 1x1 conv: the 1x1 runs last
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.conv3x3, self.conv1x1 = nn.Conv2d(1, 1, 3, padding=1), nn.Conv2d(1, 1, 1)
    ...     def forward(self, x):
    ...         return self.conv3x3(x) + self.conv1x1(x)
    >>> receptive_fields(Shortcut())[-1].size, overall_receptive_field(Shortcut()).size
    ((1, 1), (3, 3))
    """
    if isinstance(layers, nn.Module):
        final = _walk_module(layers).output
    else:
        per_layer = receptive_fields(layers)
        final = _Field(per_layer[-1].size, per_layer[-1].jump, per_layer[-1].start) if per_layer else None
    return (final or _Field()).named("output", "output")  # no conv/pool: one pixel


def layer_specs(model: nn.Module) -> list[LayerSpec]:
    """The geometry of every layer of ``receptive_fields(model)``, in the same order and with
    the same names: kernel size, stride, padding and dilation as pairs (height, width).

    The field of a layer says what it sees; its spec says how it got there (a 3x3 conv
    with stride 2, a 2x2 pool).

    >>> from torch import nn
    >>> net = nn.Sequential(nn.LazyConv2d(6, kernel_size=5, padding=2), nn.Sigmoid(),
    ...                     nn.AvgPool2d(kernel_size=2, stride=2))
    >>> [(s.name, s.kind, s.kernel_size, s.stride, s.padding) for s in layer_specs(net)]
    [('0', 'conv', (5, 5), (1, 1), (2, 2)), ('2', 'pool', (2, 2), (2, 2), (0, 0))]
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    return _walk_module(model).specs


@contextlib.contextmanager
def evaluating(model: nn.Module) -> Iterator[nn.Module]:
    """Run ``model`` for a look inside: evaluation mode under ``torch.no_grad()``, the mode restored after.

    In evaluation mode a batch of one passes batch norm and no running statistic changes.

    >>> bn = nn.BatchNorm1d(3)
    >>> with evaluating(bn):
    ...     _ = bn(torch.ones(1, 3))  # a batch of one: refused in training mode
    >>> bn.training, int(bn.num_batches_tracked)
    (True, 0)
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            yield model
    finally:
        model.train(was_training)


class _ShapeRecorder(fx.Interpreter):
    """Runs a traced graph node by node, keeping the output shape of the nodes asked for."""

    def __init__(self, module: fx.GraphModule, nodes: Sequence[fx.Node]) -> None:
        super().__init__(module)
        self.wanted = set(nodes)
        self.shapes: dict[fx.Node, tuple[int, ...]] = {}

    def run_node(self, n: fx.Node) -> Any:
        result = super().run_node(n)
        if n in self.wanted:
            self.shapes[n] = tuple(result.shape)
        return result


def field_output_shapes(model: nn.Module, X: torch.Tensor) -> list[tuple[int, ...]]:
    """Output shape of every layer of ``receptive_fields(model)``, in the same order, for the input ``X``.

    One run of the model's fx graph, node by node (a ``torch.fx.Interpreter``), in evaluation
    mode under ``torch.no_grad()`` (see :func:`evaluating`). It reaches the layers written as
    calls (``F.max_pool2d``) as well as modules, and a module called twice gives two shapes.

    >>> import torch.nn.functional as F
    >>> class Net(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.conv = nn.Conv2d(1, 2, 5, padding=2)
    ...     def forward(self, x):
    ...         return F.max_pool2d(self.conv(x), 2)
    >>> [rf.name for rf in receptive_fields(Net())], field_output_shapes(Net(), torch.zeros(1, 1, 28, 28))
    (['conv', 'max_pool2d'], [(1, 2, 28, 28), (1, 2, 14, 14)])
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    if not isinstance(X, torch.Tensor):
        raise TypeError(f"X must be a torch.Tensor (a batch N x C x H x W), got {type(X).__name__}")
    walk = _walk_module(model)
    with evaluating(model):
        try:
            if walk.graph is None:  # a single layer
                return [tuple(model(X).shape)]
            recorder = _ShapeRecorder(fx.GraphModule(model, walk.graph), walk.nodes)  # type: ignore[arg-type]
            recorder.run(X)
        except (RuntimeError, ValueError, TypeError) as error:
            first_line = (str(error).splitlines() or [""])[0]
            raise ValueError(
                f"{type(model).__name__} cannot run on an input of shape {tuple(X.shape)} "
                f"({type(error).__name__}: {first_line})"
            ) from error
    return [recorder.shapes[node] for node in walk.nodes]  # type: ignore[index]
