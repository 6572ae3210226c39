"""RandomGaussianBlur, RandomElasticTransform and RandomErasing: the operations
that end a fused run. Parity with Keras 3 is in test_operations_keras_parity.py."""

import numpy as np
import pytest
from scipy import ndimage

from sklearn_dlprep import (
    Compose,
    RandomBrightness,
    RandomElasticTransform,
    RandomErasing,
    RandomFlip,
    RandomGaussianBlur,
)


def _images(dtype=np.float32, shape=(6, 16, 16, 3), seed=0):
    values = np.random.default_rng(seed).random(shape)
    if np.dtype(dtype).kind == "u":
        return np.rint(values * 255).astype(dtype)
    return values.astype(dtype)


def _apply(operation, draws, X, **kwargs):
    draws = {f"op__{key}": np.asarray(value) for key, value in draws.items()}
    draws["op__applied"] = np.ones(len(X), dtype=bool)
    return Compose([("op", operation)], **kwargs).apply_params(X, draws)


def _draws(operation, X, random_state=0, **kwargs):
    params = Compose([("op", operation)], random_state=random_state,
                     **kwargs).sample_params(X)
    return {key[4:]: value for key, value in params.items() if key != "op__applied"}


OPERATIONS = [RandomGaussianBlur((1.0, 1.0), sigma=(0.5, 2.0)),
              RandomElasticTransform((1.0, 1.0)),
              RandomErasing((1.0, 1.0))]


# Shared behaviour ---------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.uint8, np.float64])
@pytest.mark.parametrize("shape", [(6, 16, 18, 3), (6, 16, 18, 1), (6, 16, 18),
                                   (6, 16, 18, 5)],
                         ids=["rgb", "grey-channel", "grey", "5-channels"])
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: type(o).__name__)
def test_keeps_shape_dtype_and_range_and_changes_samples(operation, shape, dtype):
    """Grey, RGB and 5 channels; float32, float64 and uint8: same shape and
    dtype, values in the range, every sample changed, caller's array kept."""
    X = _images(dtype, shape)
    before = X.copy()
    out = Compose([("op", operation)], random_state=0).augment(X)
    np.testing.assert_array_equal(X, before)
    assert out.shape == X.shape and out.dtype == X.dtype
    high = 255 if dtype == np.uint8 else 1.0
    assert out.min() >= 0 and out.max() <= high
    assert np.all(np.any(out != X, axis=tuple(range(1, X.ndim))))


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: type(o).__name__)
def test_refuses_data_outside_the_value_range(operation):
    """A float image in 0..255 with the default range (0, 1) is an error naming
    the step and the range; the caller's array is untouched."""
    X = _images(np.float32) * 255
    before = X.copy()
    with pytest.raises(ValueError, match=r"Step 'op': \d+ values fall outside "
                                         r"value_range=\(0, 1\)"):
        Compose([("op", operation)]).augment(X)
    np.testing.assert_array_equal(X, before)


@pytest.mark.parametrize("operation, parameter, value", [
    (RandomGaussianBlur(), "factor", 1.5),
    (RandomGaussianBlur(), "factor", (0.5, 2.0)),
    (RandomGaussianBlur(), "sigma", -1.0),
    (RandomGaussianBlur(), "kernel_size", 0),
    (RandomElasticTransform(), "scale", 2.0),
    (RandomElasticTransform(), "fill_mode", "grid-wrap"),
    (RandomElasticTransform(), "interpolation", "bicubic"),
    (RandomErasing(), "scale", (0.5, 0.1)),
    (RandomErasing(), "factor", -0.1),
    (RandomErasing(), "fill_value", "black"),
], ids=lambda v: str(v))
def test_bad_parameters_name_the_step_and_the_parameter(operation, parameter,
                                                        value):
    """A parameter out of its documented range is refused before any work."""
    operation = operation.set_params(**{parameter: value})
    with pytest.raises(ValueError, match=rf"Step 'op': The '{parameter}' parameter "
                                         rf"of {type(operation).__name__}"):
        Compose([("op", operation)]).augment(_images())


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: type(o).__name__)
def test_a_sample_does_not_depend_on_its_batch(operation):
    """Every value is drawn per sample (Keras draws sigma, the elastic strength
    and its noise per batch): a sample's result is the same alone or in a
    batch."""
    X = _images(np.float32, (8, 16, 16, 3))
    draws = _draws(operation, X)
    whole = _apply(operation, draws, X)
    for i in (0, 5):
        alone = _apply(operation, {k: v[i:i + 1] for k, v in draws.items()},
                       X[i:i + 1])
        np.testing.assert_array_equal(alone[0], whole[i])


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: type(o).__name__)
def test_factor_is_keras_probability(operation):
    """Keras' factor: 1.0 acts on about half the samples, (1, 1) on all, 0 on
    none."""
    X = _images(np.float32, (400, 8, 8, 1))
    key = {"RandomGaussianBlur": "blur", "RandomElasticTransform": "transform",
           "RandomErasing": "erase"}[type(operation).__name__]
    half = _draws(operation.set_params(factor=1.0), X)[key]
    assert 150 < half.sum() < 250
    assert _draws(operation.set_params(factor=(1.0, 1.0)), X)[key].all()
    assert not _draws(operation.set_params(factor=0.0), X)[key].any()


@pytest.mark.parametrize("operation, change", [
    (RandomGaussianBlur(), {"sigma": 3.0, "kernel_size": 5}),
    (RandomElasticTransform(), {"scale": 0.2, "fill_mode": "wrap"}),
    (RandomErasing(), {"scale": (0.1, 0.2), "fill_value": 0.5}),
], ids=lambda v: type(v).__name__ if not isinstance(v, dict) else "")
def test_parameters_do_not_move_the_random_stream(operation, change):
    """Changing a parameter changes no other draw: whether each sample is
    transformed, and the next step's values, stay as they were."""
    X = _images(np.float32, (40, 8, 8, 3))

    def params(op):
        return Compose([("op", op), ("flip", RandomFlip())],
                       random_state=0).sample_params(X)

    key = {"RandomGaussianBlur": "op__blur", "RandomElasticTransform":
           "op__transform", "RandomErasing": "op__erase"}[type(operation).__name__]
    before = params(operation)
    after = params(operation.set_params(**change))
    np.testing.assert_array_equal(before["flip__flip"], after["flip__flip"])
    np.testing.assert_array_equal(before[key], after[key])
    assert not all(np.array_equal(before[k], after[k]) for k in before)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: type(o).__name__)
def test_ends_a_fused_run(operation):
    """A filter is a stage of its own between pointwise steps, which it keeps
    apart: brightness, then the filter, then brightness again."""
    compose = Compose([("a", RandomBrightness(0.1)), ("op", operation),
                       ("b", RandomBrightness(0.1))])
    assert compose.make_plan((2, 8, 8, 3)).stages == ("pointwise", "sample",
                                                      "pointwise")


# RandomGaussianBlur -------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
def test_blur_keeps_a_constant_image(dtype):
    """The border is reflected, not padded with zeros (Keras' dark frame): a
    constant image stays constant."""
    X = np.full((3, 9, 11, 3), 200 if dtype == np.uint8 else 0.8, dtype=dtype)
    out = Compose([("op", RandomGaussianBlur((1.0, 1.0), 5, 2.0))],
                  random_state=0).augment(X)
    np.testing.assert_allclose(out.astype(float), X.astype(float), atol=1e-5)


def _gaussian(size, sigma):
    x = np.arange(size) - (size - 1) / 2
    kernel = np.exp(-0.5 * (x / sigma) ** 2)
    return kernel / kernel.sum()


def test_blur_equals_a_separable_correlation_with_reflected_border():
    """The whole image, border included, equals Keras' kernels (x then y, with
    their own sigma and size) applied with a reflected border (d c b | a b c d,
    torchvision's)."""
    X = _images(np.float64, (2, 12, 15, 3))
    sigma = np.array([[0.7, 1.9], [2.5, 0.4]])
    out = _apply(RandomGaussianBlur(kernel_size=(5, 3)),
                 {"blur": [True, True], "sigma": sigma}, X)
    for i in range(2):
        expected = ndimage.correlate1d(X[i], _gaussian(5, sigma[i, 0]), axis=1,
                                       mode="mirror")
        expected = ndimage.correlate1d(expected, _gaussian(3, sigma[i, 1]), axis=0,
                                       mode="mirror")
        np.testing.assert_allclose(out[i], expected, atol=1e-10)


def test_blur_of_a_signal_is_along_time_only():
    """A 1-D signal (T, C) is blurred along time with sigma_x."""
    X = _images(np.float32, (2, 40, 2))
    out = _apply(RandomGaussianBlur(kernel_size=7),
                 {"blur": [True, False], "sigma": [[1.5, 9.0], [1.0, 1.0]]}, X,
                 spatial_ndim=1)
    expected = ndimage.correlate1d(X[0].astype(float), _gaussian(7, 1.5), axis=0,
                                   mode="mirror")
    np.testing.assert_allclose(out[0], expected, atol=1e-6)
    np.testing.assert_array_equal(out[1], X[1])


def test_blur_sigma_is_drawn_per_sample_and_axis_in_its_range():
    """sigma=(a, b) draws two standard deviations per sample in [a, b]."""
    draws = _draws(RandomGaussianBlur(sigma=(0.5, 2.0)), _images(np.float32,
                                                                 (500, 8, 8)))
    assert draws["sigma"].shape == (500, 2)
    assert draws["sigma"].min() >= 0.5 and draws["sigma"].max() <= 2.0
    assert np.corrcoef(draws["sigma"].T)[0, 1] < 0.2
    one = _draws(RandomGaussianBlur(sigma=2.0), _images(np.float32, (500, 8, 8)))
    assert one["sigma"].min() >= 0 and one["sigma"].max() <= 2.0


def test_blur_with_zero_sigma_is_the_identity():
    """A standard deviation of 0 (a replayed draw) leaves the samples as they
    are instead of dividing by zero."""
    X = _images(np.float32, (2, 8, 8, 3))
    out = _apply(RandomGaussianBlur(), {"blur": [True, True],
                                        "sigma": [[0.0, 0.0], [0.0, 0.0]]}, X)
    np.testing.assert_array_equal(out, X)


def test_blur_refuses_an_even_kernel_size():
    """An even kernel has no centre: refused naming the step and the
    parameter."""
    with pytest.raises(ValueError, match=r"Step 'op': The 'kernel_size' parameter "
                                         r"of RandomGaussianBlur must be odd"):
        Compose([("op", RandomGaussianBlur(kernel_size=(3, 4)))]).augment(_images())


# RandomElasticTransform ---------------------------------------------------------

def _ramp(height=48, width=48):
    """An image whose value is its column (channel 0) and row (channel 1)."""
    rows, columns = np.mgrid[0:height, 0:width].astype(np.float64)
    return np.stack([columns, rows], -1)[np.newaxis]


def test_elastic_displacement_is_a_smooth_field_of_keras_size():
    """Read through a ramp, the output is the source position: the
    displacement is smooth (neighbours nearly equal), centred, of the size
    Keras' alpha and sigma give (about alpha / (2 sqrt(pi)) pixels), and
    independent between x and y."""
    X = _ramp()
    out = _apply(RandomElasticTransform(value_range=(0, 48)),
                 {"transform": [True], "scale": [1.0], "noise_seed": [[3, 0]]}, X)
    inner = (0, slice(8, -8), slice(8, -8))
    dx, dy = (out - X)[inner + (0,)], (out - X)[inner + (1,)]
    alpha = 0.1 * 48
    for d in (dx, dy):
        assert abs(d.mean()) < 0.5 * d.std()
        assert 0.6 < d.std() / (alpha / (2 * np.sqrt(np.pi))) < 1.6
        assert np.corrcoef(d[:, :-1].ravel(), d[:, 1:].ravel())[0, 1] > 0.9
    assert abs(np.corrcoef(dx.ravel(), dy.ravel())[0, 1]) < 0.5


def test_elastic_strength_zero_is_the_identity():
    """A strength of 0 moves nothing."""
    X = _images(np.float32, (3, 16, 16, 3))
    out = _apply(RandomElasticTransform(), {"transform": [True] * 3,
                                            "scale": [0.0] * 3,
                                            "noise_seed": [[1, 0]] * 3}, X)
    np.testing.assert_array_equal(out, X)


def test_elastic_channels_move_together():
    """All channels of a sample read the same positions, whatever their count
    (OpenCV interpolates some counts in groups)."""
    X = _images(np.float32, (1, 20, 20, 5))
    draws = {"transform": [True], "scale": [0.8], "noise_seed": [[7, 1]]}
    out = _apply(RandomElasticTransform(), draws, X)
    for c in range(5):
        one = _apply(RandomElasticTransform(), draws, X[..., c:c + 1])
        np.testing.assert_allclose(out[..., c:c + 1], one, atol=1e-6)


def test_elastic_constant_fill_reads_fill_value_outside():
    """With fill_mode="constant", a strongly deformed constant image shows
    fill_value where its border is pulled in, and only values between the two."""
    X = np.full((1, 16, 16, 1), 0.9, dtype=np.float32)
    out = _apply(RandomElasticTransform(fill_mode="constant", fill_value=0.1),
                 {"transform": [True], "scale": [1.0], "noise_seed": [[0, 0]]}, X)
    assert out.min() < 0.85 and out.min() >= 0.1 - 1e-6 and out.max() <= 0.9 + 1e-6


def test_elastic_refuses_signals():
    """A 2-D displacement needs images: a 1-D signal is refused naming the
    step."""
    with pytest.raises(ValueError, match=r"Step 'op' \(RandomElasticTransform\) "
                                         r"needs 2-D images"):
        Compose([("op", RandomElasticTransform())]).augment(np.zeros((3, 50)))


# RandomErasing ------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
def test_erasing_replaces_exactly_the_drawn_rectangle(dtype):
    """The pixels with x0 <= column < x1 and y0 <= row < y1 (Keras' real
    bounds, from the size fractions and positions) take the fill value, per
    channel; the others are kept."""
    X = _images(dtype, (1, 10, 20, 3))
    fill = (10, 20, 30) if dtype == np.uint8 else (0.1, 0.2, 0.3)
    out = _apply(RandomErasing(fill_value=fill),
                 {"erase": [True], "size": [[0.5, 0.3]], "position": [[0.25, 0.5]],
                  "noise_seed": [0]}, X)
    # x: extent 10, start 0.25 * (20 - 10) = 2.5 -> columns 3..12; y: extent 3,
    # start 0.5 * (10 - 3) = 3.5 -> rows 4..6.
    inside = np.zeros((10, 20), dtype=bool)
    inside[4:7, 3:13] = True
    np.testing.assert_array_equal(out[0][inside], np.tile(np.asarray(fill, dtype),
                                                          (inside.sum(), 1)))
    np.testing.assert_array_equal(out[0][~inside], X[0][~inside])


def test_erasing_area_stays_within_scale():
    """The erased fraction of the image is the product of two square roots of
    values in scale, so it lies within scale (up to whole pixels)."""
    X = np.zeros((300, 40, 40), dtype=np.float32)
    out = Compose([("op", RandomErasing((1.0, 1.0), (0.05, 0.3), 1.0))],
                  random_state=0).augment(X)
    fraction = out.mean(axis=(1, 2))
    assert fraction.min() >= 0.05 - 2 * 40 / 1600 and fraction.max() <= 0.3 + 2 * \
        40 / 1600 + 1 / 1600
    assert fraction.max() > 0.2 and fraction.min() < 0.1


def test_erasing_noise_is_keras_clipped_normal():
    """fill_value=None: N(0, 1) times the range's upper end, clipped to the
    range, so about half the erased values sit at the lower end, about 16% at
    the upper end."""
    X = np.full((200, 32, 32, 3), 0.5, dtype=np.float32)
    out = Compose([("op", RandomErasing((1.0, 1.0), (0.2, 0.3)))],
                  random_state=0).augment(X)
    erased = out[out != 0.5]
    assert erased.size > 100_000
    assert 0.45 < np.mean(erased == 0) < 0.55
    assert 0.13 < np.mean(erased == 1) < 0.19


def test_erasing_a_signal_erases_an_interval_of_time():
    """On a (T, C) signal the rectangle spans every channel over an interval."""
    X = np.ones((1, 50, 2), dtype=np.float32)
    out = _apply(RandomErasing(fill_value=0.0),
                 {"erase": [True], "size": [[0.2, 0.9]], "position": [[0.5, 0.5]],
                  "noise_seed": [0]}, X, spatial_ndim=1)
    erased = np.flatnonzero(out[0, :, 0] == 0)
    np.testing.assert_array_equal(erased, np.arange(20, 30))
    np.testing.assert_array_equal(out[0, :, 0], out[0, :, 1])


def test_erasing_fill_of_the_wrong_length_is_refused():
    """fill_value with neither one value nor one per channel names the step."""
    with pytest.raises(ValueError, match=r"Step 'op': The 'fill_value' parameter "
                                         r"of RandomErasing.*3 for samples"):
        Compose([("op", RandomErasing(fill_value=(1, 2)))]).augment(_images())


def test_erasing_fill_value_is_clipped_to_the_range():
    """A fill value outside value_range is clipped to it, as Keras does."""
    X = _images(np.float32, (1, 8, 8, 1))
    out = _apply(RandomErasing(fill_value=5.0),
                 {"erase": [True], "size": [[1.0, 1.0]], "position": [[0.0, 0.0]],
                  "noise_seed": [0]}, X)
    np.testing.assert_array_equal(out, 1.0)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: type(o).__name__)
def test_result_does_not_depend_on_n_jobs(operation):
    """Threads over chunks of samples give the same bytes as one thread."""
    X = _images(np.uint8, (300, 16, 16, 3))
    one = Compose([("op", operation)], random_state=0, n_jobs=1).augment(X)
    two = Compose([("op", operation)], random_state=0, n_jobs=2).augment(X)
    np.testing.assert_array_equal(one, two)
