"""Gradient descent vs steepest descent under the Mahalanobis metric on a quadratic.

The post's second figure: f(x) = x^T A x, the Euclidean path zig-zags, the
metric A's path runs straight to the minimum.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from ..descent import steepest_descent
from ..drawing.divergence import note_if_stopped, setting
from ..drawing.plotting import drawn_levels, grid, grid_summary, plot_contours, plot_trajectory
from ..metrics import Euclidean, Mahalanobis
from ..objectives import Quadratic
from ._words import colour_name, count, diverged, number, places, point, steps, text, value

#: How close to the minimum a path must come, in the text alternative, to count
#: as having reached it: a tenth of a unit, where the arrows' heads (0.5 wide in
#: the 20 x 20 window) already overlap at the minimum.
NEAR = 0.1

# The blog shows this 1400 px figure 535 px wide (x0.38): 38 pt titles are
# taller there than the published figure's 18.7 and 20.3 px (20.3 and 22.5 px
# with mathtext, 19.9 and 21.4 with LaTeX).
TITLE_SIZE = 38


def build(
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
        key = f"panels[{i}].lr"
        with setting(key, panel["lr"]):
            path = steepest_descent(
                f.gradient, x0, metric, panel["lr"], n_steps, on_divergence=on_divergence
            )
        note_if_stopped(path, n_steps, key)
        plot_contours(X, Y, Z, ax, levels=levels)
        plot_trajectory(path, ax, color=arrow_color, head_width=head_width, view=limits)
        ax.set_xlim(*limits)
        ax.set_ylim(*limits)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(panel["title"], fontsize=TITLE_SIZE)
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


def _turn(path: np.ndarray) -> float:
    """The largest angle, in degrees, between two successive steps of ``path``."""
    moves = np.diff(path, axis=0)
    moves = moves[np.linalg.norm(moves, axis=1) > 0]
    if len(moves) < 2:
        return 0.0
    a, b = moves[:-1], moves[1:]
    cos = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))).max())


def describe(data: dict, **section) -> dict[str, str]:
    """The figure's ``alt`` and description, from the paths it drew.

    The minimum of x^T A x (A positive definite) is the origin: each path's
    steps to within :data:`NEAR` of it are counted along its drawn iterates.

    Parameters
    ----------
    data : dict
        What :func:`build` returned (plain lists, as its sidecar holds them).
    **section
        The config section (``A``, ``arrow_color``, ``limits``).

    Returns
    -------
    dict
        ``{"alt": ..., "description": ...}``.
    """
    panels = data["panels"]
    names = {"euclidean": "gradient descent", "mahalanobis": "steepest descent under the metric A"}
    said, reached = [], []
    for p in panels:
        path = np.asarray(p["iterates"], dtype=float)
        distance = np.linalg.norm(path, axis=1)
        near = np.flatnonzero(distance <= NEAR)
        reached.append(int(near[0]) if len(near) else None)
        turn = _turn(path)
        said.append("zig-zags" if turn > 90 else "bends" if turn >= 0.5 else "runs straight")
    A = "; ".join(", ".join(value(v) for v in row) for row in section["A"])
    alt = (
        f"Contours of a quadratic with {colour_name(section['arrow_color'])} arrows of "
        f"descent paths from {point(data['x0'])} to its minimum: "
        + "; ".join(f"{names[p['metric']]} {how}" for p, how in zip(panels, said, strict=True))
        + "."
    )
    sentences = [
        f"{count(len(panels), 'panel').capitalize()}, each the contours of f(x) = x^T A x with "
        f"A = [{A}], on axes from {value(section['limits'][0])} to "
        f"{value(section['limits'][1])}, and a path of "
        f"{count(len(panels[0]['iterates']) - 1, 'step')} as arrows from the start "
        f"{point(data['x0'])} towards the minimum at the origin."
    ]
    for where, p, how, n in zip(places(len(panels)), panels, said, reached, strict=True):
        path = np.asarray(p["iterates"], dtype=float)
        end = np.linalg.norm(path[-1])
        turn = _turn(path)
        turned = (
            f"its steps turn by up to {number(turn)} degrees"
            if turn >= 0.5
            else "every step in the same direction"
        )
        sentences.append(
            f"{where.capitalize()}: {names[p['metric']]}, step size {value(p['lr'])}, "
            f"{how} ({turned}); "
            + (
                f"it comes within {number(NEAR)} of the minimum after {steps(n)} and "
                if n is not None
                else f"in {steps(len(path) - 1)} it does not come within {number(NEAR)} of the "
                "minimum: it "
            )
            + f"ends {number(end)} from it, where f = {number(p['f'][-1])}."
        )
        if stopped := diverged(len(path) - 1, section["n_steps"]):
            sentences.append(f"The path {stopped}, drawn up to there.")
    return text(alt, sentences)
