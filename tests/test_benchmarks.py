"""The benchmark scripts run (smoke runs; their numbers are never asserted: a test never fails
because a machine is slow), measure side by side, time what they say they time (a fake clock),
name the machine as course_utils.device does and write the package's results folder."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_data  # noqa: E402
import bench_models  # noqa: E402
import bench_ops  # noqa: E402
import bench_trainer  # noqa: E402
import book_pipeline  # noqa: E402
import gpu_benchmark  # noqa: E402
import training_runs  # noqa: E402
import train_sizes  # noqa: E402

from course_utils import comparison  # noqa: E402
from course_utils.device import machine_description  # noqa: E402
from course_utils.models import LeNet  # noqa: E402


def test_side_by_side_takes_turns_and_gives_medians():
    calls: list[str] = []

    def measure(name: str, values: list[float]):
        def run() -> float:
            calls.append(name)
            return values[len([c for c in calls if c == name]) - 1]
        return run

    result = bench_data.side_by_side(3, ours=measure("ours", [5.0, 1.0, 3.0]), book=measure("book", [2.0, 9.0, 4.0]))
    assert calls == ["ours", "book"] * 3  # in turn, not one after the other
    assert result == {"ours": 3.0, "book": 4.0}


def test_compute_only_times_exactly_the_steps_on_batches_made_before_the_clock(monkeypatch):
    import torch

    made: list[int] = []
    made_at_readings: list[int] = []

    def loader():
        for i in range(4):
            made.append(i)
            yield torch.rand(8, 1, 28, 28), torch.randint(0, 10, (8,))

    readings = [10.0, 10.5]  # the clock starts at 10 s and stops at 10.5 s

    def perf_counter() -> float:
        made_at_readings.append(len(made))
        return readings.pop(0)

    monkeypatch.setattr(bench_data, "time", types.SimpleNamespace(perf_counter=perf_counter))
    assert bench_data.time_compute_only(loader, 3) == 3 * 8 / 0.5  # images/s: 3 steps of 8 images in 0.5 s
    assert readings == []  # one reading to start, one to stop
    assert made_at_readings == [3, 3]  # all three batches were made before the clock started, none after


@pytest.mark.slow
def test_channels_last_benchmark_smoke_run():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_channels_last.py"), "--quick"],
                         capture_output=True, text=True, check=True, timeout=300).stdout
    rows = re.findall(r"^\| (\w+) \| (\d+)x\2 \| [\d.]+ ms \| [\d.]+ ms \| [\d.]+x \|$", out, flags=re.M)
    assert [name for name, _ in rows] == ["LeNet", "BNLeNet"], out


def test_bench_models_projects_the_epoch_with_the_courses_duration():
    config = bench_models.Config("LeNet", "book", LeNet, (28,))
    result = bench_models.Result(config, 28, batch_size=128, params=61706, macs_per_image=416520, seconds=[0.5])
    table = bench_models.markdown_table([result], 60_000)  # 256 images/s: 60,000 images in 234.4 s
    assert table.splitlines()[-1] == "| LeNet | book | 28x28 | 61,706 | 0.4 | 128 | 0.500 | 256 | 3 min 54 s |"


def test_bench_models_and_bench_ops_name_the_machine_as_the_course_does(capsys):
    import torch

    assert f"- CPU: {machine_description('cpu')}; torch uses " in "\n".join(bench_models.machine_info(torch.device("cpu")))
    bench_ops.main(["--quick", "--size", "8", "--repeat", "1"])
    assert capsys.readouterr().out.startswith(f"CPU: {machine_description('cpu')}")


def test_train_sizes_writes_the_machine_into_the_packages_results_folder(tmp_path, monkeypatch):
    assert train_sizes.results_dir is comparison.results_dir  # the default folder is the one 8.7 reads
    monkeypatch.setattr(train_sizes, "results_dir", lambda: tmp_path)

    def train(key, epochs, device, data_folder, size, seed=0):  # training_runs.train's row, without the training
        assert (key, size, str(device)) == ("lenet", "fast", "cpu")
        return {"model": "LeNet", "key": key, "seed": seed, "epochs": epochs, "resize": 28, "val_acc": 0.5,
                "wall_s": 2.0, "images_per_s": 1000.0, "status": "completed"}

    monkeypatch.setattr(train_sizes, "train", train)
    assert train_sizes.main(["--size", "fast", "--models", "lenet", "--data", str(tmp_path), "--device", "cpu",
                             "--seeds", "0"]) == 0
    rows = json.loads((tmp_path / "training-fast.json").read_text(encoding="utf-8"))
    assert [(row["key"], row["size"], row["device"]) for row in rows] == [("lenet", "fast", machine_description("cpu"))]
    assert [(m.key, m.val_acc) for m in comparison.load_measurements(tmp_path)] == [("lenet", 0.5)]
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically: no temporary file left


def test_train_sizes_refuses_a_device_the_machine_lacks(capsys):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA device")
    with pytest.raises(SystemExit) as exit_:
        train_sizes.main(["--size", "fast", "--models", "lenet", "--device", "cuda"])
    assert exit_.value.code == 2 and "--device cuda: device='cuda', but this machine has no CUDA device" in (
        capsys.readouterr().err)


def test_a_quick_gpu_benchmark_never_replaces_the_committed_report(capsys):
    with pytest.raises(SystemExit) as exit_:
        gpu_benchmark.main(["--quick", "--device", "cpu"])  # no --out: it would write course_utils/results/
    assert exit_.value.code == 2 and "--quick is a smoke run, not a measurement: give --out FOLDER" in (
        capsys.readouterr().err)


def test_train_sizes_reports_the_mean_and_spread_over_seeds_and_names_the_machine_once(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(train_sizes, "results_dir", lambda: tmp_path)
    accuracies = {0: 0.5, 1: 0.6, 2: 0.7}

    def train(key, epochs, device, data_folder, size, seed=0):
        return {"model": "LeNet", "key": key, "seed": seed, "epochs": epochs, "resize": 28,
                "val_acc": accuracies[seed], "wall_s": 10.0 + seed, "images_per_s": 1000.0 * (seed + 1),
                "status": "completed", "history": []}

    monkeypatch.setattr(train_sizes, "train", train)
    assert train_sizes.main(["--size", "fast", "--models", "lenet", "--data", str(tmp_path), "--device", "cpu"]) == 0
    (row,) = json.loads((tmp_path / "training-fast.json").read_text(encoding="utf-8"))
    assert row["seeds"] == [0, 1, 2] and row["val_accs"] == [0.5, 0.6, 0.7]
    assert row["val_acc"] == pytest.approx(0.6) and row["val_acc_std"] == pytest.approx(0.1)
    assert row["wall_s"] == pytest.approx(11.0) and row["wall_s_max"] == 12.0 and row["images_per_s"] == 2000.0
    assert [run["seed"] for run in row["runs"]] == [0, 1, 2]
    out = capsys.readouterr().out
    assert "| LeNet | 10 | 28x28 | 0.600 ± 0.100 | 3 | 11.0 s, 12.0 s | 2,000 |" in out, out
    assert out.count(machine_description("cpu")) == 1  # named once, above the table
    with pytest.raises(SystemExit):
        train_sizes.main(["--size", "fast", "--models", "lenet", "--seeds", "1", "1"])
    assert "--seeds must be different numbers >= 0, got [1, 1]" in capsys.readouterr().err


def test_a_seed_draws_the_weights_and_the_order_of_the_images():
    import torch

    data = [training_runs.load("lenet", "", "fast", seed) for seed in (0, 0, 1)]
    first = [next(iter(d.train_dataloader()))[1] for d in data]
    assert torch.equal(first[0], first[1]) and not torch.equal(first[0], first[2])
    weights = [next(training_runs.build("lenet", d, "fast", seed).parameters()) for d, seed in zip(data, (0, 0, 1))]
    assert torch.equal(weights[0], weights[1]) and not torch.equal(weights[0], weights[2])


def test_training_flops_count_the_forward_and_backward_passes():
    import torch

    from course_utils.summary import model_summary

    macs = model_summary(LeNet(), (1, 1, 28, 28)).total_macs
    flops = gpu_benchmark.flops_per_image("lenet", "book", torch.device("cpu"))
    # forward 2 FLOPs per multiply-add, backward twice that (input and weight gradients), except the
    # first layer's input gradient, which nothing needs
    assert 4 * macs < flops <= 6 * macs


def test_the_cards_bf16_peak_is_looked_up_by_name():
    assert gpu_benchmark.peak_tflops("NVIDIA H200") == 989.4
    assert gpu_benchmark.peak_tflops("NVIDIA H100 PCIe") == 756.0
    assert gpu_benchmark.peak_tflops("NVIDIA H100 80GB HBM3") == 989.4
    assert gpu_benchmark.peak_tflops("AMD EPYC, 2 cores") is None


def test_the_gpu_summary_checks_both_targets():
    course = {"model": "ResNet18", "key": "resnet18", "epochs": 10, "resize": 96, "val_acc": 0.91,
              "epoch_s": 2.0, "wall_s": 20.0, "train_images": 60_000, "images_per_s": 40_000.0,
              "achieved_tflops": 80.0, "fraction_of_peak": 0.08, "compiled": True, "compile_s": 41.0}
    book = {"model": "BookResNet18", "key": "resnet18", "epochs": 2, "resize": 96, "val_acc": 0.8,
            "epoch_s": 20.0, "images_per_s": 3_000.0}
    report = {"device": "NVIDIA H200", "torch": "2.x", "date": "2026-12-02", "quick": False,
              "book_settings": [course], "book_pipeline": [book], "one_epoch": [], "compile": [],
              "readbacks": [], "pipelines": [], "skipped": ["one_epoch: vgg (time budget)"]}
    text = gpu_benchmark.summary(report)
    assert "| ResNet18 | 10 | 96 | 0.910 | 2.0 | 40,000 | 80 | 8.0% | yes, 41 s |" in text
    assert "ResNet18: the course's run, 30,000 images/s of wall time, is 10.0x the book's pipeline " \
           "(target: at least 10x)" in text
    assert "ResNet18 after 10 epochs: val_acc 0.910 (target: at least 0.90)" in text
    assert "skipped: one_epoch: vgg (time budget)" in text


def test_the_book_pipeline_says_how_to_install_d2l_when_it_is_missing(monkeypatch):
    import torch

    monkeypatch.setitem(sys.modules, "d2l", None)  # import d2l raises ImportError
    assert book_pipeline.import_d2l() is None
    with pytest.raises(RuntimeError, match=r"d2l is not installed: pip install --no-deps d2l==1\.0\.3"):
        book_pipeline.fit_book("lenet", 1, torch.device("cpu"), Path("."))


@pytest.mark.slow
def test_the_book_pipeline_trains_with_d2l_itself(tmp_path):
    import struct

    import torch

    from course_utils.data_sources import load_sample

    if book_pipeline.import_d2l() is None:
        pytest.skip("d2l is not installed (the README's test command installs it)")
    raw = tmp_path / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for train, prefix in ((True, "train"), (False, "t10k")):
        images, labels = load_sample(train)
        (raw / f"{prefix}-images-idx3-ubyte").write_bytes(struct.pack(">IIII", 2051, *images.shape)
                                                          + images.numpy().tobytes())
        (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(struct.pack(">II", 2049, len(labels))
                                                          + labels.to(torch.uint8).numpy().tobytes())
    row = book_pipeline.fit_book("lenet", 1, torch.device("cpu"), tmp_path, num_train=256)
    assert row["pipeline"].startswith("d2l.FashionMNIST + d2l.Trainer") and row["num_train"] == 256
    assert row["images_per_s"] > 0 and 0.0 <= row["val_acc"] <= 1.0


@pytest.mark.slow
def test_the_trainer_benchmark_smoke_run(capsys):
    assert bench_trainer.main(["--quick", "--threads", "1"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^\| LeNet \(cpu\) \| 28x28 \| [\d.]+ ms \| [\d.]+ ms \| [\d.]+x \| \d+ s \|", out, flags=re.M), out
    assert re.search(r"^ratio: [\d.]+x$", out, flags=re.M), out
