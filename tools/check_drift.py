"""The drift check: fail when reproduced metrics moved from the committed ones.

Usage: dvc metrics diff --json | python -m tools.check_drift [--machine aarch64]
(`dvc metrics diff` compares HEAD's committed metrics with the workspace; it lists only
metrics that changed, and prints `{}` when none did.) The tolerance is params.yaml
`ci.metrics_tolerance`: 0, because every metric is pinned to the bit on every x86-64 CPU.
On aarch64 (--machine, default: this one's), the PyTorch models' train and valid losses
may also move by `ci.aarch64_loss_tolerance`, relative: torch's float32 kernels round
differently there (docs/reproducibility.md, "On ARM"); their accuracies and the NumPy models' metrics may not.
Input that is not such a diff (empty, not JSON, another shape, NaN, nested past any diff, over
16 MB, not UTF-8) is an error, and a value that is not a finite number (infinity, a boolean, a
string, a list) fails the check naming its metric: never a pass.
"""

from __future__ import annotations

import json
import logging
import math
import platform
import sys
from typing import Any

from ames_tiers.core import paths
from ames_tiers.core.cli import cli_parser, run_cli
from ames_tiers.core.errors import UserError
from ames_tiers.core.files import MAX_DOCUMENT_BYTES, decoded, parse_json
from ames_tiers.core.params import load_params
from ames_tiers.models.registry import MODELS

ARM_MACHINES = ("aarch64", "arm64")  # what platform.machine() says on Linux and on macOS


def torch_models() -> list[str]:
    """The models whose float32 results ARM's kernels round differently (docs/reproducibility.md,
    "On ARM")."""
    return [name for name, spec in MODELS.items() if spec.framework == "torch"]


def machine_parser(doc: str | None, module: str):
    """The CI gates' command line: --machine, the architecture whose contract applies."""
    p = cli_parser(doc, module)
    p.add_argument("--machine", default=platform.machine(), help="the CPU architecture (default: this one's)")
    return p


log = logging.getLogger(__name__)

USAGE = "pipe the output of `dvc metrics diff --json` into python -m tools.check_drift"


def read_stdin() -> str:
    """Standard input, bounded and strict UTF-8, as every document the project reads."""
    data = sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise UserError(f"stdin: larger than {MAX_DOCUMENT_BYTES} bytes; {USAGE}")
    return decoded(data, "stdin")


def parse_diff(text: str) -> dict[str, dict[str, dict[str, Any]]]:
    """The diff as {metrics file: {metric: {"old": ..., "new": ...}}}, or a UserError."""
    if not text.strip():
        raise UserError(f"stdin is empty; {USAGE}")
    diff = parse_json(text, "stdin", f"; {USAGE}")
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
    """A real, finite number: not a boolean (JSON's true is not 1), not infinity (1e400)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def relative_tolerances(machine: str, aarch64_loss_tolerance: float) -> dict[str, float]:
    """`file:metric` -> the relative move allowed on ``machine``: none on x86-64; on ARM, the
    PyTorch models' losses (float32), and nothing else."""
    if machine not in ARM_MACHINES:
        return {}
    return {
        f"{paths.metrics_file(name)}:{part}.loss": aarch64_loss_tolerance
        for name in torch_models()
        for part in ("train", "valid")
    }


def drifted(diff: dict, tolerance: float, relative: dict[str, float] | None = None) -> list[str]:
    """One message per metric that appeared, disappeared, or moved by more than ``tolerance``
    (absolute), or, for a metric in ``relative``, by more than its relative tolerance."""
    relative = relative or {}
    problems = []
    for path, metrics in sorted(diff.items()):
        for name, change in sorted(metrics.items()):
            old, new = change.get("old"), change.get("new")
            if old is None or new is None:
                problems.append(f"{path}:{name} is {'new' if old is None else 'gone'} ({old} -> {new})")
            elif not (_is_number(old) and _is_number(new)):
                problems.append(f"{path}:{name} is not a finite number ({shown(old)} -> {shown(new)})")
            else:
                rel_tol = relative.get(f"{path}:{name}", 0.0)
                if rel_tol and not math.isclose(old, new, rel_tol=rel_tol, abs_tol=tolerance):
                    problems.append(
                        f"{path}:{name} moved {old!r} -> {new!r} "
                        f"(relative {abs(new - old) / abs(old):.3g} > {rel_tol:g} on ARM)"
                    )
                elif not rel_tol and not math.isclose(old, new, rel_tol=0, abs_tol=tolerance):
                    problems.append(
                        f"{path}:{name} moved {old!r} -> {new!r} "
                        f"(|diff| {abs(new - old):.3g} > {tolerance:g})"
                    )
    return problems


def shown(value: Any) -> str:
    """A value as a message shows it: short, whatever it is."""
    text = json.dumps(value) if not isinstance(value, float) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def main(args) -> None:
    ci = load_params().ci
    relative = relative_tolerances(args.machine, ci.aarch64_loss_tolerance)
    problems = drifted(parse_diff(read_stdin()), ci.metrics_tolerance, relative)
    if problems:
        raise UserError(
            f"{len(problems)} reproduced metric(s) differ from the committed ones; if the change "
            "is intended, commit the new metrics/ and dvc.lock: " + "; ".join(problems)
        )
    extra = f"; PyTorch losses within {ci.aarch64_loss_tolerance:g} relative on ARM" if relative else ""
    log.info("reproduced metrics equal the committed ones (tolerance %g%s)", ci.metrics_tolerance, extra)


def parser():
    return machine_parser(__doc__, "tools.check_drift")


if __name__ == "__main__":
    run_cli(parser(), main)
