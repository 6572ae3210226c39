"""The base of every operation: parameters only, plus the engine protocol.

An operation is a scikit-learn estimator that holds parameters (so ``Compose`` can
search them) and knows how to draw and apply itself; it acts only inside
:class:`~sklearn_dlprep.Compose` (or a flow). The protocol, called by ``Compose``'s
plan with a context resolved once per call:

``resolve(layout, dtype, step)`` -> :class:`Context`
    Checks the parameters (``_parameter_constraints``) and what the layout must
    have (``_requires``), naming the step in every message.
``draw(n_samples, rng, context)`` -> dict of arrays of length ``n_samples``
    Always the same values in the same order, whatever the parameters (so the
    stream does not shift when one is changed). The probability ``p`` is drawn by
    ``Compose``, before the operation's own values.
``inverse_maps(draws, context)`` (``kind = "geometric"``)
    ``(n, 2, 3)`` maps, (x=column, y=row), from output pixel to source position,
    or ``(n, 3, 3)`` homographies for a projective warp. A ``warp_settings``
    attribute ``(fill_mode, cval, order)`` says how the warp reads the sample;
    only steps with the same settings fuse.
``transform_pointwise(work, draws, context)`` (``kind = "pointwise"``)
    Changes in place a floating-point block ``(k, H, W, C)`` holding only the
    samples the operation acts on.
``transform_samples(block, draws, context)`` (``kind = "sample"``)
    Returns the transformed block ``(k, H, W, C)``, in the block's dtype.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator

from ..utils._param_validation import InvalidParameterError, check_params, interval

PROBABILITY = interval(numbers.Real, 0, 1)


@dataclass(frozen=True)
class Context:
    """What an operation knows about the data it acts on, resolved once per call.

    Attributes
    ----------
    step : str
        The name of the step in ``Compose`` (for messages).
    height, width, channels : int
        Canonical sample shape (a signal has height 1).
    spatial_ndim : {1, 2}
    dtype : numpy dtype or None
        The data's dtype (``None`` when only draws are wanted).
    value_range : (float, float) or None
        The range the operation reads the data in: its ``value_range`` parameter,
        or the dtype's natural range ((0, 255) for integers, (0, 1) for floats).
    """

    step: str
    height: int
    width: int
    channels: int
    spatial_ndim: int
    dtype: object
    value_range: tuple | None


def natural_range(dtype):
    """(0, 255) for integer dtypes, (0, 1) for floating ones (Keras' ``rescale``
    convention, torchvision's ``ToDtype(scale=True)``)."""
    if dtype is None:
        return None
    return (0.0, 255.0) if np.dtype(dtype).kind in "biu" else (0.0, 1.0)


class Operation(BaseEstimator):
    """Base class of the operations of :class:`~sklearn_dlprep.Compose`.

    Subclasses set ``kind`` and implement ``draw`` and the method of their kind.
    They declare in ``_requires`` what a sample must have: ``"image"`` (two
    spatial axes), ``"channels"`` (a channel axis), ``"rgb"`` (exactly three
    channels).
    """

    kind = None
    _requires = ()
    _parameter_constraints: dict = {"p": [PROBABILITY]}

    def resolve(self, layout, dtype, step):
        """Check the parameters for data of this layout; return the context."""
        try:
            check_params(self)
        except InvalidParameterError as exc:
            raise InvalidParameterError(f"Step {step!r}: {exc}") from None
        height, width, channels = layout.canonical_shape
        needs = {
            "image": (layout.spatial_ndim == 2,
                      f"2-D images, but samples of shape {layout.sample_shape} are "
                      "1-D signals (pass sample_shape=(H, W) or (H, W, C) if they "
                      "are images)"),
            "channels": (layout.has_channels,
                         f"a channel axis, but samples of shape "
                         f"{layout.sample_shape} have none (pass sample_shape="
                         f"{layout.sample_shape + (1,)} for one channel)"),
            "rgb": (layout.has_channels and channels == 3,
                    f"3 colour channels (RGB), but samples of shape "
                    f"{layout.sample_shape} have {channels}"),
        }
        for requirement in self._requires:
            satisfied, why = needs[requirement]
            if not satisfied:
                raise ValueError(f"Step {step!r} ({type(self).__name__}) needs {why}.")
        value_range = getattr(self, "value_range", None)
        if value_range is None:
            value_range = natural_range(dtype)
        else:
            value_range = (float(value_range[0]), float(value_range[1]))
        return Context(step=step, height=height, width=width, channels=channels,
                       spatial_ndim=layout.spatial_ndim,
                       dtype=None if dtype is None else np.dtype(dtype),
                       value_range=value_range)

    def draw(self, n_samples, rng, context):
        """Draw this operation's values for ``n_samples`` samples."""
        raise NotImplementedError

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags


def check_in_range(work, context, parameter="value_range"):
    """Refuse data outside ``context.value_range`` (a float image in [0, 255] read
    with the default (0, 1) would otherwise give silently wrong colours)."""
    low, high = context.value_range
    seen_low, seen_high = float(work.min()), float(work.max())
    if seen_low < low or seen_high > high:
        outside = int(np.count_nonzero((work < low) | (work > high)))
        raise ValueError(
            f"Step {context.step!r}: {outside} values fall outside {parameter}="
            f"({low:g}, {high:g}) (the data spans [{seen_low:g}, {seen_high:g}]). "
            f"Pass {parameter}=(low, high) with the data's real range, e.g. (0, 255) "
            "for float images in 0..255."
        )
