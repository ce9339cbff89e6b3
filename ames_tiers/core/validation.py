"""Validation of params.yaml sections into frozen dataclasses.

Each dataclass field declares its check with ``checked(...)``; ``build`` reads one mapping
into the dataclass, and every problem becomes one ParamsError line that names the key, the
value and what is allowed, e.g. ``params.yaml: models.mlp.lr = -0.1: must be a number > 0``.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable
from typing import Any, TypeVar

from ames_tiers.core.errors import ParamsError

T = TypeVar("T")
Check = Callable[[Any], "str | None"]  # None when the value is fine, else what is allowed


SEED_MAX = 2**32 - 1  # np.random.seed accepts [0, 2**32 - 1]; torch.manual_seed more


def checked(check: Check, convert: Callable[[Any], Any] | None = None) -> Any:
    """A dataclass field validated by ``check`` and stored as ``convert(value)``."""
    return dataclasses.field(metadata={"check": check, "convert": convert})


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def int_between(low: int, high: int) -> Check:
    return lambda v: None if _is_int(v) and low <= v <= high else f"must be an integer in [{low}, {high}]"


def number_between(low: float, high: float, *, open_low: bool = False, open_high: bool = False) -> Check:
    lo, hi = "(" if open_low else "[", ")" if open_high else "]"

    def check(v: Any) -> str | None:
        ok = _is_number(v) and (v > low if open_low else v >= low) and (v < high if open_high else v <= high)
        return None if ok else f"must be a number in {lo}{low:g}, {high:g}{hi}"

    return check


def boolean(v: Any) -> str | None:
    return None if isinstance(v, bool) else "must be true or false"


def one_of(choices: tuple[str, ...]) -> Check:
    return lambda v: None if v in choices else f"must be one of {', '.join(choices)}"


def matches(pattern: str, allowed: str) -> Check:
    return lambda v: None if isinstance(v, str) and re.fullmatch(pattern, v) else allowed


def anything(v: Any) -> str | None:
    return None


def mapping(raw: Any, where: str, keys: list[str]) -> dict[str, Any]:
    """``raw`` if it is a mapping with exactly ``keys``, else a ParamsError."""
    if not isinstance(raw, dict):
        raise ParamsError(f"params.yaml: {where} = {shown(raw)}: must be a mapping of {keys}")
    unknown = sorted(set(raw) - set(keys), key=str)
    if unknown:
        raise ParamsError(f"params.yaml: {where}.{unknown[0]}: unknown key; allowed keys are {keys}")
    missing = [k for k in keys if k not in raw]
    if missing:
        raise ParamsError(f"params.yaml: {where}.{missing[0]}: missing")
    return raw


def build(cls: type[T], raw: Any, where: str) -> T:
    """The dataclass ``cls`` from one params.yaml mapping, every field checked."""
    fields = dataclasses.fields(cls)
    raw = mapping(raw, where, [f.name for f in fields])
    values = {}
    for f in fields:
        value = checked_value(f.metadata["check"], raw[f.name], f"{where}.{f.name}")
        convert = f.metadata["convert"]
        values[f.name] = convert(value) if convert else value
    return cls(**values)


def shown(value: Any, width: int = 40) -> str:
    """A value as an error shows it: its repr, cut to ``width`` characters (a 4,000-digit seed
    is one line, not a screenful)."""
    text = repr(value)
    return text if len(text) <= width else f"{text[: width - 3]}... ({len(text)} characters)"


def checked_value(check: Check, value: Any, where: str) -> Any:
    """``value`` if ``check`` accepts it, else a ParamsError naming ``where``."""
    problem = check(value)
    if problem:
        raise ParamsError(f"params.yaml: {where} = {shown(value)}: {problem}")
    return value
