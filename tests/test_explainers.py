"""The new figures draw natgrad's computations, and show what the post claims."""

import re

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from natgrad import explainers, gaussian
from natgrad.experiments import (
    gaussian_mle_path,
    iterations_to_tolerance,
    mean_nll,
    quadratic_paths,
    reparameterization_discrepancy,
    reparameterized_path,
)
from natgrad.explainers import shared_likelihood
from natgrad.figures import FIGURES
from natgrad.objectives import rotated_spd


def build(config, name, *shared):
    params = dict(config[name], **{k: config[k] for k in shared})
    return params, *FIGURES[name](**params)


def line_xy(line):
    return np.column_stack(line.get_data())


def test_mle_figure_draws_the_runs(default_config):
    params, fig, data = build(default_config, "natural_gradient_gaussian_mle", "gaussian_data")
    ax, ax_gap = fig.axes
    ll = shared_likelihood(default_config["gaussian_data"])
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
    assert_allclose(data["one_step"][1][0], np.mean(gaussian.sample(2000, 0.0, 1.0, 0)))
    assert ax.get_xlabel() == "$\\mu$"
    assert ax_gap.get_yscale() == "log"
    assert any("0.5" in t.get_text() for t in ax.get_legend().get_texts())


def test_natural_gradient_converges_faster_from_both_starts(default_config):
    params = default_config["natural_gradient_gaussian_mle"]
    ll = shared_likelihood(default_config["gaussian_data"])
    best = mean_nll(ll, ll.mle())
    for start in params["starts"]:
        its = {}
        for method, lr in (("gd", params["lr_gd"]), ("natural", params["lr_natural"])):
            gaps = mean_nll(ll, gaussian_mle_path(ll, start, method, lr, params["n_steps"])) - best
            its[method] = iterations_to_tolerance(gaps, params["tolerance"])
        assert its["natural"] is not None
        assert its["gd"] is None or its["natural"] < its["gd"], (start, its)


def test_gd_overshoots_at_small_sigma_and_crawls_at_large(default_config):
    params = default_config["natural_gradient_gaussian_mle"]
    ll = shared_likelihood(default_config["gaussian_data"])
    lam_star = ll.mle()[1]
    small, large = params["starts"]
    path = gaussian_mle_path(ll, small, "gd", params["lr_gd"], 5)
    assert path[1, 1] > lam_star  # the first step jumps past the optimum in log sigma
    path = gaussian_mle_path(ll, large, "gd", params["lr_gd"], 5)
    assert np.all(np.abs(np.diff(path[:, 1])) < 0.1)  # tiny steps where sigma is large


def test_fisher_ellipses_are_unit_balls_that_shrink(default_config):
    params, fig, data = build(default_config, "gaussian_fisher_ellipses", "gaussian_data")
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


def test_adam_figure_paths_and_the_diagonal_claim(default_config):
    params, fig, data = build(default_config, "adam_diagonal_preconditioning")
    kappa = params["condition_number"]
    problems = [
        np.array(params["post_A"]),
        rotated_spd([1, kappa], 0),
        rotated_spd([1, kappa], params["rotation_deg"]),
    ]
    top = fig.axes[:3]  # row-major: the top row holds the paths
    for ax, A, drawn in zip(top, problems, data["problems"], strict=True):
        expected = quadratic_paths(A, params["x0"], params["lrs"], params["n_steps"])
        lines = ax.get_lines()
        assert len(lines) == len(expected)
        for line, (method, path) in zip(lines, expected.items(), strict=True):
            assert_allclose(line_xy(line), path)
            assert_allclose(drawn["paths"][method], path)
    aligned, rotated = data["problems"][1]["gaps"], data["problems"][2]["gaps"]
    final = {k: v[-1] for k, v in aligned.items()}
    for m in ("adagrad", "rmsprop", "adam"):
        assert final[m] < final["gd"], (m, final)  # diagonal helps when aligned
    final = {k: v[-1] for k, v in rotated.items()}
    for m in ("adagrad", "rmsprop", "adam", "gd"):
        assert final["mahalanobis"] < 1e-6 * final[m], (m, final)  # only the full metric fixes it
    for m in ("adagrad", "rmsprop", "adam"):
        assert final[m] > final["gd"]  # rotated: the diagonal metric no longer helps


def test_kl_figure_titles_state_the_computed_kl(default_config):
    params, fig, data = build(default_config, "gaussian_kl_vs_euclidean")
    m1, m2 = params["means"]
    kls = []
    for ax, s in zip(fig.axes, params["sigmas"], strict=True):
        kl = gaussian.kl(m1, s, m2, s)
        kls.append(kl)
        title = ax.get_title()
        assert f"KL$={kl:.3g}$" in title
        assert re.search(r"\\\|\\Delta\\theta\\\|=4", title)
        x, y = ax.get_lines()[0].get_data()
        assert_allclose(y, np.exp(-0.5 * ((x - m1) / s) ** 2) / (s * np.sqrt(2 * np.pi)))
    assert kls[0] > 10 * kls[1]
    assert [p["euclidean"] for p in data["panels"]] == [4.0, 4.0]


def test_reparameterization_paths_and_rates(default_config):
    params, fig, data = build(default_config, "reparameterization_invariance", "gaussian_data")
    ll = shared_likelihood(default_config["gaussian_data"])
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


def test_optimizer_names_are_checked():
    from natgrad.experiments import make_optimizer

    with pytest.raises(ValueError, match="method"):
        make_optimizer("sgd")


@pytest.mark.parametrize("n", [1, 2, 10, 13])
def test_palette_is_seaborns_colorblind_palette(n):
    # The copy in natgrad must stay the palette seaborn draws with.
    import seaborn as sns

    assert_array_equal(explainers.palette(n), sns.color_palette("colorblind", n))
