"""Log-likelihood contours of a Gaussian over (mu, log sigma).

The post's third figure: the contours bunch together as sigma falls, which is
what the Fisher metric measures.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from ..drawing.plotting import loglik_contours
from ..objectives import GaussianLogLikelihood
from ._words import number, text, value

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


def sharpening(logsigma_range: Sequence[float]) -> tuple[float, float, float]:
    """How much more sharply the log-likelihood bends in mu at the bottom of the
    plot than at its top, with sigma at both edges.

    Its second derivative in mu is -n / sigma^2: between log sigma = a and b the
    ratio is exp(2 (b - a)).
    """
    low, high = logsigma_range
    return float(np.exp(2 * (high - low))), float(np.exp(low)), float(np.exp(high))


def describe(data: dict, **section) -> dict[str, str]:
    """The figure's ``alt`` and description, from the sample and the grid it drew.

    Parameters
    ----------
    data : dict
        What :func:`build` returned (plain lists, as its sidecar holds them).
    **section
        The config section with ``gaussian_data``.

    Returns
    -------
    dict
        ``{"alt": ..., "description": ...}``.
    """
    stats, contours = data["sufficient_statistics"], data["contours"]
    sample = section["gaussian_data"]
    mu_hat, logsigma_hat = data["mle"]
    ratio, low, high = sharpening(contours["y_range"])
    (x0, x1), (y0, y1) = contours["x_range"], contours["y_range"]
    alt = (
        f"Contours of a Gaussian's log-likelihood of {stats['n']} draws over μ and log σ: "
        f"they crowd together as σ falls, bending about {number(ratio)} times as sharply "
        "in μ at the bottom as at the top."
    )
    sentences = [
        f"Contour lines of the log-likelihood log p(x | μ, σ²) of {stats['n']} draws from "
        f"N({value(sample['mu'])}, {value(sample['sigma'])}²) (seed {sample['seed']}), "
        f"{len(contours['levels'])} levels, over μ from {value(x0)} to {value(x1)} "
        f"(horizontal) and log σ from {value(y0)} to {value(y1)} (vertical).",
        f"The likelihood is largest at the sample's mean and standard deviation: "
        f"μ = {number(mu_hat)}, log σ = {number(logsigma_hat)} "
        f"(σ = {number(np.exp(logsigma_hat))}).",
        f"Towards the bottom the contours bunch together: in μ the log-likelihood bends "
        f"as n/σ², {number(ratio)} times as sharply at the bottom edge (σ = {number(low)}) "
        f"as at the top (σ = {number(high)}). The same step in μ changes the distribution "
        "more when σ is small: what the Fisher metric measures.",
    ]
    return text(alt, sentences)
