"""ames_tiers/portable/bfgs.py: BFGS as scipy runs it, with CPU-independent products."""

import numpy as np
import pytest
import scipy.optimize

from ames_tiers.portable.bfgs import minimize_bfgs


def rosenbrock(x: np.ndarray) -> float:
    return float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2))


@pytest.mark.parametrize("x0", [np.array([-1.2, 1.0]), np.array([0.5, -0.3, 0.8, 1.4])])
def test_bfgs_follows_scipy(x0):
    ours = minimize_bfgs(rosenbrock, x0)
    theirs = scipy.optimize.minimize(rosenbrock, x0, method="BFGS")
    assert ours.success and theirs.success
    assert abs(ours.nit - theirs.nit) <= 2  # same algorithm; last bits differ in BLAS's sums
    np.testing.assert_allclose(ours.x, theirs.x, atol=1e-4)
    assert ours.loss_history[0] == rosenbrock(x0) and ours.loss_history[-1] == ours.fun
    assert len(ours.loss_history) == ours.nit + 1


def test_bfgs_with_exact_gradient_follows_scipy_jac_true():
    def loss_and_gradient(x):
        return rosenbrock(x), scipy.optimize.rosen_der(x)

    x0 = np.array([-1.2, 1.0])
    ours = minimize_bfgs(rosenbrock, x0, loss_and_gradient)
    theirs = scipy.optimize.minimize(loss_and_gradient, x0, jac=True, method="BFGS")
    assert ours.nit == theirs.nit
    np.testing.assert_allclose(ours.x, theirs.x, atol=1e-8)
    np.testing.assert_allclose(ours.x, [1.0, 1.0], atol=1e-5)


def test_a_scipy_without_the_private_line_search_is_a_clear_import_error():
    import subprocess
    import sys

    code = "import sys; sys.modules['scipy.optimize._linesearch'] = None\nimport ames_tiers.portable.bfgs"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1
    assert "written for scipy 1.17 (pyproject.toml pins it)" in result.stderr.splitlines()[-1]
