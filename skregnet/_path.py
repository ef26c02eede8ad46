"""The regularization path: one network fitted along increasing alphas.

``regmlp_path`` fits a ``RegMLPClassifier`` / ``RegMLPRegressor`` at each alpha
of a grid, from the **weakest up**, each fit warm-started from the previous
solution (as LassoNet does). A linear model's path goes the other way
(``enet_path`` starts where all coefficients are zero), but all-zero weights
are a stationary point of a network: a path started there never leaves it.

``_alpha_grid`` builds the data-driven grid used when ``alphas`` is an int,
and ``_iter_path`` is the loop shared by ``regmlp_path`` and the
cross-validated estimators of ``skregnet._cv``.
"""

import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone, is_regressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import _check_sample_weight, check_X_y

from skregnet._activations import ACTIVATIONS
from skregnet._losses import LOSSES
from skregnet._penalties import make_penalty
from skregnet._solvers import SOLVERS
from skregnet._training import CONVERGED
from skregnet._utils import warn

#: the keys of ``RegMLPCV.path_`` and of ``path_to_dict``
PATH_KEYS = (
    "alpha",
    "objective",
    "data_loss",
    "weight_norm",
    "n_zero_weights",
    "n_selected_features",
    "n_iter",
    "converged",
)


@dataclass
class PathPoint:
    """One point of a regularization path (as LassoNet's ``HistoryItem``).

    Parameters
    ----------
    alpha : float
        The penalty strength of this point.
    objective : float
        The objective J = data loss + alpha * R(W) at the point's weights, on
        the data the path was fitted on.
    data_loss : float
        The weighted mean data loss at the point's weights.
    weight_norm : float
        The Euclidean norm of all weights (every layer, biases excluded).
    n_zero_weights : int
        The number of weights that are exactly zero.
    n_selected_features : int
        The number of input features whose first-layer row is not all zero.
    selected_features : ndarray of int
        The indices of those features.
    n_iter : int
        Epochs (``lbfgs``: iterations) run by this point's fit.
    converged : bool
        Whether the fit stopped by its convergence criterion (the
        no-improvement rule of ``sgd`` / ``adam``, the optimality residual of
        ``lbfgs``), not at ``max_iter`` or by diverging.
    feature_norms : ndarray of shape (n_features,)
        The L2 norm of each input feature's first-layer weights: the
        per-feature path.
    fit_time : float
        Seconds spent fitting this point.
    coefs : list of ndarray or None
        Copies of ``coefs_`` when ``return_weights=True``, else None.
    intercepts : list of ndarray or None
        Copies of ``intercepts_`` when ``return_weights=True``, else None.

    See Also
    --------
    regmlp_path : Computes a list of these.
    """

    alpha: float
    objective: float
    data_loss: float
    weight_norm: float
    n_zero_weights: int
    n_selected_features: int
    selected_features: np.ndarray = field(repr=False)
    n_iter: int
    converged: bool = True
    feature_norms: np.ndarray = field(default=None, repr=False)
    fit_time: float = field(default=0.0, repr=False)
    coefs: list | None = field(default=None, repr=False)
    intercepts: list | None = field(default=None, repr=False)


def path_to_dict(points):
    """The scalar fields of path points as a dict of equal-length arrays.

    Parameters
    ----------
    points : list of PathPoint
        A path, as returned by :func:`regmlp_path`.

    Returns
    -------
    path : dict of ndarray
        Keys ``alpha``, ``objective``, ``data_loss``, ``weight_norm``,
        ``n_zero_weights``, ``n_selected_features``, ``n_iter``,
        ``converged``, one entry per point, so ``pandas.DataFrame(path)`` is
        a table.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skregnet._path import path_to_dict, regmlp_path
    >>> X, y = make_regression(n_samples=50, n_features=4, random_state=0)
    >>> points = regmlp_path(X, y, alphas=[0.1, 1.0], hidden_layer_sizes=(),
    ...                      solver="lbfgs", penalty="l1")
    >>> sorted(path_to_dict(points))
    ['alpha', 'converged', 'data_loss', 'n_iter', 'n_selected_features',
     'n_zero_weights', 'objective', 'weight_norm']
    """
    return {key: np.array([getattr(p, key) for p in points]) for key in PATH_KEYS}


# -- the estimator and the grid -----------------------------------------------


def _default_estimator(y, params):
    """A fresh classifier or regressor for ``y`` (see ``regmlp_path``)."""
    from skregnet._mlp import RegMLPClassifier, RegMLPRegressor

    target = type_of_target(y, input_name="y")
    if "loss" in params or target.startswith("continuous"):
        return RegMLPRegressor()
    return RegMLPClassifier()


def _check_alphas(alphas, owner="regmlp_path"):
    """The alphas of a path: sorted (weakest first), without duplicates.

    Anything else than an int ``n >= 1`` (a data-driven grid, handled by the
    caller) or a non-empty 1-D list of finite floats ``>= 0`` raises
    scikit-learn's ``InvalidParameterError`` naming the parameter.
    """

    def invalid():
        return InvalidParameterError(
            f"The 'alphas' parameter of {owner} must be an int >= 1 or a "
            f"non-empty 1-D array-like of finite floats >= 0. Got {alphas!r} "
            "instead."
        )

    if isinstance(alphas, bool | str):
        raise invalid()
    try:
        values = np.asarray(alphas, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise invalid() from e
    if values.ndim != 1 or values.size == 0:
        raise invalid()
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise invalid()
    return np.unique(values)


def _collapse_alpha(g, h, penalty, n_layers):
    """The alpha at which a chain of ``n_layers`` weights stops being worth it.

    A path through the network from one input to one output with weights
    a_1 ... a_L computes ``beta = a_1 * ... * a_L`` times the input (for
    positively homogeneous activations). The cheapest way to pay for a given
    ``beta`` balances the layers, which turns the penalty into
    ``alpha * C * |beta| ** p`` with ``p = 1 / sum_l (1 / d_l)`` (``d_l`` = 1
    for L1-type, 2 for L2 layers). With the data term's quadratic model
    ``-g * beta + h * beta**2 / 2`` at the null model, ``beta = 0`` is the
    only minimizer once alpha exceeds the value returned here (``p = 1``: the
    lasso's ``g / C``; ``p < 1``: where the nonzero local minimum vanishes;
    ``p > 1``, a linear ridge model, which never reaches zero: ``100 * h``,
    where the coefficients are shrunk a hundredfold). ``penalty.near_zero``
    gives each layer's ``(c_l, d_l)``; a layer with ``c_l == 0`` (no
    penalty) makes every alpha alike: ``inf``.
    """
    cs, ds = zip(*(penalty.near_zero(layer) for layer in range(n_layers)), strict=True)
    if min(cs) == 0:
        return np.full_like(np.asarray(g, dtype=float), np.inf)
    s = sum(1 / d for d in ds)
    p = 1 / s
    K = np.prod([(c * d) ** (1 / d) for c, d in zip(cs, ds, strict=True)])
    C = s * K**p
    if np.isclose(p, 1):
        return g / C
    if p > 1:
        return 100.0 * h
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = g * (1 - p) / (h * (2 - p))
        alpha = h * beta ** (2 - p) / ((1 - p) * C * p)
    return np.where(h > 0, alpha, 0.0)


def _alpha_grid(
    X, y, estimator, *, n_alphas=10, alpha_min_ratio=1e-3, sample_weight=None
):
    """A log-spaced grid of ``n_alphas`` values, ascending, for ``estimator``.

    The grid ends at ``alpha_max`` and starts at ``alpha_min_ratio *
    alpha_max``.
    ``alpha_max`` is where a path on ``(X, y)`` should have emptied the first
    layer (see ``_collapse_alpha``), computed from the gradient ``G = X.T @ R``
    and curvature of the data term at the null model (the best constant
    prediction, whose residuals are ``R``), over the strongest feature:

    - no hidden layer and an L1-type penalty: exactly the smallest alpha whose
      solution is all zero (``Lasso``'s ``alpha_max``: the penalty's own
      ``alpha_max`` at the gradient ``G``);
    - hidden layers: the alpha at which a one-unit-wide network along the
      strongest feature collapses to zero, which scales like ``g ** 1.5`` for
      one hidden layer with L1 (the network's effective penalty on its
      input-output slope is a square root), times a safety factor of 4
      because the quadratic model of the loss underestimates it.

    ``estimator`` is not modified.
    """
    est = clone(estimator)
    if sp.issparse(X):
        X = X.tocsr()
    sw = _check_sample_weight(sample_weight, X, dtype=np.float64)
    sw = sw / sw.sum()
    Y = est._encode_targets(y, False, True)
    if Y.ndim == 1:
        Y = Y.reshape(-1, 1)
    # the null model's prediction and the loss's curvature there, per output
    loss = LOSSES[est._loss_name()]
    mean = loss.null_prediction(Y, sw)
    curvature = loss.curvature(mean)
    G = np.asarray(safe_sparse_dot(X.T, sw[:, None] * (mean - Y)))
    # the intercepts absorb the features' means: the curvature along feature j
    # is its weighted variance (times the loss's curvature)
    x_mean = np.asarray(safe_sparse_dot(sw, X)).ravel()
    if sp.issparse(X):
        sq = np.asarray(safe_sparse_dot(sw, X.multiply(X))).ravel()
    else:
        sq = sw @ (X * X)
    H = np.maximum(sq - x_mean**2, 0)[:, None] * curvature[None, :]

    sizes = est.hidden_layer_sizes
    hidden = list(sizes) if np.iterable(sizes) else [sizes]
    penalty = make_penalty(est.penalty, coef_shapes=[G.shape], l1_ratio=est.l1_ratio)
    alpha_max = penalty.alpha_max(G.ravel()) if not hidden else np.inf
    if not np.isfinite(alpha_max):
        gain = ACTIVATIONS[est.activation].gain_at_zero ** len(hidden)
        if penalty.groups_input_features:
            g, h = np.linalg.norm(G, axis=1), H.max(axis=1)
        else:
            g, h = np.abs(G).ravel(), H.ravel()
        collapse = _collapse_alpha(gain * g, gain**2 * h, penalty, len(hidden) + 1)
        alpha_max = float(np.max(collapse, initial=0.0))
        if hidden:
            alpha_max *= 4.0
    if not np.isfinite(alpha_max) or alpha_max <= np.finfo(float).resolution:
        # y constant (or X all zero): every alpha gives the same model
        alpha_max = 1.0
    return np.geomspace(alpha_min_ratio * alpha_max, alpha_max, num=n_alphas)


# -- the path -------------------------------------------------------------------


def _iter_path(estimator, X, y, alphas, sample_weight=None, *, warm=False, task=None):
    """Fit ``estimator`` (modified in place) along ``alphas``, warm-started.

    Yields ``(alpha, fit_time)`` after each point's fit, the estimator then
    holding that point's solution. The first point is an ordinary fit from
    the initialization drawn from ``random_state``, unless ``warm``: the
    estimator is then a fitted path point that the path continues from.
    Every later point starts from the previous one's weights and optimizer
    state, with a fresh stopping rule and history: it stops by the same
    criteria as a fit from scratch (``tol``, ``n_iter_no_change``,
    ``max_iter``, the solver's own optimality test). No point warns: the
    caller summarizes them (``_convergence_warning``); a ``KeyboardInterrupt``
    stops the whole path.

    ``task`` is a CV estimator's callback task (``skregnet._callbacks.Task``,
    a fold's): each point is one of its subtasks, into which the point's own
    fit (its epochs) merges.
    """
    estimator._validate_params()
    for i, alpha in enumerate(alphas):
        estimator.set_params(alpha=float(alpha), warm_start=i > 0 or warm)
        start = time.perf_counter()
        with nullcontext() if task is None else task.point(estimator, X, y):
            estimator._fit(
                X,
                y,
                sample_weight,
                incremental=False,
                path="warm" if i or warm else "first",
            )
        yield float(alpha), time.perf_counter() - start


def _convergence_warning(unconverged, n_points, estimator):
    """One ConvergenceWarning for the path points that did not converge.

    ``unconverged`` lists ``(alpha, where, stop)``: ``where`` names the fit
    (``"fold 2"``, ``"refit"``, or ``""`` for a single path), ``stop`` why it
    ended (``"max_iter"``, ``"diverged"``, ...).
    """
    if not unconverged:
        return
    by_alpha = {}
    for alpha, where, stop in unconverged:
        by_alpha.setdefault(alpha, []).append(f"{where}: {stop}" if where else stop)
    points = "; ".join(
        f"alpha={alpha:.3g} ({', '.join(reasons)})"
        for alpha, reasons in sorted(by_alpha.items())
    )
    if SOLVERS[estimator.solver].stochastic:
        remedy = (
            f"increase `max_iter` (now {estimator.max_iter}) or "
            "`learning_rate_init`, or scale the data; a diverged one a smaller "
            "`learning_rate_init`"
        )
    else:
        remedy = (
            f"increase `max_iter` (now {estimator.max_iter}) or `max_fun`, scale "
            "the data, or raise `tol`"
        )
    warn(
        f"{len(unconverged)} of {n_points} path points did not converge: "
        f"{points}. A point stopped by its iteration limit needs more: {remedy}.",
        ConvergenceWarning,
    )


def _path_point(est, X, y, sample_weight, fit_time, return_weights):
    """The ``PathPoint`` of a fitted estimator."""
    coefs = est.coefs_
    w = np.concatenate([c.ravel() for c in coefs])
    network, params, Xv = est._fitted_network(X)
    Y = est._encode_targets(y, True, False, params.dtype)
    Y = Y.reshape(Xv.shape[0], -1)
    sw = _check_sample_weight(sample_weight, Xv, dtype=params.dtype)
    data_loss = network.data_loss(params, Xv, Y, sw / sw.sum())
    penalty = make_penalty(
        est.penalty, coef_shapes=[c.shape for c in coefs], l1_ratio=est.l1_ratio
    )
    w64 = w.astype(np.float64)
    feature_norms = np.linalg.norm(coefs[0].astype(np.float64), axis=1)
    selected = np.flatnonzero(feature_norms > 0)
    return PathPoint(
        alpha=float(est.alpha),
        objective=float(data_loss + penalty.value(w64, est.alpha)),
        data_loss=float(data_loss),
        weight_norm=float(np.linalg.norm(w64)),
        n_zero_weights=int(w.size - np.count_nonzero(w)),
        n_selected_features=int(selected.size),
        selected_features=selected,
        n_iter=int(est.n_iter_),
        converged=est._stop in CONVERGED,
        feature_norms=feature_norms,
        fit_time=float(fit_time),
        coefs=[c.copy() for c in coefs] if return_weights else None,
        intercepts=[b.copy() for b in est.intercepts_] if return_weights else None,
    )


def regmlp_path(
    X,
    y,
    *,
    alphas,
    estimator=None,
    sample_weight=None,
    alpha_min_ratio=1e-3,
    return_weights=False,
    **params,
):
    """Fit one network along a list of alphas, each fit warm-started.

    The alphas are visited from the weakest up: the first point is an
    ordinary fit, each later one starts from the previous point's weights
    (and, for ``sgd`` / ``adam``, its optimizer state) and stops by exactly
    the criteria of a fit from scratch at its alpha: ``tol``,
    ``n_iter_no_change`` and ``max_iter`` for ``sgd`` / ``adam``, the
    optimality residual, ``max_iter`` and ``max_fun`` for ``lbfgs``. Each
    point says whether it converged; the call warns once, summarizing the
    points that did not.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The input data.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        The targets.
    alphas : array-like of float or int
        The penalty strengths, visited in ascending order (duplicates are
        dropped). An int ``n`` asks
        for ``n`` log-spaced values from ``alpha_min_ratio * alpha_max`` to
        ``alpha_max``, the data-driven grid of :class:`RegMLPClassifierCV`.
    estimator : RegMLPClassifier or RegMLPRegressor, default=None
        The network whose parameters are used (it is cloned, not modified).
        ``None`` builds a ``RegMLPRegressor`` when ``params`` holds ``loss``
        or ``y`` is continuous, else a ``RegMLPClassifier``.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    alpha_min_ratio : float, default=1e-3
        ``alpha_min / alpha_max`` of the grid when ``alphas`` is an int.
    return_weights : bool, default=False
        Whether each point keeps copies of ``coefs_`` and ``intercepts_``.
    **params : dict
        Parameters of the estimator (``hidden_layer_sizes``, ``penalty``,
        ``solver``, ``random_state``, ...); ``alpha`` and ``warm_start`` are
        set by the path.

    Returns
    -------
    path : list of PathPoint
        One record per alpha, in ascending order of alpha, with the objective,
        data loss, weight norm, number of zero weights, selected input
        features (whose first-layer row is not all zero), the per-feature
        first-layer norms, ``n_iter`` and ``converged``.

    See Also
    --------
    RegMLPClassifierCV : Chooses alpha by cross-validation along this path.
    RegMLPRegressorCV : The same for regression.

    Notes
    -----
    The first point is the model ``estimator.set_params(alpha=alphas[0])``
    would fit with the same ``random_state``. With an int ``random_state``
    each point reseeds the shuffling (and validation split) from it, as a
    warm-started ``fit`` does. Each point's ``n_iter`` counts its own epochs
    (iterations), from its warm start. A ``KeyboardInterrupt`` stops the
    whole path (it is raised again).

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skregnet import regmlp_path
    >>> X, y = make_regression(n_samples=100, n_features=6, n_informative=2,
    ...                        noise=1.0, random_state=0)
    >>> path = regmlp_path(X, y, alphas=[10.0, 100.0], hidden_layer_sizes=(),
    ...                    penalty="l1", solver="lbfgs")
    >>> [(p.alpha, p.n_selected_features) for p in path]
    [(10.0, 2), (100.0, 0)]
    """
    if estimator is None:
        estimator = _default_estimator(y, params)
    est = clone(estimator).set_params(**params)
    X, y = check_X_y(
        X,
        y,
        accept_sparse=["csr", "csc"],
        dtype=(np.float64, np.float32),
        multi_output=True,
        y_numeric=is_regressor(est),
    )
    if isinstance(alphas, Integral) and not isinstance(alphas, bool) and alphas >= 1:
        alphas = _alpha_grid(
            X,
            y,
            est,
            n_alphas=alphas,
            alpha_min_ratio=alpha_min_ratio,
            sample_weight=sample_weight,
        )
    alphas = _check_alphas(alphas)
    points, unconverged = [], []
    for alpha, fit_time in _iter_path(est, X, y, alphas, sample_weight):
        points.append(_path_point(est, X, y, sample_weight, fit_time, return_weights))
        if not points[-1].converged:
            unconverged.append((alpha, "", est._stop))
    _convergence_warning(unconverged, len(points), est)
    return points
