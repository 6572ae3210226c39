"""Scaling for image and signal arrays: per channel, per sample, and ZCA whitening."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils import check_scalar
from sklearn.utils.validation import check_is_fitted

from .utils._containers import like_input
from .utils._layout import from_canonical, resolve_layout, to_canonical
from .utils._memory import check_allocation
from .utils._validation import validate_samples

# Statistics are accumulated, and outputs computed, on blocks of about this many
# values converted to float64 (32 MiB): exact enough for float32 or uint8 data
# without ever holding a float64 copy of a whole dataset.
_CHUNK_VALUES = 1 << 22

# ZCAWhitener.fit holds the covariance, the eigendecomposition's copy, eigenvectors
# and LAPACK workspace, then the whitening matrix: about this many
# n_features x n_features float64 matrices at its peak.
_ZCA_MATRICES_AT_PEAK = 5


def _output_dtype(dtype):
    """Floating dtype of the output for an input of ``dtype``.

    float64 stays float64 and float32 stays float32; integer, boolean and float16
    input give float32, the precision deep-learning frameworks train in (a uint8
    image dataset would grow eightfold in float64).
    """
    if dtype.kind == "f" and dtype.itemsize >= 8:
        return np.dtype(np.float64)
    return np.dtype(np.float32)


def _empty_output(estimator, X):
    """The output for ``X``, once it is known to fit in memory (uint8 data grows
    fourfold in float32)."""
    dtype = _output_dtype(X.dtype)
    check_allocation(X.size * dtype.itemsize, f"{type(estimator).__name__}'s output",
                     "Transform X in batches of rows.")
    return np.empty(X.shape, dtype=dtype)


def _map_rows(estimator, X, function):
    """``function`` on float64 blocks of flattened rows of ``X``, written into a new
    array of ``X``'s shape and the output dtype. Only one float64 block exists at a
    time, so no float64 copy of the whole dataset is made."""
    n_samples = X.shape[0]
    n_features = int(np.prod(X.shape[1:], dtype=np.int64))
    out = _empty_output(estimator, X)
    flat_out = out.reshape(n_samples, n_features)
    for rows in _row_chunks(n_samples, n_features):
        flat_out[rows] = function(X[rows].reshape(-1, n_features).astype(np.float64))
    return out


def _row_chunks(n_samples, n_features):
    """Slices of consecutive rows holding about ``_CHUNK_VALUES`` values each."""
    step = max(1, _CHUNK_VALUES // max(1, n_features))
    for start in range(0, n_samples, step):
        yield slice(start, min(start + step, n_samples))


def _constant_mask(var, mean, n_values):
    """Whether a variance is indistinguishable from zero after round-off.

    The bound of Chan, Golub and LeVeque on the error of a two-pass variance, as
    scikit-learn's StandardScaler uses it: a constant channel whose computed variance
    is a rounding residue gets a scale of 1 rather than a huge one.
    """
    eps = np.finfo(np.float64).eps
    upper_bound = n_values * eps * var + (n_values * mean * eps) ** 2
    return var <= upper_bound


def _resolve_layout(estimator, X):
    """The layout of ``X`` from the estimator's layout parameters."""
    return resolve_layout(X.shape, estimator.sample_shape, estimator.spatial_ndim,
                          estimator.data_format)


def _fitted_layout(estimator, X):
    """The layout resolved at fit time, checked against ``X``.

    A 2-D ``X`` is read with the fitted sample shape; an N-d ``X`` must have it.
    """
    fitted = estimator._layout
    if X.ndim > 2 and X.shape[1:] != fitted.sample_shape:
        axes = ", ".join(str(d) for d in fitted.sample_shape)
        raise ValueError(
            f"X has samples of shape {X.shape[1:]} but {type(estimator).__name__} "
            f"was fitted on samples of shape {fitted.sample_shape}; pass X of shape "
            f"(n_samples, {axes}) or flattened to (n_samples, "
            f"{estimator.n_features_in_})."
        )
    return fitted


class ChannelStandardizer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
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
    sample_shape : tuple of int or None, default=None
        Shape of one sample when ``X`` is 2-D ``(n_samples, n_features)``, such as
        ``(28, 28)`` or ``(32, 32, 3)``. ``None`` takes it from an N-d ``X``;
        a 2-D ``X`` is then a batch of 1-D signals with a single channel, hence
        standardized with one global mean and std.

    with_mean : bool, default=True
        Subtract the channel means.

    with_std : bool, default=True
        Divide by the channel standard deviations.

    spatial_ndim : {1, 2} or None, default=None
        Number of spatial axes of a sample; ``None`` means ``min(rank, 2)``: a
        sample of rank 3 is an image with a channel axis, rank 1 or 2 has a single
        channel. Use 1 for multichannel signals ``(T, C)``, which then get one
        statistic per channel.

    data_format : {"channels_last", "channels_first"}, default="channels_last"
        Where the channel axis of a sample lies (``"channels_first"`` reads
        PyTorch's ``(C, H, W)``). Statistics are per channel whichever it is.

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
    The output has the input's layout (2-D in, 2-D out; N-d in, N-d out; a
    DataFrame in, a DataFrame with the same columns and index out) and a floating
    dtype: float64 and float32 are kept, integer (e.g. uint8) and float16 input
    give float32. ``set_output(transform="pandas")`` needs 2-D input. The input is
    never modified.

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
    """

    def __init__(self, sample_shape=None, with_mean=True, with_std=True, *,
                 spatial_ndim=None, data_format="channels_last"):
        self.sample_shape = sample_shape
        self.with_mean = with_mean
        self.with_std = with_std
        self.spatial_ndim = spatial_ndim
        self.data_format = data_format

    def _check_params(self):
        for name in ("with_mean", "with_std"):
            value = getattr(self, name)
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"{name} must be a bool, got {value!r}.")

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
        self._check_params()
        first_call = not hasattr(self, "n_samples_seen_")
        X = validate_samples(self, X, reset=first_call)
        if first_call:
            layout = self._layout = _resolve_layout(self, X)
        else:
            layout = _fitted_layout(self, X)
        # Every sample holds this many values of each channel.
        positions = layout.n_features // layout.n_channels
        n_values, mean, m2 = self._batch_moments(X, layout)
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
        X_input = X
        X = validate_samples(self, X, reset=False)
        out = self._apply(X, *self._offset_and_scale())
        return like_input(out, X_input)

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
        X_input = X
        X = validate_samples(self, X, reset=False)
        out = self._apply(X, *self._offset_and_scale(), inverse=True)
        return like_input(out, X_input)

    def _offset_and_scale(self):
        """Per-channel offset and scale, neutral for what is switched off."""
        ones = np.ones_like(self.mean_)
        offset = self.mean_ if self.with_mean else 0.0 * ones
        scale = self.scale_ if self.with_std else ones
        return offset, scale

    @staticmethod
    def _batch_moments(X, layout):
        """Count, mean and sum of squared deviations of each channel of ``X``."""
        n_channels = layout.n_channels
        positions = layout.n_features // n_channels
        n_values = 0
        mean = np.zeros(n_channels)
        m2 = np.zeros(n_channels)
        for rows in _row_chunks(X.shape[0], layout.n_features):
            # Rows stay flat, so that numpy works along long contiguous lines
            # rather than along a channel axis of length 3; only the per-feature
            # sums are regrouped by channel.
            block = X[rows].reshape(rows.stop - rows.start, -1).astype(np.float64)
            count = block.shape[0] * positions
            block_mean = _per_channel(block.sum(axis=0), layout) / count
            block -= _per_feature(block_mean, layout)
            np.square(block, out=block)
            block_m2 = _per_channel(block.sum(axis=0), layout)
            n_values, mean, m2 = _combine_moments(n_values, mean, m2, count,
                                                  block_mean, block_m2)
            del block  # free it before the next one is made: one block at a time
        return n_values, mean, m2

    def _apply(self, X, offset, scale, inverse=False):
        """``(x - offset) / scale``, or ``x * scale + offset`` when ``inverse``."""
        layout = _fitted_layout(self, X)
        offset = _per_feature(offset, layout)
        scale = _per_feature(scale, layout)

        def standardize(block):
            if inverse:
                block *= scale
                block += offset
            else:
                block -= offset
                block /= scale
            return block

        return _map_rows(self, X, standardize)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _per_feature(channel_values, layout):
    """Spread one value per channel over the flat features of one sample."""
    canonical = np.broadcast_to(channel_values, (1,) + layout.canonical_shape)
    return from_canonical(canonical, layout, 2)[0]


def _per_channel(feature_values, layout):
    """Sum values given per flat feature of one sample into one per channel."""
    canonical = to_canonical(feature_values[np.newaxis], layout)
    return canonical.reshape(-1, layout.n_channels).sum(axis=0)


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


def _standardize_rows(block):
    """Each row of a float64 block to mean 0 and std 1, in place."""
    n_features = block.shape[1]
    mean = block.mean(axis=1, keepdims=True)
    block -= mean
    var = np.einsum("ij,ij->i", block, block)[:, np.newaxis] / n_features
    std = np.sqrt(var)
    std[_constant_mask(var, mean, n_features)] = 1.0
    block /= std
    return block


class SampleStandardizer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
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
    sample_shape : tuple of int or None, default=None
        Shape of one sample when ``X`` is 2-D ``(n_samples, n_features)``; it is
        only checked against ``n_features``, since the statistics run over the
        whole sample whatever its layout. ``None`` takes it from ``X``.

    spatial_ndim : {1, 2} or None, default=None
        Number of spatial axes of a sample (``None`` means ``min(rank, 2)``);
        checked against the data as for the other estimators of the package.

    data_format : {"channels_last", "channels_first"}, default="channels_last"
        Where the channel axis of a sample lies. The statistics run over every
        value of a sample, so the result is the same for either.

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
    The statistics of each sample are computed in float64, by blocks of rows. The
    output has the input's layout and a floating dtype: float64 and float32 are
    kept, integer (e.g. uint8) and float16 input give float32.
    ``set_output(transform="pandas")`` needs 2-D input. The input is never modified.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import SampleStandardizer
    >>> X = np.array([[0.0, 2.0, 4.0, 6.0], [5.0, 5.0, 5.0, 5.0]])
    >>> SampleStandardizer(sample_shape=(2, 2)).fit_transform(X).round(3)
    array([[-1.342, -0.447,  0.447,  1.342],
           [ 0.   ,  0.   ,  0.   ,  0.   ]])
    """

    def __init__(self, sample_shape=None, *, spatial_ndim=None,
                 data_format="channels_last"):
        self.sample_shape = sample_shape
        self.spatial_ndim = spatial_ndim
        self.data_format = data_format

    def _check_params(self, X):
        # resolve_layout names the parameter at fault in its TypeError / ValueError.
        _resolve_layout(self, X)

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
        X = validate_samples(self, X, reset=True)
        self._check_params(X)
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
        X_input = X
        X = validate_samples(self, X, reset=False)
        self._check_params(X)
        return like_input(_map_rows(self, X, _standardize_rows), X_input)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


class ZCAWhitener(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
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

    sample_shape : tuple of int or None, default=None
        Shape of one sample when ``X`` is 2-D ``(n_samples, n_features)``, checked
        against ``n_features``. ``None`` takes it from ``X``.

    spatial_ndim : {1, 2} or None, default=None
        Number of spatial axes of a sample (``None`` means ``min(rank, 2)``);
        checked against the data as for the other estimators of the package.

    data_format : {"channels_last", "channels_first"}, default="channels_last"
        Where the channel axis of a sample lies. Whitening acts on the flattened
        sample; its result does not depend on the order of the features, so the
        same images in either layout give the same output, re-laid-out.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features_in_,)
        Mean of each feature over the training samples, in float64, in the order
        of the features of ``X`` (a sample flattened in its own layout).

    whitening_ : ndarray of shape (n_features_in_, n_features_in_)
        The symmetric whitening matrix ``W``, in float64.

    eigenvalues_ : ndarray of shape (n_features_in_,)
        Eigenvalues of the training covariance (``ddof=0``), in decreasing order,
        negative round-off clipped to 0.

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
    Statistics are accumulated in float64 by blocks of rows; the output has the
    input's layout and a floating dtype: float64 and float32 are kept, integer
    (e.g. uint8) and float16 input give float32. ``set_output(transform="pandas")``
    needs 2-D input. The input is never modified.

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

    def __init__(self, epsilon=1e-6, *, sample_shape=None, spatial_ndim=None,
                 data_format="channels_last"):
        self.epsilon = epsilon
        self.sample_shape = sample_shape
        self.spatial_ndim = spatial_ndim
        self.data_format = data_format

    def _check_params(self):
        if isinstance(self.epsilon, bool):
            raise TypeError(f"epsilon must be a positive float, got {self.epsilon!r}.")
        check_scalar(self.epsilon, "epsilon", numbers.Real, min_val=0,
                     include_boundaries="neither")
        if not np.isfinite(self.epsilon):
            raise ValueError(f"epsilon must be finite, got {self.epsilon!r}.")

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
        self._check_params()
        X = validate_samples(self, X, reset=True)
        n_samples, n_features = X.shape[0], self.n_features_in_
        self._check_memory(n_features)
        self._layout = _resolve_layout(self, X)

        # Two passes (mean, then covariance of the centred data) rather than the
        # one-pass E[xx^T] - mean mean^T, which cancels catastrophically when the
        # mean is large next to the spread (uint8 images).
        mean = np.zeros(n_features)
        for rows in _row_chunks(n_samples, n_features):
            mean += X[rows].reshape(-1, n_features).sum(axis=0, dtype=np.float64)
        mean /= n_samples
        covariance = np.zeros((n_features, n_features))
        for rows in _row_chunks(n_samples, n_features):
            block = X[rows].reshape(-1, n_features).astype(np.float64)
            block -= mean
            covariance += block.T @ block
        covariance /= n_samples

        eigenvalues, eigenvectors = np.linalg.eigh(covariance)
        del covariance
        # eigh sorts increasingly; decreasing order reads like PCA's.
        eigenvalues = np.clip(eigenvalues[::-1], 0.0, None)
        eigenvectors = np.ascontiguousarray(eigenvectors[:, ::-1])
        gains = 1.0 / np.sqrt(eigenvalues + self.epsilon)
        self.mean_ = mean
        self.eigenvalues_ = eigenvalues
        self.eigenvectors_ = eigenvectors
        self.whitening_ = (eigenvectors * gains) @ eigenvectors.T
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
        X_input = X
        X = validate_samples(self, X, reset=False)
        out = self._apply(
            X, lambda block: (block - self.mean_) @ self.whitening_
        )
        return like_input(out, X_input)

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
        X_input = X
        X = validate_samples(self, X, reset=False)
        # The inverse of W is U diag(sqrt(lambda + epsilon)) U^T; applying it
        # through U avoids storing a second n_features x n_features matrix.
        gains = np.sqrt(self.eigenvalues_ + self.epsilon)
        vectors = self.eigenvectors_
        out = self._apply(
            X, lambda block: ((block @ vectors) * gains) @ vectors.T + self.mean_
        )
        return like_input(out, X_input)

    def _check_memory(self, n_features):
        check_allocation(
            _ZCA_MATRICES_AT_PEAK * n_features**2 * 8,
            f"ZCAWhitener's covariance of {n_features:,} features and its "
            "eigendecomposition",
            "Reduce the number of features: downsample or crop the images, or "
            "whiten in a PCA basis (sklearn.decomposition.PCA(n_components=..., "
            "whiten=True)).",
        )

    def _apply(self, X, function):
        """``function`` on float64 blocks of flattened rows, into a new array."""
        _fitted_layout(self, X)
        return _map_rows(self, X, function)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
