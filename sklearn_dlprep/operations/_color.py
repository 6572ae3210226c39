"""Colour operations: Keras 3's colour layers as operations of ``Compose``.

Most are pointwise given per-sample values (and, for contrast, auto-contrast and
equalisation, per-sample statistics computed on the block, which always holds whole
samples): consecutive ones share one pass of the engine. ``RandomSharpness`` reads
each pixel's neighbours, so it is a ``"sample"`` operation.

Every function here works in place on a floating-point block ``(k, H, W, C)`` of
whole samples, vectorised over the block; per-sample values broadcast either over a
whole sample (``(k, 1, 1, 1)``) or, per channel, over rows viewed as
``(k, H, W * C)`` (so that numpy's inner loops run over long contiguous rows).
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers

import cv2
import numpy as np

from .._engine._kernels import cast_like
from ..utils._param_validation import interval, pair_of
from ._base import PROBABILITY, Operation, check_in_range

_VALUE_RANGE = [None, pair_of(numbers.Real)]
_UNIT = interval(numbers.Real, 0, 1)
_UNIT_FACTOR = [_UNIT, pair_of(numbers.Real, 0, high=1)]

# Keras' ``rgb_to_grayscale`` (tf.image's ITU-R 601 weights).
GRAY_WEIGHTS = (0.2989, 0.5870, 0.1140)
# keras.backend.epsilon(), in RandomSaturation's factor / (1 - factor + eps).
_KERAS_EPSILON = 1e-7
# Values that rescaling to 0..255 leaves this close below an integer count as that
# integer when they are truncated (posterisation, histogram bins).
_TRUNCATION_SLACK = 1e-3

_VALUE_RANGE_DOC = """value_range : (float, float) or None, default=None
        The range of the data. ``None`` means the dtype's natural range: (0, 255)
        for integers, (0, 1) for floats (Keras' default is (0, 255) whatever the
        dtype). Data outside it is an error, not a silent clip."""

_P_DOC = """p : float, default=1.0
        Probability that the operation acts on a sample (drawn before its own
        values)."""


def _document(cls):
    """Fill the ``%(value_range)s`` and ``%(p)s`` paragraphs of a docstring."""
    cls.__doc__ = cls.__doc__.replace("%(value_range)s", _VALUE_RANGE_DOC).replace(
        "%(p)s", _P_DOC)
    return cls


def factor_bounds(factor, low=-1.0, high=1.0):
    """Keras' ``factor``: a number ``f`` means ``[-f, f]`` (clipped to the bounds),
    a pair means that interval."""
    if isinstance(factor, numbers.Real):
        return max(-abs(float(factor)), low), min(abs(float(factor)), high)
    lower, upper = sorted(float(f) for f in factor)
    return lower, upper


def zero_to_factor(factor):
    """Keras' documented ``factor`` of the colour layers drawn in [0, 1]: a number
    ``f`` means ``[0, f]``, a pair means that interval."""
    if factor is None:
        return 0.0, 0.0
    if isinstance(factor, numbers.Real):
        return 0.0, float(factor)
    lower, upper = sorted(float(f) for f in factor)
    return lower, upper


def contrast_bounds(factor):
    """``RandomContrast``'s documented interval ``[1 - lower, 1 + upper]``, a number
    ``f`` meaning ``lower = upper = f``."""
    if factor is None:
        return 1.0, 1.0
    if isinstance(factor, numbers.Real):
        lower = upper = float(factor)
    else:
        lower, upper = sorted(float(f) for f in factor)
    return 1.0 - lower, 1.0 + upper


# Block kernels ------------------------------------------------------------------


def _per_sample(values, work):
    """Per-sample values shaped to broadcast over whole samples."""
    return np.asarray(values, dtype=work.dtype).reshape(-1, 1, 1, 1)


def _rows_and(work, per_channel):
    """``work`` as rows ``(k, H, W * C)`` (a view) and ``per_channel`` values
    ``(k, C)`` tiled to match, so that in-place arithmetic runs over long rows.

    Falls back to ``(k, H, W, C)`` and ``(k, 1, 1, C)`` for a block that is not
    C-contiguous (the engine's blocks always are).
    """
    k, height, width, channels = work.shape
    per_channel = np.asarray(per_channel, dtype=work.dtype).reshape(k, channels)
    if not work.flags.c_contiguous:
        return work, per_channel[:, np.newaxis, np.newaxis, :]
    rows = work.reshape(k, height, width * channels)
    return rows, np.tile(per_channel, (1, width))[:, np.newaxis, :]


# From this many pixels per sample, one OpenCV call per sample beats numpy's
# broadcast over the block (measured: about even at 64 x 64, 1.6x at 224 x 224).
_PER_SAMPLE_PIXELS = 64 * 64


def _per_sample_calls(work):
    k, height, width, channels = work.shape
    return (channels <= 4 and work.flags.c_contiguous
            and height * width >= _PER_SAMPLE_PIXELS)


def _affine_per_sample(work, matrices):
    """``work[i] = matrices[i][:, :C] @ pixel + matrices[i][:, C]`` for every pixel
    of sample ``i``, one ``cv2.transform`` per sample (up to 4 channels,
    C-contiguous blocks: see ``_per_sample_calls``)."""
    for sample, matrix in zip(work, np.asarray(matrices, dtype=np.float64)):
        result = cv2.transform(sample, matrix, dst=sample)
        if not np.shares_memory(result, sample):
            sample[...] = result.reshape(sample.shape)


def _scale_and_shift(work, scale, shift):
    """``x * scale + shift`` per sample and channel (``(k, C)`` each)."""
    k, _, _, channels = work.shape
    scale = np.asarray(scale, dtype=np.float64).reshape(k, channels)
    shift = np.asarray(shift, dtype=np.float64).reshape(k, channels)
    if _per_sample_calls(work):
        matrices = np.zeros((k, channels, channels + 1))
        index = np.arange(channels)
        matrices[:, index, index] = scale
        matrices[:, :, channels] = shift
        _affine_per_sample(work, matrices)
        return
    rows, scale_rows = _rows_and(work, scale)
    rows *= scale_rows
    rows += _rows_and(work, shift)[1]


def _adjust_brightness(work, delta, low, high):
    """Keras' RandomBrightness: add ``delta`` times the range's width, clip."""
    work += _per_sample(np.asarray(delta, dtype=np.float64) * (high - low), work)
    np.clip(work, low, high, out=work)


def _adjust_contrast(work, contrast, low, high):
    """Keras' RandomContrast: ``(x - mean) * contrast + mean`` per channel, the mean
    taken over the sample's pixels (over height, then width, as Keras does), then
    clipped."""
    k, _, _, channels = work.shape
    mean = work.mean(axis=1, keepdims=True).mean(axis=2, keepdims=True).reshape(
        k, channels).astype(np.float64)
    contrast = np.asarray(contrast, dtype=np.float64).reshape(k, 1)
    _scale_and_shift(work, np.broadcast_to(contrast, (k, channels)),
                     (1 - contrast) * mean)
    np.clip(work, low, high, out=work)


def _saturation_hue(work, saturation, hue, low, high):
    """Keras' RandomSaturation then RandomHue in one HSV round trip.

    ``saturation`` multiplies S (clipped to [0, 1]); ``hue`` is added to H in
    turns (wrapped). Keras converts back to RGB between the two; converting the
    result back to HSV gives the same H, S and V (S <= 1 and V >= 0), so one round
    trip is the same map. The data are read from ``low`` (HSV of ``x - low``).
    float32 blocks use OpenCV's conversions; others the same formulas in numpy.
    """
    if low:
        work -= work.dtype.type(low)
    opencv = work.dtype == np.float32 and work.flags.c_contiguous
    if opencv:
        _saturation_hue_opencv(work, saturation, hue)
    else:
        _saturation_hue_numpy(work, saturation, hue)
    if low:
        work += work.dtype.type(low)
    # OpenCV's HSV to RGB gives V times factors in [0, 1] (S <= 1), so each value
    # stays in [0, V] with V the input's largest: nothing to clip unless low was
    # added back (rounding) or numpy's formulas were used.
    if low or not opencv:
        np.clip(work, low, high, out=work)


def _saturation_hue_opencv(work, saturation, hue):
    k, height, width, _ = work.shape
    pixels = work.reshape(k * height, width, 3)
    hsv = cv2.cvtColor(pixels, cv2.COLOR_RGB2HSV)  # H in degrees [0, 360)
    scale, shift = np.ones((k, 3)), np.zeros((k, 3))
    if saturation is not None:
        multiplier = np.maximum(np.asarray(saturation, dtype=np.float64), 0.0)
        scale[:, 1] = multiplier
    if hue is not None:
        # OpenCV wraps hues >= 360 but not negative ones: shift by [0, 360).
        shift[:, 0] = np.mod(np.asarray(hue, dtype=np.float64) * 360.0, 360.0)
    _scale_and_shift(hsv.reshape(work.shape), scale, shift)
    if saturation is not None and multiplier.max() > 1:
        rows = hsv.reshape(k, height, width * 3)
        np.minimum(rows, np.tile(np.float32([np.inf, 1, np.inf]), width), out=rows)
    cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB, dst=pixels)


def _saturation_hue_numpy(work, saturation, hue):
    red, green, blue = work[..., 0], work[..., 1], work[..., 2]
    value = np.maximum(np.maximum(red, green), blue)
    span = value - np.minimum(np.minimum(red, green), blue)
    safe = np.where(span > 0, span, 1)
    # Hue in sixths of a turn, Keras' (dm_pix's) formula.
    sixths = np.where(value == green, (blue - red) / safe + 2, (red - green) / safe + 4)
    sixths = np.where(value == red, (green - blue) / safe, sixths)
    sixths = np.where(span > 0, sixths, 0)
    if hue is not None:
        sixths += _per_sample(np.asarray(hue, dtype=np.float64) * 6, work)[..., 0]
    sixths %= 6
    if saturation is not None:
        multiplier = np.maximum(_per_sample(saturation, work)[..., 0], 0)
        span = np.minimum(span * multiplier, value)  # S * m clipped to 1
    minimum = value - span
    for channel, (centre, rising) in enumerate(((3, False), (2, True), (4, True))):
        weight = np.abs(sixths - centre)
        weight = 2 - weight if rising else weight - 1
        np.clip(weight, 0, 1, out=weight)
        work[..., channel] = minimum + span * weight


def _channel_extremes(work):
    """Smallest and largest value of each channel of each sample, ``(k, C)``
    float64 (reduced over rows first: long contiguous inner loops)."""
    k, height, width, channels = work.shape
    rows = work.reshape(k, height, width * channels)
    smallest = rows.min(axis=1).reshape(k, width, channels).min(axis=1)
    largest = rows.max(axis=1).reshape(k, width, channels).max(axis=1)
    return smallest.astype(np.float64), largest.astype(np.float64)


def _gray_matrix(dtype):
    return np.tile(np.asarray(GRAY_WEIGHTS, dtype=dtype), (3, 1))


def _to_gray(pixels):
    """Keras' rgb_to_grayscale, its value in each of the three channels."""
    k, height, width, _ = pixels.shape
    gray = cv2.transform(np.ascontiguousarray(pixels).reshape(k * height, width, 3),
                         _gray_matrix(pixels.dtype))
    return gray.reshape(pixels.shape)


def _selected(flags):
    return np.flatnonzero(np.asarray(flags, dtype=bool))


def _to_unit_scale(work, low, high):
    """Rescale ``work`` in place from ``value_range`` to 0..255 (Keras' internal
    scale); return the slack below which truncation counts a value as the next
    integer (0 when nothing was rescaled)."""
    if (low, high) == (0.0, 255.0):
        return 0.0
    work -= work.dtype.type(low)
    work /= work.dtype.type(high - low)
    work *= work.dtype.type(255)
    return _TRUNCATION_SLACK


def _float_dtype(dtype):
    """float32 holds every uint8/int16 value exactly; float64 for the rest."""
    dtype = np.dtype(dtype)
    wide = dtype == np.float64 or (dtype.kind in "iu" and dtype.itemsize >= 4)
    return np.dtype(np.float64 if wide else np.float32)


# Operations -----------------------------------------------------------------------


@_document
class RandomBrightness(Operation):
    """Add a random offset to every value of a sample, then clip to the range.

    Keras 3's ``RandomBrightness``: the offset is drawn in ``factor`` times the
    width of ``value_range`` and added to every channel alike.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    factor : float or (float, float)
        In [-1, 1]. A number ``f`` draws the offset in ``[-f, f]``, a pair in
        that interval, as fractions of the value range.

    %(value_range)s

    %(p)s

    See Also
    --------
    Compose : Apply a list of operations.
    RandomColorJitter : Brightness, contrast, saturation and hue in one step.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomBrightness
    >>> X = np.full((1, 2, 2, 3), 100, dtype=np.uint8)
    >>> light = Compose([("light", RandomBrightness(0.5))])
    >>> draw = {"light__applied": [True], "light__delta": [0.1]}
    >>> light.apply_params(X, draw)[0, 0, 0]
    array([126, 126, 126], dtype=uint8)
    """

    kind = "pointwise"
    _parameter_constraints: dict = {
        "factor": [interval(numbers.Real, -1, 1), pair_of(numbers.Real, -1, high=1)],
        "value_range": _VALUE_RANGE,
        "p": [PROBABILITY],
    }

    def __init__(self, factor, *, value_range=None, p=1.0):
        self.factor = factor
        self.value_range = value_range
        self.p = p

    def draw(self, n_samples, rng, context):
        low, high = factor_bounds(self.factor)
        return {"delta": rng.uniform(low, high, n_samples)}

    def transform_pointwise(self, work, draws, context):
        check_in_range(work, context)
        _adjust_brightness(work, draws["delta"], *context.value_range)


@_document
class RandomContrast(Operation):
    """Scale each channel's deviation from its mean by a random factor.

    Keras 3's ``RandomContrast``: for every channel of a sample, with ``mean`` the
    channel's mean over the sample's pixels, ``x`` becomes
    ``(x - mean) * contrast + mean``, then the result is clipped to
    ``value_range``. Works on any number of channels.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    factor : float or (float, float)
        In [0, 1]. ``contrast`` is drawn in ``[1 - lower, 1 + upper]``, where a
        number ``f`` means ``lower = upper = f`` and a pair is ``(lower, upper)``.

    %(value_range)s

    %(p)s

    See Also
    --------
    RandomColorJitter : Brightness, contrast, saturation and hue in one step.
    AutoContrast : Stretch each channel to the full range.

    Notes
    -----
    Keras 3.15 turns a number ``f`` into ``(0, f)`` (its ``_set_factor`` clips
    ``-f`` to the lower bound 0), so ``RandomContrast(0.4)`` only ever raises the
    contrast, in ``[1, 1.4]``, although its documentation says ``lower = upper``.
    This operation follows the documentation: ``[0.6, 1.4]``. Given the same
    ``contrast``, the output is Keras'.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomContrast
    >>> X = np.array([[[[50], [150]]]], dtype=np.uint8)
    >>> flat = Compose([("contrast", RandomContrast(0.5))])
    >>> draw = {"contrast__applied": [True], "contrast__contrast_factor": [0.5]}
    >>> flat.apply_params(X, draw)[0, 0, :, 0]
    array([ 75, 125], dtype=uint8)
    """

    kind = "pointwise"
    _parameter_constraints: dict = {
        "factor": _UNIT_FACTOR,
        "value_range": _VALUE_RANGE,
        "p": [PROBABILITY],
    }

    def __init__(self, factor, *, value_range=None, p=1.0):
        self.factor = factor
        self.value_range = value_range
        self.p = p

    def draw(self, n_samples, rng, context):
        low, high = contrast_bounds(self.factor)
        return {"contrast_factor": rng.uniform(low, high, n_samples)}

    def transform_pointwise(self, work, draws, context):
        check_in_range(work, context)
        _adjust_contrast(work, draws["contrast_factor"], *context.value_range)


@_document
class RandomSaturation(Operation):
    """Scale the saturation of RGB samples by a random factor.

    Keras 3's ``RandomSaturation``: in HSV, S becomes ``S * m`` clipped to
    [0, 1], with ``m = s / (1 - s + 1e-7)`` for ``s`` drawn in ``factor``:
    ``s = 0`` makes the sample grey, ``s = 0.5`` leaves it, ``s -> 1`` saturates
    it fully. Needs 3 channels.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    factor : float or (float, float)
        In [0, 1]. A number ``f`` draws ``s`` in ``[0, f]``, a pair in that
        interval; ``(0.5, 0.5)`` is the identity.

    %(value_range)s

    %(p)s

    See Also
    --------
    RandomColorDegeneration : Blend towards grey, without HSV.
    RandomColorJitter : Brightness, contrast, saturation and hue in one step.

    Notes
    -----
    Differences from Keras 3.15, which has two bugs here:

    - Keras turns a number ``f`` into ``[-f, f]``, not the documented ``[0, f]``;
      every negative draw gives ``m < 0``, clipped to a grey image, so
      ``RandomSaturation(0.4)`` makes about half the images grey. This operation
      draws in ``[0, f]``, as documented.
    - Keras clips ``S * m`` to ``value_range``, not to [0, 1]: with its default
      (0, 255), ``m > 1`` gives S above 1 and negative colour values. This
      operation clips S to [0, 1] (Keras' own result with ``value_range=(0, 1)``).

    The HSV conversion reads the data from the low end of ``value_range`` (Keras
    reads them from 0, which is the same for the usual ranges that start at 0).
    Given the same ``m``, the output is Keras', to float32 precision.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomSaturation
    >>> X = np.array([[[[200, 100, 50]]]], dtype=np.uint8)
    >>> grey = Compose([("saturation", RandomSaturation(0.5))])
    >>> draw = {"saturation__applied": [True], "saturation__factor": [0.0]}
    >>> grey.apply_params(X, draw)[0, 0, 0]
    array([200, 200, 200], dtype=uint8)
    """

    kind = "pointwise"
    _requires = ("rgb",)
    _parameter_constraints: dict = {
        "factor": _UNIT_FACTOR,
        "value_range": _VALUE_RANGE,
        "p": [PROBABILITY],
    }

    def __init__(self, factor, *, value_range=None, p=1.0):
        self.factor = factor
        self.value_range = value_range
        self.p = p

    def draw(self, n_samples, rng, context):
        low, high = zero_to_factor(self.factor)
        s = rng.uniform(low, high, n_samples)
        return {"factor": s / (1.0 - s + _KERAS_EPSILON)}

    def transform_pointwise(self, work, draws, context):
        check_in_range(work, context)
        _saturation_hue(work, draws["factor"], None, *context.value_range)


@_document
class RandomHue(Operation):
    """Rotate the hue of RGB samples by a random angle.

    Keras 3's ``RandomHue``: in HSV, H (in turns) moves by ``delta``, wrapped to
    [0, 1), where ``delta`` has a random sign and a magnitude drawn in
    ``factor / 2``: ``factor=1`` allows half a turn either way. Needs 3 channels.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    factor : float or (float, float)
        In [0, 1]. A number ``f`` draws the magnitude in ``[0, f] / 2``, a pair in
        that interval halved.

    %(value_range)s

    %(p)s

    See Also
    --------
    RandomColorJitter : Brightness, contrast, saturation and hue in one step.

    Notes
    -----
    The draw is Keras': a uniform value above 0.5 makes the shift negative, then
    the magnitude is drawn; the draw key ``factor`` holds the signed shift in
    turns, as Keras' transformation does. The HSV conversion reads the data from
    the low end of ``value_range``, as Keras does.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomHue
    >>> X = np.array([[[[255, 0, 0]]]], dtype=np.uint8)
    >>> turn = Compose([("hue", RandomHue(1.0))])
    >>> draw = {"hue__applied": [True], "hue__factor": [1 / 3]}
    >>> turn.apply_params(X, draw)[0, 0, 0]  # red turned by 120 degrees
    array([  0, 255,   0], dtype=uint8)
    """

    kind = "pointwise"
    _requires = ("rgb",)
    _parameter_constraints: dict = {
        "factor": _UNIT_FACTOR,
        "value_range": _VALUE_RANGE,
        "p": [PROBABILITY],
    }

    def __init__(self, factor, *, value_range=None, p=1.0):
        self.factor = factor
        self.value_range = value_range
        self.p = p

    def draw(self, n_samples, rng, context):
        return {"factor": _draw_hue(self.factor, n_samples, rng)}

    def transform_pointwise(self, work, draws, context):
        check_in_range(work, context)
        _saturation_hue(work, None, draws["factor"], *context.value_range)


def _draw_hue(factor, n_samples, rng):
    sign = np.where(rng.random(n_samples) > 0.5, -1.0, 1.0)
    low, high = zero_to_factor(factor)
    return sign * rng.uniform(low, high, n_samples) * 0.5


@_document
class RandomColorJitter(Operation):
    """Random brightness, contrast, saturation and hue, in that order.

    Keras 3's ``RandomColorJitter``: each factor that is not ``None`` applies the
    operation of the same name (:class:`RandomBrightness`,
    :class:`RandomContrast`, :class:`RandomSaturation`, :class:`RandomHue`, with
    their meanings of ``factor``) to every sample the step acts on, each clipped
    to ``value_range``. Saturation and hue need 3 channels; brightness and
    contrast alone work on any number.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    %(value_range)s

    brightness_factor : float or (float, float) or None, default=None
        As :class:`RandomBrightness`'s ``factor``, in [-1, 1].

    contrast_factor : float or (float, float) or None, default=None
        As :class:`RandomContrast`'s ``factor``, in [0, 1].

    saturation_factor : float or (float, float) or None, default=None
        As :class:`RandomSaturation`'s ``factor``, in [0, 1].

    hue_factor : float or (float, float) or None, default=None
        As :class:`RandomHue`'s ``factor``, in [0, 1].

    %(p)s

    See Also
    --------
    RandomBrightness, RandomContrast, RandomSaturation, RandomHue

    Notes
    -----
    The four operations run in one pass, saturation and hue in one HSV round
    trip (the same map as Keras' two). Every value is drawn whatever the factors
    (five uniform rows: brightness, contrast, saturation, hue's sign and hue's
    magnitude), so setting one factor never changes the others' draws.

    Keras 3.15 draws these values inside ``transform_images``; the parity tests
    replay its four sub-layers on the values drawn. The differences documented
    in :class:`RandomContrast` and :class:`RandomSaturation` apply here too.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomColorJitter
    >>> X = np.random.default_rng(0).integers(0, 256, (4, 8, 8, 3), dtype=np.uint8)
    >>> jitter = Compose([("jitter", RandomColorJitter(
    ...     brightness_factor=0.4, contrast_factor=0.4, saturation_factor=0.4,
    ...     hue_factor=0.1))], random_state=0)
    >>> out = jitter.augment(X)
    >>> out.shape, out.dtype
    ((4, 8, 8, 3), dtype('uint8'))
    >>> sorted(jitter.sample_params(X))
    ['jitter__applied', 'jitter__brightness_delta', 'jitter__contrast_factor', \
'jitter__hue_factor', 'jitter__saturation_factor']
    """

    kind = "pointwise"
    _parameter_constraints: dict = {
        "value_range": _VALUE_RANGE,
        "brightness_factor": [None, interval(numbers.Real, -1, 1),
                              pair_of(numbers.Real, -1, high=1)],
        "contrast_factor": [None, *_UNIT_FACTOR],
        "saturation_factor": [None, *_UNIT_FACTOR],
        "hue_factor": [None, *_UNIT_FACTOR],
        "p": [PROBABILITY],
    }

    def __init__(self, value_range=None, brightness_factor=None, contrast_factor=None,
                 saturation_factor=None, hue_factor=None, *, p=1.0):
        self.value_range = value_range
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        self.p = p

    def resolve(self, layout, dtype, step):
        context = super().resolve(layout, dtype, step)
        colour = [name for name in ("saturation_factor", "hue_factor")
                  if getattr(self, name) is not None]
        if colour and not (layout.has_channels and context.channels == 3):
            raise ValueError(
                f"Step {step!r} (RandomColorJitter) changes {' and '.join(colour)}"
                f", which needs 3 colour channels (RGB), but samples of shape "
                f"{layout.sample_shape} have {layout.n_channels}. Set "
                f"{' and '.join(colour)} to None for other channel counts."
            )
        return context

    def draw(self, n_samples, rng, context):
        low, high = (0.0, 0.0) if self.brightness_factor is None else factor_bounds(
            self.brightness_factor)
        brightness = rng.uniform(low, high, n_samples)
        contrast = rng.uniform(*contrast_bounds(self.contrast_factor), n_samples)
        s = rng.uniform(*zero_to_factor(self.saturation_factor), n_samples)
        hue = _draw_hue(self.hue_factor, n_samples, rng)
        return {"brightness_delta": brightness, "contrast_factor": contrast,
                "saturation_factor": s / (1.0 - s + _KERAS_EPSILON),
                "hue_factor": hue}

    def transform_pointwise(self, work, draws, context):
        check_in_range(work, context)
        low, high = context.value_range
        if self.brightness_factor is not None:
            _adjust_brightness(work, draws["brightness_delta"], low, high)
        if self.contrast_factor is not None:
            _adjust_contrast(work, draws["contrast_factor"], low, high)
        saturation = (None if self.saturation_factor is None
                      else draws["saturation_factor"])
        hue = None if self.hue_factor is None else draws["hue_factor"]
        if saturation is not None or hue is not None:
            _saturation_hue(work, saturation, hue, low, high)


@_document
class RandomColorDegeneration(Operation):
    """Blend RGB samples towards their grey version by a random amount.

    Keras 3's ``RandomColorDegeneration`` (PIL's ``ImageEnhance.Color``):
    ``x + factor * (grey - x)``, clipped, with ``grey`` Keras' grayscale
    (weights 0.2989, 0.587, 0.114) in every channel: ``factor=0`` leaves the
    sample, ``factor=1`` makes it grey. Needs 3 channels.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    factor : float or (float, float)
        In [0, 1]. A number ``f`` draws the amount in ``[0, f]``, a pair in that
        interval.

    %(value_range)s

    %(p)s

    See Also
    --------
    RandomGrayscale : Make some samples grey.
    RandomSaturation : Scale the saturation in HSV.

    Notes
    -----
    Keras 3.15 turns a number ``f`` into ``[-f, f]``, not the documented
    ``[0, f]``: negative amounts push colours away from grey (more saturated,
    then clipped). This operation draws in ``[0, f]``, as documented. Given the
    same amount, the output is Keras'.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomColorDegeneration
    >>> X = np.array([[[[200, 100, 0]]]], dtype=np.uint8)
    >>> dull = Compose([("dull", RandomColorDegeneration(1.0))])
    >>> dull.apply_params(X, {"dull__applied": [True], "dull__factor": [1.0]})[0, 0]
    array([[118, 118, 118]], dtype=uint8)
    """

    kind = "pointwise"
    _requires = ("rgb",)
    _parameter_constraints: dict = {
        "factor": _UNIT_FACTOR,
        "value_range": _VALUE_RANGE,
        "p": [PROBABILITY],
    }

    def __init__(self, factor, *, value_range=None, p=1.0):
        self.factor = factor
        self.value_range = value_range
        self.p = p

    def draw(self, n_samples, rng, context):
        return {"factor": rng.uniform(*zero_to_factor(self.factor), n_samples)}

    def transform_pointwise(self, work, draws, context):
        check_in_range(work, context)
        amount = np.asarray(draws["factor"], dtype=np.float64)
        if _per_sample_calls(work):  # x + a (grey - x) as one matrix per sample
            matrices = np.zeros((len(work), 3, 4))
            matrices[:, :, :3] = ((1 - amount[:, np.newaxis, np.newaxis]) * np.eye(3)
                                  + amount[:, np.newaxis, np.newaxis]
                                  * _gray_matrix(np.float64))
            _affine_per_sample(work, matrices)
        else:
            grey = _to_gray(work)
            grey -= work
            grey *= _per_sample(amount, work)
            work += grey
        np.clip(work, *context.value_range, out=work)


@_document
class RandomGrayscale(Operation):
    """Make RGB samples grey with probability ``factor``, keeping 3 channels.

    Keras 3's ``RandomGrayscale``: a sample is converted where a uniform draw is
    below ``factor`` (so ``factor=1`` converts every sample), to Keras'
    grayscale (weights 0.2989, 0.587, 0.114) in each of its three channels.
    Needs 3 channels.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    factor : float, default=0.5
        In [0, 1]: the probability that a sample is converted.

    %(p)s

    See Also
    --------
    RandomColorDegeneration : Blend towards grey by a random amount.

    Notes
    -----
    ``factor`` and ``p`` compose: a sample turns grey with probability
    ``p * factor``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomGrayscale
    >>> X = np.array([[[[200, 100, 0]]]], dtype=np.uint8)
    >>> grey = Compose([("grey", RandomGrayscale(1.0))])
    >>> grey.apply_params(X, {"grey__applied": [True], "grey__grayscale": [True]})
    array([[[[118, 118, 118]]]], dtype=uint8)
    """

    kind = "pointwise"
    _requires = ("rgb",)
    _parameter_constraints: dict = {"factor": [_UNIT], "p": [PROBABILITY]}

    def __init__(self, factor=0.5, *, p=1.0):
        self.factor = factor
        self.p = p

    def draw(self, n_samples, rng, context):
        return {"grayscale": rng.random(n_samples) < self.factor}

    def transform_pointwise(self, work, draws, context):
        rows = _selected(draws["grayscale"])
        if len(rows) == len(work):
            work[...] = _to_gray(work)
        elif len(rows):
            work[rows] = _to_gray(work[rows])


@_document
class RandomInvert(Operation):
    """Invert samples (``low + high - x``) with a random probability.

    Keras 3's ``RandomInvert``: for each sample, a probability is drawn in
    ``factor`` and the sample is inverted where a second uniform draw is below
    it. With the default ``factor=1.0`` the probability is uniform in [0, 1], so
    about half the samples are inverted; ``factor=(1.0, 1.0)`` inverts every
    one. Works on any number of channels.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    factor : float or (float, float), default=1.0
        In [0, 1]. A number ``f`` draws the probability in ``[0, f]``, a pair in
        that interval.

    %(value_range)s

    %(p)s

    See Also
    --------
    Solarization : Invert the values above a threshold.

    Notes
    -----
    Keras 3.15 inverts to ``high - x``, which leaves ``value_range`` when its low
    end is not 0 (``(-1, 1)`` maps 1 to 0 and -1 to 2). This operation inverts
    within the range, ``low + high - x``: the same for ranges that start at 0.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomInvert
    >>> X = np.array([[[[0, 100, 255]]]], dtype=np.uint8)
    >>> invert = Compose([("invert", RandomInvert())])
    >>> draw = {"invert__applied": [True], "invert__apply_inversion": [True]}
    >>> invert.apply_params(X, draw)[0, 0, 0]
    array([255, 155,   0], dtype=uint8)
    """

    kind = "pointwise"
    _parameter_constraints: dict = {
        "factor": _UNIT_FACTOR,
        "value_range": _VALUE_RANGE,
        "p": [PROBABILITY],
    }

    def __init__(self, factor=1.0, *, value_range=None, p=1.0):
        self.factor = factor
        self.value_range = value_range
        self.p = p

    def draw(self, n_samples, rng, context):
        probability = rng.uniform(*zero_to_factor(self.factor), n_samples)
        return {"apply_inversion": rng.random(n_samples) < probability}

    def transform_pointwise(self, work, draws, context):
        check_in_range(work, context)
        low, high = context.value_range
        rows = _selected(draws["apply_inversion"])
        if len(rows) == len(work):
            np.subtract(work.dtype.type(low + high), work, out=work)
        elif len(rows):
            work[rows] = work.dtype.type(low + high) - work[rows]


@_document
class RandomPosterization(Operation):
    """Keep only the top bits of each value, with a random number of bits.

    Keras 3's ``RandomPosterization`` (PIL's ``posterize``): values are read on
    the 0..255 scale of ``value_range``, truncated to integers, and all but the
    top ``bits`` of their 8 bits are set to 0; then mapped back. Works on any
    number of channels.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    factor : int or (int, int)
        In [1, 8]. A number ``f`` draws ``bits`` among 1, ..., ``f``, a pair among
        the integers of that interval (both ends included).

    %(value_range)s

    %(p)s

    See Also
    --------
    Solarization, RandomInvert

    Notes
    -----
    Keras 3.15 draws ``bits`` with an exclusive upper end
    (``randint(lower, upper)``): ``RandomPosterization(8)`` never keeps 8 bits
    and ``(2, 6)`` never keeps 6. This operation includes the upper end. Given
    the same ``bits``, the output is Keras'. After rescaling from a
    ``value_range`` other than (0, 255), values within 1e-3 below an integer
    count as that integer (rounding of the rescale, not the data).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomPosterization
    >>> X = np.array([[[[255, 100, 37]]]], dtype=np.uint8)
    >>> poster = Compose([("poster", RandomPosterization(4))])
    >>> poster.apply_params(X, {"poster__applied": [True], "poster__bits": [2]})
    array([[[[192,  64,   0]]]], dtype=uint8)
    """

    kind = "pointwise"
    _parameter_constraints: dict = {
        "factor": [interval(numbers.Integral, 1, 8),
                   pair_of(numbers.Integral, 1, high=8)],
        "value_range": _VALUE_RANGE,
        "p": [PROBABILITY],
    }

    def __init__(self, factor, *, value_range=None, p=1.0):
        self.factor = factor
        self.value_range = value_range
        self.p = p

    def draw(self, n_samples, rng, context):
        low, high = ((1, int(self.factor)) if isinstance(self.factor, numbers.Integral)
                     else sorted(int(f) for f in self.factor))
        # One uniform row whatever the bounds (integers() may use more).
        bits = low + np.floor(rng.random(n_samples) * (high - low + 1))
        return {"bits": np.minimum(bits, high).astype(np.int64)}

    def transform_pointwise(self, work, draws, context):
        check_in_range(work, context)
        bits = np.asarray(draws["bits"])
        if np.any(bits != np.round(bits)) or np.any((bits < 1) | (bits > 8)):
            raise ValueError(f"Step {context.step!r}: bits must be integers in "
                             f"[1, 8]; got {bits.tolist()}.")
        low, high = context.value_range
        # On the 0..255 scale q = trunc(y), and trunc(q / step) * step with
        # step = 2 ** (8 - bits) keeps the top bits; trunc(trunc(y) / step) is
        # trunc(y / step), so one floor does both (y >= 0: check_in_range).
        step = 2.0 ** (8 - bits.astype(np.int64))
        unit = (low, high) == (0.0, 255.0)
        slack = 0.0 if unit else _TRUNCATION_SLACK
        if low:
            work -= work.dtype.type(low)
        work *= _per_sample(255.0 / ((high - low) * step), work)
        if slack:
            work += _per_sample(slack / step, work)
        np.floor(work, out=work)
        work *= _per_sample(step * (high - low) / 255.0, work)
        if low:
            work += work.dtype.type(low)


@_document
class Solarization(Operation):
    """Add a random amount, then invert the values at or above a random threshold.

    Keras 3's ``Solarization``: on the 0..255 scale of ``value_range``, a sample
    gets ``x + addition`` clipped to [0, 255], and every value not below
    ``threshold`` becomes ``255 - value``. With the defaults (no addition,
    threshold 0) every value is inverted. Works on any number of channels.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    addition_factor : float or (float, float), default=0.0
        In [0, 1]. A number ``f`` draws the addition in ``[0, f]``, a pair in that
        interval, as fractions of the range.

    threshold_factor : float or (float, float), default=0.0
        In [0, 1]. A number ``f`` draws the threshold in ``[0, f]``, a pair in
        that interval, as fractions of the range.

    %(value_range)s

    %(p)s

    See Also
    --------
    RandomInvert, RandomPosterization

    Notes
    -----
    Keras 3.15 multiplies only the upper end of each factor by 255 (it draws in
    ``[lower, upper * 255]``), so a pair ``(0.2, 0.4)`` draws in
    ``[0.2, 102]`` instead of ``[51, 102]``. This operation scales both ends.
    The draw keys ``addition`` and ``threshold`` are fractions of the range
    (Keras' values divided by 255). Given the same values, the output is Keras'.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, Solarization
    >>> X = np.array([[[[10, 100, 200]]]], dtype=np.uint8)
    >>> sun = Compose([("sun", Solarization(threshold_factor=1.0))])
    >>> draw = {"sun__applied": [True], "sun__addition": [0.0],
    ...         "sun__threshold": [0.5]}
    >>> sun.apply_params(X, draw)[0, 0, 0]
    array([ 10, 100,  55], dtype=uint8)
    """

    kind = "pointwise"
    _parameter_constraints: dict = {
        "addition_factor": _UNIT_FACTOR,
        "threshold_factor": _UNIT_FACTOR,
        "value_range": _VALUE_RANGE,
        "p": [PROBABILITY],
    }

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, *,
                 value_range=None, p=1.0):
        self.addition_factor = addition_factor
        self.threshold_factor = threshold_factor
        self.value_range = value_range
        self.p = p

    def draw(self, n_samples, rng, context):
        return {
            "addition": rng.uniform(*zero_to_factor(self.addition_factor), n_samples),
            "threshold": rng.uniform(*zero_to_factor(self.threshold_factor),
                                     n_samples),
        }

    def transform_pointwise(self, work, draws, context):
        check_in_range(work, context)
        low, high = context.value_range
        span = high - low
        if low:
            work -= work.dtype.type(low)
        work += _per_sample(np.asarray(draws["addition"], dtype=np.float64) * span,
                            work)
        np.clip(work, 0, span, out=work)
        threshold = _per_sample(np.asarray(draws["threshold"], dtype=np.float64)
                                * span, work)
        # x + [x >= threshold] (span - 2x): branch-free, twice as fast as a
        # masked write on busy images.
        flip = np.multiply(work, work.dtype.type(-2))
        flip += work.dtype.type(span)
        np.multiply(flip, work >= threshold, out=flip)
        work += flip
        if low:
            work += work.dtype.type(low)


@_document
class AutoContrast(Operation):
    """Stretch each channel of a sample linearly to the full value range.

    Keras 3's ``AutoContrast`` (PIL's ``autocontrast`` without cutoff): per
    sample and channel, the smallest value goes to the low end of
    ``value_range`` and the largest to the high end; a constant channel is left
    as it is. Deterministic; works on any number of channels.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    %(value_range)s

    %(p)s

    See Also
    --------
    Equalization : Flatten each channel's histogram.
    RandomContrast : Scale the contrast by a random factor.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, AutoContrast
    >>> X = np.array([[[[50], [90], [150]]]], dtype=np.uint8)
    >>> Compose([("stretch", AutoContrast())]).augment(X)[0, 0, :, 0]
    array([  0, 102, 255], dtype=uint8)
    """

    kind = "pointwise"
    _parameter_constraints: dict = {"value_range": _VALUE_RANGE, "p": [PROBABILITY]}

    def __init__(self, value_range=None, *, p=1.0):
        self.value_range = value_range
        self.p = p

    def draw(self, n_samples, rng, context):
        return {}

    def transform_pointwise(self, work, draws, context):
        check_in_range(work, context)
        low, high = context.value_range
        smallest, largest = _channel_extremes(work)
        width = largest - smallest
        constant = width <= 0
        scale = np.where(constant, 1, (high - low) / np.where(constant, 1, width))
        offset = np.where(constant, 0, low - smallest * scale)
        _scale_and_shift(work, scale, offset)
        np.clip(work, low, high, out=work)


@_document
class Equalization(Operation):
    """Equalise the histogram of each channel of each sample.

    Keras 3's ``Equalization`` formula, applied per sample as PIL's and
    torchvision's ``equalize`` are: on the 0..255 scale of ``value_range``,
    values fall in ``bins`` equal bins; each value becomes
    ``round(255 * (cdf - cdf_min) / (n - cdf_min))`` of its bin, ``cdf`` being
    the cumulative count, ``cdf_min`` that of the first non-empty bin, ``n`` the
    number of pixels. A channel with one non-empty bin is left as it is.
    Deterministic; works on any number of channels.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    %(value_range)s

    bins : int, default=256
        Number of histogram bins, at least 2.

    %(p)s

    See Also
    --------
    AutoContrast : Stretch each channel to the full range.

    Notes
    -----
    Keras 3.15 pools the histogram of a channel over the whole batch it is
    given, so an image's result depends on the other images of its batch (by up
    to 70 grey levels between an image equalised alone and next to another
    photo). This operation equalises each sample on its own histogram, so the
    result does not depend on the batch, on ``Compose``'s chunks or on
    ``n_jobs``; on one image it is Keras' result. After rescaling from a
    ``value_range`` other than (0, 255), values within 1e-3 below a bin edge
    count in the bin above (rounding of the rescale, not the data).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, Equalization
    >>> X = np.array([[[[10], [10], [20], [40]]]], dtype=np.uint8)
    >>> Compose([("equalize", Equalization())]).augment(X)[0, 0, :, 0]
    array([  0,   0, 128, 255], dtype=uint8)
    """

    kind = "pointwise"
    _parameter_constraints: dict = {
        "value_range": _VALUE_RANGE,
        "bins": [interval(numbers.Integral, 2)],
        "p": [PROBABILITY],
    }

    def __init__(self, value_range=None, bins=256, *, p=1.0):
        self.value_range = value_range
        self.bins = bins
        self.p = p

    def draw(self, n_samples, rng, context):
        return {}

    def transform_pointwise(self, work, draws, context):
        check_in_range(work, context)
        low, high = context.value_range
        bins = int(self.bins)
        k, _, _, channels = work.shape
        scaled = work.copy()
        slack = _to_unit_scale(scaled, low, high)
        # Keras' bin: trunc(x * (bins - 1) / 255), clipped.
        scaled *= scaled.dtype.type(bins - 1)
        scaled /= scaled.dtype.type(255)
        if slack:
            scaled += scaled.dtype.type(slack * (bins - 1) / 255)
        np.clip(scaled, 0, bins - 1, out=scaled)
        opencv = bins <= 256 and _per_sample_calls(work)
        if opencv:  # bins as uint8: OpenCV's histograms and look-up tables
            index = scaled.astype(np.uint8)
            hist = np.array([[cv2.calcHist([sample], [c], None, [256], [0, 256]
                                           ).ravel()[:bins]
                              for c in range(channels)] for sample in index],
                dtype=np.int64).reshape(k * channels, bins)
        else:  # one histogram per (sample, channel), side by side
            index = scaled.astype(np.intp)
            index += np.arange(k * channels).reshape(k, 1, 1, channels) * bins
            hist = np.bincount(index.ravel(), minlength=k * channels * bins
                               ).reshape(k * channels, bins)
        del scaled
        cdf = np.cumsum(hist, axis=1)
        first = np.argmax(hist > 0, axis=1)
        cdf_min = np.take_along_axis(cdf, first[:, np.newaxis], axis=1)
        denominator = cdf[:, -1:] - cdf_min
        denominator[denominator == 0] = 1
        lut = np.clip(np.round((cdf - cdf_min) * 255 / denominator), 0, 255)
        # Back to value_range (Keras: values * scale + offset).
        lut = (lut * ((high - low) / 255) + low).astype(work.dtype)
        keep = np.count_nonzero(hist, axis=1) <= 1
        if keep.all():
            return
        # Channels with one non-empty bin keep their values (rare: a loop).
        kept = [(i, c, work[i, ..., c].copy())
                for i, c in zip(*np.nonzero(keep.reshape(k, channels)))]
        if opencv:
            tables = np.zeros((k, 1, 256, channels), dtype=work.dtype)
            tables[:, 0, :bins, :] = lut.reshape(k, channels, bins).transpose(0, 2, 1)
            for sample, table, out in zip(index, tables, work):
                result = cv2.LUT(sample, table, dst=out)
                if not np.shares_memory(result, out):
                    out[...] = result.reshape(out.shape)
        else:
            np.take(lut.ravel(), index, out=work)
        for i, c, values in kept:
            work[i, ..., c] = values


@_document
class RandomSharpness(Operation):
    """Blend samples with a smoothed version of themselves, by a random amount.

    Keras 3's ``RandomSharpness`` (PIL's ``ImageEnhance.Sharpness``): with
    ``smoothed`` the sample filtered by the 3x3 kernel
    ``[[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13`` and ``s = 2 * factor``, the output
    is ``smoothed + s * (x - smoothed)``, clipped: ``factor=0`` blurs,
    ``factor=0.5`` leaves the sample, ``factor=1`` sharpens. It reads each
    pixel's neighbours, so it is a ``"sample"`` operation (it ends a fused run
    of colour operations). Needs 2-D samples; any number of channels.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    factor : float or (float, float)
        In [0, 1]. A number ``f`` draws the factor in ``[0, f]``, a pair in that
        interval.

    %(value_range)s

    %(p)s

    See Also
    --------
    RandomContrast, AutoContrast

    Notes
    -----
    Keras 3.15 smooths with zero padding, so the one-pixel frame of every image
    darkens when blurred and brightens when sharpened. This operation leaves
    the frame as it is, as PIL and torchvision do; inside the frame the output
    is Keras'.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomSharpness
    >>> X = np.zeros((1, 3, 3, 1), dtype=np.uint8)
    >>> X[0, 1, 1] = 130
    >>> blur = Compose([("blur", RandomSharpness(0.5))])
    >>> blur.apply_params(X, {"blur__applied": [True], "blur__factor": [0.0]})[0, 1, 1]
    array([50], dtype=uint8)
    """

    kind = "sample"
    _requires = ("image",)
    _parameter_constraints: dict = {
        "factor": _UNIT_FACTOR,
        "value_range": _VALUE_RANGE,
        "p": [PROBABILITY],
    }

    def __init__(self, factor, *, value_range=None, p=1.0):
        self.factor = factor
        self.value_range = value_range
        self.p = p

    def draw(self, n_samples, rng, context):
        return {"factor": rng.uniform(*zero_to_factor(self.factor), n_samples)}

    def transform_samples(self, block, draws, context):
        work = block.astype(_float_dtype(block.dtype))
        check_in_range(work, context)
        k, height, width, channels = work.shape
        if height < 3 or width < 3:
            return block  # no pixel inside the frame
        kernel = np.ones((3, 3), dtype=work.dtype)
        kernel[1, 1] = 5
        kernel /= 13
        # Samples stacked vertically: a pixel inside a sample's frame only reads
        # that sample's rows.
        smoothed = cv2.filter2D(work.reshape(k * height, width, channels), -1,
                                kernel, borderType=cv2.BORDER_REPLICATE)
        smoothed = smoothed.reshape(work.shape)[:, 1:-1, 1:-1]
        inside = work[:, 1:-1, 1:-1]
        sharpness = 2 * np.asarray(draws["factor"], dtype=np.float64)
        smoothed -= inside
        smoothed *= _per_sample(1.0 - sharpness, work)
        inside += smoothed
        np.clip(work, *context.value_range, out=work)
        return cast_like(work, block.dtype)
