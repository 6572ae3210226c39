"""Instances of the public estimators that cannot be built without arguments.

The meta-estimators need an estimator and an augmenter; Compose needs
steps. The suites that discover
every public estimator (test_common.py, test_bad_input.py) build them here, as
scikit-learn's own suite does for its meta-estimators.
"""

from sklearn.linear_model import LogisticRegression, Ridge, SGDClassifier, SGDRegressor

import sklearn_dlprep


def _augmenter():
    return sklearn_dlprep.ArrayAugmenter(width_shift_range=0.1)


CONFIGURED = {
    "ImageFileReader": lambda: sklearn_dlprep.ImageFileReader((8, 8)),
    # A fused geometric run and a pointwise pass; the brightness range is wide
    # because the checks feed data of any sign and scale.
    "Compose": lambda: sklearn_dlprep.Compose(
        [("flip", sklearn_dlprep.RandomFlip("horizontal")),
         ("light", sklearn_dlprep.RandomBrightness(0.1, value_range=(-1e3, 1e3)))],
        random_state=0),
    "AugmentedEpochsClassifier": lambda: sklearn_dlprep.AugmentedEpochsClassifier(
        SGDClassifier(random_state=0), _augmenter(), epochs=3, random_state=0),
    "AugmentedEpochsRegressor": lambda: sklearn_dlprep.AugmentedEpochsRegressor(
        SGDRegressor(random_state=0), _augmenter(), epochs=3, random_state=0),
    "TestTimeAugmentationClassifier":
        lambda: sklearn_dlprep.TestTimeAugmentationClassifier(
            LogisticRegression(), _augmenter(), n_views=2, random_state=0),
    "TestTimeAugmentationRegressor":
        lambda: sklearn_dlprep.TestTimeAugmentationRegressor(
            Ridge(), _augmenter(), n_views=2, random_state=0),
}


def construct(cls, **params):
    """``cls(**params)``, or a configured instance with ``params`` set when the
    class has required arguments."""
    configured = CONFIGURED.get(cls.__name__)
    return cls(**params) if configured is None else configured().set_params(**params)
