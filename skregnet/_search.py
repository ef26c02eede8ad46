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

``BaseRegMLPCV`` is the estimator logic the two CV estimators share. The
jobs go through ``sklearn.utils.parallel``, so scikit-learn's
configuration reaches the workers, and emit no per-point warnings: the
estimator summarizes the points that did not converge in one warning.
"""

import copy
import inspect
import time
from contextlib import nullcontext
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, _fit_context, clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from skregnet._callbacks import CallbackSupportMixin, search_tasks, with_callbacks
from skregnet._path import (
    _alpha_grid,
    _check_alphas,
    _convergence_warning,
    _iter_path,
    _path_point,
    path_to_dict,
)
from skregnet._penalties import make_penalty
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


def fold_path(base, X, y, sample_weight, train, test, alphas, scorer, label, task=None):
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
    path = _iter_path(est, X_train, y_train, alphas, sw_train, task=task)
    with nullcontext() if task is None else task.scope(X_train, y_train):
        _score_path(path, est, scorer, X_test, y_test, sw_test, label, scores, out)
    out = {key: np.array(values) for key, values in out.items()}
    out["scores"] = {name: np.array(values) for name, values in scores.items()}
    return out


def _score_path(path, est, scorer, X_test, y_test, sw_test, label, scores, out):
    """Score each point of ``path`` as it is fitted, into ``scores`` / ``out``."""
    for alpha, fit_time in path:
        start = time.perf_counter()
        point = _scores(scorer, est, X_test, y_test, sw_test)
        out["score_times"].append(time.perf_counter() - start)
        out["fit_times"].append(fit_time)
        out["n_iter"].append(est.n_iter_)
        out["stops"].append(est._stop)
        for name, value in point.items():
            scores.setdefault(name, []).append(value)
        _report(est, label, alpha, point, fit_time)


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


def full_path(base, X, y, sample_weight, alphas, *, extend, task=None):
    """The path on all the data, keeping a copy of the model at every point.

    ``extend``: whether to continue the grid upward, at its ratio, until the
    first layer is zero. Returns the path points, the models (one per
    alpha), the final grid and the stops of the points.
    """
    est = clone(base)
    alphas = list(alphas)
    points, models, stops = [], [], []

    def record(fit_time):
        points.append(_path_point(est, X, y, sample_weight, fit_time, False))
        models.append(_snapshot(est))
        stops.append(est._stop)
        _report(est, "refit", points[-1].alpha, {}, fit_time)

    with nullcontext() if task is None else task.scope(X, y):
        for _, fit_time in _iter_path(est, X, y, alphas, sample_weight, task=task):
            record(fit_time)
        _extend(est, X, y, sample_weight, alphas, points, record, extend, task)
    return points, models, np.array(alphas), stops


def _extend(est, X, y, sample_weight, alphas, points, record, extend, task):
    """Continue the path upward at the grid's ratio until the first layer is
    zero, unless the solver no longer moves it (higher alphas would not
    change anything then); ``alphas`` grows in place."""
    ratio = alphas[-1] / alphas[-2] if len(alphas) > 1 else 1.0
    limit = alphas[-1] * MAX_EXTENSION
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
        more = _iter_path(est, X, y, alphas[-1:], sample_weight, warm=True, task=task)
        for _, fit_time in more:
            record(fit_time)
        moved = not np.array_equal(first_layer, est.coefs_[0])


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


class BaseRegMLPCV(CallbackSupportMixin, BaseEstimator):
    """The cross-validation logic shared by the classifier and the regressor.

    Subclasses set ``_estimator_class`` and the scikit-learn mixin.
    """

    _estimator_class = None

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        *,
        alphas=10,
        alpha_min_ratio=1e-3,
        cv=None,
        scoring=None,
        n_jobs=None,
        refit=True,
        alpha_rule="best",
        activation="relu",
        init="auto",
        init_scale=None,
        penalty="l2",
        l1_ratio=0.5,
        alpha_schedule="constant",
        dropout=0.0,
        max_norm=None,
        weight_clip=None,
        weight_decay=0.0,
        solver="adam",
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.alphas = alphas
        self.alpha_min_ratio = alpha_min_ratio
        self.cv = cv
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit
        self.alpha_rule = alpha_rule
        self.activation = activation
        self.init = init
        self.init_scale = init_scale
        self.penalty = penalty
        self.l1_ratio = l1_ratio
        self.alpha_schedule = alpha_schedule
        self.dropout = dropout
        self.max_norm = max_norm
        self.weight_clip = weight_clip
        self.weight_decay = weight_decay
        self.solver = solver
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun

    def _make_estimator(self):
        """The wrapped estimator with this object's parameters that it takes."""
        names = inspect.signature(self._estimator_class.__init__).parameters
        params = self.get_params(deep=False)
        return self._estimator_class(**{n: params[n] for n in names if n in params})

    def _check_targets(self, y):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return y

    @with_callbacks
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, groups=None):
        """Choose alpha by cross-validation along the path, then refit.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, used by every fit and by the test scores.
        groups : array-like of shape (n_samples,), default=None
            Group labels for a group splitter such as
            :class:`~sklearn.model_selection.GroupKFold`.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        # a new fit forgets the previous one (e.g. its refit model): a
        # search that does not complete leaves the estimator unfitted
        for name in [name for name in vars(self) if name.endswith("_")]:
            delattr(self, name)
        X, y, sample_weight = self._validate(X, y, sample_weight)
        base = self._make_estimator()
        splits = list(
            check_cv(self.cv, y, classifier=is_classifier(self)).split(X, y, groups)
        )
        scorer, metric = check_scorers(base, self.scoring, self.refit)
        metadata = None if sample_weight is None else {"sample_weight": sample_weight}
        root, fold_tasks, refit_task = search_tasks(self, len(splits), X, y, metadata)
        alphas, full = self._grid(base, X, y, sample_weight, refit_task)
        folds, full = self._run_jobs(
            base,
            X,
            y,
            sample_weight,
            splits,
            alphas,
            scorer,
            full,
            fold_tasks,
            refit_task,
        )
        self.alphas_, self.n_splits_ = alphas, len(splits)
        self.cv_results_ = cv_results(alphas, folds, metric == "score")
        if metric is not None:
            (
                self.best_index_,
                self.best_score_,
                self.alpha_1se_,
                self.alpha_,
            ) = choose_alpha(
                self.cv_results_, alphas, metric, self.alpha_rule, len(splits)
            )
        refit_stops = full[3] if full is not None else None
        unconverged = unconverged_points(alphas, folds, refit_stops)
        n_points = len(alphas) * (len(splits) + (full is not None))
        _convergence_warning(unconverged, n_points, self)
        if self.refit and metric is not None:
            self._store_refit(full)
        if root is not None:
            root.call_on_fit_task_end(estimator=self, X=X, y=y, metadata=metadata)
        return self

    def _validate(self, X, y, sample_weight):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32),
            y_numeric=not is_classifier(self),
        )
        if sp.issparse(X):
            X = X.tocsr()
        y = self._check_targets(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype)
        return X, y, sample_weight

    def _grid(self, base, X, y, sample_weight, refit_task):
        """``(alphas, full)``: the grid, and the refit path when the grid
        had to run it to know where the first layer is empty (else None)."""
        if not isinstance(self.alphas, Integral) or isinstance(self.alphas, bool):
            return _check_alphas(self.alphas, type(self).__name__), None
        alphas = _alpha_grid(
            X,
            y,
            base,
            n_alphas=self.alphas,
            alpha_min_ratio=self.alpha_min_ratio,
            sample_weight=sample_weight,
        )
        penalty = make_penalty(self.penalty, coef_shapes=None, l1_ratio=self.l1_ratio)
        if not penalty.exact_zeros:
            return alphas, None
        # an L1-type default grid must reach the alpha where the first layer
        # is zero: the path on all the data decides, so it runs first
        full = full_path(
            base, X, y, sample_weight, alphas, extend=True, task=refit_task
        )
        return full[2], full

    def _run_jobs(
        self, base, X, y, sample_weight, splits, alphas, scorer, full, tasks, refit_task
    ):
        """One job per fold, each running the whole path; the refit path on
        all the data (the longest job, so first) runs alongside them."""
        jobs = [
            delayed(fold_path)(
                base,
                X,
                y,
                sample_weight,
                train,
                test,
                alphas,
                scorer,
                f"{k + 1}/{len(splits)}",
                tasks[k],
            )
            for k, (train, test) in enumerate(splits)
        ]
        refit_job = self.refit is not False and full is None
        if refit_job:
            jobs.insert(
                0,
                delayed(full_path)(
                    base,
                    X,
                    y,
                    sample_weight,
                    alphas,
                    extend=False,
                    task=refit_task,
                ),
            )
        results = Parallel(n_jobs=self.n_jobs)(jobs)
        if refit_job:
            full = results.pop(0)
        return results, full

    def _store_refit(self, full):
        """The refit model at ``alpha_``, its path, and its fitted attributes."""
        points, models, _, _ = full
        self.path_ = path_to_dict(points)
        self.feature_norm_path_ = np.array([p.feature_norms for p in points])
        model = models[int(np.flatnonzero(self.alphas_ == self.alpha_)[0])]
        model.set_params(warm_start=self.warm_start)
        self.best_estimator_ = model
        # its fitted attributes, but for what validate_data set on self
        for name, value in vars(model).items():
            if name.endswith("_") and not name.startswith("_"):
                if name not in ("n_features_in_", "feature_names_in_"):
                    setattr(self, name, value)

    # -- delegation to the refit model ------------------------------------------

    def _refit_model(self):
        check_is_fitted(self)
        if not hasattr(self, "best_estimator_"):
            raise NotFittedError(
                f"This {type(self).__name__} was fitted with refit=False: it has "
                "no model to predict with. Set refit=True and fit it again."
            )
        return self.best_estimator_

    def _validated(self, X):
        model = self._refit_model()
        X = validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            reset=False,
        )
        return model, X

    def predict(self, X):
        """Predict with the refit model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predictions of ``best_estimator_``.
        """
        model, X = self._validated(X)
        return model.predict(X)

    @property
    def feature_importances_(self):
        """The refit model's ``feature_importances_``."""
        return self._refit_model().feature_importances_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
