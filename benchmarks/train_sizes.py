"""Train each course model at one size on the full data and record what it reached.

    python benchmarks/train_sizes.py --size cpu                    # every chapter-8 model, 7.6 too
    python benchmarks/train_sizes.py --size cpu --models resnet18 vgg

Each run is the notebooks' training cell (``training_setup`` + ``FashionMNIST`` + the model +
``init_cnn`` + ``Trainer``) at the settings of ``--size``, for that size's number of epochs.
The results (validation accuracy, wall time, images/s, device, date) are merged into a JSON
file, one row per (model, size, device): ``docs/results/training-<size>.json`` by default.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gpu_benchmark import find_data, train  # noqa: E402

from course_utils.sizes import MODEL_SETTINGS, SIZES, training_setup  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODELS = ["lenet", "alexnet", "vgg", "nin", "googlenet", "bnlenet_scratch", "bnlenet", "resnet18"]


def device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return f"{platform.processor() or platform.machine()} CPU, {os.cpu_count()} cores"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=SIZES, default="cpu")
    parser.add_argument("--models", nargs="+", default=DEFAULT_MODELS, choices=sorted(MODEL_SETTINGS))
    parser.add_argument("--data", help="folder with the full IDX files (default: $FASHION_MNIST_ROOT)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--out", help="JSON file to merge the results into")
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    data_folder = find_data(args.data)
    out = Path(args.out) if args.out else REPO / "docs" / "results" / f"training-{args.size}.json"
    rows = json.loads(out.read_text(encoding="utf-8")) if out.exists() else []
    for key in args.models:
        run = training_setup(key, args.size)
        result = train(key, run.max_epochs, device, data_folder, args.size)
        result.update(size=args.size, device=device_name(device), torch=torch.__version__,
                      threads=torch.get_num_threads(),
                      date=datetime.now(timezone.utc).isoformat(timespec="seconds"), changes=run.changes)
        rows = [r for r in rows if (r["key"], r["size"], r["device"]) != (key, args.size, result["device"])]
        rows.append(result)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".tmp")
        tmp.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, out)
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
