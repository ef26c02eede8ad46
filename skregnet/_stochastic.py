"""Mini-batch training (``sgd``, ``adam``), in three named steps.

- ``Batches``: the mini-batches of an epoch (shuffled rows gathered into
  reused buffers, their normalized sample weights, dropout masks);
- ``ProximalStep``: one update, the optimizer's step on the smooth part of
  the objective, then the penalty's prox and the constraints' projections;
- ``StochasticRun.end_epoch``: record the epoch, score it, apply the
  stopping rule.

``StochasticRun.run`` is the loop over epochs, as ``MLPClassifier``'s: the
learning-rate schedules, the ``alpha_schedule``, divergence (the epoch is
rolled back to the last weights with a finite loss) and ``KeyboardInterrupt``
(the weights so far are kept).
"""

import math

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import gen_batches

from skregnet._training import normalized
from skregnet._utils import diverged_warning, warn


def dropout_masks(rng, n, hidden_units, dropout, dtype, out=None):
    """Inverted-dropout masks: kept units are scaled by 1 / (1 - dropout).

    ``out``, optional work arrays of shape ``(n, units)``, receive the masks.
    """
    keep = dtype.type(1.0 / (1.0 - dropout))
    if out is None:
        out = [None] * len(hidden_units)
    return [
        np.multiply(rng.random_sample((n, u)) >= dropout, keep, out=buf)
        for u, buf in zip(hidden_units, out, strict=True)
    ]


class Batches:
    """The mini-batches of one epoch, as ``(X, Y, sw, weight, masks)``.

    ``sw`` are the batch's sample weights normalized to sum to one,
    ``weight`` their raw sum (to average the epoch's loss), ``masks`` the
    dropout masks of the hidden layers (``None`` without dropout). A batch
    whose weights are all zero is skipped. When one batch holds every row,
    the data is used as it is: no copies, no pointless shuffling.
    """

    def __init__(self, data, batch_size, dtype, *, shuffle, rng, dropout, hidden_units):
        self.data, self.dtype, self.rng = data, dtype, rng
        self.batch_size, self.shuffle = batch_size, shuffle
        self.n_samples = data.n_samples
        self.full = batch_size >= self.n_samples
        # normalized weights of the whole set; raises if they are all zero
        self.sw_full = data.normalized_weights(dtype)
        self.weight_total = data.weight_total
        self.sample_idx = np.arange(self.n_samples)
        self.dropout, self.hidden_units = dropout, hidden_units
        if dropout:
            self._mask_bufs = [np.empty((batch_size, u), dtype) for u in hidden_units]
        if not self.full:
            self._allocate()

    def _allocate(self):
        # work arrays for a batch's rows, filled by np.take(..., mode="clip"),
        # which writes into them directly (mode="raise" would buffer a copy)
        X, Y, sw, size = (
            self.data.X,
            self.data.Y,
            self.data.sample_weight,
            self.batch_size,
        )
        if not sp.issparse(X):
            self._X_buf = np.empty((size, X.shape[1]), dtype=self.dtype)
        self._Y_buf = np.empty((size, Y.shape[1]), dtype=self.dtype)
        if sw is not None:
            self._sw_buf = np.empty(size, dtype=sw.dtype)
            self._swb_buf = np.empty(size, dtype=self.dtype)
        self._uniform = {}  # batch size -> its uniform normalized weights

    def __iter__(self):
        if self.shuffle and not self.full:
            self.rng.shuffle(self.sample_idx)
        for batch in gen_batches(self.n_samples, self.batch_size):
            if self.full:
                X, Y, sw, weight = (
                    self.data.X,
                    self.data.Y,
                    self.sw_full,
                    self.weight_total,
                )
            else:
                X, Y, sw, weight = self._gather(self.sample_idx[batch])
                if weight == 0:
                    continue
            masks = None
            if self.dropout:
                n = X.shape[0]
                masks = dropout_masks(
                    self.rng,
                    n,
                    self.hidden_units,
                    self.dropout,
                    self.dtype,
                    out=[buf[:n] for buf in self._mask_bufs],
                )
            yield X, Y, sw, weight, masks

    def _gather(self, idx):
        """The rows ``idx``, in the work arrays."""
        m, data = idx.shape[0], self.data
        if sp.issparse(data.X):
            X = data.X[idx]
        else:
            X = np.take(data.X, idx, axis=0, out=self._X_buf[:m], mode="clip")
        Y = np.take(data.Y, idx, axis=0, out=self._Y_buf[:m], mode="clip")
        if data.sample_weight is None:
            sw = self._uniform.get(m)
            if sw is None:
                sw = self._uniform[m] = normalized(None, m, self.dtype)
            return X, Y, sw, m
        raw = np.take(data.sample_weight, idx, out=self._sw_buf[:m], mode="clip")
        weight = float(raw.sum())
        # = normalized(raw, m, dtype), into a work array
        return X, Y, np.divide(raw, weight, out=self._swb_buf[:m]), weight


class ProximalStep:
    """One update of ``params`` from the data term's gradient ``grad``.

    Adds the penalty's smooth gradient, takes the optimizer's step, then
    applies the penalty's prox with the optimizer's step size (exact zeros)
    and the constraints' projections, telling the optimizer how far they
    moved the weights (``before_correction`` / ``after_correction``).
    """

    def __init__(self, penalty, optimizer, constraints, params, layout):
        self.penalty, self.optimizer, self.constraints = penalty, optimizer, constraints
        self.w = params[: layout.n_coef]
        self.coefs = layout.coefs(params)
        self.has_prox = penalty.has_prox
        self.corrects = self.has_prox or constraints.active

    def __call__(self, params, grad, alpha_t):
        w = self.w
        self.penalty.add_smooth_grad(w, alpha_t, grad[: w.size])
        step = self.optimizer.step(params, grad)
        if self.corrects:
            self.optimizer.before_correction(w)
            if self.has_prox:
                self.penalty.prox(w, step, alpha_t)
            self.constraints.project(self.coefs, w)
            self.optimizer.after_correction(w)

    def project(self):
        """Apply the constraints alone (they hold from the first weights)."""
        self.constraints.project(self.coefs, self.w)


class StochasticRun:
    """One ``fit`` of a stochastic solver (see ``skregnet._solvers``)."""

    def __init__(
        self,
        problem,
        params,
        train,
        config,
        stopping,
        history,
        *,
        optimizer,
        rng,
        validation,
    ):
        self.problem, self.params, self.config = problem, params, config
        self.stopping, self.history = stopping, history
        self.optimizer, self.validation = optimizer, validation
        layout = problem.network.layout
        self.batches = Batches(
            train,
            config.batch_size,
            params.dtype,
            shuffle=config.shuffle,
            rng=rng,
            dropout=config.dropout,
            hidden_units=layout.layer_units[1:-1],
        )
        self.step = ProximalStep(
            problem.penalty, optimizer, config.constraints, params, layout
        )
        self.grad = np.empty_like(params)
        self.last_good = params.copy()
        self.floor = problem.network.loss.floor(train.Y, self.batches.sw_full)

    def run(self):
        """The epochs, until the stopping rule, ``max_iter`` or a failure."""
        params, config, history = self.params, self.config, self.history
        self.step.project()
        try:
            for _ in range(config.max_iter):
                alpha_t = self.problem.alpha_at(history, self.floor)
                data_loss = self.epoch(alpha_t)
                if data_loss is None or not np.isfinite(params).all():
                    epoch = len(history.loss_curve) + 1
                    self.roll_back(f"non-finite loss in epoch {epoch}")
                    break
                penalty_value = self.problem.penalty.value(self.step.w, alpha_t)
                if not math.isfinite(penalty_value):
                    self.roll_back("the weights overflowed")
                    break
                if self.end_epoch(alpha_t, data_loss, penalty_value):
                    break
                if config.incremental:
                    break
                if history.n_iter == config.max_iter:
                    warn(
                        f"Stochastic Optimizer: Maximum iterations ({config.max_iter}) "
                        "reached and the optimization hasn't converged yet. Increase "
                        "`max_iter` or `learning_rate_init`.",
                        ConvergenceWarning,
                    )
        except KeyboardInterrupt:
            warn("Training interrupted by user.")
            if not np.isfinite(params).all():
                params[...] = self.last_good
        if self.stopping.best_params is not None:
            params[...] = self.stopping.best_params

    def epoch(self, alpha_t):
        """One pass over the batches; the mean data loss, or None on a
        non-finite loss (the weights are then those of the failing batch)."""
        network, params, grad = self.problem.network, self.params, self.grad
        accumulated = 0.0
        for X, Y, sw, weight, masks in self.batches:
            loss, _ = network.loss_grad(params, X, Y, sw, grad, masks=masks)
            if not math.isfinite(loss):
                return None
            # these weights gave a finite loss: the ones to fall back to
            self.last_good[...] = params
            accumulated += loss * weight
            self.step(params, grad, alpha_t)
        return accumulated / self.batches.weight_total

    def end_epoch(self, alpha_t, data_loss, penalty_value):
        """Record the epoch, score it, apply the stopping rule; whether to stop."""
        config, history, stopping = self.config, self.history, self.stopping
        history.record(
            alpha_t,
            data_loss,
            penalty_value,
            n_samples=self.batches.n_samples,
            verbose=config.verbose,
        )
        if self.validation is not None:
            score = self.validation.evaluate(self.problem.network, self.params)
            history.record_validation(score, config.verbose)
            stopping.observe_score(score, self.params, config.tol)
        else:
            # R(w): the penalty without its alpha, to re-score this epoch
            penalty = self.problem.penalty
            reg = (
                penalty_value / alpha_t if alpha_t else penalty.value(self.step.w, 1.0)
            )
            stopping.observe_loss(data_loss, reg, alpha_t, history.loss, config.tol)
        self.optimizer.iteration_ends(history.t)
        if stopping.exhausted(config.n_iter_no_change):
            msg = stopping.message(config.tol, config.n_iter_no_change)
            if self.optimizer.trigger_stopping(msg, config.verbose):
                return True
            stopping.no_improvement_count = 0
        return False

    def roll_back(self, what):
        """Back to the last weights with a finite loss, and say so."""
        self.params[...] = self.last_good
        diverged_warning(self.optimizer.name.lower(), what)
