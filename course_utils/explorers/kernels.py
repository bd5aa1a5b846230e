"""Kernels at work on real images: the kernel editor (D2L 7.2) and the feature maps of a trained model (7.6).

:class:`KernelEditor` applies a kernel the student picks or types to a grey image and shows
the output at once; pointing at an output pixel writes out its sum. :class:`FeatureMapExplorer`
runs a trained model on a test image or on a drawing and shows the feature maps of one layer
and the model's three most likely classes.

Both take grey images: one channel of floating-point pixels (e.g. Fashion-MNIST divided by
255); a colour image is refused with the remedy. Both can be driven from Python::

    editor = KernelEditor(kernel="sobel x")
    editor.set(kernel=[[1, 0, -1], [2, 0, -2], [1, 0, -1]])   # now preset "custom"
    editor.state.grid("output").values
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.modules.lazy import LazyModuleMixin

from course_utils.explorers._inputs import default_image, grey_images, model_input
from course_utils.explorers._widget import Explorer
from course_utils.explorers.scene import Control, Grid, Link, Scene
from course_utils.fields import evaluating
from course_utils.language import say
from course_utils.shapes import conv_output_shape, to_2tuple, window_taps

__all__ = ["KernelEditor", "FeatureMapExplorer", "PRESETS", "preset_kernel"]


# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------


def _number(x: float) -> str:
    """A value as the text writes it: three significant digits and a true minus sign."""
    return "0" if x == 0 else f"{x:.3g}".replace("-", "−")


def _by(rows: int, cols: int) -> str:
    return f"{rows} × {cols}"


# ============================================================================ 7.2 kernel editor
# The presets, as PyTorch applies them: a cross-correlation, Y[i, j] = Σ K[a, b] · X[i + a, j + b].
_FIXED: dict[str, list[list[float]]] = {
    "edge": [[1.0, -1.0]],  # the book's K: X[i, j] − X[i, j + 1]
    "vertical edge": [[1.0], [-1.0]],  # the same difference downwards: X[i, j] − X[i + 1, j]
    "sharpen": [[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]],
    "sobel x": [[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]],
    "sobel y": [[-1.0, -2.0, -1.0], [0.0, 0.0, 0.0], [1.0, 2.0, 1.0]],
    "laplacian": [[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]],
}
_SCALABLE = ("identity", "blur")  # any size, rows x cols
PRESETS: tuple[str, ...] = ("identity", "edge", "vertical edge", "blur", "sharpen", "sobel x", "sobel y",
                            "laplacian", "custom")
MAX_KERNEL_SIDE = 5
MAX_IMAGE_SIDE = 64  # the editor draws one cell per pixel and one window per output pixel
_DEFAULT_SIZE = (3, 3)  # of identity, blur and an empty custom kernel



def _preset_labels() -> dict[str, str]:
    """What the preset buttons say, in the language in use (the values stay the names of :data:`PRESETS`)."""
    return {"identity": say("identity"), "edge": say("edge"), "vertical edge": say("vertical edge"),
            "blur": say("blur"), "sharpen": say("sharpen"), "sobel x": say("sobel x"), "sobel y": say("sobel y"),
            "laplacian": say("laplacian"), "custom": say("custom")}


def _what_it_does(preset: str) -> str:
    """What the kernel ``preset`` computes, in a sentence (in the language in use)."""
    return {
        "identity": say("copies the pixel under its 1: the output is the image, less the border the kernel cannot "
                        "slide over."),
        "edge": say("the book's kernel [1, −1]: each output is a pixel minus its right-hand neighbour. It is 0 where "
                    "the image is flat and large where the brightness changes from left to right, that is at vertical "
                    "edges: positive from light to dark, negative from dark to light."),
        "vertical edge": say("[1, −1] turned upright: each output is a pixel minus the pixel below it, so it finds "
                             "horizontal edges, where the brightness changes from top to bottom."),
        "blur": say("the mean of the window: every output is an average of its neighbourhood, so the image gets "
                    "smoother and its edges soft."),
        "sharpen": say("five times the pixel minus its four neighbours: flat areas stay as they are and edges "
                       "stand out more."),
        "sobel x": say("the right column minus the left one, the middle row counted twice: large where the image "
                       "gets brighter (positive) or darker (negative) from left to right, smoothed across three rows."),
        "sobel y": say("the bottom row minus the top one, the middle column counted twice: large where the image "
                       "gets brighter (positive) or darker (negative) from top to bottom."),
        "laplacian": say("the four neighbours minus four times the pixel: 0 on flat and evenly sloping areas, large "
                         "at fine detail and on both sides of an edge."),
        "custom": say("your kernel: each output pixel is the sum of the weights times the pixels under them."),
    }[preset]


def preset_kernel(name: str, shape: tuple[int, int] | None = None) -> list[list[float]]:
    """The weights of preset ``name`` as rows (``"identity"`` and ``"blur"`` at ``shape``, default 3 x 3).

    >>> preset_kernel("edge"), preset_kernel("identity", (1, 3))
    ([[1.0, -1.0]], [[0.0, 1.0, 0.0]])
    """
    if name in _FIXED:
        return [list(row) for row in _FIXED[name]]
    rows, cols = shape or _DEFAULT_SIZE
    if name == "identity":
        return [[1.0 if (a, b) == ((rows - 1) // 2, (cols - 1) // 2) else 0.0 for b in range(cols)]
                for a in range(rows)]
    if name == "blur":
        return [[1.0 / (rows * cols)] * cols for _ in range(rows)]
    raise ValueError(f"no preset {name!r}: choose one of {[p for p in PRESETS if p != 'custom']}")


def _flat(rows: Sequence[Sequence[float]]) -> list[float]:
    return [float(x) for row in rows for x in row]


def _kernel_rows(value: object, name: str = "kernel") -> list[list[float]]:
    """A kernel given as rows of numbers (nested lists, a NumPy array or a tensor), checked."""
    try:
        K = torch.as_tensor(value)
    except (TypeError, ValueError, RuntimeError) as error:
        raise TypeError(f"{name} must be rows of numbers, got {value!r}: write e.g. {name}=[[1, -1]]") from error
    if K.dtype == torch.bool or K.is_complex():
        raise TypeError(f"{name} must hold real numbers, got dtype {K.dtype}: write e.g. {name}=[[1, -1]]")
    if K.dim() != 2:
        raise ValueError(f"{name} must be 2-D (rows of weights), got shape {tuple(K.shape)}: write one row as "
                         f"{name}=[[1, -1]]")
    rows, cols = K.shape
    if not (1 <= rows <= MAX_KERNEL_SIDE and 1 <= cols <= MAX_KERNEL_SIDE):
        raise ValueError(f"{name} is {_by(rows, cols)}, but the editor takes 1 to {MAX_KERNEL_SIDE} rows and "
                         f"columns: use a smaller kernel")
    K = K.double()
    if not bool(torch.isfinite(K).all()):
        raise ValueError(f"{name} has weights that are NaN or infinite: give finite numbers")
    return K.tolist()


def _resized(kernel: Sequence[float], old: tuple[int, int], new: tuple[int, int]) -> list[float]:
    """Row-major ``kernel`` of shape ``old`` cut or filled with zeros to ``new`` (its top-left corner stays)."""
    return [kernel[a * old[1] + b] if a < old[0] and b < old[1] else 0.0
            for a in range(new[0]) for b in range(new[1])]


def _same_weights(a: Sequence[float], b: Sequence[float]) -> bool:
    return len(a) == len(b) and all(math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12) for x, y in zip(a, b))


class KernelEditor(Explorer):
    """Edit a kernel and see its output on a real image at once (D2L 7.2).

    ``image``: grey, ``(H, W)`` or ``(1, H, W)``, floating point, at most 64 pixels a side
    (default: Fashion-MNIST test image 0, pixels in [0, 1]). ``kernel``: a preset name
    (:data:`PRESETS`) or rows of numbers (a custom kernel, 1 to 5 rows and columns).
    ``size``: rows and columns (an int or a pair) of ``"identity"``, ``"blur"`` or an empty
    ``"custom"`` kernel; the other presets have their own size (``"edge"`` is the book's
    1 x 2 ``[[1, -1]]``) and a custom kernel has the size of its rows. Default: the preset's.

    Controls: ``preset``; ``rows`` and ``cols`` of the kernel (1 to 5); ``kernel``, the weights
    row-major. Picking a preset fills the weights; editing a weight makes the preset
    ``"custom"``; resizing keeps identity and blur what they are and cuts or pads any other
    kernel with zeros at its bottom and right (it becomes ``"custom"``).

    The output is ``F.conv2d`` of the image with the kernel, no padding, stride 1, computed in
    float64 so the sum written out for a pixel gives its value to the last digit. Like the
    book's ``corr2d`` it is a cross-correlation: the kernel is not flipped.
    """

    def __init__(
        self,
        image: torch.Tensor | None = None,
        kernel: str | Sequence[Sequence[float]] | torch.Tensor = "edge",
        size: int | tuple[int, int] | None = None,
    ) -> None:
        X = default_image() if image is None else grey_images(image, "image", max_side=MAX_IMAGE_SIDE)
        self.X = X.double()  # the pixels exactly as the grid shows them
        if isinstance(kernel, str):
            preset = _check_preset(kernel, "kernel")
            shape = self._preset_shape(preset, size)
            weights = [0.0] * (shape[0] * shape[1]) if preset == "custom" else _flat(preset_kernel(preset, shape))
        else:
            rows = _kernel_rows(kernel)
            preset, shape, weights = "custom", (len(rows), len(rows[0])), _flat(rows)
            if size is not None and _size_pair(size) != shape:
                raise ValueError(f"size {size!r} does not match the kernel given, which is {_by(*shape)}: "
                                 "leave size out")
        super().__init__(preset=preset, rows=shape[0], cols=shape[1], kernel=weights)

    @staticmethod
    def _preset_shape(preset: str, size: object) -> tuple[int, int]:
        if preset in _FIXED:
            fixed = (len(_FIXED[preset]), len(_FIXED[preset][0]))
            if size is not None and _size_pair(size) != fixed:
                raise ValueError(f"{preset} is a {_by(*fixed)} kernel, so size {size!r} does not apply: leave size "
                                 "out, or resize it afterwards with editor.set(rows=..., cols=...)")
            return fixed
        return _DEFAULT_SIZE if size is None else _size_pair(size)

    # -- driving from Python ---------------------------------------------------
    def set(self, **values: Any) -> None:
        """Set controls; ``kernel`` may also be rows of numbers (its size then sets ``rows`` and ``cols``)."""
        super().set(**self._completed(values))

    def _completed(self, values: dict[str, Any]) -> dict[str, Any]:
        """``values`` with what follows from them: a preset's weights, a resized kernel, its size."""
        values = dict(values)
        current = dict(self.values)
        if "kernel" in values and _is_2d(values["kernel"]):
            rows = _kernel_rows(values["kernel"])
            shape = (len(rows), len(rows[0]))
            for name, side in zip(("rows", "cols"), shape):
                if name in values and values[name] != side:
                    raise ValueError(f"{name}={values[name]!r} does not match the kernel given, which is "
                                     f"{_by(*shape)}: leave {name} out")
            values.update(rows=shape[0], cols=shape[1], kernel=_flat(rows))
        sizes = {name: values[name] for name in ("preset", "rows", "cols") if name in values}
        sizes = self._check(sizes, self._controls({**current, **sizes}))
        values.update(sizes)
        preset = values.get("preset", current["preset"])
        shape = (values.get("rows", current["rows"]), values.get("cols", current["cols"]))
        if "kernel" in values:
            return values  # the weights given decide; _normalise makes the preset "custom" unless they match it
        if "preset" in values and preset != "custom":
            if preset in _FIXED:
                fixed = (len(_FIXED[preset]), len(_FIXED[preset][0]))
                if ("rows" in values or "cols" in values) and shape != fixed:
                    raise ValueError(f"{preset} is a {_by(*fixed)} kernel, not {_by(*shape)}: leave rows and cols "
                                     "out, or resize it afterwards (it then becomes custom)")
                shape = fixed
            values.update(rows=shape[0], cols=shape[1], kernel=_flat(preset_kernel(preset, shape)))
        elif "rows" in values or "cols" in values:
            if preset in _SCALABLE:
                values["kernel"] = _flat(preset_kernel(preset, shape))
            else:
                values["kernel"] = _resized(current["kernel"], (current["rows"], current["cols"]), shape)
                values["preset"] = "custom"
        return values

    # -- the explorer ------------------------------------------------------------
    def _controls(self, values: Mapping[str, Any]) -> list[Control]:
        preset = values.get("preset", "edge")
        rows, cols = values.get("rows", 1), values.get("cols", 2)
        labels = _preset_labels()
        # an unknown preset is refused by the check that follows
        name = labels.get(preset, str(preset)) if isinstance(preset, str) else str(preset)
        if preset in _SCALABLE:
            size_note = say("{preset} fits any size", preset=name)
        elif preset == "custom":
            size_note = say("resizing keeps the top-left weights and fills new ones with 0")
        else:
            size_note = say("resizing {preset} makes it a custom kernel", preset=name)
        kernel = values.get("kernel")
        if kernel is None:
            kernel = _flat(preset_kernel(preset if preset != "custom" else "identity", (rows, cols)))
        return [
            Control("preset", say("kernel"), "choice", preset, options=[[labels[p], p] for p in PRESETS]),
            Control("rows", say("rows"), "int", rows, min=1, max=MAX_KERNEL_SIDE, step=1, group=say("size"),
                    note=size_note),
            Control("cols", say("columns"), "int", cols, min=1, max=MAX_KERNEL_SIDE, step=1, group=say("size")),
            Control("kernel", say("weights"), "matrix", list(kernel), rows=rows, cols=cols,
                    note=say("editing a weight makes the kernel custom")),
        ]

    def _normalise(self, values: dict[str, Any]) -> dict[str, Any]:
        """Keep the preset true to the weights: weights that are not the preset's make it ``"custom"``."""
        preset, shape = values["preset"], (values["rows"], values["cols"])
        if preset != "custom":
            fits = preset in _SCALABLE or shape == (len(_FIXED[preset]), len(_FIXED[preset][0]))
            if not fits or not _same_weights(values["kernel"], _flat(preset_kernel(preset, shape))):
                values = {**values, "preset": "custom"}
        return values

    def _compute(self, values: Mapping[str, Any]) -> Scene:
        preset, kh, kw = values["preset"], values["rows"], values["cols"]
        h, w = self.X.shape
        K = torch.tensor(values["kernel"], dtype=torch.float64).reshape(kh, kw)
        name = _preset_labels()[preset]
        image = Grid("image", say("image X ({size})", size=_by(h, w)), h, w, values=self.X.flatten().tolist(),
                     shade="grey")
        kernel = Grid("kernel", say("kernel K ({size})", size=_by(kh, kw)), kh, kw, values=K.flatten().tolist(),
                      show_values=True, shade="signed")
        what = f"<b>{html.escape(name)}</b>: {html.escape(_what_it_does(preset))}"
        try:
            out_h, out_w = conv_output_shape((h, w), (kh, kw))
        except ValueError:
            error = say("the kernel is {kernel} but the image only {image}: no window fits; use at most {rows} rows "
                        "and {cols} columns", kernel=_by(kh, kw), image=_by(h, w), rows=min(h, MAX_KERNEL_SIDE),
                        cols=min(w, MAX_KERNEL_SIDE))
            return Scene(text=what, summary=say("{preset} kernel {kernel}: larger than the image {image}", preset=name,
                                                kernel=_by(kh, kw), image=_by(h, w)),
                         grids=[image, kernel], error=error)
        Y = F.conv2d(self.X[None, None], K[None, None])[0, 0]  # N x C x H x W in and out; a cross-correlation
        row_taps = [window_taps(i, kh) for i in range(out_h)]
        col_taps = [window_taps(j, kw) for j in range(out_w)]
        reads = [[r * w + c for r in rows for c in cols] for rows in row_taps for cols in col_taps]
        taps = [list(range(kh * kw))] * (out_h * out_w)
        output = Grid("output", say("output Y ({size})", size=_by(out_h, out_w)), out_h, out_w,
                      values=Y.flatten().tolist(), shade="signed")
        low, high = float(Y.min()), float(Y.max())
        strongest = int(Y.abs().flatten().argmax())
        i, j = divmod(strongest, out_w)
        total = float(K.sum())
        if total == 0:
            flat_text = say("The weights add up to 0, so flat areas give 0 and only changes show.")
        else:
            flat_text = say("The weights add up to {total}, so a flat area of brightness b gives {total}·b.",
                            total=_number(total))
        text = (
            f"{what}<br>"
            + say("<b>output {out}</b>: ({h} − {kh} + 1) × ({w} − {kw} + 1) for a {image} image and a {kernel} "
                  "kernel; values from {low} to {high}, the strongest {strongest} at row {row}, column {col}.<br>",
                  out=_by(out_h, out_w), h=h, kh=kh, w=w, kw=kw, image=_by(h, w), kernel=_by(kh, kw),
                  low=_number(low), high=_number(high), strongest=_number(float(Y[i, j])), row=i, col=j)
            + say("{flat} Like the book's corr2d, PyTorch's conv2d computes a cross-correlation: the kernel is not "
                  "flipped. Point at an output pixel to see its sum.", flat=html.escape(flat_text))
        )
        summary = say("{preset} kernel {kernel} on a {image} image: output {out}, values {low} to {high}",
                      preset=name, kernel=_by(kh, kw), image=_by(h, w), out=_by(out_h, out_w), low=_number(low),
                      high=_number(high))
        return Scene(
            text=text, summary=summary, grids=[image, kernel, output],
            links=[Link(source="image", target="output", reads=reads, op="sum", weights="kernel", taps=taps)],
            sweep="output", selected=["output", strongest],
        )


def _check_preset(value: object, name: str) -> str:
    if not isinstance(value, str) or value not in PRESETS:
        listed = ", ".join(repr(p) for p in PRESETS)
        raise ValueError(f"{name} must be one of {listed} or rows of numbers, got {value!r}")
    return value


def _size_pair(size: object) -> tuple[int, int]:
    """``size`` of a kernel: an int or a pair (rows, cols), each 1 to 5."""
    pair = to_2tuple(size, "size")  # type: ignore[arg-type]
    if not all(1 <= side <= MAX_KERNEL_SIDE for side in pair):
        raise ValueError(f"size must be 1 to {MAX_KERNEL_SIDE} rows and columns, got {size!r}: write e.g. size=3")
    return pair


def _is_2d(value: object) -> bool:
    """True for a tensor, an array or a list whose items are themselves sequences (rows)."""
    if isinstance(value, torch.Tensor) or type(value).__module__ == "numpy":
        return getattr(value, "ndim", 1) >= 2
    return isinstance(value, Sequence) and not isinstance(value, str) and any(
        isinstance(item, Sequence) and not isinstance(item, str) for item in value)


# ============================================================================ 7.6 feature maps
MAX_MAPS = 16  # feature maps drawn at once
_SOURCES = ("test image", "drawing")


def _source_labels() -> dict[str, str]:
    """What the buttons of the ``source`` control say (the values stay :data:`_SOURCES`)."""
    return {"test image": say("test image"), "drawing": say("drawing")}


def _check_model(model: object) -> nn.Module:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module (e.g. a trained LeNet()), got {type(model).__name__}")
    lazy = [name or type(model).__name__ for name, module in model.named_modules()
            if isinstance(module, LazyModuleMixin) and module.has_uninitialized_params()]
    if lazy:
        raise ValueError(
            f"{type(model).__name__}'s layer {lazy[0]} has no weights yet (a lazy layer that has not seen a batch): "
            "train the model first, or create its weights with model.apply_init([X], init_cnn)"
        )
    return model


def _top_layers(model: nn.Module) -> dict[str, nn.Module]:
    """The top-level layers of ``model.net`` (or of ``model``), by qualified name ("net.0")."""
    net = getattr(model, "net", model)
    if not isinstance(net, nn.Module):
        net = model
    prefix = "net." if net is not model else ""
    return {prefix + name: layer for name, layer in net.named_children()}


def _run(model: nn.Module, layers: Mapping[str, nn.Module], X: torch.Tensor) -> tuple[dict[str, Any], Any]:
    """The output of each of ``layers`` and of the model for the batch ``X``: one forward pass with hooks,
    in evaluation mode under ``torch.no_grad()`` (``fields.evaluating``). A layer that runs twice keeps its
    first output."""
    outputs: dict[str, Any] = {}
    handles = [
        layer.register_forward_hook(lambda module, inputs, output, name=name: outputs.setdefault(name, output))
        for name, layer in layers.items()
    ]
    try:
        with evaluating(model):
            result = model(model_input(model, X))
    except (RuntimeError, ValueError, TypeError) as error:
        raise ValueError(
            f"{type(model).__name__} cannot run on images of shape {tuple(X.shape)}: {str(error).splitlines()[0]}"
        ) from error
    finally:
        for handle in handles:
            handle.remove()
    return outputs, result


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


def _six_digits(t: torch.Tensor) -> list[float]:
    """Values for a grid, to six significant digits (float32 holds about seven): a smaller scene to send."""
    return [float(f"{x:.6g}") for x in t.flatten().tolist()]


class FeatureMapExplorer(Explorer):
    """Feature maps of a trained network for a test image or a drawing (D2L 7.6), and its top-3 classes.

    ``images`` are grey, floating-point, ``(N, 1, H, W)`` or ``(N, H, W)``. The layers offered are
    the top-level layers of ``model.net`` (or of ``model``) whose output is a C x H x W map, found
    by one forward pass of the first image: a stage that ends in flatten, linear or global pooling
    is left out. ``labels`` has one class number per image; ``class_names[k]`` names class ``k``
    (in the text and the table of predictions). The model runs in evaluation mode, without
    gradients, on its own device and dtype; it must have its weights (a trained model).

    Controls: ``source`` ("test image" or "drawing"), ``image`` (the index of the test image),
    ``drawing`` (H x W pixels in [0, 1], row-major; empty at first; the front end paints it or
    fills it from an uploaded picture), ``invert`` (use 1 − drawing: for a dark garment on a
    light background) and ``layer``. Setting ``image`` shows the test image, setting
    ``drawing`` (from Python also as an H x W tensor) shows the drawing. At most 16 maps are
    drawn. After each change ``maps`` (C x h x w) and ``probabilities`` (one per class, or
    None when the model's output is not a row of class scores) hold the numbers shown.
    """

    def __init__(
        self,
        model: nn.Module,
        images: torch.Tensor,
        labels: Sequence[int] | torch.Tensor | None = None,
        class_names: Sequence[str] | None = None,
    ) -> None:
        self.model = _check_model(model)
        self.images = grey_images(images, "images", batch=True)  # (N, 1, H, W)
        self.labels = _labels(labels, len(self.images))
        self.class_names = _class_names(class_names, self.labels)
        candidates = _top_layers(model)
        outputs, scores = _run(model, candidates, self.images[:1])
        self._layers = {
            name: layer for name, layer in candidates.items()
            if isinstance(outputs.get(name), torch.Tensor) and outputs[name].dim() == 4  # N x C x H x W
        }
        if not self._layers:
            raise ValueError(
                f"{type(model).__name__} has no layer whose output is a C x H x W feature map (its layers: "
                f"{', '.join(candidates) or 'none'}): give a model with convolutional layers, e.g. LeNet()"
            )
        self.num_classes = scores.shape[1] if isinstance(scores, torch.Tensor) and scores.dim() == 2 else None
        if self.class_names is not None and self.num_classes is not None and len(self.class_names) < self.num_classes:
            raise ValueError(f"{type(model).__name__} gives {self.num_classes} class scores but class_names has "
                             f"{len(self.class_names)} names: give one name per class")
        self.height, self.width = self.images.shape[-2:]
        self.maps = torch.empty(0)
        self.probabilities: torch.Tensor | None = None
        super().__init__(source="test image", image=0, drawing=[0.0] * (self.height * self.width), invert=False,
                         layer=next(iter(self._layers)))

    # -- driving from Python ---------------------------------------------------
    def set(self, **values: Any) -> None:
        """Set controls; ``drawing`` may also be an H x W tensor or array. Setting ``image`` shows that test
        image, setting ``drawing`` shows the drawing (unless ``source`` is given too)."""
        values = dict(values)
        if "drawing" in values:
            values["drawing"] = self._drawing(values["drawing"])
            values.setdefault("source", "drawing")
        if "image" in values:
            values.setdefault("source", "test image")
        super().set(**values)

    def _drawing(self, value: Any) -> Any:
        """An H x W drawing as row-major pixels in [0, 1]; what is not numbers is left to the control's check."""
        try:
            pixels = torch.as_tensor(value, dtype=torch.float64)
        except (TypeError, ValueError, RuntimeError):
            return value
        if pixels.dim() == 2 and tuple(pixels.shape) != (self.height, self.width):
            raise ValueError(f"drawing is {_by(*pixels.shape)} but the images are {_by(self.height, self.width)}: "
                             "draw on an image of the same size")
        if pixels.numel() and bool(torch.isfinite(pixels).all()) and (pixels.min() < 0 or pixels.max() > 1):
            raise ValueError(f"drawing pixels must be in [0, 1] (0 black, 1 white), got {float(pixels.min()):g} to "
                             f"{float(pixels.max()):g}: for pixels 0 to 255 divide by 255")
        return pixels.flatten().tolist() if pixels.dim() == 2 else value

    # -- the explorer ------------------------------------------------------------
    def _controls(self, values: Mapping[str, Any]) -> list[Control]:
        count = len(self.images)
        source = values.get("source", "test image")
        sources = _source_labels()
        return [
            Control("source", say("show"), "choice", source, options=[[sources[name], name] for name in _SOURCES],
                    group=say("input")),
            Control("image", say("test image"), "int", values.get("image", 0), min=0, max=count - 1, step=1,
                    group=say("input"), disabled=count == 1,
                    note=say("there is one test image") if count == 1 else say("{count} test images", count=count)),
            Control("drawing", say("drawing"), "draw", values.get("drawing", [0.0] * (self.height * self.width)),
                    rows=self.height, cols=self.width,
                    note=say("light strokes on a dark background, like Fashion-MNIST's white garments on black")),
            Control("invert", say("invert the drawing"), "toggle", values.get("invert", False),
                    disabled=source != "drawing",
                    note=say("for a dark garment on a light background, e.g. a photo")),
            Control("layer", say("layer"), "choice", values.get("layer", next(iter(self._layers))),
                    options=[[f"{name} {type(layer).__name__}", name] for name, layer in self._layers.items()]),
        ]

    def _input(self, values: Mapping[str, Any]) -> torch.Tensor:
        """The 1 x 1 x H x W image the model sees now."""
        if values["source"] == "drawing":
            pixels = torch.tensor(values["drawing"], dtype=torch.float32).reshape(1, 1, self.height, self.width)
            return 1 - pixels if values["invert"] else pixels
        index = values["image"]
        return self.images[index : index + 1]

    def _compute(self, values: Mapping[str, Any]) -> Scene:
        name, index, drawing = values["layer"], values["image"], values["source"] == "drawing"
        layer = self._layers[name]
        X = self._input(values)
        outputs, scores = _run(self.model, {name: layer}, X)
        self.maps = outputs[name][0].detach().float().cpu()  # C x h x w
        channels, h, w = self.maps.shape
        shown = min(channels, MAX_MAPS)
        shade = "grey" if float(self.maps.min()) >= 0 else "signed"
        if drawing:
            title = say("your drawing, inverted") if values["invert"] else say("your drawing")
        elif self.labels is not None:
            title = say("test image {index}: {name}", index=index, name=self._class_name(self.labels[index]))
        else:
            title = say("test image {index}", index=index)
        grids = [Grid("input", title, self.height, self.width, values=X[0, 0].flatten().tolist(), shade="grey")]
        grids += [Grid(f"map{c}", say("channel {channel}", channel=c), h, w, values=_six_digits(self.maps[c]),
                       shade=shade, panel="maps")
                  for c in range(shown)]
        layer_text = say("layer {name} ({kind})", name=name, kind=type(layer).__name__)
        maps_text = say("{count} feature map of {size}" if channels == 1 else "{count} feature maps of {size}",
                        count=channels, size=_by(h, w))
        if shown < channels:
            maps_text += say(" (the first {shown} are drawn)", shown=shown)
        lines = [f"<b>{html.escape(layer_text)}: {html.escape(maps_text)}</b>"]
        if drawing:
            lines.append(say("Input: your drawing, inverted (1 − pixel).") if values["invert"] else
                         say("Input: your drawing."))
        else:
            label = ""
            if self.labels is not None:
                y = self.labels[index]
                label = (say(", label {label} ({name})", label=y, name=html.escape(self.class_names[y]))
                         if self.class_names else say(", label {label}", label=y))
            lines.append(say("Input: test image {index} of {count}{label}.", index=index, count=len(self.images),
                             label=label))
        table = None
        self.probabilities = None
        if self.num_classes is not None and isinstance(scores, torch.Tensor) and scores.dim() == 2:
            self.probabilities = torch.softmax(scores[0].detach().double().cpu(), dim=0)
            top = torch.topk(self.probabilities, k=min(3, self.num_classes))
            table = [[say("rank"), say("class"), say("probability")]] + [
                [str(rank), self._class_name(int(k)), f"{float(p):.1%}"]
                for rank, (p, k) in enumerate(zip(top.values, top.indices), start=1)
            ]
            first = table[1]
            lines.append(say("The model's most likely class: <b>{name}</b> ({probability}).",
                             name=html.escape(first[1]), probability=first[2]))
        else:
            got = (say("shape {shape}", shape=tuple(scores.shape)) if isinstance(scores, torch.Tensor)
                   else type(scores).__name__)
            lines.append(say("The model's output ({got}) is not one score per class: no prediction to show.",
                             got=html.escape(got)))
        lines.append(say("To draw: light strokes on a dark background, as Fashion-MNIST's garments are white on black "
                         "(for a photo of a dark garment on a light background, turn on invert)."))
        # The prediction is in the text and the table, not in the one-line summary: a notebook's saved
        # summary then depends on the layer and the image only, not on how long the model trained.
        summary = say("{layer}: {maps}, input {title}", layer=layer_text, maps=maps_text, title=title)
        return Scene(text="<br>".join(lines), summary=summary, grids=grids, table=table)

    def _class_name(self, k: int) -> str:
        return self.class_names[k] if self.class_names and k < len(self.class_names) else say("class {k}", k=k)
