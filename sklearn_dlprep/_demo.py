"""The demo: the data-preparation stage on scikit-learn's digits, end to end.

Split honestly, make the training part imbalanced as collected data often is, then
compare preparations (none, scaling, augmentation, balancing by augmentation,
imbalanced-learn's RandomOverSampler and SMOTE for reference, fresh augmentation at
every epoch and test-time augmentation) with one classifier, each tuned by a small
grid search on the validation part and scored once on the untouched test part.
``python -m sklearn_dlprep demo`` runs it (see ``__main__``).
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import math
import numbers
import os
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from . import (
    ArrayAugmenter,
    AugmentedEpochsClassifier,
    BalancingResampler,
    ChannelStandardizer,
    TestTimeAugmentationClassifier,
    train_val_test_split,
)

INSTALL_PLOT_HINT = 'pip install "sklearn-dlprep[plot]"'

# The rows of the table, in order. Every "+" row is scaling with that sampler
# before it (samplers first, as Keras transforms before it standardizes).
NO_PREPARATION = "no preparation"
SCALING = "scaling: ChannelStandardizer"
AUGMENTATION = "+ augmentation: ArrayAugmenter"
BALANCING = "+ balancing: BalancingResampler(ArrayAugmenter)"
RANDOM_OVER_SAMPLER = "+ RandomOverSampler (copies rows)"
SMOTE_ROW = "+ SMOTE (interpolates rows)"
# Augmentation inside training: new balanced draws at every epoch (scaling first,
# see _candidates), and the balancing row's fitted pipeline with its predictions
# averaged over augmented views of every digit.
FRESH_EPOCHS = "fresh balanced epochs: AugmentedEpochsClassifier"
TEST_TIME = "test-time views: TestTimeAugmentationClassifier"
ROW_NAMES = (NO_PREPARATION, SCALING, AUGMENTATION, BALANCING, RANDOM_OVER_SAMPLER,
             SMOTE_ROW, FRESH_EPOCHS, TEST_TIME)
# Epochs of the fresh-augmentation row (one partial_fit each).
N_EPOCHS = 20

DIGITS_SHAPE = (8, 8)
VAL_SIZE = 0.2
TEST_SIZE = 0.25
# Digits are not flip-invariant (a mirrored 2 is no 2); small turns and mild zooms
# are what handwriting varies by. No shift: one pixel is an eighth of the frame,
# and the digits are already centred. The frame of an 8x8 digit is background, so
# the outside reads as 0.
DIGITS_AUGMENTATION = dict(rotation_range=10.0, zoom_range=0.1, fill_mode="constant",
                           cval=0.0, sample_shape=DIGITS_SHAPE)


@dataclass
class DemoResult:
    """What the demo computed: the table rows and what they were computed on."""

    rows: list
    classifier: str
    n_train: int
    n_train_imbalanced: int
    n_val: int
    n_test: int
    minority_classes: list
    kept_per_minority_class: dict
    imbalance: float
    seed: int
    quick: bool
    n_unconverged: int = 0
    epoch_classifier: str = ""
    pictures: list = field(default_factory=list)
    pictures_note: str = ""


def _log(message, stream):
    if stream is not None:
        print(message, file=stream, flush=True)


def make_imbalanced(X, y, imbalance, n_minority, rng):
    """Keep a fraction ``imbalance`` of the rows of ``n_minority`` random classes.

    Each minority class keeps at least 2 rows, so that SMOTE has a neighbour.
    Returns ``X``, ``y`` restricted to the kept rows (in their order), the
    minority classes and the number of rows each kept.
    """
    classes = np.unique(y)
    minority = np.sort(rng.choice(classes, size=n_minority, replace=False))
    keep, kept = [], {}
    for cls in classes:
        rows = np.flatnonzero(y == cls)
        if cls in minority:
            n_keep = min(len(rows), max(2, math.ceil(round(imbalance * len(rows), 6))))
            rows = rng.choice(rows, size=n_keep, replace=False)
            kept[int(cls)] = int(n_keep)
        keep.append(rows)
    keep = np.sort(np.concatenate(keep))
    return X[keep], y[keep], [int(c) for c in minority], kept


CLASSIFIERS = ("mlp", "logistic")


def make_classifier(name, seed, quick):
    """The classifier and the grid of its regularisation searched in every row.

    ``"mlp"``: a small neural network (one hidden layer of 64 units, Adam), the
    kind of model augmentation is for; ``"logistic"``: a linear model on pixels.
    """
    if name == "mlp":
        # max_iter high enough that Adam stops on its tolerance on these sizes.
        return (MLPClassifier(hidden_layer_sizes=(64,), max_iter=500,
                              random_state=seed),
                {"clf__alpha": [1e-2, 1.0] if quick else [1e-4, 1e-2, 1.0]})
    if name == "logistic":
        return (LogisticRegression(max_iter=1000),
                {"clf__C": [0.1, 1.0] if quick else [0.01, 0.1, 1.0]})
    raise ValueError(f"classifier must be one of {CLASSIFIERS}, got {name!r}.")


def make_epoch_classifier(name, seed, quick):
    """The classifier trained one epoch at a time, and the grid of its parameters.

    :class:`AugmentedEpochsClassifier` trains with ``partial_fit``: ``"mlp"`` is
    the same network as :func:`make_classifier`'s, with mini-batches of 64 rows (a
    few Adam steps per epoch); ``"logistic"`` is ``SGDClassifier(loss="log_loss")``,
    a logistic regression trained by stochastic gradient descent, since
    ``LogisticRegression`` has no ``partial_fit`` (its ``alpha`` is searched in
    place of ``C``). The grid's keys are the classifier's own parameter names.
    """
    if name == "mlp":
        return (MLPClassifier(hidden_layer_sizes=(64,), batch_size=64,
                              random_state=seed),
                {"alpha": [1e-2, 1.0] if quick else [1e-4, 1e-2, 1.0]})
    if name == "logistic":
        return (SGDClassifier(loss="log_loss", random_state=seed),
                {"alpha": [1e-3, 1e-2] if quick else [1e-4, 1e-3, 1e-2]})
    raise ValueError(f"classifier must be one of {CLASSIFIERS}, got {name!r}.")


def _prefixed(grid, prefix):
    return {prefix + key: values for key, values in grid.items()}


def _candidates(classifier, classifier_grid, epoch_classifier, epoch_grid, seed,
                quick, smallest_class):
    """``{row name: (estimator, grid)}``: one classifier, sampler grids per row.

    ``classifier_grid`` holds the classifier's parameters as ``clf__...``;
    ``epoch_grid`` those of ``epoch_classifier`` under their own names. The
    test-time row's entry is a function of the fitted models ``{row name:
    model}`` that returns its estimator: it is built on the balancing row's model.
    """
    augmenter = ArrayAugmenter(**DIGITS_AUGMENTATION, random_state=seed)
    # SMOTE needs k_neighbors below the smallest class's count.
    k_grid = sorted({min(k, smallest_class - 1) for k in ((5,) if quick else (3, 5))})

    def scaled(sampler_step=None):
        steps = [] if sampler_step is None else [sampler_step]
        return Pipeline(steps + [("scale", ChannelStandardizer()),
                                 ("clf", classifier)])

    balancing_grid = ({} if quick else
                      {"balance__augmenter__rotation_range": [0.0, 10.0]})
    balancing = scaled(("balance", BalancingResampler(clone(augmenter),
                                                      random_state=seed)))
    candidates = {
        NO_PREPARATION: (Pipeline([("clf", classifier)]), {}),
        SCALING: (scaled(), {}),
        AUGMENTATION: (
            scaled(("augment", clone(augmenter))),
            {} if quick else {"augment__n_copies": [1, 3]},
        ),
        BALANCING: (balancing, balancing_grid),
        RANDOM_OVER_SAMPLER: (scaled(("balance", RandomOverSampler(
            random_state=seed))), {}),
        SMOTE_ROW: (
            scaled(("balance", SMOTE(random_state=seed))),
            {"balance__k_neighbors": k_grid},
        ),
        # AugmentedEpochsClassifier trains by partial_fit, which a Pipeline lacks,
        # so the scaler comes first and the digits are augmented scaled. The
        # augmenter fills with 0, the digits' background: a scaling without
        # centring (x / std) keeps the background at 0, where centring would move
        # it to -mean / std. Every epoch is a new class-balanced draw, every row
        # of it augmented, as deep learning sees its data: as many rows as the
        # balancing row's classifier trains on, but new ones at every epoch.
        FRESH_EPOCHS: (
            Pipeline([("scale", ChannelStandardizer(with_mean=False)),
                      ("clf", AugmentedEpochsClassifier(
                          epoch_classifier, clone(augmenter), epochs=N_EPOCHS,
                          keep_original=False, balance=True, random_state=seed))]),
            _prefixed(epoch_grid, "clf__estimator__"),
        ),
        # The balancing row's pipeline as chosen and fitted (on raw digits, so
        # the augmenter sees the background as 0), its probabilities averaged
        # over every digit as it is and n_views augmented views of it. Frozen:
        # the search's clones and fits keep it as it is, and only the number of
        # views is searched.
        TEST_TIME: (
            lambda fitted: TestTimeAugmentationClassifier(
                FrozenEstimator(fitted[BALANCING]), clone(augmenter),
                random_state=seed),
            {"n_views": [8] if quick else [4, 8, 16]},
        ),
    }
    for name in (NO_PREPARATION, SCALING, AUGMENTATION, BALANCING,
                 RANDOM_OVER_SAMPLER, SMOTE_ROW):
        pipeline, grid = candidates[name]
        candidates[name] = (pipeline, {**classifier_grid, **grid})
    return candidates


def _rows_fitted(model, n_train):
    """Rows the classifier of a fitted model was trained on (per epoch, for the
    classifier trained on fresh epochs)."""
    if isinstance(model, TestTimeAugmentationClassifier):
        return _rows_fitted(model.estimator.estimator, n_train)  # frozen pipeline
    trainer = model.steps[-1][1]
    if isinstance(trainer, AugmentedEpochsClassifier):
        return trainer.n_rows_seen_ // trainer.n_epochs_
    sampler = model.steps[0][1]
    if not hasattr(sampler, "fit_resample"):
        return n_train
    if hasattr(sampler, "sample_indices_"):
        return int(len(sampler.sample_indices_))
    return n_train + int(sum(sampler.sampling_strategy_.values()))


MAX_SEED = 2**32 - 1


def check_output_folder(out):
    """Refuse a folder ``out`` that the pictures cannot be written to.

    ``out`` need not exist (it is created when the pictures are written), but the
    nearest existing folder on its path must be a writable folder: not a file,
    not ``/dev/null``.
    """
    path = Path(out)
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise ValueError(
            f"cannot write pictures to out={str(out)!r}: {str(existing)!r} is not a "
            "folder. Pass a folder, or --no-plots (plots=False) for no pictures."
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(
            f"cannot write pictures to out={str(out)!r}: the folder {str(existing)!r} "
            "is not writable. Pass another folder, or --no-plots (plots=False)."
        )


def _check_seed(seed):
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an int from 0 to {MAX_SEED}, got {seed!r}.")
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be an int from 0 to {MAX_SEED}, got {seed!r}.")


def run_demo(*, imbalance=0.1, n_minority=5, classifier="mlp", seed=0,
             out="demo_out", quick=False, plots=True, log=sys.stderr):
    """Run the demo; return a :class:`DemoResult` (the table is :func:`format_table`).

    Parameters
    ----------
    imbalance : float, default=0.1
        Fraction of their training rows that the minority classes keep, in (0, 1].
    n_minority : int, default=5
        Number of minority classes, drawn at random with ``seed`` (1 to 9).
    classifier : {"mlp", "logistic"}, default="mlp"
        The classifier of every row (see :func:`make_classifier`; the
        fresh-epochs row trains its counterpart with ``partial_fit``, see
        :func:`make_epoch_classifier`).
    seed : int, default=0
        Seeds the split, the choice of minority classes and rows, the samplers
        and the classifier; from 0 to 2**32 - 1.
    out : str or Path, default="demo_out"
        Folder for the pictures (created if needed); checked before any work.
    quick : bool, default=False
        A smaller grid (the same rows, still real fits), for tests.
    plots : bool, default=True
        Whether to write the pictures (they need matplotlib).
    log : file-like or None, default=sys.stderr
        Where progress goes.
    """
    if not 0 < imbalance <= 1:
        raise ValueError(f"imbalance must be in (0, 1], got {imbalance!r}.")
    if not 1 <= n_minority <= 9:
        raise ValueError(f"n_minority must be from 1 to 9, got {n_minority!r}.")
    _check_seed(seed)
    if plots and matplotlib_available():
        check_output_folder(out)
    model, model_grid = make_classifier(classifier, seed, quick)
    epoch_model, epoch_grid = make_epoch_classifier(classifier, seed, quick)
    n_steps = 3 + len(ROW_NAMES) + bool(plots)
    step = iter(range(1, n_steps + 1))

    # Small problems: BLAS threads cost far more than they give here (and fight
    # each other on a 2-core machine), so the demo computes on one thread.
    with threadpool_limits(limits=1), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        _log(f"[{next(step)}/{n_steps}] loading digits; stratified train/validation/"
             "test split", log)
        X, y = load_digits(return_X_y=True)
        X_train, X_val, X_test, y_train, y_val, y_test = train_val_test_split(
            X, y, val_size=VAL_SIZE, test_size=TEST_SIZE, stratify=y,
            random_state=seed)
        n_train = len(y_train)

        _log(f"[{next(step)}/{n_steps}] making the training part imbalanced: "
             f"{n_minority} classes keep {imbalance:.0%} of their rows", log)
        rng = np.random.default_rng(seed)
        X_train, y_train, minority, kept = make_imbalanced(
            X_train, y_train, imbalance, n_minority, rng)

        candidates = _candidates(model, model_grid, epoch_model, epoch_grid, seed,
                                 quick, min(kept.values()))
        # Selection on the validation part: one split, the training rows to fit
        # (samplers run there only) and the validation rows to score.
        X_search = np.concatenate([X_train, X_val])
        y_search = np.concatenate([y_train, y_val])
        split = [(np.arange(len(y_train)), np.arange(len(y_train), len(y_search)))]
        rows, fitted = [], {}
        for name in ROW_NAMES:
            pipeline, grid = candidates[name]
            if name == TEST_TIME:
                pipeline = pipeline(fitted)
            n_candidates = math.prod(len(values) for values in grid.values())
            _log(f"[{next(step)}/{n_steps}] grid search, {name} ({n_candidates} "
                 "candidates, scored on the validation part)", log)
            start = time.perf_counter()
            search = GridSearchCV(pipeline, grid, cv=split,
                                  scoring="balanced_accuracy", refit=False)
            search.fit(X_search, y_search)
            search_seconds = time.perf_counter() - start
            start = time.perf_counter()
            chosen = clone(pipeline).set_params(**search.best_params_)
            chosen.fit(X_train, y_train)
            fit_seconds = time.perf_counter() - start
            fitted[name] = chosen
            predicted = chosen.predict(X_test)
            rows.append({
                "name": name,
                "accuracy": accuracy_score(y_test, predicted),
                "balanced_accuracy": balanced_accuracy_score(y_test, predicted),
                "macro_f1": f1_score(y_test, predicted, average="macro"),
                "fit_seconds": fit_seconds,
                "search_seconds": search_seconds + fit_seconds,
                "rows_fitted": _rows_fitted(chosen, len(y_train)),
                "best_params": dict(search.best_params_),
            })
        _log(f"[{next(step)}/{n_steps}] scored every model once on the test part", log)
    n_unconverged = sum(issubclass(w.category, ConvergenceWarning) for w in caught)
    for other in caught:
        if not issubclass(other.category, ConvergenceWarning):
            warnings.warn_explicit(other.message, other.category, other.filename,
                                   other.lineno)

    result = DemoResult(
        rows=rows, classifier=repr(model), n_train=n_train,
        n_train_imbalanced=len(y_train), n_val=len(y_val), n_test=len(y_test),
        minority_classes=minority, kept_per_minority_class=kept,
        imbalance=imbalance, seed=seed, quick=quick, n_unconverged=n_unconverged,
        epoch_classifier=repr(epoch_model))
    if plots:
        _log(f"[{next(step)}/{n_steps}] writing pictures to {out}", log)
        balancer = fitted[BALANCING].named_steps["balance"]
        y_balanced = y_train[balancer.sample_indices_]
        result.pictures, result.pictures_note = write_pictures(
            Path(out), X_train, y_train, y_balanced, seed, minority)
    return result


def matplotlib_available():
    """Whether matplotlib can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def write_pictures(out, X_train, y_train, y_balanced, seed, minority=()):
    """Write the augmentation grid and the class counts; return (paths, note)."""
    if not matplotlib_available():
        return [], ("Pictures skipped: matplotlib is not installed. To get them, "
                    f"run: {INSTALL_PLOT_HINT}")
    import matplotlib.pyplot as plt

    from .plotting import plot_augmentations, plot_class_counts

    out.mkdir(parents=True, exist_ok=True)
    # One training image of every class, the minority classes' among them.
    first_of_class = [int(np.flatnonzero(y_train == cls)[0])
                      for cls in np.unique(y_train)]
    augmenter = ArrayAugmenter(**DIGITS_AUGMENTATION, random_state=seed)
    paths = []
    labels = [f"digit {y_train[row]}" + ("\n(minority)" if y_train[row] in minority
                                         else "") for row in first_of_class]
    fig = plot_augmentations(augmenter, X_train[first_of_class],
                             n_samples=len(first_of_class), n_variants=6,
                             cmap="gray_r", row_labels=labels)
    fig.suptitle("Digits: one training image per class (left) and six "
                 "augmented versions", fontsize=10)
    paths.append(out / "augmentations.png")
    fig.savefig(paths[-1], dpi=100)
    plt.close(fig)

    fig = plot_class_counts(y_train, y_balanced,
                            labels=("imbalanced training part",
                                    "after BalancingResampler"))
    fig.axes[0].set_title("Training rows per digit, before and after balancing "
                          "by augmentation")
    paths.append(out / "class_counts.png")
    fig.savefig(paths[-1], dpi=100)
    plt.close(fig)
    return [str(path) for path in paths], ""


def format_table(result):
    """The report the demo prints: header, table, chosen parameters, pictures."""
    kept = sorted(set(result.kept_per_minority_class.values()))
    kept = f"{kept[0]}" if len(kept) == 1 else f"{kept[0]}-{kept[-1]}"
    lines = [
        f"sklearn-dlprep demo: scikit-learn's digits (8x8 images, 10 classes), "
        f"seed {result.seed}{', quick grid' if result.quick else ''}",
        f"split (stratified): train {result.n_train}, validation {result.n_val}, "
        f"test {result.n_test} rows",
        f"imbalance: classes {', '.join(map(str, result.minority_classes))} keep "
        f"{result.imbalance:.0%} of their training rows ({kept} each): train "
        f"{result.n_train_imbalanced} rows",
        f"model: {result.classifier}",
        f"  fresh epochs: {result.epoch_classifier}, by partial_fit",
        "selection: GridSearchCV scores each candidate on the validation part "
        "(balanced accuracy);",
        "  the chosen pipeline is refitted on the training part and scored once "
        "on the untouched",
        "  test part. Samplers run only when a pipeline is fitted.",
        "",
    ]
    name_width = max(len(name) for name in ROW_NAMES)
    header = (f"{'preparation':<{name_width}}  {'accuracy':>8}  {'bal. acc.':>9}  "
              f"{'macro F1':>8}  {'fit s':>6}  {'search s':>8}  {'rows fit':>8}")
    lines += [header, "-" * len(header)]
    for row in result.rows:
        lines.append(
            f"{row['name']:<{name_width}}  {row['accuracy']:>8.3f}  "
            f"{row['balanced_accuracy']:>9.3f}  {row['macro_f1']:>8.3f}  "
            f"{row['fit_seconds']:>6.2f}  {row['search_seconds']:>8.2f}  "
            f"{row['rows_fitted']:>8d}"
        )
    lines += [
        "",
        "'+' rows: that sampler, then scaling (ChannelStandardizer), then the "
        "classifier.",
        "fresh balanced epochs: scaling without centring "
        "(ChannelStandardizer(with_mean=False),",
        "  so that the augmenter's fill value 0 stays the background), then "
        "AugmentedEpochsClassifier",
        f"  trains the fresh-epochs model for {N_EPOCHS} epochs, each a new "
        "class-balanced draw",
        "  with every row augmented (balance=True, keep_original=False).",
        "test-time views: the balancing row's fitted pipeline, frozen; "
        "TestTimeAugmentationClassifier",
        "  averages its probabilities over each digit and n_views augmented views "
        "of it (searched).",
        "fit s: fitting the chosen pipeline on the training part; search s: the "
        "grid search",
        "  and that fit; rows fit: training rows the classifier saw after "
        "resampling (fresh",
        "  epochs: the rows of one epoch).",
        "chosen parameters:",
    ]
    for row in result.rows:
        params = ", ".join(f"{key}={value!r}"
                           for key, value in sorted(row["best_params"].items()))
        lines.append(f"  {row['name']}: {params}")
    if result.n_unconverged:
        lines.append(f"note: {result.n_unconverged} fits stopped at max_iter "
                     "before converging (ConvergenceWarning).")
    if result.pictures:
        lines.append("pictures: " + ", ".join(result.pictures))
    if result.pictures_note:
        lines.append(result.pictures_note)
    return "\n".join(lines)
