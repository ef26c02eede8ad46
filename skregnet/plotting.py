"""Plots of fitted skregnet models (needs matplotlib, the ``plot`` extra).

Displays follow scikit-learn's pattern: ``Display.from_estimator(model)``
computes what to draw and calls ``plot(ax=None)``, which draws onto the given
axes (or a new figure) and stores the artists as attributes (``ax_``,
``figure_``, ``lines_``). Nothing touches pyplot's global state but the
creation of a figure when no ``ax`` is given.
"""

import numpy as np

__all__ = ["RegularizationPathDisplay"]


def _check_matplotlib(caller):
    """Import matplotlib, or raise an ImportError saying how to get it."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as e:
        raise ImportError(
            f"{caller} requires matplotlib, an optional dependency of skregnet. "
            "Install it with `pip install 'skregnet[plot]'` (or `pip install "
            "matplotlib`)."
        ) from e


class RegularizationPathDisplay:
    """The regularization path: CV score, weight norm and selected features.

    Draws, against alpha on a log axis, the mean cross-validated score with a
    band of one standard deviation (left axis), the norm of the weights of
    the path on all the data (first right axis) and its number of selected
    input features (second right axis), with the chosen alpha marked. Build
    it with :meth:`from_estimator` (a fitted :class:`RegMLPClassifierCV` or
    :class:`RegMLPRegressorCV`) or :meth:`from_path` (the output of
    :func:`regmlp_path`, without scores).

    Parameters
    ----------
    alphas : ndarray of shape (n_alphas,)
        The alphas, ascending.
    mean_test_score : ndarray of shape (n_alphas,), default=None
        The mean CV score of each alpha (not drawn when None).
    std_test_score : ndarray of shape (n_alphas,), default=None
        Its standard deviation over the folds (no band when None).
    weight_norm : ndarray of shape (n_alphas,), default=None
        The norm of all weights at each alpha (not drawn when None).
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
        The axes of the score (and of the alpha axis).
    ax_norm_ : matplotlib Axes or None
        The axes of the weight norm: a twin of ``ax_``, or ``ax_`` itself
        when there is no score.
    ax_features_ : matplotlib Axes or None
        The twin axes of the number of selected features.
    figure_ : matplotlib Figure
        The figure holding the axes.
    lines_ : dict
        The artists drawn: ``score``, ``score_band``, ``weight_norm``,
        ``n_selected_features``, ``alpha``, ``alpha_1se`` (those drawn).

    See Also
    --------
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
            Where to draw; a new figure when None. The weight norm and the
            selected features go on twin axes sharing its alpha axis.
        show_1se : bool, default=True
            Whether to mark ``alpha_1se`` too.

        Returns
        -------
        display : RegularizationPathDisplay
            This object, with ``ax_``, ``figure_`` and ``lines_`` set.
        """
        _check_matplotlib(f"{type(self).__name__}.plot")
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots()
        alphas = np.asarray(self.alphas, dtype=float)
        lines = {}
        handles = []
        ax.set_xscale("log")
        ax.set_xlabel("alpha (penalty strength)")

        if self.mean_test_score is not None:
            mean = np.asarray(self.mean_test_score, dtype=float)
            (lines["score"],) = ax.plot(
                alphas, mean, "o-", color="C0", label=f"{self.score_name} (mean)"
            )
            handles.append(lines["score"])
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

        # the weight norm takes the main axes when there is no score
        self.ax_norm_ = self.ax_features_ = None
        if self.weight_norm is not None:
            self.ax_norm_ = ax.twinx() if "score" in lines else ax
            (lines["weight_norm"],) = self.ax_norm_.plot(
                alphas, self.weight_norm, "s--", color="C1", label="weight norm"
            )
            self.ax_norm_.set_ylabel("weight norm", color="C1")
            handles.append(lines["weight_norm"])
        if self.n_selected_features is not None:
            self.ax_features_ = ax.twinx()
            if self.ax_norm_ is not None and self.ax_norm_ is not ax:
                # a third y axis: move its spine out of the norm's way
                self.ax_features_.spines["right"].set_position(("axes", 1.15))
            (lines["n_selected_features"],) = self.ax_features_.step(
                alphas,
                self.n_selected_features,
                where="mid",
                color="C2",
                label="selected features",
            )
            self.ax_features_.set_ylabel("selected features", color="C2")
            self.ax_features_.set_ylim(bottom=0)
            handles.append(lines["n_selected_features"])

        if self.alpha is not None:
            lines["alpha"] = ax.axvline(
                self.alpha, color="k", label=f"alpha_ = {self.alpha:.3g}"
            )
            handles.append(lines["alpha"])
        if show_1se and self.alpha_1se is not None and self.alpha_1se != self.alpha:
            lines["alpha_1se"] = ax.axvline(
                self.alpha_1se,
                color="k",
                linestyle=":",
                label=f"alpha_1se_ = {self.alpha_1se:.3g}",
            )
            handles.append(lines["alpha_1se"])
        ax.legend(handles=handles, loc="best", fontsize="small")

        self.ax_ = ax
        self.figure_ = ax.figure
        self.lines_ = lines
        return self

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, score_name=None, show_1se=True):
        """Draw the path of a fitted ``RegMLPClassifierCV`` / ``RegMLPRegressorCV``.

        Parameters
        ----------
        estimator : RegMLPClassifierCV or RegMLPRegressorCV
            A fitted CV estimator. The weight norm and the selected features
            come from its ``path_`` (``refit=True``), the scores from its
            ``cv_results_``.
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
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(estimator, "cv_results_")
        if score_name is None:
            scoring = estimator.scoring
            if scoring is None:
                scoring = "accuracy" if is_classifier(estimator) else "R^2"
            score_name = f"CV {scoring if isinstance(scoring, str) else 'score'}"
        path = getattr(estimator, "path_", None) or {}
        display = cls(
            alphas=estimator.alphas_,
            mean_test_score=estimator.cv_results_["mean_test_score"],
            std_test_score=estimator.cv_results_["std_test_score"],
            weight_norm=path.get("weight_norm"),
            n_selected_features=path.get("n_selected_features"),
            alpha=estimator.alpha_,
            alpha_1se=estimator.alpha_1se_,
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
