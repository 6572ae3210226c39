"""Tests of train_val_test_split."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from sklearn_dlprep import train_val_test_split


def _row_ids(n_samples=100):
    """X whose rows carry their own index, so parts can be traced back."""
    return np.arange(n_samples)


def _labels(counts):
    """Class labels with the given number of members per class."""
    return np.repeat(np.arange(len(counts)), counts)


@pytest.mark.parametrize(
    "val_size, test_size, expected",
    [(0.1, 0.2, (70, 10, 20)), (0.15, 0.15, (70, 15, 15)), (5, 30, (65, 5, 30)),
     (0.25, 10, (65, 25, 10)), (1, 1, (98, 1, 1)), (0.101, 0.2, (69, 11, 20))],
)
def test_sizes_match_request(val_size, test_size, expected):
    """Fractions (rounded up) and counts give exactly the sizes asked for."""
    parts = train_val_test_split(_row_ids(100), val_size=val_size,
                                 test_size=test_size, random_state=0)
    assert tuple(len(p) for p in parts) == expected


def test_fraction_float_noise_adds_no_row():
    """0.7 * 10 is 7.000000000000001 in floats, yet gives 7 rows."""
    parts = train_val_test_split(_row_ids(10), val_size=0.1, test_size=0.7,
                                 random_state=0)
    assert [len(p) for p in parts] == [2, 1, 7]


def test_parts_are_disjoint_and_cover_all_rows():
    """Train, validation and test share no row and together hold every row."""
    X_tr, X_val, X_te = train_val_test_split(_row_ids(), random_state=0)
    together = np.concatenate([X_tr, X_val, X_te])
    assert_array_equal(np.sort(together), np.arange(100))


def test_parts_are_shuffled():
    """Rows are drawn at random, not taken in order."""
    X_tr, _, X_te = train_val_test_split(_row_ids(), random_state=0)
    assert not np.array_equal(np.sort(X_te), np.arange(80, 100))
    assert not np.array_equal(X_tr, np.sort(X_tr))


def test_arrays_stay_aligned():
    """Row i of every array goes to the same part, in the same order."""
    X = _row_ids()
    y = X * 10
    X_tr, X_val, X_te, y_tr, y_val, y_te = train_val_test_split(X, y, random_state=3)
    for X_part, y_part in ((X_tr, y_tr), (X_val, y_val), (X_te, y_te)):
        assert_array_equal(y_part, X_part * 10)


def test_int_random_state_is_reproducible():
    """The same int random_state gives the same parts; another gives others."""
    first = train_val_test_split(_row_ids(), random_state=42)
    again = train_val_test_split(_row_ids(), random_state=42)
    other = train_val_test_split(_row_ids(), random_state=43)
    for a, b in zip(first, again, strict=True):
        assert_array_equal(a, b)
    assert not np.array_equal(first[2], other[2])


def test_random_state_instance_is_accepted():
    """A RandomState instance works and advances, as in train_test_split."""
    rng = np.random.RandomState(0)
    first = train_val_test_split(_row_ids(), random_state=rng)
    second = train_val_test_split(_row_ids(), random_state=rng)
    assert not np.array_equal(first[2], second[2])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_nd_arrays_keep_rank_and_dtype(dtype):
    """Image batches of any rank are split along the first axis only."""
    X = np.arange(60 * 4 * 4 * 3, dtype=dtype).reshape(60, 4, 4, 3)
    y = np.arange(60)
    X_tr, X_val, X_te, y_tr, y_val, y_te = train_val_test_split(
        X, y, val_size=0.1, test_size=0.2, random_state=0)
    assert (X_tr.shape, X_val.shape, X_te.shape) == (
        (42, 4, 4, 3), (6, 4, 4, 3), (12, 4, 4, 3))
    assert X_tr.dtype == dtype
    assert_array_equal(X_te, X[y_te])


def test_lists_come_back_as_lists():
    """Lists are split into lists."""
    names = [f"img{i}.png" for i in range(20)]
    parts = train_val_test_split(names, val_size=0.25, test_size=0.25,
                                 random_state=0)
    assert all(isinstance(p, list) for p in parts)
    assert [len(p) for p in parts] == [10, 5, 5]
    assert sorted(sum(parts, [])) == sorted(names)


def test_dataframes_keep_columns_and_index():
    """DataFrames and Series come back as such, rows matched by index."""
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"a": np.arange(30), "b": np.arange(30) * 2.0},
                      index=np.arange(30) + 1000)
    y = pd.Series(np.arange(30) % 3, index=df.index, name="label")
    df_tr, df_val, df_te, y_tr, y_val, y_te = train_val_test_split(
        df, y, stratify=y, random_state=0)
    assert isinstance(df_tr, pd.DataFrame) and isinstance(y_te, pd.Series)
    assert list(df_val.columns) == ["a", "b"]
    assert [len(p) for p in (df_tr, df_val, df_te)] == [21, 3, 6]
    for X_part, y_part in ((df_tr, y_tr), (df_val, y_val), (df_te, y_te)):
        assert_array_equal(X_part.index, y_part.index)


def test_stratified_parts_keep_class_proportions():
    """Each part has the class proportions of the whole (60 / 30 / 10 %)."""
    y = _labels([120, 60, 20])
    X = np.arange(len(y))
    X_tr, X_val, X_te, y_tr, y_val, y_te = train_val_test_split(
        X, y, val_size=0.1, test_size=0.2, stratify=y, random_state=0)
    assert np.bincount(y_tr).tolist() == [84, 42, 14]
    assert np.bincount(y_val).tolist() == [12, 6, 2]
    assert np.bincount(y_te).tolist() == [24, 12, 4]
    assert_array_equal(y[X_val], y_val)


def test_stratified_every_class_in_every_part_with_three_members():
    """A class of 3 members can put one row in each part."""
    y = _labels([3, 3, 3, 3])
    parts = train_val_test_split(y, val_size=4, test_size=4, stratify=y,
                                 random_state=0)
    for part in parts:
        assert sorted(np.unique(part)) == [0, 1, 2, 3]


def test_unstratified_split_can_miss_a_class():
    """Without stratify a rare class is not forced into every part."""
    y = _labels([95, 5])
    missing = 0
    for seed in range(20):
        _, y_val, _ = train_val_test_split(y, val_size=5, test_size=5,
                                           random_state=seed)
        missing += 1 not in y_val
    assert missing > 0


@pytest.mark.parametrize("count", [1, 2])
def test_too_small_class_is_named(count):
    """A class with fewer than 3 members is a ValueError that names it."""
    y = np.array(["cat"] * 20 + ["dog"] * 20 + ["axolotl"] * count)
    match = rf"class 'axolotl' has {count} row.*at least 3"
    with pytest.raises(ValueError, match=match):
        train_val_test_split(y, stratify=y, random_state=0)


def test_class_emptied_by_the_test_part_is_named():
    """A class left with one row for train and validation is named, not obscure."""
    y = _labels([40, 40, 3])
    match = r"left after taking the test part, class 2 has 1 row"
    with pytest.raises(ValueError, match=match):
        train_val_test_split(y, val_size=0.1, test_size=0.6, stratify=y,
                             random_state=0)


def test_part_smaller_than_number_of_classes_is_refused():
    """A part with fewer rows than there are classes cannot be stratified."""
    y = _labels([10] * 5)
    match = r"validation part would have 3 rows.*5 classes"
    with pytest.raises(ValueError, match=match):
        train_val_test_split(y, val_size=3, test_size=0.2, stratify=y)


def test_stratify_length_must_match():
    """stratify with another number of rows than the arrays is a ValueError."""
    match = r"stratify has 50 rows but the arrays have 100"
    with pytest.raises(ValueError, match=match):
        train_val_test_split(_row_ids(), stratify=_labels([25, 25]))


@pytest.mark.parametrize("val_size, test_size", [(0.5, 0.5), (0.6, 0.5), (50, 50),
                                                 (0.3, 70)])
def test_no_training_rows_left_is_refused(val_size, test_size):
    """Sizes that leave no training row are a ValueError saying so."""
    with pytest.raises(ValueError, match="leaves no training rows"):
        train_val_test_split(_row_ids(), val_size=val_size, test_size=test_size)


@pytest.mark.parametrize("name", ["val_size", "test_size"])
@pytest.mark.parametrize("bad", [0, 0.0, 1.0, -0.1, 100, -3])
def test_out_of_range_size_names_parameter(name, bad):
    """A size outside (0, 1) or [1, n_samples) is a ValueError naming it."""
    with pytest.raises(ValueError, match=name):
        train_val_test_split(_row_ids(), **{name: bad})


@pytest.mark.parametrize("bad", ["0.1", None, True])
def test_non_number_size_is_a_type_error(bad):
    """A size that is not a number is a TypeError naming the parameter."""
    with pytest.raises(TypeError, match="test_size"):
        train_val_test_split(_row_ids(), test_size=bad)


def test_no_array_is_refused():
    """At least one array is needed."""
    with pytest.raises(ValueError, match="At least one array"):
        train_val_test_split()


@pytest.mark.parametrize("name", ["val_size", "test_size"])
@pytest.mark.parametrize("fraction", [1e-9, 1e-3, 0.019])
def test_tiny_fraction_rounds_up_to_one_row(name, fraction):
    """A fraction of the rows, however small, gives at least one row, as the
    docstring promises (1e-9 of 50 rows made a 0-row part, then an error naming
    train_test_split's own parameter)."""
    parts = train_val_test_split(_row_ids(50), **{name: fraction}, random_state=0)
    sizes = {"val_size": len(parts[1]), "test_size": len(parts[2])}
    assert sizes[name] == 1
    assert sum(len(part) for part in parts) == 50


def test_tiny_fractions_with_stratify_round_up_too():
    """Stratified, a tiny fraction becomes the smallest part that holds every
    class' row... which must then be asked for: the error names our parameter."""
    with pytest.raises(ValueError, match=r"validation part would have 1 row, fewer "
                                         r"than the 2 classes.*increase val_size "
                                         r"\(now 1e-09\)"):
        train_val_test_split(_row_ids(50), val_size=1e-9,
                             stratify=_labels([25, 25]), random_state=0)


@pytest.mark.parametrize("bad", [-1, 2**32, "seed", 1.5])
def test_bad_random_state_names_the_parameter(bad):
    """random_state that numpy cannot seed with is a ValueError naming
    random_state and the value (numpy's own message named neither)."""
    with pytest.raises(ValueError, match=rf"random_state must be None, an int from "
                                         rf"0 to 2\*\*32 - 1 or a RandomState "
                                         rf"instance, got {bad!r}"):
        train_val_test_split(_row_ids(), random_state=bad)


def test_arrays_of_different_lengths_name_each_length():
    """The error gives every array's number of rows, in the order passed."""
    with pytest.raises(ValueError, match=r"same number of rows.*\[10, 11, 10\]"):
        train_val_test_split(_row_ids(10), _row_ids(11), _row_ids(10))


def test_scalar_argument_is_named_by_its_position():
    """A scalar among the arrays is a TypeError saying which argument it is."""
    with pytest.raises(TypeError, match=r"argument 1 .*3\.0.* has no rows"):
        train_val_test_split(_row_ids(10), 3.0)
