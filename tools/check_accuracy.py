"""The accuracy gate: fail, naming the model, when a validation accuracy is below its floor.

Usage:  python -m tools.check_accuracy   (CI runs it after `dvc repro`)
Reads:  metrics/<model>.json for every model; params.yaml `ci.accuracy_floors`.
A missing, non-numeric, NaN, infinite or out-of-range accuracy fails the gate too: it can
pass only on five real accuracies at or above their floors.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from ames_tiers.core import paths
from ames_tiers.core.cli import cli_parser, run_cli
from ames_tiers.core.errors import UserError
from ames_tiers.core.files import read_json
from ames_tiers.core.params import load_params
from ames_tiers.models.registry import MODELS, model_params

log = logging.getLogger(__name__)


def valid_accuracy(name: str, metrics: Any) -> float:
    """metrics/<name>.json's valid.accuracy, or a UserError saying what is wrong with it."""
    where = f"{paths.metrics_file(name)}: valid.accuracy"
    try:
        value = metrics["valid"]["accuracy"]
    except (KeyError, TypeError):
        raise UserError(f"{where} is missing; run `dvc repro`") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UserError(f"{where} = {value!r} is not a number")
    if not math.isfinite(value) or not 0 <= value <= 1:
        raise UserError(f"{where} = {value!r} is not an accuracy in [0, 1]")
    return float(value)


def below_floor(accuracies: dict[str, float], floors: dict[str, float]) -> list[str]:
    """One message per model whose validation accuracy is below its floor."""
    return [
        f"{name}: valid accuracy {accuracies[name]:.4f} is below its floor {floor:.4f}"
        for name, floor in floors.items()
        if not accuracies[name] >= floor  # `not >=`, so that NaN can never pass
    ]


def main(args) -> None:
    floors = model_params(load_params()).accuracy_floors
    accuracies = {name: valid_accuracy(name, read_json(paths.metrics_file(name))) for name in MODELS}
    for name in MODELS:
        log.info("%-13s valid accuracy %.4f (floor %.4f)", name, accuracies[name], floors[name])
    failures = below_floor(accuracies, floors)
    if failures:
        raise UserError("accuracy gate failed: " + "; ".join(failures))
    log.info("accuracy gate passed for all %d models", len(floors))


if __name__ == "__main__":
    run_cli(cli_parser(__doc__, "tools.check_accuracy"), main)
