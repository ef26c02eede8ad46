"""
Iris with L2 and a truncated-normal start, as a classifier
===========================================================

The first tutorial trains a one-hidden-layer network on iris: features
standardized, an 80/20 split, 100 ReLU units, weights drawn from a normal
distribution truncated at two standard deviations with σ = 0.01, Adam with a
learning rate of 0.001, mini-batches of 32, an L2 penalty λ = 0.01 on both
weight matrices, 1000 epochs.

What it got wrong:

* it trains the network with **mean squared error on the integer labels**
  0, 1, 2, as if "virginica minus versicolor" were the same distance as
  "versicolor minus setosa", and then rounds a single real-valued output.
  Iris is a classification problem: the network needs one output per class, a
  softmax and the log loss (cross-entropy), which is what
  :class:`~skregnet.RegMLPClassifier` does;
* it describes Xavier initialization as "the input mean divided by the output
  size"; Xavier (Glorot) is a *variance*, :math:`2 / (n_{in} + n_{out})`
  (see :ref:`sphx_glr_auto_examples_plot_001_xavier_he_formulas.py`).

Below is the scenario done right, and, for comparison, what the regression on
integer labels does.
"""

# %%
# The scenario
# ------------
#
# ``alpha`` multiplies :math:`\tfrac12 \sum w^2` next to the *mean* log loss,
# so λ = 0.01 means the same thing whatever the batch size. The tutorial
# penalized both weight matrices, which is what ``penalty="l2"`` does (biases
# are never penalized).
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_iris
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skregnet import RegMLPClassifier, RegMLPRegressor

X, y = load_iris(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.2, stratify=y, random_state=0
)
common = dict(
    init="truncated_normal",
    init_scale=0.01,
    solver="adam",
    learning_rate_init=0.001,
    batch_size=32,
    penalty="l2",
    alpha=0.01,
    max_iter=1000,
    random_state=0,
)
clf = make_pipeline(StandardScaler(), RegMLPClassifier((100,), **common))
clf.fit(X_train, y_train)
net = clf[-1]
print(
    f"log-loss classifier: test accuracy {clf.score(X_test, y_test):.3f}, "
    f"{net.n_iter_} epochs, output activation {net.out_activation_!r}"
)

# %%
# The tutorial's version: a regressor on the labels 0, 1, 2, its output
# rounded to the nearest class.
reg = make_pipeline(StandardScaler(), RegMLPRegressor((100,), **common))
reg.fit(X_train, y_train)
rounded = np.clip(np.rint(reg.predict(X_test)), 0, 2).astype(int)
print(f"MSE on integer labels: test accuracy {np.mean(rounded == y_test):.3f}")

# %%
# On iris both get most test flowers right: the classes are nearly separable.
# The difference shows in what the models *say*: the classifier gives
# probabilities that sum to one, the regressor a number between classes that
# means nothing (1.5 is not "half versicolor, half virginica"), and it could
# not represent three classes in any other order.
fig, axes = plt.subplots(1, 2, figsize=(9, 3.8), layout="constrained")
ConfusionMatrixDisplay.from_predictions(
    y_test, clf.predict(X_test), ax=axes[0], colorbar=False
)
axes[0].set_title("log loss (RegMLPClassifier)")
axes[1].plot(net.loss_curve_, label="classifier: log loss + α R(W)")
axes[1].plot(reg[-1].loss_curve_, label="regressor: ½ squared error + α R(W)")
axes[1].set_xlabel("epoch")
axes[1].set_ylabel("objective J")
axes[1].set_yscale("log")
axes[1].legend()
axes[1].set_title("training curves")
plt.show()

# %%
# The class probabilities of a few test flowers:
np.set_printoptions(precision=3, suppress=True)
print(clf.predict_proba(X_test[:5]))
