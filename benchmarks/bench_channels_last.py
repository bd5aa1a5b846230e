"""Does ``channels_last`` speed up training on this CPU? Each model at its cpu-size settings.

The Trainer switches to ``channels_last`` (and bf16 autocast) on CUDA only. This script
measures, side by side, one training step (forward, loss, backward, SGD step) of every
course model at the image size, width and batch size that ``training_setup(..., "cpu")``
gives, in the default memory format and in ``channels_last``; the two variants run in
turns, so a change in machine load hits both alike. Prints medians and the speed-up.

    python benchmarks/bench_channels_last.py               # all models (a few minutes)
    python benchmarks/bench_channels_last.py --quick       # two small models, a smoke run
    python benchmarks/bench_channels_last.py --models resnet18 nin
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from datetime import datetime, timezone

import torch

from course_utils.device import machine_description
from course_utils.models import get_model
from course_utils.models import Classifier, init_cnn
from course_utils.profiling import training_step
from course_utils.sizes import MODEL_SETTINGS, training_setup


def step_seconds(model: Classifier, optimizer: torch.optim.Optimizer, X: torch.Tensor,
                 y: torch.Tensor) -> float:
    start = time.perf_counter()
    training_step(model, optimizer, X, y).item()
    return time.perf_counter() - start


def compare(name: str, rounds: int) -> tuple[str, int, float, float]:
    """(model, image size, default seconds, channels_last seconds): medians over ``rounds`` turns."""
    run = training_setup(name, "cpu", verbose=False)
    torch.manual_seed(0)
    X = torch.rand(run.batch_size, 1, *run.resize)
    y = torch.randint(0, 10, (run.batch_size,))
    default = get_model(name, lr=run.lr, **run.model_kwargs)
    default.apply_init([X], init_cnn)
    last = copy.deepcopy(default).to(memory_format=torch.channels_last)
    variants = {
        "default": (default, default.configure_optimizers(), X),
        "channels_last": (last, last.configure_optimizers(), X.contiguous(memory_format=torch.channels_last)),
    }
    times: dict[str, list[float]] = {key: [] for key in variants}
    for turn in range(rounds + 2):  # two warm-up turns
        for key, (model, optimizer, batch) in variants.items():
            seconds = step_seconds(model, optimizer, batch, y)
            if turn >= 2:
                times[key].append(seconds)
    return run.model_name, run.resize[0], statistics.median(times["default"]), statistics.median(times["channels_last"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="+", choices=list(MODEL_SETTINGS), help="default: every model")
    parser.add_argument("--rounds", type=int, default=None, help="timed turns per variant (default 15; quick 3)")
    parser.add_argument("--quick", action="store_true", help="LeNet and BNLeNet, 3 turns")
    args = parser.parse_args(argv)
    names = args.models or (["lenet", "bnlenet"] if args.quick else list(MODEL_SETTINGS))
    rounds = args.rounds or (3 if args.quick else 15)
    print(f"{machine_description()}, torch {torch.__version__} ({torch.get_num_threads()} threads), "
          f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; one training step, medians of {rounds}\n")
    print("| model (cpu size) | image | default | channels_last | speed-up |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in names:
        model, size, default, last = compare(name, rounds)
        print(f"| {model} | {size}x{size} | {default * 1e3:.1f} ms | {last * 1e3:.1f} ms | {default / last:.2f}x |",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
