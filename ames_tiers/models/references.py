"""Reference implementations that nobody here wrote: numpy.linalg.lstsq and scikit-learn.
The parity checks (ames_tiers/models_*/check.py) compare the models with them."""

from __future__ import annotations

import warnings

import numpy as np

from ames_tiers.models.layers import Layers
from ames_tiers.portable import arithmetic


def softmax_probabilities(logits: np.ndarray) -> np.ndarray:
    """Probabilities from logits, written here rather than taken from models_numpy: the
    softmax under test must not also be the yardstick."""
    z = logits - logits.max(axis=1, keepdims=True)
    e = arithmetic.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def least_squares(X: np.ndarray, y: np.ndarray) -> Layers:
    """The linear regression's closed form: lstsq on [X, 1]."""
    design = np.column_stack([X, np.ones(len(X))])
    coef, *_ = np.linalg.lstsq(design, y.astype(np.float64), rcond=None)
    return [(coef[:-1].reshape(-1, 1), coef[-1:])]


def sklearn_softmax_regression(X: np.ndarray, y: np.ndarray, n_classes: int) -> Layers:
    """scikit-learn's multinomial LogisticRegression without penalty (the notebook's loss has
    none), fitted tightly, as one softmax layer."""
    from sklearn.linear_model import LogisticRegression

    fitted = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(X, y)
    if n_classes == 2:  # sklearn fits one logit for two classes: the second minus the first
        coef, intercept = fitted.coef_[0], fitted.intercept_[0]
        return [(np.column_stack([-coef / 2, coef / 2]), np.array([-intercept / 2, intercept / 2]))]
    return [(fitted.coef_.T, fitted.intercept_)]


def sklearn_mlp(
    initial: Layers, X: np.ndarray, y: np.ndarray, n_classes: int, lr: float, epochs: int
) -> tuple[Layers, np.ndarray]:
    """The layers after ``epochs`` epochs, and the training loss per epoch, of scikit-learn's
    MLPClassifier set up as the notebook's loop:
    ReLU, plain full-batch SGD (no momentum, no L2, no shuffling, constant rate), started
    from ``initial`` (sklearn would draw its own weights), with a softmax output for any tier
    count (for two classes sklearn would use one logistic output instead)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    class SoftmaxMLP(MLPClassifier):
        def _initialize(self, y, layer_units, dtype):
            super()._initialize(y, layer_units, dtype)
            self.out_activation_ = "softmax"  # one-hot targets would otherwise get logistic

        def _init_coef(self, fan_in, fan_out, dtype):
            return tuple(a.astype(dtype) for a in next(layers))

    layers = iter(initial)
    mlp = SoftmaxMLP(
        hidden_layer_sizes=(initial[0][0].shape[1],),
        activation="relu",
        solver="sgd",
        alpha=0.0,
        batch_size=len(X),
        learning_rate="constant",
        learning_rate_init=lr,
        max_iter=epochs,
        shuffle=False,
        momentum=0.0,
        nesterovs_momentum=False,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        early_stopping=False,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X, np.eye(n_classes)[y])
    # (its loss clips each probability to [eps, 1 - eps]: past a loss of ~30 it is not the exact
    # cross-entropy, while its gradient, and so its layers, stay exact)
    return list(zip(mlp.coefs_, mlp.intercepts_, strict=True)), np.asarray(mlp.loss_curve_)
