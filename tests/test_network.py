"""The NumPy core of ``skregnet._network``: Layout, forward pass, backpropagation.

The gradients of ``Network.loss_grad`` are checked by central differences for
every hidden activation x every loss, on dense and sparse X, with and without
dropout masks; the forward pass against one written here with NumPy. (The
penalties' gradients are checked alone in ``test_penalties.py``, the losses'
values in ``test_losses.py``.)
"""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit, softmax

from skregnet._activations import ACTIVATIONS
from skregnet._losses import LOSSES
from skregnet._network import Layout, Network

N_SAMPLES = 7
N_FEATURES = 4
HIDDEN = [5, 3]
EPS = 1e-6


def _real(rng, n, n_out):
    return rng.normal(size=(n, n_out))


def _counts(rng, n, n_out):
    return rng.poisson(2.0, size=(n, n_out)).astype(float)


def _binary(rng, n, n_out):
    y = rng.randint(0, 2, size=(n, n_out)).astype(float)
    y[0], y[1] = 0.0, 1.0  # both labels present in every output
    return y


def _one_hot(rng, n, n_out):
    labels = np.arange(n) % n_out
    rng.shuffle(labels)
    return np.eye(n_out)[labels]


# id -> (loss name, number of outputs, target generator)
LOSS_CASES = {
    "squared_error": ("squared_error", 2, _real),
    "poisson": ("poisson", 2, _counts),
    "binary": ("binary_log_loss", 1, _binary),
    "multilabel": ("binary_log_loss", 3, _binary),
    "multiclass": ("log_loss", 3, _one_hot),
}

REF_HIDDEN = {
    "identity": lambda z: z,
    "logistic": expit,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
}

REF_OUT = {
    "identity": lambda z: z,
    "exp": np.exp,
    "logistic": expit,
    "softmax": lambda z: softmax(z, axis=1),
}


def _ref_forward(coefs, intercepts, X, activation, out_activation, masks=None):
    A = X.toarray() if sp.issparse(X) else X
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        Z = A @ W + b
        if i == len(coefs) - 1:
            return REF_OUT[out_activation](Z)
        A = REF_HIDDEN[activation](Z)
        if masks is not None:
            A = A * masks[i]
    raise AssertionError("unreachable")


def _make(loss_case, activation, sparse, seed, dtype=np.float64):
    """A small network, random parameters and data for one combination."""
    loss_name, n_out, make_y = LOSS_CASES[loss_case]
    rng = np.random.RandomState(seed)
    layout = Layout([N_FEATURES, *HIDDEN, n_out])
    loss = LOSSES[loss_name]
    network = Network(layout, activation, loss.out_activation, loss)
    params = rng.normal(scale=0.5, size=layout.n_params)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    if sparse:
        X[rng.uniform(size=X.shape) < 0.5] = 0.0
        X = sp.csr_matrix(X)
    y = make_y(rng, N_SAMPLES, n_out)
    s = rng.uniform(0.5, 2.0, size=N_SAMPLES)
    w = s / s.sum()
    if dtype != np.float64:
        params, X, y, w = (a.astype(dtype) for a in (params, X, y, w))
    return network, params, X, y, w, rng


def _masks(rng, keep=0.6):
    return [rng.binomial(1, keep, size=(N_SAMPLES, units)) / keep for units in HIDDEN]


def _finite_differences(f, params):
    grad = np.empty_like(params)
    for j in range(params.size):
        p = params.copy()
        p[j] += EPS
        up = f(p)
        p[j] -= 2 * EPS
        down = f(p)
        grad[j] = (up - down) / (2 * EPS)
    return grad


SPARSE = [False, True]
SPARSE_IDS = ["dense", "sparse"]


@pytest.mark.parametrize("use_masks", [False, True], ids=["plain", "dropout"])
@pytest.mark.parametrize("sparse", SPARSE, ids=SPARSE_IDS)
@pytest.mark.parametrize("loss_case", list(LOSS_CASES))
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_gradient_finite_differences(activation, loss_case, sparse, use_masks, seed):
    network, params, X, y, w, rng = _make(loss_case, activation, sparse, seed)
    masks = _masks(rng) if use_masks else None
    scratch = np.empty_like(params)

    def objective(p):
        return network.loss_grad(p, X, y, w, scratch, masks=masks)[0]

    grad = np.full_like(params, np.nan)
    network.loss_grad(params, X, y, w, grad, masks=masks)
    expected = _finite_differences(objective, params)
    assert_allclose(grad, expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("use_masks", [False, True], ids=["plain", "dropout"])
@pytest.mark.parametrize("sparse", SPARSE, ids=SPARSE_IDS)
@pytest.mark.parametrize("loss_case", list(LOSS_CASES))
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_forward_pass_and_loss_by_hand(activation, loss_case, sparse, use_masks, seed):
    """The outputs of a forward pass written here, and the loss's value at
    them (``Loss.value`` is checked against SPEC §1 in ``test_losses.py``)."""
    network, params, X, y, _, rng = _make(loss_case, activation, sparse, seed)
    s = rng.uniform(0.1, 3.0, size=N_SAMPLES)  # unnormalized sample weights
    masks = _masks(rng) if use_masks else None
    layout = network.layout
    y_ref = _ref_forward(
        layout.coefs(params),
        layout.intercepts(params),
        X,
        activation,
        network.loss.out_activation,
        masks=masks,
    )
    expected = network.loss.value(y, y_ref, s / s.sum())

    grad = np.empty_like(params)
    loss, y_pred = network.loss_grad(params, X, y, s / s.sum(), grad, masks=masks)
    assert isinstance(loss, float)
    assert_allclose(loss, expected, rtol=1e-12, atol=0)
    assert_allclose(y_pred, y_ref, rtol=1e-12, atol=1e-15)
    if not use_masks:
        assert_allclose(network.predict(params, X), y_ref, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("sparse", SPARSE, ids=SPARSE_IDS)
@pytest.mark.parametrize("loss_case", list(LOSS_CASES))
def test_float32_in_float32_out(loss_case, sparse, seed):
    network, p64, X64, y64, w64, _ = _make(loss_case, "tanh", sparse, seed)
    net32, p32, X32, y32, w32, _ = _make(
        loss_case, "tanh", sparse, seed, dtype=np.float32
    )
    assert p32.dtype == X32.dtype == np.float32
    grad32 = np.empty_like(p32)
    loss32, y_pred32 = net32.loss_grad(p32, X32, y32, w32, grad32)
    grad64 = np.empty_like(p64)
    loss64, y_pred64 = network.loss_grad(p64, X64, y64, w64, grad64)
    assert y_pred32.dtype == np.float32
    assert grad32.dtype == np.float32
    assert net32.predict(p32, X32).dtype == np.float32
    assert_allclose(loss32, loss64, rtol=1e-5)
    assert_allclose(y_pred32, y_pred64, rtol=1e-5, atol=1e-6)
    assert_allclose(grad32, grad64, rtol=1e-4, atol=1e-6)


def test_work_arrays_reused_across_batch_sizes_and_dtypes(seed):
    """Reusing the work arrays of a larger batch / another dtype changes nothing."""
    network, params, X, y, w, _ = _make("multiclass", "relu", False, seed)
    fresh, *_ = _make("multiclass", "relu", False, seed)
    sub = slice(2, 5)
    w_sub = w[sub] / w[sub].sum()

    grad_full = np.empty_like(params)
    loss_full, _ = network.loss_grad(params, X, y, w, grad_full)
    grad_sub = np.empty_like(params)
    loss_sub, y_pred_sub = network.loss_grad(params, X[sub], y[sub], w_sub, grad_sub)
    assert y_pred_sub.shape == (3, 3)
    network.loss_grad(
        params.astype(np.float32),
        X.astype(np.float32),
        y.astype(np.float32),
        w.astype(np.float32),
        np.empty(params.size, dtype=np.float32),
    )
    grad_again = np.empty_like(params)
    loss_again, _ = network.loss_grad(params, X, y, w, grad_again)

    grad_ref = np.empty_like(params)
    loss_ref, _ = fresh.loss_grad(params, X[sub], y[sub], w_sub, grad_ref)
    assert loss_sub == loss_ref
    assert_array_equal(grad_sub, grad_ref)
    assert loss_again == loss_full
    assert_array_equal(grad_again, grad_full)


# -- Layout --------------------------------------------------------------------


def test_layout_sizes():
    layout = Layout([4, 5, 3, 2])
    assert layout.coef_shapes == [(4, 5), (5, 3), (3, 2)]
    assert layout.n_coef == 4 * 5 + 5 * 3 + 3 * 2
    assert layout.n_params == layout.n_coef + 5 + 3 + 2


def test_layout_order_weights_then_biases():
    """[W1, ..., WL, b1, ..., bL], each weight matrix in C order."""
    layout = Layout([4, 5, 3, 2])
    flat = np.arange(layout.n_params, dtype=float)
    coefs = layout.coefs(flat)
    intercepts = layout.intercepts(flat)
    assert_array_equal(coefs[0], np.arange(20).reshape(4, 5))
    assert_array_equal(coefs[1], np.arange(20, 35).reshape(5, 3))
    assert_array_equal(coefs[2], np.arange(35, 41).reshape(3, 2))
    assert_array_equal(intercepts[0], np.arange(41, 46))
    assert_array_equal(intercepts[1], np.arange(46, 49))
    assert_array_equal(intercepts[2], np.arange(49, 51))


def test_layout_views_share_memory():
    layout = Layout([4, 5, 3, 2])
    flat = np.zeros(layout.n_params)
    coefs = layout.coefs(flat)
    intercepts = layout.intercepts(flat)
    for view in coefs + intercepts:
        assert np.shares_memory(view, flat)
    coefs[1][2, 1] = 7.0
    intercepts[2][1] = -3.0
    expected = np.zeros(layout.n_params)
    expected[20 + 2 * 3 + 1] = 7.0
    expected[layout.n_coef + 5 + 3 + 1] = -3.0
    assert_array_equal(flat, expected)
    # and writing the buffer shows through the views
    flat[0] = 5.0
    assert coefs[0][0, 0] == 5.0


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_layout_pack_round_trip(dtype, seed):
    rng = np.random.RandomState(seed)
    layout = Layout([4, 5, 3, 2])
    coefs = [rng.normal(size=shape) for shape in layout.coef_shapes]
    intercepts = [rng.normal(size=units) for units in [5, 3, 2]]
    flat = layout.pack(coefs, intercepts, dtype)
    assert flat.dtype == dtype
    assert flat.shape == (layout.n_params,)
    for got, want in zip(layout.coefs(flat), coefs, strict=True):
        assert_array_equal(got, want.astype(dtype))
    for got, want in zip(layout.intercepts(flat), intercepts, strict=True):
        assert_array_equal(got, want.astype(dtype))
    # packing copies: the source arrays are not views of the buffer
    assert not any(np.shares_memory(flat, a) for a in coefs + intercepts)
    again = layout.pack(layout.coefs(flat), layout.intercepts(flat), dtype)
    assert_array_equal(again, flat)


def test_layout_linear_model():
    layout = Layout([6, 2])
    flat = np.arange(layout.n_params, dtype=float)
    assert layout.n_coef == 12
    assert layout.n_params == 14
    assert_array_equal(layout.coefs(flat)[0], np.arange(12).reshape(6, 2))
    assert_array_equal(layout.intercepts(flat)[0], [12, 13])


# -- passes over a whole data set, a chunk of rows at a time ---------------------


def _chunk_case(loss_case, sparse, dtype, seed, n=23):
    """A network, parameters and ``n`` rows of data, weights and targets."""
    loss_name, n_out, make_y = LOSS_CASES[loss_case]
    rng = np.random.RandomState(seed)
    layout = Layout([N_FEATURES, *HIDDEN, n_out])
    loss = LOSSES[loss_name]
    network = Network(layout, "tanh", loss.out_activation, loss)
    params = rng.normal(scale=0.5, size=layout.n_params).astype(dtype)
    X = rng.normal(size=(n, N_FEATURES))
    if sparse:
        X[rng.uniform(size=X.shape) < 0.5] = 0.0
        X = sp.csr_matrix(X)
    X = X.astype(dtype)
    s = rng.uniform(0.5, 2.0, size=n)
    return network, params, X, make_y(rng, n, n_out).astype(dtype), (s / s.sum())


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sparse", SPARSE, ids=SPARSE_IDS)
@pytest.mark.parametrize("loss_case", list(LOSS_CASES))
def test_chunked_passes_equal_one_chunk(loss_case, sparse, dtype, seed):
    # chunks of 5 rows (the last one of 3) give what one chunk gives, up to
    # the order of summation (1e-12 relative in float64)
    network, params, X, y, sw = _chunk_case(loss_case, sparse, dtype, seed)
    sw = sw.astype(dtype)
    whole = network.predict_layers(*network.layout._views(params), X, chunk_rows=100)
    chunked = network.predict_layers(*network.layout._views(params), X, chunk_rows=5)
    rel = 1e-12 if dtype == np.float64 else 1e-6
    assert chunked.dtype == dtype
    assert_allclose(chunked, whole, rtol=rel)
    assert_allclose(network.predict(params, X), whole, rtol=rel)
    one = network.data_loss(params, X, y, sw, chunk_rows=100)
    assert network.data_loss(params, X, y, sw, chunk_rows=5) == pytest.approx(
        one, rel=rel
    )
    expected = network.loss_grad(params, X, y, sw, np.empty_like(params))[0]
    assert one == pytest.approx(expected, rel=rel)


def test_prediction_casts_the_weights_to_the_inputs_dtype(seed):
    network, params, X, _, _ = _chunk_case("multiclass", False, np.float64, seed)
    coefs, intercepts = network.layout._views(params)
    out = network.predict_layers(coefs, intercepts, X.astype(np.float32))
    assert out.dtype == np.float32
    assert_allclose(out, network.predict(params, X), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("n", [1, 3, 63, 64, 65])
def test_softmax_of_few_rows_equals_the_general_one(n, seed):
    # below Softmax.few_rows rows the softmax takes NumPy's row-wise max and sum
    rng = np.random.RandomState(seed)
    layout = Layout([N_FEATURES, 4])
    loss = LOSSES["log_loss"]
    network = Network(layout, "relu", "softmax", loss)
    params = rng.normal(scale=3.0, size=layout.n_params)
    X = rng.normal(size=(n, N_FEATURES))
    out = network.predict(params, X)
    assert_allclose(
        out, _ref_forward(*network.layout._views(params), X, "relu", "softmax")
    )
    assert_allclose(out.sum(axis=1), 1.0)


@pytest.mark.parametrize("loss_case", list(LOSS_CASES))
def test_data_loss_writes_the_outputs(loss_case, seed):
    network, params, X, y, sw = _chunk_case(loss_case, False, np.float64, seed)
    out = np.empty((X.shape[0], y.shape[1]))
    loss = network.data_loss(params, X, y, sw, chunk_rows=5, out=out)
    assert_allclose(out, network.predict(params, X), rtol=1e-12)
    assert loss == pytest.approx(network.data_loss(params, X, y, sw), rel=1e-12)
