"""SPEC §6: pickle, joblib and skops round-trips: the same predictions and state."""

import pickle

import joblib
import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_iris

from skregnet import RegMLPClassifier, RegMLPRegressor

X, y = load_iris(return_X_y=True)

MODELS = {
    "classifier": lambda: RegMLPClassifier(
        (8,), penalty="l1", alpha=1e-3, solver="lbfgs", random_state=0
    ).fit(X, y),
    "classifier-float32": lambda: RegMLPClassifier(
        (8,), penalty="group_lasso", max_iter=20, random_state=0
    ).fit(X.astype(np.float32), y),
    "regressor": lambda: RegMLPRegressor(
        (8,), penalty="elasticnet", max_iter=20, random_state=0
    ).fit(X[:, :3], X[:, 3]),
}


def _outputs(model):
    Xp = X if model.n_features_in_ == 4 else X[:, :3]
    Xp = Xp.astype(model.coefs_[0].dtype)
    outputs = [model.predict(Xp)]
    if hasattr(model, "predict_proba"):
        outputs.append(model.predict_proba(Xp))
    return outputs


def _pickle(model, tmp_path):
    return pickle.loads(pickle.dumps(model))


def _joblib(model, tmp_path):
    path = tmp_path / "model.joblib"
    joblib.dump(model, path)
    return joblib.load(path)


def _skops(model, tmp_path):
    sio = pytest.importorskip("skops.io")
    path = tmp_path / "model.skops"
    sio.dump(model, path)
    return sio.load(path, trusted=sio.get_untrusted_types(file=path))


@pytest.mark.parametrize(
    "round_trip", [_pickle, _joblib, _skops], ids=lambda f: f.__name__[1:]
)
@pytest.mark.parametrize("name", MODELS)
def test_round_trip_gives_identical_predictions(name, round_trip, tmp_path):
    model = MODELS[name]()
    loaded = round_trip(model, tmp_path)
    assert type(loaded) is type(model)
    for before, after in zip(_outputs(model), _outputs(loaded), strict=True):
        assert_array_equal(before, after)
    assert loaded.get_params() == model.get_params()


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "round_trip", [_pickle, _joblib, _skops], ids=lambda f: f.__name__[1:]
)
def test_round_trip_keeps_the_training_state(round_trip, tmp_path):
    """The optimizer's state (moments, step count) survives: partial_fit on
    the loaded model continues exactly as on the original."""
    model = RegMLPRegressor((8,), max_iter=5, random_state=0).fit(X[:, :3], X[:, 3])
    loaded = round_trip(model, tmp_path)
    model.partial_fit(X[:, :3], X[:, 3])
    loaded.partial_fit(X[:, :3], X[:, 3])
    for before, after in zip(model.coefs_, loaded.coefs_, strict=True):
        assert_array_equal(before, after)
    assert loaded.loss_curve_ == model.loss_curve_
