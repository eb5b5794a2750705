"""The benchmark scripts run and report every row (their numbers are never asserted)."""

import subprocess
import sys

import pytest
from pipeline import ROOT


def run(script, *args):
    result = subprocess.run(
        [sys.executable, f"benchmarks/{script}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.slow
def test_pipeline_benchmark_reports_every_measurement(tmp_path):
    out = tmp_path / "bench.txt"
    table = run("bench_pipeline.py", "--repeat", "1", "--sweep", "1", "2", "--out", str(out))
    assert out.read_text().strip() == table.strip()
    for row in "abcdefgh":
        assert f"({row}) " in table, row
    for ratio in ("(a) / ((c) + (b))", "(d) / (e)", "(f) / (g)", "sweep: s per extra variant"):
        assert ratio in table, ratio
    assert "largest job by peak memory" in table
    assert "jobs run by (f): gd_euclidean_mahalanobis\n" in table  # exactly one job
    assert "pandas installed:" in table
    assert "one process per figure: (a) >= (h) +" in table


def test_library_benchmark_reports_its_table(tmp_path):
    out = tmp_path / "bench.txt"
    table = run("bench_library.py", "--repeat", "1", "--out", str(out))
    assert out.read_text().strip() == table.strip()


def test_mutation_table_scores_each_module_and_the_whole():
    """benchmarks/mutation.py's summary (the run itself takes 15-25 min: not in CI)."""
    import collections
    import importlib.util

    spec = importlib.util.spec_from_file_location("mutation", ROOT / "benchmarks/mutation.py")
    mutation = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mutation)
    by_module = {
        "natgrad.metrics": collections.Counter({"killed": 9, "survived": 1}),
        "natgrad.claims": collections.Counter({"killed": 3, "no tests": 1}),
    }
    stats = {"total": 14, "killed": 12, "survived": 1, "no_tests": 1, "timeout": 0}
    rows = mutation.table(stats, by_module).splitlines()
    assert rows[2] == "| `natgrad.claims` | 4 | 3 | 0 | 1 | 75% |"
    assert rows[3] == "| `natgrad.metrics` | 10 | 9 | 1 | 0 | 90% |"
    assert rows[4] == "| **all** | 14 | 12 | 1 | 1 | 85.7% |"
