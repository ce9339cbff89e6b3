"""ames_tiers/core/files.py: writes are atomic, JSON is strict, OS errors are one line."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from ames_tiers.core import files
from ames_tiers.core.errors import UserError
from ames_tiers.core.files import to_json, write_text
from ames_tiers.models.schema import EPOCHS_MAX, MLP_HIDDEN_MAX

from ..conftest import REPO
from ..mini_pipeline import write_params


def test_json_is_strict_sorted_and_refuses_nan():
    assert to_json({"b": 1.0, "a": [1, 2]}) == '{\n  "a": [\n    1,\n    2\n  ],\n  "b": 1.0\n}\n'
    with pytest.raises(ValueError):
        to_json({"loss": float("nan")})


def test_a_full_disk_is_one_user_error_naming_the_file_and_leaves_nothing(tmp_path, monkeypatch):
    def full(src, dst):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "replace", full)
    target = tmp_path / "metrics" / "mlp.json"
    with pytest.raises(UserError, match=r"cannot write .*metrics/mlp.json: No space left on device"):
        write_text(target, "{}")
    assert list(target.parent.iterdir()) == []  # neither the file nor a temporary one


def test_an_existing_file_survives_a_failed_write(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("the previous report")
    monkeypatch.setattr(files.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.EIO, "I/O error")))
    with pytest.raises(UserError, match="I/O error"):
        write_text(target, "half")
    assert target.read_text() == "the previous report" and [p.name for p in tmp_path.iterdir()] == [
        "report.html"
    ]


def test_ctrl_c_is_one_line_and_leaves_no_output(mini_prepared, tmp_path):
    tmp_path = shutil.copytree(mini_prepared, tmp_path / "run")
    write_params(
        tmp_path, {"models.mlp": {"hidden": MLP_HIDDEN_MAX, "epochs": EPOCHS_MAX}}
    )  # minutes: interrupted
    process = subprocess.Popen(
        [sys.executable, "-m", "stages.train", "mlp"], cwd=tmp_path, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    first_line = process.stderr.readline()
    assert first_line.startswith("train@mlp: training: "), first_line
    time.sleep(0.5)  # into the epochs
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.strip().splitlines() == ["train@mlp: error: interrupted; nothing was written"]
    assert not (tmp_path / "models" / "mlp.json").exists()
