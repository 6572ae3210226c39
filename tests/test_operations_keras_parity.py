"""Every operation that Keras 3 has equals Keras 3's layer, given the same draw.

For each operation: Keras draws a transformation (``get_random_transformation``),
the test converts it to our draw keys, and our ``apply_params`` must equal Keras'
``transform_images(images, transformation, training=True)``: to 1e-4 on float32 and
within one grey level on uint8. Keras runs on its numpy backend (the dev extra).
Where Keras has a bug that we do not copy, the case says so and tests our side.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "numpy")
keras = pytest.importorskip("keras")

import sklearn_dlprep as dlp  # noqa: E402


@dataclass(frozen=True)
class Parity:
    """One operation against its Keras 3 layer."""

    id: str
    ours: Callable[[], Any]
    theirs: Callable[[], Any]
    to_draws: Callable[[dict, int], dict]  # Keras transformation -> our draw values
    shape: tuple = (16, 16, 3)
    keras_range: tuple = (0, 255)  # the data range both are given
    extra: dict = field(default_factory=dict)


def _flat(value, n):
    return np.asarray(value).reshape(n, -1)[:, 0]


CASES = [
    Parity("RandomFlip-horizontal", lambda: dlp.RandomFlip("horizontal"),
           lambda: keras.layers.RandomFlip("horizontal", seed=1),
           lambda t, n: {"flip": _flat(t["flips"], n)}),
    Parity("RandomFlip-both", lambda: dlp.RandomFlip(),
           lambda: keras.layers.RandomFlip(seed=2),
           lambda t, n: {"flip": _flat(t["flips"], n)}),
    Parity("RandomBrightness", lambda: dlp.RandomBrightness(0.3, value_range=(0, 255)),
           lambda: keras.layers.RandomBrightness(0.3, value_range=(0, 255), seed=3),
           lambda t, n: {"delta": _flat(t["rgb_delta"], n) / 255.0}),
]


def _run(case, images):
    layer = case.theirs()
    n = len(images)
    # uint8 images are given to Keras in its range (keras_range), and its result
    # is read back on 0..255; float32 images are made in that range.
    low, high = case.keras_range
    rescale = images.dtype == np.uint8 and (low, high) != (0, 255)
    theirs_in = images.astype(np.float32)
    if rescale:
        theirs_in = theirs_in / 255 * (high - low) + low
    transformation = layer.get_random_transformation(theirs_in, training=True)
    expected = np.asarray(layer.transform_images(theirs_in, transformation,
                                                 training=True))
    if rescale:
        expected = (expected - low) / (high - low) * 255
    draws = {f"op__{key}": value for key, value in
             case.to_draws(transformation, n).items()}
    draws["op__applied"] = np.ones(n, dtype=bool)
    ours = dlp.Compose([("op", case.ours())]).apply_params(images, draws)
    return ours, expected


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_float32_equals_keras(case):
    """float32 images in Keras' value range: equal to 1e-4."""
    low, high = case.keras_range
    images = (np.random.default_rng(0).random((6, *case.shape)) * (high - low)
              + low).astype(np.float32)
    ours, expected = _run(case, images)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, expected, atol=1e-4, rtol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_uint8_within_one_grey_level_of_keras(case):
    """uint8 images: within one grey level of Keras' float result, rounded."""
    images = np.random.default_rng(1).integers(0, 256, (6, *case.shape),
                                               dtype=np.uint8)
    ours, expected = _run(case, images)
    assert ours.dtype == np.uint8
    assert np.abs(ours.astype(float) - np.clip(expected, 0, 255)).max() <= 1.0


# Colour operations ------------------------------------------------------------------
#
# HSV operations are compared on float32 images in [0, 1] (keras_range), the natural
# float range: float32 HSV carries a relative error of about 1e-6 (OpenCV's and
# Keras' alike), which is 1e-4 on 0..255 but 1e-6 on [0, 1]. uint8 images are given
# to Keras in that range and read back on 0..255.


class _ColorJitterReplay:
    """Keras' RandomColorJitter with its draws taken out.

    RandomColorJitter draws inside ``transform_images`` (its
    ``get_random_transformation`` returns None). This draws with its four
    sub-layers and applies them in its order, as its ``transform_images`` does;
    ``test_color_jitter_replay_is_keras_color_jitter`` pins that.
    """

    ORDER = ("random_brightness", "random_contrast", "random_saturation",
             "random_hue")

    def __init__(self, **kwargs):
        self.layer = keras.layers.RandomColorJitter(**kwargs)

    def _subs(self):
        return [(name, getattr(self.layer, name)) for name in self.ORDER
                if getattr(self.layer, name) is not None]

    def get_random_transformation(self, images, training=True, seed=None):
        seed = self.layer.generator if seed is None else seed
        return {name: sub.get_random_transformation(images, training=True,
                                                    seed=seed)
                for name, sub in self._subs()}

    def transform_images(self, images, transformation, training=True):
        images = np.asarray(images, dtype=np.float32)
        for name, sub in self._subs():
            values = dict(transformation[name])
            if name == "random_contrast":  # as RandomColorJitter casts it
                values["contrast_factor"] = np.asarray(values["contrast_factor"],
                                                       dtype=np.float32)
            images = np.asarray(sub.transform_images(images, values))
        return images


class _OneImageAtATime:
    """Keras' Equalization given one image at a time: Keras pools the histogram
    over the batch it is given (documented, not copied), ours is per image."""

    def __init__(self, layer):
        self.layer = layer

    def get_random_transformation(self, images, training=True):
        return None

    def transform_images(self, images, transformation, training=True):
        return np.concatenate([np.asarray(self.layer.transform_images(
            images[i:i + 1], None, training=True)) for i in range(len(images))])


class _FrameKept:
    """Keras' RandomSharpness with the one-pixel frame of each image left as it
    is (Keras smooths with zero padding, which darkens or brightens the frame:
    documented, not copied; PIL and torchvision keep the frame)."""

    def __init__(self, layer):
        self.layer = layer

    def get_random_transformation(self, images, training=True):
        return self.layer.get_random_transformation(images, training=training)

    def transform_images(self, images, transformation, training=True):
        out = np.array(self.layer.transform_images(images, transformation,
                                                   training=True))
        inside = np.zeros(out.shape, dtype=bool)
        inside[:, 1:-1, 1:-1] = True
        return np.where(inside, out, images)


_JITTER = dict(brightness_factor=0.3, contrast_factor=(0.3, 0.5),
               saturation_factor=(0.1, 0.9), hue_factor=0.8)

COLOR_CASES = [
    Parity("RandomContrast", lambda: dlp.RandomContrast(0.4, value_range=(0, 255)),
           lambda: keras.layers.RandomContrast(0.4, value_range=(0, 255), seed=4),
           lambda t, n: {"contrast_factor": _flat(t["contrast_factor"], n)}),
    Parity("RandomContrast-grey", lambda: dlp.RandomContrast((0.5, 0.9),
                                                             value_range=(0, 255)),
           lambda: keras.layers.RandomContrast((0.5, 0.9), value_range=(0, 255),
                                               seed=5),
           lambda t, n: {"contrast_factor": _flat(t["contrast_factor"], n)},
           shape=(16, 16, 1)),
    # Keras' value_range=(0, 1) clips S to [0, 1] (its default (0, 255) does not:
    # a documented bug). Draws in (0.1, 0.9): multipliers from 0.1 to 9.
    Parity("RandomSaturation", lambda: dlp.RandomSaturation((0.1, 0.9)),
           lambda: keras.layers.RandomSaturation((0.1, 0.9), value_range=(0, 1),
                                                 seed=6),
           lambda t, n: {"factor": _flat(t["factor"], n)}, keras_range=(0, 1)),
    Parity("RandomHue", lambda: dlp.RandomHue(0.8),
           lambda: keras.layers.RandomHue(0.8, value_range=(0, 1), seed=7),
           lambda t, n: {"factor": _flat(t["factor"], n)}, keras_range=(0, 1)),
    Parity("RandomColorJitter", lambda: dlp.RandomColorJitter(**_JITTER),
           lambda: _ColorJitterReplay(value_range=(0, 1), seed=8, **_JITTER),
           lambda t, n: {
               "brightness_delta": _flat(t["random_brightness"]["rgb_delta"], n),
               "contrast_factor": _flat(t["random_contrast"]["contrast_factor"], n),
               "saturation_factor": _flat(t["random_saturation"]["factor"], n),
               "hue_factor": _flat(t["random_hue"]["factor"], n)},
           keras_range=(0, 1)),
    Parity("RandomColorJitter-brightness-contrast-grey",
           lambda: dlp.RandomColorJitter((0, 255), 0.2, 0.5),
           lambda: _ColorJitterReplay(value_range=(0, 255), brightness_factor=0.2,
                                      contrast_factor=0.5, seed=9),
           lambda t, n: {
               "brightness_delta": _flat(t["random_brightness"]["rgb_delta"],
                                         n) / 255,
               "contrast_factor": _flat(t["random_contrast"]["contrast_factor"], n),
               "saturation_factor": np.ones(n), "hue_factor": np.zeros(n)},
           shape=(16, 16, 1)),
    Parity("RandomColorDegeneration",
           lambda: dlp.RandomColorDegeneration((0.2, 1.0), value_range=(0, 255)),
           lambda: keras.layers.RandomColorDegeneration((0.2, 1.0), seed=10),
           lambda t, n: {"factor": _flat(t["factor"], n)}),
    Parity("RandomGrayscale", lambda: dlp.RandomGrayscale(0.5),
           lambda: keras.layers.RandomGrayscale(0.5, seed=11),
           lambda t, n: {"grayscale": _flat(t, n)}),
    Parity("RandomInvert", lambda: dlp.RandomInvert(value_range=(0, 255)),
           lambda: keras.layers.RandomInvert(seed=12),
           lambda t, n: {"apply_inversion": _flat(t["apply_inversion"], n)}),
    Parity("RandomInvert-grey-01", lambda: dlp.RandomInvert((0.5, 1.0)),
           lambda: keras.layers.RandomInvert((0.5, 1.0), value_range=(0, 1),
                                             seed=13),
           lambda t, n: {"apply_inversion": _flat(t["apply_inversion"], n)},
           shape=(16, 16, 1), keras_range=(0, 1)),
    Parity("RandomPosterization",
           lambda: dlp.RandomPosterization((1, 8), value_range=(0, 255)),
           lambda: keras.layers.RandomPosterization((1, 8), seed=14),
           lambda t, n: {"bits": 8 - _flat(t["shift_factor"], n).astype(int)}),
    Parity("Solarization",
           lambda: dlp.Solarization(0.3, 0.8, value_range=(0, 255)),
           lambda: keras.layers.Solarization(0.3, 0.8, seed=15),
           lambda t, n: {"addition": _flat(t["additions"], n) / 255,
                         "threshold": _flat(t["thresholds"], n) / 255}),
    Parity("Solarization-grey", lambda: dlp.Solarization(threshold_factor=0.5,
                                                         value_range=(0, 255)),
           lambda: keras.layers.Solarization(threshold_factor=0.5, seed=16),
           lambda t, n: {"addition": _flat(t["additions"], n) / 255,
                         "threshold": _flat(t["thresholds"], n) / 255},
           shape=(16, 16, 1)),
    Parity("AutoContrast", lambda: dlp.AutoContrast((0, 255)),
           lambda: keras.layers.AutoContrast(),
           lambda t, n: {}),
    Parity("Equalization", lambda: dlp.Equalization((0, 255)),
           lambda: _OneImageAtATime(keras.layers.Equalization()),
           lambda t, n: {}),
    Parity("Equalization-grey-64-bins", lambda: dlp.Equalization((0, 255), bins=64),
           lambda: _OneImageAtATime(keras.layers.Equalization(bins=64)),
           lambda t, n: {}, shape=(16, 16, 1)),
    Parity("RandomSharpness", lambda: dlp.RandomSharpness(1.0, value_range=(0, 255)),
           lambda: _FrameKept(keras.layers.RandomSharpness(1.0, seed=17)),
           lambda t, n: {"factor": _flat(t["factor"], n)}),
    # From 64 x 64 pixels, colour matrices run as one OpenCV call per sample.
    Parity("RandomContrast-64px", lambda: dlp.RandomContrast(0.4,
                                                             value_range=(0, 255)),
           lambda: keras.layers.RandomContrast(0.4, value_range=(0, 255), seed=19),
           lambda t, n: {"contrast_factor": _flat(t["contrast_factor"], n)},
           shape=(64, 64, 3)),
    Parity("RandomColorJitter-64px", lambda: dlp.RandomColorJitter(**_JITTER),
           lambda: _ColorJitterReplay(value_range=(0, 1), seed=20, **_JITTER),
           lambda t, n: {
               "brightness_delta": _flat(t["random_brightness"]["rgb_delta"], n),
               "contrast_factor": _flat(t["random_contrast"]["contrast_factor"], n),
               "saturation_factor": _flat(t["random_saturation"]["factor"], n),
               "hue_factor": _flat(t["random_hue"]["factor"], n)},
           shape=(64, 64, 3), keras_range=(0, 1)),
    Parity("RandomColorDegeneration-64px",
           lambda: dlp.RandomColorDegeneration((0.2, 1.0), value_range=(0, 255)),
           lambda: keras.layers.RandomColorDegeneration((0.2, 1.0), seed=21),
           lambda t, n: {"factor": _flat(t["factor"], n)}, shape=(64, 64, 3)),
    Parity("Equalization-64px", lambda: dlp.Equalization((0, 255)),
           lambda: _OneImageAtATime(keras.layers.Equalization()),
           lambda t, n: {}, shape=(64, 64, 3)),
    Parity("Equalization-64px-100-bins", lambda: dlp.Equalization((0, 255),
                                                                  bins=100),
           lambda: _OneImageAtATime(keras.layers.Equalization(bins=100)),
           lambda t, n: {}, shape=(64, 64, 2)),
    Parity("AutoContrast-64px-grey", lambda: dlp.AutoContrast((0, 255)),
           lambda: keras.layers.AutoContrast(), lambda t, n: {},
           shape=(64, 64, 1)),
    Parity("RandomSharpness-grey",
           lambda: dlp.RandomSharpness(1.0, value_range=(0, 255)),
           lambda: _FrameKept(keras.layers.RandomSharpness(1.0, seed=18)),
           lambda t, n: {"factor": _flat(t["factor"], n)}, shape=(16, 16, 1)),
]


def test_color_jitter_replay_is_keras_color_jitter():
    """The replay of RandomColorJitter's sub-layers is RandomColorJitter: the same
    seed gives the same output as its own transform_images."""
    images = np.random.default_rng(2).random((4, 8, 8, 3)).astype(np.float32)
    layer = keras.layers.RandomColorJitter(value_range=(0, 1), seed=3, **_JITTER)
    expected = np.asarray(layer.transform_images(images, None, training=True))
    replay = _ColorJitterReplay(value_range=(0, 1), seed=3, **_JITTER)
    transformation = replay.get_random_transformation(images)
    np.testing.assert_array_equal(
        replay.transform_images(images, transformation), expected)


CASES.extend(COLOR_CASES)
