"""Memory (issue 11, item 9): a call's memory check counts everything it allocates
(output, labels, sample_indices_, draws, maps, float copies), refuses before
allocating what cannot fit, and draws and maps are made in bounded blocks so that
many copies of tiny samples need memory for the output, not for the draws.

``ArrayAugmenter(width_shift_range=.1, n_copies=200_000).fit_resample(
np.zeros((1000, 1), np.uint8), y)`` passed a check of 0.2 GB, then allocated
15 GiB of draws and 9.6 GB of maps."""

import re
import tracemalloc

import numpy as np
import pytest

from sklearn_dlprep import ArrayAugmenter
from sklearn_dlprep.utils import _memory

X_TINY = np.zeros((1000, 1), dtype=np.uint8)
Y_TINY = np.arange(1000) % 2
# Flips draw every value and build every map as warps do (the random stream is the
# same whatever is switched on), but apply as copies: the memory of a warp, fast.
FLIPS = {"horizontal_flip": True}


def _needed_bytes(call, monkeypatch):
    """The bytes a call says it needs, read from its refusal with 1 byte free."""
    with monkeypatch.context() as patch:
        patch.setattr(_memory, "available_memory", lambda: 1)
        with pytest.raises(ValueError, match=r"would need ([\d,]+) bytes") as error:
            call()
    return int(re.search(r"would need ([\d,]+) bytes", str(error.value)).group(1)
               .replace(",", ""))


def _peak_bytes(call):
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_many_copies_of_tiny_samples_are_refused_before_allocating(monkeypatch):
    """With 40 MB free, 2 million copies of 1-byte samples (2 MB of output) are
    refused before anything is allocated: their labels and sample_indices_ alone
    are 32 MB, and the draws count too. The message says how much and to lower
    n_copies."""
    augmenter = ArrayAugmenter(width_shift_range=0.1, n_copies=2000)
    monkeypatch.setattr(_memory, "available_memory", lambda: 40_000_000)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"would need [\d,]+ bytes.*n_copies"):
            augmenter.fit_resample(X_TINY, Y_TINY)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000


@pytest.mark.parametrize("shuffle", [False, True])
def test_the_fit_resample_check_bounds_what_it_allocates(shuffle, monkeypatch):
    """The bytes fit_resample checks for are at least what it allocates at its
    peak (it counted only the output: 0.2 MB for a 60 MB peak), and not wildly
    more."""
    augmenter = ArrayAugmenter(**FLIPS, n_copies=150, shuffle=shuffle,
                               random_state=0)

    def call():
        return augmenter.fit_resample(X_TINY, Y_TINY)

    needed = _needed_bytes(call, monkeypatch)
    peak = _peak_bytes(call)
    assert peak <= needed < 10 * peak


@pytest.mark.slow
def test_the_augment_check_bounds_what_it_allocates(monkeypatch):
    """augment counts its draws, maps and float copies, not only the output's size
    (here with warps: small shifts of 2-pixel signals)."""
    X = np.zeros((70_000, 2), dtype=np.uint8)
    augmenter = ArrayAugmenter(width_shift_range=0.1, random_state=0)

    def call():
        return augmenter.augment(X)

    needed = _needed_bytes(call, monkeypatch)
    peak = _peak_bytes(call)
    assert peak <= needed < 10 * peak


def test_memory_grows_with_the_output_not_with_the_draws():
    """150,000 more copies of 1-byte samples cost about their output, labels and
    sample_indices_ (17 bytes a row), not the draws and maps of every row (about
    300 bytes a row when drawn at once)."""
    def peak(n_copies):
        augmenter = ArrayAugmenter(**FLIPS, n_copies=n_copies, random_state=0)
        return _peak_bytes(lambda: augmenter.fit_resample(X_TINY, Y_TINY))

    extra_rows = 150 * len(X_TINY)
    assert (peak(300) - peak(150)) / extra_rows < 32


def test_blocked_draws_replay_as_one_draw():
    """Past one block of draws (65,536 samples), augment still equals
    apply_params(sample_params(X)), and shuffling reorders the same rows."""
    X = np.random.default_rng(0).random((70_000, 2, 2, 3)).astype(np.float32)
    augmenter = ArrayAugmenter(**FLIPS, vertical_flip=True, brightness_range=(0.5, 1.5),
                               channel_shift_range=0.2, random_state=1)
    params = augmenter.sample_params(X)
    np.testing.assert_array_equal(augmenter.augment(X),
                                  augmenter.apply_params(X, params))
    y = np.zeros(len(X))
    plain, _ = augmenter.set_params(keep_original=False).fit_resample(X, y)
    shuffled, _ = augmenter.set_params(shuffle=True).fit_resample(X, y)
    order = augmenter.sample_indices_
    np.testing.assert_array_equal(shuffled, plain[order])


def test_the_balancer_check_bounds_what_it_allocates(monkeypatch):
    """BalancingResampler counts the draws, maps and float copies of the rows it
    creates, not only its output (its draws and maps exist one block at a time)."""
    from sklearn_dlprep import BalancingResampler

    y = np.r_[np.zeros(990, dtype=int), np.ones(10, dtype=int)]
    X = np.zeros((1000, 4), dtype=np.uint8)
    balancer = BalancingResampler(ArrayAugmenter(width_shift_range=0.1),
                                  sampling_strategy={0: 990, 1: 60_000},
                                  random_state=0)

    def call():
        return balancer.fit_resample(X, y)

    needed = _needed_bytes(call, monkeypatch)
    peak = _peak_bytes(call)
    assert peak <= needed < 10 * peak
