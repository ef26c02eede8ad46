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

import numpy as np

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


def run_solver(solver, run):
    """Run ``solver`` on ``run`` from consistent starting weights; whether it
    was interrupted.

    The one place where every fit ends: however the solver stops, or when a
    ``KeyboardInterrupt`` lands anywhere in it, the run is left consistent
    (finite weights within the constraints, a last record describing them
    when the solver's records do, or when the fit has none) and its history
    says why it stopped.
    """
    run.project()  # the constraints hold from the first weights
    run.checkpoint()
    try:
        if run.monitor is not None:
            run.monitor.start(run.params)
        # overflows are caught as divergence by the solvers
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            solver.fit(run)
    except KeyboardInterrupt:
        _interrupted(solver, run)
        return True
    finally:
        if run.monitor is not None:
            run.monitor.close()
    if run.history.n_iter == 0 or run.history.stop == "diverged":
        _record_weights(run)  # the last record describes the weights kept
    return False


def _interrupted(solver, run):
    """Make an interrupted run consistent: finite weights within the
    constraints, the last record describing them when the solver's records
    do (full batch) or when this fit has none yet."""
    history, params = run.history, run.params
    history.end("interrupted", "Training interrupted by user.")
    if solver.records_describe_weights or not np.isfinite(params).all():
        params[...] = run.fallback
    if run.stopping.best_params is not None:
        params[...] = run.stopping.best_params
    run.project()
    if solver.records_describe_weights or history.n_iter == 0:
        _record_weights(run)


def _record_weights(run):
    """Make the last record describe ``run.params`` (a new one when the fit
    has none): J at the weights, on all the training data."""
    history, params = run.history, run.params
    alpha = history.records[-1][0] if history.records else run.problem.alpha
    with np.errstate(all="ignore"):
        data, penalty = run.problem.terms(params, run.train, alpha)
        if not np.isfinite(data + penalty) and not np.array_equal(params, run.fallback):
            params[...] = run.fallback
            data, penalty = run.problem.terms(params, run.train, alpha)
        if not np.isfinite(data):
            run.problem.check_outputs(params, run.train)
    history.amend(alpha, data, penalty)
