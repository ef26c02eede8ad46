"""Cost of ``alpha_schedule="inverse_loss"`` per epoch, against ``"constant"``.

Run from the repository root::

    python benchmarks/bench_schedule.py          # the full run (~1 min)
    python benchmarks/bench_schedule.py --quick  # a short smoke run

The schedule is called once per epoch with the list of the previous epochs'
data losses and does a few float operations, so its cost should vanish next
to an epoch of forward and backward passes. Two measurements:

1. whole fits: the same ``RegMLPClassifier`` (``adam``, ``(100,)``, batch 200,
   a fixed number of epochs: ``tol=0``, ``n_iter_no_change=inf``) on the
   standardized ``load_digits`` with ``alpha_schedule="constant"`` and
   ``"inverse_loss"``, in the same process, alternating which goes first, each
   repeated; time per epoch is fit time / ``n_iter_``. The overhead is the
   median over the repeats of the paired ratio (inverse_loss / constant) - 1,
   which is robust to a machine that speeds up or slows down during the run;
   the ratio of the two medians is shown too. BLAS runs on one thread and the
   time is the process's CPU time, which other jobs on a shared machine
   disturb far less than wall-clock time (shown too);
2. the schedule call alone (``timeit``, with 300 earlier losses), as a share of
   the median ``"constant"`` epoch: a noise-free bound on what the schedule
   itself can cost.

On a shared, noisy machine differences of a few percent between whole fits
are within the noise, which is why the second measurement is there.
"""

import argparse
import os
import platform
import statistics
import time
import timeit
import warnings

import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

import skregnet
from skregnet import RegMLPClassifier
from skregnet._schedules import resolve_schedule

SCHEDULES = ["constant", "inverse_loss"]


def seconds_per_epoch(X, y, schedule, penalty, epochs):
    est = RegMLPClassifier(
        (100,),
        penalty=penalty,
        alpha=1e-4,
        alpha_schedule=schedule,
        solver="adam",
        batch_size=200,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=np.inf,
        random_state=0,
    )
    start, start_cpu = time.perf_counter(), time.process_time()
    est.fit(X, y)
    cpu = time.process_time() - start_cpu
    wall = time.perf_counter() - start
    assert est.n_iter_ == epochs
    return cpu / epochs, wall / epochs


def compare(X, y, penalty, epochs, repeats):
    """Per-epoch times of each schedule over alternating repeats."""
    for schedule in SCHEDULES:  # warm-up
        seconds_per_epoch(X, y, schedule, penalty, epochs)
    cpu, wall = {s: [] for s in SCHEDULES}, {s: [] for s in SCHEDULES}
    for r in range(repeats):
        order = SCHEDULES if r % 2 == 0 else SCHEDULES[::-1]
        for schedule in order:
            c, w = seconds_per_epoch(X, y, schedule, penalty, epochs)
            cpu[schedule].append(c)
            wall[schedule].append(w)
    return cpu, wall


def overheads(times):
    """(median paired overhead, overhead of the medians), in percent."""
    const, inv = times["constant"], times["inverse_loss"]
    paired = statistics.median(i / c for i, c in zip(inv, const, strict=True))
    medians = statistics.median(inv) / statistics.median(const)
    return 100 * (paired - 1), 100 * (medians - 1)


def schedule_call_seconds(n_losses=300):
    schedule = resolve_schedule("inverse_loss")
    losses = list(np.linspace(2.0, 0.1, n_losses))
    timer = timeit.Timer(lambda: schedule(n_losses, losses, 1e-4))
    number, _ = timer.autorange()
    return min(timer.repeat(5, number)) / number


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--repeats", type=int, default=31)
    parser.add_argument("--epochs", type=int, default=100)
    args = parser.parse_args(argv)
    repeats, epochs = (3, 5) if args.quick else (args.repeats, args.epochs)
    warnings.simplefilter("ignore", ConvergenceWarning)

    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    print(
        f"skregnet {skregnet.__version__}, scikit-learn {sklearn.__version__}, "
        f"numpy {np.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"load_digits {X.shape}, adam, (100,), batch 200, {epochs} epochs per "
        f"fit, {repeats} alternating repeats\n"
    )
    call = schedule_call_seconds()
    print(
        "| penalty | constant CPU ms/epoch | inverse_loss CPU ms/epoch | "
        "overhead CPU: paired, of medians | overhead wall: paired, of medians "
        "| schedule call |"
    )
    print("|---|---|---|---|---|---|")
    for penalty in ["l2", "l1"]:
        with threadpool_limits(1):
            cpu, wall = compare(X, y, penalty, epochs, repeats)
        share = call / statistics.median(cpu["constant"])
        print(
            f"| {penalty} | {1e3 * statistics.median(cpu['constant']):.2f} | "
            f"{1e3 * statistics.median(cpu['inverse_loss']):.2f} | "
            "{:+.2f}%, {:+.2f}% | ".format(*overheads(cpu))
            + "{:+.2f}%, {:+.2f}% | ".format(*overheads(wall))
            + f"{1e6 * call:.2f} us ({100 * share:.4f}% of an epoch) |"
        )


if __name__ == "__main__":
    main()
