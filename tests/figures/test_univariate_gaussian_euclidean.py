"""What the post's fourth figure, univariate_gaussian_euclidean.png, draws."""

import numpy as np
from conftest import build_figure
from numpy.testing import assert_allclose


def test_the_posts_fourth_figure(default_config):
    """Two panels, sigma^2 = 5 and 0.1: p1 = N(-2, sigma^2), p2 = N(2, sigma^2) over [-8, 8],
    axes x and p(x), titled by the variance (the published figure); the legend p1, p2
    once, in the sigma^2 = 0.1 panel (the published figure has one in each
    panel; legible at the blog's width, the sigma^2 = 5 panel's covers a curve)."""
    params, fig, data = build_figure(default_config, "univariate_gaussian_euclidean")
    assert tuple(fig.get_size_inches() * fig.dpi) == (1400, 700)
    assert [ax.get_title() for ax in fig.axes] == ["$\\sigma^2=5$", "$\\sigma^2=0.1$"]
    for ax, var in zip(fig.axes, [5.0, 0.1], strict=True):
        p1, p2 = ax.get_lines()
        for line, mean in ((p1, -2.0), (p2, 2.0)):
            x, y = line.get_data()
            assert x[0] == -8.0 and x[-1] == 8.0
            assert_allclose(y, np.exp(-((x - mean) ** 2) / (2 * var)) / np.sqrt(2 * np.pi * var))
        assert ax.get_xlabel() == "$x$" and ax.get_ylabel() == "$p(x)$"
        assert not ax.collections  # no shading
    wide, narrow = fig.axes
    assert wide.get_legend() is None
    assert [t.get_text() for t in narrow.get_legend().get_texts()] == ["$p_1$", "$p_2$"]
    # equal distance in parameters, KL 16 / (2 sigma^2): 1.6 and 80
    assert [p["euclidean"] for p in data["panels"]] == [4.0, 4.0]
    assert_allclose([p["kl"] for p in data["panels"]], [1.6, 80.0], rtol=1e-14)
