"""Speed of skregnet's NumPy core against scikit-learn's ``MLPClassifier``.

Run from the repository root::

    python benchmarks/bench_core.py          # the full run (a few minutes)
    python benchmarks/bench_core.py --quick  # a short smoke run
    python benchmarks/bench_core.py --blas-threads 1  # steadier when busy

Both libraries are trained in the same process with identical settings (same
architecture, solver, batch size, number of epochs, input dtype, shuffling and
random_state). Machines are shared and noisy, so each case is repeated a few
times, alternating which library goes first, and the median is reported, with
the load average. Other jobs on the machine hurt multi-threaded BLAS most (a
thread waits for its partner to be scheduled; small products get 5-20 times
slower), for both libraries alike: ``--blas-threads 1`` removes that noise.

Times are per epoch (``sgd``/``adam``) or per iteration (``lbfgs``): fit time
divided by ``n_iter_``. The ratio is ours / scikit-learn's, so < 1 means
skregnet is faster.

Cases:

- ``adam`` on ``load_digits`` with ``(100,)`` and batch 200, and on
  ``make_classification(50_000, 100 features, 10 classes)`` with
  ``(256, 128)`` and batch 256, in float64 and float32;
- ``lbfgs`` on ``load_breast_cancer`` (standardized) and ``load_digits``,
  with a fixed ``max_iter`` and ``tol=0``. numpy and scipy wheels each bundle
  an OpenBLAS with its own thread pool, and around scipy's L-BFGS-B the two
  pools fight over the cores. scikit-learn is also timed with scipy's pool
  limited to one thread ("sk scipy1", what skregnet does internally) and with
  every BLAS limited to one thread ("sk blas1"), for reference;
- the cost of the proximal penalties: ``penalty="l1"`` and ``"group_lasso"``
  per epoch relative to ``"l2"`` (``adam`` on ``load_digits``, ``(64,)``).

The alpha conventions differ: scikit-learn divides its L2 term by the batch
size, skregnet's data term is a mean (SPEC §1), so ``alpha_ours =
alpha_sklearn / batch_size`` gives the same objective. It does not matter for
the timing, but it keeps the two fits comparable.
"""

import argparse
import os
import platform
import statistics
import sys
import time
import warnings
from contextlib import contextmanager, nullcontext
from functools import partial

import numpy as np
import scipy
import sklearn
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import ThreadpoolController, threadpool_info, threadpool_limits

import skregnet
from skregnet import RegMLPClassifier

SK_ALPHA = 1e-4  # scikit-learn's default


def fit_time(make, X, y):
    """Seconds per epoch / iteration of one fit, and its ``n_iter_``."""
    est = make()
    start = time.perf_counter()
    est.fit(X, y)
    elapsed = time.perf_counter() - start
    return elapsed / est.n_iter_, est.n_iter_


def compare(makers, X, y, repeats):
    """Median time per epoch of each maker, alternating the order of the runs.

    ``makers`` maps a name to ``(make, context)``: a zero-argument estimator
    factory and a context-manager factory the fit runs in.
    """
    names = list(makers)
    # warm-up: first-call overheads (imports, caches, thread start) are not
    # what we measure
    for make, context in makers.values():
        with context():
            est = make()
            est.set_params(max_iter=1)
            est.fit(X, y)
    times = {name: [] for name in names}
    n_iter = {}
    for r in range(repeats):
        for name in names if r % 2 == 0 else reversed(names):
            make, context = makers[name]
            with context():
                seconds, n_iter[name] = fit_time(make, X, y)
            times[name].append(seconds)
    return {name: statistics.median(t) for name, t in times.items()}, n_iter


@contextmanager
def scipy_blas_limited(n_threads=1):
    """Limit only scipy's bundled OpenBLAS (not numpy's) to ``n_threads``."""
    # wheels put it in site-packages/scipy.libs (Linux, Windows) or
    # scipy/.dylibs (macOS); numpy's sits in numpy.libs / numpy/.dylibs
    root = os.path.realpath(os.path.dirname(scipy.__file__))
    scipy_dirs = (root + os.sep, root + ".libs" + os.sep)
    libs = [
        lib
        for lib in ThreadpoolController().lib_controllers
        if lib.user_api == "blas"
        and os.path.realpath(lib.filepath).startswith(scipy_dirs)
    ]
    previous = [lib.num_threads for lib in libs]
    try:
        for lib in libs:
            lib.set_num_threads(n_threads)
        yield
    finally:
        for lib, n in zip(libs, previous, strict=True):
            lib.set_num_threads(n)


def all_blas_limited():
    return threadpool_limits(1, user_api="blas")


def load_average():
    try:
        return os.getloadavg()
    except (AttributeError, OSError):  # not on Windows
        return ()


def print_environment():
    print(f"skregnet {skregnet.__version__} from {os.path.dirname(skregnet.__file__)}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, ", end="")
    print(f"scipy {scipy.__version__}, scikit-learn {sklearn.__version__}")
    print(f"cpu count {os.cpu_count()}, ", end="")
    try:
        print(f"usable {len(os.sched_getaffinity(0))}")
    except AttributeError:
        print()
    env = {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS")}
    print(f"OPENBLAS_* env: {env or 'none'}")
    for info in threadpool_info():
        print(
            f"  {info['user_api']:6} {info['internal_api']:8} "
            f"threads={info['num_threads']} "
            f"arch={info.get('architecture')} {info['filepath']}"
        )


def print_table(title, header, rows):
    print()
    print(title)
    # other jobs on a shared machine distort the timings: say how busy it was
    print(f"(load average now: {' '.join(f'{x:.1f}' for x in load_average())})")
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    for row in [header, ["-" * w for w in widths], *rows]:
        cells = [str(x).rjust(w) for x, w in zip(row, widths, strict=True)]
        cells[0] = str(row[0]).ljust(widths[0])
        print("  ".join(cells))


def ms(seconds):
    return f"{1e3 * seconds:.2f}"


def stochastic_cases(quick):
    digits_X, digits_y = load_digits(return_X_y=True)
    digits_X = digits_X / 16.0
    n_big = 10_000 if quick else 50_000
    big_X, big_y = make_classification(
        n_big, 100, n_informative=40, n_classes=10, random_state=0
    )
    digits_epochs, big_epochs = (10, 2) if quick else (40, 3)
    return [
        (f"digits (100,) b200 E{digits_epochs}", digits_X, digits_y, (100,), 200,
         digits_epochs),
        (f"clf{n_big // 1000}k (256,128) b256 E{big_epochs}", big_X, big_y,
         (256, 128), 256, big_epochs),
    ]  # fmt: skip


def bench_stochastic(quick, repeats):
    rows = []
    for label, X64, y, hidden, batch, epochs in stochastic_cases(quick):
        for dtype in (np.float64, np.float32):
            X = X64.astype(dtype)
            common = dict(
                solver="adam",
                batch_size=batch,
                max_iter=epochs,
                tol=0.0,
                n_iter_no_change=epochs + 1,
                shuffle=True,
                random_state=0,
            )
            sk = partial(MLPClassifier, hidden, alpha=SK_ALPHA, **common)
            ours = partial(
                RegMLPClassifier, hidden, penalty="l2", alpha=SK_ALPHA / batch, **common
            )
            makers = {"sklearn": (sk, nullcontext), "ours": (ours, nullcontext)}
            t, n_iter = compare(makers, X, y, repeats)
            rows.append(
                [
                    label,
                    np.dtype(dtype).name,
                    ms(t["sklearn"]),
                    ms(t["ours"]),
                    f"{t['ours'] / t['sklearn']:.2f}",
                ]
            )
            assert n_iter["sklearn"] == n_iter["ours"] == epochs, n_iter
    print_table(
        "adam, ms per epoch (median), ratio = ours / sklearn",
        ["case", "dtype", "sklearn", "ours", "ratio"],
        rows,
    )
    return rows


def bench_lbfgs(quick, repeats):
    cancer_X, cancer_y = load_breast_cancer(return_X_y=True)
    cancer_X = StandardScaler().fit_transform(cancer_X)
    digits_X, digits_y = load_digits(return_X_y=True)
    digits_X = digits_X / 16.0
    max_iter = 50 if quick else 100
    cases = [
        (f"breast_cancer (100,) it{max_iter}", cancer_X, cancer_y),
        (f"digits (100,) it{max_iter}", digits_X, digits_y),
    ]
    rows = []
    for label, X64, y in cases:
        for dtype in (np.float64, np.float32):
            X = X64.astype(dtype)
            n = X.shape[0]
            common = dict(solver="lbfgs", max_iter=max_iter, tol=0.0, random_state=0)
            sk = partial(MLPClassifier, (100,), alpha=SK_ALPHA, **common)
            ours = partial(
                RegMLPClassifier, (100,), penalty="l2", alpha=SK_ALPHA / n, **common
            )
            makers = {
                "sklearn": (sk, nullcontext),
                "sk scipy1": (sk, scipy_blas_limited),
                "sk blas1": (sk, all_blas_limited),
                "ours": (ours, nullcontext),
            }
            t, n_iter = compare(makers, X, y, repeats)
            rows.append(
                [
                    label,
                    np.dtype(dtype).name,
                    ms(t["sklearn"]),
                    ms(t["sk scipy1"]),
                    ms(t["sk blas1"]),
                    ms(t["ours"]),
                    f"{t['ours'] / t['sklearn']:.2f}",
                    f"{t['ours'] / t['sk scipy1']:.2f}",
                    f"{t['ours'] / t['sk blas1']:.2f}",
                    f"{n_iter['sklearn']}/{n_iter['ours']}",
                ]
            )
    print_table(
        "lbfgs, ms per iteration (median); ratio = ours / sklearn "
        "(scipy1: scipy's BLAS on 1 thread; blas1: all BLAS on 1 thread)",
        [
            "case",
            "dtype",
            "sklearn",
            "sk scipy1",
            "sk blas1",
            "ours",
            "ratio",
            "vs scipy1",
            "vs blas1",
            "n_iter sk/ours",
        ],
        rows,
    )
    return rows


def bench_penalties(quick, repeats):
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    epochs = 10 if quick else 40
    rows = []
    for dtype in (np.float64, np.float32):
        Xd = X.astype(dtype)
        makers = {
            penalty: (
                partial(
                    RegMLPClassifier,
                    (64,),
                    penalty=penalty,
                    alpha=1e-3,
                    solver="adam",
                    max_iter=epochs,
                    tol=0.0,
                    n_iter_no_change=epochs + 1,
                    random_state=0,
                ),
                nullcontext,
            )
            for penalty in ("l2", "l1", "group_lasso")
        }
        t, _ = compare(makers, Xd, y, repeats)
        rows.append(
            [
                f"digits (64,) adam E{epochs}",
                np.dtype(dtype).name,
                ms(t["l2"]),
                ms(t["l1"]),
                ms(t["group_lasso"]),
                f"{t['l1'] / t['l2']:.2f}",
                f"{t['group_lasso'] / t['l2']:.2f}",
            ]
        )
    print_table(
        "proximal penalties, ms per epoch (median), relative to l2",
        ["case", "dtype", "l2", "l1", "group_lasso", "l1/l2", "group/l2"],
        rows,
    )
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run")
    parser.add_argument(
        "--repeats", type=int, default=None, help="repeats per case (default 7)"
    )
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=None,
        help="run everything with every BLAS limited to this many threads (less "
        "noise on a busy machine; the lbfgs reference columns then coincide)",
    )
    args = parser.parse_args(argv)
    repeats = args.repeats or (2 if args.quick else 7)
    warnings.simplefilter("ignore", ConvergenceWarning)
    print_environment()
    print(
        f"repeats: {repeats}, quick: {args.quick}, "
        f"blas threads: {args.blas_threads or 'default'}"
    )
    start = time.perf_counter()
    limit = (
        threadpool_limits(args.blas_threads, user_api="blas")
        if args.blas_threads
        else nullcontext()
    )
    with limit:
        bench_stochastic(args.quick, repeats)
        bench_lbfgs(args.quick, repeats)
        bench_penalties(args.quick, repeats)
    print(f"\ntotal {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
