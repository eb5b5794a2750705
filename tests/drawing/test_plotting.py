import numpy as np
import pytest
from matplotlib.figure import Figure
from numpy.testing import assert_allclose, assert_array_equal

from natgrad.drawing.plotting import palette, plot_contours, plot_level_set, plot_trajectory
from natgrad.metrics import Diagonal


@pytest.fixture
def ax():
    return Figure().subplots()


def test_plot_level_set_draws_the_points(ax):
    pts = Diagonal([1.0, 0.25]).level_set(n_points=50)
    out = plot_level_set(
        pts, ax, color="red", linewidth=7, alpha=0.4, limits=(-3, 3), xticks=[-2, 0, 2],
        yticks=[-1, 0, 1], title="t",
    )  # fmt: skip
    assert out is ax
    horizontal, vertical, line = ax.get_lines()
    # the coordinate axes: black lines through the origin, across the whole frame
    assert horizontal.get_ydata() == [0, 0] and horizontal.get_color() == "black"
    assert vertical.get_xdata() == [0, 0] and vertical.get_color() == "black"
    assert_allclose(np.column_stack(line.get_data()), pts)
    assert line.get_linewidth() == 7
    assert line.get_alpha() == 0.4
    assert ax.get_xlim() == (-3, 3) and ax.get_ylim() == (-3, 3)
    assert list(ax.get_xticks()) == [-2, 0, 2] and list(ax.get_yticks()) == [-1, 0, 1]
    assert ax.get_aspect() == 1.0
    # the frame stays where it is (the draft's spines at zero put "0" on the axis lines)
    assert all(ax.spines[side].get_visible() for side in ("left", "right", "top", "bottom"))
    assert ax.spines["left"].get_position() == ("outward", 0.0)
    assert ax.get_title() == "t"


def test_plot_trajectory_arrows_join_consecutive_iterates(ax):
    path = np.array([[8.0, 3.0], [4.0, -1.0], [2.0, 0.5], [2.0, 0.5], [0.0, 0.0]])
    plot_trajectory(path, ax, head_width=0.5, color="black")
    arrows = ax.patches
    assert len(arrows) == 3  # the zero-length step has no arrow
    starts = [p for p, q in zip(path[:-1], path[1:], strict=True) if np.any(q - p)]
    ends = [q for p, q in zip(path[:-1], path[1:], strict=True) if np.any(q - p)]
    for arrow, start, end in zip(arrows, starts, ends, strict=True):
        xy = arrow.get_xy()
        # the tip vertex is exactly the next iterate ...
        assert np.min(np.linalg.norm(xy - end, axis=1)) < 1e-12
        # ... and the tail's two corners straddle the current iterate
        d = np.linalg.norm(xy - start, axis=1)
        tail = xy[np.argsort(d)[:2]]
        assert_allclose(tail.mean(axis=0), start, atol=1e-9)


def test_plot_trajectory_rejects_nan(ax):
    with pytest.raises(ValueError, match="finite"):
        plot_trajectory(np.array([[0.0, 0.0], [np.nan, 1.0]]), ax)


def test_plot_contours(ax):
    X, Y = np.meshgrid(np.linspace(-1, 1, 20), np.linspace(-2, 2, 30))
    Z = X**2 + Y**2
    assert plot_contours(X, Y, Z, ax, levels=7) is ax
    cs = ax.collections[-1]
    assert len(cs.levels) >= 5
    # matplotlib's nice levels bracket the data; the drawn lines stay on the grid
    assert cs.levels.min() <= Z.min() + 1 and cs.levels.max() >= Z.max() - 1
    verts = np.concatenate([p.vertices for p in cs.get_paths() if len(p.vertices)])
    assert verts[:, 0].min() >= -1 and verts[:, 0].max() <= 1
    assert verts[:, 1].min() >= -2 and verts[:, 1].max() <= 2
    with pytest.raises(ValueError, match="finite"):
        plot_contours(X, Y, Z * np.nan, ax)


@pytest.mark.parametrize("n", [1, 2, 10, 13])
def test_palette_is_seaborns_colorblind_palette(n):
    # The copy in natgrad must stay the palette seaborn draws with.
    import seaborn as sns

    assert_array_equal(palette(n), sns.color_palette("colorblind", n))
