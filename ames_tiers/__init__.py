"""The CS 375 Ames price-tier pipeline's library: data, models, metrics, parity, plots, report.

Importing the package pins the kernels that torch picks by CPU, before torch is imported, so
that every stage (and every queue worker) computes the same bits on every x86-64 CPU:

- ATEN_CPU_CAPABILITY=default: torch's portable kernels, not its AVX2/AVX-512 ones (they
  sum in a different order, use FMA, and vectorize exp/log differently);
- MKL_CBWR=COMPATIBLE: MKL's conditional numerical reproducibility, one code path for
  every CPU in the matrix products;
- ONEDNN_MAX_CPU_ISA=SSE41: oneDNN's most portable kernels, should torch route an op there.

Values already in the environment are overridden: a shell's setting must not change results.
NumPy needs no pin: the pipeline's NumPy arithmetic avoids BLAS and libm (ames_tiers.portable).
"""

import os
import sys

KERNEL_PINS = {
    "ATEN_CPU_CAPABILITY": "default",
    "MKL_CBWR": "COMPATIBLE",
    "ONEDNN_MAX_CPU_ISA": "SSE41",
}

if "torch" in sys.modules and any(os.environ.get(k) != v for k, v in KERNEL_PINS.items()):
    # too late to pin: torch may already have chosen its kernels
    raise ImportError("import ames_tiers before torch, so that its CPU kernels can be pinned")
os.environ.update(KERNEL_PINS)
