"""Activation functions, applied in place, with derivatives from their output.

Each activation is a small object (an ``Activation``) with two methods and
two facts:

- ``forward(Z)`` overwrites the pre-activations ``Z`` with ``f(Z)``;
- ``backward(A, delta)`` multiplies ``delta`` in place by ``f'(z)``, computed
  from the *output* ``A = f(z)`` (so the forward pass need not keep ``Z``);
- ``gain_at_zero``, ``f'(0)`` (from the right): how much of a small signal a
  layer passes on, which the alpha grid of ``skregnet._path`` uses;
- ``default_init``, the initializer ``init="auto"`` picks for it.

``ACTIVATIONS`` holds the hidden-layer choices (its keys are the allowed values
of the ``activation`` parameter: adding an activation is one class and one
line there); ``OUTPUT_ACTIVATIONS`` the output layers, which are paired with
a loss through its canonical link (see ``_losses.py``).
"""

import numpy as np
from scipy.special import expit

LEAKY_RELU_SLOPE = 0.01

_constants = {}


def _constant(value, n, dtype):
    """A read-only vector of ``n`` times ``value`` (cached: the batch loop
    asks for the same few at every step)."""
    key = (value, n, np.dtype(dtype))
    vector = _constants.get(key)
    if vector is None:
        if len(_constants) > 64:
            _constants.clear()
        vector = np.full(n, value, dtype=dtype)
        vector.flags.writeable = False
        _constants[key] = vector
    return vector


def _zeros(n, dtype):
    return _constant(0, n, dtype)


def ones(n, dtype):
    """A read-only vector of ``n`` ones: ``A @ ones(k)`` sums the rows of
    ``A`` (a GEMV, several times faster than ``A.sum(axis=1)`` on short rows,
    and ``ones(n) @ A`` than ``A.sum(axis=0)``)."""
    return _constant(1, n, dtype)


class Activation:
    """Base class of the hidden-layer activations."""

    #: f'(0), from the right
    gain_at_zero: float
    #: the ``init`` that ``init="auto"`` chooses (Glorot suits activations
    #: that are linear near zero and symmetric, He the ReLU family)
    default_init = "glorot_uniform"

    def forward(self, Z):
        """Overwrite ``Z`` with ``f(Z)`` and return it."""
        raise NotImplementedError

    def backward(self, A, delta):
        """Multiply ``delta`` in place by ``f'`` at the output ``A``; return it."""
        raise NotImplementedError


class Identity(Activation):
    """f(z) = z."""

    gain_at_zero = 1.0

    def forward(self, Z):
        return Z

    def backward(self, A, delta):
        return delta


class Logistic(Activation):
    """f(z) = 1 / (1 + exp(-z)); f' = f (1 - f)."""

    gain_at_zero = 0.25

    def forward(self, Z):
        return expit(Z, out=Z)

    def backward(self, A, delta):
        delta *= A
        delta *= 1.0 - A
        return delta


class Tanh(Activation):
    """f(z) = tanh(z); f' = 1 - f**2."""

    gain_at_zero = 1.0

    def forward(self, Z):
        return np.tanh(Z, out=Z)

    def backward(self, A, delta):
        factor = np.square(A)  # one temporary, reused for 1 - A**2
        np.subtract(1.0, factor, out=factor)
        delta *= factor
        return delta


class ReLU(Activation):
    """f(z) = max(z, 0); f' = 1 where f > 0, else 0."""

    gain_at_zero = 1.0
    default_init = "he_normal"

    def forward(self, Z):
        # NumPy's float32 maximum against a scalar is not vectorized: against
        # a row of zeros it is about 3 times faster (float64's is as fast)
        zero = _zeros(Z.shape[-1], Z.dtype) if Z.dtype == np.float32 else 0
        return np.maximum(Z, zero, out=Z)

    def backward(self, A, delta):
        # a multiply by the 0/1 mask is several times faster than the boolean
        # assignment ``delta[A <= 0] = 0`` (no scatter, no branches)
        np.multiply(delta, A > 0, out=delta)
        return delta


class LeakyReLU(Activation):
    """f(z) = z for z > 0, else 0.01 z (the slope of Maas et al., 2013)."""

    gain_at_zero = 1.0
    default_init = "he_normal"

    def forward(self, Z):
        # max(z, slope z) is z for z > 0 and slope z otherwise (0 < slope < 1),
        # much faster than the boolean-masked ``Z[Z < 0] *= slope``
        return np.maximum(Z, Z * LEAKY_RELU_SLOPE, out=Z)

    def backward(self, A, delta):
        # f' as a multiplier, (A > 0) (1 - slope) + slope: 1 (exactly, in
        # float32 and float64) or slope; several times faster than a masked
        # multiply or np.where, whose branches a random mask defeats
        one, slope = delta.dtype.type(1), delta.dtype.type(LEAKY_RELU_SLOPE)
        factor = (A > 0).astype(delta.dtype)
        factor *= one - slope
        factor += slope
        delta *= factor
        return delta


class Softmax:
    """Row-wise softmax, only used as the output of multiclass classifiers.

    Output activations need only ``forward``: their loss's canonical link
    gives the output delta directly (``_losses.py``).
    """

    #: below this many rows NumPy's row-wise max and sum are faster (by
    #: about 25 us on one row: prediction's latency)
    few_rows = 64

    def forward(self, Z):
        n, k = Z.shape
        if n < self.few_rows:
            Z -= Z.max(axis=1, keepdims=True)
            np.exp(Z, out=Z)
            Z /= Z.sum(axis=1, keepdims=True)
            return Z
        # the row maxima taken at argmax: NumPy's max over a short axis is
        # several times slower than its argmax (same values, NaN included)
        at_max = Z.argmax(axis=1)
        at_max += np.arange(0, n * k, k)
        Z -= Z.take(at_max)[:, None]
        np.exp(Z, out=Z)
        Z /= (Z @ ones(k, Z.dtype))[:, None]
        return Z


class Exp:
    """f(z) = exp(z), the output of the Poisson regressor (log link).

    z is capped where exp would overflow, so a prediction is never inf.
    """

    def forward(self, Z):
        np.minimum(Z, np.log(np.finfo(Z.dtype).max), out=Z)
        return np.exp(Z, out=Z)


ACTIVATIONS = {
    "identity": Identity(),
    "logistic": Logistic(),
    "tanh": Tanh(),
    "relu": ReLU(),
    "leaky_relu": LeakyReLU(),
}

OUTPUT_ACTIVATIONS = {
    "identity": Identity(),
    "logistic": Logistic(),
    "softmax": Softmax(),
    "exp": Exp(),
}
