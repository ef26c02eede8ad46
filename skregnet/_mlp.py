"""The public estimators: ``RegMLPClassifier`` and ``RegMLPRegressor``."""

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin, _fit_context
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import column_or_1d

from skregnet._base import BaseRegMLP
from skregnet._callbacks import with_callbacks
from skregnet._docs import (
    CLASSIFIER_ATTRIBUTES,
    ESTIMATOR_ATTRIBUTES,
    AccuracyScoreMixin,
    R2ScoreMixin,
    fill_docstring,
)
from skregnet._losses import LOSSES
from skregnet._utils import RegistryOptions


@fill_docstring(CLASSIFIER_ATTRIBUTES)
class RegMLPClassifier(AccuracyScoreMixin, ClassifierMixin, BaseRegMLP):
    """Multilayer perceptron classifier with first-class regularization.

    Minimizes the weighted mean log loss plus ``alpha * R(W)`` with the
    penalty, initialization and alpha schedule of your choice. Binary and
    multilabel targets get logistic outputs, multiclass targets a softmax.

    Parameters
    ----------
    [parameters]

    Attributes
    ----------
    [attributes]

    See Also
    --------
    RegMLPRegressor : The same network for regression.
    sklearn.neural_network.MLPClassifier : The MLP of scikit-learn, L2 only.

    Notes
    -----
    With ``hidden_layer_sizes=()`` and ``penalty='l2'``, the model is
    ``LogisticRegression(C=1 / (n_samples * alpha))``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skregnet import RegMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = make_pipeline(
    ...     StandardScaler(),
    ...     RegMLPClassifier((16,), penalty="l1", alpha=1e-3, solver="lbfgs",
    ...                      random_state=0),
    ... ).fit(X, y)
    >>> clf.score(X, y) > 0.95
    True
    """

    _parameter_constraints: dict = {
        **BaseRegMLP._parameter_constraints,
        "class_weight": [StrOptions({"balanced"}), dict, list, None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        *,
        activation="relu",
        init="auto",
        init_scale=None,
        penalty="l2",
        alpha=1e-4,
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
            activation=activation,
            init=init,
            init_scale=init_scale,
            penalty=penalty,
            alpha=alpha,
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

    def _weighted(self, y, sample_weight, incremental):
        """``sample_weight`` times the ``class_weight`` of each row's class,
        exactly as passing ``compute_sample_weight(class_weight, y)``."""
        if self.class_weight is None:
            return sample_weight
        if incremental and self.class_weight == "balanced":
            # as SGDClassifier: partial_fit sees one batch, not the class counts
            raise ValueError(
                "class_weight 'balanced' is not supported for partial_fit. In "
                "order to use 'balanced' weights, use compute_class_weight("
                "'balanced', classes=classes, y=y). In place of y you can use a "
                "large enough sample of the full training set target to properly "
                "estimate the class frequency distributions. Pass the resulting "
                "weights as the class_weight parameter."
            )
        weights = compute_sample_weight(self.class_weight, y)
        return weights if sample_weight is None else weights * sample_weight

    def _encode_targets(self, y, incremental, first_pass, dtype=np.float64):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            classes = unique_labels(y)
            if self.warm_start and not incremental:
                if set(classes) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same "
                        "classes as in the previous call to fit. Previously got "
                        f"{self.classes_}, `y` has {classes}"
                    )
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError(
                    "`y` has classes not in `self.classes_`. `self.classes_` has "
                    f"{self.classes_}. 'y' has {classes}."
                )
        return self._one_hot(y, dtype)

    def _one_hot(self, y, dtype):
        """``LabelBinarizer.transform(y)``, built in ``dtype`` directly: the
        binarizer's int64 indicator and its float copy would together take
        twice the targets' memory (a fifth of X's for 10 classes and 100
        features)."""
        binarizer, classes = self._label_binarizer, self.classes_
        if y.ndim != 1 or binarizer.y_type_ not in ("binary", "multiclass"):
            return binarizer.transform(y).astype(dtype)
        if len(classes) == 1:  # as the binarizer: one all-zero column
            return np.zeros((y.shape[0], 1), dtype=dtype)
        if len(classes) == 2:
            return (y == classes[1]).astype(dtype).reshape(-1, 1)
        Y = np.zeros((y.shape[0], len(classes)), dtype=dtype)
        Y[np.arange(y.shape[0]), np.searchsorted(classes, y)] = 1
        return Y

    def _loss_name(self):
        binarizer = self._label_binarizer
        if binarizer.y_type_ == "multiclass" and len(self.classes_) > 2:
            return "log_loss"
        return "binary_log_loss"

    def _stratify_validation(self, Y):
        # a stratified split needs two members of each class; with fewer, the
        # split is plain (as MLPClassifier's multiclass one always is)
        if self._label_binarizer.y_type_ == "multilabel-indicator":
            return False
        counts = Y.sum(axis=0) if Y.shape[1] > 1 else np.bincount(Y[:, 0].astype(int))
        return counts.min() >= 2

    def _decode(self, output):
        # what LabelBinarizer.inverse_transform gives for a fitted binarizer
        # on dense probabilities, without its checks and namespace look-ups
        # (more than half of a 1-row predict); anything else goes through it
        binarizer = self._label_binarizer
        classes, kind = binarizer.classes_, binarizer.y_type_
        if not getattr(binarizer, "sparse_input_", False) and len(classes) >= 2:
            if kind == "multiclass" and output.shape[1] == len(classes):
                return classes.take(output.argmax(axis=1), mode="clip")
            if kind == "binary" and output.shape[1] == 1:
                threshold = (binarizer.pos_label + binarizer.neg_label) / 2.0
                return classes[(output[:, 0] > threshold).astype(np.intp)]
        if output.shape[1] == 1:
            output = output.ravel()
        return binarizer.inverse_transform(output)

    def _score_fn(self, y_true, y_pred, sample_weight=None):
        return accuracy_score(y_true, y_pred, sample_weight=sample_weight)

    def predict(self, X):
        """Predict the class labels of X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The predicted classes (an indicator matrix for multilabel y).
        """
        return self._decode(self._forward(X))

    def predict_proba(self, X):
        """Probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            The probability of each class, in the order of ``classes_``.
        """
        proba = self._forward(X)
        if proba.shape[1] == 1:
            return np.hstack([1 - proba, proba])
        return proba

    def predict_log_proba(self, X):
        """Logarithm of the probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``.
        """
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(proba, out=proba)

    @available_if(BaseRegMLP._has_partial_fit)
    @with_callbacks
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        classes : array-like of shape (n_classes,), default=None
            All classes across calls; required on the first call.

        Returns
        -------
        self : object
            The updated estimator.
        """
        if _check_partial_fit_first_call(self, classes):
            self._label_binarizer = LabelBinarizer()
            if type_of_target(y).startswith("multilabel"):
                self._label_binarizer.fit(y)
            else:
                self._label_binarizer.fit(classes)
        return self._partial_fit(X, y, sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


@fill_docstring(ESTIMATOR_ATTRIBUTES)
class RegMLPRegressor(R2ScoreMixin, RegressorMixin, BaseRegMLP):
    """Multilayer perceptron regressor with first-class regularization.

    Minimizes the weighted mean loss (squared error or Poisson deviance) plus
    ``alpha * R(W)`` with the penalty, initialization and alpha schedule of
    your choice.

    Parameters
    ----------
    [parameters]

    Attributes
    ----------
    [attributes]

    See Also
    --------
    RegMLPClassifier : The same network for classification.
    sklearn.neural_network.MLPRegressor : The MLP of scikit-learn, L2 only.

    Notes
    -----
    With ``hidden_layer_sizes=()``, ``penalty='l2', alpha=a`` is
    ``Ridge(alpha=n_samples * a)``, ``penalty='l1'`` is ``Lasso(alpha=a)``
    and ``penalty='elasticnet'`` is ``ElasticNet(alpha=a, l1_ratio=...)``.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skregnet import RegMLPRegressor
    >>> X, y = make_regression(n_samples=100, n_features=5, noise=1.0,
    ...                        random_state=0)
    >>> lasso = RegMLPRegressor((), penalty="l1", alpha=1.0, solver="lbfgs")
    >>> lasso.fit(X, y).coefs_[0].shape
    (5, 1)
    >>> lasso.score(X, y) > 0.99
    True
    """

    _parameter_constraints: dict = {
        **BaseRegMLP._parameter_constraints,
        "loss": [RegistryOptions(LOSSES, where=lambda loss: loss.regression)],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        *,
        activation="relu",
        init="auto",
        init_scale=None,
        penalty="l2",
        alpha=1e-4,
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
            activation=activation,
            init=init,
            init_scale=init_scale,
            penalty=penalty,
            alpha=alpha,
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

    def _encode_targets(self, y, incremental, first_pass, dtype=np.float64):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if y.dtype.kind not in "biuf":
            raise ValueError(
                f"{type(self).__name__} needs numeric targets; got y of dtype "
                f"{y.dtype}. Encode the targets as numbers first."
            )
        if not np.isfinite(y).all():
            raise ValueError("Input y contains NaN or infinity.")
        LOSSES[self.loss].check_targets(y)
        return y.astype(dtype)

    def _loss_name(self):
        return self.loss

    def _decode(self, output):
        return output.ravel() if output.shape[1] == 1 else output

    def _score_fn(self, y_true, y_pred, sample_weight=None):
        return r2_score(y_true, y_pred, sample_weight=sample_weight)

    def predict(self, X):
        """Predict the targets of X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values.
        """
        return self._decode(self._forward(X))

    @available_if(BaseRegMLP._has_partial_fit)
    @with_callbacks
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._partial_fit(X, y, sample_weight)
