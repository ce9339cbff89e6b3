"""I/O at the edge: atomic writes, strict JSON, CSV, logging and the CLI error wrapper.

Every file a stage writes goes through ``atomic_write``: a temporary file in the same
directory, fsynced, then renamed over the target. A stage that is killed or fails leaves
either the old file or no file, never a half-written one that DVC could cache.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

log = logging.getLogger("stages")


class UserError(Exception):
    """A problem the user can fix (bad data, unreachable source); reported as one line."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it over ``path`` only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
    try:
        yield tmp
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(path: Path, data: bytes) -> None:
    with atomic_write(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def _plain(value: Any) -> Any:
    """NumPy scalars and arrays to plain Python, so json writes them the same way every time."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def to_json(obj: Any) -> str:
    """Strict, stable JSON: sorted keys, no NaN/Infinity, floats in Python's shortest repr."""
    return json.dumps(_plain(obj), allow_nan=False, sort_keys=True, indent=2) + "\n"


def write_json(path: Path, obj: Any) -> None:
    write_text(path, to_json(obj))


def read_json(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise UserError(f"{path}: not found; run `dvc repro` to produce it") from None


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A small CSV for plot data; floats as repr so values round-trip exactly."""
    lines = [",".join(header)]
    for row in rows:
        for v in row:
            if isinstance(v, float) and not math.isfinite(v):
                raise ValueError(f"{path}: refusing to write non-finite value {v}")
        lines.append(",".join(repr(v) if isinstance(v, float) else str(v) for v in row))
    write_text(path, "\n".join(lines) + "\n")


def setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)


def run_stage(main: Callable[[list[str]], None]) -> None:
    """Run a stage's main(); user errors become one line on stderr and exit code 1."""
    from stages.params import ParamsError

    setup_logging()
    try:
        main(sys.argv[1:])
    except (UserError, ParamsError) as err:
        log.error("error: %s", err)
        sys.exit(1)
