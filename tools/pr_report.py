"""A pull request's report, as markdown a reviewer reads without downloading anything: what the
change does to params and metrics against the base branch, and which figures it redraws.

Usage:  python -m tools.pr_report --base origin/main [--output report.md]
        (after `dvc repro`, in the pull request's checkout; the GitHub workflow posts the
        result as the job summary and as one comment that it updates, never repeats)
Reads:  `dvc params diff BASE --md`, `dvc metrics diff BASE --md`, and `git diff --name-only
        BASE` for the figures (plots/figures/, plots/report_figures/) the change redrew.
Writes: the markdown to --output (a file, replaced atomically; a symlink's file), or to stdout
        (no --output, or --output -); a device, FIFO or directory as --output is refused with
        one line. It opens with MARKER, the line by which the workflow finds its own comment.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ames_tiers.core import paths
from ames_tiers.core.cli import cli_parser, run_cli
from ames_tiers.core.errors import UserError
from ames_tiers.core.files import write_text

MARKER = "<!-- ames-tiers pull request report -->"
FIGURE_DIRS = (paths.FIGURES_DIR, paths.REPORT_FIGURES_DIR)


def _table_or(markdown: str, nothing: str) -> str:
    """DVC's markdown table, or ``nothing`` when it has no row (DVC prints the header alone)."""
    lines = [line for line in markdown.strip().splitlines() if line.strip()]
    return "\n".join(lines) if len(lines) > 2 else nothing


def report(base: str, params_md: str, metrics_md: str, changed_figures: list[str]) -> str:
    """The comment's markdown from what DVC and git said."""
    figures = (
        "\n".join(f"- `{figure}`" for figure in changed_figures) if changed_figures else "No figure changed."
    )
    return "\n".join([
        MARKER,
        f"## Ames price tiers: this pull request against `{base}`",
        "",
        "### Params (`dvc params diff`)",
        "",
        _table_or(params_md, "No param changed."),
        "",
        "### Metrics (`dvc metrics diff`)",
        "",
        _table_or(metrics_md, "No metric changed."),
        "",
        "### Figures redrawn",
        "",
        figures,
        "",
        "The report (`plots/report.html`) and the `dvc plots diff` page are this run's artifacts.",
        "",
    ])  # fmt: skip


def _run(*command: str) -> str:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise UserError(f"{' '.join(command)} failed: {last}")
    return result.stdout


def changed_figures(base: str) -> list[str]:
    names = _run("git", "diff", "--name-only", base, "--", *map(str, FIGURE_DIRS)).splitlines()
    return sorted(name for name in names if name.endswith(".png"))


def main(args) -> None:
    _run("git", "rev-parse", "--verify", "--quiet", f"{args.base}^{{commit}}")  # a clear error first
    text = report(
        args.base,
        _run("dvc", "params", "diff", args.base, "--md"),
        _run("dvc", "metrics", "diff", args.base, "--md"),
        changed_figures(args.base),
    )
    emit(text, args.output)


def emit(text: str, output: Path | None) -> None:
    """To standard output (no --output, or -), or to the file (ames_tiers.core.files decides
    what may be written: /dev/stdout, a pipe, is refused there; `-` is the stream)."""
    if output is None or str(output) == "-":
        sys.stdout.write(text)
    else:
        write_text(output, text)


def parser():
    p = cli_parser(__doc__, "tools.pr_report")
    p.add_argument("--base", required=True, help="the base branch's revision, e.g. origin/main")
    p.add_argument("--output", type=Path, help="write the markdown to this file (default, or -: stdout)")
    return p


if __name__ == "__main__":
    run_cli(parser(), main)
