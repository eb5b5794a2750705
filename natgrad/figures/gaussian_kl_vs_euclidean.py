"""Equal parameter distance, different KL divergence.

Pairs of Gaussians equally far apart in parameters but not in KL divergence.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from .. import gaussian
from ..plotting import palette


def build(
    *,
    figsize: Sequence[float],
    means: Sequence[float],
    sigmas: Sequence[float],
    x_range: Sequence[float],
    n_points: int,
    linewidth: float,
) -> tuple[Figure, dict]:
    """Pairs of Gaussians equally far apart in parameters but not in KL divergence."""
    fig = Figure(figsize=figsize)
    axes = fig.subplots(1, len(sigmas), squeeze=False)[0]
    colors = palette(2)
    x = np.linspace(*x_range, n_points)
    m1, m2 = means
    data = {"means": list(means), "panels": []}
    for ax, s in zip(axes, sigmas, strict=True):
        for m, c in zip(means, colors, strict=True):
            density = np.exp(-0.5 * ((x - m) / s) ** 2) / (s * np.sqrt(2 * np.pi))
            ax.plot(x, density, color=c, linewidth=linewidth)
            ax.fill_between(x, density, color=c, alpha=0.2)
        kl = gaussian.kl(m1, s, m2, s)
        euclid = float(np.hypot(m2 - m1, 0.0))
        ax.set_title(f"$\\sigma={s:g}$: $\\|\\Delta\\theta\\|={euclid:g}$, KL$={kl:.3g}$")
        ax.set_xlabel("$x$")
        ax.set_yticks([])
        data["panels"].append({"sigma": s, "euclidean": euclid, "kl": kl})
    fig.tight_layout()
    return fig, data
