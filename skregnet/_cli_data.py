"""The command line's input: a CSV file or a built-in dataset, as a ``Data``.

Every problem with the user's input raises ``CLIError``, whose message
``skregnet._cli.main`` prints as the one line ``skregnet: error: ...``.
"""

import csv
import os

import numpy as np
from sklearn import datasets

#: the built-in datasets: name -> (loader, task)
BUILTIN = {
    "iris": (datasets.load_iris, "classification"),
    "wine": (datasets.load_wine, "classification"),
    "breast_cancer": (datasets.load_breast_cancer, "classification"),
    "digits": (datasets.load_digits, "classification"),
    "diabetes": (datasets.load_diabetes, "regression"),
}

#: a numeric target with at most this many distinct integer values is a class
MAX_CLASSES = 20


class CLIError(Exception):
    """A problem with the user's input, reported as one line."""


class Data:
    """Features, target and what the command line knows about them."""

    def __init__(self, name, X, y, feature_names, target_name, task):
        self.name = name
        self.X = X
        self.y = y
        self.feature_names = list(feature_names)
        self.target_name = target_name
        self.task = task

    def describe(self):
        n, p = self.X.shape
        what = self.task
        if self.task == "classification":
            what += f", {len(np.unique(self.y))} classes"
        return (
            f"{self.name}: {n} samples, {p} features, target {self.target_name!r} "
            f"({what})"
        )


def _read_table(path):
    """Header and rows of a CSV file, as strings."""
    if not os.path.exists(path):
        raise CLIError(
            f"{path!r} is neither a file nor a built-in dataset ({', '.join(BUILTIN)})"
        )
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = [row for row in csv.reader(f) if row]
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise CLIError(f"cannot read {path!r}: {e}") from e
    if len(rows) < 2:
        raise CLIError(f"{path!r} needs a header row and at least one data row")
    header = [name.strip() for name in rows[0]]
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise CLIError(
                f"{path!r} line {line} has {len(row)} fields, the header has "
                f"{len(header)}"
            )
    return header, [[cell.strip() for cell in row] for row in rows[1:]]


def _numeric_column(values, name, path):
    """A column of strings as floats, or a CLIError naming the bad cell."""
    out = np.empty(len(values))
    for i, value in enumerate(values):
        try:
            out[i] = float(value)
        except ValueError:
            where = f"line {i + 2} of {path!r}"
            if value == "":
                raise CLIError(
                    f"feature column {name!r} has a missing value ({where})"
                ) from None
            raise CLIError(
                f"feature column {name!r} is not numeric: {str(value)!r} ({where}); "
                "encode it as numbers or leave it out"
            ) from None
        if not np.isfinite(out[i]):
            raise CLIError(f"feature column {name!r} has {str(value)!r} ({where})")
    return out


def _infer_task(y):
    """'classification' for labels, 'regression' for real-valued targets."""
    try:
        values = y.astype(float)
    except ValueError:
        return "classification"
    if np.all(values == np.round(values)) and len(np.unique(values)) <= MAX_CLASSES:
        return "classification"
    return "regression"


def _target(y, task, name):
    """The target column as labels (classification) or floats (regression)."""
    if task == "regression":
        try:
            return y.astype(float)
        except ValueError:
            raise CLIError(
                f"target {name!r} is not numeric, so it cannot be regressed: use "
                "--task classification"
            ) from None
    try:
        values = y.astype(float)
    except ValueError:
        return y  # string labels
    if np.all(values == np.round(values)):
        return values.astype(int)
    return y


def load(source, target=None, task=None):
    """The dataset ``source`` (CSV path or built-in name) as a ``Data``."""
    if source in BUILTIN and not os.path.exists(source):
        loader, builtin_task = BUILTIN[source]
        bunch = loader()
        header = [*map(str, bunch.feature_names), "target"]
        columns = [*bunch.data.T, bunch.target]
        if target in (None, "target"):
            task = task or builtin_task
        rows = None
    else:
        header, rows = _read_table(source)
        columns = None
    if target is None:
        target = header[-1]
    if target not in header:
        raise CLIError(
            f"no column {target!r} in {source!r}; its columns are "
            f"{', '.join(header[:12])}{', ...' if len(header) > 12 else ''}"
        )
    j = header.index(target)
    if rows is not None:
        columns = [np.array([row[k] for row in rows]) for k in range(len(header))]
        X = np.column_stack(
            [
                _numeric_column(col, name, source)
                for k, (col, name) in enumerate(zip(columns, header, strict=True))
                if k != j
            ]
        )
    else:
        X = np.column_stack([col for k, col in enumerate(columns) if k != j])
    y = np.asarray(columns[j])
    if X.shape[1] == 0:
        raise CLIError(f"{source!r} has no feature column besides {target!r}")
    task = task or _infer_task(y)
    y = _target(y, task, target)
    names = [name for k, name in enumerate(header) if k != j]
    return Data(os.path.basename(source), X, y, names, target, task)
