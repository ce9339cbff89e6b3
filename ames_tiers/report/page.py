"""plots/report.html: one self-contained page (figures inlined, no scripts, no requests) that
answers the notebook's questions with this run's numbers. The words and markup are the
template's (report.html.j2 beside this file); this module computes the facts it shows."""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass
from pathlib import Path

import jinja2

from ames_tiers.models.registry import MODELS
from ames_tiers.report.analysis import TwinPair, best_by_valid_accuracy

TEMPLATE = Path(__file__).with_name("report.html.j2")
SHOWN_PARAMS = ("seed", "prepare.", "models.")  # what a run is (data and parity are in params.yaml)
VALUES_AGREE = 1e-3  # a twin pair's weights closer than this: "the values agree"


@dataclass(frozen=True)
class ReportInputs:
    """Everything the page shows, read by the report stage."""

    metrics: dict[str, dict]  # model -> metrics/<model>.json
    optimizes: dict[str, str]  # model -> what it optimizes, with this run's params
    sgd_epochs: dict[str, int]  # the PyTorch linear models -> their epochs
    n_classes: int
    data_summary: dict
    source: dict
    pairs: list[TwinPair]
    parity: dict[str, dict]  # model -> metrics/parity/<model>.json
    figures: dict[str, bytes]  # "accuracy", "decision_regions/mlp", ... -> PNG
    params: dict[str, object]  # this run's params.yaml, flattened


def shown_difference(check: dict) -> str:
    """A recorded difference as the page shows it: below its resolution, "< resolution"."""
    difference = check["difference"]
    if isinstance(difference, str):
        return difference
    return f"< {check['resolution']:g}" if difference == 0 else f"{difference:.2g}"


def parity_summary(record: dict) -> dict:
    """metrics/parity/<model>.json, with the number of checks that count and the closest call."""
    checked = [c for c in record["checks"] if c["tolerance"] is not None]
    closest = max(
        checked,
        key=lambda c: c["difference"] / c["tolerance"] if not isinstance(c["difference"], str) else 1e9,
    )
    shown = [{**c, "shown": shown_difference(c)} for c in record["checks"]]
    closest = {**closest, "shown": shown_difference(closest)}
    return {"model": record["model"], "ok": record["ok"], "n_checked": len(checked), "closest": closest,
            "checks": shown}  # fmt: skip


def pair_of_kind(pairs: list[TwinPair], kind: str) -> TwinPair:
    """The notebook's twin pair of a kind: the linear ("regression") or logistic regressions."""
    return next(p for p in pairs if MODELS[p.numpy_model].kind == kind)


def better(metrics: dict[str, dict], pairs: list[TwinPair]) -> dict:
    """Linear against logistic regression (the best of each twin pair), then every other model."""
    linear, logistic = (pair_of_kind(pairs, kind) for kind in ("regression", "classification"))
    best_lin = best_by_valid_accuracy(metrics, [linear.numpy_model, linear.torch_model])
    best_log = best_by_valid_accuracy(metrics, [logistic.numpy_model, logistic.torch_model])
    a_lin, a_log = metrics[best_lin]["valid"]["accuracy"], metrics[best_log]["valid"]["accuracy"]
    paired = {n for p in pairs for n in (p.numpy_model, p.torch_model)}
    return {
        "winner": "Logistic regression" if a_log > a_lin else "Linear regression",
        "linear": best_lin,
        "linear_accuracy": a_lin,
        "logistic": best_log,
        "logistic_accuracy": a_log,
        "others": {n: metrics[n]["valid"]["accuracy"] for n in metrics if n not in paired},
        # the losses the "why accuracy" answer quotes: each kind's NumPy model's
        "linear_loss": metrics[linear.numpy_model]["valid"]["loss"],
        "logistic_loss": metrics[logistic.numpy_model]["valid"]["loss"],
    }


def render_report(inputs: ReportInputs) -> str:
    models = {name: {**m, "optimizes": inputs.optimizes[name]} for name, m in inputs.metrics.items()}
    pairs = [
        {
            **asdict(p),
            "agree": p.max_abs_weight_diff < VALUES_AGREE,
            "sgd_epochs": inputs.sgd_epochs[p.torch_model],
        }
        for p in inputs.pairs
    ]
    environment = jinja2.Environment(
        autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )  # fmt: skip
    template = environment.from_string(TEMPLATE.read_text(encoding="utf-8"))
    return template.render(
        data={**inputs.data_summary, "source": inputs.source, "n_classes": inputs.n_classes},
        params=[(k, v) for k, v in inputs.params.items() if k.startswith(SHOWN_PARAMS)],
        models=models,
        pairs=pairs,
        better=better(inputs.metrics, inputs.pairs),
        parity=[parity_summary(record) for record in inputs.parity.values()],
        figures={name: base64.b64encode(png).decode() for name, png in inputs.figures.items()},
    )
