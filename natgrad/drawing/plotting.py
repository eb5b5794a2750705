"""Axes-level plotting: each function takes data and an ``ax``, draws, and returns the ``ax``.

No function here creates a figure or touches global state; tests read back
what was drawn through ``ax.get_lines()``, ``ax.patches`` and ``ax.collections``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.patches import FancyArrow
from numpy.typing import ArrayLike

__all__ = [
    "COLORBLIND",
    "METHOD_LABELS",
    "PARAMETERIZATION_LABELS",
    "palette",
    "loglik_contours",
    "coordinate_axes",
    "drawn_levels",
    "grid",
    "grid_summary",
    "plot_contours",
    "plot_level_set",
    "plot_trajectory",
    "legend_below",
]


#: How the figures name each method in legends.
METHOD_LABELS = {
    "gd": "gradient descent",
    "natural": "natural gradient",
    "adagrad": "AdaGrad",
    "rmsprop": "RMSProp",
    "adam": "Adam",
    "mahalanobis": "full metric $A$",
}

#: How the figures name each parameterisation of the Gaussian.
PARAMETERIZATION_LABELS = {
    "mean_std": "$(\\mu, \\sigma)$",
    "mean_logstd": "$(\\mu, \\log\\sigma)$",
    "mean_var": "$(\\mu, \\sigma^2)$",
    "natural": "natural $\\eta$",
}

# seaborn 0.13's "colorblind" palette (``seaborn.palettes.SEABORN_PALETTES``),
# copied rather than imported: ``import seaborn`` pulls in pandas and
# scipy.stats, about 1.6 s of start-up in every job that draws with it, for
# ten constants. tests/drawing/test_plotting.py checks the copy against seaborn.
COLORBLIND = (
    "#0173B2",
    "#DE8F05",
    "#029E73",
    "#D55E00",
    "#CC78BC",
    "#CA9161",
    "#FBAFE4",
    "#949494",
    "#ECE133",
    "#56B4E9",
)


def palette(n: int) -> list[tuple[float, float, float]]:
    """The first ``n`` colours of seaborn's colour-blind-safe palette, as RGB.

    Cycles like ``seaborn.color_palette("colorblind", n)`` when ``n`` > 10.
    """
    return [to_rgb(COLORBLIND[i % len(COLORBLIND)]) for i in range(n)]


def loglik_contours(ax: Axes, ll, mu_range, logsigma_range, grid_points, levels, **kwargs) -> dict:
    """Draw the contours of ``ll`` (a GaussianLogLikelihood) over (mu, log sigma) on ``ax``.

    Returns the grid's summary (:func:`grid_summary`) for the figure's data sidecar.
    """
    X, Y, XY = grid(mu_range, logsigma_range, grid_points)
    Z = ll.value(XY)
    plot_contours(X, Y, Z, ax, levels=levels, **kwargs)
    return grid_summary(X, Y, Z, drawn_levels(ax))


def grid(x_range: Sequence[float], y_range: Sequence[float], n: int):
    """An ``n x n`` meshgrid over the two ranges: ``(X, Y, XY)`` with XY of shape (n, n, 2)."""
    X, Y = np.meshgrid(np.linspace(*x_range, num=n), np.linspace(*y_range, num=n))
    return X, Y, np.stack([X, Y], axis=-1)


def grid_summary(X, Y, Z, levels) -> dict[str, Any]:
    """The ranges, shape and levels of a contour plot, for its data sidecar."""
    return {
        "x_range": [float(X.min()), float(X.max())],
        "y_range": [float(Y.min()), float(Y.max())],
        "shape": list(Z.shape),
        "z_range": [float(Z.min()), float(Z.max())],
        "levels": [float(v) for v in levels],
    }


def drawn_levels(ax: Axes) -> np.ndarray:
    """The levels of the last contour set drawn on ``ax``."""
    return np.asarray(ax.collections[-1].levels)


def coordinate_axes(ax: Axes, *, color: str = "black", linewidth: float = 1.5) -> Axes:
    """Draw the coordinate axes as lines through the origin, inside the axes' frame."""
    ax.axhline(0.0, color=color, linewidth=linewidth, zorder=1)
    ax.axvline(0.0, color=color, linewidth=linewidth, zorder=1)
    return ax


def plot_level_set(
    points: ArrayLike,
    ax: Axes,
    *,
    color: str = "red",
    linewidth: float = 10.0,
    alpha: float = 0.5,
    limits: Sequence[float] | None = None,
    xticks: Sequence[float] | None = None,
    yticks: Sequence[float] | None = None,
    title: str | None = None,
) -> Axes:
    """Draw a closed curve of equidistant points in a frame, with the coordinate axes.

    Parameters
    ----------
    points : array_like, shape (n, 2)
        Points of the curve, e.g. :meth:`natgrad.metrics.Metric.level_set`.
    ax : matplotlib.axes.Axes
        Where to draw.
    color, linewidth, alpha
        Line style of the curve.
    limits : (float, float), optional
        Same limits on both axes; the aspect is always equal.
    xticks, yticks : sequence of float, optional
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    p = np.asarray(points, dtype=float)
    if p.ndim != 2 or p.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), got {p.shape}")
    coordinate_axes(ax)
    ax.plot(p[:, 0], p[:, 1], color=color, linewidth=linewidth, alpha=alpha, zorder=2)
    ax.set_aspect("equal")
    if limits is not None:
        ax.set_xlim(*limits)
        ax.set_ylim(*limits)
    if xticks is not None:
        ax.set_xticks(xticks)
    if yticks is not None:
        ax.set_yticks(yticks)
    if title:
        ax.set_title(title)
    return ax


def plot_contours(
    X: ArrayLike,
    Y: ArrayLike,
    Z: ArrayLike,
    ax: Axes,
    *,
    levels: int | Sequence[float] = 30,
    cmap: str | None = None,
    colors: str | None = None,
    linewidths: float | None = None,
) -> Axes:
    """Contour lines of ``Z`` over the grid ``(X, Y)``.

    Parameters
    ----------
    X, Y, Z : array_like, shape (m, n)
        Grid and values, as from :func:`numpy.meshgrid`.
    ax : matplotlib.axes.Axes
    levels : int or sequence of float
        Number of levels, or the levels themselves.
    cmap : str, optional
        Colormap name; the style's default when omitted.
    colors : str, optional
        One colour for every level, instead of a colormap.
    linewidths : float, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    Z = np.asarray(Z, dtype=float)
    if not np.all(np.isfinite(Z)):
        raise ValueError("Z must be finite everywhere on the grid")
    color = {"colors": colors} if colors is not None else {"cmap": cmap}
    ax.contour(X, Y, Z, levels=levels, linewidths=linewidths, **color)
    return ax


def plot_trajectory(
    iterates: ArrayLike,
    ax: Axes,
    *,
    color: str = "black",
    head_width: float = 0.5,
    width: float | None = None,
    label: str | None = None,
    view: Sequence[float] | None = None,
) -> Axes:
    """Draw one arrow from each iterate to the next.

    Each arrow's tip lies exactly on the next iterate (the head is included in
    the arrow's length), so the drawn path is the computed path.

    Parameters
    ----------
    iterates : array_like, shape (n, 2)
    ax : matplotlib.axes.Axes
    color : str
    head_width : float
        Arrow head width in data units.
    width : float, optional
        Shaft width in data units (matplotlib's default when omitted).
    label : str, optional
        Legend label, given to the first arrow only.
    view : (lo, hi) or (xlo, xhi, ylo, yhi), optional
        The limits the axes will show. An arrow running more than
        :data:`VIEW_MARGIN` views' widths beyond them is cut there, without its
        head: what the view shows is unchanged, and a path stopped at a
        divergence (iterates near 1e200) stays within coordinates matplotlib 3.8's
        Agg can fill (it crashes on such a polygon).

    Returns
    -------
    matplotlib.axes.Axes
    """
    p = np.asarray(iterates, dtype=float)
    if p.ndim != 2 or p.shape[1] != 2:
        raise ValueError(f"iterates must have shape (n, 2), got {p.shape}")
    if not np.all(np.isfinite(p)):
        raise ValueError("iterates must be finite")
    kwargs = {} if width is None else {"width": width}
    box = None if view is None else _margin_box(view)
    for i, (start, end) in enumerate(zip(p[:-1], p[1:], strict=True)):
        d = end - start
        if not np.any(d):
            continue  # a zero-length arrow has no direction to draw
        head = head_width
        if box is not None:
            kept = _clip_segment(start, end, box)
            if kept is None:
                continue  # wholly beyond the margin: nothing of it is in view
            start, cut = kept
            if np.any(cut != end):
                head = 0.0  # the tip is not an iterate: no head
            d = cut - start
        # A head longer than the step would overshoot the next iterate.
        head_length = min(1.5 * head, float(np.hypot(*d)))
        ax.add_patch(
            FancyArrow(
                *start,
                *d,
                head_width=head,
                head_length=head_length,
                length_includes_head=True,
                color=color,
                label=label if i == 0 else None,
                **kwargs,
            )
        )
    ax.update_datalim(p)
    ax.autoscale_view()
    return ax


def legend_below(fig: Figure, handles: Sequence, *, ncols: int, fontsize: float) -> Legend:
    """The figure's legend below its panels (``loc="outside lower center"``), where
    it covers no data, with room between it and the panels' axis labels.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure with ``layout="constrained"``.
    handles : sequence of artists
        What the legend lists, with their labels.
    ncols : int
    fontsize : float

    Returns
    -------
    matplotlib.legend.Legend
    """
    # Constrained layout keeps the legend's height (and its pads) free below the
    # panels but not the gap (borderaxespad, half a font size) by which the legend
    # stands off the figure's edge: with that gap its frame ran over the lowest
    # axis labels. Flush with the edge instead, the free space lies above it.
    return fig.legend(
        handles=handles, loc="outside lower center", ncols=ncols, fontsize=fontsize,
        borderaxespad=0,
    )  # fmt: skip


#: How far beyond its view, in widths of the view, an arrow is drawn (plot_trajectory).
VIEW_MARGIN = 10


def _margin_box(view: Sequence[float]) -> np.ndarray:
    """``[[xlo, ylo], [xhi, yhi]]``: ``view`` widened by VIEW_MARGIN of its size each way."""
    v = np.asarray(view, dtype=float)
    lo, hi = (v[[0, 2]], v[[1, 3]]) if v.size == 4 else (v[[0, 0]], v[[1, 1]])
    size = hi - lo
    return np.array([lo - VIEW_MARGIN * size, hi + VIEW_MARGIN * size])


def _clip_segment(
    start: np.ndarray, end: np.ndarray, box: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """The part of the segment from ``start`` to ``end`` inside ``box`` (Liang and
    Barsky's clipping), or None when none of it is.

    Each cut is measured from both ends (``t`` from ``start``, ``u = 1 - t`` from
    ``end``) and placed from the nearer one: from 1e200 to 0, a cut 21 from 0 is
    ``end - u d``, which ``start + t d`` would lose to rounding.
    """
    d = end - start
    enter, leave = (0.0, 1.0), (1.0, 0.0)  # (t, u) of the kept part's ends
    for axis in (0, 1):
        lo, hi = box[0, axis], box[1, axis]
        if d[axis] == 0:
            if not lo <= start[axis] <= hi:
                return None  # parallel to this axis's edges and outside them
            continue
        first, last = (lo, hi) if d[axis] > 0 else (hi, lo)
        cut = [((e - start[axis]) / d[axis], (end[axis] - e) / d[axis]) for e in (first, last)]
        # t rounds to 1 near the end, u to 0 near the start: order by both
        enter, leave = max(enter, cut[0], key=_along), min(leave, cut[1], key=_along)
    if _along(enter) > _along(leave):
        return None
    a = start + enter[0] * d if enter[0] <= 0.5 else end - enter[1] * d
    b = end - leave[1] * d if leave[1] <= 0.5 else start + leave[0] * d
    return a, b


def _along(cut: tuple[float, float]) -> tuple[float, float]:
    """A cut's place along its segment, ``(t, -u)``: ``u`` decides where ``t`` rounded."""
    return cut[0], -cut[1]
