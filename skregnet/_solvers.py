"""The solvers: how the objective is minimized, one registry entry each.

A solver takes the pieces of ``skregnet._training`` (a ``Problem``, the flat
parameter buffer, a ``Dataset``, a ``TrainConfig``, a ``StoppingRule``, a
``History``) and updates them in place; it never sees the estimator. Each
solver declares:

- ``stochastic``: whether it trains on mini-batches (and has ``partial_fit``);
- ``fixed_objective``: the parameters it needs at their default, because
  they change the objective while it runs (``lbfgs``: ``alpha_schedule``,
  ``dropout``, ``weight_decay``);
- ``method(penalty, alpha, constraints)``: the name of the algorithm it runs
  for this objective, recorded as the estimator's ``solver_method_``;
- ``init_state(params, n_params, n_coef, dtype)``: its state that persists
  across ``partial_fit`` calls (the optimizer), or ``None``.

What ``tol`` means depends on the method: for ``SGD`` and ``Adam``, the
no-improvement rule (``n_iter_no_change`` epochs without improving the
objective, or the validation score, by ``tol``); for ``L-BFGS-B``, scipy's
``gtol`` (the largest projected-gradient component) with ``ftol =
min(tol**2, 2.2e-9)``; for ``FISTA``, the gradient mapping (the largest
move of a step, times its inverse step size), or the same ``ftol``.

Adding a solver is one class here and one line in ``SOLVERS``.
"""

from skregnet._blas import scipy_blas_single_threaded
from skregnet._full_batch import FullBatchObjective, fista, lbfgsb
from skregnet._optimizers import AdamOptimizer, SGDOptimizer
from skregnet._stochastic import StochasticRun


class Solver:
    """Base class of the solvers."""

    stochastic = False
    fixed_objective = {}

    def method(self, penalty, alpha, constraints):
        """The algorithm run for this objective."""
        raise NotImplementedError

    def init_state(self, params, n_params, n_coef, dtype):
        """The state kept between ``partial_fit`` calls (``None``: none)."""
        return None

    def fit(
        self,
        problem,
        params,
        train,
        config,
        stopping,
        history,
        *,
        state=None,
        rng=None,
        validation=None,
    ):
        """Minimize ``problem`` from ``params`` (updated in place)."""
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

    def fit(
        self,
        problem,
        params,
        train,
        config,
        stopping,
        history,
        *,
        state=None,
        rng=None,
        validation=None,
    ):
        StochasticRun(
            problem,
            params,
            train,
            config,
            stopping,
            history,
            optimizer=state,
            rng=rng,
            validation=validation,
        ).run()


class LBFGSSolver(Solver):
    """Full-batch quasi-Newton: L-BFGS-B, or FISTA where L-BFGS-B cannot go."""

    fixed_objective = {
        "alpha_schedule": "constant",
        "dropout": 0.0,
        "weight_decay": 0.0,
    }

    def method(self, penalty, alpha, constraints):
        """L-BFGS-B when J is smooth up to a separable L1 term and the
        constraints are a box; FISTA (which needs only ``prox``) otherwise."""
        nonseparable = penalty.has_prox and not penalty.separable_l1 and alpha > 0
        return "FISTA" if nonseparable or not constraints.box else "L-BFGS-B"

    def fit(
        self,
        problem,
        params,
        train,
        config,
        stopping,
        history,
        *,
        state=None,
        rng=None,
        validation=None,
    ):
        objective = FullBatchObjective(problem, train, params)
        run = {"L-BFGS-B": lbfgsb, "FISTA": fista}[
            self.method(problem.penalty, problem.alpha, config.constraints)
        ]
        with scipy_blas_single_threaded():
            run(problem, objective, params, config, history)


SOLVERS = {
    "sgd": StochasticSolver(SGDOptimizer),
    "adam": StochasticSolver(AdamOptimizer),
    "lbfgs": LBFGSSolver(),
}
