"""
=========================================
Keras ``model.fit`` on an augmenting flow
=========================================

A flow is a ``keras.utils.PyDataset`` once Keras is imported, so ``model.fit``
trains on it as it is: Keras asks for ``len(flow)`` batches per epoch and calls
``on_epoch_end`` after each epoch, and every epoch brings new random draws. This
example trains the same small convolutional network on a few hundred digits with
and without augmentation, plots the validation accuracy after every epoch, and
shows the soft labels of :class:`~sklearn_dlprep.MixUp`. See the user guide's
:ref:`training_loops_keras`.

It runs with Keras 3 and its jax backend (both in the ``dev`` extra); where they are
not installed, the documentation shows the code without running it.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

# %%
# Data
# ----
# The 8x8 digits as ``(n, 8, 8, 1)`` images in [0, 1]; 400 training images, the
# validation images are never augmented.
import os

os.environ.setdefault("KERAS_BACKEND", "jax")  # the numpy backend cannot train

import keras
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

from sklearn_dlprep import ArrayAugmenter, MixUp, train_val_test_split

X, y = load_digits(return_X_y=True)
X = (X / 16).astype(np.float32).reshape(-1, 8, 8, 1)
X_train, X_val, X_test, y_train, y_val, y_test = train_val_test_split(
    X, y, val_size=0.3, test_size=0.2, stratify=y, random_state=0)
X_train, y_train = X_train[:400], y_train[:400]

# %%
# The flows
# ---------
# Made after ``import keras``, a flow is a ``keras.utils.PyDataset``. The identity
# augmenter (no parameter set) gives the same loop without augmentation.
augmenter = ArrayAugmenter(rotation_range=8, width_shift_range=0.1,
                           height_shift_range=0.1, fill_mode="constant",
                           random_state=0)
flows = {
    "no augmentation": ArrayAugmenter(random_state=0).flow(
        X_train, y_train, batch_size=32),
    "augmentation": augmenter.flow(X_train, y_train, batch_size=32),
}
print(isinstance(flows["augmentation"], keras.utils.PyDataset),
      len(flows["augmentation"]), "batches per epoch")


def network():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(16, 3, activation="relu", padding="same"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(3e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


# %%
# Training
# --------
# ``model.fit(flow, epochs=...)``: nothing else is needed.
N_EPOCHS = 40
histories, models = {}, {}
for name, flow in flows.items():
    models[name] = network()
    histories[name] = models[name].fit(flow, epochs=N_EPOCHS,
                                       validation_data=(X_val, y_val),
                                       verbose=0).history

fig, ax = plt.subplots(figsize=(6, 3.4), layout="constrained")
for name, history in histories.items():
    ax.plot(np.arange(1, N_EPOCHS + 1), history["val_accuracy"], label=name)
ax.set_xlabel("epoch")
ax.set_ylabel("validation accuracy")
ax.legend()
plt.show()

# %%
# On 400 tiny 8x8 digits this augmentation does not make the network better (see
# the test accuracies below): augmentation pays off with convolutional networks on
# larger images, which learn shapes that a turn or a shift preserves. What the
# example shows is the mechanics: ``model.fit`` on the flow, new draws at every
# epoch, the same curves on every run thanks to ``random_state``.
#
# Test accuracy, once, at the end
# -------------------------------
for name, model in models.items():
    accuracy = np.mean(model.predict(X_test, verbose=0).argmax(axis=1) == y_test)
    print(f"{name:>16}: test accuracy {accuracy:.3f}")

# %%
# MixUp: soft labels for ``categorical_crossentropy``
# ---------------------------------------------------
# ``mix=MixUp(alpha=0.2)`` blends pairs of images inside each batch and returns
# the labels as float32 one-hot rows mixed in the same proportions; such a flow
# trains a model compiled with ``loss="categorical_crossentropy"``.
mixed = augmenter.flow(X_train, y_train, batch_size=32, mix=MixUp(alpha=0.2))
X_batch, y_batch = mixed[0]
print("soft labels", y_batch.shape, y_batch.dtype, "columns:", mixed.classes)
print(np.round(y_batch[:3], 2))
