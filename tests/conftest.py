"""Fixtures every test file shares."""

from __future__ import annotations

import pytest

from course_utils import checks


@pytest.fixture(autouse=True)
def fresh_self_check_tries():
    """Every test starts as after a kernel restart: no self-check has been tried yet (a first
    wrong answer gets the hint, not the solution)."""
    checks.reset_attempts()
    yield
    checks.reset_attempts()
