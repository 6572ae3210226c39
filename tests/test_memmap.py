"""Data larger than memory: a numpy memmap is read batch by batch, never copied whole.

Peaks are measured with ``tracemalloc``, which sees every numpy allocation but not
the pages of a memory-mapped file: a copy of the dataset shows up at its full size,
reading it through the map does not. Each bound is a small multiple of one batch
(or chunk) and far below the dataset, and each test first checks that a copy of
the data would indeed be seen.
"""

import tracemalloc

import numpy as np
import pytest

import sklearn_dlprep
from sklearn_dlprep import ArrayAugmenter

N_ROWS = 20_000
SAMPLE_SHAPE = (16, 16, 3)
BATCH_SIZE = 64
# A batch is read, augmented into a second array and changed in intensity in a
# float32 copy (with rounding and clipping temporaries): a few float32 batches.
BATCH_PEAK_LIMIT = 8 * BATCH_SIZE * int(np.prod(SAMPLE_SHAPE)) * 4 + (1 << 20)


def _write_memmap(path, dtype, shape=(N_ROWS, *SAMPLE_SHAPE), nan_row=None):
    on_disk = np.lib.format.open_memmap(path, mode="w+", dtype=dtype, shape=shape)
    rng = np.random.default_rng(0)
    for start in range(0, shape[0], 2000):
        block = rng.random((min(2000, shape[0] - start), *shape[1:])) * 255
        on_disk[start:start + len(block)] = block.astype(dtype)
    if nan_row is not None:
        on_disk[nan_row, 0, 0, 0] = np.nan
    on_disk.flush()
    del on_disk
    return np.load(path, mmap_mode="r")


def _peak(function):
    """Peak traced allocation while ``function`` runs, and its result."""
    tracemalloc.start()
    try:
        result = function()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def memmaps(tmp_path_factory):
    folder = tmp_path_factory.mktemp("memmaps")
    return {dtype: _write_memmap(folder / f"X_{np.dtype(dtype).name}.npy", dtype)
            for dtype in (np.uint8, np.float32)}


def test_tracemalloc_sees_a_copy_of_the_memmap(memmaps):
    """The control: copying the data is seen at its full size, reading it is not."""
    X_map = memmaps[np.uint8]
    copied, _ = _peak(lambda: np.array(X_map))
    assert copied >= X_map.nbytes
    read, _ = _peak(lambda: int(X_map.sum(dtype=np.int64)))
    assert read < X_map.nbytes / 20


@pytest.mark.slow  # a whole epoch of 20,000 rows under tracemalloc: seconds
@pytest.mark.parametrize("dtype, balance", [(np.uint8, False), (np.float32, True)])
def test_an_epoch_of_flow_over_a_memmap_stays_around_one_batch(memmaps, dtype,
                                                                balance):
    """flow() keeps the memmap (no copy), and the peak allocation of a whole
    shuffled epoch is a few batches, not the dataset (float32 is also scanned for
    NaN, by a reduction that allocates nothing of its size)."""
    X_map = memmaps[dtype]
    y = np.arange(N_ROWS) % 10
    aug = ArrayAugmenter(rotation_range=15, width_shift_range=0.1,
                         brightness_range=(0.8, 1.2), noise_std=2.0, random_state=0)

    def one_epoch():
        batches = aug.flow(X_map, y, batch_size=BATCH_SIZE, balance=balance)
        assert np.shares_memory(batches.X, X_map), "flow copied the memmap"
        n_rows = 0
        for X_batch, y_batch in batches:
            assert X_batch.dtype == dtype and len(X_batch) == len(y_batch)
            n_rows += len(X_batch)
        return n_rows

    peak, n_rows = _peak(one_epoch)
    assert n_rows == N_ROWS
    assert peak < BATCH_PEAK_LIMIT, f"peak {peak:,} bytes for one epoch"
    assert peak < X_map.nbytes / 5


def test_flow_refuses_nan_in_a_memmap_without_loading_it(tmp_path):
    """NaN in a large float memmap is refused when flow() is called, naming the
    row, with a scan by blocks: no mask or copy of the dataset's size."""
    X_map = _write_memmap(tmp_path / "nan.npy", np.float32, nan_row=15_321)

    def refuse():
        with pytest.raises(ValueError, match=r"NaN \(first rows at fault: \[15321\]"):
            ArrayAugmenter().flow(X_map, batch_size=BATCH_SIZE)

    peak, _ = _peak(refuse)
    assert peak < X_map.nbytes / 5, f"peak {peak:,} bytes to find one NaN"


def test_read_only_memmap_is_augmented_and_left_alone(memmaps):
    """A memmap opened read-only goes through fit_resample, augment and a
    balancer: nothing tries to write into it, and results equal in-memory ones."""
    X_map = memmaps[np.uint8][:300]
    assert not X_map.flags.writeable
    X = np.array(X_map)
    y = np.repeat([0, 1, 2], [200, 70, 30])
    aug = ArrayAugmenter(rotation_range=10, zoom_range=0.1, random_state=0)
    np.testing.assert_array_equal(aug.augment(X_map), aug.augment(X))
    np.testing.assert_array_equal(aug.fit_resample(X_map, y)[0],
                                  aug.fit_resample(X, y)[0])
    balancer = sklearn_dlprep.BalancingResampler(aug, random_state=0)
    np.testing.assert_array_equal(balancer.fit_resample(X_map, y)[0],
                                  balancer.fit_resample(X, y)[0])
    np.testing.assert_array_equal(np.asarray(X_map), X)


CHUNK_ROWS = 500


@pytest.mark.skipif(not hasattr(sklearn_dlprep, "ChannelStandardizer"),
                    reason="ChannelStandardizer is not public yet")
def test_channel_standardizer_partial_fit_over_memmap_chunks(memmaps):
    """partial_fit over chunks of a memmap: the peak is about one chunk in
    float64, not the dataset, and the statistics equal those of the data in
    memory."""
    X_map = memmaps[np.uint8]
    chunk_float64 = CHUNK_ROWS * int(np.prod(SAMPLE_SHAPE)) * 8

    def stream():
        scaler = sklearn_dlprep.ChannelStandardizer()
        for start in range(0, N_ROWS, CHUNK_ROWS):
            scaler.partial_fit(X_map[start:start + CHUNK_ROWS])
        return scaler

    peak, streamed = _peak(stream)
    assert peak < 2 * chunk_float64 + (1 << 20), f"peak {peak:,} bytes"
    assert streamed.n_samples_seen_ == N_ROWS
    X = np.asarray(X_map, dtype=np.float64).reshape(-1, SAMPLE_SHAPE[-1])
    np.testing.assert_allclose(streamed.mean_, X.mean(axis=0), rtol=1e-10)
    np.testing.assert_allclose(streamed.var_, X.var(axis=0), rtol=1e-8)


@pytest.mark.skipif(not hasattr(sklearn_dlprep, "ChannelStandardizer"),
                    reason="ChannelStandardizer is not public yet")
def test_channel_standardizer_fit_on_a_whole_memmap_works_by_blocks(memmaps,
                                                                     monkeypatch):
    """fit on the whole memmap works by blocks of rows: with blocks of 2^18 values
    the peak is a few blocks in float64, far below a float64 copy of the data."""
    from sklearn_dlprep import _scalers

    block_values = 1 << 18
    monkeypatch.setattr(_scalers, "_CHUNK_VALUES", block_values)
    X_map = memmaps[np.uint8]
    peak, scaler = _peak(lambda: sklearn_dlprep.ChannelStandardizer().fit(X_map))
    assert peak < 3 * block_values * 8 + (1 << 20), f"peak {peak:,} bytes"
    assert peak < X_map.size * 8 / 20
    X = np.asarray(X_map, dtype=np.float64).reshape(-1, SAMPLE_SHAPE[-1])
    np.testing.assert_allclose(scaler.mean_, X.mean(axis=0), rtol=1e-10)
