"""Time the book's loops against the vectorised ops and PyTorch (D2L 7.2, 7.5).

    python benchmarks/bench_ops.py            # full run (the figures for the docs)
    python benchmarks/bench_ops.py --quick    # smoke run: a few seconds, rough numbers

Prints the machine (``course_utils.device.machine_description``), then a Markdown table of
median times per call: loop ``corr2d`` vs ``corr2d_vectorized`` vs ``F.conv2d`` on a 64x64
input with a 3x3 kernel (target: the vectorised version >= 100x faster than the loops), and
loop ``pool2d`` vs ``pool2d_vectorized`` vs ``F.max_pool2d`` with a 3x3 window, stride 1.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch.utils.benchmark import Timer

from course_utils.device import describe_device, machine_description
from course_utils.ops import corr2d, corr2d_vectorized, pool2d, pool2d_vectorized

__all__ = ["main"]


@dataclass
class Result:
    name: str
    seconds: float  # median time of one call
    baseline: str  # the row this one is compared with



def median_time(fn: Callable[[], object], repeat: int, min_block_s: float) -> float:
    """Median seconds per call over ``repeat`` blocks, each long enough to time reliably."""
    timer = Timer(stmt="fn()", globals={"fn": fn}, num_threads=torch.get_num_threads())
    fn()  # warm up
    number = 1
    while (elapsed := timer.timeit(number).median * number) < min_block_s and number < 1_000_000:
        number *= max(2, min(10, int(min_block_s / max(elapsed, 1e-9))))
    return statistics.median(timer.timeit(number).median for _ in range(repeat))


def format_time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def run(size: int, repeat: int, min_block_s: float) -> list[Result]:
    torch.manual_seed(0)
    X, K = torch.randn(size, size), torch.randn(3, 3)
    X4, K4 = X[None, None], K[None, None]
    cases: list[tuple[str, Callable[[], object], str]] = [
        ("corr2d (loops, D2L 7.2.1)", lambda: corr2d(X, K), ""),
        ("corr2d_vectorized", lambda: corr2d_vectorized(X, K), "corr2d (loops, D2L 7.2.1)"),
        ("F.conv2d", lambda: F.conv2d(X4, K4), "corr2d (loops, D2L 7.2.1)"),
        ("pool2d max (loops, D2L 7.5.1)", lambda: pool2d(X, 3), ""),
        ("pool2d_vectorized max", lambda: pool2d_vectorized(X, 3), "pool2d max (loops, D2L 7.5.1)"),
        ("F.max_pool2d", lambda: F.max_pool2d(X4, 3, stride=1), "pool2d max (loops, D2L 7.5.1)"),
    ]
    with torch.no_grad():
        return [Result(name, median_time(fn, repeat, min_block_s), base) for name, fn, base in cases]


def markdown(results: list[Result], size: int) -> str:
    by_name = {r.name: r for r in results}
    lines = [
        f"| operation ({size}x{size} input, 3x3 kernel/window, stride 1) | median per call | speed-up vs loops |",
        "|---|---:|---:|",
    ]
    for r in results:
        ratio = f"{by_name[r.baseline].seconds / r.seconds:,.0f}x" if r.baseline else "1x"
        lines.append(f"| {r.name} | {format_time(r.seconds)} | {ratio} |")
    vec, conv = by_name["corr2d_vectorized"].seconds, by_name["F.conv2d"].seconds
    lines.append("")
    lines.append(f"corr2d_vectorized takes {vec / conv:.1f}x the time of F.conv2d.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: 3 short repeats")
    parser.add_argument(
        "--repeat", type=int, default=None, help="timed blocks per operation (default 7; 3 with --quick)"
    )
    parser.add_argument("--size", type=int, default=64, help="input height and width (default 64)")
    parser.add_argument(
        "--threads", type=int, default=None,
        help="torch threads (default: torch's choice); on a busy machine 1 gives steadier numbers",
    )
    args = parser.parse_args(argv)
    if args.threads is not None:
        if args.threads < 1:
            parser.error(f"--threads must be >= 1, got {args.threads}")
        torch.set_num_threads(args.threads)
    repeat = args.repeat or (3 if args.quick else 7)
    if repeat < 1 or args.size < 3:
        parser.error(f"--repeat must be >= 1 and --size >= 3, got {repeat} and {args.size}")
    min_block_s = 0.02 if args.quick else 0.2

    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    print(f"CPU: {machine_description('cpu')}{load}")
    print(f"Python {platform.python_version()}, torch {torch.__version__} on {describe_device(torch.device('cpu'))}")
    print(f"Median of {repeat} timed blocks per operation{' (--quick: rough numbers)' if args.quick else ''}.\n")
    print(markdown(run(args.size, repeat, min_block_s), args.size))
    busy = hasattr(os, "getloadavg") and os.getloadavg()[0] > 0.5 * (os.cpu_count() or 1)
    if busy and torch.get_num_threads() > 1:
        print(
            "\nNote: the machine is busy; multi-threaded kernels wait for cores and can be 100x "
            "slower than usual. Rerun when it is idle, or with --threads 1."
        )


if __name__ == "__main__":
    main()
