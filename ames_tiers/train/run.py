"""One model's run, as the train stage makes it: its `fit`, its `parity` checks, and the files
that record them (ames_tiers/train/<model>.py holds the first two). Any failure (divergence, a
failed check, a non-finite result) is a UserError raised before the first file is written."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from ames_tiers.core import paths
from ames_tiers.core.errors import UserError
from ames_tiers.core.files import csv_text, to_json
from ames_tiers.models.layers import Diverged, Fit, FitContext, forward, layers_to_json, predict
from ames_tiers.train.metrics import model_metrics
from ames_tiers.train.parity import ParityCheck, parity_record

if TYPE_CHECKING:
    from ames_tiers.core.dataset import Split
    from ames_tiers.models.registry import ModelSpec

log = logging.getLogger(__name__)


def fit_model(spec: ModelSpec, split: Split, params, context: FitContext) -> Fit:
    """Train ``spec``'s model on the training rows; divergence is a one-line UserError."""
    model = spec.load()  # imports its file (and torch): before the line saying training began
    log.info("training: %s", spec.describe(params, split.X_train.shape[1], context.n_classes))
    try:
        return model.fit(split.X_train, split.y_train, params, context)
    except Diverged as err:
        hint = f"; lower models.{spec.name}.lr" if hasattr(params, "lr") else ""
        raise UserError(f"{err}{hint}") from None


def check_parity(
    spec: ModelSpec, fit: Fit, split: Split, params, tolerances, context: FitContext
) -> list[ParityCheck]:
    """The model's parity checks, logged once they all pass; a difference beyond its
    tolerance is a UserError, one line naming the first such difference (and how many more)."""
    checks = spec.load().parity(fit, split, params, tolerances, context)
    failed = [c.describe() for c in checks if not c.ok]
    if failed:
        more = f" (and {len(failed) - 1} more of its {len(checks)} checks)" if len(failed) > 1 else ""
        raise UserError(f"parity check failed: {failed[0]}{more}")
    for c in checks:
        log.info("parity %-4s %s", "info" if c.tolerance is None else c.verdict, c.describe())
    return checks


def run_files(
    spec: ModelSpec, fit: Fit, checks: list[ParityCheck], split: Split, n_classes: int
) -> dict[Path, str]:
    """Every file the run writes, rendered (strict JSON refuses NaN: nothing half-written)."""
    metrics = model_metrics(spec.kind, fit, split, n_classes)
    valid_tiers = predict(spec.kind, forward(fit.layers, split.X_valid), n_classes)
    try:
        files = {
            paths.model_file(spec.name): to_json(layers_to_json(spec.name, spec.kind, fit.layers)),
            paths.loss_curve_file(spec.name): csv_text(
                [spec.step_name, "loss"], list(enumerate(fit.loss_history))
            ),
            paths.predictions_file(spec.name): csv_text(
                ["actual", "predicted"], list(zip(split.y_valid, valid_tiers, strict=True))
            ),
            paths.parity_file(spec.name): to_json(parity_record(spec.name, checks)),
            paths.metrics_file(spec.name): to_json(metrics),
        }
    except ValueError as err:  # NaN or infinity: the model's outputs overflow
        raise UserError(f"the trained model gives non-finite results ({err}); nothing was written") from None
    log.info("valid accuracy %.4f, valid %s %.4f", metrics["valid"]["accuracy"], spec.loss_name,
             metrics["valid"]["loss"])  # fmt: skip
    return files
