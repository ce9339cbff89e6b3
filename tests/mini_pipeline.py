"""The real stages' main() functions, in-process, on a small synthetic Ames file: the whole
pipeline in seconds, for tests that need every stage's output with some params changed."""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from ames_tiers.core import paths
from ames_tiers.core.params import dotted_keys
from ames_tiers.models.registry import MODELS
from tools.fresh_copy import set_param

from .conftest import REPO

# few epochs: the point is the wiring, not the fit
FAST = {"linreg_torch": {"epochs": 50}, "logreg_torch": {"epochs": 50}, "mlp": {"hidden": 16, "epochs": 50}}


def synthetic_ames(n: int = 400, seed: int = 0) -> pd.DataFrame:
    """Houses around Ames whose price rises to the north-west, with noise."""
    rng = np.random.default_rng(seed)
    lon = -93.62 + 0.03 * rng.standard_normal(n)
    lat = 42.03 + 0.02 * rng.standard_normal(n)
    price = 180_000 - 2e6 * (lon + 93.62) + 1.5e6 * (lat - 42.03) + 25_000 * rng.standard_normal(n)
    return pd.DataFrame({"Sale_Price": price.round(), "Longitude": lon, "Latitude": lat})


def write_params(root: Path, changes: dict) -> None:
    """root/params.yaml: the committed one with ``changes`` made, each as `dvc exp run -S` would:
    {"models.mlp": {"lr": 1.0}} changes a section's keys, {"seed": 7} sets a value."""
    shutil.copy(REPO / "params.yaml", root / "params.yaml")
    for key, value in changes.items():
        for dotted, leaf in (dotted_keys(value, key) if isinstance(value, dict) else {key: value}).items():
            set_param(root, dotted, leaf)


def prepare_pipeline(
    root: Path, changes: dict | None = None, monkeypatch=None, raw: Path | None = None
) -> Path:
    """params.yaml, the raw data (``raw``, the real file, or synthetic houses) and the prepare
    stage's outputs, in ``root`` (the working directory from here on)."""
    from stages import prepare

    monkeypatch.chdir(root)
    write_params(root, {**{f"models.{m}": v for m, v in FAST.items()}, **(changes or {})})
    paths.RAW_DIR.mkdir(parents=True)
    synthetic = gzip.compress(synthetic_ames().to_csv(index=False).encode(), mtime=0)
    paths.RAW_CSV.write_bytes(raw.read_bytes() if raw else synthetic)
    paths.RAW_SOURCE.write_text(json.dumps({"data": "original", "url": "synthetic", "sha256": "0" * 64}))
    prepare.main(argparse.Namespace())
    return root


def run_pipeline(root: Path, changes: dict | None = None, monkeypatch=None, raw: Path | None = None) -> Path:
    """prepare, every registered model's train, and report, in ``root``."""
    from stages import report, train

    prepare_pipeline(root, changes, monkeypatch, raw)
    for name in MODELS:
        train.main(argparse.Namespace(model=name))
    report.main(argparse.Namespace())
    return root
