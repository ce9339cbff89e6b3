"""ames_tiers/core/progress.py: a long loop says where it is; a short one says nothing."""

from __future__ import annotations

import io
import logging

from ames_tiers.core.progress import Progress


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_log_gets_a_plain_line_every_ten_seconds_and_a_short_loop_nothing(caplog):
    caplog.set_level(logging.INFO)
    clock = Clock()
    progress = Progress("training", 1000, io.StringIO(), clock)
    for step, now in [(50, 4.0), (100, 9.9), (150, 10.0), (200, 15.0), (250, 20.5)]:
        clock.now = now
        progress.update(step, 0.5)
    progress.close()
    assert caplog.messages == [
        "training: epoch 150 of 1000, loss 0.5",
        "training: epoch 250 of 1000, loss 0.5",
    ]


def test_a_terminal_gets_one_live_line_ended_when_the_loop_ends(caplog):
    clock, stream = Clock(), Terminal()
    progress = Progress("training", 200, stream, clock)
    for step in (50, 100, 150):
        clock.now += 1.0
        progress.update(step, 1 / step)
    progress.close()
    text = stream.getvalue()
    assert text.count("\r") == 3 and text.endswith("loss 0.00666667\033[K\n") and caplog.messages == []
