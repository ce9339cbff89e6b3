"""tools.search's command line (tools/search/__main__.py): a storage that fails after it was
opened, before any trial or after the last, is one line, never a traceback."""

from __future__ import annotations

import sqlite3

import pytest

from ames_tiers.core.errors import UserError
from tools.search import __main__ as command
from tools.search import storage


def test_a_storage_locked_after_it_opened_is_one_line_naming_it(tmp_path, monkeypatch):
    db = tmp_path / "search.db"
    url = f"sqlite:///{db}?timeout=0.1"  # SQLite's wait for a lock, shortened for the test
    opened = storage.open_study

    def open_then_lock(*args):
        study, rdb = opened(*args)
        study.tell(study.ask(), 0.5)  # a finished trial: --show must read the study
        locker = sqlite3.connect(db, timeout=0)
        locker.execute("BEGIN EXCLUSIVE")  # another program holds the study's database
        return study, rdb

    monkeypatch.setattr(storage, "open_study", open_then_lock)
    args = command.parser().parse_args(["--show", "--storage", url])
    with pytest.raises(UserError) as raised:
        command.main(args)
    message = str(raised.value)
    assert message.startswith(f"the study's storage sqlite:///{db}?timeout=0.1 failed (")
    assert message.endswith("no trial was running: run the same command again") and "\n" not in message
