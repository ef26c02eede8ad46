"""scikit-learn's callbacks (``skregnet._callbacks``, scikit-learn >= 1.9).

A recording callback counts the tasks of a fit (one per epoch or
iteration) and can ask to stop; ``GridSearchCV`` propagates ``ProgressBar``
to our epochs; ``ScoringMonitor`` scores the model as of each epoch; the CV
estimators nest folds, alphas and epochs. On older scikit-learn the
estimators have no ``set_callbacks`` and fit as before.
"""

import warnings
from collections import Counter

import pytest
from invariants import assert_consistent
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from skregnet import RegMLPClassifier, RegMLPClassifierCV, RegMLPRegressor
from skregnet._callbacks import HAS_CALLBACKS

X, y = load_iris(return_X_y=True)
X = StandardScaler().fit_transform(X)

needs_callbacks = pytest.mark.skipif(
    not HAS_CALLBACKS, reason="sklearn.callback is new in scikit-learn 1.9"
)


class Recording:
    """Records every hook; asks to stop after ``stop_after`` subtasks."""

    def __init__(self, stop_after=None, propagated=False):
        self.events, self.stop_after = [], stop_after
        if propagated:
            self.max_propagation_depth = None  # an auto-propagated callback

    def setup(self, estimator, context):
        self.events.append(("setup", type(estimator).__name__))

    def teardown(self, estimator, context):
        self.events.append(("teardown", type(estimator).__name__))

    def on_fit_task_begin(
        self,
        estimator,
        context,
        *,
        X=None,
        y=None,
        metadata=None,
        fitted_estimator=None,
    ):
        self.events.append(("begin", context.estimator_name, context.task_name))

    def on_fit_task_end(
        self,
        estimator,
        context,
        *,
        X=None,
        y=None,
        metadata=None,
        fitted_estimator=None,
    ):
        score = None
        if fitted_estimator is not None and X is not None:
            score = fitted_estimator.score(X, y)
        self.events.append(("end", context.estimator_name, context.task_name, score))
        leaf = context.task_name in ("epoch", "iteration")
        n_ended = sum(
            1 for e in self.events if e[0] == "end" and e[2] == context.task_name
        )
        return leaf and self.stop_after is not None and n_ended >= self.stop_after

    def count(self, hook, task, estimator=None):
        return sum(
            1
            for e in self.events
            if e[0] == hook and e[2] == task and estimator in (None, e[1])
        )


@needs_callbacks
@pytest.mark.parametrize("solver, task", [("adam", "epoch"), ("lbfgs", "iteration")])
def test_one_task_per_fit_and_one_subtask_per_epoch(solver, task):
    recording = Recording()
    model = RegMLPClassifier((6,), solver=solver, max_iter=15, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.set_callbacks(recording).fit(X, y)
    assert recording.count("begin", "fit") == recording.count("end", "fit") == 1
    # one subtask per record, plus the last one opened and ended empty
    assert recording.count("end", task) == model.n_iter_ + 1
    assert recording.count("begin", task) == model.n_iter_ + 1
    assert recording.events[0] == ("setup", "RegMLPClassifier")
    assert recording.events[-1] == ("teardown", "RegMLPClassifier")
    # the hooks' fitted estimator predicts as of its epoch: better and better
    scores = [e[3] for e in recording.events if e[0] == "end" and e[2] == task][:-1]
    assert None not in scores and scores[-1] > scores[0]
    assert not hasattr(model, "_callback_fit_ctx")  # torn down


@needs_callbacks
@pytest.mark.parametrize("solver, task", [("sgd", "epoch"), ("lbfgs", "iteration")])
def test_a_callback_stops_training_cleanly(solver, task):
    recording = Recording(stop_after=4)
    model = RegMLPClassifier((6,), solver=solver, max_iter=200, random_state=0)
    with pytest.warns(ConvergenceWarning, match="A callback stopped training after 4"):
        model.set_callbacks(recording).fit(X, y)
    assert model.n_iter_ == 4
    assert_consistent(model, X)


@needs_callbacks
def test_partial_fit_is_one_task_of_one_epoch():
    recording = Recording()
    model = RegMLPRegressor((4,), random_state=0).set_callbacks(recording)
    model.partial_fit(X, y.astype(float)).partial_fit(X, y.astype(float))
    assert recording.count("begin", "fit") == 2
    assert recording.count("end", "epoch") == 2 * 2  # one epoch and the empty one


@needs_callbacks
def test_grid_search_propagates_progress_to_our_epochs(capsys):
    pytest.importorskip("rich")
    from sklearn.callback import ProgressBar

    search = GridSearchCV(
        RegMLPClassifier((6,), max_iter=10, random_state=0),
        {"alpha": [1e-4, 1e-2]},
        cv=2,
    ).set_callbacks(ProgressBar(max_propagation_depth=None))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.fit(X, y)
    assert not [w for w in caught if "does not support callbacks" in str(w.message)]
    recording = Recording(propagated=True)
    GridSearchCV(
        RegMLPClassifier((6,), max_iter=10, random_state=0), {"alpha": [1e-4]}, cv=2
    ).set_callbacks(recording).fit(X, y)
    # 2 folds and the refit, each of our fits with its 10 epochs
    assert recording.count("begin", "fit", "RegMLPClassifier") == 3
    assert recording.count("end", "epoch") == 3 * (10 + 1)


@needs_callbacks
def test_scoring_monitor_scores_every_epoch():
    from sklearn.callback import ScoringMonitor

    monitor = ScoringMonitor(scoring="accuracy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = RegMLPClassifier((6,), max_iter=12, random_state=0)
        model.set_callbacks(monitor).fit(X, y)
    data = monitor.get_logs().data
    epochs = [row for row in data if row["task_name"] == "epoch"]
    assert len(epochs) == model.n_iter_
    assert epochs[-1]["accuracy"] == pytest.approx(model.score(X, y))


@needs_callbacks
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_cv_estimators_nest_folds_alphas_and_epochs(n_jobs):
    recording = Recording(propagated=True)
    model = RegMLPClassifierCV((4,), alphas=[1e-3, 1e-2], cv=2, max_iter=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.set_callbacks(recording).fit(X, y)
    events = Counter(e[:3] for e in recording.events)
    assert events[("begin", "RegMLPClassifierCV", "fit")] == 1
    assert events[("begin", "RegMLPClassifierCV", "fold")] == 2
    assert events[("begin", "RegMLPClassifierCV", "path on all the data")] == 1
    if n_jobs == 1:  # a worker's records stay in its process
        # two folds and the path on all the data, two alphas each
        assert events[("begin", "RegMLPClassifier", "fit")] == 3 * 2
        assert events[("end", "RegMLPClassifier", "epoch")] == 3 * 2 * (3 + 1)


@pytest.mark.skipif(HAS_CALLBACKS, reason="scikit-learn < 1.9 only")
def test_no_callbacks_before_scikit_learn_1_9():
    assert not hasattr(RegMLPClassifier(), "set_callbacks")
    RegMLPClassifier((4,), max_iter=5).fit(X, y)


def test_no_cost_without_callbacks(monkeypatch):
    """Without callbacks the solvers get no monitor: nothing runs per epoch."""
    from skregnet import _callbacks

    created = []
    real = _callbacks.FitMonitor.__init__

    def spy(self, *args, **kwargs):
        created.append(1)
        real(self, *args, **kwargs)

    monkeypatch.setattr(_callbacks.FitMonitor, "__init__", spy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        RegMLPClassifier((4,), max_iter=5).fit(X, y)
    assert created == []
