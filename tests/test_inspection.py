"""Tests of ``skregnet.layer_statistics`` against hand computations."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import sparse
from sklearn.datasets import make_classification, make_regression

from skregnet import RegMLPClassifier, RegMLPRegressor, layer_statistics

# the networks are fitted for a few iterations only: their weights just have
# to be something other than the initialization
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

KEYS = [
    "layer",
    "fan_in",
    "fan_out",
    "weight_var",
    "activation_mean",
    "activation_var",
    "gradient_mean",
    "gradient_var",
    "weight_gradient_var",
]


def _hand_two_layer(X, Y, W1, b1, W2, b2, hidden, d_hidden, output):
    """One hidden layer, written out with plain NumPy."""
    Z1 = X @ W1 + b1
    A1 = hidden(Z1)
    Z2 = A1 @ W2 + b2
    A2 = output(Z2)
    D2 = A2 - Y  # d loss_i / d z2 for a canonical link
    D1 = (D2 @ W2.T) * d_hidden(Z1)
    n = X.shape[0]
    G1, G2 = X.T @ D1 / n, A1.T @ D2 / n
    return A1, A2, D1, D2, G1, G2


def _check(stats, W1, W2, A1, A2, D1, D2, G1, G2):
    assert list(stats) == KEYS
    assert_allclose(stats.layer, [1, 2])
    assert_allclose(stats.fan_in, [W1.shape[0], W2.shape[0]])
    assert_allclose(stats.fan_out, [W1.shape[1], W2.shape[1]])
    assert_allclose(stats.weight_var, [W1.var(), W2.var()], rtol=1e-12)
    assert_allclose(stats.activation_mean, [A1.mean(), A2.mean()], rtol=1e-10)
    assert_allclose(stats.activation_var, [A1.var(), A2.var()], rtol=1e-10)
    assert_allclose(stats.gradient_mean, [D1.mean(), D2.mean()], rtol=1e-8, atol=1e-15)
    assert_allclose(stats.gradient_var, [D1.var(), D2.var()], rtol=1e-10)
    assert_allclose(stats.weight_gradient_var, [G1.var(), G2.var()], rtol=1e-10)


def test_regressor_tanh_by_hand(seed):
    X, y = make_regression(n_samples=40, n_features=3, random_state=seed)
    y = y / y.std()
    net = RegMLPRegressor((5,), activation="tanh", solver="lbfgs", max_iter=5)
    net.set_params(random_state=seed).fit(X, y)
    W1, W2 = net.coefs_
    b1, b2 = net.intercepts_
    hand = _hand_two_layer(
        X,
        y[:, None],
        W1,
        b1,
        W2,
        b2,
        np.tanh,
        lambda z: 1 - np.tanh(z) ** 2,
        lambda z: z,
    )
    _check(layer_statistics(net, X, y), W1, W2, *hand)


def test_multiclass_relu_by_hand(seed):
    X, y = make_classification(
        n_samples=60,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        n_classes=3,
        random_state=seed,
    )
    net = RegMLPClassifier((6,), activation="relu", solver="lbfgs", max_iter=5)
    net.set_params(random_state=seed).fit(X, y)
    W1, W2 = net.coefs_
    b1, b2 = net.intercepts_
    Y = np.eye(3)[y]

    def softmax(z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    hand = _hand_two_layer(
        X, Y, W1, b1, W2, b2, lambda z: np.maximum(z, 0), lambda z: z > 0, softmax
    )
    stats = layer_statistics(net, X, y)
    _check(stats, W1, W2, *hand)
    # the output activations are the predicted probabilities
    assert_allclose(stats.activation_mean[-1], 1 / 3, rtol=1e-12)


def test_binary_string_labels_by_hand(seed):
    """Binary targets have one logistic output; labels need not be numbers."""
    X, y01 = make_classification(
        n_samples=50, n_features=3, n_informative=2, n_redundant=0, random_state=seed
    )
    y = np.array(["no", "yes"])[y01]
    net = RegMLPClassifier((4,), activation="logistic", solver="lbfgs", max_iter=5)
    net.set_params(random_state=seed).fit(X, y)
    W1, W2 = net.coefs_
    b1, b2 = net.intercepts_

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    hand = _hand_two_layer(
        X,
        y01[:, None].astype(float),
        W1,
        b1,
        W2,
        b2,
        sigmoid,
        lambda z: sigmoid(z) * (1 - sigmoid(z)),
        sigmoid,
    )
    _check(layer_statistics(net, X, y), W1, W2, *hand)


def test_weight_gradient_matches_finite_differences(seed):
    """``weight_gradient_var`` is the variance of the true dL/dW."""
    X, y = make_regression(n_samples=30, n_features=2, random_state=seed)
    y = y / y.std()
    net = RegMLPRegressor((3,), activation="tanh", solver="lbfgs", max_iter=3)
    net.set_params(random_state=seed).fit(X, y)

    def data_loss():
        return 0.5 * np.mean((net.predict(X) - y) ** 2)

    grads = []
    for W in net.coefs_:
        G = np.empty_like(W)
        for idx in np.ndindex(W.shape):
            old = W[idx]
            W[idx] = old + 1e-6
            up = data_loss()
            W[idx] = old - 1e-6
            down = data_loss()
            W[idx] = old
            G[idx] = (up - down) / 2e-6
        grads.append(G)
    stats = layer_statistics(net, X, y)
    assert_allclose(stats.weight_gradient_var, [G.var() for G in grads], rtol=1e-5)


def test_unfitted_uses_the_initial_weights(seed):
    """Before fit: the weights fit starts from; the estimator stays unfitted."""
    X, y = make_regression(n_samples=200, n_features=50, random_state=seed)
    net = RegMLPRegressor((50, 50), init="he_normal", random_state=seed)
    stats = layer_statistics(net, X, y)
    assert not hasattr(net, "coefs_")
    # He: variance 2 / fan_in, up to sampling noise
    assert_allclose(stats.weight_var[:2], 2 / stats.fan_in[:2], rtol=0.1)
    fitted = net.set_params(max_iter=1).fit(X, y)  # one epoch moves the weights
    initial = layer_statistics(
        RegMLPRegressor((50, 50), init="he_normal", random_state=seed), X, y
    )
    assert_allclose(initial.weight_var, stats.weight_var)  # same draw
    assert not np.allclose(layer_statistics(fitted, X, y).weight_var, stats.weight_var)


def test_small_init_vanishes_with_depth(seed):
    """normal(0.01) on a deep tanh net: activations shrink layer after layer."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((300, 32))
    y = rng.integers(0, 2, 300)
    small = layer_statistics(
        RegMLPClassifier(
            (32,) * 6, activation="tanh", init="normal", random_state=seed
        ),
        X,
        y,
    )
    glorot = layer_statistics(
        RegMLPClassifier(
            (32,) * 6, activation="tanh", init="glorot_normal", random_state=seed
        ),
        X,
        y,
    )
    assert np.all(np.diff(small.activation_var[:6]) < 0)
    assert small.activation_var[5] < 1e-10 < 1e-2 < glorot.activation_var[5]
    # and the gradient reaching the first layer vanishes too
    assert small.gradient_var[0] < 1e-12 * small.gradient_var[-1]


def test_sparse_X_gives_the_same_statistics(seed):
    X, y = make_regression(n_samples=40, n_features=5, random_state=seed)
    X[X < 0.5] = 0
    net = RegMLPRegressor((4,), solver="lbfgs", max_iter=5, random_state=seed)
    net.fit(X, y)
    dense = layer_statistics(net, X, y)
    for fmt in (sparse.csr_matrix, sparse.csc_matrix):
        sp_stats = layer_statistics(net, fmt(X), y)
        for key in KEYS:
            assert_allclose(sp_stats[key], dense[key], rtol=1e-10)


def test_table_with_pandas(seed):
    pd = pytest.importorskip("pandas")
    X, y = make_regression(n_samples=20, n_features=3, random_state=seed)
    table = pd.DataFrame(layer_statistics(RegMLPRegressor((4, 4)), X, y))
    assert table.shape == (3, len(KEYS))


def test_bad_input(seed):
    X, y = make_regression(n_samples=20, n_features=3, random_state=seed)
    net = RegMLPRegressor((4,), solver="lbfgs", max_iter=5).fit(X, y)
    with pytest.raises(ValueError, match="X has 2 features"):
        layer_statistics(net, X[:, :2], y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        layer_statistics(net, X, y[:5])
    with pytest.raises(TypeError, match="needs a RegMLPClassifier"):
        layer_statistics(object(), X, y)
    clf = RegMLPClassifier((3,), solver="lbfgs", max_iter=5).fit(X, y > 0)
    with pytest.raises(ValueError, match="labels the estimator does not know"):
        layer_statistics(clf, X, np.where(y > 0, 2, 0))
