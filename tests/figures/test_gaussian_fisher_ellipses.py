"""What gaussian_fisher_ellipses.png draws (natgrad/figures/gaussian_fisher_ellipses.py)."""

import numpy as np
from numpy.testing import assert_allclose

from natgrad import gaussian
from tests.helpers.figures import build_figure, line_xy


def test_fisher_ellipses_are_unit_balls_that_shrink(default_config):
    params, fig, data = build_figure(default_config, "gaussian_fisher_ellipses")
    (ax,) = fig.axes
    lines = ax.get_lines()
    n = len(params["centers_mu"]) * len(params["centers_logsigma"])
    assert len(lines) == n
    r = params["radius"]
    for line, e in zip(lines, data["ellipses"], strict=True):
        mu, lam = e["center"]
        F = gaussian.fisher_information(mu, np.exp(lam), "mean_logstd")
        d = line_xy(line) - e["center"]
        assert_allclose(np.einsum("ni,ij,nj->n", d, F, d), r**2, rtol=1e-10)
    widths = {e["center"][1]: e["half_widths"][0] for e in data["ellipses"]}
    lams = sorted(widths)
    # the mu half-width is r * sigma: it shrinks with sigma
    for lam in lams:
        assert_allclose(widths[lam], r * np.exp(lam), rtol=1e-3)
    assert all(widths[a] < widths[b] for a, b in zip(lams, lams[1:], strict=False))
