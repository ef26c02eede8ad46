"""Cross-validated choice of alpha along the regularization path.

``RegMLPClassifierCV`` and ``RegMLPRegressorCV`` follow scikit-learn's
``LinearModelCV`` recipe, with a network's path going up instead of down:

1. a grid of alphas (a given list, or ``_alpha_grid``'s data-driven one);
2. one joblib job per CV fold, which fits the **whole path** on the fold's
   training part (``skregnet._path``: weakest alpha first, each point
   warm-started from the previous one) and scores every point on its test
   part; so ``joblib.parallel_backend("dask")`` distributes the folds;
3. the refit: the path on all the data, one more job run alongside the
   folds (or first, when it has to extend the default grid), whose model at
   the chosen alpha becomes ``best_estimator_`` and whose records form
   ``path_``. Since alpha is chosen after the jobs end, it keeps a copy of
   the model (weights and training curves) at every alpha.

The shared logic lives in ``_BaseRegMLPCV``; the two public classes only say
which estimator they wrap.
"""

import copy
import re
import time
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from scipy.stats import rankdata
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    _fit_context,
    clone,
    is_classifier,
)
from sklearn.exceptions import NotFittedError
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from skregnet._mlp import (
    _SHARED_ATTRIBUTES,
    _SHARED_PARAMETERS,
    RegMLPClassifier,
    RegMLPRegressor,
)
from skregnet._path import (
    _alpha_grid,
    _check_alphas,
    _iter_path,
    _path_point,
    path_to_dict,
)

#: penalties with exact zeros, whose default grid must empty the first layer
_L1_TYPE = ("l1", "elasticnet", "group_lasso")

#: how far above the data-driven alpha_max the grid may be extended
_MAX_EXTENSION = 1e3

#: the parameters of the CV estimators that the wrapped estimator has not
_CV_PARAMETERS = (
    "alphas",
    "eps",
    "path_max_iter",
    "cv",
    "scoring",
    "n_jobs",
    "refit",
    "selection",
)

#: fitted attributes of the refit model exposed by the CV estimator
_FITTED_ATTRIBUTES = (
    "coefs_",
    "intercepts_",
    "n_layers_",
    "n_outputs_",
    "out_activation_",
    "classes_",
    "n_iter_",
    "t_",
    "loss_",
    "best_loss_",
    "loss_curve_",
    "data_loss_curve_",
    "alpha_curve_",
    "validation_scores_",
    "best_validation_score_",
)


def _cv_constraints(estimator_class):
    """The wrapped estimator's constraints, without ``alpha``, plus the CV's."""
    constraints = {**estimator_class._parameter_constraints}
    constraints.pop("alpha")
    constraints.update(
        alphas=[Interval(Integral, 1, None, closed="left"), "array-like"],
        eps=[Interval(Real, 0, 1, closed="neither")],
        path_max_iter=[
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        cv=["cv_object"],
        scoring=[StrOptions(set(get_scorer_names())), callable, None],
        n_jobs=[Integral, None],
        refit=["boolean"],
        selection=[StrOptions({"best", "1se"})],
    )
    return constraints


def _without_alpha(parameters_doc):
    """The shared parameter docs of ``_mlp`` minus the ``alpha`` entry."""
    return re.sub(
        r"^    alpha : .*?(?=^    \w+ : )", "", parameters_doc, flags=re.M | re.S
    )


_CV_PARAMETERS_DOC = """\
    alphas : int or array-like of float, default=10
        The penalty strengths to try. A list is visited in ascending order
        (duplicates are dropped).
        An int ``n`` asks for ``n`` log-spaced values from
        ``eps * alpha_max`` to ``alpha_max``, where ``alpha_max`` is estimated
        from the data: the gradient and curvature of the data term at the
        best constant prediction say at which alpha a network with this
        architecture and penalty collapses to zero (for no hidden layer and
        an L1-type penalty, exactly ``Lasso``'s ``alpha_max``). For the
        L1-type penalties (``'l1'``, ``'elasticnet'``, ``'group_lasso'``) the
        grid then continues upward at the same ratio (up to 1000 times
        ``alpha_max``) until the first layer of the path on all the data is
        all zero, so ``alphas_`` may hold more than ``n`` values.

    eps : float, default=1e-3
        ``alpha_min / alpha_max`` of the grid when ``alphas`` is an int.

    path_max_iter : int or 'auto', default='auto'
        The most epochs (``lbfgs``: iterations) of each path point after the
        first, which starts from the previous solution and stops by the
        same ``tol`` / ``n_iter_no_change`` criterion as a fit from scratch;
        the first point runs up to ``max_iter``. ``'auto'`` is
        ``max_iter // 10`` for ``sgd`` and ``adam`` (as LassoNet's
        ``n_iters=(1000, 100)``) and ``max_iter`` for ``lbfgs``. See
        :func:`regmlp_path`.

    cv : int, cross-validation generator or iterable, default=None
        The splitting strategy, as in :class:`~sklearn.model_selection.GridSearchCV`:
        ``None`` for 5 folds, an int for that many folds (stratified for a
        classifier with binary or multiclass targets), a splitter or an
        iterable of (train, test) index arrays.

    scoring : str or callable, default=None
        How a fitted point is scored on a test fold (higher is better);
        ``None`` uses the estimator's ``score``: accuracy for the
        classifier, R^2 for the regressor. With ``sample_weight``, the test
        scores are weighted too.

    n_jobs : int, default=None
        Number of folds fitted in parallel (one joblib job per fold, each
        running the whole path). ``None`` means 1 unless in a
        :func:`joblib.parallel_backend` context; ``-1`` uses all processors.
        Inside ``joblib.parallel_backend("dask")`` the folds run on a dask
        cluster.

    refit : bool, default=True
        Whether to fit the path on all the data and keep its model at
        ``alpha_`` (needed by ``predict``). This path runs as one more job
        alongside the folds and keeps a copy of its model at every alpha
        until ``alpha_`` is known.

    selection : {'best', '1se'}, default='best'
        Which alpha to refit at: ``'best'``, the best mean test score;
        ``'1se'``, ``alpha_1se_``, the largest alpha within one standard
        error of the best (the one-standard-error rule of ``cv.glmnet``).
"""

_CV_ATTRIBUTES_DOC = """\
    alpha_ : float
        The chosen alpha (``selection``), where the refit model was taken.

    alphas_ : ndarray of shape (n_alphas,)
        The grid of alphas, in ascending order (path order).

    alpha_1se_ : float
        The largest alpha whose mean test score is at least the best one
        minus its standard error (``std_test_score / sqrt(n_splits)``).

    best_score_ : float
        The best ``mean_test_score``.

    best_index_ : int
        Index in ``cv_results_`` of the best mean test score (the first
        one, i.e. the smallest alpha, on ties, as ``GridSearchCV``).

    cv_results_ : dict of ndarray
        One entry per alpha of ``alphas_``, in :class:`GridSearchCV`'s
        layout: ``mean_fit_time``, ``std_fit_time``, ``mean_score_time``,
        ``std_score_time`` (the fit time of a path point is that of its
        warm-started fit), ``param_alpha``, ``params``,
        ``split{k}_test_score``, ``mean_test_score``, ``std_test_score``,
        ``rank_test_score``.

    n_splits_ : int
        The number of cross-validation splits.

    path_ : dict of ndarray
        The path on all the data (``refit=True``), one entry per alpha of
        ``alphas_``: ``alpha``, ``objective``, ``data_loss``,
        ``weight_norm``, ``n_zero_weights``, ``n_selected_features``,
        ``n_iter``; ``pandas.DataFrame(path_)`` is a table.

    best_estimator_ : estimator
        The refit model: the path on all the data, taken at ``alpha_``. The
        attributes below are copied from it: its ``loss_curve_``,
        ``data_loss_curve_`` and ``alpha_curve_`` span the path up to
        ``alpha_``, its ``n_iter_`` counts the last point's fit.
"""


def _fill_cv_doc(cls):
    """Insert the shared docs (4-space indented) at the ``    {name}`` lines."""

    def block(text):
        return text.strip("\n").removeprefix("    ")

    cls.__doc__ = cls.__doc__.format(
        cv_parameters=block(_CV_PARAMETERS_DOC),
        parameters=block(_without_alpha(_SHARED_PARAMETERS)),
        cv_attributes=block(_CV_ATTRIBUTES_DOC),
        attributes=block(_SHARED_ATTRIBUTES),
    )
    return cls


# -- the jobs -------------------------------------------------------------------


def _score(scorer, estimator, X, y, sample_weight):
    if sample_weight is None:
        return float(scorer(estimator, X, y))
    return float(scorer(estimator, X, y, sample_weight=sample_weight))


def _fold_path(base, X, y, sample_weight, train, test, alphas, scorer, max_iter):
    """One CV job: the whole path on ``train``, each point scored on ``test``.

    Returns the test scores, fit times and score times, one per alpha.
    """
    est = clone(base)
    sw_train = sw_test = None
    if sample_weight is not None:
        sw_train, sw_test = sample_weight[train], sample_weight[test]
    X_train, y_train = _safe_indexing(X, train), _safe_indexing(y, train)
    X_test, y_test = _safe_indexing(X, test), _safe_indexing(y, test)
    scores, fit_times, score_times = [], [], []
    path = _iter_path(est, X_train, y_train, alphas, sw_train, path_max_iter=max_iter)
    for _, fit_time in path:
        start = time.perf_counter()
        scores.append(_score(scorer, est, X_test, y_test, sw_test))
        score_times.append(time.perf_counter() - start)
        fit_times.append(fit_time)
    return np.array(scores), np.array(fit_times), np.array(score_times)


def _snapshot(estimator):
    """A copy of a fitted path point, without the optimizer's state."""
    optimizer = estimator.__dict__.pop("_optimizer", None)
    try:
        return copy.deepcopy(estimator)
    finally:
        if optimizer is not None:
            estimator._optimizer = optimizer


def _full_path(base, X, y, sample_weight, alphas, *, extend, max_iter):
    """The path on all the data, keeping a copy of the model at every point.

    ``extend``: whether to continue the grid upward, at its ratio, until the
    first layer is zero. Returns the path points, the models (one per
    alpha) and the final grid.
    """
    est = clone(base)
    alphas = list(alphas)
    ratio = alphas[-1] / alphas[-2] if len(alphas) > 1 else 1.0
    limit = alphas[-1] * _MAX_EXTENSION
    points, models = [], []

    def record(fit_time):
        points.append(_path_point(est, X, y, sample_weight, fit_time, False))
        models.append(_snapshot(est))

    path = _iter_path(est, X, y, alphas, sample_weight, path_max_iter=max_iter)
    for _, fit_time in path:
        record(fit_time)
    # extend while the first layer is not zero, unless the solver no longer
    # moves it (e.g. L-BFGS-B keeps weights below its tolerance): higher
    # alphas would not change anything then
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
        for _, fit_time in _iter_path(
            est, X, y, alphas[-1:], sample_weight, path_max_iter=max_iter, warm=True
        ):
            record(fit_time)
        moved = not np.array_equal(first_layer, est.coefs_[0])
    return points, models, np.array(alphas)


# -- the estimators -------------------------------------------------------------


class _BaseRegMLPCV(BaseEstimator):
    """The cross-validation logic shared by the classifier and the regressor.

    Subclasses set ``_estimator_class`` and the scikit-learn mixin.
    """

    _estimator_class = None

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        *,
        alphas=10,
        eps=1e-3,
        path_max_iter="auto",
        cv=None,
        scoring=None,
        n_jobs=None,
        refit=True,
        selection="best",
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
        self.eps = eps
        self.path_max_iter = path_max_iter
        self.cv = cv
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit
        self.selection = selection
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
        """The wrapped estimator with this object's network parameters."""
        params = {
            name: value
            for name, value in self.get_params(deep=False).items()
            if name not in _CV_PARAMETERS
        }
        return self._estimator_class(**params)

    def _check_targets(self, y):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return y

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
        # a new fit forgets the previous one (e.g. its refit model)
        for name in [name for name in vars(self) if name.endswith("_")]:
            delattr(self, name)
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
        base = self._make_estimator()
        splits = list(
            check_cv(self.cv, y, classifier=is_classifier(self)).split(X, y, groups)
        )
        scorer = check_scoring(base, scoring=self.scoring)

        if isinstance(self.alphas, Integral):
            alphas = _alpha_grid(
                X,
                y,
                base,
                n_alphas=self.alphas,
                eps=self.eps,
                sample_weight=sample_weight,
            )
        else:
            alphas = _check_alphas(self.alphas)
        # an L1-type default grid must reach the alpha where the first layer
        # is zero: the path on all the data decides, so it runs first
        full = None
        if isinstance(self.alphas, Integral) and self.penalty in _L1_TYPE:
            full = _full_path(
                base,
                X,
                y,
                sample_weight,
                alphas,
                extend=True,
                max_iter=self.path_max_iter,
            )
            alphas = full[2]

        # one job per fold, each running the whole path; the refit path on
        # all the data (the longest job, so first) runs alongside them
        jobs = [
            delayed(_fold_path)(
                base,
                X,
                y,
                sample_weight,
                train,
                test,
                alphas,
                scorer,
                self.path_max_iter,
            )
            for train, test in splits
        ]
        refit_job = self.refit and full is None
        if refit_job:
            jobs.insert(
                0,
                delayed(_full_path)(
                    base,
                    X,
                    y,
                    sample_weight,
                    alphas,
                    extend=False,
                    max_iter=self.path_max_iter,
                ),
            )
        results = Parallel(n_jobs=self.n_jobs)(jobs)
        if refit_job:
            full = results.pop(0)
        self.alphas_ = alphas
        self.n_splits_ = len(splits)
        self._store_results(results)
        index = int(np.flatnonzero(self.alphas_ == self.alpha_)[0])

        if self.refit:
            points, models, _ = full
            self.path_ = path_to_dict(points)
            model = models[index]
            model.set_params(warm_start=self.warm_start)
            self.best_estimator_ = model
            for name in _FITTED_ATTRIBUTES:
                if hasattr(model, name):
                    setattr(self, name, getattr(model, name))
        return self

    def _store_results(self, results):
        """``cv_results_``, ``best_*``, ``alpha_1se_`` and ``alpha_``."""
        scores, fit_times, score_times = (
            np.vstack(r) for r in zip(*results, strict=True)
        )
        alphas = self.alphas_
        res = {
            "mean_fit_time": fit_times.mean(axis=0),
            "std_fit_time": fit_times.std(axis=0),
            "mean_score_time": score_times.mean(axis=0),
            "std_score_time": score_times.std(axis=0),
            "param_alpha": np.ma.MaskedArray(alphas.copy(), mask=False),
            "params": [{"alpha": float(a)} for a in alphas],
        }
        for k, split_scores in enumerate(scores):
            res[f"split{k}_test_score"] = split_scores
        mean, std = scores.mean(axis=0), scores.std(axis=0)
        res["mean_test_score"] = mean
        res["std_test_score"] = std
        # as GridSearchCV: NaN scores rank last
        ranked = np.where(np.isnan(mean), -np.inf, mean)
        res["rank_test_score"] = rankdata(-ranked, method="min").astype(np.int32)
        self.cv_results_ = res

        if np.all(np.isnan(mean)):
            raise ValueError(
                "Every alpha got a NaN test score: check `scoring` and the data."
            )
        best = int(np.nanargmax(mean))
        self.best_index_ = best
        self.best_score_ = float(mean[best])
        threshold = mean[best] - std[best] / np.sqrt(len(scores))
        self.alpha_1se_ = float(alphas[np.flatnonzero(mean >= threshold)[-1]])
        self.alpha_ = (
            float(alphas[best]) if self.selection == "best" else self.alpha_1se_
        )

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


@_fill_cv_doc
class RegMLPClassifierCV(ClassifierMixin, _BaseRegMLPCV):
    """Multilayer perceptron classifier with alpha chosen by cross-validation.

    Each CV fold fits the whole regularization path in one job, from the
    weakest alpha up, each alpha warm-started from the previous solution
    (see :func:`regmlp_path`), so the search costs a fraction of
    ``GridSearchCV(RegMLPClassifier(), {{"alpha": alphas}})``. The refit
    model is the path on all the data, taken at ``alpha_``.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(100,)
        The number of units of each hidden layer. ``()`` gives a linear
        model (no hidden layer).

    {cv_parameters}

    {parameters}

    Attributes
    ----------
    {cv_attributes}

    classes_ : ndarray or list of ndarray
        The class labels of the refit model.

    {attributes}

    See Also
    --------
    RegMLPClassifier : The estimator at one alpha.
    RegMLPRegressorCV : The same for regression.
    regmlp_path : The path itself.
    sklearn.linear_model.LogisticRegressionCV : The linear analogue.

    Notes
    -----
    Unlike a linear model's path (``LassoCV`` goes from strong to weak), a
    network's path goes from the weakest alpha up, as LassoNet's does:
    all-zero weights are a stationary point of a network, so a path started
    there never leaves it. Each later point stops by the same criterion as a
    fit from scratch; starting near its solution, it needs far fewer epochs.

    The folds are ordinary joblib jobs: to run them on a dask cluster,

    >>> from dask.distributed import Client  # doctest: +SKIP
    >>> import joblib  # doctest: +SKIP
    >>> client = Client("scheduler-address:8786")  # doctest: +SKIP
    >>> with joblib.parallel_backend("dask"):  # doctest: +SKIP
    ...     clf.fit(X, y)

    and on a Ray cluster, ``ray.util.joblib.register_ray()`` then
    ``joblib.parallel_backend("ray")``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skregnet import RegMLPClassifierCV
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = RegMLPClassifierCV((8,), alphas=[1e-3, 1e-2, 1e-1], cv=3,
    ...                          solver="lbfgs", max_iter=1000,
    ...                          random_state=0).fit(X, y)
    >>> clf.alpha_ in clf.alphas_
    True
    >>> clf.score(X, y) > 0.9
    True
    """

    _estimator_class = RegMLPClassifier
    _parameter_constraints: dict = _cv_constraints(RegMLPClassifier)

    def _check_targets(self, y):
        y = super()._check_targets(y)
        check_classification_targets(y)
        return y

    def predict_proba(self, X):
        """Probability estimates of the refit model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            The probability of each class, in the order of ``classes_``.
        """
        model, X = self._validated(X)
        return model.predict_proba(X)

    def predict_log_proba(self, X):
        """Logarithm of the refit model's probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``.
        """
        model, X = self._validated(X)
        return model.predict_log_proba(X)

    def score(self, X, y, sample_weight=None):
        """Return the mean accuracy of ``predict(X)`` against ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True labels of ``X``. For multilabel targets this is the subset
            accuracy: a sample counts only if all its labels are right.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            The mean accuracy, as ``sklearn.metrics.accuracy_score``.
        """
        return super().score(X, y, sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


@_fill_cv_doc
class RegMLPRegressorCV(RegressorMixin, _BaseRegMLPCV):
    """Multilayer perceptron regressor with alpha chosen by cross-validation.

    Each CV fold fits the whole regularization path in one job, from the
    weakest alpha up, each alpha warm-started from the previous solution
    (see :func:`regmlp_path`), so the search costs a fraction of
    ``GridSearchCV(RegMLPRegressor(), {{"alpha": alphas}})``. The refit model
    is the path on all the data, taken at ``alpha_``.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(100,)
        The number of units of each hidden layer. ``()`` gives a linear
        model (no hidden layer).

    {cv_parameters}

    {parameters}

    loss : {{'squared_error', 'poisson'}}, default='squared_error'
        The per-sample loss: 1/2 sum_k (y_k - y_pred_k)**2 with an identity
        output, or y_pred - y log(y_pred) with an exponential output (y >= 0).

    Attributes
    ----------
    {cv_attributes}

    {attributes}

    See Also
    --------
    RegMLPRegressor : The estimator at one alpha.
    RegMLPClassifierCV : The same for classification, with the notes on
        running the folds on a dask or Ray cluster.
    regmlp_path : The path itself.
    sklearn.linear_model.LassoCV : The linear analogue.

    Notes
    -----
    A network's path goes from the weakest alpha up (all-zero weights are a
    stationary point of a network, so a path started there never leaves
    it). With ``hidden_layer_sizes=()`` and ``penalty='l1'`` this is a
    lasso, and the default grid ends at ``Lasso``'s ``alpha_max``.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skregnet import RegMLPRegressorCV
    >>> X, y = make_regression(n_samples=100, n_features=8, n_informative=3,
    ...                        noise=1.0, random_state=0)
    >>> reg = RegMLPRegressorCV((), penalty="l1", alphas=5, cv=3,
    ...                         solver="lbfgs").fit(X, y)
    >>> reg.alpha_ in reg.alphas_
    True
    >>> int(reg.path_["n_selected_features"][-1])  # the grid empties the layer
    0
    >>> reg.score(X, y) > 0.99
    True
    """

    _estimator_class = RegMLPRegressor
    _parameter_constraints: dict = _cv_constraints(RegMLPRegressor)

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        *,
        alphas=10,
        eps=1e-3,
        path_max_iter="auto",
        cv=None,
        scoring=None,
        n_jobs=None,
        refit=True,
        selection="best",
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
        loss="squared_error",
    ):
        super().__init__(
            hidden_layer_sizes,
            alphas=alphas,
            eps=eps,
            path_max_iter=path_max_iter,
            cv=cv,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            selection=selection,
            activation=activation,
            init=init,
            init_scale=init_scale,
            penalty=penalty,
            l1_ratio=l1_ratio,
            alpha_schedule=alpha_schedule,
            dropout=dropout,
            max_norm=max_norm,
            weight_clip=weight_clip,
            weight_decay=weight_decay,
            solver=solver,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
        )
        self.loss = loss

    def score(self, X, y, sample_weight=None):
        """Return the coefficient of determination R^2 of ``predict(X)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True targets of ``X``.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            R^2, as ``sklearn.metrics.r2_score`` (uniform average over
            outputs): 1 for a perfect prediction, 0 for the constant mean of
            ``y``, negative for worse.
        """
        return super().score(X, y, sample_weight=sample_weight)
