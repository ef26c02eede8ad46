"""The public estimators: ``RegMLPClassifier`` and ``RegMLPRegressor``."""

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin, _fit_context
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import column_or_1d

from skregnet._base import BaseRegMLP

_SHARED_PARAMETERS = """\
    hidden_layer_sizes : tuple of int, default=(100,)
        The number of units of each hidden layer. ``()`` gives a linear
        model (no hidden layer).

    activation : {'identity', 'logistic', 'tanh', 'relu', 'leaky_relu'}, \
default='relu'
        Activation of the hidden units (``leaky_relu`` has slope 0.01).

    init : str or callable, default='auto'
        How the weights start (biases always start at zero):

        - ``'auto'``: ``'he_normal'`` for relu / leaky_relu, else
          ``'glorot_uniform'``;
        - ``'zeros'``: all zero (the symmetry problem; warns);
        - ``'uniform'`` U(-c, c), ``'normal'`` N(0, s**2),
          ``'truncated_normal'`` (redrawn outside 2 s), with c or s the
          ``init_scale`` (defaults 0.05 and 0.01);
        - ``'glorot_uniform'`` / ``'xavier_uniform'``,
          ``'glorot_normal'`` / ``'xavier_normal'``: variance
          2 g**2 / (fan_in + fan_out);
        - ``'he_uniform'`` / ``'kaiming_uniform'``, ``'he_normal'`` /
          ``'kaiming_normal'``: variance 2 g**2 / fan_in;
        - ``'lecun_uniform'``, ``'lecun_normal'``: variance g**2 / fan_in;
        - ``'orthogonal'``: a (semi-)orthogonal matrix times g;
        - a callable ``init(fan_in, fan_out, rng)`` returning an array of
          shape (fan_in, fan_out).

        g is the gain, ``init_scale`` or 1.

    init_scale : float, default=None
        Standard deviation or bound of ``'normal'``, ``'truncated_normal'``
        and ``'uniform'``; the gain of the other schemes. ``None`` uses each
        scheme's own default.

    penalty : {'l2', 'l1', 'elasticnet', 'group_lasso'} or None, default='l2'
        The regularizer R(W) of the weights (biases are never penalized):

        - ``'l2'``: 1/2 sum w**2;
        - ``'l1'``: sum abs(w), with exact zeros;
        - ``'elasticnet'``: l1_ratio sum abs(w) + (1 - l1_ratio) 1/2 sum w**2;
        - ``'group_lasso'``: the L2 norms of the first layer's rows (one group
          per input feature, so features drop out whole) plus 1/2 sum w**2 on
          the deeper layers;
        - ``None``: no penalty.

    alpha : float, default=1e-4
        Strength of the penalty. The objective is the weighted *mean* data loss
        plus ``alpha * R(W)``, whatever the batch size, so with no hidden layer
        ``alpha=a`` on n samples is ``Ridge(alpha=n*a)``, ``Lasso(alpha=a)`` or
        ``LogisticRegression(C=1/(n*a))``. ``MLPClassifier`` divides its L2
        term by the sample size instead.

    l1_ratio : float, default=0.5
        The L1 share of ``'elasticnet'``, in [0, 1].

    alpha_schedule : {'constant', 'inverse_loss'} or callable, \
default='constant'
        How alpha changes from epoch to epoch (stored in ``alpha_curve_``):

        - ``'constant'``: always ``alpha``;
        - ``'inverse_loss'``: alpha * L_1 / L_(t-1), the rule lambda ~ 1/L(w)
          bounded by 1000 * alpha (L_t is epoch t's mean data loss);
        - a callable ``f(epoch, data_loss, alpha) -> float >= 0`` called before
          each epoch (epoch from 0, data_loss of the previous epoch or None).

        The schedule scales every penalty. As J itself changes with alpha_t,
        the ``tol`` / ``n_iter_no_change`` stopping rule scores the best
        earlier epoch with the current alpha_t, so that a J that grew only
        because alpha_t grew does not stop the fit. Only ``'constant'`` with
        ``solver='lbfgs'``.

    dropout : float, default=0.0
        Probability of dropping each hidden unit during training (inverted
        dropout, Srivastava et al. 2014: kept units are scaled by
        1 / (1 - dropout), so prediction uses all units unscaled). Drawn from
        ``random_state``. Not with ``solver='lbfgs'``.

    max_norm : float, default=None
        After every update, each unit's incoming weight vector (each column of
        each ``coefs_[l]``) is rescaled to norm at most ``max_norm``.

    weight_clip : float, default=None
        After every update, every weight is clipped to
        [-weight_clip, weight_clip].

    weight_decay : float, default=0.0
        Decoupled weight decay (SGDW / AdamW, Loshchilov & Hutter 2019): each
        step also subtracts lr * weight_decay * w from the weights, with the
        learning rate lr without Adam's bias correction. It is not part of the
        objective and, unlike ``alpha``, not rescaled by Adam. Not with
        ``solver='lbfgs'``.

    solver : {'adam', 'sgd', 'lbfgs'}, default='adam'
        The optimizer. Every solver supports every penalty: ``'sgd'`` and
        ``'adam'`` take a proximal step after each update; ``'lbfgs'`` is
        L-BFGS-B (L1 through the split w = w+ - w-), or an accelerated
        proximal-gradient method for ``'group_lasso'`` and ``max_norm``.

    batch_size : int or 'auto', default='auto'
        Mini-batch size of the stochastic solvers; ``'auto'`` is
        min(200, n_samples).

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Learning-rate schedule of ``solver='sgd'``, as in ``MLPClassifier``.

    learning_rate_init : float, default=0.001
        Initial learning rate of ``'sgd'`` and ``'adam'``.

    power_t : float, default=0.5
        Exponent of ``learning_rate='invscaling'``.

    max_iter : int, default=200
        Maximum number of epochs (stochastic solvers) or iterations (lbfgs).

    shuffle : bool, default=True
        Whether to shuffle the samples in each epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds the weights, the shuffling, dropout and the validation split:
        the same ``random_state`` gives bit-identical models.

    tol : float, default=1e-4
        Tolerance of the stopping criteria, as in ``MLPClassifier``.

    verbose : bool, default=False
        Whether to print the loss after each iteration.

    warm_start : bool, default=False
        Whether ``fit`` starts from the previous solution.

    momentum : float, default=0.9
        Momentum of ``solver='sgd'``.

    nesterovs_momentum : bool, default=True
        Whether ``solver='sgd'`` uses Nesterov's momentum.

    early_stopping : bool, default=False
        Whether to hold out ``validation_fraction`` of the data and stop when
        the validation score stops improving (stochastic solvers only).

    validation_fraction : float, default=0.1
        The held-out share of ``early_stopping``.

    beta_1 : float, default=0.9
        Decay of Adam's first-moment estimate.

    beta_2 : float, default=0.999
        Decay of Adam's second-moment estimate.

    epsilon : float, default=1e-8
        Adam's numerical-stability constant.

    n_iter_no_change : int, default=10
        Epochs without an improvement of ``tol`` before stopping.

    max_fun : int, default=15000
        Maximum number of objective evaluations of ``solver='lbfgs'``.
"""

_SHARED_ATTRIBUTES = """\
    loss_ : float
        The objective J (data term plus alpha_t * R(W)) at the last iteration.

    best_loss_ : float or None
        The smallest ``loss_curve_`` value (None with ``early_stopping``).

    loss_curve_ : list of float
        J at the end of each epoch (lbfgs: iteration).

    data_loss_curve_ : list of float
        The mean data loss of each epoch (lbfgs: iteration).

    alpha_curve_ : list of float
        The alpha used in each epoch (lbfgs: iteration).

    validation_scores_ : list of float or None
        Score on the validation set after each epoch (``early_stopping``).

    best_validation_score_ : float or None
        The best of ``validation_scores_``.

    t_ : int
        Number of training samples seen by the stochastic solver.

    coefs_ : list of ndarray of shape (fan_in, fan_out)
        The weights of each layer.

    intercepts_ : list of ndarray of shape (fan_out,)
        The biases of each layer.

    feature_importances_ : ndarray of shape (`n_features_in_`,)
        The L2 norm of each feature's first-layer weights, normalized to sum
        to one (all zeros when the first layer is zero).

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string feature names.

    n_iter_ : int
        Number of epochs (lbfgs: iterations) run by the last fit.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of outputs.

    out_activation_ : str
        The output activation.
"""


def _fill_doc(cls):
    # the placeholders are indented like the docstring, the blocks' first
    # line is not
    cls.__doc__ = cls.__doc__.format(
        parameters=_SHARED_PARAMETERS.strip(),
        attributes=_SHARED_ATTRIBUTES.strip(),
    )
    return cls


@_fill_doc
class RegMLPClassifier(ClassifierMixin, BaseRegMLP):
    """Multilayer perceptron classifier with first-class regularization.

    Minimizes the weighted mean log loss plus ``alpha * R(W)`` with the
    penalty, initialization and alpha schedule of your choice. Binary and
    multilabel targets get logistic outputs, multiclass targets a softmax.

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    classes_ : ndarray or list of ndarray
        The class labels (for multilabel targets, one array per output).

    {attributes}

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

    def _encode_targets(self, y, incremental, first_pass):
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
        return self._label_binarizer.transform(y)

    def _loss_name(self):
        binarizer = self._label_binarizer
        if binarizer.y_type_ == "multiclass" and len(self.classes_) > 2:
            return "log_loss"
        return "binary_log_loss"

    def _stratify_validation(self):
        return self._label_binarizer.y_type_ != "multilabel-indicator"

    def _decode(self, output):
        if output.shape[1] == 1:
            output = output.ravel()
        return self._label_binarizer.inverse_transform(output)

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

    @available_if(BaseRegMLP._has_partial_fit)
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


@_fill_doc
class RegMLPRegressor(RegressorMixin, BaseRegMLP):
    """Multilayer perceptron regressor with first-class regularization.

    Minimizes the weighted mean loss (squared error or Poisson deviance) plus
    ``alpha * R(W)`` with the penalty, initialization and alpha schedule of
    your choice.

    Parameters
    ----------
    {parameters}

    loss : {{'squared_error', 'poisson'}}, default='squared_error'
        The per-sample loss: 1/2 sum_k (y_k - y_pred_k)**2 with an identity
        output, or y_pred - y log(y_pred) with an exponential output (y >= 0).

    Attributes
    ----------
    {attributes}

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
        "loss": [StrOptions({"squared_error", "poisson"})],
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

    def _encode_targets(self, y, incremental, first_pass):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError(
                "Some value(s) of y are negative which is not allowed for "
                "loss='poisson'."
            )
        return y

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

    @available_if(BaseRegMLP._has_partial_fit)
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
