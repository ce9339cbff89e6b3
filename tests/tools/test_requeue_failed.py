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
