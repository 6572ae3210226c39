"""
==============================================================
Porting a keras.layers.Pipeline recipe to Compose
==============================================================

Keras 3 writes an augmentation recipe as a ``keras.layers.Pipeline`` of its
preprocessing layers::

    import keras

    augment = keras.layers.Pipeline([
        keras.layers.RandomFlip("horizontal"),
        keras.layers.RandomRotation(0.1),
        keras.layers.RandomZoom(0.2),
        keras.layers.RandomTranslation(0.1, 0.1),
        keras.layers.RandomBrightness(0.2),
    ])
    views = augment(images, training=True)

The operations of sklearn-dlprep have the layers' class names, parameter names,
defaults and meanings, so the same recipe is written by changing the import line and
``keras.layers.Pipeline`` into :func:`~sklearn_dlprep.make_compose` (or
:class:`~sklearn_dlprep.Compose`, to name the steps yourself). The result is an
imbalanced-learn sampler: it goes into a pipeline, and its parameters can be
searched (see :ref:`sphx_glr_auto_examples_plot_randaugment_search.py`). The table
of names is in the user guide, :ref:`operations`.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

# %%
# The twin
# --------
# The same five lines, imported from ``sklearn_dlprep``. Two differences from the
# layers, both on purpose: ``RandomBrightness``'s ``value_range`` defaults to the
# dtype's natural range ((0, 255) here, as the photo is uint8; Keras assumes
# (0, 255) for every dtype), and the uint8 photo stays uint8 (Keras returns
# float32).
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_sample_image

from sklearn_dlprep import (
    RandomBrightness,
    RandomFlip,
    RandomRotation,
    RandomTranslation,
    RandomZoom,
    make_compose,
)

augment = make_compose(
    RandomFlip("horizontal"),
    RandomRotation(0.1),
    RandomZoom(0.2),
    RandomTranslation(0.1, 0.1),
    RandomBrightness(0.2),
    random_state=0,
)
print(augment)

# %%
# The steps are named after their classes, as ``make_pipeline`` names them, so
# each layer's argument is a parameter of the sampler:
print(sorted(key for key in augment.get_params() if key.endswith("factor")))

# %%
# Running it on a photo
# ---------------------
# ``augment`` returns one augmented version of every image (``fit_resample`` would
# add them to the originals, as a sampler does). The geometric steps are fused:
# each image is interpolated once, not once per layer.
photo = load_sample_image("china.jpg")[::4, ::4]      # (107, 160, 3) uint8
images = np.repeat(photo[None], 5, axis=0)
views = augment.augment(images)
print(views.shape, views.dtype)

rows = [("Compose", views)]

# %%
# Keras' own layers, when Keras is installed
# ------------------------------------------
# The documentation does not need Keras: the recipe above is only a listing unless
# Keras 3 is importable (it is in the ``dev`` extra), in which case it runs here on
# the same photo, on Keras' jax backend (the dev extra's; the same as the gallery's
# model.fit example, since the backend is chosen once per process) (each layer with
# its own seed: layers
# given the same seed draw the same numbers). Its draws are its own, so the
# pictures differ draw by draw, not in kind.
import os

os.environ.setdefault("KERAS_BACKEND", "jax")
try:
    import keras
except ImportError:
    keras = None
if keras is not None:
    keras_augment = keras.layers.Pipeline([
        keras.layers.RandomFlip("horizontal", seed=1),
        keras.layers.RandomRotation(0.1, seed=2),
        keras.layers.RandomZoom(0.2, seed=3),
        keras.layers.RandomTranslation(0.1, 0.1, seed=4),
        keras.layers.RandomBrightness(0.2, seed=5),
    ])
    keras_views = keras_augment(images.astype("float32"), training=True)
    keras_views = np.asarray(keras_views).round().clip(0, 255).astype(np.uint8)
    rows.append(("Keras 3", keras_views))
else:
    print("Keras is not installed: its row is left out.")

fig, axes = plt.subplots(len(rows), 6, squeeze=False, figsize=(7.5, 1.15 * len(rows)),
                         layout="constrained")
for row, (label, batch) in zip(axes, rows):
    for ax, image in zip(row, [photo, *batch]):
        ax.imshow(image)
        ax.set_xticks([])
        ax.set_yticks([])
    row[0].set_ylabel(label, fontsize=8)
axes[0, 0].set_title("original", fontsize=8)
plt.show()
