"""Outputs that an int ``random_state`` pins stay the same across refactors.

The output of each case was recorded before the engine refactor (issue 10), with
the OpenCV release named in the file, in ``fixtures/engine_fixtures.npz``. With
that release the outputs must be bit-identical. Another OpenCV release rounds its
float32 interpolation differently (5.1 against 5.0: up to 2e-6 on values in
[0, 1], and one uint8 value in 34,560 of a case whose brightness step rounds it),
so there the outputs must agree to that rounding: any change of the random stream,
of a parameter or of a formula moves values by far more. Regenerate the file
(``python tests/test_engine_fixtures.py``) only when a change of output is
intended, and say why in the commit message.
"""

import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from sklearn_dlprep import ArrayAugmenter, BalancingResampler


def cases():
    rng = np.random.default_rng(12345)
    rgb8 = rng.integers(0, 256, (12, 16, 20, 3), dtype=np.uint8)
    rgbf = rng.random((12, 16, 20, 3), dtype=np.float32)
    grey = rng.random((10, 9, 11), dtype=np.float32)
    signal = rng.random((8, 50, 2), dtype=np.float32)
    chw = np.ascontiguousarray(np.moveaxis(rgbf, -1, 1))
    y = np.arange(12) % 3
    full = dict(rotation_range=30, width_shift_range=0.2, height_shift_range=3,
                shear_range=10, zoom_range=(0.8, 1.2), horizontal_flip=True,
                vertical_flip=True, brightness_range=(0.7, 1.3),
                channel_shift_range=0.1, noise_std=0.01, random_state=0)
    yield "augment_uint8_full", lambda: ArrayAugmenter(**full).augment(rgb8)
    yield "augment_float32_full", lambda: ArrayAugmenter(**full).augment(rgbf)
    for mode in ("constant", "nearest", "reflect", "wrap"):
        yield f"augment_float32_{mode}", lambda mode=mode: ArrayAugmenter(
            rotation_range=40, width_shift_range=0.3, fill_mode=mode, cval=0.5,
            random_state=1).augment(rgbf)
    yield "augment_order3", lambda: ArrayAugmenter(
        rotation_range=20, interpolation_order=3, random_state=2).augment(grey)
    yield "augment_signal", lambda: ArrayAugmenter(
        width_shift_range=0.2, zoom_range=0.1, horizontal_flip=True,
        spatial_ndim=1, random_state=3).augment(signal)
    yield "augment_channels_first", lambda: ArrayAugmenter(
        data_format="channels_first", **full).augment(chw)
    yield "augment_n_jobs2", lambda: ArrayAugmenter(
        n_jobs=2, **full).augment(rgb8)
    yield "fit_resample_shuffle", lambda: ArrayAugmenter(
        n_copies=2, shuffle=True, **full).fit_resample(rgb8, y)
    yield "fit_resample_2d", lambda: ArrayAugmenter(
        rotation_range=15, sample_shape=(16, 20, 3), n_copies=2, keep_original=False,
        random_state=4).fit_resample(rgbf.reshape(12, -1), y)
    yield "sample_params", lambda: tuple(
        v for v in ArrayAugmenter(**full).sample_params(rgb8).values()
        if v is not None)
    yield "balancer", lambda: BalancingResampler(
        ArrayAugmenter(rotation_range=20, width_shift_range=0.1), shuffle=True,
        random_state=5).fit_resample(rgb8[:9], np.r_[0, 0, 0, 0, 0, 0, 1, 1, 2])
    yield "balancer_none", lambda: BalancingResampler(
        sampling_strategy="mean", random_state=6).fit_resample(
        rgbf[:9], np.r_[0, 0, 0, 0, 0, 0, 1, 1, 2])
    yield "flow_two_epochs", lambda: tuple(
        a for _ in range(2) for batch in ArrayAugmenter(**full).flow(
            rgb8, y, batch_size=5, balance=True, random_state=7) for a in batch)


def _arrays(name):
    result = dict(cases())[name]()
    return result if isinstance(result, tuple) else (result,)


FIXTURES = Path(__file__).with_name("fixtures") / "engine_fixtures.npz"


@pytest.fixture(scope="module")
def recorded():
    with np.load(FIXTURES) as data:
        return {key: data[key] for key in data.files}


@pytest.mark.parametrize("name", [name for name, _ in cases()])
def test_output_matches_the_recorded_one(name, recorded):
    """A seeded call gives what was recorded before the refactor: bit for bit with
    the OpenCV release it was recorded with, up to OpenCV's rounding otherwise."""
    arrays = _arrays(name)
    n_recorded = sum(key.startswith(name + "/") for key in recorded)
    assert len(arrays) == n_recorded
    expected = [recorded[f"{name}/{i}"] for i in range(n_recorded)]
    exact = cv2.__version__ == str(recorded["opencv_version"])
    for got, want in zip(arrays, expected):
        got = np.asarray(got)
        assert got.dtype == want.dtype and got.shape == want.shape
        if exact or want.dtype.kind not in "fiu":
            np.testing.assert_array_equal(got, want)
        elif want.dtype.kind == "f":
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
        else:
            diff = np.abs(got.astype(np.int64) - want.astype(np.int64))
            assert diff.max() <= 1
            assert np.count_nonzero(diff) <= max(1, diff.size // 1000)


if __name__ == "__main__":
    out = {"opencv_version": np.array(cv2.__version__)}
    for name, _ in cases():
        for i, array in enumerate(_arrays(name)):
            out[f"{name}/{i}"] = np.asarray(array)
    np.savez_compressed(FIXTURES, **out)
    print(f"wrote {FIXTURES} (OpenCV {cv2.__version__})", file=sys.stderr)
