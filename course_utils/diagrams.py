"""Architecture diagrams drawn from the model objects themselves, never from a hand-made list.

:func:`architecture_boxes` reads one box per layer or block of ``model.net`` (its settings
read from the modules, its output shape from one forward pass with hooks), and
:func:`architecture_figure` / :func:`compare_architectures_figure` draw those boxes as a
vertical stack. :func:`block_graph` traces a block's ``forward`` with ``torch.fx`` into a
graph of layers and merge points (concatenation, addition), with the shape of every tensor
from ``torch.fx.passes.shape_prop.ShapeProp``, and :func:`block_figure` draws that graph with
parallel branches in columns. Change the model and the diagram changes with it.

Two reading rules of the stacked diagrams:

* an activation module (``nn.ReLU``, ``nn.Sigmoid``, ...) is folded into the box before it,
  whose label then ends in ``+ ReLU``; the box lists it in ``members``;
* only ``nn.Sequential`` containers are opened by ``depth``: a block with its own ``forward``
  (``Inception``, ``Residual``, ``ResNeXtBlock``) is always one box, its settings summarised
  in the label and ``details`` (its dataflow is :func:`block_figure`'s job).

Labels are written in the language in use (``course_utils.language``): ``conv 5×5, 6, pad 2``
in English, ``합성곱 5×5, 6, 패딩 2`` in Korean; names of modules and activations (``Inception``,
``ReLU``) stay as they are. Figures are built without pyplot, like those of :mod:`course_utils.plotting`.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch
from torch import fx, nn
from torch.fx.passes.shape_prop import ShapeProp

from course_utils import validate
from course_utils.fields import _ReceptiveFieldTracer, evaluating
from course_utils.formatting import display_width
from course_utils.language import say
from course_utils.models.batch_norm import BatchNorm
from course_utils.models.googlenet import Inception
from course_utils.models.resnet import Residual, ResNeXtBlock
from course_utils.shapes import to_2tuple

__all__ = [
    "Box",
    "architecture_boxes",
    "architecture_figure",
    "compare_architectures_figure",
    "GraphNode",
    "BlockGraph",
    "block_graph",
    "block_figure",
]

# ---------------------------------------------------------------------------------------------
# Labels: what a module is, in a few words read from its attributes
# ---------------------------------------------------------------------------------------------

_ACTIVATION_NAMES: dict[type[nn.Module], str] = {
    nn.ReLU: "ReLU",
    nn.Sigmoid: "sigmoid",
    nn.Tanh: "tanh",
    nn.LeakyReLU: "leaky ReLU",
    nn.GELU: "GELU",
    nn.SiLU: "SiLU",
    nn.ELU: "ELU",
    nn.ReLU6: "ReLU6",
    nn.Softmax: "softmax",
}
_NORM_MODULES = (nn.BatchNorm1d, nn.BatchNorm2d, nn.LayerNorm, nn.GroupNorm, BatchNorm)
_POOL_MODULES = (nn.MaxPool2d, nn.AvgPool2d)
_ADAPTIVE_POOL_MODULES = (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)
_BLOCK_MODULES = (Inception, Residual, ResNeXtBlock)

# Box colours by kind (light fills, so the black text stays readable).
_KIND_COLORS: dict[str, str] = {
    "input": "#ffffff",
    "output": "#ffffff",
    "conv": "#cfe2f3",
    "pool": "#fde2c8",
    "linear": "#d9f0d3",
    "activation": "#eadcf2",
    "norm": "#fff2b3",
    "dropout": "#eeeeee",
    "flatten": "#f3f3f3",
    "block": "#d5ecec",
    "concat": "#ffd9d9",
    "add": "#ffd9d9",
    "op": "#f3f3f3",
    "other": "#f3f3f3",
}
_EDGE_COLOR = "#555555"
_SHAPE_COLOR = "#333333"


def _size(value: Any) -> str:
    """``(5, 5) -> "5×5"``, ``3 -> "3×3"``."""
    h, w = to_2tuple(value, "size")
    return f"{h}×{w}"


def _one_or_pair(values: Any) -> Any:
    """``(2, 2) -> 2``, ``(1, 2) -> (1, 2)``: one number when both sides agree."""
    return values[0] if len(set(values)) == 1 else values


def _conv_label(conv: nn.Conv2d) -> str:
    parts = [say("conv {size}, {channels}", size=_size(conv.kernel_size), channels=conv.out_channels)]
    if isinstance(conv.padding, str):
        parts.append(say("pad {padding}", padding=conv.padding))
    elif any(conv.padding):
        parts.append(say("pad {padding}", padding=_one_or_pair(conv.padding)))
    if any(s != 1 for s in conv.stride):
        parts.append(say("stride {stride}", stride=_one_or_pair(conv.stride)))
    if conv.groups != 1:
        parts.append(say("groups {groups}", groups=conv.groups))
    return ", ".join(parts)


def _pool_label(pool: nn.Module) -> str:
    is_max = isinstance(pool, nn.MaxPool2d)
    stride = pool.stride if pool.stride is not None else pool.kernel_size
    parts = [say("max pool {size}" if is_max else "avg pool {size}", size=_size(pool.kernel_size))]
    if to_2tuple(stride, "stride") != (1, 1):
        parts.append(say("stride {stride}", stride=to_2tuple(stride, "stride")[0]))
    if to_2tuple(pool.padding, "padding") != (0, 0):
        parts.append(say("pad {padding}", padding=to_2tuple(pool.padding, "padding")[0]))
    return ", ".join(parts)


def _adaptive_pool_label(pool: nn.Module) -> str:
    is_max = isinstance(pool, nn.AdaptiveMaxPool2d)
    size = pool.output_size
    if size in (1, (1, 1)):
        return say("global max pool" if is_max else "global avg pool")
    return say("adaptive max pool to {size}" if is_max else "adaptive avg pool to {size}", size=_size(size))


def _leaf_kind_and_label(module: nn.Module) -> tuple[str, str]:
    """(kind, label) of a single layer."""
    if isinstance(module, nn.Conv2d):
        return "conv", _conv_label(module)
    if isinstance(module, _POOL_MODULES):
        return "pool", _pool_label(module)
    if isinstance(module, _ADAPTIVE_POOL_MODULES):
        return "pool", _adaptive_pool_label(module)
    if isinstance(module, nn.Linear):
        return "linear", say("dense {units}", units=module.out_features)
    if isinstance(module, nn.Flatten):
        return "flatten", say("flatten")
    if isinstance(module, nn.Dropout):
        return "dropout", say("dropout {p:g}", p=module.p)
    if isinstance(module, _NORM_MODULES):
        return "norm", say("batch norm" if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d, BatchNorm)) else "norm")
    if type(module) in _ACTIVATION_NAMES:
        return "activation", _ACTIVATION_NAMES[type(module)]
    return "other", type(module).__name__


def _shortcut_line(projection: nn.Conv2d | None) -> str:
    if projection is None:
        return say("shortcut: identity")
    return say("shortcut: {projection}", projection=_conv_label(projection))


def _block_label(module: nn.Module) -> tuple[str, tuple[str, ...]]:
    """(label, details) of a block of the course that has its own ``forward``."""
    if isinstance(module, Inception):
        return f"Inception {module.out_channels}", (
            f"1×1 {module.branch1x1.out_channels}",
            f"1×1 {module.branch3x3_reduce.out_channels} → 3×3 {module.branch3x3.out_channels}",
            f"1×1 {module.branch5x5_reduce.out_channels} → 5×5 {module.branch5x5.out_channels}",
            say("3×3 max pool → 1×1 {channels}", channels=module.branch_pool_proj.out_channels),
        )
    stride = say(", stride {stride}", stride=module.strides) if module.strides != 1 else ""
    if isinstance(module, ResNeXtBlock):
        return say("ResNeXt {channels}, groups {groups}", channels=module.num_channels, groups=module.groups) + stride, (
            say("1×1 {bottleneck} → 3×3 {bottleneck} in {groups} groups → 1×1 {channels}",
                bottleneck=module.bot_channels, groups=module.groups, channels=module.num_channels),
            _shortcut_line(module.conv4),
        )
    return f"Residual {module.num_channels}{stride}", (
        say("2 × conv 3×3, {channels} + batch norm", channels=module.num_channels),
        _shortcut_line(module.conv3),
    )


# ---------------------------------------------------------------------------------------------
# Boxes of a stacked diagram
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """One box of an architecture diagram.

    ``name`` is the qualified module name (``"net.0"``, ``"net.b3"``); ``members`` are the
    modules the box stands for, in order: ``name`` first, then the activations folded into it.
    ``out_shape`` is the output shape of the last member, batch included, from a real forward pass.
    """

    name: str
    kind: str  # "conv", "pool", "linear", "activation", "norm", "dropout", "flatten", "block", "other"
    label: str  # e.g. "conv 5×5, 6, pad 2 + sigmoid", "Residual 128, stride 2"
    out_shape: tuple[int, ...]
    details: tuple[str, ...] = ()  # inner settings of a block, one line each
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Unit:
    """A module to show, before folding: its qualified name and the module."""

    name: str
    module: nn.Module


def _check_module(model: Any, name: str) -> nn.Module:
    if not isinstance(model, nn.Module):
        raise TypeError(
            f"{name} must be an nn.Module (a model or a block), got {model!r} ({type(model).__name__}): "
            f"e.g. {name}=LeNet()"
        )
    return model


def _root(model: nn.Module) -> tuple[nn.Module, str]:
    """The container whose children are drawn: ``model.net`` if the model has one, else the model."""
    net = getattr(model, "net", None)
    return (net, "net.") if isinstance(net, nn.Module) else (model, "")


def _units(container: nn.Module, prefix: str, depth: int) -> list[_Unit]:
    """The children of ``container``, ``nn.Sequential`` children opened ``depth - 1`` more levels."""
    units = []
    for child_name, child in container.named_children():
        name = prefix + child_name
        if depth > 1 and isinstance(child, nn.Sequential) and len(child) > 0:
            units.extend(_units(child, name + ".", depth - 1))
        else:
            units.append(_Unit(name, child))
    return units


def _fold(units: Sequence[_Unit]) -> list[list[_Unit]]:
    """Groups of units: each activation joins the group before it."""
    groups: list[list[_Unit]] = []
    for unit in units:
        if groups and type(unit.module) in _ACTIVATION_NAMES:
            groups[-1].append(unit)
        else:
            groups.append([unit])
    return groups


def _group_text(group: Sequence[_Unit]) -> tuple[str, str, tuple[str, ...]]:
    """(kind, label, details) of a box: the first unit's description plus its folded activations."""
    first = group[0].module
    if isinstance(first, _BLOCK_MODULES):
        kind, (label, details) = "block", _block_label(first)
    elif isinstance(first, nn.Sequential):
        kind, label, details = "block", _sequential_title(group[0].name), _sequential_details(first)
    else:
        (kind, label), details = _leaf_kind_and_label(first), ()
    suffix = "".join(f" + {_ACTIVATION_NAMES[type(unit.module)]}" for unit in group[1:])
    return kind, label + suffix, details


def _sequential_title(name: str) -> str:
    tail = name.rsplit(".", 1)[-1]
    return say("block {number}", number=tail) if tail.isdigit() else tail


def _sequential_details(container: nn.Sequential) -> tuple[str, ...]:
    """One line per inner box of ``container``, repeats collapsed: ``"2 × conv 3×3, 64, pad 1 + ReLU"``."""
    lines: list[str] = [_group_text(group)[1] for group in _fold(_units(container, "", 1))]
    collapsed: list[tuple[int, str]] = []
    for line in lines:
        if collapsed and collapsed[-1][1] == line:
            collapsed[-1] = (collapsed[-1][0] + 1, line)
        else:
            collapsed.append((1, line))
    return tuple(line if count == 1 else f"{count} × {line}" for count, line in collapsed)


def _device(model: nn.Module) -> torch.device:
    first = next(model.parameters(), None)
    return first.device if first is not None else torch.device("cpu")


def _refused(model: nn.Module, shape: tuple[int, ...], error: Exception) -> ValueError:
    first_line = (str(error).splitlines() or [""])[0]
    return ValueError(
        f"{type(model).__name__} cannot run on an input of shape {shape} ({type(error).__name__}: "
        f"{first_line}): pass an X_shape N x C x H x W that the model accepts"
    )


def _output_shapes(model: nn.Module, shape: tuple[int, ...], names: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """Output shape of the modules ``names`` (first call each) for a zero batch of ``shape``."""
    modules = dict(model.named_modules())
    shapes: dict[str, tuple[int, ...]] = {}

    def recorder(name: str):  # noqa: ANN202 - a hook factory
        def hook(module: nn.Module, args: object, output: object) -> None:
            if isinstance(output, torch.Tensor):
                shapes.setdefault(name, tuple(output.shape))

        return hook

    handles = [modules[name].register_forward_hook(recorder(name)) for name in names]
    try:
        with evaluating(model):
            model(torch.zeros(shape, device=_device(model)))
    except (RuntimeError, ValueError, TypeError) as error:
        raise _refused(model, shape, error) from error
    finally:
        for handle in handles:
            handle.remove()
    return shapes


def architecture_boxes(model: nn.Module, X_shape: Sequence[int], *, depth: int = 1) -> list[Box]:
    """One :class:`Box` per child of ``model.net`` (of the model itself if it has no ``net``).

    ``depth=1`` shows the children of ``model.net``; ``depth=2`` opens every ``nn.Sequential``
    child into its own children (GoogLeNet's stages into their Inception blocks), and so on.
    Activations are folded into the box before them (see the module docstring). The output
    shapes come from one forward pass of a zero batch of ``X_shape`` in evaluation mode under
    ``torch.no_grad()`` (the model's mode is restored; lazy layers get their parameters).

    >>> from course_utils.models import LeNet
    >>> [(b.label, b.out_shape) for b in architecture_boxes(LeNet(), (1, 1, 28, 28))[:2]]
    [('conv 5×5, 6, pad 2 + sigmoid', (1, 6, 28, 28)), ('avg pool 2×2, stride 2', (1, 6, 14, 14))]
    """
    model = _check_module(model, "model")
    shape = validate.shape(X_shape, "X_shape")
    depth = validate.positive_int(depth, "depth", example=1)
    container, prefix = _root(model)
    groups = _fold(_units(container, prefix, depth))
    if not groups:
        raise ValueError(
            f"{type(model).__name__} has no layers to draw (its {'net' if prefix else 'module'} has no children): "
            "draw a model built from submodules, e.g. LeNet()"
        )
    shapes = _output_shapes(model, shape, [unit.name for group in groups for unit in group])
    boxes = []
    for group in groups:
        kind, label, details = _group_text(group)
        boxes.append(
            Box(
                name=group[0].name,
                kind=kind,
                label=label,
                out_shape=shapes.get(group[-1].name, ()),
                details=details,
                members=tuple(unit.name for unit in group),
            )
        )
    return boxes


# ---------------------------------------------------------------------------------------------
# Drawing a stack of boxes
# ---------------------------------------------------------------------------------------------

_HEADER_SIZE = 10  # points
_DETAIL_SIZE = 9
_LINE = 0.19  # inches per detail line
_BOX_PAD = 0.12  # inches above and below the text of a box
_GAP = 0.42  # inches between two boxes (the arrow)
_CHAR = 0.085  # inches per character at 10 pt (a generous average for DejaVu Sans)
_WIDE = 1.6  # a Hangul syllable (or another wide character) is about this many characters wide
_TITLE_SPACE = 0.45


def _text_length(text: str) -> float:
    """The width of ``text`` in characters: ``len(text)``, a wide character (Hangul) counted as :data:`_WIDE`
    (the wide ones are those that take two columns of :func:`~course_utils.formatting.display_width`)."""
    wide = display_width(text) - len(text)
    return len(text) + (_WIDE - 1) * wide if wide else len(text)


def _shape_text(shape: Sequence[int]) -> str:
    """``(1, 6, 28, 28) -> "6×28×28"``: the batch dimension dropped."""
    return "×".join(map(str, shape[1:])) if len(shape) > 1 else "×".join(map(str, shape)) or say("(not run)")


@dataclass(frozen=True)
class _Item:
    """One box to draw: text lines and colour."""

    label: str
    details: tuple[str, ...]
    kind: str

    @property
    def height(self) -> float:
        return 2 * _BOX_PAD + 0.17 + _LINE * len(self.details)

    @property
    def width(self) -> float:
        longest = max([_text_length(self.label) * 1.08, *(_text_length(line) * 0.92 for line in self.details)])
        return longest * _CHAR + 0.35


def _stack_items(shape: tuple[int, ...], boxes: Sequence[Box]) -> tuple[list[_Item], list[str]]:
    """Input box, one item per box, output box; and the shape written on each arrow."""
    items = [_Item(say("input {shape}", shape=_shape_text(shape)), (), "input")]
    items += [_Item(box.label, box.details, box.kind) for box in boxes]
    items.append(_Item(say("output {shape}", shape=_shape_text(boxes[-1].out_shape)), (), "output"))
    arrows = [_shape_text(shape)] + [_shape_text(box.out_shape) for box in boxes]
    return items, arrows


def _stack_height(items: Sequence[_Item]) -> float:
    return sum(item.height for item in items) + _GAP * (len(items) - 1)


def _stack_width(items: Sequence[_Item], arrows: Sequence[str]) -> float:
    # the box, or the arrow's shape text beside the centre line, whichever is wider
    return max(max(item.width for item in items), 2 * (0.2 + max(map(_text_length, arrows)) * _CHAR * 0.9) + 0.2, 2.2)


def _draw_box(ax: Axes, x: float, top: float, width: float, item: _Item) -> None:
    ax.add_patch(
        FancyBboxPatch(
            (x - width / 2, top), width, item.height,
            boxstyle="round,pad=0,rounding_size=0.08",
            facecolor=_KIND_COLORS.get(item.kind, _KIND_COLORS["other"]),
            edgecolor="#333333", linewidth=1.0,
        )
    )  # fmt: skip
    y = top + _BOX_PAD + 0.085
    ax.text(x, y, item.label, ha="center", va="center", fontsize=_HEADER_SIZE, fontweight="bold")
    for line in item.details:
        y += _LINE
        ax.text(x, y, line, ha="center", va="center", fontsize=_DETAIL_SIZE)


def _draw_arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], text: str = "") -> None:
    ax.annotate(
        "", xy=end, xytext=start,
        arrowprops={"arrowstyle": "-|>", "color": _EDGE_COLOR, "linewidth": 1.1, "shrinkA": 0, "shrinkB": 0},
    )  # fmt: skip
    if text:
        ax.text(start[0] + 0.1, (start[1] + end[1]) / 2, text, ha="left", va="center",
                fontsize=_DETAIL_SIZE, color=_SHAPE_COLOR)


def _draw_stack(ax: Axes, x: float, top: float, items: Sequence[_Item], arrows: Sequence[str]) -> None:
    width = max(item.width for item in items)
    y = top
    for index, item in enumerate(items):
        _draw_box(ax, x, y, width, item)
        y += item.height
        if index + 1 < len(items):
            _draw_arrow(ax, (x, y), (x, y + _GAP), arrows[index])
            y += _GAP


def _canvas(width: float, height: float) -> tuple[Figure, Axes]:
    """A figure of ``width`` x ``height`` inches whose data coordinates are inches, y going down."""
    fig = Figure(figsize=(width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.axis("off")
    return fig, ax


_Column = tuple[str, list[_Item], list[str]]  # title, boxes, the shape on each arrow


def _columns_figure(columns: Sequence[_Column]) -> Figure:
    """Stacks side by side, tops aligned, each under its title."""
    widths = [_stack_width(items, arrows) for _, items, arrows in columns]
    height = _TITLE_SPACE + max(_stack_height(items) for _, items, _ in columns) + 0.25
    fig, ax = _canvas(sum(widths) + 0.3 * (len(columns) + 1), height)
    x = 0.3
    for width, (title, items, arrows) in zip(widths, columns):
        ax.text(x + width / 2, _TITLE_SPACE / 2, title, ha="center", va="center", fontsize=11, fontweight="bold")
        _draw_stack(ax, x + width / 2, _TITLE_SPACE, items, arrows)
        x += width + 0.3
    return fig


def _column(model: nn.Module, X_shape: Sequence[int], depth: int, title: str | None) -> _Column:
    boxes = architecture_boxes(model, X_shape, depth=depth)
    shape = validate.shape(X_shape, "X_shape")
    items, arrows = _stack_items(shape, boxes)
    return (title if title is not None else type(model).__name__), items, arrows


def _check_title(title: Any) -> str | None:
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None, got {title!r} ({type(title).__name__})")
    return title


def architecture_figure(
    model: nn.Module, X_shape: Sequence[int], *, depth: int = 1, title: str | None = None
) -> Figure:
    """The boxes of :func:`architecture_boxes` as a vertical stack, input at the top.

    Each box is coloured by its kind (convolution blue, pooling orange, dense green, block
    teal, ...); the shape of the tensor that flows (batch dropped, e.g. ``6×28×28``) is
    written beside each arrow. ``title`` defaults to the class name.
    """
    return _columns_figure([_column(model, X_shape, depth, _check_title(title))])


def compare_architectures_figure(
    models: Mapping[str, tuple[nn.Module, Sequence[int]]], *, depth: int = 1
) -> Figure:
    """Several architectures side by side, tops aligned, each titled by its key.

    ``models`` maps a title to ``(model, X_shape)``, e.g.
    ``{"LeNet": (LeNet(), (1, 1, 28, 28)), "AlexNet": (AlexNet(), (1, 1, 224, 224))}``.
    """
    if not isinstance(models, Mapping) or not models:
        raise TypeError(
            f"models must be a non-empty mapping title -> (model, X_shape), got {models!r}: "
            "e.g. {'LeNet': (LeNet(), (1, 1, 28, 28))}"
        )
    columns = []
    for title, pair in models.items():
        if not isinstance(title, str) or not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(
                f"every entry of models must be title -> (model, X_shape), got {title!r}: {pair!r}: "
                "e.g. {'LeNet': (LeNet(), (1, 1, 28, 28))}"
            )
        columns.append(_column(pair[0], pair[1], depth, title))
    return _columns_figure(columns)


# ---------------------------------------------------------------------------------------------
# The dataflow graph of a block
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GraphNode:
    """One node of a :class:`BlockGraph`: a layer, a merge (``concat``, ``add``), an activation,
    the ``input`` or the ``output``; ``inputs`` are the names of the nodes it reads."""

    name: str  # the fx node's name ("conv1", "cat", "x"); a layer's module name as its target
    kind: str  # "input", "output", "conv", "pool", "norm", "activation", "concat", "add", ...
    label: str
    shape: tuple[int, ...]  # the node's output shape, batch included
    inputs: tuple[str, ...]


@dataclass(frozen=True)
class BlockGraph:
    """The dataflow of a block: its nodes in execution order (input first, output last)."""

    nodes: tuple[GraphNode, ...]

    @property
    def edges(self) -> tuple[tuple[str, str], ...]:
        """(source, target) name pairs."""
        return tuple((source, node.name) for node in self.nodes for source in node.inputs)

    def node(self, name: str) -> GraphNode:
        """The node called ``name``."""
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(f"no node {name!r}: the nodes are {', '.join(n.name for n in self.nodes)}")

    def of_kind(self, kind: str) -> list[GraphNode]:
        """The nodes of one kind, in order."""
        return [node for node in self.nodes if node.kind == kind]


_ADD_TARGETS = {operator.add, operator.iadd, torch.add}
_CAT_TARGETS = {torch.cat, torch.concat}
_FUNCTION_ACTIVATIONS = {F.relu: "ReLU", torch.relu: "ReLU", torch.sigmoid: "sigmoid", torch.tanh: "tanh"}


def _tensor_shape(node: fx.Node) -> tuple[int, ...] | None:
    meta = node.meta.get("tensor_meta")
    shape = getattr(meta, "shape", None)
    return tuple(int(d) for d in shape) if shape is not None else None


def _function_kind_and_label(node: fx.Node, shapes: Mapping[str, tuple[int, ...]]) -> tuple[str, str]:
    target = node.target
    if target in _CAT_TARGETS:
        channels = [shapes[n.name][1] for n in node.all_input_nodes if n.name in shapes]
        total = _tensor_shape(node)
        sums = " + ".join(map(str, channels)) + (f" = {total[1]}" if total else "")
        return "concat", say("concatenate along channels: {sums}", sums=sums)
    if target in _ADD_TARGETS or node.target in ("add", "add_"):
        return "add", say("+ (add)")
    if target in _FUNCTION_ACTIVATIONS:
        return "activation", _FUNCTION_ACTIVATIONS[target]  # type: ignore[index]
    if node.op == "call_method" and target in ("relu", "sigmoid", "tanh"):
        return "activation", "ReLU" if target == "relu" else str(target)
    return "op", getattr(target, "__name__", str(target))


def _traced(block: nn.Module, shape: tuple[int, ...]) -> fx.GraphModule:
    """``block``'s fx graph with the shape of every tensor (lazy layers built first)."""
    zero = torch.zeros(shape, device=_device(block))
    try:
        with evaluating(block):
            block(zero)  # lazy layers get their parameters; a refused shape is refused here
    except (RuntimeError, ValueError, TypeError) as error:
        raise _refused(block, shape, error) from error
    try:
        graph_module = fx.GraphModule(block, _ReceptiveFieldTracer().trace(block))
    except Exception as error:  # fx raises many kinds (TraceError, TypeError, ...)
        raise ValueError(
            f"block_graph could not trace {type(block).__name__} with torch.fx ({type(error).__name__}: "
            f"{error}): draw a block whose forward has no data-dependent Python, or use architecture_figure"
        ) from error
    with evaluating(block):
        ShapeProp(graph_module).propagate(zero)
    return graph_module


def block_graph(block: nn.Module, X_shape: Sequence[int]) -> BlockGraph:
    """The dataflow graph of ``block``'s ``forward``, traced with ``torch.fx``.

    Layers (``call_module`` nodes) become nodes labelled like :func:`architecture_boxes`;
    ``torch.cat``, additions and ``F.relu`` calls become ``concat``, ``add`` and
    ``activation`` nodes; calls that give no tensor (an input check) are left out. Shapes
    come from ``ShapeProp`` on a zero batch of ``X_shape`` (evaluation mode, no grad).

    >>> from course_utils.models import Residual
    >>> g = block_graph(Residual(8, use_1x1conv=True, strides=2), (1, 3, 16, 16))
    >>> [(n.name, n.inputs) for n in g.of_kind("add")], g.nodes[-1].shape
    ([('add', ('bn2', 'conv3'))], (1, 8, 8, 8))
    """
    block = _check_module(block, "block")
    shape = validate.shape(X_shape, "X_shape")
    graph_module = _traced(block, shape)
    modules = dict(block.named_modules())
    shapes: dict[str, tuple[int, ...]] = {}
    kept: dict[str, GraphNode] = {}
    sources: dict[str, tuple[str, ...]] = {}  # a dropped node passes on its own inputs

    def inputs_of(node: fx.Node) -> tuple[str, ...]:
        names: list[str] = []
        for parent in node.all_input_nodes:
            for name in (parent.name,) if parent.name in kept else sources.get(parent.name, ()):
                if name not in names:
                    names.append(name)
        return tuple(names)

    for node in graph_module.graph.nodes:
        tensor_shape = _tensor_shape(node)
        if node.op == "output":
            first = node.all_input_nodes[0]
            kind, label, tensor_shape = "output", say("output"), shapes.get(first.name, ())
        elif tensor_shape is None or node.op == "get_attr":
            sources[node.name] = inputs_of(node)
            continue
        elif node.op == "placeholder":
            kind, label = "input", say("input")
        elif node.op == "call_module":
            kind, label = _leaf_or_block(modules[str(node.target)])
        else:
            kind, label = _function_kind_and_label(node, shapes)
        shapes[node.name] = tensor_shape
        kept[node.name] = GraphNode(node.name, kind, label, tensor_shape, inputs_of(node))
    return BlockGraph(tuple(kept.values()))


def _leaf_or_block(module: nn.Module) -> tuple[str, str]:
    if isinstance(module, _BLOCK_MODULES):
        return "block", _block_label(module)[0]
    return _leaf_kind_and_label(module)


# ---------------------------------------------------------------------------------------------
# Drawing a block's graph: levels by longest path, columns by branch
# ---------------------------------------------------------------------------------------------

_COLUMN = 2.05  # inches between two branch columns
_LEVEL = 0.78  # inches between two levels
_NODE_HEIGHT = 0.38
_MAX_NODE_WIDTH = 2.0  # inches; a wider label goes on two lines


def _levels(graph: BlockGraph) -> dict[str, int]:
    """Longest-path depth of every node from the input."""
    level: dict[str, int] = {}
    for node in graph.nodes:  # execution order is a topological order
        level[node.name] = 1 + max((level[name] for name in node.inputs), default=-1)
    return level


def _columns(graph: BlockGraph) -> tuple[dict[str, float], dict[tuple[str, str], float]]:
    """Column of every node and lane of every edge (in column units).

    At a fork, the successors are spread around the parent's column in execution order; a
    node reading several inputs (a merge) sits at the mean of the lanes that reach it.
    """
    users: dict[str, list[str]] = {node.name: [] for node in graph.nodes}
    for source, target in graph.edges:
        users[source].append(target)
    column: dict[str, float] = {}
    lane: dict[tuple[str, str], float] = {}
    for node in graph.nodes:
        if not node.inputs:
            column[node.name] = 0.0
        elif len(node.inputs) == 1:
            column[node.name] = lane[(node.inputs[0], node.name)]
        else:
            column[node.name] = sum(lane[(source, node.name)] for source in node.inputs) / len(node.inputs)
        successors = users[node.name]
        for index, target in enumerate(successors):
            offset = index - (len(successors) - 1) / 2 if len(successors) > 1 else 0.0
            lane[(node.name, target)] = column[node.name] + offset
    return column, lane


def _node_text(node: GraphNode) -> str:
    """The node's label; a long one on two lines, at its colon or at the comma nearest its middle."""
    label = node.label
    if _text_length(label) * _CHAR + 0.3 <= _MAX_NODE_WIDTH:
        return label
    separator = ": " if ": " in label else ", "
    cuts = [i for i in range(len(label)) if label.startswith(separator, i)]
    if not cuts:
        return label
    cut = min(cuts, key=lambda i: abs(2 * _text_length(label[:i]) - _text_length(label)))
    return f"{label[: cut + 1]}\n{label[cut + 2 :]}"


def _node_width(node: GraphNode) -> float:
    longest = max(_text_length(line) for line in _node_text(node).splitlines())
    return max(longest * _CHAR + 0.3, 1.0)


def _node_height(node: GraphNode) -> float:
    return _NODE_HEIGHT + _LINE * (_node_text(node).count("\n"))


@dataclass(frozen=True)
class _Placed:
    """Where a block's graph is drawn: the centre of every node and the x of every edge's lane, in inches."""

    graph: BlockGraph
    x: Mapping[str, float]
    y: Mapping[str, float]
    lane: Mapping[tuple[str, str], float]

    def top(self, name: str) -> float:
        return self.y[name] - _node_height(self.graph.node(name)) / 2

    def bottom(self, name: str) -> float:
        return self.y[name] + _node_height(self.graph.node(name)) / 2


def _place(graph: BlockGraph) -> tuple[_Placed, float, float]:
    """Node centres by level (rows) and branch (columns); the canvas width and height."""
    level = _levels(graph)
    column, lane = _columns(graph)
    spots = [*column.values(), *lane.values()]
    low, high = min(spots), max(spots)
    width = max((high - low) * _COLUMN + 3.1, 4.0)  # the outer boxes, and a shape beside the last
    height = _TITLE_SPACE + max(level.values()) * _LEVEL + _NODE_HEIGHT + 0.75
    left = (width - (high - low) * _COLUMN) / 2 - low * _COLUMN
    placed = _Placed(
        graph,
        x={name: left + col * _COLUMN for name, col in column.items()},
        y={name: _TITLE_SPACE + 0.15 + _NODE_HEIGHT / 2 + lvl * _LEVEL for name, lvl in level.items()},
        lane={edge: left + col * _COLUMN for edge, col in lane.items()},
    )
    return placed, width, height


def block_figure(block: nn.Module, X_shape: Sequence[int], *, title: str | None = None) -> Figure:
    """The graph of :func:`block_graph` drawn top to bottom, parallel branches in columns.

    Nodes sit on levels by their longest path from the input; each branch of a fork gets
    its own column, and a skip path runs down its own lane, labelled ``identity`` when it
    carries the input unchanged and ``shortcut`` when it goes through layers (a 1×1
    convolution). The shape of each node's output is written beside the arrows that leave it.
    """
    title = _check_title(title)
    graph = block_graph(block, X_shape)
    placed, width, height = _place(graph)
    fig, ax = _canvas(width, height)
    ax.text(width / 2, _TITLE_SPACE / 2, title if title is not None else type(block).__name__,
            ha="center", va="center", fontsize=11, fontweight="bold")
    for node in graph.nodes:
        _draw_node(ax, placed, node)
    for edge in graph.edges:
        _draw_edge(ax, placed, edge)
    return fig


def _draw_node(ax: Axes, placed: _Placed, node: GraphNode) -> None:
    """The node's box and label, and its output shape: under it, or beside it where arrows fan out."""
    x, width, height = placed.x[node.name], _node_width(node), _node_height(node)
    ax.add_patch(
        FancyBboxPatch(
            (x - width / 2, placed.top(node.name)), width, height,
            boxstyle="round,pad=0,rounding_size=0.08",
            facecolor=_KIND_COLORS.get(node.kind, _KIND_COLORS["other"]),
            edgecolor="#333333", linewidth=1.0, zorder=2,
        )
    )  # fmt: skip
    ax.text(x, placed.y[node.name], _node_text(node), ha="center", va="center", fontsize=_DETAIL_SIZE,
            fontweight="bold" if node.kind in ("concat", "add", "input", "output") else "normal", zorder=3)
    if node.kind == "output":
        return
    if sum(source == node.name for source, _ in placed.graph.edges) > 1:
        position = (x + width / 2 + 0.08, placed.y[node.name])
    else:
        position = (x + 0.08, placed.bottom(node.name) + 0.13)
    ax.text(*position, _shape_text(node.shape), ha="left", va="center", fontsize=_DETAIL_SIZE, color=_SHAPE_COLOR)


def _draw_edge(ax: Axes, placed: _Placed, edge: tuple[str, str]) -> None:
    """Down from the source, along the edge's lane, into the target (within its box, near the lane)."""
    source, target = edge
    x_lane = placed.lane[edge]
    start = (placed.x[source], placed.bottom(source))
    half = _node_width(placed.graph.node(target)) / 2 - 0.15
    end = (min(max(x_lane, placed.x[target] - half), placed.x[target] + half), placed.top(target))
    points = [start]
    if x_lane != start[0] or x_lane != end[0]:
        points += [(x_lane, start[1] + 0.25), (x_lane, end[1] - 0.2)]
    xs, ys = zip(*points)
    ax.plot(xs, ys, color=_EDGE_COLOR, linewidth=1.1, zorder=1)
    _draw_arrow(ax, points[-1], end)
    merge = placed.graph.node(target)
    if merge.kind == "add" and len(merge.inputs) > 1 and source == merge.inputs[-1]:  # the skip path
        words = say("identity" if placed.graph.node(source).kind == "input" else "shortcut")
        middle = (points[-1][1] + points[min(1, len(points) - 1)][1]) / 2
        ax.text(x_lane + 0.08, middle, words, ha="left", va="center",
                fontsize=_DETAIL_SIZE, style="italic", color=_SHAPE_COLOR)
