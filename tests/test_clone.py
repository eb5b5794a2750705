"""A fresh `git clone` whose figures are current builds nothing, with or without LaTeX.

`git clone` gives every file the time of the checkout and leaves Snakemake no
records; the manifests' recorded inputs decide instead (natgrad.pipeline.stamps).
"""

import hashlib
import os
import subprocess

import pytest
from snakemake_runs import FIGURES, copy_repo, jobs_run, run_snakemake

pytestmark = pytest.mark.slow


def git(cwd, *args):
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture(scope="module")
def origin(tmp_path_factory):
    """The working tree, committed as it is: what a clone of main holds."""
    repo = copy_repo(tmp_path_factory.mktemp("origin") / "repo")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "as committed")
    return repo


def clone(origin, tmp_path):
    tmp_path.mkdir(parents=True, exist_ok=True)
    dest = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(origin), str(dest))
    return dest


@pytest.fixture(params=["with LaTeX", "without LaTeX"])
def engine_path(request, monkeypatch, path_without_latex):
    """This machine as it is (.ci/run installs LaTeX), and with LaTeX hidden."""
    if request.param == "without LaTeX":
        monkeypatch.setenv("PATH", path_without_latex)


def test_a_fresh_clone_has_nothing_to_do_and_stays_clean(origin, tmp_path, engine_path):
    repo = clone(origin, tmp_path)
    dry = run_snakemake(repo, "-n", "--cores", "4")
    assert dry.returncode == 0, dry.stderr[-2000:]
    assert jobs_run(dry) == [], dry.stdout[-3000:]
    assert "Nothing to be done" in dry.stdout + dry.stderr
    build = run_snakemake(repo, "--cores", "4")
    assert build.returncode == 0, build.stderr[-2000:]
    assert jobs_run(build) == []
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    "edited, old, new, expected",
    [
        ("config.yaml", "n_steps: 10\n", "n_steps: 12\n", ["gd_euclidean_mahalanobis"]),
        ("natgrad/figures/gaussian_kl_vs_euclidean.py", None, None, ["gaussian_kl_vs_euclidean"]),
        ("natgrad/drawing/natgrad.mplstyle", None, None, FIGURES),
        ("natgrad/claims.py", None, None, ["claims"]),
    ],
)
def test_after_a_clone_an_edit_reruns_exactly_its_jobs(
    origin, tmp_path, edited, old, new, expected
):
    """Before any build (no Snakemake records) and after one (records of no job)."""
    for first_build in (False, True):
        repo = clone(origin, tmp_path / str(first_build))
        if first_build:
            assert jobs_run(run_snakemake(repo, "--cores", "4")) == []
        path = repo / edited
        text = path.read_text()
        path.write_text(text.replace(old, new) if old else text + "\n# edited\n")
        dry = run_snakemake(repo, "-n", "--cores", "4")
        assert dry.returncode == 0, dry.stderr[-2000:]
        assert jobs_run(dry) == sorted([*expected, "all"]), (first_build, dry.stdout[-3000:])
        # the dry run decided nothing for good: undoing the edit undoes the jobs
        path.write_text(text)
        assert jobs_run(run_snakemake(repo, "-n", "--cores", "4")) == []


@pytest.mark.parametrize(
    "value, figures", [("false", []), ("False", []), ("no", []), ("true", FIGURES)]
)
def test_command_line_values_mean_what_they_mean_in_config_yaml(origin, tmp_path, value, figures):
    """`--config usetex=false` is `usetex: false` (Snakemake alone reads the string 'false')."""
    repo = clone(origin, tmp_path)
    dry = run_snakemake(repo, "-n", "--cores", "4", "--config", f"usetex={value}")
    assert dry.returncode == 0, dry.stderr[-2000:]
    assert jobs_run(dry) == (sorted([*figures, "all"]) if figures else [])


def disk_state(repo):
    """Every file of the checkout outside .git/ and .snakemake/: its bytes' sha256 and
    its modification time (ns), by path. Python's own bytecode caches (__pycache__,
    untracked) are left out: importing natgrad writes them, whoever imports it."""
    state = {}
    for dirpath, dirnames, filenames in os.walk(repo):
        dirnames[:] = [d for d in dirnames if d not in (".git", ".snakemake", "__pycache__")]
        for name in filenames:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as fh:
                digest = hashlib.sha256(fh.read()).hexdigest()
            state[os.path.relpath(path, repo)] = (digest, os.stat(path).st_mtime_ns)
    return state


@pytest.mark.parametrize(
    "edited, old, new",
    [
        (None, None, None),
        ("natgrad/figures/gaussian_kl_vs_euclidean.py", None, None),
        ("config.yaml", "n_steps: 10\n", "n_steps: 12\n"),
    ],
)
def test_a_dry_run_changes_nothing_outside_snakemake_records(origin, tmp_path, edited, old, new):
    """`snakemake -n` in a fresh clone, and after an edit, leaves every tracked file's
    bytes and time as they were and writes no file outside .snakemake/."""
    repo = clone(origin, tmp_path)
    tracked = git(repo, "ls-files").splitlines()
    assert len(tracked) > 50 and "figures/gd_euclidean_mahalanobis.png" in tracked
    if edited:
        path = repo / edited
        text = path.read_text()
        path.write_text(text.replace(old, new) if old else text + "\n# edited\n")
    before = disk_state(repo)
    for _ in range(2):  # the first run in a clone, and one with its records
        dry = run_snakemake(repo, "-n", "--cores", "4")
        assert dry.returncode == 0, dry.stderr[-2000:]
        assert (jobs_run(dry) != []) == (edited is not None), dry.stdout[-3000:]
        assert disk_state(repo) == before
    assert set(tracked) <= set(before)
