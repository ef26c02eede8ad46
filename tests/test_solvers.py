"""The solvers (``_solvers``, ``_stochastic``, ``_full_batch``), driven directly
through the contract objects of ``_training``, with no estimator.

References: J = data loss + alpha * R(W) evaluated here at the returned
weights, the KKT conditions (``Penalty.subdiff_distance``), MLPClassifier's
no-improvement rule, and the method table of ``_full_batch``'s docstring.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning

from skregnet._base import BaseRegMLP
from skregnet._constraints import Constraints
from skregnet._initializers import INITIALIZERS, init_weights
from skregnet._losses import LOSSES
from skregnet._network import Layout, Network
from skregnet._penalties import make_penalty
from skregnet._schedules import resolve_schedule
from skregnet._solvers import SOLVERS, run_solver
from skregnet._stochastic import (
    DIVERGENCE_FACTOR,
    Batches,
    StochasticRun,
    dropout_masks,
)
from skregnet._training import (
    Dataset,
    History,
    Problem,
    Run,
    StoppingRule,
    TrainConfig,
    Validation,
)

PENALTY_NAMES = [None, "l2", "l1", "elasticnet", "group_lasso"]
L1_TYPE = ["l1", "elasticnet", "group_lasso"]
STOCHASTIC = ["sgd", "adam"]

# 80 rows, 6 features: 0, 1 and 2 drive the target, 3, 4 and 5 are noise
_rng = np.random.RandomState(0)
X = _rng.normal(size=(80, 6))
Y = (
    np.tanh(X[:, 0] - 0.5 * X[:, 1]) + 0.5 * X[:, 2] + 0.1 * _rng.normal(size=80)
).reshape(-1, 1)
TRAIN = Dataset(X, Y)
UNIFORM = np.full(80, 1 / 80)

#: the estimator parameters the optimizers read, at MLPClassifier's defaults
OPTIMIZER_PARAMS = dict(
    learning_rate_init=0.01,
    learning_rate="constant",
    momentum=0.9,
    nesterovs_momentum=True,
    power_t=0.5,
    beta_1=0.9,
    beta_2=0.999,
    epsilon=1e-8,
    weight_decay=0.0,
)
#: settings under which each solver fits the problems below in ~0.05 s
LEARNING_RATE = {"sgd": 0.05, "adam": 0.02, "lbfgs": 0.01}


def _problem(
    *,
    penalty="l2",
    alpha=0.02,
    hidden=(6,),
    activation="tanh",
    n_features=6,
    loss="squared_error",
    n_outputs=1,
):
    layout = Layout([n_features, *hidden, n_outputs])
    loss_obj = LOSSES[loss]
    network = Network(layout, activation, loss_obj.out_activation, loss_obj)
    penalty_obj = make_penalty(penalty, coef_shapes=layout.coef_shapes, l1_ratio=0.5)
    return Problem(network, penalty_obj, alpha, resolve_schedule("constant"))


def _initial_params(problem, seed=0, dtype=np.float64):
    layout = problem.network.layout
    params = np.zeros(layout.n_params, dtype=dtype)
    rng = np.random.RandomState(seed)
    coefs = layout.coefs(params)
    init_weights(INITIALIZERS["glorot_uniform"], layout.layer_units, rng, None, coefs)
    return params


def _config(**changes):
    settings = dict(
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        max_fun=15000,
        batch_size=80,
        shuffle=True,
        dropout=0.0,
        constraints=Constraints(),
        verbose=False,
    )
    return TrainConfig(**{**settings, **changes})


def _fit(
    solver,
    problem,
    params,
    config,
    *,
    train=TRAIN,
    validation=None,
    history=None,
    seed=0,
    **optimizer,
):
    """Run ``SOLVERS[solver]`` on the contract objects, as the estimators do
    (``run_solver``, then the warning that says how the fit ended);
    ``(history, stopping)``."""
    layout = problem.network.layout
    stopping = StoppingRule(on_validation=validation is not None)
    history = History() if history is None else history
    optimizer = {
        **OPTIMIZER_PARAMS,
        "learning_rate_init": LEARNING_RATE[solver],
        **optimizer,
    }
    state = SOLVERS[solver].init_state(
        optimizer, layout.n_params, layout.n_coef, params.dtype
    )
    run = Run(
        problem=problem,
        params=params,
        train=train,
        config=config,
        stopping=stopping,
        history=history,
        validation=validation,
        rng=np.random.RandomState(seed),
        state=state,
    )
    run_solver(SOLVERS[solver], run)
    BaseRegMLP._warn(history)
    return history, stopping


def _quiet_fit(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return _fit(*args, **kwargs)


def _terms(problem, params, data=TRAIN):
    """(data loss, alpha * R(W)) at ``params``, on all of ``data``."""
    network = problem.network
    sw = data.normalized_weights(params.dtype)
    data_loss = network.loss.value(data.Y, network.predict(params, data.X), sw)
    return data_loss, problem.penalty.value(params[: problem.n_coef], problem.alpha)


def _kkt(problem, params, data=TRAIN):
    """The KKT violation of J at ``params``: weights and biases."""
    grad = np.empty_like(params)
    sw = data.normalized_weights(params.dtype)
    problem.network.loss_grad(params, data.X, data.Y, sw, grad)
    n = problem.n_coef
    problem.penalty.add_smooth_grad(params[:n], problem.alpha, grad[:n])
    weights = problem.penalty.subdiff_distance(params[:n], grad[:n], problem.alpha)
    return np.max(weights), np.max(np.abs(grad[n:]))


def _stop_of_mlp_rule(values, tol, n_iter_no_change, *, higher_is_better=False):
    """The epoch at which MLPClassifier's no-improvement rule stops (or None)."""
    best = -np.inf if higher_is_better else np.inf
    count = 0
    for epoch, value in enumerate(values, start=1):
        worse = value < best + tol if higher_is_better else value > best - tol
        count = count + 1 if worse else 0
        best = max(best, value) if higher_is_better else min(best, value)
        if count > n_iter_no_change:
            return epoch
    return None


# -- what every solver does ------------------------------------------------------------


@pytest.mark.parametrize("penalty", PENALTY_NAMES, ids=str)
@pytest.mark.parametrize("solver", SOLVERS)
def test_objective_decreases_and_the_last_record_is_j(solver, penalty):
    problem = _problem(penalty=penalty)
    params = _initial_params(problem)
    start = sum(_terms(problem, params))
    history, _ = _quiet_fit(solver, problem, params, _config())
    data_loss, penalty_value = _terms(problem, params)
    assert data_loss + penalty_value < 0.2 * start
    assert history.loss_curve[-1] < 0.2 * history.loss_curve[0]
    # the penalty part of the last record is alpha * R at the returned weights
    assert_allclose(
        history.loss_curve[-1] - history.data_loss_curve[-1],
        penalty_value,
        rtol=1e-10,
        atol=1e-15,
    )
    if solver == "lbfgs":
        # full batch: the record is J itself at the returned weights
        assert_allclose(history.data_loss_curve[-1], data_loss, rtol=1e-10)
        if SOLVERS["lbfgs"].method(problem.penalty, 0.02, Constraints()) == "L-BFGS-B":
            assert np.all(np.diff(history.loss_curve) <= 1e-12)


@pytest.mark.parametrize("solver", SOLVERS)
def test_history_counters_agree_with_the_curves(solver):
    """One record per epoch (iteration); continued (a warm start, or
    partial_fit's one epoch), the curves grow by this fit's ``n_iter`` and
    ``t`` by the samples seen (stochastic solvers only)."""
    problem = _problem()
    params = _initial_params(problem)
    with pytest.warns(ConvergenceWarning):
        history, _ = _fit(solver, problem, params, _config(max_iter=12, tol=0))
    assert history.n_iter == 12
    assert len(history.loss_curve) == len(history.data_loss_curve) == 12
    assert len(history.alpha_curve) == 12
    assert history.alpha_curve == [0.02] * 12

    continued = History.from_curves(
        history.alpha_curve,
        history.data_loss_curve,
        history.loss_curve,
        None,
        history.t,
    )
    config = _config(max_iter=5, incremental=solver in STOCHASTIC)
    _quiet_fit(solver, problem, params, config, history=continued)
    n_new = continued.n_iter
    assert len(continued.loss_curve) == 12 + n_new
    assert continued.loss_curve[:12] == history.loss_curve
    if solver in STOCHASTIC:
        assert n_new == 1  # incremental: one epoch
        assert (history.t, continued.t) == (12 * 80, 13 * 80)
    else:
        assert 1 <= n_new <= 5
        assert continued.t == history.t == 0


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("penalty", [*L1_TYPE, "l2"])
def test_exact_zeros(penalty, solver):
    """Zeros are exactly 0.0 (a prox, or L-BFGS-B's bounds), never 1e-9;
    group lasso zeroes whole first-layer rows; L2 gives none."""
    problem = _problem(penalty=penalty, alpha=0.02)
    params = _initial_params(problem)
    _quiet_fit(solver, problem, params, _config())
    W1, W2 = problem.network.layout.coefs(params)
    w = params[: problem.n_coef]
    assert np.count_nonzero((w != 0) & (np.abs(w) < 1e-6)) == 0
    if penalty == "l2":
        assert np.count_nonzero(w) == w.size
        return
    assert 0 < np.count_nonzero(w) < w.size
    if penalty == "group_lasso":
        # groups: a row is zero or (generically) all nonzero; no prox on W2
        assert set(np.count_nonzero(W1, axis=1)) <= {0, W1.shape[1]}
        assert np.count_nonzero(W2) == W2.size


@pytest.mark.parametrize(
    "penalty",
    [
        "l2",
        "l1",
        "elasticnet",
        "group_lasso",
    ],
)
def test_full_batch_stops_within_tol_of_a_kkt_point(penalty):
    tol = 1e-6
    problem = _problem(penalty=penalty, alpha=0.02)
    params = _initial_params(problem)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # it converged
        _fit("lbfgs", problem, params, _config(tol=tol, max_iter=5000))
    weights, biases = _kkt(problem, params)
    assert weights <= tol
    assert biases <= tol


def test_group_lasso_zero_rows_are_optimal_not_numerical():
    """The full-batch solution of the group lasso (FISTA) is a KKT point
    whose zero rows are the noise features', with their gradients strictly
    inside the alpha-ball: they are zero because the penalty wants them so."""
    problem = _problem(penalty="group_lasso", alpha=0.02)
    params = _initial_params(problem)
    _fit("lbfgs", problem, params, _config(tol=1e-8, max_iter=5000))
    weights, biases = _kkt(problem, params)
    assert weights < 1e-7 and biases < 1e-7
    W1 = problem.network.layout.coefs(params)[0]
    zero_rows = np.flatnonzero(~W1.any(axis=1))
    assert_array_equal(zero_rows, [3, 4, 5])
    grad = np.empty_like(params)
    problem.network.loss_grad(params, X, Y, UNIFORM, grad)
    G1 = problem.network.layout.coefs(grad)[0]
    assert np.all(np.linalg.norm(G1[zero_rows], axis=1) < 0.9 * problem.alpha)


# -- the full-batch method -------------------------------------------------------------

CONSTRAINTS = {
    "none": Constraints(),
    "weight_clip": Constraints(weight_clip=1.0),
    "max_norm": Constraints(max_norm=2.0),
    "both": Constraints(max_norm=2.0, weight_clip=1.0),
}


def _expected_method(penalty, alpha, constraints):
    """The rule of ``_full_batch``'s docstring: L-BFGS-B when the nonsmooth
    part is a separable L1 term and the constraints a box, FISTA otherwise."""
    if constraints.max_norm is not None:
        return "FISTA"
    if penalty == "group_lasso" and alpha > 0:
        return "FISTA"
    return "L-BFGS-B"


@pytest.mark.parametrize("alpha", [0.01, 0.0], ids=["alpha>0", "alpha=0"])
@pytest.mark.parametrize("constraints", CONSTRAINTS.values(), ids=CONSTRAINTS.keys())
@pytest.mark.parametrize("penalty", PENALTY_NAMES, ids=str)
def test_full_batch_method_rule(penalty, constraints, alpha, monkeypatch):
    problem = _problem(penalty=penalty, alpha=alpha)
    expected = _expected_method(penalty, alpha, constraints)
    assert SOLVERS["lbfgs"].method(problem.penalty, alpha, constraints) == expected
    # and fit runs that method
    ran = []
    for name in ["L-BFGS-B", "FISTA"]:

        class Recorded(SOLVERS["lbfgs"].methods[name]):
            def fit(self, name=name):
                ran.append(name)
                return super().fit()

        monkeypatch.setitem(SOLVERS["lbfgs"].methods, name, Recorded)
    _quiet_fit(
        "lbfgs", problem, _initial_params(problem), _config(constraints=constraints)
    )
    assert ran == [expected]


@pytest.mark.parametrize("solver, name", [("sgd", "SGD"), ("adam", "Adam")])
@pytest.mark.parametrize("penalty", PENALTY_NAMES, ids=str)
def test_stochastic_method_is_the_optimizer(penalty, solver, name):
    penalty_obj = make_penalty(penalty, coef_shapes=[(3, 2)])
    method = SOLVERS[solver].method(penalty_obj, 0.1, CONSTRAINTS["both"])
    assert method == name


@pytest.mark.parametrize("solver", SOLVERS)
def test_fixed_objective_parameters_are_estimator_parameters(solver):
    """What a solver needs at its default (SPEC §4: lbfgs raises on the
    others) names real parameters, with their real defaults."""
    from skregnet import RegMLPRegressor

    defaults = RegMLPRegressor().get_params()
    for name, value in SOLVERS[solver].fixed_objective.items():
        assert defaults[name] == value


# -- stopping --------------------------------------------------------------------------


@pytest.mark.parametrize("penalty", ["l2", "group_lasso"])
@pytest.mark.parametrize("solver", STOCHASTIC)
def test_no_improvement_rule_stops_as_mlp_classifier(solver, penalty):
    problem = _problem(penalty=penalty)
    params = _initial_params(problem)
    config = _config(max_iter=500, tol=1e-3, n_iter_no_change=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # stopped early
        history, stopping = _fit(solver, problem, params, config)
    stop = _stop_of_mlp_rule(history.loss_curve, 1e-3, 5)
    assert stop is not None
    assert history.n_iter == stop < 500
    assert stopping.best_loss == min(history.loss_curve)


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_validation_rule_stops_and_restores_the_best_weights(solver):
    rng = np.random.RandomState(1)
    X_val = rng.normal(size=(40, 6))
    Y_val = np.tanh(X_val[:, 0] - 0.5 * X_val[:, 1]) + 0.5 * X_val[:, 2]

    def neg_mse(output, sample_weight):
        return -np.mean((output.ravel() - Y_val) ** 2)

    validation = Validation(Dataset(X_val, Y_val.reshape(-1, 1)), neg_mse)
    problem = _problem(alpha=1e-4, hidden=(16,))
    params = _initial_params(problem)
    config = _config(max_iter=500, tol=1e-4, n_iter_no_change=5)
    history, stopping = _quiet_fit(
        solver, problem, params, config, validation=validation
    )
    scores = history.validation_scores
    assert len(scores) == history.n_iter == len(history.loss_curve)
    stop = _stop_of_mlp_rule(scores, 1e-4, 5, higher_is_better=True)
    assert history.n_iter == stop < 500
    assert stopping.best_validation_score == max(scores)
    # the weights returned are those of the best score, not of the last epoch
    assert scores[-1] < max(scores)
    score, loss = validation.evaluate(problem.network, params)
    assert score == max(scores)
    # the validation loss of each epoch is recorded beside its score
    assert len(history.validation_loss_curve) == len(scores)
    assert loss == pytest.approx(-score / 2)  # the loss is half the squared error


@pytest.mark.parametrize(
    "penalty, message",
    [
        ("l2", r"lbfgs \(L-BFGS-B\) stopped at the iteration limit"),
        ("group_lasso", r"lbfgs \(FISTA\) stopped at the iteration limit"),
    ],
    ids=["L-BFGS-B", "FISTA"],
)
def test_full_batch_max_iter_warns(penalty, message):
    problem = _problem(penalty=penalty)
    params = _initial_params(problem)
    with pytest.warns(ConvergenceWarning, match=message):
        history, _ = _fit("lbfgs", problem, params, _config(max_iter=3, tol=1e-12))
    assert history.n_iter == 3


def test_stochastic_max_iter_warns():
    problem = _problem()
    params = _initial_params(problem)
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(4\) reached"):
        history, _ = _fit("adam", problem, params, _config(max_iter=4))
    assert history.n_iter == 4


#: targets of each loss, and the inverse link that turns the constant model's
#: prediction (their weighted mean) into its output biases
_CONSTANT_MODELS = {
    "squared_error": (Y, lambda m: m),
    "poisson": (_rng.poisson(2.0, size=(80, 1)).astype(float), np.log),
    "binary_log_loss": (
        (_rng.uniform(size=(80, 2)) < [0.3, 0.6]).astype(float),
        lambda m: np.log(m / (1 - m)),
    ),
    "log_loss": (np.eye(3)[_rng.choice(3, size=80, p=[0.2, 0.3, 0.5])], np.log),
}


def _stochastic_run(problem, train, **config):
    params = _initial_params(problem)
    state = SOLVERS["adam"].init_state(
        OPTIMIZER_PARAMS, params.size, problem.n_coef, params.dtype
    )
    run = Run(
        problem=problem,
        params=params,
        train=train,
        config=_config(**config),
        stopping=StoppingRule(on_validation=False),
        history=History(),
        rng=np.random.RandomState(0),
        state=state,
    )
    return StochasticRun(run)


@pytest.mark.parametrize("loss", list(_CONSTANT_MODELS))
def test_constant_loss_is_j_at_zero_weights(loss):
    """What a stall is measured against: the J that zero weights reach, with
    the output biases at the (weighted) null prediction."""
    Y_loss, inverse_link = _CONSTANT_MODELS[loss]
    sw = np.random.RandomState(1).uniform(0.5, 2.0, size=80)
    train = Dataset(X, Y_loss, sw)
    problem = _problem(loss=loss, n_outputs=Y_loss.shape[1])
    constant = np.zeros(problem.network.layout.n_params)
    mean = sw @ Y_loss / sw.sum()
    problem.network.layout.intercepts(constant)[-1][...] = inverse_link(mean)
    data_loss, penalty_value = _terms(problem, constant, train)
    assert penalty_value == 0
    stochastic = _stochastic_run(problem, train)
    assert stochastic.constant_loss() == pytest.approx(data_loss, rel=1e-12)


@pytest.mark.parametrize(
    "excess, tol, stalled",
    [(0.02, 1e-4, True), (0.005, 1e-4, False), (0.02, 0.1, False), (2.0, 0.1, True)],
)
def test_stalled_is_clearly_worse_than_the_constant_model(excess, tol, stalled):
    """Worse by more than tol and than STALL_MARGIN (1%) of the constant
    model's loss; never on a validation score, nor when a constant fits."""
    stochastic = _stochastic_run(_problem(), TRAIN)
    null = stochastic.constant_loss()
    stochastic.run.stopping.best_loss = null * (1 + excess)
    assert stochastic.stalled(tol) is stalled
    stochastic.run.stopping.on_validation = True
    assert not stochastic.stalled(tol)
    # one class: the constant is perfect, reached only as the biases diverge
    one_class = _stochastic_run(
        _problem(loss="binary_log_loss"), Dataset(X, np.ones((80, 1)))
    )
    one_class.run.stopping.best_loss = 10.0
    assert one_class.constant_loss() == pytest.approx(0, abs=1e-12)
    assert not one_class.stalled(tol)


# -- faults ----------------------------------------------------------------------------


def _last_finite_iterate(solver, problem, learning_rate):
    """The weights after j full-batch epochs, for the last j whose weights
    have a finite J and a sane data loss, at most ``DIVERGENCE_FACTOR`` times
    the starting weights' (found by fits of 0, 1, 2, ... epochs that do not
    diverge themselves)."""
    start = _terms(problem, _initial_params(problem))[0]
    last = None
    for n_epochs in range(50):
        params = _initial_params(problem)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            _fit(
                solver,
                problem,
                params,
                _config(max_iter=n_epochs),
                learning_rate_init=learning_rate,
            )
        if any("diverged" in str(w.message) for w in caught):
            break
        data_loss, penalty_value = _terms(problem, params)
        if not np.isfinite(data_loss + penalty_value):
            break
        if data_loss > DIVERGENCE_FACTOR * start:
            break
        last = params
    return last


@pytest.mark.parametrize(
    "solver, learning_rate, what",
    [
        ("sgd", 10.0, "the loss grew to"),
        ("adam", 1e200, "the weights overflowed"),
    ],
)
def test_divergence_rolls_back_to_the_last_finite_weights(solver, learning_rate, what):
    problem = _problem(activation="relu", alpha=1e-3)
    params = _initial_params(problem)
    with np.errstate(all="ignore"):
        with pytest.warns(ConvergenceWarning, match=f"diverged \\({what}"):
            history, _ = _fit(
                solver,
                problem,
                params,
                _config(max_iter=50),
                learning_rate_init=learning_rate,
            )
        assert history.n_iter < 50
        assert len(history.loss_curve) == history.n_iter
        assert np.isfinite(history.loss_curve).all()
        expected = _last_finite_iterate(solver, problem, learning_rate)
    assert_array_equal(params, expected)


def test_after_a_rollback_the_last_record_describes_the_weights_kept():
    """As after any fit (test_objective_decreases_and_the_last_record_is_j):
    the penalty part of the last record is alpha * R at the returned weights."""
    problem = _problem(activation="relu", alpha=1e-3)
    params = _initial_params(problem)
    with np.errstate(all="ignore"):
        history, _ = _quiet_fit(
            "sgd", problem, params, _config(max_iter=50), learning_rate_init=10.0
        )
        _, penalty_value = _terms(problem, params)
    assert history.n_iter > 0
    assert_allclose(
        history.loss_curve[-1] - history.data_loss_curve[-1],
        penalty_value,
        rtol=1e-10,
    )


def test_lbfgs_l1_warm_start_leaves_no_tiny_weights():
    """Regression: warm-started next to the optimum w = 0 (as along a path),
    L-BFGS-B stopped at once, its projected gradient below tol, and left the
    weights at 1e-6 instead of exactly zero."""
    problem = _problem(penalty="l1", hidden=(), alpha=1.0)
    alpha_max = np.abs(X.T @ (Y - Y.mean())).max() / len(Y)
    problem.alpha = 2 * alpha_max
    params = np.full(problem.network.layout.n_params, 1e-6)
    params[-1] = Y.mean()  # the intercept at its optimum
    _fit("lbfgs", problem, params, _config())
    assert_array_equal(params[:-1], 0)


# -- constraints -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "constraints",
    [Constraints(max_norm=0.5), Constraints(weight_clip=0.05), Constraints(0.5, 0.2)],
    ids=["max_norm", "weight_clip", "both"],
)
@pytest.mark.parametrize("penalty", [None, "l2", "l1", "group_lasso"], ids=str)
@pytest.mark.parametrize("solver", SOLVERS)
def test_constraints_hold_after_every_solver(solver, penalty, constraints):
    # inputs scaled up so that the constraints bind; alpha small enough that
    # L1 does not zero a network whose weights start clipped to 0.05
    train = Dataset(3 * X, Y)
    problem = _problem(penalty=penalty, alpha=1e-4, hidden=(16, 8))
    params = _initial_params(problem)
    config = _config(max_iter=60, constraints=constraints)
    _quiet_fit(solver, problem, params, config, train=train)
    n_binding = 0
    for W in problem.network.layout.coefs(params):
        if constraints.max_norm is not None:
            norms = np.linalg.norm(W, axis=0)
            assert np.all(norms <= constraints.max_norm * (1 + 1e-12))
            n_binding += np.isclose(norms, constraints.max_norm, rtol=1e-9).sum()
        if constraints.weight_clip is not None:
            assert np.all(np.abs(W) <= constraints.weight_clip)
            n_binding += (np.abs(W) == constraints.weight_clip).sum()
    assert n_binding > 0  # the constraint did bind: the test tests something


@pytest.mark.parametrize(
    "constraints",
    [Constraints(max_norm=0.01), Constraints(weight_clip=0.01)],
    ids=["max_norm", "weight_clip"],
)
@pytest.mark.parametrize("solver", SOLVERS)
def test_constraints_leave_the_biases_free(solver, constraints):
    """Targets far from zero: the output bias must grow well past the bound."""
    train = Dataset(X, Y + 10)
    problem = _problem(hidden=(4,))
    params = _initial_params(problem)
    config = _config(max_iter=300, constraints=constraints)
    _quiet_fit(solver, problem, params, config, train=train, learning_rate_init=0.1)
    output_bias = problem.network.layout.intercepts(params)[-1]
    assert np.all(np.abs(output_bias) > 1.0)


# -- the pieces of a stochastic epoch --------------------------------------------------


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_batches_cover_every_row_once_per_epoch(weighted, sparse):
    rng = np.random.RandomState(0)
    Xd = np.arange(20.0).reshape(10, 2)
    Yd = np.arange(10.0).reshape(10, 1)
    sw = rng.uniform(0.5, 2.0, size=10) if weighted else None
    data = Dataset(sp.csr_matrix(Xd) if sparse else Xd, Yd, sw)
    batches = Batches(
        data,
        4,
        np.dtype(np.float64),
        shuffle=True,
        rng=rng,
        dropout=0.0,
        hidden_units=[3],
    )
    orders = []
    for _ in range(2):
        rows, total = [], 0.0
        for Xb, Yb, swb, weight, masks in batches:
            Xb = Xb.toarray() if sparse else Xb
            idx = Yb[:, 0].astype(int)
            rows.extend(idx)
            assert_array_equal(Xb, Xd[idx])
            raw = np.ones(len(idx)) if sw is None else sw[idx]
            assert_allclose(swb, raw / raw.sum(), rtol=1e-15)
            assert_allclose(weight, raw.sum(), rtol=1e-15)
            assert masks is None
            total += weight
        assert sorted(rows) == list(range(10))
        assert_allclose(total, batches.weight_total, rtol=1e-15)
        orders.append(rows)
    assert orders[0] != orders[1]  # reshuffled every epoch
    assert [len(b[1]) for b in batches] == [4, 4, 2]


def test_batches_skip_a_batch_whose_weights_are_all_zero():
    sw = np.array([0.0, 0.0, 1.0, 2.0])
    data = Dataset(np.eye(4), np.arange(4.0).reshape(4, 1), sw)
    batches = Batches(
        data,
        2,
        np.dtype(np.float64),
        shuffle=False,
        rng=None,
        dropout=0.0,
        hidden_units=[],
    )
    with np.errstate(invalid="ignore"):  # the skipped batch's 0 / 0
        yielded = [Yb[:, 0].tolist() for _, Yb, _, _, _ in batches]
    assert yielded == [[2.0, 3.0]]


def test_one_batch_is_the_data_itself():
    data = Dataset(X, Y)
    batches = Batches(
        data,
        80,
        np.dtype(np.float64),
        shuffle=True,
        rng=np.random.RandomState(0),
        dropout=0.5,
        hidden_units=[6, 3],
    )
    [(Xb, Yb, swb, weight, masks)] = list(batches)
    assert Xb is X and Yb is Y  # no copy, no shuffle
    assert_array_equal(swb, UNIFORM)
    assert weight == 80
    assert [m.shape for m in masks] == [(80, 6), (80, 3)]


def test_dropout_masks_are_inverted_dropout():
    rng = np.random.RandomState(0)
    masks = dropout_masks(rng, 4000, [5, 3], 0.25, np.dtype(np.float64))
    assert [m.shape for m in masks] == [(4000, 5), (4000, 3)]
    for m in masks:
        assert set(np.unique(m)) == {0.0, 1 / 0.75}
        # kept units are scaled so that the expected activation is unchanged
        assert_allclose(m.mean(), 1.0, atol=0.03)
    out = [np.empty((10, 5)), np.empty((10, 3))]
    again = dropout_masks(
        np.random.RandomState(0), 10, [5, 3], 0.25, np.dtype(np.float64), out=out
    )
    assert all(a is b for a, b in zip(again, out, strict=True))
    assert_array_equal(out[0], masks[0][:10])


@pytest.mark.parametrize("solver", SOLVERS)
def test_float32_stays_float32(solver):
    problem = _problem(penalty="group_lasso")
    params = _initial_params(problem, dtype=np.float32)
    train = Dataset(X.astype(np.float32), Y.astype(np.float32))
    history, _ = _quiet_fit(solver, problem, params, _config(max_iter=20), train=train)
    assert params.dtype == np.float32
    assert all(type(v) is float for v in history.loss_curve)
    reference = _initial_params(problem)
    _quiet_fit(solver, problem, reference, _config(max_iter=20))
    assert_allclose(params, reference, rtol=1e-2, atol=1e-3)


# -- the full-batch objective over row chunks ------------------------------------

#: loss -> (number of outputs, the targets of the 80 rows of X)
_CHUNK_TARGETS = {
    "squared_error": (2, lambda rng: rng.normal(size=(80, 2))),
    "poisson": (1, lambda rng: rng.poisson(2.0, size=(80, 1)).astype(float)),
    "binary_log_loss": (1, lambda rng: rng.randint(0, 2, size=(80, 1)).astype(float)),
    "log_loss": (3, lambda rng: np.eye(3)[rng.randint(0, 3, size=80)]),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
@pytest.mark.parametrize("loss", list(_CHUNK_TARGETS))
def test_chunked_objective_equals_one_chunk(loss, sparse, dtype):
    # 80 rows in chunks of 7 (the last of 3), weighted: the objective and
    # its gradient are those over one chunk, up to the order of summation
    from skregnet._full_batch import FullBatchObjective

    n_out, make_y = _CHUNK_TARGETS[loss]
    rng = np.random.RandomState(1)
    problem = _problem(loss=loss, n_outputs=n_out, hidden=(5, 4))
    params = _initial_params(problem, dtype=dtype)
    params[problem.n_coef :] = rng.normal(scale=0.1, size=params.size - problem.n_coef)
    Xd = np.where(rng.uniform(size=X.shape) < 0.5, 0.0, X).astype(dtype)
    data = Dataset(
        sp.csr_matrix(Xd) if sparse else Xd,
        make_y(rng).astype(dtype),
        rng.uniform(0.5, 2.0, size=80),
    )
    results = []
    for chunk_rows in (1000, 7):
        objective = FullBatchObjective(problem, data, params, chunk_rows=chunk_rows)
        data_loss, smooth, grad = objective.smooth(params)
        results.append((data_loss, smooth, grad.copy()))
    (d1, s1, g1), (d7, s7, g7) = results
    rel = 1e-12 if dtype == np.float64 else 1e-5
    assert g7.dtype == dtype
    assert d7 == pytest.approx(d1, rel=rel)
    assert s7 == pytest.approx(s1, rel=rel)
    assert_allclose(g7, g1, rtol=rel, atol=rel * np.abs(g1).max())
    # and the data term is Network.data_loss's
    sw = data.normalized_weights(dtype)
    assert problem.network.data_loss(params, data.X, data.Y, sw) == pytest.approx(
        d1, rel=rel
    )


# -- memory ----------------------------------------------------------------------------


def _peak_extra_bytes(fn):
    """The peak memory ``fn()`` allocates (tracemalloc: NumPy reports its
    arrays), beyond what was allocated before."""
    import tracemalloc

    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        fn()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    "params",
    [
        dict(solver="lbfgs"),
        dict(solver="lbfgs", penalty="group_lasso"),  # FISTA
        # ends at max_iter: its warning checks the scale
        dict(solver="adam", batch_size=1000),
    ],
    ids=["lbfgs", "fista", "adam"],
)
def test_a_fit_holds_no_array_of_the_data_s_length_times_the_width(params):
    """Issue 12: the full-batch objective, the data term, the stall check and
    the unscaled-inputs hint run over row chunks. On 100k x 40 rows and a
    (64,)-network an n x width array alone would be 1.3 x X; the targets (3
    classes), the weights and one chunk's work arrays are well under 0.3 x X."""
    from skregnet import RegMLPClassifier

    rng = np.random.RandomState(0)
    X = rng.randn(100_000, 40) * 50  # unscaled: the hint's pass too
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)
    model = RegMLPClassifier((64,), max_iter=2, random_state=0, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        peak = _peak_extra_bytes(lambda: model.fit(X, y))
    assert model.n_iter_ >= 1
    assert peak < 0.3 * X.nbytes
    # prediction: the output (n x 3, 0.075 x X) and one chunk's arrays
    peak = _peak_extra_bytes(lambda: model.predict_proba(X))
    assert peak < 0.2 * X.nbytes
