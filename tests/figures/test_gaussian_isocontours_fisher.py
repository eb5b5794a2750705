"""What gaussian_isocontours_fisher.png draws (natgrad/figures/gaussian_isocontours_fisher.py)."""

import numpy as np
from conftest import build_figure
from numpy.testing import assert_allclose

from natgrad import gaussian
from natgrad.objectives import GaussianLogLikelihood


def test_isocontours_figure_grid_and_levels(default_config):
    params, fig, data = build_figure(default_config, "gaussian_isocontours_fisher")
    assert tuple(fig.get_size_inches()) == (6, 6)
    (ax,) = fig.axes
    cs = ax.collections[0]
    x = gaussian.sample(2000, 0.0, 1.0, params["gaussian_data"]["seed"])
    ll = GaussianLogLikelihood(x)
    assert data["contours"]["x_range"] == [-1.0, 1.0]
    assert data["contours"]["y_range"] == [-2.0, 2.0]
    z_lo, z_hi = data["contours"]["z_range"]
    assert_allclose(z_hi, ll.value(ll.mle()), rtol=1e-3)  # the peak is on the grid, near the MLE
    assert_allclose(z_lo, min(ll.value([m, -2.0]) for m in (-1.0, 1.0)), rtol=1e-12)
    # about 200 levels (matplotlib rounds to nice values)
    assert 100 <= len(cs.levels) <= 250
    assert ax.get_xlabel() == "$\\mu$" and ax.get_ylabel() == "$\\log \\sigma$"
    # contours bunch together as log sigma falls: more level crossings along mu = 0 below 0
    col = ll.value(np.column_stack([np.zeros(201), np.linspace(-2, 2, 201)]))
    crossings = np.abs(np.diff(np.searchsorted(cs.levels, col)))
    assert crossings[:100].sum() > 5 * crossings[100:].sum()
