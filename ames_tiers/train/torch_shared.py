"""What the notebook's three PyTorch models (parts 1.B, 2.B and the MLP) share: the training
loop, `optimizer.zero_grad()`, `loss.backward()`, `optimizer.step()` per epoch, on every
training row (train_full_batch_sgd, sgd_step); their nn.Linear layers in the NumPy orientation;
and, for the parity checks of the two linear models, nn.Linear trained to convergence.

Torch's CPU kernels are pinned by ames_tiers/train/__init__.py (ames_tiers.portable), which
Python runs before this module imports torch."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ames_tiers.core.progress import Progress
from ames_tiers.models.layers import Diverged, Fit, Layers
from ames_tiers.portable import TORCH_THREADS

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


# --- the parity checks' reference for the linear models: where the SGD epochs would end ---------

AS_TRAINED = "{} as trained (SGD)"
CONVERGED = "{}'s model trained to convergence (L-BFGS, float64)"


def fit_lbfgs(X: np.ndarray, y: np.ndarray, out_features: int, seed: int, max_iter: int) -> Fit:
    """nn.Linear trained to convergence in float64: where the notebook's SGD epochs would end
    if they ran long enough (used by the parity check). One output: the linear regression
    (F.mse_loss); more: the softmax regression (F.cross_entropy). The loss and its gradient
    are torch's (autograd); the steps are scipy's L-BFGS-B (torch.optim.LBFGS would import
    torch._dynamo, which costs each stage a long import)."""
    import scipy.optimize

    torch.manual_seed(seed)
    X_t = torch.tensor(X, dtype=torch.float64)
    if out_features == 1:
        y_t, loss_of_output = torch.tensor(y, dtype=torch.float64), mse_of_flat_output
    else:
        y_t, loss_of_output = torch.tensor(y, dtype=torch.int64), F.cross_entropy
    model = nn.Linear(X.shape[1], out_features, bias=True).double()
    parameters = list(model.parameters())
    shapes = [p.shape for p in parameters]
    losses: list[float] = []

    def loss_and_gradient(flat: np.ndarray) -> tuple[float, np.ndarray]:
        with torch.no_grad():
            offset = 0
            for p, shape in zip(parameters, shapes, strict=True):
                p.copy_(torch.from_numpy(flat[offset : offset + p.numel()]).reshape(shape))
                p.grad = None
                offset += p.numel()
        loss = loss_of_output(model(X_t), y_t)
        loss.backward()
        losses.append(loss.item())
        return loss.item(), np.concatenate([p.grad.numpy().ravel() for p in parameters])

    start = np.concatenate([p.detach().numpy().ravel() for p in parameters])
    options = {"maxiter": max_iter, "gtol": 1e-12, "ftol": 1e-15}
    result = scipy.optimize.minimize(loss_and_gradient, start, jac=True, method="L-BFGS-B", options=options)
    loss_and_gradient(result.x)  # leave the model at the optimum
    return Fit.from_history(linear_layers(model), losses)
