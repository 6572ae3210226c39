"""The benchmark of ``benchmarks/bench_augment.py`` runs (smoke mode) and reports.

No timing is asserted: only that every row is there with a positive, finite
throughput, so the benchmark cannot rot unnoticed. It runs in a subprocess because
it sets process-wide state (OpenCV's thread count, thread-pool limits).
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_augment.py"

IMAGE_CASES = ["32x32x3 uint8", "32x32x3 float32", "224x224x3 uint8",
               "224x224x3 float32"]
SIGNAL_CASE = "signal T=1000 float32"
OURS = ["ArrayAugmenter.augment", "ArrayAugmenter.fit_resample",
        "ArrayAugmenter.augment n_jobs=2"]
ANCHORS = ["Keras ImageDataGenerator", "albumentations"]


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "smoke.json"
    proc = subprocess.run([sys.executable, str(BENCH), "--smoke", "--json", str(out)],
                          capture_output=True, text=True, timeout=300,
                          cwd=BENCH.parents[1])
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout, json.loads(out.read_text())


def _assert_measured(res, where):
    assert res["status"] == "ok", f"{where}: {res['status']}"
    assert math.isfinite(res["per_s"]) and res["per_s"] > 0, where
    assert math.isfinite(res["cpu_wall"]) and res["cpu_wall"] > 0, where


def test_smoke_measures_every_contender(smoke_run):
    _, report = smoke_run
    results = report["results"]
    assert report["smoke"] is True
    assert set(results) == set(IMAGE_CASES) | {SIGNAL_CASE}
    for case in IMAGE_CASES + [SIGNAL_CASE]:
        for name in OURS:
            _assert_measured(results[case][name], f"{case} / {name}")
    for case in IMAGE_CASES:
        _assert_measured(results[case]["bare cv2.warpAffine loop"], case)
        for name in ANCHORS:
            res = results[case][name]
            if name.startswith("Keras") and "uint8" in case:
                assert res["status"].startswith("n/a"), res["status"]
            elif res["status"] == "ok":
                _assert_measured(res, f"{case} / {name}")
            else:  # an optional anchor missing here is said so, never faked
                assert res["status"].startswith(("not installed", "import failed")), (
                    res["status"])
    _assert_measured(results[SIGNAL_CASE]["np.interp loop"], SIGNAL_CASE)


def test_smoke_reports_memory_and_targets(smoke_run):
    _, report = smoke_run
    memory = report["memory"]
    assert set(memory) == {"32x32x3 uint8", "224x224x3 uint8"}
    for case, entry in memory.items():
        assert entry["status"] == "ok", case
        assert 0 < entry["tracemalloc_multiple"] < math.inf
        if os.path.exists("/proc/self/clear_refs"):  # Linux: peak RSS measured too
            assert 0 < entry["rss_multiple"] < math.inf, entry.get("rss_error")
    verdicts = {t["verdict"] for t in report["targets"]}
    assert verdicts <= {"PASS", "FAIL", "n/a"}
    assert len(report["targets"]) == 10 + 4


def test_smoke_prints_the_table(smoke_run):
    stdout, report = smoke_run
    assert "SMOKE RUN" in stdout
    assert "| case | n | contender | samples/s |" in stdout
    for case in IMAGE_CASES + [SIGNAL_CASE]:
        for name in OURS:
            assert f"| {case} | " in stdout
            row = [line for line in stdout.splitlines()
                   if line.startswith(f"| {case} | ") and f"| {name} |" in line]
            assert len(row) == 1, (case, name)
    assert "## Targets" in stdout
    assert "## Scaling of augment from n_jobs=1 to n_jobs=2" in stdout


BENCH_DASK = BENCH.parent / "bench_dask.py"


def test_dask_benchmark_quick_run_measures_every_setup(tmp_path):
    """``bench_dask.py --quick`` runs on real clusters of 1 and 2 workers and
    reports a positive, finite throughput for every workload and setup, and the
    1 -> 2 worker scaling (never a faked number)."""
    pytest.importorskip("distributed")
    out = tmp_path / "dask.json"
    env = dict(os.environ)
    # The workers and the script import the package of this checkout.
    env["PYTHONPATH"] = os.pathsep.join(
        [str(BENCH.parents[1])] + [p for p in [env.get("PYTHONPATH")] if p])
    proc = subprocess.run([sys.executable, str(BENCH_DASK), "--quick", "--json",
                           str(out)], capture_output=True, text=True, timeout=600,
                          cwd=BENCH.parents[1], env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["quick"] is True and report["n_images"] == 4000
    assert set(report["results"]) == {"in memory (numpy)", "1 worker", "2 workers"}
    for setup, workloads in report["results"].items():
        assert set(workloads) == {"augment", "augment + standardise"}, setup
        for name, res in workloads.items():
            assert math.isfinite(res["images_per_s"]) and res["images_per_s"] > 0, (
                setup, name)
    for name, scaling in report["scaling"].items():
        assert math.isfinite(scaling["median"]) and scaling["median"] > 0, name
    assert "| augment | 2 workers |" in proc.stdout
    assert "Scaling 1 -> 2 workers, augment:" in proc.stdout
