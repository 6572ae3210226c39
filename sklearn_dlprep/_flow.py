"""Batches of augmented samples for training loops, drawn afresh every epoch."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers

import numpy as np
from sklearn.base import clone
from sklearn.utils import assert_all_finite
from sklearn.utils.multiclass import check_classification_targets

from .utils._memory import check_allocation
from .utils._random import make_generator
from .utils._sampling import balanced_table, class_labels
from .utils._validation import validate_samples


class ArrayFlow:
    """An iterable over augmented batches, as returned by ``ArrayAugmenter.flow``.

    Every ``iter()`` is a new epoch. Only the rows of the current batch are read
    from ``X`` and augmented, so ``X`` may be a memmap larger than memory.
    """

    def __init__(self, augmenter, X, y=None, *, batch_size=32, shuffle=True,
                 balance=False, random_state=None):
        if not (isinstance(batch_size, numbers.Integral)
                and not isinstance(batch_size, bool) and batch_size >= 1):
            raise ValueError(f"batch_size must be an int >= 1, got {batch_size!r}.")
        for name, value in (("shuffle", shuffle), ("balance", balance)):
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {value!r}.")
        # A copy of the augmenter: setting the original's parameters later cannot
        # change, unchecked, what this flow draws.
        augmenter = clone(augmenter)
        # The checks of augment(): a memmap is neither copied nor loaded, only read
        # once for NaN (a float sum, no mask of its size).
        X = validate_samples(None, X)
        self._plan = augmenter.make_plan(X.shape, X.dtype)
        if y is not None:
            y = np.asarray(y)
            if y.ndim == 0 or y.shape[0] != X.shape[0]:
                raise ValueError(
                    f"y has shape {y.shape} but X has {X.shape[0]} rows; y needs one "
                    "row per sample of X."
                )
            assert_all_finite(y, input_name="y")
        if balance:
            if y is None:
                raise ValueError("balance=True needs class labels: pass y.")
            check_classification_targets(y)
            _, counts = np.unique(class_labels(y), return_counts=True)
            if len(counts) < 2:
                raise ValueError("balance=True needs at least two classes in y.")
        self.augmenter = augmenter
        self.X = X
        self.y = y
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.balance = bool(balance)
        # One seed sequence for the flow; epoch k draws from its k-th child, so an
        # int seed reproduces every epoch while each epoch differs from the others.
        rng = make_generator(random_state)
        self._seed = np.random.SeedSequence(rng.integers(0, 2**63, size=4))
        self._n_per_epoch = (len(counts) * counts.max() if self.balance
                             else X.shape[0])
        # A batch is read from X, then augmented into a second array of its size.
        check_allocation(2 * min(self.batch_size, self._n_per_epoch) * X[:1].nbytes,
                         "a batch of flow()", "Lower batch_size.")

    def __len__(self):
        """Number of batches in one epoch."""
        return -(-self._n_per_epoch // self.batch_size)

    def __iter__(self):
        rng = np.random.default_rng(self._seed.spawn(1)[0])
        if self.balance:
            # Classes interleaved row by row of the table: every batch is
            # balanced, not only the epoch.
            table = balanced_table(self.y, rng)
            if self.shuffle:
                table = rng.permuted(rng.permuted(table, axis=0), axis=1)
            order = table.ravel()
        elif self.shuffle:
            order = rng.permutation(self.X.shape[0])
        else:
            order = np.arange(self.X.shape[0])
        plan = self._plan
        for start in range(0, len(order), self.batch_size):
            rows = order[start:start + self.batch_size]
            batch = np.asarray(self.X[rows])
            out = np.empty_like(batch)
            local = np.arange(len(rows))
            plan.apply(batch, local, out, local, plan.draw(len(rows), rng))
            yield out if self.y is None else (out, self.y[rows])
