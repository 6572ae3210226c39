"""Properties over random shapes, dtypes and parameters: ArrayAugmenter (images,
signals, channels_first, uint8), BalancingResampler, and pickling of fitted
estimators."""

import pickle

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from sklearn.base import clone

import sklearn_dlprep
from sklearn_dlprep import ArrayAugmenter, BalancingResampler

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


@SETTINGS
@given(X=images(), seed=st.integers(0, 100))
def test_zero_ranges_are_the_identity(X, seed):
    """Every range at zero: augment returns exactly the input."""
    np.testing.assert_array_equal(ArrayAugmenter(random_state=seed).augment(X), X)


@SETTINGS
@given(X=images())
def test_a_flip_applied_twice_is_the_identity(X):
    """Flipping twice, horizontally and vertically, gives the input back."""
    aug = ArrayAugmenter()
    both = {"flip_horizontal": np.ones(len(X), bool),
            "flip_vertical": np.ones(len(X), bool)}
    np.testing.assert_array_equal(aug.apply_params(aug.apply_params(X, both), both), X)


@SETTINGS
@given(X=images(), shift=st.integers(1, 5), cval=st.integers(0, 100))
def test_constant_fill_brings_in_cval(X, shift, cval):
    """A pure shift with fill_mode="constant" fills the moved-in border with cval."""
    width = X.shape[2]
    aug = ArrayAugmenter(fill_mode="constant", cval=cval)
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
           and name != "ImageFileReader"]


@pytest.mark.parametrize("Scaler", SCALERS, ids=lambda cls: cls.__name__)
@FUZZ
@given(X=images())
def test_pickle_and_clone_round_trip_a_fitted_scaler(Scaler, X):
    """A fitted scaler survives pickling with identical transforms (and partial
    fits that continue alike); its clone has the same parameters, unfitted."""
    scaler = Scaler().fit(X)
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
    aug = ArrayAugmenter(rotation_range=0 if signal else 45, width_shift_range=0.3,
                         zoom_range=0.4, horizontal_flip=True,
                         brightness_range=(0.5, 1.5), fill_mode=fill_mode,
                         interpolation_order=order, spatial_ndim=1 if signal else 2,
                         random_state=seed)
    draw = aug.sample_params(X)
    draw = {key: draw[key] for key in GEOMETRY_KEYS}
    together = aug.apply_params(X, draw)
    for channel in range(X.shape[-1]):
        alone = aug.apply_params(np.ascontiguousarray(X[..., channel]), draw)
        np.testing.assert_array_equal(together[..., channel], alone,
                                      err_msg=f"channel {channel} of {X.shape[-1]}")


@FUZZ
@given(X=signals(), data=st.data())
def test_a_signal_is_an_image_of_height_one(X, data):
    """The same draw on (T,)/(T, C) signals and on (1, T)/(1, T, C) images agrees."""
    aug = data.draw(signal_augmenters(channels=X.ndim == 3))
    draw = aug.sample_params(X)
    signal_out = aug.apply_params(X, draw)
    image_aug = clone(aug).set_params(spatial_ndim=None if X.ndim == 2 else 2)
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
