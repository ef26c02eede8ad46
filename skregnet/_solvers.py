"""Training loops: mini-batch (``sgd``/``adam``) and full-batch (``lbfgs``).

Each solver minimizes SPEC §1's objective ``J = data_mean + alpha_t * R(W)``
over the flat parameter buffer ``problem.params`` (updated in place) and
records the estimator's training curves. The penalty's smooth part enters the
gradient; its nonsmooth part is handled exactly:

- ``sgd``/``adam``: a proximal step after every update (soft-thresholding or
  group soft-thresholding with the optimizer's step size);
- ``lbfgs`` with no penalty, L2, L1 or elastic net: L-BFGS-B, L1 through the
  bound-constrained split ``w = w+ - w-`` (``w+, w- >= 0``), ``weight_clip``
  through the bounds;
- ``lbfgs`` with group lasso or ``max_norm``, which are not box constraints:
  an accelerated proximal-gradient method (FISTA with backtracking and
  adaptive restart, Beck & Teboulle 2009; O'Donoghue & Candes 2015).
"""

import math
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import gen_batches

from skregnet import _constraints
from skregnet._network import Network
from skregnet._optimizers import make_optimizer
from skregnet._penalties import Penalty
from skregnet._utils import warn


@dataclass
class Problem:
    """What a solver needs: the network, the penalty, the data, the buffer."""

    network: Network
    penalty: Penalty
    params: np.ndarray
    rng: Any
    schedule: Any

    @property
    def n_coef(self):
        return self.network.layout.n_coef


def _normalized(sample_weight, n, dtype):
    """Sample weights summing to one (uniform when ``None``)."""
    if sample_weight is None:
        return np.full(n, 1.0 / n, dtype=dtype)
    total = sample_weight.sum()
    if total <= 0:
        raise ValueError("The sample weights must not all be zero.")
    return (sample_weight / total).astype(dtype, copy=False)


def _diverged_warning(solver, what):
    warn(
        f"The {solver} solver diverged ({what}): training stopped and the last "
        "weights with a finite loss were kept. Lower `learning_rate_init`, "
        "scale the input features (e.g. with StandardScaler) or increase "
        "`alpha`.",
        ConvergenceWarning,
    )


def _record_epoch(est, alpha_t, data_loss, penalty_value):
    est.alpha_curve_.append(float(alpha_t))
    est.data_loss_curve_.append(float(data_loss))
    est.loss_curve_.append(float(data_loss + penalty_value))
    est.loss_ = est.loss_curve_[-1]


def fit_stochastic(est, problem, X, Y, sample_weight, incremental):
    """Mini-batch proximal SGD / Adam over epochs, as ``MLPClassifier`` does.

    Handles shuffling, early stopping on a validation split, the learning-rate
    schedules, the ``alpha_schedule``, divergence (the epoch is rolled back)
    and ``KeyboardInterrupt`` (the weights so far are kept).
    """
    params, penalty, network = problem.params, problem.penalty, problem.network
    n_coef = problem.n_coef
    dtype = params.dtype
    w = params[:n_coef]
    coefs = network.layout.coefs(params)
    if not incremental or not hasattr(est, "_optimizer"):
        est._optimizer = make_optimizer(est, params.size, n_coef, dtype)
    optimizer = est._optimizer

    early_stopping = est.early_stopping
    if early_stopping:
        stratify = Y if est._stratify_validation() else None
        arrays = (X, Y) if sample_weight is None else (X, Y, sample_weight)
        split = train_test_split(
            *arrays,
            random_state=problem.rng,
            test_size=est.validation_fraction,
            stratify=stratify,
        )
        X, X_val, Y, Y_val = split[:4]
        sample_weight, sw_val = (None, None) if sample_weight is None else split[4:]
        if X_val.shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset."
            )
        y_val = est._decode(Y_val)

    n_samples = X.shape[0]
    batch_size = est._batch_size(n_samples)
    sw_total = n_samples if sample_weight is None else float(sample_weight.sum())
    # normalized weights of the whole (training) set; raises if they are all 0
    w_full = _normalized(sample_weight, n_samples, dtype)
    sample_idx = np.arange(n_samples)
    # the whole data set is one batch: no copies, no pointless shuffling
    full_batch = batch_size >= n_samples
    if not full_batch:
        # work arrays for a batch's rows, filled by np.take(..., mode="clip"),
        # which writes into them directly (mode="raise" would buffer a copy)
        if not sp.issparse(X):
            X_buf = np.empty((batch_size, X.shape[1]), dtype=dtype)
        Y_buf = np.empty((batch_size, Y.shape[1]), dtype=dtype)
        if sample_weight is not None:
            sw_buf = np.empty(batch_size, dtype=sample_weight.dtype)
            wb_buf = np.empty(batch_size, dtype=dtype)
        uniform = {}  # batch size -> its uniform normalized weights
    grad = np.empty_like(params)
    last_good = params.copy()
    dropout = est.dropout
    hidden_units = network.layout.layer_units[1:-1]
    if dropout:
        mask_bufs = [np.empty((batch_size, u), dtype=dtype) for u in hidden_units]

    # a prox or a projection moves the weights after the optimizer's step
    corrects = penalty.has_prox or _constraints.is_active(est)
    # the constraints hold from the start, also if training stops at once
    _constraints.project(est, coefs, w)
    loss_floor = network.loss.floor(Y, w_full)
    est.n_iter_ = 0
    try:
        for _ in range(est.max_iter):
            # a Python float: a NumPy float64 alpha (say from np.logspace) would
            # turn the penalty's float32 arithmetic into float64 (NEP 50)
            alpha_t = float(
                problem.schedule(
                    len(est.alpha_curve_), est.data_loss_curve_, est.alpha, loss_floor
                )
            )
            diverged = False
            if est.shuffle and not full_batch:
                problem.rng.shuffle(sample_idx)
            accumulated = 0.0
            for batch in gen_batches(n_samples, batch_size):
                if full_batch:
                    Xb, Yb, wb, batch_weight = X, Y, w_full, sw_total
                else:
                    idx = sample_idx[batch]
                    m = idx.shape[0]
                    if sp.issparse(X):
                        Xb = X[idx]
                    else:
                        Xb = np.take(X, idx, axis=0, out=X_buf[:m], mode="clip")
                    Yb = np.take(Y, idx, axis=0, out=Y_buf[:m], mode="clip")
                    if sample_weight is None:
                        batch_weight = m
                        wb = uniform.get(m)
                        if wb is None:
                            wb = uniform[m] = _normalized(None, m, dtype)
                    else:
                        swb = np.take(sample_weight, idx, out=sw_buf[:m], mode="clip")
                        batch_weight = float(swb.sum())
                        if batch_weight == 0:
                            continue
                        # = _normalized(swb, m, dtype), into a work array
                        wb = np.divide(swb, batch_weight, out=wb_buf[:m])
                masks = None
                if dropout:
                    masks = _dropout_masks(
                        problem.rng,
                        Xb.shape[0],
                        hidden_units,
                        dropout,
                        dtype,
                        out=[buf[: Xb.shape[0]] for buf in mask_bufs],
                    )
                loss, _ = network.loss_grad(params, Xb, Yb, wb, grad, masks=masks)
                if not math.isfinite(loss):
                    diverged = True
                    break
                # these weights gave a finite loss: the ones to fall back to
                last_good[...] = params
                accumulated += loss * batch_weight
                penalty.add_smooth_grad(w, alpha_t, grad[:n_coef])
                step = optimizer.step(params, grad)
                if corrects:
                    optimizer.before_correction(w)
                    if penalty.has_prox:
                        penalty.prox(w, step, alpha_t)
                    _constraints.project(est, coefs, w)
                    optimizer.after_correction(w)

            data_loss = accumulated / sw_total
            if diverged or not np.isfinite(params).all():
                params[...] = last_good
                _diverged_warning(
                    est.solver, f"non-finite loss in epoch {len(est.loss_curve_) + 1}"
                )
                break
            penalty_value = penalty.value(w, alpha_t)
            if not math.isfinite(penalty_value):
                params[...] = last_good
                _diverged_warning(est.solver, "the weights overflowed")
                break
            _record_epoch(est, alpha_t, data_loss, penalty_value)
            est.n_iter_ += 1
            est.t_ += n_samples
            if est.verbose:
                print(f"Iteration {est.n_iter_}, loss = {est.loss_:.8f}")

            if early_stopping:
                _update_validation(est, problem, X_val, y_val, sw_val)
            else:
                # R(w): the penalty without its alpha, to re-score this epoch
                reg = penalty_value / alpha_t if alpha_t else penalty.value(w, 1.0)
                _update_training_loss(est, data_loss, reg)
            optimizer.iteration_ends(est.t_)

            if est._no_improvement_count > est.n_iter_no_change:
                what = "Validation score" if early_stopping else "Training loss"
                msg = (
                    f"{what} did not improve more than tol={est.tol:f} for "
                    f"{est.n_iter_no_change} consecutive epochs."
                )
                if optimizer.trigger_stopping(msg, est.verbose):
                    break
                est._no_improvement_count = 0
            if incremental:
                break
            if est.n_iter_ == est.max_iter:
                warn(
                    f"Stochastic Optimizer: Maximum iterations ({est.max_iter}) "
                    "reached and the optimization hasn't converged yet. Increase "
                    "`max_iter` or `learning_rate_init`.",
                    ConvergenceWarning,
                )
    except KeyboardInterrupt:
        warn("Training interrupted by user.")
        if not np.isfinite(params).all():
            params[...] = last_good

    if early_stopping and est._best_params is not None:
        params[...] = est._best_params


def _dropout_masks(rng, n, hidden_units, dropout, dtype, out=None):
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


def _update_validation(est, problem, X_val, y_val, sw_val):
    y_pred = est._decode(problem.network.predict(problem.params, X_val))
    score = est._score_fn(y_val, y_pred, sample_weight=sw_val)
    est.validation_scores_.append(float(score))
    if est.verbose:
        print(f"Validation score: {score:f}")
    if score < est.best_validation_score_ + est.tol:
        est._no_improvement_count += 1
    else:
        est._no_improvement_count = 0
    if score > est.best_validation_score_:
        est.best_validation_score_ = float(score)
        est._best_params = problem.params.copy()


def _update_training_loss(est, data_loss, reg):
    """``MLPClassifier``'s no-improvement rule on J, comparing like with like.

    An ``alpha_schedule`` changes J from epoch to epoch: a J that grew only
    because alpha_t grew (``inverse_loss``) is no reason to stop. So the best
    epoch so far is re-scored with this epoch's alpha_t, as data_b + alpha_t *
    R(w_b). With a constant alpha this is ``best_loss_``, the usual rule.
    """
    alpha_t, loss = est.alpha_curve_[-1], est.loss_curve_[-1]
    best = getattr(est, "_best_terms", None)  # (data, R, alpha, J) of the best
    if best is None:
        best_now = est.best_loss_
    elif best[2] == alpha_t:
        best_now = best[3]
    else:
        best_now = best[0] + alpha_t * best[1]
    if loss > best_now - est.tol:
        est._no_improvement_count += 1
    else:
        est._no_improvement_count = 0
    if loss < best_now:
        est._best_terms = (data_loss, reg, alpha_t, loss)
    est.best_loss_ = min(est.best_loss_, loss)


@contextmanager
def _scipy_blas_single_threaded():
    """Run scipy's own BLAS on one thread, numpy's untouched.

    numpy and scipy wheels each bundle an OpenBLAS with its own thread pool.
    Around L-BFGS-B the two pools alternate and their spinning threads fight
    over the cores, which can make a fit several times slower (measured on 2
    cores: ``MLPClassifier``'s lbfgs 4 to 15 times). L-BFGS-B's own BLAS work
    is tiny (vectors of the size of the parameters), so scipy's pool (every
    BLAS that is not numpy's, see ``_non_numpy_blas``) gets one thread and
    numpy keeps its threads for the network's products.

    Nested and concurrent fits (threads of a grid search) share one limit: the
    first to enter saves the thread counts, the last to leave restores them.
    """
    global _blas_limit_depth
    with _blas_limit_lock:
        libs = _non_numpy_blas()
        if _blas_limit_depth == 0:
            _blas_limit_saved[:] = [lib.num_threads for lib in libs]
            for lib in libs:
                lib.set_num_threads(1)
        _blas_limit_depth += 1
    try:
        yield
    finally:
        with _blas_limit_lock:
            _blas_limit_depth -= 1
            if _blas_limit_depth == 0:
                for lib, n in zip(libs, _blas_limit_saved, strict=True):
                    lib.set_num_threads(n)


_blas_limit_lock = threading.Lock()
_blas_limit_depth = 0
_blas_limit_saved = []
_non_numpy_blas_cache = []


def _non_numpy_blas():
    """threadpoolctl controllers of the BLAS libraries that are not numpy's.

    Told apart by where they live: pip wheels bundle them in
    ``site-packages/<package>.libs`` (Linux, Windows) or ``<package>/.dylibs``
    (macOS). The library names do not help: numpy's is also called
    ``libscipy_openblas64_``. When numpy has a bundled BLAS, every other one
    (scipy's, or a system one scipy links to) is not numpy's; otherwise only
    scipy's bundled one is taken, so a BLAS that numpy and scipy share (conda,
    Linux distributions) is never limited: with one pool there is no fight.
    Found once (``ThreadpoolController()`` takes a millisecond or more).
    """
    if not _non_numpy_blas_cache:
        import os

        import scipy
        from threadpoolctl import ThreadpoolController

        def inside(lib, package):
            root = os.path.realpath(os.path.dirname(package.__file__))
            path = os.path.realpath(lib.filepath)
            return path.startswith((root + os.sep, root + ".libs" + os.sep))

        blas = [
            lib
            for lib in ThreadpoolController().lib_controllers
            if lib.user_api == "blas"
        ]
        numpy_bundles = any(inside(lib, np) for lib in blas)
        _non_numpy_blas_cache.append(
            [
                lib
                for lib in blas
                if inside(lib, scipy) or (numpy_bundles and not inside(lib, np))
            ]
        )
    return _non_numpy_blas_cache[0]


class _FullBatchObjective:
    """J and its gradient at a flat parameter vector, over the whole data set."""

    def __init__(self, est, problem, X, Y, sample_weight):
        self.problem, self.X, self.Y = problem, X, Y
        self.w = _normalized(sample_weight, X.shape[0], problem.params.dtype)
        self.alpha = est.alpha
        self.grad = np.empty_like(problem.params)
        self.n_evals = 0

    def smooth(self, params):
        """(data loss, smooth part of J, its gradient in ``self.grad``)."""
        p, n_coef = self.problem, self.problem.n_coef
        self.n_evals += 1
        data, _ = p.network.loss_grad(params, self.X, self.Y, self.w, self.grad)
        w = params[:n_coef]
        p.penalty.add_smooth_grad(w, self.alpha, self.grad[:n_coef])
        return data, data + p.penalty.smooth_value(w, self.alpha), self.grad


def fit_lbfgs(est, problem, X, Y, sample_weight):
    """Full-batch fit: L-BFGS-B, or FISTA when the penalty needs it."""
    objective = _FullBatchObjective(est, problem, X, Y, sample_weight)
    est.n_iter_ = 0
    penalty = problem.penalty
    # L-BFGS-B handles box constraints only: L1 (split), weight_clip (bounds)
    nonseparable = penalty.has_prox and not penalty.separable_l1 and est.alpha > 0
    box = not nonseparable and est.max_norm is None
    with _scipy_blas_single_threaded():
        if box:
            _lbfgsb(est, problem, objective)
        else:
            _fista(est, problem, objective)


def _interrupted():
    warn("Training interrupted by user.")


def _lbfgsb(est, problem, objective):
    params, n_coef = problem.params, problem.n_coef
    penalty, alpha = problem.penalty, est.alpha
    l1 = penalty.l1_weight(alpha)
    split = l1 > 0
    clip = np.inf if est.weight_clip is None else est.weight_clip
    n_int = params.size - n_coef
    if split:
        w = params[:n_coef].astype(float)
        x0 = np.concatenate([np.maximum(w, 0), np.maximum(-w, 0), params[n_coef:]])
        bounds = [(0, clip)] * (2 * n_coef) + [(None, None)] * n_int
    else:
        x0 = params.astype(float)
        bounds = None
        if est.weight_clip is not None:
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
        _record_epoch(est, alpha, memo["data"], penalty.value(params[:n_coef], alpha))
        est.n_iter_ += 1
        if est.verbose:
            print(f"Iteration {est.n_iter_}, loss = {est.loss_:.8f}")

    try:
        result = minimize(
            fun,
            x0,
            method="L-BFGS-B",
            jac=True,
            bounds=bounds,
            callback=callback,
            options={
                "maxiter": est.max_iter,
                "maxfun": est.max_fun,
                "gtol": est.tol,
                # a tiny tol also asks for a tiny relative decrease (scipy: 2.2e-9)
                "ftol": min(est.tol**2, 2.2e-9),
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
            _diverged_warning("lbfgs", "non-finite objective")
    to_params(x)
    if split:
        w = params[:n_coef]
        # a weight whose two halves are equal is exactly zero, not 1e-17
        w[x[:n_coef] == x[n_coef : 2 * n_coef]] = 0
        # L-BFGS-B stops once a variable is within tol of its bound, so a
        # warm start can leave weights of size < tol where 0 is optimal
        # (|smooth gradient| <= the L1 weight): put them at their bound
        grad = objective.smooth(params)[2][:n_coef]
        w[(np.abs(w) <= est.tol) & (np.abs(grad) <= l1)] = 0
    # the last record is J at the weights returned
    data = objective.smooth(params)[0]
    if est.n_iter_:
        for curve in (est.alpha_curve_, est.data_loss_curve_, est.loss_curve_):
            curve.pop()
    _record_epoch(est, alpha, data, penalty.value(params[:n_coef], alpha))
    if result is not None and result.status != 0:
        warn(
            f"lbfgs failed to converge after {result.nit} iteration(s) "
            f"({result.message}). Increase `max_iter` (now {est.max_iter}) or "
            f"`max_fun` (now {est.max_fun}), or scale the data.",
            ConvergenceWarning,
        )


def _fista(est, problem, objective):
    """Accelerated proximal gradient for nonseparable penalties / max_norm."""
    params, n_coef, penalty = problem.params, problem.n_coef, problem.penalty
    alpha = est.alpha

    def prox_project(x, step):
        penalty.prox(x[:n_coef], step, alpha)
        _constraints.project(est, problem.network.layout.coefs(x), x[:n_coef])
        return x

    prox_project(params, 0.0)
    x = params.copy()
    y = x.copy()
    _, f_y, g = objective.smooth(y)
    F_x = f_y + penalty.nonsmooth_value(x[:n_coef], alpha)
    lipschitz, t = 1.0, 1.0
    converged = False
    try:
        for _ in range(est.max_iter):
            g_y = g.copy()
            while True:
                params[...] = y - g_y / lipschitz
                prox_project(params, 1.0 / lipschitz)
                diff = params - y
                data_new, f_new, g = objective.smooth(params)
                bound = f_y + g_y @ diff + 0.5 * lipschitz * (diff @ diff)
                if (
                    f_new <= bound + 1e-12 * abs(f_y)
                    or objective.n_evals >= est.max_fun
                ):
                    break
                lipschitz *= 2.0
            F_new = f_new + penalty.nonsmooth_value(params[:n_coef], alpha)
            if not np.isfinite(F_new):
                params[...] = x
                _diverged_warning("lbfgs", "non-finite objective")
                break
            if F_new > F_x:  # adaptive restart: drop the momentum
                t = 1.0
            gradient_mapping = lipschitz * np.max(np.abs(diff), initial=0.0)
            relative_change = (F_x - F_new) / max(abs(F_new), abs(F_x), 1.0)
            t_next = 0.5 * (1 + math.sqrt(1 + 4 * t * t))
            y = params + ((t - 1) / t_next) * (params - x)
            x[...] = params
            t, F_x = t_next, F_new
            _record_epoch(est, alpha, data_new, F_new - data_new)
            est.n_iter_ += 1
            if est.verbose:
                print(f"Iteration {est.n_iter_}, loss = {est.loss_:.8f}")
            # as L-BFGS-B's ftol: a tiny tol also asks for a tiny decrease
            ftol = min(est.tol**2, 2.2e-9)
            if gradient_mapping <= est.tol or 0 <= relative_change <= ftol:
                converged = True
                break
            if objective.n_evals >= est.max_fun:
                break
            _, f_y, g = objective.smooth(y)
            lipschitz *= 0.9
    except KeyboardInterrupt:
        _interrupted()
        converged = True
    params[...] = x
    if not converged:
        warn(
            f"lbfgs (proximal gradient) failed to converge after {est.n_iter_} "
            f"iteration(s). Increase `max_iter` (now {est.max_iter}) or "
            f"`max_fun` (now {est.max_fun}), or scale the data.",
            ConvergenceWarning,
        )
