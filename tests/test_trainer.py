"""The Trainer and its callbacks: seeds, history, checkpoints and resuming, guards, devices,
display, and one real learning check (the book's LeNet cell at the fast size)."""

from __future__ import annotations

import copy
import errno
import json
import math
import os
import pickle
import random
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch
from torch import nn

from course_utils.callbacks import Callback, CancelFitException, EarlyStopping, LivePlot
from course_utils.checkpoint import CheckpointError, CheckpointMismatchError, model_fingerprint, read_checkpoint
from course_utils.models import Classifier
from course_utils.data import FashionMNIST
from course_utils.device import select_device
from course_utils.trainer import EpochMetrics, History, Trainer


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


class TinyNet(Classifier):
    """A small lazy CNN with dropout (so resuming must restore the random generator too)."""

    def __init__(self, lr: float = 0.5, num_classes: int = 10, channels: int = 8) -> None:
        super().__init__(lr, num_classes)
        self.net = nn.Sequential(
            nn.LazyConv2d(channels, kernel_size=3, stride=2), nn.ReLU(), nn.Dropout(0.2),
            nn.AdaptiveAvgPool2d(3), nn.Flatten(), nn.LazyLinear(num_classes),
        )


class OtherNet(Classifier):
    def __init__(self, lr: float = 0.1, num_classes: int = 10) -> None:
        super().__init__(lr, num_classes)
        self.net = nn.Sequential(nn.Flatten(), nn.LazyLinear(num_classes))


class NaNAtCall(TinyNet):
    """Its loss becomes NaN at the ``bad``-th training batch."""

    def __init__(self, bad: int) -> None:
        super().__init__()
        self.bad, self.calls = bad, 0

    def loss(self, Y_hat: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
        loss = super().loss(Y_hat, Y)
        if self.training:
            self.calls += 1
            if self.calls == self.bad:
                return loss * math.nan
        return loss


class InterruptAt(Callback):
    """Raises KeyboardInterrupt (as Ctrl-C or Jupyter's stop button do) at (epoch, batch), 1-based."""

    def __init__(self, epoch: int, batch: int) -> None:
        self.epoch, self.batch = epoch, batch

    def after_batch(self, trainer: Trainer) -> None:
        if (trainer.epoch + 1, trainer.batch_idx + 1) == (self.epoch, self.batch):
            raise KeyboardInterrupt


def small_data(**kwargs) -> FashionMNIST:
    return FashionMNIST(**{"batch_size": 64, "source": "sample", "num_train": 640, **kwargs})


def quiet(max_epochs: int = 2, **kwargs) -> Trainer:
    return Trainer(max_epochs, verbose=False, **kwargs)


def state_equal(a: nn.Module, b: nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


def metrics(history: History) -> list[tuple[float, float, float]]:
    return [(m.train_loss, m.val_loss, m.val_acc) for m in history]


# ----------------------------------------------------------------------------- the loop


def test_lazy_model_is_materialised_and_trained():
    model = TinyNet()
    history = quiet(1).fit(model, small_data())
    assert not any(nn.parameter.is_lazy(p) for p in model.parameters())
    assert history.status == "completed" and len(history) == 1
    assert history[0].val_acc > 0.2  # it learned something in 10 steps


def test_same_seed_gives_identical_metrics_on_cpu():
    first, second = TinyNet(), TinyNet()
    h1 = quiet(2, seed=7).fit(first, small_data())
    h2 = quiet(2, seed=7).fit(second, small_data())
    assert metrics(h1) == metrics(h2)
    assert state_equal(first, second)
    h3 = quiet(2, seed=8).fit(TinyNet(), small_data())
    assert metrics(h3) != metrics(h1)


def test_channels_last_is_opt_in_on_the_cpu():
    """Off by default on the CPU (on only with CUDA); channels_last=True trains in that layout and
    learns the same model (the same numbers up to float rounding: other kernels, other sums)."""
    default, last = TinyNet(), TinyNet()
    trainer = quiet(1)
    assert trainer.channels_last is False and "channels_last" not in trainer.device_name
    h1 = trainer.fit(default, small_data())
    opted = quiet(1, channels_last=True)
    assert opted.channels_last is True and opted.device_name.endswith(", channels_last)")
    h2 = opted.fit(last, small_data())
    conv = next(m for m in last.modules() if isinstance(m, nn.Conv2d))
    assert conv.weight.is_contiguous(memory_format=torch.channels_last) and conv.weight.dim() == 4
    assert h2[0].train_loss == pytest.approx(h1[0].train_loss, rel=1e-3)
    assert h2[0].val_acc == pytest.approx(h1[0].val_acc, abs=0.02)
    with pytest.raises(TypeError, match="channels_last must be True, False or None"):
        Trainer(max_epochs=1, channels_last="yes")


def test_channels_last_follows_the_runs_settings_on_the_cpu():
    import dataclasses

    from course_utils.sizes import training_setup

    run = training_setup("lenet", "fast", verbose=False)
    assert quiet(1, setup=run).channels_last is False
    asked = dataclasses.replace(run, settings=dataclasses.replace(run.settings, channels_last=True))
    assert quiet(1, setup=asked).channels_last is True
    assert quiet(1, setup=asked, channels_last=False).channels_last is False  # the argument wins


def test_history_contents_and_table(capsys):
    history = quiet(2).fit(TinyNet(), small_data())
    assert [m.epoch for m in history] == [1, 2]
    for m in history:
        assert isinstance(m, EpochMetrics)
        assert all(math.isfinite(v) for v in (m.train_loss, m.val_loss, m.val_acc))
        assert 0 <= m.val_acc <= 1 and m.images_per_s > 0 and m.seconds > 0
    assert history.as_dicts()[0].keys() == {"epoch", "train_loss", "val_loss", "val_acc", "images_per_s", "seconds"}
    table = str(history).splitlines()
    assert table[0].split() == ["epoch", "train_loss", "val_loss", "val_acc", "images/s", "seconds"]
    assert len(table) == 3 and table[2].split()[0] == "2"
    out = capsys.readouterr().out.splitlines()
    # every run starts with its device; without setup=... the Trainer does not know the size and shows none
    assert out[0].startswith("[device cpu") and "size" not in out[0]
    assert out[-1].startswith("done: train_loss") and "img/s" in out[-1]


def test_gradient_clipping_and_rejecting_a_plain_module():
    history = quiet(1, gradient_clip_val=0.5).fit(TinyNet(), small_data())
    assert history.status == "completed"
    with pytest.raises(TypeError, match="Classifier"):
        quiet(1).fit(nn.Linear(2, 2), small_data())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_epochs"):
        Trainer(max_epochs=-1)


# ----------------------------------------------------------------------------- checkpoints


def test_resume_after_interrupt_reaches_the_same_weights(tmp_path, capsys):
    reference = TinyNet()
    quiet(3).fit(reference, small_data())

    model = TinyNet()
    history = quiet(3, checkpoint_dir=tmp_path, callbacks=[InterruptAt(epoch=2, batch=4)]).fit(model, small_data())
    assert history.status == "interrupted" and len(history) == 1
    assert "interrupted: in epoch 2, batch 4" in capsys.readouterr().out

    resumed = TinyNet()  # a fresh process would build a fresh model
    history = quiet(3, checkpoint_dir=tmp_path, resume=True).fit(resumed, small_data())
    assert [m.epoch for m in history] == [1, 2, 3] and history.status == "completed"
    assert state_equal(resumed, reference)
    assert [p.name for p in tmp_path.iterdir()] == ["last.pt"]  # no temporary files left


def test_fit_with_ckpt_path_and_weights_only_loading(tmp_path):
    reference = TinyNet()
    quiet(2).fit(reference, small_data())
    quiet(1, checkpoint_dir=tmp_path).fit(TinyNet(), small_data())
    state = torch.load(tmp_path / "last.pt", weights_only=True)
    assert state["epoch"] == 1 and state["model_class"] == "TinyNet" and len(state["history"]) == 1
    resumed = TinyNet()
    quiet(2).fit(resumed, small_data(), ckpt_path=tmp_path / "last.pt")
    assert state_equal(resumed, reference)


def test_checkpoint_of_another_model_names_both(tmp_path):
    quiet(1, checkpoint_dir=tmp_path).fit(TinyNet(), small_data())
    with pytest.raises(CheckpointMismatchError, match=r"written for a TinyNet .* not for this OtherNet"):
        quiet(2, checkpoint_dir=tmp_path, resume=True).fit(OtherNet(), small_data())
    with pytest.raises(CheckpointMismatchError, match=r"TinyNet with other layers .* net\.0\.weight"):
        quiet(2, checkpoint_dir=tmp_path, resume=True).fit(TinyNet(channels=6), small_data())


def test_resume_without_checkpoint_starts_fresh_and_missing_path_is_clear(tmp_path, capsys):
    history = quiet(1, checkpoint_dir=tmp_path / "new", resume=True).fit(TinyNet(), small_data())
    assert len(history) == 1 and "starting from epoch 1" in capsys.readouterr().out
    with pytest.raises(FileNotFoundError, match="no checkpoint at"):
        quiet(1).fit(TinyNet(), small_data(), ckpt_path=tmp_path / "missing.pt")
    with pytest.raises(ValueError, match="resume=True needs checkpoint_dir"):
        Trainer(1, resume=True)


def test_fingerprint_depends_on_class_and_shapes():
    a, b = TinyNet(), TinyNet()
    X = torch.zeros(2, 1, 28, 28)
    a(X), b(X)
    assert model_fingerprint(a) == model_fingerprint(b)
    c = TinyNet(channels=5)
    c(X)
    assert model_fingerprint(c) != model_fingerprint(a)


# ----------------------------------------------------------------------------- guards


def test_nan_loss_stops_with_epoch_batch_and_advice(capsys):
    model = NaNAtCall(bad=13)  # 10 batches per epoch: epoch 2, batch 3
    history = quiet(3).fit(model, small_data())
    assert history.status == "stopped" and len(history) == 1
    assert "epoch 2, batch 3" in history.message and "lower learning rate" in history.message
    assert "lr=0.05" in history.message
    # Checked on the device, read back after the epoch's last batch (10): the step was taken, and the message says so.
    assert "(checked at epoch 2, batch 10), and the model's weights are now not finite" in history.message
    assert not all(torch.isfinite(p).all() for p in model.parameters())
    assert "stopped: the loss became nan in epoch 2, batch 3" in capsys.readouterr().out


def test_keyboard_interrupt_keeps_model_and_history(capsys):
    model = TinyNet()
    history = quiet(3, callbacks=[InterruptAt(epoch=2, batch=5)]).fit(model, small_data())
    assert history.status == "interrupted" and len(history) == 1
    assert not any(nn.parameter.is_lazy(p) for p in model.parameters())
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("interrupted")]
    assert len(lines) == 1 and "history of the 1 finished epoch(s)" in lines[0]


def test_early_stopping_and_cancel_from_a_callback():
    class ConstantLoss(TinyNet):  # validation loss never improves
        def forward(self, X: torch.Tensor) -> torch.Tensor:
            return super().forward(X) * 0

    history = quiet(5, callbacks=[EarlyStopping(patience=2)]).fit(ConstantLoss(), small_data())
    assert history.status == "stopped" and len(history) == 3 and "early stop" in history.message

    class StopAfterFirst(Callback):
        def after_epoch(self, trainer: Trainer) -> None:
            raise CancelFitException("enough")

    history = quiet(5, callbacks=[StopAfterFirst()]).fit(TinyNet(), small_data())
    assert (history.status, history.message, len(history)) == ("stopped", "enough", 1)


# ----------------------------------------------------------------------------- device and display


def test_device_fallback_notice(monkeypatch, capsys):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    trainer = Trainer(max_epochs=1, num_gpus=1)
    assert trainer.device == torch.device("cpu") and not trainer.fast_cuda
    assert capsys.readouterr().out.strip() == "num_gpus=1 but no GPU was found: training on the CPU"
    Trainer(max_epochs=1, num_gpus=0)
    assert capsys.readouterr().out == ""
    assert select_device(2, "cpu") == (torch.device("cpu"), None)


def test_device_choice_with_fake_gpus(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    assert select_device(1) == (torch.device("cuda:0"), None)
    device, notice = select_device(4)
    assert device == torch.device("cuda:0") and "4" in notice and "1 GPU" in notice
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert select_device(1) == (torch.device("mps"), None)


def test_live_plot_is_one_display_updated_in_place(monkeypatch):
    import IPython.display

    calls: list[str] = []

    class Handle:
        def update(self, obj) -> None:
            assert isinstance(obj, IPython.display.Image)
            calls.append("update")

    def fake_display(obj, display_id=False):
        assert display_id is True
        calls.append("display")
        return Handle()

    monkeypatch.setattr(IPython.display, "display", fake_display)
    quiet(2, callbacks=[LivePlot(points_per_epoch=2, notebook=True)]).fit(TinyNet(), small_data())
    assert calls.count("display") == 1 and calls[0] == "display"
    assert calls.count("update") == 2 * 2  # one mid-epoch point and one epoch end, per epoch


def test_text_fallback_prints_one_line_per_epoch(capsys):
    Trainer(2, callbacks=[]).fit(TinyNet(), small_data())  # verbose: progress bar and text lines
    out = capsys.readouterr()
    lines = [line for line in (out.out + out.err).splitlines() if line.startswith("epoch ") and "val_acc" in line]
    assert [line.split(":")[0] for line in lines] == ["epoch 1/2", "epoch 2/2"]


# ----------------------------------------------------------------------------- the progress bar in a saved notebook
_BAR_CELLS = {
    "setup": '''
        import json
        import torch
        from torch import nn
        from course_utils.callbacks import Callback, CancelFitException
        from course_utils.data import FashionMNIST
        from course_utils.models import Classifier
        from course_utils.trainer import Trainer

        torch.set_num_threads(1)

        class Tiny(Classifier):
            def __init__(self):
                super().__init__(lr=0.1, num_classes=10)
                self.net = nn.Sequential(nn.Flatten(), nn.LazyLinear(10))

        class RaiseAt(Callback):
            order = 5  # after the progress bar has counted the batch
            def __init__(self, epoch, batch, error):
                self.epoch, self.batch, self.error = epoch, batch, error
            def after_batch(self, trainer):
                if (trainer.epoch + 1, trainer.batch_idx + 1) == (self.epoch, self.batch):
                    raise self.error

        data = FashionMNIST(batch_size=64, source="sample", num_train=640)
        trainers = {}
        def run(name, *callbacks):
            trainers[name] = Trainer(2, callbacks=list(callbacks))
            trainers[name].fit(Tiny(), data)
    ''',
    "completed": 'run("completed")',
    "stopped": 'run("stopped", RaiseAt(1, 3, CancelFitException("enough")))',
    "interrupted": 'run("interrupted", RaiseAt(2, 4, KeyboardInterrupt()))',
    "failed": 'run("failed", RaiseAt(1, 5, RuntimeError("a failing batch")))',
    "report": '''
        print(json.dumps({name: {"status": t.history.status, "epoch": t.epoch, "batch": t.batch_idx,
                                 "loss": t.running_loss, "batches": t.num_train_batches}
                          for name, t in trainers.items()}))
    ''',
}
# batches the bar has counted when each run ends, of 2 epochs x 10 batches (640 images, batch 64)
_BAR_COUNTS = {"completed": 20, "stopped": 3, "interrupted": 14, "failed": 5}


@pytest.fixture(scope="module")
def trained_notebook() -> dict:
    """A notebook that trains a tiny model four times (to the end, stopped, interrupted, failed),
    executed by nbclient as scripts/run_notebooks.py does, with the widget state kept."""
    import nbformat
    from nbclient import NotebookClient

    cells = [nbformat.v4.new_code_cell(textwrap.dedent(source).strip()) for source in _BAR_CELLS.values()]
    nb = nbformat.v4.new_notebook(cells=cells)
    root = Path(__file__).resolve().parents[1]  # the kernel runs here, so it imports this course_utils
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True, store_widget_state=True,
                   resources={"metadata": {"path": str(root)}}).execute()
    report = json.loads(nb.cells[-1].outputs[-1]["text"])
    return {"cells": dict(zip(_BAR_CELLS, nb.cells)), "report": report,
            "widgets": nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]}


def _bar_outputs(cell) -> list:
    return [o for o in cell.outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]


@pytest.mark.slow
@pytest.mark.parametrize("run", list(_BAR_COUNTS))
def test_saved_progress_bar_shows_its_final_state(trained_notebook, run):
    """The bar's saved text/plain is its last line (epoch, count, postfix of the last batch), not
    its first state; the view still points at the live widget, whose bar reached the same count."""
    cell, report = trained_notebook["cells"][run], trained_notebook["report"][run]
    assert report["status"] == {"failed": "running"}.get(run, run)
    if run == "failed":
        assert any(o.output_type == "error" and o.evalue == "a failing batch" for o in cell.outputs)
    n, total = _BAR_COUNTS[run], 2 * report["batches"]
    assert report["batches"] == 10
    (bar,) = _bar_outputs(cell)  # one display, updated in place: no first state left behind
    text = bar["data"]["text/plain"]
    expected = (rf"epoch {report['epoch'] + 1}/2: {100 * n / total:3.0f}%\|[█▏▎▍▌▋▊▉ ]{{10}}\| {n}/{total} "
                rf"\[\d\d:\d\d<\d\d:\d\d, +\d+(\.\d+)?batch/s, img_s=[\d,]+, "
                rf"loss={re.escape(format(report['loss'], '.3f'))}\]")
    assert re.fullmatch(expected, text), text
    assert n == report["epoch"] * report["batches"] + report["batch"] + 1
    widgets = trained_notebook["widgets"]
    box = widgets[bar["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]]["state"]
    progress = [widgets[child.removeprefix("IPY_MODEL_")]["state"] for child in box["children"]]
    (live,) = [state for state in progress if state["_model_name"] in ("IntProgressModel", "FloatProgressModel")]
    assert (live["value"], live["max"]) == (n, total)
    assert live["bar_style"] == ("success" if run == "completed" else "danger")


def test_progress_bar_outside_jupyter_is_the_text_bar(monkeypatch, capsys):
    """In a plain terminal the bar is tqdm's text bar on stderr, and nothing is displayed."""
    import IPython.display

    from course_utils.callbacks import ProgressBar

    def no_display(*args, **kwargs):
        raise AssertionError("outside Jupyter nothing is displayed")

    monkeypatch.setattr(IPython.display, "display", no_display)
    bar = ProgressBar()
    quiet(1, callbacks=[bar]).fit(TinyNet(), small_data())
    assert bar.handle is None
    err = capsys.readouterr().err
    assert re.search(r"epoch 1/1: 100%\|█+\| 10/10 \[", err), err


# ----------------------------------------------------------------------------- learning


def test_book_lenet_cell_learns_at_fast_size(monkeypatch):
    """The book's 7.6 cell at the fast size (sample, batch 32, 5 passes per epoch, lr 0.3) reaches 0.70."""
    from course_utils.models import LeNet, init_cnn
    from course_utils.sizes import training_setup

    monkeypatch.setenv("COURSE_SIZE", "fast")
    run = training_setup("lenet", verbose=False)
    assert run.max_epochs == 10  # the book's value
    data = FashionMNIST(batch_size=run.batch_size, resize=run.resize, **run.data_kwargs)
    model = LeNet(lr=run.lr, **run.model_kwargs)
    model.apply_init([next(iter(data.get_dataloader(True)))[0]], init_cnn)
    trainer = Trainer(max_epochs=run.max_epochs, verbose=False, setup=run)
    history = trainer.fit(model, data)
    assert history[0].val_acc < 0.2  # the sigmoid LeNet's slow start
    assert history[-1].val_acc >= 0.70, history


def test_interrupted_checkpoint_write_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    import os

    real_replace = os.replace
    calls = {"count": 0}

    def second_save_interrupted(src, dst):
        calls["count"] += 1
        if calls["count"] == 2:
            raise KeyboardInterrupt  # Ctrl-C between writing the temporary file and renaming it
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", second_save_interrupted)
    history = quiet(3, checkpoint_dir=tmp_path).fit(TinyNet(), small_data())
    assert history.status == "interrupted"
    assert [p.name for p in tmp_path.iterdir()] == ["last.pt"]  # the temporary file was removed
    fresh = TinyNet()
    fresh(torch.zeros(1, 1, 28, 28))  # materialised, to compare with the checkpoint
    assert read_checkpoint(tmp_path / "last.pt", fresh)["epoch"] == 1


# ----------------------------------------------------------------------------- helpers of the tests below


class InfAtStep(torch.optim.SGD):
    """SGD that writes inf into one weight at its ``bad``-th step: the loss was finite, the weights are not."""

    def __init__(self, params, lr: float, bad: int) -> None:
        super().__init__(params, lr=lr)
        self.bad, self.steps = bad, 0

    def step(self, closure=None):  # type: ignore[override]
        result = super().step(closure)
        self.steps += 1
        if self.steps == self.bad:
            with torch.no_grad():
                self.param_groups[0]["params"][0].view(-1)[0] = math.inf
        return result


class InfStepNet(TinyNet):
    def __init__(self, bad: int) -> None:
        super().__init__()
        self.bad = bad

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return InfAtStep(self.parameters(), self.lr, self.bad)


class SnapshotCheckpoint(Callback):
    """Keeps the bytes of ``last.pt`` after each epoch end (runs after the Checkpoint callback)."""

    order = 11

    def __init__(self, folder) -> None:
        self.path, self.bytes = folder / "last.pt", {}

    def after_epoch(self, trainer: Trainer) -> None:
        self.bytes[len(trainer.history)] = self.path.read_bytes()


class ListData:
    """A data module whose loaders are given lists of batches (or any iterables)."""

    def __init__(self, train, val) -> None:
        self.train, self.val = train, val

    def train_dataloader(self):
        return self.train

    def val_dataloader(self):
        return self.val


class NoLength:
    """An iterable of batches without ``len()``."""

    def __init__(self, batches) -> None:
        self.batches = batches

    def __iter__(self):
        return iter(self.batches)


def saved_run(folder, epochs: int = 1):
    quiet(epochs, checkpoint_dir=folder).fit(TinyNet(), small_data())
    return folder / "last.pt"


# ----------------------------------------------------------------------------- the size travels with the run


def test_first_line_shows_the_setup_size_not_a_resolved_one(monkeypatch, capsys):
    """training_setup('lenet', 'fast') on a machine where resolve_size() says cpu: the run says fast."""
    from course_utils.sizes import training_setup

    monkeypatch.delenv("COURSE_SIZE", raising=False)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    run = training_setup("lenet", "fast", verbose=False)
    quiet(1, setup=run).fit(TinyNet(), small_data())
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("[size fast (chosen in the call) | device cpu"), first
    assert "no GPU found" not in first
    with pytest.raises(TypeError, match="setup must be what training_setup"):
        Trainer(1, setup="fast")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- fault: a non-finite step


def test_non_finite_step_stops_with_the_truth_and_no_checkpoint():
    model = InfStepNet(bad=13)  # 10 batches per epoch: epoch 2, batch 3
    history = quiet(3).fit(model, small_data())
    assert history.status == "stopped" and len(history) == 1  # epoch 2 was not validated
    message = history.message
    assert "optimizer step of epoch 2, batch 3 made weights NaN or infinite" in message
    assert "the model's weights are now not finite" in message and "keeps the weights" not in message
    assert "no checkpoint was kept (checkpoint_dir=None)" in message
    assert "lr=0.05 instead of 0.5" in message
    assert not torch.isfinite(next(model.parameters())).all()


def test_non_finite_step_never_replaces_the_last_good_checkpoint(tmp_path):
    snapshot = SnapshotCheckpoint(tmp_path)
    history = quiet(3, checkpoint_dir=tmp_path, callbacks=[snapshot]).fit(InfStepNet(bad=13), small_data())
    assert history.status == "stopped" and len(history) == 1
    assert list(snapshot.bytes) == [1]
    assert (tmp_path / "last.pt").read_bytes() == snapshot.bytes[1]  # unchanged since epoch 1
    assert f"{tmp_path / 'last.pt'} still holds the weights after epoch 1, the last good ones" in history.message
    fresh = InfStepNet(bad=13)
    fresh(torch.zeros(1, 1, 28, 28))
    state = read_checkpoint(tmp_path / "last.pt", fresh)
    assert state["epoch"] == 1 and all(torch.isfinite(t).all() for t in state["model"].values())


def test_checkpoint_refuses_to_save_a_non_finite_model(tmp_path):
    """Weights broken after the last step of epoch 2 (where NaNGuard cannot see it): not saved."""

    class BreakAfterLastBatch(Callback):
        def after_batch(self, trainer: Trainer) -> None:
            if (trainer.epoch, trainer.batch_idx) == (1, 9):
                with torch.no_grad():
                    next(trainer.model.parameters()).view(-1)[0] = math.nan

    snapshot = SnapshotCheckpoint(tmp_path)
    trainer = quiet(3, checkpoint_dir=tmp_path, callbacks=[BreakAfterLastBatch(), snapshot])
    history = trainer.fit(TinyNet(), small_data())
    assert history.status == "stopped" and len(history) == 2
    assert "after epoch 2 the model's weights or buffers are not finite, so they were not saved" in history.message
    assert "still holds the weights after epoch 1" in history.message
    assert (tmp_path / "last.pt").read_bytes() == snapshot.bytes[1]


def test_infinite_learning_rate_advice_never_suggests_lr_inf():
    class InfiniteLR(TinyNet):
        def configure_optimizers(self) -> torch.optim.Optimizer:
            return torch.optim.SGD(self.parameters(), lr=math.inf)

    history = quiet(1).fit(InfiniteLR(), small_data())
    assert history.status == "stopped" and "epoch 1, batch 1" in history.message
    assert "lr=inf" not in history.message and "e.g. lr=0.1" in history.message


# ----------------------------------------------------------------------------- fault: damaged checkpoints


def _flip_a_weight_and_resave(path) -> None:
    state = torch.load(path, weights_only=True)
    state["model"]["net.0.weight"].view(torch.int32).view(-1)[0] ^= 1  # one bit, checksum left as it was
    torch.save(state, path)


def _flip_a_bit_in_the_file(path) -> None:
    content = bytearray(path.read_bytes())
    weight = torch.load(path, weights_only=True)["model"]["net.0.weight"]
    at = content.find(weight.numpy().tobytes())
    assert at > 0
    content[at + 5] ^= 0x10
    path.write_bytes(bytes(content))


def _truncate(path) -> None:
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])


def _random_bytes(path) -> None:
    path.write_bytes(random.Random(0).randbytes(4096))


def _no_keys(path) -> None:
    torch.save({"format": 2, "epoch": 1}, path)


@pytest.mark.parametrize(("damage", "expected"), [
    (_flip_a_weight_and_resave, "do not match the SHA-256 stored in it"),
    (_flip_a_bit_in_the_file, "do not match the SHA-256 stored in it"),
    (lambda path: path.write_bytes(b""), "is empty"),
    (_truncate, "is damaged or truncated"),
    (_random_bytes, "is not a checkpoint of the course's Trainer"),
    (_no_keys, "its keys model_class, model_module"),
    (lambda path: torch.save([1, 2], path), "holds a list"),
    (lambda path: torch.save({"format": 1}, path), "format 1, without a checksum"),
])
def test_damaged_checkpoint_is_one_clear_error(tmp_path, damage, expected):
    path = saved_run(tmp_path)
    damage(path)
    with pytest.raises(CheckpointError) as caught:
        quiet(2, checkpoint_dir=tmp_path, resume=True).fit(TinyNet(), small_data())
    message = str(caught.value)
    assert expected in message and str(path) in message and "delete it" in message
    assert "\n" not in message and "weights_only" not in message


def test_malicious_pickle_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    path = tmp_path / "last.pt"
    path.write_bytes(pickle.dumps({"format": 2, "model": Payload()}))
    with pytest.raises(CheckpointError, match="never loaded") as caught:
        quiet(1).fit(TinyNet(), small_data(), ckpt_path=path)
    assert not marker.exists() and "weights_only" not in str(caught.value)


def test_checkpoint_of_another_optimizer_is_refused(tmp_path):
    saved_run(tmp_path)  # SGD
    model = TinyNet()  # the same model, now trained with Adam
    model.configure_optimizers = lambda: torch.optim.Adam(model.parameters(), lr=1e-3)  # type: ignore[method-assign]
    with pytest.raises(CheckpointMismatchError,
                       match=r"saved with a SGD optimizer, but this model's configure_optimizers gives Adam"):
        quiet(2, checkpoint_dir=tmp_path, resume=True).fit(model, small_data())


# ----------------------------------------------------------------------------- fault: resuming says what it does


def test_resume_reports_the_restored_epoch_and_learning_rate(tmp_path, capsys):
    saved_run(tmp_path)  # TinyNet(lr=0.5)
    capsys.readouterr()
    trainer = quiet(2, checkpoint_dir=tmp_path, resume=True)
    history = trainer.fit(TinyNet(lr=0.1), small_data())
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (f"resume: restored {tmp_path / 'last.pt'}: 1 finished epoch, SGD lr 0.5 (the checkpoint's, "
                      f"kept; the model was built with lr=0.1); training epochs 2 to 2")
    assert ", lr 0.5, 2 epochs, resuming after epoch 1" in out[1]
    assert trainer.lr == 0.5 and [m.epoch for m in history] == [1, 2]


def test_resume_with_fewer_epochs_than_saved_is_refused(tmp_path, capsys):
    path = saved_run(tmp_path, epochs=2)
    before = path.read_bytes()
    with pytest.raises(ValueError, match=r"holds 2 finished epochs, more than max_epochs=1: pass max_epochs=2 or more"):
        quiet(1, checkpoint_dir=tmp_path, resume=True).fit(TinyNet(), small_data())
    assert path.read_bytes() == before
    capsys.readouterr()
    history = quiet(2, checkpoint_dir=tmp_path, resume=True).fit(TinyNet(), small_data())
    assert len(history) == 2 and "nothing left to train (max_epochs=2)" in capsys.readouterr().out


def test_fit_without_resume_never_overwrites_an_earlier_run(tmp_path):
    path = saved_run(tmp_path, epochs=2)
    before = path.read_bytes()
    with pytest.raises(ValueError, match=r"already holds a checkpoint of an earlier run.*resume=True to continue.*"
                                         r"another checkpoint_dir \(or delete"):
        quiet(1, checkpoint_dir=tmp_path).fit(TinyNet(), small_data())
    assert path.read_bytes() == before


# ----------------------------------------------------------------------------- fault: an unusable checkpoint folder


def test_checkpoint_folder_that_is_a_file_is_refused_at_fit_start(tmp_path):
    file = tmp_path / "checkpoints"
    file.write_text("not a folder")
    started = []

    class Started(Callback):
        def before_fit(self, trainer: Trainer) -> None:
            started.append(True)

    with pytest.raises(CheckpointError, match=r"checkpoint_dir='.*checkpoints' is a file, not a folder"):
        quiet(1, checkpoint_dir=file, callbacks=[Started()]).fit(TinyNet(), small_data())
    with pytest.raises(CheckpointError, match=r"checkpoints cannot be written in checkpoint_dir='.*checkpoints/run'"):
        quiet(1, checkpoint_dir=file / "run").fit(TinyNet(), small_data())
    assert started == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_read_only_checkpoint_folder_is_refused_at_fit_start(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(CheckpointError, match="cannot be written in checkpoint_dir=.*Permission denied"):
            quiet(1, checkpoint_dir=folder).fit(TinyNet(), small_data())
    finally:
        folder.chmod(0o700)


def test_full_disk_is_refused_at_fit_start(tmp_path, monkeypatch):
    import shutil

    from course_utils import checkpoint

    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(checkpoint.shutil, "disk_usage", lambda path: usage._replace(free=1000))
    with pytest.raises(CheckpointError, match=r"on a disk with 1.0 kB free, and a checkpoint of this model takes"):
        quiet(1, checkpoint_dir=tmp_path / "run").fit(TinyNet(), small_data())


def test_write_failure_at_an_epoch_end_names_the_file_and_keeps_the_previous(tmp_path, monkeypatch):
    real_fsync, calls = os.fsync, []

    def disk_full_at_second_save(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    snapshot = SnapshotCheckpoint(tmp_path)
    monkeypatch.setattr(os, "fsync", disk_full_at_second_save)
    with pytest.raises(CheckpointError, match=rf"could not write the checkpoint {tmp_path / 'last.pt'}: "
                                              rf"No space left on device \(errno 28\)"):
        quiet(3, checkpoint_dir=tmp_path, callbacks=[snapshot]).fit(TinyNet(), small_data())
    assert (tmp_path / "last.pt").read_bytes() == snapshot.bytes[1]
    assert [p.name for p in tmp_path.iterdir()] == ["last.pt"]  # the temporary file was removed


# ----------------------------------------------------------------------------- fault: empty loaders


def test_empty_loaders_are_refused_at_fit_start():
    batches = list(small_data().train_dataloader())[:2]
    with pytest.raises(ValueError, match=r"the validation loader \(ListData.val_dataloader\(\)\) gives no batch"):
        quiet(1).fit(TinyNet(), ListData(batches, []))
    with pytest.raises(ValueError, match=r"the training loader \(ListData.train_dataloader\(\)\) gives no batch"):
        quiet(1).fit(TinyNet(), ListData([], batches))
    # loaders without len(): found at the first pass instead, never reported as val_loss 0.0
    with pytest.raises(ValueError, match=r"the validation loader .* gives no batch"):
        quiet(1).fit(TinyNet(), ListData(batches, NoLength([])))
    with pytest.raises(ValueError, match=r"the training loader .* gives no batch"):
        quiet(1).fit(TinyNet(), ListData(NoLength([]), batches))
    with pytest.raises(TypeError, match="data must have train_dataloader"):
        quiet(1).fit(TinyNet(), object())  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- fault: reproducibility


def test_two_fits_from_the_same_initial_state_give_identical_histories():
    base = TinyNet()
    base.apply_init([torch.zeros(2, 1, 28, 28)])
    initial = copy.deepcopy(base.state_dict())
    first, second = TinyNet(), TinyNet()
    for model in (first, second):
        model.apply_init([torch.zeros(2, 1, 28, 28)])
        model.load_state_dict(initial)
    h1 = quiet(2, seed=3).fit(first, small_data())
    torch.rand(1000)  # whatever ran in between, the fit seeds its own draws (dropout)
    h2 = quiet(2, seed=3).fit(second, small_data())
    assert metrics(h1) == metrics(h2) and state_equal(first, second)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        Trainer(1, seed=-1)
    with pytest.raises(TypeError, match="seed must be a whole number"):
        Trainer(1, seed=1.5)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- fault: batch norm and one image


def test_batch_norm_model_with_a_one_image_last_batch_is_refused_at_fit_start():
    from course_utils.models import BNLeNet, BNLeNetScratch

    data = small_data(num_train=641)  # 641 = 10 x 64 + 1
    for model in (BNLeNet(), BNLeNetScratch()):
        with pytest.raises(ValueError, match=r"last training batch of every epoch would hold 1 image "
                                             r"\(641 images = 10 x 64 \+ 1\), and BNLeNet(Scratch)? has batch-norm "
                                             r"layers .* batch_size=65\), or num_train=640"):
            quiet(1).fit(model, data)
    with pytest.raises(ValueError, match=r"\(43 images x 3 passes = 129 = 2 x 64 \+ 1\)"):
        quiet(1).fit(BNLeNet(), small_data(num_train=43, repeat=3))
    assert quiet(0).fit(BNLeNet(), small_data(num_train=640)).status == "completed"  # 640: no one-image batch
    assert quiet(0).fit(TinyNet(), data).status == "completed"  # no batch norm: a batch of one is fine


# ----------------------------------------------------------------------------- fault: argument checks


def test_trainer_and_callbacks_check_their_arguments(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    with pytest.raises(ValueError, match="gradient_clip_val must be a finite number, got nan"):
        Trainer(1, gradient_clip_val=math.nan)
    with pytest.raises(ValueError, match="gradient_clip_val must be >= 0, got -1"):
        Trainer(1, gradient_clip_val=-1)
    with pytest.raises(ValueError, match=r"device='cuda', but this machine has no CUDA device"):
        Trainer(1, device="cuda")
    with pytest.raises(ValueError, match="device must be 'cpu', 'cuda', 'cuda:N' or 'mps', got 'tpu'"):
        Trainer(1, device="tpu")
    with pytest.raises(TypeError, match="max_epochs must be a whole number, got 2.0"):
        Trainer(2.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="num_gpus must be a whole number"):
        Trainer(1, num_gpus=True)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="resume must be True or False"):
        Trainer(1, resume="yes", checkpoint_dir="x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="verbose must be True or False"):
        Trainer(1, verbose=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="callbacks must be Callback objects"):
        Trainer(1, callbacks=[object()])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="callbacks must be a list of Callback objects"):
        Trainer(1, callbacks=EarlyStopping())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="checkpoint_dir must be a folder path"):
        Trainer(1, checkpoint_dir=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="patience must be >= 1, got 0"):
        EarlyStopping(patience=0)
    with pytest.raises(ValueError, match="min_delta must be a finite number, got nan"):
        EarlyStopping(min_delta=math.nan)
    with pytest.raises(ValueError, match="points_per_epoch must be >= 1, got 0"):
        LivePlot(points_per_epoch=0)
    with pytest.raises(TypeError, match="notebook must be True or False"):
        LivePlot(notebook="yes")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- fault: leftovers of a killed write


def test_stale_temporary_checkpoint_files_are_removed(tmp_path):
    stale, fresh = tmp_path / ".last.pt.dead1234.tmp", tmp_path / ".last.pt.live5678.tmp"
    for leftover in (stale, fresh):
        leftover.write_bytes(b"\0" * 1000)
    old = time.time() - 20 * 60
    os.utime(stale, (old, old))
    quiet(1, checkpoint_dir=tmp_path).fit(TinyNet(), small_data())
    assert sorted(p.name for p in tmp_path.iterdir()) == [fresh.name, "last.pt"]  # a live writer's file stays


_KILL_SCRIPT = textwrap.dedent('''
    import os, signal, sys
    import torch
    from torch import nn
    from course_utils.models import Classifier
    from course_utils.data import FashionMNIST
    from course_utils.trainer import Trainer

    torch.set_num_threads(1)

    class KillNet(Classifier):
        def __init__(self):
            super().__init__(0.5, 10)
            self.net = nn.Sequential(nn.LazyConv2d(8, 3, 2), nn.ReLU(), nn.Dropout(0.2),
                                     nn.AdaptiveAvgPool2d(3), nn.Flatten(), nn.LazyLinear(10))

    def data():
        return FashionMNIST(batch_size=64, source="sample", num_train=640)

    folder = sys.argv[2]
    if sys.argv[1] == "kill":  # kill -9 after the second checkpoint is written, before its rename
        real_replace, calls = os.replace, []
        def replace(src, dst):
            calls.append(src)
            if len(calls) == 2:
                os.kill(os.getpid(), signal.SIGKILL)
            real_replace(src, dst)
        os.replace = replace
        Trainer(3, verbose=False, checkpoint_dir=folder).fit(KillNet(), data())
    else:
        resumed, reference = KillNet(), KillNet()
        history = Trainer(3, verbose=False, checkpoint_dir=folder, resume=True).fit(resumed, data())
        Trainer(3, verbose=False).fit(reference, data())
        a, b = resumed.state_dict(), reference.state_dict()
        print(history.status, len(history), all(torch.equal(a[k], b[k]) for k in a))
''')


def test_resume_after_kill_9_during_a_checkpoint_write_is_bit_identical(tmp_path):
    script, folder = tmp_path / "run.py", tmp_path / "checkpoints"
    script.write_text(_KILL_SCRIPT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[1]),
                                                        os.environ.get("PYTHONPATH", "")])}
    killed = subprocess.run([sys.executable, str(script), "kill", str(folder)], capture_output=True, text=True, env=env)
    assert killed.returncode == -9, killed.stderr
    leftovers = [p for p in folder.iterdir() if p.name != "last.pt"]
    assert len(leftovers) == 1 and leftovers[0].name.startswith(".last.pt.")  # the killed write's temporary file
    old = time.time() - 20 * 60
    os.utime(leftovers[0], (old, old))
    resumed = subprocess.run([sys.executable, str(script), "resume", str(folder)], capture_output=True, text=True,
                             env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.splitlines()[-1] == "completed 3 True"
    assert [p.name for p in folder.iterdir()] == ["last.pt"]  # the leftover was removed by the next write
