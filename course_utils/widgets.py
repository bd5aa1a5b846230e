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
(no flicker); ``draw=False`` skips it (tests sweep thousands of combinations), and
an explorer that draws nothing has no image in its view.

The images the explorers take are grey: one channel, floating-point pixels (e.g.
Fashion-MNIST divided by 255); a colour image is refused with the remedy.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import torch
from torch import nn

from course_utils import plotting, validate
from course_utils.data_sources import load_sample
from course_utils.fields import evaluating, field_output_shapes, receptive_fields
from course_utils.formatting import human_bytes
from course_utils.ops import pool2d
from course_utils.shapes import (
    LayerSpec,
    ReceptiveField,
    conv_formula_text,
    conv_output_shape,
    pool_formula_text,
    pool_output_shape,
    window_taps,
)

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


def _by(pair: Sequence[int]) -> str:
    """``(5, 7) -> '5×7'``: a size as the explorers write it."""
    return f"{pair[0]}×{pair[1]}"


def _field_summary(output_shape: Sequence[int], field: ReceptiveField) -> str:
    return f"output {_by(output_shape)}, receptive field {_by(field.size)}"


def _rows_and_columns(region: tuple[tuple[int, int], tuple[int, int]], to: str) -> str:
    """``((0, 4), (2, 6))`` -> ``'rows 0–4, columns 2–6'`` (``to`` between first and last)."""
    (top, bottom), (left, right) = region
    return f"rows {top}{to}{bottom}, columns {left}{to}{right}"


def _box(region: tuple[tuple[int, int], tuple[int, int]]) -> plotting.Box:
    """Rows and columns (first, last) as the (top, left, height, width) box the figures draw."""
    (top, bottom), (left, right) = region
    return (top, left, bottom - top + 1, right - left + 1)


def _grey_images(value: object, name: str, batch: bool) -> torch.Tensor:
    """Floating-point grey images as float32: one image (H, W) or (1, H, W) -> (H, W); with ``batch``,
    (N, H, W) or (N, 1, H, W) -> (N, 1, H, W). A colour image (3 channels) is refused: the explorers
    draw grey images and the course's models take one channel."""
    try:
        images = torch.as_tensor(value)
    except (TypeError, ValueError, RuntimeError) as error:
        raise TypeError(f"{name} must be a tensor of pixel values, got {type(value).__name__}: "
                        f"e.g. {name} = images[0].float() / 255") from error
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
    if images.dim() == channel_axis + 3:
        images = images.squeeze(channel_axis)
    return (images[:, None] if batch else images).float()


class _Explorer:
    """Shared machinery: controls in ``sliders``, text in ``text``, figure in ``image``.

    Subclasses implement ``_compute()`` (set the results and return the HTML) and
    ``_figure()`` (return a matplotlib Figure, or None for no picture).
    """

    def __init__(self, sliders: Mapping[str, widgets.ValueWidget], draw: bool = True, columns: int = 3) -> None:
        self.sliders: dict[str, widgets.ValueWidget] = dict(sliders)
        # An explorer without a figure (ParameterCalculator) never draws: no empty image in its view.
        self.draw = validate.flag(draw, "draw") and type(self)._figure is not _Explorer._figure
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
        self.widget = widgets.VBox([controls, self.text] + ([self.image] if self.draw else []))
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
def _significant(x: float, digits: int = 3) -> str:
    """``x`` to ``digits`` significant digits, written out in full: 36857.4 -> '36,900', 9.0 -> '9'."""
    if x < 10 ** (digits - 1):
        return f"{x:.{digits}g}"
    return f"{round(x, digits - 1 - math.floor(math.log10(x))):,.0f}"


def _compare_counts(fc_params: int, conv_params: int) -> str:
    """How the convolution's parameters compare with the fully connected layer's, as a phrase."""
    if conv_params == fc_params:
        return "<b>as many</b> parameters as the fully connected layer"
    if conv_params < fc_params:
        return f"<b>{_significant(fc_params / conv_params)}</b> times fewer parameters"
    return f"<b>{_significant(conv_params / fc_params)}</b> times more parameters"


class ParameterCalculator(_Explorer):
    """Parameters of a fully connected layer against a convolution on the same image (D2L 7.1).

    The defaults are the book's example: a one-megapixel image (1000 x 1000, one channel)
    mapped to 10^6 hidden units needs 10^12 weights; a 3x3 convolution needs 9.
    Memory assumes float32 (4 bytes per parameter). This explorer draws no figure
    (``draw`` is accepted like the other explorers' and changes nothing).
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
        units = "unit" if hidden == 1 else "units"
        inputs = "input" if self.inputs == 1 else "inputs"
        self.comparison = _compare_counts(self.fc_params, self.conv_params)
        return (
            "<table>"
            "<tr><th></th><th>weights</th><th>+ biases</th><th>= parameters</th><th>float32 memory</th></tr>"
            f"<tr><td>fully connected: {side}·{side}·{c_in} = {self.inputs:,} {inputs} → {hidden:,} {units}</td>"
            f"<td>{self.fc_weights:,}</td><td>{hidden:,}</td><td><b>{self.fc_params:,}</b></td>"
            f"<td>{human_bytes(self.fc_bytes)}</td></tr>"
            f"<tr><td>convolution: {k}×{k} kernel, {c_in} → {c_out} channels</td>"
            f"<td>{self.conv_weights:,}</td><td>{c_out:,}</td><td><b>{self.conv_params:,}</b></td>"
            f"<td>{human_bytes(self.conv_bytes)}</td></tr>"
            "</table>"
            f"The convolution has {self.comparison}, and its count does not depend on the "
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
        return (
            f"input {n}×{n} → conv {k1}×{k1} → hidden {_by(self.hidden_shape)} "
            f"→ conv {k2}×{k2} → output {_by(self.output_shape)}<br>"
            f"Output cell ({i}, {j}) reads hidden {_rows_and_columns(self.hidden_region, '–')} ({k2}×{k2}); "
            f"its <b>receptive field</b> on the input is {_by(self.field.size)}: "
            f"{_rows_and_columns(self.input_region, '–')} = {k1} + {k2} − 1 pixels per side."
        )

    def _summary(self) -> str:
        return _field_summary(self.output_shape, self.field)

    def _figure(self) -> Any:
        n = self.sliders["input_size"].value
        if self.output_shape is None:
            return plotting.plot_field_stack([(n, n)], [None], [f"input {n}×{n}"])
        i, j = self.cell
        return plotting.plot_field_stack(
            [(n, n), self.hidden_shape, self.output_shape],
            [_box(self.input_region), _box(self.hidden_region), (i, j, 1, 1)],
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
        self.window_rows = window_taps(i, k, padding=p, stride=s, dilation=d)
        self.window_cols = window_taps(j, k, padding=p, stride=s, dilation=d)
        formula = "<br>".join(html.escape(line) for line in lines)
        return (
            f"<b>output {_by(self.output_shape)}</b> "
            f"(input {n}×{n}, kernel {k}×{k}, padding {p}, stride {s}, dilation {d})<br>{formula}<br>"
            f"Output cell ({i}, {j}) reads input rows {self.window_rows[0]}…{self.window_rows[-1]}, "
            f"columns {self.window_cols[0]}…{self.window_cols[-1]} in steps of {d} "
            "(negative or ≥ input size: padding)."
        )

    def _summary(self) -> str:
        return f"output {_by(self.output_shape)}; " + self.formula_text.splitlines()[0]

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
        self.X = _default_image() if image is None else _grey_images(image, "image", batch=False)  # (H, W)
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
            f"<b>{mode} pooling: {h}×{w} → {_by(self.output_shape)}</b> "
            f"(window {k}×{k}, stride {s}, padding {p})<br>{formula}"
        )

    def _summary(self) -> str:
        return f"{self.sliders['mode'].value} pooling → output {_by(self.output_shape)}"

    def _figure(self) -> Any:
        v = self.values()
        return plotting.plot_pooling(
            self.X, self.pooled, v["pool_size"], v["stride"], v["padding"], message=self.message,
            title=None if self.pooled is None else f"{v['mode']} pooled {_by(self.output_shape)}",
        )


# ============================================================================ 7.6
def _check_model(model: object) -> nn.Module:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module (e.g. a trained LeNet()), got {type(model).__name__}")
    return model


def _top_layers(model: nn.Module) -> dict[str, nn.Module]:
    """The top-level layers of ``model.net`` (or of ``model``), by qualified name ("net.0")."""
    net = getattr(model, "net", model)
    if not isinstance(net, nn.Module):
        net = model
    prefix = "net." if net is not model else ""
    return {prefix + name: layer for name, layer in net.named_children()}


def _model_input(model: nn.Module, X: torch.Tensor) -> torch.Tensor:
    """``X`` on the device and in the floating-point dtype of the model's parameters (a model trained
    on a GPU, or in float64, takes the explorer's float32 CPU images)."""
    first = next(model.parameters(), None)
    if first is None:
        return X
    return X.to(device=first.device, dtype=first.dtype if first.is_floating_point() else X.dtype)


def _layer_outputs(model: nn.Module, layers: Mapping[str, nn.Module], X: torch.Tensor) -> dict[str, Any]:
    """The output of each of ``layers`` for the batch ``X``: one forward pass with hooks, in evaluation
    mode under ``torch.no_grad()`` (``fields.evaluating``). A layer that runs twice keeps its first output."""
    outputs: dict[str, Any] = {}
    handles = [
        layer.register_forward_hook(lambda module, inputs, output, name=name: outputs.setdefault(name, output))
        for name, layer in layers.items()
    ]
    try:
        with evaluating(model):
            model(_model_input(model, X))
    except (RuntimeError, ValueError) as error:
        raise ValueError(
            f"{type(model).__name__} cannot run on images of shape {tuple(X.shape)}: {str(error).splitlines()[0]}"
        ) from error
    finally:
        for handle in handles:
            handle.remove()
    return outputs


def _labels(labels: Sequence[int] | torch.Tensor | None, count: int) -> list[int] | None:
    """One class number (an integer >= 0) per image, as a list; None stays None."""
    if labels is None:
        return None
    try:
        values = torch.as_tensor(labels)
    except (TypeError, ValueError, RuntimeError) as error:
        raise TypeError(f"labels must be class numbers, one per image, got {labels!r}: e.g. labels=[9, 2]") from error
    if values.dim() != 1 or values.is_floating_point() or values.is_complex() or values.dtype == torch.bool:
        raise TypeError(
            f"labels must be whole class numbers, one per image, got dtype {values.dtype} and shape "
            f"{tuple(values.shape)}: e.g. labels=[9, 2]"
        )
    if len(values) != count:
        raise ValueError(
            f"labels has {len(values)} values but there are {count} images: give one label per image, "
            f"e.g. labels[:{count}]"
        )
    if count and int(values.min()) < 0:
        raise ValueError(f"labels must be >= 0 (class numbers), got {int(values.min())}")
    return [int(y) for y in values.tolist()]


def _class_names(class_names: Sequence[str] | None, labels: list[int] | None) -> list[str] | None:
    """The names of the classes, one for every label that occurs."""
    if class_names is None:
        return None
    if isinstance(class_names, (str, bytes)) or not isinstance(class_names, Sequence):
        raise TypeError(f"class_names must be a list of names, got {type(class_names).__name__}: "
                        "e.g. class_names=TEXT_LABELS")
    if labels is None:
        raise ValueError("class_names names the images' labels: give labels too, e.g. labels=labels[:16]")
    if labels and max(labels) >= len(class_names):
        raise ValueError(
            f"label {max(labels)} has no name: class_names has {len(class_names)} names (labels 0 to "
            f"{len(class_names) - 1}); give one name per class"
        )
    return [str(name) for name in class_names]


class FeatureMapExplorer(_Explorer):
    """Feature maps of real images through a trained network (D2L 7.6): pick an image and a layer.

    ``images`` are grey, floating-point, ``(N, 1, H, W)`` or ``(N, H, W)``. The layers offered are
    the top-level layers of ``model.net`` (or of ``model``) whose output is a C x H x W map, found
    by one forward pass of the first image: a stage that ends in flatten, linear or global pooling
    (GoogleNet's ``net.b5``, ResNet's ``net.last``) is left out. ``labels`` has one class number per
    image; ``class_names[label]`` titles the image. The model runs in evaluation mode.
    """

    def __init__(
        self,
        model: nn.Module,
        images: torch.Tensor,
        labels: Sequence[int] | torch.Tensor | None = None,
        class_names: Sequence[str] | None = None,
        draw: bool = True,
    ) -> None:
        self.model = _check_model(model)
        self.images = _grey_images(images, "images", batch=True)  # (N, 1, H, W)
        self.labels = _labels(labels, len(self.images))
        self.class_names = _class_names(class_names, self.labels)
        candidates = _top_layers(model)
        outputs = _layer_outputs(model, candidates, self.images[:1])
        self.layers = [
            (name, layer) for name, layer in candidates.items()
            if isinstance(outputs.get(name), torch.Tensor) and outputs[name].dim() == 4  # N x C x H x W
        ]
        if not self.layers:
            raise ValueError(
                f"{type(model).__name__} has no layer whose output is a C x H x W feature map (its layers: "
                f"{', '.join(candidates) or 'none'}): give a model with convolutional layers, e.g. LeNet()"
            )
        self._by_name = dict(self.layers)
        sliders = {
            "image": _int_slider("image", 0, 0, len(self.images) - 1, continuous=False),
            "layer": widgets.Dropdown(
                options=[(f"{name} {type(layer).__name__}", name) for name, layer in self.layers],
                value=self.layers[0][0], description="layer", style=_STYLE, layout=_SLIDER_LAYOUT,
            ),
        }
        super().__init__(sliders, draw=draw, columns=2)

    def feature_maps(self, index: int, layer_name: str) -> torch.Tensor:
        """The ``(C, H, W)`` output of layer ``layer_name`` for image ``index``."""
        index = validate.integer(index, "index", minimum=0, example=0)
        if index >= len(self.images):
            raise ValueError(f"index must be < {len(self.images)} (the number of images), got {index}")
        if layer_name not in self._by_name:
            raise ValueError(f"no layer {layer_name!r} to show: choose one of {list(self._by_name)}")
        layer = {layer_name: self._by_name[layer_name]}
        return _layer_outputs(self.model, layer, self.images[index : index + 1])[layer_name][0]

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

    Slide across the conv/pool layers (from ``fields.receptive_fields(model)``) and the
    output positions of the picked layer; its field is drawn on ``image`` (grey, ``(H, W)`` or
    ``(1, H, W)``), dashed where it lies in the padding. The output size of every layer comes
    from one run of the model on ``image`` (``fields.field_output_shapes``: evaluation mode,
    and also for layers written as calls, such as ``F.max_pool2d``).
    """

    def __init__(self, model: nn.Module, image: torch.Tensor, draw: bool = True) -> None:
        self.model = _check_model(model)
        self.X = _grey_images(image, "image", batch=False)  # (H, W)
        fields = receptive_fields(model)
        shapes = field_output_shapes(model, _model_input(model, self.X[None, None])) if fields else []
        maps = [(field, shape) for field, shape in zip(fields, shapes) if len(shape) == 4]  # N x C x H x W
        if not maps:
            raise ValueError(f"{type(model).__name__} has no convolution or pooling layer")
        self.fields = [field for field, _ in maps]
        self.layer_shapes = [(shape[2], shape[3]) for _, shape in maps]  # (H, W) of each layer's output
        sliders = {
            "layer": _int_slider("layer", 0, 0, len(self.fields) - 1, continuous=False),
            "row": _int_slider("output row", 0, 0, 0),
            "col": _int_slider("output column", 0, 0, 0),
        }
        super().__init__(sliders, draw=draw, columns=3)

    def _compute(self) -> str:
        layer = self.sliders["layer"].value
        self.field = self.fields[layer]
        self.output_shape = h, w = self.layer_shapes[layer]
        i, j = self._clamp_cell(self.sliders["row"], self.sliders["col"], self.output_shape)
        self.cell = (i, j)
        self.region = self.field.input_region(i, j)
        self.clipped_region = self.field.input_region(i, j, input_size=tuple(self.X.shape))
        return (
            f"layer {html.escape(self.field.name)} ({self.field.kind}): output {h}×{w}, one step = "
            f"{self.field.jump[0]} input pixels<br>Cell ({i}, {j}) has a <b>{_by(self.field.size)} receptive "
            f"field</b>: {_rows_and_columns(self.region, '…')}; "
            f"on the image: {_rows_and_columns(self.clipped_region, '…')}"
        )

    def _summary(self) -> str:
        return f"layer {self.field.name}: " + _field_summary(self.output_shape, self.field)

    def _figure(self) -> Any:
        return plotting.plot_field_on_image(
            self.X, _box(self.region), self.output_shape, self.cell,
            title=f"layer {self.field.name}: field {_by(self.field.size)}",
        )
