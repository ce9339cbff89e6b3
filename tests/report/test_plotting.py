"""The figures: legible in the report, any tier count, one feature or two."""

from __future__ import annotations

import numpy as np
import pytest

from ames_tiers.core.dataset import Split, Standardization
from ames_tiers.models.registry import MODELS
from ames_tiers.report import plotting

REPORT_COLUMN_PX = 1068  # the report's text column at a 1280 px window (max-width 1100 px less padding)


def smallest_text_px(fig) -> float:
    """The smallest text in a drawn figure, in screen pixels once the report shows the PNG."""
    from matplotlib.text import Text

    scale = min(1.0, REPORT_COLUMN_PX / (fig.get_figwidth() * fig.dpi))
    texts = [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]
    return min(t.get_fontsize() for t in texts) * fig.dpi / 72 * scale


def fixture_split(n_classes: int, n_features: int) -> tuple[Split, Standardization]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((120, n_features))
    y = rng.integers(0, n_classes, 120)
    features = ("Longitude", "Latitude")[:n_features]
    stats = Standardization(features, np.full(n_features, 42.0), np.full(n_features, 0.02), "all")
    return Split(features, X[:90], X[90:], y[:90], y[90:]), stats


def layers_for(n_features: int, n_classes: int) -> dict:
    rng = np.random.default_rng(1)
    out = {}
    for name, spec in MODELS.items():
        width = 1 if spec.kind == "regression" else n_classes
        out[name] = [(rng.standard_normal((n_features, width)), rng.standard_normal(width))]
    return out


@pytest.mark.parametrize("n_classes, n_features", [(2, 2), (10, 2), (8, 1)])
def test_every_figure_draws_at_any_tier_count_with_one_feature_or_two(n_classes, n_features):
    split, stats = fixture_split(n_classes, n_features)
    all_models = layers_for(n_features, n_classes)
    metrics = {n: {"train": {"accuracy": 0.5}, "valid": {"accuracy": 0.4}} for n in all_models}
    # a model's figures depend on its kind, not its name: one model of each kind draws them all
    models = {spec.kind: (name, all_models[name]) for name, spec in reversed(MODELS.items())}.values()
    figures = [
        plotting.accuracy_comparison(metrics),
        plotting.class_histogram(split, n_classes),
        plotting.feature_histogram(split),
    ]
    for name, layers in models:
        figures += [
            plotting.decision_regions(name, layers, split, stats, 0.5, n_classes),
            plotting.confusion_matrix(name, split.y_valid, split.y_valid[::-1], n_classes),
            plotting.loss_curve(name, np.linspace(2, 1, 20)),
        ]
    for fig in figures:
        png = plotting.png_bytes(fig, "digest")  # draws it: tick labels exist from here on
        assert png.startswith(b"\x89PNG")
        assert fig.get_figwidth() <= plotting.FIGURE_WIDTH
        assert smallest_text_px(fig) >= 10, fig.texts


def test_a_figure_carries_the_digest_of_its_inputs(tmp_path):
    split, _ = fixture_split(3, 2)
    path = tmp_path / "class_histogram.png"
    path.write_bytes(plotting.png_bytes(plotting.class_histogram(split, 3), "abc123"))
    assert plotting.drawn_from(path) == "abc123"
    path.write_bytes(b"not a png")
    assert plotting.drawn_from(path) is None


def test_more_tiers_than_the_palette_get_distinct_colours():
    assert plotting.tier_colors(3) == plotting.TIER_COLORS[:3]
    many = plotting.tier_colors(10)
    assert len({tuple(np.round(c, 6)) for c in many}) == 10
