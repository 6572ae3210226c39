"""
==================================
Every operation, six draws each
==================================

One row per operation of :mod:`sklearn_dlprep.operations`: the same photo, then six
augmented versions of it, each from its own random draw. The rows are built from the
module's ``__all__``, so an operation appears here as soon as it is exported; the
few that need constructor arguments (Keras 3 makes ``factor`` required for most of
them) get the values of the dictionary below, chosen to show the operation clearly
rather than as a training recipe. ``MixUp`` and ``CutMix`` mix pairs of samples and
their labels: they work in ``flow(..., mix=...)`` only, so they are not drawn here.
The table of names is in the user guide, :ref:`operations`.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

# %%
# The photo and the operations
# ----------------------------
# scikit-learn's sample photo, downscaled to 160x107 pixels; it stays uint8, so the
# colour operations read it in their default ``value_range``, (0, 255).
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_sample_image

import sklearn_dlprep.operations
from sklearn_dlprep import Compose

photo = load_sample_image("china.jpg")[::4, ::4]      # (107, 160, 3) uint8
n_draws = 6

ARGUMENTS = {
    "RandomBrightness": {"factor": 0.3},
    "RandomContrast": {"factor": 0.5},
    "RandomSaturation": {"factor": (0.1, 0.9)},
    "RandomHue": {"factor": 0.5},
    "RandomColorJitter": {"brightness_factor": 0.2, "contrast_factor": 0.3,
                          "saturation_factor": (0.3, 0.7), "hue_factor": 0.1},
    "RandomColorDegeneration": {"factor": 1.0},
    "RandomPosterization": {"factor": (2, 5)},
    "RandomSharpness": {"factor": 1.0},
    "Solarization": {"threshold_factor": (0.5, 0.9)},
    "RandomRotation": {"factor": 0.1},
    "RandomTranslation": {"height_factor": 0.2, "width_factor": 0.2},
    "RandomZoom": {"height_factor": (-0.3, 0.3)},
    "RandomShear": {"x_factor": 0.3, "y_factor": 0.3},
    "RandomPerspective": {"scale": 0.3},
    "RandomCrop": {"padding": 16},
    "RandomResizedCrop": {"scale": (0.2, 1.0)},
    "RandomGaussianBlur": {"kernel_size": 9, "sigma": (0.5, 3.0)},
    "RandomErasing": {"scale": (0.05, 0.2)},
    "RandomElasticTransform": {"scale": (0.5, 1.0)},
    "RandAugment": {"factor": 0.3},
}

operations = []
for name in sklearn_dlprep.operations.__all__:
    cls = getattr(sklearn_dlprep.operations, name)
    if name == "Operation" or getattr(cls, "kind", None) == "mix":
        continue                        # the base class; MixUp, CutMix (flow only)
    operations.append((name, cls(**ARGUMENTS.get(name, {}))))
print(f"{len(operations)} operations")

# %%
# Six draws each
# --------------
# A one-step :class:`~sklearn_dlprep.Compose` augments six copies of the photo;
# each copy draws its own transformation. Geometric operations read outside the
# image by reflection (Keras 3's default), except where the operation's default
# fills a constant (perspective, torchvision's padded crop). Each row is drawn as
# one strip: the original (left), then the six draws, on a white background.
batch = np.repeat(photo[None], n_draws, axis=0)
gap = np.full((photo.shape[0], 6, 3), 255, dtype=np.uint8)
fig, axes = plt.subplots(len(operations), 1, squeeze=False,
                         figsize=(7.5, 0.75 * len(operations)), layout="constrained")
for ax, (name, operation) in zip(axes[:, 0], operations):
    views = Compose([("op", operation)], random_state=0).augment(batch)
    assert views.shape == batch.shape and views.dtype == np.uint8
    strip = [piece for image in [photo, *views] for piece in (image, gap)][:-1]
    ax.imshow(np.concatenate(strip, axis=1))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_frame_on(False)
    ax.set_title(name, fontsize=7, loc="left", pad=2)
plt.show()
