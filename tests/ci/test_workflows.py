"""The GitHub workflows: actionlint passes them, and CI there is the same script as here."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from ames_tiers.core.params import read_yaml

from ..conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def test_actionlint_finds_nothing_in_the_workflows():
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        pytest.skip(
            "actionlint is not installed (requirements.lock installs it: uv pip sync requirements.lock)"
        )
    result = subprocess.run([actionlint, *map(str, WORKFLOWS)], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_github_ci_runs_this_projects_ci_script_on_x86_64_and_arm64():
    ci = read_yaml(REPO / ".github" / "workflows" / "ci.yml")
    job = ci["jobs"]["ci"]
    assert job["strategy"]["matrix"]["runner"] == ["ubuntu-24.04", "ubuntu-24.04-arm"]
    assert [step.get("run") for step in job["steps"] if "run" in step] == [
        "bash .ci/run"
    ]  # one source of truth
    assert "env" not in ci  # the install is the README's set-up block, which .ci/run runs


def test_the_pull_request_report_installs_with_the_readmes_set_up_block():
    report = read_yaml(REPO / ".github" / "workflows" / "pull-request-report.yml")
    commands = "\n".join(step.get("run", "") for step in report["jobs"]["report"]["steps"])
    assert 'eval "$(python3 -m tools.doc_blocks README.md setup)"' in commands
    assert "pip install" not in commands


def test_the_pull_request_report_is_made_by_the_projects_tool():
    report = read_yaml(REPO / ".github" / "workflows" / "pull-request-report.yml")
    commands = "\n".join(step.get("run", "") for step in report["jobs"]["report"]["steps"])
    assert "python -m tools.pr_report --base" in commands and "GITHUB_STEP_SUMMARY" in commands
    assert "dvc params diff" not in commands and "dvc metrics diff" not in commands  # the tool's job
