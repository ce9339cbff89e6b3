"""The study's page (`python -m tools.search --page`): Optuna's history, parallel coordinates
and importances with every trial's row, one file that renders in headless Chromium with the
network off."""

from __future__ import annotations

import optuna

from ames_tiers.search.page import study_page
from ames_tiers.search.space import Choice, IntRange, Metric, SearchSpec

from ..e2e.browser import render_offline

RANGES = {"models.mlp.hidden": IntRange(10, 200, True), "models.mlp.epochs": Choice((300, 1000))}
SPEC = SearchSpec("mlp", Metric("metrics/mlp.json", "valid.accuracy"), "maximize", 6, RANGES)


def study_of(n: int):
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=0))
    for number in range(n):
        trial = study.ask()
        hidden = trial.suggest_int("models.mlp.hidden", 10, 200, log=True)
        epochs = trial.suggest_categorical("models.mlp.epochs", [300, 1000])
        trial.set_user_attr("experiment", f"mlp-{number}")
        study.tell(trial, 0.5 + hidden / 1000 + epochs / 1e5)
    return study


def test_the_page_shows_the_three_figures_and_every_trial_offline(tmp_path):
    page = tmp_path / "mlp.html"
    page.write_text(study_page(study_of(6), SPEC, "rank  experiment\n1  mlp-5", "mlp-5"))
    text = page.read_text()
    for heading in (
        "How the search went",
        "Where the good trials are",
        "Which params mattered",
        "Every trial",
    ):
        assert heading in text
    assert "dvc exp apply mlp-5" in text and "http" not in text.replace("http-equiv", "")
    rendered = render_offline(page, tmp_path / "shot.png")
    assert len(rendered.images) == 3 and all(image["width"] > 300 for image in rendered.images)
    assert rendered.external_requests == [] and rendered.console_errors == []


def test_before_any_trial_finished_the_page_says_so():
    text = study_page(study_of(0), SPEC, "", None)
    assert "No trial has finished yet" in text and "<img" not in text
