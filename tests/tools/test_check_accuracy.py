import math
import subprocess
import sys

import pytest

from ames_tiers.core.errors import UserError
from tools.check_accuracy import below_floor, valid_accuracy

from ..conftest import REPO


def test_gate_names_each_model_below_its_floor():
    floors = {"a": 0.5, "b": 0.3, "c": 0.6}
    failures = below_floor({"a": 0.52, "b": 0.29, "c": 0.1}, floors)
    assert len(failures) == 2
    assert failures[0].startswith("b: valid accuracy 0.2900 is below its floor 0.3000")
    assert failures[1].startswith("c:")


def test_gate_passes_at_the_floor_and_never_on_nan():
    assert below_floor({"a": 0.5}, {"a": 0.5}) == []
    assert below_floor({"a": math.nan}, {"a": 0.5}) != []


@pytest.mark.parametrize(
    "metrics, message",
    [
        ({"valid": {"loss": 1.0}}, "valid.accuracy is missing"),
        ({"train": {}}, "valid.accuracy is missing"),
        ([1, 2], "valid.accuracy is missing"),
        ({"valid": {"accuracy": "0.6"}}, "is not a number"),
        ({"valid": {"accuracy": None}}, "is not a number"),
        ({"valid": {"accuracy": True}}, "is not a number"),
        ({"valid": {"accuracy": math.nan}}, "is not an accuracy in [0, 1]"),
        ({"valid": {"accuracy": math.inf}}, "is not an accuracy in [0, 1]"),
        ({"valid": {"accuracy": 1.5}}, "is not an accuracy in [0, 1]"),
        ({"valid": {"accuracy": -0.1}}, "is not an accuracy in [0, 1]"),
    ],
)
def test_a_metric_that_is_not_an_accuracy_fails_the_gate(metrics, message):
    with pytest.raises(UserError, match=message.replace("[", r"\[").replace("]", r"\]")):
        valid_accuracy("mlp", metrics)


@pytest.mark.parametrize(
    "content, message",
    [
        (b'{"valid": {"accuracy": NaN}}', "metrics/mlp.json: not valid JSON (NaN is not JSON)"),
        (
            b'{"valid": {"accuracy": 1e400}}',
            "metrics/mlp.json: valid.accuracy = inf is not an accuracy in [0, 1]",
        ),
        (b'{"valid": {"accuracy": true}}', "metrics/mlp.json: valid.accuracy = True is not a number"),
        (
            b'{"valid": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            "metrics/mlp.json: nested deeper than 32 levels",
        ),
        (b'{"valid": {"accuracy": 0.9, "note": "caf\xe9"}}', "metrics/mlp.json: not UTF-8 text (byte 40 is"),
    ],
    ids=["NaN", "1e400", "true", "deep", "latin-1"],
)
def test_cli_fails_with_one_line_on_a_broken_metrics_file(tmp_path, content, message):
    (tmp_path / "params.yaml").write_text((REPO / "params.yaml").read_text())
    (tmp_path / "metrics").mkdir()
    for name in ("linreg_numpy", "linreg_torch", "logreg_numpy", "logreg_torch", "mlp"):
        (tmp_path / "metrics" / f"{name}.json").write_text('{"valid": {"accuracy": 0.9}}')
    (tmp_path / "metrics" / "mlp.json").write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-m", "tools.check_accuracy"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert line.startswith(f"check_accuracy: error: {message}")
