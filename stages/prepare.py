"""Stage `prepare`: price tiers, standardized features, train/validation split.

Reads:  data/raw/ames.csv.gz and source.json (which data it is); params.yaml `prepare`.
Writes: data/prepared/train.csv and valid.csv (standardized features and tier),
        data/prepared/standardization.json (the mean and std that turn longitude/latitude
        into model inputs), metrics/data.json (tier counts, split sizes).
"""

from __future__ import annotations

import logging

from ames_tiers.core import paths
from ames_tiers.core.cli import cli_parser, run_cli
from ames_tiers.core.dataset import write_split_csv, write_standardization
from ames_tiers.core.files import read_json, write_json
from ames_tiers.core.params import load_params
from ames_tiers.prepare import data_summary, prepare, read_ames

log = logging.getLogger(__name__)


def main(args) -> None:
    params = load_params().prepare
    frame = read_ames(paths.RAW_CSV, params.features)
    split, stats = prepare(frame, params)
    write_split_csv(paths.TRAIN_CSV, split.features, split.X_train, split.y_train)
    write_split_csv(paths.VALID_CSV, split.features, split.X_valid, split.y_valid)
    write_standardization(paths.STANDARDIZATION, stats)
    data = read_json(paths.RAW_SOURCE)["data"]
    if data != paths.ORIGINAL:
        log.warning("WARNING: preparing the %s, not the original data (see the download stage)", data)
    summary = data_summary(split, stats, params.n_classes, data)
    write_json(paths.DATA_METRICS, summary)
    log.info(
        "class counts %s; %d train / %d valid rows",
        summary["class_counts"],
        summary["n_train"],
        summary["n_valid"],
    )


if __name__ == "__main__":
    run_cli(cli_parser(__doc__, "stages.prepare"), main)
