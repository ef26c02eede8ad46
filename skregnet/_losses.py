"""Per-sample losses, averaged with normalized sample weights.

Every loss is paired with the output activation of its canonical link, so the
gradient of the loss with respect to the output layer's pre-activation is
simply ``y_pred - y`` (times the sample's weight). ``sw`` below are sample
weights already normalized to sum to one over the batch (SPEC §1: the data
term is a weighted *mean*, whatever the batch size).

A loss also knows its behaviour at the null model (the best constant
prediction: the weighted mean of ``y``, by the canonical link): its
``curvature`` there, which the alpha grid of ``skregnet._path`` uses. Adding
a loss is one class here and one line in ``LOSSES``.
"""

import numpy as np
from scipy.special import xlogy

from skregnet._activations import ones


class Loss:
    """Base class: subclasses define ``out_activation``, ``per_sample`` and
    ``curvature``."""

    out_activation = "identity"
    #: whether ``RegMLPRegressor(loss=...)`` accepts it (classifiers choose
    #: their loss from the targets)
    regression = True

    def per_sample(self, y, y_pred, work=None, raw=None):
        """Loss of each sample (summed over outputs), shape (n_samples,).

        ``work``, an array shaped like ``y_pred``, receives the elementwise
        terms, so that a training step allocates no temporaries of that size.
        ``raw``, the output layer's pre-activation, makes the log losses
        exact where the probabilities underflow (it may be overwritten);
        without it they are computed from ``y_pred``.
        """
        raise NotImplementedError

    def check_targets(self, y):
        """Raise a ``ValueError`` if ``y`` holds values the loss cannot take."""

    def floor(self, y, sw):
        """The smallest weighted mean loss any prediction reaches on ``y``."""
        return 0.0

    def value(self, y, y_pred, sw, work=None, raw=None):
        """Weighted mean loss, ``sum_i sw_i * loss_i`` with ``sum(sw) == 1``."""
        return float(sw @ self.per_sample(y, y_pred, work, raw))

    def raw_grad(self, y, y_pred, sw, out):
        """Gradient of ``value`` w.r.t. the output pre-activation, into ``out``."""
        np.subtract(y_pred, y, out=out)
        out *= sw[:, None]
        return out

    def null_prediction(self, y, sw):
        """The best constant prediction: the weighted mean of ``y`` (per output).

        With the canonical link the gradient of ``value`` with respect to the
        output biases is ``sw @ (y_pred - y)``, zero at this prediction.
        """
        return sw @ y

    def curvature(self, y_pred):
        """Second derivative of the loss in the output pre-activation at a
        constant prediction ``y_pred`` (per output; diagonal for softmax)."""
        raise NotImplementedError


class SquaredError(Loss):
    """0.5 * sum_k (y_k - y_pred_k)**2, identity output."""

    def curvature(self, y_pred):
        return np.ones_like(y_pred)

    def per_sample(self, y, y_pred, work=None, raw=None):
        diff = np.subtract(y, y_pred, out=work)
        np.square(diff, out=diff)
        return 0.5 * diff.sum(axis=1)


class Poisson(Loss):
    """y_pred - y * log(y_pred), exp output (log link)."""

    out_activation = "exp"

    def check_targets(self, y):
        if np.any(y < 0):
            raise ValueError(
                "Some value(s) of y are negative which is not allowed for "
                "loss='poisson'."
            )

    def floor(self, y, sw):
        # y_pred = y minimizes y_pred - y log(y_pred); the loss minus this floor
        # is the (half) Poisson deviance
        return float(sw @ (y - xlogy(y, y)).sum(axis=1))

    def curvature(self, y_pred):
        return y_pred

    def per_sample(self, y, y_pred, work=None, raw=None):
        # y log(y_pred) is y * raw exactly (raw = log y_pred)
        if raw is None:
            terms = xlogy(y, y_pred, out=work)
        else:
            terms = np.multiply(y, raw, out=work)
        np.subtract(y_pred, terms, out=terms)
        return terms.sum(axis=1)


class BinaryLogLoss(Loss):
    """-y log p - (1 - y) log(1 - p), summed over outputs (binary, multilabel)."""

    out_activation = "logistic"
    regression = False

    def curvature(self, y_pred):
        return y_pred * (1 - y_pred)

    def per_sample(self, y, y_pred, work=None, raw=None):
        if raw is not None:
            # log(1 + exp(z)) - y z, exact for any logit z
            terms = np.logaddexp(0, raw, out=work)
            raw *= y
            terms -= raw
            return terms.sum(axis=1)
        tiny = np.finfo(y_pred.dtype).tiny
        # the clip keeps both logs finite, so y log p is xlogy(y, p), also at y=0
        p = np.clip(y_pred, tiny, 1 - np.finfo(y_pred.dtype).epsneg, out=work)
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
    regression = False

    def curvature(self, y_pred):
        return y_pred * (1 - y_pred)

    def per_sample(self, y, y_pred, work=None, raw=None):
        if raw is not None:
            # -sum_k y_k log p_k = lse * sum_k y_k - sum_k y_k z_k, with
            # log p_k = z_k - lse and lse = logsumexp(z) = z_m - log p_m at
            # the most likely class m, whose p_m >= 1 / n_classes is exact;
            # row sums as products with ones (short rows: faster than sum)
            n, k = raw.shape
            at_max = raw.argmax(axis=1)
            at_max += np.arange(0, n * k, k)
            lse = raw.take(at_max)
            lse -= np.log(y_pred.take(at_max))
            ones_k = ones(k, raw.dtype)
            lse *= y @ ones_k
            lse -= np.multiply(y, raw, out=work) @ ones_k
            return lse
        # the clip keeps the log finite, so y log p is xlogy(y, p), also at y=0
        terms = np.clip(y_pred, np.finfo(y_pred.dtype).tiny, 1, out=work)
        np.log(terms, out=terms)
        terms *= y
        return -terms.sum(axis=1)


LOSSES = {
    "squared_error": SquaredError(),
    "poisson": Poisson(),
    "binary_log_loss": BinaryLogLoss(),
    "log_loss": LogLoss(),
}
