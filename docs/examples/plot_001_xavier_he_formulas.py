"""
Xavier and He initialization: the right formulas
=================================================

The second tutorial draws "Xavier" and "He" weights for a 10 → 5 layer with
NumPy, as

* Xavier: ``np.random.uniform(np.sqrt(2 / n_in), np.sqrt(2 / n_out), ...)``,
  that is :math:`U(\\sqrt{2/n_{in}}, \\sqrt{2/n_{out}})`;
* He: :math:`U(\\sqrt{2/n_{in}}, -\\sqrt{2/n_{out}})`.

Both are wrong. The first interval lies entirely above zero (every weight is
positive, so all units compute nearly the same thing), and its width
:math:`\\sqrt{2/n_{out}} - \\sqrt{2/n_{in}}` has nothing to do with the
variance either scheme is about; the second has its bounds reversed. The
schemes are defined by the **variance** of zero-mean weights:

* Glorot/Xavier (for tanh, logistic, linear units):
  :math:`\\operatorname{Var} w = 2 / (n_{in} + n_{out})`, drawn as
  :math:`U(-a, a)` with :math:`a = \\sqrt{6 / (n_{in} + n_{out})}` or as
  :math:`N(0, 2 / (n_{in} + n_{out}))`;
* He/Kaiming (for ReLU units): :math:`\\operatorname{Var} w = 2 / n_{in}`,
  drawn as :math:`U(-\\sqrt{6/n_{in}}, \\sqrt{6/n_{in}})` or
  :math:`N(0, 2/n_{in})`.

(A uniform :math:`U(-a, a)` has variance :math:`a^2/3`, hence the 6.) The
tutorial also applies its L1 and L2 penalties to the *predictions* of its
5-point regression; a penalty acts on the **weights** — see the last
section.
"""

# %%
# The formulas, drawn with NumPy
# ------------------------------
#
# To estimate variances reliably we draw a wider layer, 400 → 200, as well as
# the tutorial's 10 → 5.
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(0)
# the tutorial used the legacy np.random.uniform, which accepts low > high
legacy = np.random.RandomState(0)


def draws(n_in, n_out):
    """The tutorial's two draws and the four correct ones."""
    shape = (n_in, n_out)
    glorot, he = np.sqrt(6 / (n_in + n_out)), np.sqrt(6 / n_in)
    return {
        "tutorial 'Xavier' U(√(2/n_in), √(2/n_out))": legacy.uniform(
            np.sqrt(2 / n_in), np.sqrt(2 / n_out), shape
        ),
        "tutorial 'He' U(√(2/n_in), -√(2/n_out))": legacy.uniform(
            np.sqrt(2 / n_in), -np.sqrt(2 / n_out), shape
        ),
        "glorot_uniform": rng.uniform(-glorot, glorot, shape),
        "glorot_normal": rng.normal(0, np.sqrt(2 / (n_in + n_out)), shape),
        "he_uniform": rng.uniform(-he, he, shape),
        "he_normal": rng.normal(0, np.sqrt(2 / n_in), shape),
    }


theory = {
    "glorot": lambda n_in, n_out: 2 / (n_in + n_out),
    "he": lambda n_in, n_out: 2 / n_in,
}
for n_in, n_out in [(10, 5), (400, 200)]:
    glorot_var, he_var = theory["glorot"](n_in, n_out), theory["he"](n_in, n_out)
    print(
        f"layer {n_in} -> {n_out}:  Glorot variance {glorot_var:.5f}, "
        f"He variance {he_var:.5f}"
    )
    for name, W in draws(n_in, n_out).items():
        print(f"  {name:45s} mean {W.mean():+.4f}  variance {W.var():.5f}")

# %%
# The tutorial's "Xavier" weights for the 400 → 200 layer all lie in
# [0.071, 0.1]: a mean of 0.085 and a variance fifty times too small (for
# a square layer the interval is a single point: every weight is the same,
# and so is every unit). Its "He" interval is [-0.1, 0.071]: off-centre, and
# again with a variance unrelated to :math:`2/n_{in}`. The correct draws have
# mean 0 and the variance of the formula.
fig, axes = plt.subplots(2, 3, figsize=(10, 5.5), layout="constrained", sharex=True)
for ax, (name, W) in zip(axes.ravel(), draws(400, 200).items(), strict=True):
    ax.hist(W.ravel(), bins=60, color="C3" if "tutorial" in name else "C0")
    ax.axvline(0, color="k", linewidth=0.8)
    ax.set_title(name, fontsize="small")
    ax.set_yticks([])
fig.suptitle("weights of a 400 → 200 layer")
for ax in axes[1]:
    ax.set_xlabel("weight")
plt.show()

# %%
# What skregnet draws
# -------------------
#
# ``init="glorot_uniform"`` (the default for tanh) and ``init="he_normal"``
# (the default for ReLU) follow the formulas above for every layer.
# :func:`skregnet.layer_statistics` reports each layer's weight variance; on
# an unfitted estimator, it uses the weights a ``fit`` would start from.
from skregnet import RegMLPRegressor, layer_statistics

X = rng.standard_normal((1000, 400))
y = rng.standard_normal(1000)
rows = []
for init in [
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "lecun_normal",
]:
    net = RegMLPRegressor((200, 100), activation="tanh", init=init, random_state=0)
    stats = layer_statistics(net, X, y)
    rows.append((init, stats.weight_var))
fan_in, fan_out = stats.fan_in, stats.fan_out
expected = {
    "glorot_uniform": 2 / (fan_in + fan_out),
    "glorot_normal": 2 / (fan_in + fan_out),
    "he_uniform": 2 / fan_in,
    "he_normal": 2 / fan_in,
    "lecun_normal": 1 / fan_in,
}
print("layers:", [f"{a}->{b}" for a, b in zip(fan_in, fan_out, strict=True)])
for init, var in rows:
    ratio = var / expected[init]
    print(
        f"{init:15s} empirical / theoretical variance per layer: "
        f"{np.array2string(ratio, precision=3)}"
    )

# %%
# The ratios are 1 up to sampling noise (the last layer has only 100
# weights, hence its larger deviation). What the variance does to a deep
# network, its activations and gradients layer by layer and its training, is
# the subject of :ref:`sphx_glr_auto_examples_plot_initialization_deep.py`.
#
# L1 and L2 penalize weights, not predictions
# -------------------------------------------
#
# The tutorial's 5-point regression added ``λ Σ |ŷ|`` and ``λ Σ ŷ²`` to its
# loss: that pulls the *predictions* towards zero, a different (and odd)
# model. The penalties of skregnet act on the weights (biases excluded), and
# with no hidden layer they are the lasso and ridge regression:
from sklearn.linear_model import Lasso, Ridge

x5 = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
y5 = np.array([2.1, 3.9, 6.2, 7.8, 10.1])
lam = 0.1
for penalty, reference in [("l1", Lasso(alpha=lam)), ("l2", Ridge(alpha=5 * lam))]:
    ours = RegMLPRegressor((), penalty=penalty, alpha=lam, solver="lbfgs", tol=1e-10)
    ours.fit(x5, y5)
    reference.fit(x5, y5)
    print(
        f"{penalty}: skregnet slope {ours.coefs_[0][0, 0]:.4f}, intercept "
        f"{ours.intercepts_[0][0]:.4f};  {type(reference).__name__}: slope "
        f"{reference.coef_[0]:.4f}, intercept {reference.intercept_:.4f}"
    )
