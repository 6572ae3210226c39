"""
=================================================
Porting a Keras ImageDataGenerator recipe
=================================================

A common Keras recipe augments images with ``ImageDataGenerator``::

    from keras.preprocessing.image import ImageDataGenerator

    datagen = ImageDataGenerator(rotation_range=40, width_shift_range=0.2,
                                 height_shift_range=0.2, shear_range=0.2,
                                 zoom_range=0.2, horizontal_flip=True,
                                 fill_mode="nearest")
    img = np.expand_dims(plt.imread("example.jpg"), 0)
    for i in range(5):
        plt.imshow(next(datagen.flow(img))[0])

This example ports it to :class:`~sklearn_dlprep.ArrayAugmenter`, then the rest of
what ``ImageDataGenerator`` does (feature-wise standardisation, rescaling, the
validation split), and shows the two geometric fixes. The argument-by-argument
table is in the user guide, :ref:`keras_migration`.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

# %%
# The same arguments
# ------------------
# The constructor takes the same names with the same meaning, so the configuration
# is copied as it is. ``augment`` replaces ``next(datagen.flow(img))``: one call
# returns one augmented version of every image, and the uint8 photo stays uint8.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_sample_image

from sklearn_dlprep import ArrayAugmenter
from sklearn_dlprep.plotting import plot_augmentations

img = load_sample_image("china.jpg")[None, ::4, ::4]      # (1, 107, 160, 3) uint8
keras_recipe = {"rotation_range": 40, "width_shift_range": 0.2,
                "height_shift_range": 0.2, "shear_range": 0.2, "zoom_range": 0.2,
                "horizontal_flip": True, "fill_mode": "nearest"}
augmenter = ArrayAugmenter(**keras_recipe, random_state=0)
print(augmenter.augment(img).shape, augmenter.augment(img).dtype)
plot_augmentations(augmenter, img, n_samples=1, n_variants=5)
plt.show()

# %%
# ``shear_range`` is in degrees
# -----------------------------
# In Keras and here alike, ``shear_range`` is an angle in degrees: the recipe's 0.2
# is a fifth of a degree, which changes nothing visible. Something like 20 was
# probably meant.
fig, axes = plt.subplots(1, 3, figsize=(8, 2), layout="constrained")
for ax, shear in zip(axes, [0.0, 0.2, 20.0], strict=True):
    sheared = ArrayAugmenter().apply_params(img, {"shear": [shear]})
    ax.imshow(sheared[0])
    ax.set_title(f"shear = {shear} degrees", fontsize=9)
    ax.set_axis_off()
plt.show()

# %%
# Width shifts move along the width
# ---------------------------------
# A draw is Keras' dictionary: ``tx`` moves content along the columns, ``ty``
# along the rows (``out[r, c] = in[r + ty, c + tx]``).
# :meth:`~sklearn_dlprep.ArrayAugmenter.sample_params` feeds ``tx`` from
# ``width_shift_range`` and ``ty`` from ``height_shift_range``; Keras'
# ``get_random_transform`` does the opposite, so that there a "height" shift moves
# the image sideways by a fraction of its height. Drawing from a width range only:
params = ArrayAugmenter(width_shift_range=0.2).sample_params(np.repeat(img, 4, 0),
                                                             random_state=0)
print("tx (pixels along the width):", np.round(params["tx"], 1))
print("ty (pixels along the height):", np.round(params["ty"], 1))

# %%
# The true centre of a non-square image
# -------------------------------------
# Keras turns, shears and zooms about row ``(W-1)/2``, column ``(H-1)/2``, which is
# the centre of square images only; a half turn of this 107x160 photo would leave
# the frame. Here it is the photo upside down.
turned = ArrayAugmenter().apply_params(img, {"theta": [180.0]})
print("180-degree turn == photo upside down:",
      np.array_equal(turned[0], img[0, ::-1, ::-1]))

# %%
# What is not augmentation becomes a pipeline step
# ------------------------------------------------
# ``featurewise_center`` and ``featurewise_std_normalization``, with
# ``datagen.fit(x)``, learn one mean and std per channel:
# :class:`~sklearn_dlprep.ChannelStandardizer`, fitted in the pipeline on training
# rows only. ``validation_split`` becomes
# :func:`~sklearn_dlprep.train_val_test_split`, shuffled and stratified, with a test
# part. ``rescale=1/255`` is :class:`~sklearn_dlprep.ChannelMinMaxScaler` with the
# known ``value_range``, a fixed map. Samplers run at fit time only: the
# validation and test rows are scaled, never augmented.
from imblearn.pipeline import Pipeline
from sklearn.datasets import load_digits
from sklearn.neural_network import MLPClassifier

from sklearn_dlprep import (
    ChannelMinMaxScaler,
    ChannelStandardizer,
    train_val_test_split,
)

X, y = load_digits(return_X_y=True)
# "rescale": digits are 0..16; X / 16, refusing values outside the range.
X = ChannelMinMaxScaler(value_range=(0, 16)).fit_transform(X)
X_train, X_val, X_test, y_train, y_val, y_test = train_val_test_split(
    X, y, val_size=0.2, test_size=0.2, stratify=y, random_state=0)

pipe = Pipeline([
    ("augment", ArrayAugmenter(rotation_range=10, zoom_range=0.1,
                               fill_mode="constant", sample_shape=(8, 8),
                               random_state=0)),
    ("standardize", ChannelStandardizer()),      # featurewise centre and std
    ("clf", MLPClassifier(hidden_layer_sizes=(64,), max_iter=500, random_state=0)),
]).fit(X_train, y_train)
print(f"channel mean {pipe['standardize'].mean_[0]:.3f}, "
      f"std {pipe['standardize'].scale_[0]:.3f} (training rows only)")
print(f"validation accuracy {pipe.score(X_val, y_val):.3f}")

# %%
# ``datagen.flow`` becomes ``augmenter.flow``
# -------------------------------------------
# For a training loop, :meth:`~sklearn_dlprep.ArrayAugmenter.flow` yields
# augmented batches, fresh at every epoch; ``len()`` is the number of batches, as
# Keras' ``steps_per_epoch`` wants.
batches = pipe["augment"].flow(X_train, y_train, batch_size=64, random_state=0)
for epoch in range(2):
    n_rows = sum(len(y_batch) for _, y_batch in batches)
    print(f"epoch {epoch}: {len(batches)} batches, {n_rows} rows")
