"""Bad input, across every public estimator and function: a clear error, nothing lost.

Estimators and functions are discovered from ``sklearn_dlprep.__all__``; every entry
point an estimator has (``fit_resample``, ``fit``, ``partial_fit``, ``transform``,
``inverse_transform``, ``augment``, ``apply_params``, ``sample_params``, ``flow``) is
driven with each bad input of one table, ``CASES``, that applies to it. A case says
in plain words what it passes and what the error must say; the test id reads
``ArrayAugmenter.fit_resample: X holds NaN in rows 2 and 7``, and a failure reads
``ArrayAugmenter.fit_resample(X holds NaN in rows 2 and 7) should raise ValueError
that says NaN, naming rows 2 and 7; it raised ...``. Each case asserts the exception
type, that the message names the parameter, value, rows or shape at fault (its
content, never scikit-learn's or imbalanced-learn's wording), and that the caller's
arrays (and the estimator's parameters) are unchanged afterwards.

Where an estimator declares that it accepts an input (input tags ``allow_nan`` and
``sparse``, and ``string`` for an estimator that only copies rows and so takes every
dtype: ``BalancingResampler`` without an augmenter, as ``RandomOverSampler``), the
case checks that the input is accepted instead.
"""

import copy
import inspect
import re
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from meta_instances import construct
from sklearn.base import BaseEstimator
from sklearn.utils import get_tags

import sklearn_dlprep
from sklearn_dlprep.operations import Operation
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
              and not issubclass(obj, Operation)
              and obj is not sklearn_dlprep.ImageFileReader]  # reads paths
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
        names = construct(cls).get_params(deep=False)
        active = {name: make for name, make in ACTIVE_PARAMS.items() if name in names}

        def factory(cls=cls, active=active, **overrides):
            return construct(cls, **{**{name: make() for name, make in active.items()},
                                     **overrides})

        variants.append((cls.__name__, factory))
        augmenter = inspect.signature(cls).parameters.get("augmenter")
        if augmenter is not None and augmenter.default is None:  # optional there
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
        if draw is None and _keras_draws(estimator, entry):
            draw = {"tx": np.ones(_n_rows(X))}
        elif draw is None:  # a valid draw, for data of X's shape
            clean = _clean_like(X)
            draw = estimator.sample_params(clean if len(clean) == _n_rows(X) else
                                           np.zeros((_n_rows(X), *clean.shape[1:])))
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
    # (not inside the meta-estimators' scikit-learn estimator, which checks its own)
    nested = [key for key in params if key.endswith(f"__{name}")
              and not key.startswith("estimator__")]
    return nested[0] if nested else None


def _snapshot(value):
    if sp.issparse(value):
        return value.copy()
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=True)
    return copy.deepcopy(value)


def _assert_unchanged(before, after, message="the caller's data changed"):
    if sp.issparse(before):
        assert type(after) is type(before), message
        np.testing.assert_array_equal(after.toarray(), before.toarray(), message)
    elif isinstance(before, pd.DataFrame):
        pd.testing.assert_frame_equal(after, before, obj=message)
    elif isinstance(before, np.ndarray) and before.dtype == object:
        assert after.dtype == object and after.shape == before.shape, message
        assert all(a is b or a == b for a, b in zip(after.ravel(), before.ravel(),
                                                    strict=True)), message
    elif isinstance(before, BaseEstimator):  # an operation given to make_compose
        assert _params_repr(after) == _params_repr(before), message
    elif before is None:
        assert after is None, message
    else:
        np.testing.assert_array_equal(after, before, message)  # NaN == NaN here


def _params_repr(estimator):
    return {key: repr(value) for key, value in estimator.get_params(deep=True).items()}


# Cases: one table --------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """One bad input, said in plain words, and where it applies.

    ``given`` is the input as a reader would say it; ``error`` and ``expect`` are
    the exception and what its message must say, in words (``match`` says the same
    as a regular expression, on content: the parameter, value, rows or shape at
    fault, never the wording of scikit-learn's or imbalanced-learn's messages).
    """

    given: str
    error: type
    expect: str
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


def _keras_draws(estimator, entry):
    """Augmenters whose draws are Keras' ImageDataGenerator dict."""
    return "rotation_range" in estimator.get_params(deep=False)


def _stateful(estimator, entry):
    return get_tags(estimator).requires_fit


def _param(name, value, error, expect, match):
    """A parameter value out of range or of the wrong type, tested wherever the
    parameter exists (nested in a BalancingResampler's augmenter too)."""
    return Case(f"{name}={value!r}", error, expect, match, params={name: value},
                entries=TRAIN_ENTRIES, needs=_has_params(name))


def _refused(name, value):
    """What a parameter declared in ``_parameter_constraints`` gets: its name,
    what it accepts and the value given (our wording and scikit-learn's agree)."""
    return (rf"'{name}' parameter of \w+ must be .+\. Got "
            rf"{re.escape(repr(value))} instead")


def _numbers_in_either_order(a, b):
    return rf"\b{a}\b.*\b{b}\b|\b{b}\b.*\b{a}\b"


ROWS = r"first rows at fault: \[{}\]"
_SIGNALS = _flat
LAYOUT_ENTRIES = TRAIN_ENTRIES
_BALANCING = frozenset({"fit_resample", "fit", "flow_balanced"})
_DRAW = frozenset({"apply_params"})
# 192 * ((2**59 + 1) // 3) = 2**65 + 64: 64 in int64 arithmetic.
_HUGE_SHAPE = (192, (2**59 + 1) // 3)

# Where an estimator's input tags say it accepts an input (``allow_nan``,
# ``sparse``; ``string`` for an estimator that only copies rows and so takes every
# dtype, as BalancingResampler without an augmenter does), the case checks that
# the input is accepted instead.
CASES = [
    # Values X cannot hold ----------------------------------------------------------
    Case("X holds NaN in rows 2 and 7", ValueError, "says NaN, naming rows 2 and 7",
         r"Input X contains NaN \(" + ROWS.format("2, 7"),
         X=lambda: _with(np.nan, [2, 7]), accepted_if_tag="allow_nan"),
    Case("2-D float64 X holds NaN in row 11", ValueError, "says NaN, naming row 11",
         r"NaN \(" + ROWS.format("11"),
         X=lambda: _with(np.nan, [11], _flat(np.float64)),
         accepted_if_tag="allow_nan"),
    Case("X holds infinity in row 5", ValueError, "says infinity, naming row 5",
         r"Input X contains infinity \(" + ROWS.format("5"),
         X=lambda: _with(np.inf, [5]), accepted_if_tag="allow_nan"),
    Case("X holds minus infinity in rows 0 and 3", ValueError,
         "says infinity, naming rows 0 and 3", r"infinity \(" + ROWS.format("0, 3"),
         X=lambda: _with(-np.inf, [0, 3]), accepted_if_tag="allow_nan"),
    Case("X holds NaN in row 1 and infinity in row 4", ValueError,
         "says NaN, naming rows 1 and 4", r"NaN \(" + ROWS.format("1, 4"),
         X=lambda: _with(np.inf, [4], _with(np.nan, [1])),
         accepted_if_tag="allow_nan"),
    Case("object X holds None in row 3", ValueError, "says NaN, naming row 3",
         r"NaN \(" + ROWS.format("3"), X=lambda: _object_with(None),
         accepted_if_tag="allow_nan"),
    Case("an Int64 DataFrame column holds pd.NA in rows 2 and 9", ValueError,
         "says pd.NA, naming the column and rows 2 and 9",
         r"missing values \(pd\.NA\) in columns \['p5'\] \(" + ROWS.format("2, 9"),
         X=lambda: _frame_with("p5", pd.array(
             [None if row in (2, 9) else row for row in range(N_SAMPLES)],
             dtype="Int64")),
         accepted_if_tag="allow_nan"),
    # Dtypes that are not real numbers ---------------------------------------------
    Case("X is an array of strings", TypeError, "says X holds strings, dtype <U3",
         r"X must hold numbers, got an array of dtype <U3 \(strings\)",
         X=lambda: np.full((N_SAMPLES, N_FEATURES), "0.5"), accepted_if_tag="string"),
    Case("X is an array of bytes", TypeError, "says X holds strings, dtype |S1",
         r"dtype \|S1 \(strings\)", X=lambda: np.full((N_SAMPLES, N_FEATURES), b"a"),
         accepted_if_tag="string"),
    Case("X is a list of lists of strings", TypeError, "says X holds strings",
         r"dtype <U1 \(strings\)", X=lambda: [["a"] * 4 for _ in range(N_SAMPLES)],
         accepted_if_tag="string"),
    Case("X holds complex numbers", ValueError,
         "says complex data is not supported, naming complex64",
         r"Complex data not supported: X has dtype complex64",
         X=lambda: _images().astype(np.complex64), accepted_if_tag="string"),
    Case("object X holds the string 'three'", TypeError,
         "says X is an object array holding other values, quoting 'three'",
         r"object array .*'three'", X=lambda: _object_with("three"),
         accepted_if_tag="string"),
    Case("object X holds a dict", TypeError,
         "says X is an object array holding other values",
         r"object array that holds other values", X=lambda: _object_with({"a": 1}),
         accepted_if_tag="string"),
    Case("a DataFrame column holds text", TypeError, "names the column p7",
         r"columns \['p7'\] of X hold other",
         X=lambda: _frame_with("p7", ["x"] * N_SAMPLES), accepted_if_tag="string"),
    Case("a DataFrame column is categorical", TypeError,
         "names the column p5 and says to encode it",
         r"columns \['p5'\] of X are categorical.*Encode",
         X=lambda: _frame_with("p5", pd.Categorical(np.arange(N_SAMPLES) % 3)),
         accepted_if_tag="string"),
    Case("a DataFrame column holds complex numbers", ValueError,
         "names the column p3", r"Complex data not supported: columns \['p3'\]",
         X=lambda: _frame_with("p3", np.ones(N_SAMPLES) * 1j),
         accepted_if_tag="string"),
    Case("X holds datetimes", TypeError,
         "says X must hold real numbers, not datetime64",
         r"X must hold real numbers, got dtype datetime64",
         X=lambda: np.zeros((N_SAMPLES, 4), dtype="datetime64[s]"),
         accepted_if_tag="string"),
    # Shapes X cannot have ---------------------------------------------------------
    Case("X has no rows", ValueError, "says 0 samples, giving the shape",
         r"0 sample.*\(0, 6, 6, 3\)", X=lambda: _images()[:0], y=lambda: Y[:0]),
    Case("X has no columns", ValueError, "says 0 features, giving the shape",
         r"0 feature.*\(12, 0\)", X=lambda: np.zeros((N_SAMPLES, 0), np.float32)),
    Case("X has an axis of size 0", ValueError, "says 0 features, giving the shape",
         r"0 feature.*\(12, 6, 0, 3\)",
         X=lambda: np.zeros((N_SAMPLES, 6, 0, 3), dtype=np.float32)),
    Case("X is 1-D", ValueError, "says a 2-D array is expected",
         r"Expected 2D array, got 1D array", X=lambda: _images()[:, 0, 0, 0],
         entries=DATA_ENTRIES | {"sample_params"}),
    *[Case(f"X is a scipy sparse {fmt} matrix", TypeError,
           "says sparse matrices are not accepted and to pass a dense array",
           r"(does not accept|are not accepted).* sparse|sparse matrices.*Pass a "
           r"dense array",
           X=lambda fmt=fmt: sp.random(N_SAMPLES, N_FEATURES, density=0.3,
                                       format=fmt, random_state=0, dtype=np.float32),
           accepted_if_tag="sparse")
      for fmt in ("csr", "csc", "coo")],
    # Layouts that do not fit X ----------------------------------------------------
    Case("sample_shape=(5, 5) for rows of 108 values", ValueError,
         "gives both sizes, 25 and 108",
         r"sample_shape=\(5, 5\) holds 25 values but X has 108 features",
         X=_flat, params={"sample_shape": (5, 5)}, entries=LAYOUT_ENTRIES,
         needs=_has_params("sample_shape")),
    Case("sample_shape=(6, 6) for samples of shape (6, 6, 3)", ValueError,
         "gives both shapes",
         r"X has samples of shape \(6, 6, 3\) but sample_shape=\(6, 6\)",
         params={"sample_shape": (6, 6)}, entries=LAYOUT_ENTRIES,
         needs=_has_params("sample_shape")),
    Case("sample_shape=(3, 6, 6) for samples of shape (6, 6, 3)", ValueError,
         "gives both shapes",
         r"X has samples of shape \(6, 6, 3\) but sample_shape=\(3, 6, 6\)",
         params={"sample_shape": (3, 6, 6)}, entries=LAYOUT_ENTRIES,
         needs=_has_params("sample_shape")),
    Case("a sample_shape whose size overflows int64", ValueError,
         "gives its true size, 2**65 + 64, and X's 108",
         rf"holds {2**65 + 64} values but X has 108 features",
         X=_flat, params={"sample_shape": _HUGE_SHAPE}, entries=LAYOUT_ENTRIES,
         needs=_has_params("sample_shape")),
    Case("samples of rank 4", ValueError, "gives the rank and the shape",
         r"rank 4 \(shape \(2, 3, 6, 3\)\)", X=lambda: _images(shape=(2, 3, 6, 3)),
         entries=LAYOUT_ENTRIES, needs=_has_params("sample_shape")),
    Case("X of shape (12, 6, 3): one colour image or 12 grey images", ValueError,
         "shows both readings and how to ask for each",
         r"ambiguous: .*one colour image .*12 grey images .*X\[np\.newaxis\].*"
         r"sample_shape=\(6, 3\)", X=lambda: _images(shape=(6, 3)),
         entries=LAYOUT_ENTRIES, needs=_has_params("sample_shape")),
    Case("spatial_ndim=1 for images of shape (6, 6, 3)", ValueError,
         "says the shape cannot have spatial_ndim=1",
         r"shape \(6, 6, 3\) cannot have spatial_ndim=1",
         params={"spatial_ndim": 1}, entries=LAYOUT_ENTRIES,
         needs=_has_params("spatial_ndim")),
    Case("X of 27 features after fitting on 108", ValueError,
         "gives both numbers of features",
         r"X has 27 features, but \w+ is expecting 108 features",
         X=lambda: _flat()[:, :27], X_fit=_images, entries=FITTED_ENTRIES),
    Case("samples of shape (6, 18) after fitting on (6, 6, 3)", ValueError,
         "gives both shapes",
         r"X has samples of shape \(6, 18\) but \w+ was fitted on samples of "
         r"shape \(6, 6, 3\)",
         X=lambda: _images().reshape(N_SAMPLES, 6, 18), X_fit=_images,
         entries=FITTED_ENTRIES, needs=_stateful),
    # Transforms that make no sense for the data: the message says why and what to
    # pass ------------------------------------------------------------------------
    *[Case(f"{name}={value!r} on 1-D signals", ValueError,
           f"says {name} needs 2-D images, and to pass {name} or a sample_shape",
           rf"{name}={value!r} needs 2-D images\. .*pass {name}=.*"
           r"sample_shape=\(H, W\)",
           X=_SIGNALS, params={name: value}, entries=LAYOUT_ENTRIES,
           needs=_has_params(name))
      for name, value in (("rotation_range", 10), ("shear_range", 5),
                          ("height_shift_range", 0.1), ("vertical_flip", True))],
    Case("rotation_range=10 on multichannel signals", ValueError,
         "says rotation needs 2-D images, giving the shape",
         r"rotation_range=10 needs 2-D images\. Samples of shape \(36, 3\)",
         X=lambda: _images(shape=(36, 3)),
         params={"rotation_range": 10, "spatial_ndim": 1},
         entries=LAYOUT_ENTRIES, needs=_has_params("rotation_range")),
    Case("channel_shift_range=0.1 on grey images", ValueError,
         "says it needs a channel axis and which sample_shape gives one",
         r"channel_shift_range=0.1 needs a channel axis.*sample_shape=\(6, 6, 1\)",
         X=lambda: _images(shape=(6, 6)), params={"channel_shift_range": 0.1},
         entries=LAYOUT_ENTRIES, needs=_has_params("channel_shift_range")),
    Case("channel_shift_range=0.1 on signals", ValueError,
         "says it needs a channel axis and which sample_shape gives one",
         r"channel_shift_range=0.1 needs a channel axis.*sample_shape=\(108, 1\)",
         X=_SIGNALS, params={"channel_shift_range": 0.1}, entries=LAYOUT_ENTRIES,
         needs=_has_params("channel_shift_range")),
    Case("a draw that rotates 1-D signals", ValueError,
         "names params['theta'] and says signals have one spatial axis",
         r"params\['theta'\] is non-zero .*shape \(108,\): 1-D signals",
         X=_SIGNALS, entries=_DRAW, needs=_keras_draws,
         draw=lambda n: {"theta": np.full(n, 15.0)}),
    Case("a draw that shifts 1-D signals vertically", ValueError,
         "names params['ty'] and says signals have one spatial axis",
         r"params\['ty'\] is non-zero .*1-D signals", X=_SIGNALS,
         entries=_DRAW, needs=_keras_draws, draw=lambda n: {"ty": np.ones(n)}),
    Case("a draw that shifts the channels of grey images", ValueError,
         "names params['channel_shift_intensity'] and says there is no channel axis",
         r"params\['channel_shift_intensity'\] is non-zero .*no channel axis",
         X=lambda: _images(shape=(6, 6)), entries=_DRAW, needs=_keras_draws,
         draw=lambda n: {"channel_shift_intensity": np.full(n, 0.1)}),
    Case("a draw of 3 values for 12 samples", ValueError,
         "names params['tx'] and both lengths",
         r"params\['tx'\] has shape \(3,\); expected .*shape \(12,\)",
         entries=_DRAW, needs=_keras_draws, draw=lambda n: {"tx": np.zeros(3)}),
    Case("a draw holding NaN", ValueError, "names params['zx']",
         r"params\['zx'\] must hold finite real", entries=_DRAW, needs=_keras_draws,
         draw=lambda n: {"zx": np.full(n, np.nan)}),
    Case("a draw with an unknown key", ValueError, "names the key 'angle'",
         r"Unknown keys in params: \['angle'\]", entries=_DRAW, needs=_keras_draws,
         draw=lambda n: {"angle": np.zeros(n)}),
    # Targets ----------------------------------------------------------------------
    Case("y of 11 labels for 12 rows", ValueError, "gives both counts, 12 and 11",
         _numbers_in_either_order(12, 11), y=lambda: Y[:11], entries=Y_ENTRIES,
         needs=_takes_y),
    Case("y of 13 labels for 12 rows", ValueError, "gives both counts, 12 and 13",
         _numbers_in_either_order(12, 13), y=lambda: np.r_[Y, 0], entries=Y_ENTRIES,
         needs=_takes_y),
    Case("2-D y of 10 rows for 12 rows", ValueError, "gives both counts, 12 and 10",
         _numbers_in_either_order(12, 10), y=lambda: np.zeros((10, 2)),
         entries=Y_ENTRIES, needs=_takes_y),
    Case("y holds NaN", ValueError, "says y holds NaN", r"\by\b.*NaN",
         y=lambda: np.where(np.arange(N_SAMPLES) == 3, np.nan, Y), entries=Y_ENTRIES,
         needs=_takes_y),
    Case("y holds infinity", ValueError, "says y holds infinity (or NaN)",
         r"\by\b.*(infinity|NaN)",
         y=lambda: np.where(np.arange(N_SAMPLES) == 3, np.inf, Y), entries=Y_ENTRIES,
         needs=_takes_y),
    Case("y is None", ValueError, "says y is required",
         r"requires y to be passed|got None",
         y=lambda: None, entries=frozenset({"fit_resample", "fit"}),
         needs=lambda estimator, entry: hasattr(estimator, "fit_resample")),
    Case("y of a single class", ValueError,
         "says balancing needs at least two classes",
         r"y has one class \(0\)|needs at least two classes|more than 1 class",
         y=lambda: np.zeros(N_SAMPLES, dtype=int), entries=_BALANCING,
         needs=_needs_classes),
    Case("continuous y for balancing", ValueError, "says y is continuous",
         r"continuous", y=lambda: np.linspace(0, 1, N_SAMPLES), entries=_BALANCING,
         needs=_needs_classes),
    Case("balance=True without y", ValueError, "says balancing needs class labels",
         r"balance=True needs class labels", y=lambda: None,
         entries=frozenset({"flow_balanced"})),
    # Parameters -------------------------------------------------------------------
    # A parameter declared in _parameter_constraints is refused with its name, what
    # it accepts and the value given.
    *[_param(name, value, error, f"names {name}, what it takes and the value",
             _refused(name, value)) for name, value, error in (
        *[(name, -1, ValueError) for name in (
            "rotation_range", "width_shift_range", "height_shift_range",
            "shear_range", "zoom_range", "channel_shift_range", "noise_std")],
        ("rotation_range", "10", TypeError),
        ("width_shift_range", np.nan, ValueError),
        ("noise_std", np.inf, ValueError),
        ("zoom_range", (1.2, 0.8), ValueError),
        ("zoom_range", (0.5, 1.0, 1.5), ValueError),
        ("zoom_range", (-0.5, 1.5), ValueError),
        ("zoom_range", np.array(0.1), TypeError),
        ("brightness_range", (-0.5, 1.5), ValueError),
        ("brightness_range", (1.5, 0.5), ValueError),
        ("brightness_range", 0.5, ValueError),
        ("fill_mode", "mirror", ValueError),
        ("fill_mode", None, ValueError),
        ("cval", "white", TypeError),
        ("cval", np.nan, ValueError),
        *[("interpolation_order", value, ValueError) for value in (-1, 6, 1.5, True)],
        *[("n_copies", value, ValueError) for value in (0, -3, 2.5)],
        ("horizontal_flip", "yes", TypeError),
        ("keep_original", None, TypeError),
        ("shuffle", "yes", TypeError),
        ("sample_shape", 3.5, TypeError),
        ("spatial_ndim", 3, ValueError),
        ("data_format", "NHWC", ValueError),
        ("random_state", "seed", ValueError),
        ("random_state", -1, ValueError),
        ("n_jobs", 0, ValueError),
        ("sampling_strategy", "most", ValueError),
        ("sampling_strategy", None, TypeError),
        ("sampling_strategy", 1.5, ValueError),
        ("with_mean", "yes", TypeError),
        ("with_std", None, TypeError),
        ("clip", "yes", TypeError),
    )],
    _param("augmenter", "rotate", TypeError, "names augmenter and what it takes",
           _refused("augmenter", "rotate")
           + "|augmenter must be a sampler of sklearn_dlprep .*got str"),
    _param("zoom_range", 1.0, ValueError,
           "gives the zoom interval [0, 2] and says both ends must be > 0",
           r"zoom_range=1.0 gives the zoom interval \[0.0, 2.0\]; both ends must be "
           r"> 0"),
    _param("zoom_range", (0.0, 1.5), ValueError, "says both ends must be > 0",
           r"interval \[0.0, 1.5\]; both ends must"),
    _param("sample_shape", (0, 108), ValueError, "says it takes positive ints",
           r"sample_shape must be a non-empty tuple of positive ints.*got \(0, 108\)"),
    _param("sample_shape", (-6, -18), ValueError, "says it takes positive ints",
           r"sample_shape must be a non-empty tuple"),
    _param("sampling_strategy", -1, ValueError, "says it would remove every row",
           r"sampling_strategy=-1 would remove every"),
    _param("sampling_strategy", {0: 2}, ValueError,
           "gives class 0's 8 rows and the 2 asked for", r"\b8\b.*\b2\b"),
    _param("sampling_strategy", {7: 20}, ValueError, "names the unknown class 7",
           r"\b7\b"),
    _param("sampling_strategy", {1: 9.9}, ValueError,
           "says the count of class 1 must be an int", r"sampling_strategy\[1\]=9.9"),
    _param("epsilon", 0, ValueError, "names epsilon and says it must be > 0",
           r"epsilon.*> 0"),
    _param("epsilon", -1e-3, ValueError, "names epsilon and says it must be > 0",
           r"epsilon.*> 0"),
    _param("epsilon", np.inf, ValueError, "names epsilon and says it must be finite",
           r"epsilon.*finite"),
    _param("epsilon", "small", TypeError, "names epsilon and says it is a float",
           r"epsilon.*float|epsilon.*'small'"),
    _param("feature_range", (1, 0), ValueError, "says low must be below high",
           r"feature_range=\(1, 0\) must have low <"),
    _param("value_range", (0, np.inf), ValueError, "says the bounds must be finite",
           r"value_range must have finite bounds|" + _refused("value_range",
                                                               (0, np.inf))),
]


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
                    params.append(pytest.param(
                        variant_id, factory, entry, case,
                        id=f"{variant_id}.{entry}: {case.given}"))
    return params


def _call_words(variant_id, entry, case):
    """The call in words: ``ArrayAugmenter.fit_resample(X holds NaN in row 5)``."""
    return f"{variant_id}.{entry}({case.given})"


@pytest.mark.parametrize("variant_id, factory, entry, case", _battery())
def test_bad_input_is_a_clear_error_and_changes_nothing(variant_id, factory, entry,
                                                        case):
    """The exception type and message are right, and the caller's data survives."""
    estimator = factory()
    estimator.set_params(**{_param_path(estimator, name): value
                            for name, value in case.params.items()})
    X, y = case.X(), case.y()
    X_before, y_before = _snapshot(X), _snapshot(y)
    params_before = _params_repr(estimator)
    draw = None if case.draw is None else case.draw(_n_rows(X))
    X_fit = None if case.X_fit is None else case.X_fit()
    call = _call_words(variant_id, entry, case)

    tag = case.accepted_if_tag
    if tag and getattr(get_tags(estimator).input_tags, tag):
        try:
            _call(estimator, entry, X, y, draw, X_fit)
        except Exception as exc:
            pytest.fail(f"{call} should be accepted (the estimator's {tag!r} input "
                        f"tag says so), but it raised {type(exc).__name__}: {exc}")
    else:
        # The error comes alone: no RuntimeWarning of NaN cast on the way to it.
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            _expect_error(call, case,
                          lambda: _call(estimator, entry, X, y, draw, X_fit))
    _assert_unchanged(X_before, X, f"{call} changed the caller's X")
    _assert_unchanged(y_before, y, f"{call} changed the caller's y")
    assert _params_repr(estimator) == params_before, (
        f"{call} changed the estimator's parameters")


def _expect_error(call, case, run):
    """Run ``run``; fail with a sentence saying what was expected and what came."""
    expected = f"{call} should raise {case.error.__name__} that {case.expect}"
    try:
        run()
    except Exception as exc:  # judged below, outside the handler: a short report
        raised = exc
    else:
        pytest.fail(f"{expected}; it returned without an error")
    if not isinstance(raised, case.error):
        pytest.fail(f"{expected}; it raised {type(raised).__name__}: {raised}")
    if not re.search(case.match, str(raised)):
        pytest.fail(f"{expected} (pattern {case.match!r}); its message is: {raised}")


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
        if "sampling_strategy" not in construct(cls).get_params():
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
        if not hasattr(cls, "flow") or "rotation_range" not in construct(
                cls).get_params():
            continue
        y = np.array([0] * 11 + [1])
        batches = cls(rotation_range=20).flow(_images(), y, batch_size=5, balance=True,
                                             random_state=0)
        labels = np.concatenate([y_batch for _, y_batch in batches])
        assert Counter(labels.tolist()) == {0: 11, 1: 11}


# Functions ---------------------------------------------------------------------------

def _split_cases():
    """(given, arrays, kwargs, error, expect, match) for train_val_test_split."""
    X, labels = _images(), np.repeat([0, 1, 2], 4)
    one_row = np.r_[np.zeros(6), np.ones(5), 2]
    nan_labels = np.where(np.arange(N_SAMPLES) % 4 == 1, np.nan, labels)
    in_unit = "says a fraction must be in (0, 1)"
    return [
        ("val_size=-0.1", (X,), dict(val_size=-0.1), ValueError, in_unit,
         r"val_size=-0.1 must be in \(0, 1\)"),
        ("val_size=0 rows", (X,), dict(val_size=0), ValueError,
         "says a count must be at least 1", r"val_size=0 must be at least 1"),
        ("test_size=1.0", (X,), dict(test_size=1.0), ValueError, in_unit,
         r"test_size=1.0 must be in \(0, 1\)"),
        ("test_size=1.5", (X,), dict(test_size=1.5), ValueError, in_unit,
         r"test_size=1.5 must be in \(0, 1\)"),
        ("test_size=12 of 12 rows", (X,), dict(test_size=12), ValueError,
         "says a count must be less than n_samples=12",
         r"test_size=12 must be at least 1 and less than n_samples=12"),
        ("val_size=nan", (X,), dict(val_size=float("nan")), ValueError, in_unit,
         r"val_size=nan must be in \(0, 1\)"),
        ("val_size='0.1'", (X,), dict(val_size="0.1"), TypeError,
         "says val_size is a float or an int",
         r"val_size must be a float in \(0, 1\) or an int"),
        ("test_size=True", (X,), dict(test_size=True), TypeError,
         "says test_size is a float or an int",
         r"test_size must be a float in \(0, 1\) or an int"),
        ("sizes that take every row", (X,), dict(val_size=0.5, test_size=0.5),
         ValueError, "says 6 + 6 of the 12 rows leave no training rows",
         r"take 6 \+ 6 of the 12 rows, which leaves no training rows"),
        ("arrays of 12 and 11 rows", (X, labels[:11]), {}, ValueError,
         "gives both lengths", r"same number of rows.*\[12, 11\]"),
        ("stratify of 11 labels for 12 rows", (X,), dict(stratify=labels[:11]),
         ValueError, "gives both lengths",
         r"stratify has 11 rows but the arrays have 12"),
        ("stratify with a class of one row", (X,),
         dict(stratify=one_row, val_size=3, test_size=3), ValueError,
         "names class 2.0 and its 1 row", r"class 2.0 has 1 row"),
        ("stratify holding NaN", (X,),
         dict(stratify=nan_labels, val_size=3, test_size=3), ValueError,
         "says stratify contains NaN", r"stratify contains NaN"),
        ("stratify with more classes than validation rows", (X,),
         dict(stratify=labels, val_size=2, test_size=3), ValueError,
         "gives the part's 2 rows, the 3 classes and the parameter to increase",
         r"validation part would have 2 rows, fewer than the 3 classes.*val_size"),
        ("no arrays", (), {}, ValueError, "says one array is needed",
         r"At least one array required"),
        ("arrays of 0 rows", (X[:0],), {}, ValueError, "says 0 rows leave no training",
         r"of the 0 rows"),
        ("a scalar instead of an array", (3.0,), {}, TypeError,
         "names argument 0 and says it has no rows",
         r"argument 0 .*3\.0.* has no rows"),
        ("random_state='seed'", (X,), dict(random_state="seed"), ValueError,
         "names random_state and the value",
         r"random_state must be None, .*got 'seed'"),
        ("random_state=-1", (X,), dict(random_state=-1), ValueError,
         "names random_state and the value", r"random_state must be None, .*got -1"),
    ]


def _make_compose_cases():
    """(given, arrays, kwargs, error, expect, match) for make_compose."""
    flip = sklearn_dlprep.RandomFlip()
    return [
        ("an ArrayAugmenter among the operations",
         (flip, sklearn_dlprep.ArrayAugmenter()), {}, TypeError,
         "names the step and says it must be an operation",
         r"Step 'arrayaugmenter' must be an operation of sklearn_dlprep"),
        ("a plain function", (np.fliplr,), {}, TypeError,
         "says a step must be an operation", r"must be an operation of sklearn_dlprep"),
        ("rotation_range=10", (flip,), dict(rotation_range=10), TypeError,
         "names the unknown keyword", r"rotation_range"),
        ("no operations", (), {}, ValueError, "says steps is empty",
         r"steps is empty"),
    ]


FUNCTION_CASES = {"train_val_test_split": _split_cases,
                  "make_compose": _make_compose_cases}


def test_every_public_name_is_in_the_battery():
    """A new public estimator is covered through its entry points; a new public
    function needs its own cases here (the test fails until they are written)."""
    for cls in ESTIMATORS:
        assert any(_has_entry(construct(cls), entry) for entry in ENTRY_POINTS), cls
    for function in FUNCTIONS:
        assert function.__name__ in FUNCTION_CASES, (
            f"add bad-input cases for {function.__name__} to FUNCTION_CASES")


def _function_battery():
    return [pytest.param(function, index, id=f"{function.__name__}: {case[0]}")
            for function in FUNCTIONS
            for index, case in enumerate(FUNCTION_CASES.get(function.__name__,
                                                            list)())]


@pytest.mark.parametrize("function, index", _function_battery())
def test_function_bad_input_is_a_clear_error_and_changes_nothing(function, index):
    """Public functions: exception type, message, and the caller's arrays intact."""
    given, arrays, kwargs, error, expect, match = (
        FUNCTION_CASES[function.__name__]()[index])
    case = Case(given, error, expect, match)
    call = f"{function.__name__}({given})"
    before = [_snapshot(a) for a in arrays]
    kwargs_before = {k: _snapshot(v) for k, v in kwargs.items()}
    _expect_error(call, case, lambda: function(*arrays, **kwargs))
    for original, after in zip(before, arrays, strict=True):
        _assert_unchanged(original, after, f"{call} changed an array it was given")
    for key, value in kwargs.items():
        if isinstance(value, np.ndarray):
            _assert_unchanged(kwargs_before[key], value, f"{call} changed {key}")
