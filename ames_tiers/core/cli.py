"""The command-line edge of every stage and tool: `--help` from the module's docstring, and
every failure a user can fix (bad params, bad data, an OS error, Ctrl-C) as one line,
`<stage>: error: ...`, with a non-zero exit."""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Callable
from typing import NoReturn

from ames_tiers.core.errors import ParamsError, UserError

# the one line every stage and tool fails with (_fail's format), as a log shows it
ERROR_LINE = re.compile(r"^\S+: error: .*$", re.M)


class CLIParser(argparse.ArgumentParser):
    """argparse whose usage errors are one line (a UserError), not usage text and exit 2."""

    def error(self, message: str) -> NoReturn:
        raise UserError(f"{message} (see {self.prog} --help)")


def cli_parser(module_doc: str | None, module: str) -> CLIParser:
    """A parser for `python -m <module>` whose --help prints the module's docstring: what it
    does, what it reads and what it writes."""
    return CLIParser(
        prog=f"python -m {module}",
        description=module_doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def run_cli(
    parser: argparse.ArgumentParser,
    main: Callable[[argparse.Namespace], None],
    label: Callable[[argparse.Namespace], str] | None = None,
) -> None:
    """Parse the arguments and run ``main``. A user error, an OS error (read-only directory,
    full disk) or Ctrl-C becomes one line on stderr, `<label>: error: ...`, and exit 1 (130
    for Ctrl-C); ``label`` names the DVC stage, e.g. train@mlp."""
    prefix = parser.prog.rsplit(".", 1)[-1]  # "python -m stages.prepare" -> "prepare"
    try:
        args = parser.parse_args()
        prefix = label(args) if label else prefix
        logging.basicConfig(
            level=logging.WARNING, format=f"{prefix}: %(message)s", stream=sys.stderr, force=True
        )
        for package in ("__main__", "ames_tiers", "stages", "tools"):  # ours; libraries only from WARNING
            logging.getLogger(package).setLevel(logging.INFO)
        main(args)
    except (UserError, ParamsError) as err:
        _fail(prefix, str(err), 1)
    except OSError as err:
        where = f"{err.filename}: " if err.filename else ""
        _fail(prefix, f"{where}{err.strerror or err}", 1)
    except KeyboardInterrupt:
        _fail(prefix, "interrupted; nothing was written", 130)


def _fail(prefix: str, message: str, code: int) -> NoReturn:
    print(f"{prefix}: error: {message}", file=sys.stderr)
    sys.exit(code)
