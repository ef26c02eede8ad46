"""The command line, run as a user runs it: ``python -m skregnet ...``."""

import re
import subprocess
import sys

import numpy as np
import pytest

#: fast settings for every command
FAST = ["--max-iter", "30", "--hidden", "8"]


def run(*args, cwd=None):
    """``python -m skregnet *args``: (exit status, stdout, stderr)."""
    proc = subprocess.run(
        [sys.executable, "-m", "skregnet", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )
    return proc.returncode, proc.stdout, proc.stderr


def table_value(stdout, metric):
    """The value column of ``metric`` in the results table of ``fit``."""
    match = re.search(rf"^{re.escape(metric)}\s+(.+)$", stdout, flags=re.M)
    assert match, f"no {metric!r} row in:\n{stdout}"
    return match.group(1).strip()


@pytest.fixture(scope="module")
def csv_file(tmp_path_factory):
    """A small classification table: two informative features, one noise,
    string labels, and a numeric column usable as a regression target."""
    rng = np.random.default_rng(0)
    n = 120
    X = rng.standard_normal((n, 3))
    label = np.where(X[:, 0] + X[:, 1] > 0, "spam", "ham")
    amount = 2 * X[:, 0] - X[:, 2] + 0.1 * rng.standard_normal(n)
    path = tmp_path_factory.mktemp("data") / "table.csv"
    with open(path, "w") as f:
        f.write("x0,x1,noise,amount,label\n")
        for row, lab, amt in zip(X, label, amount, strict=True):
            f.write(",".join(f"{v:.5f}" for v in row) + f",{amt:.5f},{lab}\n")
    return path


def test_fit_on_a_csv_prints_the_results_table(csv_file):
    status, out, err = run(
        "fit", csv_file, "--target", "label", "--learning-rate-init", "0.05", *FAST
    )
    assert status == 0, err
    assert "target 'label' (classification, 2 classes)" in out
    assert "90 train / 30 test samples" in out  # the default 25 % test split
    for metric in ("train accuracy", "test accuracy"):
        assert 0.7 <= float(table_value(out, metric)) <= 1.0
    assert float(table_value(out, "weight norm")) > 0
    assert table_value(out, "exact zeros") == "0 / 40"  # 4 x 8 + 8 x 1 weights
    assert table_value(out, "selected features") == "4 / 4"
    assert table_value(out, "epochs").startswith("30")
    assert table_value(out, "time").endswith(" s")
    assert "Traceback" not in err


def test_fit_l1_regression_reports_zeros_and_selected_features(csv_file):
    """A real-valued last column is a regression target; l1 gives exact zeros."""
    numeric = csv_file.with_name("numeric.csv")
    lines = csv_file.read_text().splitlines()
    numeric.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n")
    status, out, err = run(
        "fit", csv_file.with_name("numeric.csv"), "--hidden", "none",
        "--penalty", "l1", "--alpha", "0.2", "--solver", "lbfgs",
        "--test-size", "0.5",
    )  # fmt: skip
    assert status == 0, err
    assert "(regression)" in out
    assert "60 train / 60 test samples" in out
    assert float(table_value(out, "test R^2")) > 0.8
    zeros, total = map(int, table_value(out, "exact zeros").split(" / "))
    assert total == 3 and zeros >= 1  # x0, x1, noise -> amount
    assert table_value(out, "selected features") == f"{3 - zeros} / 3"
    assert "selected: x0" in out


def test_fit_default_target_is_the_last_column(csv_file):
    status, out, _ = run("fit", csv_file, *FAST)
    assert status == 0
    assert "target 'label'" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["fit", "no_such_file.csv"], "'no_such_file.csv' is neither a file nor a"),
        (["fit", "{csv}", "--target", "price"], "no column 'price' in"),
        (
            ["fit", "{csv}", "--target", "amount"],
            "feature column 'label' is not numeric: 'ham' (line 2 of",
        ),
        (
            ["fit", "{csv}", "--target", "label", "--penalty", "l3"],
            "The 'penalty' parameter of RegMLPClassifier must be",
        ),
        (
            ["fit", "iris", "--alpha", "-1"],
            "The 'alpha' parameter of RegMLPClassifier must be a float in",
        ),
        (["fit", "iris", "--alpha", "lots"], "argument --alpha: invalid float"),
        (["fit", "iris", "--hidden", "64,x"], "argument --hidden: '64,x' is not"),
        (["fit", "iris", "--test-size", "2"], "--test-size must be in (0, 1)"),
        (["cv", "iris", "--cv", "1"], "--cv must be at least 2"),
        (["cv", "iris", "--alphas", "ten"], "argument --alphas: 'ten' is neither"),
        (
            ["fit", "{csv}", "--target", "label", "--task", "regression"],
            "target 'label' is not numeric",
        ),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_input_is_one_line_and_status_2(csv_file, args, message):
    args = [str(csv_file) if a == "{csv}" else a for a in args]
    status, _, err = run(*args)
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("skregnet: error: ")
    assert message in lines[0]
    assert "Traceback" not in err


def test_missing_value_and_ragged_rows(tmp_path):
    holes = tmp_path / "holes.csv"
    holes.write_text("a,b,y\n1,2,0\n3,,1\n4,5,0\n")
    status, _, err = run("fit", holes)
    assert status == 2
    assert "feature column 'b' has a missing value (line 3 of" in err
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b,y\n1,2,0\n3,1\n")
    status, _, err = run("fit", ragged)
    assert status == 2
    assert "line 3 has 2 fields, the header has 3" in err


def test_cv_marks_alpha_and_alpha_1se_and_plots(tmp_path):
    plot = tmp_path / "cv.png"
    status, out, err = run(
        "cv", "iris", "--alphas", "4", "--cv", "3", "--penalty", "l1",
        "--solver", "lbfgs", "--max-iter", "100", "--hidden", "4",
        "--plot", plot,
    )  # fmt: skip
    assert status == 0, err
    assert "3-fold CV of accuracy" in out
    header = next(line for line in out.splitlines() if line.startswith("alpha "))
    assert header.split() == ["alpha", "CV", "accuracy", "features", "converged"]
    rows = [
        line for line in out.splitlines() if re.match(r"^\d\S*\s+0\.\d{4} ± ", line)
    ]
    assert len(rows) >= 4  # the l1 grid may be extended until no feature is left
    assert sum(bool(re.search(r"<- alpha_(\s|$)", row)) for row in rows) == 1
    assert sum("<- alpha_1se_" in row for row in rows) == 1
    alpha = float(re.search(r"^alpha_ = (\S+)", out, re.M).group(1))
    marked = next(row for row in rows if re.search(r"<- alpha_(\s|$)", row))
    assert float(marked.split()[0]) == pytest.approx(alpha, rel=1e-3)
    # the strongest alpha of the l1 grid leaves no feature
    assert rows[-1].split()[4] == "0/4"
    # each point's own converged flag (path_["converged"]), not a placeholder
    converged = [row.split()[5] for row in rows]
    assert set(converged) <= {"yes", "no"} and "yes" in converged
    assert "ConvergenceWarning" not in err  # the table says it
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert plot.stat().st_size > 10_000
    assert f"wrote {plot}" in out


def test_path_on_builtin_regression_data(tmp_path):
    """Per feature: the last alpha at which it is selected, and the plot."""
    plot = tmp_path / "path.png"
    status, out, err = run(
        "path", "diabetes", "--alphas", "5", "--solver", "lbfgs",
        "--max-iter", "100", "--hidden", "4", "--plot", plot,
    )  # fmt: skip
    assert status == 0, err
    assert "diabetes: 442 samples, 10 features, target 'target' (regression)" in out
    assert "penalty='group_lasso'" in out
    features = re.findall(r"^(age|sex|bmi|bp|s[1-6])\s+\S+\s+(\S+)$", out, re.M)
    assert len(features) == 10
    last = [float("inf") if v == "never" else float(v) for _, v in features]
    assert last == sorted(last, reverse=True)  # listed by how long they survive
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    "max_iter, note", [(3, True), (1000, False)], ids=["capped", "converged"]
)
def test_path_says_when_points_did_not_converge(csv_file, tmp_path, max_iter, note):
    """The note comes from each point's ``converged``; the path's
    ConvergenceWarning is not printed. The plot works on a CSV's columns."""
    plot = tmp_path / "path.png"
    status, out, err = run(
        "path", csv_file, "--target", "label", "--alphas", "3", "--solver",
        "lbfgs", "--hidden", "none", "--max-iter", max_iter, "--plot", plot,
    )  # fmt: skip
    assert status == 0, err
    assert ("(some points stopped at max-iter)" in out) == note
    assert "ConvergenceWarning" not in err
    features = re.findall(r"^(x0|x1|noise|amount)\s", out, re.M)
    assert sorted(features) == ["amount", "noise", "x0", "x1"]
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_builtin_target_can_be_a_feature():
    """``--target`` picks any column of a built-in dataset as the target."""
    status, out, err = run("fit", "diabetes", "--target", "bmi", *FAST)
    assert status == 0, err
    assert "10 features, target 'bmi' (regression)" in out


def test_no_command_runs_the_demo():
    status, out, err = run("--max-iter", "5")
    assert status == 0, err
    assert out.startswith("load_digits: 1257 train / 540 test samples")
    penalties = re.findall(
        r"^\s*(None|l2|l1|elasticnet|group_lasso)\s+0\.\d{4}", out, re.M
    )
    assert penalties == ["None", "l2", "l1", "elasticnet", "group_lasso"]
    assert "(+: stopped at --max-iter before the loss settled)" in out
    assert "ConvergenceWarning" not in err


def test_console_script_is_declared():
    """``pyproject.toml`` installs ``skregnet`` as a command."""
    from pathlib import Path

    tomllib = pytest.importorskip("tomllib")

    pyproject = Path(__file__).parents[1] / "pyproject.toml"
    if not pyproject.exists():
        pytest.skip("not run from a clone")
    scripts = tomllib.loads(pyproject.read_text())["project"]["scripts"]
    assert scripts == {"skregnet": "skregnet._cli:main"}
