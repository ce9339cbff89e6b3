"""Strip the outputs of the notebooks in notebooks/ (or those named), as they are committed.

Usage:  python -m tools.strip_notebooks [NOTEBOOK ...]
Outputs, execution counts and per-run metadata are removed in place; the cells stay. Why the
outputs are not committed: tests/notebooks/test_notebook_file.py.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ames_tiers.core.cli import cli_parser, run_cli
from ames_tiers.core.errors import UserError
from ames_tiers.core.files import write_text

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
RUN_METADATA = ("execution", "collapsed", "scrolled")  # what Jupyter records of a run, per cell
log = logging.getLogger(__name__)


def strip(notebook):
    """The notebook without what running it added (changed in place, and returned)."""
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        for key in RUN_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return notebook


def is_stripped(notebook) -> bool:
    return "widgets" not in notebook.metadata and all(
        not any(key in cell.metadata for key in RUN_METADATA)
        and (cell.cell_type != "code" or (cell.outputs == [] and cell.execution_count is None))
        for cell in notebook.cells
    )


def main(args) -> None:
    import nbformat

    for path in args.notebooks or sorted(NOTEBOOKS.glob("*.ipynb")):
        try:
            notebook = nbformat.read(path, as_version=4)
        except (OSError, ValueError) as err:
            raise UserError(f"{path}: not a readable notebook ({err})") from None
        if not is_stripped(notebook):
            write_text(Path(path), nbformat.writes(strip(notebook)) + "\n")
            log.info("stripped %s", path)


def parser():
    p = cli_parser(__doc__, "tools.strip_notebooks")
    p.add_argument("notebooks", nargs="*", type=Path, metavar="NOTEBOOK")
    return p


if __name__ == "__main__":
    run_cli(parser(), main)
