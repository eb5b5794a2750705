"""Layout checks of a drawn figure, read from the renderer's bounding boxes.

:func:`layout_problems` finds text on text, tick labels and titles on an axis
line or spine, text cut off by the figure's edge, legends over drawn data and
text too small to read at the width the blog shows the figure (the config's
``display_width``). Tests of drawn data do not see these; this does.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

from matplotlib.collections import Collection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.transforms import Bbox

__all__ = ["MIN_TEXT_PX", "display_scale", "layout_problems", "visible_texts"]

#: Smallest readable text height (the font size), in pixels as the figure is shown.
MIN_TEXT_PX = 9.0
# Bounding boxes are shrunk by this many pixels before they are intersected:
# glyph boxes include side bearings and line spacing, so boxes that merely
# touch are not text on text.
_SLACK = 1.0


def _shrunk(bbox: Bbox, by: float = _SLACK) -> Bbox:
    return Bbox.from_extents(bbox.x0 + by, bbox.y0 + by, bbox.x1 - by, bbox.y1 - by)


def _describe(text: Text) -> str:
    return repr(text.get_text())


def _tick_labels(ax) -> list[Text]:
    """Tick labels matplotlib draws: visible, non-empty, and inside the view."""
    out = []
    for axis in (ax.xaxis, ax.yaxis):
        lo, hi = sorted(axis.get_view_interval())
        for tick in axis.get_major_ticks() + axis.get_minor_ticks():
            loc = tick.get_loc()
            if loc is None or not (lo - 1e-9 * (hi - lo) <= loc <= hi + 1e-9 * (hi - lo)):
                continue
            for label in (tick.label1, tick.label2):
                if label.get_visible() and label.get_text():
                    out.append(label)
    return out


def _legends(fig: Figure) -> list[tuple[str, Legend]]:
    """(whose, legend) of every visible legend: the axes' and the figure's own."""
    out = [(f"legend of {ax.get_title()!r}", ax.get_legend()) for ax in fig.axes]
    out += [("the figure's legend", legend) for legend in fig.legends]
    return [(whose, lg) for whose, lg in out if lg is not None and lg.get_visible()]


def _titles(ax) -> list[Text]:
    """The axes' three titles (centre, left, right): its Text children that are not
    among its texts (``ax.texts``); ``ax.get_title(loc)`` gives only their strings."""
    texts = {id(t) for t in ax.texts}
    return [c for c in ax.get_children() if isinstance(c, Text) and id(c) not in texts]


def visible_texts(fig: Figure) -> list[Text]:
    """Every text drawn on ``fig``: titles, axis and tick labels, legend entries, annotations."""
    texts = [t for t in fig.texts if t.get_visible() and t.get_text()]
    for _, legend in _legends(fig):
        candidates = [*legend.get_texts(), legend.get_title()]
        texts += [t for t in candidates if t.get_visible() and t.get_text()]
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        candidates = _titles(ax)
        candidates += [ax.xaxis.label, ax.yaxis.label, *ax.texts]
        texts += [t for t in candidates if t.get_visible() and t.get_text()]
        texts += _tick_labels(ax)
    return texts


def _framed_texts(fig: Figure) -> list[tuple[str, Text]]:
    """(kind, text) of the texts that sit beside a frame and must not cross it:
    tick labels, titles (a deep glyph, ``\\|`` or ``(``, reaches down past a
    small title pad) and axis labels."""
    out = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        out += [("tick label", t) for t in _tick_labels(ax)]
        out += [("title", t) for t in _titles(ax) if t.get_visible() and t.get_text()]
        labels = [ax.xaxis.label, ax.yaxis.label]
        out += [("axis label", t) for t in labels if t.get_visible() and t.get_text()]
    return out


def _axis_lines(fig: Figure) -> list[tuple[str, Bbox]]:
    """Spines and lines spanning an axes (axhline/axvline): what a framed text must not cross."""
    out = []
    for i, ax in enumerate(fig.axes):
        for side, spine in ax.spines.items():
            if spine.get_visible():
                out.append((f"axes {i} {side} spine", spine.get_window_extent()))
        for line in ax.get_lines():
            spanning = line.get_transform() in (ax.get_xaxis_transform(), ax.get_yaxis_transform())
            if spanning and len(line.get_xdata(orig=False)) == 2:
                out.append((f"axes {i} axis line", line.get_window_extent()))
    return out


def _data_paths(fig: Figure) -> Iterable[tuple[str, object, bool | None]]:
    """(what, path in display coordinates, filled) of every drawn data artist."""
    for i, ax in enumerate(fig.axes):
        for line in ax.get_lines():
            if not line.get_visible():
                continue
            path = line.get_transform().transform_path(line.get_path())
            if line.get_linestyle() not in ("None", "none", " ", ""):
                yield f"axes {i} line {line.get_label()!r}", path, False
            if line.get_marker() not in (None, "None", "none", " ", ""):
                yield f"axes {i} markers {line.get_label()!r}", path, None
        for coll in ax.collections:
            if not coll.get_visible() or not isinstance(coll, Collection):
                continue
            transform = coll.get_transform()
            filled = len(coll.get_facecolor()) > 0 and coll.get_facecolor()[:, 3].max() > 0
            for path in coll.get_paths():
                if len(path.vertices):
                    yield f"axes {i} {type(coll).__name__}", transform.transform_path(path), filled
        for patch in ax.patches:
            if patch.get_visible() and isinstance(patch, Patch):
                path = patch.get_transform().transform_path(patch.get_path())
                yield f"axes {i} {type(patch).__name__}", path, patch.get_fill()


def display_scale(fig: Figure, display_width: float) -> float:
    """Shown pixels per drawn pixel when ``fig`` is shown ``display_width`` pixels wide.

    A figure narrower than ``display_width`` is shown at its own size (browsers
    do not enlarge an image beyond its width under ``max-width: 100%``), so the
    scale is at most 1.
    """
    return min(1.0, display_width / (fig.get_figwidth() * fig.dpi))


def layout_problems(fig: Figure, *, display_width: float) -> list[str]:
    """Everything wrong with the layout of ``fig`` as drawn, one line each.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure with a canvas (e.g. Agg); it is drawn first.
    display_width : float
        Width in pixels at which the blog shows the figure (the config's
        ``display_width``); see :func:`display_scale`.

    Returns
    -------
    list of str
        Empty when no two texts overlap, no tick label, title or axis label
        crosses an axis line or spine, no text runs off the figure, no legend
        (of an axes or of the figure) covers drawn data or another text, and every text is at
        least :data:`MIN_TEXT_PX` pixels high when shown ``display_width`` wide.
    """
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    problems = []
    texts = visible_texts(fig)
    boxes = [(t, t.get_window_extent(renderer)) for t in texts]
    for (a, ba), (b, bb) in combinations(boxes, 2):
        if _shrunk(ba).overlaps(_shrunk(bb)):
            problems.append(f"text on text: {_describe(a)} overlaps {_describe(b)}")
    for kind, label in _framed_texts(fig):
        box = _shrunk(label.get_window_extent(renderer))
        for what, extent in _axis_lines(fig):
            if box.overlaps(extent):
                problems.append(f"{kind} {_describe(label)} crosses the {what}")
    edge = _shrunk(fig.bbox, -_SLACK)
    for text, box in boxes:
        inside = edge.x0 <= box.x0 and box.x1 <= edge.x1 and edge.y0 <= box.y0 and box.y1 <= edge.y1
        if not inside:
            problems.append(f"text {_describe(text)} is cut by the figure's edge")
    for whose, legend in _legends(fig):
        box = _shrunk(legend.get_window_extent(renderer))
        own = {id(t) for t in (*legend.get_texts(), legend.get_title())}
        for text, extent in boxes:
            # its frame over an axis label reads as text struck through
            if id(text) not in own and box.overlaps(_shrunk(extent)):
                problems.append(f"{whose} covers {_describe(text)}")
        for what, path, filled in _data_paths(fig):
            # markers (filled None) are drawn at the vertices
            hit = (
                box.count_contains(path.vertices) > 0
                if filled is None
                else path.intersects_bbox(box, filled=filled)
            )
            if hit:
                problems.append(f"{whose} covers {what}")
                break
    scale = display_scale(fig, display_width)
    for text in texts:
        px = text.get_fontsize() * fig.dpi / 72.0 * scale
        if px < MIN_TEXT_PX:
            problems.append(
                f"text {_describe(text)} is {px:.1f} px high at {display_width:g} px wide "
                f"(at least {MIN_TEXT_PX:g})"
            )
    return problems
