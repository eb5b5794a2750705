"""Gradient descent vs natural gradient fitting a Gaussian by maximum likelihood.

Promised by the draft, never drawn: both methods from a small-sigma and a
large-sigma start, and one natural step with lr = 1 landing on the sample mean.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..descent import iterations_to_tolerance
from ..drawing.divergence import note_if_stopped, setting
from ..drawing.plotting import METHOD_LABELS, loglik_contours, palette
from ..objectives import GaussianLogLikelihood, gaussian_mle_path

SHARED_SECTIONS = ("gaussian_data",)

# Font sizes in points. The blog shows this 1600 px figure 535 px wide (x0.33):
# 24 pt tick labels and legend entries are 11.1 px high there (the style's
# 20 pt were 9.3 px, at the check's minimum).
TICK_SIZE = 24
LEGEND_SIZE = 24


def build(
    *,
    figsize: Sequence[float],
    gaussian_data: dict,
    mu_range: Sequence[float],
    logsigma_range: Sequence[float],
    grid_points: int,
    levels: int,
    starts: Sequence[Sequence[float]],
    n_steps: int,
    lr_gd: float,
    lr_natural: float,
    tolerance: float,
    one_step_start: int,
    floor: float,
    xlabel: str,
    ylabel: str,
    on_divergence: str = "raise",
) -> tuple[Figure, dict]:
    """Maximum likelihood by gradient descent and natural gradient, over the contours."""
    ll = GaussianLogLikelihood.from_sample(**gaussian_data)
    best = float(ll.mean_nll(ll.mle()))
    fig = Figure(figsize=figsize, layout="constrained")
    ax, ax_gap = fig.subplots(1, 2)
    contours = loglik_contours(
        ax, ll, mu_range, logsigma_range, grid_points, levels, cmap="Greys", linewidths=0.6
    )
    colors = dict(zip(("gd", "natural"), palette(2), strict=True))
    lrs = {"gd": lr_gd, "natural": lr_natural}
    # A start below the optimum's sigma is where gradient descent overshoots,
    # one above it where it crawls: the reader's names for the two runs.
    log_sigma_hat = float(ll.mle()[1])
    styles = ["-", "--", "-.", ":"]
    runs, handles = [], []
    for i, start in enumerate(starts):
        style = styles[i % len(styles)]
        for method, lr in lrs.items():
            key = f"lr_{method}"
            with setting(key, lr):
                path = gaussian_mle_path(ll, start, method, lr, n_steps, on_divergence)
            note_if_stopped(path, n_steps, f"{key} from start {i}")
            gap = ll.excess_mean_nll(path)
            ax.plot(*path.T, style, marker="o", markersize=3, color=colors[method])
            ax_gap.semilogy(np.maximum(gap, floor), style, color=colors[method])
            runs.append(
                {
                    "start": list(start),
                    "method": method,
                    "lr": lr,
                    "path": path,
                    "gap": gap,
                    "iterations_to_tolerance": iterations_to_tolerance(gap, tolerance),
                }
            )
        size = "small" if start[1] < log_sigma_hat else "large"
        handles.append(Line2D([], [], color="0.2", linestyle=style, label=f"from {size} $\\sigma$"))
    # One natural-gradient step with lr = 1 lands on the sample mean.
    one = gaussian_mle_path(ll, starts[one_step_start], "natural", 1.0, 1)
    ax.axvline(ll.mean, color="0.4", linestyle=":", linewidth=1.5)
    ax.annotate(
        "",
        xy=one[1],
        xytext=one[0],
        arrowprops={"arrowstyle": "->", "color": colors["natural"], "linewidth": 2},
    )
    (star,) = ax.plot(
        *one[1],
        marker="*",
        markersize=16,
        color=colors["natural"],
        linestyle="none",
        label="one natural step, $\\gamma=1$: $\\mu=\\bar{x}$",
    )
    ax.set_xlim(*mu_range)
    ax.set_ylim(*logsigma_range)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax_gap.axhline(tolerance, color="0.5", linewidth=1)
    ax_gap.set_ylim(bottom=floor)
    ax_gap.set_xlabel("iteration")
    ax_gap.set_ylabel("NLL $-$ min (per obs.)")
    for a in (ax, ax_gap):
        a.tick_params(labelsize=TICK_SIZE)
    methods = [
        Line2D([], [], color=colors[m], label=f"{METHOD_LABELS[m]}, $\\gamma={lr:g}$")
        for m, lr in lrs.items()
    ]
    # Below the panels, where it covers no data.
    fig.legend(
        handles=[*methods, *handles, star],
        loc="outside lower center",
        ncols=3,
        fontsize=LEGEND_SIZE,
    )
    data = {
        "sample_mean": ll.mean,
        "mle": ll.mle(),
        "min_mean_nll": best,
        "runs": runs,
        "one_step": one,
        "contours": contours,
    }
    return fig, data
