"""Keras 3's ``model.fit`` trains on a flow as it is.

The numpy backend (the one the parity tests use) cannot train (it has no
gradients), so one fresh interpreter runs the fits with ``KERAS_BACKEND=jax``
(jax is in the dev extra) and reports what it saw as JSON; the tests read it.
"""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("keras") is None
                       or importlib.util.find_spec("jax") is None,
                       reason="needs keras and jax (the dev extra)"),
]

SCRIPT = r"""
import json
import numpy as np
import keras
from sklearn_dlprep import ArrayAugmenter, MixUp

rng = np.random.default_rng(0)
X = rng.random((96, 8, 8, 1), dtype=np.float32)
y = (X[:, :, :4].mean(axis=(1, 2, 3)) > X[:, :, 4:].mean(axis=(1, 2, 3))).astype(int)
augmenter = ArrayAugmenter(width_shift_range=0.1, random_state=0)


class CountBatches(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1


def model(loss):
    keras.utils.set_random_seed(0)
    net = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                            keras.layers.Dense(2, activation="softmax")])
    net.compile(optimizer="adam", loss=loss)
    return net


report = {}

flow = augmenter.flow(X, y, batch_size=32)
counter = CountBatches()
history = model("sparse_categorical_crossentropy").fit(
    flow, epochs=3, verbose=0, callbacks=[counter])
twin = augmenter.flow(X, y, batch_size=32)
epochs_seen = 0
while not np.array_equal(flow[0][0], twin[0][0]) and epochs_seen < 10:
    twin.on_epoch_end()
    epochs_seen += 1
report["plain"] = {"is_pydataset": isinstance(flow, keras.utils.PyDataset),
                   "loss": history.history["loss"], "batches": counter.batches,
                   "len": len(flow), "epochs_advanced": epochs_seen}

weighted = augmenter.flow(X, y, batch_size=32, sample_weight=np.linspace(0, 2, 96))
history = model("sparse_categorical_crossentropy").fit(weighted, epochs=2,
                                                       verbose=0)
report["weighted"] = {"loss": history.history["loss"],
                      "batch_parts": len(weighted[0])}

threaded = augmenter.flow(X, y, batch_size=32)
threaded.workers = 2  # Keras' PyDataset option: two threads prepare batches
counter = CountBatches()
model("sparse_categorical_crossentropy").fit(threaded, epochs=2, verbose=0,
                                             callbacks=[counter])
report["threaded"] = {"batches": counter.batches}

mixed = augmenter.flow(X, y, batch_size=32, mix=MixUp(alpha=0.4), drop_last=True)
history = model("categorical_crossentropy").fit(mixed, epochs=2, verbose=0)
report["mixed"] = {"loss": history.history["loss"],
                   "label_shape": list(mixed[0][1].shape)}
print("REPORT", json.dumps(report))
"""


@pytest.fixture(scope="module")
def report():
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True,
                          text=True, timeout=600, env=env,
                          cwd=Path(__file__).resolve().parents[1])
    assert proc.returncode == 0, proc.stderr[-4000:]
    line = next(line for line in proc.stdout.splitlines()
                if line.startswith("REPORT "))
    return json.loads(line[len("REPORT "):])


def test_model_fit_trains_on_a_flow(report):
    """model.fit(flow, epochs=3) takes the flow as a PyDataset, runs len(flow)
    steps per epoch and the loss is finite."""
    plain = report["plain"]
    assert plain["is_pydataset"]
    assert plain["batches"] == 3 * plain["len"] == 9
    assert len(plain["loss"]) == 3
    assert all(loss == loss and loss < 10 for loss in plain["loss"])


def test_model_fit_starts_a_new_epoch_of_draws_each_epoch(report):
    """Keras calls on_epoch_end after every epoch: after 3 epochs the flow
    serves draws at least 3 epochs on (Keras may call it once more)."""
    assert report["plain"]["epochs_advanced"] >= 3


def test_keras_worker_threads_read_the_flow(report):
    """With Keras' own workers=2, model.fit reads the flow from two threads and
    still runs len(flow) steps per epoch."""
    assert report["threaded"]["batches"] == 2 * 3


def test_model_fit_reads_sample_weights_and_soft_labels(report):
    """(x, y, w) batches and MixUp's soft labels train with the matching losses."""
    assert report["weighted"]["batch_parts"] == 3
    assert len(report["weighted"]["loss"]) == 2
    assert report["mixed"]["label_shape"] == [32, 2]
    assert all(loss == loss for loss in report["mixed"]["loss"])
