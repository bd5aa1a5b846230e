"""The benchmark scripts run (smoke runs; their numbers are never asserted: a test never fails
because a machine is slow) and measure side by side."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_data  # noqa: E402


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


def test_compute_only_times_prepared_batches():
    import torch

    made = []

    def loader():
        for i in range(4):
            made.append(i)
            yield torch.rand(8, 1, 28, 28), torch.randint(0, 10, (8,))

    assert bench_data.time_compute_only(loader, 3) > 0
    assert made[:3] == [0, 1, 2]


@pytest.mark.slow
def test_channels_last_benchmark_smoke_run():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_channels_last.py"), "--quick"],
                         capture_output=True, text=True, check=True, timeout=300).stdout
    rows = re.findall(r"^\| (\w+) \| (\d+)x\2 \| [\d.]+ ms \| [\d.]+ ms \| [\d.]+x \|$", out, flags=re.M)
    assert [name for name, _ in rows] == ["LeNet", "BNLeNet"], out
