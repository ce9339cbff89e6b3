"""dvc.yaml's code deps cannot drift: each stage lists exactly the folders (a subpackage of
ames_tiers) and files (a stage module, a top-level module) that its imports touch, so a change
to code reruns exactly the stages that run it."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest
from dvc.repo import Repo

from ames_tiers.models.registry import MODELS

from .conftest import REPO
from .import_closure import PACKAGES, closure, code_deps, is_docstring_only, third_party_imports


def declared_code(stage) -> set[Path]:
    """The project folders and files a stage's deps name (not its data, metrics or plots)."""
    return {Path(dep.def_path) for dep in stage.deps if Path(dep.def_path).parts[0] in PACKAGES}


def imported_files(stage) -> set[Path]:
    """What the stage's command imports; train@<model> also imports, by name from the registry,
    the model's own module (ames_tiers/train/<model>.py)."""
    module = shlex.split(stage.cmd)[2]  # python -m <module> ...
    found = closure(REPO, module)
    if stage.name.startswith("train@"):
        found |= closure(REPO, MODELS[stage.name.split("@")[1]].module)
    return found


STAGES = {stage.name: stage for stage in Repo(str(REPO)).index.stages}


@pytest.mark.parametrize("name", sorted(STAGES))
def test_each_stage_declares_exactly_the_code_it_imports(name):
    stage = STAGES[name]
    declared, imported = declared_code(stage), code_deps(REPO, imported_files(stage))
    assert sorted(map(str, imported - declared)) == [], "imported but not in dvc.yaml deps"
    assert sorted(map(str, declared - imported)) == [], "in dvc.yaml deps but never imported"


def test_only_docstrings_are_left_out_of_the_deps():
    """A top-level file no stage lists must be one that cannot change a result."""
    top_level = [p for pkg in ("ames_tiers", "stages") for p in (REPO / pkg).glob("*.py")]
    listed = set().union(*map(declared_code, STAGES.values()))
    unlisted = [p for p in top_level if p.relative_to(REPO) not in listed]
    assert {p.name for p in unlisted} == {"__init__.py"}
    assert all(map(is_docstring_only, unlisted))


def test_adding_a_model_reruns_neither_download_nor_prepare():
    for name in ("download", "prepare"):
        assert "ames_tiers/models" not in map(str, declared_code(STAGES[name]))


@pytest.mark.parametrize("name", sorted(MODELS))
def test_a_numpy_model_never_imports_torch(name):
    """Every module a NumPy model's stage imports, not only its own: a torch import anywhere
    would make the stage pay for torch and depend on its kernels."""
    stage = STAGES[f"train@{name}"]
    uses_torch = "torch" in third_party_imports(REPO, imported_files(stage))
    assert uses_torch == (MODELS[name].framework == "torch")


def test_every_stage_module_is_a_stage_and_every_stage_has_one():
    modules = {shlex.split(stage.cmd)[2] for stage in STAGES.values()}
    assert {f"stages.{p.stem}" for p in (REPO / "stages").glob("*.py") if p.stem != "__init__"} == modules


def test_dvc_lock_records_the_committed_code_and_params():
    """A fresh clone's `dvc repro` must not rerun a stage because dvc.lock is stale: after a
    change to code or params.yaml, `dvc repro` (or `dvc commit`) before committing."""
    listed = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True)
    tracked = set(listed.stdout.split())
    stale = {
        name: status
        for name, stage in STAGES.items()
        for dep in stage.deps
        if Path(dep.def_path).parts[0] in PACKAGES or dep.def_path in tracked
        if (status := dep.status())
    }
    assert stale == {}, "dvc.lock is stale: run `dvc repro` and commit dvc.lock"
