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
from ..drawing.plotting import METHOD_LABELS, legend_below, loglik_contours, palette
from ..objectives import GaussianLogLikelihood, gaussian_mle_path
from ._words import colour_name, diverged, listing, number, point, steps, text, value

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
    legend_below(fig, [*methods, *handles, star], ncols=3, fontsize=LEGEND_SIZE)
    data = {
        "sample_mean": ll.mean,
        "mle": ll.mle(),
        "min_mean_nll": best,
        "runs": runs,
        "one_step": one,
        "contours": contours,
    }
    return fig, data


def describe(data: dict, **section) -> dict[str, str]:
    """The figure's ``alt`` and description, from the runs it drew.

    Parameters
    ----------
    data : dict
        What :func:`build` returned (plain lists, as its sidecar holds them).
    **section
        The config section (``tolerance``, ``n_steps``, ``gaussian_data``).

    Returns
    -------
    dict
        ``{"alt": ..., "description": ...}``.
    """
    runs = data["runs"]
    colours = dict(zip(("gd", "natural"), map(colour_name, palette(2)), strict=True))
    log_sigma_hat = data["mle"][1]
    tolerance = number(section["tolerance"])
    starts = []
    for r in runs:
        if r["start"] not in starts:
            starts.append(r["start"])
    size = {tuple(s): "small-σ" if s[1] < log_sigma_hat else "large-σ" for s in starts}

    def count_of(method: str) -> str:
        counts = [r["iterations_to_tolerance"] for r in runs if r["method"] == method]
        if None in counts:
            return listing(steps(n, section["n_steps"]) for n in counts)
        return listing(str(n) for n in counts) + (" step" if counts == [1] else " steps")

    lrs = {r["method"]: r["lr"] for r in runs}
    one_from, one_to = data["one_step"]
    alt = (
        f"Gradient descent and natural gradient fitting a Gaussian's μ and log σ from "
        f"{listing(size[tuple(s)] for s in starts)} starts: to come within {tolerance} of "
        f"the best log-likelihood per draw, gradient descent takes {count_of('gd')}, "
        f"natural gradient {count_of('natural')}."
    )
    sentences = [
        f"Left: over the log-likelihood contours of {section['gaussian_data']['n']} draws, "
        f"the paths in (μ, log σ) of gradient descent (step size {value(lrs['gd'])}, "
        f"{colours['gd']}) and natural gradient (step size {value(lrs['natural'])}, "
        f"{colours['natural']}), from "
        + listing(f"{point(s)}, a {size[tuple(s)]} start" for s in starts)
        + f"; the best fit is at {point(data['mle'])}, the sample mean "
        f"{number(data['sample_mean'], 3)} marked by a dotted vertical line.",
        "Right: each run's negative log-likelihood per observation above its minimum, "
        f"on a log scale, against the iteration, with a line at {tolerance}.",
    ]
    for r in runs:
        name = "Gradient descent" if r["method"] == "gd" else "Natural gradient"
        n = r["iterations_to_tolerance"]
        where = (
            f"comes within {tolerance} after {steps(n)}"
            if n is not None
            else f"is still {number(r['gap'][-1])} above after {steps(len(r['gap']) - 1)}"
        )
        stopped = diverged(len(r["gap"]) - 1, section["n_steps"])
        where = f"{stopped} (drawn up to there) and {where}" if stopped else where
        sentences.append(f"{name} from the {size[tuple(r['start'])]} start {where}.")
    on_mean = abs(one_to[0] - data["sample_mean"]) <= 1e-9 * max(1.0, abs(data["sample_mean"]))
    sentences.append(
        f"A star marks one natural-gradient step of size 1 from {point(one_from)}: it lands "
        f"at μ = {number(one_to[0], 3)}"
        + (
            ", on the sample mean."
            if on_mean
            else f", the sample mean being {number(data['sample_mean'], 3)}."
        )
    )
    return text(alt, sentences)
