"""The engine's plan: fusion of geometric operations, draws, and what validation
leaves alone (the caller's random state, OpenCV's thread setting)."""

import cv2
import numpy as np
import pytest

from sklearn_dlprep import ArrayAugmenter, BalancingResampler
from sklearn_dlprep._engine import Plan, compose_inverse_maps, warp_rows


class _Affine:
    """A geometric test operation: a fixed inverse map per sample."""

    kind = "geometric"

    def __init__(self, matrix, key):
        self.matrix = np.asarray(matrix, dtype=np.float64)
        self.key = key

    def draw(self, n_samples, rng):
        return {self.key: np.ones(n_samples)}

    def inverse_maps(self, draws, height, width):
        return np.repeat(self.matrix[np.newaxis], len(draws[self.key]), axis=0)


class _Scale:
    """A pointwise test operation: multiply by a drawn factor."""

    kind = "pointwise"

    def __init__(self, key):
        self.key = key

    def draw(self, n_samples, rng):
        return {self.key: rng.uniform(0.5, 1.5, n_samples)}

    def acts_on(self, draws):
        return True

    def apply_pointwise(self, work, draws, part):
        work *= draws[self.key][part].astype(work.dtype)[:, None, None, None]


class _Fails:
    kind = "sample"

    def draw(self, n_samples, rng):
        return {}

    def apply_samples(self, block, draws, part):
        raise RuntimeError("simulated failure inside an operation")


def _layout_of(X):
    return ArrayAugmenter().make_plan(X.shape).layout


def test_consecutive_geometric_operations_are_one_warp():
    """Two geometric operations in a row give exactly the single warp of their
    composed map: the sample is interpolated once, not twice."""
    X = np.random.default_rng(0).random((3, 12, 15, 3)).astype(np.float32)
    rotate = [[np.cos(0.3), -np.sin(0.3), 2.0], [np.sin(0.3), np.cos(0.3), -1.0]]
    shear = [[1.0, 0.2, 0.5], [0.0, 1.1, 0.3]]
    plan = Plan([_Affine(rotate, "a"), _Affine(shear, "b")], _layout_of(X),
                fill_mode="reflect", cval=0.0, order=1, n_jobs=1)
    assert plan.stages == ("geometric",)
    rows = np.arange(3)
    out = np.empty_like(X)
    plan.apply(X, rows, out, rows, plan.draw(3, np.random.default_rng(0)))

    fused = compose_inverse_maps([np.repeat(np.array(m)[None], 3, axis=0)
                                  for m in (rotate, shear)])
    expected = np.empty_like(X)
    warp_rows(X, rows, expected, rows, fused, fill_mode="reflect")
    np.testing.assert_array_equal(out, expected)


def test_composed_map_is_the_chain_of_maps():
    """Composing inverse maps equals applying them one after the other to points:
    output point p of the last warp reads the input at M1 (M2 p)."""
    rng = np.random.default_rng(1)
    first, second = rng.normal(size=(2, 4, 2, 3))
    points = rng.normal(size=(2, 5))
    homogeneous = np.vstack([points, np.ones(5)])
    fused = compose_inverse_maps([first, second])
    for i in range(4):
        through_second = second[i] @ homogeneous
        chained = first[i] @ np.vstack([through_second, np.ones(5)])
        np.testing.assert_allclose(fused[i] @ homogeneous, chained)


def test_pointwise_operations_share_one_pass_and_cast_back():
    """Consecutive pointwise operations run in one floating-point pass (no rounding
    to uint8 between them), and uint8 comes back rounded and clipped, whatever
    n_jobs."""
    X = np.full((40, 6, 6, 3), 200, dtype=np.uint8)
    layout = _layout_of(X)
    results = []
    for n_jobs in (1, 2):
        plan = Plan([_Scale("a"), _Scale("b")], layout, fill_mode="nearest",
                    cval=0.0, order=1, n_jobs=n_jobs)
        assert plan.stages == ("pointwise",)
        draws = plan.draw(40, np.random.default_rng(5))
        out = np.empty_like(X)
        rows = np.arange(40)
        plan.apply(X, rows, out, rows, draws)
        results.append(out)
    one_pass = (np.float32(200) * draws["a"].astype(np.float32)
                * draws["b"].astype(np.float32))
    expected = np.clip(np.rint(one_pass), 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(results[0], results[1])
    np.testing.assert_array_equal(results[0][:, 2, 3, 1], expected)
    assert (expected == 255).any() and (expected < 200).any()


def test_opencv_thread_setting_is_restored_when_an_operation_raises():
    """A call that raises while OpenCV's pool is switched off (threads of our own)
    puts back exactly the setting it found."""
    X = np.zeros((8, 300, 300, 3), dtype=np.float32)
    before = cv2.getNumThreads()
    cv2.setNumThreads(3)
    try:
        plan = Plan([_Affine([[1, 0, 0.5], [0, 1, 0]], "a"), _Fails()],
                    _layout_of(X), fill_mode="nearest", cval=0.0, order=1, n_jobs=2)
        rows = np.arange(8)
        with pytest.raises(RuntimeError, match="simulated failure"):
            plan.apply(X, rows, np.empty_like(X), rows, plan.draw(8, None))
        assert cv2.getNumThreads() == 3
    finally:
        cv2.setNumThreads(before)


@pytest.mark.parametrize("make, method", [
    (lambda rs: ArrayAugmenter(rotation_range=10, random_state=rs), "fit"),
    (lambda rs: BalancingResampler(ArrayAugmenter(rotation_range=10),
                                   random_state=rs), "fit"),
    (lambda rs: ArrayAugmenter(rotation_range=10, random_state=rs), "fit_resample"),
    (lambda rs: BalancingResampler(ArrayAugmenter(rotation_range=10),
                                   random_state=rs), "fit_resample"),
])
def test_validation_draws_nothing_from_a_callers_random_state(make, method):
    """fit draws nothing from a caller's RandomState; fit_resample draws exactly
    one seed from it (for its own Generator), not more."""
    X = np.random.default_rng(0).random((12, 6, 6))
    y = np.r_[[0] * 8, [1] * 4]
    random_state = np.random.RandomState(42)
    getattr(make(random_state), method)(X, y)
    reference = np.random.RandomState(42)
    if method == "fit_resample":
        reference.randint(np.iinfo(np.int32).max)
    assert random_state.randint(1000, size=5).tolist() == reference.randint(
        1000, size=5).tolist()
