"""The course notebook as committed: outputs stripped, and its cells call the library.

Outputs are stripped (not committed) because they would be a second, larger record of what
the pipeline already tracks (metrics/, plots/): base64 figures that make every diff unreadable,
and torch's losses, which differ in the last bits on ARM, so that running the notebook there
would change a committed file. tests/e2e/test_notebook.py executes it and checks its numbers.
"""

from __future__ import annotations

import ast

import nbformat
import pytest

from tools.strip_notebooks import NOTEBOOKS, is_stripped, strip

NOTEBOOK = NOTEBOOKS / "cs375_linear_softmax.ipynb"


def code_cells(path=NOTEBOOK) -> list[str]:
    return [cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def test_the_committed_notebook_has_no_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert is_stripped(notebook), "run: python -m tools.strip_notebooks"
    nbformat.validate(notebook)


def test_strip_removes_outputs_counts_and_run_metadata(tmp_path):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    cell = next(c for c in notebook.cells if c.cell_type == "code")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="981\n")]
    cell.execution_count = 7
    cell.metadata["execution"] = {"iopub.status.busy": "2026-12-02T18:00:00Z"}
    notebook.metadata["widgets"] = {"state": {}}
    assert not is_stripped(notebook)
    assert is_stripped(strip(notebook))
    assert cell.outputs == [] and cell.execution_count is None and "execution" not in cell.metadata


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
        "ames_tiers.data.prepare",
        "ames_tiers.models_numpy.linear_regression",
        "ames_tiers.models_numpy.softmax_regression",
        "ames_tiers.models_torch.models",
    } <= imported


@pytest.mark.parametrize("part", ["1.A", "1.B", "2.A", "2.B", "Looking ahead", "Analysis", "dvc exp run -S"])
def test_the_notebook_has_each_part_of_the_course_notebook(part):
    text = "\n".join(cell.source for cell in nbformat.read(NOTEBOOK, as_version=4).cells)
    assert part in text
