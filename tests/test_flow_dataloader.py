"""flow() in a torch DataLoader with worker processes, through a stand-in for torch.

torch is not installed for the tests (its wheel is gigabytes). ``torch_standin``
transcribes, from PyTorch's own ``dataloader.py`` and ``_utils/worker.py``, what a
dataset sees of ``DataLoader(dataset, batch_size=None, num_workers=k)``: the choice
between map-style and iterable datasets, worker processes forked for every epoch
(or kept, with ``persistent_workers=True``), ``get_worker_info()`` with a seed drawn
anew for every epoch, indices sent round robin and results returned in order. The
fixture puts it in ``sys.modules`` as ``torch``, as an ``import torch`` would, so
that the flow sees torch imported; nothing here imports the real torch.
"""

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
    torch_standin.manual_seed(0)
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


@pytest.mark.parametrize("persistent_workers", [False, True])
def test_int_random_state_and_torch_seed_reproduce_a_run(torch_data,
                                                         persistent_workers):
    """The same random_state and torch seed give the same epochs, byte for byte."""
    runs = []
    for _ in range(2):
        torch_standin.manual_seed(0)
        loader = torch_data.DataLoader(_flow(), batch_size=None, num_workers=2,
                                       persistent_workers=persistent_workers)
        runs.append(_epochs(loader, 2))
    for epoch_a, epoch_b in zip(*runs):
        for (Xa, ya), (Xb, yb) in zip(epoch_a, epoch_b):
            np.testing.assert_array_equal(Xa, Xb)
            np.testing.assert_array_equal(ya, yb)


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
    with pytest.raises(RuntimeError, match="after `import torch`"):
        list(loader)
