"""The command line's commands: ``fit``, ``cv``, ``path`` and the demo.

Each ``run_*`` takes the parsed arguments, calls skregnet's public API and
prints; the plots are skregnet's displays. A problem with the user's input
raises ``CLIError``.
"""

import time
import warnings

import numpy as np
from sklearn import datasets
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skregnet import (
    RegMLPClassifier,
    RegMLPClassifierCV,
    RegMLPRegressor,
    RegMLPRegressorCV,
    regmlp_path,
)
from skregnet._cli_data import CLIError, load
from skregnet.plotting import FeaturePathDisplay, RegularizationPathDisplay

# -- helpers --------------------------------------------------------------------


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
    """Fit one network, returning whether it converged.

    A single estimator says so only by its ConvergenceWarning, which is
    recorded here rather than printed (the table says it); other warnings
    are shown.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        model.fit(X, y)
    for w in caught:
        if not issubclass(w.category, ConvergenceWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return not any(issubclass(w.category, ConvergenceWarning) for w in caught)


def _timed_without_convergence_warnings(fit, *args, **kwargs):
    """``(fit(*args, **kwargs), seconds)``; the path's one ConvergenceWarning
    is not printed, as each point's ``converged`` is in the table."""
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = fit(*args, **kwargs)
    return result, time.perf_counter() - start


def _scaled(model, args, task):
    """The model with standardized features and, in regression, target."""
    if args.no_scale:
        return model
    model = make_pipeline(StandardScaler(), model)
    if task == "regression":
        model = TransformedTargetRegressor(model, transformer=StandardScaler())
    return model


def _standardized(data, args):
    """X and y as the network sees them: standardized unless ``--no-scale``."""
    if args.no_scale:
        return data.X, data.y
    X = StandardScaler().fit_transform(data.X)
    y = data.y
    if data.task == "regression":
        y = StandardScaler().fit_transform(y.reshape(-1, 1)).ravel()
    return X, y


def _score_name(data):
    return "accuracy" if data.task == "classification" else "R^2"


def _new_axes():
    """Axes on a new figure (no pyplot), or a CLIError without matplotlib."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise CLIError(
            "--plot needs matplotlib: pip install matplotlib (or, from a clone, "
            'pip install ".[plot]")'
        ) from None
    return Figure(figsize=(8, 4.8), layout="constrained").subplots()


def _save(display, title, filename):
    """Title the display's figure (above its legend) and write it as a PNG."""
    fig = display.figure_
    fig.suptitle(title)
    try:
        fig.savefig(filename, format="png", dpi=100)
    except OSError as e:
        raise CLIError(f"cannot write {filename!r}: {e.strerror or e}") from e
    print(f"\nwrote {filename}")


# -- fit ------------------------------------------------------------------------


def _split(data, args):
    if not 0 < args.test_size < 1:
        raise CLIError(f"--test-size must be in (0, 1); got {args.test_size}")
    stratify = data.y if data.task == "classification" else None
    try:
        return train_test_split(
            data.X,
            data.y,
            test_size=args.test_size,
            random_state=args.random_state,
            stratify=stratify,
        )
    except ValueError as e:
        # e.g. a class with a single sample cannot be stratified
        raise CLIError(f"cannot split {data.name!r} for testing: {e}") from e


def run_fit(args):
    data = load(args.data, args.target, args.task)
    X_train, X_test, y_train, y_test = _split(data, args)
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
        ("selected features", f"{selected.size} / {len(data.feature_names)}"),
        ("epochs", f"{mlp.n_iter_}{'' if converged else ' (max-iter reached)'}"),
        ("time", f"{seconds:.2f} s"),
    ]
    _print_table(("metric", "value"), rows)
    if selected.size < len(data.feature_names):
        print(f"\nselected: {_feature_list(data.feature_names, selected)}")
    return 0


# -- cv -------------------------------------------------------------------------


def _cv_rows(model, n_features):
    """One row per alpha: score ± std, selected features, converged, marks."""
    results, path = model.cv_results_, model.path_
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
                f"{path['n_selected_features'][k]}/{n_features}",
                "yes" if path["converged"][k] else "no",
                " ".join(marks),
            )
        )
    return rows


def run_cv(args):
    data = load(args.data, args.target, args.task)
    if args.cv < 2:
        raise CLIError(f"--cv must be at least 2; got {args.cv}")
    Estimator = (
        RegMLPClassifierCV if data.task == "classification" else RegMLPRegressorCV
    )
    model = Estimator(alphas=args.alphas, cv=args.cv, **_model_params(args))
    _, seconds = _timed_without_convergence_warnings(
        model.fit, *_standardized(data, args)
    )
    print(data.describe())
    print(
        f"model: {type(model).__name__}, {args.cv}-fold CV of "
        f"{_score_name(data)}, {len(model.alphas_)} alphas, {seconds:.1f} s"
    )
    print()
    _print_table(
        ("alpha", f"CV {_score_name(data)}", "features", "converged", ""),
        _cv_rows(model, len(data.feature_names)),
    )
    print(
        f"\nalpha_ = {model.alpha_:.4g} (best mean score {model.best_score_:.4f}); "
        f"alpha_1se_ = {model.alpha_1se_:.4g} (largest alpha within one "
        "standard error)"
    )
    if args.plot:
        display = RegularizationPathDisplay.from_estimator(model, ax=_new_axes())
        _save(display, f"{data.name}: cross-validated path", args.plot)
    return 0


# -- path -----------------------------------------------------------------------


def _print_path(points, n_features):
    _print_table(
        ("alpha", "data loss", "weight norm", "features", "zero weights"),
        [
            (
                f"{p.alpha:.4g}",
                f"{p.data_loss:.4f}",
                f"{p.weight_norm:.4g}",
                f"{p.n_selected_features}/{n_features}",
                p.n_zero_weights,
            )
            for p in points
        ],
    )


def _print_survival(points, names):
    """Each feature's norm at the weakest alpha and the last alpha at which
    it is selected, the longest-lived first."""
    alphas = np.array([p.alpha for p in points])
    # norms[k, j]: feature j's first-layer weight norm at alphas[k]
    norms = np.array([p.feature_norms for p in points])
    alive = norms > 0
    last = np.array(
        [alphas[np.flatnonzero(col)[-1]] if col.any() else np.nan for col in alive.T]
    )
    order = np.argsort(-np.nan_to_num(last, nan=-np.inf), kind="stable")
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


def run_path(args):
    data = load(args.data, args.target, args.task)
    Estimator = RegMLPClassifier if data.task == "classification" else RegMLPRegressor
    X, y = _standardized(data, args)
    points, seconds = _timed_without_convergence_warnings(
        regmlp_path,
        X,
        y,
        alphas=args.alphas,
        estimator=Estimator(),
        **_model_params(args),
    )
    unconverged = not all(p.converged for p in points)
    print(data.describe())
    print(
        f"path: penalty={args.penalty!r}, hidden={args.hidden}, {len(points)} "
        f"alphas, {seconds:.1f} s"
        + (" (some points stopped at max-iter)" if unconverged else "")
    )
    print()
    _print_path(points, len(data.feature_names))
    print()
    _print_survival(points, data.feature_names)
    if args.plot:
        display = FeaturePathDisplay.from_path(
            points, feature_names=data.feature_names, ax=_new_axes()
        )
        _save(display, f"{data.name}: per-feature regularization path", args.plot)
    return 0


# -- the demo -------------------------------------------------------------------


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
