"""Every command-line module: --help says what it does and does nothing else; a user error is
one line naming the problem, and exit code 1, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ames_tiers.core.params import read_yaml, with_value

from .conftest import REPO

STAGES = [
    "stages.check_params",
    "stages.download",
    "stages.prepare",
    "stages.train",
    "stages.report",
    "stages.plots_template",
]
TOOLS = [
    f"tools.{t}"
    for t in (
        "check_accuracy",
        "check_drift",
        "check_tracked",
        "compare",
        "fresh_copy",
        "predict",
        "requeue_failed",
    )
]


def run_module(cwd, module, *args, stdin=""):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=cwd, env=env, input=stdin, capture_output=True, text=True
    )


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


@pytest.mark.parametrize("module", STAGES + TOOLS)
def test_help_says_what_the_module_does_and_does_nothing_else(tmp_path, module):
    result = run_module(tmp_path, module, "--help")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith(f"usage: python -m {module}")
    assert module.split(".")[1].replace("_", " ") in result.stdout.replace("_", " ")
    if module.startswith("stages."):
        assert "Reads:" in result.stdout and "Writes:" in result.stdout
    assert list(tmp_path.iterdir()) == []  # no download, no output, no log


@pytest.mark.parametrize("module", STAGES + TOOLS)
def test_an_unknown_argument_is_one_line(tmp_path, module):
    positional = {
        "stages.train": ["mlp"],
        "tools.predict": ["mlp"],
        "tools.fresh_copy": ["copy"],
        "tools.pr_report": ["--base", "main"],
    }
    result = run_module(tmp_path, module, *positional.get(module, []), "--fast")
    assert result.returncode == 1
    (line,) = error_lines(result)
    assert "error: unrecognized arguments: --fast" in line and "--help" in line
    assert list(tmp_path.iterdir()) == []


def renamed(tree: dict, section: str, old: str, new: str) -> dict:
    return {**tree, section: {(new if k == old else k): v for k, v in tree[section].items()}}


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t: with_value(t, "models.mlp.hidden", 0),
         "params.yaml: models.mlp.hidden = 0: must be an integer in [1, 1000]"),
        (lambda t: with_value(t, "prepare.test_size", 1),
         "params.yaml: prepare.test_size = 1: must be a number in [0.05, 0.9]"),
        (lambda t: renamed(t, "prepare", "n_classes", "n_clases"),
         "params.yaml: prepare.n_clases: unknown key"),
        (lambda t: with_value(t, "prepare.features", []),
         "params.yaml: prepare.features = []: must be a non-empty list"),
    ],
    ids=["hidden 0", "test_size 1", "unknown key", "no features"],
)  # fmt: skip
@pytest.mark.parametrize("module", ["stages.prepare", "stages.train"])
def test_bad_params_stop_every_stage_with_one_line(tmp_path, edit, message, module):
    """Every stage checks the pipeline's sections; the model stages also check every model's
    (the download and prepare stages need none of the models' code). The edits are made to the
    params as DVC reads them, whatever the file's formatting."""
    if module == "stages.prepare" and message.startswith("params.yaml: models."):
        message = "data/raw/ames.csv.gz: not found"  # the models' sections are not prepare's
    (tmp_path / "params.yaml").write_text(json.dumps(edit(read_yaml(REPO / "params.yaml"))))  # JSON is YAML
    result = run_module(tmp_path, module, *(["mlp"] if module == "stages.train" else []))
    assert result.returncode == 1
    (line,) = error_lines(result)
    assert line.startswith(f"{'train@mlp' if module == 'stages.train' else 'prepare'}: error: {message}")


def test_unknown_model_name_is_one_line(tmp_path):
    result = run_module(tmp_path, "stages.train", "svm")
    assert result.returncode == 1
    (line,) = error_lines(result)
    assert "argument MODEL: invalid choice: 'svm'" in line


def test_missing_input_names_the_stage_to_run(tmp_path):
    (tmp_path / "params.yaml").write_text((REPO / "params.yaml").read_text())
    result = run_module(tmp_path, "stages.prepare")
    assert result.returncode == 1
    (line,) = error_lines(result)
    assert line == "prepare: error: data/raw/ames.csv.gz: not found; run `dvc repro download`"


def test_an_unwritable_output_is_one_line_naming_the_path(tmp_path):
    (tmp_path / "params.yaml").write_text((REPO / "params.yaml").read_text())
    (tmp_path / "plots" / "offline_template.html").mkdir(parents=True)  # in the way of the file
    result = run_module(tmp_path, "stages.plots_template")
    assert result.returncode == 1
    (line,) = error_lines(result)
    assert line == (
        "plots_template: error: cannot write plots/offline_template.html: it is a directory, not a file; "
        "nothing was written"
    )
    assert [p.name for p in (tmp_path / "plots").iterdir()] == ["offline_template.html"]  # no temp file left
