"""Every explorer of the package, as a notebook shows it: a live widget the front end can load,
a picture for a notebook opened without running, the same output when its cell runs twice."""

from __future__ import annotations

import json

import pytest
import torch

import course_utils
import course_utils.explorers as explorers
from course_utils.explorers._inputs import default_image
from course_utils.models import GoogleNet, LeNet, ResNet18

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _trained_lenet() -> LeNet:
    torch.manual_seed(0)
    model = LeNet()
    model(torch.zeros(1, 1, 28, 28))  # gives the lazy layers their weights
    return model.eval()


# One constructor per explorer, as the notebooks call them (each is built fresh for every test).
BUILDERS = {
    "ParameterCalculator": lambda: explorers.ParameterCalculator(),
    "KernelEditor": lambda: explorers.KernelEditor(default_image(), kernel="edge"),
    "ReceptiveFieldExplorer": lambda: explorers.ReceptiveFieldExplorer(input_size=3, kernel1=2, kernel2=2),
    "ConvolutionExplorer": lambda: explorers.ConvolutionExplorer(),
    "ConvolutionExplorer (groups)": lambda: explorers.ConvolutionExplorer(in_channels=4, out_channels=4, groups=4),
    "ConvolutionExplorer (transposed)": lambda: explorers.ConvolutionExplorer(
        transposed=True, height=3, width=3, kernel_h=2, kernel_w=2, pad_top=0, pad_left=0),
    "PoolingExplorer": lambda: explorers.PoolingExplorer(default_image()),
    "FeatureMapExplorer": lambda: explorers.FeatureMapExplorer(_trained_lenet(), default_image()[None, None]),
    "LayerFieldExplorer (LeNet)": lambda: explorers.LayerFieldExplorer(LeNet(), default_image()),
    "LayerFieldExplorer (GoogleNet)": lambda: explorers.LayerFieldExplorer(GoogleNet(), default_image()),
    "LayerFieldExplorer (ResNet18)": lambda: explorers.LayerFieldExplorer(ResNet18(), default_image()),
}


def test_every_public_explorer_is_built_here():
    built = {name.split(" ")[0] for name in BUILDERS}
    assert built == set(explorers.__all__)


def test_the_package_index_offers_every_explorer():
    for name in explorers.__all__:
        assert getattr(course_utils, name) is getattr(explorers, name)
        assert name in course_utils.__all__


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_the_front_end_can_load_the_explorer(name):
    """The widget's model and view are anywidget's (an attribute of the explorer must never overwrite
    ipywidgets' own traits, such as ``_model_name``), and its state is JSON."""
    explorer = BUILDERS[name]()
    assert (explorer._model_module, explorer._model_name) == ("anywidget", "AnyModel")
    assert (explorer._view_module, explorer._view_name) == ("anywidget", "AnyView")
    state = explorer.get_state()
    json.dumps({key: state[key] for key in ("controls", "values", "scene", "answered", "kind")})
    assert state["kind"] == type(explorer).__name__


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_the_display_has_the_live_view_a_picture_and_a_line_of_text(name):
    explorer = BUILDERS[name]()
    data, _metadata = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data["image/png"].startswith(PNG_SIGNATURE)
    assert data["text/plain"] == explorer.summary() and "\n" not in data["text/plain"]
    assert data["text/plain"].startswith(type(explorer).__name__ + ": ")


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_a_cell_run_twice_shows_the_same(name):
    first, second = BUILDERS[name](), BUILDERS[name]()
    assert first.summary() == second.summary()
    assert first.scene == second.scene and first.controls == second.controls
    assert first._repr_mimebundle_()[0]["image/png"] == second._repr_mimebundle_()[0]["image/png"]


def test_a_grid_the_renderers_cannot_draw_is_refused_where_it_is_built():
    from course_utils.explorers.scene import Grid

    with pytest.raises(ValueError, match=r"grid 'input': values has 2 items, but 2 x 2 cells need 4 .*flatten"):
        Grid("input", "input", 2, 2, values=[[0.0, 1.0], [2.0, 3.0]])  # nested rows: a blank picture
    with pytest.raises(TypeError, match=r"grid 'input': values must be numbers"):
        Grid("input", "input", 1, 2, values=[0.0, [1.0]])
    with pytest.raises(ValueError, match=r"kinds has 1 items"):
        Grid("input", "input", 1, 2, kinds=["pad"])


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_image_grid_shows_its_pixels(name):
    """A grid shaded as an image holds the pixels of the image it shows (a flat list, one per cell)."""
    explorer = BUILDERS[name]()
    image = default_image().flatten().tolist()
    for grid in explorer.state.grids:
        if grid.shade == "grey" and (grid.rows, grid.cols) == (28, 28):
            assert grid.values == pytest.approx(image, abs=1e-3), grid.id  # some round to 4 digits
