"""Homographies in the engine: composed in 3x3, warped by OpenCV's warpPerspective
against a scipy ``map_coordinates`` reference, affine maps left bit-identical."""

import cv2
import numpy as np
import pytest
from scipy import ndimage

from sklearn_dlprep._engine import compose_inverse_maps, warp_rows

HOMOGRAPHIES = np.array([
    [[1.05, 0.1, -2.3], [-0.07, 0.95, 1.7], [0.004, -0.003, 1.0]],
    [[0.8, -0.2, 3.0], [0.1, 1.2, -1.0], [-0.006, 0.002, 1.0]],
])
MODES = {"constant": "constant", "nearest": "nearest", "reflect": "reflect",
         "wrap": "grid-wrap", "grid-constant": "grid-constant", "mirror": "mirror"}


def _reference(image, m, mode, cval, order=1):
    """scipy's map_coordinates at (u/w, v/w), in float64: the definition."""
    height, width = image.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    u, v, w = (m[k, 0] * xs + m[k, 1] * ys + m[k, 2] for k in range(3))
    return np.stack([
        ndimage.map_coordinates(image[..., c].astype(np.float64), [v / w, u / w],
                                order=order, mode=MODES[mode], cval=cval)
        for c in range(image.shape[-1])], axis=-1)


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("channels", [1, 3, 5])
def test_projective_warp_equals_the_map_coordinates_definition(mode, channels):
    """float32: within 1e-5 of the range of the float64 definition, every fill mode
    and channel count (5 channels are warped in OpenCV's exact groups)."""
    X = np.random.default_rng(0).random((2, 13, 17, channels)).astype(np.float32)
    out = np.zeros_like(X)
    rows = np.arange(2)
    warp_rows(X, rows, out, rows, HOMOGRAPHIES, fill_mode=mode, cval=0.25)
    for i in rows:
        np.testing.assert_allclose(out[i], _reference(X[i], HOMOGRAPHIES[i], mode,
                                                      0.25), atol=1e-5)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_projective_warp_of_uint8_within_one_grey_level(mode):
    """uint8 (OpenCV's fixed-point weights): within one grey level of the
    definition, and the scipy backend within rounding of it."""
    X = np.random.default_rng(1).integers(0, 256, (2, 12, 15, 3), dtype=np.uint8)
    rows = np.arange(2)
    fast, ref = np.zeros_like(X), np.zeros_like(X)
    warp_rows(X, rows, fast, rows, HOMOGRAPHIES, fill_mode=mode, cval=9)
    warp_rows(X, rows, ref, rows, HOMOGRAPHIES, fill_mode=mode, cval=9,
              backend="scipy")
    for i in rows:
        expected = _reference(X[i], HOMOGRAPHIES[i], mode, 9)
        assert np.abs(fast[i] - expected).max() <= 1.0
        assert np.abs(ref[i] - expected).max() <= 0.5 + 1e-9


@pytest.mark.parametrize("dtype", [np.float64, np.int16])
def test_projective_warp_keeps_other_dtypes(dtype):
    """Dtypes OpenCV does not warp natively come back in their own dtype."""
    X = (np.random.default_rng(2).random((2, 9, 11, 2)) * 100).astype(dtype)
    out = np.zeros_like(X)
    rows = np.arange(2)
    warp_rows(X, rows, out, rows, HOMOGRAPHIES, fill_mode="nearest")
    assert out.dtype == dtype
    for i in rows:
        expected = _reference(X[i], HOMOGRAPHIES[i], "nearest", 0.0)
        atol = 0.5 + 1e-9 if np.dtype(dtype).kind == "i" else 1e-4
        np.testing.assert_allclose(out[i], expected, atol=atol)


def test_affine_rows_of_homographies_take_the_affine_path(monkeypatch):
    """A batch of 3x3 maps whose bottom row is (0, 0, 1) gives the bytes of the
    2x3 maps, through warpAffine; only the projective rows use warpPerspective."""
    X = np.random.default_rng(3).integers(0, 256, (3, 10, 12, 3), dtype=np.uint8)
    affine = np.array([[[0.9, 0.2, 1.5], [-0.1, 1.1, -0.5]],
                       [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])  # the identity
    homographies = np.concatenate([
        np.concatenate([affine, np.tile([[[0.0, 0.0, 1.0]]], (2, 1, 1))], axis=1),
        HOMOGRAPHIES[:1]])
    calls = []
    perspective = cv2.warpPerspective

    def spy(*args, **kwargs):
        calls.append(1)
        return perspective(*args, **kwargs)

    monkeypatch.setattr(cv2, "warpPerspective", spy)
    rows = np.arange(3)
    out, out_affine = np.zeros_like(X), np.zeros_like(X[:2])
    warp_rows(X, rows, out, rows, homographies, fill_mode="reflect")
    warp_rows(X[:2], rows[:2], out_affine, rows[:2], affine, fill_mode="reflect")
    np.testing.assert_array_equal(out[:2], out_affine)
    np.testing.assert_array_equal(out[1], X[1])
    assert len(calls) == 1


def test_compose_in_3x3_is_the_product_of_homographies():
    """Composing affine maps with a homography multiplies the 3x3 matrices in
    the documented order, and affine-only chains keep their 2x3 result."""
    rng = np.random.default_rng(4)
    affine = rng.normal(size=(2, 2, 3))
    fused = compose_inverse_maps([affine, HOMOGRAPHIES, affine])
    full = np.concatenate([affine, np.tile([[[0.0, 0.0, 1.0]]], (2, 1, 1))], axis=1)
    np.testing.assert_allclose(fused, full @ HOMOGRAPHIES @ full, rtol=1e-12)
    assert compose_inverse_maps([affine, affine]).shape == (2, 2, 3)
