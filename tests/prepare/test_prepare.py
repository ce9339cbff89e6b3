import gzip
import warnings

import numpy as np
import pandas as pd
import pytest

from ames_tiers.core.dataset import read_split_csv, write_split_csv
from ames_tiers.core.errors import UserError
from ames_tiers.core.params import PrepareParams
from ames_tiers.prepare import bin_prices, data_summary, prepare, read_ames, split_indices

PARAMS = PrepareParams(
    n_classes=3, features=("Longitude", "Latitude"), test_size=0.2, split_seed=42, standardize_on="all"
)


def synthetic_frame(n: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "Sale_Price": rng.permutation(np.arange(n) * 1000 + 100_000),
            "Longitude": -93.6 + 0.01 * rng.standard_normal(n),
            "Latitude": 42.0 + 0.01 * rng.standard_normal(n),
            "Other": np.arange(n),
        }
    )


def write_csv_gz(path, frame):
    path.write_bytes(gzip.compress(frame.to_csv(index=False).encode()))
    return path


def test_bins_are_equal_size_tiers_ordered_by_price():
    frame = synthetic_frame(30)
    tiers = bin_prices(frame["Sale_Price"], 3)
    assert np.bincount(tiers).tolist() == [10, 10, 10]
    # every house in a higher tier costs more than every house in a lower one
    for low, high in ((0, 1), (1, 2)):
        assert frame["Sale_Price"][tiers == low].max() < frame["Sale_Price"][tiers == high].min()


def test_bins_keep_tied_prices_together():
    prices = pd.Series([100, 100, 100, 200, 300, 300])
    tiers = bin_prices(prices, 2)
    assert len(set(tiers[:3])) == 1 and len(set(tiers[4:])) == 1


def test_prepare_split_sizes_and_standardization():
    split, stats = prepare(synthetic_frame(30), PARAMS)
    assert len(split.y_train) == 24 and len(split.y_valid) == 6  # ceil(0.2 * 30) = 6 valid
    X_all = np.concatenate([split.X_train, split.X_valid])
    np.testing.assert_allclose(X_all.mean(axis=0), 0, atol=1e-9)  # raw scale ~1e4 x std
    np.testing.assert_allclose(X_all.std(axis=0), 1, atol=1e-12)
    summary = data_summary(split, stats, 3, "original")
    assert summary["class_counts"] == {"0": 10, "1": 10, "2": 10}
    assert (summary["n_train"], summary["n_valid"]) == (24, 6)


def test_train_only_statistics_keep_the_same_rows():
    frame = synthetic_frame(30)
    by_all, _ = prepare(frame, PARAMS)
    by_train, stats = prepare(frame, PrepareParams(**{**PARAMS.__dict__, "standardize_on": "train"}))
    np.testing.assert_array_equal(by_all.y_train, by_train.y_train)
    np.testing.assert_allclose(by_train.X_train.mean(axis=0), 0, atol=1e-9)
    np.testing.assert_allclose(by_train.X_train.std(axis=0), 1, atol=1e-12)
    assert stats.computed_on == "train"


def test_prepared_csv_round_trips_exactly(tmp_path):
    split, _ = prepare(synthetic_frame(30), PARAMS)
    write_split_csv(tmp_path / "train.csv", split.features, split.X_train, split.y_train)
    features, X, y = read_split_csv(tmp_path / "train.csv")
    assert features == PARAMS.features
    np.testing.assert_array_equal(X, split.X_train)  # bit for bit, not just close
    np.testing.assert_array_equal(y, split.y_train)


def test_read_ames_accepts_the_used_columns(tmp_path):
    frame = read_ames(write_csv_gz(tmp_path / "a.csv.gz", synthetic_frame()), PARAMS.features)
    assert len(frame) == 30


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda f: f.drop(columns=["Latitude"]), "column 'Latitude' is missing"),
        (lambda f: f.assign(Longitude="east"), r"column 'Longitude' is not numeric \(first at line 2\)"),
        (
            lambda f: f.assign(Sale_Price=f.Sale_Price.where(f.index != 3)),
            r"column 'Sale_Price' has 1 missing, NaN or infinite values \(first at line 5\)",
        ),
    ],
)
def test_read_ames_names_the_bad_column(tmp_path, change, message):
    path = write_csv_gz(tmp_path / "a.csv.gz", change(synthetic_frame()))
    with pytest.raises(UserError, match=message):
        read_ames(path, PARAMS.features)


def test_read_ames_rejects_a_file_that_is_not_gzip(tmp_path):
    path = tmp_path / "a.csv.gz"
    path.write_text("Sale_Price,Longitude,Latitude\n1,2,3\n")
    with pytest.raises(UserError, match="not a gzipped CSV"):
        read_ames(path, PARAMS.features)


def test_too_many_classes_is_a_clear_error():
    with pytest.raises(UserError, match="too few"):
        prepare(synthetic_frame(5), PARAMS)


def test_a_single_price_is_a_clear_error():
    frame = synthetic_frame(30).assign(Sale_Price=150_000)
    with pytest.raises(UserError, match="Sale_Price has a single value; price tiers need different prices"):
        prepare(frame, PARAMS)


def test_an_empty_tier_is_a_clear_error():
    # two prices only: the ranks are two values, and the middle tier between them stays empty
    frame = synthetic_frame(30).assign(Sale_Price=[100_000] * 15 + [200_000] * 15)
    with pytest.raises(
        UserError, match=r"price tier 1 is empty after binning 30 rows into 3 tiers \(too many tied prices\)"
    ):
        prepare(frame, PARAMS)


def test_a_header_without_rows_is_a_clear_error(tmp_path):
    path = write_csv_gz(tmp_path / "a.csv.gz", synthetic_frame().iloc[:0])
    with pytest.raises(UserError, match="has a header but no data rows"):
        read_ames(path, PARAMS.features)


def test_a_constant_feature_is_named_without_a_warning():
    frame = synthetic_frame(30).assign(Latitude=42.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy RuntimeWarning before the error
        with pytest.raises(UserError, match="feature 'Latitude' has the same value in every row"):
            prepare(frame, PARAMS)


def test_an_empty_gzip_is_a_clear_error(tmp_path):
    path = tmp_path / "a.csv.gz"
    path.write_bytes(gzip.compress(b""))
    with pytest.raises(UserError, match=r"a\.csv\.gz: empty, not even a header line"):
        read_ames(path, PARAMS.features)


@pytest.mark.parametrize(
    "csv, message",
    [
        (b"Sale_Price,Longitude,Latitude\n1,2,3\n1,2,3,4\n",
         r"a.csv.gz: a row does not fit the CSV's header \(Expected 3 fields in line 3, saw 4\)$"),
        (b"Sale_Price,Longitude,Latitude\n1,2,\xff\n",
         r"a.csv.gz: not UTF-8 text \(byte 34 of the unzipped CSV\)$"),
    ],
    ids=["a ragged row", "not UTF-8"],
)  # fmt: skip
def test_a_gzipped_csv_with_a_bad_row_is_one_line_saying_so(tmp_path, csv, message):
    path = tmp_path / "a.csv.gz"
    path.write_bytes(gzip.compress(csv))
    with pytest.raises(UserError, match=message) as caught:
        read_ames(path, PARAMS.features)
    assert "\n" not in str(caught.value) and "not a gzipped" not in str(caught.value)


def test_infinite_values_are_named(tmp_path):
    frame = synthetic_frame().astype({"Latitude": float})
    frame.loc[7, "Latitude"] = np.inf
    # data row 7 is file line 9: the header is line 1, data row 0 is line 2
    with pytest.raises(
        UserError, match="column 'Latitude' has 1 missing, NaN or infinite values \\(first at line 9\\)"
    ):
        read_ames(write_csv_gz(tmp_path / "a.csv.gz", frame), PARAMS.features)


@pytest.mark.parametrize(
    "n_rows, test_size, seed", [(2930, 0.2, 42), (30, 0.2, 42), (101, 0.33, 7), (10, 0.5, 0)]
)
def test_split_indices_equal_sklearns_train_test_split(n_rows, test_size, seed):
    from sklearn.model_selection import train_test_split

    rows = np.arange(n_rows)
    sk_train, sk_test = train_test_split(rows, test_size=test_size, random_state=seed)
    train, test = split_indices(n_rows, test_size, seed)
    np.testing.assert_array_equal(train, sk_train)
    np.testing.assert_array_equal(test, sk_test)
