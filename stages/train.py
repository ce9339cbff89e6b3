"""Stage `train@<model>`: fit one of the five models and write its parameters, metrics,
loss curve and validation predictions.  Usage: python -m stages.train MODEL"""

from __future__ import annotations

import logging

from stages import paths
from stages.data import read_split
from stages.files import UserError, run_stage, write_csv, write_json
from stages.metrics import evaluate
from stages.models import LOSS_NAME, STEP_NAME, forward, model_to_json, n_parameters, predict, train_model
from stages.params import load_params

log = logging.getLogger("stages.train")


def main(argv: list[str]) -> None:
    if len(argv) != 1 or argv[0] not in paths.MODEL_NAMES:
        raise UserError(f"usage: python -m stages.train MODEL, MODEL one of {list(paths.MODEL_NAMES)}")
    name = argv[0]
    params = load_params()
    split = read_split(paths.TRAIN_CSV, paths.VALID_CSV)

    model = train_model(name, split, params)
    metrics = {
        "train": evaluate(model.kind, model.layers, split.X_train, split.y_train),
        "valid": evaluate(model.kind, model.layers, split.X_valid, split.y_valid),
        "optimizer": model.optimizer,
        "n_parameters": n_parameters(model.layers),
    }
    valid_pred = predict(model.kind, forward(model.layers, split.X_valid))

    write_json(paths.model_file(name), model_to_json(model))
    write_csv(
        paths.loss_curve_file(name),
        [STEP_NAME[name], "loss"],
        list(enumerate(model.loss_history)),
    )
    write_csv(paths.predictions_file(name), ["actual", "predicted"], list(zip(split.y_valid, valid_pred)))
    write_json(paths.metrics_file(name), metrics)
    log.info(
        "%s: valid accuracy %.4f, valid %s %.4f",
        name,
        metrics["valid"]["accuracy"],
        LOSS_NAME[model.kind],
        metrics["valid"]["loss"],
    )


if __name__ == "__main__":
    run_stage(main)
