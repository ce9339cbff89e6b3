"""A fresh clone of the working tree: the files git would carry (committed or not, ignored
files left out), committed in a new repository at DEST.

Usage:  python -m tools.fresh_copy DEST
The end-to-end tests and the benchmark start from such a copy, so they see what CI's clean
clone of main sees, before the changes are committed; they change its params with set_param
and find the experiments run in it with stored_experiments.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

from ames_tiers.core.cli import cli_parser, run_cli
from ames_tiers.core.errors import UserError

REPO = Path(__file__).resolve().parents[1]
# the git identity of a copy's commits (and of tests' and benchmarks' commits in copies)
COMMITTER = {"GIT_AUTHOR_NAME": "copy", "GIT_AUTHOR_EMAIL": "copy@localhost",
             "GIT_COMMITTER_NAME": "copy", "GIT_COMMITTER_EMAIL": "copy@localhost"}  # fmt: skip
log = logging.getLogger(__name__)


def fresh_copy(dest: Path, source: Path = REPO) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=source, capture_output=True, check=True,
    ).stdout.decode()  # fmt: skip
    for name in filter(None, listed.split("\0")):
        if (source / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, dest / name)
    env = {**os.environ, **COMMITTER}
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "fresh copy"]):
        subprocess.run(cmd, cwd=dest, env=env, check=True, capture_output=True)
    return dest


def set_param(root: Path, dotted: str, value) -> None:
    """Change (or add) one key of root/params.yaml, as `dvc exp run -S dotted=value` would."""
    from ames_tiers.core.params import read_yaml, with_value

    params = with_value(read_yaml(root / "params.yaml"), dotted, value)
    (root / "params.yaml").write_text(json.dumps(params))  # JSON is YAML


# an experiment DVC stored: refs/exps/<baseline commit, split 2/38>/<name> (not refs/exps/exec/)
EXPERIMENT_REF = re.compile(r"refs/exps/[0-9a-f]{2}/[0-9a-f]{38}/(?P<name>[^/]+)")


def stored_experiments(root: Path) -> dict[str, str]:
    """{name: git ref} of the experiments stored in the repository at root."""
    refs = subprocess.run(["git", "for-each-ref", "--format=%(refname)", "refs/exps"], cwd=root,
                          capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    return {m["name"]: m[0] for m in map(EXPERIMENT_REF.fullmatch, refs) if m}


def main(args) -> None:
    if args.dest.exists() and any(args.dest.iterdir()):
        raise UserError(f"{args.dest}: exists and is not empty")
    log.info("copied into %s", fresh_copy(args.dest))


def parser():
    p = cli_parser(__doc__, "tools.fresh_copy")
    p.add_argument("dest", type=Path, metavar="DEST")
    return p


if __name__ == "__main__":
    run_cli(parser(), main)
