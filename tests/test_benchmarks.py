"""The benchmark scripts run and report every row (their numbers are never asserted)."""

import subprocess
import sys

import pytest

from tests.helpers.snakemake_runs import ROOT


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
@pytest.mark.timeout(900)  # about 60 s on a quiet machine; every cold build it times, once
def test_pipeline_benchmark_reports_every_measurement(tmp_path):
    out = tmp_path / "bench.txt"
    # two figures (the edited one among them) stand for all: every row, smaller
    figures = ["gd_euclidean_mahalanobis", "equidistant_points"]
    args = ["--repeat", "1", "--sweep", "1", "2", "--no-warm-up", "--figures", *figures]
    table = run("bench_pipeline.py", *args, "--out", str(out))
    assert out.read_text().strip() == table.strip()
    # the dry run counted the jobs of the figures asked for, and no others
    assert f"medians of 1; (a) runs {len(figures)} jobs" in table
    for row in "abcdefghk":
        assert f"({row}) " in table, row
    for ratio in ("(a) / ((c) + (b))", "(d) / (e)", "(f) / (g)", "sweep: s per extra variant"):
        assert ratio in table, ratio
    assert "largest job by peak memory" in table
    assert "jobs run by (f): gd_euclidean_mahalanobis\n" in table  # exactly one job
    assert "pandas installed:" in table
    assert "one process per figure: (a) >= (k) +" in table
    assert "without the first draws: (h) +" in table
    assert "(a) / bound, turn by turn: " in table


@pytest.mark.slow
def test_post_preview_benchmark_reports_every_measurement(tmp_path):
    """The real post preview, Jekyll and Chromium on the fixture blog, once each."""
    out = tmp_path / "bench.txt"
    table = run("bench_preview_post.py", "--repeat", "1", "--out", str(out))
    assert out.read_text().strip() == table.strip()
    for row in (
        "figure edit (config.yaml) -> redrawn image loaded",
        "post edit -> rebuilt page loaded",
        "jekyll serve --livereload: image changed -> fetched again",
    ):
        [line] = [line for line in table.splitlines() if line.startswith(row)]
        assert line.endswith(")") and " s  (max " in line, line
    assert "figure edit median " in table and "(goal <= 0.5 s)" in table


def test_library_benchmark_reports_its_table(tmp_path):
    out = tmp_path / "bench.txt"
    table = run("bench_library.py", "--repeat", "1", "--out", str(out))
    assert out.read_text().strip() == table.strip()


@pytest.fixture(scope="module")
def mutation():
    """benchmarks/mutation.py as a module (the run itself takes half an hour: not in CI)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("mutation", ROOT / "benchmarks/mutation.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutation"] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    yield module
    del sys.modules["mutation"]


def test_mutation_table_scores_each_module_and_the_whole(mutation):
    """Killed and timed-out mutants count as caught; mutants not run are outside the score."""
    import collections

    by_module = {
        "natgrad.metrics": collections.Counter({"killed": 9, "survived": 1, "not checked": 5}),
        "natgrad.claims": collections.Counter({"killed": 2, "timeout": 1, "no tests": 1}),
        "natgrad.pipeline.config": collections.Counter({"not checked": 3}),
    }
    rows = mutation.table(by_module).splitlines()
    assert rows[0].split(" | ")[1:] == [
        "mutants", "killed", "timeout", "survived", "no test", "not run", "score |"
    ]
    assert rows[2] == "| `natgrad.claims` | 4 | 2 | 1 | 0 | 1 | 0 | 75.0% |"
    assert rows[3] == "| `natgrad.metrics` | 15 | 9 | 0 | 1 | 0 | 5 | 90.0% |"
    assert rows[4] == "| `natgrad.pipeline.config` | 3 | 0 | 0 | 0 | 0 | 3 | - |"
    assert rows[5] == "| **all** | 22 | 11 | 1 | 1 | 1 | 8 | 85.7% |"


def test_mutation_survivors_are_listed_with_their_reason_or_counted(mutation):
    e = mutation.Equivalent(("gaussian.kl",), r"^\+ a = 2$", "a is only compared with 0")
    survivors = [
        ("natgrad.gaussian.x_kl__mutmut_3", "survived", "- a = f(x, float)\n+ a = f(x, None)"),
        ("natgrad.gaussian.x_kl__mutmut_4", "no tests", "- a = 1\n+ a = 2"),
        ("natgrad.metrics.x_f__mutmut_1", "suspicious", ""),
    ]
    listed, unexplained = mutation.survivor_list(survivors, [e])
    assert unexplained == 2
    assert listed == [
        "- `natgrad.gaussian.x_kl__mutmut_3` (survived): "
        "`- a = f(x, float) / + a = f(x, None)`\n  **not explained**",
        "- `natgrad.gaussian.x_kl__mutmut_4` (no tests): `- a = 1 / + a = 2`\n"
        "  a is only compared with 0",
        "- `natgrad.metrics.x_f__mutmut_1` (suspicious): `(no visible change)`\n"
        "  **not explained**",
    ]


def test_pending_mutants_are_those_named_without_a_result(mutation, tmp_path):
    import json

    (tmp_path / "natgrad" / "pipeline").mkdir(parents=True)
    (tmp_path / "natgrad" / "claims.py.meta").write_text(
        json.dumps({"exit_code_by_key": {
            "natgrad.claims.x_a__mutmut_1": None,
            "natgrad.claims.x_a__mutmut_2": 1,
            "natgrad.claims.x_b__mutmut_1": None,
        }})
    )  # fmt: skip
    (tmp_path / "natgrad" / "pipeline" / "config.py.meta").write_text(
        json.dumps({"exit_code_by_key": {"natgrad.pipeline.config.x_f__mutmut_1": None}})
    )
    assert mutation.pending(["natgrad.claims.*"], tmp_path) == [
        "natgrad.claims.x_a__mutmut_1",
        "natgrad.claims.x_b__mutmut_1",
    ]
    assert mutation.pending(["natgrad.claims.x_a__*", "natgrad.pipeline.*"], tmp_path) == [
        "natgrad.claims.x_a__mutmut_1",
        "natgrad.pipeline.config.x_f__mutmut_1",
    ]
    assert mutation.pending(["natgrad.metrics.*"], tmp_path) == []


def test_mutation_header_names_what_was_not_run(mutation):
    import collections

    by_module = {
        "natgrad.metrics": collections.Counter({"killed": 9}),
        "natgrad.pipeline.config": collections.Counter({"killed": 1, "not checked": 3}),
    }
    text = mutation.header(by_module)
    assert "Not run: 3 of `natgrad.pipeline.config`." in text
    assert "Not run: none." in mutation.header({"natgrad.metrics": by_module["natgrad.metrics"]})


@pytest.mark.parametrize(
    ("key", "function"),
    [
        ("natgrad.gaussian.x_kl__mutmut_13", "gaussian.kl"),
        ("natgrad.gaussian.x__log_ratio__mutmut_1", "gaussian._log_ratio"),
        ("natgrad.metrics.xǁMetricǁsqdist__mutmut_4", "metrics.Metric.sqdist"),
        ("natgrad.metrics.xǁMahalanobisǁ__post_init____mutmut_12",
         "metrics.Mahalanobis.__post_init__"),
    ],
)  # fmt: skip
def test_mutation_names_the_function_of_a_mutant(mutation, key, function):
    assert mutation.function_of(key) == function


def test_a_mutant_is_found_in_its_module_or_its_package_s_init(mutation, tmp_path):
    (tmp_path / "natgrad" / "tools" / "preview").mkdir(parents=True)
    (tmp_path / "natgrad" / "tools" / "preview" / "server.py").write_text("")
    (tmp_path / "natgrad" / "tools" / "preview" / "__init__.py").write_text("")
    (tmp_path / "natgrad" / "metrics.py").write_text("")
    assert mutation.mutant_path("natgrad.metrics.x_f__mutmut_1", tmp_path) == "natgrad/metrics.py"
    key = "natgrad.tools.preview.server.x_f__mutmut_1"
    assert mutation.mutant_path(key, tmp_path) == "natgrad/tools/preview/server.py"
    key = "natgrad.tools.preview.x_f__mutmut_1"
    assert mutation.mutant_path(key, tmp_path) == "natgrad/tools/preview/__init__.py"


def test_an_equivalent_explains_only_its_function_and_change(mutation):
    e = mutation.Equivalent(("gaussian.kl",), r"^\+ .*dtype=None", "float64 follows")
    change = "- d = np.asarray(mu1, dtype=float)\n+ d = np.asarray(mu1, dtype=None)"
    assert e.explains("gaussian.kl", change)
    assert not e.explains("gaussian.score", change)
    assert not e.explains("gaussian.kl", "- d = np.asarray(mu1, dtype=None)\n+ d = 2")


def test_every_listed_equivalent_names_a_function_of_natgrad_and_a_reason(mutation):
    import importlib

    entries = mutation.load_equivalents()
    assert entries
    for e in entries:
        for function in e.functions:
            parts = function.split(".")
            # the longest prefix that is a module (natgrad.pipeline.config, natgrad.metrics)
            for i in range(len(parts), 0, -1):
                try:
                    obj = importlib.import_module(".".join(["natgrad", *parts[:i]]))
                    break
                except ModuleNotFoundError:
                    continue
            for name in parts[i:]:
                obj = getattr(obj, name)  # AttributeError names a function that is gone
            assert callable(obj), function
        assert len(e.reason) > 20 and "\n" not in e.reason.strip(), e


def test_the_readme_shows_the_mutation_table_the_script_wrote():
    """The README's mutation table is copied from benchmarks/mutation-survivors.md, which
    benchmarks/mutation.py writes: a rerun that leaves the README behind fails here."""

    def table(text: str) -> list[str]:
        return [line for line in text.splitlines() if line.startswith("|")]

    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### Mutation testing") :]
    section = section[: section.index("\n## ")]
    survivors = (ROOT / "benchmarks" / "mutation-survivors.md").read_text()
    assert table(section) == table(survivors)
    assert len(table(section)) > 3


def test_mutation_copies_changed_data_files_into_mutants(mutation, tmp_path):
    """mutmut copies the package's non-Python files once; a later change must reach mutants/."""
    source, mutants = tmp_path / "natgrad", tmp_path / "mutants"
    (source / "templates").mkdir(parents=True)
    (source / "__init__.pyi").write_text("new stub")
    (source / "templates" / "page.html").write_text("same")
    (source / "code.py").write_text("python: mutmut's own")
    (mutants / "natgrad" / "templates").mkdir(parents=True)
    (mutants / "natgrad" / "__init__.pyi").write_text("old stub")
    (mutants / "natgrad" / "templates" / "page.html").write_text("same")
    assert mutation.sync_data_files(source, mutants) == ["natgrad/__init__.pyi"]
    assert (mutants / "natgrad" / "__init__.pyi").read_text() == "new stub"
    assert not (mutants / "natgrad" / "code.py").exists()
    (source / "templates" / "new.js").write_text("js")
    assert mutation.sync_data_files(source, mutants) == ["natgrad/templates/new.js"]
    assert mutation.sync_data_files(source, mutants) == []
