"""Small helpers shared by the modules."""

import sys
import warnings


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
