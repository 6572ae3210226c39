"""Flows over image files: ``flow_from_directory`` and ``flow_from_dataframe``.

Both index the files (names and labels only), wrap them in an
:class:`~sklearn_dlprep._readers.ImageFileSequence` and hand it to the flow of
arrays as its ``X``: each batch reads only its own files, so memory is bounded by
a few batches whatever the folder's size, and everything a flow does (epochs,
``next``, ``flow[i]``, Keras' ``PyDataset``, torch's DataLoader workers,
``prefetch``, ``balance``, ``mix``) works the same.
"""

import numbers
import os

import numpy as np

from ._flow import make_flow
from ._readers import ImageFileSequence, check_image_size, check_reading_options
from .utils._files import IMAGE_EXTENSIONS, index_dataframe, index_image_folder

CLASS_MODES = ("categorical", "binary", "sparse", None)


def _check_class_mode(class_mode, allowed):
    if class_mode not in allowed:
        hint = (" For an autoencoder (Keras' 'input'), pass class_mode=None and use "
                "each batch as its own target." if class_mode == "input" else "")
        raise ValueError(
            f"class_mode must be one of {list(allowed)}, got {class_mode!r}.{hint}"
        )


# Keras' arguments of flow_from_directory / flow_from_dataframe that are not
# taken, and what to do instead.
_KERAS_ONLY = {
    "subset": "split the files first (two folders, or train_val_test_split on a "
              "DataFrame of paths, then flow_from_dataframe on each part); "
              "ImageDataGenerator's validation_split is not augmentation",
    "save_to_dir": "write the batches yourself (cv2.imwrite on each image)",
    "save_prefix": "write the batches yourself (cv2.imwrite on each image)",
    "save_format": "write the batches yourself (cv2.imwrite on each image)",
    "keep_aspect_ratio": "crop or pad the files to the aspect ratio of "
                         "target_size first, or add a RandomCrop step",
}


def refuse_keras_arguments(method, arguments):
    """A ``TypeError`` for any argument left in ``arguments``: Keras' that are not
    taken say what to do instead."""
    for name in arguments:
        if name in _KERAS_ONLY:
            raise TypeError(
                f"{method} does not take Keras' {name}=: {_KERAS_ONLY[name]}."
            )
        raise TypeError(f"{method}() got an unexpected keyword argument {name!r}")


def _targets(labels, n_classes, class_mode):
    """The ``y`` of the flow for integer ``labels``, as Keras' iterators give it."""
    if class_mode is None:
        return None
    if class_mode == "sparse":
        return labels.astype(np.int64)
    if class_mode == "binary":
        if n_classes != 2:
            raise ValueError(
                f"class_mode='binary' needs exactly 2 classes, found {n_classes}. "
                "Use class_mode='categorical' or 'sparse'."
            )
        return labels.astype(np.float32)
    one_hot = np.zeros((len(labels), n_classes), dtype=np.float32)
    one_hot[np.arange(len(labels)), labels] = 1.0
    return one_hot


def _file_flow(augmenter, filepaths, y, *, labels, class_names, filenames,
               target_size, color_mode, interpolation, on_error, n_jobs,
               sample_weight=None, skipped=(), **flow_kwargs):
    check_image_size(target_size, name="target_size", allow_none=True)
    check_reading_options(color_mode, interpolation, on_error, n_jobs)
    sequence = ImageFileSequence(filepaths, target_size, color_mode=color_mode,
                                 interpolation=interpolation, on_error=on_error,
                                 n_jobs=n_jobs, size_name="target_size")
    flow = make_flow(augmenter, sequence, y, sample_weight=sample_weight,
                     skipped_filenames=skipped, **flow_kwargs)
    # What Keras' DirectoryIterator and DataFrameIterator expose; ``classes`` in
    # Keras' meaning (the columns of mixed labels stay in ``mix_classes``).
    flow.filepaths = list(filepaths)
    flow.filenames = list(filenames)
    flow.samples = len(filepaths)
    flow.image_shape = tuple(sequence.shape[1:])
    flow.class_indices = (None if class_names is None else
                          {name: index for index, name in enumerate(class_names)})
    flow.num_classes = None if class_names is None else len(class_names)
    flow.classes = flow.labels = labels
    return flow


def flow_from_directory(augmenter, directory, *, target_size, color_mode, classes,
                        class_mode, follow_links, interpolation, on_error, n_jobs,
                        **flow_kwargs):
    """:meth:`BaseAugmenter.flow_from_directory`, documented there."""
    _check_class_mode(class_mode, CLASS_MODES)
    paths, labels, class_names = index_image_folder(
        directory, class_names=classes, follow_links=follow_links,
        extensions=IMAGE_EXTENSIONS)
    return _file_flow(
        augmenter, paths, _targets(labels, len(class_names), class_mode),
        labels=labels, class_names=class_names,
        filenames=[os.path.relpath(path, directory) for path in paths],
        target_size=target_size, color_mode=color_mode,
        interpolation=interpolation, on_error=on_error, n_jobs=n_jobs,
        **flow_kwargs)


def _class_indices(values, classes, y_col):
    """Rows to keep and their class indices, for labels that are already class
    indices (ints from 0): kept as they are, or positions in ``classes``."""
    values = np.asarray(values)
    if values.dtype.kind == "b":
        values = values.astype(np.int64)
    if values.dtype.kind == "f" and np.all(values == np.round(values)):
        values = values.astype(np.int64)
    if values.dtype.kind not in "iu" or (values.size and values.min() < 0):
        raise ValueError(
            f"y_col={y_col!r} holds numbers that are not class indices (ints from "
            "0); pass class_mode='raw' to use them as targets as they are."
        )
    if classes is None:
        n_classes = int(values.max()) + 1 if values.size else 0
        return np.ones(len(values), dtype=bool), values, list(range(n_classes))
    classes = list(classes)
    if not all(isinstance(c, numbers.Integral) for c in classes):
        raise TypeError(
            f"y_col={y_col!r} holds class indices (ints): classes must list ints "
            f"too, got {classes!r}."
        )
    position = {int(c): i for i, c in enumerate(classes)}
    keep = np.array([int(v) in position for v in values], dtype=bool)
    return keep, np.array([position.get(int(v), -1) for v in values]), classes


def flow_from_dataframe(augmenter, dataframe, directory, *, x_col, y_col,
                        weight_col, target_size, color_mode, classes, class_mode,
                        interpolation, validate_filenames, on_error, n_jobs,
                        **flow_kwargs):
    """:meth:`BaseAugmenter.flow_from_dataframe`, documented there."""
    _check_class_mode(class_mode, CLASS_MODES + ("raw",))
    if class_mode is None:
        y_col = None
    elif y_col is None:
        raise ValueError(
            f"class_mode={class_mode!r} needs labels: name their column in y_col, or "
            "pass class_mode=None for batches of images only."
        )
    columns = list(getattr(dataframe, "columns", []))
    if weight_col is not None and weight_col not in columns:
        raise ValueError(
            f"weight_col={weight_col!r} is not a column of the DataFrame; its "
            f"columns are {columns}."
        )
    numeric = (y_col is not None and y_col in columns
               and np.asarray(dataframe[y_col]).dtype.kind in "biuf")
    by_name = class_mode not in ("raw", None) and not numeric
    index = index_dataframe(dataframe, directory, x_col=x_col, y_col=y_col,
                            classes=classes if by_name else None,
                            on_error=on_error, validate_filenames=validate_filenames)
    labels, class_names, y = index.labels, index.class_names, None
    keep = np.ones(len(index.rows), dtype=bool)  # of the rows index_dataframe kept
    if class_mode == "raw":
        y, labels = dataframe[y_col].to_numpy()[index.rows], None
    elif class_mode is not None:
        if not by_name:
            keep, labels, class_names = _class_indices(labels, classes, y_col)
            labels = labels[keep]
            if not keep.any():
                raise ValueError(f"No rows left: no label of y_col={y_col!r} is in "
                                 f"classes={classes!r}.")
        y = _targets(labels, len(class_names), class_mode)
    rows = index.rows[keep]
    filepaths = [path for path, kept in zip(index.filepaths, keep) if kept]
    sample_weight = None
    if weight_col is not None:
        if y is None:
            raise ValueError(
                f"weight_col={weight_col!r} needs labels: batches of (X, y, w) "
                "need y_col and a class_mode other than None."
            )
        sample_weight = dataframe[weight_col].to_numpy()[rows]
        if sample_weight.dtype.kind not in "biuf" or not np.all(
                np.isfinite(sample_weight)):
            raise ValueError(
                f"weight_col={weight_col!r} must hold finite numbers, one per row; "
                f"got dtype {sample_weight.dtype}"
                + ("" if sample_weight.dtype.kind not in "f" else " with NaN or "
                   "infinity") + "."
            )
    return _file_flow(
        augmenter, filepaths, y, labels=labels, class_names=class_names,
        filenames=dataframe[x_col].to_numpy()[rows].tolist(),
        target_size=target_size, color_mode=color_mode,
        interpolation=interpolation, on_error=on_error, n_jobs=n_jobs,
        sample_weight=sample_weight, skipped=index.skipped_filenames,
        **flow_kwargs)
