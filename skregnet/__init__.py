"""skregnet: scikit-learn compatible neural networks with first-class
regularization (penalty, its strength alpha, how alpha changes while training)
and weight initialization."""

from skregnet._cv import RegMLPClassifierCV, RegMLPRegressorCV
from skregnet._inspection import layer_statistics
from skregnet._mlp import RegMLPClassifier, RegMLPRegressor
from skregnet._path import regmlp_path
from skregnet._version import __version__

__all__ = [
    "RegMLPClassifier",
    "RegMLPClassifierCV",
    "RegMLPRegressor",
    "RegMLPRegressorCV",
    "__version__",
    "layer_statistics",
    "regmlp_path",
]
