"""torchvision v2's TrivialAugmentWide, transcribed to numpy for the tests.

torch is too heavy a test dependency, so the functional definitions that
``TrivialAugmentWide`` calls are transcribed here line by line from their source
(torchvision 0.2x, BSD-3-Clause), on one image of shape (H, W, C) instead of
(C, H, W), uint8 or float in [0, 1]:

- https://github.com/pytorch/vision/blob/main/torchvision/transforms/v2/_auto_augment.py
  (``TrivialAugmentWide._AUGMENTATION_SPACE``,
  ``_AutoAugmentBase._apply_image_or_video_transform``)
- https://github.com/pytorch/vision/blob/main/torchvision/transforms/v2/functional/_geometry.py
  (``_get_inverse_affine_matrix``, ``_affine_grid``, ``_apply_grid_transform``,
  ``affine_image``, ``rotate_image``)
- https://github.com/pytorch/vision/blob/main/torchvision/transforms/v2/functional/_color.py
  (``_blend``, ``adjust_*``, ``posterize``, ``solarize``, ``autocontrast``,
  ``equalize``)

``torch.nn.functional.grid_sample(mode, padding_mode="zeros",
align_corners=False)`` is written out from its definition (nearest rounds half
to even, as ``std::nearbyint``).
"""

import math

import numpy as np

OPS = ("Identity", "ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate",
       "Brightness", "Color", "Contrast", "Sharpness", "Posterize", "Solarize",
       "AutoContrast", "Equalize")


def augmentation_space(num_bins):
    """``TrivialAugmentWide._AUGMENTATION_SPACE``: op -> (magnitudes, signed)."""
    return {
        "Identity": (None, False),
        "ShearX": (np.linspace(0.0, 0.99, num_bins), True),
        "ShearY": (np.linspace(0.0, 0.99, num_bins), True),
        "TranslateX": (np.linspace(0.0, 32.0, num_bins), True),
        "TranslateY": (np.linspace(0.0, 32.0, num_bins), True),
        "Rotate": (np.linspace(0.0, 135.0, num_bins), True),
        "Brightness": (np.linspace(0.0, 0.99, num_bins), True),
        "Color": (np.linspace(0.0, 0.99, num_bins), True),
        "Contrast": (np.linspace(0.0, 0.99, num_bins), True),
        "Sharpness": (np.linspace(0.0, 0.99, num_bins), True),
        "Posterize": ((8 - (np.arange(num_bins) / ((num_bins - 1) / 6))).round()
                      .astype(int), False),
        "Solarize": (np.linspace(1.0, 0.0, num_bins), False),
        "AutoContrast": (None, False),
        "Equalize": (None, False),
    }


def _max_value(image):
    return 1.0 if image.dtype.kind == "f" else 255


# _geometry.py ------------------------------------------------------------------

def _get_inverse_affine_matrix(center, angle, translate, scale, shear):
    rot = math.radians(angle)
    sx = math.radians(shear[0])
    sy = math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    cos_sy = math.cos(sy)
    tan_sx = math.tan(sx)
    rot_minus_sy = rot - sy
    cx_plus_tx = cx + tx
    cy_plus_ty = cy + ty
    a = math.cos(rot_minus_sy) / cos_sy
    b = -(a * tan_sx + math.sin(rot))
    c = math.sin(rot_minus_sy) / cos_sy
    d = math.cos(rot) - c * tan_sx
    matrix = [d / scale, -b / scale, 0.0, -c / scale, a / scale, 0.0]
    matrix[2] += cx - matrix[0] * cx_plus_tx - matrix[1] * cy_plus_ty
    matrix[5] += cy - matrix[3] * cx_plus_tx - matrix[4] * cy_plus_ty
    return matrix


def _affine_grid(matrix, w, h):
    theta = np.asarray(matrix, dtype=np.float32).reshape(2, 3)
    x_grid = np.linspace((1.0 - w) * 0.5, (w - 1.0) * 0.5, w, dtype=np.float32)
    y_grid = np.linspace((1.0 - h) * 0.5, (h - 1.0) * 0.5, h, dtype=np.float32)
    base = np.stack(np.broadcast_arrays(x_grid[None, :], y_grid[:, None],
                                        np.float32(1)), -1)
    rescaled = theta.T / np.array([0.5 * w, 0.5 * h], dtype=np.float32)
    return base @ rescaled  # (h, w, 2), normalised (x, y)


def _grid_sample_zeros(image, grid, mode):
    """grid_sample(align_corners=False, padding_mode="zeros") of (H, W, C)."""
    h, w = image.shape[:2]
    ix = ((grid[..., 0].astype(np.float64) + 1) * w - 1) / 2
    iy = ((grid[..., 1].astype(np.float64) + 1) * h - 1) / 2

    def tap(x, y):
        inside = (x >= 0) & (x < w) & (y >= 0) & (y < h)
        xs, ys = np.clip(x, 0, w - 1), np.clip(y, 0, h - 1)
        return np.where(inside[..., None], image[ys, xs], 0.0)

    if mode == "nearest":
        return tap(np.rint(ix).astype(int), np.rint(iy).astype(int))
    x0, y0 = np.floor(ix).astype(int), np.floor(iy).astype(int)
    fx, fy = (ix - x0)[..., None], (iy - y0)[..., None]
    return (tap(x0, y0) * (1 - fx) * (1 - fy) + tap(x0 + 1, y0) * fx * (1 - fy)
            + tap(x0, y0 + 1) * (1 - fx) * fy + tap(x0 + 1, y0 + 1) * fx * fy)


def _apply_grid_transform(img, grid, mode, fill):
    fp = img.dtype.kind == "f"
    float_img = img.astype(np.float32)
    if fill is not None:
        float_img = np.concatenate(
            [float_img, np.ones(img.shape[:2] + (1,), np.float32)], -1)
    float_img = _grid_sample_zeros(float_img, grid, mode)
    if fill is not None:
        float_img, mask = float_img[..., :-1], float_img[..., -1:]
        fill_img = np.asarray(fill if isinstance(fill, (tuple, list)) else
                              [float(fill)], dtype=np.float64)
        if mode == "nearest":
            float_img = np.where(mask < 0.5, fill_img, float_img)
        else:
            float_img = (float_img - fill_img) * mask + fill_img
    return float_img.astype(np.float32) if fp else np.round(float_img).astype(
        img.dtype)


def affine_image(image, angle, translate, scale, shear, interpolation, fill,
                 center=None):
    height, width = image.shape[:2]
    center_f = [0.0, 0.0]
    if center is not None:
        center_f = [(c - s * 0.5) for c, s in zip(center, [width, height])]
    matrix = _get_inverse_affine_matrix(center_f, angle, translate, scale, shear)
    grid = _affine_grid(matrix, width, height)
    return _apply_grid_transform(image, grid, interpolation, fill)


def rotate_image(image, angle, interpolation, fill):
    angle = angle % 360
    if angle == 0:
        return image.copy()
    if angle == 180:
        return np.rot90(image, 2, axes=(0, 1)).copy()
    if image.shape[0] == image.shape[1]:
        if angle == 90:
            return np.rot90(image, 1, axes=(0, 1)).copy()
        if angle == 270:
            return np.rot90(image, 3, axes=(0, 1)).copy()
    height, width = image.shape[:2]
    matrix = _get_inverse_affine_matrix([0.0, 0.0], -angle, [0.0, 0.0], 1.0,
                                        [0.0, 0.0])
    grid = _affine_grid(matrix, width, height)
    return _apply_grid_transform(image, grid, interpolation, fill)


# _color.py ---------------------------------------------------------------------

def _rgb_to_grayscale(image):
    if image.shape[-1] == 1:
        return image.astype(np.float32)
    r, g, b = (image[..., i].astype(np.float32) for i in range(3))
    return (r * np.float32(0.2989) + g * np.float32(0.587)
            + b * np.float32(0.114))[..., None]


def _blend(image1, image2, ratio):
    fp = image1.dtype.kind == "f"
    bound = _max_value(image1)
    output = np.clip(image1.astype(np.float32) * np.float32(ratio)
                     + image2 * np.float32(1.0 - ratio), 0, bound)
    return output if fp else output.astype(image1.dtype)  # truncates


def adjust_brightness(image, factor):
    output = np.clip(image.astype(np.float32) * np.float32(factor), 0,
                     _max_value(image))
    return output if image.dtype.kind == "f" else output.astype(image.dtype)


def adjust_saturation(image, factor):
    if image.shape[-1] == 1:
        return image
    grey = _rgb_to_grayscale(image)
    if image.dtype.kind != "f":
        grey = np.floor(grey)
    return _blend(image, grey, factor)


def adjust_contrast(image, factor):
    grey = _rgb_to_grayscale(image)
    if image.shape[-1] == 3 and image.dtype.kind != "f":
        grey = np.floor(grey)
    mean = grey.mean(dtype=np.float32)
    return _blend(image, mean, factor)


def adjust_sharpness(image, factor):
    height, width = image.shape[:2]
    if height <= 2 or width <= 2:
        return image
    fp = image.dtype.kind == "f"
    a, b = 1.0 / 13.0, 5.0 / 13.0
    kernel = np.array([[a, a, a], [a, b, a], [a, a, a]], dtype=np.float32)
    output = image.astype(np.float32)
    blurred = np.zeros((height - 2, width - 2, image.shape[-1]), np.float32)
    for dy in range(3):
        for dx in range(3):
            blurred += kernel[dy, dx] * output[dy:dy + height - 2,
                                               dx:dx + width - 2]
    if not fp:
        blurred = np.round(blurred)
    view = output[1:-1, 1:-1]
    view += (blurred - view) * np.float32(1.0 - factor)
    output = np.clip(output, 0, _max_value(image))
    return output if fp else output.astype(image.dtype)


def posterize(image, bits):
    if image.dtype.kind == "f":
        levels = 1 << bits
        return (np.clip(np.floor(image * levels), 0, levels - 1)
                * np.float32(1.0 / levels)).astype(np.float32)
    if bits >= 8:
        return image
    mask = ((1 << bits) - 1) << (8 - bits)
    return image & np.uint8(mask)


def solarize(image, threshold):
    inverted = 1.0 - image if image.dtype.kind == "f" else 255 - image
    return np.where(image >= threshold, inverted, image)


def autocontrast(image):
    bound = _max_value(image)
    fp = image.dtype.kind == "f"
    float_image = image.astype(np.float32)
    minimum = float_image.min(axis=(0, 1), keepdims=True)
    maximum = float_image.max(axis=(0, 1), keepdims=True)
    eq_idxs = maximum == minimum
    inv_scale = (maximum - minimum) * np.float32(1.0 / bound)
    minimum = np.where(eq_idxs, 0.0, minimum).astype(np.float32)
    inv_scale = np.where(eq_idxs, 1.0, inv_scale).astype(np.float32)
    output = np.clip((float_image - minimum) / inv_scale, 0, bound)
    return output if fp else output.astype(image.dtype)


def equalize(image):
    fp = image.dtype.kind == "f"
    levels = (image * (255 + 1.0 - 1e-3)).astype(np.uint8) if fp else image
    out = np.empty_like(levels)
    for c in range(levels.shape[-1]):
        flat = levels[..., c].ravel().astype(np.int64)
        hist = np.bincount(flat, minlength=256)
        cum_hist = np.cumsum(hist)
        num_non_max = flat.size - hist[np.argmax(cum_hist)]
        step = num_non_max // 255
        if step == 0:
            out[..., c] = levels[..., c]
            continue
        lut = np.clip((cum_hist[:-1] + step // 2) // step, 0, 255)
        lut = np.concatenate([[0], lut]).astype(np.uint8)
        out[..., c] = lut[flat].reshape(levels.shape[:2])
    return out.astype(np.float32) / 255 if fp else out


# _auto_augment.py --------------------------------------------------------------

def apply_op(image, op, magnitude, interpolation="nearest", fill=None):
    """``_AutoAugmentBase._apply_image_or_video_transform``."""
    if op == "Identity":
        return image
    if op == "ShearX":
        return affine_image(image, 0.0, [0, 0], 1.0,
                            [math.degrees(math.atan(magnitude)), 0.0],
                            interpolation, fill, center=[0, 0])
    if op == "ShearY":
        return affine_image(image, 0.0, [0, 0], 1.0,
                            [0.0, math.degrees(math.atan(magnitude))],
                            interpolation, fill, center=[0, 0])
    if op == "TranslateX":
        return affine_image(image, 0.0, [int(magnitude), 0], 1.0, [0.0, 0.0],
                            interpolation, fill)
    if op == "TranslateY":
        return affine_image(image, 0.0, [0, int(magnitude)], 1.0, [0.0, 0.0],
                            interpolation, fill)
    if op == "Rotate":
        return rotate_image(image, magnitude, interpolation, fill)
    if op == "Brightness":
        return adjust_brightness(image, 1.0 + magnitude)
    if op == "Color":
        return adjust_saturation(image, 1.0 + magnitude)
    if op == "Contrast":
        return adjust_contrast(image, 1.0 + magnitude)
    if op == "Sharpness":
        return adjust_sharpness(image, 1.0 + magnitude)
    if op == "Posterize":
        return posterize(image, int(magnitude))
    if op == "Solarize":
        return solarize(image, _max_value(image) * magnitude)
    if op == "AutoContrast":
        return autocontrast(image)
    return equalize(image)
