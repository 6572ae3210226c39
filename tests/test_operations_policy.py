"""RandAugment, AugMix and TrivialAugmentWide: per-sample policies as operations.

Parity with Keras' RandAugment and AugMix given Keras' draws is in
test_operations_keras_parity.py; TrivialAugmentWide is compared here with
torchvision's functional definitions, transcribed in torchvision_reference.py.
"""

import numpy as np
import pytest
import torchvision_reference as tv
from imblearn.pipeline import Pipeline
from sklearn.datasets import load_digits
from sklearn.linear_model import RidgeClassifier
from sklearn.model_selection import GridSearchCV

from sklearn_dlprep import (
    AugMix,
    Compose,
    RandAugment,
    RandomFlip,
    TrivialAugmentWide,
)

RANDAUGMENT_NAMES = ("random_shear", "random_translation", "random_rotation",
                     "random_brightness", "random_color_degeneration",
                     "random_contrast", "random_sharpness", "random_posterization",
                     "solarization", "auto_contrast", "equalization")


def _images(dtype=np.float32, shape=(6, 16, 16, 3), seed=0):
    values = np.random.default_rng(seed).random(shape)
    if np.dtype(dtype).kind == "u":
        return np.rint(values * 255).astype(dtype)
    return values.astype(dtype)


def _apply(operation, draws, X, **kwargs):
    draws = {f"op__{key}": np.asarray(value) for key, value in draws.items()}
    draws["op__applied"] = np.ones(len(X), dtype=bool)
    return Compose([("op", operation)], **kwargs).apply_params(X, draws)


def _draws(operation, X, random_state=0, **kwargs):
    params = Compose([("op", operation)], random_state=random_state,
                     **kwargs).sample_params(X)
    return {key[4:]: value for key, value in params.items() if key != "op__applied"}


# Shared behaviour ---------------------------------------------------------------

POLICIES = [RandAugment(num_ops=3, factor=0.6), AugMix(),
            TrivialAugmentWide()]


@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
@pytest.mark.parametrize("shape", [(6, 16, 16, 3), (6, 16, 16, 1), (6, 16, 16)],
                         ids=["rgb", "grey-channel", "grey"])
@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: type(p).__name__)
def test_policy_keeps_shape_dtype_and_range_and_changes_samples(policy, shape,
                                                                dtype):
    """On RGB and grey images (with or without a channel axis), float32 and
    uint8: same shape and dtype, values in the range, samples changed, the
    caller's array untouched."""
    X = _images(dtype, shape)
    before = X.copy()
    out = Compose([("policy", policy)], random_state=0).augment(X)
    np.testing.assert_array_equal(X, before)
    assert out.shape == X.shape and out.dtype == X.dtype
    high = 255 if dtype == np.uint8 else 1.0
    assert out.min() >= 0 and out.max() <= high
    changed = np.any(out != X, axis=tuple(range(1, X.ndim)))
    assert changed.sum() >= 4


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: type(p).__name__)
def test_policy_refuses_other_channel_counts_and_signals(policy):
    """Colour operations are defined for grey and RGB: 2 or 4 channels are
    refused, and so are 1-D signals, naming the step."""
    with pytest.raises(ValueError, match=r"Step 'policy' .*grey \(1 channel\) or "
                                         r"RGB.*4 channels"):
        Compose([("policy", policy)]).augment(np.zeros((2, 8, 8, 4)))
    with pytest.raises(ValueError, match=r"Step 'policy' .*needs 2-D images"):
        Compose([("policy", policy)]).augment(np.zeros((2, 30)))


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: type(p).__name__)
def test_policy_refuses_data_outside_the_value_range(policy):
    """A float image in 0..255 with the default range (0, 1) is an error naming
    the step; the caller's array is untouched."""
    X = _images(np.float32) * 255
    before = X.copy()
    with pytest.raises(ValueError, match=r"Step 'policy': \d+ values fall outside "
                                         r"value_range=\(0, 1\)"):
        Compose([("policy", policy)]).augment(X)
    np.testing.assert_array_equal(X, before)


@pytest.mark.parametrize("policy, parameter, value", [
    (RandAugment(), "num_ops", -1),
    (RandAugment(), "factor", 1.5),
    (RandAugment(), "factor", (0.2, 1.2)),
    (RandAugment(), "interpolation", "bicubic"),
    (AugMix(), "num_chains", 0),
    (AugMix(), "chain_depth", 0),
    (AugMix(), "alpha", 0.0),
    (AugMix(), "all_ops", "yes"),
    (TrivialAugmentWide(), "num_magnitude_bins", 1),
    (TrivialAugmentWide(), "interpolation", "area"),
])
def test_bad_parameters_name_the_step_and_the_parameter(policy, parameter, value):
    """A parameter out of its documented range is refused before any work."""
    policy = policy.set_params(**{parameter: value})
    with pytest.raises(ValueError, match=rf"Step 'policy': The '{parameter}' "
                                         rf"parameter of {type(policy).__name__}"):
        Compose([("policy", policy)]).augment(_images())


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: type(p).__name__)
def test_a_sample_does_not_depend_on_its_batch(policy):
    """The same draw gives a sample the same result alone or in a batch
    (equalization, auto-contrast and the mixing weights are per sample)."""
    X = _images(np.float32, (8, 16, 16, 3))
    draws = _draws(policy, X)
    whole = _apply(policy, draws, X)
    for i in (0, 5):
        alone = _apply(policy, {k: v[i:i + 1] for k, v in draws.items()},
                       X[i:i + 1])
        np.testing.assert_allclose(alone[0], whole[i], atol=1e-6)


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: type(p).__name__)
def test_policy_draws_are_reproducible_and_replayable(policy):
    """An int random_state reproduces the draw, and apply_params replays it."""
    X = _images(np.uint8)
    compose = Compose([("policy", policy)], random_state=3)
    params = compose.sample_params(X)
    np.testing.assert_array_equal(compose.apply_params(X, params), compose.augment(X))
    np.testing.assert_array_equal(compose.augment(X), compose.augment(X))


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: type(p).__name__)
def test_result_does_not_depend_on_n_jobs(policy):
    """Threads over chunks of samples give the same bytes as one thread."""
    X = _images(np.uint8, (300, 16, 16, 3))
    one = Compose([("policy", policy)], random_state=0, n_jobs=1).augment(X)
    two = Compose([("policy", policy)], random_state=0, n_jobs=2).augment(X)
    np.testing.assert_array_equal(one, two)


# RandAugment --------------------------------------------------------------------

def test_rand_augment_draws_operations_per_sample_uniformly():
    """Each sample draws its own operations, uniformly over Keras' 11."""
    draws = _draws(RandAugment(num_ops=2), _images(np.float32, (3000, 8, 8, 3)))
    assert draws["op"].shape == (3000, 2)
    counts = np.bincount(draws["op"].ravel(), minlength=11)
    assert counts.min() > 0.8 * 6000 / 11 and counts.max() < 1.2 * 6000 / 11
    assert len({tuple(row) for row in draws["op"][:50]}) > 20


def test_rand_augment_num_ops_zero_is_the_identity():
    """num_ops=0 applies nothing (a baseline a grid search can include)."""
    X = _images(np.uint8)
    out = Compose([("rand", RandAugment(num_ops=0))], random_state=0).augment(X)
    np.testing.assert_array_equal(out, X)


def test_rand_augment_factor_scales_magnitudes_without_moving_the_stream():
    """Changing factor leaves the drawn operations, and the next step's draws,
    as they were; magnitudes follow Keras' ranges for that factor."""
    X = _images(np.float32, (500, 10, 12, 3))
    small = _draws(RandAugment(num_ops=2, factor=0.2), X)
    large = _draws(RandAugment(num_ops=2, factor=0.8), X)
    np.testing.assert_array_equal(small["op"], large["op"])
    np.testing.assert_allclose(large["rotation"], 4 * small["rotation"])
    for draws, f in ((small, 0.2), (large, 0.8)):
        assert 0 <= draws["rotation"].min() and draws["rotation"].max() <= f * 360
        assert np.all((draws["translation"] >= 0)
                      & (draws["translation"] <= f * np.array([12, 10])))
        assert 1 <= draws["contrast"].min() and draws["contrast"].max() <= 1 + f
        assert np.all(np.abs(draws["shear"]) <= f)
        # one sign for x and y, as Keras' RandomShear draws it
        assert np.all(np.sign(draws["shear"][..., 0]) ==
                      np.sign(draws["shear"][..., 1]))
        most = max(1, int(8 * f))
        assert set(np.unique(draws["posterization"])) <= set(range(1, max(most, 2)))
    steps = [("flip", RandomFlip())]
    after_small = Compose([("rand", RandAugment(factor=0.2)), *steps],
                          random_state=0).sample_params(X)["flip__flip"]
    after_large = Compose([("rand", RandAugment(factor=0.8)), *steps],
                          random_state=0).sample_params(X)["flip__flip"]
    np.testing.assert_array_equal(after_small, after_large)


def _one_op(name, n, **values):
    """A RandAugment draw applying ``name`` once, with the given magnitudes."""
    draws = {"op": np.full((n, 1), RANDAUGMENT_NAMES.index(name))}
    shapes = {"shear": (2,), "translation": (2,), "solarization": (2,)}
    for key in ("shear", "translation", "rotation", "brightness",
                "color_degeneration", "contrast", "sharpness", "posterization",
                "solarization"):
        draws[key] = np.zeros((n, 1, *shapes.get(key, ())))
    for key, value in values.items():
        draws[key][:] = value
    return draws


def test_rand_augment_translation_moves_content_right_and_down():
    """Keras' translation: content moves by (tx, ty) pixels; the uncovered
    side reads the image reflected."""
    X = _images(np.float32, (2, 10, 12, 1))
    out = _apply(RandAugment(num_ops=1), _one_op("random_translation", 2,
                                                 translation=[3, 2]), X)
    np.testing.assert_allclose(out[:, 2:, 3:], X[:, :-2, :-3], atol=1e-6)
    np.testing.assert_allclose(out[:, 2:, 2], X[:, :-2, 0], atol=1e-6)  # reflected


def test_rand_augment_rotation_by_half_a_turn_is_a_double_flip():
    """A rotation of 180 degrees about the true centre equals flipping both
    axes, on a non-square image."""
    X = _images(np.float32, (2, 9, 14, 3))
    out = _apply(RandAugment(num_ops=1), _one_op("random_rotation", 2,
                                                 rotation=180.0), X)
    np.testing.assert_allclose(out, X[:, ::-1, ::-1], atol=1e-5)


def test_rand_augment_sharpness_keeps_a_constant_image():
    """Sharpness (which Keras computes with zero padding, darkening the border)
    leaves a constant image as it is, border included."""
    X = np.full((2, 8, 8, 3), 0.6, dtype=np.float32)
    for strength in (0.0, 0.9):
        out = _apply(RandAugment(num_ops=1), _one_op("random_sharpness", 2,
                                                     sharpness=strength), X)
        np.testing.assert_allclose(out, X, atol=1e-6)


def test_rand_augment_posterization_keeps_the_high_bits():
    """Posterization to 2 bits of uint8 values keeps their two high bits."""
    X = np.arange(256, dtype=np.uint8).reshape(1, 16, 16, 1)
    out = _apply(RandAugment(num_ops=1), _one_op("random_posterization", 1,
                                                 posterization=2), X)
    np.testing.assert_array_equal(out, X & 0b11000000)


def test_rand_augment_equalization_flattens_the_histogram_of_each_image():
    """Equalization of a dark image spreads its values over the range, per
    image and per channel."""
    rng = np.random.default_rng(0)
    X = np.stack([rng.integers(0, 40, (16, 16, 3)), rng.integers(200, 256,
                                                                 (16, 16, 3))])
    X = X.astype(np.uint8)
    out = _apply(RandAugment(num_ops=1), _one_op("equalization", 2), X)
    for image in out:
        assert image.min() == 0 and image.max() == 255
        assert 100 < image.mean() < 155


def test_rand_augment_colour_degeneration_of_grey_is_the_identity():
    """Colour degeneration moves towards grey: a grey image is unchanged, and
    factor 1 makes an RGB image grey."""
    grey = _images(np.float32, (2, 8, 8, 1))
    np.testing.assert_allclose(
        _apply(RandAugment(num_ops=1), _one_op("random_color_degeneration", 2,
                                               color_degeneration=1.0), grey), grey)
    rgb = _images(np.float32, (2, 8, 8, 3))
    out = _apply(RandAugment(num_ops=1), _one_op("random_color_degeneration", 2,
                                                 color_degeneration=1.0), rgb)
    expected = rgb @ np.array([0.2989, 0.587, 0.114], dtype=np.float32)
    np.testing.assert_allclose(out, np.repeat(expected[..., None], 3, -1),
                               atol=1e-6)


def test_rand_augment_grid_search_over_num_ops_and_factor_on_digits():
    """GridSearchCV tunes RandAugment's num_ops and factor inside an
    imbalanced-learn Pipeline on digits (8x8 grey in 0..16): augmentation runs
    only when the pipeline is fitted, and every candidate is scored."""
    X, y = load_digits(return_X_y=True)
    pipe = Pipeline([
        ("augment", Compose([("rand", RandAugment((0, 16)))], sample_shape=(8, 8),
                            random_state=0)),
        ("clf", RidgeClassifier()),
    ])
    grid = {"augment__rand__num_ops": [0, 2], "augment__rand__factor": [0.1, 0.3]}
    search = GridSearchCV(pipe, grid, cv=2).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.best_score_ > 0.8
    best = search.best_estimator_.named_steps["augment"].steps[0][1]
    chosen = search.best_params_
    assert (best.num_ops, best.factor) == (chosen["augment__rand__num_ops"],
                                           chosen["augment__rand__factor"])


# AugMix -------------------------------------------------------------------------

def test_aug_mix_weights_are_a_mixture():
    """Chain weights are Dirichlet (positive, summing to 1), the original's
    weight a Beta draw in (0, 1); links index the 11 operations or none."""
    draws = _draws(AugMix(num_chains=4, chain_depth=2), _images(np.float32,
                                                                (300, 8, 8, 3)))
    assert draws["chain_weights"].shape == (300, 4)
    np.testing.assert_allclose(draws["chain_weights"].sum(axis=1), 1.0)
    assert np.all(draws["chain_weights"] > 0)
    assert np.all((draws["mix_weight"] > 0) & (draws["mix_weight"] < 1))
    assert draws["op"].shape == (300, 4, 2)
    assert set(np.unique(draws["op"])) == set(range(12))


def test_aug_mix_all_ops_false_uses_the_first_seven():
    """all_ops=False draws among shear, translation, rotation, posterization,
    solarization, auto-contrast, equalization, or none."""
    draws = _draws(AugMix(all_ops=False), _images(np.float32, (300, 8, 8, 3)))
    assert set(np.unique(draws["op"])) == set(range(8))


def test_aug_mix_with_weight_one_or_empty_chains_is_the_identity():
    """The original with weight 1, or chains without operations, give the
    original back."""
    X = _images(np.float32, (4, 12, 12, 3))
    draws = _draws(AugMix(), X)
    kept = dict(draws, mix_weight=np.ones(4))
    np.testing.assert_allclose(_apply(AugMix(), kept, X), X, atol=1e-6)
    empty = dict(draws, op=np.full_like(draws["op"], 11))
    np.testing.assert_allclose(_apply(AugMix(), empty, X), X, atol=1e-6)


def test_aug_mix_alpha_does_not_move_the_stream():
    """alpha changes the mixing weights only: the chains' operations and the
    next step's draws stay as they were."""
    X = _images(np.float32, (50, 8, 8, 3))
    steps = [("flip", RandomFlip())]
    one = Compose([("mix", AugMix(alpha=1.0)), *steps], random_state=0)
    two = Compose([("mix", AugMix(alpha=0.2)), *steps], random_state=0)
    p1, p2 = one.sample_params(X), two.sample_params(X)
    np.testing.assert_array_equal(p1["mix__op"], p2["mix__op"])
    np.testing.assert_array_equal(p1["flip__flip"], p2["flip__flip"])
    assert not np.allclose(p1["mix__mix_weight"], p2["mix__mix_weight"])


# TrivialAugmentWide against torchvision ----------------------------------------

def test_trivial_augment_op_list_is_torchvision():
    """The operations, in torchvision's order."""
    draws = _draws(TrivialAugmentWide(), _images(np.float32, (2000, 8, 8, 3)))
    assert set(np.unique(draws["op"])) == set(range(len(tv.OPS)))
    assert len(tv.OPS) == 14


@pytest.mark.parametrize("num_bins", [31, 10, 2])
def test_trivial_augment_magnitudes_come_from_torchvision_bins(num_bins):
    """Every drawn magnitude is one of torchvision's bins for its operation,
    negated about half the time for the signed ones, 0 for those without."""
    X = _images(np.float32, (4000, 8, 8, 3))
    draws = _draws(TrivialAugmentWide(num_bins), X)
    space = tv.augmentation_space(num_bins)
    for index, name in enumerate(tv.OPS):
        values, signed = space[name]
        drawn = draws["magnitude"][draws["op"] == index]
        if values is None:
            np.testing.assert_array_equal(drawn, 0)
            continue
        allowed = np.concatenate([values, -values]) if signed else values
        assert np.all(np.isin(drawn, allowed)), name
        if signed:
            assert 0.3 < np.mean(drawn[drawn != 0] < 0) < 0.7, name


GEOMETRIC = ("ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate")


def _trivial_cases():
    """Every operation with every bin, signs alternating; geometric ones with
    nearest and bilinear interpolation, and a fill per channel."""
    space = tv.augmentation_space(31)
    for index, name in enumerate(tv.OPS):
        values, signed = space[name]
        magnitudes = np.zeros(31) if values is None else values.astype(float)
        if signed:
            magnitudes = magnitudes * np.where(np.arange(31) % 2, -1, 1)
        modes = ([("nearest", None), ("nearest", (0.25, 0.5, 0.75)),
                  ("bilinear", None)] if name in GEOMETRIC else [("nearest", None)])
        for interpolation, fill in modes:
            yield pytest.param(index, name, magnitudes, interpolation, fill,
                               id=f"{name}-{interpolation}-"
                                  f"{'fill' if fill else 'zero'}")


def _half_pixel_ties(name, magnitudes, shape):
    """Pixels whose source position is half-way between two pixels (where two
    nearest neighbours are equally right) for rotations, else none."""
    n, height, width = len(magnitudes), shape[0], shape[1]
    ties = np.zeros((n, height, width), dtype=bool)
    if name != "Rotate":
        return ties
    rows, columns = np.mgrid[0:height, 0:width]
    cx, cy = (width - 1) / 2, (height - 1) / 2
    for i, angle in enumerate(np.deg2rad(magnitudes)):
        x = np.cos(angle) * (columns - cx) - np.sin(angle) * (rows - cy) + cx
        y = np.sin(angle) * (columns - cx) + np.cos(angle) * (rows - cy) + cy
        ties[i] = (np.abs(x % 1 - 0.5) < 1e-4) | (np.abs(y % 1 - 0.5) < 1e-4)
    return ties


@pytest.mark.parametrize("shape", [(20, 24, 3), (16, 16, 1)], ids=["rgb", "grey"])
@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
@pytest.mark.parametrize("index, name, magnitudes, interpolation, fill",
                         list(_trivial_cases()))
def test_trivial_augment_equals_torchvision(index, name, magnitudes, dtype, shape,
                                            interpolation, fill):
    """Each operation at each of its 31 magnitudes equals torchvision's
    functional definition: float32 to 1e-4, uint8 within one grey level
    (torchvision truncates its blends; ours rounds). With nearest
    interpolation, a rotation may pick the other of two pixels at exactly half
    a pixel's distance; only such ties may differ. (Colour, i.e. saturation,
    leaves a grey image as it is, in both.)"""
    X = _images(dtype, (31, *shape), seed=index)
    if fill is not None:
        fill = fill[:shape[-1]]
        if dtype == np.uint8:
            fill = tuple(int(255 * f) for f in fill)
    ours = _apply(TrivialAugmentWide(31, interpolation, fill),
                  {"op": np.full(31, index), "magnitude": magnitudes}, X)
    reference = np.stack([tv.apply_op(X[i], name, float(magnitudes[i]),
                                      interpolation, fill) for i in range(31)])
    assert ours.dtype == dtype
    tolerance = 1.0 if dtype == np.uint8 else 1e-4
    wrong = np.any(np.abs(ours.astype(float) - reference) > tolerance, axis=-1)
    ties = _half_pixel_ties(name, magnitudes, shape)
    assert not np.any(wrong & ~ties)
    assert wrong.sum() <= ties.sum()
    if name != "Identity" and not (name == "Color" and shape[-1] == 1):
        assert np.any(ours != X)


@pytest.mark.parametrize("index, name", [(1, "ShearX"), (4, "TranslateY"),
                                         (5, "Rotate")])
def test_trivial_augment_bilinear_fill_blends_once(index, name):
    """Bilinear with a fill: away from the image's edge, torchvision's result;
    in the half-pixel band at the edge, the sample blends once with the fill
    (torchvision multiplies its zero-padded interpolation by the mask a second
    time, so a constant image equal to the fill does not stay constant)."""
    X = _images(np.float32, (6, 16, 20, 3), seed=9)
    magnitudes = np.array([0.37, -0.61, 7.0, -12.0, 33.75, -101.25])[:6]
    if name == "ShearX":
        magnitudes = np.array([0.33, -0.231, 0.594, -0.99, 0.132, -0.462])
    fill = (0.2, 0.4, 0.9)
    ours = _apply(TrivialAugmentWide(31, "bilinear", fill),
                  {"op": np.full(6, index), "magnitude": magnitudes}, X)
    for i, m in enumerate(magnitudes):
        mask = tv.apply_op(np.ones_like(X[i]), name, m, "bilinear", None)
        zero_padded = tv.apply_op(X[i], name, m, "bilinear", None)
        torchvision = tv.apply_op(X[i], name, m, "bilinear", fill)
        edge = (mask > 1e-6) & (mask < 1 - 1e-6)
        np.testing.assert_allclose(ours[i][~edge], torchvision[~edge], atol=1e-4)
        once = zero_padded + (1 - mask) * np.asarray(fill, dtype=np.float32)
        np.testing.assert_allclose(ours[i][edge], once[edge], atol=1e-4)
        assert name == "TranslateY" or edge.any()


def test_trivial_augment_fill_of_the_wrong_length_is_refused():
    """fill with neither one value nor one per channel names the step."""
    with pytest.raises(ValueError, match=r"Step 'trivial': The 'fill' parameter "
                                         r"of TrivialAugmentWide.*3 for samples"):
        Compose([("trivial", TrivialAugmentWide(fill=(1, 2)))]).augment(_images())
