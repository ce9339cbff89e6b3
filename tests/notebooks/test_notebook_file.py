"""The course notebook as committed: outputs stripped, and its cells call the library.

Outputs are stripped (not committed) because they would be a second, larger record of what
the pipeline already tracks (metrics/, plots/): base64 figures that make every diff unreadable,
and torch's losses, which differ in the last bits on ARM, so that running the notebook there
would change a committed file. tests/e2e/test_notebook.py executes it and checks its numbers.
"""

from __future__ import annotations

import ast
import shlex
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from ruamel.yaml import YAML

from ..conftest import REPO

NOTEBOOK = REPO / "notebooks" / "cs375_linear_softmax.ipynb"


def strip_command() -> list[str]:
    """The pre-commit hook's nbstripout command (.pre-commit-config.yaml), from this venv."""
    config = YAML(typ="safe").load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hook = next(h for repo in config["repos"] for h in repo["hooks"] if h["id"] == "nbstripout")
    command = shlex.split(hook["entry"])
    return [str(Path(sys.executable).parent / command[0]), *command[1:]]


def strip(path: Path) -> bytes:
    """What the hook leaves of a notebook file (stripped in place)."""
    subprocess.run([*strip_command(), str(path)], check=True, capture_output=True)
    return path.read_bytes()


def code_cells(path=NOTEBOOK) -> list[str]:
    return [cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def test_the_committed_notebook_is_what_the_hook_leaves(tmp_path):
    copy = tmp_path / NOTEBOOK.name
    copy.write_bytes(NOTEBOOK.read_bytes())
    assert strip(copy) == NOTEBOOK.read_bytes(), "run: pre-commit run nbstripout --all-files"
    nbformat.validate(nbformat.read(NOTEBOOK, as_version=4))


def run_as_jupyter_would(notebook) -> None:
    """What running the notebook adds: outputs, counts, per-cell run metadata, the kernel's
    Python version and language details."""
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="981\n")]
            cell.execution_count = 7
            cell.metadata["execution"] = {"iopub.status.busy": "2026-12-02T18:00:00Z"}
    notebook.metadata["widgets"] = {"state": {}}
    notebook.metadata["language_info"].update(
        version="3.12.4", mimetype="text/x-python", file_extension=".py", pygments_lexer="ipython3",
        codemirror_mode={"name": "ipython", "version": 3}, nbconvert_exporter="python",
    )  # fmt: skip


@pytest.mark.parametrize("added", ["outputs", "python version"])
def test_a_notebook_committed_as_run_is_caught_and_the_hook_restores_the_committed_bytes(tmp_path, added):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    if added == "outputs":
        run_as_jupyter_would(notebook)
    else:
        notebook.metadata["language_info"]["version"] = "3.12.4"
    copy = tmp_path / NOTEBOOK.name
    nbformat.write(notebook, copy)
    assert copy.read_bytes() != NOTEBOOK.read_bytes()
    verify = subprocess.run([*strip_command(), "--verify", str(copy)], capture_output=True)
    assert verify.returncode != 0  # the check a commit of it would fail
    assert strip(copy) == NOTEBOOK.read_bytes()


def test_the_notebook_defines_nothing_of_its_own_it_calls_the_library():
    """No second implementation: no function or class is defined in a cell, and the models
    come from the modules the train stages run."""
    sources = code_cells()
    for source in sources:
        tree = ast.parse(source.replace(";\n", "\n").rstrip(";"))
        defined = [n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)]
        assert defined == [], source
    imported = {
        node.module
        for source in sources
        for node in ast.walk(ast.parse(source.rstrip(";")))
        if isinstance(node, ast.ImportFrom)
    }
    assert {
        "ames_tiers.prepare",
        "ames_tiers.train.linreg_numpy",
        "ames_tiers.train.linreg_torch",
        "ames_tiers.train.logreg_numpy",
        "ames_tiers.train.logreg_torch",
        "ames_tiers.train.mlp",
    } <= imported


@pytest.mark.parametrize("part", ["1.A", "1.B", "2.A", "2.B", "Looking ahead", "Analysis", "dvc exp run -S"])
def test_the_notebook_has_each_part_of_the_course_notebook(part):
    text = "\n".join(cell.source for cell in nbformat.read(NOTEBOOK, as_version=4).cells)
    assert part in text
