"""Refuse an allocation that cannot fit, before making it."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import os


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
