"""Per-sample losses, averaged with normalized sample weights.

Every loss is paired with the output activation of its canonical link, so the
gradient of the loss with respect to the output layer's pre-activation is
simply ``y_pred - y`` (times the sample's weight). ``w`` below are sample
weights already normalized to sum to one over the batch (SPEC §1: the data
term is a weighted *mean*, whatever the batch size).
"""

import numpy as np
from scipy.special import xlogy


class Loss:
    """Base class: subclasses define ``out_activation`` and ``per_sample``."""

    out_activation = "identity"

    def per_sample(self, y, y_pred, work=None):
        """Loss of each sample (summed over outputs), shape (n_samples,).

        ``work``, an array shaped like ``y_pred``, receives the elementwise
        terms, so that a training step allocates no temporaries of that size.
        """
        raise NotImplementedError

    def floor(self, y, w):
        """The smallest weighted mean loss any prediction reaches on ``y``."""
        return 0.0

    def value(self, y, y_pred, w, work=None):
        """Weighted mean loss, ``sum_i w_i * loss_i`` with ``sum(w) == 1``."""
        return float(w @ self.per_sample(y, y_pred, work))

    def raw_grad(self, y, y_pred, w, out):
        """Gradient of ``value`` w.r.t. the output pre-activation, into ``out``."""
        np.subtract(y_pred, y, out=out)
        out *= w[:, None]
        return out


class SquaredError(Loss):
    """0.5 * sum_k (y_k - y_pred_k)**2, identity output."""

    def per_sample(self, y, y_pred, work=None):
        diff = np.subtract(y, y_pred, out=work)
        np.square(diff, out=diff)
        return 0.5 * diff.sum(axis=1)


class Poisson(Loss):
    """y_pred - y * log(y_pred), exp output (log link)."""

    out_activation = "exp"

    def floor(self, y, w):
        # y_pred = y minimizes y_pred - y log(y_pred); the loss minus this floor
        # is the (half) Poisson deviance
        return float(w @ (y - xlogy(y, y)).sum(axis=1))

    def per_sample(self, y, y_pred, work=None):
        terms = xlogy(y, y_pred, out=work)
        np.subtract(y_pred, terms, out=terms)
        return terms.sum(axis=1)


class BinaryLogLoss(Loss):
    """-y log p - (1 - y) log(1 - p), summed over outputs (binary, multilabel)."""

    out_activation = "logistic"

    def per_sample(self, y, y_pred, work=None):
        eps = np.finfo(y_pred.dtype).eps
        # the clip keeps both logs finite, so y log p is xlogy(y, p), also at y=0
        p = np.clip(y_pred, eps, 1 - eps, out=work)
        log_q = np.subtract(1, p)
        np.log(log_q, out=log_q)
        log_q *= 1 - y
        np.log(p, out=p)
        p *= y
        p += log_q
        return -p.sum(axis=1)


class LogLoss(Loss):
    """-log p_y with a softmax output (multiclass)."""

    out_activation = "softmax"

    def per_sample(self, y, y_pred, work=None):
        eps = np.finfo(y_pred.dtype).eps
        # the clip keeps the log finite, so y log p is xlogy(y, p), also at y=0
        terms = np.clip(y_pred, eps, 1, out=work)
        np.log(terms, out=terms)
        terms *= y
        return -terms.sum(axis=1)


LOSSES = {
    "squared_error": SquaredError(),
    "poisson": Poisson(),
    "binary_log_loss": BinaryLogLoss(),
    "log_loss": LogLoss(),
}
