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
from ._words import colour_name, count, listing, number, text, value

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


def describe(data: dict, **section) -> dict[str, str]:
    """The figure's ``alt`` and description, from the balls it drew (their centres
    and their drawn half-widths).

    Parameters
    ----------
    data : dict
        What :func:`build` returned (plain lists, as its sidecar holds them).
    **section
        The config section (``color``, ``mu_range``, ``logsigma_range``).

    Returns
    -------
    dict
        ``{"alt": ..., "description": ...}``.
    """
    ellipses = data["ellipses"]
    mus = sorted({e["center"][0] for e in ellipses})
    rows = sorted({e["center"][1] for e in ellipses})
    # the size of a row's balls: they are the same along mu (the Fisher metric
    # of (mu, log sigma) does not depend on mu)
    size = {
        lam: np.mean([e["half_widths"] for e in ellipses if e["center"][1] == lam], axis=0) * 2
        for lam in rows
    }
    top, bottom = size[rows[-1]], size[rows[0]]
    colour = colour_name(section["color"])
    same_rows = (
        "In each row the balls are the same size; "
        if all(np.allclose(e["half_widths"], size[e["center"][1]] / 2, rtol=1e-6) for e in ellipses)
        else ""
    )
    alt = (
        f"{count(len(ellipses), 'ellipse').capitalize()} in {colour}, the Fisher metric's "
        f"balls of one radius over a Gaussian log-likelihood's contours: they narrow as σ "
        f"falls, {number(top[0] / bottom[0])} times narrower in μ in the bottom row than the top."
    )
    sentences = [
        f"Over the contours of the log-likelihood of the shared sample (μ from "
        f"{value(section['mu_range'][0])} to {value(section['mu_range'][1])} horizontally, "
        f"log σ from {value(section['logsigma_range'][0])} to "
        f"{value(section['logsigma_range'][1])} vertically), {count(len(ellipses), 'ellipse')}"
        f" in {colour}: the points at Fisher distance {value(data['radius'])} from centres at"
        f" μ = {listing(value(m) for m in mus)} and log σ = {listing(value(r) for r in rows)}.",
        same_rows
        + "from row to row they narrow in μ as σ falls"
        + (
            ", their height in log σ the same."
            if number(top[1]) == number(bottom[1])
            else f", and their height in log σ changes {number(top[1] / bottom[1])} times."
        ),
        f"At log σ = {value(rows[-1])} a ball is {number(top[0])} wide in μ and "
        f"{number(top[1])} tall in log σ; at log σ = {value(rows[0])}, {number(bottom[0])} "
        f"wide and {number(bottom[1])} tall.",
        "Near a small σ, a small change of μ is already a long way in the Fisher metric.",
    ]
    return text(alt, sentences)
