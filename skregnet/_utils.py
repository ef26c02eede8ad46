"""Small helpers shared by the modules."""

import sys
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.utils._param_validation import StrOptions


def warn(message, category=UserWarning):
    """``warnings.warn`` pointing at the user's line, not at skregnet's.

    A warning raised deep in a solver is attributed to the first calling
    frame outside skregnet and scikit-learn (whose ``_fit_context`` wraps
    ``fit``), so that it shows the user's ``model.fit(...)`` line, or their
    ``GridSearchCV(...).fit(...)``.
    """
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_globals.get("__name__", "").startswith(
        ("skregnet.", "sklearn.")
    ):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def diverged_message(solver, what):
    """The warning of a fit that diverged, saying what to change."""
    return (
        f"The {solver} solver diverged ({what}): training stopped and the last "
        "weights with a finite loss were kept. Lower `learning_rate_init`, "
        "scale the input features (e.g. with StandardScaler) or increase "
        "`alpha`."
    )


#: rows per chunk of the passes over a whole data set (prediction, the data
#: term, the full-batch objective): their work arrays hold this many rows
#: whatever the data's size, and their products are still large
CHUNK_ROWS = 4096


def row_chunks(X, rows):
    """``(X[chunk], chunk)`` for consecutive slices of ``rows`` rows."""
    n = X.shape[0]
    if n <= rows:
        yield X, slice(0, n)
        return
    if sp.issparse(X) and X.format != "csr":
        X = X.tocsr()  # row slices of CSC would each convert
    for start in range(0, n, rows):
        chunk = slice(start, min(start + rows, n))
        yield X[chunk], chunk


#: input features whose magnitude is off from 1 by more than this factor look
#: unscaled
SCALE_FACTOR = 10.0


def unscaled_hint(X):
    """A sentence for a warning when the features of ``X`` look unscaled, or ``""``.

    They do when the largest root mean square of a column (its magnitude, mean
    included: a large mean makes the pre-activations as large as a large
    spread does) is off from 1 by more than ``SCALE_FACTOR``: the default
    init and learning rate then make the first layer's pre-activations, and
    each step's change of them, far too large (or too small).
    """
    squares = np.zeros(X.shape[1])
    for chunk, _ in row_chunks(X, CHUNK_ROWS):  # no n-long copy of X
        if sp.issparse(chunk):
            squares += np.asarray(chunk.multiply(chunk).sum(axis=0)).ravel()
        else:
            squares += np.einsum("ij,ij->j", chunk, chunk, dtype=np.float64)
    rms = np.sqrt(squares / X.shape[0])
    j = int(np.argmax(rms))
    if 1 / SCALE_FACTOR <= rms[j] <= SCALE_FACTOR:
        return ""
    return (
        f" The inputs look unscaled (feature {j} has a root mean square of "
        f"{rms[j]:.3g}, far from 1); use StandardScaler, e.g. "
        "make_pipeline(StandardScaler(), model)."
    )


class RegistryOptions(StrOptions):
    """The string keys of a registry, as a ``_parameter_constraints`` entry.

    The keys are read when a parameter is validated, not when the class is
    defined, so a component added to its registry (one line) is a valid
    parameter value at once, in every estimator that uses the registry.

    Parameters
    ----------
    registry : dict
        The registry (``PENALTIES``, ``ACTIVATIONS``, ...); non-string keys
        (``None`` for "no penalty") are left to other constraints.
    extra : iterable of str, default=()
        Valid values that are not registry keys (``"auto"``).
    where : callable, default=None
        Keeps only the keys whose entry satisfies ``where(entry)``.
    """

    def __init__(self, registry, extra=(), where=None):
        self.registry, self.extra, self.where = registry, tuple(extra), where
        super().__init__(set())

    @property
    def options(self):
        keys = (
            key
            for key, entry in self.registry.items()
            if isinstance(key, str) and (self.where is None or self.where(entry))
        )
        return {*self.extra, *keys}

    @options.setter
    def options(self, value):
        # StrOptions.__init__ assigns the set it is given: the registry decides
        pass
