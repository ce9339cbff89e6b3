"""Download faults against a misbehaving HTTP server on loopback."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time

import pytest

from ames_tiers import download
from ames_tiers.core.errors import UserError
from ames_tiers.core.params import DataParams, read_yaml
from ames_tiers.download import (
    Rejected,
    Source,
    Unreachable,
    acquire,
    fetch_once,
    fetch_verified,
    sha256_of,
)

from ..conftest import REPO
from ..fault_server import FaultServer

BODY = os.urandom(200_000)
SHA = sha256_of(BODY)
TIMEOUT = 0.5


@pytest.fixture
def server():
    with FaultServer(BODY) as s:
        yield s


@pytest.fixture
def no_sleep(monkeypatch):
    delays = []
    monkeypatch.setattr(download.time, "sleep", delays.append)
    return delays


def fetched(url: str, timeout: float = TIMEOUT) -> bytes:
    sink = io.BytesIO(b"left from an earlier attempt")
    assert fetch_once(url, timeout, sink) == sha256_of(sink.getvalue())
    return sink.getvalue()


def test_ok_and_redirect_deliver_the_bytes(server):
    assert fetched(f"{server.url}/ok") == BODY
    assert fetched(f"{server.url}/redirect") == BODY
    assert server.hits["/ok"] == 2


def test_a_non_ascii_path_is_percent_encoded(server):
    assert fetched(f"{server.url}/données") == BODY


@pytest.mark.parametrize(
    "path, fault, message",
    [
        ("/404", Rejected, "HTTP 404"),
        ("/500", Unreachable, "HTTP 500"),
        ("/reset", Unreachable, "Connection"),
        ("/slow", Unreachable, "timed out"),
        ("/trickle", Unreachable, "timed out"),
        ("/truncated", Unreachable, "truncated"),
        ("/endless", Rejected, "exceeds the 10000000 bytes allowed"),
        ("/huge", Rejected, "the body is 1000000000000 bytes, more than the 10000000 allowed"),
        ("/drip", Unreachable, "timed out after"),  # each read gets bytes; the deadline still holds
        (
            "/loop",
            Rejected,
            "^HTTP 308 The HTTP server returned a redirect error that would lead to an infinite loop",
        ),
    ],
)
def test_each_fault_is_classified_in_one_line_within_the_deadline(server, path, fault, message):
    start = time.monotonic()
    with pytest.raises(fault, match=message) as caught:
        fetched(f"{server.url}{path}")
    assert time.monotonic() - start < TIMEOUT + 0.25 and "\n" not in str(caught.value)


def test_an_endless_local_file_is_refused_without_filling_memory(tmp_path):
    sink = tmp_path / "sink"
    with open(sink, "w+b") as f, pytest.raises(Rejected, match="exceeds the 10000000 bytes allowed"):
        fetch_once("/dev/zero", 30, f)
    assert sink.stat().st_size <= download.MAX_BYTES  # streamed to the file, up to the bound


def test_transient_fault_is_retried_with_backoff(server, no_sleep, tmp_path):
    fetch_verified(Source("url", f"{server.url}/500-once"), SHA, TIMEOUT, 3, tmp_path / "data")
    assert (tmp_path / "data").read_bytes() == BODY
    assert server.hits["/500-once"] == 2 and no_sleep == [0.5]


def test_retries_are_bounded_and_back_off(server, no_sleep, tmp_path):
    with pytest.raises(Unreachable, match="after 4 attempts"):
        fetch_verified(Source("url", f"{server.url}/500"), SHA, TIMEOUT, 3, tmp_path / "data")
    assert server.hits["/500"] == 4 and no_sleep == [0.5, 1.0, 2.0]


def test_permanent_fault_is_not_retried(server, no_sleep, tmp_path):
    with pytest.raises(Rejected):
        fetch_verified(Source("url", f"{server.url}/404"), SHA, TIMEOUT, 3, tmp_path / "data")
    assert server.hits["/404"] == 1 and no_sleep == []


def test_wrong_checksum_is_never_used(server, no_sleep, tmp_path):
    with pytest.raises(Rejected, match="does not match"):
        fetch_verified(Source("url", f"{server.url}/wrong"), SHA, TIMEOUT, 3, tmp_path / "data")
    assert list(tmp_path.iterdir()) == []  # not even a temporary file


def test_every_source_failing_lists_each_source_and_why_in_one_line(server, no_sleep, tmp_path, caplog):
    params = DataParams(url=f"{server.url}/wrong", sha256=SHA, timeout_seconds=TIMEOUT, retries=1)
    with pytest.raises(UserError) as info:
        acquire(params, f"{server.url}/404", tmp_path / "data")
    assert caplog.records == []  # no warning line before the error
    message = str(info.value)
    assert f"mirror {server.url}/404: HTTP 404" in message
    assert f"url {server.url}/wrong: sha256" in message and "does not match" in message


def test_a_good_mirror_wins_over_a_broken_url(server, no_sleep, tmp_path):
    params = DataParams(url=f"{server.url}/truncated", sha256=SHA, timeout_seconds=TIMEOUT, retries=0)
    record = acquire(params, f"{server.url}/redirect", tmp_path / "data")
    assert (tmp_path / "data").read_bytes() == BODY and record["data"] == "original"


def run_download_stage(server, tmp_path, path):
    params = read_yaml(REPO / "params.yaml")  # as DVC reads it, whatever the file's formatting
    data = {"url": f"{server.url}{path}", "sha256": SHA, "retries": 0, "timeout_seconds": TIMEOUT}
    (tmp_path / "params.yaml").write_text(json.dumps({**params, "data": {**params["data"], **data}}))
    env = {k: v for k, v in os.environ.items() if k != "AMES_DATA_MIRROR"}
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "stages.download"], cwd=tmp_path, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize("path", ["/wrong", "/404"])
def test_stage_leaves_no_file_when_the_download_is_rejected(server, tmp_path, path):
    result = run_download_stage(server, tmp_path, path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    raw = tmp_path / "data" / "raw"
    assert not raw.exists() or list(raw.iterdir()) == []


def test_stage_never_keeps_a_truncated_body(server, tmp_path):
    # a truncated body is a transient fault: with no other source, the offline fallback is used
    result = run_download_stage(server, tmp_path, "/truncated")
    assert result.returncode == 0, result.stderr
    assert "OFFLINE FALLBACK" in result.stderr
    raw = tmp_path / "data" / "raw"
    assert sorted(p.name for p in raw.iterdir()) == ["ames.csv.gz", "source.json"]
    assert (raw / "ames.csv.gz").read_bytes() == download.fallback_csv_gz()
