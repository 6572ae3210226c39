"""Region operations: erase a random rectangle. It ends a fused run of the engine
(``kind = "sample"``)."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers

import numpy as np

from .._engine import cast_like
from ..utils._param_validation import interval, pair_of
from ._base import PROBABILITY, Operation, check_in_range
from ._functional import unit_bounds, work_dtype

_UNIT_FACTOR = [interval(numbers.Real, 0, 1), pair_of(numbers.Real, 0, high=1)]


class RandomErasing(Operation):
    """Replace a random rectangle of each sample by noise or a constant.

    Keras 3's ``RandomErasing`` (after Zhong et al., 2017): whether a sample is
    erased is drawn from ``factor``; the rectangle's width and height are the
    square roots of two fractions drawn in ``scale`` (its area is between
    ``scale[0]`` and ``scale[1]`` of the image), and it is placed uniformly
    inside the image. With ``fill_value=None`` it is filled with Gaussian noise
    of standard deviation ``value_range[1]``, clipped to the range.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    factor : float or (float, float), default=1.0
        In [0, 1]. The probability of erasing a sample is drawn in ``(0,
        factor)`` (or the pair's interval), then the sample is erased with that
        probability: ``1.0`` erases about half the samples, ``(1.0, 1.0)`` all
        (Keras' meaning).

    scale : float or (float, float), default=(0.02, 0.33)
        In [0, 1]. The fractions of the width and of the height are the square
        roots of two values drawn in this interval (a number ``s`` means
        ``(0, s)``).

    fill_value : float, sequence of float or None, default=None
        The erased values: a number for every channel, one number per channel,
        or ``None`` for noise (``N(0, 1) * value_range[1]``, clipped to the
        range, as Keras draws it). Clipped to ``value_range``.

    value_range : (float, float) or None, default=None
        The range of the data. ``None`` means the dtype's natural range: (0,
        255) for integers, (0, 1) for floats (Keras' default is (0, 255)
        whatever the dtype). Data outside it is an error.

    p : float, default=1.0
        Probability that the operation acts on a sample (before ``factor``).

    See Also
    --------
    Compose : Apply a list of operations.

    Notes
    -----
    The semantics are Keras 3's, not torchvision's ``RandomErasing(p, scale,
    ratio, value)``: torchvision draws the area uniformly in ``scale`` and the
    aspect ratio log-uniformly in ``ratio``, retries up to 10 times until the
    rectangle fits (else leaves the image as it is), fills with 0 by default,
    and its ``value="random"`` is standard normal noise. Keras (and this
    operation) draws width and height independently, so the rectangle always
    fits and its aspect ratio follows from the two draws; a pixel is erased when
    its index ``c`` satisfies ``x0 <= c < x1`` for the drawn real bounds.

    Every value of the noise is drawn from the sample's own ``noise_seed``, so
    a sample's result does not depend on the batch it is in. A 1-D signal has
    an interval erased along time.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomErasing
    >>> X = np.full((1, 4, 6), 9, dtype=np.uint8)
    >>> erase = Compose([("erase", RandomErasing(fill_value=0))])
    >>> draw = {"erase__applied": [True], "erase__erase": [True],
    ...         "erase__size": [[0.5, 0.5]], "erase__position": [[0.0, 1.0]],
    ...         "erase__noise_seed": [0]}
    >>> erase.apply_params(X, draw)[0]
    array([[9, 9, 9, 9, 9, 9],
           [9, 9, 9, 9, 9, 9],
           [0, 0, 0, 9, 9, 9],
           [0, 0, 0, 9, 9, 9]], dtype=uint8)
    """

    kind = "sample"
    _parameter_constraints: dict = {
        "factor": _UNIT_FACTOR,
        "scale": _UNIT_FACTOR,
        "fill_value": [None, interval(numbers.Real), tuple, list, np.ndarray],
        "value_range": [None, pair_of(numbers.Real)],
        "p": [PROBABILITY],
    }

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, *,
                 value_range=None, p=1.0):
        self.factor = factor
        self.scale = scale
        self.fill_value = fill_value
        self.value_range = value_range
        self.p = p

    def resolve(self, layout, dtype, step):
        context = super().resolve(layout, dtype, step)
        fill = self.fill_value
        if fill is not None and np.ndim(fill) != 0:
            values = np.asarray(fill)
            if (values.ndim != 1 or values.dtype.kind not in "iuf"
                    or not np.isfinite(values).all()
                    or len(values) not in (1, context.channels)):
                raise ValueError(
                    f"Step {step!r}: The 'fill_value' parameter of RandomErasing "
                    f"must be a number, one number per channel ({context.channels} "
                    f"for samples of shape {layout.sample_shape}) or None. Got "
                    f"{fill!r} instead."
                )
        return context

    def draw(self, n_samples, rng, context):
        # Keras' order: the two size fractions, the x then y positions, the
        # probability and its threshold; then a noise seed per sample.
        low, high = unit_bounds(self.scale)
        size = np.sqrt(rng.uniform(low, high, (n_samples, 2)))
        position = rng.random((n_samples, 2))
        low, high = unit_bounds(self.factor)
        probability = rng.uniform(low, high, n_samples)
        erase = rng.random(n_samples) < probability
        seeds = rng.integers(0, 2**63, n_samples, dtype=np.uint64)
        return {"erase": erase, "size": size, "position": position,
                "noise_seed": seeds}

    def transform_samples(self, block, draws, context):
        work = block.astype(work_dtype(block.dtype))
        check_in_range(work, context)
        k, height, width, channels = work.shape
        erase = np.asarray(draws["erase"], dtype=bool)
        x0, x1 = _bounds(draws["size"], draws["position"], 0, width)
        y0, y1 = _bounds(draws["size"], draws["position"], 1, height)
        columns = np.arange(width, dtype=np.float32)
        rows = np.arange(height, dtype=np.float32)
        inside_x = (columns >= x0[:, None]) & (columns < x1[:, None])
        inside_y = (rows >= y0[:, None]) & (rows < y1[:, None])
        if context.spatial_ndim == 1:
            inside_y[:] = True  # a signal loses an interval of time
        inside_x &= erase[:, None]
        low, high = context.value_range
        out = work.copy()
        for i in np.flatnonzero(inside_x.any(axis=1) & inside_y.any(axis=1)):
            region = np.ix_(np.flatnonzero(inside_y[i]), np.flatnonzero(inside_x[i]))
            shape = (len(region[0]), region[1].shape[1], channels)
            if self.fill_value is None:
                noise = np.random.default_rng(int(draws["noise_seed"][i]))
                fill = noise.standard_normal(shape) * high
            else:
                fill = np.broadcast_to(np.asarray(self.fill_value, dtype=float),
                                       shape)
            out[i][region] = np.clip(fill, low, high)
        return cast_like(out, block.dtype)


def _bounds(size, position, axis, length):
    """Keras' real bounds ``[start, start + length * size)`` of the rectangle
    along one axis, computed in float32 as Keras does."""
    f32 = np.float32
    size = np.asarray(size, dtype=f32).reshape(-1, 2)[:, axis]
    position = np.asarray(position, dtype=f32).reshape(-1, 2)[:, axis]
    extent = (size * f32(length)).astype(f32)
    start = position * (f32(length) - extent)
    return start, start + extent
