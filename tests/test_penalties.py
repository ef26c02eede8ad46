"""The penalties of ``skregnet._penalties``: values, prox, KKT, alpha_max, facts.

References are SPEC §1's formulas, closed-form proximal operators written
here, ``scipy.optimize`` and scikit-learn's ``Lasso`` / ``ElasticNet`` /
``MultiTaskLasso`` solutions. Over the whole registry (a new penalty
included), the methods are checked against each other: the prox against
``subdiff_distance`` and ``nonsmooth_value``, ``alpha_max`` against the KKT
conditions at zero, ``near_zero`` and the declared facts against the values.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.optimize import brentq, minimize
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet, Lasso, MultiTaskLasso

from skregnet import RegMLPClassifier, RegMLPRegressor
from skregnet._penalties import PENALTIES, make_penalty

COEF_SHAPES = [(4, 3), (3, 2)]
N_FIRST = 4 * 3
N_COEF = 4 * 3 + 3 * 2
L1_RATIO = 0.3
PENALTY_NAMES = list(PENALTIES)


def _penalty(name, coef_shapes=COEF_SHAPES, l1_ratio=L1_RATIO):
    return make_penalty(name, coef_shapes=coef_shapes, l1_ratio=l1_ratio)


def _soft(w, t):
    return np.sign(w) * np.maximum(np.abs(w) - t, 0.0)


def _spec_R(name, w, coef_shapes=COEF_SHAPES, l1_ratio=L1_RATIO):
    """R(w) from the table of SPEC §1, split as (smooth, nonsmooth)."""
    if name is None:
        return 0.0, 0.0
    if name == "l2":
        return 0.5 * np.sum(w**2), 0.0
    if name == "l1":
        return 0.0, np.sum(np.abs(w))
    if name == "elasticnet":
        return (1 - l1_ratio) * 0.5 * np.sum(w**2), l1_ratio * np.sum(np.abs(w))
    assert name == "group_lasso"
    fan_in, fan_out = coef_shapes[0]
    W1 = w[: fan_in * fan_out].reshape(fan_in, fan_out)
    deep = w[fan_in * fan_out :]
    return 0.5 * np.sum(deep**2), np.sum(np.sqrt(np.sum(W1**2, axis=1)))


def _spec_prox(name, w, step, alpha, coef_shapes=COEF_SHAPES, l1_ratio=L1_RATIO):
    """Closed-form prox of ``step * alpha * nonsmooth`` (scalar step)."""
    if name in (None, "l2"):
        return w.copy()
    if name == "l1":
        return _soft(w, step * alpha)
    if name == "elasticnet":
        return _soft(w, step * alpha * l1_ratio)
    fan_in, fan_out = coef_shapes[0]
    z = w.copy()
    W1 = z[: fan_in * fan_out].reshape(fan_in, fan_out)
    norms = np.sqrt(np.sum(W1**2, axis=1, keepdims=True))
    factor = np.zeros_like(norms)
    big = norms > step * alpha
    factor[big] = 1 - step * alpha / norms[big]
    W1 *= factor
    return z


def _random_w(seed, size=N_COEF):
    return np.random.RandomState(seed).normal(size=size)


@pytest.mark.parametrize("alpha", [0.0, 0.37], ids=["alpha0", "alpha0.37"])
@pytest.mark.parametrize("name", PENALTY_NAMES, ids=str)
def test_value_matches_spec(name, alpha, seed):
    w = _random_w(seed)
    pen = _penalty(name)
    smooth, nonsmooth = _spec_R(name, w)
    assert_allclose(pen.value(w, alpha), alpha * (smooth + nonsmooth), rtol=1e-12)
    assert_allclose(pen.smooth_value(w, alpha), alpha * smooth, rtol=1e-12)
    assert_allclose(pen.nonsmooth_value(w, alpha), alpha * nonsmooth, rtol=1e-12)


@pytest.mark.parametrize("l1_ratio", [0.0, 0.5, 1.0])
def test_elasticnet_value_limits(l1_ratio, seed):
    w = _random_w(seed)
    pen = _penalty("elasticnet", l1_ratio=l1_ratio)
    expected = l1_ratio * np.abs(w).sum() + (1 - l1_ratio) * 0.5 * w @ w
    assert_allclose(pen.value(w, 2.0), 2.0 * expected, rtol=1e-12)


@pytest.mark.parametrize("name", PENALTY_NAMES, ids=str)
def test_smooth_grad_matches_finite_differences(name, seed):
    w = _random_w(seed)
    pen = _penalty(name)
    alpha = 0.7
    grad = np.zeros_like(w)
    pen.add_smooth_grad(w, alpha, grad)
    eps = 1e-6
    expected = np.empty_like(w)
    for j in range(w.size):
        up, down = w.copy(), w.copy()
        up[j] += eps
        down[j] -= eps
        expected[j] = (pen.smooth_value(up, alpha) - pen.smooth_value(down, alpha)) / (
            2 * eps
        )
    assert_allclose(grad, expected, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", PENALTY_NAMES, ids=str)
def test_add_smooth_grad_adds(name, seed):
    w = _random_w(seed)
    pen = _penalty(name)
    base = np.arange(w.size, dtype=float)
    alone = pen.add_smooth_grad(w, 0.5, np.zeros_like(w)).copy()
    grad = base.copy()
    out = pen.add_smooth_grad(w, 0.5, grad)
    assert out is grad
    assert_allclose(grad, base + alone, rtol=1e-14)


# -- every registered penalty: its methods agree with each other -----------------


@pytest.mark.parametrize("name", PENALTY_NAMES, ids=str)
def test_declared_parts_match_the_values(name, seed):
    """``has_prox`` iff there is a nonsmooth part; ``separable_l1`` iff that
    part is ``l1_weight(alpha) * sum|w|``; the term is linear in alpha."""
    w = _random_w(seed)
    pen = _penalty(name)
    assert pen.has_prox == (pen.nonsmooth_value(w, 1.0) != 0)
    if pen.separable_l1:
        assert pen.l1_weight(0.7) > 0
        assert_allclose(
            pen.nonsmooth_value(w, 0.7), pen.l1_weight(0.7) * np.abs(w).sum()
        )
    else:
        assert pen.l1_weight(0.7) == 0
    assert_allclose(pen.value(w, 1.4), 2 * pen.value(w, 0.7), rtol=1e-14)


@pytest.mark.parametrize("step_kind", ["scalar", "array"])
@pytest.mark.parametrize("name", PENALTY_NAMES, ids=str)
def test_prox_is_the_proximal_operator(name, step_kind, seed):
    """z = prox(w) minimizes sum (z - w)**2 / (2 step) + nonsmooth(z): the
    optimality condition holds (``subdiff_distance`` of (z - w) / step is
    zero) and no point nearby does better."""
    rng = np.random.RandomState(seed)
    w = _random_w(seed)
    w[:3] *= 0.05  # a small first-layer row, for group lasso to zero
    step = 0.5 if step_kind == "scalar" else rng.uniform(0.1, 1.0, size=w.size)
    alpha = 0.6
    pen = _penalty(name)
    z = w.copy()
    pen.prox(z, step, alpha)
    assert np.max(pen.subdiff_distance(z, (z - w) / step, alpha)) <= 1e-12

    def objective(v):
        return np.sum((v - w) ** 2 / (2 * step)) + pen.nonsmooth_value(v, alpha)

    best = objective(z)
    zeros = z == 0
    for scale in [1e-2, 1e-5]:
        for _ in range(50):
            move = scale * rng.normal(size=w.size)
            assert objective(z + move) >= best - 1e-14
            if zeros.any():  # moving the zeros off zero does not help either
                assert objective(z + move * zeros) >= best - 1e-14


@pytest.mark.parametrize("name", PENALTY_NAMES, ids=str)
def test_alpha_max_is_where_zero_becomes_stationary(name, seed):
    """At w = 0 with a data gradient on the first layer, zero satisfies the
    KKT conditions exactly from ``alpha_max`` on, not below it; a penalty
    with no finite ``alpha_max`` gives no exact zeros."""
    g = np.zeros(N_COEF)
    g[:N_FIRST] = _random_w(seed, N_FIRST)
    pen = _penalty(name)
    zero = np.zeros(N_COEF)
    alpha_max = pen.alpha_max(g)
    assert pen.exact_zeros == np.isfinite(alpha_max)
    if not np.isfinite(alpha_max):
        assert np.max(pen.subdiff_distance(zero, g, 1e6)) > 0
        return
    assert np.max(pen.subdiff_distance(zero, g, alpha_max * (1 + 1e-12))) == 0
    assert np.max(pen.subdiff_distance(zero, g, alpha_max * (1 - 1e-6))) > 0


@pytest.mark.parametrize("layer", [0, 1], ids=["first-layer", "second-layer"])
@pytest.mark.parametrize("name", PENALTY_NAMES, ids=str)
def test_near_zero_is_how_the_penalty_grows_at_zero(name, layer):
    """``near_zero(layer) = (c, d)``: R(t e_j) = c |t|**d for a small weight
    t of that layer (what the alpha grid reads)."""
    pen = _penalty(name)
    c, d = pen.near_zero(layer)
    j = 0 if layer == 0 else N_FIRST  # a weight of that layer
    for t in [1e-6, -1e-6]:
        w = np.zeros(N_COEF)
        w[j] = t
        assert_allclose(pen.value(w, 1.0), c * abs(t) ** d, rtol=1e-5, atol=0)


# -- proximal operators --------------------------------------------------------


@pytest.mark.parametrize(
    "step, alpha", [(0.1, 1.0), (1.0, 0.35), (2.0, 5.0)], ids=["s0.1", "s1", "s2"]
)
@pytest.mark.parametrize("name", PENALTY_NAMES, ids=str)
def test_prox_scalar_step_closed_form(name, step, alpha, seed):
    w = _random_w(seed)
    expected = _spec_prox(name, w, step, alpha)
    pen = _penalty(name)
    out = pen.prox(w, step, alpha)
    assert np.shares_memory(out, w)
    assert_allclose(w, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", PENALTY_NAMES, ids=str)
def test_prox_is_in_place_on_a_view(name, seed):
    """The solvers pass ``params[:n_coef]``: the buffer itself must change."""
    params = _random_w(seed, N_COEF + 5)
    before = params.copy()
    _penalty(name).prox(params[:N_COEF], 0.5, 1.0)
    assert_allclose(
        params[:N_COEF], _spec_prox(name, before[:N_COEF], 0.5, 1.0), rtol=1e-12
    )
    assert_array_equal(params[N_COEF:], before[N_COEF:])


@pytest.mark.parametrize("name", PENALTY_NAMES, ids=str)
def test_prox_zero_step_is_identity(name, seed):
    w = _random_w(seed)
    w[:3] = 0.0  # a zero group for group lasso
    before = w.copy()
    _penalty(name).prox(w, 0.0, 1.0)
    assert_array_equal(w, before)


@pytest.mark.parametrize("name", PENALTY_NAMES, ids=str)
def test_prox_keeps_float32(name, seed):
    w = _random_w(seed).astype(np.float32)
    before = w.astype(np.float64)
    out = _penalty(name).prox(w, np.float32(0.5), 1.0)
    assert w.dtype == np.float32
    assert np.shares_memory(out, w)
    assert_allclose(w, _spec_prox(name, before, 0.5, 1.0), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", ["l1", "elasticnet"])
def test_l1_prox_exact_zeros(name):
    w = np.array([3.0, -0.05, 0.2, -2.0, 0.01, 0.0, -0.15, 0.08, 1e-9, -0.3])
    step, alpha = 0.5, 0.4
    threshold = step * alpha * (L1_RATIO if name == "elasticnet" else 1.0)
    pen = make_penalty(name, coef_shapes=[(10, 1)], l1_ratio=L1_RATIO)
    pen.prox(w, step, alpha)
    original = np.array([3.0, -0.05, 0.2, -2.0, 0.01, 0.0, -0.15, 0.08, 1e-9, -0.3])
    survivors = np.abs(original) > threshold
    assert np.count_nonzero(w) == np.count_nonzero(survivors)
    assert np.count_nonzero(w[~survivors]) == 0
    assert_allclose(w, _soft(original, threshold), rtol=1e-14, atol=0)


@pytest.mark.parametrize("name", ["l1", "elasticnet"])
def test_l1_prox_array_step(name, seed):
    """Per-coordinate steps: soft-thresholding at step_i * alpha * l1_ratio."""
    rng = np.random.RandomState(seed)
    w = rng.normal(size=N_COEF)
    step = rng.uniform(0.05, 2.0, size=N_COEF)
    alpha = 0.6
    c = alpha * (L1_RATIO if name == "elasticnet" else 1.0)
    expected = _soft(w, step * c)
    _penalty(name).prox(w, step, alpha)
    assert_allclose(w, expected, rtol=1e-12, atol=0)
    assert np.count_nonzero(w) == np.count_nonzero(expected)
    assert np.count_nonzero(expected) < N_COEF  # some zeros are produced


def test_group_prox_exact_zero_rows():
    W1 = np.array([[3.0, 4.0, 0.0], [0.1, -0.2, 0.2], [0.0, 0.0, 0.0], [1.0, 1, 1]])
    deep = np.arange(1.0, 7.0)
    w = np.concatenate([W1.ravel(), deep])
    step, alpha = 1.0, 0.5  # row norms 5, 0.3, 0, sqrt(3)
    _penalty("group_lasso").prox(w, step, alpha)
    Z1 = w[:N_FIRST].reshape(4, 3)
    assert np.count_nonzero(Z1[1]) == 0
    assert np.count_nonzero(Z1[2]) == 0
    assert_allclose(Z1[0], [3.0 * 0.9, 4.0 * 0.9, 0.0], rtol=1e-14)
    assert_allclose(Z1[3], (1 - 0.5 / np.sqrt(3)) * np.ones(3), rtol=1e-14)
    assert_array_equal(w[N_FIRST:], deep)  # the L2 layers are smooth: no prox


def _group_objective(z, w, s, alpha):
    """sum_i (z_i - w_i)^2 / (2 s_i) + alpha ||z|| for one group."""
    return np.sum((z - w) ** 2 / (2 * s)) + alpha * np.sqrt(np.sum(z**2))


def _group_prox_reference(w, s, alpha):
    """argmin_z sum (z_i - w_i)^2 / (2 s_i) + alpha ||z|| for one group.

    From the optimality conditions: z = 0 iff ||w / s|| <= alpha, otherwise
    z_i = w_i r / (r + alpha s_i) with r = ||z||, found by bracketing.
    """
    if np.sqrt(np.sum((w / s) ** 2)) <= alpha:
        return np.zeros_like(w)
    f = lambda r: np.sqrt(np.sum((w * r / (r + alpha * s)) ** 2)) - r
    norm = np.sqrt(np.sum(w**2))
    lo = max(norm - alpha * s.max(), 0.0)
    hi = norm - alpha * s.min()
    r = hi if f(hi) >= 0 else brentq(f, lo, hi, xtol=1e-300, rtol=1e-15, maxiter=500)
    return w * r / (r + alpha * s)


def test_group_prox_array_step_matches_minimize(seed):
    """Adam's metric: argmin sum (z_i - w_i)^2 / (2 s_i) + alpha sum_j ||Z_j||."""
    rng = np.random.RandomState(seed)
    coef_shapes = [(3, 2), (2, 1)]
    n_first = 6
    W1 = np.array([[1.0, -0.5], [0.05, 0.04], [-0.8, 1.2]])
    w = np.concatenate([W1.ravel(), [0.7, -0.4]])
    s = np.concatenate([rng.uniform(0.2, 1.0, size=n_first), [0.5, 0.5]])
    alpha = 0.4

    z = w.copy()
    make_penalty("group_lasso", coef_shapes=coef_shapes).prox(z, s, alpha)

    # brute force, one group at a time, started from w (not from the answer)
    for j in range(3):
        group = slice(2 * j, 2 * j + 2)
        args = (w[group], s[group], alpha)
        res = minimize(
            _group_objective,
            w[group],
            args=args,
            method="Nelder-Mead",
            options={"xatol": 1e-13, "fatol": 1e-16, "maxiter": 10_000},
        )
        assert_allclose(z[group], res.x, rtol=0, atol=1e-7)
        # the prox is at least as good as the brute-force minimum
        assert _group_objective(z[group], *args) <= res.fun + 1e-14
    # the middle row, ||w / s|| <= alpha, is exactly zero; the others are not
    rows = z[:n_first].reshape(3, 2)
    assert np.count_nonzero(rows[1]) == 0
    assert np.count_nonzero(rows[0]) == 2
    assert np.count_nonzero(rows[2]) == 2
    assert_array_equal(z[n_first:], w[n_first:])


# (alpha * step) / ||row|| from 1 down to 1e-7: Adam's steps are small
@pytest.mark.parametrize(
    "alpha, step_range",
    [
        (0.5, (0.2, 1.0)),
        (0.05, (0.01, 0.2)),
        (1e-3, (1e-3, 1e-2)),
        (1e-4, (1e-4, 1e-3)),
    ],
    ids=["large", "medium", "small", "adam-like"],
)
def test_group_prox_array_step_matches_reference(alpha, step_range, seed):
    rng = np.random.RandomState(seed)
    fan_in, fan_out = 6, 4
    w = rng.normal(size=fan_in * fan_out + 3)
    s = rng.uniform(*step_range, size=w.size)
    z = w.copy()
    make_penalty("group_lasso", coef_shapes=[(fan_in, fan_out), (fan_out, 1)]).prox(
        z, s, alpha
    )
    W, S = w[:24].reshape(6, 4), s[:24].reshape(6, 4)
    expected = np.concatenate(
        [_group_prox_reference(W[j], S[j], alpha) for j in range(fan_in)]
    )
    # compare the shrinkage w - z, which is what the prox is about
    assert_allclose(w[:24] - z[:24], w[:24] - expected, rtol=1e-8, atol=1e-15)
    assert_array_equal(z[24:], w[24:])


@pytest.mark.parametrize(
    "alpha, step",
    [(1.0, 0.3), (0.1, 0.05), (1e-3, 1e-2), (1e-4, 1e-3)],
    ids=["large", "medium", "small", "adam-like"],
)
def test_group_prox_constant_array_step_equals_scalar_step(alpha, step, seed):
    """With equal steps, Adam's metric prox is ordinary group soft-thresholding."""
    w = _random_w(seed)
    pen = _penalty("group_lasso")
    z_array = w.copy()
    pen.prox(z_array, np.full_like(w, step), alpha)
    expected = _spec_prox("group_lasso", w, step, alpha)
    assert_allclose(w - z_array, w - expected, rtol=1e-8, atol=1e-15)


# -- KKT: subdiff_distance --------------------------------------------------------


def _lasso_data(seed, n_samples=50, n_features=8, n_targets=None):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features))
    shape = (n_features,) if n_targets is None else (n_features, n_targets)
    beta = rng.normal(size=shape)
    beta[n_features // 2 :] = 0.0
    y = X @ beta + 0.5 * rng.normal(size=(n_samples, *shape[1:]))
    return X, y


def test_subdiff_distance_lasso_solution(seed):
    X, y = _lasso_data(seed)
    n = X.shape[0]
    alpha = 0.2 * np.max(np.abs(X.T @ y)) / n
    coef = Lasso(alpha=alpha, fit_intercept=False, tol=1e-14, max_iter=100_000)
    coef = coef.fit(X, y).coef_
    assert 0 < np.count_nonzero(coef) < coef.size  # both kinds of coordinates
    pen = make_penalty("l1", coef_shapes=[(8, 1)])
    grad = -X.T @ (y - X @ coef) / n
    assert np.max(pen.subdiff_distance(coef, grad, alpha)) < 1e-8
    # not a solution: a larger penalty, a perturbed point, zero
    assert np.max(pen.subdiff_distance(coef, grad, 1.5 * alpha)) > 1e-3
    moved = coef + 0.01
    grad_moved = -X.T @ (y - X @ moved) / n
    assert np.max(pen.subdiff_distance(moved, grad_moved, alpha)) > 1e-3
    zero = np.zeros_like(coef)
    assert np.max(pen.subdiff_distance(zero, -X.T @ y / n, alpha)) > 1e-3


def test_subdiff_distance_elasticnet_solution(seed):
    X, y = _lasso_data(seed)
    n = X.shape[0]
    l1_ratio = 0.6
    alpha = 0.2 * np.max(np.abs(X.T @ y)) / n
    enet = ElasticNet(
        alpha=alpha, l1_ratio=l1_ratio, fit_intercept=False, tol=1e-14, max_iter=100_000
    )
    coef = enet.fit(X, y).coef_
    assert 0 < np.count_nonzero(coef) < coef.size
    pen = make_penalty("elasticnet", coef_shapes=[(8, 1)], l1_ratio=l1_ratio)
    # gradient of the smooth part: data term plus the L2 part of the penalty
    grad = pen.add_smooth_grad(coef, alpha, -X.T @ (y - X @ coef) / n)
    assert np.max(pen.subdiff_distance(coef, grad, alpha)) < 1e-8
    grad_bad = -X.T @ (y - X @ coef) / n  # the L2 part forgotten
    assert np.max(pen.subdiff_distance(coef, grad_bad, alpha)) > 1e-4


def test_subdiff_distance_group_lasso_multitask_solution(seed):
    """A linear model with 2 outputs: group lasso on rows is MultiTaskLasso."""
    X, Y = _lasso_data(seed, n_targets=2)
    n = X.shape[0]
    alpha = 0.3 * np.max(np.linalg.norm(X.T @ Y, axis=1)) / n
    mtl = MultiTaskLasso(alpha=alpha, fit_intercept=False, tol=1e-14, max_iter=100_000)
    W = mtl.fit(X, Y).coef_.T  # (n_features, n_targets): one row per feature
    zero_rows = np.linalg.norm(W, axis=1) == 0
    assert 0 < zero_rows.sum() < W.shape[0]
    pen = make_penalty("group_lasso", coef_shapes=[(8, 2)])
    grad = (-X.T @ (Y - X @ W) / n).ravel()
    dist = pen.subdiff_distance(W.ravel(), grad, alpha)
    assert dist.shape == (16,)
    assert np.max(dist) < 1e-7
    assert np.max(pen.subdiff_distance(W.ravel(), grad, 2 * alpha)) > 1e-3


@pytest.mark.parametrize("name", ["l1", "elasticnet"])
def test_subdiff_distance_l1_formula(name):
    c = 0.5 * (L1_RATIO if name == "elasticnet" else 1.0)
    w = np.array([1.0, -2.0, 0.0, 0.0, 0.0, 3.0])
    grad = np.array([-c, c, 0.3 * c, -c, 1.5 * c, -c + 0.2])
    expected = [0.0, 0.0, 0.0, 0.0, 0.5 * c, 0.2]
    pen = make_penalty(name, coef_shapes=[(6, 1)], l1_ratio=L1_RATIO)
    assert_allclose(
        pen.subdiff_distance(w, grad, 0.5), expected, rtol=1e-12, atol=1e-15
    )


@pytest.mark.parametrize("name", [None, "l2"], ids=str)
def test_subdiff_distance_smooth_penalty_is_gradient_norm(name, seed):
    rng = np.random.RandomState(seed)
    w, grad = rng.normal(size=N_COEF), rng.normal(size=N_COEF)
    dist = _penalty(name).subdiff_distance(w, grad, 0.3)
    assert_allclose(dist, np.abs(grad), rtol=1e-14)


def test_subdiff_distance_group_lasso_formula():
    alpha = 0.5
    W1 = np.array([[3.0, 4.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 2.0, 0]])
    G1 = np.array(
        [
            [-0.3, -0.4, 0.0],  # = -alpha W/||W||: optimal
            [0.1, 0.2, -0.2],  # ||g|| = 0.3 <= alpha: optimal
            [0.6, 0.0, 0.8],  # ||g|| = 1.0: distance 0.5
            [0.0, -0.5, 0.7],  # distance ||(0, 0, 0.7)|| = 0.7
        ]
    )
    deep_w = np.ones(6)
    deep_g = np.array([0.0, 0.1, -0.2, 0.0, 0.3, 0.0])  # smooth: distance |g|
    w = np.concatenate([W1.ravel(), deep_w])
    grad = np.concatenate([G1.ravel(), deep_g])
    dist = _penalty("group_lasso").subdiff_distance(w, grad, alpha)
    group_dist = np.linalg.norm(dist[:N_FIRST].reshape(4, 3), axis=1)
    assert_allclose(group_dist, [0.0, 0.0, 0.5, 0.7], rtol=1e-12, atol=1e-15)
    assert_allclose(dist[N_FIRST:], np.abs(deep_g), rtol=1e-14)


# -- alpha_max ------------------------------------------------------------------


def test_alpha_max_formulas(seed):
    g = _random_w(seed)
    rows = np.linalg.norm(g[:N_FIRST].reshape(4, 3), axis=1)
    assert_allclose(_penalty("l1").alpha_max(g), np.max(np.abs(g)), rtol=1e-14)
    assert_allclose(
        _penalty("elasticnet").alpha_max(g), np.max(np.abs(g)) / L1_RATIO, rtol=1e-14
    )
    assert_allclose(_penalty("group_lasso").alpha_max(g), np.max(rows), rtol=1e-14)
    assert _penalty(None).alpha_max(g) == np.inf
    assert _penalty("l2").alpha_max(g) == np.inf
    assert _penalty("elasticnet", l1_ratio=0.0).alpha_max(g) == np.inf


ALPHA_MAX_CASES = {
    "l1": ("l1", "regression"),
    "elasticnet": ("elasticnet", "regression"),
    "group_lasso-2-outputs": ("group_lasso", "two-outputs"),
    "group_lasso-binary": ("group_lasso", "binary"),
}


@pytest.mark.parametrize(
    "penalty, task", ALPHA_MAX_CASES.values(), ids=ALPHA_MAX_CASES.keys()
)
def test_alpha_max_of_a_linear_model(penalty, task, seed):
    """Above alpha_max the linear model is exactly zero, below it is not."""
    n_targets = 2 if task == "two-outputs" else None
    X, y = _lasso_data(seed, n_samples=40, n_features=5, n_targets=n_targets)
    n = X.shape[0]
    if task == "binary":
        y = (y > np.median(y)).astype(float)
        Estimator = RegMLPClassifier
    else:
        y = y + 3.0  # an intercept to fit
        Estimator = RegMLPRegressor
    # the data term's gradient at w = 0, the intercept at its optimum (the
    # mean, by the canonical link): -X.T @ (y - mean(y)) / n for both losses
    grad0 = -X.T @ (y - y.mean(axis=0)) / n
    n_out = 1 if n_targets is None else n_targets
    pen = make_penalty(penalty, coef_shapes=[(5, n_out)], l1_ratio=0.5)
    alpha_max = pen.alpha_max(grad0.ravel())
    if penalty == "group_lasso":
        rows = np.linalg.norm(grad0.reshape(5, n_out), axis=1)
        assert_allclose(alpha_max, np.max(rows), rtol=1e-12)
    else:
        ratio = 0.5 if penalty == "elasticnet" else 1.0
        assert_allclose(alpha_max, np.max(np.abs(grad0)) / ratio, rtol=1e-12)

    def fit(alpha):
        est = Estimator(
            (), penalty=penalty, alpha=alpha, l1_ratio=0.5, solver="lbfgs", tol=1e-10
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return est.fit(X, y)

    above = fit(1.01 * alpha_max)
    assert np.count_nonzero(above.coefs_[0]) == 0
    assert_array_equal(above.feature_importances_, 0.0)
    if task != "binary":
        assert_allclose(above.intercepts_[0], y.mean(axis=0), rtol=1e-4)
    below = fit(0.9 * alpha_max)
    assert np.count_nonzero(below.coefs_[0]) > 0
