"""How every self-check answers: a reminder for ``...``, a hint first, the solution on request.

A check computes the expected value itself and calls :func:`report`. What the student
reads depends on how many times this exercise was answered wrongly:

* an answer left as ``...`` (or ``None``): only the reminder, nothing about the answer;
* right: ✅, the value, and the worked "Why";
* the first wrong answer: ❌, what was answered, and a hint (never the expected value);
* a second wrong answer to the same exercise, or :func:`show_solution`: the expected value
  and the worked "Why".

An exercise is one check called with the same arguments (other than the answer), so two
exercises of a notebook that use the same check count their tries apart. Equal answers in
another form pass: ``(2.0, 2.0)`` for ``(2, 2)``, ``torch.tensor(156)``, ``156.0`` or a NumPy
integer for 156 (:func:`as_int`, :func:`as_pair`, :func:`as_number`).

>>> @answer_check
... def check_square(answer, n):
...     report(as_int(answer) == n * n, answer, n * n, hint="multiply the side by itself", why=f"{n}·{n} = {n * n}")
>>> check_square(10, 3)
❌ Not quite: you answered 10.
💡 Hint: multiply the side by itself
   Try again, or run show_solution() to see the worked answer.
>>> show_solution()
Solution: 9.
   Why: 3·3 = 9
>>> check_square(9.0, 3)
✅ Correct: 9.
   Why: 3·3 = 9
>>> reset_attempts()
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

import torch

from course_utils.formatting import display_width
from course_utils.language import say

__all__ = [
    "PLACEHOLDER",
    "answer_check",
    "report",
    "show_solution",
    "reset_attempts",
    "as_int",
    "as_number",
    "as_pair",
    "tensor_report",
]

PLACEHOLDER = "✏️ Replace the ... with your answer, then run the cell again."
NO_SOLUTION_YET = "No self-check has been answered yet: run one with your answer first, then show_solution()."


@dataclass(frozen=True)
class _Solution:
    expected: str
    why: str


_wrong_tries: dict[Hashable, int] = {}  # exercise key -> wrong answers so far
_current: list[Hashable] = []  # the key of the check running now (a stack: checks may call checks)
_last_solution: list[_Solution] = []  # the solution of the exercise answered last


def reset_attempts() -> None:
    """Forget every try (a fresh start, as after a kernel restart)."""
    _wrong_tries.clear()
    _last_solution.clear()


def _key(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Hashable:
    def part(value: Any) -> Hashable:
        if isinstance(value, torch.Tensor):
            return ("tensor", tuple(value.shape), tuple(value.detach().flatten().tolist()[:64]))
        if isinstance(value, torch.nn.Module) or callable(value):
            return (type(value).__qualname__, getattr(value, "__qualname__", ""), repr(value)[:500])
        return repr(value)

    return (name, tuple(part(a) for a in args), tuple(sorted((k, part(v)) for k, v in kwargs.items())))


_Check = TypeVar("_Check", bound=Callable[..., None])


def answer_check(check: _Check) -> _Check:
    """Make ``check(answer, *params)`` a self-check: ``...``/``None`` get the reminder and nothing
    else (the parameters are not even looked at), and :func:`report` knows which exercise it is."""

    @functools.wraps(check)
    def run(answer: object, *args: Any, **kwargs: Any) -> None:
        if answer is ... or answer is None:
            print(say(PLACEHOLDER))
            return
        _current.append(_key(check.__qualname__, args, kwargs))
        try:
            check(answer, *args, **kwargs)
        finally:
            _current.pop()

    return run  # type: ignore[return-value]


def _why_text(why: str) -> str:
    lines = why.splitlines() or [""]
    label = say("   Why: ")
    return "\n".join([label + lines[0]] + [" " * display_width(label) + line for line in lines[1:]])


def _shown(answer: object) -> str:
    if isinstance(answer, torch.Tensor) and answer.numel() > 8:
        return say("a tensor of shape {shape}", shape=tuple(answer.shape))
    text = repr(answer)
    return text if len(text) <= 200 else text[:197] + "..."


def report(ok: bool, answer: object, expected: object, *, hint: str, why: str,
           wrong: str | None = None) -> None:
    """Print the verdict on ``answer`` (see the module docstring for what is shown when).

    ``expected`` is shown as ``str(expected)``; ``wrong`` replaces "you answered ..." when the
    check can say more precisely what is wrong (e.g. "your tensor has shape (7, 6)")."""
    key = _current[-1] if _current else ("report", repr(expected), why)
    solution = _Solution(str(expected), why)
    _last_solution[:] = [solution]
    said = wrong or say("you answered {answer}", answer=_shown(answer))
    if ok:
        print(say("✅ Correct: {expected}.", expected=expected))
        print(_why_text(why))
        return
    tries = _wrong_tries.get(key, 0) + 1
    _wrong_tries[key] = tries
    if tries == 1:
        print(say("❌ Not quite: {said}.", said=said))
        print(say("💡 Hint: {hint}", hint=hint))
        print(say("   Try again, or run show_solution() to see the worked answer."))
        return
    print(say("❌ Not quite: {said}, expected {expected}.", said=said, expected=expected))
    print(_why_text(why))


def show_solution() -> None:
    """Print the expected value and the worked solution of the exercise answered last."""
    if not _last_solution:
        print(say(NO_SOLUTION_YET))
        return
    solution = _last_solution[0]
    print(say("Solution: {expected}.", expected=solution.expected))
    print(_why_text(solution.why))


# --------------------------------------------------------------------------- answers in any form
def _scalar(answer: object) -> object:
    """A one-element tensor or NumPy array as its Python number; anything else unchanged."""
    if isinstance(answer, torch.Tensor) and answer.numel() == 1:
        return answer.item()
    if type(answer).__module__ == "numpy" and getattr(answer, "size", None) == 1 and hasattr(answer, "item"):
        return answer.item()  # type: ignore[union-attr]
    return answer


def as_number(answer: object) -> float | None:
    """``answer`` as a float (ints, floats, NumPy scalars, one-element tensors); None if not a number."""
    value = _scalar(answer)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def as_int(answer: object) -> int | None:
    """``answer`` as an int when it is a whole number in any form (``156``, ``156.0``,
    ``torch.tensor(156)``, ``numpy.int64(156)``); None otherwise."""
    value = as_number(answer)
    return int(value) if value is not None and value.is_integer() else None


def as_pair(answer: object) -> tuple[int, ...] | None:
    """A shape in any form as a tuple of ints: an int ``n`` means ``(n, n)``; a tuple, list,
    ``torch.Size``, 1-D tensor or array of whole numbers (``(2.0, 2.0)`` too). None if not a shape."""
    single = as_int(answer)
    if single is not None and not isinstance(answer, (tuple, list)):
        return (single, single)
    if isinstance(answer, torch.Tensor):
        answer = answer.tolist() if answer.dim() == 1 else None
    elif type(answer).__module__ == "numpy" and getattr(answer, "ndim", None) == 1:
        answer = answer.tolist()  # type: ignore[union-attr]
    if not isinstance(answer, (tuple, list, torch.Size)) or not answer:
        return None
    values = [as_int(v) for v in answer]
    if any(v is None for v in values):
        return None
    return tuple(values)  # type: ignore[arg-type]


def tensor_report(answer: object, expected: torch.Tensor, *, hint: str, why: str, atol: float = 1e-5) -> None:
    """Report on a tensor answer: right shape and values (within ``atol``) pass."""
    if not isinstance(answer, torch.Tensor):
        report(False, answer, say("a tensor of shape {shape}:\n{tensor}", shape=tuple(expected.shape), tensor=expected),
               hint=hint, why=why, wrong=say("expected a tensor of shape {shape}, got {kind}",
                                             shape=tuple(expected.shape), kind=type(answer).__name__))
        return
    if answer.shape != expected.shape:
        report(False, answer, say("shape {shape}:\n{tensor}", shape=tuple(expected.shape), tensor=expected),
               hint=hint, why=why, wrong=say("your tensor has shape {shape}, not {expected}",
                                             shape=tuple(answer.shape), expected=tuple(expected.shape)))
        return
    ok = torch.allclose(answer.detach().float(), expected.float(), atol=atol)
    shown = say("a {shape} tensor that matches", shape=tuple(expected.shape)) if ok else f"\n{expected}"
    report(ok, answer, shown, hint=hint, why=why, wrong=say("right shape, different values"))
