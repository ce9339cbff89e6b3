"""Predict the price tier of houses with a trained model.

Usage:  python -m tools.predict MODEL --longitude -93.63 --latitude 42.03
        python -m tools.predict MODEL --csv houses.csv      (one prediction per row)
Reads:  models/<MODEL>.json (run `dvc repro` or `dvc pull` first),
        data/prepared/standardization.json (how raw longitude/latitude become model inputs)
        and params.yaml's `prepare.n_classes` (the tiers there are).
Prints: a CSV: the inputs, then the predicted tier (tiers are by sale price: 0 the cheapest,
        the last the most expensive; stderr says so) and, for a classifier, each tier's
        probability; for a regression, its real-valued output (the notebook rounds it; here
        the rounded value is also clipped to the tiers, so a tier is always a real one).
Refuses, with one line and nothing printed on stdout: a house more than 5 standard
        deviations from the training houses' mean in any feature (the models know Ames, not
        Iowa: with the committed data, about 11 km east or west and 10 km north or south), a model file
        that is not what `train` writes or does not fit the prepared data and params.yaml, and
        a CSV that is not UTF-8 text with a header naming each feature once and one value per
        column on every row (Excel's "CSV UTF-8", with its byte-order mark, is fine).
"""

from __future__ import annotations

import csv
import itertools
import logging
import math
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from ames_tiers.core import paths
from ames_tiers.core.cli import cli_parser, run_cli
from ames_tiers.core.dataset import Standardization, read_standardization
from ames_tiers.core.errors import UserError
from ames_tiers.core.files import first_non_utf8, read_json
from ames_tiers.core.params import load_params
from ames_tiers.models.layers import Layers, fits, forward, layers_from_json, predict, probabilities
from ames_tiers.models.registry import MODELS

MAX_STANDARD_DEVIATIONS = 5.0  # the training houses lie within 2.7 of the mean in each feature
log = logging.getLogger(__name__)


def predictions(
    kind: str, layers: Layers, stats, raw: np.ndarray, n_classes: int
) -> tuple[list[str], list[list]]:
    """Header and rows: each house's tier, and its probabilities or regression output."""
    outputs = forward(layers, stats.apply(raw))
    try:
        tiers = predict(kind, outputs, n_classes)
    except ValueError as err:
        raise UserError(str(err)) from None
    if kind == "regression":
        return ["tier", "output"], [[int(t), float(o)] for t, o in zip(tiers, outputs[:, 0], strict=True)]
    chances = probabilities(outputs)
    header = ["tier", *(f"p_tier_{k}" for k in range(chances.shape[1]))]
    return header, [[int(t), *map(float, p)] for t, p in zip(tiers, chances, strict=True)]


Where = Callable[[int, str], str]  # how an error names house i's value of a feature


def out_of_range(stats: Standardization, raw: np.ndarray, where: Where) -> str | None:
    """Why the first house too far from the training houses cannot be answered, or None."""
    z = np.abs(stats.apply(raw))
    far = np.argwhere(z > MAX_STANDARD_DEVIATIONS)
    if len(far) == 0:
        return None
    row, column = far[0]
    mean, std = stats.mean[column], stats.std[column]
    low, high = mean - MAX_STANDARD_DEVIATIONS * std, mean + MAX_STANDARD_DEVIATIONS * std
    return (
        f"{where(row, stats.features[column])} = {raw[row, column]:g} is "
        f"{z[row, column]:.3g} standard deviations from the training houses' mean; the model "
        f"answers between {low:.4f} and {high:.4f} (within {MAX_STANDARD_DEVIATIONS:g})"
    )


# a number as a person writes it: plain decimal or scientific notation, a leading minus sign, and
# nothing else (Python's float() would also take 1_000, "nan", "inf" and other scripts' digits)
NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", re.ASCII)
CHUNK_ROWS = 10_000  # houses predicted at once: memory is one chunk's, whatever the file's size


def _number(text: str, where: str) -> float:
    """The value of a number written plainly, or one line naming where it is."""
    shown = text if len(text) <= 30 else text[:27] + "..."
    if not NUMBER.fullmatch(text.strip(" ")):
        raise UserError(f"{where} = {shown!r} is not a number (write it as -93.63 or -9.363e1)")
    value = float(text)
    if not math.isfinite(value):
        raise UserError(f"{where} = {shown!r} is not a finite number")
    return value


def not_utf8(path: Path) -> UserError:
    with open(path, "rb") as binary:
        return UserError(f"{path}: not UTF-8 text (byte {first_non_utf8(binary)}); save it as CSV UTF-8")


House = tuple[int, list[float]]  # a house's line in the file, its features


def houses_from_csv(path: Path, features: tuple[str, ...]) -> Iterator[House]:
    """Each house of the CSV, one at a time (a million rows need no more memory than one)."""
    try:
        # strict UTF-8 (utf-8-sig: Excel's byte-order mark is not a column); newline="": the csv
        # module's own reading of \n, \r\n and \r, and of line breaks inside quotes
        text = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed as the generator ends)
    except FileNotFoundError:
        raise UserError(f"{path}: not found") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, not a CSV file") from None
    with text:
        reader = csv.reader(text)
        try:
            header = [name.strip() for name in next(reader)]
        except StopIteration:
            raise UserError(f"{path}: empty; it needs a header line naming {', '.join(features)}") from None
        except csv.Error as err:
            raise UserError(f"{path}: not a CSV file ({err})") from None
        except UnicodeDecodeError:
            raise not_utf8(path) from None
        for feature in features:
            if feature not in header:
                raise UserError(
                    f"{path}: column {feature!r} is missing (the model reads {', '.join(features)})"
                )
            if header.count(feature) > 1:
                raise UserError(f"{path}: column {feature!r} appears {header.count(feature)} times")
        columns = [header.index(f) for f in features]
        found = False
        try:
            for row in reader:
                if not row:
                    continue  # a blank line is no house
                line = reader.line_num
                if len(row) != len(header):
                    raise UserError(
                        f"{path}: line {line} has {len(row)} fields, the header has {len(header)}"
                    )
                found = True
                yield line, [_number(row[c], f"{path}: line {line}, {header[c]}") for c in columns]
        except csv.Error as err:
            raise UserError(f"{path}: line {reader.line_num} is not CSV ({err})") from None
        except UnicodeDecodeError:
            raise not_utf8(path) from None
        if not found:
            raise UserError(f"{path}: no rows")


def houses_from_args(args, features: tuple[str, ...]) -> Iterator[House]:
    values = []
    for feature in features:
        given = getattr(args, feature.lower())
        if given is None:
            raise UserError(f"--{feature.lower()} is missing (the model reads {', '.join(features)})")
        values.append(_number(given, f"--{feature.lower()}"))
    yield 0, values


def chunks(houses: Iterator[House]) -> Iterator[tuple[list[int], np.ndarray]]:
    """The houses CHUNK_ROWS at a time: their lines, and their features as an array."""
    while batch := list(itertools.islice(houses, CHUNK_ROWS)):
        yield [line for line, _ in batch], np.array([values for _, values in batch], dtype=np.float64)


def read_model(name: str, kind: str, stats: Standardization, n_classes: int) -> Layers:
    """The model's layers, checked against the prepared data and params.yaml before use."""
    path = paths.model_file(name)
    if not path.exists():
        raise UserError(f"{path}: not found; run `dvc repro` (or `dvc pull`)")
    try:
        layers = layers_from_json(read_json(path))
    except ValueError as err:
        raise UserError(f"{path}: not a model file as `train` writes it: {err}; run `dvc repro`") from None
    mismatch = fits(kind, layers, len(stats.features), n_classes)
    if mismatch:
        raise UserError(f"{path} {mismatch}: it was trained on other params; run `dvc repro`")
    return layers


def main(args) -> None:
    spec = MODELS[args.model]
    if args.csv and (args.longitude is not None or args.latitude is not None):
        raise UserError("give either --csv or --longitude/--latitude, not both")
    n_classes = load_params().prepare.n_classes
    stats = read_standardization(paths.STANDARDIZATION)
    layers = read_model(spec.name, spec.kind, stats, n_classes)
    houses = houses_from_csv(args.csv, stats.features) if args.csv else houses_from_args(args, stats.features)
    # The rows go to a temporary file first: a bad row anywhere prints nothing on stdout.
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        for i, (lines, raw) in enumerate(chunks(houses)):
            where = (
                (lambda row, f, lines=lines: f"{args.csv}: line {lines[row]}, {f}")
                if args.csv
                else (lambda row, f: f"--{f.lower()}")
            )
            problem = out_of_range(stats, raw, where)
            if problem:
                raise UserError(problem)
            header, rows = predictions(spec.kind, layers, stats, raw, n_classes)
            if i == 0:
                writer.writerow([*stats.features, *header])
            writer.writerows([*map(float, x), *row] for x, row in zip(raw, rows, strict=True))
        out.seek(0)
        shutil.copyfileobj(out, sys.stdout)
    log.info("tiers by sale price: 0 the cheapest, %d the most expensive", n_classes - 1)


def parser():
    p = cli_parser(__doc__, "tools.predict")
    # argparse would take "-9.363e1" (or "-93.6_3") for an option: its pattern for a negative
    # number has no exponent. A dash then no letter is a value here, which _number then reads.
    p._negative_number_matcher = re.compile(r"^-[^A-Za-z-]")
    p.add_argument("model", choices=list(MODELS), metavar="MODEL", help="one of " + ", ".join(MODELS))
    p.add_argument("--longitude", help="a house's longitude, e.g. -93.63")
    p.add_argument("--latitude", help="a house's latitude, e.g. 42.03")
    p.add_argument("--csv", type=Path, help="a CSV with Longitude and Latitude columns, one house per row")
    return p


if __name__ == "__main__":
    run_cli(parser(), main)
