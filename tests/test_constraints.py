"""The projections of ``skregnet._constraints``: ``max_norm`` and ``weight_clip``.

SPEC §2: ``max_norm`` rescales each unit's incoming weight vector (a column
of ``coefs_[l]``, output units included) to norm at most c; ``weight_clip``
clips each weight to [-c, c]. Whether they hold after training is checked
per solver in ``test_solvers.py``.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skregnet._constraints import Constraints
from skregnet._network import Layout

LAYOUT = Layout([2, 3, 1])
W1 = np.array([[3.0, 0.0, 0.3], [4.0, 0.1, 0.4]])
W2 = np.array([[0.5], [2.0], [0.0]])
BIASES = np.array([7.0, -8.0, 9.0, 10.0])


def _projected(constraints, dtype=np.float64):
    """``(coefs, params)`` after projecting the buffer [W1, W2, biases]."""
    params = np.concatenate([W1.ravel(), W2.ravel(), BIASES]).astype(dtype)
    coefs = LAYOUT.coefs(params)
    constraints.project(coefs, params[: LAYOUT.n_coef])
    return coefs, params


@pytest.mark.parametrize(
    "constraints, W1_expected, W2_expected",
    [
        (
            Constraints(max_norm=1.0),
            # columns of norm 5, 0.1, 0.5 and 2.06: only the long ones shrink
            [[0.6, 0.0, 0.3], [0.8, 0.1, 0.4]],
            W2 / np.linalg.norm(W2),
        ),
        (
            Constraints(weight_clip=0.35),
            [[0.35, 0.0, 0.3], [0.35, 0.1, 0.35]],
            [[0.35], [0.35], [0.0]],
        ),
        (
            Constraints(max_norm=0.4, weight_clip=0.35),
            # clipped first, then the columns longer than 0.4 rescaled
            np.array([[0.35, 0.0, 0.3], [0.35, 0.1, 0.35]])
            * [0.4 / np.hypot(0.35, 0.35), 1.0, 0.4 / np.hypot(0.3, 0.35)],
            np.array([[0.35], [0.35], [0.0]]) * 0.4 / np.hypot(0.35, 0.35),
        ),
        (Constraints(), W1, W2),
    ],
    ids=["max_norm", "weight_clip", "both", "none"],
)
def test_projection_by_hand(constraints, W1_expected, W2_expected):
    (W1_new, W2_new), params = _projected(constraints)
    assert_allclose(W1_new, W1_expected, rtol=1e-14)
    assert_allclose(W2_new, W2_expected, rtol=1e-14)
    # the views are of the buffer: the flat weights moved with them
    assert_array_equal(
        params[: LAYOUT.n_coef], np.concatenate([W1_new.ravel(), W2_new.ravel()])
    )
    assert_array_equal(params[LAYOUT.n_coef :], BIASES)  # biases are never touched


@pytest.mark.parametrize(
    "constraints",
    [Constraints(max_norm=1.0), Constraints(weight_clip=0.35), Constraints(0.4, 0.35)],
    ids=["max_norm", "weight_clip", "both"],
)
def test_projection_is_idempotent_and_feasible(constraints):
    """A projection: the result satisfies the constraints and projecting
    again leaves it unchanged."""
    coefs, params = _projected(constraints)
    once = params.copy()
    constraints.project(coefs, params[: LAYOUT.n_coef])
    assert_array_equal(params, once)
    for W in coefs:
        if constraints.max_norm is not None:
            assert np.all(
                np.linalg.norm(W, axis=0) <= constraints.max_norm * (1 + 1e-15)
            )
        if constraints.weight_clip is not None:
            assert np.all(np.abs(W) <= constraints.weight_clip)


def test_float32_stays_float32():
    coefs, params = _projected(Constraints(max_norm=1.0, weight_clip=3.5), np.float32)
    assert params.dtype == np.float32
    assert all(W.dtype == np.float32 for W in coefs)
    for W in coefs:
        norms = np.linalg.norm(W.astype(np.float64), axis=0)
        assert np.all(norms <= 1.0 * (1 + 4 * np.finfo(np.float32).eps))


@pytest.mark.parametrize(
    "max_norm, weight_clip, active, box",
    [
        (None, None, False, True),
        (2.0, None, True, False),
        (None, 1.0, True, True),
        (2.0, 1.0, True, False),
    ],
    ids=["none", "max_norm", "weight_clip", "both"],
)
def test_active_and_box(max_norm, weight_clip, active, box):
    """``box``: the feasible set is a box, which L-BFGS-B's bounds express."""
    constraints = Constraints(max_norm=max_norm, weight_clip=weight_clip)
    assert constraints.active is active
    assert constraints.box is box
