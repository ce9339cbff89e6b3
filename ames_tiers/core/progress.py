"""Where a long loop is, on stderr, so that a slow run can be told from a hung one: on a
terminal a live line (redrawn at most every second), in a log (DVC's queue, CI) a plain line
every PLAIN_EVERY_SECONDS. A loop that ends within its first second prints nothing, so short
runs read as before. Nothing here touches an output file."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import TextIO

LIVE_EVERY_SECONDS = 1.0
PLAIN_EVERY_SECONDS = 10.0

log = logging.getLogger(__name__)


class Progress:
    def __init__(
        self,
        what: str,
        total: int,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.what, self.total, self.clock = what, total, clock
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.every = LIVE_EVERY_SECONDS if self.live else PLAIN_EVERY_SECONDS
        self.last = clock()  # the first line comes one interval after the start
        self.drawn = False

    def update(self, done: int, loss: float) -> None:
        """``done`` of ``total`` steps, the latest loss; shown if an interval has passed."""
        now = self.clock()
        if now - self.last < self.every:
            return
        self.last = now
        text = f"{self.what}: epoch {done} of {self.total}, loss {loss:.6g}"
        if self.live:
            self.stream.write(f"\r{_prefixed(text)}\033[K")
            self.stream.flush()
            self.drawn = True
        else:
            log.info("%s", text)

    def close(self) -> None:
        """End the live line, so that what follows starts on a line of its own."""
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False


def _prefixed(text: str) -> str:
    """The text as the stage's log lines show it (`train@mlp: ...`, core.cli's format)."""
    handlers = logging.getLogger().handlers
    if not handlers:
        return text
    return handlers[0].format(logging.LogRecord(__name__, logging.INFO, "", 0, text, None, None))
