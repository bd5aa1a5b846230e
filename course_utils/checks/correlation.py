"""Self-checks of sections 7.1 and 7.2: cross-correlation and convolution, written or designed by hand.

The answers are functions a student writes (a per-pixel MLP, a 1-D layer for audio, a
cross-correlation as one matrix product), hand-designed kernels (a directional edge
detector, a second difference, a blur) and numbers (a value of a convolution, how many
windows read a pixel, the smallest kernel for a derivative). Every expected value comes
from PyTorch (``F.conv1d``, ``F.conv2d``, autograd) or from a small linear system, never
from a table.

>>> check_window_count(3, input_size=(4, 4), kernel_size=2, pixel=(0, 1))
❌ Not quite: you answered 3.
💡 Hint: count the window positions (top-left corner (i, j), 0 <= i <= n_h − k_h, 0 <= j <= n_w − k_w) whose window covers the pixel, one side at a time, then multiply.
   Try again, or run show_solution() to see the worked answer.
>>> check_window_count(2, input_size=(4, 4), kernel_size=2, pixel=(0, 1))
✅ Correct: 2.
   Why: rows: the windows starting at rows 0…0 cover row 0 (1 of them)
        columns: the windows starting at columns 0…1 cover column 1 (2 of them)
        1 · 2 = 2 windows read pixel (0, 1)
>>> reset_attempts()
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

from course_utils import validate
from course_utils.checks._verdict import (
    PLACEHOLDER,
    answer_check,
    as_int,
    as_number,
    report,
    reset_attempts,  # noqa: F401  (the module's doctest starts afresh with it)
)
from course_utils.language import say
from course_utils.shapes import IntOrPair, conv_output_shape, to_2tuple

__all__ = [
    "check_pixelwise_mlp",
    "check_audio_layer",
    "check_convolution_value",
    "check_window_count",
    "check_directional_kernel",
    "check_second_difference",
    "check_derivative_kernel_size",
    "check_blur_kernel",
    "check_corr2d_matmul",
]

_MATRIX_PRODUCTS = ("matmul", "__matmul__", "__rmatmul__", "mm", "bmm", "mv", "einsum", "tensordot", "linear")


# --------------------------------------------------------------------------- running a student's function
class _Recorder(TorchFunctionMode):
    """Remember the name of every torch function called while it is active."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def __torch_function__(self, func: Any, types: Any, args: tuple[Any, ...] = (), kwargs: Any = None) -> Any:
        self.names.add(getattr(func, "__name__", str(func)))
        return func(*args, **(kwargs or {}))


class _Unanswered(Exception):
    """The student's function still has its ``...`` body."""


def _call(fn: Callable[..., Any], *args: Any) -> tuple[Any, set[str]]:
    """``fn(*args)`` and the torch functions it called; :class:`_Unanswered` for a placeholder body."""
    with _Recorder() as recorder:
        try:
            result = fn(*args)
        except NotImplementedError:
            raise _Unanswered from None
    if result is None or result is ...:
        raise _Unanswered
    return result, recorder.names


def _function(fn: object, example: str) -> Callable[..., Any]:
    if not callable(fn) or isinstance(fn, torch.Tensor):
        raise TypeError(f"the answer must be a function, got {type(fn).__name__}: define it first, e.g. {example}")
    return fn


def _used_convolution(names: set[str]) -> bool:
    return any("conv" in name for name in names)


def _function_report(fn: Callable[..., Any], cases: Sequence[tuple[tuple[Any, ...], torch.Tensor]], *,
                     hint: str, why: str, need_product: bool = False) -> None:
    """Run ``fn`` on every case and compare with the expected tensor; no convolution may be called.

    A placeholder body prints the reminder; a wrong shape or value, an exception, a call of a
    PyTorch convolution (or, with ``need_product``, no matrix product at all) is a wrong answer."""
    called: set[str] = set()
    for args, expected in cases:
        shapes = ", ".join(str(tuple(a.shape)) if isinstance(a, torch.Tensor) else f"{a:.3g}" for a in args)
        try:
            result, names = _call(fn, *args)
        except _Unanswered:
            print(say(PLACEHOLDER))
            return
        except Exception as error:  # the student's code failed: say where, as a wrong answer
            report(False, fn, say("a function that runs"), hint=hint, why=why,
                   wrong=say("your function raised {error_type}: {error} (inputs of shapes {shapes})",
                             error_type=type(error).__name__, error=error, shapes=shapes))
            return
        called |= names
        if not isinstance(result, torch.Tensor) or result.shape != expected.shape:
            got = (say("shape {shape}", shape=tuple(result.shape)) if isinstance(result, torch.Tensor)
                   else type(result).__name__)
            report(False, fn, say("shape {shape}", shape=tuple(expected.shape)), hint=hint, why=why,
                   wrong=say("for inputs of shapes {shapes} your function returned {got}, expected shape {expected}",
                             shapes=shapes, got=got, expected=tuple(expected.shape)))
            return
        if not torch.allclose(result.detach().double(), expected.double(), atol=1e-4, rtol=1e-4):
            report(False, fn, say("the same numbers as PyTorch"), hint=hint, why=why,
                   wrong=say("for inputs of shapes {shapes} the shape is right but the values differ from PyTorch's",
                             shapes=shapes))
            return
    if _used_convolution(called):
        report(False, fn, say("a function without PyTorch's convolution"), hint=hint, why=why,
               wrong=say("your function calls a PyTorch convolution: the exercise asks you to write the sums yourself"))
        return
    if need_product and not called & set(_MATRIX_PRODUCTS):
        report(False, fn, say("a function built on a matrix product"), hint=hint, why=why,
               wrong=say("the values are right but no matrix product was used (no @, matmul, mm or einsum)"))
        return
    report(True, fn, say("your function agrees with PyTorch on {count} inputs", count=len(cases)), hint=hint, why=why)


def _seeded(*shape: int, seed: int) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


# --------------------------------------------------------------------------- 7.1
@answer_check
def check_pixelwise_mlp(answer: object) -> None:
    """Check ``answer(X, W, b)``: at every pixel, the dense layer ``W @ X[:, i, j] + b``.

    ``X`` is (c_in, h, w), ``W`` is (c_out, c_in), ``b`` is (c_out,); the result is
    (c_out, h, w), compared with a 1 x 1 ``F.conv2d``. No convolution may be called."""
    fn = _function(answer, "def pixel_mlp(X, W, b): ...")
    cases = []
    for seed, (c_in, c_out, h, w) in enumerate([(3, 2, 4, 5), (1, 4, 3, 3), (5, 3, 2, 6)]):
        X, W, b = _seeded(c_in, h, w, seed=seed), _seeded(c_out, c_in, seed=seed + 10), _seeded(c_out, seed=seed + 20)
        cases.append(((X, W, b), F.conv2d(X[None], W[:, :, None, None], b)[0]))
    hint = say("at one pixel (i, j) the channel values X[:, i, j] form a vector of length c_in: multiply it by W and "
               "add b. Do this for every pixel at once by flattening the pixels, X.reshape(c_in, h * w).")
    why = say("a kernel with Δ = 0 reads one pixel only, so output channel o at (i, j) is Σ_c W[o, c]·X[c, i, j] + "
              "b[o]: the same dense layer applied to every pixel's channel vector.\n"
              "One way: (W @ X.reshape(c_in, -1) + b[:, None]).reshape(c_out, h, w)")
    _function_report(fn, cases, hint=hint, why=why)


@answer_check
def check_audio_layer(answer: object) -> None:
    """Check ``answer(x, v, u)``: ``h[i] = u + Σ_{a=-Δ..Δ} v[a + Δ]·x[i + a]`` for every ``i`` with a
    full window, a 1-D signal ``x`` of length n and ``v`` of length 2Δ + 1 (compared with ``F.conv1d``)."""
    fn = _function(answer, "def audio_layer(x, v, u): ...")
    cases = []
    for seed, (n, delta) in enumerate([(10, 1), (16, 2), (7, 3), (5, 0)]):
        x, v, u = _seeded(n, seed=seed), _seeded(2 * delta + 1, seed=seed + 10), float(_seeded(1, seed=seed + 20))
        cases.append(((x, v, u), F.conv1d(x[None, None], v[None, None])[0, 0] + u))
    hint = say("the output exists only where the whole window fits, for i = Δ … n − 1 − Δ, so it has n − 2Δ values; "
               "output i is u plus the weights v times the samples x[i − Δ … i + Δ].")
    why = say("h[i] = u + Σ_{{a=−Δ}}^{{Δ}} v[a + Δ]·x[i + a] is a 1-D cross-correlation plus a bias; n samples and a "
              "window of 2Δ + 1 leave n − 2Δ outputs.\n"
              "One way: torch.stack([u + (v * x[i:i + len(v)]).sum() for i in range(len(x) - len(v) + 1)])")
    _function_report(fn, cases, hint=hint, why=why)


def _sequence(value: object, name: str) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        seq = value.detach().double()
    elif isinstance(value, (list, tuple)) and all(validate.is_number(v) for v in value):
        seq = torch.tensor([float(v) for v in value], dtype=torch.float64)
    else:
        raise TypeError(f"{name} must be a list of numbers or a 1-D tensor, got {value!r}: write e.g. {name}=[1, 2, 3]")
    if seq.dim() != 1 or seq.numel() == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence, got shape {tuple(seq.shape)}: e.g. {name}=[1, 2, 3]")
    return seq


def _full_convolution(f: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
    """Every value of the discrete convolution ``(f * g)(i) = Σ_a f(a)·g(i − a)``, i = 0 … len f + len g − 2."""
    return F.conv1d(f[None, None], g.flip(0)[None, None], padding=g.numel() - 1)[0, 0]


@answer_check
def check_convolution_value(answer: object, f: Sequence[float] | torch.Tensor, g: Sequence[float] | torch.Tensor,
                            i: int) -> None:
    """Check ``(f * g)(i) = Σ_a f(a)·g(i − a)`` for two sequences indexed from 0 (zero outside)."""
    f_seq, g_seq = _sequence(f, "f"), _sequence(g, "g")
    last = f_seq.numel() + g_seq.numel() - 2
    i = validate.integer(i, "i", minimum=0, example=min(2, last))
    if i > last:
        raise ValueError(f"i must be at most {last} (beyond it every product has a zero), got {i}: write e.g. i={last}")
    expected = float(_full_convolution(f_seq, g_seq)[i])
    terms = [(a, i - a) for a in range(f_seq.numel()) if 0 <= i - a < g_seq.numel()]
    symbols = " + ".join(f"f({a})·g({b})" for a, b in terms)
    numbers = " + ".join(f"{_num(f_seq[a])}·{_num(g_seq[b])}" for a, b in terms)
    why = f"(f * g)({i}) = Σ_a f(a)·g({i} − a) = {symbols} = {numbers} = {_num(expected)}"
    hint = say("only the pairs whose indices add up to {i} contribute: f(a)·g({i} − a) for every a where both are "
               "defined; the kernel's index runs backwards while f's runs forwards.", i=i)
    value = as_number(answer)
    report(value is not None and math.isclose(value, expected, rel_tol=1e-6, abs_tol=1e-9), answer,
           _num(expected), hint=hint, why=why)


def _num(value: float | torch.Tensor) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}"


@answer_check
def check_window_count(answer: object, input_size: IntOrPair, kernel_size: IntOrPair, pixel: tuple[int, int]) -> None:
    """Check how many windows of a ``kernel_size`` kernel (no padding, stride 1) read ``pixel`` of an
    ``input_size`` image: the gradient of the summed output of an all-ones kernel at that pixel."""
    n, k = to_2tuple(input_size, "input_size"), to_2tuple(kernel_size, "kernel_size")
    conv_output_shape(n, k)  # raises if the kernel does not fit
    row, col = _pixel(pixel, n)
    X = torch.zeros(1, 1, *n, dtype=torch.float64, requires_grad=True)
    F.conv2d(X, torch.ones(1, 1, *k, dtype=torch.float64)).sum().backward()
    expected = int(X.grad[0, 0, row, col])  # type: ignore[index]
    lines, counts = [], []
    for name, p, size, ks in (("rows", row, n[0], k[0]), ("columns", col, n[1], k[1])):
        first, last = max(0, p - ks + 1), min(p, size - ks)
        counts.append(last - first + 1)
        lines.append(say("rows: the windows starting at rows {first}…{last} cover row {index} ({count} of them)"
                         if name == "rows" else
                         "columns: the windows starting at columns {first}…{last} cover column {index} "
                         "({count} of them)",
                         first=first, last=last, index=p, count=counts[-1]))
    lines.append(say("{rows} · {columns} = {count} window reads pixel ({row}, {column})" if expected == 1 else
                     "{rows} · {columns} = {count} windows read pixel ({row}, {column})",
                     rows=counts[0], columns=counts[1], count=expected, row=row, column=col))
    hint = say("count the window positions (top-left corner (i, j), 0 <= i <= n_h − k_h, 0 <= j <= n_w − k_w) whose "
               "window covers the pixel, one side at a time, then multiply.")
    report(as_int(answer) == expected, answer, expected, hint=hint, why="\n".join(lines))


def _pixel(pixel: object, size: tuple[int, int]) -> tuple[int, int]:
    if not (isinstance(pixel, (tuple, list)) and len(pixel) == 2 and all(validate.is_int(p) for p in pixel)):
        raise TypeError(f"pixel must be (row, column), got {pixel!r}: write e.g. pixel=(0, 0)")
    row, col = int(pixel[0]), int(pixel[1])
    if not (0 <= row < size[0] and 0 <= col < size[1]):
        raise ValueError(f"pixel {pixel!r} is outside the {size[0]} x {size[1]} image: rows 0…{size[0] - 1}, "
                         f"columns 0…{size[1] - 1}")
    return row, col


# --------------------------------------------------------------------------- 7.2: kernels by hand
def _kernel(answer: object) -> torch.Tensor | None:
    """A 1-D or 2-D tensor answer as a 2-D float64 kernel (a 1-D one is a single row); None otherwise."""
    if not isinstance(answer, torch.Tensor) or answer.dim() not in (1, 2) or answer.numel() == 0:
        return None
    K = answer.detach().double()
    return K[None] if K.dim() == 1 else K


def _not_a_kernel(answer: object, hint: str, why: str, expected: str) -> None:
    got = say("shape {shape}", shape=tuple(answer.shape)) if isinstance(answer, torch.Tensor) else type(answer).__name__
    report(False, answer, expected, hint=hint, why=why,
           wrong=say("expected a 1-D or 2-D tensor (a kernel), got {got}", got=got))


def _ramp_responses(K: torch.Tensor) -> tuple[float, float, float]:
    """The kernel's output on a flat image, on x (brightness = column) and on y (brightness = row).

    Each output is constant over the image, so the value at (0, 0) is the response."""
    size = (K.shape[0] + 2, K.shape[1] + 2)
    rows, cols = torch.meshgrid(torch.arange(size[0], dtype=torch.float64),
                                torch.arange(size[1], dtype=torch.float64), indexing="ij")
    respond = [F.conv2d(image[None, None], K[None, None])[0, 0, 0, 0].item() for image in (torch.ones(size, dtype=torch.float64), cols, rows)]
    return respond[0], respond[1], respond[2]


def _direction(v: object) -> tuple[float, float]:
    if not (isinstance(v, (tuple, list)) and len(v) == 2 and all(validate.is_number(c) for c in v)):
        raise TypeError(f"v must be a direction (v1, v2) of two numbers, got {v!r}: write e.g. v=(1, 1)")
    v1, v2 = float(v[0]), float(v[1])
    if not (math.isfinite(v1) and math.isfinite(v2)) or (v1 == 0 and v2 == 0):
        raise ValueError(f"v must be a finite, non-zero direction, got {v!r}: write e.g. v=(1, 1)")
    return v1, v2


@answer_check
def check_directional_kernel(answer: object, v: tuple[float, float]) -> None:
    """Check a kernel that detects brightness changes along ``v = (v1, v2)`` (v1 across the columns,
    v2 down the rows): 0 on a flat image, on a ramp its response is proportional to the ramp's slope
    along ``v`` (either sign), so a ramp along the edge direction (v2, −v1) gives 0."""
    v1, v2 = _direction(v)
    example = v1 * torch.tensor([[-1.0, 1.0], [0.0, 0.0]]) + v2 * torch.tensor([[-1.0, 0.0], [1.0, 0.0]])
    flat_e, x_e, y_e = _ramp_responses(example.double())
    why = say("a directional difference: v1·(right − here) + v2·(below − here), for instance\n{example}\n"
              "on a flat image it gives {flat}, on x (brightness = column) {on_x}, on y (brightness = row) {on_y}: "
              "proportional to v = ({v1}, {v2}), so a ramp along (v2, −v1) gives 0", example=example,
              flat=_num(flat_e), on_x=_num(x_e), on_y=_num(y_e), v1=_num(v1), v2=_num(v2))
    hint = say("combine a horizontal difference (right − left) and a vertical one (below − above) with the weights v1 "
               "and v2; the weights of an edge kernel add up to 0, so that a flat region gives 0.")
    wanted = say("a kernel that sees changes along v = ({v1}, {v2}) and none along ({v2}, {minus_v1})",
                 v1=_num(v1), v2=_num(v2), minus_v1=_num(-v1))
    K = _kernel(answer)
    if K is None:
        _not_a_kernel(answer, hint, why, wanted)
        return
    flat, rx, ry = _ramp_responses(K)
    scale = max(abs(rx), abs(ry), K.abs().max().item())
    if abs(flat) > 1e-6 * scale:
        report(False, answer, say("a kernel whose weights add up to 0"), hint=hint, why=why,
               wrong=say("your kernel gives {flat:.4g} on a flat image (its weights add up to {flat:.4g}), not 0",
                         flat=flat))
        return
    norm = math.hypot(rx, ry)
    parallel = norm > 1e-9 * scale and abs(rx * v2 - ry * v1) <= 1e-6 * norm * math.hypot(v1, v2)
    report(parallel, answer, wanted, hint=hint, why=why,
           wrong=say("on x your kernel gives {on_x:.4g}, on y {on_y:.4g}: not proportional to v = ({v1}, {v2})",
                     on_x=rx, on_y=ry, v1=_num(v1), v2=_num(v2)))


def _difference_system(order: int, size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The moments a kernel of ``size`` taps must have to take the derivative of ``order``:
    ``Σ_b c_b·b^m = 0`` for m < order and ``= order!`` for m = order (Taylor's expansion)."""
    taps = torch.arange(size, dtype=torch.float64)
    V = torch.stack([taps**m for m in range(order + 1)])  # (order + 1, size)
    rhs = torch.zeros(order + 1, dtype=torch.float64)
    rhs[order] = math.factorial(order)
    return V, rhs


def _solvable(order: int, size: int) -> bool:
    V, rhs = _difference_system(order, size)
    return int(torch.linalg.matrix_rank(V)) == int(torch.linalg.matrix_rank(torch.cat([V, rhs[:, None]], dim=1)))


def _min_size(order: int) -> int:
    size = 1
    while not _solvable(order, size):
        size += 1
    return size


@answer_check
def check_second_difference(answer: object) -> None:
    """Check a kernel (one row, 1-D or 1 x k) whose cross-correlation with samples of ``f`` gives ``f''``
    exactly for every quadratic ``f``: 0 on a constant and on a line, 2 on ``t²``."""
    size = _min_size(2)
    V, rhs = _difference_system(2, size)
    example = torch.linalg.solve(V, rhs)
    why = say("Taylor: f(t + 1) − 2 f(t) + f(t − 1) = f''(t) for a quadratic, the kernel {kernel}; its weights add "
              "up to 0 (constants vanish), Σ c_b·b = 0 (lines vanish), Σ c_b·b² = 2", kernel=example.tolist())
    hint = say("subtract two first differences, (f(t + 1) − f(t)) − (f(t) − f(t − 1)); test your kernel on a "
               "constant, on a line and on t², which must give 0, 0 and 2.")
    K = _kernel(answer)
    if K is None or K.shape[0] != 1:
        _not_a_kernel(answer, hint, why, say("a single row such as {kernel}", kernel=example.tolist()))
        return
    taps = torch.arange(K.shape[1], dtype=torch.float64)
    moments = [float((K[0] * taps**m).sum()) for m in range(3)]  # on 1, t and t²: the response at t = 0
    ok = all(math.isclose(m, r, abs_tol=1e-6) for m, r in zip(moments, rhs.tolist()))
    report(ok, answer, say("{kernel} (or any row with the same three sums)", kernel=example.tolist()), hint=hint,
           why=why, wrong=say("on a constant, a line and t² your kernel gives {values} instead of 0, 0, 2",
                              values=", ".join(f"{m:.4g}" for m in moments)))


@answer_check
def check_derivative_kernel_size(answer: object, order: int | None = None) -> None:
    """Check the smallest number of taps of a finite-difference kernel for the derivative of ``order``.

    With ``order`` the answer is a number; without it the answer is a function of the order,
    run for the orders 1 to 6. The sizes come from the rank of the Taylor system."""
    orders = range(1, 7) if order is None else [validate.positive_int(order, "order", example=2)]
    sizes = {d: _min_size(d) for d in orders}
    why = say("a kernel with k taps has k free weights; it must cancel 1, t, …, t^(d−1) and keep t^d, which is d + 1 "
              "conditions on a Vandermonde matrix of full rank, so k >= d + 1 taps are needed and enough: {sizes}",
              sizes=", ".join(say("order {order}: {size}", order=d, size=s) for d, s in sizes.items()))
    hint = say("write down the conditions on the weights c_b: Σ c_b·b^m must be 0 for every power m below d "
               "(so lower-order polynomials give 0) and not 0 for m = d; how many unknowns do that many equations "
               "need?")
    if order is not None:
        report(as_int(answer) == sizes[order], answer, sizes[order], hint=hint, why=why)
        return
    fn = _function(answer, "def min_kernel_size(d): ...")
    for d, size in sizes.items():
        try:
            got, _ = _call(fn, d)
        except _Unanswered:
            print(say(PLACEHOLDER))
            return
        except Exception as error:
            report(False, fn, say("a function that runs"), hint=hint, why=why,
                   wrong=say("your function raised {error_type}: {error} for d = {d}", error_type=type(error).__name__,
                             error=error, d=d))
            return
        if as_int(got) != size:
            report(False, fn, say("{size} for d = {d}", size=size, d=d), hint=hint, why=why,
                   wrong=say("for d = {d} your function gave {got!r}", d=d, got=got))
            return
    report(True, fn, say("the right size for every order 1 to {last}", last=max(sizes)), hint=hint, why=why)


@answer_check
def check_blur_kernel(answer: object) -> None:
    """Check a blur kernel: no negative weight, weights adding up to 1 (a flat image stays as it is)
    and more than one non-zero weight (so it averages); the "Why" shows how much it calms noise."""
    noise = _seeded(32, 32, seed=0).double()
    box = torch.full((3, 3), 1 / 9, dtype=torch.float64)
    blurred = F.conv2d(noise[None, None], box[None, None])[0, 0]
    why_box = say("a weighted average, e.g. the 3 × 3 box of ninths: a flat image stays flat, and seeded noise of "
                  "standard deviation {before:.2f} drops to {after:.2f} after it", before=noise.std(),
                  after=blurred.std())
    hint = say("a blur replaces each pixel by a weighted average of its neighbourhood: what must the weights of an "
               "average satisfy?")
    K = _kernel(answer)
    if K is None:
        _not_a_kernel(answer, hint, why_box, say("a kernel of non-negative weights adding up to 1"))
        return
    total, negative, nonzero = float(K.sum()), float(K.min()), int((K.abs() > 1e-12).sum())
    problems = ([say("a negative weight ({weight:.4g})", weight=negative)] if negative < -1e-12 else []) + (
        [say("weights adding up to {total:.4g}, not 1 (a flat image would change brightness)", total=total)]
        if not math.isclose(total, 1.0, abs_tol=1e-6) else []) + (
        [say("a single non-zero weight (it copies a pixel instead of averaging)")] if nonzero < 2 else [])
    if problems or K.shape[0] > noise.shape[0] or K.shape[1] > noise.shape[1]:
        report(False, answer, say("a kernel of non-negative weights adding up to 1"), hint=hint, why=why_box,
               wrong=say("your kernel has {problems}", problems=say(" and ").join(
                   problems or [say("more than 32 rows or columns")])))
        return
    yours = F.conv2d(noise[None, None], K[None, None])[0, 0]
    report(True, answer, say("a blur"), hint=hint,
           why=say("{why}; with your kernel it drops to {yours:.2f}", why=why_box, yours=yours.std()))


# --------------------------------------------------------------------------- 7.2: a matrix product
@answer_check
def check_corr2d_matmul(answer: object) -> None:
    """Check ``answer(X, K)``: the 2-D cross-correlation of ``X`` (h, w) with ``K`` (k_h, k_w), written
    as one matrix product (compared with ``F.conv2d``; no convolution may be called, a product must be)."""
    fn = _function(answer, "def corr2d_matmul(X, K): ...")
    book = (torch.arange(9.0).reshape(3, 3), torch.arange(4.0).reshape(2, 2))
    cases = [(book, F.conv2d(book[0][None, None], book[1][None, None])[0, 0])]
    for seed, (n, k) in enumerate([((6, 8), (1, 2)), ((5, 7), (3, 2)), ((4, 4), (4, 1))]):
        X, K = _seeded(*n, seed=seed), _seeded(*k, seed=seed + 10)
        cases.append(((X, K), F.conv2d(X[None, None], K[None, None])[0, 0]))
    hint = say("make a matrix whose rows are the flattened windows of X (one row per output position, k_h·k_w "
               "columns), multiply it by the flattened kernel, and reshape the result to "
               "(n_h − k_h + 1, n_w − k_w + 1).")
    why = say("each output is the dot product of one window with the kernel; stacking the windows as rows (the "
              "'im2col' matrix) turns all of them into one matrix-vector product.\n"
              "One way: windows = X.unfold(0, k_h, 1).unfold(1, k_w, 1)  # (out_h, out_w, k_h, k_w)\n"
              "         (windows.reshape(-1, k_h * k_w) @ K.reshape(-1)).reshape(out_h, out_w)")
    _function_report(fn, cases, hint=hint, why=why, need_product=True)
