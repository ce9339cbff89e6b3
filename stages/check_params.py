"""Stage `check_params`, the first: every value in params.yaml, checked before any stage runs.

Reads:  params.yaml, the whole file (a dependency by its bytes, so this stage reruns on any
        edit, even `3` -> `3.0`, which DVC's own comparison of params calls unchanged).
Writes: data/params_ok.txt, the same line every time, written only when every value is
        valid. `download` depends on it, so every other stage runs after this one: a bad value
        stops `dvc repro` or `dvc exp run` here, before DVC deletes any stage's outputs.
"""

from __future__ import annotations

from ames_tiers.core import paths
from ames_tiers.core.cli import cli_parser, run_cli
from ames_tiers.core.errors import ParamsError
from ames_tiers.core.files import write_text
from ames_tiers.core.params import load_params
from ames_tiers.models.registry import model_params

STAMP = "params.yaml: every value checked by `python -m stages.check_params`\n"


UNDO = "git checkout params.yaml dvc.lock"  # the value `dvc exp run -S` or an edit wrote, undone


def main(args) -> None:
    try:
        model_params(load_params())  # the pipeline's sections, then every registered model's
    except ParamsError as err:
        raise ParamsError(f"{err} (every output is as it was; to undo the edit: {UNDO})") from None
    write_text(paths.PARAMS_OK, STAMP)


if __name__ == "__main__":
    run_cli(cli_parser(__doc__, "stages.check_params"), main)
