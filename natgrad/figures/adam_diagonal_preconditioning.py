"""AdaGrad, RMSProp and Adam as diagonal metrics vs the full metric.

The draft's "Adam, etc." section drawn: diagonal metrics help on an aligned
valley, not on a rotated one; the full metric does on both.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from ..descent import make_optimizer, steepest_descent
from ..drawing.divergence import note_if_stopped, setting
from ..drawing.plotting import METHOD_LABELS, grid, legend_below, palette, plot_contours
from ..errors import DomainError
from ..objectives import Quadratic, rotated_spd
from ._words import colour_name, diverged, listing, number, point, text, value

# Font sizes in points. The blog shows this 2100 px figure 535 px wide (x0.25):
# 30 pt tick labels are 10.6 px high there (the style's 20 pt were 7.1 px),
# labels and legend 12 px. The 44 pt titles (15.6 px) are a little smaller
# than the post's; larger, "rotated 45°, κ=50" runs past its column and the
# figure's edge. The legend in three columns: five in a row do not fit.
TITLE_SIZE = 44
LABEL_SIZE = 34
TICK_SIZE = 30
LEGEND_SIZE = 34
LEGEND_COLUMNS = 3
#: The gap axis ends here at the latest (see below).
GAP_CEILING = 1e30


def build(
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
    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(2, len(problems), squeeze=False)
    X, Y, XY = grid(limits, limits, grid_points)
    # methods: the drawing order, which gave the colours (the sidecar sorts lrs' keys)
    data = {"x0": list(x0), "lrs": dict(lrs), "methods": list(lrs), "problems": []}
    for col, (title, A) in enumerate(problems.items()):
        f = Quadratic(A)
        ax, ax_gap = axes[0, col], axes[1, col]
        # one mid grey: a grey colormap leaves the low levels, near the paths, white
        plot_contours(X, Y, f.value(XY), ax, levels=levels, colors="0.7", linewidths=0.8)
        paths = {}

        def drawable(x, f=f):
            # The gap is drawn on a log axis: an iterate whose objective overflows
            # (|x| beyond 1e154 or so, while x and the gradient are still finite)
            # has diverged as surely as a non-finite one.
            if not np.isfinite(f.value(x)):
                raise DomainError("the objective overflows to inf there")

        for method, lr in lrs.items():
            with setting(f"lrs.{method}", lr):
                paths[method] = steepest_descent(
                    f.gradient,
                    x0,
                    make_optimizer(method, f.A),
                    lr,
                    n_steps,
                    on_divergence=on_divergence,
                    domain=drawable,
                )
            note_if_stopped(paths[method], n_steps, f"lrs.{method}")
        gaps = {}
        for method, path in paths.items():
            label = f"{METHOD_LABELS[method]}, $\\gamma={lrs[method]:g}$"
            style = {"color": colors[method], "label": label, "linestyle": _linestyle(method)}
            ax.plot(*path.T, linewidth=1.5, **style)
            gaps[method] = f.value(path) - f.minimum
            ax_gap.semilogy(np.maximum(gaps[method], floor), **style)
        ax.set_xlim(*limits)
        ax.set_ylim(*limits)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=TITLE_SIZE)
        # A path cut short by on_divergence: stop can reach gaps near 1e300;
        # matplotlib's log ticks overflow over so many decades, and such a gap
        # says only that the path left the chart.
        ax_gap.set_ylim(floor, min(ax_gap.get_ylim()[1], GAP_CEILING))
        ax_gap.set_xlabel("iteration", fontsize=LABEL_SIZE)
        ax_gap.tick_params(labelsize=TICK_SIZE)
        if col == 0:
            ax_gap.set_ylabel("$f(x_t) - f^*$", fontsize=LABEL_SIZE)
        data["problems"].append({"title": title, "A": A, "paths": paths, "gaps": gaps})
    # Below the panels, where it covers no data.
    legend_below(fig, axes[0, 0].get_lines(), ncols=LEGEND_COLUMNS, fontsize=LEGEND_SIZE)
    return fig, data


#: The methods with a diagonal metric, and the one with the full metric.
DIAGONAL = ("adagrad", "rmsprop", "adam")
FULL = "mahalanobis"


def _linestyle(method: str) -> str:
    # The full metric dashed, so that colour is not all that tells it from the rest:
    # under tritanopia the palette's orange (AdaGrad) and pink (the full metric) are
    # 9.9 CAM02-UCS units apart (tests/drawing/test_colour_vision.py asks for 10).
    return "--" if method == FULL else "-"


def _name(method: str) -> str:
    return "the full metric A" if method == FULL else METHOD_LABELS[method]


def describe(data: dict, **section) -> dict[str, str]:
    """The figure's ``alt`` and description, from the gaps its paths reached.

    Parameters
    ----------
    data : dict
        What :func:`build` returned (plain lists, as its sidecar holds them).
    **section
        The config section (``condition_number``, ``rotation_deg``, ``n_steps``).

    Returns
    -------
    dict
        ``{"alt": ..., "description": ...}``.
    """
    lrs = {m: data["lrs"][m] for m in data["methods"]}
    colours = dict(zip(lrs, map(colour_name, palette(len(lrs))), strict=True))
    post, aligned, rotated = data["problems"]
    n = section["n_steps"]
    kappa, angle = value(section["condition_number"]), value(section["rotation_deg"])
    names = ["the post's A", f"an aligned valley (condition number {kappa})",
             f"the same valley rotated {angle} degrees"]  # fmt: skip
    # the last gap of each path (an overflow, stored as null, is infinite)
    last = [
        {m: np.inf if g[-1] is None else g[-1] for m, g in p["gaps"].items()}
        for p in data["problems"]
    ]
    helped = [m for m in DIAGONAL if m in lrs and last[2][m] > last[1][m]]
    # "reaches the minimum": a millionth of where it started
    full = all(
        gaps[FULL] <= 1e-6 * p["gaps"][FULL][0]
        for gaps, p in zip(last, data["problems"], strict=True)
    )
    alt = (
        f"Descent paths and their error over {n} steps on three quadratics: "
        + (
            f"{listing(_name(m) for m in helped)} get far closer to the minimum of an aligned "
            "valley than of a rotated one"
            if helped
            else "no diagonal method does better on the aligned valley than on the rotated one"
        )
        + ("; the full metric reaches it on all three." if full else ".")
    )
    sentences = [
        f"Three columns, one quadratic each: {listing(names)}. Top row: over its contours, "
        f"the paths from {point(data['x0'])} of "
        + listing(
            f"{_name(m)} (step size {value(lr)}, {colours[m]}"
            + (", dashed)" if _linestyle(m) == "--" else ")")
            for m, lr in lrs.items()
        )
        + ". Bottom row: each path's f(x_t) - f* against the iteration, on a log scale."
    ]
    for name, gaps, problem in zip(names, last, data["problems"], strict=True):
        stopped = {m: diverged(len(problem["gaps"][m]) - 1, n) for m in lrs}
        sentences.append(
            f"After {n} steps on {name}, f - f* is "
            + listing(
                f"{number(gaps[m])} for {_name(m)}"
                + (f" ({stopped[m]}, drawn up to there)" if stopped[m] else "")
                for m in lrs
            )
            + "."
        )
    if helped:
        sentences.append(
            "A diagonal metric rescales each coordinate: it helps where the valley lies "
            "along the axes, not where it is rotated"
            + ("; the full metric is at home in both." if full else ".")
        )
    return text(alt, sentences)
