"""ArrayAugmenter: Keras-style random augmentation of arrays, as a sampler."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
from imblearn.base import BaseSampler
from joblib import effective_n_jobs
from sklearn.utils.multiclass import type_of_target

from ._geometry import affine_inverse_maps
from ._warp import FILL_MODES, cast_like, opencv_single_threaded, warp_rows
from .utils._containers import ResampledContainer, like_input
from .utils._layout import resolve_layout, to_canonical
from .utils._memory import check_allocation
from .utils._random import make_generator
from .utils._validation import check_nonnegative_number, validate_samples

# Keys of a draw, in the order they are drawn (the random stream is fixed whatever
# options are switched on, so turning one on does not change the others' values).
PARAM_KEYS = ("theta", "tx", "ty", "shear", "zx", "zy", "flip_horizontal",
              "flip_vertical", "channel_shift_intensity", "brightness",
              "noise_std", "noise_seed")
# Work on about this many bytes of output at a time: fits in cache, bounds the
# temporary float copy that intensity changes of integer images need.
_CHUNK_BYTES = 1 << 21


class ArrayAugmenter(BaseSampler):
    """Random, label-preserving augmentation of image and signal arrays.

    The parameters are those of Keras' ``ImageDataGenerator``, with the same meaning,
    so a Keras configuration carries over unchanged. As an imbalanced-learn sampler,
    ``fit_resample`` returns the original rows followed by ``n_copies`` augmented
    copies of each: inside :class:`imblearn.pipeline.Pipeline` augmentation happens
    when the pipeline is fitted and never at predict or score time.

    Read more in the :ref:`User Guide <augmentation>`.

    Parameters
    ----------
    rotation_range : float, default=0.0
        Rotations are drawn uniformly in ``[-rotation_range, rotation_range]``
        degrees. Images only.

    width_shift_range : float, default=0.0
        Shifts along the width (columns; time for a signal), drawn uniformly in
        ``[-width_shift_range, width_shift_range]``: a fraction of the width when
        below 1, pixels otherwise. Unlike Keras, whose draw feeds the width range to
        the vertical shift, a width shift moves content along the width.

    height_shift_range : float, default=0.0
        Shifts along the height (rows), as ``width_shift_range``. Images only.

    shear_range : float, default=0.0
        Shear angle drawn in ``[-shear_range, shear_range]`` degrees. Images only.

    zoom_range : float or (float, float), default=0.0
        Zoom factors ``zx`` and ``zy`` drawn independently in ``[1 - zoom_range,
        1 + zoom_range]``, or in the interval given. As in Keras a factor above 1
        shows more of the scene (content shrinks). For a signal, ``zx`` stretches
        time.

    horizontal_flip : bool, default=False
        Flip half the samples left-right (reverse time for a signal).

    vertical_flip : bool, default=False
        Flip half the samples upside down. Images only.

    brightness_range : (float, float) or None, default=None
        Multiply intensities by a factor drawn in this interval (Keras/PIL
        brightness). The value range is never rescaled: floats in [0, 1] stay on
        that scale, uint8 stays 0..255 (rounded and clipped).

    channel_shift_range : float, default=0.0
        Add an intensity drawn in ``[-channel_shift_range, channel_shift_range]`` to
        every channel, clipped to the sample's range (Keras' channel shift). Needs
        a channel axis.

    noise_std : float, default=0.0
        Standard deviation of Gaussian noise added to every value, in data units.

    fill_mode : {"nearest", "constant", "reflect", "wrap"}, default="nearest"
        How points outside the input are filled: ``"constant"`` reads ``cval``,
        ``"nearest"`` repeats the edge, ``"reflect"`` mirrors (``dcba|abcd``),
        ``"wrap"`` is periodic with the sample's size as period.

    cval : float, default=0.0
        Value read outside the input with ``fill_mode="constant"``.

    interpolation_order : int, default=1
        Spline order of the warp: 0 (nearest) or 1 (bilinear) with OpenCV's fast
        kernel, 2 to 5 with ``scipy.ndimage``.

    n_copies : int, default=1
        Augmented copies of every sample that ``fit_resample`` adds.

    keep_original : bool, default=True
        Whether ``fit_resample`` returns the original rows before the copies.

    shuffle : bool, default=False
        Whether ``fit_resample`` returns its rows in random order.

    sample_shape : tuple of int, default=None
        Shape of one sample when ``X`` is 2-D ``(n_samples, n_features)``, e.g.
        ``(8, 8)`` or ``(32, 32, 3)``. ``None`` takes it from an N-d ``X``; the rows
        of a 2-D ``X`` are then 1-D signals.

    spatial_ndim : {1, 2} or None, default=None
        Number of spatial axes of a sample; ``None`` means ``min(rank, 2)``. Use 1
        for multichannel signals ``(T, C)``.

    data_format : {"channels_last", "channels_first"}, default="channels_last"
        Where the channel axis of a sample lies (``"channels_first"`` reads
        PyTorch's ``(C, H, W)``).

    random_state : int, RandomState instance, Generator or None, default=None
        Seeds the draws. An int makes every call reproducible, whatever
        ``n_jobs`` is. Global random state is never read or changed.

    n_jobs : int or None, default=None
        Threads that warp chunks of samples in parallel (the warp kernel releases
        the GIL). ``None`` means 1 unless in a :func:`joblib.parallel_config`
        context; -1 means all cores.

    Attributes
    ----------
    sample_indices_ : ndarray of shape (n_samples_out,)
        For every row ``fit_resample`` returned, the input row it came from.

    sampling_strategy_ : dict
        Number of augmented rows generated per class (empty for a continuous
        target); kept for imbalanced-learn's sampler API.

    n_features_in_ : int
        Number of values in one sample of ``X`` seen by ``fit_resample``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of ``X`` when it was a DataFrame with string column names.

    See Also
    --------
    BalancingResampler : Balance classes by creating rows with an augmenter.
    imblearn.over_sampling.RandomOverSampler : Balance classes by copying rows.

    Notes
    -----
    For a square float image and the same draw, :meth:`apply_params` equals Keras'
    ``ImageDataGenerator.apply_transform`` within interpolation round-off, for every
    fill mode but ``"wrap"``. Keras' non-square centre and its ``"wrap"`` that
    repeats every ``n - 1`` pixels are deliberately not reproduced.

    Shift ranges of one or more pixels are drawn uniformly from the interval, where
    Keras draws whole pixels for an int range.

    Warps run in OpenCV for uint8 and float32 samples. float64, float16 and 16-bit
    integer samples are warped in float32 precision (a relative round-off of about
    1e-7) and returned in their own dtype; the identity and pure flips are exact
    copies for every dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_digits
    >>> from sklearn_dlprep import ArrayAugmenter
    >>> X, y = load_digits(return_X_y=True)
    >>> augmenter = ArrayAugmenter(rotation_range=15, zoom_range=0.1, n_copies=2,
    ...                            sample_shape=(8, 8), random_state=0)
    >>> X_res, y_res = augmenter.fit_resample(X, y)
    >>> X_res.shape, y_res.shape
    ((5391, 64), (5391,))
    >>> bool(np.array_equal(X_res[:len(X)], X))
    True
    >>> images = np.zeros((4, 32, 32, 3), dtype=np.uint8)
    >>> ArrayAugmenter(width_shift_range=0.1).augment(images).dtype
    dtype('uint8')
    """

    _sampling_type = "bypass"
    # Parameters are checked against the data in _check_params (some checks need
    # the sample layout), not by scikit-learn's constraint machinery.
    _parameter_constraints: dict = {}

    def __init__(self, *, rotation_range=0.0, width_shift_range=0.0,
                 height_shift_range=0.0, shear_range=0.0, zoom_range=0.0,
                 horizontal_flip=False, vertical_flip=False, brightness_range=None,
                 channel_shift_range=0.0, noise_std=0.0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1, n_copies=1, keep_original=True,
                 shuffle=False, sample_shape=None, spatial_ndim=None,
                 data_format="channels_last", random_state=None, n_jobs=None):
        self.rotation_range = rotation_range
        self.width_shift_range = width_shift_range
        self.height_shift_range = height_shift_range
        self.shear_range = shear_range
        self.zoom_range = zoom_range
        self.horizontal_flip = horizontal_flip
        self.vertical_flip = vertical_flip
        self.brightness_range = brightness_range
        self.channel_shift_range = channel_shift_range
        self.noise_std = noise_std
        self.fill_mode = fill_mode
        self.cval = cval
        self.interpolation_order = interpolation_order
        self.n_copies = n_copies
        self.keep_original = keep_original
        self.shuffle = shuffle
        self.sample_shape = sample_shape
        self.spatial_ndim = spatial_ndim
        self.data_format = data_format
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y):
        """Validate ``X`` and ``y`` and the parameters; augmentation needs no fit.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or \
                (n_samples, *sample_shape)
            Samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets: class labels or continuous values.

        Returns
        -------
        self : object
            The validated augmenter.
        """
        X, y, layout = self._validate_fit_data(X, y)
        self._check_params(layout)
        self.sampling_strategy_ = self._strategy_report(y)
        return self

    def fit_resample(self, X, y):
        """Return the original samples followed by ``n_copies`` augmented copies.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or \
                (n_samples, *sample_shape)
            Samples. Scipy sparse matrices are refused.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets: class labels or continuous values; they follow their rows.

        Returns
        -------
        X_resampled : {ndarray, DataFrame, list}
            ``n_samples * (n_copies + keep_original)`` samples, in the layout,
            dtype and container of ``X``.
        y_resampled : {ndarray, Series, DataFrame, list}
            The targets of the returned rows, in the container of ``y``.
        """
        container = ResampledContainer(X, y)
        X, y, _ = self._validate_fit_data(X, y)
        return container.wrap(*self._fit_resample(X, y))

    def _fit_resample(self, X, y):
        layout = self._layout(X.shape)
        settings = self._check_params(layout)
        rng = make_generator(self.random_state)

        n_samples = X.shape[0]
        n_kept = n_samples if self.keep_original else 0
        n_augmented = n_samples * self.n_copies
        n_out = n_kept + n_augmented
        check_allocation(n_out * X[:1].nbytes, "fit_resample's output",
                         "Lower n_copies, or use flow() to augment batch by batch.")
        source = np.concatenate([np.arange(n_kept), np.tile(np.arange(n_samples),
                                                             self.n_copies)])
        params = self._draw(n_augmented, layout, settings, rng)
        position = np.arange(n_out)
        if self.shuffle:
            position = rng.permutation(n_out)

        out = np.empty((n_out,) + X.shape[1:], dtype=X.dtype)
        out[position[:n_kept]] = X[:n_kept]
        self._apply(to_canonical(X, layout), source[n_kept:],
                    to_canonical(out, layout), position[n_kept:], params, settings)

        sample_indices = np.empty(n_out, dtype=np.intp)
        sample_indices[position] = source
        self.sample_indices_ = sample_indices
        self.sampling_strategy_ = self._strategy_report(y)
        return out, y[sample_indices]

    def sample_params(self, X, random_state=None):
        """Draw one set of random transform values per sample of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *sample_shape)
            Only its shape is read: the number of samples, and the sizes that turn
            fractional shifts into pixels.
        random_state : int, RandomState instance, Generator or None, default=None
            Seeds this draw; ``None`` uses the estimator's ``random_state``.

        Returns
        -------
        params : dict
            Arrays of length ``n_samples`` under Keras' key names ``theta``,
            ``tx``, ``ty``, ``shear``, ``zx``, ``zy``, ``flip_horizontal``,
            ``flip_vertical``, ``channel_shift_intensity``, ``brightness`` (``None``
            when not enabled, as in Keras), plus ``noise_std`` and ``noise_seed``
            (``None`` without noise). ``tx`` moves content along the columns and
            ``ty`` along the rows, in pixels.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_dlprep import ArrayAugmenter
        >>> X = np.zeros((3, 10, 20))
        >>> params = ArrayAugmenter(width_shift_range=0.5).sample_params(X, 0)
        >>> bool(np.all(np.abs(params["tx"]) <= 10)), params["ty"].tolist()
        (True, [0.0, 0.0, 0.0])
        """
        layout = self._layout(np.shape(X))
        settings = self._check_params(layout)
        if random_state is None:
            random_state = self.random_state
        return self._draw(np.shape(X)[0], layout, settings,
                          make_generator(random_state))

    def apply_params(self, X, params):
        """Apply drawn transform values, one set per sample of ``X``.

        Deterministic: the same ``X`` and ``params`` give the same result. Use it
        to replay one draw on a second array, such as a segmentation mask (with an
        augmenter of ``interpolation_order=0``, and the intensity keys
        ``channel_shift_intensity``, ``brightness`` and ``noise_std`` set to None).

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or \
                (n_samples, *sample_shape)
            Samples.
        params : dict
            As returned by :meth:`sample_params`; a key that is absent or ``None``
            is not applied.

        Returns
        -------
        X_augmented : {ndarray, DataFrame}
            Same shape, dtype and container as ``X``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_dlprep import ArrayAugmenter
        >>> image = np.arange(12.0).reshape(1, 3, 4)
        >>> ArrayAugmenter().apply_params(image, {"tx": [1.0]})[0]
        array([[ 1.,  2.,  3.,  3.],
               [ 5.,  6.,  7.,  7.],
               [ 9., 10., 11., 11.]])
        """
        X_val, layout = self._validate_data_only(X)
        settings = self._check_params(layout)
        params = _check_draw(params, X_val.shape[0], layout)
        return self._apply_to_all(X, X_val, layout, params, settings)

    def augment(self, X, random_state=None):
        """Return one augmented version of every sample of ``X``.

        Same as ``apply_params(X, sample_params(X, random_state))``.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or \
                (n_samples, *sample_shape)
            Samples.
        random_state : int, RandomState instance, Generator or None, default=None
            Seeds this draw; ``None`` uses the estimator's ``random_state``.

        Returns
        -------
        X_augmented : {ndarray, DataFrame}
            Same shape, dtype and container as ``X``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_dlprep import ArrayAugmenter
        >>> images = np.random.default_rng(0).integers(0, 256, (16, 32, 32, 3),
        ...                                            dtype=np.uint8)
        >>> augmenter = ArrayAugmenter(rotation_range=40, width_shift_range=0.2,
        ...                            horizontal_flip=True, random_state=0)
        >>> out = augmenter.augment(images)
        >>> out.shape, out.dtype
        ((16, 32, 32, 3), dtype('uint8'))
        >>> bool(np.array_equal(out, augmenter.augment(images)))  # int seed
        True
        """
        X_val, layout = self._validate_data_only(X)
        settings = self._check_params(layout)
        if random_state is None:
            random_state = self.random_state
        params = self._draw(X_val.shape[0], layout, settings,
                            make_generator(random_state))
        return self._apply_to_all(X, X_val, layout, params, settings)

    def flow(self, X, y=None, batch_size=32, shuffle=True, balance=False,
             random_state=None):
        """Iterate over augmented batches, afresh every epoch.

        Each pass over the returned object is one epoch: rows are (optionally)
        shuffled, batched, and each batch augmented as it is yielded, so the
        augmented dataset is never held in memory; ``X`` may be a numpy memmap.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *sample_shape)
            Samples, possibly a ``numpy.memmap``: it is not copied. Float samples
            are scanned once for NaN and infinity, which are refused as everywhere
            else, by a reduction that reads ``X`` without allocating its size.
        y : array-like of shape (n_samples,), default=None
            Targets. Without ``y`` the batches are arrays, not pairs.
        batch_size : int, default=32
            Rows per batch; the last batch of an epoch may be smaller.
        shuffle : bool, default=True
            Whether to visit the rows in a new random order every epoch.
        balance : bool, default=False
            Draw class-balanced batches: each epoch brings every class to the
            majority class's count, as ``BalancingResampler(sampling_strategy=
            "auto")`` does (each original used as evenly as possible), and every
            batch holds the classes in equal numbers, give or take one. Needs
            class labels.
        random_state : int, RandomState instance, Generator or None, default=None
            Seeds the epochs; ``None`` uses the estimator's ``random_state``. With
            an int, epoch ``k`` is the same from one run to the next, and every
            epoch differs from the others.

        Returns
        -------
        batches : iterable
            Iterable over ``(X_batch, y_batch)`` (or ``X_batch`` without ``y``),
            with ``len()`` batches per epoch.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_dlprep import ArrayAugmenter
        >>> X = np.random.default_rng(0).random((100, 28, 28, 1), dtype=np.float32)
        >>> y = np.arange(100) % 10
        >>> batches = ArrayAugmenter(rotation_range=10).flow(X, y, batch_size=32)
        >>> len(batches)
        4
        >>> for X_batch, y_batch in batches:
        ...     pass  # one training step
        >>> X_batch.shape, y_batch.shape
        ((4, 28, 28, 1), (4,))
        """
        from ._flow import ArrayFlow

        if random_state is None:
            random_state = self.random_state
        return ArrayFlow(self, X, y, batch_size=batch_size, shuffle=shuffle,
                         balance=balance, random_state=random_state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        tags.sampler_tags.sample_indices = True
        tags.target_tags.single_output = False
        tags.non_deterministic = self.random_state is None
        return tags

    # Validation, in one place --------------------------------------------------

    def _layout(self, X_shape):
        return resolve_layout(X_shape, self.sample_shape, self.spatial_ndim,
                              self.data_format)

    def _validate_fit_data(self, X, y):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        X, y = validate_samples(self, X, y, reset=True)
        return X, y, self._layout(X.shape)

    def _validate_data_only(self, X):
        X = validate_samples(None, X)
        return X, self._layout(X.shape)

    def _check_params(self, layout):
        """Check every parameter against the data's layout; return resolved values."""
        for name in ("rotation_range", "width_shift_range", "height_shift_range",
                     "shear_range", "channel_shift_range", "noise_std"):
            check_nonnegative_number(getattr(self, name), name)
        zoom = check_nonnegative_number(self.zoom_range, "zoom_range",
                                        allow_pair=True)
        zoom = zoom if isinstance(zoom, tuple) else (1.0 - zoom, 1.0 + zoom)
        if zoom[0] <= 0:
            raise ValueError(
                f"zoom_range={self.zoom_range!r} gives the zoom interval "
                f"[{zoom[0]}, {zoom[1]}]; both ends must be > 0 (a zoom factor of 0 "
                "or less has no meaning). Use a zoom_range below 1 or a pair of "
                "positive factors."
            )
        brightness = self.brightness_range
        if brightness is not None:
            brightness = check_nonnegative_number(brightness, "brightness_range",
                                                  allow_pair=True)
            if not isinstance(brightness, tuple) or brightness[0] < 0:
                raise ValueError(
                    "brightness_range must be None or a pair of factors (lo, hi) "
                    "with 0 <= lo <= hi, such as (0.8, 1.2); got "
                    f"{self.brightness_range!r}."
                )
        for name in ("horizontal_flip", "vertical_flip", "keep_original", "shuffle"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got "
                                f"{getattr(self, name)!r}.")
        if self.fill_mode not in FILL_MODES:
            raise ValueError(f"fill_mode must be one of {FILL_MODES}, got "
                             f"{self.fill_mode!r}.")
        if not isinstance(self.cval, numbers.Real):
            raise TypeError(f"cval must be a real number, got {self.cval!r}.")
        if not np.isfinite(self.cval):
            raise ValueError(f"cval must be a finite number, got {self.cval!r}.")
        order = self.interpolation_order
        if not (isinstance(order, numbers.Integral) and not isinstance(order, bool)
                and 0 <= order <= 5):
            raise ValueError(
                f"interpolation_order must be an int from 0 to 5, got {order!r}."
            )
        if not (isinstance(self.n_copies, numbers.Integral)
                and not isinstance(self.n_copies, bool) and self.n_copies >= 1):
            raise ValueError(f"n_copies must be an int >= 1, got {self.n_copies!r}.")
        if self.n_jobs is not None and (not isinstance(self.n_jobs, numbers.Integral)
                                        or self.n_jobs == 0):
            raise ValueError(f"n_jobs must be None or a non-zero int, got "
                             f"{self.n_jobs!r}.")
        make_generator(self.random_state)  # a bad random_state fails early
        self._check_fits_layout(layout)
        return _Settings(zoom=zoom, brightness=brightness, order=int(order))

    def _check_fits_layout(self, layout):
        if layout.spatial_ndim == 1:
            hint = (
                "Samples of shape {shape} are read as 1-D signals{why}; pass "
                "{name}={default}, or sample_shape=(H, W) or (H, W, C) if they are "
                "images."
            )
            why = (" (the rows of a 2-D X are signals unless sample_shape says "
                   "otherwise)") if self.sample_shape is None else ""
            for name, default, value in (
                ("rotation_range", 0, self.rotation_range),
                ("shear_range", 0, self.shear_range),
                ("height_shift_range", 0, self.height_shift_range),
                ("vertical_flip", False, self.vertical_flip),
            ):
                if value:
                    raise ValueError(
                        f"{name}={value!r} needs 2-D images. "
                        + hint.format(shape=layout.sample_shape, why=why, name=name,
                                      default=default)
                    )
        if self.channel_shift_range and not layout.has_channels:
            raise ValueError(
                f"channel_shift_range={self.channel_shift_range!r} needs a channel "
                f"axis, but samples of shape {layout.sample_shape} have none. Pass "
                f"sample_shape={layout.sample_shape + (1,)} for a single channel, "
                "or channel_shift_range=0."
            )

    def _strategy_report(self, y):
        if type_of_target(y) not in ("binary", "multiclass"):
            return {}
        classes, counts = np.unique(y, return_counts=True)
        return {cls: int(count) * self.n_copies for cls, count in zip(classes, counts)}

    # Draw ---------------------------------------------------------------------

    def _draw(self, n_samples, layout, settings, rng):
        """Draw every value for ``n_samples`` samples at once, in a fixed order."""
        height, width = layout.canonical_shape[:2]
        u = rng.random((10, n_samples))
        noise_seed = rng.integers(0, 2**63, size=n_samples)

        def symmetric(row, value):
            return (2.0 * u[row] - 1.0) * value

        def interval(row, bounds):
            return bounds[0] + (bounds[1] - bounds[0]) * u[row]

        tx = symmetric(1, self.width_shift_range)
        if self.width_shift_range < 1:
            tx *= width
        ty = symmetric(2, self.height_shift_range)
        if self.height_shift_range < 1:
            ty *= height
        zy = interval(5, settings.zoom)
        if layout.spatial_ndim == 1:
            zy[:] = 1.0
        return {
            "theta": symmetric(0, self.rotation_range),
            "tx": tx,
            "ty": ty,
            "shear": symmetric(3, self.shear_range),
            "zx": interval(4, settings.zoom),
            "zy": zy,
            "flip_horizontal": (u[6] < 0.5) & bool(self.horizontal_flip),
            "flip_vertical": (u[7] < 0.5) & bool(self.vertical_flip),
            "channel_shift_intensity": (symmetric(8, self.channel_shift_range)
                                        if self.channel_shift_range else None),
            "brightness": (interval(9, settings.brightness)
                           if settings.brightness is not None else None),
            "noise_std": (np.full(n_samples, float(self.noise_std))
                          if self.noise_std else None),
            "noise_seed": noise_seed if self.noise_std else None,
        }

    # Apply --------------------------------------------------------------------

    def _apply_to_all(self, X, X_val, layout, params, settings):
        """Augment every row of validated ``X_val``; return it in ``X``'s container."""
        check_allocation(X_val.nbytes, "the augmented copy of X",
                         "Augment X in batches, e.g. with flow().")
        out = np.empty_like(X_val)
        rows = np.arange(X_val.shape[0])
        self._apply(to_canonical(X_val, layout), rows, to_canonical(out, layout),
                    rows, params, settings)
        return like_input(out, X, keep_dtypes=True)

    def _apply(self, Xc, src_rows, outc, dst_rows, params, settings):
        """Augment ``Xc[src_rows[i]]`` with draw ``i`` into ``outc[dst_rows[i]]``.

        ``Xc`` and ``outc`` are canonical ``(n, H, W, C)`` views. Work is split in
        chunks of samples, warped then changed in intensity while still in cache,
        on ``n_jobs`` threads; every chunk writes its own rows, so the result does
        not depend on ``n_jobs``.
        """
        n_rows = len(src_rows)
        if n_rows == 0:
            return
        height, width = Xc.shape[1:3]
        maps = affine_inverse_maps(params, height, width)
        chunk = max(1, _CHUNK_BYTES // max(1, Xc[:1].nbytes))
        n_jobs = effective_n_jobs(self.n_jobs)
        if n_jobs > 1:  # enough chunks to keep every thread busy
            chunk = max(1, min(chunk, -(-n_rows // (4 * n_jobs))))
        bounds = [(start, min(start + chunk, n_rows))
                  for start in range(0, n_rows, chunk)]

        def run(bound):
            part = slice(*bound)
            warp_rows(Xc, src_rows[part], outc, dst_rows[part], maps[part],
                      order=settings.order, fill_mode=self.fill_mode,
                      cval=self.cval)
            _change_intensity(outc, dst_rows[part], params, part)

        with opencv_single_threaded():
            if n_jobs > 1 and len(bounds) > 1:
                with ThreadPoolExecutor(max_workers=min(n_jobs, len(bounds))) as pool:
                    list(pool.map(run, bounds))
            else:
                for bound in bounds:
                    run(bound)


class _Settings(NamedTuple):
    """Parameter values resolved against the data (not estimator state)."""

    zoom: tuple
    brightness: tuple | None
    order: int


def _change_intensity(outc, dst_rows, params, part):
    """Keras' order after the warp: channel shift, then brightness; then noise."""
    shift = params.get("channel_shift_intensity")
    brightness = params.get("brightness")
    noise_std = params.get("noise_std")
    seeds = params.get("noise_seed")
    if shift is None and brightness is None and (noise_std is None or seeds is None):
        return
    rows = dst_rows
    contiguous = len(rows) and rows[-1] - rows[0] == len(rows) - 1 and np.all(
        np.diff(rows) == 1)
    block = outc[rows[0]:rows[-1] + 1] if contiguous else outc[rows]
    # float32 holds every uint8/int16 value exactly; wider integers and float64
    # need float64 for the arithmetic to leave them intact.
    wide = block.dtype == np.float64 or (block.dtype.kind in "iu"
                                         and block.dtype.itemsize >= 4)
    work_dtype = np.float64 if wide else np.float32
    work = block.astype(work_dtype)
    expand = (slice(None),) + (np.newaxis,) * (work.ndim - 1)
    if shift is not None:
        # Keras clips to the range the sample had before the shift.
        axes = tuple(range(1, work.ndim))
        low = work.min(axis=axes, keepdims=True)
        high = work.max(axis=axes, keepdims=True)
        work += np.asarray(shift, dtype=work_dtype)[part][expand]
        np.clip(work, low, high, out=work)
    if brightness is not None:
        work *= np.asarray(brightness, dtype=work_dtype)[part][expand]
    if noise_std is not None and seeds is not None:
        for sample, seed, std in zip(work, np.asarray(seeds)[part],
                                     np.asarray(noise_std)[part]):
            if std:
                noise = np.random.default_rng(int(seed)).standard_normal(
                    sample.shape, dtype=work_dtype)
                sample += noise * work_dtype(std)
    result = cast_like(work, block.dtype)
    if contiguous:
        block[...] = result
    else:
        outc[rows] = result


def _check_draw(params, n_samples, layout):
    """Validate a draw given to ``apply_params``: known keys, one value per sample,
    and nothing the samples' layout cannot take (the rule of ``_check_fits_layout``).
    """
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict as sample_params returns, got "
                        f"{type(params).__name__}.")
    unknown = sorted(set(params) - set(PARAM_KEYS))
    if unknown:
        raise ValueError(f"Unknown keys in params: {unknown}; known keys are "
                         f"{list(PARAM_KEYS)}.")
    checked = {}
    for key, value in params.items():
        if value is None:
            checked[key] = None
            continue
        value = np.asarray(value)
        if value.shape != (n_samples,):
            raise ValueError(
                f"params[{key!r}] has shape {value.shape}; expected one value per "
                f"sample, shape ({n_samples},)."
            )
        if value.dtype.kind not in "biuf" or (value.dtype.kind == "f"
                                              and not np.isfinite(value).all()):
            raise ValueError(f"params[{key!r}] must hold finite real numbers.")
        checked[key] = value
    misfits = []
    if layout.spatial_ndim == 1:
        misfits += [(key, "1-D signals have no second spatial axis",
                     "sample_shape=(H, W) or (H, W, C) if they are images")
                    for key in ("theta", "shear", "ty", "flip_vertical")]
    if not layout.has_channels:
        misfits.append(("channel_shift_intensity", "they have no channel axis",
                        f"sample_shape={layout.sample_shape + (1,)}"))
    for key, why, fix in misfits:
        if checked.get(key) is not None and np.any(checked[key]):
            raise ValueError(
                f"params[{key!r}] is non-zero for some samples, but it cannot apply to "
                f"samples of shape {layout.sample_shape}: {why}. Set it to None, or "
                f"pass {fix}."
            )
    noise_std, noise_seed = checked.get("noise_std"), checked.get("noise_seed")
    if noise_std is not None and np.any(noise_std) and noise_seed is None:
        raise ValueError(
            "params['noise_std'] asks for noise but params['noise_seed'] is missing: "
            "pass the seeds sample_params drew, or set noise_std to None."
        )
    if all(v is None for v in checked.values()):
        checked["theta"] = np.zeros(n_samples)
    return checked
