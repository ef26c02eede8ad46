"""The CV estimators of ``skregnet._cv``: alpha chosen by cross-validation.

scikit-learn's estimator checks for them are in ``test_common.py``.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold, StratifiedKFold
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skregnet import (
    RegMLPClassifier,
    RegMLPClassifierCV,
    RegMLPRegressor,
    RegMLPRegressorCV,
    regmlp_path,
)

X_clf, y_clf = make_classification(
    n_samples=150, n_features=6, n_informative=3, random_state=0
)
X_clf = StandardScaler().fit_transform(X_clf)
X_reg, y_reg = make_regression(
    n_samples=120, n_features=6, n_informative=3, noise=10.0, random_state=0
)
X_reg = StandardScaler().fit_transform(X_reg)
y_reg = (y_reg - y_reg.mean()) / y_reg.std()

ALPHAS = [1e-4, 1e-3, 1e-2, 1e-1]
NET = dict(hidden_layer_sizes=(5,), learning_rate_init=0.02, max_iter=60)
CASES = [
    (RegMLPClassifierCV, RegMLPClassifier, X_clf, y_clf),
    (RegMLPRegressorCV, RegMLPRegressor, X_reg, y_reg),
]
CASE_IDS = ["classifier", "regressor"]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.mark.parametrize("CV, Estimator, X, y", CASES, ids=CASE_IDS)
def test_cv_results_have_grid_search_layout(CV, Estimator, X, y):
    cv = KFold(3, shuffle=True, random_state=0)
    model = CV(alphas=ALPHAS, cv=cv, random_state=0, **NET).fit(X, y)
    grid = GridSearchCV(Estimator(random_state=0, **NET), {"alpha": ALPHAS}, cv=cv).fit(
        X, y
    )

    assert set(model.cv_results_) == set(grid.cv_results_)
    for key, value in model.cv_results_.items():
        assert len(value) == len(ALPHAS), key
    assert model.cv_results_["params"] == grid.cv_results_["params"]
    assert_array_equal(model.cv_results_["param_alpha"], ALPHAS)
    assert_array_equal(model.alphas_, ALPHAS)
    assert model.alpha_ in model.alphas_
    assert model.n_splits_ == 3
    mean = model.cv_results_["mean_test_score"]
    assert model.best_score_ == mean.max()
    assert model.best_index_ == np.argmax(mean)
    assert model.cv_results_["rank_test_score"][model.best_index_] == 1
    assert_array_equal(
        np.argsort(model.cv_results_["rank_test_score"], kind="stable"),
        np.argsort(-mean, kind="stable"),
    )
    # the first point of each fold's path is an independent fit: its scores
    # are GridSearchCV's
    for k in range(3):
        key = f"split{k}_test_score"
        assert_allclose(model.cv_results_[key][0], grid.cv_results_[key][0])


@pytest.mark.parametrize("CV, Estimator, X, y", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("alpha_rule", ["best", "1se"])
def test_refit_model_is_the_path_on_all_data(CV, Estimator, X, y, alpha_rule):
    model = CV(alphas=ALPHAS, cv=3, alpha_rule=alpha_rule, random_state=0, **NET).fit(
        X, y
    )
    k = int(np.flatnonzero(model.alphas_ == model.alpha_)[0])
    path = regmlp_path(
        X,
        y,
        alphas=model.alphas_[: k + 1],
        estimator=Estimator(),
        return_weights=True,
        random_state=0,
        **NET,
    )
    for got, expected in zip(model.coefs_, path[-1].coefs, strict=True):
        assert_array_equal(got, expected)
    for got, expected in zip(model.intercepts_, path[-1].intercepts, strict=True):
        assert_array_equal(got, expected)
    refit = model.best_estimator_
    assert isinstance(refit, Estimator)
    assert refit.alpha == model.alpha_ and refit.warm_start is False
    assert_array_equal(model.predict(X), refit.predict(X))
    assert model.score(X, y) == refit.score(X, y)
    assert model.n_iter_ == path[-1].n_iter
    assert model.loss_curve_ is refit.loss_curve_
    assert_array_equal(model.feature_importances_, refit.feature_importances_)
    if CV is RegMLPClassifierCV:
        assert_array_equal(model.classes_, np.unique(y))
        assert_allclose(model.predict_proba(X), refit.predict_proba(X))
        assert_allclose(model.predict_log_proba(X), refit.predict_log_proba(X))
        assert model.score(X, y) > 0.8
    else:
        assert model.score(X, y) > 0.8
    # path_: the records of the path on all the data, one per alpha
    assert set(model.path_) == {
        "alpha",
        "objective",
        "data_loss",
        "weight_norm",
        "n_zero_weights",
        "n_selected_features",
        "n_iter",
        "converged",
    }
    for values in model.path_.values():
        assert values.shape == (len(ALPHAS),)
    assert_array_equal(model.path_["alpha"], model.alphas_)
    assert_allclose(model.path_["objective"][: k + 1], [p.objective for p in path])


def test_one_standard_error_rule():
    model = RegMLPClassifierCV(
        alphas=np.geomspace(1e-4, 1.0, 6), cv=4, random_state=0, **NET
    ).fit(X_clf, y_clf)
    res = model.cv_results_
    best = model.best_index_
    threshold = res["mean_test_score"][best] - res["std_test_score"][best] / 2
    within = model.alphas_[res["mean_test_score"] >= threshold]
    assert model.alpha_1se_ == within.max()
    assert model.alpha_1se_ >= model.alpha_ == model.alphas_[best]
    one_se = clone(model).set_params(alpha_rule="1se").fit(X_clf, y_clf)
    assert one_se.alpha_ == model.alpha_1se_
    assert one_se.best_score_ == model.best_score_
    assert one_se.best_estimator_.alpha == model.alpha_1se_


def test_classifier_folds_are_stratified_by_default():
    model = RegMLPClassifierCV(alphas=[1e-3], random_state=0, **NET).fit(X_clf, y_clf)
    grid = GridSearchCV(RegMLPClassifier(random_state=0, **NET), {"alpha": [1e-3]}).fit(
        X_clf, y_clf
    )
    assert model.n_splits_ == 5
    for k in range(5):
        key = f"split{k}_test_score"
        assert_allclose(model.cv_results_[key], grid.cv_results_[key])


def test_default_l1_grid_reaches_an_empty_first_layer():
    model = RegMLPRegressorCV(
        (8,), alphas=4, penalty="l1", cv=3, random_state=0, learning_rate_init=0.01
    ).fit(X_reg, y_reg)
    assert len(model.alphas_) >= 4
    assert_allclose(model.alphas_[1] / model.alphas_[0], (1e3) ** (1 / 3))
    assert model.path_["n_selected_features"][0] == X_reg.shape[1]
    assert model.path_["n_selected_features"][-1] == 0


def test_default_l2_grid():
    model = RegMLPClassifierCV(
        alphas=3, alpha_min_ratio=1e-2, cv=3, random_state=0, **NET
    )
    model.fit(X_clf, y_clf)
    assert model.alphas_.shape == (3,)
    assert_allclose(model.alphas_[0] / model.alphas_[-1], 1e-2)


def test_refit_false_keeps_the_search_only():
    model = RegMLPRegressorCV(alphas=ALPHAS, cv=3, refit=False, **NET).fit(X_reg, y_reg)
    assert model.alpha_ in model.alphas_
    assert not hasattr(model, "path_") and not hasattr(model, "coefs_")
    with pytest.raises(NotFittedError, match="refit=False"):
        model.predict(X_reg)
    # refitting forgets a previous refit model
    model.set_params(refit=True).fit(X_reg, y_reg)
    assert hasattr(model, "best_estimator_")
    model.set_params(refit=False).fit(X_reg, y_reg)
    assert not hasattr(model, "best_estimator_")


def test_sample_weight_groups_and_scoring():
    """Integer sample weights act as repeated rows, in each fold's fit and in
    its score; ``groups`` choose the folds; ``scoring`` is the one asked for."""
    sw = np.random.RandomState(0).randint(1, 3, size=X_reg.shape[0])
    groups = np.arange(X_reg.shape[0]) % 4
    kwargs = dict(
        alphas=ALPHAS[:2],
        cv=GroupKFold(4),
        scoring="neg_mean_absolute_error",
        random_state=0,
        **NET,
    )
    weighted = RegMLPRegressorCV(**kwargs).fit(
        X_reg, y_reg, sample_weight=sw, groups=groups
    )
    repeated = RegMLPRegressorCV(**kwargs).fit(
        np.repeat(X_reg, sw, axis=0), np.repeat(y_reg, sw), groups=np.repeat(groups, sw)
    )
    unweighted = RegMLPRegressorCV(**kwargs).fit(X_reg, y_reg, groups=groups)
    assert weighted.n_splits_ == 4

    def fold_scores(model):  # one fold per group, in any order
        results = model.cv_results_
        return np.sort([results[f"split{k}_test_score"] for k in range(4)], axis=0)

    assert_allclose(fold_scores(weighted), fold_scores(repeated), rtol=1e-7)
    assert not np.allclose(fold_scores(weighted), fold_scores(unweighted))
    # a negative error, where the default R^2 is positive on these folds
    assert np.all(weighted.cv_results_["mean_test_score"] < 0)
    r2 = RegMLPRegressorCV(**{**kwargs, "scoring": None})
    r2.fit(X_reg, y_reg, sample_weight=sw, groups=groups)
    assert np.all(r2.cv_results_["mean_test_score"] > 0)


def test_parameters_and_validation():
    params = RegMLPClassifierCV().get_params()
    assert "alpha" not in params
    assert set(RegMLPClassifier().get_params()) - {"alpha"} < set(params)
    assert set(RegMLPRegressor().get_params()) - {"alpha"} < set(
        RegMLPRegressorCV().get_params()
    )
    for bad in [dict(alpha_rule="median"), dict(alphas=0), dict(alpha_min_ratio=2.0)]:
        with pytest.raises(InvalidParameterError):
            RegMLPClassifierCV(**bad).fit(X_clf, y_clf)
    with pytest.raises(ValueError, match="alphas"):
        RegMLPClassifierCV(alphas=[-1.0, 1.0]).fit(X_clf, y_clf)
    # the docs reuse the estimators' parameter docs, without alpha
    for CV in (RegMLPClassifierCV, RegMLPRegressorCV):
        assert "\n    alpha : " not in CV.__doc__
        assert "\n    l1_ratio : " in CV.__doc__


def test_dataframe_feature_names():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(X_clf, columns=[f"f{i}" for i in range(X_clf.shape[1])])
    model = RegMLPClassifierCV(alphas=ALPHAS[:2], cv=3, random_state=0, **NET)
    model.fit(X, y_clf)
    assert_array_equal(model.feature_names_in_, X.columns)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict(X)
    table = pd.DataFrame(model.path_)
    assert table.shape == (2, 8)


def test_parallel_folds_give_the_same_result():
    kwargs = dict(alphas=ALPHAS[:3], cv=StratifiedKFold(3), random_state=0, **NET)
    serial = RegMLPClassifierCV(**kwargs).fit(X_clf, y_clf)
    parallel = RegMLPClassifierCV(n_jobs=2, **kwargs).fit(X_clf, y_clf)
    assert_array_equal(
        serial.cv_results_["mean_test_score"],
        parallel.cv_results_["mean_test_score"],
    )
    assert serial.alpha_ == parallel.alpha_


@pytest.mark.parametrize("backend", ["sequential", "loky", "threading"])
def test_one_convergence_warning_per_fit_through_the_users_filters(backend):
    """Unconverged points give one ConvergenceWarning per CV fit, naming
    their alphas and folds, whatever the joblib backend; a worker thread
    never changes the process's warning filters.

    Regression test: the CV estimators called joblib directly and recorded
    warnings with ``catch_warnings`` in each job, which under the threading
    backend left ``warnings.filters`` changed for the whole process; one
    warning per unconverged fit reached the user (issue 7)."""
    import joblib

    kwargs = dict(alphas=ALPHAS[:2], cv=3, random_state=0, **{**NET, "max_iter": 3})
    n_jobs = 1 if backend == "sequential" else 2
    filters = list(warnings.filters)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        with joblib.parallel_backend("loky" if backend == "sequential" else backend):
            RegMLPClassifierCV(n_jobs=n_jobs, **kwargs).fit(X_clf, y_clf)
    convergence = [w for w in caught if w.category is ConvergenceWarning]
    assert len(convergence) == 1
    message = str(convergence[0].message)
    assert message.startswith("8 of 8 path points did not converge")
    assert "fold 3: max_iter" in message and "refit: max_iter" in message
    assert warnings.filters == filters
    # the user's filter silences it, in the workers too
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        with joblib.parallel_backend("loky" if backend == "sequential" else backend):
            RegMLPClassifierCV(n_jobs=n_jobs, **kwargs).fit(X_clf, y_clf)


def test_multi_metric_scoring_as_grid_search():
    scoring = ["accuracy", "neg_log_loss"]
    kwargs = dict(alphas=ALPHAS[:3], cv=StratifiedKFold(3), random_state=0, **NET)
    model = RegMLPClassifierCV(scoring=scoring, refit="neg_log_loss", **kwargs)
    model.fit(X_clf, y_clf)
    grid = GridSearchCV(
        RegMLPClassifier(random_state=0, **NET),
        {"alpha": ALPHAS[:3]},
        cv=StratifiedKFold(3),
        scoring=scoring,
        refit="neg_log_loss",
    ).fit(X_clf, y_clf)
    for name in scoring:
        for key in [f"mean_test_{name}", f"std_test_{name}", f"rank_test_{name}"]:
            assert key in model.cv_results_
        # the first point of each fold is an independent fit: the grid's
        assert_allclose(
            model.cv_results_[f"split0_test_{name}"][0],
            grid.cv_results_[f"split0_test_{name}"][0],
        )
    mean = model.cv_results_["mean_test_neg_log_loss"]
    assert model.best_index_ == np.argmax(mean)
    assert model.alpha_ == model.alphas_[model.best_index_]
    assert model.best_score_ == mean.max()
    with pytest.raises(ValueError, match="refit must be set to a scorer key"):
        RegMLPClassifierCV(scoring=scoring, **kwargs).fit(X_clf, y_clf)
    search_only = RegMLPClassifierCV(scoring=scoring, refit=False, **kwargs)
    search_only.fit(X_clf, y_clf)
    assert "mean_test_accuracy" in search_only.cv_results_
    assert not hasattr(search_only, "alpha_")


def test_verbose_says_which_fold_and_alpha(capsys):
    RegMLPRegressorCV(alphas=ALPHAS[:2], cv=2, verbose=True, **NET).fit(X_reg, y_reg)
    out = capsys.readouterr().out
    for label in [
        "[CV 1/2] END alpha=0.0001",
        "[CV 2/2] END alpha=0.001",
        "[CV refit]",
    ]:
        assert label in out
    assert "Iteration 1, loss =" in out
