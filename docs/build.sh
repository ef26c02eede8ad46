#!/usr/bin/env bash
# Build the documentation offline with warnings as errors, executing every
# gallery example, then check the built pages in headless Chromium.
#
# Installs nothing: it needs the docs extra (pip install ".[docs]") and, for
# the browser check, Debian's chromium (apt-get install -y chromium).
# Usage: bash docs/build.sh [--no-check]
set -euo pipefail
cd "$(dirname "$0")/.."

# The examples' networks are small: a multi-threaded BLAS costs more than it
# saves on them, and much more on a busy machine.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
export MKL_NUM_THREADS="${MKL_NUM_THREADS:-1}"
export MPLBACKEND=Agg

# a clean build: stale generated pages would hide a warning
rm -rf docs/_build docs/generated docs/auto_examples
start=$(date +%s)
python -m sphinx -W --keep-going -b html docs docs/_build/html
echo "docs built in $(( $(date +%s) - start )) s: docs/_build/html/index.html"

if [ "${1:-}" != "--no-check" ]; then
  python docs/check_site.py docs/_build/html --screenshots docs/_build/screenshots
fi
