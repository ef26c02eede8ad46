"""The losses of ``skregnet._losses`` against SPEC §1's formulas.

Values from SPEC §1's table written with NumPy here; the canonical-link
gradient and the curvature by central differences in the output layer's
pre-activation, over the whole registry (a new loss included), on 0/1
targets, which every loss accepts.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit, softmax

from skregnet._activations import OUTPUT_ACTIVATIONS
from skregnet._losses import LOSSES

N = 12


def _spec_per_sample(name, y, p):
    """Per-sample losses, summed over outputs (SPEC §1)."""
    if name == "squared_error":
        return 0.5 * ((y - p) ** 2).sum(axis=1)
    if name == "poisson":
        return (p - y * np.log(p)).sum(axis=1)
    if name == "binary_log_loss":
        return (-y * np.log(p) - (1 - y) * np.log(1 - p)).sum(axis=1)
    assert name == "log_loss"
    return -np.log(p[y.astype(bool)])


SPEC_OUT_ACTIVATION = {
    "squared_error": "identity",
    "poisson": "exp",
    "binary_log_loss": "logistic",
    "log_loss": "softmax",
}
SPEC_LINK = {"identity": lambda z: z, "exp": np.exp, "logistic": expit}


def _one_hot(seed, n_outputs=3):
    labels = np.arange(N) % n_outputs
    np.random.RandomState(seed).shuffle(labels)
    return np.eye(n_outputs)[labels]


def _weights(seed):
    s = np.random.RandomState(seed + 1).uniform(0.2, 3.0, size=N)
    return s / s.sum()


def _predict(loss, Z):
    return OUTPUT_ACTIVATIONS[loss.out_activation].forward(Z.copy())


@pytest.mark.parametrize("name", SPEC_OUT_ACTIVATION)
def test_out_activation_is_the_canonical_link(name):
    assert LOSSES[name].out_activation == SPEC_OUT_ACTIVATION[name]


#: targets each loss of SPEC §1 takes: real, counts, 0/1 labels, one-hot
SPEC_TARGETS = {
    "squared_error": lambda rng, k: rng.normal(size=(N, k)),
    "poisson": lambda rng, k: rng.poisson(1.5, size=(N, k)).astype(float),
    "binary_log_loss": lambda rng, k: rng.randint(0, 2, size=(N, k)).astype(float),
    "log_loss": lambda rng, k: np.eye(k)[rng.randint(0, k, size=N)],
}


# softmax needs two classes or more
VALUE_CASES = [
    ("squared_error", 1),
    ("squared_error", 3),
    ("poisson", 1),
    ("poisson", 3),
    ("binary_log_loss", 1),  # binary
    ("binary_log_loss", 3),  # multilabel
    ("log_loss", 2),
    ("log_loss", 3),
]


@pytest.mark.parametrize(
    "name, n_outputs", VALUE_CASES, ids=[f"{name}-{k}" for name, k in VALUE_CASES]
)
def test_value_is_the_weighted_mean_of_spec_losses(name, n_outputs, seed):
    rng = np.random.RandomState(seed)
    Z = rng.normal(size=(N, n_outputs))
    link = SPEC_OUT_ACTIVATION[name]
    p = softmax(Z, axis=1) if link == "softmax" else SPEC_LINK[link](Z)
    y = SPEC_TARGETS[name](rng, n_outputs)
    sw = _weights(seed)
    loss = LOSSES[name]
    value = loss.value(y, p, sw)
    assert type(value) is float
    expected = _spec_per_sample(name, y, p)
    assert_allclose(value, sw @ expected, rtol=1e-13)
    assert_allclose(loss.per_sample(y, p), expected, rtol=1e-13)
    # the training path computes it in a work array, which changes nothing
    work = np.empty_like(p)
    assert_allclose(loss.value(y, p, sw, work=work), value, rtol=1e-15)


@pytest.mark.parametrize("name", LOSSES)
def test_raw_grad_is_the_gradient_in_the_pre_activation(name, seed):
    """The canonical link: d value / d z = sw * (y_pred - y)."""
    loss = LOSSES[name]
    y, sw = _one_hot(seed), _weights(seed)
    Z = np.random.RandomState(seed).normal(size=y.shape)
    grad = loss.raw_grad(y, _predict(loss, Z), sw, out=np.empty_like(Z))
    h = 1e-6
    numeric = np.empty_like(Z)
    for index in np.ndindex(Z.shape):
        up, down = Z.copy(), Z.copy()
        up[index] += h
        down[index] -= h
        numeric[index] = (
            loss.value(y, _predict(loss, up), sw)
            - loss.value(y, _predict(loss, down), sw)
        ) / (2 * h)
    assert_allclose(grad, numeric, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("name", LOSSES)
def test_curvature_is_the_second_derivative_at_a_constant_prediction(name, seed):
    loss = LOSSES[name]
    y = _one_hot(seed)
    z = np.array([[0.3, -0.4, 0.1]])
    sw = np.ones(1)
    h = 1e-5
    numeric = np.empty(3)
    for k in range(3):
        up, down = z.copy(), z.copy()
        up[0, k] += h
        down[0, k] -= h
        g_up = loss.raw_grad(y[:1], _predict(loss, up), sw, out=np.empty_like(z))
        g_down = loss.raw_grad(y[:1], _predict(loss, down), sw, out=np.empty_like(z))
        numeric[k] = (g_up[0, k] - g_down[0, k]) / (2 * h)
    assert_allclose(loss.curvature(_predict(loss, z)[0]), numeric, rtol=1e-6)


@pytest.mark.parametrize("name", LOSSES)
def test_null_prediction_zeroes_the_bias_gradient(name, seed):
    """The best constant prediction: the output biases' gradient vanishes."""
    loss = LOSSES[name]
    y, sw = _one_hot(seed), _weights(seed)
    constant = np.tile(loss.null_prediction(y, sw), (N, 1))
    grad = loss.raw_grad(y, constant, sw, out=np.empty_like(constant))
    assert_allclose(grad.sum(axis=0), 0.0, atol=1e-15)


@pytest.mark.parametrize(
    "name, y",
    [
        ("squared_error", [[0.0], [1.5], [-2.0]]),
        ("poisson", [[0.0], [1.0], [4.0]]),
        ("binary_log_loss", [[0.0], [1.0], [1.0]]),
        ("log_loss", [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]),
    ],
    ids=["squared_error", "poisson", "binary_log_loss", "log_loss"],
)
def test_floor_is_the_loss_at_a_perfect_fit(name, y, seed):
    """``floor`` is the value at y_pred = y, below which no prediction goes;
    Poisson's is negative for y > e (its loss is not the deviance), which
    ``inverse_loss`` measures from."""
    loss = LOSSES[name]
    y, sw = np.array(y), np.full(3, 1 / 3)
    floor = loss.floor(y, sw)
    assert_allclose(floor, loss.value(y, y.copy(), sw), atol=1e-14)
    if name == "poisson":
        assert floor < 0
    Z = np.random.RandomState(seed).normal(size=(50, 3, y.shape[1]))
    for z in Z:  # no prediction goes below it
        assert loss.value(y, _predict(loss, z), sw) >= floor


@pytest.mark.parametrize("name", LOSSES)
def test_float32_stays_float32(name, seed):
    loss = LOSSES[name]
    y = _one_hot(seed).astype(np.float32)
    sw = _weights(seed).astype(np.float32)
    p = _predict(
        loss, np.random.RandomState(seed).normal(size=y.shape).astype(np.float32)
    )
    out = loss.raw_grad(y, p, sw, out=np.empty_like(p))
    assert out.dtype == np.float32
    assert loss.per_sample(y, p).dtype == np.float32
    p64 = p.astype(np.float64)
    assert_allclose(
        loss.value(y, p, sw),
        loss.value(y.astype(float), p64, sw.astype(float)),
        rtol=1e-5,
    )


def test_poisson_rejects_negative_targets():
    with pytest.raises(ValueError, match="negative"):
        LOSSES["poisson"].check_targets(np.array([[1.0], [-0.5]]))
    for name in ["squared_error", "poisson"]:
        LOSSES[name].check_targets(np.array([[0.0], [3.0]]))  # no error
