"""The NumPy + scipy models (notebook parts 1.A and 2.A) and their checks."""
