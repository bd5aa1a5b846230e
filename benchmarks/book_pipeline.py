"""The book's own training pipeline, ``d2l.FashionMNIST`` + ``d2l.Trainer`` (d2l 1.0.3), timed.

The ``d2l`` package pins old versions of PyTorch and NumPy, so install it without them:

    pip install --no-deps d2l==1.0.3     # its module needs torch, torchvision, numpy, pandas,
                                         # matplotlib, matplotlib-inline, requests and IPython

``fit_book(key, ...)`` runs the book's cell for LeNet (7.6: ``d2l.LeNet``) or ResNet-18 (8.6:
the book defines ``ResNet18`` in its notebook; its layers are the course's ``ResNet18``, put in
a ``d2l.Classifier``), initialised with ``d2l.init_cnn`` and trained by ``d2l.Trainer`` on
``d2l.FashionMNIST`` (torchvision's dataset, ``transforms.Resize`` + ``ToTensor``, a
``DataLoader`` with 4 workers), its progress board drawing as in the book. The one change:
the data's root points at a local copy (the book's ``../data`` would download). The accuracy
is then measured on the validation split by the same evaluation as the course's.
"""

from __future__ import annotations

import contextlib
import io
import time
import types
from pathlib import Path
from typing import Any

import torch

BOOK_MODELS = {"lenet": (0.1, 28), "resnet18": (0.01, 96)}  # the book's lr and image size


def import_d2l() -> types.ModuleType | None:
    """``d2l.torch``, or None when it is not installed (or does not import here)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from d2l import torch as d2l
    except ImportError:
        return None
    return d2l


def book_model(d2l: types.ModuleType, key: str, lr: float) -> Any:
    if key == "lenet":
        return d2l.LeNet(lr=lr)
    from course_utils.models import ResNet18

    class BookResNet18(d2l.Classifier):  # the book's ResNet18 cell, with the course's (identical) layers
        def __init__(self, lr: float, num_classes: int = 10) -> None:
            super().__init__()
            self.save_hyperparameters()
            self.net = ResNet18(lr=lr, num_classes=num_classes).net

    return BookResNet18(lr=lr)


@torch.no_grad()
def accuracy(model: torch.nn.Module, loader: Any, device: torch.device) -> float:
    model.eval()
    correct = count = 0
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        correct += int((model(X).argmax(dim=1) == y).sum())
        count += len(y)
    return correct / count


def fit_book(key: str, epochs: int, device: torch.device, tv_root: Path, batch_size: int = 128,
             resize: int | None = None, num_train: int | None = None) -> dict[str, Any]:
    """Train ``key`` with the book's pipeline; epoch time, images/s and the final accuracy.

    ``resize`` and ``num_train`` (the first images only) are for a smoke run on a CPU."""
    d2l = import_d2l()
    if d2l is None:
        raise RuntimeError("d2l is not installed: pip install --no-deps d2l==1.0.3")
    lr, book_resize = BOOK_MODELS[key]
    resize = resize or book_resize
    defaults = d2l.DataModule.__init__.__defaults__
    d2l.DataModule.__init__.__defaults__ = (str(tv_root), 4)  # root: the local copy (the book's: '../data')
    try:
        data = d2l.FashionMNIST(batch_size=batch_size, resize=(resize, resize))
    finally:
        d2l.DataModule.__init__.__defaults__ = defaults
    if num_train is not None:
        data.train = torch.utils.data.Subset(data.train, range(num_train))
        data.val = torch.utils.data.Subset(data.val, range(num_train))
    torch.manual_seed(0)
    model = book_model(d2l, key, lr)
    model.apply_init([next(iter(data.get_dataloader(True)))[0]], d2l.init_cnn)
    trainer = d2l.Trainer(max_epochs=epochs, num_gpus=1 if device.type == "cuda" else 0)
    with contextlib.redirect_stdout(io.StringIO()):  # the board's display() prints figure reprs in a script
        if device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        trainer.fit(model, data)
        if device.type == "cuda":
            torch.cuda.synchronize()
        wall = time.perf_counter() - start
    images = len(data.train) * epochs
    return {
        "model": type(model).__name__, "key": key, "pipeline": "d2l.FashionMNIST + d2l.Trainer (d2l 1.0.3)",
        "epochs": epochs, "batch_size": batch_size, "resize": resize, "lr": lr, "num_train": len(data.train),
        "wall_s": wall, "epoch_s": wall / epochs, "images_per_s": images / wall,
        "val_acc": accuracy(model, data.val_dataloader(), device),
    }
