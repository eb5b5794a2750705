"""Gradient descent vs natural gradient fitting a Gaussian by maximum likelihood.

Promised by the draft, never drawn: both methods from a small-sigma and a
large-sigma start, and one natural step with lr = 1 landing on the sample mean.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from ..descent import iterations_to_tolerance
from ..objectives import GaussianLogLikelihood, gaussian_mle_path
from ..plotting import METHOD_LABELS, loglik_contours, palette
from ..render import note_if_stopped, setting

SHARED_SECTIONS = ("gaussian_data",)


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
    fig = Figure(figsize=figsize)
    ax, ax_gap = fig.subplots(1, 2)
    contours = loglik_contours(
        ax, ll, mu_range, logsigma_range, grid_points, levels, cmap="Greys", linewidths=0.6
    )
    colors = dict(zip(("gd", "natural"), palette(2), strict=True))
    lrs = {"gd": lr_gd, "natural": lr_natural}
    runs = []
    for i, start in enumerate(starts):
        for method, lr in lrs.items():
            key = f"lr_{method}"
            with setting(key, lr):
                path = gaussian_mle_path(ll, start, method, lr, n_steps, on_divergence)
            note_if_stopped(path, n_steps, f"{key} from start {i}")
            gap = ll.excess_mean_nll(path)
            label = f"{METHOD_LABELS[method]}, $\\gamma={lr:g}$" if i == 0 else None
            style = "-" if i == 0 else "--"
            ax.plot(*path.T, style, marker="o", markersize=3, color=colors[method], label=label)
            ax_gap.semilogy(
                np.maximum(gap, floor),
                style,
                color=colors[method],
                label=f"{METHOD_LABELS[method]}, start {i + 1}",
            )
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
    # One natural-gradient step with lr = 1 lands on the sample mean.
    one = gaussian_mle_path(ll, starts[one_step_start], "natural", 1.0, 1)
    ax.axvline(ll.mean, color="0.4", linestyle=":", linewidth=1.5)
    ax.annotate(
        "",
        xy=one[1],
        xytext=one[0],
        arrowprops={"arrowstyle": "->", "color": colors["natural"], "linewidth": 2},
    )
    ax.plot(
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
    ax.legend(loc="lower left", fontsize="xx-small")
    ax_gap.axhline(tolerance, color="0.5", linewidth=1)
    ax_gap.set_ylim(bottom=floor)
    ax_gap.set_xlabel("iteration")
    ax_gap.set_ylabel("NLL $-$ min (per obs.)")
    ax_gap.legend(loc="upper right", fontsize="xx-small")
    fig.tight_layout()
    data = {
        "sample_mean": ll.mean,
        "mle": ll.mle(),
        "min_mean_nll": best,
        "runs": runs,
        "one_step": one,
        "contours": contours,
    }
    return fig, data
