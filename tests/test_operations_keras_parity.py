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


# RandomCrop: Keras returns the window, ours resizes it back to the sample's size.

def _crop_window_mask(top, left, size, window):
    """Output pixels whose source lies inside the window or past an image edge the
    window touches: there, ours equals Keras' crop resized by keras.ops.image.resize
    (which repeats the window's edge where ours reads the pixel beyond it)."""
    masks = []
    for start, n, m, n_image in [(top, size[0], window[0], size[2]),
                                 (left, size[1], window[1], size[3])]:
        source = (np.arange(n) + 0.5) * m / n - 0.5
        low = source >= 0 if start > 0 else np.ones(n, dtype=bool)
        high = source <= m - 1 if start + m < n_image else np.ones(n, dtype=bool)
        masks.append(low & high)
    return masks[0][:, np.newaxis] & masks[1][np.newaxis, :]


@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
@pytest.mark.parametrize("position", ["drawn", (0, 0), (6, 8), (2, 5)])
def test_random_crop_equals_keras_crop_resized_back(dtype, position):
    """RandomCrop(height, width) = Keras' RandomCrop window, resized to the input's
    size by keras.ops.image.resize (bilinear, half-pixel centres): 1e-4 on float32
    in [0, 1], one grey level on uint8, outside the half-pixel band at the window's
    inner edges (see the docstring); the band is a blend of the window's edge and
    the pixel beyond it."""
    rng = np.random.default_rng(2)
    images = rng.random((4, 16, 20, 3))
    images = (images * 255).astype(np.uint8) if dtype == np.uint8 else images.astype(
        dtype)
    layer = keras.layers.RandomCrop(10, 12, seed=12)
    if position == "drawn":
        position = layer.get_random_transformation(images.astype(np.float32),
                                                   training=True)
    top, left = int(position[0]), int(position[1])
    window = np.asarray(layer.transform_images(images.astype(np.float32),
                                               (top, left), training=True))
    expected = np.asarray(keras.ops.image.resize(window, (16, 20),
                                                 interpolation="bilinear",
                                                 antialias=False))
    draws = {"op__applied": np.ones(4, dtype=bool), "op__top": np.full(4, top),
             "op__left": np.full(4, left)}
    ours = dlp.Compose([("op", dlp.RandomCrop(10, 12))]).apply_params(images, draws)
    assert ours.dtype == dtype and ours.shape == images.shape
    mask = _crop_window_mask(top, left, (16, 20, 16, 20), (10, 12))
    assert mask.sum() >= 0.75 * mask.size
    if dtype == np.uint8:
        assert np.abs(ours[:, mask] - np.clip(expected[:, mask], 0, 255)).max() <= 1
    else:
        np.testing.assert_allclose(ours[:, mask], expected[:, mask], atol=1e-4)
    band = ours[:, ~mask].astype(float)
    assert band.min() >= images.min() and band.max() <= images.max()


def test_random_crop_moves_where_keras_returns_a_centre_crop():
    """Keras' RandomCrop returns a fixed centre crop when the image is as tall as
    the window (its test is ``input_height > height and input_width > width``), a
    bug not copied: ours draws the horizontal position, and leaves the full-height
    axis alone."""
    images = np.random.default_rng(3).random((8, 16, 20, 3)).astype(np.float32)
    layer = keras.layers.RandomCrop(16, 12, seed=13)
    keras_positions = {tuple(int(v) for v in layer.get_random_transformation(
        images, training=True)) for _ in range(5)}
    assert keras_positions == {(0, 4)}  # Keras: always the centre
    params = dlp.Compose([("crop", dlp.RandomCrop(16, 12))]).sample_params(
        np.zeros((200, 16, 20, 3)), random_state=0)
    assert set(params["crop__top"].tolist()) == {0}
    assert set(params["crop__left"].tolist()) == set(range(9))


def test_random_perspective_moves_every_corner():
    """Keras moves a corner by its own coordinates times the drawn factor, so its
    top-left corner never moves (a bug not copied); ours moves every corner along
    both axes."""
    images = np.random.default_rng(4).random((50, 12, 16, 1)).astype(np.float32)
    transformation = keras.layers.RandomPerspective(
        factor=(1.0, 1.0), scale=0.6, seed=14).get_random_transformation(
        images, training=True)
    end = np.asarray(transformation["end_points"])
    np.testing.assert_array_equal(end[:, 0], 0.0)  # Keras: never moves
    compose = dlp.Compose([("tilt", dlp.RandomPerspective(scale=0.6))])
    params = compose.sample_params(images, random_state=0)
    assert np.all(np.abs(params["tilt__offsets"]) <= 0.3)
    assert np.all(np.ptp(params["tilt__offsets"], axis=0) > 0.4)  # every corner, axis
    only_top_left = {**params, "tilt__offsets": np.zeros((50, 4, 2))}
    only_top_left["tilt__offsets"][:, 0] = 0.25
    moved = compose.apply_params(images, only_top_left)
    np.testing.assert_array_equal(moved[:, 0, 0], 0.0)  # reads outside: the fill
    np.testing.assert_allclose(moved[:, -1, -1], images[:, -1, -1], atol=1e-6)


def test_random_perspective_factor_one_always_distorts():
    """Keras documents factor=1.0 as "always applied" but draws the probability in
    [0, 1], distorting about half the images (a bug not copied); ours with
    factor=1.0 distorts every sample, factor=0.0 none."""
    images = np.zeros((400, 8, 8, 1), dtype=np.float32)
    applied = keras.layers.RandomPerspective(seed=15).get_random_transformation(
        images, training=True)["apply_perspective"]
    assert 0.35 < np.mean(applied) < 0.65
    for factor, expected in [(1.0, 1.0), (0.0, 0.0)]:
        params = dlp.Compose([("tilt", dlp.RandomPerspective(factor))]).sample_params(
            images, random_state=0)
        assert np.mean(params["tilt__perspective"]) == expected
