"""
==================================================
From a folder of image files to a trained pipeline
==================================================

Image datasets usually live on disk as a folder with one sub-folder per class, the
layout Keras' ``image_dataset_from_directory`` and torchvision's ``ImageFolder``
read. This example writes such a folder to a temporary directory (JPEG crops of
scikit-learn's two sample photographs, one class each), loads it with
:func:`~sklearn_dlprep.datasets.load_image_folder`, then trains a pipeline that
starts from the file paths: :class:`~sklearn_dlprep.ImageFileReader` decodes them,
:class:`~sklearn_dlprep.ArrayAugmenter` augments the training folds and a
classifier learns. See the user guide's :ref:`files`.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

# %%
# A folder of JPEGs
# -----------------
# 40 crops of 96x96 pixels from each photograph, at random places, written as
# JPEG files in ``china/`` and ``flower/``.
import tempfile
from pathlib import Path

import cv2
import numpy as np
from sklearn.datasets import load_sample_images

root = Path(tempfile.mkdtemp()) / "photos"
rng = np.random.default_rng(0)
for name, photo in zip(["china", "flower"], load_sample_images().images):
    (root / name).mkdir(parents=True)
    for i in range(40):
        top = rng.integers(0, photo.shape[0] - 96)
        left = rng.integers(0, photo.shape[1] - 96)
        crop = photo[top:top + 96, left:left + 96]
        cv2.imwrite(str(root / name / f"{i:03d}.jpg"),
                    cv2.cvtColor(crop, cv2.COLOR_RGB2BGR))  # OpenCV writes BGR

# %%
# Load it into arrays
# -------------------
# The sub-folders are the classes, in sorted order; ``image_size`` resizes every
# image (``None`` would keep their own size, which must then be the same).
import matplotlib.pyplot as plt

from sklearn_dlprep.datasets import load_image_folder

data = load_image_folder(root, image_size=(64, 64), verbose=1)
print(data.images.shape, data.images.dtype, data.target_names)

fig, axes = plt.subplots(2, 6, figsize=(8, 3), layout="constrained")
for row, label in enumerate([0, 1]):
    for ax, image in zip(axes[row], data.images[data.target == label]):
        ax.imshow(image)
        ax.set_axis_off()
    axes[row, 0].set_title(data.target_names[label], loc="left", fontsize=10)
plt.show()

# %%
# A pipeline that starts from file paths
# --------------------------------------
# The pipeline's input is the column of paths; the reader decodes them at 32x32.
# In an :class:`imblearn.pipeline.Pipeline`, the augmenter runs only when the
# pipeline is fitted, so each cross-validation fold is scored on its own,
# unaugmented images. The classifier wants one row per image: a flattening step
# comes before it.
from imblearn.pipeline import make_pipeline
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import SVC

from sklearn_dlprep import ArrayAugmenter, ChannelStandardizer, ImageFileReader


def flatten(images):
    return images.reshape(len(images), -1)


paths, labels = data.filenames, data.target
cv = StratifiedKFold(5, shuffle=True, random_state=0)
augmenter = ArrayAugmenter(rotation_range=20, zoom_range=0.1, horizontal_flip=True,
                           vertical_flip=True, n_copies=3, random_state=0)
scores = {}
for name, steps in [("no augmentation", []), ("augmented x3", [augmenter])]:
    pipe = make_pipeline(ImageFileReader((32, 32)), *steps, ChannelStandardizer(),
                         FunctionTransformer(flatten), SVC())
    scores[name] = cross_val_score(pipe, paths, labels, cv=cv)
    print(f"{name:>16}: accuracy {scores[name].mean():.3f} "
          f"(folds {np.round(scores[name], 2)})")

fig, ax = plt.subplots(figsize=(5, 2), layout="constrained")
ax.barh(list(scores), [s.mean() for s in scores.values()],
        xerr=[s.std() for s in scores.values()], color=["0.6", "C0"])
ax.set_xlim(0.5, 1)
ax.set_xlabel("cross-validated accuracy (5 folds, 80 images)")
plt.show()

# %%
# Train from the files, batch by batch
# ------------------------------------
# A folder too large for memory is read one batch at a time:
# :meth:`~sklearn_dlprep.ArrayAugmenter.flow_from_directory` (or, for a table of
# paths, ``flow_from_dataframe``) decodes only the files of each batch and augments
# them afresh at every epoch. Here a small network trained by ``partial_fit`` learns
# from a flow over three quarters of the files, listed in a DataFrame, and is
# scored on the other quarter, read as they are.
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

train_paths, test_paths, train_labels, test_labels = train_test_split(
    paths, labels, test_size=0.25, stratify=labels, random_state=0)
table = pd.DataFrame({"filename": train_paths, "class": train_labels})
flow = ArrayAugmenter(rotation_range=20, zoom_range=0.1, horizontal_flip=True,
                      vertical_flip=True).flow_from_dataframe(
    table, target_size=(32, 32), class_mode="sparse", batch_size=16, seed=0)
print(len(flow), "batches an epoch; classes", flow.class_indices)

X_test = flatten(ImageFileReader((32, 32), interpolation="nearest")
                 .transform(test_paths) / 255 - 0.5)
clf = MLPClassifier((64,), random_state=0)
for _ in range(20):  # epochs
    for X_batch, y_batch in flow:  # every epoch: new order, new augmentations
        clf.partial_fit(flatten(X_batch / 255 - 0.5), y_batch, classes=[0, 1])
print(f"accuracy on the held-out files: {clf.score(X_test, test_labels):.3f}")

# %%
# Unreadable files
# ----------------
# A truncated or empty file raises a ``ValueError`` that names it. With
# ``on_error="skip"``, it is left out (never replaced by a blank image), with a
# warning, and listed in ``skipped_filenames``; the labels stay with their images.
import warnings

(root / "china" / "broken.jpg").write_bytes(b"")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    data = load_image_folder(root, image_size=(64, 64), on_error="skip")
print(caught[0].message)
print(len(data.images), "images;", "skipped:",
      [Path(name).name for name in data.skipped_filenames])

# %%
# The temporary folder is not needed any more.
import shutil

shutil.rmtree(root.parent)
