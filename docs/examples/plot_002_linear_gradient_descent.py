"""
Gradient descent with an L2 penalty, against Ridge
===================================================

The third tutorial writes the regularized objective as
:math:`J(\\theta) = L(\\theta) + \\tfrac{\\lambda}{2} R(\\theta)` with
:math:`R = \\sum \\theta^2`, and fits a linear model on random data (100
samples, 10 features) by gradient descent: learning rate 0.01, λ = 0.01, 1000
iterations.

What it got wrong:

* its gradient of the data term is :math:`X^\\top (X\\theta - y)`, the gradient
  of the **sum** of squared errors, while its loss is the **mean**: the step is
  n = 100 times too large (here it still converges, only because the random
  data are small and well conditioned; on 150 samples it diverges), and λ
  then means something different for every sample size;
* it says the penalty's gradient "must be halved": the gradient of
  :math:`\\tfrac{\\lambda}{2} \\sum \\theta^2` is :math:`\\lambda\\theta`, nothing
  to halve.

skregnet's objective is the one the tutorial meant (SPEC §1):

.. math::

   J(w, b) = \\frac{1}{n} \\sum_i \\tfrac12 (y_i - x_i^\\top w - b)^2
   + \\alpha\\, \\tfrac12 \\lVert w \\rVert^2,
   \\qquad
   \\nabla_w J = \\frac{1}{n} X^\\top (X w + b - y) + \\alpha w,

whose minimizer is ``Ridge(alpha=n * alpha)``: Ridge penalizes the *sum* of
squared errors, so its alpha is n times ours.
"""

# %%
# Gradient descent by hand, done right
# ------------------------------------
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge

from skregnet import RegMLPRegressor

rng = np.random.default_rng(0)
n, p = 100, 10
X = rng.standard_normal((n, p))
w_true = rng.standard_normal(p)
y = X @ w_true + 0.5 + 0.3 * rng.standard_normal(n)
lam, lr, n_iter = 0.01, 0.01, 1000


def objective(w, b):
    return 0.5 * np.mean((y - X @ w - b) ** 2) + lam * 0.5 * w @ w


def gradient_descent(scale_by_n):
    w, b = np.zeros(p), 0.0
    curve = []
    for _ in range(n_iter):
        residual = X @ w + b - y
        if scale_by_n:  # the gradient of the mean
            grad_w, grad_b = X.T @ residual / n + lam * w, residual.mean()
        else:  # the tutorial: the gradient of the sum
            grad_w, grad_b = X.T @ residual + lam * w, residual.sum()
        w, b = w - lr * grad_w, b - lr * grad_b
        curve.append(objective(w, b))
    return w, b, curve


w_gd, b_gd, curve_gd = gradient_descent(scale_by_n=True)
w_tut, b_tut, curve_tut = gradient_descent(scale_by_n=False)

# %%
# skregnet: the same full-batch gradient descent, and an exact solver
# --------------------------------------------------------------------
#
# ``solver="sgd"`` with one batch of all samples, no momentum and no
# shuffling is plain gradient descent on :math:`J`; ``tol=0`` and
# ``n_iter_no_change=np.inf`` make it run all 1000 iterations. ``lbfgs``
# solves the same problem to high precision. (The fixed 1000 iterations stop
# before ``sgd``'s own convergence test is met, hence the warning filter.)
warnings.filterwarnings("ignore", category=ConvergenceWarning)
gd = RegMLPRegressor(
    (),
    penalty="l2",
    alpha=lam,
    solver="sgd",
    learning_rate_init=lr,
    batch_size=n,
    momentum=0.0,
    shuffle=False,
    max_iter=n_iter,
    tol=0.0,
    n_iter_no_change=np.inf,
    init="zeros",
).fit(X, y)
exact = RegMLPRegressor((), penalty="l2", alpha=lam, solver="lbfgs", tol=1e-10)
exact.fit(X, y)
ridge = Ridge(alpha=n * lam).fit(X, y)

print("largest coefficient difference from Ridge(alpha=n * lam):")
print(f"  gradient descent by hand     {np.abs(w_gd - ridge.coef_).max():.2e}")
print(
    f"  skregnet sgd (full batch)    "
    f"{np.abs(gd.coefs_[0].ravel() - ridge.coef_).max():.2e}"
)
print(
    f"  skregnet lbfgs               "
    f"{np.abs(exact.coefs_[0].ravel() - ridge.coef_).max():.2e}"
)
print(f"  the tutorial's gradient      {np.abs(w_tut - ridge.coef_).max():.2e}")
print(f"skregnet sgd vs by hand: {np.abs(gd.coefs_[0].ravel() - w_gd).max():.1e}")
weak = Ridge(alpha=lam).fit(X, y)
print(
    f"the tutorial's gradient vs Ridge(alpha=lam): "
    f"{np.abs(w_tut - weak.coef_).max():.2e}"
)

# %%
# The hand-written descent and skregnet's ``sgd`` take the same steps (to
# rounding), and after 1000 iterations both are within 0.003 of Ridge's
# solution, which ``lbfgs`` reaches exactly. The tutorial's version converges
# too, but to ``Ridge(alpha=lam)``: next to the *sum* of squared errors its λ
# is a penalty n times weaker than the one it wrote down. And its n-times
# larger step is stable only by the accident of n = 100:
fig, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
axes[0].plot(curve_gd, label="gradient of the mean (by hand)")
axes[0].plot(gd.loss_curve_, "--", label="skregnet sgd, full batch")
axes[0].plot(curve_tut, ":", label="tutorial: gradient of the sum")
axes[0].axhline(
    objective(ridge.coef_, ridge.intercept_),
    color="k",
    linewidth=0.8,
    label="J at Ridge(alpha=n·λ)",
)
axes[0].set_xscale("log")
axes[0].set_yscale("log")
axes[0].set_xlabel("iteration")
axes[0].set_ylabel("J(w, b)")
axes[0].legend(fontsize="small")
axes[0].set_title("n = 100")

# the same code on more samples
sizes = [50, 100, 150, 200, 400, 1000]
for scale_by_n, label in [
    (True, "gradient of the mean"),
    (False, "tutorial: gradient of the sum"),
]:
    final = []
    for m in sizes:
        Xm = rng.standard_normal((m, p))
        ym = Xm @ w_true + 0.5 + 0.3 * rng.standard_normal(m)
        w, b = np.zeros(p), 0.0
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(200):
                r = Xm @ w + b - ym
                gw = Xm.T @ r / (m if scale_by_n else 1) + lam * w
                gb = r.mean() if scale_by_n else r.sum()
                w, b = w - lr * gw, b - lr * gb
            final.append(0.5 * np.mean((ym - Xm @ w - b) ** 2))
    final = np.asarray(final)
    blown = ~(final < 1e6)  # diverged (or overflowed to inf / nan)
    (line,) = axes[1].plot(sizes, np.where(blown, 1e6, final), "o-", label=label)
    if blown.any():
        axes[1].plot(
            np.asarray(sizes)[blown],
            np.full(blown.sum(), 1e6),
            "^",
            color=line.get_color(),
            markersize=10,
        )
axes[1].annotate(
    "diverged (drawn at 1e6)",
    (sizes[-1], 1e6),
    xytext=(0, -16),
    textcoords="offset points",
    ha="right",
    fontsize="small",
)
axes[1].set_xscale("log")
axes[1].set_yscale("log")
axes[1].set_xlabel("number of samples n")
axes[1].set_ylabel("mean squared error / 2 after 200 steps")
axes[1].set_title("lr = 0.01: the sum's step grows with n")
axes[1].legend(fontsize="small")
plt.show()

# %%
# With the gradient of the sum, the effective learning rate is ``lr * n``:
# from about 150 samples on, the iterates blow up (the triangles: errors of
# 1e40 and more, off the chart). With the gradient of the mean, the same
# learning rate works for every n, and ``alpha`` keeps its meaning — which
# is why skregnet's objective averages the data term, whatever the batch
# size.
