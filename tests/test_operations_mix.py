"""MixUp and CutMix: soft labels in flows, parity with Keras 3, refused elsewhere."""

import os

import numpy as np
import pytest
from imblearn.pipeline import Pipeline
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from sklearn_dlprep import ArrayAugmenter, Compose, CutMix, MixUp, RandomFlip
from sklearn_dlprep.utils._layout import resolve_layout

os.environ.setdefault("KERAS_BACKEND", "numpy")


def _data(n=48, shape=(12, 12, 3), dtype=np.float32, n_classes=4):
    rng = np.random.default_rng(0)
    X = rng.random((n, *shape))
    X = (X * 255).astype(dtype) if dtype == np.uint8 else X.astype(dtype)
    return X, np.arange(n) % n_classes


def _context(op, X):
    return op.resolve(resolve_layout(X.shape), X.dtype, "mix")


@pytest.mark.parametrize("mix", [MixUp(), CutMix()], ids=["MixUp", "CutMix"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint8])
def test_mixed_batches_have_soft_labels_and_keep_the_dtype(mix, dtype):
    """y becomes float32 one-hot rows that sum to 1, with mass on the two classes
    of each pair only; X keeps its dtype and shape."""
    X, y = _data(dtype=dtype)
    flow = ArrayAugmenter(horizontal_flip=True).flow(X, y, batch_size=16, mix=mix,
                                                     random_state=0)
    np.testing.assert_array_equal(flow.classes, [0, 1, 2, 3])
    n_mixed = 0
    for X_batch, y_batch in flow:
        assert X_batch.dtype == dtype and X_batch.shape[1:] == X.shape[1:]
        assert y_batch.dtype == np.float32 and y_batch.shape == (16, 4)
        np.testing.assert_allclose(y_batch.sum(axis=1), 1, rtol=1e-6)
        assert (y_batch >= 0).all() and ((y_batch > 0).sum(axis=1) <= 2).all()
        n_mixed += int(((y_batch > 0).sum(axis=1) == 2).sum())
    assert n_mixed > 0


def test_classes_sets_the_columns():
    """classes= gives the columns, in its order, including classes absent from y."""
    X, _ = _data()
    y = np.array(["cat", "dog"] * 24)
    flow = ArrayAugmenter().flow(X, y, batch_size=48, shuffle=False,
                                 mix=MixUp(p=0.0), classes=["dog", "bird", "cat"])
    _, soft = flow[0]
    np.testing.assert_array_equal(flow.classes, ["dog", "bird", "cat"])
    np.testing.assert_array_equal(soft[:2], [[0, 0, 1], [1, 0, 0]])
    np.testing.assert_array_equal(soft[:, 1], 0)


def test_one_hot_y_gives_what_labels_give():
    """y as one-hot rows mixes exactly as the same labels given 1-D."""
    X, y = _data()
    one_hot = np.eye(4)[y]
    for mix in (MixUp(alpha=1.0), CutMix()):
        by_label = ArrayAugmenter().flow(X, y, batch_size=16, mix=mix,
                                         random_state=0)
        by_row = ArrayAugmenter().flow(X, one_hot, batch_size=16, mix=mix,
                                       random_state=0)
        for (Xa, ya), (Xb, yb) in zip(by_label, by_row):
            np.testing.assert_array_equal(Xa, Xb)
            np.testing.assert_allclose(ya, yb)


def test_sample_weights_are_mixed_like_the_labels():
    """With weights w = class + 1, a mixed weight is the soft label's mean of
    class + 1: weights and labels are mixed in the same proportions."""
    X, y = _data()
    flow = ArrayAugmenter().flow(X, y, batch_size=16, mix=MixUp(alpha=1.0),
                                 sample_weight=y + 1.0, random_state=0)
    for _, soft, weights in flow:
        np.testing.assert_allclose(weights, soft @ np.arange(1, 5), rtol=1e-6)


def test_mixup_is_the_weighted_sum_of_each_pair():
    """MixUp's sample i is w x[i] + (1 - w) x[j] and its label alike."""
    X, y = _data(n=6, dtype=np.float64)
    mix = MixUp()
    draws = {"permutation_order": np.array([3, 0, 1, 2, 5, 4]),
             "mix_weight": np.linspace(0, 1, 6)}
    labels = np.eye(4)[y]
    mixed, soft = mix.mix(X, labels, draws, _context(mix, X))
    w = draws["mix_weight"]
    expected = (w[:, None, None, None] * X
                + (1 - w[:, None, None, None]) * X[draws["permutation_order"]])
    np.testing.assert_allclose(mixed, expected, rtol=1e-12)
    np.testing.assert_allclose(
        soft, w[:, None] * labels + (1 - w[:, None]) * labels[[3, 0, 1, 2, 5, 4]])


def test_p_zero_leaves_samples_and_one_hot_labels():
    """p=0 mixes nothing: the batches of a flow without mix, labels one-hot."""
    X, y = _data()
    for mix in (MixUp(p=0.0), CutMix(p=0.0)):
        mixed = ArrayAugmenter(rotation_range=10).flow(X, y, batch_size=16,
                                                       mix=mix, random_state=0)
        plain = ArrayAugmenter(rotation_range=10).flow(X, y, batch_size=16,
                                                       random_state=0)
        for (Xm, ym), (Xp, yp) in zip(mixed, plain):
            np.testing.assert_array_equal(Xm, Xp)
            np.testing.assert_array_equal(ym, np.eye(4)[yp])


def test_cutmix_pastes_a_box_and_weighs_labels_by_pixels():
    """CutMix's box holds the pixels x0 <= column < x1 and y0 <= row < y1, taken
    from the paired sample; the label weight is the fraction of pixels kept."""
    X, y = _data(n=2, shape=(10, 10, 1))
    mix = CutMix()
    draws = {"permutation_order": np.array([1, 0]), "x0": np.array([2.5, 0.0]),
             "x1": np.array([5.5, 0.0]), "y0": np.array([1.0, 0.0]),
             "y1": np.array([3.2, 0.0])}
    mixed, soft = mix.mix(X, np.eye(4)[y], draws, _context(mix, X))
    box = np.zeros((10, 10), bool)
    box[1:4, 3:6] = True  # rows 1, 2, 3 (< 3.2); columns 3, 4, 5 (< 5.5)
    np.testing.assert_array_equal(mixed[0][box], X[1][box])
    np.testing.assert_array_equal(mixed[0][~box], X[0][~box])
    np.testing.assert_array_equal(mixed[1], X[1])
    np.testing.assert_allclose(soft[0], [1 - 9 / 100, 9 / 100, 0, 0])


def test_cutmix_on_signals_cuts_a_segment_of_time():
    """On 1-D signals the box is a segment of the time axis, across channels, and
    the label weight is the fraction of time steps kept."""
    X, y = _data(n=32, shape=(100, 2))
    flow = ArrayAugmenter(spatial_ndim=1).flow(X, y, batch_size=32, shuffle=False,
                                               mix=CutMix(), random_state=0)
    mixed, soft = flow[0]
    changed = np.any(mixed != X, axis=2)  # (32, 100): which time steps changed
    assert changed.any()
    for row in range(32):
        steps = np.flatnonzero(changed[row])
        if len(steps):  # one contiguous segment, all channels pasted
            assert steps[-1] - steps[0] + 1 == len(steps)
            assert np.all(mixed[row, steps] != X[row, steps])
            own = soft[row, y[row]]  # 1 when the partner has the same class
            assert np.isclose(own, 1 - len(steps) / 100) or own == 1


@pytest.mark.parametrize("mix, match", [
    (MixUp(alpha=0), "'alpha' parameter of MixUp"),
    (CutMix(factor=2.0), "'factor' parameter of CutMix"),
])
def test_bad_mix_parameters_are_named(mix, match):
    """Out-of-range parameters are refused when the flow is made."""
    X, y = _data()
    with pytest.raises(ValueError, match=match):
        ArrayAugmenter().flow(X, y, mix=mix)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"y": np.linspace(0, 1, 48), "mix": MixUp()}, ValueError, "y is continuous"),
    ({"mix": MixUp()}, ValueError, "pass y"),
    ({"y": np.arange(48) % 4, "mix": RandomFlip()}, TypeError, "MixUp"),
    ({"y": np.arange(48) % 4, "classes": [0, 1, 2, 3]}, ValueError, "without mix="),
    ({"y": np.arange(48) % 4, "mix": MixUp(), "classes": [0, 1]}, ValueError,
     "missing from classes"),
    ({"y": np.full((48, 2), 0.7), "mix": MixUp()}, ValueError, "summing to 1"),
])
def test_mix_refuses_what_it_cannot_mix(kwargs, error, match):
    """Continuous targets, no y, a non-mixing operation, classes= without mix and
    labels outside classes are refused, each saying why."""
    X, _ = _data()
    y = kwargs.pop("y", None)
    with pytest.raises(error, match=match):
        ArrayAugmenter().flow(X, y, **kwargs)


@pytest.mark.parametrize("mix", [MixUp(), CutMix()], ids=["MixUp", "CutMix"])
def test_mixing_is_refused_outside_flows(mix):
    """In Compose or a pipeline, MixUp and CutMix are refused with a pointer to
    flow(mix=...)."""
    X, y = _data()
    with pytest.raises(TypeError, match=r"flow\(X, y, mix="):
        Compose([("mix", mix)]).fit_resample(X, y)
    for pipe in (Pipeline([("mix", mix), ("clf", LogisticRegression())]),
                 make_pipeline(mix, LogisticRegression())):
        with pytest.raises(TypeError, match="Use it in a flow"):
            pipe.fit(X.reshape(len(X), -1), y)


# Parity with Keras 3's layers, given the same draws -------------------------------


@pytest.mark.slow  # imports Keras
def test_mixup_equals_keras_given_the_same_draws():
    """MixUp's samples and labels equal keras.layers.MixUp's for the same
    permutation and weights (float32 images)."""
    keras = pytest.importorskip("keras")
    X, y = _data(n=8)
    labels = np.eye(4, dtype=np.float32)[y]
    rng = np.random.default_rng(1)
    draws = {"permutation_order": rng.permutation(8),
             "mix_weight": rng.beta(0.2, 0.2, 8).astype(np.float32)}
    layer = keras.layers.MixUp(alpha=0.2)
    expected_X = keras.ops.convert_to_numpy(layer.transform_images(X, draws))
    expected_y = keras.ops.convert_to_numpy(layer.transform_labels(labels, draws))
    mix = MixUp(alpha=0.2)
    got_X, got_y = mix.mix(X, labels, draws, _context(mix, X))
    np.testing.assert_allclose(got_X, expected_X, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(got_y, expected_y, rtol=1e-6, atol=1e-7)


@pytest.mark.slow  # imports Keras
@pytest.mark.parametrize("whole_pixels", [True, False])
def test_cutmix_equals_keras_given_the_same_box(whole_pixels):
    """CutMix pastes exactly Keras' pixels for the same box and permutation;
    labels equal Keras' when the box corners are whole pixels (otherwise Keras
    weighs by the continuous area, here by the pixels pasted)."""
    keras = pytest.importorskip("keras")
    X, y = _data(n=8, shape=(12, 16, 3))
    labels = np.eye(4, dtype=np.float32)[y]
    rng = np.random.default_rng(2)
    x0, y0 = rng.uniform(0, 8, 8), rng.uniform(0, 6, 8)
    x1, y1 = x0 + rng.uniform(1, 8, 8), y0 + rng.uniform(1, 6, 8)
    if whole_pixels:
        x0, x1, y0, y1 = (np.floor(v) for v in (x0, x1, y0, y1))
    x0, x1, y0, y1 = (v.astype(np.float32) for v in (x0, x1, y0, y1))
    permutation = rng.permutation(8)
    layer = keras.layers.CutMix()
    masks, weight = layer._generate_batch_mask(X.shape, (x0, x1, y0, y1))
    transformation = {"permutation_order": permutation, "batch_masks": masks,
                      "mix_weight": weight}
    expected_X = keras.ops.convert_to_numpy(
        layer.transform_images(X, transformation))
    expected_y = keras.ops.convert_to_numpy(
        layer.transform_labels(labels, transformation))
    mix = CutMix()
    draws = {"permutation_order": permutation, "x0": x0, "x1": x1, "y0": y0,
             "y1": y1}
    got_X, got_y = mix.mix(X, labels, draws, _context(mix, X))
    np.testing.assert_array_equal(got_X, expected_X)
    if whole_pixels:
        np.testing.assert_allclose(got_y, expected_y, rtol=1e-6)
    else:
        pasted = np.array([np.count_nonzero(m[..., 0]) for m in
                           keras.ops.convert_to_numpy(masks)]) / (12 * 16)
        np.testing.assert_allclose(got_y[np.arange(8), y], np.where(
            permutation == np.arange(8), 1.0,
            1 - pasted + pasted * (y[permutation] == y)), rtol=1e-6)
        assert not np.allclose(got_y, expected_y)
