"""Stage `report`: every PNG figure and plots/report.html, drawn in one process from the
saved models, metrics and plot data."""

from __future__ import annotations

import logging

import numpy as np

from stages import paths, plotting
from stages.analysis import weight_comparisons
from stages.data import Standardization, read_split
from stages.files import read_json, run_stage, write_bytes, write_text
from stages.models import STEP_NAME, layers_from_json
from stages.params import load_params
from stages.report_html import render_report

log = logging.getLogger("stages.report")


def read_table(path) -> np.ndarray:
    return np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)


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
    names = paths.MODEL_NAMES
    models = {n: layers_from_json(read_json(paths.model_file(n))) for n in names}
    metrics = {n: read_json(paths.metrics_file(n)) for n in names}
    curves = {n: (STEP_NAME[n], read_table(paths.loss_curve_file(n))[:, 1]) for n in names}
    predictions = {}
    for n in names:
        table = read_table(paths.predictions_file(n)).astype(np.int64)
        predictions[n] = (table[:, 0], table[:, 1])
    accuracies = {n: m["valid"]["accuracy"] for n, m in metrics.items()}

    figures = {
        "accuracy": plotting.accuracy_comparison(metrics),
        "loss_curves": plotting.loss_curves(curves),
        "confusion_matrices": plotting.confusion_matrices(predictions, n_classes),
        "decision_regions": plotting.decision_regions(split, stats, models, accuracies, n_classes),
        "class_histogram": plotting.class_histogram(split, n_classes),
        "feature_histogram": plotting.feature_histogram(split),
    }
    assert tuple(figures) == paths.FIGURE_NAMES
    pngs = {name: plotting.png_bytes(fig) for name, fig in figures.items()}
    for name, png in pngs.items():
        write_bytes(paths.figure_file(name), png)
    page = render_report(
        metrics,
        read_json(paths.DATA_METRICS),
        read_json(paths.RAW_SOURCE),
        weight_comparisons(models),
        read_json(paths.PARITY_METRICS),
        params.parity,
        pngs,
    )
    write_text(paths.REPORT_HTML, page)
    log.info("wrote %d figures and %s", len(pngs), paths.REPORT_HTML)


if __name__ == "__main__":
    run_stage(main)
