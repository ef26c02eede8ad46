"""The command line: ``skregnet`` / ``python -m skregnet``.

- ``skregnet fit DATA``: fit a model on a training split, report on the test
  split;
- ``skregnet cv DATA``: choose alpha by cross-validation along the
  regularization path (``RegMLPClassifierCV`` / ``RegMLPRegressorCV``);
- ``skregnet path DATA``: the per-feature regularization path
  (:func:`skregnet.regmlp_path`);
- ``skregnet`` alone: the demo on ``load_digits`` with five penalties.

``DATA`` is a CSV file with a header row, or the name of a scikit-learn toy
dataset. This module only parses, calls the estimators and prints; every
error the user can cause ends in one line ``skregnet: error: ...`` on stderr
and exit status 2.
"""

import argparse
import sys
import time
import warnings

import numpy as np
from sklearn import datasets
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skregnet._cli_data import BUILTIN, MAX_CLASSES, CLIError, load
from skregnet._cv import RegMLPClassifierCV, RegMLPRegressorCV
from skregnet._mlp import RegMLPClassifier, RegMLPRegressor
from skregnet._path import regmlp_path

USAGE_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but its errors are the one-line ``skregnet: error: ...``."""

    def error(self, message):
        raise CLIError(message)


# -- arguments ------------------------------------------------------------------


def _hidden(text):
    """``"64,32"`` -> (64, 32); ``""`` or ``"none"`` -> () (a linear model)."""
    if text.strip().lower() in ("", "none", "()"):
        return ()
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of layer sizes such as 64,32"
        ) from None
    if any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(f"layer sizes must be positive: {text!r}")
    return sizes


def _alphas(text):
    """``"10"`` -> 10 (a grid of 10); ``"0.01,0.1"`` -> [0.01, 0.1]."""
    try:
        if "," not in text and "." not in text and "e" not in text.lower():
            n = int(text)
            if n < 1:
                raise ValueError
            return n
        return [float(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a number of alphas (e.g. 10) nor a "
            "comma-separated list of alphas (e.g. 0.001,0.01,0.1)"
        ) from None


def _none_or(text):
    return None if text.lower() == "none" else text


def _add_data_arguments(parser, target_help):
    parser.add_argument(
        "data",
        metavar="DATA",
        help=f"a CSV file with a header row, or one of {', '.join(BUILTIN)}",
    )
    parser.add_argument("--target", metavar="COL", help=target_help)
    parser.add_argument(
        "--task",
        choices=["classification", "regression"],
        help="override the task inferred from the target (integer targets "
        f"with at most {MAX_CLASSES} values and strings are classes)",
    )
    parser.add_argument(
        "--no-scale",
        action="store_true",
        help="do not standardize the features (and, in regression, the "
        "target) with StandardScaler",
    )


def _add_model_arguments(parser, *, alpha=True, penalty="l2"):
    group = parser.add_argument_group("model")
    group.add_argument(
        "--hidden",
        type=_hidden,
        default=(64,),
        metavar="SIZES",
        help="hidden layer sizes, comma-separated, e.g. 64,32; 'none' for a "
        "linear model (default: 64)",
    )
    group.add_argument(
        "--penalty",
        type=_none_or,
        default=penalty,
        help="l2, l1, elasticnet, group_lasso or none (default: %(default)s)",
    )
    if alpha:
        group.add_argument(
            "--alpha",
            type=float,
            default=1e-4,
            help="penalty strength (default: %(default)s)",
        )
    group.add_argument(
        "--l1-ratio",
        type=float,
        default=0.5,
        help="L1 share of elasticnet (default: %(default)s)",
    )
    group.add_argument(
        "--init",
        default="auto",
        help="weight initialization: auto, zeros, uniform, normal, "
        "truncated_normal, glorot_uniform, glorot_normal, he_uniform, "
        "he_normal, lecun_uniform, lecun_normal, orthogonal (default: auto)",
    )
    group.add_argument(
        "--activation",
        default="relu",
        help="identity, logistic, tanh, relu or leaky_relu (default: relu)",
    )
    group.add_argument(
        "--solver", default="adam", help="adam, sgd or lbfgs (default: adam)"
    )
    group.add_argument(
        "--max-iter",
        type=int,
        default=200,
        help="epochs (lbfgs: iterations) (default: %(default)s)",
    )
    group.add_argument(
        "--learning-rate-init",
        type=float,
        default=1e-3,
        help="initial learning rate of adam and sgd (default: %(default)s)",
    )
    group.add_argument(
        "--random-state",
        type=int,
        default=0,
        help="seed of the weights, the shuffling and the splits (default: %(default)s)",
    )


def _build_parser():
    parser = _Parser(
        prog="skregnet",
        description="Regularized multilayer perceptrons on your data. Without a "
        "command, runs a demo: RegMLPClassifier on load_digits with five "
        "penalties.",
    )
    demo = parser.add_argument_group("demo (no command)")
    demo.add_argument(
        "--alpha",
        dest="demo_alpha",
        metavar="ALPHA",
        type=float,
        default=1e-3,
        help="penalty strength of the demo (default: %(default)s)",
    )
    demo.add_argument(
        "--solver",
        dest="demo_solver",
        default="adam",
        choices=["adam", "sgd", "lbfgs"],
        help="solver of the demo (default: %(default)s)",
    )
    demo.add_argument(
        "--max-iter",
        dest="demo_max_iter",
        metavar="N",
        type=int,
        default=200,
        help="epochs of the demo (default: %(default)s)",
    )
    demo.add_argument(
        "--random-state",
        dest="demo_random_state",
        metavar="SEED",
        type=int,
        default=0,
        help="seed of the demo (default: %(default)s)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    fit = commands.add_parser(
        "fit",
        help="fit a model, report train and test scores",
        description="Hold out a test split, fit RegMLPClassifier or "
        "RegMLPRegressor on the rest and print a results table.",
    )
    _add_data_arguments(fit, "the target column (default: the last column)")
    fit.add_argument(
        "--test-size",
        type=float,
        default=0.25,
        help="share of the samples held out for testing (default: %(default)s)",
    )
    _add_model_arguments(fit)

    cv = commands.add_parser(
        "cv",
        help="choose alpha by cross-validation along the path",
        description="Fit RegMLPClassifierCV / RegMLPRegressorCV and print the "
        "path: the cross-validated score of each alpha, with alpha_ and "
        "alpha_1se_ marked.",
    )
    _add_data_arguments(cv, "the target column (default: the last column)")
    cv.add_argument(
        "--alphas",
        type=_alphas,
        default=10,
        metavar="N",
        help="number of alphas of the data-driven grid, or a comma-separated "
        "list of alphas (default: %(default)s)",
    )
    cv.add_argument("--cv", type=int, default=5, metavar="K", help="folds (default: 5)")
    cv.add_argument("--plot", metavar="FILE.png", help="draw the path into a PNG")
    _add_model_arguments(cv, alpha=False)

    path = commands.add_parser(
        "path",
        help="the per-feature regularization path",
        description="Fit one network along increasing alphas (warm-started, "
        "skregnet.regmlp_path) and show when each input feature leaves the "
        "model: the norm of its first-layer weights against alpha.",
    )
    _add_data_arguments(path, "the target column (default: the last column)")
    path.add_argument(
        "--alphas",
        type=_alphas,
        default=10,
        metavar="N",
        help="number of alphas of the data-driven grid, or a comma-separated "
        "list of alphas (default: %(default)s)",
    )
    path.add_argument(
        "--plot", metavar="FILE.png", help="draw the per-feature path into a PNG"
    )
    _add_model_arguments(path, alpha=False, penalty="group_lasso")
    return parser


# -- the commands ---------------------------------------------------------------


def _model_params(args):
    params = {
        "hidden_layer_sizes": args.hidden,
        "penalty": args.penalty,
        "l1_ratio": args.l1_ratio,
        "init": args.init,
        "activation": args.activation,
        "solver": args.solver,
        "max_iter": args.max_iter,
        "learning_rate_init": args.learning_rate_init,
        "random_state": args.random_state,
    }
    if hasattr(args, "alpha"):
        params["alpha"] = args.alpha
    return params


def _print_table(header, rows, file=None):
    """The first column left-aligned, the others right-aligned."""
    cells = [[str(c) for c in header], *([str(c) for c in row] for row in rows)]
    widths = [max(len(row[k]) for row in cells) for k in range(len(header))]
    for row in cells:
        first, *rest = (
            c.ljust(w) if k == 0 else c.rjust(w)
            for k, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        print("  ".join([first, *rest]).rstrip(), file=file)


def _feature_list(names, indices, limit=8):
    picked = [names[i] for i in indices]
    if len(picked) > limit:
        return ", ".join(picked[:limit]) + f", ... (+{len(picked) - limit})"
    return ", ".join(picked) if picked else "none"


def _fit_quietly(model, X, y):
    """Fit, returning whether a ConvergenceWarning was raised (not printed)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        model.fit(X, y)
    for w in caught:
        if not issubclass(w.category, ConvergenceWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return not any(issubclass(w.category, ConvergenceWarning) for w in caught)


def _scaled(model, args, task):
    """The model with standardized features and, in regression, target."""
    if args.no_scale:
        return model
    model = make_pipeline(StandardScaler(), model)
    if task == "regression":
        model = TransformedTargetRegressor(model, transformer=StandardScaler())
    return model


def _score_name(data):
    return "accuracy" if data.task == "classification" else "R^2"


def run_fit(args):
    data = load(args.data, args.target, args.task)
    if not 0 < args.test_size < 1:
        raise CLIError(f"--test-size must be in (0, 1); got {args.test_size}")
    stratify = data.y if data.task == "classification" else None
    try:
        X_train, X_test, y_train, y_test = train_test_split(
            data.X,
            data.y,
            test_size=args.test_size,
            random_state=args.random_state,
            stratify=stratify,
        )
    except ValueError as e:
        # e.g. a class with a single sample cannot be stratified
        raise CLIError(f"cannot split {data.name!r} for testing: {e}") from e
    Estimator = RegMLPClassifier if data.task == "classification" else RegMLPRegressor
    model = _scaled(Estimator(**_model_params(args)), args, data.task)
    start = time.perf_counter()
    converged = _fit_quietly(model, X_train, y_train)
    seconds = time.perf_counter() - start
    mlp = model
    if not args.no_scale:
        # the fitted network, out of the Pipeline (and TransformedTargetRegressor)
        mlp = getattr(model, "regressor_", model)[-1]
    weights = np.concatenate([c.ravel() for c in mlp.coefs_])
    selected = np.flatnonzero(np.any(mlp.coefs_[0] != 0, axis=1))
    score = _score_name(data)
    print(data.describe())
    print(f"model: {mlp!r}")
    print(f"split: {len(y_train)} train / {len(y_test)} test samples")
    print()
    rows = [
        (f"train {score}", f"{model.score(X_train, y_train):.4f}"),
        (f"test {score}", f"{model.score(X_test, y_test):.4f}"),
        ("weight norm", f"{np.linalg.norm(weights):.4g}"),
        ("exact zeros", f"{weights.size - np.count_nonzero(weights)} / {weights.size}"),
        (
            "selected features",
            f"{selected.size} / {len(data.feature_names)}",
        ),
        ("epochs", f"{mlp.n_iter_}{'' if converged else ' (max-iter reached)'}"),
        ("time", f"{seconds:.2f} s"),
    ]
    _print_table(("metric", "value"), rows)
    if selected.size < len(data.feature_names):
        print(f"\nselected: {_feature_list(data.feature_names, selected)}")
    return 0


def _standardized(data, args):
    """X and y as the network sees them: standardized unless ``--no-scale``."""
    if args.no_scale:
        return data.X, data.y
    X = StandardScaler().fit_transform(data.X)
    y = data.y
    if data.task == "regression":
        y = StandardScaler().fit_transform(y.reshape(-1, 1)).ravel()
    return X, y


def _new_figure():
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise CLIError(
            "--plot needs matplotlib: pip install matplotlib (or, from a clone, "
            'pip install ".[plot]")'
        ) from None
    return Figure(figsize=(8, 4.8), layout="constrained")


def _save(fig, filename):
    try:
        fig.savefig(filename, format="png", dpi=100)
    except OSError as e:
        raise CLIError(f"cannot write {filename!r}: {e.strerror or e}") from e
    print(f"\nwrote {filename}")


def run_cv(args):
    data = load(args.data, args.target, args.task)
    if args.cv < 2:
        raise CLIError(f"--cv must be at least 2; got {args.cv}")
    Estimator = (
        RegMLPClassifierCV if data.task == "classification" else RegMLPRegressorCV
    )
    model = Estimator(alphas=args.alphas, cv=args.cv, **_model_params(args))
    X, y = _standardized(data, args)
    start = time.perf_counter()
    _fit_quietly(model, X, y)
    seconds = time.perf_counter() - start
    results, path = model.cv_results_, model.path_
    converged = path.get("converged")
    print(data.describe())
    print(
        f"model: {type(model).__name__}, {args.cv}-fold CV of "
        f"{_score_name(data)}, {len(model.alphas_)} alphas, {seconds:.1f} s"
    )
    print()
    rows = []
    for k, alpha in enumerate(model.alphas_):
        marks = []
        if alpha == model.alpha_:
            marks.append("<- alpha_")
        if alpha == model.alpha_1se_:
            marks.append("<- alpha_1se_")
        rows.append(
            (
                f"{alpha:.4g}",
                f"{results['mean_test_score'][k]:.4f} ± "
                f"{results['std_test_score'][k]:.4f}",
                f"{path['n_selected_features'][k]}/{len(data.feature_names)}",
                "-" if converged is None else ("yes" if converged[k] else "no"),
                " ".join(marks),
            )
        )
    _print_table(
        ("alpha", f"CV {_score_name(data)}", "features", "converged", ""), rows
    )
    print(
        f"\nalpha_ = {model.alpha_:.4g} (best mean score {model.best_score_:.4f}); "
        f"alpha_1se_ = {model.alpha_1se_:.4g} (largest alpha within one "
        "standard error)"
    )
    if args.plot:
        from skregnet.plotting import RegularizationPathDisplay

        fig = _new_figure()
        display = RegularizationPathDisplay.from_estimator(model, ax=fig.subplots())
        display.ax_.set_title(f"{data.name}: cross-validated path")
        _save(fig, args.plot)
    return 0


def run_path(args):
    data = load(args.data, args.target, args.task)
    Estimator = RegMLPClassifier if data.task == "classification" else RegMLPRegressor
    X, y = _standardized(data, args)
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        points = regmlp_path(
            X,
            y,
            alphas=args.alphas,
            estimator=Estimator(),
            return_weights=True,
            **_model_params(args),
        )
    seconds = time.perf_counter() - start
    unconverged = any(issubclass(w.category, ConvergenceWarning) for w in caught)
    alphas = np.array([p.alpha for p in points])
    # norms[k, j]: feature j's first-layer weight norm at alphas[k]
    norms = np.array([np.linalg.norm(p.coefs[0], axis=1) for p in points])
    names = data.feature_names
    print(data.describe())
    print(
        f"path: penalty={args.penalty!r}, hidden={args.hidden}, {len(points)} "
        f"alphas, {seconds:.1f} s"
        + (" (some points stopped at max-iter)" if unconverged else "")
    )
    print()
    _print_table(
        ("alpha", "data loss", "weight norm", "features", "zero weights"),
        [
            (
                f"{p.alpha:.4g}",
                f"{p.data_loss:.4f}",
                f"{p.weight_norm:.4g}",
                f"{p.n_selected_features}/{len(names)}",
                p.n_zero_weights,
            )
            for p in points
        ],
    )
    # a feature's last alpha: the largest alpha at which it is still selected
    alive = norms > 0
    last = np.array(
        [alphas[np.flatnonzero(col)[-1]] if col.any() else np.nan for col in alive.T]
    )
    order = np.argsort(-np.nan_to_num(last, nan=-np.inf), kind="stable")
    print()
    _print_table(
        ("feature", "norm at weakest alpha", "last alpha selected"),
        [
            (
                names[j],
                f"{norms[0, j]:.4g}",
                "never" if np.isnan(last[j]) else f"{last[j]:.4g}",
            )
            for j in order
        ],
    )
    if args.plot:
        fig = _new_figure()
        ax = fig.subplots()
        for j in order:
            ax.plot(alphas, norms[:, j], marker=".", label=names[j])
        ax.set_xscale("log")
        ax.set_xlabel("alpha (penalty strength)")
        ax.set_ylabel("first-layer weight norm of the feature")
        ax.set_title(f"{data.name}: per-feature regularization path")
        if len(names) <= 15:
            fig.legend(loc="outside right upper", fontsize="small")
        else:
            # too many for a legend: name the strongest ones at the left end
            for j in order[:10]:
                ax.annotate(
                    names[j],
                    (alphas[0], norms[0, j]),
                    xytext=(-4, 0),
                    textcoords="offset points",
                    ha="right",
                    va="center",
                    fontsize="x-small",
                )
            ax.set_xlim(alphas[0] / 4, None)
        _save(fig, args.plot)
    return 0


def run_demo(args):
    """Fit RegMLPClassifier on load_digits with five penalties."""
    X, y = datasets.load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=args.demo_random_state
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
                alpha=args.demo_alpha,
                solver=args.demo_solver,
                max_iter=args.demo_max_iter,
                random_state=args.demo_random_state,
            ),
        )
        start = time.perf_counter()
        converged = _fit_quietly(model, X_train, y_train)
        seconds = time.perf_counter() - start
        mlp = model[-1]
        weights = np.concatenate([c.ravel() for c in mlp.coefs_])
        capped = "" if converged else "+"
        print(
            f"{penalty!s:>12} {model.score(X_test, y_test):9.4f} "
            f"{np.linalg.norm(weights):8.2f} {np.sum(weights == 0):7d} "
            f"{mlp.n_iter_:>6}{capped:1} {seconds:8.2f}"
        )
    print("(+: stopped at --max-iter before the loss settled)")
    return 0


COMMANDS = {"fit": run_fit, "cv": run_cv, "path": run_path, None: run_demo}


def _one_line(error):
    return " ".join(str(error).split()) or type(error).__name__


def main(argv=None):
    """Run the command line; returns the exit status.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments (``sys.argv[1:]`` when None).

    Returns
    -------
    status : int
        0 on success, 2 when the input was wrong (the error is printed as one
        line on stderr).
    """
    try:
        args = _build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except CLIError as e:
        message = _one_line(e)
    except ValueError as e:
        # sklearn's InvalidParameterError (a ValueError) names the parameter
        # and its allowed values; other ValueErrors are about the data
        message = _one_line(e)
    except KeyboardInterrupt:
        print("skregnet: interrupted", file=sys.stderr)
        return 130
    print(f"skregnet: error: {message}", file=sys.stderr)
    return USAGE_ERROR
