"""course_utils.fields.layer_specs: the geometry of each layer receptive_fields reports, on branched and
functional models, checked against the modules, the recurrences and the shapes PyTorch gives."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course_utils.fields import field_output_shapes, layer_specs, receptive_fields
from course_utils.models import GoogleNet, ResNeXtBlock
from course_utils.shapes import LayerSpec, conv_output_shape, pool_output_shape, to_2tuple


class Functional(nn.Module):
    """A plain stack written with calls: F.avg_pool2d, F.conv2d (a parameter as weight), F.max_pool2d."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(2, 1, 3, 2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.avg_pool2d(x, 2, stride=1, padding=1)
        x = F.conv2d(x, self.weight, padding=(1, 0), dilation=(1, 2))
        return F.max_pool2d(x, kernel_size=3, stride=2)


def _output_side(spec: LayerSpec, size: tuple[int, int]) -> tuple[int, int]:
    shape = conv_output_shape if spec.kind == "conv" else pool_output_shape
    return shape(size, spec.kernel_size, padding=spec.padding, stride=spec.stride, dilation=spec.dilation)


def test_layer_specs_of_calls_are_the_arguments_of_the_calls():
    specs = layer_specs(Functional())
    assert [(s.name, s.kind, s.kernel_size, s.stride, s.padding, s.dilation) for s in specs] == [
        ("avg_pool2d", "pool", (2, 2), (1, 1), (1, 1), (1, 1)),
        ("conv2d", "conv", (3, 2), (1, 1), (1, 0), (1, 2)),
        ("max_pool2d", "pool", (3, 3), (2, 2), (0, 0), (1, 1)),
    ]


@pytest.mark.parametrize("model", [Functional(), nn.Sequential(nn.Conv2d(1, 2, 5, padding=2), nn.ReLU(),
                                                               nn.MaxPool2d(3, stride=2, padding=1),
                                                               nn.Conv2d(2, 2, 3, stride=2, dilation=2))])
def test_layer_specs_of_a_plain_stack_give_its_fields_and_its_shapes(model):
    """Along a plain stack the recurrences over the specs are the traced fields, and the output-size
    formula over the specs is what PyTorch computes."""
    specs = layer_specs(model)
    assert receptive_fields(specs) == receptive_fields(model)
    size = (23, 17)
    shapes = field_output_shapes(model, torch.zeros(1, 1, *size))
    for spec, shape in zip(specs, shapes, strict=True):
        size = _output_side(spec, size)
        assert size == shape[-2:], spec.name


def test_layer_specs_of_googlenet_follow_every_branch():
    model = GoogleNet(width=0.25)
    specs, fields = layer_specs(model), receptive_fields(model)
    assert [s.name for s in specs] == [f.name for f in fields] and len(specs) == 70
    modules = dict(model.named_modules())
    for spec in specs:
        module = modules[spec.name]
        assert spec.kind == ("conv" if isinstance(module, nn.Conv2d) else "pool"), spec.name
        assert spec.kernel_size == to_2tuple(module.kernel_size), spec.name
        stride = module.stride if module.stride is not None else module.kernel_size
        assert spec.stride == to_2tuple(stride) and spec.padding == to_2tuple(module.padding), spec.name
    branch = {s.name: s.kernel_size for s in specs if s.name.startswith("net.b3.0.")}
    assert branch == {"net.b3.0.branch1x1": (1, 1), "net.b3.0.branch3x3_reduce": (1, 1),
                      "net.b3.0.branch3x3": (3, 3), "net.b3.0.branch5x5_reduce": (1, 1),
                      "net.b3.0.branch5x5": (5, 5), "net.b3.0.branch_pool": (3, 3),
                      "net.b3.0.branch_pool_proj": (1, 1)}


def test_layer_specs_of_a_resnext_block_include_the_shortcut():
    block = ResNeXtBlock(16, groups=4, bot_mul=0.5, use_1x1conv=True, strides=2)
    specs = layer_specs(block)
    assert [(s.name, s.kernel_size, s.stride, s.padding) for s in specs] == [
        ("conv1", (1, 1), (1, 1), (0, 0)), ("conv2", (3, 3), (2, 2), (1, 1)),
        ("conv3", (1, 1), (1, 1), (0, 0)), ("conv4", (1, 1), (2, 2), (0, 0)),
    ]


def test_layer_specs_of_a_single_layer_and_bad_models():
    assert layer_specs(nn.MaxPool2d(2)) == [LayerSpec("pool", 2, stride=2, name="")]
    assert layer_specs(nn.Sequential(nn.Flatten(), nn.Linear(4, 2))) == []
    with pytest.raises(TypeError, match=r"model must be an nn.Module, got str"):
        layer_specs("LeNet")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"does not support ConvTranspose2d"):
        layer_specs(nn.Sequential(nn.ConvTranspose2d(1, 1, 2)))
