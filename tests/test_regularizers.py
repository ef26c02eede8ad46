"""The regularizers beyond the penalty term (issue 3).

Group lasso (exact zeros under every solver, feature selection), dropout,
``max_norm`` and ``weight_clip`` (hold after every solver), decoupled
``weight_decay`` (SGDW / AdamW) and ``alpha_schedule`` (SPEC §2, §4).
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from skregnet import RegMLPClassifier, RegMLPRegressor
from skregnet._losses import LOSSES
from skregnet._network import Layout, Network
from skregnet._penalties import make_penalty

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
