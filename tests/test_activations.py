"""The activation objects of ``skregnet._activations`` against their formulas.

Values come from SPEC §2's list (leaky_relu's slope 0.01) written with
NumPy/SciPy here; derivatives from central differences, so every registered
activation (a new one included) is checked through the registry.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit, softmax

from skregnet._activations import ACTIVATIONS, OUTPUT_ACTIVATIONS
from skregnet._initializers import INITIALIZERS

SPEC_HIDDEN = {
    "identity": lambda z: z,
    "logistic": expit,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
}

SPEC_OUTPUT = {
    "identity": lambda z: z,
    "logistic": expit,
    "softmax": lambda z: softmax(z, axis=1),
    "exp": np.exp,
}


def _pre_activations(seed, shape=(20, 4)):
    """Values away from 0, where ReLU's kink would spoil finite differences."""
    z = np.random.RandomState(seed).normal(scale=2.0, size=shape)
    z[np.abs(z) < 1e-3] = 0.5
    return z


@pytest.mark.parametrize("name", SPEC_HIDDEN)
def test_hidden_values(name, seed):
    Z = _pre_activations(seed)
    assert_allclose(
        ACTIVATIONS[name].forward(Z.copy()), SPEC_HIDDEN[name](Z), rtol=1e-14
    )


@pytest.mark.parametrize("name", SPEC_OUTPUT)
def test_output_values(name, seed):
    Z = _pre_activations(seed)
    assert_allclose(
        OUTPUT_ACTIVATIONS[name].forward(Z.copy()), SPEC_OUTPUT[name](Z), rtol=1e-13
    )


@pytest.mark.parametrize("n_classes", [3, 40], ids=["narrow", "wide"])
def test_softmax_is_stable_on_large_scores(n_classes, seed):
    """Both code paths (column-by-column max up to 16 classes, row max above)."""
    Z = 1000.0 + _pre_activations(seed, (10, n_classes))
    P = OUTPUT_ACTIVATIONS["softmax"].forward(Z.copy())
    assert np.isfinite(P).all()
    assert_allclose(P.sum(axis=1), 1.0, rtol=1e-14)
    assert_allclose(P, softmax(Z, axis=1), rtol=1e-12)


ALL_ACTIVATIONS = [
    *(("hidden", name) for name in ACTIVATIONS),
    *(("output", name) for name in OUTPUT_ACTIVATIONS),
]


@pytest.mark.parametrize(
    "kind, name", ALL_ACTIVATIONS, ids=[f"{k}-{n}" for k, n in ALL_ACTIVATIONS]
)
def test_forward_is_in_place(kind, name, seed):
    registry = ACTIVATIONS if kind == "hidden" else OUTPUT_ACTIVATIONS
    Z = _pre_activations(seed)
    assert np.shares_memory(registry[name].forward(Z), Z)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_backward_is_the_derivative_from_the_output(name, seed):
    """``backward(f(z), delta)`` is ``delta * f'(z)``, f' by central differences."""
    activation = ACTIVATIONS[name]
    Z = _pre_activations(seed)
    h = 1e-6
    derivative = (activation.forward(Z + h) - activation.forward(Z - h)) / (2 * h)
    delta = np.random.RandomState(seed + 1).normal(size=Z.shape)
    A = activation.forward(Z.copy())
    out = activation.backward(A, delta.copy())
    assert_allclose(out, delta * derivative, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_gain_at_zero_is_the_right_derivative_at_zero(name):
    activation = ACTIVATIONS[name]
    h = 1e-7
    Z = np.array([[0.0, h]])
    f0, fh = activation.forward(Z)[0]
    assert_allclose(activation.gain_at_zero, (fh - f0) / h, rtol=1e-6)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_default_init_is_an_initializer(name):
    assert ACTIVATIONS[name].default_init in INITIALIZERS


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_dtype_is_kept(name, dtype, seed):
    activation = ACTIVATIONS[name]
    Z = _pre_activations(seed).astype(dtype)
    A = activation.forward(Z)
    delta = activation.backward(A, np.ones_like(A))
    assert A.dtype == dtype and delta.dtype == dtype
