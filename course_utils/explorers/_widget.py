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
moves; the answer is the new ``scene`` and ``controls`` with ``answered = n``, so the
front end knows the kernel heard it (and says so when it does not, e.g. after a restart).
"""

from __future__ import annotations

import math
import pathlib
from collections.abc import Mapping
from typing import Any

import anywidget
import traitlets

from course_utils.explorers.scene import Control, Scene

__all__ = ["Explorer"]

_STATIC = pathlib.Path(__file__).parent / "static"


class Explorer(anywidget.AnyWidget):
    """Base class of the course's explorers (see the module docstring)."""

    _esm = _STATIC / "explorer.js"
    _css = _STATIC / "explorer.css"

    controls = traitlets.List().tag(sync=True)  # [Control as dict], for the current values
    values = traitlets.Dict().tag(sync=True)  # name -> value of every control
    scene = traitlets.Dict().tag(sync=True)  # Scene as dict
    answered = traitlets.Int(0).tag(sync=True)  # the last front-end request this state answers
    kind = traitlets.Unicode("").tag(sync=True)  # the class name, for the front end's labels and tests

    def __init__(self, **values: Any) -> None:
        super().__init__(kind=type(self).__name__)
        self._state: Scene | None = None
        self._apply(self._check(values, self._controls(values)) if values else {}, replace=values)
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
        self._apply(self._check(values, self._controls(merged)), replace=values)

    def summary(self) -> str:
        """One line of plain text: what the explorer shows now (also its text/plain)."""
        return f"{type(self).__name__}: {self.state.summary}"

    def __repr__(self) -> str:
        return f"<{self.summary()}>"

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        data = dict(data)
        data["text/plain"] = self.summary()
        try:
            from course_utils.explorers.render_png import scene_to_png
        except ImportError:  # the static picture is optional while the renderer is built
            pass
        else:
            data["image/png"] = scene_to_png(self.state)
        return data, metadata

    # -- internals -----------------------------------------------------------------
    def _check(self, values: Mapping[str, Any], controls: list[Control]) -> dict[str, Any]:
        """``values`` checked against ``controls``: a clear error naming the value and what is allowed."""
        by_name = {control.name: control for control in controls}
        unknown = sorted(set(values) - set(by_name))
        if unknown:
            raise ValueError(f"unknown control(s) {unknown}: {type(self).__name__} has {sorted(by_name)}")
        return {name: _check_value(by_name[name], value) for name, value in values.items()}

    def _apply(self, checked: Mapping[str, Any], replace: Mapping[str, Any]) -> None:
        values = dict(self.values)
        if not values:  # first call: every control at its default
            values = {control.name: control.value for control in self._controls(dict(checked))}
        values.update(checked)
        values = self._normalise(values)
        controls = self._controls(values)
        values = self._normalise({c.name: values.get(c.name, c.value) for c in controls})
        self._state = self._compute(values)
        with self.hold_sync():
            self.values = values
            self.controls = [_control_dict(c, values) for c in self._controls(values)]
            self.scene = self._state.to_dict()

    def _on_front_end_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, Mapping) or content.get("type") != "set":
            return
        request = content.get("request", 0)
        try:
            self.set(**dict(content.get("values", {})))
        except (TypeError, ValueError) as error:  # the front end keeps its controls in range; say it anyway
            self.send({"type": "refused", "request": request, "message": str(error)})
        self.answered = int(request) if isinstance(request, int) else self.answered


def _control_dict(control: Control, values: Mapping[str, Any]) -> dict[str, Any]:
    from dataclasses import asdict

    data = asdict(control)
    data["value"] = values.get(control.name, control.value)
    return data


def _check_value(control: Control, value: Any) -> Any:
    """One value checked against its control (TypeError/ValueError that names it and the remedy)."""
    name = control.name
    if control.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) and not (
            isinstance(value, float) and value.is_integer()
        ):
            try:
                import numpy as np

                if isinstance(value, np.integer):
                    value = int(value)
                else:
                    raise TypeError
            except TypeError:
                raise TypeError(f"{name} must be a whole number, got {value!r}") from None
        value = int(value)
        if control.min is not None and value < control.min or control.max is not None and value > control.max:
            raise ValueError(f"{name} must be between {control.min:g} and {control.max:g} here, got {value}"
                             + (f" ({control.note})" if control.note else ""))
        return value
    if control.kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise TypeError(f"{name} must be a finite number, got {value!r}")
        if control.min is not None and value < control.min or control.max is not None and value > control.max:
            raise ValueError(f"{name} must be between {control.min:g} and {control.max:g}, got {value:g}")
        return value
    if control.kind == "choice":
        allowed = [option[1] for option in control.options or []]
        if value not in allowed:
            raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
        return value
    if control.kind == "toggle":
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be True or False, got {value!r}")
        return value
    # "matrix" and "draw": row-major numbers, rows x cols of them
    count = (control.rows or 0) * (control.cols or 0)
    try:
        numbers = [float(x) for x in value]
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a list of {count} numbers (row-major), got {value!r}") from None
    if len(numbers) != count or not all(math.isfinite(x) for x in numbers):
        raise ValueError(f"{name} must have {count} finite numbers ({control.rows} x {control.cols}, row-major), "
                         f"got {len(numbers)}")
    return numbers
