"""pyproject.toml (pip) and environment.yml (conda-forge) list the same dependencies."""

import re
import subprocess
import sys
import tomllib

import pytest
import yaml

# conda-forge names that differ from PyPI's
CONDA_NAME = {"matplotlib": "matplotlib-base"}


def parse(requirement):
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return name.lower(), spec.replace(" ", "")


@pytest.mark.parametrize("env_file", ["environment.yml", "workflow/envs/natgrad.yaml"])
def test_environment_yml_matches_pyproject(root, env_file):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    pip_deps = {CONDA_NAME.get(n, n): s for n, s in map(parse, project["dependencies"])}
    env = yaml.safe_load((root / env_file).read_text())
    assert "conda-forge" in env["channels"]
    conda_deps = dict(
        parse(d)
        for d in env["dependencies"]
        if isinstance(d, str) and not d.startswith(("python", "pip"))
    )
    assert conda_deps == pip_deps
    py = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert parse(py)[1] == project["requires-python"]


def test_constraints_pin_every_dependency(root):
    """constraints.txt pins the versions the committed figures were built with."""
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    pins = {}
    for line in (root / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    for dep in project["dependencies"]:
        assert parse(dep)[0] in pins, f"{dep} is not pinned in constraints.txt"


def runtime_closure(names):
    """Every distribution that installing ``names`` pulls in (extras not requested)."""
    from importlib.metadata import PackageNotFoundError, requires

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    seen, todo = set(), [canonicalize_name(n) for n in names]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            reqs = requires(name) or []
        except PackageNotFoundError:
            continue
        for text in reqs:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(canonicalize_name(req.name))
    return seen


def test_runtime_dependencies_do_not_install_pandas(root):
    # With pandas installed, Snakemake imports it to hash every job's params:
    # ~0.4 s on every run, a no-op included (see README, Benchmarks). seaborn,
    # which needs pandas, is therefore only a test dependency.
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    closure = runtime_closure(parse(d)[0] for d in project["dependencies"])
    assert "snakemake" in closure and "numpy" in closure
    assert "pandas" not in closure
    assert "seaborn" in {parse(d)[0] for d in project["optional-dependencies"]["test"]}


def test_the_rules_environment_is_conda_forge_only(root):
    """Snakemake deploys a rule's environment from a copy of the file, where `pip: -e .`
    would not find the project: the rules' environment has conda packages only (the
    jobs import natgrad from the checkout), and every rule names it."""
    env = yaml.safe_load((root / "workflow/envs/natgrad.yaml").read_text())
    assert all(isinstance(d, str) and not d.startswith("pip") for d in env["dependencies"])
    assert env["channels"][0] == "conda-forge"
    rules = "".join(p.read_text() for p in (root / "workflow/rules").glob("*.smk"))
    conda = re.findall(r"^\s+conda:$", rules, flags=re.M)
    runs = re.findall(r"^\s+(?:script|shell):$", rules, flags=re.M)
    assert len(conda) == len(runs) == 3  # figures, claims, export
    assert 'ENV = "../envs/natgrad.yaml"' in rules


def _pins(path):
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def test_constraints_lowest_is_every_floor_of_pyproject(root):
    """.ci/run builds and tests at these: the ranges' floors are versions that work."""
    from packaging.requirements import Requirement

    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    floors = {}
    for dep in project["dependencies"]:
        req = Requirement(dep)
        (low,) = [s.version for s in req.specifier if s.operator == ">="]
        floors[req.name.lower()] = low
    from packaging.version import Version

    lowest = _pins(root / "constraints-lowest.txt")
    assert {k: Version(v) for k, v in lowest.items()} == {k: Version(v) for k, v in floors.items()}


@pytest.mark.parametrize("pins", ["constraints.txt", "constraints-lowest.txt"])
def test_pins_lie_in_the_ranges(root, pins):
    from packaging.requirements import Requirement

    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    pinned = _pins(root / pins)
    for dep in project["dependencies"]:
        req = Requirement(dep)
        assert req.specifier.contains(pinned[req.name.lower()]), (pins, dep)


def test_requires_python_is_what_the_pins_install(root):
    """Every pinned dependency installed here runs on the lowest Python the project
    claims, and at least one of them needs it (numpy 2.4 needs 3.11)."""
    from importlib.metadata import PackageNotFoundError, metadata

    from packaging.specifiers import SpecifierSet

    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    (low,) = [s.version for s in SpecifierSet(project["requires-python"]) if s.operator == ">="]
    below = f"{low.split('.')[0]}.{int(low.split('.')[1]) - 1}"
    needs, pinned = [], _pins(root / "constraints.txt")
    for name, version in pinned.items():
        try:
            meta = metadata(name)
        except PackageNotFoundError:
            continue
        if meta["Version"] != version or not meta["Requires-Python"]:
            continue  # not the pinned version here (e.g. at the floors)
        spec = SpecifierSet(meta["Requires-Python"])
        assert spec.contains(low), f"{name} {version} does not run on Python {low}"
        if not spec.contains(below):
            needs.append(name)
    if all(metadata(n)["Version"] == v for n, v in pinned.items() if _installed(n)):
        assert needs, f"no pinned dependency needs Python {low}: requires-python could be lower"


def _installed(name):
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        metadata(name)
    except PackageNotFoundError:
        return False
    return True


def test_tests_import_their_helpers_as_a_package(root):
    """Helpers come from ``tests.helpers`` (a package: one module per name), never by a
    bare name off sys.path: ``from conftest import ...`` found whichever conftest.py was
    imported last (tests/tools/ has one too), and failed the whole suite on it."""
    import ast

    tests = root / "tests"
    local = {p.stem for p in tests.rglob("*.py")} | {p.name for p in tests.rglob("*") if p.is_dir()}
    for path in sorted(tests.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                where = f"{path.relative_to(root)}:{node.lineno}"
                assert top not in local or top == "tests", f"{where}: import tests.helpers.{name}"
    assert (tests / "helpers" / "__init__.py").is_file()


# Imports each test module alone: a fresh interpreter loads the libraries every test
# module shares, then forks one child per module, which imports only that module (and
# what it imports) into a sys.modules holding no tests.* module.
_ALONE = r"""
import importlib, os, sys, traceback
import matplotlib, numpy, pytest, yaml  # shared by all; loaded once, before the forks
assert not any(name == "tests" or name.startswith("tests.") for name in sys.modules)
failed = 0
for name in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(name)
        except BaseException:
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if status:
        print("FAILED", name, flush=True)
        failed += 1
sys.exit(1 if failed else 0)
"""


def test_every_test_module_imports_on_its_own(root):
    """A test module imports alone, as ``pytest tests/x/test_y.py`` imports it: what it
    imports resolves without any other test module or conftest imported first."""
    import subprocess
    import sys

    files = sorted(p.relative_to(root) for p in (root / "tests").rglob("test_*.py"))
    assert len(files) > 30
    names = [".".join(f.with_suffix("").parts) for f in files]
    out = subprocess.run(
        [sys.executable, "-c", _ALONE, *names], cwd=root, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr[-3000:]
    assert "FAILED" not in out.stdout


def test_every_test_has_a_time_limit_and_leaves_no_temporaries(request):
    """pytest-timeout's default (pyproject.toml) for every test, a larger one for the
    slow ones (tests.helpers.limits.SLOW_TIMEOUT or their own mark): a hung test fails with its
    stack instead of running into CI's limit. A passing test's temporary folder goes."""
    from tests.helpers.limits import SLOW_TIMEOUT

    config = request.config
    default = float(config.getini("timeout"))
    assert 0 < default < SLOW_TIMEOUT
    assert config.getini("tmp_path_retention_policy") == "failed"
    items = request.session.items
    assert request.node in items
    for item in items:
        if item.get_closest_marker("slow"):
            (limit,) = item.get_closest_marker("timeout").args
            assert limit >= SLOW_TIMEOUT, item.nodeid


GROUPED = """
import os

import pytest

pytestmark = pytest.mark.xdist_group("one")


@pytest.mark.parametrize("i", range(6))
def test_worker(i):
    print("worker", os.environ["PYTEST_XDIST_WORKER"], i)
"""


def test_an_xdist_group_runs_in_one_worker(tmp_path):
    """The suite's groups (the export's, the clone's) build their module fixtures once
    only if --dist loadgroup keeps each group in one worker: with pytest 9.2 and
    pytest-xdist 3.8 it silently did not."""
    (tmp_path / "test_grouped.py").write_text(GROUPED)
    (tmp_path / "test_other.py").write_text(GROUPED.replace('"one"', '"two"'))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-v",
         "-p", "no:cacheprovider", "-p", "no:randomly", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:]
    workers = {}
    for worker, module in re.findall(r"^\[(gw\d+)\] .*PASSED (\S+?)::", result.stdout, re.M):
        workers.setdefault(module, set()).add(worker)
    assert set(workers) == {"test_grouped.py", "test_other.py"}, result.stdout[-2000:]
    assert all(len(w) == 1 for w in workers.values()), workers
