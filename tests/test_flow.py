"""ArrayAugmenter.flow: fresh batches every epoch, never the whole augmented set."""

import gc
import os
import pickle
import subprocess
import sys
import threading
import traceback
import tracemalloc
from pathlib import Path

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


# The flow protocol: iterable, iterator, indexable ----------------------------------


def _aug(**kwargs):
    return ArrayAugmenter(rotation_range=20, width_shift_range=0.1, **kwargs)


def _same(batches, expected):
    assert len(batches) == len(expected)
    for got, want in zip(batches, expected):
        for got_part, want_part in zip(got, want):
            np.testing.assert_array_equal(got_part, want_part)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint8])
def test_indexing_gives_the_batches_of_the_current_epoch(dtype):
    """flow[i] is batch i of the epoch a for loop would give, in the same dtype."""
    X, y = _data(50)
    X = (X * 255).astype(dtype) if dtype == np.uint8 else X.astype(dtype)
    flow = _aug().flow(X, y, batch_size=16, random_state=0)
    twin = _aug().flow(X, y, batch_size=16, random_state=0)
    indexed = [flow[i] for i in range(len(flow))]
    _same(indexed, list(twin))
    assert indexed[0][0].dtype == dtype
    _same([flow[-1]], [indexed[-1]])


def test_on_epoch_end_moves_indexing_to_new_draws():
    """After on_epoch_end, flow[i] is batch i of the next epoch, as a second for
    loop would give it, and differs from the first epoch's."""
    X, y = _data(40)
    flow = _aug().flow(X, y, batch_size=16, random_state=0)
    twin = _aug().flow(X, y, batch_size=16, random_state=0)
    first = [flow[i] for i in range(len(flow))]
    flow.on_epoch_begin()
    flow.on_epoch_end()
    second = [flow[i] for i in range(len(flow))]
    _same(first, list(twin))
    _same(second, list(twin))
    assert not np.array_equal(first[0][0], second[0][0])


def test_indexing_is_the_same_in_any_order_and_from_threads():
    """A batch depends on its epoch and index only: made in any order, from
    concurrent threads (as Keras' workers make them), the bytes are the same."""
    from concurrent.futures import ThreadPoolExecutor

    X, y = _data(100)
    flow = _aug().flow(X, y, batch_size=8, random_state=0)
    expected = [flow[i] for i in range(len(flow))]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(flow.__getitem__, reversed(range(len(flow)))))
    _same(got[::-1], expected)


def test_bad_indices_are_refused():
    """Out-of-range indices raise IndexError, non-integers TypeError."""
    X, y = _data(40)
    flow = _aug().flow(X, y, batch_size=16)
    with pytest.raises(IndexError, match="3 batches"):
        flow[3]
    with pytest.raises(TypeError, match="batch number"):
        flow[0:2]


def test_next_gives_batches_forever_epoch_after_epoch():
    """next(flow) continues across epochs: the batches of epoch 0, then of epoch
    1, as two for loops over the same flow give them."""
    X, y = _data(40)
    flow = _aug().flow(X, y, batch_size=16, random_state=0)
    twin = _aug().flow(X, y, batch_size=16, random_state=0)
    streamed = [next(flow) for _ in range(7)]
    _same(streamed[:3], list(twin))
    _same(streamed[3:6], list(twin))
    _same(streamed[6:], list(twin)[:1])


def test_keras_seed_example_runs():
    """The Keras recipe of the seed: datagen.flow(img)[0][0] is one image and
    next(datagen.flow(img)) a batch of one."""
    img = np.random.default_rng(0).integers(0, 256, (1, 20, 30, 3), dtype=np.uint8)
    datagen = ArrayAugmenter(rotation_range=40, horizontal_flip=True)
    assert datagen.flow(img)[0][0].shape == (20, 30, 3)
    batch = next(datagen.flow(img))
    assert batch.shape == (1, 20, 30, 3) and batch.dtype == np.uint8


def test_drop_last_drops_the_short_batch():
    """drop_last=True: len() counts full batches only and every batch is full."""
    X, y = _data(40)
    flow = _aug().flow(X, y, batch_size=16, drop_last=True)
    assert len(flow) == 2
    assert [len(yb) for _, yb in flow] == [16, 16]
    assert len(flow[1][1]) == 16
    with pytest.raises(ValueError, match="drop_last=True drops every row"):
        _aug().flow(X, y, batch_size=41, drop_last=True)


def test_sample_weight_follows_its_rows():
    """sample_weight makes (X, y, w) batches whose weights are their rows'."""
    X, y = _data(40)
    ids = np.arange(40)
    weights = 0.5 * ids
    for _, id_batch, w_batch in _aug().flow(X, ids, batch_size=16,
                                            sample_weight=weights):
        np.testing.assert_array_equal(w_batch, 0.5 * id_batch)
    assert len(_aug().flow(X, y, sample_weight=weights)[0]) == 3


@pytest.mark.parametrize("kwargs, error, match", [
    ({"sample_weight": np.ones(40)}, ValueError, "sample_weight needs y"),
    ({"y": np.zeros(40), "sample_weight": np.ones(39)}, ValueError,
     "one number per sample"),
    ({"prefetch": -1}, ValueError, "prefetch must be an int >= 0"),
    ({"prefetch": True}, ValueError, "prefetch must be an int >= 0"),
    ({"drop_last": 1}, TypeError, "drop_last must be True or False"),
    ({"seed": 1, "random_state": 1}, ValueError, "give one of them"),
])
def test_flow_refuses_bad_options(kwargs, error, match):
    """Bad options are named, and how to fix them said."""
    X, _ = _data(40)
    with pytest.raises(error, match=match):
        _aug().flow(X, **kwargs)


def test_seed_is_keras_name_for_random_state():
    """seed= gives the epochs random_state= gives."""
    X, y = _data(40)
    _same(list(_aug().flow(X, y, seed=3)), list(_aug().flow(X, y, random_state=3)))


def test_prefetch_gives_the_same_batches():
    """Prefetching changes when batches are made, never what they are."""
    X, y = _data(60)
    plain = _aug().flow(X, y, batch_size=16, random_state=0)
    ahead = _aug().flow(X, y, batch_size=16, random_state=0, prefetch=2)
    for _ in range(2):
        _same(list(ahead), list(plain))
    _same([next(ahead) for _ in range(5)], [next(plain) for _ in range(5)])


def _prefetch_threads():
    return [t for t in threading.enumerate() if t.name.startswith("sklearn_dlprep")]


def test_leaving_a_loop_early_leaves_no_thread():
    """break, close() and dropping a flow read with next() all stop the prefetch
    thread: none is left running."""
    X, y = _data(200)
    flow = _aug().flow(X, y, batch_size=8, prefetch=3)
    for i, _ in enumerate(flow):
        assert len(_prefetch_threads()) == 1
        if i == 2:
            break
    assert _prefetch_threads() == []
    epoch = iter(flow)
    next(epoch)
    epoch.close()
    assert _prefetch_threads() == []
    next(flow)
    assert len(_prefetch_threads()) == 1
    del flow
    gc.collect()
    assert _prefetch_threads() == []


def test_an_error_in_the_prefetch_thread_reaches_the_loop_with_its_traceback():
    """An exception raised while preparing a batch ahead is raised in the loop,
    with the frames where it happened; no thread is left behind."""
    from sklearn_dlprep import Compose, RandomBrightness

    X, y = _data(40)
    X[30:] *= 3  # outside RandomBrightness' value range (0, 1): refused at apply
    flow = Compose([("light", RandomBrightness(0.1))]).flow(
        X, y, batch_size=10, shuffle=False, prefetch=2)
    seen = []
    with pytest.raises(ValueError, match="outside value_range") as info:
        for _, y_batch in flow:
            seen.append(y_batch)
    assert len(seen) == 3
    frames = [frame.name for frame in traceback.extract_tb(info.value.__traceback__)]
    assert "check_in_range" in frames
    assert _prefetch_threads() == []


def test_a_pickled_flow_continues_with_the_same_batches():
    """A copy of a flow (as a worker process receives it) makes the same batches
    of the same epoch, and keeps its class."""
    X, y = _data(40)
    flow = _aug().flow(X, y, batch_size=16, random_state=0, prefetch=1)
    next(flow)
    flow.on_epoch_end()
    copy = pickle.loads(pickle.dumps(flow))
    assert type(copy) is type(flow)
    _same([copy[i] for i in range(3)], [flow[i] for i in range(3)])


@pytest.mark.slow  # imports Keras
def test_flow_is_a_keras_pydataset_once_keras_is_imported():
    """With Keras imported, a flow is a keras.utils.PyDataset with len() batches,
    and it pickles as one."""
    os.environ.setdefault("KERAS_BACKEND", "numpy")
    keras = pytest.importorskip("keras")
    X, y = _data(40)
    flow = _aug().flow(X, y, batch_size=16)
    assert isinstance(flow, keras.utils.PyDataset)
    assert flow.num_batches == len(flow) == 3
    assert not flow.use_multiprocessing and flow.workers == 1
    assert isinstance(pickle.loads(pickle.dumps(flow)), keras.utils.PyDataset)


@pytest.mark.slow
def test_no_flow_operation_imports_keras_or_torch():
    """Making, iterating, indexing and prefetching a flow imports neither Keras
    nor torch (a fresh interpreter, where neither is imported)."""
    code = (
        "import sys, numpy as np\n"
        "from sklearn_dlprep import ArrayAugmenter, MixUp\n"
        "X = np.zeros((20, 8, 8, 1), np.float32); y = np.arange(20) % 2\n"
        "flow = ArrayAugmenter(rotation_range=5).flow(X, y, batch_size=8,\n"
        "    prefetch=2, mix=MixUp())\n"
        "list(flow); flow[0]; next(flow); flow.on_epoch_end()\n"
        "print(sorted(m for m in ('keras', 'torch', 'jax', 'tensorflow')\n"
        "             if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True, timeout=300, cwd=Path(__file__).parents[1])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "[]"


@pytest.mark.slow
def test_interpreter_exits_cleanly_with_a_prefetch_thread_at_work():
    """A flow still read with next() when the interpreter exits: its thread is
    stopped first (a daemon thread killed inside OpenCV aborts the process)."""
    code = (
        "import numpy as np\n"
        "from sklearn_dlprep import ArrayAugmenter\n"
        "X = np.random.default_rng(0).integers(0, 256, (64, 224, 224, 3), np.uint8)\n"
        "flow = ArrayAugmenter(rotation_range=30, zoom_range=0.2).flow(\n"
        "    X, batch_size=16, prefetch=4)\n"
        "next(flow)\n"
    )
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True,
                              text=True, timeout=300, cwd=Path(__file__).parents[1])
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "terminate" not in proc.stderr
