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

from .utils._random import make_generator
from .utils._validation import check_finite_samples, validate_samples


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


# Augmentation ---------------------------------------------------------------------
#
# Draws are made on the client, for every row at once, from the generator an
# in-memory call would use: the dask result then equals the in-memory one bit for
# bit, whatever the chunks and the number of workers. They travel to the workers as
# a structured dask array chunked like the rows, so each task receives only its own
# rows' values. Beyond DRAWS_BUDGET bytes of draws (about 1.3 million rows for
# ArrayAugmenter, 50 to 75 bytes a row), each chunk draws its own values instead,
# from a generator seeded by the random_state and the chunk's first row: still the
# same on every run and for any number of workers, but for the same chunks only,
# and not equal to the in-memory result. The budget is a constant, not the memory
# free at the time, so that the result never depends on the machine.

DRAWS_BUDGET = 1 << 26  # bytes

# Fields of the records beside the draws: whether a row is transformed, and the row
# of X it is a copy of (for messages).
_AUGMENTED, _SOURCE = "__augmented__", "__source__"


class ChunkSeeds:
    """Draws made chunk by chunk, each from a generator of its own.

    The generator of the chunk whose first output row is ``row`` is seeded by
    ``SeedSequence(entropy, spawn_key=(row,))``: independent streams, fixed by the
    entropy and the chunks, not by where or in which order chunks are computed.
    """

    def __init__(self, entropy):
        self.entropy = entropy

    def generator(self, row):
        return np.random.default_rng(np.random.SeedSequence(self.entropy,
                                                            spawn_key=(row,)))


def draw_rows(plan, n_rows, rng):
    """``plan.draw(n_rows, rng)``, or :class:`ChunkSeeds` when the draws of
    ``n_rows`` rows would exceed ``DRAWS_BUDGET`` bytes."""
    sample = plan.draw(1, np.random.default_rng(0))  # the caller's rng untouched
    per_row = sum(np.asarray(value).nbytes for value in sample.values()
                  if value is not None)
    if n_rows * per_row <= DRAWS_BUDGET:
        return plan.draw(n_rows, rng)
    return ChunkSeeds(int(rng.integers(2**63)))


def augment_dask(augmenter, X, random_state):
    """``augmenter.augment(X, random_state)`` for a dask ``X``: a lazy dask array."""
    X = check_dask_samples(X)
    plan = augmenter.make_plan(X.shape, X.dtype)
    if random_state is None:
        random_state = augmenter.random_state
    draws = draw_rows(plan, X.shape[0], make_generator(random_state))
    return augment_rows(X, plan, draws)


def apply_params_dask(augmenter, X, params):
    """``augmenter.apply_params(X, params)`` for a dask ``X``: a lazy dask array."""
    X = check_dask_samples(X)
    plan = augmenter.make_plan(X.shape, X.dtype)
    return augment_rows(X, plan, augmenter.check_draws(params, X.shape[0], plan))


def augment_rows(X, plan, draws, sample_indices=None, augmented_rows=None):
    """The rows of a dask ``X``, augmented by ``plan``, lazily.

    Without ``sample_indices``, every row of ``X`` is transformed, row ``i`` by
    draw ``i``, and the result has ``X``'s chunks. With them, output row ``i`` is
    ``X[sample_indices[i]]``, and output row ``augmented_rows[j]`` is transformed
    by draw ``j`` (the others are copies). ``draws`` is a dict as ``plan.draw``
    returns, or :class:`ChunkSeeds`. ``plan=None`` only gathers the rows.

    Values are checked (NaN, infinity) chunk by chunk when the result is
    computed; an error names the rows of ``X`` at fault.
    """
    import dask.array as da

    if sample_indices is None:
        source, n_out = X, X.shape[0]
    else:
        sample_indices = np.asarray(sample_indices, dtype=np.intp)
        if plan is None:
            return X[sample_indices]
        # Checked before the gather, so that an error names the rows of X.
        source = map_row_chunks(X, _unchanged, X.dtype)[sample_indices]
        n_out = len(sample_indices)
    records = _draw_records(draws, n_out, augmented_rows, sample_indices)
    seeds = draws if isinstance(draws, ChunkSeeds) else None
    none_keys = () if seeds else tuple(k for k, v in draws.items() if v is None)
    arrays = [source]
    if records is not None:
        arrays.append(da.from_array(
            records.reshape((n_out,) + (1,) * (X.ndim - 1)),
            chunks=(source.chunks[0],) + ((1,),) * (X.ndim - 1)))
    return da.map_blocks(
        _augment_chunk, *arrays, plan=plan, seeds=seeds, none_keys=none_keys,
        gathered=sample_indices is not None, dtype=X.dtype, token="augment",
        meta=np.empty((0,) * X.ndim, dtype=X.dtype))


def _unchanged(chunk):
    return chunk


def _draw_records(draws, n_out, augmented_rows, sample_indices):
    """One record per output row: whether it is transformed, which row of ``X``
    it copies and, when the draws were made up front, its values (zeros for rows
    that are not transformed)."""
    if isinstance(draws, ChunkSeeds):
        fields = []
    else:
        fields = [(key, value.dtype, value.shape[1:]) for key, value in
                  ((key, np.asarray(value)) for key, value in draws.items()
                   if value is not None)]
    if sample_indices is None and not fields:
        return None
    header = [(_AUGMENTED, bool)]
    if sample_indices is not None:
        header.append((_SOURCE, np.intp))
    records = np.zeros(n_out, dtype=header + fields)
    rows = slice(None) if augmented_rows is None else np.asarray(augmented_rows)
    records[_AUGMENTED][rows] = True
    if sample_indices is not None:
        records[_SOURCE] = sample_indices
    for key, _, _ in fields:
        records[key][rows] = draws[key]
    return records


def _augment_chunk(chunk, records=None, *, plan, seeds, none_keys, gathered,
                   block_info=None):
    start = block_info[None]["array-location"][0][0] if block_info else 0
    try:
        if records is not None:
            records = records.reshape(len(chunk))
        if not gathered:  # a gathered chunk was checked before the gather
            check_finite_samples(chunk)
        if records is None:
            rows = np.arange(len(chunk))
        else:
            rows = np.flatnonzero(records[_AUGMENTED])
        if seeds is not None:
            draws = plan.draw(len(rows), seeds.generator(start))
        else:
            draws = {key: records[key][rows] for key in records.dtype.names
                     if key not in (_AUGMENTED, _SOURCE)}
            draws.update(dict.fromkeys(none_keys))
        # A chunk may be a view of the caller's array (dask.array.from_array):
        # never written to.
        out = np.empty_like(chunk) if len(rows) == len(chunk) else chunk.copy()
        plan.apply(chunk, rows, out, rows, draws)
        return out
    except ValueError as exc:
        stop = start + len(chunk) - 1
        if not gathered:
            where = f"In the chunk of rows {start} to {stop} of the dask array X"
        else:
            origin = np.unique(records[_SOURCE])
            shown = ", ".join(map(str, origin[:5])) + (", ..." if len(origin) > 5
                                                       else "")
            where = (f"In rows {start} to {stop} of the resampled dask array "
                     f"(copies of rows {shown} of X)")
        raise ValueError(f"{where} (row numbers below count from the chunk's "
                         f"first row): {exc}") from None


def check_dask_fit_data(estimator, X, y):
    """Validate a dask ``X`` (recording ``n_features_in_``) and its targets ``y``,
    which are small and computed if they are a dask array: ``(X, y)``."""
    from sklearn.utils import check_array

    if is_dask_array(y):
        (y,) = compute(y)
    if not is_dask_array(X):
        return validate_samples(estimator, X, y, reset=True)
    X = check_dask_samples(X, estimator, reset=True)
    y = check_array(y, ensure_2d=False, dtype=None, input_name="y")
    if y.ndim > 2:
        raise ValueError(f"y must be 1-D or 2-D, got shape {y.shape}.")
    if len(y) != X.shape[0]:
        raise ValueError(
            "Found input variables with inconsistent numbers of samples: "
            f"[{X.shape[0]}, {len(y)}]."
        )
    return X, y


def like_targets(y_resampled, y, X_resampled):
    """Resampled targets as a dask array, chunked like the resampled ``X``'s rows,
    when the targets given were one; as they are otherwise."""
    if not is_dask_array(y):
        return y_resampled
    import dask.array as da

    y_resampled = np.asarray(y_resampled)
    rows = X_resampled.chunks[0] if is_dask_array(X_resampled) else "auto"
    return da.from_array(y_resampled, chunks=(rows,) + y_resampled.shape[1:])
