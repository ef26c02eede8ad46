"""
Alpha schedules: warm-up, decay and your own rule
==================================================

``alpha_schedule`` sets the penalty strength of each epoch, recorded in
``alpha_curve_``. Besides ``"constant"`` and ``"inverse_loss"`` (see
:ref:`sphx_glr_auto_examples_plot_004_inverse_loss_schedule.py`), any
callable ``f(epoch, data_loss, alpha) -> float >= 0`` works: it is called
before each epoch with the epoch number (from 0) and the previous epoch's
mean data loss (``None`` before the first).

A common use is a **warm-up** for a sparsifying penalty: L1 at full strength
from the first epoch zeroes weights before the network has found out which
ones it needs; a penalty that ramps up lets it learn first and prune later.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skregnet import RegMLPClassifier

# every fit below runs its full 60 epochs on purpose
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)


def warm_up(epoch, data_loss, alpha):
    """No penalty for 10 epochs, then a linear ramp to alpha over 20."""
    return alpha * np.clip((epoch - 10) / 20, 0.0, 1.0)


def step_decay(epoch, data_loss, alpha):
    """Full strength, halved every 15 epochs."""
    return alpha * 0.5 ** (epoch // 15)


schedules = {
    "constant": "constant",
    "warm-up (callable)": warm_up,
    "step decay (callable)": step_decay,
    "inverse_loss": "inverse_loss",
}
fig, axes = plt.subplots(1, 3, figsize=(13, 3.8), layout="constrained")
for name, schedule in schedules.items():
    net = RegMLPClassifier(
        (64,),
        penalty="l1",
        alpha=2e-3,
        alpha_schedule=schedule,
        learning_rate_init=3e-3,
        max_iter=60,
        random_state=0,
    ).fit(X_train, y_train)
    zeros = sum(np.sum(W == 0) for W in net.coefs_)
    total = sum(W.size for W in net.coefs_)
    print(
        f"{name:22s} test accuracy {net.score(X_test, y_test):.3f}, "
        f"{zeros / total:.0%} of the weights exactly zero, final alpha "
        f"{net.alpha_curve_[-1]:.3g}"
    )
    axes[0].plot(net.alpha_curve_, label=name)
    axes[1].plot(net.data_loss_curve_, label=name)
    axes[2].plot(net.loss_curve_, label=name)
axes[0].set_title("alpha_curve_")
axes[1].set_title("data loss")
axes[2].set_title("objective J (data loss + alpha_t R(W))")
axes[1].set_yscale("log")
axes[2].set_yscale("log")
for ax in axes:
    ax.set_xlabel("epoch")
axes[0].legend(fontsize="small")
plt.show()

# %%
# The objective ``loss_curve_`` of a schedule that changes alpha is not
# monotone (it includes the current penalty), which is why the data loss is
# the curve to compare. With the warm-up the network first fits freely (its
# data loss drops fastest), then the L1 penalty prunes it, ending at about
# the sparsity and accuracy of the constant alpha: on digits, the early
# penalty did no lasting harm. Step decay prunes early and relaxes later,
# letting pruned weights grow back; ``inverse_loss`` keeps raising alpha as
# the fit improves and prunes the most, at some cost in accuracy.
#
# Schedules need ``solver="sgd"`` or ``"adam"``: L-BFGS needs an objective
# that stays put, and refuses a non-constant schedule with a ``ValueError``.
try:
    RegMLPClassifier((8,), solver="lbfgs", alpha_schedule=warm_up).fit(
        X_train[:50], y_train[:50]
    )
except ValueError as error:
    print(f"ValueError: {error}")
