"""
=====================================================
Tune RandAugment's num_ops and factor by grid search
=====================================================

An augmentation policy has parameters like any other step of a model: how many
operations act on each image (``num_ops``) and how strong they are (``factor``).
:class:`~sklearn_dlprep.RandAugment` is an operation of
:class:`~sklearn_dlprep.Compose`, an imbalanced-learn sampler, so in an
:class:`imblearn.pipeline.Pipeline` it augments the training folds only, and
:class:`~sklearn.model_selection.GridSearchCV` searches its parameters as
``augment__rand__num_ops`` and ``augment__rand__factor``. Keras' ``RandAugment``
and torchvision's cannot be put under a scikit-learn search. See the user guide's
:ref:`model_selection`.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

# %%
# What the policy does to a digit
# -------------------------------
# The digits are 8x8 grey images with values 0..16: that is the ``value_range``.
# Each sample draws its own ``num_ops`` operations among Keras' eleven (shear,
# translation, rotation, brightness, colour degeneration, contrast, sharpness,
# posterization, solarization, auto-contrast, equalization).
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

from sklearn_dlprep import Compose, RandAugment

X, y = load_digits(return_X_y=True)
factors = [0.05, 0.15, 0.3]
fig, axes = plt.subplots(len(factors), 7, figsize=(7, 3.3), layout="constrained")
for row, factor in zip(axes, factors):
    policy = Compose([("rand", RandAugment((0, 16), num_ops=2, factor=factor))],
                     sample_shape=(8, 8), random_state=0)
    views = policy.augment(np.repeat(X[:1], 6, axis=0))
    for ax, image in zip(row, [X[0], *views]):
        ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
        ax.set_xticks([])
        ax.set_yticks([])
    row[0].set_ylabel(f"factor={factor}", fontsize=8)
axes[0, 0].set_title("original", fontsize=8)
plt.show()

# %%
# The search
# ----------
# The pipeline adds two augmented copies of every training image at each fit;
# the validation fold is scored as it is. ``num_ops=0`` is the baseline without
# augmentation.
from imblearn.pipeline import Pipeline
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.svm import SVC

X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=300, stratify=y, random_state=0)
pipe = Pipeline([
    ("augment", Compose([("rand", RandAugment((0, 16)))], n_copies=2,
                        sample_shape=(8, 8), random_state=0)),
    ("svc", SVC(gamma=0.001)),
])
grid = {"augment__rand__num_ops": [0, 1, 2, 3],
        "augment__rand__factor": [0.05, 0.1, 0.2]}
search = GridSearchCV(pipe, grid, cv=3).fit(X_train, y_train)
print("best:", search.best_params_, f"cv accuracy {search.best_score_:.3f}")

# %%
# Cross-validated accuracy over the grid
# --------------------------------------
scores = search.cv_results_["mean_test_score"].reshape(
    len(grid["augment__rand__factor"]), len(grid["augment__rand__num_ops"]))
fig, ax = plt.subplots(figsize=(4.6, 2.8), layout="constrained")
image = ax.imshow(scores, cmap="viridis")
ax.set_xticks(range(scores.shape[1]), grid["augment__rand__num_ops"])
ax.set_yticks(range(scores.shape[0]), grid["augment__rand__factor"])
ax.set_xlabel("num_ops")
ax.set_ylabel("factor")
for (i, j), value in np.ndenumerate(scores):
    ax.text(j, i, f"{value:.3f}", ha="center", va="center", fontsize=7,
            color="white" if value < scores.mean() else "black")
fig.colorbar(image, label="mean cv accuracy")
plt.show()

# %%
# On 8x8 digits the gains are small and strong policies cost accuracy: a
# rotation of up to ``factor * 360`` degrees, or posterization (which, as in
# Keras, keeps a single bit for ``factor < 0.25``), changes these tiny images a
# lot. The search measures that instead of guessing it; on larger images the
# same pipeline searches the same parameters.
#
# Held-out test score
# -------------------
# The chosen policy against no augmentation, both refitted on the whole
# training part.
from sklearn.base import clone

baseline = clone(pipe).set_params(augment__rand__num_ops=0).fit(X_train, y_train)
print(f"test accuracy without augmentation: {baseline.score(X_test, y_test):.3f}")
print(f"test accuracy with the chosen policy: "
      f"{search.best_estimator_.score(X_test, y_test):.3f}")
