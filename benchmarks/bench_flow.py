#!/usr/bin/env python
"""Epoch time of a training loop fed by ``flow()``: prefetch, and DataLoader workers.

Run from the repository root::

    python benchmarks/bench_flow.py            # 5 rounds, about 2 minutes
    python benchmarks/bench_flow.py --quick    # tiny epochs: runs, means nothing

A *consumer* stands in for the training step: it spends a fixed time on every batch,
either sleeping (an accelerator doing the work) or multiplying float32 matrices on
one core (a CPU step; BLAS limited to one thread). The epoch time is measured for:

- ``no augmentation``: ``ArrayAugmenter()`` (the identity: the batch is still read
  and copied), the floor any augmenting loop is compared with;
- ``augmentation, prefetch=0``: the seed configuration (rotation 40, shifts 0.2,
  shear 0.2, zoom 0.2, horizontal flip) made on the consumer's thread: the
  augmentation time adds to the step time;
- ``augmentation, prefetch=2``: the same, with the next two batches made in a
  background thread while the consumer works.

Target (issue 13): with prefetch, the epoch with augmentation takes at most 1.1x
the epoch without, whenever augmenting one batch is faster than the step. The
script measures the augmentation time per batch (an epoch with an instant
consumer) to say when that holds.

Then ``DataLoader`` workers, through the torch stand-in of the tests
(``tests/torch_standin.py``: worker processes as torch makes them; torch itself
is not needed): one epoch with ``num_workers=0`` and with 2 workers (new worker
processes every epoch, as ``persistent_workers=False`` does), same consumer.

Every contender runs once per round, in an order that rotates from round to
round; the tables show medians over rounds. The machine's load (other processes)
is read from ``/proc/loadavg`` and printed: on a shared 2-core machine a busy
neighbour takes the core a prefetch thread needs.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

import sklearn_dlprep
from sklearn_dlprep import ArrayAugmenter

SEED_CONFIG = dict(rotation_range=40, width_shift_range=0.2, height_shift_range=0.2,
                   shear_range=0.2, zoom_range=0.2, horizontal_flip=True)
PREFETCH = 2


class Case:
    """One dataset, one batch size, one consumer."""

    def __init__(self, name, sample_shape, n_rows, batch_size, step_kind, step_ms):
        self.name = name
        self.sample_shape = sample_shape
        self.n_rows = n_rows
        self.batch_size = batch_size
        self.step_kind = step_kind
        self.step_ms = step_ms

    def data(self):
        rng = np.random.default_rng(0)
        X = rng.integers(0, 256, (self.n_rows, *self.sample_shape), dtype=np.uint8)
        return X, np.arange(self.n_rows) % 10


def make_cases(quick):
    scale = 8 if quick else 1
    return [
        Case("32x32x3 uint8, batch 64, sleep 5 ms", (32, 32, 3), 4096 // scale, 64,
             "sleep", 5.0),
        Case("32x32x3 uint8, batch 64, matmul 5 ms", (32, 32, 3), 4096 // scale, 64,
             "matmul", 5.0),
        Case("224x224x3 uint8, batch 16, sleep 20 ms", (224, 224, 3),
             512 // scale, 16, "sleep", 20.0),
        Case("224x224x3 uint8, batch 16, matmul 20 ms", (224, 224, 3),
             512 // scale, 16, "matmul", 20.0),
    ]


class MatmulStep:
    """Float32 matrix products on one core that take about ``ms`` milliseconds."""

    SIZE = 384  # a few products per step: few GIL hand-overs, as a real step

    def __init__(self, ms):
        rng = np.random.default_rng(0)
        self.a = rng.random((self.SIZE, self.SIZE), dtype=np.float32)
        self.b = rng.random((self.SIZE, self.SIZE), dtype=np.float32)
        with threadpool_limits(1):
            for _ in range(20):  # warm up
                self.a @ self.b
            trials = []  # the fastest trial: the product's cost without neighbours
            for _ in range(5):
                start = time.perf_counter()
                for _ in range(50):
                    self.a @ self.b
                trials.append((time.perf_counter() - start) / 50)
            per_product = min(trials)
        self.repeats = max(1, round(ms / 1e3 / per_product))

    def __call__(self):
        for _ in range(self.repeats):
            self.a @ self.b


def make_step(case):
    if case.step_kind == "sleep":
        seconds = case.step_ms / 1e3
        return lambda: time.sleep(seconds)
    return MatmulStep(case.step_ms)


def _busy_jiffies():
    """(busy, total) jiffies of all cores from /proc/stat, or None off Linux."""
    try:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = values[3] + values[4]  # idle + iowait
    return sum(values[:8]) - idle, sum(values[:8])


class Timing:
    """Wall time, this process's CPU time (all threads) and the cores kept busy
    by other processes, over one epoch."""

    def __init__(self, wall, cpu, others):
        self.wall, self.cpu, self.others = wall, cpu, others


def epoch_seconds(batches, step):
    jiffies = _busy_jiffies()
    cpu = time.process_time()
    start = time.perf_counter()
    n_batches = 0
    for _ in batches:
        step()
        n_batches += 1
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    others = float("nan")
    after = _busy_jiffies()
    if jiffies and after and after[1] > jiffies[1]:
        busy_cores = (after[0] - jiffies[0]) / (after[1] - jiffies[1]) * os.cpu_count()
        others = max(0.0, busy_cores - cpu / wall)
    return Timing(wall, cpu, others), n_batches


def load_average():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except OSError:
        return float("nan")


def run_prefetch(cases, rounds):
    """Epoch seconds per case and contender, every round."""
    results = {}
    for case in cases:
        X, y = case.data()
        step = make_step(case)
        flows = {
            "no augmentation": ArrayAugmenter(random_state=0).flow(
                X, y, batch_size=case.batch_size),
            "augmentation, prefetch=0": ArrayAugmenter(
                **SEED_CONFIG, random_state=0).flow(X, y, batch_size=case.batch_size),
            f"augmentation, prefetch={PREFETCH}": ArrayAugmenter(
                **SEED_CONFIG, random_state=0).flow(
                    X, y, batch_size=case.batch_size, prefetch=PREFETCH),
        }
        augment_only = ArrayAugmenter(**SEED_CONFIG, random_state=0).flow(
            X, y, batch_size=case.batch_size)
        names = [*flows, "augmentation alone (no step)"]
        times, cpus, others = ({name: [] for name in names} for _ in range(3))
        with threadpool_limits(1):
            for flow in [*flows.values(), augment_only]:  # warm up
                next(iter(flow))
            for round_index in range(rounds):
                names = list(flows)
                shift = round_index % len(names)
                for name in names[shift:] + names[:shift]:
                    timing, n_batches = epoch_seconds(flows[name], step)
                    _record(times, cpus, others, name, timing)
                timing, _ = epoch_seconds(augment_only, lambda: None)
                _record(times, cpus, others, "augmentation alone (no step)", timing)
        results[case.name] = {"n_batches": n_batches, "step_ms": case.step_ms,
                              "times": times, "cpu": cpus, "others": others}
    return results


def run_workers(rounds, quick):
    """Epoch seconds with the DataLoader stand-in, 0 and 2 worker processes."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import torch_standin

    sys.modules.update(torch_standin.modules())  # as `import torch` would
    data = sys.modules["torch.utils.data"]
    case = Case("224x224x3 uint8, batch 16, sleep 20 ms", (224, 224, 3),
                512 // (8 if quick else 1), 16, "sleep", 20.0)
    X, y = case.data()
    step = make_step(case)
    torch_standin.manual_seed(0)
    loaders = {
        "num_workers=0": data.DataLoader(
            ArrayAugmenter(**SEED_CONFIG, random_state=0).flow(X, y, batch_size=16),
            batch_size=None, num_workers=0),
        "num_workers=2": data.DataLoader(
            ArrayAugmenter(**SEED_CONFIG, random_state=0).flow(X, y, batch_size=16),
            batch_size=None, num_workers=2),
        "num_workers=2, persistent": data.DataLoader(
            ArrayAugmenter(**SEED_CONFIG, random_state=0).flow(X, y, batch_size=16),
            batch_size=None, num_workers=2, persistent_workers=True),
    }
    times, cpus, others = ({name: [] for name in loaders} for _ in range(3))
    for round_index in range(rounds):
        names = list(loaders)
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            timing, n_batches = epoch_seconds(loaders[name], step)
            _record(times, cpus, others, name, timing)
    return {case.name: {"n_batches": n_batches, "step_ms": case.step_ms,
                        "times": times, "cpu": cpus, "others": others}}


def _record(times, cpus, others, name, timing):
    times[name].append(timing.wall)
    cpus[name].append(timing.cpu)
    others[name].append(timing.others)


def median(values):
    return statistics.median(values)


def _cpu_wall(res, name):
    return median([c / w for c, w in zip(res["cpu"][name], res["times"][name])])


def report(prefetch, workers, args, loads):
    lines = []
    if args.quick:
        lines.append("QUICK RUN: tiny epochs, one round; the numbers mean nothing.\n")
    lines.append(f"Machine: {os.cpu_count()} cores, {platform.python_version()}, "
                 f"numpy {np.__version__}, sklearn-dlprep "
                 f"{sklearn_dlprep.__version__}. Load average (1 min) before / "
                 f"after: {loads[0]:.2f} / {loads[1]:.2f}. Rounds: {args.rounds}.\n")
    lines.append("## Epoch time with and without prefetch\n")
    lines.append("| case | batches | contender | epoch s (median) | per batch ms | "
                 "vs no augmentation | best round vs best | cpu/wall | "
                 "cores busy elsewhere |")
    lines.append("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    targets = []
    for case, res in prefetch.items():
        times = {name: median(v) for name, v in res["times"].items()}
        best = {name: min(v) for name, v in res["times"].items()}
        floor = times["no augmentation"]
        for name, seconds in times.items():
            lines.append(f"| {case} | {res['n_batches']} | {name} | {seconds:.3f} | "
                         f"{1e3 * seconds / res['n_batches']:.2f} | "
                         f"{seconds / floor:.2f}x | "
                         f"{best[name] / best['no augmentation']:.2f}x | "
                         f"{_cpu_wall(res, name):.2f} | "
                         f"{median(res['others'][name]):.2f} |")
        augment_ms = 1e3 * times["augmentation alone (no step)"] / res["n_batches"]
        ratio = times[f"augmentation, prefetch={PREFETCH}"] / floor
        applies = augment_ms < res["step_ms"]
        verdict = ("n/a" if not applies else "PASS" if ratio <= 1.1 else "FAIL")
        targets.append({"case": case, "augment_ms_per_batch": augment_ms,
                        "step_ms": res["step_ms"], "ratio": ratio,
                        "no_prefetch_ratio": times["augmentation, prefetch=0"] / floor,
                        "verdict": verdict})
    lines.append("\n## Target: augmentation with prefetch within 1.1x of no "
                 "augmentation, when augmenting a batch is faster than the step\n")
    for t in targets:
        lines.append(
            f"- {t['case']}: augmenting a batch takes {t['augment_ms_per_batch']:.2f} "
            f"ms (step {t['step_ms']:.0f} ms); with prefetch {t['ratio']:.2f}x, "
            f"without {t['no_prefetch_ratio']:.2f}x: {t['verdict']}")
    lines.append("\n## Epoch time with DataLoader workers (stand-in, processes)\n")
    lines.append("| case | batches | loader | epoch s (median) | vs num_workers=0 | "
                 "cores busy elsewhere |")
    lines.append("|---|---:|---|---:|---:|---:|")
    for case, res in workers.items():
        times = {name: median(v) for name, v in res["times"].items()}
        for name, seconds in times.items():
            lines.append(f"| {case} | {res['n_batches']} | {name} | {seconds:.3f} | "
                         f"{seconds / times['num_workers=0']:.2f}x | "
                         f"{median(res['others'][name]):.2f} |")
    lines.append("\ncpu/wall: this process's CPU time over wall time (the worker "
                 "processes' CPU is not counted); cores busy elsewhere: the cores "
                 "other processes kept busy meanwhile (/proc/stat; on the DataLoader "
                 "rows this includes the workers).")
    return "\n".join(lines), targets


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="tiny epochs and one round: runs, means nothing")
    parser.add_argument("--rounds", type=int, default=None,
                        help="rounds (default 5; 1 with --quick)")
    parser.add_argument("--json", type=Path, help="write every number here")
    args = parser.parse_args(argv)
    if args.rounds is None:
        args.rounds = 1 if args.quick else 5
    loads = [load_average()]
    prefetch = run_prefetch(make_cases(args.quick), args.rounds)
    workers = run_workers(args.rounds, args.quick)
    loads.append(load_average())
    text, targets = report(prefetch, workers, args, loads)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(
            {"quick": args.quick, "rounds": args.rounds, "load": loads,
             "prefetch": prefetch, "workers": workers, "targets": targets},
            indent=1))


if __name__ == "__main__":
    main()
