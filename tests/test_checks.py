"""Self-checks print ✅/❌ with the reason, never reveal an answer to a placeholder, and agree with
PyTorch; the notebooks' badges and Colab cells come from scripts/links.py and no widget state is saved."""

from __future__ import annotations

import doctest
import itertools
import json
import subprocess
import sys
import tomllib
import types
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from packaging.requirements import Requirement
from torch import nn

from course_utils import checks

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))  # links.py: build tooling
import links  # noqa: E402
from course_utils.checks import (
    check_close,
    check_conv_cost,
    check_conv_param_count,
    check_corr2d,
    check_fc_param_count,
    check_output_shape,
    check_param_count,
    check_pool2d,
    check_pool_output_shape,
    check_receptive_field,
)
from course_utils.shapes import LayerSpec, conv_formula_text, pool_formula_text

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = "✏️ Replace the ... with your answer"


def _out(capsys) -> str:
    return capsys.readouterr().out



def _wrong_twice(call, capsys) -> str:
    """The output of a second wrong try (the first gives only a hint)."""
    call()
    first = _out(capsys)
    assert first.startswith("❌ Not quite") and "💡 Hint:" in first and "Why:" not in first, first
    call()
    return _out(capsys)


def test_doctests_of_checks_and_links():
    for module in (checks._verdict, checks.shapes, checks.models, links):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__


def test_formula_text_is_the_briefs_example_and_agrees_with_conv2d():
    assert conv_formula_text(8, 3, padding=1, stride=2) == "out_h = ⌊(8 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = 4"
    for n, k, p, s, d in itertools.product(range(1, 9), range(1, 5), range(3), range(1, 4), range(1, 3)):
        text = conv_formula_text(n, k, p, s, d)
        try:
            out = F.conv2d(torch.ones(1, 1, n, n, dtype=torch.float64), torch.ones(1, 1, k, k, dtype=torch.float64),
                           padding=p, stride=s, dilation=d).shape[-1]
        except RuntimeError:
            assert text.endswith("no window fits"), text
        else:
            assert text.endswith(f"= {out}"), text


def test_pool_formula_text_agrees_with_max_pool2d():
    for n, k, p, s in itertools.product(range(1, 9), range(1, 5), range(3), range(1, 4)):
        if p > k // 2:
            continue
        text = pool_formula_text(n, k, p, s)
        try:
            out = F.max_pool2d(torch.ones(1, 1, n, n), k, stride=s, padding=p).shape[-1]
        except RuntimeError:
            assert text.endswith("no window fits"), text
        else:
            assert text.endswith(f"= {out}"), text


@pytest.mark.parametrize(
    "call",
    [
        lambda a: check_output_shape(a, 8, 3),
        lambda a: check_pool_output_shape(a, 4, 3),
        lambda a: check_param_count(a, in_channels=1, out_channels=6, kernel_size=5),
        lambda a: check_fc_param_count(a, 10, 10),
        lambda a: check_conv_cost(a, (3, 8, 8), 4, 3),
        lambda a: check_receptive_field(a, [LayerSpec("conv", 3)]),
        lambda a: check_corr2d(a, torch.ones(3, 3), torch.ones(2, 2)),
        lambda a: check_pool2d(a, torch.ones(4, 4), 2),
        lambda a: check_close(a, torch.ones(2)),
    ],
)
def test_a_placeholder_gets_a_reminder_and_no_solution(call, capsys):
    for placeholder in (..., None):
        call(placeholder)
        out = _out(capsys)
        assert out.startswith(PLACEHOLDER) and "expected" not in out and "Why" not in out


def test_a_wrong_answer_gets_a_hint_first_and_the_solution_second(capsys):
    """The first wrong try names the formula and the numbers to put in, never the answer; the
    second (or show_solution()) gives the answer and the worked reason; other exercises count apart."""
    check_output_shape((3, 3), 8, 3, padding=1, stride=2)
    first = _out(capsys)
    assert first.startswith("❌ Not quite: you answered (3, 3).\n💡 Hint: ")
    assert "(4, 4)" not in first and "= 4" not in first and "show_solution()" in first
    check_output_shape((4, 4), 9, 3, padding=1, stride=2)  # another exercise: a hint again
    assert "💡 Hint:" in _out(capsys)
    checks.show_solution()  # the exercise answered last
    assert _out(capsys).startswith("Solution: (5, 5).\n   Why: out_h = ⌊(9 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = 5")
    check_output_shape((2, 2), 8, 3, padding=1, stride=2)
    assert _out(capsys).startswith("❌ Not quite: you answered (2, 2), expected (4, 4).\n   Why: ")
    checks.reset_attempts()
    checks.show_solution()
    assert _out(capsys).startswith("No self-check has been answered yet")


@pytest.mark.parametrize("answer", [(4.0, 4.0), [4, 4], torch.Size([4, 4]), torch.tensor([4, 4]), 4, 4.0,
                                    torch.tensor(4)])
def test_equal_shapes_in_another_form_pass(answer, capsys):
    check_output_shape(answer, 8, 3, padding=1, stride=2)
    assert _out(capsys).startswith("✅ Correct: (4, 4).")


@pytest.mark.parametrize("answer", [156, 156.0, torch.tensor(156), torch.tensor([156.0]), "np.int64", "np.float32"])
def test_equal_numbers_in_another_form_pass(answer, capsys):
    import numpy as np

    answer = {"np.int64": np.int64(156), "np.float32": np.float32(156)}.get(answer, answer) if isinstance(answer, str) \
        else answer
    check_conv_param_count(answer, 1, 6, 5)
    assert _out(capsys).startswith("✅ Correct: 156.")


@pytest.mark.parametrize("answer", [156.5, "156", True, (156,), float("nan"), torch.tensor([156, 156])])
def test_other_answers_are_wrong_not_errors(answer, capsys):
    check_conv_param_count(answer, 1, 6, 5)
    assert _out(capsys).startswith("❌ Not quite")


def test_output_shape_right_and_wrong(capsys):
    check_output_shape(torch.Size([2, 2]), (8, 8), (3, 5), padding=(0, 1), stride=(3, 4))
    out = _out(capsys)
    assert out.startswith("✅ Correct: (2, 2).")
    assert "out_w = ⌊(8 + 2·1 − 1·(5 − 1) − 1) / 4⌋ + 1 = 2" in out
    out = _wrong_twice(lambda: check_output_shape((3, 3), 8, 3, padding=1, stride=2), capsys)
    assert out.startswith("❌ Not quite: you answered (3, 3), expected (4, 4).") and "Why:" in out
    check_output_shape(4, 8, 3, padding=1, stride=2)  # an int means a square
    assert _out(capsys).startswith("✅")
    check_output_shape("4x4", 8, 3, padding=1, stride=2)
    assert _out(capsys).startswith("❌")


def test_pool_output_shape_defaults_stride_to_the_window(capsys):
    check_pool_output_shape((1, 1), 4, 3)
    assert _out(capsys).startswith("✅")
    check_pool_output_shape((14, 14), 28, 3, padding=1, stride=2)
    assert _out(capsys).startswith("✅")


def test_param_counts_agree_with_pytorch(capsys):
    conv = nn.Conv2d(3, 16, kernel_size=3)
    expected = sum(p.numel() for p in conv.parameters())
    check_conv_param_count(expected, 3, 16, 3)
    assert _out(capsys).startswith("✅")
    check_param_count(expected, conv)
    out = _out(capsys)
    assert out.startswith("✅") and "weight: 16·3·3·3 = 432" in out
    assert f"expected {expected}" in _wrong_twice(lambda: check_conv_param_count(expected - 16, 3, 16, 3), capsys)
    check_conv_param_count(432, 3, 16, 3, bias=False)
    assert _out(capsys).startswith("✅")
    linear = nn.Linear(300, 1000)
    check_fc_param_count(sum(p.numel() for p in linear.parameters()), 300, 1000)
    assert _out(capsys).startswith("✅")


def test_param_count_of_an_uninitialised_lazy_model_says_what_to_do():
    with pytest.raises(ValueError, match="run one batch through the model"):
        check_param_count(1, nn.LazyConv2d(6, kernel_size=5))
    with pytest.raises(TypeError, match="nn.Module"):
        check_param_count(1, "LeNet")


def test_conv_cost_and_receptive_field(capsys):
    check_conv_cost(16 * 3 * 3 * 3 * 32 * 32, (3, 32, 32), 16, 3, padding=1)
    assert _out(capsys).startswith("✅")
    check_receptive_field((7, 7), [LayerSpec("conv", 3), LayerSpec("conv", 5)])
    assert _out(capsys).startswith("✅")
    assert "expected (5, 5)" in _wrong_twice(
        lambda: check_receptive_field(7, [LayerSpec("conv", 3), LayerSpec("conv", 3)]), capsys)


def test_tensor_checks(capsys):
    X = torch.tril(torch.ones(6, 8))
    K = torch.tensor([[1.0, -1.0]])
    right = F.conv2d(X[None, None], K[None, None])[0, 0]
    check_corr2d(right, X, K)
    assert _out(capsys).startswith("✅")
    check_corr2d(right.T, X, K)
    assert "shape (7, 6), not (6, 7)" in _out(capsys)
    check_corr2d(right + 1, X, K)
    assert "right shape, different values" in _out(capsys)
    check_corr2d([[0.0]], X, K)
    assert "expected a tensor" in _out(capsys)
    X4 = torch.arange(32.0).reshape(1, 2, 4, 4)
    check_pool2d(F.conv2d(X4.reshape(2, 1, 4, 4), torch.full((1, 1, 2, 2), 0.25), stride=2).reshape(1, 2, 2, 2),
                 X4, 2, mode="avg", stride=2)
    assert _out(capsys).startswith("✅")
    check_pool2d(F.max_pool2d(X4, 2), X4, 2)
    assert _out(capsys).startswith("✅")
    with pytest.raises(ValueError, match="mode"):
        check_pool2d(X4, X4, 2, mode="min")


# ----------------------------------------------------------------------------- notebooks
NOTEBOOKS = sorted((ROOT / "notebooks").glob("07-*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_opens_with_the_badge_and_saves_no_widget_state(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    first = "".join(nb["cells"][0]["source"])
    assert first == links.colab_badge_markdown(path.name)
    assert links.colab_url(path.name) in first
    code = [cell for cell in nb["cells"] if cell["cell_type"] == "code"]
    assert "".join(code[0]["source"]) == links.colab_setup_source()  # scripts/run_notebooks.py --refresh
    assert code[0]["outputs"] == []  # it does nothing outside Colab
    assert "from course_utils" not in "".join(code[0]["source"]) and "from course_utils" in "".join(code[1]["source"])
    assert "widgets" not in nb["metadata"]
    headings = [line for cell in nb["cells"] if cell["cell_type"] == "markdown"
                for line in "".join(cell["source"]).splitlines() if line.startswith("# ")]
    section = path.name[1:4].replace("-", ".")  # "07-3-..." -> "7.3"
    assert len(headings) == 1 and headings[0].startswith(f"# {section} ")
    sources = ["".join(cell["source"]) for cell in nb["cells"]]
    assert "## Summary" in "\n".join(sources) and "## Exercises" in "\n".join(sources)
    assert any("torch.manual_seed(0)" in s and "from course_utils" in s for s in sources[:4])


ALL_NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=[p.name for p in ALL_NOTEBOOKS])
def test_every_notebook_starts_its_code_with_the_colab_cell(path):
    code = [cell for cell in json.loads(path.read_text(encoding="utf-8"))["cells"] if cell["cell_type"] == "code"]
    assert "".join(code[0]["source"]) == links.colab_setup_source(), (
        f"run: python scripts/run_notebooks.py --refresh notebooks/{path.name}")


def test_refresh_inserts_the_colab_cell_and_rewrites_the_badge_as_committed(tmp_path):
    """A notebook as it was before the Colab cell, refreshed, is byte for byte the committed one,
    except that the inserted cell has not run yet (no execution count; the committed one ran)."""
    committed = ROOT / "notebooks" / "07-2-convolutions-for-images.ipynb"
    nb = json.loads(committed.read_text(encoding="utf-8"))
    expected = json.loads(committed.read_text(encoding="utf-8"))
    for cell in expected["cells"]:
        if cell.get("id") == "colab-setup":
            assert cell["outputs"] == []
            cell["execution_count"] = None
    expected_bytes = (json.dumps(expected, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    assert committed.read_bytes() == (json.dumps(json.loads(committed.read_text(encoding="utf-8")), indent=1,
                                                 ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    nb["cells"] = [cell for cell in nb["cells"] if cell.get("id") != "colab-setup"]
    nb["cells"][0]["source"] = ["[![Open In Colab](old badge)](old link)\n", "\n", "*old words*"]
    old = tmp_path / committed.name
    old.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    script = [sys.executable, str(ROOT / "scripts" / "run_notebooks.py"), "--refresh", str(old)]
    out = subprocess.run(script, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["rewrote", committed.name]
    assert old.read_bytes() == expected_bytes
    out = subprocess.run(script, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["up", "to", "date", committed.name]


def test_colab_url_refuses_paths():
    with pytest.raises(ValueError, match="file name"):
        links.colab_url("notebooks/07-1.ipynb")


PIP_INSTALL = [sys.executable, "-m", "pip", "install", "-q", f"git+{links.REPOSITORY_URL}@{links.BRANCH}"]


def test_colab_cell_installs_from_the_repository_and_touches_nothing_else():
    source = links.colab_setup_source()
    assert links.REPOSITORY_URL in source
    for word in ("-U", "--upgrade", "torch", "numpy==", "%pip", "!pip"):
        assert word not in source, word
    compile(source, "colab-setup", "exec")  # plain Python: runs in any kernel


def _fail_if_called(*args, **kwargs):
    raise AssertionError(f"subprocess.run called outside Colab: {args}")


def test_colab_cell_does_nothing_outside_colab(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.setattr(subprocess, "run", _fail_if_called)
    namespace: dict = {}
    exec(links.colab_setup_source(), namespace)
    assert sorted(name for name in namespace if name != "__builtins__") == ["sys"]


def _on_fake_colab(monkeypatch, returncode: int, stderr: str = "") -> list:
    calls = []

    def run(args, **kwargs):
        calls.append((args, kwargs))
        return subprocess.CompletedProcess(args, returncode, stdout="", stderr=stderr)

    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(subprocess, "run", run)
    return calls


def test_colab_cell_runs_pip_install_once_on_colab(monkeypatch):
    calls = _on_fake_colab(monkeypatch, returncode=0)
    exec(links.colab_setup_source(), {})
    assert calls == [(PIP_INSTALL, {"capture_output": True, "text": True})]


def test_colab_cell_shows_pips_error(monkeypatch):
    _on_fake_colab(monkeypatch, returncode=1, stderr="ERROR: Repository not found.")
    with pytest.raises(RuntimeError, match="could not install the course package:\nERROR: Repository not found"):
        exec(links.colab_setup_source(), {})


def test_package_requirements_keep_what_colab_has():
    """pip installs from the Colab cell without -U: nothing Colab ships may fall outside the package's ranges,
    or pip would replace it. ipywidgets 7.7.1 is Colab's (its frontend draws ipywidgets 7 natively)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = {Requirement(line).name: Requirement(line) for line in project["dependencies"]}
    assert requirements["ipywidgets"].specifier.contains("7.7.1")
    assert requirements["torch"].specifier.contains("2.2.0") and requirements["numpy"].specifier.contains("1.26.4")


# ----------------------------------------------------------------------------- chapter 8: whole models
from course_utils.checks import (  # noqa: E402
    check_min_input_size,
    check_model_macs,
    check_model_param_count,
    check_module_output_shape,
)
from course_utils.models import AlexNet, GoogleNet, Inception, LeNet, Residual  # noqa: E402


@pytest.mark.parametrize("call", [
    lambda: check_module_output_shape(..., Residual(3), (1, 3, 6, 6)),
    lambda: check_model_param_count(..., LeNet(), (1, 1, 28, 28)),
    lambda: check_model_macs(None, LeNet(), (1, 1, 28, 28)),
    lambda: check_min_input_size(..., AlexNet),
])
def test_chapter8_placeholders_get_a_reminder_and_no_solution(call, capsys):
    call()
    assert _out(capsys).strip() == PLACEHOLDER + ", then run the cell again."


def test_module_output_shape_agrees_with_running_the_module(capsys):
    block = Inception(64, (96, 128), (16, 32), 32)
    check_module_output_shape((1, 256, 12, 12), block, (1, 192, 12, 12))
    assert _out(capsys).startswith("✅ Correct: (1, 256, 12, 12).")
    check_module_output_shape(torch.Size([4, 6, 3, 3]), Residual(6, use_1x1conv=True, strides=2), (4, 3, 6, 6))
    assert _out(capsys).startswith("✅")
    assert "expected (1, 256, 12, 12)" in _wrong_twice(
        lambda: check_module_output_shape((1, 192, 12, 12), block, (1, 192, 12, 12)), capsys)


def test_model_param_count_and_macs_agree_with_pytorch_and_the_summary(capsys):
    model = LeNet()
    check_model_param_count(61706, model, (1, 1, 28, 28))
    assert _out(capsys).startswith("✅ Correct: 61706.")
    assert sum(p.numel() for p in model.parameters()) == 61706
    out = _wrong_twice(lambda: check_model_param_count(61705, LeNet(), (1, 1, 28, 28)), capsys)
    assert out.startswith("❌") and "net.7 (Linear): 48,120" in out and "total = 61,706" in out
    # LeNet's MACs by hand: conv 6*28*28*25 + conv 16*10*10*150 + 400*120 + 120*84 + 84*10
    by_hand = 6 * 28 * 28 * 25 + 16 * 10 * 10 * 150 + 400 * 120 + 120 * 84 + 84 * 10
    check_model_macs(by_hand, LeNet(), (1, 1, 28, 28))
    assert _out(capsys).startswith("✅")
    check_model_macs(2 * by_hand, LeNet(), (2, 1, 28, 28))  # MACs are for the whole batch
    assert _out(capsys).startswith("✅")


def test_min_input_size_is_found_by_pytorchs_layers(capsys):
    check_min_input_size(1, GoogleNet)  # every GoogLeNet layer pads or rounds up
    assert _out(capsys).startswith("✅ Correct: 1.")
    check_min_input_size(12, lambda: nn.Sequential(nn.Conv2d(1, 1, 5, padding=2), nn.AvgPool2d(2),
                                                   nn.Conv2d(1, 1, 5), nn.AvgPool2d(2)))
    out = _out(capsys)
    assert out.startswith("✅ Correct: 12.") and "one of 11 x 11 fails" in out
    assert "expected 5" in _wrong_twice(
        lambda: check_min_input_size(64, lambda: nn.Sequential(nn.Conv2d(1, 1, 3), nn.Conv2d(1, 1, 3))), capsys)
    with pytest.raises(ValueError, match="max_size"):
        check_min_input_size(1, lambda: nn.Conv2d(1, 1, 9), max_size=4)
    with pytest.raises(TypeError, match="build"):
        check_min_input_size(1, nn.Conv2d(1, 1, 3))


NOTEBOOKS_8 = sorted((ROOT / "notebooks").glob("08-*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS_8, ids=[p.name for p in NOTEBOOKS_8])
def test_chapter8_notebook_frame(path):
    test_notebook_opens_with_the_badge_and_saves_no_widget_state(path)


# ----------------------------------------------------------------------------- faults fixed
def test_every_check_answers_a_placeholder_before_looking_at_its_arguments(capsys):
    """One guard serves every check: called with only ``...`` (no other argument), each prints the reminder."""
    for name in (n for n in checks.__all__ if n.startswith("check_")):
        for placeholder in (..., None):
            getattr(checks, name)(placeholder)
            assert _out(capsys) == PLACEHOLDER + ", then run the cell again.\n", name


def test_receptive_field_of_a_residual_block_is_its_output_field(capsys):
    """The 1x1 shortcut conv3 runs last (field 1x1), but the block's output sees 7x7 pixels."""
    from course_utils.fields import overall_receptive_field

    block = Residual(6, use_1x1conv=True, strides=2)
    assert overall_receptive_field(block).size == (7, 7)
    check_receptive_field((7, 7), block)
    out = _out(capsys)
    assert out.startswith("✅ Correct: (7, 7).")
    assert out.rstrip().splitlines()[-1].strip() == (
        "at the output (where paths meet, the largest of their fields): field 7×7, jump 2×2")
    assert "conv2 (conv 3×3, pad 1): field 7×7, jump 2×2" in out
    assert "conv3 (conv 1×1, stride 2): field 1×1, jump 2×2" in out
    assert _wrong_twice(lambda: check_receptive_field((1, 1), block), capsys).startswith("❌ Not quite: you answered (1, 1), expected (7, 7).")


def test_receptive_field_of_googlenet_is_715(capsys):
    from course_utils.fields import overall_receptive_field

    model = GoogleNet()
    assert overall_receptive_field(model).size == (715, 715)
    check_receptive_field(715, model)
    out = _out(capsys)
    assert out.startswith("✅ Correct: (715, 715).") and "field 715×715, jump 32×32" in out.splitlines()[-1]
    assert _wrong_twice(lambda: check_receptive_field(651, model), capsys).startswith("❌ Not quite: you answered 651, expected (715, 715).")


def test_receptive_field_of_a_list_is_its_last_layer_and_needs_no_output_line(capsys):
    from course_utils.fields import overall_receptive_field, receptive_fields

    layers = [LayerSpec("conv", 5, padding=2), LayerSpec("pool", 2, stride=2), LayerSpec("conv", 5)]
    assert receptive_fields(layers)[-1].size == overall_receptive_field(layers).size == (14, 14)
    check_receptive_field((14, 14), layers)
    out = _out(capsys)
    assert out.startswith("✅ Correct: (14, 14).") and "at the output" not in out
    assert out.rstrip().splitlines()[-1].strip() == "layer 3 (conv 5×5): field 14×14, jump 2×2"
    with pytest.raises(ValueError, match="no convolution or pooling layer"):
        check_receptive_field(1, [])


def test_checks_take_numpy_integers_and_refuse_bad_arguments_clearly(capsys):
    import numpy as np

    check_conv_param_count(np.int64(156), np.int64(1), np.int32(6), np.int64(5))
    assert _out(capsys).startswith("✅ Correct: 156.")
    check_output_shape((np.int64(4), np.int64(4)), 8, 3, padding=1, stride=2)
    assert _out(capsys).startswith("✅")
    bad = [
        (lambda: check_conv_param_count(156, True, 6, 5), TypeError, r"in_channels must be a whole number, got True"),
        (lambda: check_conv_param_count(156, 1, 6, 5, bias=1), TypeError, r"bias must be True or False, got 1"),
        (lambda: check_conv_param_count(156, 1, 6, 0), ValueError, r"kernel_size must be >= 1, got 0"),
        (lambda: check_fc_param_count(10, 2.0, 5), TypeError, r"in_features must be a whole number, got 2\.0"),
        (lambda: check_conv_cost(1, (3, 32), 16, 3), ValueError, r"input_shape must be \(c_i, h, w\), got \(3, 32\)"),
        (lambda: check_conv_cost(1, (3, 0, 32), 16, 3), ValueError, r"input_shape\[1\] must be >= 1, got 0"),
        (lambda: check_corr2d(1, [[1.0, 2.0]], torch.ones(1, 1)), TypeError, r"X must be a torch.Tensor, got list"),
        (lambda: check_corr2d(1, torch.ones(3, 3), torch.ones(5, 5)), ValueError, r"kernel 5x5 is larger than the input"),
        (lambda: check_corr2d(1, torch.ones(1, 3, 3), torch.ones(2, 2)), ValueError, r"X must have shape \(height, width\)"),
        (lambda: check_pool2d(1, torch.ones(4, 4), 2, padding=2), ValueError, r"more than half the pooling window"),
        (lambda: check_pool2d(1, torch.ones(4, 4), 2, mode="min"), ValueError, r"mode must be one of 'max', 'avg'"),
        (lambda: check_close(1, [1.0]), TypeError, r"expected must be a torch.Tensor, got list"),
        (lambda: check_min_input_size(1, LeNet, max_size=0), ValueError, r"max_size must be >= 1, got 0"),
        (lambda: check_param_count(1), ValueError, r"give either a model or in_channels"),
    ]
    for call, error, match in bad:
        with pytest.raises(error, match=match):
            call()
