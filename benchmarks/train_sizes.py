"""Train each course model at one size on the full data and record what it reached.

    python benchmarks/train_sizes.py --size cpu                    # every chapter-8 model, 7.6 too
    python benchmarks/train_sizes.py --size cpu --models resnet18 vgg

Each run is the notebooks' training cell (``training_setup`` + ``FashionMNIST`` + the model +
``init_cnn`` + ``Trainer``) at the settings of ``--size``, for that size's number of epochs.
The results (validation accuracy, wall time, images/s, device, date) are merged into a JSON
file, one row per (model, size, device): by default ``training-<size>.json`` in the package's
results folder (``course_utils/results/``, ``course_utils.comparison.results_dir()``), which
the 8.7 comparison reads. The device is ``course_utils.device.machine_description``'s name
for the machine (the GPU's name, or the CPU's model and cores).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gpu_benchmark import find_data, train  # noqa: E402

from course_utils.comparison import results_dir  # noqa: E402
from course_utils.device import machine_description, select_device  # noqa: E402
from course_utils.files import write_atomic  # noqa: E402
from course_utils.sizes import MODEL_SETTINGS, SIZES, training_setup  # noqa: E402

DEFAULT_MODELS = ["lenet", "alexnet", "vgg", "nin", "googlenet", "bnlenet_scratch", "bnlenet", "resnet18"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=SIZES, default="cpu")
    parser.add_argument("--models", nargs="+", default=DEFAULT_MODELS, choices=sorted(MODEL_SETTINGS))
    parser.add_argument("--data", help="folder with the full IDX files (default: $FASHION_MNIST_ROOT)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--out", help="JSON file to merge the results into "
                                      "(default: training-<size>.json in course_utils/results/)")
    args = parser.parse_args(argv)
    try:
        device = select_device(0, args.device)[0]  # a device this machine has
    except (TypeError, ValueError) as error:
        parser.error(f"--device {args.device}: {error}")
    data_folder = find_data(args.data)
    out = Path(args.out) if args.out else results_dir() / f"training-{args.size}.json"
    rows = json.loads(out.read_text(encoding="utf-8")) if out.exists() else []
    for key in args.models:
        run = training_setup(key, args.size)
        result = train(key, run.max_epochs, device, data_folder, args.size)
        result.update(size=args.size, device=machine_description(device), torch=torch.__version__,
                      threads=torch.get_num_threads(),
                      date=datetime.now(timezone.utc).isoformat(timespec="seconds"), changes=run.changes)
        rows = [r for r in rows if (r["key"], r["size"], r["device"]) != (key, args.size, result["device"])]
        rows.append(result)
        write_atomic(out, (json.dumps(rows, indent=1) + "\n").encode("utf-8"))
        print(f"{result['model']}: val_acc {result['val_acc']:.3f} after {result['epochs']} epochs, "
              f"{result['wall_s']:.0f} s, {result['images_per_s']:,.0f} images/s", flush=True)
    print("\n| model | size | epochs | image | val_acc | wall | images/s |\n|---|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['model']} | {r['size']} | {r['epochs']} | {r['resize']} | {r['val_acc']:.3f} | "
              f"{r['wall_s'] / 60:.1f} min | {r['images_per_s']:,.0f} |")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
