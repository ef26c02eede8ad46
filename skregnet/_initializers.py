"""Weight initializers (SPEC §3).

Every initializer is a function ``init(fan_in, fan_out, rng, scale=None)``
returning a float64 array of shape ``(fan_in, fan_out)``. The random generator
is always passed in (never the global one), so the same ``random_state`` gives
bit-identical weights. ``scale`` is the ``init_scale`` parameter: the standard
deviation or bound of the fixed-scale schemes, the gain of the others.

The named variance-scaling schemes (Glorot/Xavier, He/Kaiming, LeCun) all come
from one factory, ``_variance_scaling``, as in jax's initializers: the variance
is ``gain**2 * base / fan``, drawn from a normal distribution or from a uniform
one with the same variance (bound ``sqrt(3 * variance)``). Aliases are
registry entries pointing to the same function.
"""

import numpy as np

from skregnet._activations import ACTIVATIONS
from skregnet._utils import warn


def _variance_scaling(base, mode, distribution):
    """Initializer with variance ``gain**2 * base / fan`` (fan given by ``mode``)."""

    def init(fan_in, fan_out, rng, scale=None):
        gain = 1.0 if scale is None else scale
        fan = {"fan_in": fan_in, "fan_avg": (fan_in + fan_out) / 2}[mode]
        # the standard deviation as gain * sqrt(base / fan): no overflow
        # in gain**2 for a huge init_scale
        std = gain * np.sqrt(base / fan)
        if distribution == "normal":
            return rng.normal(0.0, std, size=(fan_in, fan_out))
        bound = np.sqrt(3.0) * std
        return rng.uniform(-bound, bound, size=(fan_in, fan_out))

    init.__doc__ = (
        f"{distribution.capitalize()} weights with variance "
        f"gain**2 * {base} / {mode} (gain = ``scale`` or 1)."
    )
    return init


def zeros(fan_in, fan_out, rng, scale=None):
    """All weights zero (hidden units stay identical: the symmetry problem)."""
    return np.zeros((fan_in, fan_out))


def uniform(fan_in, fan_out, rng, scale=None):
    """U(-c, c) with c = ``scale`` or 0.05."""
    c = 0.05 if scale is None else scale
    return rng.uniform(-c, c, size=(fan_in, fan_out))


def normal(fan_in, fan_out, rng, scale=None):
    """N(0, sigma**2) with sigma = ``scale`` or 0.01."""
    sigma = 0.01 if scale is None else scale
    return rng.normal(0.0, sigma, size=(fan_in, fan_out))


def truncated_normal(fan_in, fan_out, rng, scale=None):
    """N(0, sigma**2) redrawn outside +-2 sigma, sigma = ``scale`` or 0.01.

    No variance correction is applied: the result's standard deviation is
    about 0.88 sigma, as with ``tf.keras.initializers.TruncatedNormal``.
    """
    sigma = 0.01 if scale is None else scale
    out = rng.normal(0.0, sigma, size=(fan_in, fan_out))
    outside = np.abs(out) > 2 * sigma
    while outside.any():
        out[outside] = rng.normal(0.0, sigma, size=int(outside.sum()))
        outside = np.abs(out) > 2 * sigma
    return out


def orthogonal(fan_in, fan_out, rng, scale=None):
    """A (semi-)orthogonal matrix times the gain (Saxe et al., 2014).

    The QR decomposition of a Gaussian matrix, with the signs of R's diagonal
    folded into Q so that the result is uniformly distributed.
    """
    gain = 1.0 if scale is None else scale
    rows, cols = max(fan_in, fan_out), min(fan_in, fan_out)
    q, r = np.linalg.qr(rng.normal(size=(rows, cols)))
    q *= np.sign(np.diag(r))
    if fan_in < fan_out:
        q = q.T
    return gain * q


glorot_uniform = _variance_scaling(1.0, "fan_avg", "uniform")
glorot_normal = _variance_scaling(1.0, "fan_avg", "normal")
he_uniform = _variance_scaling(2.0, "fan_in", "uniform")
he_normal = _variance_scaling(2.0, "fan_in", "normal")
lecun_uniform = _variance_scaling(1.0, "fan_in", "uniform")
lecun_normal = _variance_scaling(1.0, "fan_in", "normal")

INITIALIZERS = {
    "zeros": zeros,
    "uniform": uniform,
    "normal": normal,
    "truncated_normal": truncated_normal,
    "glorot_uniform": glorot_uniform,
    "xavier_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "xavier_normal": glorot_normal,
    "he_uniform": he_uniform,
    "kaiming_uniform": he_uniform,
    "he_normal": he_normal,
    "kaiming_normal": he_normal,
    "lecun_uniform": lecun_uniform,
    "lecun_normal": lecun_normal,
    "orthogonal": orthogonal,
}


def resolve_init(init, activation):
    """The initializer for the ``init`` parameter: a registry name or callable.

    ``"auto"`` is the activation's ``default_init``: He for the ReLU family,
    Glorot otherwise. A callable
    ``init(fan_in, fan_out, rng)`` is wrapped so its output's shape and values
    are checked.
    """
    if init == "auto":
        init = ACTIVATIONS[activation].default_init
    if not callable(init):
        return INITIALIZERS[init]

    def checked(fan_in, fan_out, rng, scale=None):
        W = np.asarray(init(fan_in, fan_out, rng), dtype=float)
        if W.shape != (fan_in, fan_out):
            raise ValueError(
                f"The init callable must return an array of shape "
                f"(fan_in, fan_out) = {(fan_in, fan_out)}; got {W.shape}."
            )
        if not np.isfinite(W).all():
            raise ValueError("The init callable returned non-finite weights.")
        return W

    return checked


def init_weights(init_fn, layer_units, rng, scale, out):
    """Fill the weight views ``out`` layer by layer; warn on symmetric hidden units."""
    for W, fan_in, fan_out in zip(out, layer_units[:-1], layer_units[1:], strict=True):
        W[...] = init_fn(fan_in, fan_out, rng, scale)
    if len(layer_units) > 2 and not any(W.any() for W in out[:-1]):
        warn(
            "All hidden-layer weights start at zero: every hidden unit gets the "
            "same gradient and they stay identical (the symmetry problem). Use a "
            "random init such as 'he_normal' or 'glorot_uniform' to break it.",
            UserWarning,
        )
