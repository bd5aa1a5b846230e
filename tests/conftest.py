"""Fixtures every test file shares."""

from __future__ import annotations

import pytest
import torch

from course_utils import checks


@pytest.fixture(autouse=True)
def fresh_self_check_tries():
    """Every test starts as after a kernel restart: no self-check has been tried yet (a first
    wrong answer gets the hint, not the solution)."""
    checks.reset_attempts()
    yield
    checks.reset_attempts()


@pytest.fixture(scope="module")
def one_thread():
    """One intra-op thread for a test module (``pytestmark = pytest.mark.usefixtures("one_thread")``),
    restored afterwards: small tensors between Python calls run faster so, and on a busy 2-core
    machine two OpenMP threads spin-wait against other processes and can be many times slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
