"""What natgrad/figures/natural_gradient_gaussian_mle.py draws."""

import numpy as np
from numpy.testing import assert_allclose

from natgrad import gaussian
from natgrad.descent import iterations_to_tolerance
from natgrad.objectives import GaussianLogLikelihood, gaussian_mle_path
from tests.helpers.figures import build_figure, line_xy


def test_mle_figure_draws_the_runs(default_config):
    params, fig, data = build_figure(default_config, "natural_gradient_gaussian_mle")
    ax, ax_gap = fig.axes
    ll = GaussianLogLikelihood.from_sample(**params["gaussian_data"])
    lines = [ln for ln in ax.get_lines() if len(ln.get_xdata()) > 2]
    expected = [
        gaussian_mle_path(ll, start, method, lr, params["n_steps"])
        for start in params["starts"]
        for method, lr in (("gd", params["lr_gd"]), ("natural", params["lr_natural"]))
    ]
    assert len(lines) == len(expected)
    for line, path in zip(lines, expected, strict=True):
        assert_allclose(line_xy(line), path)
    # the star: one natural step with lr = 1 lands on the sample mean, drawn at it
    star = next(ln for ln in ax.get_lines() if ln.get_marker() == "*")
    assert_allclose(star.get_xdata()[0], ll.mean, rtol=1e-12)
    assert_allclose(data["one_step"][1][0], np.mean(gaussian.sample(**params["gaussian_data"])))
    assert_allclose(data["one_step"][0], params["starts"][params["one_step_start"]])
    assert ax.get_xlabel() == params["xlabel"] and ax.get_ylabel() == params["ylabel"]
    assert ax_gap.get_yscale() == "log"
    # one legend, below the panels, naming the starts as a reader does
    (legend,) = fig.legends
    labels = [t.get_text() for t in legend.get_texts()]
    assert f"natural gradient, $\\gamma={params['lr_natural']:g}$" in labels
    # a start below the fitted sigma is "small", one above it "large"
    sizes = ["small" if s[1] < ll.mle()[1] else "large" for s in params["starts"]]
    assert labels[2 : 2 + len(sizes)] == [f"from {s} $\\sigma$" for s in sizes]
    assert ax.get_legend() is None and ax_gap.get_legend() is None


def test_natural_gradient_converges_faster_from_both_starts(default_config):
    params = default_config["natural_gradient_gaussian_mle"]
    ll = GaussianLogLikelihood.from_sample(**default_config["gaussian_data"])
    for start in params["starts"]:
        its = {}
        for method, lr in (("gd", params["lr_gd"]), ("natural", params["lr_natural"])):
            gaps = ll.excess_mean_nll(gaussian_mle_path(ll, start, method, lr, params["n_steps"]))
            its[method] = iterations_to_tolerance(gaps, params["tolerance"])
        assert its["natural"] is not None
        assert its["gd"] is None or its["natural"] < its["gd"], (start, its)


def test_gd_overshoots_at_small_sigma_and_crawls_at_large(default_config):
    params = default_config["natural_gradient_gaussian_mle"]
    ll = GaussianLogLikelihood.from_sample(**default_config["gaussian_data"])
    lam_star = ll.mle()[1]
    small, large = params["starts"]
    path = gaussian_mle_path(ll, small, "gd", params["lr_gd"], 5)
    assert path[1, 1] > lam_star  # the first step jumps past the optimum in log sigma
    path = gaussian_mle_path(ll, large, "gd", params["lr_gd"], 5)
    assert np.all(np.abs(np.diff(path[:, 1])) < 0.1)  # tiny steps where sigma is large
