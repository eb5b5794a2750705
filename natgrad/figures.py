"""The post's figures, each built from one config section.

A builder takes the section's values as keyword arguments and returns
``(figure, data)``: a :class:`matplotlib.figure.Figure` (no pyplot, no global
state) and a JSON-ready dict of the numbers it drew. :func:`render` applies the
style, saves every format atomically and writes the data sidecar.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from . import explainers
from .descent import DivergenceError, naming_setting, steepest_descent, warn_if_stopped
from .io import save_figure, write_json
from .metrics import Euclidean, Mahalanobis, metric_from_matrix
from .objectives import Quadratic
from .plotting import (
    drawn_levels,
    grid,
    grid_summary,
    plot_contours,
    plot_level_set,
    plot_trajectory,
)
from .style import resolve_usetex, style_context

__all__ = [
    "FIGURES",
    "equidistant_points",
    "gd_euclidean_mahalanobis",
    "gaussian_isocontours_fisher",
    "render",
]


def equidistant_points(
    *,
    figsize: Sequence[float],
    panels: Sequence[dict],
    radius: float,
    n_points: int,
    limits: Sequence[float],
    ticks: Sequence[float],
    color: str,
    linewidth: float,
    alpha: float,
) -> tuple[Figure, dict]:
    """Points at distance ``radius`` from the origin under each panel's metric ``A``."""
    fig = Figure(figsize=figsize)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    data = {"radius": radius, "panels": []}
    for ax, panel in zip(axes, panels, strict=True):
        metric = metric_from_matrix(panel["A"])
        pts = metric.level_set(radius=radius, n_points=n_points)
        plot_level_set(
            pts,
            ax,
            color=color,
            linewidth=linewidth,
            alpha=alpha,
            limits=limits,
            ticks=ticks,
            title=panel["title"],
        )
        data["panels"].append(
            {
                "title": panel["title"],
                "metric": type(metric).__name__,
                "A": metric.matrix(),
                "extent": np.abs(pts).max(axis=0),
                "points": pts,
            }
        )
    fig.tight_layout()
    return fig, data


def gd_euclidean_mahalanobis(
    *,
    figsize: Sequence[float],
    A: Sequence[Sequence[float]],
    x0: Sequence[float],
    n_steps: int,
    limits: Sequence[float],
    grid_points: int,
    levels: int,
    arrow_color: str,
    head_width: float,
    panels: Sequence[dict],
    on_divergence: str = "raise",
) -> tuple[Figure, dict]:
    """Steepest descent on ``f(x) = x^T A x`` under each panel's metric, over f's contours."""
    f = Quadratic(A)
    X, Y, XY = grid(limits, limits, grid_points)
    Z = f.value(XY)
    fig = Figure(figsize=figsize)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    data = {"x0": list(x0), "panels": []}
    for i, (ax, panel) in enumerate(zip(axes, panels, strict=True)):
        metric = Euclidean(len(x0)) if panel["metric"] == "euclidean" else Mahalanobis(f.A)
        setting = f"panels[{i}].lr"
        with naming_setting(setting, panel["lr"]):
            path = steepest_descent(
                f.gradient, x0, metric, panel["lr"], n_steps, on_divergence=on_divergence
            )
        warn_if_stopped(path, n_steps, setting)
        plot_contours(X, Y, Z, ax, levels=levels)
        plot_trajectory(path, ax, color=arrow_color, head_width=head_width)
        ax.set_xlim(*limits)
        ax.set_ylim(*limits)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(panel["title"])
        data["panels"].append(
            {
                "title": panel["title"],
                "metric": panel["metric"],
                "lr": panel["lr"],
                "iterates": path,
                "f": f.value(path),
                "contours": grid_summary(X, Y, Z, drawn_levels(ax)),
            }
        )
    fig.tight_layout()
    return fig, data


def gaussian_isocontours_fisher(
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
    ll = explainers.shared_likelihood(gaussian_data)
    fig = Figure(figsize=figsize)
    ax = fig.subplots()
    contours = explainers.loglik_contours(ax, ll, mu_range, logsigma_range, grid_points, levels)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    fig.tight_layout()
    summary = {
        "sufficient_statistics": {"n": ll.n, "mean": ll.mean, "centred_ss": ll.centred_ss},
        "mle": ll.mle(),
        "contours": contours,
    }
    return fig, summary


#: Figure name (the output's file stem) -> builder.
FIGURES = {
    "equidistant_points": equidistant_points,
    "gd_euclidean_mahalanobis": gd_euclidean_mahalanobis,
    "gaussian_isocontours_fisher": gaussian_isocontours_fisher,
    "natural_gradient_gaussian_mle": explainers.natural_gradient_gaussian_mle,
    "gaussian_fisher_ellipses": explainers.gaussian_fisher_ellipses,
    "adam_diagonal_preconditioning": explainers.adam_diagonal_preconditioning,
    "gaussian_kl_vs_euclidean": explainers.gaussian_kl_vs_euclidean,
    "reparameterization_invariance": explainers.reparameterization_invariance,
}


def render(
    name: str,
    params: dict,
    figure_paths: Sequence[str | os.PathLike],
    data_path: str | os.PathLike,
    *,
    usetex: str | bool = "auto",
    dpi: float = 100,
    on_divergence: str = "raise",
) -> dict:
    """Build figure ``name`` from ``params``, save it in every format, write its data.

    Parameters
    ----------
    name : str
        A key of :data:`FIGURES`.
    params : dict
        The figure's config section (keyword arguments of its builder).
    figure_paths : sequence of path-like
        One output per format (.png, .pdf, .svg).
    data_path : path-like
        Where the JSON sidecar of drawn numbers goes.
    usetex : {"auto", True, False}
    dpi : float
    on_divergence : {"raise", "stop"}
        What a diverging descent does: fail naming the setting, or draw the
        path up to the divergence (and say so in the log).

    Returns
    -------
    dict
        The sidecar data.
    """
    if name not in FIGURES:
        raise ValueError(f"unknown figure {name!r}; known: {', '.join(FIGURES)}")
    builder = FIGURES[name]
    kwargs = dict(params)
    if "on_divergence" in inspect.signature(builder).parameters:
        kwargs["on_divergence"] = on_divergence
    with style_context(resolve_usetex(usetex)):
        try:
            fig, data = builder(**kwargs)
        except DivergenceError as err:
            raise DivergenceError(
                f"figure {name}: {err} (or set on_divergence: stop to draw the path up to "
                "the divergence)"
            ) from None
        # Data first: a figure on disk always has its sidecar beside it.
        write_json({"figure": name, "params": params, "data": data}, data_path)
        save_figure(fig, figure_paths, dpi=dpi)
    return data
