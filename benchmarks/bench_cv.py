"""Benchmark: the warm-started path (``RegMLPClassifierCV``) against
``GridSearchCV(RegMLPClassifier)`` over the same alphas and folds.

The setting of issue 7: ``load_digits`` (StandardScaler), one hidden layer of
64 ReLU units, L2 penalty, ``max_iter=200``, 8 log-spaced alphas from 1e-5 to
1, 5 stratified folds, for ``adam``, ``sgd`` and ``lbfgs``. Both searches
refit on all the data, and both train every fit under the same stopping rule
(``tol``, ``n_iter_no_change``, ``max_iter``, the optimality residual of
``lbfgs``): the path only starts each point from the previous one's weights.

For each solver the table gives the time ratio (path / grid, on one BLAS
thread, fits run one after the other), the CV score of each search at every
alpha and their gap in percentage points, the epochs (iterations) of each
refit-path point, and how many fits of each search stopped unconverged
(ConvergenceWarnings are counted, not silenced: the grid's per fit, the
path's from its one summary warning per search). Targets (issue 7): time
ratio <= 0.5 for adam (goal 1/3), every per-alpha gap within 1 pp, best
score at most 0.5 pp below the grid's.

The work of each search is also counted, free of timing noise: the epochs
(iterations) of every fit times the rows it trained on, split into the fold
searches and the refit. An sgd / adam epoch costs the same in both searches
(same network, same batches), so for them the work ratio predicts the time
ratio; an lbfgs iteration may take several evaluations of the objective, more
often warm-started, so its time ratio can exceed its work ratio. The split
shows where the path's cost goes: the grid refits one model, while the path's
refit is the whole path on all the data (``path_`` holds every alpha of it).
Both searches count the epochs with a second metric (a scorer that returns
the fitted model's ``n_iter_``), as ``GridSearchCV`` evaluates any metric.

A second block repeats adam with ``max_iter=1000``, where the cold fits too
run until their stopping rule: at ``max_iter=200`` most of the grid's cold
fits at the middle alphas stop at the cap, unconverged, while the path's
points converge, so that setting compares a converged search against a
truncated one.

Run ``python benchmarks/bench_cv.py`` (``--quick``: 3 folds, 5 alphas, a
smoke run).
"""

import argparse
import re
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skregnet import RegMLPClassifier, RegMLPClassifierCV

SOLVERS = {
    "adam": {},
    "sgd": {"learning_rate_init": 0.01},
    "lbfgs": {},
}


def _counted(fit):
    """Run ``fit()``; return its seconds and its ConvergenceWarnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        start = time.perf_counter()
        result = fit()
        seconds = time.perf_counter() - start
    return result, seconds, [w for w in caught if w.category is ConvergenceWarning]


def _unconverged_path_points(caught):
    """The number of unconverged points the path's summary warning names."""
    for w in caught:
        found = re.match(r"(\d+) of \d+ path points", str(w.message))
        if found:
            return int(found.group(1))
    return 0


def _epochs(estimator, X, y):
    """A "metric" that returns the epochs (iterations) of the fitted model."""
    return estimator.n_iter_


SCORING = {"accuracy": "accuracy", "epochs": _epochs}


def _work(fold_epochs, refit_epochs, train_rows, n_rows):
    """Row-epochs: (fold searches, refit)."""
    return float(np.sum(fold_epochs * train_rows[:, None])), refit_epochs * n_rows


def run(X, y, solver, alphas, cv, max_iter):
    net = dict(
        hidden_layer_sizes=(64,),
        solver=solver,
        penalty="l2",
        max_iter=max_iter,
        random_state=0,
        **SOLVERS[solver],
    )
    grid, grid_s, grid_w = _counted(
        lambda: GridSearchCV(
            RegMLPClassifier(**net),
            {"alpha": alphas},
            cv=cv,
            scoring=SCORING,
            refit="accuracy",
        ).fit(X, y)
    )
    path, path_s, path_w = _counted(
        lambda: RegMLPClassifierCV(
            alphas=alphas, cv=cv, scoring=SCORING, refit="accuracy", **net
        ).fit(X, y)
    )
    train_rows = np.array([len(train) for train, _ in cv.split(X, y)])

    def fold_epochs(search):
        res = search.cv_results_
        return np.array([res[f"split{k}_test_epochs"] for k in range(len(train_rows))])

    return {
        "ratio": path_s / grid_s,
        "seconds": (path_s, grid_s),
        "grid_scores": grid.cv_results_["mean_test_accuracy"],
        "path_scores": path.cv_results_["mean_test_accuracy"],
        "work": (
            _work(fold_epochs(path), path.path_["n_iter"].sum(), train_rows, len(X)),
            _work(fold_epochs(grid), grid.best_estimator_.n_iter_, train_rows, len(X)),
        ),
        "best": (path.best_score_, grid.best_score_),
        "alpha": (path.alpha_, grid.best_params_["alpha"]),
        "epochs": path.path_["n_iter"],
        "converged": path.path_["converged"],
        "unconverged": (_unconverged_path_points(path_w), len(grid_w)),
        "n_grid_fits": len(alphas) * cv.get_n_splits() + 1,
        "n_path_points": len(alphas) * cv.get_n_splits() + len(path.path_["alpha"]),
    }


def report(solver, max_iter, alphas, r):
    gaps = 100 * (r["path_scores"] - r["grid_scores"])
    path_bad, grid_bad = r["unconverged"]
    best_gap = 100 * (r["best"][1] - r["best"][0])
    print(
        f"\n{solver}, max_iter={max_iter}: path {r['seconds'][0]:.1f} s, grid "
        f"{r['seconds'][1]:.1f} s, time ratio {r['ratio']:.2f}; best CV score "
        f"{r['best'][0]:.4f} (alpha {r['alpha'][0]:.2g}) vs {r['best'][1]:.4f} "
        f"(alpha {r['alpha'][1]:.2g}), {best_gap:+.2f} pp below the grid's"
    )
    print(
        f"  unconverged fits: path {path_bad} of {r['n_path_points']} points, grid "
        f"{grid_bad} of {r['n_grid_fits']} fits"
    )
    (path_folds, path_refit), (grid_folds, grid_refit) = r["work"]
    total = (path_folds + path_refit) / (grid_folds + grid_refit)
    print(
        f"  work (row-epochs) ratio {total:.2f}; the fold searches alone "
        f"{path_folds / grid_folds:.2f} (path {path_folds:.3g}, grid "
        f"{grid_folds:.3g}); refit: the path {path_refit:.3g}, the grid's one "
        f"model {grid_refit:.3g}"
    )
    print(f"  {'alpha':>9} {'grid':>7} {'path':>7} {'gap pp':>7} {'epochs':>7} conv")
    for k, alpha in enumerate(alphas):
        print(
            f"  {alpha:9.2g} {r['grid_scores'][k]:7.4f} {r['path_scores'][k]:7.4f} "
            f"{gaps[k]:+7.2f} {r['epochs'][k]:7d} "
            f"{'yes' if r['converged'][k] else 'no'}"
        )
    print(
        f"  max |gap| {np.abs(gaps).max():.2f} pp (target <= 1), best "
        f"{best_gap:+.2f} pp (target <= 0.5)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--solvers", default="adam,sgd,lbfgs")
    args = parser.parse_args()
    threadpool_limits(1)  # fits one after the other, on one core: steadier
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    n_alphas, n_folds = (5, 3) if args.quick else (8, 5)
    alphas = np.geomspace(1e-5, 1, n_alphas)
    cv = StratifiedKFold(n_folds, shuffle=True, random_state=0)
    print(f"load_digits {X.shape}, {n_folds} folds, alphas {np.round(alphas, 6)}")
    settings = [(s, 200) for s in args.solvers.split(",")]
    if "adam" in args.solvers and not args.quick:
        settings.append(("adam", 1000))
    for solver, max_iter in settings:
        report(solver, max_iter, alphas, run(X, y, solver, alphas, cv, max_iter))


if __name__ == "__main__":
    main()
