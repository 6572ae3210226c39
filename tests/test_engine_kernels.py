"""The warp: Keras' geometry, pinned against a scipy transcription of Keras."""

import numpy as np
import pytest
from keras_reference import apply_transform

from sklearn_dlprep import ArrayAugmenter
from sklearn_dlprep._engine import FILL_MODES, affine_inverse_maps, warp_rows

DRAWS = [
    {"theta": 23.0, "tx": 1.7, "ty": -2.2, "shear": 11.0, "zx": 0.85, "zy": 1.15},
    {"theta": -40.0, "tx": -3.0, "ty": 0.5, "shear": -8.0, "zx": 1.2, "zy": 0.9,
     "flip_horizontal": True},
    # Sources off the pixel grid: an exact edge position is round-off's to decide.
    {"theta": 90.0, "tx": 0.25, "ty": -0.25, "shear": 0.0, "zx": 1.0, "zy": 1.0,
     "flip_vertical": True, "flip_horizontal": True},
    {"theta": 5.0, "tx": 0.3, "ty": 4.4, "shear": 20.0, "zx": 0.7, "zy": 0.75,
     "channel_shift_intensity": 0.2},
]


def _batch(draws):
    keys = set().union(*draws)
    params = {}
    for key in keys:
        values = [d.get(key) for d in draws]
        if key == "channel_shift_intensity":
            params[key] = np.array([0.0 if v is None else v for v in values])
        elif key.startswith("flip"):
            params[key] = np.array([bool(v) for v in values])
        else:
            default = 1.0 if key in ("zx", "zy") else 0.0
            params[key] = np.array([default if v is None else v for v in values])
    return params


@pytest.mark.parametrize("fill_mode", FILL_MODES)
@pytest.mark.parametrize("shape", [(9, 9, 3), (7, 12, 2), (12, 7, 1), (10, 10, 6)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_apply_params_matches_keras_reference(fill_mode, shape, dtype):
    """apply_params equals Keras' apply_transform (scipy) for every fill mode."""
    rng = np.random.default_rng(0)
    X = rng.random((len(DRAWS),) + shape).astype(dtype)
    params = _batch(DRAWS)
    aug = ArrayAugmenter(fill_mode=fill_mode, cval=0.25)
    out = aug.apply_params(X, params)
    assert out.dtype == dtype
    for i, draw in enumerate(DRAWS):
        expected = apply_transform(X[i].astype(np.float64), draw, fill_mode=fill_mode,
                                   cval=0.25)
        np.testing.assert_allclose(out[i], expected, atol=2e-5)


@pytest.mark.parametrize("fill_mode", FILL_MODES)
def test_opencv_and_scipy_kernels_agree_on_uint8(fill_mode):
    """The fast kernel and the scipy kernel agree within rounding on uint8."""
    rng = np.random.default_rng(1)
    X = rng.integers(0, 256, size=(len(DRAWS), 10, 10, 3), dtype=np.uint8)
    params = _batch(DRAWS)
    maps = affine_inverse_maps(params, 10, 10)
    rows = np.arange(len(DRAWS))
    fast, ref = np.empty_like(X), np.empty_like(X)
    warp_rows(X, rows, fast, rows, maps, fill_mode=fill_mode, cval=7)
    warp_rows(X, rows, ref, rows, maps, fill_mode=fill_mode, cval=7,
              backend="scipy")
    assert np.abs(fast.astype(int) - ref.astype(int)).max() <= 1


def test_order_zero_and_higher_orders_follow_scipy():
    """Spline orders above 1 go through scipy; order 0 agrees with scipy's nearest."""
    rng = np.random.default_rng(2)
    X = rng.random((len(DRAWS), 9, 9, 2))
    params = _batch(DRAWS)
    for order in (0, 3):
        out = ArrayAugmenter(interpolation_order=order).apply_params(X, params)
        for i, draw in enumerate(DRAWS):
            expected = apply_transform(X[i], draw, order=order)
            mismatch = ~np.isclose(out[i], expected, atol=1e-6)
            # nearest-neighbour ties (a source exactly halfway) may round apart
            assert mismatch.mean() < 0.02


def test_non_square_centre_is_the_true_centre():
    """A 180-degree turn of a 10x20 image is the image reversed on both axes."""
    X = np.random.default_rng(3).random((1, 10, 20))
    out = ArrayAugmenter().apply_params(X, {"theta": np.array([180.0])})
    np.testing.assert_allclose(out[0], X[0, ::-1, ::-1], atol=1e-9)


def test_wrap_is_periodic_with_period_n():
    """A shift by the full width with fill_mode="wrap" gives the image back."""
    X = np.random.default_rng(4).random((1, 6, 8))
    aug = ArrayAugmenter(fill_mode="wrap")
    out = aug.apply_params(X, {"tx": np.array([8.0])})
    np.testing.assert_allclose(out, X, atol=1e-6)
    out = aug.apply_params(X, {"tx": np.array([3.0])})
    np.testing.assert_allclose(out[0], np.roll(X[0], -3, axis=1), atol=1e-6)


def test_constant_fill_has_no_blended_edge():
    """With "constant", pixels whose source lies outside the input read cval."""
    X = np.ones((1, 5, 5))
    out = ArrayAugmenter(fill_mode="constant", cval=-1.0).apply_params(
        X, {"tx": np.array([-0.5])})
    np.testing.assert_array_equal(out[0, :, 0], -1.0)
    np.testing.assert_array_equal(out[0, :, 1:], 1.0)


def test_flips_fold_into_the_map():
    """A flip alone is an exact mirror of the sample."""
    X = np.random.default_rng(5).random((2, 4, 6, 3)).astype(np.float32)
    aug = ArrayAugmenter()
    out = aug.apply_params(X, {"flip_horizontal": np.array([True, False]),
                               "flip_vertical": np.array([False, True])})
    np.testing.assert_allclose(out[0], X[0, :, ::-1], atol=1e-6)
    np.testing.assert_allclose(out[1], X[1, ::-1], atol=1e-6)


def test_identity_and_pure_flips_are_exact_copies():
    """Zero draws and pure flips copy values exactly, even where float32 cannot
    hold them (int64 beyond 2**24)."""
    X = (2**60 + np.arange(4 * 17 * 5, dtype=np.int64)).reshape(4, 17, 5, 1)
    params = {"theta": np.zeros(4), "tx": np.zeros(4), "zx": np.ones(4),
              "flip_horizontal": np.array([False, True, False, True]),
              "flip_vertical": np.array([False, False, True, True])}
    out = np.empty_like(X)
    rows = np.arange(4)
    warp_rows(X, rows, out, rows, affine_inverse_maps(params, 17, 5))
    np.testing.assert_array_equal(out[0], X[0])
    np.testing.assert_array_equal(out[1], X[1, :, ::-1])
    np.testing.assert_array_equal(out[2], X[2, ::-1])
    np.testing.assert_array_equal(out[3], X[3, ::-1, ::-1])


def test_many_channels_and_channels_first():
    """Any channel count warps in one call; channels_first gives the same result."""
    X = np.random.default_rng(6).random((2, 8, 8, 10)).astype(np.float32)
    params = _batch(DRAWS[:2])
    last = ArrayAugmenter().apply_params(X, params)
    first = ArrayAugmenter(data_format="channels_first").apply_params(
        np.ascontiguousarray(np.moveaxis(X, -1, 1)), params)
    np.testing.assert_allclose(np.moveaxis(first, 1, -1), last, atol=1e-6)
    for i, draw in enumerate(DRAWS[:2]):
        np.testing.assert_allclose(last[i], apply_transform(X[i], draw), atol=2e-5)


@pytest.mark.parametrize("fill_mode", FILL_MODES)
def test_rotation_is_in_degrees(fill_mode):
    """theta=90 turns a square image a quarter, keeping every pixel in any mode."""
    X = np.random.default_rng(7).random((1, 6, 6, 3)).astype(np.float32)
    out = ArrayAugmenter(fill_mode=fill_mode, cval=-5).apply_params(
        X, {"theta": np.array([90.0])})
    # The map reads out[r, c] = in[c, W-1-r]: counter-clockwise on screen.
    np.testing.assert_allclose(out[0], np.rot90(X[0]), atol=1e-5)


# Resized windows: crop + cv2.resize (+ cv2.flip) instead of the warp -------------

def _window_maps_with_flips(rng, n, height, width):
    """RandomResizedCrop's maps (torchvision's windows, ImageNet's scale and
    ratio), each axis flipped with probability 1/2, as Compose fuses them."""
    from sklearn_dlprep import Compose, RandomFlip, RandomResizedCrop
    from sklearn_dlprep._engine import compose_inverse_maps

    compose = Compose([("crop", RandomResizedCrop()), ("flip", RandomFlip())])
    params = compose.sample_params(np.zeros((n, height, width)), random_state=rng)
    crop = {key[len("crop__"):]: value for key, value in params.items()
            if key.startswith("crop__")}
    scale_x = crop["width"] / width
    scale_y = crop["height"] / height
    maps = np.zeros((n, 2, 3))
    maps[:, 0, 0], maps[:, 1, 1] = scale_x, scale_y
    maps[:, 0, 2] = crop["left"] + 0.5 * scale_x - 0.5
    maps[:, 1, 2] = crop["top"] + 0.5 * scale_y - 0.5
    flips = affine_inverse_maps({"flip_horizontal": rng.random(n) < 0.5,
                                 "flip_vertical": rng.random(n) < 0.5},
                                height, width)
    return compose_inverse_maps([maps, flips])


def _warp_all(X, maps, **kwargs):
    out = np.empty_like(X)
    rows = np.arange(len(X))
    warp_rows(X, rows, out, rows, maps, **kwargs)
    return out.astype(np.float64)


@pytest.mark.parametrize("fill_mode", FILL_MODES + ("grid-constant", "mirror"))
@pytest.mark.parametrize("shape", [(48, 64, 3), (37, 29, 1), (30, 30, 5)])
def test_resized_windows_follow_the_reference_kernel(fill_mode, shape):
    """Axis-aligned maps of whole windows inside the sample (a resized crop, with
    flips) take the crop + resize path, which reads the pixels past the window's
    edge as the warp does: within one grey level of the scipy kernel on uint8
    and 3e-5 on float32 in [0, 1] (the warp's own precision, 2**-20 * (1 + p))."""
    from sklearn_dlprep._engine._kernels import resize_windows

    rng = np.random.default_rng(3)
    maps = _window_maps_with_flips(rng, 30, *shape[:2])
    assert resize_windows(maps, *shape[:2], 1)[0].all()
    images = rng.random((len(maps), *shape))
    for X, atol in (((images * 255).astype(np.uint8), 1),
                    (images.astype(np.float32), 3e-5)):
        expected = _warp_all(X, maps, fill_mode=fill_mode, cval=100.0,
                             backend="scipy")
        out = _warp_all(X, maps, fill_mode=fill_mode, cval=100.0)
        np.testing.assert_allclose(out, expected, rtol=0, atol=atol)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_resized_windows_at_224_pixels(dtype):
    """The ImageNet-style case: 224x224 RGB, many windows (some touch the
    sample's edges, most lie inside it), within the warp's tolerances."""
    rng = np.random.default_rng(4)
    maps = _window_maps_with_flips(rng, 16, 224, 224)
    images = rng.random((len(maps), 224, 224, 3))
    X = (images * 255).astype(np.uint8) if dtype == np.uint8 else images.astype(
        dtype)
    expected = _warp_all(X, maps, backend="scipy", fill_mode="reflect")
    out = _warp_all(X, maps, fill_mode="reflect")
    np.testing.assert_allclose(out, expected, rtol=0,
                               atol=1 if dtype == np.uint8 else 3e-5)


@pytest.mark.parametrize("shape", [(224, 224, 3), (31, 45, 1), (300, 170, 4)])
def test_nearest_resized_windows_equal_the_warp(shape, monkeypatch):
    """With order=0 the resize reads exactly the warp's pixels; maps with a
    position at (or within round-off of) a tie between two pixels, which the
    two break differently, are left to the warp."""
    from sklearn_dlprep._engine import _kernels

    rng = np.random.default_rng(5)
    maps = _window_maps_with_flips(rng, 40, *shape[:2])
    taken = _kernels.resize_windows(maps, *shape[:2], 0)[0]
    assert taken.any()
    X = rng.integers(0, 256, size=(len(maps), *shape), dtype=np.uint8)
    fast = _warp_all(X, maps, order=0, fill_mode="constant", cval=7.0)
    monkeypatch.setattr(_kernels, "_resize_windows",
                        lambda X, src, out, dst, maps, todo, *args: np.zeros(
                            len(todo), dtype=bool))
    warped = _warp_all(X, maps, order=0, fill_mode="constant", cval=7.0)
    np.testing.assert_array_equal(fast, warped)


def test_maps_that_are_not_resized_windows_are_warped():
    """Rotations, shears, windows reaching past the sample and windows of
    fractional size or position are not resized windows."""
    from sklearn_dlprep._engine._kernels import resize_windows

    maps = np.array([
        [[0.5, 0.0, 1.75], [0.0, 0.5, 1.75]],     # window (2, 2, 5, 5): resized
        [[0.5, 0.1, 1.75], [0.0, 0.5, 1.75]],     # sheared
        [[0.5, 0.0, -4.25], [0.0, 0.5, 1.75]],    # starts 4 pixels left of 0
        [[0.5, 0.0, 7.75], [0.0, 0.5, 1.75]],     # ends past the right edge
        [[0.55, 0.0, 1.775], [0.0, 0.5, 1.75]],   # 5.5 pixels wide
        [[0.5, 0.0, 2.0], [0.0, 0.5, 1.75]],      # starts at 2.25
        [[-0.5, 0.0, 6.25], [0.0, 0.5, 1.75]],    # window (2, 2, 5, 5), flipped
    ])
    ok, windows = resize_windows(maps, 10, 10, 1)
    np.testing.assert_array_equal(ok, [True, False, False, False, False, False,
                                       True])
    np.testing.assert_array_equal(windows[[0, 6]], [[2, 2, 5, 5], [2, 2, 5, 5]])
    # 64 of 224 columns: output column 3 reads half-way between two pixels,
    # (3 + 0.5) * 64 / 224 = 1: a tie for order=0, nothing special for order=1.
    tie = np.array([[[64 / 224, 0.0, 0.5 * 64 / 224 - 0.5], [0.0, 1.0, 0.0]]])
    assert not resize_windows(tie, 224, 224, 0)[0][0]
    assert resize_windows(tie, 224, 224, 1)[0][0]
