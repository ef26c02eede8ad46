"""The regularizers beyond the penalty term (issue 3).

Group lasso (exact zeros under every solver, feature selection), dropout,
``max_norm`` and ``weight_clip`` (hold after every solver), decoupled
``weight_decay`` (SGDW / AdamW) and ``alpha_schedule`` (SPEC §2, §4).
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import xlogy
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from skregnet import RegMLPClassifier, RegMLPRegressor
from skregnet._losses import LOSSES
from skregnet._network import Layout, Network
from skregnet._penalties import make_penalty
from skregnet._schedules import inverse_loss

SOLVERS = ["sgd", "adam", "lbfgs"]
STOCHASTIC = ["sgd", "adam"]
# settings under which each solver fits the small problems below in ~0.05 s
SOLVER_PARAMS = {
    "sgd": dict(learning_rate_init=0.05, max_iter=300),
    "adam": dict(learning_rate_init=0.01, max_iter=300),
    "lbfgs": dict(tol=1e-6, max_iter=2000),
}

# 5 informative features (the first five: shuffle=False) and 35 of noise
N_INFORMATIVE = 5
X_noisy, y_noisy = make_classification(
    n_samples=200,
    n_features=40,
    n_informative=N_INFORMATIVE,
    n_redundant=0,
    n_repeated=0,
    n_clusters_per_class=1,
    shuffle=False,
    random_state=0,
)
X_noisy = StandardScaler().fit_transform(X_noisy)
INFORMATIVE = np.arange(N_INFORMATIVE)
NOISE = np.arange(N_INFORMATIVE, X_noisy.shape[1])

X_clf, y_clf = make_classification(
    n_samples=120, n_features=10, n_informative=5, random_state=1
)
X_clf = StandardScaler().fit_transform(X_clf)
X_reg, y_reg = make_regression(
    n_samples=120, n_features=8, n_informative=5, noise=5.0, random_state=2
)
X_reg = StandardScaler().fit_transform(X_reg)
y_reg = (y_reg - y_reg.mean()) / y_reg.std()


@pytest.fixture(autouse=True)
def _quiet():
    """Short fits are expected not to converge; the tests are about other things."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _fitted_problem(est):
    """The network, penalty and flat parameters of a fitted estimator."""
    layout = Layout([est.n_features_in_, *(b.shape[0] for b in est.intercepts_)])
    params = layout.pack(est.coefs_, est.intercepts_, est.coefs_[0].dtype)
    loss = LOSSES[est._loss_name()]
    network = Network(layout, est.activation, est.out_activation_, loss)
    penalty = make_penalty(
        est.penalty, coef_shapes=layout.coef_shapes, l1_ratio=est.l1_ratio
    )
    return network, penalty, params


def _smooth_grad(est, X, Y):
    """Gradient of the smooth part of J (data mean + smooth penalty) at the fit."""
    network, penalty, params = _fitted_problem(est)
    n = X.shape[0]
    grad = np.empty_like(params)
    network.loss_grad(params, X, Y, np.full(n, 1.0 / n), grad)
    n_coef = network.layout.n_coef
    penalty.add_smooth_grad(params[:n_coef], est.alpha, grad[:n_coef])
    return penalty, params[:n_coef], grad[:n_coef], grad[n_coef:]


def _assert_same_params(a, b, **tolerance):
    """Same weights and biases; bit for bit unless a tolerance is given."""
    pairs = zip([*a.coefs_, *a.intercepts_], [*b.coefs_, *b.intercepts_], strict=True)
    for x, y in pairs:
        if tolerance:
            assert_allclose(x, y, **tolerance)
        else:
            assert_array_equal(x, y)


def _penalty_value(est, alpha):
    """``alpha * R(W)`` at the fitted weights."""
    shapes = [c.shape for c in est.coefs_]
    w = np.concatenate([c.ravel() for c in est.coefs_])
    penalty = make_penalty(est.penalty, coef_shapes=shapes, l1_ratio=est.l1_ratio)
    return penalty.value(w, alpha)


# -- group lasso ----------------------------------------------------------------


# -- max_norm and weight_clip -----------------------------------------------------


# -- dropout ----------------------------------------------------------------------


# -- weight_decay -------------------------------------------------------------------


# -- alpha_schedule -------------------------------------------------------------------


@pytest.mark.parametrize("penalty", ["l2", "l1", "elasticnet", "group_lasso"])
@pytest.mark.parametrize("solver", STOCHASTIC)
def test_inverse_loss_follows_the_rule(penalty, solver):
    alpha = 1e-3
    est = RegMLPClassifier(
        (8,),
        penalty=penalty,
        alpha=alpha,
        alpha_schedule="inverse_loss",
        solver=solver,
        learning_rate_init=0.01,
        max_iter=40,
        n_iter_no_change=100,
        random_state=0,
    ).fit(X_clf, y_clf)
    data, alphas = np.array(est.data_loss_curve_), np.array(est.alpha_curve_)
    assert len(alphas) == len(data) == len(est.loss_curve_) == est.n_iter_ == 40
    expected = np.minimum(alpha * data[0] / data[:-1], 1e3 * alpha)
    assert alphas[0] == alpha
    assert_allclose(alphas[1:], expected, rtol=1e-12)
    assert alphas[-1] > 1.5 * alpha  # the loss fell, so the penalty grew
    # the last J is the data term plus the last alpha times R at the fit
    assert_allclose(
        est.loss_curve_[-1] - est.data_loss_curve_[-1],
        _penalty_value(est, alphas[-1]),
        rtol=1e-10,
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


def test_inverse_loss_is_bounded():
    """Separable data: the data loss falls by far more than 1000 times, alpha
    stops at 1000 * alpha."""
    X, y = make_classification(
        n_samples=60,
        n_features=4,
        n_informative=2,
        n_redundant=0,
        class_sep=3.0,
        random_state=0,
    )
    alpha = 1e-9
    est = RegMLPClassifier(
        (8,),
        alpha=alpha,
        alpha_schedule="inverse_loss",
        learning_rate_init=0.1,
        max_iter=300,
        tol=0,
        n_iter_no_change=1000,
        random_state=0,
    ).fit(X, y)
    data = np.array(est.data_loss_curve_)
    assert data[0] / data.min() > 1e3
    assert max(est.alpha_curve_) == 1e3 * alpha
    assert min(est.alpha_curve_) == alpha


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


def test_inverse_loss_does_not_stop_because_alpha_grew():
    """Regression: under 'inverse_loss', J = data + alpha_t * R grows because
    alpha_t grows, and the no-improvement rule on J stopped fits while the data
    loss was still falling fast (after 15-30 epochs on 300 rows of digits).
    The best epoch is now re-scored with the current alpha_t."""
    est = RegMLPClassifier(
        (32,),
        alpha=1e-3,
        alpha_schedule="inverse_loss",
        learning_rate_init=0.003,
        max_iter=300,
        random_state=0,
    ).fit(X_noisy, y_noisy)
    old_stop = _stop_of_mlp_rule(est.loss_curve_, est.tol, est.n_iter_no_change)
    assert old_stop is not None
    assert est.n_iter_ > old_stop + 50
    data = est.data_loss_curve_
    assert data[-1] < 0.5 * data[old_stop - 1]


def test_inverse_loss_function_edge_cases():
    assert inverse_loss(0, [], 0.1) == 0.1
    assert inverse_loss(3, [2.0, 1.0, 0.5], 0.1) == pytest.approx(0.4)
    assert inverse_loss(3, [2.0, 1.0, 0.0], 0.1) == pytest.approx(100.0)
    assert inverse_loss(5, [2.0, 1.0], 0.0) == 0.0  # alpha = 0 stays 0
    # a loss that went up lowers alpha (no lower bound but alpha * L1 / L)
    assert inverse_loss(2, [1.0, 4.0], 0.1) == pytest.approx(0.025)


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


def test_constant_schedule_is_default():
    params = dict(hidden_layer_sizes=(8,), alpha=0.01, max_iter=10, random_state=0)
    a = RegMLPRegressor(**params).fit(X_reg, y_reg)
    b = RegMLPRegressor(alpha_schedule="constant", **params).fit(X_reg, y_reg)
    c = RegMLPRegressor(alpha_schedule=lambda e, L, a: a, **params).fit(X_reg, y_reg)
    assert a.alpha_curve_ == [0.01] * 10
    assert_array_equal(a.coefs_[0], b.coefs_[0])
    assert_array_equal(a.coefs_[0], c.coefs_[0])


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


# -- scikit-learn's checks with these parameters ---------------------------------------


class _Halving:
    """alpha_t = alpha / 2**t, with a stable repr for pytest-xdist's test ids."""

    def __call__(self, epoch, data_loss, alpha):
        return alpha / 2**epoch

    def __repr__(self):
        return "halving"


@parametrize_with_checks(
    [
        RegMLPClassifier(solver="lbfgs", max_norm=2.0, weight_clip=1.0, penalty="l1"),
        RegMLPRegressor(
            solver="sgd", momentum=0.0, weight_decay=1e-3, alpha_schedule=_Halving()
        ),
    ]
)
def test_sklearn_checks_with_constraints_and_schedules(estimator, check):
    check(estimator)
