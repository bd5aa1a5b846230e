"""Receptive fields to point at (D2L 7.2.6, 7.6, chapter 8).

* :class:`ReceptiveFieldExplorer`: the book's figure, a stack of two convolutions. Point at an
  output cell: its window on the hidden map lights up, and through that map its whole
  receptive field on the input, with every value computed by ``F.conv2d``.
* :class:`LayerFieldExplorer`: the receptive field of every convolution and pooling layer of
  any model (LeNet, AlexNet, VGG, NiN, GoogLeNet, ResNet, a model of your own), drawn on a
  real image. The layers and their fields come from :mod:`course_utils.fields` (traced with
  ``torch.fx``, Inception's branches and residual shortcuts included), the output size of each
  layer from one run of the model on the image.

Both are :class:`~course_utils.explorers._widget.Explorer` widgets: ``explorer.set(...)`` moves
the controls from Python and ``explorer.state`` is the scene shown.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from course_utils import validate
from course_utils.explorers._inputs import grey_images, model_input
from course_utils.explorers._widget import Explorer
from course_utils.explorers.scene import Control, Grid, Link, Scene
from course_utils.fields import field_output_shapes, layer_specs, receptive_fields
from course_utils.language import say
from course_utils.shapes import LayerSpec, ReceptiveField, conv_formula_text, conv_output_shape, window_taps

__all__ = ["ReceptiveFieldExplorer", "LayerFieldExplorer"]


def _by(pair: Sequence[int]) -> str:
    """``(5, 7) -> '5×7'``: a size as the explorers write it."""
    return f"{pair[0]}×{pair[1]}"


def _number(value: int) -> str:
    """An integer with a true minus sign: ``-2 -> '−2'``."""
    return f"−{-value}" if value < 0 else f"{value}"


def _span(first: int, last: int) -> str:
    """``(2, 5) -> '2–5'``, ``(-2, 13) -> '−2 to 13'``; one number when first and last agree."""
    if first == last:
        return _number(first)
    if first >= 0:
        return f"{_number(first)}–{_number(last)}"
    return say("{first} to {last}", first=_number(first), last=_number(last))


def _int_or(values: Mapping[str, Any], name: str, default: int) -> int:
    """``values[name]`` when it is a whole number, else ``default`` (controls are built before the values are
    checked; the check then names the bad value)."""
    value = values.get(name, default)
    return int(value) if validate.is_int(value) else default


def _clamp(value: int, top: int) -> int:
    return min(max(value, 0), max(top, 0))


# ============================================================================ 7.2: two convolutions

# Slider limits: small enough that every value fits in its cell.
_STACK_LIMITS = {"input_size": (2, 10), "kernel1": (1, 5), "kernel2": (1, 5), "stride1": (1, 3)}
_STACK_DEFAULTS = {"input_size": 3, "kernel1": 2, "kernel2": 2, "stride1": 1}


@dataclass(frozen=True)
class _Stack:
    """Sizes of the two-layer stack; ``hidden``/``output`` are None when that layer does not fit."""

    n: int  # input side
    k1: int  # kernel of layer 1
    k2: int  # kernel of layer 2
    s1: int  # stride of layer 1
    hidden: int | None
    output: int | None
    failed: int  # the layer that does not fit (1 or 2); 0 when both fit
    error: str  # why it does not fit, with the numbers; "" when both fit

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> _Stack:
        n, k1, k2, s1 = (_int_or(values, name, default) for name, default in _STACK_DEFAULTS.items())
        try:
            hidden: int | None = conv_output_shape(n, k1, stride=s1)[0]
        except ValueError:
            return cls(n, k1, k2, s1, None, None, 1,
                       say("layer 1: kernel {k}×{k} is larger than the {n}×{n} input: use a larger input or a smaller "
                           "kernel 1", k=k1, n=n))
        try:
            output: int | None = conv_output_shape(hidden, k2)[0]
        except ValueError:
            formula = conv_formula_text(n, k1, stride=s1, name=say("hidden side"))
            remedy = (say("a larger input, smaller kernels or a smaller stride") if s1 > 1
                      else say("a larger input, smaller kernels"))
            return cls(n, k1, k2, s1, hidden, None, 2,
                       say("layer 2: kernel {k}×{k} is larger than the {side}×{side} hidden map ({formula}): use "
                           "{remedy}", k=k2, side=hidden, formula=formula, remedy=remedy))
        return cls(n, k1, k2, s1, hidden, output, 0, "")


def _first_kernel(k: int) -> torch.Tensor:
    """Layer 1's kernel: 0, 1, 2, ... row by row (the book's 2×2 kernel 0 1 2 3), and 1 for a 1×1 kernel."""
    if k == 1:
        return torch.ones(1, 1, 1, 1, dtype=torch.float64)
    return torch.arange(k * k, dtype=torch.float64).reshape(1, 1, k, k)


def _numbers(tensor: torch.Tensor) -> list[float]:
    """Row-major values of a 1 x 1 x H x W tensor of whole numbers, as ints for the cells."""
    return [int(round(v)) for v in tensor.flatten().tolist()]


def _window_link(source: str, target: str, weights: str, out_side: int, in_side: int, k: int,
                 stride: int) -> Link:
    """Each target cell reads its k×k window of the source (``shapes.window_taps``), tap ``a·k + b``
    multiplying source cell ``row·in_side + col``."""
    reads, taps = [], []
    for i in range(out_side):
        rows = window_taps(i, k, stride=stride)
        for j in range(out_side):
            cols = window_taps(j, k, stride=stride)
            reads.append([r * in_side + c for r in rows for c in cols])
            taps.append([a * k + b for a in range(k) for b in range(k)])
    return Link(source=source, target=target, reads=reads, op="sum", weights=weights, taps=taps)


def _input_kinds(n: int, k: int, stride: int, windows: int) -> list[str]:
    """Input cells no window of layer 1 reads: "unread" between windows, "dropped" past the last one."""
    read = {r for i in range(windows) for r in window_taps(i, k, stride=stride)}
    last = max(read)

    def kind(index: int) -> str:
        return "" if index in read else ("dropped" if index > last else "unread")

    axis = [kind(index) for index in range(n)]
    kinds = []
    for r in range(n):
        for c in range(n):
            pair = (axis[r], axis[c])
            kinds.append("dropped" if "dropped" in pair else ("unread" if "unread" in pair else ""))
    return kinds


class ReceptiveFieldExplorer(Explorer):
    """Receptive field of a stack of two convolutions (D2L 7.2.6, the book's Fig. 7.2.1 stacked twice).

    The input holds 0, 1, 2, ... row by row; layer 1's kernel holds 0, 1, 2, ... (the book's
    2×2 kernel 0 1 2 3), layer 2's kernel is all ones, so an output is the sum of its hidden
    window. The hidden map and the output are ``F.conv2d``'s. Pointing at an output cell
    lights its window on the hidden map and, through it, its receptive field on the input.
    The defaults are the book's: a 3×3 input, two 2×2 kernels, one output that sees all nine
    input pixels.

    Controls: ``input_size``, ``kernel1``, ``stride1``, ``kernel2`` and the output cell
    ``row``, ``col``. ``kernel_sizes=(k1, k2)`` sets both kernels at once.

    >>> explorer = ReceptiveFieldExplorer()
    >>> explorer.state.summary
    'output 1×1, receptive field 3×3'
    >>> explorer.state.grid("hidden").values, explorer.state.grid("output").values
    ([19, 25, 37, 43], [124])
    """

    def __init__(
        self,
        input_size: int = 3,
        kernel1: int = 2,
        kernel2: int = 2,
        stride1: int = 1,
        row: int = 0,
        col: int = 0,
        *,
        kernel_sizes: Sequence[int] | None = None,
    ) -> None:
        if kernel_sizes is not None:
            if (isinstance(kernel_sizes, (str, bytes)) or not isinstance(kernel_sizes, Sequence)
                    or len(kernel_sizes) != 2):
                raise TypeError(f"kernel_sizes must be a pair (kernel1, kernel2), got {kernel_sizes!r}: "
                                "e.g. kernel_sizes=(2, 2)")
            if (kernel1, kernel2) != (2, 2):
                raise ValueError(f"give the kernels once: kernel_sizes={tuple(kernel_sizes)!r} or "
                                 f"kernel1={kernel1!r}, kernel2={kernel2!r}, not both")
            kernel1, kernel2 = kernel_sizes
        values = {"input_size": input_size, "kernel1": kernel1, "kernel2": kernel2, "stride1": stride1}
        for name, value in values.items():
            validate.positive_int(value, name, example=_STACK_DEFAULTS[name])
        validate.nonnegative_int(row, "row", example=0)
        validate.nonnegative_int(col, "col", example=0)
        super().__init__(**values, row=row, col=col)

    def _controls(self, values: Mapping[str, Any]) -> list[Control]:
        stack = _Stack.of(values)
        sizes = [("input_size", say("input size"), say("input")), ("kernel1", say("layer 1 kernel"), say("layer 1")),
                 ("stride1", say("layer 1 stride"), say("layer 1")), ("kernel2", say("layer 2 kernel"), say("layer 2"))]
        controls = [
            Control(name, label, "int", _STACK_DEFAULTS[name], min=_STACK_LIMITS[name][0],
                    max=_STACK_LIMITS[name][1], step=1, group=group)
            for name, label, group in sizes
        ]
        side = stack.output or 0
        if stack.output is None:
            note = say("no output: layer {layer} does not fit", layer=stack.failed)
        else:
            note = say("the output is a single cell") if side == 1 else ""
        for name, label in (("row", say("output row")), ("col", say("output column"))):
            controls.append(Control(name, label, "int", 0, min=0, max=max(side - 1, 0), step=1,
                                    disabled=side <= 1, note=note, group=say("output cell")))
        return controls

    def _normalise(self, values: dict[str, Any]) -> dict[str, Any]:
        side = _Stack.of(values).output or 0
        for name in ("row", "col"):
            if name in values:
                values[name] = _clamp(_int_or(values, name, 0), side - 1)
        return values

    def _compute(self, values: Mapping[str, Any]) -> Scene:
        stack = _Stack.of(values)
        n, k1, k2, s1 = stack.n, stack.k1, stack.k2, stack.s1
        X = torch.arange(n * n, dtype=torch.float64).reshape(1, 1, n, n)  # N x C x H x W
        K1, K2 = _first_kernel(k1), torch.ones(1, 1, k2, k2, dtype=torch.float64)
        grids = [Grid("input", say("input {rows}×{cols}", rows=n, cols=n), n, n, _numbers(X), show_values=True,
                      panel="input")]
        steps = [say("input {rows}×{cols}", rows=n, cols=n),
                 say("conv {k}×{k}, stride {stride}", k=k1, stride=s1) if s1 != 1 else say("conv {k}×{k}", k=k1)]
        if stack.hidden is None:
            return self._impossible(stack, steps, grids, [])
        h = stack.hidden
        hidden = F.conv2d(X, K1, stride=s1)  # 1 x 1 x h x h
        grids[0].kinds = _input_kinds(n, k1, s1, h)
        grids += [Grid("kernel1", say("kernel 1 ({k}×{k})", k=k1), k1, k1, _numbers(K1), show_values=True,
                       panel="layer 1"),
                  Grid("hidden", say("hidden {side}×{side}", side=h), h, h, _numbers(hidden), show_values=True,
                       panel="layer 1")]
        links = [_window_link("input", "hidden", "kernel1", h, n, k1, s1)]
        steps += [say("hidden {side}×{side}", side=h), say("conv {k}×{k}", k=k2)]
        if stack.output is None:
            return self._impossible(stack, steps, grids, links)
        o = stack.output
        output = F.conv2d(hidden, K2)  # 1 x 1 x o x o
        grids += [Grid("kernel2", say("kernel 2 ({k}×{k})", k=k2), k2, k2, _numbers(K2), show_values=True,
                       panel="layer 2"),
                  Grid("output", say("output {rows}×{cols}", rows=o, cols=o), o, o, _numbers(output),
                       show_values=True, panel="layer 2")]
        links.insert(0, _window_link("hidden", "output", "kernel2", o, h, k2, 1))
        steps.append(say("output {rows}×{cols}", rows=o, cols=o))
        i, j = int(values["row"]), int(values["col"])
        return Scene(
            text=self._text(stack, i, j, int(output[0, 0, i, j].item()), steps),
            summary=say("output {out}, receptive field {field}", out=f"{o}×{o}", field=_by(self._field(stack).size)),
            grids=grids, links=links, sweep="output", selected=["output", i * o + j],
        )

    @staticmethod
    def _impossible(stack: _Stack, steps: list[str], grids: list[Grid], links: list[Link]) -> Scene:
        """What fits of the stack, and why the rest does not."""
        return Scene(text=html.escape(" → ".join([*steps, say("no output")])), summary=stack.error,
                     grids=grids, links=links, error=stack.error)

    @staticmethod
    def _field(stack: _Stack) -> ReceptiveField:
        layers = [LayerSpec("conv", stack.k1, stride=stack.s1, name="conv1"), LayerSpec("conv", stack.k2, name="conv2")]
        return receptive_fields(layers)[-1]

    def _text(self, stack: _Stack, i: int, j: int, value: int, steps: list[str]) -> str:
        n, k1, k2, s1 = stack.n, stack.k1, stack.k2, stack.s1
        field = self._field(stack)
        side = field.size[0]
        (top, bottom), (left, right) = field.input_region(i, j, input_size=n)
        rows, cols = window_taps(i, k2), window_taps(j, k2)
        if s1 == 1:
            formula = f"k1 + k2 − 1 = {k1} + {k2} − 1 = {side}"
        else:
            formula = f"k1 + (k2 − 1)·s1 = {k1} + ({k2} − 1)·{s1} = {side}"
        lines = [
            " → ".join(steps),
            say("Output cell ({i}, {j}) = {value} reads hidden rows {rows}, columns {cols} (its {k2}×{k2} window); "
                "each of those cells reads a {k1}×{k1} window of the input, so the output cell sees input rows "
                "{top_bottom}, columns {left_right}: a receptive field of {side}×{side} pixels.", i=i, j=j,
                value=value, rows=_span(rows[0], rows[-1]), cols=_span(cols[0], cols[-1]), k2=k2, k1=k1,
                top_bottom=_span(top, bottom), left_right=_span(left, right), side=side),
            say("Field side = {formula}.", formula=formula),
        ]
        if side > k1:
            lines.append(say("That is larger than the {k}×{k} window one layer reads: every layer added lets an output "
                             "see more of the input.", k=k1))
        else:
            lines.append(say("A 1×1 second layer adds nothing: the field stays the {k}×{k} window of layer 1.", k=k1))
        if s1 > k1:
            lines.append(say("With stride {stride} larger than kernel {k}, some input pixels lie between the windows "
                             "(shaded): no output reads them, although they lie inside the {side}×{side} span.",
                             stride=s1, k=k1, side=side))
        if field.input_region(i, j) == ((0, n - 1), (0, n - 1)):
            lines.append(say("Here the field is the whole {n}×{n} input.", n=n))
        escaped = [html.escape(line) for line in lines]
        escaped[2] = f"<b>{escaped[2]}</b>"
        return "<br>".join(escaped)


# ============================================================================ 7.6 and chapter 8: any model


@dataclass(frozen=True)
class _Layer:
    """One conv/pool layer of the model: the value of the ``layer`` control, its label, field, geometry, output."""

    value: str  # the qualified module name ("net.b3.0.branch3x3"), or the fx node name of a call
    label: str  # e.g. "net.b3.0.branch3x3 (conv 3×3)"
    field: ReceptiveField
    spec: LayerSpec
    channels: int
    shape: tuple[int, int]  # height and width of its output


def _pair_text(pair: Any) -> str:
    """``(2, 2) -> '2'``, ``(2, 1) -> '2×1'``."""
    return f"{pair[0]}" if pair[0] == pair[1] else _by(pair)


def _label(name: str, spec: LayerSpec) -> str:
    """``"net.b1.0 (conv 7×7, stride 2)"``: the layer's name and what it is."""
    size = _by(spec.kernel_size)  # type: ignore[arg-type]
    what = say("conv {size}", size=size) if spec.kind == "conv" else say("pool {size}", size=size)
    if spec.stride != (1, 1):
        what += say(", stride {stride}", stride=_pair_text(spec.stride))
    if spec.dilation != (1, 1):
        what += say(", dilation {dilation}", dilation=_pair_text(spec.dilation))
    return f"{name} ({what})"


_TRACE_REMEDY = "; pass a list of LayerSpec instead"


def _model_layers(model: nn.Module, image: torch.Tensor) -> list[_Layer]:
    """The conv/pool layers of ``model`` whose output is a map (N x C x H x W) for ``image``."""
    name = type(model).__name__
    try:
        fields, specs = receptive_fields(model), layer_specs(model)
    except ValueError as error:
        reason = str(error).replace(_TRACE_REMEDY, "")
        raise ValueError(
            f"LayerFieldExplorer cannot follow the layers of {name}: {reason}. It follows models of "
            "convolutions, poolings and element-wise layers whose forward torch.fx can trace "
            "(no Python if or for on the values of a tensor)"
        ) from error
    try:
        shapes = field_output_shapes(model, model_input(model, image[None, None])) if fields else []
    except ValueError as error:
        raise ValueError(f"{error}; LayerFieldExplorer runs the model once on the image as a batch "
                         "1 x 1 x H x W (resize=SIDE resizes the image first)") from error
    layers: list[_Layer] = []
    seen: dict[str, int] = {}
    for field, spec, shape in zip(fields, specs, shapes):
        if len(shape) != 4:
            continue
        base = field.name or name  # a single layer has no qualified name
        seen[base] = seen.get(base, 0) + 1
        value = base if seen[base] == 1 else f"{base} (call {seen[base]})"
        layers.append(_Layer(value, _label(value, spec), field, spec, int(shape[1]), (int(shape[2]), int(shape[3]))))
    if not layers:
        raise ValueError(f"{name} has no convolution or pooling layer whose output is a map of the image "
                         "(N x C x H x W): the explorer shows the receptive fields of such layers")
    return layers


def _input_size(model: nn.Module, size: tuple[int, int], resize: int | None) -> tuple[tuple[int, int], str]:
    """The size the model sees and the sentence that says why it differs from ``size`` ("" when it does not)."""
    if resize is not None:
        wanted = (resize, resize)
        return wanted, "" if wanted == size else say("The {size} image is resized to {wanted} (resize={resize}).",
                                                     size=_by(size), wanted=_by(wanted), resize=resize)
    smallest = getattr(model, "min_input_size", None)
    if validate.is_int(smallest) and min(size) < smallest:
        wanted = (max(size[0], int(smallest)), max(size[1], int(smallest)))
        return wanted, say("{model} needs images of at least {side}×{side} pixels: the {size} image is resized to "
                           "{wanted}.", model=type(model).__name__, side=smallest, size=_by(size), wanted=_by(wanted))
    return size, ""


class LayerFieldExplorer(Explorer):
    """Receptive fields of every convolution and pooling layer of a model, on an image (D2L 7.2.6, 7.6, 8.x).

    ``model`` is any ``nn.Module`` that ``torch.fx`` can trace: the course's LeNet, AlexNet,
    VGG, NiN, GoogLeNet (each Inception branch is a layer), ResNet (the 1x1 shortcut too), or
    a model of your own. ``image`` is one grey image, ``(H, W)`` or ``(1, H, W)`` of
    floating-point pixels; the model runs once on it to give each layer's output size.
    A model that needs larger images (``model.min_input_size``, e.g. AlexNet's 65) gets the
    image resized (bilinear, as ``FashionMNIST(resize=...)`` does), and the text says so;
    ``resize=SIDE`` resizes it to SIDE×SIDE first (e.g. the size the model was trained on).

    Controls: ``layer`` (by its qualified name, e.g. ``"net.b3.0.branch3x3"``; the first layer
    when None) and the cell ``row``, ``col`` of that layer's output (brought back into range
    when the layer changes). Pointing at a cell draws its field on the image, dashed where it
    lies beyond the image, in the padding; a layer whose field is larger than the image is
    flagged.
    """

    def __init__(
        self,
        model: nn.Module,
        image: torch.Tensor,
        layer: str | None = None,
        row: int = 0,
        col: int = 0,
        *,
        resize: int | None = None,
    ) -> None:
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be an nn.Module (e.g. LeNet() or a model of your own), "
                            f"got {type(model).__name__}")
        picture = grey_images(image, "image")
        if resize is not None:
            resize = validate.positive_int(resize, "resize", example=28)
        original = (int(picture.shape[0]), int(picture.shape[1]))
        size, self._resize_note = _input_size(model, original, resize)
        self._original_size = original
        if size != original:
            picture = F.interpolate(picture[None, None], size=size, mode="bilinear", antialias=True,
                                    align_corners=False)[0, 0]
        self._image = picture
        self._pixels = [round(v, 4) for v in picture.flatten().tolist()]  # the image grid's values
        self._layers = _model_layers(model, picture)
        self._by_value = {layer_.value: layer_ for layer_ in self._layers}
        self._network_name = type(model).__name__
        if layer is None:
            layer = self._layers[0].value
        elif not isinstance(layer, str):
            raise TypeError(f"layer must be the name of a layer, e.g. layer={self._layers[-1].value!r}, "
                            f"got {layer!r} ({type(layer).__name__})")
        validate.nonnegative_int(row, "row", example=0)
        validate.nonnegative_int(col, "col", example=0)
        super().__init__(layer=layer, row=row, col=col)

    # -- Python API ------------------------------------------------------------------
    @property
    def layer_names(self) -> list[str]:
        """The values the ``layer`` control takes, in the order the layers run."""
        return [layer.value for layer in self._layers]

    @property
    def image(self) -> torch.Tensor:
        """The image the model sees (H x W, after any resize)."""
        return self._image.clone()

    # -- the explorer ----------------------------------------------------------------
    def _layer(self, values: Mapping[str, Any]) -> _Layer:
        value = values.get("layer")
        return self._by_value.get(value, self._layers[0]) if isinstance(value, str) else self._layers[0]

    def _controls(self, values: Mapping[str, Any]) -> list[Control]:
        layer = self._layer(values)
        h, w = layer.shape
        options = [[layer_.label, layer_.value] for layer_ in self._layers]
        return [
            Control("layer", say("layer"), "choice", self._layers[0].value, options=options, group=say("layer")),
            Control("row", say("output row"), "int", 0, min=0, max=h - 1, step=1, disabled=h == 1,
                    note=say("{layer} has one row", layer=layer.value) if h == 1 else "", group=say("cell")),
            Control("col", say("output column"), "int", 0, min=0, max=w - 1, step=1, disabled=w == 1,
                    note=say("{layer} has one column", layer=layer.value) if w == 1 else "", group=say("cell")),
        ]

    def _normalise(self, values: dict[str, Any]) -> dict[str, Any]:
        h, w = self._layer(values).shape
        for name, top in (("row", h - 1), ("col", w - 1)):
            if name in values:
                values[name] = _clamp(_int_or(values, name, 0), top)
        return values

    def _compute(self, values: Mapping[str, Any]) -> Scene:
        layer = self._layer(values)
        field, (h, w) = layer.field, layer.shape
        H, W = int(self._image.shape[0]), int(self._image.shape[1])
        i, j = int(values["row"]), int(values["col"])
        rows = [field.input_region(r, 0)[0] for r in range(h)]
        cols = [field.input_region(0, c)[1] for c in range(w)]
        rects = [[top, left, bottom, right] for top, bottom in rows for left, right in cols]
        larger = field.size[0] > H or field.size[1] > W
        size = _by(field.size)
        note = (say("field {size} is larger than the {image} image", size=size, image=f"{H}×{W}") if larger
                else say("field {size}", size=size))
        image_note = say("resized from {size}", size=_by(self._original_size)) if self._resize_note else ""
        grids = [
            Grid("image", say("image {rows}×{cols}", rows=H, cols=W), H, W, list(self._pixels), shade="grey",
                 note=image_note),
            Grid("layer", say("{layer}: output {rows}×{cols}", layer=layer.label, rows=h, cols=w), h, w, note=note,
                 flagged=larger),
        ]
        link = Link(source="image", target="layer", op="field", rects=rects)
        return Scene(
            text=self._text(layer, i, j, (H, W), larger),
            summary=say("layer {layer}: output {out}, receptive field {field}", layer=layer.value, out=f"{h}×{w}",
                        field=size),
            grids=grids, links=[link], sweep="layer", selected=["layer", i * w + j],
        )

    def _text(self, layer: _Layer, i: int, j: int, image_size: tuple[int, int], larger: bool) -> str:
        field, (h, w) = layer.field, layer.shape
        H, W = image_size
        jump = _pair_text(field.jump)
        (top, bottom), (left, right) = field.input_region(i, j)
        (ctop, cbottom), (cleft, cright) = field.input_region(i, j, input_size=image_size)
        fields = dict(layer=html.escape(layer.label), network=html.escape(self._network_name), out=f"{h}×{w}",
                      channels=layer.channels, jump=html.escape(jump))
        lines = [
            say("<b>{layer}</b> in {network}: output {out} ({channels} channels); one step on this map moves {jump} "
                "input pixel.", **fields) if field.jump == (1, 1) else
            say("<b>{layer}</b> in {network}: output {out} ({channels} channels); one step on this map moves {jump} "
                "input pixels.", **fields),
        ]
        where = say("rows {rows}, columns {cols}", rows=_span(top, bottom), cols=_span(left, right))
        if ctop > cbottom or cleft > cright:
            seen = say("lies wholly in the padding, outside the image")
        else:
            seen = say("covers rows {rows}, columns {cols} of the image", rows=_span(ctop, cbottom),
                       cols=_span(cleft, cright))
        inside = (top, left, bottom, right) == (ctop, cleft, cbottom, cright)
        cell = dict(i=i, j=j, size=_by(field.size), seen=seen)
        lines.append(say("Cell ({i}, {j}) has a <b>{size} receptive field</b>: it {seen}.", **cell) if inside else
                     say("Cell ({i}, {j}) has a <b>{size} receptive field</b>: it {seen} (its full extent: {where}; "
                         "the rest is padding beyond the image).", **cell, where=where))
        if larger:
            lines.append(say("The field is larger than the {image} image itself: the field of every cell of this layer "
                             "reaches past the image, into the padding.", image=f"{H}×{W}"))
        if self._resize_note:
            lines.append(html.escape(self._resize_note))
        return "<br>".join(lines)
