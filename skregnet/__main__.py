"""``python -m skregnet``: a short real job on built-in data.

Fits ``RegMLPClassifier`` on scikit-learn's ``load_digits`` with several
penalties and prints the test accuracy, the weight norm and the number of
exact zeros of each, so a newcomer sees in seconds what ``penalty`` does.
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skregnet import RegMLPClassifier


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m skregnet",
        description="Fit RegMLPClassifier on load_digits with several penalties.",
    )
    parser.add_argument("--alpha", type=float, default=1e-3, help="penalty strength")
    parser.add_argument("--solver", default="adam", choices=["adam", "sgd", "lbfgs"])
    parser.add_argument("--max-iter", type=int, default=200)
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args(argv)

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=args.random_state
    )
    print(f"load_digits: {X_train.shape[0]} train / {X_test.shape[0]} test samples")
    print(
        f"{'penalty':>12} {'test acc':>9} {'|W|':>8} {'zeros':>7} {'epochs':>7} "
        f"{'seconds':>8}"
    )
    for penalty in [None, "l2", "l1", "elasticnet", "group_lasso"]:
        model = make_pipeline(
            StandardScaler(),
            RegMLPClassifier(
                (64,),
                penalty=penalty,
                alpha=args.alpha,
                solver=args.solver,
                max_iter=args.max_iter,
                random_state=args.random_state,
            ),
        )
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            model.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        mlp = model[-1]
        weights = np.concatenate([c.ravel() for c in mlp.coefs_])
        capped = "+" if any(w.category is ConvergenceWarning for w in caught) else ""
        print(
            f"{penalty!s:>12} {model.score(X_test, y_test):9.4f} "
            f"{np.linalg.norm(weights):8.2f} {np.sum(weights == 0):7d} "
            f"{mlp.n_iter_:>6}{capped:1} {seconds:8.2f}"
        )
    print("(+: stopped at --max-iter before the loss settled)")


if __name__ == "__main__":
    main()
