"""Data preparation for deep-learning-style training, the scikit-learn way."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

from ._augmenter import ArrayAugmenter
from ._balancer import BalancingResampler
from ._compose import Compose, make_compose
from ._scalers import (
    ChannelMinMaxScaler,
    ChannelStandardizer,
    SampleStandardizer,
    ZCAWhitener,
)
from ._split import train_val_test_split
from ._training import (
    AugmentedEpochsClassifier,
    AugmentedEpochsRegressor,
    TestTimeAugmentationClassifier,
    TestTimeAugmentationRegressor,
)
from .operations import (
    AutoContrast,
    Equalization,
    RandomBrightness,
    RandomColorDegeneration,
    RandomColorJitter,
    RandomContrast,
    RandomFlip,
    RandomGrayscale,
    RandomHue,
    RandomInvert,
    RandomPosterization,
    RandomSaturation,
    RandomSharpness,
    Solarization,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "ArrayAugmenter",
    "AugmentedEpochsClassifier",
    "AugmentedEpochsRegressor",
    "AutoContrast",
    "BalancingResampler",
    "ChannelMinMaxScaler",
    "ChannelStandardizer",
    "Compose",
    "Equalization",
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
    "SampleStandardizer",
    "Solarization",
    "TestTimeAugmentationClassifier",
    "TestTimeAugmentationRegressor",
    "ZCAWhitener",
    "make_compose",
    "train_val_test_split",
]
