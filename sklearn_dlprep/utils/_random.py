"""Random generators: one ``numpy.random.Generator`` per call, no global state."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers

import numpy as np


def make_generator(random_state):
    """A ``numpy.random.Generator`` from a ``random_state`` parameter.

    ``None`` gives fresh entropy from the operating system, an int a reproducible
    stream, a ``Generator`` is used as it is (its stream advances) and a legacy
    ``RandomState`` seeds a new generator from its own stream. The global numpy
    random state is never read or changed.
    """
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, numbers.Integral) and not isinstance(
        random_state, bool
    ):
        return np.random.default_rng(int(random_state))
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))
    raise ValueError(
        "random_state must be None, an int, a numpy Generator or a RandomState, "
        f"got {random_state!r}."
    )

