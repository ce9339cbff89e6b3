"""params.yaml, read and validated once into typed, frozen objects.

Every user error becomes one ParamsError line naming the key, the value and what is allowed,
e.g. ``params.yaml: models.mlp.lr = -0.1: must be a number > 0``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from stages import paths


class ParamsError(ValueError):
    """A user error in params.yaml; the message is one line and says what is allowed."""


FEATURE_COLUMNS: tuple[str, ...] = ("Longitude", "Latitude")
STANDARDIZE_ON = ("all", "train")


@dataclass(frozen=True)
class DataParams:
    url: str
    sha256: str
    timeout_seconds: float
    retries: int


@dataclass(frozen=True)
class PrepareParams:
    n_classes: int
    features: tuple[str, ...]
    test_size: float
    split_seed: int
    standardize_on: str  # "all" rows, as the notebook does, or "train" rows only


@dataclass(frozen=True)
class ScipyModelParams:
    """The two NumPy models: the notebook's random initialisation, then scipy.optimize.minimize."""

    init_seed: int
    # False (the notebook): scipy estimates the gradient by finite differences;
    # True: the exact gradient is passed with jac=True (faster, same optimum to ~1e-6)
    analytic_gradient: bool


@dataclass(frozen=True)
class TorchModelParams:
    """Full-batch SGD, as the notebook trains its PyTorch models."""

    lr: float
    epochs: int


@dataclass(frozen=True)
class MLPParams:
    hidden: int
    lr: float
    epochs: int


@dataclass(frozen=True)
class ParityParams:
    """The parity stage: every model against a reference implementation."""

    lbfgs_max_iter: int  # torch softmax regression trained to convergence, inside parity only
    linear_regression: float  # max |diff| of weights, bias, validation predictions
    probabilities: float  # max |diff| of softmax regression validation probabilities
    prediction_mismatches: int  # validation predictions allowed to differ (near-ties)
    centred_weights: float  # max |diff| of softmax weights, centred over classes
    mlp_loss: float  # max |diff| of the float64 MLP's per-epoch training loss vs sklearn


@dataclass(frozen=True)
class CIParams:
    accuracy_floors: dict[str, float]  # per model: minimum validation accuracy
    metrics_tolerance: float  # largest allowed |reproduced - committed| of any metric


@dataclass(frozen=True)
class Params:
    seed: int
    data: DataParams
    prepare: PrepareParams
    models: dict[str, ScipyModelParams | TorchModelParams | MLPParams]
    parity: ParityParams
    ci: CIParams


# --- small checkers: each returns None when the value is fine, else what is allowed ---------

Check = Callable[[Any], "str | None"]


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def int_at_least(low: int) -> Check:
    return lambda v: None if _is_int(v) and v >= low else f"must be an integer >= {low}"


def number_above(low: float) -> Check:
    return lambda v: None if _is_number(v) and v > low else f"must be a number > {low}"


def number_between_open(low: float, high: float) -> Check:
    return lambda v: (
        None if _is_number(v) and low < v < high else f"must be a number in ({low}, {high})"
    )


def number_between_closed(low: float, high: float) -> Check:
    return lambda v: (
        None if _is_number(v) and low <= v <= high else f"must be a number in [{low}, {high}]"
    )


def one_of(choices: tuple[str, ...]) -> Check:
    return lambda v: None if v in choices else f"must be one of {', '.join(choices)}"


def _check_sha256(v: Any) -> str | None:
    ok = isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v)
    return None if ok else "must be 64 lowercase hex digits"


def _check_url(v: Any) -> str | None:
    ok = isinstance(v, str) and re.fullmatch(r"(https?|file)://\S+", v)
    return None if ok else "must be an http://, https:// or file:// URL"


def _check_features(v: Any) -> str | None:
    ok = (
        isinstance(v, list)
        and len(v) > 0
        and all(f in FEATURE_COLUMNS for f in v)
        and len(set(v)) == len(v)
    )
    return None if ok else f"must be a non-empty list of distinct names from {list(FEATURE_COLUMNS)}"


# --- the schema: section -> key -> check ------------------------------------------------------

DATA_SCHEMA: dict[str, Check] = {
    "url": _check_url,
    "sha256": _check_sha256,
    "timeout_seconds": number_above(0),
    "retries": int_at_least(0),
}
PREPARE_SCHEMA: dict[str, Check] = {
    "n_classes": int_at_least(2),
    "features": _check_features,
    "test_size": number_between_open(0, 1),
    "split_seed": int_at_least(0),
    "standardize_on": one_of(STANDARDIZE_ON),
}
def _check_bool(v: Any) -> str | None:
    return None if isinstance(v, bool) else "must be true or false"


SCIPY_SCHEMA: dict[str, Check] = {"init_seed": int_at_least(0), "analytic_gradient": _check_bool}
TORCH_SCHEMA: dict[str, Check] = {"lr": number_above(0), "epochs": int_at_least(1)}
MLP_SCHEMA: dict[str, Check] = {"hidden": int_at_least(1), **TORCH_SCHEMA}

PARITY_SCHEMA: dict[str, Check] = {
    "lbfgs_max_iter": int_at_least(1),
    "linear_regression": number_above(0),
    "probabilities": number_above(0),
    "prediction_mismatches": int_at_least(0),
    "centred_weights": number_above(0),
    "mlp_loss": number_above(0),
}

MODEL_SCHEMAS: dict[str, tuple[dict[str, Check], type]] = {
    "linreg_numpy": (SCIPY_SCHEMA, ScipyModelParams),
    "linreg_torch": (TORCH_SCHEMA, TorchModelParams),
    "logreg_numpy": (SCIPY_SCHEMA, ScipyModelParams),
    "logreg_torch": (TORCH_SCHEMA, TorchModelParams),
    "mlp": (MLP_SCHEMA, MLPParams),
}
assert tuple(MODEL_SCHEMAS) == paths.MODEL_NAMES

def _section(raw: Any, where: str, schema: dict[str, Check]) -> dict[str, Any]:
    """Check one mapping against its schema: no missing, unknown or out-of-range keys."""
    if not isinstance(raw, dict):
        raise ParamsError(f"params.yaml: {where} = {raw!r}: must be a mapping of {list(schema)}")
    unknown = sorted(set(raw) - set(schema))
    if unknown:
        raise ParamsError(
            f"params.yaml: {where}.{unknown[0]}: unknown key; allowed keys are {list(schema)}"
        )
    for key, check in schema.items():
        if key not in raw:
            raise ParamsError(f"params.yaml: {where}.{key}: missing")
        problem = check(raw[key])
        if problem:
            raise ParamsError(f"params.yaml: {where}.{key} = {raw[key]!r}: {problem}")
    return raw


def parse_params(raw: Any) -> Params:
    """Validate the parsed YAML document and build the typed Params (pure; used by tests)."""
    top = _section(
        raw,
        "(top level)",
        {
            "seed": int_at_least(0),
            "data": lambda v: None,
            "prepare": lambda v: None,
            "models": lambda v: None,
            "parity": lambda v: None,
            "ci": lambda v: None,
        },
    )
    data = _section(top["data"], "data", DATA_SCHEMA)
    prepare = _section(top["prepare"], "prepare", PREPARE_SCHEMA)
    models_raw = _section(top["models"], "models", {name: lambda v: None for name in MODEL_SCHEMAS})
    models = {}
    for name, (schema, cls) in MODEL_SCHEMAS.items():
        models[name] = cls(**_section(models_raw[name], f"models.{name}", schema))
    parity = _section(top["parity"], "parity", PARITY_SCHEMA)
    ci = _section(
        top["ci"],
        "ci",
        {"accuracy_floors": lambda v: None, "metrics_tolerance": number_between_closed(0, 1)},
    )
    floors = _section(
        ci["accuracy_floors"],
        "ci.accuracy_floors",
        {name: number_between_closed(0, 1) for name in MODEL_SCHEMAS},
    )
    return Params(
        seed=top["seed"],
        data=DataParams(
            url=data["url"],
            sha256=data["sha256"],
            timeout_seconds=float(data["timeout_seconds"]),
            retries=data["retries"],
        ),
        prepare=PrepareParams(
            n_classes=prepare["n_classes"],
            features=tuple(prepare["features"]),
            test_size=float(prepare["test_size"]),
            split_seed=prepare["split_seed"],
            standardize_on=prepare["standardize_on"],
        ),
        models=models,
        parity=ParityParams(
            lbfgs_max_iter=parity["lbfgs_max_iter"],
            linear_regression=float(parity["linear_regression"]),
            probabilities=float(parity["probabilities"]),
            prediction_mismatches=parity["prediction_mismatches"],
            centred_weights=float(parity["centred_weights"]),
            mlp_loss=float(parity["mlp_loss"]),
        ),
        ci=CIParams(
            accuracy_floors={name: float(v) for name, v in floors.items()},
            metrics_tolerance=float(ci["metrics_tolerance"]),
        ),
    )


def load_params(path: Path = paths.PARAMS) -> Params:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParamsError(f"{path}: not found; run from the repository root") from None
    try:
        raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise ParamsError(f"{path}: not valid YAML{where}: {getattr(err, 'problem', err)}") from None
    return parse_params(raw)
