"""tools/compare.py: the five validation accuracies and the changed params, within the width."""

from __future__ import annotations

import json

import pytest

from ames_tiers.core.errors import UserError
from tools import compare
from tools.compare import min_width, runs_of, table

MODELS = ("linreg_numpy", "linreg_torch", "logreg_numpy", "logreg_torch", "mlp")


def rev(params: dict, accuracies: dict, rev_id: str = "abc1234") -> dict:
    metrics = {f"metrics/{m}.json": {"data": {"valid": {"accuracy": a}}} for m, a in accuracies.items()}
    return {"rev": rev_id, "data": {"params": {"params.yaml": {"data": params}}, "metrics": metrics}}


BASE = {"seed": 42, "models": {"mlp": {"hidden": 100, "lr": 0.1, "epochs": 1000}}}
ACC = dict.fromkeys(MODELS, 0.5)


def exp_show() -> list[dict]:
    swept = {"seed": 42, "models": {"mlp": {"hidden": 200, "lr": 0.05, "epochs": 300}}}
    return [
        {**rev(BASE, ACC, "workspace"), "name": None},
        {
            **rev(BASE, ACC, "f00dcafe"),
            "name": "main",
            "experiments": [
                {"name": "lusty-loom", "revs": [rev(swept, {**ACC, "mlp": 0.62}, "1111111")]},
                {
                    "name": "dim-dove",
                    "revs": [rev({**BASE, "seed": 7}, {**ACC, "mlp": 0.58}, "2222222")],
                    "executor": {"state": "done"},
                },
                {"name": "bad-lr", "revs": [rev(BASE, {}, "3333333")], "executor": {"state": "failed"}},
            ],
        },
    ]


def test_rows_best_first_with_their_changed_params():
    baseline, runs = runs_of(exp_show())
    lines = table(baseline, runs, "mlp", width=120)
    assert lines[2].startswith("main (baseline)")
    assert [line.split()[0] for line in lines[3:]] == ["lusty-loom", "dim-dove", "workspace", "bad-lr"]
    assert lines[3].endswith("mlp: hidden=200 lr=0.05 epochs=300")
    assert lines[4].endswith("seed=7")
    assert "failed" in lines[-1]
    assert all(len(line) <= 120 for line in lines)
    assert lines[3].split()[1:6] == ["0.5000", "0.5000", "0.5000", "0.5000", "0.6200"]


def test_a_narrow_terminal_wraps_the_params_instead_of_overflowing():
    baseline, runs = runs_of(exp_show())
    lines = table(baseline, runs, "mlp", width=100)
    assert all(len(line) <= 100 for line in lines)
    assert any(line.strip() == "lr=0.05 epochs=300" for line in lines)  # wrapped onto a line of its own


def test_every_width_from_the_least_that_fits_holds_and_a_narrower_one_is_refused(monkeypatch):
    baseline, runs = runs_of(exp_show())
    least = min_width(baseline, runs)
    for width in range(least, 160):
        assert max(map(len, table(baseline, runs, "mlp", width))) <= width, width
    monkeypatch.setattr(compare.subprocess, "run", lambda *a, **k: Completed(json.dumps(exp_show())))
    with pytest.raises(
        UserError, match=f"--width 40 is too narrow: the names and five accuracies need {least}"
    ):
        compare.main(compare.parser().parse_args(["--width", "40"]))


@pytest.mark.parametrize("width", ["-5", "0", "wide"])
def test_a_width_that_is_not_a_positive_number_is_one_line(width):
    with pytest.raises(UserError, match="--width: invalid positive integer value"):
        compare.parser().parse_args(["--width", width])


def test_a_row_dvc_could_not_read_is_named_on_stderr(monkeypatch, caplog, capsys):
    corrupted = "unable to read: 'params.yaml', YAML file structure is corrupted"
    broken = {
        "rev": "workspace",
        "name": None,
        "data": None,
        "experiments": None,
        "error": {"msg": corrupted},
    }
    monkeypatch.setattr(
        compare.subprocess, "run", lambda *a, **k: Completed(json.dumps([broken, *exp_show()[1:]]))
    )
    compare.main(compare.parser().parse_args(["--width", "120"]))
    assert "workspace" in capsys.readouterr().out
    (warning,) = [r.getMessage() for r in caplog.records]
    assert warning == (
        "warning: DVC could not read workspace (unable to read: 'params.yaml', YAML file structure "
        "is corrupted): its row shows '-'"
    )


class Completed:
    def __init__(self, stdout: str):
        self.returncode, self.stdout, self.stderr = 0, stdout, ""
