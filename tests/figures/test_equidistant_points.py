"""What equidistant_points.png draws (natgrad/figures/equidistant_points.py).

Every number is read from the config the figure is built with; what only the post's
own ellipses show is checked on its published matrices (tests/helpers/published.py)."""

import numpy as np
from numpy.testing import assert_allclose

from natgrad.metrics import metric_from_matrix
from tests.helpers.figures import build_figure
from tests.helpers.published import EQUIDISTANT_A


def expected_metric(A):
    """The class the figure names a panel's metric by: identity, diagonal, or full."""
    A = np.asarray(A, dtype=float)
    if np.array_equal(A, np.eye(len(A))):
        return "Euclidean"
    return "Diagonal" if np.array_equal(A, np.diag(np.diag(A))) else "Mahalanobis"


def test_equidistant_points_draws_the_three_level_sets(default_config):
    params, fig, data = build_figure(default_config, "equidistant_points")
    assert tuple(fig.get_size_inches()) == tuple(params["figsize"])
    r = params["radius"]
    axes = fig.axes
    assert len(axes) == len(params["panels"])
    limits = tuple(params["limits"])
    for ax, panel in zip(axes, params["panels"], strict=True):
        *axis_lines, line = ax.get_lines()
        assert len(axis_lines) == 2
        pts = np.column_stack(line.get_data())
        assert len(pts) == params["n_points"]
        A = np.array(panel["A"])
        assert_allclose(np.einsum("ni,ij,nj->n", pts, A, pts), r**2, rtol=1e-12)
        # the ellipse x^T A x = r^2 reaches r sqrt((A^-1)_ii) along axis i
        assert_allclose(np.abs(pts).max(axis=0), r * np.sqrt(np.diag(np.linalg.inv(A))),
                        rtol=1e-3)  # fmt: skip
        # its farthest point, at r / sqrt(smallest eigenvalue), along that eigenvector
        w, V = np.linalg.eigh(A)
        far = pts[np.argmax(np.hypot(*pts.T))]
        assert_allclose(np.hypot(*far), r / np.sqrt(w[0]), rtol=1e-3)
        if w[1] > w[0] * (1 + 1e-9):  # a circle has no such direction
            assert abs(far @ V[:, 0]) / np.hypot(*far) > 1 - 1e-3
        assert ax.get_xlim() == limits and ax.get_ylim() == limits
        assert list(ax.get_xticks()) == params["xticks"]
        assert list(ax.get_yticks()) == params["yticks"]
        assert ax.get_title() == panel["title"]
        assert line.get_color() == params["color"] and line.get_alpha() == params["alpha"]
        assert line.get_linewidth() == params["linewidth"]
    assert [p["metric"] for p in data["panels"]] == [
        expected_metric(p["A"]) for p in params["panels"]
    ]


def test_the_posts_ellipses_are_a_circle_a_vertical_one_and_it_turned():
    """Published values only: the post's three matrices draw the unit circle, an
    ellipse of semi-axes 1 and 2 with its long axis vertical, and the same ellipse
    turned 45 degrees (its farthest point, at distance 2, on y = x)."""
    circle, vertical, turned = (metric_from_matrix(A).level_set(1.0, 401) for A in EQUIDISTANT_A)
    assert_allclose(np.abs(circle).max(axis=0), [1, 1], rtol=1e-3)
    assert_allclose(np.abs(vertical).max(axis=0), [1, 2], rtol=1e-3)
    far = turned[np.argmax(np.hypot(*turned.T))]
    assert_allclose(np.hypot(*far), 2.0, rtol=1e-3)
    assert_allclose(far[0], far[1], rtol=1e-2)
    assert [expected_metric(A) for A in EQUIDISTANT_A] == ["Euclidean", "Diagonal", "Mahalanobis"]
