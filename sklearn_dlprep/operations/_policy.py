"""Augmentation policies as operations: RandAugment, AugMix, TrivialAugmentWide.

A policy draws, for every sample, which of its operations act and with what
magnitudes, all at once and from a fixed number of uniform values (so changing
``factor`` or ``alpha`` never shifts the random stream of the other steps); then
it applies them to the groups of samples that drew the same operation. Each
ends a fused run of the engine (``kind = "sample"``).

The image functions are in ``_functional.py`` (``keras_*`` for Keras 3's
policies, ``tv_*`` for torchvision's ``TrivialAugmentWide``).
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers

import numpy as np

from .._engine import cast_like
from ..utils._param_validation import BOOLEAN, interval, options, pair_of
from . import _functional as F
from ._base import PROBABILITY, Operation, check_in_range

_VALUE_RANGE = [None, pair_of(numbers.Real)]
_UNIT_FACTOR = [interval(numbers.Real, 0, 1), pair_of(numbers.Real, 0, high=1)]
_ORDERS = {"nearest": 0, "bilinear": 1}

# Keras 3's layers, by the names its policies give them.
RANDAUGMENT_OPS = (
    "random_shear", "random_translation", "random_rotation", "random_brightness",
    "random_color_degeneration", "random_contrast", "random_sharpness",
    "random_posterization", "solarization", "auto_contrast", "equalization",
)
AUGMIX_OPS = (
    "random_shear", "random_translation", "random_rotation", "random_posterization",
    "solarization", "auto_contrast", "equalization", "random_brightness",
    "random_color_degeneration", "random_contrast", "random_sharpness",
)
AUGMIX_BASIC_OPS = AUGMIX_OPS[:7]  # all_ops=False
# Draw keys of the magnitudes, and the trailing shape of each.
KERAS_MAGNITUDES = {"shear": (2,), "translation": (2,), "rotation": (),
                    "brightness": (), "color_degeneration": (), "contrast": (),
                    "sharpness": (), "posterization": (), "solarization": (2,)}
_N_UNIFORMS = 13  # uniform values behind one slot's magnitudes

# torchvision v2's TrivialAugmentWide, in its order.
TRIVIAL_AUGMENT_OPS = (
    "Identity", "ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate",
    "Brightness", "Color", "Contrast", "Sharpness", "Posterize", "Solarize",
    "AutoContrast", "Equalize",
)


def _keras_magnitudes(uniforms, factor, height, width):
    """The values Keras' sub-layers draw for a policy of strength ``factor``,
    from 13 uniform values per slot (last axis of ``uniforms``)."""
    low, high = F.unit_bounds(factor)
    u = np.moveaxis(uniforms, -1, 0)

    def between(values, lo, hi):
        return lo + values * (hi - lo)

    # RandomShear(x_factor=factor, y_factor=factor): one sign for both, y drawn
    # before x.
    sign = np.where(u[0] > 0.5, -1.0, 1.0)
    shear = np.stack([between(u[2], low, high), between(u[1], low, high)], -1)
    shear *= sign[..., np.newaxis]
    # RandomTranslation(height_factor=factor, width_factor=factor), in pixels
    # (x, y); the height is drawn first.
    translation = np.stack([between(u[4], low, high) * width,
                            between(u[3], low, high) * height], -1)
    # RandomPosterization(factor=max(1, int(8 * high))): bits in [1, b - 1].
    most = max(1, int(8 * high))
    bits = 1 + np.floor(u[9] * (most - 1)).astype(np.int64) if most > 1 else \
        np.ones(u[9].shape, dtype=np.int64)
    return {
        "shear": shear,
        "translation": translation,
        "rotation": between(u[5], low * 360.0, high * 360.0),
        "brightness": between(u[6], low, high),
        "color_degeneration": between(u[7], low, high),
        "contrast": between(u[8], 1.0 - low, 1.0 + high),
        "sharpness": between(u[10], low, high),
        "posterization": bits,
        # Solarization(addition_factor=factor, threshold_factor=factor), in
        # 0..255 units; both bounds scaled (Keras leaves the lower one unscaled).
        "solarization": np.stack([between(u[11], low * 255, high * 255),
                                  between(u[12], low * 255, high * 255)], -1),
    }


def _apply_keras(name, images, values, value_range, order):
    """One of Keras' policy layers on ``images``, with one value per sample."""
    height, width = images.shape[1:3]
    if name == "random_shear":
        maps = F.keras_shear_maps(values["shear"][:, 0], values["shear"][:, 1])
    elif name == "random_translation":
        maps = F.translation_maps(values["translation"][:, 0],
                                  values["translation"][:, 1])
    elif name == "random_rotation":
        maps = F.rotation_maps(values["rotation"], height, width)
    else:
        maps = None
    if maps is not None:
        return F.affine_warp(images, maps, order=order, fill_mode="reflect")
    if name == "random_brightness":
        return F.keras_brightness(images, values["brightness"], value_range)
    if name == "random_color_degeneration":
        return F.keras_color_degeneration(images, values["color_degeneration"],
                                          value_range)
    if name == "random_contrast":
        return F.keras_contrast(images, values["contrast"], value_range)
    if name == "random_sharpness":
        return F.keras_sharpness(images, values["sharpness"], value_range)
    if name == "random_posterization":
        return F.keras_posterization(images, values["posterization"], value_range)
    if name == "solarization":
        return F.keras_solarization(images, values["solarization"][:, 0],
                                    values["solarization"][:, 1], value_range)
    if name == "auto_contrast":
        return F.keras_auto_contrast(images, value_range)
    return F.keras_equalization(images, value_range)


def _apply_slot(work, ops, choice, draws, index, value_range, order):
    """Apply, in place, the operation each sample drew at ``index`` (a slot of
    the magnitude arrays); a choice equal to ``len(ops)`` is no operation."""
    for position, name in enumerate(ops):
        rows = np.flatnonzero(choice == position)
        if rows.size == 0:
            continue
        values = {key: np.asarray(draws[key])[(rows, *index)]
                  for key in KERAS_MAGNITUDES}
        work[rows] = _apply_keras(name, work[rows], values, value_range, order)


class _Policy(Operation):
    """What the policies share: grey or RGB images, work in floating point."""

    kind = "sample"
    _requires = ("image",)

    def resolve(self, layout, dtype, step):
        context = super().resolve(layout, dtype, step)
        if context.channels not in (1, 3):
            raise ValueError(
                f"Step {step!r} ({type(self).__name__}) needs grey (1 channel) or "
                f"RGB (3 channels) images, as its colour operations are defined "
                f"for those; samples of shape {layout.sample_shape} have "
                f"{context.channels} channels."
            )
        return context

    def _work(self, block, context):
        work = block.astype(F.work_dtype(block.dtype))
        check_in_range(work, context)
        return work


class RandAugment(_Policy):
    """Apply ``num_ops`` operations drawn at random from Keras 3's list.

    Keras 3's ``RandAugment`` (after Cubuk et al., 2019): for every sample,
    ``num_ops`` operations are drawn uniformly, with replacement, from shear,
    translation, rotation, brightness, colour degeneration, contrast,
    sharpness, posterization, solarization, auto-contrast and equalization, and
    applied in turn, each with a magnitude drawn as Keras' layer of that name
    draws it with ``factor``. Geometric operations read outside the image by
    reflection, as Keras' layers do by default.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    value_range : (float, float) or None, default=None
        The range of the data. ``None`` means the dtype's natural range: (0,
        255) for integers, (0, 1) for floats (Keras' default is (0, 255)
        whatever the dtype). Data outside it is an error.

    num_ops : int, default=2
        Number of operations applied to each sample, in sequence (0 leaves the
        samples as they are).

    factor : float or (float, float), default=0.5
        In [0, 1]: the strength. A number ``f`` means ``(0, f)``. Each operation
        receives it as Keras' ``RandAugment`` passes it: shear and translation
        factors in ``(0, f)`` (a shear of ``f`` moves the bottom row by ``f H``
        pixels; translations move content right and down by up to ``f`` of the
        size), rotation up to ``f * 360`` degrees counter-clockwise, brightness
        up to ``+f`` of the range, colour degeneration up to ``f``, contrast in
        ``[1, 1 + f]``, sharpness factor up to ``f`` (blur below 1/2), solarize
        addition and threshold up to ``255 f``, posterization to between 1 and
        ``int(8 f) - 1`` bits (1 bit when ``8 f < 2``).

    interpolation : {"bilinear", "nearest"}, default="bilinear"
        How the geometric operations read the image.

    p : float, default=1.0
        Probability that the policy acts on a sample.

    See Also
    --------
    AugMix : Mix chains of Keras' operations with the original.
    TrivialAugmentWide : One torchvision operation per sample.

    Notes
    -----
    Where this differs from Keras 3 on purpose:

    - Keras draws the ``num_ops`` operations once per batch (every image of a
      batch gets the same operations) and, when an operation is drawn twice,
      applies its same magnitude twice. Here every sample draws its own
      operations and every slot its own magnitudes, so a sample's result does
      not depend on its batch; the draws are replayable (``op`` indexes the
      list above, one column per slot).
    - Equalization is per image (Keras pools the histogram over the batch).
    - Sharpness keeps the image's outermost pixels (Keras' zero padding darkens
      them); the interior is Keras'.
    - Solarization scales both bounds of its ranges to 0..255 (Keras scales only
      the upper one, which matters only for a ``factor`` pair with a lower bound
      above 0).
    - On Keras' numpy backend, ``RandomBrightness`` changes its input in place,
      so inside Keras' ``RandAugment`` the brightness shift reaches the images
      whatever operation was drawn. That is not copied.

    Kept from Keras, though surprising: the ranges are one-sided (``(0, f)``
    is passed to layers that read a pair as an interval), and posterization
    keeps *more* bits as ``factor`` grows (1 bit for ``factor < 0.25``).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_digits
    >>> from sklearn_dlprep import Compose, RandAugment
    >>> X, y = load_digits(return_X_y=True)
    >>> augment = Compose([("rand", RandAugment((0, 16), num_ops=2, factor=0.2))],
    ...                   sample_shape=(8, 8), random_state=0)
    >>> X_res, y_res = augment.fit_resample(X, y)
    >>> X_res.shape, float(X_res.min()) >= 0, float(X_res.max()) <= 16
    ((3594, 64), True, True)
    """

    _parameter_constraints: dict = {
        "value_range": _VALUE_RANGE,
        "num_ops": [interval(numbers.Integral, 0)],
        "factor": _UNIT_FACTOR,
        "interpolation": [options(*_ORDERS)],
        "p": [PROBABILITY],
    }

    def __init__(self, value_range=None, num_ops=2, factor=0.5,
                 interpolation="bilinear", *, p=1.0):
        self.value_range = value_range
        self.num_ops = num_ops
        self.factor = factor
        self.interpolation = interpolation
        self.p = p

    def draw(self, n_samples, rng, context):
        shape = (n_samples, self.num_ops)
        op = np.floor(rng.random(shape) * len(RANDAUGMENT_OPS)).astype(np.int64)
        magnitudes = _keras_magnitudes(rng.random(shape + (_N_UNIFORMS,)),
                                       self.factor, context.height, context.width)
        return {"op": op, **magnitudes}

    def transform_samples(self, block, draws, context):
        work = self._work(block, context)
        op = np.asarray(draws["op"]).reshape(len(work), -1)
        for slot in range(op.shape[1]):
            _apply_slot(work, RANDAUGMENT_OPS, op[:, slot], draws, (slot,),
                        context.value_range, _ORDERS[self.interpolation])
        return cast_like(work, block.dtype)


class AugMix(_Policy):
    """Mix a sample with chains of random operations of Keras 3's list.

    Keras 3's ``AugMix`` (after Hendrycks et al., 2020): ``num_chains`` copies of
    a sample each go through a chain of up to ``chain_depth`` operations (each
    link is one of the operations, or none, drawn uniformly); the chains are
    averaged with Dirichlet(``alpha``) weights, and the result is mixed with the
    original with a Beta(``alpha``, ``alpha``) weight, then clipped to the range.
    Magnitudes are drawn as Keras' layers draw them with ``factor`` (see
    :class:`RandAugment`).

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    value_range : (float, float) or None, default=None
        The range of the data. ``None`` means the dtype's natural range: (0,
        255) for integers, (0, 1) for floats (Keras' default is (0, 255)
        whatever the dtype). Data outside it is an error.

    num_chains : int, default=3
        Number of chains mixed.

    chain_depth : int, default=3
        Links per chain; each link is one of the operations or none, so a chain
        applies between 0 and ``chain_depth`` operations.

    factor : float or (float, float), default=0.3
        In [0, 1]: the strength of the operations (a number ``f`` means ``(0,
        f)``), as in :class:`RandAugment`.

    alpha : float, default=1.0
        Positive: the parameter of the Dirichlet and Beta distributions.

    all_ops : bool, default=True
        Whether brightness, colour degeneration, contrast and sharpness are among
        the operations (besides shear, translation, rotation, posterization,
        solarization, auto-contrast and equalization).

    interpolation : {"bilinear", "nearest"}, default="bilinear"
        How the geometric operations read the image.

    p : float, default=1.0
        Probability that the policy acts on a sample.

    See Also
    --------
    RandAugment : Apply ``num_ops`` operations of the same list.

    Notes
    -----
    Keras draws the chains, their operations and both weights once per batch,
    and picks the operations with Python's global ``random`` module (so its
    ``seed`` does not make them reproducible). Here every sample draws its own
    chains and weights from the given generator; ``op`` holds, for every chain
    and link, the index of the operation in Keras' list (shear, translation,
    rotation, posterization, solarization, auto-contrast, equalization,
    brightness, colour degeneration, contrast, sharpness; the first seven when
    ``all_ops=False``), the list's length meaning no operation.
    Equalization, sharpness and solarization differ from Keras as in
    :class:`RandAugment`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import AugMix, Compose
    >>> X = np.random.default_rng(0).integers(0, 256, (4, 16, 16, 3),
    ...                                       dtype=np.uint8)
    >>> augmix = Compose([("augmix", AugMix(num_chains=2))], random_state=0)
    >>> out = augmix.augment(X)
    >>> out.shape, out.dtype
    ((4, 16, 16, 3), dtype('uint8'))
    """

    _parameter_constraints: dict = {
        "value_range": _VALUE_RANGE,
        "num_chains": [interval(numbers.Integral, 1)],
        "chain_depth": [interval(numbers.Integral, 1)],
        "factor": _UNIT_FACTOR,
        "alpha": [interval(numbers.Real, 0, closed="neither")],
        "all_ops": [BOOLEAN],
        "interpolation": [options(*_ORDERS)],
        "p": [PROBABILITY],
    }

    def __init__(self, value_range=None, num_chains=3, chain_depth=3, factor=0.3,
                 alpha=1.0, all_ops=True, interpolation="bilinear", *, p=1.0):
        self.value_range = value_range
        self.num_chains = num_chains
        self.chain_depth = chain_depth
        self.factor = factor
        self.alpha = alpha
        self.all_ops = all_ops
        self.interpolation = interpolation
        self.p = p

    def _ops(self):
        return AUGMIX_OPS if self.all_ops else AUGMIX_BASIC_OPS

    def draw(self, n_samples, rng, context):
        shape = (n_samples, self.num_chains, self.chain_depth)
        choices = len(self._ops()) + 1  # the last one is "no operation"
        op = np.floor(rng.random(shape) * choices).astype(np.int64)
        magnitudes = _keras_magnitudes(rng.random(shape + (_N_UNIFORMS,)),
                                       self.factor, context.height, context.width)
        # Gamma and Beta samplers consume a number of values that depends on
        # alpha: they draw from a generator of their own, seeded from this one.
        weights = np.random.default_rng(rng.integers(0, 2**63, dtype=np.uint64))
        gamma = weights.gamma(self.alpha, size=(n_samples, self.num_chains))
        chain_weights = gamma / gamma.sum(axis=1, keepdims=True)
        mix_weight = weights.beta(self.alpha, self.alpha, size=n_samples)
        return {"op": op, **magnitudes, "chain_weights": chain_weights,
                "mix_weight": mix_weight}

    def transform_samples(self, block, draws, context):
        work = self._work(block, context)
        ops = self._ops()
        order = _ORDERS[self.interpolation]
        op = np.asarray(draws["op"]).reshape(len(work), self.num_chains, -1)
        chain_weights = np.asarray(draws["chain_weights"], dtype=work.dtype)
        mixed = np.zeros_like(work)
        for chain in range(op.shape[1]):
            augmented = work.copy()
            for link in range(op.shape[2]):
                _apply_slot(augmented, ops, op[:, chain, link], draws,
                            (chain, link), context.value_range, order)
            mixed += chain_weights[:, chain, None, None, None] * augmented
        weight = np.asarray(draws["mix_weight"], dtype=work.dtype)[:, None, None,
                                                                   None]
        out = weight * work + (1 - weight) * mixed
        low, high = context.value_range
        np.clip(out, low, high, out=out)
        return cast_like(out, block.dtype)


def _bins(start, stop, num_bins):
    return np.linspace(start, stop, num_bins)


def trivial_augment_magnitudes(op, num_bins):
    """torchvision's magnitude table of one ``TrivialAugmentWide`` operation:
    ``(values, signed)``, ``values`` None for operations without one."""
    if op in ("ShearX", "ShearY", "Brightness", "Color", "Contrast", "Sharpness"):
        return _bins(0.0, 0.99, num_bins), True
    if op in ("TranslateX", "TranslateY"):
        return _bins(0.0, 32.0, num_bins), True
    if op == "Rotate":
        return _bins(0.0, 135.0, num_bins), True
    if op == "Posterize":
        steps = np.arange(num_bins, dtype=np.float32) / np.float32(
            (num_bins - 1) / 6)
        return np.round(np.float32(8) - steps).astype(np.int64), False
    if op == "Solarize":
        return _bins(1.0, 0.0, num_bins), False
    return None, False


class TrivialAugmentWide(_Policy):
    """Apply one operation of torchvision's list, with a random magnitude.

    torchvision v2's ``TrivialAugmentWide`` (after Müller and Hutter, 2021): for
    every sample, one operation is drawn uniformly from identity, shear along x
    or y, translation along x or y, rotation, brightness, colour (saturation),
    contrast, sharpness, posterization, solarization, auto-contrast and
    equalization; its magnitude is drawn uniformly from ``num_magnitude_bins``
    values, with a random sign where the operation has one. The operations are
    torchvision's functional definitions; geometric ones fill the outside of the
    image with ``fill``.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    num_magnitude_bins : int, default=31
        At least 2: how many magnitudes each operation's range is split into
        (shear and colour factors up to 0.99, translations up to 32 pixels,
        rotations up to 135 degrees, 8 down to 2 bits, solarize thresholds 1
        down to 0 of the range).

    interpolation : {"nearest", "bilinear"}, default="nearest"
        How the geometric operations read the image (torchvision's default is
        nearest).

    fill : float, sequence of float or None, default=None
        Value of the pixels that geometric operations bring in from outside the
        image, in the data's units: a number, or one per channel. ``None`` means
        0, as in torchvision.

    value_range : (float, float) or None, default=None
        The range of the data, which torchvision takes as [0, 1] for floats and
        [0, 255] for integers: that is the default (``None``, the dtype's natural
        range). Data outside it is an error.

    p : float, default=1.0
        Probability that the policy acts on a sample.

    See Also
    --------
    RandAugment : Keras 3's policy of ``num_ops`` operations.

    Notes
    -----
    torchvision's functional definitions, transcribed (``_auto_augment.py``,
    ``functional/_color.py`` and ``functional/_geometry.py``): shears are about
    the top-left corner, translations are whole pixels (``int(magnitude)``),
    posterization keeps bits of integer images and floors ``x * 2**bits`` of
    float ones. Integer results are rounded where torchvision truncates, so they
    may be one grey level above torchvision's. The magnitude bins are computed
    in double precision (torch's float32 ``linspace`` can land the 16-pixel
    translation on 15.999999, which ``int`` makes 15). With bilinear
    interpolation and a ``fill``, the half-pixel band at the image's edge blends
    once with the fill: torchvision multiplies its zero-padded interpolation by
    the mask a second time there (a constant image equal to ``fill`` does not
    stay constant), which is not copied. ``op`` indexes the list above;
    ``magnitude`` is the signed value the operation uses.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, TrivialAugmentWide
    >>> X = np.random.default_rng(0).integers(0, 256, (4, 32, 32, 3),
    ...                                       dtype=np.uint8)
    >>> trivial = Compose([("trivial", TrivialAugmentWide())], random_state=0)
    >>> params = trivial.sample_params(X)
    >>> sorted(params)
    ['trivial__applied', 'trivial__magnitude', 'trivial__op']
    >>> trivial.apply_params(X, params).shape
    (4, 32, 32, 3)
    """

    _parameter_constraints: dict = {
        "num_magnitude_bins": [interval(numbers.Integral, 2)],
        "interpolation": [options(*_ORDERS)],
        "fill": [None, interval(numbers.Real), tuple, list, np.ndarray],
        "value_range": _VALUE_RANGE,
        "p": [PROBABILITY],
    }

    def __init__(self, num_magnitude_bins=31, interpolation="nearest", fill=None,
                 *, value_range=None, p=1.0):
        self.num_magnitude_bins = num_magnitude_bins
        self.interpolation = interpolation
        self.fill = fill
        self.value_range = value_range
        self.p = p

    def resolve(self, layout, dtype, step):
        context = super().resolve(layout, dtype, step)
        if self.fill is not None and np.ndim(self.fill) != 0:
            values = np.asarray(self.fill)
            if (values.ndim != 1 or values.dtype.kind not in "iuf"
                    or len(values) not in (1, context.channels)):
                raise ValueError(
                    f"Step {step!r}: The 'fill' parameter of TrivialAugmentWide "
                    f"must be a number, one number per channel ({context.channels}"
                    f" for samples of shape {layout.sample_shape}) or None. Got "
                    f"{self.fill!r} instead."
                )
        return context

    def draw(self, n_samples, rng, context):
        uniforms = rng.random((n_samples, 3))
        op = np.floor(uniforms[:, 0] * len(TRIVIAL_AUGMENT_OPS)).astype(np.int64)
        bins = np.floor(uniforms[:, 1] * self.num_magnitude_bins).astype(np.int64)
        negative = uniforms[:, 2] <= 0.5
        magnitude = np.zeros(n_samples)
        for index, name in enumerate(TRIVIAL_AUGMENT_OPS):
            values, signed = trivial_augment_magnitudes(name,
                                                        self.num_magnitude_bins)
            rows = op == index
            if values is None or not rows.any():
                continue
            magnitude[rows] = values[bins[rows]]
            if signed:
                magnitude[rows & negative] *= -1
        return {"op": op, "magnitude": magnitude}

    def transform_samples(self, block, draws, context):
        work = self._work(block, context)
        op = np.asarray(draws["op"]).reshape(-1)
        magnitude = np.asarray(draws["magnitude"], dtype=np.float64).reshape(-1)
        integer = context.dtype is not None and context.dtype.kind in "biu"
        for index, name in enumerate(TRIVIAL_AUGMENT_OPS):
            rows = np.flatnonzero(op == index)
            if rows.size and name != "Identity":
                work[rows] = self._apply(name, work[rows], magnitude[rows], context,
                                         integer)
        return cast_like(work, block.dtype)

    def _apply(self, name, images, m, context, integer):
        value_range = context.value_range
        height, width = images.shape[1:3]
        maps = {
            "ShearX": lambda: F.tv_shear_maps(m, "x"),
            "ShearY": lambda: F.tv_shear_maps(m, "y"),
            "TranslateX": lambda: F.translation_maps(np.trunc(m), 0.0),
            "TranslateY": lambda: F.translation_maps(0.0, np.trunc(m)),
            "Rotate": lambda: F.rotation_maps(m, height, width),
        }
        if name in maps:
            fill = 0.0 if self.fill is None else self.fill
            return F.affine_warp(images, maps[name](),
                                 order=_ORDERS[self.interpolation],
                                 fill_mode="constant", fill_value=fill)
        if name == "Brightness":
            return F.tv_brightness(images, 1.0 + m, value_range)
        if name == "Color":
            return F.tv_saturation(images, 1.0 + m, value_range, integer=integer)
        if name == "Contrast":
            return F.tv_contrast(images, 1.0 + m, value_range, integer=integer)
        if name == "Sharpness":
            return F.tv_sharpness(images, 1.0 + m, value_range, integer=integer)
        if name == "Posterize":
            return F.tv_posterize(images, m.astype(np.int64), value_range,
                                  integer=integer)
        if name == "Solarize":
            return F.tv_solarize(images, m, value_range)
        if name == "AutoContrast":
            return F.tv_autocontrast(images, value_range)
        return F.tv_equalize(images, value_range)
