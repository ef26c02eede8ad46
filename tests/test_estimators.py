"""The estimators of ``skregnet._base`` / ``skregnet._mlp``, as users meet them.

As in scikit-learn's MLPClassifier: determinism, partial_fit, warm_start,
early stopping, verbose output, targets of every kind, curves and fitted
attributes, feature selection, dropout, the zeros-init symmetry, faults.
"""

import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import softmax
from sklearn.datasets import (
    load_digits,
    load_iris,
    load_wine,
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import SelectFromModel
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skregnet import RegMLPClassifier, RegMLPRegressor, _network, _stochastic

X_digits, y_digits = load_digits(n_class=3, return_X_y=True)
X_digits = StandardScaler().fit_transform(X_digits[:150])
y_digits = y_digits[:150]

X_reg, y_reg = make_regression(n_samples=120, n_features=6, noise=1.0, random_state=0)
X_reg = StandardScaler().fit_transform(X_reg)
y_reg = y_reg / y_reg.std()

PENALTIES = [None, "l2", "l1", "elasticnet", "group_lasso"]
SOLVERS = ["sgd", "adam", "lbfgs"]


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _weights(model):
    return np.concatenate([c.ravel() for c in model.coefs_])


# -- determinism ----------------------------------------------------------------


DETERMINISM_CASES = {
    **{
        f"{penalty}-{solver}": (RegMLPClassifier, dict(penalty=penalty, solver=solver))
        for penalty in PENALTIES
        for solver in SOLVERS
    },
    **{
        f"regressor-init-{init}": (RegMLPRegressor, dict(init=init))
        for init in ["auto", "orthogonal", "truncated_normal"]
    },
}


@pytest.mark.parametrize(
    "Estimator, params", DETERMINISM_CASES.values(), ids=DETERMINISM_CASES.keys()
)
def test_same_random_state_gives_bit_identical_models(Estimator, params):
    X, y = (X_digits, y_digits) if Estimator is RegMLPClassifier else (X_reg, y_reg)
    params = dict(hidden_layer_sizes=(8, 5), alpha=1e-3, max_iter=20, **params)
    a = Estimator(random_state=3, **params).fit(X, y)
    b = Estimator(random_state=3, **params).fit(X, y)
    for ca, cb in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True):
        assert_array_equal(ca, cb)
    assert a.loss_curve_ == b.loss_curve_
    c = Estimator(random_state=4, **params).fit(X, y)
    assert not np.array_equal(a.coefs_[0], c.coefs_[0])


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("penalty", ["l2", "l1", "elasticnet", "group_lasso"])
def test_alpha_zero_is_no_penalty(penalty, solver):
    params = dict(hidden_layer_sizes=(8,), solver=solver, max_iter=15, random_state=0)
    a = RegMLPRegressor(penalty=penalty, alpha=0.0, **params).fit(X_reg, y_reg)
    b = RegMLPRegressor(penalty=None, **params).fit(X_reg, y_reg)
    assert_allclose(_weights(a), _weights(b), rtol=1e-12, atol=1e-14)
    assert a.loss_curve_ == pytest.approx(b.loss_curve_, rel=1e-12)


@pytest.mark.parametrize("penalty", ["l2", "l1", "elasticnet", "group_lasso"])
def test_larger_alpha_gives_smaller_weights(penalty):
    norms = []
    for alpha in [1e-4, 1e-2, 1e-1]:
        model = RegMLPClassifier(
            (10,), penalty=penalty, alpha=alpha, solver="lbfgs", random_state=0
        ).fit(X_digits, y_digits)
        norms.append(np.linalg.norm(_weights(model)))
    assert norms[0] > norms[1] > norms[2]


# -- partial_fit / warm_start --------------------------------------------------


def test_partial_fit_equals_fit_epoch_by_epoch():
    params = dict(hidden_layer_sizes=(8,), shuffle=False, random_state=0)
    fitted = RegMLPClassifier(max_iter=5, **params).fit(X_digits, y_digits)
    model = RegMLPClassifier(**params)
    for _ in range(5):
        model.partial_fit(X_digits, y_digits, classes=np.unique(y_digits))
    got_all, expected_all = (
        model.coefs_ + model.intercepts_,
        fitted.coefs_ + fitted.intercepts_,
    )
    for got, expected in zip(got_all, expected_all, strict=True):
        assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    assert model.n_iter_ == 1  # each partial_fit is one epoch
    assert model.t_ == fitted.t_ == 5 * X_digits.shape[0]
    assert model.loss_curve_ == pytest.approx(fitted.loss_curve_, rel=1e-12)


def test_partial_fit_classes_and_unknown_labels():
    model = RegMLPClassifier((8,), random_state=0)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        model.partial_fit(X_digits, y_digits)
    model.partial_fit(X_digits[y_digits < 2], y_digits[y_digits < 2], classes=[0, 1, 2])
    assert_array_equal(model.classes_, [0, 1, 2])
    assert model.predict_proba(X_digits).shape == (150, 3)
    with pytest.raises(ValueError, match="classes not in"):
        model.partial_fit(X_digits[:10], np.full(10, 7))


def test_partial_fit_regressor_and_lbfgs_has_none():
    model = RegMLPRegressor((8,), random_state=0)
    model.partial_fit(X_reg, y_reg).partial_fit(X_reg, y_reg)
    assert model.n_iter_ == 1 and len(model.loss_curve_) == 2
    for Estimator in (RegMLPClassifier, RegMLPRegressor):
        assert not hasattr(Estimator(solver="lbfgs"), "partial_fit")
        with pytest.raises(AttributeError, match="no attribute 'partial_fit'") as err:
            Estimator(solver="lbfgs").partial_fit(X_reg, y_reg)
        assert "lbfgs is not stochastic" in str(err.value.__cause__)


def test_partial_fit_rejects_early_stopping():
    model = RegMLPRegressor(early_stopping=True)
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
        model.partial_fit(X_reg, y_reg)


def test_warm_start_continues_from_previous_weights():
    model = RegMLPRegressor((8,), max_iter=10, warm_start=True, random_state=0)
    model.fit(X_reg, y_reg)
    first = model.loss_curve_.copy()
    model.fit(X_reg, y_reg)
    assert model.n_iter_ == 10 and len(model.loss_curve_) == 20
    assert model.loss_curve_[:10] == first
    # the second fit starts where the first ended, not from a fresh start
    assert abs(model.loss_curve_[10] - first[-1]) < 0.2 * (first[0] - first[-1])

    cold = RegMLPRegressor((8,), max_iter=10, random_state=0).fit(X_reg, y_reg)
    cold.fit(X_reg, y_reg)
    assert cold.loss_curve_ == pytest.approx(first)


def test_warm_start_rejects_new_classes_and_shapes():
    model = RegMLPClassifier((8,), warm_start=True, max_iter=5).fit(X_digits, y_digits)
    with pytest.raises(ValueError, match="warm_start can only be used where `y` has"):
        model.fit(X_digits, np.where(y_digits == 2, 5, y_digits))
    model.set_params(hidden_layer_sizes=(9,))
    with pytest.raises(ValueError, match="shape changed"):
        model.fit(X_digits, y_digits)


# -- stopping, schedules, verbose ---------------------------------------------------


def test_early_stopping_records_validation_scores():
    model = RegMLPClassifier(
        (16,), early_stopping=True, max_iter=300, random_state=0, n_iter_no_change=5
    ).fit(X_digits, y_digits)
    assert len(model.validation_scores_) == model.n_iter_ < 300
    assert model.best_validation_score_ == max(model.validation_scores_)
    assert model.best_loss_ is None


def test_early_stopping_too_small_validation_set():
    model = RegMLPRegressor(early_stopping=True, validation_fraction=0.1)
    with pytest.raises(ValueError, match="validation set is too small"):
        model.fit(X_reg[:10], y_reg[:10])


def test_training_loss_stopping_and_max_iter_warning():
    # init="normal" (sigma 0.01) starts near the constant model's loss, so
    # the rule may stop the fit (below it, see the next test)
    model = RegMLPRegressor(
        (8,), init="normal", tol=0.5, n_iter_no_change=2, random_state=0
    )
    model.fit(X_reg, y_reg)
    # as MLPClassifier: stops once the count exceeds n_iter_no_change
    assert model.n_iter_ == 4
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(3\) reached"):
        RegMLPRegressor((8,), max_iter=3).fit(X_reg, y_reg)


def test_no_improvement_does_not_stop_a_fit_worse_than_a_constant():
    """He init starts this fit at J = 2.6, five times the constant model's
    0.5, and J falls by 0.02 an epoch: with tol=0.4 MLPClassifier's rule
    would stop it after 4 epochs and call it converged. It goes on instead,
    and says so when max_iter ends it first.

    (tol stays clear of the constant model's 0.5: at tol=0.5 the check is
    skipped as "a constant fits to within tol", and 0.5 * var(y) rounds to
    either side of 0.5 with NumPy's summation order.)"""
    tol = 0.4
    model = RegMLPRegressor((8,), tol=tol, n_iter_no_change=2, random_state=0)
    with pytest.warns(ConvergenceWarning, match=r"still worse than a constant"):
        model.set_params(max_iter=30).fit(X_reg, y_reg)
    assert model.n_iter_ == 30
    # with room to get there, the rule stops it once it beats the constant
    model.set_params(max_iter=300).fit(X_reg, y_reg)
    assert model.best_loss_ < 0.5 * y_reg.var() + tol < model.loss_curve_[0]
    assert model.n_iter_ < 300


def test_default_on_unscaled_wine_trains_on_or_says_why():
    """Issue 10: on unscaled load_wine the default stopped after about 20
    epochs at chance accuracy (in 3 of the 5 folds of
    ``cross_val_score(RegMLPClassifier(random_state=0), X, y)``), with no
    warning: Adam's steps on features as large as proline (about 750) made
    the loss oscillate far above the constant model's, where the
    no-improvement rule fired."""
    X, y = load_wine(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = cross_val_score(MLPClassifier(random_state=0), X, y)
    for k, (train, test) in enumerate(StratifiedKFold(5).split(X, y)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = RegMLPClassifier(random_state=0).fit(X[train], y[train])
        score = model.score(X[test], y[test])
        assert score > 0.6, f"fold {k} at chance"  # was 0.28, 0.28, 0.26
        warned = any("inputs look unscaled" in str(w.message) for w in caught)
        assert warned or score >= theirs[k] - 0.05, f"fold {k}"


def test_lbfgs_max_fun_warns():
    with pytest.warns(ConvergenceWarning, match="max_fun"):
        model = RegMLPClassifier((8,), solver="lbfgs", max_fun=5, random_state=0)
        model.fit(X_digits, y_digits)
    assert model.n_iter_ <= 5


def test_adaptive_learning_rate_divides_by_five():
    """tol=0.5: no epoch after the first improves, so the rule fires every
    n_iter_no_change + 1 = 11 epochs: five times lr / 5, then lr <= 1e-6 stops."""
    model = RegMLPClassifier(
        (8,), solver="sgd", learning_rate="adaptive", tol=0.5, max_iter=300
    ).fit(X_digits, y_digits)
    assert model._optimizer.learning_rate == pytest.approx(1e-3 / 5**5, rel=1e-12)
    assert model.n_iter_ == 1 + 6 * 11


def test_invscaling_learning_rate_decays():
    model = RegMLPRegressor(
        (8,), solver="sgd", learning_rate="invscaling", power_t=0.5, max_iter=3
    ).fit(X_reg, y_reg)
    assert model._optimizer.learning_rate == pytest.approx(
        0.001 / (model.t_ + 1) ** 0.5
    )


def test_verbose_prints_iterations(capsys):
    RegMLPClassifier((4,), max_iter=3, verbose=True).fit(X_digits, y_digits)
    out = capsys.readouterr().out
    assert re.findall(r"Iteration (\d+), loss = \d+\.\d{8}", out) == ["1", "2", "3"]
    RegMLPClassifier((4,), solver="lbfgs", max_iter=3, verbose=True).fit(
        X_digits, y_digits
    )
    assert "Iteration 3, loss = " in capsys.readouterr().out


# -- targets -----------------------------------------------------------------------


def test_binary_multiclass_multilabel_outputs():
    binary = RegMLPClassifier((8,), solver="lbfgs", random_state=0)
    binary.fit(X_digits, y_digits == 1)
    assert binary.out_activation_ == "logistic" and binary.n_outputs_ == 1
    proba = binary.predict_proba(X_digits)
    assert proba.shape == (150, 2)
    assert_allclose(proba.sum(axis=1), 1)
    assert_allclose(binary.predict_log_proba(X_digits), np.log(proba))

    multi = RegMLPClassifier((8,), solver="lbfgs", random_state=0)
    multi.fit(X_digits, y_digits)
    assert multi.out_activation_ == "softmax" and multi.n_outputs_ == 3
    assert_allclose(multi.predict_proba(X_digits).sum(axis=1), 1)
    assert_array_equal(
        multi.predict(X_digits), multi.classes_[multi.predict_proba(X_digits).argmax(1)]
    )

    X, Y = make_multilabel_classification(n_samples=100, n_classes=4, random_state=0)
    labels = RegMLPClassifier((16,), solver="lbfgs", random_state=0, max_iter=500)
    labels.fit(X, Y)
    assert labels.out_activation_ == "logistic" and labels.n_outputs_ == 4
    assert labels.predict(X).shape == (100, 4)
    assert labels.score(X, Y) > 0.9


def test_two_dimensional_regression_targets():
    Y = np.column_stack([y_reg, -2 * y_reg + 1])
    model = RegMLPRegressor((16,), solver="lbfgs", random_state=0).fit(X_reg, Y)
    assert model.predict(X_reg).shape == (120, 2)
    assert model.score(X_reg, Y) > 0.99


def test_poisson_regression():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 3))
    y = rng.poisson(np.exp(0.5 * X[:, 0] - 0.3 * X[:, 1]))
    model = RegMLPRegressor((), loss="poisson", solver="lbfgs", alpha=1e-6).fit(X, y)
    assert model.out_activation_ == "exp"
    assert (model.predict(X) > 0).all()
    assert_allclose(model.coefs_[0].ravel(), [0.5, -0.3, 0.0], atol=0.15)
    with pytest.raises(ValueError, match="negative"):
        RegMLPRegressor(loss="poisson").fit(X, y - 5)


def test_sample_weight_zero_equals_removing_samples():
    sw = np.ones(len(y_reg))
    sw[:30] = 0
    params = dict(hidden_layer_sizes=(), solver="lbfgs", tol=1e-10, alpha=0.01)
    weighted = RegMLPRegressor(**params).fit(X_reg, y_reg, sample_weight=sw)
    removed = RegMLPRegressor(**params).fit(X_reg[30:], y_reg[30:])
    assert_allclose(weighted.coefs_[0], removed.coefs_[0], rtol=1e-6)


def test_float32_in_float32_out():
    X32 = X_digits.astype(np.float32)
    model = RegMLPClassifier((8,), max_iter=5, random_state=0).fit(X32, y_digits)
    assert all(c.dtype == np.float32 for c in model.coefs_ + model.intercepts_)
    assert model.predict_proba(X32).dtype == np.float32
    model64 = RegMLPClassifier((8,), max_iter=5, random_state=0).fit(X_digits, y_digits)
    assert model64.coefs_[0].dtype == np.float64
    assert_allclose(model.coefs_[0], model64.coefs_[0], rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("solver", SOLVERS)
def test_sparse_input_matches_dense(solver):
    X = np.where(np.abs(X_reg) > 0.8, X_reg, 0)
    params = dict(hidden_layer_sizes=(8,), solver=solver, max_iter=20, random_state=0)
    dense = RegMLPRegressor(**params).fit(X, y_reg)
    for fmt in (sp.csr_matrix, sp.csc_matrix):
        sparse = RegMLPRegressor(**params).fit(fmt(X), y_reg)
        assert_allclose(sparse.coefs_[0], dense.coefs_[0], rtol=1e-9, atol=1e-12)
        assert_allclose(sparse.predict(fmt(X)), dense.predict(X), rtol=1e-9)


def test_feature_names_in():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(X_reg, columns=[f"f{i}" for i in range(6)])
    model = RegMLPRegressor((4,), max_iter=5).fit(X, y_reg)
    assert_array_equal(model.feature_names_in_, X.columns)


# -- curves and attributes ----------------------------------------------------------


@pytest.mark.parametrize("solver", SOLVERS)
def test_curves_are_consistent(solver):
    """The fitted attributes agree with each other and with J at the final
    weights (per penalty, the solvers' records are checked in test_solvers)."""
    from skregnet._penalties import make_penalty

    model = RegMLPRegressor(
        (8,), penalty="l1", alpha=0.01, solver=solver, max_iter=15, random_state=0
    ).fit(X_reg, y_reg)
    assert len(model.loss_curve_) == len(model.data_loss_curve_) == model.n_iter_
    assert len(model.loss_curve_) == len(model.alpha_curve_)
    assert model.alpha_curve_ == [0.01] * len(model.alpha_curve_)
    assert model.loss_ == model.loss_curve_[-1]
    # the last entry is J at the final weights: data term + alpha * R(W)
    penalty_obj = make_penalty(
        "l1", coef_shapes=[c.shape for c in model.coefs_], l1_ratio=0.5
    )
    expected_penalty = penalty_obj.value(_weights(model), 0.01)
    assert model.loss_curve_[-1] - model.data_loss_curve_[-1] == pytest.approx(
        expected_penalty, rel=1e-9
    )
    if solver == "lbfgs":
        data = 0.5 * np.mean((model.predict(X_reg) - y_reg) ** 2)
        assert model.data_loss_curve_[-1] == pytest.approx(data, rel=1e-9)


# settings under which each solver fits the feature-selection problem in ~0.05 s
SOLVER_PARAMS = {
    "sgd": dict(learning_rate_init=0.05, max_iter=300),
    "adam": dict(learning_rate_init=0.01, max_iter=300),
    "lbfgs": dict(tol=1e-6, max_iter=2000),
}


@pytest.mark.parametrize("solver", SOLVERS)
def test_group_lasso_selects_the_informative_features(solver, noisy_classification):
    """Whole first-layer rows of the noise features are exactly zero, and
    ``feature_importances_`` (SPEC §2: the rows' L2 norms, summing to one)
    says so."""
    data = noisy_classification
    est = RegMLPClassifier(
        (8,),
        penalty="group_lasso",
        alpha=0.03,
        solver=solver,
        random_state=0,
        **SOLVER_PARAMS[solver],
    ).fit(data.X, data.y)
    W1 = est.coefs_[0]
    row_nonzeros = np.count_nonzero(W1, axis=1)
    # a row is all zero or (generically) all nonzero: groups, not single weights
    assert set(row_nonzeros) <= {0, W1.shape[1]}
    dropped = np.flatnonzero(row_nonzeros == 0)
    assert np.isin(data.noise, dropped).mean() >= 0.8
    assert not np.isin(data.informative, dropped).any()
    assert est.score(data.X, data.y) > 0.95

    norms = np.linalg.norm(W1, axis=1)
    assert_allclose(est.feature_importances_, norms / norms.sum(), rtol=1e-12)
    assert_array_equal(est.feature_importances_[dropped], 0.0)


def test_feature_importances_are_zero_when_the_first_layer_is():
    dead = RegMLPRegressor((4,), penalty="l1", alpha=100.0, solver="lbfgs")
    dead.fit(X_reg, y_reg)
    assert np.count_nonzero(dead.coefs_[0]) == 0
    assert_array_equal(dead.feature_importances_, np.zeros(X_reg.shape[1]))


@pytest.mark.parametrize("threshold", [None, 1e-12], ids=["mean", "tiny"])
def test_select_from_model_keeps_the_informative_features(
    threshold, noisy_classification
):
    """The default threshold ('mean' for a non-'l1' penalty) and a tiny one,
    which keeps exactly the features whose first-layer row is not zero."""
    data = noisy_classification
    est = RegMLPClassifier(
        (8,), penalty="group_lasso", alpha=0.03, solver="lbfgs", random_state=0
    )
    pipe = make_pipeline(
        SelectFromModel(est, threshold=threshold), LogisticRegression()
    ).fit(data.X, data.y)
    selector = pipe[0]
    support = selector.get_support()
    assert support[data.informative].all()
    assert support[data.noise].mean() <= 0.2
    if threshold is not None:
        assert_array_equal(support, selector.estimator_.coefs_[0].any(axis=1))
    assert pipe.score(data.X, data.y) > 0.95


@pytest.mark.parametrize("solver", SOLVERS)
def test_float32_keeps_exact_zeros_and_constraints(solver, noisy_classification):
    """In float32 too: exact zero rows, and the constraints up to float32's
    rounding of the rescaled weights."""
    data = noisy_classification
    est = RegMLPClassifier(
        (8,),
        penalty="group_lasso",
        alpha=0.03,
        max_norm=2.0,
        weight_clip=1.0,
        solver=solver,
        random_state=0,
        **SOLVER_PARAMS[solver],
    ).fit(data.X.astype(np.float32), data.y)
    assert all(W.dtype == np.float32 for W in est.coefs_)
    dropped = np.flatnonzero(~est.coefs_[0].any(axis=1))
    assert np.isin(data.noise, dropped).mean() >= 0.8
    for W in est.coefs_:
        norms = np.linalg.norm(W.astype(np.float64), axis=0)
        assert np.all(norms <= 2.0 * (1 + 4 * np.finfo(np.float32).eps))
        assert np.all(np.abs(W) <= 1.0)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize(
    "Estimator, X, y",
    [(RegMLPRegressor, X_reg, y_reg), (RegMLPClassifier, X_digits, y_digits)],
    ids=["regressor", "multiclass"],
)
def test_zeros_init_keeps_hidden_units_identical(Estimator, X, y, solver):
    """SPEC §3's symmetry problem: from all-zero weights every hidden unit
    gets the same gradient, so after training they are still copies of each
    other (every column of coefs_[0] equal, every row of coefs_[1]), and a
    UserWarning says so. The logistic activation (f(0) = 1/2) makes the
    gradients nonzero: the weights do move, together."""
    model = Estimator(
        (5,),
        activation="logistic",
        init="zeros",
        solver=solver,
        learning_rate_init=0.05,
        max_iter=50,
        random_state=0,
    )
    with pytest.warns(UserWarning, match="symmetry"):
        model.fit(X, y)
    W1, W2 = model.coefs_
    assert np.abs(W1).max() > 1e-4 and np.abs(W2).max() > 1e-4
    assert_allclose(W1, np.repeat(W1[:, :1], 5, axis=1), rtol=1e-10, atol=1e-13)
    assert_allclose(W2, np.repeat(W2[:1], 5, axis=0), rtol=1e-10, atol=1e-13)
    assert_allclose(model.intercepts_[0], model.intercepts_[0][0], rtol=1e-10)


# -- dropout ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "Estimator, X, y",
    [(RegMLPClassifier, X_digits, y_digits), (RegMLPRegressor, X_reg, y_reg)],
    ids=["classifier", "regressor"],
)
def test_dropout_is_reproducible_and_changes_training(Estimator, X, y):
    params = dict(hidden_layer_sizes=(16, 8), max_iter=20, batch_size=32)
    a = Estimator(dropout=0.3, random_state=0, **params).fit(X, y)
    b = Estimator(dropout=0.3, random_state=0, **params).fit(X, y)
    for ca, cb in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True):
        assert_array_equal(ca, cb)
    assert a.loss_curve_ == b.loss_curve_
    c = Estimator(dropout=0.3, random_state=1, **params).fit(X, y)
    d = Estimator(dropout=0.0, random_state=0, **params).fit(X, y)
    for other in (c, d):
        assert not np.allclose(a.coefs_[0], other.coefs_[0])


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_dropout_zero_draws_no_masks(solver, monkeypatch):
    """dropout=0 (int or float, the default) is no dropout at all: no mask is
    drawn, so nothing of the random stream changes (batch_size=32 shuffles)."""

    def no_masks(*args, **kwargs):
        raise AssertionError("a dropout mask was drawn")

    monkeypatch.setattr(_stochastic, "dropout_masks", no_masks)
    params = dict(hidden_layer_sizes=(8,), solver=solver, max_iter=10, batch_size=32)
    params.update(random_state=0)
    default = RegMLPRegressor(**params).fit(X_reg, y_reg)
    for dropout in (0, 0.0):
        model = RegMLPRegressor(dropout=dropout, **params).fit(X_reg, y_reg)
        assert_array_equal(_weights(model), _weights(default))
    with pytest.raises(AssertionError, match="mask was drawn"):
        RegMLPRegressor(dropout=0.1, **params).fit(X_reg, y_reg)


def test_dropout_drops_no_input_or_output_unit():
    """A linear model has input and output units only: dropout changes
    nothing (the masks are one per hidden unit, see test_solvers)."""
    params = dict(hidden_layer_sizes=(), max_iter=10, batch_size=32, random_state=0)
    a = RegMLPRegressor(dropout=0.5, **params).fit(X_reg, y_reg)
    b = RegMLPRegressor(**params).fit(X_reg, y_reg)
    assert_array_equal(a.coefs_[0], b.coefs_[0])
    assert_array_equal(a.intercepts_[0], b.intercepts_[0])


def test_predictions_use_no_dropout():
    est = RegMLPRegressor((16, 8), dropout=0.5, max_iter=20, random_state=0)
    est.fit(X_reg, y_reg)
    pred = est.predict(X_reg)
    assert_array_equal(pred, est.predict(X_reg))  # no randomness left
    # the deterministic forward pass with every unit, unscaled
    A = X_reg
    for W, b in zip(est.coefs_[:-1], est.intercepts_[:-1], strict=True):
        A = np.maximum(A @ W + b, 0)
    assert_allclose(
        pred, (A @ est.coefs_[-1] + est.intercepts_[-1]).ravel(), rtol=1e-10
    )


# -- faults -------------------------------------------------------------------------


@pytest.mark.parametrize("solver, lr", [("sgd", 1e6), ("adam", 1e200)])
def test_divergence_keeps_last_finite_weights(solver, lr):
    X = X_reg * 1e3
    model = RegMLPRegressor((8,), solver=solver, learning_rate_init=lr, max_iter=50)
    with pytest.warns(ConvergenceWarning, match="diverged"):
        model.fit(X, y_reg * 1e6)
    assert all(np.isfinite(c).all() for c in model.coefs_ + model.intercepts_)
    assert np.isfinite(model.predict(X)).all()


def test_keyboard_interrupt_leaves_a_fitted_model():
    def schedule(epoch, data_loss, alpha):
        if epoch == 3:
            raise KeyboardInterrupt
        return alpha

    model = RegMLPClassifier((8,), alpha_schedule=schedule, random_state=0)
    with pytest.warns(UserWarning, match="interrupted"):
        model.fit(X_digits, y_digits)
    assert model.n_iter_ == 3
    assert model.predict(X_digits).shape == (150,)


def test_keyboard_interrupt_during_lbfgs(monkeypatch):
    original = _network.Network.loss_grad
    calls = []

    def interrupting(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 20:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(_network.Network, "loss_grad", interrupting)
    model = RegMLPClassifier((8,), solver="lbfgs", random_state=0)
    with pytest.warns(UserWarning, match="interrupted"):
        model.fit(X_digits, y_digits)
    assert 0 < model.n_iter_ < 20
    assert np.isfinite(model.coefs_[0]).all()
    assert model.score(X_digits, y_digits) > 0.5


# -- the ecosystem ---------------------------------------------------------------------


def test_grid_search_over_penalty_alpha_init_in_a_pipeline():
    X, y = make_classification(n_samples=120, n_features=8, random_state=0)
    pipe = make_pipeline(
        StandardScaler(), RegMLPClassifier((8,), solver="lbfgs", random_state=0)
    )
    grid = {
        "regmlpclassifier__penalty": ["l2", "l1"],
        "regmlpclassifier__alpha": [1e-3, 1e-1],
        "regmlpclassifier__init": ["he_normal", "glorot_uniform"],
    }
    search = GridSearchCV(pipe, grid, cv=3, n_jobs=2).fit(X, y)
    assert len(search.cv_results_["params"]) == 8
    assert search.best_score_ > 0.8
    assert search.best_estimator_.score(X, y) > 0.8


# -- prediction --------------------------------------------------------------------


@pytest.mark.parametrize(
    "labels",
    [
        np.array([3, 7]),
        np.array(["no", "yes"]),
        np.array([-1, 0, 5]),
        np.array(["a", "b", "c", "d"]),
    ],
    ids=["binary-int", "binary-str", "multiclass-int", "multiclass-str"],
)
def test_predict_decodes_as_the_label_binarizer(labels):
    # predict decodes binary and multiclass outputs without LabelBinarizer's
    # inverse_transform, and must give exactly what it gives (ties included)
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3))
    y = labels[np.arange(60) % len(labels)]
    est = RegMLPClassifier((4,), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    output = est._forward(X)
    ties = np.full_like(output, 0.5 if output.shape[1] == 1 else 0.25)
    for out in (output, ties):
        reference = out.ravel() if out.shape[1] == 1 else out
        expected = est._label_binarizer.inverse_transform(reference)
        decoded = est._decode(out)
        assert decoded.dtype == expected.dtype
        assert_array_equal(decoded, expected)
    assert_array_equal(est.predict(X), est.classes_[est.predict_proba(X).argmax(1)])


def test_predict_follows_changed_weights_and_refits():
    # nothing of the weights is cached between predictions
    X, y = load_iris(return_X_y=True)
    est = RegMLPClassifier((5,), max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
        before = est.predict_proba(X)
        est.coefs_[-1][:] = 0.0
        est.intercepts_[-1][:] = [0.0, 5.0, 0.0]
        assert_array_equal(est.predict(X), np.ones(len(X)))
        est.coefs_ = [np.zeros_like(c) for c in est.coefs_]
        assert_allclose(est.predict_proba(X), np.tile(softmax([0, 5, 0]), (150, 1)))
        est.fit(X, y)
    assert_allclose(est.predict_proba(X), before)
    stored = dict(vars(est))
    est.predict(X)
    assert vars(est).keys() == stored.keys()  # predict stores nothing


def test_concurrent_predictions_share_no_work_arrays():
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.RandomState(0)
    X = rng.normal(size=(20000, 6))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)
    est = RegMLPClassifier((16,), max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    parts = [X[i::2] for i in range(2)] * 4  # more rows than a chunk
    expected = [est.predict_proba(part) for part in parts]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(est.predict_proba, parts))
    for a, b in zip(got, expected, strict=True):
        assert_array_equal(a, b)
