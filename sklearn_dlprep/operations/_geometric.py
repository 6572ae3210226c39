"""Geometric operations: each contributes an inverse map per sample (affine, or a
homography for the perspective); consecutive ones are fused into one warp by the
engine, so a sample is interpolated once.

Conventions, shared with Keras 3's layers (``keras.ops.image.affine_transform``):
maps go from an output pixel to the source position it reads, in (x=column,
y=row) order, pixel centres at integer positions, and the centre of a sample is
``((W - 1) / 2, (H - 1) / 2)``. Keras 3's ``"constant"`` fill blends the edge
pixel with ``fill_value`` over the one-pixel band beyond the edge (as OpenCV and
torchvision do); the engine calls that mode ``"grid-constant"`` (scipy's name).
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers

import numpy as np

from ..utils._param_validation import interval, options, pair_of, sequence_of
from ._base import PROBABILITY, Operation

_FLIP_MODES = ("horizontal", "vertical", "horizontal_and_vertical")
_FILL_MODES = ("reflect", "wrap", "constant", "nearest")
_ORDERS = {"bilinear": 1, "nearest": 0}
# Keras 3's fill modes as the engine's kernel modes.
_KERNEL_MODES = {"reflect": "reflect", "wrap": "wrap", "constant": "grid-constant",
                 "nearest": "nearest", "mirror": "mirror"}
_WARP_CONSTRAINTS = {
    "fill_mode": [options(*_FILL_MODES)],
    "interpolation": [options(*_ORDERS)],
    "fill_value": [interval(numbers.Real)],
    "p": [PROBABILITY],
}


def _bounds(factor):
    """Keras' factor: a number ``f`` is ``[-|f|, |f|]``, a pair is that interval."""
    if isinstance(factor, numbers.Real):
        return -abs(float(factor)), abs(float(factor))
    return float(factor[0]), float(factor[1])


def _uniform(rng, bounds, size):
    """One uniform draw per sample in ``bounds`` (the stream does not depend on
    the bounds: ``rng.random`` is scaled)."""
    low, high = bounds
    return low + (high - low) * rng.random(size)


def _maps(n):
    maps = np.zeros((n, 2, 3))
    maps[:, 0, 0] = maps[:, 1, 1] = 1.0
    return maps


def _about_centre(maps, context):
    """Set the offsets of linear maps so that they act about the sample's centre:
    ``src = L (p - c) + c``."""
    cx, cy = (context.width - 1) / 2.0, (context.height - 1) / 2.0
    maps[:, 0, 2] = cx - maps[:, 0, 0] * cx - maps[:, 0, 1] * cy
    maps[:, 1, 2] = cy - maps[:, 1, 0] * cx - maps[:, 1, 1] * cy
    return maps


def _window_maps(top, left, height, width, context):
    """Maps that resize the window ``(top, left, height, width)`` to the sample's
    size, pixel centres on pixel centres (half-pixel convention of ``cv2.resize``,
    ``torch.nn.functional.interpolate`` and ``keras.ops.image.resize``)."""
    maps = np.zeros((len(top), 2, 3))
    scale_x = np.asarray(width, dtype=np.float64) / context.width
    scale_y = np.asarray(height, dtype=np.float64) / context.height
    maps[:, 0, 0], maps[:, 1, 1] = scale_x, scale_y
    maps[:, 0, 2] = left + 0.5 * scale_x - 0.5
    maps[:, 1, 2] = top + 0.5 * scale_y - 0.5
    return maps


class _Warp(Operation):
    """A geometric operation with Keras 3's ``fill_mode``, ``fill_value`` and
    ``interpolation``: only operations with the same settings fuse."""

    kind = "geometric"

    @property
    def warp_settings(self):
        """``(fill_mode, cval, order)`` of the engine's kernel."""
        return (_KERNEL_MODES.get(self.fill_mode, self.fill_mode),
                float(self.fill_value), _ORDERS.get(self.interpolation, 1))


_FILL_DOC = """\
    fill_mode : {"reflect", "wrap", "constant", "nearest"}, default=%s
        How points outside the sample are read: ``"reflect"`` (d c b a | a b c
        d | d c b a), ``"wrap"`` (a b c d | a b c d | a b c d), ``"constant"``
        (``fill_value``; the one-pixel band past the edge blends the edge pixel
        with it, as in Keras 3, OpenCV and torchvision) or ``"nearest"`` (a a a
        a | a b c d | d d d d)."""


class RandomFlip(Operation):
    """Flip samples left-right and/or upside down, each with probability 1/2.

    Keras 3's ``RandomFlip``. As there, ``"horizontal_and_vertical"`` makes one
    draw per sample and flips both axes together (half the samples turn by 180
    degrees). A flip is an exact copy: it costs nothing inside a fused warp.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    mode : {"horizontal", "vertical", "horizontal_and_vertical"}, \
            default="horizontal_and_vertical"
        Which axes to flip. A 1-D signal can only be flipped ``"horizontal"``
        (time reversal).

    p : float, default=1.0
        Probability that the operation acts on a sample (before its own draw).

    See Also
    --------
    Compose : Apply a list of operations.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomFlip
    >>> X = np.arange(6.0).reshape(1, 2, 3)
    >>> flip = Compose([("flip", RandomFlip("horizontal"))], sample_shape=(2, 3))
    >>> flip.apply_params(X, {"flip__applied": [True], "flip__flip": [True]})[0]
    array([[2., 1., 0.],
           [5., 4., 3.]])
    """

    kind = "geometric"
    _parameter_constraints: dict = {"mode": [options(*_FLIP_MODES)],
                                    "p": [PROBABILITY]}

    def __init__(self, mode="horizontal_and_vertical", *, p=1.0):
        self.mode = mode
        self.p = p

    def resolve(self, layout, dtype, step):
        context = super().resolve(layout, dtype, step)
        if self.mode != "horizontal" and context.spatial_ndim == 1:
            raise ValueError(
                f"Step {step!r} (RandomFlip(mode={self.mode!r})) flips vertically, "
                f"but samples of shape {layout.sample_shape} are 1-D signals. Pass "
                "mode='horizontal' (time reversal), or sample_shape=(H, W) if they "
                "are images."
            )
        return context

    def draw(self, n_samples, rng, context):
        # Keras: flip where a uniform draw is <= 0.5.
        return {"flip": rng.random(n_samples) <= 0.5}

    def inverse_maps(self, draws, context):
        flip = np.asarray(draws["flip"], dtype=bool)
        maps = _maps(len(flip))
        if self.mode in ("horizontal", "horizontal_and_vertical"):
            maps[flip, 0, 0] = -1.0
            maps[flip, 0, 2] = context.width - 1
        if self.mode in ("vertical", "horizontal_and_vertical"):
            maps[flip, 1, 1] = -1.0
            maps[flip, 1, 2] = context.height - 1
        return maps


class RandomRotation(_Warp):
    """Rotate samples by a random angle about their centre.

    Keras 3's ``RandomRotation``: the angle is drawn uniformly in ``factor``
    turns; positive angles turn counter-clockwise. The centre is the true
    centre ``((W - 1) / 2, (H - 1) / 2)`` of any shape.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    factor : float or (float, float)
        Fractions of a full turn, in [-1, 1]. A number ``f`` draws the angle in
        ``[-f * 360, f * 360]`` degrees, a pair ``(lo, hi)`` in
        ``[lo * 360, hi * 360]``.

%(fill)s

    interpolation : {"bilinear", "nearest"}, default="bilinear"
        Interpolation of the warp (``"nearest"`` keeps the values of a mask).

    fill_value : float, default=0.0
        The value read outside the sample when ``fill_mode="constant"``.

    p : float, default=1.0
        Probability that the operation acts on a sample (before its own draw).

    See Also
    --------
    Compose : Apply a list of operations.
    RandomShear : Shear samples.

    Notes
    -----
    Draw key ``angle`` (degrees), as in Keras' transformation. Consecutive
    geometric operations with the same ``fill_mode``, ``fill_value`` and
    ``interpolation`` (and flips) are fused into one warp. Samples must be
    images: a 1-D signal cannot rotate.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomRotation
    >>> X = np.arange(9.0).reshape(1, 3, 3)
    >>> rotate = Compose([("rotate", RandomRotation(0.25))], sample_shape=(3, 3))
    >>> rotate.apply_params(X, {"rotate__applied": [True],
    ...                         "rotate__angle": [90.0]})[0].round(6)
    array([[2., 5., 8.],
           [1., 4., 7.],
           [0., 3., 6.]])
    """

    _requires = ("image",)
    _parameter_constraints: dict = {
        "factor": [interval(numbers.Real, -1, 1), pair_of(numbers.Real, -1, 1)],
        **_WARP_CONSTRAINTS,
    }

    def __init__(self, factor, *, fill_mode="reflect", interpolation="bilinear",
                 fill_value=0.0, p=1.0):
        self.factor = factor
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value
        self.p = p

    def draw(self, n_samples, rng, context):
        low, high = _bounds(self.factor)
        return {"angle": _uniform(rng, (low * 360.0, high * 360.0), n_samples)}

    def inverse_maps(self, draws, context):
        angle = np.deg2rad(np.asarray(draws["angle"], dtype=np.float64))
        cos, sin = np.cos(angle), np.sin(angle)
        maps = _maps(len(angle))
        maps[:, 0, 0], maps[:, 0, 1] = cos, -sin
        maps[:, 1, 0], maps[:, 1, 1] = sin, cos
        return _about_centre(maps, context)


class RandomTranslation(_Warp):
    """Shift samples by a random fraction of their height and width.

    Keras 3's ``RandomTranslation``: the shifts are drawn uniformly, as
    fractions of the height and of the width; positive values move the content
    down and right.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    height_factor : float or (float, float)
        In [-1, 1]. A number ``f`` draws the vertical shift in ``[-f, f]`` times
        the height, a pair in that interval. Must be 0 for 1-D signals.

    width_factor : float or (float, float)
        In [-1, 1]: the horizontal shift (along time for a signal), as a
        fraction of the width.

%(fill)s

    interpolation : {"bilinear", "nearest"}, default="bilinear"
        Interpolation of the warp (``"nearest"`` keeps the values of a mask).

    fill_value : float, default=0.0
        The value read outside the sample when ``fill_mode="constant"``.

    p : float, default=1.0
        Probability that the operation acts on a sample (before its own draw).

    See Also
    --------
    Compose : Apply a list of operations.
    RandomCrop : Whole-pixel shifts with padding (torchvision's recipe).

    Notes
    -----
    Draw keys ``dy`` and ``dx``: the shifts in pixels (Keras'
    ``translations``), drawn in that order; output pixel ``(x, y)`` reads the
    input at ``(x - dx, y - dy)``. The two are independent (Keras'
    ``get_random_transformation(..., seed=int)`` draws both from the same seed,
    so they are equal fractions of the sides: a bug not copied).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomTranslation
    >>> X = np.arange(5.0).reshape(1, 5)
    >>> shift = Compose([("shift", RandomTranslation(0.0, 0.4, fill_mode="nearest"))])
    >>> shift.apply_params(X, {"shift__applied": [True], "shift__dy": [0.0],
    ...                        "shift__dx": [2.0]})[0]
    array([0., 0., 0., 1., 2.])
    """

    _parameter_constraints: dict = {
        "height_factor": [interval(numbers.Real, -1, 1),
                          pair_of(numbers.Real, -1, 1)],
        "width_factor": [interval(numbers.Real, -1, 1),
                         pair_of(numbers.Real, -1, 1)],
        **_WARP_CONSTRAINTS,
    }

    def __init__(self, height_factor, width_factor, *, fill_mode="reflect",
                 interpolation="bilinear", fill_value=0.0, p=1.0):
        self.height_factor = height_factor
        self.width_factor = width_factor
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value
        self.p = p

    def resolve(self, layout, dtype, step):
        context = super().resolve(layout, dtype, step)
        if context.spatial_ndim == 1 and _bounds(self.height_factor) != (0.0, 0.0):
            raise ValueError(
                f"Step {step!r} (RandomTranslation) shifts vertically "
                f"(height_factor={self.height_factor!r}), but samples of shape "
                f"{layout.sample_shape} are 1-D signals. Pass height_factor=0 to "
                "shift along time only, or sample_shape=(H, W) if they are images."
            )
        return context

    def draw(self, n_samples, rng, context):
        # Keras draws the height's shift first.
        dy = _uniform(rng, _bounds(self.height_factor), n_samples) * context.height
        dx = _uniform(rng, _bounds(self.width_factor), n_samples) * context.width
        return {"dy": dy, "dx": dx}

    def inverse_maps(self, draws, context):
        maps = _maps(len(draws["dx"]))
        maps[:, 0, 2] = -np.asarray(draws["dx"], dtype=np.float64)
        maps[:, 1, 2] = -np.asarray(draws["dy"], dtype=np.float64)
        return maps


class RandomZoom(_Warp):
    """Zoom samples in or out by a random factor about their centre.

    Keras 3's ``RandomZoom``: a positive factor zooms out (the content shrinks),
    a negative one zooms in. Without ``width_factor`` one draw zooms both axes
    alike, keeping the aspect ratio.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    height_factor : float or (float, float)
        In (-1, 1]. A number ``f`` draws the vertical zoom in ``[1 - f, 1 + f]``,
        a pair ``(lo, hi)`` in ``[1 + lo, 1 + hi]``. On a 1-D signal without
        ``width_factor`` it zooms along time.

    width_factor : float or (float, float) or None, default=None
        The horizontal zoom, as ``height_factor``; ``None`` zooms both axes by
        the vertical draw.

%(fill)s

    interpolation : {"bilinear", "nearest"}, default="bilinear"
        Interpolation of the warp (``"nearest"`` keeps the values of a mask).

    fill_value : float, default=0.0
        The value read outside the sample when ``fill_mode="constant"``.

    p : float, default=1.0
        Probability that the operation acts on a sample (before its own draw).

    See Also
    --------
    Compose : Apply a list of operations.
    RandomResizedCrop : Zoom into a random window (torchvision's recipe).

    Notes
    -----
    Draw keys ``height_zoom`` and ``width_zoom`` as in Keras' transformation:
    output pixel ``(x, y)`` reads the input at ``c + zoom * ((x, y) - c)``, ``c``
    the centre. Both are always drawn, so the random stream does not depend on
    ``width_factor``; with ``width_factor`` they are independent (Keras'
    ``get_random_transformation(..., seed=int)`` draws both from the same seed,
    a bug not copied).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomZoom
    >>> X = np.arange(5.0).reshape(1, 5)
    >>> zoom = Compose([("zoom", RandomZoom(0.5))])
    >>> zoom.apply_params(X, {"zoom__applied": [True], "zoom__height_zoom": [0.5],
    ...                       "zoom__width_zoom": [0.5]})[0]
    array([1. , 1.5, 2. , 2.5, 3. ])
    """

    _parameter_constraints: dict = {
        "height_factor": [interval(numbers.Real, -1, 1, closed="right"),
                          pair_of(numbers.Real, -1, 1, closed="right")],
        "width_factor": [None, interval(numbers.Real, -1, 1, closed="right"),
                         pair_of(numbers.Real, -1, 1, closed="right")],
        **_WARP_CONSTRAINTS,
    }

    def __init__(self, height_factor, width_factor=None, *, fill_mode="reflect",
                 interpolation="bilinear", fill_value=0.0, p=1.0):
        self.height_factor = height_factor
        self.width_factor = width_factor
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value
        self.p = p

    def resolve(self, layout, dtype, step):
        context = super().resolve(layout, dtype, step)
        if (context.spatial_ndim == 1 and self.width_factor is not None
                and _bounds(self.height_factor) != (0.0, 0.0)):
            raise ValueError(
                f"Step {step!r} (RandomZoom) zooms vertically (height_factor="
                f"{self.height_factor!r}) and along time (width_factor="
                f"{self.width_factor!r}), but samples of shape "
                f"{layout.sample_shape} are 1-D signals. Pass height_factor=0, or "
                "width_factor=None to zoom along time by height_factor."
            )
        return context

    def draw(self, n_samples, rng, context):
        low, high = _bounds(self.height_factor)
        height_zoom = 1.0 + _uniform(rng, (low, high), n_samples)
        width_bounds = (0.0, 0.0) if self.width_factor is None else _bounds(
            self.width_factor)
        width_zoom = 1.0 + _uniform(rng, width_bounds, n_samples)
        if self.width_factor is None:
            width_zoom = height_zoom.copy()
        return {"height_zoom": height_zoom, "width_zoom": width_zoom}

    def inverse_maps(self, draws, context):
        maps = _maps(len(draws["width_zoom"]))
        maps[:, 0, 0] = np.asarray(draws["width_zoom"], dtype=np.float64)
        maps[:, 1, 1] = np.asarray(draws["height_zoom"], dtype=np.float64)
        return _about_centre(maps, context)


class RandomShear(_Warp):
    """Shear samples by random factors along x and y.

    Keras 3's ``RandomShear``: output pixel ``(x, y)`` reads the input at
    ``(x + shear_x * y, y + shear_y * x)``, so the top-left corner stays and
    the far rows (columns) move by up to ``x_factor`` (``y_factor``) times the
    height (width), to either side.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    x_factor : float or (float, float), default=0.0
        In [0, 1]. A number ``f`` draws ``shear_x`` in ``[-f, f]``; a pair
        ``(lo, hi)`` draws its magnitude in ``[lo, hi]``, with a random sign.

    y_factor : float or (float, float), default=0.0
        The same for ``shear_y``. Both shears take the same random sign.

    interpolation : {"bilinear", "nearest"}, default="bilinear"
        Interpolation of the warp (``"nearest"`` keeps the values of a mask).

%(fill)s

    fill_value : float, default=0.0
        The value read outside the sample when ``fill_mode="constant"``.

    p : float, default=1.0
        Probability that the operation acts on a sample (before its own draw).

    See Also
    --------
    Compose : Apply a list of operations.
    RandomRotation : Rotate samples.

    Notes
    -----
    Draw keys ``shear_x`` and ``shear_y`` (Keras' ``shear_factor``, with its
    sign). As in Keras, PIL and the AutoAugment policies, the shear is about the
    top-left pixel, not the centre (torchvision's ``RandomAffine`` shears about
    the centre). Keras' docstring says a number ``f`` means ``(0, f)``; Keras'
    code, followed here, draws in ``[-f, f]``. Samples must be images.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomShear
    >>> X = np.tile(np.arange(4.0), (1, 3, 1))
    >>> shear = Compose([("shear", RandomShear(0.5, fill_mode="nearest"))],
    ...                 sample_shape=(3, 4))
    >>> shear.apply_params(X, {"shear__applied": [True], "shear__shear_x": [1.0],
    ...                        "shear__shear_y": [0.0]})[0]
    array([[0., 1., 2., 3.],
           [1., 2., 3., 3.],
           [2., 3., 3., 3.]])
    """

    _requires = ("image",)
    _parameter_constraints: dict = {
        "x_factor": [interval(numbers.Real, 0, 1), pair_of(numbers.Real, 0, 1)],
        "y_factor": [interval(numbers.Real, 0, 1), pair_of(numbers.Real, 0, 1)],
        **_WARP_CONSTRAINTS,
    }

    def __init__(self, x_factor=0.0, y_factor=0.0, *, interpolation="bilinear",
                 fill_mode="reflect", fill_value=0.0, p=1.0):
        self.x_factor = x_factor
        self.y_factor = y_factor
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.p = p

    def draw(self, n_samples, rng, context):
        # Keras' order: the common sign, then y, then x.
        sign = np.where(rng.random(n_samples) > 0.5, -1.0, 1.0)
        shear_y = _uniform(rng, _bounds(self.y_factor), n_samples)
        shear_x = _uniform(rng, _bounds(self.x_factor), n_samples)
        return {"shear_x": sign * shear_x, "shear_y": sign * shear_y}

    def inverse_maps(self, draws, context):
        maps = _maps(len(draws["shear_x"]))
        maps[:, 0, 1] = np.asarray(draws["shear_x"], dtype=np.float64)
        maps[:, 1, 0] = np.asarray(draws["shear_y"], dtype=np.float64)
        return maps


class RandomPerspective(_Warp):
    """Distort samples by moving their four corners at random (a homography).

    Keras 3's ``RandomPerspective``: each corner of the sample moves by up to
    ``scale / 2`` of the image's size along x and along y, and the output is
    the projective warp that takes the corners there. Its map is a homography,
    not an affine map; it still fuses with its neighbours into one warp.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    factor : float or (float, float), default=1.0
        In [0, 1]: the probability that a sample is distorted (on top of ``p``).
        A pair ``(lo, hi)`` draws that probability uniformly per sample.

    scale : float, default=1.0
        In [0, 1]: each corner moves by up to ``scale / 2`` times ``W - 1``
        along x and ``H - 1`` along y, to either side.

    interpolation : {"bilinear", "nearest"}, default="bilinear"
        Interpolation of the warp (``"nearest"`` keeps the values of a mask).

    fill_value : float, default=0.0
        The value read outside the sample when ``fill_mode="constant"``.

%(fill)s
        Keras' layer always fills with ``"constant"``; the other modes are an
        addition (a perspective fuses only with steps of the same mode).

    p : float, default=1.0
        Probability that the operation acts on a sample (before its own draw).

    See Also
    --------
    Compose : Apply a list of operations.

    Notes
    -----
    Draw keys ``perspective`` (whether ``factor`` lets the sample be distorted)
    and ``offsets`` of shape ``(n, 4, 2)``: the moves of the top-left,
    top-right, bottom-left and bottom-right corners, as fractions of
    ``(W - 1, H - 1)``. Samples must be images of at least 2x2 pixels. Up to
    ``scale=0.5`` the moved corners always form a convex quadrilateral; above,
    a draw may fold it, and part of the output then reads the sample through
    the horizon, as in Keras.

    Two Keras 3 bugs are not copied:

    - Keras multiplies each corner's offset by the corner's own coordinates,
      so the top-left corner never moves and the top-right and bottom-left ones
      move along one axis only. Here every corner moves along both axes, as
      Keras' docstring describes.
    - Keras' ``factor=1.0`` (its default) is documented to always distort, but
      draws the probability uniformly in ``[0, 1]``, so it distorts half the
      samples. Here a number is the probability itself.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomPerspective
    >>> X = np.arange(16.0).reshape(1, 4, 4)
    >>> tilt = Compose([("tilt", RandomPerspective(scale=0.5))], sample_shape=(4, 4))
    >>> offsets = np.zeros((1, 4, 2))
    >>> offsets[0, 0] = 0.25  # the top-left corner moves in, to (0.75, 0.75)
    >>> tilt.apply_params(X, {"tilt__applied": [True], "tilt__perspective": [True],
    ...                       "tilt__offsets": offsets})[0].round(2)
    array([[ 0.  ,  0.  ,  0.72,  3.  ],
           [ 0.  ,  3.  ,  6.  ,  8.14],
           [ 2.88,  9.  , 10.71, 12.  ],
           [12.  , 13.29, 14.25, 15.  ]])
    """

    _requires = ("image",)
    _parameter_constraints: dict = {
        "factor": [interval(numbers.Real, 0, 1), pair_of(numbers.Real, 0, 1)],
        "scale": [interval(numbers.Real, 0, 1)],
        **_WARP_CONSTRAINTS,
    }

    def __init__(self, factor=1.0, scale=1.0, *, interpolation="bilinear",
                 fill_value=0.0, fill_mode="constant", p=1.0):
        self.factor = factor
        self.scale = scale
        self.interpolation = interpolation
        self.fill_value = fill_value
        self.fill_mode = fill_mode
        self.p = p

    def resolve(self, layout, dtype, step):
        context = super().resolve(layout, dtype, step)
        if min(context.height, context.width) < 2:
            raise ValueError(
                f"Step {step!r} (RandomPerspective) moves the corners of images, "
                f"but samples of shape {layout.sample_shape} have a side of one "
                "pixel."
            )
        return context

    def draw(self, n_samples, rng, context):
        # Keras' order: the probability, the threshold, then the corners.
        if isinstance(self.factor, numbers.Real):
            probability = np.full(n_samples, float(self.factor))
            rng.random(n_samples)
        else:
            probability = _uniform(rng, _bounds(self.factor), n_samples)
        perspective = rng.random(n_samples) < probability
        half = 0.5 * float(self.scale)
        offsets = _uniform(rng, (-half, half), (n_samples, 4, 2))
        return {"perspective": perspective, "offsets": offsets}

    def inverse_maps(self, draws, context):
        perspective = np.asarray(draws["perspective"], dtype=bool)
        offsets = np.asarray(draws["offsets"], dtype=np.float64)
        maps = np.tile(np.eye(3), (len(perspective), 1, 1))
        if perspective.any():
            size = np.array([context.width - 1.0, context.height - 1.0])
            corners = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
            start = corners * size
            end = start + offsets[perspective] * size
            try:
                maps[perspective] = _homographies(end, np.broadcast_to(start,
                                                                        end.shape))
            except np.linalg.LinAlgError:
                raise ValueError(
                    f"Step {context.step!r} (RandomPerspective): offsets move the "
                    "corners of some samples onto a line; no perspective maps "
                    "them back."
                ) from None
        return maps


def _homographies(source, target):
    """The homographies mapping each of the 4 ``source`` points to its ``target``
    point, ``(n, 4, 2)`` each: the 8x8 linear system of the four
    correspondences, solved for the whole batch (``h33 = 1``)."""
    n = len(source)
    x, y = source[..., 0], source[..., 1]
    u, v = target[..., 0], target[..., 1]
    system = np.zeros((n, 8, 8))
    zeros, ones = np.zeros_like(x), np.ones_like(x)
    system[:, 0::2] = np.stack([x, y, ones, zeros, zeros, zeros, -u * x, -u * y],
                               axis=-1)
    system[:, 1::2] = np.stack([zeros, zeros, zeros, x, y, ones, -v * x, -v * y],
                               axis=-1)
    rhs = np.stack([u, v], axis=-1).reshape(n, 8, 1)
    solution = np.linalg.solve(system, rhs)[..., 0]
    return np.concatenate([solution, np.ones((n, 1))], axis=1).reshape(n, 3, 3)


def _padding(padding):
    """torchvision's ``padding`` as (left, right, top, bottom)."""
    if padding is None:
        return 0, 0, 0, 0
    if isinstance(padding, numbers.Integral):
        return (int(padding),) * 4
    if len(padding) == 2:
        return int(padding[0]), int(padding[0]), int(padding[1]), int(padding[1])
    left, top, right, bottom = (int(v) for v in padding)
    return left, right, top, bottom


class RandomCrop(_Warp):
    """Crop a random window, optionally from a padded sample, resized back to the
    sample's size.

    One operation for Keras 3's ``RandomCrop(height, width)`` and torchvision's
    ``RandomCrop(size, padding=..., fill=..., padding_mode=...)``: the sample is
    padded by ``padding`` (read through ``fill_mode``), a ``height`` x ``width``
    window is taken at a random whole-pixel position of the padded sample, and
    the window is resized to the sample's own size (an affine zoom and shift,
    fused with the neighbouring warps).

    - Keras' recipe, ``RandomCrop(24, 24)`` on 32x32 images: a random 24x24
      window, zoomed back to 32x32 (Keras returns the 24x24 window itself;
      every operation here keeps the sample's shape).
    - torchvision's CIFAR recipe, ``RandomCrop(padding=4)`` on 32x32 images
      (torchvision's ``RandomCrop(32, padding=4)``): the window has the
      sample's size, so the result is a random shift by a whole number of
      pixels in [-4, 4] along each axis, with zeros shifted in. No value is
      interpolated.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    height, width : int or None, default=None
        Size of the window, in pixels of the padded sample; ``None`` takes the
        sample's height (width). A signal's height must be ``None`` or 1.

    padding : int or tuple of int, default=None
        torchvision's padding: a number pads every side; ``(a, b)`` pads
        ``a`` left and right and ``b`` top and bottom; ``(left, top, right,
        bottom)`` each side. On a 1-D signal a number pads the start and the
        end; the vertical padding must be 0.

    fill_mode : {"constant", "reflect", "wrap", "nearest", "mirror"} or None, \
            default=None
        How the padding is read. ``None`` means ``"constant"`` when ``padding``
        is given (torchvision's default, with ``fill_value``) and ``"reflect"``
        otherwise (Keras 3's geometric default). torchvision's ``padding_mode``
        names: ``"constant"`` is ``"constant"``, ``"edge"`` is ``"nearest"``,
        ``"symmetric"`` is ``"reflect"`` and ``"reflect"`` is ``"mirror"``.

    fill_value : float, default=0.0
        torchvision's ``fill``: the padding's value with ``fill_mode="constant"``.

    interpolation : {"bilinear", "nearest"}, default="bilinear"
        How a window of another size than the sample's is resized.

    p : float, default=1.0
        Probability that the operation acts on a sample (before its own draw).

    See Also
    --------
    Compose : Apply a list of operations.
    RandomResizedCrop : A window of random area and aspect ratio.

    Notes
    -----
    Draw keys ``top`` and ``left``: the window's position in the padded sample,
    drawn uniformly among the whole-pixel positions. A resized window is read
    with the half-pixel convention of image resizing: where a window smaller
    than the sample lies inside it, the outermost half output pixel blends the
    window's edge with the pixel just outside it, where crop-then-resize
    repeats the window's edge.

    Keras 3's layer differs in two ways, bugs not copied: it crops every image
    of a batch at the same position, and when the image is as tall (wide) as
    the window it silently returns a fixed centre crop instead of a random one,
    along both axes. Here each sample gets its own position, and an axis
    without room simply does not move.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomCrop
    >>> X = np.arange(1.0, 6.0).reshape(1, 5)
    >>> crop = Compose([("crop", RandomCrop(padding=2))])
    >>> crop.apply_params(X, {"crop__applied": [True], "crop__top": [0],
    ...                       "crop__left": [0]})[0]
    array([0., 0., 1., 2., 3.])
    """

    _parameter_constraints: dict = {
        "height": [None, interval(numbers.Integral, 1)],
        "width": [None, interval(numbers.Integral, 1)],
        "padding": [None, interval(numbers.Integral, 0),
                    sequence_of(numbers.Integral, (2, 4), 0)],
        "fill_mode": [None, options(*_FILL_MODES, "mirror")],
        "fill_value": [interval(numbers.Real)],
        "interpolation": [options(*_ORDERS)],
        "p": [PROBABILITY],
    }

    def __init__(self, height=None, width=None, *, padding=None, fill_mode=None,
                 fill_value=0.0, interpolation="bilinear", p=1.0):
        self.height = height
        self.width = width
        self.padding = padding
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self.p = p

    @property
    def warp_settings(self):
        """``(fill_mode, cval, order)`` of the engine's kernel."""
        fill_mode = self.fill_mode
        if fill_mode is None:
            fill_mode = "reflect" if self.padding is None else "constant"
        return (_KERNEL_MODES.get(fill_mode, fill_mode), float(self.fill_value),
                _ORDERS.get(self.interpolation, 1))

    def resolve(self, layout, dtype, step):
        context = super().resolve(layout, dtype, step)
        left, right, top, bottom = _padding(self.padding)
        if context.spatial_ndim == 1:
            if isinstance(self.padding, numbers.Integral):
                top = bottom = 0
            if top or bottom or self.height not in (None, 1):
                raise ValueError(
                    f"Step {step!r} (RandomCrop) crops vertically (height="
                    f"{self.height!r}, padding={self.padding!r}), but samples of "
                    f"shape {layout.sample_shape} are 1-D signals. Pass height=None "
                    "and a padding along time only (a number, or (a, 0))."
                )
        for name, size, room in [
                ("height", self.height, context.height + top + bottom),
                ("width", self.width, context.width + left + right)]:
            if size is not None and size > room:
                raise ValueError(
                    f"Step {step!r} (RandomCrop): {name}={size} is larger than the "
                    f"padded sample's {name}, {room} (samples of shape "
                    f"{layout.sample_shape}, padding={self.padding!r}). Pass a "
                    f"smaller {name} or more padding."
                )
        return context

    def _window(self, context):
        left, right, top, bottom = _padding(self.padding)
        if context.spatial_ndim == 1:
            top = bottom = 0
        height = context.height if self.height is None else self.height
        width = context.width if self.width is None else self.width
        return height, width, left, right, top, bottom

    def draw(self, n_samples, rng, context):
        height, width, left, right, top, bottom = self._window(context)
        rows = context.height + top + bottom - height + 1
        columns = context.width + left + right - width + 1
        # Keras' order (top, then left), uniform among whole-pixel positions.
        top_draw = np.minimum(np.floor(rng.random(n_samples) * rows), rows - 1)
        left_draw = np.minimum(np.floor(rng.random(n_samples) * columns),
                               columns - 1)
        return {"top": top_draw.astype(np.intp), "left": left_draw.astype(np.intp)}

    def inverse_maps(self, draws, context):
        height, width, left, _, top, _ = self._window(context)
        top_draw = np.asarray(draws["top"], dtype=np.float64) - top
        left_draw = np.asarray(draws["left"], dtype=np.float64) - left
        return _window_maps(top_draw, left_draw, height, width, context)


class RandomResizedCrop(_Warp):
    """Crop a window of random area and aspect ratio, resized to the sample's size.

    torchvision's ``RandomResizedCrop`` (the ImageNet recipe), which Keras 3
    lacks: the window's area is drawn in ``scale`` times the sample's area and
    its aspect ratio (width / height) log-uniformly in ``ratio``; up to ten
    draws are tried until the window fits, then torchvision's central
    fallback. The window is resized back to the sample's own size, so there is
    no ``size`` parameter: every operation keeps the sample's shape (resize
    the data beforehand to train at another size).

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    scale : (float, float), default=(0.08, 1.0)
        Bounds of the window's area, as fractions of the sample's, in (0, 1].

    ratio : (float, float), default=(3/4, 4/3)
        Bounds of the window's aspect ratio (width / height), positive.

    interpolation : {"bilinear", "nearest"}, default="bilinear"
        Interpolation of the resize.

%(fill)s
        A window inside the sample reads outside it only in the half pixel past
        the sample's edge, where ``"reflect"`` and ``"nearest"`` equal
        torchvision's crop-then-resize. The mode matters for fusion: steps fuse
        into one warp when their modes agree.

    fill_value : float, default=0.0
        The value read outside the sample when ``fill_mode="constant"``.

    p : float, default=1.0
        Probability that the operation acts on a sample (before its own draw).

    See Also
    --------
    Compose : Apply a list of operations.
    RandomCrop : A window of fixed size, or torchvision's pad-and-crop.
    RandomZoom : Keras' zoom about the centre.

    Notes
    -----
    Draw keys ``top``, ``left``, ``height`` and ``width``: the window in pixels,
    as torchvision's ``make_params`` returns it. The draw is vectorised: ten
    attempts per sample (area, then aspect ratio), then the window's position.
    The resize uses the half-pixel convention of ``torch.nn.functional.
    interpolate``; where a window lies inside the sample, its outermost half
    output pixel blends the window's edge with the pixel just outside it, where
    torchvision's crop-then-resize repeats the window's edge. A window is never
    larger than the sample, so torchvision's antialiasing (for shrinking)
    never acts. Samples must be images.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomResizedCrop
    >>> X = np.arange(16.0).reshape(1, 4, 4)
    >>> crop = Compose([("crop", RandomResizedCrop())], sample_shape=(4, 4))
    >>> window = {"crop__top": [0], "crop__left": [2], "crop__height": [4],
    ...           "crop__width": [2]}
    >>> crop.apply_params(X, {"crop__applied": [True], **window})[0]
    array([[ 1.75,  2.25,  2.75,  3.  ],
           [ 5.75,  6.25,  6.75,  7.  ],
           [ 9.75, 10.25, 10.75, 11.  ],
           [13.75, 14.25, 14.75, 15.  ]])

    The window's two right columns are stretched over four; the first output
    column reads a quarter pixel left of the window, blending in the column
    there (torchvision's crop-then-resize repeats the window's edge: 2.0).
    """

    _requires = ("image",)
    _parameter_constraints: dict = {
        "scale": [pair_of(numbers.Real, 0, 1, closed="right")],
        "ratio": [pair_of(numbers.Real, 0, None, closed="right")],
        **_WARP_CONSTRAINTS,
    }

    _ATTEMPTS = 10

    def __init__(self, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0), *,
                 interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 p=1.0):
        self.scale = scale
        self.ratio = ratio
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.p = p

    def draw(self, n_samples, rng, context):
        height, width = context.height, context.width
        area = height * width * _uniform(rng, self.scale, (n_samples,
                                                           self._ATTEMPTS))
        log_ratio = np.log(np.asarray(self.ratio, dtype=np.float64))
        aspect = np.exp(_uniform(rng, log_ratio, (n_samples, self._ATTEMPTS)))
        # Python's round, as torchvision: half to even.
        crop_w = np.rint(np.sqrt(area * aspect))
        crop_h = np.rint(np.sqrt(area / aspect))
        fits = (crop_w > 0) & (crop_w <= width) & (crop_h > 0) & (crop_h <= height)
        first = np.argmax(fits, axis=1)
        found = fits[np.arange(n_samples), first]
        crop_w = crop_w[np.arange(n_samples), first]
        crop_h = crop_h[np.arange(n_samples), first]
        # torchvision's fallback: the central crop of the nearest aspect ratio.
        in_ratio = width / height
        low, high = min(self.ratio), max(self.ratio)
        if in_ratio < low:
            fallback = (np.rint(width / low), width)
        elif in_ratio > high:
            fallback = (height, np.rint(height * high))
        else:
            fallback = (height, width)
        crop_h = np.where(found, crop_h, fallback[0]).astype(np.intp)
        crop_w = np.where(found, crop_w, fallback[1]).astype(np.intp)
        top = np.floor(rng.random(n_samples) * (height - crop_h + 1))
        left = np.floor(rng.random(n_samples) * (width - crop_w + 1))
        top = np.where(found, np.minimum(top, height - crop_h),
                       (height - crop_h) // 2).astype(np.intp)
        left = np.where(found, np.minimum(left, width - crop_w),
                        (width - crop_w) // 2).astype(np.intp)
        return {"top": top, "left": left, "height": crop_h, "width": crop_w}

    def inverse_maps(self, draws, context):
        return _window_maps(np.asarray(draws["top"], dtype=np.float64),
                            np.asarray(draws["left"], dtype=np.float64),
                            draws["height"], draws["width"], context)


def _fill_doc(default):
    return _FILL_DOC % default


for _cls, _default in [(RandomRotation, '"reflect"'), (RandomTranslation, '"reflect"'),
                       (RandomZoom, '"reflect"'), (RandomShear, '"reflect"'),
                       (RandomPerspective, '"constant"'),
                       (RandomResizedCrop, '"reflect"')]:
    _cls.__doc__ = _cls.__doc__.replace("%(fill)s", _fill_doc(_default))
