"""The fuzzing harness, short budget: hostile configs, posts and manifests, each one
line or a result, in bounded time (benchmarks/fuzz.py runs the long budget)."""

import shutil

import pytest
from hypothesis import HealthCheck, given, settings

from natgrad.pipeline.config import load_schema
from tests.helpers.fuzzing import (
    ROOT,
    check_config,
    check_manifests,
    check_post,
    check_snakemake,
    check_tree,
    hostile_configs,
    hostile_manifests,
    hostile_posts,
    hostile_trees,
)
from tests.helpers.snakemake_runs import fresh_copy

SCHEMA = load_schema(ROOT / "workflow/schemas/config.schema.yaml")
SHORT = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@SHORT
@given(text=hostile_configs())
def test_hostile_configs_are_one_line_in_bounded_time(text):
    check_config(text, SCHEMA)


@SHORT
@given(text=hostile_posts())
def test_hostile_posts_are_read_in_bounded_time(text):
    check_post(text)


@SHORT
@given(committed=hostile_manifests(), rebuilt=hostile_manifests())
def test_hostile_manifests_are_one_line_problems(tmp_path, committed, rebuilt):
    work = tmp_path / "case"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    check_manifests(committed, rebuilt, work)


@SHORT
@given(breakages=hostile_trees())
def test_every_hostile_tree_is_caught_in_one_line_problems(tmp_path, breakages):
    work = tmp_path / "tree"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    check_tree(breakages, work)


@pytest.fixture(scope="module")
def repo(built, tmp_path_factory):
    """The module's own copy of the built repository (the tests change its config)."""
    return fresh_copy(built, tmp_path_factory.mktemp("fuzz"))


@pytest.mark.slow
@settings(SHORT, max_examples=4)
@given(text=hostile_configs())
def test_hostile_configs_through_real_snakemake(repo, text):
    """A few cases through the real pipeline: one line and a non-zero exit, or
    nothing to do; figures/ unchanged."""
    check_snakemake(repo, text)


def test_the_long_budget_reports_the_count_and_the_longest_case(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "fuzz.txt"
    result = subprocess.run(
        [sys.executable, "benchmarks/fuzz.py", "--examples", "3", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert out.read_text().strip() == result.stdout.strip()
    for kind in ("configs", "posts", "manifests", "trees"):
        [line] = [ln for ln in result.stdout.splitlines() if ln.startswith(kind)]
        assert " cases in " in line and "; longest " in line, line
