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

pytestmark = pytest.mark.slow  # Keras' import alone takes seconds

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
    # Whether uint8 images reach Keras rescaled to keras_range (the HSV layers);
    # otherwise Keras gets them on 0..255 (the geometric layers, whose fill value
    # is in the data's units).
    uint8_in_keras_range: bool = False
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
    rescale = (images.dtype == np.uint8 and case.uint8_in_keras_range
               and (low, high) != (0, 255))
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


# Filters, erasing and policies (issue 12: the non-fusable family) -------------
#
# RandomErasing goes through the harness above: a subclass of Keras' layer
# records the rectangle's size fractions and start positions Keras draws, which
# are what our draw holds. Blur and elastic deformation need tests of their own:
# our blur reflects at the border where Keras pads with zeros (compared away
# from the border), and Keras draws one elastic field per batch from one seed
# (compared one image at a time, with Keras' seed). The policies draw their
# operations once per batch in Keras; the tests force Keras' choice and give
# every sample the same one.

# Our draws index Keras' own lists of layers (as the docstrings say), and hold
# one array per kind of magnitude, with these trailing shapes.
RANDAUGMENT_OPS = tuple(keras.layers.RandAugment._AUGMENT_LAYERS)
AUGMIX_OPS = tuple(keras.src.layers.preprocessing.image_preprocessing.aug_mix
                   .AUGMENT_LAYERS_ALL)
KERAS_MAGNITUDES = {"shear": (2,), "translation": (2,), "rotation": (),
                    "brightness": (), "color_degeneration": (), "contrast": (),
                    "sharpness": (), "posterization": (), "solarization": (2,)}


class _RecordingErasing(keras.layers.RandomErasing):
    """Keras' RandomErasing, recording the crop bounds it draws."""

    def _compute_crop_bounds(self, batch_size, image_length, crop_ratio, seed):
        start, end = super()._compute_crop_bounds(batch_size, image_length,
                                                  crop_ratio, seed)
        self.recorded.append((np.asarray(crop_ratio), np.asarray(start),
                              image_length))
        return start, end

    def get_random_transformation(self, data, training=True, seed=None):
        self.recorded = []
        transformation = super().get_random_transformation(data, training, seed)
        transformation["recorded"] = self.recorded
        return transformation


def _erasing_draws(t, n):
    """Keras' crop ratios and starts as our size fractions and positions."""
    sizes, positions = [], []
    for ratio, start, length in t["recorded"]:  # x (width), then y (height)
        extent = (ratio.astype(np.float32) * np.float32(length)).astype(np.float32)
        room = np.float32(length) - extent
        sizes.append(ratio)
        positions.append(np.where(room > 0, start / np.where(room > 0, room, 1), 0))
    return {"erase": np.asarray(t["apply_erasing"]), "size": np.stack(sizes, 1),
            "position": np.stack(positions, 1), "noise_seed": np.zeros(n, np.uint64)}


FILTER_CASES = [
    Parity("RandomErasing-constant",
           lambda: dlp.RandomErasing((0.5, 1.0), fill_value=0.0, value_range=(0, 255)),
           lambda: _RecordingErasing((0.5, 1.0), fill_value=0.0, seed=5),
           _erasing_draws),
    Parity("RandomErasing-per-channel",
           lambda: dlp.RandomErasing((0.5, 1.0), (0.1, 0.6), (10, 128, 250),
                                     value_range=(0, 255)),
           lambda: _RecordingErasing((0.5, 1.0), (0.1, 0.6), (10, 128, 250), seed=6),
           _erasing_draws, shape=(12, 20, 3)),
]


def _apply_ours(operation, draws, images):
    draws = {f"op__{key}": value for key, value in draws.items()}
    draws["op__applied"] = np.ones(len(images), dtype=bool)
    return dlp.Compose([("op", operation)]).apply_params(images, draws)


def _images(dtype, shape, seed=0, high=255):
    values = np.random.default_rng(seed).random(shape) * high
    return values.astype(dtype) if dtype != np.uint8 else np.rint(values).astype(
        np.uint8)


@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
@pytest.mark.parametrize("kernel_size", [3, 5, (3, 7)])
def test_gaussian_blur_equals_keras_away_from_the_border(kernel_size, dtype):
    """Given Keras' draw (whether to blur, sigma_x and sigma_y), the blur equals
    Keras' ``transform_images`` wherever the kernel stays inside the image:
    float32 to 1e-4, uint8 within one grey level. (At the border Keras pads with
    zeros; ours reflects, tested in test_operations_filter.py.)"""
    images = _images(dtype, (6, 16, 20, 3))
    layer = keras.layers.RandomGaussianBlur((0.5, 1.0), kernel_size, (0.3, 2.0),
                                            seed=7)
    t = layer.get_random_transformation(images.astype(np.float32))
    expected = np.asarray(layer.transform_images(images.astype(np.float32), t))
    sigma = np.tile(np.asarray(t["blur_factor"]), (len(images), 1))
    ours = _apply_ours(dlp.RandomGaussianBlur((0.5, 1.0), kernel_size, (0.3, 2.0),
                                              value_range=(0, 255)),
                       {"blur": np.asarray(t["should_apply_blur"]), "sigma": sigma},
                       images)
    assert ours.dtype == dtype
    size_x, size_y = (kernel_size,) * 2 if np.ndim(kernel_size) == 0 else kernel_size
    inner = (slice(None), slice(size_y // 2, -(size_y // 2)),
             slice(size_x // 2, -(size_x // 2)))
    assert np.asarray(t["should_apply_blur"]).any()
    if dtype == np.uint8:
        assert np.abs(ours[inner] - np.clip(expected[inner], 0, 255)).max() <= 1.0
    else:
        np.testing.assert_allclose(ours[inner], expected[inner], atol=1e-4,
                                   rtol=1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
@pytest.mark.parametrize("fill_mode", ["reflect", "mirror", "wrap", "nearest",
                                       "constant"])
def test_elastic_transform_equals_keras_one_image_at_a_time(fill_mode,
                                                            interpolation, dtype):
    """Given Keras' strength and the seed of its noise (one image per batch, so
    that Keras' field is one image's), the deformation equals Keras'
    ``transform_images``. Keras builds the field in float32, so positions agree
    to about 1e-6 pixel: values on images in [0, 1] agree to 1e-4 (on random
    noise, the steepest case), uint8 within one grey level."""
    high = 1.0 if dtype == np.float32 else 255
    images = _images(dtype, (3, 24, 32, 3), seed=1, high=high)
    value_range = (0, high)
    for i in range(len(images)):
        image = images[i:i + 1]
        layer = keras.layers.RandomElasticTransform(
            (1.0, 1.0), (0.2, 1.0), interpolation, fill_mode, 0.4 * high,
            value_range=value_range, seed=20 + i)
        t = layer.get_random_transformation(image.astype(np.float32))
        seed = np.array(t["seed"].state.value)  # what Keras' field will draw
        expected = np.asarray(layer.transform_images(image.astype(np.float32), t))
        draws = {"transform": np.asarray(t["apply_transform"]),
                 "scale": np.asarray(t["distortion_factor"]).reshape(1),
                 "noise_seed": seed.reshape(1, 2)}
        ours = _apply_ours(dlp.RandomElasticTransform(
            (1.0, 1.0), (0.2, 1.0), interpolation, fill_mode, 0.4 * high,
            value_range=value_range), draws, image)
        assert ours.dtype == dtype
        assert np.abs(expected - image).max() > 0.1 * high  # it did deform
        if dtype == np.uint8:
            assert np.abs(ours - np.clip(expected, 0, 255)).max() <= 1.0
        else:
            np.testing.assert_allclose(ours, expected, atol=1e-4, rtol=0)


def _keras_policy_magnitudes(name, t, n, value_range):
    """The values of one of Keras' policy layers' transformation, as our draw's
    magnitude keys (zeros for the others)."""
    def flat(a):
        return np.asarray(a).reshape(n, -1)

    out = {key: np.zeros((n, *shape)) for key, shape in KERAS_MAGNITUDES.items()}
    width = value_range[1] - value_range[0]
    if name == "random_shear":
        out["shear"] = flat(t["shear_factor"])
    elif name == "random_translation":
        out["translation"] = flat(t["translations"])
    elif name == "random_rotation":
        out["rotation"] = flat(t["angle"])[:, 0]
    elif name == "random_brightness":
        out["brightness"] = flat(t["rgb_delta"])[:, 0] / width
    elif name == "random_color_degeneration":
        out["color_degeneration"] = flat(t["factor"])[:, 0]
    elif name == "random_contrast":
        out["contrast"] = flat(t["contrast_factor"])[:, 0]
    elif name == "random_sharpness":
        out["sharpness"] = flat(t["factor"])[:, 0]
    elif name == "random_posterization":
        out["posterization"] = 8 - flat(t["shift_factor"])[:, 0].astype(int)
    elif name == "solarization":
        out["solarization"] = np.stack([flat(t["additions"])[:, 0],
                                        flat(t["thresholds"])[:, 0]], 1)
    return out


def _keras_rand_augment(images, value_range, op_indices, seed):
    """Keras' RandAugment output for its own draw with ``layer_idxes`` forced,
    and that draw as ours (every sample the same operations)."""
    n = len(images)
    layer = keras.layers.RandAugment(value_range=value_range,
                                     num_ops=len(op_indices), factor=0.7, seed=seed)
    # Keras' RandomBrightness adds in place on the numpy backend, so inside
    # RandAugment it would shift the images whatever operation was drawn: give
    # it a copy (the bug our RandAugment does not copy).
    brightness = layer.random_brightness.transform_images
    layer.random_brightness.transform_images = (
        lambda x, t, training=True: brightness(np.array(x, copy=True), t, training))
    t = layer.get_random_transformation(images.astype(np.float32))
    t["layer_idxes"] = np.asarray(op_indices)
    expected = np.asarray(layer.transform_images(images.astype(np.float32), t))
    draws = {"op": np.tile(op_indices, (n, 1))}
    per_layer = {name: _keras_policy_magnitudes(name, t["transforms"][name], n,
                                                value_range)
                 for name in RANDAUGMENT_OPS}
    for key in KERAS_MAGNITUDES:
        # Keras reuses a layer's draw when it is picked twice; so do we here.
        draws[key] = np.stack([per_layer[RANDAUGMENT_OPS[i]][key]
                               for i in op_indices], 1)
    return expected, draws


@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
@pytest.mark.parametrize("name", RANDAUGMENT_OPS)
def test_rand_augment_operation_equals_keras(name, dtype):
    """Each of RandAugment's operations, given Keras' draw, equals Keras'
    RandAugment with that operation: float32 in [0, 1] to 1e-4, uint8 within one
    grey level. Equalization is compared on one image (Keras pools the histogram
    over the batch), sharpness away from the outermost pixels (Keras' zero
    padding darkens them; ours keeps them)."""
    n = 1 if name == "equalization" else 5
    high = 1.0 if dtype == np.float32 else 255
    images = _images(dtype, (n, 16, 20, 3), seed=2, high=high)
    index = RANDAUGMENT_OPS.index(name)
    expected, draws = _keras_rand_augment(images, (0, high), [index], seed=index)
    ours = _apply_ours(dlp.RandAugment((0, high), num_ops=1, factor=0.7), draws,
                       images)
    assert ours.dtype == dtype
    if name != "auto_contrast":  # random noise already spans the range
        assert np.abs(expected - images).max() > 0.01 * high
    if name == "random_sharpness":
        ours, expected = ours[:, 1:-1, 1:-1], expected[:, 1:-1, 1:-1]
    if dtype == np.uint8:
        assert np.abs(ours - np.clip(expected, 0, 255)).max() <= 1.0
    else:
        np.testing.assert_allclose(ours, expected, atol=1e-4, rtol=0)


@pytest.mark.parametrize("op_indices", [[2, 3], [0, 8], [1, 5], [4, 4], [9, 7]])
def test_rand_augment_two_operations_equal_keras(op_indices):
    """Two operations in sequence (and one drawn twice, which Keras applies
    with the same magnitude twice) equal Keras' RandAugment given its draw."""
    images = _images(np.float32, (4, 16, 16, 3), seed=3, high=1.0)
    expected, draws = _keras_rand_augment(images, (0, 1), op_indices, seed=11)
    ours = _apply_ours(dlp.RandAugment((0, 1), num_ops=2, factor=0.7), draws,
                       images)
    np.testing.assert_allclose(ours, expected, atol=1e-4, rtol=0)


def test_rand_augment_keras_brightness_leaks_into_other_operations():
    """The Keras bug documented in RandAugment's Notes: on the numpy backend,
    Keras' RandAugment shifts the brightness of an image for which it drew
    contrast (a constant image, which contrast leaves as it is); ours does
    not."""
    images = np.full((2, 8, 8, 3), 100.0, dtype=np.float32)
    layer = keras.layers.RandAugment(value_range=(0, 255), num_ops=1, factor=0.5,
                                     seed=0)
    t = layer.get_random_transformation(images)
    t["layer_idxes"] = np.array([RANDAUGMENT_OPS.index("random_contrast")])
    with np.errstate(divide="ignore", invalid="ignore"):  # Keras' auto-contrast
        keras_out = np.asarray(layer.transform_images(images.copy(), t))
    delta = np.asarray(t["transforms"]["random_brightness"]["rgb_delta"]).ravel()
    np.testing.assert_allclose(keras_out[:, 0, 0, 0], 100 + delta, rtol=1e-6)
    draws = {"op": np.full((2, 1), RANDAUGMENT_OPS.index("random_contrast"))}
    draws.update({key: np.zeros((2, 1, *shape))
                  for key, shape in KERAS_MAGNITUDES.items()})
    draws["contrast"][:] = 1.3
    ours = _apply_ours(dlp.RandAugment((0, 255), num_ops=1), draws, images)
    np.testing.assert_array_equal(ours, images)


@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
def test_aug_mix_equals_keras_given_its_chains(dtype):
    """AugMix given Keras' chains (each link a layer's own draw), chain weights
    and mixing weight equals Keras' AugMix: float32 in [0, 1] to 1e-4, uint8
    within one grey level. (Keras picks the links with Python's global random
    module; the test writes the chains itself.)"""
    high = 1.0 if dtype == np.float32 else 255
    images = _images(dtype, (4, 16, 20, 3), seed=4, high=high)
    value_range = (0, high)
    layer = keras.layers.AugMix(value_range=value_range, num_chains=3,
                                chain_depth=3, factor=0.6, seed=4)
    chains = [["random_rotation", "random_posterization", "random_brightness"],
              ["solarization", "random_contrast"],
              ["random_shear", "random_translation", "auto_contrast"]]
    data = images.astype(np.float32)
    chain_transforms = [
        [{"layer_name": name,
          "transformation": getattr(layer, name).get_random_transformation(data)}
         for name in chain] for chain in chains]
    weights = np.array([0.2, 0.5, 0.3], dtype=np.float32)
    t = {"chain_mixing_weights": weights, "weight_sample": np.float32(0.35),
         "chain_transforms": chain_transforms}
    expected = np.asarray(layer.transform_images(data.copy(), t))

    n = len(images)
    draws = {"op": np.full((n, 3, 3), len(AUGMIX_OPS))}  # "no operation"
    draws.update({key: np.zeros((n, 3, 3, *shape))
                  for key, shape in KERAS_MAGNITUDES.items()})
    for c, chain in enumerate(chain_transforms):
        for d, link in enumerate(chain):
            draws["op"][:, c, d] = AUGMIX_OPS.index(link["layer_name"])
            values = _keras_policy_magnitudes(link["layer_name"],
                                              link["transformation"], n,
                                              value_range)
            for key, value in values.items():
                draws[key][:, c, d] = value
    draws["chain_weights"] = np.tile(weights, (n, 1))
    draws["mix_weight"] = np.full(n, 0.35)
    ours = _apply_ours(dlp.AugMix(value_range, 3, 3, 0.6), draws, images)
    assert ours.dtype == dtype
    assert np.abs(expected - images).max() > 0.1 * high
    if dtype == np.uint8:
        assert np.abs(ours - np.clip(expected, 0, 255)).max() <= 1.0
    else:
        np.testing.assert_allclose(ours, expected, atol=1e-4, rtol=0)


CASES.extend(FILTER_CASES)
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
           lambda t, n: {"factor": _flat(t["factor"], n)}, keras_range=(0, 1),
           uint8_in_keras_range=True),
    Parity("RandomHue", lambda: dlp.RandomHue(0.8),
           lambda: keras.layers.RandomHue(0.8, value_range=(0, 1), seed=7),
           lambda t, n: {"factor": _flat(t["factor"], n)}, keras_range=(0, 1),
           uint8_in_keras_range=True),
    Parity("RandomColorJitter", lambda: dlp.RandomColorJitter(**_JITTER),
           lambda: _ColorJitterReplay(value_range=(0, 1), seed=8, **_JITTER),
           lambda t, n: {
               "brightness_delta": _flat(t["random_brightness"]["rgb_delta"], n),
               "contrast_factor": _flat(t["random_contrast"]["contrast_factor"], n),
               "saturation_factor": _flat(t["random_saturation"]["factor"], n),
               "hue_factor": _flat(t["random_hue"]["factor"], n)},
           keras_range=(0, 1), uint8_in_keras_range=True),
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
           shape=(16, 16, 1), keras_range=(0, 1), uint8_in_keras_range=True),
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
           shape=(64, 64, 3), keras_range=(0, 1), uint8_in_keras_range=True),
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
