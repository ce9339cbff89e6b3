"""Shared fixtures: the repository root, the data mirror, and tiny synthetic data."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

import ames_tiers.portable  # noqa: F401  (pins torch's CPU kernels before any test imports torch)

REPO = Path(__file__).resolve().parents[1]


def find_mirror(repo: Path = REPO) -> Path | None:
    """The local copy of the Ames CSV: $AMES_DATA_MIRROR (CI sets it), else the file this
    checkout's `dvc repro` downloaded, or the DVC cache's copy of it (dvc.lock's data/raw),
    if its sha256 is params.yaml's (not a fallback copy)."""
    given = os.environ.get("AMES_DATA_MIRROR")
    if given:
        return Path(given).resolve() if Path(given).is_file() else None
    from ames_tiers.core.params import read_yaml
    from ames_tiers.download import sha256_of

    if not (repo / "params.yaml").is_file():
        return None
    wanted = read_yaml(repo / "params.yaml")["data"]["sha256"]
    for candidate in (repo / "data" / "raw" / "ames.csv.gz", cached_download(repo)):
        if candidate and candidate.is_file() and sha256_of(candidate.read_bytes()) == wanted:
            return candidate
    return None


def cached_download(repo: Path) -> Path | None:
    """The DVC cache's file for data/raw/ames.csv.gz, as dvc.lock records the download's output."""
    import json

    from ames_tiers.core.errors import UserError
    from ames_tiers.core.params import read_yaml

    try:
        outs = read_yaml(repo / "dvc.lock")["stages"]["download"]["outs"]
        md5 = next(o["md5"] for o in outs if o["path"] == "data/raw").removesuffix(".dir")
        cache = repo / ".dvc" / "cache" / "files" / "md5"
        listing = json.loads((cache / md5[:2] / f"{md5[2:]}.dir").read_text())
        entry = next(e["md5"] for e in listing if e["relpath"] == "ames.csv.gz")
    except (OSError, KeyError, StopIteration, TypeError, ValueError, UserError):
        return None
    return cache / entry[:2] / entry[2:]


@pytest.fixture(scope="session")
def mirror() -> Path:
    path = find_mirror()
    if path is None:
        pytest.skip("no local copy of the Ames data: run `dvc repro` first (or set AMES_DATA_MIRROR)")
    return path


# The end-to-end tests start from one reproduced clone: a fresh copy's cold `dvc repro` (the
# suite's costliest step). It is built once per test run, in the background from the first test
# on, while the unit tests (ordered first) run; each xdist worker then takes its own copy.
# The end-to-end modules follow, longest first by their `e2e(seconds=...)` marker, so that the
# two workers finish together.


def needs_reproduced(item: pytest.Item) -> bool:
    return "reproduced" in getattr(item, "fixturenames", ())


def e2e_seconds(item: pytest.Item) -> float:
    marker = item.get_closest_marker("e2e")
    return float(marker.kwargs.get("seconds", 0)) if marker else 0.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: (needs_reproduced(item), -e2e_seconds(item)))  # stable within each


class SharedRepro:
    """The cold `dvc repro` in a directory every worker of this run sees; the first worker to
    claim it runs it, in the background; any worker waits for its result."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory):
        base = tmp_path_factory.getbasetemp()
        # xdist gives each worker a subdirectory of the run's base temp
        self.dir = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "reproduced"
        self.root, self.log, self.returncode = self.dir / "repo", self.dir / "dvc-repro.log", self.dir / "rc"
        self.process: subprocess.Popen | None = None

    def start(self, env: dict[str, str]) -> None:
        try:
            self.dir.mkdir()  # atomic: one worker wins
        except FileExistsError:
            return
        from .e2e.dvc_helpers import copy_repo

        copy_repo(self.root)
        script = 'dvc repro > "$0" 2>&1; echo $? > "$1.tmp" && mv "$1.tmp" "$1"'
        command = ["sh", "-c", script, self.log, self.returncode]
        self.process = subprocess.Popen(command, cwd=self.root, env=env)

    def wait(self, timeout_s: float = 900) -> str:
        """dvc's output, once it has finished; a failure if it failed."""
        deadline = time.monotonic() + timeout_s
        while not self.returncode.exists():
            if time.monotonic() > deadline:
                pytest.fail(f"the shared `dvc repro` did not finish within {timeout_s} s")
            time.sleep(0.2)
        output = self.log.read_text()
        if self.returncode.read_text().strip() != "0":
            pytest.fail(f"the shared `dvc repro` failed:\n{output[-3000:]}")
        return output


@pytest.fixture(scope="session", autouse=True)
def start_reproducing(request, tmp_path_factory):
    """Start the shared `dvc repro` now if any test of this run needs it."""
    shared = SharedRepro(tmp_path_factory)
    mirror = find_mirror()
    if mirror and any(needs_reproduced(item) for item in request.session.items):
        from .e2e.dvc_helpers import dvc_env

        shared.start(dvc_env(mirror))
    yield
    if shared.process:
        shared.process.wait()  # the other worker may still need it


@pytest.fixture(scope="session")
def reproduced(tmp_path_factory, mirror) -> tuple[Path, dict, str]:
    """A fresh clone's `dvc repro` on the real data: (root, env, dvc's output), this worker's
    copy of the shared one. Tests that change it work on a copy."""
    from .e2e.dvc_helpers import dvc_env

    env = dvc_env(mirror)
    shared = SharedRepro(tmp_path_factory)
    shared.start(env)  # if nobody has
    output = shared.wait()
    root = shutil.copytree(shared.root, tmp_path_factory.mktemp("reproduced") / "repo", symlinks=True)
    return root, env, output


@pytest.fixture(scope="session")
def mini_prepared(tmp_path_factory) -> Path:
    """params.yaml (committed, few epochs) and the prepared data of synthetic houses, for
    tests that run one stage: they work on a copy."""
    from .mini_pipeline import prepare_pipeline

    monkeypatch = pytest.MonkeyPatch()
    try:
        return prepare_pipeline(tmp_path_factory.mktemp("mini_prepared"), {}, monkeypatch)
    finally:
        monkeypatch.undo()


@pytest.fixture
def separable() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Three well-separated blobs in 2-D, standardized-scale, with a train/valid split."""
    rng = np.random.default_rng(0)
    centers = np.array([[-2.0, -2.0], [0.0, 2.0], [2.0, -2.0]])
    y = np.repeat(np.arange(3), 60)
    X = centers[y] + 0.3 * rng.standard_normal((len(y), 2))
    order = rng.permutation(len(y))
    X, y = X[order], y[order]
    return X[:150], y[:150], X[150:], y[150:]
