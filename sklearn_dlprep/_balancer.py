"""BalancingResampler: bring classes to the counts asked for, by augmentation."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers
from collections.abc import Mapping

import numpy as np
import scipy.sparse as sp
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_sampling_strategy, check_target_type
from sklearn.base import clone
from sklearn.utils import assert_all_finite
from sklearn.utils.multiclass import check_classification_targets

from ._augmenter import ArrayAugmenter
from .utils._containers import ResampledContainer
from .utils._layout import to_canonical
from .utils._memory import check_allocation
from .utils._random import make_generator
from .utils._sampling import class_labels, even_repeat
from .utils._validation import validate_samples

_TO_ONE_COUNT = ("mean", "median")
_STRATEGY_NAMES = ("auto", "minority", "not minority", "not majority", "all",
                   *_TO_ONE_COUNT)


class BalancingResampler(BaseOverSampler):
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

    random_state : int, RandomState instance, Generator or None, default=None
        Seeds which rows are drawn and how they are augmented.

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

    # Parameters are validated in _validate_fit_data; the constraints inherited
    # from BaseOverSampler would refuse "mean", "median" and int strategies.
    _parameter_constraints: dict = {}

    def __init__(self, augmenter=None, *, sampling_strategy="auto", shuffle=False,
                 random_state=None):
        self.augmenter = augmenter
        self.sampling_strategy = sampling_strategy
        self.shuffle = shuffle
        self.random_state = random_state

    def fit(self, X, y):
        """Validate the data and resolve the sampling strategy.

        Parameters
        ----------
        X : {array-like, DataFrame, sparse matrix} of shape (n_samples, n_features) \
                or (n_samples, *sample_shape)
            Samples. Sparse matrices only without an augmenter.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : object
            The fitted resampler.
        """
        X, y, _ = self._validate_fit_data(X, y)
        self._target_counts(y)
        return self

    def fit_resample(self, X, y):
        """Resample ``X`` and ``y`` to the class counts asked for.

        Parameters
        ----------
        X : {array-like, DataFrame, sparse matrix} of shape (n_samples, n_features) \
                or (n_samples, *sample_shape)
            Samples. Sparse matrices only without an augmenter.
        y : array-like of shape (n_samples,)
            Class labels (one-hot labels are accepted and returned one-hot).

        Returns
        -------
        X_resampled : {ndarray, DataFrame, sparse matrix, list}
            Resampled samples in the layout, dtype and container of ``X``.
        y_resampled : {ndarray, Series, DataFrame, list}
            Their labels, in the container of ``y``.
        """
        container = ResampledContainer(X, y)
        X, y, binarize = self._validate_fit_data(X, y)
        X_res, y_res = self._fit_resample(X, y)
        if binarize:
            # One column per class, two classes included (label_binarize would
            # give a single column for a binary target).
            y_res = (y_res[:, np.newaxis] == np.unique(y)).astype(int)
        return container.wrap(X_res, y_res)

    def _fit_resample(self, X, y):
        rng = make_generator(self.random_state)
        counts = self._target_counts(y)
        # Checked before the index arrays are built: they grow with the counts too.
        n_out = sum(n_target for _, n_target in counts.values())
        check_allocation(n_out * (X[:1].nbytes if not sp.issparse(X) else 0),
                         "the resampled data", "Ask for smaller class counts.")
        kept, created = [], []
        for cls, (n_now, n_target) in counts.items():
            rows = np.flatnonzero(y == cls)
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

        out = X[sample_indices]
        if self.augmenter is not None and len(created):
            augmenter = clone(self.augmenter)
            layout = augmenter._layout(X.shape)
            settings = augmenter._check_params(layout)
            params = augmenter._draw(len(created), layout, settings, rng)
            augmenter._apply(to_canonical(X, layout), created,
                             to_canonical(out, layout), position[len(kept):],
                             params, settings)
        self.sample_indices_ = sample_indices
        return out, y[sample_indices]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        augmenting = self.augmenter is not None
        tags.input_tags.sparse = not augmenting
        tags.input_tags.allow_nan = not augmenting
        tags.sampler_tags.sample_indices = True
        return tags

    # Validation, in one place ------------------------------------------------------

    def _validate_fit_data(self, X, y):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        if self.augmenter is not None and not isinstance(self.augmenter,
                                                         ArrayAugmenter):
            raise TypeError(
                "augmenter must be an ArrayAugmenter or None, got "
                f"{type(self.augmenter).__name__}."
            )
        if not isinstance(self.shuffle, (bool, np.bool_)):
            raise TypeError(f"shuffle must be True or False, got {self.shuffle!r}.")
        strategy = self.sampling_strategy
        if isinstance(strategy, bool) or not (
            isinstance(strategy, (str, numbers.Real, Mapping)) or callable(strategy)
        ):
            raise TypeError(
                "sampling_strategy must be a str, a float, an int, a dict or a "
                f"callable, got {strategy!r}."
            )
        if isinstance(strategy, str) and strategy not in _STRATEGY_NAMES:
            raise ValueError(
                f"sampling_strategy={strategy!r} is not one of {_STRATEGY_NAMES}."
            )
        # NaN is refused here: type_of_target would first cast it to int, warning.
        assert_all_finite(y, input_name="y")
        check_classification_targets(y)
        y, binarize = check_target_type(y, indicate_one_vs_all=True)
        augmenting = self.augmenter is not None
        X, y = validate_samples(self, X, y, reset=True, accept_sparse=(
            False if augmenting else ["csr", "csc"]), ensure_all_finite=augmenting)
        y = class_labels(y)
        if augmenting:
            layout = self.augmenter._layout(X.shape)
            self.augmenter._check_params(layout)
        make_generator(self.random_state)
        return X, y, binarize

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
            to_create = check_sampling_strategy(strategy, y, "over-sampling")
            targets = counts + np.array([to_create.get(c, 0) for c in classes])
        self.sampling_strategy_ = {
            cls: int(t - n) for cls, n, t in zip(classes, counts, targets) if t > n
        }
        return {cls: (int(n), int(t)) for cls, n, t in zip(classes, counts, targets)}
