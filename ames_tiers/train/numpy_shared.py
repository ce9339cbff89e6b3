"""What the notebook's two NumPy models (parts 1.A and 2.A) share: its `flatten` (the weights
and bias as the one vector scipy.optimize.minimize works on), `linear_forward`, and their
parity check against scipy.optimize.minimize itself."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ames_tiers.models.differences import relative_diff
from ames_tiers.models.layers import Fit
from ames_tiers.portable import arithmetic
from ames_tiers.portable.bfgs import BFGSResult
from ames_tiers.train.parity import ParityCheck


def flatten(arrs: list) -> tuple[np.ndarray, Callable[[np.ndarray], list[np.ndarray]]]:
    """Return a 1D array of the elements of ``arrs`` and the function that undoes it
    (as in the notebook, after autograd's misc/flatten.py)."""
    arrs = [np.asarray(arr) for arr in arrs]
    shapes = [arr.shape for arr in arrs]
    flat = np.concatenate([arr.ravel() for arr in arrs])
    start_indices = np.cumsum([0] + [arr.size for arr in arrs])

    def unflatten(params: np.ndarray) -> list[np.ndarray]:
        return [
            params[start_indices[i] : start_indices[i + 1]].reshape(shape) for i, shape in enumerate(shapes)
        ]

    return flat, unflatten


def linear_forward(X: np.ndarray, weights: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """X @ weights + bias (one output when ``weights`` is a vector), the same bits on every CPU."""
    if weights.ndim == 1:
        return arithmetic.matmul(X, weights.reshape(-1, 1))[:, 0] + bias
    return arithmetic.matmul(X, weights) + bias


def fit_from(result: BFGSResult, weights: np.ndarray, bias: np.ndarray) -> Fit:
    """The Fit of a minimize() result: one layer `X @ W + b` and the loss per iteration."""
    layers = [(np.reshape(weights, (len(weights), -1)), np.reshape(bias, -1))]
    return Fit.from_history(layers, result.loss_history, iterations=result.nit)


def scipy_parity(subject: str, fit: Fit, loss, x0, args: tuple, jac: bool, tolerance: float) -> ParityCheck:
    """The final loss of scipy.optimize.minimize, called as the notebook calls it
    (`scipy.optimize.minimize(loss_given_params, initial_params, args=(X_train, y_train))`, or
    with the exact gradient and jac=True), against ours: ames_tiers.portable.bfgs transcribes
    its algorithm (the same start, the same gradient mode)."""
    import scipy.optimize

    result = (
        scipy.optimize.minimize(loss, x0, args=args, jac=True)
        if jac
        else scipy.optimize.minimize(loss, x0, args=args)
    )
    difference = relative_diff(fit.optimizer["final_loss"], result.fun)
    return ParityCheck(subject, "scipy.optimize.minimize", "final training loss", difference, "relative",
                       tolerance)  # fmt: skip
