"""The notebook's PyTorch models: nn.Linear for linear (1.B) and softmax regression (2.B),
and the n_features -> hidden -> ReLU -> n_classes MLP ("looking ahead"), each trained with
full-batch SGD exactly as the notebook's loop does.

Where the notebook's cells are now:
- 1.B `X_train_torch = torch.tensor(X_train, dtype=torch.float32)`, `nn.Linear(..., 1)`,
  `F.mse_loss(model(X).flatten(), y)`                -> fit_linear_regression_torch
- 2.B `nn.Linear(in_features=n_features, out_features=n_classes)`, `F.cross_entropy(logits, y)`
                                                     -> fit_softmax_regression_torch
- the training loop: `optimizer.zero_grad()`, `loss.backward()`, `optimizer.step()` per epoch
                                                     -> train_full_batch_sgd, sgd_step
- looking ahead: `nn.Sequential(nn.Linear, nn.ReLU, nn.Linear)` -> build_mlp, fit_mlp
- the accuracy on X_valid                            -> ames_tiers/models/metrics.py (NumPy)

Torch's CPU kernels are pinned by ames_tiers/models_torch/__init__.py (ames_tiers.portable),
which Python runs before this module imports torch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ames_tiers.core.progress import Progress
from ames_tiers.models.layers import Diverged, Fit, FitContext, Layers
from ames_tiers.portable import TORCH_THREADS

if TYPE_CHECKING:
    from ames_tiers.models.registry import MLPParams, SGDParams

torch.set_num_threads(TORCH_THREADS)  # one: see ames_tiers.portable

LossOfOutput = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
DIVERGENCE_CHECK_EPOCHS = 50  # how often the loop looks at the loss (one sync each time)


def sgd_step(parameters: list[torch.Tensor], lr: float) -> None:
    """torch.optim.SGD's step without momentum or weight decay, p += -lr * grad, the same
    kernel call on CPU (torch.optim.SGD itself imports torch._dynamo, a long import in every stage)."""
    with torch.no_grad():
        for p in parameters:
            p.add_(p.grad, alpha=-lr)
            p.grad = None  # zero_grad(set_to_none=True), torch's default


def train_full_batch_sgd(
    model: nn.Module,
    loss_of_output: LossOfOutput,
    X: torch.Tensor,
    y: torch.Tensor,
    lr: float,
    epochs: int,
    what: str = "training",
) -> list[float]:
    """The notebook's loop: loss on every training row, backward, one SGD step, per epoch.
    Returns the loss of each epoch (before its step). Raises Diverged, soon after the loss
    stops being finite, rather than finishing the epochs on NaN. A long loop says where it
    is on stderr (ames_tiers.core.progress), ``what`` naming it."""
    parameters = list(model.parameters())
    losses = torch.empty(epochs, dtype=X.dtype)
    progress = Progress(what, epochs)
    try:
        for epoch in range(epochs):
            loss = loss_of_output(model(X), y)
            loss.backward()
            sgd_step(parameters, lr)
            losses[epoch] = loss.detach()  # no .item() sync per epoch
            if epoch % DIVERGENCE_CHECK_EPOCHS == DIVERGENCE_CHECK_EPOCHS - 1 or epoch == epochs - 1:
                _raise_if_diverged(losses[: epoch + 1], model)
                progress.update(epoch + 1, float(losses[epoch]))
    finally:
        progress.close()
    return losses.tolist()


def _raise_if_diverged(losses: torch.Tensor, model: nn.Module) -> None:
    bad = ~torch.isfinite(losses)
    if bad.any():
        first = int(bad.nonzero()[0, 0])
        raise Diverged(first, float(losses[first]))
    if not all(torch.isfinite(p).all() for p in model.parameters()):
        raise Diverged(len(losses), float("nan"))


def linear_layers(model: nn.Module) -> Layers:
    """nn.Linear layers in the notebook's NumPy orientation (W is in x out; torch's transposed)."""
    return [
        (m.weight.detach().numpy().T.astype(np.float64), m.bias.detach().numpy().astype(np.float64))
        for m in model.modules()
        if isinstance(m, nn.Linear)
    ]


def mse_of_flat_output(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return F.mse_loss(out.flatten(), target)


def fit_linear_regression_torch(X: np.ndarray, y: np.ndarray, params: SGDParams, context: FitContext) -> Fit:
    """Part 1.B: nn.Linear(n_features, 1) and F.mse_loss on the tier number as a float."""
    torch.manual_seed(context.seed)
    X_t, y_t = torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)
    model = nn.Linear(in_features=X.shape[1], out_features=1, bias=True)
    history = train_full_batch_sgd(model, mse_of_flat_output, X_t, y_t, params.lr, params.epochs)
    return Fit.from_history(linear_layers(model), history)


def fit_softmax_regression_torch(X: np.ndarray, y: np.ndarray, params: SGDParams, context: FitContext) -> Fit:
    """Part 2.B: nn.Linear(n_features, n_classes) and F.cross_entropy on tier indices."""
    torch.manual_seed(context.seed)
    X_t, y_t = torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.int64)
    model = nn.Linear(in_features=X.shape[1], out_features=context.n_classes, bias=True)
    history = train_full_batch_sgd(model, F.cross_entropy, X_t, y_t, params.lr, params.epochs)
    return Fit.from_history(linear_layers(model), history)


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


def fit_mlp(
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
