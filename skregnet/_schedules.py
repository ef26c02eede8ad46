"""How ``alpha`` may change from one epoch to the next (SPEC §4).

A schedule is called before each epoch as ``schedule(epoch, data_losses,
alpha, floor)``, with ``epoch`` counted from 0 over the model's whole
training, ``data_losses`` the mean data loss of every earlier epoch, ``alpha``
the estimator's parameter and ``floor`` the smallest value the data loss can
take on these targets (0 but for the Poisson loss); it returns the alpha of
that epoch.
"""

import math
from numbers import Real


def constant(epoch, data_losses, alpha, floor=0.0):
    """alpha_t = alpha."""
    return alpha


def inverse_loss(epoch, data_losses, alpha, floor=0.0):
    """alpha_t = min(alpha * L_1 / L_{t-1}, 1e3 * alpha): the rule lambda ~ 1/L(w).

    The rule of "adaptive" regularization tutorials, lambda = c / L(w), scaled so
    that the first epoch uses ``alpha`` (c = alpha * L_1) and bounded at 1000
    times ``alpha``, so that a training loss near zero cannot blow it up: as
    the fit tightens, the penalty grows. ``alpha = 0`` stays 0.

    L is measured from the loss's ``floor``, so that it is 0 at a perfect fit
    as the rule assumes: the Poisson data term y_pred - y log(y_pred) is
    negative for y > e, its deviance (the term minus its floor) is not.
    """
    if not data_losses or alpha == 0:
        return alpha
    first, last = data_losses[0] - floor, data_losses[-1] - floor
    if last <= 0:
        return 1e3 * alpha
    return min(alpha * first / last, 1e3 * alpha)


ALPHA_SCHEDULES = {"constant": constant, "inverse_loss": inverse_loss}


def resolve_schedule(schedule):
    """The schedule function for the ``alpha_schedule`` parameter."""
    if not callable(schedule):
        return ALPHA_SCHEDULES[schedule]

    def checked(epoch, data_losses, alpha, floor=0.0):
        previous = data_losses[-1] if data_losses else None
        value = schedule(epoch, previous, alpha)
        if not isinstance(value, Real) or not math.isfinite(value) or value < 0:
            raise ValueError(
                "alpha_schedule must return a finite float >= 0; got "
                f"{value!r} at epoch {epoch}."
            )
        return float(value)

    return checked
