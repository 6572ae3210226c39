"""Augmentation operations for :class:`~sklearn_dlprep.Compose`: Keras 3's
preprocessing layers (and torchvision's where only it has one) as estimators."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

from ._base import Operation
from ._color import RandomBrightness
from ._filter import RandomElasticTransform, RandomGaussianBlur
from ._geometric import RandomFlip
from ._policy import AugMix, RandAugment, TrivialAugmentWide
from ._region import RandomErasing

__all__ = [
    "AugMix",
    "Operation",
    "RandAugment",
    "RandomBrightness",
    "RandomElasticTransform",
    "RandomErasing",
    "RandomFlip",
    "RandomGaussianBlur",
    "TrivialAugmentWide",
]
