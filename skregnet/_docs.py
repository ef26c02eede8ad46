"""The docstring sections the estimators share, written once.

The parameters and attributes of ``RegMLPClassifier``, ``RegMLPRegressor`` and
the two CV estimators are documented here, one numpydoc entry per name.
``fill_docstring`` replaces two markers, each alone on a line of a class
docstring:

- ``[parameters]``: the entry of every ``__init__`` parameter, in signature
  order (so a parameter is documented wherever it is accepted, once);
- ``[attributes]``: the entries of the names passed to ``fill_docstring``.

``AccuracyScoreMixin`` and ``R2ScoreMixin`` give the estimators a ``score``
documented here (scikit-learn's mixins document theirs with links into
scikit-learn's own user guide).

``tests/test_parameters.py`` checks that the four signatures, their
``_parameter_constraints`` and these entries agree.
"""

import inspect
import re

_ESTIMATOR_PARAMETERS = """\
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
        The optimizer. Every solver supports every penalty; the algorithm
        that ran is recorded in ``solver_method_``:

        - ``'sgd'`` (``'SGD'``) and ``'adam'`` (``'Adam'``): mini-batch
          steps, each followed by the penalty's proximal step (exact zeros);
        - ``'lbfgs'``: full batch, ``'L-BFGS-B'`` when the objective is
          smooth up to an L1 term (no penalty, ``'l2'``, ``'l1'``,
          ``'elasticnet'``, with the L1 part through the split w = w+ - w-)
          and the constraints are bounds (``weight_clip``); ``'FISTA'``, an
          accelerated proximal-gradient method, for ``'group_lasso'`` and
          ``max_norm``.

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
        Tolerance of the stopping criteria, as in ``MLPClassifier``. For
        ``'sgd'`` and ``'adam'``: training stops when the objective (with
        ``early_stopping``, the validation score) has not improved by ``tol``
        for ``n_iter_no_change`` epochs. For ``'lbfgs'``: L-BFGS-B stops when
        the largest projected-gradient component is at most ``tol`` (scipy's
        ``gtol``) or the objective's relative decrease is below
        ``min(tol**2, 2.2e-9)``; FISTA when its gradient mapping (the step's
        largest move over the step size) is at most ``tol``, or at the same
        relative decrease.

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
        Epochs without an improvement of ``tol`` before stopping. Unlike
        ``MLPClassifier``, the training loss rule does not stop a fit whose
        best objective is still clearly worse than a constant prediction's
        (which zero weights reach): that fit is oscillating, not converged
        (as unscaled inputs make it), and goes on to ``max_iter``, whose
        warning then says so.

    max_fun : int, default=15000
        Maximum number of objective evaluations of ``solver='lbfgs'``.
"""

_CLASSIFIER_PARAMETERS = """\
    class_weight : dict, list of dict, 'balanced' or None, default=None
        Weights of the classes, multiplying ``sample_weight`` (and
        ``sample_weight_val``) exactly as passing
        ``sklearn.utils.class_weight.compute_sample_weight(class_weight, y)``
        would: a dict ``{class: weight}`` (for multilabel targets, a list of
        dicts, one per output), ``'balanced'`` for weights inversely
        proportional to the class frequencies in ``y``, or ``None`` for all
        ones. ``partial_fit`` takes ``'balanced'`` only as computed weights
        (as ``SGDClassifier``).
"""

_REGRESSOR_PARAMETERS = """\
    loss : {'squared_error', 'poisson'}, default='squared_error'
        The per-sample loss: 1/2 sum_k (y_k - y_pred_k)**2 with an identity
        output, or y_pred - y log(y_pred) with an exponential output (y >= 0).
"""

_CV_PARAMETERS = """\
    alphas : int or array-like of float, default=10
        The penalty strengths to try. A list is visited in ascending order
        (duplicates are dropped).
        An int ``n`` asks for ``n`` log-spaced values from
        ``alpha_min_ratio * alpha_max`` to ``alpha_max``, where ``alpha_max``
        is estimated from the data: the gradient and curvature of the data
        term at the best constant prediction say at which alpha a network with this
        architecture and penalty collapses to zero (for no hidden layer and
        an L1-type penalty, exactly ``Lasso``'s ``alpha_max``). For the
        L1-type penalties (``'l1'``, ``'elasticnet'``, ``'group_lasso'``) the
        grid then continues upward at the same ratio (up to 1000 times
        ``alpha_max``) until the first layer of the path on all the data is
        all zero, so ``alphas_`` may hold more than ``n`` values.

    alpha_min_ratio : float, default=1e-3
        ``alpha_min / alpha_max`` of the grid when ``alphas`` is an int
        (``eps`` in :class:`~sklearn.linear_model.LassoCV`, glmnet's
        ``lambda.min.ratio``).

    cv : int, cross-validation generator or iterable, default=None
        The splitting strategy, as in :class:`~sklearn.model_selection.GridSearchCV`:
        ``None`` for 5 folds, an int for that many folds (stratified for a
        classifier with binary or multiclass targets), a splitter or an
        iterable of (train, test) index arrays.

    scoring : str, callable, list, tuple, set or dict, default=None
        How a fitted point is scored on a test fold (higher is better);
        ``None`` uses the estimator's ``score``: accuracy for the
        classifier, R^2 for the regressor. With ``sample_weight``, the test
        scores are weighted too. Several metrics (a list of scorer names, or
        a dict of name to scorer) are all recorded in ``cv_results_``, as
        in :class:`~sklearn.model_selection.GridSearchCV`; ``refit`` names
        the one that chooses alpha.

    n_jobs : int, default=None
        Number of folds fitted in parallel (one joblib job per fold, each
        running the whole path). ``None`` means 1 unless in a
        :func:`joblib.parallel_backend` context; ``-1`` uses all processors.
        Inside ``joblib.parallel_backend("dask")`` the folds run on a dask
        cluster.

    refit : bool or str, default=True
        Whether to fit the path on all the data and keep its model at
        ``alpha_`` (needed by ``predict``). This path runs as one more job
        alongside the folds and keeps a copy of its model at every alpha
        until ``alpha_`` is known. With several metrics, the name of the
        one that chooses alpha (or ``False``: then only ``cv_results_`` is
        computed).

    alpha_rule : {'best', '1se'}, default='best'
        Which alpha to refit at: ``'best'``, the best mean test score;
        ``'1se'``, ``alpha_1se_``, the largest alpha within one standard
        error of the best (the one-standard-error rule of ``cv.glmnet``).
"""

_ESTIMATOR_ATTRIBUTES = """\
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

    validation_loss_curve_ : list of float or None
        The data loss on the validation set after each epoch, whenever there
        is one (``early_stopping``: the ``validation_fraction`` split, or
        ``X_val`` / ``y_val``).

    best_validation_score_ : float or None
        The best of ``validation_scores_``.

    t_ : int
        Number of training samples seen by the stochastic solver.

    coefs_ : list of ndarray of shape (fan_in, fan_out)
        The weights of each layer.

    intercepts_ : list of ndarray of shape (fan_out,)
        The biases of each layer.

    feature_importances_ : ndarray of shape (``n_features_in_``,)
        The L2 norm of each feature's first-layer weights, normalized to sum
        to one (all zeros when the first layer is zero).

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during fit, when X has string feature names.

    n_iter_ : int
        Number of epochs (lbfgs: iterations) run by the last fit.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of outputs.

    out_activation_ : str
        The output activation.

    solver_method_ : str
        The algorithm the last fit ran: ``'SGD'``, ``'Adam'``, ``'L-BFGS-B'``
        or ``'FISTA'`` (see ``solver``).
"""

_CLASSIFIER_ATTRIBUTES = """\
    classes_ : ndarray or list of ndarray
        The class labels (for multilabel targets, one array per output).
"""

_CV_ATTRIBUTES = """\
    alpha_ : float
        The chosen alpha (``alpha_rule``), where the refit model was taken.

    alphas_ : ndarray of shape (n_alphas,)
        The grid of alphas, in ascending order (path order).

    alpha_1se_ : float
        The largest alpha whose mean test score is at least the best one
        minus its standard error (``std_test_score / sqrt(n_splits)``).

    best_score_ : float
        The best ``mean_test_score`` (of the ``refit`` metric).

    best_index_ : int
        Index in ``cv_results_`` of the best mean test score (the first
        one, i.e. the smallest alpha, on ties, as ``GridSearchCV``).

    cv_results_ : dict of ndarray
        One entry per alpha of ``alphas_``, in :class:`GridSearchCV`'s
        layout: ``mean_fit_time``, ``std_fit_time``, ``mean_score_time``,
        ``std_score_time`` (the fit time of a path point is that of its
        warm-started fit), ``param_alpha``, ``params``,
        ``split{k}_test_score``, ``mean_test_score``, ``std_test_score``,
        ``rank_test_score`` (with several metrics, ``_score`` is replaced by
        ``_<name>`` for each).

    n_splits_ : int
        The number of cross-validation splits.

    path_ : dict of ndarray
        The path on all the data (``refit=True``), one entry per alpha of
        ``alphas_``: ``alpha``, ``objective``, ``data_loss``,
        ``weight_norm``, ``n_zero_weights``, ``n_selected_features``,
        ``n_iter``, ``converged``; ``pandas.DataFrame(path_)`` is a table.

    feature_norm_path_ : ndarray of shape (n_alphas, ``n_features_in_``)
        The L2 norm of each input feature's first-layer weights at each
        alpha of the path on all the data: the per-feature path.

    best_estimator_ : estimator
        The refit model: the path on all the data, taken at ``alpha_``. The
        attributes below are copied from it: its ``loss_curve_``,
        ``data_loss_curve_``, ``alpha_curve_`` and ``n_iter_`` are those of
        its own fit, warm-started from the previous alpha's.
"""


def _entries(block):
    """The numpydoc entries of a block, by name, in order."""
    pieces = re.split(r"^    (?=\w+ : )", block, flags=re.M)
    return {piece.split(" : ", 1)[0]: "    " + piece.rstrip() for piece in pieces[1:]}


#: every parameter's entry, by name
PARAMETERS = {
    **_entries(_ESTIMATOR_PARAMETERS),
    **_entries(_CLASSIFIER_PARAMETERS),
    **_entries(_REGRESSOR_PARAMETERS),
    **_entries(_CV_PARAMETERS),
}

#: every fitted attribute's entry, by name
ATTRIBUTES = {
    **_entries(_CLASSIFIER_ATTRIBUTES),
    **_entries(_ESTIMATOR_ATTRIBUTES),
    **_entries(_CV_ATTRIBUTES),
}

#: the attributes of the fitted estimators, and of the CV estimators' own
ESTIMATOR_ATTRIBUTES = tuple(_entries(_ESTIMATOR_ATTRIBUTES))
CLASSIFIER_ATTRIBUTES = ("classes_", *ESTIMATOR_ATTRIBUTES)
CV_ATTRIBUTES = tuple(_entries(_CV_ATTRIBUTES))


def fill_docstring(attributes):
    """Class decorator: fill the ``[parameters]`` and ``[attributes]`` markers.

    Parameters
    ----------
    attributes : sequence of str
        The names of the attributes to document, in order.
    """

    def fill(cls):
        names = [n for n in inspect.signature(cls.__init__).parameters if n != "self"]
        sections = {
            "[parameters]": "\n\n".join(PARAMETERS[n] for n in names),
            "[attributes]": "\n\n".join(ATTRIBUTES[n] for n in attributes),
        }
        doc = cls.__doc__
        for marker, text in sections.items():
            doc = doc.replace(f"    {marker}", text)
        cls.__doc__ = doc
        return cls

    return fill


class AccuracyScoreMixin:
    """``score`` as ``ClassifierMixin``'s, with a docstring of our own (its
    own links to scikit-learn's user guide)."""

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


class R2ScoreMixin:
    """``score`` as ``RegressorMixin``'s, with a docstring of our own."""

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
