"""Augmentation inside training: fresh epochs and test-time augmentation."""

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import RandomOverSampler
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.datasets import load_digits
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import (
    LogisticRegression,
    Perceptron,
    Ridge,
    SGDClassifier,
    SGDRegressor,
)
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier

from sklearn_dlprep import (
    ArrayAugmenter,
    AugmentedEpochsClassifier,
    AugmentedEpochsRegressor,
    BalancingResampler,
    TestTimeAugmentationClassifier,
    TestTimeAugmentationRegressor,
)


class RecordingClassifier(ClassifierMixin, BaseEstimator):
    """A classifier that records what it is given.

    ``partial_fit`` keeps a copy of every epoch; ``score`` returns ``scores[k]``
    after epoch ``k + 1`` when ``scores`` is given; ``predict_proba`` records its
    input and gives probabilities that depend on each row's mean.
    """

    def __init__(self, scores=None):
        self.scores = scores

    def partial_fit(self, X, y, classes=None):
        if not hasattr(self, "epochs_"):
            self.epochs_, self.classes_given_ = [], []
            self.classes_ = np.asarray(classes)
        self.epochs_.append((np.array(X), np.array(y)))
        self.classes_given_.append(classes)
        return self

    def fit(self, X, y):
        self.n_fits_ = getattr(self, "n_fits_", 0) + 1
        self.classes_ = np.unique(y)
        return self

    def score(self, X, y):
        self.scored_ = getattr(self, "scored_", []) + [np.array(X)]
        if self.scores is None:
            return 0.0
        return self.scores[len(self.epochs_) - 1]

    def predict_proba(self, X):
        self.predicted_ = getattr(self, "predicted_", []) + [np.array(X)]
        means = np.asarray(X, dtype=float).reshape(len(X), -1).mean(axis=1)
        logits = np.outer(means, np.arange(len(self.classes_)))
        proba = np.exp(logits - logits.max(axis=1, keepdims=True))
        return proba / proba.sum(axis=1, keepdims=True)


class RecordingRegressor(RegressorMixin, BaseEstimator):
    """A regressor that records its epochs and predicts each row's mean."""

    def partial_fit(self, X, y):
        self.epochs_ = getattr(self, "epochs_", []) + [(np.array(X), np.array(y))]
        return self

    def fit(self, X, y):
        return self

    def predict(self, X):
        self.predicted_ = getattr(self, "predicted_", []) + [np.array(X)]
        return np.asarray(X, dtype=float).reshape(len(X), -1).mean(axis=1)


def _digits(n=60, dtype=np.float64):
    X, y = load_digits(return_X_y=True)
    return (X[:n] / 16).astype(dtype), y[:n]


def _imbalanced(counts=(30, 10, 5)):
    X, y = load_digits(return_X_y=True)
    rows = np.concatenate([np.flatnonzero(y == k)[:count]
                           for k, count in enumerate(counts)])
    return X[rows] / 16, y[rows]


ROTATE = ArrayAugmenter(rotation_range=30, sample_shape=(8, 8))


def _rows_in(rows, X):
    """For every row of ``rows``, whether it is exactly a row of ``X``."""
    known = {row.tobytes() for row in np.asarray(X)}
    return np.array([row.tobytes() in known for row in np.asarray(rows)])


# AugmentedEpochsClassifier: what every epoch holds ------------------------------


def test_every_epoch_holds_the_originals_and_newly_augmented_copies():
    """With keep_original and shuffle=False, an epoch is X then one augmented copy
    of every row, and the copies differ from one epoch to the next."""
    X, y = _digits()
    clf = AugmentedEpochsClassifier(RecordingClassifier(), ROTATE, epochs=3,
                                    shuffle=False, random_state=0).fit(X, y)
    epochs = clf.estimator_.epochs_
    assert len(epochs) == clf.n_epochs_ == 3
    for X_epoch, y_epoch in epochs:
        assert X_epoch.shape == (2 * len(X), 64)
        np.testing.assert_array_equal(X_epoch[:len(X)], X)
        np.testing.assert_array_equal(y_epoch, np.r_[y, y])
        assert not _rows_in(X_epoch[len(X):], X).any()
    assert not np.isclose(epochs[0][0][len(X):], epochs[1][0][len(X):]).all(
        axis=1).any()


def test_n_copies_draws_independent_copies():
    """n_copies=3 puts three differently augmented versions of each row in an
    epoch."""
    X, y = _digits(20)
    clf = AugmentedEpochsClassifier(RecordingClassifier(), ROTATE, epochs=1,
                                    n_copies=3, shuffle=False,
                                    random_state=0).fit(X, y)
    X_epoch, _ = clf.estimator_.epochs_[0]
    copies = X_epoch[len(X):].reshape(3, len(X), 64)
    assert X_epoch.shape[0] == 4 * len(X) == clf.n_rows_seen_
    assert not np.isclose(copies[0], copies[1]).all(axis=1).any()
    assert not np.isclose(copies[1], copies[2]).all(axis=1).any()


def test_keep_original_false_trains_on_augmented_rows_only():
    """Without keep_original, no row of an epoch is an original row."""
    X, y = _digits()
    clf = AugmentedEpochsClassifier(RecordingClassifier(), ROTATE, epochs=2,
                                    keep_original=False, random_state=0).fit(X, y)
    for X_epoch, _ in clf.estimator_.epochs_:
        assert len(X_epoch) == len(X)
        assert not _rows_in(X_epoch, X).any()


def test_shuffle_mixes_originals_and_copies_with_their_labels():
    """shuffle=True gives the rows in a new order every epoch, labels following."""
    X, y = _digits()
    clf = AugmentedEpochsClassifier(RecordingClassifier(), ROTATE, epochs=2,
                                    random_state=0).fit(X, y)
    (X1, y1), (X2, y2) = clf.estimator_.epochs_
    original_1, original_2 = _rows_in(X1, X), _rows_in(X2, X)
    assert original_1.sum() == original_2.sum() == len(X)
    assert not original_1[:len(X)].all()          # originals not all first
    assert not np.array_equal(original_1, original_2)
    # every original row comes with its own label
    label_of = {row.tobytes(): label for row, label in zip(X, y)}
    assert all(label_of[row.tobytes()] == label
               for row, label in zip(X1[original_1], y1[original_1]))
    assert Counter(y1.tolist()) == Counter(np.r_[y, y].tolist())


def test_first_partial_fit_gets_every_class():
    """classes= (all classes of y) is given on the first call only."""
    X, y = _digits()
    y = np.where(y % 2 == 0, "even", "odd")
    clf = AugmentedEpochsClassifier(RecordingClassifier(), ROTATE, epochs=3,
                                    random_state=0).fit(X, y)
    given = clf.estimator_.classes_given_
    np.testing.assert_array_equal(given[0], ["even", "odd"])
    assert given[1:] == [None, None]
    np.testing.assert_array_equal(clf.classes_, ["even", "odd"])


def test_balance_makes_every_epoch_class_balanced():
    """balance=True: every class at the majority count in each epoch, originals
    once each, the extra rows of small classes augmented."""
    X, y = _imbalanced((30, 10, 5))
    clf = AugmentedEpochsClassifier(RecordingClassifier(), ROTATE, epochs=2,
                                    balance=True, random_state=0).fit(X, y)
    for X_epoch, y_epoch in clf.estimator_.epochs_:
        assert Counter(y_epoch.tolist()) == {0: 60, 1: 60, 2: 60}
        original = _rows_in(X_epoch, X)
        assert original.sum() == len(X)
        assert len({row.tobytes() for row in X_epoch[original]}) == len(X)


def test_balancing_resampler_makes_each_epoch():
    """A BalancingResampler as augmenter: each epoch is a new balanced draw."""
    X, y = _imbalanced((30, 10, 5))
    balancer = BalancingResampler(ROTATE)
    clf = AugmentedEpochsClassifier(RecordingClassifier(), balancer, epochs=2,
                                    random_state=0).fit(X, y)
    (X1, y1), (X2, y2) = clf.estimator_.epochs_
    assert Counter(y1.tolist()) == Counter(y2.tolist()) == {0: 30, 1: 30, 2: 30}
    created_1 = np.sort(X1[~_rows_in(X1, X)], axis=0)
    created_2 = np.sort(X2[~_rows_in(X2, X)], axis=0)
    assert len(created_1) == 45 and not np.allclose(created_1, created_2)
    assert balancer.get_params()["random_state"] is None  # cloned, not changed


def test_estimator_gets_the_dtype_and_layout_given():
    """N-d uint8 images reach the estimator as N-d uint8 arrays."""
    X, y = load_digits(return_X_y=True)
    X = X[:40].reshape(40, 8, 8).astype(np.uint8)
    clf = AugmentedEpochsClassifier(RecordingClassifier(),
                                    ArrayAugmenter(rotation_range=10), epochs=1,
                                    random_state=0).fit(X, y[:40])
    X_epoch, _ = clf.estimator_.epochs_[0]
    assert X_epoch.shape == (80, 8, 8) and X_epoch.dtype == np.uint8
    assert clf.n_features_in_ == 64


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_dtype_is_kept(dtype):
    """float32 and float64 rows reach the estimator in their own dtype."""
    X, y = _digits(dtype=dtype)
    clf = AugmentedEpochsClassifier(RecordingClassifier(), ROTATE, epochs=1,
                                    random_state=0).fit(X, y)
    assert clf.estimator_.epochs_[0][0].dtype == dtype


def test_int_random_state_reproduces_every_epoch():
    """Two fits with the same int random_state give the same epochs."""
    X, y = _digits()
    make = lambda: AugmentedEpochsClassifier(  # noqa: E731
        RecordingClassifier(), ROTATE, epochs=2, random_state=3).fit(X, y)
    for (X1, y1), (X2, y2) in zip(make().estimator_.epochs_,
                                  make().estimator_.epochs_):
        np.testing.assert_array_equal(X1, X2)
        np.testing.assert_array_equal(y1, y2)


def test_caller_data_estimator_and_augmenter_are_unchanged():
    """fit copies nothing back: X, y, the estimator and the augmenter stay as
    given."""
    X, y = _digits()
    X_before, y_before = X.copy(), y.copy()
    estimator, augmenter = SGDClassifier(random_state=0), clone(ROTATE)
    AugmentedEpochsClassifier(estimator, augmenter, epochs=2,
                              random_state=0).fit(X, y)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
    assert not hasattr(estimator, "coef_")
    assert augmenter.get_params() == ROTATE.get_params()


def test_dataframe_in_names_checked_at_predict():
    """A DataFrame is accepted; its column names are checked at predict time."""
    X, y = _digits()
    frame = pd.DataFrame(X, columns=[f"pixel_{i}" for i in range(64)])
    clf = AugmentedEpochsClassifier(SGDClassifier(random_state=0), ROTATE,
                                    epochs=2, random_state=0).fit(frame, y)
    np.testing.assert_array_equal(clf.feature_names_in_, frame.columns)
    assert clf.predict(frame).shape == (len(X),)
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(frame.rename(columns={"pixel_0": "other"}))


# Early stopping --------------------------------------------------------------------


def test_early_stopping_scores_held_out_original_rows_never_trained_on():
    """The validation rows are original rows, stratified, never in an epoch."""
    X, y = _digits(100)
    clf = AugmentedEpochsClassifier(RecordingClassifier(scores=[0.1, 0.2, 0.3]),
                                    ROTATE, epochs=3,
                                    early_stopping=True, validation_fraction=0.2,
                                    random_state=0).fit(X, y)
    scored = clf.estimator_.scored_
    assert len(scored) == 3 and all(np.array_equal(s, scored[0]) for s in scored)
    X_val = scored[0]
    assert len(X_val) == 20 and _rows_in(X_val, X).all()
    for X_epoch, _ in clf.estimator_.epochs_:
        assert not _rows_in(X_epoch, X_val).any()
        assert _rows_in(X_epoch, X).sum() == 80
    val_labels = y[[np.flatnonzero(_rows_in(X, row[None]))[0] for row in X_val]]
    assert set(Counter(val_labels.tolist()).values()) == {2}  # 10 classes, 2 each


def test_early_stopping_stops_after_n_iter_no_change_epochs():
    """Three epochs without improvement (n_iter_no_change=3) stop training."""
    X, y = _digits(100)
    scores = [0.5, 0.7, 0.6, 0.7, 0.65, 0.9, 0.9]
    clf = AugmentedEpochsClassifier(RecordingClassifier(scores=scores), ROTATE,
                                    epochs=7, early_stopping=True,
                                    n_iter_no_change=3, random_state=0).fit(X, y)
    assert clf.n_epochs_ == 5
    assert clf.validation_scores_ == scores[:5]
    assert clf.best_validation_score_ == 0.7 and clf.best_epoch_ == 2


def test_gains_below_tol_are_no_improvement():
    """A gain smaller than tol does not reset the count, as in MLPClassifier."""
    X, y = _digits(100)
    scores = [0.5, 0.50005, 0.50009, 0.9]
    clf = AugmentedEpochsClassifier(RecordingClassifier(scores=scores), ROTATE,
                                    epochs=4, early_stopping=True, tol=1e-4,
                                    n_iter_no_change=2, random_state=0).fit(X, y)
    assert clf.n_epochs_ == 3
    assert clf.best_epoch_ == 3  # the best state is kept even for a tiny gain


def test_early_stopping_keeps_the_estimator_of_the_best_epoch():
    """estimator_ is the estimator as it was after its best epoch."""
    X, y = _digits(100)
    scores = [0.5, 0.8, 0.6, 0.6]
    clf = AugmentedEpochsClassifier(RecordingClassifier(scores=scores), ROTATE,
                                    epochs=4, early_stopping=True,
                                    n_iter_no_change=2, random_state=0).fit(X, y)
    assert clf.n_epochs_ == 4
    assert len(clf.estimator_.epochs_) == clf.best_epoch_ == 2


def test_without_early_stopping_no_validation_scores():
    """Without early stopping every epoch runs and no score is recorded."""
    X, y = _digits()
    clf = AugmentedEpochsClassifier(RecordingClassifier(), ROTATE, epochs=4,
                                    random_state=0).fit(X, y)
    assert clf.n_epochs_ == 4 and clf.validation_scores_ is None
    assert clf.best_validation_score_ is None and clf.best_epoch_ is None
    assert not hasattr(clf.estimator_, "scored_")


def test_verbose_prints_one_line_per_epoch(capsys):
    """verbose=1: epoch, rows, validation score and seconds, one line each."""
    X, y = _digits()
    AugmentedEpochsClassifier(SGDClassifier(random_state=0), ROTATE, epochs=3,
                              early_stopping=True, validation_fraction=0.25,
                              n_iter_no_change=5, random_state=0,
                              verbose=1).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("Epoch 1/3: 90 rows (90 seen), validation score 0.")
    assert lines[2].startswith("Epoch 3/3: 90 rows (270 seen)")
    assert all(line.endswith(" s") for line in lines)


# Delegation ------------------------------------------------------------------------


def test_predictions_delegate_to_the_trained_estimator():
    """predict, predict_proba, decision_function and score are the estimator's."""
    X, y = _digits(200)
    clf = AugmentedEpochsClassifier(SGDClassifier(loss="log_loss", random_state=0),
                                    ROTATE, epochs=3, random_state=0).fit(X, y)
    inner = clf.estimator_
    np.testing.assert_array_equal(clf.predict(X), inner.predict(X))
    np.testing.assert_array_equal(clf.predict_proba(X), inner.predict_proba(X))
    np.testing.assert_array_equal(clf.decision_function(X),
                                  inner.decision_function(X))
    assert clf.score(X, y) == inner.score(X, y)
    np.testing.assert_array_equal(clf.classes_, inner.classes_)


@pytest.mark.parametrize("estimator, has_proba, has_decision", [
    (SGDClassifier(), False, True),
    (Perceptron(), False, True),
    (MLPClassifier(), True, False),
    (SGDClassifier(loss="log_loss"), True, True),
])
def test_hasattr_follows_the_estimator(estimator, has_proba, has_decision):
    """predict_proba and decision_function exist exactly when the estimator's do."""
    clf = AugmentedEpochsClassifier(estimator, ROTATE)
    assert hasattr(clf, "predict_proba") is has_proba
    assert hasattr(clf, "decision_function") is has_decision


def test_predict_before_fit_is_not_fitted_error():
    """Predicting before fit raises NotFittedError, and classes_ is absent."""
    clf = AugmentedEpochsClassifier(SGDClassifier(), ROTATE)
    with pytest.raises(NotFittedError):
        clf.predict(np.zeros((2, 64)))
    assert not hasattr(clf, "classes_")


def test_grid_search_over_augmenter_and_estimator_parameters():
    """GridSearchCV searches augmenter__ and estimator__ parameters together."""
    X, y = _digits(150)
    search = GridSearchCV(
        AugmentedEpochsClassifier(
            MLPClassifier(hidden_layer_sizes=(16,), random_state=0),
            ArrayAugmenter(sample_shape=(8, 8)), epochs=3, random_state=0),
        {"augmenter__rotation_range": [0, 10], "estimator__alpha": [1e-4, 1e-1]},
        cv=2)
    search.fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    best = search.best_estimator_
    assert best.augmenter.rotation_range == search.best_params_[
        "augmenter__rotation_range"]
    assert best.estimator_.alpha == search.best_params_["estimator__alpha"]


def test_mlp_trained_on_fresh_epochs_learns_digits():
    """A real network trained this way classifies held-out digits well."""
    X, y = load_digits(return_X_y=True)
    clf = AugmentedEpochsClassifier(
        MLPClassifier(hidden_layer_sizes=(32,), batch_size=32, random_state=0),
        ArrayAugmenter(rotation_range=10, zoom_range=0.1, fill_mode="constant",
                       sample_shape=(8, 8)), epochs=30, random_state=0)
    clf.fit(X[:600] / 16, y[:600])
    assert clf.score(X[600:] / 16, y[600:]) > 0.9


# AugmentedEpochsRegressor ----------------------------------------------------------


def test_regressor_targets_follow_their_rows():
    """The regressor's epochs carry each row's target with its augmented copy."""
    rng = np.random.default_rng(0)
    X = rng.random((30, 20))
    y = np.arange(30.0)
    reg = AugmentedEpochsRegressor(RecordingRegressor(),
                                   ArrayAugmenter(width_shift_range=0.1),
                                   epochs=2, n_copies=2, shuffle=False,
                                   random_state=0).fit(X, y)
    for X_epoch, y_epoch in reg.estimator_.epochs_:
        assert X_epoch.shape == (90, 20)
        np.testing.assert_array_equal(y_epoch, np.tile(y, 3))


def test_regressor_predict_and_score_delegate():
    """The regressor's predict and score are its estimator's."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 20)).cumsum(axis=1) / 10
    y = X.mean(axis=1)
    reg = AugmentedEpochsRegressor(SGDRegressor(random_state=0),
                                   ArrayAugmenter(width_shift_range=0.02),
                                   epochs=5, random_state=0).fit(X, y)
    np.testing.assert_array_equal(reg.predict(X), reg.estimator_.predict(X))
    assert reg.score(X, y) == reg.estimator_.score(X, y)
    assert not hasattr(reg, "predict_proba") and not hasattr(reg, "classes_")


def test_regressor_early_stopping_split_is_not_stratified():
    """A continuous target is held out without stratification."""
    rng = np.random.default_rng(0)
    X, y = rng.random((50, 10)), rng.random(50)
    reg = AugmentedEpochsRegressor(SGDRegressor(random_state=0),
                                   ArrayAugmenter(width_shift_range=0.1),
                                   epochs=3, early_stopping=True,
                                   validation_fraction=0.2,
                                   random_state=0).fit(X, y)
    assert len(reg.validation_scores_) == reg.n_epochs_


# Bad input -------------------------------------------------------------------------


@pytest.mark.parametrize("params, error, match", [
    ({"epochs": 0}, ValueError, r"'epochs' parameter .* an int in \[1, inf\)\. Got 0"),
    ({"epochs": 2.5}, TypeError, "'epochs' parameter"),
    ({"epochs": True}, TypeError, r"'epochs' parameter .* Got True"),
    ({"n_copies": 0}, ValueError, r"'n_copies' parameter .* Got 0"),
    ({"validation_fraction": 0.0}, ValueError,
     r"'validation_fraction' parameter .* a float in \(0, 1\)\. Got 0.0"),
    ({"validation_fraction": 1.0}, ValueError, r"in \(0, 1\)\. Got 1.0"),
    ({"validation_fraction": 1.5}, ValueError, r"in \(0, 1\)\. Got 1.5"),
    ({"n_iter_no_change": 0}, ValueError, r"'n_iter_no_change' parameter"),
    ({"tol": -1.0}, ValueError, r"'tol' parameter .* Got -1.0"),
    ({"shuffle": "yes"}, ValueError, "'shuffle' parameter"),
    ({"random_state": "seed"}, ValueError, "'random_state' parameter"),
])
def test_bad_parameters_are_named(params, error, match):
    """Each bad parameter value is refused with a message naming it."""
    X, y = _digits()
    clf = AugmentedEpochsClassifier(SGDClassifier(), ROTATE, **params)
    with pytest.raises(error, match=match):
        clf.fit(X, y)


def test_estimator_without_partial_fit_is_refused_by_name():
    """An estimator without partial_fit: a TypeError naming it."""
    X, y = _digits()
    clf = AugmentedEpochsClassifier(LogisticRegression(), ROTATE)
    with pytest.raises(TypeError, match="LogisticRegression has no partial_fit"):
        clf.fit(X, y)


@pytest.mark.parametrize("augmenter", [RandomOverSampler(), lambda X: X, None],
                         ids=["RandomOverSampler", "function", "None"])
def test_augmenter_not_of_this_package_is_refused(augmenter):
    """An augmenter that is not a sampler of this package: a TypeError."""
    X, y = _digits()
    clf = AugmentedEpochsClassifier(SGDClassifier(), augmenter)
    with pytest.raises(TypeError, match="augmenter must be a sampler of "
                                        "sklearn_dlprep"):
        clf.fit(X, y)


def test_balance_with_a_balancing_resampler_is_refused():
    """balance=True and a BalancingResampler would balance twice: refused."""
    X, y = _digits()
    clf = AugmentedEpochsClassifier(SGDClassifier(), BalancingResampler(ROTATE),
                                    balance=True)
    with pytest.raises(ValueError, match="balance=True"):
        clf.fit(X, y)


def test_regressor_refuses_a_balancing_resampler():
    """A regressor has no classes to balance: a BalancingResampler is refused."""
    rng = np.random.default_rng(0)
    reg = AugmentedEpochsRegressor(SGDRegressor(), BalancingResampler())
    with pytest.raises(TypeError, match="a regressor has no classes"):
        reg.fit(rng.random((20, 5)), rng.random(20))


def test_too_small_validation_part_is_refused():
    """A validation part too small to hold every class is a clear error."""
    X, y = _digits(40)
    clf = AugmentedEpochsClassifier(SGDClassifier(), ROTATE, early_stopping=True,
                                    validation_fraction=0.05)
    with pytest.raises(ValueError, match="validation_fraction=0.05"):
        clf.fit(X, y)


def test_continuous_target_is_refused_by_the_classifier():
    """A classifier refuses a continuous y."""
    X, _ = _digits()
    clf = AugmentedEpochsClassifier(SGDClassifier(), ROTATE)
    with pytest.raises(ValueError, match="Unknown label type"):
        clf.fit(X, np.linspace(0, 1, len(X)))


# Test-time augmentation ------------------------------------------------------------


def test_tta_averages_probabilities_over_the_original_and_its_views():
    """predict_proba is the mean of the estimator's probabilities over the
    original and n_views augmented views of each sample."""
    X, y = _digits(12)
    tta = TestTimeAugmentationClassifier(RecordingClassifier(), ROTATE, n_views=3,
                                         random_state=0).fit(X, y)
    proba = tta.predict_proba(X)
    (views,) = tta.estimator_.predicted_
    views = views.reshape(len(X), 4, 64)
    np.testing.assert_array_equal(views[:, 0], X)
    assert not np.isclose(views[:, 1:], X[:, None]).all(axis=2).any()
    expected = clone(tta.estimator_).fit(X, y).predict_proba(
        views.reshape(-1, 64)).reshape(len(X), 4, -1).mean(axis=1)
    np.testing.assert_allclose(proba, expected)


def test_tta_without_original_uses_augmented_views_only():
    """include_original=False: n_views views, none of them the original."""
    X, y = _digits(12)
    tta = TestTimeAugmentationClassifier(RecordingClassifier(), ROTATE, n_views=2,
                                         include_original=False,
                                         random_state=0).fit(X, y)
    tta.predict_proba(X)
    (views,) = tta.estimator_.predicted_
    assert views.shape == (24, 64) and not _rows_in(views, X).any()


def test_tta_predict_is_the_argmax_class():
    """predict is classes_[argmax] of the averaged probabilities (string labels)."""
    X, y = _digits(100)
    labels = np.array(["zero", "one", "two", "three", "four", "five", "six",
                       "seven", "eight", "nine"])[y]
    tta = TestTimeAugmentationClassifier(LogisticRegression(max_iter=500), ROTATE,
                                         n_views=2, random_state=0).fit(X, labels)
    proba = tta.predict_proba(X)
    np.testing.assert_array_equal(tta.predict(X), tta.classes_[proba.argmax(1)])
    np.testing.assert_array_equal(tta.classes_, np.unique(labels))


def test_tta_prediction_of_a_sample_ignores_the_other_rows():
    """With an int random_state a sample's prediction does not depend on the
    other rows of X or their order."""
    X, y = _digits(40)
    tta = TestTimeAugmentationClassifier(LogisticRegression(max_iter=500), ROTATE,
                                         random_state=0).fit(X, y)
    full = tta.predict_proba(X)
    np.testing.assert_allclose(tta.predict_proba(X[7:8]), full[7:8])
    order = np.random.default_rng(0).permutation(len(X))
    np.testing.assert_allclose(tta.predict_proba(X[order]), full[order])


def test_tta_random_state_changes_the_views():
    """Another random_state gives other views, hence other probabilities."""
    X, y = _digits(40)
    fitted = TestTimeAugmentationClassifier(LogisticRegression(max_iter=500),
                                            ROTATE, random_state=0).fit(X, y)
    other = clone(fitted).set_params(random_state=1).fit(X, y)
    assert not np.allclose(fitted.predict_proba(X), other.predict_proba(X))


def test_tta_views_are_made_in_row_blocks():
    """The estimator never gets all n_views * n rows at once."""
    rng = np.random.default_rng(0)
    X = rng.random((200, 64, 64, 3))      # 98 kB a sample, about 0.9 MB of views
    y = np.arange(200) % 2
    tta = TestTimeAugmentationClassifier(RecordingClassifier(),
                                         ArrayAugmenter(width_shift_range=0.1),
                                         n_views=8, random_state=0).fit(X, y)
    proba = tta.predict_proba(X)
    calls = [len(views) for views in tta.estimator_.predicted_]
    assert len(calls) > 1 and max(calls) < 9 * len(X)
    assert sum(calls) == 9 * len(X) and proba.shape == (200, 2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tta_views_keep_the_dtype(dtype):
    """Views reach the estimator in the dtype of X."""
    X, y = _digits(12, dtype=dtype)
    tta = TestTimeAugmentationClassifier(RecordingClassifier(), ROTATE, n_views=2,
                                         random_state=0).fit(X, y)
    tta.predict_proba(X)
    assert tta.estimator_.predicted_[0].dtype == dtype


def test_tta_prefit_wraps_a_fitted_estimator_without_refitting():
    """prefit=True: no fit of the estimator; a copy is kept; unfitted refused."""
    X, y = _digits(30)
    fitted = RecordingClassifier().fit(X, y)
    tta = TestTimeAugmentationClassifier(fitted, ROTATE, n_views=2, prefit=True,
                                         random_state=0).fit(X)
    assert tta.estimator_.n_fits_ == 1 and tta.estimator_ is not fitted
    tta.predict(X)
    assert not hasattr(fitted, "predicted_")
    with pytest.raises(NotFittedError):
        TestTimeAugmentationClassifier(RecordingClassifier(), ROTATE,
                                       prefit=True).fit(X)


def test_tta_prefit_under_a_search_says_to_freeze_the_estimator():
    """GridSearchCV clones the estimator it searches, which unfits a prefit
    estimator: the error says so and names FrozenEstimator."""
    X, y = _digits(30)
    search = GridSearchCV(
        TestTimeAugmentationClassifier(RecordingClassifier().fit(X, y), ROTATE,
                                       n_views=2, prefit=True),
        {"n_views": [2, 4]}, cv=2, error_score="raise")
    with pytest.raises(NotFittedError, match=r"FrozenEstimator\(fitted\)"):
        search.fit(X, y)


@pytest.mark.parametrize("prefit", [True, False])
def test_tta_of_a_frozen_estimator_is_searched_without_refitting(prefit):
    """GridSearchCV over the views of a FrozenEstimator fits and scores, and the
    estimator is never fitted again: not in the folds, not at refit."""
    from sklearn.frozen import FrozenEstimator

    X, y = _digits(200)
    fitted = LogisticRegression(max_iter=500).fit(X[:100], y[:100])
    coef = fitted.coef_.copy()
    search = GridSearchCV(
        TestTimeAugmentationClassifier(FrozenEstimator(fitted), ROTATE,
                                       prefit=prefit, random_state=0),
        {"n_views": [2, 4]}, cv=2, error_score="raise").fit(X[100:], y[100:])
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.best_params_["n_views"] in (2, 4)
    np.testing.assert_array_equal(search.best_estimator_.estimator_.coef_, coef)
    np.testing.assert_array_equal(fitted.coef_, coef)
    assert search.score(X[100:], y[100:]) > 0.5


def test_tta_prefit_on_a_dataframe_model_gets_named_views():
    """A prefit estimator fitted on a DataFrame gets views with its column names
    (no feature-name warning), and the same predictions as from arrays."""
    import warnings

    X, y = _digits(100)
    frame = pd.DataFrame(X, columns=[f"pixel_{i}" for i in range(64)])
    fitted = LogisticRegression(max_iter=500).fit(frame, y)
    tta = TestTimeAugmentationClassifier(fitted, ROTATE, n_views=2, prefit=True,
                                         random_state=0).fit(frame)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        proba = tta.predict_proba(frame)
    np.testing.assert_allclose(proba, clone(tta).set_params(
        estimator=LogisticRegression(max_iter=500).fit(X, y)).fit(X).predict_proba(X))


def test_tta_on_top_of_augmented_epochs():
    """Test-time augmentation wraps a model trained on fresh epochs."""
    X, y = _digits(200)
    trained = AugmentedEpochsClassifier(MLPClassifier(random_state=0), ROTATE,
                                        epochs=5, random_state=0).fit(X, y)
    tta = TestTimeAugmentationClassifier(trained, ROTATE, n_views=2, prefit=True,
                                         random_state=0).fit(X)
    assert tta.predict_proba(X).shape == (200, 10)
    assert set(tta.predict(X)) <= set(trained.classes_)


def test_tta_averages_decision_values_without_predict_proba():
    """Without predict_proba, decision values are averaged and predict follows."""
    X, y = _digits(100)
    tta = TestTimeAugmentationClassifier(SGDClassifier(random_state=0), ROTATE,
                                         n_views=2, random_state=0).fit(X, y)
    assert not hasattr(tta, "predict_proba")
    scores = tta.decision_function(X)
    np.testing.assert_array_equal(tta.predict(X), tta.classes_[scores.argmax(1)])


def test_tta_offers_no_decision_function_when_probabilities_are_averaged():
    """With predict_proba averaged, decision_function is not offered."""
    tta = TestTimeAugmentationClassifier(LogisticRegression(), ROTATE)
    assert hasattr(tta, "predict_proba") and not hasattr(tta, "decision_function")


def test_tta_regressor_averages_predictions():
    """The regressor's prediction is the mean over the original and its views."""
    rng = np.random.default_rng(0)
    X = rng.random((10, 30))
    tta = TestTimeAugmentationRegressor(RecordingRegressor(),
                                        ArrayAugmenter(width_shift_range=0.2),
                                        n_views=4, random_state=0).fit(X, X[:, 0])
    pred = tta.predict(X)
    (views,) = tta.estimator_.predicted_
    np.testing.assert_allclose(pred, views.reshape(10, 5, 30).mean(axis=(1, 2)))
    assert not np.allclose(pred, X.mean(axis=1))


def test_tta_score_is_of_the_averaged_predictions():
    """score is the accuracy of the test-time-augmented predictions."""
    X, y = _digits(100)
    tta = TestTimeAugmentationClassifier(LogisticRegression(max_iter=500), ROTATE,
                                         n_views=2, random_state=0).fit(X, y)
    assert tta.score(X, y) == np.mean(tta.predict(X) == y)


@pytest.mark.parametrize("n_views, error", [(0, ValueError), (-2, ValueError),
                                            (1.5, TypeError)])
def test_tta_n_views_below_one_is_refused(n_views, error):
    """n_views must be an int >= 1."""
    X, y = _digits()
    with pytest.raises(error, match="n_views"):
        TestTimeAugmentationClassifier(LogisticRegression(), ROTATE,
                                       n_views=n_views).fit(X, y)


def test_tta_refuses_a_balancing_resampler():
    """A BalancingResampler has no views to offer: TypeError."""
    X, y = _digits()
    with pytest.raises(TypeError, match="no views of a sample"):
        TestTimeAugmentationClassifier(LogisticRegression(),
                                       BalancingResampler(ROTATE)).fit(X, y)


def test_tta_refuses_an_augmenter_not_of_this_package():
    """A sampler that is not one of this package's: TypeError."""
    X, y = _digits()
    with pytest.raises(TypeError, match="augmenter must be a sampler"):
        TestTimeAugmentationRegressor(Ridge(), RandomOverSampler()).fit(X, y)


def test_tta_predict_before_fit_is_not_fitted_error():
    """Predicting before fit raises NotFittedError."""
    tta = TestTimeAugmentationClassifier(LogisticRegression(), ROTATE)
    with pytest.raises(NotFittedError):
        tta.predict(np.zeros((2, 64)))


# The measurement script ------------------------------------------------------------

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_training.py"


@pytest.mark.slow
def test_training_benchmark_smoke_run_reports_every_method(tmp_path):
    """benchmarks/bench_training.py --smoke runs and reports an accuracy for every
    method (no number is asserted: the smoke run trains for 2 epochs)."""
    out = tmp_path / "smoke.json"
    env = {**os.environ, "PYTHONPATH": str(BENCH.parents[1])}
    proc = subprocess.run([sys.executable, str(BENCH), "--smoke", "--json", str(out)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["smoke"] is True
    assert set(report["means"]) == {"none", "static", "fresh", "fresh + TTA",
                                    "static + TTA"}
    assert all(0 <= value <= 1 for value in report["means"].values())
    assert "| mean |" in proc.stdout
