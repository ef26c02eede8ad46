"""The solver contract: what a training run is given and what it leaves.

The estimator builds one ``Run`` per ``fit`` from its parameters and its
fitted state; a solver (``skregnet._solvers``) reads and updates it and
knows nothing of the estimator:

- ``Problem``: the objective, ``J = data_mean + alpha_t * R(W)`` (network,
  loss, penalty, alpha and its schedule);
- ``Dataset``: the training rows, and ``Validation``, the held-out ones;
- ``TrainConfig``: how long and how to train (frozen);
- ``StoppingRule``: the no-improvement rule's state (best loss or score, the
  best weights, the count of epochs without improvement);
- ``History``: the records (one per epoch or iteration), counters and the
  reason training stopped;
- ``params`` (the flat parameter buffer, updated in place) and ``fallback``
  (the last weights known to be consistent: finite, within the
  constraints, described by the last record), which the solver keeps up to
  date so that a fit can end at any moment.

The estimator then writes its fitted attributes from the ``Run`` in one
place (``BaseRegMLP._store``). A regularization path passes a changed
``TrainConfig``, a fresh ``StoppingRule`` and a fresh ``History`` for each
point.
"""

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from skregnet._constraints import Constraints


@dataclass
class Problem:
    """The objective: the network (with its loss), the penalty and alpha.

    ``schedule(epoch, data_losses, alpha, floor)`` gives the alpha of each
    epoch (``skregnet._schedules``).
    """

    network: Any
    penalty: Any
    alpha: float
    schedule: Any

    @property
    def n_coef(self):
        """The number of weights (the penalized part of the parameters)."""
        return self.network.layout.n_coef

    def alpha_at(self, history, floor):
        """The alpha of the next epoch, a Python float.

        A NumPy float64 alpha (say from ``np.logspace``) would turn the
        penalty's float32 arithmetic into float64 (NEP 50).
        """
        return float(
            self.schedule(
                len(history.records), history.data_loss_curve, self.alpha, floor
            )
        )

    def check_outputs(self, params, data):
        """Raise a ValueError if the network's outputs on ``data`` are not
        finite at ``params``: no weights of this fit give a usable model."""
        if not np.isfinite(self.network.predict(params, data.X)).all():
            raise ValueError(
                "The network's outputs are not finite at its starting weights, "
                "so training cannot start: scale the input features (e.g. with "
                "StandardScaler) or lower `init_scale`."
            )

    def terms(self, params, data, alpha):
        """``(data loss, alpha * R(w))`` at ``params`` on all of ``data``."""
        sw = data.normalized_weights(params.dtype)
        data_loss = self.network.data_loss(params, data.X, data.Y, sw)
        return data_loss, self.penalty.value(params[: self.n_coef], alpha)


def normalized(sample_weight, n, dtype):
    """Sample weights summing to one (uniform when ``None``)."""
    if sample_weight is None:
        return np.full(n, 1.0 / n, dtype=dtype)
    total = sample_weight.sum()
    if total <= 0:
        raise ValueError("The sample weights must not all be zero.")
    return (sample_weight / total).astype(dtype, copy=False)


@dataclass
class Dataset:
    """Rows to train or evaluate on: ``X``, the encoded 2-D targets ``Y`` and
    the raw sample weights (``None``: all equal)."""

    X: Any
    Y: np.ndarray
    sample_weight: np.ndarray | None = None

    @property
    def n_samples(self):
        return self.X.shape[0]

    @property
    def weight_total(self):
        """The sum of the sample weights (the number of rows without them)."""
        if self.sample_weight is None:
            return self.n_samples
        return float(self.sample_weight.sum())

    def normalized_weights(self, dtype):
        """The sample weights normalized to sum to one."""
        return normalized(self.sample_weight, self.n_samples, dtype)


@dataclass
class Validation:
    """A held-out set and how to score the network on it.

    ``score(output, sample_weight)`` turns the network's outputs on ``X``
    into the estimator's validation score (accuracy, R^2).
    """

    data: Dataset
    score: Any

    def evaluate(self, network, params):
        """``(score, data loss)`` of the network at ``params`` on this set."""
        data = self.data
        # over row chunks: only the outputs take the set's length
        output = np.empty((data.n_samples, data.Y.shape[1]), dtype=params.dtype)
        sw = data.normalized_weights(params.dtype)
        loss = network.data_loss(params, data.X, data.Y, sw, out=output)
        return float(self.score(output, data.sample_weight)), float(loss)


@dataclass(frozen=True)
class TrainConfig:
    """How long and how to train: the estimator's parameters, resolved once.

    ``batch_size`` is resolved for the training rows; ``incremental`` runs
    one epoch (``partial_fit``).
    """

    max_iter: int
    tol: float
    n_iter_no_change: float
    max_fun: int
    batch_size: int
    shuffle: bool
    dropout: float
    constraints: Constraints
    verbose: bool
    incremental: bool = False


class StoppingRule:
    """``MLPClassifier``'s no-improvement rule and its state.

    Without a validation set, an epoch improves when its objective J beats
    the best so far by ``tol``; with one, when its validation score does
    (the weights of the best score are kept, to restore at the end).

    An ``alpha_schedule`` changes J from epoch to epoch: a J that grew only
    because alpha_t grew (``inverse_loss``) is no reason to stop. So the
    best epoch so far is re-scored with this epoch's alpha_t, as data_b +
    alpha_t * R(w_b). With a constant alpha this is ``best_loss``, the usual
    rule.
    """

    def __init__(self, on_validation):
        self.on_validation = on_validation
        self.no_improvement_count = 0
        self.best_params = None
        #: (data loss, R, alpha, J) of the best epoch
        self.best_terms = None
        self.best_loss = None if on_validation else np.inf
        self.best_validation_score = -np.inf if on_validation else None

    def observe_loss(self, data_loss, reg, alpha_t, loss, tol):
        """Update the rule with an epoch's J (``reg`` is its R(w))."""
        best = self.best_terms
        if best is None:
            best_now = self.best_loss
        elif best[2] == alpha_t:
            best_now = best[3]
        else:
            best_now = best[0] + alpha_t * best[1]
        if loss > best_now - tol:
            self.no_improvement_count += 1
        else:
            self.no_improvement_count = 0
        if loss < best_now:
            self.best_terms = (data_loss, reg, alpha_t, loss)
        self.best_loss = min(self.best_loss, loss)

    def observe_score(self, score, params, tol):
        """Update the rule with an epoch's validation score."""
        if score < self.best_validation_score + tol:
            self.no_improvement_count += 1
        else:
            self.no_improvement_count = 0
        if score > self.best_validation_score:
            self.best_validation_score = score
            self.best_params = params.copy()

    def exhausted(self, n_iter_no_change):
        """Whether more than ``n_iter_no_change`` epochs did not improve."""
        return self.no_improvement_count > n_iter_no_change

    def message(self, tol, n_iter_no_change):
        """Why the rule fired, as ``MLPClassifier`` says it."""
        what = "Validation score" if self.on_validation else "Training loss"
        return (
            f"{what} did not improve more than tol={tol:f} for "
            f"{n_iter_no_change} consecutive epochs."
        )


#: why a fit ended, as ``History.stop``: these count as converged
CONVERGED = ("converged", "incremental")


@dataclass
class History:
    """The records of the training, continued across warm starts.

    A record is ``(alpha_t, data_loss, J, validation_score,
    validation_loss)``, appended in one step so that the curves always have
    equal lengths. ``start`` is the
    number of records before this fit: ``n_iter`` counts this fit's, ``t``
    the samples seen over the whole training (``MLPClassifier``'s ``n_iter_``
    and ``t_``). ``stop`` says why the fit ended: ``"converged"``,
    ``"incremental"`` (one ``partial_fit`` epoch), ``"max_iter"``,
    ``"max_fun"``, ``"no_progress"``, ``"diverged"``, ``"callback"`` (a
    callback's stop request) or ``"interrupted"``,
    with ``message`` the warning that says so (``None`` when converged).
    """

    records: list = field(default_factory=list)
    t0: int = 0
    samples_per_record: int = 0
    start: int = None
    stop: str = "converged"
    message: str | None = None

    def __post_init__(self):
        if self.start is None:
            self.start = len(self.records)

    @classmethod
    def from_curves(
        cls, alpha_curve, data_loss_curve, loss_curve, scores, t0, val_losses=None
    ):
        """The history of a fitted estimator, to continue it."""

        def padded(values):
            values = [] if values is None else list(values)
            return [None] * (len(loss_curve) - len(values)) + values

        records = list(
            zip(
                alpha_curve,
                data_loss_curve,
                loss_curve,
                padded(scores),
                padded(val_losses),
                strict=True,
            )
        )
        return cls(records=records, t0=t0)

    @property
    def n_iter(self):
        return len(self.records) - self.start

    @property
    def t(self):
        return self.t0 + self.samples_per_record * self.n_iter

    @property
    def loss(self):
        """J at the last record."""
        return self.records[-1][2]

    def record(
        self,
        alpha_t,
        data_loss,
        penalty_value,
        score=None,
        verbose=False,
        val_loss=None,
    ):
        """One more epoch (or iteration): its alpha, data loss, penalty, and
        validation score and data loss."""
        self.records.append(_record(alpha_t, data_loss, penalty_value, score, val_loss))
        if verbose:
            print(f"Iteration {self.n_iter}, loss = {self.loss:.8f}")
            if score is not None:
                print(f"Validation score: {score:f}")

    def amend(self, alpha_t, data_loss, penalty_value):
        """Make the last record describe the weights the fit returns (a new
        record when this fit has none)."""
        score, val_loss = self.records[-1][3:] if self.n_iter else (None, None)
        new = _record(alpha_t, data_loss, penalty_value, score, val_loss)
        if self.n_iter:
            self.records[-1] = new
        else:
            self.records.append(new)

    def end(self, stop, message=None):
        """Say why the fit ended, and the warning that explains it."""
        self.stop, self.message = stop, message

    @property
    def converged(self):
        return self.stop in CONVERGED

    @property
    def alpha_curve(self):
        return [r[0] for r in self.records]

    @property
    def data_loss_curve(self):
        return [r[1] for r in self.records]

    @property
    def loss_curve(self):
        return [r[2] for r in self.records]

    @property
    def validation_scores(self):
        """The validation scores of the records that have one (``None``:
        none has)."""
        return [r[3] for r in self.records if r[3] is not None] or None

    @property
    def validation_loss_curve(self):
        """The validation data losses of the records that have one."""
        return [r[4] for r in self.records if r[4] is not None] or None


def _record(alpha_t, data_loss, penalty_value, score, val_loss):
    return (
        float(alpha_t),
        float(data_loss),
        float(data_loss + penalty_value),
        None if score is None else float(score),
        None if val_loss is None else float(val_loss),
    )


@dataclass
class Run:
    """Everything one fit works on (see the module docstring)."""

    problem: Problem
    params: np.ndarray
    train: Dataset
    config: TrainConfig
    stopping: StoppingRule
    history: History
    validation: Validation | None = None
    rng: Any = None
    state: Any = None
    fallback: np.ndarray = None
    #: scikit-learn's callbacks of the fit (``skregnet._callbacks.FitMonitor``)
    monitor: Any = None

    def __post_init__(self):
        if self.fallback is None:
            self.fallback = self.params.copy()

    @property
    def coefs(self):
        """Per-layer views of the weights in ``params``."""
        return self.problem.network.layout.coefs(self.params)

    @property
    def w(self):
        """The weights (penalized part) of ``params``, a view."""
        return self.params[: self.problem.n_coef]

    def project(self):
        """Apply the constraints to ``params`` (in place)."""
        self.config.constraints.project(self.coefs, self.w)

    def checkpoint(self):
        """``params`` is consistent: remember it as the fallback."""
        self.fallback[...] = self.params

    def callbacks_stop(self):
        """After a record: let the callbacks see it; whether one asks to stop
        (always False without callbacks)."""
        return self.monitor is not None and self.monitor.step(self.params)


def callback_message(n_iter, what):
    """The warning of a fit that a callback stopped."""
    return f"A callback stopped training after {n_iter} {what}(s), before it converged."
