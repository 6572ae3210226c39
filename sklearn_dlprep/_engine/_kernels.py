"""Apply: warp kernels that write a batch of affine warps into a preallocated output.

Two kernels with one meaning. OpenCV's ``warpAffine`` is the fast path (it releases
the GIL and handles any channel count in one call); ``scipy.ndimage`` is the
reference the tests compare against, and the fallback for what OpenCV cannot do
(spline orders above 1, dtypes it does not warp, sides above 32767 pixels).

Fill modes keep Keras' names. ``"wrap"`` is truly periodic (scipy's ``"grid-wrap"``,
not Keras' legacy ``"wrap"`` that repeats every ``n - 1`` pixels) and ``"constant"``
is scipy's ``"constant"``: a source position outside ``[0, n - 1]`` reads ``cval``
with no blending at the edge.

The operations of ``Compose`` add two modes and one kind of map. ``"grid-constant"``
is Keras 3's layers' ``"constant"`` (and OpenCV's and torchvision's): the one-pixel
band beyond the edge blends the edge pixel with ``cval``; ``"mirror"`` reflects
without repeating the edge pixel (torchvision's ``"reflect"``). Homographies
(``(n, 3, 3)`` maps, from a perspective) are warped by ``cv2.warpPerspective``,
with ``scipy.ndimage.map_coordinates`` as their reference.

Exactness and precision, for every dtype:

- The identity, flips and shifts by whole pixels (with no rotation, shear or zoom)
  are copies of values (with the fill mode's edge handling): exact for every dtype,
  int64 and uint64 included.
- Axis-aligned maps of a whole window inside the sample (a resized crop, with
  flips), on uint8 and float32, are a crop, ``cv2.resize`` and ``cv2.flip``
  (three times cheaper than the warp at 224 pixels); the few outer rows and
  columns that read past the window are warped. Within one grey level of the
  warp on uint8, 3e-5 of the value range on float32; with ``order=0`` the same
  pixels (maps with a position at a tie between two pixels are warped).
- Results are cast back exactly: integers are rounded and clipped to the dtype's
  range (the bound is compared, never cast: ``float(2**63 - 1)`` is ``2**63``), and
  floats saturate at the dtype's largest finite value. Finite input never gives a
  non-finite output.
- uint8 and float32 are warped by OpenCV in their own type (a float32 sample whose
  neighbouring values differ by more than float32's range, which OpenCV's
  arithmetic overflows, is warped again by scipy in float64). float16, int8, int16 and
  uint16 go through float32, which holds them exactly. float64 samples go through
  float32 too, those whose largest magnitude lies outside [2**-100, 2**100] scaled
  by a power of two (exact) to below 1 and back. OpenCV computes source positions
  in float32, so an output value is within ``2**-20 * (1 + p)`` times the largest
  magnitude of its sample, ``p`` being the largest source coordinate in pixels
  (measured on random data and draws, at every scale from 1e-300 to 1e300: at
  most a third of that bound; 1e-5 of the largest magnitude for 32x32 images,
  3e-4 for 700x700). float32 images have the same bound. This keeps OpenCV's
  speed; an exact float64 warp (scipy) is about 4 to 7 times slower. Wider
  integers and spline orders above 1 go through scipy in
  float64 (integers beyond 2**53 are then rounded to float64 where interpolated).
- Source positions far outside the sample are reduced first (wrap: modulo the
  size; reflect: modulo twice the size; nearest and constant: moved by whole pixels
  to just beyond the edge they lie beyond), so a huge shift costs what a small one
  costs and gives the answer of the equivalent small shift, up to float64's
  rounding of the map's offset (2**-53 of the shift; scipy itself, handed the huge
  positions, is further off). What stays far (a huge zoom across the sample) is
  warped by scipy.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import math
import threading

import cv2
import numpy as np
from scipy import ndimage

from ..utils._validation import sums_finite
from ._geometry import (
    affine_part,
    fill_indices,
    flip_codes,
    reduce_inverse_maps,
    whole_pixel_rows,
)

FILL_MODES = ("constant", "nearest", "reflect", "wrap")
SCIPY_MODES = {"nearest": "nearest", "reflect": "reflect", "wrap": "grid-wrap",
               "constant": "constant"}
_CV2_BORDERS = {"nearest": cv2.BORDER_REPLICATE, "reflect": cv2.BORDER_REFLECT,
                "wrap": cv2.BORDER_WRAP, "constant": cv2.BORDER_CONSTANT}
_CV2_INTERPOLATION = {0: cv2.INTER_NEAREST, 1: cv2.INTER_LINEAR}
# The modes only operations use (not in FILL_MODES, ArrayAugmenter's choices).
SCIPY_MODES.update({"grid-constant": "grid-constant", "mirror": "mirror"})
_CV2_BORDERS.update({"grid-constant": cv2.BORDER_CONSTANT,
                     "mirror": cv2.BORDER_REFLECT_101})
# OpenCV warps float32 images with exact float coordinates, and uint8 with 1/32-pixel
# fixed-point weights (within rounding of the exact result), for 1, 3 or 4
# channels; other channel counts take a coarser path, so they are warped in groups
# of those. Its other dtypes use
# the fixed-point path at their own precision (float64 is 0.01 off for values in
# [0, 1]), so they are warped in float32 and cast back; dtypes float32 cannot hold
# exactly go through scipy in float64.
_CV2_NATIVE = frozenset(np.dtype(t) for t in (np.uint8, np.float32))
_CV2_VIA_FLOAT32 = frozenset(np.dtype(t) for t in
                             (np.float16, np.float64, np.int8, np.uint16, np.int16))
# Sources this close outside [0, n - 1] are the edge itself, off by round-off.
_EDGE_TOLERANCE = 1e-6
_CV2_MAX_SIDE = 32767
_CV2_MAX_CHANNELS = 512
_FLOAT64_MAX = float(np.finfo(np.float64).max)
# Border values beyond this could overflow float32 arithmetic near the edge.
_BORDER_LIMIT = float(np.finfo(np.float32).max) / 4


def uses_opencv(dtype, canonical_shape, order):
    """Whether OpenCV can warp samples of this dtype, shape and order exactly."""
    height, width, channels = canonical_shape
    dtype = np.dtype(dtype)
    return (order in _CV2_INTERPOLATION
            and (dtype in _CV2_NATIVE or dtype in _CV2_VIA_FLOAT32)
            and max(height, width) <= _CV2_MAX_SIDE
            and channels <= _CV2_MAX_CHANNELS)


def warp_rows(X, src_rows, out, dst_rows, maps, *, order=1, fill_mode="nearest",
              cval=0.0, backend="auto"):
    """Warp ``X[src_rows[i]]`` by ``maps[i]`` into ``out[dst_rows[i]]``.

    Parameters
    ----------
    X, out : ndarray of shape (n, H, W, C)
        Canonical views (channels last). ``out`` may be non-contiguous; ``X`` and
        ``out`` must not overlap.
    src_rows, dst_rows : ndarray of int
        Which rows to read and where to write them.
    maps : ndarray of shape (len(src_rows), 2, 3) or (len(src_rows), 3, 3)
        Inverse maps in (x=column, y=row) order, see
        :func:`~sklearn_dlprep._geometry.affine_inverse_maps`; or homographies,
        of which the affine ones take the affine path.
    order : int
        Spline order: 0 (nearest) and 1 (bilinear) by OpenCV, 0 to 5 by scipy.
    fill_mode : {"constant", "nearest", "reflect", "wrap", "grid-constant", \
            "mirror"}
    cval : float
        Value read outside the input when ``fill_mode="constant"``.
    backend : {"auto", "scipy"}
        ``"scipy"`` forces the reference kernel.
    """
    if len(src_rows) == 0:
        return
    if maps.shape[1] == 3:  # homographies: the projective ones apart, then the rest
        affine, affine_maps = affine_part(maps)
        warp_projective_rows(X, src_rows[~affine], out, dst_rows[~affine],
                             maps[~affine], order=order, fill_mode=fill_mode,
                             cval=cval, backend=backend)
        src_rows, dst_rows, maps = src_rows[affine], dst_rows[affine], affine_maps
    height, width = X.shape[1:3]
    if not np.isfinite(maps).all():
        raise ValueError(
            "The drawn values give a warp with non-finite coefficients (a shift, "
            "zoom or angle too large for float64 arithmetic); use smaller values."
        )
    maps, far = reduce_inverse_maps(maps, height, width, fill_mode)
    codes = flip_codes(maps, height, width)
    for code in np.unique(codes[codes >= 0]):
        # The identity and pure flips are exact copies, for every dtype.
        rows = codes == code
        step_x, step_y = (-1 if code & 1 else 1), (-1 if code & 2 else 1)
        out[dst_rows[rows]] = X[src_rows[rows]][:, ::step_y, ::step_x]
    whole = whole_pixel_rows(maps) & (codes < 0)
    if whole.any():
        if backend == "auto" and X.dtype in _CV2_NATIVE and uses_opencv(
                X.dtype, X.shape[1:], 0):
            # At whole-pixel positions OpenCV's nearest neighbour reads exactly the
            # pixel (or the border's value): an exact copy, three times cheaper
            # than its bilinear warp and far cheaper than indexing in Python.
            _warp_opencv(X, src_rows, out, dst_rows, maps, np.flatnonzero(whole), 0,
                         fill_mode, cval)
        else:
            _copy_whole_pixels(X, src_rows[whole], out, dst_rows[whole],
                               maps[whole], fill_mode, cval)
    todo = (codes < 0) & ~whole
    if backend == "auto" and uses_opencv(X.dtype, X.shape[1:], order):
        fast = np.flatnonzero(todo & ~far)
        resized = _resize_windows(X, src_rows, out, dst_rows, maps, fast, order,
                                  fill_mode, cval)
        _warp_opencv(X, src_rows, out, dst_rows, maps, fast[~resized], order,
                     fill_mode, cval)
        if fill_mode == "constant" and len(fast):
            # OpenCV's constant border blends a one-pixel band; scipy's does not.
            _fill_outside(out, dst_rows[fast], maps[fast], height, width, cval)
        todo &= far
        if X.dtype == np.float32 and len(fast):
            todo[fast[_overflowed(out, dst_rows[fast])]] = True
    _warp_scipy(X, src_rows, out, dst_rows, maps, np.flatnonzero(todo), order,
                fill_mode, cval)


def _overflowed(out, rows):
    """Which of ``out[rows]`` hold a non-finite value. OpenCV interpolates float32
    as ``v0 + (v1 - v0) * t``, which overflows where neighbours differ by more than
    float32's largest value (magnitudes beyond 1.7e38): those samples are warped
    again in float64. One reduction over the rows finds out whether any did; when
    it overflows (values beyond 1.8e19) the rows are checked one by one."""
    written = out[_as_slice(rows)]
    if sums_finite(written):
        return np.zeros(len(rows), dtype=bool)
    return ~np.isfinite(written.reshape(len(rows), -1)).all(axis=1)


def _as_slice(rows):
    """``rows`` as a slice when they are consecutive and increasing (a view)."""
    if len(rows) and rows[-1] - rows[0] == len(rows) - 1 and np.all(
            np.diff(rows) == 1):
        return slice(int(rows[0]), int(rows[-1]) + 1)
    return rows


def _copy_whole_pixels(X, src_rows, out, dst_rows, maps, fill_mode, cval):
    """Shifts by whole pixels (and flips) as copies: every output pixel reads one
    input pixel, or ``cval`` outside the sample with ``"constant"``."""
    height, width = X.shape[1:3]
    columns, rows = np.arange(width), np.arange(height)
    fill = None
    for s, d, m in zip(src_rows, dst_rows, maps):
        ix = fill_indices((m[0, 0] * columns + m[0, 2]).astype(np.int64), width,
                          fill_mode)
        iy = fill_indices((m[1, 1] * rows + m[1, 2]).astype(np.int64), height,
                          fill_mode)
        out[d] = X[s][np.ix_(np.maximum(iy, 0), np.maximum(ix, 0))]
        if fill_mode in ("constant", "grid-constant") and (
                (ix < 0).any() or (iy < 0).any()):
            if fill is None:
                fill = cast_like(np.asarray(cval, dtype=np.float64), out.dtype)
            sample = out[d]
            sample[iy < 0] = fill
            sample[:, ix < 0] = fill


def warp_projective_rows(X, src_rows, out, dst_rows, maps, *, order=1,
                         fill_mode="nearest", cval=0.0, backend="auto"):
    """Warp ``X[src_rows[i]]`` by the homography ``maps[i]`` into ``out[dst_rows[i]]``.

    Output pixel ``(x, y)`` reads the source at ``(u / w, v / w)``, where
    ``(u, v, w) = maps[i] @ (x, y, 1)``. OpenCV's ``warpPerspective`` is the fast
    path (orders 0 and 1); ``scipy.ndimage.map_coordinates`` on those positions
    is the reference (``backend="scipy"``) and serves every other case. Arguments
    as :func:`warp_rows`.
    """
    height, width, channels = X.shape[1:]
    if backend == "auto" and uses_opencv(X.dtype, X.shape[1:], order):
        flags = _CV2_INTERPOLATION[order] | cv2.WARP_INVERSE_MAP
        groups = _channel_groups(channels) or [slice(None)]
        work = X.dtype if X.dtype in _CV2_NATIVE else np.dtype(np.float32)
        for s, d, m in zip(src_rows, dst_rows, maps):
            result = np.empty((height, width, channels), dtype=work)
            for group in groups:
                src = np.ascontiguousarray(X[s][..., group], dtype=work)
                warped = cv2.warpPerspective(
                    src[..., 0] if src.shape[-1] == 1 else src, m, (width, height),
                    flags=flags, borderMode=_CV2_BORDERS[fill_mode],
                    borderValue=(float(cval),) * 4)
                result[..., group] = warped.reshape(height, width, -1)
            if fill_mode == "constant":  # no blended band, as scipy's "constant"
                src_x, src_y = _projective_sources(m, height, width)
                result[_outside(src_x, src_y, height, width)] = cast_like(
                    np.asarray(cval, dtype=np.float64), work)
            out[d] = result if work == out.dtype else cast_like(result, out.dtype)
        return
    is_float = np.issubdtype(out.dtype, np.floating)
    work = np.float64 if out.dtype == np.float64 or not is_float else np.float32
    for s, d, m in zip(src_rows, dst_rows, maps):
        src_x, src_y = _projective_sources(m, height, width)
        img = X[s]
        result = np.empty(img.shape, dtype=work)
        for c in range(channels):
            ndimage.map_coordinates(img[..., c].astype(work, copy=False),
                                    [src_y, src_x], order=order,
                                    mode=SCIPY_MODES[fill_mode], cval=cval,
                                    output=result[..., c])
        out[d] = cast_like(result, out.dtype)


def _projective_sources(m, height, width):
    """Source positions ``(x, y)`` that every output pixel reads (float64)."""
    xs = np.arange(width, dtype=np.float64)
    ys = np.arange(height, dtype=np.float64)[:, np.newaxis]
    w = m[2, 0] * xs + m[2, 1] * ys + m[2, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        src_x = (m[0, 0] * xs + m[0, 1] * ys + m[0, 2]) / w
        src_y = (m[1, 0] * xs + m[1, 1] * ys + m[1, 2]) / w
    # A point mapped to infinity (w = 0) is outside, far away.
    far = -2.0 * (height + width)
    return (np.nan_to_num(src_x, nan=far, posinf=far, neginf=far),
            np.nan_to_num(src_y, nan=far, posinf=far, neginf=far))


def _outside(src_x, src_y, height, width):
    low = -_EDGE_TOLERANCE
    return ((src_x < low) | (src_x > width - 1 + _EDGE_TOLERANCE)
            | (src_y < low) | (src_y > height - 1 + _EDGE_TOLERANCE))


def _channel_groups(channels):
    """Split channels in groups of 4, 3 or 1: the counts OpenCV warps exactly."""
    if channels in (1, 3, 4):
        return None
    groups, start = [], 0
    while channels - start >= 4:
        groups.append(slice(start, start + 4))
        start += 4
    if channels - start == 3:
        groups.append(slice(start, start + 3))
    else:
        groups.extend(slice(c, c + 1) for c in range(start, channels))
    return groups


def _warp_opencv(X, src_rows, out, dst_rows, maps, todo, order, fill_mode, cval,
                 write_direct=True):
    height, width, channels = X.shape[1:]
    size = (width, height)
    flags = _CV2_INTERPOLATION[order] | cv2.WARP_INVERSE_MAP
    border = _CV2_BORDERS[fill_mode]
    border_value = (_border_value(cval),) * 4
    groups = _channel_groups(channels)
    if groups is not None:
        for group in groups:
            _warp_opencv(X[..., group], src_rows, out[..., group], dst_rows, maps,
                         todo, order, fill_mode, cval, write_direct=False)
        return
    squeeze = channels == 1  # OpenCV drops a trailing axis of length 1
    warp = cv2.warpAffine
    sources, targets = src_rows[todo].tolist(), dst_rows[todo].tolist()
    X_rows, out_rows = (X[..., 0], out[..., 0]) if squeeze else (X, out)
    if (write_direct and X.dtype in _CV2_NATIVE and _dense_rows(X_rows)
            and _dense_rows(out_rows)):
        # The hot path: every sample is dense, OpenCV writes into the output.
        X, out = X_rows, out_rows
        for s, d, m in zip(sources, targets, maps[todo]):
            warp(X[s], m, size, out[d], flags, border, border_value)
        return
    wide = X.dtype == np.float64
    for s, d, m in zip(sources, targets, maps[todo]):
        # float32 cannot hold float64's range: a sample beyond float32's
        # comfortable range is warped scaled by a power of two (exact).
        exponent = _exponent(X[s]) if wide else 0
        if exponent:
            # ldexp, not a multiplication: 2**-exponent overflows for subnormals.
            src = np.ldexp(X[s], -exponent).astype(np.float32)
            value = (_border_value(np.ldexp(float(cval), -exponent)),) * 4
        else:
            src = np.ascontiguousarray(X[s], dtype=np.float32 if X.dtype not in
                                       _CV2_NATIVE else None)
            value = border_value
        result = warp(src[..., 0] if squeeze else src, m, size, None, flags, border,
                      value)
        result = result.reshape(height, width, channels)
        if exponent:
            out[d] = _scale_back(result.astype(np.float64), exponent)
        elif result.dtype == out.dtype:  # a warp of finite values stays in range
            out[d] = result
        else:
            out[d] = cast_like(result, out.dtype)


# A window resized by cv2.resize reproduces the warp where the map is axis-aligned
# and the window whole pixels inside the sample. Tolerances on the map: its scale
# times the size and its window's origin must be whole numbers up to round-off.
_WHOLE_TOLERANCE = 1e-7
_CV2_RESIZE = {0: cv2.INTER_NEAREST_EXACT, 1: cv2.INTER_LINEAR}
# Fill modes that read the edge pixel itself one pixel past it (as cv2.resize
# repeats a window's edge).
_EDGE_REPEATING = ("nearest", "reflect")


def resize_windows(maps, height, width, order):
    """Which maps are a window of the sample resized to the sample's size.

    A map ``x -> a x + c`` (and ``y -> e y + f``) with no rotation or shear reads
    the window ``[x0, x0 + w)`` (``w = |a| width``) as ``cv2.resize`` reads it,
    source position ``x0 + (x + 0.5) w / width - 0.5`` (flipped when ``a < 0``),
    when ``w`` and ``x0`` are whole numbers and the window lies inside the sample.

    With ``order=0`` the warp rounds each position to the nearest pixel and
    ``INTER_NEAREST_EXACT`` floors ``(x + 0.5) w / width``: the same pixel, except
    at a tie (a position half-way between two pixels, which the two break in
    opposite directions) and within their errors of one (OpenCV's warp quantizes
    positions to 1/1024 pixel, its resize the scale to 2**-16): such maps are left
    to the warp. Positions are multiples of ``1 / (2 width)``, so the distance to
    a tie is computed exactly, in integers.

    Parameters
    ----------
    maps : ndarray of shape (n, 2, 3)
        Inverse maps in (x=column, y=row) order.
    height, width : int
        Size of the input and the output.
    order : {0, 1}

    Returns
    -------
    ok : ndarray of bool of shape (n,)
    windows : ndarray of int of shape (n, 4)
        ``(left, top, width, height)`` of each window (meaningful where ``ok``).
    """
    n = len(maps)
    ok = (maps[:, 0, 1] == 0) & (maps[:, 1, 0] == 0)
    windows = np.zeros((n, 4), dtype=np.intp)
    for axis, size in enumerate((width, height)):
        scale, offset = maps[:, axis, axis], maps[:, axis, 2]
        extent = np.abs(scale) * size
        whole_extent = np.rint(extent)
        # The first source position: x0 + scale / 2 - 1/2 read forwards, or
        # x0 + w - scale / 2 - 1/2 from the window's far end when flipped.
        origin = np.where(scale > 0, offset - 0.5 * scale + 0.5,
                          offset - whole_extent - 0.5 * scale + 0.5)
        whole_origin = np.rint(origin)
        ok &= ((np.abs(extent - whole_extent) <= _WHOLE_TOLERANCE * size)
               & (np.abs(origin - whole_origin) <= _WHOLE_TOLERANCE)
               & (whole_extent >= 1) & (whole_origin >= 0)
               & (whole_origin + whole_extent <= size))
        windows[ok, axis] = whole_origin[ok]
        windows[ok, axis + 2] = whole_extent[ok]
        if order == 0 and ok.any():
            # (x + 0.5) w / size has a fractional part r / (2 size): a tie when
            # r = 0, at distance min(r, 2 size - r) / (2 size) from one.
            twice = 2 * size
            r = np.outer(windows[:, axis + 2], 2 * np.arange(size) + 1) % twice
            distance = np.minimum(r, twice - r).min(axis=1) / twice
            margin = max(size / 2.0**17, 2.0**-10)
            ok &= distance > margin
    return ok, windows


def _resize_windows(X, src_rows, out, dst_rows, maps, todo, order, fill_mode, cval):
    """Warp the rows ``todo`` whose map is a resized window (see
    :func:`resize_windows`) as a crop, ``cv2.resize`` and ``cv2.flip``: about three
    times cheaper than the warp at 224 pixels. Returns which of ``todo`` it did.

    ``cv2.resize`` repeats the window's edge where the warp reads the pixel
    beyond it (bilinear positions within half a pixel of the window's edge, or
    the fill mode's value past the sample's edge): those few outer rows and
    columns of the output are warped as strips. uint8 results are within one grey
    level of the warp's (the warp weighs in 1/32 pixel, the resize in 2**-11),
    float32 within 3e-5 of the value range.
    """
    done = np.zeros(len(todo), dtype=bool)
    height, width, channels = X.shape[1:]
    if not len(todo) or X.dtype not in _CV2_NATIVE or order not in _CV2_RESIZE:
        return done
    ok, windows = resize_windows(maps[todo], height, width, order)
    if ok.any():
        # Channels in the warp's groups, so that every channel comes out as it
        # would on its own (OpenCV's float32 resize of 5 channels is coarser).
        for group in _channel_groups(channels) or [slice(None)]:
            _resize_group(X[..., group], src_rows, out[..., group], dst_rows, maps,
                          todo[ok], windows[ok], order, fill_mode, cval)
    return ok


def _resize_group(X, src_rows, out, dst_rows, maps, todo, windows, order,
                  fill_mode, cval):
    """:func:`_resize_windows` for 1, 3 or 4 channels, ``windows[i]`` being the
    window of row ``todo[i]``."""
    height, width, channels = X.shape[1:]
    squeeze = channels == 1  # OpenCV drops a trailing axis of length 1
    X_rows, out_rows = (X[..., 0], out[..., 0]) if squeeze else (X, out)
    direct = _dense_rows(out_rows)
    size = (width, height)
    interpolation = _CV2_RESIZE[order]
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    border = _CV2_BORDERS[fill_mode]
    border_value = (_border_value(cval),) * 4
    if order == 1:  # nearest positions round into the window: no strip
        x_strips = _strips(maps[todo], 0, windows[:, 0], windows[:, 2], width,
                           fill_mode).tolist()
        y_strips = _strips(maps[todo], 1, windows[:, 1], windows[:, 3], height,
                           fill_mode).tolist()
    for i, (row, (left, top, w, h)) in enumerate(zip(todo.tolist(),
                                                     windows.tolist())):
        s, d, m = src_rows[row], dst_rows[row], maps[row]
        window = _opencv_view(X_rows[s][top:top + h, left:left + w])
        flip_x, flip_y = m[0, 0] < 0, m[1, 1] < 0
        if flip_x or flip_y:
            code = -1 if flip_x and flip_y else (1 if flip_x else 0)
            resized = cv2.resize(window, size, interpolation=interpolation)
            if direct:
                cv2.flip(resized, code, out_rows[d])
            else:
                out_rows[d] = cv2.flip(resized, code)
        elif direct:
            cv2.resize(window, size, out_rows[d], interpolation=interpolation)
        else:
            out_rows[d] = cv2.resize(window, size, interpolation=interpolation)
        if order == 0 or not any(x_strips[i]) and not any(y_strips[i]):
            continue
        # The output's outer rows and columns whose source lies past the window,
        # warped with the map shifted to the strip's first pixel.
        target = out_rows[d]
        source = _opencv_view(X_rows[s])
        for axis, (first, last) in ((1, y_strips[i]), (0, x_strips[i])):
            extent = size[axis]
            for start, n in ((0, first), (extent - last, last)):
                if not n:
                    continue
                shifted = m.copy()
                shifted[axis, 2] += m[axis, axis] * start
                strip = (slice(start, start + n) if axis else
                         (slice(None), slice(start, start + n)))
                strip_size = (width, n) if axis else (n, height)
                target[strip] = cv2.warpAffine(
                    source, shifted, strip_size, None, flags, border,
                    border_value).reshape(target[strip].shape)


def _strips(maps, axis, starts, extents, size, fill_mode):
    """Per map, ``(first, last)``: how many output pixels at the start and at the
    end of ``axis`` have their source outside the window's pixels ``[start,
    start + extent - 1]``, where the warp reads a value ``cv2.resize`` does not
    (none where the window's edge is the sample's and the fill mode repeats it,
    as the resize does)."""
    positions = (maps[:, axis, axis, np.newaxis] * np.arange(size)
                 + maps[:, axis, 2, np.newaxis])
    before = np.count_nonzero(positions < starts[:, np.newaxis], axis=1)
    after = np.count_nonzero(positions > (starts + extents - 1)[:, np.newaxis],
                             axis=1)
    if fill_mode in _EDGE_REPEATING:
        before[starts == 0] = 0
        after[starts + extents == size] = 0
    # Positions are monotonic: those before the window come first when increasing.
    forwards = maps[:, axis, axis] > 0
    return np.stack([np.where(forwards, before, after),
                     np.where(forwards, after, before)], axis=1)


def _opencv_view(a):
    """``a`` if OpenCV can read it in place (rows of densely packed pixels, as
    a window of a dense image), else a contiguous copy."""
    if a.strides[1:] == ((a.shape[-1] * a.itemsize, a.itemsize) if a.ndim == 3
                         else (a.itemsize,)):
        return a
    return np.ascontiguousarray(a)


# float64 samples whose largest magnitude lies in [2**-100, 2**100] warp in float32
# as they are (no overflow, no underflow that matters to the documented bound).
_PLAIN_RANGE = (2.0**-100, 2.0**100)


def _exponent(values, *more):
    """0 when the largest magnitude of ``values`` (and of the scalars ``more``) is
    within ``_PLAIN_RANGE`` or 0; else the power of two that brings it into
    [0.5, 1)."""
    if values.size == 0:
        return 0
    if values.flags.c_contiguous and values.ndim <= 3 and values.shape[-1] <= 4:
        largest = cv2.norm(values, cv2.NORM_INF)  # one pass, no temporary
    else:
        largest = max(float(values.max()), -float(values.min()))
    for value in more:
        largest = max(largest, abs(float(value)))
    if largest == 0 or _PLAIN_RANGE[0] <= largest <= _PLAIN_RANGE[1]:
        return 0
    return math.frexp(largest)[1]


def _scale_back(values, exponent):
    """``values * 2**exponent`` in place, saturated at float64's largest value."""
    values = np.ldexp(values, exponent, out=values)
    if exponent > 1000:  # only there can a rounded-up value overflow
        np.clip(values, -_FLOAT64_MAX, _FLOAT64_MAX, out=values)
    return values


def _border_value(cval):
    """``cval`` as OpenCV's border value: within float32's range, so that no
    infinity is blended (0 * inf is NaN) into the band next to the edge."""
    return float(np.clip(cval, -_BORDER_LIMIT, _BORDER_LIMIT))


def _dense_rows(a):
    """Whether each ``a[i]`` is laid out densely, as OpenCV needs (numpy's
    contiguity flag ignores the strides of axes of length 1; OpenCV does not)."""
    strides, step = [], a.itemsize
    for extent in reversed(a.shape[1:]):
        strides.append(step)
        step *= extent
    return tuple(reversed(strides)) == a.strides[1:]


def _warp_scipy(X, src_rows, out, dst_rows, maps, todo, order, fill_mode, cval):
    """The reference kernel, in float64. float64 samples are scaled by a power of
    two (exact) so that no spline coefficient overflows; results saturate."""
    mode = SCIPY_MODES[fill_mode]
    scaled = X.dtype == np.float64
    for i in todo:
        matrix, offset = scipy_matrix(maps[i])
        img = X[src_rows[i]]
        exponent = _exponent(img, cval) if scaled else 0
        fill = float(np.ldexp(float(cval), -exponent))
        result = np.empty(img.shape, dtype=np.float64)
        for c in range(img.shape[-1]):
            channel = img[..., c].astype(np.float64, copy=False)
            if exponent:
                channel = np.ldexp(channel, -exponent)
            ndimage.affine_transform(channel, matrix, offset=offset, order=order,
                                     mode=mode, cval=fill, output=result[..., c])
        if exponent:
            result = _scale_back(result, exponent)
        out[dst_rows[i]] = cast_like(result, out.dtype)


def scipy_matrix(inverse_map):
    """An (x, y) inverse map as scipy's (row, column) ``matrix, offset``."""
    (a, b, c), (d, e, f) = inverse_map
    return np.array([[e, d], [b, a]]), np.array([f, c])


def _fill_outside(out, dst_rows, maps, height, width, cval):
    """Set pixels whose source lies outside the input to ``cval`` (scipy "constant")."""
    low, high_x, high_y = (-_EDGE_TOLERANCE, width - 1 + _EDGE_TOLERANCE,
                           height - 1 + _EDGE_TOLERANCE)
    # An affine map takes the output grid to a parallelogram whose extremes are
    # the images of its corners: samples whose four corners read inside the input
    # have nothing to fill (crops, zooms in), found for all rows at once.
    corner_x = np.array([0.0, width - 1, 0.0, width - 1])
    corner_y = np.array([0.0, 0.0, height - 1, height - 1])
    src_x = (maps[:, 0, 0, None] * corner_x + maps[:, 0, 1, None] * corner_y
             + maps[:, 0, 2, None])
    src_y = (maps[:, 1, 0, None] * corner_x + maps[:, 1, 1, None] * corner_y
             + maps[:, 1, 2, None])
    inside = ((src_x >= low) & (src_x <= high_x) & (src_y >= low)
              & (src_y <= high_y)).all(axis=1)
    if inside.all():
        return
    xs = np.arange(width, dtype=np.float64)
    ys = np.arange(height, dtype=np.float64)[:, np.newaxis]
    value = cast_like(np.asarray(cval, dtype=np.float64), out.dtype)
    for dst, m in zip(dst_rows[~inside], maps[~inside]):
        src_x = m[0, 0] * xs + m[0, 1] * ys + m[0, 2]
        src_y = m[1, 0] * xs + m[1, 1] * ys + m[1, 2]
        outside = (src_x < low) | (src_x > high_x) | (src_y < low) | (src_y > high_y)
        if outside.any():
            out[dst][outside] = value


def cast_like(values, dtype):
    """Cast float results to ``dtype`` exactly.

    Integers are rounded and clipped to the dtype's range, the bounds compared
    rather than cast (``float(np.iinfo(np.int64).max)`` is ``2**63``, one past the
    maximum, and casting it wraps around). Floats saturate at the dtype's largest
    finite value instead of overflowing to infinity. ``values`` is a temporary of
    the caller's: it may be changed in place.
    """
    dtype = np.dtype(dtype)
    writable = values.ndim > 0 and values.flags.writeable
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        if values.dtype.kind != "f":
            return np.clip(values, info.min, info.max).astype(dtype, copy=False)
        values = np.rint(values, out=values if writable else None)
        high = values.dtype.type(info.max)
        if int(high) == info.max:  # the bound is exact in this float type
            values = np.clip(values, info.min, info.max,
                             out=values if values.ndim else None)
            return values.astype(dtype, copy=False)
        # The maximum rounds up to 2**k in this float type: every value from
        # there on is above the maximum, and the float just below it fits.
        above = values >= high
        values = np.clip(values, info.min, np.nextafter(high, 0),
                         out=values if values.ndim else None)
        result = np.asarray(values.astype(dtype, copy=False))
        result[above] = info.max
        return result if result.ndim else result[()]
    if dtype.kind == "b":
        return values >= 0.5
    if dtype.kind == "f" and values.dtype.kind == "f" and (
            values.dtype.itemsize >= dtype.itemsize):  # a widening cast cannot overflow
        largest = np.finfo(dtype).max
        values = np.clip(values, -largest, largest, out=values if writable else None)
    return values.astype(dtype, copy=False)


# OpenCV splits a warp into stripes of about 2**16 output pixels for its own thread
# pool; smaller images are warped on the calling thread whatever its setting.
_CV2_STRIPE_PIXELS = 1 << 16
_cv2_lock = threading.Lock()
_cv2_holders = {}  # one key per running guard that needs OpenCV's pool off
_cv2_saved_threads = None  # the setting found by the first of them


def call_with_opencv_pool_off(work, n_threads, sample_shape):
    """Return ``work()``, with OpenCV's own thread pool off while it would compete.

    Our parallelism is explicit (``n_threads`` threads over chunks of samples).
    OpenCV's internal pool on top of it, or beside a training loop's data-loader
    workers, would oversubscribe the cores. The process-wide setting is changed only
    when that can happen (threads of our own, or samples of at least one OpenCV
    stripe), and put back exactly as it was when the last running call ends, also
    when ``work`` raises or the call is interrupted, at any point.

    Why a function and not a ``with`` block: CPython delivers an asynchronous
    exception (``KeyboardInterrupt``) at the start of a Python function, after a
    call returns and at a backward jump. A context manager's ``__exit__`` is a
    Python function, so an interrupt at its first instruction skips the restore.
    Here the restore is the ``finally`` of a generator, resumed by the C function
    ``next``: an interrupt as it resumes is raised inside its ``try``. The restore
    is retried when interrupted, and ordered so that a retry completes whatever an
    interrupt cut short (the token of the call is dropped last).
    """
    height, width = sample_shape[:2]
    if n_threads <= 1 and height * width < _CV2_STRIPE_PIXELS:
        return work()
    guard = _pool_off()
    try:
        next(guard)
        return work()
    finally:
        next(guard, None)


def _pool_off():
    """Switch OpenCV's pool off, yield, then restore it if this was the last user."""
    global _cv2_saved_threads
    token = object()  # hashed and compared in C: no Python call to interrupt
    try:
        with _cv2_lock:
            if not _cv2_holders:
                saved = cv2.getNumThreads()
                _cv2_saved_threads = saved
                _cv2_holders[token] = None
                cv2.setNumThreads(1)
            else:
                _cv2_holders[token] = None
        yield
    finally:
        interrupted = None
        while True:
            try:
                with _cv2_lock:
                    if token in _cv2_holders:
                        if len(_cv2_holders) == 1:  # the last user: restore
                            cv2.setNumThreads(_cv2_saved_threads)
                        # Dropped last: an interrupt before this line leaves the
                        # token, and the retry does the restore again.
                        del _cv2_holders[token]
                break
            except BaseException as exc:  # interrupted: finish the restore first
                interrupted = exc
        if interrupted is not None:
            raise interrupted
