"""Pictures of what augmentation and balancing do, with matplotlib.

matplotlib is an optional dependency: ``pip install "sklearn-dlprep[plot]"``. Each
function returns a :class:`matplotlib.figure.Figure` made with :mod:`matplotlib.pyplot`,
so it shows in a notebook, in ``plt.show()`` and in a sphinx-gallery example, and
can be saved with ``fig.savefig("name.png")``.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers

import numpy as np

from .utils._layout import resolve_layout, to_canonical
from .utils._memory import check_allocation
from .utils._validation import _is_pandas_df, validate_samples

__all__ = ["plot_augmentations", "plot_class_counts"]

_INSTALL_HINT = 'pip install "sklearn-dlprep[plot]"'
# Size of one image cell, in inches: large enough for an 8x8 digit to read, small
# enough that the default 8 x 7 grid fits on a screen; photographs get more room.
_CELL_INCHES = 1.15
_LARGE_CELL_INCHES = 2.0
_LARGE_IMAGE_PIXELS = 64
# Memory a figure takes beyond the images: matplotlib needs about 240 kB for each
# axes of the grid (measured with tracemalloc), and the augmenter's draws about 256
# bytes for each augmented sample.
_AXES_BYTES = 200_000
_DRAW_BYTES = 256


def _pyplot(caller):
    """Import matplotlib.pyplot, or say how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"{caller} needs matplotlib, an optional dependency of sklearn-dlprep. "
            f"Install it with: {_INSTALL_HINT}"
        ) from exc
    return plt


def _check_count(value, name, minimum=1):
    if not (isinstance(value, numbers.Integral) and not isinstance(value, bool)
            and value >= minimum):
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}.")
    return int(value)


def plot_augmentations(augmenter, X, n_samples=8, n_variants=6, random_state=None, *,
                       cmap="gray", row_labels=None):
    """Show samples next to augmented versions of them, one sample per row.

    The first column holds the first ``n_samples`` samples of ``X``, the next
    ``n_variants`` columns independent draws of ``augmenter.augment`` on each. The
    layout is the augmenter's: with a ``sample_shape``, the rows of a 2-D ``X`` are
    reshaped to it, and ``data_format="channels_first"`` reads ``(C, H, W)``.
    Images are drawn with the first row at the top and square pixels; a 1-channel
    image in grey, a 3-channel image in colour; a signal as one line per channel.

    Read more in the :ref:`User Guide <augmentation>`.

    Parameters
    ----------
    augmenter : ArrayAugmenter
        The augmenter to show (or another augmenter with its ``augment`` method
        and layout parameters); it is not fitted or changed.

    X : {array-like, DataFrame} of shape (n_samples, n_features) or \
            (n_samples, *sample_shape)
        Samples; the first ``n_samples`` are shown (index ``X`` to choose others).

    n_samples : int, default=8
        Number of samples (rows of the figure).

    n_variants : int, default=6
        Augmented versions of each sample (columns after the original).

    random_state : int, RandomState instance, Generator or None, default=None
        Seeds the draws; ``None`` uses the augmenter's ``random_state``.

    cmap : str or Colormap, default="gray"
        Colour map of 1-channel images (``"gray_r"`` draws dark ink on white, as
        scikit-learn's digits examples do).

    row_labels : list of str, default=None
        Label of each row, such as the sample's class; ``None`` labels them
        ``"sample 0"``, ``"sample 1"``...

    Returns
    -------
    fig : matplotlib.figure.Figure
        ``n_samples`` rows of ``n_variants + 1`` axes. In every row of grey images,
        one intensity scale (the row's smallest and largest value, or 0..255 for
        uint8) is shared, so brightness changes show. Float colour images outside
        [0, 1] are rescaled to [0, 1] per row for display.

    See Also
    --------
    sklearn_dlprep.ArrayAugmenter : The augmenter whose draws are shown.
    plot_class_counts : Class counts before and after balancing.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from sklearn_dlprep import ArrayAugmenter
    >>> from sklearn_dlprep.plotting import plot_augmentations
    >>> X, y = load_digits(return_X_y=True)
    >>> augmenter = ArrayAugmenter(rotation_range=15, zoom_range=0.1,
    ...                            sample_shape=(8, 8), random_state=0)
    >>> fig = plot_augmentations(augmenter, X, n_samples=3, n_variants=4)
    >>> len(fig.axes)
    15
    >>> fig.axes[0].images[0].get_array().shape
    (8, 8)
    """
    plt = _pyplot("plot_augmentations")
    if isinstance(augmenter, type) or not callable(getattr(augmenter, "augment",
                                                           None)):
        raise TypeError(
            "augmenter must be an augmenter instance with an augment method, such as "
            f"ArrayAugmenter(rotation_range=15), got {augmenter!r}."
        )
    n_samples = _check_count(n_samples, "n_samples")
    n_variants = _check_count(n_variants, "n_variants")
    if _is_pandas_df(X):
        X = X.iloc[:n_samples].to_numpy()
    X = np.asarray(X)
    if X.ndim < 2 or X.shape[0] == 0:
        raise ValueError(
            "X must be (n_samples, n_features) or (n_samples, *sample_shape) with at "
            f"least one sample, got shape {X.shape}."
        )
    layout = resolve_layout(X.shape, getattr(augmenter, "sample_shape", None),
                            getattr(augmenter, "spatial_ndim", None),
                            getattr(augmenter, "data_format", "channels_last"))
    # Validated here, so that NaN is reported by its row of X (the augmenter sees
    # a stack of copies, whose rows are not the caller's).
    originals = validate_samples(None, X[:n_samples])
    n_shown = originals.shape[0]
    if row_labels is None:
        row_labels = [f"sample {row}" for row in range(n_shown)]
    elif len(row_labels) != n_shown:
        raise ValueError(f"row_labels has {len(row_labels)} labels for {n_shown} "
                         "rows shown; give one per row.")
    n_augmented = n_shown * n_variants
    check_allocation(
        n_augmented * (2 * originals[:1].nbytes + _DRAW_BYTES)
        + n_shown * (n_variants + 1) * _AXES_BYTES,
        f"plot_augmentations with n_samples={n_shown} and n_variants={n_variants}",
        f"Lower n_variants (now {n_variants}) or n_samples (now {n_samples}).")
    # One call for every variant: one draw per output row, all from one generator.
    stack = np.tile(originals, (n_variants,) + (1,) * (originals.ndim - 1))
    variants = augmenter.augment(stack, random_state=random_state)
    originals = to_canonical(np.asarray(originals), layout)
    variants = to_canonical(np.asarray(variants), layout).reshape(
        (n_variants, n_shown) + originals.shape[1:])

    height, width, n_channels = originals.shape[1:]
    signal = layout.spatial_ndim == 1
    if signal:
        cell = (1.8, 1.1)
    else:
        # Cells follow the image's aspect ratio so that pixels stay square.
        ratio = np.clip(height / width, 0.25, 4.0)
        size = (_LARGE_CELL_INCHES if max(height, width) >= _LARGE_IMAGE_PIXELS
                else _CELL_INCHES)
        cell = (size / max(1.0, ratio), size * min(1.0, ratio))
    n_cols = n_variants + 1
    fig, axes = plt.subplots(
        n_shown, n_cols, squeeze=False, layout="constrained",
        figsize=(0.6 + cell[0] * n_cols, 0.5 + (cell[1] + 0.25) * n_shown),
    )
    note = ""
    if not signal and n_channels not in (1, 3):
        note = f" (channel 0 of {n_channels} shown)"
    for row in range(n_shown):
        row_images = [originals[row]] + [variants[k, row] for k in range(n_variants)]
        if signal:
            _draw_signal_row(axes[row], row_images)
        else:
            _draw_image_row(axes[row], row_images, cmap)
        # Horizontal, so that a long label never runs into the next row.
        axes[row, 0].set_ylabel(str(row_labels[row]), fontsize=9, rotation=0,
                                ha="right", va="center")
    for col, ax in enumerate(axes[0]):
        ax.set_title("original" if col == 0 else f"augmented {col}", fontsize=9)
    fig.suptitle(f"{type(augmenter).__name__}: originals and augmented versions"
                 f"{note}", fontsize=10)
    return fig


def _display_range(images):
    """Common intensity range of a row of images, for one colour scale."""
    if images[0].dtype == np.uint8:
        return 0.0, 255.0
    low = float(min(image.min() for image in images))
    high = float(max(image.max() for image in images))
    if high <= low:
        high = low + 1.0
    return low, high


def _draw_image_row(axes, images, cmap):
    """Draw canonical ``(H, W, C)`` images, first row at the top, square pixels."""
    low, high = _display_range(images)
    n_channels = images[0].shape[-1]
    colour = n_channels == 3
    rescale = colour and images[0].dtype != np.uint8 and (low < 0 or high > 1)
    for ax, image in zip(axes, images, strict=True):
        if colour:
            shown = (image - low) / (high - low) if rescale else image
            ax.imshow(shown, origin="upper", aspect="equal", interpolation="nearest")
        else:
            ax.imshow(image[..., 0], cmap=cmap, vmin=low, vmax=high, origin="upper",
                      aspect="equal", interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])


def _draw_signal_row(axes, signals):
    """Draw canonical ``(1, T, C)`` signals, one line per channel, shared y-axis."""
    low, high = _display_range(signals)
    margin = 0.05 * (high - low)
    for ax, signal in zip(axes, signals, strict=True):
        values = signal[0]
        ax.plot(np.arange(values.shape[0]), values, linewidth=1)
        ax.set_ylim(low - margin, high + margin)
        ax.set_xticks([])
        ax.set_yticks([])


def plot_class_counts(y_before, y_after, *, labels=("before", "after")):
    """Bar chart of the rows per class before and after resampling.

    Read more in the :ref:`User Guide <balancing>`.

    Parameters
    ----------
    y_before : array-like of shape (n_samples,)
        Class labels before resampling.

    y_after : array-like of shape (n_samples_resampled,)
        Class labels after resampling, such as the ``y`` that
        ``BalancingResampler.fit_resample`` returns.

    labels : (str, str), default=("before", "after")
        Legend entries of the two bars of each class.

    Returns
    -------
    fig : matplotlib.figure.Figure
        One axes with two bars per class (every class of either ``y``, in sorted
        order), each labelled with its count.

    See Also
    --------
    sklearn_dlprep.BalancingResampler : Balance classes by augmentation.
    plot_augmentations : Samples next to augmented versions of them.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_dlprep.plotting import plot_class_counts
    >>> fig = plot_class_counts(["cat"] * 5 + ["dog"] * 2, ["cat"] * 5 + ["dog"] * 5)
    >>> ax = fig.axes[0]
    >>> [int(bar.get_height()) for bar in ax.patches]
    [5, 2, 5, 5]
    >>> [tick.get_text() for tick in ax.get_xticklabels()]
    ['cat', 'dog']
    """
    plt = _pyplot("plot_class_counts")
    y_before = np.asarray(y_before)
    y_after = np.asarray(y_after)
    for name, y in (("y_before", y_before), ("y_after", y_after)):
        if y.ndim != 1:
            raise ValueError(f"{name} must be 1-D class labels, got shape {y.shape}.")
    if len(labels) != 2:
        raise ValueError(f"labels must be two strings, got {labels!r}.")
    classes = np.unique(np.concatenate([y_before, y_after]))
    counts = [np.array([np.count_nonzero(y == cls) for cls in classes])
              for y in (y_before, y_after)]

    fig, ax = plt.subplots(figsize=(max(4.5, 0.7 * len(classes) + 1.5), 3.9),
                           layout="constrained")
    positions = np.arange(len(classes))
    bar_width = 0.4
    offsets = (-bar_width / 2, bar_width / 2)
    for offset, count, label in zip(offsets, counts, labels, strict=True):
        bars = ax.bar(positions + offset, count, bar_width, label=label)
        if len(classes) <= 30:
            ax.bar_label(bars, fontsize=8, padding=1)
    ax.set_xticks(positions, [str(cls) for cls in classes.tolist()],
                  rotation=90 if len(classes) > 15 else 0)
    ax.set_xlabel("class")
    ax.set_ylabel("rows")
    ax.set_title("Rows per class")
    ax.margins(y=0.1)
    # Outside the axes, where no bar can be hidden behind it.
    fig.legend(loc="outside lower center", ncols=2, frameon=False)
    return fig
