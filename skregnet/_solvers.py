"""The solvers: how the objective is minimized, one registry entry each.

A solver takes a ``skregnet._training.Run`` (the objective, the flat
parameter buffer, the data, a ``TrainConfig``, a ``StoppingRule``, a
``History``) and updates it in place, leaving in its history why it stopped;
it never sees the estimator. Each solver declares:

- ``stochastic``: whether it trains on mini-batches (and has ``partial_fit``);
- ``fixed_objective``: the parameters it needs at their default, because
  they change the objective while it runs (``lbfgs``: ``alpha_schedule``,
  ``dropout``, ``weight_decay``), and ``ignores``, those it does not use
  (``lbfgs``: ``early_stopping``), which warn;
- ``method(penalty, alpha, constraints)``: the name of the algorithm it runs
  for this objective, recorded as the estimator's ``solver_method_``;
- ``init_state(params, n_params, n_coef, dtype)``: its state that persists
  across ``partial_fit`` calls (the optimizer), or ``None``;
- ``records_describe_weights``: whether each record is J at the weights of
  that moment (full batch), or an epoch's mean loss while they moved.

What ``tol`` means depends on the method: for ``SGD`` and ``Adam``, the
no-improvement rule (``n_iter_no_change`` epochs without improving the
objective, or the validation score, by ``tol``); for ``L-BFGS-B`` and
``FISTA``, the optimality residual (``skregnet._full_batch``): they stop
only where it is at most ``tol``, or at ``max_iter`` / ``max_fun``.

Adding a solver is one class here and one line in ``SOLVERS``.
"""

from skregnet._blas import scipy_blas_single_threaded
from skregnet._full_batch import FISTA, LBFGSB
from skregnet._optimizers import AdamOptimizer, SGDOptimizer
from skregnet._stochastic import StochasticRun


class Solver:
    """Base class of the solvers."""

    stochastic = False
    fixed_objective = {}
    ignores = {}
    records_describe_weights = False

    def method(self, penalty, alpha, constraints):
        """The algorithm run for this objective."""
        raise NotImplementedError

    def init_state(self, params, n_params, n_coef, dtype):
        """The state kept between ``partial_fit`` calls (``None``: none)."""
        return None

    def fit(self, run):
        """Minimize ``run.problem`` from ``run.params`` (updated in place)."""
        raise NotImplementedError


class StochasticSolver(Solver):
    """Mini-batch proximal gradient with an ``Optimizer``'s steps."""

    stochastic = True

    def __init__(self, optimizer_class):
        self.optimizer_class = optimizer_class

    def method(self, penalty, alpha, constraints):
        return self.optimizer_class.name

    def init_state(self, params, n_params, n_coef, dtype):
        return self.optimizer_class.from_params(params, n_params, n_coef, dtype)

    def fit(self, run):
        StochasticRun(run).fit()


class LBFGSSolver(Solver):
    """Full-batch quasi-Newton: L-BFGS-B, or FISTA where L-BFGS-B cannot go."""

    fixed_objective = {
        "alpha_schedule": "constant",
        "dropout": 0.0,
        "weight_decay": 0.0,
    }
    ignores = {"early_stopping": False}
    records_describe_weights = True
    methods = {"L-BFGS-B": LBFGSB, "FISTA": FISTA}

    def method(self, penalty, alpha, constraints):
        """L-BFGS-B when J is smooth up to a separable L1 term and the
        constraints are a box; FISTA (which needs only ``prox``) otherwise."""
        nonseparable = penalty.has_prox and not penalty.separable_l1 and alpha > 0
        return "FISTA" if nonseparable or not constraints.box else "L-BFGS-B"

    def fit(self, run):
        method = self.method(
            run.problem.penalty, run.problem.alpha, run.config.constraints
        )
        with scipy_blas_single_threaded():
            self.methods[method](run).fit()


SOLVERS = {
    "sgd": StochasticSolver(SGDOptimizer),
    "adam": StochasticSolver(AdamOptimizer),
    "lbfgs": LBFGSSolver(),
}
