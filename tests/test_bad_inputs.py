"""Every bad input to the public API gets a clear answer at the call that is wrong.

Each case below is one bad call a student or an instructor could make. It is answered
clearly when it raises ``TypeError`` or ``ValueError`` (or a subclass) whose message names
the value received, from the course's own code (the innermost frame of the traceback is in
``course_utils``, not deep inside PyTorch or Python). ``python tests/test_bad_inputs.py``
prints how many cases are tried and how many are answered clearly, and lists the others.
"""

from __future__ import annotations

import math
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import torch

import course_utils as cu

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = str(ROOT / "course_utils")


@dataclass(frozen=True)
class Case:
    label: str
    call: Callable[[], object]
    fragment: str  # must appear in the message: the value received, as the student wrote it


def _fragment(value: object) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, float) and math.isinf(value):
        return "inf"
    if isinstance(value, np.generic):
        return str(value.item())
    if isinstance(value, torch.Tensor):
        return str(tuple(value.shape))  # a tensor is named by its shape
    if isinstance(value, (np.ndarray, list)):
        return type(value).__name__  # and an array or a list by its type
    return repr(value)


CASES: list[Case] = []


def bad(label: str, values: list[object], call: Callable[[object], object]) -> None:
    """One case per value: ``call(value)`` must be refused, naming the value."""
    for value in values:
        shown = f"a tensor of shape {tuple(value.shape)}" if isinstance(value, torch.Tensor) else repr(value)
        CASES.append(Case(f"{label}={shown}", lambda v=value: call(v), _fragment(value)))


COUNT = [0, -1, True, 2.5, "2", None]  # where a positive whole number is expected
SIZE = [0, -3, True, 2.0, "3", (3,), (3, 3, 3)]  # an int or an (h, w) pair >= 1
PADDING = [-1, True, 1.5, "1", (1,)]
POSITIVE = [0, -0.1, float("inf"), float("nan"), True, "0.1", None]  # a positive finite number
FLAG = [1, "yes", None, 0.0]

image = torch.rand(1, 1, 28, 28)

# ----------------------------------------------------------------------------- shapes and ops
bad("conv_output_shape size", SIZE, lambda v: cu.conv_output_shape(v, 3))
bad("conv_output_shape kernel_size", SIZE, lambda v: cu.conv_output_shape(8, v))
bad("conv_output_shape padding", PADDING, lambda v: cu.conv_output_shape(8, 3, padding=v))
bad("conv_output_shape stride", SIZE, lambda v: cu.conv_output_shape(8, 3, stride=v))
bad("conv_output_shape dilation", SIZE, lambda v: cu.conv_output_shape(8, 3, dilation=v))
bad("pool_output_shape kernel_size", SIZE, lambda v: cu.pool_output_shape(8, v))
bad("pool_output_shape stride", SIZE, lambda v: cu.pool_output_shape(8, 2, stride=v))
bad("pool_output_shape ceil_mode", FLAG, lambda v: cu.pool_output_shape(8, 2, ceil_mode=v))
bad("LayerSpec kind", ["convolution", 1, None], lambda v: cu.LayerSpec(v, 3))
bad("LayerSpec kernel_size", SIZE, lambda v: cu.LayerSpec("conv", v))
bad("receptive_fields layers", [3, "conv", None], lambda v: cu.receptive_fields(v))
bad("corr2d X", [np.ones((3, 3)), [[1.0, 2.0]], None, torch.ones(3)], lambda v: cu.corr2d(v, torch.ones(2, 2)))
bad("corr2d K", [np.ones((2, 2)), None, torch.ones(2)], lambda v: cu.corr2d(torch.ones(3, 3), v))
bad("Conv2D kernel_size", SIZE, lambda v: cu.Conv2D(v))
bad("pool2d pool_size", SIZE, lambda v: cu.pool2d(torch.ones(4, 4), v))
bad("pool2d mode", ["maximum", "MAX", None, 1], lambda v: cu.pool2d(torch.ones(4, 4), 2, mode=v))
bad("pool2d_vectorized stride", SIZE, lambda v: cu.pool2d_vectorized(torch.ones(4, 4), 2, stride=v))
bad("corr2d_vectorized padding", PADDING, lambda v: cu.corr2d_vectorized(torch.ones(4, 4), torch.ones(2, 2), padding=v))

# ----------------------------------------------------------------------------- models
bad("LeNet lr", POSITIVE, lambda v: cu.LeNet(lr=v))
bad("LeNet num_classes", [1, 0, True, 2.0, "10"], lambda v: cu.LeNet(num_classes=v))
bad("AlexNet width", POSITIVE, lambda v: cu.AlexNet(width=v))
bad("vgg_block num_convs", COUNT, lambda v: cu.vgg_block(v, 64))
bad("vgg_block out_channels", COUNT, lambda v: cu.vgg_block(1, v))
bad("VGG arch", [(), ((1,),), ((0, 8),), ((1, 8.0),), "vgg11", None], lambda v: cu.VGG(v))
bad("VGG num_hiddens", COUNT, lambda v: cu.VGG(cu.VGG_ARCHS["small"], num_hiddens=v))
bad("nin_block out_channels", COUNT, lambda v: cu.nin_block(v, 3, 1, 1))
bad("NiN width", POSITIVE, lambda v: cu.NiN(width=v))
bad("Inception c1", COUNT, lambda v: cu.Inception(v, (4, 8), (2, 4), 4))
bad("Inception c2", [(4,), (4, 0), 8, None, (4, 8.0)], lambda v: cu.Inception(4, v, (2, 4), 4))
bad("GoogleNet width", POSITIVE, lambda v: cu.GoogleNet(width=v))
bad("BatchNorm num_features", COUNT, lambda v: cu.BatchNorm(v, 4))
bad("BatchNorm num_dims", [3, 0, True, "4", None], lambda v: cu.BatchNorm(6, v))
bad("BatchNorm eps", [-1e-5, 0, float("nan"), float("inf"), True, "1e-5"], lambda v: cu.BatchNorm(6, 4, eps=v))
bad("BatchNorm momentum", [-0.1, 1.5, float("nan"), True, "0.1"], lambda v: cu.BatchNorm(6, 4, momentum=v))
bad("Residual num_channels", COUNT, lambda v: cu.Residual(v))
bad("Residual strides", COUNT, lambda v: cu.Residual(6, use_1x1conv=True, strides=v))
bad("ResNet arch", [(), ((2,),), ((2, 0),), "resnet18"], lambda v: cu.ResNet(v))
bad("ResNet18 width", POSITIVE, lambda v: cu.ResNet18(width=v))
bad("ResNeXtBlock groups", COUNT + [3], lambda v: cu.ResNeXtBlock(16, v, 1))
bad("ResNeXtBlock bot_mul", POSITIVE, lambda v: cu.ResNeXtBlock(16, 2, v))


def _forward(model: torch.nn.Module, X: object) -> object:
    model.eval()
    return model(X)


for _name, _build, _side in [("LeNet", cu.LeNet, 28), ("AlexNet", lambda: cu.AlexNet(width=0.125), 65),
                             ("NiN", lambda: cu.NiN(width=0.125), 67), ("ResNet18", lambda: cu.ResNet18(width=0.125), 32),
                             ("GoogleNet", lambda: cu.GoogleNet(width=0.125), 32)]:
    bad(f"{_name} forward dtype", [torch.float64, torch.uint8, torch.int64],
        lambda v, b=_build, s=_side: _forward(b(), torch.zeros(2, 1, s, s, dtype=v)))
    CASES.append(Case(f"{_name} forward NumPy", lambda b=_build, s=_side: _forward(b(), np.zeros((2, 1, s, s), np.float32)),
                      "NumPy array"))
    CASES.append(Case(f"{_name} forward unbatched", lambda b=_build, s=_side: _forward(b(), torch.zeros(1, s, s)),
                      f"(1, {_side}, {_side})"))
CASES.append(Case("LeNet forward 28 then 32", lambda: (lambda m: (_forward(m, torch.zeros(2, 1, 28, 28)),
                                                                   _forward(m, torch.zeros(2, 1, 32, 32))))(cu.LeNet()),
                  "32x32"))
CASES.append(Case("Inception unbatched", lambda: cu.Inception(4, (4, 8), (2, 4), 4)(torch.zeros(3, 8, 8)), "(3, 8, 8)"))
CASES.append(Case("Residual unbatched", lambda: cu.Residual(3)(torch.zeros(3, 8, 8)), "(3, 8, 8)"))

# ----------------------------------------------------------------------------- summaries and self-checks
bad("model_summary X_shape", [(1, 1, 0, 28), (1, 1, 28), "1x1x28x28", (1, 1, 28.0, 28), None],
    lambda v: cu.model_summary(cu.LeNet(), v))
bad("model_summary depth", [0, -1, True, 1.5, "2"], lambda v: cu.model_summary(cu.LeNet(), (1, 1, 28, 28), depth=v))
bad("layer_summary X_shape", [(1, 1, 0, 28), "x", None], lambda v: cu.layer_summary(cu.LeNet(), v))

# ----------------------------------------------------------------------------- data
# ----------------------------------------------------------------------------- figures
from course_utils import diagrams, illustrations  # noqa: E402

bad("pooling_figure mode", ["median", "MAX", None, 1], lambda v: illustrations.pooling_figure(mode=v))
bad("pixel_use_counts size", COUNT, lambda v: illustrations.pixel_use_counts(v, 2))
bad("pixel_use_figure kernel_sizes", [(0,), (1, -2), "3", None], lambda v: illustrations.pixel_use_figure(kernel_sizes=v))
bad("detector_figure rows", COUNT, lambda v: illustrations.detector_figure(rows=v))
bad("architecture_figure model", ["LeNet", None, 3], lambda v: diagrams.architecture_figure(v, (1, 1, 28, 28)))
bad("architecture_boxes X_shape", [(28, 28), (1, 1, 0, 28), "1x1x28x28", None],
    lambda v: diagrams.architecture_boxes(cu.LeNet(), v))
bad("block_figure block", ["Inception", None], lambda v: diagrams.block_figure(v, (1, 3, 8, 8)))

bad("FashionMNIST batch_size", COUNT, lambda v: cu.FashionMNIST(batch_size=v, source="sample"))
bad("FashionMNIST resize", SIZE, lambda v: cu.FashionMNIST(resize=v, source="sample"))
bad("FashionMNIST source", ["Sample", "mnist", None, 1], lambda v: cu.FashionMNIST(source=v))
bad("FashionMNIST num_train", [0, -5, True, 10.0, "100", 2001], lambda v: cu.FashionMNIST(source="sample", num_train=v))
bad("FashionMNIST repeat", COUNT, lambda v: cu.FashionMNIST(source="sample", repeat=v))
bad("FashionMNIST seed", [-1, 1.5, True, "0", None], lambda v: cu.FashionMNIST(source="sample", seed=v))
bad("FashionMNIST root", [3], lambda v: cu.FashionMNIST(root=v))
CASES.append(Case("FashionMNIST root=<a file>", lambda: cu.FashionMNIST(root=ROOT / "README.md"), str(ROOT / "README.md")))
bad("load_fashion_mnist train", [None, "train", 1, 0], lambda v: cu.load_fashion_mnist(v))
bad("load_sample train", [None, "train", 1], lambda v: cu.load_sample(v))
for _label in (-1, 10, 1.5, "shirt"):
    CASES.append(Case(f"text_labels=[{_label!r}]", lambda v=_label: cu.text_labels([v]), repr(_label)))

# ----------------------------------------------------------------------------- training
bad("Trainer max_epochs", [-1, True, 2.5, "10", None], lambda v: cu.Trainer(max_epochs=v))
bad("Trainer num_gpus", [-1, True, 1.5, "1", None], lambda v: cu.Trainer(max_epochs=1, num_gpus=v))
bad("Trainer gradient_clip_val", [-1, float("nan"), float("inf"), True, "1"],
    lambda v: cu.Trainer(max_epochs=1, gradient_clip_val=v))
bad("Trainer seed", [-1, 1.5, True, "0"], lambda v: cu.Trainer(max_epochs=1, seed=v))
bad("Trainer device", ["tpu", "cuda", "gpu", 3], lambda v: cu.Trainer(max_epochs=1, device=v))
bad("Trainer channels_last", [1, "yes"], lambda v: cu.Trainer(max_epochs=1, channels_last=v))
bad("Trainer compile", [1, "yes", None, "on"], lambda v: cu.Trainer(max_epochs=1, compile=v))
bad("Trainer resume", [1, "yes"], lambda v: cu.Trainer(max_epochs=1, resume=v, checkpoint_dir=ROOT / "artifacts"))
bad("select_device", ["tpu", "cuda", "mps"], lambda v: cu.select_device(1, v))
bad("training_setup model", ["lenet5", "", None, 3], lambda v: cu.training_setup(v, "fast", verbose=False))
bad("training_setup size", ["small", "FAST", 1, True], lambda v: cu.training_setup("lenet", v, verbose=False))
bad("training_setup verbose", [1, "no", None], lambda v: cu.training_setup("lenet", "fast", verbose=v))
bad("apply_init inputs", [torch.zeros(1, 1, 28, 28), None, 3], lambda v: cu.LeNet().apply_init(v))


def _tried() -> list[tuple[Case, str | None]]:
    """Each case with None when answered clearly, else what went wrong."""
    results = []
    for case in CASES:
        try:
            case.call()
        except (TypeError, ValueError) as error:
            innermost = traceback.extract_tb(error.__traceback__)[-1].filename
            message = str(error)
            if not innermost.startswith(PACKAGE):
                results.append((case, f"raised from {innermost}: {type(error).__name__}: {message[:160]}"))
            elif case.fragment not in message:
                results.append((case, f"does not name {case.fragment}: {type(error).__name__}: {message[:160]}"))
            else:
                results.append((case, None))
        except Exception as error:  # noqa: BLE001 - any other exception is an unclear answer
            results.append((case, f"{type(error).__name__}: {str(error)[:160]}"))
        else:
            results.append((case, "accepted silently"))
    return results


@pytest.mark.parametrize("case", CASES, ids=[case.label for case in CASES])
def test_bad_input_is_answered_clearly(case: Case) -> None:
    with pytest.raises((TypeError, ValueError)) as caught:
        case.call()
    innermost = caught.traceback[-1].path
    assert str(innermost).startswith(PACKAGE), f"raised deep inside {innermost}: {caught.value}"
    assert case.fragment in str(caught.value), f"the message does not name {case.fragment}: {caught.value}"


if __name__ == "__main__":
    outcome = _tried()
    unclear = [(case, why) for case, why in outcome if why is not None]
    for case, why in unclear:
        print(f"{case.label}: {why}")
    print(f"{len(outcome)} bad calls tried, {len(outcome) - len(unclear)} answered clearly, {len(unclear)} not")
    sys.exit(0)
