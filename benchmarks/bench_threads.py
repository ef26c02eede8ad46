"""Where one BLAS thread beats the default for a mini-batch step.

Run from the repository root::

    python benchmarks/bench_threads.py

For a range of step sizes (batch x layer widths, float64 and float32) this
times our gradient on one batch (forward and backward, as in training) with
numpy's BLAS on one thread and on its default count, interleaved, and prints
the median ratio one / default (< 1: one thread is faster) against the
step's multiply-adds (batch x the sum of the layers' weights). skregnet runs
a mini-batch fit on one thread below ``skregnet._blas.ONE_THREAD_BELOW``
multiply-adds; that constant comes from this table on an idle machine (on a
busy one every threaded product gets slower, whatever its size).
"""

import statistics
import sys
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from skregnet._losses import LOSSES
from skregnet._network import Layout, Network

#: (n_features, hidden layers, n_classes, batch)
CASES = [
    (64, (32,), 10, 200),
    (64, (100,), 10, 200),
    (100, (100,), 10, 256),
    (100, (256,), 10, 256),
    (100, (256, 128), 10, 128),
    (100, (256, 128), 10, 256),
    (300, (256, 128), 10, 256),
    (100, (512, 256), 10, 256),
    (784, (512, 256), 10, 256),
]


def step_timer(n_features, hidden, n_classes, batch, dtype):
    units = [n_features, *hidden, n_classes]
    layout = Layout(units)
    network = Network(layout, "relu", "softmax", LOSSES["log_loss"])
    rng = np.random.RandomState(0)
    params = (rng.randn(layout.n_params) * 0.1).astype(dtype)
    X = rng.randn(batch, n_features).astype(dtype)
    Y = np.eye(n_classes, dtype=dtype)[rng.randint(n_classes, size=batch)]
    sw = np.full(batch, 1 / batch, dtype=dtype)
    grad = np.empty_like(params)

    def timed(repeats=20):
        start = time.perf_counter()
        for _ in range(repeats):
            network.loss_grad(params, X, Y, sw, grad)
        return (time.perf_counter() - start) / repeats

    products = batch * sum(a * b for a, b in layout.coef_shapes)
    return products, timed


def main():
    blas = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    threads = max(blas)
    print(f"numpy's BLAS threads: {threads}")
    if threads < 2:
        sys.exit("one thread only: nothing to compare")
    head = ("case", "dtype", "mult-adds", "1 thread", "default", "ratio")
    widths = (28, 9, 12, 11, 11, 8)
    print(
        "".join(
            f"{h:<{w}}" if i < 2 else f"{h:>{w}}"
            for i, (h, w) in enumerate(zip(head, widths, strict=True))
        )
    )
    for n_features, hidden, n_classes, batch in CASES:
        for dtype in (np.float64, np.float32):
            products, timed = step_timer(n_features, hidden, n_classes, batch, dtype)
            one, many = [], []
            timed()
            for _ in range(7):
                many.append(timed())
                with threadpool_limits(1, "blas"):
                    one.append(timed())
            t1, tn = statistics.median(one), statistics.median(many)
            case = f"{n_features}-{'-'.join(map(str, hidden))}-{n_classes} b{batch}"
            print(
                f"{case:<28}{np.dtype(dtype).name:<9}{products:>12,}"
                f"{t1 * 1e3:>9.3f}ms{tn * 1e3:>9.3f}ms{t1 / tn:>8.2f}"
            )


if __name__ == "__main__":
    main()
