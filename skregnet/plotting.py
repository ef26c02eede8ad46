"""Plots of fitted skregnet models (needs matplotlib, the ``plot`` extra).

Displays follow scikit-learn's pattern: ``Display.from_estimator(model)``
computes what to draw and calls ``plot(ax=None)``, which draws onto the given
axes (or a new figure with constrained layout) and stores the artists as
attributes (``ax_``, ``figure_``, ``lines_``). Nothing touches pyplot's
global state but the creation of a figure when no ``ax`` is given.
Everything a display draws stays inside its axes' area or right next to it
(legends above or beside the axes), so the figure's layout engine and
``savefig`` keep it whole, in subplots too.
"""

import numpy as np

__all__ = ["FeaturePathDisplay", "RegularizationPathDisplay"]


def _check_matplotlib(caller):
    """Import matplotlib, or raise an ImportError saying how to get it."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as e:
        raise ImportError(
            f"{caller} requires matplotlib, an optional dependency of skregnet. "
            'Install it with `pip install ".[plot]"` from a clone (or `pip '
            "install matplotlib`)."
        ) from e


def _new_axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(layout="constrained")
    return ax


def _alpha_axis(ax, alphas):
    """A log alpha axis, or symlog when alpha = 0 is on the path (its linear
    part reaching the smallest positive alpha), so no point is dropped."""
    alphas = np.asarray(alphas, dtype=float)
    positive = alphas[alphas > 0]
    if positive.size == alphas.size:
        ax.set_xscale("log")
        ax.set_xlabel("alpha (penalty strength)")
    else:
        linthresh = positive.min() if positive.size else 1.0
        ax.set_xscale("symlog", linthresh=linthresh)
        ax.set_xlabel(f"alpha (penalty strength; linear below {linthresh:.2g})")


def _mark_alphas(ax, alpha, alpha_1se, show_1se, lines):
    handles = []
    if alpha is not None:
        lines["alpha"] = ax.axvline(alpha, color="k", label=f"alpha_ = {alpha:.3g}")
        handles.append(lines["alpha"])
    if show_1se and alpha_1se is not None and alpha_1se != alpha:
        lines["alpha_1se"] = ax.axvline(
            alpha_1se, color="k", linestyle="--", label=f"alpha_1se_ = {alpha_1se:.3g}"
        )
        handles.append(lines["alpha_1se"])
    return handles


#: the colours of named lines: matplotlib's tab10 without its grey
_COLORS = ["C0", "C1", "C2", "C3", "C4", "C5", "C6", "C8", "C9"]


def _by_survival(norms):
    """Feature indices ordered by the last alpha at which their norm is not
    zero (latest first), then by their norm at the weakest alpha."""
    alive = norms > 0
    last = np.where(alive.any(axis=0), alive.shape[0] - np.argmax(alive[::-1], 0), 0)
    return np.lexsort((-norms[0], -last))


def _cv_estimator(estimator):
    """The CV estimator (the last step of a Pipeline) and the names of the
    features it was fitted on (``None`` when X had none)."""
    from sklearn.pipeline import Pipeline
    from sklearn.utils.validation import check_is_fitted

    names = None
    if isinstance(estimator, Pipeline):
        check_is_fitted(estimator)
        if len(estimator) > 1:
            try:
                names = estimator[:-1].get_feature_names_out()
            except (AttributeError, ValueError):  # a step without names
                names = None
        estimator = estimator[-1]
    check_is_fitted(estimator, "cv_results_")
    if getattr(estimator, "feature_names_in_", None) is not None:
        names = estimator.feature_names_in_
    return estimator, None if names is None else [str(n) for n in names]


class RegularizationPathDisplay:
    """The regularization path: CV score and number of selected features.

    Draws, against alpha (a log axis; symlog when alpha = 0 is on the path),
    the mean cross-validated score with a band of one standard deviation over
    the folds (left axis) and the number of input features the path on all
    the data keeps (right axis), with ``alpha_`` (solid) and ``alpha_1se_``
    (dashed) marked. Without scores (:meth:`from_path`) the left axis shows
    the weight norm. The legend sits above the axes, clear of the curves.
    See :class:`FeaturePathDisplay` for each feature's path.

    Parameters
    ----------
    alphas : ndarray of shape (n_alphas,)
        The alphas, ascending.
    mean_test_score : ndarray of shape (n_alphas,), default=None
        The mean CV score of each alpha (not drawn when None).
    std_test_score : ndarray of shape (n_alphas,), default=None
        Its standard deviation over the folds (no band when None).
    weight_norm : ndarray of shape (n_alphas,), default=None
        The norm of all weights at each alpha, drawn when there is no score.
    n_selected_features : ndarray of shape (n_alphas,), default=None
        The number of input features with a nonzero first-layer row.
    alpha : float, default=None
        The chosen alpha, marked by a solid vertical line.
    alpha_1se : float, default=None
        The one-standard-error alpha, marked by a dashed line.
    score_name : str, default="CV score"
        The label of the score axis.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes of the score (or weight norm), and of the alpha axis.
    ax_features_ : matplotlib Axes or None
        The twin axes of the number of selected features.
    figure_ : matplotlib Figure
        The figure holding the axes.
    lines_ : dict
        The artists drawn: ``score``, ``score_band``, ``weight_norm``,
        ``n_selected_features``, ``alpha``, ``alpha_1se``, ``legend`` (those
        drawn).

    See Also
    --------
    FeaturePathDisplay : The first-layer norm of each feature along the path.
    RegMLPClassifierCV : Computes what this draws.
    regmlp_path : The path alone.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from skregnet import RegMLPClassifierCV
    >>> from skregnet.plotting import RegularizationPathDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> model = RegMLPClassifierCV((4,), alphas=[1e-3, 1e-2, 1e-1], cv=3,
    ...                            penalty="l1", solver="lbfgs", max_iter=1000,
    ...                            random_state=0).fit(X, y)
    >>> display = RegularizationPathDisplay.from_estimator(model)
    >>> display.ax_.get_xscale()
    'log'
    """

    def __init__(
        self,
        *,
        alphas,
        mean_test_score=None,
        std_test_score=None,
        weight_norm=None,
        n_selected_features=None,
        alpha=None,
        alpha_1se=None,
        score_name="CV score",
    ):
        self.alphas = alphas
        self.mean_test_score = mean_test_score
        self.std_test_score = std_test_score
        self.weight_norm = weight_norm
        self.n_selected_features = n_selected_features
        self.alpha = alpha
        self.alpha_1se = alpha_1se
        self.score_name = score_name

    def plot(self, ax=None, *, show_1se=True):
        """Draw the path.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure (constrained layout) when None. The
            selected features go on a twin axes sharing its alpha axis.
        show_1se : bool, default=True
            Whether to mark ``alpha_1se`` too.

        Returns
        -------
        display : RegularizationPathDisplay
            This object, with ``ax_``, ``figure_`` and ``lines_`` set.
        """
        _check_matplotlib(f"{type(self).__name__}.plot")
        ax = _new_axes(ax)
        alphas = np.asarray(self.alphas, dtype=float)
        lines, handles = {}, []
        _alpha_axis(ax, alphas)
        if self.mean_test_score is not None:
            handles += self._draw_score(ax, alphas, lines)
        elif self.weight_norm is not None:
            (lines["weight_norm"],) = ax.plot(
                alphas, self.weight_norm, "s-", color="C1", label="weight norm"
            )
            ax.set_ylabel("weight norm (all layers)")
            handles.append(lines["weight_norm"])
        self.ax_features_ = None
        if self.n_selected_features is not None:
            self.ax_features_ = ax.twinx()
            (lines["n_selected_features"],) = self.ax_features_.plot(
                alphas,
                self.n_selected_features,
                "s-",
                color="C2",
                markersize=4,
                label="selected features",
            )
            self.ax_features_.set_ylabel("selected features", color="C2")
            self.ax_features_.set_ylim(bottom=0)
            self.ax_features_.yaxis.get_major_locator().set_params(integer=True)
            handles.append(lines["n_selected_features"])
        handles += _mark_alphas(ax, self.alpha, self.alpha_1se, show_1se, lines)
        lines["legend"] = ax.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(0, 1.01),
            ncol=2,
            fontsize="small",
            frameon=False,
        )
        self.ax_, self.figure_, self.lines_ = ax, ax.figure, lines
        return self

    def _draw_score(self, ax, alphas, lines):
        mean = np.asarray(self.mean_test_score, dtype=float)
        (lines["score"],) = ax.plot(
            alphas, mean, "o-", color="C0", label=f"{self.score_name} (mean)"
        )
        handles = [lines["score"]]
        if self.std_test_score is not None:
            std = np.asarray(self.std_test_score, dtype=float)
            lines["score_band"] = ax.fill_between(
                alphas,
                mean - std,
                mean + std,
                color="C0",
                alpha=0.2,
                label="+/- 1 std over folds",
            )
            handles.append(lines["score_band"])
        ax.set_ylabel(self.score_name, color="C0")
        return handles

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, score_name=None, show_1se=True):
        """Draw the path of a fitted ``RegMLPClassifierCV`` / ``RegMLPRegressorCV``.

        Parameters
        ----------
        estimator : RegMLPClassifierCV, RegMLPRegressorCV or Pipeline
            A fitted CV estimator, or a fitted Pipeline ending in one. The
            selected features come from its ``path_`` (``refit=True``), the
            scores from its ``cv_results_`` (the ``refit`` metric).
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        score_name : str, default=None
            The score's label; by default from the estimator's ``scoring``
            (``accuracy`` / ``R^2`` when it is None).
        show_1se : bool, default=True
            Whether to mark ``alpha_1se_`` too.

        Returns
        -------
        display : RegularizationPathDisplay
            The display, drawn.
        """
        _check_matplotlib(f"{cls.__name__}.from_estimator")
        from sklearn.base import is_classifier

        estimator, _ = _cv_estimator(estimator)
        metric = "score" if isinstance(estimator.refit, bool) else estimator.refit
        if score_name is None:
            scoring = estimator.scoring
            if isinstance(estimator.refit, str):
                scoring = estimator.refit
            elif scoring is None:
                scoring = "accuracy" if is_classifier(estimator) else "R^2"
            score_name = f"CV {scoring if isinstance(scoring, str) else 'score'}"
        path = getattr(estimator, "path_", None) or {}
        display = cls(
            alphas=estimator.alphas_,
            mean_test_score=estimator.cv_results_[f"mean_test_{metric}"],
            std_test_score=estimator.cv_results_[f"std_test_{metric}"],
            n_selected_features=path.get("n_selected_features"),
            alpha=getattr(estimator, "alpha_", None),
            alpha_1se=getattr(estimator, "alpha_1se_", None),
            score_name=score_name,
        )
        return display.plot(ax=ax, show_1se=show_1se)

    @classmethod
    def from_path(cls, path, *, ax=None):
        """Draw the weight norm and selected features of a path, no scores.

        Parameters
        ----------
        path : list of PathPoint or dict of ndarray
            The output of :func:`regmlp_path`, or a dict such as a CV
            estimator's ``path_``.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.

        Returns
        -------
        display : RegularizationPathDisplay
            The display, drawn.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from sklearn.datasets import make_regression
        >>> from skregnet import regmlp_path
        >>> from skregnet.plotting import RegularizationPathDisplay
        >>> X, y = make_regression(n_samples=50, n_features=5, random_state=0)
        >>> path = regmlp_path(X, y, alphas=[0.1, 1.0, 10.0], hidden_layer_sizes=(),
        ...                    penalty="l1", solver="lbfgs")
        >>> display = RegularizationPathDisplay.from_path(path)
        >>> display.ax_.get_xlabel()
        'alpha (penalty strength)'
        """
        _check_matplotlib(f"{cls.__name__}.from_path")
        if not isinstance(path, dict):
            path = {
                key: np.array([getattr(p, key) for p in path])
                for key in ("alpha", "weight_norm", "n_selected_features")
            }
        display = cls(
            alphas=path["alpha"],
            weight_norm=path["weight_norm"],
            n_selected_features=path["n_selected_features"],
        )
        return display.plot(ax=ax)


class FeaturePathDisplay:
    """The per-feature path: each input feature's first-layer weight norm.

    Draws ``||W1[j, :]||`` (the L2 norm of feature j's first-layer weights)
    against alpha, one line per input feature, as glmnet and LassoNet draw
    their coefficient paths: a line reaching zero is a feature the penalty
    removed. The ``max_labels`` features with the largest norms at the
    weakest alpha are named in a legend beside the axes (with the model's
    feature names when it has them); the others are drawn in grey.

    Parameters
    ----------
    alphas : ndarray of shape (n_alphas,)
        The alphas, ascending.
    feature_norms : ndarray of shape (n_alphas, n_features)
        The first-layer norm of each feature at each alpha.
    feature_names : list of str, default=None
        The features' names (``x0``, ``x1``, ... when None).
    alpha : float, default=None
        The chosen alpha, marked by a solid vertical line.
    alpha_1se : float, default=None
        The one-standard-error alpha, marked by a dashed line.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes drawn on.
    figure_ : matplotlib Figure
        The figure holding the axes.
    lines_ : dict
        ``features`` (one line per feature), ``alpha``, ``alpha_1se``,
        ``legend`` (those drawn).

    See Also
    --------
    RegularizationPathDisplay : The CV score and selected features.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import make_regression
    >>> from skregnet import regmlp_path
    >>> from skregnet.plotting import FeaturePathDisplay
    >>> X, y = make_regression(n_samples=50, n_features=5, n_informative=2,
    ...                        random_state=0)
    >>> path = regmlp_path(X, y, alphas=[0.1, 1.0, 10.0], hidden_layer_sizes=(),
    ...                    penalty="l1", solver="lbfgs")
    >>> display = FeaturePathDisplay.from_path(path)
    >>> len(display.lines_["features"])
    5
    """

    def __init__(
        self, *, alphas, feature_norms, feature_names=None, alpha=None, alpha_1se=None
    ):
        self.alphas = alphas
        self.feature_norms = feature_norms
        self.feature_names = feature_names
        self.alpha = alpha
        self.alpha_1se = alpha_1se

    def plot(self, ax=None, *, max_labels=10, show_1se=True):
        """Draw the per-feature path.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure (constrained layout) when None.
        max_labels : int, default=10
            How many features to name in the legend (those that survive
            longest); the others are drawn in light grey.
        show_1se : bool, default=True
            Whether to mark ``alpha_1se`` too.

        Returns
        -------
        display : FeaturePathDisplay
            This object, with ``ax_``, ``figure_`` and ``lines_`` set.
        """
        _check_matplotlib(f"{type(self).__name__}.plot")
        ax = _new_axes(ax)
        alphas = np.asarray(self.alphas, dtype=float)
        norms = np.asarray(self.feature_norms, dtype=float)
        names = self.feature_names or [f"x{j}" for j in range(norms.shape[1])]
        _alpha_axis(ax, alphas)
        order = _by_survival(norms)
        named = set(order[:max_labels].tolist())
        lines = {"features": [None] * norms.shape[1]}
        for rank, j in enumerate(order):
            style = {
                "color": _COLORS[rank % len(_COLORS)],
                "linestyle": "-" if rank < len(_COLORS) else "--",
                "label": names[j],
            }
            if j not in named:
                style = {"color": "0.8", "linewidth": 0.8, "zorder": 1}
            (lines["features"][j],) = ax.plot(alphas, norms[:, j], **style)
        handles = [lines["features"][j] for j in order[:max_labels]]
        handles += _mark_alphas(ax, self.alpha, self.alpha_1se, show_1se, lines)
        ax.set_ylabel("first-layer weight norm ||W1[j, :]||")
        ax.set_ylim(bottom=0)
        lines["legend"] = ax.legend(
            handles=handles,
            loc="center left",
            bbox_to_anchor=(1.02, 0.5),
            fontsize="small",
            frameon=False,
        )
        self.ax_, self.figure_, self.lines_ = ax, ax.figure, lines
        return self

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, max_labels=10, show_1se=True):
        """Draw the per-feature path of a fitted CV estimator (or Pipeline).

        Parameters
        ----------
        estimator : RegMLPClassifierCV, RegMLPRegressorCV or Pipeline
            A fitted CV estimator with ``refit=True``, or a fitted Pipeline
            ending in one; its ``feature_norm_path_`` is drawn, with the
            feature names it (or the Pipeline's earlier steps) knows.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        max_labels : int, default=10
            How many features to name in the legend.
        show_1se : bool, default=True
            Whether to mark ``alpha_1se_`` too.

        Returns
        -------
        display : FeaturePathDisplay
            The display, drawn.
        """
        _check_matplotlib(f"{cls.__name__}.from_estimator")
        estimator, names = _cv_estimator(estimator)
        display = cls(
            alphas=estimator.alphas_,
            feature_norms=estimator.feature_norm_path_,
            feature_names=names,
            alpha=estimator.alpha_,
            alpha_1se=estimator.alpha_1se_,
        )
        return display.plot(ax=ax, max_labels=max_labels, show_1se=show_1se)

    @classmethod
    def from_path(cls, path, *, feature_names=None, ax=None, max_labels=10):
        """Draw the per-feature path of :func:`regmlp_path`'s output.

        Parameters
        ----------
        path : list of PathPoint
            The output of :func:`regmlp_path`.
        feature_names : list of str, default=None
            The features' names.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        max_labels : int, default=10
            How many features to name in the legend.

        Returns
        -------
        display : FeaturePathDisplay
            The display, drawn.
        """
        _check_matplotlib(f"{cls.__name__}.from_path")
        display = cls(
            alphas=np.array([p.alpha for p in path]),
            feature_norms=np.array([p.feature_norms for p in path]),
            feature_names=feature_names,
        )
        return display.plot(ax=ax, max_labels=max_labels)
