"""Adding a component is one class and one registry line (issue 9).

A toy penalty and a toy activation, registered in ``PENALTIES`` and
``ACTIVATIONS`` and nowhere else, run through every solver, the
regularization path and a CV estimator. ``docs/developer.rst`` shows these
classes as its "adding a penalty / an activation" tutorials.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skregnet import RegMLPClassifier, RegMLPClassifierCV, regmlp_path
from skregnet._activations import ACTIVATIONS, Activation
from skregnet._losses import LOSSES
from skregnet._network import Layout, Network
from skregnet._penalties import PENALTIES, Penalty


class FirstLayerLasso(Penalty):
    """R(w) = sum |W1| + 1/2 sum_{l>=2} ||W_l||**2.

    Sparse input weights, smooth deeper layers: the lasso on the first layer
    only (one weight at a time, where ``'group_lasso'`` removes whole rows).
    """

    def _n_first(self):
        fan_in, fan_out = self.coef_shapes[0]
        return fan_in * fan_out

    def smooth_value(self, w, alpha):
        deep = w[self._n_first() :]
        return 0.5 * alpha * float(deep @ deep)

    def add_smooth_grad(self, w, alpha, grad):
        n = self._n_first()
        grad[n:] += alpha * w[n:]
        return grad

    def nonsmooth_value(self, w, alpha):
        return alpha * float(np.abs(w[: self._n_first()]).sum())

    def prox(self, w, step, alpha):
        # soft-thresholding of the first layer; step is a scalar or, with
        # Adam, one step per weight
        n = self._n_first()
        first = w[:n]
        threshold = alpha * (step[:n] if np.ndim(step) else step)
        np.copysign(np.maximum(np.abs(first) - threshold, 0), first, out=first)
        return w

    def subdiff_distance(self, w, grad, alpha):
        n = self._n_first()
        dist = np.abs(grad).astype(float)
        first, g = w[:n], grad[:n]
        dist[:n] = np.where(
            first != 0,
            np.abs(g + alpha * np.sign(first)),
            np.maximum(np.abs(g) - alpha, 0),
        )
        return dist

    def alpha_max(self, grad0):
        return float(np.max(np.abs(grad0[: self._n_first()]), initial=0.0))

    def near_zero(self, layer):
        return (1.0, 1) if layer == 0 else (0.5, 2)


class Softplus(Activation):
    """f(z) = log(1 + exp(z)); f' = 1 - exp(-f), from the output."""

    gain_at_zero = 0.5

    def forward(self, Z):
        return np.logaddexp(0, Z, out=Z)

    def backward(self, A, delta):
        delta *= -np.expm1(-A)
        return delta


X, y = make_classification(
    n_samples=120, n_features=8, n_informative=3, n_redundant=0, random_state=0
)
X = StandardScaler().fit_transform(X)
NET = dict(
    hidden_layer_sizes=(6,),
    activation="softplus",
    penalty="first_layer_lasso",
    random_state=0,
)
SOLVER_PARAMS = {
    "sgd": dict(learning_rate_init=0.05, max_iter=300),
    "adam": dict(learning_rate_init=0.01, max_iter=300),
    "lbfgs": dict(max_iter=500),
}


@pytest.fixture(autouse=True)
def registered(monkeypatch):
    """The two lines that add the components; undone after each test."""
    monkeypatch.setitem(PENALTIES, "first_layer_lasso", FirstLayerLasso)
    monkeypatch.setitem(ACTIVATIONS, "softplus", Softplus())


def _terms(model):
    """(data loss, alpha * R) at the model's weights, with plain NumPy."""
    W1, W2 = model.coefs_
    b1, b2 = model.intercepts_
    hidden = np.log1p(np.exp(X @ W1 + b1))
    p = expit(hidden @ W2 + b2).ravel()
    data = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    return data, model.alpha * (np.abs(W1).sum() + 0.5 * (W2**2).sum())


def test_names_are_valid_parameters_once_registered(registered, monkeypatch):
    RegMLPClassifier(**NET, max_iter=2).fit(X, y)  # no InvalidParameterError
    monkeypatch.delitem(PENALTIES, "first_layer_lasso")
    with pytest.raises(InvalidParameterError, match="'penalty' parameter"):
        RegMLPClassifier(**NET).fit(X, y)


def test_softplus_gradient_matches_finite_differences():
    layout = Layout([8, 6, 1])
    network = Network(layout, "softplus", "logistic", LOSSES["binary_log_loss"])
    rng = np.random.RandomState(0)
    params = rng.normal(scale=0.5, size=layout.n_params)
    Y, sw = y[:, None].astype(float), np.full(len(y), 1 / len(y))
    grad = np.empty_like(params)
    network.loss_grad(params, X, Y, sw, grad)
    h = 1e-6
    numeric = np.empty_like(params)
    for j in range(params.size):
        up, down = params.copy(), params.copy()
        up[j] += h
        down[j] -= h
        numeric[j] = (
            network.loss_grad(up, X, Y, sw, np.empty_like(params))[0]
            - network.loss_grad(down, X, Y, sw, np.empty_like(params))[0]
        ) / (2 * h)
    assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_toy_components_train_with_every_solver(solver):
    model = RegMLPClassifier(**NET, alpha=5e-3, solver=solver, **SOLVER_PARAMS[solver])
    model.fit(X, y)
    W1, W2 = model.coefs_
    # the toy prox gives exact zeros in the first layer, and only there
    assert 0 < np.count_nonzero(W1 == 0) < W1.size
    assert np.count_nonzero(W2 == 0) == 0
    # the objective the model reports is J of the toy penalty and activation:
    # its penalty term at the final weights (an epoch's data term is the mean
    # over its batches, taken before their steps; lbfgs's is at the end)
    data, penalty = _terms(model)
    assert_allclose(model.loss_ - model.data_loss_curve_[-1], penalty, rtol=1e-9)
    if solver == "lbfgs":
        assert_allclose(model.loss_, data + penalty, rtol=1e-9)
    assert model.score(X, y) > 0.8
    # lbfgs picks FISTA from the methods the penalty defines (a prox, no
    # separable L1 weight), with no edit to the solver
    expected = {"sgd": "SGD", "adam": "Adam", "lbfgs": "FISTA"}[solver]
    assert model.solver_method_ == expected


def test_toy_components_on_the_path_and_in_cv():
    # the data-driven grid reads near_zero, alpha_max and gain_at_zero
    path = regmlp_path(X, y, alphas=5, solver="lbfgs", **NET)
    alphas = [p.alpha for p in path]
    assert alphas == sorted(alphas) and len(alphas) == 5
    selected = [p.n_selected_features for p in path]
    assert selected[0] == X.shape[1] and selected[-1] < selected[0]
    model = RegMLPClassifierCV(alphas=3, cv=3, solver="lbfgs", **NET).fit(X, y)
    # exact_zeros (from near_zero) extends the default grid until the first
    # layer is empty, as for the built-in L1-type penalties
    assert model.path_["n_selected_features"][-1] == 0
    assert model.alpha_ in model.alphas_
    assert model.best_estimator_.solver_method_ == "FISTA"
