"""Load a folder of images, one sub-folder per class, into an array and labels."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers

import numpy as np
from sklearn.utils import Bunch

from .._readers import (
    ImageFileSequence,
    check_image_size,
    check_reading_options,
    warn_skipped,
)
from ..utils._files import IMAGE_EXTENSIONS, index_image_folder


def load_image_folder(directory, *, image_size=None, color_mode="rgb",
                      interpolation="bilinear", class_names=None, follow_links=False,
                      on_error="raise", n_jobs=None, verbose=0, return_X_y=False):
    """Load a folder of images with one sub-folder per class.

    The layout Keras' ``image_dataset_from_directory`` and torchvision's
    ``ImageFolder`` read::

        directory/
            cat/  001.jpg  002.png ...
            dog/  001.jpg  ...

    Every image is decoded with OpenCV (EXIF orientation applied) into one
    ``(n_images, height, width, channels)`` array; the labels are the sub-folder
    names, in sorted order.

    Read more in the :ref:`User Guide <files>`.

    Parameters
    ----------
    directory : str or os.PathLike
        The folder holding one sub-folder per class.

    image_size : (int, int) or None, default=None
        ``(height, width)`` every image is resized to. ``None`` keeps the files'
        own size, which must then be the same for all (a file of another size is
        a ``ValueError`` that names it and says to pass ``image_size``).

    color_mode : {"rgb", "grayscale", "rgba"}, default="rgb"
        3, 1 or 4 channels, in Keras' meaning; grayscale images are
        ``(H, W, 1)``.

    interpolation : {"bilinear", "nearest", "bicubic", "area", "lanczos4"}, \
            default="bilinear"
        OpenCV kernel of the resize (see :class:`~sklearn_dlprep.ImageFileReader`).

    class_names : list of str or None, default=None
        Sub-folders to read, in label order. ``None`` reads every sub-folder whose
        name does not start with ``.``, sorted.

    follow_links : bool, default=False
        Follow symbolic links to folders below the class sub-folders (the class
        sub-folders themselves are read even when they are links, as in Keras).

    on_error : {"raise", "skip"}, default="raise"
        A file that cannot be read (truncated, empty, not an image, no read
        permission) raises a ``ValueError`` naming it, or, with ``"skip"``, is
        left out with a warning that says how many and which, and listed in
        ``skipped_filenames``. No file is ever replaced by a blank image.

    n_jobs : int or None, default=None
        Threads decoding files. ``None`` means 1 unless in a
        :func:`joblib.parallel_config` context; -1 means all processors.

    verbose : int, default=0
        If positive, print how many files and classes were found, as Keras does.

    return_X_y : bool, default=False
        Return ``(images, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object, with the following attributes.

        images : ndarray of shape (n_images, height, width, channels)
            uint8, or uint16 when the files are 16-bit PNGs or TIFFs.
        target : ndarray of shape (n_images,), int64
            Index of each image's class in ``target_names``.
        target_names : list of str
            The class sub-folders, in label order.
        filenames : ndarray of shape (n_images,), str
            Path of each image.
        skipped_filenames : list of str
            Files left out with ``on_error="skip"``.

    (images, target) : tuple if ``return_X_y`` is True

    See Also
    --------
    sklearn_dlprep.ImageFileReader : Read a column of paths inside a pipeline.

    Notes
    -----
    Files are listed as Keras lists them: class after class, folders sorted by
    path and files by name, found recursively. The extensions read (any case)
    are ``.bmp .gif .jpeg .jpg .pgm .png .ppm .tif .tiff .webp``: those of Keras'
    ``image_dataset_from_directory`` (``.bmp .gif .jpeg .jpg .png``), of its
    legacy ``flow_from_directory`` (adding ``.ppm .tif .tiff``) and of
    torchvision's ``ImageFolder`` (adding ``.pgm .webp``). Unlike torchvision,
    and like Keras, sub-folders whose name starts with ``.`` (such as
    ``.ipynb_checkpoints``) are not classes.

    The whole folder is held in memory; the allocation is refused beforehand
    when it cannot fit.

    Examples
    --------
    >>> import os, tempfile
    >>> import cv2
    >>> import numpy as np
    >>> from sklearn_dlprep.datasets import load_image_folder
    >>> root = tempfile.mkdtemp()
    >>> for name, value in [("cat", 50), ("dog", 200)]:
    ...     os.makedirs(os.path.join(root, name))
    ...     for i in range(3):
    ...         path = os.path.join(root, name, f"{i}.png")
    ...         _ = cv2.imwrite(path, np.full((40, 30, 3), value, dtype=np.uint8))
    >>> data = load_image_folder(root, image_size=(32, 32))
    >>> data.images.shape, data.images.dtype
    ((6, 32, 32, 3), dtype('uint8'))
    >>> data.target_names, data.target
    (['cat', 'dog'], array([0, 0, 0, 1, 1, 1]))
    >>> images, target = load_image_folder(root, color_mode="grayscale",
    ...                                    return_X_y=True)
    >>> images.shape
    (6, 40, 30, 1)
    """
    check_image_size(image_size)
    check_reading_options(color_mode, interpolation, on_error, n_jobs)
    for name, value in [("follow_links", follow_links), ("return_X_y", return_X_y)]:
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} must be a bool, got {value!r}.")
    if (not isinstance(verbose, numbers.Integral) or isinstance(verbose, bool)
            or verbose < 0):
        raise ValueError(f"verbose must be an int >= 0, got {verbose!r}.")

    paths, labels, class_names = index_image_folder(
        directory, class_names=class_names, follow_links=follow_links,
        extensions=IMAGE_EXTENSIONS)
    if verbose:
        print(f"Found {len(paths)} files belonging to {len(class_names)} classes.")
    sequence = ImageFileSequence(paths, image_size, color_mode=color_mode,
                                 interpolation=interpolation, on_error=on_error,
                                 n_jobs=n_jobs)
    batch = sequence.read(np.arange(len(paths)))
    if batch.skipped:
        warn_skipped(batch.skipped, len(paths))
    target = labels[batch.indices]
    if return_X_y:
        return batch.images, target
    return Bunch(
        images=batch.images,
        target=target,
        target_names=class_names,
        filenames=np.array(paths)[batch.indices],
        skipped_filenames=[filename for _, filename, _ in batch.skipped],
    )
