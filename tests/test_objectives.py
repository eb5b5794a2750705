import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from natgrad import gaussian
from natgrad.descent import DivergenceError, steepest_descent
from natgrad.gaussian import fisher_information
from natgrad.metrics import Euclidean, FisherMetric, Mahalanobis
from natgrad.objectives import (
    GaussianLogLikelihood,
    Quadratic,
    gaussian_descent,
    reparameterized_path,
    rotated_spd,
)
from tests.helpers import references as R
from tests.helpers.matrices import random_spd


def central_diff(f, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)])


def test_quadratic_gradient_and_hessian_by_finite_differences(rng):
    A = random_spd(rng, 4)
    f = Quadratic(A)
    x = rng.standard_normal(4)
    assert_allclose(f.value(x), x @ A @ x)
    # f is quadratic: central differences are exact up to rounding (~eps |f| / h)
    assert_allclose(f.gradient(x), central_diff(f.value, x), rtol=1e-6, atol=1e-6)
    H = np.array([central_diff(lambda y, i=i: f.gradient(y)[i], x) for i in range(4)])
    assert_allclose(f.hessian(), H, rtol=1e-6, atol=1e-6)


def test_quadratic_vectorised(rng):
    f = Quadratic([[1.0, -0.5], [-0.5, 1.0]])
    XY = rng.standard_normal((5, 6, 2))
    Z = f.value(XY)
    assert Z.shape == (5, 6)
    assert_allclose(Z[2, 3], f.value(XY[2, 3]))
    assert_allclose(f.gradient(XY)[1, 4], f.gradient(XY[1, 4]))


def test_mahalanobis_step_with_half_learning_rate_is_newton(rng):
    A = random_spd(rng, 3)
    f = Quadratic(A)
    x0 = rng.standard_normal(3) * 10
    newton = x0 - np.linalg.solve(f.hessian(), f.gradient(x0))
    path = steepest_descent(f.gradient, x0, Mahalanobis(A), lr=0.5, n_steps=1)
    assert_allclose(path[1], newton, atol=1e-12)
    assert_allclose(path[1], f.minimizer, atol=1e-12)
    # with lr = 1 (the draft's unscaled penalty) it overshoots to -x0
    path = steepest_descent(f.gradient, x0, Mahalanobis(A), lr=1.0, n_steps=1)
    assert_allclose(path[1], -x0, atol=1e-12)


def test_rotated_spd():
    M = rotated_spd([1.0, 50.0], 45.0)
    assert_allclose(np.linalg.eigvalsh(M), [1.0, 50.0])
    assert_allclose(M @ np.array([1.0, 1.0]), [1.0, 1.0], atol=1e-12)
    assert_allclose(rotated_spd([2.0, 3.0], 0.0), np.diag([2.0, 3.0]), atol=1e-15)
    with pytest.raises(ValueError, match="eigenvalues"):
        rotated_spd([1.0, -1.0], 0.0)


def direct_loglik(x, mu, lam):
    s = np.exp(lam)
    return np.sum(-0.5 * np.log(2 * np.pi) - lam - 0.5 * ((x - mu) / s) ** 2)


def test_loglik_matches_direct_sum(rng):
    x = rng.normal(0.3, 2.0, size=1000)
    ll = GaussianLogLikelihood(x)
    for mu, lam in [(0.0, 0.0), (0.3, np.log(2.0)), (-1.0, -1.5), (2.0, 1.0)]:
        assert_allclose(ll.value([mu, lam]), direct_loglik(x, mu, lam), rtol=1e-12)


def test_loglik_vectorised_over_a_grid(rng):
    x = rng.normal(size=50)
    ll = GaussianLogLikelihood(x)
    M, L = np.meshgrid(np.linspace(-1, 1, 7), np.linspace(-2, 2, 5))
    Z = ll.value(np.stack([M, L], axis=-1))
    assert Z.shape == (5, 7)
    assert_allclose(Z[3, 2], direct_loglik(x, M[3, 2], L[3, 2]), rtol=1e-12)


def test_loglik_gradient_by_finite_differences(rng):
    x = rng.normal(0.5, 1.5, size=200)
    ll = GaussianLogLikelihood(x)
    for theta in ([0.0, 0.0], [1.0, -0.5], [-0.3, 1.2]):
        fd = central_diff(ll.value, theta)
        # truncation O(h^2 f''') plus rounding O(eps |f| / h)
        tol = 1e-9 * abs(ll.value(theta)) / 1e-6 + 1e-6
        assert_allclose(ll.gradient(theta), fd, atol=tol)


def test_loglik_fisher_is_n_times_per_observation(rng):
    x = rng.normal(size=300)
    ll = GaussianLogLikelihood(x)
    theta = np.array([0.2, -0.4])
    assert_allclose(ll.fisher(theta), 300 * fisher_information(0.2, np.exp(-0.4), "mean_logstd"))


def test_loglik_fisher_is_expected_negative_hessian(rng):
    """The Fisher is the model's expected -Hessian: average over many simulated data sets."""
    mu, lam, n = 0.4, -0.3, 50
    theta = np.array([mu, lam])
    hessians = []
    for _ in range(4000):
        ll = GaussianLogLikelihood(rng.normal(mu, np.exp(lam), size=n))
        hessians.append(-central_diff(lambda t, ll=ll: ll.gradient(t), theta))
    hessians = np.array(hessians)
    se = hessians.std(axis=0, ddof=1) / np.sqrt(len(hessians))
    F = GaussianLogLikelihood(np.zeros(n) + mu + 1.0).fisher(theta)  # depends on n only
    assert np.all(np.abs(hessians.mean(axis=0) - F) <= 5 * se + 1e-4)


def test_sufficient_statistics_are_stable(rng):
    # sum x^2 - n mean^2 would cancel catastrophically here; the centred form does not
    x = 1e8 + rng.normal(size=10_000)
    ll = GaussianLogLikelihood(x)
    assert_allclose(ll.centred_ss, np.sum((x - x.mean()) ** 2), rtol=1e-9)
    assert_allclose(ll.mle()[1], np.log(x.std()), rtol=1e-9)


def test_one_natural_gradient_step_sends_mu_to_the_sample_mean(rng):
    x = rng.normal(1.3, 0.7, size=2000)
    ll = GaussianLogLikelihood(x)
    metric = FisherMetric(ll.fisher)
    for theta0 in ([0.0, 0.0], [-1.0, -2.0], [3.0, 1.5]):
        path = steepest_descent(lambda t: -ll.gradient(t), theta0, metric, lr=1.0, n_steps=1)
        assert_allclose(path[1, 0], x.mean(), rtol=1e-12)


def test_mle_maximises(rng):
    x = rng.normal(-0.4, 2.5, size=500)
    ll = GaussianLogLikelihood(x)
    assert_allclose(ll.gradient(ll.mle()), 0.0, atol=1e-9)
    assert_allclose(ll.mle(), [x.mean(), np.log(x.std())])


@pytest.mark.parametrize(
    "data, message",
    [([], "at least one"), ([1.0, np.nan], "finite"), ([np.inf], "finite")],
)
def test_loglik_rejects_bad_data(data, message):
    with pytest.raises(ValueError, match=message):
        GaussianLogLikelihood(data)


def test_loglik_rejects_bad_theta():
    with pytest.raises(ValueError, match="shape"):
        GaussianLogLikelihood([1.0, 2.0]).value([0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="MLE"):
        GaussianLogLikelihood([1.0, 1.0]).mle()


def test_quadratic_rejects_non_spd():
    with pytest.raises(ValueError, match="positive definite"):
        Quadratic([[1.0, 2.0], [2.0, 1.0]])


def test_excess_mean_nll_is_the_nll_gap_to_full_precision(rng):
    """mean NLL - min equals KL(N(xbar, s^2) || N(mu, sigma^2)); near the optimum the
    difference of likelihoods loses its digits, the KL keeps them (50-digit reference)."""
    import mpmath as mp

    data = 3.0 + 0.7 * rng.standard_normal(500)
    ll = GaussianLogLikelihood(data)
    mle = ll.mle()

    def reference(theta):
        with mp.workdps(50):
            xs = [mp.mpf(float(v)) for v in data]
            n = len(xs)
            mu, lam = mp.mpf(float(theta[0])), mp.mpf(float(theta[1]))

            def nll(m, la):
                return sum(la + (x - m) ** 2 / (2 * mp.exp(2 * la)) for x in xs) / n

            xbar = sum(xs) / n
            lam_star = mp.log(mp.sqrt(sum((x - xbar) ** 2 for x in xs) / n))
            return nll(mu, lam) - nll(xbar, lam_star)

    for offset in ([1.0, 0.3], [1e-3, -1e-3], [1e-6, 1e-6], [0.0, 1e-7], [2e-8, 0.0]):
        theta = mle + np.array(offset)
        got, ref = ll.excess_mean_nll(theta), reference(theta)
        # The sufficient statistics (xbar, s) are rounded to a few ulps (1e-15
        # relative); the gap moves with them by |mu - xbar| / sigma^2 per unit of
        # xbar and by 2 |log(sigma / s)| per unit of log s.
        sigma2 = np.exp(2 * theta[1])
        cond = abs(offset[0]) * abs(ll.mean) / sigma2 + 2 * abs(offset[1])
        tol = 1e-13 * float(ref) + 1e-15 * cond
        assert abs(got - float(ref)) <= tol, (offset, got, float(ref))
    assert ll.excess_mean_nll(mle) == pytest.approx(0.0, abs=1e-30)
    with pytest.raises(ValueError, match="shape"):
        ll.excess_mean_nll([1.0, 2.0, 3.0])


@pytest.mark.parametrize("gap", [1e-20, 1e-26, 1e-30])
def test_excess_along_mu_is_exact_for_the_configs_data_centred_near_zero(default_config, gap):
    """Issue 24's inputs: the config's 2000 draws of N(0, 1) (mean -0.028), mu moved off
    the mean by sqrt(2 gap) sigma at the MLE's log sigma. The offset mean - mu (with
    mean_lo) is good to a few ulps, so the mu part of the gap, offset^2 / (2 sigma^2),
    is too. The log sigma part (~(eps log s)^2 ~ 1e-32) is the same number in both terms
    of each difference, library and reference, and cancels from it; what remains
    is judged to 8 ulps of the larger term. A mean_lo taken as the float mean of the
    residuals was off by 1.4e-17 here, 2e-4 relative at 1e-26 and 7e-2 at 1e-30."""
    data = gaussian.sample(**default_config["gaussian_data"])
    ll = GaussianLogLikelihood(data)
    lam = ll.mle()[1]
    mu = ll.mean + np.sqrt(2 * gap) * np.exp(lam)
    got = ll.excess_mean_nll([mu, lam]) - ll.excess_mean_nll([ll.mean + ll.mean_lo, lam])
    ref = R.loglik(data, mu, lam)["excess"] - R.loglik(data, ll.mean + ll.mean_lo, lam)["excess"]
    assert abs(got - ref) <= R.ULPS * R.EPS * ll.excess_mean_nll([mu, lam]), (got, ref)
    # and the whole gap, to its conditioning in log s (docstring): 2 e |dlam| + e^2
    e = R.ULPS * R.EPS
    whole = R.loglik(data, mu, lam)["excess"]
    assert abs(ll.excess_mean_nll([mu, lam]) - whole) <= 1e-13 * whole + e * e
    with R.mp.workdps(R.DIGITS):
        xs = [R.mpf(v) for v in data]
        exact_lo = float(sum(xs) / len(xs) - R.mpf(ll.mean))
    assert abs(ll.mean_lo - exact_lo) <= R.EPS * abs(exact_lo)


@pytest.fixture
def ll500(rng):
    return GaussianLogLikelihood(rng.normal(0.4, 1.3, size=500))


@pytest.mark.parametrize("method", ["gd", "natural"])
def test_descent_in_logstd_matches_the_likelihoods_own_gradient(ll500, method):
    """J^T grad_(mu, sigma) in (mu, log sigma) is GaussianLogLikelihood's own gradient."""
    ll = ll500
    metric = Euclidean(2) if method == "gd" else FisherMetric(lambda t: ll.fisher(t) / ll.n)
    direct = steepest_descent(lambda t: -ll.gradient(t) / ll.n, [1.0, -0.5], metric, 0.2, 25)
    assert_allclose(
        gaussian_descent(ll, [1.0, -0.5], "mean_logstd", method, 0.2, 25),
        direct,
        rtol=1e-10,
        atol=1e-12,
    )


@pytest.mark.parametrize("param", ["mean_std", "mean_logstd", "mean_var", "natural"])
def test_natural_gradient_converges_to_the_mle_in_every_parameterization(ll500, param):
    path = reparameterized_path(ll500, 1.0, 0.8, param, "natural", 0.1, 400)
    mu_hat, log_s_hat = ll500.mle()
    assert_allclose(path[-1], [mu_hat, np.exp(log_s_hat)], rtol=1e-6)


def test_a_step_out_of_the_domain_is_divergence_naming_the_numbers(ll500):
    """Gradient descent in (mu, sigma) with a huge step sends sigma below 0: from sigma = 50
    the NLL's slope is about 1/50, and a step of 10^4 moves sigma by about -200: step 1
    diverged (found by the gradient at its iterate, in step 2), and the path stops at x0."""
    from natgrad.descent import DivergenceError

    with pytest.raises(DivergenceError, match=r"step 1 of 5 \(lr=10000\): the iterate left"):
        reparameterized_path(ll500, 1.0, 50.0, "mean_std", "gd", 1e4, 5)
    with pytest.raises(DivergenceError) as err:
        reparameterized_path(ll500, 1.0, 50.0, "mean_std", "gd", 1e4, 5)
    assert (err.value.step, err.value.n_steps, err.value.lr) == (1, 5, 1e4)
    stopped = reparameterized_path(ll500, 1.0, 50.0, "mean_std", "gd", 1e4, 5, on_divergence="stop")
    assert_allclose(stopped, [[1.0, 50.0]], rtol=0)


def test_from_sample_is_the_seeded_draws():
    from natgrad.gaussian import sample

    a = GaussianLogLikelihood.from_sample(n=50, mu=1.0, sigma=2.0, seed=3)
    b = GaussianLogLikelihood(sample(50, 1.0, 2.0, 3))
    assert a == b
    assert_allclose(a.mean_nll(a.mle()), 0.5 * np.log(2 * np.pi) + a.mle()[1] + 0.5)


def test_sufficient_statistics_of_data_far_from_zero_with_a_small_spread(rng):
    """1000 + N(0, 1e-6) data: mean, centred sum of squares and the gradient at sigma = 1e-3
    against 50-digit arithmetic on the same doubles."""
    import mpmath as mp

    data = 1000.0 + 1e-6 * rng.standard_normal(1000)
    ll = GaussianLogLikelihood(data)
    with mp.workdps(50):
        xs = [mp.mpf(float(v)) for v in data]
        mean = sum(xs) / len(xs)
        css = sum((x - mean) ** 2 for x in xs)
        # the doubles the function gets
        mu, lam = mp.mpf(1000.0 + 3e-7), mp.mpf(float(np.log(1e-3)))
        inv_var = mp.exp(-2 * lam)
        grad = [
            len(xs) * (mean - mu) * inv_var,
            -len(xs) + inv_var * (css + len(xs) * (mean - mu) ** 2),
        ]
    assert abs(ll.mean - float(mean)) <= 1e-15 * abs(float(mean))
    assert abs(ll.centred_ss - float(css)) <= 1e-12 * float(css)
    got = ll.gradient([1000.0 + 3e-7, float(np.log(1e-3))])
    for g, r in zip(got, grad, strict=True):
        assert abs(g - float(r)) <= 1e-12 * abs(float(r)), (g, float(r))


def test_metric_step_is_newton_only_for_a_metric_proportional_to_the_hessian(rng):
    """ERRATA E17: "equivalent to Newton's method because the loss is quadratic" needs the
    metric to be proportional to the Hessian. On f = x^T B x (Hessian 2B) the step under
    A reaches the minimiser in one step only when A is a multiple of B."""
    B = random_spd(rng, 3)
    f = Quadratic(B)
    x0 = 10 * rng.standard_normal(3)
    for c in (0.5, 1.0, 3.0):
        # metric c B: Newton's step at lr = c / 2, whatever c
        path = steepest_descent(f.gradient, x0, Mahalanobis(c * B), lr=c / 2, n_steps=1)
        assert_allclose(path[1], 0.0, atol=1e-12 * np.abs(x0).max())
    A = random_spd(rng, 3)  # not proportional to B
    d = Mahalanobis(A).direction(f.gradient(x0))
    # no learning rate makes x0 - lr d the minimiser 0: d is not parallel to x0
    cos = d @ x0 / (np.linalg.norm(d) * np.linalg.norm(x0))
    assert abs(cos) < 1 - 1e-3


def test_drafts_learning_rates_are_not_its_text():
    """ERRATA E20: the code steps with 0.5 grad f and 0.3 A^-1 grad f, rates the text never
    states. On f = x^T A x, 0.3 A^-1 grad f is 0.6 of Newton's step (iterates 0.4^k x0),
    and gradient descent at 0.5 has iteration matrix I - A, eigenvalues +-1/2: the
    component along (1, -1) changes sign every step ("bounces"). Published values only
    (tests/helpers/published.py): config.yaml may step otherwise."""
    from tests.helpers.published import GD

    assert GD["lrs"] == {"euclidean": 0.5, "mahalanobis": 0.3}
    A = np.array(GD["A"])
    f, x0 = Quadratic(A), np.array(GD["x0"])
    newton = -x0  # Newton's step from x0 to the minimiser 0
    metric_step = steepest_descent(f.gradient, x0, Mahalanobis(A), 0.3, 1)[1] - x0
    assert_allclose(metric_step, 0.6 * newton, atol=1e-14)
    path = steepest_descent(f.gradient, x0, Mahalanobis(A), 0.3, 10)
    assert_allclose(path, 0.4 ** np.arange(11)[:, None] * x0, rtol=1e-13)
    gd = steepest_descent(f.gradient, x0, Euclidean(), 0.5, 10)
    across = gd @ np.array([1.0, -1.0])
    along = gd @ np.array([1.0, 1.0])
    assert np.all(np.sign(across[1:]) == -np.sign(across[:-1]))
    assert_allclose(across, 5.0 * (-0.5) ** np.arange(11), rtol=1e-13)
    assert_allclose(along, 11.0 * 0.5 ** np.arange(11), rtol=1e-13)


# --- accuracy over the whole range, against 50-digit references (tests/helpers/references.py) ---


@settings(max_examples=R.examples(120), deadline=None, derandomize=True)
@given(
    mu=st.one_of(st.floats(-1e3, 1e3), st.sampled_from([0.0, 1e3, -1e3])),
    log_sigma=st.floats(-6, 6),
    n=st.integers(2, 40),
    seed=st.integers(0, 2**32 - 1),
    dmu=st.sampled_from([0.0, 1e-12, 1e-9, 0.5, 3.0, -40.0]),
    dlam=st.sampled_from([0.0, 1e-12, 1e-9, 0.3, -2.0, 4.0]),
)
def test_likelihood_is_accurate(mu, log_sigma, n, seed, dmu, dlam):
    """Value, gradients, mean NLL, excess NLL, Fisher and MLE to 1e-12 relative (or a few
    ulps of their terms) for data mu + sigma N(0, 1), sigma in [1e-6, 1e6], |mu| <= 1e3,
    at and near the optimum."""
    sigma = 10.0**log_sigma
    data = mu + sigma * np.random.default_rng(seed).standard_normal(n)
    ll = GaussianLogLikelihood(data)
    theta = np.array([ll.mean + dmu * sigma, ll.mle()[1] + dlam])
    ref = R.loglik(data, *theta)
    assert R.close(ll.value(theta), *ref["value"])
    assert R.close(ll.mean_nll(theta), *ref["mean_nll"])
    for got, (value, scale) in zip(ll.gradient(theta), ref["gradient"], strict=True):
        assert R.close(got, value, scale), (got, value, scale)
    # the chain rule: d/dsigma = (d/dlog sigma) / sigma
    s = np.exp(theta[1])
    gms = ll.gradient_mean_std(theta[0], s)
    assert R.close(gms[0], ref["gradient"][0][0], ref["gradient"][0][1])
    assert R.close(gms[1] * s, ref["gradient"][1][0], ref["gradient"][1][1])
    with R.mp.workdps(R.DIGITS):
        xs = [R.mpf(v) for v in data]
        mean = sum(xs) / n
        mle = [float(mean), float(R.mp.log(R.mp.sqrt(sum((x - mean) ** 2 for x in xs) / n)))]
    # the offset (mean_lo included) is exact but for a few roundings, d; rounding the
    # centred sum of squares (pairwise, relative ~eps per level) moves log s by e:
    offset, resid = ref["offset"]
    d, e = R.ULPS * R.EPS * abs(offset), R.ULPS * R.EPS
    assert abs(ll.mle()[0] - mle[0]) <= 1e-12 * abs(mle[0]) + R.ULPS * R.EPS * resid
    assert abs(ll.mean + ll.mean_lo - mle[0]) <= R.ULPS * R.EPS * abs(mle[0])
    assert abs(ll.mle()[1] - mle[1]) <= 1e-12 * abs(mle[1]) + e
    # excess ~ offset^2 / (2 sigma^2) + (log sigma - log s)^2 near the optimum, so they
    # move it by d (|offset| + d) / sigma^2 and 2 e (|log sigma - log s| + e)
    excess = ll.excess_mean_nll(theta)
    tol = (
        1e-12 * ref["excess"] + d * (abs(offset) + d) / s**2 + 2 * e * (abs(theta[1] - mle[1]) + e)
    )
    assert abs(excess - ref["excess"]) <= tol, (excess, ref["excess"])
    assert_allclose(ll.fisher(theta), n * R.fisher(theta[0], s, "mean_logstd"), rtol=1e-12)


@settings(max_examples=R.examples(100), deadline=None, derandomize=True)
@given(
    log_eigs=st.tuples(st.floats(-3, 3), st.floats(-3, 3)),
    angle=st.floats(0, 180),
    # |x| >= 1e-100 or 0: x^T A x stays clear of the subnormal range
    x=st.tuples(
        *[
            st.one_of(
                st.just(0.0),
                st.floats(-3, 100).map(lambda u: 10.0**-u),
                st.floats(-1e3, -1e-100),
                st.floats(1e-100, 1e3),
            )
        ]
        * 2
    ),
)
def test_quadratic_is_accurate(log_eigs, angle, x):
    """Value and gradient of x^T A x to 1e-12 relative, or a few ulps of |x|^2 |A|."""
    A = rotated_spd(10.0 ** np.array(log_eigs), angle)
    f = Quadratic(A)
    with R.mp.workdps(R.DIGITS):
        Am, xm = R.mp.matrix(A.tolist()), R.mp.matrix([float(v) for v in x])
        value = (xm.T * Am * xm)[0]
        grad = 2 * Am * xm
        absA = R.mp.matrix(np.abs(A).tolist())
        xa = R.mp.matrix([abs(float(v)) for v in x])
        scale, gscale = (xa.T * absA * xa)[0], 2 * absA * xa
    assert R.close(f.value(np.array(x)), value, scale)
    for k in range(2):
        assert R.close(f.gradient(np.array(x))[k], grad[k], gscale[k])


def test_float32_inputs_give_float64_results():
    data = np.float32([0.5, 1.25, -0.75, 2.0])
    ll, ll64 = GaussianLogLikelihood(data), GaussianLogLikelihood(data.astype(float))
    assert ll == ll64
    theta = np.float32([0.3, -0.2])
    t64 = theta.astype(float)
    for name in ("value", "gradient", "fisher", "mean_nll", "excess_mean_nll"):
        R.float64_like(getattr(ll, name)(theta), getattr(ll64, name)(t64))
    R.float64_like(ll.offset(theta[0]), ll64.offset(t64[0]))
    R.float64_like(
        ll.gradient_mean_std(theta[0], np.float32(1.5)), ll64.gradient_mean_std(t64[0], 1.5)
    )
    f = Quadratic(rotated_spd(np.float32([1.0, 4.0]), 20.0))
    R.float64_like(f.value(theta), f.value(t64))
    R.float64_like(f.gradient(theta), f.gradient(t64))
    R.float64_like(rotated_spd(np.float32([1.0, 4.0]), 20.0), rotated_spd([1.0, 4.0], 20.0))


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: GaussianLogLikelihood(n=3, mean=1.0),
            "give data, or all of n, mean and centred_ss",
        ),
        (
            lambda: GaussianLogLikelihood(n=3, centred_ss=1.0),
            "give data, or all of n, mean and centred_ss",
        ),
        (
            lambda: GaussianLogLikelihood(mean=1.0, centred_ss=1.0),
            "give data, or all of n, mean and centred_ss",
        ),
        (lambda: GaussianLogLikelihood([]), "data must contain at least one observation"),
        (lambda: GaussianLogLikelihood([1.0, np.nan]), "data must be finite"),
        (
            lambda: rotated_spd([0.0, 1.0], 0.0),
            "eigenvalues must be two positive finite numbers, got [0.0, 1.0]",
        ),
        (
            lambda: Quadratic([[1.0, 2.0], [2.0, 1.0]]),
            "A must be positive definite, smallest eigenvalue is -1",
        ),
    ],
)
def test_messages_in_full(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert str(err.value) == message


def test_shapes_and_types_of_the_likelihood(rng):
    ll = GaussianLogLikelihood(rng.normal(size=50))
    assert type(ll.value([0.1, 0.2])) is float
    assert type(Quadratic(np.eye(2)).value([1.0, 2.0])) is float
    thetas = rng.normal(size=(3, 2))
    g = ll.gradient(thetas)
    assert g.shape == (3, 2)
    assert_allclose(g[1], ll.gradient(thetas[1]))
    gms = ll.gradient_mean_std(thetas[:, 0], np.exp(thetas[:, 1]))
    assert gms.shape == (3, 2)
    assert_allclose(gms[2], ll.gradient_mean_std(thetas[2, 0], np.exp(thetas[2, 1])))
    assert ll.value(thetas).shape == (3,)
    # from statistics alone: mean_lo defaults to 0, so the offset is mean - mu
    stats = GaussianLogLikelihood(n=4, mean=1.5, centred_ss=2.0)
    assert stats.mean_lo == 0.0 and stats.offset(0.25) == 1.25


def test_mle_path_is_descent_in_the_posts_coordinates(ll500):
    from natgrad.objectives import gaussian_mle_path

    theta0 = np.array([1.5, 0.8])
    for method in ("gd", "natural"):
        assert_allclose(
            gaussian_mle_path(ll500, theta0, method, 0.1, 7),
            gaussian_descent(ll500, theta0, "mean_logstd", method, 0.1, 7),
            rtol=0,
        )
    path = gaussian_mle_path(ll500, theta0, "natural", 0.5, 60)
    assert path.shape == (61, 2)
    assert_allclose(path[-1], ll500.mle(), atol=1e-10)
    stopped = gaussian_mle_path(ll500, [0.0, -3.0], "gd", 1e6, 20, on_divergence="stop")
    assert len(stopped) < 21 and np.all(np.isfinite(stopped))
    with pytest.raises(DivergenceError):
        gaussian_mle_path(ll500, [0.0, -3.0], "gd", 1e6, 20)


def test_reparameterization_discrepancy_is_the_largest_first_step_gap(ll500):
    """Natural gradient: the first steps of different parameterisations agree to O(lr^2);
    gradient descent's differ at O(lr). Halving lr divides the gap by ~4 and ~2."""
    from natgrad.objectives import reparameterization_discrepancy

    lrs = [0.02, 0.01, 0.005]
    nat = reparameterization_discrepancy(ll500, 1.0, 0.8, "natural", lrs)
    gd = reparameterization_discrepancy(ll500, 1.0, 0.8, "gd", lrs)
    assert nat.shape == gd.shape == (3,)
    assert_allclose(nat[:-1] / nat[1:], 4.0, rtol=0.05)
    assert_allclose(gd[:-1] / gd[1:], 2.0, rtol=0.05)
    # two parameterisations: the distance between their first steps, in (mu, sigma)
    pair = ("mean_std", "mean_var")
    ends = [reparameterized_path(ll500, 1.0, 0.8, p, "gd", 0.01, 1)[1] for p in pair]
    got = reparameterization_discrepancy(ll500, 1.0, 0.8, "gd", [0.01], pair)
    assert_allclose(got, [np.linalg.norm(ends[0] - ends[1])], rtol=1e-15)
    assert reparameterization_discrepancy(ll500, 1.0, 0.8, "gd", [0.01], ("natural",)) == 0.0
    # the default compares (mu, sigma), (mu, log sigma) and (mu, sigma^2)
    three = ("mean_std", "mean_logstd", "mean_var")
    assert_allclose(
        reparameterization_discrepancy(ll500, 1.0, 0.8, "gd", [0.01]),
        reparameterization_discrepancy(ll500, 1.0, 0.8, "gd", [0.01], three),
        rtol=0,
    )


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: GaussianLogLikelihood([1.0, 1.0]).excess_mean_nll([0.0, 0.0]),
            "the minimum is -inf: all observations are equal",
        ),
        (
            lambda: GaussianLogLikelihood([1.0, 1.0]).mle(),
            "the MLE of sigma is 0: all observations are equal",
        ),
        (
            lambda: GaussianLogLikelihood([1.0, 2.0]).excess_mean_nll([[0.0], [0.0]]),
            "theta must have shape (..., 2), got (2, 1)",
        ),
        (
            lambda: gaussian_descent(
                GaussianLogLikelihood([1.0, 2.0]), [0.0, 0.0], "mean_logstd", "adam", 0.1, 2
            ),
            "method must be 'gd' or 'natural', got 'adam'",
        ),
    ],
)
def test_likelihood_messages_in_full(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert str(err.value) == message
    # a single observation has a likelihood and an MLE of its mean, not of its spread
    one = GaussianLogLikelihood([2.5])
    assert one.n == 1 and one.centred_ss == 0.0 and one.offset(2.0) == 0.5


def test_quadratic_keeps_a_validated_read_only_float_matrix():
    q = Quadratic([[2, 0], [0, 1]])
    assert isinstance(q.A, np.ndarray) and q.A.dtype == np.float64
    assert not q.A.flags.writeable
    assert_allclose(q.value([1, 1]), 3.0, rtol=1e-15)


def test_centred_sum_of_squares_keeps_its_digits_far_from_zero():
    """Data at 1000 with a spread of 1e-9: the mean's rounding error (mean_lo, ~1e-14) is
    not negligible against the residuals. Against 50 digits, 1e-12 relative."""
    import mpmath as mp

    for seed in range(3):
        x = 1000 + 1e-9 * np.random.default_rng(seed).standard_normal(1000)
        ll = GaussianLogLikelihood.from_data(x)
        assert ll.mean_lo != 0.0  # otherwise this data would not test the correction
        with mp.workdps(50):
            X = [mp.mpf(float(v)) for v in x]
            m = mp.fsum(X) / len(X)
            ref = float(mp.fsum((v - m) ** 2 for v in X))
        assert abs(ll.centred_ss - ref) <= 1e-12 * ref, (seed, ll.centred_ss, ref)


def test_excess_mean_nll_is_vectorised_over_leading_axes():
    ll = GaussianLogLikelihood.from_data([0.1, -0.4, 1.3, 0.7])
    thetas = np.array([[0.0, 0.0], [0.5, -0.3], [-1.0, 0.4]])
    got = ll.excess_mean_nll(thetas)
    assert got.shape == (3,)
    assert_allclose(got, [ll.excess_mean_nll(t) for t in thetas], rtol=1e-15)
    assert ll.excess_mean_nll(thetas.reshape(3, 1, 2)).shape == (3, 1)


def test_reparameterized_path_passes_on_divergence_on():
    ll = GaussianLogLikelihood.from_data(np.random.default_rng(0).normal(2.0, 0.5, 500))
    with pytest.raises(DivergenceError):
        reparameterized_path(ll, 0.0, np.exp(-3.0), "mean_logstd", "gd", 1e6, 20)
    stopped = reparameterized_path(
        ll, 0.0, np.exp(-3.0), "mean_logstd", "gd", 1e6, 20, on_divergence="stop"
    )
    assert 1 <= len(stopped) < 21 and np.all(np.isfinite(stopped))


@pytest.mark.parametrize(
    ("parameterization", "theta0", "lr"),
    [("mean_std", [2.0, 3.0], 10.0), ("natural", [0.0, -0.5], 10.0)],
)
def test_a_last_step_out_of_the_domain_is_divergence(parameterization, theta0, lr):
    """The step's gradient would find it, but the last step has no next gradient: sigma < 0
    (or eta2 > 0) after step 1 of 1 is reported, or dropped with on_divergence="stop"."""
    ll = GaussianLogLikelihood.from_data(np.random.default_rng(0).normal(2.0, 0.5, 500))
    with pytest.raises(DivergenceError) as err:
        gaussian_descent(ll, theta0, parameterization, "gd", lr, 1)
    assert err.value.step == 1
    assert str(err.value).startswith(
        f"steepest descent diverged at step 1 of 1 (lr={lr:g}): the iterate left its domain "
        f"(theta is outside the domain of the {parameterization} parameterization)"
    )
    stopped = gaussian_descent(ll, theta0, parameterization, "gd", lr, 1, on_divergence="stop")
    assert_allclose(stopped, [theta0], rtol=0)


def test_the_last_of_several_steps_out_of_the_domain_is_divergence_too():
    """Found by the check after the loop (no gradient follows the last iterate): the same
    step number as a longer run finds through the next gradient."""
    ll = GaussianLogLikelihood.from_data(np.random.default_rng(0).normal(2.0, 0.5, 500))
    for n_steps in (3, 5):
        with pytest.raises(DivergenceError) as err:
            gaussian_descent(ll, [2.0, 3.0], "mean_std", "gd", 2.5, n_steps)
        assert err.value.step == 3
    stopped = gaussian_descent(ll, [2.0, 3.0], "mean_std", "gd", 2.5, 3, on_divergence="stop")
    assert stopped.shape == (3, 2) and np.all(stopped[:, 1] > 0)
    assert_allclose(gaussian_descent(ll, [2.0, 3.0], "mean_std", "gd", 2.5, 0), [[2.0, 3.0]])


def test_a_start_outside_the_domain_is_refused_as_such():
    from natgrad.gaussian import DomainError

    ll = GaussianLogLikelihood.from_data([0.0, 1.0])
    for n_steps in (0, 3):  # no step at all: still not a path
        with pytest.raises(DomainError, match="outside the domain of the mean_std"):
            gaussian_descent(ll, [0.0, -1.0], "mean_std", "gd", 0.1, n_steps, on_divergence="stop")
