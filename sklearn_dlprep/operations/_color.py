"""Colour (pointwise) operations: consecutive ones share one pass of the engine."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers

import numpy as np

from ..utils._param_validation import interval, pair_of
from ._base import PROBABILITY, Operation, check_in_range

_VALUE_RANGE = [None, pair_of(numbers.Real)]


def factor_bounds(factor, low=-1.0, high=1.0):
    """Keras' ``factor``: a number ``f`` means ``[-f, f]`` (clipped to the bounds),
    a pair means that interval."""
    if isinstance(factor, numbers.Real):
        return max(-abs(float(factor)), low), min(abs(float(factor)), high)
    lower, upper = sorted(float(f) for f in factor)
    return lower, upper


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

    value_range : (float, float) or None, default=None
        The range of the data. ``None`` means the dtype's natural range: (0, 255)
        for integers, (0, 1) for floats (Keras' default is (0, 255) whatever the
        dtype). Data outside it is an error, not a silent clip.

    p : float, default=1.0
        Probability that the operation acts on a sample.

    See Also
    --------
    Compose : Apply a list of operations.

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
        "factor": [interval(numbers.Real, -1, 1), pair_of(numbers.Real, -1)],
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
        low, high = context.value_range
        delta = np.asarray(draws["delta"], dtype=work.dtype) * work.dtype.type(
            high - low)
        work += delta[:, np.newaxis, np.newaxis, np.newaxis]
        np.clip(work, low, high, out=work)
