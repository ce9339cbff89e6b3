"""Shared fixtures: the repository root, the data mirror, and tiny synthetic data."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import ames_tiers  # noqa: F401  (before any test imports torch: pins torch's CPU kernels before any test imports torch)

REPO = Path(__file__).resolve().parents[1]


def find_mirror() -> Path | None:
    """The local copy of the Ames CSV: $AMES_DATA_MIRROR, else ../shared/data/ames.csv.gz."""
    candidates = [os.environ.get("AMES_DATA_MIRROR"), REPO.parent / "shared/data/ames.csv.gz"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate).resolve()
    return None


@pytest.fixture(scope="session")
def mirror() -> Path:
    path = find_mirror()
    if path is None:
        pytest.skip("no local copy of the Ames data: set AMES_DATA_MIRROR to ames.csv.gz")
    return path


@pytest.fixture(scope="session")
def reproduced(tmp_path_factory, mirror) -> tuple[Path, dict, str]:
    """A fresh clone's `dvc repro` on the real data: (root, env, dvc's output). Shared by the
    end-to-end tests; tests that change it work on a copy."""
    from .e2e.dvc_helpers import copy_repo, dvc_env, run

    root = copy_repo(tmp_path_factory.mktemp("repo"))
    env = dvc_env(mirror)
    return root, env, run(["dvc", "repro"], root, env)


@pytest.fixture(scope="session")
def mini_run(tmp_path_factory) -> Path:
    """The whole pipeline, in-process, on synthetic houses with the committed params (few
    epochs): tests that change it work on a copy."""
    from .mini_pipeline import run_pipeline

    monkeypatch = pytest.MonkeyPatch()
    try:
        return run_pipeline(tmp_path_factory.mktemp("mini_run"), {}, monkeypatch)
    finally:
        monkeypatch.undo()


@pytest.fixture
def separable() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Three well-separated blobs in 2-D, standardized-scale, with a train/valid split."""
    rng = np.random.default_rng(0)
    centers = np.array([[-2.0, -2.0], [0.0, 2.0], [2.0, -2.0]])
    y = np.repeat(np.arange(3), 60)
    X = centers[y] + 0.3 * rng.standard_normal((len(y), 2))
    order = rng.permutation(len(y))
    X, y = X[order], y[order]
    return X[:150], y[:150], X[150:], y[150:]
