"""scipy's BLAS on one thread around full-batch fits, numpy's left alone.

numpy and scipy wheels each bundle an OpenBLAS with its own thread pool; when
L-BFGS-B alternates between them, their spinning threads fight over the cores
(see ``scipy_blas_single_threaded``). This module finds scipy's pool and
limits it, safely for nested and concurrent fits.
"""

import os
import threading
from contextlib import contextmanager

import numpy as np


@contextmanager
def scipy_blas_single_threaded():
    """Run scipy's own BLAS on one thread, numpy's untouched.

    numpy and scipy wheels each bundle an OpenBLAS with its own thread pool.
    Around L-BFGS-B the two pools alternate and their spinning threads fight
    over the cores, which can make a fit several times slower (measured on 2
    cores: ``MLPClassifier``'s lbfgs 4 to 15 times). L-BFGS-B's own BLAS work
    is tiny (vectors of the size of the parameters), so scipy's pool (every
    BLAS that is not numpy's, see ``_non_numpy_blas``) gets one thread and
    numpy keeps its threads for the network's products.

    Nested and concurrent fits (threads of a grid search) share one limit: the
    first to enter saves the thread counts, the last to leave restores them,
    unless someone else changed them meanwhile (then theirs stand). Entering
    and leaving are safe against a ``KeyboardInterrupt`` at any point: every
    entry is one ``append`` of a token, and the restore runs whenever no
    token is left, whether or not this entry got to append its own.
    """
    token = object()
    try:
        with _lock:
            libs = _non_numpy_blas()
            if not _entries and not _saved:
                _saved[:] = [lib.num_threads for lib in libs]
                for lib in libs:
                    lib.set_num_threads(1)
            _entries.append(token)
        yield
    finally:
        with _lock:
            if token in _entries:
                _entries.remove(token)
            if not _entries and _saved:
                for lib, n in zip(_non_numpy_blas(), _saved, strict=True):
                    if lib.num_threads == 1:  # still our limit
                        lib.set_num_threads(n)
                _saved.clear()


_lock = threading.Lock()
_entries = []  # one token per fit inside the limit
_saved = []  # the thread counts before the limit
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
