"""Recovery from SIGKILL, and a DVC remote round trip, with the real dvc. (Two clones give the
same bytes: tests/e2e/test_pipeline.py compares a fresh clone's run with the committed files,
tests/e2e/test_portability.py reruns it as other CPUs.)"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ames_tiers.core import paths
from ames_tiers.models.registry import MODELS

from ..conftest import REPO
from .dvc_helpers import docs_block, run, run_shell, stages_run

pytestmark = pytest.mark.e2e(seconds=34)  # its rough cost here: the longest start first

# every output a run produces, apart from the downloaded data
OUTPUT_DIRS = (paths.METRICS_DIR, paths.MODELS_DIR, paths.LOSS_DIR, paths.PREDICTIONS_DIR, paths.FIGURES_DIR)


def outputs(root: Path) -> dict[str, bytes]:
    found = {
        str(p.relative_to(root)): p.read_bytes()
        for d in OUTPUT_DIRS
        for p in sorted((root / d).rglob("*"))
        if p.is_file()
    }
    found[str(paths.REPORT_HTML)] = (root / paths.REPORT_HTML).read_bytes()
    return found


@pytest.fixture
def clone(reproduced, tmp_path):
    """A copy of the reproduced clone (`dvc repro` done) to change."""
    return shutil.copytree(reproduced[0], tmp_path / "repo", symlinks=True), reproduced[1]


def find_process(needle: list[str], cwd: Path, timeout_s: float = 60) -> int:
    """The pid of the process whose argv ends with ``needle`` and that runs in ``cwd`` (not
    another test's, running at the same time on the other worker)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]
                here = Path(os.readlink(f"/proc/{pid}/cwd")) == cwd.resolve()
            except OSError:
                continue
            if argv[-len(needle) :] == needle and here:
                return int(pid)
        time.sleep(0.02)
    raise AssertionError(f"no process {needle} started within {timeout_s} s")


def wait_until_torch_is_loaded(pid: int, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if "libtorch_cpu" in Path(f"/proc/{pid}/maps").read_text():
            return
        time.sleep(0.02)
    raise AssertionError("the training stage never loaded torch")


# a torch model (the stage is killed once torch is loaded), the cheapest one to retrain
VICTIM = "logreg_torch"


@pytest.mark.parametrize("victim", ["stage"])  # ("dvc_and_stage" too: the same guarantee, slower)
def test_killed_training_recovers_to_the_same_results(clone, victim):
    root, env = clone
    reference = outputs(root)
    (root / paths.model_file(VICTIM)).unlink()
    # --force: really run the stage (not a restore from DVC's run cache)
    dvc = subprocess.Popen(
        ["dvc", "repro", "--force", "--single-item", f"train@{VICTIM}"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    stage = find_process(["stages.train", VICTIM], root)
    wait_until_torch_is_loaded(stage)
    time.sleep(0.3)  # still importing, or training: >= 1 s from here to its outputs
    if victim == "stage":
        os.kill(stage, signal.SIGKILL)
    else:
        os.killpg(dvc.pid, signal.SIGKILL)
    assert dvc.wait(timeout=60) != 0
    assert not (root / paths.model_file(VICTIM)).exists()  # no half-written model

    output = run(["dvc", "repro"], root, env)
    assert stages_run(output) == [f"train@{VICTIM}"]  # its outputs come out the same: no report
    assert outputs(root) == reference
    assert "up to date" in run(["dvc", "status"], root, env)


@pytest.mark.slow  # stands in for a second machine (docs/remotes.md's tests run the blocks too)
def test_remote_round_trip_loses_nothing(clone, tmp_path):
    root, env = clone
    remote = tmp_path / "remote"
    run(["dvc", "remote", "add", "--local", "-f", "-d", "storage", str(remote)], root, env)
    run(["dvc", "push"], root, env)
    run(["git", "add", "-A"], root, env)
    run(["git", "commit", "--allow-empty", "-qm", "results"], root, env)

    clone = tmp_path / "clone"
    run(["git", "clone", "-q", str(root), str(clone)], tmp_path, env)
    run(["dvc", "remote", "add", "--local", "-f", "-d", "storage", str(remote)], clone, env)
    run(["dvc", "pull"], clone, env)
    assert "up to date" in run(["dvc", "status"], clone, env)
    assert stages_run(run(["dvc", "repro"], clone, env)) == []
    assert outputs(clone) == outputs(root)
    assert (clone / paths.RAW_CSV).read_bytes() == (root / paths.RAW_CSV).read_bytes()


def n_classes_as_a_float(root: Path) -> list[str]:
    """params.yaml with `n_classes: 3.0`, whatever the file's layout (flow or block style)."""
    params = root / paths.PARAMS
    text, edits = re.subn(r"(\bn_classes:\s*)3\b", r"\g<1>3.0", params.read_text(), count=1)
    assert edits == 1, "params.yaml has no n_classes: 3"
    params.write_text(text)
    return ["dvc", "repro"]


@pytest.mark.parametrize(
    "failure, message",
    [
        (
            ["dvc", "exp", "run", "-S", "models.mlp.hidden=abc"],
            "check_params: error: params.yaml: models.mlp.hidden = 'abc'",
        ),
        pytest.param(
            ["dvc", "exp", "run", "-S", "models.mlp.lr=5"],
            "check_params: error: params.yaml: models.mlp.lr = 5: must be a number in [1e-06, 3]",
            marks=pytest.mark.slow,  # the same path as "not a number" (the README's test command < 3 min)
        ),
        # DVC's own comparison calls 3.0 unchanged; the check reads the bytes and refuses it
        pytest.param(
            n_classes_as_a_float,
            "prepare.n_classes = 3.0: must be an integer",
            marks=pytest.mark.slow,  # check_params' path again (the README's test command < 3 min)
        ),
        # a check that fails inside a stage, after DVC would have deleted its outputs
        (
            ["dvc", "exp", "run", "-S", "parity.linreg_numpy.optimum=1e-300"],
            "train@linreg_numpy: error: parity check failed",
        ),
    ],
    ids=["not a number", "out of range", "3 -> 3.0", "failed parity check"],
)
def test_a_failed_run_keeps_every_output_and_one_command_undoes_it(clone, failure, message):
    root, env = clone
    before = outputs(root)
    command = failure(root) if callable(failure) else failure
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    (line,) = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert message in line
    if "check_params" in line:
        assert line.endswith(
            "(every output is as it was; to undo the edit: git checkout params.yaml dvc.lock)"
        )
    assert outputs(root) == before
    run(["dvc", "checkout"], root, env)  # nothing deleted, so nothing it would refuse to overwrite
    changed = run(["git", "status", "--porcelain"], root, env).split()
    assert changed in (["M", "params.yaml"], ["M", "dvc.lock", "M", "params.yaml"])  # check_params passed
    for line in docs_block("troubleshooting.md", "clean-after-failure"):  # "When a run fails"
        run_shell(line, root, env)
    assert run(["dvc", "status"], root, env).strip() == "Data and pipelines are up to date."
    assert run(["git", "status", "--porcelain"], root, env) == ""


@pytest.mark.slow  # stands in for another project (a bare git remote and a DVC remote)
def test_a_model_is_a_dvc_artifact_another_directory_can_get_and_predict_with(clone, tmp_path):
    """`dvc artifacts get` from a team's git remote and DVC remote, into a directory that is
    not a clone: the model file it fetches is one `tools.predict` answers with."""
    import dvc.api

    root, env = clone
    origin, storage = tmp_path / "origin.git", tmp_path / "storage"
    run(["dvc", "remote", "add", "-d", "storage", str(storage)], root, env)
    run(["git", "commit", "-qam", "DVC remote"], root, env)
    run(["dvc", "push"], root, env)
    run(["git", "init", "-q", "--bare", "--initial-branch=main", str(origin)], tmp_path, env)
    run(["git", "push", "-q", str(origin), "HEAD:main"], root, env)
    for name in MODELS:  # register a version of each: DVC's model registry reads annotated git tags
        run(
            ["git", "tag", "-a", f"{name}@v1.0.0", "-m", f"Registering artifact {name} version v1.0.0"],
            root,
            env,
        )
    run(["git", "push", "-q", str(origin), "--tags"], root, env)
    # the five are declared as the registry says (tests/test_artifacts.py); each lookup clones
    assert dvc.api.artifacts_show("mlp", repo=str(origin))["path"] == str(paths.model_file("mlp"))

    elsewhere = tmp_path / "elsewhere"
    (elsewhere / paths.MODELS_DIR).mkdir(parents=True)
    run(["dvc", "artifacts", "get", str(origin), "mlp", "-o", str(paths.model_file("mlp"))], elsewhere, env)
    run(
        ["dvc", "get", str(origin), str(paths.STANDARDIZATION), "-o", str(paths.STANDARDIZATION)],
        elsewhere,
        env,
    )
    shutil.copy(root / paths.PARAMS, elsewhere / paths.PARAMS)
    assert (elsewhere / paths.model_file("mlp")).read_bytes() == (root / paths.model_file("mlp")).read_bytes()
    command = [sys.executable, "-m", "tools.predict", "mlp", "--longitude", "-93.63", "--latitude", "42.03"]
    answer = run(command, elsewhere, {**env, "PYTHONPATH": str(REPO)})
    assert answer.splitlines()[0] == "Longitude,Latitude,tier,p_tier_0,p_tier_1,p_tier_2"
