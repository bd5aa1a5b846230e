"""The size switch: how the size is chosen, the book's values, and that every setting builds."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import torch

from course_utils import models, sizes
from course_utils.data import FashionMNIST
from course_utils.sizes import MODEL_SETTINGS, SIZES, resolve_size, training_setup

# The book's cells (D2L 7.6, 8.1-8.6): batch size, image side, lr, epochs.
BOOK = {
    "lenet": (128, 28, 0.1, 10),
    "alexnet": (128, 224, 0.01, 10),
    "vgg": (128, 224, 0.01, 10),
    "nin": (128, 224, 0.05, 10),
    "googlenet": (128, 96, 0.01, 10),
    "bnlenet_scratch": (128, 28, 0.1, 10),
    "bnlenet": (128, 28, 0.1, 10),
    "resnet18": (128, 96, 0.01, 10),
}


@pytest.fixture
def no_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)


def test_size_from_environment(monkeypatch, no_gpu):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("COURSE_SIZE", raising=False)
    assert resolve_size() == ("cpu", "no GPU found")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_size() == ("book", "CUDA GPU found")
    monkeypatch.setenv("CI", "true")
    assert resolve_size() == ("fast", "CI is set")
    monkeypatch.setenv("CI", "false")
    assert resolve_size()[0] == "book"
    monkeypatch.setenv("COURSE_SIZE", " CPU ")
    assert resolve_size() == ("cpu", "COURSE_SIZE=cpu")
    monkeypatch.setenv("COURSE_SIZE", "huge")
    with pytest.raises(ValueError, match="COURSE_SIZE must be one of fast, cpu, book, got 'huge'"):
        resolve_size()


@pytest.mark.parametrize("model", list(BOOK))
def test_book_size_is_the_book(model):
    run = training_setup(model, "book", verbose=False)
    assert (run.batch_size, run.resize[0], run.lr, run.max_epochs) == BOOK[model]
    assert run.resize[0] == run.resize[1]
    assert dict(run.data_kwargs) == {} and run.changes == ""
    expected_kwargs = {"arch": models.VGG_ARCHS["small"]} if model == "vgg" else {}
    assert dict(run.model_kwargs) == expected_kwargs
    assert str(run).endswith("the book's settings")


def test_table_covers_exactly_the_trained_models():
    assert set(MODEL_SETTINGS) == set(BOOK)
    for key, entry in MODEL_SETTINGS.items():
        assert hasattr(models, entry.name), key


@pytest.mark.parametrize("model", list(BOOK))
def test_fast_size_uses_the_sample_and_says_so(model, capsys):
    run = training_setup(model, "fast")
    assert run.data_kwargs["source"] == "sample"
    line = capsys.readouterr().out.strip()
    assert line.startswith("[size fast: chosen in the call]") and "2,000-image sample" in line


def test_fast_lenet_changes_batch_passes_and_lr_only():
    run = training_setup("lenet", "fast", verbose=False)
    assert (run.lr, run.max_epochs, run.resize) == (0.3, 10, (28, 28))
    assert dict(run.data_kwargs) == {"source": "sample", "repeat": 5}
    assert "batch 32 (book 128)" in run.changes and "5 passes" in run.changes and "lr 0.3 (book 0.1)" in run.changes


def test_cpu_size_describes_its_changes():
    run = training_setup("resnet18", "cpu", verbose=False)
    assert "(book 96x96)" in run.changes and "ResNet18(width=0.5)" in run.changes
    assert "a warm-up and cosine decay of the lr (book: constant)" in run.changes
    assert str(run).startswith("[size cpu: chosen in the call] ResNet18: ")


@pytest.mark.parametrize("size", ["fast", "cpu"])
@pytest.mark.parametrize("model", list(BOOK))
def test_every_setting_builds_and_runs_a_batch(model, size):
    """Each (model, size) setting makes a model that accepts that size's images."""
    run = training_setup(model, size, verbose=False)
    net = getattr(models, MODEL_SETTINGS[model].name)(lr=run.lr, **run.model_kwargs)
    X = torch.rand(2, 1, *run.resize)
    with torch.no_grad():
        assert net(X).shape == (2, 10)


def test_fast_data_builds_from_a_setup():
    run = training_setup("resnet18", "fast", verbose=False)
    data = FashionMNIST(batch_size=run.batch_size, resize=run.resize, **run.data_kwargs)
    X, _ = next(iter(data.train_dataloader()))
    assert X.shape == (run.batch_size, 1, *run.resize)


def test_unknown_model_or_size():
    with pytest.raises(ValueError, match="no training settings for model 'lenet7'"):
        training_setup("lenet7")
    with pytest.raises(ValueError, match="size must be one of fast, cpu, book"):
        training_setup("lenet", "medium")  # type: ignore[arg-type]
    assert training_setup("ResNet-18", "book", verbose=False).model == "resnet18"
    assert training_setup("BNLeNetScratch", "book", verbose=False).model == "bnlenet_scratch"
    assert SIZES == ("fast", "cpu", "book")


def test_training_modules_import_without_notebook_packages():
    """The GPU benchmark machine has torch, torchvision, tqdm and matplotlib only."""
    code = textwrap.dedent(
        """
        import importlib.abc, sys
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in {"ipywidgets", "torchinfo", "IPython", "d2l"}:
                    raise ImportError(f"{name} is not installed here")
        sys.meta_path.insert(0, Block())
        import course_utils.data, course_utils.trainer, course_utils.callbacks, course_utils.sizes
        import course_utils.models
        heavy = [m for m in ("torchvision", "matplotlib") if m in sys.modules]
        print(",".join(heavy))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""  # and those load only when used


def test_setup_holds_the_run_settings_once():
    """TrainingSetup holds the RunSettings and reads its values from it (no copy of the fields)."""
    import dataclasses

    from course_utils.sizes import TrainingSetup

    run = training_setup("resnet18", "cpu", verbose=False)
    assert run.settings is MODEL_SETTINGS["resnet18"].cpu
    assert {f.name for f in dataclasses.fields(TrainingSetup)} == {"model", "model_name", "size", "why", "settings",
                                                                   "changes"}
    assert (run.batch_size, run.resize, run.lr, run.max_epochs) == (128, (28, 28), 0.05, 12)
    assert dict(run.model_kwargs) == {"width": 0.5} and dict(run.data_kwargs) == {}
    with pytest.raises(TypeError):
        run.model_kwargs["width"] = 1.0  # type: ignore[index]
    assert MODEL_SETTINGS["resnet18"].cpu.model_kwargs == {"width": 0.5}


def test_book_values_of_model_arguments_come_from_the_model_signature(monkeypatch):
    """'(book 1.0)' is ResNet18's default width, read from its signature, not a copy of it."""

    class WiderByDefault(models.ResNet18):
        def __init__(self, lr: float = 0.1, num_classes: int = 10, *, width: float = 0.75) -> None:
            super().__init__(lr, num_classes, width=width)

    assert "ResNet18(width=0.5) (book 1.0)" in training_setup("resnet18", "cpu", verbose=False).changes
    monkeypatch.setattr(sizes, "MODELS", {**models.MODELS, "resnet18": WiderByDefault})
    assert "WiderByDefault(width=0.5) (book 0.75)" in training_setup("resnet18", "cpu", verbose=False).changes
    assert "VGG(num_hiddens=512) (book 4096)" in training_setup("vgg", "cpu", verbose=False).changes


def test_training_setup_checks_its_arguments():
    with pytest.raises(TypeError, match="model must be a model's name, got 3"):
        training_setup(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="verbose must be True or False"):
        training_setup("lenet", "fast", verbose="no")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="size must be one of fast, cpu, book"):
        training_setup("lenet", 1)  # type: ignore[arg-type]
