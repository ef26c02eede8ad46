"""``python -m skregnet``: the command line of :mod:`skregnet._cli`.

``python -m skregnet`` alone runs a demo (``RegMLPClassifier`` on
``load_digits`` with five penalties); ``fit``, ``cv`` and ``path`` work on a
CSV file or a built-in dataset (``python -m skregnet --help``).
"""

import sys

from skregnet._cli import main

if __name__ == "__main__":
    sys.exit(main())
