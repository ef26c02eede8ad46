"""The solver contract: what a training run is given and what it leaves.

The estimator builds these once per ``fit`` from its parameters and its
fitted state; the solvers (``skregnet._solvers``) read and update them and
know nothing of the estimator:

- ``Problem``: the objective, ``J = data_mean + alpha_t * R(W)`` (network,
  loss, penalty, alpha and its schedule);
- ``Dataset``: the training rows, and ``Validation``, the held-out ones;
- ``TrainConfig``: how long and how to train (frozen);
- ``StoppingRule``: the no-improvement rule's state (best loss or score, the
  best weights, the count of epochs without improvement);
- ``History``: the curves and counters, with one ``record`` method.

The estimator then writes its fitted attributes from ``History`` and
``StoppingRule`` in one place (``BaseRegMLP._store``). A regularization path
passes a changed ``TrainConfig`` and a fresh ``StoppingRule`` for each point.
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
                len(history.alpha_curve), history.data_loss_curve, self.alpha, floor
            )
        )


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
        """The validation score of the network at ``params``."""
        output = network.predict(params, self.data.X)
        return float(self.score(output, self.data.sample_weight))


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


@dataclass
class History:
    """The training curves and counters, continued across warm starts.

    ``n_iter`` counts this fit's epochs (or iterations), ``t`` the samples
    seen over the whole training, as ``MLPClassifier``'s ``n_iter_`` and
    ``t_``.
    """

    loss_curve: list = field(default_factory=list)
    data_loss_curve: list = field(default_factory=list)
    alpha_curve: list = field(default_factory=list)
    validation_scores: list | None = None
    n_iter: int = 0
    t: int = 0

    @property
    def loss(self):
        """J at the last record."""
        return self.loss_curve[-1]

    def record(self, alpha_t, data_loss, penalty_value, *, n_samples=0, verbose=False):
        """One more epoch (or iteration): its alpha, data loss and penalty."""
        self._append(alpha_t, data_loss, penalty_value)
        self.n_iter += 1
        self.t += n_samples
        if verbose:
            print(f"Iteration {self.n_iter}, loss = {self.loss:.8f}")

    def amend(self, alpha_t, data_loss, penalty_value):
        """Replace the last record (appended when this fit has none) by the
        values at the weights the fit returns, without counting an epoch."""
        if self.n_iter:
            for curve in (self.alpha_curve, self.data_loss_curve, self.loss_curve):
                curve.pop()
        self._append(alpha_t, data_loss, penalty_value)

    def record_validation(self, score, verbose=False):
        """The validation score of the last epoch."""
        if self.validation_scores is None:
            self.validation_scores = []
        self.validation_scores.append(float(score))
        if verbose:
            print(f"Validation score: {score:f}")

    def _append(self, alpha_t, data_loss, penalty_value):
        self.alpha_curve.append(float(alpha_t))
        self.data_loss_curve.append(float(data_loss))
        self.loss_curve.append(float(data_loss + penalty_value))
