"""The course notebook, executed headless (nbclient, ipykernel) in a reproduced clone: it
prints the numbers the seed notebook prints, and the pipeline's own metrics."""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from tools.fresh_copy import set_param

from ..notebooks.test_notebook_file import NOTEBOOK, strip

pytestmark = pytest.mark.e2e(seconds=20)  # its rough cost here: the longest start first


def text_of(cell) -> str:
    """What a code cell showed: its printed lines and its value's text, as one string."""
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.get("data", {}).get("text/plain", ""))
        elif output.output_type == "error":
            parts.append("\n".join(output.traceback))
    return "\n".join(parts)


def execute(root, env):
    path = root / "notebooks" / "cs375_linear_softmax.ipynb"
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute(env=env)  # fmt: skip
    return notebook


@pytest.fixture(scope="module")
def run_notebook(reproduced):
    return execute(*reproduced[:2])


@pytest.fixture(scope="module")
def executed(run_notebook):
    return [text_of(cell) for cell in run_notebook.cells if cell.cell_type == "code"]


def test_the_run_notebook_saved_and_stripped_by_the_hook_is_the_committed_file(run_notebook, tmp_path):
    saved = tmp_path / NOTEBOOK.name
    nbformat.write(run_notebook, saved)
    assert "version" in run_notebook.metadata.language_info  # what the hook must strip
    assert strip(saved) == NOTEBOOK.read_bytes()


def output_containing(executed: list[str], needle: str) -> str:
    found = [text for text in executed if needle in text]
    assert found, f"no cell printed {needle!r}"
    return " ".join(found[0].split())  # whitespace as the seed's text shows it


def test_the_data_cells_print_the_notebooks_tier_counts_and_shapes(executed):
    counts = output_containing(executed, "price_bin")
    for tier, count in ((0, 981), (1, 980), (2, 969)):
        assert re.search(rf"\b{tier} {count}\b", counts), counts
    shapes = output_containing(executed, "train: X.shape")
    assert "train: X.shape=(2344, 2), y.shape=(2344,)" in shapes
    assert "valid: X.shape=(586, 2), y.shape=(586,)" in shapes


def test_part_1a_prints_the_notebooks_losses_weights_bias_and_accuracy(executed):
    fitted = output_containing(executed, "Fitted bias")
    assert "Initial loss: 1.33 Final loss: 0.56" in fitted
    assert "Fitted weights: [-0.26364467 0.17475395]" in fitted
    # the seed prints 0.9886359257077487: BFGS stops within its tolerance, and the pipeline's
    # portable arithmetic (the same bits on every CPU) takes it there by another rounding
    assert "Fitted bias: 0.98863592" in fitted
    accuracy = output_containing(executed, "linear regression 'classifier'")
    assert "[1 1 1 1 1 1 1 1 1 1]" in accuracy  # the seed's y_pred_valid[:10]
    assert "Validation accuracy for linear regression 'classifier': 0.31" in accuracy


def test_part_2a_prints_the_notebooks_one_hot_rows_predictions_and_accuracy(executed):
    onehot = output_containing(executed, "array([[0., 1., 0.]")
    assert "array([[0., 1., 0.], [0., 1., 0.], [1., 0., 0.], [1., 0., 0.], [1., 0., 0.]])" in onehot
    accuracy = output_containing(executed, "logistic regression:")
    assert "[0 1 2 2 0 2 0 1 2 2]" in accuracy  # the seed's y_pred_valid[:10]
    assert "Validation accuracy for logistic regression: 0.52" in accuracy


def test_the_notebooks_models_are_the_pipelines_models(executed):
    table = output_containing(executed, "metrics/<model>.json")
    assert table.count("True") == 5 and "False" not in table


def test_the_torch_parts_and_the_change_cell_train(executed):
    assert "Epoch 90, Loss:" in output_containing(executed, "Epoch 00, Loss:")
    assert re.search(r"Epoch 900, Loss: \d\.\d{4}", output_containing(executed, "Epoch 900"))
    assert re.search(r"hidden=50, .*validation accuracy 0\.\d{4}", output_containing(executed, "hidden=50"))
    assert not any("Traceback" in text or "Error" in text for text in executed)


def test_with_params_edited_but_not_reproduced_it_says_metrics_are_older_and_what_to_run(
    reproduced, tmp_path
):
    root = shutil.copytree(reproduced[0], tmp_path / "repo", symlinks=True)
    set_param(root, "models.mlp.hidden", 50)
    texts = [text_of(cell) for cell in execute(root, reproduced[1]).cells if cell.cell_type == "code"]
    said = output_containing(texts, "metrics/ is older")
    assert "metrics/ is older than params.yaml or the code (" in said and "train@mlp" in said
    assert "run `dvc repro`, then rerun this notebook" in said


def test_up_to_date_it_says_nothing_of_the_kind(executed):
    assert not any("is older than" in text for text in executed)
