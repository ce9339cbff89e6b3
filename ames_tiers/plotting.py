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

TIER_COLORS = ["#4575b4", "#fee090", "#d73027", "#91bfdb", "#fc8d59", "#e0f3f8"]


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


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


def decision_grid(
    split: Split, stats: Standardization, steps: int = 200
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One grid over the data's extent, in standardized units, shared by every model's map."""
    X_all = np.concatenate([split.X_train, split.X_valid])
    lo, hi = X_all.min(axis=0), X_all.max(axis=0)
    pad = 0.05 * (hi - lo)
    axes = [np.linspace(lo[j] - pad[j], hi[j] + pad[j], steps) for j in range(X_all.shape[1])]
    g0, g1 = np.meshgrid(axes[0], axes[1])
    grid = np.column_stack([g0.ravel(), g1.ravel()])
    return grid, g0 * stats.std[0] + stats.mean[0], g1 * stats.std[1] + stats.mean[1]


def decision_regions(
    split: Split,
    stats: Standardization,
    models: dict[str, Layers],
    accuracies: dict[str, float],
    n_classes: int,
) -> Figure:
    """Each model's predicted tier over longitude/latitude, validation houses on top."""
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    if len(split.features) != 2:
        raise ValueError("decision regions need exactly two features")
    grid, lon, lat = decision_grid(split, stats)
    cmap = ListedColormap(TIER_COLORS[:n_classes])
    norm = BoundaryNorm(np.arange(-0.5, n_classes), n_classes)
    valid_raw = split.X_valid * stats.std + stats.mean
    fig = _figure(4 * len(models), 4.4)
    axes = fig.subplots(1, len(models), sharex=True, sharey=True, squeeze=False)[0]
    for ax, (name, layers) in zip(axes, models.items(), strict=True):
        # A regression's rounded output can fall outside the tiers: clip for colouring only.
        tiers = np.clip(predict(MODELS[name].kind, forward(layers, grid)), 0, n_classes - 1)
        ax.pcolormesh(lon, lat, tiers.reshape(lon.shape), cmap=cmap, norm=norm, alpha=0.45, shading="auto")
        ax.scatter(
            valid_raw[:, 0],
            valid_raw[:, 1],
            c=split.y_valid,
            cmap=cmap,
            norm=norm,
            s=6,
            edgecolors="k",
            linewidths=0.2,
        )
        ax.set_title(f"{name}\nvalid accuracy {accuracies[name]:.2f}")
        ax.set_xlabel(split.features[0])
    axes[0].set_ylabel(split.features[1])
    fig.legend(
        handles=[Patch(color=TIER_COLORS[t], label=f"tier {t}") for t in range(n_classes)],
        loc="outside right center",
        title="price tier\n(0 = cheapest)",
    )
    fig.suptitle("Predicted price tier (background) and true tier of validation houses (dots)")
    return fig


def accuracy_comparison(metrics: dict[str, dict]) -> Figure:
    fig = _figure(6, 3.5)
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
    ax.set_title("Accuracy of the five models (regressions: rounded prediction)")
    ax.legend(loc="upper left")
    return fig


def loss_curves(curves: dict[str, tuple[str, np.ndarray]]) -> Figure:
    """Training loss per step: SGD epochs for the torch models, iterations for scipy's."""
    fig = _figure(10, 3.8)
    sgd_ax, scipy_ax = fig.subplots(1, 2)
    for name, (step_name, losses) in curves.items():
        ax = sgd_ax if step_name == "epoch" else scipy_ax
        ax.plot(
            np.arange(len(losses)),
            losses,
            label=f"{name} ({'MSE' if MODELS[name].kind == 'regression' else 'cross-entropy'})",
        )
    sgd_ax.set(title="PyTorch: full-batch SGD", xlabel="epoch", ylabel="training loss")
    scipy_ax.set(title="NumPy: scipy.optimize.minimize (BFGS)", xlabel="iteration", ylabel="training loss")
    for ax in (sgd_ax, scipy_ax):
        ax.legend()
        ax.grid(alpha=0.3)
    return fig


def confusion_matrices(predictions: dict[str, tuple[np.ndarray, np.ndarray]], n_classes: int) -> Figure:
    """Validation confusion matrix per model; a regression's out-of-range rounding is clipped."""
    fig = _figure(3.2 * len(predictions), 3.4)
    axes = fig.subplots(1, len(predictions), squeeze=False)[0]
    for ax, (name, (actual, predicted)) in zip(axes, predictions.items(), strict=True):
        counts = np.zeros((n_classes, n_classes), dtype=np.int64)
        np.add.at(counts, (actual, np.clip(predicted, 0, n_classes - 1)), 1)
        ax.imshow(counts, cmap="Blues")
        for i in range(n_classes):
            for j in range(n_classes):
                ax.text(
                    j,
                    i,
                    str(counts[i, j]),
                    ha="center",
                    va="center",
                    color="white" if counts[i, j] > counts.max() / 2 else "black",
                )
        ax.set_xticks(range(n_classes))
        ax.set_yticks(range(n_classes))
        ax.set(title=name, xlabel="predicted tier", ylabel="actual tier")
    return fig
