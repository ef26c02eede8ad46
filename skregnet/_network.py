"""The NumPy core: parameter layout, forward pass and backpropagation.

All parameters live in one flat buffer, weights of every layer first, then
the biases: ``[W1, ..., WL, b1, ..., bL]``. ``Layout`` hands out per-layer
views into such a buffer, so optimizers update every layer with one vectorized
operation, penalties see all weights as one vector ``params[:n_coef]``, and
L-BFGS needs no packing copies. Gradients use the same layout.

``Network`` holds no parameters: ``loss_grad(params, ...)`` is a function of
the buffer it is given, which is what the finite-difference tests check. It
keeps work arrays for the activations and deltas of the largest batch seen and
reuses them, so the batch loop allocates little.
"""

from itertools import pairwise

import numpy as np
import scipy.sparse as sp

from skregnet._activations import ACTIVATIONS, OUTPUT_ACTIVATIONS
from skregnet._utils import CHUNK_ROWS, row_chunks


class Layout:
    """Where each layer's weights and biases sit in the flat parameter buffer."""

    def __init__(self, layer_units):
        self.layer_units = list(layer_units)
        self.coef_shapes = list(pairwise(self.layer_units))
        sizes = [a * b for a, b in self.coef_shapes]
        self.n_coef = int(sum(sizes))
        self.n_params = self.n_coef + int(sum(self.layer_units[1:]))
        self._coef_bounds = [int(b) for b in np.cumsum([0, *sizes])]
        self._intercept_bounds = [
            self.n_coef + int(b) for b in np.cumsum([0, *self.layer_units[1:]])
        ]
        # (buffer, coefs, intercepts) of the last few buffers seen: the solvers
        # pass the same parameter and gradient buffers at every batch, and
        # building their views anew costs more than a small layer's products
        self._views_cache = []

    def _views(self, flat):
        for entry in self._views_cache:
            if entry[0] is flat:
                return entry[1], entry[2]
        b, c = self._coef_bounds, self._intercept_bounds
        coefs = tuple(
            flat[b[i] : b[i + 1]].reshape(shape)
            for i, shape in enumerate(self.coef_shapes)
        )
        intercepts = tuple(flat[c[i] : c[i + 1]] for i in range(len(coefs)))
        self._views_cache = [(flat, coefs, intercepts), *self._views_cache[:3]]
        return coefs, intercepts

    def coefs(self, flat):
        """Per-layer weight matrices, as views of ``flat``."""
        return list(self._views(flat)[0])

    def intercepts(self, flat):
        """Per-layer bias vectors, as views of ``flat``."""
        return list(self._views(flat)[1])

    def pack(self, coefs, intercepts, dtype):
        """A new flat buffer holding copies of ``coefs`` and ``intercepts``."""
        flat = np.empty(self.n_params, dtype=dtype)
        for dst, src in zip(self.coefs(flat), coefs, strict=True):
            dst[...] = src
        for dst, src in zip(self.intercepts(flat), intercepts, strict=True):
            dst[...] = src
        return flat


class Network:
    """Forward and backward passes of a fully connected network.

    Parameters
    ----------
    layout : Layout
    activation : str
        Hidden-layer activation, a key of ``ACTIVATIONS``.
    out_activation : str
        Output activation, a key of ``OUTPUT_ACTIVATIONS``.
    loss : skregnet._losses.Loss
        The per-sample loss, whose canonical link gives the output delta.
    """

    def __init__(self, layout, activation, out_activation, loss):
        self.layout = layout
        self.hidden = ACTIVATIONS[activation]
        self.output = OUTPUT_ACTIVATIONS[out_activation]
        self.loss = loss
        self._capacity = 0
        self._dtype = None

    def _buffers(self, n, dtype, dropout=False):
        """Work arrays with room for ``n`` rows, reused across batches.

        Returns ``(acts, deltas, dropped, loss_work)``: the activations and
        deltas of every layer, the masked hidden outputs (``None`` without
        ``dropout``) and the loss's elementwise terms.
        """
        if n > self._capacity or self._dtype != dtype:
            units = self.layout.layer_units
            self._acts = [np.empty((n, u), dtype=dtype) for u in units[1:]]
            self._deltas = [np.empty((n, u), dtype=dtype) for u in units[1:]]
            self._loss_work = np.empty((n, units[-1]), dtype=dtype)
            self._dropped = None
            self._capacity, self._dtype = n, dtype
            self._sliced = None
        if dropout and self._dropped is None:
            units = self.layout.layer_units
            self._dropped = [np.empty((self._capacity, u), dtype) for u in units[1:-1]]
            self._sliced = None
        # the row slices of the last batch size (most batches have the same)
        if self._sliced is None or self._sliced[0] != n:
            self._sliced = (
                n,
                [a[:n] for a in self._acts],
                [d[:n] for d in self._deltas],
                None if self._dropped is None else [d[:n] for d in self._dropped],
                self._loss_work[:n],
            )
        return self._sliced[1:]

    def forward(self, params, X, *, masks=None, out=None, dropped=None, raw=None):
        """Activations of every layer for the rows of ``X``.

        ``masks`` are optional dropout masks (already divided by the keep
        probability) for the hidden layers. Returns ``(acts, inputs)``:
        ``acts[l]`` is the output of layer ``l + 1`` and ``inputs[l]`` what
        layer ``l + 1`` received (``X``, then the masked hidden outputs).
        ``out`` and ``dropped`` are optional work arrays for the activations
        and the masked hidden outputs; ``raw``, one that receives the output
        layer's pre-activation (the logits), from which the losses are exact
        where the probabilities underflow.
        """
        coefs, intercepts = self.layout._views(params)
        return self._layers(coefs, intercepts, X, out, masks, dropped, raw)

    def _layers(self, coefs, intercepts, X, out, masks=None, dropped=None, raw=None):
        """``forward`` on per-layer weights and biases."""
        n_layers = len(coefs)
        acts = [None] * n_layers if out is None else out
        inputs = [X]
        for i in range(n_layers):
            A = inputs[i]
            if i == 0 and sp.issparse(A):  # only the input can be sparse
                Z = A @ coefs[i]
                if acts[i] is None:
                    acts[i] = np.asarray(Z)
                else:
                    acts[i][...] = Z
            elif acts[i] is None:
                acts[i] = A @ coefs[i]
            else:
                np.dot(A, coefs[i], out=acts[i])
            acts[i] += intercepts[i]
            if i == n_layers - 1:
                if raw is not None:
                    np.copyto(raw, acts[i])
                self.output.forward(acts[i])
            else:
                self.hidden.forward(acts[i])
                if masks is not None:
                    dst = None if dropped is None else dropped[i]
                    inputs.append(np.multiply(acts[i], masks[i], out=dst))
                else:
                    inputs.append(acts[i])
        return acts, inputs

    def predict(self, params, X):
        """Output of the network (no dropout), in a new array."""
        coefs, intercepts = self.layout._views(params)
        return self.predict_layers(coefs, intercepts, X)

    def predict_layers(self, coefs, intercepts, X, chunk_rows=CHUNK_ROWS):
        """Output of the network with per-layer weights and biases (cast to
        X's dtype), computed ``chunk_rows`` rows at a time.

        Only the output is of X's length: the hidden activations take at most
        ``chunk_rows`` rows whatever the size of ``X``, in arrays of this call
        (concurrent calls share nothing, and nothing of the network changes).
        """
        dtype = X.dtype
        coefs = [W if W.dtype == dtype else W.astype(dtype) for W in coefs]
        intercepts = [b if b.dtype == dtype else b.astype(dtype) for b in intercepts]
        n = X.shape[0]
        if n <= chunk_rows:  # one chunk: fresh arrays, nothing to slice
            return self._predict_chunk(coefs, intercepts, X, [None] * len(coefs))
        out = np.empty((n, coefs[-1].shape[1]), dtype=dtype)
        work = [np.empty((chunk_rows, W.shape[1]), dtype=dtype) for W in coefs[:-1]]
        for X_chunk, chunk in row_chunks(X, chunk_rows):
            m = X_chunk.shape[0]
            acts = [w[:m] for w in work] if m < chunk_rows else work
            self._predict_chunk(coefs, intercepts, X_chunk, [*acts, out[chunk]])
        return out

    def _predict_chunk(self, coefs, intercepts, X, acts):
        """The network's output on the rows of ``X``, in ``acts[-1]``;
        ``acts`` are work arrays of the layers' outputs (or ``None``: new)."""
        A, last = X, len(coefs) - 1
        for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
            if acts[i] is None:
                acts[i] = A @ W  # a sparse input gives an ndarray too
            elif i == 0 and sp.issparse(A):
                acts[i][...] = A @ W
            else:
                np.dot(A, W, out=acts[i])
            A = acts[i]
            A += b
            (self.hidden if i < last else self.output).forward(A)
        return A

    def data_loss(self, params, X, y, sw, chunk_rows=CHUNK_ROWS, out=None):
        """The data term (weighted mean loss) at ``params``, no gradient;
        computed ``chunk_rows`` rows at a time (``sw`` sums to one over all
        the rows, so the chunks' terms add up) in arrays of this call.

        ``out``, an optional ``(n_samples, n_outputs)`` array, receives the
        network's outputs.
        """
        units, rows = self.layout.layer_units, max(1, min(X.shape[0], chunk_rows))
        work = [np.empty((rows, u), dtype=params.dtype) for u in units[1:]]
        raw_work = np.empty((rows, units[-1]), dtype=params.dtype)
        total = 0.0
        for X_chunk, chunk in row_chunks(X, rows):
            m = X_chunk.shape[0]
            acts, raw = [w[:m] for w in work], raw_work[:m]
            if out is not None:
                acts[-1] = out[chunk]
            y_pred = self.forward(params, X_chunk, out=acts, raw=raw)[0][-1]
            total += self.loss.value(y[chunk], y_pred, sw[chunk], raw=raw)
        return total

    def loss_grad(self, params, X, y, sw, grad, *, masks=None):
        """Data term (weighted mean loss) and its gradient, written to ``grad``.

        ``sw`` are sample weights normalized to sum to one. Returns
        ``(loss, y_pred)`` where ``y_pred`` is a work array, only valid until
        the next call.
        """
        acts, deltas, dropped, loss_work = self._buffers(
            X.shape[0], params.dtype, dropout=masks is not None
        )
        # the output delta's buffer holds the logits until the delta is due
        acts, inputs = self.forward(
            params, X, masks=masks, out=acts, dropped=dropped, raw=deltas[-1]
        )
        y_pred = acts[-1]
        loss = self.loss.value(y, y_pred, sw, work=loss_work, raw=deltas[-1])
        self.loss.raw_grad(y, y_pred, sw, out=deltas[-1])
        self.backward(params, acts, inputs, deltas, grad, masks=masks)
        return loss, y_pred

    def backward(self, params, acts, inputs, deltas, grad, *, masks=None):
        """Backpropagate ``deltas[-1]`` (the output delta) into ``grad``."""
        coefs = self.layout._views(params)[0]
        coef_grads, intercept_grads = self.layout._views(grad)
        for i in range(len(coefs) - 1, -1, -1):
            delta = deltas[i]
            A = inputs[i]
            if sp.issparse(A):
                coef_grads[i][...] = A.T @ delta
            else:
                np.dot(A.T, delta, out=coef_grads[i])
            # sum, not a GEMV with ones: a GEMV can round identical columns
            # differently, which breaks the symmetry of identical hidden units
            delta.sum(axis=0, out=intercept_grads[i])
            if i > 0:
                prev = deltas[i - 1]
                np.dot(delta, coefs[i].T, out=prev)
                if masks is not None:
                    prev *= masks[i - 1]
                self.hidden.backward(acts[i - 1], prev)
        return grad
