"""Every command block of the README and docs/ is run, as written (a placeholder such as a
remote's address aside): each is marked `<!-- name:start/end -->`, and the marker is run by a
test (or by .ci/run, which pastes the README's blocks in order). This module runs the blocks no
other test does: predict, pre-commit, the relock, optuna-dashboard and JupyterLab."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tools.doc_blocks import for_this_machine

from ..conftest import REPO
from .dvc_helpers import copy_repo, docs_block, run, run_shell

pytestmark = pytest.mark.e2e(seconds=20)

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
RUNNERS = [*sorted((REPO / "tests").rglob("*.py")), REPO / ".ci" / "run"]
NOT_RUN = {  # blocks no test runs, and why
    "tests": "the test command itself: CI runs both lines",
    "benchmark": "its ~20 minutes of measurements are BENCHMARKS.md",
}


def markers(page: Path) -> list[str]:
    """The marker of each bash block of a page (None for an unmarked block)."""
    text = page.read_text(encoding="utf-8")
    found = []
    for match in re.finditer(r"(?:<!-- ([\w-]+):start -->\n)?```bash\n", text):
        found.append(match.group(1))
    return found


def test_every_block_is_marked_and_run_by_a_test():
    runners = "\n".join(path.read_text(encoding="utf-8") for path in RUNNERS)
    for page in PAGES:
        for marker in markers(page):
            assert marker, f"{page.name} has a bash block without a <!-- name:start/end --> marker"
            if marker not in NOT_RUN:
                assert re.search(rf"[\"' ]{re.escape(marker)}[\"' )]", runners), (
                    f"no test runs {page.name}'s {marker}"
                )


def test_the_predict_block_answers_for_a_house_and_a_csv(reproduced, tmp_path):
    root = shutil.copytree(reproduced[0], tmp_path / "repo", symlinks=True)  # it writes houses.csv
    env = reproduced[1]
    outputs = [run_shell(line, root, env) for line in docs_block("notebook.md", "predict")]
    single, _, table = outputs
    assert single.splitlines()[0] == "Longitude,Latitude,tier,p_tier_0,p_tier_1,p_tier_2"
    assert single.splitlines()[-1] == "predict: tiers by sale price: 0 the cheapest, 2 the most expensive"
    assert len(table.strip().splitlines()) == 3 + 1  # the header, the two houses, the tiers' line


def test_the_pre_commit_block_installs_hooks_that_pass_on_the_committed_tree(tmp_path):
    root = copy_repo(tmp_path)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    (line,) = docs_block("setup.md", "pre-commit")
    run_shell(line, root, env)
    assert (root / ".git" / "hooks" / "pre-commit").is_file()
    run(["pre-commit", "run", "--all-files"], root, env)  # ruff and nbstripout change nothing


@pytest.mark.slow
def test_the_relock_block_gives_the_committed_lock_and_installs_nothing_new(tmp_path):
    """The real relock (uv against the package index; here pip's find-links directory stands in
    for PyTorch's page of wheels): the lock it writes is the committed one, byte for byte, and
    syncing this environment to it changes nothing."""
    root = copy_repo(tmp_path)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    relock, sync = for_this_machine(docs_block("setup.md", "relock"))
    if "UV_FIND_LINKS" not in env and "download.pytorch.org" not in sync:
        env["UV_FIND_LINKS"] = sync.split("--find-links ")[1]
    run_shell(relock, root, env)
    assert run(["git", "status", "--porcelain"], root, env) == "", "requirements.lock is stale"
    output = run_shell(sync, root, env)
    assert "Installed" not in output and "Uninstalled" not in output, output


def serve(command: str, cwd: Path, env: dict, ready: re.Pattern, timeout_s: float = 60) -> tuple:
    """Start a docs block's server in its own process group; (process, the match of ``ready``
    in its output)."""
    process = subprocess.Popen(["sh", "-c", command], cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)  # fmt: skip
    deadline, seen = time.monotonic() + timeout_s, []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        if match := ready.search(line):
            return process, match
    stop(process)
    raise AssertionError(f"{command!r} did not start:\n{''.join(seen)[-2000:]}")


def get_json(url: str, timeout_s: float = 30):
    """The JSON a just-started server answers with (it may say it listens a moment before)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return json.load(response)
        except urllib.error.URLError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.mark.slow
def test_the_dashboard_block_serves_the_study(tmp_path):
    import optuna

    storage = f"sqlite:///{tmp_path / 'search.db'}"
    study = optuna.create_study(study_name="mlp", storage=storage, direction="maximize")
    hidden = optuna.distributions.IntDistribution(10, 200)
    study.add_trial(optuna.trial.create_trial(params={"models.mlp.hidden": 50}, value=0.61,
                                              distributions={"models.mlp.hidden": hidden}))  # fmt: skip
    (line,) = docs_block("experiments.md", "dashboard")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    process, _ = serve(line, tmp_path, env, re.compile(r"Listening on http://\S+:8080"))
    try:
        studies = get_json("http://127.0.0.1:8080/api/studies")["study_summaries"]
        assert [s["study_name"] for s in studies] == ["mlp"]
    finally:
        stop(process)


@pytest.mark.slow
def test_the_jupyter_block_serves_the_notebook(tmp_path):
    (tmp_path / "repo").mkdir()
    root = copy_repo(tmp_path / "repo")
    config = tmp_path / "jupyter"
    config.mkdir()
    # a user's own settings, for this test's machine: no browser to open, and (CI runs as root)
    # root allowed
    (config / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"open_browser": False, "allow_root": True}})
    )
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}  # fmt: skip
    (line,) = docs_block("notebook.md", "jupyter")
    process, match = serve(line, root, env, re.compile(r"(http://127\.0\.0\.1:\d+)/lab\?token=(\w+)"))
    try:
        base, token = match.groups()
        # the server's root: the folder of the notebook it was given
        url = f"{base}/api/contents/cs375_linear_softmax.ipynb?token={token}&content=0"
        assert get_json(url)["type"] == "notebook"
    finally:
        stop(process)
