"""ames_tiers/report/figures.py: a change to one model redraws that model's figures only."""

from __future__ import annotations

import numpy as np

from ames_tiers.core import paths
from ames_tiers.models.registry import MODELS
from ames_tiers.report import figures

from .test_plotting import fixture_split, layers_for


def run_results(models) -> figures.RunResults:
    split, stats = fixture_split(3, 2)
    return figures.RunResults(
        split=split, stats=stats, n_classes=3, models=models,
        metrics={n: {"valid": {"accuracy": 0.5}, "train": {"accuracy": 0.5}} for n in models},
        losses={n: np.linspace(2, 1, 10) for n in models},
        predictions=dict.fromkeys(models, (split.y_valid, split.y_valid)),
    )  # fmt: skip


def test_only_a_changed_models_figures_and_the_accuracy_chart_are_redrawn(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    models = layers_for(2, 3)
    pngs, drawn = figures.draw_changed(figures.plan(run_results(models)))
    assert len(drawn) == len(pngs) == 3 + 3 * len(MODELS)
    per_model = {paths.model_figure(kind, m) for kind in paths.MODEL_FIGURES for m in MODELS}
    assert set(pngs) == {*paths.RUN_FIGURES, *per_model}  # the names paths.figure_file knows
    for name in drawn:
        paths.figure_file(name).parent.mkdir(parents=True, exist_ok=True)
        paths.figure_file(name).write_bytes(pngs[name])

    changed = {**models, "mlp": [(W + 1.0, b) for W, b in models["mlp"]]}
    run = run_results(changed)
    run.metrics["mlp"]["valid"]["accuracy"] = 0.6
    again, redrawn = figures.draw_changed(figures.plan(run))
    assert sorted(redrawn) == ["accuracy", "decision_regions/mlp"]
    assert again["loss/linreg_numpy"] == pngs["loss/linreg_numpy"]


def test_a_digest_sees_every_input():
    a = np.arange(3.0)
    assert figures.digest("x", a) == figures.digest("x", a.copy())
    assert figures.digest("x", a) != figures.digest("x", a + np.array([0, 0, 1e-12]))
    assert figures.digest("x", a) != figures.digest("x", a.astype(np.float32))
    assert figures.digest("x", {"a": 1}) != figures.digest("x", {"a": 2})
