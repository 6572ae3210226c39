"""Brightness on 4-channel images (issue 11, item 7): Keras' ImageDataGenerator
brightens through PIL, which leaves an RGBA image's alpha alone. ArrayAugmenter
follows it by default; ``brightness_channels="all"`` scales a fourth channel that
is data."""

import os

import numpy as np
import pytest

from sklearn_dlprep import ArrayAugmenter


def test_alpha_keeps_its_values_by_default():
    """[200] * 4 at brightness 0.5 gives [100, 100, 100, 200], as Keras (PIL)
    does; it gave [100] * 4."""
    X = np.full((2, 3, 3, 4), 200, dtype=np.uint8)
    out = ArrayAugmenter(brightness_range=(0.5, 0.5)).augment(X)
    np.testing.assert_array_equal(out[..., :3], 100)
    np.testing.assert_array_equal(out[..., 3], 200)


def test_brightness_channels_all_scales_a_fourth_data_channel():
    """With brightness_channels="all" every channel is scaled (RGB + infrared)."""
    X = np.full((2, 3, 3, 4), 0.8, dtype=np.float32)
    out = ArrayAugmenter(brightness_range=(0.5, 0.5),
                         brightness_channels="all").augment(X)
    np.testing.assert_allclose(out, 0.4)


@pytest.mark.parametrize("shape, kwargs", [
    ((2, 3, 3, 3), {}),
    ((2, 3, 3, 5), {}),
    ((2, 3, 3, 2), {}),
    ((2, 3, 3), {"spatial_ndim": 2}),  # grey images
    ((2, 12, 4), {"spatial_ndim": 1}),  # a signal with 4 channels has no alpha
    ((2, 3, 4, 4), {"data_format": "channels_first"}),
])
def test_samples_without_alpha_have_every_channel_scaled(shape, kwargs):
    """Only a 4-channel image has an alpha: every other layout scales all."""
    X = np.full(shape, 0.8)
    out = ArrayAugmenter(brightness_range=(0.5, 0.5), **kwargs).augment(X)
    np.testing.assert_allclose(out, 0.4)


def test_channels_first_rgba_keeps_alpha():
    """The alpha of a channels_first RGBA image is its first axis' fourth entry."""
    X = np.full((1, 4, 3, 3), 0.8)
    out = ArrayAugmenter(brightness_range=(0.5, 0.5),
                         data_format="channels_first").augment(X)
    np.testing.assert_allclose(out[:, :3], 0.4)
    np.testing.assert_allclose(out[:, 3], 0.8)


def test_brightness_channels_is_validated():
    """An unknown value is refused, naming the parameter and the valid values."""
    X = np.zeros((1, 3, 3, 4))
    with pytest.raises(ValueError, match="brightness_channels.*color.*all"):
        ArrayAugmenter(brightness_range=(0.5, 1), brightness_channels="rgb").augment(X)


@pytest.mark.slow  # imports Keras
def test_rgba_brightness_equals_keras():
    """On an RGBA image spanning 0..255 (Keras rescales others), the default equals
    Keras' ImageDataGenerator.apply_transform within PIL's 8-bit rounding."""
    os.environ.setdefault("KERAS_BACKEND", "numpy")
    pytest.importorskip("keras")
    try:
        from keras._tf_keras.keras.preprocessing.image import ImageDataGenerator
    except ImportError:  # pragma: no cover - older layouts
        from keras.src.legacy.preprocessing.image import ImageDataGenerator
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, (1, 6, 5, 4)).astype(np.float32)
    X[0, 0, 0] = 0
    X[0, 0, 1] = 255
    expected = ImageDataGenerator().apply_transform(X[0], {"brightness": 0.7})
    out = ArrayAugmenter(brightness_range=(0.7, 0.7)).augment(X)
    np.testing.assert_allclose(out[0], expected, atol=1)
    np.testing.assert_array_equal(out[0, ..., 3], X[0, ..., 3])
