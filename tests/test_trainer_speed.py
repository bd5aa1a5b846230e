"""What the Trainer does for speed: the loss is read back from the device only when shown or
checked (not after every batch), and ``compile=`` (off, on, automatic) with its messages and
its fallback. How much each buys is measured by benchmarks (``benchmarks/bench_compile.py``),
never asserted here."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from course_utils import compiling
from course_utils.callbacks import Callback, NaNGuard, ProgressBar
from course_utils.data import FashionMNIST
from course_utils.models import Classifier
from course_utils.trainer import Trainer

READS = {torch.Tensor.item, torch.Tensor.tolist, torch.Tensor.__float__, torch.Tensor.__bool__,
         torch.Tensor.__int__}


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


class Linear(Classifier):
    """No dropout, no lazy layer: eager and compiled runs draw nothing at random."""

    def __init__(self, lr: float = 0.1) -> None:
        super().__init__(lr, 10)
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))


class ReadBacks(TorchFunctionMode):
    """Counts the reads of a tensor's value into Python (each one a wait for the device on a GPU)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.count += func in READS
        return func(*args, **(kwargs or {}))


def data(num_train: int, batch_size: int = 32) -> FashionMNIST:
    return FashionMNIST(batch_size=batch_size, source="sample", num_train=num_train)


def reads_of_a_fit(num_train: int, callbacks=()) -> int:
    with ReadBacks() as reads:
        history = Trainer(2, verbose=False, compile=False, callbacks=list(callbacks)).fit(Linear(), data(num_train))
    assert history.status == "completed"
    return reads.count


# ----------------------------------------------------------------------------- read-backs


def test_the_loss_is_not_read_back_after_every_batch():
    """Twice the batches, the same number of read-backs: they happen per epoch, not per batch."""
    few, many = reads_of_a_fit(320), reads_of_a_fit(1280)  # 10 and 40 batches per epoch
    assert few == many
    assert many <= 2 * 6  # per epoch: the guard's check, the epoch's loss, validation's loss and accuracy


def test_the_progress_bar_reads_the_loss_only_when_it_refreshes():
    slow = ProgressBar(every_s=3600)  # shows the loss at the first and the last batch of an epoch only
    assert reads_of_a_fit(320, [slow]) == reads_of_a_fit(1280, [slow])
    every = ProgressBar(every_s=0)  # shows the loss after every batch: one read each
    assert reads_of_a_fit(1280, [every]) - reads_of_a_fit(1280, [slow]) == 2 * (40 - 2)


def test_the_epoch_loss_is_the_mean_of_the_batch_losses():
    """Summed on the device, weighted by batch size: the same as the mean of the read-back batch losses."""
    losses: list[tuple[float, int]] = []

    class Record(Callback):
        def after_batch(self, trainer) -> None:
            losses.append((trainer.batch_loss, 0))

    sizes: list[int] = []

    class Sizes(Callback):
        def after_batch(self, trainer) -> None:
            sizes.append(trainer.seen - sum(sizes))

    history = Trainer(1, verbose=False, compile=False, callbacks=[Record(), Sizes()]).fit(Linear(), data(300, 64))
    assert sizes == [64, 64, 64, 64, 44]
    mean = sum(loss * n for (loss, _), n in zip(losses, sizes)) / 300
    assert history[0].train_loss == pytest.approx(mean, rel=1e-6)


# ----------------------------------------------------------------------------- compile=


def fake_compile(monkeypatch, wrap=lambda fn: fn) -> list[int]:
    """torch.compile replaced by ``wrap`` (no compiler runs); returns the list of its calls."""
    calls: list[int] = []

    def compile(fn, **kwargs):
        calls.append(1)
        return wrap(fn)

    monkeypatch.setattr(torch, "compile", compile)
    monkeypatch.setattr(compiling, "_cpu_compiler", lambda: "g++")
    monkeypatch.setattr(compiling, "AUTO_ON_CPU", True)  # "auto" as on a GPU: decide from the timing
    return calls


def test_auto_stays_eager_in_a_short_run(monkeypatch, capsys):
    calls = fake_compile(monkeypatch)
    trainer = Trainer(2, verbose=False)  # compile="auto" is the default
    assert trainer.fit(Linear(), data(640)).status == "completed"
    assert calls == [] and trainer.compiler.state == "eager"
    assert "too short to repay compiling" in trainer.compiler.reason
    assert "compiling" not in capsys.readouterr().out


def test_auto_compiles_a_run_long_enough_and_says_so(monkeypatch, capsys):
    calls = fake_compile(monkeypatch)
    monkeypatch.setattr(compiling, "AUTO_MIN_SECONDS", 0.0)
    trainer = Trainer(2, verbose=False)
    assert trainer.fit(Linear(), data(650)).status == "completed"  # 20 batches of 32 and one of 10
    assert calls == [1] and trainer.compiler.state == "compiled" and trainer.compiler.batch_size == 32
    out = capsys.readouterr().out
    assert "compile='auto': about 0 s of training left at" in out and "long enough to repay compiling" in out
    assert "compiling the training step with torch.compile" in out and "compiled in" in out
    assert "of it compiling)" in out.splitlines()[-1]


def test_a_failed_compile_falls_back_to_eager_under_auto(monkeypatch, capsys):
    def broken(fn):
        def run(*args):
            raise RuntimeError("InductorError: no working C++ compiler\nmore details")
        return run

    fake_compile(monkeypatch, broken)
    eager = Trainer(2, verbose=False, compile=False).fit(Linear(), data(320))
    trainer = Trainer(2, verbose=False, compile=True)
    with pytest.raises(RuntimeError, match=r"compile=True: torch.compile could not compile Linear on cpu "
                                           r"\(RuntimeError: InductorError: no working C\+\+ compiler\); "
                                           r"use compile=False, or 'auto'"):
        trainer.fit(Linear(), data(320))
    monkeypatch.setattr(compiling, "AUTO_MIN_SECONDS", 0.0)
    trainer = Trainer(2, verbose=False)
    history = trainer.fit(Linear(), data(320))
    assert history.status == "completed" and trainer.compiler.state == "eager"
    assert "torch.compile failed (RuntimeError: InductorError: no working C++ compiler), training eagerly" \
        in capsys.readouterr().out
    assert [m.val_acc for m in history] == [m.val_acc for m in eager]  # the failed batch ran again, eagerly


def test_a_failed_backward_compile_reruns_the_batch_eagerly(monkeypatch, capsys):
    class Boom(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, grad):
            raise RuntimeError("backward graph failed to compile")

    fake_compile(monkeypatch, lambda fn: lambda X, y: Boom.apply(fn(X, y)))
    monkeypatch.setattr(compiling, "AUTO_MIN_SECONDS", 0.0)
    eager = Trainer(2, verbose=False, compile=False).fit(Linear(), data(320))
    trainer = Trainer(2, verbose=False)
    history = trainer.fit(Linear(), data(320))
    assert "backward graph failed to compile" in capsys.readouterr().out
    assert [m.val_acc for m in history] == [m.val_acc for m in eager]


def test_auto_trains_eagerly_on_a_cpu_and_says_why():
    trainer = Trainer(1, verbose=False)
    trainer.fit(Linear(), data(64))
    assert trainer.compiler.state == "eager" and not compiling.AUTO_ON_CPU
    assert "compile='auto' trains eagerly on a CPU, where compiling was measured not to pay" in trainer.compiler.reason


def test_compile_true_without_a_cpu_compiler_is_refused_at_the_call(monkeypatch):
    monkeypatch.setattr(compiling, "_cpu_compiler", lambda: None)
    monkeypatch.setattr(compiling, "AUTO_ON_CPU", True)
    with pytest.raises(ValueError, match=r"compile=True: torch.compile needs a C\+\+ compiler on the CPU "
                                         r"\(g\+\+ or clang\+\+\), and none was found; use compile=False"):
        Trainer(1, compile=True)
    trainer = Trainer(1, verbose=False)  # "auto" trains eagerly, and says why when asked
    trainer.fit(Linear(), data(64))
    assert trainer.compiler.state == "eager" and "needs a C++ compiler" in trainer.compiler.reason


@pytest.mark.skipif(compiling._cpu_compiler() is None, reason="torch.compile needs a C++ compiler on the CPU")
def test_compiled_training_matches_eager_training(capsys):
    """A real torch.compile: one graph (the short last batch runs eagerly), the same results to rounding."""
    eager = Trainer(2, verbose=False, compile=False).fit(Linear(), data(650))
    capsys.readouterr()
    trainer = Trainer(2, verbose=False, compile=True)
    compiled = trainer.fit(Linear(), data(650))
    assert trainer.compiler.state == "compiled" and trainer.compiler.seconds > 0
    for a, b in zip(eager, compiled):
        assert b.train_loss == pytest.approx(a.train_loss, rel=1e-4)
        assert b.val_loss == pytest.approx(a.val_loss, rel=1e-4)
    out = capsys.readouterr().out
    assert "compiling the training step with torch.compile (once" in out and "compiled in " in out


# ----------------------------------------------------------------------------- the NaN guard, read late


def test_huge_but_finite_weights_are_no_fault():
    """Their norm overflows to inf on the device; the guard looks again, exactly, before it stops anything."""

    class Huge(Linear):
        def __init__(self) -> None:
            super().__init__()
            self.unused = nn.Parameter(torch.full((10,), 1e30))  # its norm overflows float32

    history = Trainer(2, verbose=False, compile=False).fit(Huge(), data(320))
    assert history.status == "completed", history.message


def test_the_guard_names_the_first_bad_batch_however_late_it_looks():
    class NaNFrom(Linear):
        def loss(self, Y_hat, Y):
            loss = super().loss(Y_hat, Y)
            self.calls = getattr(self, "calls", 0) + self.training
            return loss * torch.nan if self.training and self.calls >= 4 else loss

    late = NaNGuard(every_s=3600)  # reads only at the epoch's last batch
    trainer = Trainer(2, verbose=False, compile=False)
    trainer.callbacks = [late if isinstance(cb, NaNGuard) else cb for cb in trainer.callbacks]
    history = trainer.fit(NaNFrom(), data(320))  # 10 batches per epoch
    assert history.status == "stopped" and len(history) == 0  # the bad epoch was not validated
    assert history.message.startswith("the loss became nan in epoch 1, batch 4: training stopped "
                                      "(checked at epoch 1, batch 10)"), history.message


def test_auto_never_compiles_for_a_short_last_batch(monkeypatch):
    """The decision falls just before an epoch's short last batch: the graph is made for the full size."""
    fake_compile(monkeypatch)
    monkeypatch.setattr(compiling, "AUTO_MIN_SECONDS", 0.0)
    trainer = Trainer(2, verbose=False)
    steps = compiling.AUTO_PROBE_STEPS + 1  # "auto" decides after this many steps
    trainer.fit(Linear(), data(steps * 32 + 10))  # then comes the short batch of 10
    assert trainer.compiler.state == "compiled" and trainer.compiler.batch_size == 32
