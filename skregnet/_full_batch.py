"""Full-batch training (``lbfgs``): L-BFGS-B, or FISTA where it cannot go.

Both minimize J over the whole data set at a fixed alpha. The penalty's
smooth part enters the gradient; its nonsmooth part is handled exactly:

- no penalty, L2, L1 or elastic net, with no constraint or ``weight_clip``:
  L-BFGS-B, L1 through the bound-constrained split ``w = w+ - w-``
  (``w+, w- >= 0``), ``weight_clip`` through the bounds;
- group lasso or ``max_norm``, which are not box constraints: an accelerated
  proximal-gradient method (FISTA with backtracking and adaptive restart,
  Beck & Teboulle 2009; O'Donoghue & Candes 2015).

Which one runs is decided by ``skregnet._solvers.LBFGSSolver.method``.
"""

import math

import numpy as np
from scipy.optimize import minimize
from sklearn.exceptions import ConvergenceWarning

from skregnet._utils import diverged_warning, warn


class FullBatchObjective:
    """J and its gradient at a flat parameter vector, over the whole data set."""

    def __init__(self, problem, data, params):
        self.problem, self.X, self.Y = problem, data.X, data.Y
        self.sw = data.normalized_weights(params.dtype)
        self.alpha = problem.alpha
        self.grad = np.empty_like(params)
        self.n_evals = 0

    def smooth(self, params):
        """(data loss, smooth part of J, its gradient in ``self.grad``)."""
        p, n_coef = self.problem, self.problem.n_coef
        self.n_evals += 1
        data, _ = p.network.loss_grad(params, self.X, self.Y, self.sw, self.grad)
        w = params[:n_coef]
        p.penalty.add_smooth_grad(w, self.alpha, self.grad[:n_coef])
        return data, data + p.penalty.smooth_value(w, self.alpha), self.grad


def _interrupted():
    warn("Training interrupted by user.")


def lbfgsb(problem, objective, params, config, history):
    """L-BFGS-B on J: L1 through the split ``w = w+ - w-``, ``weight_clip``
    through the bounds; stops at scipy's ``gtol = tol`` or ``ftol``."""
    n_coef = problem.n_coef
    penalty, alpha = problem.penalty, problem.alpha
    weight_clip = config.constraints.weight_clip
    l1 = penalty.l1_weight(alpha)
    split = l1 > 0
    clip = np.inf if weight_clip is None else weight_clip
    n_int = params.size - n_coef
    if split:
        w = params[:n_coef].astype(float)
        x0 = np.concatenate([np.maximum(w, 0), np.maximum(-w, 0), params[n_coef:]])
        bounds = [(0, clip)] * (2 * n_coef) + [(None, None)] * n_int
    else:
        x0 = params.astype(float)
        bounds = None
        if weight_clip is not None:
            bounds = [(-clip, clip)] * n_coef + [(None, None)] * n_int
    memo = {}

    def to_params(x):
        if split:
            params[:n_coef] = x[:n_coef] - x[n_coef : 2 * n_coef]
            params[n_coef:] = x[2 * n_coef :]
        else:
            params[...] = x
        return params

    def fun(x):
        data, smooth, g = objective.smooth(to_params(x))
        g = g.astype(float)
        if split:
            value = smooth + l1 * x[: 2 * n_coef].sum()
            g = np.concatenate([g[:n_coef] + l1, l1 - g[:n_coef], g[n_coef:]])
        else:
            value = smooth
        if not np.isfinite(value):
            return np.inf, np.zeros_like(x)
        memo["x"], memo["data"] = x.copy(), data
        return value, g

    def callback(intermediate_result):
        x = intermediate_result.x
        if "x" not in memo or not np.array_equal(x, memo["x"]):
            fun(x)  # also sets params to x
        memo["best"] = x.copy()
        # J itself, not the split's objective (equal unless w+ and w- overlap)
        history.record(
            alpha,
            memo["data"],
            penalty.value(params[:n_coef], alpha),
            verbose=config.verbose,
        )

    try:
        result = minimize(
            fun,
            x0,
            method="L-BFGS-B",
            jac=True,
            bounds=bounds,
            callback=callback,
            options={
                "maxiter": config.max_iter,
                "maxfun": config.max_fun,
                "gtol": config.tol,
                # a tiny tol also asks for a tiny relative decrease (scipy: 2.2e-9)
                "ftol": min(config.tol**2, 2.2e-9),
            },
        )
    except KeyboardInterrupt:
        _interrupted()
        result = None
    if result is None:
        x = memo.get("best", x0)
    else:
        x = result.x
        if not np.isfinite(result.fun) or not np.isfinite(x).all():
            x = memo.get("best", x0)
            diverged_warning("lbfgs", "non-finite objective")
    to_params(x)
    if split:
        w = params[:n_coef]
        # a weight whose two halves are equal is exactly zero, not 1e-17
        w[x[:n_coef] == x[n_coef : 2 * n_coef]] = 0
        # L-BFGS-B stops once a variable is within tol of its bound, so a
        # warm start can leave weights of size < tol where 0 is optimal
        # (|smooth gradient| <= the L1 weight): put them at their bound
        grad = objective.smooth(params)[2][:n_coef]
        w[(np.abs(w) <= config.tol) & (np.abs(grad) <= l1)] = 0
    # the last record is J at the weights returned
    data = objective.smooth(params)[0]
    history.amend(alpha, data, penalty.value(params[:n_coef], alpha))
    if result is not None and result.status != 0:
        warn(
            f"lbfgs failed to converge after {result.nit} iteration(s) "
            f"({result.message}). Increase `max_iter` (now {config.max_iter}) or "
            f"`max_fun` (now {config.max_fun}), or scale the data.",
            ConvergenceWarning,
        )


def fista(problem, objective, params, config, history):
    """Accelerated proximal gradient for nonseparable penalties / max_norm;
    stops when the gradient mapping is at most ``tol`` or at ``ftol``."""
    n_coef, penalty = problem.n_coef, problem.penalty
    alpha, constraints = problem.alpha, config.constraints
    layout = problem.network.layout

    def prox_project(x, step):
        penalty.prox(x[:n_coef], step, alpha)
        constraints.project(layout.coefs(x), x[:n_coef])
        return x

    prox_project(params, 0.0)
    x = params.copy()
    y = x.copy()
    _, f_y, g = objective.smooth(y)
    F_x = f_y + penalty.nonsmooth_value(x[:n_coef], alpha)
    lipschitz, t = 1.0, 1.0
    converged = False
    try:
        for _ in range(config.max_iter):
            g_y = g.copy()
            while True:
                params[...] = y - g_y / lipschitz
                prox_project(params, 1.0 / lipschitz)
                diff = params - y
                data_new, f_new, g = objective.smooth(params)
                bound = f_y + g_y @ diff + 0.5 * lipschitz * (diff @ diff)
                if (
                    f_new <= bound + 1e-12 * abs(f_y)
                    or objective.n_evals >= config.max_fun
                ):
                    break
                lipschitz *= 2.0
            F_new = f_new + penalty.nonsmooth_value(params[:n_coef], alpha)
            if not np.isfinite(F_new):
                params[...] = x
                diverged_warning("lbfgs", "non-finite objective")
                break
            if F_new > F_x:  # adaptive restart: drop the momentum
                t = 1.0
            gradient_mapping = lipschitz * np.max(np.abs(diff), initial=0.0)
            relative_change = (F_x - F_new) / max(abs(F_new), abs(F_x), 1.0)
            t_next = 0.5 * (1 + math.sqrt(1 + 4 * t * t))
            y = params + ((t - 1) / t_next) * (params - x)
            x[...] = params
            t, F_x = t_next, F_new
            history.record(alpha, data_new, F_new - data_new, verbose=config.verbose)
            # as L-BFGS-B's ftol: a tiny tol also asks for a tiny decrease
            ftol = min(config.tol**2, 2.2e-9)
            if gradient_mapping <= config.tol or 0 <= relative_change <= ftol:
                converged = True
                break
            if objective.n_evals >= config.max_fun:
                break
            _, f_y, g = objective.smooth(y)
            lipschitz *= 0.9
    except KeyboardInterrupt:
        _interrupted()
        converged = True
    params[...] = x
    if not converged:
        warn(
            f"lbfgs (proximal gradient) failed to converge after {history.n_iter} "
            f"iteration(s). Increase `max_iter` (now {config.max_iter}) or "
            f"`max_fun` (now {config.max_fun}), or scale the data.",
            ConvergenceWarning,
        )
