"""
=======================================
What each augmentation parameter does
=======================================

One picture per :class:`~sklearn_dlprep.ArrayAugmenter` parameter: a photograph and
four random draws of an augmenter with only that parameter set. The user guide's
:ref:`augmentation_parameters` explains each one.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

# %%
# A photograph, and the parameters to show
# ----------------------------------------
# scikit-learn ships two photographs; ``china.jpg`` is 427x640 pixels, shrunk here
# to 107x160 to keep the example fast. It is a uint8 RGB image, and every
# augmented version stays uint8.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_sample_image

from sklearn_dlprep import ArrayAugmenter

photo = load_sample_image("china.jpg")[::4, ::4]
print(photo.shape, photo.dtype)

settings = [
    {"rotation_range": 40},
    {"width_shift_range": 0.2},
    {"height_shift_range": 0.2},
    {"shear_range": 30},
    {"zoom_range": 0.3},
    {"horizontal_flip": True, "vertical_flip": True},
    {"brightness_range": (0.4, 1.6)},
    {"channel_shift_range": 80},
    {"noise_std": 25},
    {"rotation_range": 40, "fill_mode": "reflect"},
    {"rotation_range": 40, "fill_mode": "constant", "cval": 0},
]

# %%
# One row per setting
# -------------------
# :meth:`~sklearn_dlprep.ArrayAugmenter.augment` draws one set of random values per
# sample; four copies of the photo give four draws.
n_variants = 4
fig, axes = plt.subplots(len(settings), n_variants + 1,
                         figsize=(1.6 * (n_variants + 1) + 1.5, 1.12 * len(settings)),
                         layout="constrained")
for row, params in zip(axes, settings, strict=True):
    augmenter = ArrayAugmenter(**params, random_state=0)
    variants = augmenter.augment(np.repeat(photo[None], n_variants, axis=0))
    for ax, image in zip(row, [photo, *variants], strict=True):
        ax.imshow(image)
        ax.set_xticks([])
        ax.set_yticks([])
    label = "\n".join(f"{key}={value!r}" for key, value in params.items())
    row[0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
axes[0, 0].set_title("original", fontsize=9)
for k in range(1, n_variants + 1):
    axes[0, k].set_title(f"draw {k}", fontsize=9)
plt.show()

# %%
# All at once, on digits
# ----------------------
# Parameters combine: the warp (rotation, shift, shear, zoom) is one affine map,
# followed by the flips and the changes of intensity, in Keras' order. For
# handwritten digits, small turns and zooms are label-preserving; flips are not.
# :func:`~sklearn_dlprep.plotting.plot_augmentations` draws the grid, reading each
# row of 64 values as an 8x8 image through ``sample_shape``.
from sklearn.datasets import load_digits

from sklearn_dlprep.plotting import plot_augmentations

X, y = load_digits(return_X_y=True)
digits_augmenter = ArrayAugmenter(rotation_range=12, zoom_range=0.1, shear_range=10,
                                  fill_mode="constant", sample_shape=(8, 8),
                                  random_state=0)
plot_augmentations(digits_augmenter, X, n_samples=5, n_variants=6, cmap="gray_r",
                   row_labels=[f"digit {label}" for label in y[:5]])
plt.show()
