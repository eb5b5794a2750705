"""Every figure's text alternative (``describe``): what it says, from the drawn
numbers, following the config; written by the job beside its data and listed in
its manifest."""

import copy
import json

import numpy as np
import pytest

from natgrad.figures import describer, registry
from natgrad.figures._words import ALT_LIMIT, listing, number
from natgrad.pipeline.render import describe, render

FIGURES = list(registry())


def committed(root, name):
    """The committed sidecar's params and data, and the committed text."""
    sidecar = json.loads((root / "figures" / "data" / f"{name}.json").read_text())
    said = json.loads((root / "figures" / "text" / f"{name}.json").read_text())
    return sidecar["params"], sidecar["data"], said


def drawn(tmp_path, config, name, on_divergence="raise"):
    """Figure ``name`` rendered from ``config`` as its job does: its text and data."""
    from natgrad.pipeline.jobs import figure_params

    params = figure_params(config, name)["figure"]
    text, data = tmp_path / f"{name}.text.json", tmp_path / f"{name}.json"
    render(name, params, [tmp_path / f"{name}.png"], data, text_path=text,
           on_divergence=on_divergence)  # fmt: skip
    return json.loads(text.read_text()), json.loads(data.read_text())["data"]


@pytest.mark.parametrize(
    "x, digits, said",
    [
        (4.0, 2, "4"),
        (1.5999999999999999, 2, "1.6"),
        (80.0000001, 2, "80"),
        (-2.25, 6, "-2.25"),
        (0.0001, 2, "0.0001"),
        (4.673004150390625e-05, 2, "4.7 × 10^-5"),
        (2981.0, 2, "3000"),
        (0.000197, 2, "0.0002"),
        (0.0, 2, "0"),
        (-1e-30, 2, "-1 × 10^-30"),
    ],
)
def test_numbers_are_said_as_a_reader_says_them(x, digits, said):
    assert number(x, digits) == said


def test_lists_are_said_with_and():
    assert listing([]) == "" and listing(["a"]) == "a"
    assert listing(["a", "b", "c"]) == "a, b and c"


@pytest.mark.parametrize("name", FIGURES)
def test_every_figure_has_its_own_text_within_the_alt_limit(root, name):
    """Its own ``describe`` (not the docstring fallback); an alt a screen reader reads
    in one go; plain words, no TeX; the committed text is what its data says today."""
    module = __import__(f"natgrad.figures.{name}", fromlist=["describe"])
    assert hasattr(module, "describe"), f"{name} has no describe(data, **section)"
    params, data, said = committed(root, name)
    assert said == describe(name, data, params), f"figures/text/{name}.json is stale"
    assert 40 <= len(said["alt"]) <= ALT_LIMIT, said["alt"]
    assert len(said["description"]) > len(said["alt"])
    for text in (said["alt"], said["description"]):
        assert "$" not in text and "\\" not in text, text
        assert "nan" not in text.split() and "None" not in text, text
        assert text.endswith("."), text


def test_describe_is_given_the_data_as_stored(root):
    """Arrays or lists, keys in any order: the same text (the preview reads the sidecar)."""
    params, data, said = committed(root, "adam_diagonal_preconditioning")
    shuffled = dict(reversed(list(data.items())))
    shuffled["lrs"] = dict(reversed(list(data["lrs"].items())))
    shuffled["x0"] = np.asarray(data["x0"])
    assert describe("adam_diagonal_preconditioning", shuffled, params) == said


def test_equidistant_text_reads_the_drawn_curves(root, default_config, tmp_path):
    """The numbers of the issue: a circle of radius 1, semi-axes 1 and 2, tilted 45
    degrees; a new radius and a new matrix change the text."""
    config = copy.deepcopy(default_config)
    section = config["equidistant_points"]
    said, _ = drawn(tmp_path, config, "equidistant_points")
    r = section["radius"]
    text = said["description"]
    assert f"a circle of radius {number(r)}" in text
    assert f"semi-axes {number(r)} and {number(2 * r)}, its long axis vertical" in text
    assert f"semi-axes {number(r)} and {number(2 * r)}, its long axis tilted 45 degrees" in text
    section["radius"] = 1.5
    # semi-axes radius / sqrt(eigenvalue): 1.5 / sqrt(1/9) = 4.5, tilted the other way
    section["panels"][2]["A"] = [[0.5555555555555556, 0.4444444444444444],
                                 [0.4444444444444444, 0.5555555555555556]]  # fmt: skip
    said, _ = drawn(tmp_path, config, "equidistant_points")
    text = said["description"]
    assert "a circle of radius 1.5" in text and "semi-axes 1.5 and 3" in text
    assert "semi-axes 1.5 and 4.5, its long axis tilted 45 degrees" in text
    assert "towards the upper left" in text


def test_trajectory_text_counts_the_steps_to_the_minimum(default_config, tmp_path):
    """Start, step sizes and the steps each method takes to within NEAR of the
    minimum, counted on the drawn iterates; a new step size changes them."""
    from natgrad.figures.gd_euclidean_mahalanobis import NEAR

    config = copy.deepcopy(default_config)
    section = config["gd_euclidean_mahalanobis"]
    said, data = drawn(tmp_path, config, "gd_euclidean_mahalanobis")

    def reached(panel):
        d = np.linalg.norm(np.asarray(panel["iterates"]), axis=1)
        return int(np.flatnonzero(d <= NEAR)[0])

    x0 = section["x0"]
    assert f"from the start ({number(x0[0])}, {number(x0[1])})" in said["description"]
    for panel in data["panels"]:
        assert f"step size {panel['lr']:g}" in said["description"]
        assert (
            f"within {NEAR:g} of the minimum after {reached(panel)} steps" in (said["description"])
        )
    for panel, name in zip(
        data["panels"], ("gradient descent", "steepest descent under the metric A"), strict=True
    ):
        # the sharpest turn between successive steps, as the quotient of complex numbers
        z = np.diff(np.asarray(panel["iterates"]) @ [1, 1j])
        z = z[z != 0]
        turn = max(np.degrees(np.abs(np.angle(z[1:] / z[:-1]))), default=0.0)
        how = "zig-zags" if turn > 90 else "bends" if turn >= 0.5 else "runs straight"
        assert f"{name} {how}" in said["alt"]
    section["panels"][0]["lr"] = 0.1  # small steps: no zig-zag, too few to get there
    said, data = drawn(tmp_path, config, "gd_euclidean_mahalanobis")
    assert "step size 0.1" in said["description"] and "zig-zags" not in said["alt"]
    n = len(data["panels"][0]["iterates"]) - 1
    end = np.linalg.norm(data["panels"][0]["iterates"][-1])
    assert end > NEAR
    assert (
        f"in {n} steps it does not come within {NEAR:g} of the minimum: it ends "
        + (f"{number(end)} from it")
        in said["description"]
    )


def test_kl_text_follows_the_variances(default_config, tmp_path):
    config = copy.deepcopy(default_config)
    section = config["gaussian_kl_vs_euclidean"]
    section["variances"] = [1.0, 2.0]
    said, data = drawn(tmp_path, config, "gaussian_kl_vs_euclidean")
    (m1, m2) = section["means"]
    for var in section["variances"]:
        kl = (m2 - m1) ** 2 / (2 * var)
        assert f"σ² = {var:g}" in said["description"]
        assert f"KL divergence is {number(kl)}" in said["description"]
    assert "8 on the left and 4 on the right" in said["alt"]


def test_mle_text_counts_iterations_to_the_tolerance(root):
    """The counts the data drew (iterations_to_tolerance), with the config's tolerance."""
    params, data, said = committed(root, "natural_gradient_gaussian_mle")
    counts = [r["iterations_to_tolerance"] for r in data["runs"]]
    gd, natural = ([str(r["iterations_to_tolerance"]) for r in data["runs"] if r["method"] == m]
                   for m in ("gd", "natural"))  # fmt: skip
    assert f"gradient descent takes {' and '.join(gd)} steps" in said["alt"]
    assert f"natural gradient {' and '.join(natural)} steps" in said["alt"]
    assert all(f"after {n} steps" in said["description"] for n in counts)
    assert f"within {params['tolerance']:g}" in said["alt"]


def test_a_figure_without_describe_says_its_docstring(monkeypatch):
    """README's toy figure (four files) still gets an alt: its docstring's first line."""
    import types

    monkeypatch.setitem(
        __import__("sys").modules, "natgrad.figures.equidistant_points", types.ModuleType("x")
    )
    said = describer("equidistant_points")({})
    assert said == {"alt": registry()["equidistant_points"].summary, "description": ""}


def test_the_job_writes_the_text_beside_its_data_and_lists_it(root, default_config, tmp_path):
    """A figure job's text alternative is its own output, in its manifest."""
    from natgrad.pipeline.jobs import figure_job
    from natgrad.pipeline.manifest import load_manifest

    name = "univariate_gaussian_euclidean"
    for sub in ("data", "text", "manifest"):
        (tmp_path / sub).mkdir()
    job = figure_job(
        default_config, name, [tmp_path / f"{name}.png"], [tmp_path / "data" / f"{name}.json"],
        [tmp_path / "manifest" / f"{name}.json"],
    )  # fmt: skip
    from dataclasses import replace

    job = replace(job, texts=(str(tmp_path / "text" / f"{name}.json"),))
    job.render()
    assert f"text/{name}.json" in load_manifest(tmp_path)
    written = json.loads((tmp_path / "text" / f"{name}.json").read_text())
    assert written == json.loads((root / "figures" / "text" / f"{name}.json").read_text())


@pytest.mark.parametrize(
    "name, key, value, said",
    [
        ("gd_euclidean_mahalanobis", ("panels", 0, "lr"), 1e200,
         "The path diverged after 1 of 10 steps, drawn up to there."),
        ("adam_diagonal_preconditioning", ("lrs", "gd"), 74,
         "for gradient descent (diverged after 39 of 50 steps, drawn up to there)"),
        ("natural_gradient_gaussian_mle", ("lr_gd",), 1e3,
         "gradient descent takes not within 60 steps and not within 60 steps"),
        ("reparameterization_invariance", ("lr",), 50.0,
         "The natural-gradient path in (μ, σ) diverged after 1 of 30 steps."),
    ],
)  # fmt: skip
# matplotlib's log scale exponentiates the diverged path's gaps (near 1e300) while
# it autoscales, before the figure caps the axis (GAP_CEILING): expected here
@pytest.mark.filterwarnings("ignore:overflow encountered in exp:RuntimeWarning")
def test_a_path_stopped_at_a_divergence_is_said_so(default_config, tmp_path, name, key, value,
                                                   said):  # fmt: skip
    """on_divergence: stop draws a path up to its divergence: its text says so (and
    an overflowed number, stored as null, is "not finite"), and the job does not fail."""
    config = copy.deepcopy(default_config)
    node = config[name]
    for k in key[:-1]:
        node = node[k]
    node[key[-1]] = value
    text, _ = drawn(tmp_path, config, name, on_divergence="stop")
    assert said in text["alt"] + " " + text["description"]
    assert "None" not in text["description"] and "nan" not in text["description"].split()


def test_the_artifact_check_compares_the_text_like_the_data(root, tmp_path):
    """A text edited by hand, or one its figure no longer draws, is named by the check."""
    import shutil

    from natgrad.tools.artifacts import compare_dirs

    committed = tmp_path / "figures"
    shutil.copytree(root / "figures", committed)
    name = "text/equidistant_points.json"
    said = json.loads((committed / name).read_text())
    said["alt"] = said["alt"].replace("distance 1", "distance 2")
    (committed / name).write_text(json.dumps(said))
    problems = compare_dirs(committed, root / "figures", tmp_path / "diff").problems
    assert f"{name}: does not match its manifest entry (edited by hand?)" in problems
    assert any(p.startswith(f"{name}: data differs: alt:") for p in problems), problems
    assert all(p.startswith(name) for p in problems), problems


def test_reparameterization_text_reads_the_slopes_and_the_spread(root):
    params, data, said = committed(root, "reparameterization_invariance")
    lrs = np.log(data["discrepancy_lrs"])
    for method, name in (("natural", "natural gradient"), ("gd", "gradient descent")):
        slope = np.polyfit(lrs, np.log(data["discrepancy"][method]), 1)[0]
        assert f"slope {number(slope)} for {name}" in said["description"] or (
            f"{number(slope)} for {name}" in said["description"]
        )
    assert f"paths of {params['n_steps']} steps of size {params['lr']:g}" in said["description"]
    assert "to first order, natural gradient does not depend on the coordinates" in (
        said["description"]
    )


def test_fisher_ball_text_follows_the_radius(default_config, tmp_path):
    """The balls' drawn widths, read back; doubling the radius doubles them."""
    config = copy.deepcopy(default_config)
    said, data = drawn(tmp_path, config, "gaussian_fisher_ellipses")
    top = max(e["center"][1] for e in data["ellipses"])
    width = 2 * next(e["half_widths"][0] for e in data["ellipses"] if e["center"][1] == top)
    assert f"a ball is {number(width)} wide in μ" in said["description"]
    config["gaussian_fisher_ellipses"]["radius"] *= 2
    said, data = drawn(tmp_path, config, "gaussian_fisher_ellipses")
    radius = config["gaussian_fisher_ellipses"]["radius"]
    assert f"Fisher distance {radius:g}" in said["description"]
    assert f"a ball is {number(2 * width)} wide in μ" in said["description"]


@pytest.mark.slow
def test_snakemake_rewrites_the_text_with_its_figure_only(tmp_path):
    """A config edit reruns the figure's job, which rewrites its text (and manifest);
    no other figure's text is touched."""
    from tests.helpers.snakemake_runs import copy_repo, edit_config, jobs_run, run_snakemake

    repo = copy_repo(tmp_path / "repo")
    texts = repo / "figures" / "text"
    before = {p.name: p.read_bytes() for p in texts.iterdir()}
    edit_config(repo, "equidistant_points", "radius", "0.5")
    result = run_snakemake(repo, "--cores", "2")
    assert result.returncode == 0, result.stderr[-2000:]
    assert jobs_run(result) == ["all", "equidistant_points"]
    after = {p.name: p.read_bytes() for p in texts.iterdir()}
    assert {n for n in after if after[n] != before[n]} == {"equidistant_points.json"}
    said = json.loads(after["equidistant_points.json"])
    assert "a circle of radius 0.5" in said["description"]
    assert "semi-axes 0.5 and 1" in said["description"]
    manifest = json.loads((repo / "figures" / "manifest" / "equidistant_points.json").read_text())
    from natgrad.pipeline.manifest import sha256_file

    assert manifest["artifacts"]["text/equidistant_points.json"]["sha256"] == sha256_file(
        texts / "equidistant_points.json"
    )
