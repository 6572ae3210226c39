"""Test-session settings shared by the tests and the doctests."""

import os

import pytest

# One BLAS / OpenMP thread for the session. The suite's matrices are small, and on
# a shared machine BLAS threads waiting for a core cost far more than they give: a
# ZCA fit on 108 features took 0.19 s with two OpenBLAS threads on a busy 2-core
# machine, 0.006 s with one. Set before numpy is imported, so that every BLAS
# library (numpy's, scipy's, loaded now or later, in subprocesses too) reads it; a
# developer's own setting wins. The augmenter's own threads (n_jobs) and OpenCV's
# setting are not affected, and the tests of those set what they need.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")


@pytest.fixture(scope="session", autouse=True)
def _one_blas_thread():
    """The same for libraries a plugin loaded before this file was read."""
    from threadpoolctl import threadpool_limits

    if os.environ["OPENBLAS_NUM_THREADS"] != "1":
        yield
        return
    with threadpool_limits(limits=1):
        yield


# Test modules that import Keras when imported (their cases are built from Keras'
# layers): every test in them is marked slow, and the quick loop (-m "not slow")
# does not even import them, which alone would take seconds.
_MODULES_IMPORTING_KERAS = {"test_operations_keras_parity.py"}


def pytest_ignore_collect(collection_path, config):
    if (collection_path.name in _MODULES_IMPORTING_KERAS
            and config.getoption("markexpr", "") == "not slow"):
        return True
    return None
