"""tools/check_tracked.py: nothing changes on x86-64; on ARM only what float32 rounding explains."""

from __future__ import annotations

import pytest

from tools.check_tracked import changed_files, unexplained

# what changed after `dvc repro` on emulated Debian arm64 (the reliability issue's measurement)
MEASURED_ON_ARM = [
    "dvc.lock",
    "metrics/logreg_torch.json",
    "metrics/mlp.json",
    "metrics/parity/mlp.json",
    "plots/loss/linreg_torch.csv",
    "plots/loss/logreg_torch.csv",
    "plots/loss/mlp.csv",
    "plots/report.html",
    "plots/report_figures/loss/linreg_torch.png",
    "plots/report_figures/loss/logreg_torch.png",
    "plots/report_figures/loss/mlp.png",
    "plots/figures/decision_regions/logreg_torch.png",
    "plots/figures/decision_regions/mlp.png",
    "plots/figures/decision_regions/linreg_torch.png",
]


def test_on_x86_64_any_change_is_unexplained_but_the_screenshots():
    assert unexplained(["plots/screenshots/report.png"], "x86_64") == []
    assert unexplained(["metrics/mlp.json"], "x86_64") == ["metrics/mlp.json"]


@pytest.mark.parametrize("machine", ["aarch64", "arm64"])
def test_on_arm_the_measured_changes_are_explained_and_nothing_of_numpy_or_predictions(machine):
    assert unexplained(MEASURED_ON_ARM, machine) == []
    others = [
        "metrics/logreg_numpy.json",
        "plots/predictions/mlp.csv",
        "plots/report_figures/confusion/mlp.png",
        "plots/figures/accuracy.png",
        "metrics/data.json",
    ]
    assert unexplained(MEASURED_ON_ARM + others, machine) == others


def test_git_status_lines_become_paths():
    assert changed_files(" M dvc.lock\n?? plots/new.png\n") == ["dvc.lock", "plots/new.png"]
