import subprocess
import sys

import pytest

from ames_tiers.core.errors import UserError
from tools.check_drift import drifted, parse_diff

from ..conftest import REPO

DIFF = {
    "metrics/mlp.json": {
        "valid.accuracy": {"old": 0.6143, "new": 0.6160, "diff": 0.0017},
        "train.loss": {"old": 0.8351400000001, "new": 0.83514, "diff": -1e-13},
    },
    "metrics/new.json": {"valid.accuracy": {"new": 0.5}},
}


def test_drift_names_each_metric_beyond_the_tolerance():
    problems = drifted(DIFF, tolerance=1e-9)
    assert len(problems) == 2
    assert problems[0] == "metrics/mlp.json:valid.accuracy moved 0.6143 -> 0.616 (|diff| 0.0017 > 1e-09)"
    assert problems[1].startswith("metrics/new.json:valid.accuracy is new")


def test_at_tolerance_zero_any_change_is_drift():
    assert drifted({"m.json": {"a": {"old": 1.0, "new": 1.0 + 2**-52}}}, 0.0) != []
    assert drifted({"m.json": {"a": {"old": 1.0, "new": 1.0}}}, 0.0) == []


def test_no_diff_is_no_drift():
    assert drifted(parse_diff("{}\n"), 0.0) == []
    assert drifted({"m.json": {"a": {"old": 1.0, "new": 1.0 + 1e-12}}}, 1e-9) == []


@pytest.mark.parametrize(
    "stdin, message",
    [
        ("", "stdin is empty"),
        ("  \n", "stdin is empty"),
        ("{not json", "stdin is not JSON"),
        ("[]", "stdin is a JSON list, not an object"),
        ('{"metrics/mlp.json": 3}', "'metrics/mlp.json' maps to 3, not to metrics"),
        ('{"m.json": {"loss": 0.5}}', "m.json:loss is 0.5, not an old/new pair"),
        ('{"m.json": {"loss": {"old": NaN, "new": 0.5}}}', "stdin has NaN"),
        ('{"m.json": {"loss": {"old": 0.5, "new": Infinity}}}', "stdin has Infinity"),
    ],
)
def test_input_that_is_not_a_metrics_diff_is_refused(stdin, message):
    with pytest.raises(UserError, match=message):
        parse_diff(stdin)


@pytest.mark.parametrize("stdin", ["", "NaN", '{"m.json": []}'])
def test_cli_refuses_bad_input_with_one_line_and_exit_1(stdin):
    result = subprocess.run(
        [sys.executable, "-m", "tools.check_drift"], cwd=REPO, input=stdin, capture_output=True, text=True
    )
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("check_drift: error: stdin") and "Traceback" not in result.stderr


def test_cli_passes_an_empty_diff():
    result = subprocess.run(
        [sys.executable, "-m", "tools.check_drift"], cwd=REPO, input="{}\n", capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "reproduced metrics equal the committed ones" in result.stderr
