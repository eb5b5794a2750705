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
