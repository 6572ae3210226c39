"""How a sample is read from the shape of X: an ambiguous 3-D array is refused with
both readings, and each reading is accepted once asked for (API.md, "Ambiguous
input")."""

import numpy as np
import pytest

from sklearn_dlprep import (
    ArrayAugmenter,
    BalancingResampler,
    ChannelStandardizer,
    SampleStandardizer,
)

Y = np.array([0, 0, 0, 0, 1, 1])


def _ambiguous(channels=3, dtype=np.float32):
    """Six rows of 10 x ``channels``: one 6 x 10 colour image, or six grey images."""
    return np.random.default_rng(0).random((6, 10, channels)).astype(dtype)


# Every public entry point that reads a sample's layout from X, with the parameters
# it takes to resolve it.
ENTRIES = {
    "augment": lambda X, **kw: ArrayAugmenter(width_shift_range=0.1, **kw).augment(X),
    "fit_resample": lambda X, **kw: ArrayAugmenter(**kw).fit_resample(X, Y),
    "sample_params": lambda X, **kw: ArrayAugmenter(**kw).sample_params(X),
    "apply_params": lambda X, **kw: ArrayAugmenter(**kw).apply_params(
        X, {"tx": np.ones(len(X))}),
    "flow": lambda X, **kw: list(ArrayAugmenter(**kw).flow(X, Y, batch_size=4)),
    "BalancingResampler": lambda X, **kw: BalancingResampler(
        ArrayAugmenter(**kw), random_state=0).fit_resample(X, Y),
    "ChannelStandardizer": lambda X, **kw: ChannelStandardizer(**kw).fit(X),
    "SampleStandardizer": lambda X, **kw: SampleStandardizer(**kw).fit_transform(X),
}
SCALERS = ("ChannelStandardizer", "SampleStandardizer")


@pytest.mark.parametrize("channels", [3, 4])
@pytest.mark.parametrize("entry", ENTRIES)
def test_colour_image_or_grey_batch_is_refused_with_both_readings(entry, channels):
    """(6, 10, 3) may be one 6x10 colour image without its batch axis or six grey
    10x3 images: a ValueError shows both readings and how to ask for each."""
    X = _ambiguous(channels)
    with pytest.raises(ValueError) as excinfo:
        ENTRIES[entry](X)
    message = str(excinfo.value)
    assert f"X of shape (6, 10, {channels}) is ambiguous" in message
    assert "one colour image of 6x10 pixels" in message
    assert "X[np.newaxis]" in message
    assert "a batch of 6 grey images of 10x" in message
    assert f"sample_shape=(10, {channels})" in message
    assert "spatial_ndim=2" in message


@pytest.mark.parametrize("entry", ENTRIES)
def test_one_colour_image_is_read_with_a_batch_axis(entry):
    """X[np.newaxis] is one colour image: accepted, shape kept."""
    X = _ambiguous()[np.newaxis]
    if entry in ("fit_resample", "flow", "BalancingResampler"):
        X = np.concatenate([X] * len(Y))
    result = ENTRIES[entry](X)
    if isinstance(result, np.ndarray):
        assert result.shape[1:] == (6, 10, 3)


@pytest.mark.parametrize("entry", ENTRIES)
def test_grey_images_are_read_with_their_sample_shape(entry):
    """sample_shape=(10, 3) reads six grey images of 10x3."""
    ENTRIES[entry](_ambiguous(), sample_shape=(10, 3))


@pytest.mark.parametrize("spatial_ndim", [1, 2])
@pytest.mark.parametrize("entry", [e for e in ENTRIES if e not in SCALERS])
def test_spatial_ndim_resolves_the_ambiguity(entry, spatial_ndim):
    """spatial_ndim=2 reads grey images, spatial_ndim=1 signals of 10 steps with 3
    channels; both are accepted and keep the shape."""
    result = ENTRIES[entry](_ambiguous(), spatial_ndim=spatial_ndim)
    if isinstance(result, np.ndarray):
        assert result.shape == (6, 10, 3)


@pytest.mark.parametrize("channels", [1, 2, 5])
def test_other_last_axes_are_grey_images_as_before(channels):
    """A last axis that is no colour channel count (1, 2, 5) is not ambiguous: a
    batch of grey images, augmented without complaint."""
    X = _ambiguous(channels)
    out = ArrayAugmenter(width_shift_range=0.1, random_state=0).augment(X)
    assert out.shape == X.shape


def test_channels_first_3d_is_a_batch_of_grey_images():
    """With data_format="channels_first" the channel axis would come first, so a
    last axis of 3 is a width: a batch of grey images, not ambiguous."""
    X = _ambiguous()
    out = ArrayAugmenter(width_shift_range=0.1, data_format="channels_first",
                         random_state=0).augment(X)
    assert out.shape == X.shape


def test_ambiguous_flat_rows_need_no_guess():
    """A 2-D X is a table: its rows are signals unless sample_shape says otherwise,
    whatever the number of columns (no ambiguity to refuse)."""
    X = _ambiguous().reshape(6, 30)[:, :3]
    assert ArrayAugmenter(width_shift_range=0.1).augment(X).shape == (6, 3)


def test_sample_shape_whose_size_overflows_int64_is_refused():
    """A sample_shape whose product wraps around in int64 (to 64 here) is compared
    by its true size, and refused."""
    huge = (192, (2**59 + 1) // 3)
    X = np.zeros((2, 64), dtype=np.float32)
    with pytest.raises(ValueError, match=rf"sample_shape=\(192, {huge[1]}\) holds "
                                         rf"{192 * huge[1]} values but X has 64"):
        ArrayAugmenter(sample_shape=huge).augment(X)
    with pytest.raises(ValueError, match=r"holds \d{20} values"):
        ChannelStandardizer(sample_shape=huge).fit(X)
