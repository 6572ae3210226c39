"""
===========================================================
Balancing imbalanced digits: copies, blends or augmentation
===========================================================

Half of the digits keep only a tenth of their training rows. Four ways to train a
small neural network on that data are compared: no balancing, imbalanced-learn's
:class:`~imblearn.over_sampling.RandomOverSampler` (copies) and
:class:`~imblearn.over_sampling.SMOTE` (blends of neighbours), and
:class:`~sklearn_dlprep.BalancingResampler` with an
:class:`~sklearn_dlprep.ArrayAugmenter` (augmented real rows). See the user guide's
:ref:`balancing`.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

# %%
# An imbalanced training part
# ---------------------------
# The test part is split off first and keeps the digits' natural balance; only the
# training part is made imbalanced, as when training data was collected unevenly.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

from sklearn_dlprep import train_val_test_split

X, y = load_digits(return_X_y=True)
X_train, X_val, X_test, y_train, y_val, y_test = train_val_test_split(
    X, y, val_size=0.2, test_size=0.25, stratify=y, random_state=0)
# The validation part is not needed here (no tuning); see the demo for selection.

rng = np.random.default_rng(0)
minority = [2, 3, 4, 5, 7]
keep = np.concatenate([
    rng.choice(np.flatnonzero(y_train == digit),
               size=10 if digit in minority else np.sum(y_train == digit),
               replace=False)
    for digit in range(10)
])
X_imb, y_imb = X_train[keep], y_train[keep]
print("training rows per digit:", np.bincount(y_imb).tolist())

# %%
# Four pipelines, one classifier
# ------------------------------
# Each pipeline is resampler (if any), then
# :class:`~sklearn_dlprep.ChannelStandardizer`, then the same
# :class:`~sklearn.neural_network.MLPClassifier`. The resampler runs only when the
# pipeline is fitted: the test rows are scaled and classified, never resampled.
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.pipeline import Pipeline
from sklearn.metrics import balanced_accuracy_score, f1_score
from sklearn.neural_network import MLPClassifier

from sklearn_dlprep import ArrayAugmenter, BalancingResampler, ChannelStandardizer

augmenter = ArrayAugmenter(rotation_range=10, zoom_range=0.1, fill_mode="constant",
                           sample_shape=(8, 8))
resamplers = {
    "none": None,
    "RandomOverSampler": RandomOverSampler(random_state=0),
    "SMOTE": SMOTE(random_state=0),
    "BalancingResampler": BalancingResampler(augmenter, random_state=0),
}
scores = {}
for name, resampler in resamplers.items():
    steps = [] if resampler is None else [("balance", resampler)]
    pipe = Pipeline(steps + [
        ("scale", ChannelStandardizer()),
        ("clf", MLPClassifier(hidden_layer_sizes=(64,), alpha=1e-2, max_iter=500,
                              random_state=0)),
    ]).fit(X_imb, y_imb)
    predicted = pipe.predict(X_test)
    scores[name] = (balanced_accuracy_score(y_test, predicted),
                    f1_score(y_test, predicted, average="macro"),
                    f1_score(y_test, predicted, labels=minority, average="macro"))
    print(f"{name:>18}: balanced accuracy {scores[name][0]:.3f}, macro F1 "
          f"{scores[name][1]:.3f}, macro F1 of the minority digits "
          f"{scores[name][2]:.3f}")

# %%
# Scores on the untouched test part
# ---------------------------------
# One split and one seed: differences of a point or two are within the noise of a
# 450-row test part. The demo (``python -m sklearn_dlprep demo``) tunes every
# pipeline on a validation part before comparing.
fig, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
names = list(scores)
width = 0.27
for k, metric in enumerate(["balanced accuracy", "macro F1",
                            "macro F1, minority digits"]):
    values = [scores[name][k] for name in names]
    bars = ax.bar(np.arange(len(names)) + (k - 1) * width, values, width,
                  label=metric)
    ax.bar_label(bars, fmt="%.3f", fontsize=6, padding=1)
ax.set_xticks(np.arange(len(names)), names)
ax.set_ylim(0.85, 1.0)
ax.set_ylabel("score on the test part")
fig.legend(loc="outside lower center", ncols=3, fontsize=8, frameon=False)
plt.show()

# %%
# What the new minority rows look like
# ------------------------------------
# SMOTE's rows are blends of two images of the class; the balancer's are real rows
# turned and zoomed. ``sample_indices_`` tells which real row each came from.
fig, axes = plt.subplots(2, 8, figsize=(8, 2.6), layout="constrained")
for row, name in zip(axes, ["SMOTE", "BalancingResampler"], strict=True):
    X_res, y_res = resamplers[name].fit_resample(X_imb, y_imb)
    new_rows = X_res[len(X_imb):][y_res[len(X_imb):] == 3][:8]
    for ax, image in zip(row, new_rows, strict=False):
        ax.imshow(image.reshape(8, 8), cmap="gray_r")
        ax.set_xticks([])
        ax.set_yticks([])
    row[0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=8)
fig.suptitle("New rows created for the digit 3", fontsize=10)
plt.show()

# %%
# Class counts before and after
# -----------------------------
from sklearn_dlprep.plotting import plot_class_counts

_, y_balanced = resamplers["BalancingResampler"].fit_resample(X_imb, y_imb)
plot_class_counts(y_imb, y_balanced, labels=("imbalanced", "balanced"))
plt.show()
