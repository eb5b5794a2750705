"""What natgrad/figures/reparameterization_invariance.py draws."""

import numpy as np
from numpy.testing import assert_allclose

from natgrad.objectives import (
    GaussianLogLikelihood,
    reparameterization_discrepancy,
    reparameterized_path,
)
from tests.helpers.figures import build_figure, line_xy


def test_reparameterization_paths_and_rates(default_config):
    params, fig, data = build_figure(default_config, "reparameterization_invariance")
    ll = GaussianLogLikelihood.from_sample(**default_config["gaussian_data"])
    ax, ax_disc = fig.axes
    lines = ax.get_lines()
    mu0, s0 = params["start"]
    i = 0
    for method in ("natural", "gd"):
        for p in params["parameterizations"]:
            expected = reparameterized_path(ll, mu0, s0, p, method, params["lr"], params["n_steps"])
            assert_allclose(line_xy(lines[i]), expected)
            i += 1
    nat = list(data["paths"]["natural"].values())
    gd = list(data["paths"]["gd"].values())
    spread_nat = max(np.abs(a - b).max() for a in nat for b in nat)
    spread_gd = max(np.abs(a - b).max() for a in gd for b in gd)
    assert spread_nat < 0.1 * spread_gd
    lrs = np.array(params["discrepancy_lrs"])
    slopes = {
        m: np.polyfit(np.log(lrs), np.log(reparameterization_discrepancy(ll, mu0, s0, m, lrs)), 1)[
            0
        ]
        for m in ("natural", "gd")
    }
    assert 1.8 < slopes["natural"] < 2.2  # O(lr^2) per step
    assert 0.7 < slopes["gd"] < 1.2  # O(lr)
    assert ax_disc.get_xscale() == "log"
