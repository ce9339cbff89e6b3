"""Notebook part 2.B: logistic (softmax) regression in PyTorch, the same model as 2.A as
nn.Linear(n_features, n_classes) and F.cross_entropy on tier indices, trained by the notebook's
full-batch SGD loop. Stage: train@logreg_torch; params: `models.logreg_torch` (lr, epochs),
`seed`, `parity.logreg_torch`.

Where the notebook's cells are now:
- `nn.Linear(in_features=n_features, out_features=n_classes)`, `torch.manual_seed(seed)`,
  `F.cross_entropy(logits, y)` (softmax and the log inside it)     -> fit
- the loop: `optimizer.zero_grad()`, `loss.backward()`, `optimizer.step()`
                                                                   -> torch_shared.train_full_batch_sgd
- `logits.argmax(axis=1)`, the accuracy                            -> ames_tiers/models/layers.py predict
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ames_tiers.models.differences import centred, relative_diff
from ames_tiers.models.layers import Fit, FitContext
from ames_tiers.train.parity import ParityCheck, probabilities_parity, sklearn_softmax_regression
from ames_tiers.train.torch_shared import (
    AS_TRAINED,
    CONVERGED,
    fit_lbfgs,
    linear_layers,
    train_full_batch_sgd,
)

if TYPE_CHECKING:
    from ames_tiers.core.dataset import Split
    from ames_tiers.models.schema import SGDParams, SoftmaxRegressionTorchParity


def fit(X: np.ndarray, y: np.ndarray, params: SGDParams, context: FitContext) -> Fit:
    """nn.Linear(n_features, n_classes) and F.cross_entropy on tier indices."""
    torch.manual_seed(context.seed)
    X_t, y_t = torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.int64)
    model = nn.Linear(in_features=X.shape[1], out_features=context.n_classes, bias=True)
    history = train_full_batch_sgd(model, F.cross_entropy, X_t, y_t, params.lr, params.epochs)
    return Fit.from_history(linear_layers(model), history)


def parity(
    trained: Fit,
    split: Split,
    params: SGDParams,
    tolerances: SoftmaxRegressionTorchParity,
    context: FitContext,
) -> list[ParityCheck]:
    """Trained to convergence in float64 (L-BFGS), against scikit-learn's LogisticRegression:
    probabilities, predictions, and the weights centred over classes (the part softmax sees).
    The model as trained is compared too, for information."""
    reference = sklearn_softmax_regression(split.X_train, split.y_train, context.n_classes)
    converged = fit_lbfgs(split.X_train, split.y_train, context.n_classes, context.seed,
                          tolerances.lbfgs_max_iter)  # fmt: skip
    checks = []
    for subject, layers, limits in (
        (CONVERGED.format("logreg_torch"), converged.layers, tolerances),
        (AS_TRAINED.format("logreg_torch"), trained.layers, None),
    ):
        difference = relative_diff(centred(*layers[0]), centred(*reference[0]))
        checks += [
            *probabilities_parity(subject, layers, reference, split.X_valid, limits),
            ParityCheck(subject, "sklearn LogisticRegression (no penalty)",
                        "weights and bias, centred over classes", difference, "relative",
                        limits and limits.centred_weights),
        ]  # fmt: skip
    return checks
