"""Evidence: skregnet's defaults against scikit-learn's, with and without scaling.

Run from the repository root::

    python benchmarks/bench_defaults.py                    # the full table (~3 min)
    python benchmarks/bench_defaults.py --datasets wine    # some datasets only
    python benchmarks/bench_defaults.py --ours init=glorot_uniform alpha=5e-7
    python benchmarks/bench_defaults.py --both max_iter=2000

The default ``RegMLPClassifier()`` / ``RegMLPRegressor()`` against the default
``MLPClassifier()`` / ``MLPRegressor()``, each alone (the raw features) and
behind a ``StandardScaler`` (a ``Pipeline``), on ``load_iris``, ``load_wine``,
``load_breast_cancer``, ``load_digits`` (accuracy) and ``load_diabetes``,
``make_friedman1(n_samples=500, random_state=0)`` (R^2). Each cell is 5-fold
cross-validation (``StratifiedKFold`` / ``KFold`` with ``shuffle=True,
random_state=0``); in fold ``k`` both estimators get ``random_state=k``, so the
two are compared on the same splits, fold by fold.

Columns: the mean and standard deviation over the folds of each score; ``diff``,
the mean of the paired differences (ours minus theirs) and its standard error
(std of the differences / sqrt(5)); the verdict: ``ok`` when
``diff >= -max(2 * se, 0.005)`` (no worse beyond split noise), ``BETTER`` when
``diff > max(2 * se, 0.005)``, ``WORSE`` otherwise; ``warned``, in how many
folds each fit gave a warning (ours / theirs; ``ConvergenceWarning`` or the
unscaled-inputs warning), since a bad fit that says so is not a silent one.

``--ours name=value`` (repeatable) changes our estimator's parameters, to
measure an alternative default side by side with scikit-learn's; ``--both``
changes both estimators' (say ``max_iter``, to compare converged fits). BLAS is
limited to one thread; ``--n-jobs 2`` runs the folds in two processes.
"""

import argparse
import ast
import os
import platform
import statistics
import sys
import time
import warnings

import numpy as np
import sklearn
from joblib import Parallel, delayed
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
    make_friedman1,
)
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

import skregnet
from skregnet import RegMLPClassifier, RegMLPRegressor

N_SPLITS = 5
#: the smallest difference that counts: half a percentage point (of accuracy
#: or R^2)
MIN_EFFECT = 0.005


def _friedman1():
    return make_friedman1(n_samples=500, random_state=0)


# name -> (loader, is a classification task)
DATASETS = {
    "iris": (lambda: load_iris(return_X_y=True), True),
    "wine": (lambda: load_wine(return_X_y=True), True),
    "breast_cancer": (lambda: load_breast_cancer(return_X_y=True), True),
    "digits": (lambda: load_digits(return_X_y=True), True),
    "diabetes": (lambda: load_diabetes(return_X_y=True), False),
    "friedman1": (_friedman1, False),
}


def _model(estimator, scaled):
    return make_pipeline(StandardScaler(), estimator) if scaled else estimator


def _fit_score(model, X, y, train, test):
    """The test score of ``model`` fitted on the train rows, and whether the
    fit warned (a ConvergenceWarning or any UserWarning)."""
    with threadpool_limits(1), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X[train], y[train])
        score = model.score(X[test], y[test])
    return score, bool(caught)


def _one_fold(name, scaled, fold, train, test, ours_params, theirs_params):
    load, classification = DATASETS[name]
    X, y = load()
    ours_cls, theirs_cls = (
        (RegMLPClassifier, MLPClassifier)
        if classification
        else (RegMLPRegressor, MLPRegressor)
    )
    ours = _model(ours_cls(random_state=fold, **ours_params), scaled)
    theirs = _model(theirs_cls(random_state=fold, **theirs_params), scaled)
    return (
        name,
        scaled,
        _fit_score(ours, X, y, train, test),
        _fit_score(theirs, X, y, train, test),
    )


def _tasks(names, ours_params, theirs_params):
    for name in names:
        load, classification = DATASETS[name]
        X, y = load()
        splitter = (StratifiedKFold if classification else KFold)(
            N_SPLITS, shuffle=True, random_state=0
        )
        splits = list(splitter.split(X, y))
        for scaled in (False, True):
            for fold, (train, test) in enumerate(splits):
                yield delayed(_one_fold)(
                    name, scaled, fold, train, test, ours_params, theirs_params
                )


def verdict(ours, theirs):
    """``(mean difference, its standard error, verdict)`` of paired scores."""
    diff = np.asarray(ours) - np.asarray(theirs)
    se = diff.std(ddof=1) / np.sqrt(diff.size)
    margin = max(2 * se, MIN_EFFECT)
    if diff.mean() > margin:
        word = "BETTER"
    elif diff.mean() >= -margin:
        word = "ok"
    else:
        word = "WORSE"
    return diff.mean(), se, word


def _table(results, names):
    cells = {}
    for name, scaled, (ours, ours_warned), (theirs, theirs_warned) in results:
        cell = cells.setdefault((name, scaled), ([], [], [], []))
        for column, value in zip(
            cell, (ours, theirs, ours_warned, theirs_warned), strict=True
        ):
            column.append(value)
    header = (
        f"{'dataset':<14}{'scaled':<8}{'ours':>16}{'theirs':>16}"
        f"{'diff (se)':>18}  {'verdict':<8}{'warned':>8}"
    )
    lines = [header, "-" * len(header)]
    for name in names:
        for scaled in (False, True):
            ours, theirs, ours_warned, theirs_warned = cells[name, scaled]
            mean, se, word = verdict(ours, theirs)
            lines.append(
                f"{name:<14}{'yes' if scaled else 'no':<8}"
                f"{statistics.mean(ours):>9.3f} ± {statistics.stdev(ours):.3f}"
                f"{statistics.mean(theirs):>9.3f} ± {statistics.stdev(theirs):.3f}"
                f"{mean:>+11.3f} ({se:.3f})  {word:<8}"
                f"{sum(ours_warned):>4}/{sum(theirs_warned)}"
            )
    return "\n".join(lines)


def _parse_params(pairs):
    params = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        try:
            params[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[key] = value
    return params


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--ours", nargs="*", default=[], metavar="NAME=VALUE")
    parser.add_argument("--both", nargs="*", default=[], metavar="NAME=VALUE")
    parser.add_argument("--n-jobs", type=int, default=1)
    args = parser.parse_args(argv)
    names = args.datasets.split(",")
    theirs_params = _parse_params(args.both)
    ours_params = {**theirs_params, **_parse_params(args.ours)}
    print(
        f"skregnet {skregnet.__version__}, scikit-learn {sklearn.__version__}, "
        f"numpy {np.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, BLAS threads 1, n_jobs {args.n_jobs}"
    )
    print(f"ours: RegMLP*(**{ours_params!r}), theirs: MLP*(**{theirs_params!r})")
    start = time.perf_counter()
    results = Parallel(n_jobs=args.n_jobs)(_tasks(names, ours_params, theirs_params))
    print(_table(results, names))
    print(f"{time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
