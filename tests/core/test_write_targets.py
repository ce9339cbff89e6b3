"""Every write of the project is safe for its target (ames_tiers/core/files.py write_target): a
regular file is replaced atomically, a symlink's file is replaced and the link kept, and a
device, FIFO, directory or socket is refused with one line and left as it was, as root and as
an unprivileged user (a real process each, through the real command `tools.pr_report`'s
writer and the library's)."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..conftest import REPO

NOBODY = 65534
WRITE = "import sys; from ames_tiers.core.files import write_text; write_text(sys.argv[1], 'new\\n')"


def write(path: Path, as_nobody: bool) -> subprocess.CompletedProcess:
    """write_text(path) in a process of its own, as root or as nobody, its error as the CLI
    shows it (run_cli)."""
    # nobody cannot start this interpreter (it lives under /root): the process drops to nobody
    # once everything it runs is imported
    drop = f"import os; os.setgid({NOBODY}); os.setuid({NOBODY})\n" if as_nobody else ""
    code = (
        "import sys\nfrom ames_tiers.core.cli import cli_parser, run_cli\n"
        "from ames_tiers.core.files import write_text\n"
        "p = cli_parser(None, 'tools.write'); p.add_argument('path')\n"
        f"{drop}run_cli(p, lambda args: write_text(args.path, 'new\\n'))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", code, str(path)], cwd=REPO, capture_output=True, text=True, env=env
    )


def users() -> list:
    if os.geteuid() != 0:
        return [pytest.param(False, id="this user")]
    return [pytest.param(False, id="root"), pytest.param(True, id="nobody")]


@pytest.fixture
def place():
    """A directory nobody can reach and write too (pytest's own is root's alone)."""
    path = Path(tempfile.mkdtemp(prefix="write-targets-"))
    path.chmod(0o777)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def describe(path: Path) -> tuple:
    """What a path is, to compare before and after: its kind, and a file's bytes."""
    st_ = os.lstat(path)
    data = path.read_bytes() if stat.S_ISREG(st_.st_mode) else None
    return stat.S_IFMT(st_.st_mode), st_.st_rdev, data


@pytest.mark.parametrize("as_nobody", users())
def test_a_regular_file_and_a_new_one_are_written(place, as_nobody):
    old = place / "old.md"
    old.write_text("old\n")
    old.chmod(0o666)
    for target in (old, place / "new.md"):
        result = write(target, as_nobody)
        assert result.returncode == 0, result.stderr
        assert target.read_text() == "new\n" and not target.is_symlink()
    assert sorted(p.name for p in place.iterdir()) == ["new.md", "old.md"]  # no temporary file left


@pytest.mark.parametrize("as_nobody", users())
@pytest.mark.parametrize("chain", [1, 3])
def test_a_symlink_is_followed_its_file_replaced_and_the_link_kept(place, as_nobody, chain):
    (place / "real").mkdir()
    (place / "real").chmod(0o777)
    target = place / "real" / "report.md"
    link = target
    for i in range(chain):
        (place / f"link{i}.md").symlink_to(link)
        link = place / f"link{i}.md"
    result = write(link, as_nobody)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and target.read_text() == "new\n"  # dangling before: created
    target.write_text("old\n")
    target.chmod(0o666)
    assert write(link, as_nobody).returncode == 0 and target.read_text() == "new\n" and link.is_symlink()


def fifo(place: Path) -> Path:
    path = place / "pipe"
    os.mkfifo(path)
    return path


def unix_socket(place: Path) -> Path:
    path = place / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    return path


def symlink_to_device(place: Path) -> Path:
    (place / "to_null").symlink_to("/dev/null")
    return place / "to_null"


NOT_FILES = {
    "/dev/full": lambda place: Path("/dev/full"),
    "/dev/null": lambda place: Path("/dev/null"),
    "a FIFO": fifo,
    "a directory": lambda place: place,
    "a socket": unix_socket,
    "a symlink to a device": symlink_to_device,
}


@pytest.mark.parametrize("as_nobody", users())
@pytest.mark.parametrize("kind", list(NOT_FILES))
def test_what_is_not_a_file_is_refused_with_one_line_and_left_as_it_was(place, as_nobody, kind):
    target = NOT_FILES[kind](place)
    before, listing = describe(target), sorted(os.listdir(place))
    result = write(target, as_nobody)
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"write: error: cannot write {target}: it is ") and line.endswith(
        "nothing was written"
    )
    assert describe(target) == before and sorted(os.listdir(place)) == listing


def test_a_fifos_reader_gets_nothing_and_is_not_left_waiting(place):
    path = fifo(place)
    reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        assert write(path, False).returncode == 1
        assert os.read(reader, 100) == b""  # no writer ever opened it
    finally:
        os.close(reader)


EMIT = "import sys, pathlib; from tools.pr_report import emit; emit('report', pathlib.Path(sys.argv[1]))"


@pytest.mark.parametrize("output, ok", [("-", True), ("/dev/stdout", False), ("/dev/full", False)])
def test_pr_report_writes_the_stream_when_asked_with_a_dash_and_refuses_devices_and_pipes(output, ok):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", EMIT, output], cwd=REPO, capture_output=True, text=True, env=env
    )
    if ok:
        assert result.returncode == 0 and result.stdout == "report"
    else:
        assert result.returncode != 0 and "nothing was written" in result.stderr


KINDS = st.sampled_from(["file", "none", "symlink", "dangling", "fifo", "directory", "device"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=KINDS, name=st.text(st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="/"),
                                min_size=1, max_size=20).filter(lambda n: n not in (".", "..")))  # fmt: skip
def test_any_target_is_either_written_as_a_file_or_refused_and_left_alone(tmp_path_factory, kind, name):
    from ames_tiers.core.errors import UserError
    from ames_tiers.core.files import write_text

    place = tmp_path_factory.mktemp("t")
    target, real = place / name, place / f"{name}.real"
    if kind == "file":
        target.write_text("old")
    elif kind == "symlink":
        real.write_text("old")
        target.symlink_to(real)
    elif kind == "dangling":
        target.symlink_to(real)
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "directory":
        target.mkdir()
    elif kind == "device":
        target.symlink_to("/dev/null")
    before = describe(target) if kind != "none" else None
    try:
        write_text(target, "new")
    except UserError as err:
        assert kind in ("fifo", "directory", "device") and "\n" not in str(err)
        assert describe(target) == before
        return
    assert kind in ("file", "none", "symlink", "dangling")
    assert (real if kind in ("symlink", "dangling") else target).read_text() == "new"
    assert target.is_symlink() == (kind in ("symlink", "dangling"))
