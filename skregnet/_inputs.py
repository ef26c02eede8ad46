"""What ``fit`` receives, checked and prepared for a ``Run``.

The cross-checks of the parameters a constraint cannot express, the training
data (``X``, encoded targets, sample weights times the class weights), the
validation set (given as ``X_val`` / ``y_val``, or split off by
``early_stopping``) and the starting weights. Each function takes the
estimator, as scikit-learn's ``validate_data`` does; nothing here trains.
"""

from itertools import pairwise
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import is_regressor
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.validation import (
    _check_sample_weight,
    check_consistent_length,
    validate_data,
)

from skregnet._solvers import SOLVERS
from skregnet._training import Dataset, Validation
from skregnet._utils import warn


def check_hyperparameters(est, incremental):
    """The hidden layers' widths, after the checks that involve several
    parameters (the solver's fixed objective, what it ignores)."""
    sizes = est.hidden_layer_sizes
    sizes = list(sizes) if np.iterable(sizes) else [sizes]
    if any(not isinstance(s, Integral) or s < 1 for s in sizes):
        raise InvalidParameterError(
            "The 'hidden_layer_sizes' parameter must be a tuple of positive "
            f"ints (() for a linear model). Got {est.hidden_layer_sizes!r} "
            "instead."
        )
    solver = SOLVERS[est.solver]
    for name, default in solver.fixed_objective.items():
        if getattr(est, name) != default:
            raise ValueError(
                f"solver={est.solver!r} needs a fixed objective: {name}="
                f"{getattr(est, name)!r} changes it during training. Use "
                f"solver='adam' or 'sgd', or {name}={default!r}."
            )
    if incremental and est.early_stopping:
        raise ValueError("partial_fit does not support early_stopping=True")
    for name, default in solver.ignores.items():
        if getattr(est, name) != default:
            warn(
                f"solver={est.solver!r} ignores {name}={getattr(est, name)!r}: "
                "it trains on all the data at once. Use solver='adam' or "
                f"'sgd' for {name}."
            )
    return [int(s) for s in sizes]


def _checked_weights(sample_weight, X):
    sample_weight = _check_sample_weight(
        sample_weight, X, dtype=X.dtype, ensure_non_negative=True
    )
    total = sample_weight.sum(dtype=np.float64)
    if not 0 < total < np.inf:
        raise ValueError(
            "The sample weights must have a positive, finite sum; got "
            f"{total}. Rescale them (only their ratios matter)."
        )
    return sample_weight


def prepare(est, X, y, sample_weight, incremental):
    """Validate the data and, on a first fit, draw the starting weights.

    Returns ``(data, layer_units, rng, y)``: a ``Dataset`` with the encoded
    2-D targets and the sample weights (times the class weights), the
    network's widths, the random generator and the validated ``y``.
    """
    hidden = check_hyperparameters(est, incremental)
    first_pass = not hasattr(est, "coefs_") or (not est.warm_start and not incremental)
    X, y = validate_data(
        est,
        X,
        y,
        accept_sparse=["csr", "csc"],
        multi_output=True,
        dtype=(np.float64, np.float32),
        y_numeric=is_regressor(est),
        reset=first_pass,
    )
    if sp.issparse(X):
        X = X.tocsr()
    if sp.issparse(y):
        y = y.toarray()
    Y = _as_2d(est._encode_targets(y, incremental, first_pass, X.dtype))
    sample_weight = est._weighted(y, sample_weight, incremental)
    if sample_weight is not None:
        sample_weight = _checked_weights(sample_weight, X)
    layer_units = [X.shape[1], *hidden, Y.shape[1]]
    rng = check_random_state(est.random_state)
    if first_pass:
        est._initialize(layer_units, rng)
    elif [c.shape for c in est.coefs_] != list(pairwise(layer_units)):
        raise ValueError(
            "The network's shape changed since the last fit (hidden_layer_sizes "
            "or the number of outputs): warm_start and partial_fit need the "
            "same architecture. Set warm_start=False to start anew."
        )
    return Dataset(X, Y, sample_weight), layer_units, rng, y


def _as_2d(Y):
    return Y.reshape(-1, 1) if Y.ndim == 1 else Y


def given_validation(est, X_val, y_val, sample_weight_val):
    """The validation set passed to ``fit`` (as ``HistGradientBoosting*``
    takes it), checked and encoded like the training data, or ``None``."""
    if X_val is None and y_val is None:
        if sample_weight_val is not None:
            raise ValueError("sample_weight_val is provided, but X_val was not.")
        return None
    if y_val is None:
        raise ValueError("X_val is provided, but y_val was not provided.")
    if X_val is None:
        raise ValueError("y_val is provided, but X_val was not provided.")
    if not est.early_stopping:
        raise ValueError(
            "X_val and y_val are passed to fit while early_stopping=False. "
            "They are the validation set of early stopping: set "
            "early_stopping=True."
        )
    X_val = validate_data(
        est,
        X_val,
        accept_sparse=["csr", "csc"],
        dtype=(np.float64, np.float32),
        reset=False,
    )
    if sp.issparse(X_val):
        X_val = X_val.tocsr()
    y_val = np.asarray(y_val.toarray() if sp.issparse(y_val) else y_val)
    check_consistent_length(X_val, y_val)
    Y_val = _as_2d(est._encode_targets(y_val, True, False, X_val.dtype))
    sw_val = est._weighted(y_val, sample_weight_val, False)
    if sw_val is not None:
        sw_val = _checked_weights(sw_val, X_val)
    return _validation(est, Dataset(X_val, Y_val, sw_val))


def _validation(est, data):
    y_val = est._decode(data.Y)

    def score(output, sample_weight):
        return est._score_fn(y_val, est._decode(output), sample_weight)

    return Validation(data, score)


def validation_split(est, data, rng, solver, given):
    """``(train, validation)``: all the rows and the given validation set;
    or the ``early_stopping`` split of the rows, drawn from ``rng``
    (stochastic solvers only); or all the rows and ``None``."""
    if not (est.early_stopping and solver.stochastic):
        return data, None
    if given is not None:
        return data, given
    stratify = data.Y if est._stratify_validation(data.Y) else None
    arrays = [data.X, data.Y]
    if data.sample_weight is not None:
        arrays.append(data.sample_weight)
    split = train_test_split(
        *arrays,
        random_state=rng,
        test_size=est.validation_fraction,
        stratify=stratify,
    )
    X, X_val, Y, Y_val = split[:4]
    sw, sw_val = (None, None) if data.sample_weight is None else split[4:]
    if X_val.shape[0] < 2:
        raise ValueError(
            "The validation set is too small. Increase 'validation_fraction' "
            "or the size of your dataset."
        )
    return Dataset(X, Y, sw), _validation(est, Dataset(X_val, Y_val, sw_val))
