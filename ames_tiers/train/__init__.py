"""The train stage's library: one file per notebook part, named by its model's key (its `fit`
and its `parity` checks), and what they share.

- linreg_numpy   1.A  linear regression, NumPy + scipy BFGS
- linreg_torch   1.B  linear regression, PyTorch SGD
- logreg_numpy   2.A  softmax regression, NumPy + scipy BFGS (softmax, cross-entropy by hand)
- logreg_torch   2.B  softmax regression, PyTorch SGD
- mlp                 looking ahead: the MLP, PyTorch SGD
- numpy_shared, torch_shared   what the NumPy models and the PyTorch models share
- parity         the parity checks' vocabulary, records and reference implementations
- metrics        loss and accuracy, the same way for every model
- run            one model's run: fit, parity, the files it writes

Importing this package pins torch's CPU kernels (ames_tiers.portable) before any of its
modules imports torch."""

import ames_tiers.portable  # noqa: F401
