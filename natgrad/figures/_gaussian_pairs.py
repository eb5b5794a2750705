"""The builder shared by the figures of two Gaussians equally far apart in their means.

Not a figure itself (the registry skips ``_`` modules): ``univariate_gaussian_euclidean``
(the post's fourth figure) and ``gaussian_kl_vs_euclidean`` (the same idea with
the KL divergence in each title) draw with it, each from its own config section.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .. import gaussian
from ..drawing.plotting import palette
from ._words import colour_name, count, listing, number, on, places, text, value

# Font sizes in points. The blog shows these 1400 and 1600 px figures 535 px
# wide (x0.38, x0.33): 40 pt titles are taller there than the published
# fourth figure's 16.0 px with mathtext and LaTeX, also with matplotlib 3.8's
# FreeType 2.6.1 at the dependency floors (37 pt gave 18.0 px with the pinned
# versions, 16.8 with LaTeX, and 15.3 at the floors), 24 pt tick
# labels are 12.7 and 11.1 px high (the style's 20 pt were 10.6 and 9.3 px),
# the legend 13.8 px (the published one's size).
TITLE_SIZE = 40
# Titles that also give the distance and the KL are three times as long: at 40 pt
# the two panels' titles nearly meet.
LONG_TITLE_SIZE = 37
TICK_SIZE = 24
LEGEND_SIZE = 26
# Four y ticks (0, 0.05, 0.1, 0.15 as published) instead of the eight that
# crowded the axis at the blog's width.
Y_BINS = 4


def build(
    *,
    figsize: Sequence[float],
    means: Sequence[float],
    variances: Sequence[float],
    x_range: Sequence[float],
    n_points: int,
    linewidth: float,
    fill: bool,
    show_kl: bool,
    labels: Sequence[str],
    xlabel: str,
    ylabel: str,
) -> tuple[Figure, dict]:
    """One panel per variance: N(means[0], var) and N(means[1], var) over ``x_range``.

    The parameters are equally far apart (``|means[1] - means[0]|``) in every
    panel; the KL divergence, ``(means[1] - means[0])^2 / (2 var)``, is not.
    """
    fig = Figure(figsize=figsize)
    axes = fig.subplots(1, len(variances), squeeze=False)[0]
    colors = palette(2)
    x = np.linspace(*x_range, n_points)
    m1, m2 = means
    data = {"means": list(means), "panels": []}
    for ax, var in zip(axes, variances, strict=True):
        s = float(np.sqrt(var))
        for i, (m, c) in enumerate(zip(means, colors, strict=True)):
            density = np.exp(-0.5 * ((x - m) / s) ** 2) / (s * np.sqrt(2 * np.pi))
            label = labels[i] if i < len(labels) else None
            ax.plot(x, density, color=c, linewidth=linewidth, label=label)
            if fill:
                ax.fill_between(x, density, color=c, alpha=0.2)
        kl = gaussian.kl(m1, s, m2, s)
        euclid = abs(m2 - m1)
        title = f"$\\sigma^2={var:g}$"
        if show_kl:
            # KL inside the math: "KL$=32$" gave LaTeX an "=" with nothing on its left, "KL= 32"
            title += f": $\\|\\Delta\\mu\\|={euclid:g}$, $\\mathrm{{KL}}={kl:.3g}$"
        ax.set_title(title, fontsize=LONG_TITLE_SIZE if show_kl else TITLE_SIZE)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.tick_params(labelsize=TICK_SIZE)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=Y_BINS, steps=[1, 2, 2.5, 5, 10]))
        data["panels"].append({"variance": var, "euclidean": euclid, "kl": kl})
    if labels:
        # One legend (the colours are the same in every panel), where the
        # published figure has it, in the panel of the narrowest densities:
        # in a wide one a legend legible at the blog's width covers a curve.
        narrowest = axes[int(np.argmin(variances))]
        narrowest.legend(loc="center right", fontsize=LEGEND_SIZE)
    fig.tight_layout()
    return fig, data


def describe(data: dict, **section) -> dict[str, str]:
    """The figure's ``alt`` and description, from the means, variances and KL it drew.

    The overlap of two densities of one variance sigma^2 whose means are d apart
    (the area under both curves) is erfc(d / (2 sqrt(2) sigma)).

    Parameters
    ----------
    data : dict
        What :func:`build` returned (plain lists, as its sidecar holds them).
    **section
        The config section (``labels``).

    Returns
    -------
    dict
        ``{"alt": ..., "description": ...}``.
    """
    import math

    m1, m2 = data["means"]
    panels = data["panels"]
    colours = [colour_name(c) for c in palette(2)]
    labels = [s.strip("$").replace("_", "") for s in section.get("labels", [])]
    names = [
        (f"{labels[i]} = " if i < len(labels) else "") + f"N({value(m)}, σ²) in {colours[i]}"
        for i, m in enumerate((m1, m2))
    ]
    overlaps = [
        math.erfc(p["euclidean"] / (2 * math.sqrt(2) * math.sqrt(p["variance"]))) for p in panels
    ]

    def overlap(o: float) -> str:
        return "almost none" if o < 0.001 else f"{number(100 * o)}%"

    alt = (
        f"Two Gaussian densities, means {value(m1)} and {value(m2)}, in "
        f"{count(len(panels), 'panel')} of different variance: the means are "
        f"{number(panels[0]['euclidean'])} apart in each, yet the KL divergence is "
        + listing(
            f"{number(p['kl'])} {on(where)}"
            for where, p in zip(places(len(panels)), panels, strict=True)
        )
        + "."
    )
    sentences = [
        f"{count(len(panels), 'panel').capitalize()}, each with the densities of "
        f"{listing(names)}, over x from {value(section['x_range'][0])} to "
        f"{value(section['x_range'][1])}."
    ]
    for where, p, o in zip(places(len(panels)), panels, overlaps, strict=True):
        sentences.append(
            f"{where.capitalize()}, σ² = {value(p['variance'])}: the curves share "
            f"{overlap(o)} of their area; the means are {number(p['euclidean'])} apart and "
            f"the KL divergence is {number(p['kl'])}."
        )
    sentences.append(
        "The parameters are equally far apart in every panel, the distributions are not: "
        "the smaller the variance, the larger the KL divergence."
    )
    return text(alt, sentences)
