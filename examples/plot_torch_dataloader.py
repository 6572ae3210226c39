"""
===============================================
A PyTorch DataLoader with two workers on a flow
===============================================

Once torch is imported, a flow is a ``torch.utils.data.IterableDataset``: a
``DataLoader`` with ``batch_size=None`` (the flow yields whole batches) and worker
processes makes the augmented batches in parallel. Each worker asks torch which
worker it is and makes its own share of every epoch, so an epoch has every row
exactly once, and every epoch brings new draws, also when torch starts new workers
at every epoch (``persistent_workers=False``, the default). See the user guide's
:ref:`training_loops_torch`.

This example runs where torch is installed; elsewhere (torch is not a dependency)
the documentation shows the code without running it. On macOS and Windows, where
worker processes are spawned rather than forked, put the loops under
``if __name__ == "__main__":``.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

# %%
# Data
# ----
# The 8x8 digits as ``(n, 1, 8, 8)`` float32 images, channels first as PyTorch
# wants them; ``data_format="channels_first"`` tells the augmenter so.
import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader

from sklearn_dlprep import ArrayAugmenter, train_val_test_split

X, y = load_digits(return_X_y=True)
X = (X / 16).astype(np.float32).reshape(-1, 1, 8, 8)
X_train, X_val, X_test, y_train, y_val, y_test = train_val_test_split(
    X, y, val_size=0.3, test_size=0.2, stratify=y, random_state=0)
augmenter = ArrayAugmenter(rotation_range=10, width_shift_range=0.1,
                           height_shift_range=0.1, fill_mode="constant",
                           data_format="channels_first")

# %%
# Two workers share every epoch
# -----------------------------
# With row numbers as labels, the batches tell which rows an epoch holds: each
# row once, in ``len(flow)`` batches, whatever the number of workers. The flow is
# made after ``import torch`` (before it, it would not be an IterableDataset).
# ``random_state`` alone reproduces the workers' draws; torch needs no seed for
# them.
rows = augmenter.flow(X_train, np.arange(len(X_train)), batch_size=32,
                      random_state=0)
loader = DataLoader(rows, batch_size=None, num_workers=2)
for epoch in range(2):
    batches = list(loader)
    seen = torch.cat([row_ids for _, row_ids in batches])
    print(f"epoch {epoch}: {len(batches)} batches (len(flow) = {len(rows)}), "
          f"{len(seen)} rows, {seen.unique().numel()} distinct")

# %%
# A training loop
# ---------------
# The loader yields tensors: ``X_batch`` float32, ``y_batch`` int64.
batches = augmenter.flow(X_train, y_train, batch_size=32, random_state=0)
loader = DataLoader(batches, batch_size=None, num_workers=2)

torch.manual_seed(0)  # the model's initial weights (the flow needs no torch seed)
model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Flatten(), nn.Linear(16 * 4 * 4, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
X_val_t, y_val_t = torch.from_numpy(X_val), torch.from_numpy(y_val)
accuracy = []
for _ in range(30):
    model.train()
    for X_batch, y_batch in loader:  # new draws at every epoch
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(X_batch), y_batch)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        accuracy.append((model(X_val_t).argmax(dim=1) == y_val_t).float().mean()
                        .item())

fig, ax = plt.subplots(figsize=(6, 3.4), layout="constrained")
ax.plot(np.arange(1, len(accuracy) + 1), accuracy)
ax.set_xlabel("epoch")
ax.set_ylabel("validation accuracy")
plt.show()

# %%
# Test accuracy, once, at the end
# -------------------------------
with torch.no_grad():
    predicted = model(torch.from_numpy(X_test)).argmax(dim=1).numpy()
print(f"test accuracy {np.mean(predicted == y_test):.3f}")
