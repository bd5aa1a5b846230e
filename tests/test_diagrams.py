"""course_utils.diagrams: every box, label, shape and edge of a diagram checked against the module
objects and against shapes recorded by forward hooks in the test itself."""

from __future__ import annotations

import doctest
import re

import matplotlib.pyplot as plt
import pytest
import torch
from torch import nn

from course_utils.diagrams import (
    architecture_boxes,
    architecture_figure,
    block_figure,
    block_graph,
    compare_architectures_figure,
)
from course_utils.models import (
    VGG,
    VGG_ARCHS,
    AlexNet,
    BNLeNet,
    BNLeNetScratch,
    GoogleNet,
    Inception,
    LeNet,
    NiN,
    Residual,
    ResNet18,
    ResNeXtBlock,
)
from course_utils.plotting import figure_to_png

ACTIVATIONS = (nn.ReLU, nn.Sigmoid)
ACTIVATION_NAMES = {nn.ReLU: "ReLU", nn.Sigmoid: "sigmoid"}

# (factory, input shape): every model of the course, narrowed where that keeps the test fast.
MODELS = {
    "LeNet": (LeNet, (1, 1, 28, 28)),
    "AlexNet": (lambda: AlexNet(width=0.25), (1, 1, 224, 224)),
    "VGG-small": (lambda: VGG(arch=VGG_ARCHS["small"], num_hiddens=256), (1, 1, 224, 224)),
    "VGG-tiny": (lambda: VGG(arch=VGG_ARCHS["tiny"], num_hiddens=64), (1, 1, 32, 32)),
    "NiN": (lambda: NiN(width=0.25), (1, 1, 224, 224)),
    "GoogLeNet": (lambda: GoogleNet(width=0.25), (1, 1, 96, 96)),
    "ResNet-18": (lambda: ResNet18(width=0.25), (1, 1, 96, 96)),
    "BNLeNet": (BNLeNet, (1, 1, 28, 28)),
    "BNLeNetScratch": (BNLeNetScratch, (1, 1, 28, 28)),
}


def hooked_shapes(model: nn.Module, X_shape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
    """Output shape of every named module for a random batch, recorded here, independently of the package."""
    shapes: dict[str, tuple[int, ...]] = {}
    handles = []
    for name, module in model.named_modules():
        def hook(m, args, out, name=name):  # noqa: ANN001, ANN202
            if isinstance(out, torch.Tensor):
                shapes.setdefault(name, tuple(out.shape))

        handles.append(module.register_forward_hook(hook))
    model.eval()
    with torch.no_grad():
        model(torch.randn(X_shape))
    for handle in handles:
        handle.remove()
    return shapes


def children_at(container: nn.Module, prefix: str, depth: int) -> list[tuple[str, nn.Module]]:
    """The children ``depth`` levels down, opening only nn.Sequential (the documented rule)."""
    result = []
    for name, child in container.named_children():
        if depth > 1 and isinstance(child, nn.Sequential):
            result += children_at(child, f"{prefix}{name}.", depth - 1)
        else:
            result.append((prefix + name, child))
    return result


@pytest.mark.parametrize("key", list(MODELS))
@pytest.mark.parametrize("depth", [1, 2])
def test_boxes_are_the_children_of_net_with_their_real_output_shapes(key, depth):
    factory, X_shape = MODELS[key]
    model = factory()
    boxes = architecture_boxes(model, X_shape, depth=depth)
    children = children_at(model.net, "net.", depth)
    members = [name for box in boxes for name in box.members]
    assert members == [name for name, _ in children]  # one to one, in order, nothing lost
    modules = dict(model.named_modules())
    for box in boxes:
        assert box.name == box.members[0]
        assert not isinstance(modules[box.name], ACTIVATIONS) or box is boxes[0]
        folded = [modules[name] for name in box.members[1:]]
        assert all(isinstance(m, ACTIVATIONS) for m in folded)  # only activations are folded
        suffix = "".join(f" + {ACTIVATION_NAMES[type(m)]}" for m in folded)
        head = box.label[: len(box.label) - len(suffix)]
        assert box.label.endswith(suffix) and not head.endswith(("ReLU", "sigmoid"))
    shapes = hooked_shapes(model, X_shape)
    assert [box.out_shape for box in boxes] == [shapes[box.members[-1]] for box in boxes]
    assert boxes[-1].out_shape == shapes[""]  # the model's output


def _setting(label: str, word: str, default: int) -> int:
    found = re.search(rf"{word} (\d+)", label)
    return int(found.group(1)) if found else default


def _conv_settings(label: str) -> tuple[tuple[int, int], int, int, int, int]:
    kh, kw, out = map(int, re.match(r"conv (\d+)×(\d+), (\d+)", label).groups())
    return (kh, kw), out, _setting(label, "stride", 1), _setting(label, "pad", 0), _setting(label, "groups", 1)


@pytest.mark.parametrize("key", list(MODELS))
def test_layer_labels_show_the_real_settings_of_each_layer(key):
    factory, X_shape = MODELS[key]
    model = factory()
    modules = dict(model.named_modules())
    checked = 0
    for box in architecture_boxes(model, X_shape, depth=9):  # every Sequential opened
        layer = modules[box.name]
        if isinstance(layer, nn.Conv2d):
            assert box.kind == "conv"
            kernel, out, stride, pad, groups = _conv_settings(box.label)
            assert (kernel, out, stride, pad, groups) == (
                tuple(layer.kernel_size), layer.out_channels, layer.stride[0], layer.padding[0], layer.groups
            ), box.label
            checked += 1
        elif isinstance(layer, (nn.MaxPool2d, nn.AvgPool2d)):
            assert box.kind == "pool"
            assert box.label.startswith("max pool" if isinstance(layer, nn.MaxPool2d) else "avg pool")
            k = int(re.search(r"pool (\d+)×", box.label).group(1))
            assert (k, _setting(box.label, "stride", 1), _setting(box.label, "pad", 0)) == (
                layer.kernel_size, layer.stride, layer.padding
            )
        elif isinstance(layer, nn.Linear):
            assert (box.kind, box.label.split(" + ")[0]) == ("linear", f"dense {layer.out_features}")
        elif isinstance(layer, nn.Dropout):
            assert box.label == f"dropout {layer.p:g}"
    assert checked == sum(isinstance(m, nn.Conv2d) for m in model.net.modules() if not _inside_block(model, m))


def _inside_block(model: nn.Module, layer: nn.Module) -> bool:
    """Whether ``layer`` sits in a block with its own forward (shown as one box)."""
    return any(layer in list(block.modules()) for block in model.modules() if isinstance(block, (Inception, Residual)))


def test_vgg_block_details_follow_the_arch():
    for arch in (VGG_ARCHS["tiny"], ((2, 5), (3, 7))):
        model = VGG(arch=arch, num_hiddens=32)
        blocks = [box for box in architecture_boxes(model, (1, 1, 32, 32)) if box.kind == "block"]
        assert len(blocks) == len(arch)
        for box, (num_convs, channels) in zip(blocks, arch):
            conv_line = box.details[0]
            count = int(conv_line.split(" × conv")[0]) if " × conv" in conv_line else 1
            assert count == num_convs
            assert f"conv 3×3, {channels}, pad 1 + ReLU" in conv_line
            assert box.details[1] == "max pool 2×2, stride 2"
            assert box.out_shape[1] == channels


def test_a_changed_model_changes_its_diagram():
    model = LeNet()
    before = architecture_boxes(model, (1, 1, 28, 28))
    changed = LeNet()
    changed.net[0] = nn.LazyConv2d(10, kernel_size=3, padding=1)
    after = architecture_boxes(changed, (1, 1, 28, 28))
    assert before[0].label == "conv 5×5, 6, pad 2 + sigmoid"
    assert after[0].label == "conv 3×3, 10, pad 1 + sigmoid"
    assert after[0].out_shape == (1, 10, 28, 28) and before[0].out_shape == (1, 6, 28, 28)
    png = figure_to_png(architecture_figure(model, (1, 1, 28, 28)))
    assert png != figure_to_png(architecture_figure(changed, (1, 1, 28, 28)))


@pytest.mark.parametrize("use_1x1conv", [False, True])
def test_residual_shortcut_in_box_and_graph(use_1x1conv):
    strides = 2 if use_1x1conv else 1
    block = Residual(8, use_1x1conv=use_1x1conv, strides=strides)
    X_shape = (1, 3 if use_1x1conv else 8, 12, 12)
    (box,) = architecture_boxes(nn.Sequential(block), X_shape)
    assert box.kind == "block"
    assert box.label == ("Residual 8, stride 2" if use_1x1conv else "Residual 8")
    assert box.details[-1] == ("shortcut: conv 1×1, 8, stride 2" if use_1x1conv else "shortcut: identity")
    graph = block_graph(block, X_shape)
    (add,) = graph.of_kind("add")
    assert len(add.inputs) == 2
    skip = graph.node(add.inputs[1])
    if use_1x1conv:
        assert skip.name == "conv3" and skip.label == "conv 1×1, 8, stride 2"
        assert skip.inputs == (graph.nodes[0].name,)
    else:
        assert skip.kind == "input" and "conv3" not in [n.name for n in graph.nodes]
    with torch.no_grad():
        expected = block.eval()(torch.zeros(X_shape)).shape
    assert add.shape == graph.nodes[-1].shape == tuple(expected)


def _ancestors(graph, name: str, stop: str) -> set[str]:
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current == stop or current in seen:
            continue
        seen.add(current)
        todo.extend(graph.node(current).inputs)
    return seen


def test_inception_graph_has_four_branches_meeting_in_one_concatenation():
    block = Inception(7, (4, 9), (2, 5), 3)
    X_shape = (1, 6, 10, 10)
    graph = block_graph(block, X_shape)
    (cat,) = graph.of_kind("concat")
    source = graph.nodes[0].name
    assert graph.nodes[0].kind == "input" and len(cat.inputs) == 4
    branches = [_ancestors(graph, name, source) for name in cat.inputs]
    assert all(a.isdisjoint(b) for i, a in enumerate(branches) for b in branches[i + 1 :])
    assert all(any(source in graph.node(n).inputs for n in branch) for branch in branches)
    assert cat.shape[1] == block.out_channels == sum(graph.node(n).shape[1] for n in cat.inputs)
    assert cat.label == "concatenate along channels: 7 + 9 + 5 + 3 = 24"
    shapes = hooked_shapes(block, X_shape)
    for node in graph.nodes:
        if node.name in shapes and node.kind not in ("input", "output"):  # a layer: hooked shape
            assert node.shape == shapes[node.name]
    assert graph.nodes[-1].shape == shapes[""]


def test_resnext_graph_labels_the_grouped_convolution():
    block = ResNeXtBlock(16, groups=4, bot_mul=1, use_1x1conv=True, strides=2)
    graph = block_graph(block, (1, 3, 8, 8))
    assert graph.node("conv2").label == "conv 3×3, 16, pad 1, stride 2, groups 4"
    assert graph.node("conv2").shape == (1, 16, 4, 4)
    (add,) = graph.of_kind("add")
    assert add.inputs == ("bn3", "bn4")
    assert all(target in {n.name for n in graph.nodes} for _, target in graph.edges)


def _texts(fig) -> list[str]:
    return [t.get_text().replace("\n", " ") for ax in fig.axes for t in ax.texts]


def test_architecture_figure_writes_every_label_and_shape():
    model, X_shape = ResNet18(width=0.25), (1, 1, 96, 96)
    fig = architecture_figure(model, X_shape)
    texts = _texts(fig)
    shapes = hooked_shapes(ResNet18(width=0.25), X_shape)
    for name, _ in model.net.named_children():
        assert "×".join(map(str, shapes[f"net.{name}"][1:])) in texts
    for box in architecture_boxes(model, X_shape):
        assert box.label in texts and all(line in texts for line in box.details)
    assert texts[0] == "ResNet18" and "input 1×96×96" in texts and "output 10" in texts


def test_block_figure_writes_every_node_and_the_skip_path():
    block = Residual(8)
    texts = _texts(block_figure(block, (1, 8, 6, 6)))
    for node in block_graph(block, (1, 8, 6, 6)).nodes:
        assert node.label in texts
    assert "identity" in texts and "shortcut" not in texts
    texts = _texts(block_figure(Residual(8, use_1x1conv=True), (1, 3, 6, 6)))
    assert "shortcut" in texts and "identity" not in texts


def test_figures_are_deterministic_and_leak_nothing_into_pyplot():
    plt.close("all")
    builds = [
        lambda: compare_architectures_figure(
            {"LeNet": (LeNet(), (1, 1, 28, 28)), "NiN": (NiN(width=0.25), (1, 1, 96, 96))}
        ),
        lambda: block_figure(Inception(4, (2, 4), (2, 4), 4), (1, 3, 8, 8)),
        lambda: architecture_figure(GoogleNet(width=0.25), (1, 1, 96, 96), title="GoogLeNet"),
    ]
    for build in builds:
        assert figure_to_png(build()) == figure_to_png(build())
    assert plt.get_fignums() == []


def test_drawing_leaves_the_model_as_it_was():
    model = BNLeNet()
    model(torch.randn(4, 1, 28, 28))  # built, one training step of statistics
    state = {k: v.clone() for k, v in model.state_dict().items()}
    architecture_figure(model, (1, 1, 28, 28))
    assert model.training
    assert all(torch.equal(state[k], v) for k, v in model.state_dict().items())


def test_compare_aligns_tops_and_titles_every_column():
    fig = compare_architectures_figure({"LeNet": (LeNet(), (1, 1, 28, 28)), "BN": (BNLeNet(), (1, 1, 28, 28))})
    titles = [t for t in fig.axes[0].texts if t.get_text() in ("LeNet", "BN")]
    assert len(titles) == 2 and titles[0].get_position()[1] == titles[1].get_position()[1]
    inputs = [t for t in fig.axes[0].texts if t.get_text() == "input 1×28×28"]
    assert len(inputs) == 2 and inputs[0].get_position()[1] == inputs[1].get_position()[1]


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: architecture_boxes("lenet", (1, 1, 28, 28)), TypeError, "nn.Module"),
        (lambda: architecture_boxes(LeNet(), "1x1x28x28"), TypeError, "X_shape"),
        (lambda: architecture_boxes(LeNet(), (1, 1, 0, 28)), ValueError, "X_shape"),
        (lambda: architecture_boxes(LeNet(), (1, 1, 28, 28), depth=0), ValueError, "depth"),
        (lambda: architecture_boxes(LeNet(), (1, 1, 8, 8)), ValueError, "cannot run on an input of shape (1, 1, 8, 8)"),
        (lambda: architecture_boxes(nn.Module(), (1, 1, 8, 8)), ValueError, "no layers"),
        (lambda: architecture_figure(LeNet(), (1, 1, 28, 28), title=3), TypeError, "title"),
        (lambda: compare_architectures_figure({}), TypeError, "non-empty mapping"),
        (lambda: compare_architectures_figure({"LeNet": LeNet()}), TypeError, "(model, X_shape)"),
        (lambda: block_graph([nn.ReLU()], (1, 3, 8, 8)), TypeError, "nn.Module"),
        (lambda: block_graph(Residual(8), (1, 3, 8, 8)), ValueError, "cannot run on an input"),
        (lambda: block_figure(Inception(4, (2, 4), (2, 4), 4), (1, 3)), ValueError, "cannot run on an input"),
    ],
)
def test_bad_input_is_refused_at_the_call(call, error, words):
    with pytest.raises(error, match=re.escape(words)):
        call()


def _positions(fig) -> dict[str, tuple[float, float]]:
    return {t.get_text().replace("\n", " "): t.get_position() for ax in fig.axes for t in ax.texts}


def test_block_figure_puts_branches_in_columns_and_levels_top_down():
    at = _positions(block_figure(Inception(7, (4, 9), (2, 5), 3), (1, 6, 10, 10)))
    firsts = ["conv 1×1, 7", "conv 1×1, 4", "conv 1×1, 2", "max pool 3×3, pad 1"]
    xs = [at[label][0] for label in firsts]
    assert xs == sorted(xs) and len(set(xs)) == 4  # four columns, in the order of forward
    cat = at["concatenate along channels: 7 + 9 + 5 + 3 = 24"]
    assert xs[0] < cat[0] < xs[-1]
    assert at["input"][1] < min(at[label][1] for label in firsts) <= cat[1] < at["output"][1]  # y goes down
    assert at["conv 3×3, 9, pad 1"][1] > at["conv 1×1, 4"][1]  # after its reduction, one column
    assert at["conv 3×3, 9, pad 1"][0] == at["conv 1×1, 4"][0]


def test_doctests():
    import course_utils.diagrams

    result = doctest.testmod(course_utils.diagrams)
    assert result.attempted > 0 and result.failed == 0
