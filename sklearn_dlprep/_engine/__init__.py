"""The augmentation engine: plans, operations and kernels, apart from the estimators.

Data flows one way: an estimator resolves its parameters and the data's layout into
a :class:`Plan` (``make_plan``), the plan draws per-sample values and applies them
through the kernels, and arrays come back. See ``docs/developers/engine.rst``.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

from ._geometry import affine_inverse_maps, compose_inverse_maps
from ._idg import (
    PARAM_KEYS,
    KerasAffine,
    KerasIntensity,
    check_keras_draws,
    check_params_fit_layout,
)
from ._kernels import FILL_MODES, call_with_opencv_pool_off, cast_like, warp_rows
from ._plan import Plan, concatenate_draws

__all__ = [
    "FILL_MODES",
    "PARAM_KEYS",
    "KerasAffine",
    "KerasIntensity",
    "Plan",
    "affine_inverse_maps",
    "call_with_opencv_pool_off",
    "cast_like",
    "check_keras_draws",
    "check_params_fit_layout",
    "compose_inverse_maps",
    "concatenate_draws",
    "warp_rows",
]
