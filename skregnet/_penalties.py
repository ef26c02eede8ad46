"""Penalties on the weights, split into a smooth part and a proximable part.

A penalty never stores ``alpha``: it is passed to every call, so an
``alpha_schedule`` or a regularization path can change it between steps
without rebuilding anything. All methods work on ``w``, the flat vector of
every layer's weights (biases are never penalized), laid out layer after
layer as in ``skregnet._network.Layout``.

The objective's penalty term is ``alpha * R(w)`` with ``R`` split as
``smooth(w) + nonsmooth(w)``:

- the smooth part enters the gradient (``add_smooth_grad``), so solvers treat
  it like the data term;
- the nonsmooth part is handled exactly: by ``prox`` (soft-thresholding, group
  soft-thresholding) after each ``sgd``/``adam`` step, which gives exact zeros,
  and, for ``lbfgs``, through ``l1_weight`` (a bound-constrained split
  ``w = w+ - w-``) or through ``prox`` in a proximal-gradient method.

A penalty also states its facts, which the rest of the package reads
instead of its name: ``has_prox`` and ``separable_l1`` (derived from which
methods it defines: they choose the full-batch method of ``lbfgs``),
``near_zero(layer)`` (how it grows near zero weights in each layer, for the
alpha grid), ``exact_zeros`` (derived from that) and
``groups_input_features``.

Adding a penalty is one class here and one line in ``PENALTIES``.
"""

import numpy as np


class Penalty:
    """Base class: R(w) = 0 until a subclass defines its parts.

    A subclass defines ``smooth_value`` and ``add_smooth_grad`` for its
    differentiable part, ``nonsmooth_value``, ``prox`` and
    ``subdiff_distance`` for a nondifferentiable one (``l1_weight`` too when
    that part is ``c * sum|w|``), ``alpha_max`` when zero weights are a
    solution at a finite alpha, and always ``near_zero``.
    """

    #: whether the nonsmooth part is a sum over the rows of the first layer
    #: (one group per input feature), which the alpha grid measures by rows
    groups_input_features = False

    def __init__(self, coef_shapes=None, l1_ratio=0.5):
        self.coef_shapes = coef_shapes
        self.l1_ratio = l1_ratio

    @property
    def has_prox(self):
        """Whether the penalty has a nonsmooth part, handled by ``prox``."""
        return type(self).prox is not Penalty.prox

    @property
    def separable_l1(self):
        """Whether the nonsmooth part is ``l1_weight(alpha) * sum|w|``, which
        L-BFGS-B handles through the split ``w = w+ - w-``."""
        return type(self).l1_weight is not Penalty.l1_weight

    def near_zero(self, layer):
        """``(c, d)``: near zero, ``R`` grows as ``c * |w| ** d`` in one weight
        of layer ``layer`` (0 is the first layer).

        ``d == 1`` (an L1-type penalty) makes zero a solution at a finite
        alpha; ``_path._alpha_grid`` finds that alpha from these numbers.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must define near_zero(layer), which the "
            "alpha grid of the regularization path needs."
        )

    @property
    def exact_zeros(self):
        """Whether a strong enough alpha makes the first layer exactly zero."""
        return self.near_zero(0)[1] == 1

    def value(self, w, alpha):
        """The penalty term ``alpha * R(w)``."""
        return self.smooth_value(w, alpha) + self.nonsmooth_value(w, alpha)

    def smooth_value(self, w, alpha):
        """``alpha`` times the differentiable part of ``R``."""
        return 0.0

    def nonsmooth_value(self, w, alpha):
        """``alpha`` times the nondifferentiable part of ``R``."""
        return 0.0

    def add_smooth_grad(self, w, alpha, grad):
        """Add the gradient of ``smooth_value`` to ``grad`` in place."""
        return grad

    def l1_weight(self, alpha):
        """Weight ``c`` of a separable ``c * sum|w|`` nonsmooth part (or 0)."""
        return 0.0

    def prox(self, w, step, alpha):
        """Proximal operator of ``step * nonsmooth``, applied to ``w`` in place.

        ``step`` is a scalar or an array like ``w`` (Adam's per-coordinate
        step sizes: the prox in that diagonal metric).
        """
        return w

    def subdiff_distance(self, w, grad, alpha):
        """Distance of ``-grad`` to ``alpha`` times the subdifferential of R.

        ``grad`` is the gradient of the smooth part of the objective (data
        term plus ``smooth_value``). It is zero at an optimum: the
        Karush-Kuhn-Tucker (KKT) violation, coordinate by coordinate.
        """
        return np.abs(grad)

    def alpha_max(self, grad0):
        """Smallest alpha at which ``w = 0`` is stationary, from the gradient
        of the data term at ``w = 0`` (``inf`` for penalties without zeros)."""
        return np.inf


class NoPenalty(Penalty):
    """No penalty: R(w) = 0 (``penalty=None``)."""

    def near_zero(self, layer):
        return 0.0, 2


class L2(Penalty):
    """R(w) = 1/2 * sum w**2 (ridge, weight decay inside the objective)."""

    def near_zero(self, layer):
        return 0.5, 2

    def smooth_value(self, w, alpha):
        return 0.5 * alpha * float(w @ w)

    def add_smooth_grad(self, w, alpha, grad):
        grad += alpha * w
        return grad


def _soft_threshold(w, threshold):
    """w <- sign(w) * max(|w| - threshold, 0), in place; exact zeros."""
    magnitude = np.abs(w)
    magnitude -= threshold
    np.maximum(magnitude, 0, out=magnitude)
    np.copysign(magnitude, w, out=w)
    return w


class L1(Penalty):
    """R(w) = sum |w| (lasso): soft-thresholding gives exact zeros."""

    def _l1_ratio(self):
        return 1.0

    def near_zero(self, layer):
        return 1.0, 1

    def nonsmooth_value(self, w, alpha):
        return self.l1_weight(alpha) * float(np.abs(w).sum())

    def l1_weight(self, alpha):
        return alpha * self._l1_ratio()

    def prox(self, w, step, alpha):
        return _soft_threshold(w, step * self.l1_weight(alpha))

    def subdiff_distance(self, w, grad, alpha):
        c = self.l1_weight(alpha)
        return np.where(
            w != 0,
            np.abs(grad + c * np.sign(w)),
            np.maximum(np.abs(grad) - c, 0),
        )

    def alpha_max(self, grad0):
        if self._l1_ratio() == 0:
            return np.inf
        return float(np.max(np.abs(grad0), initial=0.0)) / self._l1_ratio()


class ElasticNet(L1):
    """R(w) = l1_ratio * sum |w| + (1 - l1_ratio) * 1/2 * sum w**2."""

    def _l1_ratio(self):
        return self.l1_ratio

    def near_zero(self, layer):
        if self.l1_ratio > 0:
            return self.l1_ratio, 1
        return 0.5, 2

    def smooth_value(self, w, alpha):
        return 0.5 * alpha * (1 - self.l1_ratio) * float(w @ w)

    def add_smooth_grad(self, w, alpha, grad):
        grad += (alpha * (1 - self.l1_ratio)) * w
        return grad


def _group_shrinkage_scaled(W, S, alpha, n_newton=30):
    """Factors ``Z / W`` of the group prox of ``alpha * sum_j ||Z[j]||`` in the
    metric ``sum_i (z_i - w_i)**2 / (2 s_i)`` (Adam's per-coordinate steps S).

    A row is zero iff ``||W[j] / S[j]|| <= alpha``; otherwise
    ``z_i = w_i r / (r + a_i)``, ``a_i = alpha s_i``, where ``r = ||z||`` solves
    ``S(r) = sum_i (w_i / (r + a_i))**2 = 1``, in ``[max(||w|| - max(a), 0),
    ||w|| - min(a)]``. With equal steps this is ordinary group
    soft-thresholding.

    The root is found by Newton's method on ``h(r) = S(r)**-0.5 - 1``, as
    Moré & Sorensen (1983) solve the trust-region secular equation: h is
    concave and increasing, so a Newton step lands left of the root and from
    there the iterates rise monotonically to it (a clamp to the lower end of
    the bracket keeps them inside), and h is nearly linear where ``S - 1`` is
    very curved (linear with equal ``a``: one step is exact). Starting at
    ``||w||`` minus the ``w**2``-weighted mean of ``a`` (exact to second order
    in ``a / r``), Adam-sized steps need one or two iterations. Newton
    converges quadratically (the error after a step d is of order
    d**2 / (r + min(a))), so a step below 1e-7 (r + min(a)) is the last one.
    Only the rows that are not zero are computed. Against a bracketing root
    finder the relative errors are a few 1e-12, also with steps spread over
    six orders of magnitude (as Adam's are next to always-zero features).
    """
    W, S = W.astype(float, copy=False), S.astype(float, copy=False)
    ratio = W / S
    np.square(ratio, out=ratio)
    active = np.sqrt(ratio.sum(axis=1)) > alpha  # no overflow in alpha**2
    scale = np.zeros_like(W)
    if not active.any():
        return scale
    every = active.all()  # common while training: no fancy-indexing copies
    A = alpha * S if every else alpha * S[active]
    W2 = np.square(W if every else W[active])
    sq_norm = W2.sum(axis=1)
    norm = np.sqrt(sq_norm)
    # bounds over all rows (one reduction each, not one per row): the lower
    # end of the bracket stays left of every root, the stopping test stricter
    a_min, a_max = A.min(), A.max()
    low = np.maximum(norm - a_max, 0.0)
    r = np.maximum(norm - np.einsum("ij,ij->i", W2, A) / sq_norm, low)
    inv, terms = np.empty_like(W2), np.empty_like(W2)
    for _ in range(n_newton):
        np.add(r[:, None], A, out=inv)
        np.divide(1.0, inv, out=inv)  # 1 / (r + a)
        np.multiply(W2, inv, out=terms)
        terms *= inv
        s = terms.sum(axis=1)  # S(r)
        terms *= inv
        # -h / h' = S (sqrt(S) - 1) / sum(w**2 / (r + a)**3), no cancellation
        step = s * (s - 1.0) / ((np.sqrt(s) + 1.0) * terms.sum(axis=1))
        r += step
        np.maximum(r, low, out=r)
        if np.all(np.abs(step) <= 1e-7 * (r + a_min)):
            break
    np.add(r[:, None], A, out=inv)
    np.divide(r[:, None], inv, out=inv)
    if every:
        return inv
    scale[active] = inv
    return scale


class GroupLasso(Penalty):
    """R(w) = sum_j ||W1[j, :]||_2 + 1/2 * sum_{l>=2} ||W_l||**2.

    One group per input feature (a row of the first layer's weights), as in
    Scardapane et al. (2017), "Group sparse regularization for deep neural
    networks": group soft-thresholding removes whole input features, while the
    deeper layers get the usual L2 term. With Adam's per-coordinate steps the
    prox is taken exactly in Adam's metric.
    """

    groups_input_features = True

    def near_zero(self, layer):
        return (1.0, 1) if layer == 0 else (0.5, 2)

    @property
    def _n_first(self):
        fan_in, fan_out = self.coef_shapes[0]
        return fan_in * fan_out

    def _first(self, w):
        return w[: self._n_first].reshape(self.coef_shapes[0])

    def smooth_value(self, w, alpha):
        deep = w[self._n_first :]
        return 0.5 * alpha * float(deep @ deep)

    def nonsmooth_value(self, w, alpha):
        return alpha * float(np.linalg.norm(self._first(w), axis=1).sum())

    def add_smooth_grad(self, w, alpha, grad):
        grad[self._n_first :] += alpha * w[self._n_first :]
        return grad

    def prox(self, w, step, alpha):
        if alpha == 0:
            return w
        W = self._first(w)
        if np.ndim(step):
            scale = _group_shrinkage_scaled(W, self._first(step), alpha)
        else:
            norms = np.linalg.norm(W, axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                scale = np.maximum(1.0 - step * alpha / norms, 0.0)
            scale[norms == 0] = 0.0
            scale = scale[:, None]
        W *= scale.astype(W.dtype, copy=False)
        return w

    def subdiff_distance(self, w, grad, alpha):
        dist = np.abs(grad).astype(float)
        W, G = self._first(w), self._first(grad)
        norms = np.linalg.norm(W, axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            active = np.linalg.norm(G + alpha * W / norms, axis=1)
        inactive = np.maximum(np.linalg.norm(G, axis=1) - alpha, 0)
        group_dist = np.where(norms[:, 0] > 0, active, inactive)
        first = self._first(dist)
        first[...] = group_dist[:, None] / np.sqrt(W.shape[1])
        return dist

    def alpha_max(self, grad0):
        G = self._first(grad0)
        return float(np.max(np.linalg.norm(G, axis=1), initial=0.0))


PENALTIES = {
    None: NoPenalty,
    "l2": L2,
    "l1": L1,
    "elasticnet": ElasticNet,
    "group_lasso": GroupLasso,
}


def make_penalty(name, *, coef_shapes, l1_ratio=0.5):
    """Build the penalty called ``name`` for a network with these weight shapes."""
    return PENALTIES[name](coef_shapes=coef_shapes, l1_ratio=l1_ratio)
