"""The benchmark of ``benchmarks/bench_flow.py`` runs (quick mode) and reports.

No timing is asserted: only that every contender was measured with a positive,
finite epoch time and that the report has its tables, so the benchmark cannot rot
unnoticed. It runs in a subprocess: it sets process-wide state (thread-pool
limits, the torch stand-in in ``sys.modules``).
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

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_flow.py"


def test_quick_run_measures_every_contender(tmp_path):
    """--quick measures the prefetch contenders and the DataLoader workers."""
    out = tmp_path / "flow.json"
    root = str(BENCH.parents[1])  # this checkout's package, not an installed one
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get(
               "PYTHONPATH")]))}
    proc = subprocess.run([sys.executable, str(BENCH), "--quick", "--json",
                           str(out)], capture_output=True, text=True, timeout=600,
                          cwd=root, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["quick"] is True and len(report["prefetch"]) == 4
    for case in report["prefetch"].values():
        assert set(case["times"]) == {
            "no augmentation", "augmentation, prefetch=0",
            "augmentation, prefetch=2", "augmentation alone (no step)"}
        for times in case["times"].values():
            assert all(math.isfinite(t) and t > 0 for t in times)
    (workers,) = report["workers"].values()
    assert set(workers["times"]) == {"num_workers=0", "num_workers=2",
                                     "num_workers=2, persistent"}
    assert {t["verdict"] for t in report["targets"]} <= {"PASS", "FAIL", "n/a"}
    assert "## Epoch time with DataLoader workers" in proc.stdout
