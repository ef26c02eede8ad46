"""Benchmark: what scikit-learn's callback support costs a fit.

Three ways to fit the same network, interleaved and repeated, medians of the
time per epoch:

- ``without support``: the callback machinery switched off, as on
  scikit-learn < 1.9 (``skregnet._callbacks.HAS_CALLBACKS = False``);
- ``no callback``: the default, with support and no callback set (one task
  per fit is opened; no epoch task, no monitor);
- ``a no-op callback``: a callback whose hooks do nothing, so every epoch
  opens and ends a task.

The claim (issue 10): no measurable cost without callbacks, i.e. the second
ratio within the noise of 1. Run ``python benchmarks/bench_callbacks.py``
(``--repeats`` more for steadier numbers).
"""

import argparse
import statistics
import time
import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skregnet import RegMLPClassifier, _callbacks


class NoOp:
    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        return False


def per_epoch(X, y, mode, epochs, batch_size):
    model = RegMLPClassifier(
        (100,), max_iter=epochs, tol=0, batch_size=batch_size, random_state=0
    )
    if mode == "a no-op callback":
        model.set_callbacks(NoOp())
    supported = _callbacks.HAS_CALLBACKS
    _callbacks.HAS_CALLBACKS = mode != "without support"
    try:
        start = time.perf_counter()
        model.fit(X, y)
        return (time.perf_counter() - start) / model.n_iter_
    finally:
        _callbacks.HAS_CALLBACKS = supported


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()
    if not _callbacks.HAS_CALLBACKS:
        print("scikit-learn < 1.9: no callback support to measure")
        return
    warnings.simplefilter("ignore", ConvergenceWarning)
    threadpool_limits(1)
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    modes = ["without support", "no callback", "a no-op callback"]
    for batch_size, label in [(200, "batch 200"), (len(X), "full batch")]:
        times = {mode: [] for mode in modes}
        for repeat in range(args.repeats):
            order = modes if repeat % 2 == 0 else modes[::-1]
            for mode in order:
                times[mode].append(per_epoch(X, y, mode, args.epochs, batch_size))
        base = statistics.median(times["without support"])
        print(f"load_digits, (100,) adam, {label}: {1e3 * base:.2f} ms/epoch without")
        for mode in modes[1:]:
            ratio = statistics.median(times[mode]) / base
            print(f"  {mode:18s} {ratio:6.3f} x the time per epoch")


if __name__ == "__main__":
    main()
