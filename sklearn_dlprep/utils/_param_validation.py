"""Parameter constraints that scikit-learn's own validation understands.

scikit-learn checks ``_parameter_constraints`` when an estimator is fitted, but the
objects that express a range or a set of options (``Interval``, ``StrOptions``)
live in a private module that changes between releases. A *type* is a public
constraint form, so ranges and options are expressed here as types whose
``isinstance`` is the check: scikit-learn's machinery (run by imbalanced-learn's
``fit_resample``) and :func:`check_params` (for methods that are not ``fit``) read
the same table and agree, and the messages name the parameter and what it accepts.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers

import numpy as np


class _ConstraintType(type):
    """A type whose instances are the values a predicate accepts."""

    def __instancecheck__(cls, value):
        return cls.accepts(value)


def _constraint(description, predicate):
    # "builtins" makes scikit-learn's message print the description alone.
    return _ConstraintType(description, (), {"accepts": staticmethod(predicate),
                                             "__module__": "builtins",
                                             "__qualname__": description})


def _is_real(value):
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and bool(np.isfinite(value)))


def interval(kind, low=None, high=None, *, closed="both"):
    """A type accepting finite ``kind`` values (``numbers.Real`` or
    ``numbers.Integral``, bools excluded) between ``low`` and ``high``."""
    left_open, right_open = closed in ("right", "neither"), closed in ("left",
                                                                        "neither")

    def accepts(value):
        if not (isinstance(value, kind) and _is_real(value)):
            return False
        if low is not None and (value <= low if left_open else value < low):
            return False
        return not (high is not None and (value >= high if right_open
                                          else value > high))

    name = "int" if kind is numbers.Integral else "float"
    bounds = (f"{'(' if left_open or low is None else '['}"
              f"{'-inf' if low is None else low}, {'inf' if high is None else high}"
              f"{')' if right_open or high is None else ']'}")
    return _constraint(f"{'an' if name == 'int' else 'a'} {name} in {bounds}",
                       accepts)


def options(*values):
    """A type accepting exactly one of ``values`` (strings, compared by value)."""
    return _constraint(f"one of {list(values)}",
                       lambda value: isinstance(value, str) and value in values)


def pair_of(kind, low=None, *, high=None, ordered=True):
    """A type accepting a pair ``(lo, hi)`` of finite numbers >= ``low`` (and <=
    ``high`` when given), lo <= hi."""
    element = interval(kind, low, high)

    def accepts(value):
        if not isinstance(value, (tuple, list, np.ndarray)) or np.ndim(value) != 1:
            return False
        pair = tuple(value)
        return (len(pair) == 2 and all(isinstance(v, element) for v in pair)
                and (not ordered or pair[0] <= pair[1]))

    low_text = "" if low is None else f" >= {low}"
    if high is not None:
        low_text = f" in [{'-inf' if low is None else low}, {high}]"
    return _constraint(f"a pair (lo, hi) of numbers{low_text} with lo <= hi",
                       accepts)


def has_methods(*names, description):
    """A type accepting objects that have every method in ``names``."""
    return _constraint(description, lambda value: all(
        callable(getattr(value, name, None)) for name in names))


BOOLEAN = _constraint("a bool", lambda v: isinstance(v, (bool, np.bool_)))
# What make_generator accepts: scikit-learn's own "random_state" constraint would
# refuse a numpy Generator.
RANDOM_STATE = _constraint(
    "an int in [0, 2**32 - 1], a numpy RandomState or Generator, or None",
    lambda v: v is None or isinstance(v, (np.random.RandomState, np.random.Generator))
    or (isinstance(v, numbers.Integral) and not isinstance(v, bool)
        and 0 <= v <= 2**32 - 1))


class InvalidParameterError(ValueError, TypeError):
    """A parameter's value is out of its constraints (as scikit-learn's own error,
    both a ``ValueError`` and a ``TypeError``: a wrong type is a wrong value)."""


def check_params(estimator):
    """Check every parameter of ``estimator`` against its ``_parameter_constraints``.

    Raises
    ------
    InvalidParameterError
        Naming the first parameter at fault, what it accepts and what it got.
    """
    params = estimator.get_params(deep=False)
    for name, constraints in estimator._parameter_constraints.items():
        value = params[name]
        if constraints == "no_validation":  # a nested estimator checks itself
            continue
        if any(_satisfies(value, c) for c in constraints):
            continue
        accepted = " or ".join(_describe(c) for c in constraints)
        raise InvalidParameterError(
            f"The {name!r} parameter of {type(estimator).__name__} must be "
            f"{accepted}. Got {value!r} instead.")


def _satisfies(value, constraint):
    if constraint is None:
        return value is None
    if constraint is callable:
        return callable(value)
    return isinstance(value, constraint)


def _describe(constraint):
    if constraint is None:
        return "None"
    if constraint is callable:
        return "a callable"
    if isinstance(constraint, _ConstraintType):
        return constraint.__qualname__
    return f"an instance of {constraint.__name__}"


# The layout parameters every estimator of the package takes.
LAYOUT_CONSTRAINTS = {
    "sample_shape": [None, tuple, list, numbers.Integral],
    "spatial_ndim": [None, interval(numbers.Integral, 1, 2)],
    "data_format": [options("channels_last", "channels_first")],
}
