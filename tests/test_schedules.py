"""The learning-rate schedule (course_utils.schedules): its curve, the rates the optimizer used, resuming."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_utils.callbacks import Callback
from course_utils.schedules import cosine_factor
from course_utils.sizes import MODEL_SETTINGS, training_setup
from course_utils.trainer import Trainer
from test_trainer import InterruptAt, TinyNet, quiet, small_data, state_equal

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


class RatesUsed(Callback):
    """The rate of each parameter group at every optimizer step, read after the step was taken."""

    order = 30

    def __init__(self) -> None:
        self.rates: list[float] = []

    def after_step(self, trainer: Trainer) -> None:
        self.rates.append(trainer.optim.param_groups[0]["lr"])


@given(total=st.integers(2, 5_000), data=st.data())
def test_cosine_rises_to_one_then_falls_towards_zero(total, data):
    warmup = data.draw(st.integers(1, total // 2 if total >= 2 else 1))
    factors = [cosine_factor(step, total, warmup) for step in range(total)]
    assert factors[:warmup] == pytest.approx([(s + 1) / warmup for s in range(warmup)])
    assert factors[warmup - 1] == pytest.approx(1.0)  # the peak, at the warm-up's last step
    decay = factors[warmup - 1:]
    assert all(later < earlier for earlier, later in zip(decay, decay[1:]))
    assert 0 <= factors[-1] <= 0.5  # the last steps are the smallest of the decay
    if total - warmup >= 20:
        assert factors[-1] < 0.01


def test_the_optimizer_steps_with_the_scheduled_rates():
    rates = RatesUsed()
    history = quiet(3, lr_schedule="cosine", callbacks=[rates]).fit(TinyNet(lr=0.5), small_data())
    assert history.status == "completed"
    per_epoch = 10  # 640 images in batches of 64
    assert len(rates.rates) == 3 * per_epoch
    assert rates.rates[:per_epoch] == pytest.approx([0.5 * (b + 1) / per_epoch for b in range(per_epoch)])
    assert rates.rates == pytest.approx([0.5 * cosine_factor(s, 30, per_epoch) for s in range(30)])
    assert rates.rates[-1] < 0.01


def test_constant_is_the_default_and_keeps_the_models_rate():
    rates = RatesUsed()
    trainer = quiet(2, callbacks=[rates])
    assert trainer.lr_schedule == "constant"
    trainer.fit(TinyNet(lr=0.5), small_data())
    assert set(rates.rates) == {0.5}


def test_a_resumed_cosine_run_reaches_the_same_weights(tmp_path, capsys):
    reference = TinyNet()
    quiet(3, lr_schedule="cosine").fit(reference, small_data())
    quiet(3, lr_schedule="cosine", checkpoint_dir=tmp_path, callbacks=[InterruptAt(epoch=2, batch=4)]).fit(
        TinyNet(), small_data())
    capsys.readouterr()
    resumed = TinyNet()
    rates = RatesUsed()
    history = quiet(3, lr_schedule="cosine", checkpoint_dir=tmp_path, resume=True,
                    callbacks=[rates]).fit(resumed, small_data())
    assert history.status == "completed" and state_equal(resumed, reference)
    assert rates.rates == pytest.approx([0.5 * cosine_factor(s, 30, 10) for s in range(10, 30)])
    assert "lr 0.5;" in capsys.readouterr().out  # the peak rate, not the last step's


def test_the_first_line_names_the_schedule(capsys):
    quiet(1, lr_schedule="cosine").fit(TinyNet(lr=0.5), small_data())
    assert "TinyNet, lr 0.5 (warm-up, then cosine decay to 0), 1 epoch" in capsys.readouterr().out


def test_the_runs_settings_choose_the_schedule():
    scheduled = [key for key, entry in MODEL_SETTINGS.items() if entry.cpu.lr_schedule == "cosine"]
    assert scheduled, "no model uses the cosine schedule at the cpu size"
    key = scheduled[0]
    cpu = training_setup(key, "cpu", verbose=False)
    assert Trainer(1, verbose=False, setup=cpu).lr_schedule == "cosine"
    assert "cosine decay of the lr (book: constant)" in cpu.changes
    book = training_setup(key, "book", verbose=False)
    assert Trainer(1, verbose=False, setup=book).lr_schedule == "constant"
    assert Trainer(1, verbose=False, setup=cpu, lr_schedule="constant").lr_schedule == "constant"
    assert all(entry.book.lr_schedule == "constant" for entry in MODEL_SETTINGS.values())  # the book's


def test_a_loader_without_length_is_refused_before_any_step():
    class NoLength:
        def __init__(self, loader):
            self.loader = loader

        def __iter__(self):
            return iter(self.loader)

    class Data:
        def train_dataloader(self):
            return NoLength(small_data().train_dataloader())

        def val_dataloader(self):
            return small_data().val_dataloader()

    with pytest.raises(ValueError, match="lr_schedule='cosine' needs the number of training batches"):
        quiet(1, lr_schedule="cosine").fit(TinyNet(), Data())


@pytest.mark.parametrize("value", ["linear", "Cosine", 1, None.__class__])
def test_unknown_schedules_are_refused_with_the_choices(value):
    with pytest.raises(ValueError, match=r"lr_schedule must be one of 'constant', 'cosine', got"):
        Trainer(1, lr_schedule=value)
