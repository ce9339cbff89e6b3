"""Stage `prepare`: price tiers, standardized features, train/validation split."""

from __future__ import annotations

import logging

from stages import paths
from stages.data import data_summary, prepare, read_ames, write_split_csv
from stages.files import run_stage, write_json
from stages.params import load_params

log = logging.getLogger("stages.prepare")


def main(argv: list[str]) -> None:
    params = load_params().prepare
    frame = read_ames(paths.RAW_CSV, params.features)
    split, stats = prepare(frame, params)
    write_split_csv(paths.TRAIN_CSV, split.features, split.X_train, split.y_train)
    write_split_csv(paths.VALID_CSV, split.features, split.X_valid, split.y_valid)
    write_json(
        paths.STANDARDIZATION,
        {
            "features": list(stats.features),
            "mean": stats.mean,
            "std": stats.std,
            "computed_on": stats.computed_on,
        },
    )
    summary = data_summary(split, stats, params.n_classes)
    write_json(paths.DATA_METRICS, summary)
    log.info(
        "class counts %s; %d train / %d valid rows",
        summary["class_counts"],
        summary["n_train"],
        summary["n_valid"],
    )


if __name__ == "__main__":
    run_stage(main)
