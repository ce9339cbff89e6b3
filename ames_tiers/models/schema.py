"""Each model's sections of params.yaml: `models.<name>` (what it trains with) and
`parity.<name>` (its reference checks' tolerances), as typed dataclasses checked on load
(ames_tiers/models/registry.py names each model's two). The bounds say where each value still
trains and passes its checks."""

from __future__ import annotations

from dataclasses import dataclass

from ames_tiers.core.validation import SEED_MAX, boolean, checked, int_between, number_between

LR_RANGE = (1e-6, 100.0)
EPOCHS_MAX = 10_000  # the MLP's 10,000 epochs take a minute or so (it says where it is as it goes)
# Where the bounds below come from: each value inside them trains on the committed data and
# passes its model's checks (tests/test_configurations.py trains at the edges).
LINREG_LR_MAX = (
    0.5  # full-batch SGD on the MSE of standardized features is stable below 1/(1 + |correlation|)
)
MLP_LR_MAX = 3.0  # above ~5, the first epochs are chaotic: float64 rounding alone moves the weights
MLP_HIDDEN_MAX = 1000


# --- each model's section of params.yaml `models` ------------------------------------------


@dataclass(frozen=True)
class BFGSParams:
    """The NumPy models: the notebook's random start, then BFGS (scipy.optimize.minimize)."""

    init_seed: int = checked(int_between(0, SEED_MAX))  # np.random.seed before the initial weights
    # false (the notebook): the gradient by finite differences; true: the exact gradient
    analytic_gradient: bool = checked(boolean)


@dataclass(frozen=True)
class SGDParams:
    """Full-batch SGD, as the notebook trains its PyTorch models."""

    lr: float = checked(number_between(*LR_RANGE), float)
    epochs: int = checked(int_between(1, EPOCHS_MAX))


@dataclass(frozen=True)
class LinearRegressionSGDParams(SGDParams):
    lr: float = checked(number_between(LR_RANGE[0], LINREG_LR_MAX), float)


@dataclass(frozen=True)
class MLPParams:
    hidden: int = checked(int_between(1, MLP_HIDDEN_MAX))
    lr: float = checked(number_between(LR_RANGE[0], MLP_LR_MAX), float)
    epochs: int = checked(int_between(1, EPOCHS_MAX))


# --- each model's section of params.yaml `parity` (see ames_tiers/train/parity.py) ----------------------


def tolerance() -> float:
    """A parity tolerance: a number in (0, 1]."""
    return checked(number_between(0, 1, open_low=True), float)


@dataclass(frozen=True)
class LinearRegressionParity:
    optimum: float = tolerance()  # relative: weights, bias, predictions vs the closed form
    scipy_loss: float = tolerance()  # relative: final loss vs scipy.optimize.minimize (NumPy only)


@dataclass(frozen=True)
class LinearRegressionTorchParity:
    optimum: float = tolerance()
    lbfgs_max_iter: int = checked(int_between(1, 100_000))  # trained to convergence in the check


@dataclass(frozen=True)
class SoftmaxRegressionParity:
    probabilities: float = tolerance()  # absolute: validation probabilities vs scikit-learn
    mismatches: float = tolerance()  # fraction of validation predictions that may differ (near-ties)
    scipy_loss: float = tolerance()


@dataclass(frozen=True)
class SoftmaxRegressionTorchParity:
    probabilities: float = tolerance()
    mismatches: float = tolerance()
    centred_weights: float = tolerance()  # relative: weights and bias, centred over classes
    lbfgs_max_iter: int = checked(int_between(1, 100_000))


@dataclass(frozen=True)
class MLPParity:
    epochs_checked: int = checked(int_between(1, EPOCHS_MAX))  # the first epochs, in float64
    parameters: float = tolerance()  # relative: weights and biases after them vs sklearn
