"""Self-checks of single layers (7.3–7.5): padding, strides, channels and pooling, their costs,
their memory, and small functions a student writes in place of a PyTorch layer.

A number answer is compared with a count computed here from the layer's sizes (or from running
the layer); a function answer is run on several inputs and compared with PyTorch, while the
torch functions it calls are recorded, so that a forbidden shortcut (``torch.max`` where the
exercise asks for ReLUs) is named in the hint.

>>> check_pool_cost(2 * 14 * 14 * 4, input_shape=(2, 28, 28), pool_size=2)
✅ Correct: 1568.
   Why: output 2 channels × 14 × 14 (⌊(28 + 2·0 − 2) / 2⌋ + 1 = 14 per side); each output reads a 2×2 window of 4 values: 2·14·14·4 = 1,568
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.overrides import TorchFunctionMode

from course_utils import validate
from course_utils.checks._verdict import PLACEHOLDER, answer_check, as_int, as_number, report
from course_utils.language import say
from course_utils.shapes import IntOrPair, _pair, conv_output_shape, pool_output_shape, to_2tuple

__all__ = [
    "check_mirror_pad",
    "check_stride_saving",
    "check_conv_memory",
    "check_conv_cost_ratio",
    "check_conv_as_matmul",
    "check_block_diagonal_speedup",
    "check_pool_cost",
    "check_max_from_relu",
    "check_min_pool",
]


# --------------------------------------------------------------------------- function answers
class _Recorder(TorchFunctionMode):
    """Remembers the name of every torch function called while it is active."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def __torch_function__(self, func: Callable[..., Any], types: Any, args: Sequence[Any] = (),
                           kwargs: dict[str, Any] | None = None) -> Any:
        self.names.add(getattr(func, "__name__", repr(func)))
        return func(*args, **(kwargs or {}))


@contextmanager
def _recording() -> Iterator[_Recorder]:
    with _Recorder() as recorder:
        yield recorder


class _Placeholder(Exception):
    """The student's function is still the ``...`` template."""


def _call(function: Callable[..., Any], *args: Any) -> tuple[Any, set[str]]:
    """Run the student's function; return its result and the torch functions it called."""
    with _recording() as recorder:
        try:
            result = function(*args)
        except NotImplementedError as error:
            raise _Placeholder from error
    if result is ...:
        raise _Placeholder
    return result, recorder.names


def _function(answer: object, name: str, example: str) -> Callable[..., Any]:
    if not callable(answer):
        raise TypeError(f"answer must be your function {name}, got {type(answer).__name__}: define it with "
                        f"`def {example}: ...` in the cell above and pass it without calling it")
    return answer  # type: ignore[return-value]


def _function_check(answer: object, name: str, example: str, cases: Sequence[tuple[Any, ...]],
                    oracle: Callable[..., torch.Tensor], *, forbidden: Callable[[str], bool],
                    rule: str, hint: str, why: str, required: frozenset[str] = frozenset(),
                    near_miss: Callable[..., str | None] | None = None) -> None:
    """Run ``answer`` on each case, compare with ``oracle``, and report the first problem found.

    ``forbidden(name)`` says whether a torch function may not be used; ``required`` (if given)
    lists functions of which at least one must be called; ``near_miss(result, *case)`` may name
    a typical mistake for a wrong result."""
    function = _function(answer, name, example)
    called: set[str] = set()
    problem: str | None = None
    for case in cases:
        try:
            result, names = _call(function, *case)
        except _Placeholder:
            print(say(PLACEHOLDER))
            return
        called |= names
        expected = oracle(*case)
        shapes = ", ".join(str(tuple(a.shape)) if isinstance(a, torch.Tensor) else repr(a) for a in case)
        call = f"{name}({shapes})"
        if result is None:
            problem = say("{call} returned None: end the function with `return` and the result", call=call)
        elif not isinstance(result, torch.Tensor):
            problem = say("{call} returned {kind}, not a tensor", call=call, kind=type(result).__name__)
        elif result.shape != expected.shape:
            problem = say("{call} has shape {shape}, not {expected}", call=call, shape=tuple(result.shape),
                          expected=tuple(expected.shape))
        elif not torch.allclose(result.detach().double(), expected.double(), atol=1e-5):
            miss = near_miss(result, *case) if near_miss else None
            problem = say("{call} gives different values ({miss})" if miss else "{call} gives different values",
                          call=call, miss=miss)
        if problem:
            break
    used = sorted(n for n in called if forbidden(n))
    if problem is None and used:
        problem = say("it calls {functions}, which the exercise rules out ({rule})", functions=", ".join(used),
                      rule=rule)
    if problem is None and required and not called & required:
        problem = say("it never calls one of {functions} ({rule})", functions=", ".join(sorted(required)), rule=rule)
    shown = say("a function that matches on {count} inputs", count=len(cases))
    report(problem is None, answer, shown, hint=hint, why=why, wrong=problem)


def _randn(*shape: int, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator)


# --------------------------------------------------------------------------- 7.3 padding and stride
def _reflect(X: torch.Tensor, p: int) -> torch.Tensor:
    return F.pad(X[None, None], (p, p, p, p), mode="reflect")[0, 0]


def _symmetric(X: torch.Tensor, p: int) -> torch.Tensor:
    """Mirror padding that repeats the border pixel (NumPy's ``mode="symmetric"``)."""
    rows = torch.cat([X[:p].flip(0), X, X[-p:].flip(0)], 0)
    return torch.cat([rows[:, :p].flip(1), rows, rows[:, -p:].flip(1)], 1)


def _pad_miss(result: torch.Tensor, X: torch.Tensor, p: int) -> str | None:
    if torch.allclose(result.double(), _symmetric(X, p).double()):
        return say("your border repeats the edge pixel; reflection mirrors around it, so the edge appears once")
    if torch.allclose(result.double(), F.pad(X[None, None], (p,) * 4, mode="replicate")[0, 0].double()):
        return say("that copies the edge pixel outwards instead of mirroring")
    return None


@answer_check
def check_mirror_pad(answer: object) -> None:
    """Check ``mirror_pad(X, p)``: ``X`` of shape (h, w) padded by ``p`` on every side with the
    values mirrored around the border (PyTorch's ``mode="reflect"``), without ``F.pad``."""
    cases = [(_randn(4, 5, seed=1), 1), (_randn(6, 6, seed=2), 2), (torch.arange(12.0).reshape(3, 4), 1),
             (_randn(7, 3, seed=3), 2)]
    _function_check(
        answer, "mirror_pad", "mirror_pad(X, p)", cases, _reflect,
        forbidden=lambda n: "pad" in n, rule=say("write the mirroring yourself, with slicing, flip and cat"),
        hint=say("the p rows above X are rows p, p−1, …, 1 of X (row 0 is the edge and is not repeated): "
                 "X[1:p + 1].flip(0); do the rows first, then the columns of the taller tensor."),
        why=say("reflection mirrors around the edge row and column without repeating them: for p = 1 the new top "
                "row is X[1] and the new bottom row X[−2]; the check compares with F.pad(X, (p, p, p, p), "
                "mode='reflect') on 4 inputs"),
        near_miss=_pad_miss,
    )


@answer_check
def check_stride_saving(answer: object, input_size: IntOrPair, kernel_size: IntOrPair, padding: IntOrPair = 0,
                        stride: IntOrPair = 2) -> None:
    """Check by what factor ``stride`` cuts the outputs (and so the multiply-adds) of a convolution,
    compared with the same convolution at stride 1."""
    n, k, p = to_2tuple(input_size, "input_size"), to_2tuple(kernel_size, "kernel_size"), to_2tuple(padding, "padding")
    s = to_2tuple(stride, "stride")
    full = conv_output_shape(n, k, padding=p)
    strided = conv_output_shape(n, k, padding=p, stride=s)
    expected = (full[0] * full[1]) / (strided[0] * strided[1])
    value = as_number(answer)
    why = say("stride 1 gives {full_h}×{full_w} = {full:,} outputs, stride {stride} gives {strided_h}×{strided_w} = "
              "{strided:,}; each output costs the same, so the work shrinks by {full:,} / {strided:,} = {ratio}",
              full_h=full[0], full_w=full[1], full=full[0] * full[1], stride=_hw(s), strided_h=strided[0],
              strided_w=strided[1], strided=strided[0] * strided[1], ratio=_number(expected))
    report(value is not None and math.isclose(value, expected, rel_tol=1e-3), answer, _number(expected),
           hint=say("compute the output height and width twice, with stride 1 and with the given stride; every "
                    "output costs the same multiply-adds, so the ratio of the output counts is the saving."), why=why)


# --------------------------------------------------------------------------- 7.4 channels
def _conv_input(input_shape: object, example: str = "(3, 32, 32)") -> tuple[int, int, int]:
    if not (isinstance(input_shape, (tuple, list, torch.Size)) and len(input_shape) == 3):
        raise ValueError(f"input_shape must be (c_i, h, w), got {input_shape!r}: write e.g. input_shape={example}")
    c, h, w = (validate.positive_int(v, f"input_shape[{i}]", example=3) for i, v in enumerate(input_shape))
    return c, h, w


@answer_check
def check_conv_memory(answer: object, input_shape: tuple[int, int, int], out_channels: int,
                      kernel_size: IntOrPair, padding: IntOrPair = 0, stride: IntOrPair = 1) -> None:
    """Check the bytes a convolution's forward pass holds for one float32 example: the input, the
    weights and biases, and the output (computed from a real ``nn.Conv2d`` and its output)."""
    c_i, h, w = _conv_input(input_shape)
    out_channels = validate.positive_int(out_channels, "out_channels", example=16)
    k = _pair(kernel_size, "kernel_size", 1)
    conv_output_shape((h, w), k, padding=padding, stride=stride)  # a clear error when no window fits
    layer = nn.Conv2d(c_i, out_channels, k, padding=padding, stride=stride)
    X = torch.zeros(1, c_i, h, w)
    with torch.no_grad():
        Y = layer(X)
    parts = {say("input"): X, say("weights"): layer.weight, say("biases"): layer.bias, say("output"): Y}
    counts = {name: t.numel() for name, t in parts.items()}
    expected = sum(t.numel() * t.element_size() for t in parts.values())
    listed = " + ".join(f"{name} {count:,}" for name, count in counts.items())
    why = say("{parts} = {values:,} float32 values, 4 bytes each: {total:,} bytes (output shape {shape})",
              parts=listed, values=sum(counts.values()), total=expected, shape=tuple(Y.shape[1:]))
    report(as_int(answer) == expected, answer, expected, why=why, hint=say(
        "count the numbers separately: the input c_i·h·w, the weights c_o·c_i·k_h·k_w and c_o biases, and the "
        "output c_o·out_h·out_w (find its size first); then multiply by 4 bytes per float32."))


_DOUBLED = ("channels", "padding")


@answer_check
def check_conv_cost_ratio(answer: object, input_shape: tuple[int, int, int], out_channels: int,
                          kernel_size: IntOrPair, padding: IntOrPair = 0, stride: IntOrPair = 1, *,
                          double: str) -> None:
    """Check the factor by which a convolution's multiply-adds grow when both channel counts
    (``double="channels"``) or the padding (``double="padding"``) are doubled."""
    validate.choice(double, "double", _DOUBLED)
    c_i, h, w = _conv_input(input_shape)
    c_o = validate.positive_int(out_channels, "out_channels", example=16)
    k, p = _pair(kernel_size, "kernel_size", 1), _pair(padding, "padding", 0)

    def cost(c_in: int, c_out: int, pad: tuple[int, int]) -> tuple[int, tuple[int, int]]:
        out = conv_output_shape((h, w), k, padding=pad, stride=stride)
        return c_out * c_in * k[0] * k[1] * out[0] * out[1], out

    before, out_before = cost(c_i, c_o, p)
    if double == "channels":
        after, out_after = cost(2 * c_i, 2 * c_o, p)
        change = say("c_i {c_i} → {c_i_after} and c_o {c_o} → {c_o_after}, output stays {output}", c_i=c_i,
                     c_i_after=2 * c_i, c_o=c_o, c_o_after=2 * c_o, output=_hw(out_after))
    else:
        after, out_after = cost(c_i, c_o, (2 * p[0], 2 * p[1]))
        change = say("padding {padding} → {padding_after}, output {output} → {output_after}", padding=_hw(p),
                     padding_after=_hw((2 * p[0], 2 * p[1])), output=_hw(out_before), output_after=_hw(out_after))
    expected = after / before
    why = say("{change}: {after:,} / {before:,} multiply-adds = {ratio}", change=change, after=after, before=before,
              ratio=_number(expected))
    hint = say("the cost is c_o·c_i·k_h·k_w·out_h·out_w: see which factors change. Channels enter twice; padding "
               "changes only the output's height and width, so compute those before and after.")
    value = as_number(answer)
    report(value is not None and math.isclose(value, expected, rel_tol=1e-3), answer, _number(expected),
           hint=hint, why=why)


def _conv_oracle(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    return F.conv2d(X[None].double(), K.double())[0]


@answer_check
def check_conv_as_matmul(answer: object) -> None:
    """Check ``conv_matmul(X, K)``: the multi-channel cross-correlation of ``X`` (c_i, h, w) with
    ``K`` (c_o, c_i, k_h, k_w), written as one matrix product (no convolution function)."""
    cases = [(_randn(1, 4, 4, seed=4), _randn(1, 1, 2, 2, seed=5)), (_randn(3, 6, 5, seed=6), _randn(2, 3, 3, 3, seed=7)),
             (_randn(2, 5, 7, seed=8), _randn(4, 2, 2, 3, seed=9))]
    _function_check(
        answer, "conv_matmul", "conv_matmul(X, K)", cases, _conv_oracle,
        forbidden=lambda n: "conv" in n, required=frozenset({"matmul", "__matmul__", "mm", "bmm", "einsum", "tensordot"}),
        rule=say("gather the windows into a matrix and multiply it by the flattened kernel, without a convolution "
                 "function"),
        hint=say("collect every window as one column: X.unfold(1, k_h, 1).unfold(2, k_w, 1) has shape (c_i, out_h, "
                 "out_w, k_h, k_w); reorder it to (c_i·k_h·k_w, out_h·out_w), multiply K.reshape(c_o, −1) by it, and "
                 "reshape the product to (c_o, out_h, out_w)."),
        why=say("a convolution is the (c_o × c_i·k_h·k_w) kernel matrix times the (c_i·k_h·k_w × out_h·out_w) matrix "
                "of windows; the check compares with F.conv2d on 3 inputs"),
    )


@answer_check
def check_block_diagonal_speedup(answer: object, channels: int, blocks: int) -> None:
    """Check how many times fewer multiplications a ``channels × channels`` matrix–vector product
    needs when the matrix is block-diagonal with ``blocks`` equal blocks."""
    c = validate.positive_int(channels, "channels", example=256)
    b = validate.positive_int(blocks, "blocks", example=4)
    if c % b:
        raise ValueError(f"blocks={b} does not divide channels={c}: choose a number of blocks that divides it")
    dense, block = c * c, b * (c // b) ** 2
    expected = dense / block
    why = say("dense: {c}·{c} = {dense:,} multiplications; {b} blocks of {side}×{side}: {b}·{side}·{side} = "
              "{block:,}; ratio {ratio}", c=c, dense=dense, b=b, side=c // b, block=block, ratio=_number(expected))
    value = as_number(answer)
    report(value is not None and math.isclose(value, expected, rel_tol=1e-3), answer, _number(expected), why=why,
           hint=say("count the multiplications: a dense c×c matrix needs c² of them per vector; each block is a "
                    "(c/b)×(c/b) matrix, and there are b blocks."))


# --------------------------------------------------------------------------- 7.5 pooling
@answer_check
def check_pool_cost(answer: object, input_shape: tuple[int, int, int], pool_size: IntOrPair,
                    padding: IntOrPair = 0, stride: IntOrPair | None = None) -> None:
    """Check the cost of a pooling layer, counted as the values its windows read: one comparison
    (max) or addition (mean) per value, ``c·out_h·out_w·p_h·p_w`` for an input ``(c, h, w)``."""
    c, h, w = _conv_input(input_shape, "(1, 28, 28)")
    k = _pair(pool_size, "pool_size", 1)
    s = k if stride is None else _pair(stride, "stride", 1)
    p = _pair(padding, "padding", 0)
    out = pool_output_shape((h, w), k, padding=p, stride=s)
    expected = c * out[0] * out[1] * k[0] * k[1]
    sides = ", ".join(f"⌊({n} + 2·{pp} − {kk}) / {ss}⌋ + 1 = {o}" for n, pp, kk, ss, o in zip((h, w), p, k, s, out))
    if out[0] == out[1] and h == w:
        sides = say("{formula} per side", formula=sides.split(", ")[0])
    why = say("output {c} channels × {out_h} × {out_w} ({sides}); each output reads a {k_h}×{k_w} window of {values} "
              "values: {c}·{out_h}·{out_w}·{values} = {total:,}" if c > 1 else
              "output {c} channel × {out_h} × {out_w} ({sides}); each output reads a {k_h}×{k_w} window of {values} "
              "values: {c}·{out_h}·{out_w}·{values} = {total:,}", c=c, out_h=out[0], out_w=out[1], sides=sides,
              k_h=k[0], k_w=k[1], values=k[0] * k[1], total=expected)
    hint = say("first the output's height and width (out = ⌊(n + 2·p − k) / s⌋ + 1 per side; a pooling stride "
               "defaults to the window), then: channels × outputs per channel × values in one window.")
    report(as_int(answer) == expected, answer, expected, hint=hint, why=why)


def _max_cases() -> list[tuple[torch.Tensor, torch.Tensor]]:
    a, b = _randn(1000, seed=10), _randn(1000, seed=11)
    ties = torch.tensor([0.0, 1.0, -2.0, 3.5])
    return [(a, b), (b, a), (ties, ties.clone()), (_randn(5, 7, seed=12) * 100, _randn(5, 7, seed=13))]


@answer_check
def check_max_from_relu(answer: object) -> None:
    """Check ``my_max(a, b)``: the elementwise maximum built from ReLUs and arithmetic only."""
    def max_like(name: str) -> bool:
        banned = ("max", "min", "clamp", "clip", "where", "sort", "topk", "abs", "sign", "heaviside")
        return any(word in name for word in banned) or name.strip("_") in {"gt", "ge", "lt", "le"}

    _function_check(
        answer, "my_max", "my_max(a, b)", _max_cases(), torch.maximum,
        forbidden=max_like, required=frozenset({"relu", "relu_"}),
        rule=say("only ReLU, addition, subtraction and multiplication by numbers"),
        hint=say("ReLU(a − b) is a − b when a is larger and 0 otherwise: what do you add to it to get the larger of "
                 "the two?"),
        why=say("max(a, b) = b + ReLU(a − b); the check compares with torch.maximum on 4 inputs (ties included)"),
    )


def _min_pool_oracle(X: torch.Tensor, k: int) -> torch.Tensor:
    return X.unfold(-2, k, k).unfold(-2, k, k).amin(dim=(-1, -2))


@answer_check
def check_min_pool(answer: object) -> None:
    """Check ``min_pool(X, k)``: minimum pooling of ``X`` (n, c, h, w) with a k × k window and stride
    k, built from max pooling (no min functions)."""
    X = torch.arange(16.0).reshape(1, 1, 4, 4)
    cases = [(X, 2), (_randn(2, 3, 6, 6, seed=14), 3), (_randn(1, 2, 8, 8, seed=15), 2)]
    _function_check(
        answer, "min_pool", "min_pool(X, k)", cases, _min_pool_oracle,
        forbidden=lambda n: "min" in n, required=frozenset({"max_pool2d", "max_pool2d_with_indices"}),
        rule=say("build it from max pooling, e.g. F.max_pool2d, without min, amin or minimum"),
        hint=say("the smallest of some numbers is the largest of their negatives, negated again."),
        why=say("min_pool(X, k) = −max_pool(−X, k); the check compares with the window minima on 3 inputs"),
    )


# --------------------------------------------------------------------------- small helpers
def _hw(pair: tuple[int, int]) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}×{pair[1]}"


def _number(value: float) -> str:
    """``4`` for 4.0, ``1.129`` for 1.12890625."""
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"
