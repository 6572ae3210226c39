"""Against Keras itself: same draw, same image as ImageDataGenerator.apply_transform.

Keras is a dev dependency (numpy backend), so this runs in CI; it pins the claim in
API.md to the real implementation, beside the scipy transcription in test_warp.py
(which runs in the quick loop). Importing Keras takes seconds, so these are marked
slow and Keras is imported by the tests, not at collection.
"""

import os

import numpy as np
import pytest

from sklearn_dlprep import ArrayAugmenter

pytestmark = pytest.mark.slow


def _image_data_generator():
    os.environ.setdefault("KERAS_BACKEND", "numpy")
    pytest.importorskip("keras")
    # Keras 3 keeps the legacy class under tf.keras' path and its own legacy path.
    try:
        from keras._tf_keras.keras.preprocessing.image import ImageDataGenerator
    except ImportError:  # pragma: no cover - depends on the Keras release
        from keras.src.legacy.preprocessing.image import ImageDataGenerator
    return ImageDataGenerator


@pytest.mark.parametrize("fill_mode", ["nearest", "reflect", "constant"])
def test_apply_params_equals_keras_apply_transform(fill_mode):
    """Square float images, random draws of every geometric key and channel shift."""
    generator = _image_data_generator()(fill_mode=fill_mode, cval=0.3)
    augmenter = ArrayAugmenter(fill_mode=fill_mode, cval=0.3)
    rng = np.random.default_rng(0)
    X = rng.random((12, 16, 16, 3)).astype(np.float32)
    for image in X:
        draw = dict(theta=rng.uniform(-40, 40), tx=rng.uniform(-3, 3),
                    ty=rng.uniform(-3, 3), shear=rng.uniform(-20, 20),
                    zx=rng.uniform(0.8, 1.2), zy=rng.uniform(0.8, 1.2),
                    flip_horizontal=bool(rng.random() < 0.5),
                    flip_vertical=bool(rng.random() < 0.5),
                    channel_shift_intensity=float(rng.uniform(-0.2, 0.2)))
        expected = generator.apply_transform(image.copy(), dict(draw))
        ours = augmenter.apply_params(image[None], {k: np.array([v])
                                                    for k, v in draw.items()})[0]
        np.testing.assert_allclose(ours, expected, atol=1e-5)


def test_keras_width_shift_bug_is_not_copied():
    """Keras' draw moves a width shift along the rows; ours along the columns."""
    generator = _image_data_generator()(width_shift_range=0.3)
    draws = [generator.get_random_transform((10, 40, 3)) for _ in range(100)]
    assert max(abs(d["tx"]) for d in draws) == 0  # Keras' long-standing bug
    ours = ArrayAugmenter(width_shift_range=0.3).sample_params(
        np.zeros((100, 10, 40, 3)), random_state=0)
    assert np.abs(ours["ty"]).max() == 0 and 10 < np.abs(ours["tx"]).max() <= 12
