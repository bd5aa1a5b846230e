"""How the Trainer computes a training batch's loss: plainly (eager), or through ``torch.compile``.

``Trainer(compile=...)`` takes three settings:

* ``False``: eager PyTorch, every operation run as it comes;
* ``True``: the forward pass and the loss are compiled (``torch.compile``, default mode) at the
  first training batch, and their backward pass at its first backward; a failure is an error;
* ``"auto"`` (the default): on a GPU, the first training steps run eagerly and are timed; if
  the rest of the run would take longer than :data:`AUTO_MIN_SECONDS` eagerly, the step is
  compiled, otherwise it stays eager. A compilation that fails then falls back to eager, in one
  line. On a CPU it stays eager (:data:`AUTO_ON_CPU`).

Compiling costs time once (tens of seconds), so it pays only in a run long enough to win that
time back, and only where the compiled step is faster: ``benchmarks/bench_trainer.py``
measures both per model. On a 2-core CPU the compiled steps were 0.87-1.29x as fast as eager
ones, so "auto" leaves the CPU eager.

The training batches of the first batch's size run compiled; any other size (the short last
batch of an epoch) and the validation run eagerly, so one graph serves the whole run and no
batch size is compiled twice. The compiled function calls the same module, so the
weights, the optimizer and the checkpoints are the same as eagerly; the numbers can differ in
their last bits (fused kernels add in another order).

The Trainer's callbacks hear ``before_compile`` and ``after_compile``, so the progress output
says that compiling is under way and how long it took.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

import torch

from course_utils.language import say

if TYPE_CHECKING:
    from course_utils.trainer import Trainer

__all__ = ["CompileSetting", "AUTO_ON_CPU", "AUTO_MIN_SECONDS", "AUTO_PROBE_STEPS", "check_setting", "StepCompiler"]

CompileSetting = bool | Literal["auto"]

# "auto" on a CPU trains eagerly. Measured side by side on a 2-core CPU
# (benchmarks/bench_trainer.py, docs/benchmarks.md): compiling took 8-55 s and made the
# training steps of the course's models 0.87-1.29x as fast (slower for AlexNet, VGG, GoogLeNet
# and BNLeNet), so over a cpu-size run it saved at most 21 s and lost up to 65 s.
AUTO_ON_CPU = False
# On a GPU "auto" compiles when the eager rest of the run is estimated at more than this: a
# compile of tens of seconds is then repaid by a step 1.3x faster or more.
AUTO_MIN_SECONDS = 180.0
AUTO_PROBE_STEPS = 8  # eager steps timed before "auto" decides (after a first, warm-up step)


def check_setting(value: Any) -> CompileSetting:
    """``value`` if it is True, False or "auto"; else a clear error."""
    if isinstance(value, bool) or value == "auto":
        return value
    raise ValueError(f"compile must be True, False or 'auto' (compile when the run is long enough), "
                     f"got {value!r}: write e.g. Trainer(..., compile='auto')")


def _cpu_compiler() -> str | None:
    """The C++ compiler torch.compile would use on the CPU (None when there is none)."""
    for name in (os.environ.get("CXX"), "g++", "clang++", "c++", "cl"):
        if name and shutil.which(name):
            return name
    return None


def _unsupported(device: torch.device) -> str | None:
    """Why torch.compile cannot be used here, or None."""
    if device.type not in ("cpu", "cuda"):
        return f"torch.compile is not used on {device.type}"
    if device.type == "cpu" and _cpu_compiler() is None:
        return "torch.compile needs a C++ compiler on the CPU (g++ or clang++), and none was found"
    return None


class StepCompiler:
    """The Trainer's forward-and-loss of a training batch, eager or compiled (see module doc)."""

    def __init__(self, setting: CompileSetting, autocast: Callable[[], contextlib.AbstractContextManager[Any]]):
        self.setting = setting
        self.autocast = autocast
        self.compiled: Callable[..., torch.Tensor] | None = None
        self.batch_size: int | None = None  # the batch size the compiled graph is for
        self.seconds = 0.0  # time the first compiled step took (the compiling, mostly)
        self.reason = ""  # why it compiles or not, for the progress output
        self.state: Literal["eager", "probing", "compile", "compiling", "compiled"] = "eager"

    def check_device(self, device: torch.device) -> None:
        """Refuse ``compile=True`` at once where torch.compile cannot run."""
        unsupported = _unsupported(device)
        if self.setting is True and unsupported is not None:
            raise ValueError(f"compile=True: {unsupported}; use compile=False (or 'auto', which then "
                             f"trains eagerly)")

    # -------------------------------------------------------------- set-up, once per fit

    def prepare(self, trainer: Trainer) -> None:
        """Decide at the start of ``fit`` what the setting means for this run."""
        self.trainer = trainer
        self.compiled, self.batch_size, self.seconds, self.reason = None, None, 0.0, ""
        self.full: int | None = None
        self.probe_steps = 0
        unsupported = _unsupported(trainer.device)
        if self.setting is False:
            self.state = "eager"
        elif unsupported is not None:  # only "auto" gets here: Trainer(compile=True) refused it already
            self.state, self.reason = "eager", unsupported
        elif self.setting is True:
            self.state, self.reason = "compile", "compile=True"
        elif trainer.device.type == "cpu" and not AUTO_ON_CPU:
            self.state = "eager"
            self.reason = say("compile='auto' trains eagerly on a CPU, where compiling was measured not to pay "
                              "(benchmarks/bench_trainer.py); compile=True compiles anyway")
        else:
            self.state = "probing"

    # -------------------------------------------------------------- the batch

    def _forward_loss(self, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        model = self.trainer.model
        with self.autocast():
            return model.loss(model(X), y)

    def loss(self, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The loss of one training batch (the forward pass in training mode)."""
        if self.full is None:
            self.full = len(y)  # the first batch's size: the loader's batch size
        if self.state == "compile" and len(y) == self.full:  # never a graph for a short last batch
            self._start_compiling(len(y))
        if self.compiled is not None and len(y) == self.batch_size:
            if self.state != "compiling":
                return self.compiled(X, y)
            self.batch = (X, y)
            try:
                return self.compiled(X, y)
            except Exception as error:  # noqa: BLE001 - a compiler failure of any kind
                self._failed(error)
        return self._forward_loss(X, y)

    def backward(self, loss: torch.Tensor) -> None:
        """``loss.backward()``; the first compiled one compiles the backward pass."""
        if self.state != "compiling":
            loss.backward()
            return
        try:
            loss.backward()
        except Exception as error:  # noqa: BLE001
            self._failed(error)
            self.trainer.optim.zero_grad(set_to_none=True)
            self._forward_loss(*self.batch).backward()  # the same batch, eagerly

    def step_done(self) -> None:
        """After the optimizer step: finish timing the compile, or the probe of "auto"."""
        if self.state == "compiling":
            _wait(self.trainer.device)
            self.seconds = time.perf_counter() - self.compile_start
            self.state = "compiled"
            self.trainer._callback("after_compile")
        elif self.state == "probing":
            # Timed from the end of the first step (which warms up) to the end of the probe's
            # last: two waits for the GPU in all, so the queued steps are counted as finished.
            if self.probe_steps in (0, AUTO_PROBE_STEPS):
                _wait(self.trainer.device)
            if self.probe_steps == 0:
                self.probe_start = time.perf_counter()
            elif self.probe_steps == AUTO_PROBE_STEPS:
                self._decide((time.perf_counter() - self.probe_start) / AUTO_PROBE_STEPS)
            self.probe_steps += 1

    # -------------------------------------------------------------- helpers

    def _start_compiling(self, batch_size: int) -> None:
        # PyTorch warns, on a CPU-only machine, that it found no CUDA runtime: true, and nothing to act on.
        logging.getLogger("torch.utils.cpp_extension").setLevel(logging.ERROR)
        self.compiled = torch.compile(self._forward_loss, dynamic=False)
        self.batch_size, self.state = batch_size, "compiling"
        self.trainer._callback("before_compile")
        self.compile_start = time.perf_counter()

    def _decide(self, step: float) -> None:
        """Compile or not, from the time of one eager step (``step`` seconds)."""
        trainer = self.trainer
        done = (trainer.epoch - trainer.start_epoch) * trainer.num_train_batches + trainer.batch_idx + 1
        left = max(trainer.max_epochs - trainer.start_epoch, 0) * trainer.num_train_batches - done
        estimate = left * step
        if estimate > AUTO_MIN_SECONDS:
            self.state = "compile"
            self.reason = say("compile='auto': about {left} of training left at {ms:.0f} ms a step, long enough to "
                              "repay compiling", left=_minutes(estimate), ms=step * 1e3)
        else:
            self.state = "eager"
            self.reason = say("compile='auto': about {left} of training left, too short to repay compiling",
                              left=_minutes(estimate))

    def _failed(self, error: Exception) -> None:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        if self.setting is True:
            raise RuntimeError(f"compile=True: torch.compile could not compile {type(self.trainer.model).__name__}"
                               f" on {self.trainer.device.type} ({type(error).__name__}: {first[:200]}); "
                               f"use compile=False, or 'auto', which falls back to eager training") from error
        self.compiled, self.state = None, "eager"
        self.reason = say("compile='auto': torch.compile failed ({error}: {first}), training eagerly",
                          error=type(error).__name__, first=first[:120])
        self.seconds = 0.0
        self.trainer._callback("after_compile")


def _wait(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _minutes(seconds: float) -> str:
    return say("{seconds:.0f} s", seconds=seconds) if seconds < 120 else say("{minutes:.0f} min", minutes=seconds / 60)
