"""What fit receives (``skregnet._inputs``): an explicit validation set
(``X_val`` / ``y_val`` / ``sample_weight_val``, as ``HistGradientBoosting*``
takes it) and the classifier's ``class_weight``, exactly as passing
``compute_sample_weight``."""

import warnings

import numpy as np
import pytest
import sklearn
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, balanced_accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_sample_weight

from skregnet import RegMLPClassifier, RegMLPClassifierCV, RegMLPRegressor

X, y = make_classification(
    n_samples=300, n_features=8, n_informative=4, n_classes=3, random_state=0
)
X = StandardScaler().fit_transform(X)
X_tr, X_val, y_tr, y_val = train_test_split(X, y, test_size=0.3, random_state=0)
NET = dict(hidden_layer_sizes=(8,), max_iter=60, random_state=0, n_iter_no_change=5)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


# -- X_val, y_val ------------------------------------------------------------------


def test_a_given_validation_set_replaces_the_split():
    model = RegMLPClassifier(early_stopping=True, **NET)
    model.fit(X_tr, y_tr, X_val=X_val, y_val=y_val)
    # every training row is trained on: no validation_fraction split
    assert model.t_ == model.n_iter_ * len(X_tr)
    assert len(model.validation_scores_) == model.n_iter_
    assert len(model.validation_loss_curve_) == model.n_iter_
    # the weights restored are those of the best score on the given set
    best = int(np.argmax(model.validation_scores_))
    assert accuracy_score(y_val, model.predict(X_val)) == model.best_validation_score_
    assert model.validation_scores_[best] == model.best_validation_score_
    proba = np.clip(model.predict_proba(X_val), 1e-300, 1)
    log_loss = -np.mean(np.log(proba[np.arange(len(y_val)), y_val]))
    assert_allclose(model.validation_loss_curve_[best], log_loss, rtol=1e-10)


def test_validation_sample_weights_weight_the_validation_scores():
    sw_val = np.random.RandomState(0).uniform(0.5, 2.0, len(y_val))
    model = RegMLPClassifier(early_stopping=True, **NET)
    model.fit(X_tr, y_tr, X_val=X_val, y_val=y_val, sample_weight_val=sw_val)
    expected = accuracy_score(y_val, model.predict(X_val), sample_weight=sw_val)
    assert model.best_validation_score_ == pytest.approx(expected)


def test_the_split_records_the_validation_loss_too():
    model = RegMLPRegressor(early_stopping=True, **NET).fit(X, y.astype(float))
    assert len(model.validation_loss_curve_) == model.n_iter_
    assert RegMLPRegressor(**NET).fit(X, y.astype(float)).validation_loss_curve_ is None


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(X_val=X_val), "y_val was not provided"),
        (dict(y_val=y_val), "X_val was not provided"),
        (dict(sample_weight_val=np.ones(len(y_val))), "X_val was not"),
        (dict(X_val=X_val[:, :3], y_val=y_val), "features"),
        (dict(X_val=X_val, y_val=y_val[:10]), "inconsistent numbers of samples"),
        (dict(X_val=X_val, y_val=np.full(len(y_val), 7)), "classes not in"),
    ],
    ids=["no-y_val", "no-X_val", "weights-alone", "features", "length", "labels"],
)
def test_a_bad_validation_set_is_a_clear_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RegMLPClassifier(early_stopping=True, **NET).fit(X_tr, y_tr, **kwargs)


def test_a_validation_set_needs_early_stopping():
    with pytest.raises(ValueError, match="set early_stopping=True"):
        RegMLPClassifier(**NET).fit(X_tr, y_tr, X_val=X_val, y_val=y_val)


def test_metadata_routing_declares_the_validation_set():
    with sklearn.config_context(enable_metadata_routing=True):
        model = RegMLPClassifier().set_fit_request(
            X_val=True, y_val=True, sample_weight_val=True
        )
        request = model.get_metadata_routing().fit.requests
    assert request["X_val"] is True and request["y_val"] is True
    assert request["sample_weight_val"] is True


# -- class_weight ------------------------------------------------------------------


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize(
    "class_weight", ["balanced", {0: 1.0, 1: 3.0, 2: 0.5}], ids=["balanced", "dict"]
)
def test_class_weight_is_compute_sample_weight(class_weight, solver):
    sw = np.random.RandomState(1).uniform(0.5, 2.0, len(y))
    weighted = RegMLPClassifier(class_weight=class_weight, solver=solver, **NET)
    weighted.fit(X, y, sample_weight=sw)
    by_hand = RegMLPClassifier(solver=solver, **NET)
    by_hand.fit(X, y, sample_weight=sw * compute_sample_weight(class_weight, y))
    for got, expected in zip(weighted.coefs_, by_hand.coefs_, strict=True):
        assert_array_equal(got, expected)
    assert weighted.loss_curve_ == by_hand.loss_curve_


def test_class_weight_of_multilabel_targets():
    Y = np.c_[y == 0, y == 1].astype(int)
    class_weight = [{0: 1.0, 1: 2.0}, {0: 1.0, 1: 0.5}]
    weighted = RegMLPClassifier(class_weight=class_weight, **NET).fit(X, Y)
    by_hand = RegMLPClassifier(**NET).fit(
        X, Y, sample_weight=compute_sample_weight(class_weight, Y)
    )
    assert_array_equal(weighted.coefs_[0], by_hand.coefs_[0])


def test_partial_fit_takes_class_weights_as_sgd_classifier():
    weights = {0: 1.0, 1: 3.0, 2: 0.5}
    weighted = RegMLPClassifier(class_weight=weights, **NET)
    weighted.partial_fit(X, y, classes=[0, 1, 2])
    by_hand = RegMLPClassifier(**NET).partial_fit(
        X, y, classes=[0, 1, 2], sample_weight=compute_sample_weight(weights, y)
    )
    assert_array_equal(weighted.coefs_[0], by_hand.coefs_[0])
    with pytest.raises(ValueError, match="'balanced' is not supported for partial_fit"):
        RegMLPClassifier(class_weight="balanced").partial_fit(X, y, classes=[0, 1, 2])


def test_balanced_weights_help_on_an_imbalanced_problem():
    X_imb, y_imb = make_classification(
        n_samples=600,
        n_features=6,
        n_informative=3,
        weights=[0.9, 0.1],
        flip_y=0.02,
        random_state=0,
    )
    X_a, X_b, y_a, y_b = train_test_split(X_imb, y_imb, stratify=y_imb, random_state=0)
    scores = {}
    for class_weight in [None, "balanced"]:
        model = RegMLPClassifier(
            (8,), class_weight=class_weight, max_iter=200, random_state=0
        ).fit(X_a, y_a)
        scores[class_weight] = balanced_accuracy_score(y_b, model.predict(X_b))
    assert scores["balanced"] > scores[None]


def test_the_cv_classifier_forwards_class_weight():
    model = RegMLPClassifierCV(
        (4,), alphas=[1e-3, 1e-2], cv=2, class_weight="balanced", max_iter=10
    ).fit(X, y)
    assert model.best_estimator_.class_weight == "balanced"


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "fit_y, y",
    [
        ([0, 1, 2, 1], [2, 0, 1, 1, 2]),  # multiclass
        (["b", "a", "c"], ["c", "a"]),  # strings
        ([3, 7, 3], [7, 7, 3]),  # binary: one column
        (["no", "yes"], ["yes", "no", "yes"]),
        ([5, 5], [5, 5, 5]),  # one class: one all-zero column
        ([0, 1, 2, 3], [1, 3]),  # a subset of the classes, as partial_fit gets
        (np.array([[1, 0], [0, 1], [1, 1]]), np.array([[0, 1], [1, 1]])),  # multilabel
    ],
)
def test_targets_are_encoded_as_the_label_binarizer_does(fit_y, y, dtype):
    # the one-hot targets are built in X's dtype directly, without the
    # binarizer's int64 copy; they must be exactly what it gives
    from sklearn.preprocessing import LabelBinarizer

    clf = RegMLPClassifier()
    clf._encode_targets(np.asarray(fit_y), False, True)
    Y = clf._encode_targets(np.asarray(y), True, False, dtype)
    assert Y.dtype == dtype
    assert_array_equal(Y, LabelBinarizer().fit(fit_y).transform(y))


def test_the_target_encoding_copies_the_regression_targets():
    # the network's targets never share memory with the user's y
    y = np.arange(4.0)
    Y = RegMLPRegressor()._encode_targets(y, False, True)
    assert not np.shares_memory(Y, y)
