"""The report's figures, drawn with matplotlib's Agg backend into PNG bytes.

PNG metadata is fixed (no software version, no date) so identical inputs give identical files.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import numpy as np

from ames_tiers.layers import Layers, forward, predict
from ames_tiers.registry import MODELS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ames_tiers.data import Split, Standardization

# Every figure is at most FIGURE_WIDTH inches wide: at 100 dpi that is the report's column
# (1100 px), so its smallest text (8 pt) shows at >= 11 px, unscaled (tests/test_plotting.py).
FIGURE_WIDTH = 11.0
PANEL_COLUMNS = 3
TIER_COLORS = ["#4575b4", "#fee090", "#d73027", "#91bfdb", "#fc8d59", "#e0f3f8"]


def tier_colors(n_classes: int) -> list:
    """One colour per tier: the fixed palette, or a colormap's when there are more tiers."""
    if n_classes <= len(TIER_COLORS):
        return TIER_COLORS[:n_classes]
    from matplotlib import colormaps

    return [colormaps["RdYlBu_r"](x) for x in np.linspace(0, 1, n_classes)]


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _panels(n_panels: int, panel_height: float, **subplots) -> tuple[Figure, list]:
    """A figure FIGURE_WIDTH wide with one panel per model, PANEL_COLUMNS to a row; a spare
    last panel (5 models leave one) is returned hidden, for a legend."""
    rows = -(-n_panels // PANEL_COLUMNS)
    fig = _figure(FIGURE_WIDTH, panel_height * rows)
    axes = list(fig.subplots(rows, PANEL_COLUMNS, squeeze=False, **subplots).ravel())
    for ax in axes[n_panels:]:
        ax.set_axis_off()
    return fig, axes


def png_bytes(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def class_histogram(split: Split, n_classes: int) -> Figure:
    """The notebook's plt.hist(y_train), with the validation rows beside it."""
    fig = _figure(5, 3.5)
    ax = fig.add_subplot()
    tiers = np.arange(n_classes)
    train = np.bincount(split.y_train, minlength=n_classes)
    valid = np.bincount(split.y_valid, minlength=n_classes)
    ax.bar(tiers - 0.2, train, width=0.4, label=f"train ({train.sum()})")
    ax.bar(tiers + 0.2, valid, width=0.4, label=f"valid ({valid.sum()})")
    ax.set_xticks(tiers, [f"tier {t}" for t in tiers])
    ax.set_ylabel("houses")
    ax.set_title("Price tiers (equal-width bins of price percentile)")
    ax.set_ylim(0, 1.3 * train.max())  # room for the legend above the bars
    ax.legend(loc="upper center", ncols=2)
    return fig


def feature_histogram(split: Split) -> Figure:
    """The notebook's plt.hist(X_train.flatten(), bins=30), one colour per feature."""
    fig = _figure(5, 3.5)
    ax = fig.add_subplot()
    edges = np.histogram_bin_edges(split.X_train, bins=30)
    for j, feature in enumerate(split.features):
        ax.hist(split.X_train[:, j], bins=edges, alpha=0.6, label=feature)
    ax.set_xlabel("standardized value")
    ax.set_ylabel("houses (train)")
    ax.set_title("Standardized input features")
    ax.legend()
    return fig


def decision_grid(X: np.ndarray, steps: int) -> list[np.ndarray]:
    """Evenly spaced values over each feature's extent (standardized units), padded by 5%."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.05 * (hi - lo)
    return [np.linspace(lo[j] - pad[j], hi[j] + pad[j], steps) for j in range(X.shape[1])]


def decision_regions(
    split: Split,
    stats: Standardization,
    models: dict[str, Layers],
    accuracies: dict[str, float],
    n_classes: int,
) -> Figure:
    """Each model's predicted tier over the input space, validation houses on top: a map of
    longitude x latitude for two features, a strip along the one feature otherwise."""
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    colors = tier_colors(n_classes)
    cmap, norm = ListedColormap(colors), BoundaryNorm(np.arange(-0.5, n_classes), n_classes)
    X_all = np.concatenate([split.X_train, split.X_valid])
    axes_values = decision_grid(X_all, steps=200 if X_all.shape[1] == 2 else 400)
    valid_raw = stats.undo(split.X_valid)
    fig, axes = _panels(len(models), 3.3, sharex=True, sharey=True)
    if len(axes_values) == 2:
        g0, g1 = np.meshgrid(*axes_values)
        grid = np.column_stack([g0.ravel(), g1.ravel()])
        x, y = (v.reshape(g0.shape) for v in stats.undo(grid).T)
        scatter_y = valid_raw[:, 1]
    else:  # one feature: the tiers along it, as a strip; the dots at their true tier
        grid = axes_values[0].reshape(-1, 1)
        x, y = np.meshgrid(stats.undo(grid)[:, 0], [-0.5, n_classes - 0.5])
        scatter_y = split.y_valid
    for ax, (name, layers) in zip(axes, models.items(), strict=False):
        # A regression's rounded output can fall outside the tiers: clip for colouring only.
        tiers = np.clip(predict(MODELS[name].kind, forward(layers, grid)), 0, n_classes - 1)
        shown = tiers.reshape(x.shape) if len(axes_values) == 2 else np.broadcast_to(tiers, x.shape)
        ax.pcolormesh(x, y, shown, cmap=cmap, norm=norm, alpha=0.45, shading="auto")
        ax.scatter(valid_raw[:, 0], scatter_y, c=split.y_valid, cmap=cmap, norm=norm, s=6, edgecolors="k",
                   linewidths=0.2)  # fmt: skip
        ax.set_title(f"{name}: valid accuracy {accuracies[name]:.2f}")
        if len(axes_values) == 1:
            ax.set_ylim(-0.5, n_classes - 0.5)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_locator(MaxNLocator(4))
    for ax in axes[len(models) - PANEL_COLUMNS : len(models)]:  # the lowest panel of each column
        ax.set_xlabel(split.features[0])
        ax.tick_params(labelbottom=True)
    for ax in axes[::PANEL_COLUMNS]:
        ax.set_ylabel(split.features[1] if len(split.features) == 2 else "tier (dots: true tier)")
    legend = axes[-1] if len(axes) > len(models) else fig
    legend.legend(
        handles=[Patch(color=colors[t], label=f"tier {t}") for t in range(n_classes)],
        loc="center", title="price tier (0 = cheapest)", ncols=1 + n_classes // 6,
    )  # fmt: skip
    fig.suptitle("Predicted price tier (background) and true tier of validation houses (dots)")
    return fig


def accuracy_comparison(metrics: dict[str, dict]) -> Figure:
    fig = _figure(7, 3.8)
    ax = fig.add_subplot()
    names = list(metrics)
    x = np.arange(len(names))
    for offset, part in ((-0.2, "train"), (0.2, "valid")):
        values = [metrics[n][part]["accuracy"] for n in names]
        bars = ax.bar(x + offset, values, width=0.4, label=part)
        ax.bar_label(bars, fmt="%.2f", fontsize=8)
    ax.set_xticks(x, names, rotation=15)
    ax.set_ylim(0, 1)
    ax.set_ylabel("accuracy")
    ax.set_title("Accuracy of each model (regressions: rounded prediction)")
    ax.legend(loc="upper left")
    return fig


def loss_curves(curves: dict[str, tuple[str, np.ndarray]]) -> Figure:
    """Each model's training loss, on its own axes: MSE and cross-entropy are different
    quantities, and 100 epochs would fill a tenth of a 1000-epoch axis."""
    fig, axes = _panels(len(curves), 2.8)
    for ax, (name, (step_name, losses)) in zip(axes, curves.items(), strict=False):
        spec = MODELS[name]
        loss = "MSE" if spec.kind == "regression" else "cross-entropy"
        ax.plot(np.arange(len(losses)), losses, color="#4575b4")
        steps = "BFGS iteration" if step_name == "iteration" else "SGD epoch"
        ax.set(title=name, xlabel=steps, ylabel=f"training {loss}")
        ax.grid(alpha=0.3)
    fig.suptitle("Training loss (before training, then after each BFGS iteration or SGD epoch)")
    return fig


def confusion_matrices(predictions: dict[str, tuple[np.ndarray, np.ndarray]], n_classes: int) -> Figure:
    """Validation confusion matrix per model, actual tier down, predicted across (as
    `dvc plots show` draws them); a regression's out-of-range rounding is clipped."""
    fig, axes = _panels(len(predictions), 3.3)
    for ax, (name, (actual, predicted)) in zip(axes, predictions.items(), strict=False):
        counts = np.zeros((n_classes, n_classes), dtype=np.int64)
        np.add.at(counts, (actual, np.clip(predicted, 0, n_classes - 1)), 1)
        ax.imshow(counts, cmap="Blues")
        size = 10 if n_classes <= 5 else 8
        for i in range(n_classes):
            for j in range(n_classes):
                color = "white" if counts[i, j] > counts.max() / 2 else "black"
                ax.text(j, i, str(counts[i, j]), ha="center", va="center", color=color, fontsize=size)
        ax.set_xticks(range(n_classes))
        ax.set_yticks(range(n_classes))
        ax.set(title=name, xlabel="predicted tier", ylabel="actual tier")
    return fig
