"""Stage `report`: every PNG figure, drawn in one process from the saved models and metrics."""

from __future__ import annotations

import logging

import numpy as np

from stages import paths
from stages.data import Standardization, read_split
from stages.files import read_json, run_stage, write_bytes
from stages.models import layers_from_json
from stages.params import load_params
from stages import plotting

log = logging.getLogger("stages.report")

def main(argv: list[str]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    params = load_params()
    n_classes = params.prepare.n_classes
    split = read_split(paths.TRAIN_CSV, paths.VALID_CSV)
    raw_stats = read_json(paths.STANDARDIZATION)
    stats = Standardization(
        tuple(raw_stats["features"]),
        np.asarray(raw_stats["mean"]),
        np.asarray(raw_stats["std"]),
        raw_stats["computed_on"],
    )
    models = {name: layers_from_json(read_json(paths.model_file(name))) for name in paths.MODEL_NAMES}
    metrics = {name: read_json(paths.metrics_file(name)) for name in paths.MODEL_NAMES}
    accuracies = {name: m["valid"]["accuracy"] for name, m in metrics.items()}

    figures = {
        "class_histogram": plotting.class_histogram(split, n_classes),
        "feature_histogram": plotting.feature_histogram(split),
        "decision_regions": plotting.decision_regions(split, stats, models, accuracies, n_classes),
        "accuracy": plotting.accuracy_comparison(metrics),
    }
    assert tuple(figures) == paths.FIGURE_NAMES
    for name, fig in figures.items():
        write_bytes(paths.figure_file(name), plotting.png_bytes(fig))
    log.info("wrote %d figures to %s", len(figures), paths.FIGURES_DIR)


if __name__ == "__main__":
    run_stage(main)
