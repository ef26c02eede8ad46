"""Evidence: what each regularizer of skregnet does where a network overfits.

Run from the repository root::

    python benchmarks/bench_regularizers.py            # the full run (~5 min, 2 cores)
    python benchmarks/bench_regularizers.py --quick    # a short smoke run

Two deliberately overfitting settings, each a small training set and a large
held-out test set:

- ``digits``: 300 training rows of ``load_digits`` (64 pixels, 10 classes), the
  other 1497 rows to test;
- ``noisy``: ``make_classification`` with 100 features of which only the first
  10 are informative (the other 90 are pure noise; one cluster per class),
  300 rows to train, 2000 to test.

The same network, ``RegMLPClassifier((100,), solver="adam",
learning_rate_init=3e-3, max_iter=300)`` behind a ``StandardScaler``, is
trained with no regularization and with each regularizer in turn. Each
regularizer's strength (``alpha``, ``dropout``, ``max_norm`` or
``weight_decay``) is chosen by 5-fold ``GridSearchCV`` (accuracy) on the
training rows only, over a small grid (four or five values, alphas a decade
apart), and the refit model is scored on the test rows. Everything is repeated
over ``--repeats`` random splits and initializations (``random_state`` 0, 1,
...); the table shows means, and the standard deviation of the test accuracy
over the repeats.

Columns:

- ``chosen``: the grid value(s) GridSearchCV picked in each repeat;
- ``cv``: the best mean 5-fold CV accuracy; ``train`` / ``test``: accuracy of
  the refit model; ``gap``: train minus test, the overfitting; ``vs none``:
  test accuracy minus that of no regularization on the same split and
  initialization, mean and (standard deviation) over the repeats;
- ``|W|``: the Euclidean norm of all weights (biases excluded);
- ``zero w``: the share of weights that are exactly 0;
- ``zero feat``: input features whose whole first-layer row is exactly 0
  (dropped by the model); for ``noisy`` also ``inf kept``, how many of the 10
  informative features kept a nonzero row.

The strengths are not comparable across methods (``alpha`` of L1 and of L2
mean different things), which is why each gets its own grid.
"""

import argparse
import os
import platform
import statistics
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skregnet
from skregnet import RegMLPClassifier

NETWORK = dict(
    hidden_layer_sizes=(100,),
    solver="adam",
    learning_rate_init=3e-3,
    max_iter=300,
)
DECADES = [1e-4, 1e-3, 1e-2, 1e-1]

# name -> (fixed parameters, the parameter GridSearchCV tunes, its grid)
METHODS = {
    "none": (dict(penalty=None), None, [None]),
    "l2": (dict(penalty="l2"), "alpha", DECADES),
    "l1": (dict(penalty="l1"), "alpha", [1e-5, *DECADES]),
    "elasticnet": (dict(penalty="elasticnet"), "alpha", [1e-5, *DECADES]),
    "group_lasso": (dict(penalty="group_lasso"), "alpha", DECADES),
    "dropout": (dict(penalty=None), "dropout", [0.1, 0.3, 0.5, 0.7, 0.9]),
    "max_norm": (dict(penalty=None), "max_norm", [0.25, 0.5, 1.0, 2.0, 4.0]),
    "weight_decay": (dict(penalty=None), "weight_decay", [0.01, 0.1, 1.0, 10.0]),
    # alpha_t grows up to 1000 * alpha as the loss falls: a grid lower down
    "inverse_loss": (
        dict(penalty="l2", alpha_schedule="inverse_loss"),
        "alpha",
        [1e-5, 1e-4, 1e-3, 1e-2],
    ),
}
N_INFORMATIVE = 10


def digits(seed, n_train):
    X, y = load_digits(return_X_y=True)
    return train_test_split(
        X, y, train_size=n_train, stratify=y, random_state=seed
    ), None


def noisy(seed, n_train):
    X, y = make_classification(
        n_samples=n_train + 2000,
        n_features=100,
        n_informative=N_INFORMATIVE,
        n_redundant=0,
        n_repeated=0,
        n_clusters_per_class=1,
        shuffle=False,  # the informative features are the first ones
        random_state=seed,
    )
    split = train_test_split(X, y, train_size=n_train, stratify=y, random_state=seed)
    return split, np.arange(N_INFORMATIVE)


DATASETS = {"digits": digits, "noisy": noisy}


def evaluate(method, split, informative, seed, n_jobs, cv):
    """Tune one method by GridSearchCV on the training rows, test the refit."""
    X_train, X_test, y_train, y_test = split
    fixed, param, grid = METHODS[method]
    model = make_pipeline(
        StandardScaler(), RegMLPClassifier(random_state=seed, **NETWORK, **fixed)
    )
    key = f"regmlpclassifier__{param}"
    param_grid = {key: grid} if param else {}
    search = GridSearchCV(model, param_grid, cv=cv, n_jobs=n_jobs)
    start = time.perf_counter()
    search.fit(X_train, y_train)
    elapsed = time.perf_counter() - start
    est = search.best_estimator_[-1]
    coefs = est.coefs_
    n_weights = sum(W.size for W in coefs)
    dropped = ~coefs[0].any(axis=1)
    row = {
        "chosen": search.best_params_.get(key),
        "cv": search.best_score_,
        "train": search.score(X_train, y_train),
        "test": search.score(X_test, y_test),
        "norm": float(np.sqrt(sum((W**2).sum() for W in coefs))),
        "zero_w": sum(W.size - np.count_nonzero(W) for W in coefs) / n_weights,
        "zero_feat": int(dropped.sum()),
        "n_iter": est.n_iter_,
        "seconds": elapsed,
    }
    if informative is not None:
        row["inf_kept"] = int((~dropped[informative]).sum())
    return row


def _fmt_chosen(values):
    if values[0] is None:
        return "-"
    return ",".join(f"{v:g}" for v in values)


def table(dataset, results, n_features):
    """A Markdown table of the per-method means over the repeats."""
    noisy_set = "inf_kept" in results["none"][0]
    head = ["method", "chosen", "cv", "train", "test (sd)", "gap", "vs none", "|W|"]
    head += ["zero w", "zero feat"] + (["inf kept"] if noisy_set else [])
    head += ["epochs", "search s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    base = [r["test"] for r in results["none"]]
    for method, rows in results.items():

        def mean(key, rows=rows):
            return statistics.fmean(r[key] for r in rows)

        test = [r["test"] for r in rows]
        sd = statistics.stdev(test) if len(test) > 1 else 0.0
        deltas = [t - b for t, b in zip(test, base, strict=True)]
        delta_sd = statistics.stdev(deltas) if len(deltas) > 1 else 0.0
        cells = [
            method,
            _fmt_chosen([r["chosen"] for r in rows]),
            f"{mean('cv'):.3f}",
            f"{mean('train'):.3f}",
            f"{mean('test'):.3f} ({sd:.3f})",
            f"{mean('train') - mean('test'):.3f}",
            ""
            if method == "none"
            else f"{statistics.fmean(deltas):+.3f} ({delta_sd:.3f})",
            f"{mean('norm'):.1f}",
            f"{100 * mean('zero_w'):.0f}%",
            f"{mean('zero_feat'):.1f}/{n_features}",
        ]
        if noisy_set:
            cells.append(f"{mean('inf_kept'):.1f}/{N_INFORMATIVE}")
        cells += [f"{mean('n_iter'):.0f}", f"{mean('seconds'):.1f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--n-train", type=int, default=300)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS))
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    args = parser.parse_args(argv)
    repeats, cv = (1, 3) if args.quick else (args.repeats, 5)
    methods = ["none"] + [m for m in args.methods if m != "none"]
    if args.quick:
        NETWORK["max_iter"] = 50
    # the small fits do not all converge in max_iter: that is the setting
    warnings.simplefilter("ignore", ConvergenceWarning)

    print(
        f"skregnet {skregnet.__version__}, scikit-learn {sklearn.__version__}, "
        f"numpy {np.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, n_jobs={args.n_jobs}"
    )
    print(
        f"network: {NETWORK}; {cv}-fold GridSearchCV; {repeats} repeat(s); "
        f"{args.n_train} training rows"
    )
    start = time.perf_counter()
    for dataset in args.datasets:
        results = {m: [] for m in methods}
        for seed in range(repeats):
            split, informative = DATASETS[dataset](seed, args.n_train)
            for method in methods:
                results[method].append(
                    evaluate(method, split, informative, seed, args.n_jobs, cv)
                )
                print(".", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        n_test = len(split[1])
        print(f"\n### {dataset}: {args.n_train} training rows, {n_test} test rows\n")
        print(table(dataset, results, split[0].shape[1]))
    print(f"\ntotal {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
