"""Issue 12 in one command: training, prediction, memory and the CV path,
against scikit-learn in the same run, printed as one table.

Run from the repository root::

    python benchmarks/bench_perf.py          # the full run (about 15 minutes)
    python benchmarks/bench_perf.py --quick  # a smoke run (about 2 minutes)

Every speed is a **ratio measured side by side in this run** (ours /
scikit-learn's, < 1 means skregnet is faster): the two are run alternately,
in alternating order, and the medians compared, because the machine is shared
and noisy (see ``bench_core.py``, whose helpers this reuses). The rows:

- ``train``: seconds per epoch of ``adam`` with identical settings (same
  architecture, batch size, epochs, dtype, shuffling, ``random_state``; our
  alpha is scikit-learn's divided by the batch size, the same objective), on
  the big case (``make_classification(50_000, 100, 10 classes)``, ``(256,
  128)``, batch 256) and the small one (``load_digits``, ``(100,)``, batch
  200), in float64 and float32. ``gemm`` is the fraction of our epoch that
  the step's matrix products alone take (forward ``A @ W``, backward
  ``A.T @ delta`` and ``delta @ W.T`` on a batch of the same shape, dtype and
  BLAS threads, timed in the same interleaved loop): the step's GEMM ceiling,
  1.0 when nothing but the products costs time; ``vs sk blas1``, our epoch
  against scikit-learn's with every BLAS on one thread (a check on the noise
  of threads on a busy machine);
- ``lbfgs``: seconds per L-BFGS iteration on 100k x 100 rows, ``(100,)``,
  and ours with the objective over row chunks against over one chunk;
- ``predict``: one call of ``predict`` / ``predict_proba`` on 1 row (latency)
  and on 100k rows (throughput), ``(256, 128)``;
- ``memory``: the peak memory a fit adds on top of its data (X, y), as a
  multiple of ``X.nbytes``, by ``tracemalloc`` and by the peak resident set
  size (``VmHWM`` reset before the fit), for each solver at 10k, 100k and 400k
  rows x 100 float64 features, ``(100,)``, 10 classes; each in a fresh
  process; ``lbfgs+group_lasso`` is ours with FISTA (against scikit-learn's
  lbfgs). The ratio is ours / scikit-learn's (tracemalloc);
- ``cv``: ``RegMLPClassifierCV`` against ``GridSearchCV(RegMLPClassifier)``
  over the same alphas and folds (``bench_cv.run``: digits, ``(64,)``, adam,
  one BLAS thread), time ratio and the best CV score's gap.

``--blas-threads 1`` limits every BLAS to one thread (less noise on a busy
machine). OpenBLAS chooses its kernel from ``OPENBLAS_CORETYPE`` when set:
the environment and the kernel in use are printed first.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
import warnings
from contextlib import nullcontext
from functools import partial
from itertools import pairwise
from unittest.mock import patch

import numpy as np
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_core
import bench_cv

from skregnet import RegMLPClassifier, _full_batch, _network

SK_ALPHA = bench_core.SK_ALPHA
DTYPES = (np.float64, np.float32)
HEADER = ["what", "case", "dtype", "skregnet", "sklearn", "ratio", "target", "note"]


def interleaved(timers, repeats):
    """Median of each timer's result, run alternately in alternating order.

    ``timers`` maps a name to a zero-argument function returning seconds.
    Each runs once first, untimed (imports, caches, thread start-up).
    """
    for timer in timers.values():
        timer()
    results = {name: [] for name in timers}
    names = list(timers)
    for r in range(repeats):
        for name in names if r % 2 == 0 else reversed(names):
            results[name].append(timers[name]())
    return {name: statistics.median(values) for name, values in results.items()}


def seconds_per_iteration(make, X, y):
    est = make()
    start = time.perf_counter()
    est.fit(X, y)
    return (time.perf_counter() - start) / est.n_iter_


def step_gemms(layer_units, batch, dtype):
    """A function running the matrix products of one training step."""
    rng = np.random.default_rng(0)
    acts = [rng.standard_normal((batch, u)).astype(dtype) for u in layer_units]
    coefs = [
        (0.1 * rng.standard_normal((a, b))).astype(dtype)
        for a, b in pairwise(layer_units)
    ]
    grads = [np.empty_like(W) for W in coefs]
    deltas = [np.empty_like(A) for A in acts]

    def run():
        for i, W in enumerate(coefs):
            np.dot(acts[i], W, out=deltas[i + 1])
        for i in range(len(coefs) - 1, -1, -1):
            np.dot(acts[i].T, acts[i + 1], out=grads[i])
            if i > 0:
                np.dot(acts[i + 1], coefs[i].T, out=deltas[i])

    return run


def gemm_timer(layer_units, batch, dtype, n_samples):
    """Seconds the step's products take over one epoch's batches, at the
    BLAS's current thread count (as training runs): the step's ceiling."""
    run = step_gemms(layer_units, batch, dtype)
    n_batches = n_samples / batch
    reps = max(5, int(200 / n_batches))

    def epoch():
        start = time.perf_counter()
        for _ in range(reps):
            run()
        return (time.perf_counter() - start) / reps * n_batches

    return epoch


def seconds_one_thread(make, X, y):
    with threadpool_limits(1, "blas"):
        return seconds_per_iteration(make, X, y)


def train_rows(quick, repeats):
    rows = []
    for label, X64, y, hidden, batch, epochs in bench_core.stochastic_cases(quick):
        n_classes = len(np.unique(y))
        units = [X64.shape[1], *hidden, n_classes]
        for dtype in DTYPES:
            X = X64.astype(dtype)
            common = dict(
                solver="adam",
                batch_size=batch,
                max_iter=epochs,
                tol=0.0,
                n_iter_no_change=epochs + 1,
                random_state=0,
            )
            sk = partial(MLPClassifier, hidden, alpha=SK_ALPHA, **common)
            ours = partial(
                RegMLPClassifier, hidden, penalty="l2", alpha=SK_ALPHA / batch, **common
            )
            t = interleaved(
                {
                    "sk": partial(seconds_per_iteration, sk, X, y),
                    "sk blas1": partial(seconds_one_thread, sk, X, y),
                    "ours": partial(seconds_per_iteration, ours, X, y),
                    "gemm": gemm_timer(units, batch, dtype, X.shape[0]),
                },
                repeats,
            )
            big = X.shape[0] > 10_000
            target = (
                ("<= 0.50" if dtype is np.float64 else "<= 0.40")
                if big
                else ("<= 0.45")
            )
            row = speed_row("train s/epoch", label, dtype, t, target)
            note = (
                f"gemm {t['gemm'] / t['ours']:.0%}; vs sk blas1 "
                f"{t['ours'] / t['sk blas1']:.2f} ({t['sk blas1']:.4g} s)"
            )
            rows.append([*row, note])
    return rows


def speed_row(what, case, dtype, t, target):
    return [
        what,
        case,
        np.dtype(dtype).name,
        f"{t['ours']:.4g}",
        f"{t['sk']:.4g}",
        f"{t['ours'] / t['sk']:.2f}",
        target,
    ]


def lbfgs_rows(quick, repeats):
    n, max_iter = (20_000, 5) if quick else (100_000, 10)
    X64, y = make_classification(n, 100, n_informative=40, n_classes=10, random_state=0)
    rows = []
    for dtype in DTYPES:
        X = X64.astype(dtype)
        common = dict(solver="lbfgs", max_iter=max_iter, tol=0.0, random_state=0)
        sk = partial(MLPClassifier, (100,), alpha=SK_ALPHA, **common)
        ours = partial(RegMLPClassifier, (100,), alpha=SK_ALPHA / n, **common)
        t = interleaved(
            {
                "sk": partial(seconds_per_iteration, sk, X, y),
                "ours": partial(seconds_per_iteration, ours, X, y),
            },
            repeats,
        )
        label = f"{n // 1000}k x 100 (100,) it{max_iter}"
        rows.append([*speed_row("lbfgs s/iter", label, dtype, t, ""), ""])
        # ours, objective over chunks of CHUNK_ROWS rows / over one chunk
        t = interleaved(
            {
                "sk": partial(one_chunk_seconds_per_iteration, ours, X, y),
                "ours": partial(seconds_per_iteration, ours, X, y),
            },
            repeats,
        )
        row = speed_row("lbfgs s/iter", f"{label} chunked/one chunk", dtype, t, "")
        rows.append([*row, f"chunks of {_network.CHUNK_ROWS} rows"])
    return rows


def one_chunk_seconds_per_iteration(make, X, y):
    """``seconds_per_iteration`` with the full-batch objective over one chunk
    of all the rows (as before it was chunked)."""
    init = _full_batch.FullBatchObjective.__init__
    with patch.object(init, "__defaults__", (X.shape[0],)):
        return seconds_per_iteration(make, X, y)


def call_timer(fn, X, calls):
    def timer():
        start = time.perf_counter()
        for _ in range(calls):
            fn(X)
        return (time.perf_counter() - start) / calls

    return timer


def predict_rows(quick, repeats):
    n_train = 10_000 if quick else 50_000
    X64, y = make_classification(
        n_train, 100, n_informative=40, n_classes=10, random_state=0
    )
    big64 = np.random.default_rng(1).standard_normal((100_000, 100))
    rows = []
    for dtype in DTYPES:
        X, big = X64.astype(dtype), big64.astype(dtype)
        fit = dict(solver="adam", max_iter=1, batch_size=256, random_state=0)
        sk = MLPClassifier((256, 128), **fit).fit(X, y)
        ours = RegMLPClassifier((256, 128), **fit).fit(X, y)
        for method in ("predict", "predict_proba"):
            for rows_in, calls, label in ((X[:1], 300, "1 row"), (big, 3, "100k rows")):
                t = interleaved(
                    {
                        "sk": call_timer(getattr(sk, method), rows_in, calls),
                        "ours": call_timer(getattr(ours, method), rows_in, calls),
                    },
                    repeats,
                )
                row = speed_row(
                    f"{method} s", f"(256,128) {label}", dtype, t, "<= 1.00"
                )
                rows.append([*row, ""])
    return rows


# -- memory ----------------------------------------------------------------------


def _status_kb(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def _memory_estimator(library, solver, n):
    """The estimator of a memory cell: ``solver`` is ``adam``, ``sgd``,
    ``lbfgs`` or ``lbfgs+group_lasso`` (FISTA; scikit-learn's plain lbfgs)."""
    solver, _, penalty = solver.partition("+")
    common = dict(solver=solver, max_iter=3 if solver == "lbfgs" else 2)
    common.update(random_state=0, tol=0.0)
    if library == "sklearn":
        return MLPClassifier((100,), **common)
    if penalty:
        common.update(penalty=penalty, alpha=1e-4)
    return RegMLPClassifier((100,), **common)


def memory_child(library, solver, n):
    """In a fresh process: the peak memory one fit adds to its data (bytes)."""
    warnings.simplefilter("ignore", ConvergenceWarning)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, 100))
    y = (X[:, :10] @ rng.standard_normal((10, 10))).argmax(axis=1)
    est = _memory_estimator(library, solver, n)
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset the peak resident set size (VmHWM)
        rss_before = _status_kb("VmRSS")
    except OSError:
        rss_before = None
    tracemalloc.start()
    est.fit(X, y)
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss = None if rss_before is None else (_status_kb("VmHWM") - rss_before) * 1024
    print(json.dumps({"traced": traced, "rss": rss, "x_bytes": X.nbytes}))


def measure_memory(library, solver, n):
    out = subprocess.run(
        [sys.executable, __file__, "--memory-child", library, solver, str(n)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def memory_rows(quick):
    rows = []
    sizes = (10_000, 100_000) if quick else (10_000, 100_000, 400_000)
    for solver in ("adam", "sgd", "lbfgs", "lbfgs+group_lasso"):
        for n in sizes:
            m = {lib: measure_memory(lib, solver, n) for lib in ("skregnet", "sklearn")}

            def cell(r):
                rss = "n/a" if r["rss"] is None else f"{r['rss'] / r['x_bytes']:.2f}"
                return f"{r['traced'] / r['x_bytes']:.2f}/{rss}"

            ours, sk = m["skregnet"], m["sklearn"]
            target = "<= 0.50" if solver == "lbfgs" and n == 100_000 else ""
            rows.append(
                [
                    "memory xX tm/rss",
                    f"{solver} {n // 1000}k x 100 (100,)",
                    "float64",
                    cell(ours),
                    cell(sk),
                    f"{ours['traced'] / sk['traced']:.2f}",
                    target,
                    f"X {ours['x_bytes'] / 2**20:.0f} MB, ours "
                    f"+{ours['traced'] / 2**20:.0f} MB tm",
                ]
            )
    return rows


def cv_rows(quick):
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    n_alphas, n_folds = (5, 3) if quick else (8, 5)
    alphas = np.geomspace(1e-5, 1, n_alphas)
    cv = StratifiedKFold(n_folds, shuffle=True, random_state=0)
    with threadpool_limits(1):
        r = bench_cv.run(X, y, "adam", alphas, cv, 200)
    path_s, grid_s = r["seconds"]
    gap = 100 * (r["best"][1] - r["best"][0])
    return [
        [
            "cv path s",
            f"digits (64,) adam {n_alphas} alphas x {n_folds} folds",
            "float64",
            f"{path_s:.1f}",
            f"{grid_s:.1f} (grid)",
            f"{r['ratio']:.2f}",
            "<= 0.50",
            f"best {gap:+.2f} pp below grid",
        ]
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--repeats", type=int, default=None, help="default 5")
    parser.add_argument("--blas-threads", type=int, default=None)
    parser.add_argument(
        "--only", default="train,lbfgs,predict,memory,cv", help="comma-separated rows"
    )
    parser.add_argument("--memory-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        library, solver, n = args.memory_child
        return memory_child(library, solver, int(n))
    repeats = args.repeats or (3 if args.quick else 5)
    warnings.simplefilter("ignore", ConvergenceWarning)
    bench_core.print_environment()
    print(f"repeats: {repeats}, quick: {args.quick}, blas: {args.blas_threads}")
    start, rows = time.perf_counter(), []
    only = args.only.split(",")
    limit = args.blas_threads and threadpool_limits(args.blas_threads, "blas")
    with limit or nullcontext():
        parts = {
            "train": lambda: train_rows(args.quick, repeats),
            "lbfgs": lambda: lbfgs_rows(args.quick, repeats),
            "predict": lambda: predict_rows(args.quick, repeats),
            "memory": lambda: memory_rows(args.quick),
            "cv": lambda: cv_rows(args.quick),
        }
        for name in only:
            rows += parts[name]()
    bench_core.print_table(
        "ratio = skregnet / sklearn (medians, interleaved; < 1: skregnet faster "
        "or smaller)",
        HEADER,
        rows,
    )
    print(f"\ntotal {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
