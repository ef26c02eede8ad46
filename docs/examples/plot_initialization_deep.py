"""
Initialization in a deep network: variances layer by layer
==========================================================

Why do initialization schemes have the formulas they have? Glorot & Bengio
(2010) and He et al. (2015) looked at how the spread of the activations (in
the forward pass) and of the gradients (in the backward pass) changes from
layer to layer. If each layer multiplies it by a factor below one, the signal
vanishes exponentially with depth; above one, it explodes. The right weight
variance keeps the factor near one: :math:`2/(n_{in}+n_{out})` for tanh,
:math:`2/n_{in}` for ReLU, which zeroes half of its inputs.

:func:`skregnet.layer_statistics` measures exactly this for any skregnet
network: for an unfitted estimator, with the weights a ``fit`` would start
from. We compare four initializations on an 8-hidden-layer network with tanh
and with ReLU units: ``"zeros"``, ``"normal"`` (σ = 0.01, the tutorials'
favourite), ``"glorot_uniform"`` (Xavier) and ``"he_normal"`` (He).
"""

# %%
# The statistics at initialization
# --------------------------------
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skregnet import RegMLPClassifier, layer_statistics

X, y = make_classification(
    n_samples=1500, n_features=20, n_informative=10, n_classes=3, random_state=0
)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

hidden = (64,) * 8
inits = ["zeros", "normal", "glorot_uniform", "he_normal"]
labels = {
    "zeros": "zeros",
    "normal": "normal(0.01)",
    "glorot_uniform": "Xavier (glorot_uniform)",
    "he_normal": "He (he_normal)",
}
stats = {}
with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)  # the zeros init warns, rightly
    for activation in ["tanh", "relu"]:
        for init in inits:
            net = RegMLPClassifier(
                hidden, activation=activation, init=init, random_state=0
            )
            stats[activation, init] = layer_statistics(net, X_train, y_train)

# %%
# ``layer_statistics`` returns a dict of equal-length arrays, one entry per
# layer (the 8 hidden layers, then the softmax output), so it is a table:
print(pd.DataFrame(stats["relu", "he_normal"]).to_string(float_format="%.3g"))

# %%
# ``activation_var`` is the variance of a layer's outputs, ``gradient_var``
# that of the gradient of each sample's loss with respect to the layer's
# pre-activations, as backpropagated from the output. Drawn per layer, on a
# log scale (the zeros init has exactly zero hidden activations and
# gradients, which a log axis cannot show: it is left out):
fig, axes = plt.subplots(2, 2, figsize=(10, 7), layout="constrained", sharex=True)
hidden_layers = np.arange(1, len(hidden) + 1)
for col, activation in enumerate(["tanh", "relu"]):
    for init in inits[1:]:
        s = stats[activation, init]
        axes[0, col].plot(
            hidden_layers, s.activation_var[:-1], "o-", label=labels[init]
        )
        axes[1, col].plot(hidden_layers, s.gradient_var[:-1], "o-", label=labels[init])
    axes[0, col].set_title(f"{activation}: activation variance")
    axes[1, col].set_title(f"{activation}: backpropagated gradient variance")
    axes[1, col].set_xlabel("hidden layer")
    for ax in axes[:, col]:
        ax.set_yscale("log")
axes[0, 0].legend(fontsize="small")
plt.show()

# %%
# What the curves say:
#
# * ``normal(0.01)``: each layer multiplies the variance by about
#   :math:`64 \times 0.01^2 = 0.0064`, so after eight layers the activations
#   are :math:`10^{-18}` of the input's and the gradient that reaches the
#   first layer is just as small (it travels back through the same tiny
#   weights). Nothing learns, and the deeper layers least of all.
# * Xavier keeps tanh's activations of the same order through the network,
#   slowly shrinking (tanh squashes); with ReLU it loses half the variance at
#   every layer, because ReLU zeroes half of its inputs.
# * He doubles the variance to make up for that half, and keeps ReLU's
#   activations and gradients flat across the layers. With tanh it is a bit
#   too large, and the units start to saturate.
# * ``zeros`` (not drawn) gives every hidden unit the same output, 0, and
#   the same gradient, 0: the network cannot even start, and skregnet warns.
#
# Training
# --------
#
# The same networks trained with Adam for 60 epochs:
fig, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained", sharey=True)
scores = []
with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    warnings.simplefilter("ignore", ConvergenceWarning)
    for ax, activation in zip(axes, ["tanh", "relu"], strict=True):
        for init in inits:
            net = RegMLPClassifier(
                hidden,
                activation=activation,
                init=init,
                alpha=1e-4,
                max_iter=60,
                learning_rate_init=1e-3,
                random_state=0,
            )
            net.fit(X_train, y_train)
            ax.plot(net.data_loss_curve_, label=labels[init])
            scores.append((activation, labels[init], net.score(X_test, y_test)))
        ax.set_title(f"{activation}, 8 hidden layers of 64 units")
        ax.set_xlabel("epoch")
axes[0].set_ylabel("training log loss")
axes[0].legend()
plt.show()
print(
    pd.DataFrame(scores, columns=["activation", "init", "test accuracy"])
    .pivot(index="init", columns="activation", values="test accuracy")
    .round(3)
)

# %%
# ``zeros`` and ``normal(0.01)`` stay at the log loss of a constant guess,
# :math:`\log 3 \approx 1.10`, and predict one class for everything (test
# accuracy near 1/3): their gradients are zero or vanishing. Xavier and He
# train from the first epoch. Glorot's scheme is the better match for tanh,
# He's for ReLU; skregnet's ``init="auto"`` picks exactly that.
