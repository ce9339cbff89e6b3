"""The report's sentences and numbers come from this run's params and metrics."""

from __future__ import annotations

import re

from ames_tiers.core import paths

from ..mini_pipeline import run_pipeline


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r'src="data:[^"]*"', "", page)))


def test_a_4_tier_50_epoch_run_is_described_as_such(tmp_path, monkeypatch):
    run_pipeline(tmp_path, {"prepare": {"n_classes": 4}}, monkeypatch)
    text = text_of(paths.REPORT_HTML.read_text())
    assert "chance is about 0.25 with four equal tiers" in text
    assert "50 epochs of SGD stop short of the minimum" in text
    assert "cross-entropy, 2 → 16 → ReLU → 4, full-batch SGD" in text
    assert "tier 3:" in text and "tier 4" not in text
    assert "three" not in text and "100 epochs" not in text and "1 / 3" not in text
