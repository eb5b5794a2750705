"""Colour-vision deficiency: the series a figure tells apart by colour stay apart
under simulated deuteranopia, protanopia and tritanopia.

The colours are read from the drawn figure's artists (each axes' lines in the
palette's colours, blended with their alpha over the white background), so a
config or code change that recolours a series is tested as drawn.

Simulation: Machado, Oliveira & Fernandes (2009), "A physiologically-based model
for simulation of color vision deficiency", IEEE TVCG 15(6), at severity 100
(dichromacy), as colorspacious implements it ("sRGB1+CVD").
Series drawn in different line styles (the adam figure's dashed full metric) have
a second mark and are not compared.
Difference: CAM02-UCS (Luo, Cui & Li 2006, Color Res. Appl. 31(4)), colorspacious's
``deltaE``, where about 1 unit is a just-noticeable difference between large
patches. Thin lines and markers need several times more (Stone, Szafir & Setlur
2014, "An engineering model for color difference as a function of size", Color
and Imaging Conference): THRESHOLD asks for ten.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from colorspacious import cspace_convert, deltaE
from matplotlib.colors import to_hex, to_rgba

from natgrad.drawing.plotting import COLORBLIND
from natgrad.figures import registry
from tests.helpers.figures import build_figure

#: CAM02-UCS Delta E' two colour-coded series must keep under every deficiency.
THRESHOLD = 10.0
DEFICIENCIES = ("deuteranomaly", "protanomaly", "tritanomaly")  # at severity 100: -opia

def _plain_white(colour, alpha) -> tuple[float, float, float]:
    r, g, b, a = to_rgba(colour, alpha)
    return tuple(float(v) for v in np.array([r, g, b]) * a + (1 - a))


def series_colours(fig) -> list[dict[tuple, str]]:
    """Per axes, the ``(colour, line style)`` of each series drawn in the palette's
    colours, with its label."""
    palette = {c.lower() for c in COLORBLIND}
    out = []
    for ax in fig.axes:
        colours: dict[tuple, str] = {}
        for line in ax.get_lines():
            if to_hex(line.get_color()).lower() in palette:
                rgb = _plain_white(line.get_color(), line.get_alpha())
                colours.setdefault((rgb, line.get_linestyle()), line.get_label())
        if len({rgb for rgb, _ in colours}) >= 2:
            out.append(colours)
    return out


def differences(a, b) -> dict[str, float]:
    """CAM02-UCS Delta E' of colours a and b, seen normally and under each deficiency."""
    said = {"normal": float(deltaE(a, b, input_space="sRGB1"))}
    for cvd in DEFICIENCIES:
        space = {"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100}
        sa, sb = (np.clip(cspace_convert(c, space, "sRGB1"), 0, 1) for c in (a, b))
        said[cvd] = float(deltaE(sa, sb, input_space="sRGB1"))
    return said


def test_the_simulation_is_machados():
    """Anchors: Machado's deuteranopia keeps grey grey and merges red with green far
    more than it merges blue with yellow."""
    grey = (0.5, 0.5, 0.5)
    assert differences(grey, grey)["deuteranomaly"] == pytest.approx(0, abs=1e-6)
    red_green = differences((0.8, 0.2, 0.2), (0.2, 0.6, 0.2))
    blue_yellow = differences((0.2, 0.2, 0.8), (0.8, 0.8, 0.2))
    assert red_green["deuteranomaly"] < red_green["normal"] / 2
    assert blue_yellow["deuteranomaly"] > 0.7 * blue_yellow["normal"]


#: The figures that tell series apart by colour (the others draw one colour).
COLOUR_CODED = [
    "adam_diagonal_preconditioning",
    "gaussian_kl_vs_euclidean",
    "natural_gradient_gaussian_mle",
    "reparameterization_invariance",
    "univariate_gaussian_euclidean",
]


def test_every_colour_coded_figure_is_checked(default_config):
    found = [n for n in registry() if series_colours(build_figure(default_config, n)[1])]
    assert found == COLOUR_CODED


def too_close(fig) -> list[str]:
    """The pairs of series told apart by colour alone (the same line style) whose
    colours come closer than THRESHOLD, seen normally or under a deficiency. A pair
    drawn in different line styles has a second mark (WCAG 1.4.1: colour is not the
    only visual means), and is left out."""
    found = []
    for colours in series_colours(fig):
        for ((a, sa), la), ((b, sb), lb) in itertools.combinations(colours.items(), 2):
            if sa != sb:
                continue
            for cvd, delta in differences(a, b).items():
                if delta < THRESHOLD:
                    found.append(f"{la} / {lb}: {delta:.1f} under {cvd}")
    return list(dict.fromkeys(found))


@pytest.mark.parametrize("name", COLOUR_CODED)
def test_colour_coded_series_stay_apart_under_colour_vision_deficiency(default_config, name):
    _, fig, _ = build_figure(default_config, name)
    assert too_close(fig) == [], name


def test_the_full_metric_is_dashed_because_its_colour_alone_is_too_close(default_config):
    """Drawn solid, the adam figure's full metric (pink) and AdaGrad (orange) are 9.9
    apart under tritanopia: the dash is what keeps them apart."""
    _, fig, _ = build_figure(default_config, "adam_diagonal_preconditioning")
    dashed = [line for ax in fig.axes for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert dashed and all("full metric" in line.get_label() for line in dashed)
    for line in dashed:
        line.set_linestyle("-")
    close = too_close(fig)
    assert close and all("under tritanomaly" in c for c in close), close
    assert any("AdaGrad" in c and "full metric" in c for c in close), close
