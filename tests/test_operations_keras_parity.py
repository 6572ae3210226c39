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
    transformation = layer.get_random_transformation(images.astype(np.float32),
                                                     training=True)
    expected = np.asarray(layer.transform_images(images.astype(np.float32),
                                                 transformation, training=True))
    draws = {f"op__{key}": value for key, value in
             case.to_draws(transformation, n).items()}
    draws["op__applied"] = np.ones(n, dtype=bool)
    ours = dlp.Compose([("op", case.ours())]).apply_params(images, draws)
    return ours, expected


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_float32_equals_keras(case):
    """float32 images in Keras' value range: equal to 1e-4."""
    images = (np.random.default_rng(0).random((6, *case.shape)) * 255).astype(
        np.float32)
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
