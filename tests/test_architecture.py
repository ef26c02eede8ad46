"""The layers of skregnet, and what each module may import (docs/developer.rst).

Pieces know nothing of networks, the network nothing of solvers, solvers
nothing of estimators, and so on up: a module imports only from its own
layer or the layers below it. The size limits keep each function readable
in one screen.
"""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "skregnet"

#: layer of each module, lowest first (``_utils`` and ``_docs`` serve all)
LAYERS = {
    "_utils": 0,
    "_docs": 0,
    "_version": 0,
    "_activations": 1,
    "_losses": 1,
    "_penalties": 1,
    "_initializers": 1,
    "_schedules": 1,
    "_constraints": 1,
    "_optimizers": 1,
    "_network": 2,
    "_training": 3,
    "_blas": 4,
    "_stochastic": 4,
    "_full_batch": 4,
    "_solvers": 4,
    "_base": 5,
    "_callbacks": 5,
    "_inputs": 5,
    "_mlp": 5,
    "_inspection": 5,
    "_path": 6,
    "_search": 6,
    "_cv": 6,
    "plotting": 7,
    "_cli": 7,
    "_cli_data": 7,
    "_cli_commands": 7,
    "__main__": 7,
    "__init__": 8,
}

#: modules above the estimators use only skregnet's public API
PUBLIC_ONLY = {"plotting", "_cli", "_cli_data", "_cli_commands", "__main__"}

#: the command line's modules, which may import one another
CLI = {"_cli", "_cli_data", "_cli_commands"}

#: the private modules a public-only module may use besides ``_utils``:
#: ``__main__`` runs ``_cli``, and the command line's modules use each other
OWN_PRIVATE = {"__main__": {"_cli"}, **{m: CLI - {m} for m in CLI}}


def _modules():
    return sorted(p.stem for p in PACKAGE.glob("*.py"))


def _imports(module):
    """The skregnet modules ``module`` imports (``"skregnet"`` for the package)."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "skregnet":
                found.add("skregnet")
            elif node.module.startswith("skregnet."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(
                alias.name.split(".")[1] if "." in alias.name else "skregnet"
                for alias in node.names
                if alias.name.split(".")[0] == "skregnet"
            )
    return found


def test_every_module_has_a_layer():
    assert set(_modules()) <= set(LAYERS)


@pytest.mark.parametrize("module", _modules())
def test_imports_go_down_the_layers(module):
    for imported in _imports(module) - {"skregnet"}:
        assert LAYERS[imported] <= LAYERS[module], f"{module} imports {imported}"
    if module in PUBLIC_ONLY:
        private = {m for m in _imports(module) if m.startswith("_")}
        allowed = {"_utils", *OWN_PRIVATE.get(module, ())}
        assert private <= allowed, f"{module} uses private modules {private}"


def _functions(module):
    """(name, lines of code) of every function: docstrings, comments and
    blank lines aside."""
    source = (PACKAGE / f"{module}.py").read_text()
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0]
            start = first.lineno
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                start = first.end_lineno + 1
            code = [
                line
                for line in lines[start - 1 : node.end_lineno]
                if line.strip() and not line.strip().startswith("#")
            ]
            yield node.name, len(code)


@pytest.mark.parametrize("module", _modules())
def test_functions_fit_on_a_screen(module):
    long = {name: n for name, n in _functions(module) if n > 60}
    assert not long, f"functions longer than 60 lines of code: {long}"


@pytest.mark.parametrize("module", _modules())
def test_modules_stay_small(module):
    n_lines = len((PACKAGE / f"{module}.py").read_text().splitlines())
    assert n_lines <= 600
