"""ames_tiers/core/files.py: writes are atomic, JSON is strict, OS errors are one line."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64) | st.text(max_size=40).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_bytes_as_a_document_are_read_or_one_line_never_a_traceback(data):
    """The file-encoding class: any bytes in a JSON document the project reads give a value or
    one UserError line naming the document (and, for bytes that are not UTF-8, the byte)."""
    try:
        value = files.parse_json(files.decoded(data, "metrics/mlp.json"), "metrics/mlp.json")
    except UserError as err:
        assert "\n" not in str(err) and str(err).startswith("metrics/mlp.json: ")
        if "not UTF-8" in str(err):
            with pytest.raises(UnicodeDecodeError) as caught:
                data.decode("utf-8")
            assert f"byte {caught.value.start} " in str(err)
    else:
        assert files.check_depth(value, "x") is value


@pytest.mark.parametrize(
    "content, message",
    [
        (b"seed: " + b"9" * 5000 + b"\n", "params.yaml: a number too long to read (5000 digits)"),
        (b"seed: 42\ndata: \xff\n", "params.yaml: not UTF-8 text (byte 15 is b'\\xff')"),
        (b"seed: " + b"[" * 5000, "params.yaml: nested deeper than 32 levels"),
        (
            "the committed params, seed of 4000 digits",
            "params.yaml: seed = " + "9" * 37 + "... (4000 characters)",
        ),
    ],
    ids=["5000 digits", "not UTF-8", "deep", "4000 digits"],
)
def test_check_params_by_hand_on_a_hostile_params_yaml_is_one_line(tmp_path, content, message):
    if isinstance(content, str):
        from ames_tiers.core.params import read_yaml

        content = json.dumps({**read_yaml(REPO / "params.yaml"), "seed": int("9" * 4000)}).encode()
    (tmp_path / "params.yaml").write_bytes(content)
    result = subprocess.run([sys.executable, "-m", "stages.check_params"], cwd=tmp_path, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(REPO)})  # fmt: skip
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("check_params: error: ") and message in line
