"""Time to accuracy: train each course model at one size on the full data, with several seeds.

    python benchmarks/train_sizes.py --size cpu                    # every model, seeds 0 1 2
    python benchmarks/train_sizes.py --size cpu --models resnet18 vgg --seeds 0

Each run is the notebooks' training cell (``training_setup`` + ``FashionMNIST`` + the model +
``init_cnn`` + ``Trainer``, with its default ``compile="auto"``) at the settings of ``--size``,
for that size's number of epochs; the seed draws the initial weights, the dropout masks and
the order of the images (``benchmarks/training_runs.py``). Per model it records the mean and
standard deviation of the final validation accuracy over the seeds, the mean and longest wall
time, images/s, and every run with its history.

The rows are merged into a JSON file, one row per (model, size, device): by default
``training-<size>.json`` in the package's results folder (``course_utils/results/``,
``course_utils.comparison.results_dir()``), which the 8.7 comparison and the README's table
read; it lives in the package so that an installed course (Colab) has it too. The device is
``course_utils.device.machine_description``'s name for the machine (the GPU's name, or the
CPU's model and cores). The table it prints names the machine once, above it.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from training_runs import find_data, summarise, train  # noqa: E402

from course_utils.comparison import results_dir  # noqa: E402
from course_utils.device import machine_description, select_device  # noqa: E402
from course_utils.files import write_atomic  # noqa: E402
from course_utils.formatting import duration  # noqa: E402
from course_utils.sizes import MODEL_SETTINGS, SIZES, training_setup  # noqa: E402

DEFAULT_MODELS = ["lenet", "alexnet", "vgg", "nin", "googlenet", "bnlenet_scratch", "bnlenet", "resnet18"]


def table(rows: list[dict], device: str) -> str:
    """The Markdown table of ``rows`` measured on ``device`` (named once, above the table)."""
    lines = [f"{device}, torch {torch.__version__} ({torch.get_num_threads()} threads)", "",
             "| model | epochs | image | val_acc (mean ± std) | seeds | wall (mean, longest) | images/s |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        if r["device"] != device:
            continue
        std = r.get("val_acc_std")
        acc = f"{r['val_acc']:.3f} ± {std:.3f}" if std is not None else f"{r['val_acc']:.3f}"
        longest = r.get("wall_s_max", r["wall_s"])
        lines.append(f"| {r['model']} | {r['epochs']} | {r['resize']}x{r['resize']} | {acc} | "
                     f"{len(r.get('seeds', [0]))} | {duration(r['wall_s'])}, {duration(longest)} | "
                     f"{r['images_per_s']:,.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=SIZES, default="cpu")
    parser.add_argument("--models", nargs="+", default=DEFAULT_MODELS, choices=sorted(MODEL_SETTINGS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--data", help="folder with the full IDX files (default: $FASHION_MNIST_ROOT)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--out", help="JSON file to merge the results into "
                                      "(default: training-<size>.json in course_utils/results/)")
    args = parser.parse_args(argv)
    try:
        device = select_device(0, args.device)[0]  # a device this machine has
    except (TypeError, ValueError) as error:
        parser.error(f"--device {args.device}: {error}")
    if any(seed < 0 for seed in args.seeds) or len(set(args.seeds)) != len(args.seeds):
        parser.error(f"--seeds must be different numbers >= 0, got {args.seeds}")
    data_folder = find_data(args.data)
    out = Path(args.out) if args.out else results_dir() / f"training-{args.size}.json"
    rows = json.loads(out.read_text(encoding="utf-8")) if out.exists() else []
    machine = machine_description(device)
    for key in args.models:
        run = training_setup(key, args.size, verbose=False)
        runs = []
        for seed in args.seeds:
            result = train(key, run.max_epochs, device, data_folder, args.size, seed=seed)
            runs.append(result)
            print(f"{result['model']} seed {seed}: val_acc {result['val_acc']:.3f} after {result['epochs']} "
                  f"epochs, {duration(result['wall_s'])}, {result['images_per_s']:,.0f} images/s", flush=True)
        row = summarise(runs)
        row.update(size=args.size, device=machine, torch=torch.__version__, threads=torch.get_num_threads(),
                   date=datetime.now(timezone.utc).isoformat(timespec="seconds"), changes=run.changes)
        rows = [r for r in rows if (r["key"], r["size"], r["device"]) != (key, args.size, machine)]
        rows.append(row)
        write_atomic(out, (json.dumps(rows, indent=1) + "\n").encode("utf-8"))
    print("\n" + table(rows, machine))
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
