"""Tests of course_utils.checks.normalization: right answers in several forms pass, a wrong one
gets the hint first and the solution second, and the expected values agree with computations
made here another way (by hand with torch.mean/var, or by PyTorch's layers)."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course_utils.checks import (
    check_batch_norm,
    check_norm_statistics,
    check_normalizer,
    check_preact_block,
    check_redundant_bias,
    check_residual_zero_branch,
    check_running_mean,
)
from course_utils.checks import normalization
from course_utils.checks._verdict import PLACEHOLDER
from course_utils.models import BNLeNet, BNLeNetScratch, LeNet, Residual


def _out(capsys) -> str:
    return capsys.readouterr().out


def _first_and_second(call, capsys) -> tuple[str, str]:
    call()
    first = _out(capsys)
    call()
    return first, _out(capsys)


def _passes(call, capsys) -> bool:
    call()
    return _out(capsys).startswith("✅")


def test_doctest():
    assert doctest.testmod(normalization, raise_on_error=True).attempted > 0


# ----------------------------------------------------------------------------- by-hand references
def _dims(X: torch.Tensor) -> tuple[int, ...]:
    return (0,) if X.dim() == 2 else (0, 2, 3)


def _center(X):
    return X - X.mean(dim=_dims(X), keepdim=True)


def _scale(X):
    return X / torch.sqrt(X.var(dim=_dims(X), keepdim=True, unbiased=False) + 1e-5)


def _layer(X):
    dims = tuple(range(1, X.dim()))
    return (X - X.mean(dim=dims, keepdim=True)) / torch.sqrt(X.var(dim=dims, keepdim=True, unbiased=False) + 1e-5)


# ----------------------------------------------------------------------------- check_batch_norm
def test_batch_norm_agrees_with_a_by_hand_standardisation(capsys):
    X = torch.tensor([[1.0, 4.0], [2.0, 4.0], [6.0, 10.0]])
    by_hand = _scale(_center(X))
    assert _passes(lambda: check_batch_norm(by_hand, X), capsys)
    without_eps = (X - X.mean(0)) / X.std(0, unbiased=False)  # ε is small enough to leave out
    assert _passes(lambda: check_batch_norm(without_eps, X), capsys)
    X4 = torch.randn(4, 3, 2, 2, generator=torch.Generator().manual_seed(1)) * 5 + 1
    assert _passes(lambda: check_batch_norm(nn.BatchNorm2d(3, affine=False)(X4), X4), capsys)


def test_batch_norm_with_the_unbiased_variance_is_wrong_hint_then_solution(capsys):
    X = torch.tensor([[1.0, 4.0], [2.0, 4.0], [6.0, 10.0]])
    unbiased = (X - X.mean(0)) / X.std(0)
    first, second = _first_and_second(lambda: check_batch_norm(unbiased, X), capsys)
    assert first.startswith("❌ Not quite: right shape, different values.") and "💡 Hint:" in first
    assert "-0.9258" not in first
    assert "expected" in second and "-0.9258" in second and "mean 3, variance 4.6667" in second


def test_batch_norm_refuses_a_batch_without_variance_and_a_non_tensor():
    with pytest.raises(ValueError, match="at least two values per feature"):
        check_batch_norm(torch.zeros(1, 3), torch.ones(1, 3))
    with pytest.raises(TypeError, match="X must be a torch.Tensor, got list"):
        check_batch_norm(torch.zeros(2, 1), [[1.0], [2.0]])
    with pytest.raises(ValueError, match=r"X must have shape N x C"):
        check_batch_norm(torch.zeros(3), torch.ones(3))


# ----------------------------------------------------------------------------- check_running_mean
@pytest.mark.parametrize("means, momentum, start", [([5.0, 5.0, 5.0], 0.1, 0.0), ([1.0, -2.0], 0.3, 4.0)])
def test_running_mean_agrees_with_the_update_rule(means, momentum, start, capsys):
    value = start
    for m in means:
        value = (1 - momentum) * value + momentum * m
    for form in (value, np.float64(value), torch.tensor(value), round(value, 4)):
        assert _passes(lambda: check_running_mean(form, means, momentum=momentum, start=start), capsys)


def test_running_mean_wrong_gets_hint_then_solution(capsys):
    first, second = _first_and_second(lambda: check_running_mean(5.0, [5.0, 5.0, 5.0]), capsys)
    assert first.startswith("❌ Not quite: you answered 5.0.") and "1.355" not in first
    assert "expected 1.355" in second and "0.9·0.95 + 0.1·5 = 1.355" in second


def test_running_mean_refuses_bad_arguments():
    with pytest.raises(TypeError, match="batch_means must be a list of numbers"):
        check_running_mean(1.0, 5.0)
    with pytest.raises(ValueError, match="momentum"):
        check_running_mean(1.0, [5.0], momentum=1.5)


# ----------------------------------------------------------------------------- check_norm_statistics
@pytest.mark.parametrize("kind, groups, expected", [
    ("batch", None, 64), ("layer", None, 32), ("instance", None, 32 * 64), ("group", 8, 32 * 8)])
def test_norm_statistics_count_the_axes_that_are_kept(kind, groups, expected, capsys):
    assert _passes(lambda: check_norm_statistics(expected, kind, (32, 64, 14, 14), groups), capsys)
    assert _passes(lambda: check_norm_statistics(float(expected), kind, (32, 64, 14, 14), groups), capsys)


def test_norm_statistics_agree_with_pytorchs_layers():
    X = torch.randn(4, 6, 3, 3)
    assert nn.BatchNorm2d(6).running_mean.numel() == 6
    # layer norm over (C, H, W) is group norm with one group: one mean per example
    assert torch.allclose(F.layer_norm(X, X.shape[1:]), F.group_norm(X, 1), atol=1e-5)
    assert torch.allclose(F.instance_norm(X), F.group_norm(X, 6), atol=1e-5)
    assert normalization._native_means("group", X, 3).numel() == 4 * 3


def test_norm_statistics_wrong_gets_hint_then_solution(capsys):
    first, second = _first_and_second(lambda: check_norm_statistics(32, "batch", (32, 64, 14, 14)), capsys)
    assert first.startswith("❌ Not quite: you answered 32.") and "one mean per channel" in first
    assert "64" not in first
    assert "expected 64" in second and "6,272 values" in second


def test_norm_statistics_refuse_bad_arguments():
    with pytest.raises(ValueError, match="kind must be one of"):
        check_norm_statistics(1, "weight", (1, 2, 3, 3))
    with pytest.raises(ValueError, match="groups=8"):
        check_norm_statistics(1, "group", (1, 6, 3, 3))
    with pytest.raises(ValueError, match="must divide the 6 channels"):
        check_norm_statistics(1, "group", (1, 6, 3, 3), groups=4)
    with pytest.raises(ValueError, match="groups is only for kind='group'"):
        check_norm_statistics(1, "layer", (1, 6, 3, 3), groups=2)
    with pytest.raises(ValueError, match="X_shape must be N x C x H x W"):
        check_norm_statistics(1, "layer", (6, 3, 3))


# ----------------------------------------------------------------------------- check_redundant_bias
@pytest.mark.parametrize("build", [BNLeNet, BNLeNetScratch])
def test_redundant_biases_are_exactly_those_batch_norm_cancels(build, capsys):
    """Shifting the counted biases leaves the training-mode output unchanged; shifting the last
    layer's bias (no batch norm after it) changes it."""
    model = build()
    X = torch.randn(8, 1, 28, 28)
    model(X)
    counted = [m for m in model.net if isinstance(m, (nn.Conv2d, nn.Linear))][:-1]
    with torch.no_grad():
        before = model(X)
        for layer in counted:
            layer.bias.add_(3.0)
        assert torch.allclose(model(X), before, atol=1e-4)
        model.net[-1].bias.add_(3.0)
        assert not torch.allclose(model(X), before, atol=1e-4)
    expected = sum(layer.bias.numel() for layer in counted)
    assert expected == 6 + 16 + 120 + 84
    assert _passes(lambda: check_redundant_bias(expected, build(), (1, 1, 28, 28)), capsys)
    assert _passes(lambda: check_redundant_bias(torch.tensor(expected), build(), (1, 1, 28, 28)), capsys)


def test_redundant_bias_of_plain_lenet_is_zero_and_wrong_answers_get_hint_then_solution(capsys):
    assert _passes(lambda: check_redundant_bias(0, LeNet(), (1, 1, 28, 28)), capsys)
    first, second = _first_and_second(lambda: check_redundant_bias(236, BNLeNet(), (1, 1, 28, 28)), capsys)
    assert first.startswith("❌ Not quite: you answered 236.") and "226" not in first
    assert "expected 226" in second and "net.9.bias: 120" in second


def test_redundant_bias_refuses_bad_arguments():
    with pytest.raises(TypeError, match="model must be an nn.Module"):
        check_redundant_bias(1, BNLeNet, (1, 1, 28, 28))
    with pytest.raises(ValueError, match="X_shape"):
        check_redundant_bias(1, BNLeNet(), (1, 0, 28, 28))


# ----------------------------------------------------------------------------- check_normalizer
@pytest.mark.parametrize("kind, right", [("center", _center), ("scale", _scale), ("layer", _layer)])
def test_normalizer_right_functions_pass(kind, right, capsys):
    assert _passes(lambda: check_normalizer(right, kind), capsys)


def test_layer_reference_agrees_with_nn_layernorm_and_differs_from_batchnorm():
    X = torch.randn(4, 3, 5, 5) * 2 + 1
    assert torch.allclose(normalization._norm_reference("layer", X), nn.LayerNorm([3, 5, 5])(X), atol=1e-5)
    assert not torch.allclose(normalization._norm_reference("layer", X), nn.BatchNorm2d(3)(X), atol=1e-2)
    full = nn.BatchNorm2d(3, affine=False)(X)
    assert torch.allclose(normalization._norm_reference("scale", normalization._norm_reference("center", X)), full,
                          atol=1e-5)


def test_normalizer_wrong_axes_get_hint_then_solution(capsys):
    def centre_per_example(X):
        return X - X.mean(dim=tuple(range(1, X.dim())), keepdim=True)

    first, second = _first_and_second(lambda: check_normalizer(centre_per_example, "center"), capsys)
    assert first.startswith("❌ Not quite: for an input of shape (8, 3) your output is off by up to")
    assert "💡 Hint: the statistics are taken over axis 0" in first
    assert "expected subtract from every feature" in second


def test_normalizer_refuses_pytorchs_layers(capsys):
    def shortcut(X):
        return F.layer_norm(X, X.shape[1:])

    def module_shortcut(X):
        return nn.BatchNorm1d(X.shape[1], affine=False)(X) if X.dim() == 2 else nn.BatchNorm2d(X.shape[1])(X)

    check_normalizer(shortcut, "layer")
    assert "your function calls PyTorch's layer_norm" in _out(capsys)
    check_normalizer(module_shortcut, "scale")
    assert "your function calls PyTorch's batch_norm" in _out(capsys)


def test_normalizer_placeholders_and_errors(capsys):
    def template(X):
        ...

    def not_yet(X):
        raise NotImplementedError

    def ellipsis(X):
        return ...

    def broken(X):
        return X @ torch.ones(99)

    for fn in (template, not_yet, ellipsis):
        check_normalizer(fn, "layer")
        assert _out(capsys) == PLACEHOLDER + "\n"
    check_normalizer(broken, "layer")
    assert _out(capsys).startswith("❌ Not quite: your function raised RuntimeError")
    with pytest.raises(TypeError, match="the answer must be the function you defined"):
        check_normalizer(torch.zeros(2), "layer")
    with pytest.raises(ValueError, match="kind must be one of 'center', 'scale', 'layer'"):
        check_normalizer(_layer, "group")


# ----------------------------------------------------------------------------- the residual checks
def test_preact_block_right_order_passes_and_others_fail(capsys):
    def preact(X, bn1, conv1, bn2, conv2):
        Y = conv1(torch.relu(bn1(X)))
        return X + conv2(torch.relu(bn2(Y)))

    def post(X, bn1, conv1, bn2, conv2):
        return torch.relu(X + bn2(conv2(torch.relu(bn1(conv1(X))))))

    def relu_after_sum(X, bn1, conv1, bn2, conv2):
        return torch.relu(preact(X, bn1, conv1, bn2, conv2))

    assert _passes(lambda: check_preact_block(preact), capsys)
    check_preact_block(post)
    first = _out(capsys)
    assert first.startswith("❌ Not quite: for an input of shape (4, 3, 6, 6)") and "💡 Hint" in first
    check_preact_block(relu_after_sum)
    assert "expected X + conv2(relu(bn2(conv1(relu(bn1(X))))))" in _out(capsys)


def test_preact_reference_is_the_identity_when_the_branch_is_zero():
    X = torch.randn(2, 3, 4, 4)
    bn1, conv1, bn2, conv2 = normalization._preact_layers(3)
    with torch.no_grad():
        conv2.weight.zero_()
        conv2.bias.zero_()
        assert torch.equal(normalization._preact_reference(X, bn1, conv1, bn2, conv2), X)


def test_residual_zero_branch_is_relu_of_the_input(capsys):
    torch.manual_seed(3)
    X = torch.randn(2, 3, 4, 4)
    state = torch.get_rng_state()
    assert _passes(lambda: check_residual_zero_branch(F.relu(X), X), capsys)
    assert torch.equal(torch.get_rng_state(), state), "the check must not move the notebook's random numbers"
    block = Residual(3)
    block(X)
    with torch.no_grad():
        block.bn2.weight.zero_()
        block.bn2.bias.zero_()
        assert torch.equal(block(X), X.clamp(min=0))
    first, second = _first_and_second(lambda: check_residual_zero_branch(X, X), capsys)
    assert first.startswith("❌ Not quite: right shape, different values.")
    assert f"the {int((X < 0).sum())} negative entries of X become 0" in second


def test_residual_checks_refuse_bad_arguments():
    with pytest.raises(ValueError, match="X must have shape N x C x H x W"):
        check_residual_zero_branch(torch.zeros(3, 3), torch.zeros(3, 3))
    with pytest.raises(TypeError, match="the answer must be the function you defined"):
        check_preact_block(Residual(3))


@pytest.mark.parametrize("call", [
    lambda: check_batch_norm(..., torch.ones(2, 2)),
    lambda: check_running_mean(None, [1.0]),
    lambda: check_norm_statistics(..., "batch", (1, 2, 3, 3)),
    lambda: check_redundant_bias(..., BNLeNet(), (1, 1, 28, 28)),
    lambda: check_normalizer(..., "layer"),
    lambda: check_preact_block(...),
    lambda: check_residual_zero_branch(..., torch.ones(1, 1, 2, 2)),
])
def test_placeholders_get_the_reminder_only(call, capsys):
    call()
    assert _out(capsys) == PLACEHOLDER + "\n"
