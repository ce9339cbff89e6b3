"""I/O at the edge: safe writes, bounded strict reads of JSON, CSV.

Every file the project writes goes through ``atomic_write``: a temporary file in the target's
directory, fsynced, then renamed over the target. A stage that is killed or fails leaves
either the old file or no file, never a half-written one that DVC could cache. What is
replaced is decided in one place, ``write_target``: a regular file (or a new one), or the
file a symlink names (the link stays); a device, a FIFO, a directory or a socket is refused,
so that no write of the project replaces what is not a file (as root, renaming over
/dev/full would replace the device itself).
"""

from __future__ import annotations

import codecs
import contextlib
import json
import math
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ames_tiers.core.errors import UserError

if TYPE_CHECKING:
    import numpy as np


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


NOT_FILES = {  # what `stat` says a path is, when it is not a regular file
    stat.S_IFDIR: "a directory",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFIFO: "a FIFO (a named pipe)",
    stat.S_IFSOCK: "a socket",
}


def write_target(path: Path) -> Path:
    """The file a write of ``path`` replaces: ``path`` itself, or, through any symlinks, the
    file they name (a symlink's target may not exist yet); a UserError, one line, for
    anything that is not a regular file."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode  # through any symlinks
    except FileNotFoundError:
        mode = None  # a new file, or a symlink to one
    except OSError as err:  # a symlink loop, a path through a file
        raise UserError(f"cannot write {path}: {err.strerror or err}") from None
    if mode is not None and not stat.S_ISREG(mode):
        kind = NOT_FILES.get(stat.S_IFMT(mode), "not a regular file")
        through = " (through a symlink)" if path.is_symlink() else ""
        raise UserError(f"cannot write {path}: it is {kind}{through}, not a file; nothing was written")
    return Path(os.path.realpath(path))


@contextlib.contextmanager
def atomic_write(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``'s write target (write_target); rename it over the
    target only on success. An OS error (read-only directory, full disk) is a UserError
    naming ``path``."""
    path = Path(path)
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        target = write_target(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        yield tmp
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        write_target(path)  # still a file (or none): nothing else took its place meanwhile
        os.replace(tmp, target)
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


# Every JSON and YAML document the project reads is bounded: the largest it writes is a few
# hundred KB and 5 levels deep, so anything past these is not one of its files (and a deeper
# one would end in a RecursionError, a bigger one in memory it need not spend).
MAX_DOCUMENT_BYTES = 16 * 2**20
MAX_DEPTH = 32


def decoded(data: bytes, where: str) -> str:
    """Strict UTF-8, or one line naming the first byte that is not."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UserError(
            f"{where}: not UTF-8 text (byte {err.start} is {data[err.start : err.start + 1]!r})"
        ) from None


def first_non_utf8(binary: BinaryIO) -> int:
    """The offset of the first byte of a stream that is not UTF-8, read in blocks (a file of
    any size); its length if it ends inside a character."""
    decoder, offset = codecs.getincrementaldecoder("utf-8")(), 0
    for block in iter(lambda: binary.read(1 << 16), b""):
        pending = len(decoder.getstate()[0])  # bytes of a character the last block cut
        try:
            decoder.decode(block)
        except UnicodeDecodeError as err:
            return offset - pending + err.start
        offset += len(block)
    return offset


def read_document(path: Path, missing: str = "run `dvc repro` to produce it") -> str:
    """A JSON or YAML file's text: at most MAX_DOCUMENT_BYTES, strict UTF-8."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_DOCUMENT_BYTES + 1)
    except FileNotFoundError:
        raise UserError(f"{path}: not found; {missing}") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, not a file") from None
    if len(data) > MAX_DOCUMENT_BYTES:
        raise UserError(f"{path}: larger than {MAX_DOCUMENT_BYTES} bytes, not a file this project writes")
    return decoded(data, str(path))


def check_depth(value: Any, where: str, limit: int = MAX_DEPTH) -> Any:
    """``value`` if its lists and mappings nest at most ``limit`` deep, else one line."""
    todo = [(value, 1)]
    while todo:
        node, depth = todo.pop()
        if isinstance(node, (dict, list)):
            if depth > limit:
                raise UserError(f"{where}: nested deeper than {limit} levels")
            todo.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return value


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def parse_json(text: str, where: str, hint: str = "") -> Any:
    """Strict JSON (no NaN or Infinity), bounded in depth, or one line naming ``where`` (and
    ending with ``hint``)."""
    try:
        return check_depth(json.loads(text, parse_constant=_no_constant), where)
    except RecursionError:
        raise UserError(f"{where}: nested deeper than {MAX_DEPTH} levels{hint}") from None
    except ValueError as err:  # JSONDecodeError, NaN, an integer of thousands of digits
        raise UserError(f"{where}: not valid JSON ({err}){hint}") from None


def read_json(path: Path) -> Any:
    return parse_json(read_document(path), str(path), "; run `dvc repro` to rewrite it")


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
