"""dvc.yaml's code deps cannot drift: each stage lists exactly the project files it imports."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest
from dvc.repo import Repo

from ames_tiers.registry import MODELS

from .conftest import REPO
from .import_closure import PACKAGES, closure


def declared_code(stage) -> set[Path]:
    """The project source files a stage's deps name (a directory stands for its .py files)."""
    found: set[Path] = set()
    for dep in stage.deps:
        path = Path(dep.def_path)
        if path.parts[0] not in PACKAGES:
            continue  # data, metrics, plots
        found |= (
            {p.relative_to(REPO) for p in (REPO / path).rglob("*.py")} if (REPO / path).is_dir() else {path}
        )
    return found


def imported_code(stage) -> set[Path]:
    """What the stage's command imports; train@<model> also imports, by name from the registry,
    the modules that fit and check that model."""
    module = shlex.split(stage.cmd)[2]  # python -m <module> ...
    found = closure(REPO, module)
    if stage.name.startswith("train@"):
        for name in MODELS[stage.name.split("@")[1]].modules():
            found |= closure(REPO, name)
    return found


STAGES = {stage.name: stage for stage in Repo(str(REPO)).index.stages}


@pytest.mark.parametrize("name", sorted(STAGES))
def test_each_stage_declares_exactly_the_code_it_imports(name):
    stage = STAGES[name]
    declared, imported = declared_code(stage), imported_code(stage)
    assert sorted(map(str, imported - declared)) == [], "imported but not in dvc.yaml deps"
    assert sorted(map(str, declared - imported)) == [], "in dvc.yaml deps but never imported"


def test_a_numpy_model_never_imports_torch():
    for name, spec in MODELS.items():
        files = set().union(*(closure(REPO, m) for m in spec.modules()))
        uses_torch = any("torch" in (REPO / f).read_text() for f in files if "models_torch" in str(f))
        assert uses_torch == (spec.framework == "torch"), name


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
