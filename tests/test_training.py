"""The solver contract of ``skregnet._training``: StoppingRule, History, Problem.

The stopping rule is checked against ``MLPClassifier``'s no-improvement rule
written out here (``_mlp_counts``), the records against the objective
``J = data loss + alpha_t * R(W)`` of SPEC §1.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skregnet._training import Dataset, History, Problem, StoppingRule, normalized


def _mlp_counts(values, tol, *, higher_is_better=False):
    """``MLPClassifier``'s no-improvement count after each epoch.

    ``_update_no_improvement_count``: on the training loss, an epoch counts
    when ``loss > best - tol``; on a validation score, when
    ``score < best + tol``; the best is updated after the comparison.
    """
    best = -np.inf if higher_is_better else np.inf
    count, counts = 0, []
    for value in values:
        if higher_is_better:
            worse = value < best + tol
            best = max(best, value)
        else:
            worse = value > best - tol
            best = min(best, value)
        count = count + 1 if worse else 0
        counts.append(count)
    return counts


# curves with falls, plateaus, rises and a fall of exactly tol (0.25 is exact)
CURVES = {
    "falling": [4.0, 3.0, 2.0, 1.5, 1.25, 1.0],
    "plateau": [2.0, 1.9, 1.85, 1.84, 1.83, 1.0, 0.99],
    "rising": [1.0, 1.2, 1.5, 0.5, 0.6, 0.7, 0.8],
    "exactly-tol": [1.0, 0.75, 0.5, 0.5, 0.25],
}


@pytest.mark.parametrize("curve", CURVES.values(), ids=CURVES.keys())
def test_constant_alpha_is_mlp_rule_on_the_loss(curve):
    tol, alpha = 0.25, 0.1
    rule = StoppingRule(on_validation=False)
    counts = []
    for loss in curve:
        # J = data + alpha * R with R = 1: the same alpha in every epoch
        rule.observe_loss(loss - alpha, 1.0, alpha, loss, tol)
        counts.append(rule.no_improvement_count)
    assert counts == _mlp_counts(curve, tol)
    assert rule.best_loss == min(curve)
    assert rule.best_validation_score is None
    assert rule.best_params is None  # the loss rule keeps no weights


@pytest.mark.parametrize("curve", CURVES.values(), ids=CURVES.keys())
def test_validation_rule_is_mlp_rule_on_the_score(curve):
    tol = 0.25
    scores = [-loss for loss in curve]
    rule = StoppingRule(on_validation=True)
    assert rule.best_loss is None
    counts, best_params = [], None
    for epoch, score in enumerate(scores):
        params = np.full(3, float(epoch))
        rule.observe_score(score, params, tol)
        counts.append(rule.no_improvement_count)
        if score == max(scores[: epoch + 1]) and score not in scores[:epoch]:
            best_params = params.copy()  # a new best, strictly
        params[...] = -1.0  # the rule keeps a copy, not the caller's buffer
    assert counts == _mlp_counts(scores, tol, higher_is_better=True)
    assert rule.best_validation_score == max(scores)
    assert_array_equal(rule.best_params, best_params)


def test_a_growing_alpha_rescores_the_best_epoch():
    """J = data + alpha_t R grows with alpha_t; the best epoch is re-scored
    with the current alpha_t, data_b + alpha_t R_b, before comparing."""
    tol = 1e-3
    rule = StoppingRule(on_validation=False)
    # epoch 1: data 1.0, R 10, alpha 0.01: J = 1.1
    rule.observe_loss(1.0, 10.0, 0.01, 1.1, tol)
    # epoch 2: data 0.9, R 10, alpha 0.02: J = 1.1, which MLPClassifier's rule
    # counts as no improvement; the best re-scored is 1.0 + 0.2 = 1.2
    rule.observe_loss(0.9, 10.0, 0.02, 1.1, tol)
    assert rule.no_improvement_count == 0
    assert _mlp_counts([1.1, 1.1], tol) == [0, 1]
    # epoch 3: alpha back to 0.01, data 0.95: J = 1.05, re-scored best
    # (epoch 2) 0.9 + 0.1 = 1.0, so no improvement
    rule.observe_loss(0.95, 10.0, 0.01, 1.05, tol)
    assert rule.no_improvement_count == 1
    assert rule.best_loss == 1.05  # the smallest J seen, as reported


@pytest.mark.parametrize(
    "count, n_iter_no_change, exhausted",
    [(2, 2, False), (3, 2, True), (0, 0, False), (1, 0, True)],
)
def test_exhausted_after_more_than_n_iter_no_change(count, n_iter_no_change, exhausted):
    rule = StoppingRule(on_validation=False)
    rule.no_improvement_count = count
    assert rule.exhausted(n_iter_no_change) is exhausted


@pytest.mark.parametrize(
    "on_validation, what", [(False, "Training loss"), (True, "Validation score")]
)
def test_message_says_what_did_not_improve(on_validation, what):
    message = StoppingRule(on_validation).message(1e-4, 10)
    assert message == (
        f"{what} did not improve more than tol=0.000100 for 10 consecutive epochs."
    )


# -- History ---------------------------------------------------------------------


def test_record_appends_one_epoch_to_every_curve():
    history = History(samples_per_record=30)
    history.record(0.1, 2.0, 0.5)
    history.record(np.float64(0.2), np.float32(1.5), 0.25)
    assert history.alpha_curve == [0.1, 0.2]
    assert history.data_loss_curve == [2.0, 1.5]
    assert history.loss_curve == [2.5, 1.75]  # J = data loss + alpha * R
    assert all(
        type(v) is float
        for v in history.alpha_curve + history.data_loss_curve + history.loss_curve
    )
    assert history.loss == 1.75
    assert (history.n_iter, history.t) == (2, 60)
    assert history.validation_scores is None


def test_a_record_is_one_tuple_so_the_curves_never_differ_in_length():
    """A record is appended in one step: an interrupt lands before or after
    it, never between the curves (issue 8)."""
    history = History()
    history.record(0.1, 2.0, 0.5, 0.75, val_loss=0.3)
    assert history.records == [(0.1, 2.0, 2.5, 0.75, 0.3)]
    assert history.validation_scores == [0.75]
    assert history.validation_loss_curve == [0.3]


def test_a_continued_history_counts_this_fit_only():
    """As warm_start: the curves continue, n_iter restarts, t accumulates."""
    history = History.from_curves([0.1], [2.0], [3.0], None, t0=40)
    history.samples_per_record = 40
    history.record(0.1, 1.0, 0.5)
    assert history.loss_curve == [3.0, 1.5]
    assert history.n_iter == 1
    assert history.t == 80


def test_a_continued_history_keeps_the_validation_scores():
    history = History.from_curves([0.1, 0.1], [2.0, 1.0], [3.0, 2.0], [0.5], t0=0)
    assert [r[3] for r in history.records] == [None, 0.5]
    history.record(0.1, 0.5, 0.1, 0.75)
    assert history.validation_scores == [0.5, 0.75]


def test_amend_replaces_the_last_record_without_counting():
    history = History()
    history.record(0.1, 2.0, 0.5)
    history.record(0.1, 1.0, 0.5)
    history.amend(0.1, 0.9, 0.4)
    assert history.loss_curve == [2.5, 1.3]
    assert history.data_loss_curve == [2.0, 0.9]
    assert history.alpha_curve == [0.1, 0.1]
    assert history.n_iter == 2


def test_amend_appends_when_this_fit_has_no_record():
    """A fit that recorded nothing (stopped in its first epoch, or a warm
    start already at the optimum) still ends with a record of the weights it
    returns, and counts it, so that ``n_iter_`` agrees with the curves."""
    history = History.from_curves([0.1], [2.0], [3.0], None, t0=0)
    history.amend(0.1, 1.0, 0.5)
    assert history.loss_curve == [3.0, 1.5]
    assert history.n_iter == 1


@pytest.mark.parametrize(
    "stop, converged",
    [
        ("converged", True),
        ("incremental", True),
        ("max_iter", False),
        ("diverged", False),
        ("interrupted", False),
    ],
)
def test_end_says_why_and_whether_it_converged(stop, converged):
    history = History()
    history.end(stop, None if converged else "why")
    assert history.stop == stop and history.converged is converged


def test_verbose_prints_as_mlp_classifier(capsys):
    history = History()
    history.record(0.1, 1.0, 0.23456789012, 0.875, verbose=True)
    out = capsys.readouterr().out
    assert out == "Iteration 1, loss = 1.23456789\nValidation score: 0.875000\n"
    assert history.validation_scores == [0.875]


# -- Problem, Dataset, normalized ---------------------------------------------------


def test_alpha_at_calls_the_schedule_with_the_history():
    calls = []

    def schedule(epoch, data_losses, alpha, floor):
        calls.append((epoch, list(data_losses), alpha, floor))
        return np.float64(alpha) * (epoch + 1)

    problem = Problem(network=None, penalty=None, alpha=0.5, schedule=schedule)
    history = History()
    history.record(0.5, 2.0, 0.0)
    history.record(1.0, 1.5, 0.0)
    alpha_t = problem.alpha_at(history, floor=-1.0)
    assert calls == [(2, [2.0, 1.5], 0.5, -1.0)]
    # a Python float: a NumPy float64 would turn float32 training into float64
    assert type(alpha_t) is float and alpha_t == 1.5


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_normalized_weights_sum_to_one(dtype):
    uniform = normalized(None, 4, np.dtype(dtype))
    assert uniform.dtype == dtype
    assert_array_equal(uniform, np.full(4, 0.25, dtype=dtype))
    weights = normalized(np.array([1.0, 3.0, 0.0, 4.0]), 4, np.dtype(dtype))
    assert weights.dtype == dtype
    assert_allclose(weights, [0.125, 0.375, 0.0, 0.5], rtol=1e-7)


def test_all_zero_weights_are_an_error():
    with pytest.raises(ValueError, match="must not all be zero"):
        normalized(np.zeros(3), 3, np.dtype(np.float64))


@pytest.mark.parametrize(
    "sample_weight, total", [(None, 3), (np.array([0.5, 2.0, 1.5]), 4.0)]
)
def test_dataset_weight_total(sample_weight, total):
    data = Dataset(np.zeros((3, 2)), np.zeros((3, 1)), sample_weight)
    assert data.n_samples == 3
    assert data.weight_total == total
    assert_allclose(data.normalized_weights(np.dtype(np.float64)).sum(), 1.0)
