"""The command line: ``skregnet`` / ``python -m skregnet``.

- ``skregnet fit DATA``: fit a model on a training split, report on the test
  split;
- ``skregnet cv DATA``: choose alpha by cross-validation along the
  regularization path (``RegMLPClassifierCV`` / ``RegMLPRegressorCV``);
- ``skregnet path DATA``: the per-feature regularization path
  (:func:`skregnet.regmlp_path`);
- ``skregnet`` alone: the demo on ``load_digits`` with five penalties.

``DATA`` is a CSV file with a header row, or the name of a scikit-learn toy
dataset. The command line only parses, calls skregnet's public API and
prints; every error the user can cause ends in one line
``skregnet: error: ...`` on stderr and exit status 2. This module holds the
arguments and :func:`main`; ``_cli_data`` reads the data, ``_cli_commands``
runs the commands.
"""

import argparse
import sys

from skregnet._cli_commands import run_cv, run_demo, run_fit, run_path
from skregnet._cli_data import BUILTIN, MAX_CLASSES, CLIError

USAGE_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but its errors are the one-line ``skregnet: error: ...``."""

    def error(self, message):
        raise CLIError(message)


# -- argument types -------------------------------------------------------------


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


# -- arguments shared by the commands -------------------------------------------


def _add_data_arguments(parser):
    parser.add_argument(
        "data",
        metavar="DATA",
        help=f"a CSV file with a header row, or one of {', '.join(BUILTIN)}",
    )
    parser.add_argument(
        "--target",
        metavar="COL",
        help="the target column (default: the last column)",
    )
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


def _add_penalty_arguments(group, *, alpha, penalty):
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


def _add_training_arguments(group):
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


def _add_model_arguments(parser, *, alpha=True, penalty="l2"):
    group = parser.add_argument_group("model")
    _add_penalty_arguments(group, alpha=alpha, penalty=penalty)
    _add_training_arguments(group)


def _add_alphas_argument(parser):
    parser.add_argument(
        "--alphas",
        type=_alphas,
        default=10,
        metavar="N",
        help="number of alphas of the data-driven grid, or a comma-separated "
        "list of alphas (default: %(default)s)",
    )


# -- the parser -----------------------------------------------------------------


def _add_demo_arguments(parser):
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


def _add_fit_command(commands):
    fit = commands.add_parser(
        "fit",
        help="fit a model, report train and test scores",
        description="Hold out a test split, fit RegMLPClassifier or "
        "RegMLPRegressor on the rest and print a results table.",
    )
    _add_data_arguments(fit)
    fit.add_argument(
        "--test-size",
        type=float,
        default=0.25,
        help="share of the samples held out for testing (default: %(default)s)",
    )
    _add_model_arguments(fit)


def _add_cv_command(commands):
    cv = commands.add_parser(
        "cv",
        help="choose alpha by cross-validation along the path",
        description="Fit RegMLPClassifierCV / RegMLPRegressorCV and print the "
        "path: the cross-validated score of each alpha, with alpha_ and "
        "alpha_1se_ marked.",
    )
    _add_data_arguments(cv)
    _add_alphas_argument(cv)
    cv.add_argument("--cv", type=int, default=5, metavar="K", help="folds (default: 5)")
    cv.add_argument("--plot", metavar="FILE.png", help="draw the path into a PNG")
    _add_model_arguments(cv, alpha=False)


def _add_path_command(commands):
    path = commands.add_parser(
        "path",
        help="the per-feature regularization path",
        description="Fit one network along increasing alphas (warm-started, "
        "skregnet.regmlp_path) and show when each input feature leaves the "
        "model: the norm of its first-layer weights against alpha.",
    )
    _add_data_arguments(path)
    _add_alphas_argument(path)
    path.add_argument(
        "--plot", metavar="FILE.png", help="draw the per-feature path into a PNG"
    )
    _add_model_arguments(path, alpha=False, penalty="group_lasso")


def _build_parser():
    parser = _Parser(
        prog="skregnet",
        description="Regularized multilayer perceptrons on your data. Without a "
        "command, runs a demo: RegMLPClassifier on load_digits with five "
        "penalties.",
    )
    _add_demo_arguments(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_fit_command(commands)
    _add_cv_command(commands)
    _add_path_command(commands)
    return parser


# -- running --------------------------------------------------------------------


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
