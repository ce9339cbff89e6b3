"""scipy.optimize.minimize(method="BFGS") with its vector arithmetic made CPU-independent.

scipy's BFGS multiplies its inverse-Hessian estimate and takes inner products with
``np.dot``/``@``, which call OpenBLAS; OpenBLAS picks a kernel by CPU, so the same problem
gives different last bits, and through the finite-difference gradient different weights,
on different machines. This is the same algorithm, transcribed from scipy 1.17's
``_minimize_bfgs`` and ``line_search_wolfe1/2`` with their defaults (gtol 1e-5 in the
max-norm, forward differences with absolute step sqrt(machine epsilon), MINPACK's line
search, falling back to the strong-Wolfe search), with every product from
``ames_tiers.portable.arithmetic``. The scalar line searches are scipy's own (from its private
``scipy.optimize._linesearch``: an import error names the scipy version this was written for).

What is checked: on Rosenbrock's function its iteration count is within 2 of scipy's and its
minimum within 1e-4 (with the exact gradient: the same count, within 1e-8)
(tests/portable/test_bfgs.py); on the notebook's problems each NumPy model's parity check,
on every run, holds its final loss within ``parity.<model>.scipy_loss`` (relative) of
scipy.optimize.minimize's. Not claimed: scipy's iterates bit for bit (scipy's BLAS products
round differently).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ames_tiers.portable.arithmetic import dot, matmul

try:
    from scipy.optimize._linesearch import scalar_search_wolfe1, scalar_search_wolfe2
except ImportError as err:  # a private module: it may move in another scipy than the pinned one
    raise ImportError(
        f"ames_tiers.portable.bfgs needs scipy.optimize._linesearch's scalar searches, written for "
        f"scipy 1.17 (pyproject.toml pins it); this scipy does not have them ({err})"
    ) from err

FD_STEP = float(np.sqrt(np.finfo(float).eps))  # scipy's default `eps` for jac=None

Loss = Callable[[np.ndarray], float]
LossAndGradient = Callable[[np.ndarray], tuple[float, np.ndarray]]


@dataclass
class BFGSResult:
    x: np.ndarray
    fun: float
    nit: int
    success: bool
    loss_history: list[float]  # the loss at x0, then after each iteration (scipy's callback)


def forward_difference(loss: Loss, x: np.ndarray, f0: float) -> np.ndarray:
    """scipy's '2-point' gradient with an absolute step: (f(x + h e_i) - f(x)) / h_i."""
    h = np.full(len(x), FD_STEP)
    h = np.where((x + h) - x == 0, FD_STEP * np.maximum(1.0, np.abs(x)), h)
    gradient = np.empty(len(x))
    for i in range(len(x)):
        shifted = x.copy()
        shifted[i] = x[i] + h[i]
        gradient[i] = (loss(shifted) - f0) / ((x[i] + h[i]) - x[i])
    return gradient


class _Objective:
    """The loss and its gradient at one point at a time, cached like scipy's ScalarFunction."""

    def __init__(self, loss: Loss, loss_and_gradient: LossAndGradient | None):
        self.loss, self.loss_and_gradient = loss, loss_and_gradient
        self.x: np.ndarray | None = None
        self.f: float | None = None
        self.g: np.ndarray | None = None

    def _move(self, x: np.ndarray) -> None:
        if self.x is None or not np.array_equal(x, self.x):
            self.x, self.f, self.g = np.array(x, dtype=np.float64), None, None

    def fun(self, x: np.ndarray) -> float:
        self._move(x)
        if self.f is None:
            if self.loss_and_gradient is not None:
                self.f, self.g = self._both(self.x)
            else:
                self.f = float(self.loss(self.x.copy()))
        return self.f

    def grad(self, x: np.ndarray) -> np.ndarray:
        self._move(x)
        if self.g is None:
            if self.loss_and_gradient is not None:
                self.f, self.g = self._both(self.x)
            else:
                self.g = forward_difference(self.loss, self.x, self.fun(self.x))
        return self.g

    def _both(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        f, g = self.loss_and_gradient(x.copy())
        return float(f), np.asarray(g, dtype=np.float64)


def _line_search(objective: _Objective, xk, pk, gfk, old_fval, old_old_fval, c1=1e-4, c2=0.9):
    """scipy's _line_search_wolfe12: MINPACK's search, then the strong-Wolfe one if it fails.
    Returns (step, new loss, previous loss, gradient at the new point or None), or None."""
    last_gradient = [gfk]

    def phi(s: float) -> float:
        return objective.fun(xk + s * pk)

    def derphi(s: float) -> float:
        last_gradient[0] = objective.grad(xk + s * pk)
        return dot(last_gradient[0], pk)

    derphi0 = dot(gfk, pk)
    step, fval, old_fval_out = scalar_search_wolfe1(
        phi,
        derphi,
        old_fval,
        old_old_fval,
        derphi0,
        c1=c1,
        c2=c2,
        amax=1e100,
        amin=1e-100,
        xtol=1e-14,
    )
    if step is not None:
        return step, fval, old_fval_out, last_gradient[0]
    last_gradient[0] = None
    step, fval, old_fval_out, derphi_star = scalar_search_wolfe2(
        phi, derphi, old_fval, old_old_fval, derphi0, c1, c2, 1e100, None, maxiter=10
    )
    if step is None:
        return None
    return step, fval, old_fval_out, (None if derphi_star is None else last_gradient[0])


def minimize(fun: Callable, x0: np.ndarray, args: tuple = (), jac: bool | None = None) -> BFGSResult:
    """``scipy.optimize.minimize(fun, x0, args=args, jac=jac)`` (BFGS): the notebook's call, with
    its result fields (.x, .fun, .nit, .success). ``jac=True``: ``fun`` returns the loss and its
    gradient; otherwise the gradient is estimated by forward differences, as scipy does."""
    if jac is True:
        return minimize_bfgs(lambda x: fun(x, *args)[0], x0, lambda x: fun(x, *args))
    if jac is not None:
        raise ValueError("jac must be True or None")
    return minimize_bfgs(lambda x: fun(x, *args), x0)


def minimize_bfgs(
    loss: Loss,
    x0: np.ndarray,
    loss_and_gradient: LossAndGradient | None = None,
    gtol: float = 1e-5,
) -> BFGSResult:
    """Minimize ``loss`` from ``x0`` with scipy's BFGS algorithm: by finite differences, or
    with ``loss_and_gradient`` as scipy's ``jac=True``."""
    objective = _Objective(loss, loss_and_gradient)
    xk = np.asarray(x0, dtype=np.float64).flatten()
    n = len(xk)
    identity = np.eye(n)
    old_fval = objective.fun(xk)
    gfk = objective.grad(xk)
    Hk = identity
    old_old_fval = old_fval + np.sqrt(dot(gfk, gfk)) / 2  # the first step is then about 1
    history = [old_fval]
    k, success = 0, True
    gnorm = np.max(np.abs(gfk))
    while gnorm > gtol and k < 200 * n:
        pk = -matmul(Hk, gfk.reshape(-1, 1))[:, 0]
        found = _line_search(objective, xk, pk, gfk, old_fval, old_old_fval)
        if found is None:
            success = False  # scipy: "Desired error not necessarily achieved due to precision loss"
            break
        alpha_k, old_fval, old_old_fval, gfkp1 = found
        sk = alpha_k * pk
        xk = xk + sk
        if gfkp1 is None:
            gfkp1 = objective.grad(xk)
        yk = gfkp1 - gfk
        gfk = gfkp1
        k += 1
        history.append(float(old_fval))
        gnorm = np.max(np.abs(gfk))
        if gnorm <= gtol:
            break
        if alpha_k * np.sqrt(np.sum(pk**2)) <= 0:  # scipy's xrtol test at xrtol = 0
            break
        if not np.isfinite(old_fval):
            success = False
            break
        rhok_inv = dot(yk, sk)
        rhok = 1000.0 if rhok_inv == 0.0 else 1.0 / rhok_inv
        A1 = identity - sk[:, np.newaxis] * yk[np.newaxis, :] * rhok
        A2 = identity - yk[:, np.newaxis] * sk[np.newaxis, :] * rhok
        Hk = matmul(A1, matmul(Hk, A2)) + (rhok * sk[:, np.newaxis] * sk[np.newaxis, :])
    success = success and k < 200 * n and bool(np.isfinite(old_fval))
    return BFGSResult(x=xk, fun=float(old_fval), nit=k, success=success, loss_history=history)
