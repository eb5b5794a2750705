"""What gaussian_kl_vs_euclidean.png draws (natgrad/figures/gaussian_kl_vs_euclidean.py)."""

import re

import numpy as np
from conftest import build_figure
from numpy.testing import assert_allclose

from natgrad import gaussian
from natgrad.figures import builder


def test_kl_figure_titles_state_the_computed_kl(default_config):
    params, fig, data = build_figure(default_config, "gaussian_kl_vs_euclidean")
    m1, m2 = params["means"]
    kls = []
    for ax, var in zip(fig.axes, params["variances"], strict=True):
        s = np.sqrt(var)
        kl = gaussian.kl(m1, s, m2, s)
        assert_allclose(kl, (m2 - m1) ** 2 / (2 * var), rtol=1e-15)
        kls.append(kl)
        title = ax.get_title()
        assert f"$\\mathrm{{KL}}={kl:.3g}$" in title and f"$\\sigma^2={var:g}$" in title
        assert re.search(r"\\\|\\Delta\\mu\\\|=4", title)
        x, y = ax.get_lines()[0].get_data()
        assert_allclose(y, np.exp(-0.5 * ((x - m1) / s) ** 2) / (s * np.sqrt(2 * np.pi)))
        assert ax.get_legend() is None and len(ax.collections) == 2  # shaded, no legend
    assert kls[0] > 10 * kls[1]
    assert [p["euclidean"] for p in data["panels"]] == [4.0, 4.0]


def test_it_shares_the_builder_of_the_posts_fourth_figure():
    assert builder("gaussian_kl_vs_euclidean") is builder("univariate_gaussian_euclidean")
