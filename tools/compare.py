"""Compare experiments in a table that fits a terminal: each run's five validation accuracies
and the params it changed, best first.

Usage:  python -m tools.compare [--sort-by MODEL] [--width COLUMNS]
Reads:  `dvc exp show --json` (the workspace, the baseline commit and its experiments).
`dvc exp show` prefixes each model's columns with its file (`metrics/mlp.json:valid.accuracy`),
so five accuracies alone need 200 columns; this names them by model and lists only the
params that differ from the baseline, wrapping them to fit --width (default: the terminal).
No line is longer than --width; a width too narrow for the names and the five accuracies
(about 90 columns) is refused with one line giving the least that fits. A row DVC could not
read (a broken params.yaml, a conflicted dvc.lock) is shown with `-` and named on stderr.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import textwrap
from dataclasses import dataclass, field
from typing import Any

from ames_tiers.core import paths
from ames_tiers.core.cli import cli_parser, run_cli
from ames_tiers.core.errors import UserError
from ames_tiers.core.params import dotted_keys
from ames_tiers.models.registry import MODELS

GAP = "  "
MIN_PARAM_WIDTH = 20

log = logging.getLogger(__name__)


@dataclass
class Run:
    name: str
    params: dict[str, Any]  # flattened: {"models.mlp.hidden": 100, ...}
    accuracy: dict[str, float | None] = field(default_factory=dict)
    state: str = "done"  # or "failed", "queued", "running"
    error: str = ""  # why DVC could not read this revision, if it could not

    @property
    def finished(self) -> bool:
        return self.state in ("done", "success")


def _run(name: str, rev: dict, state: str) -> Run:
    data = rev.get("data") or {}
    found_params = (data.get("params") or {}).get(str(paths.PARAMS), {})
    errors = [e.get("msg") or e.get("type") for e in (rev.get("error"), found_params.get("error")) if e]
    params = dotted_keys(found_params.get("data") or {})
    metrics = data.get("metrics") or {}
    accuracy = {}
    for model in MODELS:
        found = (metrics.get(str(paths.metrics_file(model))) or {}).get("data") or {}
        accuracy[model] = (found.get("valid") or {}).get("accuracy")
    return Run(name, params, accuracy, state, "; ".join(map(str, errors)))


def runs_of(exp_show: list[dict]) -> tuple[Run | None, list[Run]]:
    """The baseline commit and the other rows (workspace first, then experiments)."""
    baseline, others = None, []
    for commit in exp_show:
        rev_name = commit.get("name") or commit["rev"][:7]
        if commit["rev"] == "workspace":
            others.append(_run("workspace", commit, "done"))
            continue
        baseline = baseline or _run(f"{rev_name} (baseline)", commit, "done")
        for exp in commit.get("experiments") or []:
            rev = exp["revs"][0]
            state = (exp.get("executor") or {}).get("state") or "done"
            others.append(_run(exp.get("name") or rev.get("name") or rev["rev"][:7], rev, state))
    return baseline, others


def changed_params(run: Run, baseline: Run) -> str:
    """The params that differ from the baseline, grouped by section:
    `mlp: hidden=200 lr=0.05; seed=7`."""
    groups: dict[str, list[str]] = {}
    for key, value in run.params.items():
        if baseline.params.get(key) == value:
            continue
        section, _, leaf = key.removeprefix("models.").rpartition(".")
        groups.setdefault(section, []).append(f"{leaf}={json.dumps(value)}")
    return "; ".join(f"{s}: {' '.join(v)}" if s else " ".join(v) for s, v in groups.items())


def _columns(rows: list[Run]) -> tuple[int, dict[str, int], str]:
    name_width = max(len("experiment"), *(len(r.name) for r in rows))
    cells = {m: max(len(m), 6) for m in MODELS}
    head = f"{'experiment':<{name_width}}" + "".join(f"{GAP}{m:>{cells[m]}}" for m in MODELS)
    return name_width, cells, head


def min_width(baseline: Run, runs: list[Run]) -> int:
    """The narrowest table: the names, the five accuracies, and some room for params."""
    return len(_columns([baseline, *runs])[2]) + len(GAP) + MIN_PARAM_WIDTH


def table(baseline: Run, runs: list[Run], sort_by: str, width: int) -> list[str]:
    """The rows, best `sort_by` accuracy first; no line longer than ``width`` (at least
    min_width: a word longer than the room for params is broken)."""

    def key(run: Run) -> float:
        value = run.accuracy.get(sort_by)
        return -value if isinstance(value, (int, float)) else 1.0

    rows = [baseline, *sorted(runs, key=key)]
    name_width, cells, head = _columns(rows)
    param_width = max(MIN_PARAM_WIDTH, width - len(head) - len(GAP))
    lines = [f"{' ' * name_width}{GAP}valid accuracy", head + f"{GAP}changed params"]
    for run in rows:
        accs = "".join(f"{GAP}{_cell(run, m):>{cells[m]}}" for m in MODELS)
        wrapped = textwrap.wrap(changed_params(run, baseline), param_width) or [""]
        lines.append(f"{run.name:<{name_width}}{accs}{GAP}{wrapped[0]}".rstrip())
        lines += [f"{' ' * len(head)}{GAP}{more}" for more in wrapped[1:]]
    return lines


def _cell(run: Run, model: str) -> str:
    value = run.accuracy.get(model)
    if not run.finished:
        return run.state
    return "-" if value is None else f"{value:.4f}"


def main(args) -> None:
    result = subprocess.run(["dvc", "exp", "show", "--json"], capture_output=True, text=True)
    if result.returncode != 0:
        raise UserError(f"dvc exp show failed: {result.stderr.strip().splitlines()[-1:]}")
    baseline, runs = runs_of(json.loads(result.stdout))
    if baseline is None:
        raise UserError("no baseline commit: commit the pipeline first (git commit)")
    for run in [baseline, *runs]:
        if run.error:
            log.warning("warning: DVC could not read %s (%s): its row shows '-'", run.name, run.error)
    least = min_width(baseline, runs)
    if args.width and args.width < least:
        raise UserError(
            f"--width {args.width} is too narrow: the names and five accuracies need {least} columns"
        )
    width = args.width or max(least, shutil.get_terminal_size((120, 24)).columns)
    print("\n".join(table(baseline, runs, args.sort_by, width)))


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError(text)
    return value


_positive.__name__ = "positive integer"  # argparse names the type in its one-line error


def parser():
    p = cli_parser(__doc__, "tools.compare")
    p.add_argument("--sort-by", default="mlp", choices=list(MODELS), help="best first by this model")
    p.add_argument("--width", type=_positive, default=0, help="columns (default: the terminal's)")
    return p


if __name__ == "__main__":
    run_cli(parser(), main)
