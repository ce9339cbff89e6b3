"""The NumPy + scipy models (notebook parts 1.A and 2.A), their optimizer and their checks."""
