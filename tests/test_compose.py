"""Compose: steps as in Pipeline, searchable, fused, with ArrayAugmenter's contract."""

import numpy as np
import pytest
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

from sklearn_dlprep import (
    ArrayAugmenter,
    BalancingResampler,
    Compose,
    RandomBrightness,
    RandomFlip,
    make_compose,
)


def _images(dtype=np.uint8, n=10, shape=(8, 9, 3), seed=0):
    X = np.random.default_rng(seed).random((n, *shape))
    return (X * 255).astype(dtype) if np.dtype(dtype).kind == "u" else X.astype(dtype)


def test_nested_parameters_are_searchable_in_a_pipeline():
    """GridSearchCV reaches a step's parameters as augment__name__param."""
    X, y = load_digits(n_class=3, return_X_y=True)
    pipe = Pipeline([
        ("augment", Compose([("flip", RandomFlip("horizontal")),
                             ("light", RandomBrightness(0.1, value_range=(0, 16)))],
                            sample_shape=(8, 8), random_state=0)),
        ("clf", LogisticRegression(max_iter=500)),
    ])
    search = GridSearchCV(pipe, {"augment__light__factor": [0.05, 0.2],
                                 "augment__flip__p": [0.0, 0.5]}, cv=2).fit(X, y)
    assert set(search.best_params_) == {"augment__light__factor", "augment__flip__p"}
    assert search.best_estimator_.named_steps["augment"].steps[1][1].factor in (
        0.05, 0.2)


def test_make_compose_names_steps_as_make_pipeline_does():
    """Lower-case class names, numbered where a class repeats."""
    compose = make_compose(RandomFlip(), RandomBrightness(0.1), RandomFlip("vertical"),
                           n_copies=2)
    assert [name for name, _ in compose.steps] == ["randomflip-1", "randombrightness",
                                                   "randomflip-2"]
    assert compose.n_copies == 2


def test_set_params_replaces_a_step_and_refuses_unknown_names():
    """A step is replaced by its name; an unknown step name is a clear error."""
    compose = Compose([("flip", RandomFlip())])
    compose.set_params(flip=RandomFlip("vertical"), flip__p=0.3)
    assert compose.steps[0][1].mode == "vertical" and compose.steps[0][1].p == 0.3
    with pytest.raises(ValueError, match=r"'rotate__factor'.*no step is named "
                                         r"'rotate'"):
        compose.set_params(rotate__factor=0.1)


def test_clone_is_deep():
    """clone copies the operations: setting the clone's step leaves the original."""
    compose = Compose([("flip", RandomFlip())])
    copy = clone(compose).set_params(flip__mode="horizontal")
    assert compose.steps[0][1].mode == "horizontal_and_vertical"
    assert copy.steps[0][1].mode == "horizontal"


@pytest.mark.parametrize("steps, error, match", [
    ([("a", RandomFlip()), ("a", RandomBrightness(0.1))], ValueError,
     r"unique; repeated: \['a'\]"),
    ([("flip", ArrayAugmenter())], TypeError,
     r"Step 'flip' must be an operation of sklearn_dlprep.*ArrayAugmenter"),
    ([("a__b", RandomFlip())], ValueError, r"'a__b' must .* not contain '__'"),
    ([RandomFlip()], TypeError, r"steps\[0\] must be a \(name, operation\) tuple"),
    ([], ValueError, r"steps is empty"),
    ([("light", RandomBrightness(1.5))], ValueError,
     r"Step 'light': The 'factor' parameter of RandomBrightness must be"),
    ([("flip", RandomFlip(p=2.0))], ValueError,
     r"Step 'flip': The 'p' parameter of RandomFlip must be"),
])
def test_bad_steps_name_the_step_and_the_parameter(steps, error, match):
    """Every bad step is refused before any work, naming the step."""
    X = _images()
    before = X.copy()
    with pytest.raises(error, match=match):
        Compose(steps).augment(X)
    np.testing.assert_array_equal(X, before)


def test_value_range_the_data_violates_is_an_error():
    """A float image in [0, 255] with the default (0, 1) range is refused, naming
    the step, the parameter and the range seen; the caller's array is untouched."""
    X = _images(np.float32) * 255
    before = X.copy()
    with pytest.raises(ValueError, match=r"Step 'light': \d+ values fall outside "
                                         r"value_range=\(0, 1\).*spans \[0.*, 2\d\d"):
        Compose([("light", RandomBrightness(0.1))]).augment(X)
    np.testing.assert_array_equal(X, before)


def test_p_zero_is_the_identity_and_p_is_drawn_per_sample():
    """p=0 leaves every sample as it was; p=0.5 acts on about half."""
    X = _images(np.float32, n=400)
    np.testing.assert_array_equal(
        Compose([("light", RandomBrightness(0.5, p=0.0))], random_state=0).augment(X),
        X)
    out = Compose([("light", RandomBrightness((0.2, 0.5), p=0.5))],
                  random_state=0).augment(X)
    changed = np.any(out != X, axis=(1, 2, 3))
    assert 150 < changed.sum() < 250


def test_flip_is_an_exact_copy_and_keeps_dtype():
    """A flip of wide integers is exact (no float round trip)."""
    X = (2**60 + np.arange(2 * 4 * 5)).reshape(2, 4, 5).astype(np.int64)
    draws = {"flip__applied": [True, False], "flip__flip": [True, True]}
    out = Compose([("flip", RandomFlip("horizontal"))]).apply_params(X, draws)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out[0], X[0, :, ::-1])
    np.testing.assert_array_equal(out[1], X[1])


def test_fit_resample_contract_and_balancer():
    """Compose is a sampler like ArrayAugmenter, and BalancingResampler takes it."""
    X = _images(n=12)
    y = np.r_[[0] * 9, [1] * 3]
    compose = Compose([("flip", RandomFlip())], n_copies=2, sample_shape=(8, 9, 3),
                      random_state=0)
    X_res, y_res = compose.fit_resample(X.reshape(12, -1), y)
    assert X_res.shape == (36, 216) and X_res.dtype == np.uint8
    np.testing.assert_array_equal(compose.sample_indices_, np.r_[np.arange(12),
                                                                 np.arange(12),
                                                                 np.arange(12)])
    X_bal, y_bal = BalancingResampler(
        Compose([("flip", RandomFlip())]), random_state=0).fit_resample(X, y)
    assert np.bincount(y_bal).tolist() == [9, 9]


def test_signal_cannot_flip_vertically():
    """A 1-D signal gets a clear error for a vertical flip."""
    with pytest.raises(ValueError, match=r"Step 'flip'.*1-D signals.*mode="
                                         r"'horizontal'"):
        Compose([("flip", RandomFlip("vertical"))]).augment(np.zeros((3, 20)))


def test_seeded_draws_are_reproducible_and_replayable():
    """An int random_state reproduces the draw; apply_params replays it."""
    X = _images(np.float32)
    compose = Compose([("flip", RandomFlip()), ("light", RandomBrightness(0.2))],
                      random_state=3)
    params = compose.sample_params(X)
    np.testing.assert_array_equal(compose.apply_params(X, params), compose.augment(X))
    with pytest.raises(ValueError, match=r"missing \['light__delta'\]"):
        compose.apply_params(X, {k: v for k, v in params.items()
                                 if k != "light__delta"})
