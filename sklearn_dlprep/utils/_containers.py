"""Give results back in the caller's container: list, ndarray or pandas."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numpy as np

from ._validation import _is_pandas_df, numpy_equivalent


class ResampledContainer:
    """Remembers the containers of ``X`` and ``y`` to wrap resampled arrays alike.

    A DataFrame comes back with the same columns and column dtypes (pandas sparse
    columns stay sparse), a Series with the same name, a list as a list.
    """

    def __init__(self, X, y):
        self.x_kind, self.x_meta = _describe(X)
        self.y_kind, self.y_meta = _describe(y)

    def wrap(self, X, y):
        return _rebuild(X, self.x_kind, self.x_meta), _rebuild(y, self.y_kind,
                                                               self.y_meta)


def _describe(data):
    if _is_pandas_df(data):
        return "dataframe", (data.columns, data.dtypes)
    if hasattr(data, "iloc") and hasattr(data, "name"):
        return "series", (data.name, data.dtype)
    if isinstance(data, (list, tuple)):
        return "list", None
    return "array", None


def _rebuild(data, kind, meta):
    if kind == "dataframe":
        import pandas as pd

        columns, dtypes = meta
        if _is_pandas_df(data):  # rows taken from the caller's DataFrame itself
            return data
        frame = pd.DataFrame(data.reshape(len(data), -1), columns=columns)
        return _restore_dtypes(frame, dtypes)
    if kind == "series":
        import pandas as pd

        name, dtype = meta
        return pd.Series(np.asarray(data).ravel() if np.ndim(data) > 1 else data,
                         name=name).astype(dtype)
    if kind == "list":
        return np.asarray(data).tolist()
    return data


def like_input(out, X, keep_dtypes=False):
    """Give ``out``, which has the rows of ``X``, the container of ``X``.

    A DataFrame in gives a DataFrame with the same columns and index out (with
    ``keep_dtypes``, the same column dtypes too, so sparse columns stay sparse).
    """
    if not _is_pandas_df(X):
        return out
    import pandas as pd

    frame = pd.DataFrame(out.reshape(len(out), -1), columns=X.columns, index=X.index,
                         copy=False)
    return _restore_dtypes(frame, X.dtypes) if keep_dtypes else frame


def _restore_dtypes(frame, dtypes):
    """Give each column its original dtype, with the numpy path's casting rule.

    Numeric columns (numpy, sparse or nullable pandas dtypes) are cast with
    :func:`cast_values` first: integers rounded and clipped to their range, booleans
    thresholded at 0.5 (``astype`` alone would truncate, wrap, or make every non-zero
    value True). Then every column gets its dtype back, extension dtypes included.
    """
    current = frame.dtypes
    for column, dtype in dtypes.items():
        target = numpy_equivalent(dtype)
        if (target is None or current[column] == target
                or current[column].kind not in "biuf"):
            continue
        frame[column] = cast_values(frame[column].to_numpy(), target)
    return frame.astype(dtypes.to_dict())


def round_to_columns(rows, dtypes):
    """Give each column of the float array ``rows`` (rows of a DataFrame that was
    validated to one float array) values its own dtype can hold, in place, with
    :func:`cast_values`' rule, so that a later ``astype(dtypes)`` (imbalanced-learn's
    container restore) is exact instead of refusing or truncating."""
    if dtypes is None or rows.dtype.kind != "f":
        return rows
    for index, dtype in enumerate(dtypes):
        target = numpy_equivalent(dtype)
        if target is not None and target.kind in "biu":
            rows[:, index] = cast_values(rows[:, index], target)
    return rows


def _integer_bounds(dtype):
    """``(low, high)`` of an integer dtype as floats inside its range.

    ``float(np.iinfo(np.int64).max)`` rounds up to 2**63, past the maximum, and a
    value clipped to it wraps around when cast; the float just below is used then.
    """
    info = np.iinfo(dtype)
    low, high = float(info.min), float(info.max)
    if high > info.max:
        high = float(np.nextafter(high, 0.0))
    return low, high


def cast_values(values, dtype):
    """Cast numbers to the numeric ``dtype`` without wrapping around.

    The rule of the numpy path: to an integer dtype, values are rounded and clipped
    to its range; to bool, a value is True from 0.5 up; to a narrower float dtype,
    finite values are clipped to its finite range. NaN stays NaN (then the result
    is a float array, for a nullable dtype to read as missing).
    """
    dtype = np.dtype(dtype)
    values = np.asarray(values)
    missing = np.isnan(values) if values.dtype.kind == "f" else None
    has_missing = missing is not None and missing.any()
    if dtype.kind == "b":
        result = values >= 0.5
        if has_missing:
            return np.where(missing, np.nan, result)
        return result
    if dtype.kind in "iu":
        if values.dtype.kind == "f":
            low, high = _integer_bounds(dtype)
            result = np.clip(np.rint(values), low, high)
            return result if has_missing else result.astype(dtype)
        if values.dtype.kind in "iu" and not np.can_cast(values.dtype, dtype):
            info = np.iinfo(dtype)
            # Compare in the wider of the two integer types: no float round-off.
            values = np.clip(values, max(info.min, np.iinfo(values.dtype).min),
                             min(info.max, np.iinfo(values.dtype).max))
        return values.astype(dtype)
    if dtype.kind == "f" and values.dtype.kind == "f" and (
            np.finfo(dtype).max < np.finfo(values.dtype).max):
        info = np.finfo(dtype)
        values = np.clip(values, float(info.min), float(info.max))
    return values.astype(dtype)
