"""Equidistant points under the Euclidean, diagonal and full Mahalanobis metrics.

The post's first figure: the unit circle of each metric, one panel each.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from ..drawing.plotting import plot_level_set
from ..metrics import metric_from_matrix

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
