"""Colour operations: Keras 3's semantics (its documented ones where its code has a
bug), any channel count where it makes sense, clear errors where it does not.

Equality with Keras' own layers, given the same draw, is in
test_operations_keras_parity.py; these tests pin what the parity cannot: the draws,
the refusals, the documented differences, and the properties of each operation.
"""

import numpy as np
import pytest

from sklearn_dlprep import (
    AutoContrast,
    Compose,
    Equalization,
    RandomBrightness,
    RandomColorDegeneration,
    RandomColorJitter,
    RandomContrast,
    RandomGrayscale,
    RandomHue,
    RandomInvert,
    RandomPosterization,
    RandomSaturation,
    RandomSharpness,
    Solarization,
)

ANY_CHANNELS = [
    lambda: RandomContrast(0.5),
    lambda: RandomColorJitter(brightness_factor=0.3, contrast_factor=0.3),
    lambda: RandomInvert(),
    lambda: RandomPosterization(4),
    lambda: Solarization(0.2, 0.5),
    lambda: AutoContrast(),
    lambda: Equalization(),
    lambda: RandomSharpness(1.0),
]
RGB_ONLY = [
    lambda: RandomSaturation(0.8),
    lambda: RandomHue(0.5),
    lambda: RandomColorJitter(brightness_factor=0.3, contrast_factor=0.3,
                              saturation_factor=0.6, hue_factor=0.2),
    lambda: RandomColorDegeneration(0.8),
    lambda: RandomGrayscale(0.8),
]
ALL = ANY_CHANNELS + RGB_ONLY


def _name(make):
    return type(make()).__name__


def _images(dtype=np.uint8, n=8, shape=(12, 10, 3), seed=0):
    X = np.random.default_rng(seed).random((n, *shape))
    return (X * 255).astype(dtype) if np.dtype(dtype).kind == "u" else X.astype(dtype)


def _draw(operation, n=2000, shape=(4, 4, 3), seed=0):
    """The values an operation draws for n samples (its 'applied' left out)."""
    params = Compose([("op", operation)], random_state=seed).sample_params(
        np.zeros((n, *shape), dtype=np.uint8))
    return {key[4:]: value for key, value in params.items() if key != "op__applied"}


def _apply(operation, X, **values):
    """Apply one operation with the given draw values to every sample of X."""
    n = len(X)
    draws = {f"op__{key}": np.broadcast_to(np.asarray(value), (n,)).copy()
             for key, value in values.items()}
    draws["op__applied"] = np.ones(n, dtype=bool)
    return Compose([("op", operation)]).apply_params(X, draws)


# Shapes, dtypes, the caller's array ---------------------------------------------


@pytest.mark.parametrize("make", ALL, ids=_name)
@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64])
def test_keeps_shape_and_dtype_and_leaves_the_input(make, dtype):
    """Every colour operation keeps the shape and dtype, stays in the natural
    range, changes something, and leaves the caller's array untouched."""
    X = _images(dtype)
    before = X.copy()
    out = Compose([("op", make())], random_state=0).augment(X)
    assert out.shape == X.shape and out.dtype == X.dtype
    high = 255 if np.dtype(dtype).kind == "u" else 1
    assert out.min() >= 0 and out.max() <= high
    assert np.any(out != X)
    np.testing.assert_array_equal(X, before)


@pytest.mark.parametrize("make", ANY_CHANNELS, ids=_name)
@pytest.mark.parametrize("shape", [(12, 10), (12, 10, 1), (12, 10, 5)])
def test_channel_agnostic_operations_work_on_grey_and_many_channels(make, shape):
    """Operations that act per channel accept grey images (with or without a
    channel axis) and any number of channels."""
    X = _images(np.float32, shape=shape)
    out = Compose([("op", make())], random_state=0).augment(X)
    assert out.shape == X.shape
    assert np.any(out != X)


@pytest.mark.parametrize("make", RGB_ONLY, ids=_name)
@pytest.mark.parametrize("shape", [(12, 10), (12, 10, 1), (12, 10, 4)])
def test_rgb_operations_refuse_other_channel_counts(make, shape):
    """Hue, saturation and grey conversion need 3 channels: a clear error naming
    the step and the channels found, the caller's array untouched."""
    X = _images(shape=shape)
    before = X.copy()
    with pytest.raises(ValueError, match=r"Step 'colour' .*3 colour channels"):
        Compose([("colour", make())]).augment(X)
    np.testing.assert_array_equal(X, before)


def test_color_jitter_names_the_factors_that_need_rgb():
    """RandomColorJitter says which of its factors need RGB and how to go on."""
    with pytest.raises(ValueError, match=r"Step 'jitter' \(RandomColorJitter\) "
                                         r"changes hue_factor.*have 1.*Set "
                                         r"hue_factor to None"):
        Compose([("jitter", RandomColorJitter(contrast_factor=0.2,
                                              hue_factor=0.1))]).augment(
            _images(shape=(6, 6, 1)))


def test_sharpness_refuses_signals():
    """RandomSharpness reads 2-D neighbourhoods: a 1-D signal is refused."""
    with pytest.raises(ValueError, match=r"Step 'sharp' \(RandomSharpness\) needs "
                                         r"2-D images"):
        Compose([("sharp", RandomSharpness(0.5))]).augment(np.zeros((3, 20)))


# Bad parameters and data -------------------------------------------------------


@pytest.mark.parametrize("operation, parameter", [
    (RandomContrast(1.5), "factor"),
    (RandomContrast((0.2, 1.2)), "factor"),
    (RandomSaturation(-0.1), "factor"),
    (RandomHue((0.5, 0.2)), "factor"),
    (RandomColorJitter(hue_factor=2.0), "hue_factor"),
    (RandomColorJitter(brightness_factor=(-2, 0)), "brightness_factor"),
    (RandomColorDegeneration(2), "factor"),
    (RandomGrayscale(1.5), "factor"),
    (RandomGrayscale((0, 1)), "factor"),
    (RandomInvert(-1.0), "factor"),
    (RandomPosterization(9), "factor"),
    (RandomPosterization(0), "factor"),
    (RandomPosterization(4.0), "factor"),
    (Solarization(addition_factor=1.5), "addition_factor"),
    (Solarization(threshold_factor=(0.1, 2)), "threshold_factor"),
    (Equalization(bins=1), "bins"),
    (AutoContrast(value_range=(0, 1, 2)), "value_range"),
    (RandomSharpness(0.5, p=1.5), "p"),
])
def test_bad_parameters_name_the_step_and_the_parameter(operation, parameter):
    """Out-of-range factors are refused before any work, naming step and
    parameter."""
    with pytest.raises(ValueError, match=rf"Step 'op': The '{parameter}' parameter "
                                         rf"of {type(operation).__name__} must be"):
        Compose([("op", operation)]).augment(_images())


@pytest.mark.parametrize("make", [m for m in ALL if _name(m) != "RandomGrayscale"],
                         ids=_name)
def test_float_data_outside_the_natural_range_is_an_error(make):
    """A float image in [0, 255] read with the default (0, 1) range is refused,
    naming the step and value_range; the caller's array is untouched."""
    X = _images(np.float32) * 255
    before = X.copy()
    with pytest.raises(ValueError, match=r"Step 'op': \d+ values fall outside "
                                         r"value_range=\(0, 1\)"):
        Compose([("op", make())], random_state=0).augment(X)
    np.testing.assert_array_equal(X, before)


def test_replayed_posterization_bits_are_checked():
    """Replayed draws with impossible bits are refused, naming the step."""
    with pytest.raises(ValueError, match=r"Step 'op': bits must be integers in "
                                         r"\[1, 8\]; got \[9"):
        _apply(RandomPosterization(4), _images(n=2), bits=9)


# Draws: Keras' documented semantics -------------------------------------------


def test_contrast_number_draws_on_both_sides_of_one():
    """RandomContrast(f) draws in [1 - f, 1 + f] as Keras documents (Keras 3.15
    draws in [1, 1 + f]: a bug, not copied)."""
    contrast = _draw(RandomContrast(0.4))["contrast_factor"]
    assert 0.6 <= contrast.min() < 0.65 and 1.35 < contrast.max() <= 1.4
    pair = _draw(RandomContrast((0.1, 0.3)))["contrast_factor"]
    assert 0.9 <= pair.min() and pair.max() <= 1.3


def test_saturation_number_draws_between_zero_and_factor():
    """RandomSaturation(f) draws s in [0, f] as Keras documents (Keras 3.15 draws
    in [-f, f], turning about half the images grey: a bug, not copied)."""
    multiplier = _draw(RandomSaturation(0.6))["factor"]
    s = multiplier / (1 + multiplier)
    assert s.min() >= 0 and s.min() < 0.01 and 0.59 < s.max() <= 0.6
    assert np.mean(multiplier < 1e-3) < 0.01


def test_hue_draws_both_signs_up_to_half_the_factor():
    """RandomHue(f) shifts by up to f / 2 turns, either way about equally."""
    shift = _draw(RandomHue(0.4))["factor"]
    assert np.abs(shift).max() <= 0.2 and np.abs(shift).max() > 0.19
    assert 0.45 < np.mean(shift < 0) < 0.55


def test_invert_default_inverts_about_half_and_a_pair_of_ones_always():
    """Keras' documented RandomInvert: the probability is drawn in [0, factor]."""
    assert 0.45 < _draw(RandomInvert())["apply_inversion"].mean() < 0.55
    assert _draw(RandomInvert((1.0, 1.0)))["apply_inversion"].all()
    assert not _draw(RandomInvert(0.0))["apply_inversion"].any()


def test_grayscale_factor_is_the_probability():
    """RandomGrayscale(1) converts every sample, (0) none, (0.3) about 30%."""
    assert _draw(RandomGrayscale(1.0))["grayscale"].all()
    assert not _draw(RandomGrayscale(0.0))["grayscale"].any()
    assert 0.25 < _draw(RandomGrayscale(0.3))["grayscale"].mean() < 0.35


def test_posterization_draws_include_the_upper_bits():
    """RandomPosterization(f) keeps 1 to f bits, f included (Keras 3.15 excludes
    it: a bug, not copied); a pair draws the integers between its ends."""
    assert set(_draw(RandomPosterization(3))["bits"]) == {1, 2, 3}
    assert set(_draw(RandomPosterization((6, 8)))["bits"]) == {6, 7, 8}
    assert set(_draw(RandomPosterization((4, 4)))["bits"]) == {4}


def test_solarization_pairs_scale_both_ends():
    """Solarization's pairs are fractions of the range at both ends (Keras 3.15
    scales only the upper end: a bug, not copied)."""
    draws = _draw(Solarization((0.2, 0.4), (0.5, 0.6)))
    assert 0.2 <= draws["addition"].min() < 0.21 and draws["addition"].max() <= 0.4
    assert 0.5 <= draws["threshold"].min() and draws["threshold"].max() <= 0.6


def test_degeneration_number_draws_between_zero_and_factor():
    """RandomColorDegeneration(f) draws in [0, f] as Keras documents (Keras 3.15
    draws in [-f, f]: a bug, not copied)."""
    amount = _draw(RandomColorDegeneration(0.3))["factor"]
    assert amount.min() >= 0 and amount.max() <= 0.3 and amount.min() < 0.01


def test_jitter_draws_do_not_depend_on_which_factors_are_set():
    """Switching a factor on or off never shifts the other factors' draws."""
    full = _draw(RandomColorJitter(brightness_factor=0.4, contrast_factor=0.4,
                                   saturation_factor=0.4, hue_factor=0.1))
    hue_only = _draw(RandomColorJitter(hue_factor=0.1))
    np.testing.assert_array_equal(full["hue_factor"], hue_only["hue_factor"])
    contrast_only = _draw(RandomColorJitter(contrast_factor=0.4))
    np.testing.assert_array_equal(full["contrast_factor"],
                                  contrast_only["contrast_factor"])


# What each operation does ------------------------------------------------------


@pytest.mark.parametrize("make", [m for m in ALL if _name(m) != "RandomSharpness"],
                         ids=_name)
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_large_and_small_images_get_the_same_colours(make, dtype):
    """Pointwise operations run per sample in OpenCV from 64 x 64 pixels and in
    numpy below: an image tiled 4 x 4 (same per-sample statistics) gets the
    tiled result of the small image."""
    small = _images(dtype, n=4, shape=(16, 16, 3))
    large = np.tile(small, (1, 4, 4, 1))
    compose = Compose([("op", make())], random_state=0)
    draws = compose.sample_params(small)
    expected = np.tile(compose.apply_params(small, draws), (1, 4, 4, 1))
    out = compose.apply_params(large, draws)
    np.testing.assert_allclose(out.astype(float), expected.astype(float),
                               atol=1 if dtype == np.uint8 else 1e-5)
    if dtype == np.uint8:  # rounding flips a few values at most
        assert np.mean(out != expected) < 0.01


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_jitter_is_the_four_operations_in_a_row(dtype):
    """RandomColorJitter equals RandomBrightness, RandomContrast,
    RandomSaturation and RandomHue applied one after another with its draws."""
    X = _images(dtype)
    n = len(X)
    rng = np.random.default_rng(5)
    values = {"brightness_delta": rng.uniform(-0.3, 0.3, n),
              "contrast_factor": rng.uniform(0.5, 1.5, n),
              "saturation_factor": rng.uniform(0, 3, n),
              "hue_factor": rng.uniform(-0.5, 0.5, n)}
    jitter = _apply(RandomColorJitter(brightness_factor=0.3, contrast_factor=0.5,
                                      saturation_factor=0.9, hue_factor=1.0),
                    X, **values)
    chain = Compose([("b", RandomBrightness(0.3)), ("c", RandomContrast(0.5)),
                     ("s", RandomSaturation(0.9)), ("h", RandomHue(1.0))])
    draws = {"b__delta": values["brightness_delta"],
             "c__contrast_factor": values["contrast_factor"],
             "s__factor": values["saturation_factor"],
             "h__factor": values["hue_factor"]}
    draws.update({f"{s}__applied": np.ones(n, dtype=bool) for s in "bcsh"})
    expected = chain.apply_params(X, draws)
    assert chain.make_plan(X.shape, X.dtype).stages == ("pointwise",)
    tolerance = 1 if dtype == np.uint8 else 1e-5
    np.testing.assert_allclose(jitter.astype(float), expected.astype(float),
                               atol=tolerance)


def test_float64_and_float32_hsv_agree():
    """Saturation and hue give the same colours on float64 (numpy formulas) as on
    float32 (OpenCV's conversions), to float32 precision."""
    X = _images(np.float64)
    n = len(X)
    rng = np.random.default_rng(6)
    values = {"brightness_delta": np.zeros(n), "contrast_factor": np.ones(n),
              "saturation_factor": rng.uniform(0, 4, n),
              "hue_factor": rng.uniform(-0.5, 0.5, n)}
    jitter = RandomColorJitter(saturation_factor=0.9, hue_factor=1.0)
    wide = _apply(jitter, X, **values)
    narrow = _apply(jitter, X.astype(np.float32), **values)
    assert wide.dtype == np.float64
    np.testing.assert_allclose(wide, narrow, atol=2e-6)
    assert np.abs(wide - X).max() > 0.5


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_saturation_half_is_the_identity_and_zero_is_grey(dtype):
    """s = 0.5 (multiplier 1) leaves the colours; s = 0 leaves V in every
    channel."""
    X = _images(dtype)
    same = _apply(RandomSaturation(0.5), X, factor=1.0)
    np.testing.assert_allclose(same.astype(float), X.astype(float),
                               atol=1 if dtype == np.uint8 else 1e-6)
    grey = _apply(RandomSaturation(0.5), X, factor=0.0)
    np.testing.assert_allclose(grey.astype(float),
                               np.repeat(X.max(axis=-1, keepdims=True), 3, -1),
                               atol=1e-6)


def test_saturation_stays_in_range_when_multiplied_beyond_one():
    """A multiplier far above 1 saturates fully (S = 1: the smallest channel goes
    to 0, the largest stays) and never leaves the range (Keras clips S to its
    value_range, (0, 255) by default, and goes negative: a bug, not copied)."""
    X = _images(np.float32, shape=(12, 10, 3)) * 0.8 + 0.1
    out = _apply(RandomSaturation(1.0), X, factor=1e7)
    np.testing.assert_allclose(out.min(axis=-1), 0, atol=1e-6)
    np.testing.assert_allclose(out.max(axis=-1), X.max(axis=-1), atol=1e-6)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_hue_keeps_value_and_saturation(dtype):
    """A hue shift permutes and blends channels but keeps each pixel's largest and
    smallest value; a whole turn is the identity."""
    X = _images(dtype)
    out = _apply(RandomHue(1.0), X, factor=0.3)
    tolerance = 1 if dtype == np.uint8 else 1e-5
    np.testing.assert_allclose(out.max(-1).astype(float), X.max(-1).astype(float),
                               atol=tolerance)
    np.testing.assert_allclose(out.min(-1).astype(float), X.min(-1).astype(float),
                               atol=tolerance)
    assert np.abs(out.astype(float) - X).max() > 20 * tolerance
    turn = _apply(RandomHue(1.0), X, factor=1.0)
    np.testing.assert_allclose(turn.astype(float), X.astype(float), atol=tolerance)


def test_hue_and_saturation_read_from_the_low_end_of_the_range():
    """With value_range=(-1, 1) the HSV conversion reads x + 1: the result is the
    one on [0, 2] moved back."""
    X = _images(np.float32) * 2 - 1
    values = {"brightness_delta": 0.0, "contrast_factor": 1.0,
              "saturation_factor": 2.0, "hue_factor": 0.2}
    moved = _apply(RandomColorJitter((-1, 1), saturation_factor=0.9,
                                     hue_factor=1.0), X, **values)
    shifted = _apply(RandomColorJitter((0, 2), saturation_factor=0.9,
                                       hue_factor=1.0), X + 1, **values)
    np.testing.assert_allclose(moved, shifted - 1, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_contrast_keeps_channel_means(dtype):
    """Without clipping, contrast scales deviations and keeps each channel's
    mean."""
    X = _images(dtype) // 2 + 64 if dtype == np.uint8 else _images(dtype) / 2 + 0.25
    out = _apply(RandomContrast(0.5), X, contrast_factor=1.5)
    np.testing.assert_allclose(out.mean(axis=(1, 2)), X.mean(axis=(1, 2)),
                               atol=0.5 if dtype == np.uint8 else 1e-5)
    assert out.std() > 1.4 * X.std()


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_grayscale_puts_keras_grey_in_every_channel(dtype):
    """Converted samples hold 0.2989 R + 0.587 G + 0.114 B in all three channels;
    the others are untouched."""
    X = _images(dtype, n=2)
    out = _apply(RandomGrayscale(), X, grayscale=[True, False])
    grey = X[0].astype(float) @ [0.2989, 0.5870, 0.1140]
    for channel in range(3):
        np.testing.assert_allclose(out[0, ..., channel], grey,
                                   atol=0.5 if dtype == np.uint8 else 1e-5)
    np.testing.assert_array_equal(out[1], X[1])


def test_degeneration_one_is_grayscale():
    """A degeneration amount of 1 gives RandomGrayscale's image."""
    X = _images(np.float32)
    np.testing.assert_allclose(_apply(RandomColorDegeneration(1.0), X, factor=1.0),
                               _apply(RandomGrayscale(), X, grayscale=True),
                               atol=1e-6)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_invert_twice_is_the_identity(dtype):
    """Inversion is low + high - x: twice gives the sample back."""
    X = _images(dtype)
    once = _apply(RandomInvert(), X, apply_inversion=True)
    high = 255 if dtype == np.uint8 else 1
    np.testing.assert_allclose(once, high - X.astype(float), atol=1e-6)
    np.testing.assert_allclose(_apply(RandomInvert(), once, apply_inversion=True),
                               X, atol=1e-6)


def test_invert_stays_in_a_range_that_does_not_start_at_zero():
    """With value_range=(-1, 1), x becomes -x (Keras' 1 - x leaves the range: a
    bug, not copied)."""
    X = _images(np.float32) * 2 - 1
    out = _apply(RandomInvert(value_range=(-1, 1)), X, apply_inversion=True)
    np.testing.assert_allclose(out, -X)


@pytest.mark.parametrize("bits", [1, 3, 8])
def test_posterization_keeps_the_top_bits(bits):
    """uint8 values keep their top bits; float values in (0, 1) land on the same
    levels divided by 255."""
    X = _images(np.uint8)
    out = _apply(RandomPosterization(8), X, bits=bits)
    np.testing.assert_array_equal(out, X & (0xFF << (8 - bits) & 0xFF))
    floats = _apply(RandomPosterization(8), X.astype(np.float32) / 255, bits=bits)
    np.testing.assert_allclose(floats * 255, out, atol=1e-4)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_solarization_defaults_invert_every_value(dtype):
    """No addition and threshold 0 invert every value."""
    X = _images(dtype)
    out = Compose([("sun", Solarization())], random_state=0).augment(X)
    high = 255 if dtype == np.uint8 else 1
    np.testing.assert_allclose(out, high - X, atol=1e-6)


def test_solarization_inverts_only_from_the_threshold_after_the_addition():
    """x + addition (clipped) is kept below the threshold, inverted from it."""
    X = np.array([[[[0.1, 0.3, 0.5, 0.9]]]], dtype=np.float32)
    out = _apply(Solarization(1.0, 1.0), X, addition=0.1, threshold=0.45)
    np.testing.assert_allclose(out[0, 0, 0], [0.2, 0.4, 0.4, 0.0], atol=1e-6)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_autocontrast_stretches_each_channel_and_leaves_constant_ones(dtype):
    """Each channel's min goes to the range's low end, its max to the high end; a
    constant channel stays."""
    X = _images(dtype) // 3 + 50 if dtype == np.uint8 else _images(dtype) / 3 + 0.2
    X[1, ..., 2] = X[1, 0, 0, 2]
    out = Compose([("auto", AutoContrast())]).augment(X)
    high = 255 if dtype == np.uint8 else 1
    stretched = np.ones((len(X), 3), dtype=bool)
    stretched[1, 2] = False
    np.testing.assert_allclose(out.min(axis=(1, 2))[stretched], 0, atol=1e-6)
    np.testing.assert_allclose(out.max(axis=(1, 2))[stretched], high, atol=1e-6)
    np.testing.assert_array_equal(out[1, ..., 2], X[1, ..., 2])


def test_autocontrast_in_a_signed_range():
    """With value_range=(-1, 1) each channel spans exactly [-1, 1]."""
    X = (_images(np.float32) - 0.5) / 2
    out = Compose([("auto", AutoContrast((-1, 1)))]).augment(X)
    np.testing.assert_allclose(out.min(axis=(1, 2)), -1, atol=1e-6)
    np.testing.assert_allclose(out.max(axis=(1, 2)), 1, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_equalization_of_one_image_does_not_depend_on_its_batch(dtype):
    """An image equalised alone equals the same image equalised next to others
    (Keras 3.15 pools the histogram over the batch: not copied), whatever the
    chunks and threads."""
    X = _images(dtype, n=40, shape=(32, 32, 3))
    X[1:] = X[1:] // 2 if dtype == np.uint8 else X[1:] / 2  # darker companions
    equalize = Compose([("eq", Equalization())], n_jobs=2)
    batch = equalize.augment(X)
    for i in (0, 1, 39):
        np.testing.assert_array_equal(equalize.augment(X[i:i + 1])[0], batch[i])


def test_equalization_flattens_the_histogram_and_leaves_flat_channels():
    """Each channel of an equalised uint8 image spans 0..255 with a roughly flat
    histogram; a one-value channel is left as it is."""
    rng = np.random.default_rng(3)
    X = rng.normal(100, 10, (2, 64, 64, 3)).clip(0, 255).astype(np.uint8)
    X[1, ..., 1] = 77
    out = Compose([("eq", Equalization())]).augment(X)
    assert out[0].min() == 0 and out[0].max() == 255
    counts = np.histogram(out[0, ..., 0], bins=4, range=(0, 256))[0]
    assert counts.min() > 0.15 * counts.sum()
    np.testing.assert_array_equal(out[1, ..., 1], 77)


def test_equalization_with_fewer_bins_on_float_data():
    """Float data in (0, 1) equalise on the 0..255 scale and come back in (0, 1)
    with at most ``bins`` levels per channel."""
    X = _images(np.float32, shape=(32, 32, 2))
    out = Compose([("eq", Equalization(bins=8))]).augment(X)
    assert out.min() >= 0 and out.max() <= 1
    assert max(len(np.unique(out[i, ..., c])) for i in range(len(X))
               for c in range(2)) <= 8


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_sharpness_keeps_the_frame_and_half_is_the_identity(dtype):
    """The one-pixel frame never changes (Keras' zero padding darkens it: not
    copied); factor 0.5 leaves the sample; a constant image stays constant."""
    X = _images(dtype)
    blurred = _apply(RandomSharpness(1.0), X, factor=0.0)
    for frame in (np.s_[:, 0], np.s_[:, -1], np.s_[:, :, 0], np.s_[:, :, -1]):
        np.testing.assert_array_equal(blurred[frame], X[frame])
    high = 255 if dtype == np.uint8 else 1
    assert np.abs(blurred[:, 1:-1, 1:-1].astype(float)
                  - X[:, 1:-1, 1:-1]).max() > 0.2 * high
    np.testing.assert_array_equal(_apply(RandomSharpness(1.0), X, factor=0.5), X)
    flat = np.full_like(X, 100 if dtype == np.uint8 else 0.4)
    np.testing.assert_allclose(_apply(RandomSharpness(1.0), flat, factor=1.0), flat,
                               atol=1e-6)


def test_sharpness_ends_the_fused_colour_pass():
    """Colour operations share one pass; RandomSharpness (it reads neighbours)
    runs as a sample stage between two passes."""
    X = _images()
    compose = Compose([("c", RandomContrast(0.2)), ("i", RandomInvert()),
                       ("s", RandomSharpness(0.5)), ("e", Equalization()),
                       ("a", AutoContrast())])
    assert compose.make_plan(X.shape, X.dtype).stages == (
        "pointwise", "sample", "pointwise")


def test_p_leaves_the_samples_it_does_not_pick():
    """A sample whose 'applied' is False is untouched by a per-sample statistic
    operation."""
    X = _images(n=2)
    draws = {"op__applied": np.array([True, False])}
    out = Compose([("op", Equalization())]).apply_params(X, draws)
    assert np.any(out[0] != X[0])
    np.testing.assert_array_equal(out[1], X[1])
