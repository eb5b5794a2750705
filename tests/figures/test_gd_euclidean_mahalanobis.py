"""What gd_euclidean_mahalanobis.png draws (natgrad/figures/gd_euclidean_mahalanobis.py)."""

import numpy as np
from numpy.testing import assert_allclose

from natgrad.descent import steepest_descent
from natgrad.metrics import Euclidean, Mahalanobis
from natgrad.objectives import Quadratic
from tests.helpers.figures import build_figure


def test_gd_figure_arrows_are_the_iterates(default_config):
    params, fig, data = build_figure(default_config, "gd_euclidean_mahalanobis")
    assert tuple(fig.get_size_inches()) == tuple(params["figsize"])
    f, n = Quadratic(params["A"]), params["n_steps"]
    metrics = {"euclidean": Euclidean(), "mahalanobis": Mahalanobis(f.A)}
    for ax, panel, drawn in zip(fig.axes, params["panels"], data["panels"], strict=True):
        path = steepest_descent(f.gradient, params["x0"], metrics[panel["metric"]], panel["lr"], n)
        assert_allclose(drawn["iterates"], path)
        assert len(ax.patches) == n
        for arrow, end in zip(ax.patches, path[1:], strict=True):
            assert np.min(np.linalg.norm(arrow.get_xy() - end, axis=1)) < 1e-9
        cs = ax.collections[0]
        verts = np.concatenate([p.vertices for p in cs.get_paths() if len(p.vertices)])
        lo, hi = params["limits"]
        assert verts.min() >= lo and verts.max() <= hi
        assert len(drawn["contours"]["levels"]) == len(cs.levels)
        assert ax.get_xticks().size == 0 and ax.get_yticks().size == 0
        assert ax.get_title() == panel["title"]


def test_panel_titles_take_the_gradient_at_the_iterate(default_config):
    """ERRATA E15: the draft's titles write grad f(x) for grad f(x_t)."""
    _, fig, _ = build_figure(default_config, "gd_euclidean_mahalanobis")
    titles = [ax.get_title() for ax in fig.axes]
    assert all("\\nabla f(x_t)$" in t for t in titles), titles
    assert all("\\nabla f(x)$" not in t for t in titles)
