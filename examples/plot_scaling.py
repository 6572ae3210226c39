"""
=====================================================
Scaling images: per pixel, per channel, per sample
=====================================================

scikit-learn's :class:`~sklearn.preprocessing.StandardScaler` and
:class:`~sklearn.preprocessing.MinMaxScaler` learn their statistics per column,
which for images means per *pixel*. Deep learning standardises per *channel*
(:class:`~sklearn_dlprep.ChannelStandardizer`), per *sample*
(:class:`~sklearn_dlprep.SampleStandardizer`), or whitens
(:class:`~sklearn_dlprep.ZCAWhitener`), and normalises to a fixed range per channel
or from the known value range (:class:`~sklearn_dlprep.ChannelMinMaxScaler`). This
example shows what each does to images, and that scaling speeds up training. See
the user guide's :ref:`scaling`.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

# %%
# Per-pixel statistics of the digits
# ----------------------------------
# Border pixels of the digits are almost always 0: their standard deviation is
# tiny or zero. A per-pixel scaler divides by it, and the rare ink there becomes
# huge values.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler

from sklearn_dlprep import ChannelStandardizer, SampleStandardizer, ZCAWhitener

X, y = load_digits(return_X_y=True)
fig, axes = plt.subplots(1, 2, figsize=(6, 2.8), layout="constrained")
for ax, values, title in zip(axes, [X.mean(axis=0), X.std(axis=0)],
                             ["mean of each pixel", "std of each pixel"], strict=True):
    shown = ax.imshow(values.reshape(8, 8), cmap="viridis")
    ax.set_title(title, fontsize=9)
    ax.set_axis_off()
    fig.colorbar(shown, ax=ax, shrink=0.8)
plt.show()

# %%
# Four scalers on the same images
# -------------------------------
scalers = {
    "StandardScaler\n(per pixel)": StandardScaler(),
    "ChannelStandardizer\n(per channel)": ChannelStandardizer(sample_shape=(8, 8)),
    "SampleStandardizer\n(per sample)": SampleStandardizer(sample_shape=(8, 8)),
    "ZCAWhitener\n(epsilon=0.1)": ZCAWhitener(epsilon=0.1),
}
scaled = {name: scaler.fit(X).transform(X) for name, scaler in scalers.items()}
fig, axes = plt.subplots(3, 5, figsize=(8.5, 5.6), layout="constrained")
for row, index in zip(axes, [0, 3, 7], strict=True):
    row[0].imshow(X[index].reshape(8, 8), cmap="gray_r")
    for ax, values in zip(row[1:], scaled.values(), strict=True):
        ax.imshow(values[index].reshape(8, 8), cmap="gray_r")
    for ax in row:
        ax.set_xticks([])
        ax.set_yticks([])
for ax, title in zip(axes[0], ["original", *scaled], strict=True):
    ax.set_title(title, fontsize=8)
plt.show()

for name, values in scaled.items():
    print(f"{name.splitlines()[0]:>20}: values from {values.min():7.2f} to "
          f"{values.max():6.2f}")

# %%
# Normalisation to [0, 1]: per pixel or per channel
# -------------------------------------------------
# :class:`~sklearn.preprocessing.MinMaxScaler` maps the minimum and maximum of each
# *pixel* onto [0, 1]. A border pixel that is inked faintly on a handful of images
# (1 out of 16 at most) is stretched to full brightness: the rows below are digits
# where this happens, and the pixels outlined in red are stretched by more than
# half the range.
# :class:`~sklearn_dlprep.ChannelMinMaxScaler` learns one range for the channel, so
# each digit keeps its look; with ``value_range=(0, 16)``, the digits' known range
# (as ``(0, 255)`` is for 8-bit images, Keras' ``rescale=1/255``), it learns nothing
# from the data and is exactly ``X / 16``.
from sklearn.preprocessing import MinMaxScaler

from sklearn_dlprep import ChannelMinMaxScaler

normalisers = {
    "MinMaxScaler\n(per pixel)": MinMaxScaler(),
    "ChannelMinMaxScaler\n(per channel)": ChannelMinMaxScaler(sample_shape=(8, 8)),
}
normalised = {name: scaler.fit(X).transform(X) for name, scaler in normalisers.items()}
fixed = ChannelMinMaxScaler(value_range=(0, 16), sample_shape=(8, 8)).fit_transform(X)
print("value_range=(0, 16) equals X / 16:", np.allclose(fixed, X / 16))

fig, axes = plt.subplots(3, 3, figsize=(5.4, 5.6), layout="constrained")
for row, index in zip(axes, [87, 502, 1264], strict=True):
    row[0].imshow(X[index].reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
    for ax, values in zip(row[1:], normalised.values(), strict=True):
        shown = ax.imshow(values[index].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    stretched_rows, stretched_cols = np.nonzero(
        (normalised["MinMaxScaler\n(per pixel)"][index] - X[index] / 16).reshape(8, 8)
        > 0.5)
    row[1].scatter(stretched_cols, stretched_rows, marker="s", s=180,
                   facecolors="none", edgecolors="tab:red", linewidths=1.5)
    for ax in row:
        ax.set_xticks([])
        ax.set_yticks([])
for ax, title in zip(axes[0], ["original (0..16)", *normalised], strict=True):
    ax.set_title(title, fontsize=8)
fig.colorbar(shown, ax=axes, shrink=0.6, label="scaled value")
plt.show()

# %%
# Colour images: one statistic per channel
# ----------------------------------------
# On an RGB photograph, :class:`~sklearn_dlprep.ChannelStandardizer` learns three
# means and three standard deviations, over every pixel, and keeps the
# ``(H, W, 3)`` layout; uint8 input gives float32 output, not float64.
from sklearn.datasets import load_sample_image

photos = np.stack([load_sample_image(name)[::4, ::4]
                   for name in ("china.jpg", "flower.jpg")])   # (2, 107, 160, 3)
channel_scaler = ChannelStandardizer().fit(photos)
print("means per channel:", np.round(channel_scaler.mean_, 1))
print("stds per channel: ", np.round(channel_scaler.scale_, 1))
standardized = channel_scaler.transform(photos)
print(standardized.shape, standardized.dtype)

# %%
# Scaling speeds up training
# --------------------------
# The same logistic regression reaches its optimum in far fewer iterations of its
# solver on standardised inputs.
from sklearn.linear_model import LogisticRegression

channel_scaled = scaled["ChannelStandardizer\n(per channel)"]
for name, data in [("raw pixels (0..16)", X), ("ChannelStandardizer", channel_scaled)]:
    clf = LogisticRegression(max_iter=5000).fit(data, y)
    print(f"{name:>20}: {clf.n_iter_[0]} solver iterations")
