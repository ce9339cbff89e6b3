"""Stage `train@<model>`: train one model, check it against its references, write its results.

Usage:  python -m stages.train MODEL   (MODEL: linreg_numpy, linreg_torch, logreg_numpy,
        logreg_torch or mlp; ames_tiers/registry.py describes each)
Reads:  data/prepared/train.csv, valid.csv; params.yaml `models.<MODEL>`, `parity.<MODEL>`,
        `prepare.n_classes`, and `seed` for the PyTorch models.
Writes: models/<MODEL>.json (learned parameters, X @ W + b), metrics/<MODEL>.json (loss and
        accuracy), plots/loss/<MODEL>.csv (loss per iteration or epoch),
        plots/predictions/<MODEL>.csv (validation tiers), metrics/parity/<MODEL>.json (the
        reference checks). Nothing is written when training diverges or a check fails.
"""

from __future__ import annotations

import logging

from ames_tiers import paths
from ames_tiers.comparison import parity_record
from ames_tiers.data import read_split
from ames_tiers.files import UserError, cli_parser, csv_text, run_cli, to_json, write_all
from ames_tiers.layers import Diverged, FitContext, forward, layers_to_json, predict
from ames_tiers.metrics import model_metrics
from ames_tiers.params import load_params
from ames_tiers.registry import MODELS

log = logging.getLogger(__name__)


def main(args) -> None:
    spec = MODELS[args.model]
    params = load_params()
    model_params, parity_params = params.models[spec.name], params.parity[spec.name]
    split = read_split(paths.TRAIN_CSV, paths.VALID_CSV)
    context = FitContext(n_classes=params.prepare.n_classes, seed=params.seed)
    fit_model = spec.load("fit")
    log.info("training: %s", spec.describe(model_params, split.X_train.shape[1], context.n_classes))
    try:
        fit = fit_model(split.X_train, split.y_train, model_params, context)
    except Diverged as err:
        hint = f"; lower models.{spec.name}.lr" if hasattr(model_params, "lr") else ""
        raise UserError(f"{err}{hint}") from None
    comparisons = spec.load("check")(fit, split, model_params, parity_params, context)
    for c in comparisons:
        log.info("parity %-4s %s", "info" if c.tolerance is None else c.verdict, c.describe())
    failed = [c.describe() for c in comparisons if not c.ok]
    if failed:
        raise UserError("parity check failed: " + "; ".join(failed))

    metrics = model_metrics(spec.kind, fit, split.X_train, split.y_train, split.X_valid, split.y_valid)
    valid_tiers = predict(spec.kind, forward(fit.layers, split.X_valid))
    try:
        outputs = {
            paths.model_file(spec.name): to_json(layers_to_json(spec.name, spec.kind, fit.layers)),
            paths.loss_curve_file(spec.name): csv_text(
                [spec.step_name, "loss"], list(enumerate(fit.loss_history))
            ),
            paths.predictions_file(spec.name): csv_text(
                ["actual", "predicted"], list(zip(split.y_valid, valid_tiers, strict=True))
            ),
            paths.parity_file(spec.name): to_json(parity_record(spec.name, comparisons)),
            paths.metrics_file(spec.name): to_json(metrics),
        }
    except ValueError as err:  # NaN or infinity: the model's outputs overflow
        raise UserError(f"the trained model gives non-finite results ({err}); nothing was written") from None
    write_all(outputs)
    log.info(
        "valid accuracy %.4f, valid %s %.4f",
        metrics["valid"]["accuracy"],
        spec.loss_name,
        metrics["valid"]["loss"],
    )


def parser():
    p = cli_parser(__doc__, "stages.train")
    p.add_argument("model", choices=list(MODELS), metavar="MODEL", help="one of " + ", ".join(MODELS))
    return p


if __name__ == "__main__":
    run_cli(parser(), main, lambda args: f"train@{args.model}")
