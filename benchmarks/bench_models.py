"""How long one training step of each course model takes on this machine.

Times a full training step on random images -- forward pass, cross-entropy loss, backward
pass *and* the SGD update (``optimizer.zero_grad(); loss.backward(); optimizer.step()``), in
training mode -- for each model at the book's image size and at the smaller sizes and
narrower variants the course's CPU setting may use. Reports the median seconds per batch,
images per second and the projected time of one epoch of Fashion-MNIST (60,000 images;
data loading and evaluation not included), as a Markdown table.

    python benchmarks/bench_models.py --quick                  # smoke run: batch 16, 1 timed step
    python benchmarks/bench_models.py                          # batch 128, 1 warm-up + 3 timed steps
    python benchmarks/bench_models.py --models ResNet18 GoogleNet --sizes 64 32
    python benchmarks/bench_models.py --device cuda            # same table on a GPU

Book-size AlexNet and VGG steps take several seconds each on a 2-core laptop.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from course_utils.models import (
    VGG,
    VGG_ARCHS,
    AlexNet,
    BNLeNet,
    BNLeNetScratch,
    Classifier,
    GoogleNet,
    LeNet,
    NiN,
    ResNet18,
    init_cnn,
)
from course_utils.device import machine_description
from course_utils.formatting import duration
from course_utils.profiling import training_step
from course_utils.summary import model_summary

EPOCH_IMAGES = 60_000  # Fashion-MNIST's training set


@dataclass(frozen=True)
class Config:
    model: str  # the name --models selects
    variant: str  # "book" or the course extension used
    build: Callable[[], Classifier]
    sizes: tuple[int, ...]  # image sizes to time, the book's first


# VGG's small arch with half the channels and 512 hidden units.

CONFIGS = [
    Config("LeNet", "book", LeNet, (28,)),
    Config("BNLeNetScratch", "book", BNLeNetScratch, (28,)),
    Config("BNLeNet", "book", BNLeNet, (28,)),
    Config("AlexNet", "book", AlexNet, (224, 96, 67)),
    Config("AlexNet", "width=0.25", lambda: AlexNet(width=0.25), (96, 67)),
    Config("VGG", "small arch", lambda: VGG(VGG_ARCHS["small"]), (224, 96, 64)),
    Config("VGG", "small arch / 2, num_hiddens=512", lambda: VGG(VGG_ARCHS["eighth"], num_hiddens=512), (96, 64)),
    Config("NiN", "book", NiN, (224, 96, 67)),  # 67 is NiN's smallest input (64 is too small)
    Config("NiN", "width=0.25", lambda: NiN(width=0.25), (96, 67)),
    Config("GoogleNet", "book", GoogleNet, (96, 64, 32)),
    Config("GoogleNet", "width=0.25", lambda: GoogleNet(width=0.25), (96, 64, 32)),
    Config("ResNet18", "book", ResNet18, (96, 64, 32)),
    Config("ResNet18", "width=0.5", lambda: ResNet18(width=0.5), (96, 64, 32)),
    Config("ResNet18", "width=0.25", lambda: ResNet18(width=0.25), (96, 64, 32)),
]
MODEL_NAMES = sorted({c.model for c in CONFIGS})


@dataclass(frozen=True)
class Result:
    config: Config
    size: int
    batch_size: int
    params: int
    macs_per_image: int
    seconds: list[float]  # one per timed step

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def images_per_second(self) -> float:
        return self.batch_size / self.median


def machine_info(device: torch.device) -> list[str]:
    lines = [
        f"- Python {platform.python_version()}, PyTorch {torch.__version__}, {platform.platform()}",
        f"- CPU: {machine_description('cpu')}; torch uses {torch.get_num_threads()} threads",
    ]
    if device.type == "cuda":
        lines.append(f"- GPU: {machine_description(device)}")
    return lines


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_training_step(
    config: Config, size: int, batch_size: int, warmup: int, repeats: int, device: torch.device
) -> Result:
    """Median-ready timings of ``repeats`` training steps after ``warmup`` untimed ones."""
    torch.manual_seed(0)
    model = config.build().to(device)
    X = torch.randn(batch_size, 1, size, size, device=device)
    Y = torch.randint(0, model.num_classes, (batch_size,), device=device)
    model.apply_init([X[:2]], init_cnn)  # creates the lazy layers' parameters
    summary = model_summary(model, (1, 1, size, size))
    model.train()
    optimizer = model.configure_optimizers()

    def step() -> None:
        training_step(model, optimizer, X, Y)

    for _ in range(warmup):
        step()
    seconds = []
    for _ in range(repeats):
        _sync(device)
        start = time.perf_counter()
        step()
        _sync(device)
        seconds.append(time.perf_counter() - start)
    return Result(config, size, batch_size, summary.total_params, summary.total_macs, seconds)


def markdown_table(results: Sequence[Result], epoch_images: int) -> str:
    lines = [
        "| Model | Variant | Input | Params | MMACs/image | Batch | Median s/batch | Images/s "
        f"| Epoch ({epoch_images:,} images) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.config.model} | {r.config.variant} | {r.size}x{r.size} | {r.params:,} | "
            f"{r.macs_per_image / 1e6:,.1f} | {r.batch_size} | {r.median:.3f} | "
            f"{r.images_per_second:,.0f} | {duration(epoch_images / r.images_per_second)} |"
        )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: batch 16, one timed step, no warm-up")
    parser.add_argument("--models", nargs="+", metavar="NAME", help=f"only these models, from {MODEL_NAMES}")
    parser.add_argument(
        "--sizes", nargs="+", type=int, metavar="PIXELS", help="image sizes instead of each model's own"
    )
    parser.add_argument("--batch-size", type=int, help="images per step (default 128, --quick 16)")
    parser.add_argument(
        "--repeats", type=int, help="timed steps per row, the median is reported (default 3, --quick 1)"
    )
    parser.add_argument("--threads", type=int, help="torch.set_num_threads before timing")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.add_argument("--epoch-images", type=int, default=EPOCH_IMAGES, help="images per epoch for the projection")
    args = parser.parse_args(argv)
    if args.models:
        unknown = [m for m in args.models if m not in MODEL_NAMES]
        if unknown:
            parser.error(f"unknown model(s) {unknown}: choose from {MODEL_NAMES}")
    for name in ("batch_size", "repeats", "threads", "epoch_images"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {value}")
    if args.sizes and min(args.sizes) < 1:
        parser.error(f"--sizes must be positive, got {args.sizes}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    batch_size = args.batch_size or (16 if args.quick else 128)
    repeats = args.repeats or (1 if args.quick else 3)
    warmup = 0 if args.quick else 1
    configs = [c for c in CONFIGS if not args.models or c.model in args.models]

    print("## Training-step benchmark of the course models\n")
    print("\n".join(machine_info(device)))
    print(
        f"- One step = forward + loss + backward + SGD update, training mode, random images, "
        f"batch {batch_size}; median of {repeats} timed step(s) after {warmup} warm-up step(s)"
        + (" (--quick: a smoke run, not a measurement)" if args.quick else "")
        + "\n",
        flush=True,
    )
    results = []
    skipped = []
    for config in configs:
        for size in args.sizes or config.sizes:
            min_size = getattr(config.build(), "min_input_size", 1)
            if size < min_size:
                skipped.append(
                    f"{config.model} ({config.variant}) at {size}x{size}: smallest input is {min_size}x{min_size}"
                )
                continue
            result = time_training_step(config, size, batch_size, warmup, repeats, device)
            results.append(result)
            progress = f"  {config.model} ({config.variant}) {size}x{size}: {result.median:.3f} s/batch"
            print(progress, file=sys.stderr, flush=True)
    print(markdown_table(results, args.epoch_images))
    if skipped:
        print("\nSkipped (input smaller than the model accepts):")
        print("\n".join(f"- {line}" for line in skipped))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
