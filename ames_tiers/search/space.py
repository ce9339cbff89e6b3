"""What a search explores, as search.yaml declares it: the study's name, the metric to
maximize or minimize, how many trials, and a range for each params.yaml key it changes.
Read and validated once, into typed objects (pure: the tests call these directly)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ames_tiers.core.errors import ParamsError
from ames_tiers.core.params import dotted_keys, parse_params, with_value
from ames_tiers.models.registry import model_params

# an experiment is named <study>-<trial number>: a git ref name, as DVC requires
STUDY_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*(-[A-Za-z0-9_]+)*")
METRIC = re.compile(r"(?P<file>[^:]+\.json):(?P<key>[A-Za-z0-9_.]+)")  # DVC's notation, as in exp show
DIRECTIONS = ("maximize", "minimize")
TRIALS_MAX = 10_000


@dataclass(frozen=True)
class FloatRange:
    low: float
    high: float
    log: bool = False

    def values(self) -> list[Any]:  # what validation tries: the range's ends
        return [self.low, self.high]


@dataclass(frozen=True)
class IntRange:
    low: int
    high: int
    log: bool = False

    def values(self) -> list[Any]:
        return [self.low, self.high]


@dataclass(frozen=True)
class Choice:
    choices: tuple[Any, ...]

    def values(self) -> list[Any]:
        return list(self.choices)


Range = FloatRange | IntRange | Choice


@dataclass(frozen=True)
class Metric:
    file: str  # metrics/mlp.json
    key: str  # valid.accuracy

    def __str__(self) -> str:
        return f"{self.file}:{self.key}"


@dataclass(frozen=True)
class SearchSpec:
    study: str
    metric: Metric
    direction: str
    trials: int
    params: dict[str, Range]  # dotted params.yaml key -> its range, in the file's order


def parse_range(key: str, raw: Any) -> Range:
    where = f"params.{key}"
    if not isinstance(raw, dict):
        raise ParamsError(f"{where} = {raw!r}: must be a mapping, e.g. {{float: [0.01, 1], log: true}}")
    kinds = [k for k in ("float", "int", "choice") if k in raw]
    unknown = set(raw) - {"float", "int", "choice", "log"}
    if len(kinds) != 1 or unknown:
        raise ParamsError(f"{where}: give exactly one of float: [low, high], int: [low, high] or "
                          f"choice: [a, b, ...] (and log: true for a range), not {sorted(raw)}")  # fmt: skip
    kind, value = kinds[0], raw[kinds[0]]
    log = raw.get("log", False)
    if not isinstance(log, bool) or (log and kind == "choice"):
        raise ParamsError(f"{where}: log must be true or false, and only for a float or int range")
    if kind == "choice":
        if not isinstance(value, list) or not value or len(set(map(repr, value))) != len(value):
            raise ParamsError(f"{where}: choice must be a list of different values, not {value!r}")
        return Choice(tuple(value))
    number = int if kind == "int" else (int, float)
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, number) and not isinstance(v, bool) and math.isfinite(v) for v in value)
        or not value[0] < value[1]
        or (log and value[0] <= 0)
    ):
        raise ParamsError(f"{where}: {kind} must be [low, high] with low < high"
                          f"{' (and low > 0 on a log scale)' if log else ''}, not {value!r}")  # fmt: skip
    if kind == "int":
        return IntRange(value[0], value[1], log)
    return FloatRange(float(value[0]), float(value[1]), log)


def parse_search(raw: Any, params_raw: Any) -> SearchSpec:
    """search.yaml's document, checked against params.yaml's (every key it varies exists
    there, and every end of every range is a value the pipeline accepts)."""
    wanted = {"study", "metric", "direction", "trials", "params"}
    if not isinstance(raw, dict) or set(raw) != wanted:
        # what the file holds is never shown: it may be any file (a .env with keys, say)
        missing = sorted(wanted - set(raw)) if isinstance(raw, dict) else sorted(wanted)
        others = len(set(raw) - wanted) if isinstance(raw, dict) else 0
        detail = f"missing {', '.join(missing)}" if missing else ""
        detail += f"{'; ' if detail else ''}{others} other key{'s' * (others != 1)}" if others else ""
        raise ParamsError(f"not a search space: it needs exactly the keys direction, metric, params, study, "
                          f"trials ({detail})")  # fmt: skip
    study, metric, direction, trials = raw["study"], raw["metric"], raw["direction"], raw["trials"]
    if not isinstance(study, str) or not STUDY_NAME.fullmatch(study):
        raise ParamsError(f"study = {study!r}: a name of letters, digits, _ and - (it names the experiments)")
    found = METRIC.fullmatch(metric) if isinstance(metric, str) else None
    if not found:
        raise ParamsError(f"metric = {metric!r}: a metrics file and key: metrics/mlp.json:valid.accuracy")
    if direction not in DIRECTIONS:
        raise ParamsError(f"direction = {direction!r}: must be maximize or minimize")
    if not isinstance(trials, int) or isinstance(trials, bool) or not 1 <= trials <= TRIALS_MAX:
        raise ParamsError(f"trials = {trials!r}: must be an integer from 1 to {TRIALS_MAX}")
    if not isinstance(raw["params"], dict) or not raw["params"]:
        raise ParamsError("params: must map at least one params.yaml key to its range")
    known = dotted_keys(params_raw)
    ranges = {}
    for key, value in raw["params"].items():
        if key not in known:
            raise ParamsError(f"params.{key}: not a key of params.yaml")
        ranges[key] = parse_range(key, value)
        for end in ranges[key].values():
            check_params_with(params_raw, key, end)
    return SearchSpec(study, Metric(found["file"], found["key"]), direction, trials, ranges)


def check_params_with(params_raw: Any, key: str, value: Any) -> None:
    """The pipeline's own validation of params.yaml with one key changed (check_params')."""
    try:
        model_params(parse_params(with_value(params_raw, key, value)))
    except ParamsError as err:
        raise ParamsError(f"params.{key}: {value!r} is outside what the pipeline accepts ({err})") from None


def metric_value(document: Any, metric: Metric) -> float:
    """The metric's number in its parsed metrics file."""
    node = document
    for part in metric.key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ParamsError(f"{metric}: {metric.file} has no {metric.key}")
        node = node[part]
    if not isinstance(node, int | float) or isinstance(node, bool) or not math.isfinite(node):
        raise ParamsError(f"{metric}: {node!r} is not a finite number")
    return float(node)
