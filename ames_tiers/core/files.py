"""I/O at the edge: atomic writes, strict JSON, CSV.

Every file a stage writes goes through ``atomic_write``: a temporary file in the same
directory, fsynced, then renamed over the target. A stage that is killed or fails leaves
either the old file or no file, never a half-written one that DVC could cache.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ames_tiers.core.errors import UserError

if TYPE_CHECKING:
    import numpy as np


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it over ``path`` only on success.
    An OS error (read-only directory, full disk) is a UserError naming ``path``."""
    path = Path(path)
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        yield tmp
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as err:
        raise UserError(f"cannot write {path}: {err.strerror or err}") from None
    finally:
        if tmp is not None:
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
    except json.JSONDecodeError as err:
        raise UserError(f"{path}: not valid JSON ({err}); run `dvc repro` to rewrite it") from None


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A small CSV for plot data; floats as repr so values round-trip exactly."""
    lines = [",".join(header)]
    for row in rows:
        for v in row:
            if isinstance(v, float) and not math.isfinite(v):
                raise ValueError(f"refusing to write non-finite value {v}")
        lines.append(",".join(repr(v) if isinstance(v, float) else str(v) for v in row))
    return "\n".join(lines) + "\n"


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    write_text(path, csv_text(header, rows))


def write_all(texts: dict[Path, str]) -> None:
    """Write several files, each atomically, once every one of them has been rendered: a
    value that cannot be written (NaN in strict JSON) stops the stage before the first file."""
    for path, text in texts.items():
        write_text(path, text)


def read_table(path: Path) -> tuple[list[str], np.ndarray]:
    """A CSV written by write_csv: its header and its rows as a 2-D float array."""
    import numpy as np  # not at the top: the download stage needs no NumPy

    try:
        with open(path, encoding="utf-8") as f:
            header = f.readline().strip().split(",")
            table = np.loadtxt(f, delimiter=",", ndmin=2)
    except FileNotFoundError:
        raise UserError(f"{path}: not found; run `dvc repro` to produce it") from None
    return header, table.reshape(-1, len(header))
