"""The alpha schedules of ``skregnet._schedules`` (SPEC §4), alone and in a fit.

The rules against SPEC §4's formulas; through the estimators, that
``alpha_curve_`` is the schedule applied to the epochs' data losses, that J's
penalty part uses each epoch's alpha_t, and that the stopping rule is not
fooled by a J that grows with alpha_t.
"""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import xlogy
from sklearn.datasets import make_classification, make_regression
from sklearn.preprocessing import StandardScaler

from skregnet import RegMLPClassifier, RegMLPRegressor
from skregnet._penalties import make_penalty
from skregnet._schedules import ALPHA_SCHEDULES, inverse_loss, resolve_schedule

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _spec_inverse_loss(data_losses, alpha):
    """SPEC §4: min(alpha * L_1 / L_{t-1}, 1e3 * alpha); the first epoch: alpha."""
    if not data_losses:
        return alpha
    if data_losses[-1] == 0:
        return 1e3 * alpha if alpha else 0.0
    return min(alpha * data_losses[0] / data_losses[-1], 1e3 * alpha)


@pytest.mark.parametrize("name", ALPHA_SCHEDULES)
def test_every_schedule_is_resolved_and_gives_a_valid_alpha(name):
    schedule = resolve_schedule(name)
    assert schedule is ALPHA_SCHEDULES[name]
    for losses in [[], [2.0], [2.0, 1.0, 0.5], [1.0, 3.0], [2.0, 0.0]]:
        value = schedule(len(losses), losses, 0.1, 0.0)
        assert math.isfinite(value) and value >= 0


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


def test_inverse_loss_measures_from_the_floor():
    """Regression: Poisson's data term is negative once the fit is good, which
    sent inverse_loss to its cap; the rule runs on the loss minus its floor."""
    losses, floor = [-1.0, -2.0, -2.5], -3.0
    assert inverse_loss(3, losses, 0.1, floor) == pytest.approx(0.1 * 2.0 / 0.5)
    assert inverse_loss(3, [1.0, 0.5], 0.1) == pytest.approx(0.2)


# -- through the estimators --------------------------------------------------------

X_clf, y_clf = make_classification(
    n_samples=120, n_features=10, n_informative=5, random_state=1
)
X_clf = StandardScaler().fit_transform(X_clf)
X_reg, y_reg = make_regression(
    n_samples=120, n_features=8, n_informative=5, noise=5.0, random_state=2
)
X_reg = StandardScaler().fit_transform(X_reg)
y_reg = (y_reg - y_reg.mean()) / y_reg.std()


def _penalty_value(est, alpha):
    """``alpha * R(W)`` at the fitted weights."""
    shapes = [c.shape for c in est.coefs_]
    w = np.concatenate([c.ravel() for c in est.coefs_])
    penalty = make_penalty(est.penalty, coef_shapes=shapes, l1_ratio=est.l1_ratio)
    return penalty.value(w, alpha)


@pytest.mark.parametrize("penalty", ["l2", "l1", "elasticnet", "group_lasso"])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("name", ALPHA_SCHEDULES)
def test_alpha_curve_is_the_schedule_of_the_data_losses(name, solver, penalty):
    """Each epoch's alpha_t is the schedule at the data losses before it (the
    classifiers' loss floor is 0), and J's penalty part uses it."""
    alpha = 1e-3
    est = RegMLPClassifier(
        (8,),
        penalty=penalty,
        alpha=alpha,
        alpha_schedule=name,
        solver=solver,
        learning_rate_init=0.01,
        max_iter=40,
        n_iter_no_change=100,
        random_state=0,
    ).fit(X_clf, y_clf)
    data, alphas = est.data_loss_curve_, est.alpha_curve_
    assert len(alphas) == len(data) == len(est.loss_curve_) == est.n_iter_ == 40
    schedule = ALPHA_SCHEDULES[name]
    expected = [schedule(e, data[:e], alpha, 0.0) for e in range(40)]
    assert_allclose(alphas, expected, rtol=1e-12)
    if name == "inverse_loss":
        assert alphas[-1] > 1.5 * alpha  # the loss fell, so the penalty grew
    # the last J is the data term plus the last alpha times R at the fit
    assert_allclose(
        est.loss_curve_[-1] - data[-1], _penalty_value(est, alphas[-1]), rtol=1e-10
    )


def test_inverse_loss_curves_are_consistent_epoch_by_epoch():
    """With L1, epoch after epoch (partial_fit): alpha_t follows the rule, J's
    penalty part is alpha_t * sum|w| at that epoch's weights, zeros are exact."""
    alpha = 2e-3
    est = RegMLPRegressor(
        (8,),
        penalty="l1",
        alpha=alpha,
        alpha_schedule="inverse_loss",
        learning_rate_init=0.01,
        random_state=0,
    )
    for epoch in range(30):
        est.partial_fit(X_reg, y_reg)
        data = est.data_loss_curve_
        expected = alpha if epoch == 0 else min(alpha * data[0] / data[-2], 1e3 * alpha)
        assert_allclose(est.alpha_curve_[-1], expected, rtol=1e-12)
        l1 = sum(np.abs(W).sum() for W in est.coefs_)
        assert_allclose(
            est.loss_curve_[-1] - data[-1], est.alpha_curve_[-1] * l1, rtol=1e-10
        )
    assert len(est.alpha_curve_) == 30
    # as alpha grows, the L1 prox zeroes more weights than a constant alpha does
    const = RegMLPRegressor(
        (8,), penalty="l1", alpha=alpha, learning_rate_init=0.01, random_state=0
    )
    for _ in range(30):
        const.partial_fit(X_reg, y_reg)
    n_zero = sum(W.size - np.count_nonzero(W) for W in est.coefs_)
    n_zero_const = sum(W.size - np.count_nonzero(W) for W in const.coefs_)
    assert n_zero > n_zero_const


def test_inverse_loss_with_poisson_loss_stays_moderate():
    rng = np.random.RandomState(0)
    X = rng.randn(200, 5)
    y = rng.poisson(np.exp(1.5 + 0.3 * X[:, 0]))
    est = RegMLPRegressor(
        (8,),
        loss="poisson",
        alpha=1e-3,
        alpha_schedule="inverse_loss",
        learning_rate_init=0.01,
        max_iter=100,
        random_state=0,
    ).fit(X, y)
    assert max(est.alpha_curve_) < 100 * est.alpha
    # the rule runs on the deviance: the data term minus its floor
    floor = np.mean(y - xlogy(y, y))
    L = np.array(est.data_loss_curve_) - floor
    assert (L > 0).all()
    assert_allclose(est.alpha_curve_[1:], np.minimum(1e-3 * L[0] / L[:-1], 1.0))


def _stop_of_mlp_rule(loss_curve, tol, n_iter_no_change):
    """The epoch at which MLPClassifier's no-improvement rule on ``loss_curve``
    stops a fit (None if it never does)."""
    best, count = np.inf, 0
    for epoch, loss in enumerate(loss_curve, start=1):
        count = count + 1 if loss > best - tol else 0
        best = min(best, loss)
        if count > n_iter_no_change:
            return epoch
    return None


def test_inverse_loss_does_not_stop_because_alpha_grew(noisy_classification):
    """Regression: under 'inverse_loss', J = data + alpha_t * R grows because
    alpha_t grows, and the no-improvement rule on J stopped fits while the data
    loss was still falling fast (after 15-30 epochs on 300 rows of digits).
    The best epoch is now re-scored with the current alpha_t."""
    data = noisy_classification
    est = RegMLPClassifier(
        (32,),
        alpha=1e-3,
        alpha_schedule="inverse_loss",
        learning_rate_init=0.003,
        max_iter=300,
        random_state=0,
    ).fit(data.X, data.y)
    old_stop = _stop_of_mlp_rule(est.loss_curve_, est.tol, est.n_iter_no_change)
    assert old_stop is not None
    assert est.n_iter_ > old_stop + 50
    losses = est.data_loss_curve_
    assert losses[-1] < 0.5 * losses[old_stop - 1]


@pytest.mark.parametrize("penalty", ["l2", "l1"])
def test_callable_schedule_values_appear_in_alpha_curve(penalty):
    calls = []

    def schedule(epoch, data_loss, alpha):
        calls.append((epoch, data_loss, alpha))
        return alpha * (1 + epoch) if epoch % 2 else 0.0

    est = RegMLPRegressor(
        (8,),
        penalty=penalty,
        alpha=1e-3,
        alpha_schedule=schedule,
        max_iter=12,
        n_iter_no_change=100,
        random_state=0,
    ).fit(X_reg, y_reg)
    epochs = np.arange(12)
    assert_allclose(est.alpha_curve_, np.where(epochs % 2, 1e-3 * (1 + epochs), 0.0))
    assert [c[0] for c in calls] == list(range(12))
    assert calls[0][1] is None
    assert [c[1] for c in calls[1:]] == est.data_loss_curve_[:-1]
    assert {c[2] for c in calls} == {1e-3}
    # alpha_t = 0 in even epochs: J is the data term there
    assert_allclose(est.loss_curve_[::2], est.data_loss_curve_[::2], rtol=0)
    assert_allclose(
        est.loss_curve_[-1] - est.data_loss_curve_[-1],
        _penalty_value(est, est.alpha_curve_[-1]),
        rtol=1e-10,
    )


def test_constant_schedule_is_the_default():
    params = dict(hidden_layer_sizes=(8,), alpha=0.01, max_iter=10, random_state=0)
    a = RegMLPRegressor(**params).fit(X_reg, y_reg)
    b = RegMLPRegressor(alpha_schedule="constant", **params).fit(X_reg, y_reg)
    c = RegMLPRegressor(alpha_schedule=lambda e, L, a: a, **params).fit(X_reg, y_reg)
    assert a.alpha_curve_ == [0.01] * 10
    assert_array_equal(a.coefs_[0], b.coefs_[0])
    assert_array_equal(a.coefs_[0], c.coefs_[0])
