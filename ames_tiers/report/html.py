"""plots/report.html: one self-contained page (figures inlined, no scripts, no requests)
that answers the notebook's questions with this run's numbers."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from html import escape

from ames_tiers.core import paths
from ames_tiers.models.registry import MODELS
from ames_tiers.report.analysis import PairComparison, best_by_valid_accuracy

NUMBER_WORDS = {
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
}


@dataclass(frozen=True)
class ReportInputs:
    """Everything the page shows, read by the report stage."""

    metrics: dict[str, dict]  # model -> metrics/<model>.json
    optimizes: dict[str, str]  # model -> what it optimizes, with this run's params
    sgd_epochs: dict[str, int]  # the PyTorch linear models -> their epochs
    n_classes: int
    data_summary: dict
    source: dict
    pairs: list[PairComparison]
    parity: dict[str, dict]  # model -> metrics/parity/<model>.json
    figures: dict[str, bytes]  # "accuracy", "decision_regions/mlp", ... -> PNG
    params: dict[str, object]  # this run's params.yaml, flattened


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: right; }
th, td:first-child, td.text { text-align: left; }
img { max-width: 100%; display: block; margin: 1em 0; }
.answer { background: #f6f8fa; border-left: 4px solid #4575b4; padding: 0.5em 1em; }
.warning { background: #fff3cd; border: 2px solid #d73027; padding: 0.5em 1em; }
.changed { background: #fff3cd; }
.up { color: #1a7f37; } .down { color: #b42318; }
details { margin: 0.3em 0; } summary { cursor: pointer; }
.grid { display: flex; flex-wrap: wrap; column-gap: 10px; } .grid img { margin: 0.3em 0; }
"""


def data_sentence(source: dict) -> str:
    """Where the data came from; a fallback copy in a banner nobody can miss."""
    if source["data"] == "original":
        sha = escape(source["sha256"][:12])
        return f"<p>Data: the original file ({escape(source['url'])}, sha256 {sha}…).</p>"
    tried = "".join(f"<li>{escape(failure)}</li>" for failure in source.get("unreachable", []))
    return (
        "<div class='warning'><b>Not the original data.</b> No configured source could be reached, "
        f"so this run used the copy in the {escape(source['package'])} package (the same houses; "
        f"results can differ in the last digits). Tried:<ul>{tried}</ul>Every <code>dvc repro</code> "
        "retries the sources until one works.</div>"
    )


def _model_images(figures: dict[str, bytes], kind: str, models: list[str], alt: str) -> str:
    """One figure per model, two to a row."""
    return (
        "<div class='grid'>"
        + "".join(_img(figures[paths.model_figure(kind, m)], f"{alt}: {m}") for m in models)
        + "</div>"
    )


def _img(png: bytes, alt: str) -> str:
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'


def _fmt(x: float) -> str:
    return f"{x:.4f}"


def model_table(metrics: dict[str, dict], optimizes: dict[str, str]) -> str:
    rows = [
        "<tr><th>model</th><th>optimizes</th><th>parameters</th><th>train loss</th>"
        "<th>train accuracy</th><th>valid loss</th><th>valid accuracy</th></tr>"
    ]
    for name, m in metrics.items():
        cells = "".join(
            f"<td>{_fmt(m[part][key])}</td>" for part in ("train", "valid") for key in ("loss", "accuracy")
        )
        rows.append(
            f"<tr><td>{escape(name)}</td><td class='text'>{escape(optimizes[name])}</td>"
            f"<td>{m['n_parameters']}</td>{cells}</tr>"
        )
    return "<table>" + "\n".join(rows) + "</table>"


SHOWN_PARAMS = ("seed", "prepare.", "models.")  # what a run is (data and parity are in params.yaml)


def params_table(params: dict[str, object]) -> str:
    """This run's params. What an experiment changed, and how its metrics moved, are DVC's
    to show (`dvc exp show`, `dvc params diff`, `python -m tools.compare`): the page depends
    on the committed inputs alone, so redrawing it anywhere gives the same bytes."""
    rows = ["<tr><th>param</th><th>this run</th></tr>"]
    rows += [
        f"<tr><td>{escape(key)}</td><td>{escape(str(value))}</td></tr>"
        for key, value in params.items()
        if key.startswith(SHOWN_PARAMS)
    ]
    summary = (
        "The params of this run; to see what an experiment changed: <code>dvc exp show</code>, "
        "<code>dvc params diff</code> or <code>python -m tools.compare</code>."
    )
    return (
        f"<p>{summary}</p><details><summary>params</summary><table>" + "\n".join(rows) + "</table></details>"
    )


def _difference(check: dict) -> str:
    difference = check["difference"]
    if isinstance(difference, str):
        return difference
    return f"< {check['resolution']:g}" if difference == 0 else f"{difference:.2g}"


def parity_verdict(record: dict) -> str:
    """One line per model: the verdict and its closest call; the checks folded below it."""
    checked = [c for c in record["checks"] if c["tolerance"] is not None]
    closest = max(
        checked,
        key=lambda c: c["difference"] / c["tolerance"] if not isinstance(c["difference"], str) else 1e9,
    )
    mark = "✔" if record["ok"] else "✘"
    line = (
        f"{mark} <b>{escape(record['model'])}</b>: {len(checked)} check{'s' * (len(checked) != 1)} "
        "within tolerance; closest: "
        f"{escape(closest['quantity'])} vs {escape(closest['reference'])}, {_difference(closest)} "
        f"(tolerance {closest['tolerance']:g})"
    )
    rows = [
        "<tr><th>checked</th><th>reference</th><th>quantity</th><th>difference</th><th>tolerance</th></tr>"
    ]
    for c in record["checks"]:
        limit = "information" if c["tolerance"] is None else f"{c['tolerance']:g}"
        rows.append(
            f"<tr><td class='text'>{escape(c['subject'])}</td><td class='text'>{escape(c['reference'])}</td>"
            f"<td class='text'>{escape(c['quantity'])}</td><td>{_difference(c)} ({c['measure']})</td>"
            f"<td>{limit}</td></tr>"
        )
    return f"<details><summary>{line}</summary><table>" + "\n".join(rows) + "</table></details>"


def shapes_answer(pairs: list[PairComparison], sgd_epochs: dict[str, int]) -> str:
    items = []
    for p in pairs:
        same_values = p.max_abs_weight_diff < 1e-3
        line = (
            f"<li><b>{p.numpy_model}</b> and <b>{p.torch_model}</b>: same shape "
            f"{p.shape} (in × out; PyTorch stores it transposed, {p.torch_native_shape}). "
            f"Largest absolute difference: weights {p.max_abs_weight_diff:.2e}, "
            f"bias {p.max_abs_bias_diff:.2e}"
        )
        if p.max_abs_centred_diff is not None:
            line += (
                f"; after centring each feature's weights across classes (softmax ignores a "
                f"shared shift) {p.max_abs_centred_diff:.2e}"
            )
        line += ". " + (
            "The values agree: both minimize the same convex loss, which has one minimum, "
            "and both optimizers reached it."
            if same_values
            else f"The values differ: the loss is the same, but {sgd_epochs[p.torch_model]} epochs of "
            "SGD stop short of the minimum that BFGS reaches, and the two start from different "
            "random weights."
        )
        items.append(line + "</li>")
    return (
        "<p>The linear regressions' matrices have the same shape as each other (one output), "
        "and the logistic regressions' as each other (one output per tier); across the two "
        "pairs the shapes differ.</p><ul>" + "".join(items) + "</ul>"
    )


def pair_of_kind(pairs: list[PairComparison], kind: str) -> PairComparison:
    """The notebook's twin pair of a kind: the linear ("regression") or logistic regressions."""
    return next(p for p in pairs if MODELS[p.numpy_model].kind == kind)


def better_answer(metrics: dict[str, dict], pairs: list[PairComparison], n_classes: int) -> str:
    """Linear against logistic regression (the best of each twin pair), then every other model."""
    linear, logistic = (pair_of_kind(pairs, kind) for kind in ("regression", "classification"))
    best_lin = best_by_valid_accuracy(metrics, [linear.numpy_model, linear.torch_model])
    best_log = best_by_valid_accuracy(metrics, [logistic.numpy_model, logistic.torch_model])
    a_lin, a_log = metrics[best_lin]["valid"]["accuracy"], metrics[best_log]["valid"]["accuracy"]
    winner = "Logistic regression" if a_log > a_lin else "Linear regression"
    paired = {n for p in pairs for n in (p.numpy_model, p.torch_model)}
    others = "".join(
        f" {MODELS[name].title or name} reaches {metrics[name]['valid']['accuracy']:.2f}"
        + (f": {MODELS[name].remark}." if MODELS[name].remark else ".")
        for name in metrics
        if name not in paired
    )
    return (
        f"<p>{winner} does better on this task by <b>validation accuracy</b>: "
        f"{best_log} {a_log:.2f} against {best_lin} {a_lin:.2f} (chance is about {1 / n_classes:.2f} "
        f"with {NUMBER_WORDS.get(n_classes, n_classes)} equal tiers).{escape(others)}</p>"
    )


WHY_ACCURACY = (
    "<p>Accuracy, not loss: the two losses measure different things in different units. "
    "MSE is the squared distance between a real number and the tier number; cross-entropy is "
    "the negative log-probability given to the true tier. A linear regression's MSE of "
    "{mse:.2f} and a logistic regression's cross-entropy of {ce:.2f} cannot be compared. "
    "Accuracy asks both models the same question (is the predicted tier right?), so it is the "
    "common yardstick; each loss is for training and comparing models of its own kind.</p>"
)


def render_report(inputs: ReportInputs) -> str:
    metrics, data_summary, source, figures = (
        inputs.metrics,
        inputs.data_summary,
        inputs.source,
        inputs.figures,
    )
    counts = ", ".join(f"tier {k}: {v}" for k, v in data_summary["class_counts"].items())
    linear, logistic = (pair_of_kind(inputs.pairs, kind) for kind in ("regression", "classification"))
    sections = [
        "<h1>Ames price tiers from longitude and latitude</h1>",
        data_sentence(source),
        f"<p>{data_summary['n_rows']} "
        f"houses ({counts}); {data_summary['n_train']} train / {data_summary['n_valid']} "
        f"validation rows.</p>",
        "<h2>What ran</h2>",
        params_table(inputs.params),
        f"<h2>The {NUMBER_WORDS.get(len(metrics), len(metrics))} models</h2>",
        model_table(metrics, inputs.optimizes),
        "<p>Loss is MSE for the two linear regressions and cross-entropy for the others; a "
        "regression's accuracy is the notebook's (rounded prediction equals the tier).</p>",
        _img(figures["accuracy"], "accuracy of each model"),
        "<h2>Training</h2>",
        _model_images(figures, "loss", list(metrics), "training loss"),
        "<h2>Validation confusion matrices</h2>",
        _model_images(figures, "confusion", list(metrics), "validation confusion matrix"),
        "<h2>Decision regions</h2>",
        "<p>Predicted price tier (background) and true tier of validation houses (dots).</p>",
        _model_images(figures, "decision_regions", list(metrics), "decision regions"),
        "<h2>The notebook's questions, answered from this run</h2>",
        "<h3>Which weight matrices have the same shapes, and which the same values?</h3>",
        f"<div class='answer'>{shapes_answer(inputs.pairs, inputs.sgd_epochs)}</div>",
        "<h3>Which model does better, and by which measure?</h3>",
        f"<div class='answer'>{better_answer(metrics, inputs.pairs, inputs.n_classes)}</div>",
        "<h3>Why accuracy and not loss?</h3>",
        "<div class='answer'>"
        + WHY_ACCURACY.format(
            mse=metrics[linear.numpy_model]["valid"]["loss"],
            ce=metrics[logistic.numpy_model]["valid"]["loss"],
        )
        + "</div>",
        "<h2>Parity: every model against a reference implementation</h2>",
        "<p>Each model's <code>train</code> stage checks it against code nobody here wrote (the "
        "closed-form least squares, scikit-learn, scipy.optimize.minimize) and fails when a "
        "difference exceeds its tolerance in <code>params.yaml</code> <code>parity</code>; click a "
        "line for every comparison, including the models as trained, shown for information.</p>",
        *(parity_verdict(record) for record in inputs.parity.values()),
        "<h2>Data</h2>",
        _img(figures["class_histogram"], "price tier histogram"),
        _img(figures["feature_histogram"], "feature histogram"),
    ]
    body = "\n".join(sections)
    return (
        "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
        "<title>Ames price tiers: report</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
