"""Argument checks shared by the whole package: one meaning of "an integer", one message style.

Every public function of the course checks its arguments with these, at the call that is
wrong, and raises ``TypeError`` (wrong kind of value) or ``ValueError`` (right kind, bad
value) with the value received and a remedy::

    >>> positive_int(3, "num_convs")
    3
    >>> positive_int(True, "num_convs")
    Traceback (most recent call last):
    ...
    TypeError: num_convs must be a whole number, got True (bool): write e.g. num_convs=2

The rules, everywhere:

* an integer is a Python ``int`` or a NumPy integer (``np.int64(2)``); ``bool`` never is
  (``True`` is not a count), nor is a float, even ``2.0``;
* a number is an integer or a real float (Python or NumPy), never ``bool``; it must be
  finite unless the check says otherwise (``inf`` is no learning rate);
* a flag is ``True`` or ``False`` (or a NumPy bool), nothing else.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np

__all__ = [
    "is_int",
    "is_number",
    "integer",
    "positive_int",
    "nonnegative_int",
    "number",
    "positive_number",
    "fraction",
    "flag",
    "choice",
    "shape",
]


def is_int(value: object) -> bool:
    """True for Python and NumPy integers; False for ``bool`` and for floats."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and type(value).__name__ != "bool_"


def is_number(value: object) -> bool:
    """True for integers (see :func:`is_int`) and real floats (Python or NumPy); False for ``bool``."""
    return is_int(value) or (isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral)
                             and type(value).__name__ != "bool_")


def _kind(value: object) -> str:
    return type(value).__name__


def _example(name: str, example: object) -> str:
    return f"write e.g. {name}={example!r}"


def integer(value: Any, name: str, *, minimum: int | None = None, example: object = None) -> int:
    """``value`` as a Python ``int``, at least ``minimum`` if given."""
    shown = example if example is not None else (minimum if minimum is not None else 1)
    if not is_int(value):
        raise TypeError(f"{name} must be a whole number, got {value!r} ({_kind(value)}): {_example(name, shown)}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}: {_example(name, shown)}")
    return int(value)


def positive_int(value: Any, name: str, *, example: object = None) -> int:
    """An integer >= 1 (a count, a size, a number of channels)."""
    return integer(value, name, minimum=1, example=example if example is not None else 2)


def nonnegative_int(value: Any, name: str, *, example: object = None) -> int:
    """An integer >= 0 (padding, a number of epochs that may be zero)."""
    return integer(value, name, minimum=0, example=example if example is not None else 0)


def number(
    value: Any,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    strict_minimum: bool = False,
    example: object = None,
) -> float:
    """``value`` as a finite Python ``float`` in ``[minimum, maximum]`` (``(minimum, ...`` when strict)."""
    shown = example if example is not None else (1 if minimum is None else max(minimum, 0) or 0.1)
    if not is_number(value):
        raise TypeError(f"{name} must be a number, got {value!r} ({_kind(value)}): {_example(name, shown)}")
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"{name} must be a finite number, got {value!r}: {_example(name, shown)}")
    too_low = minimum is not None and (result <= minimum if strict_minimum else result < minimum)
    too_high = maximum is not None and result > maximum
    if too_low or too_high:
        low = "" if minimum is None else (f"> {minimum:g}" if strict_minimum else f">= {minimum:g}")
        high = "" if maximum is None else f"<= {maximum:g}"
        bounds = " and ".join(part for part in (low, high) if part)
        raise ValueError(f"{name} must be {bounds}, got {value!r}: {_example(name, shown)}")
    return result


def positive_number(value: Any, name: str, *, example: object = None) -> float:
    """A finite number > 0 (a learning rate, a width multiplier, epsilon)."""
    return number(value, name, minimum=0, strict_minimum=True, example=example if example is not None else 0.1)


def fraction(value: Any, name: str, *, example: object = None) -> float:
    """A finite number in [0, 1] (a momentum, a dropout probability)."""
    return number(value, name, minimum=0, maximum=1, example=example if example is not None else 0.1)


def flag(value: Any, name: str) -> bool:
    """``True`` or ``False`` (a NumPy bool too); anything else is a ``TypeError``."""
    if isinstance(value, (bool, np.bool_)):  # np.bool_ is NumPy 1's name for NumPy 2's np.bool
        return bool(value)
    raise TypeError(f"{name} must be True or False, got {value!r} ({_kind(value)})")


def choice(value: Any, name: str, options: Collection[Any]) -> Any:
    """``value`` if it is one of ``options``, else a ``ValueError`` listing them."""
    if not any(type(value) is type(option) and value == option for option in options):
        listed = ", ".join(repr(option) for option in options)
        raise ValueError(f"{name} must be one of {listed}, got {value!r}")
    return value


def shape(value: Any, name: str, *, dims: int | None = None, example: object = (1, 1, 28, 28)) -> tuple[int, ...]:
    """A tensor shape such as N x C x H x W: a tuple, list or ``torch.Size`` of whole numbers >= 1
    (``dims`` of them when given), as a tuple of Python ints."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a sequence N x C x H x W of positive integers, got {value!r}: e.g. {example}")
    if len(value) == 0 or (dims is not None and len(value) != dims) or not all(is_int(d) and d >= 1 for d in value):
        raise ValueError(f"{name} must be N x C x H x W of positive integers, got {value!r}: e.g. {example}")
    return tuple(int(d) for d in value)
