"""Refuse an allocation that cannot fit, before making it."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import math
import os

import numpy as np


def available_memory():
    """Bytes of memory available to this process now, or ``None`` if unknown."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_allocation(n_bytes, what, hint=""):
    """Raise a ``ValueError`` when ``n_bytes`` exceed the memory available now."""
    limit = available_memory()
    if limit is not None and n_bytes > limit:
        raise ValueError(
            f"{what} would need {n_bytes:,} bytes ({n_bytes / 2**30:.1f} GiB) but only "
            f"{limit:,} bytes ({limit / 2**30:.1f} GiB) are available. {hint}".rstrip()
        )


def bytes_per_row(X):
    """Bytes one row of ``X`` takes (a numpy array, a DataFrame or a scipy sparse
    matrix), for the memory estimate of an output of many rows; rounded up."""
    n_rows = X.shape[0]
    if hasattr(X, "memory_usage") and hasattr(X, "columns"):  # DataFrame
        total = int(X.memory_usage(index=False, deep=False).sum())
    elif hasattr(X, "nnz"):  # scipy sparse: values and their indices
        total = sum(getattr(X, name).nbytes for name in ("data", "indices")
                    if hasattr(getattr(X, name, None), "nbytes"))
    else:
        return int(np.dtype(X.dtype).itemsize * math.prod(X.shape[1:]))
    return math.ceil(total / max(1, n_rows))
