"""Geometric operations: layouts, dtypes, signals, bad input, fusion into one warp,
and torchvision's RandomResizedCrop and pad-and-crop against transcriptions of
torchvision's own definitions."""

import math

import cv2
import numpy as np
import pytest
from scipy import ndimage

from sklearn_dlprep import (
    Compose,
    RandomCrop,
    RandomFlip,
    RandomPerspective,
    RandomResizedCrop,
    RandomRotation,
    RandomShear,
    RandomTranslation,
    RandomZoom,
)
from sklearn_dlprep._engine import compose_inverse_maps, warp_rows

# One instance of each operation, acting strongly enough to change every sample.
OPERATIONS = {
    "RandomRotation": lambda: RandomRotation(0.2),
    "RandomTranslation": lambda: RandomTranslation(0.2, 0.3),
    "RandomZoom": lambda: RandomZoom(0.3, (-0.2, 0.3)),
    "RandomShear": lambda: RandomShear(0.3, 0.2),
    "RandomPerspective": lambda: RandomPerspective(scale=0.4),
    "RandomCrop": lambda: RandomCrop(9, 10, padding=(1, 2)),
    "RandomResizedCrop": lambda: RandomResizedCrop(),
}
SIGNAL_OPERATIONS = {  # what makes sense along time, and its one-row image twin
    "RandomTranslation": (RandomTranslation(0.0, 0.3), RandomTranslation(0.0, 0.3)),
    "RandomZoom": (RandomZoom(0.3), RandomZoom(0.0, 0.3)),
    "RandomCrop": (RandomCrop(width=40, padding=4),
                   RandomCrop(width=40, padding=(4, 0))),
}


def _images(shape, dtype, n=6, seed=0):
    X = np.random.default_rng(seed).random((n, *shape))
    return (X * 255).astype(dtype) if np.dtype(dtype).kind in "iu" else X.astype(
        dtype)


def _draw_and_apply(operation, X, seed=0, **kwargs):
    compose = Compose([("op", operation)], **kwargs)
    params = compose.sample_params(X, random_state=seed)
    return compose.apply_params(X, params), params


# Layouts and dtypes ----------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(OPERATIONS))
@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
def test_any_channel_count_is_warped_channel_by_channel(name, dtype):
    """RGB and 5-channel samples come back in their dtype and shape, each channel
    warped as the grey image it is on its own (the same draw)."""
    for channels in (3, 5):
        X = _images((12, 14, channels), dtype)
        before = X.copy()
        out, params = _draw_and_apply(OPERATIONS[name](), X)
        assert out.dtype == dtype and out.shape == X.shape
        np.testing.assert_array_equal(X, before)  # the caller's array untouched
        assert np.any(out != X)
        grey = Compose([("op", OPERATIONS[name]())])
        for c in (0, channels - 1):
            expected = grey.apply_params(X[..., c], params)
            if np.dtype(dtype).kind == "f":
                # OpenCV 5.1's multi-channel float32 perspective warp rounds the
                # last bit unlike its one-channel warp.
                np.testing.assert_allclose(out[..., c], expected, rtol=1e-6,
                                           atol=1e-7)
            else:
                np.testing.assert_array_equal(out[..., c], expected)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_channels_first_and_flat_rows_give_the_same_warp(name):
    """(C, H, W) samples and 2-D rows with a sample_shape are warped as the
    channels-last N-d array, and come back in their own layout."""
    X = _images((10, 12, 3), np.float32)
    out, params = _draw_and_apply(OPERATIONS[name](), X)
    first = Compose([("op", OPERATIONS[name]())], data_format="channels_first")
    np.testing.assert_array_equal(
        first.apply_params(X.transpose(0, 3, 1, 2), params), out.transpose(0, 3, 1, 2))
    flat = Compose([("op", OPERATIONS[name]())], sample_shape=(10, 12, 3))
    np.testing.assert_array_equal(flat.apply_params(X.reshape(6, -1), params),
                                  out.reshape(6, -1))


@pytest.mark.parametrize("dtype", [np.float64, np.uint16, np.int16])
def test_other_dtypes_are_kept(dtype):
    """float64 and 16-bit integer samples keep their dtype through a fused chain
    with a perspective."""
    X = _images((10, 11), dtype)
    compose = Compose([("rotate", RandomRotation(0.1)),
                       ("tilt", RandomPerspective(scale=0.3, fill_mode="reflect"))],
                      random_state=0)
    out = compose.augment(X)
    assert out.dtype == dtype and out.shape == X.shape and np.any(out != X)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_nearest_interpolation_keeps_the_values_of_a_mask(name):
    """With interpolation="nearest" every output value is an input value or the
    fill value: a segmentation mask stays a mask."""
    mask = np.random.default_rng(1).integers(0, 4, (6, 15, 13)).astype(np.uint8)
    operation = OPERATIONS[name]().set_params(interpolation="nearest",
                                              fill_value=9)
    if name in ("RandomPerspective", "RandomCrop"):
        operation.set_params(fill_mode="constant")
    out, _ = _draw_and_apply(operation, mask)
    assert set(np.unique(out)) <= {0, 1, 2, 3, 9}


# 1-D signals ------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(SIGNAL_OPERATIONS))
@pytest.mark.parametrize("shape", [(48,), (48, 2)])
def test_signals_are_warped_along_time(name, shape):
    """Translation, zoom and crop act on 1-D signals (with or without channels),
    along time only: the same draw on the signal seen as a one-row image, where
    the operation moves nothing vertically."""
    signal, twin = SIGNAL_OPERATIONS[name]
    X = _images(shape, np.float32)
    out, params = _draw_and_apply(signal, X, spatial_ndim=1)
    assert out.shape == X.shape and np.any(out != X)
    image = Compose([("op", twin)], sample_shape=(1, *shape), spatial_ndim=2)
    as_image = image.apply_params(X.reshape(6, -1), params).reshape(X.shape)
    np.testing.assert_allclose(out, as_image, atol=1e-6)


def test_signal_translation_is_a_shift_along_time():
    """A whole-pixel translation of a signal moves its values along time."""
    X = np.arange(1.0, 11.0)[np.newaxis]
    shift = Compose([("shift", RandomTranslation(0.0, 0.5, fill_mode="constant"))])
    out = shift.apply_params(X, {"shift__applied": [True], "shift__dy": [0.0],
                                 "shift__dx": [-3.0]})
    np.testing.assert_array_equal(out[0], [4, 5, 6, 7, 8, 9, 10, 0, 0, 0])


@pytest.mark.parametrize("operation, match", [
    (RandomRotation(0.1), r"Step 'op' \(RandomRotation\) needs 2-D images"),
    (RandomShear(0.1), r"Step 'op' \(RandomShear\) needs 2-D images"),
    (RandomPerspective(), r"Step 'op' \(RandomPerspective\) needs 2-D images"),
    (RandomResizedCrop(), r"Step 'op' \(RandomResizedCrop\) needs 2-D images"),
    (RandomTranslation(0.1, 0.1), r"Step 'op' \(RandomTranslation\) shifts "
                                  r"vertically \(height_factor=0.1\).*1-D signals"),
    (RandomZoom(0.1, 0.2), r"Step 'op' \(RandomZoom\) zooms vertically "
                           r"\(height_factor=0.1\).*width_factor=None"),
    (RandomCrop(height=3), r"Step 'op' \(RandomCrop\) crops vertically "
                           r"\(height=3.*1-D signals"),
    (RandomCrop(padding=(2, 1)), r"Step 'op' \(RandomCrop\) crops vertically.*"
                                 r"padding=\(2, 1\)"),
    (RandomFlip("vertical"), r"Step 'op'.*1-D signals"),
])
def test_what_makes_no_sense_on_a_signal_is_refused(operation, match):
    """Rotation, shear, perspective, resized crop and vertical moves of a signal
    are refused, naming the step, before any work."""
    X = np.zeros((3, 40), dtype=np.float32)
    with pytest.raises(ValueError, match=match):
        Compose([("op", operation)]).augment(X)


# Bad parameters ---------------------------------------------------------------------

@pytest.mark.parametrize("operation, parameter", [
    (RandomRotation(1.5), "factor"),
    (RandomRotation((0.3, 0.1)), "factor"),
    (RandomRotation(0.1, fill_mode="mirror"), "fill_mode"),
    (RandomRotation(0.1, interpolation="bicubic"), "interpolation"),
    (RandomTranslation(0.1, -1.2), "width_factor"),
    (RandomZoom(-1.0), "height_factor"),
    (RandomZoom(0.2, (-1.0, 0.2)), "width_factor"),
    (RandomShear(-0.2), "x_factor"),
    (RandomShear(0.1, (0.2, 1.5)), "y_factor"),
    (RandomPerspective(scale=1.5), "scale"),
    (RandomPerspective(factor=(0.5, 1.2)), "factor"),
    (RandomCrop(0), "height"),
    (RandomCrop(padding=(1, 2, 3)), "padding"),
    (RandomCrop(padding=-1), "padding"),
    (RandomCrop(fill_mode="edge"), "fill_mode"),
    (RandomResizedCrop(scale=(0.0, 0.5)), "scale"),
    (RandomResizedCrop(ratio=(2.0, 1.0)), "ratio"),
    (RandomRotation(0.1, fill_value=float("nan")), "fill_value"),
    (RandomZoom(0.1, p=1.5), "p"),
])
def test_bad_parameters_name_the_step_and_the_parameter(operation, parameter):
    """Each bad parameter is refused naming the step, the class and the parameter;
    the caller's array is untouched."""
    X = _images((8, 8), np.float32)
    before = X.copy()
    with pytest.raises(ValueError, match=rf"Step 'op': The '{parameter}' parameter "
                                         rf"of {type(operation).__name__} must be"):
        Compose([("op", operation)]).augment(X)
    np.testing.assert_array_equal(X, before)


def test_crop_larger_than_the_padded_sample_is_refused():
    """A window that does not fit in the padded sample names the step, the
    parameter and both sizes."""
    with pytest.raises(ValueError, match=r"Step 'crop' \(RandomCrop\): width=15 is "
                                         r"larger than the padded sample's width, 14"):
        Compose([("crop", RandomCrop(width=15, padding=(2, 0)))]).augment(
            np.zeros((2, 8, 10)))


def test_degenerate_perspective_draws_are_refused():
    """Replayed offsets that put three corners on a line name the step."""
    X = np.zeros((1, 9, 9), dtype=np.float32)
    offsets = np.zeros((1, 4, 2))
    offsets[0, 1] = [-1.0, 0.0]  # top-right onto top-left
    compose = Compose([("tilt", RandomPerspective())])
    with pytest.raises(ValueError, match=r"Step 'tilt' \(RandomPerspective\): "
                                         r"offsets move the corners"):
        compose.apply_params(X, {"tilt__applied": [True], "tilt__perspective": [True],
                                 "tilt__offsets": offsets})


# Draws ------------------------------------------------------------------------------

def test_draws_follow_keras_ranges():
    """Angles in factor turns, shifts in fractions of each side, zooms around 1,
    shears with one sign for both axes."""
    X = np.zeros((2000, 10, 20))
    params = Compose([
        ("rotate", RandomRotation((-0.1, 0.2))),
        ("shift", RandomTranslation((0.1, 0.2), 0.5)),
        ("zoom", RandomZoom((-0.2, 0.1))),
        ("shear", RandomShear((0.1, 0.3), (0.2, 0.4))),
    ]).sample_params(X, random_state=0)
    for key, low, high in [("rotate__angle", -36, 72), ("shift__dy", 1, 2),
                           ("shift__dx", -10, 10), ("zoom__height_zoom", 0.8, 1.1)]:
        values = params[key]
        assert values.min() >= low and values.max() <= high
        assert values.min() < low + 0.02 * (high - low)
        assert values.max() > high - 0.02 * (high - low)
    np.testing.assert_array_equal(params["zoom__width_zoom"],
                                  params["zoom__height_zoom"])
    # independent axes (Keras with an int seed draws both from the same seed)
    assert abs(np.corrcoef(params["shift__dx"], params["shift__dy"])[0, 1]) < 0.1
    zooms = Compose([("zoom", RandomZoom(0.2, 0.2))]).sample_params(X, 0)
    assert abs(np.corrcoef(zooms["zoom__width_zoom"],
                           zooms["zoom__height_zoom"])[0, 1]) < 0.1
    shear_x, shear_y = params["shear__shear_x"], params["shear__shear_y"]
    np.testing.assert_array_equal(np.sign(shear_x), np.sign(shear_y))
    assert 0.4 < np.mean(shear_x > 0) < 0.6
    assert np.all((np.abs(shear_x) >= 0.1) & (np.abs(shear_x) <= 0.3))


@pytest.mark.parametrize("name, variants", [
    ("RandomZoom", [RandomZoom(0.2), RandomZoom(0.2, 0.5), RandomZoom((0.1, 0.3))]),
    ("RandomShear", [RandomShear(), RandomShear(0.5, (0.1, 0.2))]),
    ("RandomPerspective", [RandomPerspective(), RandomPerspective((0.2, 0.4), 0.1)]),
    ("RandomCrop", [RandomCrop(), RandomCrop(5, 7, padding=(1, 2, 3, 4))]),
    ("RandomResizedCrop", [RandomResizedCrop(), RandomResizedCrop((0.9, 1.0),
                                                                  (0.2, 0.3))]),
])
def test_the_stream_does_not_depend_on_the_parameters(name, variants):
    """Changing an operation's parameters never shifts the next step's draws."""
    X = np.zeros((50, 9, 11))
    angles = [Compose([("op", op), ("rotate", RandomRotation(0.5))]).sample_params(
        X, random_state=1)["rotate__angle"] for op in variants]
    for other in angles[1:]:
        np.testing.assert_array_equal(other, angles[0])


def test_random_crop_fill_mode_none_follows_the_recipe():
    """fill_mode=None: torchvision's zero padding when padding is given, Keras'
    reflect otherwise; Keras' "constant" is the blending border mode."""
    assert RandomCrop(padding=4).warp_settings == ("grid-constant", 0.0, 1)
    assert RandomCrop(24, 24).warp_settings == ("reflect", 0.0, 1)
    assert RandomCrop(padding=4, fill_mode="mirror",
                      interpolation="nearest").warp_settings == ("mirror", 0.0, 0)
    assert RandomRotation(0.1, fill_mode="constant", fill_value=3).warp_settings == (
        "grid-constant", 3.0, 1)


def test_cifar_recipe_is_a_whole_pixel_shift_with_zeros():
    """RandomCrop(padding=4) on 32x32 images: every sample is shifted by a whole
    number of pixels in [-4, 4] along each axis, zeros shifted in, no value
    interpolated; all 81 shifts occur."""
    X = _images((32, 32, 3), np.uint8, n=600) | 1  # no zero in the data
    out, params = _draw_and_apply(RandomCrop(padding=4), X)
    dy, dx = params["op__top"] - 4, params["op__left"] - 4
    assert len(set(zip(dy.tolist(), dx.tolist()))) == 81
    for i in range(0, 600, 37):
        padded = np.pad(X[i], [(4, 4), (4, 4), (0, 0)])
        np.testing.assert_array_equal(out[i], padded[4 + dy[i]:36 + dy[i],
                                                     4 + dx[i]:36 + dx[i]])


# Fusion: one warp per sample ------------------------------------------------------

def _count_calls(monkeypatch, name):
    calls = []
    original = getattr(cv2, name)

    def spy(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(cv2, name, spy)
    return calls


def _chain():
    return Compose([("rotate", RandomRotation(0.1)), ("zoom", RandomZoom(0.2)),
                    ("flip", RandomFlip()), ("shear", RandomShear(0.2, 0.1)),
                    ("shift", RandomTranslation(0.1, 0.1)),
                    ("crop", RandomResizedCrop(scale=(0.5, 1.0)))])


@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
def test_a_chain_equals_the_single_warp_of_the_product_matrix(dtype, monkeypatch):
    """A chain of geometric steps equals one warp by the composed map (the first
    step's map applied last), and interpolates once: one warpAffine per sample."""
    X = _images((14, 17, 3), dtype, n=8)
    compose = _chain()
    params = compose.sample_params(X, random_state=0)
    calls = _count_calls(monkeypatch, "warpAffine")
    out = compose.apply_params(X, params)
    assert len(calls) == len(X)
    assert compose.make_plan(X.shape, X.dtype).stages == ("geometric",)

    layout = compose.make_plan(X.shape, X.dtype).layout
    maps = []
    for name, operation in compose.steps:
        context = operation.resolve(layout, X.dtype, name)
        own = {key[len(name) + 2:]: value for key, value in params.items()
               if key.startswith(f"{name}__") and key != f"{name}__applied"}
        maps.append(operation.inverse_maps(own, context))
    fused = compose_inverse_maps(maps)
    rows = np.arange(len(X))
    expected = np.empty_like(X)
    warp_rows(X, rows, expected, rows, fused, order=1, fill_mode="reflect")
    np.testing.assert_array_equal(out, expected)

    step_by_step = X
    for step in compose.steps:
        step_by_step = Compose([step]).apply_params(step_by_step, {
            key: value for key, value in params.items()
            if key.startswith(f"{step[0]}__")})
    assert np.abs(step_by_step.astype(float) - out).max() > 1e-3  # interpolated 5x


def test_a_chain_with_a_perspective_is_one_projective_warp(monkeypatch):
    """A perspective fuses with its neighbours: one warpPerspective per distorted
    sample, none of warpAffine, and the result equals scipy's map_coordinates
    at the composed homography."""
    X = _images((12, 15, 3), np.float32, n=5)
    compose = Compose([
        ("rotate", RandomRotation(0.1, fill_mode="constant")),
        ("tilt", RandomPerspective(scale=0.3)),
        ("zoom", RandomZoom(0.2, fill_mode="constant"))])
    params = compose.sample_params(X, random_state=0)
    affine = _count_calls(monkeypatch, "warpAffine")
    projective = _count_calls(monkeypatch, "warpPerspective")
    out = compose.apply_params(X, params)
    assert (len(affine), len(projective)) == (0, 5)
    angle = np.deg2rad(params["rotate__angle"])
    for i in range(5):
        c, s = np.cos(angle[i]), np.sin(angle[i])
        cx, cy = 7.0, 5.5
        rotation = np.array([[c, -s, cx - c * cx + s * cy],
                             [s, c, cy - s * cx - c * cy], [0, 0, 1]])
        zx, zy = params["zoom__width_zoom"][i], params["zoom__height_zoom"][i]
        zoom = np.array([[zx, 0, cx * (1 - zx)], [0, zy, cy * (1 - zy)], [0, 0, 1]])
        start = np.array([[0, 0], [14, 0], [0, 11], [14, 11]], dtype=float)
        end = start + params["tilt__offsets"][i] * [14, 11]
        tilt = cv2.getPerspectiveTransform(end.astype(np.float32),
                                           start.astype(np.float32))
        m = rotation @ tilt @ zoom
        ys, xs = np.mgrid[0:12, 0:15].astype(float)
        u, v, w = (m[k, 0] * xs + m[k, 1] * ys + m[k, 2] for k in range(3))
        for channel in range(3):
            expected = ndimage.map_coordinates(X[i, ..., channel].astype(float),
                                               [v / w, u / w], order=1,
                                               mode="grid-constant")
            np.testing.assert_allclose(out[i, ..., channel], expected, atol=1e-4)


def test_different_warp_settings_are_separate_warps(monkeypatch):
    """Steps fuse only when fill mode, fill value and interpolation agree (flips
    fuse with anything): two different modes are two warps per sample."""
    X = _images((10, 10), np.float32, n=4)
    same = Compose([("a", RandomRotation(0.1)), ("flip", RandomFlip()),
                    ("b", RandomZoom(0.1))])
    other = Compose([("a", RandomRotation(0.1)), ("flip", RandomFlip()),
                     ("b", RandomZoom(0.1, fill_mode="nearest"))])
    assert same.make_plan(X.shape, X.dtype).stages == ("geometric",)
    assert other.make_plan(X.shape, X.dtype).stages == ("geometric", "geometric")
    calls = _count_calls(monkeypatch, "warpAffine")
    other.set_params(flip__p=0.0).augment(X, random_state=0)
    assert len(calls) == 2 * len(X)


def test_p_zero_perspective_is_the_identity():
    """A perspective step that acts on no sample leaves every sample exact (the
    identity homography takes the copy path)."""
    X = _images((9, 9, 3), np.uint8)
    np.testing.assert_array_equal(
        Compose([("tilt", RandomPerspective(p=0.0))], random_state=0).augment(X), X)
    np.testing.assert_array_equal(
        Compose([("tilt", RandomPerspective(factor=0.0))], random_state=0).augment(X),
        X)


# torchvision, transcribed ---------------------------------------------------------
# https://github.com/pytorch/vision/blob/main/torchvision/transforms/v2/_geometry.py
# (RandomResizedCrop.make_params, RandomCrop.make_params) and
# https://github.com/pytorch/vision/blob/main/torchvision/transforms/v2/functional/_geometry.py
# (resized_crop_image = crop_image then resize_image; pad_image), with torch's
# random calls replaced by our documented uniforms: ``uniform_(a, b)`` is
# ``a + (b - a) * u`` and ``randint(0, m)`` is ``floor(u * m)``.

def torchvision_resized_crop_params(height, width, scale, ratio, u_area, u_ratio,
                                    u_top, u_left):
    area = height * width
    log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
    for attempt in range(10):
        target_area = area * (scale[0] + (scale[1] - scale[0]) * u_area[attempt])
        aspect_ratio = math.exp(log_ratio[0] + (log_ratio[1] - log_ratio[0])
                                * u_ratio[attempt])
        w = int(round(math.sqrt(target_area * aspect_ratio)))
        h = int(round(math.sqrt(target_area / aspect_ratio)))
        if 0 < w <= width and 0 < h <= height:
            i = math.floor(u_top * (height - h + 1))
            j = math.floor(u_left * (width - w + 1))
            break
    else:
        # Fallback to central crop
        in_ratio = float(width) / float(height)
        if in_ratio < min(ratio):
            w = width
            h = int(round(w / min(ratio)))
        elif in_ratio > max(ratio):
            h = height
            w = int(round(h * max(ratio)))
        else:  # whole image
            w = width
            h = height
        i = (height - h) // 2
        j = (width - w) // 2
    return dict(top=i, left=j, height=h, width=w)


def torch_bilinear_resize(image, size):
    """torch.nn.functional.interpolate(mode="bilinear", align_corners=False) on
    (H, W, C): source index (dst + 0.5) * in / out - 0.5, clamped at 0, its
    neighbour clamped at the last pixel (aten's upsample_bilinear2d). Only
    enlarging windows occur, where torchvision's antialias=True changes nothing."""
    out = image.astype(np.float64)
    for axis, n_out in ((0, size[0]), (1, size[1])):
        n_in = out.shape[axis]
        source = np.maximum((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0.0)
        low = source.astype(int)
        high = np.minimum(low + 1, n_in - 1)
        weight = (source - low).reshape((-1, 1, 1) if axis == 0 else (1, -1, 1))
        out = (np.take(out, low, axis=axis) * (1 - weight)
               + np.take(out, high, axis=axis) * weight)
    return out


def torchvision_resized_crop(image, top, left, height, width):
    return torch_bilinear_resize(image[top:top + height, left:left + width],
                                 image.shape[:2])


@pytest.mark.parametrize("shape, scale, ratio", [
    ((32, 32), (0.08, 1.0), (3 / 4, 4 / 3)),
    ((24, 40), (0.3, 0.6), (0.5, 2.0)),
    ((8, 40), (0.9, 1.0), (3 / 4, 4 / 3)),   # mostly torchvision's fallback
    ((40, 8), (0.9, 1.0), (3 / 4, 4 / 3)),
])
def test_resized_crop_windows_follow_torchvision(shape, scale, ratio):
    """Our vectorised draw gives the windows of torchvision's make_params loop fed
    with the same uniforms (ten attempts of area and aspect ratio, then the
    position; the central fallback when none fits)."""
    n = 300
    X = np.zeros((n, *shape))
    params = Compose([("crop", RandomResizedCrop(scale, ratio))]).sample_params(
        X, random_state=np.random.default_rng(7))
    rng = np.random.default_rng(7)
    rng.random(n)  # Compose's draw of p comes first
    u_area, u_ratio = rng.random((n, 10)), rng.random((n, 10))
    u_top, u_left = rng.random(n), rng.random(n)
    for k in range(n):
        expected = torchvision_resized_crop_params(*shape, scale, ratio, u_area[k],
                                                   u_ratio[k], u_top[k], u_left[k])
        assert {key: int(params[f"crop__{key}"][k]) for key in expected} == expected


@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
def test_resized_crop_equals_torchvision_crop_then_resize(dtype):
    """Given torchvision's window, the output equals torchvision's crop then
    bilinear resize, outside the half-pixel band at the window's edges inside the
    image (see the docstring): 1e-4 on float32 in [0, 1], one grey level on
    uint8."""
    X = _images((20, 24, 3), dtype, n=40)
    out, params = _draw_and_apply(RandomResizedCrop(scale=(0.2, 0.9)), X)
    checked = 0
    for k in range(len(X)):
        top, left, height, width = (int(params[f"op__{key}"][k])
                                    for key in ("top", "left", "height", "width"))
        expected = torchvision_resized_crop(X[k], top, left, height, width)
        rows = (np.arange(20) + 0.5) * height / 20 - 0.5
        cols = (np.arange(24) + 0.5) * width / 24 - 0.5
        inside_rows = ((rows >= 0) | (top == 0)) & ((rows <= height - 1)
                                                    | (top + height == 20))
        inside_cols = ((cols >= 0) | (left == 0)) & ((cols <= width - 1)
                                                     | (left + width == 24))
        mask = inside_rows[:, np.newaxis] & inside_cols[np.newaxis, :]
        checked += mask.sum()
        if dtype == np.uint8:
            assert np.abs(out[k][mask] - expected[mask]).max() <= 1
        else:
            np.testing.assert_allclose(out[k][mask], expected[mask], atol=1e-4)
    assert checked > 0.8 * X[..., 0].size


@pytest.mark.parametrize("padding, pad_width", [
    (3, [(3, 3), (3, 3)]),
    ((1, 4), [(4, 4), (1, 1)]),            # (left/right, top/bottom)
    ((1, 2, 3, 4), [(2, 4), (1, 3)]),      # (left, top, right, bottom)
])
@pytest.mark.parametrize("fill_mode, padding_mode", [
    ("constant", "constant"), ("nearest", "edge"), ("reflect", "symmetric"),
    ("mirror", "reflect"), ("wrap", "wrap"),
])
@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
def test_pad_and_crop_equals_torchvision(padding, pad_width, fill_mode, padding_mode,
                                         dtype):
    """RandomCrop(padding=...) equals torchvision's pad (numpy's pad modes are
    torchvision's padding modes; "wrap" is an addition of ours) then crop at the
    drawn position: exactly, nothing is interpolated."""
    X = _images((10, 12, 3), dtype, n=30)
    out, params = _draw_and_apply(RandomCrop(padding=padding, fill_mode=fill_mode,
                                             fill_value=5), X)
    for k in range(len(X)):
        kwargs = {"constant_values": 5} if padding_mode == "constant" else {}
        padded = np.pad(X[k], pad_width + [(0, 0)], mode=padding_mode, **kwargs)
        top, left = int(params["op__top"][k]), int(params["op__left"][k])
        np.testing.assert_array_equal(out[k], padded[top:top + 10, left:left + 12])
