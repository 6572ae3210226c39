"""Augmentation inside training: fresh draws every epoch, and test-time augmentation."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import copy
import hashlib
import numbers
import time

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    RegressorMixin,
    clone,
)
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import train_test_split
from sklearn.utils import gen_batches, get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ._balancer import BalancingResampler
from ._engine import concatenate_draws
from .utils._memory import check_allocation
from .utils._param_validation import BOOLEAN, RANDOM_STATE, check_params, interval
from .utils._random import make_generator
from .utils._sampling import even_repeat
from .utils._validation import validate_samples

# Test-time views are predicted in blocks of rows whose views take about this many
# bytes, so that memory stays bounded whatever the size of X and n_views.
_VIEW_BLOCK_BYTES = 1 << 24

# Checked once per fit by check_params; the nested estimators are checked for the
# methods they need.
_COMMON_CONSTRAINTS = {
    "estimator": "no_validation",
    "augmenter": "no_validation",
    "random_state": [RANDOM_STATE],
}
_AT_LEAST_ONE = interval(numbers.Integral, 1)


def _seed(rng):
    """An int seed drawn from ``rng``, accepted by every ``random_state``."""
    return int(rng.integers(0, 2**32 - 1))


def _augmenter_kind(augmenter, *, balancer_refused=None):
    """``"augmenter"`` or ``"balancer"``; a ``TypeError`` for anything else.

    A sampler of this package that augments has ``augment(X, random_state=...)``
    and ``fit_resample(X, y)`` (ArrayAugmenter, Compose); a BalancingResampler
    creates rows with ``fit_resample`` only. ``balancer_refused`` is the reason
    a BalancingResampler cannot serve, if it cannot.
    """
    if isinstance(augmenter, BalancingResampler):
        if balancer_refused is None:
            return "balancer"
        raise TypeError(
            f"augmenter is a BalancingResampler, but {balancer_refused} Pass an "
            "ArrayAugmenter or a Compose (such as the BalancingResampler's own "
            "augmenter)."
        )
    if all(callable(getattr(augmenter, method, None))
           for method in ("augment", "fit_resample", "get_params")):
        return "augmenter"
    accepted = ("an ArrayAugmenter or a Compose" if balancer_refused
                else "an ArrayAugmenter, a Compose or a BalancingResampler")
    raise TypeError(
        f"augmenter must be a sampler of sklearn_dlprep ({accepted}), got "
        f"{type(augmenter).__name__}, which lacks augment() or fit_resample(). "
        "Wrap the augmentation in an ArrayAugmenter or a Compose."
    )


def _estimator_has(attr):
    """For ``available_if``: the fitted estimator if there is one, else the
    estimator given, has ``attr``."""

    def check(self):
        estimator = getattr(self, "estimator_", self.estimator)
        return hasattr(estimator, attr)

    return check


def _validate_y(y, *, classifier):
    """1-D class labels for a classifier; a column vector is raveled (warning)."""
    if classifier:
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        return y
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    return y


def _frame(values, columns):
    import pandas as pd  # the estimator was fitted on a DataFrame: pandas is there

    return pd.DataFrame(values, columns=columns, copy=False)


def _require_y(owner, y):
    if y is None:
        raise ValueError(
            f"{type(owner).__name__} requires y to be passed, but the target y is "
            "None."
        )


class _DelegatingMixin:
    """Prediction methods delegated to ``estimator_`` after our own checks of X."""

    def _checked_X(self, X):
        check_is_fitted(self)
        return validate_samples(self, X, reset=False)

    @available_if(_estimator_has("predict"))
    def predict(self, X):
        """Predict with the trained estimator.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or \
                (n_samples, *sample_shape)
            Samples, never augmented.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The estimator's predictions.
        """
        X = self._checked_X(X)  # before estimator_ is read: NotFittedError
        return self.estimator_.predict(X)

    @available_if(_estimator_has("score"))
    def score(self, X, y, sample_weight=None):
        """Score of the trained estimator on ``X`` and ``y`` (its own ``score``).

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or \
                (n_samples, *sample_shape)
            Samples, never augmented.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, passed on when given.

        Returns
        -------
        score : float
            Accuracy for a scikit-learn classifier, R² for a regressor.
        """
        X = self._checked_X(X)
        if sample_weight is None:
            return self.estimator_.score(X, y)
        return self.estimator_.score(X, y, sample_weight=sample_weight)


class _BaseAugmentedEpochs(_DelegatingMixin, MetaEstimatorMixin, BaseEstimator):
    """Training loop shared by the classifier and the regressor."""

    _classifier = False

    def _validate_parameters(self):
        if not callable(getattr(self.estimator, "partial_fit", None)):
            raise TypeError(
                f"{type(self).__name__} trains its estimator one epoch at a time "
                "with partial_fit, but estimator "
                f"{type(self.estimator).__name__} has no partial_fit method. Use an "
                "estimator with partial_fit (MLPClassifier, SGDClassifier, "
                "Perceptron, MLPRegressor, SGDRegressor, skorch's NeuralNet, "
                "scikeras' wrappers), or augment once with ArrayAugmenter in an "
                "imblearn Pipeline."
            )
        kind = _augmenter_kind(self.augmenter, balancer_refused=None if
                               self._classifier else "it balances classes and "
                               "a regressor has no classes.")
        if kind == "balancer" and getattr(self, "balance", False):
            raise ValueError(
                "balance=True asks for class-balanced epochs, but the augmenter is "
                "a BalancingResampler, which already sets the class counts of every "
                "epoch (its sampling_strategy). Pass balance=False, or give the "
                "BalancingResampler's augmenter with balance=True."
            )
        if kind == "balancer" and not self.keep_original:
            raise ValueError(
                "keep_original=False does not apply to a BalancingResampler: the "
                "rows it returns are the original rows it keeps followed by the rows "
                "it creates. Pass keep_original=True, or give its augmenter with "
                "balance=True to augment every row."
            )
        return kind

    def _fit(self, X, y):
        check_params(self)
        _require_y(self, y)
        kind = self._validate_parameters()
        X, y = validate_samples(self, X, y, reset=True)
        y = _validate_y(y, classifier=self._classifier)
        rng = make_generator(self.random_state)
        augmenter = clone(self.augmenter)

        if self.early_stopping:
            train, val = self._validation_split(y, rng)
            X_val, y_val = X[val], y[val]
        else:
            train = np.arange(X.shape[0])
        X_train, y_train = X[train], y[train]

        first_call = {"classes": np.unique(y)} if self._classifier else {}
        self.estimator_ = clone(self.estimator)
        self.validation_scores_ = [] if self.early_stopping else None
        self.best_validation_score_ = -np.inf if self.early_stopping else None
        self.best_epoch_ = None
        self.n_rows_seen_ = 0
        best_estimator, no_improvement = None, 0
        for epoch in range(1, self.epochs + 1):
            start = time.perf_counter()
            X_epoch, y_epoch = self._epoch(augmenter, kind, X_train, y_train, rng)
            self.estimator_.partial_fit(X_epoch, y_epoch, **first_call)
            first_call = {}
            self.n_rows_seen_ += len(y_epoch)
            self.n_epochs_ = epoch
            score = None
            if self.early_stopping:
                score = float(self.estimator_.score(X_val, y_val))
                self.validation_scores_.append(score)
                # MLPClassifier's rule: an improvement is a gain of at least tol
                # over the best score so far; the best state is kept whenever
                # the score beats it at all.
                no_improvement = (no_improvement + 1
                                  if score < self.best_validation_score_ + self.tol
                                  else 0)
                if score > self.best_validation_score_:
                    self.best_validation_score_ = score
                    self.best_epoch_ = epoch
                    best_estimator = copy.deepcopy(self.estimator_)
            if self.verbose:
                shown = "-" if score is None else f"{score:.4f}"
                print(f"Epoch {epoch}/{self.epochs}: {len(y_epoch)} rows "
                      f"({self.n_rows_seen_} seen), validation score {shown}, "
                      f"{time.perf_counter() - start:.2f} s")
            if self.early_stopping and no_improvement >= self.n_iter_no_change:
                if self.verbose:
                    print(f"Validation score did not improve by tol={self.tol} for "
                          f"{self.n_iter_no_change} epochs: stopping; keeping "
                          f"epoch {self.best_epoch_}.")
                break
        if best_estimator is not None:
            self.estimator_ = best_estimator
        return self

    def _validation_split(self, y, rng):
        """Indices of the training and validation rows (stratified for classes)."""
        n_samples = len(y)
        try:
            train, val = train_test_split(
                np.arange(n_samples), test_size=self.validation_fraction,
                stratify=y if self._classifier else None, random_state=_seed(rng))
        except ValueError as exc:
            raise ValueError(
                f"early_stopping cannot hold out validation_fraction="
                f"{self.validation_fraction} of {n_samples} rows: "
                f"{str(exc).rstrip('.')}. Increase "
                "validation_fraction or the number of rows, or pass "
                "early_stopping=False."
            ) from None
        if len(val) < 2:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} of {n_samples} "
                f"rows holds out {len(val)} row; early stopping needs at least 2. "
                "Increase validation_fraction or the number of rows."
            )
        return train, val

    def _epoch(self, augmenter, kind, X, y, rng):
        """The rows of one epoch, newly drawn: ``(X_epoch, y_epoch)``."""
        if kind == "balancer":
            parts = [augmenter.set_params(random_state=_seed(rng)).fit_resample(X, y)
                     for _ in range(self.n_copies)]
            X_epoch = np.concatenate([part[0] for part in parts])
            y_epoch = np.concatenate([part[1] for part in parts])
            if self.shuffle:
                order = rng.permutation(len(y_epoch))
                X_epoch, y_epoch = X_epoch[order], y_epoch[order]
            return X_epoch, y_epoch

        sources, augmented = self._epoch_rows(y, rng)
        check_allocation(len(sources) * X[:1].nbytes, "An epoch",
                         "Lower n_copies, or train on batches of ArrayAugmenter.flow.")
        if self.shuffle:
            order = rng.permutation(len(sources))
            sources, augmented = sources[order], augmented[order]
        X_epoch = np.empty((len(sources),) + X.shape[1:], dtype=X.dtype)
        X_epoch[~augmented] = X[sources[~augmented]]
        if augmented.any():
            X_epoch[augmented] = augmenter.augment(X[sources[augmented]],
                                                   random_state=_seed(rng))
        return X_epoch, y[sources]

    def _epoch_rows(self, y, rng):
        """Source row of every row of the epoch, and which of them are augmented."""
        n_samples = len(y)
        if not getattr(self, "balance", False):
            kept = np.arange(n_samples) if self.keep_original else np.empty(0, int)
            copies = np.tile(np.arange(n_samples), self.n_copies)
            return (np.concatenate([kept, copies]).astype(np.intp),
                    np.r_[np.zeros(len(kept), bool), np.ones(len(copies), bool)])
        # Every class brought to the majority count, each of its rows drawn as
        # evenly as possible (BalancingResampler's "auto"); the kept part holds
        # every original once and augmented draws for the extra rows.
        _, codes = np.unique(y, return_inverse=True)
        rows_of = [np.flatnonzero(codes == k) for k in range(codes.max() + 1)]
        target = max(len(rows) for rows in rows_of)
        sources, augmented = [], []
        if self.keep_original:
            for rows in rows_of:
                extra = even_repeat(rows, target - len(rows), rng)
                sources += [rows, extra]
                augmented += [np.zeros(len(rows), bool), np.ones(len(extra), bool)]
        for _ in range(self.n_copies):
            for rows in rows_of:
                sources.append(even_repeat(rows, target, rng))
                augmented.append(np.ones(target, bool))
        return (np.concatenate(sources).astype(np.intp),
                np.concatenate(augmented))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        tags.non_deterministic = self.random_state is None
        return tags


_EPOCHS_DOC = """
    Deep-learning training augments afresh at every epoch; a sampler in a pipeline
    augments once, at ``fit``, so an estimator trained for many epochs on
    ``n_copies`` static copies sees the same augmented rows again and again. This
    meta-estimator draws new augmented versions of the training rows at every epoch
    (through the augmenter's public ``augment`` or ``fit_resample``) and trains the
    estimator on them with one ``partial_fit`` call per epoch. Its parameters, and
    those of the estimator and the augmenter (``estimator__...``,
    ``augmenter__...``), can be searched with ``GridSearchCV``.

    Read more in the :ref:`User Guide <training_with_augmentation>`.
"""

_EPOCHS_PARAMS = """
    epochs : int, default=50
        Maximum number of epochs, one ``partial_fit`` call each.

    n_copies : int, default=1
        Augmented versions of every training row in each epoch. With a
        ``BalancingResampler`` as augmenter: independent ``fit_resample`` draws
        in each epoch.

    keep_original : bool, default=True
        Whether every epoch also holds the training rows as they are.
"""

_EPOCHS_TAIL = """
    shuffle : bool, default=True
        Give the estimator the rows of each epoch in a new random order (the
        original rows mixed with their augmented versions).

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the original rows (stratified by class
        for a classifier), never augmented nor trained on; after each epoch score
        the estimator on them with its ``score`` method, stop when the score has
        not improved by at least ``tol`` for ``n_iter_no_change`` consecutive
        epochs, and keep the estimator as it was at its best epoch.

    validation_fraction : float, default=0.1
        Fraction of the rows held out for early stopping, in (0, 1).

    n_iter_no_change : int, default=5
        Epochs without an improvement of at least ``tol`` after which training
        stops (with ``early_stopping``).

    tol : float, default=1e-4
        The smallest gain of the validation score that counts as an improvement,
        as in ``MLPClassifier``.

    random_state : int, RandomState instance, Generator or None, default=None
        Seeds the validation split, the augmentation draws and the row order of
        every epoch. The estimator's own ``random_state`` (its initialisation) is
        its own parameter.

    verbose : int, default=0
        With 1 or more, print one line per epoch: epoch, rows in the epoch and seen
        so far, validation score (``-`` without early stopping) and seconds; and
        one line when early stopping ends the training.

    Attributes
    ----------
    estimator_ : estimator
        The trained clone of ``estimator`` (with early stopping, as it was after
        its best epoch).

    n_epochs_ : int
        Epochs run.

    n_rows_seen_ : int
        Rows given to ``partial_fit`` over all epochs.

    validation_scores_ : list of float or None
        Score on the held-out rows after every epoch; ``None`` without early
        stopping.

    best_validation_score_ : float or None
        Best of ``validation_scores_``; ``None`` without early stopping.

    best_epoch_ : int or None
        Epoch of ``best_validation_score_``, whose estimator is kept; ``None``
        without early stopping.

    n_features_in_ : int
        Number of values in one sample of ``X``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of ``X`` when it was a DataFrame with string column names.
"""

_EPOCHS_NOTES = """
    Notes
    -----
    Every epoch is built from the training rows (without the rows held out for
    early stopping): the rows as they are (``keep_original``) and ``n_copies``
    newly augmented versions of each, drawn with ``augmenter.augment`` (an
    ``ArrayAugmenter`` or a ``Compose``; its ``n_copies``, ``keep_original`` and
    ``shuffle`` are not used). With a ``BalancingResampler`` as augmenter, an
    epoch is ``n_copies`` new ``fit_resample`` draws of it instead (its
    ``sampling_strategy`` sets the class counts). The whole epoch goes to one
    ``partial_fit`` call, so it is held in memory once; the estimator makes its own
    mini-batches (``MLPClassifier``'s ``batch_size``). The estimator gets ``X``
    in the layout it was given (N-d arrays stay N-d, for a convolutional network),
    and the dtype of ``X``.

    Early stopping follows ``MLPClassifier(early_stopping=True)``: a score that is
    not at least ``best + tol`` counts as no improvement, and the estimator of
    the best epoch is kept (a ``copy.deepcopy`` at every new best). One
    difference: training stops after ``n_iter_no_change`` epochs without
    improvement, as ``SGDClassifier`` and Keras' ``EarlyStopping(patience=...)``
    do, where ``MLPClassifier`` runs one more.

    Deep-learning wrappers:

    - skorch's ``NeuralNetClassifier`` / ``NeuralNetRegressor``: ``partial_fit``
      trains ``max_epochs`` epochs per call, so pass ``max_epochs=1``; pass
      ``train_split=None`` too, or skorch holds out part of every (augmented)
      epoch for its own validation (use ``early_stopping=True`` here instead). It
      wants float32 ``X`` (and int64 class labels).
    - scikeras' ``KerasClassifier`` / ``KerasRegressor``: ``partial_fit`` trains
      one epoch per call already; ``verbose=0`` silences Keras' progress bar.
"""


class AugmentedEpochsClassifier(ClassifierMixin, _BaseAugmentedEpochs):
    __doc__ = (
        """Train a classifier on newly augmented rows at every epoch.
"""
        + _EPOCHS_DOC
        + """
    Parameters
    ----------
    estimator : classifier with partial_fit
        Trained by ``partial_fit``, with ``classes=`` (every class of ``y``) on the
        first call: ``MLPClassifier``, ``SGDClassifier``, ``Perceptron``, skorch's
        ``NeuralNetClassifier``, scikeras' ``KerasClassifier``... It is cloned,
        never changed.

    augmenter : ArrayAugmenter, Compose or BalancingResampler
        Makes the augmented rows of every epoch. It is cloned, never changed.
"""
        + _EPOCHS_PARAMS
        + """
    balance : bool, default=False
        Make every epoch class-balanced: every class brought to the majority
        class's count, each of its rows drawn as evenly as possible (the rule of
        ``BalancingResampler(sampling_strategy="auto")`` and of
        ``flow(balance=True)``), new draws each epoch. The kept originals appear
        once each, and the extra rows of smaller classes are augmented; each of
        the ``n_copies`` copies is an augmented balanced draw. Not with a
        ``BalancingResampler`` as augmenter (it sets the class counts itself).
"""
        + _EPOCHS_TAIL
        + """
    classes_ : ndarray of shape (n_classes,)
        The estimator's classes.

    See Also
    --------
    AugmentedEpochsRegressor : The same for regressors.
    TestTimeAugmentationClassifier : Average predictions over augmented views.
    ArrayAugmenter.flow : Augmented batches for a training loop of your own.
"""
        + _EPOCHS_NOTES
        + """
    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import SGDClassifier
    >>> from sklearn_dlprep import ArrayAugmenter, AugmentedEpochsClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = AugmentedEpochsClassifier(
    ...     SGDClassifier(random_state=0),
    ...     ArrayAugmenter(rotation_range=10, zoom_range=0.1, sample_shape=(8, 8)),
    ...     epochs=5, random_state=0)
    >>> clf.fit(X[:500], y[:500]).n_epochs_, clf.n_rows_seen_
    (5, 5000)
    >>> bool(clf.score(X[500:], y[500:]) > 0.8)
    True
"""
    )

    _classifier = True
    _parameter_constraints: dict = {
        **_COMMON_CONSTRAINTS,
        "epochs": [_AT_LEAST_ONE],
        "n_copies": [_AT_LEAST_ONE],
        "keep_original": [BOOLEAN],
        "balance": [BOOLEAN],
        "shuffle": [BOOLEAN],
        "early_stopping": [BOOLEAN],
        "validation_fraction": [interval(numbers.Real, 0, 1, closed="neither")],
        "n_iter_no_change": [_AT_LEAST_ONE],
        "tol": [interval(numbers.Real, 0)],
        "verbose": [interval(numbers.Integral, 0), BOOLEAN],
    }

    def __init__(self, estimator, augmenter, *, epochs=50, n_copies=1,
                 keep_original=True, balance=False, shuffle=True,
                 early_stopping=False, validation_fraction=0.1, n_iter_no_change=5,
                 tol=1e-4, random_state=None, verbose=0):
        self.estimator = estimator
        self.augmenter = augmenter
        self.epochs = epochs
        self.n_copies = n_copies
        self.keep_original = keep_original
        self.balance = balance
        self.shuffle = shuffle
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.random_state = random_state
        self.verbose = verbose

    def fit(self, X, y):
        """Train the estimator for up to ``epochs`` epochs of fresh augmentation.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or \
                (n_samples, *sample_shape)
            Training samples, in the layout the augmenter reads.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : object
            The trained meta-estimator.
        """
        return self._fit(X, y)

    @property
    def classes_(self):
        """The classes of the trained estimator."""
        check_is_fitted(self)
        return self.estimator_.classes_

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities from the trained estimator.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or \
                (n_samples, *sample_shape)
            Samples, never augmented.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities, columns in the order of ``classes_``.
        """
        X = self._checked_X(X)  # before estimator_ is read: NotFittedError
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log of the class probabilities from the trained estimator.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or \
                (n_samples, *sample_shape)
            Samples, never augmented.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities, columns in the order of ``classes_``.
        """
        X = self._checked_X(X)  # before estimator_ is read: NotFittedError
        return self.estimator_.predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the trained estimator.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or \
                (n_samples, *sample_shape)
            Samples, never augmented.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The estimator's decision values.
        """
        X = self._checked_X(X)  # before estimator_ is read: NotFittedError
        return self.estimator_.decision_function(X)


class AugmentedEpochsRegressor(RegressorMixin, _BaseAugmentedEpochs):
    __doc__ = (
        """Train a regressor on newly augmented rows at every epoch.
"""
        + _EPOCHS_DOC
        + """
    Parameters
    ----------
    estimator : regressor with partial_fit
        Trained by ``partial_fit``: ``MLPRegressor``, ``SGDRegressor``, skorch's
        ``NeuralNetRegressor``, scikeras' ``KerasRegressor``... It is cloned,
        never changed.

    augmenter : ArrayAugmenter or Compose
        Makes the augmented rows of every epoch (the targets are kept: the
        augmentation must not change them). It is cloned, never changed.
"""
        + _EPOCHS_PARAMS
        + _EPOCHS_TAIL
        + """
    See Also
    --------
    AugmentedEpochsClassifier : The same for classifiers, with class balancing.
    TestTimeAugmentationRegressor : Average predictions over augmented views.
"""
        + _EPOCHS_NOTES
        + """
    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import SGDRegressor
    >>> from sklearn_dlprep import ArrayAugmenter, AugmentedEpochsRegressor
    >>> rng = np.random.default_rng(0)
    >>> signals = rng.normal(size=(200, 50)).cumsum(axis=1) / 10
    >>> target = signals.mean(axis=1)       # unchanged by a small time shift
    >>> reg = AugmentedEpochsRegressor(
    ...     SGDRegressor(random_state=0), ArrayAugmenter(width_shift_range=0.02),
    ...     epochs=20, early_stopping=True, random_state=0).fit(signals, target)
    >>> reg.n_epochs_ <= 20, len(reg.validation_scores_) == reg.n_epochs_
    (True, True)
    >>> bool(reg.score(signals, target) > 0.9)
    True
"""
    )

    _parameter_constraints: dict = {
        key: value for key, value in
        AugmentedEpochsClassifier._parameter_constraints.items() if key != "balance"
    }

    def __init__(self, estimator, augmenter, *, epochs=50, n_copies=1,
                 keep_original=True, shuffle=True, early_stopping=False,
                 validation_fraction=0.1, n_iter_no_change=5, tol=1e-4,
                 random_state=None, verbose=0):
        self.estimator = estimator
        self.augmenter = augmenter
        self.epochs = epochs
        self.n_copies = n_copies
        self.keep_original = keep_original
        self.shuffle = shuffle
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.random_state = random_state
        self.verbose = verbose

    def fit(self, X, y):
        """Train the estimator for up to ``epochs`` epochs of fresh augmentation.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or \
                (n_samples, *sample_shape)
            Training samples, in the layout the augmenter reads.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.

        Returns
        -------
        self : object
            The trained meta-estimator.
        """
        return self._fit(X, y)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.target_tags.multi_output = inner.target_tags.multi_output
        return tags


# Test-time augmentation ------------------------------------------------------------


class _BaseTestTimeAugmentation(MetaEstimatorMixin, BaseEstimator):
    """Fitting, and averaging over views in row blocks."""

    _classifier = False
    _parameter_constraints: dict = {
        **_COMMON_CONSTRAINTS,
        "n_views": [_AT_LEAST_ONE],
        "include_original": [BOOLEAN],
        "prefit": [BOOLEAN],
    }

    def __init__(self, estimator, augmenter, *, n_views=8, include_original=True,
                 prefit=False, random_state=None):
        self.estimator = estimator
        self.augmenter = augmenter
        self.n_views = n_views
        self.include_original = include_original
        self.prefit = prefit
        self.random_state = random_state

    def _fit(self, X, y):
        check_params(self)
        _augmenter_kind(self.augmenter, balancer_refused="it creates training "
                        "rows and has no views of a sample to offer.")
        if self.prefit:
            try:
                check_is_fitted(self.estimator)
            except NotFittedError as exc:
                raise NotFittedError(
                    f"prefit=True needs a fitted estimator, but "
                    f"{type(self.estimator).__name__} is not fitted. A search or "
                    "cross-validation (GridSearchCV, cross_validate) clones its "
                    "estimator, and cloning unfits the one wrapped here: wrap the "
                    "fitted estimator as sklearn.frozen.FrozenEstimator(fitted), "
                    "which cloning keeps fitted and fit leaves as it is."
                ) from exc
            X = validate_samples(self, X, reset=True)
            expected = getattr(self.estimator, "n_features_in_", None)
            if expected is not None and expected != self.n_features_in_:
                raise ValueError(
                    f"X has {self.n_features_in_} features, but the prefit "
                    f"estimator {type(self.estimator).__name__} was fitted on "
                    f"{expected}."
                )
        else:
            _require_y(self, y)
            X, y = validate_samples(self, X, y, reset=True)
            y = _validate_y(y, classifier=self._classifier)
        self._augmenter = clone(self.augmenter)
        # The plan checked now: a misconfigured augmenter (a rotation of 1-D
        # signals, a sample_shape that does not fit X) fails at fit, not predict.
        self._augmenter.make_plan(X.shape, X.dtype)
        if self.prefit:
            # As SelectFromModel(prefit=True): a copy, so the caller's estimator
            # is never changed through this one.
            self.estimator_ = copy.deepcopy(self.estimator)
        else:
            self.estimator_ = clone(self.estimator).fit(X, y)
        return self

    def _averaged(self, X, method):
        """``estimator_.method`` averaged over the views of every sample of ``X``.

        With an int ``random_state``, the views of a sample are seeded by the
        sample's own bytes and ``random_state``: its prediction does not depend on
        the other rows of ``X``, nor on their order.
        """
        check_is_fitted(self)
        X = validate_samples(self, X, reset=False)
        predict = getattr(self.estimator_, method)
        # A prefit estimator fitted on a DataFrame gets its views with the same
        # column names, as it expects.
        names = getattr(self.estimator_, "feature_names_in_", None)
        key = make_generator(self.random_state).bytes(16)
        plan = self._augmenter.make_plan(X.shape, X.dtype)
        n_views = self.n_views + bool(self.include_original)
        rows_per_block = max(1, _VIEW_BLOCK_BYTES // max(1, X[:1].nbytes * n_views))
        averaged = None
        for rows in gen_batches(X.shape[0], rows_per_block):
            block = X[rows]
            views = np.empty((len(block), n_views) + X.shape[1:], dtype=X.dtype)
            if self.include_original:
                views[:, 0] = block
            # Each sample's views drawn from a generator seeded by its own bytes,
            # then all the block's views warped in one call of the plan.
            draws = concatenate_draws([plan.draw(self.n_views, np.random.default_rng(
                int.from_bytes(hashlib.blake2b(
                    np.ascontiguousarray(sample).tobytes(), digest_size=4,
                    key=key).digest(), "little"))) for sample in block])
            views = views.reshape((-1,) + X.shape[1:])
            targets = (np.arange(len(block))[:, np.newaxis] * n_views
                       + np.arange(int(self.include_original), n_views)).ravel()
            plan.apply(block, np.repeat(np.arange(len(block)), self.n_views), views,
                       targets, draws)
            if names is not None and views.ndim == 2:
                views = _frame(views, names)
            pred = np.asarray(predict(views))
            pred = pred.reshape((len(block), n_views) + pred.shape[1:]).mean(axis=1)
            if averaged is None:
                averaged = np.empty((X.shape[0],) + pred.shape[1:], dtype=pred.dtype)
            averaged[rows] = pred
        return averaged

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        tags.non_deterministic = self.random_state is None
        return tags


_TTA_DOC = """
    The estimator is fitted on the data as given (or an already fitted one is
    wrapped, with ``prefit=True``); at prediction time every sample is seen as it
    is and as ``n_views`` augmented views, and the estimator's predictions over
    these views are averaged. Views are made and predicted in blocks of rows, so
    memory stays bounded whatever ``n_views`` and the number of samples.

    Read more in the :ref:`User Guide <training_with_augmentation>`.

    Parameters
    ----------
    estimator : {est_kind}
        Fitted on ``X`` and ``y`` by ``fit`` (a clone), or, with ``prefit=True``,
        already fitted (a copy is kept). Under a search or cross-validation,
        which clone this meta-estimator and so unfit the estimator it wraps, pass
        a fitted estimator as ``sklearn.frozen.FrozenEstimator(fitted)``: cloning
        keeps it fitted and ``fit`` never refits it (with ``prefit`` True or
        False).

    augmenter : ArrayAugmenter or Compose
        Makes the views with ``augment`` (its ``n_copies``, ``keep_original`` and
        ``shuffle`` are not used). It is cloned, never changed.

    n_views : int, default=8
        Augmented views of every sample.

    include_original : bool, default=True
        Whether the sample as it is counts as one more view.

    prefit : bool, default=False
        Whether ``estimator`` is already fitted: ``fit`` then only checks ``X``
        and keeps a copy of it. A clone of this meta-estimator (as
        ``GridSearchCV`` makes) holds an unfitted clone of the estimator, which
        ``fit`` refuses, unless the estimator is a ``FrozenEstimator``.

    random_state : int, RandomState instance, Generator or None, default=None
        Seeds the views. With an int, the views of a sample depend only on the
        sample and ``random_state``: a sample gets the same prediction from one
        call to the next, whatever else is in ``X``.

    Attributes
    ----------
    estimator_ : estimator
        The fitted estimator whose predictions are averaged.

    n_features_in_ : int
        Number of values in one sample of ``X``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of ``X`` when it was a DataFrame with string column names.
"""


class TestTimeAugmentationClassifier(ClassifierMixin, _BaseTestTimeAugmentation):
    __doc__ = (
        """Average a classifier's class probabilities over augmented views.
"""
        + _TTA_DOC.format(est_kind="classifier")
        + """
    classes_ : ndarray of shape (n_classes,)
        The estimator's classes.

    See Also
    --------
    TestTimeAugmentationRegressor : The same for regressors.
    AugmentedEpochsClassifier : Fresh augmentation at every training epoch.

    Notes
    -----
    ``predict_proba`` is the average of the estimator's ``predict_proba`` over the
    views, and ``predict`` the class of its largest value. An estimator without
    ``predict_proba`` has its ``decision_function`` averaged instead (then
    offered as ``decision_function``, and ``predict`` picks the class with the
    largest average). Both at once are not offered: the average of probabilities
    and the average of decision values can order samples differently.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_dlprep import ArrayAugmenter, TestTimeAugmentationClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> tta = TestTimeAugmentationClassifier(
    ...     LogisticRegression(max_iter=1000),
    ...     ArrayAugmenter(rotation_range=10, sample_shape=(8, 8)),
    ...     n_views=4, random_state=0).fit(X[:500], y[:500])
    >>> proba = tta.predict_proba(X[500:])
    >>> proba.shape, bool(np.allclose(proba.sum(axis=1), 1))
    ((1297, 10), True)
    >>> bool(np.array_equal(tta.predict(X[500:]), proba.argmax(axis=1)))
    True
"""
    )

    _classifier = True
    __test__ = False  # not a pytest test class, whatever its name says

    def fit(self, X, y=None):
        """Fit the estimator on ``X`` and ``y`` as given (or wrap it if prefit).

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or \
                (n_samples, *sample_shape)
            Training samples, not augmented.
        y : array-like of shape (n_samples,), default=None
            Class labels; needed unless ``prefit=True``.

        Returns
        -------
        self : object
            The fitted meta-estimator.
        """
        self._fit(X, y)
        if not hasattr(self.estimator_, "classes_"):
            raise TypeError(
                f"{type(self.estimator_).__name__} has no classes_ after fitting: "
                "TestTimeAugmentationClassifier needs a classifier."
            )
        if not (hasattr(self.estimator_, "predict_proba")
                or hasattr(self.estimator_, "decision_function")):
            raise TypeError(
                f"{type(self.estimator_).__name__} has neither predict_proba nor "
                "decision_function: TestTimeAugmentationClassifier averages one of "
                "them over the views."
            )
        return self

    @property
    def classes_(self):
        """The classes of the fitted estimator."""
        check_is_fitted(self)
        return self.estimator_.classes_

    def predict(self, X):
        """The class with the largest probability averaged over the views.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or \
                (n_samples, *sample_shape)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted classes, taken from ``classes_``.
        """
        check_is_fitted(self)
        if hasattr(self.estimator_, "predict_proba"):
            return self.classes_[self._averaged(X, "predict_proba").argmax(axis=1)]
        scores = self._averaged(X, "decision_function")
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[scores.argmax(axis=1)]

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities averaged over the original and augmented views.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or \
                (n_samples, *sample_shape)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Averaged probabilities, columns in the order of ``classes_``.
        """
        return self._averaged(X, "predict_proba")

    @available_if(_estimator_has("predict_proba"))
    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or \
                (n_samples, *sample_shape)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log of the averaged probabilities.
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def _has_decision_only(self):
        estimator = getattr(self, "estimator_", self.estimator)
        return (hasattr(estimator, "decision_function")
                and not hasattr(estimator, "predict_proba"))

    @available_if(_has_decision_only)
    def decision_function(self, X):
        """Decision values averaged over the views (estimators without
        ``predict_proba``).

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or \
                (n_samples, *sample_shape)
            Samples.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Averaged decision values.
        """
        return self._averaged(X, "decision_function")


class TestTimeAugmentationRegressor(RegressorMixin, _BaseTestTimeAugmentation):
    __doc__ = (
        """Average a regressor's predictions over augmented views.
"""
        + _TTA_DOC.format(est_kind="regressor")
        + """
    See Also
    --------
    TestTimeAugmentationClassifier : The same for classifiers.
    AugmentedEpochsRegressor : Fresh augmentation at every training epoch.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn_dlprep import ArrayAugmenter, TestTimeAugmentationRegressor
    >>> rng = np.random.default_rng(0)
    >>> signals = rng.normal(size=(200, 50)).cumsum(axis=1) / 10
    >>> target = signals.mean(axis=1)
    >>> tta = TestTimeAugmentationRegressor(
    ...     Ridge(), ArrayAugmenter(width_shift_range=0.02), n_views=4,
    ...     random_state=0).fit(signals[:150], target[:150])
    >>> tta.predict(signals[150:]).shape
    (50,)
"""
    )

    __test__ = False  # not a pytest test class, whatever its name says

    def fit(self, X, y=None):
        """Fit the estimator on ``X`` and ``y`` as given (or wrap it if prefit).

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or \
                (n_samples, *sample_shape)
            Training samples, not augmented.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), \
                default=None
            Targets; needed unless ``prefit=True``.

        Returns
        -------
        self : object
            The fitted meta-estimator.
        """
        return self._fit(X, y)

    def predict(self, X):
        """The estimator's predictions averaged over the views.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features) or \
                (n_samples, *sample_shape)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Averaged predictions.
        """
        return self._averaged(X, "predict")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.target_tags.multi_output = inner.target_tags.multi_output
        return tags
