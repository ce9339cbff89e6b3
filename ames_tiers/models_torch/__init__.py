"""The PyTorch models (notebook parts 1.B, 2.B and the MLP) and their checks."""
