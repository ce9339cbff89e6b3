"""What every model shares: the registry that describes each model once, a trained model's
layers (NumPy, `X @ W + b`), its metrics, one model's training run, and the comparisons of
the reference checks."""
