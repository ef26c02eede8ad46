"""scikit-learn's callbacks (``sklearn.callback``, scikit-learn >= 1.9).

The estimators take ``CallbackSupportMixin`` and decorate ``fit`` and
``partial_fit`` with ``with_callbacks``: ``set_callbacks(ProgressBar(),
ScoringMonitor(...))`` then works as for ``LogisticRegression``, and inside
``GridSearchCV`` the search's auto-propagated callbacks reach our epochs.
Each fit is one task with one subtask per epoch (``sgd`` / ``adam``) or
iteration (``lbfgs``); a callback's ``on_fit_task_end`` returning True stops
training, which then ends as at ``max_iter``, with a ConvergenceWarning
saying a callback stopped it.

On older scikit-learn the names below are stand-ins that do nothing: the
estimators have no ``set_callbacks`` and fit as before.

``FitMonitor`` is what the solvers see (``Run.monitor``): ``start`` opens the
first subtask, ``step`` ends the current one and opens the next, ``close``
ends the last, empty one (as ``LogisticRegression``'s L-BFGS bridge does).
Without callbacks there is no monitor, so an epoch costs nothing more.
"""

from contextlib import contextmanager, nullcontext

try:
    from sklearn.callback import CallbackSupportMixin, with_callbacks
    from sklearn.callback._callback_support import callback_management_context

    HAS_CALLBACKS = True
except ImportError:  # scikit-learn < 1.9

    class CallbackSupportMixin:
        """Stand-in: no callbacks before scikit-learn 1.9."""

    def with_callbacks(method):
        return method

    def callback_management_context(estimator):
        return nullcontext()

    HAS_CALLBACKS = False


class FitCallbacks:
    """The callbacks' view of one fit: its task, begun once the data are
    validated, its subtasks (a ``FitMonitor``), ended once the model is
    stored. Does nothing without callback support.

    Parameters
    ----------
    estimator : BaseRegMLP
        The estimator being fitted.
    max_subtasks : int
        The most epochs (iterations) of the fit, plus one (the last subtask
        opened is ended empty).
    """

    def __init__(self, estimator, max_subtasks):
        self.estimator = estimator
        self.context = None
        if HAS_CALLBACKS:
            self.context = estimator._init_callback_context(max_subtasks=max_subtasks)

    def begin(self, run, y, stochastic):
        """Begin the fit's task on its training data; the run's monitor, or
        ``None`` when no callback is set (an epoch then costs nothing more)."""
        if self.context is None:
            return None
        data = run.train
        metadata = None
        if data.sample_weight is not None:
            metadata = {"sample_weight": data.sample_weight}
        # the hooks see the training rows; with an early_stopping split, y is
        # the targets of those rows, decoded
        if run.validation is not None and data.n_samples != len(y):
            y = self.estimator._decode(data.Y)
        self.hook_args = {"X": data.X, "y": y, "metadata": metadata}
        self.context.call_on_fit_task_begin(estimator=self.estimator, **self.hook_args)
        if not getattr(self.estimator, "_skl_callbacks", None):
            return None
        return FitMonitor(
            self.estimator,
            self.context,
            layout=run.problem.network.layout,
            task_name="epoch" if stochastic else "iteration",
            **self.hook_args,
        )

    def end(self, estimator):
        """End the fit's task, the model as stored."""
        if self.context is None or not hasattr(self, "hook_args"):
            return
        self.context.call_on_fit_task_end(
            estimator=estimator,
            reconstruction_attributes=lambda: {
                "coefs_": estimator.coefs_,
                "intercepts_": estimator.intercepts_,
            },
            **self.hook_args,
        )


class FitMonitor:
    """The per-epoch (per-iteration) subtasks of one fit.

    Parameters
    ----------
    estimator : BaseRegMLP
        The estimator being fitted (its ``coefs_`` / ``intercepts_`` are
        replaced, in a copy, by the current weights for ``fitted_estimator``).
    context : CallbackContext
        The fit's task.
    X, y : array-like
        The training data, as the callbacks' hooks receive them.
    metadata : dict or None
        ``{"sample_weight": ...}`` when given.
    layout : skregnet._network.Layout
        Where the weights are in the flat parameter buffer.
    task_name : str
        ``"epoch"`` or ``"iteration"``.
    """

    def __init__(self, estimator, context, X, y, metadata, layout, task_name):
        self.estimator, self.context = estimator, context
        self.hook_args = {"X": X, "y": y, "metadata": metadata}
        self.layout, self.task_name = layout, task_name
        self.task = None

    def _attributes(self, params):
        """What makes a copy of the estimator predict with ``params``: computed
        only if a callback asks for ``fitted_estimator``."""
        layout = self.layout

        def attributes():
            return {
                "coefs_": [c.copy() for c in layout.coefs(params)],
                "intercepts_": [b.copy() for b in layout.intercepts(params)],
            }

        return attributes

    def start(self, params):
        """Open the first subtask, at the starting weights."""
        self.task = self.context.subcontext(task_name=self.task_name)
        self.task.call_on_fit_task_begin(
            estimator=self.estimator,
            reconstruction_attributes=self._attributes(params),
            **self.hook_args,
        )

    def step(self, params):
        """End the current subtask at ``params`` and open the next; whether
        a callback asks to stop."""
        stop = self.task.call_on_fit_task_end(
            estimator=self.estimator,
            reconstruction_attributes=self._attributes(params),
            **self.hook_args,
        )
        self.start(params)
        return bool(stop)

    def close(self):
        """End the last subtask, which no epoch ran."""
        if self.task is not None:
            self.task.call_on_fit_task_end(estimator=self.estimator)
            self.task = None


class Task:
    """A task of a CV estimator's fit (a fold, or the path on all the data),
    whose subtasks are the path's points.

    Parameters
    ----------
    context : CallbackContext
        The task.
    caller : BaseRegMLPCV
        The CV estimator, the ``estimator`` its callbacks' hooks receive.
    metadata : dict or None
        ``{"sample_weight": ...}`` when given.
    """

    def __init__(self, context, caller, metadata):
        self.context, self.caller, self.metadata = context, caller, metadata

    def _hooks(self, context, X, y):
        return dict(estimator=self.caller, X=X, y=y, metadata=self.metadata)

    @contextmanager
    def scope(self, X, y):
        """Begin the task on its training data; end it however its body ends."""
        self.context.call_on_fit_task_begin(**self._hooks(self.context, X, y))
        try:
            yield
        finally:
            self.context.call_on_fit_task_end(**self._hooks(self.context, X, y))

    @contextmanager
    def point(self, estimator, X, y):
        """One path point: a subtask, begun and ended here, into which the
        point's fit merges its own task (its epochs), with the CV estimator's
        auto-propagated callbacks."""
        point = self.context.subcontext(task_name="alpha")
        with point.propagate_callback_context(estimator):
            point.call_on_fit_task_begin(**self._hooks(point, X, y))
            try:
                with callback_management_context(estimator):
                    yield
            finally:
                point.call_on_fit_task_end(**self._hooks(point, X, y))


def search_tasks(estimator, n_folds, X, y, metadata):
    """The CV estimator's fit task (begun) and its subtasks, created ahead of
    the parallel jobs as ``GridSearchCV`` does: a ``Task`` per fold and one
    for the path on all the data, so that ``ProgressBar`` nests folds, alphas
    and epochs. ``(None, [None] * n_folds, None)`` without callback
    support."""
    if not HAS_CALLBACKS:
        return None, [None] * n_folds, None
    root = estimator._init_callback_context(max_subtasks=None)
    root.call_on_fit_task_begin(estimator=estimator, X=X, y=y, metadata=metadata)

    def task(name):
        context = root.subcontext(task_name=name, max_subtasks=None)
        return Task(context, estimator, metadata)

    return root, [task("fold") for _ in range(n_folds)], task("path on all the data")
