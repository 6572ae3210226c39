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
from ._geometric import RandomFlip

__all__ = [
    "AutoContrast",
    "Equalization",
    "Operation",
    "RandomBrightness",
    "RandomColorDegeneration",
    "RandomColorJitter",
    "RandomContrast",
    "RandomFlip",
    "RandomGrayscale",
    "RandomHue",
    "RandomInvert",
    "RandomPosterization",
    "RandomSaturation",
    "RandomSharpness",
    "Solarization",
]
