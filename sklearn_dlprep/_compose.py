"""Compose: a list of operations as one augmenter (a sampler), fused by the engine."""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import numbers
from collections import Counter

import numpy as np
from joblib import effective_n_jobs

from ._base import BaseAugmenter
from ._engine import Plan
from .operations._base import Operation
from .utils._docstring import substitute
from .utils._layout import resolve_layout
from .utils._param_validation import (
    BOOLEAN,
    LAYOUT_CONSTRAINTS,
    RANDOM_STATE,
    check_params,
    interval,
)

# An identity inverse map, for the samples a geometric step does not act on.
_IDENTITY = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


@substitute
class Compose(BaseAugmenter):
    """Augment with a list of operations, in order, as one sampler.

    The operations are Keras 3's preprocessing layers (and torchvision's where
    only it has one) as estimators: ``steps`` is a list of ``(name, operation)``
    pairs as in :class:`~sklearn.pipeline.Pipeline`, and every operation's
    parameters are searchable as ``name__param``. Consecutive geometric operations
    are fused into one warp per sample (one interpolation), consecutive pointwise
    operations into one pass. As an imbalanced-learn sampler, ``fit_resample``
    returns the original rows followed by ``n_copies`` augmented copies of each,
    only when a pipeline is fitted.

    Read more in the :ref:`User Guide <operations>`.

    Parameters
    ----------
    steps : list of (str, Operation) tuples
        The operations, applied in this order. Names must be unique and must not
        contain ``"__"``.

    n_copies : int, default=1
        Augmented copies of every sample that ``fit_resample`` adds.

    keep_original : bool, default=True
        Whether ``fit_resample`` returns the original rows before the copies.

    shuffle : bool, default=False
        Whether ``fit_resample`` returns its rows in random order.

    %(layout)s

    %(random_state)s

    %(n_jobs)s

    Attributes
    ----------
    sample_indices_ : ndarray of shape (n_samples_out,)
        For every row ``fit_resample`` returned, the input row it came from.

    sampling_strategy_ : dict
        Number of augmented rows generated per class (empty for a continuous
        target).

    n_features_in_ : int
        Number of values in one sample of ``X`` seen by ``fit_resample``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of ``X`` when it was a DataFrame with string column names.

    See Also
    --------
    make_compose : Build a Compose from operations, naming the steps.
    ArrayAugmenter : Keras' ``ImageDataGenerator`` parameters as one sampler.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_dlprep import Compose, RandomFlip, RandomBrightness
    >>> images = np.random.default_rng(0).integers(0, 256, (8, 32, 32, 3),
    ...                                            dtype=np.uint8)
    >>> augment = Compose([("flip", RandomFlip("horizontal")),
    ...                    ("light", RandomBrightness(0.2))], random_state=0)
    >>> out = augment.augment(images)
    >>> out.shape, out.dtype
    ((8, 32, 32, 3), dtype('uint8'))
    >>> sorted(augment.get_params())[:4]
    ['data_format', 'flip', 'flip__mode', 'flip__p']
    """

    _parameter_constraints: dict = {
        "steps": [list],
        "n_copies": [interval(numbers.Integral, 1)],
        "keep_original": [BOOLEAN],
        "shuffle": [BOOLEAN],
        **LAYOUT_CONSTRAINTS,
        "random_state": [RANDOM_STATE],
        "n_jobs": [None, interval(numbers.Integral, 1),
                   interval(numbers.Integral, None, -1)],
    }

    def __init__(self, steps, *, n_copies=1, keep_original=True, shuffle=False,
                 sample_shape=None, spatial_ndim=None, data_format="channels_last",
                 random_state=None, n_jobs=None):
        self.steps = steps
        self.n_copies = n_copies
        self.keep_original = keep_original
        self.shuffle = shuffle
        self.sample_shape = sample_shape
        self.spatial_ndim = spatial_ndim
        self.data_format = data_format
        self.random_state = random_state
        self.n_jobs = n_jobs

    # Nested parameters, as Pipeline has them -----------------------------------

    def get_params(self, deep=True):
        """Parameters of this augmenter and, with ``deep``, of every step.

        Parameters
        ----------
        deep : bool, default=True
            Also return each step under its name and its parameters as
            ``name__param``.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        params = super().get_params(deep=False)
        if not deep or not isinstance(self.steps, list):
            return params
        for name, operation in _pairs(self.steps):
            params[name] = operation
            if hasattr(operation, "get_params"):
                for key, value in operation.get_params(deep=True).items():
                    params[f"{name}__{key}"] = value
        return params

    def set_params(self, **params):
        """Set parameters, of this augmenter, of a step (``name__param``), or
        replace a step by name.

        Parameters
        ----------
        **params : dict
            Parameter names mapped to their new values.

        Returns
        -------
        self : Compose
        """
        if "steps" in params:
            self.steps = params.pop("steps")
        names = [name for name, _ in _pairs(self.steps)]
        own = super().get_params(deep=False)
        nested = {}
        for key, value in params.items():
            name, _, sub_key = key.partition("__")
            if sub_key:
                if name not in names:
                    raise ValueError(
                        f"Invalid parameter {key!r} for {type(self).__name__}: no "
                        f"step is named {name!r} (steps: {names})."
                    )
                nested.setdefault(name, {})[sub_key] = value
            elif key in names:
                self.steps = [(n, value if n == key else op) for n, op in self.steps]
            elif key in own:
                setattr(self, key, value)
            else:
                raise ValueError(
                    f"Invalid parameter {key!r} for {type(self).__name__}. Valid "
                    f"parameters are {sorted(own)} and the steps {names}."
                )
        for name, sub_params in nested.items():
            dict(self.steps)[name].set_params(**sub_params)
        return self

    # The engine's interface ----------------------------------------------------

    def make_plan(self, X_shape, dtype=None):
        """Check the steps against data of this shape; return the engine plan.

        See :meth:`BaseAugmenter.make_plan`. Draw keys are ``name__key``, with
        ``name__applied`` telling which samples a step acts on (its ``p``).
        """
        check_params(self)
        steps = _check_steps(self.steps)
        layout = resolve_layout(X_shape, self.sample_shape, self.spatial_ndim,
                                self.data_format)
        adapters = [_Step(name, operation, operation.resolve(layout, dtype, name))
                    for name, operation in steps]
        return Plan(adapters, layout, fill_mode="constant", cval=0.0, order=1,
                    n_jobs=effective_n_jobs(self.n_jobs))

    def check_draws(self, params, n_samples, plan):
        """Validate draws given to :meth:`apply_params`: the keys a draw of this
        augmenter has, each with one value per sample."""
        if not isinstance(params, dict):
            raise TypeError(f"params must be a dict as sample_params returns, got "
                            f"{type(params).__name__}.")
        expected = plan.draw(0, np.random.default_rng(0))
        missing = sorted(set(expected) - set(params))
        unknown = sorted(set(params) - set(expected))
        if missing or unknown:
            raise ValueError(
                f"params must hold the keys sample_params draws for these steps; "
                f"missing {missing}, unknown {unknown}."
            )
        checked = {}
        for key, value in params.items():
            value = np.asarray(value)
            if value.shape[:1] != (n_samples,) or value.shape[1:] != expected[
                    key].shape[1:]:
                raise ValueError(
                    f"params[{key!r}] has shape {value.shape}; expected "
                    f"{(n_samples,) + expected[key].shape[1:]}."
                )
            if value.dtype.kind == "f" and not np.isfinite(value).all():
                raise ValueError(f"params[{key!r}] must hold finite numbers.")
            checked[key] = value
        return checked


def make_compose(*operations, **kwargs):
    """Build a :class:`Compose` from operations, naming each step after its class.

    Names are the lower-case class names, numbered where a class repeats, as
    :func:`~sklearn.pipeline.make_pipeline` does.

    Parameters
    ----------
    *operations : Operation
        The operations, in order.
    **kwargs : dict
        Keyword arguments of :class:`Compose` (``n_copies``, ``random_state``, ...).

    Returns
    -------
    compose : Compose

    Examples
    --------
    >>> from sklearn_dlprep import RandomBrightness, RandomFlip, make_compose
    >>> make_compose(RandomFlip(), RandomBrightness(0.1), random_state=0).steps
    [('randomflip', RandomFlip()), ('randombrightness', RandomBrightness(factor=0.1))]
    """
    names = [getattr(type(op), "__name__", "step").lower() for op in operations]
    counts = Counter(names)
    seen = Counter()
    steps = []
    for name, op in zip(names, operations):
        if counts[name] > 1:
            seen[name] += 1
            name = f"{name}-{seen[name]}"
        steps.append((name, op))
    _check_steps(steps)  # refused here, as soon as they are given
    return Compose(steps, **kwargs)


def _pairs(steps):
    try:
        return [(name, op) for name, op in steps]
    except (TypeError, ValueError):
        return []


def _check_steps(steps):
    """Steps are a list of unique, ``__``-free names, each with an Operation."""
    pairs = []
    for index, step in enumerate(steps):
        if not (isinstance(step, tuple) and len(step) == 2
                and isinstance(step[0], str)):
            raise TypeError(
                f"steps[{index}] must be a (name, operation) tuple, got {step!r}."
            )
        name, operation = step
        if "__" in name or not name:
            raise ValueError(f"Step name {name!r} must be non-empty and must not "
                             "contain '__'.")
        if getattr(operation, "mixes_labels", False):
            raise TypeError(
                f"Step {name!r} ({type(operation).__name__}) mixes pairs of samples "
                "and their labels; a sampler cannot give a scikit-learn estimator "
                "soft labels. Use it in a flow instead: augmenter.flow(X, y, "
                f"mix={type(operation).__name__}(...))."
            )
        if not isinstance(operation, Operation):
            raise TypeError(
                f"Step {name!r} must be an operation of sklearn_dlprep (such as "
                f"RandomFlip), got {type(operation).__name__}."
            )
        pairs.append((name, operation))
    duplicates = sorted(n for n, c in Counter(n for n, _ in pairs).items() if c > 1)
    if duplicates:
        raise ValueError(f"Step names must be unique; repeated: {duplicates}.")
    if not pairs:
        raise ValueError("steps is empty: give at least one (name, operation).")
    return pairs


class _Step:
    """An operation of a Compose as an engine operation: its draws prefixed by its
    name, its probability ``p`` applied, its context bound."""

    def __init__(self, name, operation, context):
        self.kind = operation.kind
        self.operation = operation
        self.context = context
        self.prefix = f"{name}__"
        self.warp_settings = getattr(operation, "warp_settings", None)

    def draw(self, n_samples, rng):
        # Whether the step acts on each sample is drawn first, always.
        applied = rng.random(n_samples) < self.operation.p
        values = self.operation.draw(n_samples, rng, self.context)
        draws = {f"{self.prefix}applied": applied}
        draws.update({self.prefix + key: value for key, value in values.items()})
        return draws

    def _own(self, draws, rows=slice(None)):
        start = len(self.prefix)
        return {key[start:]: value[rows] for key, value in draws.items()
                if key.startswith(self.prefix) and key != f"{self.prefix}applied"}

    def inverse_maps(self, draws, height, width):
        applied = np.asarray(draws[f"{self.prefix}applied"], dtype=bool)
        maps = np.array(self.operation.inverse_maps(self._own(draws), self.context),
                        dtype=np.float64)
        maps[~applied] = _IDENTITY if maps.shape[1] == 2 else np.eye(3)  # homography
        return maps

    def acts_on(self, draws):
        return bool(np.any(draws[f"{self.prefix}applied"]))

    def apply_pointwise(self, work, draws, part):
        applied = np.asarray(draws[f"{self.prefix}applied"], dtype=bool)[part]
        if applied.all():
            self.operation.transform_pointwise(work, self._own(draws, part),
                                               self.context)
        elif applied.any():
            rows = np.flatnonzero(applied)
            own = {k: v[rows] for k, v in self._own(draws, part).items()}
            sub = work[rows]
            self.operation.transform_pointwise(sub, own, self.context)
            work[rows] = sub

    def apply_samples(self, block, draws, part):
        applied = np.asarray(draws[f"{self.prefix}applied"], dtype=bool)[part]
        if applied.all():
            return self.operation.transform_samples(block, self._own(draws, part),
                                                    self.context)
        if applied.any():
            rows = np.flatnonzero(applied)
            own = {k: v[rows] for k, v in self._own(draws, part).items()}
            block = block.copy()
            block[rows] = self.operation.transform_samples(block[rows], own,
                                                           self.context)
        return block
