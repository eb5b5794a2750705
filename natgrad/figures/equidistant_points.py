"""Equidistant points under the Euclidean, diagonal and full Mahalanobis metrics.

The post's first figure: the unit circle of each metric, one panel each.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from ..drawing.plotting import plot_level_set
from ..metrics import metric_from_matrix
from ._words import colour_name, count, listing, number, places, text, value

# Font sizes in points. The blog shows this 2000 px figure 535 px wide (x0.27):
# 28 pt tick labels are 10.4 px high there (the style's 20 pt were 7.4 px), and
# 50 pt titles are taller than the published figure's 19.0 px (20.9 px with
# mathtext, 19.8 with LaTeX). Mathtext sets the titles wider than LaTeX did:
# larger still, the second and third would run together.
TITLE_SIZE = 50
TICK_SIZE = 28


def build(
    *,
    figsize: Sequence[float],
    panels: Sequence[dict],
    radius: float,
    n_points: int,
    limits: Sequence[float],
    xticks: Sequence[float],
    yticks: Sequence[float],
    color: str,
    linewidth: float,
    alpha: float,
) -> tuple[Figure, dict]:
    """Points at distance ``radius`` from the origin under each panel's metric ``A``."""
    fig = Figure(figsize=figsize)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    data = {"radius": radius, "panels": []}
    for ax, panel in zip(axes, panels, strict=True):
        metric = metric_from_matrix(panel["A"])
        pts = metric.level_set(radius=radius, n_points=n_points)
        plot_level_set(
            pts,
            ax,
            color=color,
            linewidth=linewidth,
            alpha=alpha,
            limits=limits,
            xticks=xticks,
            yticks=yticks,
            title=panel["title"],
        )
        ax.title.set_fontsize(TITLE_SIZE)
        ax.tick_params(labelsize=TICK_SIZE)
        data["panels"].append(
            {
                "title": panel["title"],
                "metric": type(metric).__name__,
                "A": metric.matrix(),
                "extent": np.abs(pts).max(axis=0),
                "points": pts,
            }
        )
    fig.tight_layout()
    return fig, data


def _shape(A, radius: float) -> tuple[str, str]:
    """What the curve x^T A x = radius^2 is, in a few words and with its numbers.

    Its semi-axes are radius / sqrt(eigenvalue), along A's eigenvectors."""
    eigenvalues, vectors = np.linalg.eigh(np.asarray(A, dtype=float))
    short, long = radius / np.sqrt(eigenvalues[::-1])
    if number(short) == number(long):
        return "a circle", f"a circle of radius {number(short)}"
    # the long axis's angle from the horizontal, in (-90, 90]
    vx, vy = vectors[:, 0]
    angle = float(np.degrees(np.arctan2(vy, vx)))
    angle = angle - 180 if angle > 90 else angle + 180 if angle <= -90 else angle
    axes = f"semi-axes {number(short)} and {number(long)}"
    if number(angle) == "0":
        return "a horizontal ellipse", f"an ellipse with {axes}, its long axis horizontal"
    if number(abs(angle)) == "90":
        return "an upright ellipse", f"an ellipse with {axes}, its long axis vertical"
    towards = "upper right" if angle > 0 else "upper left"
    return (
        "a tilted ellipse",
        f"an ellipse with {axes}, its long axis tilted {number(abs(angle))} degrees "
        f"from the horizontal towards the {towards}",
    )


def describe(data: dict, **section) -> dict[str, str]:
    """The figure's ``alt`` and description, from the matrices and radius it drew.

    Parameters
    ----------
    data : dict
        What :func:`build` returned (as plain lists, as its sidecar holds them).
    **section
        The config section it was drawn from (``color``).

    Returns
    -------
    dict
        ``{"alt": ..., "description": ...}``.
    """
    radius = data["radius"]
    panels = data["panels"]
    shapes = [_shape(p["A"], radius) for p in panels]
    kinds = []
    for p in panels:
        A = np.asarray(p["A"], dtype=float)
        if np.allclose(A, np.eye(len(A))):
            kinds.append("the Euclidean distance")
        elif np.allclose(A, np.diag(np.diag(A))):
            kinds.append("a diagonal Mahalanobis distance")
        else:
            kinds.append("a full Mahalanobis distance")
    alt = (
        f"{count(len(panels), 'panel').capitalize()}, each a {colour_name(section['color'])} "
        f"curve of the points at distance {number(radius)} from the origin: "
        + listing(f"{shape} for {kind}" for (shape, _), kind in zip(shapes, kinds, strict=True))
        + "."
    )
    sentences = [
        f"Points x whose squared distance (x - x')^T A (x - x') from the origin x' is "
        f"{number(radius**2)}, under {count(len(panels), 'metric')} A, one panel each, "
        f"on axes from {value(section['limits'][0])} to {value(section['limits'][1])}."
    ]
    for where, p, (_, said), kind in zip(places(len(panels)), panels, shapes, kinds, strict=True):
        A = np.asarray(p["A"], dtype=float)
        matrix = "; ".join(", ".join(number(v, 3) for v in row) for row in A)
        sentences.append(f"{where.capitalize()}, {kind} (A = [{matrix}]): {said}.")
    sentences.append(
        "The same distance from the origin traces a different curve under each metric: "
        "a metric decides which directions count as near."
    )
    return text(alt, sentences)
