"""Augmentation operations for :class:`~sklearn_dlprep.Compose`: Keras 3's
preprocessing layers (and torchvision's where only it has one) as estimators."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

from ._base import Operation
from ._color import (
    AutoContrast,
    Equalization,
    RandomBrightness,
    RandomColorDegeneration,
    RandomColorJitter,
    RandomContrast,
    RandomGrayscale,
    RandomHue,
    RandomInvert,
    RandomPosterization,
    RandomSaturation,
    RandomSharpness,
    Solarization,
)
from ._filter import RandomElasticTransform, RandomGaussianBlur
from ._geometric import (
    RandomCrop,
    RandomFlip,
    RandomPerspective,
    RandomResizedCrop,
    RandomRotation,
    RandomShear,
    RandomTranslation,
    RandomZoom,
)
from ._mix import CutMix, MixUp
from ._policy import (
    AugMix,
    RandAugment,
    TrivialAugmentWide,
)
from ._region import RandomErasing

__all__ = [
    "AugMix",
    "AutoContrast",
    "CutMix",
    "Equalization",
    "MixUp",
    "Operation",
    "RandAugment",
    "RandomBrightness",
    "RandomColorDegeneration",
    "RandomColorJitter",
    "RandomContrast",
    "RandomCrop",
    "RandomElasticTransform",
    "RandomErasing",
    "RandomFlip",
    "RandomGaussianBlur",
    "RandomGrayscale",
    "RandomHue",
    "RandomInvert",
    "RandomPerspective",
    "RandomPosterization",
    "RandomResizedCrop",
    "RandomRotation",
    "RandomSaturation",
    "RandomSharpness",
    "RandomShear",
    "RandomTranslation",
    "RandomZoom",
    "Solarization",
    "TrivialAugmentWide",
]
