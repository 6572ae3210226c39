"""Scaling for image and signal arrays: per channel, per sample, and ZCA whitening."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils import check_scalar, gen_batches
from sklearn.utils.validation import check_is_fitted
from sklearn_compat.base import _fit_context

from ._dask import (
    check_dask_samples,
    compute,
    is_dask_array,
    map_row_chunks,
    refuse_non_finite,
)
from .utils._containers import like_input
from .utils._docstring import substitute
from .utils._layout import from_canonical, resolve_layout, to_canonical
from .utils._memory import check_allocation
from .utils._param_validation import LAYOUT_CONSTRAINTS
from .utils._validation import validate_samples

# Statistics are accumulated, and outputs computed, on blocks of about this many
# values converted to float64 (32 MiB): exact enough for float32 or uint8 data
# without ever holding a float64 copy of a whole dataset.
_CHUNK_VALUES = 1 << 22

# ZCAWhitener.fit holds the covariance, the eigendecomposition's copy, eigenvectors
# and LAPACK workspace, then the whitening matrix: about this many
# n_features x n_features float64 matrices at its peak.
_ZCA_MATRICES_AT_PEAK = 5

# The layout parameters, as every estimator of the package reads them. Their values
# depend on the data (a sample_shape must hold n_features values), so
# resolve_layout checks them against X; the constraints only check their types.

def _output_dtype(dtype):
    """Floating dtype of the output for an input of ``dtype``.

    float64 stays float64 and float32 stays float32; integer, boolean and float16
    input give float32, the precision deep-learning frameworks train in (a uint8
    image dataset would grow eightfold in float64).
    """
    if dtype.kind == "f" and dtype.itemsize >= 8:
        return np.dtype(np.float64)
    return np.dtype(np.float32)


def _row_batches(X):
    """Slices of consecutive rows of ``X`` holding about ``_CHUNK_VALUES`` values."""
    n_features = int(np.prod(X.shape[1:], dtype=np.int64))
    return gen_batches(X.shape[0], max(1, _CHUNK_VALUES // max(1, n_features)))


def _float_rows(X, rows):
    """Rows of ``X`` flattened to ``(n_rows, n_features)``, as a new float64 block."""
    return X[rows].reshape(rows.stop - rows.start, -1).astype(np.float64)


def _map_rows(X, function, layout, dtype):
    """``function(block, layout)`` on float64 blocks of flattened rows of ``X``,
    into a new array of ``X``'s shape and ``dtype``."""
    out = np.empty(X.shape, dtype=dtype)
    flat_out = out.reshape(X.shape[0], -1)
    for rows in _row_batches(X):
        flat_out[rows] = function(_float_rows(X, rows), layout)
    return out


def _constant_mask(var, mean, n_values):
    """Whether a variance is indistinguishable from zero after round-off.

    The bound of Chan, Golub and LeVeque on the error of a two-pass variance, as
    scikit-learn's StandardScaler uses it: a constant channel whose computed variance
    is a rounding residue gets a scale of 1 rather than a huge one.
    """
    eps = np.finfo(np.float64).eps
    upper_bound = n_values * eps * var + (n_values * mean * eps) ** 2
    return var <= upper_bound


def _per_feature(channel_values, layout):
    """Spread one value per channel over the flat features of one sample."""
    canonical = np.broadcast_to(channel_values, (1,) + layout.canonical_shape)
    return from_canonical(canonical, layout, 2)[0]


def _per_channel(feature_values, layout, reduce=np.add.reduce):
    """Reduce values given per flat feature of one sample to one per channel."""
    canonical = to_canonical(feature_values[np.newaxis], layout)
    return reduce(canonical.reshape(-1, layout.n_channels), axis=0)


class _ArrayTransformerMixin(OneToOneFeatureMixin, TransformerMixin):
    """What the scalers share: the sample layout, validation, row blocks in float64,
    the caller's container and the tags.

    A scaler declares ``_parameter_constraints`` (types, checked once per fit by
    scikit-learn's machinery through :func:`sklearn_compat.base._fit_context`),
    puts checks of values that no constraint expresses in ``_check_params``, reads
    its data through ``_validate_first`` / ``_validate_next``, and computes its
    outputs with ``_map_samples``.

    A ``dask.array`` chunked along the rows is accepted wherever a numpy array is:
    it is validated without being computed, statistics are dask reductions, and
    ``_map_samples`` returns a lazy dask array with the same chunks.
    """

    def _check_params(self):
        """Check parameter values that ``_parameter_constraints`` cannot express."""

    def _validate_first(self, X):
        """Validate ``X`` at the start of a fit and resolve its layout from the
        parameters; the layout is kept for every later call."""
        self._check_params()
        if is_dask_array(X):
            X = check_dask_samples(X, self, reset=True)
        else:
            X = validate_samples(self, X, reset=True)
        self._layout = resolve_layout(X.shape, self.sample_shape, self.spatial_ndim,
                                      self.data_format)
        return X, self._layout

    def _validate_next(self, X):
        """Validate ``X`` against what the fit saw; return it with its layout.

        A 2-D ``X`` is read with the fitted sample shape; an N-d ``X`` must have it.
        A scaler that learns nothing and was never fitted reads the layout from its
        parameters.
        """
        if is_dask_array(X):
            X = check_dask_samples(X, self, reset=False)
        else:
            X = validate_samples(self, X, reset=False)
        fitted = getattr(self, "_layout", None)
        if fitted is None:
            return X, resolve_layout(X.shape, self.sample_shape, self.spatial_ndim,
                                     self.data_format)
        if X.ndim > 2 and X.shape[1:] != fitted.sample_shape:
            axes = ", ".join(str(d) for d in fitted.sample_shape)
            raise ValueError(
                f"X has samples of shape {X.shape[1:]} but {type(self).__name__} "
                f"was fitted on samples of shape {fitted.sample_shape}; pass X of "
                f"shape (n_samples, {axes}) or flattened to (n_samples, "
                f"{self.n_features_in_})."
            )
        return X, fitted

    def _map_samples(self, X, function, check=None):
        """``function(block, layout)`` on float64 blocks of flattened rows of ``X``,
        written into a new array of ``X``'s shape, the output dtype and ``X``'s
        container. Only one float64 block exists at a time, so no float64 copy of
        the whole dataset is made; ``function`` may work in place on its block.
        ``check(X)``, if given, sees the validated ``X`` before anything is done.

        A dask ``X`` gives a lazy dask array with the same chunks; ``check`` then
        runs on each chunk when it is computed.
        """
        X_input = X
        X, layout = self._validate_next(X)
        dtype = _output_dtype(X.dtype)
        if is_dask_array(X):
            def map_chunk(chunk):
                if check is not None:
                    check(chunk)
                return _map_rows(chunk, function, layout, dtype)

            return map_row_chunks(X, map_chunk, dtype)
        if check is not None:
            check(X)
        # uint8 data grows fourfold in float32: refuse what cannot fit, up front.
        check_allocation(X.size * dtype.itemsize, f"{type(self).__name__}'s output",
                         "Transform X in batches of rows.")
        return like_input(_map_rows(X, function, layout, dtype), X_input)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


@substitute
class ChannelStandardizer(_ArrayTransformerMixin, BaseEstimator):
    """Standardize each channel with one mean and one std over samples and positions.

    This is Keras' ``featurewise_center`` and ``featurewise_std_normalization``, and
    the per-channel mean/std normalisation of ImageNet-style pipelines: every value
    of channel ``c`` becomes ``(x - mean_[c]) / scale_[c]``, where the statistics
    run over all samples *and* all positions (pixels, time steps) of that channel.
    Unlike :class:`~sklearn.preprocessing.StandardScaler`, which learns one
    statistic per pixel, it keeps the spatial structure that convolutional networks
    rely on.

    Statistics are accumulated in float64 by blocks of rows, so float32 or uint8
    data is never copied whole to float64, and :meth:`partial_fit` gives, chunk
    after chunk, the result of one :meth:`fit` on all the chunks (parallel
    combination of means and variances of Chan, Golub and LeVeque): datasets
    larger than memory can be fitted from a ``numpy.memmap``.

    Read more in the :ref:`User Guide <scaling>`.

    Parameters
    ----------
    %(sample_shape)s

    with_mean : bool, default=True
        Subtract the channel means.

    with_std : bool, default=True
        Divide by the channel standard deviations.

    %(spatial_ndim)s

    %(data_format)s
        Statistics are per channel whichever it is.

    Attributes
    ----------
    mean_ : ndarray of shape (n_channels,)
        Mean of each channel, in float64 (computed even when ``with_mean=False``).

    var_ : ndarray of shape (n_channels,)
        Variance of each channel (``ddof=0``), in float64.

    scale_ : ndarray of shape (n_channels,) or None
        Standard deviation of each channel, 1 for a constant channel so that no
        division by zero happens; ``None`` when ``with_std=False``.

    n_samples_seen_ : int
        Number of samples seen by :meth:`fit` or every :meth:`partial_fit` since.

    n_features_in_ : int
        Number of values in one sample.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during :meth:`fit`, when ``X`` is a DataFrame
        with string column names.

    See Also
    --------
    SampleStandardizer : Standardize each sample on its own.
    ZCAWhitener : Decorrelate the features as well.
    sklearn.preprocessing.StandardScaler : One mean and std per feature (pixel).

    Notes
    -----
    %(container_notes)s

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import ChannelStandardizer
    >>> rng = np.random.default_rng(0)
    >>> images = rng.integers(0, 256, size=(10, 4, 4, 3), dtype=np.uint8)
    >>> scaler = ChannelStandardizer().fit(images)
    >>> scaler.mean_.shape
    (3,)
    >>> out = scaler.transform(images)
    >>> out.shape, out.dtype
    ((10, 4, 4, 3), dtype('float32'))
    >>> np.allclose(out.mean(axis=(0, 1, 2)), 0, atol=1e-6)
    True
    >>> np.allclose(out.std(axis=(0, 1, 2)), 1, atol=1e-5)
    True
    >>> torch_style = np.moveaxis(images, -1, 1)          # (10, 3, 4, 4)
    >>> ChannelStandardizer(data_format="channels_first").fit(torch_style).mean_.shape
    (3,)
    """

    _parameter_constraints: dict = {
        **LAYOUT_CONSTRAINTS,
        "with_mean": ["boolean"],
        "with_std": ["boolean"],
    }

    def __init__(self, sample_shape=None, with_mean=True, with_std=True, *,
                 spatial_ndim=None, data_format="channels_last"):
        self.sample_shape = sample_shape
        self.with_mean = with_mean
        self.with_std = with_std
        self.spatial_ndim = spatial_ndim
        self.data_format = data_format

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Compute the mean and std of each channel.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *sample_shape)
            Training data.

        y : None
            Ignored.

        Returns
        -------
        self : ChannelStandardizer
            Fitted scaler.
        """
        for attribute in ("n_samples_seen_", "mean_", "var_", "scale_", "_layout"):
            if hasattr(self, attribute):
                delattr(self, attribute)
        return self.partial_fit(X, y)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """Update the channel statistics with a batch of samples.

        The statistics after several calls equal those of one :meth:`fit` on the
        concatenated batches, up to floating-point round-off.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *sample_shape)
            A batch of training data, possibly a ``numpy.memmap``.

        y : None
            Ignored.

        Returns
        -------
        self : ChannelStandardizer
            Fitted scaler.
        """
        first_call = not hasattr(self, "n_samples_seen_")
        X, layout = self._validate_first(X) if first_call else self._validate_next(X)
        # Every sample holds this many values of each channel.
        positions = layout.n_features // layout.n_channels
        n_values, mean, m2 = _channel_moments(X, layout)
        if first_call:
            self.n_samples_seen_ = 0
            old_mean = old_m2 = np.zeros_like(mean)
        else:
            old_mean = self.mean_
            old_m2 = self.var_ * (self.n_samples_seen_ * positions)
        seen, mean, m2 = _combine_moments(self.n_samples_seen_ * positions, old_mean,
                                          old_m2, n_values, mean, m2)
        self.n_samples_seen_ += X.shape[0]
        self.mean_ = mean
        self.var_ = m2 / seen
        if self.with_std:
            scale = np.sqrt(self.var_)
            scale[_constant_mask(self.var_, self.mean_, seen)] = 1.0
            self.scale_ = scale
        else:
            self.scale_ = None
        return self

    def transform(self, X):
        """Standardize each channel with the fitted statistics.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *sample_shape)
            Data to scale.

        Returns
        -------
        X_out : ndarray or DataFrame of the same shape as ``X``
            Scaled data, float32 unless ``X`` is float64.
        """
        check_is_fitted(self)
        offset, scale = self._offset_and_scale()

        def standardize(block, layout):
            block -= _per_feature(offset, layout)
            block /= _per_feature(scale, layout)
            return block

        return self._map_samples(X, standardize)

    def inverse_transform(self, X):
        """Undo :meth:`transform`: multiply by the scale, add the mean.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *sample_shape)
            Scaled data.

        Returns
        -------
        X_original : ndarray or DataFrame of the same shape as ``X``
            Data on the original scale, float32 unless ``X`` is float64.
        """
        check_is_fitted(self)
        offset, scale = self._offset_and_scale()

        def unstandardize(block, layout):
            block *= _per_feature(scale, layout)
            block += _per_feature(offset, layout)
            return block

        return self._map_samples(X, unstandardize)

    def _offset_and_scale(self):
        """Per-channel offset and scale, neutral for what is switched off."""
        ones = np.ones_like(self.mean_)
        offset = self.mean_ if self.with_mean else 0.0 * ones
        scale = self.scale_ if self.with_std else ones
        return offset, scale


def _check_range(value, name):
    """``(low, high)`` as floats: two finite numbers, ``low < high``, a finite width."""
    try:
        low, high = value
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a pair (low, high) of numbers such as (0, 1), got "
            f"{value!r}."
        ) from None
    for bound in (low, high):
        if not isinstance(bound, numbers.Real) or isinstance(bound, (bool, np.bool_)):
            raise TypeError(
                f"{name} must be a pair (low, high) of numbers such as (0, 1), got "
                f"{value!r}."
            )
    low, high = float(low), float(high)
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError(f"{name} must have finite bounds, got {value!r}.")
    if not low < high:
        raise ValueError(f"{name}=({low:g}, {high:g}) must have low < high.")
    if not np.isfinite(high - low):
        raise ValueError(
            f"{name}=({low:g}, {high:g}) is wider than the float64 range."
        )
    return low, high


def _values_outside(X, low, high):
    """How many values of ``X`` lie outside ``[low, high]``, and the range seen.

    ``(0, None, None)`` when none does. Reductions run by blocks of rows in ``X``'s
    own dtype, so no float64 copy is made; integer dtypes whose whole range fits
    are not even read. A dask ``X`` is reduced by dask, in one pass.
    """
    if X.dtype.kind in "biu":
        info = (0, 1) if X.dtype.kind == "b" else (np.iinfo(X.dtype).min,
                                                   np.iinfo(X.dtype).max)
        if low <= info[0] and info[1] <= high:
            return 0, None, None
    if is_dask_array(X):
        seen_min, seen_max, n_outside = compute(X.min(), X.max(),
                                                ((X < low) | (X > high)).sum())
        if not n_outside:
            return 0, None, None
        return int(n_outside), float(seen_min), float(seen_max)
    seen_min, seen_max = np.inf, -np.inf
    for rows in _row_batches(X):
        block = X[rows]
        seen_min = min(seen_min, float(block.min()))
        seen_max = max(seen_max, float(block.max()))
    if low <= seen_min and seen_max <= high:
        return 0, None, None
    n_outside = sum(int(np.count_nonzero((X[rows] < low) | (X[rows] > high)))
                    for rows in _row_batches(X))
    return n_outside, seen_min, seen_max


def _channel_min_max(X, layout):
    """Minimum and maximum of each channel of ``X``, in float64.

    The reductions run in ``X``'s own dtype (exact), by blocks of rows, or as dask
    reductions for a dask ``X``.
    """
    if is_dask_array(X):
        canonical = to_canonical(X, layout)
        data_min, data_max = compute(canonical.min(axis=(0, 1, 2)),
                                     canonical.max(axis=(0, 1, 2)))
        if not (np.isfinite(data_min).all() and np.isfinite(data_max).all()):
            refuse_non_finite(X)
        return data_min.astype(np.float64), data_max.astype(np.float64)
    data_min = np.full(layout.n_channels, np.inf)
    data_max = np.full(layout.n_channels, -np.inf)
    for rows in _row_batches(X):
        flat = X[rows].reshape(rows.stop - rows.start, -1)
        data_min = np.minimum(data_min, _per_channel(flat.min(axis=0), layout,
                                                     np.minimum.reduce))
        data_max = np.maximum(data_max, _per_channel(flat.max(axis=0), layout,
                                                     np.maximum.reduce))
    return data_min, data_max


@substitute
class ChannelMinMaxScaler(_ArrayTransformerMixin, BaseEstimator):
    """Map each channel linearly onto a fixed range, such as ``[0, 1]``.

    Without ``value_range``, :meth:`fit` learns one minimum and one maximum per
    channel over all samples *and* all positions, and :meth:`transform` maps them
    onto ``feature_range``. Unlike :class:`~sklearn.preprocessing.MinMaxScaler`,
    which learns a minimum and maximum per pixel (so a border pixel that is almost
    always 0 is stretched to the full range by its rare ink), it is one affine map
    of the intensities of each channel, and images still look like images.

    With ``value_range=(low, high)``, the range the data is known to take (``(0,
    255)`` for 8-bit images), nothing is learned from the data: the map from
    ``value_range`` to ``feature_range`` is fixed. It is then Keras'
    ``rescale=1/255`` (``feature_range=(0, 1)``), or ``X / 127.5 - 1``
    (``feature_range=(-1, 1)``), Keras 3's ``Rescaling`` and torchvision's
    ``ToDtype(scale=True)``; since it learns nothing, it may run before the split
    without leaking anything. Values outside ``value_range`` are an error, unless
    ``clip=True``.

    Read more in the :ref:`User Guide <scaling>`.

    Parameters
    ----------
    feature_range : tuple (low, high), default=(0, 1)
        The range the data is mapped onto; ``low < high``, both finite.

    value_range : tuple (low, high) or None, default=None
        The range the data takes, when it is known (``(0, 255)`` for uint8
        images, ``(0, 1)`` for float images in that range); the map is then
        fixed. ``None`` learns one range per channel from the data.

    clip : bool, default=False
        Clip the output to ``feature_range`` at transform time (values outside
        the fitted range, or outside ``value_range``, then land on its bounds).
        With ``clip=False`` and a ``value_range``, data outside ``value_range`` is
        refused with a ``ValueError`` that says how many values fall outside.

    %(sample_shape)s

    %(spatial_ndim)s

    %(data_format)s
        The ranges are per channel whichever it is.

    Attributes
    ----------
    data_min_ : ndarray of shape (n_channels,)
        Minimum of each channel over the data seen (``value_range[0]`` for every
        channel when ``value_range`` is given), in float64.

    data_max_ : ndarray of shape (n_channels,)
        Maximum of each channel over the data seen (``value_range[1]`` when
        given), in float64.

    data_range_ : ndarray of shape (n_channels,)
        ``data_max_ - data_min_``.

    scale_ : ndarray of shape (n_channels,)
        Relative scaling of each channel: ``transform`` is ``X * scale_ + min_``,
        channel by channel. A constant channel gets the scale of a range of 1, so
        it maps to ``feature_range[0]`` without a division by zero.

    min_ : ndarray of shape (n_channels,)
        Offset of each channel (``feature_range[0] - data_min_ * scale_``).

    n_samples_seen_ : int
        Number of samples seen by :meth:`fit` or every :meth:`partial_fit` since.

    n_features_in_ : int
        Number of values in one sample.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during :meth:`fit`, when ``X`` is a DataFrame
        with string column names.

    See Also
    --------
    ChannelStandardizer : Mean 0 and std 1 per channel.
    sklearn.preprocessing.MinMaxScaler : One minimum and maximum per feature (pixel).

    Notes
    -----
    The map is computed in float64 as ``(X - data_min_) / data_range_ *
    (high - low) + low``, so with ``value_range=(0, 255)`` and
    ``feature_range=(0, 1)`` it is ``X / 255`` rounded once to the output dtype.
    %(container_notes)s

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import ChannelMinMaxScaler
    >>> images = np.array([[[[0, 10], [255, 20]]], [[[51, 30], [102, 40]]]],
    ...                   dtype=np.uint8)           # (2, 1, 2, 2): 2 channels
    >>> scaler = ChannelMinMaxScaler().fit(images)
    >>> scaler.data_min_, scaler.data_max_
    (array([ 0., 10.]), array([255.,  40.]))
    >>> scaler.transform(images)[..., 1].ravel()
    array([0.        , 0.33333334, 0.6666667 , 1.        ], dtype=float32)
    >>> fixed = ChannelMinMaxScaler((-1, 1), value_range=(0, 255)).fit(images)
    >>> fixed.transform(images)[..., 0].ravel()
    array([-1. ,  1. , -0.6, -0.2], dtype=float32)
    """

    _parameter_constraints: dict = {
        "feature_range": ["array-like"],
        "value_range": ["array-like", None],
        "clip": ["boolean"],
        **LAYOUT_CONSTRAINTS,
    }

    def __init__(self, feature_range=(0, 1), *, value_range=None, clip=False,
                 sample_shape=None, spatial_ndim=None, data_format="channels_last"):
        self.feature_range = feature_range
        self.value_range = value_range
        self.clip = clip
        self.sample_shape = sample_shape
        self.spatial_ndim = spatial_ndim
        self.data_format = data_format

    def _check_params(self):
        self._feature_range = _check_range(self.feature_range, "feature_range")
        self._value_range = (None if self.value_range is None
                             else _check_range(self.value_range, "value_range"))

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the range of each channel, or check ``X`` against ``value_range``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *sample_shape)
            Training data.

        y : None
            Ignored.

        Returns
        -------
        self : ChannelMinMaxScaler
            Fitted scaler.
        """
        for attribute in ("n_samples_seen_", "data_min_", "data_max_", "data_range_",
                          "scale_", "min_", "_layout"):
            if hasattr(self, attribute):
                delattr(self, attribute)
        return self.partial_fit(X, y)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """Update the range of each channel with a batch of samples.

        The ranges after several calls equal those of one :meth:`fit` on the
        concatenated batches, exactly.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *sample_shape)
            A batch of training data, possibly a ``numpy.memmap``.

        y : None
            Ignored.

        Returns
        -------
        self : ChannelMinMaxScaler
            Fitted scaler.
        """
        first_call = not hasattr(self, "n_samples_seen_")
        X, layout = self._validate_first(X) if first_call else self._validate_next(X)
        if self._value_range is not None:
            if not self.clip:
                self._refuse_values_outside(X, "fit")
            data_min = np.full(layout.n_channels, self._value_range[0])
            data_max = np.full(layout.n_channels, self._value_range[1])
        else:
            data_min, data_max = _channel_min_max(X, layout)
            if not first_call:
                data_min = np.minimum(data_min, self.data_min_)
                data_max = np.maximum(data_max, self.data_max_)
            with np.errstate(over="ignore"):
                wide = ~np.isfinite(data_max - data_min)
            if wide.any():
                channel = int(np.flatnonzero(wide)[0])
                raise ValueError(
                    f"Channel {channel} of X spans from {data_min[channel]:g} to "
                    f"{data_max[channel]:g}, a range wider than float64 can hold; "
                    "divide X by a power of 2 first."
                )
        low, high = self._feature_range
        data_range = data_max - data_min
        self.n_samples_seen_ = (0 if first_call else self.n_samples_seen_) + len(X)
        self.data_min_ = data_min
        self.data_max_ = data_max
        self.data_range_ = data_range
        self.scale_ = (high - low) / np.where(data_range == 0, 1.0, data_range)
        self.min_ = low - data_min * self.scale_
        return self

    def transform(self, X):
        """Map each channel onto ``feature_range``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *sample_shape)
            Data to scale.

        Returns
        -------
        X_out : ndarray or DataFrame of the same shape as ``X``
            Scaled data, float32 unless ``X`` is float64.

        Raises
        ------
        ValueError
            With ``value_range`` and ``clip=False``, when ``X`` has values outside
            ``value_range``.
        """
        check_is_fitted(self)
        low, high = self._feature_range
        data_range = np.where(self.data_range_ == 0, 1.0, self.data_range_)

        def scale(block, layout):
            # A division rather than X * scale_ + min_: X / 255 exactly for
            # value_range=(0, 255), and no overflow for tiny ranges.
            block -= _per_feature(self.data_min_, layout)
            block /= _per_feature(data_range, layout)
            block *= high - low
            block += low
            if self.clip:
                np.clip(block, low, high, out=block)
            return block

        check = None
        if self._value_range is not None and not self.clip:
            def check(X):
                self._refuse_values_outside(X, "transform")
        return self._map_samples(X, scale, check)

    def inverse_transform(self, X):
        """Undo :meth:`transform`: map ``feature_range`` back onto each channel's range.

        Values clipped by ``clip=True`` stay on the bounds of the range.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *sample_shape)
            Scaled data.

        Returns
        -------
        X_original : ndarray or DataFrame of the same shape as ``X``
            Data on the original scale, float32 unless ``X`` is float64.
        """
        check_is_fitted(self)
        low, high = self._feature_range
        data_range = np.where(self.data_range_ == 0, 1.0, self.data_range_)

        def unscale(block, layout):
            block -= low
            block /= high - low
            block *= _per_feature(data_range, layout)
            block += _per_feature(self.data_min_, layout)
            return block

        return self._map_samples(X, unscale)

    def _refuse_values_outside(self, X, method):
        low, high = self._value_range
        n_outside, seen_min, seen_max = _values_outside(X, low, high)
        if n_outside:
            raise ValueError(
                f"{n_outside:,} of the {X.size:,} values of X passed to {method} "
                f"lie outside value_range=({low:g}, {high:g}): X holds values from "
                f"{seen_min:g} to {seen_max:g}. Pass the range the data takes as "
                "value_range, value_range=None to learn it, or clip=True to clip "
                "the output."
            )


def _channel_moments(X, layout):
    """Count, mean and sum of squared deviations of each channel of ``X``.

    For a dask ``X``, the same computation on every chunk of rows (where the
    chunk lies), the chunks' moments then combined in order: one pass, no float64
    copy of a whole chunk kept, a few numbers per chunk sent back.
    """
    positions = layout.n_features // layout.n_channels
    if is_dask_array(X):
        from dask import delayed

        chunks = X.to_delayed().ravel()  # one per chunk of rows
        parts = compute(*[delayed(_channel_moments)(chunk, layout)
                          for chunk, n_rows in zip(chunks, X.chunks[0]) if n_rows])
        n_values, mean, m2 = 0, np.zeros(layout.n_channels), np.zeros(
            layout.n_channels)
        for part in parts:
            n_values, mean, m2 = _combine_moments(n_values, mean, m2, *part)
        if not (np.isfinite(mean).all() and np.isfinite(m2).all()):
            refuse_non_finite(X)
        return n_values, mean, m2
    n_values = 0
    mean = np.zeros(layout.n_channels)
    m2 = np.zeros(layout.n_channels)
    for rows in _row_batches(X):
        # Rows stay flat, so that numpy works along long contiguous lines rather
        # than along a channel axis of length 3; only the per-feature sums are
        # regrouped by channel.
        block = _float_rows(X, rows)
        count = block.shape[0] * positions
        block_mean = _per_channel(block.sum(axis=0), layout) / count
        block -= _per_feature(block_mean, layout)
        np.square(block, out=block)
        block_m2 = _per_channel(block.sum(axis=0), layout)
        n_values, mean, m2 = _combine_moments(n_values, mean, m2, count,
                                              block_mean, block_m2)
        del block  # free it before the next one is made: one block at a time
    return n_values, mean, m2


def _combine_moments(n_a, mean_a, m2_a, n_b, mean_b, m2_b):
    """Count, mean and sum of squared deviations of two batches together.

    The pairwise update of Chan, Golub and LeVeque: numerically stable, and
    independent of how the data was split into batches up to round-off.
    """
    n = n_a + n_b
    if n_a == 0:
        return n_b, mean_b.copy(), m2_b.copy()
    delta = mean_b - mean_a
    mean = mean_a + delta * (n_b / n)
    m2 = m2_a + m2_b + delta**2 * (n_a * n_b / n)
    return n, mean, m2


def _largest_and_unit(X):
    """The largest magnitude in ``X``, and the power of 2 that brings it into
    [1, 2) (1 for an all-zero ``X``). Read by blocks in ``X``'s own dtype."""
    if is_dask_array(X):
        extremes = np.abs(np.array(compute(X.min(), X.max()), dtype=np.float64))
        if not np.isfinite(extremes).all():
            refuse_non_finite(X)
        largest = float(extremes.max())
    else:
        largest = 0.0
        for rows in _row_batches(X):
            block = X[rows]
            largest = max(largest, abs(float(block.min())),
                          abs(float(block.max())))
    if largest == 0.0:
        return largest, 1.0
    return largest, float(np.ldexp(1.0, int(np.frexp(largest)[1]) - 1))


def _scaled_mean_and_covariance(X, unit):
    """Mean and covariance (``ddof=0``) of the flattened samples of ``X / unit``.

    Two passes (mean, then covariance of the centred data) rather than the one-pass
    E[xx^T] - mean mean^T, which cancels catastrophically when the mean is large
    next to the spread (uint8 images). A dask ``X`` goes through dask's reductions
    (its matmul sums per-chunk products in a tree).
    """
    n_samples = X.shape[0]
    if is_dask_array(X):
        flat = X.reshape(n_samples, -1).astype(np.float64) / unit
        (mean,) = compute(flat.mean(axis=0))
        centred = flat - mean
        (covariance,) = compute(centred.T @ centred)
        return mean, covariance / n_samples
    mean = 0.0
    for rows in _row_batches(X):
        block = _float_rows(X, rows)
        block /= unit
        mean += block.sum(axis=0)
    mean /= n_samples
    covariance = 0.0
    for rows in _row_batches(X):
        block = _float_rows(X, rows)
        block /= unit
        block -= mean
        covariance += block.T @ block
    return mean, covariance / n_samples


def _standardize_rows(block, layout=None):
    """Each row of a float64 block to mean 0 and std 1, in place."""
    n_features = block.shape[1]
    mean = block.mean(axis=1, keepdims=True)
    block -= mean
    var = np.einsum("ij,ij->i", block, block)[:, np.newaxis] / n_features
    std = np.sqrt(var)
    std[_constant_mask(var, mean, n_features)] = 1.0
    block /= std
    return block


@substitute
class SampleStandardizer(_ArrayTransformerMixin, BaseEstimator):
    """Standardize each sample on its own to mean 0 and standard deviation 1.

    This is Keras' ``samplewise_center`` with ``samplewise_std_normalization``: the
    mean and std of each sample are taken over all its values (every position and
    channel), which removes differences of brightness and contrast between images.
    It learns nothing: :meth:`fit` only validates ``X`` and records
    ``n_features_in_``, and :meth:`transform` may be called without it.

    A constant sample has a standard deviation of zero, which is treated as 1 (as
    scikit-learn's scalers do): the sample becomes all zeros, without the NaN of a
    division by zero. Keras instead adds 1e-6 to every std, which leaves the
    output's std slightly below 1; here a non-constant sample has exactly std 1.

    Read more in the :ref:`User Guide <scaling>`.

    Parameters
    ----------
    %(sample_shape)s
        The statistics run over the whole sample whatever its layout, so the
        layout parameters are only checked against ``X``.

    %(spatial_ndim)s

    %(data_format)s

    Attributes
    ----------
    n_features_in_ : int
        Number of values in one sample.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during :meth:`fit`, when ``X`` is a DataFrame
        with string column names.

    See Also
    --------
    ChannelStandardizer : One mean and std per channel over the whole dataset.
    sklearn.preprocessing.Normalizer : Scale each sample to unit norm.

    Notes
    -----
    The statistics of each sample are computed in float64, by blocks of rows.
    %(container_notes)s

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import SampleStandardizer
    >>> X = np.array([[0.0, 2.0, 4.0, 6.0], [5.0, 5.0, 5.0, 5.0]])
    >>> SampleStandardizer(sample_shape=(2, 2)).fit_transform(X).round(3)
    array([[-1.342, -0.447,  0.447,  1.342],
           [ 0.   ,  0.   ,  0.   ,  0.   ]])
    """

    _parameter_constraints: dict = dict(LAYOUT_CONSTRAINTS)

    def __init__(self, sample_shape=None, *, spatial_ndim=None,
                 data_format="channels_last"):
        self.sample_shape = sample_shape
        self.spatial_ndim = spatial_ndim
        self.data_format = data_format

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Validate ``X`` and record the number of features.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *sample_shape)
            Training data.

        y : None
            Ignored.

        Returns
        -------
        self : SampleStandardizer
            The transformer.
        """
        self._validate_first(X)
        return self

    def transform(self, X):
        """Standardize each sample with its own mean and std.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *sample_shape)
            Data to scale.

        Returns
        -------
        X_out : ndarray or DataFrame of the same shape as ``X``
            Scaled data, float32 unless ``X`` is float64.
        """
        return self._map_samples(X, _standardize_rows)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        return tags


@substitute
class ZCAWhitener(_ArrayTransformerMixin, BaseEstimator):
    """ZCA whitening: decorrelate the features while staying close to the data.

    With ``lambda, U`` the eigenvalues and eigenvectors of the covariance of the
    centred, flattened training samples, the whitening matrix is
    ``W = U diag(1 / sqrt(lambda + epsilon)) U^T`` and :meth:`transform` returns
    ``(X - mean_) @ W``. Whitened training data has a covariance close to the
    identity; among all whitening transforms ZCA is the one that changes the data
    least, so whitened images still look like images (Keras' ``zca_whitening``).

    ``epsilon`` is in the units of a variance, as in the ZCA literature (Keras'
    ``zca_epsilon``): directions whose variance is well below ``epsilon`` are
    damped rather than amplified. With fewer samples than features the covariance
    is singular and those directions get the gain ``1 / sqrt(epsilon)``; a larger
    ``epsilon`` then keeps noise in check.

    The covariance has ``n_features ** 2`` entries (a 32x32x3 image gives 3072
    features, a 75 MB covariance). :meth:`fit` estimates the memory it needs first
    and refuses with a ``ValueError`` when it exceeds the memory available; reduce
    the number of features (downsample, crop, or use PCA whitening) then.

    Read more in the :ref:`User Guide <scaling>`.

    Parameters
    ----------
    epsilon : float, default=1e-6
        Added to every eigenvalue before the inverse square root; must be > 0.

    %(sample_shape)s
        Whitening acts on the flattened sample, so the layout parameters are
        only checked against ``X``.

    %(spatial_ndim)s

    %(data_format)s
        The result does not depend on the order of the features: the same
        images in either layout give the same output, re-laid-out.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features_in_,)
        Mean of each feature over the training samples, in float64, in the order
        of the features of ``X`` (a sample flattened in its own layout).

    whitening_ : ndarray of shape (n_features_in_, n_features_in_)
        The symmetric whitening matrix ``W``, in float64.

    eigenvalues_ : ndarray of shape (n_features_in_,)
        Eigenvalues of the training covariance (``ddof=0``), in decreasing order,
        negative round-off clipped to 0. A variance above the float64 maximum
        (data spread beyond about 1e154) is ``inf`` here; the whitening itself is
        computed from scaled statistics and stays finite.

    eigenvectors_ : ndarray of shape (n_features_in_, n_features_in_)
        The matching unit eigenvectors, one per column.

    n_features_in_ : int
        Number of values in one sample.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during :meth:`fit`, when ``X`` is a DataFrame
        with string column names.

    See Also
    --------
    ChannelStandardizer : Standardize each channel without decorrelating.
    sklearn.decomposition.PCA : With ``whiten=True``, whitening in the PCA basis,
        which can also drop components.

    Notes
    -----
    Statistics are accumulated in float64 by blocks of rows.
    %(container_notes)s

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import ZCAWhitener
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(500, 3)) @ np.array([[2.0, 1, 0], [0, 1, 0], [0, 0, 3]])
    >>> zca = ZCAWhitener().fit(X)
    >>> np.round(np.cov(zca.transform(X), rowvar=False, bias=True), 3) + 0.0
    array([[1., 0., 0.],
           [0., 1., 0.],
           [0., 0., 1.]])
    >>> np.allclose(zca.inverse_transform(zca.transform(X)), X)
    True
    """

    _parameter_constraints: dict = {
        "epsilon": [numbers.Real],
        **LAYOUT_CONSTRAINTS,
    }

    def __init__(self, epsilon=1e-6, *, sample_shape=None, spatial_ndim=None,
                 data_format="channels_last"):
        self.epsilon = epsilon
        self.sample_shape = sample_shape
        self.spatial_ndim = spatial_ndim
        self.data_format = data_format

    def _check_params(self):
        if isinstance(self.epsilon, (bool, np.bool_)):
            raise TypeError(f"epsilon must be a positive float, got {self.epsilon!r}.")
        check_scalar(self.epsilon, "epsilon", numbers.Real, min_val=0,
                     include_boundaries="neither")
        if not np.isfinite(self.epsilon):
            raise ValueError(f"epsilon must be finite, got {self.epsilon!r}.")

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the mean and the whitening matrix.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *sample_shape)
            Training data.

        y : None
            Ignored.

        Returns
        -------
        self : ZCAWhitener
            Fitted whitener.

        Raises
        ------
        ValueError
            When the covariance and its eigendecomposition would not fit in memory.
        """
        X, _ = self._validate_first(X)
        n_features = self.n_features_in_
        check_allocation(
            _ZCA_MATRICES_AT_PEAK * n_features**2 * 8,
            f"ZCAWhitener's covariance of {n_features:,} features and its "
            "eigendecomposition",
            "Reduce the number of features: downsample or crop the images, or "
            "whiten in a PCA basis (sklearn.decomposition.PCA(n_components=..., "
            "whiten=True)).",
        )

        # The statistics are computed on X / unit, a power of 2 that brings the
        # largest magnitude into [1, 2): exact for every normal float, and the
        # squares of the covariance can then neither overflow (data from about
        # 1e154) nor underflow (below 1e-154).
        largest, unit = _largest_and_unit(X)
        mean, covariance = _scaled_mean_and_covariance(X, unit)
        eigenvalues, eigenvectors = np.linalg.eigh(covariance)
        del covariance
        # eigh sorts increasingly; decreasing order reads like PCA's.
        eigenvalues = np.clip(eigenvalues[::-1], 0.0, None)
        eigenvectors = np.ascontiguousarray(eigenvectors[:, ::-1])
        # sqrt(lambda + epsilon) in the data's units, without squaring the unit:
        # it stays finite whenever the data's own spread is.
        with np.errstate(over="ignore"):
            deviations = np.hypot(np.sqrt(eigenvalues) * unit, np.sqrt(self.epsilon))
        gains = 1.0 / deviations
        if not (np.isfinite(deviations).all()
                and gains.min() >= np.finfo(np.float64).tiny):
            raise ValueError(
                f"X holds values up to {largest:g} in magnitude: the whitening "
                "matrix of data this large falls outside the normal float64 range. "
                "Divide X by a power of 2 (and epsilon by its square) first."
            )
        self.mean_ = mean * unit
        with np.errstate(over="ignore", under="ignore"):
            self.eigenvalues_ = eigenvalues * unit * unit
        self.eigenvectors_ = eigenvectors
        self.whitening_ = (eigenvectors * gains) @ eigenvectors.T
        self._deviations = deviations
        return self

    def transform(self, X):
        """Whiten ``X``: ``(X - mean_) @ whitening_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *sample_shape)
            Data to whiten.

        Returns
        -------
        X_out : ndarray or DataFrame of the same shape as ``X``
            Whitened data, float32 unless ``X`` is float64.
        """
        check_is_fitted(self)
        return self._map_samples(
            X, lambda block, layout: (block - self.mean_) @ self.whitening_
        )

    def inverse_transform(self, X):
        """Undo :meth:`transform`: ``X @ inverse(whitening_) + mean_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *sample_shape)
            Whitened data.

        Returns
        -------
        X_original : ndarray or DataFrame of the same shape as ``X``
            Data in the original space, float32 unless ``X`` is float64.
        """
        check_is_fitted(self)
        # The inverse of W is U diag(sqrt(lambda + epsilon)) U^T; applying it
        # through U avoids storing a second n_features x n_features matrix.
        gains = self._deviations
        vectors = self.eigenvectors_
        return self._map_samples(
            X, lambda block, layout: ((block @ vectors) * gains) @ vectors.T
            + self.mean_
        )
