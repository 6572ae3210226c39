"""The flow protocol: augmented batches for training loops, drawn afresh every epoch.

A flow is one object that the common ways of feeding a training loop all accept:

- an iterable: every ``for`` over it is a new epoch;
- an iterator: ``next(flow)`` gives the next batch, forever, epoch after epoch, as
  Keras' ``ImageDataGenerator.flow`` does;
- a sequence of batches: ``flow[i]`` is batch ``i`` of the current epoch,
  ``len(flow)`` the number of batches and ``on_epoch_end()`` starts the next epoch,
  as ``keras.utils.PyDataset`` defines them. When Keras is imported, the flow *is*
  a ``PyDataset`` (its class is composed with Keras' then), so ``model.fit`` takes
  it as it is;
- when torch is imported, a ``torch.utils.data.IterableDataset``: in each worker of
  a ``DataLoader``, iterating the flow yields only that worker's share of the
  epoch (``torch.utils.data.get_worker_info``).

Neither Keras nor torch is ever imported here: a flow is composed with their base
classes only when the user has imported them already (``sys.modules``).

Every batch is a pure function of the flow's seed, an *epoch key* and the batch
index: the rows of epoch ``k`` come from one random order drawn from the key, and
batch ``i``'s augmentation (and mixing) from a generator spawned from the key and
``i``. So batches can be made in any order, on any thread or process, and the
same key gives the same bytes. DataLoader workers number their epochs with
counters in memory shared with the process that made the flow, because a worker
re-created for each epoch (``persistent_workers=False``) starts from a copy of
the flow that never saw the earlier epochs; torch's own seeds play no part, so
``random_state`` alone reproduces a run.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import atexit
import ctypes
import importlib
import multiprocessing
import multiprocessing.context
import numbers
import operator
import queue
import sys
import threading
import types

import numpy as np
from sklearn.base import clone
from sklearn.utils import assert_all_finite
from sklearn.utils.multiclass import check_classification_targets, type_of_target

from ._dask import check_dask_samples, compute, is_dask_array
from ._readers import ImageFileSequence, warn_skipped
from .operations import Operation
from .utils._layout import to_canonical
from .utils._memory import check_allocation
from .utils._random import make_generator
from .utils._sampling import balanced_table, class_labels
from .utils._validation import check_finite_samples, validate_samples

# Spawn keys: an epoch key is (_IN_PROCESS, epoch) or (_IN_TORCH_WORKER, epoch);
# the order of an epoch and each batch get their own child.
_IN_PROCESS, _IN_TORCH_WORKER = 0, 1
# DataLoader workers count their epochs in shared memory, one counter for each
# (num_workers, worker id): 2,080 counters of 8 bytes for up to 64 workers.
_MAX_TORCH_WORKERS = 64
_ORDER, _BATCH = 0, 1
# How long a prefetch thread waits on a full queue before checking for a stop.
_POLL_SECONDS = 0.05


class ArrayFlow:
    """Augmented batches for a training loop, drawn afresh every epoch.

    Returned by :meth:`ArrayAugmenter.flow` and :meth:`Compose.flow` (and their
    ``flow_from_directory`` and ``flow_from_dataframe``, over image files); not
    made directly. Only the rows of the batch at hand are read from ``X`` and
    augmented, so ``X`` may be a memmap, or a folder of files, larger than memory.

    - ``for batch in flow``: one epoch; every ``for`` is a new epoch.
    - ``next(flow)``: the next batch, forever (epoch after epoch).
    - ``flow[i]``, ``len(flow)``, ``on_epoch_end()``: batch ``i`` of the current
      epoch, the number of batches, the start of the next epoch
      (``keras.utils.PyDataset``'s protocol; ``model.fit`` uses it).
    - ``torch.utils.data.DataLoader(flow, batch_size=None, num_workers=k)``: each
      worker yields its own share of every epoch.

    A batch is ``X_batch``, ``(X_batch, y_batch)`` or ``(X_batch, y_batch,
    w_batch)``, as Keras reads them.

    Attributes
    ----------
    X : ndarray
        The samples as validated (a memmap stays a memmap: it is not copied).
    y : ndarray or None
        The targets as given.
    batch_size, shuffle, balance, drop_last, prefetch : as given to ``flow``.
    mix : MixUp, CutMix or None
        A copy of the mixing operation.
    classes : ndarray or None
        With ``mix``, the class of each column of the soft labels; over image
        files (``flow_from_directory``), the class of each file, Keras' meaning.
    mix_classes : ndarray or None
        With ``mix``, the class of each column of the soft labels.
    skipped_filenames : list of str
        Image files left out because they cannot be read, met in this process
        (DataLoader workers report theirs in their own warnings).
    """

    # Whether the class is composed with torch's IterableDataset (set there).
    _torch_iterable = False

    def __init__(self, augmenter, X, y=None, *, batch_size=32, shuffle=True,
                 balance=False, random_state=None, sample_weight=None,
                 drop_last=False, prefetch=0, mix=None, classes=None,
                 skipped_filenames=()):
        if not (isinstance(batch_size, numbers.Integral)
                and not isinstance(batch_size, bool) and batch_size >= 1):
            raise ValueError(f"batch_size must be an int >= 1, got {batch_size!r}.")
        for name, value in (("shuffle", shuffle), ("balance", balance),
                            ("drop_last", drop_last)):
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {value!r}.")
        if not (isinstance(prefetch, numbers.Integral)
                and not isinstance(prefetch, bool) and prefetch >= 0):
            raise ValueError(
                "prefetch must be an int >= 0 (the number of batches prepared ahead "
                f"in a background thread; 0 prepares none), got {prefetch!r}."
            )
        # A copy of the augmenter: setting the original's parameters later cannot
        # change, unchecked, what this flow draws.
        augmenter = clone(augmenter)
        # The checks of augment(): a memmap is neither copied nor loaded, only read
        # once for NaN (a float sum, no mask of its size). Image files
        # (flow_from_directory) are read batch by batch, integers, never NaN; a
        # dask array is computed batch by batch too, its values checked there.
        if is_dask_array(X):
            X = check_dask_samples(X)
        elif not isinstance(X, ImageFileSequence):
            X = validate_samples(None, X)
        plan = augmenter.make_plan(X.shape, X.dtype)
        n_samples = X.shape[0]
        if y is not None:
            y = np.asarray(y)
            if y.ndim == 0 or y.shape[0] != n_samples:
                raise ValueError(
                    f"y has shape {y.shape} but X has {n_samples} rows; y needs one "
                    "row per sample of X."
                )
            assert_all_finite(y, input_name="y")
        sample_weight = _check_sample_weight(sample_weight, y, n_samples)
        balance_labels = None
        if balance:
            if y is None:
                raise ValueError("balance=True needs class labels: pass y.")
            balance_labels = _labels_to_balance(y)
            _, counts = np.unique(balance_labels, return_counts=True)
            if len(counts) < 2:
                raise ValueError("balance=True needs at least two classes in y.")
        n_per_epoch = len(counts) * int(counts.max()) if balance else n_samples

        mix_context, soft_labels, codes = None, None, None
        if mix is None:
            if classes is not None:
                raise ValueError(
                    "classes= names the columns of the soft labels that mix= makes; "
                    "without mix= the labels are returned as given. Drop classes= "
                    "or pass mix=MixUp() / mix=CutMix()."
                )
        else:
            if not (isinstance(mix, Operation) and getattr(mix, "mixes_labels",
                                                           False)):
                raise TypeError(
                    "mix must be an operation that mixes samples and labels, "
                    f"MixUp(...) or CutMix(...); got {mix!r}."
                )
            if y is None:
                raise ValueError(
                    f"mix={type(mix).__name__}(...) mixes labels too: pass y (class "
                    "labels, or one-hot rows)."
                )
            mix = clone(mix)
            mix_context = mix.resolve(plan.layout, X.dtype, "mix")
            classes, soft_labels, codes = _mix_targets(y, classes, type(mix).__name__)

        self.augmenter = augmenter
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.balance = bool(balance)
        self.drop_last = bool(drop_last)
        self.prefetch = int(prefetch)
        self.mix = mix
        self.classes = self.mix_classes = classes
        n_batches = (n_per_epoch // self.batch_size if self.drop_last
                     else -(-n_per_epoch // self.batch_size))
        if n_batches == 0:
            raise ValueError(
                f"drop_last=True drops every row: an epoch has {n_per_epoch} rows, "
                f"fewer than batch_size={self.batch_size}. Lower batch_size or pass "
                "drop_last=False."
            )
        # One seed for the flow: every epoch key and batch index spawns from it,
        # so an int random_state reproduces every epoch, and epochs differ.
        entropy = [int(v) for v in
                   make_generator(random_state).integers(0, 2**63, size=4)]
        self._source = _BatchSource(
            plan, X, y, sample_weight, balance_labels=balance_labels,
            entropy=entropy, batch_size=self.batch_size,
            n_batches=n_batches, shuffle=self.shuffle, balance=self.balance,
            mix=mix, mix_context=mix_context, soft_labels=soft_labels, codes=codes,
            n_classes=None if classes is None and soft_labels is None else (
                len(classes) if classes is not None else soft_labels.shape[1]))
        # Files already left out (a DataFrame's missing paths): reported with
        # those met when reading.
        self._source.skipped.update((name, "not read") for name in skipped_filenames)
        self._epochs = _EpochCounter()
        # Made here, in the process that hands the flow to DataLoader workers: the
        # workers inherit it when torch starts them (fork) or receive it then
        # (spawn, forkserver); nothing of the flow is called in between.
        self._worker_epochs = _WorkerEpochs() if self._torch_iterable else None
        self._stream = None
        # keras.utils.PyDataset's options, read by model.fit when the flow is one:
        # batches are made on the calling thread (prefetch applies to iteration).
        self._workers = 1
        self._use_multiprocessing = False
        self._max_queue_size = 10
        # A batch is read from X, then augmented into a second array of its size.
        sample_nbytes = int(np.prod(X.shape[1:])) * X.dtype.itemsize
        check_allocation(2 * min(self.batch_size, n_per_epoch) * sample_nbytes,
                         "a batch of flow()", "Lower batch_size.")

    @property
    def X(self):
        """The samples, as validated (a memmap stays a memmap)."""
        return self._source.X

    @property
    def y(self):
        """The targets as given (None without)."""
        return self._source.y

    @property
    def skipped_filenames(self):
        """Image files left out because they cannot be read (flows over files
        with ``on_error="skip"``), in the order they were met: files are read
        when their batch is made, so the list grows as epochs run. Empty for
        arrays."""
        return self._source.skipped_names()

    # The sequence protocol (keras.utils.PyDataset) -------------------------------

    def __len__(self):
        """Number of batches in one epoch."""
        return self._source.n_batches

    def __getitem__(self, index):
        """Batch ``index`` of the current epoch (see :meth:`on_epoch_end`)."""
        try:
            index = operator.index(index)
        except TypeError:
            raise TypeError(
                f"A flow is indexed by batch number (an int), got {index!r}."
            ) from None
        n_batches = self._source.n_batches
        if not -n_batches <= index < n_batches:
            raise IndexError(
                f"Batch {index} is out of range: an epoch has {n_batches} batches."
            )
        if not self._torch_iterable and _torch_worker_info() is not None:
            raise RuntimeError(_MADE_BEFORE_TORCH)
        key = (_IN_PROCESS, self._epochs.current)
        return self._source.batch(key, index % n_batches)

    def on_epoch_begin(self):
        """Called by Keras at the start of an epoch; nothing to do."""

    def on_epoch_end(self):
        """Start the next epoch: ``flow[i]`` then gives batches of new draws."""
        self._epochs.claim()

    # The iterable and iterator protocols -----------------------------------------

    def __iter__(self):
        """One epoch of batches (its share only, in a torch DataLoader worker)."""
        n_batches = self._source.n_batches
        info = _torch_worker_info()
        if info is None:
            key = (_IN_PROCESS, self._epochs.claim())
            indices = range(n_batches)
        else:
            if self._worker_epochs is None:
                raise RuntimeError(_MADE_BEFORE_TORCH)
            # Every worker iterates its copy of the flow once per epoch, and the
            # next epoch starts only when all have finished theirs: the workers'
            # shared counters agree on the epoch, whatever torch's seeds are.
            worker_id, num_workers = int(info.id), int(info.num_workers)
            epoch = self._worker_epochs.claim(worker_id, num_workers)
            key = (_IN_TORCH_WORKER, epoch)
            indices = range(worker_id, n_batches, num_workers)
        return _epoch_batches(self._source, key, indices, self.prefetch)

    def __next__(self):
        """The next batch, forever: epoch after epoch, as Keras' flows do."""
        if self._stream is None:
            self._stream = _endless(self._source, self._epochs, self.prefetch)
        return next(self._stream)

    # Copies and pickles (DataLoader workers, Keras' multiprocessing) -------------

    def __reduce__(self):
        state = {k: v for k, v in self.__dict__.items() if k != "_stream"}
        state["_stream"] = None
        return _rebuild_flow, (_framework_names(type(self)), state)

    def __repr__(self):
        return (f"ArrayFlow(batches={len(self)}, batch_size={self.batch_size}, "
                f"epoch={self._epochs.current})")


_MADE_BEFORE_TORCH = (
    "A torch DataLoader worker is reading this flow: the flow was made before "
    "torch was imported, so it is not a torch IterableDataset and its workers "
    "cannot tell one epoch from the next. Make the flow after `import torch` "
    "(then each worker iterates its own share of every epoch)."
)


def _labels_to_balance(y):
    """1-D class labels of ``y``: labels as given, or the column of each one-hot
    row (Keras' categorical targets)."""
    if y.ndim == 2 and y.shape[1] > 1:
        one_hot = (y.dtype.kind in "biuf" and np.all((y == 0) | (y == 1))
                   and np.all(y.sum(axis=1) == 1))
        if not one_hot:
            raise ValueError(
                f"balance=True needs one class label per sample (or one-hot rows), "
                f"got y of shape {y.shape} whose rows are not one-hot."
            )
        return np.argmax(y, axis=1)
    check_classification_targets(y)
    return class_labels(y)


def _check_sample_weight(sample_weight, y, n_samples):
    if sample_weight is None:
        return None
    if y is None:
        raise ValueError(
            "sample_weight needs y: batches become (X_batch, y_batch, w_batch), as "
            "Keras reads them."
        )
    weights = np.asarray(sample_weight)
    if weights.shape != (n_samples,) or weights.dtype.kind not in "biuf":
        raise ValueError(
            f"sample_weight must hold one number per sample of X ({n_samples}), got "
            f"an array of shape {weights.shape} and dtype {weights.dtype}."
        )
    assert_all_finite(weights, input_name="sample_weight")
    return weights


def _mix_targets(y, classes, mix_name):
    """Classes, soft-label rows (2-D y) or class codes (1-D y) for mixing."""
    if y.ndim == 2 and y.shape[1] > 1:
        if classes is not None:
            raise ValueError(
                f"y already has one column per class ({y.shape[1]}); classes= is for "
                "1-D class labels. Drop classes=."
            )
        rows = y.astype(np.float64) if y.dtype.kind in "biuf" else None
        if rows is None or rows.min() < 0 or not np.allclose(rows.sum(axis=1), 1,
                                                             atol=1e-6):
            raise ValueError(
                f"mix={mix_name}(...) with a 2-D y needs one-hot rows (or "
                "probabilities), non-negative and summing to 1 per row; pass class "
                "labels as a 1-D y otherwise."
            )
        return None, y.astype(np.float32), None
    target = type_of_target(y)
    if target.startswith("continuous"):
        raise ValueError(
            f"mix={mix_name}(...) mixes class labels into one-hot soft labels, but y "
            f"is continuous (type_of_target(y)={target!r}). MixUp and CutMix need "
            "class labels (or one-hot rows)."
        )
    labels = class_labels(y)
    check_classification_targets(labels)
    if classes is None:
        classes = np.unique(labels)
    else:
        classes = np.asarray(classes)
        if classes.ndim != 1 or len(np.unique(classes)) != len(classes):
            raise ValueError(
                f"classes must be a 1-D list of distinct labels, got {classes!r}."
            )
    sorter = np.argsort(classes, kind="stable")
    position = np.searchsorted(classes, labels, sorter=sorter)
    codes = sorter[np.minimum(position, len(classes) - 1)]
    unknown = classes[codes] != labels
    if np.any(unknown):
        raise ValueError(
            f"y holds labels missing from classes: {np.unique(labels[unknown])[:10]}. "
            "Pass every class in classes= (or leave it None to take them from y)."
        )
    return classes, None, codes.astype(np.intp)


class _EpochCounter:
    """Epoch numbers handed out one at a time; thread-safe; pickles its value."""

    def __init__(self):
        self._value = 0
        self._lock = threading.Lock()

    @property
    def current(self):
        return self._value

    def claim(self):
        """The current epoch number, and move on to the next."""
        with self._lock:
            value = self._value
            self._value += 1
        return value

    def __getstate__(self):
        return {"_value": self._value}

    def __setstate__(self, state):
        self._value = state["_value"]
        self._lock = threading.Lock()


class _WorkerEpochs:
    """Epoch numbers of torch DataLoader workers, in memory shared with them.

    Worker ``w`` of ``k`` counts the epochs it has iterated in a counter of its
    own, for ``(k, w)``: torch starts every worker's iterator for the next epoch
    only once the current epoch is over, whether it keeps its workers
    (``persistent_workers=True``) or starts new ones from a copy of the flow, so
    the ``k`` workers of an epoch read the same number. Only that worker writes
    its counter, so no lock between processes is needed (none that would tie the
    flow to one multiprocessing start method either); a lock guards the threads
    of one process. A ``DataLoader`` with another ``num_workers`` numbers its
    epochs from the first again, with the same draws.

    Pickled for a process that multiprocessing starts (spawn, forkserver), the
    memory stays shared; pickled otherwise (to a file, ``copy.deepcopy``), the
    counts are copied into new memory.
    """

    _n_counters = _MAX_TORCH_WORKERS * (_MAX_TORCH_WORKERS + 1) // 2

    def __init__(self, counts=None):
        self._counts = multiprocessing.RawArray(ctypes.c_int64, self._n_counters)
        for counter, count in (counts or {}).items():
            self._counts[counter] = count
        self._lock = threading.Lock()

    def claim(self, worker_id, num_workers):
        """The epoch worker ``worker_id`` of ``num_workers`` starts now."""
        if num_workers > _MAX_TORCH_WORKERS:
            raise RuntimeError(
                f"A flow feeds DataLoaders of at most {_MAX_TORCH_WORKERS} workers; "
                f"this one has num_workers={num_workers}."
            )
        counter = num_workers * (num_workers - 1) // 2 + worker_id
        with self._lock:
            epoch = self._counts[counter]
            self._counts[counter] = epoch + 1
        return epoch

    def __reduce__(self):
        if multiprocessing.context.get_spawning_popen() is not None:
            return _shared_worker_epochs, (self._counts,)
        counts = {i: count for i, count in enumerate(self._counts) if count}
        return _WorkerEpochs, (counts,)


def _shared_worker_epochs(counts):
    """Unpickle, in a process multiprocessing started, the counters it shares."""
    epochs = _WorkerEpochs.__new__(_WorkerEpochs)
    epochs._counts = counts
    epochs._lock = threading.Lock()
    return epochs


class _BatchSource:
    """What a batch depends on, and nothing that refers to a flow or an iterator:
    a prefetch thread that holds it never keeps a flow alive."""

    def __init__(self, plan, X, y, sample_weight, *, balance_labels, entropy,
                 batch_size,
                 n_batches, shuffle, balance, mix, mix_context, soft_labels, codes,
                 n_classes):
        self.plan = plan
        self.X = X
        self.y = y
        self.sample_weight = sample_weight
        self.balance_labels = balance_labels
        self.entropy = entropy
        self.batch_size = batch_size
        self.n_batches = n_batches
        self.shuffle = shuffle
        self.balance = balance
        self.mix = mix
        self.mix_context = mix_context
        self.soft_labels = soft_labels
        self.codes = codes
        self.n_classes = n_classes
        self._orders = {}
        self._lock = threading.Lock()
        self.skipped = {}  # unreadable files met so far: filename -> reason

    def __getstate__(self):
        state = self.__dict__.copy()
        del state["_lock"], state["_orders"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._orders = {}
        self._lock = threading.Lock()

    def _generator(self, *spawn_key):
        return np.random.default_rng(
            np.random.SeedSequence(self.entropy, spawn_key=spawn_key))

    def order(self, key):
        """The rows of the epoch of ``key``, in the order they are batched."""
        with self._lock:
            order = self._orders.get(key)
        if order is not None:
            return order
        rng = self._generator(*key, _ORDER)
        if self.balance:
            # Classes interleaved row by row of the table: every batch is
            # balanced, not only the epoch.
            table = balanced_table(self.balance_labels, rng)
            if self.shuffle:
                table = rng.permuted(rng.permuted(table, axis=0), axis=1)
            order = table.ravel()
        elif self.shuffle:
            order = rng.permutation(self.X.shape[0])
        else:
            order = np.arange(self.X.shape[0])
        with self._lock:
            self._orders[key] = order
            while len(self._orders) > 4:  # epochs in flight: a few at most
                del self._orders[next(iter(self._orders))]
        return order

    def batch(self, key, index):
        """Batch ``index`` of the epoch of ``key``: always the same bytes."""
        start = index * self.batch_size
        rows = self.order(key)[start:start + self.batch_size]
        rng = self._generator(*key, _BATCH, index)
        if isinstance(self.X, ImageFileSequence):
            # Only this batch's files are read; unreadable ones raise, or are left
            # out of the batch (with their labels) and reported once each.
            read = self.X.read(rows)
            if read.skipped:
                self._report_skipped(read.skipped)
                if not len(read.indices):  # never an empty batch
                    names = [name for _, name, _ in read.skipped]
                    raise ValueError(
                        f"Batch {index} has no readable image: its {len(names)} "
                        f"files cannot be read ({names[:5]}). Remove them, or "
                        "use a larger batch_size."
                    )
                rows = read.indices
            batch = read.images
        elif is_dask_array(self.X):
            # Only the chunks that hold the batch's rows are computed (whole:
            # shuffled batches read many chunks, see the flow's docstring).
            (batch,) = compute(self.X[rows])
            check_finite_samples(batch, row_index=rows)
        else:
            batch = np.asarray(self.X[rows])
        out = np.empty_like(batch)
        local = np.arange(len(rows))
        self.plan.apply(batch, local, out, local, self.plan.draw(len(rows), rng))
        if self.y is None:
            return out
        y = self.y[rows]
        weights = None if self.sample_weight is None else self.sample_weight[rows]
        if self.mix is not None:
            if self.codes is not None:
                labels = np.zeros((len(rows), self.n_classes), dtype=np.float32)
                labels[local, self.codes[rows]] = 1.0
            else:
                labels = self.soft_labels[rows]
            if weights is not None:  # mixed in the same proportions as labels
                labels = np.column_stack([labels, weights])
            draws = self.mix.draw(len(rows), rng, self.mix_context)
            view = to_canonical(out, self.plan.layout)
            view[...], labels = self.mix.mix(view, labels, draws, self.mix_context)
            if weights is not None:
                labels, weights = labels[:, :-1], labels[:, -1]
            y = labels.astype(np.float32, copy=False)
        return (out, y) if weights is None else (out, y, weights)

    def skipped_names(self):
        """The unreadable files met so far (a copy: a prefetch thread may add)."""
        with self._lock:
            return list(self.skipped)

    def _report_skipped(self, skipped):
        with self._lock:
            new = [item for item in skipped if item[1] not in self.skipped]
            self.skipped.update((name, reason) for _, name, reason in new)
        if new:
            warn_skipped(new, len(self.X))


def _epoch_batches(source, key, indices, prefetch):
    """The batches ``indices`` of the epoch of ``key``, made here or ahead in a
    thread."""
    if prefetch:
        yield from _prefetched(source, key, indices, prefetch)
    else:
        for index in indices:
            yield source.batch(key, index)


def _endless(source, epochs, prefetch):
    """Epoch after epoch; each epoch is claimed when the consumer reaches it, so
    the numbering does not depend on how far a thread has run ahead."""
    while True:
        key = (_IN_PROCESS, epochs.claim())
        yield from _epoch_batches(source, key, range(source.n_batches), prefetch)


def _prefetched(source, key, indices, depth):
    """Yield the batches made by a background thread, at most ``depth`` ahead.

    The thread holds the source, the queue and the stop flag, never this
    generator, so dropping the generator (``break``, ``close()``, garbage
    collection) runs the ``finally`` below, which stops the thread and waits
    for it. An exception in the thread is raised here, with its traceback.
    """
    batches = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item):
        while not stop.is_set():
            try:
                batches.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        try:
            for index in indices:
                if stop.is_set() or not put(("batch", source.batch(key, index))):
                    return
            put(("end", None))
        except BaseException as exc:  # handed to the consumer, which raises it
            put(("error", exc))

    thread = threading.Thread(target=produce, name="sklearn_dlprep-flow-prefetch",
                              daemon=True)
    running = (stop, thread)
    with _RUNNING_LOCK:
        _RUNNING.add(running)
    thread.start()
    try:
        while True:
            kind, value = batches.get()
            if kind == "batch":
                yield value
            elif kind == "end":
                return
            else:
                raise value
    finally:
        stop.set()
        while True:  # unblock a thread waiting to put
            try:
                batches.get_nowait()
            except queue.Empty:
                break
        thread.join()
        with _RUNNING_LOCK:
            _RUNNING.discard(running)


# Prefetch threads alive now. A flow still read with next() when the interpreter
# exits keeps its thread; a daemon thread killed inside OpenCV's C++ code aborts
# the process ("terminate called without an active exception"), so they are
# stopped and joined at exit, before daemon threads are killed.
_RUNNING = set()
_RUNNING_LOCK = threading.Lock()


@atexit.register
def _stop_prefetch_threads():
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for stop, _ in running:
        stop.set()
    for _, thread in running:
        thread.join()


def _torch_worker_info():
    """torch's ``get_worker_info()`` if torch is imported, else None (never
    imports torch)."""
    data = sys.modules.get("torch.utils.data")
    get_worker_info = getattr(data, "get_worker_info", None)
    return None if get_worker_info is None else get_worker_info()


# Flow classes composed with the frameworks' base classes -------------------------

_COMPOSED = {}


def _framework_bases():
    """``keras.utils.PyDataset`` and ``torch.utils.data.IterableDataset``, for
    the frameworks the user has already imported."""
    bases = []
    if "keras" in sys.modules:
        try:
            bases.append(importlib.import_module("keras.utils").PyDataset)
        except (ImportError, AttributeError):
            pass
    if "torch" in sys.modules:
        try:
            bases.append(importlib.import_module("torch.utils.data").IterableDataset)
        except (ImportError, AttributeError):
            pass
    return tuple(bases)


def _framework_names(cls):
    return tuple(name for name in ("keras", "torch")
                 if any(base.__module__.split(".")[0] == name
                        for base in cls.__mro__[1:]))


def _flow_class(bases):
    """ArrayFlow, or a class of that name that also derives from ``bases``."""
    if not bases:
        return ArrayFlow
    cls = _COMPOSED.get(bases)
    if cls is None:
        torch_iterable = any(base.__name__ == "IterableDataset" for base in bases)

        def body(namespace):
            namespace.update({"__module__": __name__, "__qualname__": "ArrayFlow",
                              "__doc__": ArrayFlow.__doc__,
                              "_torch_iterable": torch_iterable})

        cls = _COMPOSED[bases] = types.new_class("ArrayFlow", (ArrayFlow, *bases),
                                                 exec_body=body)
    return cls


def _rebuild_flow(names, state):
    """Unpickle a flow: the same composition, in the process that loads it."""
    bases = []
    if "keras" in names:
        bases.append(importlib.import_module("keras.utils").PyDataset)
    if "torch" in names:
        bases.append(importlib.import_module("torch.utils.data").IterableDataset)
    cls = _flow_class(tuple(bases))
    flow = cls.__new__(cls)
    flow.__dict__.update(state)
    if "_worker_epochs" not in state:  # pickled by a version without it
        flow._worker_epochs = _WorkerEpochs() if cls._torch_iterable else None
    return flow


def make_flow(augmenter, X, y=None, **params):
    """A flow over ``X``, composed with the base classes of the frameworks (Keras,
    torch) already imported, so that they accept it as it is."""
    cls = _flow_class(_framework_bases())
    return cls(augmenter, X, y, **params)
