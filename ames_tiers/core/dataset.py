"""The prepared data as every later stage reads it: the standardized split (data/prepared/
train.csv, valid.csv) and the standardization that turns longitude/latitude into model inputs
(data/prepared/standardization.json). Plain CSV and JSON, read with NumPy alone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ames_tiers.core.errors import UserError
from ames_tiers.core.files import read_json, read_table, write_csv, write_json

LABEL_COLUMN = "price_bin"


@dataclass(frozen=True)
class Split:
    """Standardized features and price tiers, split into train and validation rows."""

    features: tuple[str, ...]
    X_train: np.ndarray
    X_valid: np.ndarray
    y_train: np.ndarray
    y_valid: np.ndarray


@dataclass(frozen=True)
class Standardization:
    """What turns raw longitude/latitude into the models' inputs: (X - mean) / std."""

    features: tuple[str, ...]
    mean: np.ndarray
    std: np.ndarray
    computed_on: str  # "all" rows (the notebook) or "train" rows

    def apply(self, X: np.ndarray) -> np.ndarray:
        return (X - self.mean) / self.std

    def undo(self, X_std: np.ndarray) -> np.ndarray:
        return X_std * self.std + self.mean

    def to_json(self) -> dict:
        return {
            "features": list(self.features),
            "mean": self.mean,
            "std": self.std,
            "computed_on": self.computed_on,
        }

    @classmethod
    def from_json(cls, doc: dict) -> Standardization:
        return cls(
            tuple(doc["features"]), np.asarray(doc["mean"]), np.asarray(doc["std"]), doc["computed_on"]
        )


# --- on disk: plain CSV, floats in repr so they round-trip exactly ------------------------------


def write_split_csv(path: Path, features: tuple[str, ...], X: np.ndarray, y: np.ndarray) -> None:
    rows = [[*map(float, x), int(label)] for x, label in zip(X, y, strict=True)]
    write_csv(path, [*features, LABEL_COLUMN], rows)


def read_split_csv(path: Path) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Read a prepared split with NumPy alone (no pandas import in the training stages)."""
    header, table = read_table(path)
    if header[-1] != LABEL_COLUMN:
        raise UserError(f"{path}: last column must be {LABEL_COLUMN!r}, found {header[-1]!r}")
    return tuple(header[:-1]), table[:, :-1], table[:, -1].astype(np.int64)


def read_split(train_path: Path, valid_path: Path) -> Split:
    features, X_train, y_train = read_split_csv(train_path)
    _, X_valid, y_valid = read_split_csv(valid_path)
    return Split(features, X_train, X_valid, y_train, y_valid)


def write_standardization(path: Path, stats: Standardization) -> None:
    write_json(path, stats.to_json())


def read_standardization(path: Path) -> Standardization:
    return Standardization.from_json(read_json(path))
