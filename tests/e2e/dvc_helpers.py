"""Helpers for tests that run the real `dvc` in a copy of this repository."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from tools.doc_blocks import doc_block
from tools.fresh_copy import COMMITTER, fresh_copy

GIT_ENV = COMMITTER


def copy_repo(dest: Path) -> Path:
    """A fresh clone's state: the files git would carry (committed or not yet), committed in
    a new repo (the benchmark's copy, so tests and benchmark start from the same thing); but
    none of the DVC remotes a user may have added to this workspace (docs/remotes.md): the
    tests add their own."""
    root = fresh_copy(dest)
    if without_remotes(root / ".dvc" / "config"):
        subprocess.run(["git", "commit", "-qam", "no DVC remote"], cwd=root, env={**os.environ, **GIT_ENV},
                       check=True)  # fmt: skip
    return root


def without_remotes(config: Path) -> bool:
    """Remove every remote (and the default one) from a DVC config file; True if it had one."""
    from configobj import ConfigObj

    parsed = ConfigObj(str(config))
    remotes = [section for section in parsed if section.startswith("remote ")]
    default = parsed.get("core", {}).pop("remote", None)
    for section in remotes:
        del parsed[section]
    if remotes or default:
        parsed.write()
    return bool(remotes or default)


def dvc_env(mirror: Path | None) -> dict[str, str]:
    # queue workers and `dvc exp run` start `dvc` from PATH: put this venv's bin first
    env = {**os.environ, **GIT_ENV, "DVC_NO_ANALYTICS": "1"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env.pop("AMES_DATA_MIRROR", None)
    if mirror:
        env["AMES_DATA_MIRROR"] = str(mirror)
    return env


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> str:
    result = subprocess.run(
        cmd, cwd=cwd, env=env or {**os.environ, **GIT_ENV}, capture_output=True, text=True
    )
    assert result.returncode == 0, f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def stages_run(output: str) -> list[str]:
    return re.findall(r"Running stage '([^']+)'", output)


def load(root: Path, path: Path):
    return json.loads((root / path).read_text())


def wait_for_queue(root: Path, env: dict, timeout_s: float = 900) -> str:
    """`dvc queue status` once nothing is queued or running."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status = run(["dvc", "queue", "status"], root, env)
        if not re.search(r"\b(Queued|Running)\b", status):
            return status
        time.sleep(2)
    raise AssertionError(f"queue still busy after {timeout_s} s:\n{status}")


def docs_block(page: str, marker: str) -> list[str]:
    """The lines of a page's bash block between <!-- marker:start/end --> comments: README.md's,
    or docs/<page>'s."""
    from ..conftest import REPO

    return doc_block(REPO / page if page == "README.md" else REPO / "docs" / page, marker)


def run_shell(line: str, cwd: Path, env: dict) -> str:
    """One README command line, as a user's shell runs it."""
    return run(["sh", "-c", line], cwd, env)


def stop_server(process: subprocess.Popen | None, timeout_s: float) -> None:
    """Stop a test's server: SIGTERM (its own clean shutdown), SIGKILL after timeout_s."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
