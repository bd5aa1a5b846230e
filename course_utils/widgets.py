"""Interactive explorers for chapter 7 (the only module that imports ipywidgets).

Each explorer is a thin layer: the numbers come from ``course_utils.shapes`` and
``course_utils.ops``, the pictures from ``course_utils.plotting``. Every explorer
can be driven from Python, with no browser::

    explorer = PaddingStrideExplorer()
    explorer.sliders["padding"].value = 2      # or explorer.set(padding=2, stride=1)
    explorer.output_shape, explorer.formula_text, explorer.message

``explorer.text`` is the ``widgets.HTML`` the student reads (output size, formula
with the numbers substituted, or a message when the combination is impossible);
``explorer.widget`` is the whole view, and a notebook shows it by evaluating
``explorer``. The figure is a PNG in a ``widgets.Image`` that is replaced in place
(no flicker); ``draw=False`` skips it (tests sweep thousands of combinations).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import torch
from torch import nn

from course_utils import plotting
from course_utils.checks import conv_formula_text, pool_formula_text
from course_utils.data import load_sample
from course_utils.ops import pool2d
from course_utils.shapes import LayerSpec, ReceptiveField, conv_output_shape, pool_output_shape, receptive_fields

__all__ = [
    "ParameterCalculator",
    "ReceptiveFieldExplorer",
    "PaddingStrideExplorer",
    "PoolingExplorer",
    "FeatureMapExplorer",
    "LayerFieldExplorer",
]

_SLIDER_LAYOUT = widgets.Layout(width="300px")
_STYLE = {"description_width": "110px"}


def _int_slider(description: str, value: int, low: int, high: int, continuous: bool = True) -> widgets.IntSlider:
    return widgets.IntSlider(
        value=value, min=low, max=high, step=1, description=description,
        continuous_update=continuous, layout=_SLIDER_LAYOUT, style=_STYLE,
    )


def _error(message: str) -> str:
    return f'<span style="color:#b00020"><b>Not possible:</b> {html.escape(message)}</span>'


class _Explorer:
    """Shared machinery: controls in ``sliders``, text in ``text``, figure in ``image``.

    Subclasses implement ``_compute()`` (set the results and return the HTML) and
    ``_figure()`` (return a matplotlib Figure, or None for no picture).
    """

    def __init__(self, sliders: Mapping[str, widgets.ValueWidget], draw: bool = True, columns: int = 3) -> None:
        self.sliders: dict[str, widgets.ValueWidget] = dict(sliders)
        self.draw = draw
        self.message = ""
        self.text = widgets.HTML()
        self.image = widgets.Image(format="png")
        self._busy = False  # True while _update runs: slider changes it makes itself are not re-entered
        self._held = False
        for control in self.sliders.values():
            control.observe(self._on_change, names="value")
        controls = widgets.GridBox(
            list(self.sliders.values()),
            layout=widgets.Layout(grid_template_columns=f"repeat({columns}, 320px)"),
        )
        self.widget = widgets.VBox([controls, self.text, self.image])
        self._update()

    # -- driving from Python -------------------------------------------------
    def set(self, **values: Any) -> None:
        """Set several controls at once and recompute once: ``explorer.set(padding=2, stride=1)``."""
        unknown = sorted(set(values) - set(self.sliders))
        if unknown:
            raise ValueError(f"unknown control(s) {unknown}: this explorer has {sorted(self.sliders)}")
        self._held = True
        try:
            for name, value in values.items():
                self.sliders[name].value = value
        finally:
            self._held = False
        self._update()

    def values(self) -> dict[str, Any]:
        """The current value of every control."""
        return {name: control.value for name, control in self.sliders.items()}

    # -- display ---------------------------------------------------------------
    def summary(self) -> str:
        """One line of plain text: what the explorer shows now (also its text/plain repr)."""
        return f"{type(self).__name__}: {self.message or self._summary()}"

    def _summary(self) -> str:
        return ""

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        widget_bundle = getattr(self.widget, "_repr_mimebundle_", None)
        if widget_bundle is not None:  # ipywidgets 8
            bundle = widget_bundle(**kwargs)
        else:  # ipywidgets 7 (Colab's) displays through _ipython_display_ only; this is the bundle it sends
            view = {"version_major": 2, "version_minor": 0, "model_id": self.widget.model_id}
            bundle = {"application/vnd.jupyter.widget-view+json": view}
        bundle["text/plain"] = self.summary()
        return bundle

    def __repr__(self) -> str:
        return f"<{self.summary()}>"

    # -- internals -------------------------------------------------------------
    def _on_change(self, change: Mapping[str, Any]) -> None:
        if not self._busy and not self._held:
            self._update()

    def _update(self) -> None:
        self._busy = True
        try:
            self.message = ""
            self.text.value = self._compute()
            if self.draw:
                figure = self._figure()
                self.image.value = plotting.figure_to_png(figure) if figure is not None else b""
        finally:
            self._busy = False

    def _compute(self) -> str:
        raise NotImplementedError

    def _figure(self) -> Any:
        return None

    @staticmethod
    def _clamp_cell(row: widgets.IntSlider, col: widgets.IntSlider, shape: tuple[int, int] | None) -> tuple[int, int]:
        """Limit the row/column sliders to the output grid (disabled when there is none)."""
        if shape is None:
            row.disabled = col.disabled = True
            return (0, 0)
        row.disabled = col.disabled = False
        row.max, col.max = shape[0] - 1, shape[1] - 1
        return (row.value, col.value)


# ============================================================================ 7.1
def _human_bytes(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if n < 1000 or unit == "PB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1000
    raise AssertionError("unreachable")


class ParameterCalculator(_Explorer):
    """Parameters of a fully connected layer against a convolution on the same image (D2L 7.1).

    The defaults are the book's example: a one-megapixel image (1000 x 1000, one channel)
    mapped to 10^6 hidden units needs 10^12 weights; a 3x3 convolution needs 9.
    Memory assumes float32 (4 bytes per parameter).
    """

    def __init__(
        self,
        image_side: int = 1000,
        channels: int = 1,
        hidden_units: int = 10**6,
        kernel_size: int = 3,
        out_channels: int = 1,
        draw: bool = False,
    ) -> None:
        def box(description: str, value: int, high: int) -> widgets.BoundedIntText:
            return widgets.BoundedIntText(value=value, min=1, max=high, description=description,
                                          layout=_SLIDER_LAYOUT, style=_STYLE)

        sliders = {
            "image_side": box("image side (px)", image_side, 100_000),
            "channels": box("input channels", channels, 4096),
            "hidden_units": box("hidden units", hidden_units, 10**10),
            "kernel_size": _int_slider("kernel size", kernel_size, 1, 15),
            "out_channels": box("output channels", out_channels, 4096),
        }
        super().__init__(sliders, draw=draw, columns=3)

    def _compute(self) -> str:
        v = self.values()
        side, c_in, hidden, k, c_out = (v[n] for n in ("image_side", "channels", "hidden_units", "kernel_size",
                                                      "out_channels"))
        self.inputs = side * side * c_in
        self.fc_weights = self.inputs * hidden
        self.fc_params = self.fc_weights + hidden
        self.conv_weights = c_out * c_in * k * k
        self.conv_params = self.conv_weights + c_out
        self.fc_bytes = 4 * self.fc_params
        self.conv_bytes = 4 * self.conv_params
        ratio = self.fc_params / self.conv_params
        return (
            "<table>"
            "<tr><th></th><th>weights</th><th>+ biases</th><th>= parameters</th><th>float32 memory</th></tr>"
            f"<tr><td>fully connected: {side}·{side}·{c_in} = {self.inputs:,} inputs → {hidden:,} units</td>"
            f"<td>{self.fc_weights:,}</td><td>{hidden:,}</td><td><b>{self.fc_params:,}</b></td>"
            f"<td>{_human_bytes(self.fc_bytes)}</td></tr>"
            f"<tr><td>convolution: {k}×{k} kernel, {c_in} → {c_out} channels</td>"
            f"<td>{self.conv_weights:,}</td><td>{c_out:,}</td><td><b>{self.conv_params:,}</b></td>"
            f"<td>{_human_bytes(self.conv_bytes)}</td></tr>"
            "</table>"
            f"The convolution has <b>{ratio:,.3g}</b> times fewer parameters, and it does not depend on the "
            "image size at all: the same kernel slides over every position (translation invariance) and "
            f"looks only at a {k}×{k} neighbourhood (locality)."
        )

    def _summary(self) -> str:
        return f"fully connected {self.fc_params:,} parameters, convolution {self.conv_params:,} parameters"


# ============================================================================ 7.2
class ReceptiveFieldExplorer(_Explorer):
    """Receptive field of a two-layer stack of convolutions (D2L 7.2.6, Fig. 7.2.1).

    Pick an output cell of the second layer: the window it reads on the hidden map
    and its whole field on the input are highlighted; the numbers come from
    ``shapes.receptive_fields``. ``input_size=3, kernel_sizes=(2, 2)`` is the book's figure.
    """

    def __init__(self, input_size: int = 3, kernel_sizes: tuple[int, int] = (2, 2), draw: bool = True) -> None:
        sliders = {
            "input_size": _int_slider("input size", input_size, 2, 8),
            "kernel1": _int_slider("kernel 1", kernel_sizes[0], 1, 4),
            "kernel2": _int_slider("kernel 2", kernel_sizes[1], 1, 4),
            "row": _int_slider("output row", 0, 0, 0),
            "col": _int_slider("output column", 0, 0, 0),
        }
        super().__init__(sliders, draw=draw, columns=3)

    def _compute(self) -> str:
        v = self.values()
        n, k1, k2 = v["input_size"], v["kernel1"], v["kernel2"]
        self.hidden_shape = self.output_shape = None
        self.hidden_region = self.input_region = None
        self.field: ReceptiveField | None = None
        try:
            self.hidden_shape = conv_output_shape(n, k1)
            self.output_shape = conv_output_shape(self.hidden_shape, k2)
        except ValueError as error:
            layer = "layer 1" if self.hidden_shape is None else "layer 2 (on the hidden map)"
            self.message = f"{layer}: {error}"
            self._clamp_cell(self.sliders["row"], self.sliders["col"], None)
            return _error(self.message)
        i, j = self._clamp_cell(self.sliders["row"], self.sliders["col"], self.output_shape)
        self.cell = (i, j)
        layers = [LayerSpec("conv", k1, name="conv1"), LayerSpec("conv", k2, name="conv2")]
        self.field = receptive_fields(layers)[-1]
        self.input_region = self.field.input_region(i, j, input_size=n)
        self.hidden_region = receptive_fields(layers[1:])[-1].input_region(i, j)
        (r0, r1), (c0, c1) = self.input_region
        (h0, h1), (g0, g1) = self.hidden_region
        return (
            f"input {n}×{n} → conv {k1}×{k1} → hidden {self.hidden_shape[0]}×{self.hidden_shape[1]} "
            f"→ conv {k2}×{k2} → output {self.output_shape[0]}×{self.output_shape[1]}<br>"
            f"Output cell ({i}, {j}) reads hidden rows {h0}–{h1}, columns {g0}–{g1} ({k2}×{k2}); "
            f"its <b>receptive field</b> on the input is {self.field.size[0]}×{self.field.size[1]}: "
            f"rows {r0}–{r1}, columns {c0}–{c1} = {k1} + {k2} − 1 pixels per side."
        )

    def _summary(self) -> str:
        return (f"output {self.output_shape[0]}×{self.output_shape[1]}, receptive field "
                f"{self.field.size[0]}×{self.field.size[1]}")

    def _figure(self) -> Any:
        n = self.sliders["input_size"].value
        if self.output_shape is None:
            return plotting.plot_field_stack([(n, n)], [None], [f"input {n}×{n}"])
        i, j = self.cell
        (r0, r1), (c0, c1) = self.input_region
        (h0, h1), (g0, g1) = self.hidden_region
        return plotting.plot_field_stack(
            [(n, n), self.hidden_shape, self.output_shape],
            [(r0, c0, r1 - r0 + 1, c1 - c0 + 1), (h0, g0, h1 - h0 + 1, g1 - g0 + 1), (i, j, 1, 1)],
            ["input: receptive field", "hidden map: window read", f"output: cell ({i}, {j})"],
        )


# ============================================================================ 7.3
class PaddingStrideExplorer(_Explorer):
    """Output size of a convolution for any input size, kernel, padding, stride and dilation (D2L 7.3).

    Draws the padded input with every window position and the window of the picked
    output cell, and the output grid; the text gives the formula with the numbers in
    it. The defaults (8, 3, 1, 2, 1) are the book's ``LazyConv2d(1, kernel_size=3, padding=1, stride=2)``.
    """

    def __init__(
        self, input_size: int = 8, kernel_size: int = 3, padding: int = 1, stride: int = 2, dilation: int = 1,
        draw: bool = True,
    ) -> None:
        sliders = {
            "input_size": _int_slider("input size", input_size, 1, 12),
            "kernel_size": _int_slider("kernel size", kernel_size, 1, 7),
            "padding": _int_slider("padding", padding, 0, 4),
            "stride": _int_slider("stride", stride, 1, 4),
            "dilation": _int_slider("dilation", dilation, 1, 3),
            "row": _int_slider("output row", 0, 0, 0),
            "col": _int_slider("output column", 0, 0, 0),
        }
        super().__init__(sliders, draw=draw, columns=3)

    def _compute(self) -> str:
        v = self.values()
        n, k, p, s, d = v["input_size"], v["kernel_size"], v["padding"], v["stride"], v["dilation"]
        lines = [conv_formula_text(n, k, p, s, d, name=name) for name in ("out_h", "out_w")]
        self.formula_text = "\n".join(lines)
        self.output_shape: tuple[int, int] | None = None
        self.window_rows = self.window_cols = ()
        try:
            self.output_shape = conv_output_shape(n, k, padding=p, stride=s, dilation=d)
        except ValueError as error:
            self.message = str(error)
            self._clamp_cell(self.sliders["row"], self.sliders["col"], None)
            return _error(self.message) + "<br>" + html.escape(lines[0])
        i, j = self._clamp_cell(self.sliders["row"], self.sliders["col"], self.output_shape)
        self.cell = (i, j)
        # Input coordinates (negative or >= n: in the padding) of the taps of output cell (i, j).
        self.window_rows = tuple(i * s - p + a * d for a in range(k))
        self.window_cols = tuple(j * s - p + b * d for b in range(k))
        formula = "<br>".join(html.escape(line) for line in lines)
        return (
            f"<b>output {self.output_shape[0]}×{self.output_shape[1]}</b> "
            f"(input {n}×{n}, kernel {k}×{k}, padding {p}, stride {s}, dilation {d})<br>{formula}<br>"
            f"Output cell ({i}, {j}) reads input rows {self.window_rows[0]}…{self.window_rows[-1]}, "
            f"columns {self.window_cols[0]}…{self.window_cols[-1]} in steps of {d} "
            "(negative or ≥ input size: padding)."
        )

    def _summary(self) -> str:
        return f"output {self.output_shape[0]}×{self.output_shape[1]}; " + self.formula_text.splitlines()[0]

    def _figure(self) -> Any:
        v = self.values()
        return plotting.plot_padding_stride(
            v["input_size"], v["kernel_size"], v["padding"], v["stride"], v["dilation"],
            None if self.output_shape is None else self.output_shape[0],
            cell=getattr(self, "cell", (0, 0)) if self.output_shape else (0, 0), message=self.message,
        )


# ============================================================================ 7.5
def _default_image() -> torch.Tensor:
    """Fashion-MNIST test image 0 (the course's sample; also image 0 of the full test set), in [0, 1]."""
    images, _ = load_sample(train=False)
    return torch.as_tensor(images[0]).float() / 255


class PoolingExplorer(_Explorer):
    """Max or average pooling of a real image (Fashion-MNIST test image 0 by default), D2L 7.5.

    Window, stride, padding and mode are sliders; the pooled image is computed with
    ``ops.pool2d`` and drawn beside the input; the text gives the output size.
    """

    def __init__(
        self, image: torch.Tensor | None = None, pool_size: int = 2, stride: int = 2, padding: int = 0,
        mode: str = "max", draw: bool = True,
    ) -> None:
        image = _default_image() if image is None else torch.as_tensor(image).float()
        if image.dim() != 2:
            raise ValueError(f"image must be one 2-D (height, width) image, got shape {tuple(image.shape)}")
        self.X = image
        sliders = {
            "pool_size": _int_slider("window", pool_size, 1, 6, continuous=False),
            "stride": _int_slider("stride", stride, 1, 6, continuous=False),
            "padding": _int_slider("padding", padding, 0, 3, continuous=False),
            "mode": widgets.ToggleButtons(options=["max", "avg"], value=mode, description="mode", style=_STYLE),
        }
        super().__init__(sliders, draw=draw, columns=2)

    def _compute(self) -> str:
        v = self.values()
        k, s, p, mode = v["pool_size"], v["stride"], v["padding"], v["mode"]
        h, w = self.X.shape
        self.output_shape: tuple[int, int] | None = None
        self.pooled: torch.Tensor | None = None
        try:
            self.output_shape = pool_output_shape((h, w), k, padding=p, stride=s)
        except ValueError as error:
            self.message = str(error)
            return _error(self.message)
        self.pooled = pool2d(self.X, (k, k), mode=mode, padding=(p, p), stride=(s, s))
        formula = "<br>".join(
            html.escape(pool_formula_text(size, k, p, s, name=name)) for size, name in ((h, "out_h"), (w, "out_w"))
        )
        return (
            f"<b>{mode} pooling: {h}×{w} → {self.output_shape[0]}×{self.output_shape[1]}</b> "
            f"(window {k}×{k}, stride {s}, padding {p})<br>{formula}"
        )

    def _summary(self) -> str:
        return f"{self.sliders['mode'].value} pooling → output {self.output_shape[0]}×{self.output_shape[1]}"

    def _figure(self) -> Any:
        v = self.values()
        return plotting.plot_pooling(
            self.X, self.pooled, v["pool_size"], v["stride"], v["padding"], message=self.message,
            title=None if self.pooled is None else f"{v['mode']} pooled {self.output_shape[0]}×{self.output_shape[1]}",
        )


# ============================================================================ 7.6
def _spatial_layers(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """The top-level layers of ``model.net`` (or of ``model``) up to the first Flatten."""
    net = getattr(model, "net", model)
    prefix = "net." if net is not model else ""
    layers = []
    for name, layer in net.named_children():
        if isinstance(layer, (nn.Flatten, nn.Linear)):
            break
        layers.append((prefix + name, layer))
    if not layers:
        raise ValueError(f"{type(model).__name__} has no convolutional part before its Flatten to explore")
    return layers


def _output_sizes(model: nn.Module, names: Sequence[str], input_shape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
    """Output shape of each named submodule for one input of ``input_shape`` (C, H, W), by forward hooks."""
    modules = dict(model.named_modules())
    shapes: dict[str, tuple[int, ...]] = {}
    handles = [
        modules[name].register_forward_hook(
            lambda module, inputs, output, name=name: shapes.__setitem__(name, tuple(output.shape[1:]))
        )
        for name in names
    ]
    try:
        with torch.no_grad():
            model(torch.zeros((1, *input_shape)))
    finally:
        for handle in handles:
            handle.remove()
    return shapes


class FeatureMapExplorer(_Explorer):
    """Feature maps of real images through a trained network (D2L 7.6): pick an image and a layer.

    ``images`` is ``(N, 1, H, W)`` (or ``(N, H, W)``); the layers are those of
    ``model.net`` before its Flatten. ``class_names[label]`` titles the image.
    """

    def __init__(
        self,
        model: nn.Module,
        images: torch.Tensor,
        labels: Sequence[int] | torch.Tensor | None = None,
        class_names: Sequence[str] | None = None,
        draw: bool = True,
    ) -> None:
        images = torch.as_tensor(images).float()
        if images.dim() == 3:
            images = images[:, None]
        if images.dim() != 4:
            raise ValueError(f"images must have shape (N, 1, H, W), got {tuple(images.shape)}")
        self.model, self.images = model, images
        self.labels = None if labels is None else [int(y) for y in labels]
        self.class_names = class_names
        self.layers = _spatial_layers(model)
        self._by_name = dict(self.layers)
        sliders = {
            "image": _int_slider("image", 0, 0, len(images) - 1, continuous=False),
            "layer": widgets.Dropdown(
                options=[(f"{name} {type(layer).__name__}", name) for name, layer in self.layers],
                value=self.layers[0][0], description="layer", style=_STYLE, layout=_SLIDER_LAYOUT,
            ),
        }
        super().__init__(sliders, draw=draw, columns=2)

    def feature_maps(self, index: int, layer_name: str) -> torch.Tensor:
        """The ``(C, H, W)`` output of layer ``layer_name`` for image ``index``."""
        captured: list[torch.Tensor] = []
        handle = self._by_name[layer_name].register_forward_hook(lambda m, i, output: captured.append(output))
        was_training = self.model.training
        self.model.eval()
        try:
            with torch.no_grad():
                self.model(self.images[index : index + 1])
        finally:
            handle.remove()
            self.model.train(was_training)
        return captured[0][0]

    def _compute(self) -> str:
        index, name = self.sliders["image"].value, self.sliders["layer"].value
        self.maps = self.feature_maps(index, name)
        self.output_shape = tuple(self.maps.shape)
        label = ""
        if self.labels is not None:
            label = self.class_names[self.labels[index]] if self.class_names else str(self.labels[index])
            label = f" ({label})"
        self.title = f"image {index}{label}, layer {name} {type(self._by_name[name]).__name__}"
        c, h, w = self.output_shape
        return f"{html.escape(self.title)}: <b>{c} feature maps of {h}×{w}</b>"

    def _summary(self) -> str:
        c, h, w = self.output_shape
        return f"layer {self.sliders['layer'].value}: {c} feature maps of {h}×{w}"

    def _figure(self) -> Any:
        return plotting.plot_feature_maps(self.maps, title=self.title, ncols=8)


class LayerFieldExplorer(_Explorer):
    """Receptive fields through a network's layers, drawn on an image (D2L 7.2.6 on LeNet, 7.6).

    Slide across the conv/pool layers (from ``shapes.receptive_fields(model)``) and the
    output positions of the picked layer; its field is drawn on ``image``, dashed where
    it lies in the padding.
    """

    def __init__(self, model: nn.Module, image: torch.Tensor, draw: bool = True) -> None:
        image = torch.as_tensor(image).float()
        if image.dim() == 3:
            image = image[0]
        if image.dim() != 2:
            raise ValueError(f"image must be one (H, W) or (1, H, W) image, got shape {tuple(image.shape)}")
        self.model, self.X = model, image
        self.fields = receptive_fields(model)
        if not self.fields:
            raise ValueError(f"{type(model).__name__} has no convolution or pooling layer")
        self.layer_shapes = _output_sizes(model, [f.name for f in self.fields], (1, *image.shape))
        sliders = {
            "layer": _int_slider("layer", 0, 0, len(self.fields) - 1, continuous=False),
            "row": _int_slider("output row", 0, 0, 0),
            "col": _int_slider("output column", 0, 0, 0),
        }
        super().__init__(sliders, draw=draw, columns=3)

    def _compute(self) -> str:
        self.field = self.fields[self.sliders["layer"].value]
        _, h, w = self.layer_shapes[self.field.name]
        self.output_shape = (h, w)
        i, j = self._clamp_cell(self.sliders["row"], self.sliders["col"], self.output_shape)
        self.cell = (i, j)
        self.region = self.field.input_region(i, j)
        self.clipped_region = self.field.input_region(i, j, input_size=tuple(self.X.shape))
        (r0, r1), (c0, c1) = self.region
        (q0, q1), (d0, d1) = self.clipped_region
        size, jump = self.field.size, self.field.jump
        return (
            f"layer {html.escape(self.field.name)} ({self.field.kind}): output {h}×{w}, one step = {jump[0]} "
            f"input pixels<br>Cell ({i}, {j}) has a <b>{size[0]}×{size[1]} receptive field</b>: rows {r0}…{r1}, "
            f"columns {c0}…{c1}; on the image: rows {q0}…{q1}, columns {d0}…{d1}"
        )

    def _summary(self) -> str:
        return (f"layer {self.field.name}: output {self.output_shape[0]}×{self.output_shape[1]}, receptive field "
                f"{self.field.size[0]}×{self.field.size[1]}")

    def _figure(self) -> Any:
        (r0, r1), (c0, c1) = self.region
        return plotting.plot_field_on_image(
            self.X, (r0, c0, r1 - r0 + 1, c1 - c0 + 1), self.output_shape, self.cell,
            title=f"layer {self.field.name}: field {self.field.size[0]}×{self.field.size[1]}",
        )
