"""One training run as a notebook's training cell makes it, for the benchmarks that train.

``train(key, epochs, device, data_folder, size, seed)`` is the cell (``training_setup`` +
``FashionMNIST`` + the model + ``init_cnn`` + ``Trainer``) at the settings of ``size``, with
every random choice (initial weights, dropout, the order of the images) drawn from ``seed``.
It returns one row: what the run reached, how fast, and its history.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from typing import Any

import torch

from course_utils import models
from course_utils.data import FashionMNIST
from course_utils.sizes import MODEL_SETTINGS, SizeName, training_setup
from course_utils.trainer import Trainer

REPO = Path(__file__).resolve().parents[1]


def find_data(given: str | None) -> str:
    """The folder with the full IDX files: ``given``, ``$FASHION_MNIST_ROOT`` or ``data/FashionMNIST/raw``."""
    for candidate in (given, os.environ.get("FASHION_MNIST_ROOT"), REPO / "data" / "FashionMNIST" / "raw"):
        if candidate and Path(candidate).is_dir():
            return str(candidate)
    raise SystemExit("no data: give --data FOLDER (the four IDX files), set FASHION_MNIST_ROOT, "
                     "or put the files in data/FashionMNIST/raw")


def load(key: str, data_folder: str, size: SizeName, seed: int = 0) -> FashionMNIST:
    """The data of the cell; at the fast size 256 images of the shipped sample."""
    run = training_setup(key, size, verbose=False)
    source = {"source": "sample", "num_train": 256} if size == "fast" else {"root": data_folder, "download": False}
    return FashionMNIST(batch_size=run.batch_size, resize=run.resize, seed=seed, **source)  # type: ignore[arg-type]


def build(key: str, data: FashionMNIST, size: SizeName, seed: int = 0) -> models.Classifier:
    """The model of the book's cell, initialised with init_cnn (drawn from ``seed``) on two images."""
    run = training_setup(key, size, verbose=False)
    torch.manual_seed(seed)
    model = models.get_model(key, lr=run.lr, **run.model_kwargs)
    model.apply_init([next(iter(data.get_dataloader(True)))[0][:2]], models.init_cnn, seed=seed)
    return model


def train(key: str, epochs: int, device: torch.device, data_folder: str, size: SizeName,
          seed: int = 0, compile: bool | str = "auto") -> dict[str, Any]:  # noqa: A002
    """Fit one model at the settings of ``size``; what it reached and how fast."""
    run = training_setup(key, size, verbose=False)
    data = load(key, data_folder, size, seed)
    model = build(key, data, size, seed)
    trainer = Trainer(max_epochs=epochs, device=device, verbose=False, seed=seed, compile=compile, setup=run)
    start = time.perf_counter()
    history = trainer.fit(model, data)
    wall = time.perf_counter() - start
    return {
        "model": MODEL_SETTINGS[key].name, "key": key, "seed": seed, "epochs": epochs,
        "train_images": data.num_train * data.repeat,  # per epoch
        "batch_size": run.batch_size, "resize": run.resize[0], "lr": run.lr,
        "lr_schedule": trainer.lr_schedule, "model_kwargs": {k: repr(v) for k, v in run.model_kwargs.items()},
        "channels_last": trainer.channels_last, "compiled": trainer.compiler.state == "compiled",
        "compile_s": trainer.compiler.seconds,
        "val_acc": history[-1].val_acc, "val_loss": history[-1].val_loss, "train_loss": history[-1].train_loss,
        "images_per_s": statistics.mean(m.images_per_s for m in history), "wall_s": wall,
        "status": history.status, "history": history.as_dicts(),
    }


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One row for the runs of one model with different seeds: means, the spread, and each run."""
    first = runs[0]
    accs = [r["val_acc"] for r in runs]
    row = {k: first[k] for k in ("model", "key", "epochs", "batch_size", "resize", "lr", "lr_schedule",
                                 "model_kwargs", "channels_last") if k in first}
    row.update(
        seeds=[r["seed"] for r in runs], val_accs=accs, val_acc=statistics.mean(accs),
        val_acc_std=statistics.stdev(accs) if len(accs) > 1 else 0.0,
        wall_s=statistics.mean(r["wall_s"] for r in runs), wall_s_max=max(r["wall_s"] for r in runs),
        images_per_s=statistics.mean(r["images_per_s"] for r in runs),
        compile_s=statistics.mean(r.get("compile_s", 0.0) for r in runs),
        status=", ".join(sorted({r["status"] for r in runs})),
        runs=[{k: r[k] for k in ("seed", "val_acc", "val_loss", "train_loss", "wall_s", "images_per_s",
                                 "compile_s", "status", "history") if k in r} for r in runs],
    )
    return row
