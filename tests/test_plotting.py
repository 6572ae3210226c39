"""Tests of sklearn_dlprep.plotting: grids, orientation, colour, missing matplotlib."""

import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from sklearn_dlprep import ArrayAugmenter  # noqa: E402
from sklearn_dlprep.plotting import (  # noqa: E402
    plot_augmentations,
    plot_class_counts,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _images(fig):
    """The image of every axes, row by row."""
    return [ax.images[0].get_array() for ax in fig.axes]


def test_grid_has_one_image_per_sample_and_variant():
    """n_samples rows of 1 + n_variants axes, each holding exactly one image."""
    X = np.random.default_rng(0).random((5, 8, 8))
    fig = plot_augmentations(ArrayAugmenter(rotation_range=10), X, n_samples=3,
                             n_variants=4)
    assert len(fig.axes) == 3 * 5
    assert all(len(ax.images) == 1 for ax in fig.axes)
    assert [ax.get_title() for ax in fig.axes[:5]] == [
        "original", "augmented 1", "augmented 2", "augmented 3", "augmented 4"]


def test_fewer_samples_than_asked_shows_them_all():
    """With fewer rows in X than n_samples, every row is shown once."""
    X = np.zeros((2, 4, 4))
    fig = plot_augmentations(ArrayAugmenter(sample_shape=(4, 4)), X, n_samples=8,
                             n_variants=1)
    assert len(fig.axes) == 2 * 2


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_grey_rows_of_2d_X_are_drawn_as_stored_first_row_on_top(dtype):
    """Rows of a 2-D X are reshaped to sample_shape and drawn unflipped, square."""
    X = np.arange(3 * 6 * 10, dtype=dtype).reshape(3, 60)
    fig = plot_augmentations(ArrayAugmenter(sample_shape=(6, 10)), X, n_samples=2,
                             n_variants=2)
    ax = fig.axes[0]
    image = ax.images[0]
    np.testing.assert_array_equal(image.get_array(), X[0].reshape(6, 10))
    assert image.origin == "upper"
    assert ax.get_aspect() == 1.0
    assert image.get_cmap().name == "gray"
    # The second row starts with the second sample.
    np.testing.assert_array_equal(fig.axes[3].images[0].get_array(),
                                  X[1].reshape(6, 10))


def test_variants_are_the_augmenters_draws_in_their_place():
    """Column k of row r holds draw k of sample r of one augment call."""
    X = np.random.default_rng(1).random((2, 7, 9))
    augmenter = ArrayAugmenter(rotation_range=30, zoom_range=0.2, random_state=0)
    fig = plot_augmentations(augmenter, X, n_samples=2, n_variants=3)
    expected = augmenter.augment(np.concatenate([X] * 3), random_state=0)
    images = _images(fig)
    for row in range(2):
        for k in range(3):
            np.testing.assert_array_equal(images[row * 4 + 1 + k],
                                          expected[k * 2 + row])
    assert not np.array_equal(images[1], images[0])


def test_random_state_overrides_the_augmenters():
    """The same random_state gives the same figure; None uses the augmenter's."""
    X = np.random.default_rng(2).random((1, 8, 8))
    augmenter = ArrayAugmenter(rotation_range=40, random_state=5)
    first = _images(plot_augmentations(augmenter, X, n_samples=1, n_variants=2,
                                       random_state=1))
    second = _images(plot_augmentations(augmenter, X, n_samples=1, n_variants=2,
                                        random_state=1))
    default = _images(plot_augmentations(augmenter, X, n_samples=1, n_variants=2))
    np.testing.assert_array_equal(first[1], second[1])
    np.testing.assert_array_equal(default[1],
                                  augmenter.augment(X, random_state=5)[0])


def test_single_channel_axis_is_drawn_grey():
    """(H, W, 1) images are drawn as 2-D grey images."""
    X = np.random.default_rng(3).random((2, 5, 6, 1)).astype(np.float32)
    fig = plot_augmentations(ArrayAugmenter(), X, n_samples=1, n_variants=1)
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), X[0, ..., 0])


def test_uint8_rgb_is_drawn_in_colour_as_stored():
    """A 3-channel uint8 image is drawn as RGB, unchanged, non-square kept."""
    X = np.random.default_rng(4).integers(0, 256, (2, 6, 10, 3), dtype=np.uint8)
    fig = plot_augmentations(ArrayAugmenter(horizontal_flip=True), X, n_samples=2,
                             n_variants=1)
    shown = fig.axes[0].images[0].get_array()
    assert shown.shape == (6, 10, 3)
    np.testing.assert_array_equal(shown, X[0])


def test_channels_first_is_drawn_channels_last():
    """data_format="channels_first" reads (C, H, W); the picture is the same."""
    X = np.random.default_rng(5).random((2, 6, 10, 3))
    X_first = np.moveaxis(X, -1, 1).reshape(2, -1)
    augmenter = ArrayAugmenter(sample_shape=(3, 6, 10),
                               data_format="channels_first")
    fig = plot_augmentations(augmenter, X_first, n_samples=1, n_variants=1)
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), X[0])


def test_float_rgb_outside_unit_range_is_rescaled_for_display():
    """Float colour images outside [0, 1] are shown rescaled to [0, 1]."""
    X = np.random.default_rng(6).normal(size=(1, 4, 4, 3))
    fig = plot_augmentations(ArrayAugmenter(), X, n_samples=1, n_variants=1)
    shown = np.asarray(fig.axes[0].images[0].get_array())
    assert shown.min() >= 0 and shown.max() <= 1
    assert np.corrcoef(shown.ravel(), X[0].ravel())[0, 1] > 0.999


def test_other_channel_counts_show_channel_zero_and_say_so():
    """With 2 channels the first is drawn grey and the title says so."""
    X = np.random.default_rng(7).random((1, 5, 5, 2))
    fig = plot_augmentations(ArrayAugmenter(), X, n_samples=1, n_variants=1)
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), X[0, ..., 0])
    assert "channel 0 of 2" in fig.get_suptitle()


def test_signals_are_drawn_as_lines():
    """1-D signals (T, C) give one line per channel and no image."""
    X = np.random.default_rng(8).random((2, 50, 2))
    augmenter = ArrayAugmenter(width_shift_range=0.1, spatial_ndim=1)
    fig = plot_augmentations(augmenter, X, n_samples=2, n_variants=2)
    assert len(fig.axes) == 2 * 3
    assert all(not ax.images and len(ax.lines) == 2 for ax in fig.axes)
    np.testing.assert_array_equal(fig.axes[0].lines[1].get_ydata(), X[0, :, 1])


def test_row_labels_label_the_rows():
    """row_labels become the labels of the first column; a wrong count is refused."""
    X = np.zeros((2, 4, 4))
    augmenter = ArrayAugmenter(sample_shape=(4, 4))
    fig = plot_augmentations(augmenter, X, n_samples=2, n_variants=1,
                             row_labels=["cat", "dog"])
    assert [fig.axes[i].get_ylabel() for i in (0, 2)] == ["cat", "dog"]
    with pytest.raises(ValueError, match="one per row"):
        plot_augmentations(augmenter, X, n_samples=2, row_labels=["cat"])


@pytest.mark.parametrize("name, value", [("n_samples", 0), ("n_variants", 1.5)])
def test_bad_counts_are_refused(name, value):
    """n_samples and n_variants must be positive ints."""
    with pytest.raises(ValueError, match=name):
        plot_augmentations(ArrayAugmenter(), np.zeros((2, 4, 4)), **{name: value})


def test_sample_shape_mismatch_is_refused():
    """A sample_shape that does not fit X is the augmenter's ValueError."""
    with pytest.raises(ValueError, match="sample_shape"):
        plot_augmentations(ArrayAugmenter(sample_shape=(5, 5)), np.zeros((2, 16)))


def test_class_counts_bars_follow_the_labels():
    """Two bars per class (union of both y, sorted) with the counts as heights."""
    fig = plot_class_counts([2, 2, 2, 0], [2, 2, 2, 0, 0, 0, 5])
    ax = fig.axes[0]
    heights = [int(bar.get_height()) for bar in ax.patches]
    assert heights == [1, 3, 0, 3, 3, 1]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "2", "5"]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["before", "after"]


def test_class_counts_refuses_2d_labels():
    """One-hot or 2-D labels are refused with the shape."""
    with pytest.raises(ValueError, match="1-D"):
        plot_class_counts(np.zeros((3, 2)), [0, 1, 1])


@pytest.mark.parametrize("call", [
    lambda: plot_augmentations(ArrayAugmenter(), np.zeros((1, 4, 4))),
    lambda: plot_class_counts([0, 1], [0, 1]),
])
def test_missing_matplotlib_says_how_to_install_it(monkeypatch, call):
    """Without matplotlib the ImportError names the plot extra."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "sklearn-dlprep\[plot\]"'):
        call()


def test_nan_rows_are_named_by_their_row_in_X():
    """NaN in the shown samples is refused naming the rows of X (not the rows of
    the stack of variants the augmenter receives)."""
    X = np.zeros((10, 4, 4), dtype=np.float32)
    X[[2, 5], 1, 1] = np.nan
    with pytest.raises(ValueError, match=r"NaN \(first rows at fault: \[2, 5\]\)"):
        plot_augmentations(ArrayAugmenter(sample_shape=(4, 4)), X, n_samples=8,
                           n_variants=6)


@pytest.mark.parametrize("augmenter", [None, "rotate", ArrayAugmenter])
def test_augmenter_that_cannot_augment_is_a_type_error(augmenter):
    """None, a string or a class instead of an augmenter is a TypeError naming the
    parameter (None gave an AttributeError)."""
    with pytest.raises(TypeError, match=r"augmenter must be an augmenter .*such as "
                                        r"ArrayAugmenter.*got"):
        plot_augmentations(augmenter, np.zeros((2, 4, 4)), n_samples=2)


def test_grid_too_large_for_memory_is_refused_before_allocating(monkeypatch):
    """n_samples x n_variants copies that cannot fit are refused before any work,
    with the bytes needed and the parameters to lower."""
    from sklearn_dlprep.utils import _memory

    monkeypatch.setattr(_memory, "available_memory", lambda: 1_000_000)
    X = np.zeros((8, 64, 64, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match=r"would need [\d,]+ bytes .* available\. "
                                         r"Lower n_variants \(now 100\) or n_samples"):
        plot_augmentations(ArrayAugmenter(), X, n_samples=8, n_variants=100)
    assert not plt.get_fignums()


def test_a_billion_variants_are_refused_with_the_memory_at_hand():
    """The request of issue 11 (n_variants=10**9) is refused at once with the
    machine's real memory, before the stack of copies is built."""
    X = np.zeros((8, 64), dtype=np.float64)
    with pytest.raises(ValueError, match=r"would need [\d,]+ bytes.*n_variants"):
        plot_augmentations(ArrayAugmenter(sample_shape=(8, 8)), X,
                           n_variants=10**9)
