"""The regularization path of ``skregnet._path``: ``regmlp_path``, its alpha grid."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso
from sklearn.preprocessing import StandardScaler

from skregnet import RegMLPClassifier, RegMLPRegressor, regmlp_path
from skregnet._path import PATH_KEYS, _alpha_grid, path_to_dict
from skregnet._penalties import make_penalty

X_reg, y_reg = make_regression(
    n_samples=120, n_features=8, n_informative=3, noise=5.0, random_state=0
)
X_reg = StandardScaler().fit_transform(X_reg)
y_reg = (y_reg - y_reg.mean()) / y_reg.std()

# 3 informative features among 10, the rest pure noise
X_clf, y_clf = make_classification(
    n_samples=150,
    n_features=10,
    n_informative=3,
    n_redundant=0,
    shuffle=False,
    random_state=0,
)
X_clf = StandardScaler().fit_transform(X_clf)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize(
    "Estimator, X, y",
    [(RegMLPClassifier, X_clf, y_clf), (RegMLPRegressor, X_reg, y_reg)],
    ids=["classifier", "regressor"],
)
def test_first_point_equals_independent_fit(Estimator, X, y, solver):
    params = dict(
        hidden_layer_sizes=(6,),
        solver=solver,
        penalty="l1",
        max_iter=60,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        path = regmlp_path(
            X,
            y,
            alphas=[1e-1, 1e-3],  # visited in ascending order
            estimator=Estimator(),
            return_weights=True,
            **params,
        )
        single = Estimator(alpha=1e-3, **params).fit(X, y)
    assert [p.alpha for p in path] == [1e-3, 1e-1]
    for got, expected in zip(path[0].coefs, single.coefs_, strict=True):
        assert_array_equal(got, expected)
    for got, expected in zip(path[0].intercepts, single.intercepts_, strict=True):
        assert_array_equal(got, expected)
    assert path[0].n_iter == single.n_iter_


def test_weight_norm_non_increasing_along_l2_path():
    path = regmlp_path(
        X_reg,
        y_reg,
        alphas=np.geomspace(1e-4, 1.0, 8),
        hidden_layer_sizes=(8,),
        penalty="l2",
        solver="lbfgs",
        tol=1e-8,
        max_iter=500,
        random_state=0,
    )
    norms = np.array([p.weight_norm for p in path])
    assert np.all(np.diff(norms) <= 1e-6 * norms[:-1]), norms
    assert norms[-1] < 0.5 * norms[0]


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_zero_count_non_decreasing_along_l1_path(solver):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        path = regmlp_path(
            X_clf,
            y_clf,
            alphas=np.geomspace(1e-3, 0.3, 8),
            hidden_layer_sizes=(6,),
            penalty="l1",
            solver=solver,
            learning_rate_init=0.01,
            random_state=0,
        )
    zeros = [p.n_zero_weights for p in path]
    assert np.all(np.diff(zeros) >= 0), zeros
    selected = [p.n_selected_features for p in path]
    assert selected[0] > 3 and selected[-1] == 0, selected
    # on the way, the noise features drop out before the informative ones
    sparse_points = [p for p in path if 0 < p.n_selected_features <= 3]
    assert sparse_points
    for p in sparse_points:
        assert set(p.selected_features) <= {0, 1, 2}


def test_records_are_consistent():
    alphas = [0.5, 0.005, 0.05]
    path = regmlp_path(
        X_reg,
        y_reg,
        alphas=alphas,
        hidden_layer_sizes=(5,),
        penalty="elasticnet",
        l1_ratio=0.7,
        solver="lbfgs",
        random_state=0,
        return_weights=True,
    )
    assert [p.alpha for p in path] == sorted(alphas)
    penalty = make_penalty(
        "elasticnet", coef_shapes=[c.shape for c in path[0].coefs], l1_ratio=0.7
    )
    model = RegMLPRegressor((5,), random_state=0)
    for p in path:
        w = np.concatenate([c.ravel() for c in p.coefs])
        model.coefs_, model.intercepts_ = p.coefs, p.intercepts
        model.n_features_in_, model.out_activation_ = X_reg.shape[1], "identity"
        residual = y_reg - model.predict(X_reg)
        assert_allclose(p.data_loss, 0.5 * np.mean(residual**2), rtol=1e-10)
        assert_allclose(p.objective, p.data_loss + penalty.value(w, p.alpha))
        assert_allclose(p.weight_norm, np.linalg.norm(w))
        assert p.n_zero_weights == np.sum(w == 0)
        rows = np.flatnonzero(np.any(p.coefs[0] != 0, axis=1))
        assert_array_equal(p.selected_features, rows)
        assert p.n_selected_features == rows.size
        assert p.n_iter >= 1
    table = path_to_dict(path)
    assert tuple(table) == PATH_KEYS
    assert all(len(v) == len(alphas) for v in table.values())
    # weights are only kept when asked
    assert regmlp_path(X_reg, y_reg, alphas=[0.1], max_iter=5)[0].coefs is None


def test_later_points_are_short_and_quiet():
    """Warm-started points stop by the usual criterion within max_iter // 10.

    Regression test: ``warm_start`` keeps the previous fit's no-improvement
    count and best loss, which made every later point stop after one epoch.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = regmlp_path(
            X_clf,
            y_clf,
            alphas=np.geomspace(1e-4, 1e-2, 4),
            hidden_layer_sizes=(6,),
            max_iter=300,
            n_iter_no_change=5,
            random_state=0,
        )
    later = [p.n_iter for p in path[1:]]
    assert all(6 <= n <= 30 for n in later), later
    # the capped points raise no "maximum iterations" warning of their own
    assert sum(issubclass(w.category, ConvergenceWarning) for w in caught) <= 1
    path = regmlp_path(
        X_clf,
        y_clf,
        alphas=[1e-4, 1e-3],
        hidden_layer_sizes=(6,),
        max_iter=300,
        path_max_iter=3,
        random_state=0,
    )
    assert path[1].n_iter == 3


DEFAULT_CASES = {
    "continuous": (X_reg, y_reg, {}, RegMLPRegressor),
    "loss-given": (
        X_reg,
        np.abs(np.round(y_reg)),
        {"loss": "poisson"},
        RegMLPRegressor,
    ),
    "labels": (X_clf, y_clf, {}, RegMLPClassifier),
}


@pytest.mark.parametrize(
    "X, y, params, Estimator", DEFAULT_CASES.values(), ids=DEFAULT_CASES.keys()
)
def test_default_estimator_follows_the_target(X, y, params, Estimator):
    """Without ``estimator``: a regressor for continuous y or when ``loss``
    is given, else a classifier; the same path as with that one given."""
    linear = dict(hidden_layer_sizes=(), solver="lbfgs", random_state=0)
    linear.update(return_weights=True, **params)
    default = regmlp_path(X, y, alphas=[0.01], **linear)
    given = regmlp_path(X, y, alphas=[0.01], estimator=Estimator(), **linear)
    assert_array_equal(default[0].coefs[0], given[0].coefs[0])
    assert default[0].objective == given[0].objective
    assert np.isfinite(default[0].objective)


def test_linear_l1_grid_is_lassos():
    """With no hidden layer, the int grid ends at Lasso's alpha_max."""
    grid = _alpha_grid(
        X_reg,
        y_reg,
        RegMLPRegressor((), penalty="l1"),
        n_alphas=5,
        alpha_min_ratio=1e-2,
    )
    n = X_reg.shape[0]
    alpha_max = np.max(np.abs(X_reg.T @ (y_reg - y_reg.mean()))) / n
    assert_allclose(grid, np.geomspace(1e-2 * alpha_max, alpha_max, 5))
    assert np.all(Lasso(alpha=alpha_max).fit(X_reg, y_reg).coef_ == 0)
    assert np.any(Lasso(alpha=0.9 * alpha_max, tol=1e-8).fit(X_reg, y_reg).coef_)


def test_grid_uses_sample_weight_as_repetition():
    sw = np.random.RandomState(0).randint(1, 4, size=X_reg.shape[0])
    est = RegMLPRegressor((4,), penalty="group_lasso")
    weighted = _alpha_grid(X_reg, y_reg, est, n_alphas=4, sample_weight=sw)
    repeated = _alpha_grid(
        np.repeat(X_reg, sw, axis=0), np.repeat(y_reg, sw), est, n_alphas=4
    )
    assert_allclose(weighted, repeated)


@pytest.mark.parametrize("penalty", [None, "l2", "l1", "elasticnet", "group_lasso"])
@pytest.mark.parametrize("hidden", [(), (4,), (4, 4)])
def test_grid_is_finite_and_increasing(penalty, hidden):
    est = RegMLPClassifier(hidden, penalty=penalty, activation="logistic")
    grid = _alpha_grid(X_clf, y_clf, est, n_alphas=6, alpha_min_ratio=1e-3)
    assert grid.shape == (6,)
    assert np.all(np.isfinite(grid)) and np.all(np.diff(grid) > 0)
    assert_allclose(grid[0] / grid[-1], 1e-3)


def test_int_alphas_builds_the_grid():
    path = regmlp_path(
        X_reg,
        y_reg,
        alphas=3,
        alpha_min_ratio=0.01,
        hidden_layer_sizes=(),
        penalty="l1",
        solver="lbfgs",
    )
    assert len(path) == 3
    assert path[-1].n_selected_features == 0


@pytest.mark.parametrize("alphas", [[], [0.1, -1.0], [[0.1, 0.2]]])
def test_bad_alphas(alphas):
    with pytest.raises(ValueError, match="alphas"):
        regmlp_path(X_reg, y_reg, alphas=alphas, max_iter=5)
