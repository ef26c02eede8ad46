"""The cross-validated estimators: ``RegMLPClassifierCV`` and ``RegMLPRegressorCV``.

They choose alpha along the warm-started regularization path, following
scikit-learn's ``LinearModelCV`` recipe (``skregnet._search``, where their
shared logic, ``BaseRegMLPCV``, lives); the two classes only say which
estimator they wrap, and add its classification or regression methods.
"""

from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets

from skregnet._docs import (
    CLASSIFIER_ATTRIBUTES,
    CV_ATTRIBUTES,
    ESTIMATOR_ATTRIBUTES,
    AccuracyScoreMixin,
    R2ScoreMixin,
    fill_docstring,
)
from skregnet._mlp import RegMLPClassifier, RegMLPRegressor
from skregnet._search import BaseRegMLPCV, cv_constraints


@fill_docstring((*CV_ATTRIBUTES, *CLASSIFIER_ATTRIBUTES))
class RegMLPClassifierCV(AccuracyScoreMixin, ClassifierMixin, BaseRegMLPCV):
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
    _parameter_constraints: dict = cv_constraints(RegMLPClassifier)

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
        class_weight=None,
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
        self.class_weight = class_weight

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
class RegMLPRegressorCV(R2ScoreMixin, RegressorMixin, BaseRegMLPCV):
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
    _parameter_constraints: dict = cv_constraints(RegMLPRegressor)

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
