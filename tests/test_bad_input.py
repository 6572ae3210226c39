"""Bad input, across every public estimator and function: a clear error, nothing lost.

Estimators and functions are discovered from ``sklearn_dlprep.__all__``; every entry
point an estimator has (``fit_resample``, ``fit``, ``partial_fit``, ``transform``,
``inverse_transform``, ``augment``, ``apply_params``, ``sample_params``, ``flow``) is
driven with each bad input that applies to it. Each case asserts the exception type,
that the message names the parameter, value, rows or shape at fault, and that the
caller's arrays (and the estimator's parameters) are unchanged afterwards.

Where an estimator declares that it accepts an input (``allow_nan`` and ``sparse``
input tags: ``BalancingResampler`` without an augmenter only copies rows, as
``RandomOverSampler`` does), the case checks that the input is accepted instead.
"""

import copy
import inspect
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils import get_tags

import sklearn_dlprep
from sklearn_dlprep.utils import _memory

N_SAMPLES = 12
SAMPLE_SHAPE = (6, 6, 3)
N_FEATURES = 108
# Imbalanced, so that balancing creates rows (and runs the augmenter).
Y = np.array([0] * 8 + [1] * 4)


def _images(dtype=np.float32, shape=SAMPLE_SHAPE):
    return np.random.default_rng(0).random((N_SAMPLES, *shape)).astype(dtype)


def _flat(dtype=np.float32):
    return _images(dtype).reshape(N_SAMPLES, -1)


def _with(value, rows, X=None):
    X = _images() if X is None else X
    X.reshape(len(X), -1)[rows, 7] = value
    return X


def _object_with(value):
    X = _flat().astype(object)
    X[3, 5] = value
    return X


def _frame_with(column, values):
    frame = pd.DataFrame(_flat(), columns=[f"p{i}" for i in range(N_FEATURES)])
    frame[column] = values
    return frame


# Discovery -------------------------------------------------------------------------

PUBLIC = {name: getattr(sklearn_dlprep, name) for name in sklearn_dlprep.__all__}
# ImageFileReader takes file paths, not arrays: its bad input (numbers, missing
# paths, unreadable files) is tested in test_readers.py.
ESTIMATORS = [obj for obj in PUBLIC.values()
              if inspect.isclass(obj) and issubclass(obj, BaseEstimator)
              and obj is not sklearn_dlprep.ImageFileReader]
FUNCTIONS = [obj for obj in PUBLIC.values()
             if not inspect.isclass(obj) and callable(obj)]

# Values that make an estimator do real work, set wherever the parameter exists.
ACTIVE_PARAMS = {
    "random_state": lambda: 0,
    "width_shift_range": lambda: 0.1,
    "augmenter": lambda: sklearn_dlprep.ArrayAugmenter(width_shift_range=0.1,
                                                       random_state=0),
}


def _variants():
    """(id, factory) of instances to test: each class with active parameters, and
    a class that takes an augmenter also without one."""
    variants = []
    for cls in ESTIMATORS:
        names = cls().get_params(deep=False)
        active = {name: make for name, make in ACTIVE_PARAMS.items() if name in names}

        def factory(cls=cls, active=active, **overrides):
            return cls(**{**{name: make() for name, make in active.items()},
                          **overrides})

        variants.append((cls.__name__, factory))
        if "augmenter" in names:
            variants.append((f"{cls.__name__}(augmenter=None)",
                             lambda factory=factory: factory(augmenter=None)))
    return variants


VARIANTS = _variants()

# Entry points, and the ones that only read the data's shape, learn from it, or
# need labels.
ENTRY_POINTS = ("fit_resample", "fit", "partial_fit", "partial_fit_again",
                "transform", "inverse_transform", "augment", "apply_params",
                "sample_params", "flow", "flow_balanced")
DATA_ENTRIES = frozenset(ENTRY_POINTS) - {"sample_params"}
TRAIN_ENTRIES = frozenset({"fit_resample", "fit", "partial_fit", "augment",
                           "apply_params", "sample_params", "flow"})
Y_ENTRIES = frozenset({"fit_resample", "fit", "flow", "flow_balanced"})
FITTED_ENTRIES = frozenset({"transform", "inverse_transform", "partial_fit_again"})


def _has_entry(estimator, entry):
    method = {"partial_fit_again": "partial_fit",
              "flow_balanced": "flow"}.get(entry, entry)
    return hasattr(estimator, method)


def _n_rows(X):
    return np.shape(X)[0] if np.ndim(X) or sp.issparse(X) else 0


def _clean_like(X):
    """Clean float data with the layout of ``X``, to fit before a fitted entry."""
    shape = np.shape(X) if not sp.issparse(X) else X.shape
    if len(shape) >= 2 and np.prod(shape) > 0:
        return np.random.default_rng(1).random(shape).astype(np.float32)
    return _images()


def _call(estimator, entry, X, y, draw=None, X_fit=None):
    """Drive one entry point to the end (flows are iterated over one epoch)."""
    if entry == "fit_resample":
        return estimator.fit_resample(X, y)
    if entry == "fit":
        return estimator.fit(X, y)
    if entry == "partial_fit":
        return estimator.partial_fit(X)
    if entry in FITTED_ENTRIES:
        estimator.fit(_clean_like(X) if X_fit is None else X_fit)
        method = "partial_fit" if entry == "partial_fit_again" else entry
        return getattr(estimator, method)(X)
    if entry == "augment":
        return estimator.augment(X)
    if entry == "apply_params":
        if draw is None:
            draw = {"tx": np.ones(_n_rows(X))}
        return estimator.apply_params(X, draw)
    if entry == "sample_params":
        return estimator.sample_params(X)
    if entry in ("flow", "flow_balanced"):
        return list(estimator.flow(X, y, batch_size=5,
                                   balance=entry == "flow_balanced"))
    raise AssertionError(f"unknown entry point {entry}")


def _param_path(estimator, name):
    """Where parameter ``name`` lives: the estimator's own, else a nested one."""
    params = estimator.get_params(deep=True)
    if name in params:
        return name
    nested = [key for key in params if key.endswith(f"__{name}")]
    return nested[0] if nested else None


def _snapshot(value):
    if sp.issparse(value):
        return value.copy()
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=True)
    return copy.deepcopy(value)


def _assert_unchanged(before, after):
    if sp.issparse(before):
        assert type(after) is type(before)
        np.testing.assert_array_equal(after.toarray(), before.toarray())
    elif isinstance(before, pd.DataFrame):
        pd.testing.assert_frame_equal(after, before)
    elif isinstance(before, np.ndarray) and before.dtype == object:
        assert after.dtype == object and after.shape == before.shape
        assert all(a is b or a == b for a, b in zip(after.ravel(), before.ravel(),
                                                    strict=True))
    elif before is None:
        assert after is None
    else:
        np.testing.assert_array_equal(after, before)  # NaN == NaN here


def _params_repr(estimator):
    return {key: repr(value) for key, value in estimator.get_params(deep=True).items()}


# Cases -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """One bad input: what to pass, what to expect, and where it applies."""

    id: str
    error: type
    match: str
    X: Callable[[], Any] = _images
    y: Callable[[], Any] = lambda: Y.copy()
    params: dict = field(default_factory=dict)
    entries: frozenset = DATA_ENTRIES
    needs: Callable[[Any, str], bool] = lambda estimator, entry: True
    accepted_if_tag: str = ""
    draw: Callable[[int], dict] = None
    X_fit: Callable[[], Any] = None  # what fitted entries fit on; default: clean X


def _has_params(*names):
    return lambda estimator, entry: all(_param_path(estimator, n) for n in names)


def _needs_classes(estimator, entry):
    """Balancing: the estimators with a sampling_strategy, and balanced flows."""
    if entry == "flow_balanced":
        return True
    return _param_path(estimator, "sampling_strategy") is not None


def _takes_y(estimator, entry):
    """Entry points that read y: flows, and a sampler's fit (a transformer's does
    not)."""
    return entry.startswith("flow") or hasattr(estimator, "fit_resample")


def _stateful(estimator, entry):
    return get_tags(estimator).requires_fit


NAN_ROWS = r"first rows at fault: \[{}\]"

X_CASES = [
    Case("nan", ValueError, r"Input X contains NaN \(" + NAN_ROWS.format("2, 7"),
         X=lambda: _with(np.nan, [2, 7]), accepted_if_tag="allow_nan"),
    Case("nan-float64-flat", ValueError, r"NaN \(" + NAN_ROWS.format("11"),
         X=lambda: _with(np.nan, [11], _flat(np.float64)), accepted_if_tag="allow_nan"),
    Case("inf", ValueError, r"Input X contains infinity \(" + NAN_ROWS.format("5"),
         X=lambda: _with(np.inf, [5]), accepted_if_tag="allow_nan"),
    Case("minus-inf", ValueError, r"infinity \(" + NAN_ROWS.format("0, 3"),
         X=lambda: _with(-np.inf, [0, 3]), accepted_if_tag="allow_nan"),
    Case("nan-and-inf", ValueError, r"NaN \(" + NAN_ROWS.format("1, 4"),
         X=lambda: _with(np.inf, [4], _with(np.nan, [1])), accepted_if_tag="allow_nan"),
    Case("object-none-is-nan", ValueError, r"NaN \(" + NAN_ROWS.format("3"),
         X=lambda: _object_with(None), accepted_if_tag="allow_nan"),
    Case("strings", TypeError, r"X must hold numbers, got an array of dtype <U3 "
         r"\(strings\)", X=lambda: np.full((N_SAMPLES, N_FEATURES), "0.5")),
    Case("bytes", TypeError, r"dtype \|S1 \(strings\)",
         X=lambda: np.full((N_SAMPLES, N_FEATURES), b"a")),
    Case("list-of-strings", TypeError, r"dtype <U1 \(strings\)",
         X=lambda: [["a"] * 4 for _ in range(N_SAMPLES)]),
    Case("complex", ValueError, r"Complex data not supported: X has dtype complex64",
         X=lambda: _images().astype(np.complex64)),
    Case("object-strings", TypeError,
         r"object array .*could not convert string to float: 'three'",
         X=lambda: _object_with("three")),
    Case("object-dicts", TypeError,
         r"object array .*float\(\) argument must be a string or a real number",
         X=lambda: _object_with({"a": 1})),
    Case("dataframe-string-column", TypeError, r"columns \['p7'\] of X hold other",
         X=lambda: _frame_with("p7", ["x"] * N_SAMPLES)),
    Case("dataframe-complex-column", ValueError,
         r"Complex data not supported: columns \['p3'\]",
         X=lambda: _frame_with("p3", np.ones(N_SAMPLES) * 1j)),
    Case("datetime", TypeError, r"X must hold real numbers, got dtype datetime64",
         X=lambda: np.zeros((N_SAMPLES, 4), dtype="datetime64[s]")),
    Case("empty", ValueError, r"0 sample\(s\) \(shape=\(0, 6, 6, 3\)\)",
         X=lambda: _images()[:0], y=lambda: Y[:0]),
    Case("zero-features", ValueError, r"0 feature\(s\) \(shape=\(12, 0\)\)",
         X=lambda: np.zeros((N_SAMPLES, 0), dtype=np.float32)),
    Case("zero-size-axis", ValueError, r"0 feature\(s\) \(shape=\(12, 6, 0, 3\)\)",
         X=lambda: np.zeros((N_SAMPLES, 6, 0, 3), dtype=np.float32)),
    Case("1-d", ValueError, r"Expected 2D array, got 1D array",
         X=lambda: _images()[:, 0, 0, 0],
         entries=DATA_ENTRIES | {"sample_params"}),
    *[Case(f"sparse-{fmt}", TypeError,
           r"does not accept scipy sparse matrices: .*Pass a dense array",
           X=lambda fmt=fmt: sp.random(N_SAMPLES, N_FEATURES, density=0.3,
                                       format=fmt, random_state=0, dtype=np.float32),
           accepted_if_tag="sparse")
      for fmt in ("csr", "csc", "coo")],
]
# augment, apply_params and flow have no estimator name to give
X_CASES = [
    case if not case.id.startswith("sparse") else Case(
        case.id, case.error, r"(does not accept|are not accepted).* sparse|"
        r"sparse matrices.*Pass a dense array", X=case.X,
        accepted_if_tag=case.accepted_if_tag)
    for case in X_CASES
]

LAYOUT_ENTRIES = TRAIN_ENTRIES
LAYOUT_CASES = [
    Case("sample_shape-vs-n_features", ValueError,
         r"sample_shape=\(5, 5\) holds 25 values but X has 108 features",
         X=_flat, params={"sample_shape": (5, 5)}, entries=LAYOUT_ENTRIES,
         needs=_has_params("sample_shape")),
    Case("sample_shape-vs-nd-X", ValueError,
         r"X has samples of shape \(6, 6, 3\) but sample_shape=\(6, 6\)",
         params={"sample_shape": (6, 6)}, entries=LAYOUT_ENTRIES,
         needs=_has_params("sample_shape")),
    Case("sample_shape-same-size-other-shape", ValueError,
         r"X has samples of shape \(6, 6, 3\) but sample_shape=\(3, 6, 6\)",
         params={"sample_shape": (3, 6, 6)}, entries=LAYOUT_ENTRIES,
         needs=_has_params("sample_shape")),
    Case("rank-4-samples", ValueError, r"rank 4 \(shape \(2, 3, 6, 3\)\)",
         X=lambda: _images(shape=(2, 3, 6, 3)), entries=LAYOUT_ENTRIES,
         needs=_has_params("sample_shape")),
    Case("spatial_ndim-vs-rank", ValueError,
         r"shape \(6, 6, 3\) cannot have spatial_ndim=1",
         params={"spatial_ndim": 1}, entries=LAYOUT_ENTRIES,
         needs=_has_params("spatial_ndim")),
    Case("n_features-differs-from-fit", ValueError,
         r"X has 27 features, but \w+ is expecting 108 features",
         X=lambda: _flat()[:, :27], X_fit=_images, entries=FITTED_ENTRIES),
    Case("sample-shape-differs-from-fit", ValueError,
         r"X has samples of shape \(6, 18\) but \w+ was fitted on samples of "
         r"shape \(6, 6, 3\)",
         X=lambda: _images().reshape(N_SAMPLES, 6, 18), X_fit=_images,
         entries=FITTED_ENTRIES, needs=_stateful),
]

# Transforms that make no sense for the data: the message says why and what to pass.
_SIGNALS = _flat
MISFIT_CASES = [
    *[Case(f"{name}-on-signals", ValueError,
           rf"{name}={value!r} needs 2-D images\. .*pass {name}=.*"
           r"sample_shape=\(H, W\)",
           X=_SIGNALS, params={name: value}, entries=LAYOUT_ENTRIES,
           needs=_has_params(name))
      for name, value in (("rotation_range", 10), ("shear_range", 5),
                          ("height_shift_range", 0.1), ("vertical_flip", True))],
    Case("rotation-of-multichannel-signals", ValueError,
         r"rotation_range=10 needs 2-D images\. Samples of shape \(36, 3\)",
         X=lambda: _images(shape=(36, 3)),
         params={"rotation_range": 10, "spatial_ndim": 1},
         entries=LAYOUT_ENTRIES, needs=_has_params("rotation_range")),
    Case("channel-shift-on-grey-images", ValueError,
         r"channel_shift_range=0.1 needs a channel axis.*sample_shape=\(6, 6, 1\)",
         X=lambda: _images(shape=(6, 6)), params={"channel_shift_range": 0.1},
         entries=LAYOUT_ENTRIES, needs=_has_params("channel_shift_range")),
    Case("channel-shift-on-signals", ValueError,
         r"channel_shift_range=0.1 needs a channel axis.*sample_shape=\(108, 1\)",
         X=_SIGNALS, params={"channel_shift_range": 0.1}, entries=LAYOUT_ENTRIES,
         needs=_has_params("channel_shift_range")),
    Case("draw-rotating-signals", ValueError,
         r"params\['theta'\] is non-zero .*shape \(108,\): 1-D signals",
         X=_SIGNALS, entries=frozenset({"apply_params"}),
         draw=lambda n: {"theta": np.full(n, 15.0)}),
    Case("draw-shifting-signals-vertically", ValueError,
         r"params\['ty'\] is non-zero .*1-D signals", X=_SIGNALS,
         entries=frozenset({"apply_params"}), draw=lambda n: {"ty": np.ones(n)}),
    Case("draw-channel-shift-on-grey-images", ValueError,
         r"params\['channel_shift_intensity'\] is non-zero .*no channel axis",
         X=lambda: _images(shape=(6, 6)), entries=frozenset({"apply_params"}),
         draw=lambda n: {"channel_shift_intensity": np.full(n, 0.1)}),
    Case("draw-of-other-length", ValueError,
         r"params\['tx'\] has shape \(3,\); expected .*shape \(12,\)",
         entries=frozenset({"apply_params"}), draw=lambda n: {"tx": np.zeros(3)}),
    Case("draw-with-nan", ValueError, r"params\['zx'\] must hold finite real",
         entries=frozenset({"apply_params"}),
         draw=lambda n: {"zx": np.full(n, np.nan)}),
    Case("draw-unknown-key", ValueError, r"Unknown keys in params: \['angle'\]",
         entries=frozenset({"apply_params"}), draw=lambda n: {"angle": np.zeros(n)}),
]

Y_CASES = [
    Case("y-too-short", ValueError,
         r"inconsistent numbers of samples: \[12, 11\]|y has shape \(11,\) but X "
         r"has 12 rows", y=lambda: Y[:11], entries=Y_ENTRIES,
         needs=_takes_y),
    Case("y-too-long", ValueError,
         r"inconsistent numbers of samples: \[12, 13\]|y has shape \(13,\) but X "
         r"has 12 rows", y=lambda: np.r_[Y, 0], entries=Y_ENTRIES,
         needs=_takes_y),
    Case("y-2d-too-short", ValueError,
         r"inconsistent numbers of samples: \[12, 10\]|y has shape \(10, 2\) but X "
         r"has 12 rows", y=lambda: np.zeros((10, 2)), entries=Y_ENTRIES,
         needs=_takes_y),
    Case("y-nan", ValueError, r"Input y contains NaN",
         y=lambda: np.where(np.arange(N_SAMPLES) == 3, np.nan, Y), entries=Y_ENTRIES,
         needs=_takes_y),
    Case("y-inf", ValueError, r"Input y contains infinity|Input y contains NaN",
         y=lambda: np.where(np.arange(N_SAMPLES) == 3, np.inf, Y), entries=Y_ENTRIES,
         needs=_takes_y),
    Case("y-missing", ValueError, r"requires y to be passed, but the target y is None",
         y=lambda: None, entries=frozenset({"fit_resample", "fit"}),
         needs=lambda estimator, entry: hasattr(estimator, "fit_resample")),
    Case("single-class", ValueError, r"y has one class \(0\)|needs at least two "
         r"classes", y=lambda: np.zeros(N_SAMPLES, dtype=int),
         entries=frozenset({"fit_resample", "fit", "flow_balanced"}),
         needs=_needs_classes),
    Case("continuous-y-for-balancing", ValueError, r"Unknown label type: continuous",
         y=lambda: np.linspace(0, 1, N_SAMPLES),
         entries=frozenset({"fit_resample", "fit", "flow_balanced"}),
         needs=_needs_classes),
    Case("balanced-flow-without-y", ValueError, r"balance=True needs class labels",
         y=lambda: None, entries=frozenset({"flow_balanced"})),
]

# Parameter values out of range or of the wrong type, tested wherever the parameter
# exists (nested in a BalancingResampler's augmenter too).
BAD_PARAMS = [
    *[(name, -1, ValueError, rf"{name} must be >= 0, got -1")
      for name in ("rotation_range", "width_shift_range", "height_shift_range",
                   "shear_range", "zoom_range", "channel_shift_range", "noise_std")],
    ("rotation_range", "10", TypeError, r"rotation_range must be a real number"),
    ("width_shift_range", np.nan, ValueError, r"width_shift_range must be a finite"),
    ("noise_std", np.inf, ValueError, r"noise_std must be a finite number >= 0"),
    ("zoom_range", 1.0, ValueError,
     r"zoom_range=1.0 gives the zoom interval \[0.0, 2.0\]; both ends must be > 0"),
    ("zoom_range", (0.0, 1.5), ValueError, r"interval \[0.0, 1.5\]; both ends must"),
    ("zoom_range", (-0.5, 1.5), ValueError, r"interval \[-0.5, 1.5\]; both ends"),
    ("zoom_range", (1.2, 0.8), ValueError, r"zoom_range=\(1.2, 0.8\) must have lo <="),
    ("zoom_range", (0.5, 1.0, 1.5), ValueError, r"zoom_range must be a number or a"),
    ("brightness_range", (-0.5, 1.5), ValueError, r"brightness_range must be None or"),
    ("brightness_range", (1.5, 0.5), ValueError, r"brightness_range=\(1.5, 0.5\)"),
    ("brightness_range", 0.5, ValueError, r"brightness_range must be None or a pair"),
    ("fill_mode", "mirror", ValueError, r"fill_mode must be one of .*got 'mirror'"),
    ("fill_mode", None, ValueError, r"fill_mode must be one of .*got None"),
    ("cval", "white", TypeError, r"cval must be a real number, got 'white'"),
    ("cval", np.nan, ValueError, r"cval must be a finite number, got nan"),
    *[("interpolation_order", value, ValueError,
       rf"interpolation_order must be an int from 0 to 5, got {re.escape(str(value))}")
      for value in (-1, 6, 1.5, True)],
    *[("n_copies", value, ValueError, rf"n_copies must be an int >= 1, got {value}")
      for value in (0, -3, 2.5)],
    ("horizontal_flip", "yes", TypeError, r"horizontal_flip must be True or False"),
    ("keep_original", None, TypeError, r"keep_original must be True or False"),
    ("shuffle", "yes", TypeError, r"shuffle must be True or False, got 'yes'"),
    ("sample_shape", (0, 108), ValueError,
     r"sample_shape must be a non-empty tuple of positive ints.*got \(0, 108\)"),
    ("sample_shape", (-6, -18), ValueError, r"sample_shape must be a non-empty tuple"),
    ("sample_shape", 3.5, TypeError, r"sample_shape must be a tuple of positive ints"),
    ("spatial_ndim", 3, ValueError, r"spatial_ndim must be 1, 2 or None, got 3"),
    ("data_format", "NHWC", ValueError, r"data_format must be one of .*got 'NHWC'"),
    ("random_state", "seed", ValueError, r"random_state must be None, an int"),
    ("n_jobs", 0, ValueError, r"n_jobs must be None or a non-zero int, got 0"),
    ("sampling_strategy", "most", ValueError,
     r"sampling_strategy='most' is not one of"),
    ("sampling_strategy", None, TypeError, r"sampling_strategy must be a str, a float"),
    ("sampling_strategy", -1, ValueError, r"sampling_strategy=-1 would remove every"),
    ("sampling_strategy", 1.5, ValueError, r"'sampling_strategy' is a float, it"),
    ("sampling_strategy", {0: 2}, ValueError,
     r"Originally, there is 8 samples and 2 samples are asked"),
    ("sampling_strategy", {7: 20}, ValueError, r"The \{7\} target class is/are not "),
    ("augmenter", "rotate", TypeError,
     r"augmenter must be an ArrayAugmenter or None, got str"),
    ("with_mean", "yes", TypeError, r"with_mean must be a bool, got 'yes'"),
    ("with_std", None, TypeError, r"with_std must be a bool, got None"),
    ("epsilon", 0, ValueError, r"epsilon == 0, must be > 0"),
    ("epsilon", -1e-3, ValueError, r"epsilon == -0.001, must be > 0"),
    ("epsilon", np.inf, ValueError, r"epsilon must be finite"),
    ("epsilon", "small", TypeError, r"epsilon must be an instance of float"),
]
PARAM_CASES = [
    Case(f"{name}={value!r}", error, match, params={name: value},
         entries=TRAIN_ENTRIES, needs=_has_params(name))
    for name, value, error, match in BAD_PARAMS
]

CASES = X_CASES + LAYOUT_CASES + MISFIT_CASES + Y_CASES + PARAM_CASES


def _battery():
    params = []
    for variant_id, factory in VARIANTS:
        estimator = factory()
        for entry in ENTRY_POINTS:
            if not _has_entry(estimator, entry):
                continue
            for case in CASES:
                if entry in case.entries and case.needs(estimator, entry):
                    if not all(_param_path(estimator, name) for name in case.params):
                        continue
                    params.append(pytest.param(factory, entry, case,
                                               id=f"{variant_id}.{entry}-{case.id}"))
    return params


@pytest.mark.parametrize("factory, entry, case", _battery())
def test_bad_input_is_a_clear_error_and_changes_nothing(factory, entry, case):
    """The exception type and message are right, and the caller's data survives."""
    estimator = factory()
    estimator.set_params(**{_param_path(estimator, name): value
                            for name, value in case.params.items()})
    X, y = case.X(), case.y()
    X_before, y_before = _snapshot(X), _snapshot(y)
    params_before = _params_repr(estimator)
    draw = None if case.draw is None else case.draw(_n_rows(X))
    X_fit = None if case.X_fit is None else case.X_fit()

    tag = case.accepted_if_tag
    if tag and getattr(get_tags(estimator).input_tags, tag):
        _call(estimator, entry, X, y, draw, X_fit)  # declared accepted: must work
    else:
        with pytest.raises(case.error, match=case.match):
            _call(estimator, entry, X, y, draw, X_fit)
    _assert_unchanged(X_before, X)
    _assert_unchanged(y_before, y)
    assert _params_repr(estimator) == params_before


# Requests that would not fit in memory -------------------------------------------

MEMORY_ENTRIES = ("fit_resample", "augment", "apply_params", "flow", "flow_balanced",
                  "transform", "inverse_transform")
AVAILABLE = 1024  # bytes: less than any output below


def _memory_battery():
    return [pytest.param(factory, entry, id=f"{variant_id}.{entry}")
            for variant_id, factory in VARIANTS for entry in MEMORY_ENTRIES
            if _has_entry(factory(), entry)]


@pytest.mark.parametrize("factory, entry", _memory_battery())
def test_output_too_large_for_memory_is_refused_before_allocating(factory, entry,
                                                                   monkeypatch):
    """With little memory available, every entry point that creates data refuses
    with a ValueError that says how many bytes it would need."""
    estimator = factory()
    X = _images()
    X_before = X.copy()
    if entry in FITTED_ENTRIES:
        estimator.fit(X)  # with all the memory: only the transform is tested
        entry = "partial_fit" if entry == "partial_fit_again" else entry
    monkeypatch.setattr(_memory, "available_memory", lambda: AVAILABLE)
    with pytest.raises(ValueError, match=r"([\d,]+) bytes") as excinfo:
        if entry in FITTED_ENTRIES:
            getattr(estimator, entry)(X)
        else:
            _call(estimator, entry, X, Y.copy())
    needed = int(re.search(r"([\d,]+) bytes", str(excinfo.value)).group(1)
                 .replace(",", ""))
    assert needed > AVAILABLE
    np.testing.assert_array_equal(X, X_before)


@pytest.mark.parametrize("name, params", [
    ("ArrayAugmenter", {"n_copies": 10**12}),
    ("BalancingResampler", {"sampling_strategy": 10**12}),
])
def test_absurd_request_is_refused_before_any_allocation(name, params):
    """A request for ~10^12 rows is refused by the memory estimate, with no
    MemoryError from index arrays built before it (real memory, no patch)."""
    if name not in PUBLIC:
        pytest.skip(f"{name} is not public")
    estimator = PUBLIC[name](**params)
    with pytest.raises(ValueError, match=r"would need [\d,]+ bytes .* available"):
        estimator.fit_resample(_flat(), Y)


# Documented acceptances ------------------------------------------------------------

@pytest.mark.parametrize("strategy", ["auto", "all", "not majority", "mean", 6, 20,
                                      {0: 8, 1: 4, 2: 9}])
@pytest.mark.parametrize("with_augmenter", [True, False])
def test_a_class_with_one_row_is_balanced_by_repeating_it(strategy, with_augmenter):
    """One row can be the source of every new row of its class, for every
    strategy: it works, labels follow their rows, and the copies are augmented."""
    for cls in ESTIMATORS:
        if "sampling_strategy" not in cls().get_params():
            continue
        X = _images()
        y = np.array([0] * 7 + [1] * 4 + [2])
        X_before = X.copy()
        augmenter = (sklearn_dlprep.ArrayAugmenter(rotation_range=20, random_state=0)
                     if with_augmenter else None)
        estimator = cls(augmenter, sampling_strategy=strategy, random_state=0)
        X_res, y_res = estimator.fit_resample(X, y)
        counts = Counter(y_res.tolist())
        assert counts[2] >= 1 and set(counts) == {0, 1, 2}
        np.testing.assert_array_equal(y_res, y[estimator.sample_indices_])
        lone = X_res[y_res == 2]
        np.testing.assert_array_equal(estimator.sample_indices_[y_res == 2], 11)
        if with_augmenter and len(lone) > 2:
            assert len({row.tobytes() for row in lone}) == len(lone)
        elif not with_augmenter:
            np.testing.assert_array_equal(lone, np.broadcast_to(X[11], lone.shape))
        np.testing.assert_array_equal(X, X_before)


def test_balanced_flow_repeats_a_class_with_one_row():
    """flow(balance=True) brings a one-row class to the majority count."""
    for cls in ESTIMATORS:
        if not hasattr(cls, "flow"):
            continue
        y = np.array([0] * 11 + [1])
        batches = cls(rotation_range=20).flow(_images(), y, batch_size=5, balance=True,
                                             random_state=0)
        labels = np.concatenate([y_batch for _, y_batch in batches])
        assert Counter(labels.tolist()) == {0: 11, 1: 11}


# Functions ---------------------------------------------------------------------------

def _split_cases():
    X, labels = _images(), np.repeat([0, 1, 2], 4)
    one_row = np.r_[np.zeros(6), np.ones(5), 2]
    nan_labels = np.where(np.arange(N_SAMPLES) % 4 == 1, np.nan, labels)
    return [
        ("val_size-negative", (X,), dict(val_size=-0.1), ValueError,
         r"val_size=-0.1 must be in \(0, 1\)"),
        ("val_size-zero-count", (X,), dict(val_size=0), ValueError,
         r"val_size=0 must be at least 1"),
        ("test_size-one", (X,), dict(test_size=1.0), ValueError,
         r"test_size=1.0 must be in \(0, 1\)"),
        ("test_size-above-one", (X,), dict(test_size=1.5), ValueError,
         r"test_size=1.5 must be in \(0, 1\)"),
        ("test_size-all-rows", (X,), dict(test_size=12), ValueError,
         r"test_size=12 must be at least 1 and less than n_samples=12"),
        ("val_size-nan", (X,), dict(val_size=float("nan")), ValueError,
         r"val_size=nan must be in \(0, 1\)"),
        ("val_size-string", (X,), dict(val_size="0.1"), TypeError,
         r"val_size must be a float in \(0, 1\) or an int"),
        ("test_size-bool", (X,), dict(test_size=True), TypeError,
         r"test_size must be a float in \(0, 1\) or an int"),
        ("no-training-rows", (X,), dict(val_size=0.5, test_size=0.5), ValueError,
         r"take 6 \+ 6 of the 12 rows, which leaves no training rows"),
        ("arrays-of-different-lengths", (X, labels[:11]), {}, ValueError,
         r"inconsistent numbers of samples: \[11, 12\]|\[12, 11\]"),
        ("stratify-wrong-length", (X,), dict(stratify=labels[:11]), ValueError,
         r"stratify has 11 rows but the arrays have 12"),
        ("stratify-class-with-one-row", (X,), dict(stratify=one_row, val_size=3,
                                                  test_size=3), ValueError,
         r"class 2.0 has 1 row"),
        ("stratify-with-nan", (X,), dict(stratify=nan_labels, val_size=3, test_size=3),
         ValueError, r"stratify contains NaN"),
        ("stratify-part-smaller-than-classes", (X,),
         dict(stratify=labels, val_size=2, test_size=3), ValueError,
         r"validation part would have 2 rows, fewer than the 3 classes"),
        ("no-arrays", (), {}, ValueError, r"At least one array required"),
        ("empty-arrays", (X[:0],), {}, ValueError, r"of the 0 rows"),
        ("scalar-array", (3.0,), {}, TypeError, r"at least 1 dimension"),
        ("random_state-string", (X,), dict(random_state="seed"), ValueError,
         r"'seed' cannot be used to seed"),
    ]


FUNCTION_CASES = {"train_val_test_split": _split_cases}


def test_every_public_name_is_in_the_battery():
    """A new public estimator is covered through its entry points; a new public
    function needs its own cases here (the test fails until they are written)."""
    for cls in ESTIMATORS:
        assert any(_has_entry(cls(), entry) for entry in ENTRY_POINTS), cls
    for function in FUNCTIONS:
        assert function.__name__ in FUNCTION_CASES, (
            f"add bad-input cases for {function.__name__} to FUNCTION_CASES")


def _function_battery():
    return [pytest.param(function, index, id=f"{function.__name__}-{case[0]}")
            for function in FUNCTIONS
            for index, case in enumerate(FUNCTION_CASES.get(function.__name__,
                                                            list)())]


@pytest.mark.parametrize("function, index", _function_battery())
def test_function_bad_input_is_a_clear_error_and_changes_nothing(function, index):
    """Public functions: exception type, message, and the caller's arrays intact."""
    _, arrays, kwargs, error, match = FUNCTION_CASES[function.__name__]()[index]
    before = [_snapshot(a) for a in arrays]
    kwargs_before = {k: _snapshot(v) for k, v in kwargs.items()}
    with pytest.raises(error, match=match):
        function(*arrays, **kwargs)
    for original, after in zip(before, arrays, strict=True):
        _assert_unchanged(original, after)
    for key, value in kwargs.items():
        if isinstance(value, np.ndarray):
            _assert_unchanged(kwargs_before[key], value)
