"""The cross-validated search along the regularization path.

The jobs of ``RegMLPClassifierCV`` / ``RegMLPRegressorCV`` (``skregnet._cv``),
as scikit-learn's ``LinearModelCV`` runs them, with a network's path going
up instead of down:

- ``fold_path``: one job per CV fold, the **whole path** on the fold's
  training part (weakest alpha first, each point warm-started from the
  previous one), every point scored on the test part;
- ``full_path``: the path on all the data (the refit), keeping a copy of
  the model at every alpha, since alpha is chosen after the jobs end;
- ``cv_results`` and ``choose_alpha``: ``GridSearchCV``'s ``cv_results_``
  layout (one or several metrics), the best alpha and ``alpha_1se_``;
- ``cv_constraints``: the CV estimators' ``_parameter_constraints``.

The jobs go through ``sklearn.utils.parallel``, so scikit-learn's
configuration reaches the workers, and emit no per-point warnings: the
estimator summarizes the points that did not converge in one warning.
"""

import copy
import time
from numbers import Integral, Real

import numpy as np
from sklearn.base import clone
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import Interval, StrOptions

from skregnet._path import _iter_path, _path_point
from skregnet._training import CONVERGED


def cv_constraints(estimator_class):
    """The wrapped estimator's constraints, without ``alpha``, plus the CV's."""
    constraints = {**estimator_class._parameter_constraints}
    constraints.pop("alpha")
    constraints.update(
        alphas=[Interval(Integral, 1, None, closed="left"), "array-like"],
        alpha_min_ratio=[Interval(Real, 0, 1, closed="neither")],
        cv=["cv_object"],
        scoring=[
            StrOptions(set(get_scorer_names())),
            callable,
            list,
            tuple,
            set,
            dict,
            None,
        ],
        n_jobs=[Integral, None],
        refit=["boolean", str],
        alpha_rule=[StrOptions({"best", "1se"})],
    )
    return constraints


#: how far above the data-driven alpha_max the grid may be extended
MAX_EXTENSION = 1e3


def check_scorers(estimator, scoring, refit):
    """``(scorer, metric)``: the scorer (a dict of scores for several
    metrics) and the name of the metric that chooses alpha (``"score"``
    for a single metric; ``None`` when several and ``refit=False``)."""
    scorer = check_scoring(estimator, scoring=scoring)
    if not isinstance(scoring, list | tuple | set | dict):
        return scorer, "score"
    names = list(scoring)
    if refit is False:
        return scorer, None
    if not isinstance(refit, str) or refit not in names:
        raise ValueError(
            "For multi-metric scoring, the parameter refit must be set to a "
            f"scorer key (one of {names}) to choose alpha by that metric, or "
            f"to False to only compute cv_results_. Got {refit!r} instead."
        )
    return scorer, refit


def _scores(scorer, estimator, X, y, sample_weight):
    """The estimator's scores on (X, y), as a dict by metric name."""
    kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
    scores = scorer(estimator, X, y, **kwargs)
    if isinstance(scores, dict):
        return {name: float(value) for name, value in scores.items()}
    return {"score": float(scores)}


def fold_path(base, X, y, sample_weight, train, test, alphas, scorer, label):
    """One CV job: the path on ``train``, each point scored on ``test``.

    Returns a dict of per-alpha arrays: ``scores`` (a dict by metric),
    ``fit_times``, ``score_times``, ``n_iter`` and ``stops`` (why each point's
    fit ended).
    """
    est = clone(base)
    sw_train = sw_test = None
    if sample_weight is not None:
        sw_train, sw_test = sample_weight[train], sample_weight[test]
    X_train, y_train = _safe_indexing(X, train), _safe_indexing(y, train)
    X_test, y_test = _safe_indexing(X, test), _safe_indexing(y, test)
    scores, out = {}, {"fit_times": [], "score_times": [], "n_iter": [], "stops": []}
    for alpha, fit_time in _iter_path(est, X_train, y_train, alphas, sw_train):
        start = time.perf_counter()
        point = _scores(scorer, est, X_test, y_test, sw_test)
        out["score_times"].append(time.perf_counter() - start)
        out["fit_times"].append(fit_time)
        out["n_iter"].append(est.n_iter_)
        out["stops"].append(est._stop)
        for name, value in point.items():
            scores.setdefault(name, []).append(value)
        _report(est, label, alpha, point, fit_time)
    out = {key: np.array(values) for key, values in out.items()}
    out["scores"] = {name: np.array(values) for name, values in scores.items()}
    return out


def _report(est, label, alpha, scores, fit_time):
    """The verbose line of a path point, as ``GridSearchCV`` prints its fits."""
    if not est.verbose:
        return
    shown = ", ".join(f"{name}={value:.3f}" for name, value in scores.items())
    print(
        f"[CV {label}] END alpha={alpha:.3g}; {shown}; {est.n_iter_} iterations, "
        f"{est._stop}; total time={fit_time:.1f}s"
    )


def _snapshot(estimator):
    """A copy of a fitted path point, without the optimizer's state."""
    optimizer = estimator.__dict__.pop("_optimizer", None)
    try:
        return copy.deepcopy(estimator)
    finally:
        estimator._optimizer = optimizer


def full_path(base, X, y, sample_weight, alphas, *, extend):
    """The path on all the data, keeping a copy of the model at every point.

    ``extend``: whether to continue the grid upward, at its ratio, until the
    first layer is zero. Returns the path points, the models (one per
    alpha), the final grid and the stops of the points.
    """
    est = clone(base)
    alphas = list(alphas)
    ratio = alphas[-1] / alphas[-2] if len(alphas) > 1 else 1.0
    limit = alphas[-1] * MAX_EXTENSION
    points, models, stops = [], [], []

    def record(fit_time):
        points.append(_path_point(est, X, y, sample_weight, fit_time, False))
        models.append(_snapshot(est))
        stops.append(est._stop)
        _report(est, "refit", points[-1].alpha, {}, fit_time)

    for _, fit_time in _iter_path(est, X, y, alphas, sample_weight):
        record(fit_time)
    # extend while the first layer is not zero, unless the solver no longer
    # moves it: higher alphas would not change anything then
    moved = True
    while (
        extend
        and ratio > 1
        and moved
        and points[-1].n_selected_features
        and alphas[-1] * ratio <= limit
    ):
        first_layer = est.coefs_[0].copy()
        alphas.append(alphas[-1] * ratio)
        for _, fit_time in _iter_path(est, X, y, alphas[-1:], sample_weight, warm=True):
            record(fit_time)
        moved = not np.array_equal(first_layer, est.coefs_[0])
    return points, models, np.array(alphas), stops


def cv_results(alphas, folds, single):
    """``GridSearchCV``'s ``cv_results_`` from the fold jobs' results."""
    fit_times = np.vstack([f["fit_times"] for f in folds])
    score_times = np.vstack([f["score_times"] for f in folds])
    res = {
        "mean_fit_time": fit_times.mean(axis=0),
        "std_fit_time": fit_times.std(axis=0),
        "mean_score_time": score_times.mean(axis=0),
        "std_score_time": score_times.std(axis=0),
        "param_alpha": np.ma.MaskedArray(alphas.copy(), mask=False),
        "params": [{"alpha": float(a)} for a in alphas],
    }
    for name in folds[0]["scores"]:
        suffix = "score" if single else name
        scores = np.vstack([f["scores"][name] for f in folds])
        for k, split_scores in enumerate(scores):
            res[f"split{k}_test_{suffix}"] = split_scores
        mean = scores.mean(axis=0)
        res[f"mean_test_{suffix}"] = mean
        res[f"std_test_{suffix}"] = scores.std(axis=0)
        # as GridSearchCV: NaN scores rank last, ties share the best rank
        ranked = np.where(np.isnan(mean), -np.inf, mean)
        rank = 1 + (ranked[None, :] > ranked[:, None]).sum(axis=1)
        res[f"rank_test_{suffix}"] = rank.astype(np.int32)
    return res


def choose_alpha(results, alphas, metric, rule, n_splits):
    """``(best_index, best_score, alpha_1se, alpha)`` for the metric's scores.

    ``alpha_1se`` is the largest alpha whose mean score is at least the best
    minus its standard error (cv.glmnet's ``lambda.1se``); ``rule`` picks
    ``"best"`` or ``"1se"``.
    """
    mean, std = results[f"mean_test_{metric}"], results[f"std_test_{metric}"]
    if np.all(np.isnan(mean)):
        raise ValueError(
            "Every alpha got a NaN test score: check `scoring` and the data."
        )
    best = int(np.nanargmax(mean))
    threshold = mean[best] - std[best] / np.sqrt(n_splits)
    alpha_1se = float(alphas[np.flatnonzero(mean >= threshold)[-1]])
    alpha = float(alphas[best]) if rule == "best" else alpha_1se
    return best, float(mean[best]), alpha_1se, alpha


def unconverged_points(alphas, folds, refit_stops):
    """``(alpha, where, stop)`` of every point that did not converge
    (``refit_stops``: those of the path on all the data, or ``None``)."""
    found = []
    for k, fold in enumerate(folds):
        for alpha, stop in zip(alphas, fold["stops"], strict=True):
            if stop not in CONVERGED:
                found.append((float(alpha), f"fold {k + 1}", str(stop)))
    for alpha, stop in zip(alphas, refit_stops or [], strict=bool(refit_stops)):
        if stop not in CONVERGED:
            found.append((float(alpha), "refit", str(stop)))
    return found
