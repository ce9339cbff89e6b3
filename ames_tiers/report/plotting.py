"""The report's figures, drawn with matplotlib's Agg backend into PNG bytes.

PNG metadata is fixed (no software version, no date) so identical inputs give identical files.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ames_tiers.models.layers import Layers, forward, predict
from ames_tiers.models.registry import MODELS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ames_tiers.core.dataset import Split, Standardization

# Every figure is at most FIGURE_WIDTH inches wide: at 100 dpi that is the report's column
# (1100 px), so its smallest text (8 pt) shows at >= 11 px, unscaled (tests/report/test_plotting.py).
FIGURE_WIDTH = 11.0
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


def png_bytes(fig: Figure, inputs: str) -> bytes:
    """The PNG, with ``inputs`` (a digest of what it was drawn from) in its metadata, so that
    the report can reuse it while its inputs stay the same; level-3 compression (5% larger
    than the default, half the time)."""
    buffer = io.BytesIO()
    metadata = {"Software": None, "Inputs": inputs}
    fig.savefig(buffer, format="png", metadata=metadata, pil_kwargs={"compress_level": 3})
    return buffer.getvalue()


def drawn_from(png_path: Path) -> str | None:
    """The inputs digest a PNG written by png_bytes carries, or None."""
    from PIL import Image

    try:
        with Image.open(png_path) as image:
            return image.text.get("Inputs")
    except (OSError, ValueError):
        return None


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


MODEL_FIGURE_SIZE = (5.3, 4.0)  # inches: two to a row in the report's column, text unscaled


def decision_grid(X: np.ndarray, steps: int) -> list[np.ndarray]:
    """Evenly spaced values over each feature's extent (standardized units), padded by 5%."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.05 * (hi - lo)
    return [np.linspace(lo[j] - pad[j], hi[j] + pad[j], steps) for j in range(X.shape[1])]


def decision_regions(
    name: str, layers: Layers, split: Split, stats: Standardization, accuracy: float, n_classes: int
) -> Figure:
    """The model's predicted tier over the input space, validation houses on top: a map of
    longitude x latitude for two features, a strip along the one feature otherwise."""
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    colors = tier_colors(n_classes)
    cmap, norm = ListedColormap(colors), BoundaryNorm(np.arange(-0.5, n_classes), n_classes)
    axes_values = decision_grid(np.concatenate([split.X_train, split.X_valid]), 150)
    valid_raw = stats.undo(split.X_valid)
    if len(axes_values) == 2:
        g0, g1 = np.meshgrid(*axes_values)
        grid = np.column_stack([g0.ravel(), g1.ravel()])
        x, y = (v.reshape(g0.shape) for v in stats.undo(grid).T)
        scatter_y = valid_raw[:, 1]
    else:  # one feature: the tiers along it, as a strip; the dots at their true tier
        grid = axes_values[0].reshape(-1, 1)
        x, y = np.meshgrid(stats.undo(grid)[:, 0], [-0.5, n_classes - 0.5])
        scatter_y = split.y_valid
    tiers = predict(MODELS[name].kind, forward(layers, grid), n_classes)
    shown = tiers.reshape(x.shape) if len(axes_values) == 2 else np.broadcast_to(tiers, x.shape)
    fig = _figure(*MODEL_FIGURE_SIZE)
    ax = fig.add_subplot()
    ax.pcolormesh(x, y, shown, cmap=cmap, norm=norm, alpha=0.45, shading="auto")
    ax.scatter(
        valid_raw[:, 0], scatter_y, c=split.y_valid, cmap=cmap, norm=norm, s=6, edgecolors="k", linewidths=0.2
    )
    ax.set_title(f"{name}: valid accuracy {accuracy:.2f}")
    ax.xaxis.set_major_locator(MaxNLocator(4))
    ax.set_xlabel(split.features[0])
    if len(axes_values) == 2:
        ax.set_ylabel(split.features[1])
    else:
        ax.set(ylim=(-0.5, n_classes - 0.5), ylabel="tier (dots: true tier)")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    handles = [Patch(color=colors[t], label=str(t)) for t in range(n_classes)]
    fig.legend(handles=handles, loc="outside right center", title="tier", ncols=1 + n_classes // 6)
    return fig


def loss_curve(name: str, losses: np.ndarray) -> Figure:
    """The model's training loss on its own axes: MSE and cross-entropy are different
    quantities, and 100 epochs would fill a tenth of a 1000-epoch axis."""
    spec = MODELS[name]
    fig = _figure(*MODEL_FIGURE_SIZE)
    ax = fig.add_subplot()
    ax.plot(np.arange(len(losses)), losses, color="#4575b4")
    steps = "BFGS iteration" if spec.step_name == "iteration" else "SGD epoch"
    loss = "MSE" if spec.kind == "regression" else "cross-entropy"
    ax.set(title=f"{name}: training {loss}", xlabel=f"{steps} (0: before training)", ylabel=loss)
    ax.grid(alpha=0.3)
    return fig


def confusion_matrix(name: str, actual: np.ndarray, predicted: np.ndarray, n_classes: int) -> Figure:
    """Validation confusion matrix, actual tier down and predicted across (as `dvc plots
    show` draws it); a regression's out-of-range rounding is clipped."""
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (actual, np.clip(predicted, 0, n_classes - 1)), 1)
    fig = _figure(*MODEL_FIGURE_SIZE)
    ax = fig.add_subplot()
    ax.imshow(counts, cmap="Blues")
    size = 10 if n_classes <= 6 else 8
    for i in range(n_classes):
        for j in range(n_classes):
            color = "white" if counts[i, j] > counts.max() / 2 else "black"
            ax.text(j, i, str(counts[i, j]), ha="center", va="center", color=color, fontsize=size)
    ax.set_xticks(range(n_classes))
    ax.set_yticks(range(n_classes))
    ax.set(title=f"{name}: validation", xlabel="predicted tier", ylabel="actual tier")
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
