"""Which device to train on, and the one way the course describes a machine.

* :func:`select_device` turns the book's ``num_gpus`` (or an explicit device) into a
  ``torch.device``, refusing at once a device this machine does not have;
* :func:`describe_device` is the device part of the Trainer's first line
  (``cpu (2 threads)``, ``cuda:0 (NVIDIA H100 80GB HBM3, bf16 autocast)``);
* :func:`machine_description` names the machine a measurement was made on, for the result
  files (``AMD EPYC 7B13, 2 cores`` or the GPU's name).
"""

from __future__ import annotations

import os
import platform

import torch

from course_utils import validate
from course_utils.language import say

__all__ = ["select_device", "describe_device", "cpu_model", "machine_description"]

_KINDS = ("cpu", "cuda", "mps")


def _available(kind: str) -> bool:
    if kind == "cuda":
        return torch.cuda.is_available()
    if kind == "mps":
        return torch.backends.mps.is_available()
    return True


def _explicit(device: str | torch.device) -> torch.device:
    """``device`` checked against what this machine has."""
    if not isinstance(device, (str, torch.device)):
        raise TypeError(f"device must be a string such as 'cpu' or 'cuda:0', or a torch.device, got {device!r}")
    try:
        chosen = torch.device(device)
    except RuntimeError:
        chosen = None
    if chosen is None or chosen.type not in _KINDS:
        raise ValueError(f"device must be 'cpu', 'cuda', 'cuda:N' or 'mps', got {device!r}: "
                         f"e.g. device='cpu', or leave device=None and set num_gpus")
    if not _available(chosen.type):
        raise ValueError(f"device={device!r}, but this machine has no {chosen.type.upper()} device "
                         f"(torch.{chosen.type}.is_available() is False): use device='cpu', or leave device=None")
    if chosen.type == "cuda" and chosen.index is not None and chosen.index >= torch.cuda.device_count():
        raise ValueError(f"device={device!r}, but this machine has {torch.cuda.device_count()} CUDA device(s): "
                         f"use 'cuda:0' to 'cuda:{torch.cuda.device_count() - 1}'")
    return chosen


def select_device(num_gpus: int, device: str | torch.device | None = None) -> tuple[torch.device, str | None]:
    """The device to train on and, when it is not what ``num_gpus`` asked for, a one-line notice.

    ``device`` wins over ``num_gpus`` and must exist on this machine. ``num_gpus >= 1`` takes
    one GPU (CUDA first, then Apple's MPS) and falls back to the CPU with a notice.

    >>> select_device(0)
    (device(type='cpu'), None)
    """
    num_gpus = validate.nonnegative_int(num_gpus, "num_gpus", example=1)
    if device is not None:
        return _explicit(device), None
    if num_gpus == 0:
        return torch.device("cpu"), None
    if torch.cuda.is_available():
        count = torch.cuda.device_count()
        if num_gpus > count:
            return torch.device("cuda:0"), say("num_gpus={num_gpus} but {count} GPU(s) found: training on cuda:0",
                                              num_gpus=num_gpus, count=count)
        if num_gpus > 1:
            return torch.device("cuda:0"), say("num_gpus={num_gpus}: this Trainer uses one GPU, cuda:0", num_gpus=num_gpus)
        return torch.device("cuda:0"), None
    if torch.backends.mps.is_available():
        note = None if num_gpus == 1 else say("num_gpus={num_gpus}: training on the one Apple GPU (mps)", num_gpus=num_gpus)
        return torch.device("mps"), note
    return torch.device("cpu"), say("num_gpus={num_gpus} but no GPU was found: training on the CPU", num_gpus=num_gpus)


def describe_device(device: torch.device, *, channels_last: bool = False) -> str:
    """The device as the Trainer's first line shows it, with how it computes.

    >>> describe_device(torch.device("cpu")).startswith("cpu (")
    True
    """
    layout = ", channels_last" if channels_last else ""
    if device.type == "cuda":
        return f"{device} ({torch.cuda.get_device_name(device)}, bf16 autocast{layout})"
    if device.type == "cpu":
        threads = torch.get_num_threads()
        return say("cpu ({threads} thread{layout})" if threads == 1 else "cpu ({threads} threads{layout})",
                   threads=threads, layout=layout)
    return f"{device}{layout}"


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo`` on Linux, else what ``platform`` knows)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def machine_description(device: torch.device | str = "cpu") -> str:
    """What a result file records as the machine: the GPU's name, or the CPU's model and cores.

    >>> machine_description("cpu").endswith(" cores") or machine_description("cpu").endswith(" core")
    True
    """
    device = torch.device(device)
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "mps":
        return f"Apple GPU (mps), {cpu_model()}"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return f"{cpu_model()}, {cores} core{'s' * (cores != 1)}"
