"""What gaussian_isocontours_fisher.png draws (natgrad/figures/gaussian_isocontours_fisher.py)."""

import numpy as np
from numpy.testing import assert_allclose

from natgrad.objectives import GaussianLogLikelihood
from tests.helpers.figures import build_figure


def test_isocontours_figure_grid_and_levels(default_config):
    params, fig, data = build_figure(default_config, "gaussian_isocontours_fisher")
    assert tuple(fig.get_size_inches()) == tuple(params["figsize"])
    (ax,) = fig.axes
    cs = ax.collections[0]
    ll = GaussianLogLikelihood.from_sample(**params["gaussian_data"])
    assert data["sufficient_statistics"]["n"] == params["gaussian_data"]["n"]
    mu_range, ls_range = params["mu_range"], params["logsigma_range"]
    assert data["contours"]["x_range"] == mu_range
    assert data["contours"]["y_range"] == ls_range
    z_lo, z_hi = data["contours"]["z_range"]
    assert_allclose(z_hi, ll.value(ll.mle()), rtol=1e-3)  # the peak is on the grid, near the MLE
    assert_allclose(z_lo, min(ll.value([m, ls_range[0]]) for m in mu_range), rtol=1e-12)
    # about `levels` levels (matplotlib rounds to nice values)
    assert params["levels"] / 2 <= len(cs.levels) <= 1.25 * params["levels"]
    assert ax.get_xlabel() == params["xlabel"] and ax.get_ylabel() == params["ylabel"]
    assert ax.get_title() == params["title"]
    # contours bunch together as log sigma falls: more level crossings along the middle
    # mu in the lower half of the log sigma range than in the upper half
    column = np.column_stack([np.full(201, np.mean(mu_range)), np.linspace(*ls_range, 201)])
    crossings = np.abs(np.diff(np.searchsorted(cs.levels, ll.value(column))))
    assert crossings[:100].sum() > 5 * crossings[100:].sum()
