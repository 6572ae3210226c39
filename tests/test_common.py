"""Every public estimator passes scikit-learn's and imbalanced-learn's checks.

Estimators are discovered from ``sklearn_dlprep.__all__``, so a new one is checked
without anyone remembering to add it here.
"""

import inspect
from unittest import SkipTest

import pytest
from imblearn.utils import estimator_checks as imblearn_checks
from meta_instances import construct
from sklearn.base import BaseEstimator
from sklearn.utils import estimator_checks as sklearn_checks
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

import sklearn_dlprep
from sklearn_dlprep.operations import Operation

# Augmentation preserves any target, so ArrayAugmenter accepts what a balancing
# sampler must refuse (API.md, Conformance); tests of its own cover those targets.
ARRAY_AUGMENTER_XFAILS = {
    "check_target_type": "an augmenter preserves continuous targets instead of "
                         "refusing them (tested in test_augmenter.py)",
    "check_samplers_one_label": "an augmenter preserves a single-class target "
                                "instead of refusing it (tested in test_augmenter.py)",
}

# scikit-learn's checks feed numeric arrays as X. ImageFileReader reads a column of
# file paths, so it refuses numbers (TypeError) and these checks cannot apply; the
# API checks (clone, repr, get/set_params, init, tags, sparse refusal) do run and
# pass. What the data checks guard is tested on real files in test_readers.py,
# named after each reason.
_NUMBERS_NOT_PATHS = "fits or transforms a numeric array, not a column of file paths"
IMAGE_FILE_READER_XFAILS = {
    check: f"{_NUMBERS_NOT_PATHS}; {substitute}" for check, substitute in {
        "check_fit_score_takes_y": "the pipeline tests fit(paths, y)",
        "check_estimators_overwrite_params":
            "test_fit_reads_no_file_and_returns_self",
        "check_dont_overwrite_parameters": "test_fit_reads_no_file_and_returns_self",
        "check_estimators_fit_returns_self": "test_fit_reads_no_file_and_returns_self",
        "check_readonly_memmap_input": "paths are not memory-mapped arrays",
        "check_n_features_in_after_fitting":
            "test_fit_reads_no_file_and_returns_self",
        "check_n_features_in": "test_fit_reads_no_file_and_returns_self",
        "check_positive_only_tag_during_fit": "numbers are refused whatever sign",
        "check_estimators_dtypes": "output dtype: test_16_bit_png_stays_uint16",
        "check_complex_data": "test_bad_columns_are_refused_with_a_reason",
        "check_dtype_object": "test_bad_columns_are_refused_with_a_reason",
        "check_estimators_empty_data_messages":
            "test_bad_columns_are_refused_with_a_reason",
        "check_estimators_nan_inf": "test_nan_in_a_series_names_the_row",
        "check_fit1d": "test_bad_columns_are_refused_with_a_reason",
        "check_fit2d_1sample": "one path is read in test_pure_red_is_red",
        "check_fit2d_1feature": "test_every_column_container_gives_the_same_images",
        "check_fit2d_predict1d": "test_every_column_container_gives_the_same_images",
        "check_f_contiguous_array_estimator": "paths have no memory layout",
        "check_transformer_data_not_an_array":
            "test_every_column_container_gives_the_same_images",
        "check_transformer_general":
            "test_every_column_container_gives_the_same_images",
        "check_transformers_unfitted_stateless":
            "test_transform_needs_no_fit_and_leaves_the_reader_unchanged",
        "check_fit_check_is_fitted":
            "test_transform_needs_no_fit_and_leaves_the_reader_unchanged",
        "check_dict_unchanged":
            "test_transform_needs_no_fit_and_leaves_the_reader_unchanged",
        "check_estimators_pickle": "test_clone_and_pickle_read_the_same",
        "check_fit_idempotent": "test_clone_and_pickle_read_the_same",
        "check_pipeline_consistency": "test_pipeline_cross_validates_from_paths",
        "check_methods_sample_order_invariance":
            "test_row_order_and_subsets_are_respected",
        "check_methods_subset_invariance": "test_row_order_and_subsets_are_respected",
    }.items()
}

# Estimators whose constructor has a required argument.
def _public_classes():
    return [
        obj for name in sklearn_dlprep.__all__
        if inspect.isclass(obj := getattr(sklearn_dlprep, name))
        and issubclass(obj, BaseEstimator)
    ]


def _public_estimator_classes():
    """Estimators that are fitted; operations only hold parameters for Compose."""
    return [cls for cls in _public_classes() if not issubclass(cls, Operation)]


def _operation_classes():
    return [cls for cls in _public_classes() if issubclass(cls, Operation)]


# What an operation needs to be constructed (the rest of its parameters default).
OPERATION_ARGS = {"RandomBrightness": {"factor": 0.2}}
OPERATION_ARGS.update({
    "RandomRotation": {"factor": 0.1},
    "RandomTranslation": {"height_factor": 0.1, "width_factor": 0.1},
    "RandomZoom": {"height_factor": 0.1},
    "RandomContrast": {"factor": 0.2},
    "RandomSaturation": {"factor": 0.2},
    "RandomHue": {"factor": 0.2},
    "RandomColorDegeneration": {"factor": 0.2},
    "RandomPosterization": {"factor": 4},
    "RandomSharpness": {"factor": 0.2},
})


def _seeded(estimator):
    """Fix random_state, as imbalanced-learn's own suite does before its checks
    (they compare two calls, e.g. dense against sparse input)."""
    if "random_state" in estimator.get_params():
        estimator.set_params(random_state=0)
    return estimator


def _instances():
    """Default instances, plus configurations that exercise real augmentation."""
    instances = [_seeded(construct(cls)) for cls in _public_estimator_classes()]
    augmenter = sklearn_dlprep.ArrayAugmenter
    instances.append(augmenter(width_shift_range=0.2, zoom_range=0.1,
                               horizontal_flip=True, noise_std=0.01, n_copies=2,
                               random_state=0))
    # The per-channel scalers in channels-first configurations (on the checks'
    # 2-D data a sample has no channel axis, so they must behave as the default).
    instances.append(sklearn_dlprep.ChannelStandardizer(
        data_format="channels_first", spatial_ndim=1))
    instances.append(sklearn_dlprep.ChannelMinMaxScaler(
        (-1, 1), clip=True, data_format="channels_first"))
    if hasattr(sklearn_dlprep, "BalancingResampler"):
        balancer = sklearn_dlprep.BalancingResampler
        instances.append(balancer(augmenter(width_shift_range=0.1, random_state=0),
                                  random_state=0))
    # Fresh epochs made by a BalancingResampler, and class-balanced epochs with
    # early stopping (a validation part large enough for the checks' 20 rows).
    from sklearn.linear_model import SGDClassifier

    epochs = sklearn_dlprep.AugmentedEpochsClassifier
    instances.append(epochs(SGDClassifier(random_state=0),
                            sklearn_dlprep.BalancingResampler(
                                augmenter(width_shift_range=0.1)),
                            epochs=3, random_state=0))
    instances.append(epochs(SGDClassifier(random_state=0),
                            augmenter(width_shift_range=0.1), balance=True,
                            n_copies=2, early_stopping=True, validation_fraction=0.3,
                            epochs=4, random_state=0))
    return instances


def _expected_failures(estimator):
    if isinstance(estimator, (sklearn_dlprep.ArrayAugmenter, sklearn_dlprep.Compose)):
        return ARRAY_AUGMENTER_XFAILS
    if isinstance(estimator, sklearn_dlprep.ImageFileReader):
        return IMAGE_FILE_READER_XFAILS
    return {}


def test_every_public_estimator_is_checked():
    """The discovery finds the public estimators named in API.md."""
    names = {cls.__name__ for cls in _public_estimator_classes()}
    assert names == {"ArrayAugmenter", "BalancingResampler", "ChannelStandardizer",
                     "ChannelMinMaxScaler", "Compose", "ImageFileReader",
                     "SampleStandardizer", "ZCAWhitener", "AugmentedEpochsClassifier",
                     "AugmentedEpochsRegressor", "TestTimeAugmentationClassifier",
                     "TestTimeAugmentationRegressor"}


def _check_id(estimator, check):
    name = getattr(check, "func", check).__name__
    keywords = getattr(check, "keywords", None)
    if keywords:
        arguments = ",".join(f"{key}={value}" for key, value in keywords.items())
        name += f"({arguments})"
    return "-".join([" ".join(repr(estimator).split()), name])


def _check_params(generator, **kwargs):
    """The checks of ``generator`` (scikit-learn's or imbalanced-learn's) for
    every instance, as pytest parameters ``(estimator, check, expected_failure)``.

    An expected failure is a case that must raise, with its reason: what
    ``xfail(strict=True)`` checks (if the library changes the check, we want to
    know), without pytest rendering a traceback of scikit-learn's 5,000-line
    checks module for each, which took 17 of this file's 33 seconds.
    """
    params = []
    for estimator in _instances():
        if generator is imblearn_checks and not hasattr(estimator, "fit_resample"):
            continue
        for item in generator.estimator_checks_generator(
                estimator, expected_failed_checks=_expected_failures(estimator),
                mark="xfail", **kwargs):
            if hasattr(item, "marks"):
                (estimator_, check) = item.values
                reason = item.marks[0].kwargs["reason"]
            else:
                (estimator_, check), reason = item, None
            params.append(pytest.param(estimator_, check, reason,
                                       id=_check_id(estimator_, check)))
    return params


def _run(estimator, check, expected_failure):
    if expected_failure is None:
        check(estimator)
        return
    with pytest.raises(Exception) as excinfo:  # noqa: PT011 - any failure
        check(estimator)
    assert not isinstance(excinfo.value, SkipTest), (
        f"expected to fail ({expected_failure}), but the check skipped itself: "
        f"{excinfo.value}")


@pytest.mark.parametrize("estimator, check, expected_failure",
                         _check_params(sklearn_checks, xfail_strict=True))
def test_sklearn_compatible_estimator(estimator, check, expected_failure):
    """scikit-learn's check_estimator suite; expected failures must fail."""
    _run(estimator, check, expected_failure)


@pytest.mark.parametrize("estimator, check, expected_failure",
                         _check_params(imblearn_checks))
def test_imblearn_compatible_sampler(estimator, check, expected_failure):
    """imbalanced-learn's sampler checks; expected failures must fail."""
    _run(estimator, check, expected_failure)


OPERATION_CHECKS = [check_parameters_default_constructible, check_get_params_invariance,
                    check_set_params, check_no_attributes_set_in_init]


@pytest.mark.parametrize("check", OPERATION_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("cls", _operation_classes(), ids=lambda c: c.__name__)
def test_operations_are_clean_parameter_holders(cls, check):
    """Operations only hold parameters: scikit-learn's checks of construction,
    get_params and set_params pass, so clone and GridSearchCV work on them."""
    operation = cls(**OPERATION_ARGS.get(cls.__name__, {}))
    check(cls.__name__, operation)
