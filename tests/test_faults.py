"""Faults survived (SPEC §6, issue 8): divergence, explosions, Ctrl-C at any
moment, bad targets; every way a fit ends leaves a consistent model.

The interrupts are real: ``signal.setitimer`` raises ``KeyboardInterrupt``
from a SIGALRM handler at many moments of each solver's fit.
"""

import signal
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from invariants import assert_consistent
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skregnet import RegMLPClassifier, RegMLPClassifierCV, RegMLPRegressor
from skregnet._blas import _non_numpy_blas

rng = np.random.RandomState(0)
X_reg = rng.randn(60, 4)
y_reg = X_reg @ [1.0, -2.0, 0.5, 0.0] + 0.1 * rng.randn(60)
X_clf, y_clf = make_classification(
    n_samples=150, n_features=6, n_informative=4, n_classes=3, random_state=0
)
X_clf = StandardScaler().fit_transform(X_clf)


def _diverged(record):
    return [w for w in record if "diverged" in str(w.message)]


def test_exploding_but_finite_loss_is_divergence():
    """A loss that grew to 1e303 while staying finite ended with NaN
    probabilities and no warning (issue 8, item 1)."""
    X = np.random.RandomState(0).randn(300, 8) * 1e6
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)
    model = RegMLPClassifier(
        (10,),
        activation="identity",
        solver="sgd",
        learning_rate_init=30.0,
        max_iter=10,
        random_state=1,
    )
    with pytest.warns(ConvergenceWarning, match="diverged"):
        model.fit(X, y)
    assert_consistent(model, X)


def test_regression_that_explodes_warns_and_keeps_good_weights():
    X = np.random.RandomState(1).randn(200, 5) * 30
    y = X @ np.arange(5.0)
    model = RegMLPRegressor((16,), solver="sgd", learning_rate_init=0.5, max_iter=20)
    with pytest.warns(ConvergenceWarning, match="diverged"):
        model.fit(X, y)
    assert_consistent(model, X)
    assert model.score(X, y) > -10


def test_fista_with_a_nan_objective_respects_max_iter():
    """FISTA's backtracking only stopped at max_fun when the objective was
    NaN (issue 8, item 2)."""
    rng = np.random.RandomState(0)
    X = rng.randn(500, 10) * 1000
    y = rng.poisson(3.0, 500).astype(float)
    model = RegMLPRegressor(
        (50,), loss="poisson", solver="lbfgs", penalty="group_lasso", max_iter=5
    )
    with pytest.warns(ConvergenceWarning):
        model.fit(X, y)
    assert model.n_iter_ <= 5
    assert np.isfinite(model.predict(X)).all()  # a Poisson model never predicts inf


def test_huge_alpha_keeps_finite_weights():
    """lbfgs kept NaN weights for alpha >= 1e154 (issue 8, item 3)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = RegMLPRegressor((), solver="lbfgs", alpha=1e200).fit(X_reg, y_reg)
    assert_consistent(model, X_reg)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize("constraint", [{"weight_clip": 0.01}, {"max_norm": 0.05}])
def test_constraints_hold_after_a_first_epoch_divergence(solver, constraint):
    """The weights restored after a first-epoch divergence were those saved
    before the constraints were applied (issue 8, item 5)."""
    y = np.random.RandomState(0).randn(60) * 1e300
    model = RegMLPRegressor((8,), solver=solver, **constraint)
    with pytest.warns(ConvergenceWarning):
        model.fit(X_reg, y)
    assert_consistent(model, X_reg)


def test_unusable_starting_weights_are_an_error_not_a_model():
    model = RegMLPRegressor((3,), init_scale=1e200, max_iter=5)
    with pytest.raises(ValueError, match="not finite at its starting weights"):
        model.fit(X_reg, y_reg)
    assert not hasattr(model, "coefs_")


@pytest.mark.parametrize(
    "y, message",
    [
        (np.array([None] * 60, dtype=object), "NaN"),
        (np.arange(60).astype("datetime64[D]"), "numeric targets"),
        (np.array(["a"] * 60, dtype=object), "numeric|could not convert"),
        (np.arange(60) * (1 + 1j), "(?i)numeric|complex"),
    ],
    ids=["None", "datetime", "strings", "complex"],
)
def test_regressor_targets_must_be_numeric(y, message):
    """A None target became NaN and a misleading divergence warning;
    datetimes trained silently (issue 8, item 7)."""
    for loss in ["squared_error", "poisson"]:
        with pytest.raises(ValueError, match=message):
            RegMLPRegressor((3,), loss=loss, max_iter=2).fit(X_reg, y)


def test_poisson_targets_must_be_non_negative():
    with pytest.raises(ValueError, match="negative"):
        RegMLPRegressor(loss="poisson").fit(X_reg, y_reg)


def test_sparse_multioutput_targets_are_accepted():
    Y = sp.csr_matrix(np.c_[y_reg, -y_reg])
    model = RegMLPRegressor((4,), max_iter=5).fit(X_reg, Y)
    assert model.predict(X_reg).shape == (60, 2)


def test_overflowing_sample_weights_are_an_error():
    sw = np.full(60, 1e308)
    with pytest.raises(ValueError, match="finite sum"):
        RegMLPRegressor((3,)).fit(X_reg, y_reg, sample_weight=sw)


def test_huge_parameters_give_a_model_or_a_clear_error():
    """init_scale=1e200 and group_lasso with alpha=1e300 raised OverflowError
    (issue 8, item 8)."""
    with pytest.warns(ConvergenceWarning):
        model = RegMLPRegressor(
            (3,), penalty="group_lasso", alpha=1e300, max_iter=5
        ).fit(X_reg, y_reg)
    assert_consistent(model, X_reg)
    model.coefs_[0][:] = 1e300
    importances = model.feature_importances_
    assert np.isfinite(importances).all() and importances.sum() == pytest.approx(1)


def test_early_stopping_with_a_one_member_class_fits():
    y = np.array([0] * 30 + [1] * 29 + [2])
    X = np.random.RandomState(0).randn(60, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = RegMLPClassifier((4,), early_stopping=True, max_iter=5).fit(X, y)
    assert_consistent(model, X)


def test_lbfgs_says_it_ignores_early_stopping():
    with pytest.warns(UserWarning, match="ignores early_stopping"):
        RegMLPRegressor((3,), solver="lbfgs", early_stopping=True, max_iter=5).fit(
            X_reg, y_reg
        )


def test_pickles_carry_no_scratch_arrays():
    import pickle

    model = RegMLPClassifier((20,), max_iter=3).fit(X_clf, y_clf)
    state = model._optimizer.__getstate__()
    assert not set(state) & set(model._optimizer._scratch)
    loaded = pickle.loads(pickle.dumps(model))
    loaded.set_params(max_iter=2).partial_fit(X_clf, y_clf)  # scratch rebuilt


# -- Ctrl-C at any moment -----------------------------------------------------


class _Alarm:
    """Raise KeyboardInterrupt ``delay`` seconds from now, from SIGALRM."""

    def __init__(self, delay):
        self.delay = delay

    def __enter__(self):
        def handler(signum, frame):
            raise KeyboardInterrupt

        self.previous = signal.signal(signal.SIGALRM, handler)
        signal.setitimer(signal.ITIMER_REAL, self.delay)
        return self

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)
        return False


def _fit_interrupted(model, X, y, delay):
    """Fit with an interrupt at ``delay``; whether it escaped the fit."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with _Alarm(delay):
                model.fit(X, y)
                # the alarm may come after the fit: it must not escape later
                signal.setitimer(signal.ITIMER_REAL, 0)
    except KeyboardInterrupt:
        return True
    return False


def _fit_time(model, X, y):
    import time

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    return time.perf_counter() - start


CTRL_C_MODELS = {
    "adam": lambda: RegMLPClassifier((16,), max_iter=40, random_state=0),
    "sgd-max_norm": lambda: RegMLPClassifier(
        (16,), solver="sgd", max_norm=0.5, max_iter=40, random_state=0
    ),
    "lbfgs-l1-clip": lambda: RegMLPClassifier(
        (16,), solver="lbfgs", penalty="l1", weight_clip=0.3, random_state=0
    ),
    "lbfgs-group_lasso": lambda: RegMLPClassifier(
        (16,), solver="lbfgs", penalty="group_lasso", alpha=0.01, random_state=0
    ),
}


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs setitimer")
@pytest.mark.parametrize("name", CTRL_C_MODELS)
def test_ctrl_c_at_any_moment_leaves_a_consistent_model(name):
    """An interrupt after L-BFGS-B returned, in FISTA's first evaluation or
    between a step and its projection escaped or left an inconsistent model
    (issue 8, item 4)."""
    duration = _fit_time(CTRL_C_MODELS[name](), X_clf, y_clf)
    threads = [lib.num_threads for lib in _non_numpy_blas()]
    escaped = 0
    for delay in np.linspace(0.02, 1.1, 25) * duration:
        model = CTRL_C_MODELS[name]()
        if _fit_interrupted(model, X_clf, y_clf, delay):
            escaped += 1
            # it escaped before the model was stored: nothing half-written
            assert not hasattr(model, "coefs_") or hasattr(model, "loss_")
        if hasattr(model, "coefs_"):
            assert_consistent(model, X_clf)
        # the BLAS thread limit of lbfgs never outlives a fit
        assert [lib.num_threads for lib in _non_numpy_blas()] == threads
    assert escaped < 25  # most interrupts are caught inside the fit


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs setitimer")
def test_ctrl_c_stops_a_cv_fit_and_reports_no_partial_search():
    """RegMLPClassifierCV swallowed Ctrl-C and returned cv_results_ that
    silently differed from an uninterrupted run (issue 8, item 6)."""

    def make():
        return RegMLPClassifierCV(
            (8,), alphas=[1e-4, 1e-3, 1e-2], cv=3, max_iter=30, random_state=0
        )

    duration = _fit_time(make(), X_clf, y_clf)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = make().fit(X_clf, y_clf)
    for delay in np.linspace(0.05, 0.9, 8) * duration:
        model = make()
        if _fit_interrupted(model, X_clf, y_clf, delay):
            assert not hasattr(model, "cv_results_")
        else:  # the alarm came after the search: it is the whole search
            np.testing.assert_array_equal(
                model.cv_results_["mean_test_score"],
                reference.cv_results_["mean_test_score"],
            )
