"""Stage `report`: every PNG figure and plots/report.html, drawn in one process.

Reads:  data/prepared/ (split and standardization), data/raw/source.json, metrics/data.json;
        per model: models/, metrics/, metrics/parity/, plots/loss/, plots/predictions/;
        params.yaml (all but `ci`: the report shows what ran); in `dvc exp run`, the params and
        metrics of the commit the experiment started from ($DVC_EXP_BASELINE_REV), to show what
        changed.
Writes: plots/figures/*.png (accuracy, loss curves, confusion matrices, decision regions,
        tier and feature histograms) and plots/report.html (self-contained: figures inlined,
        no scripts, no requests).
"""

from __future__ import annotations

import logging

import numpy as np

from ames_tiers import paths, plotting
from ames_tiers.analysis import weight_comparisons
from ames_tiers.baseline import flatten, read_baseline
from ames_tiers.data import read_split, read_standardization
from ames_tiers.files import cli_parser, read_json, read_table, run_cli, write_bytes, write_text
from ames_tiers.layers import layers_from_json
from ames_tiers.params import load_params, read_yaml
from ames_tiers.registry import MODELS
from ames_tiers.report_html import ReportInputs, render_report

log = logging.getLogger(__name__)


def main(args) -> None:
    params = load_params()
    n_classes = params.prepare.n_classes
    split = read_split(paths.TRAIN_CSV, paths.VALID_CSV)
    stats = read_standardization(paths.STANDARDIZATION)
    models = {n: layers_from_json(read_json(paths.model_file(n))) for n in MODELS}
    metrics = {n: read_json(paths.metrics_file(n)) for n in MODELS}
    curves = {n: (MODELS[n].step_name, read_table(paths.loss_curve_file(n))[1][:, 1]) for n in MODELS}
    predictions = {}
    for n in MODELS:
        table = read_table(paths.predictions_file(n))[1].astype(np.int64)
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
    page = render_report(
        ReportInputs(
            metrics=metrics,
            optimizes={
                n: MODELS[n].describe(params.models[n], len(split.features), n_classes) for n in MODELS
            },
            sgd_epochs={n: params.models[n].epochs for n in ("linreg_torch", "logreg_torch")},
            n_classes=n_classes,
            data_summary=read_json(paths.DATA_METRICS),
            source=read_json(paths.RAW_SOURCE),
            pairs=weight_comparisons(models),
            parity={n: read_json(paths.parity_file(n)) for n in MODELS},
            figures=pngs,
            params={k: v for k, v in flatten(read_yaml(paths.PARAMS)).items() if not k.startswith("ci.")},
            baseline=read_baseline(paths.PARAMS, {n: paths.metrics_file(n) for n in MODELS}),
        )
    )
    for name, png in pngs.items():
        write_bytes(paths.figure_file(name), png)
    write_text(paths.REPORT_HTML, page)
    log.info("wrote %d figures and %s", len(pngs), paths.REPORT_HTML)


if __name__ == "__main__":
    run_cli(cli_parser(__doc__, "stages.report"), main)
