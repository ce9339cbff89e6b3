"""ames_tiers/portable/arithmetic.py: CPU-independent arithmetic, as accurate as NumPy's."""

import numpy as np
import pytest

from ames_tiers.portable import arithmetic


def ulps(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b) / np.spacing(np.maximum(np.abs(a), np.abs(b)))))


def test_exp_is_within_one_ulp_of_numpy():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-700, 700, 50_000), rng.uniform(-40, 1, 50_000), [0.0, 1e-300, -1e-9]])
    assert ulps(arithmetic.exp(x), np.exp(x)) <= 1.0
    assert arithmetic.exp(np.array([0.0]))[0] == 1.0


def test_exp_special_values():
    got = arithmetic.exp(np.array([np.inf, -np.inf, np.nan, 710.0, -746.0]))
    assert got[0] == np.inf and got[1] == 0.0 and np.isnan(got[2]) and got[3] == np.inf and got[4] == 0.0


def test_log_is_within_one_ulp_of_numpy():
    rng = np.random.default_rng(1)
    x = np.concatenate(
        [rng.uniform(1e-7, 3, 50_000), 10 ** rng.uniform(-300, 300, 50_000), [np.sqrt(2), 0.5]]
    )
    assert ulps(arithmetic.log(x), np.log(x)) <= 1.0
    assert arithmetic.log(np.array([1.0]))[0] == 0.0


def test_log_special_values():
    got = arithmetic.log(np.array([0.0, -1.0, np.inf, np.nan, 5e-324]))
    assert got[0] == -np.inf and np.isnan(got[1]) and got[2] == np.inf and np.isnan(got[3])
    assert got[4] == pytest.approx(np.log(5e-324))


def test_matmul_sums_in_order():
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((40, 7)), rng.standard_normal((7, 3))
    np.testing.assert_allclose(arithmetic.matmul(a, b), a @ b, rtol=0, atol=1e-13)
    # left to right, each product rounded: (1e16 + 1) - 1e16 loses the 1, as written
    assert arithmetic.dot([1e16, 1.0, -1e16], [1.0, 1.0, 1.0]) == 0.0
    with pytest.raises(ValueError, match="not aligned"):
        arithmetic.matmul(a, a)
