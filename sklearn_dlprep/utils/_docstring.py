"""Docstring fragments shared by the estimators, the way imbalanced-learn's
``Substitution`` shares its ``random_state`` paragraph (with ``%(name)s`` markers, so
the braces of ``{"a", "b"}`` options need no escaping)."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

_LAYOUT_PARTS = {
    "sample_shape": """sample_shape : tuple of int or None, default=None
        Shape of one sample when ``X`` is 2-D ``(n_samples, n_features)``, such as
        ``(28, 28)`` or ``(32, 32, 3)``. ``None`` takes it from an N-d ``X``; the
        rows of a 2-D ``X`` are then 1-D signals with a single channel.""",
    "spatial_ndim": """spatial_ndim : {1, 2} or None, default=None
        Number of spatial axes of a sample; ``None`` means ``min(rank, 2)``: a
        sample of rank 3 is an image with a channel axis, rank 1 or 2 has a single
        channel. Use 1 for multichannel signals ``(T, C)``.""",
    "data_format": """data_format : {"channels_last", "channels_first"}, \
default="channels_last"
        Where the channel axis of a sample lies (``"channels_first"`` reads
        PyTorch's ``(C, H, W)``).""",
}

_CONTAINER_NOTES = """\
The output has the input's layout (2-D in, 2-D out; N-d in, N-d out; a
    DataFrame in, a DataFrame with the same columns and index out) and a floating
    dtype: float64 and float32 are kept, integer (e.g. uint8) and float16 input
    give float32. ``set_output(transform="pandas")`` needs 2-D input. The input is
    never modified. A ``dask.array`` chunked along the rows is accepted too:
    statistics are dask reductions, and the output is a lazy dask array with the
    input's chunks (see :ref:`scaling_large_data`)."""

_LAYOUT = "\n\n    ".join(_LAYOUT_PARTS.values())

_RANDOM_STATE = """random_state : int, RandomState instance, Generator or None, \
default=None
        Seeds the draws. An int makes every call reproducible, whatever
        ``n_jobs`` is. Global random state is never read or changed, and checking
        this parameter draws nothing from it."""

_N_JOBS = """n_jobs : int or None, default=None
        Threads that transform chunks of samples in parallel (the warp kernel
        releases the GIL). ``None`` means 1 unless in a
        :func:`joblib.parallel_config` context; -1 means all cores."""

_FRAGMENTS = {"layout": _LAYOUT, "random_state": _RANDOM_STATE, "n_jobs": _N_JOBS,
              "container_notes": _CONTAINER_NOTES, **_LAYOUT_PARTS}


def substitute(obj):
    """Replace the ``%(name)s`` markers of ``obj``'s docstring with the fragments."""
    for name, text in _FRAGMENTS.items():
        obj.__doc__ = obj.__doc__.replace(f"%({name})s", text)
    return obj
