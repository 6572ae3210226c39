"""Pure image functions behind the policies (RandAugment, AugMix, TrivialAugmentWide).

Every function takes a floating-point block ``images`` of shape ``(k, H, W, C)``
(channels last, grey or RGB), one magnitude per sample where it has one, and the
``value_range`` the data is read in, and returns a new block of the same shape
and dtype; nothing is changed in place. They are deterministic: all randomness is
drawn by the operations before they are called.

Two families, because the two libraries define the same names differently:

- ``keras_*``: Keras 3's preprocessing layers as ``RandAugment`` and ``AugMix``
  use them (``keras.layers.RandomShear``, ``RandomContrast``, ``Solarization``,
  ...), given the values of their ``get_random_transformation``; geometric ones
  read outside the image by reflection, as those layers do by default.
- ``tv_*``: torchvision v2's functional definitions as ``TrivialAugmentWide`` uses
  them (``torchvision/transforms/v2/functional/_color.py`` and ``_geometry.py``);
  geometric ones fill outside the image with ``fill``.

Where a definition departs from its library, the function says why. These are
private building blocks, kept apart so that they can later be replaced by the
shared implementations of the colour and geometric operations.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import cv2
import numpy as np

# ITU-R 601 luma weights, as Keras' rgb_to_grayscale and torchvision's use them.
GREY_WEIGHTS = (0.2989, 0.587, 0.114)


def work_dtype(dtype):
    """The floating-point dtype a block is processed in: float32 holds every
    uint8/int16 value exactly; float64 and wider integers need float64."""
    dtype = np.dtype(dtype)
    wide = dtype == np.float64 or (dtype.kind in "iu" and dtype.itemsize >= 4)
    return np.dtype(np.float64 if wide else np.float32)


def unit_bounds(factor):
    """Keras' reading of a non-negative factor (a probability, a strength, a
    standard deviation): a number ``f`` means ``(0, f)``, a pair that interval."""
    if np.ndim(factor) == 0:
        return 0.0, float(factor)
    low, high = (float(f) for f in factor)
    return low, high


def keras_gaussian_kernel(size, sigma, dtype=np.float32):
    """Keras' 1-D Gaussian kernel: ``exp(-x**2 / (2 sigma**2))`` over ``size``
    taps centred on the middle one, normalised to sum 1, in ``dtype``. A
    non-positive ``sigma`` gives the identity (one tap of weight 1)."""
    scalar = np.dtype(dtype).type
    x = np.arange(size, dtype=scalar) - scalar((size - 1) / 2)
    if sigma <= 0:
        return (x == 0).astype(scalar)
    kernel = np.exp(scalar(-0.5) * (x / scalar(sigma)) ** 2)
    return (kernel / kernel.sum()).astype(scalar)


def _unit(images, value_range):
    """Values in [0, 1] of the value range (computed in the block's dtype)."""
    low, high = value_range
    dtype = images.dtype.type
    return (images - dtype(low)) / dtype(high - low)


def _from_unit(unit, value_range):
    low, high = value_range
    dtype = unit.dtype.type
    return unit * dtype(high - low) + dtype(low)


def _per_sample(values, images):
    """Magnitudes of shape (k,) as (k, 1, 1, 1) in the block's dtype."""
    return np.asarray(values, dtype=images.dtype).reshape(-1, 1, 1, 1)


def _grey(images):
    """Luma of an RGB block as (k, H, W, 1); a grey block is its own luma."""
    if images.shape[-1] == 1:
        return images.copy()
    weights = np.asarray(GREY_WEIGHTS, dtype=images.dtype)
    return (images @ weights)[..., np.newaxis]


def _per_channel(images, reduce):
    """``reduce`` over the pixels of each channel of each image, as (k, 1, 1, C)
    (on a channels-first copy: numpy reduces interleaved channels ten times
    slower)."""
    k, channels = images.shape[0], images.shape[-1]
    planes = np.ascontiguousarray(np.moveaxis(images, -1, 1)).reshape(
        k, channels, -1)
    return reduce(planes, axis=2)[:, np.newaxis, np.newaxis, :]


def _clip(images, value_range):
    low, high = value_range
    return np.clip(images, low, high, out=images)


def channel_groups(channels):
    """OpenCV interpolates 1, 3 or 4 channels exactly; other counts go in groups."""
    if channels in (1, 3, 4):
        return [slice(0, channels)]
    groups, start = [], 0
    while channels - start >= 4:
        groups.append(slice(start, start + 4))
        start += 4
    if channels - start == 3:
        groups.append(slice(start, start + 3))
    else:
        groups.extend(slice(c, c + 1) for c in range(start, channels))
    return groups


# Geometry ----------------------------------------------------------------------

_BORDERS = {"reflect": cv2.BORDER_REFLECT, "mirror": cv2.BORDER_REFLECT_101,
            "wrap": cv2.BORDER_WRAP, "nearest": cv2.BORDER_REPLICATE,
            "constant": cv2.BORDER_CONSTANT}


def remap(image, map_x, map_y, *, order, fill_mode, fill_value=0.0):
    """Read ``image`` (H, W, C) at float positions, with OpenCV's ``remap``.

    Parameters
    ----------
    image : ndarray of shape (H, W, C)
        Read as float32 (OpenCV interpolates float32 with exact weights).
    map_x, map_y : ndarray of shape (H, W), float32
        Source column and row of every output pixel.
    order : {0, 1}
        Nearest (round to nearest, ties to even) or bilinear.
    fill_mode : {"reflect", "mirror", "wrap", "nearest", "constant"}
        Outside the image: ``d c b a | a b c d``, ``d c b | a b c d``,
        ``a b c d | a b c d``, ``a a | a b c d``, or ``fill_value`` blended over
        the half pixel outside (scipy's ``"grid-constant"``, which Keras'
        padding and torchvision's fill mask both amount to).
    fill_value : float or sequence of float
        Per channel or for all; only with ``fill_mode="constant"``.
    """
    image = np.asarray(image, dtype=np.float32)
    height, width, channels = image.shape
    fill = np.broadcast_to(np.asarray(fill_value, dtype=float), (channels,))
    interpolation = cv2.INTER_NEAREST if order == 0 else cv2.INTER_LINEAR
    out = np.empty_like(image)
    for group in channel_groups(channels):
        part = np.ascontiguousarray(image[..., group])
        count = part.shape[-1]
        border = tuple(fill[group]) + (0.0,) * (4 - count)
        result = cv2.remap(part[..., 0] if count == 1 else part, map_x, map_y,
                           interpolation, borderMode=_BORDERS[fill_mode],
                           borderValue=border)
        out[..., group] = result.reshape(height, width, count)
    return out


def affine_warp(images, maps, *, order, fill_mode, fill_value=0.0):
    """Warp every sample by its inverse map (see :func:`remap`).

    Parameters
    ----------
    images : ndarray of shape (k, H, W, C), float
    maps : ndarray of shape (k, 2, 3)
        From output pixel to source position, (x=column, y=row) order.
        Bilinear warps are OpenCV's ``warpAffine`` on float32; nearest ones
        compute the positions in float64 and read them with ``remap`` (nearest
        ``warpAffine`` rounds positions to 1/1024 pixel first, enough to pick
        another pixel than torchvision's ``grid_sample`` does).
    order, fill_mode, fill_value
        As in :func:`remap`.
    """
    height, width, channels = images.shape[1:]
    maps = np.asarray(maps, dtype=np.float64)
    out = np.empty_like(images)
    if order == 1:  # float32 bilinear warps read exact positions
        fill = np.broadcast_to(np.asarray(fill_value, dtype=float), (channels,))
        for i, m in enumerate(maps):
            source = np.asarray(images[i], dtype=np.float32)
            for group in channel_groups(channels):
                part = np.ascontiguousarray(source[..., group])
                count = part.shape[-1]
                border = tuple(fill[group]) + (0.0,) * (4 - count)
                result = cv2.warpAffine(
                    part[..., 0] if count == 1 else part, m, (width, height),
                    flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                    borderMode=_BORDERS[fill_mode], borderValue=border)
                out[i, ..., group] = result.reshape(height, width, count)
        return out
    rows, columns = np.mgrid[0:height, 0:width].astype(np.float64)
    for i, m in enumerate(maps):
        map_x = (m[0, 0] * columns + m[0, 1] * rows + m[0, 2]).astype(np.float32)
        map_y = (m[1, 0] * columns + m[1, 1] * rows + m[1, 2]).astype(np.float32)
        out[i] = remap(images[i], map_x, map_y, order=order, fill_mode=fill_mode,
                       fill_value=fill_value)
    return out


def _maps(a0, a1, a2, b0, b1, b2):
    a0, a1, a2, b0, b1, b2 = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (a0, a1, a2, b0, b1, b2)))
    return np.stack([np.stack([a0, a1, a2], -1), np.stack([b0, b1, b2], -1)], 1)


def rotation_maps(angle, height, width):
    """Turn by ``angle`` degrees about the image centre ((H-1)/2, (W-1)/2),
    counter-clockwise as displayed: Keras' ``RandomRotation`` matrix and
    torchvision's ``rotate`` (which negates its angle for the same result)."""
    theta = np.deg2rad(np.asarray(angle, dtype=np.float64))
    cos, sin = np.cos(theta), np.sin(theta)
    cx, cy = 0.5 * (width - 1), 0.5 * (height - 1)
    return _maps(cos, -sin, cx - cx * cos + cy * sin,
                 sin, cos, cy - cx * sin - cy * cos)


def translation_maps(tx, ty):
    """Content moves by ``tx`` columns and ``ty`` rows (Keras'
    ``RandomTranslation`` matrix ``[1, 0, -tx, 0, 1, -ty]``)."""
    tx, ty = np.asarray(tx, dtype=np.float64), np.asarray(ty, dtype=np.float64)
    return _maps(1.0, 0.0, -tx, 0.0, 1.0, -ty)


def keras_shear_maps(shear_x, shear_y):
    """Keras' ``RandomShear``: the source of pixel (x, y) is
    ``(x + shear_x * y, shear_y * x + y)``, about the top-left pixel."""
    shear_x = np.asarray(shear_x, dtype=np.float64)
    return _maps(1.0, shear_x, 0.0, shear_y, 1.0, 0.0)


def tv_shear_maps(shear, axis):
    """torchvision's ``ShearX`` / ``ShearY`` of ``TrivialAugmentWide``:
    ``affine(shear=degrees(atan(m)), center=[0, 0])``, which shears about the
    top-left *corner* of the image, so the source of (x, y) is
    ``(x + m * (y + 0.5), y)`` for ``axis="x"``."""
    m = np.asarray(shear, dtype=np.float64)
    if axis == "x":
        return _maps(1.0, m, 0.5 * m, 0.0, 1.0, 0.0)
    return _maps(1.0, 0.0, 0.0, m, 1.0, 0.5 * m)


# Keras 3's colour layers ---------------------------------------------------------

def keras_brightness(images, delta, value_range):
    """``RandomBrightness``: add ``delta`` times the range's width, clip."""
    low, high = value_range
    out = images + _per_sample(delta, images) * images.dtype.type(high - low)
    return _clip(out, value_range)


def keras_color_degeneration(images, factor, value_range):
    """``RandomColorDegeneration``: move towards the grey image by ``factor``."""
    out = _grey(images) - images
    out *= _per_sample(factor, images)
    out += images
    return _clip(out, value_range)


def keras_contrast(images, factor, value_range):
    """``RandomContrast``: scale each channel about its own mean by ``factor``."""
    mean = _per_channel(images, np.mean)
    out = images - mean
    out *= _per_sample(factor, images)
    out += mean
    return _clip(out, value_range)


_SMOOTH = np.array([[1, 1, 1], [1, 5, 1], [1, 1, 1]], dtype=np.float64) / 13.0


def _smoothed(images):
    """PIL's SMOOTH filter on the interior; border pixels keep their value (PIL
    and torchvision), where Keras' zero-padded convolution darkens them."""
    out = images.copy()
    if images.shape[1] <= 2 or images.shape[2] <= 2:
        return out
    kernel = _SMOOTH.astype(images.dtype)
    for i in range(len(images)):
        for group in channel_groups(images.shape[-1]):
            part = np.ascontiguousarray(images[i][..., group])
            count = part.shape[-1]
            result = cv2.filter2D(part[..., 0] if count == 1 else part, -1, kernel,
                                  borderType=cv2.BORDER_REPLICATE)
            result = result.reshape(part.shape)
            out[i, 1:-1, 1:-1, group] = result[1:-1, 1:-1]
    return out


def keras_sharpness(images, factor, value_range):
    """``RandomSharpness``: ``x + (1 - 2 factor) (smooth(x) - x)``; below 1/2 it
    blurs, above it sharpens. The image's outermost pixels are left as they are
    (see ``_smoothed``): Keras' zero padding would darken them."""
    strength = 1.0 - 2.0 * _per_sample(factor, images)
    out = images + strength * (_smoothed(images) - images)
    return _clip(out, value_range)


def _to_255(images, value_range):
    """Keras' ``_transform_value_range`` to (0, 255), in the block's dtype."""
    if tuple(value_range) == (0.0, 255.0):
        return images.copy()
    return _unit(images, value_range) * images.dtype.type(255)


def _from_255(images, value_range):
    if tuple(value_range) == (0.0, 255.0):
        return images
    return _from_unit(images / images.dtype.type(255), value_range)


def keras_posterization(images, bits, value_range):
    """``RandomPosterization``: keep ``bits`` high bits of each value read as
    uint8 in 0..255 (truncated, as Keras' cast does)."""
    # floor(levels / 2**shift) * 2**shift is the bit shift, exact in floats.
    step = np.exp2(8 - _per_sample(bits, images))
    levels = np.clip(_to_255(images, value_range), 0, 255)
    np.floor(levels, out=levels)  # the cast to uint8 truncates
    levels /= step
    np.floor(levels, out=levels)
    levels *= step
    return _from_255(levels, value_range)


def keras_solarization(images, addition, threshold, value_range):
    """``Solarization``: in 0..255 units, add ``addition``, clip, and invert the
    values at or above ``threshold``."""
    scaled = _to_255(images, value_range)
    scaled += _per_sample(addition, images)
    np.clip(scaled, 0, 255, out=scaled)
    above = scaled >= _per_sample(threshold, images)
    np.subtract(images.dtype.type(255), scaled, out=scaled, where=above)
    return _from_255(scaled, value_range)


def keras_auto_contrast(images, value_range):
    """``AutoContrast``: stretch each channel of each image to the full range; a
    constant channel is left as it is."""
    natural = tuple(value_range) == (0.0, 255.0)
    scaled = images if natural else _to_255(images, value_range)
    low, high = _per_channel(scaled, np.min), _per_channel(scaled, np.max)
    flat = high == low
    scale = images.dtype.type(255) / np.where(flat, 1, high - low)
    stretched = scaled * scale
    stretched += -low * scale
    np.clip(stretched, 0, 255, out=stretched)
    stretched = _from_255(stretched, value_range)
    return np.where(flat, images, stretched) if flat.any() else stretched


def keras_equalization(images, value_range, bins=256):
    """``Equalization`` of each channel of each image on its own.

    Keras pools the histogram over the whole batch (an image's result depends
    on its neighbours); here it is per image, as PIL and torchvision do, with
    Keras' look-up table ``round((cdf - cdf_min) 255 / (n - cdf_min))``.
    """
    dtype = images.dtype.type
    scaled = _to_255(images, value_range)
    n_bins = int(bins)
    hist_index = np.clip((scaled * dtype(n_bins - 1) / dtype(255)).astype(np.int32),
                         0, n_bins - 1)
    lut_index = np.clip(scaled / dtype(255.0) * dtype(n_bins - 1), 0,
                        n_bins - 1).astype(np.int32)
    k, height, width, channels = images.shape
    offsets = (np.arange(channels, dtype=np.int32) * n_bins)
    out = np.empty_like(scaled)
    for i in range(k):
        hist = np.bincount((hist_index[i] + offsets).ravel(),
                           minlength=n_bins * channels).reshape(channels, n_bins)
        cdf = np.cumsum(hist, axis=1)
        cdf_min = cdf[np.arange(channels), np.argmax(cdf > 0, axis=1)][:, None]
        denominator = cdf[:, -1:] - cdf_min
        lut = (cdf - cdf_min) * 255 / np.where(denominator == 0, 1, denominator)
        lut = np.clip(np.round(lut), 0, 255).astype(images.dtype)
        # A channel of one value is left as it is.
        single = np.count_nonzero(hist, axis=1) <= 1
        equalized = lut.ravel()[lut_index[i] + offsets]
        out[i] = np.where(single, scaled[i], equalized) if single.any() else \
            equalized
    return _from_255(out, value_range)


# torchvision v2's functional definitions ---------------------------------------
# torchvision reads floats in [0, 1] and integers in [0, 255]: here both are the
# unit interval of ``value_range``. For integer images torchvision truncates the
# results of its blends when it casts back; the engine rounds, so integer
# results may be one grey level above torchvision's.

def tv_brightness(images, factor, value_range):
    """``adjust_brightness``: multiply by ``factor`` (from the range's low end)."""
    unit = _unit(images, value_range) * _per_sample(factor, images)
    return _from_unit(np.clip(unit, 0, 1, out=unit), value_range)


def _tv_blend(unit, other, factor):
    out = unit * factor + other * (1 - factor)
    return np.clip(out, 0, 1, out=out)


def tv_saturation(images, factor, value_range, *, integer=False):
    """``adjust_saturation``: blend with the grey image (floored for integer
    images); a grey image is left as it is."""
    if images.shape[-1] == 1:
        return images.copy()
    unit = _unit(images, value_range)
    grey = _grey(unit)
    if integer:
        grey = np.floor(grey * 255) / 255
    return _from_unit(_tv_blend(unit, grey, _per_sample(factor, images)),
                      value_range)


def tv_contrast(images, factor, value_range, *, integer=False):
    """``adjust_contrast``: blend with the mean of the grey image."""
    unit = _unit(images, value_range)
    grey = _grey(unit)
    if integer and images.shape[-1] == 3:
        grey = np.floor(grey * 255) / 255
    mean = grey.mean(axis=(1, 2, 3), keepdims=True)
    return _from_unit(_tv_blend(unit, mean, _per_sample(factor, images)),
                      value_range)


def tv_sharpness(images, factor, value_range, *, integer=False):
    """``adjust_sharpness``: blend with the SMOOTH-filtered interior (rounded for
    integer images); the outermost pixels are kept."""
    unit = _unit(images, value_range)
    smooth = _smoothed(unit)
    if integer:
        smooth = np.round(smooth * 255) / 255
    return _from_unit(_tv_blend(unit, smooth, _per_sample(factor, images)),
                      value_range)


def tv_posterize(images, bits, value_range, *, integer=False):
    """``posterize``: integer images keep their ``bits`` high bits; float images
    become ``floor(x 2**bits) / 2**bits``, as torchvision defines both."""
    bits = np.asarray(bits, dtype=np.int64).reshape(-1, 1, 1, 1)
    unit = _unit(images, value_range)
    if integer:
        levels = np.clip(np.rint(unit * 255), 0, 255).astype(np.int64)
        shift = 8 - bits
        posterized = ((levels >> shift) << shift).astype(images.dtype) / 255
    else:
        scale = (1 << bits).astype(images.dtype)
        posterized = np.clip(np.floor(unit * scale), 0, scale - 1) / scale
    return _from_unit(posterized.astype(images.dtype), value_range)


def tv_solarize(images, threshold, value_range):
    """``solarize``: invert values at or above ``threshold`` (a fraction of the
    range, torchvision's ``bound * magnitude``, compared in the data's units as
    torchvision compares)."""
    low, high = value_range
    cut = low + np.asarray(threshold, dtype=np.float64).reshape(-1, 1, 1, 1) * (
        high - low)
    inverted = images.dtype.type(high + low) - images
    return np.where(images >= cut, inverted, images)


def tv_autocontrast(images, value_range):
    """``autocontrast``: stretch each channel to the full range; constant
    channels are kept."""
    unit = _unit(images, value_range)
    low, high = _per_channel(unit, np.min), _per_channel(unit, np.max)
    flat = high == low
    low = np.where(flat, 0, low)
    scale = np.where(flat, 1, high - low)
    return _from_unit(np.clip((unit - low) / scale, 0, 1), value_range)


def tv_equalize(images, value_range):
    """``equalize``: PIL's histogram equalisation of each channel of each image,
    on the values quantised to uint8 (``floor(x * 255.999)``) as torchvision
    does for floats."""
    unit = _unit(images, value_range)
    levels = np.clip(unit * 255.999, 0, 255).astype(np.int64)
    out = unit.copy()
    k, _, _, channels = images.shape
    n_pixels = images.shape[1] * images.shape[2]
    for i in range(k):
        for c in range(channels):
            flat = levels[i, ..., c].ravel()
            hist = np.bincount(flat, minlength=256)
            last = hist[np.flatnonzero(hist)[-1]]
            step = (n_pixels - last) // 255
            if step == 0:  # torchvision returns the quantised image
                out[i, ..., c] = (flat / 255).reshape(out.shape[1:3])
                continue
            lut = np.empty(256, dtype=np.int64)
            lut[0] = 0
            lut[1:] = np.clip((np.cumsum(hist)[:-1] + step // 2) // step, 0, 255)
            out[i, ..., c] = (lut[flat] / 255).reshape(out.shape[1:3])
    return _from_unit(out.astype(images.dtype), value_range)
