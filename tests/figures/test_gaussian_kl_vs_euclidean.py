"""What gaussian_kl_vs_euclidean.png draws (natgrad/figures/gaussian_kl_vs_euclidean.py)."""

import numpy as np
from numpy.testing import assert_allclose

from natgrad import gaussian
from natgrad.figures import builder
from tests.helpers.figures import build_figure


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
        assert f"$\\|\\Delta\\mu\\|={abs(m2 - m1):g}$" in title
        x, y = ax.get_lines()[0].get_data()
        assert_allclose(y, np.exp(-0.5 * ((x - m1) / s) ** 2) / (s * np.sqrt(2 * np.pi)))
        assert len(ax.collections) == (2 if params["fill"] else 0)  # shaded
        # a legend only where there are labels, in the narrowest densities' panel
        narrowest = var == min(params["variances"])
        assert (ax.get_legend() is not None) == bool(params["labels"] and narrowest)
    # equally far apart in parameters, KL in inverse proportion to the variance
    assert_allclose(np.array(kls) * params["variances"], kls[0] * params["variances"][0])
    assert [p["euclidean"] for p in data["panels"]] == [abs(m2 - m1)] * len(params["variances"])


def test_with_its_published_values_the_left_kl_is_sixteen_times_the_right():
    """Published values only: KL 32 at sigma^2 = 0.25, 2 at sigma^2 = 4."""
    from tests.helpers.published import KL_FIGURE

    m1, m2 = KL_FIGURE["means"]
    kls = [gaussian.kl(m1, np.sqrt(v), m2, np.sqrt(v)) for v in KL_FIGURE["variances"]]
    assert_allclose(kls, [32.0, 2.0], rtol=1e-14)


def test_it_shares_the_builder_of_the_posts_fourth_figure():
    assert builder("gaussian_kl_vs_euclidean") is builder("univariate_gaussian_euclidean")
