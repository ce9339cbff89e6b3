"""The notebook's data preparation as small pure functions: bin prices, standardize, split."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from stages.files import UserError, write_csv

if TYPE_CHECKING:
    import pandas as pd

    from stages.params import PrepareParams

PRICE_COLUMN = "Sale_Price"
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
    features: tuple[str, ...]
    mean: np.ndarray
    std: np.ndarray
    computed_on: str


def read_ames(path: Path, features: tuple[str, ...]) -> "pd.DataFrame":
    """Read the gzipped Ames CSV and check the columns the pipeline uses."""
    import pandas as pd

    try:
        frame = pd.read_csv(path, compression="gzip")
    except FileNotFoundError:
        raise UserError(f"{path}: not found; run `dvc repro download`") from None
    except (OSError, EOFError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise UserError(f"{path}: not a gzipped CSV file ({err})") from None
    for column in (PRICE_COLUMN, *features):
        if column not in frame.columns:
            raise UserError(f"{path}: column {column!r} is missing")
        if not pd.api.types.is_numeric_dtype(frame[column]):
            raise UserError(f"{path}: column {column!r} is not numeric")
        bad = ~np.isfinite(frame[column].to_numpy(dtype=float))
        if bad.any():
            raise UserError(
                f"{path}: column {column!r} has {int(bad.sum())} NaN or infinite values "
                f"(first at row {int(np.flatnonzero(bad)[0])})"
            )
    return frame


def bin_prices(sale_price: "pd.Series", n_classes: int) -> np.ndarray:
    """Price tiers exactly as the notebook makes them: equal-width bins of the percentile rank."""
    import pandas as pd

    price = sale_price / 100_000
    price_rank = price.rank(pct=True)
    bins = pd.cut(price_rank, bins=n_classes, labels=False)
    counts = np.bincount(bins, minlength=n_classes)
    if (counts == 0).any():
        empty = int(np.flatnonzero(counts == 0)[0])
        raise UserError(
            f"price tier {empty} is empty after binning {len(sale_price)} rows into "
            f"{n_classes} tiers; lower prepare.n_classes"
        )
    return bins.to_numpy(dtype=np.int64)


def standardization_of(X: np.ndarray, features: tuple[str, ...], computed_on: str) -> Standardization:
    return Standardization(features, X.mean(axis=0), X.std(axis=0), computed_on)


def standardize(X: np.ndarray, stats: Standardization) -> np.ndarray:
    return (X - stats.mean) / stats.std


def split_indices(n_rows: int, test_size: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Train and test row indices exactly as sklearn's train_test_split(test_size=...,
    random_state=seed) draws them (ShuffleSplit: one permutation from RandomState(seed),
    the first ceil(test_size * n) rows for test). Written out so that prepare does not pay
    ~0.9 s to import sklearn; tests/test_data.py checks it against sklearn."""
    n_test = int(np.ceil(test_size * n_rows))
    permutation = np.random.RandomState(seed).permutation(n_rows)
    return permutation[n_test:], permutation[:n_test]


def split_and_standardize(
    X: np.ndarray, y: np.ndarray, params: "PrepareParams"
) -> tuple[Split, Standardization]:
    """Standardize and split as the notebook does (statistics of all rows), or with train-only
    statistics. The split's rows depend only on the row count and split_seed, so both options
    put the same houses in the same split."""
    train, valid = split_indices(len(y), params.test_size, params.split_seed)
    if min(len(train), len(valid)) < params.n_classes:
        raise UserError(
            f"{len(y)} rows are too few to split with prepare.test_size = {params.test_size} "
            f"and still have {params.n_classes} rows on each side"
        )
    if params.standardize_on == "all":
        stats = standardization_of(X, params.features, "all")
        X_std = standardize(X, stats)
        X_train, X_valid = X_std[train], X_std[valid]
    else:
        stats = standardization_of(X[train], params.features, "train")
        X_train, X_valid = standardize(X[train], stats), standardize(X[valid], stats)
    y_train, y_valid = y[train], y[valid]
    if (stats.std == 0).any():
        constant = params.features[int(np.flatnonzero(stats.std == 0)[0])]
        raise UserError(f"feature {constant!r} is constant; it cannot be standardized")
    return Split(params.features, X_train, X_valid, y_train, y_valid), stats


def prepare(frame: "pd.DataFrame", params: "PrepareParams") -> tuple[Split, Standardization]:
    """The whole prepare step on an in-memory frame: tiers, then standardized split."""
    if len(frame) < 2 * params.n_classes:
        raise UserError(
            f"{len(frame)} rows are too few for prepare.n_classes = {params.n_classes}"
        )
    y = bin_prices(frame[PRICE_COLUMN], params.n_classes)
    X = frame[list(params.features)].to_numpy(dtype=np.float64)
    return split_and_standardize(X, y, params)


def data_summary(split: Split, stats: Standardization, n_classes: int) -> dict:
    """metrics/data.json: what a user checks first when the numbers move."""
    y_all = np.concatenate([split.y_train, split.y_valid])
    counts = np.bincount(y_all, minlength=n_classes)
    return {
        "class_counts": {str(c): int(n) for c, n in enumerate(counts)},
        "n_rows": int(len(y_all)),
        "n_train": int(len(split.y_train)),
        "n_valid": int(len(split.y_valid)),
        "feature_mean": dict(zip(stats.features, map(float, stats.mean))),
        "feature_std": dict(zip(stats.features, map(float, stats.std))),
    }


# --- the prepared split on disk: plain CSV, floats in repr so they round-trip exactly --------


def write_split_csv(path: Path, features: tuple[str, ...], X: np.ndarray, y: np.ndarray) -> None:
    rows = [[*map(float, x), int(label)] for x, label in zip(X, y)]
    write_csv(path, [*features, LABEL_COLUMN], rows)


def read_split_csv(path: Path) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Read a prepared split with NumPy alone (no pandas import in the training stages)."""
    try:
        with open(path, encoding="utf-8") as f:
            header = f.readline().strip().split(",")
            table = np.loadtxt(f, delimiter=",", ndmin=2)
    except FileNotFoundError:
        raise UserError(f"{path}: not found; run `dvc repro prepare`") from None
    if header[-1] != LABEL_COLUMN:
        raise UserError(f"{path}: last column must be {LABEL_COLUMN!r}, found {header[-1]!r}")
    return tuple(header[:-1]), table[:, :-1], table[:, -1].astype(np.int64)


def read_split(train_path: Path, valid_path: Path) -> Split:
    features, X_train, y_train = read_split_csv(train_path)
    _, X_valid, y_valid = read_split_csv(valid_path)
    return Split(features, X_train, X_valid, y_train, y_valid)
