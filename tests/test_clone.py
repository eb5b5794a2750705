"""A fresh `git clone` whose figures are current builds nothing, with or without LaTeX.

`git clone` gives every file the time of the checkout and leaves Snakemake no
records; the manifests' recorded inputs decide instead (natgrad.pipeline.stamps).
"""

import hashlib
import os
import subprocess

import pytest

from tests.helpers.snakemake_runs import (
    FIGURES,
    config_value,
    copy_repo,
    edit_config,
    jobs_run,
    run_snakemake,
)

# one xdist worker (--dist loadgroup) commits the module's origin once
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("clone")]


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
    "edited, expected",
    [
        ("config.yaml", ["gd_euclidean_mahalanobis"]),  # its n_steps, whatever it is now
        ("natgrad/figures/gaussian_kl_vs_euclidean.py", ["gaussian_kl_vs_euclidean"]),
        ("natgrad/drawing/natgrad.mplstyle", FIGURES),
        ("natgrad/claims.py", ["claims"]),
    ],
)
def test_after_a_clone_an_edit_reruns_exactly_its_jobs(origin, tmp_path, edited, expected):
    """Before any build (no Snakemake records) and after one (records of no job)."""
    for first_build in (False, True):
        repo = clone(origin, tmp_path / str(first_build))
        if first_build:
            assert jobs_run(run_snakemake(repo, "--cores", "4")) == []
        path = repo / edited
        text = path.read_text()
        if edited == "config.yaml":
            n_steps = config_value(repo, "gd_euclidean_mahalanobis.n_steps")
            edit_config(repo, "gd_euclidean_mahalanobis", "n_steps", str(n_steps + 2))
        else:
            path.write_text(text + "\n# edited\n")
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
    "edited", [None, "natgrad/figures/gaussian_kl_vs_euclidean.py", "config.yaml"]
)
def test_a_dry_run_changes_nothing_outside_snakemake_records(origin, tmp_path, edited):
    """`snakemake -n` in a fresh clone, and after an edit, leaves every tracked file's
    bytes and time as they were and writes no file outside .snakemake/."""
    repo = clone(origin, tmp_path)
    tracked = git(repo, "ls-files").splitlines()
    assert len(tracked) > 50 and "figures/gd_euclidean_mahalanobis.png" in tracked
    if edited == "config.yaml":
        steps = config_value(repo, "gd_euclidean_mahalanobis.n_steps") + 2
        edit_config(repo, "gd_euclidean_mahalanobis", "n_steps", str(steps))
    elif edited:
        path = repo / edited
        path.write_text(path.read_text() + "\n# edited\n")
    before = disk_state(repo)
    for _ in range(2):  # the first run in a clone, and one with its records
        dry = run_snakemake(repo, "-n", "--cores", "4")
        assert dry.returncode == 0, dry.stderr[-2000:]
        assert (jobs_run(dry) != []) == (edited is not None), dry.stdout[-3000:]
        assert disk_state(repo) == before
    assert set(tracked) <= set(before)


def test_after_a_clone_the_missing_records_are_explained_and_touch_records_them(
    origin, tmp_path
):
    """Snakemake's warnings after a clone (no records of the jobs that made the committed
    files) are the ones the README explains, and its recipe, `snakemake --touch
    --forceall --cores 1`, records them without changing a file: the warnings go."""
    repo = clone(origin, tmp_path)
    readme = " ".join((repo / "README.md").read_text().split())
    provenance = "jobs have missing provenance/metadata so that it in part cannot be used"
    metadata = "Missing metadata for file"
    dry = run_snakemake(repo, "-n", "--cores", "4")
    assert provenance in dry.stdout + dry.stderr and provenance in readme
    report = run_snakemake(repo, "--report", "report.html")
    assert report.returncode == 0, report.stderr[-2000:]
    assert metadata in report.stdout + report.stderr and metadata in readme
    assert "snakemake --touch --forceall --cores 1" in readme
    touch = run_snakemake(repo, "--touch", "--forceall", "--cores", "1")
    assert touch.returncode == 0, touch.stderr[-2000:]
    assert git(repo, "status", "--porcelain") == ""
    dry = run_snakemake(repo, "-n", "--cores", "4")
    assert jobs_run(dry) == [] and "missing provenance" not in dry.stdout + dry.stderr
    report = run_snakemake(repo, "--report", "report.html")
    assert report.returncode == 0 and metadata not in report.stdout + report.stderr
