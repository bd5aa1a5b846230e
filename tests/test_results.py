"""Measured results: course_utils.comparison reads the committed measurements as written (never
invented), from the package's own folder, matched to the settings in use; course_utils.profiling
measures the cost of a training step exactly where it can be."""

from __future__ import annotations

import doctest
import gc
import json
import types
import weakref
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from course_utils import comparison, profiling
from course_utils.comparison import (
    COMPARED_MODELS,
    compare_models,
    find_measurement,
    load_measurements,
    results_dir,
)
from course_utils.formatting import MISSING
from course_utils.models import LeNet
from course_utils.profiling import NOT_TIMED, measure_step, training_costs
from course_utils.sizes import training_setup
from course_utils.summary import model_summary

ROOT = Path(__file__).resolve().parents[1]


def _row(**overrides: object) -> dict[str, object]:
    row = {"model": "LeNet", "key": "lenet", "size": "cpu", "device": "AMD EPYC, 2 cores", "epochs": 10,
           "resize": 28, "val_acc": 0.81, "wall_s": 100.0, "images_per_s": 9000.0,
           "date": "2026-01-02T03:04:05+00:00", "changes": ""}
    row.update(overrides)
    return row


def _write(folder: Path, name: str, content: object) -> None:
    (folder / name).write_text(json.dumps(content), encoding="utf-8")


@pytest.mark.parametrize("module", [comparison, profiling])
def test_doctests(module):
    assert doctest.testmod(module, raise_on_error=True).attempted > 0


def test_results_dir_is_the_packages_folder_whatever_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a notebook's folder, Colab's /content: nothing of the repository here
    where = results_dir()
    assert where == Path(comparison.__file__).resolve().parent / "results"
    assert (where / "training-cpu.json").is_file() and (where / "memory-fast.json").is_file()
    committed = json.loads((where / "training-cpu.json").read_text(encoding="utf-8"))
    lenet = next(row for row in committed if row["key"] == "lenet")
    assert [m.val_acc for m in load_measurements() if m.key == "lenet" and m.size == "cpu"] == [lenet["val_acc"]]
    assert compare_models("cpu", keys=("lenet",)).rows[0].val_acc == lenet["val_acc"]


def test_the_result_files_live_in_one_place_only():
    assert not (ROOT / "docs" / "results").exists()  # moved into the package (package data), not copied
    assert {"memory-fast.json", "training-cpu.json"} <= {p.name for p in results_dir().iterdir()}


def test_the_notes_name_the_packages_folder():
    text = str(compare_models("cpu", keys=("lenet",)))
    assert "measured runs from course_utils/results;" in text


def test_training_files_and_gpu_report_are_read(tmp_path):
    _write(tmp_path, "training-cpu.json", [_row(), _row(model="ResNet18", key="resnet18", resize=48)])
    _write(tmp_path, "gpu_benchmark.json", {
        "device": "NVIDIA H100", "date": "2026-01-03T00:00:00+00:00", "settings": "book", "quick": False,
        "book_settings": [{"model": "LeNet", "key": "lenet", "epochs": 10, "resize": 28, "val_acc": 0.83,
                           "wall_s": 30.0, "images_per_s": 90000.0}],
        "one_epoch": [{"model": "AlexNet", "key": "alexnet", "epochs": 1, "resize": 224, "val_acc": 0.7,
                       "wall_s": 20.0, "images_per_s": 5000.0}],
    })
    found = load_measurements(tmp_path)
    assert {(m.key, m.size, m.device) for m in found} == {
        ("lenet", "cpu", "AMD EPYC, 2 cores"), ("resnet18", "cpu", "AMD EPYC, 2 cores"),
        ("lenet", "book", "NVIDIA H100"), ("alexnet", "book", "NVIDIA H100"),
    }
    lenet_book = find_measurement(found, "lenet", "book", 28)
    assert lenet_book is not None and lenet_book.val_acc == 0.83 and lenet_book.seconds_per_epoch == 3.0
    assert lenet_book.source == "gpu_benchmark.json (book_settings)"


def test_a_run_over_several_seeds_shows_its_mean_and_spread(tmp_path):
    _write(tmp_path, "training-cpu.json", [_row(val_acc=0.6, val_acc_std=0.1, seeds=[0, 1, 2])])
    (m,) = load_measurements(tmp_path)
    assert (m.val_acc, m.val_acc_std, m.seeds) == (0.6, 0.1, 3)
    text = str(compare_models("cpu", keys=("lenet",), folder=tmp_path))
    assert "0.600 ± 0.100" in text, text
    _write(tmp_path, "training-cpu.json", [_row(val_acc=0.6)])  # one run: no spread shown
    text = str(compare_models("cpu", keys=("lenet",), folder=tmp_path))
    assert "0.600" in text and "±" not in text


def test_a_quick_gpu_report_is_not_a_measurement(tmp_path):
    _write(tmp_path, "gpu_benchmark.json", {
        "device": "AMD EPYC, 2 cores", "date": "2026-01-03", "settings": "fast", "quick": True,
        "book_settings": [{"model": "LeNet", "key": "lenet", "epochs": 1, "resize": 28, "val_acc": 0.1,
                           "wall_s": 1.0, "images_per_s": 100.0}], "one_epoch": [],
    })
    assert load_measurements(tmp_path) == []


def test_no_folder_and_empty_folder_give_no_measurements(tmp_path):
    assert load_measurements(tmp_path) == []
    assert load_measurements(tmp_path / "missing") == []


def test_a_broken_row_is_reported_with_its_file(tmp_path):
    bad = _row()
    del bad["val_acc"]
    _write(tmp_path, "training-cpu.json", [bad])
    with pytest.raises(ValueError, match=r"training-cpu.json: a row lacks val_acc"):
        load_measurements(tmp_path)
    _write(tmp_path, "training-cpu.json", [_row(model="AlexNot", key=None)])
    with pytest.raises(ValueError, match="unknown model 'AlexNot'"):
        load_measurements(tmp_path)
    (tmp_path / "training-cpu.json").write_text("[{", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_measurements(tmp_path)


def test_find_prefers_full_runs_then_the_latest_and_matches_the_settings(tmp_path):
    rows = [_row(epochs=1, date="2026-03-01"), _row(epochs=10, date="2026-01-01", val_acc=0.5),
            _row(epochs=10, date="2026-02-01", val_acc=0.6)]
    _write(tmp_path, "training-cpu.json", rows)
    found = load_measurements(tmp_path)
    assert find_measurement(found, "lenet", "cpu", 28).val_acc == 0.6
    assert find_measurement(found, "lenet", "cpu", 32) is None  # another image size: not this setting
    assert find_measurement(found, "lenet", "book", 28) is None
    assert find_measurement(found, "lenet", "cpu", 28, changes="3 epochs (book 10)") is None


def test_compare_models_fills_only_what_was_measured(tmp_path):
    run = training_setup("resnet18", "cpu", verbose=False)
    _write(tmp_path, "training-cpu.json", [_row(), _row(model="ResNet18", key="resnet18", resize=run.resize[0],
                                                         changes=run.changes, val_acc=0.875, epochs=3, wall_s=300.0)])
    comparison = compare_models("cpu", keys=("lenet", "resnet18", "alexnet"), folder=tmp_path)
    by_key = {row.key: row for row in comparison.rows}
    assert by_key["resnet18"].val_acc == 0.875 and by_key["resnet18"].seconds_per_epoch == 100.0
    assert by_key["lenet"].val_acc == 0.81
    assert by_key["alexnet"].measurement is None
    text = str(comparison)
    alexnet_line = next(line for line in text.splitlines() if line.startswith("AlexNet "))
    assert alexnet_line.count(MISSING) == 5
    assert "0.875" in text and comparison.to_markdown().count("| AlexNet |") == 1
    summary = model_summary(LeNet(), (1, 1, 28, 28))
    assert (by_key["lenet"].params, by_key["lenet"].macs) == (summary.total_params, summary.total_macs)
    assert by_key["resnet18"].input_size == run.resize[0]


def test_compare_models_without_measurements_shows_costs_only(tmp_path):
    _write(tmp_path, "training-book.json", [_row(size="book")])
    comparison = compare_models("book", keys=("lenet",), folder=tmp_path, measured=False)
    assert comparison.rows[0].measurement is None
    assert "Val. acc." not in str(comparison) and MISSING not in str(comparison)
    with pytest.raises(ValueError, match="unknown model keys"):
        compare_models("book", keys=("lenet5",))


def test_compare_models_rejects_bad_arguments_at_the_call():
    with pytest.raises(TypeError, match=r"keys must be a sequence of model keys, got 'lenet': e.g. keys=\('lenet'"):
        compare_models("book", keys="lenet")  # a string would be read letter by letter
    with pytest.raises(ValueError, match="keys is empty"):
        compare_models("book", keys=())
    with pytest.raises(ValueError, match="size must be one of 'fast', 'cpu', 'book', got 'gpu'"):
        compare_models("gpu")
    with pytest.raises(TypeError, match="measured must be True or False, got 'no'"):
        compare_models("book", measured="no")
    with pytest.raises(TypeError, match="folder must be a path .*got 3 of type int"):
        compare_models("book", folder=3)


def test_every_compared_model_has_a_committed_cpu_run_at_the_current_settings():
    found = load_measurements()
    assert found, f"no measurement in {results_dir()}"
    for m in found:
        assert 0.0 <= m.val_acc <= 1.0 and m.wall_s > 0 and m.images_per_s > 0, m
    rows = compare_models("cpu").rows
    assert [row.key for row in rows] == list(COMPARED_MODELS)
    unmeasured = [row.key for row in rows if row.measurement is None]
    assert not unmeasured, f"no cpu-size run at the current settings: {unmeasured}; re-run benchmarks/train_sizes.py"


def test_committed_runs_name_the_machine_not_its_architecture():
    # They said "x86_64 CPU, 2 cores" (platform.machine()); device.machine_description names the CPU model.
    architectures = {"x86_64", "amd64", "aarch64", "arm64", "i386", "i686", ""}
    for m in load_measurements():
        cpu, _, cores = m.device.rpartition(", ")
        assert cores.split()[-1] in ("core", "cores") and cpu.removesuffix(" CPU").lower() not in architectures, m.device
    memory = json.loads((results_dir() / "memory-fast.json").read_text(encoding="utf-8"))
    assert not memory["machine"].startswith(("x86_64", "aarch64", "arm64")), memory["machine"]


class _FakeClock:
    """``time.perf_counter`` that returns the given readings, one per call."""

    def __init__(self, *readings: float) -> None:
        self.readings = list(readings)

    def perf_counter(self) -> float:
        return self.readings.pop(0)


def test_measure_step_counts_saved_activations_exactly(monkeypatch):
    model = nn.Sequential(nn.Conv2d(1, 2, kernel_size=3), nn.ReLU())
    model.eval()
    # three timed steps of 0.5, 0.125 and 0.25 s (exact in binary): their median is 0.25 s
    clock = _FakeClock(0.0, 0.5, 1.0, 1.125, 2.0, 2.25)
    monkeypatch.setattr(profiling, "time", types.SimpleNamespace(perf_counter=clock.perf_counter))
    cost = measure_step(model, (2, 1, 5, 5), repeats=3)
    assert cost.seconds == 0.25 and clock.readings == []  # two readings per step, no more
    # the convolution saves its input (2*1*5*5 floats), ReLU its output (2*2*3*3 floats); weights excluded
    assert cost.activation_bytes == 4 * (2 * 1 * 5 * 5 + 2 * 2 * 3 * 3)
    assert cost.param_bytes == cost.grad_bytes == 4 * (2 * 9 + 2)
    assert cost.training_bytes == cost.param_bytes + cost.grad_bytes + cost.activation_bytes
    assert cost.peak_bytes is None
    assert not model.training and all(p.grad is None for p in model.parameters())  # mode and gradients restored
    assert str(cost) == ("Sequential, batch 2x1x5x5 on cpu: forward+backward 250 ms; weights 0.0 MiB + gradients "
                         "0.0 MiB + saved activations 0.0 MiB = 0.0 MiB")


def test_measure_step_initialises_lazy_models_and_uses_their_loss():
    model = LeNet()
    cost = measure_step(model, (4, 1, 28, 28), repeats=1)
    assert cost.param_bytes == 4 * sum(p.numel() for p in model.parameters()) == 4 * 61706
    with pytest.raises(ValueError, match="repeats"):
        measure_step(model, (4, 1, 28, 28), repeats=0)
    with pytest.raises(ValueError, match="X_shape"):
        measure_step(model, (1, 28, 28))


def test_measure_step_rejects_bad_arguments_at_the_call():
    model = LeNet()
    with pytest.raises(ValueError, match=r"repeats must be >= 1, got 0: write e.g. repeats=3"):
        measure_step(model, (1, 1, 28, 28), repeats=0)
    with pytest.raises(TypeError, match=r"repeats must be a whole number, got True \(bool\)"):
        measure_step(model, (1, 1, 28, 28), repeats=True)
    with pytest.raises(TypeError, match=r"X_shape must be a sequence N x C x H x W .*got '1x1x28x28'"):
        measure_step(model, "1x1x28x28")
    with pytest.raises(ValueError, match=r"X_shape must be N x C x H x W .*got \(1, 1, 28.0, 28\)"):
        measure_step(model, (1, 1, 28.0, 28))
    with pytest.raises(TypeError, match=r"model must be a torch.nn.Module, got 'LeNet' of type str"):
        measure_step("LeNet", (1, 1, 28, 28))
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no CUDA device"):
            measure_step(model, (1, 1, 28, 28), device="cuda")
    # NumPy integers and torch.Size are shapes too
    shape = (np.int64(1), 1, 28, 28)
    assert measure_step(model, shape, timed=False).input_shape == (1, 1, 28, 28)
    assert measure_step(model, torch.Size([1, 1, 28, 28]), timed=False).input_shape == (1, 1, 28, 28)


def test_training_costs_split_parameters_and_macs_by_layer_type():
    table = training_costs({"LeNet": (LeNet(), (2, 1, 28, 28))}, repeats=1)
    row = table.rows[0]
    summary = model_summary(LeNet(), (2, 1, 28, 28))
    assert row.params == summary.total_params and row.macs == summary.total_macs
    assert row.conv_params == 156 + 2416 and row.linear_params == 48120 + 10164 + 850
    assert "forward + backward" in str(table) and "forward + backward" not in table.to_text(include_time=False)
    with pytest.raises(ValueError, match="empty"):
        training_costs({})


def _small_net() -> nn.Module:
    """Convolution, batch norm, ReLU, dropout and a lazy linear layer: every kind of saved tensor."""
    return nn.Sequential(nn.Conv2d(1, 4, kernel_size=3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                         nn.Dropout(0.5), nn.LazyLinear(10))


def test_an_untimed_step_measures_the_same_memory_without_gradients():
    torch.manual_seed(0)
    model = _small_net().eval()
    untimed = measure_step(model, (4, 1, 8, 8), timed=False)
    assert all(p.grad is None for p in model.parameters())  # no backward: no gradient allocated
    assert not model.training  # mode restored (the forward pass ran in training mode)
    timed = measure_step(_small_net(), (4, 1, 8, 8), repeats=1)
    assert (untimed.param_bytes, untimed.grad_bytes, untimed.activation_bytes, untimed.training_bytes) == (
        timed.param_bytes, timed.grad_bytes, timed.activation_bytes, timed.training_bytes)
    # at least what any autograd must keep: the inputs of the convolution (4*1*8*8 floats), of batch norm and of
    # the linear layer, and the output of ReLU (4*4*6*6 floats each)
    assert untimed.activation_bytes >= 4 * (4 * 1 * 8 * 8 + 3 * 4 * 4 * 6 * 6)
    assert untimed.grad_bytes == untimed.param_bytes == 4 * (4 * 9 + 4 + 2 * 4 + 144 * 10 + 10)
    assert untimed.seconds is None and untimed.peak_bytes is None and not untimed.timed and timed.timed
    assert NOT_TIMED in str(untimed) and "saved activations" in str(untimed)
    with pytest.raises(TypeError, match="timed must be True or False, got 'no'"):
        measure_step(model, (4, 1, 8, 8), timed="no")


def test_an_untimed_step_leaves_no_graph_behind():
    # Without a backward pass nothing frees the saved tensors but dropping the graph: the weights must
    # not stay alive through it (a pack hook returning a saved output itself would make a cycle).
    model = _small_net()
    measure_step(model, (2, 1, 8, 8), timed=False)
    weights = [weakref.ref(p) for p in model.parameters()]
    del model
    gc.collect()
    assert all(w() is None for w in weights)


def test_training_costs_untimed_prints_the_same_memory_rows():
    entries = {"LeNet": (LeNet, (2, 1, 28, 28)), "net": (_small_net, (2, 1, 8, 8))}
    torch.manual_seed(0)
    timed = training_costs(entries, repeats=1)
    untimed = training_costs(entries, timed=False)
    assert untimed.to_text(include_time=False) == timed.to_text(include_time=False)
    assert all(row.step.seconds is None for row in untimed.rows)


def test_an_untimed_row_says_so_when_the_time_is_asked_for():
    table = training_costs({"LeNet": (LeNet, (2, 1, 28, 28))}, timed=False)
    lines = table.to_text(include_time=True).splitlines()
    time_line = next(line for line in lines if line.startswith("forward + backward"))
    assert time_line.split()[-2:] == NOT_TIMED.split()
    assert "timed=True" in lines[-1] and "LeNet" in lines[-1]  # the note names the row and the remedy
    assert str(table) == table.to_text(include_time=True)
    assert NOT_TIMED not in table.to_text(include_time=False)


def test_training_costs_builds_one_model_at_a_time():
    built: list[weakref.ref[nn.Module]] = []
    alive_when_built: list[int] = []

    def build() -> nn.Module:
        alive_when_built.append(sum(ref() is not None for ref in built))
        model = nn.Sequential(nn.Conv2d(1, 2, kernel_size=3), nn.ReLU(), nn.Flatten(), nn.Linear(18, 4))
        built.append(weakref.ref(model))
        return model

    given = LeNet()  # a module given directly still works, and stays the caller's
    table = training_costs(
        {"first": (build, (1, 1, 5, 5)), "given": (given, (1, 1, 28, 28)), "second": (build, (1, 1, 5, 5)),
         "third": (build, (1, 1, 5, 5))}, timed=False)  # fmt: skip
    assert alive_when_built == [0, 0, 0]  # each earlier model was gone when the next one was built
    assert all(ref() is None for ref in built)  # and none is left afterwards
    assert [row.name for row in table.rows] == ["first", "given", "second", "third"]
    assert table.rows[1].params == 61706 and sum(p.numel() for p in given.parameters()) == 61706


def test_training_costs_rejects_bad_entries_before_building_anything():
    calls = []

    def build() -> nn.Module:
        calls.append(1)
        return LeNet()

    with pytest.raises(TypeError, match=r"entries\['bad'\].*'LeNet'.*of type str"):
        training_costs({"ok": (build, (1, 1, 28, 28)), "bad": ("LeNet", (1, 1, 28, 28))})
    with pytest.raises(TypeError, match=r"entries\['bad'\] must be a pair .*got LeNet\("):
        training_costs({"ok": (build, (1, 1, 28, 28)), "bad": LeNet()})
    with pytest.raises(ValueError, match="X_shape"):
        training_costs({"ok": (build, (1, 1, 28, 28)), "bad": (LeNet, (28, 28))})
    assert calls == []
    with pytest.raises(TypeError, match=r"entries\['odd'\]: the builder .*<lambda> returned 'LeNet' of type str"):
        training_costs({"odd": (lambda: "LeNet", (1, 1, 28, 28))})
    with pytest.raises(TypeError, match="timed"):
        training_costs({"ok": (build, (1, 1, 28, 28))}, timed=None)
    with pytest.raises(TypeError, match=r"entries must be a dict of name -> \(model, X_shape\)"):
        training_costs([("ok", (build, (1, 1, 28, 28)))])
    assert calls == []


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_measure_step_reads_the_cuda_peak():
    cost = measure_step(LeNet(), (8, 1, 28, 28), repeats=1, device="cuda")
    assert cost.peak_bytes is not None and cost.peak_bytes >= cost.param_bytes
