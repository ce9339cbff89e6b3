"""Property tests (hypothesis) for the hand-written math and the data preparation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ames_tiers.core.errors import UserError
from ames_tiers.prepare import bin_prices, standardization_of
from ames_tiers.train.logreg_numpy import cross_entropy_loss, softmax
from ames_tiers.train.metrics import mean_cross_entropy

finite = st.floats(-50, 50, allow_nan=False, allow_infinity=False)
huge = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)


def logits_arrays(elements=finite):
    return st.tuples(st.integers(1, 12), st.integers(2, 6)).flatmap(
        lambda shape: arrays(np.float64, shape, elements=elements)
    )


@given(logits_arrays(huge), st.floats(-1e3, 1e3))
def test_softmax_ignores_a_constant_added_to_a_row(logits, shift):
    np.testing.assert_allclose(softmax(logits + shift), softmax(logits), atol=1e-9)


@given(logits_arrays(huge))
def test_softmax_gives_probabilities(logits):
    probs = softmax(logits)
    assert np.all((probs >= 0) & (probs <= 1))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-12)


@given(logits_arrays(), st.data())
def test_cross_entropy_is_nonnegative_and_equals_torch(logits, data):
    n, k = logits.shape
    y = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    ours = cross_entropy_loss(np.eye(k)[y], softmax(logits))
    exact = mean_cross_entropy(logits, y)
    theirs = F.cross_entropy(torch.tensor(logits), torch.tensor(y)).item()
    assert ours >= -1e-6 and exact >= 0  # log(p + 1e-6) can dip just below 0 when p = 1
    assert exact == np.float64(theirs) or abs(exact - theirs) <= 1e-9 * max(1.0, abs(theirs))
    # the notebook's +1e-6 changes each term by at most log(1 + 1e-6 / p)
    assert ours <= exact + 1e-12
    p_true = softmax(logits)[np.arange(n), y]
    assert exact - ours <= np.mean(np.log1p(1e-6 / p_true)) + 1e-12


@settings(deadline=None)
@given(st.lists(st.integers(1, 40), min_size=6, max_size=200), st.integers(2, 5))
def test_tiers_differ_in_size_by_at_most_one_tie_group(prices, n_classes):
    prices = pd.Series(prices, dtype=float)
    try:
        tiers = bin_prices(prices, n_classes)
    except UserError as err:  # an empty tier is a clear error, checked elsewhere
        assert "is empty after binning" in str(err) or "has a single value" in str(err)
        return
    sizes = np.bincount(tiers, minlength=n_classes)
    largest_tie = int(prices.value_counts().max())
    # equal-width bins of the percentile rank: sizes differ only by rounding and by a tie
    # group that must stay in one tier
    assert sizes.max() - sizes.min() <= largest_tie + 1
    # tiers are ordered by price, and equal prices share a tier
    for _, group in pd.Series(tiers).groupby(prices.values):
        assert group.nunique() == 1
    for low in range(n_classes - 1):
        assert prices[tiers == low].max() < prices[tiers == low + 1].min()


@given(arrays(np.float64, st.tuples(st.integers(2, 50), st.just(2)), elements=st.floats(-1e3, 1e3)))
def test_standardization_gives_mean_0_and_std_1(X):
    try:
        stats = standardization_of(X, ("a", "b"), "all")
    except UserError:
        return  # a constant column: refused, with its name
    if (stats.std < 1e-6 * (1 + np.abs(stats.mean))).any():
        return  # a nearly constant column: rounding dominates, nothing to check
    Z = stats.apply(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-9)
    np.testing.assert_allclose(Z.std(axis=0), 1, atol=1e-9)
