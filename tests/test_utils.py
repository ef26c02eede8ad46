"""The shared helpers of ``skregnet._utils``: the unscaled-inputs hint."""

import numpy as np
import pytest
import scipy.sparse as sp

from skregnet._utils import SCALE_FACTOR, unscaled_hint


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
@pytest.mark.parametrize(
    "largest, hinted",
    [
        (1.0, False),
        (0.9 * SCALE_FACTOR, False),
        (1.1 / SCALE_FACTOR, False),
        (1.1 * SCALE_FACTOR, True),
        (800.0, True),
        (0.9 / SCALE_FACTOR, True),
    ],
)
def test_unscaled_hint_names_the_largest_feature(largest, hinted, sparse):
    """The inputs look unscaled when the largest root mean square of a
    feature (its magnitude, mean included) is off from 1 by more than
    SCALE_FACTOR, as wine's proline (about 800) is."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(50, 4)) * [0.5, 0.5, 1.0, 0.5]
    X *= largest / np.sqrt(np.mean(X[:, 2] ** 2))
    hint = unscaled_hint(sp.csr_matrix(X) if sparse else X)
    if hinted:
        assert f"feature 2 has a root mean square of {largest:.3g}" in hint
        assert "StandardScaler" in hint
    else:
        assert hint == ""


def test_a_large_mean_looks_unscaled():
    """A feature with a small spread but a large mean (a year, say) makes
    pre-activations as large as a large spread does."""
    X = np.random.RandomState(0).normal(size=(50, 2))
    X[:, 0] += 2000.0
    assert "feature 0" in unscaled_hint(X)
