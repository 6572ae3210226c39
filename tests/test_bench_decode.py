"""The decode benchmark (``benchmarks/bench_decode.py``) runs in quick mode and
reports every contender.

No timing is asserted: only that each contender ran with a positive, finite
throughput, or is reported as not installed, so the benchmark cannot rot. It runs
in a subprocess because it sets process-wide state (OpenCV's thread count).
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

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "bench_decode.py"


def test_quick_run_measures_every_contender(tmp_path):
    """Every contender is measured or reported absent; ours always run."""
    out = tmp_path / "quick.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout's package
    proc = subprocess.run([sys.executable, str(BENCH), "--quick", "--files", "12",
                           "--rounds", "1", "--json", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["quick"] is True and report["files"] == 12
    results = report["results"]
    for name in ("ImageFileReader n_jobs=1", "ImageFileReader n_jobs=2",
                 "bare cv2 imdecode + resize loop"):
        assert results[name]["status"] == "ok", name
    for name, res in results.items():
        if res["status"] == "ok":
            assert math.isfinite(res["images_per_s"]) and res["images_per_s"] > 0
            assert name in proc.stdout
        else:
            assert "not installed" in res["status"] or "not importable" in \
                res["status"], (name, res["status"])
    assert report["anchor"] in results
