"""Fixtures every test file shares."""

from __future__ import annotations

import pytest
import torch

from course_utils import checks
from course_utils.data_sources import load_sample


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


# ----------------------------------------------------------------------------- the explorers' tests
@pytest.fixture(scope="module")
def test_images():
    """Six test images of the packaged sample (scaled to [0, 1]) and their labels."""
    images, labels = load_sample(train=False)
    return images[:6].float() / 255, labels[:6]


@pytest.fixture(scope="module")
def lenet(test_images):
    """A LeNet with its lazy layers built on two test images, seeded."""
    from course_utils.models import LeNet, init_cnn

    torch.manual_seed(0)
    model = LeNet()
    model.apply_init([test_images[0][:2, None]], init_cnn, seed=0)
    return model
