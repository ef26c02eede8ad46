"""Mini-batch training (``sgd``, ``adam``), in three named steps.

- ``Batches``: the mini-batches of an epoch (shuffled rows gathered into
  reused buffers, their normalized sample weights, dropout masks);
- ``ProximalStep``: one update, the optimizer's step on the smooth part of
  the objective, then the penalty's prox and the constraints' projections;
- ``StochasticRun.end_epoch``: record the epoch, score it, apply the
  stopping rule.

``StochasticRun.fit`` is the loop over epochs, as ``MLPClassifier``'s: the
learning-rate schedules, the ``alpha_schedule``, divergence (a non-finite
or exploding loss: the epoch is rolled back to the end of the last good
one). How the fit ended is left in the ``History`` for the estimator, which
warns; a ``KeyboardInterrupt`` is handled there too.
"""

import math

import numpy as np
import scipy.sparse as sp
from sklearn.utils import gen_batches

from skregnet._training import callback_message, normalized
from skregnet._utils import CHUNK_ROWS, diverged_message, row_chunks, unscaled_hint


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
        # without a prox the optimizer's step size is not needed
        skip = not self.has_prox and optimizer.skips_step_size
        self.step_kwargs = {"step_size": False} if skip else {}

    def __call__(self, params, grad, alpha_t):
        w = self.w
        self.penalty.add_smooth_grad(w, alpha_t, grad[: w.size])
        step = self.optimizer.step(params, grad, **self.step_kwargs)
        if self.corrects:
            self.optimizer.before_correction(w)
            if self.has_prox:
                self.penalty.prox(w, step, alpha_t)
            self.constraints.project(self.coefs, w)
            self.optimizer.after_correction(w)

    def project(self):
        """Apply the constraints alone (they hold from the first weights)."""
        self.constraints.project(self.coefs, self.w)


#: a fit whose best J is worse than the constant model's by more than this
#: share of that model's loss (above its floor), and by more than ``tol``, has
#: stalled: the no-improvement rule does not stop it
STALL_MARGIN = 0.01

#: an epoch whose loss (above its floor) grew to this many times the loss of
#: the fit's starting weights has diverged, even if it is still finite
DIVERGENCE_FACTOR = 100.0


class StochasticRun:
    """One ``fit`` of a stochastic solver on a ``Run`` (``skregnet._solvers``).

    ``run.fallback`` holds the last weights whose loss was finite and sane
    (measured on a batch, before its step): what a diverged fit rolls back
    to. A loss is insane when it exceeds ``DIVERGENCE_FACTOR`` times the
    loss of the fit's starting weights (both above their floor).
    """

    def __init__(self, run):
        self.run, problem, params = run, run.problem, run.params
        layout = problem.network.layout
        self.batches = Batches(
            run.train,
            run.config.batch_size,
            params.dtype,
            shuffle=run.config.shuffle,
            rng=run.rng,
            dropout=run.config.dropout,
            hidden_units=layout.layer_units[1:-1],
        )
        self.step = ProximalStep(
            problem.penalty, run.state, run.config.constraints, params, layout
        )
        self.grad = np.empty_like(params)
        self.floor = problem.network.loss.floor(run.train.Y, self.batches.sw_full)
        # the loss above its floor at the starting weights (on the first
        # batch), which divergence is measured by
        self.first_excess = None
        self.null_loss = None  # J of the constant model, once needed

    def fit(self):
        """The epochs, until the stopping rule, ``max_iter`` or divergence."""
        run = self.run
        config, history = run.config, run.history
        history.samples_per_record = self.batches.n_samples
        for _ in range(config.max_iter):
            alpha_t = run.problem.alpha_at(history, self.floor)
            data_loss, failure = self.epoch(alpha_t)
            failure = failure or self.failure(alpha_t)
            if failure:
                run.params[...] = run.fallback
                history.end("diverged", diverged_message(run.state.name, failure))
                break
            if self.end_epoch(alpha_t, data_loss):
                history.end("converged")
                break
            if run.callbacks_stop():
                history.end("callback", callback_message(history.n_iter, "epoch"))
                break
            if config.incremental:
                history.end("incremental")
                break
        else:
            history.end("max_iter", self.max_iter_message())
        if run.stopping.best_params is not None:
            run.params[...] = run.stopping.best_params

    def epoch(self, alpha_t):
        """One pass over the batches: ``(mean data loss, None)``, or
        ``(None, what went wrong)`` at a non-finite or exploding batch loss."""
        run, grad = self.run, self.grad
        network, params, fallback = run.problem.network, run.params, run.fallback
        accumulated, epoch = 0.0, len(run.history.records) + 1
        for X, Y, sw, weight, masks in self.batches:
            loss, _ = network.loss_grad(params, X, Y, sw, grad, masks=masks)
            if not math.isfinite(loss):
                return None, f"non-finite loss in epoch {epoch}"
            excess = loss - network.loss.floor(Y, sw)
            if self.first_excess is None:
                self.first_excess = max(excess, 1e-8)
            elif excess > DIVERGENCE_FACTOR * self.first_excess:
                return None, f"the loss grew to {loss:.3g} in epoch {epoch}"
            # these weights gave a sane loss: the ones to fall back to
            fallback[...] = params
            accumulated += loss * weight
            self.step(params, grad, alpha_t)
        return accumulated / self.batches.weight_total, None

    def failure(self, alpha_t):
        """What went wrong in the epoch's last step (non-finite or
        overflowing weights), or ``None``."""
        run = self.run
        if not np.isfinite(run.params).all():
            return f"non-finite weights in epoch {len(run.history.records) + 1}"
        if not math.isfinite(run.problem.penalty.value(run.w, alpha_t)):
            return "the weights overflowed"
        return None

    def end_epoch(self, alpha_t, data_loss):
        """Score and record the epoch, apply the stopping rule; whether to stop."""
        run = self.run
        config, history, stopping, optimizer = (
            run.config,
            run.history,
            run.stopping,
            run.state,
        )
        penalty_value = run.problem.penalty.value(run.w, alpha_t)
        score = val_loss = None
        if run.validation is not None:
            score, val_loss = run.validation.evaluate(run.problem.network, run.params)
        history.record(
            alpha_t, data_loss, penalty_value, score, config.verbose, val_loss
        )
        if score is not None:
            stopping.observe_score(score, run.params, config.tol)
        else:
            # R(w): the penalty without its alpha, to re-score this epoch
            penalty = run.problem.penalty
            reg = penalty_value / alpha_t if alpha_t else penalty.value(run.w, 1.0)
            stopping.observe_loss(data_loss, reg, alpha_t, history.loss, config.tol)
        optimizer.iteration_ends(history.t)
        if stopping.exhausted(config.n_iter_no_change):
            msg = stopping.message(config.tol, config.n_iter_no_change)
            if optimizer.trigger_stopping(msg, config.verbose) and not self.stalled(
                config.tol, config.verbose
            ):
                return True
            stopping.no_improvement_count = 0
        return False

    def constant_loss(self):
        """J of the constant model: zero weights and the output biases at the
        null prediction (the weighted mean of ``Y``, by the link)."""
        if self.null_loss is None:
            loss, Y = self.run.problem.network.loss, self.run.train.Y
            sw = self.batches.sw_full
            null = loss.null_prediction(Y, sw)
            # over row chunks, as every pass over the data: no n-long copies
            self.null_loss = sum(
                loss.value(Y[rows], np.tile(null, (Y[rows].shape[0], 1)), sw[rows])
                for _, rows in row_chunks(Y, CHUNK_ROWS)
            )
        return self.null_loss

    def stalled(self, tol, verbose=False):
        """Whether the best J so far is clearly worse than the constant model's.

        Zero weights reach the constant model's J whatever the penalty,
        dropout, constraints or alpha, so no minimum is worse: a fit whose
        loss did not improve there is oscillating far from one (as unscaled
        inputs make it), not converging, and goes on. Not checked on a
        validation score (``early_stopping``), nor when a constant fits the
        targets to within ``tol`` (one class, one sample: the biases only
        approach it as they grow without bound).
        """
        stopping = self.run.stopping
        if stopping.on_validation:
            return False
        null = self.constant_loss()
        if null - self.floor <= tol:
            return False
        margin = max(tol, STALL_MARGIN * (null - self.floor))
        stalled = stopping.best_loss > null + margin
        if stalled and verbose:
            print("The training loss is worse than a constant prediction's: going on.")
        return stalled

    def max_iter_message(self):
        """The warning of a fit that reached ``max_iter``, saying what to change."""
        run = self.run
        message = (
            f"Stochastic Optimizer: Maximum iterations ({run.config.max_iter}) "
            "reached and the optimization hasn't converged yet. Increase "
            "`max_iter` or `learning_rate_init`."
        )
        if self.stalled(run.config.tol):
            message += (
                f" The training loss ({run.stopping.best_loss:.3g} at best) is "
                f"still worse than a constant prediction's ({self.null_loss:.3g})."
            )
        return message + unscaled_hint(run.train.X)
