"""ArrayAugmenter: Keras-style random augmentation of arrays, as a sampler."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers

from joblib import effective_n_jobs

from ._base import BaseAugmenter
from ._engine import (
    FILL_MODES,
    KerasAffine,
    KerasIntensity,
    Plan,
    check_keras_draws,
    check_params_fit_layout,
)
from .utils._docstring import substitute
from .utils._layout import resolve_layout
from .utils._param_validation import (
    BOOLEAN,
    LAYOUT_CONSTRAINTS,
    RANDOM_STATE,
    check_params,
    interval,
    options,
    pair_of,
)

_NONNEGATIVE = interval(numbers.Real, 0)

# ImageDataGenerator's arguments that are not augmentation, and what replaces each.
# Statistics and rescaling are steps of their own here, fitted on training rows only.
KERAS_ONLY_ARGUMENTS = {
    "rescale": "ChannelMinMaxScaler(value_range=(0, 255)) (what rescale=1/255 "
               "does to 0..255 images), or divide X once before augmenting",
    "featurewise_center": "ChannelStandardizer(with_std=False), fitted on the "
                          "training rows",
    "featurewise_std_normalization": "ChannelStandardizer(), fitted on the "
                                     "training rows",
    "samplewise_center": "SampleStandardizer()",
    "samplewise_std_normalization": "SampleStandardizer()",
    "zca_whitening": "ZCAWhitener(), fitted on the training rows",
    "zca_epsilon": "ZCAWhitener(epsilon=...)",
    "preprocessing_function": "sklearn.preprocessing.FunctionTransformer(func) "
                              "(every row, at fit and predict) or "
                              "imblearn.FunctionSampler (training rows only), or "
                              "call it on each batch of flow()",
    "validation_split": "train_val_test_split(X, y, val_size=...) before "
                        "augmenting, so validation rows are never augmented",
    "dtype": "nothing: batches keep the dtype of X (convert X once with "
             "X.astype(...))",
}


class _RefuseKerasOnlyArguments:
    """Name the replacement of an ImageDataGenerator argument given to the
    constructor, instead of Python's bare "unexpected keyword argument".

    The check sits in ``__new__`` of a base class, where unexpected keywords
    arrive before ``__init__`` refuses them: ``__init__`` keeps its explicit
    keyword-only signature (read by ``get_params``, ``clone`` and the docs), and
    nothing changes for valid arguments, pickling or ``clone``.
    """

    def __new__(cls, *args, **kwargs):
        ported = sorted(set(kwargs) & set(KERAS_ONLY_ARGUMENTS))
        if ported:
            advice = "; ".join(f"{name} -> {KERAS_ONLY_ARGUMENTS[name]}"
                               for name in ported)
            raise TypeError(
                f"{cls.__name__} takes only ImageDataGenerator's augmentation "
                f"arguments. {', '.join(map(repr, ported))} "
                f"{'is' if len(ported) == 1 else 'are'} not augmentation: here "
                f"{'it is a step' if len(ported) == 1 else 'each is a step'} of "
                "its own (user guide, 'Coming from Keras' ImageDataGenerator'). "
                f"Use instead: {advice}."
            )
        return super().__new__(cls)


@substitute
class ArrayAugmenter(_RefuseKerasOnlyArguments, BaseAugmenter):
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
    is within ``2**-20 * (1 + p)`` times the largest magnitude in its sample, ``p``
    being the largest source coordinate in pixels (OpenCV computes positions in
    float32; measured: 1e-5 for 32x32 images, 3e-4 for 700x700, at any scale from
    1e-300 to 1e300). float32 samples have the same bound. An exact float64 warp
    would be 4 to 7 times slower. 32- and 64-bit integers and spline orders above 1
    go through scipy in float64. The identity, flips and shifts by whole pixels are
    exact copies for every dtype, and results are rounded and clipped to the dtype's
    range exactly (int64 and uint64 included); floats saturate at their largest
    finite value.

    Shifts far beyond the sample cost what small ones cost: positions are first
    reduced modulo the period (``"wrap"``: the size; ``"reflect"``: twice the
    size), or moved by whole pixels to just beyond the edge (``"nearest"``,
    ``"constant"``), which leaves the result unchanged up to float64's rounding
    of the shift itself (2**-53 of it).

    Draws and warp matrices are made 65,536 samples at a time, so memory beyond
    the output stays bounded; ``fit_resample`` and ``augment`` refuse, before
    allocating, a call whose output, labels, ``sample_indices_`` and working
    memory would not fit. Seeded results of calls that augment more than 65,536
    samples are drawn block by block.

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
        **LAYOUT_CONSTRAINTS,
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

    # The engine's interface ------------------------------------------------------

    def make_plan(self, X_shape, dtype=None):
        """Check the parameters against data of shape ``X_shape``; return its plan.

        The engine's entry point (see :meth:`BaseAugmenter.make_plan`); this
        augmenter's draws are Keras' dict (:meth:`sample_params`) and do not
        depend on ``dtype``.
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

    def check_draws(self, params, n_samples, plan):
        """Validate a Keras-style draw given to :meth:`apply_params`."""
        return check_keras_draws(params, n_samples, plan.layout)
