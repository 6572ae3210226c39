"""Keras' ``ImageDataGenerator`` as two engine operations: its affine warp, then its
intensity changes (channel shift, brightness) and our Gaussian noise.

Together they draw Keras' flat dict of named values (``theta``, ``tx``, ``ty``,
``shear``, ``zx``, ``zy``, flips, ``channel_shift_intensity``, ``brightness``, plus
``noise_std`` and ``noise_seed``), the contract between drawing and applying that
makes a draw replayable on a mask and comparable with Keras. Every value is drawn
whatever is switched on: the random stream is ten uniform rows (eight geometric, two
intensity) then one row of noise seeds, so enabling one option never changes the
values of the others.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numpy as np

from ._geometry import affine_inverse_maps

GEOMETRIC_KEYS = ("theta", "tx", "ty", "shear", "zx", "zy", "flip_horizontal",
                  "flip_vertical")
INTENSITY_KEYS = ("channel_shift_intensity", "brightness", "noise_std", "noise_seed")
PARAM_KEYS = GEOMETRIC_KEYS + INTENSITY_KEYS


def _symmetric(u, value):
    return (2.0 * u - 1.0) * value


def _interval(u, bounds):
    return bounds[0] + (bounds[1] - bounds[0]) * u


class KerasAffine:
    """Rotation, shift, shear, zoom and flips with Keras' meaning, as one warp.

    Parameters are resolved values: ranges in degrees, shifts as ``(range,
    scale)`` (a fractional range's scale is the axis length, else 1), ``zoom`` an
    interval, flips booleans.
    """

    kind = "geometric"
    keys = GEOMETRIC_KEYS

    def __init__(self, *, rotation, shift_x, shift_y, shear, zoom, flip_x, flip_y,
                 stretch_y):
        self.rotation = rotation
        self.shift_x = shift_x
        self.shift_y = shift_y
        self.shear = shear
        self.zoom = zoom
        self.flip_x = flip_x
        self.flip_y = flip_y
        self.stretch_y = stretch_y  # False for signals: no zoom along the height

    def draw(self, n_samples, rng):
        u = rng.random((8, n_samples))
        zy = _interval(u[5], self.zoom)
        if not self.stretch_y:
            zy[:] = 1.0
        return {
            "theta": _symmetric(u[0], self.rotation),
            "tx": _symmetric(u[1], self.shift_x[0]) * self.shift_x[1],
            "ty": _symmetric(u[2], self.shift_y[0]) * self.shift_y[1],
            "shear": _symmetric(u[3], self.shear),
            "zx": _interval(u[4], self.zoom),
            "zy": zy,
            "flip_horizontal": (u[6] < 0.5) & bool(self.flip_x),
            "flip_vertical": (u[7] < 0.5) & bool(self.flip_y),
        }

    def inverse_maps(self, draws, height, width):
        return affine_inverse_maps(draws, height, width)


class KerasIntensity:
    """Keras' order after the warp: channel shift, then brightness; then noise.

    ``brightness_channels`` is the slice of channels brightness scales, or None
    for all of them (Keras, through PIL, leaves the alpha channel of an RGBA image
    alone: ``slice(0, 3)`` for those).
    """

    kind = "pointwise"
    keys = INTENSITY_KEYS

    def __init__(self, *, channel_shift, brightness, noise_std,
                 brightness_channels=None):
        self.channel_shift = channel_shift
        self.brightness = brightness
        self.noise_std = noise_std
        self.brightness_channels = brightness_channels

    def draw(self, n_samples, rng):
        u = rng.random((2, n_samples))
        noise_seed = rng.integers(0, 2**63, size=n_samples)
        return {
            "channel_shift_intensity": (_symmetric(u[0], self.channel_shift)
                                        if self.channel_shift else None),
            "brightness": (_interval(u[1], self.brightness)
                           if self.brightness is not None else None),
            "noise_std": (np.full(n_samples, float(self.noise_std))
                          if self.noise_std else None),
            "noise_seed": noise_seed if self.noise_std else None,
        }

    @property
    def inert(self):
        """Whether no draw ever changes a sample (the values are still drawn: they
        are part of the random stream)."""
        return (not self.channel_shift and self.brightness is None
                and not self.noise_std)

    def acts_on(self, draws):
        """Whether the draw changes any intensity (else the pass is skipped)."""
        return (draws.get("channel_shift_intensity") is not None
                or draws.get("brightness") is not None
                or (draws.get("noise_std") is not None
                    and draws.get("noise_seed") is not None))

    def acts_on_rows(self, draws, part):
        """Which samples of ``part`` the draw changes (a zero shift, a brightness
        of 1 and no noise leave a sample as it is)."""
        shift = draws.get("channel_shift_intensity")
        brightness = draws.get("brightness")
        noise_std = draws.get("noise_std")
        rows = (np.arange(part.start, part.stop) if isinstance(part, slice)
                else np.asarray(part))
        acting = np.zeros(len(rows), dtype=bool)
        if shift is not None:
            acting |= np.asarray(shift)[rows] != 0
        if brightness is not None:
            acting |= np.asarray(brightness)[rows] != 1
        if noise_std is not None and draws.get("noise_seed") is not None:
            acting |= np.asarray(noise_std)[rows] != 0
        return acting

    def apply_pointwise(self, work, draws, part):
        shift = draws.get("channel_shift_intensity")
        brightness = draws.get("brightness")
        noise_std = draws.get("noise_std")
        seeds = draws.get("noise_seed")
        expand = (slice(None),) + (np.newaxis,) * (work.ndim - 1)
        if shift is not None:
            # Keras clips to the range the sample had before the shift.
            axes = tuple(range(1, work.ndim))
            low = work.min(axis=axes, keepdims=True)
            high = work.max(axis=axes, keepdims=True)
            work += np.asarray(shift, dtype=work.dtype)[part][expand]
            np.clip(work, low, high, out=work)
        if brightness is not None:
            target = (work if self.brightness_channels is None
                      else work[..., self.brightness_channels])
            target *= np.asarray(brightness, dtype=work.dtype)[part][expand]
        if noise_std is not None and seeds is not None:
            for sample, seed, std in zip(work, np.asarray(seeds)[part],
                                         np.asarray(noise_std)[part]):
                if std:
                    noise = np.random.default_rng(int(seed)).standard_normal(
                        sample.shape, dtype=work.dtype)
                    sample += noise * work.dtype.type(std)


# Which parameters a sample layout cannot take: one table, read by the check of the
# parameters and by the check of replayed draws.
# (what the samples lack, parameter, its neutral value, draw key)
LAYOUT_RULES = (
    ("spatial", "rotation_range", 0, "theta"),
    ("spatial", "shear_range", 0, "shear"),
    ("spatial", "height_shift_range", 0, "ty"),
    ("spatial", "vertical_flip", False, "flip_vertical"),
    ("channels", "channel_shift_range", 0, "channel_shift_intensity"),
)


def _lacks(layout, requirement):
    if requirement == "spatial":
        return layout.spatial_ndim == 1
    return not layout.has_channels


def _misfit_message(layout, requirement, what, neutral, user_gave_shape):
    shape = layout.sample_shape
    if requirement == "spatial":
        why = ("" if user_gave_shape else " (the rows of a 2-D X are signals "
               "unless sample_shape says otherwise)")
        return (f"{what} needs 2-D images. Samples of shape {shape} are read as 1-D "
                f"signals{why}; pass {neutral}, or sample_shape=(H, W) or (H, W, C) "
                "if they are images.")
    return (f"{what} needs a channel axis, but samples of shape {shape} have none. "
            f"Pass sample_shape={shape + (1,)} for a single channel, or {neutral}.")


def check_params_fit_layout(params, layout, user_gave_shape):
    """Refuse parameters (a dict of the estimator's) that the layout cannot take."""
    for requirement, name, neutral, _ in LAYOUT_RULES:
        if params[name] and _lacks(layout, requirement):
            raise ValueError(_misfit_message(
                layout, requirement, f"{name}={params[name]!r}",
                f"{name}={neutral}", user_gave_shape))


def check_keras_draws(params, n_samples, layout):
    """Validate a draw given to ``apply_params``: known keys, one finite value per
    sample, and nothing the samples' layout cannot take."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict as sample_params returns, got "
                        f"{type(params).__name__}.")
    unknown = sorted(set(params) - set(PARAM_KEYS))
    if unknown:
        raise ValueError(f"Unknown keys in params: {unknown}; known keys are "
                         f"{list(PARAM_KEYS)}.")
    checked = {}
    for key, value in params.items():
        if value is None:
            checked[key] = None
            continue
        value = np.asarray(value)
        if value.shape != (n_samples,):
            raise ValueError(
                f"params[{key!r}] has shape {value.shape}; expected one value per "
                f"sample, shape ({n_samples},)."
            )
        if value.dtype.kind not in "biuf" or (value.dtype.kind == "f"
                                              and not np.isfinite(value).all()):
            raise ValueError(f"params[{key!r}] must hold finite real numbers.")
        checked[key] = value
    for requirement, _, _, key in LAYOUT_RULES:
        if (_lacks(layout, requirement) and checked.get(key) is not None
                and np.any(checked[key])):
            why, fix = (("1-D signals have no second spatial axis",
                         "sample_shape=(H, W) or (H, W, C) if they are images")
                        if requirement == "spatial" else
                        ("they have no channel axis",
                         f"sample_shape={layout.sample_shape + (1,)}"))
            raise ValueError(
                f"params[{key!r}] is non-zero for some samples, but it cannot apply "
                f"to samples of shape {layout.sample_shape}: {why}. Set it to None, "
                f"or pass {fix}."
            )
    noise_std, noise_seed = checked.get("noise_std"), checked.get("noise_seed")
    if noise_std is not None and np.any(noise_std) and noise_seed is None:
        raise ValueError(
            "params['noise_std'] asks for noise but params['noise_seed'] is missing: "
            "pass the seeds sample_params drew, or set noise_std to None."
        )
    if noise_seed is not None and np.any(noise_seed < 0):
        raise ValueError("params['noise_seed'] must hold seeds >= 0, as "
                         "sample_params draws them.")
    if all(v is None for v in checked.values()):  # nothing applied: the identity
        checked["theta"] = np.zeros(n_samples)
    return checked
