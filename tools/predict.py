"""Predict the price tier of houses with a trained model.

Usage:  python -m tools.predict MODEL --longitude -93.63 --latitude 42.03
        python -m tools.predict MODEL --csv houses.csv      (one prediction per row)
Reads:  models/<MODEL>.json (run `dvc repro` or `dvc pull` first) and
        data/prepared/standardization.json (how raw longitude/latitude become model inputs).
Prints: a CSV: the inputs, then the predicted tier and, for a classifier, each tier's
        probability; for a regression, its real-valued output (the notebook rounds it).
"""

from __future__ import annotations

import csv
import io
import math
import sys
from pathlib import Path

import numpy as np

from ames_tiers.core import paths
from ames_tiers.core.cli import cli_parser, run_cli
from ames_tiers.core.dataset import read_standardization
from ames_tiers.core.errors import UserError
from ames_tiers.core.files import read_json
from ames_tiers.models.layers import forward, layers_from_json, predict
from ames_tiers.models.references import softmax_probabilities
from ames_tiers.models.registry import MODELS


def predictions(kind: str, layers, stats, raw: np.ndarray) -> tuple[list[str], list[list]]:
    """Header and rows: each house's tier, and its probabilities or regression output."""
    outputs = forward(layers, stats.apply(raw))
    tiers = predict(kind, outputs)
    if kind == "regression":
        return ["tier", "output"], [[int(t), float(o)] for t, o in zip(tiers, outputs[:, 0], strict=True)]
    probabilities = softmax_probabilities(outputs)
    header = ["tier", *(f"p_tier_{k}" for k in range(probabilities.shape[1]))]
    return header, [[int(t), *map(float, p)] for t, p in zip(tiers, probabilities, strict=True)]


def _number(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UserError(f"{where} = {text!r} is not a number") from None
    if not math.isfinite(value):
        raise UserError(f"{where} = {text!r} is not a finite number")
    return value


def houses_from_csv(path: Path, features: tuple[str, ...]) -> np.ndarray:
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except FileNotFoundError:
        raise UserError(f"{path}: not found") from None
    if not rows:
        raise UserError(f"{path}: no rows")
    missing = [f for f in features if f not in rows[0]]
    if missing:
        raise UserError(f"{path}: column {missing[0]!r} is missing (the model reads {', '.join(features)})")
    return np.array(
        [[_number(row[f], f"{path}: line {i + 2}, {f}") for f in features] for i, row in enumerate(rows)]
    )


def houses_from_args(args, features: tuple[str, ...]) -> np.ndarray:
    values = []
    for feature in features:
        given = getattr(args, feature.lower())
        if given is None:
            raise UserError(f"--{feature.lower()} is missing (the model reads {', '.join(features)})")
        values.append(_number(given, f"--{feature.lower()}"))
    return np.array([values])


def main(args) -> None:
    spec = MODELS[args.model]
    try:
        document = read_json(paths.model_file(spec.name))
    except UserError:
        raise UserError(
            f"{paths.model_file(spec.name)}: not found; run `dvc repro` (or `dvc pull`)"
        ) from None
    stats = read_standardization(paths.STANDARDIZATION)
    raw = houses_from_csv(args.csv, stats.features) if args.csv else houses_from_args(args, stats.features)
    header, rows = predictions(spec.kind, layers_from_json(document), stats, raw)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*stats.features, *header])
    writer.writerows([*map(float, x), *row] for x, row in zip(raw, rows, strict=True))
    sys.stdout.write(out.getvalue())


def parser():
    p = cli_parser(__doc__, "tools.predict")
    p.add_argument("model", choices=list(MODELS), metavar="MODEL", help="one of " + ", ".join(MODELS))
    p.add_argument("--longitude", help="a house's longitude, e.g. -93.63")
    p.add_argument("--latitude", help="a house's latitude, e.g. 42.03")
    p.add_argument("--csv", type=Path, help="a CSV with Longitude and Latitude columns, one house per row")
    return p


if __name__ == "__main__":
    run_cli(parser(), main)
