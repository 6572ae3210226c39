"""How one row of ``X`` is laid out as a sample.

Every estimator of the package reads ``X`` either as an N-d array
``(n_samples, *sample_shape)`` or as a 2-D table ``(n_samples, n_features)`` plus a
``sample_shape`` parameter. This module resolves that description once
(:func:`resolve_layout`) and gives a *canonical view* of the data,
``(n_samples, height, width, channels)`` with channels last, a height of 1 for
signals and one channel for data without a channel axis. The view shares memory with
the caller's array wherever numpy allows it, so no dataset is copied to reach it.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import math
import numbers
from dataclasses import dataclass

import numpy as np

DATA_FORMATS = ("channels_last", "channels_first")


@dataclass(frozen=True)
class SampleLayout:
    """The resolved layout of one sample.

    Parameters
    ----------
    sample_shape : tuple of int
        Shape of one sample as the caller lays it out.
    spatial_ndim : {1, 2}
        1 for signals, 2 for images.
    channels_first : bool
        Whether the channel axis, if any, comes before the spatial axes.
    """

    sample_shape: tuple
    spatial_ndim: int
    channels_first: bool

    @property
    def has_channels(self):
        """Whether the sample has an explicit channel axis."""
        return len(self.sample_shape) == self.spatial_ndim + 1

    @property
    def n_channels(self):
        """Number of channels (1 when there is no channel axis)."""
        if not self.has_channels:
            return 1
        return self.sample_shape[0] if self.channels_first else self.sample_shape[-1]

    @property
    def spatial_shape(self):
        """Spatial extent: ``(T,)`` for a signal, ``(H, W)`` for an image."""
        if not self.has_channels:
            return tuple(self.sample_shape)
        if self.channels_first:
            return tuple(self.sample_shape[1:])
        return tuple(self.sample_shape[:-1])

    @property
    def canonical_shape(self):
        """``(height, width, channels)`` of the canonical view of one sample."""
        spatial = self.spatial_shape
        if self.spatial_ndim == 1:
            spatial = (1,) + spatial
        return spatial + (self.n_channels,)

    @property
    def n_features(self):
        """Number of values in one sample."""
        return math.prod(self.sample_shape)


def _check_shape_tuple(sample_shape):
    if isinstance(sample_shape, numbers.Integral) and not isinstance(
        sample_shape, bool
    ):
        sample_shape = (sample_shape,)
    try:
        shape = tuple(sample_shape)
    except TypeError:
        raise TypeError(
            "sample_shape must be a tuple of positive ints such as (28, 28, 1), "
            f"got {sample_shape!r}."
        ) from None
    if not shape or not all(
        isinstance(d, numbers.Integral) and not isinstance(d, bool) and d > 0
        for d in shape
    ):
        raise ValueError(
            "sample_shape must be a non-empty tuple of positive ints such as "
            f"(28, 28, 1), got {sample_shape!r}."
        )
    return tuple(int(d) for d in shape)


# Channel counts of colour images (RGB, RGBA): a 3-D X whose last axis is one of them
# may be one colour image given without its batch axis.
_COLOUR_CHANNELS = (3, 4)


def _ambiguous_message(X_shape):
    n, height, width = X_shape
    return (
        f"X of shape {X_shape} is ambiguous: it may be one colour image of "
        f"{n}x{height} pixels with {width} channels, given without its batch axis, "
        f"or a batch of {n} grey images of {height}x{width} pixels. Say which: for "
        f"one colour image, pass X[np.newaxis] (shape {(1,) + tuple(X_shape)}); "
        f"for {n} grey images, pass sample_shape={X_shape[1:]} or spatial_ndim=2; "
        f"for {n} signals of {height} steps with {width} channels, spatial_ndim=1."
    )


def resolve_layout(X_shape, sample_shape=None, spatial_ndim=None,
                   data_format="channels_last"):
    """Resolve how each row of an array of shape ``X_shape`` is laid out.

    Parameters
    ----------
    X_shape : tuple of int
        Shape of ``X``: ``(n_samples, n_features)`` or ``(n_samples, *sample_shape)``.
    sample_shape : tuple of int or None
        Shape of one sample. ``None`` takes it from ``X_shape`` (a 2-D ``X`` is then a
        batch of 1-D signals). A 3-D ``X`` whose last axis is 3 or 4 with neither
        ``sample_shape`` nor ``spatial_ndim`` is refused: it may be one colour image
        without its batch axis or a batch of grey images, and the message says how
        to ask for each.
    spatial_ndim : {1, 2} or None
        Number of spatial axes. ``None`` means ``min(sample rank, 2)``.
    data_format : {"channels_last", "channels_first"}
        Where the channel axis of a sample lies.

    Returns
    -------
    layout : SampleLayout
    """
    if data_format not in DATA_FORMATS:
        raise ValueError(
            f"data_format must be one of {DATA_FORMATS}, got {data_format!r}."
        )
    X_shape = tuple(X_shape)
    if len(X_shape) < 2:
        raise ValueError(
            f"Expected 2D array, got {len(X_shape)}D array instead: X must be "
            "(n_samples, n_features) with sample_shape, or (n_samples, *sample_shape)."
        )
    if sample_shape is None:
        shape = X_shape[1:]
        if (spatial_ndim is None and len(X_shape) == 3 and data_format ==
                "channels_last" and X_shape[-1] in _COLOUR_CHANNELS):
            raise ValueError(_ambiguous_message(X_shape))
    else:
        shape = _check_shape_tuple(sample_shape)
        # Python ints: a product of numpy int64 would wrap around silently.
        n_features = math.prod(shape)
        if len(X_shape) == 2:
            if n_features != X_shape[1]:
                raise ValueError(
                    f"sample_shape={shape} holds {n_features} values but X has "
                    f"{X_shape[1]} features per row; they must be equal."
                )
        elif X_shape[1:] != shape:
            raise ValueError(
                f"X has samples of shape {X_shape[1:]} but sample_shape={shape}; "
                "pass sample_shape=None for N-d X, or make them agree."
            )
    rank = len(shape)
    if rank > 3:
        raise ValueError(
            f"Samples of rank {rank} (shape {shape}) are not supported: a sample is a "
            "signal (T,) or (T, C), or an image (H, W) or (H, W, C)."
        )
    if spatial_ndim is None:
        spatial_ndim = min(rank, 2)
    elif spatial_ndim not in (1, 2) or isinstance(spatial_ndim, bool):
        raise ValueError(f"spatial_ndim must be 1, 2 or None, got {spatial_ndim!r}.")
    if rank not in (spatial_ndim, spatial_ndim + 1):
        raise ValueError(
            f"A sample of shape {shape} cannot have spatial_ndim={spatial_ndim}: "
            f"expected a sample rank of {spatial_ndim} or {spatial_ndim + 1} "
            "(spatial axes, then an optional channel axis)."
        )
    return SampleLayout(shape, int(spatial_ndim), data_format == "channels_first")


def to_canonical(X, layout):
    """View ``X`` as ``(n_samples, height, width, channels)``, channels last.

    The result shares memory with ``X`` whenever ``X`` is C-contiguous (or N-d), so
    writing into it writes into ``X``; a channels-first layout gives a
    non-contiguous view.
    """
    n_samples = X.shape[0]
    X = X.reshape((n_samples,) + layout.sample_shape)
    if not layout.has_channels:
        X = X[..., np.newaxis]
    elif layout.channels_first:
        X = np.moveaxis(X, 1, -1)
    if layout.spatial_ndim == 1:
        X = X[:, np.newaxis]
    return X


def from_canonical(Xc, layout, ndim):
    """Inverse of :func:`to_canonical`: back to the caller's rank ``ndim``."""
    n_samples = Xc.shape[0]
    if layout.spatial_ndim == 1:
        Xc = Xc[:, 0]
    if not layout.has_channels:
        Xc = Xc[..., 0]
    elif layout.channels_first:
        Xc = np.moveaxis(Xc, -1, 1)
    if ndim == 2:
        return Xc.reshape(n_samples, -1)
    return Xc
