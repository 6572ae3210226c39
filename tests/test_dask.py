"""Augmenters and the balancer on dask arrays: lazy, chunk-preserving, and equal to
the in-memory result for the same ``random_state``.

The last test runs the whole path (a ``.npy`` stack on disk, augmentation and
standardisation) on a real ``dask.distributed.LocalCluster`` of two worker
processes, which it starts and stops.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import faulthandler
import logging
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_dlprep import (
    ArrayAugmenter,
    BalancingResampler,
    ChannelStandardizer,
    RandomBrightness,
    RandomFlip,
    make_compose,
)

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")

# Every option on, noise included: every kind of draw travels to the chunks.
FULL = dict(rotation_range=30, width_shift_range=0.2, height_shift_range=0.1,
            shear_range=10, zoom_range=0.2, horizontal_flip=True, vertical_flip=True,
            channel_shift_range=20, brightness_range=(0.8, 1.2), noise_std=2.0,
            fill_mode="reflect")


def _images(dtype=np.uint8, n_samples=90, shape=(12, 10, 3), seed=0):
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 256, (n_samples,) + shape, dtype=np.uint8)
    return X if dtype == np.uint8 else (X / 255).astype(dtype)


class _RecordingSource:
    """An array-like for ``dask.array.from_array`` that records each read."""

    def __init__(self, X):
        self.X, self.shape, self.dtype, self.ndim = X, X.shape, X.dtype, X.ndim
        self.rows_read = []

    def __getitem__(self, key):
        out = self.X[key]
        self.rows_read.append(out.shape[0] if out.ndim else 1)
        return out


def _recorded_dask(X, chunk_rows):
    """``X`` as a dask array and the record of its reads, cleared of the empty
    read dask makes to learn its type."""
    source = _RecordingSource(X)
    X_dask = da.from_array(source, chunks=(chunk_rows,) + X.shape[1:])
    source.rows_read.clear()
    return X_dask, source


def _augmenters():
    return {
        "ArrayAugmenter": ArrayAugmenter(**FULL, random_state=0),
        "Compose": make_compose(RandomFlip(), RandomBrightness(0.3, p=0.7),
                                random_state=0),
    }


# augment ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["ArrayAugmenter", "Compose"])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64])
def test_augment_is_lazy_with_the_same_chunks_and_dtype(name, dtype):
    """augment of a dask array returns a dask array with its chunks and dtype,
    without reading the data; computed, it equals the in-memory augment bit for
    bit."""
    X = _images(dtype)
    X_dask, source = _recorded_dask(X, 25)
    augmenter = _augmenters()[name]
    out = augmenter.augment(X_dask)
    assert source.rows_read == []
    assert isinstance(out, da.Array)
    assert out.chunks == X_dask.chunks and out.dtype == dtype
    assert_array_equal(out.compute(), augmenter.augment(X))
    assert max(source.rows_read) <= 25


@pytest.mark.parametrize("chunk_rows", [1, 7, 32, 90])
def test_augment_equals_in_memory_whatever_the_chunks(chunk_rows):
    """The draws are made for all rows up front: the result does not depend on how
    the rows are chunked, and equals the in-memory result."""
    X = _images(np.float32)
    augmenter = ArrayAugmenter(**FULL, random_state=3)
    out = augmenter.augment(da.from_array(X, chunks=(chunk_rows, 12, 10, 3)))
    assert_array_equal(out.compute(), augmenter.augment(X))


@pytest.mark.parametrize("layout", ["flat", "channels_first"])
def test_augment_keeps_the_layout(layout):
    """Flat rows with sample_shape, and channels-first images, come back in their
    layout, equal to the in-memory result."""
    X = _images(np.float32)
    if layout == "flat":
        X_layout = X.reshape(len(X), -1)
        params = dict(sample_shape=X.shape[1:])
    else:
        X_layout = np.ascontiguousarray(np.moveaxis(X, -1, 1))
        params = dict(data_format="channels_first")
    augmenter = ArrayAugmenter(**FULL, **params, random_state=0)
    X_dask = da.from_array(X_layout, chunks=(20,) + X_layout.shape[1:])
    out = augmenter.augment(X_dask)
    assert out.shape == X_layout.shape and out.chunks == X_dask.chunks
    assert_array_equal(out.compute(), augmenter.augment(X_layout))


def test_augment_is_the_same_on_every_run_and_every_scheduler():
    """With an int random_state, building and computing the result twice, on one
    thread or on four, gives the same bytes."""
    X = _images()
    X_dask = da.from_array(X, chunks=(10, 12, 10, 3))
    augmenter = ArrayAugmenter(**FULL, random_state=7)
    first = augmenter.augment(X_dask).compute(scheduler="sync")
    second = augmenter.augment(X_dask).compute(scheduler="threads", num_workers=4)
    assert_array_equal(first, second)


def test_augment_random_state_argument_seeds_the_draw():
    """augment(X, random_state) on dask equals the in-memory call with that seed,
    and a different seed gives a different result."""
    X = _images()
    X_dask = da.from_array(X, chunks=(30, 12, 10, 3))
    augmenter = ArrayAugmenter(**FULL, random_state=0)
    assert_array_equal(augmenter.augment(X_dask, random_state=5).compute(),
                       augmenter.augment(X, random_state=5))
    assert not np.array_equal(augmenter.augment(X_dask, random_state=5).compute(),
                              augmenter.augment(X_dask, random_state=6).compute())


def test_apply_params_on_dask_equals_in_memory():
    """apply_params replays given draws on a dask array, lazily, as in memory."""
    X = _images(np.float32)
    augmenter = ArrayAugmenter(**FULL)
    params = augmenter.sample_params(X, random_state=1)
    out = augmenter.apply_params(da.from_array(X, chunks=(40, 12, 10, 3)), params)
    assert isinstance(out, da.Array)
    assert_array_equal(out.compute(), augmenter.apply_params(X, params))


def test_the_lazy_result_pickles():
    """The result's graph (the engine plan and the draws inside) survives pickling,
    as it must to travel to worker processes."""
    X = _images()
    out = ArrayAugmenter(**FULL, random_state=0).augment(
        da.from_array(X, chunks=(30, 12, 10, 3)))
    assert_array_equal(pickle.loads(pickle.dumps(out)).compute(), out.compute())


def test_the_caller_dask_source_is_not_modified():
    """A dask array made from a numpy array hands its chunks out as views: they
    are read, never written, by augment and fit_resample."""
    X = _images()
    before = X.copy()
    X_dask = da.from_array(X, chunks=(30, 12, 10, 3))
    augmenter = ArrayAugmenter(**FULL, random_state=0)
    augmenter.augment(X_dask).compute()
    augmenter.fit_resample(X_dask, np.zeros(len(X)))[0].compute()
    assert_array_equal(X, before)


def test_chunks_within_samples_are_refused_with_how_to_rechunk():
    """A dask array chunked along an axis of the samples is refused by augment,
    apply_params and fit_resample, with the rechunk call that fixes it."""
    X = _images()
    badly_chunked = da.from_array(X, chunks=(30, 6, 10, 3))
    augmenter = ArrayAugmenter(**FULL, random_state=0)
    match = r"chunked along axes \[1\].*rechunk\(\{0: 'auto', 1: -1, 2: -1, 3: -1\}\)"
    with pytest.raises(ValueError, match=match):
        augmenter.augment(badly_chunked)
    with pytest.raises(ValueError, match=match):
        augmenter.apply_params(badly_chunked, augmenter.sample_params(X))
    with pytest.raises(ValueError, match=match):
        augmenter.fit_resample(badly_chunked, np.zeros(len(X)))


def test_nan_is_refused_when_the_result_is_computed_naming_the_rows():
    """NaN in a dask array raises when the augmented result is computed, naming the
    chunk's rows of X and the row within it."""
    X = _images(np.float32)
    X[47, 2, 3, 1] = np.nan
    lazy = ArrayAugmenter(rotation_range=10, random_state=0).augment(
        da.from_array(X, chunks=(20, 12, 10, 3)))
    with pytest.raises(ValueError, match=r"rows 40 to 59 of the dask array X.*NaN.*"
                                         r"\[7\]"):
        lazy.compute()
    X_res, _ = ArrayAugmenter(rotation_range=10, random_state=0).fit_resample(
        da.from_array(X, chunks=(20, 12, 10, 3)), np.zeros(len(X)))
    with pytest.raises(ValueError, match=r"rows 40 to 59 of the dask array X.*NaN"):
        X_res.compute()


def test_many_rows_draw_chunk_by_chunk_reproducibly():
    """Beyond the budget of draws made up front (here 1.4 million rows), each chunk
    draws from a generator of its own: the result is still the same on every run
    and every scheduler, chunks get different draws, and the rows are truly
    augmented (both flips occur)."""
    n = 1_400_000
    rows = np.broadcast_to(np.array([0, 1], dtype=np.float32), (n, 2))
    X_dask = da.from_array(rows, chunks=((1000, 1000, n - 2000), (2,)))
    augmenter = ArrayAugmenter(horizontal_flip=True, random_state=0)
    first = augmenter.augment(X_dask)[:2000].compute(scheduler="sync")
    second = augmenter.augment(X_dask)[:2000].compute(scheduler="threads",
                                                      num_workers=2)
    assert_array_equal(first, second)
    assert not np.array_equal(first[:1000], first[1000:])
    flipped = first[:, 0] == 1
    assert set(map(tuple, first.tolist())) == {(0.0, 1.0), (1.0, 0.0)}
    assert 400 < flipped[:1000].sum() < 600 and 400 < flipped[1000:].sum() < 600


# fit_resample --------------------------------------------------------------------

@pytest.mark.parametrize("name", ["ArrayAugmenter", "Compose"])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64])
@pytest.mark.parametrize("options", [
    dict(), dict(shuffle=True), dict(n_copies=2, keep_original=False),
    dict(n_copies=3, shuffle=True)], ids=["default", "shuffle", "copies", "both"])
def test_fit_resample_equals_in_memory(name, dtype, options):
    """fit_resample of a dask X returns a lazy dask array holding the in-memory
    rows, bit for bit, with sample_indices_ computed and y in its container."""
    X = _images(dtype, n_samples=50)
    y = np.arange(len(X)) % 3
    augmenter = _augmenters()[name].set_params(**options)
    X_res, y_res = augmenter.fit_resample(da.from_array(X, chunks=(16, 12, 10, 3)), y)
    indices = augmenter.sample_indices_
    X_mem, y_mem = augmenter.fit_resample(X, y)
    assert isinstance(X_res, da.Array) and X_res.dtype == dtype
    assert isinstance(indices, np.ndarray) and isinstance(y_res, np.ndarray)
    assert_array_equal(indices, augmenter.sample_indices_)
    assert_array_equal(X_res.compute(), X_mem)
    assert_array_equal(y_res, y_mem)
    assert augmenter.n_features_in_ == 12 * 10 * 3


def test_fit_resample_is_lazy_and_returns_a_dask_y_chunked_like_X():
    """Nothing is read at fit_resample; a dask y comes back as a dask array
    whose chunks match the resampled X's rows."""
    X = _images()
    y = np.arange(len(X)) % 2
    X_dask, source = _recorded_dask(X, 30)
    augmenter = ArrayAugmenter(rotation_range=20, n_copies=2, random_state=0)
    X_res, y_res = augmenter.fit_resample(X_dask, da.from_array(y, chunks=45))
    assert source.rows_read == []
    assert isinstance(y_res, da.Array)
    assert y_res.chunks[0] == X_res.chunks[0] and X_res.shape[0] == 3 * len(X)
    assert_array_equal(y_res.compute(), y[augmenter.sample_indices_])
    assert max(source.rows_read, default=0) == 0
    X_res.compute()
    assert 0 < max(source.rows_read) <= 30


def test_fit_on_dask_validates_without_computing():
    """fit of a dask X checks it and records n_features_in_, reading nothing."""
    X = _images()
    X_dask, source = _recorded_dask(X, 30)
    augmenter = ArrayAugmenter(rotation_range=20).fit(X_dask, np.arange(len(X)) % 2)
    assert source.rows_read == [] and augmenter.n_features_in_ == 360
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples: "
                                         r"\[90, 89\]"):
        augmenter.fit(da.from_array(X, chunks=(30, 12, 10, 3)), np.zeros(89))


@pytest.mark.parametrize("augment", [False, True], ids=["copy", "augment"])
@pytest.mark.parametrize("shuffle", [False, True])
def test_balancer_on_dask_equals_in_memory(augment, shuffle):
    """BalancingResampler on a dask X gives the in-memory rows, lazily, with the
    same sample_indices_; a dask y comes back as a dask array."""
    X = _images(np.float32, n_samples=100)
    y = np.r_[np.zeros(60, int), np.ones(30, int), np.full(10, 2)]
    balancer = BalancingResampler(
        ArrayAugmenter(**FULL) if augment else None, shuffle=shuffle,
        random_state=0)
    X_res, y_res = balancer.fit_resample(
        da.from_array(X, chunks=(32, 12, 10, 3)), da.from_array(y, chunks=50))
    indices = balancer.sample_indices_
    X_mem, y_mem = balancer.fit_resample(X, y)
    assert isinstance(X_res, da.Array) and isinstance(y_res, da.Array)
    assert y_res.chunks[0] == X_res.chunks[0]
    assert_array_equal(indices, balancer.sample_indices_)
    assert_array_equal(X_res.compute(), X_mem)
    assert_array_equal(y_res.compute(), y_mem)
    assert np.bincount(y_res.compute()).tolist() == [60, 60, 60]


@pytest.mark.slow  # a fresh interpreter imports the package: seconds
def test_dask_is_not_imported_by_augmenters_on_numpy_input():
    """dask stays optional: augmenting, resampling and balancing numpy arrays
    imports none of it."""
    code = (
        "import sys, numpy as np\n"
        "import sklearn_dlprep as sd\n"
        "X = np.random.default_rng(0).random((20, 8, 8, 3))\n"
        "y = np.arange(20) % 3\n"
        "a = sd.ArrayAugmenter(rotation_range=10, random_state=0)\n"
        "a.augment(X); a.fit_resample(X, y)\n"
        "sd.BalancingResampler(a, random_state=0).fit_resample(X, y)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'dask'))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                            text=True, check=True, cwd=Path(__file__).parents[1])
    assert result.stdout.strip() == "[]"


# on a cluster ----------------------------------------------------------------------

WATCHDOG_SECONDS = 240  # far above the ~15 s the test takes
CONNECT_TIMEOUT = "60s"


def _cluster_augmenter():
    return ArrayAugmenter(rotation_range=20, width_shift_range=0.1,
                          horizontal_flip=True, brightness_range=(0.8, 1.2),
                          random_state=0)


def _augment_and_standardise(stack_dir):
    """The lazy pipeline: augmented images (persisted where they are computed) and
    the fitted standardizer."""
    images = da.from_npy_stack(stack_dir, mmap_mode="r")
    augmented = _cluster_augmenter().augment(images).persist()
    return augmented, ChannelStandardizer().fit(augmented)


@pytest.mark.slow
def test_npy_stack_on_a_local_cluster_equals_the_single_machine_result(tmp_path):
    """20,000 32x32x3 uint8 images in a .npy stack on disk (one file per 2,000
    rows), augmented and standardised on a LocalCluster of two worker processes,
    both of which take part: the augmented images equal the in-memory augment bit
    for bit; the statistics equal those of the same graph on one machine exactly,
    and those of the in-memory fit to 1e-6; the standardised images equal the
    in-memory transform."""
    distributed = pytest.importorskip("distributed")
    path, stack_dir = tmp_path / "images.npy", tmp_path / "stack"
    images = np.lib.format.open_memmap(path, mode="w+", dtype=np.uint8,
                                       shape=(20_000, 32, 32, 3))
    rng = np.random.default_rng(0)
    for start in range(0, len(images), 5000):
        images[start:start + 5000] = rng.integers(0, 256, (5000, 32, 32, 3),
                                                  dtype=np.uint8)
    images.flush()
    with dask.config.set(scheduler="sync"):
        da.to_npy_stack(stack_dir, da.from_array(images, chunks=(2000, 32, 32, 3)))

    faulthandler.dump_traceback_later(WATCHDOG_SECONDS, exit=True, file=sys.stderr)
    try:
        with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address=None, scheduler_kwargs={"dashboard": False},
            silence_logs=logging.ERROR,
        ) as cluster, distributed.Client(cluster, timeout=CONNECT_TIMEOUT) as client:
            client.wait_for_workers(2, timeout=CONNECT_TIMEOUT)
            with distributed.get_task_stream(client) as tasks:
                augmented, scaler = _augment_and_standardise(stack_dir)
                on_cluster, standardised = dask.compute(augmented,
                                                        scaler.transform(augmented))
            cluster_workers = set(client.scheduler_info()["workers"])
    finally:
        faulthandler.cancel_dump_traceback_later()

    assert len(cluster_workers) == 2
    assert {task["worker"] for task in tasks.data} == cluster_workers
    with dask.config.set(scheduler="sync"):
        _, one_machine = _augment_and_standardise(stack_dir)
    in_memory = _cluster_augmenter().augment(np.asarray(images))
    assert on_cluster.dtype == np.uint8 and standardised.dtype == np.float32
    assert_array_equal(on_cluster, in_memory)
    for attribute in ("mean_", "var_", "scale_"):
        assert_array_equal(getattr(scaler, attribute), getattr(one_machine, attribute))
    assert_allclose(scaler.mean_, ChannelStandardizer().fit(in_memory).mean_,
                    rtol=1e-6)
    assert_allclose(scaler.scale_, ChannelStandardizer().fit(in_memory).scale_,
                    rtol=1e-6)
    assert_array_equal(standardised, scaler.transform(in_memory))


class _CountingArray:
    """An array that records which rows dask reads from it."""

    def __init__(self, array):
        self.array, self.rows_read = array, set()
        self.shape, self.dtype, self.ndim = array.shape, array.dtype, array.ndim

    def __getitem__(self, key):
        rows = np.arange(self.shape[0])[key[0] if isinstance(key, tuple) else key]
        self.rows_read.update(np.atleast_1d(rows).tolist())
        return self.array[key]


def test_flow_over_a_dask_array_computes_only_the_batch_rows():
    """A flow over a dask array equals the flow over its numpy array for one
    seed, and reading batch 0 (no shuffling) computes only its chunk."""
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, (40, 8, 8, 3), dtype=np.uint8)
    y = np.arange(40) % 2
    augmenter = ArrayAugmenter(rotation_range=20, horizontal_flip=True)
    for shuffle in (False, True):
        lazy = augmenter.flow(da.from_array(X, chunks=(10, 8, 8, 3)), y,
                              batch_size=10, shuffle=shuffle, seed=0)
        eager = augmenter.flow(X, y, batch_size=10, shuffle=shuffle, seed=0)
        for (X_lazy, y_lazy), (X_eager, y_eager) in zip(lazy, eager):
            assert isinstance(X_lazy, np.ndarray)
            assert_array_equal(X_lazy, X_eager)
            assert_array_equal(y_lazy, y_eager)
    source = _CountingArray(X)
    flow = augmenter.flow(da.from_array(source, chunks=(10, 8, 8, 3)), y,
                          batch_size=10, shuffle=False)
    flow[0]
    assert source.rows_read == set(range(10))


def test_flow_over_a_dask_array_names_the_row_holding_nan():
    X = np.zeros((30, 5, 6), dtype=np.float32)
    X[17, 2, 1] = np.nan
    flow = ArrayAugmenter(width_shift_range=0.1).flow(
        da.from_array(X, chunks=(10, 5, 6)), batch_size=10, shuffle=False)
    flow[0]
    with pytest.raises(ValueError, match=r"NaN \(first rows at fault: \[17\]\)"):
        flow[1]
