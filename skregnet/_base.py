"""The estimator logic shared by ``RegMLPClassifier`` and ``RegMLPRegressor``."""

from abc import ABC, abstractmethod
from functools import lru_cache
from itertools import pairwise
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context, clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import (
    Interval,
    Options,
    StrOptions,
)
from sklearn.utils.validation import (
    check_is_fitted,
    validate_data,
)

from skregnet._activations import ACTIVATIONS
from skregnet._callbacks import CallbackSupportMixin, FitCallbacks, with_callbacks
from skregnet._constraints import Constraints
from skregnet._initializers import INITIALIZERS, init_weights, resolve_init
from skregnet._inputs import given_validation, prepare, validation_split
from skregnet._losses import LOSSES
from skregnet._network import Layout, Network
from skregnet._penalties import PENALTIES, make_penalty
from skregnet._schedules import ALPHA_SCHEDULES, resolve_schedule
from skregnet._solvers import SOLVERS, run_solver
from skregnet._training import (
    History,
    Problem,
    Run,
    StoppingRule,
    TrainConfig,
)
from skregnet._utils import RegistryOptions, warn

_positive = Interval(Real, 0, None, closed="neither")


@lru_cache(maxsize=32)
def _network(layer_units, activation, out_activation, loss_name):
    """A network of this architecture, for prediction: shared by the fitted
    estimators of that architecture, as it holds no weights and its
    ``predict_layers`` and ``data_loss`` keep their work arrays per call."""
    loss = LOSSES[loss_name]
    return Network(Layout(layer_units), activation, out_activation, loss)


class BaseRegMLP(CallbackSupportMixin, BaseEstimator, ABC):
    """Base class of the regularized multilayer perceptrons.

    Holds the parameters, their validation, and ``fit`` / ``partial_fit`` /
    prediction plumbing; subclasses say how targets are encoded and decoded.
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [RegistryOptions(ACTIVATIONS)],
        "init": [RegistryOptions(INITIALIZERS, extra=["auto"]), callable],
        "init_scale": [_positive, None],
        "penalty": [RegistryOptions(PENALTIES), None],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "alpha_schedule": [RegistryOptions(ALPHA_SCHEDULES), callable],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "max_norm": [_positive, None],
        "weight_clip": [_positive, None],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "solver": [RegistryOptions(SOLVERS)],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [_positive],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [_positive],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
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
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.init = init
        self.init_scale = init_scale
        self.penalty = penalty
        self.alpha = alpha
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

    # -- what subclasses define ------------------------------------------------

    @abstractmethod
    def _encode_targets(self, y, incremental, first_pass, dtype=np.float64):
        """Validated ``y`` as a new float array of ``dtype`` (1-D or 2-D), the
        targets the network is trained on."""

    @abstractmethod
    def _loss_name(self):
        """Key of ``LOSSES`` for this estimator and its targets."""

    @abstractmethod
    def _decode(self, output):
        """Predictions in the user's terms from network outputs (or encoded y)."""

    @abstractmethod
    def _score_fn(self, y_true, y_pred, sample_weight=None):
        """The validation score used by early stopping."""

    def _stratify_validation(self, Y):
        return False

    def _weighted(self, y, sample_weight, incremental):
        """The sample weights of the rows of ``y`` (the classifier multiplies
        them by its ``class_weight``)."""
        return sample_weight

    # -- fitting ----------------------------------------------------------------

    @with_callbacks
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self,
        X,
        y,
        sample_weight=None,
        *,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
    ):
        """Fit the model to data matrix X and target(s) y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values (class labels in classification, real numbers
            in regression).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights: the data term is their weighted mean.
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), \
default=None
            A validation set for ``early_stopping`` (which must then be True),
            as ``HistGradientBoostingClassifier`` takes it: it replaces the
            ``validation_fraction`` split, so every row of ``X`` is trained
            on, and the validation scores and the restored best weights come
            from it. In a ``Pipeline``, ``transform_input=["X_val"]``
            transforms it as ``X``.
        y_val : array-like of shape (n_val,) or (n_val, n_outputs), \
default=None
            The targets of ``X_val``.
        sample_weight_val : array-like of shape (n_val,), default=None
            Sample weights of ``X_val``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(
            X,
            y,
            sample_weight,
            incremental=False,
            validation=(X_val, y_val, sample_weight_val),
        )

    def _fit(self, X, y, sample_weight, incremental, *, validation=None, path=None):
        """Prepare the data, train and store the model.

        ``validation`` is ``(X_val, y_val, sample_weight_val)``. A
        regularization path passes ``path="first"`` for its first point and
        ``"warm"`` for the others (a fresh stopping rule and history, the
        optimizer carried over): no ConvergenceWarning (the path summarizes
        its points), and a ``KeyboardInterrupt`` is raised again once the
        model is stored.

        Whenever a fit ends, the model is consistent: an interrupt during
        training stops it and keeps the weights so far; one that escapes
        before the model is stored leaves the estimator as it was.
        """
        before, stored = dict(self.__dict__), False
        callbacks = FitCallbacks(
            self, max_subtasks=2 if incremental else self.max_iter + 1
        )
        try:
            data, layer_units, rng, y = prepare(self, X, y, sample_weight, incremental)
            given = given_validation(self, *(validation or (None, None, None)))
            solver = SOLVERS[self.solver]
            run = self._make_run(data, layer_units, rng, solver, incremental, given)
            self._start_state(run, solver, incremental, path)
            run.monitor = callbacks.begin(run, y, solver.stochastic)
            interrupted = run_solver(solver, run)
            self._store(run, solver)
            stored = True
        except BaseException:  # an error, or an interrupt before training
            if not stored:
                self.__dict__.clear()
                self.__dict__.update(before)
            raise
        callbacks.end(self)
        if interrupted and path is not None:
            raise KeyboardInterrupt
        if path is None:
            self._warn(run.history)
        return self

    def _make_run(self, data, layer_units, rng, solver, incremental, given):
        """The ``Run`` of a fit continuing from the fitted (or initial) state."""
        layout = Layout(layer_units)
        params = layout.pack(self.coefs_, self.intercepts_, data.X.dtype)
        train, validation = validation_split(self, data, rng, solver, given)
        return Run(
            problem=self._problem(layout),
            params=params,
            train=train,
            config=self._config(train.n_samples, incremental, solver),
            stopping=self._stopping,
            history=History.from_curves(
                self.alpha_curve_,
                self.data_loss_curve_,
                self.loss_curve_,
                self.validation_scores_,
                self.t_,
                getattr(self, "validation_loss_curve_", None),
            ),
            validation=validation,
            rng=rng,
            state=self._optimizer,
        )

    def _start_state(self, run, solver, incremental, path):
        """The stopping rule, history and optimizer a fit starts from: those
        of the fitted model (``warm_start``, ``partial_fit``), or fresh ones;
        a warm path point keeps the optimizer's moments, with a fresh rule
        and history."""
        if path == "warm":
            run.stopping = StoppingRule(run.validation is not None)
            run.history = History()
        if run.state is None or not (incremental or path == "warm"):
            layout = run.problem.network.layout
            run.state = solver.init_state(
                self.get_params(), layout.n_params, layout.n_coef, run.params.dtype
            )
        elif path == "warm":
            run.state.restart()

    def _problem(self, layout):
        """The objective for this estimator's parameters."""
        loss = LOSSES[self._loss_name()]
        return Problem(
            network=Network(layout, self.activation, loss.out_activation, loss),
            penalty=make_penalty(
                self.penalty, coef_shapes=layout.coef_shapes, l1_ratio=self.l1_ratio
            ),
            alpha=self.alpha,
            schedule=resolve_schedule(self.alpha_schedule),
        )

    def _config(self, n_train, incremental, solver):
        """The ``TrainConfig`` of a fit on ``n_train`` rows."""
        return TrainConfig(
            max_iter=self.max_iter,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            max_fun=self.max_fun,
            batch_size=self._batch_size(n_train) if solver.stochastic else n_train,
            shuffle=self.shuffle,
            dropout=self.dropout,
            constraints=Constraints(self.max_norm, self.weight_clip),
            verbose=self.verbose,
            incremental=incremental,
        )

    def _store(self, run, solver):
        """The fitted attributes, written from the run in one step."""
        layout = run.problem.network.layout
        history = run.history
        scores = history.validation_scores
        if scores is None and run.validation is not None:
            scores = []
        penalty, alpha = run.problem.penalty, run.problem.alpha
        attributes = {
            "coefs_": [c.copy() for c in layout.coefs(run.params)],
            "intercepts_": [b.copy() for b in layout.intercepts(run.params)],
            "alpha_curve_": history.alpha_curve,
            "data_loss_curve_": history.data_loss_curve,
            "loss_curve_": history.loss_curve,
            "validation_scores_": scores,
            "validation_loss_curve_": history.validation_loss_curve,
            "n_iter_": run.history.n_iter,
            "t_": run.history.t,
            "best_loss_": run.stopping.best_loss,
            "best_validation_score_": run.stopping.best_validation_score,
            "solver_method_": solver.method(penalty, alpha, run.config.constraints),
            "_stopping": run.stopping,
            "_optimizer": run.state,
            "_stop": run.history.stop,
        }
        if history.records:
            attributes["loss_"] = history.loss
        # one dict update: an interrupt lands before or after it, not inside
        self.__dict__.update(attributes)

    @staticmethod
    def _warn(history):
        """The warning that says how a fit ended, if it did not converge."""
        if history.stop == "interrupted":
            warn(history.message)
        elif not history.converged:
            warn(history.message, ConvergenceWarning)

    def _initial_model(self, X, y):
        """A clone holding the weights a ``fit`` on ``(X, y)`` starts from.

        Nothing is trained: ``coefs_`` and ``intercepts_`` are the initial
        weights drawn from ``random_state`` (``n_iter_ == 0``), as used by
        :func:`skregnet.layer_statistics` to look at a network at
        initialization.
        """
        est = clone(self).set_params(warm_start=False)
        est._validate_params()
        prepare(est, X, y, None, incremental=False)
        return est

    def _initialize(self, layer_units, rng):
        """Fresh weights and training records for a first fit."""
        loss = LOSSES[self._loss_name()]
        self.n_outputs_ = layer_units[-1]
        self.n_layers_ = len(layer_units)
        self.out_activation_ = loss.out_activation
        init_fn = resolve_init(self.init, self.activation)
        self.coefs_ = [np.empty(shape) for shape in pairwise(layer_units)]
        init_weights(init_fn, layer_units, rng, self.init_scale, self.coefs_)
        self.intercepts_ = [np.zeros(units) for units in layer_units[1:]]
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self.data_loss_curve_ = []
        self.alpha_curve_ = []
        self.validation_scores_ = [] if self.early_stopping else None
        self._stopping = StoppingRule(self.early_stopping)
        self.best_loss_ = self._stopping.best_loss
        self.best_validation_score_ = self._stopping.best_validation_score
        self._optimizer = None

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warn(
                "Got `batch_size` less than 1 or larger than sample size. It is "
                "going to be clipped"
            )
        return int(np.clip(self.batch_size, 1, n_samples))

    def _partial_fit(self, X, y, sample_weight):
        return self._fit(X, y, sample_weight, incremental=True)

    def _has_partial_fit(self):
        # raised inside ``available_if``, this becomes the __cause__ of its
        # "has no attribute 'partial_fit'" error, as in MLPClassifier
        if not getattr(SOLVERS.get(self.solver), "stochastic", False):
            raise AttributeError(
                f"partial_fit is only available for stochastic optimizers. "
                f"{self.solver} is not stochastic."
            )
        return True

    # -- prediction -------------------------------------------------------------

    def _forward(self, X):
        """Network outputs for ``X`` (validated), in X's float dtype.

        From ``coefs_`` and ``intercepts_`` as they are now (nothing of them
        is cached, so changing them or refitting needs no invalidation),
        without packing them into a flat buffer.
        """
        network, X = self._prediction_input(X)
        return network.predict_layers(self.coefs_, self.intercepts_, X)

    def _fitted_network(self, X):
        """``(network, params, X)``: the fitted network, its parameters in X's
        float dtype (a new flat buffer) and the validated ``X``."""
        network, X = self._prediction_input(X)
        params = network.layout.pack(self.coefs_, self.intercepts_, X.dtype)
        return network, params, X

    def _prediction_input(self, X):
        """``(network, X)``: a network of the fitted architecture (holding no
        weights) and ``X`` validated against the fit."""
        if "coefs_" not in self.__dict__:
            check_is_fitted(self)  # raises NotFittedError
        X = validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            reset=False,
        )
        units = (X.shape[1], *(b.shape[0] for b in self.intercepts_))
        network = _network(
            units, self.activation, self.out_activation_, self._loss_name()
        )
        return network, X

    @property
    def feature_importances_(self):
        """Norm of each input feature's first-layer weights, summing to one.

        All zeros when the whole first layer is zero. Usable by
        :class:`~sklearn.feature_selection.SelectFromModel`; with
        ``penalty='group_lasso'`` pass ``threshold=1e-12`` to keep exactly the
        features whose first-layer row is not zero (its default threshold is
        the mean importance, as for every estimator other than an L1 one).
        """
        check_is_fitted(self)
        W = self.coefs_[0]
        largest = np.abs(W).max(initial=0.0)
        if largest == 0:
            return np.zeros(W.shape[0])
        # scaled first, so that huge (finite) weights do not overflow
        norms = np.linalg.norm(W / largest, axis=1)
        return norms / norms.sum()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
