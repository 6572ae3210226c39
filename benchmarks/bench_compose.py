#!/usr/bin/env python
"""Throughput of ``sklearn_dlprep.Compose`` on today's augmentation recipes.

Run from the repository root::

    pip install -e ".[bench]"
    python benchmarks/bench_compose.py            # full run, a few minutes
    python benchmarks/bench_compose.py --smoke    # tiny run, a few seconds

The recipes (issue 12), all on uint8 images with ``n_jobs=1``:

- **CIFAR**, 32x32x3: ``RandomCrop(padding=4)`` + ``RandomFlip("horizontal")``;
- **ImageNet-style**, 224x224x3: ``RandomResizedCrop()`` + ``RandomFlip("horizontal")``
  + ``RandomColorJitter(brightness_factor=0.4, contrast_factor=0.4,
  saturation_factor=0.4, hue_factor=0.1)``; when ``sklearn_dlprep`` has no
  ``RandomColorJitter`` yet, our row says "needs RandomColorJitter";
- its **geometric part** alone, 224x224x3: ``RandomResizedCrop()`` +
  ``RandomFlip("horizontal")``;
- **RandAugment**, 224x224x3: ``RandAugment(num_ops=2)``.

Against, for each recipe:

- albumentations' equivalent ``A.Compose``, one image at a time (for RandAugment,
  which albumentations 2 lacks, two ``A.OneOf`` over its closest versions of Keras'
  eleven operations; see ``make_albumentations``);
- Keras 3's preprocessing layers as a ``keras.layers.Pipeline`` called on the whole
  batch (``KERAS_BACKEND=numpy``, its lightest CPU backend). Keras 3 has no pad-crop
  layer (``ZeroPadding2D(4)`` + ``RandomCrop(32, 32)`` stands in) and no resized
  crop (``RandomZoom`` zooming in by up to 72 % per axis, independently, stands in:
  a window of 28 % to 100 % of each side, as ``scale=(0.08, 1)`` gives);
- for the geometric recipes, a bare loop of ``cv2.warpAffine``, one call per sample
  with one fixed, typical matrix of the recipe (no random draws): the warp kernel
  alone, the floor of any augmenter that interpolates each sample once.

Rules as in ``bench_augment.py``: every contender on the same images in one process,
interleaved round-robin within each round with the starting contender rotating from
round to round, the median over rounds reported and ratios taken from that one run.
``cv2.setNumThreads(1)`` for the whole process and
``threadpoolctl.threadpool_limits(1)`` for BLAS/OpenMP pools; the ``cpu/wall`` column
(process CPU time over wall time) shows that every contender used one core, and the
header shows how many cores other processes kept busy meanwhile. Memory is
pre-warmed before each timed call (see ``bench_augment.py``).

Anchors that are not installed are reported as "not installed", never faked.
Nothing here asserts a timing; ``tests/test_bench_compose.py`` runs ``--smoke``.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import argparse
import json
import math
import os
import statistics
import sys
from contextlib import nullcontext

# Before anything imports keras or albumentations (bench_augment sets the same).
os.environ.setdefault("KERAS_BACKEND", "numpy")
os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
from bench_augment import (  # noqa: E402
    Case,
    Unavailable,
    _albumentations,
    _cpu_snapshot,
    _fmt_ratio,
    _loadavg,
    _other_load,
    _single_threaded,
    _timed,
    machine_info,
)

OURS = "sklearn_dlprep.Compose"
ALBU = "albumentations"
KERAS = "Keras 3 layers (batched)"
BARE = "bare cv2.warpAffine loop"

CIFAR = "CIFAR 32x32x3 uint8"
IMAGENET = "ImageNet-style 224x224x3 uint8"
IMAGENET_GEO = "ImageNet geometric part 224x224x3 uint8"
RANDAUGMENT = "RandAugment 224x224x3 uint8"

FULL_SIZES = {CIFAR: 4000, IMAGENET: 64, IMAGENET_GEO: 64, RANDAUGMENT: 64}
SMOKE_SIZES = {CIFAR: 48, IMAGENET: 4, IMAGENET_GEO: 4, RANDAUGMENT: 4}

JITTER = dict(brightness_factor=0.4, contrast_factor=0.4, saturation_factor=0.4,
              hue_factor=0.1)


def make_cases(sizes):
    shapes = {CIFAR: (32, 32, 3), IMAGENET: (224, 224, 3),
              IMAGENET_GEO: (224, 224, 3), RANDAUGMENT: (224, 224, 3)}
    return [Case(name, shapes[name], "uint8", sizes[name]) for name in shapes]


# ------------------------------------------------------------------------ contenders
# Each factory takes a Case and returns run(X, seed) that augments every sample of X
# once (output allocated inside, as a user's call would), or raises Unavailable.

def _dlprep():
    try:
        import sklearn_dlprep
    except Exception as exc:
        raise Unavailable(f"import failed: {type(exc).__name__}: {exc}") from None
    return sklearn_dlprep


def our_steps(case_name):
    """The recipe as ``Compose`` steps; Unavailable if an operation is missing."""
    s = _dlprep()
    if case_name == CIFAR:
        return [("crop", s.RandomCrop(padding=4)),
                ("flip", s.RandomFlip("horizontal"))]
    if case_name == IMAGENET_GEO:
        return [("crop", s.RandomResizedCrop()),
                ("flip", s.RandomFlip("horizontal"))]
    if case_name == IMAGENET:
        jitter = getattr(s, "RandomColorJitter", None)
        if jitter is None:
            raise Unavailable("needs RandomColorJitter")
        return [("crop", s.RandomResizedCrop()),
                ("flip", s.RandomFlip("horizontal")),
                ("jitter", jitter(**JITTER))]
    if case_name == RANDAUGMENT:
        return [("policy", s.RandAugment(num_ops=2))]
    raise ValueError(case_name)


def make_ours(case):
    s = _dlprep()
    augment = s.Compose(our_steps(case.name), n_jobs=1)

    def run(X, seed):
        return augment.augment(X, random_state=seed)
    return run


def albumentations_transforms(case_name, A, cv2):
    """albumentations 2's closest ``A.Compose`` for each recipe."""
    if case_name == CIFAR:
        return [A.PadIfNeeded(40, 40, border_mode=cv2.BORDER_CONSTANT, fill=0),
                A.RandomCrop(32, 32), A.HorizontalFlip(p=0.5)]
    if case_name == IMAGENET_GEO:
        return [A.RandomResizedCrop(size=(224, 224)), A.HorizontalFlip(p=0.5)]
    if case_name == IMAGENET:
        return [A.RandomResizedCrop(size=(224, 224)), A.HorizontalFlip(p=0.5),
                A.ColorJitter(0.4, 0.4, 0.4, 0.1, p=1.0)]
    if case_name == RANDAUGMENT:
        # albumentations 2 has no RandAugment: each of the two slots picks one of
        # its closest versions of Keras' eleven operations (factor 0.5), uniformly.
        reflect = cv2.BORDER_REFLECT_101
        ops = [
            A.Affine(shear={"x": (-14, 14), "y": (-14, 14)}, border_mode=reflect,
                     p=1.0),
            A.Affine(translate_percent=(-0.5, 0.5), border_mode=reflect, p=1.0),
            A.Affine(rotate=(-180, 180), border_mode=reflect, p=1.0),
            A.RandomBrightnessContrast(brightness_limit=(0, 0.5),
                                       contrast_limit=(0, 0), p=1.0),
            A.ColorJitter(brightness=0, contrast=0, saturation=(0.5, 1.0), hue=0,
                          p=1.0),
            A.RandomBrightnessContrast(brightness_limit=(0, 0),
                                       contrast_limit=(0, 0.5), p=1.0),
            A.Sharpen(p=1.0),
            A.Posterize(num_bits=(1, 3), p=1.0),
            A.Solarize(threshold_range=(0.5, 1.0), p=1.0),
            A.AutoContrast(p=1.0),
            A.Equalize(p=1.0),
        ]
        return [A.OneOf(ops, p=1.0), A.OneOf(ops, p=1.0)]
    raise ValueError(case_name)


def make_albumentations(case):
    A = _albumentations()
    import cv2

    transform = A.Compose(albumentations_transforms(case.name, A, cv2), seed=0)

    def run(X, seed):
        out = np.empty_like(X)
        for i in range(len(X)):
            out[i] = transform(image=X[i])["image"]
        return out
    return run


def _keras():
    try:
        import keras
    except ModuleNotFoundError as exc:
        if exc.name == "keras":
            raise Unavailable("not installed") from None
        raise Unavailable(f"import failed: {exc}") from None
    except Exception as exc:
        raise Unavailable(f"import failed: {type(exc).__name__}: {exc}") from None
    return keras


def keras_layers(case_name, keras):
    L = keras.layers
    if case_name == CIFAR:
        return [L.ZeroPadding2D(4), L.RandomCrop(32, 32, seed=0),
                L.RandomFlip("horizontal", seed=0)]
    # Keras 3 has no resized crop: a zoom-in of up to 72 % per axis (independently).
    zoom = L.RandomZoom(height_factor=(-0.72, 0.0), width_factor=(-0.72, 0.0),
                        fill_mode="reflect", seed=0)
    if case_name == IMAGENET_GEO:
        return [zoom, L.RandomFlip("horizontal", seed=0)]
    if case_name == IMAGENET:
        return [zoom, L.RandomFlip("horizontal", seed=0),
                L.RandomColorJitter(value_range=(0, 255), **JITTER, seed=0)]
    if case_name == RANDAUGMENT:
        return [L.RandAugment(value_range=(0, 255), num_ops=2, seed=0)]
    raise ValueError(case_name)


def make_keras(case):
    keras = _keras()
    pipeline = keras.layers.Pipeline(keras_layers(case.name, keras))

    def run(X, seed):
        # Keras computes in float32 whatever the input; the conversion is its cost.
        return np.asarray(pipeline(X, training=True))
    return run


def typical_inverse_map(case_name, height, width):
    """One fixed draw of the recipe's geometry, as an inverse map (x=column, y=row)
    for ``WARP_INVERSE_MAP``, flipped horizontally (the flip is free in a warp).

    CIFAR: a window of the 4-padded image shifted by (+2, -1) pixels. ImageNet: the
    median draw of ``RandomResizedCrop`` (area 54 % of the image, aspect ratio 1,
    so a 164.6-pixel window at (30, 20)) resized to 224.
    """
    flip = np.array([[-1.0, 0, width - 1], [0, 1, 0], [0, 0, 1]])
    if case_name == CIFAR:
        window = np.array([[1.0, 0, 2], [0, 1, -1], [0, 0, 1]])
    else:
        s = math.sqrt(0.54)  # window side over image side
        window = np.array([[s, 0, 30], [0, s, 20], [0, 0, 1]])
    matrix = window @ flip
    return np.ascontiguousarray(matrix[:2])


def make_bare_warp(case):
    if case.name not in (CIFAR, IMAGENET_GEO):
        raise Unavailable("n/a (geometric recipes only)")
    import cv2

    h, w, _ = case.sample_shape
    matrix = typical_inverse_map(case.name, h, w)
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    border = cv2.BORDER_CONSTANT
    warp = cv2.warpAffine

    def run(X, seed):
        out = np.empty_like(X)
        for i in range(len(X)):
            warp(X[i], matrix, (w, h), out[i], flags, border)
        return out
    return run


CONTENDERS = [
    (OURS, make_ours),
    (ALBU, make_albumentations),
    (KERAS, make_keras),
    (BARE, make_bare_warp),
]


# ----------------------------------------------------------------------- measurement

def run_throughput(cases, rounds, log, prewarm=True):
    """Returns {case name: {contender: result dict}}."""
    data = {case.name: case.make_data(seed=i) for i, case in enumerate(cases)}
    runners = {}
    results = {case.name: {} for case in cases}
    for case in cases:
        for name, factory in CONTENDERS:
            try:
                run = factory(case)
                X = data[case.name]
                out = run(X[: min(len(X), 16)], 12345)  # warm-up: imports, caches
                if out.shape != X[:16].shape:
                    raise RuntimeError(f"output shape {out.shape}, input {X.shape}")
                runners[case.name, name] = run
                results[case.name][name] = {"status": "ok", "wall": [], "cpu": [],
                                            "sys": []}
            except Unavailable as exc:
                results[case.name][name] = {"status": str(exc)}
            except Exception as exc:
                results[case.name][name] = {
                    "status": f"error: {type(exc).__name__}: {exc}"}
        log(f"{case.name}: set up")
    for r in range(rounds):
        log(f"round {r + 1}/{rounds}")
        for case in cases:
            names = [name for name, _ in CONTENDERS if (case.name, name) in runners]
            k = len(names)
            for name in (names[(r + j) % k] for j in range(k)):
                res = results[case.name][name]
                if res["status"] != "ok":
                    continue
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


def _ratio(results, case_name, name, anchor):
    a = results.get(case_name, {}).get(name, {})
    b = results.get(case_name, {}).get(anchor, {})
    if a.get("status") != "ok" or b.get("status") != "ok":
        return None
    return a["per_s"] / b["per_s"]


# (case, anchor, kind, bound): "speedup" means ours/anchor throughput >= bound;
# "time" means our time per sample <= bound x the anchor's.
TARGETS = [
    (CIFAR, ALBU, "speedup", 3.0),
    (CIFAR, KERAS, "speedup", 5.0),
    (CIFAR, BARE, "time", 1.2),
    (IMAGENET, ALBU, "speedup", 2.0),
    (IMAGENET, KERAS, "speedup", 5.0),
    (IMAGENET_GEO, BARE, "time", 1.2),
]


def evaluate_targets(results):
    rows = []
    for case_name, anchor, kind, bound in TARGETS:
        if case_name not in results:
            continue
        ratio = _ratio(results, case_name, OURS, anchor)
        if kind == "speedup":
            value = ratio
            target = f"{case_name}: Compose >= {bound:g}x {anchor}"
            ok = value is not None and value >= bound
        else:
            value = None if ratio is None else 1.0 / ratio
            target = (f"{case_name}: Compose's time within {bound:g}x of one bare "
                      "cv2.warpAffine per sample")
            ok = value is not None and value <= bound
        verdict = "n/a" if value is None else ("PASS" if ok else "FAIL")
        status = results[case_name].get(OURS, {}).get("status")
        why = None if value is not None else (
            status if status != "ok" else results[case_name][anchor]["status"])
        rows.append({"target": target, "kind": kind, "value": value,
                     "verdict": verdict, "why": why})
    return rows


# ---------------------------------------------------------------------------- report

def format_report(info, cases, results, targets, rounds, smoke=False):
    lines = []
    out = lines.append
    out(f"# Compose benchmark ({rounds} round(s), median)")
    out("")
    if smoke:
        out("SMOKE RUN: tiny batches and one round, to check that the benchmark runs; "
            "its numbers and verdicts mean nothing.")
        out("")
    out(f"date {info['date']}; CPU {info['cpu']}, {info['usable_cpus']} usable of "
        f"{info['cpu_count']} cores; Python {info['python']}")
    versions = ", ".join(f"{k} {info[k]}" for k in
                         ("numpy", "cv2", "sklearn", "imblearn", "sklearn_dlprep",
                          "keras", "jax", "albumentations") if info.get(k))
    out(f"versions: {versions}")
    if info.get("keras_backend"):
        out(f"KERAS_BACKEND={info['keras_backend']}")
    out(f"OpenCV threads: default {info['cv2_default_threads']}, set to 1 for the "
        "run; BLAS/OpenMP pools limited to 1 thread; memory pre-warmed before each "
        f"timed call: {info.get('prewarm')}")
    if info.get("other_load") is not None:
        out(f"other processes kept {info['other_load']:.2f} cores busy on average "
            "during the timings (from /proc/stat; 0 on a quiet machine)")
    out("")
    out("| recipe | n | contender | samples/s | cpu/wall | vs albumentations | "
        "vs Keras 3 | time vs bare warp |")
    out("|---|---:|---|---:|---:|---:|---:|---:|")
    for case in cases:
        for name, _ in CONTENDERS:
            res = results[case.name][name]
            status = res["status"]
            if status.startswith("n/a"):
                continue
            if status != "ok":
                out(f"| {case.name} | {case.n} | {name} | {status} | | | | |")
                continue
            bare = _ratio(results, case.name, name, BARE)
            shown = " | ".join([
                _fmt_ratio(_ratio(results, case.name, name, ALBU)),
                _fmt_ratio(_ratio(results, case.name, name, KERAS)),
                _fmt_ratio(None if bare is None else 1.0 / bare)])
            per_s = res["per_s"]
            per_s = f"{per_s:,.0f}" if per_s >= 100 else f"{per_s:.3g}"
            out(f"| {case.name} | {case.n} | {name} | {per_s} | "
                f"{res['cpu_wall']:.2f} | {shown} |")
    out("")
    out("cpu/wall: process CPU time over wall time (1 = one busy core). vs X: our "
        "throughput over X's (higher is better); time vs bare warp: time per sample "
        "over the bare warpAffine loop's (lower is better; 1.00x = the kernel "
        "alone).")
    out("")
    out("## Targets (n_jobs=1, ratios from this run)")
    out("")
    for row in targets:
        value = row["value"]
        shown = "-" if value is None else _fmt_ratio(value)
        why = f"; {row['why']}" if row.get("why") else ""
        out(f"- {row['verdict']}: {row['target']} (measured {shown}{why})")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true",
                        help="tiny batches, one round, a few seconds; for the tests")
    parser.add_argument("--rounds", type=int, default=None,
                        help="rounds (default 5, 1 with --smoke)")
    parser.add_argument("--json", metavar="PATH",
                        help="also write the results as JSON to PATH")
    parser.add_argument("--no-prewarm", action="store_true",
                        help="do not touch memory before each timed call")
    parser.add_argument("--check-targets", action="store_true",
                        help="exit with status 1 if a target is FAIL")
    args = parser.parse_args(argv)

    def log(msg):
        print(f"[bench] {msg}", file=sys.stderr, flush=True)

    rounds = args.rounds or (1 if args.smoke else 5)
    cases = make_cases(SMOKE_SIZES if args.smoke else FULL_SIZES)
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
    info = machine_info(cv2_default)
    info.update(prewarm=not args.no_prewarm, loadavg_before=load_before,
                loadavg_after=_loadavg(), other_load=other_load)
    targets = evaluate_targets(results)
    print(format_report(info, cases, results, targets, rounds, smoke=args.smoke))
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
                       "results": results, "targets": targets}, f, indent=1)
    if args.check_targets and any(t["verdict"] == "FAIL" for t in targets):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
