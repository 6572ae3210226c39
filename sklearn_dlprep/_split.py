"""Split arrays into train, validation and test parts, stratified if asked."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import math
import numbers

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state, indexable


def _n_rows(data):
    return data.shape[0] if hasattr(data, "shape") else len(data)


def _check_same_rows(arrays):
    """Refuse scalars and arrays of different lengths, naming them."""
    lengths = []
    for position, data in enumerate(arrays):
        shape = getattr(data, "shape", None)
        if (shape is not None and len(shape) == 0) or (
                shape is None and not hasattr(data, "__len__")):
            raise TypeError(
                f"argument {position} of train_val_test_split ({data!r}) has no rows: "
                "pass sequences or arrays with one row per sample."
            )
        lengths.append(_n_rows(data))
    if len(set(lengths)) > 1:
        raise ValueError(
            "The arrays must have the same number of rows, one per sample; they "
            f"have {lengths} rows."
        )


def _check_random_state(random_state):
    """``check_random_state``, with an error that names ``random_state``."""
    try:
        return check_random_state(random_state)
    except (TypeError, ValueError):
        raise ValueError(
            "random_state must be None, an int from 0 to 2**32 - 1 or a RandomState "
            f"instance, got {random_state!r}."
        ) from None


def _count_from_size(size, name, n_samples):
    """Number of rows asked for by ``size`` (a fraction or a count)."""
    if isinstance(size, (bool, np.bool_)) or not isinstance(size, numbers.Real):
        raise TypeError(
            f"{name} must be a float in (0, 1) or an int in [1, n_samples), got "
            f"{size!r}."
        )
    if isinstance(size, numbers.Integral):
        if not 1 <= size < n_samples:
            raise ValueError(
                f"{name}={size} must be at least 1 and less than n_samples="
                f"{n_samples} when it is a count of rows."
            )
        return int(size)
    if not 0 < size < 1:
        raise ValueError(
            f"{name}={size} must be in (0, 1) when it is a fraction of the rows; use "
            "sklearn.model_selection.train_test_split for a split in two."
        )
    # Rounded up, as train_test_split rounds its test_size, so that a small
    # fraction still gives at least one row (also below the rounding to 6
    # decimals, which keeps float noise, 0.7 * 10 = 7.000000000000001, from
    # adding a row).
    return max(1, math.ceil(round(size * n_samples, 6)))


def _labels(stratify):
    """One hashable label per row of ``stratify`` (rows of a 2-D one joined)."""
    labels = np.asarray(stratify)
    if labels.ndim == 2:
        # StratifiedShuffleSplit treats each row of a 2-D target as one class, in
        # this way.
        labels = np.array([" ".join(row.astype(str)) for row in labels])
    return labels


def _check_no_missing_labels(stratify):
    """Refuse NaN labels, naming the rows: they are no class to stratify on."""
    labels = np.asarray(stratify)
    if labels.dtype.kind == "f":
        missing = np.isnan(labels)
    elif labels.dtype == object:
        missing = np.array([isinstance(v, float) and v != v for v in labels.ravel()])
    else:
        return
    missing = missing.reshape(len(labels), -1).any(axis=1)
    if missing.any():
        raise ValueError(
            f"stratify contains NaN (first rows at fault: "
            f"{np.flatnonzero(missing)[:5].tolist()}): every row needs a class to "
            "stratify on. Drop or label those rows, or split without stratify."
        )


def _check_class_counts(labels, where, minimum, hint):
    """Refuse classes with fewer rows than a stratified split needs, naming them."""
    classes, counts = np.unique(labels, return_counts=True)
    # tolist() gives Python scalars, whose repr reads 'cat' rather than
    # np.str_('cat').
    too_small = [
        (label, count)
        for label, count in zip(classes.tolist(), counts.tolist(), strict=True)
        if count < minimum
    ]
    if too_small:
        listed = ", ".join(f"class {c!r} has {n} row{'s' * (n != 1)}"
                           for c, n in too_small[:5])
        more = f" (and {len(too_small) - 5} more classes)" if len(too_small) > 5 else ""
        raise ValueError(
            f"In {where}, {listed}{more}: a stratified train/validation/test split "
            f"needs at least {minimum} rows per class there, {hint}. Merge or drop "
            "the rare classes, or split without stratify."
        )
    return classes


def train_val_test_split(*arrays, val_size=0.1, test_size=0.2, stratify=None,
                         random_state=None):
    """Split arrays into random train, validation and test parts.

    The three-way version of :func:`sklearn.model_selection.train_test_split`,
    for the train / early-stopping / final-evaluation protocol of deep learning.
    It is built on two calls of ``train_test_split`` (the test part first, then
    the validation part from the rest), with the second size computed so that the
    three parts have exactly the sizes asked for. Indexing is done by
    ``train_test_split``, so arrays of any rank, lists, sparse matrices and pandas
    DataFrames or Series come back in their own container.

    Read more in the :ref:`User Guide <splitting>`.

    Parameters
    ----------
    *arrays : sequence of indexables with the same first dimension
        Lists, numpy arrays of any rank, scipy sparse matrices or pandas
        DataFrames / Series.

    val_size : float or int, default=0.1
        A float in (0, 1) is the fraction of all rows in the validation part
        (rounded up); an int is its number of rows.

    test_size : float or int, default=0.2
        The same for the test part. The training part gets the remaining rows,
        which must be at least one.

    stratify : array-like of shape (n_samples,) or (n_samples, n_outputs), \
default=None
        Class labels: when given, each part keeps the class proportions of
        ``stratify`` as closely as the part sizes allow. Every class needs at
        least 3 members, one for each part.

    random_state : int, RandomState instance or None, default=None
        Controls the shuffling; an int gives the same parts on every call. As in
        ``train_test_split``, ``None`` uses numpy's global random state.

    Returns
    -------
    splitting : list of length 3 * len(arrays)
        For each array in turn, its train, validation and test parts:
        ``X_train, X_val, X_test, y_train, y_val, y_test``.

    Raises
    ------
    ValueError
        When the sizes leave no training row, or a class of ``stratify`` is too
        small to be spread over the three parts (the message names it).

    See Also
    --------
    sklearn.model_selection.train_test_split : Split in two parts.
    sklearn.model_selection.StratifiedShuffleSplit : Stratified random splits.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import train_val_test_split
    >>> X = np.arange(200).reshape(20, 2, 5)
    >>> y = np.repeat([0, 1], 10)
    >>> X_tr, X_val, X_te, y_tr, y_val, y_te = train_val_test_split(
    ...     X, y, val_size=0.2, test_size=0.2, stratify=y, random_state=0)
    >>> X_tr.shape, X_val.shape, X_te.shape
    ((12, 2, 5), (4, 2, 5), (4, 2, 5))
    >>> [np.bincount(part).tolist() for part in (y_tr, y_val, y_te)]
    [[6, 6], [2, 2], [2, 2]]
    """
    if not arrays:
        raise ValueError("At least one array required as input.")
    _check_same_rows(arrays)
    arrays = indexable(*arrays)
    n_samples = _n_rows(arrays[0])
    n_val = _count_from_size(val_size, "val_size", n_samples)
    n_test = _count_from_size(test_size, "test_size", n_samples)
    n_train = n_samples - n_val - n_test
    if n_train < 1:
        raise ValueError(
            f"val_size={val_size} and test_size={test_size} take {n_val} + {n_test} "
            f"of the {n_samples} rows, which leaves no training rows; make them "
            "smaller."
        )
    rng = _check_random_state(random_state)

    if stratify is None:
        first = train_test_split(*arrays, test_size=n_test, random_state=rng)
        trainval, test = first[0::2], first[1::2]
        second = train_test_split(*trainval, test_size=n_val, random_state=rng)
    else:
        stratify = indexable(stratify)[0]
        if _n_rows(stratify) != n_samples:
            raise ValueError(
                f"stratify has {_n_rows(stratify)} rows but the arrays have "
                f"{n_samples}; they must be equal."
            )
        _check_no_missing_labels(stratify)
        classes = _check_class_counts(_labels(stratify), "stratify", 3,
                                      "one for each part")
        for name, count, fix in (
            ("training", n_train, f"make val_size (now {val_size}) or test_size "
                                  f"(now {test_size}) smaller"),
            ("validation", n_val, f"increase val_size (now {val_size})"),
            ("test", n_test, f"increase test_size (now {test_size})"),
        ):
            if count < len(classes):
                raise ValueError(
                    f"The {name} part would have {count} row{'s' * (count != 1)}, "
                    f"fewer than the {len(classes)} classes of stratify: a "
                    "stratified split needs at least one row per class in each "
                    f"part. To fix it, {fix}, or split without stratify."
                )
        # The labels ride along with the arrays so that the second split can be
        # stratified on the rows left after the first.
        first = train_test_split(*arrays, stratify, test_size=n_test,
                                 stratify=stratify, random_state=rng)
        trainval, test = first[0::2], first[1::2]
        trainval, trainval_labels = trainval[:-1], trainval[-1]
        test = test[:-1]
        _check_class_counts(
            _labels(trainval_labels), "the rows left after taking the test part", 2,
            "one for training and one for validation; a smaller test_size (now "
            f"{test_size}) leaves more")
        second = train_test_split(*trainval, test_size=n_val,
                                  stratify=trainval_labels, random_state=rng)
    train, val = second[0::2], second[1::2]
    return [part for parts in zip(train, val, test, strict=True) for part in parts]
