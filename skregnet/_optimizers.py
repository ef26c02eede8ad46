"""Stochastic optimizers on the flat parameter buffer.

``step(params, grad)`` updates every parameter in place with one vectorized
operation and returns the step size it used on the weights: a scalar for SGD,
Adam's per-coordinate array ``lr_t / (sqrt(v) + eps)`` otherwise. The solver
passes it to the penalty's ``prox``, which makes these proximal SGD / Adam.

Decoupled weight decay (Loshchilov & Hutter, 2019, "Decoupled Weight Decay
Regularization": SGDW / AdamW) is applied here, to the weights only, as
``w -= lr * weight_decay * w`` with ``w`` taken before the step and ``lr`` the
current learning rate without Adam's bias correction, as PyTorch's AdamW does.

The learning-rate schedules and stopping rules follow scikit-learn's
``MLPClassifier`` (``constant``, ``invscaling``, ``adaptive``). Each optimizer
declares the estimator parameters it reads (``parameters``), so
``from_params`` builds it from any estimator's ``get_params()``.
"""

import math

import numpy as np


class Optimizer:
    """Base class: the hooks a stochastic solver calls, with their defaults.

    Subclasses define ``step``, ``parameters`` (the estimator parameters
    their ``__init__`` takes, by name) and ``_scratch`` (work arrays, not
    pickled: they are allocated again on unpickling).
    """

    #: the name recorded in the estimator's ``solver_method_``
    name = ""
    #: estimator parameters passed to ``__init__`` as keyword arguments
    parameters = ()
    #: names of the work arrays (rebuilt by ``_allocate``)
    _scratch = ()
    #: whether ``step`` takes ``step_size=False`` (skip the step size when no
    #: prox needs it); a subclass's ``step(params, grad)`` need not
    skips_step_size = False

    @classmethod
    def from_params(cls, params, n_params, n_coef, dtype):
        """The optimizer for an estimator's ``get_params()``."""
        return cls(n_params, n_coef, dtype, **{k: params[k] for k in cls.parameters})

    def step(self, params, grad, step_size=True):
        """Update ``params`` in place from ``grad``; return the weights' step
        size (a scalar or an array like the weights) for the prox, or
        ``None`` if not ``step_size`` (no prox needs it: saves work)."""
        raise NotImplementedError

    def before_correction(self, w):
        """Called before a prox / projection moves the weights ``w``."""

    def after_correction(self, w):
        """Called after a prox / projection moved the weights ``w``."""

    def iteration_ends(self, time_step):
        """Called after each epoch with the number of samples seen so far."""

    def restart(self):
        """Start a new fit (a path point) from this state: the moments carry
        over, a learning-rate schedule starts again."""

    def trigger_stopping(self, msg, verbose):
        """Whether to stop when the no-improvement rule fires (``msg`` says
        why); an optimizer may instead adapt and go on."""
        if verbose:
            print(msg + " Stopping.")
        return True

    def _allocate(self):
        """Allocate the work arrays, so that a step allocates nothing."""

    def __getstate__(self):
        state = self.__dict__.copy()
        for name in self._scratch:
            state.pop(name, None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._allocate()


class SGDOptimizer(Optimizer):
    """Stochastic gradient descent with (Nesterov) momentum."""

    name = "SGD"
    parameters = (
        "learning_rate_init",
        "learning_rate",
        "momentum",
        "nesterovs_momentum",
        "power_t",
        "weight_decay",
    )
    _scratch = ("_update", "_scaled_grad", "_before")

    def __init__(
        self,
        n_params,
        n_coef,
        dtype,
        *,
        learning_rate_init=0.1,
        learning_rate="constant",
        momentum=0.9,
        nesterovs_momentum=True,
        power_t=0.5,
        weight_decay=0.0,
    ):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.lr_schedule = learning_rate
        self.momentum = momentum
        self.nesterov = nesterovs_momentum
        self.power_t = power_t
        self.weight_decay = weight_decay
        self.n_coef = n_coef
        self.velocity = np.zeros(n_params, dtype=dtype)
        self._allocate()

    def _allocate(self):
        n_params, dtype = self.velocity.size, self.velocity.dtype
        self._update = np.empty(n_params, dtype=dtype)
        self._scaled_grad = np.empty(n_params, dtype=dtype)
        self._before = np.empty(self.n_coef, dtype=dtype)

    def step(self, params, grad, step_size=True):
        # Python floats: a NumPy float64 scalar would compute float32 arrays in
        # float64 (NEP 50 promotion) and cast back, slower for nothing
        lr, momentum = float(self.learning_rate), float(self.momentum)
        v, update, lr_grad = self.velocity, self._update, self._scaled_grad
        np.multiply(grad, lr, out=lr_grad)
        v *= momentum
        v -= lr_grad
        if self.nesterov:
            np.multiply(v, momentum, out=update)
            update -= lr_grad
        else:
            update = v
        if self.weight_decay:
            params[: self.n_coef] *= 1.0 - lr * self.weight_decay
        params += update
        # Nesterov's update moves the weights by (1 + momentum) * lr * grad
        return lr * (1 + self.momentum) if self.nesterov else lr

    def before_correction(self, w):
        """Remember the weights before a prox / projection moves them."""
        self._before[...] = w

    def after_correction(self, w):
        """Fold the prox's / projection's move into the velocity.

        The velocity then follows the weights' real displacement, so that a
        fixed point of the iteration is a fixed point of the prox-gradient map
        ``w = prox(w - step * grad)`` (``step`` as returned by ``step``): the
        optimum. Otherwise the momentum keeps pushing against the prox and the
        L1 term acts ``1 / (1 - momentum)`` times weaker (the inertial proximal
        gradient of Ochs et al. 2014, iPiano). Nesterov's variant moves by
        ``(1 + momentum)`` times its velocity's share, hence the factor.
        """
        np.subtract(w, self._before, out=self._before)
        if self.nesterov:
            self._before /= 1 + self.momentum
        self.velocity[: self.n_coef] += self._before

    def restart(self):
        self.learning_rate = float(self.learning_rate_init)

    def iteration_ends(self, time_step):
        if self.lr_schedule == "invscaling":
            self.learning_rate = (
                self.learning_rate_init / (time_step + 1) ** self.power_t
            )

    def trigger_stopping(self, msg, verbose):
        """Whether to stop after no improvement; ``adaptive`` divides lr by 5."""
        if self.lr_schedule != "adaptive":
            return super().trigger_stopping(msg, verbose)
        if self.learning_rate <= 1e-6:
            if verbose:
                print(msg + " Learning rate too small. Stopping.")
            return True
        self.learning_rate /= 5.0
        if verbose:
            print(msg + f" Setting learning rate to {self.learning_rate:f}")
        return False


class AdamOptimizer(Optimizer):
    """Adam (Kingma & Ba, 2015), with scikit-learn's bias-corrected step.

    Adam's moments average gradients, not moves, so a prox or a projection
    needs no correction (the base class's no-op hooks).

    The moments are kept as ``m / (1 - beta_1)`` and ``v / (1 - beta_2)``
    (``_m_scaled``, ``_v_scaled``; ``ms`` and ``vs`` give ``m`` and ``v``):
    their updates are then ``b * x + g`` and ``b * x + g**2``, one pass over
    the parameters fewer each, and the factors go into the step's scalars.
    """

    name = "Adam"
    skips_step_size = True
    parameters = ("learning_rate_init", "beta_1", "beta_2", "epsilon", "weight_decay")
    _scratch = ("_step", "_work")

    def __init__(
        self,
        n_params,
        n_coef,
        dtype,
        *,
        learning_rate_init=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        weight_decay=0.0,
    ):
        self.learning_rate_init = learning_rate_init
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.weight_decay = weight_decay
        self.n_coef = n_coef
        self.t = 0
        self._m_scaled = np.zeros(n_params, dtype=dtype)
        self._v_scaled = np.zeros(n_params, dtype=dtype)
        self._allocate()

    def _allocate(self):
        self._step = np.empty_like(self._m_scaled)
        self._work = np.empty_like(self._m_scaled)

    def __setstate__(self, state):
        # pickled before the moments were kept scaled
        if "ms" in state:
            state["_m_scaled"] = state.pop("ms") / (1 - state["beta_1"])
        if "vs" in state:
            state["_v_scaled"] = state.pop("vs") / (1 - state["beta_2"])
        super().__setstate__(state)

    @property
    def ms(self):
        """The first moment ``m`` (a new array)."""
        return self._m_scaled * (1 - self.beta_1)

    @property
    def vs(self):
        """The second moment ``v`` (a new array)."""
        return self._v_scaled * (1 - self.beta_2)

    @property
    def learning_rate(self):
        return self.learning_rate_init

    def step(self, params, grad, step_size=True):
        """Adam's update; ``step_size=False`` skips the weights' step-size
        array (returns ``None``) when no prox needs it."""
        self.t += 1
        # Python floats: a NumPy float64 scalar would compute float32 arrays in
        # float64 (NEP 50 promotion) and cast back, slower for nothing
        b1, b2 = float(self.beta_1), float(self.beta_2)
        lr_init = float(self.learning_rate_init)
        lr_t = lr_init * math.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        m, u, work = self._m_scaled, self._v_scaled, self._work
        # m' = m / (1 - b1), u = v / (1 - b2): m' <- b1 m' + g, u <- b2 u + g**2
        m *= b1
        m += grad
        u *= b2
        np.square(grad, out=work)
        u += work
        if self.weight_decay:
            params[: self.n_coef] *= 1.0 - lr_init * self.weight_decay
        # lr_t m / (sqrt(v) + eps) = s m' / (sqrt(u) + eps / c), with
        # c = sqrt(1 - b2) and s = lr_t (1 - b1) / c
        c = math.sqrt(1 - b2)
        np.sqrt(u, out=work)
        work += float(self.epsilon) / c
        if not step_size:
            np.divide(m, work, out=work)
            work *= lr_t * (1 - b1) / c
            params -= work
            return None
        # the step size lr_t / (sqrt(v) + eps) = (lr_t / c) / (sqrt(u) + eps / c)
        step = self._step
        np.divide(lr_t / c, work, out=step)
        np.multiply(step, m, out=work)
        work *= 1 - b1
        params -= work
        return step[: self.n_coef]
