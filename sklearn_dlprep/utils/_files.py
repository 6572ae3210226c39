"""Listing image files: a folder with one sub-folder per class, or a DataFrame of
paths and labels. Shared by ``load_image_folder`` and the flows from files."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import os
import warnings

import numpy as np
from sklearn.utils import Bunch

# Extensions read, compared case-insensitively. The union of Keras'
# image_dataset_from_directory (.bmp .gif .jpeg .jpg .png), Keras' legacy
# flow_from_directory (adds .ppm .tif .tiff) and torchvision's ImageFolder
# IMG_EXTENSIONS (adds .pgm .webp); OpenCV decodes all of them.
IMAGE_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".pgm", ".png", ".ppm", ".tif",
                    ".tiff", ".webp")


def has_image_extension(filename, extensions=IMAGE_EXTENSIONS):
    return os.fspath(filename).lower().endswith(tuple(extensions))


def _check_directory(directory):
    if not isinstance(directory, (str, os.PathLike)):
        raise TypeError(
            f"directory must be a str or os.PathLike, got {type(directory).__name__}."
        )
    directory = os.fspath(directory)
    if not os.path.isdir(directory):
        what = "is not a directory" if os.path.exists(directory) else "does not exist"
        raise ValueError(f"directory={directory!r} {what}.")
    return directory


def _walk_files(top, follow_links, extensions):
    """Image files under ``top``, recursively, in sorted order (Keras' order:
    directories sorted by path, files sorted within each). A directory reached
    twice through links is listed once, so a link cycle cannot loop."""
    seen = set()
    found = []
    for root, dirs, files in sorted(os.walk(top, followlinks=follow_links),
                                    key=lambda entry: entry[0]):
        real = os.path.realpath(root)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        found.extend(os.path.join(root, name) for name in sorted(files)
                     if has_image_extension(name, extensions))
    return found


def index_image_folder(directory, *, class_names=None, follow_links=False,
                       extensions=IMAGE_EXTENSIONS):
    """List the image files of a folder with one sub-folder per class.

    The rules of Keras' ``image_dataset_from_directory``: the classes are the
    sub-folders of ``directory`` whose name does not start with ``.``, in sorted
    order (or in the order of ``class_names``, which must name sub-folders; the
    others are then not read); each class's files are found recursively, folders
    sorted by path and files by name, with an extension in ``extensions``
    (case-insensitive). Sub-folders that are symbolic links are read; links
    further down are followed only with ``follow_links=True``.

    Returns
    -------
    paths : list of str
        The files, class after class, each ``directory`` joined with its path
        below it.
    labels : ndarray of shape (n_files,), int64
        Index in ``class_names`` of each file's class.
    class_names : list of str
        The classes, in label order.
    """
    directory = _check_directory(directory)
    subdirs = sorted(name for name in os.listdir(directory)
                     if not name.startswith(".")
                     and os.path.isdir(os.path.join(directory, name)))
    if class_names is None:
        if not subdirs:
            raise ValueError(
                f"directory={directory!r} has no sub-folders. One sub-folder per "
                "class is expected, holding that class's images; files directly in "
                "directory are not read."
            )
        class_names = subdirs
    else:
        if isinstance(class_names, str) or not all(
                isinstance(name, str) for name in class_names):
            raise TypeError(
                f"class_names must be a list of sub-folder names (str), got "
                f"{class_names!r}."
            )
        class_names = list(class_names)
        duplicates = sorted({name for name in class_names
                             if class_names.count(name) > 1})
        if duplicates:
            raise ValueError(f"class_names names {duplicates} more than once.")
        unknown = [name for name in class_names if name not in subdirs]
        if unknown:
            raise ValueError(
                f"class_names {unknown} are not sub-folders of {directory!r}; its "
                f"sub-folders are {subdirs}."
            )
    paths, labels = [], []
    for label, name in enumerate(class_names):
        files = _walk_files(os.path.join(directory, name), follow_links, extensions)
        paths.extend(files)
        labels.extend([label] * len(files))
    if not paths:
        raise ValueError(
            f"No image files found in the sub-folders {class_names} of "
            f"{directory!r}. Extensions read: {', '.join(extensions)}."
        )
    return paths, np.asarray(labels, dtype=np.int64), class_names


def _is_missing(value):
    return value is None or (isinstance(value, float) and value != value)


def index_dataframe(dataframe, directory=None, x_col="filename", y_col="class", *,
                    classes=None, on_error="raise", validate_filenames=True,
                    extensions=IMAGE_EXTENSIONS):
    """List the image files and labels of a DataFrame, as Keras'
    ``flow_from_dataframe`` reads it.

    ``x_col`` holds file paths, joined to ``directory`` when it is given.
    ``y_col`` holds the labels: class names (str) become indices into the sorted
    class names, or into ``classes`` when given (rows of other classes are then
    left out, as in Keras); numbers are returned as they are (regression targets,
    or classes already encoded); ``y_col=None`` means no labels.

    With ``validate_filenames=True`` (Keras' default), each path must be an
    existing file with an image extension. Keras leaves the other rows out with a
    warning; here that is ``on_error="skip"`` (the warning names them), while
    ``on_error="raise"`` (the default, as everywhere in this package) raises a
    ``ValueError`` naming them. Files that exist but cannot be decoded are found
    only when read.

    Returns
    -------
    Bunch with
        ``filepaths`` (list of str), ``labels`` (ndarray, or None),
        ``class_names`` (list of str, or None for numeric or no labels), ``rows``
        (positions in ``dataframe`` of the rows kept, e.g. to take a weight
        column alike) and ``skipped_filenames`` (list of str).
    """
    if not (hasattr(dataframe, "columns") and hasattr(dataframe, "iloc")):
        raise TypeError(
            f"dataframe must be a pandas DataFrame, got {type(dataframe).__name__}."
        )
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}.")
    for name, column in [("x_col", x_col), ("y_col", y_col)]:
        if column is not None and column not in dataframe.columns:
            raise ValueError(
                f"{name}={column!r} is not a column of the DataFrame; its columns "
                f"are {list(dataframe.columns)}."
            )
    if directory is not None:
        directory = _check_directory(directory)
    names = dataframe[x_col].tolist()
    filepaths = []
    for row, name in enumerate(names):
        if not isinstance(name, (str, os.PathLike)):
            raise TypeError(
                f"x_col={x_col!r} must hold file paths (str), got "
                f"{type(name).__name__} {name!r} at row {row}."
            )
        filepaths.append(os.path.join(directory, name) if directory is not None
                         else os.fspath(name))
    keep = np.ones(len(filepaths), dtype=bool)

    labels, class_names = None, None
    if y_col is not None:
        values = dataframe[y_col].tolist()
        missing = [row for row, value in enumerate(values) if _is_missing(value)]
        if missing:
            raise ValueError(
                f"y_col={y_col!r} has no label at rows {missing[:10]}; drop those "
                "rows or give them a label."
            )
        kinds = {"str" if isinstance(value, str) else
                 "number" if isinstance(value, (int, float, np.number))
                 and not isinstance(value, bool) else type(value).__name__
                 for value in values}
        if kinds == {"str"}:
            if classes is None:
                class_names = sorted(set(values))
            else:
                class_names = list(dict.fromkeys(classes))
                keep &= np.array([value in class_names for value in values])
            index = {name: label for label, name in enumerate(class_names)}
            labels = np.array([index.get(value, -1) for value in values],
                              dtype=np.int64)
        elif kinds == {"number"}:
            if classes is not None:
                raise ValueError(
                    f"classes applies to class names (str) in y_col={y_col!r}, which "
                    "holds numbers."
                )
            labels = dataframe[y_col].to_numpy()
        else:
            raise TypeError(
                f"y_col={y_col!r} must hold class names (str) or numbers, one per "
                f"row, got {sorted(kinds)}. Multi-label lists are not supported."
            )

    skipped = []
    if validate_filenames:
        for row, path in enumerate(filepaths):
            if not keep[row]:
                continue
            if not has_image_extension(path, extensions):
                skipped.append((row, path, "not an image extension"))
            elif not os.path.isfile(path):
                skipped.append((row, path, "no such file"))
            else:
                continue
            keep[row] = False
    if skipped:
        shown = "; ".join(f"{path!r} ({reason})" for _, path, reason in skipped[:5])
        more = f"; and {len(skipped) - 5} more" if len(skipped) > 5 else ""
        if on_error == "raise":
            raise ValueError(
                f"{len(skipped)} of {len(filepaths)} paths in x_col={x_col!r} are not "
                f"image files: {shown}{more}. Fix the paths (directory="
                f"{directory!r}), or pass on_error='skip' to leave those rows out."
            )
        warnings.warn(
            f"Skipped {len(skipped)} of {len(filepaths)} rows whose x_col={x_col!r} "
            f"is not an image file: {shown}{more}.", UserWarning, stacklevel=2)
    rows = np.flatnonzero(keep)
    if not rows.size:
        raise ValueError("No rows left to read: no valid image file path remains.")
    return Bunch(
        filepaths=[filepaths[row] for row in rows],
        labels=None if labels is None else labels[rows],
        class_names=class_names,
        rows=rows,
        skipped_filenames=[path for _, path, _ in skipped],
    )
