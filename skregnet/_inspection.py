"""Looking inside a network: per-layer statistics of its forward and backward pass.

``layer_statistics`` runs one forward and one backward pass of a
``RegMLPClassifier`` / ``RegMLPRegressor`` on ``(X, y)``, with its fitted
weights or, before ``fit``, with the weights a fit would start from, and
summarizes each layer: the spread of its weights, of its activations and of
the gradients flowing back into it. This is what Glorot & Bengio (2010) and
He et al. (2015) looked at to derive their initializations: with a good
scheme the variances stay of the same order from layer to layer instead of
vanishing or exploding with depth.

The pass is a small, self-contained NumPy computation (it does not use the
training core), so that it can be checked against a hand computation.
"""

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, softmax
from sklearn.base import is_classifier
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import Bunch
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_array, check_consistent_length

#: f(z) of the hidden activations
_FORWARD = {
    "identity": lambda z: z,
    "logistic": expit,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
}

#: f'(z) of the hidden activations, from z
_DERIVATIVE = {
    "identity": lambda z: np.ones_like(z),
    "logistic": lambda z: expit(z) * (1.0 - expit(z)),
    "tanh": lambda z: 1.0 - np.tanh(z) ** 2,
    "relu": lambda z: (z > 0).astype(z.dtype),
    "leaky_relu": lambda z: np.where(z > 0, 1.0, 0.01),
}

#: the output activations (each the canonical link of the estimator's loss)
_OUTPUT = {
    "identity": lambda z: z,
    "logistic": expit,
    "softmax": lambda z: softmax(z, axis=1),
    "exp": np.exp,
}


def _encoded_targets(estimator, y):
    """``y`` as the 2-D float array the network is trained on."""
    y = np.asarray(y)
    if is_classifier(estimator):
        if type_of_target(y).startswith("multilabel"):
            Y = y
        else:
            y = y.ravel()
            unknown = np.setdiff1d(y, estimator.classes_)
            if unknown.size:
                raise ValueError(
                    f"y has labels the estimator does not know: {unknown[:5]}; "
                    f"its classes_ are {estimator.classes_}."
                )
            Y = LabelBinarizer().fit(estimator.classes_).transform(y)
    else:
        Y = y
    Y = np.asarray(Y, dtype=np.float64)
    return Y.reshape(-1, 1) if Y.ndim == 1 else Y


def layer_statistics(estimator, X, y):
    """Per-layer variances of the weights, activations and gradients of a network.

    Runs one forward and one backward pass of ``estimator`` on ``(X, y)`` in
    float64, without dropout, and reports for each weight layer ``l``
    (hidden layers and the output layer):

    - the variance of its weights ``W^l``;
    - the mean and variance of its activations ``a^l = f(z^l)``, with
      ``z^l = a^(l-1) W^l + b^l`` (``a^0 = X``), over all samples and units;
      the output layer's activations are the network's outputs (class
      probabilities, or predictions);
    - the mean and variance of the backpropagated gradients
      ``delta^l = d loss_i / d z^l``, the gradient of each sample's own loss
      with respect to the layer's pre-activations, over all samples and
      units (at the output, ``y_pred - y`` for every skregnet loss);
    - the variance of the entries of the weight gradient ``dL / dW^l`` of
      the mean data loss ``L`` (what the solver sees, penalty excluded).

    If ``estimator`` is not fitted, the statistics are those of the weights
    a ``fit`` on ``(X, y)`` would start from (drawn from its ``init``,
    ``init_scale`` and ``random_state``); ``estimator`` is not modified.

    Parameters
    ----------
    estimator : RegMLPClassifier or RegMLPRegressor
        The network, fitted or not.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The input data (already preprocessed as the network sees it, e.g.
        standardized).
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        The targets, from which the output layer's gradients are computed.

    Returns
    -------
    stats : :class:`~sklearn.utils.Bunch` of ndarray
        Equal-length arrays, one entry per weight layer (first hidden layer
        first, output layer last), so ``pandas.DataFrame(stats)`` is a
        table:

        - ``layer``: 1, 2, ..., ``n_layers_ - 1``;
        - ``fan_in``, ``fan_out``: the layer's input and output widths;
        - ``weight_var``: variance of the entries of ``coefs_[l - 1]``;
        - ``activation_mean``, ``activation_var``: of ``a^l``;
        - ``gradient_mean``, ``gradient_var``: of ``delta^l``;
        - ``weight_gradient_var``: variance of the entries of ``dL / dW^l``.

    See Also
    --------
    RegMLPClassifier : Its ``init`` parameter chooses the initialization.

    Notes
    -----
    For a layer of ``fan_in`` inputs of unit variance and weights of
    variance ``s**2``, the pre-activations have variance ``fan_in * s**2``:
    Glorot initialization keeps it near 1 for tanh (both in the forward
    and, with ``fan_out``, in the backward pass), He initialization doubles
    it to make up for the half of the units that ReLU zeroes.

    References
    ----------
    .. [1] X. Glorot and Y. Bengio, "Understanding the difficulty of training
       deep feedforward neural networks", AISTATS 2010.
    .. [2] K. He, X. Zhang, S. Ren and J. Sun, "Delving deep into rectifiers",
       ICCV 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from skregnet import RegMLPRegressor, layer_statistics
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((500, 100))
    >>> y = rng.standard_normal(500)
    >>> net = RegMLPRegressor((100, 100, 100), activation="tanh",
    ...                       init="glorot_normal", random_state=0)
    >>> stats = layer_statistics(net, X, y)  # at initialization: not fitted
    >>> stats.layer
    array([1, 2, 3, 4])
    >>> glorot = 2 / (stats.fan_in + stats.fan_out)  # the scheme's variance
    >>> np.round(stats.weight_var[:3] / glorot[:3], 1)
    array([1., 1., 1.])
    >>> tiny = layer_statistics(net.set_params(init="normal"), X, y)  # N(0, 0.01**2)
    >>> bool(tiny.activation_var[2] < 1e-6 < 0.1 < stats.activation_var[2])
    True
    """
    if not hasattr(estimator, "_initial_model"):
        raise TypeError(
            "layer_statistics needs a RegMLPClassifier or RegMLPRegressor; got "
            f"{type(estimator).__name__}. For a Pipeline, pass its last step "
            "and the transformed X."
        )
    if not hasattr(estimator, "coefs_"):
        estimator = estimator._initial_model(X, y)
    X = check_array(X, accept_sparse=["csr", "csc"], dtype=np.float64)
    check_consistent_length(X, y)
    if X.shape[1] != estimator.n_features_in_:
        raise ValueError(
            f"X has {X.shape[1]} features, but {type(estimator).__name__} is "
            f"expecting {estimator.n_features_in_} features as input."
        )
    Y = _encoded_targets(estimator, y)
    coefs = [np.asarray(c, dtype=np.float64) for c in estimator.coefs_]
    intercepts = [np.asarray(b, dtype=np.float64) for b in estimator.intercepts_]
    hidden = estimator.activation
    n_samples, n_layers = X.shape[0], len(coefs)

    # forward: keep each layer's input, pre-activation and activation
    inputs, pre, acts = [X], [], []
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        Z = np.asarray(inputs[i] @ W) + b
        last = i == n_layers - 1
        A = _OUTPUT[estimator.out_activation_](Z) if last else _FORWARD[hidden](Z)
        pre.append(Z)
        acts.append(A)
        inputs.append(A)

    # backward: delta^L = y_pred - y (canonical link), then the chain rule
    deltas = [None] * n_layers
    deltas[-1] = acts[-1] - Y
    for i in range(n_layers - 2, -1, -1):
        deltas[i] = (deltas[i + 1] @ coefs[i + 1].T) * _DERIVATIVE[hidden](pre[i])
    weight_grads = []
    for i in range(n_layers):
        G = inputs[i].T @ deltas[i] / n_samples
        weight_grads.append(np.asarray(G.toarray() if sp.issparse(G) else G))

    return Bunch(
        layer=np.arange(1, n_layers + 1),
        fan_in=np.array([W.shape[0] for W in coefs]),
        fan_out=np.array([W.shape[1] for W in coefs]),
        weight_var=np.array([W.var() for W in coefs]),
        activation_mean=np.array([A.mean() for A in acts]),
        activation_var=np.array([A.var() for A in acts]),
        gradient_mean=np.array([D.mean() for D in deltas]),
        gradient_var=np.array([D.var() for D in deltas]),
        weight_gradient_var=np.array([G.var() for G in weight_grads]),
    )
