"""A real PostgreSQL server on 127.0.0.1 for the shared-search test: Debian's `postgresql`
binaries, a fresh cluster in its own temporary directory, a free port, a bounded start-up
wait, stopped (and its files removed) even when the test fails. initdb and postgres refuse
to run as root, so as root (CI) they run as the `postgres` user that Debian creates."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import closing
from pathlib import Path

import pytest

from .dvc_helpers import stop_server

START_SECONDS = 30
DATABASE = "studies"


def binaries_or_skip() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or [shutil.which("initdb") or ""]
    if not found[-1]:
        if os.environ.get("CI"):
            pytest.fail("CI needs PostgreSQL (.ci/run installs Debian's postgresql)")
        pytest.skip(
            "no PostgreSQL server binaries (Debian: apt-get install postgresql): the shared search needs one"
        )
    return Path(found[-1]).parent


def _free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self):
        self.bin = binaries_or_skip()
        self.port = _free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, *command: str) -> None:
        subprocess.run([*self.as_user, *command], check=True, capture_output=True, text=True)

    def __enter__(self) -> PostgresServer:
        self.dir = Path(tempfile.mkdtemp(prefix="ames-postgres-"))  # not under pytest's 0700 tmp
        if self.as_user:
            shutil.chown(self.dir, "postgres", "postgres")
        data = self.dir / "data"
        self._run(str(self.bin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.log = open(self.dir / "postgres.log", "wb")
        server = [str(self.bin / "postgres"), "-D", str(data), "-h", "127.0.0.1", "-p", str(self.port),
                  "-k", str(self.dir), "-c", "fsync=off"]  # fmt: skip
        self.process = subprocess.Popen([*self.as_user, *server], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline and self.process.poll() is None:
            created = subprocess.run([str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                                      "-U", "postgres", DATABASE], capture_output=True)  # fmt: skip
            if created.returncode == 0:
                return self
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"PostgreSQL did not start within {START_SECONDS} s:\n"
                           f"{(self.dir / 'postgres.log').read_text(errors='replace')[-2000:]}")  # fmt: skip

    def __exit__(self, *exc) -> None:
        stop_server(self.process, 20)  # postgres' smart shutdown: quick with no clients left
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
