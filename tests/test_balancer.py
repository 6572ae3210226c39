"""BalancingResampler: imbalanced-learn's strategies, rows made by augmentation."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import Pipeline, make_pipeline
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import GridSearchCV, train_test_split

from sklearn_dlprep import ArrayAugmenter, BalancingResampler


def _imbalanced(n_per_class=(40, 15, 6), shape=(6, 6), seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(len(n_per_class)), n_per_class)
    X = rng.random((len(y),) + shape).astype(np.float32) + y[:, None, None]
    return X, y


IMBLEARN_STRATEGIES = ["auto", "minority", "not minority", "not majority", "all",
                       {0: 40, 1: 30, 2: 25}, lambda y: {2: 20}]


@pytest.mark.parametrize("strategy", IMBLEARN_STRATEGIES,
                         ids=lambda s: "callable" if callable(s) else str(s))
def test_counts_match_random_over_sampler(strategy):
    """Every imbalanced-learn strategy form gives RandomOverSampler's counts."""
    X, y = _imbalanced()
    flat = X.reshape(len(X), -1)
    _, y_ros = RandomOverSampler(sampling_strategy=strategy,
                                 random_state=0).fit_resample(flat, y)
    _, y_res = BalancingResampler(ArrayAugmenter(rotation_range=10),
                                  sampling_strategy=strategy,
                                  random_state=0).fit_resample(X, y)
    assert Counter(y_res) == Counter(y_ros)


def test_float_strategy_for_two_classes_matches_random_over_sampler():
    """A float ratio works for binary targets, as in imbalanced-learn."""
    X, y = _imbalanced((40, 10))
    _, y_ros = RandomOverSampler(sampling_strategy=0.5).fit_resample(
        X.reshape(len(X), -1), y)
    _, y_res = BalancingResampler(sampling_strategy=0.5).fit_resample(X, y)
    assert Counter(y_res) == Counter(y_ros) == {0: 40, 1: 20}


@pytest.mark.parametrize("strategy, expected", [("mean", 20), ("median", 15),
                                                (25, 25)])
def test_mean_median_and_int_bring_every_class_to_one_count(strategy, expected):
    """"mean", "median" and an int over-sample below and under-sample above."""
    X, y = _imbalanced((40, 15, 6))
    balancer = BalancingResampler(ArrayAugmenter(width_shift_range=0.1),
                                  sampling_strategy=strategy, random_state=0)
    X_res, y_res = balancer.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: expected, 1: expected, 2: expected}
    # under-sampled rows are real rows, drawn without replacement
    kept_majority = balancer.sample_indices_[y_res == 0]
    assert len(set(kept_majority)) == expected
    np.testing.assert_array_equal(X_res[y_res == 0], X[kept_majority])


def test_sources_are_used_as_evenly_as_possible():
    """Each row of a class is a source floor or ceil of (new / n) times."""
    X, y = _imbalanced((40, 15, 6))
    balancer = BalancingResampler(ArrayAugmenter(rotation_range=5), random_state=0)
    balancer.fit_resample(X, y)
    for cls, n_rows in ((1, 15), (2, 6)):
        sources = balancer.sample_indices_[len(y):][
            y[balancer.sample_indices_[len(y):]] == cls]
        uses = np.bincount(sources, minlength=len(y))[y == cls]
        assert uses.max() - uses.min() <= 1 and uses.sum() == 40 - n_rows


def test_output_order_originals_then_new_rows_by_class():
    """Kept originals first, in order, then new rows grouped by class."""
    X, y = _imbalanced((40, 15, 6))
    balancer = BalancingResampler(ArrayAugmenter(rotation_range=5), random_state=0)
    X_res, y_res = balancer.fit_resample(X, y)
    np.testing.assert_array_equal(X_res[:len(y)], X)
    np.testing.assert_array_equal(y_res[len(y):], [1] * 25 + [2] * 34)
    new = X_res[len(y):]
    sources = X[balancer.sample_indices_[len(y):]]
    assert not np.allclose(new, sources), "new rows were copies, not augmented"
    np.testing.assert_array_equal(y_res, y[balancer.sample_indices_])


def test_shuffle_keeps_rows_with_their_labels_and_sources():
    """shuffle=True mixes rows; labels and sample_indices_ still match."""
    X, y = _imbalanced((40, 15, 6))
    plain = BalancingResampler(random_state=0)
    shuffled = BalancingResampler(shuffle=True, random_state=0)
    X_res, y_res = shuffled.fit_resample(X, y)
    np.testing.assert_array_equal(y_res, y[shuffled.sample_indices_])
    np.testing.assert_array_equal(X_res, X[shuffled.sample_indices_])
    assert not np.array_equal(y_res, plain.fit_resample(X, y)[1])


def test_without_augmenter_rows_are_duplicated_like_random_over_sampler():
    """augmenter=None copies rows exactly, with RandomOverSampler's counts."""
    X, y = _imbalanced()
    flat = X.reshape(len(X), -1)
    balancer = BalancingResampler(random_state=0)
    X_res, y_res = balancer.fit_resample(flat, y)
    np.testing.assert_array_equal(X_res, flat[balancer.sample_indices_])
    assert Counter(y_res) == Counter(RandomOverSampler().fit_resample(flat, y)[1])


def test_a_class_with_a_single_row_is_augmented_many_times():
    """One row can be the source of every new row of its class."""
    X, y = _imbalanced((20, 1))
    X_res, y_res = BalancingResampler(ArrayAugmenter(rotation_range=20),
                                      random_state=0).fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 20, 1: 20}
    new = X_res[y_res == 1][1:]
    assert len({row.tobytes() for row in new}) == 19


def test_string_labels_and_pandas():
    """String labels and DataFrame/Series come back in their containers."""
    X, y = _imbalanced()
    X_df = pd.DataFrame(X.reshape(len(X), -1),
                        columns=[f"p{i}" for i in range(36)])
    y_s = pd.Series(np.array(["cat", "dog", "owl"])[y], name="animal")
    balancer = BalancingResampler(ArrayAugmenter(rotation_range=10,
                                                 sample_shape=(6, 6)),
                                  random_state=0)
    X_res, y_res = balancer.fit_resample(X_df, y_s)
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == list(X_df.columns)
    assert isinstance(y_res, pd.Series) and y_res.name == "animal"
    assert y_res.value_counts().to_dict() == {"cat": 40, "dog": 40, "owl": 40}


@pytest.mark.parametrize("y, strategy, match", [
    (np.zeros(10, dtype=int), "auto", "class"),
    (np.repeat([0, 1], 5), 0, "remove every row"),
])
def test_impossible_requests_are_clear_errors(y, strategy, match):
    """One class, or a strategy that removes classes, is a clear ValueError."""
    X = np.zeros((10, 4))
    with pytest.raises(ValueError, match=match):
        BalancingResampler(sampling_strategy=strategy).fit_resample(X, y)


def test_augmenter_is_cloned_never_mutated_and_nested_params_search():
    """balance__augmenter__rotation_range is searchable; the augmenter is unchanged."""
    X, y = load_digits(return_X_y=True)
    X, y = X[:400], y[:400]
    augmenter = ArrayAugmenter(sample_shape=(8, 8))
    before = augmenter.get_params()
    pipe = Pipeline([("balance", BalancingResampler(augmenter, random_state=0)),
                     ("clf", LogisticRegression(max_iter=500))])
    search = GridSearchCV(pipe, {"balance__augmenter__rotation_range": [0, 15]},
                          cv=2).fit(X, y)
    searched = [p["balance__augmenter__rotation_range"]
                for p in search.cv_results_["params"]]
    assert searched == [0, 15]
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert augmenter.get_params() == before
    assert not hasattr(augmenter, "sample_indices_")


def test_flow_balance_agrees_with_auto_strategy():
    """flow(balance=True) and sampling_strategy="auto" give the same class counts."""
    X, y = _imbalanced((40, 15, 6))
    _, y_res = BalancingResampler(random_state=0).fit_resample(X, y)
    batches = ArrayAugmenter().flow(X, y, batch_size=16, balance=True,
                                    random_state=0)
    y_flow = np.concatenate([yb for _, yb in batches])
    assert Counter(y_flow.tolist()) == Counter(y_res.tolist())


def test_augmentation_balancing_improves_balanced_accuracy_on_digits():
    """On digits with five rare classes, balancing by augmentation helps.

    An honest experiment, not tuned: classes 5-9 keep 8 training rows each; the
    same logistic regression with and without augmentation-based balancing, scored
    by balanced accuracy on an untouched stratified half, averaged over 3 splits.
    """
    X, y = load_digits(return_X_y=True)
    plain, balanced = [], []
    for seed in range(3):
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.5, stratify=y,
                                                  random_state=seed)
        rng = np.random.default_rng(seed)
        keep = np.concatenate([
            np.flatnonzero(y_tr == c) if c < 5
            else rng.choice(np.flatnonzero(y_tr == c), 8, replace=False)
            for c in range(10)])
        X_im, y_im = X_tr[keep], y_tr[keep]
        clf = LogisticRegression(max_iter=3000)
        plain.append(balanced_accuracy_score(y_te, clf.fit(X_im, y_im).predict(X_te)))
        pipe = make_pipeline(
            BalancingResampler(ArrayAugmenter(rotation_range=10, width_shift_range=0.1,
                                              height_shift_range=0.1, zoom_range=0.1,
                                              sample_shape=(8, 8)),
                               random_state=0),
            LogisticRegression(max_iter=3000))
        balanced.append(balanced_accuracy_score(y_te, pipe.fit(X_im, y_im).predict(
            X_te)))
    assert np.mean(balanced) > np.mean(plain)


def test_binary_one_hot_labels_come_back_one_hot():
    """One-hot y of two classes comes back with two columns, one per class."""
    X, y = _imbalanced((20, 6))
    y_one_hot = np.eye(2, dtype=int)[y]
    balancer = BalancingResampler(random_state=0)
    _, y_res = balancer.fit_resample(X.reshape(len(X), -1), y_one_hot)
    assert y_res.shape == (40, 2)
    np.testing.assert_array_equal(y_res, y_one_hot[balancer.sample_indices_])
