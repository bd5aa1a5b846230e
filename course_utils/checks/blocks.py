"""Self-checks of block design (8.2–8.4): what a block costs, saves, holds or allows.

How many halving blocks an image allows, the weights a stack of small kernels saves, how many
layers with weights a model has, the parameters of a NiN-block variant, the share of an
Inception block's channels that one branch produces, the multiply-adds a 1×1 reduction saves,
and the memory of a model's weights. Every expected value comes from PyTorch modules built here
(on the ``meta`` device where only the shapes matter).

>>> check_stack_saving(32, channels=1, num_layers=2, kernel_size=3)
❌ Not quite: you answered 32.
💡 Hint: a stack of n k×k convolutions sees a field of n·(k − 1) + 1 pixels a side; count the weights of one convolution with that kernel and of the n small ones (c·c·k·k each, no biases), then subtract.
   Try again, or run show_solution() to see the worked answer.
>>> check_stack_saving(7, channels=1, num_layers=2, kernel_size=3)
✅ Correct: 7.
   Why: 2 stacked 3×3 convolutions see a 5×5 field
        one 5×5 convolution: 1·1·5·5 = 25 weights
        2 × 3×3 convolutions: 2 · 1·1·3·3 = 18 weights
        saved: 25 − 18 = 7
>>> from course_utils.checks import reset_attempts
>>> reset_attempts()
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from course_utils import validate
from course_utils.checks._verdict import answer_check, as_int, as_number, report
from course_utils.fields import receptive_fields
from course_utils.language import say

__all__ = [
    "check_max_blocks",
    "check_layer_count",
    "check_stack_saving",
    "check_nin_block_params",
    "check_branch_share",
    "check_bottleneck_saving",
]

_MAX_IMAGE = 4096  # the largest side check_max_blocks runs through real blocks
_BRANCHES = {"1x1": "branch1x1", "3x3": "branch3x3", "5x5": "branch5x5", "pool": "branch_pool_proj"}


def _halving_block() -> nn.Sequential:
    """A one-channel VGG block (``models.vgg_block``): only its pooling changes the size."""
    from course_utils.models import vgg_block

    return vgg_block(1, 1)


@answer_check
def check_max_blocks(answer: object, image_size: int) -> None:
    """Check how many VGG blocks (each halves height and width) an ``image_size`` × ``image_size``
    image can pass through before nothing is left to pool: the blocks are run until one fails.

    >>> check_max_blocks(7, image_size=224)
    ✅ Correct: 7.
       Why: 224 → 112 → 56 → 28 → 14 → 7 → 3 → 1: 7 blocks; block 8 would get 1×1 and has no 2×2 window to pool
            (⌊log₂ 224⌋ = 7)
    """
    image_size = validate.positive_int(image_size, "image_size", example=224)
    if image_size > _MAX_IMAGE:
        raise ValueError(f"image_size must be at most {_MAX_IMAGE}, got {image_size}: write e.g. image_size=224")
    sides = [image_size]
    X = torch.zeros(1, 1, image_size, image_size)
    with torch.no_grad():
        while True:
            try:
                X = _halving_block()(X)
            except RuntimeError:
                break
            sides.append(X.shape[-1])
    blocks = len(sides) - 1
    path = " → ".join(map(str, sides))
    why = say("{path}: {blocks} block; block {next} would get {side}×{side} and has no 2×2 window to pool\n"
              "(⌊log₂ {image}⌋ = {log})" if blocks == 1 else
              "{path}: {blocks} blocks; block {next} would get {side}×{side} and has no 2×2 window to pool\n"
              "(⌊log₂ {image}⌋ = {log})", path=path, blocks=blocks, next=blocks + 1, side=sides[-1],
              image=image_size, log=math.floor(math.log2(image_size)))
    hint = say("each block's 2×2 pooling with stride 2 halves the side, rounding down; count the halvings until the "
               "side is 1, the last size a block can still receive and shrink no further.")
    report(as_int(answer) == blocks, answer, blocks, hint=hint, why=why)


def _weight_layers(model: nn.Module) -> list[tuple[str, str]]:
    """(name, kind) of every convolution and linear layer of ``model``, lazy ones included."""
    kinds = []
    for name, module in model.named_modules():
        if isinstance(module, nn.Conv2d):
            kinds.append((name, "conv"))
        elif isinstance(module, nn.Linear):
            kinds.append((name, "linear"))
    return kinds


@answer_check
def check_layer_count(answer: object, model: nn.Module) -> None:
    """Check how many layers with weights (convolutions and linear layers) ``model`` has, the
    number in a name such as VGG-11; activations, pooling, dropout and flatten have none.

    >>> check_layer_count(3, nn.Sequential(nn.Sequential(nn.LazyConv2d(8, 3), nn.ReLU(), nn.LazyConv2d(8, 3)),
    ...                                    nn.MaxPool2d(2), nn.Flatten(), nn.LazyLinear(10)))
    ✅ Correct: 3.
       Why: 0: 2 conv
            3: 1 linear
            total = 3 layers with weights
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}: pass e.g. VGG(arch=...)")
    layers = _weight_layers(model)
    if not layers:
        raise ValueError(f"{type(model).__name__} has no convolution or linear layer: pass a model that has some")
    depth = 2 if isinstance(getattr(model, "net", None), nn.Module) else 1  # net.0, net.1, ... for the course models
    groups: dict[tuple[str, str], int] = {}
    for name, kind in layers:
        top = ".".join(name.split(".")[:depth])
        groups[(top, kind)] = groups.get((top, kind), 0) + 1
    lines = [say("{name}: {count} conv" if kind == "conv" else "{name}: {count} linear", name=top, count=count)
             for (top, kind), count in groups.items()]
    lines.append(say("total = {count} layers with weights", count=len(layers)))
    hint = say("a summary with one row per block hides the layers inside each block: count the convolutions of every "
               "block (the first number of each (num_convs, out_channels) pair) and add the linear layers.")
    report(as_int(answer) == len(layers), answer, len(layers), hint=hint, why="\n".join(lines))


def _conv_weights(in_channels: int, out_channels: int, kernel_size: int) -> int:
    """The weights of one bias-free convolution, counted by PyTorch (no memory allocated)."""
    return nn.Conv2d(in_channels, out_channels, kernel_size, bias=False, device="meta").weight.numel()


@answer_check
def check_stack_saving(answer: object, channels: int, num_layers: int, kernel_size: int = 3) -> None:
    """Check how many weights a stack of ``num_layers`` ``kernel_size``×``kernel_size`` convolutions
    (``channels`` in and out, no biases) saves against one convolution that sees the same field.

    The field comes from ``course_utils.fields`` run on the stack; a negative answer means the
    stack costs more.
    """
    channels = validate.positive_int(channels, "channels", example=64)
    num_layers = validate.positive_int(num_layers, "num_layers", example=2)
    kernel_size = validate.positive_int(kernel_size, "kernel_size", example=3)
    stack = nn.Sequential(*(nn.Conv2d(channels, channels, kernel_size, bias=False, device="meta")
                            for _ in range(num_layers)))
    field = receptive_fields(stack)[-1].size[0]
    one = _conv_weights(channels, channels, field)
    many = sum(p.numel() for p in stack.parameters())
    saved = one - many
    c, k = channels, kernel_size
    why = "\n".join([
        say("{n} stacked {k}×{k} convolutions see a {field}×{field} field", n=num_layers, k=k, field=field),
        say("one {field}×{field} convolution: {c}·{c}·{field}·{field} = {weights:,} weights", field=field, c=c,
            weights=one),
        say("{n} × {k}×{k} convolutions: {n} · {c}·{c}·{k}·{k} = {weights:,} weights", n=num_layers, k=k, c=c,
            weights=many),
        say("saved: {one:,} − {many:,} = {saved:,}", one=one, many=many, saved=saved),
    ])
    hint = say("a stack of n k×k convolutions sees a field of n·(k − 1) + 1 pixels a side; count the weights of one "
               "convolution with that kernel and of the n small ones (c·c·k·k each, no biases), then subtract.")
    report(as_int(answer) == saved, answer, saved, hint=hint, why=why)


@answer_check
def check_nin_block_params(
    answer: object, in_channels: int, out_channels: int, kernel_size: int, *, num_mlp_layers: int = 2,
    mlp_kernel_size: int = 1,
) -> None:
    """Check the parameters of a NiN block: a ``kernel_size`` convolution from ``in_channels`` to
    ``out_channels``, then ``num_mlp_layers`` convolutions of ``mlp_kernel_size`` (1 in the book's
    block, which has two), each with its biases.

    >>> check_nin_block_params(30_336, in_channels=1, out_channels=96, kernel_size=11)
    ✅ Correct: 30336.
       Why: first convolution 96·1·11·11 + 96 = 11,712
            1×1 convolution 2: 96·96·1·1 + 96 = 9,312
            1×1 convolution 3: 96·96·1·1 + 96 = 9,312
            total = 30,336
    """
    in_channels = validate.positive_int(in_channels, "in_channels", example=256)
    out_channels = validate.positive_int(out_channels, "out_channels", example=384)
    kernel_size = validate.positive_int(kernel_size, "kernel_size", example=3)
    num_mlp_layers = validate.nonnegative_int(num_mlp_layers, "num_mlp_layers", example=2)
    mlp_kernel_size = validate.positive_int(mlp_kernel_size, "mlp_kernel_size", example=1)
    convs = [nn.Conv2d(in_channels, out_channels, kernel_size, device="meta")]
    convs += [nn.Conv2d(out_channels, out_channels, mlp_kernel_size, device="meta") for _ in range(num_mlp_layers)]
    counts = [sum(p.numel() for p in conv.parameters()) for conv in convs]
    expected = sum(counts)
    m = mlp_kernel_size
    lines = [say("first convolution {c_out}·{c_in}·{k}·{k} + {c_out} = {count:,}", c_out=out_channels,
                 c_in=in_channels, k=kernel_size, count=counts[0])]
    lines += [say("{m}×{m} convolution {number}: {c}·{c}·{m}·{m} + {c} = {count:,}", m=m, number=i, c=out_channels,
                  count=count) for i, count in enumerate(counts[1:], start=2)]
    lines.append(say("total = {total:,}", total=expected))
    hint = say("the first convolution maps the block's input channels to its output channels; every later "
               "convolution maps the output channels to themselves. Each has c_out·c_in·k·k weights and c_out biases.")
    report(as_int(answer) == expected, answer, expected, hint=hint, why="\n".join(lines))


def _branch_channels(block: nn.Module) -> dict[str, int]:
    """The output channels of the four branches of an Inception block."""
    if not all(isinstance(getattr(block, name, None), nn.Conv2d) for name in _BRANCHES.values()):
        raise TypeError(f"block must be an Inception block (course_utils.models.Inception), got {type(block).__name__}: "
                        "pass e.g. Inception(192, (96, 208), (16, 48), 64)")
    return {branch: getattr(block, name).out_channels for branch, name in _BRANCHES.items()}


@answer_check
def check_branch_share(answer: object, block: nn.Module, branch: str) -> None:
    """Check the fraction (0 to 1) of an Inception ``block``'s output channels that ``branch``
    ("1x1", "3x3", "5x5" or "pool") produces.

    >>> from course_utils.models import Inception
    >>> check_branch_share(0.25, Inception(64, (96, 128), (16, 32), 32), "1x1")
    ✅ Correct: 0.25.
       Why: 64 of 64 + 128 + 32 + 32 = 256 channels: 64 / 256 = 0.25
    """
    channels = _branch_channels(block)
    validate.choice(branch, "branch", tuple(_BRANCHES))
    total = sum(channels.values())
    expected = channels[branch] / total
    value = as_number(answer)
    ok = value is not None and math.isclose(value, expected, rel_tol=1e-3)
    parts = " + ".join(str(c) for c in channels.values())
    why = say("{branch} of {parts} = {total} channels: {branch} / {total} = {share:.5g}", branch=channels[branch],
              parts=parts, total=total, share=expected)
    hint = say("the block concatenates its branches, so its output channels are the sum of the four branches' last "
               "convolutions (c1, c2[1], c3[1], c4); divide the branch's channels by that sum. Answer a fraction "
               "such as 0.3, not a percentage.")
    report(ok, answer, f"{expected:.5g}", hint=hint, why=why)


def _conv_macs(in_channels: int, out_channels: int, kernel_size: int, size: int) -> int:
    """Multiply-adds of one same-padded convolution on a ``size`` × ``size`` image, read from
    ``course_utils.summary`` after a forward pass."""
    from course_utils.summary import model_summary

    conv = nn.Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2)
    return model_summary(nn.Sequential(conv), (1, in_channels, size, size)).total_macs


@answer_check
def check_bottleneck_saving(
    answer: object, in_channels: int, reduce_channels: int, out_channels: int, kernel_size: int, size: int
) -> None:
    """Check the multiply-adds that a 1×1 reduction to ``reduce_channels`` saves in front of a
    ``kernel_size`` convolution (``in_channels`` → ``out_channels``, height and width kept) on one
    ``size`` × ``size`` image, as in an Inception branch; negative if the reduction costs more.

    >>> check_bottleneck_saving(19_832_832, 192, 16, 32, kernel_size=5, size=12)
    ✅ Correct: 19832832.
       Why: directly: 32·12·12 outputs × 192·5·5 = 22,118,400
            reduced: 16·12·12 × 192·1·1 = 442,368, then 32·12·12 × 16·5·5 = 1,843,200; together 2,285,568
            saved: 22,118,400 − 2,285,568 = 19,832,832
    """
    in_channels = validate.positive_int(in_channels, "in_channels", example=192)
    reduce_channels = validate.positive_int(reduce_channels, "reduce_channels", example=16)
    out_channels = validate.positive_int(out_channels, "out_channels", example=32)
    kernel_size = validate.positive_int(kernel_size, "kernel_size", example=5)
    size = validate.positive_int(size, "size", example=12)
    if kernel_size % 2 == 0:
        raise ValueError(f"kernel_size must be odd so that padding keeps the size, got {kernel_size}: e.g. kernel_size=5")
    if size > 512:
        raise ValueError(f"size must be at most 512, got {size}: e.g. size=12")
    direct = _conv_macs(in_channels, out_channels, kernel_size, size)
    reduce = _conv_macs(in_channels, reduce_channels, 1, size)
    then = _conv_macs(reduce_channels, out_channels, kernel_size, size)
    saved = direct - reduce - then
    k, n = kernel_size, size
    why = "\n".join([
        say("directly: {c_out}·{n}·{n} outputs × {c_in}·{k}·{k} = {direct:,}", c_out=out_channels, n=n,
            c_in=in_channels, k=k, direct=direct),
        say("reduced: {c_red}·{n}·{n} × {c_in}·1·1 = {reduce:,}, then {c_out}·{n}·{n} × {c_red}·{k}·{k} = {then:,}; "
            "together {both:,}", c_red=reduce_channels, n=n, c_in=in_channels, reduce=reduce, c_out=out_channels, k=k,
            then=then, both=reduce + then),
        say("saved: {one:,} − {many:,} = {saved:,}", one=direct, many=reduce + then, saved=saved),
    ])
    hint = say("a convolution costs (outputs) × (multiply-adds per output) = c_out·h·w × c_in·k·k; compute it for the "
               "direct convolution and for the 1×1 reduction plus the convolution on the reduced channels, then "
               "subtract.")
    report(as_int(answer) == saved, answer, saved, hint=hint, why=why)


def check_weight_memory(answer: object, model: nn.Module, X_shape: Sequence[int], *, with_gradients: bool = False
                        ) -> None:
    """Check the memory in MiB (2**20 bytes) of ``model``'s parameters, and of their gradients
    as well when ``with_gradients`` (training keeps one gradient per weight); within 1%.

    Lazy layers get their shapes from a zero batch of ``X_shape`` first.
    """
    from course_utils.summary import model_summary

    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}: pass e.g. NiN()")
    with_gradients = validate.flag(with_gradients, "with_gradients")
    model_summary(model, X_shape)  # initialises lazy layers
    params = list(model.parameters())
    count = sum(p.numel() for p in params)
    nbytes = sum(p.numel() * p.element_size() for p in params) * (2 if with_gradients else 1)
    expected = nbytes / 2**20
    value = as_number(answer)
    ok = value is not None and math.isclose(value, expected, rel_tol=1e-2)
    size = params[0].element_size() if params else 4
    copies = say("2 (weights and gradients)") if with_gradients else say("1 (weights only)")
    why = say("{count:,} parameters × {size} bytes ({dtype}) × {copies} = {bytes:,} bytes; / 2**20 = {mib:.2f} MiB",
              count=count, size=size, dtype=params[0].dtype if params else torch.float32, copies=copies, bytes=nbytes,
              mib=expected)
    hint = say("count the parameters, multiply by 4 bytes (float32), by 2 for the gradients, and divide by 2**20 = "
               "1,048,576 bytes per MiB (not 10**6)." if with_gradients else
               "count the parameters, multiply by 4 bytes (float32), and divide by 2**20 = 1,048,576 bytes per MiB "
               "(not 10**6).")
    report(ok, answer, f"{expected:.2f} MiB", hint=hint, why=why)
