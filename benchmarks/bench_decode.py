"""Decode and resize a folder of JPEGs: ImageFileReader against Keras' loop.

A folder of 2,000 JPEGs (256x256 crops of scikit-learn's two sample photographs,
OpenCV's default quality 95) is written once to a temporary directory; every
contender then decodes all of them and resizes them to 224x224, in one process,
in interleaved rounds (each round runs every contender once, in a rotated order),
and the table reports the median round. Ratios are against the loop Keras runs to
read files (``keras.utils.load_img(path, target_size=(224, 224))`` then
``img_to_array``, stacked into one array), with Keras' default interpolation
("nearest"), or the same Pillow calls when Keras is not importable.

Targets (issue 14): ImageFileReader >= 1.5x that loop at n_jobs=1, >= 2.5x at
n_jobs=2. Files are in the page cache (just written): this measures decoding and
resizing, not the disk.

A second table times one epoch of ``ArrayAugmenter.flow_from_directory`` over the
same folder (224x224, batches of 32, rotation 20 degrees and horizontal flips,
Keras' default nearest-neighbour resize) next to Keras'
``ImageDataGenerator(...).flow_from_directory`` with the same arguments, and
reports the peak of the memory Python tracks (``tracemalloc``) while our flow
runs an epoch, next to the size of the decoded folder.

Usage: ``python benchmarks/bench_decode.py [--quick] [--rounds N] [--json PATH]``.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Before anything imports keras: the lightest backend that imports on CPU.
os.environ.setdefault("KERAS_BACKEND", "numpy")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

SIZE = (224, 224)
SOURCE = 256
TARGETS = {"ImageFileReader n_jobs=1": 1.5, "ImageFileReader n_jobs=2": 2.5}


class Unavailable(Exception):
    """A contender that cannot run here; its message goes into the table."""


def machine_busy_seconds():
    """CPU seconds all processes have been busy since boot (``/proc/stat``), or
    ``None`` where there is no such file."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def write_folder(root, n_files, seed=0):
    """``n_files`` JPEG crops, 256x256, of the two sample photographs, in two
    class sub-folders; returns their paths in a stable order."""
    from sklearn.datasets import load_sample_images

    photos = load_sample_images().images
    rng = np.random.default_rng(seed)
    paths = []
    for i in range(n_files):
        photo = photos[i % 2]
        top = rng.integers(0, photo.shape[0] - SOURCE + 1)
        left = rng.integers(0, photo.shape[1] - SOURCE + 1)
        image = photo[top:top + SOURCE, left:left + SOURCE]
        if rng.random() < 0.5:
            image = image[:, ::-1]
        folder = root / ("china" if i % 2 == 0 else "flower")
        folder.mkdir(exist_ok=True)
        path = folder / f"{i:05d}.jpg"
        assert cv2.imwrite(str(path), cv2.cvtColor(np.ascontiguousarray(image),
                                                   cv2.COLOR_RGB2BGR))
        paths.append(str(path))
    return paths


# Contenders: each takes the list of paths and returns the (n, 224, 224, 3) array.

def ours(n_jobs, interpolation="bilinear"):
    from sklearn_dlprep import ImageFileReader

    reader = ImageFileReader(SIZE, interpolation=interpolation, n_jobs=n_jobs)
    return reader.transform


def keras_loop(interpolation="nearest"):
    try:
        import keras
    except Exception as exc:  # noqa: BLE001 - any import failure: fall back
        raise Unavailable(f"keras not importable ({type(exc).__name__})") from None

    def run(paths):
        return np.stack([keras.utils.img_to_array(keras.utils.load_img(
            path, target_size=SIZE, interpolation=interpolation)) for path in paths])
    return run


def pillow_loop(interpolation="nearest", draft=False):
    """Keras' load_img in plain Pillow: open, convert("RGB"), resize, to float32."""
    try:
        from PIL import Image
    except ImportError:
        raise Unavailable("Pillow not installed") from None
    resample = {"nearest": Image.NEAREST, "bilinear": Image.BILINEAR}[interpolation]

    def run(paths):
        out = []
        for path in paths:
            with open(path, "rb") as file:
                image = Image.open(file)
                if draft:  # libjpeg's DCT scaling; 1/2 would go below 224
                    image.draft("RGB", SIZE)
                image = image.convert("RGB").resize(SIZE, resample)
                out.append(np.asarray(image, dtype=np.float32))
        return np.stack(out)
    return run


def bare_opencv(resize=True):
    """The floor: imdecode + resize into a preallocated array, nothing else."""
    def run(paths):
        out = np.empty((len(paths), *SIZE, 3), dtype=np.uint8)
        for i, path in enumerate(paths):
            image = cv2.imdecode(np.fromfile(path, dtype=np.uint8),
                                 cv2.IMREAD_COLOR_RGB)
            if resize:
                cv2.resize(image, SIZE[::-1], dst=out[i],
                           interpolation=cv2.INTER_LINEAR)
        return out
    return run


def torchvision_folder():
    try:
        import torchvision  # noqa: F401
        from torchvision import datasets, transforms
    except ImportError:
        raise Unavailable("torchvision not installed") from None
    transform = transforms.Compose([transforms.Resize(SIZE), transforms.PILToTensor()])

    def run(paths):
        folder = datasets.ImageFolder(str(Path(paths[0]).parents[1]),
                                      transform=transform)
        return np.stack([folder[i][0].numpy() for i in range(len(folder))])
    return run


def contenders():
    """(name, factory) in table order; the first Keras-like one is the anchor."""
    return [
        ("ImageFileReader n_jobs=1", lambda: ours(1)),
        ("ImageFileReader n_jobs=2", lambda: ours(2)),
        ("ImageFileReader n_jobs=1, nearest", lambda: ours(1, "nearest")),
        ("Keras load_img + img_to_array", keras_loop),
        ("Keras load_img + img_to_array, bilinear", lambda: keras_loop("bilinear")),
        ("Pillow open/convert/resize", pillow_loop),
        ("Pillow with draft()", lambda: pillow_loop(draft=True)),
        ("bare cv2 imdecode + resize loop", bare_opencv),
        ("bare cv2 imdecode loop (no resize)", lambda: bare_opencv(resize=False)),
        ("torchvision ImageFolder", torchvision_folder),
    ]


# Epochs over the folder: each takes the folder and returns the images it yielded.

FLOW_BATCH = 32
FLOW_AUGMENT = dict(rotation_range=20, horizontal_flip=True)


def our_flow(n_jobs, augment=True):
    from sklearn_dlprep import ArrayAugmenter

    augmenter = ArrayAugmenter(**(FLOW_AUGMENT if augment else {}))

    def run(root):
        flow = augmenter.flow_from_directory(root, target_size=SIZE,
                                             batch_size=FLOW_BATCH, seed=0,
                                             n_jobs=n_jobs)
        return sum(len(X) for X, _ in flow)
    return run


def keras_flow():
    try:
        from keras.src.legacy.preprocessing.image import ImageDataGenerator
    except Exception as exc:  # noqa: BLE001 - any import failure
        raise Unavailable(f"keras not importable ({type(exc).__name__})") from None
    generator = ImageDataGenerator(**FLOW_AUGMENT)

    def run(root):
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):  # "Found N images ..."
            batches = generator.flow_from_directory(
                root, target_size=SIZE, batch_size=FLOW_BATCH, seed=0)
        return sum(len(batches[i][0]) for i in range(len(batches)))
    return run


def flow_contenders():
    return [
        ("flow_from_directory n_jobs=1", lambda: our_flow(1)),
        ("flow_from_directory n_jobs=2", lambda: our_flow(2)),
        ("flow_from_directory n_jobs=1, no augmentation",
         lambda: our_flow(1, augment=False)),
        ("Keras ImageDataGenerator.flow_from_directory", keras_flow),
    ]


def start_contenders(factories, warm_up=None):
    """``(runners, results)``: the runners that can run here, and a result entry
    for every contender (its status says why one cannot)."""
    runners, results = {}, {}
    for name, factory in factories:
        try:
            runners[name] = factory()
            if warm_up is not None:
                runners[name](warm_up)  # imports, thread pools
            results[name] = {"status": "ok", "seconds": []}
        except Unavailable as exc:
            results[name] = {"status": str(exc)}
    return runners, results


def interleaved(names, rounds):
    """Every name once a round, in an order rotated from round to round."""
    for round_ in range(rounds):
        shift = round_ % len(names)
        yield from names[shift:] + names[:shift]


def measure_flows(root, n_files, rounds):
    runners, results = start_contenders(flow_contenders())
    for name in interleaved(list(runners), rounds):
        start = time.perf_counter()
        n_images = runners[name](root)
        results[name]["seconds"].append(time.perf_counter() - start)
        if n_images != n_files:
            raise AssertionError(f"{name} yielded {n_images} of {n_files} images")
    for res in results.values():
        if res["status"] == "ok":
            res["median_s"] = statistics.median(res["seconds"])
            res["images_per_s"] = n_files / res["median_s"]
    return results


def flow_peak_memory(root):
    """Peak bytes tracemalloc sees during one epoch of our flow (n_jobs=1)."""
    import tracemalloc

    run = our_flow(1)
    tracemalloc.start()
    try:
        run(root)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def report_flows(results, n_files, rounds, peak):
    anchor = "Keras ImageDataGenerator.flow_from_directory"
    base = (results[anchor]["images_per_s"]
            if results.get(anchor, {}).get("status") == "ok" else None)
    lines = [f"One epoch over the folder ({n_files} files, {SIZE[0]}x{SIZE[1]}, "
             f"batches of {FLOW_BATCH}, {FLOW_AUGMENT}), {rounds} interleaved rounds, "
             f"median; ratios against Keras.", "",
             "| epoch | images/s | vs Keras |", "|---|---:|---:|"]
    for name, res in results.items():
        if res["status"] != "ok":
            lines.append(f"| {name} | {res['status']} | |")
            continue
        ratio = res["images_per_s"] / base if base else float("nan")
        res["ratio"] = ratio
        lines.append(f"| {name} | {res['images_per_s']:,.0f} | {ratio:.2f}x |")
    batch = FLOW_BATCH * SIZE[0] * SIZE[1] * 3
    lines += ["", f"Peak memory tracked during one epoch of flow_from_directory: "
              f"{peak / 2**20:.1f} MiB = {peak / batch:.1f} batches of uint8 images "
              f"({batch / 2**20:.1f} MiB each); the decoded folder is "
              f"{n_files * batch / FLOW_BATCH / 2**20:.0f} MiB."]
    return "\n".join(lines)


def measure(paths, rounds):
    runners, results = start_contenders(contenders(), warm_up=paths[:4])
    for name in interleaved(list(runners), rounds):
        busy_start = machine_busy_seconds()
        start, cpu_start = time.perf_counter(), time.process_time()
        out = runners[name](paths)
        wall = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        results[name]["seconds"].append(wall)
        results[name].setdefault("cpu_seconds", []).append(cpu)
        if busy_start is not None:
            # Cores other processes kept busy meanwhile: what n_jobs=2
            # could not use.
            others = (machine_busy_seconds() - busy_start - cpu) / wall
            results[name].setdefault("other_cores_busy", []).append(
                max(0.0, others))
        expected = (len(paths), *SIZE, 3) if "no resize" not in name else None
        if expected is not None and out.shape != expected and "torch" not in name:
            raise AssertionError(f"{name} returned shape {out.shape}")
    for res in results.values():
        if res["status"] == "ok":
            res["median_s"] = statistics.median(res["seconds"])
            res["images_per_s"] = len(paths) / res["median_s"]
            # CPU time of the whole process (all threads) per image: with
            # n_jobs=2 on a busy machine, wall time shows the scaling the other
            # processes allow, this shows the work done.
            res["cpu_ms_per_image"] = (1e3 * statistics.median(res["cpu_seconds"])
                                       / len(paths))
            if res.get("other_cores_busy"):
                res["median_other_cores_busy"] = statistics.median(
                    res["other_cores_busy"])
    return results


def anchor_name(results):
    for name in ("Keras load_img + img_to_array", "Pillow open/convert/resize"):
        if results.get(name, {}).get("status") == "ok":
            return name
    return None


def report(results, n_files, rounds, info):
    anchor = anchor_name(results)
    lines = [f"{n_files} JPEGs {SOURCE}x{SOURCE} -> {SIZE[0]}x{SIZE[1]}, "
             f"{rounds} interleaved rounds, median; ratios against '{anchor}'.",
             f"{info}", "",
             "| contender | images/s | vs anchor | CPU ms/image | other busy cores "
             "| target |",
             "|---|---:|---:|---:|---:|---|"]
    base = results[anchor]["images_per_s"] if anchor else None
    for name, res in results.items():
        if res["status"] != "ok":
            lines.append(f"| {name} | {res['status']} | | | | |")
            continue
        ratio = res["images_per_s"] / base if base else float("nan")
        res["ratio"] = ratio
        target = TARGETS.get(name)
        verdict = "" if target is None else (
            f">= {target}x: {'met' if ratio >= target else 'MISSED'}")
        others = res.get("median_other_cores_busy")
        others = "" if others is None else f"{others:.2f}"
        lines.append(f"| {name} | {res['images_per_s']:,.0f} | {ratio:.2f}x | "
                     f"{res['cpu_ms_per_image']:.2f} | {others} | {verdict} |")
    lines += ["", "CPU ms/image: CPU time of the whole process (every thread) per "
              "image. Other busy cores: cores that other processes kept busy "
              "meanwhile (/proc/stat), unavailable to n_jobs=2."]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="100 files and 2 rounds: checks the script runs; its "
                             "numbers mean little")
    parser.add_argument("--files", type=int, default=None,
                        help="number of JPEGs (default 2000; 100 with --quick)")
    parser.add_argument("--rounds", type=int, default=None,
                        help="interleaved rounds (default 5; 2 with --quick)")
    parser.add_argument("--json", metavar="PATH", help="write every number as JSON")
    args = parser.parse_args(argv)
    n_files = args.files or (100 if args.quick else 2000)
    rounds = args.rounds or (2 if args.quick else 5)

    # Our reader keeps OpenCV's own thread pool off while it reads (its threads
    # are n_jobs); the bare loops get the same single-threaded OpenCV.
    cv2.setNumThreads(1)
    root = Path(tempfile.mkdtemp(prefix="bench-decode-"))
    try:
        paths = write_folder(root, n_files)
        load_before = os.getloadavg()
        results = measure(paths, rounds)
        flow_results = measure_flows(root, n_files, rounds)
        peak = flow_peak_memory(root)
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(root)
    info = (f"python {platform.python_version()}, OpenCV {cv2.__version__}, "
            f"{os.cpu_count()} CPUs, load average {load_before[0]:.1f} before / "
            f"{load_after[0]:.1f} after")
    text = report(results, n_files, rounds, info)
    print(text)
    print()
    print(report_flows(flow_results, n_files, rounds, peak))
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"quick": args.quick, "files": n_files, "rounds": rounds,
             "anchor": anchor_name(results), "info": info, "results": results,
             "flow_results": flow_results, "flow_peak_bytes": peak},
            indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
