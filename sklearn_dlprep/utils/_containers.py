"""Give results back in the caller's container: list, ndarray or pandas."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numpy as np

from ._validation import _is_pandas_df


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
    """Give each column its original dtype; integer columns are rounded and
    clipped to their range first (``astype`` alone would truncate)."""
    for column, dtype in dtypes.items():
        subtype = getattr(dtype, "subtype", dtype)  # pandas sparse columns
        if np.dtype(subtype).kind in "iu" and frame[column].dtype.kind == "f":
            info = np.iinfo(subtype)
            frame[column] = np.clip(np.rint(frame[column].to_numpy()), info.min,
                                    info.max)
    return frame.astype(dtypes.to_dict())
