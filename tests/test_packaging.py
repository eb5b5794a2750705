"""pyproject.toml (pip) and environment.yml (conda-forge) list the same dependencies."""

import re

import pytest
import tomllib
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
