"""dvc.yaml's `artifacts:` declares every registered model, as the registry describes it."""

from __future__ import annotations

from ames_tiers.core import paths
from ames_tiers.core.params import read_yaml
from ames_tiers.models.registry import MODELS

from .conftest import REPO


def test_each_model_is_an_artifact_labelled_with_its_notebook_part_and_framework():
    artifacts = read_yaml(REPO / "dvc.yaml")["artifacts"]
    assert list(artifacts) == list(MODELS)
    for name, spec in MODELS.items():
        artifact = artifacts[name]
        assert artifact["path"] == str(paths.model_file(name)) and artifact["type"] == "model"
        assert artifact["labels"] == [f"notebook-{spec.notebook_part.replace(' ', '-')}", spec.framework]
        assert artifact["desc"], name
