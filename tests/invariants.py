"""The state every fit must end in, however it ends (SPEC §6).

Shared by the tests that end fits in every way: normally, at ``max_iter``,
by divergence, by a ``KeyboardInterrupt``, by a callback's stop request.
"""

import numpy as np


def assert_consistent(model, X):
    """Finite weights within the constraints, curves and counters that
    agree, finite predictions."""
    for array in [*model.coefs_, *model.intercepts_]:
        assert np.isfinite(array).all(), "non-finite weights"
    if model.weight_clip is not None:
        for W in model.coefs_:
            assert np.abs(W).max(initial=0) <= model.weight_clip
    if model.max_norm is not None:
        for W in model.coefs_:
            norms = np.linalg.norm(W, axis=0)
            assert np.all(norms <= model.max_norm * (1 + 1e-6)), norms.max()
    curves = [model.loss_curve_, model.data_loss_curve_, model.alpha_curve_]
    assert len({len(c) for c in curves}) == 1, "curves of unequal lengths"
    assert 1 <= model.n_iter_ <= len(model.loss_curve_)
    assert model.loss_ == model.loss_curve_[-1]
    if model.validation_scores_ is not None:
        assert len(model.validation_scores_) == len(model.loss_curve_)
    predictions = model.predict(X)
    if hasattr(model, "predict_proba"):  # labels: in classes_
        assert np.isin(predictions, model.classes_).all()
        proba = model.predict_proba(X)
        assert np.isfinite(proba).all(), "non-finite probabilities"
        if model._label_binarizer.y_type_ != "multilabel-indicator":
            np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    else:
        assert np.isfinite(predictions).all(), "non-finite predictions"
