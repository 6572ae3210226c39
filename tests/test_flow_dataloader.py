"""flow() in a torch DataLoader with worker processes, through a stand-in for torch.

torch is not installed for the tests (its wheel is gigabytes). ``torch_standin``
transcribes, from PyTorch's own ``dataloader.py`` and ``_utils/worker.py``, what a
dataset sees of ``DataLoader(dataset, batch_size=None, num_workers=k)``: the choice
between map-style and iterable datasets, worker processes forked for every epoch
(or kept, with ``persistent_workers=True``), ``get_worker_info()`` with a seed drawn
anew for every epoch from a generator left unseeded, as torch's is until
``torch.manual_seed``, indices sent round robin and results returned in order. The
fixture puts it in ``sys.modules`` as ``torch``, as an ``import torch`` would, so
that the flow sees torch imported; nothing here imports the real torch.
"""

import copy
import pickle
import sys

import numpy as np
import pytest
import torch_standin

from sklearn_dlprep import ArrayAugmenter

N_ROWS, BATCH_SIZE = 267, 16  # 17 batches per epoch, the last of 11 rows


@pytest.fixture
def torch_data(monkeypatch):
    """``import torch`` of the stand-in; yields ``torch.utils.data``."""
    for name, module in torch_standin.modules().items():
        monkeypatch.setitem(sys.modules, name, module)
    return sys.modules["torch.utils.data"]


def _data(n=N_ROWS):
    rng = np.random.default_rng(0)
    return rng.random((n, 10, 10, 1), dtype=np.float32), np.arange(n)


def _epochs(loader, n_epochs):
    return [list(loader) for _ in range(n_epochs)]


def _flow(**kwargs):
    X, ids = _data()
    params = {"batch_size": BATCH_SIZE, "random_state": 0, **kwargs}
    return ArrayAugmenter(rotation_range=20, horizontal_flip=True).flow(X, ids,
                                                                        **params)


def test_flow_is_an_iterable_dataset_only_once_torch_is_imported(monkeypatch):
    """A flow made after ``import torch`` is a torch IterableDataset; before, or
    without torch, it is not, and nothing imported torch."""
    before = _flow()
    assert "torch" not in sys.modules
    for name, module in torch_standin.modules().items():
        monkeypatch.setitem(sys.modules, name, module)
    after = _flow()
    data = sys.modules["torch.utils.data"]
    assert isinstance(after, data.IterableDataset)
    assert not isinstance(before, data.IterableDataset)


@pytest.mark.parametrize("persistent_workers", [False, True])
@pytest.mark.parametrize("prefetch", [0, 2])
def test_two_workers_yield_every_row_once_per_epoch(torch_data, persistent_workers,
                                                    prefetch):
    """With 2 workers an epoch has len(flow) batches and every row exactly once."""
    flow = _flow(prefetch=prefetch)
    loader = torch_data.DataLoader(flow, batch_size=None, num_workers=2,
                                   persistent_workers=persistent_workers)
    assert len(loader) == len(flow) == 17
    for epoch in _epochs(loader, 3):
        assert len(epoch) == 17
        ids = np.concatenate([y_batch for _, y_batch in epoch])
        np.testing.assert_array_equal(np.sort(ids), np.arange(N_ROWS))
        assert [len(y) for _, y in epoch] == [BATCH_SIZE] * 16 + [11]


@pytest.mark.parametrize("persistent_workers", [False, True])
def test_epochs_differ_with_workers(torch_data, persistent_workers):
    """Epoch 2 has new draws (and a new order), also when every epoch starts new
    workers from a copy of the flow (persistent_workers=False)."""
    for shuffle in (False, True):
        loader = torch_data.DataLoader(_flow(shuffle=shuffle), batch_size=None,
                                       num_workers=2,
                                       persistent_workers=persistent_workers)
        first, second = _epochs(loader, 2)
        for (X1, y1), (X2, y2) in zip(first, second):
            if shuffle:
                assert not np.array_equal(y1, y2)
            else:
                np.testing.assert_array_equal(y1, y2)
                assert not np.array_equal(X1, X2)


def _assert_same_epochs(run_a, run_b):
    assert len(run_a) == len(run_b)
    for epoch_a, epoch_b in zip(run_a, run_b):
        assert len(epoch_a) == len(epoch_b)
        for (Xa, ya), (Xb, yb) in zip(epoch_a, epoch_b):
            np.testing.assert_array_equal(Xa, Xb)
            np.testing.assert_array_equal(ya, yb)


@pytest.mark.parametrize("persistent_workers", [False, True])
def test_int_random_state_alone_reproduces_a_run(torch_data, persistent_workers):
    """The same int random_state gives the same epochs, byte for byte, whatever
    seeds torch draws for its workers: a generator left unseeded, or seeded
    differently from one run to the other."""
    runs = []
    for torch_seed in (None, 1, 2):
        generator = torch_standin.Generator()
        if torch_seed is not None:
            generator.manual_seed(torch_seed)
        loader = torch_data.DataLoader(_flow(), batch_size=None, num_workers=2,
                                       persistent_workers=persistent_workers,
                                       generator=generator)
        runs.append(_epochs(loader, 3))
    for run in runs:
        for epoch in run:
            ids = np.concatenate([y for _, y in epoch])
            np.testing.assert_array_equal(np.sort(ids), np.arange(N_ROWS))
        first, second, _ = run
        assert not any(np.array_equal(X1, X2)
                       for (X1, _), (X2, _) in zip(first, second))
    _assert_same_epochs(runs[0], runs[1])
    _assert_same_epochs(runs[0], runs[2])


def test_the_epochs_do_not_depend_on_the_number_of_workers(torch_data):
    """1, 2 or 3 workers give the same batches, in the same order: worker w of k
    makes batches w, w + k, ... of the same epoch, and the loader interleaves
    them back."""
    runs = [_epochs(torch_data.DataLoader(_flow(), batch_size=None,
                                          num_workers=num_workers), 2)
            for num_workers in (1, 2, 3)]
    _assert_same_epochs(runs[0], runs[1])
    _assert_same_epochs(runs[0], runs[2])


def test_loaders_with_other_worker_counts_on_one_flow(torch_data):
    """A flow fed to a loader of 2 workers, then to one of 3, then to the first
    again: every epoch has every row once, and the first loader goes on with new
    draws."""
    flow = _flow()
    two = torch_data.DataLoader(flow, batch_size=None, num_workers=2)
    three = torch_data.DataLoader(flow, batch_size=None, num_workers=3)
    epochs = _epochs(two, 1) + _epochs(three, 1) + _epochs(two, 1)
    for epoch in epochs:
        ids = np.concatenate([y for _, y in epoch])
        np.testing.assert_array_equal(np.sort(ids), np.arange(N_ROWS))
    assert not any(np.array_equal(X1, X3)
                   for (X1, _), (X3, _) in zip(epochs[0], epochs[2]))


def test_workers_and_the_main_process_count_epochs_apart(torch_data):
    """Epochs iterated in the main process do not shift the workers' epochs (nor
    the reverse), and neither repeats the other's draws."""
    fresh = _epochs(torch_data.DataLoader(_flow(), batch_size=None,
                                          num_workers=2), 2)
    flow = _flow()
    in_process = list(flow)
    loader = torch_data.DataLoader(flow, batch_size=None, num_workers=2)
    _assert_same_epochs(_epochs(loader, 2), fresh)
    assert not any(np.array_equal(X1, X2)
                   for (X1, _), (X2, _) in zip(in_process, fresh[0]))
    twin = _flow()
    list(twin)
    _assert_same_epochs([list(flow)], [list(twin)])


@pytest.mark.slow  # 4 processes that import numpy and the package anew
def test_spawned_workers_share_the_epochs(torch_data):
    """Workers spawned rather than forked (macOS, Windows) receive the flow
    pickled and still count epochs with the main process's memory: new draws
    at every epoch, every row once."""
    loader = torch_data.DataLoader(_flow(), batch_size=None, num_workers=2,
                                   multiprocessing_context="spawn")
    first, second = _epochs(loader, 2)
    forked = _epochs(torch_data.DataLoader(_flow(), batch_size=None,
                                           num_workers=2), 2)
    _assert_same_epochs([first, second], forked)


@pytest.mark.parametrize("duplicate", [copy.deepcopy,
                                       lambda f: pickle.loads(pickle.dumps(f))])
def test_a_copied_flow_goes_on_with_its_own_epochs(torch_data, duplicate):
    """A flow pickled to bytes (or deep-copied) after an epoch in workers goes on
    from where it was, with counters of its own."""
    flow = _flow()
    loader = torch_data.DataLoader(flow, batch_size=None, num_workers=2)
    _epochs(loader, 1)
    twin = duplicate(flow)
    expected = _epochs(loader, 1)
    _assert_same_epochs(
        _epochs(torch_data.DataLoader(twin, batch_size=None, num_workers=2), 1),
        expected)


def test_without_workers_the_loader_gives_the_plain_epochs(torch_data):
    """num_workers=0 iterates the flow in the main process: the epochs of a for
    loop over the same flow, and every row once."""
    loader = torch_data.DataLoader(_flow(), batch_size=None, num_workers=0)
    twin = _flow()
    for epoch in _epochs(loader, 2):
        expected = list(twin)
        assert len(epoch) == len(expected) == 17
        for (X, y), (X_ref, y_ref) in zip(epoch, expected):
            np.testing.assert_array_equal(X, X_ref)
            np.testing.assert_array_equal(y, y_ref)


def test_a_dataset_wrapping_the_flow_also_shares_the_epoch(torch_data):
    """The 0.1 user-guide recipe (an IterableDataset whose __iter__ yields from the
    flow) now gives 17 batches per epoch with 2 workers, not 34, and new draws at
    epoch 2."""

    class Batches(torch_data.IterableDataset):
        def __init__(self, flow):
            self.flow = flow

        def __iter__(self):
            yield from self.flow

        def __len__(self):
            return len(self.flow)

    loader = torch_data.DataLoader(Batches(_flow(shuffle=False)), batch_size=None,
                                   num_workers=2)
    first, second = _epochs(loader, 2)
    assert len(first) == len(second) == 17
    ids = np.concatenate([y for _, y in first])
    np.testing.assert_array_equal(ids, np.arange(N_ROWS))
    assert not any(np.array_equal(a[0], b[0]) for a, b in zip(first, second))


def test_flow_made_before_torch_is_refused_in_workers(monkeypatch):
    """A flow made before ``import torch`` is read by index in the workers, where
    epochs cannot be told apart: the error says to make it after the import."""
    flow = _flow()
    for name, module in torch_standin.modules().items():
        monkeypatch.setitem(sys.modules, name, module)
    loader = sys.modules["torch.utils.data"].DataLoader(flow, batch_size=None,
                                                        num_workers=2)
    iterator = iter(loader)
    try:
        with pytest.raises(RuntimeError, match="after `import torch`"):
            list(iterator)
    finally:
        # Left to the garbage collector, the stand-in's workers may find their
        # queues finalised first and wait out their 5-second timeouts.
        iterator._shutdown_workers()
