"""Stage `report`: every PNG figure and plots/report.html, drawn in one process.

Reads:  data/prepared/ (split and standardization), data/raw/source.json, metrics/data.json;
        per model: models/, metrics/, metrics/parity/, plots/loss/, plots/predictions/;
        params.yaml (all but `ci`: the report shows what ran). Nothing else: the page is one
        function of the committed inputs, redrawn the same anywhere (an experiment's changes
        are `dvc exp show`'s and `tools.compare`'s to show).
Writes: plots/figures/ (accuracy, histograms, each model's decision regions: `dvc plots`
        images) and plots/report_figures/ (each model's loss curve and confusion matrix),
        redrawing only the figures whose inputs changed, and
        plots/report.html (self-contained: figures inlined, no scripts, no requests).
"""

from __future__ import annotations

import logging

import numpy as np

from ames_tiers.core import paths
from ames_tiers.core.cli import cli_parser, run_cli
from ames_tiers.core.dataset import read_split, read_standardization
from ames_tiers.core.files import read_json, read_table, write_bytes, write_text
from ames_tiers.core.params import dotted_keys, load_params, read_yaml
from ames_tiers.models.layers import layers_from_json
from ames_tiers.models.registry import MODELS, model_params, twins
from ames_tiers.report import figures
from ames_tiers.report.analysis import twin_pairs
from ames_tiers.report.page import ReportInputs, render_report

log = logging.getLogger(__name__)


def read_run(n_classes: int) -> figures.RunResults:
    predictions = {}
    for n in MODELS:
        table = read_table(paths.predictions_file(n))[1].astype(np.int64)
        predictions[n] = (table[:, 0], table[:, 1])
    return figures.RunResults(
        split=read_split(paths.TRAIN_CSV, paths.VALID_CSV),
        stats=read_standardization(paths.STANDARDIZATION),
        n_classes=n_classes,
        models={n: layers_from_json(read_json(paths.model_file(n))) for n in MODELS},
        metrics={n: read_json(paths.metrics_file(n)) for n in MODELS},
        losses={n: read_table(paths.loss_curve_file(n))[1][:, 1] for n in MODELS},
        predictions=predictions,
    )


def main(args) -> None:
    params = load_params()
    sections = model_params(params)
    run = read_run(params.prepare.n_classes)
    pngs, drawn = figures.draw_changed(figures.plan(run))
    n_features = len(run.split.features)
    page = render_report(
        ReportInputs(
            metrics=run.metrics,
            optimizes={n: MODELS[n].describe(sections.models[n], n_features, run.n_classes) for n in MODELS},
            sgd_epochs={torch: sections.models[torch].epochs for _, torch in twins()},
            n_classes=run.n_classes,
            data_summary=read_json(paths.DATA_METRICS),
            source=read_json(paths.RAW_SOURCE),
            pairs=twin_pairs(run.models),
            parity={n: read_json(paths.parity_file(n)) for n in MODELS},
            figures=pngs,
            params={k: v for k, v in dotted_keys(read_yaml(paths.PARAMS)).items() if not k.startswith("ci.")},
        )
    )
    for name in drawn:
        write_bytes(paths.figure_file(name), pngs[name])
    write_text(paths.REPORT_HTML, page)
    log.info("drew %d of %d figures (the others' inputs did not change); wrote %s", len(drawn), len(pngs),
             paths.REPORT_HTML)  # fmt: skip


if __name__ == "__main__":
    run_cli(cli_parser(__doc__, "stages.report"), main)
