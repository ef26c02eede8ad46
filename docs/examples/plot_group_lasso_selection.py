"""
Feature selection with the group lasso, in a Pipeline
======================================================

``penalty="group_lasso"`` penalizes the Euclidean norm of each row of the
first weight matrix, that is of all the weights leaving one input feature:

.. math::

   R(W) = \\sum_j \\lVert W^1_{j,:} \\rVert_2 + \\tfrac12 \\sum_{l \\ge 2}
   \\lVert W^l \\rVert^2 .

A row's norm is not differentiable at zero, so, as with the lasso, whole rows
become **exactly zero**: the network stops looking at those features. Their
``feature_importances_`` (the normalized row norms) are then exactly zero,
and :class:`~sklearn.feature_selection.SelectFromModel` with
``threshold=1e-12`` keeps exactly the surviving features (its default
threshold, the mean importance, would keep fewer).

Here 5 informative features hide among 25 noise features.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import SelectFromModel
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skregnet import RegMLPClassifier

X, y = make_classification(
    n_samples=600,
    n_features=30,
    n_informative=5,
    n_redundant=0,
    n_repeated=0,
    shuffle=False,
    random_state=0,
)  # the informative features are the first five
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
# L-BFGS on these small networks sometimes uses all 500 iterations; the
# models are good enough for the comparison, so the warnings are silenced
warnings.filterwarnings("ignore", category=ConvergenceWarning)

selector_net = RegMLPClassifier(
    (32,),
    penalty="group_lasso",
    alpha=0.06,
    solver="lbfgs",
    max_iter=500,
    random_state=0,
)
pipe = make_pipeline(
    StandardScaler(),
    SelectFromModel(selector_net, threshold=1e-12),
    RegMLPClassifier(
        (32,), penalty="l2", alpha=1e-3, solver="lbfgs", max_iter=500, random_state=0
    ),
).fit(X_train, y_train)
kept = pipe[1].get_support(indices=True)
print(f"features kept: {kept}")
print(f"test accuracy with selection: {pipe.score(X_test, y_test):.3f}")

# %%
# The importances of the selecting network: the 25 noise features are exactly
# zero.
importances = pipe[1].estimator_.feature_importances_
fig, ax = plt.subplots(figsize=(9, 3.5), layout="constrained")
colors = ["C2" if j < 5 else "C7" for j in range(X.shape[1])]
ax.bar(range(X.shape[1]), importances, color=colors)
ax.set_xlabel("feature (green: informative)")
ax.set_ylabel("feature_importances_")
ax.set_title(
    f"group lasso, alpha = 0.06: {len(kept)} of 30 features kept, "
    f"{np.sum(importances == 0)} exactly zero"
)
ax.set_xticks(range(0, 30, 5))
plt.show()

# %%
# Does the selection help? Against the same network on all the features,
# and a logistic regression, by 5-fold cross-validation on the training set:
candidates = {
    "group lasso selection + MLP": pipe,
    "MLP on all 30 features": make_pipeline(
        StandardScaler(),
        RegMLPClassifier(
            (32,),
            penalty="l2",
            alpha=1e-3,
            solver="lbfgs",
            max_iter=500,
            random_state=0,
        ),
    ),
    "logistic regression": make_pipeline(StandardScaler(), LogisticRegression()),
}
for name, model in candidates.items():
    scores = cross_val_score(model, X_train, y_train, cv=5)
    print(f"{name:30s} CV accuracy {scores.mean():.3f} ± {scores.std():.3f}")

# %%
# How alpha sets the number of features
# -------------------------------------
#
# The stronger the group penalty, the fewer rows survive. The path of
# :func:`skregnet.regmlp_path` shows it in one warm-started sweep (weakest
# alpha first); the informative features are the last to go.
from skregnet import regmlp_path

X_scaled = StandardScaler().fit_transform(X_train)
path = regmlp_path(
    X_scaled,
    y_train,
    alphas=np.geomspace(1e-3, 0.3, 12),
    hidden_layer_sizes=(32,),
    penalty="group_lasso",
    solver="lbfgs",
    max_iter=500,
    random_state=0,
    return_weights=True,
)
alphas = [p.alpha for p in path]
norms = np.array([np.linalg.norm(p.coefs[0], axis=1) for p in path])
fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
for j in range(X.shape[1]):
    ax.plot(
        alphas,
        norms[:, j],
        color="C2" if j < 5 else "C7",
        linewidth=2 if j < 5 else 1,
        alpha=1 if j < 5 else 0.6,
    )
ax.set_xscale("log")
ax.set_xlabel("alpha")
ax.set_ylabel("norm of the feature's first-layer row")
ax.set_title("per-feature path (green: the 5 informative features)")
plt.show()
print([(f"{p.alpha:.3g}", p.n_selected_features) for p in path])
