"""
The regularization path, ``alpha_`` and ``alpha_1se_``
=======================================================

:class:`~skregnet.RegMLPClassifierCV` chooses alpha by cross-validation along
the **regularization path**: in each fold it fits the network at every alpha,
from the weakest up, each fit starting from the previous solution. (A network
path cannot go down from an empty model as a lasso path does: all-zero
weights are a stationary point, so a fit started there never leaves it.)

It reports two choices:

* ``alpha_``, the alpha with the best mean CV score;
* ``alpha_1se_``, the **largest** alpha whose mean score is within one
  standard error of the best (the "one-standard-error rule" of R's
  cv.glmnet): the simplest model that is as good as the best within the
  noise of cross-validation. ``alpha_rule="1se"`` refits there.

:class:`~skregnet.plotting.RegularizationPathDisplay` draws the path: the CV
score with its spread over the folds, and, for the path refit on all the
data, the number of input features still used;
:class:`~skregnet.plotting.FeaturePathDisplay` draws each feature's
first-layer weight norm along it.

Every point of the path is trained by the stopping rule of a fit from
scratch at its alpha; a point that stops at ``max_iter`` instead is said to be
unconverged, in ``path_["converged"]`` and in the one ConvergenceWarning the
search gives (shown below the code when there is one).
"""

# %%
import matplotlib.pyplot as plt
import pandas as pd
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skregnet import RegMLPClassifierCV
from skregnet.plotting import FeaturePathDisplay, RegularizationPathDisplay

X, y = load_wine(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
scaler = StandardScaler().set_output(transform="pandas").fit(X_train)
X_train_s, X_test_s = scaler.transform(X_train), scaler.transform(X_test)

model = RegMLPClassifierCV(
    (16,),
    alphas=12,
    cv=4,
    penalty="l1",
    solver="lbfgs",
    max_iter=300,
    random_state=0,
).fit(X_train_s, y_train)
print(
    f"{len(model.alphas_)} alphas from {model.alphas_[0]:.3g} to "
    f"{model.alphas_[-1]:.3g}"
)
print(f"alpha_ = {model.alpha_:.4g} (mean CV accuracy {model.best_score_:.3f})")
print(f"alpha_1se_ = {model.alpha_1se_:.4g}")
print(
    f"test accuracy of the refit model at alpha_: {model.score(X_test_s, y_test):.3f}"
)

# %%
# ``alphas=12`` asks for a data-driven grid: 12 log-spaced values ending
# where the network collapses; for L1-type penalties the grid is extended
# until the first layer is all zero, hence the strongest alphas with no
# feature left.
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8), layout="constrained")
RegularizationPathDisplay.from_estimator(model, ax=left)
FeaturePathDisplay.from_estimator(model, ax=right)
fig.suptitle("wine, L1, 4-fold CV")
plt.show()

# %%
# ``path_`` is a dict of equal-length arrays, so it is a table; and
# ``cv_results_`` has ``GridSearchCV``'s layout.
table = pd.DataFrame(model.path_)
table["mean CV accuracy"] = model.cv_results_["mean_test_score"]
table["std"] = model.cv_results_["std_test_score"]
print(table.to_string(float_format="%.4g"))

# %%
# The one-standard-error choice
# -----------------------------
#
# Refit at ``alpha_1se_`` with ``alpha_rule="1se"``: a sparser network whose
# CV score is statistically indistinguishable from the best.
sparse = RegMLPClassifierCV(
    (16,),
    alphas=12,
    cv=4,
    penalty="l1",
    solver="lbfgs",
    max_iter=300,
    random_state=0,
    alpha_rule="1se",
).fit(X_train_s, y_train)
for name, m in [("best (alpha_)", model), ("1se (alpha_1se_)", sparse)]:
    used = [
        f for f, imp in zip(X.columns, m.feature_importances_, strict=True) if imp > 0
    ]
    zeros = sum((W == 0).sum() for W in m.coefs_)
    print(
        f"{name:18s} alpha {m.alpha_:.3g}: test accuracy "
        f"{m.score(X_test_s, y_test):.3f}, {zeros} zero weights, "
        f"{len(used)} features: {', '.join(used)}"
    )
