"""Filters: Gaussian blur and elastic deformation. Neither is a warp nor
pointwise, so each ends a fused run of the engine (``kind = "sample"``)."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers

import cv2
import numpy as np

from .._engine import cast_like
from ..utils._param_validation import interval, options, pair_of
from ._base import PROBABILITY, Operation, check_in_range
from ._functional import keras_gaussian_kernel, remap, unit_bounds, work_dtype

_VALUE_RANGE = [None, pair_of(numbers.Real)]
_UNIT_FACTOR = [interval(numbers.Real, 0, 1), pair_of(numbers.Real, 0, high=1)]
_FILL_MODES = ("reflect", "wrap", "constant", "nearest", "mirror")
_ORDERS = {"bilinear": 1, "nearest": 0}


def _kernel_sizes(kernel_size):
    """Keras' ``kernel_size``: a number is both sizes, a pair is (x, y)."""
    if np.ndim(kernel_size) == 0:
        return int(kernel_size), int(kernel_size)
    size_x, size_y = (int(k) for k in kernel_size)
    return size_x, size_y


def _applied(factor, n_samples, rng):
    """Keras' ``factor`` as a probability: a probability drawn in ``factor`` per
    sample, then a uniform threshold below it (``factor=1.0`` acts on about half
    the samples, ``(1, 1)`` on all)."""
    low, high = unit_bounds(factor)
    probability = rng.uniform(low, high, n_samples)
    threshold = rng.random(n_samples)
    return threshold < probability


class RandomGaussianBlur(Operation):
    """Blur samples with a Gaussian kernel of random standard deviation.

    Keras 3's ``RandomGaussianBlur``: whether a sample is blurred is drawn from
    ``factor``, and its standard deviations along x and y from ``sigma``; the
    kernel has ``kernel_size`` taps. The blur reads outside the image by
    reflection (``c b | a b c d | c b``), as torchvision's ``gaussian_blur``
    does. A 1-D signal is blurred along time only.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    factor : float or (float, float), default=1.0
        In [0, 1]. The probability of blurring a sample is drawn in ``(0,
        factor)`` (or the pair's interval), then the sample is blurred with that
        probability: ``1.0`` blurs about half the samples, ``(1.0, 1.0)`` all
        (Keras' meaning).

    kernel_size : int or (int, int), default=3
        Odd numbers of taps of the kernel; a pair is ``(x, y)`` (along the width,
        then the height), as in Keras and torchvision.

    sigma : float or (float, float), default=1.0
        Non-negative. Standard deviations are drawn in ``(0, sigma)`` (or the
        pair's interval), independently for x and y and for every sample.

    value_range : (float, float) or None, default=None
        The range of the data; the result is clipped to it. ``None`` means the
        dtype's natural range: (0, 255) for integers, (0, 1) for floats (Keras'
        default is (0, 255) whatever the dtype). Data outside it is an error.

    p : float, default=1.0
        Probability that the operation acts on a sample (before ``factor``).

    See Also
    --------
    Compose : Apply a list of operations.

    Notes
    -----
    Two deliberate differences from Keras 3:

    - Keras draws one ``(sigma_x, sigma_y)`` for the whole batch; here every
      sample has its own, so a sample's result does not depend on the batch it
      is in.
    - Keras pads the image with zeros, which darkens its border (a constant
      image of 200 comes back with corners near 130). Here the image is
      reflected, so a constant image stays constant; away from the border (half
      the kernel size) the result equals Keras'.

    Keras also refuses a single ``sigma`` above 1 while it accepts a pair such as
    ``(0.5, 3.0)``; any non-negative value is accepted here.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomGaussianBlur
    >>> X = np.zeros((1, 5, 5), dtype=np.float32)
    >>> X[0, 2, 2] = 1.0
    >>> blur = Compose([("blur", RandomGaussianBlur(kernel_size=3))])
    >>> draw = {"blur__applied": [True], "blur__blur": [True],
    ...         "blur__sigma": [[1.0, 1.0]]}
    >>> blur.apply_params(X, draw)[0, 1:4, 1:4].round(3)
    array([[0.075, 0.124, 0.075],
           [0.124, 0.204, 0.124],
           [0.075, 0.124, 0.075]], dtype=float32)
    """

    kind = "sample"
    _parameter_constraints: dict = {
        "factor": _UNIT_FACTOR,
        "kernel_size": [interval(numbers.Integral, 1),
                        pair_of(numbers.Integral, 1, ordered=False)],
        "sigma": [interval(numbers.Real, 0), pair_of(numbers.Real, 0)],
        "value_range": _VALUE_RANGE,
        "p": [PROBABILITY],
    }

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, *, value_range=None,
                 p=1.0):
        self.factor = factor
        self.kernel_size = kernel_size
        self.sigma = sigma
        self.value_range = value_range
        self.p = p

    def resolve(self, layout, dtype, step):
        context = super().resolve(layout, dtype, step)
        if any(size % 2 == 0 for size in _kernel_sizes(self.kernel_size)):
            raise ValueError(
                f"Step {step!r}: The 'kernel_size' parameter of RandomGaussianBlur "
                f"must be odd numbers of taps (a centred kernel). Got "
                f"{self.kernel_size!r} instead."
            )
        return context

    def draw(self, n_samples, rng, context):
        blur = _applied(self.factor, n_samples, rng)
        low, high = unit_bounds(self.sigma)
        return {"blur": blur, "sigma": rng.uniform(low, high, (n_samples, 2))}

    def transform_samples(self, block, draws, context):
        work = block.astype(work_dtype(block.dtype))
        check_in_range(work, context)
        size_x, size_y = _kernel_sizes(self.kernel_size)
        if context.spatial_ndim == 1:
            size_y = 1  # a signal is blurred along time only
        sigma = np.asarray(draws["sigma"], dtype=np.float64).reshape(-1, 2)
        out = work.copy()
        for i in np.flatnonzero(np.asarray(draws["blur"], dtype=bool)):
            kernel_x = keras_gaussian_kernel(size_x, sigma[i, 0], work.dtype)
            kernel_y = keras_gaussian_kernel(size_y, sigma[i, 1], work.dtype)
            result = cv2.sepFilter2D(work[i], -1, kernel_x, kernel_y,
                                     borderType=cv2.BORDER_REFLECT_101)
            out[i] = result.reshape(out.shape[1:])
        low, high = context.value_range
        np.clip(out, low, high, out=out)
        return cast_like(out, block.dtype)


class RandomElasticTransform(Operation):
    """Deform samples by a random smooth displacement field.

    Keras 3's ``RandomElasticTransform`` (after Simard et al., 2003): each pixel
    reads the input at its own position plus a displacement made of Gaussian
    white noise, smoothed by a Gaussian of standard deviation ``sigma`` and
    scaled by ``alpha``, where ``alpha = 0.1 max(H, W) s`` and ``sigma = 0.05
    min(H, W) s`` for a strength ``s`` drawn in ``scale``. Given the same noise,
    the field is Keras' (noise times ``sigma``, blurred with zero padding over
    ``int(6 sigma) | 1`` taps); the image is resampled by ``cv2.remap``.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    factor : float or (float, float), default=1.0
        In [0, 1]. The probability of deforming a sample is drawn in ``(0,
        factor)`` (or the pair's interval), then the sample is deformed with that
        probability: ``1.0`` deforms about half the samples, ``(1.0, 1.0)`` all
        (Keras' meaning).

    scale : float or (float, float), default=1.0
        In [0, 1]. The strength ``s`` is drawn in ``(0, scale)`` (or the pair's
        interval) for every sample.

    interpolation : {"bilinear", "nearest"}, default="bilinear"
        How the deformed image is read.

    fill_mode : {"reflect", "wrap", "constant", "nearest", "mirror"}, \
            default="reflect"
        How positions outside the image are read: ``"reflect"`` ``d c b a | a b
        c d``, ``"mirror"`` ``d c b | a b c d``, ``"wrap"`` ``a b c d | a b c d``
        (period ``n``), ``"nearest"`` ``a a | a b c d``, ``"constant"``
        ``fill_value`` (blended over the half pixel outside the image, as Keras'
        padding does).

    fill_value : float, default=0.0
        Value read outside the image with ``fill_mode="constant"``.

    value_range : (float, float) or None, default=None
        The range of the data; the result is clipped to it. ``None`` means the
        dtype's natural range: (0, 255) for integers, (0, 1) for floats (Keras'
        default is (0, 255) whatever the dtype). Data outside it is an error.

    p : float, default=1.0
        Probability that the operation acts on a sample (before ``factor``).

    See Also
    --------
    Compose : Apply a list of operations.

    Notes
    -----
    Keras draws one strength for the whole batch, and one noise field for the
    batch from one seed; here every sample draws its own strength and its own
    noise seed (``noise_seed``, the seed Keras gives ``numpy.random.default_rng``),
    so a sample's deformation does not depend on the batch it is in. A batch of
    one image with Keras' seed gives Keras' field exactly.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomElasticTransform
    >>> X = np.random.default_rng(0).random((4, 32, 32, 3)).astype(np.float32)
    >>> elastic = Compose([("elastic", RandomElasticTransform((1.0, 1.0)))],
    ...                   random_state=0)
    >>> out = elastic.augment(X)
    >>> out.shape, out.dtype, bool(np.any(out != X))
    ((4, 32, 32, 3), dtype('float32'), True)
    """

    kind = "sample"
    _requires = ("image",)
    _parameter_constraints: dict = {
        "factor": _UNIT_FACTOR,
        "scale": _UNIT_FACTOR,
        "interpolation": [options(*_ORDERS)],
        "fill_mode": [options(*_FILL_MODES)],
        "fill_value": [interval(numbers.Real)],
        "value_range": _VALUE_RANGE,
        "p": [PROBABILITY],
    }

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear",
                 fill_mode="reflect", fill_value=0.0, *, value_range=None, p=1.0):
        self.factor = factor
        self.scale = scale
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.value_range = value_range
        self.p = p

    def draw(self, n_samples, rng, context):
        transform = _applied(self.factor, n_samples, rng)
        low, high = unit_bounds(self.scale)
        scale = rng.uniform(low, high, n_samples)
        seeds = rng.integers(0, 2**32, (n_samples, 2), dtype=np.uint64)
        return {"transform": transform, "scale": scale, "noise_seed": seeds}

    def transform_samples(self, block, draws, context):
        work = block.astype(work_dtype(block.dtype))
        check_in_range(work, context)
        height, width = work.shape[1:3]
        grid_y, grid_x = np.mgrid[0:height, 0:width].astype(np.float32)
        out = work.copy()
        transform = np.asarray(draws["transform"], dtype=bool)
        scale = np.asarray(draws["scale"], dtype=np.float32)
        for i in np.flatnonzero(transform):
            field = _elastic_field(scale[i], draws["noise_seed"][i], height, width)
            if field is None:
                continue
            dx, dy = field
            out[i] = remap(work[i], grid_x + dx, grid_y + dy,
                           order=_ORDERS[self.interpolation],
                           fill_mode=self.fill_mode, fill_value=self.fill_value)
        low, high = context.value_range
        np.clip(out, low, high, out=out)
        return cast_like(out, block.dtype)


def _elastic_field(strength, seed, height, width):
    """Keras' displacement ``(alpha * dx, alpha * dy)`` for one sample, in float32,
    or None when the strength gives no displacement."""
    f32 = np.float32
    strength = f32(strength)
    alpha = f32(max(height, width)) * (f32(0.1) * strength)
    sigma = f32(min(height, width)) * (f32(0.05) * strength)
    if not (sigma > 0 and alpha > 0):
        return None
    size = int(f32(6) * sigma) | 1
    noise = np.random.default_rng(np.asarray(seed, dtype=np.uint64))
    kernel = keras_gaussian_kernel(size, sigma, np.float32)
    field = []
    for _ in range(2):  # dx, then dy, as Keras draws them
        white = noise.normal(size=(height, width)).astype(np.float32) * sigma
        smooth = cv2.sepFilter2D(white, -1, kernel, kernel,
                                 borderType=cv2.BORDER_CONSTANT)
        field.append(alpha * smooth)
    return field
