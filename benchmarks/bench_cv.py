"""Benchmark: the warm-started path (``RegMLPClassifierCV``) against
``GridSearchCV(RegMLPClassifier)`` over the same alphas and folds.

Both searches use the same 10 alphas, the same 5 stratified folds, the same
network (one hidden layer of 32 ReLU units, L2 penalty) and the same solver
(Adam, default stopping rule), and both refit on all the data. The path fits
each fold's alphas in one go, from the weakest up, each fit warm-started from
the previous one; the grid search fits every (alpha, fold) from scratch.

Target: the path takes at most a third of the grid search's time, with a best
CV score no more than 0.5 percentage points below it.

Run ``python benchmarks/bench_cv.py`` (add ``--n-jobs -1`` to use all cores,
``--quick`` for a smoke run on smaller data). Each process uses one BLAS
thread; the CPU column (this process's CPU time) is only shown with
``--n-jobs 1`` and is steadier than wall time on a busy machine.

Where the time goes: each of the 5 fold paths and the refit path starts with
an ordinary fit at the weakest alpha (up to ``max_iter`` epochs, about half
of the path's cost); the 9 later points get at most ``max_iter // 10``
epochs each (``path_max_iter='auto'``). The grid search fits all 50
(alpha, fold) pairs from scratch, but its fits at strong alphas converge in
fewer epochs, and it refits once, at the best alpha.
"""

import argparse
import os
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skregnet import RegMLPClassifier, RegMLPClassifierCV

ALPHAS = np.geomspace(1e-5, 1e-1, 10)
NETWORK = dict(hidden_layer_sizes=(32,), solver="adam", penalty="l2", random_state=0)


def datasets(quick):
    X, y = load_digits(return_X_y=True)
    yield "load_digits", StandardScaler().fit_transform(X), y
    n = 4000 if quick else 20000
    X, y = make_classification(
        n_samples=n, n_features=50, n_informative=10, random_state=0
    )
    yield f"make_classification({n}x50)", StandardScaler().fit_transform(X), y


def timed_fit(search, X, y):
    """Wall and CPU seconds of ``search.fit`` (CPU: this process only, so
    only meaningful with ``n_jobs=1``; steadier on a busy machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    search.fit(X, y)
    return time.perf_counter() - wall, time.process_time() - cpu


def run_grid(X, y, cv, n_jobs):
    search = GridSearchCV(
        RegMLPClassifier(**NETWORK), {"alpha": ALPHAS}, cv=cv, n_jobs=n_jobs
    )
    seconds = timed_fit(search, X, y)
    return *seconds, search.best_params_["alpha"], search.best_score_


def run_path(X, y, cv, n_jobs):
    search = RegMLPClassifierCV(alphas=ALPHAS, cv=cv, n_jobs=n_jobs, **NETWORK)
    seconds = timed_fit(search, X, y)
    return *seconds, search.alpha_, search.best_score_


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    # the same for joblib's worker processes (ConvergenceWarning is a
    # UserWarning; the variable is read when a worker starts)
    os.environ["PYTHONWARNINGS"] = "ignore::UserWarning"
    # one BLAS thread per process: both searches then use the cores the same
    # way (through joblib's n_jobs), and the timings are steadier
    threadpool_limits(1)

    header = (
        f"{'dataset':30s} {'method':20s} {'seconds':>8s} {'cpu s':>7s} "
        f"{'best alpha':>10s} {'best CV score':>13s} {'time ratio':>10s}"
    )
    print(header)
    print("-" * len(header))
    for name, X, y in datasets(args.quick):
        cv = StratifiedKFold(5, shuffle=True, random_state=0)
        grid = run_grid(X, y, cv, args.n_jobs)
        path = run_path(X, y, cv, args.n_jobs)
        for method, (seconds, cpu, alpha, score) in [
            ("GridSearchCV", grid),
            ("RegMLPClassifierCV", path),
        ]:
            cpu = f"{cpu:7.1f}" if args.n_jobs == 1 else f"{'n/a':>7s}"
            print(
                f"{name:30s} {method:20s} {seconds:8.1f} {cpu} "
                f"{alpha:10.2e} {score:13.4f} {seconds / grid[0]:10.2f}"
            )
        ratio, gap = path[0] / grid[0], 100 * (grid[3] - path[3])
        verdict = "meets" if ratio <= 1 / 3 and gap <= 0.5 else "misses"
        cpu_ratio = f" (cpu {path[1] / grid[1]:.2f})" if args.n_jobs == 1 else ""
        print(
            f"{'':30s} -> time ratio {ratio:.2f}{cpu_ratio}, score {gap:.2f} pp "
            f"below the grid's: {verdict} the target (<= 0.33, <= 0.50 pp)"
        )


if __name__ == "__main__":
    main()
