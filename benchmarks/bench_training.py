#!/usr/bin/env python
"""Static copies vs fresh augmentation every epoch vs test-time augmentation.

Run from the repository root::

    python benchmarks/bench_training.py            # 4 seeds, about 30 s
    python benchmarks/bench_training.py --smoke    # 1 seed, 2 epochs: means nothing

On the digits (8x8), for each seed: 200 training rows drawn stratified, the other
1,597 rows as test set, pixels divided by 16. One ``MLPClassifier`` configuration,
initialised with the seed, is trained by ``partial_fit`` for 60 epochs of 400 rows
each, the same number of rows every way:

- ``none``: the 200 rows twice per epoch, no augmentation;
- ``static``: ``ArrayAugmenter.fit_resample`` once (the 200 rows and one augmented
  copy of each), then the same 400 rows at every epoch, as a sampler in a pipeline
  gives them;
- ``fresh``: ``AugmentedEpochsClassifier`` (the 200 rows and a newly augmented copy
  of each at every epoch);
- ``fresh + TTA``: ``TestTimeAugmentationClassifier(prefit=True)`` around the
  ``fresh`` model, 8 views plus the original;
- ``static + TTA``: the same around the ``static`` model (for comparison).

Accuracy on the test rows is printed per seed and as the mean over seeds.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import argparse
import json
import platform
import time

import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

import sklearn_dlprep
from sklearn_dlprep import (
    ArrayAugmenter,
    AugmentedEpochsClassifier,
    TestTimeAugmentationClassifier,
)

METHODS = ["none", "static", "fresh", "fresh + TTA", "static + TTA"]
N_TRAIN = 200
N_VIEWS = 8


def make_augmenter(seed):
    """Modest augmentation for 8x8 digits; the background outside is 0."""
    return ArrayAugmenter(rotation_range=10, width_shift_range=0.1,
                          height_shift_range=0.1, zoom_range=0.1,
                          fill_mode="constant", sample_shape=(8, 8),
                          random_state=seed)


def make_network(seed):
    return MLPClassifier(hidden_layer_sizes=(64,), batch_size=32,
                         random_state=seed)


def run_seed(seed, epochs, X, y):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=N_TRAIN, stratify=y, random_state=seed)
    classes = np.unique(y)
    scores, seconds = {}, {}

    start = time.perf_counter()
    none = make_network(seed)
    X_twice, y_twice = np.r_[X_train, X_train], np.r_[y_train, y_train]
    for _ in range(epochs):
        none.partial_fit(X_twice, y_twice, classes=classes)
    scores["none"] = none.score(X_test, y_test)
    seconds["none"] = time.perf_counter() - start

    start = time.perf_counter()
    static = make_network(seed)
    X_static, y_static = make_augmenter(seed).fit_resample(X_train, y_train)
    for _ in range(epochs):
        static.partial_fit(X_static, y_static, classes=classes)
    scores["static"] = static.score(X_test, y_test)
    seconds["static"] = time.perf_counter() - start

    start = time.perf_counter()
    fresh = AugmentedEpochsClassifier(make_network(seed), make_augmenter(seed),
                                      epochs=epochs, n_copies=1,
                                      keep_original=True, random_state=seed)
    fresh.fit(X_train, y_train)
    assert fresh.n_rows_seen_ == epochs * len(X_static)  # equal rows seen
    scores["fresh"] = fresh.score(X_test, y_test)
    seconds["fresh"] = time.perf_counter() - start

    for name, model in [("fresh + TTA", fresh), ("static + TTA", static)]:
        start = time.perf_counter()
        tta = TestTimeAugmentationClassifier(model, make_augmenter(seed),
                                             n_views=N_VIEWS, prefit=True,
                                             random_state=seed).fit(X_train)
        scores[name] = tta.score(X_test, y_test)
        seconds[name] = time.perf_counter() - start
    return scores, seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true",
                        help="one seed, 2 epochs: checks that it runs")
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--json", help="write the numbers to this file")
    args = parser.parse_args(argv)
    seeds = range(1 if args.smoke else args.seeds)
    epochs = 2 if args.smoke else args.epochs

    X, y = load_digits(return_X_y=True)
    X = X / 16
    results = {seed: run_seed(seed, epochs, X, y) for seed in seeds}

    print("SMOKE RUN: the numbers mean nothing\n" if args.smoke else "", end="")
    print(f"digits, {N_TRAIN} training rows, {len(X) - N_TRAIN} test rows, "
          f"{epochs} epochs of {2 * N_TRAIN} rows; MLPClassifier(hidden_layer_sizes="
          f"(64,), batch_size=32); TTA: {N_VIEWS} views + the original")
    print(f"Python {platform.python_version()}, numpy {np.__version__}, "
          f"scikit-learn {sklearn.__version__}, sklearn-dlprep "
          f"{sklearn_dlprep.__version__}\n")
    print("| seed | " + " | ".join(METHODS) + " |")
    print("|---:|" + "---:|" * len(METHODS))
    for seed, (scores, _) in results.items():
        print(f"| {seed} | " + " | ".join(f"{100 * scores[m]:.1f} %" for m in METHODS)
              + " |")
    means = {m: float(np.mean([s[m] for s, _ in results.values()])) for m in METHODS}
    print("| mean | " + " | ".join(f"{100 * means[m]:.1f} %" for m in METHODS)
          + " |")
    time_means = {m: float(np.mean([t[m] for _, t in results.values()]))
                  for m in METHODS}
    print("\nSeconds per seed (mean): " + ", ".join(
        f"{m} {time_means[m]:.2f}" for m in METHODS))
    fresh_wins = sum(s["fresh"] > s["static"] for s, _ in results.values())
    print(f"fresh > static on {fresh_wins} of {len(results)} seeds")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"smoke": args.smoke, "epochs": epochs, "means": means,
                       "seconds": time_means,
                       "per_seed": {str(seed): scores
                                    for seed, (scores, _) in results.items()}},
                      out, indent=2)


if __name__ == "__main__":
    main()
