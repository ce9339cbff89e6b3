"""Stage `parity`: check every model against a reference implementation nobody here wrote;
write metrics/parity.json, or fail naming each model whose difference exceeds its tolerance."""

from __future__ import annotations

import logging

import numpy as np

from stages import paths
from stages.data import read_split
from stages.files import UserError, read_json, run_stage, write_json
from stages.models import layers_from_json
from stages.params import load_params
from stages.references import Comparison, parity_comparisons, recorded

log = logging.getLogger("stages.parity")


def parity_summary(comparisons: list[Comparison]) -> dict:
    """{model: {reference: {quantity: difference}}}, for metrics/parity.json."""
    summary: dict = {}
    for c in comparisons:
        summary.setdefault(c.model, {}).setdefault(c.reference, {})[c.quantity] = recorded(c.difference)
    return summary


def main(argv: list[str]) -> None:
    params = load_params()
    split = read_split(paths.TRAIN_CSV, paths.VALID_CSV)
    layers = {n: layers_from_json(read_json(paths.model_file(n))) for n in paths.MODEL_NAMES}
    mlp_curve = np.loadtxt(paths.loss_curve_file("mlp"), delimiter=",", skiprows=1, ndmin=2)[:, 1]
    comparisons = parity_comparisons(
        layers, mlp_curve, split, params.prepare.n_classes, params.seed, params.models["mlp"], params.parity
    )
    for c in comparisons:
        log.info("%s %s", "info" if c.tolerance is None else "ok  " if c.ok else "FAIL", c.describe())
    failed = [c for c in comparisons if not c.ok]
    if failed:
        raise UserError("parity check failed: " + "; ".join(c.describe() for c in failed))
    write_json(paths.PARITY_METRICS, parity_summary(comparisons))


if __name__ == "__main__":
    run_stage(main)
