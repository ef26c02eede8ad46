"""Full-batch training (``lbfgs``): L-BFGS-B, or FISTA where it cannot go.

Both minimize J over the whole data set at a fixed alpha. The penalty's
smooth part enters the gradient; its nonsmooth part is handled exactly:

- no penalty, L2, L1 or elastic net, with no constraint or ``weight_clip``:
  L-BFGS-B, L1 through the bound-constrained split ``w = w+ - w-``
  (``w+, w- >= 0``), ``weight_clip`` through the bounds;
- group lasso or ``max_norm``, which are not box constraints: an accelerated
  proximal-gradient method (FISTA with backtracking and adaptive restart,
  Beck & Teboulle 2009; O'Donoghue & Candes 2015).

Which one runs is decided by ``skregnet._solvers.LBFGSSolver.method``. Both
stop only at a solution: when the **optimality residual** is at most
``tol``, or at ``max_iter`` / ``max_fun`` (or when no step makes progress),
which the estimator reports with a ConvergenceWarning. The residual is the
largest violation of the first-order (KKT) conditions: the distance of the
negative gradient of J's smooth part to ``alpha`` times the penalty's
subdifferential (``Penalty.subdiff_distance``) for each weight, the
gradient itself for each bias, and, for a weight on the boundary of the
constraints, its projected gradient ``w - P(w - g)`` (``P`` the prox, then
the projection), as scipy's ``pgtol`` measures it.
"""

import math

import numpy as np
from scipy.optimize import minimize

from skregnet._training import callback_message
from skregnet._utils import CHUNK_ROWS, diverged_message, row_chunks

#: at most this many halvings of FISTA's step before it gives up on a point
MAX_BACKTRACKS = 60


class FullBatchObjective:
    """J's smooth part and its gradient at a flat parameter vector, over the
    whole data set, ``chunk_rows`` rows at a time.

    Each chunk's data term and gradient (with the sample weights normalized
    over all the rows) are added up, so the objective is the one over all
    the rows, up to the order of summation, while the network's work arrays
    hold one chunk: the extra memory is O(chunk_rows x width), whatever the
    number of rows, and the chunks' products are still large.
    """

    def __init__(self, problem, data, params, chunk_rows=CHUNK_ROWS):
        self.problem, self.X, self.Y = problem, data.X, data.Y
        self.sw = data.normalized_weights(params.dtype)
        self.alpha = problem.alpha
        self.grad = np.empty_like(params)
        self.n_evals = 0
        self.chunk_rows = chunk_rows
        self._chunk_grad = None

    def smooth(self, params):
        """(data loss, smooth part of J, its gradient in ``self.grad``)."""
        p, n_coef = self.problem, self.problem.n_coef
        self.n_evals += 1
        data = self._data_grad(params)
        w = params[:n_coef]
        p.penalty.add_smooth_grad(w, self.alpha, self.grad[:n_coef])
        return data, data + p.penalty.smooth_value(w, self.alpha), self.grad

    def _data_grad(self, params):
        """The data term, its gradient in ``self.grad``: the sum over chunks."""
        network, Y, sw, grad = self.problem.network, self.Y, self.sw, self.grad
        if self.X.shape[0] <= self.chunk_rows:
            return network.loss_grad(params, self.X, Y, sw, grad)[0]
        if self._chunk_grad is None:
            self._chunk_grad = np.empty_like(grad)
        data = 0.0
        # chunks are sliced at each call: views of dense X, and no copy of a
        # sparse X kept beyond its chunk
        for i, (X_chunk, rows) in enumerate(row_chunks(self.X, self.chunk_rows)):
            target = grad if i == 0 else self._chunk_grad
            data += network.loss_grad(params, X_chunk, Y[rows], sw[rows], target)[0]
            if i > 0:
                grad += target
        return data


class FullBatchRun:
    """What the two methods share: the objective, the residual, records."""

    def __init__(self, run, objective=None):
        self.run, problem = run, run.problem
        if objective is None:
            objective = FullBatchObjective(problem, run.train, run.params)
        self.objective = objective
        self.penalty, self.alpha = problem.penalty, problem.alpha
        self.n_coef, self.layout = problem.n_coef, problem.network.layout
        self.config = run.config

    def prox_project(self, x, step):
        """The prox of the nonsmooth part (step ``step``), then the
        constraints' projection, applied to ``x`` in place."""
        self.penalty.prox(x[: self.n_coef], step, self.alpha)
        self.config.constraints.project(self.layout.coefs(x), x[: self.n_coef])
        return x

    def residual(self, params, grad):
        """The optimality residual at ``params`` (``grad``: the smooth part's).

        The largest KKT violation: the penalty's ``subdiff_distance`` for the
        weights, ``|grad|`` for the biases and, where a weight lies on the
        boundary of the constraints, its projected (proximal) gradient
        ``|w - P(w - grad)|`` instead.
        """
        n = self.n_coef
        w, g = params[:n], grad[:n]
        dist = self.penalty.subdiff_distance(w, g, self.alpha)
        active = self.config.constraints.active_set(self.layout.coefs(params), w)
        if active is not None and active.any():
            mapping = np.abs(params - self.prox_project(params - grad, 1.0))[:n]
            dist = np.where(active, mapping, dist)
        return max(
            float(np.max(dist, initial=0.0)),
            float(np.max(np.abs(grad[n:]), initial=0.0)),
        )

    def accept(self, data_loss):
        """Record the iterate in ``params`` and keep it as the fallback;
        whether a callback asks to stop there."""
        run = self.run
        penalty_value = self.penalty.value(run.w, self.alpha)
        run.history.record(
            self.alpha, data_loss, penalty_value, None, run.config.verbose
        )
        run.checkpoint()
        return run.callbacks_stop()

    def finish(self, stop, residual=None):
        """End on ``params`` (or the fallback, if not finite): the last record
        describes them, and the history says why the fit stopped."""
        run, config = self.run, self.config
        data, smooth, grad = self.objective.smooth(run.params)
        if not (math.isfinite(smooth) and np.isfinite(run.params).all()):
            run.params[...] = run.fallback
            stop = "diverged"
            data, smooth, grad = self.objective.smooth(run.params)
            if not math.isfinite(data):
                run.problem.check_outputs(run.params, run.train)
        run.history.amend(self.alpha, data, self.penalty.value(run.w, self.alpha))
        if residual is None and stop not in ("diverged", "interrupted"):
            residual = self.residual(run.params, grad)
        if stop != "diverged" and residual is not None and residual <= config.tol:
            stop = "converged"
        run.history.end(stop, self.message(stop, residual))

    def message(self, stop, residual):
        if stop == "converged":
            return None
        if stop == "diverged":
            return diverged_message("lbfgs", "non-finite objective")
        if stop == "callback":
            return callback_message(self.run.history.n_iter, "iteration")
        what = {
            "max_iter": f"the iteration limit max_iter={self.config.max_iter}",
            "max_fun": f"the evaluation limit max_fun={self.config.max_fun}",
            "no_progress": "a point where no step decreases the objective",
        }[stop]
        return (
            f"lbfgs ({self.name}) stopped at {what}, with an optimality residual "
            f"of {residual:.3g} > tol={self.config.tol:g}, after "
            f"{self.run.history.n_iter} iteration(s). Increase `max_iter` or "
            "`max_fun`, scale the data, or raise `tol`."
        )


class LBFGSB(FullBatchRun):
    """L-BFGS-B (scipy) on J, with L1 through the split ``w = w+ - w-``.

    scipy stops at ``gtol = tol`` on its projected gradient; when it stops
    for another reason (its line search finds no decrease, as happens at the
    kinks of ReLU networks) at a point whose residual exceeds ``tol``, the
    run restarts from there with a fresh memory, and when that makes no
    progress either, it goes on with FISTA's proximal-gradient steps, which
    always find a decrease, until the residual or the budgets say stop.
    """

    name = "L-BFGS-B"

    def __init__(self, run, objective=None):
        super().__init__(run, objective)
        self.l1 = self.penalty.l1_weight(self.alpha)
        self.split = self.l1 > 0
        clip = run.config.constraints.weight_clip
        self.bounds = self._bounds(np.inf if clip is None else clip, clip is not None)

    def _bounds(self, clip, clipped):
        n_int = self.run.params.size - self.n_coef
        if self.split:
            return [(0, clip)] * (2 * self.n_coef) + [(None, None)] * n_int
        if clipped:
            return [(-clip, clip)] * self.n_coef + [(None, None)] * n_int
        return None

    def to_x(self, params):
        if not self.split:
            return params.astype(float)
        w = params[: self.n_coef].astype(float)
        return np.concatenate(
            [np.maximum(w, 0), np.maximum(-w, 0), params[self.n_coef :]]
        )

    def to_params(self, x):
        params, n = self.run.params, self.n_coef
        if self.split:
            params[:n] = x[:n] - x[n : 2 * n]
            params[n:] = x[2 * n :]
        else:
            params[...] = x
        return params

    def fun(self, x):
        data, smooth, g = self.objective.smooth(self.to_params(x))
        g = g.astype(float)
        value = smooth
        if self.split:
            n = self.n_coef
            value += self.l1 * x[: 2 * n].sum()
            g = np.concatenate([g[:n] + self.l1, self.l1 - g[:n], g[n:]])
        if not math.isfinite(value):
            return np.inf, np.zeros_like(x)
        self.last = (x.copy(), data)
        return value, g

    def callback(self, intermediate_result):
        x = intermediate_result.x
        if not np.array_equal(x, self.last[0]):
            self.fun(x)  # sets params to x; self.last only if J is finite there
        if np.array_equal(x, self.last[0]) and self.accept(self.last[1]):
            self.stopped = True  # a callback's stop request
            raise StopIteration

    def fit(self):
        run, config = self.run, self.config
        x, self.last = self.to_x(run.params), (None, np.nan)
        self.stopped = False
        while True:
            iters, evals = config.max_iter - run.history.n_iter, config.max_fun
            result = minimize(
                self.fun,
                x,
                method="L-BFGS-B",
                jac=True,
                bounds=self.bounds,
                callback=self.callback,
                options={
                    "maxiter": iters,
                    "maxfun": max(evals - self.objective.n_evals, 1),
                    "gtol": config.tol,
                    "ftol": 0.0,  # no relative-decrease test: only gtol stops
                },
            )
            self.to_params(result.x)
            stop, residual = self.status(result)
            if stop != "no_progress":
                return self.finish(stop, residual)
            if result.nit == 0:
                # no progress from a fresh memory: proximal-gradient steps
                return FISTA(run, self.objective).fit()
            x = self.to_x(run.params)  # restart with a fresh memory

    def status(self, result):
        """Why scipy stopped, and the residual at its point (exact zeros set)."""
        if not (math.isfinite(result.fun) and np.isfinite(result.x).all()):
            return "diverged", None
        if self.split:
            # a weight whose two halves are equal is exactly zero, not 1e-17
            n, w, x = self.n_coef, self.run.w, result.x
            w[x[:n] == x[n : 2 * n]] = 0
            # L-BFGS-B lets a variable stop within its tolerance of a bound,
            # so weights of size <= tol remain where 0 is optimal (the smooth
            # gradient within the L1 weight): put them at their bound
            g = self.objective.smooth(self.run.params)[2][:n]
            w[(np.abs(w) <= self.config.tol) & (np.abs(g) <= self.l1)] = 0
        grad = self.objective.smooth(self.run.params)[2]
        residual = self.residual(self.run.params, grad)
        scipy_converged = result.status == 0 and "GRAD" in str(result.message).upper()
        if scipy_converged or residual <= self.config.tol:
            return "converged", residual
        if self.stopped:
            return "callback", residual
        if self.run.history.n_iter >= self.config.max_iter:
            return "max_iter", residual
        if self.objective.n_evals >= self.config.max_fun:
            return "max_fun", residual
        return "no_progress", residual


class FISTA(FullBatchRun):
    """Accelerated proximal gradient, for the penalties and constraints
    L-BFGS-B cannot handle: backtracking on the Lipschitz estimate, adaptive
    restart of the momentum; stops when the residual is at most ``tol``."""

    name = "FISTA"

    def fit(self):
        run, config, objective = self.run, self.config, self.objective
        params = run.params
        x = params.copy()
        y, f_y, g_y = x.copy(), *objective.smooth(x)[1:]
        F_x = f_y + self.penalty.nonsmooth_value(x[: self.n_coef], self.alpha)
        if not math.isfinite(F_x):
            return self.finish("diverged")
        self.lipschitz, t = 1.0, 1.0
        stop, residual = "max_iter", None
        while run.history.n_iter < config.max_iter:
            step = self.backtrack(y, f_y, g_y.copy())
            if step is None:
                stop = "no_progress"
                break
            data_new, F_new, grad = step
            stopped = self.accept(data_new)
            residual = self.residual(params, grad)
            if residual <= config.tol:
                stop = "converged"
                break
            if stopped:
                stop = "callback"
                break
            if objective.n_evals >= config.max_fun:
                stop = "max_fun"
                break
            t = 1.0 if F_new > F_x else t  # adaptive restart: drop the momentum
            t_next = 0.5 * (1 + math.sqrt(1 + 4 * t * t))
            y = params + ((t - 1) / t_next) * (params - x)
            x[...] = params
            t, F_x = t_next, F_new
            f_y, g_y = objective.smooth(y)[1:]
            if not math.isfinite(f_y):  # the momentum overshot: restart at x
                y, t = x.copy(), 1.0
                f_y, g_y = objective.smooth(y)[1:]
            self.lipschitz *= 0.9
        self.finish(stop, residual)

    def backtrack(self, y, f_y, g_y):
        """The proximal step from ``y`` into ``params`` whose quadratic bound
        holds; ``(data loss, J, gradient)`` there, or ``None`` if none does."""
        params, objective = self.run.params, self.objective
        for _ in range(MAX_BACKTRACKS):
            params[...] = y - g_y / self.lipschitz
            self.prox_project(params, 1.0 / self.lipschitz)
            diff = params - y
            data_new, f_new, grad = objective.smooth(params)
            bound = f_y + g_y @ diff + 0.5 * self.lipschitz * (diff @ diff)
            if f_new <= bound + 1e-12 * abs(f_y):  # False for NaN
                nonsmooth = self.penalty.nonsmooth_value(
                    params[: self.n_coef], self.alpha
                )
                return data_new, f_new + nonsmooth, grad
            if objective.n_evals >= self.config.max_fun:
                break
            self.lipschitz *= 2.0
        params[...] = self.run.fallback
        return None
