"""Float64 arithmetic that gives the same bits on every x86-64 CPU.

NumPy picks kernels by CPU: ``np.exp``/``np.log`` run NumPy's AVX-512 code on AVX-512
machines and glibc's libm elsewhere (whose FMA and SSE2 variants differ too), and ``@``/
``np.dot`` call OpenBLAS, whose kernel (and so its summation order and FMA use) depends on
the CPU and on $OPENBLAS_CORETYPE. Each of those changes the last bits of a loss, and
scipy's finite-difference BFGS turns last bits into different weights.

Here everything is built from IEEE-754 operations that are correctly rounded on every CPU
(+, -, *, /, comparisons, frexp/ldexp, and NumPy's reductions, which are not dispatched by
CPU): exp and log are fdlibm's algorithms (< 1 ulp), products are summed in a fixed order.
The arrays are tiny, so this costs microseconds.
"""

from __future__ import annotations

import numpy as np

# --- exp: fdlibm e_exp.c (argument reduction x = k ln2 + r, rational approximation of e^r) --

_LN2_HI = 6.93147180369123816490e-01  # ln2's leading bits: k * _LN2_HI is exact
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e00
_EXP_P = (
    1.66666666666666019037e-01,
    -2.77777777770155933842e-03,
    6.61375632143793436117e-05,
    -1.65339022054652515390e-06,
    4.13813679705723846039e-08,
)
_EXP_OVERFLOW = 7.09782712893383973096e02
_EXP_UNDERFLOW = -7.45133219101941108420e02


def exp(x: np.ndarray) -> np.ndarray:
    """e**x, elementwise, within 1 ulp, identical on every CPU."""
    x = np.asarray(x, dtype=np.float64)
    finite = np.clip(np.nan_to_num(x), _EXP_UNDERFLOW, _EXP_OVERFLOW)
    k = np.trunc(finite * _INV_LN2 + np.copysign(0.5, finite))
    hi = finite - k * _LN2_HI
    lo = k * _LN2_LO
    r = hi - lo
    t = r * r
    p1, p2, p3, p4, p5 = _EXP_P
    c = r - t * (p1 + t * (p2 + t * (p3 + t * (p4 + t * p5))))
    y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi)
    result = np.ldexp(y, k.astype(np.int64))
    result = np.where(x > _EXP_OVERFLOW, np.inf, result)
    result = np.where(x < _EXP_UNDERFLOW, 0.0, result)
    return np.where(np.isnan(x), np.nan, result)


# --- log: fdlibm e_log.c (x = 2^k (1 + f), log(1 + f) from s = f / (2 + f)) -----------------

_LG = (
    6.666666666666735130e-01,
    3.999999999940941908e-01,
    2.857142874366239149e-01,
    2.222219843214978396e-01,
    1.818357216161805012e-01,
    1.531383769920937332e-01,
    1.479819860511658591e-01,
)
_SQRT_HALF = 0.70710678118654752440


def log(x: np.ndarray) -> np.ndarray:
    """Natural logarithm, elementwise, within 1 ulp, identical on every CPU."""
    x = np.asarray(x, dtype=np.float64)
    positive = np.where((x > 0) & np.isfinite(x), x, 1.0)
    mantissa, exponent = np.frexp(positive)  # exact: positive = mantissa * 2**exponent
    low = mantissa < _SQRT_HALF
    m = np.where(low, 2.0 * mantissa, mantissa)  # in [sqrt(1/2), sqrt(2))
    dk = (exponent - low).astype(np.float64)
    f = m - 1.0  # exact (Sterbenz)
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    lg1, lg2, lg3, lg4, lg5, lg6, lg7 = _LG
    t1 = w * (lg2 + w * (lg4 + w * lg6))
    t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)))
    hfsq = 0.5 * f * f
    result = dk * _LN2_HI - ((hfsq - (s * (hfsq + t2 + t1) + dk * _LN2_LO)) - f)
    result = np.where(x == 0, -np.inf, result)
    result = np.where(x == np.inf, np.inf, result)
    return np.where((x < 0) | np.isnan(x), np.nan, result)


# --- products in a fixed order ---------------------------------------------------------------


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b for 2-D arrays, summing the inner dimension left to right: each product is
    rounded, then added in order, whatever the CPU (BLAS would choose its own order)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} are not aligned")
    out = np.zeros((a.shape[0], b.shape[1]))
    for k in range(a.shape[1]):
        out = out + a[:, k : k + 1] * b[k]
    return out


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """The inner product of two vectors, summed left to right."""
    return float(matmul(np.reshape(a, (1, -1)), np.reshape(b, (-1, 1)))[0, 0])
