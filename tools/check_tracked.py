"""The same bytes on every machine, checked: after `dvc repro` in a fresh clone, no tracked
file may have changed on x86-64; on aarch64, only what torch's float32 rounding explains.

Usage:  python -m tools.check_tracked [--machine aarch64]   (after `dvc repro`; CI runs it)
Reads:  `git status --porcelain -z` (plots/screenshots/ aside: pictures of this machine's
        Chromium, whatever their names).
On aarch64 (docs/reproducibility.md, "On ARM") the PyTorch models' metrics, parity record and
loss curve, their loss and decision-region figures, the report and dvc.lock may differ in their last bits;
their predictions (so every accuracy and confusion matrix) and everything of the NumPy models
and of the data may not. Exits 1 naming every file that changed, or appeared untracked,
without such an explanation.
"""

from __future__ import annotations

import logging
import subprocess

from ames_tiers.core import paths
from ames_tiers.core.cli import run_cli
from ames_tiers.core.errors import UserError
from tools.check_drift import ARM_MACHINES, machine_parser, torch_models

log = logging.getLogger(__name__)

SCREENSHOTS = "plots/screenshots/"  # drawn by this machine's Chromium, for people to look at


def explained_on_arm() -> set[str]:
    """The tracked files that torch's float32 kernels may change on ARM."""
    files = {str(paths.REPORT_HTML), "dvc.lock"}
    for name in torch_models():
        files |= {
            str(paths.metrics_file(name)),
            str(paths.parity_file(name)),
            str(paths.loss_curve_file(name)),
        }
        # drawn from the losses and the weights; the confusion matrices come from the predictions
        files |= {
            str(paths.figure_file(paths.model_figure(kind, name))) for kind in ("loss", "decision_regions")
        }
    return files


def unexplained(changed: list[str], machine: str) -> list[str]:
    """The changed files that this machine's architecture does not explain."""
    allowed = explained_on_arm() if machine in ARM_MACHINES else set()
    return [path for path in changed if path not in allowed and not path.startswith(SCREENSHOTS)]


def changed_files(porcelain: str) -> dict[str, str]:
    """{path: its two-letter status} from `git status --porcelain -z`: NUL-separated, so a path
    is as it is, spaces, quotes and all (without -z git quotes such names); a rename's entry is
    followed by its old path."""
    entries, found = porcelain.split("\0"), {}
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if len(entry) > 3:
            found[entry[3:]] = entry[:2]
            if entry[0] in "RC":
                i += 1  # the old path of a rename or copy
    return dict(sorted(found.items()))


def main(args) -> None:
    status = subprocess.run(
        ["git", "status", "--porcelain", "-z", "--untracked-files=all"], capture_output=True, text=True
    )
    if status.returncode != 0:
        raise UserError(f"git status failed: {status.stderr.strip()}")
    changed = changed_files(status.stdout)
    problems = unexplained(list(changed), args.machine)
    if problems:
        untracked = [p for p in problems if changed[p] == "??"]
        modified = [p for p in problems if changed[p] != "??"]
        parts = [f"changed {len(modified)} committed file(s): {', '.join(modified)}"] if modified else []
        parts += [f"left {len(untracked)} untracked file(s): {', '.join(untracked)}"] if untracked else []
        raise UserError(f"dvc repro on {args.machine} {'; and '.join(parts)}")
    explained = [path for path in changed if not path.startswith(SCREENSHOTS)]
    if explained:
        log.info(
            "on %s, torch's float32 rounding changed (as docs/reproducibility.md's 'On ARM' says): %s",
            args.machine,
            ", ".join(explained),
        )
    else:
        log.info("no committed file changed")


def parser():
    return machine_parser(__doc__, "tools.check_tracked")


if __name__ == "__main__":
    run_cli(parser(), main)
