"""docs/experiments.md's sweep, run as written with the fewest runs that prove it: two experiments
queued (and one that fails for a reason of its own), two workers at once, the comparison
table, and the retry helper's choice."""

from __future__ import annotations

import re
import shlex
import shutil
import sys

import pytest

from .dvc_helpers import docs_block, run, wait_for_queue

pytestmark = [pytest.mark.e2e(seconds=42), pytest.mark.slow]  # its rough cost here: the longest start first


def readme_commands(marker: str) -> list[list[str]]:
    """The block's commands as argument lists, `python` as this interpreter."""
    commands = [
        shlex.split(line)
        for line in docs_block("experiments.md", marker)
        if line.startswith(("dvc ", "python "))
    ]
    return [[sys.executable, *c[1:]] if c[0] == "python" else c for c in commands]


FAILING = "models.mlp.hidden=0"  # queued with the sweep: refused by params validation, a reason of its own


@pytest.fixture(scope="module")
def swept(tmp_path_factory, reproduced):
    """The sweep, with a third run that fails, through two workers at once."""
    root = shutil.copytree(reproduced[0], tmp_path_factory.mktemp("sweep") / "repo", symlinks=True)
    env = reproduced[1]
    *queue, start = readme_commands("sweep")
    for command in queue:
        run(command, root, env)
    run(["dvc", "exp", "run", "--queue", "-S", FAILING], root, env)
    run(start, root, env)
    status = wait_for_queue(root, env)
    if status.count("Failed") > 1:
        # DVC's parallel workers sometimes race and fail a task with no log
        # (treeverse/dvc#10673): the docs' recovery re-queues those and runs them serially
        print(f"re-queueing after DVC's worker race:\n{status}")
        for command in readme_commands("sweep-retry"):
            run(command, root, env)
        status = wait_for_queue(root, env)
    return root, env, status


def test_the_sweep_ran_with_two_workers(swept):
    _, _, status = swept
    assert status.count("Success") == 2 and status.count("Failed") == 1, status


def test_the_compare_command_shows_every_run_within_120_columns(swept):
    root, env, _ = swept
    (command,) = readme_commands("sweep-show")
    lines = run([*command, "--width", "120"], root, env).strip().splitlines()
    print("\n".join(lines))
    assert all(len(line) <= 120 for line in lines), max(lines, key=len)
    header = lines[1].split()
    assert header[1:6] == ["linreg_numpy", "linreg_torch", "logreg_numpy", "logreg_torch", "mlp"]
    runs = [line for line in lines[2:] if "logreg_torch: lr=" in line]
    assert sorted(re.search(r"lr=([\d.]+)", line).group(1) for line in runs) == ["0.05", "0.5"]
    accuracy = [float(line.split()[4]) for line in runs]  # logreg_torch's column
    assert accuracy == sorted(accuracy, reverse=True)  # best first
    assert any("failed" in line and "mlp: hidden=0" in line for line in lines)


def test_retry_requeues_only_runs_that_did_not_fail_for_a_reason_of_their_own(swept):
    root, env, _ = swept
    (requeue, _start) = readme_commands("sweep-retry")
    output = run(requeue, root, env)
    assert "not re-queued" in output and "must be an integer in [1, 1000]" in output and "hidden=0" in output
    assert "re-queued nothing" in output and "now run" not in output  # nothing to start
    status = run(["dvc", "queue", "status"], root, env)
    assert "Failed" in status and not re.search(r"\bQueued\b", status)  # kept, with its log:
    (name,) = re.findall(r"not re-queued (\S+) ", output)
    assert "must be an integer in [1, 1000]" in run(["dvc", "queue", "logs", name], root, env)
