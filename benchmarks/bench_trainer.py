"""What the Trainer's speed settings buy on this machine: ``torch.compile`` and read-backs.

    python benchmarks/bench_trainer.py                      # every model at its cpu size (about 10 minutes)
    python benchmarks/bench_trainer.py --models lenet resnet18
    python benchmarks/bench_trainer.py --quick              # LeNet only, a smoke run

1. **compile**, per model at its cpu-size settings (image size, width, batch): one training
   step (forward, loss, backward, SGD update) eagerly and compiled as ``Trainer(compile=True)``
   compiles it (``torch.compile`` of the forward pass and loss, ``dynamic=False``). The first
   compiled step is timed alone (that is the compiling, with an empty compile cache, as in a
   first run); then the two take turns, so a change of the machine's speed hits both alike.
   It prints the medians, the speed-up, after how many steps the compiling is repaid, and
   what it saves over the model's cpu-size run. These numbers decided
   ``course_utils.compiling.AUTO_ON_CPU`` (on a GPU, ``gpu_benchmark.py`` runs the same
   comparison for ``AUTO_MIN_SECONDS``).
2. **read-backs**: LeNet trained by the Trainer for one epoch as it is (the loss read back to
   the host only when something shows it), and with a callback that reads it back after
   every batch and checks the weights on the host after every step, as the Trainer did
   before; the two take turns. On a CPU every operation has finished before Python goes on,
   so a read-back costs next to nothing; on a GPU it waits until every queued kernel has run,
   and the GPU then idles while Python prepares the next batch (``gpu_benchmark.py`` measures
   that on a GPU).

Results are printed as Markdown; nothing is written.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone

import torch

from course_utils.callbacks import Callback
from course_utils.data import FashionMNIST
from course_utils.device import machine_description
from course_utils.models import get_model, init_cnn
from course_utils.profiling import training_step
from course_utils.sizes import MODEL_SETTINGS, SizeName, training_setup
from course_utils.trainer import Trainer

DEFAULT_MODELS = ["lenet", "alexnet", "vgg", "nin", "googlenet", "bnlenet_scratch", "bnlenet", "resnet18"]


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def compare_compile(key: str, rounds: int, steps: int, size: SizeName = "cpu",
                    device: torch.device | None = None) -> dict[str, float | str | int]:
    """Eager against compiled training steps of one model at ``size`` (on CUDA: bf16 autocast, channels_last)."""
    device = device or torch.device("cpu")
    run = training_setup(key, size, verbose=False)
    cuda = device.type == "cuda"
    torch.manual_seed(0)
    X = torch.rand(run.batch_size, 1, *run.resize, device=device)
    y = torch.randint(0, 10, (run.batch_size,), device=device)
    model = get_model(key, lr=run.lr, **run.model_kwargs)
    model.apply_init([X[:2].cpu()], init_cnn)
    model.to(device)
    if cuda:
        model, X = model.to(memory_format=torch.channels_last), X.contiguous(memory_format=torch.channels_last)
    optimizer = model.configure_optimizers()
    autocast = torch.bfloat16 if cuda else None
    compiled = torch.compile(lambda X, y: model.loss(model(X), y), dynamic=False)

    def eager_step() -> None:
        training_step(model, optimizer, X, y, autocast_dtype=autocast).item()

    def compiled_step() -> None:
        training_step(model, optimizer, X, y, autocast_dtype=autocast, forward_loss=compiled).item()

    for _ in range(2):
        eager_step()  # warm-up
    first = timed(compiled_step)  # compiles the forward and, at its backward, the backward pass
    eager: list[float] = []
    fast: list[float] = []
    for _ in range(rounds):
        eager += [timed(eager_step) for _ in range(steps)]
        fast += [timed(compiled_step) for _ in range(steps)]
    e, c = statistics.median(eager), statistics.median(fast)
    compile_s = first - c
    run_steps = run.max_epochs * math.ceil(60_000 / run.batch_size)
    saved = e - c
    return {
        "model": run.model_name, "size": size, "image": run.resize[0], "eager_ms": e * 1e3, "compiled_ms": c * 1e3,
        "speedup": e / c, "compile_s": compile_s, "break_even": compile_s / saved if saved > 0 else math.inf,
        "run_steps": run_steps, "run_eager_s": run_steps * e, "run_saved_s": run_steps * saved - compile_s,
    }


def compile_table(rows: list[dict]) -> str:
    lines = ["| model | image | eager step | compiled step | speed-up | compiling | repaid after | "
             "the size's run, eager | saved in that run |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        repaid = f"{r['break_even']:,.0f} steps" if math.isfinite(r["break_even"]) else "never"
        lines.append(f"| {r['model']} ({r['size']}) | {r['image']}x{r['image']} | {r['eager_ms']:.1f} ms | "
                     f"{r['compiled_ms']:.1f} ms | {r['speedup']:.2f}x | {r['compile_s']:.0f} s | {repaid} | "
                     f"{r['run_steps']:,} steps, {r['run_eager_s']:.0f} s | {r['run_saved_s']:+.0f} s |")
    return "\n".join(lines)


class ReadEveryBatch(Callback):
    """The reads the Trainer used to make: the loss after every batch, the weights after every step."""

    order = -11

    def after_loss(self, trainer: Trainer) -> None:
        math.isfinite(trainer.batch_loss)

    def after_step(self, trainer: Trainer) -> None:
        params = [p.detach() for p in trainer.model.parameters()]
        bool(torch.stack(torch._foreach_norm(params)).isfinite().all())


def compare_readbacks(rounds: int, repeat: int, device: torch.device | None = None,
                      data: FashionMNIST | None = None) -> dict[str, float]:
    """Images/s of one LeNet epoch (default: the sample, ``repeat`` passes) without and with per-batch reads."""
    data = data or FashionMNIST(batch_size=128, source="sample", repeat=repeat)
    rates: dict[str, list[float]] = {"as it is": [], "read every batch": []}
    for _ in range(rounds):
        for name, callbacks in (("as it is", []), ("read every batch", [ReadEveryBatch()])):
            model = get_model("lenet", lr=0.1)
            model.apply_init([next(iter(data.get_dataloader(True)))[0][:2]], init_cnn)
            trainer = Trainer(1, verbose=False, compile=False, callbacks=callbacks, device=device)
            history = trainer.fit(model, data)
            rates[name].append(history[0].images_per_s)
    mine, old = statistics.median(rates["as it is"]), statistics.median(rates["read every batch"])
    return {"as_it_is": mine, "every_batch": old, "ratio": mine / old}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="+", default=DEFAULT_MODELS, choices=sorted(MODEL_SETTINGS))
    parser.add_argument("--rounds", type=int, default=5, help="turns of each variant (default 5)")
    parser.add_argument("--steps", type=int, default=4, help="steps per turn (default 4)")
    parser.add_argument("--threads", type=int, help="torch threads (default: PyTorch's choice)")
    parser.add_argument("--quick", action="store_true", help="LeNet only, 2 turns: a smoke run")
    args = parser.parse_args(argv)
    # A fresh compile cache, so "compiling" is what a first run pays (PyTorch keeps compiled graphs
    # on disk and a second run of the same model compiles in seconds).
    os.environ.setdefault("TORCHINDUCTOR_CACHE_DIR", tempfile.mkdtemp(prefix="bench-inductor-"))
    if args.threads:
        torch.set_num_threads(args.threads)
    models = ["lenet"] if args.quick else args.models
    rounds = 2 if args.quick else args.rounds
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"{machine_description('cpu')}, torch {torch.__version__} ({torch.get_num_threads()} threads), {stamp}; "
          f"medians of {rounds} x {args.steps} steps per variant\n")
    rows = []
    for key in models:
        rows.append(compare_compile(key, rounds, args.steps))
        print(compile_table(rows).splitlines()[-1] if len(rows) > 1 else compile_table(rows), flush=True)
    r = compare_readbacks(rounds=2 if args.quick else 5, repeat=2 if args.quick else 10)
    print("\n| LeNet, one epoch, batch 128 (Trainer, compile=False) | images/s |\n| --- | ---: |")
    print(f"| the loss read back only when shown (as it is) | {r['as_it_is']:,.0f} |")
    print(f"| read back after every batch, weights checked on the host every step | {r['every_batch']:,.0f} |")
    print(f"\nratio: {r['ratio']:.3f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
