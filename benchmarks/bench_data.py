"""Speed of the course's Fashion-MNIST pipeline against the book's, on this machine's CPU.

    python benchmarks/bench_data.py --quick          # a smoke run, about a minute
    python benchmarks/bench_data.py                  # the full run (a quiet machine, ~10 min)
    python benchmarks/bench_data.py --skip-lenet-full --out results.md

Two pipelines, the same training loop and the same LeNet (D2L 7.6):

* **this pipeline**: ``course_utils.data.FashionMNIST``: each split is one uint8 tensor;
  batches are cut by indexing and converted/resized as a whole.
* **the book's pipeline**: what ``d2l.FashionMNIST`` (d2l 1.0.3) builds, rebuilt here with
  torchvision because d2l fixes its root to ``../data`` (relative to the working directory)
  and asks for a download: ``torchvision.datasets.FashionMNIST(root, download=False,
  transform=Compose([Resize(resize), ToTensor()]))`` and
  ``DataLoader(batch_size, shuffle=train, num_workers=4)``: one PIL image at a time.

Measurements (medians over ``--repeats`` rounds, the pipelines taking turns within each round;
images per second, higher is better):

(a) LeNet training at 28x28, batch 128: data + forward + backward + SGD step. Each run
    creates its loader iterator inside the timed part (the book's DataLoader starts its
    worker processes at every epoch). Full run: one epoch (469 steps); quick: 60 steps.
    The same loop on batches already in memory (made before the clock starts) gives the
    ceiling: the images/s of LeNet's own compute, which no data pipeline can exceed.
(b) only producing batches at 224x224, batch 128 (what AlexNet, VGG and NiN eat).
    Full run: one epoch; quick: 25 batches.
(c) LeNet at the book's settings (10 epochs, lr 0.1, batch 128, init_cnn) with the course's
    Trainer on the full data: final validation (test-set) accuracy and wall time.
    ``--skip-lenet-full`` leaves it out; ``--quick`` always does.

The data: ``--data FOLDER`` (the four IDX files, .gz or not) or ``$FASHION_MNIST_ROOT``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import struct
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import torch

from course_utils.data import FashionMNIST
from course_utils.device import machine_description
from course_utils.data_sources import SPLIT_FILES, load_fashion_mnist
from course_utils.models import LeNet, init_cnn
from course_utils.profiling import training_step

Loader = Iterable[tuple[torch.Tensor, torch.Tensor]]


def torchvision_root(data: str | os.PathLike[str], scratch: Path) -> Path:
    """A root that ``torchvision.datasets.FashionMNIST(root, download=False)`` reads.

    torchvision wants ``root/FashionMNIST/raw/`` with the decompressed files; when ``data`` is
    not laid out so, the verified contents are written to ``scratch``.
    """
    folder = Path(data)
    for root in (folder.parent.parent, folder):
        raw = root / "FashionMNIST" / "raw"
        if all((raw / name).is_file() for pair in SPLIT_FILES.values() for name in pair):
            return root
    raw = scratch / "FashionMNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for train, (image_name, label_name) in SPLIT_FILES.items():
        images, labels = load_fashion_mnist(train, folder, download=False)  # checked against SOURCE.md
        (raw / image_name).write_bytes(struct.pack(">IIII", 2051, *images.shape) + images.numpy().tobytes())
        (raw / label_name).write_bytes(struct.pack(">II", 2049, len(labels)) + labels.to(torch.uint8).numpy().tobytes())
    return scratch


def book_dataloader(root: Path, train: bool, batch_size: int, resize: int, num_workers: int = 4) -> Loader:
    """The book's loader (d2l 1.0.3 ``FashionMNIST.get_dataloader``), with ``download=False``."""
    import torchvision
    from torchvision import transforms

    transform = transforms.Compose([transforms.Resize((resize, resize)), transforms.ToTensor()])
    dataset = torchvision.datasets.FashionMNIST(root=str(root), train=train, transform=transform, download=False)
    return torch.utils.data.DataLoader(dataset, batch_size, shuffle=train, num_workers=num_workers)


def _endless(make_loader: Callable[[], Loader]) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    while True:
        yield from make_loader()


def time_training(make_loader: Callable[[], Loader], steps: int) -> float:
    """Images/s of ``steps`` LeNet training steps (loader start included, model set-up not)."""
    torch.manual_seed(0)
    model = LeNet(lr=0.1)
    X, _ = next(iter(make_loader()))
    model.apply_init([X], init_cnn)
    optimizer = model.configure_optimizers()
    seen = 0
    start = time.perf_counter()
    batches = _endless(make_loader)
    for _ in range(steps):
        X, y = next(batches)
        loss = training_step(model, optimizer, X, y)
        seen += len(y)
    loss.item()
    return seen / (time.perf_counter() - start)


def time_compute_only(make_loader: Callable[[], Loader], steps: int) -> float:
    """Images/s of ``steps`` LeNet training steps on batches made before the clock starts."""
    batches = []
    for X, y in _endless(make_loader):
        batches.append((X, y))
        if len(batches) == steps:
            break
    return time_training(lambda: batches, steps)


def time_batches(make_loader: Callable[[], Loader], count: int) -> float:
    """Images/s of producing ``count`` batches (loader start included)."""
    seen = 0
    start = time.perf_counter()
    batches = _endless(make_loader)
    for _ in range(count):
        X, y = next(batches)
        seen += len(y)
    return seen / (time.perf_counter() - start)


def side_by_side(repeats: int, **measures: Callable[[], float]) -> dict[str, float]:
    """Median of each measurement over ``repeats`` rounds; each round runs every measurement once,
    in turn, so that a change in the machine's speed during the run hits all of them alike."""
    values: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(repeats):
        for name, measure in measures.items():
            values[name].append(measure())
    return {name: statistics.median(v) for name, v in values.items()}


def lenet_at_book_settings(data_folder: str) -> tuple[float, float]:
    """(final validation accuracy, wall seconds) of the book's 7.6 cell with the course's Trainer."""
    from course_utils.trainer import Trainer

    start = time.perf_counter()
    data = FashionMNIST(batch_size=128, root=data_folder, download=False)
    model = LeNet(lr=0.1)
    model.apply_init([next(iter(data.get_dataloader(True)))[0]], init_cnn)
    history = Trainer(max_epochs=10, verbose=False).fit(model, data)
    return history[-1].val_acc, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=os.environ.get("FASHION_MNIST_ROOT"),
                        help="folder with the full IDX files (default: $FASHION_MNIST_ROOT)")
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--repeats", type=int, default=None, help="rounds per measurement (default 5; quick 1)")
    parser.add_argument("--skip-lenet-full", action="store_true", help="leave out (c)")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads of the main process (default: torch's, usually one per core); "
                             "1 gives steadier numbers on a machine shared with other jobs")
    parser.add_argument("--out", help="also write the Markdown table to this file")
    args = parser.parse_args(argv)
    if not args.data:
        parser.error("give --data FOLDER (or set FASHION_MNIST_ROOT)")
    if args.threads:
        torch.set_num_threads(args.threads)
    repeats = args.repeats or (1 if args.quick else 5)
    train_steps = 60 if args.quick else 469
    batch_count = 25 if args.quick else 469
    warnings.filterwarnings("ignore", message=".*worker processes in total.*")  # 4 workers on 2 cores: the book's

    ours = FashionMNIST(batch_size=128, root=args.data, download=False)
    ours224 = FashionMNIST(batch_size=128, resize=224, root=args.data, download=False)
    rows: list[tuple[str, float, float, str]] = []
    with tempfile.TemporaryDirectory() as scratch:
        root = torchvision_root(args.data, Path(scratch))
        print(f"(a) LeNet training at 28x28, {train_steps} steps x {repeats} ...", flush=True)
        a = side_by_side(
            repeats,
            ours=lambda: time_training(ours.train_dataloader, train_steps),
            book=lambda: time_training(lambda: book_dataloader(root, True, 128, 28), train_steps),
            ceiling=lambda: time_compute_only(ours.train_dataloader, train_steps),
        )
        a_ours, a_book, a_ceiling = a["ours"], a["book"], a["ceiling"]
        rows.append(("(a) LeNet training, 28x28, batch 128", a_ours, a_book, ">= 3x"))
        print(f"(b) batches at 224x224, {batch_count} batches x {repeats} ...", flush=True)
        b = side_by_side(
            repeats,
            ours=lambda: time_batches(ours224.train_dataloader, batch_count),
            book=lambda: time_batches(lambda: book_dataloader(root, True, 128, 224), batch_count),
        )
        b_ours, b_book = b["ours"], b["book"]
        rows.append(("(b) batches only, 224x224, batch 128", b_ours, b_book, ">= 10x"))

    lines = [
        f"Fashion-MNIST pipelines on {machine_description()}, "
        f"torch {torch.__version__} ({torch.get_num_threads()} threads), {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC"
        f"{', --quick' if args.quick else ''}; medians of {repeats}",
        "",
        "| measurement | this pipeline (img/s) | book's pipeline (img/s) | ratio | target |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    lines += [f"| {name} | {o:,.0f} | {b:,.0f} | {o / b:.1f}x | {target} |" for name, o, b, target in rows]
    lines += ["", f"(a) ceiling: the same LeNet steps on batches already in memory run at {a_ceiling:,.0f} images/s, "
                  f"so no pipeline can beat the book's by more than {a_ceiling / a_book:.1f}x here; this pipeline "
                  f"reaches {a_ours / a_ceiling:.0%} of the ceiling."]
    if not (args.skip_lenet_full or args.quick):
        print("(c) LeNet, 10 epochs at the book's settings ...", flush=True)
        accuracy, seconds = lenet_at_book_settings(args.data)
        lines += ["", f"(c) LeNet at the book's settings (10 epochs, lr 0.1, batch 128, init_cnn), full data, "
                      f"course Trainer on this CPU: test accuracy {accuracy:.3f}, wall time {seconds:.0f} s"]
    table = "\n".join(lines)
    print(table)
    if args.out:
        Path(args.out).write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
