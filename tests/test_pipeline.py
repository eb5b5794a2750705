"""End-to-end: the real `snakemake --cores 4` in a temporary copy of the repository."""

import json
import subprocess
import sys

import numpy as np
import pytest
import yaml
from numpy.testing import assert_allclose

from natgrad import gaussian
from natgrad.descent import steepest_descent
from natgrad.metrics import Euclidean, Mahalanobis, metric_from_matrix
from natgrad.objectives import GaussianLogLikelihood, Quadratic
from tests.helpers.snakemake_runs import (
    FIGURES,
    ROOT,
    config_value,
    edit_config,
    fresh_copy,
    jobs_run,
    png_size,
    run_snakemake,
    tree_hashes,
)

pytestmark = pytest.mark.slow


def sidecar(repo, name):
    return json.loads((repo / "figures" / "data" / f"{name}.json").read_text())


def test_build_writes_every_figure_at_its_configured_size(built):
    """Each PNG is its config's figsize (inches) at its dpi (as committed, the
    published pixel sizes: 2000 x 800, 1400 x 700, 600 x 600, ...)."""
    repo, result = built
    assert jobs_run(result) == sorted([*FIGURES, "all", "claims"])
    check_sizes(repo)
    for name in FIGURES:
        assert (repo / "logs" / f"{name}.log").exists()
        assert (repo / "logs" / "benchmarks" / f"{name}.tsv").exists()


def check_sizes(repo):
    """Each PNG of ``repo``'s build is its config's figsize (inches) at its dpi."""
    config = yaml.safe_load((repo / "config.yaml").read_text())
    for name in FIGURES:
        width, height = config[name]["figsize"]
        size = (round(width * config["dpi"]), round(height * config["dpi"]))
        assert png_size(repo / "figures" / f"{name}.png") == size, name


def test_built_figures_match_the_committed_ones(built, tmp_path):
    """The committed figures/ is what the code and config produce: byte for byte when
    this machine built them, within the cross-platform tolerances when another did."""
    from natgrad.tools.artifacts import compare_dirs

    repo, _ = built
    comparison = compare_dirs(ROOT / "figures", repo / "figures", tmp_path / "diff")
    assert comparison.problems == [], comparison.summary()
    assert set(comparison.tiers) == set(tree_hashes(repo / "figures")) - {
        f"manifest/{name}.json" for name in [*FIGURES, "claims"]
    }


def test_drawn_data_is_what_config_asks(built):
    check_drawn_data(built[0])


def check_drawn_data(repo):
    """The sidecars of ``repo``'s build hold what its config.yaml asks for."""
    config = yaml.safe_load((repo / "config.yaml").read_text())

    eq = sidecar(repo, "equidistant_points")["data"]
    section = config["equidistant_points"]
    r = section["radius"]
    for panel, cfg in zip(eq["panels"], section["panels"], strict=True):
        pts = np.array(panel["points"])
        assert_allclose(metric_from_matrix(cfg["A"]).sqdist(pts, np.zeros(2)), r**2, rtol=1e-12)
        # the ellipse x^T A x = r^2 reaches r sqrt((A^-1)_ii) along axis i
        extent = r * np.sqrt(np.diag(np.linalg.inv(cfg["A"])))
        assert_allclose(panel["extent"], extent, rtol=1e-3)

    gd = sidecar(repo, "gd_euclidean_mahalanobis")["data"]
    section = config["gd_euclidean_mahalanobis"]
    f = Quadratic(section["A"])
    for panel, cfg in zip(gd["panels"], section["panels"], strict=True):
        metric = Euclidean() if cfg["metric"] == "euclidean" else Mahalanobis(f.A)
        expected = steepest_descent(f.gradient, section["x0"], metric, cfg["lr"],
                                    section["n_steps"])  # fmt: skip
        assert_allclose(panel["iterates"], expected)
        assert panel["contours"]["x_range"] == section["limits"]

    iso = sidecar(repo, "gaussian_isocontours_fisher")["data"]
    section = config["gaussian_isocontours_fisher"]
    d = config["gaussian_data"]
    ll = GaussianLogLikelihood(gaussian.sample(d["n"], d["mu"], d["sigma"], d["seed"]))
    assert iso["sufficient_statistics"]["n"] == d["n"]
    assert_allclose(iso["mle"], ll.mle())
    assert iso["contours"]["x_range"] == section["mu_range"]
    assert iso["contours"]["y_range"] == section["logsigma_range"]


def test_noop_rerun_runs_no_job(built, tmp_path):
    repo = fresh_copy(built, tmp_path)
    result = run_snakemake(repo, "--cores", "4")
    assert result.returncode == 0
    assert jobs_run(result) == []
    assert "Nothing to be done" in result.stderr + result.stdout


def test_editing_one_figure_reruns_only_that_figure(built, tmp_path):
    repo = fresh_copy(built, tmp_path)
    before = tree_hashes(repo / "figures")
    n_steps = config_value(repo, "gd_euclidean_mahalanobis.n_steps") + 2
    edit_config(repo, "gd_euclidean_mahalanobis", "n_steps", str(n_steps))
    # (`--list-changes params` lists every output in Snakemake 9.27 even with no
    # change, so the dry run's job list is the record used here.)
    dry = run_snakemake(repo, "-n", "--cores", "4")
    assert jobs_run(dry) == ["all", "gd_euclidean_mahalanobis"]
    # one mechanism decides: the job's inputs hash against its manifest, which dates
    # its stamp (natgrad.pipeline.stamps), not Snakemake's own params records
    stamp = ".snakemake/natgrad/stamps/gd_euclidean_mahalanobis"
    assert f"Updated input files: {stamp}" in dry.stdout + dry.stderr
    result = run_snakemake(repo, "--cores", "4")
    assert result.returncode == 0, result.stderr[-2000:]
    assert jobs_run(result) == ["all", "gd_euclidean_mahalanobis"]
    after = tree_hashes(repo / "figures")
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {
        "gd_euclidean_mahalanobis.png",
        "data/gd_euclidean_mahalanobis.json",
        "manifest/gd_euclidean_mahalanobis.json",
        "text/gd_euclidean_mahalanobis.json",  # its text alternative states the steps
    }
    iterates = sidecar(repo, "gd_euclidean_mahalanobis")["data"]["panels"][0]["iterates"]
    assert len(iterates) == n_steps + 1


def test_library_change_reruns_every_figure(built, tmp_path):
    repo = fresh_copy(built, tmp_path)
    style = repo / "natgrad" / "drawing" / "natgrad.mplstyle"
    style.write_text(style.read_text() + "\n# touched\n")
    result = run_snakemake(repo, "-n", "--cores", "4")
    assert result.returncode == 0
    # every figure uses the style; the claims table draws nothing, so it does not rerun
    assert jobs_run(result) == sorted([*FIGURES, "all"])


def figures_using(filename):
    """The figures whose job imports natgrad/<filename> (from the registry's sources)."""
    from natgrad.pipeline.sources import PACKAGE, imported_sources

    return sorted(
        name
        for name in FIGURES
        if PACKAGE / filename
        in imported_sources(PACKAGE / "pipeline" / "render.py", PACKAGE / "figures" / f"{name}.py")
    )


@pytest.mark.parametrize(
    "edited, expected",
    [
        ("natgrad/pipeline/validate.py", []),  # runs in Snakemake's own process
        ("natgrad/tools/artifacts.py", []),  # the check reads the figures, draws none
        ("natgrad/figures/gaussian_kl_vs_euclidean.py", ["gaussian_kl_vs_euclidean"]),
        ("natgrad/metrics.py", figures_using("metrics.py") + ["claims"]),
        ("natgrad/gaussian.py", figures_using("gaussian.py") + ["claims"]),
    ],
)
def test_an_edit_reruns_exactly_the_jobs_that_use_the_file(built, tmp_path, edited, expected):
    """Snakemake 9 compares input contents, so the file is edited, not touched."""
    repo = fresh_copy(built, tmp_path)
    path = repo / edited
    path.write_text(path.read_text() + "\n# edited\n")
    dry = run_snakemake(repo, "-n", "--cores", "4")
    assert dry.returncode == 0, dry.stderr[-2000:]
    assert jobs_run(dry) == (sorted([*expected, "all"]) if expected else [])


def test_metrics_is_used_by_some_figures_not_all():
    using = figures_using("metrics.py")
    assert "equidistant_points" in using and "gd_euclidean_mahalanobis" in using
    assert "gaussian_kl_vs_euclidean" not in using


TOY_MODULE = '''"""A toy figure: a sine wave."""

import numpy as np
from matplotlib.figure import Figure


def build(*, figsize, frequency):
    fig = Figure(figsize=figsize)
    ax = fig.subplots()
    x = np.linspace(0.0, 1.0, 50)
    ax.plot(x, np.sin(2 * np.pi * frequency * x))
    return fig, {"x": x, "frequency": frequency}
'''

TOY_SCHEMA = """
  toy_sine:
    description: Figure toy_sine, a sine wave.
    type: object
    additionalProperties: false
    required: [figsize, frequency]
    properties:
      figsize: {description: Figure size in inches., $ref: "#/$defs/figsize"}
      frequency: {description: "Cycles on [0, 1].", $ref: "#/$defs/positive"}
"""


def test_adding_a_figure_touches_four_files(built, tmp_path):
    """README, "Adding a figure": its module, its config section, its schema section, its
    caption. Nothing else is edited, and the pipeline builds it, with sidecar and manifest."""
    repo = fresh_copy(built, tmp_path)
    (repo / "natgrad" / "figures" / "toy_sine.py").write_text(TOY_MODULE)
    with open(repo / "config.yaml", "a") as fh:
        fh.write("\ntoy_sine:\n  figsize: [4, 3]\n  frequency: 3.0\n")
    with open(repo / "workflow" / "schemas" / "config.schema.yaml", "a") as fh:
        fh.write(TOY_SCHEMA)
    (repo / "workflow" / "report" / "toy_sine.rst").write_text("A sine wave.\n")
    result = run_snakemake(repo, "--cores", "4")
    assert result.returncode == 0, result.stderr[-3000:]
    assert jobs_run(result) == ["all", "toy_sine"]
    assert png_size(repo / "figures" / "toy_sine.png") == (400, 300)
    assert sidecar(repo, "toy_sine")["data"]["frequency"] == 3.0
    manifest = json.loads((repo / "figures" / "manifest" / "toy_sine.json").read_text())
    artifacts = {"toy_sine.png", "data/toy_sine.json", "text/toy_sine.json"}
    assert set(manifest["artifacts"]) == artifacts
    # a typo in its section is caught like any other figure's
    text = (repo / "config.yaml").read_text().replace("frequency: 3.0", "frequncy: 3.0")
    (repo / "config.yaml").write_text(text)
    bad = run_snakemake(repo, "--cores", "4")
    assert bad.returncode != 0 and "did you mean 'frequency'" in bad.stderr + bad.stdout


@pytest.mark.parametrize(
    "key, value, rename, words",
    [
        ("n_steps", "ten", None, "gd_euclidean_mahalanobis.n_steps"),
        ("n_steps", None, "n_step", "gd_euclidean_mahalanobis.n_step"),
        ("A", "[[1.0, 2.0], [2.0, 1.0]]", None, "positive definite"),
    ],
)
def test_broken_config_fails_before_any_job(built, tmp_path, key, value, rename, words):
    repo = fresh_copy(built, tmp_path)
    before = tree_hashes(repo / "figures")
    edit_config(repo, "gd_euclidean_mahalanobis", key, value, rename=rename)
    result = run_snakemake(repo, "--cores", "4")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert words in output
    assert "Traceback" not in output and 'File "' not in output
    assert jobs_run(result) == []
    assert tree_hashes(repo / "figures") == before


def test_formats_pdf_and_svg_are_built(built, tmp_path):
    repo = fresh_copy(built, tmp_path)
    result = run_snakemake(repo, "--cores", "4", "--config", "formats=[png,pdf,svg]")
    assert result.returncode == 0, result.stderr[-2000:]
    for name in FIGURES:
        assert (repo / "figures" / f"{name}.pdf").read_bytes().startswith(b"%PDF")
        assert b"<svg" in (repo / "figures" / f"{name}.svg").read_bytes()[:1000]


def test_report(built, tmp_path):
    repo = fresh_copy(built, tmp_path)
    result = run_snakemake(repo, "--report", "report.html")
    assert result.returncode == 0, result.stderr[-2000:]
    html = (repo / "report.html").read_text(errors="replace")
    for name in FIGURES:
        assert name in html
    assert "bunch together" in html  # the isocontours caption, not the trajectory one


def test_lint_is_clean():
    result = run_snakemake(ROOT, "--lint")
    assert result.returncode == 0, result.stdout + result.stderr


def test_claims_rule_fails_the_build_when_a_formula_breaks(built, tmp_path):
    repo = fresh_copy(built, tmp_path)
    before = tree_hashes(repo / "figures")
    source = repo / "natgrad" / "gaussian.py"
    text = source.read_text()
    broken = text.replace(
        "rows = [[1.0 / s**2, zero], [zero, np.full_like(s, 2.0)]]",
        "rows = [[1.0 / s**2, zero], [zero, np.full_like(s, 3.0)]]",
    )
    assert broken != text
    source.write_text(broken)
    result = run_snakemake(repo, "--cores", "4", "claims")
    assert result.returncode != 0
    log = (repo / "logs" / "claims.log").read_text()
    assert "C21" in log and "expected holds, computed" in log
    assert "natgrad: claims changed verdict: C21" in result.stdout + result.stderr
    # Snakemake removes a failed job's outputs: the table is absent, never wrong
    after = tree_hashes(repo / "figures")
    for name in ("claims.md", "claims.json"):
        assert after.get(name) in (None, before[name])


def test_an_authors_edits_rebuild_and_keep_the_figure_tests_green(built, tmp_path):
    """README: every number is in config.yaml, edit it and rebuild. Ordinary edits
    within the schema (a learning rate, the data's seed, a radius, a size, a title);
    the rebuild reruns exactly the figures that read them, and the figure tests and
    the build's checks pass on what it drew (they read the config, not its values)."""
    from natgrad.figures import registry

    repo = fresh_copy(built, tmp_path)
    edits = [
        ("gd_euclidean_mahalanobis", "lr", "0.4"),  # the first panel's
        ("gaussian_data", "seed", "7"),
        ("equidistant_points", "radius", "1.5"),
        ("gaussian_fisher_ellipses", "figsize", "[7, 6]"),
        ("gaussian_isocontours_fisher", "title", "'log-likelihood'"),
        ("natural_gradient_gaussian_mle", "lr_natural", "0.6"),
    ]
    for section, key, value in edits:
        edit_config(repo, section, key, value)
    result = run_snakemake(repo, "--cores", "4")
    assert result.returncode == 0, result.stderr[-3000:]
    edited = {section for section, _, _ in edits}
    rerun = [name for name, spec in registry().items() if edited & set(spec.sections)]
    assert jobs_run(result) == sorted([*rerun, "all"])
    check_sizes(repo)
    check_drawn_data(repo)
    figure_tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n0",
         "tests/figures"],
        cwd=repo, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert figure_tests.returncode == 0, figure_tests.stdout[-3000:]
    assert " passed" in figure_tests.stdout and "failed" not in figure_tests.stdout
