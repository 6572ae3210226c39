"""Reading image files: OpenCV's codecs, a lazily indexed source of images, and the
``ImageFileReader`` transformer that starts a pipeline from a column of paths."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers
import os
import struct
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import cv2
import numpy as np
import scipy.sparse as sp
from joblib import effective_n_jobs
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn_compat.base import _fit_context

from ._engine import call_with_opencv_pool_off
from .utils._memory import check_allocation

CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}
# The shape the OpenCV thread guard is told for files of unknown size.
_ANY_IMAGE_SHAPE = (1 << 16, 1 << 16)

# Keras' names for the interpolations OpenCV has. "nearest" is OpenCV's exact
# nearest neighbour (pixel centres aligned, as PIL and Keras sample), not
# INTER_NEAREST, which is shifted by half a pixel. "lanczos4" is OpenCV's Lanczos
# (an 8x8 window); Keras' "lanczos3"/"lanczos5" (and PIL's "lanczos", which is
# Lanczos-3) are other kernels that OpenCV does not have.
INTERPOLATIONS = {
    "nearest": cv2.INTER_NEAREST_EXACT,
    "bilinear": cv2.INTER_LINEAR,
    "bicubic": cv2.INTER_CUBIC,
    "area": cv2.INTER_AREA,
    "lanczos4": cv2.INTER_LANCZOS4,
}
# Names Keras or PIL accept that have no OpenCV kernel, with what to use instead.
_NOT_IN_OPENCV = {
    "lanczos": "lanczos4", "lanczos3": "lanczos4", "lanczos5": "lanczos4",
    "box": "area", "hamming": "area", "gaussian": "area", "mitchellcubic": "bicubic",
}

ON_ERROR = ("raise", "skip")

# Decoding flags. ANYDEPTH keeps 16-bit PNGs (and TIFFs) 16-bit; without
# IMREAD_UNCHANGED, OpenCV applies the EXIF orientation, as a photo viewer does.
# COLOR_RGB makes libjpeg-turbo and libpng write RGB directly (no cvtColor pass).
# rgba needs IMREAD_UNCHANGED, the only flag that keeps alpha, and that flag
# ignores EXIF orientation, so rgba applies it itself (_apply_orientation).
_FLAGS = {
    "grayscale": cv2.IMREAD_GRAYSCALE | cv2.IMREAD_ANYDEPTH,
    "rgb": cv2.IMREAD_COLOR_RGB | cv2.IMREAD_ANYDEPTH,
}
_TO_RGBA = {1: cv2.COLOR_GRAY2RGBA, 3: cv2.COLOR_BGR2RGBA, 4: cv2.COLOR_BGRA2RGBA}
_DEPTHS = (np.dtype(np.uint8), np.dtype(np.uint16))


class UnreadableImage(Exception):
    """A file that cannot be decoded into an image; ``reason`` says why."""

    def __init__(self, filename, reason):
        super().__init__(f"{filename!r}: {reason}")
        self.filename = filename
        self.reason = reason


def check_image_size(image_size, name="image_size", allow_none=True):
    """``None`` or a pair of positive ints ``(height, width)`` as a tuple."""
    if image_size is None and allow_none:
        return None
    if (not isinstance(image_size, (tuple, list)) or len(image_size) != 2
            or not all(isinstance(v, numbers.Integral)
                       and not isinstance(v, (bool, np.bool_)) for v in image_size)):
        expected = "None or " if allow_none else ""
        raise TypeError(
            f"{name} must be {expected}a pair of ints (height, width), got "
            f"{image_size!r}."
        )
    if not all(v >= 1 for v in image_size):
        raise ValueError(
            f"{name}={tuple(image_size)!r} must have a positive height and width."
        )
    return int(image_size[0]), int(image_size[1])


def check_reading_options(color_mode, interpolation, on_error, n_jobs):
    """Check the options every reader shares; messages name the parameter."""
    for name, value, allowed in [("color_mode", color_mode, tuple(CHANNELS)),
                                 ("interpolation", interpolation,
                                  tuple(INTERPOLATIONS)),
                                 ("on_error", on_error, ON_ERROR)]:
        if not isinstance(value, str):
            raise TypeError(f"{name} must be one of {allowed}, got {value!r}.")
        if value not in allowed:
            hint = ""
            if name == "interpolation" and value in _NOT_IN_OPENCV:
                hint = (f" OpenCV, which decodes and resizes here, has no "
                        f"{value!r} kernel; the nearest it has is "
                        f"{_NOT_IN_OPENCV[value]!r}.")
            raise ValueError(f"{name} must be one of {allowed}, got {value!r}.{hint}")
    if n_jobs is not None and (not isinstance(n_jobs, numbers.Integral)
                               or isinstance(n_jobs, (bool, np.bool_))
                               or n_jobs == 0):
        raise ValueError(f"n_jobs must be None or a non-zero int, got {n_jobs!r}.")


def _exif_orientation(metadata_types, metadata):
    """The EXIF orientation (1..8) in OpenCV's metadata, or 1 if there is none."""
    for kind, blob in zip(metadata_types, metadata):
        if kind != cv2.IMAGE_METADATA_EXIF:
            continue
        data = bytes(np.asarray(blob, dtype=np.uint8))
        if data.startswith(b"Exif\x00\x00"):
            data = data[6:]
        try:
            order = {b"II": "<", b"MM": ">"}[data[:2]]
            (ifd,) = struct.unpack_from(order + "I", data, 4)
            (count,) = struct.unpack_from(order + "H", data, ifd)
            for entry in range(ifd + 2, ifd + 2 + 12 * count, 12):
                tag, kind_, _ = struct.unpack_from(order + "HHI", data, entry)
                if tag == 0x0112 and kind_ == 3:  # Orientation, SHORT
                    (value,) = struct.unpack_from(order + "H", data, entry + 8)
                    return value if 1 <= value <= 8 else 1
        except (KeyError, struct.error):
            return 1  # malformed EXIF: shown as stored, as viewers do
    return 1


def _apply_orientation(image, orientation):
    """Turn ``image`` as EXIF ``orientation`` asks (OpenCV's own convention)."""
    if orientation == 2:
        return cv2.flip(image, 1)
    if orientation == 3:
        return cv2.rotate(image, cv2.ROTATE_180)
    if orientation == 4:
        return cv2.flip(image, 0)
    if orientation == 5:
        return cv2.transpose(image)
    if orientation == 6:
        return cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE)
    if orientation == 7:
        return cv2.rotate(cv2.transpose(image), cv2.ROTATE_180)
    if orientation == 8:
        return cv2.rotate(image, cv2.ROTATE_90_COUNTERCLOCKWISE)
    return image


def decode_image(filename, color_mode="rgb"):
    """Decode one image file at its own size.

    Returns an ``(H, W, C)`` uint8 or uint16 array, ``C`` given by ``color_mode``
    (RGB order), with the EXIF orientation applied. Raises
    :class:`UnreadableImage` when the file cannot be read or decoded.
    """
    try:
        data = np.fromfile(filename, dtype=np.uint8)
    except FileNotFoundError:
        raise UnreadableImage(filename, "no such file") from None
    except IsADirectoryError:
        raise UnreadableImage(filename, "a directory, not a file") from None
    except PermissionError:
        raise UnreadableImage(filename, "permission denied") from None
    except OSError as exc:
        raise UnreadableImage(filename, exc.strerror or str(exc)) from None
    if data.size == 0:
        raise UnreadableImage(filename, "empty file (0 bytes)")
    try:
        if color_mode == "rgba":
            image, kinds, metadata = cv2.imdecodeWithMetadata(data,
                                                              cv2.IMREAD_UNCHANGED)
        else:
            image = cv2.imdecode(data, _FLAGS[color_mode])
    except cv2.error:
        image = None
    if image is None:
        # OpenCV 5 refuses truncated JPEGs and PNGs instead of padding them grey.
        raise UnreadableImage(
            filename, "not a decodable image (truncated or corrupt data, or not an "
            "image format OpenCV reads)")
    if image.dtype not in _DEPTHS:
        raise UnreadableImage(
            filename, f"pixels of type {image.dtype}; only 8-bit and 16-bit images "
            "are read")
    if color_mode == "rgba":
        channels = 1 if image.ndim == 2 else image.shape[2]
        image = cv2.cvtColor(image, _TO_RGBA[channels])
        image = _apply_orientation(image, _exif_orientation(kinds, metadata))
    if image.ndim == 2:
        image = image[:, :, np.newaxis]
    return image


class ImageBatch(NamedTuple):
    """What :meth:`ImageFileSequence.read` returns.

    ``images`` ``(k, H, W, C)``: the images that were read, in the order asked;
    ``indices``: their positions in the sequence (the rows asked, minus skipped
    ones); ``skipped``: ``(index, filename, reason)`` of each file left out
    (``on_error="skip"``).
    """

    images: np.ndarray
    indices: np.ndarray
    skipped: list


class ImageFileSequence:
    """Image files as a lazily indexed array: only the files asked for are read.

    Each read decodes the requested files with OpenCV's codecs (EXIF orientation
    applied), resizes them to ``image_size`` and writes them into one new
    ``(k, H, W, C)`` array, on ``n_jobs`` threads (OpenCV releases the GIL). The
    sequence holds only the file names, so batches of any size can be drawn from
    folders of any size; it is picklable (for data-loader worker processes).

    Parameters
    ----------
    filenames : sequence of str or os.PathLike
        The files, in row order.

    image_size : (int, int) or None, default=None
        ``(height, width)`` every image is resized to. ``None`` keeps each image's
        own size, which must then be the same for all files (a file of another size
        is a ``ValueError`` that names it).

    color_mode : {"rgb", "grayscale", "rgba"}, default="rgb"
        Keras' meaning: 3, 1 or 4 channels, always a channel axis (grayscale
        images are ``(H, W, 1)``); alpha is opaque for files without one.

    interpolation : {"bilinear", "nearest", "bicubic", "area", "lanczos4"}, \
            default="bilinear"
        OpenCV kernel of the resize.

    on_error : {"raise", "skip"}, default="raise"
        A file that cannot be read or decoded raises a ``ValueError`` naming it, or
        is left out of the batch and reported in :attr:`ImageBatch.skipped`.

    n_jobs : int or None, default=None
        Threads decoding one read. ``None`` means 1 unless in a
        :func:`joblib.parallel_config` context; -1 means all processors.

    size_name : str, default="image_size"
        What the caller calls ``image_size``, for error messages
        (``flow_from_directory``'s ``target_size``).

    Notes
    -----
    Images are uint8, or uint16 when the files are 16-bit (PNG or TIFF); the
    dtype is that of the first file that can be read, and a file of the other
    depth raises a ``ValueError`` naming both files.
    """

    def __init__(self, filenames, image_size=None, *, color_mode="rgb",
                 interpolation="bilinear", on_error="raise", n_jobs=None,
                 size_name="image_size"):
        check_reading_options(color_mode, interpolation, on_error, n_jobs)
        self.image_size = check_image_size(image_size)
        self.filenames = [_as_filename(name, row) for row, name in
                          enumerate(filenames)]
        self.color_mode = color_mode
        self.interpolation = interpolation
        self.on_error = on_error
        self.n_jobs = n_jobs
        self.size_name = size_name  # the caller's name for image_size, in errors
        self._reference = None  # (row, image) of the first readable file

    def __len__(self):
        return len(self.filenames)

    @property
    def ndim(self):
        return 4

    @property
    def shape(self):
        """``(n_files, height, width, channels)``."""
        height, width = (self.image_size if self.image_size is not None
                         else self._probe()[1].shape[:2])
        return len(self), height, width, CHANNELS[self.color_mode]

    @property
    def dtype(self):
        """uint8, or uint16 for 16-bit files (read from the first readable file)."""
        return self._probe()[1].dtype

    def __getitem__(self, key):
        """``sequence[i]`` is one image; a slice, an array of rows or a boolean mask
        gives a batch; ``sequence[rows, ...]`` indexes the batch further (dask's
        ``from_array`` calls this). With ``on_error="skip"`` a batch can have fewer
        rows than asked for: use :meth:`read` to know which."""
        rest = ()
        if isinstance(key, tuple):
            key, rest = key[0], key[1:]
        if isinstance(key, numbers.Integral):
            row = int(key) + len(self) if key < 0 else int(key)
            if not 0 <= row < len(self):
                raise IndexError(f"index {key} is out of range for {len(self)} files")
            batch = self.read([row])
            if not len(batch.images):
                _, filename, reason = batch.skipped[0]
                raise ValueError(f"Cannot read image file {filename!r}: {reason}.")
            return batch.images[0][rest]
        if isinstance(key, slice):
            rows = np.arange(len(self))[key]
        else:
            rows = np.arange(len(self))[np.asarray(key)]
        return self.read(rows).images[(slice(None),) + rest]

    def read(self, rows):
        """Read the files at positions ``rows`` into one new array.

        Returns an :class:`ImageBatch` ``(images, indices, skipped)``: ``images``
        in the order of ``rows``, ``indices`` the rows they come from (all of
        ``rows`` unless files were skipped) and ``skipped`` the files left out.
        """
        rows = np.asarray(rows, dtype=np.intp).reshape(-1)
        if rows.size and (rows.min() < -len(self) or rows.max() >= len(self)):
            raise IndexError(f"rows out of range for {len(self)} files")
        rows = np.where(rows < 0, rows + len(self), rows)
        reference_row, reference = self._probe()
        height, width = (self.image_size if self.image_size is not None
                         else reference.shape[:2])
        channels = CHANNELS[self.color_mode]
        n_bytes = rows.size * height * width * channels * reference.dtype.itemsize
        check_allocation(n_bytes, f"A batch of {rows.size} images",
                         "Read fewer files at a time.")
        out = np.empty((rows.size, height, width, channels), dtype=reference.dtype)
        errors = [None] * rows.size

        def work(positions):
            for position in positions:
                try:
                    row = rows[position]
                    image = (reference if row == reference_row
                             else decode_image(self.filenames[row], self.color_mode))
                    self._check_like_reference(row, image, reference_row, reference)
                    self._resize_into(image, out[position])
                except UnreadableImage as exc:
                    errors[position] = exc

        n_jobs = min(effective_n_jobs(self.n_jobs), max(1, rows.size))

        def decode_all():
            if n_jobs == 1:
                work(range(rows.size))
            else:
                # Several small tasks per thread even out files of unequal cost.
                step = max(1, -(-rows.size // (4 * n_jobs)))
                chunks = [range(start, min(start + step, rows.size))
                          for start in range(0, rows.size, step)]
                with ThreadPoolExecutor(max_workers=n_jobs) as pool:
                    list(pool.map(work, chunks))

        # Files decode at any size, so as large images: OpenCV's pool stays off.
        call_with_opencv_pool_off(decode_all, n_jobs, _ANY_IMAGE_SHAPE)

        failed = [position for position, exc in enumerate(errors) if exc is not None]
        if not failed:
            return ImageBatch(out, rows, [])
        if self.on_error == "raise":
            first = errors[failed[0]]
            more = (f" ({len(failed) - 1} more unreadable file(s) in this read, "
                    f"e.g. {errors[failed[1]].filename!r})" if len(failed) > 1
                    else "")
            raise ValueError(
                f"Cannot read image file {first.filename!r}: {first.reason}.{more} "
                "Fix or remove the file, or pass on_error='skip' to leave unreadable "
                "files out."
            )
        keep = np.ones(rows.size, dtype=bool)
        keep[failed] = False
        skipped = [(int(rows[p]), errors[p].filename, errors[p].reason)
                   for p in failed]
        return ImageBatch(out[keep], rows[keep], skipped)

    def __getstate__(self):
        # A worker process decodes its own reference file rather than receiving
        # a full-size image with the pickle.
        state = self.__dict__.copy()
        state["_reference"] = None
        return state

    # Internals -------------------------------------------------------------

    def _probe(self):
        """``(row, image)`` of the first file that can be read: it fixes the dtype
        (and, without ``image_size``, the size). Unreadable files before it are
        not reported here; they are when their rows are read."""
        if self._reference is None:
            first_error = None
            for row, filename in enumerate(self.filenames):
                try:
                    self._reference = (row, decode_image(filename, self.color_mode))
                    break
                except UnreadableImage as exc:
                    first_error = first_error or exc
            else:
                if first_error is None:
                    raise ValueError("There are no image files to read.")
                raise ValueError(
                    f"None of the {len(self)} image files can be read; the first, "
                    f"{first_error.filename!r}: {first_error.reason}."
                )
        return self._reference

    def _check_like_reference(self, row, image, reference_row, reference):
        if image.dtype != reference.dtype:
            raise ValueError(
                f"Image file {self.filenames[row]!r} is {8 * image.dtype.itemsize}-bit "
                f"but {self.filenames[reference_row]!r} is "
                f"{8 * reference.dtype.itemsize}-bit: one array holds one depth. "
                "Convert the files to one bit depth, or read them separately."
            )
        if self.image_size is None and image.shape[:2] != reference.shape[:2]:
            (height, width), (ref_height, ref_width) = (image.shape[:2],
                                                        reference.shape[:2])
            raise ValueError(
                f"Image file {self.filenames[row]!r} is {height}x{width} (height x "
                f"width) but {self.filenames[reference_row]!r} is {ref_height}x"
                f"{ref_width}. Pass {self.size_name}=(height, width) to resize every "
                "image to one size."
            )

    def _resize_into(self, image, out):
        """Write ``image`` into the ``(H, W, C)`` view ``out``, resized if need be."""
        if image.shape[:2] == out.shape[:2]:
            out[...] = image
            return
        # 2-D views for one channel: OpenCV drops a trailing axis of length 1.
        src = image[:, :, 0] if image.shape[2] == 1 else image
        dst = out[:, :, 0] if out.shape[2] == 1 else out
        result = cv2.resize(src, (out.shape[1], out.shape[0]), dst=dst,
                            interpolation=INTERPOLATIONS[self.interpolation])
        if result is not dst:  # OpenCV allocated: keep the values all the same
            dst[...] = result


def _as_filename(name, row):
    if isinstance(name, (str, os.PathLike)):
        return os.fspath(name)
    if name is None or (isinstance(name, float) and name != name):
        raise ValueError(f"The file path at row {row} is missing ({name!r}).")
    raise TypeError(
        f"File paths must be str or os.PathLike, got {type(name).__name__} "
        f"{name!r} at row {row}."
    )


def _path_column(X):
    """The file paths of ``X``: a list, 1-D array, Series or one-column 2-D data."""
    if isinstance(X, (str, bytes, os.PathLike)):
        raise TypeError(
            "X must be a column of file paths (a list, 1-D array, pandas Series or "
            f"one-column DataFrame), got a single {type(X).__name__}; wrap it in a "
            "list: [path]."
        )
    if sp.issparse(X):
        raise TypeError(
            "X is a scipy sparse matrix, but sparse input is not supported: X must "
            "be a column of file paths."
        )
    if hasattr(X, "columns") and hasattr(X, "iloc"):  # pandas DataFrame
        if X.shape[1] != 1:
            raise ValueError(
                f"X must have one column of file paths, got {X.shape[1]} columns "
                f"({list(X.columns)[:5]}); select it, e.g. X[[column]]."
            )
        values = X.iloc[:, 0].tolist()
    elif hasattr(X, "iloc"):  # pandas Series
        values = X.tolist()
    else:
        array = X if isinstance(X, np.ndarray) else None
        if array is None:
            try:
                array = np.asarray(X, dtype=object)
            except ValueError as exc:  # ragged nesting
                raise TypeError(f"X must be a column of file paths: {exc}") from None
        if array.dtype.kind not in "OUS":
            raise TypeError(
                f"X must hold file paths (str or os.PathLike), got an array of dtype "
                f"{array.dtype}."
            )
        if array.ndim == 2 and array.shape[1] == 1:
            array = array[:, 0]
        if array.ndim != 1:
            raise ValueError(
                f"X must be a column of file paths, 1-D or of shape (n, 1), got an "
                f"array of shape {array.shape}."
            )
        values = array.tolist()
    if not values:
        raise ValueError("X holds no file paths (0 rows); at least one is required.")
    return [_as_filename(name, row) for row, name in enumerate(values)]


class ImageFileReader(TransformerMixin, BaseEstimator):
    """Read image files, named by a column of paths, into an image array.

    A stateless transformer, so that a pipeline can start from file paths:
    ``ImageFileReader((64, 64))`` turns ``n`` paths into an ``(n, 64, 64, 3)``
    uint8 array, which an :class:`~sklearn_dlprep.ArrayAugmenter` in an
    :class:`imblearn.pipeline.Pipeline` can augment at fit time. Files are decoded
    with OpenCV's codecs (JPEG, PNG, BMP, GIF, WebP, TIFF, PPM/PGM, ...), with
    their EXIF orientation applied, and resized to ``image_size``.

    Read more in the :ref:`User Guide <files>`.

    Parameters
    ----------
    image_size : (int, int) or None
        ``(height, width)`` of the output images, as Keras' ``image_size``.
        ``None`` keeps the files' own size, which must be the same for all
        files of one call (a file of another size is a ``ValueError`` naming it).

    color_mode : {"rgb", "grayscale", "rgba"}, default="rgb"
        3, 1 or 4 channels, in Keras' meaning. Grayscale images keep a channel axis
        of length 1; files without alpha get an opaque one in ``"rgba"``.

    interpolation : {"bilinear", "nearest", "bicubic", "area", "lanczos4"}, \
            default="bilinear"
        Kernel of the resize (OpenCV's; ``"nearest"`` samples pixel centres, as
        Keras does). Keras' ``"lanczos3"``/``"lanczos5"`` have no OpenCV kernel.

    on_error : {"raise", "skip"}, default="raise"
        What a file that cannot be read does (missing, empty, truncated, not an
        image, unreadable permission): ``"raise"`` raises a ``ValueError`` naming
        it; ``"skip"`` leaves it out of the output of :meth:`transform`, with a
        warning that says how many and which, and sets :attr:`skipped_filenames_`.
        A skipped file is never replaced by a blank image. ``"skip"`` changes the
        number of rows, so it is refused by :meth:`fit` and hence in a pipeline
        (see Notes).

    n_jobs : int or None, default=None
        Threads decoding files (OpenCV releases the GIL). ``None`` means 1 unless
        in a :func:`joblib.parallel_config` context; -1 means all processors.

    Attributes
    ----------
    n_features_in_ : int
        1, the column of paths (set by :meth:`fit`).

    feature_names_in_ : ndarray of shape (1,)
        Name of that column, when :meth:`fit` was given a DataFrame with a string
        column name.

    skipped_filenames_ : list of str
        Set by :meth:`transform` when ``on_error="skip"``: the files left out by
        the last call, in row order.

    skipped_indices_ : ndarray of int
        Their rows in the last call's ``X``, e.g. to drop the same rows of ``y``:
        ``np.delete(y, reader.skipped_indices_)``.

    See Also
    --------
    sklearn_dlprep.datasets.load_image_folder : Read a folder with one sub-folder
        per class into an array and labels.

    Notes
    -----
    Output is uint8, or uint16 when the files are 16-bit PNGs or TIFFs (one depth
    per call). The input is a list, 1-D array, pandas Series or one-column
    DataFrame of ``str`` or ``os.PathLike``; the output is always an ``(n, H, W,
    C)`` array (images do not fit in a DataFrame).

    Why ``"skip"`` is refused in a pipeline: a pipeline fits its steps with
    ``fit_transform(X, y)``, so rows dropped there would no longer match ``y``;
    and at predict time, a dropped row would shift every later prediction onto
    the wrong path without an error. Skipping is for reading on your own,
    ``reader.transform(paths)``, where :attr:`skipped_indices_` keeps the
    labels aligned; :func:`~sklearn_dlprep.datasets.load_image_folder` does that
    for you.

    Examples
    --------
    >>> import os, tempfile
    >>> import cv2
    >>> import numpy as np
    >>> from sklearn_dlprep import ImageFileReader
    >>> folder = tempfile.mkdtemp()
    >>> paths = [os.path.join(folder, f"{i}.png") for i in range(3)]
    >>> for i, path in enumerate(paths):
    ...     _ = cv2.imwrite(path, np.full((40, 30, 3), 80 * i, dtype=np.uint8))
    >>> images = ImageFileReader((32, 32)).transform(paths)
    >>> images.shape, images.dtype
    ((3, 32, 32, 3), dtype('uint8'))
    >>> images[:, 0, 0, 0]
    array([  0,  80, 160], dtype=uint8)
    >>> ImageFileReader(None, color_mode="grayscale").transform(paths).shape
    (3, 40, 30, 1)
    """

    # Types are checked by scikit-learn's machinery (through sklearn_compat) when
    # fitting; values by check_reading_options, at fit and at transform, as the
    # transformer is stateless (StrOptions/Interval live in a private module).
    _parameter_constraints: dict = {
        "image_size": [tuple, list, None],
        "color_mode": [str],
        "interpolation": [str],
        "on_error": [str],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(self, image_size, *, color_mode="rgb", interpolation="bilinear",
                 on_error="raise", n_jobs=None):
        self.image_size = image_size
        self.color_mode = color_mode
        self.interpolation = interpolation
        self.on_error = on_error
        self.n_jobs = n_jobs

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and the column of paths; no file is read.

        Parameters
        ----------
        X : list, 1-D array, pandas Series or one-column DataFrame of paths
            The image files.

        y : None
            Ignored.

        Returns
        -------
        self : ImageFileReader
            The reader.
        """
        self._check_params()
        if self.on_error == "skip":
            # Skipping drops rows: y (at fit) and every later prediction (at
            # predict) would silently pair with the wrong files. See the Notes.
            raise ValueError(
                "on_error='skip' drops the rows of unreadable files, which would no "
                "longer match y (or, at predict time, the paths given) in a "
                "pipeline. In a pipeline use on_error='raise' and remove the "
                "unreadable files first, e.g. with ImageFileReader(..., "
                "on_error='skip').transform(paths) and its skipped_indices_, or "
                "with sklearn_dlprep.datasets.load_image_folder."
            )
        _path_column(X)
        self.n_features_in_ = 1
        if hasattr(X, "columns") and isinstance(X.columns[0], str):
            self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        return self

    def transform(self, X):
        """Read the image files of ``X``.

        Parameters
        ----------
        X : list, 1-D array, pandas Series or one-column DataFrame of paths
            The image files, ``str`` or ``os.PathLike``.

        Returns
        -------
        images : ndarray of shape (n_files, height, width, channels)
            uint8 (uint16 for 16-bit files), in the order of ``X``; with
            ``on_error="skip"``, without the rows of unreadable files.
        """
        self._check_params()
        filenames = _path_column(X)
        sequence = ImageFileSequence(
            filenames, self.image_size, color_mode=self.color_mode,
            interpolation=self.interpolation, on_error=self.on_error,
            n_jobs=self.n_jobs)
        batch = sequence.read(np.arange(len(filenames)))
        if self.on_error == "skip":
            self.skipped_filenames_ = [name for _, name, _ in batch.skipped]
            self.skipped_indices_ = np.array([row for row, _, _ in batch.skipped],
                                             dtype=np.intp)
            if batch.skipped:
                warn_skipped(batch.skipped, len(filenames))
        return batch.images

    def __sklearn_is_fitted__(self):
        """Stateless: ready to transform without being fitted."""
        return True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.string = True
        tags.transformer_tags.preserves_dtype = []
        return tags

    def _check_params(self):
        check_image_size(self.image_size)
        check_reading_options(self.color_mode, self.interpolation, self.on_error,
                              self.n_jobs)


def warn_skipped(skipped, n_files, limit=5):
    """One warning for the files ``(index, filename, reason)`` left out of a read."""
    shown = "; ".join(f"{name!r} ({reason})" for _, name, reason in skipped[:limit])
    more = f"; and {len(skipped) - limit} more" if len(skipped) > limit else ""
    warnings.warn(
        f"Skipped {len(skipped)} of {n_files} image files that cannot be read: "
        f"{shown}{more}.",
        UserWarning, stacklevel=3,
    )
