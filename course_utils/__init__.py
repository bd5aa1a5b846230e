"""Shared code of the CNN course (Dive into Deep Learning, sections 7.1-8.6), in PyTorch.

The book's names work as in the book::

    from course_utils import corr2d, pool2d, FashionMNIST, LeNet, Trainer

One job per module:

* the maths: ``ops`` (cross-correlation and pooling), ``shapes`` (output sizes, the formula
  with its numbers, window taps, receptive-field arithmetic), ``fields`` (receptive fields of
  a whole ``nn.Module``, traced with ``torch.fx``);
* the data: ``data_sources`` (where the Fashion-MNIST bytes come from, checked), ``data``
  (batches and the book's data module);
* the networks: ``models`` (one file per book section, ``get_model``), ``summary``;
* training: ``trainer``, ``callbacks``, ``checkpoint`` (the checkpoint format), ``sizes``
  (how big a run is), ``device``;
* measurements: ``comparison`` (the models side by side, with the committed results in
  ``course_utils/results/``), ``profiling`` (the cost of one training step);
* the notebooks: ``explorers`` (drawn in the browser), ``plotting`` (training figures),
  ``illustrations`` (the figures of the ideas), ``diagrams`` (architectures drawn from the modules),
  ``checks`` (self-checks: a hint first, then the solution);
* shared helpers: ``validate`` (argument checks), ``formatting`` (numbers and tables),
  ``files`` (atomic writes), ``language`` (English or Korean for what a student reads, with
  the Korean texts in ``locales``), ``fonts`` (a font with Hangul for the Korean figures).

``explorers`` (anywidget) and ``summary`` (torchinfo), and what builds on them, load on first
use, so training code runs on a machine that has only torch, torchvision, tqdm and matplotlib.
"""

from __future__ import annotations

import importlib
from typing import Any

from course_utils.data import FashionMNIST, text_labels
from course_utils.data_sources import DataIntegrityError, DataNotFoundError, load_fashion_mnist, load_sample
from course_utils.fields import overall_receptive_field, receptive_fields
from course_utils.language import get_language, set_language
from course_utils.models import (
    RESNET_ARCHS,
    VGG_ARCHS,
    VGG,
    AlexNet,
    BatchNorm,
    BNLeNet,
    BNLeNetScratch,
    MODELS,
    Classifier,
    GoogleNet,
    Inception,
    LeNet,
    NiN,
    Residual,
    ResNet,
    ResNet18,
    ResNeXtBlock,
    batch_norm,
    get_model,
    init_cnn,
    nin_block,
    vgg_block,
)
from course_utils.ops import (
    Conv2D,
    comp_conv2d,
    corr2d,
    corr2d_multi_in,
    corr2d_multi_in_out,
    corr2d_multi_in_out_1x1,
    corr2d_vectorized,
    pool2d,
    pool2d_vectorized,
)
from course_utils.shapes import (
    LayerSpec,
    ReceptiveField,
    conv_output_shape,
    pool_output_shape,
    to_2tuple,
)
from course_utils.sizes import resolve_size, training_setup
from course_utils.device import select_device
from course_utils.trainer import History, Trainer

__version__ = "0.1.0"

# Loaded on first use: name -> module.
_LAZY = {
    "layer_summary": "course_utils.summary",
    "model_summary": "course_utils.summary",
    "ModelSummary": "course_utils.summary",
    "compare_models": "course_utils.comparison",
    "training_costs": "course_utils.profiling",
    "measure_step": "course_utils.profiling",
    "ParameterCalculator": "course_utils.explorers",
    "KernelEditor": "course_utils.explorers",
    "ReceptiveFieldExplorer": "course_utils.explorers",
    "ConvolutionExplorer": "course_utils.explorers",
    "PoolingExplorer": "course_utils.explorers",
    "FeatureMapExplorer": "course_utils.explorers",
    "LayerFieldExplorer": "course_utils.explorers",
}

__all__ = [
    # the language of what a student reads (English or Korean)
    "get_language",
    "set_language",
    # 7.2-7.5 cross-correlation and pooling
    "corr2d",
    "Conv2D",
    "comp_conv2d",
    "corr2d_multi_in",
    "corr2d_multi_in_out",
    "corr2d_multi_in_out_1x1",
    "pool2d",
    "corr2d_vectorized",
    "pool2d_vectorized",
    # shape arithmetic
    "to_2tuple",
    "conv_output_shape",
    "pool_output_shape",
    "LayerSpec",
    "ReceptiveField",
    "receptive_fields",
    "overall_receptive_field",
    # data and training
    "FashionMNIST",
    "text_labels",
    "load_fashion_mnist",
    "load_sample",
    "DataNotFoundError",
    "DataIntegrityError",
    "Trainer",
    "History",
    "select_device",
    "training_setup",
    "resolve_size",
    # models
    "MODELS",
    "get_model",
    "Classifier",
    "init_cnn",
    "LeNet",
    "AlexNet",
    "vgg_block",
    "VGG",
    "VGG_ARCHS",
    "nin_block",
    "NiN",
    "Inception",
    "GoogleNet",
    "batch_norm",
    "BatchNorm",
    "BNLeNetScratch",
    "BNLeNet",
    "Residual",
    "ResNet",
    "ResNet18",
    "RESNET_ARCHS",
    "ResNeXtBlock",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'course_utils' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
