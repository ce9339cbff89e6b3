"""A trial's guard: it runs one trial's command (`dvc exp run --temp ...`) in a process group of
its own and stops that group, as Ctrl-C would, when told to (SIGTERM or SIGINT from the search)
or when the search itself is gone, however it ended (kill -9 included): no `dvc exp run`
outlives its search.

Usage:  python -m tools.search.guard -- COMMAND ...
Stopping is SIGINT to the group (the stage stops, and DVC removes its temp workspace and its
record of a running experiment), then SIGKILL after STOP_SECONDS. Exits with the command's code.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

STOP_SECONDS = 20  # for DVC to clean up after the stage stopped
POLL_SECONDS = 0.5  # how often it looks whether the search is still there


def stop(child: subprocess.Popen) -> int:
    for sig, wait in ((signal.SIGINT, STOP_SECONDS), (signal.SIGKILL, None)):
        try:
            os.killpg(child.pid, sig)
        except ProcessLookupError:
            break
        try:
            return child.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
    return child.wait()


def main(argv: list[str]) -> int:
    if argv[:1] != ["--"] or len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    search = os.getppid()
    asked = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: asked.append(True))
    child = subprocess.Popen(argv[1:], start_new_session=True)
    while child.poll() is None:
        if asked or os.getppid() != search:  # told to stop, or the search is gone
            return stop(child)
        time.sleep(POLL_SECONDS)
    return child.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
