"""The course's training on one GPU at the book's settings, beside the book's own pipeline.

    python benchmarks/gpu_benchmark.py [--out OUT] [--data data/FashionMNIST/raw]
    python benchmarks/gpu_benchmark.py --device cpu --quick --out /tmp/bench   # smoke run

Made to finish in about 5 minutes on one H100 or H200 with no network. It needs torch,
torchvision, tqdm and matplotlib, and for the book's pipeline ``d2l`` (``pip install --no-deps
d2l==1.0.3``; see ``book_pipeline.py``: without it that part is skipped and says so). The data
comes from ``--data`` or ``$FASHION_MNIST_ROOT`` or the repository's git-ignored
``data/FashionMNIST/raw`` (the four ``.gz`` files are enough).

What it runs, in this order (``--budget-s`` skips what would start after the budget):

1. ``book_settings``: LeNet (D2L 7.6: 10 epochs, batch 128, lr 0.1, 28x28, init_cnn) and
   ResNet-18 (D2L 8.6: 10 epochs, batch 128, lr 0.01, 96x96) with the course's ``Trainer``
   as a notebook runs it (bf16 autocast and channels_last on CUDA, ``compile="auto"``);
2. ``book_pipeline``: the same two with the book's own ``d2l.FashionMNIST`` + ``d2l.Trainer``
   (``--book-epochs``, default 2: its speed per epoch, and its accuracy after those epochs);
3. ``one_epoch``: one epoch of each other chapter-8 model at the book's settings;
4. ``compile``: LeNet's and ResNet-18's training step eagerly and compiled, side by side
   (``bench_trainer.compare_compile``);
5. ``readbacks``: one LeNet epoch as the Trainer runs it, and with the loss read back after
   every batch (``bench_trainer.compare_readbacks``): what a read-back per batch costs a GPU;
6. ``pipelines``: the course's data pipeline against the book's feeding the same loop.

Every course run reports its epoch time, images/s, final accuracy and its achieved TFLOP/s:
the FLOPs of one training step (forward and backward, counted by
``torch.utils.flop_counter.FlopCounterMode``) times the steps per second, against the card's
dense bf16 peak where the card is known (:data:`PEAK_BF16_TFLOPS`). It writes
``OUT/gpu_benchmark.json`` (every row, the machine as
``course_utils.device.machine_description`` names it, torch version, date) and prints Markdown
tables and the two targets: ResNet-18's images/s at least 10x the book pipeline's, and at least
0.90 accuracy after 10 epochs. ``OUT`` is by default the package's results folder
(``course_utils/results/``, ``course_utils.comparison.results_dir()``), where the 8.7
comparison reads the book-size runs. ``--quick``: the course's ``fast`` settings, 256 images,
one epoch, a few steps: a check that everything runs, not a measurement, so it needs an
explicit ``--out`` (it must not replace a measurement).
"""

from __future__ import annotations

import argparse
import json
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
from bench_trainer import compare_compile, compare_readbacks, compile_table  # noqa: E402
from book_pipeline import fit_book, import_d2l  # noqa: E402
from training_runs import build, find_data, load, train  # noqa: E402

from course_utils import models  # noqa: E402
from course_utils.comparison import results_dir  # noqa: E402
from course_utils.data import FashionMNIST  # noqa: E402
from course_utils.device import machine_description, select_device  # noqa: E402
from course_utils.files import write_atomic  # noqa: E402
from course_utils.formatting import markdown_table, plural  # noqa: E402
from course_utils.profiling import training_step  # noqa: E402
from course_utils.sizes import MODEL_SETTINGS, SizeName, training_setup  # noqa: E402

CHAPTER_8 = ["alexnet", "vgg", "nin", "googlenet", "bnlenet_scratch", "bnlenet"]
PIPELINE_MODELS = ["lenet", "resnet18", "alexnet"]  # 28x28, 96x96 and 224x224 images


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


PEAK_BF16_TFLOPS = {  # dense bf16 tensor-core peak per card (no sparsity), from the makers' data sheets
    "H200": 989.4, "H100 PCIe": 756.0, "H100": 989.4, "A100": 312.0, "L40S": 362.1, "L4": 121.0,
}


def peak_tflops(device_name: str) -> float | None:
    """The card's dense bf16 peak in TFLOP/s, or None for a card not in the table (or a CPU)."""
    for card, peak in PEAK_BF16_TFLOPS.items():  # "H100 PCIe" before "H100"
        if card in device_name:
            return peak
    return None


def flops_per_image(key: str, size: SizeName, device: torch.device) -> float:
    """FLOPs of one training step (forward + backward) per image, counted on a batch of two."""
    from torch.utils.flop_counter import FlopCounterMode

    run = training_setup(key, size, verbose=False)
    torch.manual_seed(0)
    X = torch.rand(2, 1, *run.resize, device=device)
    model = models.get_model(key, lr=run.lr, **run.model_kwargs)
    model.apply_init([X.cpu()], models.init_cnn)
    model.to(device).train()
    counter = FlopCounterMode(display=False)
    with counter:
        model.loss(model(X), torch.zeros(2, dtype=torch.int64, device=device)).backward()
    return counter.get_total_flops() / 2


def add_flops(row: dict[str, Any], key: str, size: SizeName, device: torch.device, peak: float | None) -> None:
    row["train_flops_per_image"] = flops_per_image(key, size, device)
    row["achieved_tflops"] = row["train_flops_per_image"] * row["images_per_s"] / 1e12
    row["peak_bf16_tflops"] = peak
    row["fraction_of_peak"] = None if peak is None else row["achieved_tflops"] / peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", help="folder for gpu_benchmark.json (default: course_utils/results/; "
                                      "required with --quick)")
    parser.add_argument("--data", help="folder with the full IDX files")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: the fast size's settings, 256 sample images, 1 epoch, a few steps")
    parser.add_argument("--book-epochs", type=int, default=2, help="epochs of the book's pipeline (default 2)")
    parser.add_argument("--budget-s", type=float, default=420.0, help="start nothing new after this many seconds")
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
    machine = machine_description(device)
    peak = peak_tflops(machine) if device.type == "cuda" else None
    report: dict[str, Any] = {
        "device": machine, "torch": torch.__version__, "cuda": torch.version.cuda,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "quick": args.quick, "settings": size,
        "peak_bf16_tflops": peak, "book_settings": [], "book_pipeline": [], "one_epoch": [], "compile": [],
        "readbacks": [], "pipelines": [], "skipped": [],
    }

    def save() -> None:
        report["total_s"] = time.perf_counter() - began
        write_atomic(out / "gpu_benchmark.json", (json.dumps(report, indent=1) + "\n").encode("utf-8"))

    epochs = 1 if args.quick else 10
    book_epochs = 1 if args.quick else args.book_epochs
    plan: list[tuple[str, str]] = [("book_settings", key) for key in ("lenet", "resnet18")]
    plan += [("book_pipeline", key) for key in ("lenet", "resnet18")]
    plan += [("one_epoch", key) for key in CHAPTER_8]
    plan += [("compile", key) for key in ("lenet", "resnet18")] + [("readbacks", "lenet")]
    plan += [("pipelines", key) for key in PIPELINE_MODELS]
    with tempfile.TemporaryDirectory() as scratch:
        tv_root: Path | None = None
        for section, key in plan:
            if time.perf_counter() - began > args.budget_s:
                report["skipped"].append(f"{section}: {key} (time budget)")
                continue
            print(f"[{time.perf_counter() - began:6.1f} s] {section}: {key} ...", flush=True)
            if section in ("book_pipeline", "pipelines"):
                tv_root = tv_root or torchvision_root(data_folder, Path(scratch))
            if section == "book_pipeline":
                if import_d2l() is None:
                    report["skipped"].append(f"{section}: {key} (d2l is not installed: "
                                             f"pip install --no-deps d2l==1.0.3)")
                    continue
                quick = {"num_train": 256, "resize": 32 if key == "resnet18" else None} if args.quick else {}
                result = fit_book(key, book_epochs, device, tv_root, **quick)  # type: ignore[arg-type]
            elif section == "pipelines":
                result = compare_pipelines(key, device, data_folder, tv_root, 3 if args.quick else 150, size)
            elif section == "compile":
                result = compare_compile(key, 2 if args.quick else 5, 2 if args.quick else 10, size, device)
            elif section == "readbacks":
                data = load(key, data_folder, size)
                result = compare_readbacks(2 if args.quick else 3, 1, device, data)
            else:
                result = train(key, epochs if section == "book_settings" else 1, device, data_folder, size)
                result["epoch_s"] = result["wall_s"] / result["epochs"]
                add_flops(result, key, size, device, peak)
            report[section].append(result)
            save()
    save()
    print(summary(report))
    print(f"\nwrote {out / 'gpu_benchmark.json'} in {report['total_s']:.0f} s")
    return 0


def summary(report: dict[str, Any]) -> str:
    """The report as Markdown tables, with the two targets checked."""
    lines = [f"{report['device']}, torch {report['torch']}, {report['date']}"
             f"{' (--quick: not a measurement)' if report['quick'] else ''}", ""]
    courses = [[row["model"], str(row["epochs"]), str(row["resize"]), f"{row['val_acc']:.3f}", f"{row['epoch_s']:.1f}",
                f"{row['images_per_s']:,.0f}", f"{row['achieved_tflops']:.3g}",
                "n/a" if row.get("fraction_of_peak") is None else f"{row['fraction_of_peak']:.1%}",
                f"yes, {row['compile_s']:.0f} s" if row.get("compiled") else "no"]
               for row in report["book_settings"] + report["one_epoch"]]
    lines.append(markdown_table(("run", "epochs", "image", "val_acc", "epoch (s)", "train images/s", "TFLOP/s",
                                 "of bf16 peak", "compiled"), courses, right=range(1, 8)))
    if report["book_pipeline"]:
        books = [[row["model"], str(row["epochs"]), str(row["resize"]), f"{row['val_acc']:.3f}",
                  f"{row['epoch_s']:.1f}", f"{row['images_per_s']:,.0f}"] for row in report["book_pipeline"]]
        lines += ["", markdown_table(("the book's pipeline", "epochs", "image", "val_acc", "epoch (s)",
                                      "images/s (wall)"), books, right=range(1, 6))]
    ours = {row["key"]: row for row in report["book_settings"]}
    for row in report["book_pipeline"]:
        if row["key"] in ours:
            mine = ours[row["key"]]
            wall_rate = mine["epochs"] * mine["train_images"] / mine["wall_s"]
            ratio = wall_rate / row["images_per_s"]
            target = " (target: at least 10x)" if row["key"] == "resnet18" else ""
            lines.append(f"\n{mine['model']}: the course's run, {wall_rate:,.0f} "
                         f"images/s of wall time, is {ratio:.1f}x the book's pipeline{target}")
    if "resnet18" in ours:
        lines.append(f"ResNet18 after {plural(ours['resnet18']['epochs'], 'epoch')}: val_acc {ours['resnet18']['val_acc']:.3f} "
                     f"(target: at least 0.90)")
    if report["compile"]:
        lines += ["", compile_table(report["compile"])]
    for row in report["readbacks"]:
        lines.append(f"\nLeNet, one epoch: {row['as_it_is']:,.0f} images/s as the Trainer runs, "
                     f"{row['every_batch']:,.0f} with a read-back after every batch ({row['ratio']:.2f}x)")
    if report["pipelines"]:
        pipes = [[row["model"], str(row["resize"]), f"{row['ours_images_per_s']:,.0f}",
                  f"{row['book_images_per_s']:,.0f}", f"{row['ratio']:.1f}x"] for row in report["pipelines"]]
        lines += ["", markdown_table(("pipeline test", "image", "this pipeline img/s", "book's img/s", "ratio"),
                                     pipes, right=range(1, 5))]
    if report["skipped"]:
        lines.append(f"\nskipped: {'; '.join(report['skipped'])}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
