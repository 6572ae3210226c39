"""Loaders: image datasets from files into arrays and labels."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

from ._image_folder import load_image_folder

__all__ = ["load_image_folder"]
