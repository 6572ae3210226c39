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
    keras_range: tuple = (0, 255)  # the data range both are given (float32 test)
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
    low, high = case.keras_range
    images = (low + np.random.default_rng(0).random((6, *case.shape)) * (
        high - low)).astype(np.float32)
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


# Geometric operations ------------------------------------------------------------
# Keras 3 warps with keras.ops.image.affine_transform (numpy backend: scipy's
# map_coordinates on a padded image), ours with OpenCV. Both are float32 warps,
# each about 2e-6 of the data's range from the float64 result (4e-4 on 0..255
# data), so the float32 test gives them data in [0, 1], where 1e-4 is a real
# bound; uint8 data is 0..255 as for every case.

def _perspective_draws(t, n):
    """Keras moves corner k by start_k * factor_k (a bug: the top-left corner never
    moves); ours by factor_k * (W - 1, H - 1). Zero factors where Keras' start is 0
    give Keras' corners."""
    start = np.asarray(t["start_points"], dtype=np.float64)
    end = np.asarray(t["end_points"], dtype=np.float64)
    offsets = np.where(start != 0, (end - start) / np.where(start != 0, start, 1), 0)
    return {"perspective": np.asarray(t["apply_perspective"]), "offsets": offsets}


def _warp_case(id, ours, theirs, to_draws, shape):
    return Parity(id, ours, theirs, to_draws, shape=shape, keras_range=(0, 1))


def _translations(t, n):
    return {"dx": t["translations"][:, 0], "dy": t["translations"][:, 1]}


def _zooms(t, n):
    return {"height_zoom": _flat(t["height_zoom"], n),
            "width_zoom": _flat(t["width_zoom"], n)}


def _shears(t, n):
    return {"shear_x": t["shear_factor"][:, 0], "shear_y": t["shear_factor"][:, 1]}


def _angles(t, n):
    return {"angle": t["angle"]}


def _geometric_cases():
    cases = []
    for fill_mode in ("reflect", "wrap", "constant", "nearest"):
        w = {"fill_mode": fill_mode, "fill_value": 0.3}
        for shape in [(16, 16, 3), (12, 20, 1)]:  # Keras' centre on non-squares too
            tag = f"{fill_mode}-{shape[0]}x{shape[1]}x{shape[2]}"
            cases += [
                _warp_case(f"RandomRotation-{tag}",
                           lambda w=w: dlp.RandomRotation(0.3, **w),
                           lambda w=w: keras.layers.RandomRotation(0.3, seed=4, **w),
                           _angles, shape),
                _warp_case(f"RandomTranslation-{tag}",
                           lambda w=w: dlp.RandomTranslation(0.3, (-0.2, 0.4), **w),
                           lambda w=w: keras.layers.RandomTranslation(
                               0.3, (-0.2, 0.4), seed=5, **w),
                           _translations, shape),
                _warp_case(f"RandomZoom-{tag}",
                           lambda w=w: dlp.RandomZoom(0.3, (-0.2, 0.4), **w),
                           lambda w=w: keras.layers.RandomZoom(
                               0.3, (-0.2, 0.4), seed=6, **w),
                           _zooms, shape),
                _warp_case(f"RandomShear-{tag}",
                           lambda w=w: dlp.RandomShear(0.3, (0.1, 0.4), **w),
                           lambda w=w: keras.layers.RandomShear(
                               0.3, (0.1, 0.4), seed=7, **w),
                           _shears, shape),
            ]
    for shape in [(16, 16, 3), (12, 20, 1)]:
        tag = f"{shape[0]}x{shape[1]}x{shape[2]}"
        cases += [
            _warp_case(f"RandomZoom-aspect-kept-{tag}",
                       lambda: dlp.RandomZoom((-0.4, 0.3)),
                       lambda: keras.layers.RandomZoom((-0.4, 0.3), seed=8),
                       _zooms, shape),
            _warp_case(f"RandomRotation-nearest-interpolation-{tag}",
                       lambda: dlp.RandomRotation(0.2, interpolation="nearest"),
                       lambda: keras.layers.RandomRotation(
                           0.2, interpolation="nearest", seed=9),
                       _angles, shape),
            _warp_case(f"RandomPerspective-{tag}",
                       lambda: dlp.RandomPerspective(scale=0.5, fill_value=0.3),
                       lambda: keras.layers.RandomPerspective(
                           factor=(1.0, 1.0), scale=0.5, fill_value=0.3, seed=10),
                       _perspective_draws, shape),
            # Keras' defaults: scale 1 (folds possible), about half not distorted.
            _warp_case(f"RandomPerspective-default-{tag}",
                       lambda: dlp.RandomPerspective(),
                       lambda: keras.layers.RandomPerspective(seed=11),
                       _perspective_draws, shape),
        ]
    return cases


GEOMETRIC_CASES = _geometric_cases()
CASES.extend(GEOMETRIC_CASES)
