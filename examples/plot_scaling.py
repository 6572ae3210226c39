"""
=====================================================
Scaling images: per pixel, per channel, per sample
=====================================================

scikit-learn's :class:`~sklearn.preprocessing.StandardScaler` learns one mean and
one standard deviation per column, which for images means per *pixel*. Deep
learning standardises per *channel* (:class:`~sklearn_dlprep.ChannelStandardizer`),
per *sample* (:class:`~sklearn_dlprep.SampleStandardizer`), or whitens
(:class:`~sklearn_dlprep.ZCAWhitener`). This example shows what each does to
images, and that scaling speeds up training. See the user guide's :ref:`scaling`.
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
