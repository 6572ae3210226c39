"""Test-session settings shared by the tests and the doctests."""

from threadpoolctl import threadpool_limits

# One BLAS / OpenMP thread for the whole session. The suite's matrices are small,
# and on a shared machine BLAS threads waiting for a core cost far more than they
# give: a ZCA fit on 108 features took 0.19 s with two OpenBLAS threads on a busy
# 2-core machine, 0.006 s with one. The augmenter's own threads (n_jobs) and
# OpenCV's setting are not affected, and tests of them set what they need.
_BLAS_LIMIT = threadpool_limits(limits=1)
