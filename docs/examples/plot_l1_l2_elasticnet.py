"""
L1, L2 and elastic net: sparsity and accuracy against alpha
============================================================

The three penalties shrink the weights differently:

* L2, :math:`\\tfrac12 \\sum w^2`, pulls every weight towards zero in
  proportion to its size and never makes one exactly zero;
* L1, :math:`\\sum |w|`, pulls every weight by the same amount, and sets the
  weights whose gradient cannot pay for that pull to **exactly zero**;
* elastic net, :math:`r \\sum|w| + (1 - r) \\tfrac12 \\sum w^2`, does both.

skregnet's L1-type penalties give exact zeros with every solver (a proximal
step, not a subgradient step that leaves 1e-9 everywhere). Here we follow, on
the breast-cancer data (30 features), the cross-validated accuracy and the
fraction of exactly-zero weights of a one-hidden-layer network as alpha
grows, using the cross-validated path of :class:`~skregnet.RegMLPClassifierCV`
for each penalty.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skregnet import RegMLPClassifierCV

X, y = load_breast_cancer(return_X_y=True)
X = StandardScaler().fit_transform(X)
alphas = np.geomspace(1e-4, 1.0, 7)
# a few points at the weakest alphas use all 300 L-BFGS iterations; for a
# comparison of penalties that is close enough (raise max_iter for exact ones)
warnings.filterwarnings("ignore", category=ConvergenceWarning)
models = {}
for penalty in ["l2", "l1", "elasticnet"]:
    models[penalty] = RegMLPClassifierCV(
        (16,),
        alphas=alphas,
        cv=3,
        penalty=penalty,
        l1_ratio=0.5,
        solver="lbfgs",
        max_iter=300,
        random_state=0,
    ).fit(X, y)
n_weights = sum(W.size for W in models["l2"].coefs_)

# %%
# ``cv_results_`` holds the mean test accuracy of each alpha, and ``path_``
# the path on all the data, with the number of exactly-zero weights and of
# input features still in use at each alpha:
fig, axes = plt.subplots(1, 3, figsize=(13, 4), layout="constrained", sharex=True)
for penalty, model in models.items():
    mean = model.cv_results_["mean_test_score"]
    std = model.cv_results_["std_test_score"]
    axes[0].plot(model.alphas_, mean, "o-", label=penalty)
    axes[0].fill_between(model.alphas_, mean - std, mean + std, alpha=0.15)
    axes[1].plot(
        model.alphas_, model.path_["n_zero_weights"] / n_weights, "o-", label=penalty
    )
    axes[2].plot(model.alphas_, model.path_["n_selected_features"], "o-", label=penalty)
axes[0].set_ylabel("3-fold CV accuracy")
axes[1].set_ylabel("fraction of weights exactly 0")
axes[2].set_ylabel("input features in use")
for ax in axes:
    ax.set_xscale("log")
    ax.set_xlabel("alpha")
axes[0].legend()
plt.show()

# %%
# L2 keeps every weight nonzero at every alpha; its accuracy degrades
# gently until the network is too flat to separate the classes. L1 zeroes
# weights from small alphas on, and drops whole features as alpha grows,
# while keeping its accuracy over a wide range; elastic net lies in
# between. The chosen alphas and the sparsity there:
for penalty, model in models.items():
    zeros = sum(np.sum(W == 0) for W in model.coefs_)
    print(
        f"{penalty:10s} alpha_ = {model.alpha_:.3g}  CV accuracy "
        f"{model.best_score_:.3f}  exact zeros {zeros}/{n_weights}  "
        f"features used {np.sum(model.feature_importances_ > 0)}/30"
    )

# %%
# The weights themselves
# ----------------------
#
# The first-layer weight matrices (features × hidden units) of the refit
# models, at the same alpha: white is exactly zero.
from skregnet import RegMLPClassifier

alpha = 0.01
fig, axes = plt.subplots(1, 3, figsize=(11, 4.2), layout="constrained")
for ax, penalty in zip(axes, models, strict=True):
    net = RegMLPClassifier(
        (16,),
        penalty=penalty,
        alpha=alpha,
        solver="lbfgs",
        max_iter=300,
        random_state=0,
    ).fit(X, y)
    W = net.coefs_[0]
    limit = np.abs(W).max()
    image = ax.imshow(
        np.ma.masked_equal(W, 0),
        cmap="coolwarm",
        vmin=-limit,
        vmax=limit,
        aspect="auto",
    )
    ax.set_title(f"{penalty}: {np.mean(W == 0):.0%} zeros")
    ax.set_xlabel("hidden unit")
axes[0].set_ylabel("input feature")
fig.colorbar(image, ax=axes, shrink=0.8, label="weight")
fig.suptitle(f"first-layer weights at alpha = {alpha}")
plt.show()
