"""The course's training on one GPU: the book's settings, every chapter-8 model, both pipelines.

    python benchmarks/gpu_benchmark.py [--out OUT] [--data data/FashionMNIST/raw]
    python benchmarks/gpu_benchmark.py --device cpu --quick --out /tmp/bench   # smoke run

Made to finish in about 5 minutes on one H100 with no network. It needs torch, torchvision,
tqdm and matplotlib only. The data comes from ``--data`` or ``$FASHION_MNIST_ROOT`` or the
repository's git-ignored ``data/FashionMNIST/raw`` (the four ``.gz`` files are enough).

What it runs, in this order (``--budget-s`` skips what would start after the budget):

1. LeNet (D2L 7.6) at the book's settings: 10 epochs, batch 128, lr 0.1, 28x28, init_cnn;
2. ResNet-18 (D2L 8.6) at the book's settings: 10 epochs, batch 128, lr 0.01, 96x96;
3. one epoch of each other chapter-8 model at the book's settings (AlexNet, VGG, NiN,
   GoogLeNet, BNLeNetScratch, BNLeNet);
4. the course's pipeline against the book's (torchvision + PIL + ``DataLoader(num_workers=4)``)
   feeding the same training loop (bf16 autocast, channels_last on CUDA), in images/s.

All runs use the course's ``Trainer`` (bf16 autocast and channels_last on CUDA). It writes
``OUT/gpu_benchmark.json`` (accuracy, images/s, wall time per run; the machine as
``course_utils.device.machine_description`` names it, torch version, date) and prints a
Markdown table. ``OUT`` is by default the package's results folder (``course_utils/results/``,
``course_utils.comparison.results_dir()``), where the 8.7 comparison reads the book-size runs.
``--quick``: the course's ``fast`` settings (small images and widths), 256 sample images for
1-3, 3 steps per pipeline: a check that everything runs, not a measurement, so it needs an
explicit ``--out`` (it must not replace a measurement).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_data, beside this file
from bench_data import book_dataloader, torchvision_root  # noqa: E402

from course_utils import models  # noqa: E402
from course_utils.comparison import results_dir  # noqa: E402
from course_utils.data import FashionMNIST  # noqa: E402
from course_utils.device import machine_description, select_device  # noqa: E402
from course_utils.files import write_atomic  # noqa: E402
from course_utils.profiling import training_step  # noqa: E402
from course_utils.sizes import MODEL_SETTINGS, SizeName, training_setup  # noqa: E402
from course_utils.trainer import Trainer  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CHAPTER_8 = ["alexnet", "vgg", "nin", "googlenet", "bnlenet_scratch", "bnlenet"]
PIPELINE_MODELS = ["lenet", "resnet18", "alexnet"]  # 28x28, 96x96 and 224x224 images


def build(key: str, data: FashionMNIST, size: SizeName) -> models.Classifier:
    """The model of the book's cell, initialised with init_cnn on two images of the first batch."""
    run = training_setup(key, size, verbose=False)
    torch.manual_seed(0)
    model = models.get_model(key, lr=run.lr, **run.model_kwargs)
    model.apply_init([next(iter(data.get_dataloader(True)))[0][:2]], models.init_cnn)
    return model


def train(key: str, epochs: int, device: torch.device, data_folder: str, size: SizeName) -> dict[str, Any]:
    """Fit one model at the settings of ``size``; what it reached and how fast."""
    run = training_setup(key, size, verbose=False)
    source = {"source": "sample", "num_train": 256} if size == "fast" else {"root": data_folder, "download": False}
    data = FashionMNIST(batch_size=run.batch_size, resize=run.resize, **source)  # type: ignore[arg-type]
    model = build(key, data, size)
    start = time.perf_counter()
    history = Trainer(max_epochs=epochs, device=device, verbose=False).fit(model, data)
    wall = time.perf_counter() - start
    return {
        "model": MODEL_SETTINGS[key].name, "key": key, "epochs": epochs, "batch_size": run.batch_size,
        "resize": run.resize[0], "lr": run.lr, "model_kwargs": {k: repr(v) for k, v in run.model_kwargs.items()},
        "val_acc": history[-1].val_acc, "val_loss": history[-1].val_loss, "train_loss": history[-1].train_loss,
        "images_per_s": sum(m.images_per_s for m in history) / len(history), "wall_s": wall,
        "status": history.status, "history": history.as_dicts(),
    }


def time_steps(key: str, batches: Iterable[tuple[torch.Tensor, torch.Tensor]], steps: int,
               device: torch.device, data: FashionMNIST, size: SizeName) -> float:
    """Images/s of ``steps`` training steps fed by ``batches`` (the loop of the course's Trainer)."""
    model = build(key, data, size).to(device)
    fast = device.type == "cuda"
    if fast:
        model = model.to(memory_format=torch.channels_last)
    optimizer = model.configure_optimizers()
    seen, start = 0, time.perf_counter()
    iterator = iter(batches)
    for _ in range(steps):
        X, y = next(iterator)
        X, y = X.to(device, non_blocking=True), y.to(device, non_blocking=True)
        if fast:
            X = X.contiguous(memory_format=torch.channels_last)
        training_step(model, optimizer, X, y, autocast_dtype=torch.bfloat16 if fast else None).item()
        seen += len(y)
    return seen / (time.perf_counter() - start)


def compare_pipelines(key: str, device: torch.device, data_folder: str, tv_root: Path, steps: int,
                      size: SizeName) -> dict[str, Any]:
    run = training_setup(key, size, verbose=False)
    data = FashionMNIST(batch_size=run.batch_size, resize=run.resize, root=data_folder, download=False)
    ours = time_steps(key, data.train_dataloader().to(device), steps, device, data, size)
    book = time_steps(key, book_dataloader(tv_root, True, run.batch_size, run.resize[0]), steps, device, data, size)
    return {"model": MODEL_SETTINGS[key].name, "resize": run.resize[0], "steps": steps,
            "ours_images_per_s": ours, "book_images_per_s": book, "ratio": ours / book}


def find_data(given: str | None) -> str:
    for candidate in (given, os.environ.get("FASHION_MNIST_ROOT"), REPO / "data" / "FashionMNIST" / "raw"):
        if candidate and Path(candidate).is_dir():
            return str(candidate)
    raise SystemExit("no data: give --data FOLDER (the four IDX files), set FASHION_MNIST_ROOT, "
                     "or put the files in data/FashionMNIST/raw")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", help="folder for gpu_benchmark.json (default: course_utils/results/; "
                                      "required with --quick)")
    parser.add_argument("--data", help="folder with the full IDX files")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: the fast size's settings, 256 sample images, 1 epoch, 3 steps")
    parser.add_argument("--budget-s", type=float, default=330.0, help="start nothing new after this many seconds")
    args = parser.parse_args(argv)
    if args.quick and args.out is None:
        parser.error("--quick is a smoke run, not a measurement: give --out FOLDER (e.g. --out /tmp/bench), "
                     "so that it does not replace the committed gpu_benchmark.json")
    try:
        device = select_device(0, args.device)[0]  # a device this machine has
    except (TypeError, ValueError) as error:
        parser.error(f"--device {args.device}: {error}")
    warnings.filterwarnings("ignore", message=".*worker processes in total.*")
    size: SizeName = "fast" if args.quick else "book"
    data_folder = find_data(args.data)
    out = Path(args.out) if args.out is not None else results_dir()
    out.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    report: dict[str, Any] = {
        "device": machine_description(device),
        "torch": torch.__version__, "cuda": torch.version.cuda,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "quick": args.quick, "settings": size,
        "book_settings": [], "one_epoch": [], "pipelines": [], "skipped": [],
    }

    def save() -> None:
        report["total_s"] = time.perf_counter() - began
        write_atomic(out / "gpu_benchmark.json", (json.dumps(report, indent=1) + "\n").encode("utf-8"))

    plan: list[tuple[str, str, Any]] = [("book_settings", key, 1 if args.quick else 10) for key in ("lenet", "resnet18")]
    plan += [("one_epoch", key, 1) for key in CHAPTER_8]
    plan += [("pipelines", key, 3 if args.quick else 150) for key in PIPELINE_MODELS]
    with tempfile.TemporaryDirectory() as scratch:
        tv_root: Path | None = None
        for section, key, amount in plan:
            if time.perf_counter() - began > args.budget_s:
                report["skipped"].append(f"{section}: {key}")
                continue
            print(f"[{time.perf_counter() - began:6.1f} s] {section}: {key} ...", flush=True)
            if section == "pipelines":
                tv_root = tv_root or torchvision_root(data_folder, Path(scratch))
                result = compare_pipelines(key, device, data_folder, tv_root, amount, size)
            else:
                result = train(key, amount, device, data_folder, size)
            report[section].append(result)
            save()
    save()

    print(f"\n{report['device']}, torch {report['torch']}, {report['date']}"
          f"{' (--quick: not a measurement)' if args.quick else ''}\n")
    print("| run | epochs | image | val_acc | images/s | wall s |\n| --- | ---: | ---: | ---: | ---: | ---: |")
    for row in report["book_settings"] + report["one_epoch"]:
        print(f"| {row['model']} | {row['epochs']} | {row['resize']} | {row['val_acc']:.3f} | "
              f"{row['images_per_s']:,.0f} | {row['wall_s']:.1f} |")
    print("\n| pipeline test | image | this pipeline img/s | book's img/s | ratio |\n| --- | ---: | ---: | ---: | ---: |")
    for row in report["pipelines"]:
        print(f"| {row['model']} | {row['resize']} | {row['ours_images_per_s']:,.0f} | "
              f"{row['book_images_per_s']:,.0f} | {row['ratio']:.1f}x |")
    if report["skipped"]:
        print(f"\nskipped (time budget): {', '.join(report['skipped'])}")
    print(f"\nwrote {out / 'gpu_benchmark.json'} in {report['total_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
