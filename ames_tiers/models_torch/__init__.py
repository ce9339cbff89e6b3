"""The PyTorch models (notebook parts 1.B, 2.B and the MLP) and their checks.

Importing this package pins torch's CPU kernels (ames_tiers.portable) before its modules
import torch."""

import ames_tiers.portable  # noqa: F401
