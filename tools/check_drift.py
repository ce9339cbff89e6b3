"""The drift check: fail when reproduced metrics moved from the committed ones.

Usage: dvc metrics diff --json | python -m tools.check_drift
(`dvc metrics diff` compares HEAD's committed metrics with the workspace; it lists only
metrics that changed, and prints `{}` when none did.) The tolerance is params.yaml
`ci.metrics_tolerance`: 0, because every metric is pinned to the bit on every x86-64 CPU.
Input that is not such a diff (empty, not JSON, another shape, NaN) is an error, never a pass.
"""

from __future__ import annotations

import json
import logging
import math
import sys
from typing import Any

from ames_tiers.core.cli import cli_parser, run_cli
from ames_tiers.core.errors import UserError
from ames_tiers.core.params import load_params

log = logging.getLogger(__name__)

USAGE = "pipe the output of `dvc metrics diff --json` into python -m tools.check_drift"


def _reject_constant(name: str) -> None:
    raise UserError(f"stdin has {name}, which `dvc metrics diff --json` never prints; {USAGE}")


def parse_diff(text: str) -> dict[str, dict[str, dict[str, Any]]]:
    """The diff as {metrics file: {metric: {"old": ..., "new": ...}}}, or a UserError."""
    if not text.strip():
        raise UserError(f"stdin is empty; {USAGE}")
    try:
        diff = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        raise UserError(f"stdin is not JSON ({err}); {USAGE}") from None
    if not isinstance(diff, dict):
        raise UserError(f"stdin is a JSON {type(diff).__name__}, not an object; {USAGE}")
    for path, metrics in diff.items():
        if not isinstance(metrics, dict):
            raise UserError(f"stdin: {path!r} maps to {metrics!r}, not to metrics; {USAGE}")
        for name, change in metrics.items():
            if not isinstance(change, dict) or not {"old", "new"} & set(change):
                raise UserError(f"stdin: {path}:{name} is {change!r}, not an old/new pair; {USAGE}")
    return diff


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def drifted(diff: dict, tolerance: float) -> list[str]:
    """One message per metric that appeared, disappeared, or moved by more than ``tolerance``."""
    problems = []
    for path, metrics in sorted(diff.items()):
        for name, change in sorted(metrics.items()):
            old, new = change.get("old"), change.get("new")
            if old is None or new is None:
                problems.append(f"{path}:{name} is {'new' if old is None else 'gone'} ({old} -> {new})")
            elif _is_number(old) and _is_number(new):
                if not math.isclose(old, new, rel_tol=0, abs_tol=tolerance):
                    problems.append(
                        f"{path}:{name} moved {old!r} -> {new!r} "
                        f"(|diff| {abs(new - old):.3g} > {tolerance:g})"
                    )
            elif old != new:
                problems.append(f"{path}:{name} changed {old!r} -> {new!r}")
    return problems


def main(args) -> None:
    tolerance = load_params().ci.metrics_tolerance
    problems = drifted(parse_diff(sys.stdin.read()), tolerance)
    if problems:
        raise UserError(
            f"{len(problems)} reproduced metric(s) differ from the committed ones; if the change "
            "is intended, commit the new metrics/ and dvc.lock: " + "; ".join(problems)
        )
    log.info("reproduced metrics equal the committed ones (tolerance %g)", tolerance)


if __name__ == "__main__":
    run_cli(cli_parser(__doc__, "tools.check_drift"), main)
