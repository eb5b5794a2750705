"""Figures for what the draft says but never draws.

Builders take a config section as keyword arguments and return
``(figure, data)`` like those in :mod:`natgrad.figures`, which registers them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from . import gaussian
from .descent import naming_setting, warn_if_stopped
from .experiments import (
    gaussian_mle_path,
    iterations_to_tolerance,
    mean_nll,
    quadratic_paths,
    reparameterization_discrepancy,
    reparameterized_path,
)
from .metrics import FisherMetric
from .objectives import GaussianLogLikelihood, Quadratic, rotated_spd
from .plotting import drawn_levels, grid, grid_summary, plot_contours

__all__ = [
    "COLORBLIND",
    "palette",
    "shared_likelihood",
    "loglik_contours",
    "natural_gradient_gaussian_mle",
    "gaussian_fisher_ellipses",
    "adam_diagonal_preconditioning",
    "gaussian_kl_vs_euclidean",
    "reparameterization_invariance",
]

METHOD_LABELS = {
    "gd": "gradient descent",
    "natural": "natural gradient",
    "adagrad": "AdaGrad",
    "rmsprop": "RMSProp",
    "adam": "Adam",
    "mahalanobis": "full metric $A$",
}


# seaborn 0.13's "colorblind" palette (``seaborn.palettes.SEABORN_PALETTES``),
# copied rather than imported: ``import seaborn`` pulls in pandas and
# scipy.stats, about 1.6 s of start-up in every job that draws with it, for
# ten constants. tests/test_explainers.py checks the copy against seaborn.
COLORBLIND = (
    "#0173B2",
    "#DE8F05",
    "#029E73",
    "#D55E00",
    "#CC78BC",
    "#CA9161",
    "#FBAFE4",
    "#949494",
    "#ECE133",
    "#56B4E9",
)


def palette(n: int) -> list[tuple[float, float, float]]:
    """The first ``n`` colours of seaborn's colour-blind-safe palette, as RGB.

    Cycles like ``seaborn.color_palette("colorblind", n)`` when ``n`` > 10.
    """
    return [to_rgb(COLORBLIND[i % len(COLORBLIND)]) for i in range(n)]


def shared_likelihood(section: dict) -> GaussianLogLikelihood:
    """The likelihood of the shared Gaussian draws (config section ``gaussian_data``)."""
    x = gaussian.sample(section["n"], section["mu"], section["sigma"], section["seed"])
    return GaussianLogLikelihood(x)


def loglik_contours(ax, ll, mu_range, logsigma_range, grid_points, levels, **kwargs) -> dict:
    """Draw log-likelihood contours over (mu, log sigma) on ``ax``; return their summary."""
    X, Y, XY = grid(mu_range, logsigma_range, grid_points)
    Z = ll.value(XY)
    plot_contours(X, Y, Z, ax, levels=levels, **kwargs)
    return grid_summary(X, Y, Z, drawn_levels(ax))


def natural_gradient_gaussian_mle(
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
    ll = shared_likelihood(gaussian_data)
    best = float(mean_nll(ll, ll.mle()))
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
            setting = f"lr_{method}"
            with naming_setting(setting, lr):
                path = gaussian_mle_path(ll, start, method, lr, n_steps, on_divergence)
            warn_if_stopped(path, n_steps, f"{setting} from start {i}")
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


def gaussian_fisher_ellipses(
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
    ll = shared_likelihood(gaussian_data)
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
    fig.tight_layout()
    return fig, {"radius": radius, "ellipses": ellipses, "contours": contours}


def adam_diagonal_preconditioning(
    *,
    figsize: Sequence[float],
    post_A: Sequence[Sequence[float]],
    condition_number: float,
    rotation_deg: float,
    x0: Sequence[float],
    n_steps: int,
    lrs: dict,
    limits: Sequence[float],
    grid_points: int,
    levels: int,
    floor: float,
    on_divergence: str = "raise",
) -> tuple[Figure, dict]:
    """Diagonal adaptive metrics vs the full metric on aligned and rotated quadratics."""
    problems = {
        "the post's $A$": np.asarray(post_A, dtype=float),
        f"aligned, $\\kappa={condition_number:g}$": rotated_spd([1.0, condition_number], 0.0),
        f"rotated ${rotation_deg:g}^\\circ$, $\\kappa={condition_number:g}$": rotated_spd(
            [1.0, condition_number], rotation_deg
        ),
    }
    colors = dict(zip(lrs, palette(len(lrs)), strict=True))
    fig = Figure(figsize=figsize)
    axes = fig.subplots(2, len(problems), squeeze=False)
    X, Y, XY = grid(limits, limits, grid_points)
    data = {"x0": list(x0), "lrs": dict(lrs), "problems": []}
    for col, (title, A) in enumerate(problems.items()):
        f = Quadratic(A)
        ax, ax_gap = axes[0, col], axes[1, col]
        plot_contours(X, Y, f.value(XY), ax, levels=levels, cmap="Greys", linewidths=0.6)
        paths = quadratic_paths(A, x0, lrs, n_steps, on_divergence)
        gaps = {}
        for method, path in paths.items():
            label = f"{METHOD_LABELS[method]}, $\\gamma={lrs[method]:g}$"
            ax.plot(*path.T, color=colors[method], linewidth=1.5, label=label)
            gaps[method] = f.value(path) - f.minimum
            ax_gap.semilogy(np.maximum(gaps[method], floor), color=colors[method], label=label)
        ax.set_xlim(*limits)
        ax.set_ylim(*limits)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title)
        ax_gap.set_ylim(bottom=floor)
        ax_gap.set_xlabel("iteration")
        if col == 0:
            ax_gap.set_ylabel("$f(x_t) - f^*$")
        data["problems"].append({"title": title, "A": A, "paths": paths, "gaps": gaps})
    axes[1, -1].legend(loc="lower left", fontsize="xx-small")
    fig.tight_layout()
    return fig, data


def gaussian_kl_vs_euclidean(
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


def reparameterization_invariance(
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
    ll = shared_likelihood(gaussian_data)
    fig = Figure(figsize=figsize)
    ax_paths, ax_disc = fig.subplots(1, 2)
    colors = palette(len(parameterizations))
    names = {
        "mean_std": "$(\\mu, \\sigma)$",
        "mean_logstd": "$(\\mu, \\log\\sigma)$",
        "mean_var": "$(\\mu, \\sigma^2)$",
        "natural": "natural $\\eta$",
    }
    paths = {"natural": {}, "gd": {}}
    for method, style in (("natural", "-"), ("gd", ":")):
        for p, c in zip(parameterizations, colors, strict=True):
            with naming_setting("lr", lr):
                path = reparameterized_path(
                    ll, start[0], start[1], p, method, lr, n_steps, on_divergence
                )
            warn_if_stopped(path, n_steps, f"lr ({method} in {p})")
            paths[method][p] = path
            ax_paths.plot(
                *path.T,
                style,
                color=c,
                marker="o" if method == "natural" else None,
                markersize=3,
                label=f"{METHOD_LABELS[method]} in {names[p]}",
            )
    ax_paths.set_xlabel(xlabel)
    ax_paths.set_ylabel(ylabel)
    ax_paths.set_title(f"$\\gamma={lr:g}$, {n_steps} steps")
    ax_paths.legend(fontsize="xx-small")
    lrs = np.asarray(discrepancy_lrs, dtype=float)
    disc = {}
    for method, c in (("natural", colors[0]), ("gd", colors[-1])):
        with naming_setting("discrepancy_lrs", list(discrepancy_lrs)):
            disc[method] = reparameterization_discrepancy(
                ll, start[0], start[1], method, lrs, parameterizations
            )
        slope = float(np.polyfit(np.log(lrs), np.log(disc[method]), 1)[0])
        ax_disc.loglog(
            lrs, disc[method], "o-", color=c, label=f"{METHOD_LABELS[method]}: slope {slope:.2f}"
        )
    from matplotlib.ticker import NullFormatter

    ax_disc.xaxis.set_minor_formatter(NullFormatter())  # minor labels collide on a short log axis
    ax_disc.set_xlabel("step size $\\gamma$")
    ax_disc.set_ylabel("spread after one step")
    ax_disc.legend(fontsize="x-small")
    fig.tight_layout()
    return fig, {"paths": paths, "discrepancy_lrs": lrs, "discrepancy": disc}
