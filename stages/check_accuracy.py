"""The accuracy gate: fail, naming the model, when a validation accuracy is below its floor.

Usage: python -m stages.check_accuracy   (reads metrics/ and params.yaml `ci.accuracy_floors`)"""

from __future__ import annotations

import logging

from stages import paths
from stages.files import UserError, read_json, run_stage
from stages.params import load_params

log = logging.getLogger("stages.check_accuracy")


def below_floor(accuracies: dict[str, float], floors: dict[str, float]) -> list[str]:
    """One message per model whose validation accuracy is below its floor."""
    return [
        f"{name}: valid accuracy {accuracies[name]:.4f} is below its floor {floor:.4f}"
        for name, floor in floors.items()
        if accuracies[name] < floor
    ]


def main(argv: list[str]) -> None:
    floors = load_params().ci.accuracy_floors
    accuracies = {
        name: read_json(paths.metrics_file(name))["valid"]["accuracy"] for name in paths.MODEL_NAMES
    }
    failures = below_floor(accuracies, floors)
    for name in paths.MODEL_NAMES:
        log.info("%-13s valid accuracy %.4f (floor %.4f)", name, accuracies[name], floors[name])
    if failures:
        raise UserError("accuracy gate failed: " + "; ".join(failures))
    log.info("accuracy gate passed for all %d models", len(floors))


if __name__ == "__main__":
    run_stage(main)
