"""Bad input, interrupted builds, other machines: a figure is right for its config or absent."""

import copy
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from natgrad.pipeline.config import ConfigError, load_schema
from natgrad.pipeline.jobs import figure_params
from natgrad.pipeline.render import FigureError, render
from natgrad.pipeline.validate import validate_config
from tests.helpers.bad_configs import BAD, set_key
from tests.helpers.snakemake_runs import (
    FIGURES,
    ROOT,
    copy_repo,
    fresh_copy,
    jobs_run,
    png_size,
    run_snakemake,
    tree_hashes,
)

DEFAULT = yaml.safe_load((ROOT / "config.yaml").read_text())
G = "gd_euclidean_mahalanobis"

# Cases beyond test_config.BAD: whole-file problems, --config overrides, new sections.
FILE_CASES = [
    ("empty file", "", [], "config.yaml is empty"),
    ("list at top level", "- 1\n- 2\n", [], "must map keys to values"),
    ("scalar at top level", "42\n", [], "must map keys to values"),
    ("YAML syntax error", "dpi: [100\n", [], "YAML syntax error at line"),
    ("tab indentation", "gaussian_data:\n\tn: 3\n", [], "YAML syntax error"),
    ("--config dpi=0", None, ["--config", "dpi=0"], "config key 'dpi'"),
    ("--config typo", None, ["--config", "n_step=3"], "config key 'n_step': unknown key"),
    ("--config format", None, ["--config", "formats=[jpg]"], "config key 'formats[0]'"),
    ("--config usetex", None, ["--config", "usetex=maybe"], "config key 'usetex'"),
    ("--config output_dir", None, ["--config", "output_dir=/no/such/dir"], "'output_dir'"),
]
SECTION_CASES = [
    (("adam_diagonal_preconditioning", "lrs", "gd"), 0, "lrs.gd"),
    (("adam_diagonal_preconditioning", "lrs", "sgd"), 0.1, "lrs.sgd"),
    (("adam_diagonal_preconditioning", "condition_number"), 0.5, "condition_number"),
    (("natural_gradient_gaussian_mle", "one_step_start"), 5, "one_step_start"),
    (("natural_gradient_gaussian_mle", "starts"), [], "starts"),
    (("reparameterization_invariance", "start"), [0.8, -0.5], "start[1]"),
    (("reparameterization_invariance", "parameterizations"), ["polar"], "parameterizations"),
    (("gaussian_kl_vs_euclidean", "variances"), [0.5, 0.0], "variances[1]"),
    (("gaussian_isocontours_fisher", "title"), "$\\log p", "unbalanced $"),
    (("equidistant_points", "panels", 0, "title"), "$\\notacommand$", "Unknown symbol"),
    (("univariate_gaussian_euclidean", "labels"), ["$p_1", "$p_2$"], "labels[0]"),
    (("sweep", "panel"), 7, "sweep.panel"),
    (("sweep", "panel"), 2, "not an index into 'gd_euclidean_mahalanobis.panels'"),
    (("equidistant_points", "color"), "2", "equidistant_points.color"),
    (("gd_euclidean_mahalanobis", "arrow_color"), "blak", "not a matplotlib colour"),
    (("claims", "n_samples"), 10, "claims.n_samples"),
    (("equidistant_points", "figsize"), [200, 8], "at most 10000"),
    (("on_divergence",), "ignore", "on_divergence"),
]


@pytest.fixture(scope="module")
def repo(built, tmp_path_factory):
    """The module's own copy of the built repository (the tests change its config)."""
    return fresh_copy(built, tmp_path_factory.mktemp("reliability"))


def assert_clean_failure(repo, result, words, before):
    assert result.returncode != 0
    out = (result.stdout + result.stderr).strip()
    assert "Traceback" not in out and 'File "' not in out, out
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1, out  # one readable line
    assert lines[0].startswith("natgrad: ") and words in lines[0], lines[0]
    assert jobs_run(result) == []
    assert tree_hashes(repo / "figures") == before


VALUE_CASES = BAD + SECTION_CASES


def case_id(case) -> str:
    return ".".join(map(str, case[0])) + f"={case[1]!r}"[:30]


# Through the real Snakemake, one bad value for each place a ConfigError is raised:
# the Snakefile turns any of them into its one line before any job. Every case's line
# is checked in process (test_every_bad_value_is_one_line_naming_its_key), through the
# function the Snakefile calls; a Snakemake run costs a second, a case in process
# milliseconds.
THROUGH_SNAKEMAKE = [
    (("dpi",), -100),  # a schema keyword
    (("n_step",), 10),  # an unknown key, with a hint
    ((G, "A"), [[1.0, 0.5], [0.5, -1.0]]),  # a check a schema cannot state
    ((G, "arrow_color"), "blak"),  # natgrad's format checker
    (("sweep", "panel"), 2),  # a key checked against another
    (("gaussian_isocontours_fisher", "title"), "$\\log p"),  # the text engine
    (("claims", "n_samples"), 10),  # a section of the claims
]
SNAKEMAKE_CASES = [c for c in VALUE_CASES if (c[0], c[1]) in THROUGH_SNAKEMAKE]


def prepared_line(basedir: Path, cfg: dict) -> str:
    """The line the Snakefile prints for ``cfg`` as config.yaml in ``basedir`` (which
    holds the schema): its own call, ``prepare``, and its ``natgrad: `` prefix."""
    from natgrad.pipeline.config import prepare

    (basedir / "config.yaml").write_text(yaml.safe_dump(cfg))
    with pytest.raises(ConfigError) as info:
        prepare(basedir, {})
    return f"natgrad: {info.value}"


@pytest.fixture(scope="module")
def schema_folder(tmp_path_factory):
    """A folder holding the schema (and a figures/ folder), where :func:`prepared_line`
    writes each case's config.yaml."""
    folder = tmp_path_factory.mktemp("prepare")
    shutil.copytree(ROOT / "workflow" / "schemas", folder / "workflow" / "schemas")
    (folder / "figures").mkdir()
    return folder


def test_the_snakemake_cases_are_among_the_value_cases():
    assert len(SNAKEMAKE_CASES) == len(THROUGH_SNAKEMAKE)


@pytest.mark.parametrize("path, value, words", VALUE_CASES, ids=map(case_id, VALUE_CASES))
def test_every_bad_value_is_one_line_naming_its_key(schema_folder, monkeypatch, path, value, words):
    monkeypatch.chdir(schema_folder)  # output_dir is relative to the working directory
    cfg = copy.deepcopy(DEFAULT)
    set_key(cfg, path, value)
    line = prepared_line(schema_folder, cfg)
    assert "\n" not in line and words in line, line


@pytest.mark.slow
@pytest.mark.parametrize("path, value, words", SNAKEMAKE_CASES, ids=map(case_id, SNAKEMAKE_CASES))
def test_bad_value_stops_the_pipeline_cleanly(repo, schema_folder, path, value, words):
    before = tree_hashes(repo / "figures")
    text = (repo / "config.yaml").read_text()
    cfg = copy.deepcopy(DEFAULT)
    set_key(cfg, path, value)
    try:
        (repo / "config.yaml").write_text(yaml.safe_dump(cfg))
        result = run_snakemake(repo, "--cores", "4")
    finally:
        (repo / "config.yaml").write_text(text)
    assert_clean_failure(repo, result, words, before)
    # the line is prepare's, which the in-process cases check
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(repo)
        assert (result.stdout + result.stderr).strip() == prepared_line(schema_folder, cfg)


@pytest.mark.slow
@pytest.mark.parametrize("name, text, args, words", FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_bad_file_or_override_stops_the_pipeline_cleanly(repo, name, text, args, words):
    before = tree_hashes(repo / "figures")
    original = (repo / "config.yaml").read_text()
    try:
        if text is not None:
            (repo / "config.yaml").write_text(text)
        result = run_snakemake(repo, "--cores", "4", *args)
    finally:
        (repo / "config.yaml").write_text(original)
    assert_clean_failure(repo, result, words, before)


def _bomb(levels=9, width=10, leaf="equidistant_points"):
    """YAML anchors, each a list of ``width`` uses of the one before: ``width ** levels``
    leaves in a few hundred bytes."""
    lines = [f"  - &a0 [{', '.join([leaf] * width)}]"]
    lines += [f"  - &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def _inline_bomb(levels=7, width=10):
    """The same as a --config value, one line of flow YAML."""
    items = [f"&a0 [{','.join(['x'] * width)}]"]
    items += [f"&a{i} [{','.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    return f"[{', '.join(items)}]"


def _set_top(text, key, value):
    import re

    return re.sub(rf"^{key}:.*$", f"{key}: {value}", text, count=1, flags=re.M)


def _fifo(path):
    path.unlink()
    os.mkfifo(path)


# (what, how config.yaml changes (its path, its text) or None, extra arguments (tmp_path
# -> list), words of the line); each the issue's case, run through real Snakemake.
HOSTILE_FILE_CASES = [
    ("alias bomb under an unknown key", lambda p, t: p.write_text("bomb:\n" + _bomb() + t),
     lambda tmp: [], "natgrad: config.yaml: more than 100000 values once YAML aliases"),
    ("alias bomb in post_figures", lambda p, t: p.write_text(
        "anchors:\n" + _bomb() + t.replace("post_figures:", "post_figures: *a8\nold:", 1)),
     lambda tmp: [], "natgrad: config.yaml: more than 100000 values"),
    ("alias bomb in sweep.lrs", lambda p, t: p.write_text(
        "anchors:\n" + _bomb(leaf="0.1") + t.replace("  lrs:", "  lrs: *a8\n  old:", 1)),
     lambda tmp: [], "natgrad: config.yaml: more than 100000 values"),
    ("alias bomb on the command line", None,
     lambda tmp: ["--config", f"post_figures={_inline_bomb()}"],
     "natgrad: --config: more than 100000 values"),
    ("alias bomb in a --configfile", None,
     lambda tmp: (tmp.joinpath("bomb.yaml").write_text("bomb:\n" + _bomb()),
                  ["--configfile", str(tmp / "bomb.yaml")])[1],
     "natgrad: --configfile: more than 100000 values"),
    ("non-UTF-8 byte", lambda p, t: p.write_bytes(b"# caf\xe9\n" + t.encode()),
     lambda tmp: [], "is not UTF-8 text: byte 0xe9 at line 1"),
    ("5000-digit integer", lambda p, t: p.write_text(_set_top(t, "dpi", "9" * 5000)),
     lambda tmp: [], "natgrad: config.yaml: an integer of 5000 digits too long to read"),
    ("dpi of 401 digits", lambda p, t: p.write_text(_set_top(t, "dpi", "9" * 401)),
     lambda tmp: [], "config key 'dpi': an integer of more than 100 digits"),
    ("--config dpi of 401 digits", None, lambda tmp: ["--config", "dpi=" + "9" * 401],
     "config key 'dpi': an integer of more than 100 digits (--config)"),
    ("a list 990 deep", lambda p, t: p.write_text(_set_top(t, "formats", "[" * 990 + "]" * 990)),
     lambda tmp: [], "nests deeper than 32 levels; at most 32"),
    ("config.yaml a FIFO", lambda p, t: _fifo(p), lambda tmp: [], "is not a regular file"),
]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(
    "what, change, extra, words", HOSTILE_FILE_CASES, ids=[c[0] for c in HOSTILE_FILE_CASES]
)
def test_a_hostile_config_stops_the_pipeline_in_seconds(repo, tmp_path, what, change, extra, words):
    before = tree_hashes(repo / "figures")
    path = repo / "config.yaml"
    original = path.read_text()
    try:
        if change:
            change(path, original)
        start = time.perf_counter()
        result = run_snakemake(repo, "--cores", "4", *extra(tmp_path), timeout=120)
        seconds = time.perf_counter() - start
    finally:
        path.unlink()
        path.write_text(original)
    assert_clean_failure(repo, result, words, before)
    assert seconds < 30  # it took 90 s to minutes; seconds on a loaded 2-core machine


def test_at_least_forty_bad_input_cases():
    assert len(VALUE_CASES) + len(FILE_CASES) >= 40


@pytest.mark.slow
def test_divergence_names_the_figure_and_setting(repo):
    before = tree_hashes(repo / "figures")
    original = (repo / "config.yaml").read_text()
    cfg = copy.deepcopy(DEFAULT)
    cfg[G]["panels"][0]["lr"] = 1e200
    try:
        (repo / "config.yaml").write_text(yaml.safe_dump(cfg))
        result = run_snakemake(repo, "--cores", "4", f"figures/{G}.png")
        out = result.stdout + result.stderr
        assert result.returncode != 0
        assert (
            f"natgrad: figure {G}: setting panels[0].lr = 1e+200: steepest descent diverged" in out
        )
        assert not (repo / "figures" / f"{G}.png").exists()  # absent, never a figure of NaNs
        # with on_divergence: stop the path is drawn up to the divergence, and the log says so
        cfg["on_divergence"] = "stop"
        (repo / "config.yaml").write_text(yaml.safe_dump(cfg))
        result = run_snakemake(repo, "--cores", "4", f"figures/{G}.png")
        assert result.returncode == 0, result.stderr[-2000:]
        assert "diverged after 1 of 10 steps" in (repo / "logs" / f"{G}.log").read_text()
        assert png_size(repo / "figures" / f"{G}.png") == (1400, 700)
    finally:
        (repo / "config.yaml").write_text(original)
        run_snakemake(repo, "--cores", "4")
    assert tree_hashes(repo / "figures") == before


# --- property test: random mutations of the default config -------------------

SCHEMA = load_schema(ROOT / "workflow/schemas/config.schema.yaml")


def leaf_paths(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from leaf_paths(v, (*path, k))
    elif isinstance(node, list) and node and isinstance(node[0], dict | list):
        for i, v in enumerate(node):
            yield from leaf_paths(v, (*path, i))
    else:
        yield path


LEAVES = [p for p in leaf_paths(DEFAULT) if p[0] not in ("output_dir", "blog_assets")]
VALUES = st.one_of(
    st.integers(-5, 300),
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.floats(0.001, 3.0),
    st.text(max_size=5),
    st.booleans(),
    st.none(),
    st.lists(st.floats(-3, 3), max_size=3),
    st.lists(st.lists(st.floats(-3, 3), min_size=2, max_size=2), min_size=2, max_size=2),
)


@pytest.mark.slow
# a random title may hold characters Computer Modern lacks: matplotlib draws a box
# for each and warns, as it should; that is a rendering, not a failure
@pytest.mark.filterwarnings("ignore:Glyph .* missing from font:UserWarning")
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.sampled_from(LEAVES), value=VALUES)
def test_random_mutation_renders_or_fails_cleanly(tmp_path, path, value):
    cfg = copy.deepcopy(DEFAULT)
    set_key(cfg, path, value)
    try:
        full = validate_config(cfg, SCHEMA)
    except ConfigError as err:
        message = str(err)
        assert "\n" not in message and message.startswith(("config key '", "config.yaml"))
        return
    section = path[0]
    if section in FIGURES:
        names = [section]
    elif section == "gaussian_data":
        names = ["gaussian_isocontours_fisher"]
    else:  # a global key: any figure shows its effect
        names = ["equidistant_points"]
    for name in names:
        p = figure_params(full, name)
        out = tmp_path / f"{name}.png"
        # tmp_path is shared by hypothesis's examples: a figure an earlier one drew
        # must not count as drawn by this one
        out.unlink(missing_ok=True)
        try:
            render(
                name,
                p["figure"],
                [out],
                tmp_path / f"{name}.json",
                usetex=False,
                dpi=p["dpi"],
                on_divergence=p["on_divergence"],
            )
        except FigureError as err:
            assert "\n" not in str(err) and name in str(err)
            assert not out.exists()
            continue
        w, h = p["figure"]["figsize"]
        # matplotlib's Agg canvas is int(size in inches * dpi) pixels: truncated
        assert png_size(out) == (int(w * p["dpi"]), int(h * p["dpi"]))


# --- faults ------------------------------------------------------------------


def start_build(repo, *args):
    # A build started by a process that ignores SIGINT (pytest run as a background job
    # of a non-interactive shell) would ignore Ctrl-C too: exec keeps an ignored signal
    # ignored, and resets a handled one to its default, which Python turns into
    # KeyboardInterrupt.
    ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    if ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "snakemake", "--cores", "4", *args],
            cwd=repo,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def job_logs(repo) -> dict:
    """Each job's log and its time: a job that starts (re)writes its log."""
    return {p.name: p.stat().st_mtime_ns for p in (repo / "logs").glob("*.log")}


def wait_for_a_job(repo, before, timeout=60):
    """Until a job starts whose log is not as in ``before``."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        now = job_logs(repo) if (repo / "logs").is_dir() else {}
        if any(before.get(name) != mtime for name, mtime in now.items()):
            return
        time.sleep(0.05)
    raise AssertionError("no job started")


def assert_no_wrong_figure(repo, reference):
    """Every file present under figures/ is byte-identical to the clean build's (the
    temporaries of interrupted writes aside: the rerun removes them)."""
    expected = tree_hashes(reference / "figures")
    for name, digest in tree_hashes(repo / "figures").items():
        if Path(name).name.startswith(".") and name.endswith(".tmp"):
            continue
        assert expected.get(name) == digest, f"{name} was left wrong after the kill"


def interrupt(repo, sig, *args, after=1.0):
    """Start a build, and send ``sig`` to its process group ``after`` seconds after its
    first job starts, while it still runs."""
    before = job_logs(repo) if (repo / "logs").is_dir() else {}
    proc = start_build(repo, *args)
    wait_for_a_job(repo, before)
    time.sleep(after)
    assert proc.poll() is None, "the build ended before it could be interrupted"
    os.killpg(proc.pid, sig)
    proc.wait(timeout=60)


@pytest.mark.slow
def test_killed_build_reruns_to_identical_figures(built, tmp_path):
    """Ctrl-C, then a hard kill of the rerun, each in the middle of drawing: no file
    is ever left wrong, and the README's recovery ends in the clean build's bytes."""
    reference, _ = built
    repo = copy_repo(tmp_path / "repo")
    shutil.rmtree(repo / "figures")
    (repo / "figures").mkdir()
    interrupt(repo, signal.SIGINT)
    assert_no_wrong_figure(repo, reference)
    # Ctrl-C lets Snakemake remove its lock, so the rerun needs no --unlock; it is
    # killed sooner, as it has fewer jobs left and a fast machine might end them all
    interrupt(repo, signal.SIGKILL, "--rerun-incomplete", after=0.5)
    time.sleep(1.0)  # orphaned jobs may still finish their atomic writes
    assert_no_wrong_figure(repo, reference)
    # the README's recovery: unlock after a hard kill, then rerun incomplete jobs
    unlock = run_snakemake(repo, "--unlock")
    assert unlock.returncode == 0
    result = run_snakemake(repo, "--cores", "4", "--rerun-incomplete")
    assert result.returncode == 0, result.stderr[-2000:]
    assert tree_hashes(repo / "figures") == tree_hashes(reference / "figures")


def read_only_mounts_work(tmp_path) -> bool:
    probe = tmp_path / "probe"
    probe.mkdir()
    return in_mount_namespace(read_only(probe), f"! touch {probe}/x").returncode == 0


def read_only(path) -> str:
    """Shell commands that make ``path`` a read-only bind mount (inside a mount namespace)."""
    return f"mount --bind {path} {path} && mount -o remount,bind,ro {path}"


def in_mount_namespace(*commands: str) -> subprocess.CompletedProcess:
    """Run the shell commands, joined by &&, in a private mount namespace."""
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", " && ".join(commands)],
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_one_core_from_another_directory_with_a_read_only_checkout(built, tmp_path):
    """Snakefile and working directory elsewhere (-s, -d), the checkout mounted read-only,
    the figures written to another folder, one job at a time: the same bytes as the
    shared build on four cores (separate processes, another job order). The working
    directory holds another natgrad, which no job imports (`python3 -P`). Where read-only
    mounts are refused the checkout stays writable, and the test says it was skipped."""
    reference, _ = built
    mounts = shutil.which("unshare") is not None and read_only_mounts_work(tmp_path)
    checkout = copy_repo(tmp_path / "checkout")
    (tmp_path / "work" / "natgrad").mkdir(parents=True)
    (tmp_path / "work" / "natgrad" / "__init__.py").write_text("raise ImportError('a decoy')\n")
    out = tmp_path / "out"
    out.mkdir()
    snake = (
        f"{sys.executable} -m snakemake -s {checkout}/Snakefile -d {tmp_path}/work "
        f"--cores 1 --config output_dir={out}/figures"
    )
    if mounts:
        result = in_mount_namespace(read_only(checkout), snake)
    else:
        result = subprocess.run(snake, shell=True, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert tree_hashes(out / "figures") == tree_hashes(reference / "figures")
    assert not (checkout / "logs").exists() and not (checkout / ".snakemake").exists()
    if not mounts:
        pytest.skip("the checkout was writable: read-only bind mounts need unshare and mounts")
    # a read-only output directory fails before any job, in one line
    result = in_mount_namespace(read_only(checkout), read_only(out), f"{snake} -F")
    assert result.returncode != 0
    assert "natgrad: config key 'output_dir'" in result.stderr and "not writable" in result.stderr


@pytest.mark.slow
def test_cluster_generic_executor_runs_the_sweep(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    n = len(DEFAULT["sweep"]["lrs"])
    assert DEFAULT["sweep"]["batch_size"] >= n  # locally: one job draws every variant
    local = run_snakemake(repo, "--cores", "4", "sweep")
    assert local.returncode == 0, local.stderr[-2000:]
    assert jobs_run(local) == ["sweep", "sweep_gd_0"]
    expected = tree_hashes(repo / "results")
    shutil.rmtree(repo / "results")
    # On the cluster, one variant per job: the same bytes, n jobs to spread.
    (tmp_path / "one_per_job.yaml").write_text("sweep:\n  batch_size: 1\n")
    result = run_snakemake(
        repo,
        "sweep",
        "--configfile",
        str(tmp_path / "one_per_job.yaml"),
        "--executor",
        "cluster-generic",
        "--jobs",
        "4",
        "--cluster-generic-submit-cmd",
        "workflow/cluster/submit_local.sh",
        # the stand-in's jobs end in seconds: Snakemake's 10 s between its rounds
        # of status checks, meant for a queue, was most of this test's time
        "--seconds-between-status-checks",
        "1",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(jobs_run(result)) == ["sweep", *(f"sweep_gd_{i}" for i in range(n))]
    assert tree_hashes(repo / "results") == expected
    assert len(list((repo / "results" / "sweep").glob("gd_lr*.png"))) == n


@pytest.mark.slow
def test_a_diverging_sweep_variant_fails_its_batch_in_one_line(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    (tmp_path / "sweep.yaml").write_text("sweep:\n  lrs: [0.1, 1.0e+200]\n  batch_size: 2\n")
    result = run_snakemake(
        repo, "--cores", "4", "sweep", "--configfile", str(tmp_path / "sweep.yaml")
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("natgrad:")]
    assert len(lines) == 1 and "gd_lr1e+200" in lines[0] and "diverged" in lines[0], lines
    # Snakemake removes the failed batch's outputs: no variant is left half-made.
    assert not list((repo / "results" / "sweep").glob("*.png"))


@pytest.mark.slow
def test_export_into_a_read_only_assets_folder_is_one_line_before_any_job(tmp_path):
    """The issue's case was a job's traceback; now the Snakefile's one line (root
    writes anywhere but on a read-only mount, so the folder is one)."""
    if shutil.which("unshare") is None or not read_only_mounts_work(tmp_path):
        pytest.skip("read-only bind mounts need unshare and mount privileges")
    repo = copy_repo(tmp_path / "repo")
    assets = tmp_path / "assets"
    assets.mkdir()
    before = tree_hashes(repo / "figures")
    snake = (
        f"cd {repo} && {sys.executable} -m snakemake --cores 2 export --config blog_assets={assets}"
    )
    result = in_mount_namespace(read_only(assets), snake)
    assert result.returncode != 0
    lines = [ln for ln in (result.stdout + result.stderr).splitlines() if ln.strip()]
    assert lines == [
        f"natgrad: config key 'blog_assets': {str(assets)!r} is not writable; export writes "
        "the figures there"
    ], lines
    assert list(assets.iterdir()) == [] and tree_hashes(repo / "figures") == before
