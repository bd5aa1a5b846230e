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
import gpu_benchmark  # noqa: E402
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

    def train(key, epochs, device, data_folder, size):  # gpu_benchmark.train's row, without the training
        assert (key, size, str(device)) == ("lenet", "fast", "cpu")
        return {"model": "LeNet", "key": key, "epochs": epochs, "resize": 28, "val_acc": 0.5, "wall_s": 2.0,
                "images_per_s": 1000.0}

    monkeypatch.setattr(train_sizes, "train", train)
    assert train_sizes.main(["--size", "fast", "--models", "lenet", "--data", str(tmp_path), "--device", "cpu"]) == 0
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
