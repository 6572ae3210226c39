"""Outputs that an int ``random_state`` pins stay bit-identical across refactors.

The SHA-256 of each case's output was recorded before the engine refactor (issue 10)
in ``fixtures/engine_fixtures.json``. Regenerate it (``python
tests/test_engine_fixtures.py``) only when a change of output is intended, and say
why in the commit message.
"""

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from sklearn_dlprep import ArrayAugmenter, BalancingResampler


def _digest(*arrays):
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str(a.dtype).encode() + str(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()


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


def compute():
    out = {}
    for name, make in cases():
        result = make()
        arrays = result if isinstance(result, tuple) else (result,)
        out[name] = _digest(*arrays)
    return out


FIXTURES = Path(__file__).with_name("fixtures") / "engine_fixtures.json"


@pytest.mark.parametrize("name", sorted(json.loads(FIXTURES.read_text())))
def test_output_is_bit_identical_to_the_recorded_one(name):
    """The output of a seeded call hashes to what was recorded before the refactor."""
    make = dict(cases())[name]
    result = make()
    arrays = result if isinstance(result, tuple) else (result,)
    assert _digest(*arrays) == json.loads(FIXTURES.read_text())[name]


if __name__ == "__main__":
    path = FIXTURES
    path.write_text(json.dumps(compute(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {path}", file=sys.stderr)
