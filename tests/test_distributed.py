"""A grid search over augmenting pipelines on a real dask.distributed cluster.

The cluster (a scheduler and two single-threaded worker processes, loopback only) is
started and closed by a fixture of this module. Estimators travel to the workers by
pickling, so this checks that they pickle, unpickle and run in other processes, and
that the result does not depend on where the work ran: the same best parameters
and the same cross-validation scores as a local run.

A watchdog ends the test run with a traceback of every thread if the cluster hangs,
rather than letting it run until CI's own limit.
"""

import faulthandler
import logging
import sys

import joblib
import numpy as np
import pytest
from imblearn.pipeline import Pipeline
from sklearn.datasets import load_digits
from sklearn.linear_model import RidgeClassifier
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from sklearn_dlprep import ArrayAugmenter, BalancingResampler

pytestmark = pytest.mark.slow

WATCHDOG_SECONDS = 240  # far above the ~15 s the module takes
CONNECT_TIMEOUT = "60s"


@pytest.fixture(scope="module")
def dask_client():
    """A LocalCluster on 127.0.0.1 with two worker processes, closed afterwards."""
    # Imported here, not at collection: a quick run (-m "not slow") skips it.
    distributed = pytest.importorskip("distributed")
    faulthandler.dump_traceback_later(WATCHDOG_SECONDS, exit=True, file=sys.stderr)
    try:
        with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address=None, worker_dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster, distributed.Client(cluster, timeout=CONNECT_TIMEOUT) as client:
            client.wait_for_workers(2, timeout=CONNECT_TIMEOUT)
            yield client
    finally:
        faulthandler.cancel_dump_traceback_later()


def _imbalanced_digits():
    """400 digits with classes 5 to 9 cut to 15 rows each: balancing has work."""
    X, y = load_digits(return_X_y=True)
    rng = np.random.default_rng(0)
    keep = np.concatenate([
        np.flatnonzero(y == digit)[:50] if digit < 5
        else rng.choice(np.flatnonzero(y == digit), 15, replace=False)
        for digit in range(10)])
    return X[keep].astype(np.float32), y[keep]


def _search(n_jobs):
    pipe = Pipeline([
        ("augment", ArrayAugmenter(sample_shape=(8, 8), random_state=0)),
        ("balance", BalancingResampler(
            ArrayAugmenter(sample_shape=(8, 8), width_shift_range=0.1),
            random_state=0)),
        ("clf", RidgeClassifier()),
    ])
    grid = {
        "augment__rotation_range": [0, 10],
        "balance__augmenter__zoom_range": [0.0, 0.1],
        "clf__alpha": [1.0, 100.0],
    }
    return GridSearchCV(pipe, grid, cv=StratifiedKFold(3, shuffle=True,
                                                       random_state=0),
                        n_jobs=n_jobs)


def test_cluster_listens_on_loopback_only(dask_client):
    """The scheduler and every worker are bound to 127.0.0.1."""
    info = dask_client.scheduler_info()
    assert info["address"].startswith("tcp://127.0.0.1:")
    assert len(info["workers"]) == 2
    assert all(address.startswith("tcp://127.0.0.1:") for address in info["workers"])


def test_grid_search_on_dask_equals_the_local_run(dask_client):
    """GridSearchCV through joblib's dask backend: the fits run on the workers, and
    the best parameters and every cross-validation score equal the local run's."""
    X, y = _imbalanced_digits()
    local = _search(n_jobs=1).fit(X, y)

    from distributed import get_task_stream

    with get_task_stream(dask_client) as tasks, \
            joblib.parallel_config(backend="dask"):
        remote = _search(n_jobs=-1).fit(X, y)

    # joblib batches several fits into one task; both workers took some
    workers = set(dask_client.scheduler_info()["workers"])
    assert tasks.data and {task["worker"] for task in tasks.data} == workers
    assert remote.best_params_ == local.best_params_
    assert remote.best_index_ == local.best_index_
    assert remote.cv_results_["params"] == local.cv_results_["params"]
    for split in range(3):
        key = f"split{split}_test_score"
        np.testing.assert_array_equal(remote.cv_results_[key], local.cv_results_[key])
    np.testing.assert_array_equal(remote.cv_results_["mean_test_score"],
                                  local.cv_results_["mean_test_score"])
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))
