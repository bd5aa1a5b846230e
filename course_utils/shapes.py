"""Shape arithmetic of convolution and pooling, and receptive fields of a stack of layers (D2L 7.2.6, 7.3, 7.5).

Everything here is pure arithmetic on integers (no torch import): no tensor is created,
so the functions are cheap enough for widgets and for checking a model before it runs.
Tracing an ``nn.Module`` for its receptive fields lives in :mod:`course_utils.fields`.

Output size of a convolution or pooling layer along one dimension (D2L 7.3, and the
``Shape`` section of ``torch.nn.Conv2d``)::

    out = floor((n + 2p - d(k - 1) - 1) / s) + 1

with input size ``n``, kernel size ``k``, padding ``p`` on each side, stride ``s`` and
dilation ``d``; :func:`dilated_kernel_size` ``d(k - 1) + 1`` is the size the dilated
kernel spans, and :func:`window_taps` lists the input pixels one output pixel reads.
Padding that differs before and after (``F.pad``, or ``padding="same"`` with an even
kernel, see :func:`same_padding`) enters as ``p_before + p_after`` instead of ``2p``
(:func:`conv_output_size`).

A transposed convolution (``nn.ConvTranspose2d``, D2L 14.10) spreads each input pixel
over the output at stride ``s``; padding trims ``p`` from both ends::

    out = (n - 1)s - 2p + d(k - 1) + output_padding + 1

(:func:`conv_transpose_output_shape`; :func:`transposed_window_taps` lists what one
output pixel sums).

Receptive field of a stack of layers (D2L 7.2.6), along one dimension, starting from
the input with ``r = 1``, ``j = 1``, ``start = 0``::

    k_eff     = d(k - 1) + 1
    r_out     = r_in + (k_eff - 1) * j_in          # size of the field
    j_out     = j_in * s                           # input pixels between neighbouring outputs
    start_out = start_in + ((k_eff - 1) / 2 - p) * j_in   # centre of output pixel 0's field

Every size-like argument takes an int or a pair ``(height, width)`` (like PyTorch);
bad values raise ``TypeError``/``ValueError`` naming the value and a remedy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Union

from course_utils.language import say
from course_utils.validate import is_int, nonnegative_int, positive_int

__all__ = [
    "to_2tuple",
    "dilated_kernel_size",
    "window_taps",
    "transposed_window_taps",
    "same_padding",
    "conv_output_shape",
    "conv_output_size",
    "conv_transpose_output_shape",
    "pool_output_shape",
    "conv_formula_text",
    "conv_transpose_formula_text",
    "pool_formula_text",
    "LayerSpec",
    "ReceptiveField",
]

IntOrPair = Union[int, tuple[int, int]]
Sides = Union[int, tuple[int, int]]  # padding along one axis: both sides, or (before, after)
LayerKind = Literal["conv", "pool"]

_REMEDIES = {
    "size": "an image needs at least 1 row and 1 column",
    "kernel_size": "a kernel needs at least 1 row and 1 column",
    "pool_size": "a pooling window needs at least 1 row and 1 column",
    "stride": "use stride=1 to move one pixel at a time",
    "dilation": "use dilation=1 for an ordinary, dense kernel",
    "padding": "use padding=0 for no padding",
    "output_padding": "use output_padding=0 for none",
}


# ---------------------------------------------------------------------------
# Validation of int-or-pair arguments (shared with course_utils.ops and course_utils.fields)
# ---------------------------------------------------------------------------


def to_2tuple(value: IntOrPair | Sequence[int], name: str = "value") -> tuple[int, int]:
    """Normalise an int or a pair of ints to ``(height, width)`` (timm's ``to_2tuple``).

    >>> to_2tuple(3, "kernel_size")
    (3, 3)
    >>> to_2tuple([5, 3], "kernel_size")
    (5, 3)
    >>> to_2tuple(True, "stride")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: stride must be an int or a pair of ints (height, width), got True (bool): ...
    """
    if is_int(value):
        return (int(value), int(value))  # type: ignore[arg-type]
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(
                f"{name} must be an int or a pair (height, width), got {value!r} with "
                f"{len(value)} values: give two values, e.g. {name}=(3, 3)"
            )
        if all(is_int(v) for v in value):
            return (int(value[0]), int(value[1]))
    raise TypeError(
        f"{name} must be an int or a pair of ints (height, width), got {value!r} "
        f"({type(value).__name__}): write e.g. {name}=3 or {name}=(3, 3)"
    )


def _pair(value: object, name: str, minimum: int) -> tuple[int, int]:
    """``to_2tuple`` plus a lower bound: ``minimum=1`` for sizes, 0 for padding."""
    pair = to_2tuple(value, name)  # type: ignore[arg-type]
    if min(pair) < minimum:
        remedy = _REMEDIES.get(name, f"use values >= {minimum}")
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}: {remedy}")
    return pair


def _hw(pair: tuple[int, int] | tuple[float, float]) -> str:
    """Format a pair as ``HxW`` for messages."""
    return f"{pair[0]}x{pair[1]}"


# ---------------------------------------------------------------------------
# One axis: the dilated kernel and the pixels a window reads
# ---------------------------------------------------------------------------


def dilated_kernel_size(kernel_size: int, dilation: int = 1) -> int:
    """Input pixels a kernel of ``kernel_size`` taps spans along one axis: ``d(k - 1) + 1``.

    >>> dilated_kernel_size(3), dilated_kernel_size(3, dilation=2)
    (3, 5)
    """
    k = positive_int(kernel_size, "kernel_size", example=3)
    d = positive_int(dilation, "dilation", example=1)
    return d * (k - 1) + 1


def window_taps(index: int, kernel_size: int, padding: int = 0, stride: int = 1, dilation: int = 1) -> tuple[int, ...]:
    """Input coordinates that output pixel ``index`` reads along one axis: ``i·s − p + a·d`` for each tap ``a``.

    A coordinate below 0 or at least the input size lies in the padding.

    >>> window_taps(0, kernel_size=3, padding=1, stride=2)
    (-1, 0, 1)
    >>> window_taps(2, kernel_size=3, stride=2, dilation=2)
    (4, 6, 8)
    """
    i = nonnegative_int(index, "index", example=0)
    k = positive_int(kernel_size, "kernel_size", example=3)
    p = nonnegative_int(padding, "padding", example=0)
    s = positive_int(stride, "stride", example=1)
    d = positive_int(dilation, "dilation", example=1)
    return tuple(i * s - p + a * d for a in range(k))


def transposed_window_taps(
    index: int, size: int, kernel_size: int, padding: int = 0, stride: int = 1, dilation: int = 1
) -> tuple[tuple[int, int], ...]:
    """``(input, tap)`` pairs that output pixel ``index`` of a transposed convolution sums, along one axis.

    Input pixel ``i`` adds ``kernel[a]·x[i]`` to output ``i·s − p + a·d`` for every tap ``a``,
    so output ``index`` receives each ``i`` (``0 ≤ i < size``) and ``a`` with
    ``i·s + a·d = index + p``; in order of ``i``. Empty when nothing reaches it.

    >>> transposed_window_taps(2, size=3, kernel_size=3, stride=2)  # 2 = 0·2 + 2 = 1·2 + 0
    ((0, 2), (1, 0))
    >>> transposed_window_taps(0, size=4, kernel_size=3, padding=1, stride=2)
    ((0, 1),)
    """
    i = nonnegative_int(index, "index", example=0)
    n = positive_int(size, "size", example=4)
    k = positive_int(kernel_size, "kernel_size", example=3)
    p = nonnegative_int(padding, "padding", example=0)
    s = positive_int(stride, "stride", example=1)
    d = positive_int(dilation, "dilation", example=1)
    return tuple((j, (i + p - j * s) // d) for j in range(n)
                 if 0 <= i + p - j * s < k * d and (i + p - j * s) % d == 0)


def same_padding(kernel_size: int, dilation: int = 1) -> tuple[int, int]:
    """Padding ``(before, after)`` that ``padding="same"`` adds along one axis (PyTorch allows it with stride 1 only).

    ``d·(k − 1)`` zeros in all, so the output keeps the input's size; when that number is
    odd, the extra zero goes after (bottom or right), as ``nn.Conv2d`` pads.

    >>> same_padding(3), same_padding(4), same_padding(3, dilation=2)
    ((1, 1), (1, 2), (2, 2))
    """
    total = dilated_kernel_size(kernel_size, dilation) - 1
    return (total // 2, total - total // 2)


def _sides(padding: Sides, name: str = "padding") -> tuple[int, int]:
    """One axis's padding, an int (both sides) or ``(before, after)``, as ``(before, after)``."""
    if is_int(padding):
        p = nonnegative_int(padding, name, example=1)
        return (p, p)
    if isinstance(padding, (tuple, list)) and len(padding) == 2 and all(is_int(v) for v in padding):
        if min(padding) < 0:
            raise ValueError(f"{name} must be >= 0 on both sides, got {padding!r}: use {name}=0 for no padding")
        return (int(padding[0]), int(padding[1]))
    raise TypeError(
        f"{name} must be an int or a pair (before, after) of ints, got {padding!r} ({type(padding).__name__}): "
        f"write e.g. {name}=1 or {name}=(0, 1)"
    )


def _check_kernel_fits(
    size: tuple[int, int],
    kernel_size: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int],
) -> None:
    """Raise ``ValueError`` when the (dilated) kernel does not fit in the padded input."""
    padded = (size[0] + 2 * padding[0], size[1] + 2 * padding[1])
    span = (dilated_kernel_size(kernel_size[0], dilation[0]), dilated_kernel_size(kernel_size[1], dilation[1]))
    if span[0] <= padded[0] and span[1] <= padded[1]:
        return
    kernel = say("kernel {kernel}", kernel=_hw(kernel_size))
    remedy = say("add padding or use a smaller kernel")
    if dilation != (1, 1):
        kernel = say("kernel {kernel} with dilation {dilation} spans {span} and", kernel=_hw(kernel_size),
                     dilation=_hw(dilation), span=_hw(span))
        remedy = say("add padding, use a smaller kernel or a smaller dilation")
    if padding != (0, 0):
        where = say("the padded input {padded} (input {size}, padding {padding})", padded=_hw(padded), size=_hw(size),
                    padding=_hw(padding))
    else:
        where = say("the input {size}", size=_hw(size))
    raise ValueError(say("{kernel} is larger than {where}: {remedy}", kernel=kernel, where=where, remedy=remedy))


# ---------------------------------------------------------------------------
# Output shapes
# ---------------------------------------------------------------------------


def conv_output_shape(
    size: IntOrPair,
    kernel_size: IntOrPair,
    padding: IntOrPair = 0,
    stride: IntOrPair = 1,
    dilation: IntOrPair = 1,
) -> tuple[int, int]:
    """Height and width of the output of ``nn.Conv2d`` (D2L 7.3).

    ``out = floor((n + 2p - d(k - 1) - 1) / s) + 1`` for each dimension.

    >>> conv_output_shape(28, kernel_size=5, padding=2)
    (28, 28)
    >>> conv_output_shape(8, kernel_size=3, padding=1, stride=2)
    (4, 4)
    >>> conv_output_shape(8, kernel_size=(3, 5), padding=(0, 1), stride=(3, 4))
    (2, 2)
    >>> conv_output_shape(3, kernel_size=5)
    Traceback (most recent call last):
    ...
    ValueError: kernel 5x5 is larger than the input 3x3: add padding or use a smaller kernel
    """
    n = _pair(size, "size", 1)
    k = _pair(kernel_size, "kernel_size", 1)
    p = _pair(padding, "padding", 0)
    s = _pair(stride, "stride", 1)
    d = _pair(dilation, "dilation", 1)
    _check_kernel_fits(n, k, p, d)
    out_h, out_w = ((n[i] + 2 * p[i] - dilated_kernel_size(k[i], d[i])) // s[i] + 1 for i in (0, 1))
    return (out_h, out_w)


def conv_output_size(size: int, kernel_size: int, padding: Sides = 0, stride: int = 1, dilation: int = 1) -> int:
    """One output side of a convolution whose padding may differ before and after (``F.pad``, then ``F.conv2d``).

    ``out = ⌊(n + p_before + p_after − d(k − 1) − 1) / s⌋ + 1``; ``padding`` is an int
    (both sides, as in :func:`conv_output_shape`) or ``(before, after)``.

    >>> conv_output_size(8, kernel_size=3, padding=1, stride=2)
    4
    >>> conv_output_size(8, kernel_size=4, padding=same_padding(4))
    8
    >>> conv_output_size(3, kernel_size=5, padding=(0, 1))
    Traceback (most recent call last):
    ...
    ValueError: kernel 5 is larger than the padded input 4 (input 3, padding 0 before and 1 after): add padding or use a smaller kernel
    """
    n = positive_int(size, "size", example=8)
    k = positive_int(kernel_size, "kernel_size", example=3)
    before, after = _sides(padding)
    s = positive_int(stride, "stride", example=1)
    d = positive_int(dilation, "dilation", example=1)
    span, padded = dilated_kernel_size(k, d), n + before + after
    if span > padded:
        kernel = (say("kernel {kernel} with dilation {dilation} spans {span} and", kernel=k, dilation=d, span=span)
                  if d != 1 else say("kernel {kernel}", kernel=k))
        where = (say("the padded input {padded} (input {size}, padding {before} before and {after} after)",
                     padded=padded, size=n, before=before, after=after)
                 if padded != n else say("the input {size}", size=n))
        remedy = (say("add padding, use a smaller kernel or a smaller dilation") if d != 1
                  else say("add padding or use a smaller kernel"))
        raise ValueError(say("{kernel} is larger than {where}: {remedy}", kernel=kernel, where=where, remedy=remedy))
    return (padded - span) // s + 1


def conv_transpose_output_shape(
    size: IntOrPair,
    kernel_size: IntOrPair,
    padding: IntOrPair = 0,
    stride: IntOrPair = 1,
    dilation: IntOrPair = 1,
    output_padding: IntOrPair = 0,
) -> tuple[int, int]:
    """Height and width of the output of ``nn.ConvTranspose2d`` (D2L 14.10, and the ``Shape`` section of its docs).

    ``out = (n − 1)·s − 2p + d·(k − 1) + output_padding + 1`` for each dimension. PyTorch
    requires ``output_padding < max(stride, dilation)`` and an output of at least one pixel.

    >>> conv_transpose_output_shape(2, kernel_size=2)  # D2L 14.10.1
    (3, 3)
    >>> conv_transpose_output_shape(4, kernel_size=3, padding=1, stride=2, output_padding=1)
    (8, 8)
    >>> conv_transpose_output_shape(4, kernel_size=3, stride=2, output_padding=2)
    Traceback (most recent call last):
    ...
    ValueError: output_padding 2x2 must be smaller than the stride 2x2 or the dilation 1x1 (PyTorch requires output_padding < max(stride, dilation) = 2x2): use output_padding <= 1x1
    """
    n = _pair(size, "size", 1)
    k = _pair(kernel_size, "kernel_size", 1)
    p = _pair(padding, "padding", 0)
    s = _pair(stride, "stride", 1)
    d = _pair(dilation, "dilation", 1)
    op = _pair(output_padding, "output_padding", 0)
    limit = (max(s[0], d[0]), max(s[1], d[1]))
    if op[0] >= limit[0] or op[1] >= limit[1]:
        raise ValueError(say(
            "output_padding {output_padding} must be smaller than the stride {stride} or the dilation {dilation} "
            "(PyTorch requires output_padding < max(stride, dilation) = {limit}): use output_padding <= {most}",
            output_padding=_hw(op), stride=_hw(s), dilation=_hw(d), limit=_hw(limit),
            most=_hw((limit[0] - 1, limit[1] - 1))))
    out = tuple((n[i] - 1) * s[i] - 2 * p[i] + d[i] * (k[i] - 1) + op[i] + 1 for i in (0, 1))
    if min(out) < 1:
        full = tuple((n[i] - 1) * s[i] + d[i] * (k[i] - 1) + op[i] + 1 for i in (0, 1))
        trimmed = (2 * p[0], 2 * p[1])
        raise ValueError(say(
            "the output would be {out}: input {size} with kernel {kernel} reaches {full} output pixels and padding "
            "{padding} trims {trimmed} of them; use a smaller padding",
            out=_hw(out), size=_hw(n), kernel=_hw(k), full=_hw(full), padding=_hw(p), trimmed=_hw(trimmed)))
    return (out[0], out[1])


def pool_output_shape(
    size: IntOrPair,
    kernel_size: IntOrPair,
    padding: IntOrPair = 0,
    stride: IntOrPair | None = None,
    dilation: IntOrPair = 1,
    ceil_mode: bool = False,
) -> tuple[int, int]:
    """Height and width of the output of ``nn.MaxPool2d`` / ``nn.AvgPool2d`` (D2L 7.5.2).

    Same formula as :func:`conv_output_shape` (``ceil`` instead of ``floor`` when
    ``ceil_mode=True``, without a window that starts in the right/bottom padding).
    Like PyTorch, ``stride`` defaults to ``kernel_size`` and ``padding`` may be at most
    ``kernel_size // 2``.

    >>> pool_output_shape(4, kernel_size=3)
    (1, 1)
    >>> pool_output_shape(4, kernel_size=3, padding=1, stride=2)
    (2, 2)
    >>> pool_output_shape(4, kernel_size=(2, 3), padding=(0, 1), stride=(2, 3))
    (2, 2)
    >>> pool_output_shape(5, kernel_size=2, ceil_mode=True)
    (3, 3)
    """
    n = _pair(size, "size", 1)
    k = _pair(kernel_size, "kernel_size", 1)
    p = _pair(padding, "padding", 0)
    s = k if stride is None else _pair(stride, "stride", 1)
    d = _pair(dilation, "dilation", 1)
    if not isinstance(ceil_mode, bool):
        raise TypeError(f"ceil_mode must be True or False, got {ceil_mode!r}")
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:
        half = (k[0] // 2, k[1] // 2)
        raise ValueError(say(
            "padding {padding} is more than half the pooling window {window}: PyTorch allows at most "
            "kernel_size // 2 = {half}; use a smaller padding or a larger window",
            padding=_hw(p), window=_hw(k), half=_hw(half)))
    out = []
    for i in (0, 1):
        numerator = n[i] + 2 * p[i] - dilated_kernel_size(k[i], d[i]) + (s[i] - 1 if ceil_mode else 0)
        length = numerator // s[i] + 1  # floor division, like PyTorch's div_rtn
        if ceil_mode and (length - 1) * s[i] >= n[i] + p[i]:
            length -= 1  # the last window would start inside the right/bottom padding
        out.append(length)
    if min(out) < 1:
        _check_kernel_fits(n, k, p, d)
        raise ValueError(say(  # only reachable in unusual ceil_mode corner cases
            "pooling window {window} on input {size} gives an empty output {out}", window=_hw(k), size=_hw(n),
            out=_hw(out)))
    return (out[0], out[1])


# ---------------------------------------------------------------------------
# The formulas written with the numbers in them (checks and widgets show them)
# ---------------------------------------------------------------------------


def conv_formula_text(
    size: int, kernel_size: int, padding: Sides = 0, stride: int = 1, dilation: int = 1, name: str = "out_h"
) -> str:
    """One output side of a convolution, the formula written with the numbers in it.

    ``⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1``, or ``⌊(n + p_before + p_after − ...`` when
    ``padding`` is a pair ``(before, after)``; the result comes from
    :func:`conv_output_size`. When no window fits, the text says so.

    >>> conv_formula_text(8, kernel_size=3, padding=1, stride=2)
    'out_h = ⌊(8 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = 4'
    >>> conv_formula_text(8, kernel_size=4, padding=(1, 2))
    'out_h = ⌊(8 + 1 + 2 − 1·(4 − 1) − 1) / 1⌋ + 1 = 8'
    >>> conv_formula_text(3, kernel_size=5)
    'out_h = ⌊(3 + 2·0 − 1·(5 − 1) − 1) / 1⌋ + 1: (3 + 2·0 − 1·(5 − 1) − 1) = -2 < 0, no window fits'
    """
    size = positive_int(size, "size", example=8)
    before, after = _sides(padding)
    stride = positive_int(stride, "stride", example=1)
    numerator = size + before + after - dilated_kernel_size(kernel_size, dilation)
    padded = f"2·{before}" if is_int(padding) else f"{before} + {after}"
    inside = f"{size} + {padded} − {dilation}·({kernel_size} − 1) − 1"
    formula = f"⌊({inside}) / {stride}⌋ + 1"
    if numerator < 0:
        return say("{name} = {formula}: ({inside}) = {numerator} < 0, no window fits", name=name, formula=formula,
                   inside=inside, numerator=numerator)
    out = conv_output_size(size, kernel_size, padding=(before, after), stride=stride, dilation=dilation)
    return f"{name} = {formula} = {out}"


def conv_transpose_formula_text(
    size: int,
    kernel_size: int,
    padding: int = 0,
    stride: int = 1,
    dilation: int = 1,
    output_padding: int = 0,
    name: str = "out_h",
) -> str:
    """One output side of a transposed convolution, the formula written with the numbers in it.

    ``(n − 1)·s − 2p + d·(k − 1) + output_padding + 1``; the result comes from
    :func:`conv_transpose_output_shape`. When PyTorch refuses the setting, the text says why.

    >>> conv_transpose_formula_text(4, kernel_size=3, padding=1, stride=2, output_padding=1)
    'out_h = (4 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 8'
    >>> conv_transpose_formula_text(1, kernel_size=1, padding=1)
    'out_h = (1 − 1)·1 − 2·1 + 1·(1 − 1) + 0 + 1 = -1 < 1, no output'
    """
    n = positive_int(size, "size", example=4)
    k = positive_int(kernel_size, "kernel_size", example=3)
    p = nonnegative_int(padding, "padding", example=0)
    s = positive_int(stride, "stride", example=1)
    d = positive_int(dilation, "dilation", example=1)
    op = nonnegative_int(output_padding, "output_padding", example=0)
    formula = f"{name} = ({n} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {op} + 1"
    if op >= max(s, d):
        return say("{formula}: output_padding {output_padding} must be < max(stride, dilation) = {limit}",
                   formula=formula, output_padding=op, limit=max(s, d))
    out = (n - 1) * s - 2 * p + d * (k - 1) + op + 1
    if out < 1:
        return say("{formula} = {out} < 1, no output", formula=formula, out=out)
    assert (out, out) == conv_transpose_output_shape(n, k, padding=p, stride=s, dilation=d, output_padding=op)
    return f"{formula} = {out}"


def pool_formula_text(
    size: int,
    kernel_size: int,
    padding: int = 0,
    stride: int | None = None,
    name: str = "out_h",
    ceil_mode: bool = False,
) -> str:
    """One output side of a pooling layer (``stride`` defaults to the window, as in PyTorch).

    ``⌊(n + 2p − k) / s⌋ + 1``, or with ``ceil_mode`` ``⌈(n + 2p − k) / s⌉ + 1``, less one
    when that last window would start in the right/bottom padding (PyTorch drops it).

    >>> pool_formula_text(4, kernel_size=3, padding=1, stride=2)
    'out_h = ⌊(4 + 2·1 − 3) / 2⌋ + 1 = 2'
    >>> pool_formula_text(28, kernel_size=2, stride=2, name="out_w")
    'out_w = ⌊(28 + 2·0 − 2) / 2⌋ + 1 = 14'
    >>> pool_formula_text(5, kernel_size=2, ceil_mode=True)
    'out_h = ⌈(5 + 2·0 − 2) / 2⌉ + 1 = 3'
    >>> pool_formula_text(5, kernel_size=3, padding=1, stride=3, ceil_mode=True)
    'out_h = ⌈(5 + 2·1 − 3) / 3⌉ + 1 − 1 (the last window would start in the padding) = 2'
    """
    size = positive_int(size, "size", example=28)
    kernel_size = positive_int(kernel_size, "kernel_size", example=2)
    padding = nonnegative_int(padding, "padding", example=0)
    stride = kernel_size if stride is None else positive_int(stride, "stride", example=2)
    if not isinstance(ceil_mode, bool):
        raise TypeError(f"ceil_mode must be True or False, got {ceil_mode!r}")
    inside = f"{size} + 2·{padding} − {kernel_size}"
    low, high = ("⌈", "⌉") if ceil_mode else ("⌊", "⌋")
    formula = f"{low}({inside}) / {stride}{high} + 1"
    numerator = size + 2 * padding - kernel_size
    rounded = (-(-numerator // stride) if ceil_mode else numerator // stride) + 1
    if rounded < 1:
        return say("{name} = {formula}: ({inside}) = {numerator} < 0, no window fits", name=name, formula=formula,
                   inside=inside, numerator=numerator)
    out = pool_output_shape(size, kernel_size, padding=padding, stride=stride, ceil_mode=ceil_mode)[0]
    if out < rounded:
        formula += say(" − 1 (the last window would start in the padding)")
    return f"{name} = {formula} = {out}"


# ---------------------------------------------------------------------------
# Receptive fields of a stack of layers
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LayerSpec:
    """The geometry of one convolution or pooling layer.

    Ints are normalised to pairs ``(height, width)``, so ``LayerSpec("conv", 3)`` has
    ``kernel_size == (3, 3)``. For a pooling layer give ``stride`` explicitly: here it
    defaults to 1, unlike ``nn.MaxPool2d`` whose stride defaults to the window.
    """

    kind: LayerKind  # "conv" or "pool"
    kernel_size: IntOrPair  # (kh, kw) after construction
    stride: IntOrPair = 1
    padding: IntOrPair = 0  # zeros (or -inf) added on each side
    dilation: IntOrPair = 1  # gap between kernel taps; 1 = dense kernel
    name: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("conv", "pool"):
            raise ValueError(f"kind must be 'conv' or 'pool', got {self.kind!r}")
        object.__setattr__(self, "kernel_size", _pair(self.kernel_size, "kernel_size", 1))
        object.__setattr__(self, "stride", _pair(self.stride, "stride", 1))
        object.__setattr__(self, "padding", _pair(self.padding, "padding", 0))
        object.__setattr__(self, "dilation", _pair(self.dilation, "dilation", 1))


@dataclass(frozen=True)
class ReceptiveField:
    """Receptive field of the output of one layer, in input-image pixels (D2L 7.2.6).

    Output pixel ``(i, j)`` sees the input rectangle centred at
    ``start + (i, j) * jump`` with ``size`` rows and columns (before clipping to the
    image). ``start`` may be negative or a half-integer (even sizes).

    ``size`` is the extent of the field: a dilation (or a stride larger than the next
    kernel) can leave pixels inside it that the output does not see, and at the image
    border a tap that falls in the padding can hide some pixels of the clipped rectangle.
    """

    name: str  # qualified module name ("net.0"), or the fx node name for F.* calls
    kind: str  # "conv" or "pool" ("output" for overall_receptive_field)
    size: tuple[int, int]  # rows and columns of the field
    jump: tuple[int, int]  # input pixels between two neighbouring output pixels
    start: tuple[float, float]  # centre of the field of output pixel (0, 0)

    def input_region(
        self, i: int = 0, j: int = 0, input_size: IntOrPair | None = None
    ) -> tuple[tuple[int, int], tuple[int, int]]:
        """Rows ``(first, last)`` and columns ``(first, last)`` (inclusive) seen by pixel (i, j).

        With ``input_size`` the rectangle is clipped to the image; padding lies outside.

        >>> rf = ReceptiveField("pool1", "pool", size=(4, 4), jump=(2, 2), start=(0.5, 0.5))  # 3x3 conv, 2x2 pool
        >>> rf.input_region(0, 0), rf.input_region(0, 0, input_size=8)
        (((-1, 2), (-1, 2)), ((0, 2), (0, 2)))
        """
        region = []
        for axis, index in enumerate((i, j)):
            centre = self.start[axis] + index * self.jump[axis]
            half = (self.size[axis] - 1) / 2
            first, last = int(centre - half), int(centre + half)
            assert first == centre - half and last == centre + half, "field ends are whole pixels"
            if input_size is not None:
                limit = _pair(input_size, "input_size", 1)[axis]
                first, last = max(first, 0), min(last, limit - 1)
            region.append((first, last))
        return (region[0], region[1])


@dataclass(frozen=True)
class _Field:
    """Running field of a tensor: per-dimension size, jump and centre of pixel 0."""

    size: tuple[int, int] = (1, 1)
    jump: tuple[int, int] = (1, 1)
    start: tuple[float, float] = (0.0, 0.0)

    def after(self, spec: LayerSpec) -> _Field:
        """Apply the recurrences of the module docstring for one layer."""
        size, jump, start = [], [], []
        for a in (0, 1):
            k_eff = dilated_kernel_size(spec.kernel_size[a], spec.dilation[a])  # type: ignore[index]
            size.append(self.size[a] + (k_eff - 1) * self.jump[a])
            jump.append(self.jump[a] * spec.stride[a])  # type: ignore[index]
            start.append(self.start[a] + ((k_eff - 1) / 2 - spec.padding[a]) * self.jump[a])  # type: ignore[index]
        return _Field((size[0], size[1]), (jump[0], jump[1]), (start[0], start[1]))

    def union(self, other: _Field, where: str) -> _Field:
        """The field seen through two paths that meet (add, cat, ...): the largest extent."""
        if self.jump != other.jump:
            raise ValueError(
                f"paths with different total strides {_hw(self.jump)} and {_hw(other.jump)} "
                f"meet at {where!r}: receptive_fields cannot combine them; pass a list of "
                "LayerSpec for the path you want instead"
            )
        size, start = [], []
        for a in (0, 1):
            lo = min(f.start[a] - (f.size[a] - 1) / 2 for f in (self, other))
            hi = max(f.start[a] + (f.size[a] - 1) / 2 for f in (self, other))
            size.append(int(hi - lo) + 1)
            start.append((lo + hi) / 2)
        return _Field((size[0], size[1]), self.jump, (start[0], start[1]))

    def padded(self, top: int, left: int) -> _Field:
        """An explicit pad (``F.pad``, ``nn.ZeroPad2d``): pixel 0 moves ``top``/``left`` back."""
        return _Field(self.size, self.jump, (self.start[0] - top * self.jump[0], self.start[1] - left * self.jump[1]))

    def named(self, name: str, kind: str) -> ReceptiveField:
        return ReceptiveField(name, kind, self.size, self.jump, self.start)


def _walk_specs(layers: Sequence[LayerSpec]) -> list[ReceptiveField]:
    """The field after each layer of a plain stack (``course_utils.fields.receptive_fields`` of a list)."""
    current = _Field()
    results = []
    for index, spec in enumerate(layers):
        if not isinstance(spec, LayerSpec):
            raise TypeError(
                f"layers[{index}] must be a LayerSpec, got {spec!r}: write e.g. "
                "LayerSpec('conv', kernel_size=3, padding=1)"
            )
        current = current.after(spec)
        results.append(current.named(spec.name or f"{index}", spec.kind))
    return results
