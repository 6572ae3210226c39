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
