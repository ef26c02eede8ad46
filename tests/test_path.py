"""The regularization path of ``skregnet._path``: ``regmlp_path``, its alpha grid."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet, Lasso, LogisticRegression, Ridge
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


# a smooth, well-conditioned problem on which every solver converges
X_smooth, y_smooth = make_classification(
    n_samples=120, n_features=6, n_informative=4, random_state=0
)
X_smooth = StandardScaler().fit_transform(X_smooth)
SMOOTH_ALPHAS = np.geomspace(1e-3, 1e-1, 4)
SMOOTH = {
    "sgd": dict(learning_rate_init=0.05),
    "adam": dict(learning_rate_init=0.01),
    "lbfgs": {},
}


def _smooth_params(solver, penalty, **changes):
    params = dict(
        hidden_layer_sizes=(6,),
        activation="tanh",
        solver=solver,
        penalty=penalty,
        random_state=0,
        max_iter=500,
        **SMOOTH[solver],
    )
    return {**params, **changes}


def test_later_points_are_trained_by_the_rule_of_a_cold_fit():
    """No hidden cap: a warm-started point runs until the no-improvement rule
    stops it, or to max_iter (then it is unconverged), with a no-improvement
    count of its own.

    Regression test: every point after the first was capped at
    ``max_iter // 10`` epochs and its ConvergenceWarning dropped, so the path
    reported unconverged points as solutions (issue 7)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        path = regmlp_path(
            X_smooth,
            y_smooth,
            alphas=SMOOTH_ALPHAS,
            **_smooth_params("adam", "l2", n_iter_no_change=5, max_iter=300),
        )
    later = [p.n_iter for p in path[1:]]
    assert max(later) > 300 // 10, later  # beyond the old cap
    assert min(later) >= 5 + 1  # a fresh no-improvement count
    for point in path:
        assert point.converged == (point.n_iter < 300)


@pytest.mark.parametrize("penalty", ["l2", "l1", "group_lasso"])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_each_point_is_as_good_as_a_cold_fit(solver, penalty):
    """A point's objective is no worse than that of a fit from scratch at its
    alpha with the same parameters, up to a few percent of non-convexity."""
    params = _smooth_params(solver, penalty)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        path = regmlp_path(X_smooth, y_smooth, alphas=SMOOTH_ALPHAS, **params)
        for point in path:
            cold = RegMLPClassifier(alpha=point.alpha, **params).fit(X_smooth, y_smooth)
            cold_point = regmlp_path(
                X_smooth, y_smooth, alphas=[point.alpha], **params
            )[0]
            assert cold.n_iter_ == cold_point.n_iter
            assert point.objective <= 1.06 * cold_point.objective, point.alpha


def _kkt_residual(model, X, y):
    """The largest KKT violation of J at a fitted model's weights, from the
    penalty's subdifferential (test_penalties checks it against formulas)."""
    from skregnet._losses import LOSSES
    from skregnet._network import Layout, Network

    layout = Layout([X.shape[1], *(b.shape[0] for b in model.intercepts_)])
    params = layout.pack(model.coefs_, model.intercepts_, np.float64)
    loss = LOSSES[model._loss_name()]
    network = Network(layout, model.activation, model.out_activation_, loss)
    Y = model._label_binarizer.transform(y).astype(float)
    grad = np.empty_like(params)
    network.loss_grad(params, X, Y, np.full(len(y), 1 / len(y)), grad)
    penalty = make_penalty(model.penalty, coef_shapes=layout.coef_shapes)
    n = layout.n_coef
    penalty.add_smooth_grad(params[:n], model.alpha, grad[:n])
    weights = penalty.subdiff_distance(params[:n], grad[:n], model.alpha)
    return max(weights.max(), np.abs(grad[n:]).max())


@pytest.mark.parametrize("penalty", ["l2", "l1", "elasticnet", "group_lasso"])
def test_lbfgs_warm_starts_reach_a_kkt_point(penalty):
    """Warm-started, lbfgs stops only where the KKT residual is within tol,
    after more than one iteration (with L2, fewer than from scratch; the L1
    split's iterations depend on the sparsity pattern it starts from).

    Regression test: L-BFGS-B on the L1 split, warm-started, stopped after
    one iteration on scipy's relative-decrease test, at a point whose KKT
    residual was 175 times the tolerance, with no warning (issue 7)."""
    params = _smooth_params("lbfgs", penalty, tol=1e-5, max_iter=3000)
    model = RegMLPClassifier(alpha=1e-3, **params).fit(X_smooth, y_smooth)
    model.set_params(warm_start=True, alpha=1.2e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # it converges
        model.fit(X_smooth, y_smooth)
    assert model.n_iter_ > 1
    assert _kkt_residual(model, X_smooth, y_smooth) <= 1e-5
    if penalty == "l2":
        cold = RegMLPClassifier(alpha=1.2e-3, **params).fit(X_smooth, y_smooth)
        assert model.n_iter_ < cold.n_iter_
    if penalty != "l2":
        assert np.count_nonzero(model.coefs_[0] == 0) > 0


def test_an_unconverged_path_warns_once_and_names_its_points():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = regmlp_path(
            X_smooth,
            y_smooth,
            alphas=SMOOTH_ALPHAS,
            **_smooth_params("adam", "l2", max_iter=8),
        )
    convergence = [w for w in caught if w.category is ConvergenceWarning]
    assert len(convergence) == 1
    message = str(convergence[0].message)
    assert message.startswith(f"{len(path)} of {len(path)} path points")
    for point in path:
        assert not point.converged
        assert f"alpha={point.alpha:.3g} (max_iter)" in message
    assert "increase `max_iter` (now 8)" in message
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)  # the user's filter
        regmlp_path(
            X_smooth,
            y_smooth,
            alphas=SMOOTH_ALPHAS,
            **_smooth_params("adam", "l2", max_iter=8),
        )


@pytest.mark.parametrize(
    "penalty, reference",
    [
        ("l2", lambda a, n: Ridge(alpha=n * a)),
        ("l1", lambda a, n: Lasso(alpha=a, tol=1e-12, max_iter=100000)),
        ("elasticnet", lambda a, n: ElasticNet(alpha=a, tol=1e-12, max_iter=100000)),
    ],
)
def test_a_linear_path_is_the_linear_models_path(penalty, reference):
    """With no hidden layer the problem is convex: every point of the
    warm-started path is the linear model's solution at its alpha."""
    alphas = np.geomspace(1e-3, 0.3, 6)
    path = regmlp_path(
        X_reg,
        y_reg,
        alphas=alphas,
        hidden_layer_sizes=(),
        penalty=penalty,
        solver="lbfgs",
        tol=1e-9,
        max_iter=5000,
        return_weights=True,
    )
    n = len(y_reg)
    for point in path:
        expected = reference(point.alpha, n).fit(X_reg, y_reg)
        assert point.converged
        assert_allclose(point.coefs[0].ravel(), expected.coef_, atol=1e-6)
        assert_array_equal(point.coefs[0].ravel() == 0, expected.coef_ == 0)


def test_a_linear_logistic_path_is_logistic_regressions_path():
    alphas = np.geomspace(1e-3, 0.3, 5)
    path = regmlp_path(
        X_clf,
        y_clf,
        alphas=alphas,
        hidden_layer_sizes=(),
        solver="lbfgs",
        tol=1e-9,
        max_iter=5000,
        return_weights=True,
    )
    n = len(y_clf)
    for point in path:
        expected = LogisticRegression(C=1 / (n * point.alpha), tol=1e-12).fit(
            X_clf, y_clf
        )
        assert point.converged
        assert_allclose(point.coefs[0].ravel(), expected.coef_.ravel(), atol=1e-5)


def test_ctrl_c_stops_the_whole_path(monkeypatch):
    """A KeyboardInterrupt in one point's fit is not absorbed by it: the path
    stops (a partial path is never returned as complete)."""
    from skregnet import _stochastic

    calls = []
    real_epoch = _stochastic.StochasticRun.epoch

    def epoch(self, alpha_t):
        calls.append(alpha_t)
        if len(calls) == 15:  # inside the second point
            raise KeyboardInterrupt
        return real_epoch(self, alpha_t)

    monkeypatch.setattr(_stochastic.StochasticRun, "epoch", epoch)
    with pytest.raises(KeyboardInterrupt), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        regmlp_path(
            X_smooth,
            y_smooth,
            alphas=SMOOTH_ALPHAS,
            **_smooth_params("adam", "l2", max_iter=10),
        )
    assert len(calls) == 15


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
