"""
Dropout, max-norm and weight decay on an overfitting problem
=============================================================

Besides its penalties, skregnet has three regularizers that act on the
training procedure rather than on the objective:

* ``dropout=p``: each hidden unit is dropped with probability p at every
  training step (inverted dropout: kept units are scaled by 1/(1-p), so
  prediction uses all units unscaled);
* ``max_norm=c``: after every update, each unit's incoming weight vector is
  rescaled to norm at most c;
* ``weight_decay=d``: decoupled weight decay (AdamW): every step also shrinks
  the weights by ``learning_rate * d``, without Adam's per-coordinate
  rescaling.

We give them a network that overfits: 100 training samples, 50 features of
which 5 informative, two hidden layers of 256 units. Each is compared at a
few strengths with no regularization and with an L2 penalty, on a held-out
test set.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skregnet import RegMLPClassifier

# every network trains for its full 150 epochs
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = make_classification(
    n_samples=1100,
    n_features=50,
    n_informative=5,
    n_redundant=0,
    flip_y=0.02,
    class_sep=1.5,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=100, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)


def fit(**params):
    net = RegMLPClassifier(
        (256, 256),
        penalty=None,
        solver="adam",
        learning_rate_init=1e-3,
        batch_size=20,
        max_iter=150,
        random_state=0,
    )
    return net.set_params(**params).fit(X_train, y_train)


settings = {
    "none": [{}],
    "L2 penalty (alpha)": [{"penalty": "l2", "alpha": a} for a in (0.01, 0.1, 0.3)],
    "dropout": [{"dropout": p} for p in (0.2, 0.5, 0.8)],
    "max_norm": [{"max_norm": c} for c in (2.0, 1.0, 0.5)],
    "weight_decay": [{"weight_decay": d} for d in (1.0, 5.0, 20.0)],
}
results = {}
for name, grid in settings.items():
    for params in grid:
        net = fit(**params)
        value = (
            next(iter(params.values()), None)
            if name != "L2 penalty (alpha)"
            else params["alpha"]
        )
        results.setdefault(name, []).append(
            (value, net.score(X_train, y_train), net.score(X_test, y_test), net)
        )
        print(
            f"{name:20s} {params!s:35s} train {net.score(X_train, y_train):.3f}"
            f"  test {net.score(X_test, y_test):.3f}"
        )

# %%
# Train and test accuracy at each strength (the dashed line is the
# unregularized network's test accuracy):
baseline = results["none"][0][2]
fig, axes = plt.subplots(1, 4, figsize=(14, 3.6), layout="constrained", sharey=True)
for ax, name in zip(axes, [k for k in settings if k != "none"], strict=True):
    values = [str(v) for v, *_ in results[name]]
    ax.plot(values, [r[1] for r in results[name]], "o-", label="train")
    ax.plot(values, [r[2] for r in results[name]], "s-", label="test")
    ax.axhline(
        baseline,
        color="k",
        linestyle="--",
        linewidth=0.8,
        label="test, no regularization",
    )
    ax.set_title(name)
    ax.set_xlabel("strength")
axes[0].set_ylabel("accuracy")
axes[0].legend(fontsize="small")
plt.show()

# %%
# What each did to the weights
# ----------------------------
#
# The largest norm of a hidden unit's incoming weights, per layer, for the
# strongest setting of each: ``max_norm`` caps it exactly, the others shrink
# it softly.
fig, ax = plt.subplots(figsize=(9, 3.8), layout="constrained")
width = 0.15
for k, name in enumerate(settings):
    net = results[name][-1][3]
    col_norms = [np.linalg.norm(W, axis=0).max() for W in net.coefs_]
    ax.bar(np.arange(3) + (k - 2) * width, col_norms, width, label=name)
ax.axhline(0.5, color="k", linewidth=0.8, linestyle=":", label="max_norm = 0.5")
ax.set_xticks(range(3), ["layer 1", "layer 2", "output"])
ax.set_ylabel("largest unit weight norm")
ax.set_yscale("log")
fig.legend(loc="outside right upper", fontsize="small")
plt.show()

# %%
# On this problem every regularizer narrows the gap between train and test
# accuracy and, at a good strength, beats the unregularized network; none is
# best everywhere, and too much of any of them underfits. Which one to use,
# and how strong, is a question for cross-validation (``GridSearchCV`` takes
# all of them as parameters); ``benchmarks/bench_regularizers.py`` measures
# them on more problems, including where they do not help.
