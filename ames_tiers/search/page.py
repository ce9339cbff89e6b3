"""A search's study as one offline page (`python -m tools.search --page`): Optuna's
optimization history, the params in parallel coordinates and each param's importance, drawn
with its matplotlib backend and inlined as PNG, and every trial's row. The words are the
template's (study.html.j2 beside this file)."""

from __future__ import annotations

import base64
import io
import warnings
from pathlib import Path

import jinja2
from markupsafe import Markup

TEMPLATE = Path(__file__).with_name("study.html.j2")


def png(ax) -> str:
    """An Optuna matplotlib figure (its Axes) as base64 PNG; the figure is closed."""
    import matplotlib.pyplot as plt

    figure = ax.figure if hasattr(ax, "figure") else ax.flat[0].figure
    figure.set_size_inches(10, 4.5)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode()


def figures(study) -> dict[str, str]:
    """Optuna's own figures of the study's complete trials (none before the first; the
    importances need two)."""
    import matplotlib

    matplotlib.use("Agg")
    from optuna.visualization import matplotlib as plots

    complete = [t for t in study.get_trials(deepcopy=False) if t.state.name == "COMPLETE"]
    if not complete:
        return {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Optuna marks its matplotlib plots experimental
        drawn = {"history": png(plots.plot_optimization_history(study)),
                 "parallel": png(plots.plot_parallel_coordinate(study))}  # fmt: skip
        drawn["importance"] = png(plots.plot_param_importances(study)) if len(complete) > 1 else ""
    return drawn


def study_page(study, spec, table: str, best: str | None) -> str:
    environment = jinja2.Environment(
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined
    )
    environment.globals["image"] = lambda data, alt: Markup(
        f'<img alt="{jinja2.filters.escape(alt)}" src="data:image/png;base64,{data}">'
    )
    finished = sum(t.state.name == "COMPLETE" for t in study.get_trials(deepcopy=False))
    return environment.from_string(TEMPLATE.read_text(encoding="utf-8")).render(
        study=spec.study, metric=str(spec.metric), direction=spec.direction, trials=spec.trials,
        finished=finished, best=best, figures=figures(study), table=table,
    )  # fmt: skip
