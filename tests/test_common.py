"""scikit-learn's estimator checks, with no expected failures."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skregnet import RegMLPClassifier, RegMLPRegressor

ESTIMATORS = [
    RegMLPClassifier(),
    RegMLPRegressor(),
    RegMLPClassifier((), solver="lbfgs", penalty="l1", alpha=0.01, tol=1e-8),
    RegMLPClassifier((10,), solver="lbfgs", alpha=0.01, tol=1e-8, max_iter=1000),
    RegMLPRegressor(solver="lbfgs", penalty="group_lasso", alpha=0.01),
    RegMLPClassifier(dropout=0.2, max_norm=3.0, penalty="group_lasso"),
    RegMLPRegressor(alpha_schedule="inverse_loss", weight_clip=1.0, weight_decay=0.01),
    RegMLPRegressor(solver="sgd", penalty="elasticnet", init="glorot_normal"),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
