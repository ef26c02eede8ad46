"""Projections applied to the weights after every update.

``max_norm`` (Srivastava et al., 2014, "Dropout: a simple way to prevent neural
networks from overfitting", section 5.1) rescales each unit's incoming weight
vector, a column of ``coefs_[l]``, to norm at most ``c``; ``weight_clip``
clips every weight to ``[-c, c]`` (as the WGAN critic does). Both are
projections onto convex sets, so they also serve projected-gradient methods.
"""

import numpy as np


def project(est, coefs, flat_coef):
    """Apply ``est.max_norm`` and ``est.weight_clip`` to the weights in place."""
    if est.weight_clip is not None:
        np.clip(flat_coef, -est.weight_clip, est.weight_clip, out=flat_coef)
    if est.max_norm is not None:
        for W in coefs:
            norms = np.sqrt(np.einsum("ij,ij->j", W, W))
            too_long = norms > est.max_norm
            if too_long.any():
                W[:, too_long] *= (est.max_norm / norms[too_long]).astype(W.dtype)


def is_active(est):
    """Whether any projection is asked for."""
    return est.weight_clip is not None or est.max_norm is not None
