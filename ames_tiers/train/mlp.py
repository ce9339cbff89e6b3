"""Notebook part "looking ahead": an MLP, n_features -> hidden -> ReLU -> n_classes, trained
like the softmax regression (F.cross_entropy, the notebook's full-batch SGD loop). Its hidden
layer can draw curved boundaries between neighbourhoods. Stage: train@mlp; params:
`models.mlp` (hidden, lr, epochs), `seed`, `parity.mlp`.

Where the notebook's cells are now:
- `nn.Sequential(nn.Linear(n_features, hidden), nn.ReLU(), nn.Linear(hidden, n_classes))`,
  `torch.manual_seed(seed)`                                        -> build_mlp
- the loop: `optimizer.zero_grad()`, `loss.backward()`, `optimizer.step()`
                                                                   -> fit, with
  torch_shared.train_full_batch_sgd (its SGD step: torch_shared.sgd_step)
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ames_tiers.models.differences import relative_diff
from ames_tiers.models.layers import Fit, FitContext, Layers
from ames_tiers.train.parity import ParityCheck
from ames_tiers.train.torch_shared import linear_layers, train_full_batch_sgd

if TYPE_CHECKING:
    from ames_tiers.core.dataset import Split
    from ames_tiers.models.schema import MLPParams, MLPParity


class _ReLUByMask(torch.autograd.Function):
    """max(x, 0) as x * (x > 0), and its gradient as grad * (x > 0): exact, so the same
    values as nn.ReLU (up to the sign of zero, which no later sum can see), with kernels
    that stay fast in torch's portable build, whose ReLU backward is slow: the MLP's loop is
    faster (BENCHMARKS.md has the seconds)."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        mask = (x > 0).to(x.dtype)
        ctx.save_for_backward(mask)
        return x * mask

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        (mask,) = ctx.saved_tensors
        return grad * mask


class ReLU(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _ReLUByMask.apply(x)


def build_mlp(n_features: int, hidden: int, n_classes: int, seed: int) -> nn.Sequential:
    """The notebook's MLP with its seeded initial weights (the parity check starts here too)."""
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Linear(in_features=n_features, out_features=hidden, bias=True),
        ReLU(),
        nn.Linear(in_features=hidden, out_features=n_classes, bias=True),
    )


def fit(
    X: np.ndarray,
    y: np.ndarray,
    params: MLPParams,
    context: FitContext,
    dtype: torch.dtype = torch.float32,
    epochs: int | None = None,
) -> Fit:
    """Looking ahead: Linear -> ReLU -> Linear, trained like softmax regression. float32 as
    in the notebook; the parity check retrains its first epochs in float64."""
    X_t, y_t = torch.tensor(X, dtype=dtype), torch.tensor(y, dtype=torch.int64)
    model = build_mlp(X.shape[1], params.hidden, context.n_classes, context.seed).to(dtype)
    what = "training" if dtype == torch.float32 else "reference check in float64"
    history = train_full_batch_sgd(model, F.cross_entropy, X_t, y_t, params.lr, epochs or params.epochs, what)
    return Fit.from_history(linear_layers(model), history)


# --- parity: its first epochs, retrained in float64, against scikit-learn ------------------------


def parity(
    trained: Fit, split: Split, params: MLPParams, tolerances: MLPParity, context: FitContext
) -> list[ParityCheck]:
    """The weights and biases after the first epochs, retrained in float64, against
    scikit-learn's MLPClassifier from the same initial weights: an error in the model, the
    loss's gradient or the update shows within a few epochs (tests/train/test_parity.py: a
    1% error in the learning rate). The layers, not the loss curve: sklearn's reported loss
    clips probabilities, so it is not the exact cross-entropy once the loss is large."""
    X, y = split.X_train, split.y_train
    epochs = min(tolerances.epochs_checked, params.epochs)
    initial = linear_layers(build_mlp(X.shape[1], params.hidden, context.n_classes, context.seed))
    sklearn_layers, sklearn_curve = sklearn_mlp(initial, X, y, context.n_classes, params.lr, epochs)
    float64 = fit(X, y, params, context, dtype=torch.float64, epochs=epochs).layers
    reference = "sklearn MLPClassifier from the same initial weights"
    return [
        ParityCheck(
            "mlp's model and loop in float64",
            reference,
            f"weights and biases after {epochs} epochs",
            relative_diff(all_parameters(float64), all_parameters(sklearn_layers)),
            "relative",
            tolerances.parameters,
        ),
        ParityCheck(
            "mlp as trained (float32)",
            reference,
            f"training loss of the first {epochs} epochs",
            relative_diff(trained.loss_history[:epochs], sklearn_curve),
            "relative",
            None,
        ),
    ]


def all_parameters(layers) -> np.ndarray:
    return np.concatenate([np.concatenate([W.ravel(), b.ravel()]) for W, b in layers])


def sklearn_mlp(
    initial: Layers, X: np.ndarray, y: np.ndarray, n_classes: int, lr: float, epochs: int
) -> tuple[Layers, np.ndarray]:
    """The layers after ``epochs`` epochs, and the training loss per epoch, of scikit-learn's
    MLPClassifier set up as the notebook's loop:
    ReLU, plain full-batch SGD (no momentum, no L2, no shuffling, constant rate), started
    from ``initial`` (sklearn would draw its own weights), with a softmax output for any tier
    count (for two classes sklearn would use one logistic output instead)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    class SoftmaxMLP(MLPClassifier):
        def _initialize(self, y, layer_units, dtype):
            super()._initialize(y, layer_units, dtype)
            self.out_activation_ = "softmax"  # one-hot targets would otherwise get logistic

        def _init_coef(self, fan_in, fan_out, dtype):
            return tuple(a.astype(dtype) for a in next(layers))

    layers = iter(initial)
    mlp = SoftmaxMLP(
        hidden_layer_sizes=(initial[0][0].shape[1],),
        activation="relu",
        solver="sgd",
        alpha=0.0,
        batch_size=len(X),
        learning_rate="constant",
        learning_rate_init=lr,
        max_iter=epochs,
        shuffle=False,
        momentum=0.0,
        nesterovs_momentum=False,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        early_stopping=False,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X, np.eye(n_classes)[y])
    # (its loss clips each probability to [eps, 1 - eps]: past a loss of ~30 it is not the exact
    # cross-entropy, while its gradient, and so its layers, stay exact)
    return list(zip(mlp.coefs_, mlp.intercepts_, strict=True)), np.asarray(mlp.loss_curve_)
