"""Reproducibility in one place: the same bytes from the same params and data on every x86-64 CPU.

What it guarantees (tests/e2e/test_portability.py reruns every stage under an AVX2 profile and
an x86-64-v2 profile, no AVX and no FMA, and compares every output with the committed bytes):

- torch's kernels are pinned here, on import, before torch is imported (ames_tiers.train
  imports this package first; importing torch before it with other values is an ImportError):
  ATEN_CPU_CAPABILITY=default (torch's portable kernels, not its AVX2/AVX-512 ones, which sum
  in another order, use FMA and vectorize exp/log differently), MKL_CBWR=COMPATIBLE (one MKL
  code path on every CPU) and ONEDNN_MAX_CPU_ISA=SSE41 (oneDNN's most portable kernels).
  Values already in the environment are overridden: a shell's setting must not change results.
  The torch models run on TORCH_THREADS threads (set where torch is imported).
- NumPy's exp, log and products come from `arithmetic` (fdlibm's exp and log, products summed
  in a fixed order), not from NumPy's SIMD loops, libm or BLAS, which differ by CPU.
- `bfgs` is scipy.optimize.minimize's BFGS with those products, so the NumPy models' weights
  are the same bits everywhere.

What it costs (measured in BENCHMARKS.md): the pinned torch loop is slower than torch's
defaults on a CPU with AVX-512; the NumPy arithmetic costs microseconds on these tiny arrays.
What it does not cover: aarch64, where torch's float32 kernels differ in the last bits.
"""

import os
import sys

KERNEL_PINS = {
    "ATEN_CPU_CAPABILITY": "default",
    "MKL_CBWR": "COMPATIBLE",
    "ONEDNN_MAX_CPU_ISA": "SSE41",
}
# One thread: with the kernels pinned a second thread does not speed these small products up,
# and two processes with two threads each on two cores (`dvc queue start -j 2`) spin against
# each other (measured 80x slower).
TORCH_THREADS = 1

if "torch" in sys.modules and any(os.environ.get(k) != v for k, v in KERNEL_PINS.items()):
    # too late to pin: torch may already have chosen its kernels
    raise ImportError("import ames_tiers.portable before torch, so that its CPU kernels can be pinned")
os.environ.update(KERNEL_PINS)
