#!/usr/bin/env python
"""Throughput and memory benchmark of ``sklearn_dlprep.ArrayAugmenter``.

Run from the repository root::

    pip install -e ".[bench]"
    python benchmarks/bench_augment.py            # full run, about a minute
    python benchmarks/bench_augment.py --smoke    # tiny run, a few seconds

What it measures, in one process, with every contender on the same images:

- ``ArrayAugmenter.augment`` and ``ArrayAugmenter.fit_resample`` with ``n_jobs=1``,
  and ``augment`` with ``n_jobs=2`` (threads) for the 1 -> 2 core scaling;
- Keras' ``ImageDataGenerator.random_transform``, one image at a time (float32 only:
  Keras works on floats whatever the input);
- albumentations ``Compose([Affine(...), HorizontalFlip()])``, one image at a time;
- a bare loop of ``cv2.warpAffine`` with one fixed matrix (no random draws, no
  flips): the cost of the warp kernel alone, the ceiling of any OpenCV-based
  augmenter;
- for 1-D signals, a per-signal ``np.interp`` loop doing the same shift, zoom and
  time reversal (edge values repeated, as ``fill_mode="nearest"``).

Contenders are interleaved round-robin within each round (the starting contender
rotates from round to round) and the median over rounds is reported. Every contender
runs single-threaded except ``augment n_jobs=2``: ``cv2.setNumThreads(1)`` for the
whole process and ``threadpoolctl.threadpool_limits(1)`` for BLAS/OpenMP pools.
The ``cpu/wall`` column (process CPU time over wall time) shows that they were.
Before each timed call the script touches and frees some memory, so that no
contender pays alone for memory the VM handed back to its host (see the README).

Peak memory of ``augment`` on uint8 input is reported as a multiple of
(input + output) bytes, twice: from ``tracemalloc`` (numpy allocations, not what
OpenCV allocates in C++) and from the growth of the peak resident set size of a
fresh subprocess (everything, at page granularity).

Anchors that are not installed are reported as "not installed", never faked.
Nothing here asserts a timing; ``tests/test_benchmarks.py`` runs ``--smoke``.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import argparse
import datetime
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from contextlib import nullcontext

# Before anything imports keras or albumentations.
# Keras 3's "numpy" backend is the lightest CPU backend that runs ImageDataGenerator
# (it still imports jax for a few functions, so jax must be installed).
os.environ.setdefault("KERAS_BACKEND", "numpy")
os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")  # no update check (network)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

# The seed configuration of the issue, in Keras' parameter names.
IMAGE_CONFIG = dict(rotation_range=40, width_shift_range=0.2, height_shift_range=0.2,
                    shear_range=0.2, zoom_range=0.2, horizontal_flip=True,
                    fill_mode="nearest")
# Only these apply to 1-D signals.
SIGNAL_CONFIG = dict(width_shift_range=0.2, zoom_range=0.2, horizontal_flip=True,
                     fill_mode="nearest")

AA_AUGMENT = "ArrayAugmenter.augment"
AA_RESAMPLE = "ArrayAugmenter.fit_resample"
AA_JOBS2 = "ArrayAugmenter.augment n_jobs=2"
KERAS = "Keras ImageDataGenerator"
ALBU = "albumentations"
BARE = "bare cv2.warpAffine loop"
INTERP = "np.interp loop"

FULL_SIZES = {"32x32x3": 4000, "224x224x3": 200, "signal1000": 4000}
SMOKE_SIZES = {"32x32x3": 48, "224x224x3": 4, "signal1000": 48}


class Unavailable(Exception):
    """A contender that cannot run here; its message goes into the table."""


# ----------------------------------------------------------------------------- cases

class Case:
    def __init__(self, name, sample_shape, dtype, n):
        self.name = name  # e.g. "32x32x3 uint8"
        self.sample_shape = tuple(sample_shape)
        self.dtype = np.dtype(dtype)
        self.n = int(n)
        self.kind = "signal" if len(sample_shape) == 1 else "image"
        self.size = "x".join(map(str, sample_shape)) if self.kind == "image" else (
            f"signal{sample_shape[0]}")

    def make_data(self, seed=0):
        """Images: float32 in [0, 1], uint8 in 0..255 (the same picture in both)."""
        rng = np.random.default_rng(seed)
        if self.kind == "image":
            h, w, c = self.sample_shape
            # Smooth content plus noise, so that interpolation has something to do.
            yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
            base = np.empty((self.n, h, w, c), dtype=np.float32)
            for i in range(self.n):
                fx, fy = rng.uniform(0.02, 0.3, size=2)
                phase = rng.uniform(0, 2 * np.pi, size=c)
                base[i] = 0.5 + 0.4 * np.sin(fx * xx[..., None] + fy * yy[..., None]
                                             + phase)
            base += rng.normal(0, 0.05, size=base.shape).astype(np.float32)
            np.clip(base, 0, 1, out=base)
        else:
            (t,) = self.sample_shape
            steps = rng.normal(0, 1, size=(self.n, t)).astype(np.float32)
            base = np.cumsum(steps, axis=1) / np.sqrt(t)
        if self.dtype == np.uint8:
            return np.rint(base * 255).astype(np.uint8)
        return base.astype(self.dtype)


def make_cases(sizes):
    cases = []
    for dtype in ("uint8", "float32"):
        cases.append(Case(f"32x32x3 {dtype}", (32, 32, 3), dtype, sizes["32x32x3"]))
    for dtype in ("uint8", "float32"):
        cases.append(Case(f"224x224x3 {dtype}", (224, 224, 3), dtype,
                          sizes["224x224x3"]))
    cases.append(Case("signal T=1000 float32", (1000,), "float32",
                      sizes["signal1000"]))
    return cases


# ------------------------------------------------------------------------ contenders
# Each factory takes a Case and returns run(X, seed) that augments every sample of X
# once (output allocated inside, as a user's call would), or raises Unavailable.

def _array_augmenter():
    try:
        from sklearn_dlprep import ArrayAugmenter
    except Exception as exc:  # not written yet, or broken: report, do not stop
        raise Unavailable(f"import failed: {type(exc).__name__}: {exc}") from None
    return ArrayAugmenter


def _aa_config(case):
    return IMAGE_CONFIG if case.kind == "image" else SIGNAL_CONFIG


def make_aa_augment(case, n_jobs=1):
    ArrayAugmenter = _array_augmenter()
    aug = ArrayAugmenter(**_aa_config(case), n_jobs=n_jobs)

    def run(X, seed):
        return aug.augment(X, random_state=seed)
    return run


def make_aa_augment_jobs2(case):
    return make_aa_augment(case, n_jobs=2)


def make_aa_resample(case):
    ArrayAugmenter = _array_augmenter()

    def run(X, seed):
        # Defaults n_copies=1, keep_original=True: returns 2n rows, n of them new.
        aug = ArrayAugmenter(**_aa_config(case), n_jobs=1, random_state=seed)
        y = np.zeros(len(X), dtype=np.int64)
        return aug.fit_resample(X, y)
    return run


def _keras_generator_class():
    try:
        import keras  # noqa: F401
    except Exception as exc:
        if isinstance(exc, ModuleNotFoundError) and exc.name == "keras":
            raise Unavailable("not installed") from None
        raise Unavailable(f"import failed: {type(exc).__name__}: {exc}") from None
    # Keras 3 keeps ImageDataGenerator only on its tf.keras-compatible path.
    for path in ("keras._tf_keras.keras.preprocessing.image",
                 "keras.src.legacy.preprocessing.image",
                 "keras.preprocessing.image"):
        try:
            module = __import__(path, fromlist=["ImageDataGenerator"])
            return module.ImageDataGenerator
        except (ImportError, AttributeError):
            continue
    raise Unavailable("keras has no ImageDataGenerator")


def make_keras(case):
    if case.kind != "image":
        raise Unavailable("n/a (images only)")
    if case.dtype != np.float32:
        raise Unavailable("n/a (float32 only)")
    generator = _keras_generator_class()(**IMAGE_CONFIG)

    def run(X, seed):
        np.random.seed(seed)  # noqa: NPY002 (Keras draws from the global generator)
        out = np.empty_like(X)
        for i in range(len(X)):
            out[i] = generator.random_transform(X[i])
        return out
    return run


def _albumentations():
    try:
        import albumentations as A
    except ModuleNotFoundError as exc:
        if exc.name == "albumentations":
            raise Unavailable("not installed") from None
        raise Unavailable(f"import failed: {exc}") from None
    except Exception as exc:
        raise Unavailable(f"import failed: {type(exc).__name__}: {exc}") from None
    return A


def make_albumentations(case):
    if case.kind != "image":
        raise Unavailable("n/a (images only)")
    A = _albumentations()
    import cv2

    z = IMAGE_CONFIG["zoom_range"]
    shift = IMAGE_CONFIG["width_shift_range"]
    rot = IMAGE_CONFIG["rotation_range"]
    shear = IMAGE_CONFIG["shear_range"]  # degrees in Keras and in albumentations
    # Keras: independent zoom per axis in [1-z, 1+z], shifts of up to 20 % of each
    # side, rotation in +-40 degrees, a shear along x only; replicate borders.
    transform = A.Compose([
        A.Affine(scale={"x": (1 - z, 1 + z), "y": (1 - z, 1 + z)},
                 translate_percent={"x": (-shift, shift), "y": (-shift, shift)},
                 rotate=(-rot, rot), shear={"x": (-shear, shear), "y": (0, 0)},
                 interpolation=cv2.INTER_LINEAR, border_mode=cv2.BORDER_REPLICATE,
                 fit_output=False, keep_ratio=False, p=1.0),
        A.HorizontalFlip(p=0.5),
    ])

    def run(X, seed):
        out = np.empty_like(X)
        for i in range(len(X)):
            out[i] = transform(image=X[i])["image"]
        return out
    return run


def typical_inverse_map(height, width):
    """One fixed draw of the seed configuration at the median magnitude of every
    parameter: 20 degrees, shifts of 10 % of each side, a 0.1-degree shear, zooms
    1.1 and 0.9; composed as Keras does (rotation, shift, shear, zoom about the
    centre), as an inverse map in (x=column, y=row) order for ``WARP_INVERSE_MAP``.

    The warp's cost depends on the matrix (output pixels whose source falls
    outside the image take OpenCV's slower border path), so the bare loop uses a
    typical matrix rather than the identity or an extreme one.
    """
    theta, shear = np.deg2rad(20.0), np.deg2rad(0.1)
    tx, ty, zx, zy = 0.1 * width, 0.1 * height, 1.1, 0.9
    rotation = np.array([[np.cos(theta), -np.sin(theta), 0],
                         [np.sin(theta), np.cos(theta), 0], [0, 0, 1]])
    shift = np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]])
    shearing = np.array([[1, -np.sin(shear), 0], [0, np.cos(shear), 0], [0, 0, 1]])
    zoom = np.diag([zx, zy, 1.0])
    cx, cy = (width - 1) / 2, (height - 1) / 2
    to_centre = np.array([[1, 0, cx], [0, 1, cy], [0, 0, 1]])
    from_centre = np.array([[1, 0, -cx], [0, 1, -cy], [0, 0, 1]])
    matrix = to_centre @ rotation @ shift @ shearing @ zoom @ from_centre
    return np.ascontiguousarray(matrix[:2])


def make_bare_warp(case):
    if case.kind != "image":
        raise Unavailable("n/a (images only)")
    import cv2

    h, w, _ = case.sample_shape
    matrix = typical_inverse_map(h, w)
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    border = cv2.BORDER_REPLICATE
    warp = cv2.warpAffine

    def run(X, seed):
        out = np.empty_like(X)
        for i in range(len(X)):
            warp(X[i], matrix, (w, h), out[i], flags, border)
        return out
    return run


def make_interp(case):
    if case.kind != "signal":
        raise Unavailable("n/a (signals only)")
    (t,) = case.sample_shape
    grid = np.arange(t, dtype=np.float64)
    centre = (t - 1) / 2
    z = SIGNAL_CONFIG["zoom_range"]
    s = SIGNAL_CONFIG["width_shift_range"]

    def run(X, seed):
        rng = np.random.default_rng(seed)
        n = len(X)
        zoom = rng.uniform(1 - z, 1 + z, size=n)
        shift = rng.uniform(-s, s, size=n) * t
        flip = rng.random(n) < 0.5
        out = np.empty_like(X)
        for i in range(n):
            # out[j] = in[(j - centre) * zoom + centre + shift]; np.interp repeats the
            # edge values outside, like fill_mode="nearest"; then time reversal.
            src = (grid - centre) * zoom[i] + centre + shift[i]
            row = np.interp(src, grid, X[i])
            out[i] = row[::-1] if flip[i] else row
        return out
    return run


CONTENDERS = [
    (AA_AUGMENT, make_aa_augment),
    (AA_RESAMPLE, make_aa_resample),
    (AA_JOBS2, make_aa_augment_jobs2),
    (KERAS, make_keras),
    (ALBU, make_albumentations),
    (BARE, make_bare_warp),
    (INTERP, make_interp),
]


# ----------------------------------------------------------------------- measurement

def _system_time():
    try:
        import resource
    except ImportError:  # not on Windows
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_stime


def _prewarm(nbytes):
    """Touch then free ``nbytes`` of memory, so that the next allocations get warm
    pages.

    On a VM (this machine is one), memory left free for a second or two goes back
    to the host, and touching it again costs about 2.5 ms per MiB instead of
    0.05; without this, that cost lands at random on whichever contender follows a
    pause. Every contender gets the same warm start; allocating and filling its
    output stays inside its time.
    """
    block = np.ones(int(nbytes), dtype=np.uint8)
    del block


def _timed(run, X, seed, prewarm=True):
    gc.collect()
    if prewarm:
        _prewarm(3 * X.nbytes)  # room for fit_resample's 2n rows and a temporary
    system = _system_time()
    wall = time.perf_counter()
    cpu = time.process_time()
    run(X, seed)
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    return wall, cpu, _system_time() - system


def run_throughput(cases, rounds, log, prewarm=True):
    """Returns {case name: {contender: result dict}}."""
    data = {case.name: case.make_data(seed=i) for i, case in enumerate(cases)}
    runners = {}  # (case, contender) -> run
    results = {case.name: {} for case in cases}
    for case in cases:
        for name, factory in CONTENDERS:
            try:
                run = factory(case)
                X = data[case.name]
                run(X[: min(len(X), 16)], 12345)  # warm-up: imports, caches
                runners[case.name, name] = run
                results[case.name][name] = {"status": "ok", "wall": [], "cpu": [],
                                            "sys": []}
            except Unavailable as exc:
                results[case.name][name] = {"status": str(exc)}
            except Exception as exc:
                results[case.name][name] = {
                    "status": f"error: {type(exc).__name__}: {exc}"}
    for r in range(rounds):
        log(f"round {r + 1}/{rounds}")
        for case in cases:
            names = [name for name, _ in CONTENDERS
                     if (case.name, name) in runners]
            k = len(names)
            for name in (names[(r + j) % k] for j in range(k)):
                res = results[case.name][name]
                if res["status"] != "ok":
                    continue  # failed in an earlier round
                try:
                    wall, cpu, system = _timed(runners[case.name, name],
                                               data[case.name], seed=r,
                                               prewarm=prewarm)
                except Exception as exc:
                    res.clear()
                    res["status"] = f"error: {type(exc).__name__}: {exc}"
                    continue
                res["wall"].append(wall)
                res["cpu"].append(cpu)
                res["sys"].append(system)
    for case in cases:
        for res in results[case.name].values():
            if res["status"] == "ok":
                wall = statistics.median(res["wall"])
                res["per_s"] = case.n / wall
                res["cpu_wall"] = sum(res["cpu"]) / sum(res["wall"])
                res["sys_wall"] = sum(res["sys"]) / sum(res["wall"])
    return results


def _ratio(results, case_name, name, anchor_case, anchor):
    a = results[case_name].get(name, {})
    b = results.get(anchor_case, {}).get(anchor, {})
    if a.get("status") != "ok" or b.get("status") != "ok":
        return None
    return a["per_s"] / b["per_s"]


def keras_case_for(case_name):
    """Keras runs on float32 only; uint8 rows are compared with Keras on float32."""
    return case_name.replace("uint8", "float32")


# ---------------------------------------------------------------------------- memory

def _proc_status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def rss_growth(case):
    """Peak RSS growth (bytes) of one ``augment`` call on ``case``'s data, here.

    Resets the kernel's peak-RSS mark (``/proc/self/clear_refs``, Linux) just before
    the call, so the growth counts everything: numpy, OpenCV, the allocator.
    """
    ArrayAugmenter = _array_augmenter()
    X = case.make_data(seed=0)
    aug = ArrayAugmenter(**_aa_config(case), n_jobs=1)
    aug.augment(X[:8], random_state=0)  # warm-up
    gc.collect()
    before = _proc_status_kib("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    out = aug.augment(X, random_state=0)
    peak = _proc_status_kib("VmHWM")
    return {"growth": (peak - before) * 1024, "in": X.nbytes, "out": out.nbytes}


def measure_memory(cases, in_process, log):
    """tracemalloc and peak-RSS multiples for ``augment`` on the uint8 image cases."""
    report = {}
    for case in cases:
        if case.kind != "image" or case.dtype != np.uint8:
            continue
        entry = report[case.name] = {}
        try:
            ArrayAugmenter = _array_augmenter()
        except Unavailable as exc:
            entry["status"] = str(exc)
            continue
        X = case.make_data(seed=0)
        aug = ArrayAugmenter(**_aa_config(case), n_jobs=1)
        aug.augment(X[:8], random_state=0)
        gc.collect()
        tracemalloc.start()
        try:
            out = aug.augment(X, random_state=0)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        base = X.nbytes + out.nbytes
        entry.update(status="ok", input_bytes=X.nbytes, output_bytes=out.nbytes,
                     tracemalloc_peak=peak,
                     tracemalloc_multiple=(X.nbytes + peak) / base)
        del out
        log(f"memory {case.name}: tracemalloc done")
        try:
            if not os.path.exists("/proc/self/clear_refs"):
                raise OSError("needs Linux /proc/self/clear_refs")
            if in_process:  # smoke mode: exercise the code, skip the fresh process
                rss = rss_growth(case)
                entry["rss_where"] = "in-process (smoke)"
            else:
                spec = json.dumps({"shape": case.sample_shape, "dtype": case.dtype.name,
                                   "n": case.n, "name": case.name})
                proc = subprocess.run([sys.executable, os.path.abspath(__file__),
                                       "--rss-child", spec], capture_output=True,
                                      text=True, timeout=600, check=True)
                rss = json.loads(proc.stdout.strip().splitlines()[-1])
                entry["rss_where"] = "fresh subprocess"
            entry["rss_growth"] = rss["growth"]
            entry["rss_multiple"] = ((rss["in"] + rss["growth"])
                                     / (rss["in"] + rss["out"]))
        except Exception as exc:
            entry["rss_error"] = f"{type(exc).__name__}: {exc}"
    return report


def _rss_child(spec):
    spec = json.loads(spec)
    case = Case(spec["name"], spec["shape"], spec["dtype"], spec["n"])
    _single_threaded()
    print(json.dumps(rss_growth(case)))


# ---------------------------------------------------------------------------- report

def _single_threaded():
    """OpenCV's pool off for the whole process; returns the default it had."""
    try:
        import cv2
    except ImportError:
        return None
    default = cv2.getNumThreads()
    cv2.setNumThreads(1)
    return default


def _cpu_snapshot():
    """(machine busy CPU seconds from /proc/stat, this process's CPU seconds, wall)."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
        busy = (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, AttributeError):
        busy = None
    return busy, time.process_time(), time.perf_counter()


def _other_load(start, end):
    """Average number of cores that other processes kept busy between snapshots."""
    if start[0] is None or end[0] is None:
        return None
    other = (end[0] - start[0]) - (end[1] - start[1])
    return max(0.0, other) / (end[2] - start[2])


def _loadavg():
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def _version(module):
    try:
        mod = __import__(module)
        return getattr(mod, "__version__", "?")
    except Exception:
        return None


def machine_info(cv2_default_threads):
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    info = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": cpu, "cpu_count": os.cpu_count(), "usable_cpus": usable,
        "python": platform.python_version(), "platform": platform.platform(),
        "cv2_default_threads": cv2_default_threads,
    }
    for module in ("numpy", "scipy", "cv2", "sklearn", "imblearn", "sklearn_dlprep",
                   "keras", "jax", "albumentations"):
        if module in ("keras", "jax", "albumentations") and module not in sys.modules:
            info[module] = None  # do not import an anchor only to print its version
            continue
        info[module] = _version(module)
    if info.get("keras"):
        info["keras_backend"] = os.environ.get("KERAS_BACKEND")
    return info


TARGETS = [
    # (case, contender, anchor, minimum ratio)
    ("32x32x3", AA_AUGMENT, KERAS, 20.0),
    ("32x32x3", AA_AUGMENT, ALBU, 3.0),
    ("32x32x3", AA_AUGMENT, BARE, 0.5),
    ("224x224x3", AA_AUGMENT, ALBU, 1.5),
    ("224x224x3", AA_AUGMENT, BARE, 0.5),
]
MEMORY_TARGET = 1.5


def evaluate_targets(results, memory):
    rows = []
    for size, name, anchor, minimum in TARGETS:
        for dtype in ("uint8", "float32"):
            case_name = f"{size} {dtype}"
            if case_name not in results:
                continue
            anchor_case = keras_case_for(case_name) if anchor == KERAS else case_name
            ratio = _ratio(results, case_name, name, anchor_case, anchor)
            if ratio is None:
                verdict = "n/a"
            else:
                verdict = "PASS" if ratio >= minimum else "FAIL"
            note = " (Keras on float32)" if anchor_case != case_name else ""
            target = f"{case_name}: {name} >= {minimum:g}x {anchor}{note}"
            rows.append({"target": target, "value": ratio, "verdict": verdict})
    for case_name, entry in memory.items():
        for key, label in (("tracemalloc_multiple", "tracemalloc"),
                           ("rss_multiple", "peak RSS")):
            value = entry.get(key)
            verdict = "n/a" if value is None else (
                "PASS" if value <= MEMORY_TARGET else "FAIL")
            rows.append({"target": f"{case_name}: augment peak memory ({label}) <= "
                                   f"{MEMORY_TARGET:g}x (input + output)",
                         "value": value, "verdict": verdict})
    return rows


def _fmt_ratio(value):
    if value is None:
        return "-"
    return f"{value:.2f}x" if value < 10 else f"{value:.1f}x"


def format_report(info, cases, results, memory, targets, rounds, smoke=False):
    lines = []
    out = lines.append
    out(f"# ArrayAugmenter benchmark ({rounds} round(s), median)")
    out("")
    if smoke:
        out("SMOKE RUN: tiny batches and one round, to check that the benchmark runs; "
            "its numbers and verdicts mean nothing.")
        out("")
    out(f"date {info['date']}; CPU {info['cpu']}, {info['usable_cpus']} usable of "
        f"{info['cpu_count']} cores; Python {info['python']}")
    versions = ", ".join(f"{k} {info[k]}" for k in
                         ("numpy", "scipy", "cv2", "sklearn", "imblearn",
                          "sklearn_dlprep", "keras", "jax", "albumentations")
                         if info.get(k))
    out(f"versions: {versions}")
    if info.get("keras_backend"):
        out(f"KERAS_BACKEND={info['keras_backend']}")
    out(f"OpenCV threads: default {info['cv2_default_threads']}, set to 1 for the "
        "run; BLAS/OpenMP pools limited to 1 thread; memory pre-warmed before each "
        f"timed call: {info.get('prewarm')}")
    if info.get("loadavg_before") is not None:
        out(f"1-minute load average before / after the timings: "
            f"{info['loadavg_before']:.2f} / {info['loadavg_after']:.2f} (the "
            "benchmark itself adds about 1; more means other work shared the cores)")
    if info.get("other_load") is not None:
        out(f"other processes kept {info['other_load']:.2f} cores busy on average "
            "during the timings (from /proc/stat; 0 on a quiet machine)")
    out("")
    out("| case | n | contender | samples/s | cpu/wall | sys/wall | vs Keras | "
        "vs albumentations | vs bare loop |")
    out("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for case in cases:
        bare = BARE if case.kind == "image" else INTERP
        for name, _ in CONTENDERS:
            res = results[case.name][name]
            status = res["status"]
            if status.startswith("n/a"):
                continue  # contender does not apply to this kind of data
            if status != "ok":
                out(f"| {case.name} | {case.n} | {name} | {status} | | | | | |")
                continue
            ratios = [
                _ratio(results, case.name, name, keras_case_for(case.name), KERAS),
                _ratio(results, case.name, name, case.name, ALBU),
                _ratio(results, case.name, name, case.name, bare),
            ]
            shown = " | ".join(map(_fmt_ratio, ratios))
            out(f"| {case.name} | {case.n} | {name} | {res['per_s']:,.0f} | "
                f"{res['cpu_wall']:.2f} | {res['sys_wall']:.2f} | {shown} |")
    out("")
    out("cpu/wall: process CPU time over wall time (1 = one busy core); sys/wall: "
        "the kernel's share of it (page faults of fresh memory). vs Keras on a uint8 "
        "row: against Keras on float32 of the same size (Keras converts to float). "
        "vs bare loop on the signal row: against the np.interp loop. fit_resample "
        "counts only the new (augmented) rows.")
    out("")
    out("## Scaling of augment from n_jobs=1 to n_jobs=2 (threads)")
    out("")
    out("Throughput with n_jobs=2 over throughput with n_jobs=1: of the medians, and "
        "of the best rounds (n_jobs=2 needs the second core free; on a shared "
        "machine the median mixes in rounds where something else held it).")
    out("")
    for case in cases:
        ratio = _ratio(results, case.name, AA_JOBS2, case.name, AA_AUGMENT)
        one = results[case.name][AA_AUGMENT]
        two = results[case.name][AA_JOBS2]
        best = (min(one["wall"]) / min(two["wall"])
                if one["status"] == two["status"] == "ok" else None)
        out(f"- {case.name}: median {_fmt_ratio(ratio)}, best round "
            f"{_fmt_ratio(best)}")
    out("")
    out("## Peak memory of augment on uint8, as a multiple of (input + output)")
    out("")
    for case_name, entry in memory.items():
        if entry.get("status") != "ok":
            out(f"- {case_name}: {entry.get('status')}")
            continue
        rss = (f"peak RSS growth {entry['rss_growth'] / 2**20:.1f} MiB -> "
               f"{entry['rss_multiple']:.2f}x ({entry['rss_where']})"
               if "rss_multiple" in entry else f"peak RSS: {entry.get('rss_error')}")
        out(f"- {case_name}: input {entry['input_bytes'] / 2**20:.1f} MiB, output "
            f"{entry['output_bytes'] / 2**20:.1f} MiB; tracemalloc peak "
            f"{entry['tracemalloc_peak'] / 2**20:.1f} MiB -> "
            f"{entry['tracemalloc_multiple']:.2f}x; {rss}")
    out("")
    out("## Targets (n_jobs=1, ratios from this run)")
    out("")
    for row in targets:
        value = row["value"]
        shown = "-" if value is None else (
            f"{value:.2f}x" if "memory" in row["target"] else _fmt_ratio(value))
        out(f"- {row['verdict']}: {row['target']} (measured {shown})")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true",
                        help="tiny batches, one round, a few seconds; for the tests")
    parser.add_argument("--rounds", type=int, default=None,
                        help="rounds (default 7, 1 with --smoke)")
    parser.add_argument("--json", metavar="PATH",
                        help="also write the results as JSON to PATH")
    parser.add_argument("--no-memory", action="store_true",
                        help="skip the peak-memory measurement")
    parser.add_argument("--no-prewarm", action="store_true",
                        help="do not touch memory before each timed call (on a VM, "
                             "fresh memory then costs whoever allocates it first)")
    parser.add_argument("--check-targets", action="store_true",
                        help="exit with status 1 if a target is FAIL")
    parser.add_argument("--rss-child", metavar="SPEC", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rss_child:
        _rss_child(args.rss_child)
        return 0

    def log(msg):
        print(f"[bench] {msg}", file=sys.stderr, flush=True)

    rounds = args.rounds or (1 if args.smoke else 7)
    sizes = SMOKE_SIZES if args.smoke else FULL_SIZES
    cases = make_cases(sizes)
    cv2_default = _single_threaded()
    load_before = _loadavg()
    snapshot = _cpu_snapshot()
    try:
        from threadpoolctl import threadpool_limits
        limits = threadpool_limits(limits=1)
    except ImportError:
        limits = nullcontext()
    with limits:
        results = run_throughput(cases, rounds, log, prewarm=not args.no_prewarm)
        other_load = _other_load(snapshot, _cpu_snapshot())
        memory = {} if args.no_memory else measure_memory(cases, args.smoke, log)
    info = machine_info(cv2_default)
    info.update(prewarm=not args.no_prewarm, loadavg_before=load_before,
                loadavg_after=_loadavg(), other_load=other_load)
    targets = evaluate_targets(results, memory)
    print(format_report(info, cases, results, memory, targets, rounds,
                        smoke=args.smoke))
    if args.json:
        for case_results in results.values():
            for res in case_results.values():
                for key in ("per_s", "cpu_wall", "sys_wall"):
                    if key in res and not math.isfinite(res[key]):
                        res[key] = None
        with open(args.json, "w") as f:
            json.dump({"info": info, "smoke": args.smoke, "rounds": rounds,
                       "cases": {c.name: {"n": c.n, "shape": c.sample_shape,
                                          "dtype": c.dtype.name} for c in cases},
                       "results": results, "memory": memory, "targets": targets},
                      f, indent=1)
    if args.check_targets and any(t["verdict"] == "FAIL" for t in targets):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
