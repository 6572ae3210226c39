"""
===========================================================
Fresh augmentation every epoch, then test-time augmentation
===========================================================

:class:`~sklearn_dlprep.AugmentedEpochsClassifier` trains a network with
``partial_fit`` on newly augmented rows at every epoch, and stops early on
held-out rows that are never augmented.
:class:`~sklearn_dlprep.TestTimeAugmentationClassifier` then averages the
network's probabilities over augmented views of every test image. See the user
guide's :ref:`training_with_augmentation`.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

# %%
# Data
# ----
# 200 training images of the digits; the other 1,597 are the test set. Pixels are
# divided by 16, a fixed scaling that augmentation does not disturb.
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16, y, train_size=200, stratify=y, random_state=0)

# %%
# Fresh draws every epoch, with early stopping
# --------------------------------------------
# Every epoch holds the training rows and one newly augmented copy of each.
# ``early_stopping`` holds out 20 % of the original rows (stratified), scores the
# network on them after each epoch, stops after 10 epochs without improvement and
# keeps the network of the best epoch.
import matplotlib.pyplot as plt
from sklearn.neural_network import MLPClassifier

from sklearn_dlprep import ArrayAugmenter, AugmentedEpochsClassifier

augmenter = ArrayAugmenter(rotation_range=10, width_shift_range=0.1,
                           height_shift_range=0.1, zoom_range=0.1,
                           fill_mode="constant", sample_shape=(8, 8))
clf = AugmentedEpochsClassifier(
    MLPClassifier(hidden_layer_sizes=(64,), batch_size=32, random_state=0),
    augmenter, epochs=80, early_stopping=True, validation_fraction=0.2,
    n_iter_no_change=10, random_state=0)
clf.fit(X_train, y_train)

epochs = np.arange(1, clf.n_epochs_ + 1)
fig, ax = plt.subplots(figsize=(6, 3.4), layout="constrained")
ax.plot(epochs, clf.validation_scores_, marker=".")
ax.axvline(clf.best_epoch_, color="grey", linestyle="--",
           label=f"best epoch ({clf.best_epoch_}), kept")
ax.set_xlabel("epoch")
ax.set_ylabel("accuracy on held-out rows")
ax.legend(loc="lower right")
plt.show()

print(f"{clf.n_epochs_} epochs, {clf.n_rows_seen_} rows seen; "
      f"test accuracy {clf.score(X_test, y_test):.3f}")

# %%
# Test-time augmentation on top
# -----------------------------
# ``prefit=True`` wraps the trained model as it is. Each test image is predicted
# as it is and as 8 augmented views, and the probabilities are averaged. With an
# int ``random_state`` the views of an image depend only on the image, so its
# prediction does not depend on the rest of the test set.
from sklearn_dlprep import TestTimeAugmentationClassifier

tta = TestTimeAugmentationClassifier(clf, augmenter, n_views=8, prefit=True,
                                     random_state=0).fit(X_train)
print(f"test accuracy with test-time augmentation {tta.score(X_test, y_test):.3f}")

# %%
# On these 8x8 images and this small fully connected network, the differences
# between no augmentation, static copies, fresh epochs and test-time augmentation
# are of the order of the seed-to-seed noise, and test-time augmentation costs
# about a point: see the measurements over seeds in the user guide before
# drawing conclusions from one run.
