"""ArrayAugmenter: each parameter does what its name says; sampler semantics."""

import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import Pipeline
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier

from sklearn_dlprep import ArrayAugmenter

KERAS_CONFIG = dict(rotation_range=40, width_shift_range=0.2, height_shift_range=0.2,
                    shear_range=0.2, zoom_range=0.2, horizontal_flip=True,
                    fill_mode="nearest")


def _bar_image(height=12, width=16):
    """A single bright pixel on a dark float image: easy to track."""
    image = np.zeros((height, width), dtype=np.float32)
    image[5, 6] = 1.0
    return image


def _peak(image):
    return np.unravel_index(np.argmax(image), image.shape)


# Each parameter does what its name says -------------------------------------------

def test_width_shift_moves_content_along_the_width_only():
    """A pure width_shift_range moves content along columns, never rows."""
    X = np.repeat(_bar_image()[None], 50, axis=0)
    out = ArrayAugmenter(width_shift_range=5, random_state=0).augment(X)
    peaks = np.array([_peak(img) for img in out])
    params = ArrayAugmenter(width_shift_range=5, random_state=0).sample_params(X)
    assert np.all(peaks[:, 0] == 5), "a width shift moved content vertically"
    assert len(set(peaks[:, 1])) > 3
    np.testing.assert_array_equal(params["ty"], 0)
    # out[r, c] = in[r + ty, c + tx]: the peak moves to column 6 - tx
    np.testing.assert_allclose(peaks[:, 1], np.rint(6 - params["tx"]), atol=1)


def test_height_shift_moves_content_along_the_height_only():
    """A pure height_shift_range moves content along rows, never columns."""
    X = np.repeat(_bar_image()[None], 50, axis=0)
    out = ArrayAugmenter(height_shift_range=4, random_state=1).augment(X)
    peaks = np.array([_peak(img) for img in out])
    assert np.all(peaks[:, 1] == 6), "a height shift moved content horizontally"
    assert len(set(peaks[:, 0])) > 3


def test_fractional_shift_is_a_fraction_of_the_axis():
    """A shift range below 1 is a fraction of that axis, in pixels in the draw."""
    X = np.zeros((2000, 10, 40))
    params = ArrayAugmenter(width_shift_range=0.25,
                            height_shift_range=0.5).sample_params(X, 0)
    assert np.abs(params["tx"]).max() <= 10 and np.abs(params["tx"]).max() > 9
    assert np.abs(params["ty"]).max() <= 5 and np.abs(params["ty"]).max() > 4.5


def test_shear_is_in_degrees():
    """shear=45 leans a vertical line by sin(45 degrees) columns per row."""
    X = np.zeros((1, 21, 21))
    X[0, :, 10] = 1.0  # a vertical line through the centre
    out = ArrayAugmenter().apply_params(X, {"shear": np.array([45.0])})
    cols = [int(np.argmax(row)) for row in out[0, 3:-3]]
    # Keras' inverse shear reads src_x = x - sin(shear) * y about the centre.
    slope = np.polyfit(np.arange(len(cols)), cols, 1)[0]
    assert slope == pytest.approx(np.sin(np.deg2rad(45)), abs=0.05)


def test_zoom_above_one_shrinks_content():
    """As in Keras, a zoom factor above 1 shows more of the scene."""
    X = np.zeros((1, 21, 21))
    X[0, 5:16, 5:16] = 1.0
    out = ArrayAugmenter(fill_mode="constant").apply_params(
        X, {"zx": np.array([2.0]), "zy": np.array([2.0])})
    assert out[0].sum() < X[0].sum() / 2


def test_brightness_multiplies_without_rescaling():
    """brightness_range scales intensities; [0, 1] floats stay on that scale."""
    X = np.full((20, 4, 4, 3), 0.5, dtype=np.float32)
    out = ArrayAugmenter(brightness_range=(0.5, 1.5), random_state=0).augment(X)
    params = ArrayAugmenter(brightness_range=(0.5, 1.5),
                            random_state=0).sample_params(X)
    np.testing.assert_allclose(out[:, 0, 0, 0], 0.5 * params["brightness"],
                               rtol=1e-6)
    assert out.max() <= 0.75 + 1e-6


def test_brightness_on_uint8_rounds_and_clips():
    """uint8 stays uint8: the product is rounded and clipped to 0..255."""
    X = np.full((1, 3, 3, 3), 200, dtype=np.uint8)
    aug = ArrayAugmenter()
    out = aug.apply_params(X, {"brightness": np.array([1.5])})
    assert out.dtype == np.uint8 and np.all(out == 255)
    out = aug.apply_params(X, {"brightness": np.array([0.501])})
    assert np.all(out == 100)


def test_channel_shift_adds_and_clips_to_the_sample_range():
    """Keras' channel shift: one intensity added, clipped to the sample's range."""
    X = np.zeros((1, 2, 2, 3))
    X[0, 0, 0] = [0.0, 0.5, 1.0]
    out = ArrayAugmenter().apply_params(X, {"channel_shift_intensity": [0.25]})
    np.testing.assert_allclose(out[0, 0, 0], [0.25, 0.75, 1.0])
    np.testing.assert_allclose(out[0, 1, 1], [0.25, 0.25, 0.25])


def test_noise_has_the_requested_std_and_no_bias():
    """noise_std adds zero-mean Gaussian noise of that standard deviation."""
    X = np.zeros((50, 16, 16), dtype=np.float32)
    out = ArrayAugmenter(noise_std=0.1, random_state=0).augment(X)
    assert out.std() == pytest.approx(0.1, rel=0.05)
    assert abs(out.mean()) < 0.005


def test_flips_happen_half_the_time():
    """horizontal_flip flips about half the samples, each exactly mirrored."""
    X = np.random.default_rng(0).random((400, 5, 7)).astype(np.float32)
    out = ArrayAugmenter(horizontal_flip=True, random_state=0).augment(X)
    flipped = np.array([np.allclose(o, x[:, ::-1]) for o, x in zip(out, X)])
    kept = np.array([np.array_equal(o, x) for o, x in zip(out, X)])
    assert np.all(flipped | kept)
    assert 150 < flipped.sum() < 250


def test_zero_ranges_give_the_identity_exactly():
    """With every range at zero, augment returns the input unchanged."""
    X = np.random.default_rng(0).integers(0, 256, (10, 8, 8, 3), dtype=np.uint8)
    np.testing.assert_array_equal(ArrayAugmenter().augment(X), X)


# Signals ------------------------------------------------------------------------

def test_signals_shift_along_time_and_keep_channels():
    """A (T, C) signal shifts along time; channels are not mixed."""
    t = np.linspace(0, 1, 100)
    X = np.stack([np.sin(8 * t), np.cos(8 * t)], axis=-1)[None].repeat(3, axis=0)
    aug = ArrayAugmenter(spatial_ndim=1)
    out = aug.apply_params(X, {"tx": np.array([2.0, 0.0, -3.0])})
    np.testing.assert_allclose(out[0, :-2], X[0, 2:], atol=1e-6)
    np.testing.assert_allclose(out[1], X[1], atol=1e-6)
    np.testing.assert_allclose(out[2, 3:], X[2, :-3], atol=1e-6)


def test_signal_flip_reverses_time_and_zoom_stretches_it():
    """horizontal flip reverses a 1-D signal; zoom stretches it about the centre."""
    X = np.arange(11.0)[None].repeat(2, axis=0)
    out = ArrayAugmenter().apply_params(X, {"flip_horizontal": [True, False],
                                            "zx": [1.0, 0.5]})
    np.testing.assert_allclose(out[0], X[0, ::-1], atol=1e-6)
    np.testing.assert_allclose(out[1], 5 + (np.arange(11) - 5) * 0.5, atol=1e-6)


@pytest.mark.parametrize("param, value", [("rotation_range", 10),
                                          ("shear_range", 5),
                                          ("height_shift_range", 0.1),
                                          ("vertical_flip", True)])
def test_image_only_transforms_on_signals_say_what_to_pass(param, value):
    """Rotating a 1-D signal is refused with a message naming the fix."""
    aug = ArrayAugmenter(**{param: value})
    with pytest.raises(ValueError, match=rf"{param}=.*needs 2-D images.*sample_shape"):
        aug.fit_resample(np.zeros((4, 20)), np.arange(4))


def test_channel_shift_without_channel_axis_is_refused():
    """A channel shift on grey images without a channel axis names the fix."""
    match = r"channel_shift_range.*sample_shape=\(8, 8, 1\)"
    with pytest.raises(ValueError, match=match):
        ArrayAugmenter(channel_shift_range=0.1, sample_shape=(8, 8)).augment(
            np.zeros((2, 64)))


# Layouts and dtypes ---------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64, np.uint16,
                                   np.int16, np.float16, np.int32])
def test_dtype_is_preserved(dtype):
    """Output dtype equals input dtype, with the Keras configuration."""
    X = (np.random.default_rng(0).random((6, 10, 10, 3)) * 100).astype(dtype)
    out = ArrayAugmenter(**KERAS_CONFIG, random_state=0).augment(X)
    assert out.dtype == dtype and out.shape == X.shape


def test_2d_in_2d_out_equals_nd_in_nd_out():
    """Rows with sample_shape give the same pixels as the N-d array."""
    X = np.random.default_rng(0).random((5, 6, 7, 3)).astype(np.float32)
    nd = ArrayAugmenter(**KERAS_CONFIG, random_state=3).augment(X)
    flat = ArrayAugmenter(**KERAS_CONFIG, sample_shape=(6, 7, 3),
                          random_state=3).augment(X.reshape(5, -1))
    assert flat.shape == (5, 6 * 7 * 3)
    np.testing.assert_array_equal(flat.reshape(X.shape), nd)


def test_channels_first_matches_channels_last():
    """data_format="channels_first" reads (C, H, W) and gives the same pixels."""
    X = np.random.default_rng(0).random((4, 9, 9, 3)).astype(np.float32)
    last = ArrayAugmenter(**KERAS_CONFIG, random_state=2).augment(X)
    first = ArrayAugmenter(**KERAS_CONFIG, data_format="channels_first",
                           random_state=2).augment(np.moveaxis(X, -1, 1))
    np.testing.assert_allclose(np.moveaxis(first, 1, -1), last, atol=1e-6)


def test_sample_shape_mismatch_names_both_numbers():
    """A sample_shape that does not match n_features says both."""
    with pytest.raises(ValueError, match=r"\(8, 8\) holds 64 values but X has 60"):
        ArrayAugmenter(sample_shape=(8, 8)).fit_resample(np.zeros((3, 60)),
                                                         [0, 1, 2])


def test_dataframe_in_dataframe_out():
    """A DataFrame comes back with the same columns; a Series keeps its name."""
    X, y = load_digits(return_X_y=True)
    X_df = pd.DataFrame(X[:20], columns=[f"px{i}" for i in range(64)])
    y_s = pd.Series(y[:20], name="digit")
    X_res, y_res = ArrayAugmenter(rotation_range=10, sample_shape=(8, 8),
                                  random_state=0).fit_resample(X_df, y_s)
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == list(
        X_df.columns)
    assert isinstance(y_res, pd.Series) and y_res.name == "digit"
    assert len(X_res) == 40
    out = ArrayAugmenter(rotation_range=10, sample_shape=(8, 8)).augment(X_df)
    assert isinstance(out, pd.DataFrame) and out.index.equals(X_df.index)


def test_input_is_never_modified():
    """fit_resample, augment and apply_params leave the caller's arrays alone."""
    X = np.random.default_rng(0).random((8, 10, 10, 3)).astype(np.float32)
    y = np.arange(8)
    X_copy, y_copy = X.copy(), y.copy()
    aug = ArrayAugmenter(**KERAS_CONFIG, brightness_range=(0.5, 1.5),
                         channel_shift_range=0.1, noise_std=0.1, random_state=0)
    aug.fit_resample(X, y)
    params = aug.sample_params(X)
    params_copy = {k: None if v is None else v.copy() for k, v in params.items()}
    aug.augment(X)
    aug.apply_params(X, params)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)
    for key, value in params.items():
        np.testing.assert_array_equal(value, params_copy[key])


def test_sparse_input_is_refused():
    """Augmenting a scipy sparse matrix has no meaning: TypeError."""
    import scipy.sparse as sp

    with pytest.raises(TypeError, match="sparse"):
        ArrayAugmenter().fit_resample(sp.csr_matrix(np.eye(4)), [0, 1, 0, 1])


# Sampler semantics ----------------------------------------------------------------

def test_fit_resample_returns_originals_then_copies():
    """Originals first, then n_copies augmented copies; labels follow."""
    X = np.random.default_rng(0).random((10, 8, 8)).astype(np.float32)
    y = np.arange(10)
    aug = ArrayAugmenter(rotation_range=20, n_copies=3, random_state=0)
    X_res, y_res = aug.fit_resample(X, y)
    assert X_res.shape == (40, 8, 8)
    np.testing.assert_array_equal(X_res[:10], X)
    np.testing.assert_array_equal(y_res, np.tile(y, 4))
    np.testing.assert_array_equal(aug.sample_indices_, np.tile(np.arange(10), 4))
    assert not np.allclose(X_res[10:20], X)


def test_keep_original_false_returns_only_copies():
    """keep_original=False returns n_copies augmented rows per sample."""
    X = np.zeros((5, 4, 4))
    X_res, y_res = ArrayAugmenter(n_copies=2, keep_original=False,
                                  sample_shape=(4, 4)).fit_resample(
        X, np.arange(5))
    assert X_res.shape == (10, 4, 4)
    np.testing.assert_array_equal(y_res, np.tile(np.arange(5), 2))


def test_shuffle_mixes_rows_and_keeps_them_with_their_labels():
    """shuffle=True permutes rows; sample_indices_ and labels still match."""
    X = np.arange(20.0)[:, None, None] * np.ones((1, 3, 3))
    y = np.arange(20)
    aug = ArrayAugmenter(shuffle=True, spatial_ndim=2, random_state=0)
    X_res, y_res = aug.fit_resample(X, y)
    np.testing.assert_array_equal(y_res, aug.sample_indices_)
    np.testing.assert_array_equal(X_res[:, 0, 0], y_res)
    assert not np.array_equal(y_res[:20], y)


def test_shuffle_does_not_change_the_augmentation():
    """Switching shuffle on reorders the rows but keeps each row's draw."""
    X = np.random.default_rng(0).random((6, 8, 8))
    y = np.arange(6)
    plain = ArrayAugmenter(rotation_range=30, random_state=4).fit_resample(X, y)[0]
    aug = ArrayAugmenter(rotation_range=30, shuffle=True, random_state=4)
    shuffled = aug.fit_resample(X, y)[0]
    assert sorted(map(tuple, shuffled.reshape(12, -1).round(8))) == sorted(
        map(tuple, plain.reshape(12, -1).round(8)))


def test_int_random_state_reproduces_and_reads_no_global_state():
    """An int seed reproduces call after call; numpy's global state is untouched."""
    X = np.random.default_rng(0).random((10, 8, 8, 3)).astype(np.float32)
    aug = ArrayAugmenter(**KERAS_CONFIG, noise_std=0.1, random_state=42)
    np.random.seed(0)  # noqa: NPY002 - the legacy global state is what is watched
    state = np.random.get_state()[1].copy()  # noqa: NPY002
    first = aug.fit_resample(X, np.arange(10))[0]
    second = clone(aug).fit_resample(X, np.arange(10))[0]
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # noqa: NPY002


def test_n_jobs_does_not_change_the_result():
    """n_jobs=2 gives results identical to n_jobs=1 for the same seed."""
    X = np.random.default_rng(0).integers(0, 256, (300, 16, 16, 3), dtype=np.uint8)
    one = ArrayAugmenter(**KERAS_CONFIG, noise_std=3, random_state=0, n_jobs=1)
    two = clone(one).set_params(n_jobs=2)
    np.testing.assert_array_equal(one.augment(X), two.augment(X))


def test_continuous_and_single_class_targets_come_back_beside_their_rows():
    """Augmentation preserves any target: continuous or single-class y pass."""
    X = np.random.default_rng(0).random((6, 5, 5))
    for y in (np.linspace(0, 1, 6), np.zeros(6, dtype=int)):
        aug = ArrayAugmenter(rotation_range=10, random_state=0)
        X_res, y_res = aug.fit_resample(X, y)
        np.testing.assert_array_equal(y_res, y[aug.sample_indices_])
        assert X_res.shape == (12, 5, 5)


def test_sample_params_draws_every_key_in_a_fixed_stream():
    """Switching an option on does not change the other options' draws."""
    X = np.zeros((5, 8, 8, 3))
    base = ArrayAugmenter(rotation_range=10).sample_params(X, 0)
    more = ArrayAugmenter(rotation_range=10, zoom_range=0.2,
                          channel_shift_range=0.1).sample_params(X, 0)
    np.testing.assert_array_equal(base["theta"], more["theta"])
    assert base["channel_shift_intensity"] is None
    assert more["channel_shift_intensity"] is not None
    assert set(base) >= {"theta", "tx", "ty", "shear", "zx", "zy", "flip_horizontal",
                         "flip_vertical", "channel_shift_intensity", "brightness"}


def test_apply_params_replays_a_draw_on_a_mask():
    """The same draw applied to an image and its mask keeps them aligned."""
    rng = np.random.default_rng(0)
    image = rng.random((4, 16, 16)).astype(np.float32)
    mask = (image > 0.5).astype(np.uint8)
    aug = ArrayAugmenter(rotation_range=30, width_shift_range=0.1, random_state=0)
    params = aug.sample_params(image)
    mask_aug = clone(aug).set_params(interpolation_order=0).apply_params(mask, params)
    image_aug = clone(aug).set_params(interpolation_order=0).apply_params(
        image, params)
    np.testing.assert_array_equal(mask_aug, (image_aug > 0.5).astype(np.uint8))


def test_apply_params_refuses_bad_draws():
    """Unknown keys and wrong lengths are named in the error."""
    X = np.zeros((3, 4, 4))
    with pytest.raises(ValueError, match="Unknown keys.*'angle'"):
        ArrayAugmenter(sample_shape=(4, 4)).apply_params(X, {"angle": np.zeros(3)})
    with pytest.raises(ValueError, match=r"params\['tx'\] has shape \(2,\)"):
        ArrayAugmenter(sample_shape=(4, 4)).apply_params(X, {"tx": np.zeros(2)})


@pytest.mark.parametrize("params, match", [
    ({"n_copies": 0}, "n_copies"),
    ({"rotation_range": -1}, "rotation_range"),
    ({"zoom_range": 1.0}, "zoom_range"),
    ({"zoom_range": (0.0, 1.2)}, "zoom_range"),
    ({"fill_mode": "mirror"}, "fill_mode"),
    ({"interpolation_order": 7}, "interpolation_order"),
    ({"brightness_range": (1.2, 0.8)}, "brightness_range"),
    ({"data_format": "NHWC"}, "data_format"),
])
def test_bad_parameters_name_themselves(params, match):
    """Out-of-range parameters raise a ValueError naming the parameter."""
    with pytest.raises(ValueError, match=match):
        ArrayAugmenter(**params, sample_shape=(4, 4)).fit_resample(
            np.zeros((3, 4, 4)), [0, 1, 0])


# In a pipeline --------------------------------------------------------------------

class _RecordingClassifier(ClassifierMixin, BaseEstimator):
    """A nearest-neighbour classifier (instant to fit: the rows that reach it are
    what is tested) that records how many rows reached fit and predict."""

    def fit(self, X, y):
        self.model_ = KNeighborsClassifier(n_neighbors=1).fit(X, y)
        self.classes_ = self.model_.classes_
        self.n_fit_rows_ = len(X)
        self.predict_rows_ = []
        return self

    def predict(self, X):
        self.predict_rows_.append(len(X))
        return self.model_.predict(X)


def test_grid_search_augments_fit_and_never_predict():
    """In a pipeline, augmented rows reach fit; predict/score see only real rows."""
    X, y = load_digits(return_X_y=True)
    X, y = X[:600], y[:600]
    pipe = Pipeline([
        ("augment", ArrayAugmenter(sample_shape=(8, 8), random_state=0)),
        ("clf", _RecordingClassifier()),
    ])
    search = GridSearchCV(pipe, {"augment__rotation_range": [0, 10],
                                 "augment__n_copies": [1, 2]}, cv=3)
    search.fit(X, y)
    assert set(search.cv_results_["param_augment__n_copies"]) == {1, 2}
    best = search.best_estimator_
    copies = best.named_steps["augment"].n_copies
    assert best.named_steps["clf"].n_fit_rows_ == 600 * (copies + 1)
    best.predict(X[:50])
    assert best.named_steps["clf"].predict_rows_ == [50]
    assert 0 <= search.score(X[:100], y[:100]) <= 1
    assert best.named_steps["clf"].predict_rows_[-1] == 100


@pytest.mark.parametrize("dtype, value", [(np.int32, 16_777_217),
                                          (np.int64, 2**40 + 1)])
def test_wide_integers_survive_intensity_changes(dtype, value):
    """A brightness of 1 and a channel shift of 0 leave wide integers intact."""
    X = np.full((1, 4, 4, 1), value, dtype=dtype)
    aug = ArrayAugmenter()
    out = aug.apply_params(X, {"brightness": [1.0], "channel_shift_intensity": [0.0]})
    assert out.dtype == dtype and np.all(out == value)


def test_dataframe_integer_columns_are_rounded_not_truncated():
    """Integer columns of a DataFrame come back rounded, as uint8 arrays do."""
    frame = pd.DataFrame({"a": [10], "b": [0.0], "c": [0]})
    out = ArrayAugmenter().apply_params(frame, {"tx": [0.04]})
    assert out["a"].iloc[0] == 10 and out["a"].dtype == frame["a"].dtype


def test_noise_without_its_seeds_is_refused():
    """A replayed draw asking for noise must carry the seeds that make it."""
    with pytest.raises(ValueError, match="noise_seed"):
        ArrayAugmenter().apply_params(np.ones((2, 5, 5)), {"noise_std": [0.5, 0.5]})


@pytest.mark.parametrize("name, value, replacement", [
    ("rescale", 1 / 255, "ChannelMinMaxScaler"),
    ("featurewise_center", True, "ChannelStandardizer"),
    ("featurewise_std_normalization", True, "ChannelStandardizer"),
    ("samplewise_center", True, "SampleStandardizer"),
    ("samplewise_std_normalization", True, "SampleStandardizer"),
    ("zca_whitening", True, "ZCAWhitener"),
    ("zca_epsilon", 1e-6, "ZCAWhitener"),
    ("preprocessing_function", np.sqrt, "FunctionTransformer"),
    ("validation_split", 0.2, "train_val_test_split"),
    ("dtype", "float32", "keep the dtype of X"),
])
def test_image_data_generator_arguments_name_their_replacement(name, value,
                                                               replacement):
    """ImageDataGenerator's arguments that are not augmentation are refused with
    a TypeError naming the argument and what replaces it."""
    with pytest.raises(TypeError, match=rf"'{name}' is not augmentation(.|\n)*"
                                        rf"{replacement}"):
        ArrayAugmenter(rotation_range=10, **{name: value})


def test_refusing_keras_arguments_leaves_the_estimator_api_alone():
    """A misspelt argument is Python's own TypeError; the signature, get_params,
    clone and pickling are those of the keyword-only __init__."""
    import inspect
    import pickle

    with pytest.raises(TypeError, match="unexpected keyword argument 'rotaton'"):
        ArrayAugmenter(rotaton=10)
    assert "rotation_range" in inspect.signature(ArrayAugmenter).parameters
    augmenter = ArrayAugmenter(rotation_range=10, zoom_range=0.1)
    assert clone(augmenter).get_params() == augmenter.get_params()
    assert pickle.loads(pickle.dumps(augmenter)).get_params() == \
        augmenter.get_params()
