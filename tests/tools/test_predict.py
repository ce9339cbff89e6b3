"""tools/predict.py: any trained model, one house or a CSV of them, one-line errors."""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import logging
import math
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ames_tiers.core import paths
from ames_tiers.core.cli import run_cli
from ames_tiers.core.errors import UserError
from ames_tiers.models.registry import MODELS
from ames_tiers.prepare import split_indices
from tools import predict as predict_tool
from tools.predict import _number, houses_from_csv

from ..conftest import REPO
from ..mini_pipeline import run_pipeline


@pytest.fixture(scope="module")
def trained(tmp_path_factory, mirror):
    monkeypatch = pytest.MonkeyPatch()
    root = run_pipeline(tmp_path_factory.mktemp("predict"), {}, monkeypatch, raw=mirror)
    monkeypatch.undo()
    return root, mirror


def predict_process(root, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "tools.predict", *args]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)


def predict(root, *args) -> subprocess.CompletedProcess:
    """`python -m tools.predict ARGS` in ``root``, run in this process through the same
    run_cli (its one-line errors and exit codes): a process per case would spend half a
    second importing each time. test_one_house_from_the_command_line runs the real command."""
    out, err, here, argv = io.StringIO(), io.StringIO(), os.getcwd(), sys.argv
    code = 0
    try:
        os.chdir(root)
        sys.argv = ["tools.predict", *map(str, args)]
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            run_cli(predict_tool.parser(), predict_tool.main)
    except SystemExit as exit:
        code = exit.code
    finally:
        os.chdir(here)
        sys.argv = argv
        logging.getLogger().handlers.clear()  # run_cli's handler wrote to ``err``
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


@pytest.mark.parametrize("model", list(MODELS))
def test_predictions_on_the_validation_houses_equal_the_stages(trained, model, tmp_path):
    root, mirror = trained
    frame = pd.read_csv(io.BytesIO(gzip.decompress(mirror.read_bytes())))
    _, valid = split_indices(len(frame), 0.2, 42)  # the committed prepare params
    houses = tmp_path / "valid.csv"
    frame.iloc[valid][["Longitude", "Latitude"]].to_csv(houses, index=False)
    result = predict(root, model, "--csv", str(houses))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    stage = np.loadtxt(root / paths.predictions_file(model), delimiter=",", skiprows=1, dtype=int)
    assert [int(r["tier"]) for r in rows] == stage[:, 1].tolist()
    if MODELS[model].kind == "classification":
        p = np.array([[float(r[f"p_tier_{k}"]) for k in range(3)] for r in rows])
        np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-12)


def test_one_house_from_the_command_line(trained):
    root, _ = trained
    result = predict_process(root, "mlp", "--longitude", "-93.63", "--latitude", "42.03")
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.strip().splitlines()
    assert header == "Longitude,Latitude,tier,p_tier_0,p_tier_1,p_tier_2"
    assert row.startswith("-93.63,42.03,")
    assert result.stderr == "predict: tiers by sale price: 0 the cheapest, 2 the most expensive\n"


@pytest.mark.parametrize(
    "args, message",
    [
        (["mlp", "--longitude", "east", "--latitude", "42"], "--longitude = 'east' is not a number"),
        (["mlp", "--longitude", "nan", "--latitude", "42"], "--longitude = 'nan' is not a number"),
        (["mlp", "--longitude", "-93.6_3", "--latitude", "42"], "--longitude = '-93.6_3' is not a number"),
        (["mlp", "--longitude", "-９３.６", "--latitude", "42"], "--longitude = '-９３.６' is not a number"),
        (["mlp", "--longitude", "1e999", "--latitude", "42"], "--longitude = '1e999' is not a finite number"),
        (["mlp", "--latitude", "42"], "--longitude is missing (the model reads Longitude, Latitude)"),
        (["svm", "--latitude", "42"], "argument MODEL: invalid choice: 'svm'"),
    ],
)
def test_bad_input_is_one_line(trained, args, message):
    root, _ = trained
    result = predict(root, *args)
    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert message in line


def test_a_csv_without_the_columns_is_one_line(trained, tmp_path):
    root, _ = trained
    houses = tmp_path / "houses.csv"
    houses.write_text("Longitude,Lat\n-93.6,42\n")
    (line,) = predict(root, "mlp", "--csv", str(houses)).stderr.strip().splitlines()
    assert line.endswith("houses.csv: column 'Latitude' is missing (the model reads Longitude, Latitude)")
    houses.write_text("Longitude,Latitude\n-93.6,north\n")
    (line,) = predict(root, "mlp", "--csv", str(houses)).stderr.strip().splitlines()
    assert "houses.csv: line 2, Latitude = 'north' is not a number" in line


@pytest.fixture
def workspace(trained, tmp_path):
    """A copy of the trained workspace whose model files a test may break."""
    copy = tmp_path / "workspace"
    shutil.copytree(trained[0], copy)
    return copy


def test_a_model_not_trained_yet_is_one_line(workspace):
    (workspace / "models" / "mlp.json").unlink()
    result = predict(workspace, "mlp", "--longitude", "-93.6", "--latitude", "42")
    (line,) = result.stderr.strip().splitlines()
    assert line == "predict: error: models/mlp.json: not found; run `dvc repro` (or `dvc pull`)"


@pytest.mark.parametrize("model", ["linreg_numpy", "linreg_torch", "mlp"])
@pytest.mark.parametrize(
    "longitude, latitude, message",
    [
        ("-93.62", "41.59", "--latitude = 41.59 is 24.1 standard deviations"),  # Des Moines, not Ames
        ("93.63", "42.03", "--longitude = 93.63 is 7.29e+03 standard deviations"),  # the minus forgotten
        ("1e30", "42.03", "--longitude = 1e+30 is "),
    ],
)
def test_a_house_far_from_ames_is_refused_in_one_line_not_given_an_impossible_tier(
    trained, model, longitude, latitude, message
):
    root, _ = trained
    result = predict(root, model, "--longitude", longitude, "--latitude", latitude)
    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert message in line and "the model answers between" in line


def houses_csv(tmp_path, data: bytes):
    houses = tmp_path / "houses.csv"
    houses.write_bytes(data)
    return houses


def test_excels_csv_utf8_with_its_byte_order_mark_gives_the_same_answers(trained, tmp_path):
    root, _ = trained
    plain = predict(root, "mlp", "--csv", str(houses_csv(tmp_path, b"Longitude,Latitude\n-93.63,42.03\n")))
    marked = predict(
        root, "mlp", "--csv", str(houses_csv(tmp_path, b"\xef\xbb\xbfLongitude,Latitude\r\n-93.63,42.03\r\n"))
    )
    assert plain.returncode == marked.returncode == 0, marked.stderr
    assert marked.stdout == plain.stdout


@pytest.mark.parametrize(
    "data, message",
    [
        (b"Longitude,Latitude\n-93.63\n", "line 2 has 1 fields, the header has 2"),
        (b"Longitude,Latitude\n-93.63,42.03,7\n", "line 2 has 3 fields, the header has 2"),
        (b"Longitude,Latitude,Longitude\n-93.63,42.03,-93.6\n", "column 'Longitude' appears 2 times"),
        (
            "Longitude,Latitude,Café\n-93.63,42.03,x\n".encode("latin-1"),
            "not UTF-8 text (byte 22); save it as CSV UTF-8",
        ),
        (b"", "empty; it needs a header line naming Longitude, Latitude"),
        (b"Longitude,Latitude\n\n\n", "no rows"),
        (
            b"Longitude,Latitude\n-93.63,42.03\n-93.63,44\n",
            "line 3, Latitude = 44 is 107 standard deviations",
        ),
    ],
)
def test_a_csv_that_cannot_be_read_is_one_line_naming_what_is_wrong(trained, tmp_path, data, message):
    root, _ = trained
    result = predict(root, "mlp", "--csv", str(houses_csv(tmp_path, data)))
    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert message in line


def test_csv_and_one_house_together_is_one_line(trained, tmp_path):
    root, _ = trained
    houses = houses_csv(tmp_path, b"Longitude,Latitude\n-93.63,42.03\n")
    result = predict(root, "mlp", "--csv", str(houses), "--longitude", "-93.63")
    (line,) = result.stderr.strip().splitlines()
    assert result.returncode == 1 and line.endswith("give either --csv or --longitude/--latitude, not both")


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "models/mlp.json: not valid JSON"),
        ('{"layers": [{"weights": [[1.0', "models/mlp.json: not valid JSON"),
        ('{"kind": "classification"}', "models/mlp.json: not a model file as `train` writes it: has no list"),
        ('{"layers": [{"weights": [["x"]], "bias": [0]}]}', "must be arrays of numbers"),
        (
            '{"layers": [{"weights": [[NaN, 1, 1], [1, 1, 1]], "bias": [0, 0, 0]}]}',
            "not valid JSON (NaN is not JSON)",
        ),
        (
            '{"layers": [{"weights": [[1, 1, 1]], "bias": [0, 0, 0]}]}',
            "takes 1 features, the prepared data has 2",
        ),
        (
            '{"layers": [{"weights": [[1, 1], [1, 1]], "bias": [0, 0]}]}',
            "gives 2 outputs, params.yaml has 3 tiers",
        ),
    ],
)
def test_a_model_file_that_is_not_what_train_writes_is_one_line(workspace, content, message):
    (workspace / "models" / "mlp.json").write_text(content)
    result = predict(workspace, "mlp", "--longitude", "-93.63", "--latitude", "42.03")
    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert message in line


def test_a_model_trained_before_the_features_changed_is_refused(workspace):
    """`features: [Longitude]` and `dvc repro prepare`: the MLP on disk still reads two."""
    standardization = workspace / paths.STANDARDIZATION
    document = json.loads(standardization.read_text())
    standardization.write_text(
        json.dumps({**document, "features": ["Longitude"], "mean": [-93.6], "std": [0.03]})
    )
    result = predict(workspace, "mlp", "--longitude", "-93.63")
    (line,) = result.stderr.strip().splitlines()
    assert line == (
        "predict: error: models/mlp.json takes 2 features, the prepared data has 1: "
        "it was trained on other params; run `dvc repro`"
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.lists(
            st.one_of(
                st.sampled_from(["Longitude", "Latitude", "-93.63", "42.03", "", "nan", "1e400", '"', "a,b"]),
                st.text(max_size=8),
            ),
            max_size=4,
        ),
        max_size=5,
    ),
    st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_any_csv_gives_houses_or_one_user_error_never_a_traceback(tmp_path, rows, encoding, newline):
    text = newline.join(",".join(row) for row in rows)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    houses = tmp_path / "generated.csv"
    houses.write_bytes(data)
    try:
        read = list(houses_from_csv(houses, ("Longitude", "Latitude")))
    except UserError as err:
        assert "\n" not in str(err) and str(err).startswith(str(houses))
    else:
        lines = [line for line, _ in read]
        assert read and lines == sorted(set(lines)) and lines[0] >= 2
        assert all(len(values) == 2 and all(map(math.isfinite, values)) for _, values in read)


def test_a_negative_number_in_scientific_notation_is_an_option_value(trained):
    root, _ = trained
    plain = predict_process(root, "mlp", "--longitude", "-93.63", "--latitude", "42.03")
    scientific = predict_process(root, "mlp", "--longitude", "-9.363e1", "--latitude", "4.203E1")
    assert scientific.returncode == 0, scientific.stderr
    assert scientific.stdout.splitlines()[1].split(",")[2:] == plain.stdout.splitlines()[1].split(",")[2:]


@given(st.text(max_size=12))
def test_a_number_is_read_exactly_when_a_person_would_write_it_so(text):
    person = re.fullmatch(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", text.strip(" "), re.ASCII)
    try:
        value = _number(text, "--longitude")
    except UserError as err:
        assert "\n" not in str(err) and str(err).startswith("--longitude = ")
        assert not person or not math.isfinite(float(text))
    else:
        assert person and value == float(text)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_float_as_python_prints_it_is_read_back(value):
    assert _number(repr(value), "x") == value
