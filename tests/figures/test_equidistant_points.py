"""What equidistant_points.png draws (natgrad/figures/equidistant_points.py)."""

import numpy as np
from conftest import build_figure
from numpy.testing import assert_allclose


def test_equidistant_points_draws_the_three_level_sets(default_config):
    params, fig, data = build_figure(default_config, "equidistant_points")
    assert tuple(fig.get_size_inches()) == (20, 8)
    axes = fig.axes
    assert len(axes) == 3
    extents = []
    for ax, panel in zip(axes, params["panels"], strict=True):
        *axis_lines, line = ax.get_lines()
        assert len(axis_lines) == 2
        pts = np.column_stack(line.get_data())
        A = np.array(panel["A"])
        assert_allclose(np.einsum("ni,ij,nj->n", pts, A, pts), 1.0, rtol=1e-12)
        extents.append(np.abs(pts).max(axis=0))
        assert ax.get_xlim() == (-2.25, 2.25) and ax.get_ylim() == (-2.25, 2.25)
        assert list(ax.get_xticks()) == [-2, 0, 2]
        assert list(ax.get_yticks()) == [-2, -1, 0, 1, 2]
        assert ax.get_title() == panel["title"]
        assert line.get_color() == "red" and line.get_alpha() == 0.5
    assert_allclose(extents[0], [1, 1], rtol=1e-3)  # unit circle
    assert_allclose(extents[1], [1, 2], rtol=1e-3)  # long axis vertical
    # rotated: the farthest point, at distance 2, lies on y = x
    pts = np.column_stack(axes[2].get_lines()[-1].get_data())
    far = pts[np.argmax(np.hypot(*pts.T))]
    assert_allclose(np.hypot(*far), 2.0, rtol=1e-3)
    assert_allclose(far[0], far[1], rtol=1e-2)
    assert [p["metric"] for p in data["panels"]] == ["Euclidean", "Diagonal", "Mahalanobis"]
