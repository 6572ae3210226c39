"""Geometry: from drawn values to the affine maps of a whole batch, and their fusion.

Pure functions of explicit values (no randomness, no data): the middle of the three
steps draw -> geometry -> apply.

The maps follow Keras' ``apply_affine_transform``: rotation, then shift, then shear,
then zoom, composed about the image centre, as an *inverse* map (each output pixel
reads the input at the mapped position). They are given in OpenCV's order, x being
the column and y the row, which is also the order Keras builds its matrix in before
it swaps axes for scipy. Two Keras bugs are not copied: the centre is the true centre
``((W-1)/2, (H-1)/2)`` for every shape, and flips are folded into the map so a flip
costs nothing.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numpy as np


def affine_inverse_maps(params, height, width):
    """Inverse affine maps of a batch, in (x=column, y=row) order.

    Parameters
    ----------
    params : dict of ndarray
        Keras-named draws of length ``n``: ``theta`` and ``shear`` in degrees, ``tx``
        (along the columns) and ``ty`` (along the rows) in pixels, ``zx`` and ``zy``
        zoom factors, ``flip_horizontal`` and ``flip_vertical`` booleans. A key that
        is absent or ``None`` is the identity for that step.
    height, width : int
        Spatial size of one sample (a signal has height 1).

    Returns
    -------
    maps : ndarray of shape (n, 2, 3), float64
        ``maps[i] @ (x, y, 1)`` is the source position that output pixel ``(x, y)``
        of sample ``i`` reads.
    """
    n = _batch_size(params)
    theta = np.deg2rad(_get(params, "theta", 0.0, n))
    shear = np.deg2rad(_get(params, "shear", 0.0, n))
    tx = _get(params, "tx", 0.0, n)
    ty = _get(params, "ty", 0.0, n)
    zx = _get(params, "zx", 1.0, n)
    zy = _get(params, "zy", 1.0, n)
    cos, sin = np.cos(theta), np.sin(theta)
    cos_sh, sin_sh = np.cos(shear), np.sin(shear)

    maps = np.empty((n, 2, 3))
    # Linear part: rotation @ shear @ zoom, with Keras' matrices
    # R = [[c, -s], [s, c]], Shear = [[1, -sin], [0, cos]], Zoom = diag(zx, zy).
    maps[:, 0, 0] = cos * zx
    maps[:, 0, 1] = (-cos * sin_sh - sin * cos_sh) * zy
    maps[:, 1, 0] = sin * zx
    maps[:, 1, 1] = (-sin * sin_sh + cos * cos_sh) * zy
    # Keras multiplies the shift by the rotation: R @ (tx, ty).
    shift_x = cos * tx - sin * ty
    shift_y = sin * tx + cos * ty
    # About the true centre: src = L (p - c) + shift + c.
    cx, cy = (width - 1) / 2.0, (height - 1) / 2.0
    maps[:, 0, 2] = shift_x + cx - (maps[:, 0, 0] * cx + maps[:, 0, 1] * cy)
    maps[:, 1, 2] = shift_y + cy - (maps[:, 1, 0] * cx + maps[:, 1, 1] * cy)

    # Flips happen after the warp in Keras: out'(x, y) = out(W-1-x, y). Folding them
    # in is composing the map with x -> W-1-x (and y -> H-1-y).
    flip_h = _get(params, "flip_horizontal", False, n).astype(bool)
    flip_v = _get(params, "flip_vertical", False, n).astype(bool)
    if flip_h.any():
        maps[flip_h, :, 2] += maps[flip_h, :, 0] * (width - 1)
        maps[flip_h, :, 0] *= -1
    if flip_v.any():
        maps[flip_v, :, 2] += maps[flip_v, :, 1] * (height - 1)
        maps[flip_v, :, 1] *= -1
    return maps


def flip_codes(maps, height, width):
    """Which maps are the identity or pure flips, whose warp is an exact copy.

    Returns, per map, -1 for a general warp, else ``flip_x + 2 * flip_y``: 0 is
    the identity, 1 a left-right flip, 2 an upside-down flip, 3 both.
    """
    flip_x = maps[:, 0, 0] == -1
    flip_y = maps[:, 1, 1] == -1
    pure = (
        (np.abs(maps[:, 0, 0]) == 1) & (np.abs(maps[:, 1, 1]) == 1)
        & (maps[:, 0, 1] == 0) & (maps[:, 1, 0] == 0)
        & (maps[:, 0, 2] == np.where(flip_x, width - 1, 0))
        & (maps[:, 1, 2] == np.where(flip_y, height - 1, 0))
    )
    return np.where(pure, flip_x + 2 * flip_y, -1)


def _batch_size(params):
    for value in params.values():
        if value is not None:
            return len(value)
    raise ValueError("params holds no draws: every key is None.")


def _get(params, key, default, n):
    value = params.get(key)
    if value is None:
        return np.full(n, default)
    return np.asarray(value)


def compose_inverse_maps(maps_in_order):
    """Fuse the inverse maps of warps applied one after the other into one.

    Parameters
    ----------
    maps_in_order : list of ndarray of shape (n, 2, 3) or (n, 3, 3)
        Inverse maps of the warps, in the order the warps act on a sample:
        affine maps, or homographies (a projective warp such as a perspective).

    Returns
    -------
    maps : ndarray of shape (n, 2, 3), or (n, 3, 3) if any map is a homography
        The inverse map of the whole chain: output pixel ``p`` of the last warp
        reads the input at ``M_1 M_2 ... M_k p`` (the first warp's map is
        applied last, being the closest to the input). A homography reads the
        source at ``(u / w, v / w)`` where ``(u, v, w) = M (x, y, 1)``.
    """
    if any(maps.shape[1] == 3 for maps in maps_in_order):
        fused = _homogeneous(maps_in_order[0])
        for maps in maps_in_order[1:]:
            fused = fused @ _homogeneous(maps)
        return fused
    fused = maps_in_order[0]
    for maps in maps_in_order[1:]:
        # (A ∘ B) p = A (B p): linear parts multiply, B's offset goes through A.
        linear = fused[:, :, :2] @ maps[:, :, :2]
        offset = fused[:, :, :2] @ maps[:, :, 2:] + fused[:, :, 2:]
        fused = np.concatenate([linear, offset], axis=2)
    return fused


def _homogeneous(maps):
    """Affine ``(n, 2, 3)`` maps as ``(n, 3, 3)`` homographies."""
    if maps.shape[1] == 3:
        return maps
    bottom = np.broadcast_to([0.0, 0.0, 1.0], (len(maps), 1, 3))
    return np.concatenate([maps, bottom], axis=1)


def affine_part(maps):
    """Which homographies are affine, and those as ``(k, 2, 3)`` maps.

    Returns
    -------
    affine : ndarray of bool of shape (n,)
        Whether the bottom row of ``maps[i]`` is ``(0, 0, c)`` with ``c != 0``.
    affine_maps : ndarray of shape (affine.sum(), 2, 3)
        Those maps divided by ``c``.
    """
    affine = (maps[:, 2, 0] == 0) & (maps[:, 2, 1] == 0) & (maps[:, 2, 2] != 0)
    return affine, maps[affine, :2] / maps[affine, 2:, 2:]


# Source positions farther than this from the sample, after reduction, are left to
# scipy: OpenCV computes positions in single precision (a 2**-9 pixel step at
# 2**15) and in fixed point that overflows near 2**21, and its "reflect" folds a
# position back one period per step.
SAFE_COORDINATE = float(2**15)


def _linear_range(a, b, height, width):
    """Least and greatest of ``a * x + b * y`` over the output grid ``0 <= x <
    width``, ``0 <= y < height``: the span of a map's row without its offset."""
    x_span, y_span = a * (width - 1), b * (height - 1)
    return (np.minimum(x_span, 0) + np.minimum(y_span, 0),
            np.maximum(x_span, 0) + np.maximum(y_span, 0))


def reduce_inverse_maps(maps, height, width, fill_mode):
    """Equivalent maps whose source positions lie near the sample.

    A fill mode makes positions far from the sample equivalent to near ones:
    ``"wrap"`` is periodic with the sample's size as period and ``"reflect"`` with
    twice it (every output pixel has whole coordinates, so the coefficients of the
    map reduce modulo the period as well as its offset); with ``"nearest"`` and
    ``"constant"`` a sample lying wholly beyond one edge reads that edge or ``cval``
    however far it lies, so it is moved by whole pixels to just beyond it (the
    fractional part of the offset, hence the interpolation weights, is kept).
    Maps that stay within a margin of the sample are returned untouched.

    Parameters
    ----------
    maps : ndarray of shape (n, 2, 3)
        Inverse maps in (x=column, y=row) order.
    height, width : int
        Size of the input and the output.
    fill_mode : {"constant", "nearest", "reflect", "wrap"}

    Returns
    -------
    maps : ndarray of shape (n, 2, 3)
        ``maps`` itself when no row needed reducing, else a reduced copy.
    far : ndarray of bool, shape (n,)
        Rows whose source positions still reach beyond ``SAFE_COORDINATE`` (a huge
        zoom across the sample): only the exact kernel should warp them.
    """
    reduced = maps
    far = np.zeros(len(maps), dtype=bool)
    for axis, size in enumerate((width, height)):
        with np.errstate(over="ignore", invalid="ignore"):
            low, high = _linear_range(maps[:, axis, 0], maps[:, axis, 1], height,
                                      width)
            positions = np.concatenate([maps[:, axis, 2] + low,
                                        maps[:, axis, 2] + high])
        if not np.isfinite(positions).all():
            raise ValueError(
                "The drawn values give source positions beyond float64's range (a "
                "shift or zoom too large): the warp has non-finite coordinates. Use "
                "smaller values."
            )
        offset = maps[:, axis, 2]
        margin = 2 * size + 8
        away = (offset + low < -margin) | (offset + high > size - 1 + margin)
        if away.any():
            if reduced is maps:
                reduced = maps.copy()
            row = reduced[away, axis]
            if fill_mode in ("wrap", "reflect") or (fill_mode == "mirror"
                                                    and size > 1):
                period = {"wrap": size, "reflect": 2 * size,
                          "mirror": 2 * size - 2}[fill_mode]
                row = _reduce_periodic(row, period, height, width)
            else:
                row[:, 2] = _beyond_the_edge(row[:, 2], low[away], high[away], size)
            reduced[away, axis] = row
            low, high = _linear_range(reduced[:, axis, 0], reduced[:, axis, 1],
                                      height, width)
            offset = reduced[:, axis, 2]
        far |= ~((np.abs(offset + low) <= SAFE_COORDINATE)
                 & (np.abs(offset + high) <= SAFE_COORDINATE))
    return reduced, far


def _reduce_periodic(row, period, height, width):
    """Coefficients ``(a, b, c)`` of one axis modulo ``period`` (exact: ``fmod``),
    the offset then chosen so that the least position lies in ``[0, period)``."""
    period = float(period)
    row = row.copy()
    for column in range(3):
        value = np.fmod(row[:, column], period)
        if column < 2:  # centred, so that the span stays small
            value -= period * (value > period / 2)
            value += period * (value < -period / 2)
        row[:, column] = value
    low, _ = _linear_range(row[:, 0], row[:, 1], height, width)
    row[:, 2] -= period * np.floor((low + row[:, 2]) / period)
    return row


def _beyond_the_edge(offset, low, high, size):
    """Offsets of rows lying wholly beyond one edge, moved by whole pixels to just
    beyond it; the whole part is chosen from small numbers only, so that a huge
    offset keeps its fraction and loses nothing on the way."""
    whole = np.floor(offset)
    fraction = offset - whole
    beyond_high = offset + low > size - 1
    beyond_low = offset + high < 0
    lifted = np.where(beyond_high, np.ceil(size - low - fraction),
                      np.where(beyond_low, np.floor(-1.0 - high - fraction), whole))
    return fraction + lifted


def whole_pixel_rows(maps):
    """Which maps move whole pixels only: +-1 on the diagonal, 0 off it, and whole
    offsets. Such a warp reads every value at a pixel: an exact copy."""
    linear = ((np.abs(maps[:, 0, 0]) == 1) & (np.abs(maps[:, 1, 1]) == 1)
              & (maps[:, 0, 1] == 0) & (maps[:, 1, 0] == 0))
    offsets = maps[:, :, 2]
    return linear & np.all(offsets == np.floor(offsets), axis=1)


def fill_indices(index, size, fill_mode):
    """Whole source positions ``index`` mapped into ``[0, size)`` by the fill mode;
    -1 where ``"constant"`` reads ``cval``."""
    if fill_mode == "nearest":
        return np.clip(index, 0, size - 1)
    if fill_mode == "wrap":
        return np.mod(index, size)
    if fill_mode == "reflect":
        folded = np.mod(index, 2 * size)
        return np.where(folded >= size, 2 * size - 1 - folded, folded)
    if fill_mode == "mirror":  # reflects about the edge pixel, not repeating it
        if size == 1:
            return np.zeros_like(index)
        folded = np.mod(index, 2 * size - 2)
        return np.where(folded >= size, 2 * size - 2 - folded, folded)
    # "constant" and "grid-constant" read cval at whole positions beyond the edge
    return np.where((index >= 0) & (index < size), index, -1)
