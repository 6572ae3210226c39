"""
====================================================
Augment after the split: leakage in cross-validation
====================================================

Augmenting the whole training set and *then* cross-validating puts augmented copies
of an image on both sides of every split: the model is scored on near-duplicates of
what it was trained on, and the cross-validation score is too good. In an
:class:`imblearn.pipeline.Pipeline`, :class:`~sklearn_dlprep.ArrayAugmenter` runs
only when the pipeline is fitted, on the training folds, and the score is honest.
See the user guide's :ref:`model_selection`.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

# %%
# Data and model
# --------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import KFold, cross_val_score
from sklearn.svm import SVC

from sklearn_dlprep import ArrayAugmenter, train_val_test_split

X, y = load_digits(return_X_y=True)
X_train, _, X_test, y_train, _, y_test = train_val_test_split(
    X, y, val_size=0.1, test_size=0.3, stratify=y, random_state=0)
X_train, y_train = X_train[:400], y_train[:400]        # a small training part
augmenter = ArrayAugmenter(rotation_range=8, zoom_range=0.08, n_copies=3,
                           fill_mode="constant", sample_shape=(8, 8), random_state=0)
model = SVC(gamma=0.001)
# Shuffled folds: augmented copies sit right after their originals otherwise.
cv = KFold(5, shuffle=True, random_state=0)

# %%
# Wrong: augment, then cross-validate
# -----------------------------------
X_aug, y_aug = augmenter.fit_resample(X_train, y_train)
leaky = cross_val_score(model, X_aug, y_aug, cv=cv)

# %%
# Right: augmentation inside the pipeline
# ---------------------------------------
# The sampler augments the four training folds at every fit; the fifth fold is
# scored as it is.
from imblearn.pipeline import make_pipeline

pipe = make_pipeline(augmenter, model)
honest = cross_val_score(pipe, X_train, y_train, cv=cv)
test_score = pipe.fit(X_train, y_train).score(X_test, y_test)

for name, value in [("augment, then cross-validate", leaky.mean()),
                    ("augment inside the pipeline", honest.mean()),
                    ("held-out test part", test_score)]:
    print(f"{name:>30}: {value:.3f}")

fig, ax = plt.subplots(figsize=(6, 2.6), layout="constrained")
labels = ["augment, then CV\n(leaky)", "augment in the pipeline\n(CV)",
          "held-out test part"]
values = [leaky.mean(), honest.mean(), test_score]
bars = ax.barh(labels, values, color=["tab:red", "tab:blue", "tab:gray"])
ax.bar_label(bars, fmt="%.3f", padding=3)
ax.set_xlim(min(values) - 0.05, 1.0)
ax.set_xlabel("accuracy")
ax.invert_yaxis()
plt.show()

# %%
# The pipeline's cross-validation score estimates the test score; the leaky one
# overestimates it, and would choose the wrong parameters in a grid search (the
# more copies, the more leakage, the better it looks).
from sklearn.model_selection import GridSearchCV

search = GridSearchCV(pipe, {"arrayaugmenter__n_copies": [1, 3]}, cv=cv)
search.fit(X_train, y_train)
print("n_copies chosen without leakage:", search.best_params_,
      f"(cv score {search.best_score_:.3f})")
print("scores per n_copies:", np.round(search.cv_results_["mean_test_score"], 3))
