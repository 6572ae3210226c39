"""Dask arrays in, dask arrays out: detection, validation and lazy maps by row chunks.

Dask is an optional dependency. Nothing here imports it until a dask array has
arrived (it is recognised by the module of its type), so ``import sklearn_dlprep``
and every numpy call stay free of it. A dask array of samples must be chunked along
the rows only, so that every chunk holds whole samples: per-sample work then maps
chunk by chunk, lazily, and statistics are dask reductions computed by the
scheduler, never by loading the array whole.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import math

import numpy as np

from .utils._validation import check_finite_samples


def is_dask_array(X):
    """Whether ``X`` is a ``dask.array.Array``, without importing dask."""
    cls = type(X)
    return cls.__name__ == "Array" and cls.__module__.split(".")[:2] == ["dask",
                                                                       "array"]


def compute(*collections):
    """Compute dask collections together (one pass over shared inputs)."""
    import dask

    return dask.compute(*collections)


def check_row_chunks(X, name="X"):
    """Refuse a dask array chunked along another axis than the rows."""
    split = [axis for axis, chunks in enumerate(X.chunks) if axis and len(chunks) > 1]
    if split:
        target = {0: "auto", **{axis: -1 for axis in range(1, X.ndim)}}
        raise ValueError(
            f"{name} is a dask array chunked along axes {split} as well as the rows "
            f"(chunks of shape {X.chunksize}); every chunk must hold whole samples. "
            f"Rechunk along the rows only: {name} = {name}.rechunk({target!r})."
        )


def check_dask_samples(X, estimator=None, *, reset=True):
    """Check a dask array of samples as ``validate_samples`` checks an array, but
    without computing it: rank, dtype, known shape, row chunks, the number of
    features (recorded when ``reset``, compared otherwise).

    The values themselves (NaN, infinity) are checked where they are read: by the
    statistics of a fit, or chunk by chunk in :func:`map_row_chunks`.
    """
    if X.ndim < 2:
        raise ValueError(
            f"Expected 2D array, got {X.ndim}D array instead: X must be "
            "(n_samples, n_features) or (n_samples, *sample_shape)."
        )
    if any(math.isnan(size) for size in X.shape):
        raise ValueError(
            "X is a dask array of unknown chunk sizes (shape "
            f"{X.shape}); call X.compute_chunk_sizes() first."
        )
    if X.dtype.kind not in "biuf":
        raise TypeError(f"X must hold real numbers, got dtype {X.dtype}.")
    if X.shape[0] < 1:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={X.shape}) while a minimum of 1 "
            "is required."
        )
    n_features = int(np.prod(X.shape[1:], dtype=np.int64))
    if n_features == 0:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={X.shape}) while a minimum of "
            "1 is required."
        )
    check_row_chunks(X)
    if estimator is None:
        return X
    if reset:
        estimator.n_features_in_ = n_features
        if hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
    elif (hasattr(estimator, "n_features_in_")
          and n_features != estimator.n_features_in_):
        raise ValueError(
            f"X has {n_features} features, but {type(estimator).__name__} is "
            f"expecting {estimator.n_features_in_} features as input."
        )
    return X


def refuse_non_finite(X):
    """Raise the error of ``check_finite_samples`` for a dask ``X`` whose statistics
    came out non-finite, naming its first rows that hold NaN or infinity.

    Only called once a statistic is not finite, so a clean fit pays nothing; if no
    row holds a non-finite value (the statistic overflowed), nothing is raised.
    """
    if X.dtype.kind != "f":
        return
    flat = X.reshape(X.shape[0], -1)
    (bad,) = compute(~np.isfinite(flat).all(axis=1))
    rows = np.flatnonzero(bad)[:5].tolist()
    if rows:
        (has_nan,) = compute(np.isnan(flat[rows]).any())
        kind = "NaN" if has_nan else "infinity"
        raise ValueError(
            f"Input X contains {kind} (first rows at fault: {rows}). Remove or "
            "impute those values before augmenting or scaling."
        )


def map_row_chunks(X, function, dtype):
    """``function(chunk)`` on each row chunk of ``X``, lazily.

    ``function`` takes a numpy chunk of whole samples and returns an array of the
    same shape and of ``dtype``; the result is a dask array with ``X``'s chunks. A
    chunk holding NaN or infinity, or refused by ``function`` with a
    ``ValueError``, raises when the result is computed, naming its rows in ``X``.
    """

    def apply(chunk, block_info=None):
        start = block_info[0]["array-location"][0][0] if block_info else 0
        try:
            check_finite_samples(chunk)
            return function(chunk)
        except ValueError as exc:
            raise ValueError(
                f"In the chunk of rows {start} to {start + len(chunk) - 1} of the "
                "dask array X (row numbers below count from the chunk's first "
                f"row): {exc}"
            ) from None

    return X.map_blocks(apply, dtype=dtype,
                        meta=np.empty((0,) * X.ndim, dtype=dtype))
