"""Shape arithmetic of convolution and pooling, and receptive fields (D2L 7.2.6, 7.3, 7.5).

Everything here is pure arithmetic on integers: no tensor is created, so the functions
are cheap enough for widgets and for checking a model before it runs.

Output size of a convolution or pooling layer along one dimension (D2L 7.3, and the
``Shape`` section of ``torch.nn.Conv2d``)::

    out = floor((n + 2p - d(k - 1) - 1) / s) + 1

with input size ``n``, kernel size ``k``, padding ``p`` on each side, stride ``s`` and
dilation ``d``; ``d(k - 1) + 1`` is the size the dilated kernel spans.

Receptive field of a stack of layers (D2L 7.2.6), along one dimension, starting from
the input with ``r = 1``, ``j = 1``, ``start = 0``::

    k_eff     = d(k - 1) + 1
    r_out     = r_in + (k_eff - 1) * j_in          # size of the field
    j_out     = j_in * s                           # input pixels between neighbouring outputs
    start_out = start_in + ((k_eff - 1) / 2 - p) * j_in   # centre of output pixel 0's field

Every size-like argument takes an int or a pair ``(height, width)`` (like PyTorch);
bad values raise ``TypeError``/``ValueError`` naming the value and a remedy.
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Union

import torch
import torch.nn.functional as F
from torch import fx, nn

__all__ = [
    "to_2tuple",
    "conv_output_shape",
    "pool_output_shape",
    "LayerSpec",
    "ReceptiveField",
    "receptive_fields",
    "overall_receptive_field",
]

IntOrPair = Union[int, tuple[int, int]]
LayerKind = Literal["conv", "pool"]

_REMEDIES = {
    "size": "an image needs at least 1 row and 1 column",
    "kernel_size": "a kernel needs at least 1 row and 1 column",
    "pool_size": "a pooling window needs at least 1 row and 1 column",
    "stride": "use stride=1 to move one pixel at a time",
    "dilation": "use dilation=1 for an ordinary, dense kernel",
    "padding": "use padding=0 for no padding",
}


# ---------------------------------------------------------------------------
# Validation of int-or-pair arguments (shared with course_utils.ops)
# ---------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    """True for Python and NumPy integers; False for bool (``True`` is not a size)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def to_2tuple(value: IntOrPair | Sequence[int], name: str = "value") -> tuple[int, int]:
    """Normalise an int or a pair of ints to ``(height, width)`` (timm's ``to_2tuple``).

    >>> to_2tuple(3, "kernel_size")
    (3, 3)
    >>> to_2tuple([5, 3], "kernel_size")
    (5, 3)
    >>> to_2tuple(True, "stride")
    Traceback (most recent call last):
    ...
    TypeError: stride must be an int or a pair of ints (height, width), got True (bool): ...
    """
    if _is_int(value):
        return (int(value), int(value))  # type: ignore[arg-type]
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(
                f"{name} must be an int or a pair (height, width), got {value!r} with "
                f"{len(value)} values: give two values, e.g. {name}=(3, 3)"
            )
        if all(_is_int(v) for v in value):
            return (int(value[0]), int(value[1]))
    raise TypeError(
        f"{name} must be an int or a pair of ints (height, width), got {value!r} "
        f"({type(value).__name__}): write e.g. {name}=3 or {name}=(3, 3)"
    )


def _pair(value: object, name: str, minimum: int) -> tuple[int, int]:
    """``to_2tuple`` plus a lower bound: ``minimum=1`` for sizes, 0 for padding."""
    pair = to_2tuple(value, name)  # type: ignore[arg-type]
    if min(pair) < minimum:
        remedy = _REMEDIES.get(name, f"use values >= {minimum}")
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}: {remedy}")
    return pair


def _hw(pair: tuple[int, int] | tuple[float, float]) -> str:
    """Format a pair as ``HxW`` for messages."""
    return f"{pair[0]}x{pair[1]}"


def _check_kernel_fits(
    size: tuple[int, int],
    kernel_size: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int],
) -> None:
    """Raise ``ValueError`` when the (dilated) kernel does not fit in the padded input."""
    padded = (size[0] + 2 * padding[0], size[1] + 2 * padding[1])
    span = (dilation[0] * (kernel_size[0] - 1) + 1, dilation[1] * (kernel_size[1] - 1) + 1)
    if span[0] <= padded[0] and span[1] <= padded[1]:
        return
    kernel = f"kernel {_hw(kernel_size)}"
    remedy = "add padding or use a smaller kernel"
    if dilation != (1, 1):
        kernel += f" with dilation {_hw(dilation)} spans {_hw(span)} and"
        remedy = "add padding, use a smaller kernel or a smaller dilation"
    if padding != (0, 0):
        where = f"the padded input {_hw(padded)} (input {_hw(size)}, padding {_hw(padding)})"
    else:
        where = f"the input {_hw(size)}"
    raise ValueError(f"{kernel} is larger than {where}: {remedy}")


# ---------------------------------------------------------------------------
# Output shapes
# ---------------------------------------------------------------------------


def conv_output_shape(
    size: IntOrPair,
    kernel_size: IntOrPair,
    padding: IntOrPair = 0,
    stride: IntOrPair = 1,
    dilation: IntOrPair = 1,
) -> tuple[int, int]:
    """Height and width of the output of ``nn.Conv2d`` (D2L 7.3).

    ``out = floor((n + 2p - d(k - 1) - 1) / s) + 1`` for each dimension.

    >>> conv_output_shape(28, kernel_size=5, padding=2)
    (28, 28)
    >>> conv_output_shape(8, kernel_size=3, padding=1, stride=2)
    (4, 4)
    >>> conv_output_shape(8, kernel_size=(3, 5), padding=(0, 1), stride=(3, 4))
    (2, 2)
    >>> conv_output_shape(3, kernel_size=5)
    Traceback (most recent call last):
    ...
    ValueError: kernel 5x5 is larger than the input 3x3: add padding or use a smaller kernel
    """
    n = _pair(size, "size", 1)
    k = _pair(kernel_size, "kernel_size", 1)
    p = _pair(padding, "padding", 0)
    s = _pair(stride, "stride", 1)
    d = _pair(dilation, "dilation", 1)
    _check_kernel_fits(n, k, p, d)
    out_h, out_w = ((n[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in (0, 1))
    return (out_h, out_w)


def pool_output_shape(
    size: IntOrPair,
    kernel_size: IntOrPair,
    padding: IntOrPair = 0,
    stride: IntOrPair | None = None,
    dilation: IntOrPair = 1,
    ceil_mode: bool = False,
) -> tuple[int, int]:
    """Height and width of the output of ``nn.MaxPool2d`` / ``nn.AvgPool2d`` (D2L 7.5.2).

    Same formula as :func:`conv_output_shape` (``ceil`` instead of ``floor`` when
    ``ceil_mode=True``, without a window that starts in the right/bottom padding).
    Like PyTorch, ``stride`` defaults to ``kernel_size`` and ``padding`` may be at most
    ``kernel_size // 2``.

    >>> pool_output_shape(4, kernel_size=3)
    (1, 1)
    >>> pool_output_shape(4, kernel_size=3, padding=1, stride=2)
    (2, 2)
    >>> pool_output_shape(4, kernel_size=(2, 3), padding=(0, 1), stride=(2, 3))
    (2, 2)
    >>> pool_output_shape(5, kernel_size=2, ceil_mode=True)
    (3, 3)
    """
    n = _pair(size, "size", 1)
    k = _pair(kernel_size, "kernel_size", 1)
    p = _pair(padding, "padding", 0)
    s = k if stride is None else _pair(stride, "stride", 1)
    d = _pair(dilation, "dilation", 1)
    if not isinstance(ceil_mode, bool):
        raise TypeError(f"ceil_mode must be True or False, got {ceil_mode!r}")
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:
        half = (k[0] // 2, k[1] // 2)
        raise ValueError(
            f"padding {_hw(p)} is more than half the pooling window {_hw(k)}: PyTorch allows "
            f"at most kernel_size // 2 = {_hw(half)}; use a smaller padding or a larger window"
        )
    out = []
    for i in (0, 1):
        span = d[i] * (k[i] - 1) + 1
        numerator = n[i] + 2 * p[i] - span + (s[i] - 1 if ceil_mode else 0)
        length = numerator // s[i] + 1  # floor division, like PyTorch's div_rtn
        if ceil_mode and (length - 1) * s[i] >= n[i] + p[i]:
            length -= 1  # the last window would start inside the right/bottom padding
        out.append(length)
    if min(out) < 1:
        _check_kernel_fits(n, k, p, d)
        raise ValueError(  # only reachable in unusual ceil_mode corner cases
            f"pooling window {_hw(k)} on input {_hw(n)} gives an empty output {_hw(out)}"
        )
    return (out[0], out[1])


# ---------------------------------------------------------------------------
# Receptive fields
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LayerSpec:
    """The geometry of one convolution or pooling layer.

    Ints are normalised to pairs ``(height, width)``, so ``LayerSpec("conv", 3)`` has
    ``kernel_size == (3, 3)``. For a pooling layer give ``stride`` explicitly: here it
    defaults to 1, unlike ``nn.MaxPool2d`` whose stride defaults to the window.
    """

    kind: LayerKind  # "conv" or "pool"
    kernel_size: IntOrPair  # (kh, kw) after construction
    stride: IntOrPair = 1
    padding: IntOrPair = 0  # zeros (or -inf) added on each side
    dilation: IntOrPair = 1  # gap between kernel taps; 1 = dense kernel
    name: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("conv", "pool"):
            raise ValueError(f"kind must be 'conv' or 'pool', got {self.kind!r}")
        object.__setattr__(self, "kernel_size", _pair(self.kernel_size, "kernel_size", 1))
        object.__setattr__(self, "stride", _pair(self.stride, "stride", 1))
        object.__setattr__(self, "padding", _pair(self.padding, "padding", 0))
        object.__setattr__(self, "dilation", _pair(self.dilation, "dilation", 1))


@dataclass(frozen=True)
class ReceptiveField:
    """Receptive field of the output of one layer, in input-image pixels (D2L 7.2.6).

    Output pixel ``(i, j)`` sees the input rectangle centred at
    ``start + (i, j) * jump`` with ``size`` rows and columns (before clipping to the
    image). ``start`` may be negative or a half-integer (even sizes).

    ``size`` is the extent of the field: a dilation (or a stride larger than the next
    kernel) can leave pixels inside it that the output does not see, and at the image
    border a tap that falls in the padding can hide some pixels of the clipped rectangle.
    """

    name: str  # qualified module name ("net.0"), or the fx node name for F.* calls
    kind: str  # "conv" or "pool" ("output" for overall_receptive_field)
    size: tuple[int, int]  # rows and columns of the field
    jump: tuple[int, int]  # input pixels between two neighbouring output pixels
    start: tuple[float, float]  # centre of the field of output pixel (0, 0)

    def input_region(
        self, i: int = 0, j: int = 0, input_size: IntOrPair | None = None
    ) -> tuple[tuple[int, int], tuple[int, int]]:
        """Rows ``(first, last)`` and columns ``(first, last)`` (inclusive) seen by pixel (i, j).

        With ``input_size`` the rectangle is clipped to the image; padding lies outside.

        >>> rf = receptive_fields([LayerSpec("conv", 3, padding=1), LayerSpec("pool", 2, stride=2)])[-1]
        >>> rf.size, rf.jump, rf.start
        ((4, 4), (2, 2), (0.5, 0.5))
        >>> rf.input_region(0, 0), rf.input_region(0, 0, input_size=8)
        (((-1, 2), (-1, 2)), ((0, 2), (0, 2)))
        """
        region = []
        for axis, index in enumerate((i, j)):
            centre = self.start[axis] + index * self.jump[axis]
            half = (self.size[axis] - 1) / 2
            first, last = int(centre - half), int(centre + half)
            assert first == centre - half and last == centre + half, "field ends are whole pixels"
            if input_size is not None:
                limit = _pair(input_size, "input_size", 1)[axis]
                first, last = max(first, 0), min(last, limit - 1)
            region.append((first, last))
        return (region[0], region[1])


@dataclass(frozen=True)
class _Field:
    """Running field of a tensor: per-dimension size, jump and centre of pixel 0."""

    size: tuple[int, int] = (1, 1)
    jump: tuple[int, int] = (1, 1)
    start: tuple[float, float] = (0.0, 0.0)

    def after(self, spec: LayerSpec) -> _Field:
        """Apply the recurrences of the module docstring for one layer."""
        size, jump, start = [], [], []
        for a in (0, 1):
            k_eff = spec.dilation[a] * (spec.kernel_size[a] - 1) + 1  # type: ignore[index]
            size.append(self.size[a] + (k_eff - 1) * self.jump[a])
            jump.append(self.jump[a] * spec.stride[a])  # type: ignore[index]
            start.append(self.start[a] + ((k_eff - 1) / 2 - spec.padding[a]) * self.jump[a])  # type: ignore[index]
        return _Field((size[0], size[1]), (jump[0], jump[1]), (start[0], start[1]))

    def union(self, other: _Field, where: str) -> _Field:
        """The field seen through two paths that meet (add, cat, ...): the largest extent."""
        if self.jump != other.jump:
            raise ValueError(
                f"paths with different total strides {_hw(self.jump)} and {_hw(other.jump)} "
                f"meet at {where!r}: receptive_fields cannot combine them; pass a list of "
                "LayerSpec for the path you want instead"
            )
        size, start = [], []
        for a in (0, 1):
            lo = min(f.start[a] - (f.size[a] - 1) / 2 for f in (self, other))
            hi = max(f.start[a] + (f.size[a] - 1) / 2 for f in (self, other))
            size.append(int(hi - lo) + 1)
            start.append((lo + hi) / 2)
        return _Field((size[0], size[1]), self.jump, (start[0], start[1]))

    def padded(self, top: int, left: int) -> _Field:
        """An explicit pad (``F.pad``, ``nn.ZeroPad2d``): pixel 0 moves ``top``/``left`` back."""
        return _Field(self.size, self.jump, (self.start[0] - top * self.jump[0], self.start[1] - left * self.jump[1]))

    def named(self, name: str, kind: str) -> ReceptiveField:
        return ReceptiveField(name, kind, self.size, self.jump, self.start)


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
    if not isinstance(pad, (tuple, list)) or not all(_is_int(v) for v in pad):
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
            padding = ((dilation[0] * (kernel[0] - 1)) // 2, (dilation[1] * (kernel[1] - 1)) // 2)
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
            dil = to_2tuple(dilation, "dilation")
            padding = (0, 0) if padding == "valid" else tuple((dil[a] * (kernel[a] - 1)) // 2 for a in (0, 1))
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


def _walk_module(model: nn.Module) -> tuple[list[ReceptiveField], _Field | None]:
    """Follow the fx graph of ``model``; return the per-layer fields and the overall one.

    The overall field is that of the output, or, where paths end in flatten/linear/
    adaptive pooling, the largest field that reached such an end.
    """
    if isinstance(model, _SPATIAL_MODULES):  # a single layer: nothing to trace
        only = _Field().after(_spec_from_module(model, ""))
        return [only.named("", "conv" if isinstance(model, nn.Conv2d) else "pool")], only
    graph, modules = _trace(model)
    fields: dict[fx.Node, _Field | None] = {}
    results: list[ReceptiveField] = []
    ended: _Field | None = None  # largest field where the spatial part of a path ended
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
            ended = _larger(merged(node), ended)
            break
        current = merged(node)
        if spec is not None:
            # After flatten/linear the field restarts at the tensor fed to this layer.
            fields[node] = (current or _Field()).after(spec)
            results.append(fields[node].named(spec.name, spec.kind))  # type: ignore[union-attr]
        elif ends:
            ended = _larger(current, ended)
            fields[node] = None
        else:  # element-wise op, add, cat, relu, batch norm, getitem, ...: merge the inputs
            fields[node] = current
    return results, ended


def _walk_specs(layers: Sequence[LayerSpec]) -> list[ReceptiveField]:
    current = _Field()
    results = []
    for index, spec in enumerate(layers):
        if not isinstance(spec, LayerSpec):
            raise TypeError(
                f"layers[{index}] must be a LayerSpec, got {spec!r}: write e.g. "
                "LayerSpec('conv', kernel_size=3, padding=1)"
            )
        current = current.after(spec)
        results.append(current.named(spec.name or f"{index}", spec.kind))
    return results


def receptive_fields(layers: Sequence[LayerSpec] | nn.Module) -> list[ReceptiveField]:
    """Receptive field of the output of every conv/pool layer, in execution order (D2L 7.2.6).

    ``layers`` is a list of :class:`LayerSpec` (a plain stack) or an ``nn.Module``.
    A module is traced with ``torch.fx``: where paths meet (residual ``add``,
    Inception's ``torch.cat``, element-wise ops) the field is the largest over the
    paths; flatten, view/reshape, linear, adaptive pooling and reductions (mean, sum,
    amax) end the spatial part, and a conv/pool after them starts afresh from its own
    input. Explicit padding (``F.pad``, ``nn.ZeroPad2d``) shifts ``start``. Only the
    geometry counts (also for Lazy layers before their first forward): ``groups`` and
    ``padding_mode`` do not change the field. Layers that are not sliding windows
    (transposed convs, upsampling) raise ``ValueError``.

    >>> from torch import nn
    >>> net = nn.Sequential(nn.LazyConv2d(6, kernel_size=5, padding=2), nn.Sigmoid(),
    ...                     nn.AvgPool2d(kernel_size=2, stride=2))
    >>> [(rf.name, rf.size, rf.jump, rf.start) for rf in receptive_fields(net)]
    [('0', (5, 5), (1, 1), (0.0, 0.0)), ('2', (6, 6), (2, 2), (0.5, 0.5))]
    """
    if isinstance(layers, nn.Module):
        return _walk_module(layers)[0]
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise TypeError(
            f"layers must be a list of LayerSpec or an nn.Module, got {type(layers).__name__}"
        )
    return _walk_specs(layers)


def overall_receptive_field(layers: Sequence[LayerSpec] | nn.Module) -> ReceptiveField:
    """Receptive field of the whole stack or model: of its output, or of the last map
    before flatten/linear/adaptive pooling (largest over the paths), named ``"output"``.

    >>> overall_receptive_field([LayerSpec("conv", 3), LayerSpec("conv", 3)]).size
    (5, 5)
    """
    if isinstance(layers, nn.Module):
        final = _walk_module(layers)[1]
    else:
        per_layer = _walk_specs(layers)
        final = _Field(per_layer[-1].size, per_layer[-1].jump, per_layer[-1].start) if per_layer else None
    return (final or _Field()).named("output", "output")  # no conv/pool: one pixel
