"""Projections applied to the weights after every update.

``max_norm`` (Srivastava et al., 2014, "Dropout: a simple way to prevent neural
networks from overfitting", section 5.1) rescales each unit's incoming weight
vector, a column of ``coefs_[l]``, to norm at most ``c``; ``weight_clip``
clips every weight to ``[-c, c]`` (as the WGAN critic does). Both are
projections onto convex sets, so they also serve projected-gradient methods.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Constraints:
    """The ``max_norm`` and ``weight_clip`` parameters (``None``: not asked for)."""

    max_norm: float | None = None
    weight_clip: float | None = None

    @property
    def active(self):
        """Whether any projection is asked for."""
        return self.weight_clip is not None or self.max_norm is not None

    @property
    def box(self):
        """Whether the feasible set is a box (L-BFGS-B's bounds express it)."""
        return self.max_norm is None

    def active_set(self, coefs, flat_coef):
        """Which weights lie on the boundary of the feasible set (a boolean
        array like ``flat_coef``), or ``None`` when none can."""
        if not self.active:
            return None
        on_boundary = np.zeros(flat_coef.shape, dtype=bool)
        if self.weight_clip is not None:
            on_boundary |= np.abs(flat_coef) >= self.weight_clip * (1 - 1e-12)
        if self.max_norm is not None:
            start = 0
            for W in coefs:
                norms = np.sqrt(np.einsum("ij,ij->j", W, W))
                full = np.broadcast_to(norms >= self.max_norm * (1 - 1e-9), W.shape)
                on_boundary[start : start + W.size] |= full.ravel()
                start += W.size
        return on_boundary

    def project(self, coefs, flat_coef):
        """Project the weights in place: ``flat_coef`` and its per-layer views
        ``coefs``."""
        if self.weight_clip is not None:
            np.clip(flat_coef, -self.weight_clip, self.weight_clip, out=flat_coef)
        if self.max_norm is not None:
            for W in coefs:
                norms = np.sqrt(np.einsum("ij,ij->j", W, W))
                too_long = norms > self.max_norm
                if too_long.any():
                    W[:, too_long] *= (self.max_norm / norms[too_long]).astype(W.dtype)
