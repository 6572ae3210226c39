"""pandas in, pandas out: column dtypes (numpy and pandas extension dtypes) survive
augmentation and balancing, and each column is cast back with the rule of the numpy
path (integers rounded and clipped to their range, booleans thresholded at 0.5)."""

import numpy as np
import pandas as pd
import pytest

from sklearn_dlprep import ArrayAugmenter, BalancingResampler

N_ROWS = 20
# Five columns of 4 x 4 images: the first four columns are the first image row.
SAMPLE_SHAPE = (4, 4)
COLUMNS = [f"p{i}" for i in range(16)]
Y = np.array([0] * 14 + [1] * 6)
# pandas extension dtypes that hold numbers, and the numpy dtype of the same values.
NUMERIC_EXTENSION_DTYPES = {"Int64": np.int64, "Float64": np.float64,
                            "Float32": np.float32, "UInt8": np.uint8,
                            "boolean": np.bool_}


def _frame(seed=0):
    """16 float columns in [0, 255)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.random((N_ROWS, 16)) * 255, columns=COLUMNS)


def _column_values(dtype, seed=1):
    """Values a column of ``dtype`` can hold, with some spread."""
    rng = np.random.default_rng(seed)
    numpy_dtype = np.dtype(NUMERIC_EXTENSION_DTYPES.get(dtype, dtype))
    if numpy_dtype.kind == "b":
        return rng.random(N_ROWS) < 0.3
    return (rng.random(N_ROWS) * 200).astype(numpy_dtype)


def _augmenter(**params):
    return ArrayAugmenter(width_shift_range=0.3, height_shift_range=0.3,
                          sample_shape=SAMPLE_SHAPE, random_state=0, **params)


# Entry points, each returning the resampled or augmented X.
def _augment(X):
    return _augmenter().augment(X)


def _fit_resample(X):
    return _augmenter().fit_resample(X, Y)[0]


def _balance(X):
    return BalancingResampler(_augmenter(), random_state=0).fit_resample(X, Y)[0]


def _balance_by_copying(X):
    return BalancingResampler(random_state=0).fit_resample(X, Y)[0]


AUGMENTING = {"augment": _augment, "fit_resample": _fit_resample,
              "BalancingResampler": _balance}
ENTRIES = {**AUGMENTING, "BalancingResampler(augmenter=None)": _balance_by_copying}


def test_bool_column_of_a_mixed_frame_is_thresholded_at_one_half():
    """A bool column among float columns comes back as the numpy path gives it:
    the augmented value thresholded at 0.5, not every non-zero value True (which
    turned a column with 10 % True into one with about half True)."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.random((200, 63)), columns=[f"p{i}" for i in range(63)])
    X["flag"] = rng.random(200) < 0.1
    augmenter = ArrayAugmenter(width_shift_range=0.3, sample_shape=(8, 8),
                               random_state=0)
    out = augmenter.augment(X)
    reference = augmenter.augment(X.to_numpy(dtype=np.float64))
    assert out["flag"].dtype == bool
    np.testing.assert_array_equal(out["flag"].to_numpy(), reference[:, -1] >= 0.5)
    np.testing.assert_array_equal(out.iloc[:, :-1].to_numpy(), reference[:, :-1])
    assert out["flag"].mean() < 0.2


def test_narrow_integer_column_is_clipped_to_its_range_never_wrapped():
    """An int8 column beside uint8 columns receives values up to 255 from its
    neighbours under a shift; it is clipped to 127, as the numpy path clips, where a
    plain cast wrapped 200 to -56."""
    X = pd.DataFrame(np.full((N_ROWS, 16), 200, dtype=np.uint8), columns=COLUMNS)
    X["p5"] = np.zeros(N_ROWS, dtype=np.int8)
    out = ArrayAugmenter(width_shift_range=1.0, sample_shape=SAMPLE_SHAPE,
                         random_state=0).augment(X)
    assert out["p5"].dtype == np.int8
    assert out["p5"].min() >= 0
    assert (out["p5"] == 127).any()


@pytest.mark.parametrize("dtype", [np.int64, np.uint64])
def test_integer_column_at_its_limit_never_wraps_around(dtype):
    """A 64-bit integer column at its dtype's maximum, in a frame of float columns,
    stays at the maximum: the clip bound is a float that does not round past it."""
    info = np.iinfo(dtype)
    X = pd.DataFrame(np.zeros((N_ROWS, 16)), columns=COLUMNS)
    X["p5"] = np.full(N_ROWS, info.max, dtype=dtype)
    out = ArrayAugmenter(brightness_range=(1.5, 2.0), sample_shape=SAMPLE_SHAPE,
                         random_state=0).augment(X)
    assert out["p5"].dtype == dtype
    assert (out["p5"] > info.max // 2).all()


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize("dtype", NUMERIC_EXTENSION_DTYPES)
def test_numeric_extension_dtype_columns_come_back_with_their_dtype(dtype, entry):
    """A column of a pandas extension dtype (Int64, Float64, Float32, UInt8,
    boolean) comes back with that dtype, holding what the same column of the numpy
    dtype gives."""
    X = _frame()
    X["p5"] = pd.array(_column_values(dtype), dtype=dtype)
    X_numpy = X.astype({"p5": NUMERIC_EXTENSION_DTYPES[dtype]})
    X_before = X.copy()
    out = ENTRIES[entry](X)
    expected = ENTRIES[entry](X_numpy)
    assert out.dtypes["p5"] == X.dtypes["p5"]
    pd.testing.assert_frame_equal(out.astype({"p5": X_numpy.dtypes["p5"]}), expected)
    pd.testing.assert_frame_equal(X, X_before)


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize("dtype", ["Int64", "Float32", "UInt8", "boolean"])
def test_frame_of_one_extension_dtype_keeps_it(dtype, entry):
    """Every column of one extension dtype: the result has that dtype everywhere."""
    X = pd.DataFrame({column: pd.array(_column_values(dtype, seed), dtype=dtype)
                      for seed, column in enumerate(COLUMNS)})
    out = ENTRIES[entry](X)
    assert list(out.columns) == COLUMNS
    assert (out.dtypes == X.dtypes.iloc[0]).all()
    if entry in ("fit_resample", "BalancingResampler(augmenter=None)"):
        np.testing.assert_array_equal(out.iloc[:N_ROWS].to_numpy(), X.to_numpy())


@pytest.mark.parametrize("entry", AUGMENTING)
@pytest.mark.parametrize("dtype", ["Int64", "Float64", "boolean"])
def test_missing_value_in_an_extension_column_is_refused_like_nan(dtype, entry):
    """pd.NA in a column to augment is refused as NaN is: a ValueError that says
    what is missing, in which column and rows."""
    X = _frame()
    values = pd.array(_column_values(dtype), dtype=dtype)
    values[[3, 8]] = pd.NA
    X["p5"] = values
    with pytest.raises(ValueError, match=r"missing values \(pd\.NA\) in columns "
                                         r"\['p5'\].*first rows at fault: \[3, 8\]"):
        ENTRIES[entry](X)


@pytest.mark.parametrize("dtype", ["Int64", "Float64", "boolean"])
def test_balancing_by_copying_copies_missing_values(dtype):
    """Without an augmenter rows are only copied: pd.NA is kept, as
    RandomOverSampler keeps it, and the dtype too."""
    X = _frame()
    values = pd.array(_column_values(dtype), dtype=dtype)
    values[[3, 15]] = pd.NA
    X["p5"] = values
    balancer = BalancingResampler(random_state=0)
    out, _ = balancer.fit_resample(X, Y)
    assert out.dtypes["p5"] == X.dtypes["p5"]
    np.testing.assert_array_equal(out["p5"].isna().to_numpy(),
                                  X["p5"].isna().to_numpy()[balancer.sample_indices_])
    pd.testing.assert_series_equal(
        out["p5"], X["p5"].iloc[balancer.sample_indices_].reset_index(drop=True))


NOT_NUMBERS = {
    "category": lambda: pd.Categorical(np.where(np.arange(N_ROWS) % 3, "a", "b")),
    "numeric category": lambda: pd.Categorical(np.arange(N_ROWS) % 3),
    "str": lambda: pd.Series(np.where(np.arange(N_ROWS) % 3, "a", "b"), dtype="str"),
    "string": lambda: pd.Series(np.where(np.arange(N_ROWS) % 3, "a", "b"),
                                dtype="string"),
    "numbers as str": lambda: pd.Series((np.arange(N_ROWS) / 4).astype(str),
                                        dtype="str"),
}


@pytest.mark.parametrize("entry", AUGMENTING)
@pytest.mark.parametrize("kind", NOT_NUMBERS)
def test_text_and_categorical_columns_are_refused_before_augmenting(kind, entry):
    """Columns of categories or text cannot be warped: a TypeError names them and
    says to encode them, before any work."""
    X = _frame()
    X["p5"] = NOT_NUMBERS[kind]()
    with pytest.raises(TypeError, match=r"columns \['p5'\] of X .*[Ee]ncode"):
        ENTRIES[entry](X)


COPIED_ONLY = {
    **NOT_NUMBERS,
    "object": lambda: pd.Series([object()] * N_ROWS, dtype=object),
    "datetime": lambda: pd.Series(pd.date_range("2024-01-01", periods=N_ROWS)),
    "timedelta": lambda: pd.Series(pd.to_timedelta(np.arange(N_ROWS), unit="s")),
}


@pytest.mark.parametrize("kind", COPIED_ONLY)
def test_balancing_by_copying_accepts_any_column_dtype(kind):
    """Without an augmenter rows are only copied, so any column dtype is kept as
    RandomOverSampler keeps it (mixed frames included)."""
    X = _frame()
    X["p5"] = COPIED_ONLY[kind]()
    balancer = BalancingResampler(random_state=0)
    out, _ = balancer.fit_resample(X, Y)
    pd.testing.assert_frame_equal(
        out, X.iloc[balancer.sample_indices_].reset_index(drop=True))


@pytest.mark.parametrize("dtype", ["datetime64[s]", object, "U3"])
def test_balancing_by_copying_accepts_arrays_of_any_dtype(dtype):
    """The same for numpy arrays: rows of datetimes, objects or strings are copied."""
    X = np.arange(N_ROWS * 4).reshape(N_ROWS, 4).astype(dtype)
    balancer = BalancingResampler(random_state=0)
    out, y_out = balancer.fit_resample(X, Y)
    assert out.dtype == X.dtype
    np.testing.assert_array_equal(out, X[balancer.sample_indices_])
    np.testing.assert_array_equal(y_out, Y[balancer.sample_indices_])


Y_DTYPES = {
    "Int64": lambda y: pd.Series(y, dtype="Int64"),
    "UInt8": lambda y: pd.Series(y, dtype="UInt8"),
    "Float32": lambda y: pd.Series(y, dtype="Float32"),
    "boolean": lambda y: pd.Series(y.astype(bool), dtype="boolean"),
    "category": lambda y: pd.Series(np.where(y, "cat", "dog"), dtype="category"),
    "str": lambda y: pd.Series(np.where(y, "cat", "dog"), dtype="str"),
    "string": lambda y: pd.Series(np.where(y, "cat", "dog"), dtype="string"),
}


@pytest.mark.parametrize("entry", ["fit_resample", "BalancingResampler",
                                   "BalancingResampler(augmenter=None)"])
@pytest.mark.parametrize("kind", Y_DTYPES)
def test_y_of_any_dtype_comes_back_with_its_dtype(kind, entry):
    """Labels in a Series of an extension dtype come back in a Series of that
    dtype, each following its row."""
    y = Y_DTYPES[kind](Y)
    sampler = {"fit_resample": _augmenter(),
               "BalancingResampler": BalancingResampler(_augmenter(), random_state=0),
               "BalancingResampler(augmenter=None)": BalancingResampler(
                   random_state=0)}[entry]
    _, y_out = sampler.fit_resample(_frame(), y)
    assert isinstance(y_out, pd.Series) and y_out.dtype == y.dtype
    pd.testing.assert_series_equal(
        y_out, y.iloc[sampler.sample_indices_].reset_index(drop=True))


def test_multi_output_y_frame_keeps_extension_dtypes():
    """A DataFrame of targets (an Int64 and a Float32 column) follows its rows
    and keeps its dtypes."""
    y = pd.DataFrame({"count": pd.array(np.arange(N_ROWS), dtype="Int64"),
                      "size": pd.array(np.linspace(0, 1, N_ROWS), dtype="Float32")})
    augmenter = _augmenter(n_copies=2)
    _, y_out = augmenter.fit_resample(_frame(), y)
    pd.testing.assert_frame_equal(
        y_out, y.iloc[augmenter.sample_indices_].reset_index(drop=True))
