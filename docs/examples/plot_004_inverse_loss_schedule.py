"""
λ that follows the loss: the inverse_loss schedule
==================================================

The fifth tutorial adjusts λ during training by the rule
:math:`\\lambda = \\tfrac12 \\alpha / L(w)`, floored at :math:`10^{-8}`: the
smaller the data loss, the stronger the penalty, so the model is pulled back
harder the closer it gets to fitting its training data exactly. It applies
the rule to a 4-point dataset with 10 weights, learning rate 0.01, 1000
iterations, and notes that it works for L1 too.

What it got wrong: it recomputes λ at every iteration but **never uses it**
in the update, which applies the gradient of the data term alone (and its
array shapes do not match). Its training is unregularized whatever λ is.

skregnet's ``alpha_schedule="inverse_loss"`` implements the rule (SPEC §4) as

.. math::

   \\alpha_t = \\min\\left(\\alpha \\frac{L_1}{L_{t-1}},\\ 10^3 \\alpha\\right),

with :math:`L_t` the mean data loss of epoch :math:`t`: the same
:math:`\\lambda \\propto 1/L`, scaled so that the first epoch uses ``alpha``
itself (the tutorial's :math:`\\tfrac12\\alpha/L` starts at a value that
depends on the units of y) and capped so it cannot run away when the loss
reaches zero. The tutorial's exact rule is a one-line callable. Every
schedule is recorded in ``alpha_curve_``, and it is *used*: every update
applies the penalty at ``alpha_t``.
"""

# %%
# The tutorial's scenario: 4 points, 10 weights
# ---------------------------------------------
#
# A linear model with 10 weights on 4 points can fit them exactly: without a
# penalty the data loss goes to zero. We train it with full-batch gradient
# descent at learning rate 0.01 for 1000 epochs, with a constant λ, with
# ``"inverse_loss"`` and with the tutorial's rule as a callable.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skregnet import RegMLPRegressor

# 1000 fixed epochs stop before the convergence test: expected, not a problem
warnings.filterwarnings("ignore", category=ConvergenceWarning)

rng = np.random.default_rng(0)
X = rng.standard_normal((4, 10))
y = X @ rng.standard_normal(10) + 0.1 * rng.standard_normal(4)


def tutorial_rule(epoch, data_loss, alpha):
    """lambda = alpha / (2 L), floored at 1e-8; alpha before the first epoch."""
    if data_loss is None:
        return alpha
    return max(0.5 * alpha / data_loss, 1e-8)


def gradient_descent(penalty="l2", **params):
    return RegMLPRegressor(
        (),
        penalty=penalty,
        solver="sgd",
        learning_rate_init=0.01,
        batch_size=4,
        momentum=0.0,
        shuffle=False,
        max_iter=1000,
        tol=0.0,
        n_iter_no_change=np.inf,
        **params,
    ).fit(X, y)


alpha = 0.01
runs = {
    "no penalty (what the tutorial trains)": gradient_descent(penalty=None),
    f"constant alpha = {alpha}": gradient_descent(alpha=alpha),
    "inverse_loss": gradient_descent(alpha=alpha, alpha_schedule="inverse_loss"),
    "tutorial's rule, used": gradient_descent(
        alpha=alpha, alpha_schedule=tutorial_rule
    ),
}
for name, model in runs.items():
    w = model.coefs_[0].ravel()
    final = "-" if model.penalty is None else f"{model.alpha_curve_[-1]:.3g}"
    print(
        f"{name:40s} final data loss {model.data_loss_curve_[-1]:.2e}  "
        f"|w| = {np.linalg.norm(w):.3f}  final alpha {final}"
    )

# %%
# Without a penalty, the data loss keeps falling towards zero. With a
# constant alpha, it levels off where the penalty balances the data term.
# With ``inverse_loss``, alpha rises as the loss falls (27-fold here, far
# below its cap of 1000 alpha) until the two balance: a smaller weight norm
# and a data loss that stops falling. The tutorial's rule, once it is
# actually used, does the same from a different starting value.
fig, axes = plt.subplots(1, 3, figsize=(12, 3.8), layout="constrained")
for k, (name, model) in enumerate(runs.items()):
    color = f"C{k}"
    axes[0].plot(model.data_loss_curve_, color=color, label=name)
    if model.penalty is not None:  # no penalty: no alpha to draw
        axes[1].plot(model.alpha_curve_, color=color, label=name)
    axes[2].plot(model.loss_curve_, color=color, label=name)
axes[0].set_title("data loss L")
axes[1].set_title("alpha_curve_ (the λ used)")
axes[2].set_title("objective J = L + alpha_t R(w)")
for ax in axes:
    ax.set_xlabel("epoch")
    ax.set_yscale("log")
axes[0].legend(fontsize="small")
plt.show()

# %%
# It applies to L1 too
# --------------------
#
# The schedule scales whatever the penalty is. With ``penalty="l1"`` the
# growing alpha zeroes weights one after the other, exactly (a proximal
# step, not a subgradient):
l1_constant = gradient_descent(penalty="l1", alpha=alpha)
l1_inverse = gradient_descent(penalty="l1", alpha=alpha, alpha_schedule="inverse_loss")
for name, model in [("constant", l1_constant), ("inverse_loss", l1_inverse)]:
    w = model.coefs_[0].ravel()
    print(
        f"L1, {name:12s}: {np.sum(w == 0)} of 10 weights exactly zero, "
        f"final alpha {model.alpha_curve_[-1]:.3g}"
    )

# %%
# On a real problem
# -----------------
#
# A network that can overfit: 80 noisy samples, 20 features, 128 hidden
# units. ``inverse_loss`` starts weak and tightens as the training loss
# drops; we compare its test score with constant alphas, including the value
# it ends at.
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

Xr, yr = make_regression(
    n_samples=280, n_features=20, n_informative=5, noise=20.0, random_state=0
)
yr = yr / yr.std()
Xr_train, Xr_test, yr_train, yr_test = train_test_split(
    Xr, yr, train_size=80, random_state=0
)
scaler = StandardScaler().fit(Xr_train)
Xr_train, Xr_test = scaler.transform(Xr_train), scaler.transform(Xr_test)


def network(**params):
    return RegMLPRegressor(
        (128,),
        solver="adam",
        learning_rate_init=0.01,
        max_iter=300,
        random_state=0,
        **params,
    ).fit(Xr_train, yr_train)


adaptive = network(alpha=1e-3, alpha_schedule="inverse_loss")
end = adaptive.alpha_curve_[-1]
fits = {
    "constant 1e-3": network(alpha=1e-3),
    "inverse_loss from 1e-3": adaptive,
    f"constant {end:.3g} (where inverse_loss ends)": network(alpha=end),
}
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
for name, model in fits.items():
    print(
        f"{name:45s} train R² {model.score(Xr_train, yr_train):.3f}  "
        f"test R² {model.score(Xr_test, yr_test):.3f}"
    )
    axes[0].plot(model.alpha_curve_, label=name)
    axes[1].plot(model.data_loss_curve_, label=name)
axes[0].set_title("alpha_curve_")
axes[1].set_title("training data loss")
for ax in axes:
    ax.set_xlabel("epoch")
    ax.set_yscale("log")
axes[0].legend(fontsize="small")
plt.show()

# %%
# The schedule lets the network fit freely at first and regularizes it more
# as it starts to memorize its training data. Whether that beats a
# well-chosen constant alpha depends on the problem: it is one more
# hyperparameter to compare by cross-validation, not a free lunch.
