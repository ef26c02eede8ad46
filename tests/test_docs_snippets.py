"""Every code snippet of the README and of the docs' pages runs.

- Python blocks (README ```python fences, ``.. code-block:: python`` in
  ``docs/*.rst``) are executed in order, one namespace per file, as a reader
  who copies them one after the other would.
- Command lines that call ``skregnet`` (README ```sh fences, ``$ skregnet``
  lines of ``.. code-block:: console``) are run as ``python -m skregnet`` in a
  folder holding the ``data.csv`` they name, and must exit with status 0.

Skipped, with the reason in the test id: Python blocks that need a running
dask scheduler (they say so in a ``# needs a running dask scheduler``
comment), blocks that need scikit-learn's callbacks on an older
scikit-learn (``# needs scikit-learn >= 1.9``), blocks that another test
runs (``# run by tests/...``: the developer guide's registrations, which
would change a registry for every test of the process), and shell lines
other than ``skregnet`` (``pip install``, ``git clone``: they install or
fetch, which a test must not do).
"""

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from skregnet._callbacks import HAS_CALLBACKS

ROOT = Path(__file__).resolve().parents[1]
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.rst"))]
NEEDS_CLUSTER = "# needs a running dask scheduler"
RUN_ELSEWHERE = "# run by tests/"
NEEDS_CALLBACKS = "# needs scikit-learn >= 1.9"

pytestmark = pytest.mark.skipif(
    not (ROOT / "README.md").exists() or not (ROOT / "docs").is_dir(),
    reason="not run from a clone: no README.md / docs/",
)


def _markdown_blocks(text, language):
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.M | re.S)


def _rst_blocks(text, language):
    """The bodies of ``.. code-block:: language`` directives, dedented."""
    blocks = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip() != f".. code-block:: {language}":
            continue
        indent = len(line) - len(line.lstrip())
        body = []
        for following in lines[i + 1 :]:
            if following.strip() and len(following) - len(following.lstrip()) <= indent:
                break
            body.append(following)
        blocks.append(textwrap.dedent("\n".join(body)).strip("\n") + "\n")
    return blocks


def python_blocks(path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        return _markdown_blocks(text, "python")
    return _rst_blocks(text, "python")


def command_lines(path):
    """Shell command lines of a file, without the ``$ `` prompt."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        lines = [
            line
            for block in _markdown_blocks(text, "sh")
            for line in block.splitlines()
        ]
    else:
        lines = [
            line.removeprefix("$ ")
            for block in _rst_blocks(text, "console")
            for line in block.splitlines()
            if line.startswith("$ ")
        ]
    return [line.split("#")[0].strip() for line in lines if line.strip()]


def _python_cases():
    for path in DOC_FILES:
        blocks = python_blocks(path)
        if blocks:
            yield pytest.param(path, blocks, id=path.name)


def _command_cases():
    for path in DOC_FILES:
        for k, line in enumerate(command_lines(path)):
            marks = ()
            if not line.startswith("skregnet"):
                marks = pytest.mark.skip(reason="installs or fetches: not in a test")
            yield pytest.param(line, marks=marks, id=f"{path.name}-{k}")


def test_the_files_have_snippets():
    """A guard: the extraction finds what the pages contain."""
    names = {path.name: python_blocks(path) for path in DOC_FILES}
    assert len(names["README.md"]) == 2
    assert len(names["quick_start.rst"]) == 3
    assert len(names["user_guide.rst"]) >= 4
    assert sum(
        1 for p in DOC_FILES for c in command_lines(p) if c.startswith("skregnet")
    )


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("path, blocks", list(_python_cases()))
def test_python_blocks_run(path, blocks, tmp_path, monkeypatch):
    pytest.importorskip("matplotlib").use("Agg")
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": f"snippets_of_{path.stem}"}
    for k, block in enumerate(blocks):
        if NEEDS_CLUSTER in block:
            continue  # needs a dask scheduler: a cluster, not a test
        if NEEDS_CALLBACKS in block and not HAS_CALLBACKS:
            continue  # sklearn.callback is new in scikit-learn 1.9
        if RUN_ELSEWHERE in block:
            test_file = block.split(RUN_ELSEWHERE, 1)[1].split()[0]
            assert (ROOT / "tests" / test_file).exists(), test_file
            continue
        code = compile(block, f"{path.name} block {k + 1}", "exec")
        exec(code, namespace)


def _write_data_csv(folder):
    """The ``data.csv`` the README's commands name: numeric features, a label."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((120, 4))
    label = np.where(X[:, 0] - X[:, 1] > 0, "yes", "no")
    rows = [
        ",".join(f"{v:.4f}" for v in x) + f",{lab}"
        for x, lab in zip(X, label, strict=True)
    ]
    (folder / "data.csv").write_text("a,b,c,d,label\n" + "\n".join(rows) + "\n")


@pytest.mark.parametrize("line", list(_command_cases()))
def test_command_lines_run(line, tmp_path):
    _write_data_csv(tmp_path)
    args = line.split()[1:]
    proc = subprocess.run(
        [sys.executable, "-m", "skregnet", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    for option in ("--plot",):
        if option in args:
            png = tmp_path / args[args.index(option) + 1]
            assert png.read_bytes()[:4] == b"\x89PNG"
