"""natgrad.drawing.layout on every figure as its job draws it, and on figures made to fail."""

from contextlib import contextmanager

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from natgrad.drawing.layout import display_scale, layout_problems
from natgrad.drawing.style import resolve_usetex, style_context
from natgrad.figures import registry
from tests.helpers.figures import build_figure

#: The blog's figure width (config.yaml's display_width) for the figures made here.
WIDTH = 535


@contextmanager
def built(default_config, name, rc=None, usetex=False):
    """Figure ``name`` built and drawn as its job does it (the style, mathtext unless
    ``usetex``), on an Agg canvas; inside the style still, as a job saves it (ticks
    that a redraw adds take their sizes from the style)."""
    # usetex without LaTeX fails here with the line that says what to install
    with style_context(resolve_usetex(usetex)), mpl.rc_context(rc or {}):
        _, fig, _ = build_figure(default_config, name)
        FigureCanvasAgg(fig)
        fig.canvas.draw()
        yield fig


def drawn(default_config, name, rc=None, usetex=False):
    """The layout problems of figure ``name`` shown at the config's display width."""
    with built(default_config, name, rc, usetex) as fig:
        return layout_problems(fig, display_width=default_config["display_width"])


LATEX = pytest.param(True, id="latex", marks=[pytest.mark.slow, pytest.mark.latex])
ENGINES = [pytest.param(False, id="mathtext"), LATEX]


@pytest.mark.parametrize("usetex", ENGINES)
@pytest.mark.parametrize("name", list(registry()))
def test_no_text_on_text_no_legend_on_data_readable_at_display_width(default_config, name, usetex):
    assert drawn(default_config, name, usetex=usetex) == []


# Title heights of the published figures (/work/blog-ref/assets/<name>.png, the
# author's blog), in pixels of those PNGs: for each panel, the rows from the
# highest to the lowest dark pixel (luminance < 128 after compositing on white;
# < 200 gives the same rows) above the frame's top edge, within the columns of
# that panel's frame. Measured with Pillow and numpy. The published titles
# reach down to their frames, so these are the heights a reader sees. Each
# published PNG is as wide as ours; shown at 535 px wide the heights are 19.0
# (each of the three panels), 18.7 and 20.3, 31.2, and 16.0 px.
PUBLISHED_TITLE_PX = {
    "equidistant_points": (2000, [71, 71, 71]),
    "gd_euclidean_mahalanobis": (1400, [49, 53]),
    "gaussian_isocontours_fisher": (600, [35]),
    "univariate_gaussian_euclidean": (1400, [42, 42]),
}


def title_ink_px(fig, ax):
    """Rows of dark pixels of ``ax``'s title as drawn, in drawn pixels.

    Measured as the published heights were: dark (luminance < 128) rows inside
    the title's window extent and above the frame. The extent alone is not the
    height: it always includes the descent of "lp" (matplotlib aligns lines by
    it), 3 px too much at 535 px for "$\\sigma^2=5$", which has no descender.
    """
    rgba = np.asarray(fig.canvas.buffer_rgba())
    height = rgba.shape[0]
    dark = rgba[..., :3] @ np.array([0.299, 0.587, 0.114]) < 128
    box = ax.title.get_window_extent(fig.canvas.get_renderer())
    bottom = max(box.y0, ax.bbox.y1 + 2)  # the frame's top edge is not title
    rows = dark[
        int(np.floor(height - box.y1)) : int(np.ceil(height - bottom)),
        int(np.floor(box.x0)) : int(np.ceil(box.x1)),
    ].any(axis=1)
    (ink,) = np.nonzero(rows)
    return ink[-1] - ink[0] + 1


@pytest.mark.parametrize("usetex", ENGINES)
@pytest.mark.parametrize("name", list(PUBLISHED_TITLE_PX))
def test_post_titles_are_as_tall_as_the_published_ones(default_config, name, usetex):
    """At the display width every panel title is at least the published one's height,
    with either text engine (LaTeX sets the same sizes about 5% smaller than mathtext)."""
    width = default_config["display_width"]
    published_width, published = PUBLISHED_TITLE_PX[name]
    with built(default_config, name, usetex=usetex) as fig:
        assert fig.get_figwidth() * fig.dpi == published_width  # the same scale for both
        scale = display_scale(fig, width)
        ours = [title_ink_px(fig, ax) * scale for ax in fig.axes if ax.get_title()]
    assert len(ours) == len(published)
    for i, (mine, theirs) in enumerate(zip(ours, published, strict=True)):
        assert mine >= theirs * scale, (
            f"panel {i}: title {mine:.1f} px high at {width} px, published {theirs * scale:.1f}"
        )


def test_the_style_size_titles_were_smaller_than_published(default_config):
    """The trajectory figure's titles at the style's 30 pt: 17.2 px against 20.3 at 535 px."""
    with built(default_config, "gd_euclidean_mahalanobis") as fig:
        for ax in fig.axes:
            ax.title.set_fontsize(30)
        fig.canvas.draw()
        scale = display_scale(fig, WIDTH)
        heights = [title_ink_px(fig, ax) * scale for ax in fig.axes]
    _, published = PUBLISHED_TITLE_PX["gd_euclidean_mahalanobis"]
    assert all(h < p * scale - 1 for h, p in zip(heights, published, strict=True)), heights


def test_the_old_isocontours_ticks_were_text_on_text(default_config):
    """Tick labels at title size and the default pad: the corner's -1 and -2 touched."""
    old = {"xtick.labelsize": 30, "ytick.labelsize": 30, "xtick.major.pad": 3.5,
           "ytick.major.pad": 3.5}  # fmt: skip
    problems = drawn(default_config, "gaussian_isocontours_fisher", old)
    assert any(p.startswith("text on text") for p in problems), problems


def test_titles_on_the_frame_are_found(default_config):
    """At matplotlib's 6 pt title pad the deep glyphs of a large title, the norm bars
    and parentheses, reach down across the frame's top edge."""
    problems = drawn(default_config, "equidistant_points", {"axes.titlepad": 6})
    crossing = 'title "$\\\\|x - x\'\\\\|^2$" crosses the axes 0 top spine'
    assert crossing in problems, problems


def canvas(width=6, height=4, dpi=100):
    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def test_overlapping_texts_are_found():
    fig = canvas()
    fig.text(0.5, 0.5, "a title", fontsize=14)
    fig.text(0.52, 0.5, "another", fontsize=14)
    (problem,) = layout_problems(fig, display_width=WIDTH)
    assert problem == "text on text: 'a title' overlaps 'another'"


def test_tick_labels_on_spines_through_the_origin_are_found():
    """The draft's look: spines moved to zero put the "0" labels on the axis lines."""
    fig = canvas()
    ax = fig.subplots()
    ax.set_xlim(-2, 2)
    ax.set_ylim(-2, 2)
    ax.set_xticks([-2, 0, 2])
    ax.set_yticks([-2, 0, 2])
    for side in ("left", "bottom"):
        ax.spines[side].set_position("zero")
    problems = layout_problems(fig, display_width=WIDTH)
    assert any("tick label '0' crosses the axes 0 left spine" in p for p in problems), problems


def test_a_legend_over_a_line_is_found_and_beside_it_is_not():
    fig = canvas()
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], label="diagonal")
    ax.plot([0, 1], [0.02, 0.02], label="floor")
    ax.legend(loc="lower right")
    assert any("covers axes 0 line 'floor'" in p for p in layout_problems(fig, display_width=WIDTH))
    ax.get_legend().remove()
    ax.legend(loc="upper left")
    assert layout_problems(fig, display_width=WIDTH) == []


def test_markers_under_a_legend_are_found():
    fig = canvas()
    ax = fig.subplots()
    ax.plot([0.9], [0.9], "o", label="point")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper right")
    assert any("markers" in p for p in layout_problems(fig, display_width=WIDTH))


def test_text_too_small_at_display_width_is_found():
    """A 2000 px figure is shown 535 px wide: 10 pt at 100 dpi is 3.7 px there,
    and 25 pt is 9.3 px; at 700 px wide 19 pt was enough, here it is 7.1 px."""
    fig = canvas(width=20, height=5)
    fig.text(0.1, 0.5, "tiny", fontsize=10)
    fig.text(0.3, 0.5, "nineteen", fontsize=19)
    fig.text(0.6, 0.5, "fine", fontsize=25)
    tiny, nineteen = layout_problems(fig, display_width=WIDTH)
    assert tiny == "text 'tiny' is 3.7 px high at 535 px wide (at least 9)"
    assert nineteen.startswith("text 'nineteen' is 7.1 px high at 535 px wide")
    at_700 = layout_problems(fig, display_width=700)
    assert at_700 == ["text 'tiny' is 4.9 px high at 700 px wide (at least 9)"]
    # a figure narrower than the display width is shown at its own size
    small = canvas(width=5, height=4)
    small.text(0.1, 0.5, "seven pt", fontsize=7)
    assert layout_problems(small, display_width=WIDTH) == []


def test_text_off_the_figure_is_found():
    fig = canvas()
    fig.text(0.9, 0.5, "runs off the right edge", fontsize=14)
    fig.text(0.1, 0.5, "inside", fontsize=14)
    (problem,) = layout_problems(fig, display_width=WIDTH)
    assert problem == "text 'runs off the right edge' is cut by the figure's edge"


def test_the_figure_legend_is_checked_too():
    """A figure-level legend (fig.legend) is text like any other, and can cover data."""
    fig = canvas(width=20, height=5)
    ax = fig.subplots()
    ax.plot([0, 1], [0.5, 0.5], label="across")
    fig.legend(loc="center", fontsize=10)
    problems = layout_problems(fig, display_width=WIDTH)
    assert "text 'across' is 3.7 px high at 535 px wide (at least 9)" in problems
    assert "the figure's legend covers axes 0 line 'across'" in problems


def test_a_legend_over_an_axis_label_is_found():
    """A legend's frame over another text (its own entries aside) reads as that text
    struck through."""
    fig = canvas(width=6, height=4)
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], label="diagonal")
    label = ax.set_xlabel("iteration", fontsize=14)
    fig.canvas.draw()
    y = fig.transFigure.inverted().transform(label.get_window_extent().get_points())[:, 1].mean()
    fig.legend(loc="center", bbox_to_anchor=(0.5, y), fontsize=14)
    assert "the figure's legend covers 'iteration'" in layout_problems(fig, display_width=WIDTH)


@pytest.mark.parametrize("ncols, fontsize", [(1, 14), (2, 20), (3, 34)])
def test_legend_below_leaves_the_axis_labels_free(ncols, fontsize):
    """matplotlib's constrained layout keeps a legend's height free below the panels,
    not the half font size the legend stands off the edge by: its frame ran over the
    x labels of three figures. legend_below sets it flush, at any size."""
    from natgrad.drawing.plotting import legend_below

    fig = Figure(figsize=(12, 6), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, 2)
    for i, ax in enumerate(axes):
        ax.plot([0, 1], [0, i], label=f"line {i}")
        ax.set_xlabel("$\\mu$ and $\\gamma$", fontsize=fontsize)
    legend = legend_below(fig, [*axes[0].get_lines(), *axes[1].get_lines()], ncols=ncols,
                          fontsize=fontsize)  # fmt: skip
    assert layout_problems(fig, display_width=fig.bbox.width) == []  # shown at its size
    renderer = fig.canvas.get_renderer()
    frame = legend.get_window_extent(renderer)
    below = max(ax.xaxis.label.get_window_extent(renderer).y0 for ax in axes)
    assert 0 <= frame.y0 and frame.y1 < below


def test_the_old_reparameterization_legend_covered_the_paths(default_config):
    """Its legend used to sit in the paths' panel, over the paths."""
    with style_context(False):
        _, fig, _ = build_figure(default_config, "reparameterization_invariance")
        FigureCanvasAgg(fig)
        fig.legends.clear()
        fig.axes[0].legend()
        problems = layout_problems(fig, display_width=WIDTH)
    assert any("covers axes 0 line '" in p for p in problems), problems


def test_every_title_is_found_through_public_api_and_no_annotation_is_a_title():
    from matplotlib.figure import Figure

    from natgrad.drawing.layout import _titles, visible_texts

    fig = Figure()
    ax = fig.subplots()
    ax.set_title("centre")
    ax.set_title("left", loc="left")
    ax.set_title("right", loc="right")
    ax.annotate("note", (0.5, 0.5))
    ax.text(0.1, 0.1, "text")
    assert [t.get_text() for t in _titles(ax)] == ["centre", "left", "right"]
    drawn = {t.get_text() for t in visible_texts(fig)}
    assert {"centre", "left", "right", "note", "text"} <= drawn
