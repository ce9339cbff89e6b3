"""A one-repetition smoke run of the benchmark command (timings are not asserted)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ..conftest import REPO
from .dvc_helpers import dvc_env

pytestmark = pytest.mark.e2e


def test_benchmark_runs_and_writes_its_table(tmp_path, mirror):
    output = tmp_path / "BENCHMARKS.md"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--repeats", "1", "--output", str(output)],
        cwd=REPO,
        env=dvc_env(mirror),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    table = output.read_text()
    for row in (
        "notebook script (baseline)",
        "cold dvc repro",
        "no-op dvc repro",
        "models.mlp.hidden changed",
        "models.logreg_numpy changed",
        "train@mlp",
        "parity",
    ):
        assert row in table
    assert "ratio to baseline" in table and "final loss difference" in table
