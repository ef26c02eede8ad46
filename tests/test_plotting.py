"""The displays of ``skregnet.plotting``: ``RegularizationPathDisplay``."""

import sys

import numpy as np
import pytest
from sklearn.datasets import make_classification

from skregnet import RegMLPClassifierCV, regmlp_path

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

from skregnet.plotting import RegularizationPathDisplay  # noqa: E402

X, y = make_classification(n_samples=90, n_features=5, random_state=0)


@pytest.fixture(scope="module")
def model():
    return RegMLPClassifierCV(
        (4,),
        alphas=[1e-3, 1e-2, 1e-1, 1.0],
        cv=3,
        penalty="l1",
        solver="lbfgs",
        max_iter=50,
        random_state=0,
    ).fit(X, y)


def test_draws_on_the_given_ax_and_labels_it(model):
    figure = Figure()
    ax = figure.add_subplot()
    display = RegularizationPathDisplay.from_estimator(model, ax=ax)
    assert display.ax_ is ax and display.figure_ is figure
    assert ax.get_xscale() == "log"
    assert ax.get_xlabel() == "alpha (penalty strength)"
    assert ax.get_ylabel() == "CV accuracy"
    assert display.ax_norm_.get_ylabel() == "weight norm"
    assert display.ax_features_.get_ylabel() == "selected features"
    assert display.ax_norm_.figure is figure
    np.testing.assert_allclose(display.lines_["score"].get_xdata(), model.alphas_)
    np.testing.assert_allclose(
        display.lines_["score"].get_ydata(), model.cv_results_["mean_test_score"]
    )
    np.testing.assert_allclose(
        display.lines_["weight_norm"].get_ydata(), model.path_["weight_norm"]
    )
    assert display.lines_["alpha"].get_xdata()[0] == model.alpha_
    assert "score_band" in display.lines_
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"alpha_ = {model.alpha_:.3g}" in legend
    figure.canvas.draw()  # renders with Agg


def test_new_figure_and_scoring_label(model):
    import matplotlib.pyplot as plt

    model_balanced = RegMLPClassifierCV(
        (4,), alphas=[1e-3, 1e-1], cv=3, scoring="balanced_accuracy", max_iter=20
    ).fit(X, y)
    display = RegularizationPathDisplay.from_estimator(model_balanced)
    assert display.ax_.get_ylabel() == "CV balanced_accuracy"
    plt.close(display.figure_)


def test_from_path_without_scores():
    path = regmlp_path(X, y, alphas=[1e-3, 1e-1], hidden_layer_sizes=(), solver="lbfgs")
    figure = Figure()
    ax = figure.add_subplot()
    display = RegularizationPathDisplay.from_path(path, ax=ax)
    assert display.ax_norm_ is ax
    assert ax.get_ylabel() == "weight norm"
    assert display.ax_features_.get_ylabel() == "selected features"
    assert "score" not in display.lines_


def test_clear_error_without_matplotlib(model, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"requires matplotlib.*skregnet\[plot\]"):
        RegularizationPathDisplay.from_estimator(model)
    with pytest.raises(ImportError, match=r"RegularizationPathDisplay\.plot"):
        RegularizationPathDisplay(alphas=[1.0]).plot()
