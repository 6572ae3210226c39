"""Properties over random shapes, dtypes and parameters: ArrayAugmenter (images,
signals, channels_first, uint8), BalancingResampler, and pickling of fitted
estimators."""

import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from sklearn.base import clone

import sklearn_dlprep
from sklearn_dlprep import ArrayAugmenter, BalancingResampler

# About 20 s in all: run by CI, left out of the quick loop (-m "not slow").
pytestmark = pytest.mark.slow

DTYPES = [np.uint8, np.float32, np.float64, np.int16, np.uint16]
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
# The properties below run in about a millisecond an example: more of them.
FUZZ = settings(SETTINGS, max_examples=100)


@st.composite
def images(draw):
    """A small batch of images (H, W) or (H, W, C) of a random dtype."""
    n = draw(st.integers(1, 6))
    height, width = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    channels = draw(st.sampled_from([None, 1, 2, 3, 4, 5]))
    dtype = draw(st.sampled_from(DTYPES))
    shape = (n, height, width) + (() if channels is None else (channels,))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    if np.dtype(dtype).kind == "f":
        X = rng.random(shape).astype(dtype)
    else:
        info = np.iinfo(dtype)
        X = rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dtype)
    return X


@st.composite
def augmenters(draw, channels=True):
    return ArrayAugmenter(
        rotation_range=draw(st.floats(0, 180)),
        width_shift_range=draw(st.floats(0, 0.9)),
        height_shift_range=draw(st.floats(0, 3)),
        shear_range=draw(st.floats(0, 45)),
        zoom_range=draw(st.floats(0, 0.9)),
        horizontal_flip=draw(st.booleans()),
        vertical_flip=draw(st.booleans()),
        brightness_range=draw(st.sampled_from([None, (0.5, 1.5)])),
        channel_shift_range=draw(st.floats(0, 0.3)) if channels else 0.0,
        fill_mode=draw(st.sampled_from(["constant", "nearest", "reflect", "wrap"])),
        cval=draw(st.floats(0, 1)),
        n_copies=draw(st.integers(1, 3)),
        # images() may draw (n, H, 3) grey images, which only spatial_ndim (or
        # sample_shape) tells apart from one colour image.
        spatial_ndim=2,
        random_state=draw(st.integers(0, 1000)),
    )


@SETTINGS
@given(X=images(), data=st.data())
def test_shapes_dtypes_labels_and_determinism(X, data):
    """Shape, dtype and label order hold; an int seed reproduces exactly."""
    aug = data.draw(augmenters(channels=X.ndim == 4))
    y = np.arange(len(X))
    X_copy = X.copy()
    X_res, y_res = aug.fit_resample(X, y)
    n_rows = len(X) * (aug.n_copies + 1)
    assert X_res.shape == (n_rows,) + X.shape[1:] and X_res.dtype == X.dtype
    np.testing.assert_array_equal(y_res, np.tile(y, aug.n_copies + 1))
    np.testing.assert_array_equal(X_res[:len(X)], X)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(clone(aug).fit_resample(X, y)[0], X_res)
    if X.dtype == np.uint8:
        assert X_res.min() >= 0 and X_res.max() <= 255


# Grey images as wide as a colour image has channels: read as images because
# spatial_ndim says so.
_GREY_WIDTH_3 = np.arange(30, dtype=np.float32).reshape(2, 5, 3)
_GREY_WIDTH_4 = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)


@SETTINGS
@example(X=_GREY_WIDTH_3, seed=0)
@given(X=images(), seed=st.integers(0, 100))
def test_zero_ranges_are_the_identity(X, seed):
    """Every range at zero: augment returns exactly the input."""
    np.testing.assert_array_equal(
        ArrayAugmenter(spatial_ndim=2, random_state=seed).augment(X), X)


@SETTINGS
@example(X=_GREY_WIDTH_4)
@given(X=images())
def test_a_flip_applied_twice_is_the_identity(X):
    """Flipping twice, horizontally and vertically, gives the input back."""
    aug = ArrayAugmenter(spatial_ndim=2)
    both = {"flip_horizontal": np.ones(len(X), bool),
            "flip_vertical": np.ones(len(X), bool)}
    np.testing.assert_array_equal(aug.apply_params(aug.apply_params(X, both), both), X)


@SETTINGS
@given(X=images(), shift=st.integers(1, 5), cval=st.integers(0, 100))
def test_constant_fill_brings_in_cval(X, shift, cval):
    """A pure shift with fill_mode="constant" fills the moved-in border with cval."""
    width = X.shape[2]
    aug = ArrayAugmenter(fill_mode="constant", cval=cval, spatial_ndim=2)
    out = aug.apply_params(X, {"tx": np.full(len(X), float(shift))})
    border = out[:, :, max(0, width - shift):]
    np.testing.assert_array_equal(border, np.asarray(cval).astype(X.dtype))
    if shift < width:
        # float64 is warped in float32 precision (see _warp): equal to round-off
        np.testing.assert_allclose(out[:, :, :width - shift], X[:, :, shift:],
                                   rtol=1e-6)


@SETTINGS
@given(X=images(), data=st.data())
def test_pickle_and_clone_round_trip_a_fitted_augmenter(X, data):
    """A fitted augmenter survives pickling and cloning with the same behaviour."""
    aug = data.draw(augmenters(channels=X.ndim == 4))
    aug.fit_resample(X, np.arange(len(X)))
    restored = pickle.loads(pickle.dumps(aug))
    np.testing.assert_array_equal(restored.sample_indices_, aug.sample_indices_)
    np.testing.assert_array_equal(restored.augment(X), aug.augment(X))
    assert clone(aug).get_params() == aug.get_params()


# uint8 under intensity changes -------------------------------------------------------

@st.composite
def uint8_images(draw):
    """uint8 images, often saturated (0 and 255 are where wrap-around would show)."""
    n = draw(st.integers(1, 5))
    shape = (n, draw(st.integers(1, 8)), draw(st.integers(1, 8)),
             draw(st.sampled_from([1, 2, 3, 4])))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    X = rng.integers(0, 256, size=shape, dtype=np.uint8)
    saturate = draw(st.sampled_from([None, 0, 255]))
    if saturate is not None:
        X[rng.random(shape) < 0.5] = saturate
    return X


@st.composite
def intensity_augmenters(draw):
    return ArrayAugmenter(
        brightness_range=draw(st.sampled_from([None, (0.0, 1.0), (0.5, 1.5),
                                               (1.0, 3.0)])),
        channel_shift_range=draw(st.sampled_from([0.0, 30.0, 300.0])),
        noise_std=draw(st.sampled_from([0.0, 5.0, 100.0])),
        random_state=draw(st.integers(0, 1000)),
    )


@FUZZ
@given(X=uint8_images(), data=st.data())
def test_uint8_saturates_under_intensity_changes_never_wraps(X, data):
    """Brightness, channel shift and noise on uint8 equal the same changes on the
    float32 image, rounded and clipped to 0..255: saturation, never wrap-around."""
    aug = data.draw(intensity_augmenters())
    out = aug.augment(X)
    reference = aug.augment(X.astype(np.float32))
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, np.clip(np.rint(reference), 0, 255))


@FUZZ
@given(X=uint8_images(), data=st.data())
def test_uint8_bright_stays_bright_dark_stays_dark(X, data):
    """With geometry too, a brightness factor >= 1 never darkens a saturated
    image and a factor <= 1 never lights up a black one (no uint8 overflow)."""
    geometry = dict(rotation_range=data.draw(st.floats(0, 90)),
                    zoom_range=data.draw(st.floats(0, 0.5)),
                    width_shift_range=data.draw(st.floats(0, 0.5)),
                    fill_mode=data.draw(st.sampled_from(["nearest", "reflect",
                                                         "wrap"])),
                    interpolation_order=data.draw(st.sampled_from([0, 1, 3])),
                    random_state=data.draw(st.integers(0, 1000)))
    white = np.full_like(X, 255)
    black = np.zeros_like(X)
    assert np.all(ArrayAugmenter(brightness_range=(1.0, 3.0), **geometry)
                  .augment(white) == 255)
    assert np.all(ArrayAugmenter(brightness_range=(0.0, 1.0), **geometry)
                  .augment(black) == 0)


# BalancingResampler: labels travel with their rows -----------------------------------

@st.composite
def class_data(draw):
    """A few classes of random sizes (one row allowed) and a small sample shape."""
    counts = draw(st.lists(st.integers(1, 9), min_size=2, max_size=4))
    y = np.repeat(np.arange(len(counts)), counts)
    y = y[np.random.default_rng(draw(st.integers(0, 100))).permutation(len(y))]
    shape = draw(st.sampled_from([(5, 6), (4, 4, 3), (12,), (10, 2)]))
    dtype = draw(st.sampled_from([np.float32, np.float64, np.uint8]))
    X = (np.random.default_rng(1).random((len(y), *shape)) * 200).astype(dtype)
    return X, y


STRATEGIES = st.sampled_from(["auto", "all", "not minority", "not majority",
                              "minority", "mean", "median", 1, 7, 15])


def _balancer(data, shape):
    augmenter = data.draw(st.sampled_from([None, "geometric", "intensity"]))
    signal = len(shape) == 1 or (len(shape) == 2 and shape[1] == 2)
    spatial_ndim = 1 if signal else None
    if augmenter == "geometric":
        augmenter = ArrayAugmenter(
            width_shift_range=0.2, zoom_range=0.1, horizontal_flip=True,
            rotation_range=0 if signal else 20, spatial_ndim=spatial_ndim)
    elif augmenter == "intensity":
        augmenter = ArrayAugmenter(brightness_range=(0.8, 1.2), noise_std=0.5,
                                   spatial_ndim=spatial_ndim)
    return BalancingResampler(augmenter, sampling_strategy=data.draw(STRATEGIES),
                              shuffle=data.draw(st.booleans()),
                              random_state=data.draw(st.integers(0, 1000)))


@FUZZ
@given(Xy=class_data(), data=st.data())
def test_balancer_labels_are_carried_with_their_rows(Xy, data):
    """y_res == y[sample_indices_] always; without an augmenter every row is its
    source; with one, kept rows are untouched and the counts are the targets."""
    X, y = Xy
    balancer = _balancer(data, X.shape[1:])
    X_copy = X.copy()
    X_res, y_res = balancer.fit_resample(X, y)
    source = balancer.sample_indices_
    np.testing.assert_array_equal(y_res, y[source])
    np.testing.assert_array_equal(X, X_copy)
    assert X_res.shape[1:] == X.shape[1:] and X_res.dtype == X.dtype
    if balancer.augmenter is None:
        np.testing.assert_array_equal(X_res, X[source])
    for cls, count in zip(*np.unique(y, return_counts=True), strict=True):
        n_out = int(np.sum(y_res == cls))
        created = balancer.sampling_strategy_.get(cls, 0)
        if created:
            assert n_out == count + created
        else:
            assert 1 <= n_out <= count
    if not balancer.shuffle:
        # kept originals come first, in order, unchanged
        n_kept = len(y_res) - sum(balancer.sampling_strategy_.values())
        np.testing.assert_array_equal(np.diff(source[:n_kept]) > 0, True)
        np.testing.assert_array_equal(X_res[:n_kept], X[source[:n_kept]])


# Pickling and cloning fitted estimators ----------------------------------------------

@FUZZ
@given(Xy=class_data(), data=st.data())
def test_pickle_and_clone_round_trip_a_fitted_balancer(Xy, data):
    """A fitted BalancingResampler survives pickling: same fitted attributes, same
    resampling; its clone has the same parameters and no fitted state."""
    X, y = Xy
    balancer = _balancer(data, X.shape[1:])
    X_res, y_res = balancer.fit_resample(X, y)
    restored = pickle.loads(pickle.dumps(balancer))
    np.testing.assert_array_equal(restored.sample_indices_, balancer.sample_indices_)
    assert restored.sampling_strategy_ == balancer.sampling_strategy_
    assert restored.n_features_in_ == balancer.n_features_in_
    X_again, y_again = restored.fit_resample(X, y)
    np.testing.assert_array_equal(X_again, X_res)
    np.testing.assert_array_equal(y_again, y_res)
    cloned = clone(restored)
    assert repr(cloned.get_params(deep=True)) == repr(balancer.get_params(deep=True))
    assert not hasattr(cloned, "sample_indices_")
    np.testing.assert_array_equal(cloned.fit_resample(X, y)[0], X_res)


# ImageFileReader, which transforms file paths, is not a scaler.
SCALERS = [getattr(sklearn_dlprep, name) for name in sklearn_dlprep.__all__
           if hasattr(getattr(sklearn_dlprep, name), "transform")
           # MixUp and CutMix have a transform only to refuse pipelines
           and not getattr(getattr(sklearn_dlprep, name), "mixes_labels", False)
           and name != "ImageFileReader"]


@pytest.mark.parametrize("Scaler", SCALERS, ids=lambda cls: cls.__name__)
@FUZZ
@given(X=images())
def test_pickle_and_clone_round_trip_a_fitted_scaler(Scaler, X):
    """A fitted scaler survives pickling with identical transforms (and partial
    fits that continue alike); its clone has the same parameters, unfitted."""
    if "sample_shape" in Scaler().get_params():
        # images() may draw (n, H, 3) grey images: their sample shape says so.
        scaler = Scaler(sample_shape=X.shape[1:])
    else:
        # A whitener's eigendecomposition grows as the cube of the features (up to
        # 720 here); its round trip does not depend on how many there are.
        X = X.reshape(len(X), -1)[:, :24]
        scaler = Scaler()
    scaler.fit(X)
    restored = pickle.loads(pickle.dumps(scaler))
    np.testing.assert_array_equal(restored.transform(X), scaler.transform(X))
    if hasattr(scaler, "inverse_transform"):
        Xt = scaler.transform(X)
        np.testing.assert_array_equal(restored.inverse_transform(Xt),
                                      scaler.inverse_transform(Xt))
    if hasattr(scaler, "partial_fit"):
        more = X[::-1]
        restored.partial_fit(more)
        scaler.partial_fit(more)
        np.testing.assert_array_equal(restored.transform(X), scaler.transform(X))
    cloned = clone(restored)
    assert cloned.get_params() == scaler.get_params()
    assert not any(key.endswith("_") and not key.startswith("_")
                   for key in vars(cloned))


# 1-D signals and channels_first ---------------------------------------------------

@st.composite
def signals(draw, channel_choices=(None, 1, 2, 3, 5)):
    """A batch of signals (T,) or (T, C), C drawn from ``channel_choices``."""
    n = draw(st.integers(1, 6))
    length = draw(st.integers(1, 40))
    channels = draw(st.sampled_from(channel_choices))
    dtype = draw(st.sampled_from(DTYPES))
    shape = (n, length) + (() if channels is None else (channels,))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    if np.dtype(dtype).kind == "f":
        return rng.random(shape).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dtype)


@st.composite
def signal_augmenters(draw, channels=True):
    return ArrayAugmenter(
        width_shift_range=draw(st.floats(0, 0.9)),
        zoom_range=draw(st.floats(0, 0.9)),
        horizontal_flip=draw(st.booleans()),
        brightness_range=draw(st.sampled_from([None, (0.5, 1.5)])),
        channel_shift_range=draw(st.floats(0, 0.3)) if channels else 0.0,
        noise_std=draw(st.sampled_from([0.0, 0.1])),
        fill_mode=draw(st.sampled_from(["constant", "nearest", "reflect", "wrap"])),
        cval=draw(st.floats(0, 1)),
        interpolation_order=draw(st.sampled_from([0, 1, 3])),
        n_copies=draw(st.integers(1, 3)),
        spatial_ndim=1,
        random_state=draw(st.integers(0, 1000)),
    )


@FUZZ
@given(X=signals(), data=st.data())
def test_signals_keep_shape_dtype_labels_and_reproduce(X, data):
    """Signals (T,) and (T, C) with spatial_ndim=1: shape, dtype and label order
    hold, originals come first, an int seed reproduces, 2-D rows equal N-d."""
    aug = data.draw(signal_augmenters(channels=X.ndim == 3))
    y = np.arange(len(X))
    X_copy = X.copy()
    X_res, y_res = aug.fit_resample(X, y)
    assert X_res.shape == (len(X) * (aug.n_copies + 1),) + X.shape[1:]
    assert X_res.dtype == X.dtype
    np.testing.assert_array_equal(y_res, np.tile(y, aug.n_copies + 1))
    np.testing.assert_array_equal(X_res[:len(X)], X)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(clone(aug).fit_resample(X, y)[0], X_res)
    flat = clone(aug).set_params(sample_shape=X.shape[1:]).fit_resample(
        X.reshape(len(X), -1), y)[0]
    np.testing.assert_array_equal(flat.reshape(X_res.shape), X_res)


@FUZZ
@given(X=signals(), seed=st.integers(0, 100))
def test_signal_zero_ranges_and_double_flip_are_the_identity(X, seed):
    """For signals too: zero ranges give the input, and reversing twice does."""
    aug = ArrayAugmenter(spatial_ndim=1, random_state=seed)
    np.testing.assert_array_equal(aug.augment(X), X)
    flip = {"flip_horizontal": np.ones(len(X), bool)}
    twice = aug.apply_params(aug.apply_params(X, flip), flip)
    np.testing.assert_array_equal(twice, X)


GEOMETRY_KEYS = ("theta", "tx", "ty", "shear", "zx", "zy", "flip_horizontal",
                 "flip_vertical", "brightness")
# Found by the property below: a uint8 signal of two channels, bilinear.
_TWO_CHANNEL_UINT8 = np.random.default_rng(0).integers(0, 256, (3, 40, 2),
                                                       dtype=np.uint8)


@FUZZ
@example(X=_TWO_CHANNEL_UINT8, seed=0, order=1, fill_mode="nearest")
@given(X=st.one_of(signals(channel_choices=(1, 2, 3, 4, 5)), images()),
       seed=st.integers(0, 1000), order=st.sampled_from([0, 1, 3]),
       fill_mode=st.sampled_from(["constant", "nearest", "reflect", "wrap"]))
def test_channels_are_warped_independently(X, seed, order, fill_mode):
    """A multichannel sample, (T, C) signal or (H, W, C) image, warps each channel
    exactly as that channel alone would be: no channel count gets another kernel."""
    assume(X.ndim == 3 or X.shape[-1] > 1 and X.ndim == 4)
    signal = X.ndim == 3
    # An RGBA image's alpha keeps its brightness by default: "all" makes every
    # channel independent of the others.
    aug = ArrayAugmenter(rotation_range=0 if signal else 45, width_shift_range=0.3,
                         zoom_range=0.4, horizontal_flip=True,
                         brightness_range=(0.5, 1.5), brightness_channels="all",
                         fill_mode=fill_mode,
                         interpolation_order=order, spatial_ndim=1 if signal else 2,
                         random_state=seed)
    draw = aug.sample_params(X)
    draw = {key: draw[key] for key in GEOMETRY_KEYS}
    together = aug.apply_params(X, draw)
    for channel in range(X.shape[-1]):
        alone = aug.apply_params(np.ascontiguousarray(X[..., channel]), draw)
        message = f"channel {channel} of {X.shape[-1]}"
        if X.dtype == np.float32:
            # OpenCV 5.1's multi-channel float32 kernels may round the last bit
            # unlike its one-channel kernels; any other kernel is far off.
            scale = float(np.max(np.abs(X), initial=1.0))
            np.testing.assert_allclose(together[..., channel], alone, rtol=1e-5,
                                       atol=1e-6 * scale, err_msg=message)
        else:
            np.testing.assert_array_equal(together[..., channel], alone,
                                          err_msg=message)


@FUZZ
@given(X=signals(), data=st.data())
def test_a_signal_is_an_image_of_height_one(X, data):
    """The same draw on (T,)/(T, C) signals and on (1, T)/(1, T, C) images agrees."""
    aug = data.draw(signal_augmenters(channels=X.ndim == 3))
    draw = aug.sample_params(X)
    signal_out = aug.apply_params(X, draw)
    image_aug = clone(aug).set_params(spatial_ndim=2)
    image_out = image_aug.apply_params(X[:, np.newaxis], draw)
    np.testing.assert_array_equal(image_out[:, 0], signal_out)


# Found by the properties below: single-point channels_first samples crashed OpenCV.
_ONE_PIXEL_RGB = np.arange(6, dtype=np.uint8).reshape(2, 1, 1, 3)
_ONE_STEP_SIGNAL = np.array([[[95, 130, 7]]], dtype=np.float32)


@FUZZ
@example(X=_ONE_PIXEL_RGB, aug=ArrayAugmenter(zoom_range=0.5, random_state=0),
         noise_std=0.0)
@example(X=_ONE_PIXEL_RGB.astype(np.float32),
         aug=ArrayAugmenter(rotation_range=30, random_state=0), noise_std=0.1)
@given(X=images(), aug=augmenters(channels=True),
       noise_std=st.sampled_from([0.0, 0.1]))
def test_channels_first_equals_channels_last(X, aug, noise_std):
    """data_format="channels_first" on (C, H, W) gives exactly the pixels of
    "channels_last" on (H, W, C), for every dtype and option (noise included)."""
    assume(X.ndim == 4)
    aug = clone(aug).set_params(noise_std=noise_std)
    last = aug.fit_resample(X, np.arange(len(X)))[0]
    first_aug = clone(aug).set_params(data_format="channels_first")
    first = first_aug.fit_resample(np.moveaxis(X, -1, 1), np.arange(len(X)))[0]
    np.testing.assert_array_equal(np.moveaxis(first, 1, -1), last)


@FUZZ
@example(X=_ONE_STEP_SIGNAL, aug=ArrayAugmenter(zoom_range=0.5, spatial_ndim=1,
                                                random_state=0))
@example(X=_ONE_STEP_SIGNAL[..., :2].astype(np.uint8),
         aug=ArrayAugmenter(zoom_range=0.5, interpolation_order=0, spatial_ndim=1,
                            fill_mode="constant", random_state=0))
@given(X=signals(channel_choices=(1, 2, 3)), aug=signal_augmenters(channels=True))
def test_channels_first_signals_equal_channels_last(X, aug):
    """(C, T) signals with channels_first give the values of (T, C) signals."""
    last = aug.augment(X)
    first = clone(aug).set_params(data_format="channels_first").augment(
        np.moveaxis(X, -1, 1))
    np.testing.assert_array_equal(np.moveaxis(first, 1, -1), last)


# DataFrames of mixed column dtypes ----------------------------------------------------

# Column dtypes of a DataFrame, with the numpy dtype of their values.
COLUMN_DTYPES = {"float64": np.float64, "float32": np.float32, "int8": np.int8,
                 "uint8": np.uint8, "int64": np.int64, "bool": np.bool_,
                 "Int64": np.int64, "UInt8": np.uint8, "Float32": np.float32,
                 "boolean": np.bool_}


@st.composite
def mixed_frames(draw):
    """A DataFrame of (H * W) columns of random dtypes, one of them float64."""
    n_rows = draw(st.integers(1, 6))
    shape = (draw(st.integers(2, 5)), draw(st.integers(2, 5)))
    n_columns = shape[0] * shape[1]
    dtypes = draw(st.lists(st.sampled_from(list(COLUMN_DTYPES)), min_size=n_columns,
                           max_size=n_columns))
    dtypes[draw(st.integers(0, n_columns - 1))] = "float64"
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    columns = {}
    for index, dtype in enumerate(dtypes):
        values_dtype = np.dtype(COLUMN_DTYPES[dtype])
        if values_dtype.kind == "b":
            values = rng.random(n_rows) < draw(st.sampled_from([0.1, 0.5, 0.9]))
        elif values_dtype.kind in "iu":
            info = np.iinfo(values_dtype)
            values = rng.integers(max(info.min, -1000), min(info.max, 1000), n_rows,
                                  endpoint=True).astype(values_dtype)
        else:
            values = (rng.random(n_rows) * 400 - 200).astype(values_dtype)
        columns[f"c{index}"] = pd.Series(values, dtype=dtype)
    return pd.DataFrame(columns), shape


def _as_numpy_would_cast(values, dtype):
    """The numpy path's cast of float results: integers rounded and clipped to
    their range, booleans True from 0.5 up."""
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return values >= 0.5
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return np.clip(np.rint(values), info.min, info.max).astype(dtype)
    return values.astype(dtype)


@SETTINGS  # pandas costs some 30 ms an example
@given(frame_and_shape=mixed_frames(), seed=st.integers(0, 1000),
       rotation=st.floats(0, 90), shift=st.floats(0, 0.5),
       brightness=st.sampled_from([None, (0.5, 1.5)]))
def test_a_mixed_frame_is_augmented_as_its_float64_array(frame_and_shape, seed,
                                                          rotation, shift,
                                                          brightness):
    """A DataFrame of mixed dtypes (numpy and pandas nullable) comes back with its
    column dtypes, each column holding the float64 augmentation of the same
    values cast as the numpy path casts: a bool column thresholded at 0.5, an
    integer column rounded and clipped to its own range (never wrapped)."""
    frame, shape = frame_and_shape
    augmenter = ArrayAugmenter(rotation_range=rotation, width_shift_range=shift,
                               brightness_range=brightness, sample_shape=shape,
                               random_state=seed)
    before = frame.copy()
    out = augmenter.augment(frame)
    reference = augmenter.augment(frame.astype(np.float64).to_numpy())
    pd.testing.assert_frame_equal(frame, before)
    assert list(out.columns) == list(frame.columns)
    assert out.dtypes.tolist() == frame.dtypes.tolist()
    for index, (column, dtype) in enumerate(frame.dtypes.items()):
        values_dtype = COLUMN_DTYPES[str(dtype)]
        np.testing.assert_array_equal(
            out[column].to_numpy(dtype=values_dtype),
            _as_numpy_would_cast(reference[:, index], values_dtype),
            err_msg=f"column {column} of dtype {dtype}")


# Extremes (issue 11): integer limits, float64 at any scale, huge shifts, memory
# refusal, interrupts --------------------------------------------------------------

INTEGER_DTYPES = [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32,
                  np.int64, np.uint64]
NUMPY_PAD = {"nearest": "edge", "reflect": "symmetric", "wrap": "wrap",
             "constant": "constant"}


@st.composite
def extreme_integer_images(draw):
    """Images of an integer dtype whose values sit at and next to its limits."""
    dtype = np.dtype(draw(st.sampled_from(INTEGER_DTYPES)))
    info = np.iinfo(dtype)
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 9)),
             draw(st.integers(1, 9))) + draw(st.sampled_from([(), (1,), (3,), (4,)]))
    edges = np.array([info.min, info.min + 1, info.max - 1, info.max, 0, 1],
                     dtype=dtype)
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    return rng.choice(edges, size=shape)


@FUZZ
@given(X=extreme_integer_images(), data=st.data())
def test_whole_pixel_moves_copy_integers_at_their_limits_exactly(X, data):
    """Shifts by whole pixels and flips, with any fill mode, equal numpy's own
    padding of the sample: exact for every integer dtype at its limits (int64 and
    uint64 included, where float64 cannot hold the values)."""
    n, height, width = X.shape[:3]
    fill_mode = data.draw(st.sampled_from(["nearest", "reflect", "wrap", "constant"]))
    cval = data.draw(st.integers(0, 100))
    tx = np.array(data.draw(st.lists(st.integers(-3 * width, 3 * width),
                                     min_size=n, max_size=n)), dtype=float)
    ty = np.array(data.draw(st.lists(st.integers(-3 * height, 3 * height),
                                     min_size=n, max_size=n)), dtype=float)
    flips = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    out = ArrayAugmenter(fill_mode=fill_mode, cval=cval, spatial_ndim=2).apply_params(
        X, {"tx": tx, "ty": ty, "flip_horizontal": flips})
    pad_y, pad_x = 3 * height + 1, 3 * width + 1
    for i in range(n):
        pad = [(pad_y, pad_y), (pad_x, pad_x)] + [(0, 0)] * (X.ndim - 3)
        kwargs = {"constant_values": cval} if fill_mode == "constant" else {}
        padded = np.pad(X[i], pad, mode=NUMPY_PAD[fill_mode], **kwargs)
        top, left = pad_y + int(ty[i]), pad_x + int(tx[i])
        expected = padded[top:top + height, left:left + width]
        if flips[i]:
            expected = expected[:, ::-1]
        np.testing.assert_array_equal(out[i], expected)


@FUZZ
@given(X=extreme_integer_images(), aug=augmenters(channels=False))
def test_integers_at_their_limits_never_wrap_around(X, aug):
    """Any augmentation of a sample at an integer dtype's maximum (minimum) stays
    near it, never wraps to the other end: within float64's round-off for 64-bit
    integers, one step of interpolation rounding otherwise."""
    info = np.iinfo(X.dtype)
    aug = clone(aug).set_params(fill_mode="nearest", brightness_range=None)
    for value in (info.max, info.min):
        constant = np.full_like(X, value)
        out = aug.fit_resample(constant, np.arange(len(X)))[0]
        step = 1 if X.dtype.itemsize < 8 else 2 * abs(int(value)) // 2**52
        assert np.abs(out.astype(object) - int(value)).max() <= step


@FUZZ
@given(X=images(), exponent=st.integers(-1000, 1000), aug=augmenters(channels=True))
def test_float64_at_any_scale_stays_finite_and_in_range(X, exponent, aug):
    """float64 samples scaled by any power of two from 2**-1000 to 2**1000 come
    back finite, and (without intensity changes or splines) within the sample's
    range and cval, up to the documented relative bound."""
    X = X.astype(np.float64)
    X = np.ldexp(X / max(1.0, np.abs(X).max()), exponent)  # magnitudes below 2**e
    cval = np.ldexp(0.5, exponent)
    aug = clone(aug).set_params(cval=cval, brightness_range=None,
                                channel_shift_range=0.0)
    out = aug.fit_resample(X, np.arange(len(X)))[0]
    assert np.isfinite(out).all()
    slack = 2**-12 * np.ldexp(1.0, exponent)  # 2**-20 * (1 + p), p < 255 here
    assert out.min() >= min(X.min(), cval) - slack
    assert out.max() <= max(X.max(), cval) + slack


@FUZZ
@given(X=images(), data=st.data())
def test_a_huge_shift_equals_its_reduced_shift(X, data):
    """Shifting by whole periods ("wrap": the size, "reflect": twice it) changes
    nothing; far beyond an edge ("nearest", "constant") every distance gives the
    same result as just beyond it. Both through the public API, up to the
    float64 rounding of the huge offset."""
    assume(X.dtype in (np.float32, np.float64, np.uint8) and X.ndim >= 3)
    n, height, width = X.shape[:3]
    fill_mode = data.draw(st.sampled_from(["nearest", "reflect", "wrap", "constant"]))
    k = data.draw(st.integers(1, 2**30))
    sign = data.draw(st.sampled_from([-1, 1]))
    small = data.draw(st.floats(-width, width, allow_nan=False))
    augmenter = ArrayAugmenter(fill_mode=fill_mode, cval=0.25, spatial_ndim=2)
    if fill_mode in ("wrap", "reflect"):
        period = width * (1 if fill_mode == "wrap" else 2)
        near = {"tx": np.full(n, small)}
        far = {"tx": np.full(n, small + sign * k * float(period))}
    else:  # wholly beyond the edge, near it or far from it
        beyond = small % 1 + width + 2
        near = {"tx": np.full(n, sign * beyond)}
        far = {"tx": np.full(n, sign * (beyond + k))}
    tolerance = 1.0 if X.dtype == np.uint8 else 1e-5
    position_error = 4 * 2.0**-53 * abs(far["tx"][0]) * (255 if X.dtype == np.uint8
                                                       else 1)
    np.testing.assert_allclose(augmenter.apply_params(X, far).astype(float),
                               augmenter.apply_params(X, near).astype(float),
                               atol=tolerance + position_error)


@settings(SETTINGS, max_examples=20)
@given(n_copies=st.integers(1, 40), shuffle=st.booleans(),
       fraction=st.floats(0.05, 2.0))
def test_fit_resample_never_allocates_more_than_it_was_told_is_free(
        n_copies, shuffle, fraction):
    """With any amount of free memory, fit_resample either refuses before
    allocating (saying it needs more than is free) or stays within it."""
    import re
    import tracemalloc

    from sklearn_dlprep.utils import _memory

    X = np.zeros((50, 4, 4, 3), dtype=np.uint8)
    y = np.arange(50) % 3
    augmenter = ArrayAugmenter(horizontal_flip=True, brightness_range=(0.5, 1.5),
                               n_copies=n_copies, shuffle=shuffle, random_state=0)
    original = _memory.available_memory
    try:
        _memory.available_memory = lambda: 0
        try:
            augmenter.fit_resample(X, y)
        except ValueError as error:
            needed = int(re.search(r"need ([\d,]+) bytes", str(error)).group(1)
                         .replace(",", ""))
        free = int(needed * fraction)
        _memory.available_memory = lambda: free
        tracemalloc.start()
        try:
            augmenter.fit_resample(X, y)
            refused = False
        except ValueError:
            refused = True
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        _memory.available_memory = original
    assert refused == (needed > free)
    assert peak <= (1_000_000 if refused else free)


@settings(SETTINGS, max_examples=30)
@given(delay=st.floats(0, 0.004), n_jobs=st.sampled_from([1, 2]))
def test_a_real_interrupt_at_a_random_moment_restores_opencv_threads(delay, n_jobs):
    """A real KeyboardInterrupt (_thread.interrupt_main, as a signal handler
    raises it) at a random moment of a call that switches OpenCV's pool off leaves
    the user's thread setting in place (the exhaustive version, at every point
    where CPython can deliver one, is in test_engine_interrupts.py)."""
    import _thread
    import threading

    import cv2

    X = np.zeros((2, 256, 256, 1), dtype=np.float32)
    augmenter = ArrayAugmenter(rotation_range=10, random_state=0, n_jobs=n_jobs)
    original = cv2.getNumThreads()
    cv2.setNumThreads(3)
    try:
        timer = threading.Timer(delay, _thread.interrupt_main)
        try:
            timer.start()
            augmenter.augment(X)
            timer.join()  # the interrupt is raised here if the call was faster
        except KeyboardInterrupt:
            timer.join()
        assert cv2.getNumThreads() == 3
    finally:
        cv2.setNumThreads(original)
