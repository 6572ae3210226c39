"""Data preparation for deep-learning-style training, the scikit-learn way."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

from ._augmenter import ArrayAugmenter
from ._balancer import BalancingResampler
from ._readers import ImageFileReader
from ._scalers import ChannelStandardizer, SampleStandardizer, ZCAWhitener
from ._split import train_val_test_split

__version__ = "0.1.0.dev0"

__all__ = [
    "ArrayAugmenter",
    "BalancingResampler",
    "ChannelStandardizer",
    "ImageFileReader",
    "SampleStandardizer",
    "ZCAWhitener",
    "train_val_test_split",
]
