"""Which rows to draw, class by class: shared by balancing and balanced flows."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numpy as np


def even_repeat(indices, n_draws, rng):
    """``n_draws`` picks from ``indices``, each used as evenly as possible.

    Every index is used ``n_draws // len(indices)`` times, and a random subset,
    drawn without replacement, once more.
    """
    indices = np.asarray(indices, dtype=np.intp)
    full, rest = divmod(int(n_draws), len(indices))
    extra = rng.choice(indices, size=rest, replace=False)
    return np.concatenate([np.tile(indices, full), extra]).astype(np.intp)


def class_labels(y):
    """1-D class labels from ``y`` (a column vector is accepted)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(
            f"Balancing needs one class label per sample, got y of shape {y.shape}."
        )
    return y


def balanced_table(y, rng):
    """Rows that bring every class of ``y`` to the majority class's count.

    What "balanced" means here is what ``BalancingResampler`` with
    ``sampling_strategy="auto"`` produces: every class at the majority count,
    each of its rows used as evenly as possible. Returned as a table of shape
    ``(majority count, n_classes)``, column ``k`` holding class ``k``'s rows, so
    that reading it row by row interleaves the classes: every run of
    ``n_classes`` consecutive entries holds each class once.
    """
    _, codes = np.unique(class_labels(y), return_inverse=True)
    counts = np.bincount(codes)
    return np.stack([even_repeat(np.flatnonzero(codes == k), counts.max(), rng)
                     for k in range(len(counts))], axis=1)
