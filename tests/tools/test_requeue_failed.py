import json
import subprocess

import pytest

from ames_tiers.core.errors import UserError
from tools.requeue_failed import failed_experiments, overrides

BASE = {"seed": 42, "models": {"mlp": {"hidden": 100, "lr": 0.1}, "linreg_torch": {"lr": 0.1}}}


def test_overrides_are_the_changed_leaves():
    exp = {"seed": 42, "models": {"mlp": {"hidden": 10, "lr": 0.3}, "linreg_torch": {"lr": 0.1}}}
    assert overrides(BASE, exp) == ["models.mlp.hidden=10", "models.mlp.lr=0.3"]
    assert overrides(BASE, BASE) == []


def test_overrides_refuse_a_different_params_layout():
    with pytest.raises(UserError, match="different keys"):
        overrides(BASE, {"seed": 1})


def test_failed_experiments_are_found_with_their_params():
    show = [
        {"rev": "workspace", "experiments": None},
        {
            "rev": "abc",
            "experiments": [
                {"name": "ok-run", "executor": {"state": "success"}, "revs": [{"data": {"params": {}}}]},
                {
                    "name": "bad-run",
                    "executor": {"state": "failed"},
                    "revs": [{"data": {"params": {"params.yaml": {"data": BASE}}}}],
                },
                {"name": "done", "executor": None, "revs": [{"data": {}}]},
            ],
        },
    ]
    assert failed_experiments(show) == [("bad-run", BASE)]


def test_only_the_raced_runs_are_requeued_under_their_names_and_the_others_keep_their_logs(
    monkeypatch, caplog
):
    """A fake `dvc`: two failed runs, one raced (no log), one with the pipeline's own error."""
    import logging

    from tools import requeue_failed

    swept = {**BASE, "models": {**BASE["models"], "mlp": {"hidden": 10, "lr": 0.1}}}

    def failed(name: str, params: dict) -> dict:
        return {
            "name": name,
            "executor": {"state": "failed"},
            "revs": [{"data": {"params": {"params.yaml": {"data": params}}}}],
        }

    show = [{"rev": "abc", "experiments": [failed("cpukill", swept), failed("own-error", BASE)]}]
    logs = {"cpukill": "", "own-error": "check_params: error: params.yaml: models.mlp.hidden = 0: must be"}
    calls = []

    def fake_run(command, **kwargs):
        calls.append(command[1:])
        out = json.dumps(show) if command[1:3] == ["exp", "show"] else logs.get(command[-1], "")
        return subprocess.CompletedProcess(command, 0, out, "")

    monkeypatch.setattr(requeue_failed, "read_yaml", lambda path: BASE)
    monkeypatch.setattr(requeue_failed.subprocess, "run", fake_run)
    caplog.set_level(logging.INFO)
    requeue_failed.main(None)
    assert ["queue", "remove", "cpukill"] in calls and not any(
        "own-error" in c for c in calls if c[0:2] == ["queue", "remove"]
    )
    assert ["exp", "run", "--queue", "-n", "cpukill", "-S", "models.mlp.hidden=10"] in calls
    assert caplog.messages[-1] == "re-queued 1 experiment(s) under their names; now run: dvc queue start -j 1"
