"""The parameters, written once: signatures, constraints and docstrings agree.

scikit-learn needs an explicit ``__init__`` signature in every estimator, so
the parameter list is written in ``BaseRegMLP``, ``RegMLPRegressor`` and the
two CV estimators; ``skregnet/_docs.py`` documents each name once. These
tests keep the copies honest.
"""

import inspect

import numpy as np
import pytest
from numpydoc.docscrape import ClassDoc
from sklearn.datasets import load_iris

from skregnet import (
    RegMLPClassifier,
    RegMLPClassifierCV,
    RegMLPRegressor,
    RegMLPRegressorCV,
)
from skregnet._base import BaseRegMLP
from skregnet._docs import ATTRIBUTES

ESTIMATORS = [RegMLPClassifier, RegMLPRegressor]
CV_ESTIMATORS = {
    RegMLPClassifierCV: RegMLPClassifier,
    RegMLPRegressorCV: RegMLPRegressor,
}
ALL = [*ESTIMATORS, *CV_ESTIMATORS]
#: the parameters of the CV estimators that the estimators they wrap have not
CV_ONLY = [
    "alphas",
    "alpha_min_ratio",
    "cv",
    "scoring",
    "n_jobs",
    "refit",
    "alpha_rule",
]


def _signature(cls):
    return {
        name: p
        for name, p in inspect.signature(cls.__init__).parameters.items()
        if name != "self"
    }


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_constraints_cover_exactly_the_signature(cls):
    assert set(cls._parameter_constraints) == set(_signature(cls))


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_signature_is_keyword_only_after_hidden_layer_sizes(cls):
    params = list(_signature(cls).values())
    assert params[0].name == "hidden_layer_sizes"
    assert params[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params[1:])


def test_the_four_signatures_agree():
    base = _signature(BaseRegMLP)
    classifier, regressor = _signature(RegMLPClassifier), _signature(RegMLPRegressor)
    # the shared parameters, then each estimator's own
    assert list(classifier) == [*base, "class_weight"]
    assert list(regressor) == [*base, "loss"]
    for name, parameter in base.items():
        assert classifier[name].default == parameter.default
        assert regressor[name].default == parameter.default
    for cv_cls, wrapped in CV_ESTIMATORS.items():
        cv, inner = _signature(cv_cls), _signature(wrapped)
        # hidden_layer_sizes, the CV's own parameters, then the wrapped
        # estimator's in its order, without alpha (the CV chooses it)
        shared = [name for name in inner if name not in ("hidden_layer_sizes", "alpha")]
        assert list(cv) == ["hidden_layer_sizes", *CV_ONLY, *shared]
        for name in ["hidden_layer_sizes", *shared]:
            assert cv[name].default == inner[name].default, name


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_docstring_documents_the_signature_in_order(cls):
    documented = [p.name for p in ClassDoc(cls)["Parameters"]]
    assert documented == list(_signature(cls))


@pytest.mark.parametrize("cv_cls", CV_ESTIMATORS, ids=lambda c: c.__name__)
def test_cv_forwards_every_parameter_of_the_wrapped_estimator(cv_cls):
    # a non-default value for every forwarded parameter that takes one
    changed = dict(activation="tanh", penalty="l1", max_iter=7, tol=1e-3, beta_1=0.5)
    if cv_cls is RegMLPRegressorCV:
        changed["loss"] = "poisson"
    else:
        changed["class_weight"] = "balanced"
    cv = cv_cls((3,), **changed)
    inner = cv._make_estimator()
    assert type(inner) is CV_ESTIMATORS[cv_cls]
    expected = {
        name: value for name, value in cv.get_params().items() if name not in CV_ONLY
    }
    forwarded = inner.get_params()
    alpha = forwarded.pop("alpha")
    assert forwarded == expected
    assert alpha == RegMLPClassifier().alpha


def _fitted_attributes(model):
    return {n for n in vars(model) if n.endswith("_") and not n.startswith("_")}


X, y = load_iris(return_X_y=True)


@pytest.mark.parametrize(
    "model",
    [
        RegMLPClassifier((3,), max_iter=5).fit(X, y),
        RegMLPRegressor((3,), max_iter=5).fit(X[:, :3], X[:, 3]),
        RegMLPClassifierCV((3,), alphas=[1e-3, 1e-2], cv=2, max_iter=5).fit(X, y),
        RegMLPRegressorCV((3,), alphas=[1e-3, 1e-2], cv=2, max_iter=5).fit(
            X[:, :3], X[:, 3]
        ),
    ],
    ids=lambda m: type(m).__name__,
)
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_documented_attributes_are_the_fitted_ones(model):
    documented = {a.name for a in ClassDoc(type(model))["Attributes"]}
    properties = {"feature_importances_"}
    optional = {"feature_names_in_"}  # only when X has feature names
    assert _fitted_attributes(model) | properties | optional == documented
    assert documented <= set(ATTRIBUTES)
    # the CV estimators expose their refit model's fitted attributes
    if hasattr(model, "best_estimator_"):
        inner = _fitted_attributes(model.best_estimator_)
        assert inner <= _fitted_attributes(model)
        for name in inner - {"n_features_in_"}:
            value = getattr(model, name)
            assert value is getattr(model.best_estimator_, name) or np.array_equal(
                value, getattr(model.best_estimator_, name)
            )
