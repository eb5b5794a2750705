"""natgrad.layout on every figure as its job draws it, and on figures made to fail."""

import matplotlib as mpl
import pytest
from conftest import build_figure
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from natgrad.figures import registry
from natgrad.layout import layout_problems
from natgrad.style import style_context


def drawn(default_config, name, rc=None):
    """Figure ``name`` built as its job builds it (the style, mathtext), on an Agg canvas."""
    with style_context(False), mpl.rc_context(rc or {}):
        _, fig, _ = build_figure(default_config, name)
        FigureCanvasAgg(fig)
        return layout_problems(fig)


@pytest.mark.parametrize("name", list(registry()))
def test_no_text_on_text_no_legend_on_data_readable_at_blog_width(default_config, name):
    assert drawn(default_config, name) == []


def test_the_old_isocontours_ticks_were_text_on_text(default_config):
    """Tick labels at title size and the default pad: the corner's -1 and -2 touched."""
    old = {"xtick.labelsize": 30, "ytick.labelsize": 30, "xtick.major.pad": 3.5,
           "ytick.major.pad": 3.5}  # fmt: skip
    problems = drawn(default_config, "gaussian_isocontours_fisher", old)
    assert any(p.startswith("text on text") for p in problems), problems


def canvas(width=6, height=4, dpi=100):
    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def test_overlapping_texts_are_found():
    fig = canvas()
    fig.text(0.5, 0.5, "a title", fontsize=14)
    fig.text(0.52, 0.5, "another", fontsize=14)
    (problem,) = layout_problems(fig)
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
    problems = layout_problems(fig)
    assert any("tick label '0' crosses the axes 0 left spine" in p for p in problems), problems


def test_a_legend_over_a_line_is_found_and_beside_it_is_not():
    fig = canvas()
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], label="diagonal")
    ax.plot([0, 1], [0.02, 0.02], label="floor")
    ax.legend(loc="lower right")
    assert any("covers axes 0 line 'floor'" in p for p in layout_problems(fig))
    ax.get_legend().remove()
    ax.legend(loc="upper left")
    assert layout_problems(fig) == []


def test_markers_under_a_legend_are_found():
    fig = canvas()
    ax = fig.subplots()
    ax.plot([0.9], [0.9], "o", label="point")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper right")
    assert any("markers" in p for p in layout_problems(fig))


def test_text_too_small_at_blog_width_is_found():
    """A 2000 px figure is shown at 700 px: 10 pt at 100 dpi is 4.9 px there."""
    fig = canvas(width=20, height=5)
    fig.text(0.1, 0.5, "tiny", fontsize=10)
    fig.text(0.5, 0.5, "fine", fontsize=19)
    (problem,) = layout_problems(fig)
    assert problem.startswith("text 'tiny' is 4.9 px high at 700 px wide")
    # a figure narrower than the column is shown at its own size
    small = canvas(width=6, height=4)
    small.text(0.1, 0.5, "seven pt", fontsize=7)
    assert layout_problems(small) == []


def test_the_old_reparameterization_legend_covered_the_paths(default_config):
    """Its legend used to sit in the paths' panel, over the dotted gradient-descent paths."""
    with style_context(False):
        _, fig, _ = build_figure(default_config, "reparameterization_invariance")
        FigureCanvasAgg(fig)
        fig.legends.clear()
        fig.axes[0].legend()
        problems = layout_problems(fig)
    assert any("covers axes 0 line 'gradient descent in" in p for p in problems), problems
