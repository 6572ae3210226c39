"""A stand-in for ``torch.utils.data``: what a dataset sees of a DataLoader.

torch is not a dependency of the package nor of its CI (its wheel is gigabytes), yet
``DataLoader(augmenter.flow(...), batch_size=None, num_workers=k)`` must work. This
module transcribes, in plain Python and numpy, the part of PyTorch's DataLoader that
decides what a dataset sees, from

- https://github.com/pytorch/pytorch/blob/main/torch/utils/data/dataloader.py
  (``DataLoader.__init__``: map-style or iterable by ``isinstance(dataset,
  IterableDataset)``, the default samplers, ``batch_size=None`` without collation;
  ``DataLoader.__iter__``: persistent workers reset an iterator, others make a new
  one; ``_BaseDataLoaderIter.__init__``: a new ``base_seed`` drawn from the
  loader's generator for every iterator; ``_MultiProcessingDataLoaderIter``:
  worker processes started for every iterator, indices sent round robin
  (``_try_put_index``), ``prefetch_factor`` tasks per worker, results returned in
  order (``_next_data``), a worker that exhausts an iterable dataset marked
  unavailable, ``_ResumeIteration`` for persistent workers, shutdown);
- https://github.com/pytorch/pytorch/blob/main/torch/utils/data/_utils/worker.py
  (``_worker_loop``: ``WorkerInfo(id, num_workers, seed=base_seed + id, dataset)``
  set before the dataset is used, the fetcher created at start and again on
  ``_ResumeIteration`` (``iter(dataset)`` for an iterable dataset), StopIteration
  turned into ``_IterableDatasetStopIteration``, exceptions wrapped with their
  traceback and re-raised in the main process);
- ``torch/utils/data/_utils/fetch.py`` (``_IterableDatasetFetcher``: ``next`` of
  the iterator made at creation; ``_MapDatasetFetcher``: ``dataset[index]``).

Left out: automatic batching and collation (only ``batch_size=None``, the mode
for datasets that yield whole batches; numpy arrays stay numpy instead of
becoming tensors), pinned memory, timeouts, thread workers, DataPipes,
distributed sharding, ``in_order=False``. Workers are processes of the default
multiprocessing context (``fork`` on Linux before Python 3.14, as torch uses),
or of ``multiprocessing_context=``. A spawned worker unpickles ``_worker_loop``
before the dataset, which imports torch there; here it imports this module,
which then puts itself in ``sys.modules`` as ``torch``.
Like torch's default generator, the module's generator is unseeded until
``manual_seed`` is called.
"""

import itertools
import multiprocessing
import os
import queue
import sys
import traceback
import types
from dataclasses import dataclass

import numpy as np

# How often a worker checks for its parent and the main process for dead workers.
STATUS_CHECK_INTERVAL = 5.0


class Dataset:
    """Map-style dataset: ``__getitem__`` and ``__len__``."""

    def __getitem__(self, index):
        raise NotImplementedError


class IterableDataset(Dataset):
    """Iterable-style dataset: ``__iter__`` runs in each worker."""

    def __iter__(self):
        raise NotImplementedError


# The flow recognises torch's classes by the module that defines them.
Dataset.__module__ = IterableDataset.__module__ = "torch.utils.data"


@dataclass(frozen=True)
class WorkerInfo:
    id: int
    num_workers: int
    seed: int
    dataset: object


_worker_info = None


def get_worker_info():
    """The current worker's information in a worker process, None elsewhere."""
    return _worker_info


class Generator:
    """``torch.Generator``: only what the DataLoader draws (an int64 base seed)."""

    def __init__(self):
        self._rng = np.random.default_rng()

    def manual_seed(self, seed):
        self._rng = np.random.default_rng(seed)
        return self

    def random_int64(self):
        # torch.empty((), dtype=torch.int64).random_(generator=g).item()
        return int(self._rng.integers(0, 2**63 - 1))


_default_generator = Generator()


def manual_seed(seed):
    """``torch.manual_seed``: seeds the default generator."""
    return _default_generator.manual_seed(seed)


class _ResumeIteration:
    pass


@dataclass(frozen=True)
class _IterableDatasetStopIteration:
    worker_id: int


class ExceptionWrapper:
    """torch._utils.ExceptionWrapper: an exception and its formatted traceback."""

    def __init__(self, exc_info, where):
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception


_MAP, _ITERABLE = 0, 1


class _IterableFetcher:
    def __init__(self, dataset):
        self.dataset_iter = iter(dataset)

    def fetch(self, index):
        return next(self.dataset_iter)


class _MapFetcher:
    def __init__(self, dataset):
        self.dataset = dataset

    def fetch(self, index):
        return self.dataset[index]


def _create_fetcher(kind, dataset):
    return _IterableFetcher(dataset) if kind == _ITERABLE else _MapFetcher(dataset)


def _worker_loop(kind, dataset, index_queue, data_queue, done_event, base_seed,
                 worker_id, num_workers):
    global _worker_info
    seed = base_seed + worker_id
    _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                              dataset=dataset)
    init_exception = None
    try:
        fetcher = _create_fetcher(kind, dataset)
    except Exception:
        init_exception = ExceptionWrapper(sys.exc_info(),
                                          f"in DataLoader worker process {worker_id}")
    iteration_end = False
    parent = os.getppid()
    while os.getppid() == parent:
        try:
            r = index_queue.get(timeout=STATUS_CHECK_INTERVAL)
        except queue.Empty:
            continue
        if isinstance(r, _ResumeIteration):
            data_queue.put((r, None))
            iteration_end = False
            fetcher = _create_fetcher(kind, dataset)
            continue
        if r is None:
            break
        if done_event.is_set() or iteration_end:
            continue
        task_id, index = r
        if init_exception is not None:
            data, init_exception = init_exception, None
        else:
            try:
                data = fetcher.fetch(index)
            except Exception as exc:
                if isinstance(exc, StopIteration) and kind == _ITERABLE:
                    data = _IterableDatasetStopIteration(worker_id)
                    iteration_end = True
                else:
                    data = ExceptionWrapper(
                        sys.exc_info(), f"in DataLoader worker process {worker_id}")
        data_queue.put((task_id, data))
        del data, r
    if done_event.is_set():
        data_queue.cancel_join_thread()
        data_queue.close()


class SequentialSampler:
    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class _InfiniteConstantSampler:
    def __iter__(self):
        while True:
            yield None


class DataLoader:
    """``torch.utils.data.DataLoader`` with ``batch_size=None`` (see the module)."""

    def __init__(self, dataset, batch_size=1, shuffle=None, num_workers=0,
                 generator=None, *, prefetch_factor=None, persistent_workers=False,
                 multiprocessing_context=None):
        if batch_size is not None:
            raise NotImplementedError(
                "The stand-in DataLoader supports batch_size=None only (datasets "
                "that yield whole batches).")
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in "
                             "multiprocessing.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if isinstance(dataset, IterableDataset):
            self._dataset_kind = _ITERABLE
            if shuffle not in {False, None}:
                raise ValueError("DataLoader with IterableDataset: expected "
                                 f"unspecified shuffle option, but got {shuffle}")
            self.sampler = _InfiniteConstantSampler()
        else:
            self._dataset_kind = _MAP
            if shuffle:
                raise NotImplementedError("The stand-in has no RandomSampler.")
            self.sampler = SequentialSampler(dataset)
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self.generator = generator
        self.multiprocessing_context = multiprocessing_context
        self._iterator = None

    def __iter__(self):
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = self._get_iterator()
            else:
                self._iterator._reset(self)
            return self._iterator
        return self._get_iterator()

    def _get_iterator(self):
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        return _MultiProcessingIter(self)

    def __len__(self):
        return len(self.dataset) if self._dataset_kind == _ITERABLE else len(
            self.sampler)


class _BaseIter:
    def __init__(self, loader):
        self._dataset = loader.dataset
        self._dataset_kind = loader._dataset_kind
        self._sampler = loader.sampler
        self._num_workers = loader.num_workers
        self._sampler_iter = iter(self._sampler)
        generator = loader.generator or _default_generator
        self._base_seed = generator.random_int64()
        self._persistent_workers = loader.persistent_workers

    def __iter__(self):
        return self

    def _reset(self, loader, first_iter=False):
        self._sampler_iter = iter(self._sampler)

    def _next_index(self):
        return next(self._sampler_iter)

    def __next__(self):
        return self._next_data()


class _SingleProcessIter(_BaseIter):
    def __init__(self, loader):
        super().__init__(loader)
        self._fetcher = _create_fetcher(self._dataset_kind, self._dataset)

    def _next_data(self):
        index = self._next_index()
        return self._fetcher.fetch(index)  # may raise StopIteration


class _MultiProcessingIter(_BaseIter):
    def __init__(self, loader):
        super().__init__(loader)
        self._prefetch_factor = loader.prefetch_factor
        context = loader.multiprocessing_context or multiprocessing
        if isinstance(context, str):  # DataLoader's setter takes a start method
            context = multiprocessing.get_context(context)
        self._worker_result_queue = context.Queue()
        self._workers_done_event = context.Event()
        self._index_queues, self._workers = [], []
        self._workers_status = []
        self._shutdown = False
        for i in range(self._num_workers):
            index_queue = context.Queue()
            index_queue.cancel_join_thread()
            worker = context.Process(
                target=_worker_loop,
                args=(self._dataset_kind, self._dataset, index_queue,
                      self._worker_result_queue, self._workers_done_event,
                      self._base_seed, i, self._num_workers))
            worker.daemon = True
            worker.start()
            self._index_queues.append(index_queue)
            self._workers.append(worker)
        self._data_queue = self._worker_result_queue
        self._reset(loader, first_iter=True)

    def _reset(self, loader, first_iter=False):
        super()._reset(loader, first_iter)
        self._send_idx = 0
        self._rcvd_idx = 0
        self._task_info = {}
        self._tasks_outstanding = 0
        self._workers_status = [True] * self._num_workers
        self._worker_queue_idx_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            for index_queue in self._index_queues:
                index_queue.put(_ResumeIteration())
            remaining = self._num_workers
            while remaining > 0:
                return_idx, _ = self._get_data()
                if isinstance(return_idx, _ResumeIteration):
                    remaining -= 1
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _get_data(self):
        while True:
            try:
                return self._data_queue.get(timeout=STATUS_CHECK_INTERVAL)
            except queue.Empty:
                dead = [w.pid for i, w in enumerate(self._workers)
                        if self._workers_status[i] and not w.is_alive()]
                if dead:
                    raise RuntimeError(
                        f"DataLoader worker (pid(s) {dead}) exited unexpectedly"
                    ) from None

    def _next_data(self):
        while True:
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx, None)
                if info:
                    worker_id = info[0]
                    if len(info) == 2 or self._workers_status[worker_id]:
                        break
                    del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
            else:
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration
            if len(self._task_info[self._rcvd_idx]) == 2:
                worker_id, data = self._task_info.pop(self._rcvd_idx)
                self._rcvd_idx += 1
                return self._process_data(data)
            idx, data = self._get_data()
            self._tasks_outstanding -= 1
            if self._dataset_kind == _ITERABLE and isinstance(
                    data, _IterableDatasetStopIteration):
                if self._persistent_workers:
                    self._workers_status[data.worker_id] = False
                else:
                    self._mark_worker_as_unavailable(data.worker_id)
                self._try_put_index()
                continue
            if idx != self._rcvd_idx:
                self._task_info[idx] += (data,)
            else:
                del self._task_info[idx]
                self._rcvd_idx += 1
                return self._process_data(data)

    def _try_put_index(self):
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):  # the next active worker, if any
            worker_queue_idx = next(self._worker_queue_idx_cycle)
            if self._workers_status[worker_queue_idx]:
                break
        else:
            return
        self._index_queues[worker_queue_idx].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker_queue_idx,)
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _process_data(self, data):
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return data

    def _mark_worker_as_unavailable(self, worker_id, shutdown=False):
        self._index_queues[worker_id].put(None)
        self._workers_status[worker_id] = False

    def _shutdown_workers(self):
        if getattr(self, "_shutdown", True):
            return
        self._shutdown = True
        self._workers_done_event.set()
        for worker_id in range(len(self._workers)):
            if self._persistent_workers or self._workers_status[worker_id]:
                self._mark_worker_as_unavailable(worker_id, shutdown=True)
        for worker in self._workers:
            worker.join(timeout=STATUS_CHECK_INTERVAL)
        for index_queue in self._index_queues:
            index_queue.cancel_join_thread()
            index_queue.close()
        for worker in self._workers:
            if worker.is_alive():
                worker.terminate()
                worker.join(timeout=STATUS_CHECK_INTERVAL)

    def __del__(self):
        self._shutdown_workers()


def modules():
    """Module objects ``torch``, ``torch.utils`` and ``torch.utils.data`` made of
    this stand-in, to be put in ``sys.modules`` (the flow looks there)."""
    data = types.ModuleType("torch.utils.data")
    for name in ("DataLoader", "Dataset", "IterableDataset", "WorkerInfo",
                 "get_worker_info"):
        setattr(data, name, globals()[name])
    utils = types.ModuleType("torch.utils")
    utils.data = data
    torch = types.ModuleType("torch")
    torch.utils = utils
    torch.Generator = Generator
    torch.manual_seed = manual_seed
    # Libraries that look for torch arrays (scipy's and scikit-learn's array API
    # helpers) test ``isinstance(x, sys.modules["torch"].Tensor)``.
    torch.Tensor = type("Tensor", (), {"__module__": "torch"})
    torch.__stand_in__ = True
    return {"torch": torch, "torch.utils": utils, "torch.utils.data": data}


# In a worker process that multiprocessing spawned (not forked), torch is imported
# when the worker's target is unpickled; this module stands in for it there too.
# (The process has its name by then; parent_process() is set only after.)
if (multiprocessing.current_process().name != "MainProcess"
        and "torch" not in sys.modules):
    sys.modules.update(modules())
