"""The displays of ``skregnet.plotting``: ``RegularizationPathDisplay`` and
``FeaturePathDisplay``, with what they draw and where (every artist inside
its figure, in subplots too)."""

import sys

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skregnet import RegMLPClassifierCV, regmlp_path

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from skregnet.plotting import (  # noqa: E402
    FeaturePathDisplay,
    RegularizationPathDisplay,
)

X, y = make_classification(n_samples=90, n_features=5, random_state=0)
NAMES = ["age", "income", "height", "weight", "noise"]


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


@pytest.fixture(scope="module")
def pipeline():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=NAMES)
    return make_pipeline(
        StandardScaler().set_output(transform="pandas"),
        RegMLPClassifierCV(
            (4,),
            alphas=[1e-3, 1e-2, 1e-1],
            cv=3,
            penalty="group_lasso",
            solver="lbfgs",
            max_iter=50,
            random_state=0,
        ),
    ).fit(frame, y)


def _assert_inside(figure):
    """Every artist's tight bounding box lies within the figure (what a
    default ``savefig`` keeps), with the figure's own layout engine."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    box = figure.bbox
    for ax in figure.axes:
        for artist in [ax, *ax.get_children()]:
            if not artist.get_visible():
                continue
            extent = artist.get_tightbbox(renderer)
            if extent is None or extent.width == 0:
                continue
            assert extent.x0 >= box.x0 - 1 and extent.x1 <= box.x1 + 1, artist
            assert extent.y0 >= box.y0 - 1 and extent.y1 <= box.y1 + 1, artist


def _overlap(a, b):
    return not (a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0)


def test_draws_on_the_given_ax_and_labels_it(model):
    figure = Figure()
    ax = figure.add_subplot()
    display = RegularizationPathDisplay.from_estimator(model, ax=ax)
    assert display.ax_ is ax and display.figure_ is figure
    assert ax.get_xscale() == "log"
    assert ax.get_xlabel() == "alpha (penalty strength)"
    assert ax.get_ylabel() == "CV accuracy"
    assert display.ax_features_.get_ylabel() == "selected features"
    assert display.ax_features_.figure is figure
    np.testing.assert_allclose(display.lines_["score"].get_xdata(), model.alphas_)
    np.testing.assert_allclose(
        display.lines_["score"].get_ydata(), model.cv_results_["mean_test_score"]
    )
    np.testing.assert_allclose(
        display.lines_["n_selected_features"].get_ydata(),
        model.path_["n_selected_features"],
    )
    assert display.lines_["alpha"].get_xdata()[0] == model.alpha_
    assert "score_band" in display.lines_
    legend = [t.get_text() for t in display.lines_["legend"].get_texts()]
    assert f"alpha_ = {model.alpha_:.3g}" in legend
    # the counts of features have integer ticks
    ticks = display.ax_features_.get_yticks()
    assert np.all(ticks == np.round(ticks))


@pytest.mark.parametrize("Display", [RegularizationPathDisplay, FeaturePathDisplay])
def test_everything_is_drawn_inside_the_figure(model, Display):
    """Regression test: the third y axis of "selected features" was drawn
    outside the figure (cut by savefig) and the legend sat on the curves
    (issue 7)."""
    display = Display.from_estimator(model)
    _assert_inside(display.figure_)
    # the legend is clear of the data: outside the axes' plotting area
    legend = display.lines_["legend"].get_window_extent()
    assert not _overlap(legend, display.ax_.get_window_extent())
    plt.close(display.figure_)


def test_two_displays_side_by_side_keep_apart(model):
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    RegularizationPathDisplay.from_estimator(model, ax=left)
    FeaturePathDisplay.from_estimator(model, ax=right)
    _assert_inside(figure)
    renderer = figure.canvas.get_renderer()
    boxes = [ax.get_tightbbox(renderer) for ax in (left, right)]
    twin = [ax for ax in figure.axes if ax not in (left, right)]
    boxes[0] = type(boxes[0]).union(
        [boxes[0], *(t.get_tightbbox(renderer) for t in twin)]
    )
    assert not _overlap(*boxes)
    plt.close(figure)


def test_from_estimator_accepts_a_fitted_pipeline_and_names_features(pipeline):
    """Regression test: from_estimator(fitted_pipeline) said the pipeline
    was not fitted (issue 7)."""
    display = RegularizationPathDisplay.from_estimator(pipeline)
    assert display.ax_.get_ylabel() == "CV accuracy"
    features = FeaturePathDisplay.from_estimator(pipeline)
    legend = [t.get_text() for t in features.lines_["legend"].get_texts()]
    assert set(legend) - {t for t in legend if t.startswith("alpha")} <= set(NAMES)
    norms = pipeline[-1].feature_norm_path_
    for j, line in enumerate(features.lines_["features"]):
        np.testing.assert_allclose(line.get_ydata(), norms[:, j])
    plt.close("all")


def test_feature_path_names_the_features_that_survive_longest():
    norms = np.array([[3.0, 1.0, 2.0, 0.5], [2.0, 0.0, 1.0, 0.4], [1.0, 0.0, 0.0, 0.3]])
    display = FeaturePathDisplay(
        alphas=[0.1, 1.0, 10.0], feature_norms=norms, feature_names=list("abcd")
    ).plot(max_labels=2)
    legend = [t.get_text() for t in display.lines_["legend"].get_texts()]
    assert legend == ["a", "d"]  # alive at the strongest alpha
    colours = {line.get_color() for line in display.lines_["features"][:1]}
    assert "0.8" not in colours  # named lines are coloured, not grey
    plt.close(display.figure_)


def test_alpha_zero_is_drawn_on_a_symlog_axis():
    """Regression test: alpha = 0 was dropped from the log axis while the
    legend still named it (issue 7)."""
    display = RegularizationPathDisplay(
        alphas=[0.0, 1e-3, 1e-2], mean_test_score=[0.9, 0.91, 0.8], alpha=0.0
    ).plot()
    assert display.ax_.get_xscale() == "symlog"
    assert len(display.lines_["score"].get_xdata()) == 3
    assert "linear below" in display.ax_.get_xlabel()
    _assert_inside(display.figure_)
    plt.close(display.figure_)


def test_new_figure_and_scoring_label(model):
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
    assert ax.get_ylabel() == "weight norm (all layers)"
    assert display.ax_features_.get_ylabel() == "selected features"
    assert "score" not in display.lines_
    features = FeaturePathDisplay.from_path(path, ax=Figure().add_subplot())
    assert len(features.lines_["features"]) == X.shape[1]


def test_clear_error_without_matplotlib(model, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r'requires matplotlib.*"\.\[plot\]"'):
        RegularizationPathDisplay.from_estimator(model)
    with pytest.raises(ImportError, match=r"RegularizationPathDisplay\.plot"):
        RegularizationPathDisplay(alphas=[1.0]).plot()
