"""The optimizers of ``skregnet._optimizers``: SGD and Adam on the flat buffer.

scikit-learn's ``SGDOptimizer`` / ``AdamOptimizer`` (used by ``MLPClassifier``)
are the reference for the update rules and learning-rate schedules; decoupled
weight decay follows SPEC §2: ``w -= lr * weight_decay * w_before`` on the
weights only, ``lr`` without Adam's bias correction, which the last tests
check through the estimators.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso
from sklearn.neural_network._stochastic_optimizers import (
    AdamOptimizer as SkAdam,
)
from sklearn.neural_network._stochastic_optimizers import (
    SGDOptimizer as SkSGD,
)

from skregnet import RegMLPRegressor
from skregnet._optimizers import AdamOptimizer, SGDOptimizer
from skregnet._penalties import make_penalty
from skregnet._solvers import SOLVERS

N_PARAMS = 17
N_COEF = 12
N_STEPS = 5


def _grads(seed, n_steps=N_STEPS):
    rng = np.random.RandomState(seed)
    # gradients of varied magnitudes, some exactly zero
    grads = rng.normal(size=(n_steps, N_PARAMS)) * rng.uniform(0.01, 3, N_PARAMS)
    grads[:, 3] = 0.0
    return grads


def _params(seed):
    return np.random.RandomState(seed + 1).normal(size=N_PARAMS)


def _sgd(**kwargs):
    return SGDOptimizer(N_PARAMS, N_COEF, np.float64, **kwargs)


def _adam(**kwargs):
    return AdamOptimizer(N_PARAMS, N_COEF, np.float64, **kwargs)


MOMENTUM_CASES = [(0.0, False), (0.9, False), (0.9, True), (0.5, True)]
MOMENTUM_IDS = ["plain", "momentum", "nesterov", "nesterov0.5"]


@pytest.mark.parametrize("momentum, nesterov", MOMENTUM_CASES, ids=MOMENTUM_IDS)
def test_sgd_matches_sklearn(momentum, nesterov, seed):
    lr = 0.05
    params = _params(seed)
    ref = [params.copy()]
    sk = SkSGD(ref, learning_rate_init=lr, momentum=momentum, nesterov=nesterov)
    opt = _sgd(learning_rate_init=lr, momentum=momentum, nesterovs_momentum=nesterov)
    for grad in _grads(seed):
        returned = opt.step(params, grad.copy())
        sk.update_params(ref, [grad.copy()])
        assert_allclose(params, ref[0], rtol=1e-13, atol=1e-15)
        assert np.ndim(returned) == 0


@pytest.mark.parametrize("momentum, nesterov", MOMENTUM_CASES, ids=MOMENTUM_IDS)
def test_sgd_returned_step_is_the_move_per_unit_gradient(momentum, nesterov, seed):
    """From rest, a step moves the weights by ``-returned * grad``.

    That is the step the prox must use: lr, or (1 + momentum) * lr with
    Nesterov's look-ahead, whose first update is momentum * v - lr * grad.
    """
    lr = 0.05
    grad = _grads(seed)[0]
    params = _params(seed)
    before = params.copy()
    opt = _sgd(learning_rate_init=lr, momentum=momentum, nesterovs_momentum=nesterov)
    returned = opt.step(params, grad.copy())
    assert np.ndim(returned) == 0
    assert_allclose(params - before, -returned * grad, rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize(
    "beta_1, beta_2, epsilon",
    [(0.9, 0.999, 1e-8), (0.5, 0.9, 1e-3)],
    ids=["defaults", "custom"],
)
def test_adam_matches_sklearn(beta_1, beta_2, epsilon, seed):
    lr = 0.01
    params = _params(seed)
    ref = [params.copy()]
    sk = SkAdam(
        ref, learning_rate_init=lr, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon
    )
    opt = _adam(learning_rate_init=lr, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    for t, grad in enumerate(_grads(seed), start=1):
        before = params.copy()
        step = opt.step(params, grad.copy())
        sk.update_params(ref, [grad.copy()])
        assert_allclose(params, ref[0], rtol=1e-13, atol=1e-15)
        # the step size: lr_t / (sqrt(v) + eps), bias-corrected lr_t
        lr_t = lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        assert_allclose(lr_t, sk.learning_rate, rtol=1e-14)
        expected_step = lr_t / (np.sqrt(sk.vs[0]) + epsilon)
        assert step.shape == (N_COEF,)  # one step per weight, as the prox needs
        assert_allclose(step, expected_step[:N_COEF], rtol=1e-13)
        # and it is the step actually taken: w_new = w - step * m
        assert_allclose(
            params[:N_COEF], before[:N_COEF] - step * sk.ms[0][:N_COEF], rtol=1e-13
        )
    assert opt.t == N_STEPS


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
def test_adam_without_step_size_moves_the_same(weight_decay, seed):
    """``step_size=False`` (no prox needs it) returns nothing and moves the
    parameters as the full step does, up to rounding; in float32 too."""
    for dtype, rtol in ((np.float64, 1e-13), (np.float32, 1e-5)):
        kwargs = dict(learning_rate_init=0.01, weight_decay=weight_decay)
        full = AdamOptimizer(N_PARAMS, N_COEF, dtype, **kwargs)
        fast = AdamOptimizer(N_PARAMS, N_COEF, dtype, **kwargs)
        params = _params(seed).astype(dtype)
        params_fast = params.copy()
        for grad in _grads(seed).astype(dtype):
            full.step(params, grad.copy())
            assert fast.step(params_fast, grad.copy(), step_size=False) is None
            assert params_fast.dtype == dtype
            assert_allclose(params_fast, params, rtol=rtol, atol=rtol * 1e-2)


def test_adam_unpickles_unscaled_moments(seed):
    """A state pickled when Adam kept ``ms`` and ``vs`` as they are
    continues the same."""
    opt = _adam(learning_rate_init=0.05)
    params = _params(seed)
    for grad in _grads(seed)[:2]:
        opt.step(params, grad.copy())
    state = opt.__getstate__()
    state["ms"], state["vs"] = opt.ms, opt.vs
    del state["_m_scaled"], state["_v_scaled"]
    old = AdamOptimizer.__new__(AdamOptimizer)
    old.__setstate__(state)
    params_old = params.copy()
    for grad in _grads(seed)[2:]:
        opt.step(params, grad.copy())
        old.step(params_old, grad.copy())
    assert_allclose(params_old, params, rtol=1e-13)


@pytest.mark.parametrize("momentum, nesterov", MOMENTUM_CASES, ids=MOMENTUM_IDS)
@pytest.mark.parametrize("schedule", ["constant", "invscaling"])
def test_sgd_weight_decay(schedule, momentum, nesterov, seed):
    lr, wd, power_t = 0.05, 0.3, 0.5
    params = _params(seed)
    ref = [params.copy()]
    sk = SkSGD(
        ref,
        learning_rate_init=lr,
        lr_schedule=schedule,
        momentum=momentum,
        nesterov=nesterov,
        power_t=power_t,
    )
    opt = _sgd(
        learning_rate_init=lr,
        learning_rate=schedule,
        momentum=momentum,
        nesterovs_momentum=nesterov,
        power_t=power_t,
        weight_decay=wd,
    )
    for k, grad in enumerate(_grads(seed)):
        # the current learning rate, before this step
        lr_now = sk.learning_rate
        decay = np.zeros(N_PARAMS)
        decay[:N_COEF] = lr_now * wd * ref[0][:N_COEF]
        updates = sk._get_updates([grad.copy()])
        ref[0] += updates[0] - decay
        opt.step(params, grad.copy())
        assert_allclose(params, ref[0], rtol=1e-13, atol=1e-15)
        sk.iteration_ends(10 * (k + 1))
        opt.iteration_ends(10 * (k + 1))


@pytest.mark.parametrize("lr", [0.01, 0.1])
def test_adam_weight_decay_uses_learning_rate_init(lr, seed):
    wd = 0.2
    params = _params(seed)
    ref = [params.copy()]
    sk = SkAdam(ref, learning_rate_init=lr)
    opt = _adam(learning_rate_init=lr, weight_decay=wd)
    for grad in _grads(seed):
        decay = np.zeros(N_PARAMS)
        decay[:N_COEF] = lr * wd * ref[0][:N_COEF]  # no bias correction
        updates = sk._get_updates([grad.copy()])
        ref[0] += updates[0] - decay
        opt.step(params, grad.copy())
        assert_allclose(params, ref[0], rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("power_t", [0.5, 0.25])
def test_invscaling_matches_sklearn(power_t, seed):
    params = _params(seed)
    ref = [params.copy()]
    sk = SkSGD(ref, learning_rate_init=0.2, lr_schedule="invscaling", power_t=power_t)
    opt = _sgd(learning_rate_init=0.2, learning_rate="invscaling", power_t=power_t)
    for k, grad in enumerate(_grads(seed)):
        opt.step(params, grad.copy())
        sk.update_params(ref, [grad.copy()])
        assert_allclose(params, ref[0], rtol=1e-13, atol=1e-15)
        time_step = 37 * (k + 1)
        opt.iteration_ends(time_step)
        sk.iteration_ends(time_step)
        assert_allclose(opt.learning_rate, 0.2 / (time_step + 1) ** power_t, rtol=1e-14)
        assert_allclose(opt.learning_rate, sk.learning_rate, rtol=1e-14)


@pytest.mark.parametrize("schedule", ["constant", "adaptive"])
def test_sgd_constant_and_adaptive_schedules(schedule):
    opt = _sgd(learning_rate_init=0.1, learning_rate=schedule)
    opt.iteration_ends(1000)
    assert opt.learning_rate == 0.1  # neither decays with time


def test_adaptive_trigger_stopping_matches_sklearn(seed):
    params = _params(seed)
    sk = SkSGD([params.copy()], learning_rate_init=0.1, lr_schedule="adaptive")
    opt = _sgd(learning_rate_init=0.1, learning_rate="adaptive")
    stops = []
    for _ in range(12):
        stop = opt.trigger_stopping("no improvement.", verbose=False)
        assert stop == sk.trigger_stopping("no improvement.", verbose=False)
        assert_allclose(opt.learning_rate, sk.learning_rate, rtol=1e-14)
        stops.append(stop)
    # divided by 5 until <= 1e-6: 0.1 / 5**k <= 1e-6 first for k = 8
    assert stops == [False] * 8 + [True] * 4


@pytest.mark.parametrize("schedule", ["constant", "invscaling"])
def test_non_adaptive_trigger_stopping_stops(schedule):
    opt = _sgd(learning_rate_init=0.1, learning_rate=schedule)
    assert opt.trigger_stopping("no improvement.", verbose=False)
    assert opt.learning_rate == 0.1
    assert _adam().trigger_stopping("no improvement.", verbose=False)


def test_trigger_stopping_verbose(capsys):
    opt = _sgd(learning_rate_init=0.1, learning_rate="adaptive")
    opt.trigger_stopping("Validation score did not improve.", verbose=True)
    out = capsys.readouterr().out
    assert "Validation score did not improve." in out
    assert "0.020000" in out


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_float32_buffers_stay_float32(solver, seed):
    cls = SGDOptimizer if solver == "sgd" else AdamOptimizer
    opt = cls(N_PARAMS, N_COEF, np.float32, learning_rate_init=0.01, weight_decay=0.1)
    params = _params(seed).astype(np.float32)
    params64 = params.astype(np.float64)
    opt64 = cls(N_PARAMS, N_COEF, np.float64, learning_rate_init=0.01, weight_decay=0.1)
    for grad in _grads(seed):
        step = opt.step(params, grad.astype(np.float32))
        opt64.step(params64, grad)
    assert params.dtype == np.float32
    if solver == "adam":
        assert step.dtype == np.float32
    assert_allclose(params, params64, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("momentum, nesterov", MOMENTUM_CASES, ids=MOMENTUM_IDS)
def test_proximal_sgd_with_momentum_reaches_the_lasso_solution(
    momentum, nesterov, seed
):
    """step, prox, and the velocity correction converge to Lasso's optimum.

    Full-batch proximal SGD on 1/(2n) ||y - X w - b||^2 + alpha ||w||_1, as the
    solver runs it; a momentum that ignores the prox's moves would converge to
    a weaker L1 (alpha (1 - momentum)), with fewer zeros.
    """
    rng = np.random.RandomState(seed)
    n, p = 30, 5
    X = rng.normal(size=(n, p))
    y = X @ np.array([1.5, -2.0, 0.0, 0.0, 0.3]) + 0.3 * rng.normal(size=n) + 1.0
    alpha = 0.3 * np.max(np.abs(X.T @ (y - y.mean()))) / n
    lasso = Lasso(alpha=alpha, tol=1e-14, max_iter=100_000).fit(X, y)
    assert 0 < np.count_nonzero(lasso.coef_) < p

    pen = make_penalty("l1", coef_shapes=[(p, 1)])
    lipschitz = np.linalg.eigvalsh(np.c_[X, np.ones(n)].T @ np.c_[X, np.ones(n)] / n)
    lr = 0.5 * (1 - momentum) / lipschitz.max()
    opt = SGDOptimizer(
        p + 1,
        p,
        np.float64,
        learning_rate_init=lr,
        momentum=momentum,
        nesterovs_momentum=nesterov,
    )
    params = np.zeros(p + 1)
    w = params[:p]
    for _ in range(3000):
        residual = y - X @ w - params[p]
        grad = np.concatenate([-X.T @ residual / n, [-residual.mean()]])
        step = opt.step(params, grad)
        opt.before_correction(w)
        pen.prox(w, step, alpha)
        opt.after_correction(w)
    assert_allclose(w, lasso.coef_, rtol=0, atol=1e-7)
    assert_allclose(params[p], lasso.intercept_, rtol=0, atol=1e-7)
    assert np.count_nonzero(w) == np.count_nonzero(lasso.coef_)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_from_params_reads_estimator_parameters(solver):
    """An optimizer is built from an estimator's ``get_params()``: the names
    it declares are estimator parameters, and their values reach it."""
    cls = SOLVERS[solver].optimizer_class
    params = RegMLPRegressor(
        learning_rate_init=0.123, momentum=0.5, beta_1=0.7, weight_decay=0.01
    ).get_params()
    assert set(cls.parameters) <= set(params)
    opt = cls.from_params(params, N_PARAMS, N_COEF, np.float64)
    for name in cls.parameters:
        if name == "learning_rate":  # SGD keeps the schedule's name apart
            assert opt.lr_schedule == params[name]
        elif name == "nesterovs_momentum":
            assert opt.nesterov == params[name]
        else:
            assert getattr(opt, name) == params[name]


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_pickled_optimizer_continues_identically(solver, seed):
    """The work arrays are not pickled but allocated again; the state
    (velocity, moments, step count) is, so training continues the same."""
    import pickle

    opt = (_sgd if solver == "sgd" else _adam)(learning_rate_init=0.05)
    params = _params(seed)
    grads = _grads(seed)
    for grad in grads[:2]:
        opt.step(params, grad.copy())
    assert not set(opt._scratch) & set(opt.__getstate__())
    restored, params_restored = pickle.loads(pickle.dumps(opt)), params.copy()
    for grad in grads[2:]:
        opt.step(params, grad.copy())
        restored.step(params_restored, grad.copy())
    assert_array_equal(params_restored, params)


# -- decoupled weight decay through the estimators ------------------------------------

X_reg, y_reg = make_regression(
    n_samples=120, n_features=8, n_informative=5, noise=5.0, random_state=2
)
X_reg = (X_reg - X_reg.mean(axis=0)) / X_reg.std(axis=0)
y_reg = (y_reg - y_reg.mean()) / y_reg.std()


def _same_params(a, b):
    pairs = zip([*a.coefs_, *a.intercepts_], [*b.coefs_, *b.intercepts_], strict=True)
    for x, y in pairs:
        assert_allclose(x, y, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("batch_size", [120, 32], ids=["full_batch", "minibatch"])
def test_sgd_weight_decay_matches_l2_step_for_step(batch_size):
    """Without momentum, SGDW's w <- w - lr*(grad + wd*w) is the L2 step."""
    params = dict(
        hidden_layer_sizes=(8,),
        solver="sgd",
        momentum=0.0,
        learning_rate_init=0.05,
        batch_size=batch_size,
        random_state=0,
    )
    decay = RegMLPRegressor(penalty=None, weight_decay=0.01, **params)
    l2 = RegMLPRegressor(penalty="l2", alpha=0.01, **params)
    for _ in range(15):  # one epoch per call, the same batches for both
        decay.partial_fit(X_reg, y_reg)
        l2.partial_fit(X_reg, y_reg)
        _same_params(decay, l2)
    # the data terms agree; only l2 counts the penalty in J
    assert_allclose(decay.data_loss_curve_, l2.data_loss_curve_, rtol=1e-10)
    assert_allclose(decay.loss_curve_, decay.data_loss_curve_, rtol=0)
    assert np.all(np.array(l2.loss_curve_) > np.array(l2.data_loss_curve_))

    # fit() too: 15 epochs, the same shuffles for both
    fit_params = dict(max_iter=15, n_iter_no_change=100, **params)
    decay = RegMLPRegressor(penalty=None, weight_decay=0.01, **fit_params)
    l2 = RegMLPRegressor(penalty="l2", alpha=0.01, **fit_params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        decay.fit(X_reg, y_reg)
        l2.fit(X_reg, y_reg)
    _same_params(decay, l2)


def _fixed_init(fan_in, fan_out, rng):
    """Weights that do not depend on the fit's rng, so a test knows them."""
    seeded = np.random.RandomState(100 * fan_in + fan_out)
    return seeded.uniform(-0.5, 0.5, (fan_in, fan_out))


def test_adam_weight_decay_is_decoupled():
    """One AdamW step: the decay is -lr * wd * w, outside Adam's rescaling,
    and the biases are not decayed (PyTorch's AdamW)."""
    params = dict(
        hidden_layer_sizes=(6,),
        init=_fixed_init,
        penalty=None,
        learning_rate_init=0.01,
        batch_size=len(X_reg),
        max_iter=1,
        shuffle=False,
    )
    w0 = [_fixed_init(8, 6, None), _fixed_init(6, 1, None)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain = RegMLPRegressor(**params).fit(X_reg, y_reg)
        decayed = RegMLPRegressor(weight_decay=0.3, **params).fit(X_reg, y_reg)
    for Wp, Wd, W0 in zip(plain.coefs_, decayed.coefs_, w0, strict=True):
        assert_allclose(Wd - Wp, -0.01 * 0.3 * W0, rtol=1e-9, atol=1e-15)
    for bp, bd in zip(plain.intercepts_, decayed.intercepts_, strict=True):
        assert_array_equal(bp, bd)


@pytest.mark.parametrize(
    "solver, strength, settings, min_difference",
    [
        ("sgd", 0.05, dict(momentum=0.9, learning_rate_init=0.01, max_iter=30), 0.05),
        ("adam", 0.1, dict(learning_rate_init=0.01, max_iter=300), 0.1),
    ],
    ids=["sgd-momentum", "adam"],
)
def test_decoupled_weight_decay_is_not_l2(solver, strength, settings, min_difference):
    """With momentum, L2's gradient accumulates in the velocity (1 / (1 -
    momentum) times stronger) and SGDW's decay does not; with Adam, L2's
    gradient is rescaled per coordinate and AdamW's decay is not. So the same
    strength shrinks the weights, but less than L2 does."""
    params = dict(hidden_layer_sizes=(8,), solver=solver, random_state=0, **settings)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        decay = RegMLPRegressor(penalty=None, weight_decay=strength, **params)
        l2 = RegMLPRegressor(penalty="l2", alpha=strength, **params)
        free = RegMLPRegressor(penalty=None, **params)
        w_decay, w_l2, w_free = (
            np.concatenate([c.ravel() for c in m.fit(X_reg, y_reg).coefs_])
            for m in (decay, l2, free)
        )
    assert np.linalg.norm(w_decay - w_l2) > min_difference * np.linalg.norm(w_l2)
    norm = np.linalg.norm
    assert norm(w_l2) < norm(w_decay) < norm(w_free)
