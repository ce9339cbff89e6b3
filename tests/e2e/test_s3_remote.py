"""docs/remotes.md's S3 remote block, as written, against a real S3-compatible server on loopback
(SeaweedFS): `dvc push`, `dvc pull` in a fresh clone, `dvc status` clean; then an experiment's
`dvc exp push` and `dvc exp pull` with its outputs. Skipped, saying why, without the `weed`
binary; CI installs it and requires the test."""

from __future__ import annotations

import shutil

import pytest

from ames_tiers.core import paths
from tools.fresh_copy import stored_experiments

from .dvc_helpers import docs_block, run, run_shell, stages_run
from .s3_server import BUCKET, CREDENTIALS, S3Server

pytestmark = [pytest.mark.e2e(seconds=40), pytest.mark.slow]  # its rough cost here: the longest start first


@pytest.fixture
def s3(tmp_path):
    (tmp_path / "weed").mkdir()
    with S3Server(tmp_path / "weed") as server:
        yield server


def test_the_readmes_s3_remote_carries_data_models_and_experiments(s3, reproduced, tmp_path):
    env = {**reproduced[1], **CREDENTIALS}
    team = shutil.copytree(reproduced[0], tmp_path / "team", symlinks=True)
    origin = tmp_path / "origin.git"
    run(["git", "init", "-q", "--bare", str(origin)], tmp_path, env)
    run(["git", "remote", "add", "origin", str(origin)], team, env)
    run(["git", "push", "-q", "-u", "origin", "HEAD"], team, env)
    lines = [
        line.replace("s3://my-bucket/ames", f"s3://{BUCKET}/ames").replace(
            "https://s3.example.org", s3.endpoint
        )
        for line in docs_block("remotes.md", "remote-s3")
    ]
    split = lines.index("# on another machine")
    for line in lines[:split]:
        run_shell(line, team, env)
    clone_line, check = lines[split + 1 :]
    assert clone_line == "git clone <repo> && cd <repo>"
    other = tmp_path / "other"
    run(["git", "clone", "-q", str(origin), str(other)], tmp_path, env)
    assert "Data and pipelines are up to date." in run_shell(check, other, env)
    assert (other / paths.model_file("mlp")).read_bytes() == (team / paths.model_file("mlp")).read_bytes()

    run(["dvc", "exp", "run", "-S", "models.logreg_numpy.init_seed=7"], team, env)
    (name,) = stored_experiments(team)
    run(["dvc", "exp", "push", "origin", name], team, env)  # its commit to git, its outputs to S3
    run(["dvc", "exp", "pull", "origin", name], other, env)
    run(["dvc", "exp", "apply", name], other, env)
    run(["dvc", "pull"], other, env)
    assert stages_run(run(["dvc", "repro"], other, env)) == []  # nothing to recompute
    model = paths.model_file("logreg_numpy")
    assert (other / model).read_bytes() == (team / model).read_bytes()
