"""The notebook's PyTorch models: nn.Linear for linear (1.B) and softmax regression (2.B),
and the 2 -> hidden -> ReLU -> n_classes MLP ("looking ahead"), each trained with full-batch
SGD exactly as the notebook's loop does."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# One thread: with the kernels pinned (stages/__init__.py) a second thread does not speed
# these small products up, and two processes with two threads each on two cores (the
# README's `dvc queue start -j 2`) spin against each other (measured 80x slower).
TORCH_THREADS = 1
torch.set_num_threads(TORCH_THREADS)


@dataclass
class TorchFit:
    """Learned layers in the notebook's NumPy orientation (W is in x out; torch's transposed)."""

    layers: list[tuple[np.ndarray, np.ndarray]]
    loss_history: list[float]  # training loss at each epoch, before that epoch's step


def train_full_batch_sgd(
    model: nn.Module, loss_of_output, X: torch.Tensor, y: torch.Tensor, lr: float, epochs: int
) -> list[float]:
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = torch.empty(epochs, dtype=X.dtype)
    for epoch in range(epochs):
        loss = loss_of_output(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses[epoch] = loss.detach()  # no .item() sync per epoch
    return losses.tolist()


def linear_layers(model: nn.Module) -> list[tuple[np.ndarray, np.ndarray]]:
    return [
        (m.weight.detach().numpy().T.astype(np.float64), m.bias.detach().numpy().astype(np.float64))
        for m in model.modules()
        if isinstance(m, nn.Linear)
    ]


def _tensors(X: np.ndarray, y: np.ndarray, y_dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=y_dtype)


def train_linear_regression_torch(
    X: np.ndarray, y: np.ndarray, lr: float, epochs: int, seed: int
) -> TorchFit:
    """Part 1.B: nn.Linear(n_features, 1) and F.mse_loss on the class number as a float."""
    torch.manual_seed(seed)
    X_t, y_t = _tensors(X, y, torch.float32)
    model = nn.Linear(in_features=X.shape[1], out_features=1, bias=True)
    history = train_full_batch_sgd(
        model, lambda out, target: F.mse_loss(out.flatten(), target), X_t, y_t, lr, epochs
    )
    return TorchFit(linear_layers(model), history)


def train_softmax_regression_torch(
    X: np.ndarray, y: np.ndarray, n_classes: int, lr: float, epochs: int, seed: int
) -> TorchFit:
    """Part 2.B: nn.Linear(n_features, n_classes) and F.cross_entropy on class indices."""
    torch.manual_seed(seed)
    X_t, y_t = _tensors(X, y, torch.int64)
    model = nn.Linear(in_features=X.shape[1], out_features=n_classes, bias=True)
    history = train_full_batch_sgd(model, F.cross_entropy, X_t, y_t, lr, epochs)
    return TorchFit(linear_layers(model), history)


def build_mlp(n_features: int, hidden: int, n_classes: int, seed: int) -> nn.Sequential:
    """The notebook's MLP with its seeded initial weights (the parity check starts here too)."""
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Linear(in_features=n_features, out_features=hidden, bias=True),
        nn.ReLU(),
        nn.Linear(in_features=hidden, out_features=n_classes, bias=True),
    )


def train_mlp(
    X: np.ndarray,
    y: np.ndarray,
    n_classes: int,
    hidden: int,
    lr: float,
    epochs: int,
    seed: int,
    dtype: torch.dtype = torch.float32,
) -> TorchFit:
    """Looking ahead: Linear -> ReLU -> Linear, trained like softmax regression. float32 as
    in the notebook; the parity check retrains it in float64 from the same initial weights."""
    X_t, y_t = torch.tensor(X, dtype=dtype), torch.tensor(y, dtype=torch.int64)
    model = build_mlp(X.shape[1], hidden, n_classes, seed).to(dtype)
    history = train_full_batch_sgd(model, F.cross_entropy, X_t, y_t, lr, epochs)
    return TorchFit(linear_layers(model), history)


def fit_lbfgs(
    X: np.ndarray, y: np.ndarray, out_features: int, seed: int, max_iter: int
) -> TorchFit:
    """nn.Linear trained to convergence with L-BFGS in float64: where the notebook's SGD
    epochs would end if they ran long enough (used by the parity check). One output: the
    linear regression (F.mse_loss); more: the softmax regression (F.cross_entropy)."""
    torch.manual_seed(seed)
    X_t = torch.tensor(X, dtype=torch.float64)
    if out_features == 1:
        y_t = torch.tensor(y, dtype=torch.float64)
        loss_of_output = lambda out, target: F.mse_loss(out.flatten(), target)  # noqa: E731
    else:
        y_t = torch.tensor(y, dtype=torch.int64)
        loss_of_output = F.cross_entropy
    model = nn.Linear(X.shape[1], out_features, bias=True).double()
    optimizer = torch.optim.LBFGS(
        model.parameters(), max_iter=max_iter, tolerance_grad=1e-12, tolerance_change=1e-15,
        history_size=20, line_search_fn="strong_wolfe",
    )
    losses: list[float] = []

    def closure():
        optimizer.zero_grad()
        loss = loss_of_output(model(X_t), y_t)
        loss.backward()
        losses.append(loss.item())
        return loss

    optimizer.step(closure)
    return TorchFit(linear_layers(model), losses)
