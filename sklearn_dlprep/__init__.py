"""Data preparation for deep-learning-style training, the scikit-learn way."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

from ._augmenter import ArrayAugmenter
from ._balancer import BalancingResampler
from ._compose import Compose, make_compose
from ._readers import ImageFileReader
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
    AugMix,
    AutoContrast,
    CutMix,
    Equalization,
    MixUp,
    RandAugment,
    RandomBrightness,
    RandomColorDegeneration,
    RandomColorJitter,
    RandomContrast,
    RandomCrop,
    RandomElasticTransform,
    RandomErasing,
    RandomFlip,
    RandomGaussianBlur,
    RandomGrayscale,
    RandomHue,
    RandomInvert,
    RandomPerspective,
    RandomPosterization,
    RandomResizedCrop,
    RandomRotation,
    RandomSaturation,
    RandomSharpness,
    RandomShear,
    RandomTranslation,
    RandomZoom,
    Solarization,
    TrivialAugmentWide,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "ArrayAugmenter",
    "AugMix",
    "AugmentedEpochsClassifier",
    "AugmentedEpochsRegressor",
    "AutoContrast",
    "BalancingResampler",
    "ChannelMinMaxScaler",
    "ChannelStandardizer",
    "Compose",
    "CutMix",
    "Equalization",
    "ImageFileReader",
    "MixUp",
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
    "SampleStandardizer",
    "Solarization",
    "TestTimeAugmentationClassifier",
    "TestTimeAugmentationRegressor",
    "TrivialAugmentWide",
    "ZCAWhitener",
    "make_compose",
    "train_val_test_split",
]
