"""Scaling out: the searches under ``joblib.parallel_backend("dask")``.

A real ``dask.distributed.LocalCluster`` with two worker processes (nothing
mocked) runs ``GridSearchCV(RegMLPClassifier)`` and ``RegMLPClassifierCV``;
the results must equal those of joblib's default backend, and the workers'
task stream must show that the fits ran there.
"""

import joblib
import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from skregnet import RegMLPClassifier, RegMLPClassifierCV

distributed = pytest.importorskip("dask.distributed")

X, y = make_classification(n_samples=120, n_features=6, random_state=0)
ALPHAS = [1e-4, 1e-2, 1e-1]
NET = dict(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=50, random_state=0)
CV = StratifiedKFold(3, shuffle=True, random_state=0)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=40,
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def _searches():
    grid = GridSearchCV(RegMLPClassifier(**NET), {"alpha": ALPHAS}, cv=CV)
    path = RegMLPClassifierCV(alphas=ALPHAS, cv=CV, **NET)
    return grid, path


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_dask_backend_gives_the_default_backends_result(client):
    local = [search.fit(X, y) for search in _searches()]
    with distributed.get_task_stream(client) as stream:
        with joblib.parallel_backend("dask"):
            remote = [search.fit(X, y) for search in _searches()]
    # the folds ran on the cluster's workers
    assert len(stream.data) >= 2 * CV.get_n_splits()
    assert {task["worker"] for task in stream.data} <= set(
        client.scheduler_info()["workers"]
    )
    for a, b in zip(local, remote, strict=True):
        for key in ["mean_test_score", "std_test_score", "rank_test_score"]:
            assert_array_equal(a.cv_results_[key], b.cv_results_[key])
        assert a.best_score_ == b.best_score_
        assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    grid, path = remote
    assert path.alpha_ in ALPHAS and grid.best_params_["alpha"] in ALPHAS
    # the first alpha of every fold's path is an independent fit
    assert_array_equal(
        grid.cv_results_["split0_test_score"][0],
        path.cv_results_["split0_test_score"][0],
    )
    assert np.isfinite(path.best_score_)
