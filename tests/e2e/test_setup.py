"""A new machine's set-up, for real: the README's set-up block pasted line by line into a shell in
a fresh copy (its own venv, the lock, `dvc repro`) installs exactly the lock and leaves `git
status` clean; `pip install -e .` in a fresh venv is a working project with torch's CPU build,
and never the CUDA build. .ci/run runs the same block before the test command."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tools.doc_blocks import doc_block, for_this_machine
from tools.lock import TORCH_WHEELS

from ..conftest import REPO
from .dvc_helpers import copy_repo, dvc_env, run

pytestmark = [pytest.mark.slow, pytest.mark.e2e(seconds=120)]


def outside_this_venv(env: dict) -> dict:
    """The environment of a new shell: no venv active, this venv's bin off PATH."""
    here = str(Path(sys.executable).parent)
    env = {k: v for k, v in env.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != here)
    return env


def test_the_readmes_set_up_pasted_line_by_line_installs_the_lock_and_reproduces(tmp_path, mirror):
    root = copy_repo(tmp_path)
    env = outside_this_venv(dvc_env(mirror))
    pasted = "\n".join(for_this_machine(doc_block(REPO / "README.md", "setup")))
    # one interactive-like shell reading the lines as typed: `. .venv/bin/activate` holds for
    # the lines after it, and a failing line stops it (as a user would stop)
    result = subprocess.run(
        ["bash", "-e"], input=pasted + "\n", cwd=root, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    python = root / ".venv" / "bin" / "python"
    check = subprocess.run(
        [str(python), "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider", "-o", "addopts=", "-q",
         "tests/test_environment.py", "-k", "exactly_the_lock"],
        cwd=root, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout[-3000:]
    assert run(["git", "status", "--porcelain"], root, env) == ""


def test_pip_install_e_is_a_working_project_with_torchs_cpu_build(tmp_path):
    (tmp_path / "repo").mkdir()
    project = copy_repo(tmp_path / "repo")  # an editable install writes its egg-info beside the code
    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    env = outside_this_venv(dict(os.environ))
    uv = Path(sys.executable).parent / "uv"
    # torch's CPU build from PyTorch's page, or where this machine has it
    (links,) = for_this_machine([TORCH_WHEELS])
    run(
        [str(uv), "pip", "install", "--python", str(python), "-e", str(project), "--find-links", links],
        project,
        env,
    )
    probe = "import dvc, optuna, torch, ames_tiers.core.params; print(torch.__version__)"
    elsewhere = tmp_path  # imported from the install, not from the current folder
    assert run([str(python), "-c", probe], elsewhere, env).strip() == "2.13.0+cpu"
    assert "usage" in run([str(python), "-m", "stages.train", "--help"], elsewhere, env)
    assert "DVC version: 3.67.1" in run([str(target / "bin" / "dvc"), "version"], elsewhere, env)


def test_without_pytorchs_index_linux_stops_at_the_cpu_build_rather_than_take_cuda(tmp_path):
    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    env = {k: v for k, v in outside_this_venv(dict(os.environ)).items() if not k.startswith("UV_FIND_LINKS")}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "uv"), "pip", "install", "--dry-run", "--python",
         str(target / "bin" / "python"), "-e", str(REPO)],
        cwd=REPO, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode != 0 and "torch{sys_platform == 'linux'}==2.13.0+cpu" in result.stderr, (
        result.stderr
    )
    assert "nvidia" not in result.stdout + result.stderr
