"""The drift check: fail when reproduced metrics moved from the committed ones.

Usage: dvc metrics diff --json | python -m stages.check_drift
(`dvc metrics diff` compares HEAD's committed metrics with the workspace; it lists only
metrics that changed.) The tolerance is params.yaml `ci.metrics_tolerance`."""

from __future__ import annotations

import json
import logging
import math
import sys

from stages.files import UserError, run_stage
from stages.params import load_params

log = logging.getLogger("stages.check_drift")


def drifted(diff: dict, tolerance: float) -> list[str]:
    """One message per metric that appeared, disappeared, or moved by more than ``tolerance``."""
    problems = []
    for path, metrics in sorted(diff.items()):
        for name, change in sorted(metrics.items()):
            old, new = change.get("old"), change.get("new")
            if old is None or new is None:
                problems.append(f"{path}:{name} is {'new' if old is None else 'gone'} ({old} -> {new})")
            elif isinstance(old, (int, float)) and isinstance(new, (int, float)):
                if not math.isclose(old, new, rel_tol=0, abs_tol=tolerance):
                    problems.append(f"{path}:{name} moved {old!r} -> {new!r} (|diff| {abs(new - old):.3g} > {tolerance:g})")
            elif old != new:
                problems.append(f"{path}:{name} changed {old!r} -> {new!r}")
    return problems


def main(argv: list[str]) -> None:
    tolerance = load_params().ci.metrics_tolerance
    text = sys.stdin.read()
    try:
        diff = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as err:
        raise UserError(f"stdin is not the JSON of `dvc metrics diff --json`: {err}") from None
    problems = drifted(diff, tolerance)
    if problems:
        raise UserError(
            f"{len(problems)} reproduced metric(s) differ from the committed ones; if the change "
            "is intended, commit the new metrics/ and dvc.lock: " + "; ".join(problems)
        )
    log.info("reproduced metrics equal the committed ones (tolerance %g)", tolerance)


if __name__ == "__main__":
    run_stage(main)
