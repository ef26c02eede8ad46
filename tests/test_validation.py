"""SPEC §6: bad hyperparameters and malformed data get clear errors."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from skregnet import (
    RegMLPClassifier,
    RegMLPClassifierCV,
    RegMLPRegressor,
    RegMLPRegressorCV,
)

rng = np.random.RandomState(0)
X = rng.normal(size=(30, 4))
y_class = np.arange(30) % 3
y_reg = X[:, 0] + rng.normal(scale=0.1, size=30)

ESTIMATORS = [RegMLPClassifier, RegMLPRegressor]

BAD_PARAMETERS = [
    ("hidden_layer_sizes", (10, 0)),
    ("hidden_layer_sizes", (-3,)),
    ("hidden_layer_sizes", "100"),
    ("activation", "softplus"),
    ("init", "xavier"),
    ("init_scale", 0.0),
    ("penalty", "l3"),
    ("alpha", -1.0),
    ("l1_ratio", 1.5),
    ("alpha_schedule", "linear"),
    ("dropout", 1.0),
    ("dropout", -0.1),
    ("max_norm", 0.0),
    ("weight_clip", -1.0),
    ("weight_decay", -0.01),
    ("solver", "newton"),
    ("batch_size", 0),
    ("learning_rate", "cosine"),
    ("learning_rate_init", 0.0),
    ("power_t", -1.0),
    ("max_iter", 0),
    ("shuffle", "yes"),
    ("random_state", "seed"),
    ("tol", -1e-4),
    ("momentum", 1.5),
    ("early_stopping", 1.0),
    ("validation_fraction", 1.0),
    ("beta_1", 1.0),
    ("beta_2", -0.5),
    ("epsilon", 0.0),
    ("n_iter_no_change", 0),
    ("max_fun", 0),
]


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=lambda e: e.__name__)
@pytest.mark.parametrize(
    "name, value", BAD_PARAMETERS, ids=[f"{n}={v!r}" for n, v in BAD_PARAMETERS]
)
def test_invalid_hyperparameter_names_the_parameter(Estimator, name, value):
    y = y_class if Estimator is RegMLPClassifier else y_reg
    model = Estimator(**{name: value})
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        model.fit(X, y)


def test_invalid_loss_of_the_regressor():
    with pytest.raises(InvalidParameterError, match=r"'loss' parameter.*poisson"):
        RegMLPRegressor(loss="huber").fit(X, y_reg)
    assert "loss" not in RegMLPClassifier().get_params()


def test_invalid_value_lists_the_allowed_ones():
    with pytest.raises(InvalidParameterError, match="kaiming_normal") as err:
        RegMLPClassifier(init="kaiming").fit(X, y_class)
    assert "Got 'kaiming' instead" in str(err.value)


LBFGS_FIXED = [
    ("alpha_schedule", "inverse_loss"),
    ("alpha_schedule", lambda epoch, data_loss, alpha: alpha),  # even a constant one
    ("dropout", 0.5),
    ("weight_decay", 0.1),
]


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=lambda e: e.__name__)
@pytest.mark.parametrize(
    "name, value",
    LBFGS_FIXED,
    ids=["inverse_loss", "callable_schedule", "dropout", "weight_decay"],
)
def test_lbfgs_rejects_objectives_that_change(Estimator, name, value):
    """SPEC §4: lbfgs minimizes one fixed objective."""
    y = y_class if Estimator is RegMLPClassifier else y_reg
    model = Estimator(solver="lbfgs", **{name: value})
    with pytest.raises(
        ValueError, match=f"solver='lbfgs' needs a fixed objective: {name}"
    ):
        model.fit(X, y)


def test_bad_callables_are_reported():
    def wrong_shape(fan_in, fan_out, rng):
        return np.zeros((fan_out, fan_in))

    with pytest.raises(ValueError, match=r"shape \(fan_in, fan_out\)"):
        RegMLPRegressor((3,), init=wrong_shape).fit(X, y_reg)

    def bad_later(epoch, data_loss, alpha):
        # every epoch's value is checked, not only the first
        return alpha if epoch < 2 else -1.0

    with pytest.raises(ValueError, match="alpha_schedule must return a finite float"):
        RegMLPRegressor((3,), alpha_schedule=bad_later, max_iter=5).fit(X, y_reg)


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=lambda e: e.__name__)
@pytest.mark.parametrize(
    "X_bad, match",
    [
        (np.where(np.eye(30, 4) == 1, np.nan, X), "Input X contains NaN"),
        (np.where(np.eye(30, 4) == 1, np.inf, X), "Input X contains infinity"),
        (X[:, 0], "Expected 2D array, got 1D array"),
        (X[:0], "0 sample"),
        (X.astype(str).astype(object) + "x", "could not convert"),
    ],
    ids=["nan", "inf", "1d", "empty", "strings"],
)
def test_malformed_X(Estimator, X_bad, match):
    y = y_class if Estimator is RegMLPClassifier else y_reg
    with pytest.raises(ValueError, match=match):
        Estimator(max_iter=2).fit(X_bad, y[: len(X_bad)] if X_bad.ndim == 2 else y)


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=lambda e: e.__name__)
def test_malformed_y(Estimator):
    y = y_class if Estimator is RegMLPClassifier else y_reg
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        Estimator(max_iter=2).fit(X, y[:-1])
    with pytest.raises(ValueError, match="requires y to be passed"):
        Estimator(max_iter=2).fit(X, None)
    if Estimator is RegMLPRegressor:
        with pytest.raises(ValueError, match="Input y contains NaN"):
            Estimator(max_iter=2).fit(X, np.where(np.arange(30) == 3, np.nan, y))
    else:
        with pytest.raises(ValueError, match="Unknown label type"):
            Estimator(max_iter=2).fit(X, y_reg)


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=lambda e: e.__name__)
def test_feature_count_must_match_fit(Estimator):
    y = y_class if Estimator is RegMLPClassifier else y_reg
    model = Estimator((3,), max_iter=3).fit(X, y)
    with pytest.raises(ValueError, match=r"X has 3 features, but .* is expecting 4"):
        model.predict(X[:, :3])
    with pytest.raises(ValueError, match=r"X has 5 features, but .* is expecting 4"):
        model.partial_fit(np.hstack([X, X[:, :1]]), y)


def test_sample_weight_errors():
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(29,\)"):
        RegMLPRegressor(max_iter=2).fit(X, y_reg, sample_weight=np.ones(29))
    with pytest.raises(ValueError, match="Negative values in data passed to"):
        RegMLPRegressor(max_iter=2).fit(X, y_reg, sample_weight=-np.ones(30))


@pytest.mark.parametrize(
    "Estimator",
    [RegMLPClassifier, RegMLPRegressor, RegMLPClassifierCV, RegMLPRegressorCV],
    ids=lambda e: e.__name__,
)
def test_unfitted_feature_importances_raise_not_fitted(Estimator):
    """As predict and the other methods do (scikit-learn's
    check_estimators_unfitted, in test_common)."""
    with pytest.raises(NotFittedError, match="not fitted yet"):
        Estimator().feature_importances_  # noqa: B018
