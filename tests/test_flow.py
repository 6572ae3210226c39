"""ArrayAugmenter.flow: fresh batches every epoch, never the whole augmented set."""

import tracemalloc

import numpy as np
import pytest

from sklearn_dlprep import ArrayAugmenter


def _data(n=100):
    rng = np.random.default_rng(0)
    return rng.random((n, 12, 12, 1)).astype(np.float32), np.arange(n) % 4


def test_len_is_batches_per_epoch_and_batches_cover_every_row():
    """len() is ceil(n / batch_size); one epoch yields every row once."""
    X, y = _data(100)
    batches = ArrayAugmenter(random_state=0).flow(X, y, batch_size=32)
    assert len(batches) == 4
    seen = [yb for _, yb in batches]
    assert [len(b) for b in seen] == [32, 32, 32, 4]
    np.testing.assert_array_equal(np.sort(np.concatenate(seen)), np.sort(y))


def test_each_epoch_differs_and_int_seed_reproduces_epochs():
    """Every epoch is augmented afresh; the same seed gives the same epochs."""
    X, y = _data(40)
    aug = ArrayAugmenter(rotation_range=30, random_state=0)
    first = aug.flow(X, y, batch_size=40, shuffle=False)
    epoch1 = next(iter(first))[0]
    epoch2 = next(iter(first))[0]
    assert not np.allclose(epoch1, epoch2)
    again = aug.flow(X, y, batch_size=40, shuffle=False)
    np.testing.assert_array_equal(next(iter(again))[0], epoch1)
    np.testing.assert_array_equal(next(iter(again))[0], epoch2)


def test_labels_stay_with_their_rows():
    """Without augmentation a batch is exactly the rows its labels name."""
    X = np.arange(30.0)[:, None, None] * np.ones((1, 4, 4))
    y = np.arange(30)
    for X_batch, y_batch in ArrayAugmenter(sample_shape=(4, 4)).flow(
            X, y, batch_size=7, random_state=1):
        np.testing.assert_array_equal(X_batch[:, 0, 0], y_batch)


def test_no_epoch_materialises_the_augmented_dataset():
    """An epoch allocates a few batches at a time, never the augmented dataset:
    the peak traced allocation of a whole epoch is a small multiple of one batch
    and a small fraction of X."""
    X = np.random.default_rng(0).random((1000, 16, 16, 3)).astype(np.float32)
    y = np.arange(1000) % 10
    aug = ArrayAugmenter(rotation_range=10, brightness_range=(0.8, 1.2),
                         random_state=0)
    batch_bytes = 16 * X[0].nbytes
    tracemalloc.start()
    try:
        sizes = [len(X_batch) for X_batch, _ in aug.flow(X, y, batch_size=16)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(sizes) == 63 and max(sizes) == 16 and sum(sizes) == 1000
    assert peak < 8 * batch_bytes + (1 << 18), f"peak {peak:,} bytes"
    assert peak < X.nbytes / 10


@pytest.mark.parametrize("shuffle", [True, False])
def test_balance_gives_class_balanced_batches(shuffle):
    """balance=True: every batch holds the classes equally; each epoch brings every
    class to the majority count, each source row used as evenly as possible."""
    y = np.array([0] * 80 + [1] * 20 + [2] * 10)
    X = np.arange(len(y), dtype=np.float32)[:, None, None] * np.ones((1, 4, 4))
    batches = ArrayAugmenter(sample_shape=(4, 4)).flow(
        X, y, batch_size=30, shuffle=shuffle, balance=True, random_state=0)
    assert len(batches) == 8
    seen = list(batches)
    for _, y_batch in seen:
        np.testing.assert_array_equal(np.bincount(y_batch, minlength=3), [10] * 3)
    sources = np.concatenate([X_batch[:, 0, 0] for X_batch, _ in seen]).astype(int)
    labels = np.concatenate([y_batch for _, y_batch in seen])
    np.testing.assert_array_equal(y[sources], labels)
    uses = np.bincount(sources, minlength=len(y))
    assert set(uses[y == 0]) == {1}
    assert set(uses[y == 1]) == {4}
    assert set(uses[y == 2]) == {8}


def test_flow_copies_the_augmenter():
    """Changing the augmenter after flow() cannot change, unchecked, the flow."""
    X, y = _data(20)
    augmenter = ArrayAugmenter(rotation_range=10, random_state=0)
    batches = augmenter.flow(X, y, batch_size=20, shuffle=False)
    expected = next(iter(augmenter.flow(X, y, batch_size=20, shuffle=False)))[0]
    augmenter.set_params(rotation_range=-10)
    np.testing.assert_array_equal(next(iter(batches))[0], expected)


def test_flow_without_y_yields_arrays_and_reads_memmaps(tmp_path):
    """X alone gives batches of X; a memmap is read batch by batch."""
    X, _ = _data(50)
    path = tmp_path / "X.npy"
    np.save(path, X)
    X_map = np.load(path, mmap_mode="r")
    batches = list(ArrayAugmenter(width_shift_range=0.1).flow(X_map, batch_size=20))
    assert [b.shape for b in batches] == [(20, 12, 12, 1)] * 2 + [(10, 12, 12, 1)]
    assert all(isinstance(b, np.ndarray) and b.dtype == np.float32 for b in batches)


@pytest.mark.parametrize("kwargs, match", [
    ({"batch_size": 0}, "batch_size"),
    ({"balance": True}, "balance=True needs class labels"),
])
def test_flow_refuses_bad_arguments(kwargs, match):
    """Bad batch sizes and balance without labels are named."""
    X, _ = _data(10)
    with pytest.raises(ValueError, match=match):
        ArrayAugmenter().flow(X, **kwargs)
