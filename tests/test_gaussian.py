import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from natgrad import gaussian as G
from tests.helpers import references as R

PARAMS = G.PARAMETERIZATIONS


def mc_with_standard_error(mu, sigma, n, rng, param):
    """Monte Carlo Fisher and the standard error of each entry, from the same draws."""
    x = rng.normal(mu, sigma, size=n)
    s = G.score(x, mu, sigma, param)
    prods = np.einsum("ni,nj->nij", s, s)
    return prods.mean(axis=0), prods.std(axis=0, ddof=1) / np.sqrt(n)


@pytest.mark.parametrize("param", PARAMS)
@pytest.mark.parametrize("mu, sigma", [(0.0, 1.0), (1.5, 0.3), (-2.0, 4.0)])
def test_closed_form_fisher_matches_monte_carlo(rng, param, mu, sigma):
    n = 400_000
    F_mc, se = mc_with_standard_error(mu, sigma, n, rng, param)
    F = G.fisher_information(mu, sigma, param)
    # Each entry is a mean of n i.i.d. products: by the CLT it lies within 5
    # standard errors of its expectation except with probability ~6e-7.
    assert np.all(np.abs(F_mc - F) <= 5 * se + 1e-12 * np.abs(F)), (F_mc, F, se)


@pytest.mark.parametrize("param", PARAMS)
def test_monte_carlo_fisher_function(rng, param):
    n = 200_000
    F_mc = G.monte_carlo_fisher(0.5, 2.0, n, rng, param)
    F = G.fisher_information(0.5, 2.0, param)
    # Per-entry standard error <= sqrt(E[s_i^2 s_j^2] / n). By Cauchy-Schwarz
    # E[s_i^2 s_j^2] <= sqrt(k_i k_j) F_ii F_jj, with k the kurtosis of each score
    # component: 3 for z, 15 for z^2 - 1 (a centred chi-square with one degree).
    bound = 5 * np.sqrt(15 * np.outer(np.diag(F), np.diag(F)) / n)
    assert np.all(np.abs(F_mc - F) <= bound)


@pytest.mark.parametrize("param", PARAMS)
@pytest.mark.parametrize("mu, sigma", [(0.0, 1.0), (1.3, 0.4), (-0.7, 3.0)])
def test_jacobian_rule(param, mu, sigma):
    """F_theta = J^T F_(mu,sigma) J with J = d(mu,sigma)/d theta by finite differences."""
    theta = G.from_mean_std(mu, sigma, param)
    h = 1e-6 * np.maximum(1.0, np.abs(theta))
    J = np.empty((2, 2))
    for k in range(2):
        e = np.zeros(2)
        e[k] = h[k]
        plus = np.array(G.to_mean_std(theta + e, param))
        minus = np.array(G.to_mean_std(theta - e, param))
        J[:, k] = (plus - minus) / (2 * h[k])
    assert_allclose(G.jacobian(mu, sigma, param), J, rtol=1e-6, atol=1e-9)
    F_base = G.fisher_information(mu, sigma, "mean_std")
    assert_allclose(G.fisher_information(mu, sigma, param), J.T @ F_base @ J, rtol=1e-6)


@pytest.mark.parametrize("param", PARAMS)
def test_round_trip(param):
    mu, sigma = np.array([0.0, -1.0, 2.5]), np.array([0.1, 1.0, 7.0])
    m2, s2 = G.to_mean_std(G.from_mean_std(mu, sigma, param), param)
    assert_allclose(m2, mu, atol=1e-12)
    assert_allclose(s2, sigma, rtol=1e-12)


def test_outside_domain():
    from natgrad.errors import DomainError

    # the subclass, not any ValueError: steepest descent reports exactly these as divergence
    for theta, param in [
        ([0.0, -1.0], "mean_std"),
        ([0.0, 0.0], "mean_std"),
        ([0.0, 1.0], "natural"),
        ([0.0, 0.0], "natural"),
        ([0.0, 0.0], "mean_var"),
        ([0.0, -1e-300], "mean_var"),
    ]:
        with pytest.raises(DomainError, match="domain"):
            G.to_mean_std(theta, param)
    # the edges of the domains are inside: tiny positive sigma / variance, tiny negative eta2
    assert G.to_mean_std([0.0, 1e-300], "mean_std")[1] == 1e-300
    assert G.to_mean_std([0.0, 1e-300], "mean_var")[1] == 1e-150
    assert G.to_mean_std([0.0, -0.5], "natural")[1] == 1.0
    # outside without a numpy warning: the domain is checked before any square root
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for theta, param in [
            ([0.0, 0.5], "natural"),
            ([0.0, 0.0], "natural"),
            ([0.0, -0.5], "mean_var"),
            ([0.0, 1e3], "mean_logstd"),  # sigma = e^1000 overflows
        ]:
            with pytest.raises(DomainError, match="domain"):
                G.to_mean_std(theta, param)


@pytest.mark.parametrize("param", PARAMS)
def test_score_matches_finite_differences_of_log_density(rng, param):
    mu, sigma = 0.4, 1.7
    x = rng.normal(mu, sigma, size=5)
    theta = G.from_mean_std(mu, sigma, param)

    def logpdf(t):
        m, s = G.to_mean_std(t, param)
        return -0.5 * np.log(2 * np.pi) - np.log(s) - 0.5 * ((x - m) / s) ** 2

    h = 1e-6
    fd = np.stack(
        [(logpdf(theta + h * e) - logpdf(theta - h * e)) / (2 * h) for e in np.eye(2)], axis=-1
    )
    # central differences: truncation O(h^2), rounding O(eps / h) ~ 1e-10
    assert_allclose(G.score(x, mu, sigma, param), fd, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("param", PARAMS)
def test_expected_score_is_zero(rng, param):
    n = 400_000
    s = G.score(rng.normal(1.0, 2.0, size=n), 1.0, 2.0, param)
    se = s.std(axis=0, ddof=1) / np.sqrt(n)
    assert np.all(np.abs(s.mean(axis=0)) <= 5 * se)


def test_fourth_central_moment_is_three_sigma_to_the_fourth(rng):
    sigma = 1.7
    assert G.central_moment(4, sigma) == pytest.approx(3 * sigma**4)
    assert G.central_moment(3, sigma) == 0.0
    assert G.central_moment(2, sigma) == pytest.approx(sigma**2)
    n = 1_000_000
    z = rng.normal(0.0, sigma, size=n)
    for k in (3, 4):
        samples = z**k
        se = samples.std(ddof=1) / np.sqrt(n)
        assert abs(samples.mean() - G.central_moment(k, sigma)) <= 5 * se
    # the draft's "E[(x - mu)^3] = 3 sigma^4" is false: the third moment is zero
    samples = z**3
    assert abs(samples.mean() - 3 * sigma**4) > 5 * samples.std(ddof=1) / np.sqrt(n)


def test_kl_closed_form_against_monte_carlo(rng):
    mu1, s1, mu2, s2 = 0.3, 0.8, -0.5, 1.6
    n = 400_000
    x = rng.normal(mu1, s1, size=n)

    def logpdf(x, m, s):
        return -0.5 * np.log(2 * np.pi) - np.log(s) - 0.5 * ((x - m) / s) ** 2

    ratio = logpdf(x, mu1, s1) - logpdf(x, mu2, s2)
    se = ratio.std(ddof=1) / np.sqrt(n)
    assert abs(ratio.mean() - G.kl(mu1, s1, mu2, s2)) <= 5 * se


def test_kl_properties():
    assert G.kl(1.0, 2.0, 1.0, 2.0) == 0.0
    assert G.kl(0.0, 1.0, 1.0, 2.0) > 0
    assert G.kl(0.0, 1.0, 1.0, 2.0) != G.kl(1.0, 2.0, 0.0, 1.0)  # not symmetric
    # equal means, equal sigma ratio: scale invariant
    assert G.kl(0, 1e-6, 0, 2e-6) == pytest.approx(G.kl(0, 1e6, 0, 2e6))


@pytest.mark.parametrize("param", PARAMS)
def test_kl_is_half_the_fisher_quadratic_form(param):
    mu, sigma = 0.3, 1.4
    theta = G.from_mean_std(mu, sigma, param)
    F = G.fisher_information(mu, sigma, param)
    u = np.array([0.6, -0.8])
    u = u / np.sqrt(u @ F @ u)  # unit length in the Fisher metric
    eps = np.array([1e-1, 3e-2, 1e-2, 3e-3, 1e-3])
    errs = []
    for e in eps:
        m2, s2 = G.to_mean_std(theta + e * u, param)
        quad = 0.5 * (e * u) @ F @ (e * u)
        errs.append(abs(G.kl(mu, sigma, m2, s2) / quad - 1))
    errs = np.array(errs)
    assert errs[-1] < 1e-2
    # KL - quad = O(|delta|^3), so the relative error falls like |delta|: slope ~ 1.
    slope = np.polyfit(np.log(eps), np.log(errs), 1)[0]
    assert 0.9 < slope < 1.1, slope
    # the draft's "KL ~ delta^T F delta" (no 1/2) is off by a factor two
    assert abs(G.kl(mu, sigma, m2, s2) / (2 * quad) - 1) > 0.4


def test_empirical_fisher_equals_true_at_gaussian_mle(rng):
    n = 200_000
    x = rng.normal(0.7, 1.3, size=n)
    mu_hat, s_hat = x.mean(), x.std()
    Fe = G.empirical_fisher(x, mu_hat, s_hat, "mean_logstd")
    F = G.fisher_information(mu_hat, s_hat, "mean_logstd")
    # at the MLE the mu-mu entry is exact: mean(z^2) = 1
    assert_allclose(Fe[0, 0], F[0, 0], rtol=1e-10)
    # the other entries agree within sampling error: Var((z^2-1)^2) = 60,
    # Var(z (z^2 - 1)) = 10 for standard normal z
    assert abs(Fe[1, 1] - F[1, 1]) <= 5 * np.sqrt(60 / n)
    assert abs(Fe[0, 1] * s_hat) <= 5 * np.sqrt(10 / n)


@pytest.mark.parametrize("param", PARAMS)
def test_empirical_fisher_is_the_mean_outer_product_of_the_scores(param):
    x = np.array([0.3, -1.2, 2.0])
    s = np.array([G.score(xi, 0.4, 1.5, param) for xi in x])
    assert_allclose(G.empirical_fisher(x, 0.4, 1.5, param), s.T @ s / 3, rtol=1e-14)
    with pytest.raises(ValueError) as err:
        G.empirical_fisher([], 0.4, 1.5, param)
    assert str(err.value) == "data must contain at least one observation"


def test_empirical_fisher_differs_away_from_the_optimum(rng):
    n = 200_000
    x = rng.normal(0.0, 1.0, size=n)
    Fe = G.empirical_fisher(x, 1.0, 1.0, "mean_logstd")  # mu off by one sigma
    F = G.fisher_information(1.0, 1.0, "mean_logstd")
    # E[(x - mu)^2] = 1 + 1 = 2 for mu one sigma away: twice the true entry
    assert abs(Fe[0, 0] - 2 * F[0, 0]) <= 5 * np.sqrt(8 / n)


def test_empirical_fisher_on_laplace_data_tends_to_kurtosis_minus_one(rng):
    n = 1_000_000
    x = rng.laplace(0.0, 1.0, size=n)
    mu_hat, s_hat = x.mean(), x.std()
    Fe = G.empirical_fisher(x, mu_hat, s_hat, "mean_logstd")
    z = (x - mu_hat) / s_hat
    # exact identity at the MLE: mean((z^2 - 1)^2) = m4 / m2^2 - 1
    assert_allclose(Fe[1, 1], np.mean(z**4) - 1, rtol=1e-10)
    # Laplace kurtosis is 6, so the entry tends to 5 (the true Fisher says 2).
    # sd of the sample kurtosis ~ sqrt(Var(x^4)) / m2^2 / sqrt(n) = 50 / sqrt(n)
    assert abs(Fe[1, 1] - 5.0) <= 6 * 50 / np.sqrt(n)
    assert abs(Fe[1, 1] - 2.0) > 2.0


@pytest.mark.parametrize("sigma", [1e-6, 1e-3, 1.0, 1e3, 1e6])
@pytest.mark.parametrize("param", PARAMS)
def test_finite_over_the_sigma_range(sigma, param):
    F = G.fisher_information(0.5, sigma, param)
    assert np.all(np.isfinite(F))
    assert np.all(np.linalg.eigvalsh(F) > 0)
    s = G.score(0.5 + sigma, 0.5, sigma, param)
    assert np.all(np.isfinite(s))
    assert np.isfinite(G.kl(0.0, sigma, 1.0, 2 * sigma))
    assert np.all(np.isfinite(G.from_mean_std(0.5, sigma, param)))


def test_vectorised_fisher():
    mu = np.array([0.0, 1.0, 2.0])
    sigma = np.array([1.0, 2.0, 0.5])
    F = G.fisher_information(mu, sigma, "natural")
    assert F.shape == (3, 2, 2)
    for i in range(3):
        assert_allclose(F[i], G.fisher_information(mu[i], sigma[i], "natural"))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: G.fisher_information(0.0, 1.0, "polar"), "parameterization"),
        (lambda: G.fisher_information(0.0, -1.0), "sigma"),
        (lambda: G.fisher_information(0.0, np.nan), "sigma"),
        (lambda: G.kl(0.0, 0.0, 0.0, 1.0), "sigma"),
        (lambda: G.monte_carlo_fisher(0.0, 1.0, 0, np.random.default_rng(0)), "n_samples"),
        (lambda: G.empirical_fisher([], 0.0, 1.0), "at least one"),
        (lambda: G.central_moment(-1, 1.0), "non-negative"),
        (lambda: G.sample(0, 0.0, 1.0, 0), "positive integer"),
    ],
)
def test_invalid_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_sample_is_seeded():
    assert_allclose(G.sample(5, 0.0, 1.0, 3), G.sample(5, 0.0, 1.0, 3))
    assert not np.allclose(G.sample(5, 0.0, 1.0, 3), G.sample(5, 0.0, 1.0, 4))


def test_sample_draws_mu_plus_sigma_times_the_seeded_standard_normals():
    """Generator.normal(loc, scale) is loc + scale * standard_normal, draw for draw."""
    z = np.random.default_rng(7).standard_normal(4)
    assert_allclose(G.sample(4, 2.0, 3.0, 7), 2.0 + 3.0 * z, rtol=1e-15)
    assert G.sample(1, 0.0, 1.0, 0).shape == (1,)  # one draw is a sample


def test_central_moments_of_low_order_and_their_types():
    assert G.central_moment(0, 2.0) == 1.0  # E[1]
    assert G.central_moment(1, 2.0) == 0.0
    assert G.central_moment(2, 2.0) == 4.0
    assert G.central_moment(6, 2.0) == 15 * 2.0**6  # 5!! = 15
    for k in (0, 1, 2):
        assert type(G.central_moment(k, 2.0)) is float
        got = G.central_moment(k, np.array([1.0, 2.0]))
        assert isinstance(got, np.ndarray) and got.shape == (2,), k
        assert_allclose(got, [G.central_moment(k, 1.0), G.central_moment(k, 2.0)])


def test_kl_of_scalars_is_a_python_float():
    assert type(G.kl(0.0, 1.0, 0.5, 2.0)) is float


@pytest.mark.parametrize("sigma", [0.3, 1.0, 5.0])
def test_inverse_fisher_is_diag_sigma_squared_and_half(sigma):
    F = G.fisher_information(0.0, sigma, "mean_logstd")
    assert_allclose(F, np.diag([1 / sigma**2, 2.0]))
    assert_allclose(np.linalg.inv(F), np.diag([sigma**2, 0.5]))
    # the draft labels this inverse "F": it is not the Fisher unless sigma^2 = 1/sigma^2 and 2 = 1/2
    assert not np.allclose(np.linalg.inv(F), F)


@pytest.mark.parametrize("param", PARAMS)
def test_kl_gradient_vanishes_at_equal_parameters(param):
    """The appendix's first-order term: d/dtheta KL(p_theta || p_theta_t) at theta_t is 0."""
    mu, sigma = -0.4, 0.9
    theta_t = G.from_mean_std(mu, sigma, param)
    h = 1e-5

    def kl_from(theta):
        m, s = G.to_mean_std(theta, param)
        return G.kl(m, s, mu, sigma)

    grad = [(kl_from(theta_t + h * e) - kl_from(theta_t - h * e)) / (2 * h) for e in np.eye(2)]
    # central differences of a function with zero gradient: O(h^2) truncation
    scale = np.abs(np.diag(G.fisher_information(mu, sigma, param))).max()
    assert_allclose(grad, 0.0, atol=1e-8 * max(1.0, scale))


def kl_reference(mu1, s1, mu2, s2):
    """KL(N(mu1, s1^2) || N(mu2, s2^2)) in 50-digit arithmetic from the same doubles."""
    import mpmath as mp

    with mp.workdps(50):
        m1, a, m2, b = (mp.mpf(float(v)) for v in (mu1, s1, mu2, s2))
        return mp.log(b / a) + (a**2 + (m1 - m2) ** 2) / (2 * b**2) - mp.mpf(1) / 2


@pytest.mark.parametrize("sigma", [1e-6, 1e-3, 1.0, 7.3, 1e6])
@pytest.mark.parametrize(
    "rel", [1e-15, 1e-12, 1e-8, 1e-6, 1e-4, 1e-2, 0.0999, 0.1001, 0.5, 3.0, -1e-8, -0.3]
)
@pytest.mark.parametrize("dmu", [0.0, 1e-9, 0.7])
def test_kl_is_accurate_for_nearly_equal_and_distant_gaussians(sigma, rel, dmu):
    """Relative error <= 1e-13 against 50 digits, also where r^2/2 - log r - 1/2 cancels
    (the regime of KL ~ delta^T F delta / 2): the draft's formula loses all digits there."""
    s2 = sigma * (1.0 + rel)
    mu2 = dmu * sigma
    got = G.kl(0.0, sigma, mu2, s2)
    ref = kl_reference(0.0, sigma, mu2, s2)
    assert ref > 0
    assert abs(got - float(ref)) <= 1e-13 * float(ref), (got, float(ref))


def test_kl_series_and_direct_branches_agree_at_the_switch():
    """The Taylor branch (|log r| < 0.1) and expm1 branch meet without a jump."""
    import math

    below = math.exp(0.1) * (1 - 1e-15)
    above = math.exp(0.1) * (1 + 1e-15)
    k_below, k_above = G.kl(0.0, below, 0.0, 1.0), G.kl(0.0, above, 0.0, 1.0)
    # d KL / d s1 at s1 = e^0.1 is (s1^2 - 1) / s1 ~ 0.21: the step of 2e-15 in s1
    # moves KL by ~4e-16 on a value of ~1.07e-2
    assert abs(k_above - k_below) / k_below < 1e-13


def test_kl_broadcasts_and_is_exactly_zero_at_equal_arguments():
    sig = np.array([1e-6, 1.0, 1e6])
    assert_allclose(G.kl(0.0, sig, 0.0, sig), 0.0, atol=0)
    assert G.kl(np.zeros(3), sig, 1.0, 2 * sig).shape == (3,)


@pytest.mark.parametrize(
    "x, mu, sigma", [(40.0 + 3e-7, 40.0, 1e-6), (-1e3, -1e3 + 1e-4, 1e-5), (0.3, 0.1, 1e6)]
)
def test_natural_score_keeps_its_digits_far_from_zero(x, mu, sigma):
    """The second coordinate, x^2 - (mu^2 + sigma^2), against 50 digits: <= 1e-12 relative."""
    import mpmath as mp

    with mp.workdps(50):
        X, M, S = (mp.mpf(float(v)) for v in (x, mu, sigma))
        ref = float(X**2 - (M**2 + S**2))
    got = G.score(x, mu, sigma, "natural")[1]
    assert abs(got - ref) <= 1e-12 * abs(ref), (got, ref)


def test_kl_is_a_divergence_not_a_metric():
    """ERRATA E18: the KL divergence is not a metric: it is not symmetric and breaks the
    triangle inequality; only its second-order term, 1/2 delta^T F delta, is a (squared)
    Riemannian length. Reference values in 50 digits."""
    p, q, r = (0.0, 1.0), (1.0, 1.0), (2.0, 1.0)
    # equal sigmas: KL = (mu1 - mu2)^2 / (2 sigma^2), a squared distance again
    assert G.kl(*p, *r) == pytest.approx(2.0, rel=1e-15)
    assert G.kl(*p, *q) + G.kl(*q, *r) == pytest.approx(1.0, rel=1e-15)
    a, b = (0.0, 1.0), (0.0, 3.0)
    ab, ba = G.kl(*a, *b), G.kl(*b, *a)
    assert_allclose(
        [ab, ba], [float(kl_reference(*a, *b)), float(kl_reference(*b, *a))], rtol=1e-14
    )
    assert ba > 2 * ab  # log 3 - 4/9 = 0.654 against 4 - log 3 = 2.901


@pytest.mark.parametrize("param", PARAMS)
@pytest.mark.parametrize("mu, sigma", [(0.3, 1.4), (-2.0, 0.05), (40.0, 7.0)])
def test_kl_hessian_is_the_fisher_information(param, mu, sigma):
    """ERRATA E21: the appendix promises that the Hessian of theta -> KL(p_theta || p_t) at
    theta_t is F but stops after the first-order term. Second central differences of the
    accurate KL in Fisher-whitened coordinates (where F is I), Richardson-extrapolated from
    h and h/2: truncation O(h^4) ~ 1e-12 with h = 1e-3; rounding ~ 1e-13 relative to
    KL / h^2 ~ 1, as the KL of nearly equal Gaussians keeps its digits."""
    theta_t = G.from_mean_std(mu, sigma, param)
    F = G.fisher_information(mu, sigma, param)
    L = np.linalg.cholesky(np.linalg.inv(F))  # columns: unit steps in the Fisher metric

    def kl_at(t):
        m, s = G.to_mean_std(t, param)
        return G.kl(m, s, mu, sigma)

    def hessian(h):
        H = np.empty((2, 2))
        for i in range(2):
            for j in range(2):
                u, v = h * L[:, i], h * L[:, j]
                H[i, j] = (
                    kl_at(theta_t + u + v)
                    - kl_at(theta_t + u - v)
                    - kl_at(theta_t - u + v)
                    + kl_at(theta_t - u - v)
                ) / (4 * h * h)
        return H

    h = 1e-3
    assert_allclose((4 * hessian(h / 2) - hessian(h)) / 3, np.eye(2), atol=1e-9)


def test_fisher_is_over_the_conditional_not_the_joint(rng):
    """ERRATA E7: F is E[score score^T] under p(x | theta). Over a joint p(x, theta) =
    p(x | theta) p(theta) the gradient gains grad log p(theta) = g and the expected
    outer product becomes F + g g^T (the cross term vanishes as E[score] = 0): another
    matrix wherever the prior is not flat. Monte Carlo within 5 standard errors."""
    mu, logsd = 0.4, np.log(1.3)
    sigma = np.exp(logsd)
    prior_mean, prior_sd = np.array([0.0, 0.0]), np.array([0.5, 0.5])  # N(0, 0.25 I) prior
    g = -(np.array([mu, logsd]) - prior_mean) / prior_sd**2
    n = 400_000
    x = rng.normal(mu, sigma, size=n)
    joint = G.score(x, mu, sigma, "mean_logstd") + g
    prods = np.einsum("ni,nj->nij", joint, joint)
    mean, se = prods.mean(axis=0), prods.std(axis=0, ddof=1) / np.sqrt(n)
    F = G.fisher_information(mu, sigma, "mean_logstd")
    assert np.all(np.abs(mean - (F + np.outer(g, g))) <= 5 * se)
    assert np.any(np.abs(mean - F) > 5 * se)
    # the conditional's own expected outer product is F
    cond = G.score(x, mu, sigma, "mean_logstd")
    prods = np.einsum("ni,nj->nij", cond, cond)
    se = prods.std(axis=0, ddof=1) / np.sqrt(n)
    assert np.all(np.abs(prods.mean(axis=0) - F) <= 5 * se)


# --- accuracy over the whole range, against 50-digit references (tests/helpers/references.py) ---
# sigma in [1e-6, 1e6], |mu| <= 1e3, residuals z = (x - mu) / sigma in [-8, 8] and within
# 1e-15 of +-1 (where z^2 - 1 cancels), KL arguments from equal to far apart.

MUS = st.one_of(st.floats(-1e3, 1e3), st.sampled_from([0.0, 1e3, -1e3, 1e-300]))
SIGMAS = st.floats(-6, 6).map(lambda u: 10.0**u)
NEAR_ONE = st.tuples(st.sampled_from([-1.0, 1.0]), st.floats(-15, -1), st.sampled_from([-1, 1]))
ZS = st.one_of(st.floats(-8, 8), NEAR_ONE.map(lambda t: t[0] * (1 + t[2] * 10.0 ** t[1])))
ACCURACY = settings(max_examples=R.examples(300), deadline=None, derandomize=True)


@ACCURACY
@given(mu=MUS, sigma=SIGMAS, z=ZS, param=st.sampled_from(PARAMS))
def test_score_is_accurate(mu, sigma, z, param):
    x = mu + sigma * z
    got = G.score(x, mu, sigma, param)
    for k, (ref, scale) in enumerate(R.score(x, mu, sigma, param)):
        assert R.close(got[k], ref, scale), (k, float(got[k]), ref, scale)


@ACCURACY
@given(mu=MUS, sigma=SIGMAS, param=st.sampled_from(PARAMS))
def test_coordinates_fisher_and_jacobian_are_accurate(mu, sigma, param):
    theta = G.from_mean_std(mu, sigma, param)
    assert_allclose(theta, R.from_mean_std(mu, sigma, param), rtol=1e-12, atol=0)
    assert_allclose(G.to_mean_std(theta, param), R.to_mean_std(theta, param), rtol=1e-12, atol=0)
    assert_allclose(
        G.fisher_information(mu, sigma, param), R.fisher(mu, sigma, param), rtol=1e-12, atol=0
    )
    # the Jacobian carries the Fisher of (mu, sigma) to theta: J^T F J, all in 50 digits
    J = G.jacobian(mu, sigma, param)
    with R.mp.workdps(R.DIGITS):
        Jm, Fm = R.mp.matrix(J.tolist()), R.mp.matrix(R.fisher(mu, sigma, "mean_std").tolist())
        ref = np.array((Jm.T * Fm * Jm).tolist(), dtype=float)
    assert_allclose(ref, R.fisher(mu, sigma, param), rtol=1e-12, atol=0)
    assert_allclose(G.central_moment(4, sigma), 3 * float(R.mpf(sigma) ** 4), rtol=1e-15)


DISTANCES = st.one_of(st.just(0.0), st.floats(-12, 1).map(lambda u: 10.0**u))
RATIOS = st.one_of(
    st.floats(-15, 0).map(lambda u: 10.0**u),
    st.floats(-15, -0.5).map(lambda u: -(10.0**u)),
    st.floats(-0.9, 5.0),
)


@ACCURACY
@given(mu=MUS, sigma=SIGMAS, r=RATIOS, d=DISTANCES, swap=st.booleans())
def test_kl_is_accurate(mu, sigma, r, d, swap):
    args = (mu, sigma, mu + d * sigma, sigma * (1 + r))
    if swap:
        args = args[2:] + args[:2]
    ref = R.kl(*args)
    got = G.kl(*args)
    if ref == 0:
        assert got == 0
    else:
        assert abs(got - ref) <= 1e-12 * ref, (got, ref)


@pytest.mark.parametrize("param", G.PARAMETERIZATIONS)
def test_float32_inputs_give_float64_results(param):
    x, mu, s = np.float32([0.3, -1.7]), np.float32(0.1), np.float32(1.3)
    x64, mu64, s64 = x.astype(float), float(mu), float(s)
    R.float64_like(G.score(x, mu, s, param), G.score(x64, mu64, s64, param))
    R.float64_like(G.from_mean_std(mu, s, param), G.from_mean_std(mu64, s64, param))
    theta = G.from_mean_std(mu64, s64, param).astype(np.float32)
    R.float64_like(G.to_mean_std(theta, param), G.to_mean_std(theta.astype(float), param))
    R.float64_like(G.fisher_information(mu, s, param), G.fisher_information(mu64, s64, param))
    R.float64_like(
        G.kl(mu, s, np.float32(0.2), np.float32(1.1)),
        G.kl(mu64, s64, float(np.float32(0.2)), float(np.float32(1.1))),
    )
    R.float64_like(G.central_moment(4, s), G.central_moment(4, s64))
    R.float64_like(
        G.empirical_fisher(x, mu64, s64, param), G.empirical_fisher(x64, mu64, s64, param)
    )


def test_mean_logstd_is_the_default_parameterisation(rng):
    x = rng.normal(size=5)
    theta = G.from_mean_std(0.3, 1.7, "mean_logstd")
    assert_allclose(G.score(x, 0.3, 1.7), G.score(x, 0.3, 1.7, "mean_logstd"), rtol=0)
    assert_allclose(G.from_mean_std(0.3, 1.7), theta, rtol=0)
    assert_allclose(G.to_mean_std(theta), (0.3, 1.7), rtol=1e-15)
    assert_allclose(G.fisher_information(0.3, 1.7), G.fisher_information(0.3, 1.7, "mean_logstd"))
    assert_allclose(G.empirical_fisher(x, 0.3, 1.7), G.empirical_fisher(x, 0.3, 1.7, "mean_logstd"))
    a = G.monte_carlo_fisher(0.3, 1.7, 10, np.random.default_rng(1))
    b = G.monte_carlo_fisher(0.3, 1.7, 10, np.random.default_rng(1), "mean_logstd")
    assert_allclose(a, b, rtol=0)
    # one sample is enough to define the estimate
    assert G.monte_carlo_fisher(0.3, 1.7, 1, np.random.default_rng(1)).shape == (2, 2)


def test_kl_raises_no_numpy_warnings_at_extreme_arguments():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for args in [
            (0.0, 1e-6, 1e3, 1e6),
            (1e3, 1e6, -1e3, 1e-6),
            (0.0, 1.0, 0.0, 1.0),
            (0.0, 1e-300, 0.0, 1e300),
            (0.0, 1.0, 0.0, 1.0 + 1e-15),
        ]:
            assert np.isfinite(G.kl(*args)) and G.kl(*args) >= 0
        # (1e600^2 - 1)/2 and (1e160 / 1e-160)^2 / 2 exceed the double range: an error, no inf
        for args in [(0.0, 1e300, 0.0, 1e-300), (1e160, 1.0, -1e160, 1e-160)]:
            with pytest.raises(OverflowError) as info:
                G.kl(*args)
            assert str(info.value) == (
                "the KL divergence exceeds the double range (about 1.8e308) at these arguments"
            )
        with pytest.raises(OverflowError):
            G.kl(0.0, np.array([1.0, 1e300]), 0.0, 1e-300)  # one overflowing entry suffices
    # beyond the double range of the sigmas' ratio: log(1e600) - 1/2 to the last few ulps
    assert G.kl(0.0, 1e-300, 0.0, 1e300) == pytest.approx(600 * np.log(10) - 0.5, rel=1e-14)


# --- the inputs at which the review of issue 24 found the last digits missing ---------
# Each against 50 digits on the same doubles. A result is good to k ulps when it is the
# exact function of its (exact) inputs rounded, with k set by the condition number of the
# formula: where an input is exact and the value well conditioned, a few ulps.


def ulps(got, ref) -> float:
    return abs(float(got) - float(ref)) / (np.spacing(abs(float(ref))))


@pytest.mark.parametrize("param", PARAMS)
@pytest.mark.parametrize("dz", [5.8e-11, -5.8e-11, 1e-15, 3e-8, 0.5])
def test_the_score_near_z_equal_one_keeps_its_digits(param, dz):
    """z = 1 + 5.8e-11 at mu = 0: x - mu = x is exact, so z^2 - 1 = (x - s)(x + s)/s^2 is a
    well-conditioned function of its inputs (relative condition 2 z^2 / |z^2 - 1| for x,
    and as much for sigma, but both are exact doubles); the library's three roundings of
    (r - s)/s, (r + s)/s and their product, plus one or two for the coordinates' scaling,
    give at most 6 ulps. z^2 - 1 taken by cancellation lost 6.8e-7 relative (3e9 ulps)."""
    for sigma in (1.0, 1.7, 1e-6, 1e6):
        x = sigma * (1 + dz)
        b = G.score(x, 0.0, sigma, param)[1]
        with R.mp.workdps(R.DIGITS):
            xm, s = R.mpf(x), R.mpf(sigma)
            w = (xm - s) * (xm + s) / s**2
            ref = {"mean_std": w / s, "mean_logstd": w, "mean_var": w / (2 * s**2)}.get(
                param, s**2 * w
            )
        assert ulps(b, ref) <= 6, (sigma, float(b), float(ref))


@pytest.mark.parametrize(
    "ratio", [1e100, 1e-100, 3e120, 1e150, 2.0, 0.4, 1.5, 2.72, 0.37, 1.106, 0.904, 1.2, 0.8]
)
@pytest.mark.parametrize("sigma2", [1.0, 1e-100, 7.3e50])
def test_kl_at_far_apart_sigmas_keeps_its_digits(ratio, sigma2):
    """KL(N(0, s1^2) || N(0, s2^2)) = (r^2 - 1)/2 - log r, r = s1/s2. Its relative condition
    in s1 (and s2) is |r^2 - 1| / KL: at most 2 for r >= 2.72, 3.5 at r = 0.37 and 20 at
    |log r| = 0.1, but s1 and s2 are exact doubles and rounding r costs only where the
    ratio is formed: 6 ulps covers every branch's own roundings. r^2 as exp(2 log r) had
    carried log r's absolute error (eps |log r|) into a relative 2 eps |log r|: 250 ulps
    at 1e100; (r^2 - 1)/2 - log r near |log r| = 0.1 cancels r^2's rounding: 17 ulps."""
    sigma1 = ratio * sigma2
    got = G.kl(0.0, sigma1, 0.0, sigma2)
    ref = R.kl(0.0, sigma1, 0.0, sigma2)
    assert ulps(got, ref) <= 6, (got, ref, ulps(got, ref))


@pytest.mark.parametrize(
    "param, sigma",
    [("natural", s) for s in (1e-160, 1e-155, 1e155, 1e200, 1e300)]
    + [("mean_var", s) for s in (1e-170, 1e-300, 1e155, 1e300)],
)
def test_coordinates_beyond_the_double_range_are_an_error_not_an_inf(param, sigma):
    """sigma^2 overflows above ~1.3e154 and underflows to 0 below ~1e-162, 1/sigma^2
    overflows below ~7e-155: no variance or eta2 exists in double precision there. One
    clear error, no numpy warning, no -inf, inf or 0."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=f"has no {param} coordinates in double precision"):
            G.from_mean_std(0.0, sigma, param)
        with pytest.raises(ValueError, match="sigma=1e-160"):
            G.from_mean_std([0.0, 1.0], [1.0, 1e-160], "natural")
    # the representable ends stay, and are exact to the last few ulps (mpmath reference)
    for s in (1e-150, 1e150):
        theta = G.from_mean_std(0.5, s, param)
        assert np.all(np.isfinite(theta))
        assert_allclose(theta, R.from_mean_std(0.5, s, param), rtol=4 * R.EPS, atol=0)
    # mean_std and mean_logstd are finite over the whole range
    for p in ("mean_std", "mean_logstd"):
        assert np.all(np.isfinite(G.from_mean_std(0.0, sigma, p)))
    # mu / sigma^2 may overflow alone
    with pytest.raises(ValueError, match="overflow"):
        G.from_mean_std(1e300, 1e-10, "natural")


def test_unknown_parameterisation_message_in_full():
    with pytest.raises(ValueError) as info:
        G.fisher_information(0.0, 1.0, "polar")
    assert str(info.value).startswith(
        "parameterization must be one of mean_std, mean_logstd, mean_var, natural; "
    )


@pytest.mark.parametrize(
    "call, what",
    [
        (lambda: G.fisher_information(0.0, 1e-160), "the Fisher information"),
        (lambda: G.fisher_information(0.0, 1e-80, "mean_var"), "the Fisher information"),
        (lambda: G.fisher_information(1.0, 1e80, "natural"), "the Fisher information"),
        (lambda: G.score(1.0, 0.0, 1e-160), "the score"),
        # 2 mu z + sigma w = -inf + inf is invalid on the way: still the one error
        (lambda: G.score(0.0, -1e300, 1e-160, "natural"), "the score"),
        (lambda: G.score([0.0, 1e300], 0.0, 1e-10, "mean_var"), "the score"),
        (lambda: G.central_moment(4, 1e100), "the central moment of order 4"),
        (lambda: G.empirical_fisher([1e200, 0.0], 0.0, 1e-100), "the score"),
        (lambda: G.empirical_fisher([1e100, 0.0], 0.0, 1.0), "the mean outer product"),
        (lambda: G.kl(0.0, 1e300, 0.0, 1e-300), "the KL divergence"),
    ],
)
def test_no_inf_without_an_error(call, what):
    """Beyond the double range every function says so, once, with no numpy warning on
    the way: never an inf or a nan handed on."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(OverflowError) as info:
            call()
    assert str(info.value).startswith(what)
    assert str(info.value).endswith(" exceeds the double range (about 1.8e308) at these arguments")
