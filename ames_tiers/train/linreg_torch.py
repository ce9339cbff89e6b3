"""Notebook part 1.B: linear regression in PyTorch, the same model as 1.A (the tier number as
a real value) as nn.Linear(n_features, 1), trained by the notebook's full-batch SGD loop.
Stage: train@linreg_torch; params: `models.linreg_torch` (lr, epochs), `seed`,
`parity.linreg_torch`.

Where the notebook's cells are now:
- `X_train_torch = torch.tensor(X_train, dtype=torch.float32)`, `torch.manual_seed(seed)`,
  `nn.Linear(in_features=n_features, out_features=1, bias=True)`   -> fit
- `F.mse_loss(model(X).flatten(), y)`                              -> torch_shared.mse_of_flat_output
- the loop: `optimizer.zero_grad()`, `loss.backward()`, `optimizer.step()`
                                                                   -> torch_shared.train_full_batch_sgd
- its weights beside 1.A's (the analysis question)                 -> ames_tiers/report/analysis.py
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch
import torch.nn as nn

from ames_tiers.models.layers import Fit, FitContext
from ames_tiers.train.parity import ParityCheck, linear_regression_parity
from ames_tiers.train.torch_shared import (
    AS_TRAINED,
    CONVERGED,
    fit_lbfgs,
    linear_layers,
    mse_of_flat_output,
    train_full_batch_sgd,
)

if TYPE_CHECKING:
    from ames_tiers.core.dataset import Split
    from ames_tiers.models.schema import LinearRegressionTorchParity, SGDParams


def fit(X: np.ndarray, y: np.ndarray, params: SGDParams, context: FitContext) -> Fit:
    """nn.Linear(n_features, 1) and F.mse_loss on the tier number as a float."""
    torch.manual_seed(context.seed)
    X_t, y_t = torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)
    model = nn.Linear(in_features=X.shape[1], out_features=1, bias=True)
    history = train_full_batch_sgd(model, mse_of_flat_output, X_t, y_t, params.lr, params.epochs)
    return Fit.from_history(linear_layers(model), history)


def parity(
    trained: Fit,
    split: Split,
    params: SGDParams,
    tolerances: LinearRegressionTorchParity,
    context: FitContext,
) -> list[ParityCheck]:
    """A fixed number of SGD epochs need not converge (a sweep's small learning rate), so the
    model is checked where it can be exact: trained to convergence in float64 (L-BFGS), against
    the closed form. The model as trained is compared too, for information."""
    converged = fit_lbfgs(split.X_train, split.y_train, 1, context.seed, tolerances.lbfgs_max_iter)
    return [
        *linear_regression_parity(
            CONVERGED.format("linreg_torch"), converged.layers, split, tolerances.optimum
        ),
        *linear_regression_parity(AS_TRAINED.format("linreg_torch"), trained.layers, split, None),
    ]
