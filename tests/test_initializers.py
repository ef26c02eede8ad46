"""The weight initializers of ``skregnet._initializers`` (SPEC §3).

Expectations are computed from the SPEC table (``EXPECTED`` below), never from
the implementation: a factor of 2 in a variance, fan_in and fan_out swapped or
the tutorial "Xavier" range U(sqrt(2/n_in), sqrt(2/n_out)) all fail. Every
registered initializer (a new one included) is also checked for its shape,
its scaling by ``init_scale`` and its reproducibility.
"""

import warnings
from itertools import pairwise

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.stats import truncnorm
from sklearn.exceptions import ConvergenceWarning

from skregnet import RegMLPClassifier
from skregnet._initializers import INITIALIZERS, init_weights, resolve_init


def _gain(scale):
    return 1.0 if scale is None else scale


def _fixed(default):
    return lambda fan_in, fan_out, scale: default if scale is None else scale


# name -> (distribution, function (fan_in, fan_out, scale) -> sigma / bound / gain)
EXPECTED = {
    "zeros": ("zeros", lambda fan_in, fan_out, scale: 0.0),
    "uniform": ("uniform", _fixed(0.05)),
    "normal": ("normal", _fixed(0.01)),
    "truncated_normal": ("truncated_normal", _fixed(0.01)),
    "glorot_uniform": (
        "uniform",
        lambda fan_in, fan_out, s: _gain(s) * np.sqrt(6 / (fan_in + fan_out)),
    ),
    "xavier_uniform": (
        "uniform",
        lambda fan_in, fan_out, s: _gain(s) * np.sqrt(6 / (fan_in + fan_out)),
    ),
    "glorot_normal": (
        "normal",
        lambda fan_in, fan_out, s: np.sqrt(_gain(s) ** 2 * 2 / (fan_in + fan_out)),
    ),
    "xavier_normal": (
        "normal",
        lambda fan_in, fan_out, s: np.sqrt(_gain(s) ** 2 * 2 / (fan_in + fan_out)),
    ),
    "he_uniform": (
        "uniform",
        lambda fan_in, fan_out, s: _gain(s) * np.sqrt(6 / fan_in),
    ),
    "kaiming_uniform": (
        "uniform",
        lambda fan_in, fan_out, s: _gain(s) * np.sqrt(6 / fan_in),
    ),
    "he_normal": (
        "normal",
        lambda fan_in, fan_out, s: np.sqrt(_gain(s) ** 2 * 2 / fan_in),
    ),
    "kaiming_normal": (
        "normal",
        lambda fan_in, fan_out, s: np.sqrt(_gain(s) ** 2 * 2 / fan_in),
    ),
    "lecun_uniform": (
        "uniform",
        lambda fan_in, fan_out, s: _gain(s) * np.sqrt(3 / fan_in),
    ),
    "lecun_normal": (
        "normal",
        lambda fan_in, fan_out, s: np.sqrt(_gain(s) ** 2 / fan_in),
    ),
    "orthogonal": ("orthogonal", lambda fan_in, fan_out, s: _gain(s)),
}

ALIASES = [
    ("xavier_uniform", "glorot_uniform"),
    ("xavier_normal", "glorot_normal"),
    ("kaiming_uniform", "he_uniform"),
    ("kaiming_normal", "he_normal"),
]

# fan_in == fan_out would hide a swap of fan_in and fan_out: both ways
SHAPES = [(400, 300), (400, 100), (100, 400)]
SHAPE_IDS = [f"{a}x{b}" for a, b in SHAPES]
SCALES = [None, 0.3, 2.0]
SCALE_IDS = ["default", "scale0.3", "scale2"]

# standard deviation of N(0, 1) truncated to [-2, 2]
TRUNCATED_STD = truncnorm(-2, 2).std()


def _check_distribution(W, kind, spread):
    """Check the statistics of ``W`` against a distribution of SPEC §3."""
    n = W.size
    if kind == "zeros":
        assert np.count_nonzero(W) == 0
        return
    if kind == "orthogonal":
        fan_in, fan_out = W.shape
        gram = W.T @ W if fan_in >= fan_out else W @ W.T
        assert_allclose(gram, spread**2 * np.eye(min(W.shape)), rtol=0, atol=1e-10)
        return
    if kind == "uniform":
        std = spread / np.sqrt(3)
    elif kind == "truncated_normal":
        std = spread * TRUNCATED_STD
    else:
        std = spread
    # sampling errors: mean ~ std / sqrt(n), relative std error ~ 1 / sqrt(2 n)
    assert abs(W.mean()) < 5 * std / np.sqrt(n)
    assert_allclose(W.std(), std, rtol=0.02)
    if kind == "uniform":
        # all values in [-c, c], and both ends reached
        assert W.max() <= spread
        assert W.min() >= -spread
        assert W.max() >= 0.999 * spread
        assert W.min() <= -0.999 * spread
    elif kind == "truncated_normal":
        assert np.abs(W).max() <= 2 * spread
        assert np.abs(W).max() >= 1.99 * spread
    else:
        # a normal sample of this size goes well beyond a uniform's sqrt(3) std
        assert np.abs(W).max() > 3.5 * spread


@pytest.mark.parametrize("scale", SCALES, ids=SCALE_IDS)
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("name", EXPECTED)
def test_initializer_statistics(name, shape, scale, seed):
    """Every scheme of SPEC §3 is registered and draws from its formula."""
    fan_in, fan_out = shape
    rng = np.random.RandomState(seed)
    W = INITIALIZERS[name](fan_in, fan_out, rng, scale)
    kind, spread = EXPECTED[name]
    _check_distribution(W, kind, spread(fan_in, fan_out, scale))


@pytest.mark.parametrize(
    "name, default",
    [("uniform", 0.05), ("normal", 0.01), ("truncated_normal", 0.01)],
    ids=["uniform", "normal", "truncated_normal"],
)
def test_fixed_scale_defaults_do_not_depend_on_fans(name, default, seed):
    """The fixed schemes ignore fan_in/fan_out: same sigma/bound for any shape."""
    small = INITIALIZERS[name](20, 2000, np.random.RandomState(seed))
    large = INITIALIZERS[name](2000, 20, np.random.RandomState(seed))
    kind = EXPECTED[name][0]
    _check_distribution(small, kind, default)
    _check_distribution(large, kind, default)


@pytest.mark.parametrize("alias, name", ALIASES, ids=[a for a, _ in ALIASES])
def test_aliases_are_the_same_function(alias, name):
    assert INITIALIZERS[alias] is INITIALIZERS[name]


# -- every registered initializer (a new one included) ---------------------------


@pytest.mark.parametrize("shape", [(7, 3), (3, 7)], ids=["7x3", "3x7"])
@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_shape_dtype_and_finite(name, shape, seed):
    W = INITIALIZERS[name](*shape, np.random.RandomState(seed), None)
    assert W.shape == shape
    assert W.dtype == np.float64
    assert np.isfinite(W).all()


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_init_scale_scales_the_weights(name, seed):
    """``init_scale`` is a standard deviation, a bound or a gain: with the same
    draws, the weights are proportional to it."""
    W_small = INITIALIZERS[name](30, 20, np.random.RandomState(seed), 0.5)
    W_large = INITIALIZERS[name](30, 20, np.random.RandomState(seed), 2.0)
    assert_allclose(W_large, 4 * W_small, rtol=1e-12, atol=0)


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_same_seed_gives_identical_weights(name, seed):
    W1 = INITIALIZERS[name](30, 20, np.random.RandomState(seed), None)
    W2 = INITIALIZERS[name](30, 20, np.random.RandomState(seed), None)
    assert_array_equal(W1, W2)
    if name != "zeros":
        W3 = INITIALIZERS[name](30, 20, np.random.RandomState(seed + 1), None)
        assert not np.array_equal(W1, W3)


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_global_numpy_random_state_is_not_used(name, seed):
    # the global state is touched on purpose, to show it is not used
    np.random.seed(1)  # noqa: NPY002
    W1 = INITIALIZERS[name](30, 20, np.random.RandomState(seed), None)
    np.random.seed(2)  # noqa: NPY002
    np.random.rand(7)  # noqa: NPY002
    W2 = INITIALIZERS[name](30, 20, np.random.RandomState(seed), None)
    assert_array_equal(W1, W2)


@pytest.mark.parametrize(
    "activation, expected",
    [
        ("relu", "he_normal"),
        ("leaky_relu", "he_normal"),
        ("tanh", "glorot_uniform"),
        ("logistic", "glorot_uniform"),
        ("identity", "glorot_uniform"),
    ],
    ids=["relu", "leaky_relu", "tanh", "logistic", "identity"],
)
def test_resolve_auto(activation, expected):
    assert resolve_init("auto", activation) is INITIALIZERS[expected]


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_resolve_named(name):
    assert resolve_init(name, "relu") is INITIALIZERS[name]


def test_callable_is_called_with_fans_and_rng(seed):
    calls = []

    def init(fan_in, fan_out, rng):
        calls.append((fan_in, fan_out))
        return rng.normal(size=(fan_in, fan_out))

    fn = resolve_init(init, "relu")
    W1 = fn(3, 5, np.random.RandomState(seed), None)
    W2 = fn(3, 5, np.random.RandomState(seed), None)
    assert calls == [(3, 5), (3, 5)]
    assert W1.shape == (3, 5)
    assert_array_equal(W1, W2)
    assert_array_equal(W1, np.random.RandomState(seed).normal(size=(3, 5)))


@pytest.mark.parametrize(
    "bad_shape",
    [lambda fi, fo: (fo, fi), lambda fi, fo: (fi,), lambda fi, fo: (fi, fo, 1)],
    ids=["transposed", "1d", "3d"],
)
def test_callable_wrong_shape_raises(bad_shape, seed):
    fn = resolve_init(lambda fi, fo, rng: np.ones(bad_shape(fi, fo)), "relu")
    with pytest.raises(ValueError, match=r"shape.*\(3, 4\)"):
        fn(3, 4, np.random.RandomState(seed), None)


def test_callable_non_finite_raises(seed):
    fn = resolve_init(lambda fi, fo, rng: np.full((fi, fo), np.nan), "relu")
    with pytest.raises(ValueError, match="finite"):
        fn(3, 4, np.random.RandomState(seed), None)


def test_init_weights_fills_every_layer(seed):
    layer_units = [30, 40, 20, 3]
    out = [np.full((a, b), np.nan) for a, b in pairwise(layer_units)]
    rng = np.random.RandomState(seed)
    init_weights(INITIALIZERS["lecun_uniform"], layer_units, rng, None, out)
    for W, fan_in in zip(out, layer_units[:-1], strict=False):
        bound = np.sqrt(3 / fan_in)
        assert np.isfinite(W).all()
        assert np.abs(W).max() <= bound
        assert np.abs(W).max() > 0.9 * bound
    # the layers are successive draws, not one draw repeated
    assert not np.array_equal(out[1][:20, :3], out[2][:20, :3])


def test_init_weights_zeros_warns_with_hidden_layer(seed):
    layer_units = [3, 4, 2]
    out = [np.empty((3, 4)), np.empty((4, 2))]
    with pytest.warns(UserWarning, match="symmetry"):
        init_weights(
            INITIALIZERS["zeros"], layer_units, np.random.RandomState(seed), None, out
        )
    assert np.count_nonzero(out[0]) == 0
    assert np.count_nonzero(out[1]) == 0


def test_init_weights_zeros_silent_without_hidden_layer(seed):
    out = [np.empty((3, 2))]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        init_weights(
            INITIALIZERS["zeros"], [3, 2], np.random.RandomState(seed), None, out
        )
    assert np.count_nonzero(out[0]) == 0


# -- through the estimator ---------------------------------------------------


def _data(seed, n_samples=60, n_features=10):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features))
    y = (X[:, 0] + 0.5 * rng.normal(size=n_samples) > 0).astype(int)
    return X, y


def _barely_trained(seed, **params):
    """A classifier after one SGD epoch with a negligible learning rate."""
    X, y = _data(seed)
    est = RegMLPClassifier(
        solver="sgd",
        learning_rate_init=1e-12,
        max_iter=1,
        random_state=seed,
        **params,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


@pytest.mark.parametrize(
    "init, activation, kind, spread",
    [
        ("he_normal", "relu", "normal", np.sqrt(2 / 10)),
        ("glorot_uniform", "tanh", "uniform", np.sqrt(6 / 210)),
        ("lecun_normal", "tanh", "normal", np.sqrt(1 / 10)),
        ("auto", "relu", "normal", np.sqrt(2 / 10)),
        ("auto", "logistic", "uniform", np.sqrt(6 / 210)),
        ("uniform", "relu", "uniform", 0.05),
        ("normal", "relu", "normal", 0.01),
    ],
    ids=[
        "he_normal",
        "glorot_uniform",
        "lecun_normal",
        "auto-relu",
        "auto-logistic",
        "uniform",
        "normal",
    ],
)
def test_estimator_initial_weights(init, activation, kind, spread, seed):
    est = _barely_trained(
        seed, hidden_layer_sizes=(200,), init=init, activation=activation
    )
    W = est.coefs_[0]
    assert W.shape == (10, 200)
    # loose: 2000 weights, and they moved by ~1e-12
    assert abs(W.mean()) < 5 * spread / np.sqrt(W.size)
    expected_std = spread / np.sqrt(3) if kind == "uniform" else spread
    assert_allclose(W.std(), expected_std, rtol=0.1)
    if kind == "uniform":
        assert np.abs(W).max() <= spread * (1 + 1e-6)
        assert np.abs(W).max() > 0.99 * spread
    for b in est.intercepts_:
        assert_allclose(b, 0.0, rtol=0, atol=1e-9)


@pytest.mark.parametrize(
    "init, kind, spread",
    [
        ("normal", "normal", 0.2),
        ("uniform", "uniform", 0.2),
        ("he_normal", "normal", 3.0 * np.sqrt(2 / 10)),
    ],
    ids=["normal", "uniform", "he_normal"],
)
def test_estimator_init_scale(init, kind, spread, seed):
    scale = 0.2 if init in ("normal", "uniform") else 3.0
    est = _barely_trained(seed, hidden_layer_sizes=(200,), init=init, init_scale=scale)
    W = est.coefs_[0]
    expected_std = spread / np.sqrt(3) if kind == "uniform" else spread
    assert_allclose(W.std(), expected_std, rtol=0.1)


def test_estimator_callable_init(seed):
    est = _barely_trained(
        seed,
        hidden_layer_sizes=(4,),
        init=lambda fan_in, fan_out, rng: np.full((fan_in, fan_out), 0.25),
    )
    assert [W.shape for W in est.coefs_] == [(10, 4), (4, 1)]
    for W in est.coefs_:
        assert_allclose(W, 0.25, rtol=0, atol=1e-9)
