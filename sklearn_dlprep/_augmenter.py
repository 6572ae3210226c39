"""ArrayAugmenter: Keras-style random augmentation of arrays, as a sampler."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import copy
import numbers
from collections.abc import Sequence

import numpy as np
from imblearn.base import BaseSampler
from joblib import effective_n_jobs
from sklearn.utils.multiclass import type_of_target

from ._engine import (
    FILL_MODES,
    KerasAffine,
    KerasIntensity,
    Plan,
    check_keras_draws,
    check_params_fit_layout,
)
from .utils._containers import ResampledContainer, like_input
from .utils._docstring import substitute
from .utils._layout import DATA_FORMATS, resolve_layout
from .utils._memory import check_allocation
from .utils._param_validation import (
    BOOLEAN,
    RANDOM_STATE,
    check_params,
    interval,
    options,
    pair_of,
)
from .utils._random import make_generator
from .utils._validation import validate_samples

_NONNEGATIVE = interval(numbers.Real, 0)


@substitute
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

    brightness_channels : {"color", "all"}, default="color"
        Which channels ``brightness_range`` scales. ``"color"`` follows Keras'
        ``ImageDataGenerator``, whose brightness goes through PIL: the fourth
        channel of a 4-channel image is alpha (RGBA) and keeps its values; every
        other sample (1, 2, 3 or 5+ channels, signals) has all its channels scaled.
        ``"all"`` scales every channel, for images whose fourth channel is data
        (RGB and near-infrared, say).

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

    %(layout)s

    %(random_state)s

    %(n_jobs)s

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

    Warps run in OpenCV for uint8 and float32 samples; float16, int8, int16 and
    uint16 through float32, which holds them exactly. float64 samples go through
    float32 too, scaled by a power of two (exact) when their magnitude lies beyond
    2**-100 or 2**100: every finite input gives a finite output, and an output value
    is within
    ``2**-20 * (1 + p)`` times the largest magnitude in its sample, ``p`` being the
    largest source coordinate in pixels (OpenCV computes positions in float32;
    measured: 1e-5 for 32x32 images, 3e-4 for 700x700, at any scale from 1e-300
    to 1e300). float32 samples have the same bound. An exact float64 warp would be
    4 to 7 times slower.
    32- and 64-bit integers and spline orders above 1 go through scipy in float64.
    The identity, flips and shifts by whole pixels are exact copies for every
    dtype, and results are rounded and clipped to the dtype's range exactly (int64
    and uint64 included); floats saturate at their largest finite value.

    Shifts far beyond the sample cost what small ones cost: positions are first
    reduced modulo the period (``"wrap"``: the size; ``"reflect"``: twice the
    size), or moved by whole pixels to just beyond the edge (``"nearest"``,
    ``"constant"``), which leaves the result unchanged up to float64's rounding
    of the shift itself (2**-53 of it).

    Draws and warp matrices are made 65,536 samples at a time, so memory beyond
    the output stays bounded; ``fit_resample`` and ``augment`` refuse, before
    allocating, a call whose output, labels, ``sample_indices_`` and working
    memory would not fit.

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
    # Checked once per call by check_params; what depends on the data's layout is
    # checked by check_params_fit_layout against one table.
    _parameter_constraints: dict = {
        "rotation_range": [_NONNEGATIVE],
        "width_shift_range": [_NONNEGATIVE],
        "height_shift_range": [_NONNEGATIVE],
        "shear_range": [_NONNEGATIVE],
        "zoom_range": [_NONNEGATIVE, pair_of(numbers.Real, 0)],
        "horizontal_flip": [BOOLEAN],
        "vertical_flip": [BOOLEAN],
        "brightness_range": [None, pair_of(numbers.Real, 0)],
        "brightness_channels": [options("color", "all")],
        "channel_shift_range": [_NONNEGATIVE],
        "noise_std": [_NONNEGATIVE],
        "fill_mode": [options(*FILL_MODES)],
        "cval": [interval(numbers.Real)],
        "interpolation_order": [interval(numbers.Integral, 0, 5)],
        "n_copies": [interval(numbers.Integral, 1)],
        "keep_original": [BOOLEAN],
        "shuffle": [BOOLEAN],
        "sample_shape": [None, Sequence, numbers.Integral],
        "spatial_ndim": [None, interval(numbers.Integral, 1, 2)],
        "data_format": [options(*DATA_FORMATS)],
        "random_state": [RANDOM_STATE],
        "n_jobs": [None, interval(numbers.Integral, 1),
                   interval(numbers.Integral, None, -1)],
    }

    def __init__(self, *, rotation_range=0.0, width_shift_range=0.0,
                 height_shift_range=0.0, shear_range=0.0, zoom_range=0.0,
                 horizontal_flip=False, vertical_flip=False, brightness_range=None,
                 brightness_channels="color", channel_shift_range=0.0, noise_std=0.0,
                 fill_mode="nearest", cval=0.0, interpolation_order=1, n_copies=1,
                 keep_original=True, shuffle=False, sample_shape=None,
                 spatial_ndim=None, data_format="channels_last", random_state=None,
                 n_jobs=None):
        self.rotation_range = rotation_range
        self.width_shift_range = width_shift_range
        self.height_shift_range = height_shift_range
        self.shear_range = shear_range
        self.zoom_range = zoom_range
        self.horizontal_flip = horizontal_flip
        self.vertical_flip = vertical_flip
        self.brightness_range = brightness_range
        self.brightness_channels = brightness_channels
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
        X, y = self._validate_fit_data(X, y)
        self.make_plan(X.shape)
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
        # imbalanced-learn's fit_resample would refuse a continuous or single-class
        # y, which augmentation preserves (API.md, Conformance): the containers
        # are wrapped here instead.
        container = ResampledContainer(X, y)
        X, y = self._validate_fit_data(X, y)
        return container.wrap(*self._fit_resample(X, y))

    def _fit_resample(self, X, y):
        plan = self.make_plan(X.shape)
        rng = make_generator(self.random_state)

        n_samples = X.shape[0]
        n_kept = n_samples if self.keep_original else 0
        n_augmented = n_samples * self.n_copies
        n_out = n_kept + n_augmented
        # Everything the call holds at once: the output, its labels, the
        # sample_indices_ (and the permutation when shuffling), and the draws,
        # maps and float copies of one block of rows.
        index_bytes = np.dtype(np.intp).itemsize
        per_row = X[:1].nbytes + y[:1].nbytes + index_bytes * (1 + self.shuffle)
        check_allocation(
            n_out * per_row + plan.temporary_bytes(n_augmented, X[:1].nbytes),
            "fit_resample (output, labels, sample_indices_ and working memory)",
            "Lower n_copies, or use flow() to augment batch by batch.")

        position = None
        if self.shuffle:
            # The permutation comes after the draws in the random stream: draw
            # them once (block by block, kept nowhere) to reach it, then again
            # from a copy of the generator while applying them.
            replay = copy.deepcopy(rng)
            for _ in plan.draw_blocks(n_augmented, rng):
                pass
            position = rng.permutation(n_out)
            rng = replay

        out = np.empty((n_out,) + X.shape[1:], dtype=X.dtype)
        sample_indices = np.empty(n_out, dtype=np.intp)
        kept = np.arange(n_kept)
        kept_at = kept if position is None else position[:n_kept]
        out[kept_at] = X[:n_kept]
        sample_indices[kept_at] = kept
        for rows, draws in plan.draw_blocks(n_augmented, rng):
            source = np.arange(rows.start, rows.stop) % n_samples
            target = (np.arange(n_kept + rows.start, n_kept + rows.stop)
                      if position is None
                      else position[n_kept + rows.start:n_kept + rows.stop])
            plan.apply(X, source, out, target, draws)
            sample_indices[target] = source

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
        plan = self.make_plan(np.shape(X))
        if random_state is None:
            random_state = self.random_state
        return plan.draw(np.shape(X)[0], make_generator(random_state))

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
        X_val = validate_samples(None, X)
        plan = self.make_plan(X_val.shape)
        draws = check_keras_draws(params, X_val.shape[0], plan.layout)
        return self._apply_to_all(X, X_val, plan, draws)

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
        X_val = validate_samples(None, X)
        plan = self.make_plan(X_val.shape)
        if random_state is None:
            random_state = self.random_state
        rng = make_generator(random_state)
        out = self._output_like(X_val, plan)
        rows = np.arange(X_val.shape[0])
        for block, draws in plan.draw_blocks(X_val.shape[0], rng):
            plan.apply(X_val, rows[block], out, rows[block], draws)
        return like_input(out, X, keep_dtypes=True)

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

    # The engine's interface ------------------------------------------------------

    def make_plan(self, X_shape):
        """Check the parameters against data of shape ``X_shape``; return its plan.

        The plan is what every consumer of an augmenter (``fit_resample``,
        :class:`BalancingResampler`, flows, meta-estimators) hands samples to: it
        owns every resolved value, ``draw(n, rng)`` draws the values of ``n``
        samples (this augmenter's draws are :meth:`sample_params`' dict) and
        ``apply(X, src_rows, out, dst_rows, draws)`` writes the results. Not needed
        for ordinary use.

        Parameters
        ----------
        X_shape : tuple of int
            Shape of the data, ``(n_samples, n_features)`` or
            ``(n_samples, *sample_shape)``.

        Returns
        -------
        plan : Plan
            Immutable; safe to share between threads.
        """
        check_params(self)
        layout = resolve_layout(X_shape, self.sample_shape, self.spatial_ndim,
                                self.data_format)
        check_params_fit_layout(self.get_params(deep=False), layout,
                                self.sample_shape is not None)
        zoom = self.zoom_range
        if isinstance(zoom, numbers.Real):
            zoom = (1.0 - zoom, 1.0 + zoom)
        zoom = tuple(float(z) for z in zoom)
        if zoom[0] <= 0:
            raise ValueError(
                f"zoom_range={self.zoom_range!r} gives the zoom interval "
                f"[{zoom[0]}, {zoom[1]}]; both ends must be > 0 (a zoom factor of 0 "
                "or less has no meaning). Use a zoom_range below 1 or a pair of "
                "positive factors."
            )
        brightness = self.brightness_range
        if brightness is not None:
            brightness = tuple(float(b) for b in brightness)
        height, width = layout.canonical_shape[:2]
        # A shift range below 1 is a fraction of the axis (Keras' rule).
        affine = KerasAffine(
            rotation=self.rotation_range,
            shift_x=(self.width_shift_range,
                     width if self.width_shift_range < 1 else 1),
            shift_y=(self.height_shift_range,
                     height if self.height_shift_range < 1 else 1),
            shear=self.shear_range, zoom=zoom, flip_x=self.horizontal_flip,
            flip_y=self.vertical_flip, stretch_y=layout.spatial_ndim == 2)
        # Keras' brightness goes through PIL, which leaves an RGBA image's alpha
        # alone; a signal's fourth channel is no alpha.
        rgba = (layout.spatial_ndim == 2 and layout.has_channels
                and layout.n_channels == 4)
        intensity = KerasIntensity(
            channel_shift=self.channel_shift_range, brightness=brightness,
            noise_std=self.noise_std,
            brightness_channels=(slice(0, 3) if rgba
                                 and self.brightness_channels == "color" else None))
        return Plan([affine, intensity], layout, fill_mode=self.fill_mode,
                    cval=self.cval, order=self.interpolation_order,
                    n_jobs=effective_n_jobs(self.n_jobs))

    # Helpers of the public methods ----------------------------------------------

    def _validate_fit_data(self, X, y):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        return validate_samples(self, X, y, reset=True)

    def _strategy_report(self, y):
        if type_of_target(y) not in ("binary", "multiclass"):
            return {}
        classes, counts = np.unique(y, return_counts=True)
        return {cls: int(count) * self.n_copies for cls, count in zip(classes, counts)}

    def _apply_to_all(self, X, X_val, plan, draws):
        """Augment every row of validated ``X_val``; return it in ``X``'s container."""
        out = self._output_like(X_val, plan)
        rows = np.arange(X_val.shape[0])
        plan.apply(X_val, rows, out, rows, draws)
        return like_input(out, X, keep_dtypes=True)

    @staticmethod
    def _output_like(X_val, plan):
        """An empty array like ``X_val``, once the memory check has passed."""
        check_allocation(
            X_val.nbytes + plan.temporary_bytes(X_val.shape[0], X_val[:1].nbytes),
            "the augmented copy of X (and working memory)",
            "Augment X in batches, e.g. with flow().")
        return np.empty_like(X_val)
