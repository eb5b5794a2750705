"""Log-likelihood contours of a Gaussian over (mu, log sigma).

The post's third figure: the contours bunch together as sigma falls, which is
what the Fisher metric measures.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from ..drawing.plotting import loglik_contours
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
    title: str,
    xlabel: str,
    ylabel: str,
) -> tuple[Figure, dict]:
    """Contours of the Gaussian log-likelihood over (mu, log sigma)."""
    ll = GaussianLogLikelihood.from_sample(**gaussian_data)
    fig = Figure(figsize=figsize)
    ax = fig.subplots()
    contours = loglik_contours(ax, ll, mu_range, logsigma_range, grid_points, levels)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    fig.tight_layout(pad=0.4)  # the default pad, 1.08 font sizes, is 45 px at 30 pt
    summary = {
        "sufficient_statistics": {"n": ll.n, "mean": ll.mean, "centred_ss": ll.centred_ss},
        "mle": ll.mle(),
        "contours": contours,
    }
    return fig, summary
