"""The figure builders draw exactly what natgrad computes for the default config."""

import json

import numpy as np
import pytest
from numpy.testing import assert_allclose

from natgrad import gaussian
from natgrad.descent import steepest_descent
from natgrad.figures import FIGURES, render
from natgrad.metrics import Euclidean, Mahalanobis
from natgrad.objectives import GaussianLogLikelihood, Quadratic


def section(config, name, *shared):
    return dict(config[name], **{k: config[k] for k in shared})


def test_equidistant_points_draws_the_three_level_sets(default_config):
    params = section(default_config, "equidistant_points")
    fig, data = FIGURES["equidistant_points"](**params)
    assert tuple(fig.get_size_inches()) == (20, 8)
    axes = fig.axes
    assert len(axes) == 3
    extents = []
    for ax, panel in zip(axes, params["panels"], strict=True):
        (line,) = ax.get_lines()
        pts = np.column_stack(line.get_data())
        A = np.array(panel["A"])
        assert_allclose(np.einsum("ni,ij,nj->n", pts, A, pts), 1.0, rtol=1e-12)
        extents.append(np.abs(pts).max(axis=0))
        assert ax.get_xlim() == (-2.25, 2.25) and ax.get_ylim() == (-2.25, 2.25)
        assert list(ax.get_xticks()) == [-2, 0, 2] == list(ax.get_yticks())
        assert ax.get_title() == panel["title"]
        assert line.get_color() == "red" and line.get_alpha() == 0.5
    assert_allclose(extents[0], [1, 1], rtol=1e-3)  # unit circle
    assert_allclose(extents[1], [1, 2], rtol=1e-3)  # long axis vertical
    # rotated: the farthest point, at distance 2, lies on y = x
    pts = np.column_stack(axes[2].get_lines()[0].get_data())
    far = pts[np.argmax(np.hypot(*pts.T))]
    assert_allclose(np.hypot(*far), 2.0, rtol=1e-3)
    assert_allclose(far[0], far[1], rtol=1e-2)
    assert [p["metric"] for p in data["panels"]] == ["Euclidean", "Diagonal", "Mahalanobis"]


def test_gd_figure_arrows_are_the_iterates(default_config):
    params = section(default_config, "gd_euclidean_mahalanobis")
    fig, data = FIGURES["gd_euclidean_mahalanobis"](**params)
    assert tuple(fig.get_size_inches()) == (14, 7)
    f = Quadratic(params["A"])
    expected = {
        "euclidean": steepest_descent(f.gradient, [8, 3], Euclidean(), 0.5, 10),
        "mahalanobis": steepest_descent(f.gradient, [8, 3], Mahalanobis(f.A), 0.3, 10),
    }
    for ax, panel, drawn in zip(fig.axes, params["panels"], data["panels"], strict=True):
        path = expected[panel["metric"]]
        assert_allclose(drawn["iterates"], path)
        assert len(ax.patches) == 10
        for arrow, end in zip(ax.patches, path[1:], strict=True):
            assert np.min(np.linalg.norm(arrow.get_xy() - end, axis=1)) < 1e-9
        cs = ax.collections[0]
        verts = np.concatenate([p.vertices for p in cs.get_paths() if len(p.vertices)])
        assert verts.min() >= -10 and verts.max() <= 10
        assert len(drawn["contours"]["levels"]) == len(cs.levels)
        assert ax.get_xticks().size == 0 and ax.get_yticks().size == 0
        assert ax.get_title() == panel["title"]


def test_isocontours_figure_grid_and_levels(default_config):
    params = section(default_config, "gaussian_isocontours_fisher", "gaussian_data")
    fig, data = FIGURES["gaussian_isocontours_fisher"](**params)
    assert tuple(fig.get_size_inches()) == (6, 6)
    (ax,) = fig.axes
    cs = ax.collections[0]
    x = gaussian.sample(2000, 0.0, 1.0, params["gaussian_data"]["seed"])
    ll = GaussianLogLikelihood(x)
    assert data["contours"]["x_range"] == [-1.0, 1.0]
    assert data["contours"]["y_range"] == [-2.0, 2.0]
    z_lo, z_hi = data["contours"]["z_range"]
    assert_allclose(z_hi, ll.value(ll.mle()), rtol=1e-3)  # the peak is on the grid, near the MLE
    assert_allclose(z_lo, min(ll.value([m, -2.0]) for m in (-1.0, 1.0)), rtol=1e-12)
    # about 200 levels (matplotlib rounds to nice values)
    assert 100 <= len(cs.levels) <= 250
    assert ax.get_xlabel() == "$\\mu$" and ax.get_ylabel() == "$\\log \\sigma$"
    # contours bunch together as log sigma falls: more level crossings along mu = 0 below 0
    col = ll.value(np.column_stack([np.zeros(201), np.linspace(-2, 2, 201)]))
    crossings = np.abs(np.diff(np.searchsorted(cs.levels, col)))
    assert crossings[:100].sum() > 5 * crossings[100:].sum()


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg"])
def test_render_is_deterministic_and_atomic(tmp_path, default_config, fmt):
    params = section(default_config, "equidistant_points")
    outs = []
    for i in range(2):
        fig_path, data_path = tmp_path / f"{i}.{fmt}", tmp_path / f"{i}.json"
        render("equidistant_points", params, [fig_path], data_path, usetex=False)
        outs.append((fig_path.read_bytes(), data_path.read_text()))
    assert outs[0] == outs[1]
    head = outs[0][0][:400]
    assert b"Matplotlib" not in head or fmt == "svg"  # no version stamp in PNG/PDF headers
    if fmt == "png":
        assert b"Software" not in outs[0][0]
    if fmt == "pdf":
        assert b"CreationDate" not in outs[0][0] and b"Producer" not in outs[0][0]
    if fmt == "svg":
        assert b"<dc:date>" not in outs[0][0]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"0.{fmt}", "0.json", f"1.{fmt}", "1.json"]
    )  # no temporary file left behind
    assert json.loads(outs[0][1])["figure"] == "equidistant_points"


def test_render_unknown_figure(tmp_path):
    with pytest.raises(ValueError, match="unknown figure"):
        render("nope", {}, [tmp_path / "a.png"], tmp_path / "a.json")


def test_render_missing_directory(tmp_path, default_config):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        render(
            "equidistant_points",
            section(default_config, "equidistant_points"),
            [tmp_path / "missing" / "a.png"],
            tmp_path / "missing" / "a.json",
            usetex=False,
        )


RENDER_ALL = """
import json, sys
from pathlib import Path
from natgrad.config import FIGURE_SECTIONS, figure_params, load_config_file, load_schema
from natgrad.config import validate_config
from natgrad.figures import render

cfg = validate_config(load_config_file("config.yaml"),
                      load_schema("workflow/schemas/config.schema.yaml"))
out = Path(sys.argv[1])
for name in FIGURE_SECTIONS:
    p = figure_params(cfg, name)
    render(name, p["figure"], [out / f"{name}.png"], out / f"{name}.json",
           usetex=p["usetex"], dpi=p["dpi"], on_divergence=p["on_divergence"])
print(json.dumps(sorted(sys.modules)))
"""


@pytest.mark.slow
def test_figures_import_only_what_they_draw_with(tmp_path, root):
    # Start-up dominates a figure job (README, Benchmarks): no figure may pull in
    # pyplot (global state, a GUI backend search), seaborn or pandas (1.6 s).
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", RENDER_ALL, str(tmp_path)],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    modules = set(json.loads(result.stdout))
    assert "matplotlib.figure" in modules and "matplotlib.backends.backend_agg" in modules
    assert not {"matplotlib.pyplot", "seaborn", "pandas", "scipy.stats"} & modules
