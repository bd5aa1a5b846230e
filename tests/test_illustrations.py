"""The concept figures: the numbers they draw, read back from the Axes, equal PyTorch's results."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

import matplotlib
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_utils import illustrations as il
from course_utils.data_sources import load_sample
from course_utils.plotting import figure_to_png

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (only to check that nothing is registered in it)

# figure function -> number of Axes it has
FIGURES: dict[str, tuple[Callable[[], Figure], int]] = {
    "cross_correlation": (il.cross_correlation_figure, 4),
    "receptive_field": (il.receptive_field_figure, 2),
    "detector": (il.detector_figure, 4),  # scene, template, map and its colour bar
    "pixel_use": (il.pixel_use_figure, 3),
    "padding": (il.padding_figure, 1),
    "stride": (il.stride_figure, 4),
    "multi_input": (il.multi_input_figure, 1),
    "conv1x1": (il.conv1x1_figure, 1),
    "pooling_max": (lambda: il.pooling_figure("max"), 4),
    "pooling_avg": (lambda: il.pooling_figure("avg"), 4),
    "function_classes": (il.function_classes_figure, 2),
}


@pytest.fixture(autouse=True)
def _nothing_leaks_into_pyplot():
    assert plt.get_fignums() == []
    yield
    assert plt.get_fignums() == [], "a figure was registered in pyplot"


# ----------------------------------------------------------------------------- reading a figure back


def grid(ax: Axes, gid: str) -> np.ndarray:
    """The numbers of the grid drawn with ``gid``, as a square-or-rectangular array (row-major)."""
    texts = [t for t in ax.texts if t.get_gid() == gid]
    assert texts, f"no grid {gid!r} in this Axes"
    xs = sorted({round(t.get_position()[0], 6) for t in texts})
    ys = sorted({round(t.get_position()[1], 6) for t in texts})
    values = np.full((len(ys), len(xs)), np.nan)
    for t in texts:
        x, y = t.get_position()
        values[ys.index(round(y, 6)), xs.index(round(x, 6))] = float(t.get_text())
    assert not np.isnan(values).any()
    return values


def sums(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts if t.get_gid() == "sum"]


def products(text: str) -> tuple[list[float], list[float], float]:
    """``"0·0 + 1·1 + (-1)·2 = -2"`` -> ([0, 1, -1], [0, 1, 2], -2): the factors and the stated result."""
    pairs = re.findall(r"\(?(-?[\d.]+)\)?·\(?(-?[\d.]+)\)?", text)
    result = float(text.rsplit(" = ", 1)[1])
    return [float(a) for a, _ in pairs], [float(b) for _, b in pairs], result


def formula_result(text: str, name: str) -> int:
    return int(re.search(rf"{name} = [^=]*= (\d+)", text).group(1))


# ----------------------------------------------------------------------------- every figure


@pytest.mark.parametrize("name", list(FIGURES))
def test_figure_has_its_axes_and_draws_the_same_png_twice(name):
    make, n_axes = FIGURES[name]
    first, second = make(), make()
    assert isinstance(first, Figure)
    assert len(first.axes) == n_axes
    assert figure_to_png(first) == figure_to_png(second)


@pytest.mark.parametrize("name", list(FIGURES))
def test_every_text_is_readable(name):
    fig = FIGURES[name][0]()
    texts = list(fig.texts) + [t for ax in fig.axes for t in ax.texts + [ax.title]]
    texts += [label for ax in fig.axes for label in ax.get_yticklabels() + ax.get_xticklabels()]
    shown = [t for t in texts if t.get_text()]
    assert shown
    assert min(t.get_fontsize() for t in shown) >= 9


# ----------------------------------------------------------------------------- sliding windows


def check_window_panels(fig: Figure, padding: int, stride: tuple[int, int]) -> None:
    """Each panel: output grid = F.conv2d of the drawn input and kernel; its sum = that window (F.unfold)."""
    for index, ax in enumerate(fig.axes):
        padded, kernel = grid(ax, "input"), grid(ax, "kernel")
        inner = padded[padding:padded.shape[0] - padding, padding:padded.shape[1] - padding]
        assert np.all(padded[:padding] == 0) and np.all(padded[:, :padding] == 0)
        X = torch.tensor(inner)[None, None]
        K = torch.tensor(kernel)[None, None]
        expected = F.conv2d(X, K, padding=padding, stride=stride)[0, 0]
        np.testing.assert_allclose(grid(ax, "output"), expected.numpy())
        windows = F.unfold(X, K.shape[-2:], padding=padding, stride=stride)[0]  # (k·k, positions)
        (text,) = sums(ax)
        values, weights, result = products(text)
        cell = divmod(index, expected.shape[1])
        assert ax.get_title() == f"Y[{cell[0]}, {cell[1]}]"
        np.testing.assert_allclose(values, windows[:, index].numpy())
        np.testing.assert_allclose(weights, kernel.ravel())
        assert result == pytest.approx(float(np.dot(values, weights)))
        assert result == pytest.approx(float(expected[cell]))


def test_cross_correlation_figure_draws_conv2d_and_its_four_sums():
    fig = il.cross_correlation_figure()
    check_window_panels(fig, padding=0, stride=(1, 1))
    results = [products(sums(ax)[0])[2] for ax in fig.axes]
    X, K = torch.arange(9.0).reshape(1, 1, 3, 3), torch.arange(4.0).reshape(1, 1, 2, 2)
    assert results == F.conv2d(X, K).flatten().tolist()


def test_padding_figure_pads_with_zeros_and_sums_the_chosen_window():
    fig = il.padding_figure(cell=(2, 3))
    (ax,) = fig.axes
    padded, kernel = grid(ax, "input"), grid(ax, "kernel")
    assert padded.shape == (5, 5) and np.all(padded[[0, -1]] == 0) and np.all(padded[:, [0, -1]] == 0)
    X, K = torch.tensor(padded[1:-1, 1:-1])[None, None], torch.tensor(kernel)[None, None]
    expected = F.conv2d(X, K, padding=1)[0, 0]
    np.testing.assert_allclose(grid(ax, "output"), expected.numpy())
    values, weights, result = products(sums(ax)[0])
    np.testing.assert_allclose(values, padded[2:4, 3:5].ravel())
    assert result == pytest.approx(float(expected[2, 3]))
    assert formula_result(fig.get_suptitle(), "out_h") == expected.shape[0]


def test_stride_figure_draws_every_window_and_the_shape_formula():
    fig = il.stride_figure()
    check_window_panels(fig, padding=1, stride=(3, 2))
    out = grid(fig.axes[0], "output").shape
    assert (formula_result(fig.get_suptitle(), "out_h"), formula_result(fig.get_suptitle(), "out_w")) == out
    assert products(sums(fig.axes[1])[0])[2] == 8  # the text of 7.3: [[0, 8], [6, 8]]


@pytest.mark.parametrize("cell, error, shown", [
    ((4, 0), ValueError, "cell=(4, 0)"),
    ((0, -1), ValueError, "-1"),
    ((0,), TypeError, "(0,)"),
    ("01", TypeError, "'01'"),
    ((0.0, 1), TypeError, "0.0"),
])
def test_padding_figure_refuses_a_cell_outside_the_output(cell, error, shown):
    with pytest.raises(error, match=re.escape(shown)):
        il.padding_figure(cell=cell)


# ----------------------------------------------------------------------------- receptive fields


def field_sizes_by_gradient() -> tuple[int, int, int]:
    """Cells that output[0, 0] reads in the middle layer and the input, and middle[1, 1] in the input."""
    ones = torch.ones(1, 1, 2, 2)
    X = torch.zeros(1, 1, 3, 3, requires_grad=True)
    middle = F.conv2d(X, ones)
    middle.retain_grad()
    F.conv2d(middle, ones)[0, 0, 0, 0].backward()
    output_middle, output_input = int((middle.grad != 0).sum()), int((X.grad != 0).sum())
    X.grad = None
    F.conv2d(X, ones)[0, 0, 1, 1].backward()
    return output_middle, output_input, int((X.grad != 0).sum())


def test_receptive_field_figure_counts_match_the_gradient():
    fig = il.receptive_field_figure()
    top, bottom = fig.axes
    counts = [[int(n) for n in re.findall(r"(\d+) of \d+ cells", sums(ax)[0])] for ax in (top, bottom)]
    output_middle, output_input, middle_input = field_sizes_by_gradient()
    assert counts == [[output_middle, output_input], [middle_input]]
    assert counts == [[4, 9], [4]]
    X, K = torch.tensor(grid(top, "layer0"))[None, None], torch.arange(4.0, dtype=torch.float64).reshape(1, 1, 2, 2)
    middle = F.conv2d(X, K)
    np.testing.assert_allclose(grid(top, "layer1"), middle[0, 0].numpy())
    np.testing.assert_allclose(grid(top, "layer2"), F.conv2d(middle, K)[0, 0].numpy())


# ----------------------------------------------------------------------------- the detector


def test_detector_peaks_exactly_at_the_template():
    found = il.detector_scene()
    assert found.peak == found.template_at
    assert found.peak_value == pytest.approx(1.0)
    r, c = found.template_at
    assert torch.equal(found.scene[r:r + 28, c:c + 28], found.template)
    assert found.response.shape == (4 * 28 - 27, 6 * 28 - 27)
    assert float(found.response.max()) <= 1 + 1e-9 and float(found.response.min()) >= -1 - 1e-9


@pytest.mark.parametrize("item", [(0, 0), (3, 5), (2, 3)])
def test_detector_finds_other_items_too(item):
    found = il.detector_scene(item=item)
    assert found.peak == (item[0] * 28, item[1] * 28)
    images, labels = load_sample(train=False)
    index = item[0] * 6 + item[1]
    assert torch.equal(found.template, images[index].double() / 255)


def test_normalised_correlation_matches_numpy_corrcoef_window_by_window():
    found = il.detector_scene()
    scene, template = found.scene.numpy(), found.template.numpy().ravel()
    for i, j in [(0, 0), (28, 28), (10, 57), (84, 140), (40, 3)]:
        window = scene[i:i + 28, j:j + 28].ravel()
        expected = 0.0 if window.std() == 0 else np.corrcoef(window, template)[0, 1]
        assert float(found.response[i, j]) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("scene, template, error, shown", [
    (torch.zeros(10, 10), torch.zeros(12, 3), ValueError, "(12, 3)"),
    (torch.zeros(1, 10, 10), torch.zeros(3, 3), ValueError, "(1, 10, 10)"),
    (torch.zeros(10, 10, dtype=torch.uint8), torch.zeros(3, 3), TypeError, "torch.uint8"),
    (np.zeros((10, 10)), torch.zeros(3, 3), TypeError, "ndarray"),
])
def test_normalised_correlation_refuses_bad_tensors(scene, template, error, shown):
    with pytest.raises(error, match=re.escape(shown)):
        il.normalised_correlation(scene, template)


def test_detector_figure_marks_the_peak():
    found = il.detector_scene()
    fig = il.detector_figure()
    scene_ax, template_ax, map_ax = fig.axes[:3]
    assert f"row {found.peak[0]}, column {found.peak[1]}" in map_ax.get_title()
    (box,) = scene_ax.patches
    assert (box.get_x() + 0.5, box.get_y() + 0.5) == (found.peak[1], found.peak[0])
    assert found.label in template_ax.get_title()


@pytest.mark.parametrize("kwargs, shown", [({"item": (4, 0)}, "(4, 0)"), ({"rows": 0}, "0"),
                                           ({"rows": 30, "cols": 30}, "900")])
def test_detector_scene_refuses_bad_arguments(kwargs, shown):
    with pytest.raises(ValueError, match=re.escape(shown)):
        il.detector_scene(**kwargs)


# ----------------------------------------------------------------------------- how often pixels are read


def brute_force_counts(size: int, k: int) -> np.ndarray:
    counts = np.zeros((size, size), dtype=int)
    for i, j in itertools.product(range(size - k + 1), repeat=2):
        counts[i:i + k, j:j + k] += 1
    return counts


@pytest.mark.parametrize("size, k", [(8, 1), (8, 2), (8, 3), (5, 5), (7, 4), (1, 1)])
def test_pixel_use_counts_equal_a_brute_force_count(size, k):
    counts = il.pixel_use_counts(size, k)
    np.testing.assert_array_equal(counts.numpy(), brute_force_counts(size, k))
    assert int(counts.sum()) == (size - k + 1) ** 2 * k * k


def test_pixel_use_figure_writes_the_counts():
    fig = il.pixel_use_figure(kernel_sizes=(2, 3, 5), size=6)
    for ax, k in zip(fig.axes, (2, 3, 5)):
        np.testing.assert_array_equal(grid(ax, "count"), brute_force_counts(6, k))


@pytest.mark.parametrize("call, shown", [
    (lambda: il.pixel_use_counts(4, 5), "kernel_size=5"),
    (lambda: il.pixel_use_counts(0, 1), "0"),
    (lambda: il.pixel_use_figure(kernel_sizes=(2, 9)), "(2, 9)"),
    (lambda: il.pixel_use_figure(kernel_sizes=()), "()"),
    (lambda: il.pixel_use_figure(size=40), "size=40"),
])
def test_pixel_use_refuses_bad_sizes(call, shown):
    with pytest.raises(ValueError, match=re.escape(shown)):
        call()


def test_pixel_use_figure_refuses_a_string():
    with pytest.raises(TypeError, match="kernel_sizes"):
        il.pixel_use_figure(kernel_sizes="123")


# ----------------------------------------------------------------------------- channels


def test_multi_input_figure_adds_the_channels_like_conv2d():
    (ax,) = il.multi_input_figure().axes
    X = torch.tensor(np.stack([grid(ax, "input0"), grid(ax, "input1")]))
    K = torch.tensor(np.stack([grid(ax, "kernel0"), grid(ax, "kernel1")]))
    expected = F.conv2d(X[None], K[None])[0, 0]
    np.testing.assert_allclose(grid(ax, "output"), expected.numpy())
    for c in range(2):
        np.testing.assert_allclose(grid(ax, f"partial{c}"), F.conv2d(X[None, c:c + 1], K[None, c:c + 1])[0, 0])
    values, weights, result = products(sums(ax)[0])
    np.testing.assert_allclose(values, X[:, :2, :2].flatten().numpy())
    np.testing.assert_allclose(weights, K.flatten().numpy())
    assert result == float(np.dot(values, weights)) == float(expected[0, 0]) == 56


def test_conv1x1_figure_is_a_weighted_sum_over_channels():
    (ax,) = il.conv1x1_figure(pixel=(2, 0)).axes
    X = torch.tensor(np.stack([grid(ax, f"input{c}") for c in range(3)]))
    W = torch.tensor(grid(ax, "weights"))
    expected = F.conv2d(X[None], W[:, :, None, None])[0]
    for o in range(2):
        np.testing.assert_allclose(grid(ax, f"output{o}"), expected[o].numpy())
        values, weights, result = products(sums(ax)[o])
        np.testing.assert_allclose(values, X[:, 2, 0].numpy())
        np.testing.assert_allclose(weights, W[o].numpy())
        assert result == pytest.approx(float(expected[o, 2, 0]))


def test_conv1x1_figure_refuses_a_pixel_outside():
    with pytest.raises(ValueError, match=re.escape("(3, 3)")):
        il.conv1x1_figure(pixel=(3, 3))


# ----------------------------------------------------------------------------- pooling


@pytest.mark.parametrize("mode, pool", [("max", F.max_pool2d), ("avg", F.avg_pool2d)])
def test_pooling_figure_draws_pytorchs_pooling(mode, pool):
    fig = il.pooling_figure(mode)
    for index, ax in enumerate(fig.axes):
        X = torch.tensor(grid(ax, "input"))[None, None]
        expected = pool(X, 2, stride=1)[0, 0]
        np.testing.assert_allclose(grid(ax, "output"), expected.numpy())
        (text,) = sums(ax)
        listed = [float(v) for v in re.search(r"\((.*)\)", text).group(1).split(", ")]
        window = F.unfold(X, 2)[0, :, index].tolist()
        assert listed == window
        stated = float(text.rsplit(" = ", 1)[1])
        assert stated == pytest.approx(float(expected.flatten()[index]))
        assert stated == pytest.approx(max(window) if mode == "max" else sum(window) / 4)


@pytest.mark.parametrize("mode", ["median", "MAX", 1])
def test_pooling_figure_refuses_an_unknown_mode(mode):
    with pytest.raises(ValueError, match=re.escape(repr(mode))):
        il.pooling_figure(mode)


# ----------------------------------------------------------------------------- function classes


def inside(outer: il.FunctionClass, inner: il.FunctionClass) -> bool:
    return bool(outer.contains(inner.boundary()).all())


def is_closest_point(shape: il.FunctionClass, target: tuple[float, float]) -> bool:
    """The best point lies on the ellipse and the line to the target is normal to it there."""
    theta = np.radians(shape.angle)
    rotation = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    best = np.asarray(shape.best)
    u, v = rotation.T @ (best - np.asarray(shape.center))  # in the ellipse's own axes
    a, b = shape.width / 2, shape.height / 2
    on_edge = abs((u / a) ** 2 + (v / b) ** 2 - 1) < 1e-6
    normal = rotation @ np.array([u / a**2, v / b**2])  # gradient of the ellipse's equation
    towards = np.asarray(target) - best
    cosine = normal @ towards / (np.linalg.norm(normal) * np.linalg.norm(towards))
    return on_edge and cosine > 0.999


def test_nested_classes_contain_each_other_and_get_closer():
    layout = il.function_classes(nested=True)
    classes = layout.classes
    assert all(inside(big, small) for small, big in zip(classes, classes[1:]))
    distances = [c.distance for c in classes]
    assert all(a > b for a, b in zip(distances, distances[1:]))
    assert all(not c.contains(np.asarray([layout.target]))[0] for c in classes)
    assert all(is_closest_point(c, layout.target) for c in classes)


def test_non_nested_classes_do_not_contain_each_other_and_can_get_farther():
    layout = il.function_classes(nested=False)
    classes = layout.classes
    assert len(classes) == 6
    assert not any(inside(a, b) for a, b in itertools.permutations(classes, 2))
    areas = [c.width * c.height for c in classes]
    assert areas == sorted(areas)  # each class is larger than the one before
    distances = [c.distance for c in classes]
    assert distances[-1] > min(distances)  # the largest class is not the closest
    assert all(is_closest_point(c, layout.target) for c in classes)


def test_function_classes_figure_shows_the_distances():
    fig = il.function_classes_figure()
    for ax, nested in zip(fig.axes, (False, True)):
        shown = [float(d) for d in ax.get_title().split(": ")[-1].split(", ")]
        expected = [c.distance for c in il.function_classes(nested).classes]
        np.testing.assert_allclose(shown, expected, atol=0.051)


def test_function_classes_needs_a_flag():
    with pytest.raises(TypeError, match="nested"):
        il.function_classes(nested="yes")
