"""The engine at the extremes (issue 11): integers at their dtype's limits, float64
from 1e-300 to 1e300, shifts of 2**31 pixels and more. No wrap-around, no NaN, no
garbage: exact where a warp only copies values, within the documented bound
elsewhere, and the scipy reference as the oracle."""

import numpy as np
import pytest
from keras_reference import apply_transform

from sklearn_dlprep import ArrayAugmenter
from sklearn_dlprep._engine import FILL_MODES, affine_inverse_maps, warp_rows

INTEGER_DTYPES = [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32,
                  np.int64, np.uint64]


def _fill_index(index, size, fill_mode):
    """Where a whole source position reads, by the definition of each fill mode
    (-1: outside, cval)."""
    if fill_mode == "nearest":
        return min(max(index, 0), size - 1)
    if fill_mode == "wrap":
        return index % size
    if fill_mode == "reflect":  # dcba|abcd|dcba: period 2 * size
        index %= 2 * size
        return index if index < size else 2 * size - 1 - index
    return index if 0 <= index < size else -1


def _shifted(sample, tx, ty, flip_x, flip_y, fill_mode, cval):
    """A whole-pixel shift (then flips), pixel by pixel: out[r, c] reads
    in[r + ty, c + tx] (Keras' direction), flips after the warp."""
    height, width = sample.shape[:2]
    out = np.empty_like(sample)
    for r in range(height):
        for c in range(width):
            src_r = _fill_index(r + ty, height, fill_mode)
            src_c = _fill_index(c + tx, width, fill_mode)
            out[r, c] = cval if min(src_r, src_c) < 0 else sample[src_r, src_c]
    return out[::-1 if flip_y else 1, ::-1 if flip_x else 1]


def _extreme_integers(dtype, shape, seed=0):
    """Values at and next to the dtype's limits, where float64 cannot hold them."""
    info = np.iinfo(dtype)
    edges = np.array([info.min, info.min + 1, info.min + 3, info.max - 3,
                      info.max - 1, info.max], dtype=dtype)
    return np.random.default_rng(seed).choice(edges, size=shape)


# Item 1: integers near their dtype's limits -----------------------------------------

@pytest.mark.parametrize("dtype", INTEGER_DTYPES)
@pytest.mark.parametrize("fill_mode", ["nearest", "reflect", "wrap"])
def test_a_warp_of_a_constant_image_at_the_limit_stays_at_the_limit(dtype, fill_mode):
    """A constant image at the dtype's maximum or minimum stays there after any
    warp, never wraps around (int64's maximum came back as -2**63): exactly where
    float64 holds the values, within float64's round-off (a step of 2**-52 of the
    value) for 64-bit integers, which are interpolated in float64."""
    info = np.iinfo(dtype)
    for value in (info.max, info.min):
        X = np.full((3, 8, 8), value, dtype=dtype)
        augmenter = ArrayAugmenter(rotation_range=30, width_shift_range=0.3,
                                   zoom_range=0.2, fill_mode=fill_mode, random_state=0)
        out = augmenter.augment(X)
        assert out.dtype == dtype
        step = 0 if np.dtype(dtype).itemsize < 8 else 2 * abs(int(value)) // 2**52
        difference = np.abs(out.astype(object) - int(value))
        assert difference.max() <= step, (value, np.unique(out))


@pytest.mark.parametrize("dtype", INTEGER_DTYPES)
def test_brightness_saturates_at_the_dtype_limits(dtype):
    """A brightness of 1 leaves every value as it is (uint64's maximum came back as
    0), a brightness of 3 saturates at the dtype's limits, never wraps."""
    info = np.iinfo(dtype)
    X = _extreme_integers(dtype, (4, 5, 6))
    same = ArrayAugmenter(brightness_range=(1, 1)).augment(X)
    np.testing.assert_array_equal(same, X)
    bright = ArrayAugmenter(brightness_range=(3, 3)).augment(X)
    # The values are small (exact times 3) or near a limit (saturated).
    expected = [min(max(3 * int(v), info.min), info.max) for v in X.ravel()]
    np.testing.assert_array_equal(bright.ravel(), np.array(expected, dtype=dtype))


@pytest.mark.parametrize("dtype", [np.int64, np.uint64, np.int32, np.float64])
@pytest.mark.parametrize("fill_mode", FILL_MODES)
def test_whole_pixel_shifts_and_flips_copy_values_exactly(dtype, fill_mode):
    """Shifts by whole pixels, with or without flips, read every value at a pixel:
    exact for values float64 cannot hold (2**60 + 1), with each fill mode's edge."""
    if np.dtype(dtype).kind == "f":
        X = np.random.default_rng(1).random((4, 6, 7)) * 1e300
        cval = 1e-300
    else:
        X = _extreme_integers(dtype, (4, 6, 7), seed=1)
        cval = 5
    params = {"tx": np.array([3.0, -2.0, 9.0, -20.0]),
              "ty": np.array([-1.0, 2.0, 0.0, 13.0]),
              "flip_horizontal": np.array([False, True, False, True]),
              "flip_vertical": np.array([False, False, True, True])}
    out = ArrayAugmenter(fill_mode=fill_mode, cval=cval).apply_params(X, params)
    for i in range(len(X)):
        expected = _shifted(X[i], int(params["tx"][i]), int(params["ty"][i]),
                            params["flip_horizontal"][i], params["flip_vertical"][i],
                            fill_mode, cval)
        np.testing.assert_array_equal(out[i], expected)


def test_identity_intensity_draws_keep_int64_beyond_2_53_exact():
    """A draw that changes nothing (brightness 1, channel shift 0) leaves values
    above 2**53 intact; they were rounded through float64 (2**60 + 1 became
    2**60)."""
    X = np.full((2, 3, 3, 2), 2**60 + 1, dtype=np.int64)
    X[1] = -(2**62) - 7
    out = ArrayAugmenter(channel_shift_range=0.5).apply_params(
        X, {"brightness": np.ones(2), "channel_shift_intensity": np.zeros(2)})
    np.testing.assert_array_equal(out, X)


# Item 2: float64 extremes --------------------------------------------------------

DRAW = {"theta": 17.0, "tx": 1.3, "ty": -2.6, "shear": 8.0, "zx": 0.9, "zy": 1.1}


@pytest.mark.parametrize("scale", [1e-300, 1e-42, 1e39, 1e300, 1.7e308, 5e-324])
@pytest.mark.parametrize("fill_mode", FILL_MODES)
def test_float64_at_any_scale_is_finite_and_within_the_documented_bound(scale,
                                                                        fill_mode):
    """float64 samples at any scale come back finite (1e39 gave NaN, 1e-300 gave 0,
    values near 1e-42 were 2% off), within 2**-20 * (1 + p) of the sample's largest
    magnitude, p the largest source coordinate: the bound ArrayAugmenter documents.
    The oracle is scipy in float64 on the same values."""
    rng = np.random.default_rng(2)
    X = (rng.random((2, 12, 12, 3)) * 2 - 1) * scale
    X[1] = np.abs(X[1])  # one sample of one sign: no cancellation to hide behind
    cval = 0.25 * scale
    params = {key: np.full(2, value) for key, value in DRAW.items()}
    out = ArrayAugmenter(fill_mode=fill_mode, cval=cval).apply_params(X, params)
    assert np.isfinite(out).all()
    largest_position = 12 * 1.6  # corners of this draw: well below 20 pixels
    for i in range(2):
        # The oracle on values brought near 1 (exactly, by a power of two), so that
        # its own float64 arithmetic neither overflows nor underflows.
        exponent = np.frexp(np.abs(X[i]).max())[1]
        expected = np.ldexp(apply_transform(np.ldexp(X[i], -exponent), DRAW,
                                            fill_mode=fill_mode,
                                            cval=np.ldexp(cval, -exponent)), exponent)
        expected = np.clip(expected, -np.finfo(np.float64).max,
                           np.finfo(np.float64).max)
        bound = 2**-20 * (1 + largest_position) * np.abs(X[i]).max()
        assert np.abs(out[i] - expected).max() <= bound


def test_float64_of_mixed_scales_stays_finite():
    """A sample holding 1e300 beside 1e-300 beside 0 warps to finite values, of the
    sample's scale (splines ring past it a little; orders 0 and 1 do not)."""
    X = np.zeros((1, 10, 10))
    X[0, ::2] = 1e300
    X[0, 1::2, ::3] = -1e-300
    for order, ringing in ((0, 1), (1, 1), (3, 1.5)):
        out = ArrayAugmenter(rotation_range=45, interpolation_order=order,
                             random_state=0).augment(X)
        assert np.isfinite(out).all()
        assert np.abs(out).max() <= 1.000001e300 * ringing


def test_float32_near_its_largest_value_stays_finite():
    """Neighbouring float32 values of opposite signs near 3.4e38 (OpenCV computes
    v0 + (v1 - v0) * t, which overflowed to NaN) give finite results."""
    X = np.zeros((2, 6, 6), dtype=np.float32)
    X[0, :, ::2], X[0, :, 1::2] = -3.4e38, 3.4e38
    X[1] = 0.5
    out = ArrayAugmenter().apply_params(X, {"tx": np.array([0.5, 0.5])})
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out[0, :, :5], 0.0, atol=1e32)
    np.testing.assert_array_equal(out[1], 0.5)


def test_brightness_on_float_saturates_at_the_largest_finite_value():
    """A brightness beyond float32's range saturates at its largest value."""
    X = np.full((1, 3, 3), 3e38, dtype=np.float32)
    out = ArrayAugmenter(brightness_range=(2, 2), spatial_ndim=2).augment(X)
    np.testing.assert_array_equal(out, np.finfo(np.float32).max)


# Items 4 and 8: huge shifts ----------------------------------------------------------

PERIOD = {"wrap": 1, "reflect": 2}  # times the size


@pytest.mark.parametrize("dtype", [np.float32, np.uint8, np.float64])
@pytest.mark.parametrize("fill_mode", ["wrap", "reflect"])
@pytest.mark.parametrize("periods", [2**20, 2**26, 2**33, 5 * 10**13])
def test_a_huge_periodic_shift_equals_the_small_one(dtype, fill_mode, periods):
    """With "wrap" and "reflect", shifting by whole periods changes nothing:
    tx = k * period + 2.25 gives what tx = 2.25 gives (with shear and zoom too),
    by the scipy reference, up to float64's rounding of the map's offset (2**-53
    of the shift: the position error; scipy's own error at the huge shift is
    larger). OpenCV gave garbage (-3.2e9 from data in [0, 1)) from tx = 2**24 on,
    and reflect took time proportional to the shift."""
    rng = np.random.default_rng(3)
    height, width = 9, 10
    X = rng.random((2, height, width, 3))
    X = (X * 255).astype(dtype) if dtype == np.uint8 else X.astype(dtype)
    period = PERIOD[fill_mode]
    small = {"tx": np.array([2.25, -2.25]), "ty": np.array([0.5, -1.5]),
             "shear": np.array([10.0, 0.0]), "zx": np.array([0.9, 1.0])}
    huge = dict(small)
    huge["tx"] = small["tx"] + np.array([1, -1]) * float(periods * period * width)
    huge["ty"] = small["ty"] + np.array([-1, 1]) * float(periods * period * height)
    # The huge shifts are exact: whole periods away from the small ones.
    assert np.all(np.fmod(huge["tx"] - small["tx"], period * width) == 0)
    assert np.all(np.fmod(huge["ty"] - small["ty"], period * height) == 0)
    out = ArrayAugmenter(fill_mode=fill_mode).apply_params(X, huge)
    for i in range(2):
        draw = {key: value[i] for key, value in small.items()}
        expected = apply_transform(X[i].astype(np.float64), draw, fill_mode=fill_mode)
        # A position error moves a value by at most the error times the largest
        # difference between neighbours (1, or 255 for uint8), in x and in y.
        position_error = 2 * 2.0**-53 * (abs(huge["tx"][i]) + abs(huge["ty"][i]))
        scale = 255 if dtype == np.uint8 else 1
        rounding = 1.0 if dtype == np.uint8 else 1e-5
        np.testing.assert_allclose(out[i], expected,
                                   atol=rounding + 2 * position_error * scale)


@pytest.mark.parametrize("dtype", [np.float32, np.uint8, np.float64, np.int64])
@pytest.mark.parametrize("tx", [2.0**31 + 0.5, 1e15 + 0.25, -1e15, 1e300, -2.0**70])
def test_a_huge_shift_reads_the_edge_or_cval(dtype, tx):
    """With "nearest" a sample shifted far beyond an edge repeats that edge (1e15
    read the wrong one); with "constant" it is cval everywhere."""
    X = np.random.default_rng(4).integers(1, 200, (2, 5, 8, 2)).astype(dtype)
    params = {"tx": np.array([tx, tx]), "ty": np.array([0.0, 0.25]),
              "theta": np.array([0.0, 3.0])}
    nearest = ArrayAugmenter(fill_mode="nearest").apply_params(X, params)
    edge = X[0, :, -1:] if tx > 0 else X[0, :, :1]
    np.testing.assert_array_equal(nearest[0], np.broadcast_to(edge, X[0].shape))
    constant = ArrayAugmenter(fill_mode="constant", cval=7).apply_params(X, params)
    np.testing.assert_array_equal(constant, 7)


@pytest.mark.parametrize("fill_mode", FILL_MODES)
def test_a_huge_zoom_across_the_sample_follows_scipy(fill_mode):
    """A zoom so large that source positions stay far however the map is reduced
    (1e9 pixels across the sample) is warped by the exact kernel, as scipy does."""
    X = np.random.default_rng(5).random((1, 7, 9, 1))
    draw = {"zx": 1e9, "zy": 1e9}
    out = ArrayAugmenter(fill_mode=fill_mode, cval=0.5).apply_params(
        X, {key: np.array([value]) for key, value in draw.items()})
    expected = apply_transform(X[0], draw, fill_mode=fill_mode, cval=0.5)
    if fill_mode in ("wrap", "reflect"):
        # scipy's own positions are 1e9 * 4 pixels: it is the one off by round-off
        # there, so only where both read a whole pixel are they compared.
        assert np.isfinite(out).all() and out.min() >= X.min() - 1e-6
        assert out.max() <= X.max() + 1e-6
    else:
        np.testing.assert_allclose(out[0], expected, atol=1e-9)


@pytest.mark.parametrize("fill_mode", FILL_MODES)
def test_opencv_is_never_handed_far_positions(fill_mode, monkeypatch):
    """The work of a warp does not grow with the shift: whatever tx (5 or 1e9), the
    positions OpenCV reads lie within a few sample sizes of the sample (OpenCV's
    reflect steps one period at a time: 1.3 s per 32x32 image at tx=1e7)."""
    import cv2

    seen = []
    original = cv2.warpAffine

    def spy(src, matrix, *args, **kwargs):
        corners = np.array([[0, 0, 1], [31, 0, 1], [0, 31, 1], [31, 31, 1]]).T
        seen.append(np.abs(np.asarray(matrix) @ corners).max())
        return original(src, matrix, *args, **kwargs)

    monkeypatch.setattr(cv2, "warpAffine", spy)
    X = np.random.default_rng(6).random((8, 32, 32, 3)).astype(np.float32)
    augmenter = ArrayAugmenter(width_shift_range=1e9, height_shift_range=1e9,
                               rotation_range=30, fill_mode=fill_mode, random_state=0)
    out = augmenter.augment(X)
    assert np.isfinite(out).all()
    assert max(seen, default=0) <= 4 * 32 + 8 + 2 * 32  # reduced, then rotated


def test_warp_rows_refuses_a_map_that_overflowed():
    """Draws whose map overflows float64 are refused with a clear message, not
    warped into NaN."""
    X = np.zeros((1, 4, 4, 1))
    maps = affine_inverse_maps({"tx": np.array([1e308]), "zx": np.array([1e308]),
                                "theta": np.array([45.0])}, 4, 4)
    with pytest.raises(ValueError, match="non-finite"):
        warp_rows(X, np.arange(1), np.empty_like(X), np.arange(1), maps)
