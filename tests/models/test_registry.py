"""One description per model: the registry names the notebook's five, and a registered model's
params are validated like theirs (tests/e2e/test_a_sixth_model.py adds one to a real copy)."""

from __future__ import annotations

import pytest

from ames_tiers.core.errors import ParamsError
from ames_tiers.core.params import load_params
from ames_tiers.models import registry
from ames_tiers.models.registry import MODELS, model_params, twins

from .. import sixth_model
from ..mini_pipeline import write_params


@pytest.fixture
def registered(monkeypatch):
    """The sixth model's registry entry, run in the registry's namespace (as if appended)."""
    namespace = dict(vars(registry))
    monkeypatch.setattr(registry, "MODELS", dict(MODELS))  # the entry adds to a copy
    namespace["MODELS"] = registry.MODELS
    exec(compile(sixth_model.registry_entry(), str(sixth_model.REGISTRY_ENTRY), "exec"), namespace)
    return namespace


def test_the_five_models_are_the_notebooks():
    assert list(MODELS) == ["linreg_numpy", "linreg_torch", "logreg_numpy", "logreg_torch", "mlp"]
    assert [m.notebook_part for m in MODELS.values()] == ["1.A", "1.B", "2.A", "2.B", "looking ahead"]
    assert twins() == [("linreg_numpy", "linreg_torch"), ("logreg_numpy", "logreg_torch")]


def test_a_registered_model_gets_its_params_validated(registered, tmp_path):
    write_params(tmp_path, sixth_model.PARAMS)
    sections = model_params(load_params(tmp_path / "params.yaml"))
    assert sections.models["nearest_centroid"] == registered["CentroidParams"](temperature=2.0)
    write_params(tmp_path, {**sixth_model.PARAMS, "models.nearest_centroid": {"temperature": 0}})
    with pytest.raises(
        ParamsError, match=r"models.nearest_centroid.temperature = 0: must be a number in \[0.01, 100\]"
    ):
        model_params(load_params(tmp_path / "params.yaml"))


def test_a_model_missing_from_params_is_named(registered, tmp_path):
    write_params(tmp_path, {})
    with pytest.raises(ParamsError, match=r"models.nearest_centroid: missing"):
        model_params(load_params(tmp_path / "params.yaml"))
