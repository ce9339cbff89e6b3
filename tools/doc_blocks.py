"""Print a command block of the docs, as a user pastes it: the bash block between
`<!-- NAME:start -->` and `<!-- NAME:end -->` in a Markdown file.

Usage:  python3 -m tools.doc_blocks FILE NAME [--this-machine]
With --this-machine, where PyTorch's page of wheels cannot be reached (a machine with only the
package registries, as this project's CI machine), pip's configured find-links directory
stands in for it: the same CPU wheel, checked against the lock's hash. Standard library only
(as are the ames_tiers.core and tools.lock parts it uses): .ci/run reads the README's set-up
block with it before anything is installed.
"""

from __future__ import annotations

import logging
import re
import socket
import subprocess
import sys
from pathlib import Path

from ames_tiers.core.cli import cli_parser, run_cli
from ames_tiers.core.errors import UserError
from tools.lock import TORCH_WHEELS

log = logging.getLogger(__name__)


def doc_block(path: Path, name: str) -> list[str]:
    """The block's lines: its commands (without their trailing `  # ...` comments) and its
    whole-line comments ("# machine A: ...")."""
    text = path.read_text(encoding="utf-8")
    block = re.search(
        rf"<!-- {re.escape(name)}:start -->\n```bash\n(.*?)```\n<!-- {re.escape(name)}:end -->", text, re.S
    )
    if not block:
        raise LookupError(f"{path.name} has no <!-- {name}:start/end --> bash block")
    return [
        line if line.startswith("#") else line.split("  #")[0].rstrip()
        for line in block.group(1).splitlines()
    ]


def for_this_machine(lines: list[str]) -> list[str]:
    """The lines, with pip's find-links directory for PyTorch's page where that host does not
    resolve here (and pip has one configured); else unchanged."""
    try:
        socket.getaddrinfo("download.pytorch.org", 443)
        return lines
    except OSError:
        pass
    links = subprocess.run(
        [sys.executable, "-m", "pip", "config", "get", "global.find-links"], capture_output=True, text=True
    ).stdout.strip()
    if not links:
        return lines
    log.info("PyTorch's page of wheels is not reachable: torch's CPU wheel from %s (pip's find-links)", links)
    return [line.replace(TORCH_WHEELS, links) for line in lines]


def main(args) -> None:
    try:
        lines = doc_block(args.file, args.name)
    except LookupError as err:
        raise UserError(str(err)) from None
    except UnicodeDecodeError as err:
        raise UserError(f"{args.file}: not UTF-8 at byte {err.start}") from None
    print("\n".join(for_this_machine(lines) if args.this_machine else lines))


if __name__ == "__main__":
    parser = cli_parser(__doc__, "tools.doc_blocks")
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument("name", metavar="NAME")
    parser.add_argument(
        "--this-machine", action="store_true", help="PyTorch's page as this machine reaches it"
    )
    run_cli(parser, main)
