"""BLAS thread limits: scipy's around full-batch fits, numpy's where it pays.

numpy and scipy wheels each bundle an OpenBLAS with its own thread pool; when
L-BFGS-B alternates between them, their spinning threads fight over the cores
(see ``scipy_blas_single_threaded``). This module finds scipy's pool and
limits it, safely for nested and concurrent fits. numpy's pool is limited
to one thread around a mini-batch fit whose step measures faster so
(``one_thread_is_faster``): small products, or a busy machine.
"""

import os
import threading
import time
from contextlib import contextmanager

import numpy as np


class _SharedLimit:
    """A BLAS thread limit shared by nested and concurrent fits.

    The first to enter saves the thread counts of ``libs()`` and limits them,
    the last to leave restores them, unless someone else changed them
    meanwhile (then theirs stand). Entering and leaving are safe against a
    ``KeyboardInterrupt`` at any point: every entry is one ``append`` of a
    token, and the restore runs whenever no token is left, whether or not
    this entry got to append its own.
    """

    def __init__(self, libs):
        self.libs = libs
        self.lock = threading.Lock()
        self.entries = []  # one token per fit inside the limit
        self.saved = []  # the thread counts before the limit

    @contextmanager
    def __call__(self):
        token = object()
        try:
            with self.lock:
                libs = self.libs()
                if not self.entries and not self.saved:
                    self.saved[:] = [lib.num_threads for lib in libs]
                    for lib in libs:
                        lib.set_num_threads(1)
                self.entries.append(token)
            yield
        finally:
            with self.lock:
                if token in self.entries:
                    self.entries.remove(token)
                if not self.entries and self.saved:
                    for lib, n in zip(self.libs(), self.saved, strict=True):
                        if lib.num_threads == 1:  # still our limit
                            lib.set_num_threads(n)
                    self.saved.clear()


def scipy_blas_single_threaded():
    """Run scipy's own BLAS on one thread, numpy's untouched.

    numpy and scipy wheels each bundle an OpenBLAS with its own thread pool.
    Around L-BFGS-B the two pools alternate and their spinning threads fight
    over the cores, which can make a fit several times slower (measured on 2
    cores: ``MLPClassifier``'s lbfgs 4 to 15 times). L-BFGS-B's own BLAS work
    is tiny (vectors of the size of the parameters), so scipy's pool (every
    BLAS that is not numpy's, see ``_non_numpy_blas``) gets one thread and
    numpy keeps its threads for the network's products. Nested and
    concurrent fits share one limit (``_SharedLimit``).
    """
    return _scipy_limit()


def numpy_blas_single_threaded():
    """Run numpy's BLAS on one thread (shared like ``scipy_blas_single_threaded``)."""
    return _numpy_limit()


def numpy_blas_threads():
    """The thread count of numpy's BLAS (the largest, if several)."""
    return max((lib.num_threads for lib in _numpy_blas()), default=1)


#: seconds a measured choice of threads stands (the machine's load changes)
CHOICE_TTL = 60.0
_choices = {}  # key -> (time, whether one thread was faster)


def one_thread_is_faster(key, probe, repeats=3):
    """Whether ``probe()`` (a training step) runs faster with numpy's BLAS
    on one thread than on its current count: the medians of ``repeats``
    alternated runs. Small products lose to the threads' start-up and,
    on a busy machine, to threads waiting for a core. Remembered per
    ``key`` (a problem's shapes) for ``CHOICE_TTL`` seconds.
    """
    now = time.monotonic()
    if numpy_blas_threads() <= 1:
        return False
    cached = _choices.get(key)
    if cached is not None and now - cached[0] < CHOICE_TTL:
        return cached[1]
    probe()  # caches, buffers
    one, many = [], []
    for _ in range(repeats):
        many.append(_timed(probe))
        with numpy_blas_single_threaded():
            one.append(_timed(probe))
    faster = sorted(one)[repeats // 2] < sorted(many)[repeats // 2]
    if len(_choices) > 64:
        _choices.clear()
    _choices[key] = (now, faster)
    return faster


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


_non_numpy_blas_cache = []


def _non_numpy_blas():
    """threadpoolctl controllers of the BLAS libraries that are not numpy's.

    Told apart by where they live: pip wheels bundle them in
    ``site-packages/<package>.libs`` (Linux, Windows) or ``<package>/.dylibs``
    (macOS). The library names do not help: numpy's is also called
    ``libscipy_openblas64_``. When numpy has a bundled BLAS, every other one
    (scipy's, or a system one scipy links to) is not numpy's; otherwise only
    scipy's bundled one is taken, so a BLAS that numpy and scipy share (conda,
    Linux distributions) is never limited: with one pool there is no fight.
    Found once (``ThreadpoolController()`` takes a millisecond or more).
    """
    if not _non_numpy_blas_cache:
        import scipy
        from threadpoolctl import ThreadpoolController

        def inside(lib, package):
            root = os.path.realpath(os.path.dirname(package.__file__))
            path = os.path.realpath(lib.filepath)
            return path.startswith((root + os.sep, root + ".libs" + os.sep))

        blas = [
            lib
            for lib in ThreadpoolController().lib_controllers
            if lib.user_api == "blas"
        ]
        numpy_bundles = any(inside(lib, np) for lib in blas)
        _non_numpy_blas_cache.append(
            [
                lib
                for lib in blas
                if inside(lib, scipy) or (numpy_bundles and not inside(lib, np))
            ]
        )
    return _non_numpy_blas_cache[0]


def _numpy_blas():
    """threadpoolctl controllers of numpy's BLAS: every BLAS that
    ``_non_numpy_blas`` leaves out."""
    if not _numpy_blas_cache:
        from threadpoolctl import ThreadpoolController

        others = {os.path.realpath(lib.filepath) for lib in _non_numpy_blas()}
        _numpy_blas_cache.append(
            [
                lib
                for lib in ThreadpoolController().lib_controllers
                if lib.user_api == "blas"
                and os.path.realpath(lib.filepath) not in others
            ]
        )
    return _numpy_blas_cache[0]


_numpy_blas_cache = []
_scipy_limit = _SharedLimit(_non_numpy_blas)
_numpy_limit = _SharedLimit(_numpy_blas)
