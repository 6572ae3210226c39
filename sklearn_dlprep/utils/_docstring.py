"""Docstring fragments shared by the estimators, the way imbalanced-learn's
``Substitution`` shares its ``random_state`` paragraph (with ``%(name)s`` markers, so
the braces of ``{"a", "b"}`` options need no escaping)."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

_LAYOUT = """sample_shape : tuple of int, default=None
        Shape of one sample when ``X`` is 2-D ``(n_samples, n_features)``, e.g.
        ``(8, 8)`` or ``(32, 32, 3)``. ``None`` takes it from an N-d ``X``; the rows
        of a 2-D ``X`` are then 1-D signals.

    spatial_ndim : {1, 2} or None, default=None
        Number of spatial axes of a sample; ``None`` means ``min(rank, 2)``. Use 1
        for multichannel signals ``(T, C)``.

    data_format : {"channels_last", "channels_first"}, default="channels_last"
        Where the channel axis of a sample lies (``"channels_first"`` reads
        PyTorch's ``(C, H, W)``)."""

_RANDOM_STATE = """random_state : int, RandomState instance, Generator or None, \
default=None
        Seeds the draws. An int makes every call reproducible, whatever
        ``n_jobs`` is. Global random state is never read or changed, and checking
        this parameter draws nothing from it."""

_N_JOBS = """n_jobs : int or None, default=None
        Threads that transform chunks of samples in parallel (the warp kernel
        releases the GIL). ``None`` means 1 unless in a
        :func:`joblib.parallel_config` context; -1 means all cores."""

_FRAGMENTS = {"layout": _LAYOUT, "random_state": _RANDOM_STATE, "n_jobs": _N_JOBS}


def substitute(obj):
    """Replace the ``%(name)s`` markers of ``obj``'s docstring with the fragments."""
    for name, text in _FRAGMENTS.items():
        obj.__doc__ = obj.__doc__.replace(f"%({name})s", text)
    return obj
