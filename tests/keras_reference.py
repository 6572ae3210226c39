"""A straightforward transcription of Keras' ``apply_transform`` on one image.

Keras' ``ImageDataGenerator.apply_transform`` (keras_preprocessing / Keras 3 legacy)
composes rotation, shift, shear and zoom in (x, y) order, moves the centre, swaps the
axes for ``scipy.ndimage.affine_transform`` and warps each channel; then it shifts
channels and flips. This is that code, line for line, with the two Keras bugs that
the package deliberately fixes (see API.md): the centre of a non-square image is the
true centre, and ``"wrap"`` is periodic with period ``n`` (scipy ``"grid-wrap"``).
It is the reference the fast kernel is pinned against.
"""

import numpy as np
from scipy import ndimage

SCIPY_MODE = {"nearest": "nearest", "reflect": "reflect", "wrap": "grid-wrap",
              "constant": "constant"}


def transform_matrix_offset_center(matrix, x, y):
    o_x = float(x) / 2 - 0.5
    o_y = float(y) / 2 - 0.5
    offset_matrix = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset_matrix = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return np.dot(np.dot(offset_matrix, matrix), reset_matrix)


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1,
                           fill_mode="nearest", cval=0.0, order=1):
    """Keras' ``apply_affine_transform`` for an (H, W, C) image."""
    row_axis, col_axis, channel_axis = 0, 1, 2
    transform_matrix = None
    if theta != 0:
        theta = np.deg2rad(theta)
        transform_matrix = np.array([[np.cos(theta), -np.sin(theta), 0],
                                     [np.sin(theta), np.cos(theta), 0],
                                     [0, 0, 1]])
    if tx != 0 or ty != 0:
        shift_matrix = np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]])
        transform_matrix = (shift_matrix if transform_matrix is None
                            else np.dot(transform_matrix, shift_matrix))
    if shear != 0:
        shear = np.deg2rad(shear)
        shear_matrix = np.array([[1, -np.sin(shear), 0], [0, np.cos(shear), 0],
                                 [0, 0, 1]])
        transform_matrix = (shear_matrix if transform_matrix is None
                            else np.dot(transform_matrix, shear_matrix))
    if zx != 1 or zy != 1:
        zoom_matrix = np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]])
        transform_matrix = (zoom_matrix if transform_matrix is None
                            else np.dot(transform_matrix, zoom_matrix))
    if transform_matrix is None:
        return x.astype(np.float64)
    h, w = x.shape[row_axis], x.shape[col_axis]
    # Keras passes (h, w) here, which puts a non-square image's centre at row
    # (W-1)/2, column (H-1)/2; the x of this matrix is the column, so (w, h) is right.
    transform_matrix = transform_matrix_offset_center(transform_matrix, w, h)
    x = np.rollaxis(x, channel_axis, 0)
    transform_matrix[:, [0, 1]] = transform_matrix[:, [1, 0]]
    transform_matrix[[0, 1]] = transform_matrix[[1, 0]]
    final_affine_matrix = transform_matrix[:2, :2]
    final_offset = transform_matrix[:2, 2]
    channel_images = [
        ndimage.affine_transform(x_channel.astype(np.float64), final_affine_matrix,
                                 final_offset, order=order,
                                 mode=SCIPY_MODE[fill_mode], cval=cval)
        for x_channel in x
    ]
    x = np.stack(channel_images, axis=0)
    return np.rollaxis(x, 0, channel_axis + 1)


def apply_channel_shift(x, intensity):
    min_x, max_x = np.min(x), np.max(x)
    return np.clip(x + intensity, min_x, max_x)


def apply_transform(x, params, fill_mode="nearest", cval=0.0, order=1):
    """Keras' ``ImageDataGenerator.apply_transform`` for one (H, W, C) image."""
    x = apply_affine_transform(
        x, params.get("theta", 0), params.get("tx", 0), params.get("ty", 0),
        params.get("shear", 0), params.get("zx", 1), params.get("zy", 1),
        fill_mode=fill_mode, cval=cval, order=order)
    if params.get("channel_shift_intensity") is not None:
        x = apply_channel_shift(x, params["channel_shift_intensity"])
    if params.get("flip_horizontal", False):
        x = x[:, ::-1]
    if params.get("flip_vertical", False):
        x = x[::-1]
    return x
