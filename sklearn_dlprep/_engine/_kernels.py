"""Apply: warp kernels that write a batch of affine warps into a preallocated output.

Two kernels with one meaning. OpenCV's ``warpAffine`` is the fast path (it releases
the GIL and handles any channel count in one call); ``scipy.ndimage`` is the
reference the tests compare against, and the fallback for what OpenCV cannot do
(spline orders above 1, dtypes it does not warp, sides above 32767 pixels).

Fill modes keep Keras' names. ``"wrap"`` is truly periodic (scipy's ``"grid-wrap"``,
not Keras' legacy ``"wrap"`` that repeats every ``n - 1`` pixels) and ``"constant"``
is scipy's ``"constant"``: a source position outside ``[0, n - 1]`` reads ``cval``
with no blending at the edge.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import threading

import cv2
import numpy as np
from scipy import ndimage

from ._geometry import flip_codes

FILL_MODES = ("constant", "nearest", "reflect", "wrap")
SCIPY_MODES = {"nearest": "nearest", "reflect": "reflect", "wrap": "grid-wrap",
               "constant": "constant"}
_CV2_BORDERS = {"nearest": cv2.BORDER_REPLICATE, "reflect": cv2.BORDER_REFLECT,
                "wrap": cv2.BORDER_WRAP, "constant": cv2.BORDER_CONSTANT}
_CV2_INTERPOLATION = {0: cv2.INTER_NEAREST, 1: cv2.INTER_LINEAR}
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
    maps : ndarray of shape (len(src_rows), 2, 3)
        Inverse maps in (x=column, y=row) order, see
        :func:`~sklearn_dlprep._geometry.affine_inverse_maps`.
    order : int
        Spline order: 0 (nearest) and 1 (bilinear) by OpenCV, 0 to 5 by scipy.
    fill_mode : {"constant", "nearest", "reflect", "wrap"}
    cval : float
        Value read outside the input when ``fill_mode="constant"``.
    backend : {"auto", "scipy"}
        ``"scipy"`` forces the reference kernel.
    """
    if len(src_rows) == 0:
        return
    height, width = X.shape[1:3]
    codes = flip_codes(maps, height, width)
    for code in np.unique(codes[codes >= 0]):
        # The identity and pure flips are exact copies, for every dtype.
        rows = codes == code
        step_x, step_y = (-1 if code & 1 else 1), (-1 if code & 2 else 1)
        out[dst_rows[rows]] = X[src_rows[rows]][:, ::step_y, ::step_x]
    todo = np.flatnonzero(codes < 0)
    if backend == "auto" and uses_opencv(X.dtype, X.shape[1:], order):
        _warp_opencv(X, src_rows, out, dst_rows, maps, todo, order, fill_mode, cval)
        if fill_mode == "constant" and len(todo):
            # OpenCV's constant border blends a one-pixel band; scipy's does not.
            _fill_outside(out, dst_rows[todo], maps[todo], height, width, cval)
    else:
        _warp_scipy(X, src_rows, out, dst_rows, maps, todo, order, fill_mode, cval)


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
    border_value = (float(cval),) * 4
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
    for s, d, m in zip(sources, targets, maps[todo]):
        src = np.ascontiguousarray(X[s], dtype=np.float32 if X.dtype not in
                                   _CV2_NATIVE else None)
        result = warp(src[..., 0] if squeeze else src, m, size, None, flags, border,
                      border_value)
        out[d] = cast_like(result.reshape(height, width, channels), out.dtype)


def _dense_rows(a):
    """Whether each ``a[i]`` is laid out densely, as OpenCV needs (numpy's
    contiguity flag ignores the strides of axes of length 1; OpenCV does not)."""
    strides, step = [], a.itemsize
    for extent in reversed(a.shape[1:]):
        strides.append(step)
        step *= extent
    return tuple(reversed(strides)) == a.strides[1:]


def _warp_scipy(X, src_rows, out, dst_rows, maps, todo, order, fill_mode, cval):
    mode = SCIPY_MODES[fill_mode]
    is_float = np.issubdtype(out.dtype, np.floating)
    work = np.float64 if out.dtype == np.float64 or not is_float else np.float32
    for i in todo:
        matrix, offset = scipy_matrix(maps[i])
        img = X[src_rows[i]]
        result = np.empty(img.shape, dtype=work)
        for c in range(img.shape[-1]):
            ndimage.affine_transform(img[..., c].astype(work, copy=False), matrix,
                                     offset=offset, order=order, mode=mode,
                                     cval=cval, output=result[..., c])
        out[dst_rows[i]] = cast_like(result, out.dtype)


def scipy_matrix(inverse_map):
    """An (x, y) inverse map as scipy's (row, column) ``matrix, offset``."""
    (a, b, c), (d, e, f) = inverse_map
    return np.array([[e, d], [b, a]]), np.array([f, c])


def _fill_outside(out, dst_rows, maps, height, width, cval):
    """Set pixels whose source lies outside the input to ``cval`` (scipy "constant")."""
    xs = np.arange(width, dtype=np.float64)
    ys = np.arange(height, dtype=np.float64)[:, np.newaxis]
    value = cast_like(np.asarray(cval, dtype=np.float64), out.dtype)
    for dst, m in zip(dst_rows, maps):
        src_x = m[0, 0] * xs + m[0, 1] * ys + m[0, 2]
        src_y = m[1, 0] * xs + m[1, 1] * ys + m[1, 2]
        low, high_x, high_y = (-_EDGE_TOLERANCE, width - 1 + _EDGE_TOLERANCE,
                               height - 1 + _EDGE_TOLERANCE)
        outside = (src_x < low) | (src_x > high_x) | (src_y < low) | (src_y > high_y)
        if outside.any():
            out[dst][outside] = value


def cast_like(values, dtype):
    """Cast float results to ``dtype``: integers are rounded and clipped to range.

    ``values`` is a temporary of the caller's: it may be rounded in place.
    """
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        if values.dtype.kind == "f" and values.ndim:  # round in place: no temporaries
            values = np.rint(values, out=values if values.flags.writeable else None)
            values = np.clip(values, info.min, info.max, out=values)
        else:
            values = np.clip(np.rint(values), info.min, info.max)
    elif dtype.kind == "b":
        values = values >= 0.5
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
