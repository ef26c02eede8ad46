"""scikit-learn's estimator checks, for every estimator of the package.

The estimators with their default parameters pass every check, and so do
the two CV estimators. Two non-default configurations cannot pass the
sample-weight equivalence checks (weighting a sample by k must equal
repeating it k times), for reasons of principle, and say so here:

- dropout draws one mask per row, so k copies of a row get k masks where a
  weighted row gets one;
- L-BFGS-B on a non-convex network stops where its line search cannot make
  progress, and the rounding differences between summing k copies and
  weighting by k move that point (the linear, convex lbfgs instance and the
  FISTA-solved instances, group lasso or max_norm, pass).
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skregnet import (
    RegMLPClassifier,
    RegMLPClassifierCV,
    RegMLPRegressor,
    RegMLPRegressorCV,
)
from skregnet._constraints import Constraints
from skregnet._penalties import make_penalty
from skregnet._solvers import SOLVERS


class _Halving:
    """alpha_t = alpha / 2**t, with a stable repr for pytest-xdist's test ids."""

    def __call__(self, epoch, data_loss, alpha):
        return alpha / 2**epoch

    def __repr__(self):
        return "halving"


ESTIMATORS = [
    RegMLPClassifier(),
    RegMLPRegressor(),
    RegMLPClassifier((), solver="lbfgs", penalty="l1", alpha=0.01, tol=1e-8),
    RegMLPClassifier((10,), solver="lbfgs", alpha=0.01, tol=1e-8, max_iter=1000),
    RegMLPRegressor(solver="lbfgs", penalty="group_lasso", alpha=0.01),
    RegMLPClassifier(solver="lbfgs", max_norm=2.0, weight_clip=1.0, penalty="l1"),
    RegMLPClassifier(dropout=0.2, max_norm=3.0, penalty="group_lasso"),
    RegMLPRegressor(alpha_schedule="inverse_loss", weight_clip=1.0, weight_decay=0.01),
    RegMLPRegressor(
        solver="sgd", momentum=0.0, weight_decay=1e-3, alpha_schedule=_Halving()
    ),
    RegMLPRegressor(solver="sgd", penalty="elasticnet", init="glorot_normal"),
    # the CV estimators: near their defaults, a data-driven grid (group lasso
    # on a linear model), and the one-standard-error rule on an l1 grid
    RegMLPClassifierCV((16,), alphas=[1e-4, 1e-2], cv=2),
    RegMLPRegressorCV((16,), alphas=[1e-4, 1e-2], cv=2),
    RegMLPRegressorCV(
        (),
        alphas=3,
        alpha_min_ratio=0.1,
        cv=3,
        penalty="group_lasso",
        learning_rate_init=0.05,
        max_iter=50,
    ),
    RegMLPClassifierCV(
        (4,),
        alphas=3,
        cv=3,
        penalty="l1",
        learning_rate_init=0.05,
        max_iter=50,
        alpha_rule="1se",
    ),
]

SAMPLE_WEIGHT_CHECKS = (
    "check_sample_weight_equivalence_on_dense_data",
    "check_sample_weight_equivalence_on_sparse_data",
)


def _full_batch_method(params):
    """The method ``solver='lbfgs'`` runs for these parameters (the CV
    estimators' alphas are all > 0)."""
    penalty = make_penalty(params["penalty"], coef_shapes=None)
    constraints = Constraints(params["max_norm"], params["weight_clip"])
    return SOLVERS["lbfgs"].method(penalty, params.get("alpha", 1.0), constraints)


def _expected_failed_checks(estimator):
    params = estimator.get_params()
    if params["dropout"] > 0:
        reason = "dropout draws one mask per row: repeating a row is not weighting it"
    elif (
        params["solver"] == "lbfgs"
        and params["hidden_layer_sizes"] != ()
        and _full_batch_method(params) == "L-BFGS-B"
    ):
        reason = "L-BFGS-B on a non-convex network stops where rounding leads it"
    else:
        return {}
    return dict.fromkeys(SAMPLE_WEIGHT_CHECKS, reason)


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_defaults_have_no_expected_failures():
    for Estimator in (
        RegMLPClassifier,
        RegMLPRegressor,
        RegMLPClassifierCV,
        RegMLPRegressorCV,
    ):
        assert _expected_failed_checks(Estimator()) == {}
