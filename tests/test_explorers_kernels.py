"""The kernel editor, the feature-map explorer and the parameter calculator, driven from Python.

PyTorch is the oracle: ``F.conv2d`` (and ``F.avg_pool2d``, the book's ``corr2d``) for the kernel
editor, forward hooks and ``softmax`` on the model for the feature maps, the parameter counts of
``nn.Linear`` and ``nn.Conv2d`` (built on the meta device, so 10^12 weights cost nothing) for
the calculator.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course_utils.data import TEXT_LABELS
from course_utils.explorers.kernels import PRESETS, FeatureMapExplorer, KernelEditor
from course_utils.explorers.parameters import ParameterCalculator, comparison, parameter_counts
from course_utils.formatting import human_bytes
from course_utils.ops import corr2d

# The presets as the brief for the editor states them (cross-correlation orientation), written
# out here rather than taken from the module, so a wrong weight there fails.
EXPECTED_KERNELS = {
    "edge": [[1, -1]],
    "vertical edge": [[1], [-1]],
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "sobel x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "sobel y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
}


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def image(test_images):
    return test_images[0][0]


def _grid(scene, grid_id):
    grid = scene.grid(grid_id)
    return torch.tensor(grid.values, dtype=torch.float64).reshape(grid.rows, grid.cols)


def _conv(image, kernel):
    X = torch.as_tensor(image, dtype=torch.float64)
    K = torch.as_tensor(kernel, dtype=torch.float64)
    return F.conv2d(X[None, None], K[None, None])[0, 0]


def _recomputed(scene):
    """Each output value from the scene alone: Σ weight · input over the link's reads and taps."""
    link = scene.link("output", "image")
    image, kernel = scene.grid("image").values, scene.grid("kernel").values
    return [sum(kernel[t] * image[r] for r, t in zip(reads, taps)) for reads, taps in zip(link.reads, link.taps)]


# ============================================================================ kernel editor
@pytest.mark.parametrize("preset", [p for p in PRESETS if p != "custom"])
def test_every_preset_is_f_conv2d_of_the_image(image, preset):
    editor = KernelEditor(kernel=preset)
    scene = editor.state
    assert editor.values["preset"] == preset and not scene.error
    K = _grid(scene, "kernel")
    if preset in EXPECTED_KERNELS:
        assert K.tolist() == EXPECTED_KERNELS[preset]
    torch.testing.assert_close(_grid(scene, "output"), _conv(image, K), rtol=0, atol=1e-12)
    torch.testing.assert_close(_grid(scene, "image"), image.double(), rtol=0, atol=0)
    out = scene.grid("output")
    assert (out.rows, out.cols) == (28 - K.shape[0] + 1, 28 - K.shape[1] + 1)
    assert f"output {out.rows} × {out.cols}" in scene.text


def test_identity_and_blur_against_their_own_oracles(image):
    """Identity copies the pixel under its 1; blur is average pooling with stride 1."""
    X = image.double()
    for rows, cols in [(1, 1), (3, 3), (2, 4), (5, 2)]:
        editor = KernelEditor(kernel="identity", size=(rows, cols))
        top, left = (rows - 1) // 2, (cols - 1) // 2
        expected = X[top : top + 28 - rows + 1, left : left + 28 - cols + 1]
        torch.testing.assert_close(_grid(editor.state, "output"), expected, rtol=0, atol=0)
        editor.set(preset="blur")
        assert (editor.values["rows"], editor.values["cols"]) == (rows, cols)
        pooled = F.avg_pool2d(X[None, None], (rows, cols), stride=1)[0, 0]
        torch.testing.assert_close(_grid(editor.state, "output"), pooled, rtol=0, atol=1e-12)


def test_the_books_edge_example():
    """D2L 7.2.3: a 6 x 8 image, black in columns 2..5; [1, -1] finds its two vertical edges (1 and -1),
    and none on the transposed image; the upright kernel finds them on the transposed image."""
    X = torch.ones((6, 8))
    X[:, 2:6] = 0
    editor = KernelEditor(X, kernel="edge")
    Y = _grid(editor.state, "output")
    torch.testing.assert_close(Y, corr2d(X.double(), torch.tensor([[1.0, -1.0]], dtype=torch.float64)))
    assert Y.shape == (6, 7) and Y[:, 1].eq(1).all() and Y[:, 5].eq(-1).all() and Y.abs().sum() == 12
    assert not KernelEditor(X.t(), kernel="edge").state.grid("output").values.count(1.0)
    upright = _grid(KernelEditor(X.t(), kernel="vertical edge").state, "output")
    torch.testing.assert_close(upright, Y.t())
    assert "values from −1 to 1" in editor.state.text


def test_an_edited_kernel_is_f_conv2d_and_custom(image):
    torch.manual_seed(1)
    editor = KernelEditor(kernel="sobel x")
    weights = editor.values["kernel"]
    weights[4] = 2.5  # edit one number, as the front end sends the whole matrix
    editor.set(kernel=weights)
    assert editor.values["preset"] == "custom" and editor.values["kernel"] == weights
    torch.testing.assert_close(_grid(editor.state, "output"), _conv(image, torch.tensor(weights).reshape(3, 3)),
                               rtol=0, atol=1e-12)
    K = torch.randn(2, 5, dtype=torch.float64)
    editor.set(kernel=K)  # rows of numbers set the size too
    assert (editor.values["rows"], editor.values["cols"], editor.values["preset"]) == (2, 5, "custom")
    torch.testing.assert_close(_grid(editor.state, "output"), _conv(image, K), rtol=0, atol=1e-12)
    custom = KernelEditor(image, kernel=np.arange(12.0).reshape(4, 3) - 6)
    torch.testing.assert_close(_grid(custom.state, "output"), _conv(image, np.arange(12.0).reshape(4, 3) - 6))


@pytest.mark.parametrize("kernel", ["edge", "sobel y", "laplacian"] + [np.arange(6.0).reshape(2, 3) - 2])
def test_reads_and_taps_reproduce_every_output_value(image, kernel):
    scene = KernelEditor(image, kernel=kernel).state
    output = scene.grid("output").values
    assert len(_recomputed(scene)) == len(output)
    np.testing.assert_allclose(_recomputed(scene), output, rtol=0, atol=1e-12)
    link = scene.link("output", "image")
    assert link.op == "sum" and link.weights == "kernel" and scene.sweep == "output"
    assert scene.selected == ["output", int(np.argmax(np.abs(output)))]


def test_reads_are_the_pixels_each_output_depends_on():
    """The pixels PyTorch's conv2d actually reads for each output, measured by autograd, are the link's reads."""
    X = torch.rand(6, 7, dtype=torch.float64, requires_grad=True)
    for shape in [(1, 2), (3, 3), (2, 4), (5, 1)]:
        K = torch.rand(shape, dtype=torch.float64) + 0.5  # no zero weight hides a read
        scene = KernelEditor(X.detach(), kernel=K).state
        Y = F.conv2d(X[None, None], K[None, None])[0, 0]
        link = scene.link("output", "image")
        for cell, (i, j) in enumerate(itertools.product(range(Y.shape[0]), range(Y.shape[1]))):
            (grad,) = torch.autograd.grad(Y[i, j], X, retain_graph=True)
            assert sorted(link.reads[cell]) == grad.flatten().nonzero().flatten().tolist(), (shape, i, j)
            # each read pairs with the weight that multiplies it: the gradient there is that weight
            assert [K.flatten()[t].item() for t in link.taps[cell]] == grad.flatten()[link.reads[cell]].tolist()


def test_the_text_states_the_numbers_of_the_grids(image):
    scene = KernelEditor(image, kernel="sobel x").state
    Y = _grid(scene, "output")
    low, high = f"{Y.min().item():.3g}".replace("-", "−"), f"{Y.max().item():.3g}".replace("-", "−")
    assert f"values from {low} to {high}" in scene.text and f"values {low} to {high}" in scene.summary
    i, j = divmod(scene.selected[1], scene.grid("output").cols)
    assert f"at row {i}, column {j}" in scene.text
    assert "weights add up to 0" in scene.text
    assert "add up to 1," in KernelEditor(image, kernel="sharpen").state.text
    assert "cross-correlation" in scene.text and "not flipped" in scene.text
    json.dumps(scene.to_dict())  # the front end receives it as JSON


def test_preset_and_weights_stay_consistent(image):
    editor = KernelEditor(image, kernel="blur", size=2)
    assert editor.values == {"preset": "blur", "rows": 2, "cols": 2, "kernel": [0.25] * 4}
    editor.set(rows=4)  # identity and blur fit any size
    assert editor.values["preset"] == "blur" and editor.values["kernel"] == [1 / 8] * 8
    editor.set(preset="identity")
    # 4 x 2: the 1 at row (4 - 1) // 2 = 1, column (2 - 1) // 2 = 0
    assert editor.values["kernel"] == [0, 0, 1, 0, 0, 0, 0, 0]
    assert (editor.values["rows"], editor.values["cols"]) == (4, 2)
    editor.set(kernel=[0, 0, 1, 0, 0, 0, 0, 0])  # the preset's own weights: still the preset
    assert editor.values["preset"] == "identity"
    editor.set(preset="sobel y")  # a preset of its own size
    assert (editor.values["rows"], editor.values["cols"]) == (3, 3)
    assert editor.values["kernel"] == [w for row in EXPECTED_KERNELS["sobel y"] for w in row]
    editor.set(cols=4)  # resizing a fixed preset: custom, top-left kept, zeros added
    assert editor.values["preset"] == "custom"
    assert editor.values["kernel"] == [-1, -2, -1, 0, 0, 0, 0, 0, 1, 2, 1, 0]
    editor.set(rows=2, cols=2)
    assert editor.values["kernel"] == [-1, -2, 0, 0]
    editor.set(preset="custom")  # picking custom keeps the weights, to edit them
    assert editor.values["kernel"] == [-1, -2, 0, 0] and editor.values["preset"] == "custom"
    editor.set(preset="edge")
    assert editor.values == {"preset": "edge", "rows": 1, "cols": 2, "kernel": [1, -1]}
    with pytest.raises(ValueError, match=r"edge is a 1 × 2 kernel, not 3 × 3"):
        editor.set(preset="edge", rows=3, cols=3)
    assert editor.values["preset"] == "edge"  # a refused call changes nothing
    for control in editor.controls:  # what the front end draws agrees with the values
        assert control["value"] == editor.values[control["name"]]
        if control["name"] == "kernel":
            assert (control["rows"], control["cols"]) == (1, 2)


def test_front_end_messages_edit_the_kernel(image):
    """The front end sends only the control that moved: a weight makes the kernel custom, a preset fills it."""
    editor = KernelEditor(image, kernel="laplacian")
    weights = list(editor.values["kernel"])
    weights[0] = 1.0
    editor._on_front_end_message(editor, {"type": "set", "values": {"kernel": weights}, "request": 1}, [])
    assert editor.answered == 1 and editor.values["preset"] == "custom" and editor.values["kernel"] == weights
    torch.testing.assert_close(_grid(editor.state, "output"), _conv(image, torch.tensor(weights).reshape(3, 3)))
    editor._on_front_end_message(editor, {"type": "set", "values": {"preset": "edge"}, "request": 2}, [])
    assert editor.answered == 2 and editor.values["kernel"] == [1, -1]
    assert editor.scene["grids"][1]["values"] == [1, -1]  # the synced scene is the new state


def test_a_kernel_larger_than_the_image_is_an_error_in_the_scene_not_an_exception():
    editor = KernelEditor(torch.rand(2, 6), kernel="sobel x")
    scene = editor.state
    assert "the kernel is 3 × 3 but the image only 2 × 6" in scene.error and "at most 2 rows" in scene.error
    assert [g.id for g in scene.grids] == ["image", "kernel"] and not scene.links
    editor.set(rows=2)
    assert not editor.state.error and editor.state.grid("output").rows == 1


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda im: KernelEditor((im * 255).to(torch.uint8)), TypeError, r"image has dtype torch.uint8.*/ 255"),
        (lambda im: KernelEditor(im.expand(3, 28, 28)), ValueError, r"image has 3 channels"),
        (lambda im: KernelEditor(im[None, None]), ValueError, r"image must have shape \(1, H, W\) or \(H, W\)"),
        (lambda im: KernelEditor(torch.rand(100, 80)), ValueError, r"image is 100×80.*at most 64×64"),
        (lambda im: KernelEditor(torch.full((4, 4), float("nan"))), ValueError, r"NaN or infinite"),
        (lambda im: KernelEditor(kernel="sobel"), ValueError, r"kernel must be one of 'identity'.*got 'sobel'"),
        (lambda im: KernelEditor(kernel=[1, -1]), ValueError, r"kernel must be 2-D.*\[\[1, -1\]\]"),
        (lambda im: KernelEditor(kernel=torch.ones(6, 2)), ValueError, r"kernel is 6 × 2.*1 to 5 rows"),
        (lambda im: KernelEditor(kernel=[[1, float("inf")]]), ValueError, r"NaN or infinite"),
        (lambda im: KernelEditor(kernel=[[True, False]]), TypeError, r"real numbers"),
        (lambda im: KernelEditor(kernel=[["a"]]), TypeError, r"kernel must be rows of numbers"),
        (lambda im: KernelEditor(kernel="sobel x", size=5), ValueError, r"sobel x is a 3 × 3 kernel"),
        (lambda im: KernelEditor(kernel="blur", size=6), ValueError, r"size must be 1 to 5"),
        (lambda im: KernelEditor(kernel="blur", size=2.0), TypeError, r"size must be an int or a pair"),
        (lambda im: KernelEditor(kernel=[[1, 2]], size=3), ValueError, r"does not match the kernel given"),
        (lambda im: KernelEditor().set(kernel=[1, 2, 3]), ValueError, r"kernel must have 2 numbers"),
        (lambda im: KernelEditor().set(rows=0), ValueError, r"rows must be between 1 and 5"),
        (lambda im: KernelEditor().set(cols=2.5), TypeError, r"cols must be a whole number"),
        (lambda im: KernelEditor().set(preset="sobel"), ValueError, r"preset must be one of"),
        (lambda im: KernelEditor().set(kernel=[[1, 2]], rows=2), ValueError, r"rows=2 does not match"),
        (lambda im: KernelEditor().set(size=3), ValueError, r"unknown control\(s\) \['size'\]"),
    ],
)
def test_the_kernel_editor_refuses_bad_input_clearly(image, call, error, match):
    with pytest.raises(error, match=match):
        call(image)


# ============================================================================ feature maps
def _hooked(model, layer_name, X):
    """The output of ``layer_name`` and of the model for ``X``, measured here with a forward hook."""
    captured = {}
    layer = dict(model.named_modules())[layer_name]
    handle = layer.register_forward_hook(lambda m, i, out: captured.setdefault("out", out))
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            scores = model(X)
    finally:
        handle.remove()
        model.train(was_training)
    return captured["out"][0], scores[0]


def _maps(scene):
    grids = [g for g in scene.grids if g.panel == "maps"]
    return torch.stack([torch.tensor(g.values).reshape(g.rows, g.cols) for g in grids])


def _top3(probabilities, names):
    top = torch.topk(probabilities, 3)
    return [[str(r), names[int(k)], f"{float(p):.1%}"] for r, (p, k) in enumerate(zip(top.values, top.indices), 1)]


def test_feature_maps_of_test_images_equal_hooks_on_the_model(lenet, test_images):
    images, labels = test_images
    explorer = FeatureMapExplorer(lenet, images, labels=labels, class_names=TEXT_LABELS)
    layers = [option[1] for control in explorer.controls if control["name"] == "layer" for option in control["options"]]
    assert layers == [f"net.{i}" for i in range(6)]
    shapes = {"net.0": (6, 28, 28), "net.1": (6, 28, 28), "net.2": (6, 14, 14), "net.3": (16, 10, 10),
              "net.4": (16, 10, 10), "net.5": (16, 5, 5)}
    for name, index in itertools.product(layers, (0, 4)):
        explorer.set(layer=name, image=index)
        expected, scores = _hooked(lenet, name, images[index][None, None])
        assert tuple(expected.shape) == shapes[name]
        torch.testing.assert_close(_maps(explorer.state), expected, rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(explorer.maps, expected)
        assert [g.title for g in explorer.state.grids if g.panel == "maps"] == [f"channel {c}" for c in
                                                                              range(shapes[name][0])]
        c, h, w = shapes[name]
        assert f"{c} feature maps of {h} × {w}" in explorer.state.text
        label = int(labels[index])
        assert f"label {label} ({TEXT_LABELS[label]})" in explorer.state.text
        probabilities = torch.softmax(scores.double(), dim=0)
        torch.testing.assert_close(explorer.probabilities, probabilities)
        assert explorer.state.table == [["rank", "class", "probability"]] + _top3(probabilities, TEXT_LABELS)
        assert _grid(explorer.state, "input").tolist() == images[index].double().tolist()
    assert lenet.training  # the explorer ran it in evaluation mode and left its mode alone


def test_feature_maps_of_a_drawing(lenet, test_images):
    images, _ = test_images
    explorer = FeatureMapExplorer(lenet, images)
    drawing = explorer.values["drawing"]
    assert len(drawing) == 28 * 28 and not any(drawing)  # empty at first
    assert "light strokes on a dark background" in explorer.state.text
    strokes = torch.zeros(28, 28)
    strokes[4:24, 12:16] = 1.0
    strokes[4:8, 6:22] = 0.5
    explorer.set(layer="net.3")
    explorer.set(drawing=strokes)  # a tensor is taken as the drawing and shows it
    assert explorer.values["source"] == "drawing"
    for invert in (False, True):
        explorer.set(invert=invert)
        X = (1 - strokes if invert else strokes)[None, None]
        expected, scores = _hooked(lenet, "net.3", X)
        torch.testing.assert_close(_maps(explorer.state), expected, rtol=1e-5, atol=1e-6)
        assert _grid(explorer.state, "input").tolist() == X[0, 0].double().tolist()
        names = [f"class {k}" for k in range(10)]
        assert explorer.state.table[1:] == _top3(torch.softmax(scores.double(), dim=0), names)
    # the front end sends the drawing row-major, as numbers in [0, 1]
    explorer._on_front_end_message(explorer, {"type": "set", "values": {"drawing": strokes.flatten().tolist()},
                                              "request": 3}, [])
    assert explorer.answered == 3 and explorer.values["drawing"] == strokes.flatten().tolist()
    explorer.set(image=2)  # picking a test image shows it again
    assert explorer.values["source"] == "test image"
    torch.testing.assert_close(_maps(explorer.state), _hooked(lenet, "net.3", images[2][None, None])[0],
                               rtol=1e-5, atol=1e-6)


def test_feature_maps_on_the_models_device_and_dtype(lenet, test_images):
    """A float64 model takes the explorer's float32 images converted to its dtype."""
    import copy

    images, _ = test_images
    model = copy.deepcopy(lenet).double()
    explorer = FeatureMapExplorer(model, images[:2])
    expected, _ = _hooked(model, "net.0", images[:1, None].double())
    torch.testing.assert_close(_maps(explorer.state), expected.float(), rtol=1e-5, atol=1e-6)


def test_batch_norm_runs_in_evaluation_mode_and_keeps_its_statistics(test_images):
    """A batch of one through BatchNorm1d fails in training mode: the explorer runs the model in evaluation
    mode without gradients and leaves it as it was."""
    from course_utils.models import BNLeNet, init_cnn

    images, _ = test_images
    model = BNLeNet()
    model.apply_init([images[:2, None]], init_cnn, seed=0)
    statistics = {k: v.clone() for k, v in model.state_dict().items()}
    explorer = FeatureMapExplorer(model, images[:2])
    explorer.set(image=1, layer=explorer.values["layer"])
    assert model.training and not explorer.maps.requires_grad
    assert all(torch.equal(v, statistics[k]) for k, v in model.state_dict().items())
    expected, _ = _hooked(model, explorer.values["layer"], images[1][None, None])
    torch.testing.assert_close(_maps(explorer.state), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_feature_maps_of_a_model_on_the_gpu(lenet, test_images):
    import copy

    images, _ = test_images
    model = copy.deepcopy(lenet).cuda()
    explorer = FeatureMapExplorer(model, images[:2])
    expected, scores = _hooked(lenet, "net.0", images[:1, None])
    torch.testing.assert_close(_maps(explorer.state), expected, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(explorer.probabilities, torch.softmax(scores.double(), dim=0), rtol=1e-4, atol=1e-6)


def test_at_most_16_maps_are_drawn_and_the_text_says_so(test_images):
    images, _ = test_images
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 20, 3), nn.ReLU(), nn.Flatten(), nn.Linear(20 * 26 * 26, 4))
    explorer = FeatureMapExplorer(model, images[:2])
    assert len([g for g in explorer.state.grids if g.panel == "maps"]) == 16
    assert "20 feature maps of 26 × 26 (the first 16 are drawn)" in explorer.state.text
    assert explorer.maps.shape == (20, 26, 26)
    assert len(explorer.state.table) == 4  # top 3 of 4 classes
    assert explorer.state.grid("map0").shade == "signed"
    explorer.set(layer="1")  # after ReLU nothing is negative: shaded as pixels
    assert explorer.state.grid("map0").shade == "grey"


def test_a_model_without_class_scores_has_no_table(test_images):
    images, _ = test_images
    explorer = FeatureMapExplorer(nn.Sequential(nn.Conv2d(1, 2, 3), nn.Conv2d(2, 2, 3)), images[:1])
    assert explorer.state.table is None and explorer.probabilities is None
    assert "(shape (1, 2, 24, 24)) is not one score per class" in explorer.state.text


def test_names_are_escaped_in_the_text(lenet, test_images):
    images, _ = test_images
    names = [f"<i>{k}</i>" for k in range(10)]
    explorer = FeatureMapExplorer(lenet, images[:1], labels=[3], class_names=names)
    assert "&lt;i&gt;3&lt;/i&gt;" in explorer.state.text and "<i>3</i>" not in explorer.state.text


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda net, im: FeatureMapExplorer(net, im[0]), ValueError,
         r"images must have shape \(N, 1, H, W\) or \(N, H, W\), got \(28, 28\)"),
        (lambda net, im: FeatureMapExplorer(net, (im * 255).to(torch.uint8)), TypeError,
         r"images has dtype torch.uint8, but the explorers need floating-point pixels"),
        (lambda net, im: FeatureMapExplorer(net, im[:2, None].expand(2, 3, 28, 28)), ValueError,
         r"images has 3 channels"),
        (lambda net, im: FeatureMapExplorer(net, im[:2], labels=[9]), ValueError,
         r"labels has 1 values but there are 2 images"),
        (lambda net, im: FeatureMapExplorer(net, im[:1], labels=[0.5]), TypeError,
         r"labels must be whole class numbers"),
        (lambda net, im: FeatureMapExplorer(net, im[:2], labels=[9, 3], class_names=["a"] * 5), ValueError,
         r"label 9 has no name: class_names has 5 names"),
        (lambda net, im: FeatureMapExplorer(net, im[:1], labels=[0], class_names=["a"] * 5), ValueError,
         r"gives 10 class scores but class_names has 5 names"),
        (lambda net, im: FeatureMapExplorer(net, im[:1], class_names=["a"]), ValueError, r"give labels too"),
        (lambda net, im: FeatureMapExplorer(net, torch.zeros(1, 8, 8)), ValueError,
         r"LeNet cannot run on images of shape \(1, 1, 8, 8\)"),
        (lambda net, im: FeatureMapExplorer("LeNet", im[:1]), TypeError, r"model must be an nn.Module"),
        (lambda net, im: FeatureMapExplorer(__import__("course_utils.models", fromlist=["LeNet"]).LeNet(), im[:1]),
         ValueError, r"no weights yet .*apply_init"),
        (lambda net, im: FeatureMapExplorer(nn.Sequential(nn.Flatten(), nn.Linear(784, 10)), im[:1]), ValueError,
         r"has no layer whose output is a C x H x W feature map \(its layers: 0, 1\)"),
        (lambda net, im: FeatureMapExplorer(net, im[:1]).set(drawing=torch.full((28, 28), 255.0)), ValueError,
         r"drawing pixels must be in \[0, 1\].*divide by 255"),
        (lambda net, im: FeatureMapExplorer(net, im[:1]).set(drawing=torch.zeros(14, 14)), ValueError,
         r"drawing is 14 × 14 but the images are 28 × 28"),
        (lambda net, im: FeatureMapExplorer(net, im[:1]).set(drawing=[0.0] * 10), ValueError,
         r"drawing must have 784 numbers"),
        (lambda net, im: FeatureMapExplorer(net, im[:2]).set(image=2), ValueError, r"image must be between 0 and 1"),
        (lambda net, im: FeatureMapExplorer(net, im[:1]).set(layer="net.6"), ValueError, r"layer must be one of"),
    ],
)
def test_the_feature_map_explorer_refuses_bad_input_clearly(lenet, test_images, call, error, match):
    with pytest.raises(error, match=match):
        call(lenet, test_images[0])


# ============================================================================ parameter calculator
def _torch_counts(side, c_in, hidden, k, c_out):
    """Parameters of the two layers as PyTorch counts them (meta tensors: no memory)."""
    linear = nn.Linear(side * side * c_in, hidden, device="meta")
    conv = nn.Conv2d(c_in, c_out, k, device="meta")
    return (linear.weight.numel(), linear.bias.numel(), conv.weight.numel(), conv.bias.numel())


@pytest.mark.parametrize("setting", [(1000, 1, 10**6, 3, 1), (1, 4096, 1, 3, 4096), (28, 3, 100, 5, 64),
                                     (1, 1, 5, 1, 5), (96, 64, 4096, 15, 128)])
def test_the_calculator_counts_what_pytorch_counts(setting):
    calculator = ParameterCalculator(*setting)
    fc_w, fc_b, conv_w, conv_b = _torch_counts(*setting)
    n = calculator.counts
    assert (n.fc_weights, n.fc_biases, n.conv_weights, n.conv_biases) == (fc_w, fc_b, conv_w, conv_b)
    table = calculator.state.table
    assert table[0] == ["layer", "weights", "biases", "parameters", "float32 memory"]
    assert table[1][1:] == [f"{fc_w:,}", f"{fc_b:,}", f"{fc_w + fc_b:,}", human_bytes(4 * (fc_w + fc_b))]
    assert table[2][1:] == [f"{conv_w:,}", f"{conv_b:,}", f"{conv_w + conv_b:,}", human_bytes(4 * (conv_w + conv_b))]
    assert calculator.state.grids == [] and not calculator.state.error  # a table, no picture


def test_the_books_megapixel_example():
    calculator = ParameterCalculator()
    assert calculator.counts.fc_weights == 10**12 and calculator.counts.conv_params == 10
    assert calculator.state.table[1][3] == "1,000,001,000,000" and calculator.state.table[1][4] == "4.0 TB"
    assert calculator.state.table[2][4] == "40 B"
    assert "100,000,000,000 times fewer parameters than the fully connected layer" in calculator.state.text
    assert "Locality" in calculator.state.text and "Translation invariance" in calculator.state.text


def test_the_comparison_is_right_in_both_directions_with_plurals():
    calculator = ParameterCalculator(image_side=1, channels=4096, hidden_units=1, out_channels=4096)
    n = calculator.counts
    assert round(n.conv_params / n.fc_params) == 36_856
    text, table = calculator.state.text, calculator.state.table
    assert "36,900 times more parameters than the fully connected layer" in text
    assert "fewer" not in text and "e-0" not in text and "e+" not in text
    assert table[1][0] == "fully connected: 1·1·4,096 = 4,096 inputs → 1 unit"
    assert table[2][0] == "convolution: 3×3 kernel, 4,096 input channels → 4,096 output channels"
    assert "each of the 1 hidden unit " in text  # singular
    calculator.set(channels=1, hidden_units=5, kernel_size=1, out_channels=5)  # 1·5 + 5 = 5·1 + 5 = 10
    assert calculator.counts.fc_params == calculator.counts.conv_params == 10
    assert "as many parameters as the fully connected layer" in calculator.state.text
    assert calculator.state.table[1][0] == "fully connected: 1·1·1 = 1 input → 5 units"
    assert calculator.state.table[2][0] == "convolution: 1×1 kernel, 1 input channel → 5 output channels"
    assert "times" not in calculator.state.summary
    assert comparison(1000, 3000) == "3 times more parameters than the fully connected layer"
    assert comparison(3000, 1000) == "3 times fewer parameters than the fully connected layer"
    assert comparison(2001, 2000) == "about as many parameters as the fully connected layer (1 fewer)"
    assert comparison(1000, 1004) == "about as many parameters as the fully connected layer (4 more)"
    assert comparison(100, 250) == "2.5 times more parameters than the fully connected layer"


def test_counts_may_be_whole_floats_like_1e3():
    calculator = ParameterCalculator(image_side=1000.0, hidden_units=1e6)
    assert calculator.values["image_side"] == 1000 and isinstance(calculator.values["image_side"], int)
    calculator.set(hidden_units=1e3, channels=np.float64(3.0), out_channels=np.int64(8))
    assert calculator.values["hidden_units"] == 1000 and calculator.values["channels"] == 3
    assert calculator.counts.fc_weights == 3 * 10**6 * 1000 and calculator.counts.conv_params == 8 * 3 * 9 + 8
    calculator._on_front_end_message(calculator, {"type": "set", "values": {"image_side": 28.0}, "request": 5}, [])
    assert calculator.answered == 5 and calculator.values["image_side"] == 28
    assert calculator.state.table[1][0].startswith("fully connected: 28·28·3 = 2,352 inputs")


@pytest.mark.parametrize(
    ("values", "error", "match"),
    [
        ({"hidden_units": 12.5}, ValueError, r"hidden_units is a count, so it must be a whole number, got 12.5"),
        ({"image_side": "1e3"}, TypeError, r"image_side must be a finite number, got '1e3'"),
        ({"channels": True}, TypeError, r"channels must be a finite number, got True"),
        ({"out_channels": 0}, ValueError, r"out_channels must be between 1 and 4096 here, got 0"),
        ({"image_side": float("inf")}, TypeError, r"image_side must be a finite number"),
        ({"kernel_size": 16}, ValueError, r"kernel_size must be between 1 and 15"),
        ({"kernel_size": 2.5}, TypeError, r"kernel_size must be a whole number"),
    ],
)
def test_the_calculator_refuses_bad_input_clearly(values, error, match):
    with pytest.raises(error, match=match):
        ParameterCalculator(**values)
    calculator = ParameterCalculator()
    with pytest.raises(error, match=match):
        calculator.set(**values)
    assert calculator.counts.fc_weights == 10**12  # a refused call changes nothing


def test_doctests_of_both_modules():
    import doctest

    from course_utils.explorers import kernels, parameters

    for module in (kernels, parameters):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_parameter_counts_checks_its_arguments():
    with pytest.raises(ValueError, match=r"unknown control\(s\) \['padding'\]"):
        ParameterCalculator().set(padding=1)
    with pytest.raises(TypeError, match=r"kernel_size must be a whole number, got 2.0"):
        parameter_counts(10, 1, 10, 2.0, 1)
    with pytest.raises(ValueError, match=r"channels must be >= 1, got 0"):
        parameter_counts(10, 0, 10, 3, 1)
