"""Geometric operations: each contributes an affine map; consecutive ones are fused
into one warp by the engine."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numpy as np

from ..utils._param_validation import options
from ._base import PROBABILITY, Operation

_FLIP_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


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
        maps = np.zeros((len(flip), 2, 3))
        maps[:, 0, 0] = maps[:, 1, 1] = 1.0
        if self.mode in ("horizontal", "horizontal_and_vertical"):
            maps[flip, 0, 0] = -1.0
            maps[flip, 0, 2] = context.width - 1
        if self.mode in ("vertical", "horizontal_and_vertical"):
            maps[flip, 1, 1] = -1.0
            maps[flip, 1, 2] = context.height - 1
        return maps
