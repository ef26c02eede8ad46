"""Property-based tests (hypothesis) of what fit accepts (SPEC §6, issue 8).

Whatever the input — 0, 1 or a few rows; 0 or more features, more than
rows; bool, int, float16/32/64, object or complex data; integer, string,
boolean or float labels; extreme values; dense or sparse X — and whatever the
penalty, solver and activation, a fit ends in a consistent model with finite
predictions, or raises a clear ``ValueError`` (``InvalidParameterError`` is
one) or ``TypeError``. Bounded to a few hundred small fits.
"""

import warnings

import numpy as np
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from invariants import assert_consistent

from skregnet import RegMLPClassifier, RegMLPRegressor
from skregnet._activations import ACTIVATIONS
from skregnet._penalties import PENALTIES
from skregnet._solvers import SOLVERS

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

DTYPES = [np.bool_, np.int8, np.int64, np.float16, np.float32, np.float64]
EXTREMES = [0.0, 1.0, -1.0, 1e-300, -1e-300, 1e10, -1e10, 1e150, -1e150]


def _values(dtype):
    if dtype is np.bool_:
        return st.booleans()
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return st.integers(int(info.min), int(info.max))
    finite = float(np.finfo(dtype).max) / 4
    return st.one_of(
        st.floats(-finite, finite, allow_nan=False, width=np.finfo(dtype).bits),
        st.sampled_from([v for v in EXTREMES if abs(v) < finite]),
    )


@st.composite
def inputs(draw):
    n_rows = draw(st.integers(0, 7))
    n_features = draw(st.integers(0, 9))  # more features than rows, often
    kind = draw(st.sampled_from(["numeric", "object", "complex", "nonfinite"]))
    if kind == "numeric":
        dtype = draw(st.sampled_from(DTYPES))
        X = draw(hnp.arrays(dtype, (n_rows, n_features), elements=_values(dtype)))
    elif kind == "object":
        X = np.empty((n_rows, n_features), dtype=object)
        for index in np.ndindex(X.shape):
            X[index] = draw(st.one_of(st.floats(-10, 10), st.text(max_size=2)))
    elif kind == "complex":
        X = np.ones((n_rows, n_features)) * (1 + 1j)
    else:
        X = np.ones((n_rows, n_features))
        if X.size:
            X.flat[draw(st.integers(0, X.size - 1))] = draw(
                st.sampled_from([np.nan, np.inf, -np.inf])
            )
    if kind == "numeric" and draw(st.booleans()):
        X = draw(st.sampled_from([sp.csr_matrix, sp.csc_matrix, sp.coo_matrix]))(
            X.astype(np.float64)
        )
    return X


@st.composite
def networks(draw):
    return dict(
        hidden_layer_sizes=draw(st.sampled_from([(), (2,), (3, 2)])),
        penalty=draw(st.sampled_from(list(PENALTIES))),
        solver=draw(st.sampled_from(list(SOLVERS))),
        activation=draw(st.sampled_from(list(ACTIVATIONS))),
        alpha=draw(st.sampled_from([0.0, 1e-4, 1.0, 1e6])),
        max_iter=3,
        random_state=0,
    )


def _fits_or_fails_clearly(model, X, y):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X, y)
    except (ValueError, TypeError) as error:
        assert str(error), "an error that says nothing"
        return
    assert_consistent(model, X)


@SETTINGS
@given(
    X=inputs(),
    labels=st.sampled_from(["int", "str", "bool", "float"]),
    params=networks(),
    data=st.data(),
)
def test_the_classifier_fits_anything_or_fails_clearly(X, labels, params, data):
    n = X.shape[0]
    raw = data.draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, 2)))
    y = {
        "int": raw,
        "str": np.array(["a", "b", "c"], dtype=object)[raw],
        "bool": raw.astype(bool),
        "float": raw * 0.5,
    }[labels]
    _fits_or_fails_clearly(RegMLPClassifier(**params), X, y)


@SETTINGS
@given(
    X=inputs(),
    target=st.sampled_from(["float", "int", "extreme", "object", "complex"]),
    loss=st.sampled_from(["squared_error", "poisson"]),
    params=networks(),
    data=st.data(),
)
def test_the_regressor_fits_anything_or_fails_clearly(X, target, loss, params, data):
    n = X.shape[0]
    if target == "object":
        y = np.array([data.draw(st.sampled_from([None, "x", 1.5])) for _ in range(n)])
    elif target == "complex":
        y = np.ones(n) * (1 + 1j)
    else:
        elements = {
            "float": st.floats(-100, 100),
            "int": st.integers(0, 50),
            "extreme": st.sampled_from(EXTREMES),
        }[target]
        y = data.draw(hnp.arrays(np.float64, (n,), elements=elements))
    _fits_or_fails_clearly(RegMLPRegressor(loss=loss, **params), X, y)
