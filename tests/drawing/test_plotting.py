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


def test_a_view_leaves_the_arrows_it_shows_as_they_were(ax):
    """Arrows within VIEW_MARGIN views of the limits are drawn exactly as without a view."""
    path = np.array([[8.0, 3.0], [4.0, -1.0], [2.0, 0.5], [0.0, 0.0], [-80.0, 20.0]])
    plain = Figure().subplots()
    plot_trajectory(path, plain, head_width=0.5)
    plot_trajectory(path, ax, head_width=0.5, view=(-5, 10))
    for arrow, same in zip(ax.patches, plain.patches, strict=True):
        assert_array_equal(arrow.get_xy(), same.get_xy())


def test_an_arrow_far_beyond_the_view_is_cut_at_the_margin(ax):
    """A path stopped at a divergence jumps to 1e200 (matplotlib 3.8's Agg crashes on a
    polygon there): its arrow is cut VIEW_MARGIN views beyond the limits, without a
    head, along the same line; an arrow wholly beyond the margin is not drawn."""
    from natgrad.drawing.plotting import VIEW_MARGIN

    lo, hi = -2.0, 2.0
    path = np.array([[1.0, 1.0], [1.0e200, -3.0e199], [2.0e200, -3.0e199]])
    plot_trajectory(path, ax, head_width=0.5, width=0.1, view=(lo, hi))
    (arrow,) = ax.patches  # the second step lies wholly beyond the margin
    xy = arrow.get_xy()
    reach = hi + VIEW_MARGIN * (hi - lo)
    assert np.abs(xy).max() <= reach + 0.1
    # the shaft runs from the first iterate towards the second, and ends at the margin
    direction = (path[1] - path[0]) / 1e200  # np.linalg.norm of it overflows
    direction /= np.linalg.norm(direction)
    tip = xy[np.argmax(xy @ direction)]
    assert_allclose(tip[0], reach, rtol=1e-12)
    off = tip - path[0]  # its distance from the line: the 2-D cross product
    assert_allclose(direction[0] * off[1] - direction[1] * off[0], 0.0, atol=0.05 + 1e-9)
    # no head: the polygon is no wider than the shaft
    across = (xy - path[0]) @ np.array([-direction[1], direction[0]])
    assert np.ptp(across) == pytest.approx(0.1)
    fig = ax.figure
    ax.set_xlim(lo, hi), ax.set_ylim(lo, hi)
    fig.canvas.draw()  # drawn, at every supported matplotlib


def test_an_arrow_from_beyond_the_margin_starts_at_it(ax):
    from natgrad.drawing.plotting import VIEW_MARGIN

    path = np.array([[-1.0e200, 0.5], [0.0, 0.5]])
    plot_trajectory(path, ax, head_width=0.5, width=0.1, view=(-1, 1, -1, 1))
    xy = ax.patches[0].get_xy()
    assert xy[:, 0].min() == pytest.approx(-1 - VIEW_MARGIN * 2)
    assert np.min(np.linalg.norm(xy - path[1], axis=1)) < 1e-12  # the head is on the iterate


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


def test_the_clipping_agrees_with_exact_arithmetic(rng):
    """_clip_segment against Liang-Barsky in exact rationals (fractions), on segments
    with ends from 1e-3 to 1e200 away: the kept ends within 1e-9 of the box's size
    (a few roundings of numbers of the box's size, measured from the nearer end)."""
    from fractions import Fraction

    from natgrad.drawing.plotting import _clip_segment

    box = np.array([[-21.0, -3.0], [21.0, 5.0]])

    def exact(s, e):
        s, e = [Fraction(v) for v in s], [Fraction(v) for v in e]
        t0, t1 = Fraction(0), Fraction(1)
        for a in (0, 1):
            d = e[a] - s[a]
            lo, hi = Fraction(box[0, a]), Fraction(box[1, a])
            if d == 0:
                if not lo <= s[a] <= hi:
                    return None
                continue
            ta, tb = sorted(((lo - s[a]) / d, (hi - s[a]) / d))
            t0, t1 = max(t0, ta), min(t1, tb)
        if t0 > t1:
            return None
        return [[float(s[a] + t * (e[a] - s[a])) for a in (0, 1)] for t in (t0, t1)]

    kept = 0
    for _ in range(2000):
        # one end near the box, the other anywhere out to 1e200, in either order
        scale = np.array([[10.0 ** rng.uniform(-3, 2)], [10.0 ** rng.uniform(-3, 200)]])
        ends = (rng.standard_normal((2, 2)) * scale)[rng.permutation(2)]
        if rng.random() < 0.3:
            ends[rng.integers(2), rng.integers(2)] = rng.uniform(-3, 5)  # one axis in range
        got, want = _clip_segment(ends[0], ends[1], box), exact(ends[0], ends[1])
        if want is None:
            # what exact arithmetic misses by less than rounding may be kept, on the box's edge
            if got is not None:
                assert np.all(np.abs(np.array(got)) <= np.abs(box).max() * (1 + 1e-9))
            continue
        kept += 1
        assert got is not None, ends
        assert_allclose(np.array(got), np.array(want), rtol=0, atol=1e-9 * 42)
    assert kept > 200
