#!/usr/bin/env python
"""Peak memory of the kernel that runs each notebook top to bottom (for Binder's ~2 GB).

    python scripts/measure_memory.py                    # notebooks/*.ipynb, fast size -> course_utils/results/memory-fast.json
    python scripts/measure_memory.py --quick            # one small notebook, a smoke run; writes nothing
    python scripts/measure_memory.py --size cpu notebooks/08-3-nin.ipynb --output /tmp/memory-cpu.json

Each notebook runs as ``scripts/run_notebooks.py`` runs it (same function, same kernel
settings, ``COURSE_SIZE`` from ``--size``), but is never written back. After its last
cell, one more cell in the same kernel reads the kernel's peak resident memory
(``ru_maxrss`` of ``getrusage(RUSAGE_SELF)``, i.e. ``VmHWM``) and the largest peak of
any child process it waited for (``RUSAGE_CHILDREN``). Prints a table and writes a JSON
report: machine, date, versions, and per notebook ``peak_mib`` (kernel),
``children_peak_mib`` and ``wall_s``. Linux and macOS (``resource`` module); the numbers
are for one kernel, not the Jupyter server, which runs in its own process.

The course starts no worker processes. A forked child's peak counts the pages it
shares with the kernel when it forks, so ``children_peak_mib`` is not extra memory
unless it exceeds ``peak_mib``: with PyTorch's CUDA wheels, importing torch runs
``ldconfig -p`` (``ctypes.util.find_library`` in ``cuda.pathfinder``), whose peak is
the kernel's size at that moment.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
from pathlib import Path

from nbclient.exceptions import CellExecutionError

from course_utils.comparison import results_dir
from course_utils.device import machine_description
from course_utils.files import write_atomic
from run_notebooks import ROOT, SIZES, execute_notebook, set_kernel_environment

MIB = 1024 * 1024
QUICK_NOTEBOOK = "07-4-channels.ipynb"

# Run in the notebook's kernel after its last cell: one line of JSON with the peaks in bytes.
PEAK_SOURCE = """\
import json as _json, resource as _resource, sys as _sys
_unit = 1 if _sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
print(_json.dumps({
    "self": _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss * _unit,
    "children": _resource.getrusage(_resource.RUSAGE_CHILDREN).ru_maxrss * _unit,
    "torch": getattr(_sys.modules.get("torch"), "__version__", None),  # the build: +cpu or +cu...
}))"""


def measure_notebook(path: Path, timeout: int) -> tuple[dict[str, float], str | None]:
    """Execute ``path`` (not written): its kernel's peaks in MiB and the wall time in seconds,
    and the kernel's torch version (None if the notebook did not import torch)."""
    nb, elapsed = execute_notebook(path, timeout, extra_source=PEAK_SOURCE)
    text = "".join(output.get("text", "") for output in nb.cells[-1].outputs if output.output_type == "stream")
    peaks = json.loads(text.strip().splitlines()[-1])
    row = {
        "peak_mib": round(peaks["self"] / MIB, 1),
        "children_peak_mib": round(peaks["children"] / MIB, 1),
        "wall_s": round(elapsed, 1),
    }
    return row, peaks["torch"]



def total_memory_mib() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / MIB)
    except (ValueError, OSError, AttributeError):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to measure (default: notebooks/*.ipynb)")
    parser.add_argument("--size", choices=SIZES, default="fast", help="COURSE_SIZE for the kernel (default: fast)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell (default: 1800)")
    parser.add_argument("--output", type=Path,
                        help="JSON report to write (default: course_utils/results/memory-<size>.json; "
                             "none with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke run: only notebooks/{QUICK_NOTEBOOK} (or the first one given)")
    args = parser.parse_args(argv)

    paths = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if args.quick:
        paths = [paths[0]] if args.notebooks else [ROOT / "notebooks" / QUICK_NOTEBOOK]
    if not paths:
        parser.error("no notebooks found")
    output = args.output
    if output is None and not args.quick:
        output = results_dir() / f"memory-{args.size}.json"
    set_kernel_environment(args.size)

    print(f"size {args.size}: peak resident memory of each notebook's kernel")
    print(f"{'notebook':<52} {'peak MiB':>9} {'children':>9} {'wall s':>7}")
    measured: dict[str, dict[str, float]] = {}
    failed = []
    torch_versions: set[str] = set()
    for path in paths:
        try:
            row, torch_version = measure_notebook(path, args.timeout)
        except CellExecutionError as error:
            failed.append(path.name)
            print(f"FAILED {path.name}\n{error}", file=sys.stderr)
            continue
        measured[path.name] = row
        torch_versions.update([torch_version] if torch_version else [])
        print(f"{path.name:<52} {row['peak_mib']:>9.1f} {row['children_peak_mib']:>9.1f} {row['wall_s']:>7.1f}",
              flush=True)
    if measured:
        worst = max(measured, key=lambda name: measured[name]["peak_mib"])
        print(f"largest: {worst}, {measured[worst]['peak_mib']:.1f} MiB")

    if output is not None and not failed:
        report = {
            "what": "peak resident memory (ru_maxrss) of the kernel that ran each notebook top to bottom",
            "size": args.size,
            "date": datetime.date.today().isoformat(),
            "machine": f"{machine_description()}, {total_memory_mib()} MiB memory, "
                       f"{platform.system()} {platform.release()}",
            "python": platform.python_version(),
            "torch": ", ".join(sorted(torch_versions)) or None,  # as the kernels saw it (+cpu or +cu...)
            "notebooks": measured,
        }
        write_atomic(output, (json.dumps(report, indent=1) + "\n").encode("utf-8"))
        print(f"wrote {output}")
    if failed:
        print(f"failed: {', '.join(failed)} (no report written)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
