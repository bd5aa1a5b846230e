"""The Trainer and its callbacks: seeds, history, checkpoints and resuming, guards, devices,
display, and one real learning check (the book's LeNet cell at the fast size)."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from course_utils.callbacks import (
    Callback,
    CancelFitException,
    CheckpointMismatchError,
    EarlyStopping,
    LivePlot,
    model_fingerprint,
    read_checkpoint,
)
from course_utils.classifier import Classifier
from course_utils.data import FashionMNIST
from course_utils.trainer import EpochMetrics, History, Trainer, select_device


@pytest.fixture(autouse=True)
def one_thread():
    """One intra-op thread: on a busy 2-core machine, two OpenMP threads can be many times slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


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
    assert out[0].startswith("[size ") and "device cpu" in out[0]  # every run starts with size and device
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
    assert all(torch.isfinite(p).all() for p in model.parameters())  # the bad step was never taken
    assert "stopped: the loss became nan" in capsys.readouterr().out


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


# ----------------------------------------------------------------------------- learning


def test_book_lenet_cell_learns_at_fast_size(monkeypatch):
    """The book's 7.6 cell at the fast size (sample, batch 32, 10 passes per epoch) reaches 0.70."""
    from course_utils.models import LeNet, init_cnn
    from course_utils.sizes import training_setup

    monkeypatch.setenv("COURSE_SIZE", "fast")
    run = training_setup("lenet", verbose=False)
    assert (run.lr, run.max_epochs) == (0.1, 10)  # the book's values
    data = FashionMNIST(batch_size=run.batch_size, resize=run.resize, **run.data_kwargs)
    model = LeNet(lr=run.lr, **run.model_kwargs)
    model.apply_init([next(iter(data.get_dataloader(True)))[0]], init_cnn)
    trainer = Trainer(max_epochs=run.max_epochs, verbose=False)
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
