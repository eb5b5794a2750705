"""The Fisher metric's unit balls shrinking as sigma falls.

Balls (theta - c)^T F(c) (theta - c) = r^2 over the likelihood's contours.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from .. import gaussian
from ..drawing.plotting import loglik_contours
from ..metrics import FisherMetric
from ..objectives import GaussianLogLikelihood

SHARED_SECTIONS = ("gaussian_data",)


def build(
    *,
    figsize: Sequence[float],
    gaussian_data: dict,
    mu_range: Sequence[float],
    logsigma_range: Sequence[float],
    grid_points: int,
    levels: int,
    centers_mu: Sequence[float],
    centers_logsigma: Sequence[float],
    radius: float,
    n_points: int,
    color: str,
    linewidth: float,
    title: str,
    xlabel: str,
    ylabel: str,
) -> tuple[Figure, dict]:
    """The Fisher metric's balls (theta - c)^T F(c) (theta - c) = r^2 over the contours."""
    ll = GaussianLogLikelihood.from_sample(**gaussian_data)
    metric = FisherMetric(lambda t: gaussian.fisher_information(t[0], np.exp(t[1]), "mean_logstd"))
    fig = Figure(figsize=figsize)
    ax = fig.subplots()
    contours = loglik_contours(
        ax, ll, mu_range, logsigma_range, grid_points, levels, cmap="Greys", linewidths=0.6
    )
    ellipses = []
    for lam in centers_logsigma:
        for mu in centers_mu:
            pts = metric.level_set(radius=radius, n_points=n_points, center=[mu, lam])
            ax.plot(*pts.T, color=color, linewidth=linewidth)
            ellipses.append(
                {"center": [mu, lam], "half_widths": np.ptp(pts, axis=0) / 2, "points": pts}
            )
    ax.set_xlim(*mu_range)
    ax.set_ylim(*logsigma_range)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    fig.tight_layout(pad=0.4)  # the default pad, 1.08 font sizes, is 45 px at 30 pt
    return fig, {"radius": radius, "ellipses": ellipses, "contours": contours}
