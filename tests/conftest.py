"""Shared pytest fixtures: the seed, and the data sets used by several files."""

from types import SimpleNamespace

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler


@pytest.fixture
def seed():
    """The seed of every random generator in the tests."""
    return 0


@pytest.fixture(scope="session")
def noisy_classification():
    """200 rows, 40 standardized features: the first 5 informative, 35 noise.

    ``X``, ``y``, and the indices ``informative`` and ``noise``: a feature
    selection problem for group lasso.
    """
    n_informative = 5
    X, y = make_classification(
        n_samples=200,
        n_features=40,
        n_informative=n_informative,
        n_redundant=0,
        n_repeated=0,
        n_clusters_per_class=1,
        shuffle=False,
        random_state=0,
    )
    return SimpleNamespace(
        X=StandardScaler().fit_transform(X),
        y=y,
        informative=np.arange(n_informative),
        noise=np.arange(n_informative, X.shape[1]),
    )
