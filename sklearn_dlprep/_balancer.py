"""BalancingResampler: bring classes to the counts asked for, by augmentation."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers
from collections.abc import Mapping

import numpy as np
from imblearn.base import BaseSampler
from imblearn.utils import check_sampling_strategy
from sklearn.base import clone
from sklearn.utils import assert_all_finite
from sklearn.utils.multiclass import check_classification_targets, type_of_target

from ._dask import (
    augment_rows,
    check_dask_fit_data,
    compute,
    draw_rows,
    is_dask_array,
    like_targets,
)
from .utils._containers import round_to_columns
from .utils._docstring import substitute
from .utils._memory import bytes_per_row, check_allocation
from .utils._param_validation import (
    BOOLEAN,
    RANDOM_STATE,
    check_params,
    has_methods,
    interval,
    options,
)
from .utils._random import make_generator
from .utils._sampling import even_repeat
from .utils._validation import check_rows_to_copy, take_rows, validate_samples

_TO_ONE_COUNT = ("mean", "median")
_STRATEGY_NAMES = ("auto", "minority", "not minority", "not majority", "all",
                   *_TO_ONE_COUNT)
_AUGMENTER = has_methods("make_plan", description="an augmenter of sklearn_dlprep "
                         "(such as ArrayAugmenter)")


@substitute
class BalancingResampler(BaseSampler):
    """Balance classes by creating new minority rows as augmented real rows.

    imbalanced-learn balances by copying rows (``RandomOverSampler``) or by
    interpolating between neighbours (``SMOTE``), which for images makes ghosted
    blends. Here every new row is an augmented version of a real row of its class,
    each original used as evenly as possible as a source.

    Read more in the :ref:`User Guide <balancing>`.

    Parameters
    ----------
    augmenter : ArrayAugmenter or None, default=None
        Augments the new rows (its transform parameters and layout are used; its
        ``n_copies``, ``keep_original``, ``shuffle`` and ``random_state`` are not).
        It is cloned, never changed. ``None`` duplicates rows, as
        ``RandomOverSampler`` does.

    sampling_strategy : float, str, dict, callable or int, default="auto"
        Every form imbalanced-learn's over-samplers accept (``"auto"``,
        ``"minority"``, ``"not minority"``, ``"not majority"``, ``"all"``, a float
        for two classes, a dict, a callable), with their meaning. Also ``"mean"``,
        ``"median"`` or an int: every class is brought to that count, over-sampled
        when below it and randomly under-sampled when above.

    shuffle : bool, default=False
        Return the rows in random order. Otherwise the kept original rows come
        first, in their order, then the new rows grouped by class.

    %(random_state)s

    Attributes
    ----------
    sampling_strategy_ : dict
        For each class that grows, the number of rows created.

    sample_indices_ : ndarray of shape (n_samples_out,)
        For every returned row, the input row it came from.

    n_features_in_ : int
        Number of values in one sample of ``X``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of ``X`` when it was a DataFrame with string column names.

    See Also
    --------
    ArrayAugmenter : The augmentation used to create rows.
    imblearn.over_sampling.RandomOverSampler : Balance by copying rows.

    Examples
    --------
    >>> from collections import Counter
    >>> import numpy as np
    >>> from sklearn.datasets import load_digits
    >>> from sklearn_dlprep import ArrayAugmenter, BalancingResampler
    >>> X, y = load_digits(n_class=3, return_X_y=True)
    >>> keep = np.r_[np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:30],
    ...              np.flatnonzero(y == 2)[:10]]
    >>> X, y = X[keep], y[keep]
    >>> balancer = BalancingResampler(
    ...     ArrayAugmenter(rotation_range=10, sample_shape=(8, 8)), random_state=0)
    >>> X_res, y_res = balancer.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 178), (1, 178), (2, 178)]
    >>> BalancingResampler(sampling_strategy=50, random_state=0).fit_resample(
    ...     X, y)[1].shape
    (150,)
    """

    # Every strategy is resolved to class counts in _fit_resample: "bypass" keeps
    # imbalanced-learn from reading it as over-sampling only.
    _sampling_type = "bypass"
    _parameter_constraints: dict = {
        "augmenter": [None, _AUGMENTER],
        "sampling_strategy": [interval(numbers.Real, 0, 1, closed="right"),
                              interval(numbers.Integral), options(*_STRATEGY_NAMES),
                              Mapping, callable],
        "shuffle": [BOOLEAN],
        "random_state": [RANDOM_STATE],
    }

    def __init__(self, augmenter=None, *, sampling_strategy="auto", shuffle=False,
                 random_state=None):
        self.augmenter = augmenter
        self.sampling_strategy = sampling_strategy
        self.shuffle = shuffle
        self.random_state = random_state

    def fit(self, X, y):
        """Validate the data and parameters, and resolve the sampling strategy.

        Parameters
        ----------
        X : {array-like, DataFrame, sparse matrix} of shape (n_samples, n_features) \
                or (n_samples, *sample_shape)
            Samples. Sparse matrices only without an augmenter.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Class labels, or one-hot rows.

        Returns
        -------
        self : object
            The fitted resampler.
        """
        check_params(self)
        X, y, _ = self._check_X_y(X, y)
        self._resolve(X, y)
        return self

    def fit_resample(self, X, y, **params):
        """Resample the dataset: every class brought to the count asked for.

        Parameters
        ----------
        X : {array-like, DataFrame, sparse matrix, dask array} of shape \
                (n_samples, n_features) or (n_samples, *sample_shape)
            Samples. Sparse matrices only without an augmenter. A dask array
            chunked along the rows gives a lazy dask array.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Class labels, or one-hot rows; a dask array is computed.
        **params : dict
            Passed on to imbalanced-learn's ``fit_resample``.

        Returns
        -------
        X_resampled : {ndarray, DataFrame, sparse matrix, dask array}
            The kept and the new rows, in the container of ``X``.
        y_resampled : {ndarray, Series, list, dask array}
            Their labels, in the container of ``y``.
        """
        y_given = y
        if is_dask_array(y):
            (y,) = compute(y)
        y_values = np.asarray(y) if hasattr(y, "__len__") else None
        if y_values is not None and y_values.dtype.kind == "f":
            # Before imbalanced-learn's target check, which casts NaN to int
            # (a RuntimeWarning) before it refuses them.
            assert_all_finite(y_values, input_name="y")
        X_res, y_res = super().fit_resample(X, y, **params)
        return X_res, like_targets(y_res, y_given, X_res)

    def _check_X_y(self, X, y, accept_sparse=None):
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the "
                             "target y is None.")
        if is_dask_array(y):  # labels are small: computed
            (y,) = compute(y)
        # One-hot y stays one-hot: its rows follow their samples, so the result
        # needs no re-encoding (imbalanced-learn's label_binarize would give a
        # two-class one-hot y back as one column).
        y = np.asarray(y) if hasattr(y, "iloc") else y
        assert_all_finite(y, input_name="y")
        check_classification_targets(y)
        if is_dask_array(X):
            X, y = check_dask_fit_data(self, X, y)
        elif self.augmenter is None:
            # Rows are only copied, as RandomOverSampler does: any dtype, sparse
            # matrices, and DataFrames of mixed columns work.
            X = check_rows_to_copy(self, X, y)
            y = np.asarray(y)
        else:
            # The column dtypes of a DataFrame, to round augmented values to them.
            self._column_dtypes = getattr(X, "dtypes", None)
            X, y = validate_samples(self, X, y, reset=True)
        if y.ndim == 2 and type_of_target(y) == "multilabel-indicator" and np.any(
                y.sum(axis=1) != 1):
            raise ValueError(
                "y is a 2-D indicator matrix with rows that do not hold exactly one "
                "1: balancing needs one class per sample (multilabel targets have no "
                "class counts to balance)."
            )
        return X, y, False

    def _resolve(self, X, y):
        """Class labels, the augmenter's plan and ``{class: (now, after)}``; what
        fit checks and fit_resample uses."""
        labels = _class_labels(y)
        plan = None if self.augmenter is None else clone(self.augmenter).make_plan(
            X.shape, X.dtype)
        return labels, plan, self._target_counts(labels)

    def _fit_resample(self, X, y):
        labels, plan, counts = self._resolve(X, y)
        rng = make_generator(self.random_state)
        # Checked before the index arrays are built: the output, its labels, the
        # index arrays, and the draws, maps and float copies of one block of rows.
        n_out = sum(n_target for _, n_target in counts.values())
        on_dask = is_dask_array(X)
        if not on_dask:
            n_created = sum(max(0, target - now) for now, target in counts.values())
            per_row = (bytes_per_row(X) + y[:1].nbytes
                       + 3 * np.dtype(np.intp).itemsize)
            working = (0 if plan is None
                       else plan.temporary_bytes(n_created, bytes_per_row(X)))
            check_allocation(n_out * per_row + working,
                             "the resampled data (and working memory)",
                             "Ask for smaller class counts.")
        kept, created = [], []
        for cls, (n_now, n_target) in counts.items():
            rows = np.flatnonzero(labels == cls)
            if n_target < n_now:
                kept.append(np.sort(rng.choice(rows, size=n_target, replace=False)))
            else:
                kept.append(rows)
                created.append(even_repeat(rows, n_target - n_now, rng))
        kept = np.sort(np.concatenate(kept))
        created = np.concatenate(created) if created else np.empty(0, np.intp)
        source = np.concatenate([kept, created]).astype(np.intp)
        position = (rng.permutation(len(source)) if self.shuffle
                    else np.arange(len(source)))
        sample_indices = np.empty(len(source), dtype=np.intp)
        sample_indices[position] = source

        if on_dask:  # lazily, with the draws made in memory (see _dask)
            draws = None if plan is None else draw_rows(plan, len(created), rng)
            out = augment_rows(X, plan, draws, sample_indices, position[len(kept):])
        else:
            out = take_rows(X, sample_indices)
            if plan is not None and len(created):
                targets = position[len(kept):]
                for rows, draws in plan.draw_blocks(len(created), rng):
                    plan.apply(X, created[rows], out, targets[rows], draws)
                round_to_columns(out.reshape(len(out), -1), self._column_dtypes)
        self.sample_indices_ = sample_indices
        return out, y[sample_indices]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        augmenting = self.augmenter is not None
        tags.input_tags.sparse = not augmenting
        tags.input_tags.allow_nan = not augmenting
        # Without an augmenter rows are only copied: any values, strings included.
        tags.input_tags.string = tags.input_tags.categorical = not augmenting
        tags.sampler_tags.sample_indices = True
        return tags

    def _target_counts(self, y):
        """``{class: (count now, count after)}``; sets ``sampling_strategy_``."""
        classes, counts = np.unique(y, return_counts=True)
        if len(classes) < 2:
            raise ValueError(
                f"y has one class ({classes[0]!r}): balancing needs at least two "
                "classes. ArrayAugmenter augments without balancing."
            )
        strategy = self.sampling_strategy
        if isinstance(strategy, str) and strategy in _TO_ONE_COUNT:
            target = counts.mean() if strategy == "mean" else np.median(counts)
            targets = np.full(len(classes), int(round(target)))
        elif isinstance(strategy, numbers.Integral) and not isinstance(strategy, bool):
            if strategy < 1:
                raise ValueError(
                    f"sampling_strategy={strategy} would remove every row of every "
                    "class; an int target count must be >= 1."
                )
            targets = np.full(len(classes), int(strategy))
        else:
            if isinstance(strategy, Mapping):
                for cls, count in strategy.items():
                    if not isinstance(count, numbers.Integral) or isinstance(count,
                                                                             bool):
                        raise ValueError(
                            f"sampling_strategy[{cls!r}]={count!r}: the counts of a "
                            "dict strategy must be ints (rows to reach for that "
                            "class)."
                        )
            to_create = check_sampling_strategy(strategy, y, "over-sampling")
            targets = counts + np.array([to_create.get(c, 0) for c in classes])
        self.sampling_strategy_ = {
            cls: int(t - n) for cls, n, t in zip(classes, counts, targets) if t > n
        }
        return {cls: (int(n), int(t)) for cls, n, t in zip(classes, counts, targets)}


def _class_labels(y):
    """1-D class labels of ``y``: labels as they are, one-hot rows by their column."""
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1)
    return y.reshape(len(y))
