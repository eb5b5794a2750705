"""Equidistant points under the Euclidean, diagonal and full Mahalanobis metrics.

The post's first figure: the unit circle of each metric, one panel each.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from ..metrics import metric_from_matrix
from ..plotting import plot_level_set


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
