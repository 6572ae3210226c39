#!/usr/bin/env python
"""Throughput of augmentation (and standardisation) on a dask cluster, by workers.

Run from the repository root::

    python benchmarks/bench_dask.py            # 20,000 images, 5 rounds, ~1-2 min
    python benchmarks/bench_dask.py --quick    # 4,000 images, 1 round: runs, means
                                               # nothing

The data: 20,000 32x32x3 uint8 images (random pixels) written to a temporary
directory as a ``.npy`` stack of 2,000-image chunks (``dask.array.to_npy_stack``)
and opened with ``dask.array.from_npy_stack(..., mmap_mode="r")``, so that every
worker reads its own chunks from disk. The augmentation is the seed's configuration
(``rotation_range=40, width_shift_range=0.2, height_shift_range=0.2,
shear_range=0.2, zoom_range=0.2, horizontal_flip=True, fill_mode="nearest"``).

Two workloads, each timed from the lazy graph to results held on the workers
(``persist`` then ``wait``: what a training job reading batches from the cluster
needs, without shipping 60 MB to the client):

- ``augment``: ``augmenter.augment(images)``;
- ``augment + standardise``: the augmented images persisted, a
  ``ChannelStandardizer`` fitted on them (dask reductions) and their transform
  persisted.

on ``dask.distributed.LocalCluster(n_workers=k, threads_per_worker=1,
processes=True)`` for k = 1 and 2, with the in-memory numpy calls in this process
(``n_jobs=1``, no dask) as the anchor. Each cluster is started, warmed up (one
untimed round) and closed outside the timings; the median over rounds is reported.

Every process computes on one thread: ``threads_per_worker=1``, and OpenCV's own
thread pool (which would otherwise spread each warp over every core) set to one
thread with ``cv2.setNumThreads(1)`` in this process and in every worker. The
``cpu/wall`` column is the CPU time of the worker processes (of this process for
the in-memory rows) over wall time, 1.0 being one busy core; ``others`` is how many
cores the rest of the machine (the scheduler, this process and other programs) kept
busy meanwhile, from ``/proc/stat``. Nothing here asserts a timing;
``tests/test_benchmarks.py`` runs ``--quick``.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import argparse
import datetime
import json
import logging
import os
import platform
import statistics
import sys
import tempfile
import time

import numpy as np

SEED_CONFIG = dict(rotation_range=40, width_shift_range=0.2, height_shift_range=0.2,
                   shear_range=0.2, zoom_range=0.2, horizontal_flip=True,
                   fill_mode="nearest")
CHUNK_ROWS = 2000
WORKLOADS = ("augment", "augment + standardise")


def _augmenter():
    from sklearn_dlprep import ArrayAugmenter

    return ArrayAugmenter(**SEED_CONFIG, random_state=0)


def write_stack(directory, n_images):
    """Random uint8 images as a .npy stack of CHUNK_ROWS-image files."""
    import dask
    import dask.array as da

    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (n_images, 32, 32, 3), dtype=np.uint8)
    with dask.config.set(scheduler="sync"):
        da.to_npy_stack(directory, da.from_array(images, chunks=(CHUNK_ROWS, 32, 32,
                                                                 3)))
    return images


def _one_opencv_thread():
    import cv2

    cv2.setNumThreads(1)


def _machine_busy():
    """Busy CPU seconds of the whole machine so far (None where unknown)."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
        return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, AttributeError):
        return None


def _timed(run, cpu_seconds):
    """Run ``run()``; return (wall, cpu of the measured processes, others' cores)."""
    busy, cpu, wall = _machine_busy(), cpu_seconds(), time.perf_counter()
    run()
    wall = time.perf_counter() - wall
    cpu = cpu_seconds() - cpu
    others = (None if busy is None
              else max(0.0, (_machine_busy() - busy) - cpu) / wall)
    return wall, cpu / wall, others


def run_on_cluster(stack_dir, n_workers, rounds):
    import dask.array as da
    import distributed

    from sklearn_dlprep import ChannelStandardizer

    def workloads(client):
        def augment():
            images = da.from_npy_stack(stack_dir, mmap_mode="r")
            out = _augmenter().augment(images).persist()
            distributed.wait(out)
            client.cancel(out)

        def augment_standardise():
            images = da.from_npy_stack(stack_dir, mmap_mode="r")
            augmented = _augmenter().augment(images).persist()
            scaler = ChannelStandardizer().fit(augmented)
            out = scaler.transform(augmented).persist()
            distributed.wait(out)
            client.cancel([augmented, out])

        return {"augment": augment, "augment + standardise": augment_standardise}

    with distributed.LocalCluster(
        n_workers=n_workers, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None, scheduler_kwargs={"dashboard": False},
        silence_logs=logging.ERROR,
    ) as cluster, distributed.Client(cluster) as client:
        client.wait_for_workers(n_workers)
        client.run(_one_opencv_thread)

        def cluster_cpu():
            return sum(client.run(time.process_time).values())

        runs = workloads(client)
        for run in runs.values():  # warm-up: imports and caches on the workers
            run()
        return _rounds(runs, rounds, cluster_cpu)


def run_in_memory(stack_dir, rounds):
    import dask.array as da

    from sklearn_dlprep import ChannelStandardizer

    images = np.asarray(da.from_npy_stack(stack_dir).compute(scheduler="sync"))

    def augment():
        _augmenter().augment(images)

    def augment_standardise():
        augmented = _augmenter().augment(images)
        ChannelStandardizer().fit(augmented).transform(augmented)

    runs = {"augment": augment, "augment + standardise": augment_standardise}
    for run in runs.values():
        run()
    return _rounds(runs, rounds, time.process_time)


def _rounds(runs, rounds, cpu_seconds):
    measured = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            measured[name].append(_timed(run, cpu_seconds))
    return {name: {
        "seconds": [m[0] for m in values],
        "median_seconds": statistics.median(m[0] for m in values),
        "cpu_wall": statistics.median(m[1] for m in values),
        "others": (None if values[0][2] is None
                   else statistics.median(m[2] for m in values)),
    } for name, values in measured.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="4,000 images, one round: checks that it runs")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", help="write every number to this file")
    args = parser.parse_args(argv)
    n_images = 4000 if args.quick else 20_000
    rounds = 1 if args.quick else args.rounds

    import dask
    import distributed

    import sklearn_dlprep

    _one_opencv_thread()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        stack_dir = os.path.join(tmp, "stack")
        write_stack(stack_dir, n_images)
        results["in memory (numpy)"] = run_in_memory(stack_dir, rounds)
        for n_workers in (1, 2):
            results[f"{n_workers} worker{'s' * (n_workers > 1)}"] = run_on_cluster(
                stack_dir, n_workers, rounds)

    for setup in results.values():
        for res in setup.values():
            res["images_per_s"] = n_images / res["median_seconds"]
            res["best_images_per_s"] = n_images / min(res["seconds"])

    out = print
    out(f"Run on {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%dT%H:%M} UTC, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, numpy "
        f"{np.__version__}, dask {dask.__version__}, distributed "
        f"{distributed.__version__}, sklearn-dlprep {sklearn_dlprep.__version__}")
    out(f"{n_images:,} images 32x32x3 uint8 in {n_images // CHUNK_ROWS} chunks of "
        f"{CHUNK_ROWS:,}; median of {rounds} round(s)"
        + (" (--quick: the numbers mean nothing)" if args.quick else ""))
    out("")
    out("| workload | setup | images/s | best round | cpu/wall | others (cores) |")
    out("|---|---|---:|---:|---:|---:|")
    for workload in WORKLOADS:
        for setup, res in results.items():
            r = res[workload]
            others = "n/a" if r["others"] is None else f"{r['others']:.2f}"
            out(f"| {workload} | {setup} | {r['images_per_s']:,.0f} | "
                f"{r['best_images_per_s']:,.0f} | {r['cpu_wall']:.2f} | {others} |")
    out("")
    scaling = {}
    for workload in WORKLOADS:
        one, two = results["1 worker"][workload], results["2 workers"][workload]
        scaling[workload] = {
            "median": two["images_per_s"] / one["images_per_s"],
            "best": two["best_images_per_s"] / one["best_images_per_s"],
        }
        ratio = scaling[workload]
        out(f"Scaling 1 -> 2 workers, {workload}: median {ratio['median']:.2f}x, "
            f"best round {ratio['best']:.2f}x")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"quick": args.quick, "n_images": n_images, "rounds": rounds,
                       "results": results, "scaling": scaling}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
