"""alpha schedules (SPEC §4): the inverse-loss rule and callables."""

import math
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.exceptions import ConvergenceWarning

from skregnet import RegMLPRegressor
from skregnet._schedules import ALPHA_SCHEDULES, inverse_loss, resolve_schedule


def _spec_inverse_loss(data_losses, alpha):
    """SPEC §4: min(alpha * L_1 / L_{t-1}, 1e3 * alpha); the first epoch: alpha."""
    if not data_losses:
        return alpha
    if data_losses[-1] == 0:
        return 1e3 * alpha if alpha else 0.0
    return min(alpha * data_losses[0] / data_losses[-1], 1e3 * alpha)


def test_registry():
    assert set(ALPHA_SCHEDULES) == {"constant", "inverse_loss"}
    assert resolve_schedule("inverse_loss") is inverse_loss


@pytest.mark.parametrize(
    "epoch, losses", [(0, []), (1, [2.0]), (4, [2.0, 1.5, 1.0, 0.2])]
)
def test_constant(epoch, losses):
    assert resolve_schedule("constant")(epoch, losses, 0.37) == 0.37


@pytest.mark.parametrize(
    "losses, expected_factor",
    [
        ([], 1.0),  # epoch 0 uses alpha
        ([2.0], 1.0),  # L_1 / L_1
        ([2.0, 1.0], 2.0),
        ([2.0, 1.0, 0.5], 4.0),
        ([1.0, 2.0], 0.5),  # a loss that rises lowers alpha
        ([2.0, 1e-3], 1e3),  # exactly at the cap
        ([2.0, 1e-6], 1e3),  # capped at 1e3 * alpha
        ([2.0, 0.0], 1e3),  # the limit L -> 0
    ],
    ids=["epoch0", "epoch1", "halved", "quartered", "rising", "at-cap", "cap", "zero"],
)
def test_inverse_loss(losses, expected_factor):
    alpha = 0.03
    got = inverse_loss(len(losses), losses, alpha)
    assert_allclose(got, expected_factor * alpha, rtol=1e-14)
    assert_allclose(got, _spec_inverse_loss(losses, alpha), rtol=1e-14)


@pytest.mark.parametrize(
    "losses", [[], [2.0], [2.0, 0.5], [2.0, 0.0]], ids=["0", "1", "2", "zero-loss"]
)
def test_inverse_loss_alpha_zero_stays_zero(losses):
    assert inverse_loss(len(losses), losses, 0.0) == 0.0


def _data(seed):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(40, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=40)
    return X, y


def _fit(seed, **params):
    X, y = _data(seed)
    est = RegMLPRegressor(
        hidden_layer_sizes=(6,),
        solver="adam",
        learning_rate_init=0.05,
        random_state=seed,
        **params,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


def test_inverse_loss_through_the_estimator(seed):
    alpha = 0.01
    est = _fit(seed, alpha=alpha, alpha_schedule="inverse_loss", max_iter=8)
    losses = est.data_loss_curve_
    assert len(est.alpha_curve_) == len(losses) == 8
    assert est.alpha_curve_[0] == alpha
    for e in range(1, 8):
        expected = _spec_inverse_loss(losses[:e], alpha)
        assert_allclose(est.alpha_curve_[e], expected, rtol=1e-10)
    # the fit tightens, so alpha grows
    assert est.alpha_curve_[-1] > alpha


def test_constant_through_the_estimator(seed):
    est = _fit(seed, alpha=0.02, max_iter=4)
    assert est.alpha_curve_ == [0.02] * 4


# -- callables -------------------------------------------------------------------


def test_callable_gets_epoch_previous_loss_and_alpha():
    calls = []

    def schedule(epoch, data_loss, alpha):
        calls.append((epoch, data_loss, alpha))
        return alpha * (epoch + 1)

    checked = resolve_schedule(schedule)
    assert checked(0, [], 0.5) == 0.5
    assert checked(1, [3.0], 0.5) == 1.0
    assert checked(2, [3.0, 2.5], 0.5) == 1.5
    assert calls == [(0, None, 0.5), (1, 3.0, 0.5), (2, 2.5, 0.5)]


@pytest.mark.parametrize(
    "value",
    [0, 1, 0.0, 2.5, np.float64(0.1), np.float32(0.25), np.int64(3)],
    ids=["int0", "int1", "float0", "float", "np.float64", "np.float32", "np.int64"],
)
def test_callable_valid_returns_are_floats(value):
    got = resolve_schedule(lambda epoch, loss, alpha: value)(0, [], 1.0)
    assert isinstance(got, float)
    assert got == float(value)


@pytest.mark.parametrize(
    "value",
    [math.nan, math.inf, -math.inf, -1e-3, np.float64("nan"), "0.1", None, 1j, [0.1]],
    ids=["nan", "inf", "-inf", "negative", "np.nan", "str", "None", "complex", "list"],
)
def test_callable_invalid_return_raises(value):
    checked = resolve_schedule(lambda epoch, loss, alpha: value)
    with pytest.raises(ValueError, match="alpha_schedule"):
        checked(3, [1.0, 0.5, 0.4], 0.1)


def test_callable_through_the_estimator(seed):
    calls = []

    def schedule(epoch, data_loss, alpha):
        calls.append((epoch, data_loss, alpha))
        return alpha / (1 + epoch)

    est = _fit(seed, alpha=0.1, alpha_schedule=schedule, max_iter=5)
    assert [c[0] for c in calls] == [0, 1, 2, 3, 4]
    assert calls[0][1] is None
    assert [c[1] for c in calls[1:]] == est.data_loss_curve_[:-1]
    assert all(c[2] == 0.1 for c in calls)
    assert_allclose(est.alpha_curve_, [0.1 / (1 + e) for e in range(5)], rtol=1e-14)


def test_inverse_loss_measures_from_the_floor():
    """Regression: Poisson's data term is negative once the fit is good, which
    sent inverse_loss to its cap; the rule runs on the loss minus its floor."""
    losses, floor = [-1.0, -2.0, -2.5], -3.0
    assert inverse_loss(3, losses, 0.1, floor) == pytest.approx(0.1 * 2.0 / 0.5)
    assert inverse_loss(3, [1.0, 0.5], 0.1) == pytest.approx(0.2)
