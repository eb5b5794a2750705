"""Natural gradient takes the same path in every parameterisation.

Gradient descent does not: its path depends on the coordinates.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, NullLocator, StrMethodFormatter

from ..drawing.divergence import note_if_stopped, setting
from ..drawing.plotting import METHOD_LABELS, PARAMETERIZATION_LABELS, legend_below, palette
from ..objectives import GaussianLogLikelihood, reparameterization_discrepancy, reparameterized_path
from ._words import colour_name, count, diverged, listing, number, point, text, value

SHARED_SECTIONS = ("gaussian_data",)

# Font sizes in points. The blog shows this 1600 px figure 535 px wide (x0.33):
# 24 pt tick labels and legend entries are 11.1 px high there (the style's
# 20 pt were 9.3 px, at the check's minimum); the 36 pt title is as large as
# the post's figures' titles (about 17 px).
TITLE_SIZE = 36
TICK_SIZE = 24
LEGEND_SIZE = 24


def build(
    *,
    figsize: Sequence[float],
    gaussian_data: dict,
    start: Sequence[float],
    lr: float,
    n_steps: int,
    parameterizations: Sequence[str],
    discrepancy_lrs: Sequence[float],
    xlabel: str,
    ylabel: str,
    on_divergence: str = "raise",
) -> tuple[Figure, dict]:
    """Natural gradient follows one path in every parameterisation; gradient descent does not."""
    ll = GaussianLogLikelihood.from_sample(**gaussian_data)
    fig = Figure(figsize=figsize, layout="constrained")
    ax_paths, ax_disc = fig.subplots(1, 2)
    colors = palette(len(parameterizations))
    paths = {"natural": {}, "gd": {}}
    for method, style in (("natural", "-"), ("gd", ":")):
        for p, c in zip(parameterizations, colors, strict=True):
            with setting("lr", lr):
                path = reparameterized_path(
                    ll, start[0], start[1], p, method, lr, n_steps, on_divergence
                )
            note_if_stopped(path, n_steps, f"lr ({method} in {p})")
            paths[method][p] = path
            ax_paths.plot(
                *path.T,
                style,
                color=c,
                marker="o" if method == "natural" else None,
                markersize=3,
                label=f"{METHOD_LABELS[method]} in {PARAMETERIZATION_LABELS[p]}",
            )
    ax_paths.set_xlabel(xlabel)
    ax_paths.set_ylabel(ylabel)
    ax_paths.set_title(f"$\\gamma={lr:g}$, {n_steps} steps", fontsize=TITLE_SIZE)
    # Below the panels, where it covers none of the paths.
    legend_below(fig, ax_paths.get_lines(), ncols=2, fontsize=LEGEND_SIZE)
    lrs = np.asarray(discrepancy_lrs, dtype=float)
    disc = {}
    for method, c in (("natural", colors[0]), ("gd", colors[-1])):
        with setting("discrepancy_lrs", list(discrepancy_lrs)):
            disc[method] = reparameterization_discrepancy(
                ll, start[0], start[1], method, lrs, parameterizations
            )
        slope = float(np.polyfit(np.log(lrs), np.log(disc[method]), 1)[0])
        ax_disc.loglog(
            lrs, disc[method], "o-", color=c, label=f"{METHOD_LABELS[method]}: slope {slope:.2f}"
        )
    # The step sizes drawn, as plain numbers: on a short log axis matplotlib's
    # own ticks are one major label and minor labels that collide.
    ax_disc.xaxis.set_major_locator(FixedLocator(lrs))
    ax_disc.xaxis.set_major_formatter(StrMethodFormatter("{x:g}"))
    ax_disc.xaxis.set_minor_locator(NullLocator())
    ax_disc.set_xlabel("step size $\\gamma$")
    ax_disc.set_ylabel("spread after one step")
    # Above the panel, in the row of the paths' title: inside the frame it
    # covers a line wherever it goes.
    ax_disc.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=LEGEND_SIZE)
    for ax in (ax_paths, ax_disc):
        ax.tick_params(which="both", labelsize=TICK_SIZE)
    return fig, {"paths": paths, "discrepancy_lrs": lrs, "discrepancy": disc}


#: The parameterisations in words.
_SAID = {"mean_std": "(μ, σ)", "mean_logstd": "(μ, log σ)", "mean_var": "(μ, σ²)",
         "natural": "natural parameters"}  # fmt: skip


def _spread(paths: dict) -> float:
    """The largest distance, over the iterations, between two of the paths (in (mu, sigma));
    over the steps all of them drew (one stopped at a divergence is shorter)."""
    shortest = min(len(p) for p in paths.values())
    stacked = np.array([np.asarray(p[:shortest], dtype=float) for p in paths.values()])
    gaps = np.linalg.norm(stacked[:, None] - stacked[None, :], axis=-1)
    return float(np.nanmax(gaps))


def describe(data: dict, **section) -> dict[str, str]:
    """The figure's ``alt`` and description, from the paths and spreads it drew.

    Parameters
    ----------
    data : dict
        What :func:`build` returned (plain lists, as its sidecar holds them).
    **section
        The config section (``parameterizations``, ``lr``, ``n_steps``).

    Returns
    -------
    dict
        ``{"alt": ..., "description": ...}``.
    """
    order = list(section["parameterizations"])
    colours = dict(zip(order, map(colour_name, palette(len(order))), strict=True))
    spread = {m: _spread({p: data["paths"][m][p] for p in order}) for m in ("natural", "gd")}
    lrs = np.asarray(data["discrepancy_lrs"], dtype=float)
    slope = {
        m: float(np.polyfit(np.log(lrs), np.log(np.asarray(d, dtype=float)), 1)[0])
        for m, d in data["discrepancy"].items()
    }
    n = len(data["paths"]["natural"][order[0]]) - 1
    start = data["paths"]["natural"][order[0]][0]
    alt = (
        f"Natural gradient and gradient descent run in {count(len(order))} parameterisations of a "
        f"Gaussian: the natural-gradient paths lie on one another (at most "
        f"{number(spread['natural'])} apart), the gradient-descent paths part (up to "
        f"{number(spread['gd'])})."
    )
    sentences = [
        f"Left: in the (μ, σ) plane, paths of {count(n, 'step')} of size "
        f"{value(section['lr'])} from μ, σ = {point(start)}, run in "
        + listing(f"{_SAID.get(p, p)} ({colours[p]})" for p in order)
        + "; natural gradient as solid lines with dots, gradient descent dotted.",
        f"The {count(len(order))} natural-gradient paths stay within "
        f"{number(spread['natural'])} of one another; the gradient-descent paths come "
        f"{number(spread['gd'])} apart.",
        "Right, on log-log axes: how far apart one step lands in the different "
        f"parameterisations, against the step size ({listing(value(x) for x in lrs)}): "
        f"slope {number(slope['natural'], 2)} for natural gradient, "
        f"{number(slope['gd'], 2)} for gradient descent.",
    ]
    if slope["natural"] >= 1.5 > slope["gd"]:
        sentences.append(
            "Natural gradient's steps differ only at second order in the step size, "
            "gradient descent's at first order: to first order, natural gradient does "
            "not depend on the coordinates."
        )
    for method, name in (("natural", "natural-gradient"), ("gd", "gradient-descent")):
        for p in order:
            if stopped := diverged(len(data["paths"][method][p]) - 1, section["n_steps"]):
                sentences.append(f"The {name} path in {_SAID.get(p, p)} {stopped}.")
    return text(alt, sentences)
