"""What a study found, as text: every trial, best first, and the command that keeps the best
(`python -m tools.search --show`, and the end of every search). The page with its figures is
ames_tiers/search/page.py."""

from __future__ import annotations

import json
from pathlib import Path

from tools.search.storage import counts, is_own_failure, retried_trial_number

BEST_SHOWN = 5


def best_trials(study, limit: int = BEST_SHOWN) -> list:
    from optuna.trial import TrialState

    complete = [t for t in study.get_trials(deepcopy=False) if t.state == TrialState.COMPLETE]
    return sorted(complete, key=lambda t: t.value, reverse=study.direction.name == "MAXIMIZE")[:limit]


def summary(study, spec) -> str:
    """Every trial as a table, best first: the finished ones by their metric (rounded as
    tools.compare rounds it, params as DVC records them), then those that failed with their
    reason, then those stopped, waiting or running; and the one command that keeps the best."""
    from optuna.trial import TrialState

    from tools.fresh_copy import stored_experiments

    trials = study.get_trials(deepcopy=False)
    if not trials:
        return f"study {spec.study}: no trial has run yet"
    best = best_trials(study, limit=len(trials))
    others = [t for t in trials if t.state != TrialState.COMPLETE]
    keys = list(spec.params)
    rows = [["rank", "experiment", str(spec.metric), *keys, "state", "machine"]]
    for rank, t in enumerate([*best, *others], 1):
        value = f"{t.value:.4f}" if t.state == TrialState.COMPLETE else "-"
        params = [json.dumps(t.params[k]) if k in t.params else "-" for k in keys]
        # a trial queued again has no experiment or machine yet (Optuna copies the stopped one's)
        named = t.state != TrialState.WAITING
        experiment, machine = (t.user_attrs.get(a, "?") if named else "-" for a in ("experiment", "machine"))
        rows.append([str(rank) if t in best else "-", experiment, value, *params, trial_state(t), machine])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    c = counts(study)
    header = f"study {spec.study}: {c['finished']} of {spec.trials} trials finished ({c['failed']} failed)"
    header += ", best first:"
    if not best:
        return "\n".join([header, *lines, "no trial has finished yet"])
    top = best[0].user_attrs.get("experiment", "?")
    keep = f"keep the best: dvc exp apply {top}   (or as a branch: dvc exp branch {top} <branch>)"
    if top not in stored_experiments(Path.cwd()):
        keep = f"keep the best: dvc exp pull origin {top} && dvc exp apply {top}"
    return "\n".join([header, *lines, keep])


def trial_state(trial) -> str:
    """A trial's state in a word, or its reason."""
    state = trial.state.name
    if state == "FAIL":
        reason = trial.user_attrs.get("reason")
        return f"failed: {reason}" if is_own_failure(trial) else f"stopped ({reason or 'no heartbeat'})"
    if state == "WAITING":
        return f"to run again (trial {retried_trial_number(trial)})"
    return state.lower()
