"""The explorer widget: controls and a scene computed in Python, drawn and pointed at in the browser.

:class:`Explorer` is an ``anywidget.AnyWidget``. A subclass says which controls it has
(``_controls``) and what a state shows (``_compute``, a :class:`~.scene.Scene`); this class
keeps the values, checks what is set from Python, answers the front end and gives the
display bundle (the live view, a PNG of the same scene for a notebook opened without
running, and one line of text).

From Python, with no browser::

    explorer = ConvolutionExplorer()
    explorer.set(padding=2, stride=1)
    explorer.values, explorer.state.summary, explorer.state.grid("output").rows

The front end sends ``{"type": "set", "values": {...}, "request": n}`` when a control
moves. The values go through :meth:`Explorer.set`, as from Python; the answer is the new
``scene``, ``controls`` and ``answered = n`` in one update, so the front end knows the kernel
heard it (and says so when it does not, e.g. after a restart). ``{"type": "ping",
"request": n}`` asks for ``answered = n`` alone (the front end checks that the kernel is
there when the student starts pointing). A value the controls do not allow is answered
with ``{"type": "refused", "request": n, "message": ...}``.

The cell the student pins by clicking is the ``selection`` trait, ``[grid id, cell]``
(``[]`` when none); Python may set it too.

What a student reads is in the language in use when the explorer is created or redrawn
(``course_utils.language``): the scene and the controls are computed in it, and the front
end's own phrases (button names, hints, what it says about a typed value) come in the
``phrases`` trait, English -> the language in use, filled from :func:`front_end_phrases`.
"""

from __future__ import annotations

import math
import pathlib
import struct
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import anywidget
import traitlets

from course_utils.explorers.scene import Control, Scene
from course_utils.language import say, speaking
from course_utils.validate import is_int, is_number

__all__ = ["Explorer", "front_end_phrases"]

_STATIC = pathlib.Path(__file__).parent / "static"
_PROTOCOL = ("_model_name", "_model_module", "_view_name", "_view_module")  # the widget's traits that name its classes


class Explorer(anywidget.AnyWidget):
    """Base class of the course's explorers (see the module docstring)."""

    _esm = _STATIC / "explorer.js"
    _css = _STATIC / "explorer.css"

    controls = traitlets.List().tag(sync=True)  # [Control as dict], for the current values
    values = traitlets.Dict().tag(sync=True)  # name -> value of every control
    scene = traitlets.Dict().tag(sync=True)  # Scene as dict
    answered = traitlets.Int(0).tag(sync=True)  # the last front-end request this state answers
    kind = traitlets.Unicode("").tag(sync=True)  # the class name, for the front end's labels and tests
    selection = traitlets.List().tag(sync=True)  # [grid id, cell] pinned in the front end, [] for none
    phrases = traitlets.Dict().tag(sync=True)  # the front end's own phrases: English -> the language in use

    def __init__(self, **values: Any) -> None:
        super().__init__(kind=type(self).__name__)
        for name in _PROTOCOL:  # set by a subclass before this call, the front end could not find the view
            if getattr(self, name) != getattr(anywidget.AnyWidget, name).default_value:
                raise TypeError(f"{type(self).__name__} sets {name} = {getattr(self, name)!r}: that name belongs "
                                "to the widget protocol; give the attribute another name")
        self._state: Scene | None = None
        self._answering: int | None = None  # the front-end request being answered, sent with its state
        self._apply(self._check(values, self._controls(values)) if values else {})
        self.on_msg(self._on_front_end_message)

    # -- what a subclass provides ------------------------------------------------
    def _controls(self, values: Mapping[str, Any]) -> list[Control]:
        """The controls for ``values`` (their limits may depend on the other values)."""
        raise NotImplementedError

    def _compute(self, values: Mapping[str, Any]) -> Scene:
        """What the explorer shows for ``values`` (already checked and normalised)."""
        raise NotImplementedError

    def _normalise(self, values: dict[str, Any]) -> dict[str, Any]:
        """Bring values that depend on others back into range (e.g. a picked output cell after
        the output shrank). The default changes nothing."""
        return values

    # -- driving from Python -----------------------------------------------------
    @property
    def state(self) -> Scene:
        """The scene shown now."""
        assert self._state is not None
        return self._state

    def set(self, **values: Any) -> None:
        """Set several controls at once and recompute once: ``explorer.set(padding=2, stride=1)``."""
        merged = {**self.values, **values}
        self._apply(self._check(values, self._controls(merged)))

    def summary(self) -> str:
        """One line of plain text: what the explorer shows now (also its text/plain)."""
        return f"{type(self).__name__}: {self.state.summary}"

    def __repr__(self) -> str:
        return f"<{self.summary()}>"

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        data, metadata = dict(data), dict(metadata or {})
        data["text/plain"] = self.summary()
        try:
            from course_utils.explorers.render_png import PIXEL_RATIO, scene_to_png
        except ImportError:  # the static picture is optional while the renderer is built
            pass
        else:
            png = scene_to_png(self.state)
            data["image/png"] = png
            width, height = _png_size(png)  # drawn at PIXEL_RATIO x, shown at its CSS size
            metadata["image/png"] = {"width": width // PIXEL_RATIO, "height": height // PIXEL_RATIO}
        return data, metadata

    # -- internals -----------------------------------------------------------------
    def _check(self, values: Mapping[str, Any], controls: list[Control]) -> dict[str, Any]:
        """``values`` checked against ``controls``: a clear error naming the value and what is allowed."""
        by_name = {control.name: control for control in controls}
        unknown = sorted(set(values) - set(by_name))
        if unknown:
            raise ValueError(f"unknown control(s) {unknown}: {type(self).__name__} has {sorted(by_name)}")
        return {name: _check_value(by_name[name], value) for name, value in values.items()}

    def _apply(self, checked: Mapping[str, Any]) -> None:
        values = dict(self.values)
        if not values:  # first call: every control at its default
            values = {control.name: control.value for control in self._controls(dict(checked))}
        values.update(checked)
        values = self._normalise(values)
        controls = self._controls(values)
        values = self._normalise({c.name: values.get(c.name, c.value) for c in controls})
        values = _within(self._controls(values), values)
        state = self._compute(values)
        self._state = state
        with self.hold_sync():
            self.values = values
            self.controls = [_control_dict(c, values) for c in self._controls(values)]
            self.scene = state.to_dict()
            self.phrases = front_end_phrases()  # sent only when the language changed since the last state
            if self._answering is not None:
                self.answered = self._answering

    def _on_front_end_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """Answer the front end: ``set`` values (refused politely when they are not allowed) or ``ping``."""
        if not isinstance(content, Mapping) or content.get("type") not in ("set", "ping"):
            return
        request = content.get("request")
        answered = int(request) if is_int(request) else None
        if content["type"] == "ping":
            if answered is not None:
                self.answered = answered
            return
        values = content.get("values", {})
        try:
            if not isinstance(values, Mapping):
                raise TypeError(f"the values to set must be a mapping name -> value, got {values!r}")
            self._answering = answered
            try:
                self.set(**dict(values))  # through set(): a subclass that converts values there is obeyed
            finally:
                self._answering = None
        except (TypeError, ValueError) as error:  # the front end keeps its controls in range; say it anyway
            self._refuse(request, answered, str(error))
        except Exception as error:  # a fault in the explorer: answered all the same, and the traceback logged
            self._refuse(request, answered, say("the explorer failed on these values ({kind}: {error})",
                                                kind=type(error).__name__, error=error))
            raise

    def _refuse(self, request: Any, answered: int | None, message: str) -> None:
        self.send({"type": "refused", "request": request, "message": message})
        if answered is not None:
            self.answered = answered


def _within(controls: list[Control], values: dict[str, Any]) -> dict[str, Any]:
    """``values`` brought inside limits that moved because another value changed (as a slider keeps
    its value inside its range): numbers clamped, a choice or a grid of the wrong size back to its default."""
    result = dict(values)
    for control in controls:
        value = result.get(control.name, control.value)
        if control.kind in ("int", "number"):
            if control.min is not None and value < control.min:
                value = int(math.ceil(control.min)) if control.kind == "int" else control.min
            if control.max is not None and value > control.max:
                value = int(math.floor(control.max)) if control.kind == "int" else control.max
        elif control.kind == "choice":
            if not any(value == option[1] for option in control.options or []):
                value = control.value
        elif control.kind in ("matrix", "draw"):
            if not isinstance(value, list) or len(value) != (control.rows or 0) * (control.cols or 0):
                value = control.value
        result[control.name] = value
    return result


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its IHDR chunk."""
    return struct.unpack(">II", png[16:24])


def _control_dict(control: Control, values: Mapping[str, Any]) -> dict[str, Any]:
    data = asdict(control)
    data["value"] = values.get(control.name, control.value)
    return data


def _range_text(control: Control) -> str:
    low = "" if control.min is None else f"{control.min:g}"
    high = "" if control.max is None else f"{control.max:g}"
    if low and high:
        return say("between {low} and {high}", low=low, high=high)
    return say("at least {low}", low=low) if low else say("at most {high}", high=high)


def _out_of_range(control: Control, value: float) -> bool:
    return (control.min is not None and value < control.min) or (control.max is not None and value > control.max)


def _flat(items: list[Any]) -> list[Any]:
    """A row-major list, from a flat list or a list of rows."""
    if items and all(isinstance(row, (list, tuple)) for row in items):
        return [x for row in items for x in row]
    return items


def _check_value(control: Control, value: Any) -> Any:
    """One value checked against its control (TypeError/ValueError that names it and the remedy, in the
    language in use: the front end shows it), as plain Python data (NumPy numbers become ``int``/``float``)."""
    name, note = control.name, f" ({control.note})" if control.note else ""
    if control.kind == "int":
        if not is_int(value) and not (is_number(value) and float(value).is_integer()):
            raise TypeError(say("{name} must be a whole number, got {value!r}: write e.g. {name}={example!r}",
                                name=name, value=value, example=control.value))
        value = int(value)
        if _out_of_range(control, value):
            raise ValueError(say("{name} must be {range} here, got {value}{note}", name=name,
                                 range=_range_text(control), value=value, note=note))
        return value
    if control.kind == "number":
        if not is_number(value) or not math.isfinite(value):
            raise TypeError(say("{name} must be a finite number, got {value!r}: write e.g. {name}={example!r}",
                                name=name, value=value, example=control.value))
        value = int(value) if is_int(value) else float(value)
        if _out_of_range(control, value):
            raise ValueError(say("{name} must be {range} here, got {value:g}{note}", name=name,
                                 range=_range_text(control), value=value, note=note))
        return value
    if control.kind == "choice":
        allowed = [option[1] for option in control.options or []]
        for option in allowed:  # 1 == True in Python; a choice of numbers must not take a flag
            if value == option and isinstance(value, bool) == isinstance(option, bool):
                return option
        raise ValueError(say("{name} must be one of {allowed}, got {value!r}", name=name, allowed=allowed,
                             value=value))
    if control.kind == "toggle":
        numpy_bool = type(value).__module__ == "numpy" and type(value).__name__ in ("bool", "bool_")
        if not isinstance(value, bool) and not numpy_bool:
            raise TypeError(say("{name} must be True or False, got {value!r}", name=name, value=value))
        return bool(value)
    # "matrix" and "draw": row-major numbers, rows x cols of them
    count = (control.rows or 0) * (control.cols or 0)
    shape = say("{rows} x {cols}, row-major", rows=control.rows, cols=control.cols)
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
        raise TypeError(say("{name} must be a list of {count} numbers ({shape}), got {value!r}", name=name,
                            count=count, shape=shape, value=value))
    items = _flat(value.tolist() if hasattr(value, "tolist") else list(value))
    if not all(is_number(x) for x in items):
        raise TypeError(say("{name} must be a list of {count} numbers ({shape}), got {value!r}", name=name,
                            count=count, shape=shape, value=value))
    numbers = [float(x) for x in items]
    if len(numbers) != count:
        raise ValueError(say("{name} must have {count} numbers ({shape}), got {got}", name=name, count=count,
                             shape=shape, got=len(numbers)))
    if not all(math.isfinite(x) for x in numbers):
        raise ValueError(say("{name} must have finite numbers only, got {bad}", name=name,
                             bad=[x for x in numbers if not math.isfinite(x)]))
    low, high = (0.0, 1.0) if control.kind == "draw" else (control.min, control.max)
    outside = [x for x in numbers if (low is not None and x < low) or (high is not None and x > high)]
    if outside:
        bounds = Control(name, "", "number", 0, min=low, max=high)
        raise ValueError(say("{name} must have numbers {range}, got {value:g}", name=name,
                             range=_range_text(bounds), value=outside[0]))
    return numbers


# ----------------------------------------------------------------------------- the front end's own phrases
def _slots(*names: str) -> dict[str, str]:
    """Fields that stay as they are (``{label}``): the front end fills them in."""
    return {name: "{" + name + "}" for name in names}


def _front_end_texts() -> tuple[str, ...]:
    """Every phrase of its own that ``static/explorer.js`` shows (it looks each up with ``t("...")``, by its
    English text), in the language in use; the fields in braces are filled in by the front end."""
    return (
        # a typed value (the boxes, the matrix, the drawing)
        say("between {low} and {high}", **_slots("low", "high")),
        say("at least {low}", **_slots("low")),
        say("at most {high}", **_slots("high")),
        say("any number"),
        say("{label}: write a whole number {range}", **_slots("label", "range")),
        say("{label} must be {range} here, got {value}", **_slots("label", "range", "value")),
        say("“{text}” is not a number: write e.g. 1000, 1,000 or 1e3", **_slots("text")),
        say("“{text}” is not a number: write e.g. 2, -0.5 or 1e3", **_slots("text")),
        say("each number must be {range}, got {value}", **_slots("range", "value")),
        say("{label} (box)", **_slots("label")),
        say("{label} row {row}, column {col}", **_slots("label", "row", "col")),
        say("{label}: paint with the mouse or a finger ({rows} × {cols} pixels)", **_slots("label", "rows", "cols")),
        say("clear"),
        say("invert"),
        say("load a picture"),
        say("load a picture…"),
        say("could not read “{name}” as a picture: try a PNG or JPEG file", **_slots("name")),
        # the kernel
        say("The kernel did not answer: it is busy, or it was restarted. If it was restarted, run this cell again "
            "(Shift+Enter) to bring the explorer back."),
        say("the kernel refused this value"),
        # the grids, the player and the info line
        say("{title}: {rows} × {cols} cells; arrow keys move the selected cell", **_slots("title", "rows", "cols")),
        say("previous cell"),
        say("next cell"),
        say("play: walk through the cells"),
        say("pause"),
        say("{title}: cell {where}, {number} of {count}", **_slots("title", "where", "number", "count")),
        say("{title}: 1 cell", **_slots("title")),
        say("{title}: {count} cells", **_slots("title", "count")),
        say("Point at a cell to see what it reads; click to keep it, arrow keys to move it."),
        say("{title}, cell {where}", **_slots("title", "where")),
        say("{here}: no field", **_slots("here")),
        say("{here} sees {title}, rows {top}…{bottom}, columns {left}…{right}: a {height}×{width} field",
            **_slots("here", "title", "top", "bottom", "left", "right", "height", "width")),
        say(" (dashed: the part beyond the grid)"),
        say(" (padding)"),
        say(" (dropped)"),
        say(" (unread)"),
        say("{here}{value}{kind} is read by {title}, cell {cells}",
            **_slots("here", "value", "kind", "title", "cells")),
        say("{here}{value}{kind} is read by {title}, cells {cells}",
            **_slots("here", "value", "kind", "title", "cells")),
        say("{here}{value}{kind}: no cell of {title} reads it", **_slots("here", "value", "kind", "title")),
        say("{shown}, … ({count} in all)", **_slots("shown", "count")),
        say("{shown} ({count} terms)", **_slots("shown", "count")),
        say("; the cell shows {value}", **_slots("value")),
    )


def front_end_phrases() -> dict[str, str]:
    """The front end's own phrases: English -> the language in use (the ``phrases`` trait)."""
    with speaking("en"):
        english = _front_end_texts()
    return dict(zip(english, _front_end_texts()))
