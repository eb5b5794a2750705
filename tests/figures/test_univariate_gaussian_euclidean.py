"""What the post's fourth figure, univariate_gaussian_euclidean.png, draws."""

import numpy as np
from numpy.testing import assert_allclose

from natgrad import gaussian
from tests.helpers.figures import build_figure
from tests.helpers.published import FOURTH


def test_the_posts_fourth_figure(default_config):
    """A panel per variance: p1 = N(means[0], sigma^2), p2 = N(means[1], sigma^2) over
    x_range, axes x and p(x), titled by the variance (the published figure); the legend
    p1, p2 once, in the panel of the smallest variance (the published figure has one in
    each panel; legible at the blog's width, the wide panel's covers a curve)."""
    params, fig, data = build_figure(default_config, "univariate_gaussian_euclidean")
    assert tuple(fig.get_size_inches()) == tuple(params["figsize"])
    variances, means = params["variances"], params["means"]
    assert [ax.get_title() for ax in fig.axes] == [f"$\\sigma^2={v:g}$" for v in variances]
    for ax, var in zip(fig.axes, variances, strict=True):
        p1, p2 = ax.get_lines()
        for line, mean in zip((p1, p2), means, strict=True):
            x, y = line.get_data()
            assert [x[0], x[-1]] == params["x_range"] and len(x) == params["n_points"]
            assert_allclose(y, np.exp(-((x - mean) ** 2) / (2 * var)) / np.sqrt(2 * np.pi * var))
            assert line.get_linewidth() == params["linewidth"]
        assert ax.get_xlabel() == params["xlabel"] and ax.get_ylabel() == params["ylabel"]
        assert bool(ax.collections) == params["fill"]  # no shading
        legend = ax.get_legend()
        if var == min(variances):
            assert [t.get_text() for t in legend.get_texts()] == params["labels"]
        else:
            assert legend is None
    # equal distance in parameters, KL (m2 - m1)^2 / (2 sigma^2)
    gap = abs(means[1] - means[0])
    assert [p["euclidean"] for p in data["panels"]] == [gap] * len(variances)
    assert_allclose([p["kl"] for p in data["panels"]], [gap**2 / (2 * v) for v in variances],
                    rtol=1e-14)  # fmt: skip


def test_the_posts_fourth_figure_as_published_is_kl_1_6_and_80():
    """Published values only: at sigma^2 = 5 and 0.1 the pairs are 4 apart in
    parameters and 1.6 and 80 apart in KL divergence."""
    (m1, m2), variances = FOURTH["means"], FOURTH["variances"]
    assert abs(m2 - m1) == 4.0
    kls = [gaussian.kl(m1, np.sqrt(v), m2, np.sqrt(v)) for v in variances]
    assert_allclose(kls, [1.6, 80.0], rtol=1e-14)
