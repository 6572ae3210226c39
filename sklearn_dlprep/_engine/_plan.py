"""The plan: resolved operations for one sample layout, with ``draw`` and ``apply``.

A plan is built once per call from an estimator's parameters and the layout of the
data (``ArrayAugmenter`` and ``Compose`` build them; ``BalancingResampler``, flows and
meta-estimators only ask an augmenter for one). It owns every resolved value and
is immutable, so one plan can be shared by threads and replayed.

Operations are small objects with a ``kind`` and a ``draw``:

- ``draw(n, rng)`` returns a dict of arrays of length ``n`` (one value per sample,
  always drawn in the same order, whatever is switched on, so that the random
  stream does not shift when a user enables an option);
- a ``"geometric"`` operation has ``inverse_maps(draws, height, width)``: the
  ``(n, 2, 3)`` maps in (x=column, y=row) order from output pixel to source
  position (or ``(n, 3, 3)`` homographies, for a perspective). Consecutive
  geometric operations are fused into one warp by composing
  their maps, so a sample is interpolated once. An operation may carry
  ``warp_settings = (fill_mode, cval, order)``; only operations with the same
  settings (or none: flips, exact shifts) fuse;
- a ``"pointwise"`` operation has ``apply_pointwise(work, draws, part)``, changing
  in place a floating-point block ``(k, H, W, C)`` of samples ``part`` of the draw,
  and ``acts_on(draws)``, False when the draw leaves every value unchanged.
  Consecutive pointwise operations share one pass: one conversion to floating
  point and one cast back per block;
- a ``"sample"`` operation (blur, erasing, ...: neither a warp nor pointwise) has
  ``apply_samples(block, draws, part)``; it ends a fused run.

A pointwise operation may also have ``acts_on_rows(draws, part)``, a boolean per
sample of ``part``: samples it leaves unchanged are then not converted to floating
point where that would round them (int64 and uint64 beyond 2**53).

Memory: draws are made, and maps computed, ``DRAW_BLOCK`` samples at a time
(:meth:`Plan.draw_blocks`), so a caller whose output is small (many copies of tiny
samples) never holds draws or maps for all its rows. The random stream is defined
block by block: ``draw(n, rng)`` equals the concatenation of ``draw_blocks(n,
rng)``, and for ``n <= DRAW_BLOCK`` it is one block, the stream of the first
release. :meth:`Plan.temporary_bytes` says how much a call holds besides its
output, for the callers' memory checks.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from joblib import effective_n_jobs
from sklearn.utils import gen_batches

from ..utils._layout import to_canonical
from ._geometry import compose_inverse_maps
from ._kernels import call_with_opencv_pool_off, cast_like, warp_rows

# Work on about this many bytes of output at a time: fits in cache, bounds the
# temporary float copy that pointwise operations on integer images need.
CHUNK_BYTES = 1 << 21
# A plan of warps only holds no floating-point copy of a chunk: larger chunks cost
# less per-chunk overhead (measured: 2-3 % faster at 4 MB than at 2 MB).
WARP_CHUNK_BYTES = 1 << 22
# Draws are made, and maps computed, for this many samples at a time. Part of the
# definition of the random stream: changing it changes seeded outputs of more
# samples than this.
DRAW_BLOCK = 1 << 16
# Bytes per sample of a block that draws and maps hold at most, temporaries
# included (measured: about 280 for ArrayAugmenter; tests check the bound).
BLOCK_BYTES_PER_SAMPLE = 1024


class Plan:
    """Operations resolved for one sample layout; immutable once built.

    Parameters
    ----------
    operations : sequence of operation objects
        In the order they act on a sample (see the module docstring).
    layout : SampleLayout
        The layout of the samples the plan applies to.
    fill_mode : {"constant", "nearest", "reflect", "wrap"}
        How warps read outside the input.
    cval : float
        Value read outside the input with ``fill_mode="constant"``.
    order : int
        Spline order of warps (0 and 1 by OpenCV, up to 5 by scipy).
    n_jobs : int
        Threads over chunks of samples (already resolved, >= 1).
    """

    def __init__(self, operations, layout, *, fill_mode, cval, order, n_jobs):
        self._operations = tuple(operations)
        self._layout = layout
        self._fill_mode = fill_mode
        self._cval = float(cval)
        self._order = int(order)
        self._n_jobs = int(n_jobs)
        self._stages = _fuse(self._operations)
        # Plans of warps only (operations whose ``inert`` attribute is true draw
        # values but never act) hold no floating-point copy: larger chunks.
        warps_only = all(kind == "geometric"
                         or all(getattr(op, "inert", False) for op in ops)
                         for kind, ops, _ in self._stages)
        self._chunk_bytes = WARP_CHUNK_BYTES if warps_only else CHUNK_BYTES

    @property
    def layout(self):
        """The :class:`~sklearn_dlprep.utils._layout.SampleLayout` planned for."""
        return self._layout

    @property
    def stages(self):
        """Kinds of the fused stages, in order (``"geometric"``, ``"pointwise"``,
        ``"sample"``): what :meth:`apply` does to every sample."""
        return tuple(kind for kind, _, _ in self._stages)

    def draw(self, n_samples, rng):
        """Draw the values of every operation for ``n_samples`` samples.

        Parameters
        ----------
        n_samples : int
        rng : numpy.random.Generator
            Advanced by the draw; nothing else is read.

        Returns
        -------
        draws : dict of ndarray
            One flat dict (the keys of all operations together), every array of
            length ``n_samples``: the blocks of :meth:`draw_blocks`, joined.
        """
        if n_samples <= DRAW_BLOCK:
            return self._draw_block(n_samples, rng)
        return concatenate_draws([draws for _, draws in
                                  self.draw_blocks(n_samples, rng)])

    def draw_blocks(self, n_samples, rng):
        """Draw the values of :meth:`draw` one block of samples at a time.

        Parameters
        ----------
        n_samples : int
        rng : numpy.random.Generator
            Advanced as :meth:`draw` advances it, block by block.

        Yields
        ------
        rows : slice
            The samples of the block, at most ``DRAW_BLOCK`` of them.
        draws : dict of ndarray
            Their values, as :meth:`draw` would return for those samples.
        """
        for start in range(0, n_samples, DRAW_BLOCK):
            stop = min(start + DRAW_BLOCK, n_samples)
            yield slice(start, stop), self._draw_block(stop - start, rng)

    def temporary_bytes(self, n_rows, sample_nbytes):
        """Bytes that drawing and applying ``n_rows`` rows hold besides the output.

        Draws and maps of one block, and per thread a floating-point copy of a
        chunk of samples and a few samples' temporaries (warps in float64, the
        widest). A bound for memory checks, not a measurement.

        Parameters
        ----------
        n_rows : int
            Rows drawn and applied by one call.
        sample_nbytes : int
            Bytes of one sample in its own dtype.
        """
        if n_rows <= 0:
            return 0
        values = max(1, self._layout.n_features)
        chunk_rows = max(1, self._chunk_bytes // max(1, sample_nbytes))
        threads = max(1, min(effective_n_jobs(self._n_jobs), n_rows))
        per_thread = (min(chunk_rows, n_rows) * values * 8  # the pointwise copy
                      + 4 * values * 8)  # a warp's float copies of one sample
        return (min(n_rows, DRAW_BLOCK) * BLOCK_BYTES_PER_SAMPLE
                + threads * per_thread)

    def _draw_block(self, n_samples, rng):
        draws = {}
        for operation in self._operations:
            draws.update(operation.draw(n_samples, rng))
        return draws

    def apply(self, X, src_rows, out, dst_rows, draws):
        """Write ``X[src_rows[i]]``, transformed by draw ``i``, to ``out[dst_rows[i]]``.

        Parameters
        ----------
        X, out : ndarray of shape (n, *sample_shape) or (n, n_features)
            Validated data in the plan's layout; ``out`` may be a fresh array of the
            same dtype. They must not overlap.
        src_rows, dst_rows : ndarray of int
            Which rows to read and where to write them, one per draw.
        draws : dict of ndarray
            As :meth:`draw` returns (or checked replayed values).

        Notes
        -----
        Work is split in chunks of samples that stay in cache from the warp to the
        last pointwise operation, on ``n_jobs`` threads; every chunk writes its own
        rows, so the result does not depend on ``n_jobs``.
        """
        n_rows = len(src_rows)
        if n_rows == 0:
            return
        src_rows = np.asarray(src_rows, dtype=np.intp)
        dst_rows = np.asarray(dst_rows, dtype=np.intp)
        Xc = to_canonical(X, self._layout)
        outc = to_canonical(out, self._layout)

        chunk = max(1, self._chunk_bytes // max(1, Xc[:1].nbytes))
        n_jobs = effective_n_jobs(self._n_jobs)
        block_rows = min(n_rows, DRAW_BLOCK)
        if n_jobs > 1:  # enough chunks to keep every thread busy
            chunk = max(1, min(chunk, -(-block_rows // (4 * n_jobs))))
        threads = min(n_jobs, -(-block_rows // chunk))
        blocks = [slice(start, min(start + DRAW_BLOCK, n_rows))
                  for start in range(0, n_rows, DRAW_BLOCK)]

        def work():
            pool = ThreadPoolExecutor(max_workers=threads) if threads > 1 else None
            try:
                for rows in blocks:
                    block_draws = (draws if len(blocks) == 1
                                   else _take_draws(draws, rows))
                    self._apply_block(Xc, src_rows[rows], outc, dst_rows[rows],
                                      block_draws, chunk, pool)
            finally:
                if pool is not None:  # an interrupt does not wait for the rest
                    pool.shutdown(wait=True, cancel_futures=True)

        call_with_opencv_pool_off(work, threads, Xc.shape[1:3])

    def _apply_block(self, Xc, src_rows, outc, dst_rows, draws, chunk, pool):
        height, width = Xc.shape[1:3]
        maps = [compose_inverse_maps([op.inverse_maps(draws, height, width)
                                      for op in ops])
                if kind == "geometric" else None
                for kind, ops, _ in self._stages]
        parts = list(gen_batches(len(src_rows), chunk))

        def run(part):
            self._apply_part(Xc, src_rows[part], outc, dst_rows[part], draws, maps,
                             part)

        if pool is not None and len(parts) > 1:
            list(pool.map(run, parts))
        else:
            for part in parts:
                run(part)

    def _apply_part(self, Xc, src_rows, outc, dst_rows, draws, maps, part):
        # Consecutive destination rows are a slice: a view, not a gathered copy.
        dst = _as_slice(dst_rows)
        copied = False  # whether out[dst] holds the samples yet
        for (kind, ops, settings), stage_maps in zip(self._stages, maps):
            if kind == "geometric":
                if copied:  # a warp after another stage reads its own output
                    source, rows = outc[dst].copy(), np.arange(len(dst_rows))
                else:
                    source, rows = Xc, src_rows
                fill_mode, cval, order = settings or (self._fill_mode, self._cval,
                                                      self._order)
                warp_rows(source, rows, outc, dst_rows, stage_maps[part],
                          order=order, fill_mode=fill_mode, cval=cval)
                copied = True
                continue
            if not copied:
                outc[dst] = Xc[src_rows]
                copied = True
            block = outc[dst]
            if kind == "pointwise":
                ops = [op for op in ops if op.acts_on(draws)]
                if not ops:
                    continue
                work_dtype = _work_dtype(block.dtype)
                if work_dtype == np.float64 and block.dtype.kind in "iu" and (
                        block.dtype.itemsize == 8):
                    # float64 rounds values beyond 2**53: leave alone the samples
                    # whose draw changes nothing.
                    acting = _acting_rows(ops, draws, part)
                    if acting is not None and not acting.all():
                        rows = np.arange(part.start, part.stop)[acting]
                        work = block[acting].astype(work_dtype)
                        with np.errstate(over="ignore"):
                            for op in ops:
                                op.apply_pointwise(work, draws, rows)
                        outc[dst_rows[acting]] = cast_like(work, block.dtype)
                        continue
                work = block.astype(work_dtype)
                with np.errstate(over="ignore"):  # saturated by cast_like
                    for op in ops:
                        op.apply_pointwise(work, draws, part)
                outc[dst] = cast_like(work, block.dtype)
            else:
                (op,) = ops
                outc[dst] = op.apply_samples(block, draws, part)
        if not copied:
            outc[dst] = Xc[src_rows]


def concatenate_draws(draws):
    """One draw for the samples of several draws of the same plan, in order (a
    value that is ``None`` in every draw stays ``None``)."""
    return {key: None if draws[0][key] is None else np.concatenate(
        [draw[key] for draw in draws]) for key in draws[0]}


def _take_draws(draws, rows):
    return {key: None if value is None else np.asarray(value)[rows]
            for key, value in draws.items()}


def _acting_rows(ops, draws, part):
    """Which samples of ``part`` some operation changes; None if unknown."""
    acting = None
    for op in ops:
        rows_of = getattr(op, "acts_on_rows", None)
        if rows_of is None:
            return None
        rows = np.asarray(rows_of(draws, part), dtype=bool)
        acting = rows if acting is None else acting | rows
    return acting


def _as_slice(rows):
    """``rows`` as a slice when they are consecutive and increasing."""
    if len(rows) and rows[-1] - rows[0] == len(rows) - 1 and np.all(
            np.diff(rows) == 1):
        return slice(int(rows[0]), int(rows[-1]) + 1)
    return rows


def _work_dtype(dtype):
    """float32 holds every uint8/int16 value exactly; wider integers and float64
    need float64 for the arithmetic to leave them intact."""
    wide = dtype == np.float64 or (dtype.kind in "iu" and dtype.itemsize >= 4)
    return np.float64 if wide else np.float32


def _fuse(operations):
    """Group consecutive geometric operations of compatible warp settings, and
    consecutive pointwise operations, into stages ``(kind, ops, settings)``."""
    stages = []
    for op in operations:
        if op.kind not in ("geometric", "pointwise", "sample"):
            raise ValueError(f"Unknown operation kind {op.kind!r} of {op!r}.")
        settings = getattr(op, "warp_settings", None)
        if stages and op.kind != "sample" and stages[-1][0] == op.kind:
            kind, ops, group_settings = stages[-1]
            if settings is None or group_settings is None or settings == \
                    group_settings:
                ops.append(op)
                stages[-1] = (kind, ops, group_settings or settings)
                continue
        stages.append((op.kind, [op], settings))
    return tuple((kind, tuple(ops), settings) for kind, ops, settings in stages)
