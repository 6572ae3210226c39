"""Parallel use: n_jobs never changes a result, and shared estimators are thread-safe.

``n_jobs`` threads warp chunks of samples; every chunk writes its own rows from draws
made beforehand, so ``n_jobs=2`` must give the bytes of ``n_jobs=1``. Estimators hold
no mutable state that ``augment``, ``apply_params``, ``sample_params`` or ``flow``
change, so one instance may serve several threads at once (a data loader's workers).
OpenCV's process-wide thread count is set to 1 while we warp and restored afterwards,
by a reference-counted context manager, however the calls overlap.
"""

import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import cv2
import joblib
import numpy as np
import pytest
from sklearn.base import clone

from sklearn_dlprep import ArrayAugmenter, BalancingResampler

EVERYTHING = dict(rotation_range=30, width_shift_range=0.2, height_shift_range=0.1,
                  shear_range=10, zoom_range=0.2, horizontal_flip=True,
                  vertical_flip=True, brightness_range=(0.7, 1.3),
                  channel_shift_range=0.1, noise_std=0.05, fill_mode="reflect")


def _images(dtype, n=64, shape=(12, 10, 3), seed=0):
    X = np.random.default_rng(seed).random((n, *shape))
    return (X * 255).astype(dtype) if np.dtype(dtype).kind in "iu" else X.astype(dtype)


@pytest.fixture
def thread_pools():
    """For every thread started while the test runs, how many of those threads
    were alive at its start (so ``max`` is the most that ran at once).

    Seen through the standard library's ``threading.setprofile``, which every
    new thread runs once, whatever module starts it.
    """
    alive_at_start, started = [], []
    lock = threading.Lock()

    def on_thread_start(frame, event, arg):
        sys.setprofile(None)  # once per thread: nothing else is profiled
        with lock:
            started.append(threading.current_thread())
            alive_at_start.append(sum(thread.is_alive() for thread in started))

    threading.setprofile(on_thread_start)
    yield alive_at_start
    threading.setprofile(None)


# n_jobs=2 gives the bytes of n_jobs=1 -------------------------------------------------

CONFIGS = [
    pytest.param(np.uint8, 1, "channels_last", id="uint8-bilinear"),
    pytest.param(np.float32, 0, "channels_last", id="float32-nearest"),
    pytest.param(np.float64, 1, "channels_first", id="float64-channels_first"),
    pytest.param(np.uint16, 3, "channels_last", id="uint16-cubic-scipy"),
]


def _layout(X, data_format):
    return np.moveaxis(X, -1, 1) if data_format == "channels_first" else X


@pytest.mark.parametrize("dtype, order, data_format", CONFIGS)
def test_fit_resample_n_jobs_2_equals_n_jobs_1(dtype, order, data_format,
                                               thread_pools):
    """fit_resample (shuffled, several copies, every option) is identical for
    n_jobs=1 and n_jobs=2, and n_jobs=2 really ran on two threads."""
    X = _layout(_images(dtype), data_format)
    y = np.arange(len(X)) % 5
    one = ArrayAugmenter(**EVERYTHING, n_copies=3, shuffle=True,
                         interpolation_order=order, data_format=data_format,
                         random_state=7, n_jobs=1)
    two = clone(one).set_params(n_jobs=2)
    X_one, y_one = one.fit_resample(X, y)
    assert thread_pools == []
    X_two, y_two = two.fit_resample(X, y)
    assert thread_pools and max(thread_pools) == 2
    np.testing.assert_array_equal(X_two, X_one)
    np.testing.assert_array_equal(y_two, y_one)
    np.testing.assert_array_equal(two.sample_indices_, one.sample_indices_)


@pytest.mark.parametrize("dtype, order, data_format", CONFIGS)
def test_augment_and_apply_params_n_jobs_2_equal_n_jobs_1(dtype, order, data_format):
    """augment, and apply_params of one draw, do not depend on n_jobs (nor on a
    joblib context that sets it)."""
    X = _layout(_images(dtype, seed=1), data_format)
    one = ArrayAugmenter(**EVERYTHING, interpolation_order=order,
                         data_format=data_format, random_state=3, n_jobs=1)
    two = clone(one).set_params(n_jobs=2)
    expected = one.augment(X)
    np.testing.assert_array_equal(two.augment(X), expected)
    with joblib.parallel_config(n_jobs=2):
        np.testing.assert_array_equal(clone(one).set_params(n_jobs=None).augment(X),
                                      expected)
    draw = one.sample_params(X, random_state=11)
    np.testing.assert_array_equal(two.apply_params(X, draw), one.apply_params(X, draw))


def test_n_jobs_minus_one_equals_n_jobs_1():
    """n_jobs=-1 (all cores) is no different."""
    X = _images(np.float32, n=40)
    one = ArrayAugmenter(**EVERYTHING, random_state=0, n_jobs=1)
    np.testing.assert_array_equal(clone(one).set_params(n_jobs=-1).augment(X),
                                  one.augment(X))


@pytest.mark.parametrize("shuffle", [False, True])
def test_balancer_with_a_parallel_augmenter_equals_serial(shuffle, thread_pools):
    """BalancingResampler gives the same rows whatever its augmenter's n_jobs."""
    X = _images(np.uint8, n=90)
    y = np.repeat([0, 1, 2], [60, 20, 10])
    serial = BalancingResampler(ArrayAugmenter(**EVERYTHING, n_jobs=1),
                                shuffle=shuffle, random_state=5)
    parallel = BalancingResampler(ArrayAugmenter(**EVERYTHING, n_jobs=2),
                                  shuffle=shuffle, random_state=5)
    X_serial, y_serial = serial.fit_resample(X, y)
    X_parallel, y_parallel = parallel.fit_resample(X, y)
    assert thread_pools and max(thread_pools) == 2
    np.testing.assert_array_equal(X_parallel, X_serial)
    np.testing.assert_array_equal(y_parallel, y_serial)
    np.testing.assert_array_equal(parallel.sample_indices_, serial.sample_indices_)


@pytest.mark.parametrize("balance", [False, True])
def test_flow_n_jobs_2_equals_n_jobs_1(balance, thread_pools):
    """Two epochs of flow (shuffled, optionally balanced) are batch-for-batch
    identical for n_jobs=1 and n_jobs=2."""
    X = _images(np.float32, n=70)
    y = np.repeat([0, 1], [55, 15])
    epochs = {}
    for n_jobs in (1, 2):
        batches = ArrayAugmenter(**EVERYTHING, n_jobs=n_jobs).flow(
            X, y, batch_size=16, balance=balance, random_state=9)
        epochs[n_jobs] = [list(batches), list(batches)]
    assert thread_pools and max(thread_pools) == 2
    for epoch_one, epoch_two in zip(epochs[1], epochs[2], strict=True):
        assert len(epoch_one) == len(epoch_two)
        for (X_one, y_one), (X_two, y_two) in zip(epoch_one, epoch_two, strict=True):
            np.testing.assert_array_equal(X_two, X_one)
            np.testing.assert_array_equal(y_two, y_one)


# One shared instance, several threads ---------------------------------------------

N_THREADS = 4
CALLS_PER_THREAD = 6


def _concurrently(function, n_threads=N_THREADS):
    """Run ``function(thread_index)`` on threads released together; return results."""
    barrier = threading.Barrier(n_threads)

    def run(index):
        barrier.wait(timeout=30)
        return function(index)

    with ThreadPoolExecutor(max_workers=n_threads) as pool:
        return list(pool.map(run, range(n_threads), timeout=120))


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_one_augmenter_shared_by_threads_gives_the_sequential_results(n_jobs):
    """4 threads calling augment, sample_params and apply_params on one shared
    instance with int seeds get exactly what sequential calls get."""
    X = _images(np.uint8, n=24, shape=(16, 16, 3))
    shared = ArrayAugmenter(**EVERYTHING, n_jobs=n_jobs)
    params_before = shared.get_params()
    seeds = np.arange(N_THREADS * CALLS_PER_THREAD).reshape(N_THREADS, -1)

    def work(index):
        out = []
        for seed in seeds[index]:
            draw = shared.sample_params(X, random_state=int(seed))
            out.append((shared.augment(X, random_state=int(seed)),
                        shared.apply_params(X, draw)))
        return out

    expected = [work(index) for index in range(N_THREADS)]
    for got, want in zip(_concurrently(work), expected, strict=True):
        for (augmented, applied), (augmented_ref, applied_ref) in zip(got, want,
                                                                      strict=True):
            np.testing.assert_array_equal(augmented, augmented_ref)
            np.testing.assert_array_equal(applied, applied_ref)
            # augment(X, seed) is apply_params(X, sample_params(X, seed))
            np.testing.assert_array_equal(applied, augmented_ref)
    assert shared.get_params() == params_before


def test_flows_of_one_shared_augmenter_in_threads_match_sequential():
    """Each thread iterating its own flow of one shared augmenter gets the epochs
    it would get alone."""
    X = _images(np.float32, n=40)
    y = np.arange(40) % 4
    shared = ArrayAugmenter(**EVERYTHING)

    def work(index):
        batches = shared.flow(X, y, batch_size=8, random_state=index)
        return [np.concatenate([X_b for X_b, _ in batches]) for _ in range(2)]

    expected = [work(index) for index in range(N_THREADS)]
    for got, want in zip(_concurrently(work), expected, strict=True):
        for epoch, epoch_ref in zip(got, want, strict=True):
            np.testing.assert_array_equal(epoch, epoch_ref)


def test_balancers_sharing_one_augmenter_in_threads_match_sequential():
    """Resamplers on several threads that share one augmenter object (cloned, never
    changed) give the sequential results."""
    X = _images(np.float32, n=45)
    y = np.repeat([0, 1, 2], [30, 10, 5])
    augmenter = ArrayAugmenter(**EVERYTHING, n_jobs=2)
    before = augmenter.get_params()

    def work(index):
        return BalancingResampler(augmenter, random_state=index).fit_resample(X, y)

    expected = [work(index) for index in range(N_THREADS)]
    for (X_res, y_res), (X_ref, y_ref) in zip(_concurrently(work), expected,
                                              strict=True):
        np.testing.assert_array_equal(X_res, X_ref)
        np.testing.assert_array_equal(y_res, y_ref)
    assert augmenter.get_params() == before
    assert not hasattr(augmenter, "sample_indices_")


# OpenCV's global thread count -------------------------------------------------------

@pytest.fixture
def opencv_threads():
    """Set OpenCV's thread count to a recognisable value; restore the original."""
    original = cv2.getNumThreads()
    cv2.setNumThreads(3)
    yield 3
    cv2.setNumThreads(original)


@pytest.fixture
def warp_spy(monkeypatch):
    """Record OpenCV's thread count inside every warp, slowed down a little so that
    calls from different threads overlap."""
    seen = []
    original = cv2.warpAffine

    def spy(*args, **kwargs):
        seen.append(cv2.getNumThreads())
        threading.Event().wait(0.0005)
        return original(*args, **kwargs)

    monkeypatch.setattr(cv2, "warpAffine", spy)
    return seen


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_opencv_thread_count_is_one_while_warping_and_restored_after(
        n_jobs, opencv_threads, warp_spy):
    """Concurrent calls keep OpenCV single-threaded during every warp, and the
    user's setting is back once the last call ends."""
    X = _images(np.uint8, n=16, shape=(10, 10, 3))
    shared = ArrayAugmenter(rotation_range=20, n_jobs=n_jobs)
    _concurrently(lambda index: [shared.augment(X, random_state=index * 10 + k)
                                 for k in range(3)])
    assert len(warp_spy) >= N_THREADS * 3 * len(X) * 0.9
    assert set(warp_spy) == {1}
    assert cv2.getNumThreads() == opencv_threads


def test_opencv_thread_count_is_restored_after_an_error(opencv_threads, monkeypatch):
    """A warp that raises, on one thread among several, still restores the count."""
    X = _images(np.float32, n=8, shape=(10, 10, 3))
    original = cv2.warpAffine
    failing = threading.local()

    def sometimes_failing(*args, **kwargs):
        if getattr(failing, "on", False):
            raise RuntimeError("simulated OpenCV failure")
        return original(*args, **kwargs)

    monkeypatch.setattr(cv2, "warpAffine", sometimes_failing)
    shared = ArrayAugmenter(rotation_range=20)

    def work(index):
        failing.on = index == 0
        try:
            return shared.augment(X, random_state=index)
        except RuntimeError:
            return None

    results = _concurrently(work)
    assert results[0] is None and all(r is not None for r in results[1:])
    assert cv2.getNumThreads() == opencv_threads
