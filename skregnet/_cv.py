"""Cross-validated choice of alpha along the regularization path.

``RegMLPClassifierCV`` and ``RegMLPRegressorCV`` follow scikit-learn's
``LinearModelCV`` recipe, with a network's path going up instead of down
(the jobs are in ``skregnet._search``):

1. a grid of alphas (a given list, or ``_alpha_grid``'s data-driven one);
2. one job per CV fold, which fits the **whole path** on the fold's
   training part (``skregnet._path``: weakest alpha first, each point
   warm-started from the previous one, each stopped by the criteria of a
   fit from scratch) and scores every point on its test part; so
   ``joblib.parallel_backend("dask")`` distributes the folds;
3. the refit: the path on all the data, one more job run alongside the
   folds (or first, when it has to extend the default grid), whose model at
   the chosen alpha becomes ``best_estimator_`` and whose records form
   ``path_``.

The shared logic lives in ``_BaseRegMLPCV``; the two public classes only say
which estimator they wrap.
"""

import inspect
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    _fit_context,
    is_classifier,
)
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import check_cv
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from skregnet import _search
from skregnet._docs import (
    CLASSIFIER_ATTRIBUTES,
    CV_ATTRIBUTES,
    ESTIMATOR_ATTRIBUTES,
    AccuracyScoreMixin,
    R2ScoreMixin,
    fill_docstring,
)
from skregnet._mlp import RegMLPClassifier, RegMLPRegressor
from skregnet._path import (
    _alpha_grid,
    _check_alphas,
    _convergence_warning,
    path_to_dict,
)
from skregnet._penalties import make_penalty


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
        scorer, metric = _search.check_scorers(base, self.scoring, self.refit)
        alphas, full = self._grid(base, X, y, sample_weight)
        folds, full = self._run_jobs(
            base, X, y, sample_weight, splits, alphas, scorer, full
        )
        self.alphas_, self.n_splits_ = alphas, len(splits)
        self.cv_results_ = _search.cv_results(alphas, folds, metric == "score")
        if metric is not None:
            (
                self.best_index_,
                self.best_score_,
                self.alpha_1se_,
                self.alpha_,
            ) = _search.choose_alpha(
                self.cv_results_, alphas, metric, self.alpha_rule, len(splits)
            )
        refit_stops = full[3] if full is not None else None
        unconverged = _search.unconverged_points(alphas, folds, refit_stops)
        n_points = len(alphas) * (len(splits) + (full is not None))
        _convergence_warning(unconverged, n_points, self.max_iter)
        if self.refit and metric is not None:
            self._store_refit(full)
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

    def _grid(self, base, X, y, sample_weight):
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
        full = _search.full_path(base, X, y, sample_weight, alphas, extend=True)
        return full[2], full

    def _run_jobs(self, base, X, y, sample_weight, splits, alphas, scorer, full):
        """One job per fold, each running the whole path; the refit path on
        all the data (the longest job, so first) runs alongside them."""
        jobs = [
            delayed(_search.fold_path)(
                base,
                X,
                y,
                sample_weight,
                train,
                test,
                alphas,
                scorer,
                f"{k + 1}/{len(splits)}",
            )
            for k, (train, test) in enumerate(splits)
        ]
        refit_job = self.refit is not False and full is None
        if refit_job:
            jobs.insert(
                0,
                delayed(_search.full_path)(
                    base, X, y, sample_weight, alphas, extend=False
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


@fill_docstring((*CV_ATTRIBUTES, *CLASSIFIER_ATTRIBUTES))
class RegMLPClassifierCV(AccuracyScoreMixin, ClassifierMixin, _BaseRegMLPCV):
    """Multilayer perceptron classifier with alpha chosen by cross-validation.

    Each CV fold fits the whole regularization path in one job, from the
    weakest alpha up, each alpha warm-started from the previous solution
    (see :func:`regmlp_path`), so the search costs a fraction of
    ``GridSearchCV(RegMLPClassifier(), {"alpha": alphas})``. The refit
    model is the path on all the data, taken at ``alpha_``.

    Parameters
    ----------
    [parameters]

    Attributes
    ----------
    [attributes]

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
    _parameter_constraints: dict = _search.cv_constraints(RegMLPClassifier)

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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


@fill_docstring((*CV_ATTRIBUTES, *ESTIMATOR_ATTRIBUTES))
class RegMLPRegressorCV(R2ScoreMixin, RegressorMixin, _BaseRegMLPCV):
    """Multilayer perceptron regressor with alpha chosen by cross-validation.

    Each CV fold fits the whole regularization path in one job, from the
    weakest alpha up, each alpha warm-started from the previous solution
    (see :func:`regmlp_path`), so the search costs a fraction of
    ``GridSearchCV(RegMLPRegressor(), {"alpha": alphas})``. The refit model
    is the path on all the data, taken at ``alpha_``.

    Parameters
    ----------
    [parameters]

    Attributes
    ----------
    [attributes]

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
    _parameter_constraints: dict = _search.cv_constraints(RegMLPRegressor)

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
        loss="squared_error",
    ):
        super().__init__(
            hidden_layer_sizes,
            alphas=alphas,
            alpha_min_ratio=alpha_min_ratio,
            cv=cv,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            alpha_rule=alpha_rule,
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
