#!/usr/bin/env python
"""Speed of the colour operations on 32 images of 224x224x3.

Run from the repository root::

    python benchmarks/bench_color.py              # about a minute
    python benchmarks/bench_color.py --rounds 3   # quicker, noisier

What it measures, in one process, on the same 32 crops of scikit-learn's sample
photos:

- every colour operation's pass alone on a float32 block ``(32, 224, 224, 3)`` in
  [0, 1] (``transform_pointwise``, or ``transform_samples`` for RandomSharpness),
  after a copy of the block (its time is shown as the baseline);
- ``Compose([RandomColorJitter(0.4, 0.4, 0.4, 0.1)]).augment`` on uint8 (the pass
  plus the engine's conversion to float32 and back), with and without a flip;
- albumentations' ``ColorJitter(0.4, 0.4, 0.4, 0.1)`` (with and without a flip),
  one image at a time, on uint8 (it works on uint8 throughout: brightness and
  contrast as look-up tables, hue in OpenCV's uint8 HSV);
- Keras 3's ``RandomColorJitter`` on the float32 batch (numpy backend).

Contenders are interleaved within each round (the first one rotates) and the
median over rounds is reported. Times are the CPU time of the calling thread
(``time.thread_time``), everything single-threaded (``cv2.setNumThreads(1)``,
``threadpool_limits(1)``): on a shared machine, wall time measures the
neighbours. Nothing here asserts a timing.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import argparse
import datetime
import os
import platform
import statistics
import time

os.environ.setdefault("KERAS_BACKEND", "numpy")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_sample_image  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import sklearn_dlprep as dlp  # noqa: E402
from sklearn_dlprep.utils._layout import resolve_layout  # noqa: E402

JITTER = dict(brightness_factor=0.4, contrast_factor=0.4, saturation_factor=0.4,
              hue_factor=0.1)


def _images(n=32, size=224):
    photos = [load_sample_image(name) for name in ("china.jpg", "flower.jpg")]
    return np.stack([cv2.resize(photos[i % 2][i * 5:i * 5 + 400,
                                              i * 10:i * 10 + 400], (size, size))
                     for i in range(n)])


def _contenders(X):
    F = X.astype(np.float32) / 255
    work = np.empty_like(F)
    rng = np.random.default_rng(0)
    layout = resolve_layout(F.shape, None, None, "channels_last")

    def pass_of(operation):
        context = operation.resolve(layout, np.float32, "op")
        draws = operation.draw(len(F), rng, context)
        if operation.kind == "sample":
            return lambda: operation.transform_samples(F, draws, context)

        def run():
            np.copyto(work, F)
            operation.transform_pointwise(work, draws, context)
        return run

    contenders = {"copy of the block (baseline)": lambda: np.copyto(work, F)}
    for operation in [dlp.RandomColorJitter(**JITTER), dlp.RandomBrightness(0.4),
                      dlp.RandomContrast(0.4), dlp.RandomSaturation(0.4),
                      dlp.RandomHue(0.1), dlp.RandomColorDegeneration(0.5),
                      dlp.RandomGrayscale(1.0), dlp.RandomInvert((1.0, 1.0)),
                      dlp.RandomPosterization(4), dlp.Solarization(0.2, 0.5),
                      dlp.AutoContrast(), dlp.Equalization(),
                      dlp.RandomSharpness(1.0)]:
        contenders[f"{type(operation).__name__} pass, float32"] = pass_of(operation)
    jitter = dlp.Compose([("jitter", dlp.RandomColorJitter(**JITTER))],
                         random_state=0)
    flip_jitter = dlp.Compose([("flip", dlp.RandomFlip("horizontal")),
                               ("jitter", dlp.RandomColorJitter(**JITTER))],
                              random_state=0)
    contenders["Compose(jitter).augment, uint8"] = lambda: jitter.augment(X)
    contenders["Compose(flip, jitter).augment, uint8"] = (
        lambda: flip_jitter.augment(X))
    try:
        import albumentations as A

        color = A.ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1,
                              p=1.0)
        both = A.Compose([A.HorizontalFlip(), color])
        contenders["albumentations ColorJitter, uint8"] = (
            lambda: [color(image=x) for x in X])
        contenders["albumentations (flip, jitter), uint8"] = (
            lambda: [both(image=x) for x in X])
    except ImportError:
        print("albumentations: not installed")
    try:
        import keras

        layer = keras.layers.RandomColorJitter(value_range=(0, 1), seed=0, **JITTER)
        contenders["Keras RandomColorJitter, float32 batch"] = (
            lambda: layer(F, training=True))
    except ImportError:
        print("keras: not installed")
    return contenders


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    X = _images()
    contenders = _contenders(X)
    names = list(contenders)
    times = {name: [] for name in names}
    with threadpool_limits(1):
        for name in names:
            contenders[name]()  # warm up
        for r in range(args.rounds):
            for name in names[r % len(names):] + names[:r % len(names)]:
                # Keras is slow: every third round is enough for its median.
                if name.startswith("Keras") and r % 3 and args.rounds > 3:
                    continue
                start = time.thread_time()
                contenders[name]()
                times[name].append(time.thread_time() - start)
    print(f"{datetime.date.today()}, {platform.machine()}, {os.cpu_count()} cores, "
          f"numpy {np.__version__}, OpenCV {cv2.__version__}, "
          f"{args.rounds} rounds, thread CPU time")
    print(f"{'32 images of 224x224x3':46s} {'median ms':>10s} {'ms/image':>9s}")
    median = {name: statistics.median(values) * 1000
              for name, values in times.items()}
    for name in names:
        print(f"{name:46s} {median[name]:10.1f} {median[name] / 32:9.3f}")
    ratios = [("albumentations ColorJitter, uint8", "Compose(jitter).augment, uint8"),
              ("albumentations (flip, jitter), uint8",
               "Compose(flip, jitter).augment, uint8"),
              ("Keras RandomColorJitter, float32 batch",
               "RandomColorJitter pass, float32")]
    for theirs, ours in ratios:
        if theirs in median:
            print(f"{theirs} / {ours}: {median[theirs] / median[ours]:.2f}")


if __name__ == "__main__":
    main()
