"""What every augmenter of the package shares: the sampler API over an engine plan.

An augmenter is a set of parameters that resolves, for the data at hand, into an
engine plan (``make_plan``). Everything else — ``fit_resample``, ``augment``,
``sample_params``, ``apply_params``, ``flow`` — is written once here in terms of
that plan, so ``ArrayAugmenter`` (Keras' ``ImageDataGenerator`` parameters) and
``Compose`` (a list of operations) differ only in how they build it.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import copy

import numpy as np
from imblearn.base import BaseSampler
from sklearn.utils.multiclass import type_of_target

from ._dask import (
    apply_params_dask,
    augment_dask,
    augment_rows,
    check_dask_fit_data,
    draw_rows,
    is_dask_array,
    like_targets,
)
from .utils._containers import ResampledContainer, like_input
from .utils._memory import check_allocation
from .utils._random import make_generator
from .utils._validation import validate_samples


class BaseAugmenter(BaseSampler):
    """Base class of the augmenters: the sampler API over an engine plan.

    Subclasses implement ``make_plan(X_shape, dtype)`` and
    ``check_draws(params, n_samples, plan)``; they have the parameters
    ``n_copies``, ``keep_original``, ``shuffle`` and ``random_state``.
    """

    _sampling_type = "bypass"

    def fit(self, X, y):
        """Validate ``X`` and ``y`` and the parameters; augmentation needs no fit.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or \
                (n_samples, *sample_shape)
            Samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets: class labels or continuous values.

        Returns
        -------
        self : object
            The validated augmenter.
        """
        X, y = self._validate_fit_data(X, y)
        self.make_plan(X.shape, X.dtype)
        self.sampling_strategy_ = self._strategy_report(y)
        return self

    def fit_resample(self, X, y):
        """Return the original samples followed by ``n_copies`` augmented copies.

        Parameters
        ----------
        X : {array-like, DataFrame, dask array} of shape (n_samples, n_features) \
                or (n_samples, *sample_shape)
            Samples. Scipy sparse matrices are refused. A dask array must be
            chunked along the rows only.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets: class labels or continuous values; they follow their rows.
            A dask array is computed (targets are small).

        Returns
        -------
        X_resampled : {ndarray, DataFrame, list, dask array}
            ``n_samples * (n_copies + keep_original)`` samples, in the layout,
            dtype and container of ``X``. A dask ``X`` gives a lazy dask array
            (``sample_indices_`` is computed at once) equal, for an int
            ``random_state``, to the in-memory result.
        y_resampled : {ndarray, Series, DataFrame, list, dask array}
            The targets of the returned rows, in the container of ``y`` (a dask
            array chunked like ``X_resampled`` for a dask ``y``).
        """
        # imbalanced-learn's fit_resample would refuse a continuous or single-class
        # y, which augmentation preserves (API.md, Conformance): the containers
        # are wrapped here instead.
        container = ResampledContainer(X, y)
        y_given = y
        X, y = self._validate_fit_data(X, y)
        X_res, y_res = container.wrap(*self._fit_resample(X, y))
        return X_res, like_targets(y_res, y_given, X_res)

    def _fit_resample(self, X, y):
        plan = self.make_plan(X.shape, X.dtype)
        rng = make_generator(self.random_state)

        n_samples = X.shape[0]
        n_kept = n_samples if self.keep_original else 0
        n_augmented = n_samples * self.n_copies
        n_out = n_kept + n_augmented
        if is_dask_array(X):
            # The same draws as in memory, made up front (unless too many: see
            # _dask), then the rows lazily.
            source = np.concatenate([np.arange(n_kept),
                                     np.tile(np.arange(n_samples), self.n_copies)])
            draws = draw_rows(plan, n_augmented, rng)
            position = (rng.permutation(n_out) if self.shuffle
                        else np.arange(n_out))
            sample_indices = np.empty(n_out, dtype=np.intp)
            sample_indices[position] = source
            out = augment_rows(X, plan, draws, sample_indices, position[n_kept:])
            self.sample_indices_ = sample_indices
            self.sampling_strategy_ = self._strategy_report(y)
            return out, y[sample_indices]

        # Everything the call holds at once: the output, its labels, the
        # sample_indices_ (and the permutation when shuffling), and the draws,
        # maps and float copies of one block of rows.
        index_bytes = np.dtype(np.intp).itemsize
        per_row = X[:1].nbytes + y[:1].nbytes + index_bytes * (1 + self.shuffle)
        check_allocation(
            n_out * per_row + plan.temporary_bytes(n_augmented, X[:1].nbytes),
            "fit_resample (output, labels, sample_indices_ and working memory)",
            "Lower n_copies, or use flow() to augment batch by batch.")

        position = None
        if self.shuffle:
            # The permutation comes after the draws in the random stream: draw
            # them once (block by block, kept nowhere) to reach it, then again
            # from a copy of the generator while applying them.
            replay = copy.deepcopy(rng)
            for _ in plan.draw_blocks(n_augmented, rng):
                pass
            position = rng.permutation(n_out)
            rng = replay

        out = np.empty((n_out,) + X.shape[1:], dtype=X.dtype)
        sample_indices = np.empty(n_out, dtype=np.intp)
        kept = np.arange(n_kept)
        kept_at = kept if position is None else position[:n_kept]
        out[kept_at] = X[:n_kept]
        sample_indices[kept_at] = kept
        for rows, draws in plan.draw_blocks(n_augmented, rng):
            source = np.arange(rows.start, rows.stop) % n_samples
            target = (np.arange(n_kept + rows.start, n_kept + rows.stop)
                      if position is None
                      else position[n_kept + rows.start:n_kept + rows.stop])
            plan.apply(X, source, out, target, draws)
            sample_indices[target] = source

        self.sample_indices_ = sample_indices
        self.sampling_strategy_ = self._strategy_report(y)
        return out, y[sample_indices]

    def sample_params(self, X, random_state=None):
        """Draw one set of random transform values per sample of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *sample_shape)
            Only its shape is read: the number of samples, and the sizes that turn
            fractional shifts into pixels.
        random_state : int, RandomState instance, Generator or None, default=None
            Seeds this draw; ``None`` uses the estimator's ``random_state``.

        Returns
        -------
        params : dict
            Arrays of length ``n_samples`` under Keras' key names ``theta``,
            ``tx``, ``ty``, ``shear``, ``zx``, ``zy``, ``flip_horizontal``,
            ``flip_vertical``, ``channel_shift_intensity``, ``brightness`` (``None``
            when not enabled, as in Keras), plus ``noise_std`` and ``noise_seed``
            (``None`` without noise). ``tx`` moves content along the columns and
            ``ty`` along the rows, in pixels.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_dlprep import ArrayAugmenter
        >>> X = np.zeros((3, 10, 20))
        >>> params = ArrayAugmenter(width_shift_range=0.5).sample_params(X, 0)
        >>> bool(np.all(np.abs(params["tx"]) <= 10)), params["ty"].tolist()
        (True, [0.0, 0.0, 0.0])
        """
        plan = self.make_plan(np.shape(X), getattr(X, "dtype", None))
        if random_state is None:
            random_state = self.random_state
        return plan.draw(np.shape(X)[0], make_generator(random_state))

    def apply_params(self, X, params):
        """Apply drawn transform values, one set per sample of ``X``.

        Deterministic: the same ``X`` and ``params`` give the same result. Use it
        to replay one draw on a second array, such as a segmentation mask (with an
        augmenter of ``interpolation_order=0``, and the intensity keys
        ``channel_shift_intensity``, ``brightness`` and ``noise_std`` set to None).

        Parameters
        ----------
        X : {array-like, DataFrame, dask array} of shape (n_samples, n_features) \
                or (n_samples, *sample_shape)
            Samples. A dask array (chunked along the rows only) gives a lazy dask
            array.
        params : dict
            As returned by :meth:`sample_params`; a key that is absent or ``None``
            is not applied.

        Returns
        -------
        X_augmented : {ndarray, DataFrame}
            Same shape, dtype and container as ``X``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_dlprep import ArrayAugmenter
        >>> image = np.arange(12.0).reshape(1, 3, 4)
        >>> ArrayAugmenter(sample_shape=(3, 4)).apply_params(image, {"tx": [1.0]})[0]
        array([[ 1.,  2.,  3.,  3.],
               [ 5.,  6.,  7.,  7.],
               [ 9., 10., 11., 11.]])
        """
        if is_dask_array(X):
            return apply_params_dask(self, X, params)
        X_val = validate_samples(None, X)
        plan = self.make_plan(X_val.shape, X_val.dtype)
        draws = self.check_draws(params, X_val.shape[0], plan)
        return self._apply_to_all(X, X_val, plan, draws)

    def augment(self, X, random_state=None):
        """Return one augmented version of every sample of ``X``.

        Same as ``apply_params(X, sample_params(X, random_state))``.

        Parameters
        ----------
        X : {array-like, DataFrame, dask array} of shape (n_samples, n_features) \
                or (n_samples, *sample_shape)
            Samples. A dask array must be chunked along the rows only.
        random_state : int, RandomState instance, Generator or None, default=None
            Seeds this draw; ``None`` uses the estimator's ``random_state``.

        Returns
        -------
        X_augmented : {ndarray, DataFrame, dask array}
            Same shape, dtype and container as ``X``. A dask ``X`` gives a lazy
            dask array with its chunks, computed only when asked; with an int
            ``random_state`` it equals the in-memory result, whatever the chunks
            and the number of workers (see :ref:`dask`).

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_dlprep import ArrayAugmenter
        >>> images = np.random.default_rng(0).integers(0, 256, (16, 32, 32, 3),
        ...                                            dtype=np.uint8)
        >>> augmenter = ArrayAugmenter(rotation_range=40, width_shift_range=0.2,
        ...                            horizontal_flip=True, random_state=0)
        >>> out = augmenter.augment(images)
        >>> out.shape, out.dtype
        ((16, 32, 32, 3), dtype('uint8'))
        >>> bool(np.array_equal(out, augmenter.augment(images)))  # int seed
        True
        """
        if is_dask_array(X):
            return augment_dask(self, X, random_state)
        X_val = validate_samples(None, X)
        plan = self.make_plan(X_val.shape, X_val.dtype)
        if random_state is None:
            random_state = self.random_state
        rng = make_generator(random_state)
        out = self._output_like(X_val, plan)
        rows = np.arange(X_val.shape[0])
        for block, draws in plan.draw_blocks(X_val.shape[0], rng):
            plan.apply(X_val, rows[block], out, rows[block], draws)
        return like_input(out, X, keep_dtypes=True)

    def flow(self, X, y=None, batch_size=32, shuffle=True, balance=False,
             random_state=None, *, sample_weight=None, seed=None, drop_last=False,
             prefetch=0, mix=None, classes=None):
        """Iterate over augmented batches, afresh every epoch.

        Each pass over the returned flow is one epoch: rows are (optionally)
        shuffled, batched, and each batch augmented when it is asked for, so the
        augmented dataset is never held in memory; ``X`` may be a numpy memmap.
        The flow is what training loops take as it is:

        - ``for X_batch, y_batch in flow``: one epoch; every ``for`` is a new one.
        - ``next(flow)``: the next batch, forever, as Keras' ``flow`` gives it.
        - ``flow[i]``, ``len(flow)``, ``flow.on_epoch_end()``: batch ``i`` of the
          current epoch, the batches per epoch, the next epoch
          (``keras.utils.PyDataset``'s protocol). Once Keras is imported, the flow
          is a ``keras.utils.PyDataset``: ``model.fit(flow, epochs=10)``.
        - Once torch is imported, it is a ``torch.utils.data.IterableDataset``:
          ``DataLoader(flow, batch_size=None, num_workers=2)`` gives each worker
          its own share of every epoch, every row once.

        Read more in the :ref:`User Guide <training_loops>`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, *sample_shape)
            Samples, possibly a ``numpy.memmap``: it is not copied. Float samples
            are scanned once for NaN and infinity, which are refused as everywhere
            else, by a reduction that reads ``X`` without allocating its size. A
            ``dask.array`` is computed batch by batch (the chunks that hold a
            batch's rows, whole: with ``shuffle=True`` a batch reads from many
            chunks, so keep chunks small or use a memmap), its values checked in
            each batch.
        y : array-like of shape (n_samples,) or (n_samples, n_classes), default=None
            Targets. Without ``y`` the batches are arrays, not pairs.
        batch_size : int, default=32
            Rows per batch; the last batch of an epoch may be smaller (see
            ``drop_last``).
        shuffle : bool, default=True
            Whether to visit the rows in a new random order every epoch.
        balance : bool, default=False
            Draw class-balanced batches: each epoch brings every class to the
            majority class's count, as ``BalancingResampler(sampling_strategy=
            "auto")`` does (each original used as evenly as possible), and every
            batch holds the classes in equal numbers, give or take one. Needs
            class labels.
        random_state : int, RandomState instance, Generator or None, default=None
            Seeds the epochs; ``None`` uses the estimator's ``random_state``. With
            an int, epoch ``k`` is the same from one run to the next, and every
            epoch differs from the others, also in torch DataLoader workers,
            whatever their number and whatever seeds torch gives them (no need
            to seed torch for the flow's draws).
        sample_weight : array-like of shape (n_samples,), default=None
            Weights that follow their rows: batches become ``(X_batch, y_batch,
            w_batch)``, as Keras reads them. Needs ``y``.
        seed : int, RandomState instance, Generator or None, default=None
            Keras' name for ``random_state``, for code ported from
            ``ImageDataGenerator.flow``; give one or the other.
        drop_last : bool, default=False
            Drop the last batch of an epoch when it is smaller than
            ``batch_size`` (a batch of one row breaks batch normalisation).
        prefetch : int, default=0
            Batches prepared ahead in a background thread while the consumer
            trains on the current one, when iterating (``for``, ``next``, in each
            DataLoader worker). 0 prepares none. Leaving a loop early (``break``)
            or dropping the flow stops the thread; an exception in it is raised
            in the loop, with its traceback.
        mix : MixUp, CutMix or None, default=None
            Mix pairs of samples inside each batch, after augmentation, and return
            soft labels: ``y_batch`` becomes float32 one-hot rows mixed in the same
            proportions (they sum to 1). Needs class labels (or one-hot rows);
            sample weights are mixed like the labels.
        classes : array-like or None, default=None
            With ``mix``, the classes of the soft labels' columns, in order;
            ``None`` takes the sorted labels of ``y``.

        Returns
        -------
        flow : ArrayFlow
            Batches ``X_batch``, ``(X_batch, y_batch)`` or ``(X_batch, y_batch,
            w_batch)``, with ``len()`` batches per epoch. ``flow.classes`` holds the
            classes of the soft labels with ``mix``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_dlprep import ArrayAugmenter
        >>> X = np.random.default_rng(0).random((100, 28, 28, 1), dtype=np.float32)
        >>> y = np.arange(100) % 10
        >>> batches = ArrayAugmenter(rotation_range=10).flow(X, y, batch_size=32)
        >>> len(batches)
        4
        >>> for X_batch, y_batch in batches:
        ...     pass  # one training step
        >>> X_batch.shape, y_batch.shape
        ((4, 28, 28, 1), (4,))
        >>> X_batch, y_batch = next(batches)  # as Keras' flow: the next batch
        >>> batches[0][0].shape  # batch 0 of the current epoch
        (32, 28, 28, 1)
        """
        from ._flow import make_flow

        random_state = self._flow_seed(seed, random_state)
        return make_flow(self, X, y, batch_size=batch_size, shuffle=shuffle,
                         balance=balance, random_state=random_state,
                         sample_weight=sample_weight, drop_last=drop_last,
                         prefetch=prefetch, mix=mix, classes=classes)

    def flow_from_directory(self, directory, target_size=(256, 256),
                            color_mode="rgb", classes=None,
                            class_mode="categorical", batch_size=32, shuffle=True,
                            seed=None, *, follow_links=False, interpolation="nearest",
                            random_state=None, balance=False, drop_last=False,
                            prefetch=0, mix=None, on_error="raise", n_jobs=None,
                            **keras_arguments):
        """Iterate over augmented batches of the images of a folder, read on demand.

        Keras' ``ImageDataGenerator.flow_from_directory``, with the names and
        defaults of its arguments that apply (those after ``seed`` are keywords
        only; ``subset`` and the ``save_*`` arguments are refused):
        ``directory`` holds one sub-folder per class; each batch
        reads, decodes and resizes only its own files, then augments them, so
        memory holds a few batches whatever the folder's size. The returned flow
        is the one :meth:`flow` returns (epochs, ``next``, ``flow[i]``, Keras'
        ``model.fit``, torch's ``DataLoader``, ``prefetch``, ``mix``), over files.

        Read more in the :ref:`User Guide <from_files>`.

        Parameters
        ----------
        directory : str or os.PathLike
            A folder with one sub-folder per class (names not starting with
            ``.``), read recursively, in sorted order: Keras' and torchvision's
            rules. Extensions read: ``.bmp .gif .jpeg .jpg .pgm .png .ppm .tif
            .tiff .webp``, any case.
        target_size : (int, int) or None, default=(256, 256)
            ``(height, width)`` every image is resized to; ``None`` keeps each
            file's size, which must then be the same for all of them.
        color_mode : {"rgb", "grayscale", "rgba"}, default="rgb"
            3, 1 or 4 channels, always a channel axis.
        classes : list of str or None, default=None
            The sub-folders to read, in label order; ``None`` reads all of them,
            sorted.
        class_mode : {"categorical", "binary", "sparse"} or None, \
                default="categorical"
            Labels as Keras gives them: float32 one-hot rows, float32 0/1 (two
            classes), int class indices, or none (batches of images only).
        batch_size : int, default=32
        shuffle : bool, default=True
        seed : int, RandomState instance, Generator or None, default=None
            Seeds the epochs (Keras' name; ``random_state`` is this package's).
            ``None`` uses the estimator's ``random_state``.
        follow_links : bool, default=False
            Follow symbolic links below the class sub-folders.
        interpolation : {"nearest", "bilinear", "bicubic", "area", "lanczos4"}, \
                default="nearest"
            OpenCV kernel of the resize to ``target_size`` (Keras' default is
            nearest neighbour).
        random_state : int, RandomState instance, Generator or None, default=None
            The same as ``seed``; give one or the other.
        balance, drop_last, prefetch, mix
            As in :meth:`flow`.
        on_error : {"raise", "skip"}, default="raise"
            A file that cannot be read (truncated, empty, not an image, no
            permission) raises a ``ValueError`` naming it when its batch is made;
            ``"skip"`` leaves it out of its batch (which is then smaller), with a
            warning naming it, and lists it in ``flow.skipped_filenames``. Never a
            blank image.
        n_jobs : int or None, default=None
            Threads decoding a batch. ``None`` means 1 unless in a
            :func:`joblib.parallel_config` context; -1 means all processors.
        **keras_arguments
            Keras' ``subset``, ``save_to_dir``, ``save_prefix``, ``save_format``
            and ``keep_aspect_ratio`` are refused with a ``TypeError`` that says
            what to do instead.

        Returns
        -------
        flow : ArrayFlow
            As :meth:`flow` returns it, with what Keras' ``DirectoryIterator``
            exposes: ``filenames`` (relative to ``directory``), ``filepaths``,
            ``classes`` (the label of every file, Keras' meaning),
            ``class_indices`` (class name to label), ``num_classes``, ``samples``
            and ``image_shape``; and ``skipped_filenames``.

        See Also
        --------
        sklearn_dlprep.datasets.load_image_folder : Read a whole folder into an array.
        sklearn_dlprep.ImageFileReader : Read a column of paths inside a pipeline.

        Examples
        --------
        >>> import os, tempfile
        >>> import cv2
        >>> import numpy as np
        >>> from sklearn_dlprep import ArrayAugmenter
        >>> root = tempfile.mkdtemp()
        >>> for name, value in [("cat", 50), ("dog", 200)]:
        ...     os.makedirs(os.path.join(root, name))
        ...     for i in range(5):
        ...         path = os.path.join(root, name, f"{i}.png")
        ...         _ = cv2.imwrite(path, np.full((40, 30, 3), value, dtype=np.uint8))
        >>> batches = ArrayAugmenter(horizontal_flip=True).flow_from_directory(
        ...     root, target_size=(32, 32), batch_size=4, seed=0)
        >>> len(batches), batches.class_indices
        (3, {'cat': 0, 'dog': 1})
        >>> X_batch, y_batch = batches[0]
        >>> X_batch.shape, X_batch.dtype, y_batch.shape
        ((4, 32, 32, 3), dtype('uint8'), (4, 2))
        """
        from ._file_flows import flow_from_directory, refuse_keras_arguments

        refuse_keras_arguments("flow_from_directory", keras_arguments)
        return flow_from_directory(
            self, directory, target_size=target_size, color_mode=color_mode,
            classes=classes, class_mode=class_mode, follow_links=follow_links,
            interpolation=interpolation, on_error=on_error, n_jobs=n_jobs,
            batch_size=batch_size, shuffle=shuffle,
            random_state=self._flow_seed(seed, random_state), balance=balance,
            drop_last=drop_last, prefetch=prefetch, mix=mix)

    def flow_from_dataframe(self, dataframe, directory=None, x_col="filename",
                            y_col="class", weight_col=None, target_size=(256, 256),
                            color_mode="rgb", classes=None,
                            class_mode="categorical", batch_size=32, shuffle=True,
                            seed=None, *, interpolation="nearest",
                            validate_filenames=True, random_state=None,
                            balance=False, drop_last=False, prefetch=0, mix=None,
                            on_error="raise", n_jobs=None, **keras_arguments):
        """Iterate over augmented batches of the image files a DataFrame lists.

        Keras' ``ImageDataGenerator.flow_from_dataframe``, with the names and
        defaults of its arguments that apply (those after ``seed`` are keywords
        only): ``x_col`` holds file paths (joined to ``directory``
        when given), ``y_col`` the labels; each batch reads only its own files.
        Everything else is as in :meth:`flow_from_directory`.

        Read more in the :ref:`User Guide <from_files>`.

        Parameters
        ----------
        dataframe : pandas.DataFrame
        directory : str, os.PathLike or None, default=None
            Folder the paths of ``x_col`` are relative to; ``None`` takes them as
            they are.
        x_col : str, default="filename"
        y_col : str or None, default="class"
            Class names (str) or class indices (ints from 0). Class names become
            indices into their sorted list, or into ``classes``; indices are kept
            (``classes`` then lists the indices to keep, in label order). Rows of
            classes not in ``classes`` are left out, as Keras does. With
            ``class_mode="raw"``, the column is returned as it is.
        weight_col : str or None, default=None
            Sample weights: batches become ``(X, y, w)``.
        target_size, color_mode
            As in :meth:`flow_from_directory`.
        classes : list or None, default=None
            The classes to keep, in label order: names (str) or indices (ints).
        class_mode : {"categorical", "binary", "sparse", "raw"} or None, \
                default="categorical"
            As in :meth:`flow_from_directory`; ``"raw"`` returns ``y_col`` as it
            is (regression targets).
        batch_size, shuffle, seed, interpolation
            As in :meth:`flow_from_directory`.
        validate_filenames : bool, default=True
            Check up front that every path is a file with an image extension.
            A path that is not: ``on_error="raise"`` raises a ``ValueError``
            naming it (Keras drops such rows with a warning, which is
            ``on_error="skip"`` here; they are then in ``skipped_filenames``).
        random_state, balance, drop_last, prefetch, mix, on_error, n_jobs
            As in :meth:`flow_from_directory`.
        **keras_arguments
            As in :meth:`flow_from_directory`.

        Returns
        -------
        flow : ArrayFlow
            As :meth:`flow_from_directory` returns it (``filenames`` are the
            values of ``x_col``, of the rows kept).

        Examples
        --------
        >>> import os, tempfile
        >>> import cv2
        >>> import numpy as np
        >>> import pandas as pd
        >>> from sklearn_dlprep import ArrayAugmenter
        >>> root = tempfile.mkdtemp()
        >>> for i in range(6):
        ...     image = np.full((40, 30, 3), 40 * i, dtype=np.uint8)
        ...     _ = cv2.imwrite(os.path.join(root, f"{i}.png"), image)
        >>> table = pd.DataFrame({"filename": [f"{i}.png" for i in range(6)],
        ...                       "class": ["cat", "dog"] * 3})
        >>> batches = ArrayAugmenter(zoom_range=0.1).flow_from_dataframe(
        ...     table, root, target_size=(24, 24), class_mode="sparse",
        ...     batch_size=4, seed=0)
        >>> [y_batch.tolist() for _, y_batch in batches]  # shuffled every epoch
        [[1, 0, 0, 1], [0, 1]]
        """
        from ._file_flows import flow_from_dataframe, refuse_keras_arguments

        refuse_keras_arguments("flow_from_dataframe", keras_arguments)
        return flow_from_dataframe(
            self, dataframe, directory, x_col=x_col, y_col=y_col,
            weight_col=weight_col, target_size=target_size, color_mode=color_mode,
            classes=classes, class_mode=class_mode, interpolation=interpolation,
            validate_filenames=validate_filenames, on_error=on_error,
            n_jobs=n_jobs, batch_size=batch_size, shuffle=shuffle,
            random_state=self._flow_seed(seed, random_state), balance=balance,
            drop_last=drop_last, prefetch=prefetch, mix=mix)

    def _flow_seed(self, seed, random_state):
        """``random_state`` from Keras' ``seed`` or this package's name."""
        if seed is not None and random_state is not None:
            raise ValueError(
                "seed and random_state are the same parameter (seed is Keras' "
                "name for it): give one of them."
            )
        if random_state is None:
            random_state = self.random_state if seed is None else seed
        return random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        tags.sampler_tags.sample_indices = True
        tags.target_tags.single_output = False
        tags.non_deterministic = self.random_state is None
        return tags

    def make_plan(self, X_shape, dtype):
        """Check the parameters against data of this shape; return its engine plan.

        The plan is what every consumer of an augmenter (``fit_resample``,
        :class:`BalancingResampler`, flows, meta-estimators) hands samples to: it
        owns every resolved value, ``draw(n, rng)`` draws the values of ``n``
        samples (what :meth:`sample_params` returns) and
        ``apply(X, src_rows, out, dst_rows, draws)`` writes the results. Not needed
        for ordinary use.

        Parameters
        ----------
        X_shape : tuple of int
            Shape of the data, ``(n_samples, n_features)`` or
            ``(n_samples, *sample_shape)``.
        dtype : numpy dtype or None
            Its dtype (``None`` when only draws are wanted).

        Returns
        -------
        plan : Plan
            Immutable; safe to share between threads.
        """
        raise NotImplementedError

    def check_draws(self, params, n_samples, plan):
        """Validate draws given to :meth:`apply_params` for ``n_samples`` samples."""
        raise NotImplementedError

    # Helpers of the public methods ----------------------------------------------

    def _validate_fit_data(self, X, y):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        if is_dask_array(X) or is_dask_array(y):
            return check_dask_fit_data(self, X, y)
        return validate_samples(self, X, y, reset=True)

    def _strategy_report(self, y):
        if type_of_target(y) not in ("binary", "multiclass"):
            return {}
        classes, counts = np.unique(y, return_counts=True)
        return {cls: int(count) * self.n_copies for cls, count in zip(classes, counts)}

    def _apply_to_all(self, X, X_val, plan, draws):
        """Augment every row of validated ``X_val``; return it in ``X``'s container."""
        out = self._output_like(X_val, plan)
        rows = np.arange(X_val.shape[0])
        plan.apply(X_val, rows, out, rows, draws)
        return like_input(out, X, keep_dtypes=True)

    @staticmethod
    def _output_like(X_val, plan):
        """An empty array like ``X_val``, once the memory check has passed."""
        check_allocation(
            X_val.nbytes + plan.temporary_bytes(X_val.shape[0], X_val[:1].nbytes),
            "the augmented copy of X (and working memory)",
            "Augment X in batches, e.g. with flow().")
        return np.empty_like(X_val)
