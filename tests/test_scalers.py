"""Tests of ChannelStandardizer, ChannelMinMaxScaler, SampleStandardizer and
ZCAWhitener."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils.estimator_checks import check_param_validation
from threadpoolctl import threadpool_limits

from sklearn_dlprep import (
    ChannelMinMaxScaler,
    ChannelStandardizer,
    SampleStandardizer,
    ZCAWhitener,
    _scalers,
)
from sklearn_dlprep.utils import _memory

FLOATS = [np.float32, np.float64]
SCALERS = [ChannelStandardizer, SampleStandardizer, ZCAWhitener, ChannelMinMaxScaler]


def _images(dtype=np.float64, n_samples=40, shape=(6, 5, 3), seed=0):
    """Colour images whose channels have clearly different means and spreads."""
    rng = np.random.default_rng(seed)
    loc = np.array([10.0, -3.0, 100.0])[: shape[-1]]
    spread = np.array([2.0, 0.5, 20.0])[: shape[-1]]
    X = loc + spread * rng.normal(size=(n_samples, *shape))
    return X.astype(dtype)


def _correlated(dtype=np.float64, n_samples=600, n_features=6, seed=0):
    """Correlated features with unequal variances and a non-zero mean."""
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(n_features, n_features))
    X = rng.normal(size=(n_samples, n_features)) @ mixing + 5.0
    return X.astype(dtype)


# ChannelStandardizer --------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOATS)
def test_channel_statistics_match_numpy(dtype):
    """mean_, var_ and scale_ equal numpy's over samples and positions, per channel."""
    X = _images(dtype)
    scaler = ChannelStandardizer().fit(X)
    X64 = X.astype(np.float64)
    assert_allclose(scaler.mean_, X64.mean(axis=(0, 1, 2)), rtol=1e-12)
    assert_allclose(scaler.var_, X64.var(axis=(0, 1, 2)), rtol=1e-10)
    assert_allclose(scaler.scale_, X64.std(axis=(0, 1, 2)), rtol=1e-10)
    assert scaler.n_samples_seen_ == X.shape[0]
    assert scaler.n_features_in_ == 6 * 5 * 3
    assert scaler.mean_.dtype == np.float64


@pytest.mark.parametrize("dtype", FLOATS)
def test_channel_transform_standardizes_each_channel(dtype):
    """After transform, each channel has mean 0 and std 1 over samples and pixels."""
    X = _images(dtype)
    out = ChannelStandardizer().fit_transform(X)
    assert out.shape == X.shape
    assert out.dtype == dtype
    out64 = out.astype(np.float64)
    assert_allclose(out64.mean(axis=(0, 1, 2)), 0.0, atol=1e-5)
    assert_allclose(out64.std(axis=(0, 1, 2)), 1.0, rtol=1e-5)
    expected = (X.astype(np.float64) - X.astype(np.float64).mean(axis=(0, 1, 2))) / (
        X.astype(np.float64).std(axis=(0, 1, 2))
    )
    assert_allclose(out, expected, rtol=1e-5 if dtype == np.float32 else 1e-10,
                    atol=1e-5 if dtype == np.float32 else 1e-10)


@pytest.mark.parametrize("dtype", FLOATS)
def test_channel_flat_input_with_sample_shape_equals_nd_input(dtype):
    """A 2-D X with sample_shape gives the N-d result, flattened, and stays 2-D."""
    X = _images(dtype)
    flat = X.reshape(len(X), -1)
    out_nd = ChannelStandardizer().fit_transform(X)
    scaler = ChannelStandardizer(sample_shape=X.shape[1:]).fit(flat)
    out_flat = scaler.transform(flat)
    assert out_flat.shape == flat.shape
    assert_array_equal(out_flat, out_nd.reshape(len(X), -1))
    assert_array_equal(scaler.mean_, ChannelStandardizer().fit(X).mean_)


def test_channel_2d_without_sample_shape_is_one_channel():
    """A 2-D X without sample_shape is a batch of signals: one global mean and std."""
    X = _correlated()
    scaler = ChannelStandardizer().fit(X)
    assert scaler.mean_.shape == (1,)
    assert_allclose(scaler.mean_, [X.mean()])
    assert_allclose(scaler.scale_, [X.std()])


def test_channel_grey_images_have_one_channel():
    """Samples of rank 2 (grey images) have a single channel."""
    X = _images(shape=(4, 5, 1))[..., 0]
    scaler = ChannelStandardizer().fit(X)
    assert scaler.mean_.shape == (1,)
    assert_allclose(scaler.mean_, [X.mean()])


def test_channel_multichannel_signal_as_image_of_height_one():
    """sample_shape=(1, T, C) gives one statistic per channel of (T, C) signals."""
    signals = _images(shape=(50, 3))
    flat = signals.reshape(len(signals), -1)
    scaler = ChannelStandardizer(sample_shape=(1, 50, 3)).fit(flat)
    assert_allclose(scaler.mean_, signals.mean(axis=(0, 1)))
    assert_allclose(scaler.scale_, signals.std(axis=(0, 1)))


@pytest.mark.parametrize("dtype", FLOATS)
def test_channel_partial_fit_equals_fit(dtype):
    """partial_fit on uneven chunks gives the statistics of one fit on all rows."""
    X = _images(dtype, n_samples=50)
    full = ChannelStandardizer().fit(X)
    streamed = ChannelStandardizer()
    for rows in (slice(0, 7), slice(7, 8), slice(8, 31), slice(31, 50)):
        streamed.partial_fit(X[rows])
    assert streamed.n_samples_seen_ == full.n_samples_seen_ == 50
    assert_allclose(streamed.mean_, full.mean_, rtol=1e-12)
    assert_allclose(streamed.var_, full.var_, rtol=1e-10)
    assert_allclose(streamed.scale_, full.scale_, rtol=1e-10)


def test_channel_fit_forgets_previous_partial_fits():
    """fit starts afresh, whatever partial_fit saw before."""
    X = _images()
    scaler = ChannelStandardizer().partial_fit(X[:10] + 1000.0)
    scaler.fit(X)
    assert scaler.n_samples_seen_ == len(X)
    assert_allclose(scaler.mean_, X.mean(axis=(0, 1, 2)))


def test_channel_partial_fit_from_memmap(tmp_path):
    """Chunks of a numpy memmap on disk fit as the same data in memory does."""
    X = _images(np.float32, n_samples=64)
    path = tmp_path / "images.dat"
    on_disk = np.memmap(path, dtype=np.float32, mode="w+", shape=X.shape)
    on_disk[:] = X
    on_disk.flush()
    del on_disk
    reader = np.memmap(path, dtype=np.float32, mode="r", shape=X.shape)
    streamed = ChannelStandardizer()
    for start in range(0, len(reader), 10):
        streamed.partial_fit(reader[start:start + 10])
    full = ChannelStandardizer().fit(X)
    assert_allclose(streamed.mean_, full.mean_, rtol=1e-12)
    assert_allclose(streamed.var_, full.var_, rtol=1e-10)
    out = streamed.transform(reader)
    assert isinstance(out, np.ndarray) and not isinstance(out, np.memmap)
    assert_allclose(out, full.transform(X), rtol=1e-6)


def test_channel_statistics_stable_for_large_offset():
    """A large mean next to a small spread still gives the right variance."""
    rng = np.random.default_rng(0)
    X = (1e6 + rng.normal(size=(30, 8, 8, 2))).astype(np.float64)
    scaler = ChannelStandardizer()
    for rows in (slice(0, 13), slice(13, 30)):
        scaler.partial_fit(X[rows])
    assert_allclose(scaler.var_, X.var(axis=(0, 1, 2)), rtol=1e-8)


@pytest.mark.parametrize("dtype", FLOATS)
def test_channel_constant_channel_gets_unit_scale(dtype):
    """A channel of zero variance gets scale 1: finite output, centred to 0."""
    X = _images(dtype)
    X[..., 1] = 7.0
    scaler = ChannelStandardizer().fit(X)
    assert scaler.scale_[1] == 1.0
    out = scaler.transform(X)
    assert np.isfinite(out).all()
    assert_array_equal(out[..., 1], 0.0)


@pytest.mark.parametrize("dtype", FLOATS)
def test_channel_inverse_transform_round_trips(dtype):
    """inverse_transform(transform(X)) gives X back, in X's float dtype."""
    X = _images(dtype)
    scaler = ChannelStandardizer().fit(X)
    back = scaler.inverse_transform(scaler.transform(X))
    assert back.dtype == dtype
    assert_allclose(back, X, rtol=1e-5 if dtype == np.float32 else 1e-12)


def test_channel_with_mean_false_only_scales():
    """with_mean=False divides by the channel std without centring."""
    X = _images()
    out = ChannelStandardizer(with_mean=False).fit_transform(X)
    assert_allclose(out, X / X.std(axis=(0, 1, 2)))


def test_channel_with_std_false_only_centres():
    """with_std=False subtracts the channel means and leaves scale_ None."""
    X = _images()
    scaler = ChannelStandardizer(with_std=False).fit(X)
    assert scaler.scale_ is None
    assert_allclose(scaler.transform(X), X - X.mean(axis=(0, 1, 2)))
    assert_allclose(scaler.inverse_transform(scaler.transform(X)), X)


@pytest.mark.parametrize("bad", ["yes", 1, None])
def test_channel_rejects_non_bool_flags(bad):
    """with_mean and with_std must be bools; the error names the parameter."""
    with pytest.raises(TypeError, match="with_std"):
        ChannelStandardizer(with_std=bad).fit(_images())


def test_channel_sample_shape_mismatch_names_both_numbers():
    """sample_shape that does not hold n_features values is a ValueError."""
    X = np.zeros((5, 64))
    with pytest.raises(ValueError, match=r"holds 48 values but X has 64"):
        ChannelStandardizer(sample_shape=(4, 4, 3)).fit(X)


def test_channel_transform_rejects_other_sample_shape():
    """N-d X with another sample shape than in fit is refused, with both shapes."""
    scaler = ChannelStandardizer().fit(_images(shape=(4, 6, 3)))
    with pytest.raises(ValueError, match=r"\(6, 4, 3\).*\(4, 6, 3\)"):
        scaler.transform(_images(shape=(6, 4, 3)))


def test_channel_transform_accepts_flat_rows_after_nd_fit():
    """After fitting N-d images, flattened rows are read with the fitted shape."""
    X = _images()
    scaler = ChannelStandardizer().fit(X)
    flat = scaler.transform(X.reshape(len(X), -1))
    assert flat.shape == (len(X), X[0].size)
    assert_array_equal(flat, scaler.transform(X).reshape(len(X), -1))


# Layouts: the same images, channels last or first, N-d or flat ---------------------


def _same_images_in_four_layouts(X):
    """``{name: (X in that layout, layout parameters, back to (N, H, W, C))}``."""
    n_samples, height, width, channels = X.shape
    first = np.ascontiguousarray(np.moveaxis(X, -1, 1))
    return {
        "NHWC": (X, {}, lambda out: out),
        "NCHW": (first, {"data_format": "channels_first"},
                 lambda out: np.moveaxis(out, 1, -1)),
        "flat NHWC": (X.reshape(n_samples, -1), {"sample_shape": X.shape[1:]},
                      lambda out: out.reshape(X.shape)),
        "flat NCHW": (first.reshape(n_samples, -1),
                      {"sample_shape": first.shape[1:],
                       "data_format": "channels_first"},
                      lambda out: np.moveaxis(out.reshape(first.shape), 1, -1)),
    }


@pytest.mark.parametrize("dtype", FLOATS)
def test_channel_statistics_do_not_depend_on_layout(dtype):
    """(N, C, H, W), (N, H, W, C) and both flattened with sample_shape give the
    same per-channel statistics and the same output, re-laid-out."""
    X = _images(dtype)
    reference = ChannelStandardizer().fit(X)
    expected = reference.transform(X)
    for name, (X_layout, params, to_nhwc) in _same_images_in_four_layouts(X).items():
        scaler = ChannelStandardizer(**params).fit(X_layout)
        assert scaler.mean_.shape == (3,), name
        assert_allclose(scaler.mean_, reference.mean_, rtol=1e-12, err_msg=name)
        assert_allclose(scaler.var_, reference.var_, rtol=1e-10, err_msg=name)
        out = scaler.transform(X_layout)
        assert out.shape == X_layout.shape and out.dtype == dtype, name
        assert_allclose(to_nhwc(out), expected, rtol=1e-6, atol=1e-6, err_msg=name)
        back = scaler.inverse_transform(out)
        assert_allclose(to_nhwc(back), X, rtol=1e-5, err_msg=name)


def test_channels_first_images_get_one_statistic_per_channel():
    """Channels-first images are standardised per channel, never per column."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4, 3, 32, 32)) + np.array([1.0, 5.0, 9.0])[:, None, None]
    scaler = ChannelStandardizer(data_format="channels_first").fit(X)
    assert scaler.mean_.shape == (3,)
    assert_allclose(scaler.mean_, X.mean(axis=(0, 2, 3)))
    assert_allclose(scaler.scale_, X.std(axis=(0, 2, 3)))


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_channel_multichannel_signals_with_spatial_ndim_1(data_format):
    """spatial_ndim=1 reads (T, C) (or (C, T)) signals: one statistic per channel."""
    signals = _images(shape=(50, 3))
    if data_format == "channels_first":
        X, axes = np.moveaxis(signals, -1, 1), (0, 2)
    else:
        X, axes = signals, (0, 1)
    scaler = ChannelStandardizer(spatial_ndim=1, data_format=data_format).fit(X)
    assert_allclose(scaler.mean_, X.mean(axis=axes))
    assert_allclose(scaler.scale_, X.std(axis=axes))


def test_channel_partial_fit_in_channels_first_equals_fit():
    """partial_fit on channels-first chunks equals one fit in channels-last."""
    X = _images(n_samples=30)
    first = np.moveaxis(X, -1, 1)
    streamed = ChannelStandardizer(data_format="channels_first")
    for rows in (slice(0, 11), slice(11, 30)):
        streamed.partial_fit(first[rows])
    full = ChannelStandardizer().fit(X)
    assert_allclose(streamed.mean_, full.mean_, rtol=1e-12)
    assert_allclose(streamed.var_, full.var_, rtol=1e-10)


@pytest.mark.parametrize("Scaler", [SampleStandardizer, ZCAWhitener])
def test_whole_sample_scalers_do_not_depend_on_layout(Scaler):
    """SampleStandardizer and ZCAWhitener give the same output, re-laid-out, for
    the same images in any of the four layouts."""
    X = _images(n_samples=200, shape=(3, 3, 2))
    expected = Scaler().fit(X).transform(X)
    for name, (X_layout, params, to_nhwc) in _same_images_in_four_layouts(X).items():
        out = Scaler(**params).fit(X_layout).transform(X_layout)
        assert out.shape == X_layout.shape, name
        assert_allclose(to_nhwc(out), expected, rtol=1e-7, atol=1e-7, err_msg=name)


def test_zca_statistics_follow_the_features_of_x():
    """ZCA's mean_ is per feature of X, in X's own order: channels-first data gives
    the channels-last mean_ re-laid-out, and the same eigenvalues."""
    X = _images(n_samples=200, shape=(3, 3, 2))
    first = np.moveaxis(X, -1, 1)
    last_fit = ZCAWhitener().fit(X)
    first_fit = ZCAWhitener(data_format="channels_first").fit(first)
    assert_allclose(np.moveaxis(first_fit.mean_.reshape(first.shape[1:]), 0, -1),
                    last_fit.mean_.reshape(X.shape[1:]), rtol=1e-12)
    assert_allclose(first_fit.eigenvalues_, last_fit.eigenvalues_, rtol=1e-8)


@pytest.mark.parametrize("Scaler", SCALERS)
@pytest.mark.parametrize("params, match", [
    ({"data_format": "channels_middle"}, "data_format"),
    ({"spatial_ndim": 3}, "spatial_ndim"),
    ({"spatial_ndim": 1}, "spatial_ndim"),  # (H, W, C) is not a signal layout
])
def test_bad_layout_parameters_are_refused(Scaler, params, match):
    """A layout parameter that cannot describe the data is a ValueError naming it."""
    with pytest.raises(ValueError, match=match):
        Scaler(**params).fit(_images(n_samples=30, shape=(3, 3, 2)))


# ChannelMinMaxScaler --------------------------------------------------------------


def _uint8_images(n_samples=30, shape=(5, 4, 3), seed=0):
    """uint8 colour images covering the whole 0..255 range."""
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 256, size=(n_samples, *shape), dtype=np.uint8)
    X.flat[0], X.flat[1] = 0, 255
    return X


@pytest.mark.parametrize("dtype", FLOATS)
def test_minmax_learns_one_range_per_channel(dtype):
    """data_min_ and data_max_ are numpy's per channel over samples and positions,
    and transform maps each channel exactly onto [0, 1]."""
    X = _images(dtype)
    scaler = ChannelMinMaxScaler().fit(X)
    assert_array_equal(scaler.data_min_, X.min(axis=(0, 1, 2)).astype(np.float64))
    assert_array_equal(scaler.data_max_, X.max(axis=(0, 1, 2)).astype(np.float64))
    assert_array_equal(scaler.data_range_, scaler.data_max_ - scaler.data_min_)
    out = scaler.transform(X)
    assert out.shape == X.shape and out.dtype == dtype
    assert_allclose(out.min(axis=(0, 1, 2)), 0.0, atol=1e-7)
    assert_allclose(out.max(axis=(0, 1, 2)), 1.0, rtol=1e-6)
    X64 = X.astype(np.float64)
    expected = (X64 - X64.min(axis=(0, 1, 2))) / np.ptp(X64, axis=(0, 1, 2))
    assert_allclose(out, expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("dtype", FLOATS)
def test_minmax_feature_range_and_attributes_as_minmaxscaler(dtype):
    """feature_range=(-1, 1) maps each channel onto [-1, 1], and transform is
    X * scale_ + min_ channel by channel, as MinMaxScaler's attributes say."""
    X = _images(dtype)
    scaler = ChannelMinMaxScaler(feature_range=(-1, 1)).fit(X)
    out = scaler.transform(X)
    assert_allclose(out.min(axis=(0, 1, 2)), -1.0, rtol=1e-6)
    assert_allclose(out.max(axis=(0, 1, 2)), 1.0, rtol=1e-6)
    assert_allclose(out, X.astype(np.float64) * scaler.scale_ + scaler.min_,
                    rtol=1e-5, atol=1e-6)


def test_minmax_statistics_do_not_depend_on_layout():
    """(N, C, H, W), (N, H, W, C) and both flattened with sample_shape give the
    same per-channel ranges and the same output, re-laid-out."""
    X = _uint8_images()
    reference = ChannelMinMaxScaler().fit(X)
    expected = reference.transform(X)
    for name, (X_layout, params, to_nhwc) in _same_images_in_four_layouts(X).items():
        scaler = ChannelMinMaxScaler(**params).fit(X_layout)
        assert_array_equal(scaler.data_min_, reference.data_min_, err_msg=name)
        assert_array_equal(scaler.data_max_, reference.data_max_, err_msg=name)
        out = scaler.transform(X_layout)
        assert out.shape == X_layout.shape, name
        assert_array_equal(to_nhwc(out), expected, err_msg=name)
        assert_allclose(to_nhwc(scaler.inverse_transform(out)), X, atol=1e-4,
                        err_msg=name)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_minmax_partial_fit_equals_fit(dtype):
    """partial_fit on uneven chunks learns exactly the ranges of one fit."""
    X = (_images(n_samples=50) % 256).astype(dtype)
    full = ChannelMinMaxScaler().fit(X)
    streamed = ChannelMinMaxScaler()
    for rows in (slice(0, 7), slice(7, 8), slice(8, 31), slice(31, 50)):
        streamed.partial_fit(X[rows])
    assert streamed.n_samples_seen_ == full.n_samples_seen_ == 50
    for attribute in ("data_min_", "data_max_", "data_range_", "scale_", "min_"):
        assert_array_equal(getattr(streamed, attribute), getattr(full, attribute))
    assert_array_equal(streamed.transform(X), full.transform(X))


def test_minmax_fit_forgets_previous_partial_fits():
    """fit starts afresh, whatever partial_fit saw before."""
    X = _images()
    scaler = ChannelMinMaxScaler().partial_fit(X[:10] + 1000.0)
    scaler.fit(X)
    assert scaler.n_samples_seen_ == len(X)
    assert_array_equal(scaler.data_max_, X.max(axis=(0, 1, 2)))


@pytest.mark.parametrize("dtype", FLOATS)
def test_minmax_inverse_transform_round_trips(dtype):
    """inverse_transform(transform(X)) gives X back, in X's float dtype."""
    X = _images(dtype)
    scaler = ChannelMinMaxScaler(feature_range=(-2, 3)).fit(X)
    back = scaler.inverse_transform(scaler.transform(X))
    assert back.dtype == dtype
    assert_allclose(back, X, rtol=1e-5 if dtype == np.float32 else 1e-12,
                    atol=1e-4 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("dtype", FLOATS)
def test_minmax_constant_channel_maps_to_feature_range_low(dtype):
    """A constant channel maps to feature_range[0]: no division by zero, no NaN,
    and inverse_transform gives the constant back."""
    X = _images(dtype)
    X[..., 1] = 7.0
    scaler = ChannelMinMaxScaler(feature_range=(-1, 1)).fit(X)
    assert scaler.data_range_[1] == 0.0
    out = scaler.transform(X)
    assert np.isfinite(out).all()
    assert_array_equal(out[..., 1], -1.0)
    assert_array_equal(scaler.inverse_transform(out)[..., 1], 7.0)


def test_minmax_clip_keeps_new_data_inside_feature_range():
    """clip=True clips values outside the fitted range to feature_range at
    transform time; clip=False lets them out, as MinMaxScaler does."""
    X = _images()
    new = X * 3.0 - 50.0
    unclipped = ChannelMinMaxScaler(feature_range=(0, 1)).fit(X).transform(new)
    clipped = ChannelMinMaxScaler(feature_range=(0, 1), clip=True).fit(X).transform(new)
    assert unclipped.min() < 0 and unclipped.max() > 1
    assert clipped.min() == 0.0 and clipped.max() == 1.0
    assert_array_equal(clipped, np.clip(unclipped, 0, 1))


@pytest.mark.parametrize("feature_range, rescale", [
    ((0, 1), lambda X: X / 255.0),
    ((-1, 1), lambda X: X / 127.5 - 1.0),
])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64])
def test_minmax_value_range_is_keras_rescale(feature_range, rescale, dtype):
    """value_range=(0, 255) is the fixed map X / 255 (or X / 127.5 - 1), to the
    output dtype's round-off, whatever the data the scaler is fitted on."""
    X = _uint8_images().astype(dtype)
    # Fitted on darker images: nothing is learned from them.
    scaler = ChannelMinMaxScaler(feature_range, value_range=(0, 255)).fit(X // 2)
    assert_array_equal(scaler.data_min_, [0.0, 0.0, 0.0])
    assert_array_equal(scaler.data_max_, [255.0, 255.0, 255.0])
    out = scaler.transform(X)
    out_dtype = np.float64 if dtype == np.float64 else np.float32
    assert out.dtype == out_dtype
    expected = rescale(X.astype(out_dtype))
    eps = np.finfo(out_dtype).eps
    assert_allclose(out, expected, rtol=2 * eps, atol=2 * eps)
    assert_allclose(scaler.inverse_transform(out), X, rtol=1e-6)


@pytest.mark.parametrize("method", ["fit", "transform"])
def test_minmax_values_outside_value_range_are_refused(method):
    """Data outside value_range is a ValueError naming value_range, how many values
    fall outside and the range seen; the caller's array is left untouched."""
    X = _images()                                # values from about -4 to 160
    X_before = X.copy()
    scaler = ChannelMinMaxScaler(value_range=(0, 100))
    n_outside = int(np.count_nonzero((X < 0) | (X > 100)))
    match = (rf"{n_outside:,} of the {X.size:,} values of X passed to {method} lie "
             rf"outside value_range=\(0, 100\): X holds values from "
             rf"{X.min():g} to {X.max():g}")
    with pytest.raises(ValueError, match=match):
        if method == "fit":
            scaler.fit(X)
        else:
            scaler.fit(np.clip(X, 0, 100)).transform(X)
    assert_array_equal(X, X_before)


def test_minmax_value_range_with_clip_accepts_and_clips():
    """With clip=True, data outside value_range is accepted and clipped."""
    X = np.array([[-10.0, 0.0, 50.0, 100.0, 300.0]])
    scaler = ChannelMinMaxScaler(value_range=(0, 100), clip=True).fit(X)
    assert_allclose(scaler.transform(X), [[0.0, 0.0, 0.5, 1.0, 1.0]])


def test_minmax_integer_dtype_inside_value_range_is_accepted():
    """uint8 data always lies in value_range=(0, 255): any uint8 array passes."""
    X = _uint8_images()
    out = ChannelMinMaxScaler(value_range=(0, 255)).fit_transform(X)
    assert out.min() == 0.0 and out.max() == 1.0


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.float16, np.float32,
                                   np.float64])
def test_minmax_output_dtype(dtype):
    """float32 for integer and float16 input; float32 and float64 kept."""
    X = (_images(n_samples=10) % 100).astype(dtype)
    out = ChannelMinMaxScaler().fit(X).transform(X)
    assert out.dtype == (np.float64 if dtype == np.float64 else np.float32)


@pytest.mark.parametrize("param", ["feature_range", "value_range"])
@pytest.mark.parametrize("value, error, match", [
    ((1, 0), ValueError, "low < high"),
    ((2, 2), ValueError, "low < high"),
    ((0, np.inf), ValueError, "finite"),
    ((np.nan, 1), ValueError, "finite"),
    ((-1e308, 1e308), ValueError, "wider than the float64 range"),
    ((0, 1, 2), TypeError, "pair"),
    (("a", "b"), TypeError, "pair"),
    ((True, 2), TypeError, "pair"),
])
def test_minmax_bad_ranges_are_refused(param, value, error, match):
    """A range with low >= high, a non-finite bound, or not a pair of numbers is
    refused by fit with an error naming the parameter."""
    with pytest.raises(error, match=rf"{param}.*{match}|{match}.*{param}"):
        ChannelMinMaxScaler(**{param: value}).fit(_images())


def test_minmax_refuses_a_channel_wider_than_float64():
    """A channel spanning more than float64 can hold is refused, not mapped to NaN."""
    X = np.array([[-1e308], [1e308]])
    with pytest.raises(ValueError, match="Channel 0 of X spans"):
        ChannelMinMaxScaler().fit(X)


def test_minmax_per_channel_against_minmaxscaler_per_pixel_on_digits():
    """On digits, MinMaxScaler stretches each pixel to its own range (a border
    pixel inked once becomes 1); ChannelMinMaxScaler is one map for all pixels."""
    X, _ = load_digits(return_X_y=True)
    ours = ChannelMinMaxScaler(sample_shape=(8, 8)).fit(X)
    assert_array_equal(ours.data_min_, [0.0])
    assert_array_equal(ours.data_max_, [16.0])
    assert_allclose(ours.transform(X), X / 16.0, rtol=1e-6)
    theirs = MinMaxScaler().fit_transform(X)
    # The most rarely inked pixel, on the image where it is darkest: 1 for a
    # per-pixel scaler, its true intensity (a fraction of 16) per channel.
    inked = (X > 0).mean(axis=0)
    rare = np.argmin(np.where(inked > 0, inked, np.inf))
    row = np.argmax(X[:, rare])
    assert X[row, rare] < 16
    assert theirs[row, rare] == 1.0
    assert ours.transform(X[row:row + 1])[0, rare] == pytest.approx(
        X[row, rare] / 16)


# SampleStandardizer ---------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOATS)
def test_sample_standardizer_matches_numpy(dtype):
    """Each sample becomes (x - its mean) / its std over all its values."""
    X = _images(dtype)
    out = SampleStandardizer().fit_transform(X)
    assert out.shape == X.shape and out.dtype == dtype
    X64 = X.astype(np.float64)
    axes = (1, 2, 3)
    expected = (X64 - X64.mean(axis=axes, keepdims=True)) / X64.std(
        axis=axes, keepdims=True)
    assert_allclose(out, expected, rtol=1e-5 if dtype == np.float32 else 1e-10,
                    atol=1e-5 if dtype == np.float32 else 1e-10)
    assert_allclose(out.astype(np.float64).std(axis=axes), 1.0, rtol=1e-5)


@pytest.mark.parametrize("dtype", FLOATS)
def test_sample_standardizer_constant_sample_gives_zeros(dtype):
    """A constant sample has its std treated as 1: all zeros, no NaN."""
    X = np.vstack([np.full((1, 12), 3.5), np.arange(12.0)[np.newaxis]]).astype(dtype)
    out = SampleStandardizer(sample_shape=(3, 4)).fit_transform(X)
    assert np.isfinite(out).all()
    assert_array_equal(out[0], 0.0)
    assert_allclose(out[1].std(), 1.0, rtol=1e-6)


def test_sample_standardizer_is_stateless():
    """transform works without fit, and fitting on other data changes nothing."""
    X = _images()
    unfitted = SampleStandardizer().transform(X)
    fitted = SampleStandardizer().fit(X[:3] * 100).transform(X)
    assert_array_equal(unfitted, fitted)
    assert SampleStandardizer().fit(X).n_features_in_ == X[0].size


def test_sample_standardizer_checks_sample_shape():
    """sample_shape is checked against n_features even though stats ignore it."""
    with pytest.raises(ValueError, match=r"holds 12 values but X has 10"):
        SampleStandardizer(sample_shape=(3, 4)).fit(np.ones((2, 10)))


# ZCAWhitener ----------------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOATS)
def test_zca_whitened_training_data_has_identity_covariance(dtype):
    """With n_samples > n_features, the whitened training data is white."""
    X = _correlated(dtype)
    out = ZCAWhitener().fit_transform(X)
    assert out.dtype == dtype
    covariance = np.cov(out.astype(np.float64), rowvar=False, bias=True)
    assert_allclose(covariance, np.eye(X.shape[1]), atol=1e-4)
    assert_allclose(out.astype(np.float64).mean(axis=0), 0.0, atol=1e-4)


@pytest.mark.parametrize("dtype", FLOATS)
def test_zca_matches_direct_formula(dtype):
    """W = U diag(1/sqrt(lambda + epsilon)) U^T of the covariance, as computed here."""
    X = _correlated(dtype, n_samples=50)
    epsilon = 0.1
    zca = ZCAWhitener(epsilon=epsilon).fit(X)
    X64 = X.astype(np.float64)
    centred = X64 - X64.mean(axis=0)
    eigenvalues, vectors = np.linalg.eigh(centred.T @ centred / len(X))
    W = vectors @ np.diag(1 / np.sqrt(eigenvalues + epsilon)) @ vectors.T
    assert_allclose(zca.mean_, X64.mean(axis=0), rtol=1e-12)
    assert_allclose(zca.whitening_, W, rtol=1e-8, atol=1e-10)
    assert_allclose(zca.eigenvalues_, eigenvalues[::-1], rtol=1e-8)
    assert_allclose(zca.transform(X), centred @ W,
                    rtol=1e-5 if dtype == np.float32 else 1e-10, atol=1e-6)


@pytest.mark.parametrize("magnitude", [1e154, 1e300, 1e-160, 1e-300])
def test_zca_whitens_data_of_extreme_magnitude(magnitude):
    """Finite data from 1e-300 to 1e300 is whitened to a finite, white output and
    comes back through inverse_transform: the covariance is computed on scaled
    data, so its squares neither overflow (from 1e154) nor underflow."""
    X = _correlated(n_samples=300, n_features=4) * magnitude
    zca = ZCAWhitener().fit(X)
    out = zca.transform(X)
    assert np.isfinite(out).all()
    if magnitude > 1:
        # The variances are far above epsilon: the output is white.
        covariance = np.cov(out, rowvar=False, bias=True)
        assert_allclose(covariance, np.eye(4), atol=1e-8)
        assert_allclose(zca.inverse_transform(out), X, rtol=1e-9)
    else:
        # The variances are far below epsilon: ZCA damps them to about
        # (X - mean_) / sqrt(epsilon), as its formula says.
        assert_allclose(out, (X - X.mean(axis=0)) / np.sqrt(1e-6), rtol=1e-6)
    assert_allclose(zca.mean_, X.mean(axis=0), rtol=1e-12)


def test_zca_scaling_changes_nothing_for_ordinary_data():
    """Statistics computed on power-of-2-scaled data equal the direct formula."""
    X = _correlated(n_samples=100) * 1000.0
    zca = ZCAWhitener().fit(X)
    centred = X - X.mean(axis=0)
    eigenvalues = np.linalg.eigvalsh(centred.T @ centred / len(X))
    assert_allclose(zca.eigenvalues_, eigenvalues[::-1], rtol=1e-10)


def test_zca_refuses_data_whose_whitening_matrix_is_not_representable():
    """Near the float64 maximum, sqrt(variance) itself overflows: a clear error
    saying how large the data is and what to do, rather than NaN or zeros."""
    X = np.array([[1.5e308, -1.5e308], [-1.5e308, 1.5e308], [1e308, -1e308]])
    with pytest.raises(ValueError, match=r"values up to 1\.5e\+308.*power of 2"):
        ZCAWhitener().fit(X)


def test_zca_whitening_matrix_is_symmetric():
    """ZCA (unlike PCA whitening) uses a symmetric matrix: it does not rotate."""
    zca = ZCAWhitener().fit(_correlated())
    assert_allclose(zca.whitening_, zca.whitening_.T, atol=1e-10)


@pytest.mark.parametrize("dtype", FLOATS)
def test_zca_inverse_transform_round_trips(dtype):
    """inverse_transform(transform(X)) gives X back."""
    X = _correlated(dtype, n_samples=100)
    zca = ZCAWhitener().fit(X)
    back = zca.inverse_transform(zca.transform(X))
    assert back.dtype == dtype
    assert_allclose(back, X, rtol=1e-4 if dtype == np.float32 else 1e-9)


def test_zca_nd_images_keep_their_shape():
    """N-d images are whitened over their flattened values and stay N-d."""
    X = _images(n_samples=200, shape=(3, 3, 2))
    zca = ZCAWhitener().fit(X)
    out = zca.transform(X)
    assert out.shape == X.shape
    assert_allclose(out.reshape(len(X), -1),
                    zca.transform(X.reshape(len(X), -1)), rtol=1e-12)
    covariance = np.cov(out.reshape(len(X), -1), rowvar=False, bias=True)
    assert_allclose(covariance, np.eye(18), atol=1e-4)


def test_zca_refuses_covariance_too_large_for_memory(monkeypatch):
    """A fit whose covariance would not fit in memory stops with a clear error."""
    monkeypatch.setattr(_memory, "available_memory", lambda: 10_000)
    X = np.zeros((5, 40))
    match = r"64,000 bytes.*Reduce the number of features"
    with pytest.raises(ValueError, match=match):
        ZCAWhitener().fit(X)


@pytest.mark.parametrize("epsilon", [0, -1e-3, float("nan"), float("inf")])
def test_zca_rejects_bad_epsilon(epsilon):
    """epsilon must be a finite float > 0; the error names it."""
    with pytest.raises(ValueError, match="epsilon"):
        ZCAWhitener(epsilon=epsilon).fit(_correlated())


def test_zca_rejects_non_number_epsilon():
    """A string epsilon is a TypeError naming the parameter."""
    with pytest.raises(TypeError, match="epsilon"):
        ZCAWhitener(epsilon="small").fit(_correlated())


# What the three have in common ----------------------------------------------------


@pytest.mark.parametrize("Scaler", SCALERS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_float_dtype_is_preserved(Scaler, dtype):
    """float32 in gives float32 out, float64 gives float64."""
    X = _images(dtype, n_samples=120, shape=(3, 3, 2))
    assert Scaler().fit(X).transform(X).dtype == dtype


@pytest.mark.parametrize("Scaler", SCALERS)
@pytest.mark.parametrize("int_dtype", [np.uint8, np.int64])
def test_integer_input_gives_float32(Scaler, int_dtype):
    """Integer images (uint8) come out as float32, computed from exact float64."""
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, size=(120, 3, 3, 2)).astype(int_dtype)
    scaler = Scaler().fit(X)
    out = scaler.transform(X)
    assert out.dtype == np.float32
    expected = Scaler().fit(X.astype(np.float64)).transform(X.astype(np.float64))
    assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("Scaler", SCALERS)
@pytest.mark.parametrize("dtype", FLOATS + [np.uint8])
def test_input_is_never_modified(Scaler, dtype):
    """fit, transform and inverse_transform leave X untouched, even read-only X."""
    X = (_images(np.float64, n_samples=120, shape=(3, 3, 2)) % 200).astype(dtype)
    X_before = X.copy()
    X.setflags(write=False)
    scaler = Scaler().fit(X)
    out = scaler.transform(X)
    assert not np.shares_memory(out, X)
    if hasattr(scaler, "inverse_transform"):
        scaler.inverse_transform(out)
    assert_array_equal(X, X_before)


@pytest.mark.parametrize("Scaler", SCALERS)
def test_no_float64_copy_of_float32_data(Scaler, monkeypatch):
    """Statistics and outputs of float32 data are computed by chunks, not whole."""
    monkeypatch.setattr(_scalers, "_CHUNK_VALUES", 1 << 12)
    X = _images(np.float32, n_samples=4000, shape=(4, 4, 2))
    scaler = Scaler()
    tracemalloc.start()
    try:
        scaler.fit(X)
        _, fit_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        scaler.transform(X)
        _, transform_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A float64 copy alone would take 2 * X.nbytes.
    assert fit_peak < 0.5 * X.nbytes
    # The float32 output is X.nbytes; the rest is chunk-sized.
    assert transform_peak < 1.5 * X.nbytes


@pytest.mark.parametrize("Scaler", SCALERS)
def test_dataframe_in_dataframe_out(Scaler):
    """A DataFrame comes back as a DataFrame with the same columns and index."""
    pd = pytest.importorskip("pandas")
    X = _correlated(n_samples=50, n_features=4)
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"], index=np.arange(50) * 3)
    scaler = Scaler().fit(df)
    out = scaler.transform(df)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["a", "b", "c", "d"]
    assert_array_equal(out.index, df.index)
    assert_allclose(out.to_numpy(), Scaler().fit(X).transform(X))
    assert_array_equal(scaler.get_feature_names_out(), ["a", "b", "c", "d"])


@pytest.mark.parametrize("Scaler", SCALERS)
def test_set_output_pandas(Scaler):
    """set_output(transform="pandas") gives a DataFrame with x0, x1, ... columns."""
    pd = pytest.importorskip("pandas")
    X = _correlated(n_samples=30, n_features=3)
    out = Scaler().set_output(transform="pandas").fit_transform(X)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["x0", "x1", "x2"]


@pytest.mark.parametrize("Scaler", SCALERS)
def test_sparse_input_is_refused(Scaler):
    """scipy sparse matrices are refused with a TypeError."""
    with pytest.raises(TypeError, match="sparse"):
        Scaler().fit(sp.csr_matrix(np.eye(4)))


@pytest.mark.parametrize("Scaler", SCALERS)
def test_nan_is_refused_with_row(Scaler):
    """NaN is a ValueError that names the row."""
    X = _correlated(n_samples=20, n_features=3)
    X[4, 1] = np.nan
    with pytest.raises(ValueError, match=r"NaN.*\[4\]"):
        Scaler().fit(X)


@pytest.mark.parametrize("Scaler", SCALERS)
def test_every_parameter_is_declared_and_checked(Scaler):
    """Every parameter has a constraint, and fit refuses a value of the wrong type
    with an error that names the parameter (scikit-learn's own check)."""
    check_param_validation(Scaler.__name__, Scaler())


@pytest.mark.parametrize("Scaler", SCALERS)
@pytest.mark.parametrize("param, value", [("sample_shape", "8x8"),
                                          ("data_format", 1),
                                          ("spatial_ndim", "2")])
def test_layout_parameter_of_wrong_type_is_named(Scaler, param, value):
    """A layout parameter of the wrong type is refused by fit, naming it."""
    with pytest.raises(TypeError, match=param):
        Scaler(**{param: value}).fit(_correlated(n_samples=20, n_features=4))


@pytest.mark.parametrize("Scaler", SCALERS)
def test_clone_keeps_parameters(Scaler):
    """__init__ only stores the parameters: clone gives them back as they were."""
    scaler = Scaler()
    assert clone(scaler).get_params() == scaler.get_params()


def test_channel_standardizer_in_grid_search_on_digits():
    """ChannelStandardizer runs in a Pipeline inside GridSearchCV on digits."""
    X, y = load_digits(return_X_y=True)
    # A fifth of the digits keeps the search short.
    X, y = X[:400], y[:400]
    pipe = Pipeline([
        ("scale", ChannelStandardizer(sample_shape=(8, 8))),
        ("clf", LogisticRegression(max_iter=200)),
    ])
    search = GridSearchCV(pipe, {"clf__C": [0.1, 1.0],
                                 "scale__with_mean": [True, False]}, cv=3)
    # The problem is tiny: BLAS threads would only fight each other (and other
    # jobs) on a busy machine, turning a fraction of a second into several.
    with threadpool_limits(limits=1):
        search.fit(X, y)
    assert search.best_score_ > 0.8
    assert search.best_estimator_.named_steps["scale"].mean_.shape == (1,)


# dask arrays ----------------------------------------------------------------------

DASK_CASES = [
    (ChannelStandardizer, {}, ("mean_", "var_", "scale_")),
    (ChannelStandardizer, {"with_mean": False}, ("mean_", "var_", "scale_")),
    (ChannelMinMaxScaler, {}, ("data_min_", "data_max_", "scale_", "min_")),
    (ChannelMinMaxScaler, {"value_range": (0, 255)}, ("data_min_", "scale_")),
    (SampleStandardizer, {}, ()),
    (ZCAWhitener, {}, ("mean_", "eigenvalues_", "whitening_")),
]
DASK_IDS = ["channel", "channel-no-mean", "minmax", "minmax-value-range", "sample",
            "zca"]


class _RecordingSource:
    """An array-like for ``dask.array.from_array`` that records each read."""

    def __init__(self, X):
        self.X, self.shape, self.dtype, self.ndim = X, X.shape, X.dtype, X.ndim
        self.rows_read = []

    def __getitem__(self, key):
        out = self.X[key]
        self.rows_read.append(out.shape[0] if out.ndim else 1)
        return out


def _dask_layouts(X, chunk_rows):
    """The same images as NHWC, NCHW and flat dask arrays chunked along rows."""
    da = pytest.importorskip("dask.array")
    return {name: (da.from_array(X_layout, chunks=(chunk_rows,) + X_layout.shape[1:]),
                   X_layout, params)
            for name, (X_layout, params, _) in _same_images_in_four_layouts(X).items()}


@pytest.mark.parametrize("Scaler, params, attributes", DASK_CASES, ids=DASK_IDS)
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_dask_fit_equals_in_memory_fit(Scaler, params, attributes, dtype):
    """fit and partial_fit on a dask array chunked along rows learn the in-memory
    statistics to 1e-6 relative, in every layout."""
    X = _uint8_images(n_samples=120, shape=(3, 4, 2)).astype(dtype)
    for name, (X_dask, X_layout, layout_params) in _dask_layouts(X, 25).items():
        in_memory = Scaler(**params, **layout_params).fit(X_layout)
        on_dask = Scaler(**params, **layout_params).fit(X_dask)
        assert on_dask.n_features_in_ == in_memory.n_features_in_, name
        for attribute in attributes:
            assert_allclose(getattr(on_dask, attribute), getattr(in_memory, attribute),
                            rtol=1e-6, atol=1e-9, err_msg=f"{name}: {attribute}")


@pytest.mark.parametrize("Scaler, params, attributes", DASK_CASES, ids=DASK_IDS)
def test_dask_transform_is_lazy_with_the_same_chunks_dtype_and_layout(
        Scaler, params, attributes):
    """transform and inverse_transform of a dask array return a dask array with its
    chunks, the output dtype and its layout, equal to the in-memory result; nothing
    is read from the data until the result is computed."""
    da = pytest.importorskip("dask.array")
    X = _uint8_images(n_samples=90, shape=(3, 4, 2))
    first = np.ascontiguousarray(np.moveaxis(X, -1, 1))
    source = _RecordingSource(first)
    X_dask = da.from_array(source, chunks=(20, 2, 3, 4))
    scaler = Scaler(**params, data_format="channels_first").fit(first)
    source.rows_read.clear()
    out = scaler.transform(X_dask)
    assert source.rows_read == []
    expected = scaler.transform(first)
    assert isinstance(out, da.Array)
    assert out.chunks == X_dask.chunks and out.dtype == expected.dtype == np.float32
    assert_allclose(out.compute(), expected, rtol=1e-6, atol=1e-6)
    if hasattr(scaler, "inverse_transform"):
        back = scaler.inverse_transform(out)
        assert isinstance(back, da.Array) and back.chunks == X_dask.chunks
        assert_allclose(back.compute(), scaler.inverse_transform(expected),
                        rtol=1e-6, atol=1e-4)


@pytest.mark.parametrize("Scaler, params, attributes", DASK_CASES, ids=DASK_IDS)
def test_dask_statistics_never_load_the_array_whole(Scaler, params, attributes,
                                                    monkeypatch):
    """fit reads the data chunk by chunk through dask's reductions: no read larger
    than a chunk, and no conversion of the whole dask array to numpy."""
    da = pytest.importorskip("dask.array")
    X = _uint8_images(n_samples=100, shape=(3, 4, 2))
    source = _RecordingSource(X)
    X_dask = da.from_array(source, chunks=(16, 3, 4, 2))

    def refuse(*args, **kwargs):
        raise AssertionError("the whole dask array was converted to numpy")

    monkeypatch.setattr(da.Array, "__array__", refuse)
    scaler = Scaler(**params).fit(X_dask)
    if Scaler is not SampleStandardizer:
        assert source.rows_read, "fit read nothing"
    assert max(source.rows_read, default=0) <= 16
    scaler.transform(X_dask).compute()
    assert max(source.rows_read) <= 16


@pytest.mark.parametrize("Scaler", [ChannelStandardizer, ChannelMinMaxScaler])
def test_dask_partial_fit_mixes_with_numpy_batches(Scaler):
    """partial_fit on a dask batch, then a numpy batch, equals one fit on both."""
    da = pytest.importorskip("dask.array")
    X = _images(np.float32, n_samples=60)
    scaler = Scaler()
    scaler.partial_fit(da.from_array(X[:35], chunks=(10, 6, 5, 3)))
    scaler.partial_fit(X[35:])
    full = Scaler().fit(X)
    assert scaler.n_samples_seen_ == 60
    for attribute in ("scale_",) + (("mean_", "var_") if Scaler is ChannelStandardizer
                                    else ("data_min_", "data_max_")):
        assert_allclose(getattr(scaler, attribute), getattr(full, attribute),
                        rtol=1e-6)


@pytest.mark.parametrize("Scaler", SCALERS)
def test_dask_chunks_along_other_axes_are_refused_with_how_to_rechunk(Scaler):
    """A dask array chunked within samples is refused by fit and transform, with
    the rechunk call that fixes it."""
    da = pytest.importorskip("dask.array")
    X = _images(n_samples=30, shape=(4, 4, 2))
    badly_chunked = da.from_array(X, chunks=(10, 2, 4, 2))
    match = r"chunked along axes \[1\].*rechunk\(\{0: 'auto', 1: -1, 2: -1, 3: -1\}\)"
    with pytest.raises(ValueError, match=match):
        Scaler().fit(badly_chunked)
    with pytest.raises(ValueError, match=match):
        Scaler().fit(X).transform(badly_chunked)


@pytest.mark.parametrize("Scaler", [ChannelStandardizer, ChannelMinMaxScaler,
                                    ZCAWhitener])
def test_dask_nan_is_refused_at_fit_naming_the_row(Scaler):
    """NaN in a dask array makes fit raise, naming the row, as for numpy input."""
    da = pytest.importorskip("dask.array")
    X = _images(n_samples=40, shape=(3, 3, 2))
    X[23, 1, 1, 0] = np.nan
    with pytest.raises(ValueError, match=r"NaN.*\[23\]"):
        Scaler().fit(da.from_array(X, chunks=(10, 3, 3, 2)))


def test_dask_bad_values_are_refused_when_the_result_is_computed():
    """NaN, or values outside value_range, in a dask array given to transform
    raise when the result is computed, naming the chunk's rows."""
    da = pytest.importorskip("dask.array")
    X = _images(n_samples=40, shape=(3, 3, 2))
    X_nan = X.copy()
    X_nan[23, 0, 0, 0] = np.nan
    lazy = ChannelStandardizer().fit(X).transform(
        da.from_array(X_nan, chunks=(10, 3, 3, 2)))
    with pytest.raises(ValueError, match=r"rows 20 to 29.*NaN.*\[3\]"):
        lazy.compute()
    scaler = ChannelMinMaxScaler(value_range=(0, 12)).fit(np.clip(X, 0, 12))
    lazy = scaler.transform(da.from_array(X, chunks=(10, 3, 3, 2)))
    with pytest.raises(ValueError,
                       match=r"chunk of rows [0-3]0 to [0-3]9 .*outside value_range"):
        lazy.compute()


@pytest.mark.slow  # a fresh interpreter imports the package: seconds
def test_dask_is_not_imported_for_numpy_input():
    """dask stays optional: fitting and transforming numpy arrays imports none of
    it (it is recognised by the module of its type, not by importing it)."""
    code = (
        "import sys, numpy as np\n"
        "import sklearn_dlprep as sd\n"
        "X = np.random.default_rng(0).normal(size=(20, 4, 4, 3))\n"
        "for S in (sd.ChannelStandardizer, sd.ChannelMinMaxScaler,\n"
        "          sd.SampleStandardizer, sd.ZCAWhitener):\n"
        "    S().fit(X).transform(X)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'dask'))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                            text=True, check=True, cwd=Path(__file__).parents[1])
    assert result.stdout.strip() == "[]"


def test_dask_fit_skips_empty_chunks():
    """A filtered dask array may hold chunks of 0 rows: the fit equals the
    in-memory fit of the rows that remain."""
    da = pytest.importorskip("dask.array")
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, (40, 4, 4, 3), dtype=np.uint8)
    keep = np.arange(40) >= 10
    D = da.from_array(X, chunks=(10, 4, 4, 3))[da.from_array(keep, chunks=10)]
    D.compute_chunk_sizes()
    assert 0 in D.chunks[0]
    fitted = ChannelStandardizer().fit(D)
    expected = ChannelStandardizer().fit(X[keep])
    assert_allclose(fitted.mean_, expected.mean_, rtol=1e-12)
    assert_allclose(fitted.scale_, expected.scale_, rtol=1e-12)
