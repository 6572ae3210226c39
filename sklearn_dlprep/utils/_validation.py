"""Input validation shared by every estimator: one place, one set of messages."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_array, check_consistent_length
from sklearn.utils.validation import validate_data


def _is_pandas_df(X):
    return hasattr(X, "iloc") and hasattr(X, "columns") and hasattr(X, "dtypes")


def _sparse_columns(X):
    """Names of the pandas sparse columns of a DataFrame (empty for other inputs)."""
    if not _is_pandas_df(X):
        return []
    return [c for c, dt in X.dtypes.items() if getattr(dt, "subtype", None) is not None
            and type(dt).__name__ == "SparseDtype"]


def numpy_equivalent(dtype):
    """The numpy dtype that holds the values of a numeric column dtype, or None.

    numpy dtypes are their own equivalent; pandas sparse dtypes give their subtype
    and the nullable extension dtypes (``Int64``, ``Float32``, ``boolean``...) the
    numpy dtype of their values. Dtypes that do not hold numbers (categorical,
    text, datetimes, objects) give None.
    """
    dtype = getattr(dtype, "subtype", dtype)  # pandas sparse columns
    dtype = getattr(dtype, "numpy_dtype", dtype)  # pandas nullable dtypes
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        return dtype
    return None


def _is_nullable_numeric(dtype):
    """A pandas extension dtype of numbers with missing values as pd.NA."""
    return (not isinstance(dtype, np.dtype) and type(dtype).__name__ != "SparseDtype"
            and numpy_equivalent(dtype) is not None)


def _nullable_columns_to_numpy(X, *, allow_missing):
    """Give the nullable numeric columns of a DataFrame their numpy dtype.

    ``Int64`` becomes int64, ``Float32`` float32, ``boolean`` bool, so that the
    values keep their own dtype (scikit-learn's ``check_array`` would make every
    one of them float64). ``pd.NA`` is refused as NaN is, unless ``allow_missing``,
    where the column becomes a float column holding NaN.
    """
    columns = [c for c, dtype in X.dtypes.items() if _is_nullable_numeric(dtype)]
    if not columns:
        return X
    missing = X[columns].isna()
    with_missing = [c for c in columns if missing[c].any()]
    if with_missing and not allow_missing:
        rows = np.flatnonzero(missing.to_numpy().any(axis=1))[:5].tolist()
        raise ValueError(
            f"Input X contains missing values (pd.NA) in columns {with_missing[:5]} "
            f"(first rows at fault: {rows}). Remove or impute those values before "
            "augmenting or scaling."
        )
    casts = {}
    for column in columns:
        dtype = numpy_equivalent(X.dtypes[column])
        if column in with_missing:
            dtype = np.result_type(dtype, np.float32)
        casts[column] = dtype
    return X.astype(casts)


def densify_sparse_frame(X):
    """Return a DataFrame whose pandas sparse columns are made dense.

    Augmentation needs every value; sparse *columns* of a DataFrame are a storage
    choice, so they are densified here and restored on the way out.
    """
    cols = _sparse_columns(X)
    if not cols:
        return X
    return X.astype({c: X.dtypes[c].subtype for c in cols})


# Rows are scanned for NaN by blocks of about this many values, so that a large (for
# instance memory-mapped) X never gets a boolean mask of its own size.
_SCAN_VALUES = 1 << 20


def first_bad_rows(X, limit=5):
    """Indices of the first rows of ``X`` that hold NaN or infinity."""
    n_rows = X.shape[0]
    step = max(1, _SCAN_VALUES // max(1, int(np.prod(X.shape[1:], dtype=np.int64))))
    found = []
    for start in range(0, n_rows, step):
        block = X[start:start + step].reshape(min(step, n_rows - start), -1)
        bad = np.flatnonzero(~np.isfinite(block).all(axis=1)) + start
        found.extend(bad[:limit - len(found)].tolist())
        if len(found) >= limit:
            break
    return found


def sums_finite(X):
    """Whether one cheap reduction of float ``X`` is finite, which it is when every
    value is; ``False`` also when finite values sum past the type's range.

    np.isfinite over a whole float dataset would allocate a boolean copy; a sum of
    squares (a BLAS dot product, twice as fast as a float64 sum) reads C-contiguous
    float32 and float64 once; other arrays are summed in float64 (``axis=None``
    reduces any strides in place, where reshape(-1) would copy).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if X.dtype in (np.float32, np.float64) and X.flags.c_contiguous:
            flat = X.reshape(-1)
            return bool(np.isfinite(np.dot(flat, flat)))
        return bool(np.isfinite(np.add.reduce(X, axis=None, dtype=np.float64)))


def check_finite_samples(X, name="X", row_index=None):
    """Refuse NaN or infinity in a float ``X``, naming the first rows that hold it
    (as positions in the caller's data when ``X`` is a gather of its rows
    ``row_index``)."""
    if X.dtype.kind != "f" or X.size == 0:
        return
    if sums_finite(X):
        return
    rows = first_bad_rows(X)  # or the sum overflowed: the rows one by one
    if not rows:  # the sum overflowed, every value is finite
        return
    kind = "NaN" if np.isnan(X[rows]).any() else "infinity"
    if row_index is not None:
        rows = sorted(int(row) for row in np.asarray(row_index)[rows])
    raise ValueError(
        f"Input {name} contains {kind} (first rows at fault: {rows}). Remove or "
        "impute those values before augmenting or scaling."
    )


def validate_samples(estimator, X, y="no_validation", *, reset=True,
                     accept_sparse=False, ensure_all_finite=True, dtype="numeric"):
    """Validate ``X`` (2-D or N-d) and ``y`` as scikit-learn's ``validate_data`` does.

    ``estimator=None`` validates without recording anything (for stateless methods
    such as ``augment``). ``validate_data`` itself is used, with N-d arrays
    allowed; what it leaves to the caller for N-d input (``n_features_in_``, at
    least one feature) is done here.
    The dtype of a numeric ``X`` is kept (uint8 stays uint8); object arrays of
    numbers become float64, other object arrays are refused with a ``TypeError``.
    pandas nullable columns (``Int64``, ``Float32``, ``boolean``...) are read as
    their numpy dtype, ``pd.NA`` refused as NaN is (read as NaN when
    ``ensure_all_finite=False``); categorical, text and date columns are refused
    with a ``TypeError`` naming them. For an estimator that only copies rows, use
    :func:`check_rows_to_copy` instead.

    Returns ``X`` or ``(X, y)`` as ``validate_data`` does.
    """
    if sp.issparse(X) and not accept_sparse:
        who = (f"{type(estimator).__name__} does not accept scipy sparse matrices"
               if estimator is not None else "Scipy sparse matrices are not accepted")
        raise TypeError(
            f"{who}: augmenting or scaling sparse data has no meaning for arrays. "
            "Pass a dense array, e.g. X.toarray()."
        )
    X = densify_sparse_frame(X)
    if not sp.issparse(X):
        X = _check_real_numbers(X)
    if _is_pandas_df(X):
        X = _nullable_columns_to_numpy(X, allow_missing=not ensure_all_finite)
    kwargs = dict(reset=reset, accept_sparse=accept_sparse, allow_nd=True,
                  ensure_2d=False, dtype=dtype,
                  ensure_all_finite=False)
    if estimator is None:
        kwargs.pop("reset")
        X_val, y_val = check_array(X, **kwargs), None
    elif y is None or (isinstance(y, str) and y == "no_validation"):
        out = validate_data(estimator, X, y, **kwargs)
        X_val, y_val = out, None
    else:
        X_val, y_val = validate_data(estimator, X, y, multi_output=True,
                                     y_numeric=False, **kwargs)
    if X_val.ndim < 2:
        raise ValueError(
            f"Expected 2D array, got {X_val.ndim}D array instead: X must be "
            "(n_samples, n_features) or (n_samples, *sample_shape). Reshape your data "
            "using array.reshape(-1, 1) if it has a single feature or "
            "array.reshape(1, -1) if it contains a single sample."
        )
    if X_val.dtype.kind not in "biuf":
        raise TypeError(f"X must hold real numbers, got dtype {X_val.dtype}.")
    n_features = int(np.prod(X_val.shape[1:], dtype=np.int64))
    if n_features == 0:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={X_val.shape}) while a minimum of "
            "1 is required."
        )
    if ensure_all_finite and not sp.issparse(X_val):
        check_finite_samples(X_val)
    if estimator is not None:
        _record_n_features(estimator, n_features, reset)
    return X_val if y_val is None else (X_val, y_val)


def _record_n_features(estimator, n_features, reset):
    """Set ``n_features_in_`` (``reset``), or check ``n_features`` against it."""
    if reset:
        estimator.n_features_in_ = n_features
    elif (hasattr(estimator, "n_features_in_")
          and n_features != estimator.n_features_in_):
        raise ValueError(
            f"X has {n_features} features, but {type(estimator).__name__} is "
            f"expecting {estimator.n_features_in_} features as input."
        )


def check_rows_to_copy(estimator, X, y=None, *, reset=True):
    """Validate ``X`` for an estimator that only copies rows of it.

    No value of ``X`` is read, so every dtype is accepted, as imbalanced-learn's
    ``RandomOverSampler`` accepts it: numbers with NaN or infinity, text,
    categories, dates, objects, pandas extension and sparse columns, mixed
    columns. ``X`` keeps its container: a DataFrame stays a DataFrame with its
    column dtypes, a scipy sparse matrix stays sparse (CSR and CSC as they are,
    other formats become CSR), a numpy array keeps its rank and dtype; other
    array-likes (lists) become numpy arrays.

    Checked: ``X`` is at least 2-D with at least one row and one value per row,
    and has as many rows as ``y`` (when given). ``n_features_in_`` and
    ``feature_names_in_`` are recorded (``reset=True``) or compared, as
    :func:`validate_samples` does. Take the rows with :func:`take_rows`.

    Returns
    -------
    X : {ndarray, DataFrame, sparse matrix}
    """
    if sp.issparse(X):
        if X.format not in ("csr", "csc"):
            X = X.tocsr()
    elif not _is_pandas_df(X):
        X = X if isinstance(X, np.ndarray) else np.asarray(X)
    shape = X.shape
    if len(shape) < 2:
        raise ValueError(
            f"Expected 2D array, got {len(shape)}D array instead: X must be "
            "(n_samples, n_features) or (n_samples, *sample_shape). Reshape your data "
            "using array.reshape(-1, 1) if it has a single feature or "
            "array.reshape(1, -1) if it contains a single sample."
        )
    if shape[0] == 0:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={shape}) while a minimum of 1 is "
            "required."
        )
    n_features = int(np.prod(shape[1:], dtype=np.int64))
    if n_features == 0:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={shape}) while a minimum of 1 is "
            "required."
        )
    if y is not None:
        check_consistent_length(X, y)
    if estimator is not None:
        # Only the feature names are checked here; the values are never read.
        validate_data(estimator, X, skip_check_array=True, reset=reset,
                      ensure_2d=False)
        _record_n_features(estimator, n_features, reset)
    return X


def take_rows(X, rows):
    """Rows ``rows`` of ``X`` (as :func:`check_rows_to_copy` returns it), in its
    container: a DataFrame keeps its column dtypes and gets a fresh
    ``RangeIndex``, as imbalanced-learn's samplers return it."""
    if _is_pandas_df(X):
        return X.iloc[rows].reset_index(drop=True)
    return X[rows]


def _check_real_numbers(X):
    """Refuse ``X`` that does not hold real numbers, saying what it holds instead.

    Strings and objects that are not numbers are a ``TypeError`` (data of the wrong
    type, as numpy's own conversion says); complex numbers a ``ValueError``, as
    scikit-learn's ``check_array`` raises, but without printing the array. An object
    array of numbers is returned converted to float64, as ``check_array`` would.
    """
    if _is_pandas_df(X):
        kinds = {column: getattr(dtype, "kind", "O")
                 for column, dtype in X.dtypes.items()}
        complex_columns = [column for column, kind in kinds.items() if kind == "c"]
        if complex_columns:
            raise ValueError(
                f"Complex data not supported: columns {complex_columns[:5]} of X hold "
                "complex numbers. Pass real numbers, such as np.abs or the real and "
                "imaginary parts as separate columns."
            )
        categorical = [column for column, dtype in X.dtypes.items()
                       if type(dtype).__name__ == "CategoricalDtype"]
        if categorical:
            raise TypeError(
                f"X must hold real numbers, but columns {categorical[:5]} of X are "
                "categorical: their values are categories, not numbers to augment "
                "or scale. Encode them first (e.g. with OrdinalEncoder or "
                "OneHotEncoder), or drop them."
            )
        text = [column for column, dtype in X.dtypes.items()
                if type(dtype).__name__ == "StringDtype"]
        if text:
            raise TypeError(
                f"X must hold real numbers, but columns {text[:5]} of X hold other "
                "values than numbers: text (dtype str). Encode them first (e.g. with "
                "OrdinalEncoder), or convert numbers written as text with "
                "pd.to_numeric."
            )
        times = [column for column, kind in kinds.items() if kind in "mM"]
        if times:
            raise TypeError(
                f"X must hold real numbers, but columns {times[:5]} of X hold dates "
                "or durations. Encode them as numbers first (such as seconds since "
                "a reference time), or drop them."
            )
        not_numbers = []
        for column, kind in kinds.items():
            if kind in "OUS":
                try:
                    np.asarray(X[column], dtype=np.float64)
                except (TypeError, ValueError):
                    not_numbers.append(column)
        if not_numbers:
            raise TypeError(
                f"X must hold real numbers, but columns {not_numbers[:5]} of X hold "
                "other values (such as strings). Encode them first (e.g. with "
                "OrdinalEncoder), or drop them."
            )
        return X
    X_arr = X if isinstance(X, np.ndarray) else np.asarray(X)
    if X_arr.dtype.kind in "US":
        raise TypeError(
            f"X must hold numbers, got an array of dtype {X_arr.dtype} (strings)."
        )
    if X_arr.dtype.kind == "c":
        raise ValueError(
            f"Complex data not supported: X has dtype {X_arr.dtype}. Pass real "
            "numbers, such as np.abs(X) or the real and imaginary parts as channels."
        )
    if X_arr.dtype.kind == "O":
        try:
            return X_arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                "X must hold real numbers, but it is an object array that holds other "
                f"values ({exc})."
            ) from None
    return X


def check_nonnegative_number(value, name, *, allow_pair=False):
    """A finite number >= 0 (or, with ``allow_pair``, a pair ``lo <= hi``)."""
    if allow_pair and isinstance(value, (tuple, list, np.ndarray)):
        pair = tuple(value)
        if len(pair) != 2 or not all(_is_real(v) for v in pair):
            raise ValueError(
                f"{name} must be a number or a pair (lo, hi), got {value!r}."
            )
        if not pair[0] <= pair[1]:
            raise ValueError(f"{name}=({pair[0]}, {pair[1]}) must have lo <= hi.")
        return tuple(float(v) for v in pair)
    if not _is_real(value):
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            raise ValueError(f"{name} must be a finite number >= 0, got {value!r}.")
        raise TypeError(f"{name} must be a real number, got {value!r}.")
    if not value >= 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}.")
    return value


def _is_real(value):
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and np.isfinite(value))
